package probe

import (
	"fmt"
	"math"
	"math/cmplx"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack"
	lapackgo "gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"

	"github.com/rnnscope/rnnscope/nets"
)

// GradFlow is how the gradient of a loss at the last step of a window falls off
// with lag: Ratio[k] = ‖∂L_t/∂h_{t−k}‖ / ‖∂L_t/∂h_t‖ for k = 0…K (Ratio[0] = 1),
// for the top layer's h, combined over windows by the geometric mean. L_t is the
// cross-entropy of the character that follows the window. For the LSTM it is the
// gradient with respect to h alone, c_{t−k} held fixed, as in the research's
// grads.py.
type GradFlow struct {
	Cell  nets.Cell
	Ratio []float64 // [K+1], dimensionless; a ratio below 1e-300 counts as 1e-300
	// SigmaMax is the largest singular value of each layer's W_hh (the whole stacked
	// G·H×H matrix): how much one multiplication by W_hhᵀ can stretch a gradient.
	SigmaMax []float64
	// Radius is the spectral radius of each layer's W_hh for the vanilla cell (H×H):
	// the factor per step by which a long product of W_hh grows or shrinks, tanh
	// aside. Nil for LSTM and GRU, whose W_hh is not square.
	Radius  []float64
	Windows int
}

// Clone returns a copy that shares no memory with f (Measure's result is
// overwritten by the meter's next Measure).
func (f GradFlow) Clone() GradFlow {
	f.Ratio = slices.Clone(f.Ratio)
	f.SigmaMax = slices.Clone(f.SigmaMax)
	f.Radius = slices.Clone(f.Radius)
	return f
}

// minRatio is the floor of a ratio, so that one window whose gradient underflowed
// to 0 cannot make the geometric mean 0.
const minRatio = 1e-300

// GradMeter measures GradFlow repeatedly (the TUI refreshes it live): after the
// first Measure it allocates nothing, except inside gonum's Dlahqr for the vanilla
// cell's spectral radius (one 3-element array per QR sweep: about 240 allocations,
// 6 KB, per Measure at H = 128). It runs the windows as one batch through
// engines of its own, with a gradient slab of its own, so it never disturbs a
// trainer's gradients. A GradMeter belongs to one goroutine.
type GradMeter struct {
	cfg                 nets.Config
	lags, winLen, warmT int // K; window length; steps run forward only (winLen − (K+1))
	b                   int // windows, run as B parallel streams

	warm  *nets.Engine[float64] // forward only, warmT steps (nil when warmT = 0)
	tape  *nets.Engine[float64] // K+1 steps with the tape and backward
	g     *nets.Params[float64] // gradients the tape's Backward adds to; never read
	st    *nets.State[float64]
	xWarm []int32 // (warmT, B) time-major
	xTape []int32 // (K+1, B)
	y     []int32 // (B): the character after each window

	norms  []float64 // (K+1, B): ‖∂L/∂h‖ of the top layer after tape step τ (lag K−τ)
	logSum []float64 // (K+1)
	out    GradFlow

	spec spectrum // workspace for the spectra of W_hh

	// seeGrad, when set (tests), is shown ∂L/∂h of the top layer at each lag and
	// stream during Measure.
	seeGrad func(lag, stream int, dh []float64)
}

// NewGradMeter prepares to measure lags 0…lags over windows windows of windowLen
// characters each; the first windowLen − (lags+1) steps only warm up the state.
// It panics unless lags ≥ 1, windowLen > lags and windows ≥ 1.
func NewGradMeter(cfg nets.Config, lags, windowLen, windows int) *GradMeter {
	if lags < 1 || windowLen <= lags || windows < 1 {
		panic(fmt.Sprintf("probe: gradient meter for %d lags over %d windows of %d: want lags ≥ 1, windowLen > lags, windows ≥ 1",
			lags, windows, windowLen))
	}
	if err := cfg.Validate(); err != nil {
		panic("probe: gradient meter: " + err.Error())
	}
	k1, b := lags+1, windows
	g := &GradMeter{cfg: cfg, lags: lags, winLen: windowLen, warmT: windowLen - k1, b: b,
		g:      nets.NewParams[float64](cfg),
		st:     nets.NewState[float64](cfg, b),
		xWarm:  make([]int32, (windowLen-k1)*b),
		xTape:  make([]int32, k1*b),
		y:      make([]int32, b),
		norms:  make([]float64, k1*b),
		logSum: make([]float64, k1),
		out: GradFlow{Cell: cfg.Cell, Ratio: make([]float64, k1), SigmaMax: make([]float64, cfg.Layers),
			Windows: b},
	}
	if g.warmT > 0 {
		g.warm = nets.NewEngine[float64](cfg, nil, nil, g.warmT, b)
	}
	g.tape = nets.NewEngine(cfg, nil, g.g, k1, b)
	top, h := cfg.Layers-1, cfg.Hidden
	g.tape.GradObserve = func(layer, t int, dh []float64) {
		if layer != top {
			return
		}
		for s := range b {
			v := dh[s*h : (s+1)*h]
			g.norms[t*b+s] = floats.Norm(v, 2) // scaled: no underflow in the squares
			if g.seeGrad != nil {
				g.seeGrad(lags-t, s, v)
			}
		}
	}

	g.spec = newSpectrum(cfg.GH(), h)
	if cfg.Cell == nets.RNN {
		g.out.Radius = make([]float64, cfg.Layers)
	}
	return g
}

