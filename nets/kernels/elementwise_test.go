package kernels

import (
	"flag"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

var exhaustive = flag.Bool("exhaustive", false, "check the float32 kernels on all 2³² inputs")

// ulps returns how many floats of type F lie between a and b (0 if both are
// NaN, a huge number if only one is).
func ulps[F float](a, b F) int64 {
	if a == b || (a != a && b != b) {
		return 0
	}
	if a != a || b != b {
		return math.MaxInt64
	}
	ord := func(x F) int64 { // a monotone map from F to integers
		var i int64
		if v, ok := any(x).(float32); ok {
			i = int64(int32(math.Float32bits(v)))
			if i < 0 {
				i = math.MinInt32 - i
			}
			return i
		}
		u := math.Float64bits(any(x).(float64))
		i = int64(u)
		if i < 0 {
			i = math.MinInt64 - i
		}
		return i
	}
	d := ord(a) - ord(b)
	if d < 0 {
		d = -d
	}
	return d
}

type unaryFunc[F float] func(dst, src []F)

type unaryCase struct {
	name  string
	tol64 int64 // max ulps from the pure-Go float64 result allowed by the contract
}

var unaryCases = []unaryCase{{"exp", 1}, {"sigmoid", 1}, {"tanh", 2}}

// tol32 is the float32 contract: within 2 ulps of the float64 result rounded.
const tol32 = 2

func unaryOf[F float](im impl, name string) unaryFunc[F] {
	var z F
	_, is32 := any(z).(float32)
	var f any
	switch {
	case name == "exp" && is32:
		f = im.ew.exp32
	case name == "exp":
		f = im.ew.exp64
	case name == "sigmoid" && is32:
		f = im.ew.sigmoid32
	case name == "sigmoid":
		f = im.ew.sigmoid64
	case name == "tanh" && is32:
		f = im.ew.tanh32
	default:
		f = im.ew.tanh64
	}
	g := f.(func(dst, src []F))
	return func(dst, src []F) {
		if len(src) > 0 { // the exported wrappers' guard
			g(dst, src)
		}
	}
}

func tolOf[F float](c unaryCase) int64 {
	var z F
	if _, ok := any(z).(float32); ok {
		return tol32
	}
	return c.tol64
}

// interesting returns inputs for the unary kernels: each region of the
// functions, their thresholds, and the special values.
func interesting[F float](rng *rand.Rand, n int) []F {
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1, -1,
		0.625, -0.625, math.Nextafter(0.625, 0), 1e-300, -1e-300, 5e-324, -5e-324, 1e-8, -1e-8,
		709.78, 709.79, 709.5, -745.1, -745.2, -708.4, 88.7, 88.8, -87.3, -103.9, -104, 44, 45, 9, 10,
		math.MaxFloat64, -math.MaxFloat64, math.MaxFloat32, -math.MaxFloat32, 1e-45, -1e-45}
	x := make([]F, n)
	for i := range x {
		var v float64
		switch i % 8 {
		case 0:
			v = special[rng.IntN(len(special))]
		case 1:
			v = rng.NormFloat64() * 3
		case 2:
			v = rng.Float64()*1600 - 800
		case 3:
			v = (rng.Float64() - 0.5) * math.Ldexp(1, -rng.IntN(60))
		case 4:
			v = rng.Float64()*220 - 110
		default:
			v = rng.NormFloat64()
		}
		x[i] = F(v)
	}
	return x
}

