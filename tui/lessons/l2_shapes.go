package lessons

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui/cells"
)

func lesson2() Lesson {
	return Lesson{
		N: 2,
		Title: map[Lang]string{
			EN: "Problem shapes",
			KO: "RNN의 여러 가지 입출력 형태",
		},
		Text: map[Lang][]string{
			EN: {
				"Because the same cell runs at every step, one RNN fits many shapes of problem. One to many: input at the first step only (zero vectors after), a sequence out (image captioning). Many to one: read it all, answer at the last step (sentiment classification). Many to many with a delay: read everything, then produce (machine translation). Many to many without delay: an answer at every step (part-of-speech tagging, frame-by-frame video classification). And series: tomorrow's price from the past.",
				"Each shape below is a real task training live from random weights; m shows the next one.",
			},
			KO: {
				"매 step마다 같은 셀이 돌기 때문에 RNN 하나로 여러 형태의 문제를 풀 수 있다. one to many: 입력은 첫 time step에만 넣고 나머지는 같은 크기의 0 벡터, 출력은 여러 개(이미지 캡셔닝). many to one: 끝까지 읽고 마지막 step에서만 출력(감정 분석). many to many (delay 있음): 다 읽은 뒤 순차적으로 출력(기계 번역). many to many (delay 없음): 입력마다 바로 예측(품사 태깅, 프레임 단위 비디오 분류). 그리고 과거 주가로 다음 날 가격 예측하기.",
				"아래 과제들은 무작위 가중치에서 지금 학습하는 실제 문제다. m을 누르면 다음 형태로 넘어간다.",
			},
		},
		Screen: "scope", Preset: "hello",
		New: newShapes,
	}
}

// shapeFrames is how many frames (training steps) each task trains: 30 s at 25
// frames a second. The accuracy each task shows is reached well before (tests).
const (
	shapeFrames    = 750
	shapeEvalEvery = 25
)

// shapesDemo is lesson 2: five small tasks, one per shape, each trained live when
// shown.
type shapesDemo struct {
	seed  uint64
	cur   shapeKind
	tasks [numShapes]*shapeTask
}

func newShapes(seed uint64) Demo {
	d := &shapesDemo{seed: seed}
	d.show(oneToMany)
	d.build()
	return d
}

// show switches to a shape; its task is built (from scratch) by the next Step,
// so that a key never does a frame's worth of work.
func (d *shapesDemo) show(k shapeKind) { d.cur = k }

// build makes the current shape's task if it has none.
func (d *shapesDemo) build() {
	k := d.cur
	if d.tasks[k] != nil {
		return
	}
	switch k {
	case oneToMany:
		d.tasks[k] = newDigitsTask(d.seed)
	case manyToOne:
		d.tasks[k] = newLinesTask(d.seed)
	case manyToManyDelay:
		d.tasks[k] = newReverseTask(d.seed)
	case manyToManyNow:
		d.tasks[k] = newTagTask(d.seed)
	case seriesNext:
		d.tasks[k] = newPriceTask(d.seed)
	}
}

func (d *shapesDemo) Step() bool {
	t := d.tasks[d.cur]
	switch {
	case t == nil:
		d.build()
	case t.evaluated < t.steps && (t.steps%shapeEvalEvery == 0 || t.steps == shapeFrames):
		t.evaluate() // a frame of its own: evaluating costs about as much as a step
	case t.steps >= shapeFrames:
		return false
	default:
		t.step()
	}
	return true
}

func (d *shapesDemo) Key(k string) bool {
	switch k {
	case "m":
		d.show((d.cur + 1) % numShapes)
	case "M":
		d.show((d.cur + numShapes - 1) % numShapes)
	case "1", "2", "3", "4", "5":
		d.show(shapeKind(k[0] - '1'))
	case "r":
		d.tasks[d.cur] = nil
		d.show(d.cur)
	default:
		return false
	}
	return true
}

func (d *shapesDemo) Keys(lang Lang) []Key {
	return []Key{
		{"m", tr(lang, "next shape (M: previous, 1–5: pick)", "다음 형태 (M: 이전, 1–5: 고르기)")},
		{"r", tr(lang, "train this task again from scratch", "이 과제를 처음부터 다시 학습")},
	}
}

