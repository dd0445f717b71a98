package lessons

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui/cells"
)

func lesson6() Lesson {
	return Lesson{
		N: 6,
		Title: map[Lang]string{
			EN: "Vanishing and exploding gradients",
			KO: "기울기 소실과 기울기 폭발",
		},
		Text: map[Lang][]string{
			EN: {
				"To learn from something many steps back, the gradient has to travel back through every step in between, and in a vanilla RNN each step multiplies it by the same W_hh (times tanh's slope). The same number multiplied in again and again makes the gradient shrink or grow exponentially with the distance.",
				"The plot is measured on a real vanilla RNN with 128 units: how much of the gradient of the loss at one character reaches the hidden state k characters earlier. At initialisation it falls by orders of magnitude within a few dozen steps. Press s to scale W_hh so that its spectral radius is above 1: now it explodes instead. Press c to see what gradient clipping does to training steps from there.",
			},
			KO: {
				"몇 step 전의 정보로부터 배우려면 기울기가 그 사이의 모든 step을 거슬러 가야 한다. vanilla RNN에서는 step마다 같은 W_hh가 (tanh의 기울기와 함께) 곱해진다. 같은 수가 계속 곱해지니 기울기는 거리에 따라 기하급수적으로 작아지거나(기울기 소실) 커진다(기울기 폭발).",
				"그래프는 은닉 유닛 128개짜리 실제 vanilla RNN에서 잰 것이다. 한 글자에서의 손실의 기울기가 k 글자 앞의 은닉 상태까지 얼마나 도달하는지 보여 준다. 초기화 직후에는 수십 step 만에 몇 자릿수씩 떨어진다. s를 누르면 W_hh의 스펙트럼 반경이 1보다 커지도록 키운다. 이번에는 기울기가 폭발한다. 거기서 c를 누르면 gradient clipping이 학습 step에 무엇을 하는지 볼 수 있다.",
			},
		},
		Screen: "gradients", Preset: "gradients",
		New: newVanish,
	}
}

const (
	vanishHidden  = 128
	vanishLags    = 60
	vanishWinLen  = 100
	vanishWindows = 8
	vanishEvery   = 25 // live training: measure every this many steps
	clipSteps     = 24 // steps of the clipping comparison
	clipLR        = 1  // plain SGD, so that the step is the gradient itself
	clipMax       = 5  // rnnscope's default --clip
)

// vanishRadii are the spectral radii s cycles through (0: W_hh as it is).
var vanishRadii = [...]float64{0, 2, 3}

// vanishDemo is lesson 6: GradMeter on a vanilla RNN at initialisation, trained
// (live or the embedded model), with W_hh scaled past a radius of 1, and what
// clipping does there.
type vanishDemo struct {
	seed   uint64
	corpus *corpora.Corpus
	text   []int32 // held-out tokens the meter reads
	cfg    nets.Config
	meter  *probe.GradMeter

	init    *nets.Params[float64]
	initF   probe.GradFlow
	mode    string        // "init", "scratch" or "pretrained"
	tr      *nets.Trainer // live training (scratch)
	cur     *nets.Params[float64]
	curF    probe.GradFlow
	curWhat string // chars trained, for the legend
	scale   int    // index into vanishRadii
	scaled  *nets.Params[float64]
	scaledF probe.GradFlow

	clip *clipRun
	// todo holds measurements a key asked for; Step runs one a frame.
	todo []func()
}

func newVanish(seed uint64) Demo {
	c, err := corpora.Load("code", corpora.Options{Seed: seed})
	if err != nil {
		panic(err)
	}
	ids, _ := c.Held()
	d := &vanishDemo{seed: seed, corpus: c, text: ids,
		cfg: nets.Config{Cell: nets.RNN, Vocab: c.Vocab.Size(), Hidden: vanishHidden, Layers: 1}, mode: "init"}
	d.meter = probe.NewGradMeter(d.cfg, vanishLags, vanishWinLen, vanishWindows)
	d.init = nets.NewParams[float64](d.cfg)
	nets.Init(d.cfg, d.init, newRand(seed, 6), 0)
	d.initF = d.meter.Measure(d.init, d.text).Clone()
	d.cur, d.curF = d.init, d.initF
	return d
}

// setCurrent makes p the network shown and re-measures (and re-scales).
func (d *vanishDemo) setCurrent(p *nets.Params[float64], what string) {
	d.cur, d.curWhat = p, what
	d.curF = d.meter.Measure(p, d.text).Clone()
	d.todo = append(d.todo, d.rescale)
}

