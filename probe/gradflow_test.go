package probe

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
)

// codeHeld is the held-out text of the code corpus with seed 1, as `rnnscope
// gradflow` reads it.
func codeHeld(tb testing.TB) (*corpora.Corpus, []int32) {
	tb.Helper()
	c, err := corpora.Load("code", corpora.Options{Seed: 1})
	if err != nil {
		tb.Fatal(err)
	}
	ids, _ := c.Held()
	return c, ids
}

// initNet initialises a network as `rnnscope gradflow --seed seed` does.
func initNet(cell nets.Cell, v, h, layers int, seed uint64, forgetBias float64) (nets.Config, *nets.Params[float64]) {
	cfg := nets.Config{Cell: cell, Vocab: v, Hidden: h, Layers: layers}
	p := nets.NewParams[float64](cfg)
	nets.Init(cfg, p, rand.New(rand.NewPCG(seed, 0x726e6e73636f7065)), forgetBias)
	return cfg, p
}

// central4 is the fourth-order central difference, as in nets/engine_test.go: with
// a step of 1e-3 both its truncation and rounding errors are near 1e-13.
var central4 = fd.Formula{
	Stencil:    []fd.Point{{Loc: -2, Coeff: 1.0 / 12}, {Loc: -1, Coeff: -8.0 / 12}, {Loc: 1, Coeff: 8.0 / 12}, {Loc: 2, Coeff: -1.0 / 12}},
	Derivative: 1,
	Step:       1e-3,
}

// headLoss is −log p(y) of the head on the top layer's h.
func headLoss(p *nets.Params[float64], h []float64, y int32) float64 {
	w := p.Whead
	logits := make([]float64, w.Rows)
	m := math.Inf(-1)
	for i := range logits {
		s := p.Bhead[i]
		for j, x := range h {
			s += w.Data[i*w.Cols+j] * x
		}
		logits[i] = s
		m = max(m, s)
	}
	sum := 0.0
	for _, s := range logits {
		sum += math.Exp(s - m)
	}
	return m + math.Log(sum) - logits[y]
}

// TestGradFlowMatchesFiniteDifferences checks the vector ∂L_t/∂h_{t−k} of the top
// layer that the meter's backward pass sees against central differences: run
// steps 0…t−k, perturb one unit of the top layer's h in the state, run the rest
// and take the loss at the last step.
// Measured worst relative errors: 7e-11 (rnn), 2e-11 (lstm), 6e-12 (gru).
func TestGradFlowMatchesFiniteDifferences(t *testing.T) {
	const v, h, layers, lags, winLen, windows = 5, 4, 2, 6, 10, 3
	for _, cell := range nets.Cells() {
		t.Run(cell.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(cell)+11, 3))
			cfg := nets.Config{Cell: cell, Vocab: v, Hidden: h, Layers: layers}
			p := nets.NewParams[float64](cfg)
			nets.Init(cfg, p, rng, 0)
			for i := range p.Mem {
				p.Mem[i] *= 2.5 // gates away from 0.5 and tanh away from linear
			}
			text := make([]int32, 40)
			for i := range text {
				text[i] = int32(rng.IntN(v))
			}
			g := NewGradMeter(cfg, lags, winLen, windows)
			got := make([][][]float64, lags+1) // [lag][stream](H)
			for k := range got {
				got[k] = make([][]float64, windows)
			}
			g.seeGrad = func(lag, s int, dh []float64) { got[lag][s] = slices.Clone(dh) }
			g.Measure(p, text)

			top, last := layers-1, winLen-1
			e := nets.NewEngine[float64](cfg, p, nil, winLen, 1)
			st0, st := nets.NewState[float64](cfg, 1), nets.NewState[float64](cfg, 1)
			worst := 0.0
			for s := range windows {
				w := g.window(s, text)
				for k := range lags + 1 {
					st0.Reset()
					e.Forward(w[:last-k+1], st0) // steps 0 … t−k
					loss := func(x float64, j int) float64 {
						st.CopyFrom(st0)
						st.H[top][j] = x
						if k > 0 {
							e.Forward(w[last-k+1:winLen], st) // steps t−k+1 … t
						}
						return headLoss(p, st.H[top], w[winLen])
					}
					want := make([]float64, h)
					for j := range want {
						want[j] = fd.Derivative(func(x float64) float64 { return loss(x, j) }, st0.H[top][j],
							&fd.Settings{Formula: central4})
					}
					scale, diff := 0.0, 0.0
					for j := range want {
						scale = max(scale, math.Abs(want[j]))
						diff = max(diff, math.Abs(got[k][s][j]-want[j]))
					}
					rel := diff / scale
					if !(rel < 1e-6) {
						t.Errorf("window %d lag %d: ∂L/∂h %v, finite differences %v (relative error %.2g)",
							s, k, got[k][s], want, rel)
					}
					worst = max(worst, rel)
				}
			}
			t.Logf("worst relative error %.2g", worst)
		})
	}
}

