package probe

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
)

func codeWindow(t testing.TB, warmup, scored int) (*corpora.Corpus, *Window) {
	t.Helper()
	c, err := corpora.Load("code", corpora.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ids, text := c.Held()
	w, err := NewWindow(ids, text, warmup, scored)
	if err != nil {
		t.Fatal(err)
	}
	return c, w
}

func randomNet(cfg nets.Config, seed uint64) *nets.Params[float64] {
	p := nets.NewParams[float64](cfg)
	nets.Init(cfg, p, rand.New(rand.NewPCG(seed, 0)), 0)
	return p
}

// TestRecordingHoldsWhatTheNetworkComputes compares the recorded h, c and gates
// with a second forward pass over the same text, and the recorded losses with the
// evaluator's.
func TestRecordingHoldsWhatTheNetworkComputes(t *testing.T) {
	c, w := codeWindow(t, 30, 300)
	for _, cell := range nets.Cells() {
		cfg := nets.Config{Cell: cell, Vocab: c.Vocab.Size(), Hidden: 6, Layers: 2}
		p := randomNet(cfg, 3)
		rec := newExactRecorder(cfg, p, c.Vocab.Runes()).Record(w.IDs, w.Text, w.Warmup, nil)
		if rec.T != len(w.IDs)-w.Warmup || string(rec.Text) != string(w.Text[w.Warmup:]) || w.Text[w.Warmup-1] != '\n' {
			t.Fatalf("%s: recorded %d steps of %q…", cell, rec.T, string(rec.Text[:10]))
		}
		e := nets.NewEngine(cfg, p, nil, len(w.IDs), 1)
		e.Forward(w.IDs, nets.NewState[float64](cfg, 1))
		for _, step := range []int{0, 1, 150, 299} {
			for l := range cfg.Layers {
				h := e.Hidden(l, w.Warmup+step, 0)
				for i := range h {
					if got := rec.Series(Unit{Layer: l, Index: i})[step]; got != h[i] {
						t.Fatalf("%s: layer %d h%d at step %d: recorded %v, network %v", cell, l, i, step, got, h[i])
					}
				}
			}
		}
		ev := nets.NewEvaluator(cfg, p)
		ev.Add(w.IDs[:w.Warmup+1])
		before, n0 := ev.Mean()
		ev.Add(w.IDs[w.Warmup+1:])
		all, n1 := ev.Mean()
		want := (all*float64(n1) - before*float64(n0)) / float64(n1-n0)
		if got := rec.MeanLoss(); math.Abs(got-want) > 1e-12 {
			t.Fatalf("%s: recorded mean loss %v, evaluator %v", cell, got, want)
		}
		if cell == nets.LSTM && len(rec.Groups) != 4 {
			t.Fatalf("LSTM recording: %d groups, want h and c of 2 layers", len(rec.Groups))
		}
		// The saturation counted while recording equals the one computed from the
		// gates kept whole.
		if cell != nets.RNN {
			gh := cfg.GH()
			kept := &Recording{Config: cfg, T: rec.T, Gates: make([][]float64, cfg.Layers)}
			for l := range kept.Gates {
				kept.Gates[l] = make([]float64, gh*rec.T)
			}
			e2 := nets.NewEngine(cfg, p, nil, len(w.IDs), 1)
			e2.Observe = func(v nets.StepView[float64]) {
				if t := v.T - w.Warmup; t >= 0 {
					for i, x := range v.Gates {
						kept.Gates[v.Layer][i*rec.T+t] = x
					}
				}
			}
			e2.Forward(w.IDs, nets.NewState[float64](cfg, 1))
			want := saturationOf(kept)
			if len(want) != len(rec.Saturation) || len(want) != 2*(cfg.Cell.Gates()-1) {
				t.Fatalf("%s: %d saturations, want %d", cell, len(rec.Saturation), len(want))
			}
			for i := range want {
				a, b := want[i], rec.Saturation[i]
				if a.Gate != b.Gate || a.Layer != b.Layer || fmt.Sprint(a.Low, a.High, a.Hist) != fmt.Sprint(b.Low, b.High, b.Hist) {
					t.Fatalf("%s: saturation %d differs: %s/%d vs %s/%d", cell, i, a.Gate, a.Layer, b.Gate, b.Layer)
				}
			}
		}
		top := rec.Top[10]
		if top[0].P < top[1].P || top[1].P < top[4].P {
			t.Fatalf("top predictions out of order: %v", top)
		}
	}
}

// TestSinglePrecisionRecordingIsClose compares the recorder's float32 pass with
// the exact float64 one on a trained-looking network: every unit, loss and gate
// count, and the rankings built on them.
func TestSinglePrecisionRecordingIsClose(t *testing.T) {
	c, w := codeWindow(t, 200, 3000)
	for _, cell := range nets.Cells() {
		cfg := nets.Config{Cell: cell, Vocab: c.Vocab.Size(), Hidden: 32, Layers: 2}
		p := randomNet(cfg, 5)
		for i := range p.Mem {
			p.Mem[i] *= 3 // larger weights than at init: saturated gates, long memory
		}
		exact := newExactRecorder(cfg, p, c.Vocab.Runes()).Record(w.IDs, w.Text, w.Warmup, nil)
		fast := NewRecorder(cfg, p, c.Vocab.Runes()).Record(w.IDs, w.Text, w.Warmup, nil)
		worst := 0.0
		for gi, g := range exact.Groups {
			for i, v := range g.Acts {
				worst = max(worst, math.Abs(fast.Groups[gi].Acts[i]-v))
			}
		}
		if worst > 1e-4 {
			t.Errorf("%s: a unit differs by %.2g between float32 and float64", cell, worst)
		}
		if d := math.Abs(fast.MeanLoss() - exact.MeanLoss()); d > 1e-5 {
			t.Errorf("%s: mean loss %v in float32, %v in float64", cell, fast.MeanLoss(), exact.MeanLoss())
		}
		for i, s := range exact.Saturation {
			for u := range s.Low {
				// a gate within float32 rounding of 0.1 or 0.9 may count differently
				if math.Abs(fast.Saturation[i].Low[u]-s.Low[u]) > 2.0/float64(exact.T) ||
					math.Abs(fast.Saturation[i].High[u]-s.High[u]) > 2.0/float64(exact.T) {
					t.Fatalf("%s: saturation of %s/%d unit %d differs", cell, s.Gate, s.Layer, u)
				}
			}
		}
		a, b := Analyze(exact, w.Labels, Options{}), Analyze(fast, w.Labels, Options{})
		for i, lr := range a.Labels {
			ea, _ := lr.Best()
			fa, _ := b.Labels[i].Best()
			if math.Abs(ea.AUC-fa.AUC) > 1e-3 && !(math.IsNaN(ea.AUC) && math.IsNaN(fa.AUC)) {
				t.Errorf("%s %s: best AUC %v in float64, %v in float32", cell, lr.Name, ea.AUC, fa.AUC)
			}
			if math.Abs(lr.Readout.R-b.Labels[i].Readout.R) > 1e-3 {
				t.Errorf("%s %s: readout r %v in float64, %v in float32", cell, lr.Name, lr.Readout.R, b.Labels[i].Readout.R)
			}
		}
		t.Logf("%s: largest difference in a unit %.2g", cell, worst)
	}
}

func TestProbeIsDeterministic(t *testing.T) {
	c, w := codeWindow(t, 100, 1000)
	cfg := nets.Config{Cell: nets.LSTM, Vocab: c.Vocab.Size(), Hidden: 16, Layers: 1}
	p := randomNet(cfg, 9)
	a := fmt.Sprintf("%v", probeOnce(cfg, p, c, w))
	b := fmt.Sprintf("%v", probeOnce(cfg, p, c, w))
	if a != b {
		t.Fatal("two probes of the same network differ")
	}
}

// TestProberReusesItsMemoryCleanly probes with one Prober, then again with a
// unit clamped (a constant unit, whose row of the readouts' design matrix the
// first probe had filled): the report equals a fresh Prober's.
func TestProberReusesItsMemoryCleanly(t *testing.T) {
	c, w := codeWindow(t, 100, 1000)
	cfg := nets.Config{Cell: nets.LSTM, Vocab: c.Vocab.Size(), Hidden: 16, Layers: 1}
	p := randomNet(cfg, 9)
	o := &nets.Override{Unit: 3, Value: 0.5}
	pr := NewProber(cfg, p, c.Vocab.Runes(), w, Options{})
	pr.Probe(nil)
	_, again := pr.Probe(o)
	_, fresh := NewProber(cfg, p, c.Vocab.Runes(), w, Options{}).Probe(o)
	if a, b := fmt.Sprintf("%v", again), fmt.Sprintf("%v", fresh); a != b {
		t.Fatal("a Prober's second probe differs from a fresh Prober's")
	}
}

func probeOnce(cfg nets.Config, p *nets.Params[float64], c *corpora.Corpus, w *Window) *Report {
	_, rep := NewProber(cfg, p, c.Vocab.Runes(), w, Options{}).Probe(nil)
	return rep
}

// BenchmarkProbe records a 5,000-character window (after 200 of warm-up) of an
// LSTM-128 and computes every statistic.
func BenchmarkProbe(b *testing.B) {
	c, w := codeWindow(b, DefaultWarmup, DefaultScored)
	cfg := nets.Config{Cell: nets.LSTM, Vocab: c.Vocab.Size(), Hidden: 128, Layers: 1}
	pr := NewProber(cfg, randomNet(cfg, 1), c.Vocab.Runes(), w, Options{})
	b.Run("record", func(b *testing.B) {
		for b.Loop() {
			pr.rec.Record(w.IDs, w.Text, w.Warmup, nil)
		}
	})
	rec := pr.rec.Record(w.IDs, w.Text, w.Warmup, nil)
	b.Run("analyze", func(b *testing.B) {
		for b.Loop() {
			Analyze(rec, w.Labels, pr.Opt)
		}
	})
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			pr.Probe(nil)
		}
	})
}

