package lessons

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui/cells"
)

func lesson9() Lesson {
	return Lesson{
		N: 9,
		Title: map[Lang]string{
			EN: "Why gates fix it",
			KO: "게이트가 기울기 소실을 해결하는 이유",
		},
		Text: map[Lang][]string{
			EN: {
				"In a vanilla RNN the gradient going back one step is multiplied by diag(1 − h²)·W_hh: the same matrix every time, so over a long span it shrinks (or grows) exponentially. An LSTM's cell state goes back one step through C_t = f ⊙ C_{t−1} + i ⊙ g: it is multiplied by the forget gate, whose values differ every step and sit near 1 where a unit keeps something, and new information is added, not multiplied in.",
				"Below, both networks read the same code after the same training. The strip is one LSTM unit's forget gate; next to it, the product of its values over the last 20 steps and, for the vanilla RNN, the size of the product of its 20 step Jacobians. The plot measures how much gradient reaches k steps back in each network. That is why LSTMs and GRUs can learn long-term dependencies.",
			},
			KO: {
				"vanilla RNN에서는 기울기가 한 step 거슬러 갈 때마다 diag(1 − h²)·W_hh가 곱해진다. 매번 같은 행렬이니 길게 거슬러 가면 기하급수적으로 작아지거나 커진다. LSTM의 셀 상태는 C_t = f ⊙ C_{t−1} + i ⊙ g를 거쳐 한 step 거슬러 간다. 같은 W_hh가 아니라, 그때그때 서로 다른 값으로 이루어진 망각 게이트가 곱해지고(무언가를 기억하는 유닛에서는 1에 가깝다), 필요한 정보는 곱셈이 아니라 덧셈으로 더해진다.",
				"아래에서 두 네트워크는 같은 학습을 거친 뒤 같은 코드를 읽는다. 띠는 LSTM 유닛 하나의 망각 게이트 값이고, 옆에는 최근 20 step 동안의 그 값들의 곱, 그리고 vanilla RNN에서 같은 20 step의 야코비안을 곱한 행렬의 크기가 있다. 그래프는 각 네트워크에서 기울기가 k step 앞까지 얼마나 도달하는지 잰 것이다. 그래서 LSTM과 GRU는 long-term dependency를 배울 수 있다.",
			},
		},
		Screen: "gradients", Preset: "gradients",
		New: newGatesDemo,
	}
}

const (
	gatesSpan    = 20 // steps of the products
	gatesLags    = 60
	gatesWinLen  = 100
	gatesWindows = 4
)

// gatesDemo is lesson 9: the embedded code LSTM's forget gate against the
// embedded code RNN's repeated W_hh, and both networks' gradient by lag.
type gatesDemo struct {
	lstm, rnn *pretrained
	text      []int32
	runes     []rune
	start     int
	unit      int // the LSTM unit whose forget gate is shown
	cursor    int

	snipL, snipR *snippet
	meter        [2]*probe.GradMeter // LSTM, RNN
	todo         []func()            // measurements still to run, one a frame
	flows        map[string]probe.GradFlow
	jac          float64 // ‖∏J‖ of the vanilla RNN over the span ending at the cursor
	jacAt        int
}

func newGatesDemo(seed uint64) Demo {
	l, r := mustPretrained(modelCode), mustPretrained(modelRNN)
	c, err := corpora.Load(l.Corpus, corpora.Options{Seed: l.Seed})
	if err != nil {
		panic(err)
	}
	ids, text := c.Held()
	d := &gatesDemo{lstm: l, rnn: r, text: ids, runes: text, flows: map[string]probe.GradFlow{}, jacAt: -1}
	d.start = pickSnippet(ids, text, 200, "{")
	d.snipL = newSnippet(l.Ck.Config, l.Ck.Params, ids, text, d.start, "pretrained")
	d.snipR = newSnippet(r.Ck.Config, r.Ck.Params, ids, text, d.start, "pretrained")
	for _, f := range pretrainedFacts() {
		if f.Model == modelCode && f.Label == "depth" {
			d.unit = f.Unit.Index // the depth unit: it has something to keep
		}
	}
	d.cursor = min(60, snippetLen-1)
	d.meter[0] = probe.NewGradMeter(l.Ck.Config, gatesLags, gatesWinLen, gatesWindows)
	d.meter[1] = probe.NewGradMeter(r.Ck.Config, gatesLags, gatesWinLen, gatesWindows)
	measure := func(key string, m *probe.GradMeter, p *nets.Params[float64]) func() {
		return func() { d.flows[key] = m.Measure(p, ids).Clone() }
	}
	initial := func(cfg nets.Config, tag uint64) *nets.Params[float64] {
		p := nets.NewParams[float64](cfg)
		nets.Init(cfg, p, newRand(seed, tag), 0)
		return p
	}
	d.todo = []func(){
		measure("lstm", d.meter[0], l.Ck.Params),
		measure("rnn", d.meter[1], r.Ck.Params),
		measure("lstm0", d.meter[0], initial(l.Ck.Config, 90)),
		measure("rnn0", d.meter[1], initial(r.Ck.Config, 91)),
	}
	return d
}

