package lessons

import (
	"fmt"
	"math"
	"strings"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui/cells"
)

func lesson7() Lesson {
	return Lesson{
		N: 7,
		Title: map[Lang]string{
			EN: "LSTM: a cell state and gates",
			KO: "LSTM: 셀 상태와 게이트",
		},
		Text: map[Lang][]string{
			EN: {
				"An LSTM keeps two vectors. The cell state c_t holds everything worth remembering. The hidden state h_t = o ⊙ tanh(c_t) is the filtered part needed right now: it goes up to the output layer for this step's prediction and on to the next step.",
				"Four gates decide, unit by unit and step by step: the input gate i how much of the new candidate g to write, the forget gate f how much of the old c to keep, the output gate o how much of c to show: c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t). After training, gates saturate: most of the time they are nearly shut (< 0.1) or wide open (> 0.9), like switches.",
			},
			KO: {
				"LSTM은 벡터를 두 개 가진다. 셀 상태 C_t는 기억해야 할 필요가 있는 모든 정보를 담는다. 은닉 상태 h_t = o ⊙ tanh(C_t)는 그 많은 정보 가운데 지금 당장 필요한 것만 걸러 낸 것으로, 위로 올라가 현재 time step의 예측에 쓰이는 동시에 다음 step으로 넘어간다.",
				"게이트 네 개가 유닛마다, step마다 결정한다. 입력 게이트 i는 새 후보 g를 얼마나 쓸지, 망각 게이트 f는 이전 C를 얼마나 남길지, 출력 게이트 o는 C를 얼마나 내보낼지 정한다. C_t = f ⊙ C_{t−1} + i ⊙ g, h_t = o ⊙ tanh(C_t). 학습이 끝나면 게이트는 포화된다. 대부분의 시간에 거의 닫혀 있거나(0.1 미만) 활짝 열려 있어서(0.9 초과) 스위치처럼 동작한다.",
			},
		},
		Screen: "gates", Preset: "gates",
		New: newLSTMDemo,
	}
}

// lstmDemo is lesson 7: c and h side by side for a few units of the embedded
// quotes LSTM, the pinned unit's gates over the text, and gate saturation.
type lstmDemo struct {
	seed   uint64
	model  *pretrained
	corpus *corpora.Corpus
	ids    []int32
	text   []rune
	start  int
	units  []int // shown units; the first is the quote unit
	pin    int   // index into units
	cursor int   // step whose arithmetic is shown

	pre  *snippet // the pretrained model's reading
	init *snippet // the same network at initialisation
	live *liveNet // from scratch
	mode string   // "pretrained", "init" or "scratch"
}

func newLSTMDemo(seed uint64) Demo {
	m := mustPretrained(modelQuotes)
	c, err := corpora.Load(m.Corpus, corpora.Options{Seed: m.Seed})
	if err != nil {
		panic(err)
	}
	ids, text := c.Held()
	d := &lstmDemo{seed: seed, model: m, corpus: c, ids: ids, text: text, mode: "pretrained"}
	d.start = pickSnippet(ids, text, 200, "\"")
	d.pre = newSnippet(m.Ck.Config, m.Ck.Params, ids, text, d.start, "pretrained")
	for _, f := range pretrainedFacts() {
		if f.Model == modelQuotes && f.Label == "quote" {
			d.units = append(d.units, f.Unit.Index)
		}
	}
	d.cursor = 20
	return d
}

// pickUnits adds the two units whose cell state varies most over the snippet.
func (d *lstmDemo) pickUnits() {
	if len(d.units) > 1 || !d.pre.ready {
		return
	}
	type scored struct {
		u int
		v float64
	}
	var best [2]scored
	for u := range d.pre.cfg.Hidden {
		if u == d.units[0] {
			continue
		}
		c := d.pre.c(u)
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range c {
			lo, hi = min(lo, v), max(hi, v)
		}
		s := scored{u, hi - lo}
		if s.v > best[0].v {
			best[1], best[0] = best[0], s
		} else if s.v > best[1].v {
			best[1] = s
		}
	}
	d.units = append(d.units, best[0].u, best[1].u)
}