// TextLen is the fewest tokens Measure needs: one window and the character after it.
func (g *GradMeter) TextLen() int { return g.winLen + 1 }

// window returns window s of text and the character after it.
func (g *GradMeter) window(s int, text []int32) []int32 {
	start := 0
	if g.b > 1 {
		start = int(int64(s) * int64(len(text)-g.TextLen()) / int64(g.b-1))
	}
	return text[start : start+g.winLen+1]
}

// Measure runs the windows through the weights p and returns the gradient flow.
// Window i starts at ⌊i·(len(text) − windowLen − 1) / (windows − 1)⌋ (the first at 0,
// the last at the end), from h₀ = 0 (c₀ = 0). The result's slices belong to the
// meter and are overwritten by the next Measure: Clone what you keep. p must not
// change during the call (measure between training steps, on the trainer's
// goroutine). It panics when text is shorter than TextLen or p has the wrong shape.
func (g *GradMeter) Measure(p *nets.Params[float64], text []int32) GradFlow {
	if len(p.Mem) != g.cfg.NumParams() {
		panic(fmt.Sprintf("probe: gradient meter for %s given %d parameters", g.cfg, len(p.Mem)))
	}
	if len(text) < g.TextLen() {
		panic(fmt.Sprintf("probe: gradient meter needs %d tokens, given %d", g.TextLen(), len(text)))
	}
	b, k1, v := g.b, g.lags+1, g.cfg.Vocab
	for s := range b {
		w := g.window(s, text)
		for t := range g.warmT {
			g.xWarm[t*b+s] = w[t]
		}
		for t := range k1 {
			g.xTape[t*b+s] = w[g.warmT+t]
		}
		g.y[s] = w[g.winLen]
	}

	// Warm up without a tape, then run the last K+1 steps with one.
	g.st.Reset()
	if g.warm != nil {
		g.warm.P = p
		g.warm.Forward(g.xWarm, g.st)
	}
	g.tape.P = p
	g.tape.Forward(g.xTape, g.st)

	// ∂L/∂logits: zero except at the last step, where L is −log p(y) of each stream
	// (not divided by B: each stream's ratio is its own).
	dl := g.tape.DLogits()
	clear(dl)
	for s := range b {
		row := g.tape.Logits(k1-1, s)
		d := dl[((k1-1)*b+s)*v : ((k1-1)*b+s+1)*v]
		m := floats.Max(row)
		sum := 0.0
		for j, z := range row {
			d[j] = math.Exp(z - m)
			sum += d[j]
		}
		floats.Scale(1/sum, d) // softmax
		d[g.y[s]]--            //   − onehot
	}
	clear(g.g.Mem)
	g.tape.Backward()

	// Ratio per stream, then the geometric mean over streams.
	clear(g.logSum)
	for s := range b {
		l0 := math.Log(max(g.norms[(k1-1)*b+s], math.SmallestNonzeroFloat64))
		for k := range k1 {
			n := g.norms[(k1-1-k)*b+s]
			g.logSum[k] += max(math.Log(n)-l0, math.Log(minRatio))
		}
	}
	g.out.Ratio[0] = 1
	for k := 1; k < k1; k++ {
		g.out.Ratio[k] = math.Exp(g.logSum[k] / float64(b))
	}
	g.spectra(p)
	return g.out
}

// spectra fills SigmaMax and, for the vanilla cell, Radius from each layer's W_hh.
func (g *GradMeter) spectra(p *nets.Params[float64]) {
	for l, lp := range p.Layers {
		g.out.SigmaMax[l] = g.spec.sigmaMax(lp.Whh.Data, lp.Whh.Rows, lp.Whh.Cols)
		if g.out.Radius != nil {
			g.out.Radius[l] = g.spec.radius(lp.Whh.Data, lp.Whh.Cols)
		}
	}
}

// spectrum computes σ_max and the spectral radius of a matrix without allocating.
// mat.SVD and mat.Eigen would do, but they allocate on every call (a copy of the
// matrix, the eigenvalues, sort.Reverse in Dlasrt, scratch arrays in Dlaexc), so
// spectrum runs gonum's LAPACK steps itself with workspaces kept from call to call:
// QR and bidiagonalisation then bisection for σ_max; balancing, Hessenberg reduction
// and the double-shift QR algorithm for the eigenvalues. TestSpectrumMatchesMat
// checks both against package mat.
type spectrum struct {
	a            []float64 // (m, n) copy of the matrix, destroyed by each step
	tau, tauP, d []float64 // (n)
	e, scale     []float64 // (n)
	wr, wi       []float64 // (n)
	work         []float64
}

