package probe

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/rnnscope/rnnscope/nets"
)

// smallTrio starts a comparison of three 8-unit cells on the code corpus, 2
// streams of 8 characters, gradients over lags 0…20 on 2 windows. It stops with
// the test.
func smallTrio(tb testing.TB, lockstep int, edit func(*TrioConfig)) *Trio {
	tb.Helper()
	c, held := codeHeld(tb)
	cfg := TrioConfig{Name: "code", Corpus: c, Hidden: 8, Layers: 1,
		Train: nets.TrainConfig{Seq: 8, Batch: 2, Optimizer: "adam", LR: 1e-2, Clip: 1},
		Seed:  1, Held: held, Lags: 20, Windows: 2, Lockstep: lockstep}
	if edit != nil {
		edit(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tr := StartTrio(ctx, cfg)
	tb.Cleanup(func() { cancel(); tr.Wait() })
	return tr
}

func advance(tb testing.TB, tr *Trio, n int) *TrioSnapshot {
	tb.Helper()
	var s *TrioSnapshot
	for range n {
		if s = tr.Advance(); s == nil {
			tb.Fatal("the trio stopped")
		}
	}
	return s
}

// sameBits reports whether two curves are equal bit for bit.
func sameBits(a, b []Point) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Chars != b[i].Chars || math.Float64bits(a[i].V) != math.Float64bits(b[i].V) {
			return false
		}
	}
	return true
}

func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func TestTrioTrainsTheThreeCellsOnTheSameText(t *testing.T) {
	s := advance(t, smallTrio(t, 3, nil), 4)
	if len(s.Cells) != 3 {
		t.Fatalf("%d cells", len(s.Cells))
	}
	for i, want := range nets.Cells() {
		c := s.Cells[i]
		if c.Cell != want || c.Config.Cell != want {
			t.Errorf("cell %d is %v, want %v", i, c.Cell, want)
		}
		if c.Step != 12 || c.Chars != 12*8*2 {
			t.Errorf("%v: step %d, %d chars after 4 advances of 3 steps of 16 chars", want, c.Step, c.Chars)
		}
		if len(c.LossCurve) != 12 || math.IsNaN(c.Loss) {
			t.Errorf("%v: %d curve points, loss %g", want, len(c.LossCurve), c.Loss)
		}
		if len(c.Flow.Ratio) != 21 || c.Flow.Ratio[0] != 1 || c.FlowStep != 0 {
			t.Errorf("%v: flow over %d lags measured at step %d", want, len(c.Flow.Ratio)-1, c.FlowStep)
		}
	}
	if s.Seq != 8 || s.Lags != 20 || s.Windows != 2 || s.Lockstep != 3 || s.CharsPerSec != 0 {
		t.Errorf("snapshot %+v", s)
	}
}

func TestTrioMeasuresOnSchedule(t *testing.T) {
	tr := smallTrio(t, 3, nil)
	s := advance(t, tr, 10) // 30 steps: measured at 0 and 30
	for _, c := range s.Cells {
		if c.FlowStep != 30 {
			t.Errorf("%v: flow measured at step %d, want 30", c.Cell, c.FlowStep)
		}
	}
}

func TestTrioIsDeterministic(t *testing.T) {
	a := advance(t, smallTrio(t, 5, nil), 8)
	b := advance(t, smallTrio(t, 5, nil), 8)
	for i := range a.Cells {
		ca, cb := a.Cells[i], b.Cells[i]
		if !sameBits(ca.LossCurve, cb.LossCurve) {
			t.Errorf("%v: loss curves differ:\n%v\n%v", ca.Cell, ca.LossCurve, cb.LossCurve)
		}
		if !sameFloats(ca.Flow.Ratio, cb.Flow.Ratio) || !sameFloats(ca.Flow.SigmaMax, cb.Flow.SigmaMax) {
			t.Errorf("%v: gradient flows differ", ca.Cell)
		}
	}
}

// TestTrioSnapshotIsNeverModified holds a snapshot while the trio trains on
// past the point where its loss curves are decimated in place.
func TestTrioSnapshotIsNeverModified(t *testing.T) {
	tr := smallTrio(t, 50, func(c *TrioConfig) { c.MeasureSteps = 100 })
	old := advance(t, tr, 10) // 500 steps: 500 curve points, halved at 512
	before := fmt.Sprintf("%+v", *old)
	tr.Send(TrioControl{ToggleForgetBias: true})
	advance(t, tr, 3)
	tr.Send(TrioControl{Reset: true})
	advance(t, tr, 1)
	if after := fmt.Sprintf("%+v", *old); after != before {
		t.Fatal("a published snapshot changed after the trio went on")
	}
	if n := len(old.Cells[0].LossCurve); n != 500 {
		t.Fatalf("held snapshot has %d curve points, want 500", n)
	}
	s := advance(t, tr, 12)
	if n := len(s.Cells[0].LossCurve); n >= curvePoints {
		t.Fatalf("the curve holds %d points, want fewer than %d", n, curvePoints)
	}
}

