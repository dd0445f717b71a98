package nets

import (
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/rnnscope/rnnscope/nets/kernels"
)

// Stream supplies one batch row's tokens. Read always fills dst: a corpus wraps
// around or generates text forever.
type Stream interface {
	Read(dst []int32)
}

// TrainConfig is how a Trainer steps.
type TrainConfig struct {
	Seq       int // T, truncation length
	Batch     int // B, parallel streams
	Optimizer string
	LR        float64
	Clip      float64 // max gradient norm; 0 disables clipping
	// Float32 computes the passes in single precision (about twice as fast);
	// the weights, the optimiser, clipping and checkpoints stay float64.
	Float32 bool
}

// Validate reports the first value out of range, naming its flag.
func (tc TrainConfig) Validate() error {
	switch {
	case tc.Seq < 1 || tc.Seq > 100000:
		return fmt.Errorf("--seq %d: want 1 to 100000", tc.Seq)
	case tc.Batch < 1 || tc.Batch > 4096:
		return fmt.Errorf("--batch %d: want 1 to 4096", tc.Batch)
	case tc.Seq*tc.Batch > 1<<22:
		return fmt.Errorf("--seq %d × --batch %d: want at most %d characters per step", tc.Seq, tc.Batch, 1<<22)
	case !(tc.LR > 0) || tc.LR > 100 || math.IsInf(tc.LR, 0):
		return fmt.Errorf("--lr %g: want a number above 0 and at most 100", tc.LR)
	case !(tc.Clip >= 0) || math.IsInf(tc.Clip, 0):
		return fmt.Errorf("--clip %g: want 0 (off) or a positive number", tc.Clip)
	}
	if _, err := NewOptim(tc.Optimizer, 0, tc.LR); err != nil {
		return err
	}
	return nil
}

// StepStats describes one training step.
type StepStats struct {
	Loss     float64 // mean cross-entropy of the chunk, nats per character
	GradNorm float64 // before clipping
	Clipped  bool
	// Bad is set when the loss or the gradient was NaN or infinite: the step was
	// not applied, so the weights are still the last good ones.
	Bad bool
}

// Trainer trains a network by truncated BPTT over B streams, carrying the state
// (not its gradient) from chunk to chunk. After the first step it allocates
// nothing.
type Trainer struct {
	Config Config
	Train  TrainConfig
	P, G   *Params[float64]
	Opt    *Optim
	State  *State[float64] // carried across chunks

	Steps      int64 // optimiser steps taken
	Chars      int64 // characters trained on (T·B per step)
	ClipEvents int64 // steps whose gradient was clipped

	// The batch split in two halves when B is even, else one: float64 shards, or
	// float32 ones computing with p32, a single-precision copy of P.
	shards  []shard[float64]
	shards2 []shard[float32]
	p32     *Params[float32]
	work    chan int      // to the second shard's goroutine: train (the batch size)
	done    chan struct{} // from it: finished
	streams []Stream
	started bool    // each stream's carry token has been read
	read    []int64 // tokens read from each stream's start
	carry   []int32
	row     []int32 // T+1 tokens of one stream
}

// NewTrainer trains p (in place) on streams, one per batch row.
func NewTrainer(cfg Config, p *Params[float64], tc TrainConfig, streams []Stream) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := tc.Validate(); err != nil {
		return nil, err
	}
	if len(streams) != tc.Batch {
		return nil, fmt.Errorf("%d streams for --batch %d", len(streams), tc.Batch)
	}
	opt, err := NewOptim(tc.Optimizer, len(p.Mem), tc.LR)
	if err != nil {
		return nil, err
	}
	t, b := tc.Seq, tc.Batch
	tr := &Trainer{
		Config: cfg, Train: tc, P: p, G: NewParams[float64](cfg), Opt: opt,
		State:   NewState[float64](cfg, b),
		streams: streams,
		carry:   make([]int32, b),
		read:    make([]int64, b),
		row:     make([]int32, t+1),
	}
	// The batch always splits the same way, whatever the machine: results do
	// not depend on how many cores ran them.
	n := 1
	if b >= 2 && b%2 == 0 {
		n = 2
	}
	h := cfg.Hidden
	if tc.Float32 {
		tr.p32 = NewParams[float32](cfg)
	}
	for k := range n {
		lo, hi := k*b/n, (k+1)*b/n
		if tc.Float32 {
			sh := shard[float32]{lo: lo, hi: hi, g: NewParams[float32](cfg),
				x: make([]int32, t*(hi-lo)), y: make([]int32, t*(hi-lo)), st: NewState[float32](cfg, hi-lo)}
			sh.eng = NewEngine(cfg, tr.p32, sh.g, t, hi-lo)
			tr.shards2 = append(tr.shards2, sh)
			continue
		}
		sh := shard[float64]{lo: lo, hi: hi, g: NewParams[float64](cfg),
			x: make([]int32, t*(hi-lo)), y: make([]int32, t*(hi-lo)),
			st: &State[float64]{H: make([][]float64, cfg.Layers)}}
		if n == 1 {
			sh.g = tr.G // one shard accumulates straight into the trainer's slab
		}
		for l := range cfg.Layers {
			sh.st.H[l] = tr.State.H[l][lo*h : hi*h] // views of the carried state
		}
		if cfg.Cell == LSTM {
			sh.st.C = make([][]float64, cfg.Layers)
			for l := range cfg.Layers {
				sh.st.C[l] = tr.State.C[l][lo*h : hi*h]
			}
		}
		sh.eng = NewEngine(cfg, p, sh.g, t, hi-lo)
		tr.shards = append(tr.shards, sh)
	}
	return tr, nil
}

