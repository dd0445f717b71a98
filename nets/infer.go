package nets

import (
	"math"
	"math/rand/v2"
)

// Evaluator measures the loss of a network on a text read as one stream from
// h₀ = 0, each character predicted from all the characters before it.
type Evaluator struct {
	eng   *Engine[float64]
	st    *State[float64]
	prev  int32 // the last token fed, −1 before the first
	total float64
	n     int64
	x     []int32
}

// evalChunk is how many steps an Evaluator runs per Forward.
const evalChunk = 128

// NewEvaluator evaluates the weights p (read at each call, so it follows training).
func NewEvaluator(cfg Config, p *Params[float64]) *Evaluator {
	ev := &Evaluator{eng: NewEngine(cfg, p, nil, evalChunk, 1), st: NewState[float64](cfg, 1),
		x: make([]int32, 0, evalChunk)}
	ev.Reset()
	return ev
}

// SetOverride clamps a unit during evaluation (nil clears it).
func (ev *Evaluator) SetOverride(o *Override) { ev.eng.SetOverride(o) }

// Reset starts a new stream from the zero state.
func (ev *Evaluator) Reset() {
	ev.st.Reset()
	ev.prev, ev.total, ev.n = -1, 0, 0
}

// Add continues the stream with ids: each is predicted from everything fed
// before it (the very first token of a stream is only read).
func (ev *Evaluator) Add(ids []int32) {
	for len(ids) > 0 {
		x := ev.x[:0]
		if ev.prev >= 0 {
			x = append(x, ev.prev)
		}
		k := min(len(ids), evalChunk-len(x))
		x = append(x, ids[:k]...)
		ids = ids[k:]
		ev.prev = x[len(x)-1]
		if len(x) < 2 {
			continue
		}
		in := x[:len(x)-1]
		ev.eng.Forward(in, ev.st)
		for t := range in {
			ev.total += ev.eng.LossAt(t, 0, x[t+1])
		}
		ev.n += int64(len(in))
	}
}

// Mean is the mean loss in nats per predicted character so far, and how many were
// predicted (NaN before the second token).
func (ev *Evaluator) Mean() (nats float64, n int64) {
	if ev.n == 0 {
		return math.NaN(), 0
	}
	return ev.total / float64(ev.n), ev.n
}

// Loss returns the mean cross-entropy in nats of predicting ids[1:], one stream
// from the zero state. Fewer than two tokens give NaN.
func (ev *Evaluator) Loss(ids []int32) float64 {
	ev.Reset()
	ev.Add(ids)
	nats, _ := ev.Mean()
	return nats
}

// Sampler generates text from a network one character at a time.
type Sampler struct {
	cfg   Config
	eng   *Engine[float64]
	st    *State[float64]
	rng   *rand.Rand
	probs []float64
	fed   bool
}

// NewSampler samples from the weights p (read at each step, so it follows
// training) with its own random stream.
func NewSampler(cfg Config, p *Params[float64], rng *rand.Rand) *Sampler {
	return &Sampler{cfg: cfg, eng: NewEngine(cfg, p, nil, 1, 1), st: NewState[float64](cfg, 1),
		rng: rng, probs: make([]float64, cfg.Vocab)}
}

// SetOverride clamps a unit while sampling (nil clears it).
func (s *Sampler) SetOverride(o *Override) { s.eng.SetOverride(o) }

// Reset returns to the zero state.
func (s *Sampler) Reset() { s.st.Reset(); s.fed = false }

// Feed advances the state by one token.
func (s *Sampler) Feed(tok int32) {
	x := [1]int32{tok}
	s.eng.Forward(x[:], s.st)
	s.fed = true
}

// Probs returns the next-token distribution at temperature temp after the tokens
// fed so far (a view, valid until the next call).
func (s *Sampler) Probs(temp float64) []float64 {
	lg := s.eng.Logits(0, 0)
	if temp <= 0 {
		temp = 1
	}
	m := math.Inf(-1)
	for _, v := range lg {
		m = max(m, v/temp)
	}
	sum := 0.0
	for i, v := range lg {
		s.probs[i] = math.Exp(v/temp - m)
		sum += s.probs[i]
	}
	for i := range s.probs {
		s.probs[i] /= sum
	}
	return s.probs
}

// Next draws the next token (the most likely one when argmax is set), feeds it and
// returns it. At least one token must have been fed.
func (s *Sampler) Next(temp float64, argmax bool) int32 {
	if !s.fed {
		panic("nets: Sampler.Next before Feed")
	}
	p := s.Probs(temp)
	var tok int32
	if argmax {
		best := 0
		for i, v := range p {
			if v > p[best] {
				best = i
			}
		}
		tok = int32(best)
	} else {
		u := s.rng.Float64()
		tok = int32(len(p) - 1)
		for i, v := range p {
			if u < v {
				tok = int32(i)
				break
			}
			u -= v
		}
	}
	s.Feed(tok)
	return tok
}