func TestTrioResetRestoresTheInitialWeights(t *testing.T) {
	tr := smallTrio(t, 1, nil)
	start := tr.Latest()
	first := advance(t, tr, 1)
	advance(t, tr, 7)
	tr.Send(TrioControl{Reset: true})
	again := advance(t, tr, 1)
	for i := range first.Cells {
		f, g := first.Cells[i], again.Cells[i]
		if g.Step != 1 || len(g.LossCurve) != 1 {
			t.Fatalf("%v: after reset and one step: step %d, %d curve points", g.Cell, g.Step, len(g.LossCurve))
		}
		if !sameBits(f.LossCurve, g.LossCurve) {
			t.Errorf("%v: loss at step 1 after a reset %v, first run %v", g.Cell, g.LossCurve, f.LossCurve)
		}
		if !sameFloats(start.Cells[i].Flow.Ratio, g.Flow.Ratio) || g.FlowStep != 0 {
			t.Errorf("%v: the flow measured after the reset differs from the one at the start", g.Cell)
		}
	}
	if ev := again.Events; len(ev) == 0 || !strings.Contains(ev[len(ev)-1].Text, "reset") {
		t.Errorf("events after a reset: %v", ev)
	}
}

func TestTrioForgetBiasToggle(t *testing.T) {
	tr := smallTrio(t, 2, nil)
	advance(t, tr, 3)
	lstm := func() *nets.Params[float64] { return tr.cells[1].tr.P } // read between advances only
	h := 8
	orig := append([]float64(nil), tr.cells[1].start...)
	tr.Send(TrioControl{Pause: true, ToggleForgetBias: true})
	s := advance(t, tr, 1) // paused: applies the request, trains nothing
	if s.Cells[1].ForgetBias != 1 {
		t.Fatalf("LSTM forget bias %g after the toggle, want 1", s.Cells[1].ForgetBias)
	}
	for i, c := range s.Cells {
		if c.Step != 0 || len(c.LossCurve) != 0 {
			t.Errorf("%v: step %d after the toggle, want every cell restarted", nets.Cells()[i], c.Step)
		}
	}
	p := lstm()
	for j := h; j < 2*h; j++ {
		if p.Layers[0].Bih[j] != 1 || p.Layers[0].Bhh[j] != 0 {
			t.Fatalf("b_ih[%d] = %g, b_hh[%d] = %g: want the forget block 1 and 0", j, p.Layers[0].Bih[j], j, p.Layers[0].Bhh[j])
		}
	}
	// The same generator drew the rest: only the forget blocks differ.
	var bih, bhh int
	for _, ts := range tr.cells[1].cfg.Tensors() {
		switch ts.Name {
		case "rnn.bias_ih_l0":
			bih = ts.Offset
		case "rnn.bias_hh_l0":
			bhh = ts.Offset
		}
	}
	for i, v := range p.Mem {
		inForget := (i >= bih+h && i < bih+2*h) || (i >= bhh+h && i < bhh+2*h)
		if !inForget && v != orig[i] {
			t.Fatalf("%s changed with the forget bias", tr.cells[1].cfg.Locate(i))
		}
	}
	if ev := s.Events; len(ev) == 0 || !strings.Contains(ev[len(ev)-1].Text, "forget bias 0 → 1") ||
		!strings.Contains(ev[len(ev)-1].Text, "fair") {
		t.Errorf("event after the toggle: %v", ev)
	}
	if s.Cells[1].FlowStep != 0 || len(s.Cells[1].Flow.Ratio) != 21 {
		t.Error("no flow measured after the toggle")
	}
	tr.Send(TrioControl{ToggleForgetBias: true})
	s = advance(t, tr, 1)
	if s.Cells[1].ForgetBias != 0 || !sameFloats(lstm().Mem, orig) {
		t.Fatalf("toggling back gave forget bias %g and weights equal to the original: %v",
			s.Cells[1].ForgetBias, sameFloats(lstm().Mem, orig))
	}
}