func testUnaryAgainstGo[F float](t *testing.T) {
	sizes := []int{127, 128, 129, 1000, 4099}
	for n := range 71 {
		sizes = append(sizes, n)
	}
	for _, im := range available()[1:] {
		for _, c := range unaryCases {
			t.Run(im.name+"/"+c.name, func(t *testing.T) {
				want, got := unaryOf[F](goImpl(), c.name), unaryOf[F](im, c.name)
				tol := tolOf[F](c)
				rng := rand.New(rand.NewPCG(7, uint64(len(c.name))))
				var worst int64
				for _, n := range sizes {
					for off := range 2 { // off = 1: unaligned starts
						src0 := interesting[F](rng, n+off)
						src := src0[off:]
						ref := make([]F, n)
						want(ref, src)
						buf := make([]F, n+off+2)
						for i := range buf {
							buf[i] = sentinel[F]()
						}
						dst := buf[1+off : 1+off+n]
						got(dst, src)
						where := fmt.Sprintf("%s %s n=%d off=%d", im.name, c.name, n, off)
						for i := range buf {
							if (i < 1+off || i >= 1+off+n) && !sameBits(buf[i], sentinel[F]()) {
								t.Fatalf("%s: wrote outside dst at buf[%d]", where, i)
							}
						}
						for i := range dst {
							u := ulps(dst[i], ref[i])
							if u > tol {
								t.Fatalf("%s: f(%v) = %v, pure Go %v (%d ulps)", where, src[i], dst[i], ref[i], u)
							}
							worst = max(worst, u)
						}
						// in place: the same bits
						inplace := slices.Clone(src)
						got(inplace, inplace)
						for i := range inplace {
							if !sameBits(inplace[i], dst[i]) {
								t.Fatalf("%s: in place f(%v) = %v, out of place %v", where, src[i], inplace[i], dst[i])
							}
						}
						if !slices.EqualFunc(src0[off:], src, sameBits[F]) {
							t.Fatalf("%s: src changed", where)
						}
					}
				}
				t.Logf("max %d ulps from pure Go", worst)
			})
		}
	}
}

// TestUnaryAgainstGo checks every vector implementation of Exp, Sigmoid and
// Tanh against the pure-Go one, for every length up to 70 and some larger,
// aligned and not: results within the contract's ulps, the same bits in place,
// nothing written outside dst.
func TestUnaryAgainstGo(t *testing.T) {
	t.Run("float64", testUnaryAgainstGo[float64])
	t.Run("float32", testUnaryAgainstGo[float32])
}

// sweep64 returns dense and random inputs for the float64 accuracy tests.
func sweep64(lo, hi, step float64, rng *rand.Rand, nrand int) []float64 {
	var x []float64
	for v := lo; v <= hi; v += step {
		x = append(x, v)
	}
	for range nrand {
		x = append(x, lo+(hi-lo)*rng.Float64())
	}
	// near zero, on a log scale, both signs, down to subnormals
	for e := -1074; e <= 0; e++ {
		v := math.Ldexp(1+rng.Float64(), e)
		x = append(x, v, -v, math.Ldexp(1, e), -math.Ldexp(1, e))
	}
	return x
}

// TestAccuracy64 sweeps the float64 functions densely (step 1e-3 over
// [−745, 710] for Exp, and so on), over random values and a log scale down to
// subnormals, and reports each implementation's largest distance in ulps from
// the math-package formula (the pure-Go implementation).
func TestAccuracy64(t *testing.T) {
	step := 1e-3
	if testing.Short() {
		step = 1e-2
	}
	rng := rand.New(rand.NewPCG(11, 12))
	inputs := map[string][]float64{
		"exp":     sweep64(-745, 710, step, rng, 1e5),
		"sigmoid": sweep64(-750, 750, step, rng, 1e5),
		"tanh":    append(sweep64(-50, 50, step/10, rng, 1e5), sweep64(-1, 1, step/1000, rng, 1e5)...),
	}
	for _, c := range unaryCases {
		x := inputs[c.name]
		want := make([]float64, len(x))
		unaryOf[float64](goImpl(), c.name)(want, x)
		for _, im := range available()[1:] {
			got := make([]float64, len(x))
			unaryOf[float64](im, c.name)(got, x)
			var worst, differ int64
			for i := range x {
				u := ulps(got[i], want[i])
				if u > c.tol64 {
					t.Errorf("%s %s(%v) = %v, want %v (%d ulps)", im.name, c.name, x[i], got[i], want[i], u)
					break
				}
				worst = max(worst, u)
				if u != 0 {
					differ++
				}
			}
			t.Logf("%-6s %-7s %8d inputs: max %d ulps from the Go formula, %d differ", im.name, c.name, len(x), worst, differ)
		}
	}
}

