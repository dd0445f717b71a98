package nets

import (
	"fmt"
	"math"

	"github.com/rnnscope/rnnscope/nets/kernels"
)

// StepView is what an observer sees after one time step of one layer: read-only
// views of the engine's tape, valid only during the call. An observer copies what
// it keeps and never writes.
type StepView[F Float] struct {
	Layer, T, B int
	H           []F // (B, H): the new hidden state
	C           []F // (B, H): the new LSTM cell state; nil for other cells
	Gates       []F // (B, G·H): gate activations i|f|g|o or r|z|n; nil for the vanilla cell
}

// Override clamps one unit at every step of a forward pass: sampling and
// evaluation take one to show what a unit does (Value 0 ablates it). Training never
// does.
type Override struct {
	Layer int
	Cell  bool // the LSTM cell state c instead of h
	Unit  int
	Value float64
}

// Check reports whether o fits cfg.
func (o Override) Check(cfg Config) error {
	switch {
	case o.Layer < 0 || o.Layer >= cfg.Layers:
		return fmt.Errorf("override layer %d: want 0 to %d", o.Layer, cfg.Layers-1)
	case o.Unit < 0 || o.Unit >= cfg.Hidden:
		return fmt.Errorf("override unit %d: want 0 to %d", o.Unit, cfg.Hidden-1)
	case o.Cell && cfg.Cell != LSTM:
		return fmt.Errorf("override of c: only an LSTM has a cell state")
	case math.IsNaN(o.Value) || math.IsInf(o.Value, 0):
		return fmt.Errorf("override value %v: want a finite number", o.Value)
	}
	return nil
}

// State is the recurrent state carried from one chunk to the next (truncated BPTT
// carries its value, never its gradient): per layer, B rows of H.
type State[F Float] struct {
	H [][]F // [L](B·H)
	C [][]F // [L](B·H), LSTM only
}

// NewState returns the zero state h₀ = 0 (c₀ = 0) for B streams.
func NewState[F Float](cfg Config, b int) *State[F] {
	s := &State[F]{H: make([][]F, cfg.Layers)}
	for l := range s.H {
		s.H[l] = make([]F, b*cfg.Hidden)
	}
	if cfg.Cell == LSTM {
		s.C = make([][]F, cfg.Layers)
		for l := range s.C {
			s.C[l] = make([]F, b*cfg.Hidden)
		}
	}
	return s
}

// Reset returns s to the zero state.
func (s *State[F]) Reset() {
	for _, h := range s.H {
		clear(h)
	}
	for _, c := range s.C {
		clear(c)
	}
}

// CopyFrom sets s to o, which must have the same shape.
func (s *State[F]) CopyFrom(o *State[F]) {
	for l := range s.H {
		copy(s.H[l], o.H[l])
	}
	for l := range s.C {
		copy(s.C[l], o.C[l])
	}
}

// layerTape is what one layer's forward pass leaves for its backward pass.
type layerTape[F Float] struct {
	hs  []F // (T+1, B, H): hs[0] is the carried state, hs[t+1] = h after step t
	cs  []F // (T+1, B, H): LSTM cell states, same indexing
	tc  []F // (T, B, H): tanh(c), LSTM
	a   []F // (T, B, G·H): gate activations (pre-activation sums until the step runs)
	ghn []F // (T, B, H): GRU's W_hn·h₋₁ + b_hn, kept apart because r multiplies it
}