// rescale copies the current weights with W_hh scaled to the chosen radius.
func (d *vanishDemo) rescale() {
	d.clip = nil
	if vanishRadii[d.scale] == 0 {
		d.scaled = nil
		return
	}
	d.scaled = nets.NewParams[float64](d.cfg)
	copy(d.scaled.Mem, d.cur.Mem)
	f := vanishRadii[d.scale] / d.curF.Radius[0]
	for i := range d.scaled.Layers[0].Whh.Data {
		d.scaled.Layers[0].Whh.Data[i] *= f
	}
	d.scaledF = d.meter.Measure(d.scaled, d.text).Clone()
}

func (d *vanishDemo) Step() bool {
	if len(d.todo) > 0 {
		job := d.todo[0]
		d.todo = d.todo[1:]
		job()
		return true
	}
	busy := false
	if d.mode == "scratch" && d.clip == nil {
		d.tr.Step()
		if d.tr.Steps%vanishEvery == 0 {
			d.setCurrent(d.tr.P, count(d.tr.Chars))
		}
		busy = true
	}
	if d.clip != nil && !d.clip.done() {
		d.clip.step()
		busy = true
	}
	return busy
}

func (d *vanishDemo) Key(k string) bool {
	switch k {
	case "f": // from scratch: train live
		p := nets.NewParams[float64](d.cfg)
		copy(p.Mem, d.init.Mem)
		streams := make([]nets.Stream, 16)
		for b := range streams {
			streams[b] = d.corpus.Stream(b, 16, 0)
		}
		tr, err := nets.NewTrainer(d.cfg, p, nets.TrainConfig{Seq: 64, Batch: 16, Optimizer: "adam", LR: 2e-3, Clip: clipMax}, streams)
		if err != nil {
			panic(err)
		}
		d.tr, d.mode, d.clip = tr, "scratch", nil
		d.todo = append(d.todo, func() { d.setCurrent(p, "0") })
	case "p": // the embedded model
		d.tr, d.mode, d.clip = nil, "pretrained", nil
		d.todo = append(d.todo, func() {
			m := mustPretrained(modelRNN)
			d.setCurrent(m.Ck.Params, count(m.Ck.Chars))
		})
	case "0":
		d.tr, d.mode, d.clip = nil, "init", nil
		d.todo = append(d.todo, func() { d.setCurrent(d.init, "") })
	case "s":
		d.scale = (d.scale + 1) % len(vanishRadii)
		d.todo = append(d.todo, d.rescale)
	case "c":
		if vanishRadii[d.scale] == 0 {
			d.scale = 1
		}
		d.todo = append(d.todo, d.rescale, func() { d.clip = newClipRun(d.cfg, d.scaled, d.corpus) })
	default:
		return false
	}
	return true
}

func (d *vanishDemo) Keys(lang Lang) []Key {
	return []Key{
		{"f", tr(lang, "train from scratch (live)", "처음부터 학습 (실시간)")},
		{"p", tr(lang, "after 6M characters (pretrained)", "600만 글자 학습 후 (사전 학습)")},
		{"0", tr(lang, "back to initialisation", "초기화 상태로")},
		{"s", tr(lang, "scale W_hh: radius 2, 3, off", "W_hh 키우기: 반경 2, 3, 끄기")},
		{"c", tr(lang, "clipping: 24 SGD steps with and without", "clipping 있을 때와 없을 때 SGD 24 step")},
	}
}

func (d *vanishDemo) Facts() map[string]string {
	f := map[string]string{
		"mode":          d.mode,
		"init_radius":   fmt.Sprintf("%.3f", d.initF.Radius[0]),
		"init_ratio_20": fmt.Sprintf("%.3g", d.initF.Ratio[20]),
		"init_ratio_60": fmt.Sprintf("%.3g", d.initF.Ratio[60]),
		"cur_radius":    fmt.Sprintf("%.3f", d.curF.Radius[0]),
		"cur_ratio_20":  fmt.Sprintf("%.3g", d.curF.Ratio[20]),
		"cur_ratio_60":  fmt.Sprintf("%.3g", d.curF.Ratio[60]),
	}
	if d.scaled != nil {
		f["scaled_radius"] = fmt.Sprintf("%.3f", d.scaledF.Radius[0])
		grows := true
		for k := 2; k <= vanishLags; k++ {
			// Grows with lag: each ratio at least the one 10 lags nearer.
			if k >= 10 && d.scaledF.Ratio[k] < d.scaledF.Ratio[k-10] {
				grows = false
			}
		}
		f["scaled_grows"] = fmt.Sprint(grows)
		f["scaled_ratio_20"] = fmt.Sprintf("%.3g", d.scaledF.Ratio[20])
		f["scaled_ratio_60"] = fmt.Sprintf("%.3g", d.scaledF.Ratio[60])
	}
	if c := d.clip; c != nil {
		for k, v := range c.facts() {
			f[k] = v
		}
	}
	return f
}