func (d *gatesDemo) Step() bool {
	switch {
	case !d.snipL.ready:
		d.snipL.step()
	case !d.snipR.ready:
		d.snipR.step()
	case len(d.todo) > 0:
		d.todo[0]()
		d.todo = d.todo[1:]
	case d.jacAt != d.cursor:
		d.jac = d.jacobianNorm(d.cursor)
		d.jacAt = d.cursor
	default:
		return false
	}
	return true
}

// jacobianNorm is ‖J_t·J_{t−1}⋯J_{t−k+1}‖₂ for the vanilla RNN over the span
// ending at step t, J_s = diag(1 − h_s²)·W_hh (∂h_s/∂h_{s−1}), by power iteration
// on PᵀP with matrix-vector products only.
func (d *gatesDemo) jacobianNorm(t int) float64 {
	s := d.snipR
	H := s.cfg.Hidden
	whh := d.rnn.Ck.Params.Layers[0].Whh.Data
	lo := max(t-gatesSpan+1, 0)
	deriv := func(step int, j int) float64 { h := s.h(j)[step]; return 1 - h*h }
	v := make([]float64, H)
	for i := range v {
		v[i] = 1 / math.Sqrt(float64(H))
	}
	tmp := make([]float64, H)
	// P = J_t ⋯ J_lo; apply P: first J_lo, then up to J_t.
	apply := func(x []float64) {
		for step := lo; step <= t; step++ {
			for i := range H {
				sum := 0.0
				for j := range H {
					sum += whh[i*H+j] * x[j]
				}
				tmp[i] = deriv(step, i) * sum
			}
			copy(x, tmp)
		}
	}
	applyT := func(x []float64) {
		for step := t; step >= lo; step-- {
			for i := range H {
				x[i] *= deriv(step, i)
			}
			for j := range H {
				sum := 0.0
				for i := range H {
					sum += whh[i*H+j] * x[i]
				}
				tmp[j] = sum
			}
			copy(x, tmp)
		}
	}
	sigma := 0.0
	for range 30 {
		apply(v)
		applyT(v)
		n := norm2(v)
		if n == 0 {
			return 0
		}
		sigma = math.Sqrt(n)
		for i := range v {
			v[i] /= n
		}
	}
	return sigma
}

func (d *gatesDemo) Key(k string) bool {
	switch k {
	case "left":
		d.cursor = max(d.cursor-1, gatesSpan)
	case "right":
		d.cursor = min(d.cursor+1, snippetLen-1)
	default:
		return false
	}
	return true
}

func (d *gatesDemo) Keys(lang Lang) []Key {
	return []Key{{"left", tr(lang, "← → move along the text", "← → 글을 따라 이동")}}
}

// times writes a ratio as "41×" or "0.52×" (unit "배" in Korean).
func times(r float64, unit string) string {
	if r >= 10 {
		return fmt.Sprintf("%.0f%s", r, unit)
	}
	return fmt.Sprintf("%.2g%s", r, unit)
}