// TestSpectrumMatchesMat compares σ_max and the spectral radius with mat.SVD and
// mat.Eigen on the shapes of W_hh. Measured worst relative difference: about 1e-15.
func TestSpectrumMatchesMat(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, shape := range []struct{ m, n int }{{512, 128}, {384, 128}, {128, 128}, {12, 4}, {9, 3}, {5, 5}, {2, 1}, {1, 1}} {
		for _, kind := range []string{"uniform", "zero", "rank one"} {
			t.Run(fmt.Sprintf("%dx%d/%s", shape.m, shape.n, kind), func(t *testing.T) {
				w := make([]float64, shape.m*shape.n)
				switch kind {
				case "uniform":
					for i := range w {
						w[i] = 2*rng.Float64() - 1
					}
				case "rank one":
					for i := range shape.m {
						for j := range shape.n {
							w[i*shape.n+j] = float64(i+1) * float64(j%3+1) * 0.1
						}
					}
				}
				orig := slices.Clone(w)
				sp := newSpectrum(shape.m, shape.n)
				var svd mat.SVD
				if !svd.Factorize(mat.NewDense(shape.m, shape.n, slices.Clone(w)), mat.SVDNone) {
					t.Fatal("mat.SVD failed")
				}
				want := svd.Values(nil)[0]
				if got := sp.sigmaMax(w, shape.m, shape.n); !near(got, want, 1e-12) {
					t.Errorf("σ_max %.17g, mat.SVD %.17g", got, want)
				}
				if shape.m == shape.n {
					var eig mat.Eigen
					if !eig.Factorize(mat.NewDense(shape.n, shape.n, slices.Clone(w)), mat.EigenNone) {
						t.Fatal("mat.Eigen failed")
					}
					want := 0.0
					for _, v := range eig.Values(nil) {
						want = max(want, cmplx.Abs(v))
					}
					if got := sp.radius(w, shape.n); !near(got, want, 1e-10) {
						t.Errorf("radius %.17g, mat.Eigen %.17g", got, want)
					}
				}
				if !slices.Equal(w, orig) {
					t.Error("the matrix was modified")
				}
			})
		}
	}
}

func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b)) || a == b
}

// TestGradFlowIsWellFormed checks what the TUI relies on: Ratio[0] = 1, every ratio
// finite and positive, the same bits from the same inputs (also from a new meter),
// and no allocation per Measure after the first (but for the vanilla cell's
// spectral radius, whose allocations are gonum's).
func TestGradFlowIsWellFormed(t *testing.T) {
	c, held := codeHeld(t)
	for _, cell := range nets.Cells() {
		t.Run(cell.String(), func(t *testing.T) {
			cfg, p := initNet(cell, c.Vocab.Size(), 24, 2, 1, 0)
			g := NewGradMeter(cfg, 40, 60, 3)
			f := g.Measure(p, held).Clone()
			if len(f.Ratio) != 41 || f.Ratio[0] != 1 {
				t.Fatalf("%d ratios starting %v, want 41 starting 1", len(f.Ratio), f.Ratio[:1])
			}
			for k, r := range f.Ratio {
				if !(r > 0) || math.IsInf(r, 0) {
					t.Errorf("Ratio[%d] = %g, want finite and above 0", k, r)
				}
			}
			for l, s := range f.SigmaMax {
				if !(s > 0) || math.IsInf(s, 0) {
					t.Errorf("SigmaMax[%d] = %g", l, s)
				}
			}
			if (f.Radius != nil) != (cell == nets.RNN) || len(f.SigmaMax) != 2 || f.Windows != 3 || f.Cell != cell {
				t.Errorf("shape of %+v", f)
			}
			same := func(a, b GradFlow) bool {
				bits := func(x []float64) []uint64 {
					out := make([]uint64, len(x))
					for i, v := range x {
						out[i] = math.Float64bits(v)
					}
					return out
				}
				return slices.Equal(bits(a.Ratio), bits(b.Ratio)) && slices.Equal(bits(a.SigmaMax), bits(b.SigmaMax)) &&
					slices.Equal(bits(a.Radius), bits(b.Radius))
			}
			if again := g.Measure(p, held); !same(f, again) {
				t.Error("a second Measure differs")
			}
			if other := NewGradMeter(cfg, 40, 60, 3).Measure(p, held); !same(f, other) {
				t.Error("a new meter differs")
			}
			// The vanilla radius allocates inside gonum's Dlahqr; nothing else may.
			want := 0.0
			if cell == nets.RNN {
				sp := newSpectrum(cfg.Hidden, cfg.Hidden)
				want = testing.AllocsPerRun(3, func() {
					for _, lp := range p.Layers {
						sp.radius(lp.Whh.Data, cfg.Hidden)
					}
				})
			}
			if n := testing.AllocsPerRun(3, func() { g.Measure(p, held) }); n != want {
				t.Errorf("%v allocations per Measure, want %v", n, want)
			}
		})
	}
}

