// Package probe turns a network's hidden states into data a person can trust:
// recordings of every unit over held-out text, rankings of units against
// ground-truth labels with honest baselines, plain-words verdicts, gate saturation
// and gradient flow. It never trains or draws, and its results are immutable once
// returned, so a UI may read them from another goroutine without locks.
package probe

import (
	"fmt"
	"math"

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
type Recorder struct {
	cfg   nets.Config
	eng   *nets.Engine[float64]
	st    *nets.State[float64]
	vocab []rune
	// time-major buffers of one chunk, per layer: h, c and gates
	tmH, tmC, tmG [][]float64
	probs         []float64
}

// recordChunk is how many steps the recorder runs per forward pass.
const recordChunk = 256

// NewRecorder records the network with weights p (read at each Record, so it
// follows training); vocab maps token ids to characters.
func NewRecorder(cfg nets.Config, p *nets.Params[float64], vocab []rune) *Recorder {
	return &Recorder{cfg: cfg, eng: nets.NewEngine(cfg, p, nil, recordChunk, 1),
		st: nets.NewState[float64](cfg, 1), vocab: vocab}
}

// Record reads ids from the zero state, the first warmup of them unscored, and
// records the rest. text holds the characters of ids (the corpus's own, so that
// labels see the real text even where ids hold the unknown token). o, when set,
// clamps a unit throughout.
func (rc *Recorder) Record(ids []int32, text []rune, warmup int, o *nets.Override) *Recording {
	cfg := rc.cfg
	h, gh := cfg.Hidden, cfg.GH()
	T := len(ids) - warmup
	if T < 1 || len(text) != len(ids) {
		panic(fmt.Sprintf("probe: Record of %d ids, %d characters, warm-up %d", len(ids), len(text), warmup))
	}
	r := &Recording{Config: cfg, Text: text[warmup:], IDs: ids[warmup:], T: T,
		Loss: make([]float64, T), Top: make([][TopK]Pred, T), Override: o}
	for l := range cfg.Layers {
		r.Groups = append(r.Groups, Group{Layer: l, Acts: make([]float64, h*T)})
	}
	if cfg.Cell == nets.LSTM {
		for l := range cfg.Layers {
			r.Groups = append(r.Groups, Group{Layer: l, Cell: true, Acts: make([]float64, h*T)})
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
	rc.eng.SetOverride(o)
	defer rc.eng.SetOverride(nil)
	rc.st.Reset()
	// The observer copies each step into time-major chunk buffers (sequential
	// writes); after each chunk they are transposed, block by block, into the
	// unit-major recording.

	if len(rc.tmH) != cfg.Layers {
		rc.tmH, rc.tmC, rc.tmG = make([][]float64, cfg.Layers), make([][]float64, cfg.Layers), make([][]float64, cfg.Layers)
		for l := range cfg.Layers {
			rc.tmH[l] = make([]float64, recordChunk*h)
			rc.tmC[l] = make([]float64, recordChunk*h)
			rc.tmG[l] = make([]float64, recordChunk*gh)
		}
		rc.probs = make([]float64, cfg.Vocab)
	}
	rc.eng.Observe = func(v nets.StepView[float64]) {
		copy(rc.tmH[v.Layer][v.T*h:], v.H)
		if v.C != nil {
			copy(rc.tmC[v.Layer][v.T*h:], v.C)
		}
		if v.Gates != nil {
			copy(rc.tmG[v.Layer][v.T*gh:], v.Gates)
		}
	}
	defer func() { rc.eng.Observe = nil }()
	probs := rc.probs
	for base := 0; base < len(ids); base += recordChunk {
		x := ids[base:min(base+recordChunk, len(ids))]
		rc.eng.Forward(x, rc.st)
		// Steps from0… of this chunk are scored, at recording steps t0…
		from0 := max(warmup-base, 0)
		if from0 < len(x) {
			t0, n := base+from0-warmup, len(x)-from0
			for l := range cfg.Layers {
				transpose(r.Groups[l].Acts, T, t0, rc.tmH[l][from0*h:], n, h)
				if cfg.Cell == nets.LSTM {
					transpose(r.Groups[cfg.Layers+l].Acts, T, t0, rc.tmC[l][from0*h:], n, h)
				}
				if perLayer > 0 {
					sat := r.Saturation[l*perLayer : (l+1)*perLayer]
					countSaturation(sat, satOf, rc.tmG[l][from0*gh:(from0+n)*gh], h)
				}
			}
		}
		for k := range x {
			t := base + k - warmup
			if t < 0 {
				continue
			}
			softmax(probs, rc.eng.Logits(k, 0))
			r.Top[t] = topK(probs, rc.vocab)
			if g := base + k + 1; g < len(ids) {
				r.Loss[t] = -math.Log(probs[ids[g]])
			} else {
				r.Loss[t] = math.NaN()
			}
		}
	}
	for i := range r.Saturation {
		s := &r.Saturation[i]
		for u := range s.Low {
			s.Low[u] /= float64(T)
			s.High[u] /= float64(T)
		}
		for b := range s.Hist {
			s.Hist[b] /= float64(h * T)
		}
	}
	return r
}

// countSaturation adds n steps of time-major gate activations (n × G·H) to the
// counts of the layer's sigmoid gates: below 0.1, above 0.9, and the histogram.
func countSaturation(sat []Saturation, satOf []int, acts []float64, h int) {
	gh := len(satOf) * h
	for k := 0; k+gh <= len(acts); k += gh {
		row := acts[k : k+gh]
		for b, si := range satOf {
			if si < 0 {
				continue
			}
			s := &sat[si]
			for u, v := range row[b*h : (b+1)*h] {
				if v < 0.1 {
					s.Low[u]++
				} else if v > 0.9 {
					s.High[u]++
				}
				s.Hist[min(max(int(v*HistBins), 0), HistBins-1)]++
			}
		}
	}
}

// transpose writes the n×w row-major src into the unit-major dst (w rows of
// stride T) at columns t0…t0+n−1, in blocks that stay in cache.
func transpose(dst []float64, T, t0 int, src []float64, n, w int) {
	const blk = 16
	src = src[:n*w]
	for i0 := 0; i0 < n; i0 += blk {
		i1 := min(i0+blk, n)
		for j0 := 0; j0 < w; j0 += blk {
			j1 := min(j0+blk, w)
			for j := j0; j < j1; j++ {
				row := dst[j*T+t0+i0 : j*T+t0+i1]
				s := src[i0*w+j:]
				for i := range row {
					row[i] = s[i*w]
				}
			}
		}
	}
}

func softmax(dst, logits []float64) {
	m := math.Inf(-1)
	for _, v := range logits {
		m = max(m, v)
	}
	for i, v := range logits {
		dst[i] = v - m
	}
	kernels.Exp(dst, dst)
	sum := 0.0
	for _, v := range dst {
		sum += v
	}
	for i := range dst {
		dst[i] /= sum
	}
}

// topK picks the TopK most likely tokens, ties by smaller id.
func topK(p []float64, vocab []rune) [TopK]Pred {
	var best [TopK]Pred
	idx := [TopK]int{-1, -1, -1, -1, -1}
	for i, v := range p {
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