func (d *vanishDemo) View(w, h int, st *themes.Styles, lang Lang) string {
	if s, ok := tooSmall(w, h, st, lang); ok {
		return s
	}
	var out []string
	title := tr(lang, "How much gradient reaches k steps back", "k step 앞까지 도달하는 기울기")
	out = append(out, st.Title.Render(title)+st.Muted.Render(cells.FirstFit(w-ansi.StringWidth(title),
		tr(lang, "  ‖∂L_t/∂h_{t−k}‖ / ‖∂L_t/∂h_t‖, vanilla RNN-128 on code", "  ‖∂L_t/∂h_{t−k}‖ / ‖∂L_t/∂h_t‖, code로 학습하는 vanilla RNN-128"),
		"  ‖∂L_t/∂h_{t−k}‖ / ‖∂L_t/∂h_t‖", "")))
	curves := []curve{{Y: d.initF.Ratio, Series: 0, Dashed: d.mode != "init", Label: "init"}}
	if d.mode != "init" {
		curves = append(curves, curve{Y: d.curF.Ratio, Series: 1})
	}
	if d.scaled != nil {
		curves = append(curves, curve{Y: d.scaledF.Ratio, Series: 2})
	}
	lo, hi := -16.0, 1.0
	for _, c := range curves {
		for _, v := range c.Y {
			if v > 0 {
				hi = max(hi, math.Ceil(math.Log10(v)))
			}
		}
	}
	legend := d.legend(st, lang)
	var clipLines []string
	if d.clip != nil {
		clipLines = d.clip.view(st, lang, w)
	}
	plotH := h - 1 - len(legend) - len(clipLines)
	if plotH < 5 {
		clipLines = nil
		plotH = h - 1 - len(legend)
	}
	if plotH < 4 {
		legend = legend[:min(len(legend), max(h-1-4, 0))]
		plotH = h - 1 - len(legend)
	}
	out = append(out, logPlot(st, curves, w, plotH, lo, hi, tr(lang, "lag k →", "거리 k →"))...)
	out = append(out, legend...)
	out = append(out, clipLines...)
	return cells.Fit(out, w, h)
}

func (d *vanishDemo) legend(st *themes.Styles, lang Lang) []string {
	at := func(f probe.GradFlow) string {
		return fmt.Sprintf("k=20 %s · k=60 %s", sci(f.Ratio[20]), sci(f.Ratio[60]))
	}
	radius := func(f probe.GradFlow) string {
		return fmt.Sprintf("%s %.2f", tr(lang, "radius", "반경"), f.Radius[0])
	}
	var l []string
	l = append(l, st.Series[0].Mark+" "+ljust(tr(lang, "at initialisation", "초기화 직후"), 26)+
		radius(d.initF)+" · "+at(d.initF))
	switch d.mode {
	case "scratch":
		l = append(l, st.Series[1].Mark+" "+ljust(tr(lang, fmt.Sprintf("training: %s chars", d.curWhat),
			fmt.Sprintf("학습 중: %s 글자", d.curWhat)), 26)+radius(d.curF)+" · "+at(d.curF))
	case "pretrained":
		l = append(l, st.Series[1].Mark+" "+ljust(tr(lang, fmt.Sprintf("after %s chars", d.curWhat),
			fmt.Sprintf("%s 글자 학습 후", d.curWhat)), 26)+radius(d.curF)+" · "+at(d.curF))
	}
	if d.scaled != nil {
		word := tr(lang, "explodes", "폭발")
		if d.scaledF.Ratio[vanishLags] < 1 {
			word = tr(lang, "still below 1", "아직 1보다 작음")
		}
		l = append(l, st.Series[2].Mark+" "+ljust(tr(lang, fmt.Sprintf("W_hh scaled ×%.2f", vanishRadii[d.scale]/d.curF.Radius[0]),
			fmt.Sprintf("W_hh ×%.2f 키움", vanishRadii[d.scale]/d.curF.Radius[0])), 26)+
			radius(d.scaledF)+" · "+at(d.scaledF)+"  "+st.Warn.Render(word))
	}
	return l
}