func TestTrioStopsWithItsContext(t *testing.T) {
	c, held := codeHeld(t)
	ctx, cancel := context.WithCancel(context.Background())
	tr := StartTrio(ctx, TrioConfig{Corpus: c, Hidden: 8, Layers: 1,
		Train: nets.TrainConfig{Seq: 8, Batch: 2, Optimizer: "adam", LR: 1e-2}, Held: held, Lags: 10, Windows: 1})
	cancel()
	tr.Wait()
	if s := tr.Advance(); s != nil {
		t.Fatal("Advance after the stop returned a snapshot")
	}
	tr.Send(TrioControl{Pause: true}) // must not block
}

func TestTrioRefusesABadConfiguration(t *testing.T) {
	c, held := codeHeld(t)
	tr := StartTrio(context.Background(), TrioConfig{Corpus: c, Hidden: 0, Layers: 1,
		Train: nets.TrainConfig{Seq: 8, Batch: 2, Optimizer: "adam", LR: 1e-2}, Held: held})
	tr.Wait()
	if s := tr.Latest(); s == nil || !strings.Contains(s.Err, "--hidden") {
		t.Fatalf("snapshot %+v", s)
	}
	if tr.Advance() != nil {
		t.Fatal("a refused trio advanced")
	}
}

func TestTrioShortensLagsToTheHeldOutText(t *testing.T) {
	s := smallTrio(t, 1, func(c *TrioConfig) { c.Held = c.Held[:40]; c.Lags = 100 }).Latest()
	if s.Lags != 38 || len(s.Cells[0].Flow.Ratio) != 39 {
		t.Fatalf("40 held-out characters gave %d lags (%d ratios), want 38", s.Lags, len(s.Cells[0].Flow.Ratio))
	}
	s = smallTrio(t, 1, func(c *TrioConfig) { c.Held = c.Held[:2] }).Latest()
	if s.Lags != 0 || s.Cells[0].Flow.Ratio != nil || len(s.Events) == 0 || !s.Events[0].Warn {
		t.Fatalf("2 held-out characters: lags %d, events %v", s.Lags, s.Events)
	}
}

// TestTrioRunsFreeAndPauses trains without lockstep until every cell has
// stepped, then pauses.
func TestTrioRunsFreeAndPauses(t *testing.T) {
	tr := smallTrio(t, 0, func(c *TrioConfig) { c.MeasureEvery = 10 * time.Millisecond })
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for tr.Latest().Cells[2].Step < 20 || tr.Latest().Cells[2].FlowStep == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no training after 20 s: %+v", tr.Latest())
		}
		<-tick.C
	}
	tr.Send(TrioControl{Pause: true})
	s := tr.Advance() // applies the pause first
	if !s.Paused {
		t.Fatal("not paused")
	}
	if again := tr.Advance(); again.Cells[0].Step != s.Cells[0].Step {
		t.Fatal("a paused trio trained")
	}
	if s.Cells[0].Chars != s.Cells[1].Chars || s.Cells[1].Chars != s.Cells[2].Chars {
		t.Fatalf("lock-step broken: chars %d %d %d", s.Cells[0].Chars, s.Cells[1].Chars, s.Cells[2].Chars)
	}
	tr.Send(TrioControl{Resume: true})
	for tr.Latest().Paused || tr.Latest().Cells[0].Step <= s.Cells[0].Step {
		if time.Now().After(deadline) {
			t.Fatal("did not resume")
		}
		<-tick.C
	}
}

// BenchmarkTrioStep measures one lock-step step of the three default-sized
// cells (H = 128, seq 64 × batch 16), in characters per second of all three.
func BenchmarkTrioStep(b *testing.B) {
	tr := smallTrio(b, 1, func(c *TrioConfig) {
		c.Hidden = 128
		c.Train = nets.TrainConfig{Seq: 64, Batch: 16, Optimizer: "adam", LR: 2e-3, Clip: 5}
		c.Lags = 100
		c.Windows = 8
		c.MeasureSteps = 1 << 30
	})
	b.ReportAllocs()
	for b.Loop() {
		tr.Advance()
	}
	b.ReportMetric(float64(3*64*16*b.N)/b.Elapsed().Seconds(), "chars/s")
}

// BenchmarkTrioMeasure measures one gradient-flow measurement of all three
// default-sized cells (lags 0…100 on 8 windows of 200 characters).
func BenchmarkTrioMeasure(b *testing.B) {
	tr := smallTrio(b, 1, func(c *TrioConfig) {
		c.Hidden = 128
		c.Train = nets.TrainConfig{Seq: 64, Batch: 16, Optimizer: "adam", LR: 2e-3, Clip: 5}
		c.Lags = 100
		c.Windows = 8
		c.Paused = true
	})
	tr.Advance()
	for b.Loop() {
		tr.Send(TrioControl{Reset: true}) // a reset measures again
		tr.Advance()
	}
}
