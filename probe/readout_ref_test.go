package probe

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/nets/kernels"
)

// readoutsReference is the float64, one-label-at-a-time readout the fast one is
// checked against. It fits, for every label, a ridge regression from all units to the label on
// the first half of the window and scores it on the second half: "is the feature
// decodable at all", even when no single unit carries it.
func readoutsReference(rec *Recording, series [][]float64, feats []corpora.Feature) []Fit {
	out := make([]Fit, len(feats))
	for i := range out {
		out[i] = Fit{R: math.NaN(), AUC: math.NaN()}
	}
	T := rec.T
	half := T / 2
	if half < 10 {
		return out
	}
	// Which units: all, or the top layer's when there are too many.
	var use []int
	for i, u := range rec.Units() {
		if len(series) <= maxReadoutUnits || u.Layer == rec.Config.Layers-1 {
			use = append(use, i)
		}
	}
	D := len(use)
	// Standardise on the fit half; drop constant units.
	mean := make([]float64, D)
	sd := make([]float64, D)
	for j, u := range use {
		x := series[u][:half]
		var s, ss float64
		for _, v := range x {
			s += v
			ss += v * v
		}
		m := s / float64(half)
		mean[j] = m
		sd[j] = math.Sqrt(max(ss/float64(half)-m*m, 0))
	}
	// Design matrices, one row per step: [1, z_1 … z_D].
	build := func(from, to int) *mat.Dense {
		X := mat.NewDense(to-from, D+1, nil)
		for t := from; t < to; t++ {
			X.Set(t-from, 0, 1)
			for j, u := range use {
				if sd[j] > 1e-9 {
					X.Set(t-from, j+1, (series[u][t]-mean[j])/sd[j])
				}
			}
		}
		return X
	}
	Xfit, Xtest := build(0, half), build(half, T)

	// Labels defined everywhere share one Gram matrix; masked ones get their own.
	var gram *mat.Cholesky
	solve := func(X *mat.Dense, y []float64, rows []int) *mat.VecDense {
		var A mat.Dense
		var G *mat.Cholesky
		Xs := X
		if rows != nil {
			Xs = mat.NewDense(len(rows), D+1, nil)
			for i, r := range rows {
				Xs.SetRow(i, X.RawRowView(r))
			}
		}
		n, _ := Xs.Dims()
		if rows == nil && gram != nil {
			G = gram
		} else {
			// XᵀX through the engine's float32 kernels: the features are
			// standardised and the ridge keeps the system well conditioned, so
			// single precision loses nothing visible and is twice as fast.
			xs := Xs.RawMatrix()
			x32 := make([]float32, len(xs.Data))
			for i, v := range xs.Data {
				x32[i] = float32(v)
			}
			g32 := make([]float32, (D+1)*(D+1))
			kernels.GemmTN32(D+1, D+1, n, x32, xs.Stride, x32, xs.Stride, 0, g32, D+1)
			g := make([]float64, len(g32))
			for i, v := range g32 {
				g[i] = float64(v)
			}
			A = *mat.NewDense(D+1, D+1, g)
			for j := 1; j <= D; j++ {
				A.Set(j, j, A.At(j, j)+ridgeLambda*float64(n))
			}
			A.Set(0, 0, A.At(0, 0)+1e-9)
			var c mat.Cholesky
			if !c.Factorize(mat.NewSymDense(D+1, A.RawMatrix().Data)) {
				return nil
			}
			G = &c
			if rows == nil {
				gram = G
			}
		}
		yv := mat.NewVecDense(n, y)
		var xty, w mat.VecDense
		xty.MulVec(Xs.T(), yv)
		if err := G.SolveVecTo(&w, &xty); err != nil {
			return nil
		}
		return &w
	}
	for f, ft := range feats {
		var rows []int
		var y []float64
		masked := false
		for t := range half {
			if math.IsNaN(ft.Values[t]) {
				masked = true
				break
			}
		}
		if masked {
			for t := range half {
				if v := ft.Values[t]; !math.IsNaN(v) {
					rows = append(rows, t)
					y = append(y, v)
				}
			}
			if len(rows) < 10 {
				continue
			}
		} else {
			y = append([]float64(nil), ft.Values[:half]...)
		}
		w := solve(Xfit, y, rows)
		if w == nil {
			continue
		}
		var pred, fitted mat.VecDense
		pred.MulVec(Xtest, w)
		fitted.MulVec(Xfit, w)
		p := pred.RawVector().Data
		out[f].Trace = append(append(make([]float64, 0, T), fitted.RawVector().Data...), p...)
		truth := ft.Values[half:]
		out[f].R = pearson(p, truth)
		if isBinary(truth) {
			out[f].AUC = max(0, aucOf(sortedOf(p), truth, nil))
		}
	}
	return out
}