// shown is the reading on screen.
func (d *lstmDemo) shown() *snippet {
	switch d.mode {
	case "init":
		return d.init
	case "scratch":
		if d.live.snip != nil {
			return d.live.snip
		}
		return nil
	}
	return d.pre
}

func (d *lstmDemo) Step() bool {
	switch {
	case !d.pre.ready:
		d.pre.step()
		d.pickUnits()
		return true
	case d.mode == "init" && !d.init.ready:
		return d.init.step()
	case d.mode == "scratch":
		d.live.step()
		return true
	}
	return false
}

func (d *lstmDemo) Key(k string) bool {
	switch k {
	case "u":
		if len(d.units) > 0 {
			d.pin = (d.pin + 1) % len(d.units)
		}
	case "left":
		d.cursor = max(d.cursor-1, 0)
	case "right":
		d.cursor = min(d.cursor+1, snippetLen-1)
	case "p":
		d.mode = "pretrained"
	case "0":
		if d.init == nil {
			cfg := d.model.Ck.Config
			p := nets.NewParams[float64](cfg)
			nets.Init(cfg, p, newRand(d.seed, 7), 0)
			d.init = newSnippet(cfg, p, d.ids, d.text, d.start, "init")
		}
		d.mode = "init"
	case "f":
		d.live = newLiveNet(d.seed, d.corpus, nets.LSTM, d.ids, d.text, d.start)
		d.mode = "scratch"
	default:
		return false
	}
	return true
}

func (d *lstmDemo) Keys(lang Lang) []Key {
	return []Key{
		{"u", tr(lang, "pin the next unit", "다음 유닛 고정")},
		{"left", tr(lang, "← → move along the text", "← → 글을 따라 이동")},
		{"p", tr(lang, "after 6M characters (pretrained)", "600만 글자 학습 후 (사전 학습)")},
		{"0", tr(lang, "the same network untrained", "학습 전 같은 네트워크")},
		{"f", tr(lang, "from scratch (train live)", "처음부터 (실시간 학습)")},
	}
}

func (d *lstmDemo) Facts() map[string]string {
	f := map[string]string{"mode": d.mode}
	s := d.shown()
	if s == nil || !s.ready {
		return f
	}
	for g, name := range []string{"i", "f", "o"} {
		gi := []int{0, 1, 3}[g]
		shut, open := s.saturation(gi)
		f["sat_"+name+"_shut"] = fmt.Sprintf("%.3f", shut)
		f["sat_"+name+"_open"] = fmt.Sprintf("%.3f", open)
	}
	// The arithmetic shown must be the engine's: c = f·c₋₁ + i·g, h = o·tanh(c).
	u := d.units[d.pin]
	t := min(d.cursor, s.T()-1)
	if t > 0 {
		c := s.gate(1, u)[t]*s.c(u)[t-1] + s.gate(0, u)[t]*s.gate(2, u)[t]
		h := s.gate(3, u)[t] * math.Tanh(c)
		f["cell_update_error"] = fmt.Sprintf("%.1e", math.Max(math.Abs(c-s.c(u)[t]), math.Abs(h-s.h(u)[t])))
	}
	return f
}

