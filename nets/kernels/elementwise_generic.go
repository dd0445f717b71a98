package kernels

import "math"

// The pure-Go element-wise kernels: math.Exp, 1/(1+math.Exp(−x)) and math.Tanh
// loops (in float64 for the float32 versions), the Go Adam loop and the 32-lane
// sum of squares. They are the reference every vector kernel is tested against.

func ewGo() ewFuncs {
	return ewFuncs{
		exp64: expGo, sigmoid64: sigmoidGo, tanh64: tanhGo,
		exp32: exp32Go, sigmoid32: sigmoid32Go, tanh32: tanh32Go,
		sumSquares64: sumSquaresGo[float64], sumSquares32: sumSquaresGo[float32],
		adam64: adamGo[float64], adam32: adamGo[float32],
	}
}

func expGo(dst, src []float64) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = exp(x)
	}
}

func sigmoidGo(dst, src []float64) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = sigmoid(x)
	}
}

func tanhGo(dst, src []float64) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = math.Tanh(x)
	}
}

func exp32Go(dst, src []float32)     { via64(dst, src, exp) }
func sigmoid32Go(dst, src []float32) { via64(dst, src, sigmoid) }
func tanh32Go(dst, src []float32)    { via64(dst, src, math.Tanh) }

func sigmoid(x float64) float64 { return 1 / (1 + exp(-x)) }

// via64 sets dst[i] = float32(f(float64(src[i]))), converting in blocks
// through a float64 buffer: in a plain loop the compiler's CVTSS2SD merges
// into the register that still holds the previous result, which chains every
// call of f to the one before (30 ns an element instead of 5 on amd64).
func via64(dst, src []float32, f func(float64) float64) {
	dst = dst[:len(src)]
	var buf [64]float64
	for len(src) > 0 {
		n := min(len(src), len(buf))
		for i, x := range src[:n] {
			buf[i] = float64(x)
		}
		for i, w := range buf[:n] {
			buf[i] = f(w)
		}
		for i, w := range buf[:n] {
			dst[i] = float32(w)
		}
		src, dst = src[n:], dst[n:]
	}
}

// expOverflow is math.Exp's overflow threshold on amd64: above it, +Inf.
const expOverflow = 7.09782712893384e+02

// exp is math.Exp, except where math.Exp on amd64 returns +Inf for a finite
// result: x in [709.44, 709.78], where its k = round(x·log2e) is 1024 and its
// scaling gives up. There the same algorithm finishes the scaling (expAmd64).
func exp(x float64) float64 {
	y := math.Exp(x)
	if y > math.MaxFloat64 && x <= expOverflow {
		return expAmd64(x)
	}
	return y
}

// expAmd64 is math.Exp's algorithm on amd64 with FMA (src/math/exp_amd64.s),
// the one the vector kernels repeat, for finite x ≤ expOverflow: k =
// round(x·log2e), r = (x − k·ln2)/16 in two fused steps, e^r − 1 by Taylor's
// series to r⁸, squared up four times to e^{16r}, then scaled by 2^k.
func expAmd64(x float64) float64 {
	const (
		log2e = 1.4426950408889634073599246810018920
		ln2u  = 0.69314718055966295651160180568695068359375
		ln2l  = 0.28235290563031577122588448175013436025525412068e-12
	)
	c := [...]float64{1.0, 0.5, 1.6666666666666666667e-1, 4.1666666666666666667e-2, 8.3333333333333333333e-3,
		1.3888888888888888889e-3, 1.9841269841269841270e-4, 2.4801587301587301587e-5}
	k := math.RoundToEven(x * log2e)
	r := math.FMA(-k, ln2u, x)
	r = math.FMA(-k, ln2l, r)
	r *= 0.0625
	p := c[7]
	for i := 6; i >= 0; i-- {
		p = math.FMA(r, p, c[i])
	}
	t := r * p
	for range 3 {
		t *= t + 2
	}
	t = math.FMA(t+2, t, 1)
	return math.Ldexp(t, int(k))
}

// sumSquaresGo is SumSquares's definition: 32 partial sums, then a fixed tree.
func sumSquaresGo[F float32 | float64](x []F) float64 {
	var s [32]float64
	for len(x) >= 32 {
		for j, v := range x[:32] {
			w := float64(v)
			s[j] = math.FMA(w, w, s[j])
		}
		x = x[32:]
	}
	for j, v := range x {
		w := float64(v)
		s[j] = math.FMA(w, w, s[j])
	}
	return sumTree(&s)
}

// sumTree adds s[j+16] into s[j], then s[j+8], s[j+4], s[j+2] and s[j+1].
func sumTree(s *[32]float64) float64 {
	for w := 16; w >= 1; w /= 2 {
		for j := range w {
			s[j] += s[j+w]
		}
	}
	return s[0]
}

// adamGo is the Adam update as written in the doc of Adam. The conversions to
// F forbid the compiler to fuse a multiplication and an addition (the Go spec
// lets it on FMA machines otherwise), which would change the bits.
func adamGo[F float32 | float64](p, g, m, v []F, b1, b2, step, c2, eps F) {
	omb1, omb2 := 1-b1, 1-b2
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	for i, gi := range g {
		m[i] = F(b1*m[i]) + F(omb1*gi)
		v[i] = F(b2*v[i]) + F(F(omb2*gi)*gi)
		p[i] -= F(step*m[i]) / (F(F(math.Sqrt(float64(v[i])))/c2) + eps)
	}
}
