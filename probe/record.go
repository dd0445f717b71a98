// Package probe turns a network's hidden states into data a person can trust:
// recordings of every unit over held-out text, rankings of units against
// ground-truth labels with honest baselines, plain-words verdicts, gate saturation
// and gradient flow. It never trains or draws, and its results are immutable once
// returned, so a UI may read them from another goroutine without locks.
package probe

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/nets/kernels"
)

// Unit names one recorded state: a layer, h or the LSTM cell state c, and an
// index.
type Unit struct {
	Layer int
	Cell  bool // c rather than h
	Index int
}

// Name writes the unit as people read it: "c17", "h3", or with several layers
// "L2 c17" (layers counted from 1).
func (u Unit) Name(layers int) string {
	k := "h"
	if u.Cell {
		k = "c"
	}
	if layers > 1 {
		return fmt.Sprintf("L%d %s%d", u.Layer+1, k, u.Index)
	}
	return fmt.Sprintf("%s%d", k, u.Index)
}

// Group is every unit of one (layer, h or c) over the scored steps, unit-major:
// unit i's series is Acts[i*T : (i+1)*T].
type Group struct {
	Layer int
	Cell  bool
	Acts  []float64
}

// Pred is one of the most likely next characters at a step.
type Pred struct {
	Rune rune
	P    float64
}

// TopK is how many next-character predictions a Recording keeps per step.
const TopK = 5

// Recording holds every unit's value at every scored step of a probe window. It is
// never modified after Record returns.
type Recording struct {
	Config nets.Config
	Text   []rune  // the scored characters, one per step
	IDs    []int32 // their token ids
	T      int
	Groups []Group // (layer, h) for each layer, then (layer, c) for an LSTM
	// Saturation of every sigmoid gate, counted while recording (Recorder does
	// not keep the gates themselves: they would be most of a recording's memory).
	Saturation []Saturation
	// Gates, when a recorder keeps them, holds per layer the (G·H × T) unit-major
	// gate activations; Analyze derives Saturation from it when that is nil.
	Gates [][]float64
	// Loss[t] is −log p(Text[t+1]) in nats after reading Text[..t]; the last is NaN.
	Loss []float64
	// Top[t] are the TopK most likely characters after reading Text[..t].
	Top [][TopK]Pred
	// Override is the clamp the recording ran with, if any.
	Override *nets.Override
}

// Series returns unit u's values over the scored steps (a view).
func (r *Recording) Series(u Unit) []float64 {
	for _, g := range r.Groups {
		if g.Layer == u.Layer && g.Cell == u.Cell {
			return g.Acts[u.Index*r.T : (u.Index+1)*r.T]
		}
	}
	return nil
}

// Units lists every recorded unit in group order; its position is the unit's flat
// index in rankings.
func (r *Recording) Units() []Unit {
	var us []Unit
	for _, g := range r.Groups {
		for i := range r.Config.Hidden {
			us = append(us, Unit{Layer: g.Layer, Cell: g.Cell, Index: i})
		}
	}
	return us
}

// Flat is u's flat index.
func (r *Recording) Flat(u Unit) int {
	for gi, g := range r.Groups {
		if g.Layer == u.Layer && g.Cell == u.Cell {
			return gi*r.Config.Hidden + u.Index
		}
	}
	return -1
}

// Recorder runs a network over probe windows and records every unit.
//
// It reads the network in single precision: a unit's recorded value is within
// about 1e-5 of the float64 pass (checked in the tests), far below anything a
// ranking over thousands of characters or a colour on screen can show, and the
// pass is twice as fast. With at least pairMin hidden units the recurrence is
// split in two halves (pairRecorder), run on two cores or, when there is one
// (or the other is busy), one after the other, to the same bits; smaller
// networks run on one core while another copies finished chunks out. Recorders
// made with newExactRecorder use float64 (tests).
type Recorder struct {
	p     *nets.Params[float64]
	r32   *passRecorder[float32]
	r64   *passRecorder[float64]
	pair  *pairRecorder // on two cores, for networks wide enough to split
	vocab []rune
}