// Engine runs forward and backward passes over chunks of up to MaxT steps of B
// parallel streams. It owns a tape reused from chunk to chunk, so a training step
// allocates nothing. An Engine belongs to one goroutine.
type Engine[F Float] struct {
	cfg     Config
	P       *Params[F] // the weights it computes with
	G       *Params[F] // gradients; Backward adds to them (nil: forward only)
	maxT, b int
	t       int // steps in the last Forward

	tape    []layerTape[F]
	x       []int32 // (T, B) last inputs
	logits  []F     // (T, B, V)
	dlogits []F     // (T, B, V)

	dH       []F    // (T, B, H): ∂L/∂(layer output), from above
	dA, dAh  []F    // (T, B, G·H): ∂L/∂(gate pre-activations), input and hidden side (GRU differs)
	gh       []F    // (B, G·H): GRU hidden-side sums of one step
	dh       []F    // (B, H)
	dhnext   []F    // (B, H): ∂L/∂h₋₁ flowing to the previous step
	dcnext   []F    // (B, H): ∂L/∂c₋₁, LSTM
	scratch  []F    // (V): exponentials of a row of logits
	inTab    []F    // (V, G·H): layer 0's input columns with biases, per token, rows tabStride(G·H) apart
	inGrad   []F    // (V, G·H): layer 0's ∂L/∂(input columns), summed per token
	seen     []bool // (V): the tokens of the last chunk, for inGrad
	override *Override

	// Observe, when set, is called once per time step and layer during Forward.
	Observe func(StepView[F])
	// GradObserve, when set, is called during Backward with ∂L/∂h at each step and
	// layer (a read-only view of B·H values), from the last step down.
	GradObserve func(layer, t int, dh []F)
}

// NewEngine prepares a tape for chunks of up to maxT steps of b streams. g may be
// nil for an engine that only runs forward.
func NewEngine[F Float](cfg Config, p, g *Params[F], maxT, b int) *Engine[F] {
	if maxT < 1 || b < 1 {
		panic(fmt.Sprintf("nets: engine for %d steps of %d streams", maxT, b))
	}
	h, gh, v := cfg.Hidden, cfg.GH(), cfg.Vocab
	e := &Engine[F]{cfg: cfg, P: p, G: g, maxT: maxT, b: b,
		tape:    make([]layerTape[F], cfg.Layers),
		x:       make([]int32, maxT*b),
		logits:  make([]F, maxT*b*v),
		scratch: make([]F, v),
	}
	if maxT*b >= v {
		e.inTab = make([]F, v*tabStride(gh))
	}
	for l := range e.tape {
		tp := &e.tape[l]
		tp.hs = make([]F, (maxT+1)*b*h)
		tp.a = make([]F, maxT*b*gh)
		switch cfg.Cell {
		case LSTM:
			tp.cs = make([]F, (maxT+1)*b*h)
			tp.tc = make([]F, maxT*b*h)
		case GRU:
			tp.ghn = make([]F, maxT*b*h)
		}
	}
	if cfg.Cell == GRU {
		e.gh = make([]F, b*gh)
	}
	if g != nil {
		e.dlogits = make([]F, maxT*b*v)
		e.dH = make([]F, maxT*b*h)
		e.dA = make([]F, maxT*b*gh)
		if cfg.Cell == GRU {
			e.dAh = make([]F, maxT*b*gh)
		}
		e.dh = make([]F, b*h)
		e.dhnext = make([]F, b*h)
		e.dcnext = make([]F, b*h)
		e.inGrad = make([]F, v*gh)
		e.seen = make([]bool, v)
	}
	return e
}

// Config returns the network shape.
func (e *Engine[F]) Config() Config { return e.cfg }

// Streams is B.
func (e *Engine[F]) Streams() int { return e.b }

// MaxT is the longest chunk Forward takes.
func (e *Engine[F]) MaxT() int { return e.maxT }

// SetOverride clamps a unit in every later Forward (nil clears it). Only
// inference engines should carry one.
func (e *Engine[F]) SetOverride(o *Override) { e.override = o }

// Logits returns the scores of step t, stream b of the last Forward (a view).
func (e *Engine[F]) Logits(t, b int) []F {
	v := e.cfg.Vocab
	i := (t*e.b + b) * v
	return e.logits[i : i+v]
}

// Hidden returns h after step t for stream b in layer l of the last Forward.
func (e *Engine[F]) Hidden(l, t, b int) []F {
	h := e.cfg.Hidden
	i := ((t+1)*e.b + b) * h
	return e.tape[l].hs[i : i+h]
}