// TestCorrelationsMatchTheDirectFormula checks the matrix-product path of r
// against the two-pass formula on a real recording.
func TestCorrelationsMatchTheDirectFormula(t *testing.T) {
	c, w := codeWindow(t, 100, 2000)
	cfg := nets.Config{Cell: nets.LSTM, Vocab: c.Vocab.Size(), Hidden: 12, Layers: 2}
	rec := NewRecorder(cfg, randomNet(cfg, 4), c.Vocab.Runes()).Record(w.IDs, w.Text, w.Warmup, nil)
	units := rec.Units()
	series := make([][]float64, len(units))
	for i, u := range units {
		series[i] = rec.Series(u)
	}
	R := correlations(rec, series, w.Labels)
	for f, ft := range w.Labels {
		for u, x := range series {
			// two-pass reference
			var n, mx, my float64
			for t, y := range ft.Values {
				if !math.IsNaN(y) {
					n++
					mx += x[t]
					my += y
				}
			}
			mx, my = mx/n, my/n
			var sxy, sxx, syy float64
			for t, y := range ft.Values {
				if !math.IsNaN(y) {
					sxy += (x[t] - mx) * (y - my)
					sxx += (x[t] - mx) * (x[t] - mx)
					syy += (y - my) * (y - my)
				}
			}
			want := sxy / math.Sqrt(sxx*syy)
			if math.Abs(R[f][u]-want) > 1e-9 {
				t.Fatalf("%s, %s: r %v, two-pass %v", ft.Name, units[u].Name(2), R[f][u], want)
			}
		}
	}
}