// passRecorder runs the network in precision F and keeps its scratch buffers.
// Two engines take turns: while one runs the next chunk of text, the chunk the
// other ran is copied into the recording (on another core when there is one).
type passRecorder[F nets.Float] struct {
	cfg   nets.Config
	p     *nets.Params[F] // nil: the caller's float64 weights, read directly
	eng   [2]*nets.Engine[F]
	st    *nets.State[F]
	ex    []F       // one row's exponentials
	probs []float64 // the same, in float64
}

func newPassRecorder[F nets.Float](cfg nets.Config, p *nets.Params[F], own bool) *passRecorder[F] {
	pr := &passRecorder[F]{cfg: cfg, st: nets.NewState[F](cfg, 1),
		ex: make([]F, cfg.Vocab), probs: make([]float64, cfg.Vocab)}
	if own {
		pr.p = p
	}
	for i := range pr.eng {
		pr.eng[i] = nets.NewEngine(cfg, p, nil, recordChunk, 1)
	}
	return pr
}

// recordChunk is how many steps the recorder runs per forward pass.
const recordChunk = 1024

// NewRecorder records the network with weights p (read at each Record, so it
// follows training); vocab maps token ids to characters.
func NewRecorder(cfg nets.Config, p *nets.Params[float64], vocab []rune) *Recorder {
	rc := &Recorder{p: p, vocab: vocab, r32: newPassRecorder(cfg, nets.NewParams[float32](cfg), true)}
	if cfg.Hidden >= pairMin {
		rc.pair = newPairRecorder(cfg)
	}
	return rc
}

// newExactRecorder records in float64, bit for bit what the engine computes.
func newExactRecorder(cfg nets.Config, p *nets.Params[float64], vocab []rune) *Recorder {
	return &Recorder{p: p, vocab: vocab, r64: newPassRecorder(cfg, p, false)}
}

// Record reads ids from the zero state, the first warmup of them unscored, and
// records the rest. text holds the characters of ids (the corpus's own, so that
// labels see the real text even where ids hold the unknown token). o, when set,
// clamps a unit throughout.
func (rc *Recorder) Record(ids []int32, text []rune, warmup int, o *nets.Override) *Recording {
	switch {
	case rc.r64 != nil:
		return rc.r64.record(rc.p, rc.vocab, ids, text, warmup, o)
	case rc.pair != nil:
		return rc.pair.record(rc.p, rc.vocab, ids, text, warmup, o)
	}
	return rc.r32.record(rc.p, rc.vocab, ids, text, warmup, o)
}

func (pr *passRecorder[F]) record(p *nets.Params[float64], vocab []rune, ids []int32, text []rune, warmup int, o *nets.Override) *Recording {
	cfg := pr.cfg
	h, gh := cfg.Hidden, cfg.GH()
	if pr.p != nil {
		switch d := any(pr.p.Mem).(type) {
		case []float32:
			kernels.Narrow(d, p.Mem)
		case []float64:
			copy(d, p.Mem)
		}
	}
	fr := newFrame(cfg, vocab, ids, text, warmup, o)
	r := fr.r
	allocate := func() { fr.allocate(0, len(r.Groups)) }
	for _, e := range pr.eng {
		e.SetOverride(o)
	}
	defer func() {
		for _, e := range pr.eng {
			e.SetOverride(nil)
		}
	}()
	pr.st.Reset()
	// copyOut moves one chunk from its engine into the recording: the
	// time-major tape transposed, block by block, into the unit-major series;
	// the gate counts; the next-character probabilities. Chunks write disjoint
	// steps, and only one copyOut runs at a time.
	copyOut := func(e *nets.Engine[F], base int, x []int32) {
		from0 := max(warmup-base, 0) // steps from0… of this chunk are scored, at recording steps t0…
		if from0 >= len(x) {
			return
		}
		t0, n := base+from0-warmup, len(x)-from0
		for l := range cfg.Layers {
			th, tc, tg := e.Tape(l)
			transpose(r.Groups[l].Acts, r.T, t0, th[from0*h:], n, h, h)
			if tc != nil {
				transpose(r.Groups[cfg.Layers+l].Acts, r.T, t0, tc[from0*h:], n, h, h)
			}
			if tg != nil {
				countSaturation(fr.layerCounts(l), fr.satOf, tg[from0*gh:(from0+n)*gh], h, 0)
			}
		}
		for k := from0; k < len(x); k++ {
			next(fr, base+k, e.Logits(k, 0), pr.ex, pr.probs)
		}
	}
	type chunk struct {
		e    int
		base int
		x    []int32
	}
	var jobs chan chunk
	var free [2]chan struct{} // an engine whose last chunk has been copied out
	var wg sync.WaitGroup
	if runtime.GOMAXPROCS(0) > 1 {
		jobs = make(chan chunk, 1)
		for i := range free {
			free[i] = make(chan struct{}, 1)
			free[i] <- struct{}{}
		}
		wg.Go(func() {
			allocate()
			for c := range jobs {
				copyOut(pr.eng[c.e], c.base, c.x)
				free[c.e] <- struct{}{}
			}
		})
	} else {
		allocate()
	}
	for k, base := 0, 0; base < len(ids); k, base = k+1, base+recordChunk {
		x := ids[base:min(base+recordChunk, len(ids))]
		if jobs == nil { // one core: one engine, whose tape stays in cache
			pr.eng[0].Forward(x, pr.st)
			copyOut(pr.eng[0], base, x)
			continue
		}
		i := k % 2
		<-free[i]
		pr.eng[i].Forward(x, pr.st)
		jobs <- chunk{i, base, x}
	}
	if jobs != nil {
		close(jobs)
		wg.Wait()
	}
	return fr.finish()
}