func (d *shapesDemo) Facts() map[string]string {
	t := d.tasks[d.cur]
	if t == nil {
		return map[string]string{"shape": shapeID(d.cur), "steps": "0"}
	}
	f := map[string]string{
		"shape": shapeID(d.cur),
		"steps": fmt.Sprint(t.steps),
		"acc":   fmt.Sprintf("%.3f", t.acc),
		"base":  fmt.Sprintf("%.3f", t.base),
	}
	if d.cur == seriesNext {
		f["within1"] = fmt.Sprintf("%.3f", t.near)
		f["within1_base"] = fmt.Sprintf("%.3f", t.nearBase)
	}
	return f
}

func shapeID(k shapeKind) string {
	return [...]string{"one-to-many", "many-to-one", "many-to-many-delay", "many-to-many", "series"}[k]
}

// shapeName is the shape as the lecture names it.
func shapeName(k shapeKind, lang Lang) string {
	switch k {
	case oneToMany:
		return "one to many"
	case manyToOne:
		return "many to one"
	case manyToManyDelay:
		return tr(lang, "many to many, delayed", "many to many (delay)")
	case manyToManyNow:
		return tr(lang, "many to many, no delay", "many to many (delay 없음)")
	}
	return tr(lang, "series", "시계열 예측")
}

// shapeDiagram draws a shape as boxes and arrows, 5 rows.
func shapeDiagram(k shapeKind) []string {
	switch k {
	case oneToMany:
		return []string{
			" y₁   y₂   y₃   y₄",
			" ↑    ↑    ↑    ↑",
			"[h]─→[h]─→[h]─→[h]",
			" ↑    ↑    ↑    ↑",
			" x₁   0    0    0",
		}
	case manyToOne:
		return []string{
			"                y",
			"                ↑",
			"[h]─→[h]─→[h]─→[h]",
			" ↑    ↑    ↑    ↑",
			" x₁   x₂   x₃   x₄",
		}
	case manyToManyDelay:
		return []string{
			"                y₁   y₂   y₃",
			"                ↑    ↑    ↑",
			"[h]─→[h]─→[h]─→[h]─→[h]─→[h]",
			" ↑    ↑    ↑    ↑    ↑    ↑",
			" x₁   x₂   x₃   |    0    0",
		}
	case manyToManyNow:
		return []string{
			" y₁   y₂   y₃   y₄",
			" ↑    ↑    ↑    ↑",
			"[h]─→[h]─→[h]─→[h]",
			" ↑    ↑    ↑    ↑",
			" x₁   x₂   x₃   x₄",
		}
	}
	return []string{
		" p₂   p₃   p₄   p₅",
		" ↑    ↑    ↑    ↑",
		"[h]─→[h]─→[h]─→[h]",
		" ↑    ↑    ↑    ↑",
		" p₁   p₂   p₃   p₄",
	}
}

// taskText says what the current task is, in a sentence or two.
func taskText(k shapeKind, lang Lang) string {
	switch k {
	case oneToMany:
		return tr(lang, "Generate from one character: a digit goes in at the first step, zero vectors after; out comes its name, letter by letter, then \".\".",
			"문자 하나로 생성하기: 첫 step에만 숫자 하나를 넣고 그다음은 0 벡터를 넣는다. 출력은 그 숫자의 영어 이름을 한 글자씩, 끝에 \".\".")
	case manyToOne:
		return tr(lang, "Classify a line of code (its first 40 characters): does it hold a string? The loss is taken at the last step only.",
			"코드 한 줄(앞 40글자)을 분류하기: 문자열이 들어 있나? 손실은 마지막 step에서만 계산한다.")
	case manyToManyDelay:
		return tr(lang, "Read four letters and a \"|\", then write them reversed: like translation, the output starts only after the whole input is read.",
			"글자 네 개와 \"|\"를 읽은 다음 거꾸로 써 내기: 번역처럼 입력을 다 읽은 뒤에야 출력이 시작된다.")
	case manyToManyNow:
		return tr(lang, "Tag every character of prose as inside a quotation (IN) or not (out), as it is read: an answer at every step.",
			"글을 읽으며 글자마다 따옴표 안(IN)인지 밖(out)인지 태깅하기: 매 step마다 답한다.")
	}
	return tr(lang, "Predict tomorrow's price from the days so far. The price is a made-up random series (an AR(2) process: momentum and a pull back to the mean) on 16 levels, 0–F.",
		"지금까지의 흐름으로 다음 날 가격 예측하기. 가격은 지어낸 무작위 시계열(AR(2) 과정: 관성과 평균으로 돌아가려는 힘)을 16단계(0–F)로 나눈 것이다.")
}

