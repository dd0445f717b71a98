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
// pass is twice as fast. Recorders made with newExactRecorder use float64 (tests).
type Recorder struct {
	p     *nets.Params[float64]
	r32   *passRecorder[float32]
	r64   *passRecorder[float64]
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
	tbuf  []float64 // a block of the tape in float64, for transpose
}

func newPassRecorder[F nets.Float](cfg nets.Config, p *nets.Params[F], own bool) *passRecorder[F] {
	pr := &passRecorder[F]{cfg: cfg, st: nets.NewState[F](cfg, 1),
		ex: make([]F, cfg.Vocab), probs: make([]float64, cfg.Vocab), tbuf: make([]float64, transposeBlock*cfg.Hidden)}
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
	return &Recorder{p: p, vocab: vocab, r32: newPassRecorder(cfg, nets.NewParams[float32](cfg), true)}
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
	if rc.r64 != nil {
		return rc.r64.record(rc.p, rc.vocab, ids, text, warmup, o)
	}
	return rc.r32.record(rc.p, rc.vocab, ids, text, warmup, o)
}

func (pr *passRecorder[F]) record(p *nets.Params[float64], vocab []rune, ids []int32, text []rune, warmup int, o *nets.Override) *Recording {
	cfg := pr.cfg
	h, gh := cfg.Hidden, cfg.GH()
	T := len(ids) - warmup
	if T < 1 || len(text) != len(ids) {
		panic(fmt.Sprintf("probe: Record of %d ids, %d characters, warm-up %d", len(ids), len(text), warmup))
	}
	if pr.p != nil {
		switch d := any(pr.p.Mem).(type) {
		case []float32:
			kernels.Narrow(d, p.Mem)
		case []float64:
			copy(d, p.Mem)
		}
	}
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
	// allocate makes the series, one allocation for every group (megabytes
	// to clear: with a second core, that core does it while the first chunk runs).
	allocate := func() {
		acts := make([]float64, len(r.Groups)*h*T)
		for k := range r.Groups {
			r.Groups[k].Acts = acts[k*h*T : (k+1)*h*T]
		}
	}
	// Saturation counters: index into r.Saturation of each gate block (−1 for
	// the tanh blocks g and n, which are not gates).
	satOf := make([]int, cfg.Cell.Gates())
	for l := range cfg.Layers {
		k := 0
		for b, name := range cfg.Cell.GateNames() {
			satOf[b] = -1
			if name == "g" || name == "n" {
				continue
			}
			satOf[b] = k
			k++
			r.Saturation = append(r.Saturation, Saturation{Layer: l, Gate: name,
				Low: make([]float64, h), High: make([]float64, h), Hist: make([]float64, HistBins)})
		}
	}
	perLayer := len(r.Saturation) / max(cfg.Layers, 1)
	counts := make([]satCounts, len(r.Saturation))
	for i := range counts {
		counts[i] = satCounts{low: make([]int32, h), high: make([]int32, h)}
	}
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
			transpose(r.Groups[l].Acts, T, t0, th[from0*h:], n, h, pr.tbuf)
			if tc != nil {
				transpose(r.Groups[cfg.Layers+l].Acts, T, t0, tc[from0*h:], n, h, pr.tbuf)
			}
			if perLayer > 0 {
				countSaturation(counts[l*perLayer:(l+1)*perLayer], satOf, tg[from0*gh:(from0+n)*gh], h)
			}
		}
		// Each row's exponentials less its maximum, and their sum.
		d := pr.probs
		for k := from0; k < len(x); k++ {
			t := base + k - warmup
			row := e.Logits(k, 0)
			sum := kernels.ExpSum(pr.ex, row, kernels.Max(row))
			widen(d, pr.ex)
			r.Top[t] = topK(d, sum, vocab)
			if g := base + k + 1; g < len(ids) {
				r.Loss[t] = math.Log(sum) - math.Log(d[ids[g]])
			} else {
				r.Loss[t] = math.NaN()
			}
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
	for i := range r.Saturation {
		s, c := &r.Saturation[i], &counts[i]
		for u := range s.Low {
			s.Low[u] = float64(c.low[u]) / float64(T)
			s.High[u] = float64(c.high[u]) / float64(T)
		}
		for b := range s.Hist {
			s.Hist[b] = float64(c.hist[b]) / float64(h*T)
		}
	}
	return r
}

