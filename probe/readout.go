package probe

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"

	"github.com/rnnscope/rnnscope/nets/kernels"

	"github.com/rnnscope/rnnscope/corpora"
)

// ridgeLambda is the ridge penalty on standardised units, per fitted character:
// small enough to be nearly least squares, large enough to keep collinear units
// (h = o⊙tanh(c)) stable.
const ridgeLambda = 1e-2

// maxReadoutUnits caps the readout's inputs; beyond it the top layer's units are
// used.
const maxReadoutUnits = 512

// readouts fits, for every label, a ridge regression from all units to the label on
// the first half of the window and scores it on the second half: "is the feature
// decodable at all", even when no single unit carries it.
//
// The design matrix is kept unit-major in single precision (the standardised
// units; the ridge keeps the system well conditioned, and the tests check the
// result against a float64 fit), so every product is one call to the engine's
// float32 kernels: one Gram matrix and one Cholesky factor for all labels defined
// everywhere, Xᵀy for all of them at once, and every label's prediction at every
// step in one product. A label with gaps gets its own Gram matrix over its steps.
func readouts(rec *Recording, series [][]float64, feats []corpora.Feature) []Fit {
	out := make([]Fit, len(feats))
	for i := range out {
		out[i] = Fit{R: math.NaN(), AUC: math.NaN()}
	}
	T := rec.T
	half := T / 2
	if half < 10 || len(feats) == 0 {
		return out
	}
	// Which units: all, or the top layer's when there are too many.
	var use []int
	for i, u := range rec.Units() {
		if len(series) <= maxReadoutUnits || u.Layer == rec.Config.Layers-1 {
			use = append(use, i)
		}
	}
	D := len(use) + 1 // with the intercept
	// Z: (D × T), row 0 ones, row j the unit standardised on the fit half
	// (constant units stay 0).
	Z := make([]float32, D*T)
	for t := range T {
		Z[t] = 1
	}
	for j, u := range use {
		x := series[u]
		var s, ss float64
		for _, v := range x[:half] {
			s += v
			ss += v * v
		}
		m := s / float64(half)
		sd := math.Sqrt(max(ss/float64(half)-m*m, 0))
		if sd <= 1e-9 {
			continue
		}
		row, inv := Z[(j+1)*T:(j+2)*T], 1/sd
		for t, v := range x[:T] {
			row[t] = float32((v - m) * inv)
		}
	}
	// gram factors ZₛZₛᵀ + ridge over the columns s (nil: the whole fit half).
	gram := func(cols []int) *blas64.Triangular {
		n := half
		A, lda := Z, T
		if cols != nil {
			n = len(cols)
			A, lda = make([]float32, D*n), n
			for j := range D {
				src, dst := Z[j*T:(j+1)*T], A[j*n:(j+1)*n]
				for i, c := range cols {
					dst[i] = src[c]
				}
			}
		}
		// Symmetric: only the blocks on and above the diagonal, then mirrored.
		const blk = 64
		g32 := make([]float32, D*D)
		for i0 := 0; i0 < D; i0 += blk {
			m := min(blk, D-i0)
			kernels.GemmNT32(m, D-i0, n, A[i0*lda:], lda, A[i0*lda:], lda, 0, g32[i0*D+i0:], D)
		}
		g := make([]float64, D*D)
		for i := range D {
			for j := i; j < D; j++ {
				v := float64(g32[i*D+j])
				g[i*D+j], g[j*D+i] = v, v
			}
		}
		for j := 1; j < D; j++ {
			g[j*D+j] += ridgeLambda * float64(n)
		}
		g[0] += 1e-9
		t, ok := lapack64.Potrf(blas64.Symmetric{Uplo: blas.Upper, N: D, Stride: D, Data: g})
		if !ok {
			return nil
		}
		return &t
	}
	// Y: (labels × fit half), 0 where a label is NaN (those steps add nothing to
	// Zᵀy); which labels have gaps.
	L := len(feats)
	Y := make([]float32, L*half)
	var full *blas64.Triangular
	fullDone := false
	masked := make([]bool, L)
	for f, ft := range feats {
		y := Y[f*half : (f+1)*half]
		for t, v := range ft.Values[:half] {
			if math.IsNaN(v) {
				masked[f] = true
				continue
			}
			y[t] = float32(v)
		}
	}
	XtY := make([]float32, D*L) // (D × labels) = Z·Yᵀ over the fit half
	kernels.GemmNT32(D, L, half, Z, T, Y, half, 0, XtY, L)
	W := make([]float32, L*D) // (labels × D): the fitted weights, 0 when unfitted
	fitted := make([]bool, L)
	for f, ft := range feats {
		var G *blas64.Triangular
		if masked[f] {
			var cols []int
			for t, v := range ft.Values[:half] {
				if !math.IsNaN(v) {
					cols = append(cols, t)
				}
			}
			if len(cols) < 10 {
				continue
			}
			G = gram(cols)
		} else {
			if !fullDone {
				full, fullDone = gram(nil), true
			}
			G = full
		}
		if G == nil {
			continue
		}
		xty := make([]float64, D)
		for i := range D {
			xty[i] = float64(XtY[i*L+f])
		}
		lapack64.Potrs(*G, blas64.General{Rows: D, Cols: 1, Stride: 1, Data: xty})
		for i, v := range xty {
			W[f*D+i] = float32(v)
		}
		fitted[f] = true
	}
	// Every label's prediction at every step: (labels × T) = W·Z.
	P := make([]float32, L*T)
	kernels.GemmNN32(L, T, D, W, D, Z, T, 0, P, T)
	for f, ft := range feats {
		if !fitted[f] {
			continue
		}
		trace := make([]float64, T)
		for t, v := range P[f*T : (f+1)*T] {
			trace[t] = float64(v)
		}
		out[f].Trace = trace
		p, truth := trace[half:], ft.Values[half:T]
		out[f].R = pearson(p, truth)
		if isBinary(truth) {
			out[f].AUC = max(0, aucOf(sortedOf(p), truth, nil))
		}
	}
	return out
}