func (d *shapesDemo) View(w, h int, st *themes.Styles, lang Lang) string {
	if s, ok := tooSmall(w, h, st, lang); ok {
		return s
	}
	t := d.tasks[d.cur]
	if t == nil {
		return cells.Fit([]string{st.Muted.Render(tr(lang, "preparing the task…", "과제를 준비하는 중…"))}, w, h)
	}
	var out []string
	// Tabs of the five shapes.
	var tabs []string
	for k := range numShapes {
		name := fmt.Sprintf("%d %s", k+1, shapeName(k, lang))
		if k == d.cur {
			tabs = append(tabs, st.ActiveTab.Render(name))
		} else {
			tabs = append(tabs, st.Tab.Render(name))
		}
	}
	tabLine := strings.Join(tabs, "")
	if ansi.StringWidth(tabLine) > w {
		tabs = tabs[:0]
		for k := range numShapes {
			if k == d.cur {
				tabs = append(tabs, st.ActiveTab.Render(fmt.Sprintf("%d %s", k+1, shapeName(k, lang))))
			} else {
				tabs = append(tabs, st.Tab.Render(fmt.Sprint(k+1)))
			}
		}
		tabLine = strings.Join(tabs, "")
	}
	out = append(out, tabLine)

	// The diagram on the left, the task and its progress on the right.
	dia := shapeDiagram(d.cur)
	dw := 0
	for _, l := range dia {
		dw = max(dw, ansi.StringWidth(l))
	}
	rw := w - dw - 3
	var right []string
	for _, l := range cells.Wrap(taskText(d.cur, lang), rw, 3) {
		right = append(right, st.Text.Render(l))
	}
	right = append(right, d.progress(t, st, lang))
	var left []string
	for _, l := range dia {
		left = append(left, st.Accent.Render(l))
	}
	out = append(out, hjoin(left, dw, 3, right, rw)...)
	out = append(out, "")
	out = append(out, d.examples(t, st, lang, w, h-len(out))...)
	return cells.Fit(out, w, h)
}

// progress is the task's training line: steps, loss and test accuracy with the
// baseline it has to beat.
func (d *shapesDemo) progress(t *shapeTask, st *themes.Styles, lang Lang) string {
	state := tr(lang, "training", "학습 중")
	if t.steps >= shapeFrames {
		state = tr(lang, "done", "완료")
	}
	s := st.Muted.Render(fmt.Sprintf("%s · step %d · %s %.2f · ", state, t.steps, tr(lang, "loss", "손실"), t.loss))
	acc := st.Value.Render(pct(t.acc))
	switch t.kind {
	case oneToMany:
		return s + tr(lang, "names right: ", "맞힌 이름: ") + acc
	case manyToOne:
		return s + tr(lang, "test lines right: ", "시험 줄 정답률: ") + acc +
			st.Muted.Render(tr(lang, fmt.Sprintf(" (always \"none\": %s)", pct(t.base)), fmt.Sprintf(" (항상 \"없음\": %s)", pct(t.base))))
	case manyToManyDelay:
		return s + tr(lang, "words reversed right: ", "거꾸로 쓰기 정답률: ") + acc
	case manyToManyNow:
		return s + tr(lang, "characters tagged right: ", "태그 정답률: ") + acc +
			st.Muted.Render(tr(lang, fmt.Sprintf(" (always the commoner tag: %s)", pct(t.base)), fmt.Sprintf(" (항상 많은 쪽 태그: %s)", pct(t.base))))
	}
	return s + tr(lang, "exact: ", "정확히: ") + acc + st.Muted.Render(tr(lang, fmt.Sprintf(" (\"as today\": %s)", pct(t.base)),
		fmt.Sprintf(" (\"오늘과 같음\": %s)", pct(t.base)))) + tr(lang, " · within 1: ", " · ±1 이내: ") +
		st.Value.Render(pct(t.near)) + st.Muted.Render(fmt.Sprintf(" (%s)", pct(t.nearBase)))
}