// forgetProducts returns ∏f over the span ending at t for the shown unit, the
// median unit and the unit that keeps most.
func (d *gatesDemo) forgetProducts(t int) (unit, median, best float64) {
	s := d.snipL
	H := s.cfg.Hidden
	ps := make([]float64, H)
	for u := range H {
		ps[u] = spanProduct(s.gate(1, u), t, gatesSpan)
	}
	unit = ps[d.unit]
	sorted := append([]float64(nil), ps...)
	for i := range sorted { // insertion sort: H is small
		for j := i; j > 0 && sorted[j] < sorted[j-1]; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	return unit, sorted[H/2], sorted[H-1]
}

func (d *gatesDemo) Facts() map[string]string {
	f := map[string]string{}
	if !d.snipL.ready || !d.snipR.ready {
		return f
	}
	u, med, best := d.forgetProducts(d.cursor)
	f["forget_product_unit"] = fmt.Sprintf("%.3g", u)
	f["forget_product_median"] = fmt.Sprintf("%.3g", med)
	f["forget_product_best"] = fmt.Sprintf("%.3g", best)
	if d.jacAt == d.cursor {
		f["vanilla_jacobian_norm"] = fmt.Sprintf("%.3g", d.jac)
	}
	for k, fl := range d.flows {
		f[k+"_ratio_20"] = fmt.Sprintf("%.3g", fl.Ratio[20])
		f[k+"_ratio_50"] = fmt.Sprintf("%.3g", fl.Ratio[50])
	}
	return f
}

func (d *gatesDemo) View(w, h int, st *themes.Styles, lang Lang) string {
	if s, ok := tooSmall(w, h, st, lang); ok {
		return s
	}
	var out []string
	title := tr(lang, "A forget gate against the same W_hh", "망각 게이트 대 매번 같은 W_hh")
	out = append(out, st.Title.Render(title)+st.Muted.Render(cells.FirstFit(w-ansi.StringWidth(title),
		tr(lang, fmt.Sprintf("  LSTM-128 (%s chars) and vanilla RNN-128 (%s), trained on code", count(d.lstm.Ck.Chars), count(d.rnn.Ck.Chars)),
			fmt.Sprintf("  code로 학습한 LSTM-128(%s 글자)과 vanilla RNN-128(%s)", count(d.lstm.Ck.Chars), count(d.rnn.Ck.Chars))),
		tr(lang, "  trained LSTM and vanilla RNN", "  학습한 LSTM과 vanilla RNN"), "")))
	if !d.snipL.ready || !d.snipR.ready {
		out = append(out, st.Muted.Render(tr(lang, "reading the text…", "글을 읽는 중…")))
		return cells.Fit(out, w, h)
	}
	const lw = 14
	s := d.snipL
	span := min(w-lw-7, s.T())
	first := 0
	if d.cursor >= span {
		first = d.cursor - span + 1
	}
	cur := d.cursor - first
	var tb, fb strings.Builder
	vis := visibleText(s.text[first : first+span])
	for i, r := range vis {
		inSpan := i <= cur && i > cur-gatesSpan
		switch {
		case i == cur:
			tb.WriteString(st.Pinned.Render(string(r)))
		case inSpan:
			tb.WriteString(st.Accent.Render(string(r)))
		default:
			tb.WriteRune(r)
		}
	}
	fvals := s.gate(1, d.unit)[first : first+span]
	fb.WriteString(heatSeq(st, fvals, 1))
	label := func(s string) string { return st.Label.Render(ljust(s, lw)) }
	out = append(out, label(tr(lang, "code", "코드"))+tb.String())
	out = append(out, label(fmt.Sprintf("f  c%d", d.unit))+fb.String()+st.Muted.Render(" "+unum(s.gate(1, d.unit)[d.cursor], 2)))
	u, med, best := d.forgetProducts(d.cursor)
	out = append(out, st.Text.Render(cells.FirstFit(w, tr(lang,
		fmt.Sprintf("LSTM, ∏f over the last %d steps: c%d %s · median unit %s · the unit that keeps most %s", gatesSpan, d.unit, sci(u), sci(med), sci(best)),
		fmt.Sprintf("LSTM, 최근 %d step의 ∏f: c%d %s · 중간 유닛 %s · 가장 많이 남기는 유닛 %s", gatesSpan, d.unit, sci(u), sci(med), sci(best))),
		tr(lang, fmt.Sprintf("LSTM ∏f, last %d steps: c%d %s · median %s · most %s", gatesSpan, d.unit, sci(u), sci(med), sci(best)),
			fmt.Sprintf("LSTM ∏f, 최근 %d step: c%d %s · 중간 %s · 최대 %s", gatesSpan, d.unit, sci(u), sci(med), sci(best))))))
	jac := tr(lang, "…", "…")
	if d.jacAt == d.cursor {
		jac = sci(d.jac)
	}
	out = append(out, st.Text.Render(cells.FirstFit(w, tr(lang,
		fmt.Sprintf("vanilla, ‖∏ diag(1−h²)·W_hh‖ over the same %d steps: %s (the same W_hh %d times)", gatesSpan, jac, gatesSpan),
		fmt.Sprintf("vanilla, 같은 %d step의 ‖∏ diag(1−h²)·W_hh‖: %s (같은 W_hh를 %d번)", gatesSpan, jac, gatesSpan)),
		tr(lang, fmt.Sprintf("vanilla ‖∏ diag(1−h²)·W_hh‖, same %d steps: %s", gatesSpan, jac),
			fmt.Sprintf("vanilla ‖∏ diag(1−h²)·W_hh‖, 같은 %d step: %s", gatesSpan, jac)))))
	t := d.cursor
	i, f, g := s.gate(0, d.unit)[t], s.gate(1, d.unit)[t], s.gate(2, d.unit)[t]
	upd := fmt.Sprintf("C = f·C₋₁ + i·g = %s×%s + %s×%s = %s", unum(f, 2), num(s.c(d.unit)[t-1], 2), unum(i, 2), num(g, 2), num(s.c(d.unit)[t], 2))
	out = append(out, st.Accent.Render(cells.FirstFit(w, upd+tr(lang, ": multiplied by a gate, the new part added", ": 게이트를 곱하고, 새 정보는 더한다"), upd)))

	// The gradient by lag.
	var curves []curve
	var legend []string
	nameW := ansi.StringWidth(tr(lang, "vanilla at init (dotted)", "vanilla 초기화 직후 (점선)")) + 2
	add := func(key string, series int, dashed bool, name string) {
		if fl, ok := d.flows[key]; ok {
			curves = append(curves, curve{Y: fl.Ratio, Series: series, Dashed: dashed})
			legend = append(legend, st.Series[series].Mark+" "+ljust(name, nameW)+fmt.Sprintf("k=20 %s · k=50 %s", sci(fl.Ratio[20]), sci(fl.Ratio[50])))
		}
	}
	add("lstm", 1, false, tr(lang, "LSTM, trained", "LSTM, 학습 후"))
	add("rnn", 0, false, tr(lang, "vanilla RNN, trained", "vanilla RNN, 학습 후"))
	add("lstm0", 1, true, tr(lang, "LSTM at init (dotted)", "LSTM 초기화 직후 (점선)"))
	add("rnn0", 0, true, tr(lang, "vanilla at init (dotted)", "vanilla 초기화 직후 (점선)"))
	if l, ok := d.flows["lstm"]; ok {
		if r, ok := d.flows["rnn"]; ok {
			legend = append(legend, st.Accent.Render(tr(lang,
				fmt.Sprintf("After training the LSTM keeps %s as much gradient as the vanilla RNN at k = 20, and %s at k = 50",
					times(l.Ratio[20]/r.Ratio[20], "×"), times(l.Ratio[50]/r.Ratio[50], "×")),
				fmt.Sprintf("학습 후 LSTM에 남는 기울기는 vanilla RNN의 %s(k = 20), %s(k = 50)다",
					times(l.Ratio[20]/r.Ratio[20], "배"), times(l.Ratio[50]/r.Ratio[50], "배")))))
		}
	}
	plotH := h - len(out) - len(legend) - 1
	if plotH >= 4 && len(curves) > 0 {
		out = append(out, st.Muted.Render(tr(lang, "How much gradient reaches k steps back (‖∂L_t/∂h_{t−k}‖ / ‖∂L_t/∂h_t‖):",
			"기울기가 k step 앞까지 얼마나 도달하나 (‖∂L_t/∂h_{t−k}‖ / ‖∂L_t/∂h_t‖):")))
		out = append(out, logPlot(st, curves, w, plotH, -16, 1, tr(lang, "lag k →", "거리 k →"))...)
		out = append(out, legend...)
	} else if len(curves) > 0 {
		out = append(out, legend...)
	}
	return cells.Fit(out, w, h)
}