// shard is one part of the batch: streams lo…hi−1 with their own engine, tape
// and gradient slab. Shards run in parallel; their gradients are added in a fixed
// order.
type shard[F Float] struct {
	lo, hi int
	eng    *Engine[F]
	g      *Params[F]
	st     *State[F] // float64: views of the trainer's carried state; float32: its own
	x, y   []int32   // (T, hi−lo) time-major
	loss   float64
}

// run trains a shard's half of the step: forward, loss over the whole batch,
// backward into its own slab.
func (sh *shard[F]) run(total int) {
	clear(sh.g.Mem)
	sh.eng.Forward(sh.x, sh.st)
	sh.loss = sh.eng.LossOver(sh.y, total)
	sh.eng.Backward()
}

// span is the shard's streams and their inputs and targets.
func (sh *shard[F]) span() (lo, hi int, x, y []int32) { return sh.lo, sh.hi, sh.x, sh.y }

// startWorker starts the goroutine that trains the second shard. It holds the
// shard, not the trainer, so an abandoned trainer is collected and its cleanup
// ends the goroutine.
func (tr *Trainer) startWorker() {
	work, done := make(chan int), make(chan struct{})
	var run func(int)
	if tr.p32 != nil {
		run = tr.shards2[1].run
	} else {
		run = tr.shards[1].run
	}
	go func() {
		for total := range work {
			run(total)
			done <- struct{}{}
		}
	}()
	tr.work, tr.done = work, done
	runtime.AddCleanup(tr, func(w chan int) { close(w) }, work)
}

// SetStreams replaces the streams, which have already read read[b] tokens each
// (nil: none). When resuming, position each stream one token before where it
// stopped, so that the carry token is read again.
func (tr *Trainer) SetStreams(streams []Stream, read []int64) error {
	if len(streams) != tr.Train.Batch || (read != nil && len(read) != len(streams)) {
		return fmt.Errorf("%d streams for --batch %d", len(streams), tr.Train.Batch)
	}
	tr.streams = streams
	tr.started = false
	for b := range tr.read {
		tr.read[b] = 0
		if read != nil {
			tr.read[b] = read[b]
		}
	}
	return nil
}

// Offsets reports how many tokens each stream has read from its start.
func (tr *Trainer) Offsets() []int64 { return slices.Clone(tr.read) }

// Engine is the engine of the trainer's first shard, for observers of training.
func (tr *Trainer) Engine() *Engine[float64] { return tr.shards[0].eng }

// next fills the shards' x and y with the next chunk of every stream: x[t] is followed by y[t],
// and the last target becomes the next chunk's first input.
func (tr *Trainer) next() {
	t := tr.Train.Seq
	for s, st := range tr.streams {
		row := tr.row
		if tr.started {
			row[0] = tr.carry[s]
			st.Read(row[1:])
			tr.read[s] += int64(t)
		} else {
			st.Read(row)
			tr.read[s] += int64(t + 1)
		}
		for k := range max(len(tr.shards), len(tr.shards2)) {
			var lo, hi int
			var x, y []int32
			if tr.p32 != nil {
				lo, hi, x, y = tr.shards2[k].span()
			} else {
				lo, hi, x, y = tr.shards[k].span()
			}
			if s < lo || s >= hi {
				continue
			}
			w, j := hi-lo, s-lo
			for i := range t {
				x[i*w+j] = row[i]
				y[i*w+j] = row[i+1]
			}
		}
		tr.carry[s] = row[t]
	}
	tr.started = true
}

// Step trains on the next chunk and applies one optimiser update, unless the loss
// or the gradient is not finite: then Stats.Bad is set, the weights are unchanged
// and the carried state starts again from zero.
func (tr *Trainer) Step() StepStats {
	tr.next()
	var loss float64
	if tr.p32 != nil {
		loss = tr.step32()
	} else {
		loss = tr.step64()
	}
	norm, clipped := ClipNorm(tr.G.Mem, tr.Train.Clip)
	st := StepStats{Loss: loss, GradNorm: norm, Clipped: clipped}
	if math.IsNaN(loss) || math.IsInf(loss, 0) || math.IsNaN(norm) || math.IsInf(norm, 0) {
		st.Bad = true
		tr.State.Reset() // it may hold NaN now; the weights are untouched
		return st
	}
	tr.Opt.Step(tr.P.Mem, tr.G.Mem)
	tr.Steps++
	tr.Chars += int64(tr.Train.Seq * tr.Train.Batch)
	if clipped {
		tr.ClipEvents++
	}
	return st
}