// TestSpecialValues pins the edge cases of the contract in every implementation.
func TestSpecialValues(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	negz := math.Copysign(0, -1)
	tiny := math.Ldexp(1, -600)
	cases := []struct {
		fn      string
		in, out float64
	}{
		{"exp", math.Inf(-1), 0}, {"exp", inf, inf}, {"exp", nan, nan}, {"exp", 0, 1}, {"exp", negz, 1},
		{"exp", 710, inf}, {"exp", 1e300, inf}, {"exp", -746, 0}, {"exp", -1e300, 0},
		{"exp", -745.1, 5e-324}, {"exp", -740, math.Exp(-740)}, // subnormal results
		{"exp", 5e-324, 1}, {"exp", 1e-17, 1},
		{"sigmoid", inf, 1}, {"sigmoid", math.Inf(-1), 0}, {"sigmoid", nan, nan}, {"sigmoid", 0, 0.5},
		{"sigmoid", 40, 1}, {"sigmoid", -710, 0}, {"sigmoid", -1e300, 0}, {"sigmoid", 1e300, 1},
		{"tanh", 0, 0}, {"tanh", negz, negz}, {"tanh", inf, 1}, {"tanh", math.Inf(-1), -1}, {"tanh", nan, nan},
		{"tanh", tiny, tiny}, {"tanh", -tiny, -tiny}, {"tanh", 5e-324, 5e-324}, {"tanh", -5e-324, -5e-324},
		{"tanh", 20, 1}, {"tanh", -20, -1}, {"tanh", 1e300, 1}, {"tanh", -1e300, -1},
	}
	for _, im := range available() {
		for _, c := range cases {
			got := []float64{0}
			unaryOf[float64](im, c.fn)(got, []float64{c.in})
			if ulps(got[0], c.out) != 0 || c.out == c.out && math.Signbit(got[0]) != math.Signbit(c.out) {
				t.Errorf("%s %s(%v) = %v, want %v", im.name, c.fn, c.in, got[0], c.out)
			}
			if c.in != c.in || math.IsInf(c.in, 0) || c.in == 0 || math.Abs(c.in) > 3e38 {
				g32 := []float32{0}
				unaryOf[float32](im, c.fn)(g32, []float32{float32(c.in)})
				if ulps(g32[0], float32(c.out)) != 0 || c.out == c.out && math.Signbit(float64(g32[0])) != math.Signbit(c.out) {
					t.Errorf("%s %s32(%v) = %v, want %v", im.name, c.fn, float32(c.in), g32[0], float32(c.out))
				}
			}
		}
	}
}

// bigExp returns e^x correctly rounded, from a 200-bit Taylor series.
func bigExp(x float64) float64 {
	const prec = 200
	ln2, _ := new(big.Float).SetPrec(prec).SetString("0.69314718055966295651160180568695068359375")
	ln2lo, _ := new(big.Float).SetPrec(prec).SetString(
		"2.8235290563031577122588448175013436025525412068000949339362196969471560586332699641868754200148102057068573368552023575813055703267075163507596193072757e-13")
	ln2.Add(ln2, ln2lo)
	k := math.Round(x / math.Ln2)
	r := new(big.Float).SetPrec(prec).SetFloat64(x)
	r.Sub(r, new(big.Float).SetPrec(prec).Mul(ln2, big.NewFloat(k)))
	sum, term := big.NewFloat(1).SetPrec(prec), big.NewFloat(1).SetPrec(prec)
	for i := 1; i < 60; i++ {
		term.Mul(term, r)
		term.Quo(term, big.NewFloat(float64(i)))
		sum.Add(sum, term)
	}
	sum.SetMantExp(sum, int(k))
	f, _ := sum.Float64()
	return f
}

// TestExpOverflowBand: for x in [709.44, 709.78] math.Exp on amd64 returns
// +Inf although e^x < MaxFloat64; every implementation here returns e^x,
// within 2 ulps (the error of math.Exp's algorithm) of the correctly rounded
// value. Above 709.7827 everything overflows.
func TestExpOverflowBand(t *testing.T) {
	if runtime.GOARCH == "amd64" && !math.IsInf(math.Exp(709.6), 1) {
		t.Logf("math.Exp(709.6) = %v: this Go's math.Exp is fixed", math.Exp(709.6))
	}
	rng := rand.New(rand.NewPCG(5, 6))
	x := []float64{709.436, 709.44, 709.5, 709.78, 709.782712893384, math.Nextafter(709.782712893384, 0)}
	for range 300 {
		x = append(x, 709.43+0.36*rng.Float64())
	}
	for _, im := range available() {
		got := make([]float64, len(x))
		unaryOf[float64](im, "exp")(got, x)
		var worst int64
		for i, v := range x {
			want := bigExp(v)
			if v > expOverflow {
				want = math.Inf(1)
			}
			u := ulps(got[i], want)
			if u > 2 {
				t.Errorf("%s Exp(%v) = %v, want %v (%d ulps)", im.name, v, got[i], want, u)
			}
			worst = max(worst, u)
		}
		t.Logf("%s: max %d ulps from e^x correctly rounded", im.name, worst)
	}
}

