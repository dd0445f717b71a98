package kernels

// ewFuncs is one implementation of the element-wise kernels. Its functions may
// assume the exported wrappers' checks: equal lengths, and at least one element
// for the unary functions and Adam.
type ewFuncs struct {
	exp64, sigmoid64, tanh64 func(dst, src []float64)
	exp32, sigmoid32, tanh32 func(dst, src []float32)
	sumSquares64             func(x []float64) float64
	sumSquares32             func(x []float32) float64
	adam64                   func(p, g, m, v []float64, b1, b2, step, c2, eps float64)
	adam32                   func(p, g, m, v []float32, b1, b2, step, c2, eps float32)
}

// Exp sets dst[i] = e^src[i]. The result is math.Exp's, bit for bit on amd64
// (the vector kernels repeat its algorithm lane by lane), except for src[i] in
// [709.44, 709.78], where math.Exp on amd64 returns +Inf and Exp the finite
// value: e^x ≥ 1.28e308 there. Exp(−Inf) = 0, Exp(+Inf) = +Inf, NaN gives NaN.
// dst may be src; it panics unless len(dst) == len(src).
func Exp(dst, src []float64) {
	if unary("Exp", len(dst), len(src)) {
		active.ew.exp64(dst, src)
	}
}

// Sigmoid sets dst[i] = 1/(1 + e^−src[i]), with e^x as Exp: the bits of that
// Go expression, so Sigmoid(x) = 0 for x < −709.78 (e^−x overflows) and 1 for
// x > 36.7. dst may be src.
func Sigmoid(dst, src []float64) {
	if unary("Sigmoid", len(dst), len(src)) {
		active.ew.sigmoid64(dst, src)
	}
}

// Tanh sets dst[i] = tanh(src[i]), math.Tanh's bits (its formulas: a rational
// function below |x| = 0.625, so no cancellation near 0, and 1 − 2/(e^{2|x|}+1)
// above, with e^x as Exp). Tanh(±0) = ±0 and Tanh(±Inf) = ±1. dst may be src.
func Tanh(dst, src []float64) {
	if unary("Tanh", len(dst), len(src)) {
		active.ew.tanh64(dst, src)
	}
}

// Exp32 is Exp for float32: within 1 ulp of the float64 result rounded to
// float32, subnormal results included (checked over every float32).
func Exp32(dst, src []float32) {
	if unary("Exp32", len(dst), len(src)) {
		active.ew.exp32(dst, src)
	}
}

// Sigmoid32 is Sigmoid for float32, within 1 ulp of the float64 result rounded.
// For x < 0 it is computed as e^x/(1+e^x), so down to x ≈ −103.9 it returns the
// float32 (subnormal) value rather than 0.
func Sigmoid32(dst, src []float32) {
	if unary("Sigmoid32", len(dst), len(src)) {
		active.ew.sigmoid32(dst, src)
	}
}

// Tanh32 is Tanh for float32, within 1 ulp of the float64 result rounded.
func Tanh32(dst, src []float32) {
	if unary("Tanh32", len(dst), len(src)) {
		active.ew.tanh32(dst, src)
	}
}

// SumSquares returns Σ x[i]², for gradient-norm clipping. The order is fixed,
// and the same in every implementation, so the same input gives the same bits
// whatever the CPU or RNNSCOPE_KERNELS: x[i] goes into partial sum i mod 32
// with one fused multiply-add (s = x·x + s, rounded once), and the 32 partial
// sums are then added pairwise, s[j] += s[j+16], then s[j+8], s[j+4], s[j+2],
// s[j+1]. Its error is at most about (n/32 + 5) float64 roundings, relative,
// and in practice far less (see TestSumSquaresAccuracy).
func SumSquares(x []float64) float64 { return active.ew.sumSquares64(x) }

// SumSquares32 returns Σ x[i]² in float64, in SumSquares's order: each x[i]
// is widened to float64 first, where its square is exact.
func SumSquares32(x []float32) float64 { return active.ew.sumSquares32(x) }

// Adam applies one Adam update to the parameters p with gradient g and moments
// m and v, each element exactly as the Go statements
//
//	m[i] = b1*m[i] + (1-b1)*g[i]
//	v[i] = b2*v[i] + (1-b2)*g[i]*g[i]
//	p[i] -= step*m[i] / (math.Sqrt(v[i])/c2 + eps)
//
// compiled without fused multiply-adds: every product, sum, square root and
// quotient is rounded on its own, in that order, so the result is the same bits
// in every implementation, and a resumed run matches an uninterrupted one.
// 1−b1 and 1−b2 are computed in float64 from the arguments. (With PyTorch's
// bias corrections, step = lr/(1−b1ᵗ) and c2 = √(1−b2ᵗ).) It panics unless
// the four slices have the same length.
func Adam(p, g, m, v []float64, b1, b2, step, c2, eps float64) {
	if adamCheck("Adam", len(p), len(g), len(m), len(v)) {
		active.ew.adam64(p, g, m, v, b1, b2, step, c2, eps)
	}
}

// Adam32 is Adam for float32: every operation rounds to float32, as Go's
// float32 arithmetic does (the square root as float32(math.Sqrt(float64(v)))).
func Adam32(p, g, m, v []float32, b1, b2, step, c2, eps float32) {
	if adamCheck("Adam32", len(p), len(g), len(m), len(v)) {
		active.ew.adam32(p, g, m, v, b1, b2, step, c2, eps)
	}
}

// unary panics unless the lengths match and reports whether there is work.
func unary(name string, ndst, nsrc int) bool {
	if ndst != nsrc {
		panic("kernels: " + name + ": len(dst) != len(src)")
	}
	return nsrc > 0
}

func adamCheck(name string, np, ng, nm, nv int) bool {
	if ng != np || nm != np || nv != np {
		panic("kernels: " + name + ": p, g, m and v differ in length")
	}
	return np > 0
}