// Tape returns time-major views of layer l in the last Forward: h and c after
// each step, (T, B, H) (c is nil unless the cell is an LSTM), and the gate
// activations, (T, B, G·H) (nil for the vanilla cell).
func (e *Engine[F]) Tape(l int) (h, c, gates []F) {
	bh := e.b * e.cfg.Hidden
	tp := &e.tape[l]
	h = tp.hs[bh : (e.t+1)*bh]
	if e.cfg.Cell == LSTM {
		c = tp.cs[bh : (e.t+1)*bh]
	}
	if e.cfg.Cell != RNN {
		gates = tp.a[:e.t*e.b*e.cfg.GH()]
	}
	return h, c, gates
}

// tanhV sets dst = tanh(src) element by element, vectorised.
func tanhV[F Float](dst, src []F) {
	switch d := any(dst).(type) {
	case []float64:
		kernels.Tanh(d, any(src).([]float64))
	case []float32:
		kernels.Tanh32(d, any(src).([]float32))
	}
}

// Forward runs T = len(x)/B steps from the state st and leaves the logits of every
// step; st is advanced to the state after the last step. x is time-major: the
// token of stream b at step t is x[t·B+b].
func (e *Engine[F]) Forward(x []int32, st *State[F]) {
	b, h, gh, v := e.b, e.cfg.Hidden, e.cfg.GH(), e.cfg.Vocab
	T := len(x) / b
	if T < 1 || T > e.maxT || T*b != len(x) {
		panic(fmt.Sprintf("nets: Forward of %d tokens on an engine for %d×%d", len(x), e.maxT, b))
	}
	e.t = T
	copy(e.x, x)
	bh := b * h
	for l := range e.tape {
		tp, lp := &e.tape[l], &e.P.Layers[l]
		copy(tp.hs[:bh], st.H[l])
		if e.cfg.Cell == LSTM {
			copy(tp.cs[:bh], st.C[l])
		}
		a := tp.a[:T*b*gh]
		// Input side for all steps at once: a = W_ih·x + b_ih (+ b_hh, except GRU).
		tabled := l == 0 && T*b >= v
		if tabled {
			// Enough rows to pay for a table: column tok of W_ih with the
			// biases already added (in the same order, so the same bits), one
			// contiguous row per token.
			tab, ts := e.inTab, tabStride(gh)
			wih := lp.Wih.Data
			// W_ih is (G·H, V): a block of tabBlock tokens at a time, so
			// that each row of W_ih is read contiguously and the block's
			// rows of the table are written in step.
			for t0 := 0; t0 < v; t0 += tabBlock {
				t1 := min(t0+tabBlock, v)
				for j, bi := range lp.Bih {
					for tok, w := range wih[j*v+t0 : j*v+t1] {
						tab[(t0+tok)*ts+j] = w + bi
					}
				}
			}
			if e.cfg.Cell != GRU {
				for tok := range v {
					trow := tab[tok*ts : tok*ts+gh]
					kernels.Add(trow, trow, lp.Bhh)
				}
			}
			for r, tok := range x {
				copy(a[r*gh:(r+1)*gh], tab[int(tok)*ts:])
			}
		} else if l == 0 {
			wih := lp.Wih.Data
			for r, tok := range x {
				row := a[r*gh : (r+1)*gh]
				for j := range row {
					row[j] = wih[j*v+int(tok)] // one-hot input: a column read
				}
			}
		} else {
			in := e.tape[l-1].hs[bh : (T+1)*bh]
			gemmNT(T*b, gh, h, in, h, lp.Wih.Data, h, 0, a, gh)
		}
		if !tabled { // (the table already holds the biases)
			for r := range T * b {
				row := a[r*gh : (r+1)*gh]
				for j := range row {
					row[j] += lp.Bih[j]
				}
				if e.cfg.Cell != GRU {
					for j := range row {
						row[j] += lp.Bhh[j]
					}
				}
			}
		}
		for t := range T {
			at := a[t*b*gh : (t+1)*b*gh]
			hprev := tp.hs[t*bh : (t+1)*bh]
			hnew := tp.hs[(t+1)*bh : (t+2)*bh]
			var cnew []F
			switch e.cfg.Cell {
			case RNN:
				gemmNT(b, h, h, hprev, h, lp.Whh.Data, h, 1, at, h) // a += W_hh·h₋₁
				tanhV(hnew, at)                                     // h = tanh(a)
			case LSTM:
				gemmNT(b, gh, h, hprev, h, lp.Whh.Data, h, 1, at, gh) // a += W_hh·h₋₁
				cprev := tp.cs[t*bh : (t+1)*bh]
				cnew = tp.cs[(t+1)*bh : (t+2)*bh]
				tc := tp.tc[t*bh : (t+1)*bh]
				for s := range b {
					// i, f, o = σ(·), g = tanh(·); c = f⊙c₋₁ + i⊙g; h = o⊙tanh(c)
					u := s * h
					kernels.LSTMForward(at[s*gh:(s+1)*gh], cprev[u:u+h], cnew[u:u+h], tc[u:u+h], hnew[u:u+h])
				}
			case GRU:
				for s := range b {
					copy(e.gh[s*gh:(s+1)*gh], lp.Bhh) // gh = b_hh
				}
				gemmNT(b, gh, h, hprev, h, lp.Whh.Data, h, 1, e.gh, gh) //    + W_hh·h₋₁
				ghn := tp.ghn[t*bh : (t+1)*bh]
				for s := range b {
					// r, z = σ(W_i x + b_i + W_h h + b_h); n = tanh(W_in x + b_in
					// + r⊙(W_hn h + b_hn)), keeping W_hn h + b_hn; h = (1−z)⊙n + z⊙h₋₁
					u := s * h
					kernels.GRUForward(at[s*gh:(s+1)*gh], e.gh[s*gh:(s+1)*gh], ghn[u:u+h], hprev[u:u+h], hnew[u:u+h])
				}
			}
			if o := e.override; o != nil && o.Layer == l {
				e.clamp(o, at, cnew, hnew, tp, t)
			}
			if e.Observe != nil {
				sv := StepView[F]{Layer: l, T: t, B: b, H: hnew, C: cnew}
				if e.cfg.Cell != RNN {
					sv.Gates = at
				}
				e.Observe(sv)
			}
		}
		copy(st.H[l], tp.hs[T*bh:(T+1)*bh])
		if e.cfg.Cell == LSTM {
			copy(st.C[l], tp.cs[T*bh:(T+1)*bh])
		}
	}
	// Head: logits = W_head·h_top + b_head, for all steps at once.
	top := e.tape[len(e.tape)-1].hs[bh : (T+1)*bh]
	lg := e.logits[:T*b*v]
	for r := range T * b {
		copy(lg[r*v:(r+1)*v], e.P.Bhead)
	}
	gemmNT(T*b, v, h, top, h, e.P.Whead.Data, h, 1, lg, v)
}