// TestExpGoIsMath: outside the band, the reference is math.Exp itself.
func TestExpGoIsMath(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for range 100000 {
		x := rng.Float64()*1500 - 780
		if x >= 709.4 && x <= expOverflow {
			continue
		}
		if got, want := exp(x), math.Exp(x); !sameBits(got, want) {
			t.Fatalf("exp(%v) = %v, math.Exp %v", x, got, want)
		}
	}
}

// f32Inputs calls f with chunks of float32 inputs: every stride-th bit pattern
// (all of them with -exhaustive), offset so that each run sees different ones.
func f32Inputs(stride uint64, f func(x []float32)) {
	if *exhaustive {
		stride = 1
	}
	buf := make([]float32, 0, 1<<16)
	for b := uint64(0); b < 1<<32; b += stride {
		buf = append(buf, math.Float32frombits(uint32(b)))
		if len(buf) == cap(buf) {
			f(buf)
			buf = buf[:0]
		}
	}
	f(buf)
}

// TestAccuracy32 compares the float32 kernels with the float64 results rounded
// to float32, over every 61st float32 (all of them with -exhaustive).
func TestAccuracy32(t *testing.T) {
	stride := uint64(61)
	if testing.Short() {
		stride = 1009
	}
	impls := available()[1:]
	for _, c := range unaryCases {
		want := unaryOf[float32](goImpl(), c.name)
		worst := make([]int64, len(impls))
		worstAt := make([]float32, len(impls))
		ref := make([]float32, 1<<16)
		got := make([]float32, 1<<16)
		f32Inputs(stride, func(x []float32) {
			want(ref[:len(x)], x)
			for j, im := range impls {
				unaryOf[float32](im, c.name)(got[:len(x)], x)
				for i := range x {
					if u := ulps(got[i], ref[i]); u > worst[j] {
						worst[j], worstAt[j] = u, x[i]
					}
				}
			}
		})
		for j, im := range impls {
			t.Logf("%-6s %-7s float32: max %d ulps from the float64 result rounded (at %v)", im.name, c.name, worst[j], worstAt[j])
			if worst[j] > tol32 {
				t.Errorf("%s %s32: %d ulps at %v", im.name, c.name, worst[j], worstAt[j])
			}
		}
	}
}

// adamData fills p, g, m, v with the values Adam meets, and the ones that
// stress it: zeros of both signs, tiny and subnormal gradients, huge ones
// whose square overflows.
func adamData[F float](rng *rand.Rand, n int) (p, g, m, v []F) {
	p, g, m, v = make([]F, n), make([]F, n), make([]F, n), make([]F, n)
	for i := range n {
		p[i] = F(rng.NormFloat64())
		m[i] = F(rng.NormFloat64() * 1e-2)
		v[i] = F(math.Abs(rng.NormFloat64()) * 1e-4)
		switch rng.IntN(10) {
		case 0:
			g[i] = 0
			m[i], v[i] = 0, 0
		case 1:
			g[i] = F(math.Copysign(0, -1))
		case 2:
			g[i] = F(rng.NormFloat64() * 1e-300) // 0 or subnormal in float32
		case 3:
			g[i] = F(rng.NormFloat64() * 1e-40)
		case 4:
			g[i] = F(rng.NormFloat64() * 1e30)
		case 5:
			g[i] = F(rng.NormFloat64() * 1e200) // ±Inf in float32
		default:
			g[i] = F(rng.NormFloat64())
		}
	}
	return
}

