package nets

import (
	"math"
	"math/rand/v2"
	"testing"
)

// loop is a Stream over a fixed token sequence, wrapping around.
type loop struct {
	ids []int32
	pos int
}

func (l *loop) Read(dst []int32) {
	for i := range dst {
		dst[i] = l.ids[l.pos]
		l.pos = (l.pos + 1) % len(l.ids)
	}
}

// pattern is a learnable token sequence: "abcab" style repeats with a counter, so
// a network must use its state to predict it.
func pattern(n, v int) []int32 {
	ids := make([]int32, n)
	for i := range ids {
		ids[i] = int32((i*i/3 + i/7) % v)
	}
	return ids
}

func streams(ids []int32, b int) []Stream {
	s := make([]Stream, b)
	for i := range s {
		s[i] = &loop{ids: ids, pos: i * len(ids) / b}
	}
	return s
}

func newTestTrainer(t testing.TB, cell Cell, h, layers, seq, batch int, seed uint64) *Trainer {
	t.Helper()
	cfg := Config{Cell: cell, Vocab: 11, Hidden: h, Layers: layers}
	p := NewParams[float64](cfg)
	Init(cfg, p, rand.New(rand.NewPCG(seed, 1)), 0)
	tr, err := NewTrainer(cfg, p, TrainConfig{Seq: seq, Batch: batch, Optimizer: "adam", LR: 1e-2, Clip: 5},
		streams(pattern(997, 11), batch))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestTrainingLowersTheLoss(t *testing.T) {
	for _, cell := range Cells() {
		t.Run(cell.String(), func(t *testing.T) {
			tr := newTestTrainer(t, cell, 24, 2, 16, 4, 1)
			first := tr.Step().Loss
			var last float64
			for range 300 {
				last = tr.Step().Loss
			}
			// At init the loss is near ln 11 = 2.40 nats; the pattern is learnable.
			if !(first > 2.2) || !(last < 0.6*first) {
				t.Fatalf("loss %.3f → %.3f after 300 steps, want below %.3f", first, last, 0.6*first)
			}
			t.Logf("loss %.3f → %.3f", first, last)
		})
	}
}

func TestSameSeedGivesIdenticalWeights(t *testing.T) {
	run := func() []float64 {
		tr := newTestTrainer(t, LSTM, 16, 2, 8, 3, 42)
		for range 20 {
			tr.Step()
		}
		return tr.P.Mem
	}
	a, b := run(), run()
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			t.Fatalf("weights differ at %d: %v vs %v", i, a[i], b[i])
		}
	}
}

func TestStepAllocatesNothing(t *testing.T) {
	for _, cell := range Cells() {
		tr := newTestTrainer(t, cell, 16, 2, 8, 3, 1)
		tr.Step()
		if n := testing.AllocsPerRun(20, func() { tr.Step() }); n != 0 {
			t.Errorf("%s: %.1f allocations per step, want 0", cell, n)
		}
	}
}

func TestANaNLossLeavesTheWeightsAlone(t *testing.T) {
	tr := newTestTrainer(t, GRU, 8, 1, 4, 2, 1)
	tr.Step()
	before := append([]float64(nil), tr.P.Mem...)
	tr.P.Whead.Data[0] = math.NaN() // poison one weight: the loss turns NaN
	before[tr.Config.Tensors()[4].Offset] = math.NaN()
	st := tr.Step()
	if !st.Bad || !math.IsNaN(st.Loss) {
		t.Fatalf("step stats %+v, want Bad with a NaN loss", st)
	}
	for i := range before {
		if math.Float64bits(before[i]) != math.Float64bits(tr.P.Mem[i]) {
			t.Fatalf("weight %s changed on a bad step", tr.Config.Locate(i))
		}
	}
	if tr.Steps != 1 {
		t.Fatalf("%d steps counted, want 1", tr.Steps)
	}
}