// frame is a Recording being filled, with what the recorders share: the
// recording's shape, the gate counts and each step's prediction.
type frame struct {
	r      *Recording
	vocab  []rune
	ids    []int32 // the whole window, warm-up included
	warmup int
	satOf  []int       // per gate block, its index among a layer's Saturations (−1: not a gate)
	counts []satCounts // one per Saturation
}

func newFrame(cfg nets.Config, vocab []rune, ids []int32, text []rune, warmup int, o *nets.Override) *frame {
	T := len(ids) - warmup
	if T < 1 || len(text) != len(ids) {
		panic(fmt.Sprintf("probe: Record of %d ids, %d characters, warm-up %d", len(ids), len(text), warmup))
	}
	h := cfg.Hidden
	r := &Recording{Config: cfg, Text: text[warmup:], IDs: ids[warmup:], T: T,
		Loss: make([]float64, T), Top: make([][TopK]Pred, T), Override: o}
	for l := range cfg.Layers {
		r.Groups = append(r.Groups, Group{Layer: l})
	}
	if cfg.Cell == nets.LSTM {
		for l := range cfg.Layers {
			r.Groups = append(r.Groups, Group{Layer: l, Cell: true})
		}
	}
	fr := &frame{r: r, vocab: vocab, ids: ids, warmup: warmup, satOf: make([]int, cfg.Cell.Gates())}
	for l := range cfg.Layers {
		k := 0
		for b, name := range cfg.Cell.GateNames() {
			fr.satOf[b] = -1
			if name == "g" || name == "n" { // tanh blocks: not gates
				continue
			}
			fr.satOf[b] = k
			k++
			r.Saturation = append(r.Saturation, Saturation{Layer: l, Gate: name,
				Low: make([]float64, h), High: make([]float64, h), Hist: make([]float64, HistBins)})
			fr.counts = append(fr.counts, satCounts{low: make([]int32, h), high: make([]int32, h)})
		}
	}
	return fr
}

// allocate makes the series of groups g0…g1−1 in one allocation (megabytes to
// clear, so the recorders do it on a core that would wait otherwise).
func (fr *frame) allocate(g0, g1 int) {
	r := fr.r
	n := r.Config.Hidden * r.T
	acts := make([]float64, (g1-g0)*n)
	for k := g0; k < g1; k++ {
		r.Groups[k].Acts = acts[(k-g0)*n : (k-g0+1)*n]
	}
}

// layerCounts are the gate counts of layer l.
func (fr *frame) layerCounts(l int) []satCounts {
	per := len(fr.counts) / fr.r.Config.Layers
	return fr.counts[l*per : (l+1)*per]
}

