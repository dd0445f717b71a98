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

func lesson8() Lesson {
	return Lesson{
		N: 8,
		Title: map[Lang]string{
			EN: "GRU: one state, one gate for both jobs",
			KO: "GRU: 상태 하나, 게이트 하나로 두 가지 일",
		},
		Text: map[Lang][]string{
			EN: {
				"The GRU is a lighter LSTM: less memory and faster, with the same idea. Instead of two vectors, C_t and h_t, it keeps only h, and h plays the part of the LSTM's C. An update gate z decides, unit by unit, how much of the state to keep and how much to replace with a new candidate n: one gate does the input gate's job, and 1 − z does the forget gate's.",
				"A note on the formula: the lecture writes h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃, where z is the input gate. PyTorch, and rnnscope, name the same gate the other way round: h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}, so on this screen 1 − z writes and z keeps. Either way, what a unit keeps it does not write.",
			},
			KO: {
				"GRU는 LSTM의 구조를 경량화해 적은 메모리로 빠르게 계산하도록 만든 모델이다. 전체적인 동작 원리는 LSTM과 비슷하다. LSTM에서 C_t와 h_t 두 개였던 벡터를 h 하나로 일원화했고, GRU의 h가 LSTM의 C와 비슷한 역할을 한다. 업데이트 게이트 z가 유닛마다 상태를 얼마나 남기고 새 후보 n으로 얼마나 바꿀지 정한다. 게이트 하나가 입력 게이트 역할을 하고, 1 − z가 망각 게이트 역할을 하는 셈이다.",
				"수식에 대해 한 가지: 강의에서는 h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃ 로 써서 z를 입력 게이트로 본다. PyTorch와 rnnscope는 같은 게이트를 반대로 이름 붙인다. h_t = (1 − z) ⊙ n + z ⊙ h_{t−1} 이므로 이 화면에서는 1 − z가 쓰고 z가 남긴다. 어느 쪽이든, 남기는 만큼은 새로 쓰지 않는다.",
			},
		},
		Screen: "gates", Preset: "gates",
		New: newGRUDemo,
	}
}

// gruDemo is lesson 8: the embedded quotes GRU's h, z and 1 − z for a few units
// over text, and the update at one step written out.
type gruDemo struct {
	seed   uint64
	model  *pretrained
	corpus *corpora.Corpus
	ids    []int32
	text   []rune
	start  int
	units  []int
	pin    int
	cursor int

	pre  *snippet
	live *liveNet
	mode string // "pretrained" or "scratch"
}

func newGRUDemo(seed uint64) Demo {
	m := mustPretrained(modelGRU)
	c, err := corpora.Load(m.Corpus, corpora.Options{Seed: m.Seed})
	if err != nil {
		panic(err)
	}
	ids, text := c.Held()
	d := &gruDemo{seed: seed, model: m, corpus: c, ids: ids, text: text, mode: "pretrained", cursor: 20}
	d.start = pickSnippet(ids, text, 200, "\"")
	d.pre = newSnippet(m.Ck.Config, m.Ck.Params, ids, text, d.start, "pretrained")
	return d
}

// pickUnits shows the three units whose z moves most over the text: the ones
// that switch between keeping and writing.
func (d *gruDemo) pickUnits() {
	if len(d.units) > 0 || !d.pre.ready {
		return
	}
	type scored struct {
		u int
		v float64
	}
	var best []scored
	for u := range d.pre.cfg.Hidden {
		z := d.pre.gate(1, u)
		mean, sd := 0.0, 0.0
		for _, v := range z {
			mean += v / float64(len(z))
		}
		for _, v := range z {
			sd += (v - mean) * (v - mean)
		}
		best = append(best, scored{u, sd})
	}
	for range 3 {
		k := 0
		for i, s := range best {
			if s.v > best[k].v {
				k = i
			}
		}
		d.units = append(d.units, best[k].u)
		best[k].v = -1
	}
}

func (d *gruDemo) shown() *snippet {
	if d.mode == "scratch" {
		return d.live.snip
	}
	return d.pre
}

func (d *gruDemo) Step() bool {
	switch {
	case !d.pre.ready:
		d.pre.step()
		d.pickUnits()
		return true
	case d.mode == "scratch":
		d.live.step()
		return true
	}
	return false
}

func (d *gruDemo) Key(k string) bool {
	switch k {
	case "u":
		if len(d.units) > 0 {
			d.pin = (d.pin + 1) % len(d.units)
		}
	case "left":
		d.cursor = max(d.cursor-1, 1)
	case "right":
		d.cursor = min(d.cursor+1, snippetLen-1)
	case "p":
		d.mode = "pretrained"
	case "f":
		d.live = newLiveNet(d.seed, d.corpus, nets.GRU, d.ids, d.text, d.start)
		d.mode = "scratch"
	default:
		return false
	}
	return true
}

func (d *gruDemo) Keys(lang Lang) []Key {
	return []Key{
		{"u", tr(lang, "pin the next unit", "다음 유닛 고정")},
		{"left", tr(lang, "← → move along the text", "← → 글을 따라 이동")},
		{"p", tr(lang, "after 6M characters (pretrained)", "600만 글자 학습 후 (사전 학습)")},
		{"f", tr(lang, "from scratch (train live)", "처음부터 (실시간 학습)")},
	}
}