// TestPairRecordingMatchesOneCore records on two cores and on one, for every
// cell, one and two layers, with a unit clamped in h or in c, over windows of
// several chunks, with an even and an odd split of the units: every value
// within float32 rounding, the gate counts within a value that rounding moves
// across a threshold, and the same bits when recorded again, on two cores or
// with both halves on one.
func TestPairRecordingMatchesOneCore(t *testing.T) {
	c, w := codeWindow(t, 200, 2*recordChunk+300)
	overrides := []*nets.Override{nil, {Layer: 0, Unit: 40, Value: 0.7}, {Layer: 1, Unit: 2, Cell: true, Value: -3}}
	for _, cell := range nets.Cells() {
		for _, hidden := range []int{64, 33} {
			for layers := 1; layers <= 2; layers++ {
				cfg := nets.Config{Cell: cell, Vocab: c.Vocab.Size(), Hidden: hidden, Layers: layers}
				p := randomNet(cfg, 11)
				for i := range p.Mem {
					p.Mem[i] *= 2
				}
				one := NewRecorder(cfg, p, c.Vocab.Runes())
				pair := newPairRecorder(cfg)
				for _, o := range overrides {
					if o != nil && (o.Layer >= layers || o.Unit >= hidden) {
						continue
					}
					where := fmt.Sprintf("%s H=%d L=%d override %v", cell, hidden, layers, o)
					a := one.r32.record(p, c.Vocab.Runes(), w.IDs, w.Text, w.Warmup, o)
					b := pair.recordOn(true, p, c.Vocab.Runes(), w.IDs, w.Text, w.Warmup, o)
					const tol = 1e-5
					for gi, g := range a.Groups {
						for i, v := range g.Acts {
							if d := math.Abs(b.Groups[gi].Acts[i] - v); !(d <= tol) {
								t.Fatalf("%s: group %d value %d: two cores %v, one %v", where, gi, i, b.Groups[gi].Acts[i], v)
							}
						}
					}
					for i := range a.Loss {
						if d := math.Abs(a.Loss[i] - b.Loss[i]); !(d <= 10*tol) && !(math.IsNaN(a.Loss[i]) && math.IsNaN(b.Loss[i])) {
							t.Fatalf("%s: loss at %d: two cores %v, one %v", where, i, b.Loss[i], a.Loss[i])
						}
						if d := math.Abs(a.Top[i][0].P - b.Top[i][0].P); !(d <= 10*tol) {
							t.Fatalf("%s: top prediction at %d: two cores %v, one %v", where, i, b.Top[i][0], a.Top[i][0])
						}
					}
					for i, s := range a.Saturation {
						q := b.Saturation[i]
						for u := range s.Low {
							if math.Abs(s.Low[u]-q.Low[u]) > 2.0/float64(a.T) || math.Abs(s.High[u]-q.High[u]) > 2.0/float64(a.T) {
								t.Fatalf("%s: saturation of %s unit %d differs", where, s.Gate, u)
							}
						}
					}
					same := func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }
					again := pair.recordOn(true, p, c.Vocab.Runes(), w.IDs, w.Text, w.Warmup, o)
					solo := pair.recordOn(false, p, c.Vocab.Runes(), w.IDs, w.Text, w.Warmup, o)
					for _, r := range []*Recording{again, solo} {
						for gi, g := range b.Groups {
							if !slices.EqualFunc(g.Acts, r.Groups[gi].Acts, same) {
								t.Fatalf("%s: recordings of the halves differ (one core: %v)", where, r == solo)
							}
						}
						if !slices.EqualFunc(b.Loss, r.Loss, same) || !slices.Equal(b.Top, r.Top) {
							t.Fatalf("%s: predictions of the halves differ (one core: %v)", where, r == solo)
						}
						for i, s := range b.Saturation {
							q := r.Saturation[i]
							if !slices.Equal(s.Low, q.Low) || !slices.Equal(s.High, q.High) || !slices.Equal(s.Hist, q.Hist) {
								t.Fatalf("%s: gate counts of the halves differ (one core: %v)", where, r == solo)
							}
						}
					}
				}
			}
		}
	}
}