func testAdam[F float](t *testing.T) {
	var z F
	_, is32 := any(z).(float32)
	adamOf := func(im impl) func(p, g, m, v []F, b1, b2, step, c2, eps F) {
		if is32 {
			return any(im.ew.adam32).(func(p, g, m, v []F, b1, b2, step, c2, eps F))
		}
		return any(im.ew.adam64).(func(p, g, m, v []F, b1, b2, step, c2, eps F))
	}
	sizes := []int{100, 1000, 4099}
	for n := 1; n <= 70; n++ {
		sizes = append(sizes, n)
	}
	hyper := [][5]float64{ // b1, b2, step, c2, eps
		{0.9, 0.999, 2e-3 / 0.1, math.Sqrt(1 - 0.999), 1e-8},                                     // t = 1
		{0.9, 0.999, 2e-3 / (1 - math.Pow(0.9, 500)), math.Sqrt(1 - math.Pow(0.999, 500)), 1e-8}, // t = 500
		{0.5, 0.9, 1, 1, 1e-3},
	}
	for _, im := range available()[1:] {
		t.Run(im.name, func(t *testing.T) {
			got := adamOf(im)
			rng := rand.New(rand.NewPCG(3, 3))
			for _, n := range sizes {
				for off := range 2 {
					h := hyper[rng.IntN(len(hyper))]
					b1, b2, step, c2, eps := F(h[0]), F(h[1]), F(h[2]), F(h[3]), F(h[4])
					p, g, m, v := adamData[F](rng, n+off)
					// the reference on copies, 3 steps
					wp, wm, wv := slices.Clone(p[off:]), slices.Clone(m[off:]), slices.Clone(v[off:])
					g0 := slices.Clone(g)
					// the kernel on sentinel-framed copies
					frame := func(x []F) ([]F, []F) {
						buf := make([]F, len(x)+2)
						for i := range buf {
							buf[i] = sentinel[F]()
						}
						copy(buf[1:], x)
						return buf, buf[1 : 1+len(x)]
					}
					pb, gp := frame(p[off:])
					mb, gm := frame(m[off:])
					vb, gv := frame(v[off:])
					for range 3 {
						adamGo(wp, g[off:], wm, wv, b1, b2, step, c2, eps)
						got(gp, g[off:], gm, gv, b1, b2, step, c2, eps)
					}
					where := fmt.Sprintf("%s n=%d off=%d", im.name, n, off)
					for _, c := range []struct {
						name      string
						buf, want []F
					}{{"p", pb, wp}, {"m", mb, wm}, {"v", vb, wv}} {
						if !sameBits(c.buf[0], sentinel[F]()) || !sameBits(c.buf[n+1], sentinel[F]()) {
							t.Fatalf("%s: wrote outside %s", where, c.name)
						}
						for i := range n {
							if !sameBits(c.buf[1+i], c.want[i]) {
								t.Fatalf("%s: %s[%d] = %v, Go loop %v (g = %v)", where, c.name, i, c.buf[1+i], c.want[i], g[off+i])
							}
						}
					}
					if !slices.EqualFunc(g, g0, sameBits[F]) {
						t.Fatalf("%s: g changed", where)
					}
				}
			}
		})
	}
}

// TestAdam checks every vector Adam against the Go loop bit for bit, over three
// consecutive steps, on data with zeros, subnormal and overflowing gradients.
func TestAdam(t *testing.T) {
	t.Run("float64", testAdam[float64])
	t.Run("float32", testAdam[float32])
}

// TestAdamGoLoop checks the reference against the statement in the doc of Adam,
// when the compiler does not fuse it (GOAMD64 < v3 on amd64).
func TestAdamGoLoop(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the compiler may fuse multiply-adds here")
	}
	rng := rand.New(rand.NewPCG(1, 1))
	p, g, m, v := adamData[float64](rng, 1000)
	wp, wm, wv := slices.Clone(p), slices.Clone(m), slices.Clone(v)
	b1, b2, step, c2, eps := 0.9, 0.999, 0.02, math.Sqrt(1-0.999), 1e-8
	adamGo(p, g, m, v, b1, b2, step, c2, eps)
	for i := range wp {
		wm[i] = b1*wm[i] + (1-b1)*g[i]
		wv[i] = b2*wv[i] + (1-b2)*g[i]*g[i]
		wp[i] -= step * wm[i] / (math.Sqrt(wv[i])/c2 + eps)
	}
	if !slices.Equal(p, wp) || !slices.Equal(m, wm) || !slices.Equal(v, wv) {
		t.Skip("the plain loop differs: built with fused multiply-adds (GOAMD64=v3?)")
	}
}

// exactSumSquares returns Σ x² correctly rounded (big.Float, exact).
func exactSumSquares[F float](x []F) float64 {
	s := new(big.Float).SetPrec(4000)
	for _, v := range x {
		w := new(big.Float).SetPrec(4000).SetFloat64(float64(v))
		s.Add(s, w.Mul(w, w))
	}
	f, _ := s.Float64()
	return f
}