// examples shows test inputs with the network's answers.
func (d *shapesDemo) examples(t *shapeTask, st *themes.Styles, lang Lang, w, h int) []string {
	if h <= 0 {
		return nil
	}
	mark := func(ok bool) string {
		if ok {
			return st.OK.Render("✓")
		}
		return st.Warn.Render("✗")
	}
	var out []string
	switch t.kind {
	case oneToMany:
		// Every digit and the name it generates, in columns.
		colW := 16
		per := max(w/colW, 1)
		var line strings.Builder
		for i, e := range t.test {
			name := namesOf(t.vocab, t.preds[i])
			ok := name == digitNames[i]+"."
			cell := fmt.Sprintf("%s → %-7s%s", t.vocab[e.x[0]], name, mark(ok))
			line.WriteString(ljust(cell, colW))
			if (i+1)%per == 0 || i == len(t.test)-1 {
				out = append(out, line.String())
				line.Reset()
			}
		}
	case manyToOne:
		for i, e := range t.test {
			if len(out) >= h {
				break
			}
			var rs []rune
			for _, x := range e.x {
				if t.vocab[x] != "∅" {
					rs = append(rs, visible([]rune(t.vocab[x])[0]))
				}
			}
			p := t.vocab[t.preds[i][0]]
			ok := t.preds[i][0] == e.y[lineT-1]
			ans := tr(lang, "string", "문자열")
			if p == "none" {
				ans = tr(lang, "none", "없음")
			}
			out = append(out, ljust(string(rs), lineT+1)+"→ "+ljust(ans, 7)+mark(ok))
		}
	case manyToManyDelay:
		colW := 20
		per := max(w/colW, 1)
		var line strings.Builder
		for i, e := range t.test {
			if len(out) >= h {
				break
			}
			in := namesOf(t.vocab, e.x[:revLen])
			got := namesOf(t.vocab, t.preds[i])
			ok := true
			for j, p := range t.preds[i] {
				ok = ok && p == e.y[revLen+1+j]
			}
			line.WriteString(ljust(fmt.Sprintf("%s| → %s %s", in, got, mark(ok)), colW))
			if (i+1)%per == 0 {
				out = append(out, line.String())
				line.Reset()
			}
		}
	case manyToManyNow:
		// The test text with the network's tags under it, a line at a time.
		e := t.test[0]
		pred := t.preds[0]
		span := max(w-2, 10)
		for start := t.testWarm; start < len(e.x) && len(out)+2 <= h; start += span {
			end := min(start+span, len(e.x))
			var text, tags strings.Builder
			for s := start; s < end; s++ {
				text.WriteRune(visible([]rune(t.vocab[e.x[s]])[0]))
				g := "·"
				if t.vocab[pred[s]] == "IN" {
					g = "▀"
				}
				if e.mask[s] && pred[s] != e.y[s] {
					tags.WriteString(st.Warn.Render("✗"))
				} else {
					tags.WriteString(st.Accent.Render(g))
				}
			}
			out = append(out, text.String(), tags.String())
		}
		if len(out) > 0 {
			out = append(out[:min(len(out), h-1)], st.Muted.Render(tr(lang, "▀ tagged IN · tagged out · ✗ wrong",
				"▀ IN으로 태깅 · out으로 태깅 · ✗ 틀림")))
		}
	case seriesNext:
		e := t.test[0]
		pred := t.preds[0]
		span := min(max(w-12, 10), len(e.x)-t.testWarm)
		start := len(e.x) - span
		actual := make([]float64, span)
		guess := make([]float64, span)
		var hits strings.Builder
		for i := range span {
			actual[i] = float64(e.y[start+i])
			guess[i] = float64(pred[start+i])
			switch d := iabs(int(pred[start+i]) - int(e.y[start+i])); {
			case d == 0:
				hits.WriteString(st.OK.Render("●"))
			case d == 1:
				hits.WriteString(st.Muted.Render("○"))
			default:
				hits.WriteString(st.Warn.Render("✗"))
			}
		}
		out = append(out, st.Label.Render(ljust(tr(lang, "price", "가격"), 12))+spark(actual, 0, priceLevels-1))
		out = append(out, st.Label.Render(ljust(tr(lang, "predicted", "예측"), 12))+spark(guess, 0, priceLevels-1))
		out = append(out, st.Label.Render(ljust("", 12))+hits.String())
		out = append(out, st.Muted.Render(tr(lang, "● exact · ○ one level off · ✗ further", "● 정확 · ○ 한 단계 차이 · ✗ 그 이상")))
	}
	if len(out) > h {
		out = out[:h]
	}
	return out
}

// namesOf joins the display names of tokens, dropping the zero vector and
// stopping after a ".".
func namesOf(vocab []string, ids []int32) string {
	var b strings.Builder
	for _, id := range ids {
		n := vocab[id]
		if n == "∅" {
			continue
		}
		b.WriteString(n)
		if n == "." {
			break
		}
	}
	return b.String()
}