// TestPaceChoosesTheFasterWay plays recordings' times to the choice between
// two cores and one: two while they stay near their best or are slow once;
// one after two slow recordings, if one is faster; two again every sixteenth.
func TestPaceChoosesTheFasterWay(t *testing.T) {
	var pc pace
	ms := time.Millisecond
	play := func(two bool, d time.Duration) { pc.took(two, d, 1) }
	if !pc.two() {
		t.Fatal("the first recording is not on two cores")
	}
	play(true, 12*ms)
	play(true, 40*ms) // one pause
	if !pc.two() {
		t.Fatal("left two cores for one slow recording")
	}
	play(true, 14*ms)
	play(true, 60*ms)
	play(true, 60*ms) // a busy machine
	if pc.two() {
		t.Fatal("stayed on two cores after two recordings at five times their best, one never tried")
	}
	play(false, 35*ms)
	for i := range 14 {
		if pc.two() {
			t.Fatalf("back on two cores after %d recordings on one, slower", i+1)
		}
		play(false, 35*ms)
	}
	if !pc.two() {
		t.Fatal("did not try two cores again after 15 recordings on one")
	}
	play(true, 30*ms) // still busy, but faster than one
	if !pc.two() {
		t.Fatal("left two cores that beat one")
	}
	play(true, 12*ms) // the machine is free again
	if !pc.two() {
		t.Fatal("left two cores at their best")
	}
}