// TestGatedCellsKeepTheGradientAtInit reproduces the research's init measurement
// (hidden 128, the code corpus, seed 1; 16 windows of 200 characters, lags 0…100)
// and checks its headline: at lag 50 the LSTM with forget bias 1 keeps at least
// 10⁴ times the vanilla RNN's share of the gradient (the research measured ~1e5).
//
// Measured (ratio at k = 25 / 50 / 100, σ_max of W_hh; research's PyTorch numbers,
// a mean over 100 loss positions of 8 windows, in brackets):
//
//	rnn        8.3e-07  5.8e-13  5.2e-25   σ_max 1.11, radius 0.58   [1.1e-6  2.1e-12  <1e-38]
//	lstm       9.9e-07  8.3e-12  6.3e-22   σ_max 1.71                [1.1e-6  1.0e-11  1.2e-21]
//	lstm fb1   1.6e-03  2.9e-05  1.1e-08   σ_max 1.71                [1.8e-3  3.7e-5   2.2e-8]
//	gru        7.1e-06  1.3e-10  4.0e-20   σ_max 1.54                [6.1e-6  7.3e-11  1.4e-20]
//
// so at lag 50 the LSTM with forget bias 1 keeps 5·10⁷ times the vanilla share.
func TestGatedCellsKeepTheGradientAtInit(t *testing.T) {
	if testing.Short() {
		t.Skip("hidden 128")
	}
	c, held := codeHeld(t)
	ratio := map[string][]float64{}
	for _, run := range []struct {
		name string
		cell nets.Cell
		fb   float64
	}{{"rnn", nets.RNN, 0}, {"lstm", nets.LSTM, 0}, {"lstm fb1", nets.LSTM, 1}, {"gru", nets.GRU, 0}} {
		cfg, p := initNet(run.cell, c.Vocab.Size(), 128, 1, 1, run.fb)
		f := NewGradMeter(cfg, 100, 200, 16).Measure(p, held)
		ratio[run.name] = f.Ratio
		t.Logf("%-9s k=25 %.2g  k=50 %.2g  k=100 %.2g  σ_max %.3g  radius %.3g",
			run.name, f.Ratio[25], f.Ratio[50], f.Ratio[100], f.SigmaMax, f.Radius)
	}
	if r, v := ratio["lstm fb1"][50], ratio["rnn"][50]; !(r >= 1e4*v) {
		t.Errorf("at lag 50 the LSTM with forget bias 1 keeps %.2g, the vanilla RNN %.2g: want a factor of 10⁴ or more", r, v)
	}
}

func BenchmarkGradFlow(b *testing.B) {
	c, held := codeHeld(b)
	for _, cell := range nets.Cells() {
		b.Run(cell.String(), func(b *testing.B) {
			cfg, p := initNet(cell, c.Vocab.Size(), 128, 1, 1, 1)
			g := NewGradMeter(cfg, 100, 200, 4)
			g.Measure(p, held)
			b.ReportAllocs()
			for b.Loop() {
				g.Measure(p, held)
			}
		})
	}
}