func (d *lstmDemo) View(w, h int, st *themes.Styles, lang Lang) string {
	if s, ok := tooSmall(w, h, st, lang); ok {
		return s
	}
	var out []string
	what := tr(lang, fmt.Sprintf("quotes LSTM-128 after %s characters", count(d.model.Ck.Chars)),
		fmt.Sprintf("quotes로 %s 글자 학습한 LSTM-128", count(d.model.Ck.Chars)))
	switch d.mode {
	case "init":
		what = tr(lang, "the same LSTM-128 untrained (random weights)", "학습 전 같은 LSTM-128 (무작위 가중치)")
	case "scratch":
		what = tr(lang, fmt.Sprintf("an LSTM-128 learning from scratch: %s characters", count(d.live.tr.Chars)),
			fmt.Sprintf("처음부터 학습 중인 LSTM-128: %s 글자", count(d.live.tr.Chars)))
	}
	out = append(out, st.Title.Render(tr(lang, "c and h, and the gates", "c와 h, 그리고 게이트"))+st.Muted.Render("  "+what))
	s := d.shown()
	if s == nil || !s.ready || len(d.units) < 3 {
		out = append(out, st.Muted.Render(tr(lang, "reading the text…", "글을 읽는 중…")))
		return cells.Fit(out, w, h)
	}
	const lw = 14
	span := min(w-lw-7, s.T()) // 7: the value at the cursor after each strip
	first := 0
	if d.cursor >= span {
		first = d.cursor - span + 1
	}
	cur := d.cursor - first
	label := func(s string) string { return st.Label.Render(ljust(s, lw)) }
	vis := visibleText(s.text[first : first+span])
	var tb strings.Builder
	for i, r := range vis {
		if i == cur {
			tb.WriteString(st.Pinned.Render(string(r)))
		} else {
			tb.WriteRune(r)
		}
	}
	out = append(out, label(tr(lang, "text", "글"))+tb.String())
	for k, u := range d.units {
		mark := "  "
		if k == d.pin {
			mark = st.PinMark + " "
		}
		c, hv := s.c(u)[first:first+span], s.h(u)[first:first+span]
		out = append(out, label(fmt.Sprintf("%sc%d  C", mark, u))+heat(st, c, rangeOf(c, 1e-6))+
			st.Muted.Render(fmt.Sprintf(" %s", num(s.c(u)[d.cursor], 1))))
		out = append(out, label(fmt.Sprintf("    %4s h", ""))+heat(st, hv, 1)+
			st.Muted.Render(fmt.Sprintf(" %s", num(s.h(u)[d.cursor], 2))))
	}
	u := d.units[d.pin]
	names := []string{tr(lang, "i input", "i 입력"), tr(lang, "f forget", "f 망각"), tr(lang, "g candidate", "g 후보"), tr(lang, "o output", "o 출력")}
	for g, n := range names {
		vals := s.gate(g, u)[first : first+span]
		var strip string
		if g == 2 {
			strip = heat(st, vals, 1)
		} else {
			strip = heatSeq(st, vals, 1)
		}
		v := unum(s.gate(g, u)[d.cursor], 2)
		if g == 2 {
			v = num(s.gate(g, u)[d.cursor], 2)
		}
		out = append(out, label(fmt.Sprintf("  %s", n))+strip+st.Muted.Render(" "+v))
	}
	// The arithmetic at the cursor.
	t := d.cursor
	if t > 0 {
		i, f, g, o := s.gate(0, u)[t], s.gate(1, u)[t], s.gate(2, u)[t], s.gate(3, u)[t]
		c0, c1 := s.c(u)[t-1], s.c(u)[t]
		a := fmt.Sprintf("C = f·C₋₁ + i·g = %s×%s + %s×%s = %s", unum(f, 2), num(c0, 2), unum(i, 2), num(g, 2), num(c1, 2))
		b := fmt.Sprintf("h = o·tanh(C) = %s×%s = %s", unum(o, 2), num(math.Tanh(c1), 2), num(s.h(u)[t], 2))
		if len([]rune(a))+len([]rune(b))+3 <= w {
			out = append(out, st.Accent.Render(a+"   "+b))
		} else {
			out = append(out, st.Accent.Render(a), st.Accent.Render(b))
		}
	}
	// Saturation over the reading.
	var sat []string
	for _, g := range []int{0, 1, 3} {
		shut, open := s.saturation(g)
		sat = append(sat, fmt.Sprintf("%s %s/%s", []string{"i", "f", "g", "o"}[g], pct(shut), pct(open)))
	}
	out = append(out, st.Muted.Render(cells.FirstFit(w, tr(lang,
		fmt.Sprintf("saturation, all units over these %d characters, shut (< 0.1) / open (> 0.9): %s", s.T(), strings.Join(sat, " · ")),
		fmt.Sprintf("포화: 이 %d 글자 동안 모든 유닛, 닫힘(< 0.1) / 열림(> 0.9): %s", s.T(), strings.Join(sat, " · "))),
		tr(lang, "shut / open: ", "닫힘 / 열림: ")+strings.Join(sat, " · "))))
	return cells.Fit(out, w, h)
}
