package probe

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

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
//
// z, when not nil, holds the design matrix's memory from one call to the next
// (megabytes to clear otherwise).
func readouts(rec *Recording, series [][]float64, feats []corpora.Feature, z *[]float32) []Fit {
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
	L := len(feats)
	// The fit half's steps in the order Z keeps them: the steps where the first
	// label with gaps is defined, then the others (each in time order), so that
	// its Gram matrix and that of the rest are both sums over a range of Z's
	// columns, and the whole fit half's is their sum. at[i] is the step in
	// column i, col[t] the column of step t.
	at := make([]int, half)
	col := make([]int, half)
	split, gapped := half, -1
	for f, ft := range feats {
		if slices.ContainsFunc(ft.Values[:half], math.IsNaN) {
			gapped = f
			break
		}
	}
	if gapped >= 0 {
		vals, i := feats[gapped].Values[:half], 0
		for pass := range 2 {
			for t, v := range vals {
				if math.IsNaN(v) == (pass == 1) {
					at[i], col[t] = t, i
					i++
				}
			}
			if pass == 0 {
				split = i
			}
		}
	} else {
		for t := range half {
			at[t], col[t] = t, t
		}
	}
	// Z: (D × T), row 0 ones, row j the unit standardised on the fit half
	// (constant units stay 0); the fit half in the order of at.
	var Z []float32
	if z == nil || cap(*z) < D*T {
		Z = make([]float32, D*T)
		if z != nil {
			*z = Z
		}
	} else {
		Z = (*z)[:D*T]
	}
	for t := range T {
		Z[t] = 1
	}
	xs := make([]float64, half) // a unit's fit half in the order of at
	for j, u := range use {
		x := series[u]
		m := sum(x[:half]) / float64(half)
		sd := math.Sqrt(max(kernels.SumSquares(x[:half])/float64(half)-m*m, 0))
		row, inv := Z[(j+1)*T:(j+2)*T], 1/sd
		if sd <= 1e-9 {
			clear(row)
			continue
		}
		fit := x[:half]
		if gapped >= 0 {
			for i, t := range at {
				xs[i] = x[t]
			}
			fit = xs
		}
		kernels.Standardize(row[:half], fit, m, inv)
		kernels.Standardize(row[half:T], x[half:T], m, inv)
	}
	// syrk adds AₛAₛᵀ over the n columns of A (rows lda apart) to g, or sets
	// it: only the blocks on and above the diagonal, over panels of columns that
	// stay in cache while every block reads them.
	syrk := func(g []float32, A []float32, lda, n int, add bool) {
		const blk, panel = 32, 256
		for p0 := 0; p0 < n; p0 += panel {
			k, beta := min(panel, n-p0), float32(1)
			if p0 == 0 && !add {
				beta = 0
			}
			for i0 := 0; i0 < D; i0 += blk {
				m := min(blk, D-i0)
				kernels.GemmNT32(m, D-i0, k, A[i0*lda+p0:], lda, A[i0*lda+p0:], lda, beta, g[i0*D+i0:], D)
			}
		}
	}
	// factor is the Cholesky factor of the Gram matrix g32 of n steps (its
	// upper triangle) with the ridge, nil if it is not positive definite.
	factor := func(g32 []float32, n int) *blas64.Triangular {
		g := make([]float64, D*D)
		for i := range D {
			for j := i; j < D; j++ {
				g[i*D+j] = float64(g32[i*D+j])
			}
		}
		for j := 1; j < D; j++ {
			g[j*D+j] += ridgeLambda * float64(n)
		}
		g[0] += 1e-9
		if !cholesky(g, D) {
			return nil
		}
		return &blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: D, Stride: D, Data: g}
	}
	// Y: (labels × fit half) in Z's column order, 0 where a label is NaN (those
	// steps add nothing to Zᵀy); which labels have gaps.
	Y := make([]float32, L*half)
	masked := make([]bool, L)
	for f, ft := range feats {
		y := Y[f*half : (f+1)*half]
		for t, v := range ft.Values[:half] {
			if math.IsNaN(v) {
				masked[f] = true
				continue
			}
			y[col[t]] = float32(v)
		}
	}
	XtY := make([]float32, D*L) // (D × labels) = Z·Yᵀ over the fit half
	kernels.GemmNT32(D, L, half, Z, T, Y, half, 0, XtY, L)
	W := make([]float32, L*D) // (labels × D): the fitted weights, 0 when unfitted
	fitted := make([]bool, L)
	// solve fits the labels fs, which share the factor G = UᵀU: UᵀU w = Zᵀy,
	// two triangular solves on each label's Zᵀy (gonum's Potrs goes about
	// several right-hand sides in rows of a few elements, ten times slower).
	solve := func(G *blas64.Triangular, fs []int) {
		if G == nil {
			return
		}
		w := make([]float64, D)
		for _, f := range fs {
			for i := range w {
				w[i] = float64(XtY[i*L+f])
			}
			v := blas64.Vector{N: D, Inc: 1, Data: w}
			blas64.Trsv(blas.Trans, *G, v)
			blas64.Trsv(blas.NoTrans, *G, v)
			for i, x := range w {
				W[f*D+i] = float32(x)
			}
			fitted[f] = true
		}
	}
	var whole []int    // the labels defined at every step of the fit half
	var gGap []float32 // the Gram matrix of the gapped label's steps
	gramGap := func() []float32 {
		if gGap == nil {
			gGap = make([]float32, D*D)
			syrk(gGap, Z, T, split, false)
		}
		return gGap
	}
	for f, ft := range feats {
		switch {
		case !masked[f]:
			whole = append(whole, f)
		case f == gapped:
			if split < 10 {
				continue
			}
			solve(factor(gramGap(), split), []int{f})
		default: // another label with gaps: its own steps, gathered
			var cols []int
			for t, v := range ft.Values[:half] {
				if !math.IsNaN(v) {
					cols = append(cols, col[t])
				}
			}
			if len(cols) < 10 {
				continue
			}
			n := len(cols)
			A := make([]float32, D*n)
			for j := range D {
				src, dst := Z[j*T:(j+1)*T], A[j*n:(j+1)*n]
				for i, c := range cols {
					dst[i] = src[c]
				}
			}
			g := make([]float32, D*D)
			syrk(g, A, n, n, false)
			solve(factor(g, n), []int{f})
		}
	}
	if len(whole) > 0 {
		// The whole fit half: the gapped label's steps and the rest.
		g := slices.Clone(gramGap())
		syrk(g, Z[split:], T, half-split, true)
		solve(factor(g, half), whole)
	}
	// Every label's prediction at every step: (labels × T) = W·Z.
	P := make([]float32, L*T)
	kernels.GemmNN32(L, T, D, W, D, Z, T, 0, P, T)
	for f, ft := range feats {
		if !fitted[f] {
			continue
		}
		trace, pf := make([]float64, T), P[f*T:(f+1)*T]
		for t := range half {
			trace[t] = float64(pf[col[t]])
		}
		for t := half; t < T; t++ {
			trace[t] = float64(pf[t])
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

// sum adds x up in four interleaved partial sums.
func sum(x []float64) float64 {
	var s [4]float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s[0] += x[i]
		s[1] += x[i+1]
		s[2] += x[i+2]
		s[3] += x[i+3]
	}
	for ; i < len(x); i++ {
		s[0] += x[i]
	}
	return (s[0] + s[1]) + (s[2] + s[3])
}

// cholesky factors the symmetric positive definite n×n matrix a (row-major, its
// upper triangle read) in place as UᵀU, U upper triangular; it reports false,
// leaving a spoiled, when a pivot is not positive. Blocks of cholBlock rows go
// through the engine's float64 products: each block's rows of U are its
// diagonal block's factor, inverted, times the rows to its right, and those
// rows update the upper triangle below them in one product per block of rows.
func cholesky(a []float64, n int) bool {
	const nb = cholBlock
	inv := make([]float64, nb*nb) // the diagonal block's factor, inverted
	x := make([]float64, nb*n)    // a block's rows of U right of the diagonal block
	neg := make([]float64, nb*n)  // the same, negated
	for k0 := 0; k0 < n; k0 += nb {
		k1 := min(k0+nb, n)
		kb, m := k1-k0, n-k1
		// The diagonal block, updated by the blocks above, factored in place.
		for j := k0; j < k1; j++ {
			d := a[j*n+j]
			if !(d > 0) {
				return false
			}
			d = math.Sqrt(d)
			a[j*n+j] = d
			rj := a[j*n+j+1 : j*n+k1]
			for c := range rj {
				rj[c] /= d
			}
			for i := j + 1; i < k1; i++ {
				u, ri := a[j*n+i], a[i*n+i:i*n+k1]
				for c, v := range a[j*n+i : j*n+k1] {
					ri[c] -= u * v
				}
			}
		}
		if m == 0 {
			break
		}
		// inv = U_kk⁻¹, upper triangular, by back substitution.
		clear(inv)
		for j := range kb {
			inv[j*kb+j] = 1 / a[(k0+j)*n+k0+j]
			for i := j - 1; i >= 0; i-- {
				s := 0.0
				for k := i + 1; k <= j; k++ {
					s += a[(k0+i)*n+k0+k] * inv[k*kb+j]
				}
				inv[i*kb+j] = -s / a[(k0+i)*n+k0+i]
			}
		}
		// The block's rows right of it: U_kk⁻ᵀ times those of a.
		xs, ns := x[:kb*m], neg[:kb*m]
		kernels.GemmTN(kb, m, kb, inv, kb, a[k0*n+k1:], n, 0, xs, m)
		for r := range kb {
			copy(a[(k0+r)*n+k1:(k0+r)*n+n], xs[r*m:(r+1)*m])
		}
		for i, v := range xs {
			ns[i] = -v
		}
		// The upper triangle below: a −= xᵀx, a block of rows at a time.
		for r0 := 0; r0 < m; r0 += nb {
			rows := min(nb, m-r0)
			kernels.GemmTN(rows, m-r0, kb, ns[r0:], m, xs[r0:], m, 1, a[(k1+r0)*n+k1+r0:], n)
		}
	}
	return true
}

// cholBlock is how many rows cholesky factors at a time.
const cholBlock = 32