func TestEvaluatorMatchesTheTrainingLossOfOneStream(t *testing.T) {
	// One stream, one chunk covering the text: the training loss (before the update)
	// and the evaluator's loss see the same predictions from the zero state.
	for _, cell := range Cells() {
		ids := pattern(41, 11)
		tr := newTestTrainer(t, cell, 12, 2, 40, 1, 3)
		if err := tr.SetStreams([]Stream{&loop{ids: ids}}, nil); err != nil {
			t.Fatal(err)
		}
		ev := NewEvaluator(tr.Config, tr.P)
		want := ev.Loss(ids)
		got := tr.Step().Loss
		if math.Abs(got-want) > 1e-12*math.Abs(want) {
			t.Errorf("%s: training loss %.15g, evaluator %.15g", cell, got, want)
		}
	}
}

func TestOverrideClampsTheUnit(t *testing.T) {
	cfg := Config{Cell: LSTM, Vocab: 6, Hidden: 5, Layers: 2}
	p := NewParams[float64](cfg)
	Init(cfg, p, rand.New(rand.NewPCG(1, 2)), 0)
	e := NewEngine(cfg, p, nil, 4, 1)
	e.SetOverride(&Override{Layer: 1, Cell: true, Unit: 3, Value: 0.75})
	var seen int
	e.Observe = func(v StepView[float64]) {
		if v.Layer != 1 {
			return
		}
		seen++
		if v.C[3] != 0.75 {
			t.Errorf("step %d: c3 = %v, want 0.75", v.T, v.C[3])
		}
		o := v.Gates[3*5+3]
		if want := o * math.Tanh(0.75); math.Abs(v.H[3]-want) > 1e-15 {
			t.Errorf("step %d: h3 = %v, want o·tanh(0.75) = %v", v.T, v.H[3], want)
		}
	}
	e.Forward([]int32{1, 2, 3, 4}, NewState[float64](cfg, 1))
	if seen != 4 {
		t.Fatalf("observer saw %d steps of layer 1, want 4", seen)
	}
	if err := (Override{Layer: 0, Cell: true, Unit: 0}).Check(Config{Cell: GRU, Vocab: 3, Hidden: 2, Layers: 1}); err == nil {
		t.Fatal("a c override on a GRU was accepted")
	}
}

// TestFloat32MatchesFloat64 trains the same network in single and double
// precision: the first step's gradients agree to a relative 1e-4 (norm-wise) and
// after 200 steps the losses differ by less than 1%.
func TestFloat32MatchesFloat64(t *testing.T) {
	for _, cell := range Cells() {
		mk := func(f32 bool) *Trainer {
			tr := newTestTrainer(t, cell, 24, 2, 16, 4, 7)
			cfg := tr.Train
			cfg.Float32 = f32
			tr2, err := NewTrainer(tr.Config, tr.P, cfg, streams(pattern(997, 11), 4))
			if err != nil {
				t.Fatal(err)
			}
			return tr2
		}
		a, b := mk(false), mk(true)
		a.Step()
		b.Step()
		var diff, norm float64
		for i := range a.G.Mem {
			d := a.G.Mem[i] - b.G.Mem[i]
			diff += d * d
			norm += a.G.Mem[i] * a.G.Mem[i]
		}
		if rel := math.Sqrt(diff / norm); rel > 1e-4 {
			t.Fatalf("%s: float32 gradient differs by %.2g (relative, norm-wise)", cell, rel)
		}
		var la, lb float64
		for range 200 {
			la, lb = a.Step().Loss, b.Step().Loss
		}
		if math.Abs(la-lb) > 0.01*la {
			t.Fatalf("%s: after 200 steps float64 loss %.4f, float32 %.4f", cell, la, lb)
		}
		t.Logf("%s: after 200 steps float64 loss %.4f, float32 %.4f", cell, la, lb)
		if n := testing.AllocsPerRun(20, func() { b.Step() }); n != 0 {
			t.Errorf("%s: float32 step allocates %.1f times", cell, n)
		}
	}
}