func newSpectrum(m, n int) spectrum {
	sp := spectrum{a: make([]float64, m*n), tau: make([]float64, n), tauP: make([]float64, n),
		d: make([]float64, n), e: make([]float64, n), scale: make([]float64, n),
		wr: make([]float64, n), wi: make([]float64, n)}
	impl := lapackgo.Implementation{}
	var q [1]float64
	lwork := 1
	impl.Dgeqrf(m, n, sp.a, n, sp.tau, q[:], -1)
	lwork = max(lwork, int(q[0]))
	impl.Dgebrd(n, n, sp.a, n, sp.d, sp.e, sp.tau, sp.tauP, q[:], -1)
	lwork = max(lwork, int(q[0]))
	if m == n {
		impl.Dgehrd(n, 0, n-1, sp.a, n, sp.tau[:n-1], q[:], -1)
		lwork = max(lwork, int(q[0]))
	}
	sp.work = make([]float64, lwork)
	return sp
}

// sigmaMax returns the largest singular value of the m×n matrix w (row-major,
// m ≥ n, not modified): R of w = QR has the same singular values, and so has the
// bidiagonal B = Uᵀ·R·V; the largest is found by bisection as the largest
// eigenvalue of B's Golub–Kahan form, which bisection finds to full relative
// precision.
func (sp *spectrum) sigmaMax(w []float64, m, n int) float64 {
	impl := lapackgo.Implementation{}
	a := sp.a[:m*n]
	copy(a, w)
	if m > n {
		impl.Dgeqrf(m, n, a, n, sp.tau, sp.work, len(sp.work))
		for i := 1; i < n; i++ {
			clear(a[i*n : i*n+i]) // keep R: drop the reflectors stored below it
		}
	}
	impl.Dgebrd(n, n, a, n, sp.d, sp.e, sp.tau, sp.tauP, sp.work, len(sp.work))
	return bidiagonalMax(sp.d, sp.e[:n-1])
}

// bidiagonalMax is the largest singular value of the bidiagonal matrix with
// diagonal d and off-diagonal e: the largest eigenvalue of the symmetric tridiagonal
// matrix with zero diagonal and off-diagonal d₀, e₀, d₁, e₁, …, d_{n−1}, whose
// eigenvalues are ±σᵢ, found by bisection on its Sturm count.
func bidiagonalMax(d, e []float64) float64 {
	hi, big := 0.0, 0.0 // Gershgorin bound: the largest |row sum|
	prev := 0.0
	for i, di := range d {
		hi = max(hi, prev+math.Abs(di))
		prev = math.Abs(di)
		if i < len(e) {
			hi = max(hi, prev+math.Abs(e[i]))
			prev = math.Abs(e[i])
		}
		big = max(big, math.Abs(di))
	}
	for _, ei := range e {
		big = max(big, math.Abs(ei))
	}
	if hi == 0 {
		return 0
	}
	pivmin := 0x1p-1022 * max(1, big*big)
	// below counts the eigenvalues below x: the negative pivots of T − x·I, with
	// q₀ = −x and q_j = −x − b_{j−1}²/q_{j−1} for the off-diagonal b = d₀, e₀, d₁, ….
	below := func(x float64) int {
		n, q := 0, 0.0
		for j := range 2 * len(d) {
			switch {
			case j == 0:
				q = -x
			case j%2 == 1:
				q = -x - d[j/2]*d[j/2]/q
			default:
				q = -x - e[j/2-1]*e[j/2-1]/q
			}
			if math.Abs(q) < pivmin {
				q = -pivmin
			}
			if q < 0 {
				n++
			}
		}
		return n
	}
	all := 2 * len(d)
	lo := 0.0
	hi *= 1 + 4*0x1p-52
	for range 200 {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		if below(mid) == all {
			hi = mid
		} else {
			lo = mid
		}
	}
	return lo + (hi-lo)/2
}

// radius returns the spectral radius max |λᵢ| of the n×n matrix w (not modified).
func (sp *spectrum) radius(w []float64, n int) float64 {
	impl := lapackgo.Implementation{}
	a := sp.a[:n*n]
	copy(a, w)
	ilo, ihi := impl.Dgebal(lapack.PermuteScale, n, a, n, sp.scale)
	impl.Dgehrd(n, ilo, ihi, a, n, sp.tau[:n-1], sp.work, len(sp.work))
	if impl.Dlahqr(false, false, n, ilo, ihi, a, n, sp.wr[:ihi+1], sp.wi[:ihi+1], ilo, ihi, nil, 1) > 0 {
		// Not converged (rare): the full algorithm, which allocates.
		var eig mat.Eigen
		if !eig.Factorize(mat.NewDense(n, n, slices.Clone(w)), mat.EigenNone) {
			return math.NaN()
		}
		r := 0.0
		for _, v := range eig.Values(nil) {
			r = max(r, cmplx.Abs(v))
		}
		return r
	}
	r := 0.0
	for i := range n {
		if i < ilo || i > ihi { // isolated by balancing: already on the diagonal
			r = max(r, math.Abs(a[i*n+i]))
		} else {
			r = max(r, math.Hypot(sp.wr[i], sp.wi[i]))
		}
	}
	return r
}