// satCounts are the counts behind one Saturation while a recording runs.
type satCounts struct {
	low, high []int32
	hist      [HistBins]int32
}

// countSaturation adds n steps of time-major gate activations (n × G·H) to the
// counts of the layer's sigmoid gates: below 0.1, above 0.9, and the histogram
// (kernels.SatCount's, which float64 activations follow in Go).
func countSaturation[F nets.Float](sat []satCounts, satOf []int, acts []F, h int) {
	gh := len(satOf) * h
	n := len(acts) / gh
	for b, si := range satOf {
		if si < 0 || n == 0 {
			continue
		}
		s := &sat[si]
		switch a := any(acts).(type) {
		case []float32:
			kernels.SatCount(a[b*h:], n, gh, s.low, s.high, &s.hist)
		case []float64:
			for k := 0; k < n; k++ {
				for u, v := range a[k*gh+b*h : k*gh+(b+1)*h] {
					if v < 0.1 {
						s.low[u]++
					} else if v > 0.9 {
						s.high[u]++
					}
					s.hist[min(max(int(v*HistBins), 0), HistBins-1)]++
				}
			}
		}
	}
}

// transpose writes the n×w row-major src into the unit-major dst (w rows of
// stride T) at columns t0…t0+n−1, in blocks of transposeBlock steps that stay
// in cache, each first widened to float64 in buf (transposeBlock·w long), so
// that the transposition itself only moves.
func transpose[F nets.Float](dst []float64, T, t0 int, src []F, n, w int, buf []float64) {
	src = src[:n*w]
	for i0 := 0; i0 < n; i0 += transposeBlock {
		i1 := min(i0+transposeBlock, n)
		blk := buf[:(i1-i0)*w]
		widen(blk, src[i0*w:i1*w])
		j := 0
		for ; j+8 <= w; j += 8 {
			d0 := dst[j*T+t0+i0 : j*T+t0+i1]
			d1 := dst[(j+1)*T+t0+i0 : (j+1)*T+t0+i1][:len(d0)]
			d2 := dst[(j+2)*T+t0+i0 : (j+2)*T+t0+i1][:len(d0)]
			d3 := dst[(j+3)*T+t0+i0 : (j+3)*T+t0+i1][:len(d0)]
			d4 := dst[(j+4)*T+t0+i0 : (j+4)*T+t0+i1][:len(d0)]
			d5 := dst[(j+5)*T+t0+i0 : (j+5)*T+t0+i1][:len(d0)]
			d6 := dst[(j+6)*T+t0+i0 : (j+6)*T+t0+i1][:len(d0)]
			d7 := dst[(j+7)*T+t0+i0 : (j+7)*T+t0+i1][:len(d0)]
			for i := range d0 {
				r := blk[i*w+j:][:8]
				d0[i], d1[i], d2[i], d3[i] = r[0], r[1], r[2], r[3]
				d4[i], d5[i], d6[i], d7[i] = r[4], r[5], r[6], r[7]
			}
		}
		for ; j < w; j++ {
			row := dst[j*T+t0+i0 : j*T+t0+i1]
			for i := range row {
				row[i] = blk[i*w+j]
			}
		}
	}
}

// transposeBlock is how many steps transpose moves at a time: 32 rows of 128
// units in float64 are 32 KiB, inside L1 while 8 units are read out of them.
const transposeBlock = 32

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
	var best [TopK]Pred
	idx := [TopK]int{-1, -1, -1, -1, -1}
	for i, v := range e {
		if idx[TopK-1] >= 0 && v <= best[TopK-1].P {
			continue // not above the fifth
		}
		for k := range TopK {
			if idx[k] < 0 || v > best[k].P {
				copy(best[k+1:], best[k:TopK-1])
				copy(idx[k+1:], idx[k:TopK-1])
				best[k] = Pred{Rune: vocab[i], P: v}
				idx[k] = i
				break
			}
		}
	}
	for k := range best {
		best[k].P /= sum
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