// clamp applies an override after a step: a clamped c also fixes h = o⊙tanh(c).
func (e *Engine[F]) clamp(o *Override, at, cnew, hnew []F, tp *layerTape[F], t int) {
	h, gh := e.cfg.Hidden, e.cfg.GH()
	for s := range e.b {
		k := s*h + o.Unit
		if o.Cell && cnew != nil {
			cnew[k] = F(o.Value)
			tch := math.Tanh(o.Value)
			tp.tc[t*e.b*h+k] = F(tch)
			hnew[k] = F(float64(at[s*gh+3*h+o.Unit]) * tch)
		} else {
			hnew[k] = F(o.Value)
		}
	}
}

// Loss returns the mean softmax cross-entropy, in nats, of the targets y (laid out
// like Forward's x) against the last Forward's logits, and leaves its gradient
// with respect to the logits ready for Backward.
func (e *Engine[F]) Loss(y []int32) float64 { return e.LossOver(y, len(y)) }

// LossOver is Loss for a part of a larger batch of total positions: it returns
// the sum of this part's losses divided by total, and scales the gradient the
// same way, so that the parts' gradients add up to the whole batch's.
func (e *Engine[F]) LossOver(y []int32, total int) float64 {
	v := e.cfg.Vocab
	n := e.t * e.b
	if len(y) != n || total < n {
		panic(fmt.Sprintf("nets: %d targets for %d positions of %d", len(y), n, total))
	}
	sum := 0.0
	inv := 1 / float64(total)
	// Per row the loss m + log Σ exp(s − m) − s_y, with m the row's largest
	// logit, and the gradient exp(s − m)/Σ/n − onehot/n from the same
	// exponentials, written straight into ∂L/∂logits.
	for r := range n {
		row := e.logits[r*v : (r+1)*v]
		x := e.scratch
		if e.dlogits != nil {
			x = e.dlogits[r*v : (r+1)*v]
		}
		m := kernels.Max(row)
		z := kernels.ExpSum(x, row, m)
		tgt := y[r]
		lse := float64(m) + math.Log(z)
		sum += lse - float64(row[tgt])
		if e.dlogits != nil {
			k := F(inv / z)
			for j := range x {
				x[j] *= k // softmax / n
			}
			x[tgt] -= F(inv) // − onehot / n
		}
	}
	return sum * inv
}