// clipRun trains two copies of the same weights on the same text with plain SGD,
// one clipping the gradient norm at clipMax and one not, a step at a time.
type clipRun struct {
	cfg           nets.Config
	with, without *nets.Trainer
	lossW, lossN  []float64
	normW, normN  []float64 // before clipping
	satW, satN    float64   // share of hidden units with |h| > 0.99 at the end
}

func newClipRun(cfg nets.Config, p *nets.Params[float64], c *corpora.Corpus) *clipRun {
	mk := func(clip float64) *nets.Trainer {
		q := nets.NewParams[float64](cfg)
		copy(q.Mem, p.Mem)
		streams := make([]nets.Stream, 16)
		for b := range streams {
			streams[b] = c.Stream(b, 16, 0) // the same text for both
		}
		tr, err := nets.NewTrainer(cfg, q, nets.TrainConfig{Seq: 64, Batch: 16, Optimizer: "sgd", LR: clipLR, Clip: clip}, streams)
		if err != nil {
			panic(err)
		}
		return tr
	}
	return &clipRun{cfg: cfg, with: mk(clipMax), without: mk(0)}
}

func (r *clipRun) done() bool { return len(r.lossW) >= clipSteps && len(r.lossN) >= clipSteps }

// step takes one step of one of the two runs (they alternate), so a frame does
// one training step.
func (r *clipRun) step() {
	if len(r.lossW) <= len(r.lossN) {
		s := r.with.Step()
		r.lossW, r.normW = append(r.lossW, s.Loss), append(r.normW, s.GradNorm)
	} else {
		s := r.without.Step()
		r.lossN, r.normN = append(r.lossN, s.Loss), append(r.normN, s.GradNorm)
	}
	if r.done() {
		r.satW, r.satN = saturated(r.with.State.H[0]), saturated(r.without.State.H[0])
	}
}

func saturated(h []float64) float64 {
	n := 0
	for _, v := range h {
		if math.Abs(v) > 0.99 {
			n++
		}
	}
	return float64(n) / float64(len(h))
}

func (r *clipRun) facts() map[string]string {
	f := map[string]string{"clip_steps": fmt.Sprint(len(r.lossW))}
	if len(r.normN) > 0 {
		f["clip_max_norm_unclipped"] = fmt.Sprintf("%.3g", slices.Max(r.normN))
		f["clip_first_norm"] = fmt.Sprintf("%.3g", r.normW[0])
	}
	if r.done() {
		f["clip_final_loss_with"] = fmt.Sprintf("%.2f", r.lossW[len(r.lossW)-1])
		f["clip_final_loss_without"] = fmt.Sprintf("%.2f", r.lossN[len(r.lossN)-1])
		f["clip_saturated_with"] = fmt.Sprintf("%.2f", r.satW)
		f["clip_saturated_without"] = fmt.Sprintf("%.2f", r.satN)
	}
	return f
}

func (r *clipRun) view(st *themes.Styles, lang Lang, w int) []string {
	var out []string
	out = append(out, st.Accent.Render(tr(lang,
		fmt.Sprintf("From the scaled weights, %d steps of plain SGD (lr %d) on the same text:", clipSteps, clipLR),
		fmt.Sprintf("키운 가중치에서 같은 글로 SGD(lr %d) %d step:", clipLR, clipSteps))))
	row := func(name string, loss, norm []float64, clipped bool, sat float64) string {
		if len(loss) == 0 {
			return st.Label.Render(ljust(name, 14))
		}
		lo, hi := 0.0, 1.0
		for _, v := range append(slices.Clone(r.lossW), r.lossN...) {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				hi = max(hi, v)
			}
		}
		mx := slices.Max(norm)
		after := mx
		if clipped {
			after = min(mx, clipMax)
		}
		s := st.Label.Render(ljust(name, 14)) + spark(loss, lo, hi) + strings.Repeat(" ", clipSteps-len(loss)+1) +
			fmt.Sprintf(tr(lang, "loss %.2f→%.2f · largest ‖g‖ %s → step uses %s", "손실 %.2f→%.2f · 최대 ‖g‖ %s → 실제 step %s"),
				loss[0], loss[len(loss)-1], sci(mx), sci(after))
		if r.done() {
			s += fmt.Sprintf(tr(lang, " · saturated %s", " · 포화 %s"), pct(sat))
		}
		return s
	}
	out = append(out, row(tr(lang, fmt.Sprintf("clip at %d", clipMax), fmt.Sprintf("clip %d", clipMax)), r.lossW, r.normW, true, r.satW))
	out = append(out, row(tr(lang, "no clipping", "clipping 없음"), r.lossN, r.normN, false, r.satN))
	return out
}