func testSumSquares[F float](t *testing.T) {
	var z F
	_, is32 := any(z).(float32)
	ssOf := func(im impl) func([]F) float64 {
		if is32 {
			return any(im.ew.sumSquares32).(func([]F) float64)
		}
		return any(im.ew.sumSquares64).(func([]F) float64)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	sizes := []int{1000, 4099, 100003, 1 << 20}
	for n := range 71 {
		sizes = append(sizes, n)
	}
	var worstRel float64
	for _, n := range sizes {
		for off := range 2 {
			x := make([]F, n+off)
			scale := math.Ldexp(1, rng.IntN(40)-20)
			for i := range x {
				x[i] = F(rng.NormFloat64() * scale)
			}
			x = x[off:]
			want := sumSquaresGo(x)
			if n <= 100003 {
				exact := exactSumSquares(x)
				rel := math.Abs(want-exact) / exact
				if exact == 0 {
					rel = math.Abs(want)
				}
				if rel > 1e-14 {
					t.Errorf("n=%d: %v, exact %v (relative error %.2g)", n, want, exact, rel)
				}
				worstRel = max(worstRel, rel)
			}
			for _, im := range available()[1:] {
				if got := ssOf(im)(x); !sameBits(got, want) {
					t.Fatalf("%s n=%d off=%d: %v, pure Go %v", im.name, n, off, got, want)
				}
			}
		}
	}
	t.Logf("largest relative error %.3g", worstRel)
	nan := []F{1, F(math.NaN()), 2}
	if !math.IsNaN(ssOf(available()[len(available())-1])(nan)) {
		t.Errorf("NaN does not propagate")
	}
}

// TestSumSquares checks that every implementation gives the pure-Go bits, that
// these are within 1e-14 of the exact sum, and that NaN propagates.
func TestSumSquares(t *testing.T) {
	t.Run("float64", testSumSquares[float64])
	t.Run("float32", testSumSquares[float32])
}

func TestElementwiseZeroAllocs(t *testing.T) {
	x64, y64 := make([]float64, 1000), make([]float64, 1000)
	m64, v64 := make([]float64, 1000), make([]float64, 1000)
	x32, y32 := make([]float32, 1000), make([]float32, 1000)
	m32, v32 := make([]float32, 1000), make([]float32, 1000)
	for _, n := range []int{0, 7, 1000} {
		if a := testing.AllocsPerRun(10, func() {
			Exp(y64[:n], x64[:n])
			Sigmoid(y64[:n], x64[:n])
			Tanh(y64[:n], x64[:n])
			Exp32(y32[:n], x32[:n])
			Sigmoid32(y32[:n], x32[:n])
			Tanh32(y32[:n], x32[:n])
			_ = SumSquares(x64[:n]) + SumSquares32(x32[:n])
			Adam(y64[:n], x64[:n], m64[:n], v64[:n], 0.9, 0.999, 1e-3, 1, 1e-8)
			Adam32(y32[:n], x32[:n], m32[:n], v32[:n], 0.9, 0.999, 1e-3, 1, 1e-8)
		}); a != 0 {
			t.Errorf("n=%d: %v allocations", n, a)
		}
	}
	for _, im := range available() {
		if a := testing.AllocsPerRun(10, func() {
			_ = im.ew.sumSquares64(x64[:77]) + im.ew.sumSquares32(x32[:77])
		}); a != 0 {
			t.Errorf("%s SumSquares: %v allocations", im.name, a)
		}
	}
}

func TestElementwisePanics(t *testing.T) {
	a, b := make([]float64, 3), make([]float64, 4)
	c, d := make([]float32, 3), make([]float32, 4)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"Exp", func() { Exp(a, b) }},
		{"Sigmoid", func() { Sigmoid(b, a) }},
		{"Tanh", func() { Tanh(a[:0], b[:1]) }},
		{"Exp32", func() { Exp32(c, d) }},
		{"Sigmoid32", func() { Sigmoid32(c, d) }},
		{"Tanh32", func() { Tanh32(d, c) }},
		{"Adam", func() { Adam(a, a, a, b, 0.9, 0.999, 1, 1, 1e-8) }},
		{"Adam32", func() { Adam32(c, d, c, c, 0.9, 0.999, 1, 1, 1e-8) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic on mismatched lengths", tc.name)
				}
			}()
			tc.f()
		}()
	}
	// empty is fine
	Exp(nil, nil)
	Adam(nil, nil, nil, nil, 0.9, 0.999, 1, 1, 1e-8)
	if SumSquares(nil) != 0 || SumSquares32(nil) != 0 {
		t.Error("SumSquares(nil) != 0")
	}
}
