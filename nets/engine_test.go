package nets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// smallNet builds a randomly initialised network with random tokens for gradient
// checks: a non-zero carried state as well, so that its handling is exercised.
func smallNet(t testing.TB, cell Cell, v, h, layers, T, b int, seed uint64) (cfg Config, p *Params[float64], x, y []int32, st *State[float64]) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	cfg = Config{Cell: cell, Vocab: v, Hidden: h, Layers: layers}
	p = NewParams[float64](cfg)
	Init(cfg, p, rng, 0)
	// Scale weights up so that gates are not all near 0.5 and tanh is not linear.
	for i := range p.Mem {
		p.Mem[i] *= 2.5
	}
	x = make([]int32, T*b)
	y = make([]int32, T*b)
	for i := range x {
		x[i] = int32(rng.IntN(v))
		y[i] = int32(rng.IntN(v))
	}
	st = NewState[float64](cfg, b)
	for l := range st.H {
		for i := range st.H[l] {
			st.H[l][i] = rng.Float64() - 0.5
		}
	}
	for l := range st.C {
		for i := range st.C[l] {
			st.C[l][i] = rng.Float64() - 0.5
		}
	}
	return
}

// central4 is the fourth-order central difference
// f'(x) ≈ (f(x−2s) − 8f(x−s) + 8f(x+s) − f(x+2s)) / 12s: with s = 1e-3 its
// truncation and rounding errors are both near 1e-13, so small gradients can be
// checked to a relative 1e-6 too (second-order differences can't: their noise is
// about 1e-11 absolute).
var central4 = fd.Formula{
	Stencil:    []fd.Point{{Loc: -2, Coeff: 1.0 / 12}, {Loc: -1, Coeff: -8.0 / 12}, {Loc: 1, Coeff: 8.0 / 12}, {Loc: 2, Coeff: -1.0 / 12}},
	Derivative: 1,
	Step:       1e-3,
}

// TestGradientsMatchFiniteDifferences compares Backward with central differences on
// every parameter of every cell with two layers and the head.
// Measured worst relative errors: about 1e-9 (rnn), 2e-9 (lstm), 3e-9 (gru).
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	for _, cell := range Cells() {
		for _, shape := range []struct{ v, h, layers, T, b int }{
			{5, 4, 2, 4, 1},
			{5, 4, 2, 4, 3},
			{7, 3, 3, 5, 2},
			{3, 6, 1, 6, 2},
		} {
			name := fmt.Sprintf("%s/V%d_H%d_L%d_T%d_B%d", cell, shape.v, shape.h, shape.layers, shape.T, shape.b)
			t.Run(name, func(t *testing.T) {
				cfg, p, x, y, st0 := smallNet(t, cell, shape.v, shape.h, shape.layers, shape.T, shape.b, uint64(shape.h*31+int(cell)))
				g := NewParams[float64](cfg)
				e := NewEngine(cfg, p, g, shape.T, shape.b)
				st := NewState[float64](cfg, shape.b)
				loss := func(w []float64) float64 {
					copy(p.Mem, w)
					st.CopyFrom(st0)
					e.Forward(x, st)
					return e.Loss(y)
				}
				w0 := slices.Clone(p.Mem)
				want := fd.Gradient(nil, loss, slices.Clone(w0), &fd.Settings{Formula: central4})
				copy(p.Mem, w0)
				st.CopyFrom(st0)
				e.Forward(x, st)
				e.Loss(y)
				e.Backward()
				worst, at := 0.0, 0
				for i, gw := range want {
					got := g.Mem[i]
					rel := math.Abs(got-gw) / math.Max(math.Max(math.Abs(got), math.Abs(gw)), 1e-6)
					if rel > worst {
						worst, at = rel, i
					}
				}
				if worst > 1e-6 {
					t.Fatalf("worst relative error %.3g at %s: backward %.10g, finite differences %.10g",
						worst, cfg.Locate(at), g.Mem[at], want[at])
				}
				t.Logf("worst relative error %.2g at %s", worst, cfg.Locate(at))
			})
		}
	}
}