// next records the prediction after reading ids[g], from its logits: the top
// characters and the loss on ids[g+1]. ex and probs are scratch rows.
func next[F nets.Float](fr *frame, g int, logits, ex []F, probs []float64) {
	t := g - fr.warmup
	sum := kernels.ExpSum(ex, logits, kernels.Max(logits))
	widen(probs, ex)
	fr.r.Top[t] = topK(probs, sum, fr.vocab)
	if g+1 < len(fr.ids) {
		fr.r.Loss[t] = math.Log(sum) - math.Log(probs[fr.ids[g+1]])
	} else {
		fr.r.Loss[t] = math.NaN()
	}
}

// finish turns the gate counts into fractions and returns the recording.
func (fr *frame) finish() *Recording {
	r := fr.r
	h := r.Config.Hidden
	for i := range r.Saturation {
		s, c := &r.Saturation[i], &fr.counts[i]
		for u := range s.Low {
			s.Low[u] = float64(c.low[u]) / float64(r.T)
			s.High[u] = float64(c.high[u]) / float64(r.T)
		}
		for b := range s.Hist {
			s.Hist[b] = float64(c.hist[b]) / float64(h*r.T)
		}
	}
	return r
}

// satCounts are the counts behind one Saturation while a recording runs.
type satCounts struct {
	low, high []int32
	hist      [HistBins]int32
}

// countSaturation adds n steps of time-major gate activations (n × G·h, h units
// per gate block) to the counts of the layer's sigmoid gates, as units
// u0…u0+h−1: below 0.1, above 0.9, and the histogram (kernels.SatCount's, which
// float64 activations follow in Go).
func countSaturation[F nets.Float](sat []satCounts, satOf []int, acts []F, h, u0 int) {
	gh := len(satOf) * h
	n := len(acts) / gh
	for b, si := range satOf {
		if si < 0 || n == 0 {
			continue
		}
		s := &sat[si]
		low, high := s.low[u0:u0+h], s.high[u0:u0+h]
		switch a := any(acts).(type) {
		case []float32:
			kernels.SatCount(a[b*h:], n, gh, low, high, &s.hist)
		case []float64:
			for k := 0; k < n; k++ {
				for u, v := range a[k*gh+b*h : k*gh+(b+1)*h] {
					if v < 0.1 {
						low[u]++
					} else if v > 0.9 {
						high[u]++
					}
					s.hist[min(max(int(v*HistBins), 0), HistBins-1)]++
				}
			}
		}
	}
}

// transpose writes n rows of w values, stride apart in src, into the
// unit-major dst (w rows of stride T) at columns t0…t0+n−1: float32 with
// kernels.Transpose, float64 (the exact recorder of the tests) value by value.
func transpose[F nets.Float](dst []float64, T, t0 int, src []F, n, w, stride int) {
	if s, ok := any(src).([]float32); ok {
		kernels.Transpose(dst[t0:], T, s, stride, n, w)
		return
	}
	for i := range n {
		for j, v := range src[i*stride : i*stride+w] {
			dst[j*T+t0+i] = float64(v)
		}
	}
}

// widen copies src into dst (as long) in float64.
func widen[F nets.Float](dst []float64, src []F) {
	switch s := any(src).(type) {
	case []float32:
		kernels.Widen(dst[:len(s)], s)
	case []float64:
		copy(dst, s)
	}
}

// topK picks the TopK most likely tokens from unnormalised probabilities e
// (summing to sum), ties by smaller id.
func topK(e []float64, sum float64, vocab []rune) [TopK]Pred {
	var p [TopK]float64 // the largest so far, in order, and their ids
	var id [TopK]int
	n := 0 // how many of them there are
	for i, v := range e {
		if n == TopK && v <= p[TopK-1] {
			continue // not above the fifth
		}
		k := 0
		for k < n && !(v > p[k]) {
			k++
		}
		if k == TopK {
			continue // NaN, or below a NaN
		}
		for j := min(n, TopK-1); j > k; j-- {
			p[j], id[j] = p[j-1], id[j-1]
		}
		p[k], id[k] = v, i
		n = min(n+1, TopK)
	}
	var best [TopK]Pred
	for k := range n {
		best[k] = Pred{Rune: vocab[id[k]], P: p[k] / sum}
	}
	return best
}

// MeanLoss is the mean of the recording's next-character losses, in nats.
func (r *Recording) MeanLoss() float64 {
	s, n := 0.0, 0
	for _, v := range r.Loss {
		if !math.IsNaN(v) {
			s += v
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return s / float64(n)
}