// step64 runs the float64 shards and leaves the gradient in G.
func (tr *Trainer) step64() float64 {
	total := tr.Train.Seq * tr.Train.Batch
	if len(tr.shards) == 1 {
		tr.shards[0].run(total)
		return tr.shards[0].loss
	}
	if tr.work == nil {
		tr.startWorker()
	}
	tr.work <- total
	tr.shards[0].run(total)
	<-tr.done
	g0, g1 := tr.shards[0].g.Mem, tr.shards[1].g.Mem
	for i := range tr.G.Mem {
		tr.G.Mem[i] = g0[i] + g1[i]
	}
	return tr.shards[0].loss + tr.shards[1].loss
}

// step32 copies the weights and the carried state to single precision, runs the
// float32 shards, and brings the gradient (added in a fixed order, in float64)
// and the state back.
func (tr *Trainer) step32() float64 {
	kernels.Narrow(tr.p32.Mem, tr.P.Mem)
	h := tr.Config.Hidden
	for k := range tr.shards2 {
		sh := &tr.shards2[k]
		convertState(sh.st, tr.State, sh.lo*h, sh.hi*h)
	}
	total := tr.Train.Seq * tr.Train.Batch
	if len(tr.shards2) == 1 {
		tr.shards2[0].run(total)
	} else {
		if tr.work == nil {
			tr.startWorker()
		}
		tr.work <- total
		tr.shards2[0].run(total)
		<-tr.done
	}
	loss := 0.0
	for k := range tr.shards2 {
		sh := &tr.shards2[k]
		g := sh.g.Mem
		if k == 0 {
			kernels.Widen(tr.G.Mem, g)
		} else {
			for i := range tr.G.Mem {
				tr.G.Mem[i] += float64(g[i])
			}
		}
		loss += sh.loss
		unconvertState(tr.State, sh.st, sh.lo*h)
	}
	return loss
}

// convertState copies rows lo…hi of a float64 state into a float32 one.
func convertState(dst *State[float32], src *State[float64], lo, hi int) {
	for l := range dst.H {
		for i, v := range src.H[l][lo:hi] {
			dst.H[l][i] = float32(v)
		}
	}
	for l := range dst.C {
		for i, v := range src.C[l][lo:hi] {
			dst.C[l][i] = float32(v)
		}
	}
}

// unconvertState copies a float32 state back into rows starting at lo.
func unconvertState(dst *State[float64], src *State[float32], lo int) {
	for l := range src.H {
		for i, v := range src.H[l] {
			dst.H[l][lo+i] = float64(v)
		}
	}
	for l := range src.C {
		for i, v := range src.C[l] {
			dst.C[l][lo+i] = float64(v)
		}
	}
}

// Checkpoint captures the trainer for Save: weights, optimiser moments, carried
// state, counters and stream offsets. It shares memory with the trainer, so save
// it before the next Step.
func (tr *Trainer) Checkpoint(vocab []rune, meta map[string]string) *Checkpoint {
	return &Checkpoint{
		Config: tr.Config, Vocab: vocab, Params: tr.P,
		Steps: tr.Steps, Chars: tr.Chars, ClipEvents: tr.ClipEvents,
		Offsets: tr.Offsets(), Optim: tr.Opt, State: tr.State, Meta: meta,
	}
}

// Resume restores what ck holds of a training run: counters, and, when they fit
// this trainer, the optimiser moments (same optimiser) and the carried state (same
// batch). The weights are taken from ck.Params by the caller (they are what the
// trainer was made with). It reports what could not be restored.
func (tr *Trainer) Resume(ck *Checkpoint) (notes []string) {
	tr.Steps, tr.Chars, tr.ClipEvents = ck.Steps, ck.Chars, ck.ClipEvents
	switch {
	case ck.Optim == nil:
		notes = append(notes, "no optimiser state in the checkpoint: moments start from zero")
	case ck.Optim.Name != tr.Opt.Name:
		notes = append(notes, fmt.Sprintf("checkpoint optimiser %s, now %s: moments start from zero", ck.Optim.Name, tr.Opt.Name))
	default:
		tr.Opt.T = ck.Optim.T
		copy(tr.Opt.M, ck.Optim.M)
		copy(tr.Opt.V, ck.Optim.V)
	}
	switch {
	case ck.State == nil:
		notes = append(notes, "no carried state in the checkpoint: starting from h = 0")
	case len(ck.State.H[0]) != len(tr.State.H[0]):
		notes = append(notes, fmt.Sprintf("checkpoint batch %d, now %d: starting from h = 0",
			len(ck.State.H[0])/tr.Config.Hidden, tr.Train.Batch))
	default:
		tr.State.CopyFrom(ck.State)
	}
	return notes
}