// gruSizes compares a GRU and an LSTM of the same size on the same vocabulary.
func gruSizes(v, h int) (gruP, lstmP, gruM, lstmM int) {
	g := nets.Config{Cell: nets.GRU, Vocab: v, Hidden: h, Layers: 1}
	l := nets.Config{Cell: nets.LSTM, Vocab: v, Hidden: h, Layers: 1}
	return g.NumParams(), l.NumParams(), g.MACsPerChar(), l.MACsPerChar()
}

func (d *gruDemo) Facts() map[string]string {
	cfg := d.model.Ck.Config
	gp, lp, gm, lm := gruSizes(cfg.Vocab, cfg.Hidden)
	f := map[string]string{"mode": d.mode, "gru_params": fmt.Sprint(gp), "lstm_params": fmt.Sprint(lp),
		"gru_macs": fmt.Sprint(gm), "lstm_macs": fmt.Sprint(lm)}
	s := d.shown()
	if s == nil || !s.ready || len(d.units) == 0 {
		return f
	}
	u := d.units[d.pin]
	t := d.cursor
	z, n := s.gate(1, u)[t], s.gate(2, u)[t]
	h := (1-z)*n + z*s.h(u)[t-1]
	f["update_error"] = fmt.Sprintf("%.1e", math.Abs(h-s.h(u)[t]))
	shut, open := s.saturation(1)
	f["z_shut"], f["z_open"] = fmt.Sprintf("%.3f", shut), fmt.Sprintf("%.3f", open)
	return f
}

func (d *gruDemo) View(w, h int, st *themes.Styles, lang Lang) string {
	if s, ok := tooSmall(w, h, st, lang); ok {
		return s
	}
	var out []string
	what := tr(lang, fmt.Sprintf("quotes GRU-128 after %s characters", count(d.model.Ck.Chars)),
		fmt.Sprintf("quotes로 %s 글자 학습한 GRU-128", count(d.model.Ck.Chars)))
	if d.mode == "scratch" {
		what = tr(lang, fmt.Sprintf("a GRU-128 learning from scratch: %s characters", count(d.live.tr.Chars)),
			fmt.Sprintf("처음부터 학습 중인 GRU-128: %s 글자", count(d.live.tr.Chars)))
	}
	out = append(out, st.Title.Render(tr(lang, "One state h; z keeps, 1 − z writes", "상태는 h 하나, z는 남기고 1 − z는 쓴다"))+st.Muted.Render("  "+what))
	s := d.shown()
	if s == nil || !s.ready || len(d.units) == 0 {
		out = append(out, st.Muted.Render(tr(lang, "reading the text…", "글을 읽는 중…")))
		return cells.Fit(out, w, h)
	}
	const lw = 16
	span := min(w-lw-7, s.T())
	first := 0
	if d.cursor >= span {
		first = d.cursor - span + 1
	}
	cur := d.cursor - first
	label := func(s string) string { return st.Label.Render(ljust(s, lw)) }
	var tb strings.Builder
	for i, r := range visibleText(s.text[first : first+span]) {
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
		hv := s.h(u)[first : first+span]
		z := s.gate(1, u)[first : first+span]
		one := make([]float64, len(z))
		for i, v := range z {
			one[i] = 1 - v
		}
		out = append(out, label(fmt.Sprintf("%sh%d  h", mark, u))+heat(st, hv, 1)+st.Muted.Render(" "+num(s.h(u)[d.cursor], 2)))
		out = append(out, label(tr(lang, "      z keep", "      z 남김"))+heatSeq(st, z, 1)+st.Muted.Render(" "+unum(s.gate(1, u)[d.cursor], 2)))
		out = append(out, label(tr(lang, "    1−z write", "    1−z 씀"))+heatSeq(st, one, 1)+st.Muted.Render(" "+unum(1-s.gate(1, u)[d.cursor], 2)))
	}
	u := d.units[d.pin]
	t := d.cursor
	z, n, hp, hn := s.gate(1, u)[t], s.gate(2, u)[t], s.h(u)[t-1], s.h(u)[t]
	out = append(out, st.Accent.Render(fmt.Sprintf("h = (1−z)·n + z·h₋₁ = %s×%s + %s×%s = %s", unum(1-z, 2), num(n, 2), unum(z, 2), num(hp, 2), num(hn, 2))))
	cfg := d.model.Ck.Config
	gp, lp, gm, lm := gruSizes(cfg.Vocab, cfg.Hidden)
	out = append(out, st.Muted.Render(cells.FirstFit(w,
		tr(lang, fmt.Sprintf("GRU-128 %d parameters, %d multiply-adds a character; LSTM-128 %d and %d (GRU: %s fewer)",
			gp, gm, lp, lm, pct(1-float64(gp)/float64(lp))),
			fmt.Sprintf("GRU-128은 파라미터 %d개, 글자당 곱셈-덧셈 %d번; LSTM-128은 %d개, %d번 (GRU가 %s 적다)",
				gp, gm, lp, lm, pct(1-float64(gp)/float64(lp)))),
		tr(lang, fmt.Sprintf("parameters: GRU %d, LSTM %d (%s fewer)", gp, lp, pct(1-float64(gp)/float64(lp))),
			fmt.Sprintf("파라미터: GRU %d, LSTM %d (%s 적음)", gp, lp, pct(1-float64(gp)/float64(lp)))))))
	return cells.Fit(out, w, h)
}