// tabBlock is how many tokens at a time Forward moves from W_ih to its table.
const tabBlock = 16

// tabStride is the distance between rows of the input table: a row of G·H
// plus a cache line or two, so that the tabBlock rows written together do not
// fall into one cache set (G·H = 512 float64s is 4 KiB).
func tabStride(gh int) int { return gh + 16 }

// LossAt returns −log p(y) at step t of stream b of the last Forward, in nats.
func (e *Engine[F]) LossAt(t, b int, y int32) float64 {
	row := e.Logits(t, b)
	return e.logSumExp(row) - float64(row[y])
}

// logSumExp is log Σ exp(row), stably, through the engine's scratch row.
func (e *Engine[F]) logSumExp(row []F) float64 {
	m := kernels.Max(row)
	return float64(m) + math.Log(kernels.ExpSum(e.scratch[:len(row)], row, m))
}

// DLogits is ∂L/∂logits of the last Forward ((T, B, V), a view). Loss fills it;
// callers computing another loss (such as the gradient-flow probe) may write it
// before Backward.
func (e *Engine[F]) DLogits() []F { return e.dlogits[:e.t*e.b*e.cfg.Vocab] }

// Backward adds to G the gradient of the loss whose ∂L/∂logits is in DLogits,
// through the last Forward. Gradient stops at the chunk's first step (truncated
// BPTT).
func (e *Engine[F]) Backward() {
	if e.G == nil {
		panic("nets: Backward on a forward-only engine")
	}
	T, b, h, gh, v := e.t, e.b, e.cfg.Hidden, e.cfg.GH(), e.cfg.Vocab
	n, bh := T*b, b*h
	L := len(e.tape)
	g := e.G
	// Head: dW_head += dlogitsᵀ·h_top, db_head += Σ dlogits, dH = dlogits·W_head.
	top := e.tape[L-1].hs[bh : (T+1)*bh]
	dl := e.dlogits[:n*v]
	gemmTN(v, h, n, dl, v, top, h, 1, g.Whead.Data, h)
	addRows(g.Bhead, dl, n)
	dH := e.dH[:n*h]
	gemmNN(n, h, v, dl, v, e.P.Whead.Data, h, 0, dH, h)

	for l := L - 1; l >= 0; l-- {
		tp, lp, lg := &e.tape[l], &e.P.Layers[l], &g.Layers[l]
		dA := e.dA[:n*gh]
		dAh := dA // ∂L/∂(hidden-side sums): the same as the input side except in a GRU
		if e.cfg.Cell == GRU {
			dAh = e.dAh[:n*gh]
		}
		clear(e.dhnext)
		clear(e.dcnext)
		for t := T - 1; t >= 0; t-- {
			dh := e.dh
			kernels.Add(dh, dH[t*bh:(t+1)*bh], e.dhnext) // from above + from the next step
			if e.GradObserve != nil {
				e.GradObserve(l, t, dh)
			}
			at := tp.a[t*b*gh : (t+1)*b*gh]
			dat := dA[t*b*gh : (t+1)*b*gh]
			hnew := tp.hs[(t+1)*bh : (t+2)*bh]
			switch e.cfg.Cell {
			case RNN:
				for i, y := range hnew {
					dat[i] = dh[i] * (1 - y*y) // tanh'
				}
				gemmNN(b, h, h, dat, h, lp.Whh.Data, h, 0, e.dhnext, h) // dh₋₁ = W_hhᵀ·da
			case LSTM:
				cprev := tp.cs[t*bh : (t+1)*bh]
				tc := tp.tc[t*bh : (t+1)*bh]
				for s := range b {
					// through h = o⊙tanh(c) and c = f⊙c₋₁ + i⊙g to the gates'
					// pre-activations, and dc₋₁ = dc⊙f
					u := s * h
					kernels.LSTMBackward(at[s*gh:(s+1)*gh], dat[s*gh:(s+1)*gh], tc[u:u+h], cprev[u:u+h], dh[u:u+h], e.dcnext[u:u+h])
				}
				gemmNN(b, h, gh, dat, gh, lp.Whh.Data, h, 0, e.dhnext, h) // dh₋₁ = W_hhᵀ·da
			case GRU:
				hprev := tp.hs[t*bh : (t+1)*bh]
				ghn := tp.ghn[t*bh : (t+1)*bh]
				daht := dAh[t*b*gh : (t+1)*b*gh]
				for s := range b {
					// through h = (1−z)⊙n + z⊙h₋₁, n's tanh and r⊙(W_hn h + b_hn)
					// to both sides' sums, and the direct path to h₋₁
					u := s * h
					kernels.GRUBackward(at[s*gh:(s+1)*gh], dat[s*gh:(s+1)*gh], daht[s*gh:(s+1)*gh],
						ghn[u:u+h], hprev[u:u+h], dh[u:u+h], e.dhnext[u:u+h])
				}
				gemmNN(b, h, gh, daht, gh, lp.Whh.Data, h, 1, e.dhnext, h) // dh₋₁ += W_hhᵀ·da_h
			}
		}
		// Weight gradients of the whole chunk at once.
		gemmTN(gh, h, n, dAh, gh, tp.hs[:n*h], h, 1, lg.Whh.Data, h) // dW_hh += daᵀ·h₋₁
		addRows(lg.Bhh, dAh, n)
		addRows(lg.Bih, dA, n)
		if l == 0 {
			// dW_ih[:, x] += da: summed per token in a contiguous row first,
			// then added to the token's column.
			sums, seen := e.inGrad, e.seen
			clear(seen)
			for r, tok := range e.x[:n] {
				row, sum := dA[r*gh:(r+1)*gh], sums[int(tok)*gh:(int(tok)+1)*gh]
				if !seen[tok] {
					seen[tok] = true
					copy(sum, row)
				} else {
					kernels.Add(sum, sum, row)
				}
			}
			wih := lg.Wih.Data
			for tok, ok := range seen {
				if ok {
					for j, d := range sums[tok*gh : (tok+1)*gh] {
						wih[j*v+tok] += d
					}
				}
			}
		} else {
			in := e.tape[l-1].hs[bh : (T+1)*bh]
			gemmTN(gh, h, n, dA, gh, in, h, 1, lg.Wih.Data, h) // dW_ih += daᵀ·x
			gemmNN(n, h, gh, dA, gh, lp.Wih.Data, h, 0, dH, h) // dx = W_ihᵀ·da, to the layer below
		}
	}
}

// addRows adds the n rows of m (each len(dst) wide) to dst, one after another.
func addRows[F Float](dst, m []F, n int) {
	w := len(dst)
	for r := range n {
		kernels.Add(dst, dst, m[r*w:(r+1)*w])
	}
}