// TestReadoutsMatchTheFloat64Fit compares the single-precision readouts with a
// float64 fit of each label on its own, on a real recording of every cell with
// two layers: every label's r and AUC, and the prediction at every step.
func TestReadoutsMatchTheFloat64Fit(t *testing.T) {
	c, w := codeWindow(t, 200, 3000)
	for _, cell := range nets.Cells() {
		cfg := nets.Config{Cell: cell, Vocab: c.Vocab.Size(), Hidden: 24, Layers: 2}
		p := randomNet(cfg, 8)
		for i := range p.Mem {
			p.Mem[i] *= 2
		}
		rec := NewRecorder(cfg, p, c.Vocab.Runes()).Record(w.IDs, w.Text, w.Warmup, nil)
		var series [][]float64
		for _, u := range rec.Units() {
			series = append(series, rec.Series(u))
		}
		got, want := readouts(rec, series, w.Labels, nil), readoutsReference(rec, series, w.Labels)
		for f, ft := range w.Labels {
			g, r := got[f], want[f]
			if (g.Trace == nil) != (r.Trace == nil) {
				t.Fatalf("%s %s: fitted %v, reference fitted %v", cell, ft.Name, g.Trace != nil, r.Trace != nil)
			}
			if math.Abs(g.R-r.R) > 1e-4 || (!math.IsNaN(r.AUC) && math.Abs(g.AUC-r.AUC) > 1e-4) {
				t.Errorf("%s %s: r %.6f AUC %.6f, float64 fit r %.6f AUC %.6f", cell, ft.Name, g.R, g.AUC, r.R, r.AUC)
			}
			worst := 0.0
			for i := range r.Trace {
				worst = max(worst, math.Abs(g.Trace[i]-r.Trace[i]))
			}
			if f == 0 {
				t.Logf("%s %s: r %.6f (float64 %.6f), largest prediction difference %.2g", cell, ft.Name, g.R, r.R, worst)
			}
			if worst > 1e-3 {
				t.Errorf("%s %s: a prediction differs by %.2g", cell, ft.Name, worst)
			}
		}
	}
}

// TestCholeskyMatchesLAPACK factors random positive definite matrices of
// sizes around the block, well and badly conditioned, against gonum's Potrf,
// and refuses matrices that are not positive definite.
func TestCholeskyMatchesLAPACK(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, n := range []int{1, 2, 5, 31, 32, 33, 64, 65, 100, 257} {
		for _, ridge := range []float64{1e-6, 1, 100} {
			// a = XXᵀ/k + ridge·I
			k := n + 3
			xs := make([]float64, n*k)
			for i := range xs {
				xs[i] = rng.NormFloat64()
			}
			a := make([]float64, n*n)
			for i := range n {
				for j := range n {
					s := 0.0
					for p := range k {
						s += xs[i*k+p] * xs[j*k+p]
					}
					a[i*n+j] = s / float64(k)
				}
				a[i*n+i] += ridge
			}
			want := slices.Clone(a)
			if _, ok := lapack64.Potrf(blas64.Symmetric{Uplo: blas.Upper, N: n, Stride: n, Data: want}); !ok {
				t.Fatalf("n=%d: LAPACK refused", n)
			}
			got := slices.Clone(a)
			if !cholesky(got, n) {
				t.Fatalf("n=%d ridge=%v: refused a positive definite matrix", n, ridge)
			}
			for i := range n {
				for j := i; j < n; j++ {
					w, g := want[i*n+j], got[i*n+j]
					if math.Abs(g-w) > 1e-9*(1+math.Abs(w)) {
						t.Fatalf("n=%d ridge=%v: U[%d][%d] = %v, LAPACK %v", n, ridge, i, j, g, w)
					}
				}
			}
		}
		// Not positive definite: a zero and a negative pivot, late in the matrix.
		for _, d := range []float64{0, -1} {
			a := make([]float64, n*n)
			for i := range n {
				a[i*n+i] = 1
			}
			a[(n-1)*n+n-1] = d
			if cholesky(a, n) {
				t.Fatalf("n=%d: factored a matrix with pivot %v", n, d)
			}
		}
	}
}
