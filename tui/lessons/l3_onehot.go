package lessons

import (
	"fmt"
	"strings"

	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui/cells"
)

func lesson3() Lesson {
	return Lesson{
		N: 3,
		Title: map[Lang]string{
			EN: "Characters and one-hot vectors",
			KO: "문자 단위 언어 모델과 원-핫 벡터",
		},
		Text: map[Lang][]string{
			EN: {
				"A character-level language model first builds its vocabulary: every distinct character, once. For \"hello\" that is h, e, l, o, and each becomes a one-hot vector: h = [1 0 0 0], e = [0 1 0 0], and so on. The task is to predict the next character: h→e, e→l, l→l, l→o.",
				"The network below is being trained live on exactly that, and small enough to print every number: the one-hot input, the hidden state h, the scores W_hy·h + b, their softmax and the loss. Look at steps 3 and 4: the input is l both times, yet the answer must be l once and o once. Only the hidden state can tell them apart, because it remembers how many l's it has read.",
			},
			KO: {
				"문자 단위 언어 모델은 먼저 사전을 만든다. 등장하는 문자를 중복 없이 모으면 \"hello\"의 사전은 h, e, l, o 네 글자이고, 각 글자는 원-핫 벡터가 된다. h = [1 0 0 0], e = [0 1 0 0] 하는 식이다. 할 일은 다음 글자 예측이다. h→e, e→l, l→l, l→o.",
				"아래 모델은 바로 이 과제를 지금 학습하고 있고, 숫자를 하나도 빼지 않고 다 찍을 수 있을 만큼 작다. 원-핫 입력, 은닉 상태 h, 점수 W_hy·h + b, 소프트맥스 확률, 손실까지 전부 보인다. 3번째와 4번째 step을 보자. 입력은 둘 다 l인데 정답은 한 번은 l, 한 번은 o다. 이 둘을 구별할 수 있는 건 은닉 상태뿐이다. l을 몇 번 읽었는지 은닉 상태가 기억하고 있기 때문이다.",
			},
		},
		Screen: "scope", Preset: "hello",
		New: newOneHot,
	}
}

// oneHotDemo is lesson 3: the hello model trained live, every number printed.
type oneHotDemo struct {
	seed   uint64
	draws  uint64
	hello  *helloNet
	paused bool
	done   bool
}

const (
	oneHotHidden   = 3
	oneHotMaxSteps = 1000
	oneHotGoodLoss = 0.05 // nats: every target above 95%
	// oneHotLR is slow enough for a room to watch the numbers settle (a few
	// hundred steps, one per frame) and fast enough not to bore it.
	oneHotLR = 0.01
)

func newOneHot(seed uint64) Demo {
	return &oneHotDemo{seed: seed, hello: newHelloNet(seed, 3, oneHotHidden, oneHotLR)}
}

func (d *oneHotDemo) Step() bool {
	if d.paused || d.done {
		return false
	}
	d.hello.train(1)
	if (d.hello.right() == 4 && d.hello.mean < oneHotGoodLoss) || d.hello.net.Steps >= oneHotMaxSteps {
		d.done = true
	}
	return true
}

func (d *oneHotDemo) Key(k string) bool {
	switch k {
	case "space":
		d.paused = !d.paused
	case "r":
		d.draws++
		d.hello = newHelloNet(d.seed, 3+d.draws<<8, oneHotHidden, oneHotLR)
		d.done, d.paused = false, false
	case "t":
		d.done = false // train on past the stopping point
		d.hello.train(50)
	default:
		return false
	}
	return true
}

func (d *oneHotDemo) Keys(lang Lang) []Key {
	return []Key{
		{"space", tr(lang, "pause / resume training", "학습 멈춤 / 계속")},
		{"t", tr(lang, "50 more steps", "50 step 더")},
		{"r", tr(lang, "start again from new random weights", "새 가중치로 처음부터")},
	}
}

func (d *oneHotDemo) Facts() map[string]string {
	h := d.hello
	f := map[string]string{
		"steps": fmt.Sprint(h.net.Steps),
		"loss":  fmt.Sprintf("%.4f", h.mean),
		"right": fmt.Sprint(h.right()),
	}
	names := []string{"pred_after_h", "pred_after_e", "pred_after_l1", "pred_after_l2"}
	for t, p := range h.pred {
		f[names[t]] = helloVocab[p]
	}
	// How different the two states after an "l" are.
	dist := 0.0
	for i := range h.hs[2] {
		dist = max(dist, abs(h.hs[2][i]-h.hs[3][i]))
	}
	f["h_l1_vs_l2_maxdiff"] = fmt.Sprintf("%.3f", dist)
	return f
}

func (d *oneHotDemo) View(w, h int, st *themes.Styles, lang Lang) string {
	if s, ok := tooSmall(w, h, st, lang); ok {
		return s
	}
	hn := d.hello
	const lw = 14
	colW := max(min((w-lw)/4, 18), 12)
	row := func(label string, entries []string) string {
		var b strings.Builder
		b.WriteString(st.Label.Render(ljust(label, lw)))
		for _, c := range entries {
			b.WriteString(cells.Right(c, colW))
		}
		return b.String()
	}
	signed := func(v float64, dec int) string {
		s := num(v, dec)
		if v >= 0 {
			return st.Pos.Render(s)
		}
		return st.Neg.Render(s)
	}
	var out []string
	state := tr(lang, "training", "학습 중")
	switch {
	case d.paused:
		state = tr(lang, "paused", "멈춤")
	case d.done:
		state = tr(lang, "learned", "학습 완료")
	}
	out = append(out, st.Title.Render(tr(lang, "The \"hello\" model, every number", "\"hello\" 모델의 모든 숫자"))+
		st.Muted.Render(fmt.Sprintf("  %s · step %d · %s %.3f nats", state, hn.net.Steps, tr(lang, "mean loss", "평균 손실"), hn.mean)))
	var head []string
	for _, x := range hn.x {
		v := make([]string, 4)
		for k := range v {
			v[k] = "0"
		}
		v[x] = "1"
		head = append(head, st.Accent.Render(helloVocab[x])+" ["+strings.Join(v, " ")+"]")
	}
	out = append(out, row(tr(lang, "x_t  (h e l o)", "x_t  (h e l o)"), head))
	for i := range oneHotHidden {
		var cells []string
		for t := range hn.x {
			cells = append(cells, signed(hn.hs[t][i], 2))
		}
		label := "h_t"
		if i > 0 {
			label = ""
		}
		out = append(out, row(fmt.Sprintf("%-4s [%d]", label, i+1), cells))
	}
	for k := range 4 {
		var cells []string
		for t := range hn.x {
			mark := " "
			if int32(k) == hn.y[t] {
				mark = "◂"
			}
			cells = append(cells, fmt.Sprintf("%s → %s%s", num(hn.logits[t][k], 1), unum(hn.probs[t][k], 2), mark))
		}
		label := ""
		if k == 0 {
			label = tr(lang, "score → p", "점수 → 확률")
		}
		out = append(out, row(ljust(label, 11)+" "+helloVocab[k], cells))
	}
	var tgt, loss []string
	for t := range hn.x {
		p := hn.pred[t]
		mark := st.OK.Render("✓")
		if p != hn.y[t] {
			mark = st.Warn.Render("✗")
		}
		tgt = append(tgt, fmt.Sprintf("%s / %s ", helloVocab[hn.y[t]], helloVocab[p])+mark)
		loss = append(loss, unum(hn.loss[t], 3))
	}
	out = append(out, row(tr(lang, "target / pred", "정답 / 예측"), tgt))
	out = append(out, row(tr(lang, "loss −log p", "손실 −log p"), loss))

	// Why the two l's differ.
	h3, h4 := hn.hs[2], hn.hs[3]
	vec := func(v []float64) string {
		var s []string
		for _, x := range v {
			s = append(s, num(x, 2))
		}
		return "(" + strings.Join(s, ", ") + ")"
	}
	note := []string{
		st.Accent.Render(tr(lang, "The same input l, two different states:", "같은 입력 l, 서로 다른 두 은닉 상태:")),
		fmt.Sprintf("  %s h_3 = %s → %s", ljust(tr(lang, "first l:", "첫 번째 l:"), 11), vec(h3), tr(lang,
			fmt.Sprintf("predicts %q", helloVocab[hn.pred[2]]), fmt.Sprintf("%q 예측", helloVocab[hn.pred[2]]))),
		fmt.Sprintf("  %s h_4 = %s → %s", ljust(tr(lang, "second l:", "두 번째 l:"), 11), vec(h4), tr(lang,
			fmt.Sprintf("predicts %q", helloVocab[hn.pred[3]]), fmt.Sprintf("%q 예측", helloVocab[hn.pred[3]]))),
	}
	if h >= len(out)+len(note)+1 {
		out = append(out, "")
	}
	if h >= len(out)+len(note) {
		out = append(out, note...)
	} else if h > len(out) {
		out = append(out, note[0])
	}
	return cells.Fit(out, w, h)
}
