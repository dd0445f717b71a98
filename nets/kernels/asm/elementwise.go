package main

// The element-wise kernels: exp, σ and tanh over a vector, the Adam update and
// the sum of squares. Each loops over whole vectors and finishes with one masked
// vector, so it reads and writes exactly n elements of each operand.
//
// The float64 exp reproduces, lane for lane, the FMA path of the Go runtime's
// math.Exp on amd64 (src/math/exp_amd64.s): the same reduction, the same
// degree-8 Taylor polynomial at r/16, the same three squarings and the same
// constants. Sigmoid64 and Tanh64 evaluate Go's own formulas (1/(1+e^−x) and
// math/tanh.go, no fused operations in its rational branch) on top of it, so on
// an FMA machine they give math's bits. The float32 kernels are our own (see
// expCore32).

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// ewConst is a constant of the element-wise kernels, replicated over a 64-byte
// entry of its table so that it can be a full-width memory operand for both
// 256- and 512-bit vectors.
type ewConst struct {
	name string
	bits uint64
}

func f64(v float64) uint64 { return math.Float64bits(v) }
func f32(v float32) uint64 { return uint64(math.Float32bits(v)) }

// The constants of math.Exp (exp_amd64.s), written exactly as there.
var ewConsts64 = []ewConst{
	{"log2e", f64(1.4426950408889634073599246810018920)},
	{"ln2u", f64(0.69314718055966295651160180568695068359375)},
	{"ln2l", f64(0.28235290563031577122588448175013436025525412068e-12)},
	{"sixteenth", f64(0.0625)},
	{"e8", f64(2.4801587301587301587e-5)},
	{"e7", f64(1.9841269841269841270e-4)},
	{"e6", f64(1.3888888888888888889e-3)},
	{"e5", f64(8.3333333333333333333e-3)},
	{"e4", f64(4.1666666666666666667e-2)},
	{"e3", f64(1.6666666666666666667e-1)},
	{"half", f64(0.5)},
	{"one", f64(1)},
	{"two", f64(2)},
	{"minus2", f64(-2)},
	// Clamps: below −1000 the result is 0 and above 709.8 it is +Inf either
	// way (math.Exp's own threshold, 709.782712893384, lies just below
	// 1024·ln2, so every x above it has r > 0 and overflows in the scaling);
	// in between the reduction stays exact.
	{"xlo", f64(-1000)},
	{"xhi", f64(709.8)},
	// AVX2 builds 2^k from bits: k + 1.5·2^52 + 1023 holds k+1023 in its low bits.
	{"magic", f64(0x1.8p52 + 1023)},
	{"sign", 1 << 63},
	{"abs", 1<<63 - 1},
	// math/tanh.go
	{"tanh_x0", f64(0.625)},
	{"tp0", f64(-9.64399179425052238628e-1)},
	{"tp1", f64(-9.92877231001918586564e1)},
	{"tp2", f64(-1.61468768441708447952e3)},
	{"tq0", f64(1.12811678491632931402e2)},
	{"tq1", f64(2.23548839060100448583e3)},
	{"tq2", f64(4.84406305325125486048e3)},
}

// The float32 constants: e^x = 2^k·e^r with r = x − k·ln2 split over two
// constants, and e^r from its Taylor series to r⁷/7!.
var ewConsts32 = []ewConst{
	{"log2e", f32(1.44269504088896340736)},
	{"ln2hi", f32(0.693147182464599609375)}, // ln 2 rounded to float32 (0x3f317218)
	{"ln2lo", f32(float32(0.6931471805599453094172321214581766 - 0.693147182464599609375))},
	{"c7", f32(1.0 / 5040)},
	{"c6", f32(1.0 / 720)},
	{"c5", f32(1.0 / 120)},
	{"c4", f32(1.0 / 24)},
	{"c3", f32(1.0 / 6)},
	{"half", f32(0.5)},
	{"one", f32(1)},
	{"minus2", f32(-2)},
	{"zero", 0},
	// e^−104 < 2^−150 rounds to 0 and e^89 overflows.
	{"xlo", f32(-104)},
	{"xhi", f32(89)},
	{"magic", f32(0x1.8p23 + 127)},
	{"sign", 1 << 31},
	{"abs", 1<<31 - 1},
	// tanh: 1 − 2/(e^{2z}+1) from 0.625 on (e^{2z} clamped at z = 10, where
	// tanh rounds to 1), below it Cephes' tanhf polynomial.
	{"tanh_x0", f32(0.625)},
	{"tanh_zmax", f32(10)},
	{"t4", f32(-5.70498872745e-3)},
	{"t3", f32(2.06390887954e-2)},
	{"t2", f32(-5.37397155531e-2)},
	{"t1", f32(1.33314422036e-1)},
	{"t0", f32(-3.33332819422e-1)},
}

var ewTable64, ewTable32 Mem
var ewIndex64, ewIndex32 = map[string]int{}, map[string]int{}

func ewTables() {
	ewTable64 = GLOBL("ew64", RODATA|NOPTR)
	for i, k := range ewConsts64 {
		ewIndex64[k.name] = i
		for l := 0; l < 8; l++ {
			DATA(64*i+8*l, U64(k.bits))
		}
	}
	ewTable32 = GLOBL("ew32", RODATA|NOPTR)
	for i, k := range ewConsts32 {
		ewIndex32[k.name] = i
		for l := 0; l < 16; l++ {
			DATA(64*i+4*l, U32(uint32(k.bits)))
		}
	}
}

// cm is the named constant as a memory operand of vector width.
func (c cfg) cm(name string) Mem {
	t, idx := ewTable64, ewIndex64
	if c.f32 {
		t, idx = ewTable32, ewIndex32
	}
	i, ok := idx[name]
	if !ok {
		panic("no constant " + name)
	}
	return t.Offset(64 * i)
}

// cr loads the named constant into a new register.
func (c cfg) cr(name string) VecVirtual {
	r := c.vec()
	c.load(c.cm(name), r)
	return r
}

// The vector operations, with Intel's semantics spelled out; a may be memory.

func (c cfg) vAdd(a Op, b, d Register) { // d = b + a
	if c.f32 {
		VADDPS(a, b, d)
	} else {
		VADDPD(a, b, d)
	}
}

func (c cfg) vSub(a Op, b, d Register) { // d = b − a
	if c.f32 {
		VSUBPS(a, b, d)
	} else {
		VSUBPD(a, b, d)
	}
}

func (c cfg) vMul(a Op, b, d Register) { // d = b·a
	if c.f32 {
		VMULPS(a, b, d)
	} else {
		VMULPD(a, b, d)
	}
}

func (c cfg) vDiv(a Op, b, d Register) { // d = b/a, correctly rounded
	if c.f32 {
		VDIVPS(a, b, d)
	} else {
		VDIVPD(a, b, d)
	}
}

func (c cfg) vSqrt(a Op, d Register) { // d = √a, correctly rounded
	if c.f32 {
		VSQRTPS(a, d)
	} else {
		VSQRTPD(a, d)
	}
}

// vMax sets d = max(b, a); if either is NaN the result is a (Intel returns the
// second source), so a NaN in a survives.
func (c cfg) vMax(a Op, b, d Register) {
	if c.f32 {
		VMAXPS(a, b, d)
	} else {
		VMAXPD(a, b, d)
	}
}

// vMin sets d = min(b, a), a NaN in a surviving.
func (c cfg) vMin(a Op, b, d Register) {
	if c.f32 {
		VMINPS(a, b, d)
	} else {
		VMINPD(a, b, d)
	}
}

func (c cfg) vFmadd213(a Op, b, acc Register) { // acc = b·acc + a, one rounding
	if c.f32 {
		VFMADD213PS(a, b, acc)
	} else {
		VFMADD213PD(a, b, acc)
	}
}

func (c cfg) vFmadd231(a Op, b, acc Register) { // acc = a·b + acc, one rounding
	if c.f32 {
		VFMADD231PS(a, b, acc)
	} else {
		VFMADD231PD(a, b, acc)
	}
}

func (c cfg) vFnmadd231(a Op, b, acc Register) { // acc = acc − a·b, one rounding
	if c.f32 {
		VFNMADD231PS(a, b, acc)
	} else {
		VFNMADD231PD(a, b, acc)
	}
}

// vRound rounds to an integer: mode 0 to nearest even, 1 down.
func (c cfg) vRound(mode uint8, a Op, d Register) {
	switch {
	case c.avx512 && c.f32:
		VRNDSCALEPS(U8(mode), a, d)
	case c.avx512:
		VRNDSCALEPD(U8(mode), a, d)
	case c.f32:
		VROUNDPS(U8(mode), a, d)
	default:
		VROUNDPD(U8(mode), a, d)
	}
}

func (c cfg) vAnd(a Op, b, d Register) {
	if c.avx512 {
		VPANDQ(a, b, d)
	} else {
		VANDPD(a, b, d)
	}
}

func (c cfg) vOr(a Op, b, d Register) {
	if c.avx512 {
		VPORQ(a, b, d)
	} else {
		VORPD(a, b, d)
	}
}

func (c cfg) vXor(a Op, b, d Register) {
	if c.avx512 {
		VPXORQ(a, b, d)
	} else {
		VXORPD(a, b, d)
	}
}

// Comparison predicates (ordered, quiet: false for NaN).
const (
	cmpLT = 0x11
	cmpGE = 0x1d
	cmpGT = 0x1e
)

// vCmp returns the lanes where b pred a, as a K register or a lane mask.
func (c cfg) vCmp(pred uint8, a Op, b Register) mask {
	var m Register
	if c.avx512 {
		m = K()
	} else {
		m = c.vec()
	}
	if c.f32 {
		VCMPPS(U8(pred), a, b, m)
	} else {
		VCMPPD(U8(pred), a, b, m)
	}
	return mask{m}
}

// vBlend sets d = set where m holds, clear elsewhere.
func (c cfg) vBlend(m mask, set Op, clear, d Register) {
	switch {
	case c.avx512 && c.f32:
		VBLENDMPS(set, clear, m.r, d)
	case c.avx512:
		VBLENDMPD(set, clear, m.r, d)
	case c.f32:
		VBLENDVPS(m.r, set, clear, d)
	default:
		VBLENDVPD(m.r, set, clear, d)
	}
}

func (c cfg) vMov(a, d Register) {
	if c.f32 {
		VMOVAPS(a, d)
	} else {
		VMOVAPD(a, d)
	}
}

// scale2k returns y·2^k (k integer-valued), rounded once, as VSCALEFPD does:
// +Inf on overflow, a subnormal or 0 on underflow. AVX2 has no VSCALEF, so it
// multiplies by 2^k1 (exactly: k1 = ⌊k/2⌋ keeps y·2^k1 normal) and then by
// 2^(k−k1), each power built from its exponent bits; the clamps on x keep both
// halves inside the normal range.
func (c cfg) scale2k(y, k Register) VecVirtual {
	res := c.vec()
	if c.avx512 {
		if c.f32 {
			VSCALEFPS(k, y, res)
		} else {
			VSCALEFPD(k, y, res)
		}
		return res
	}
	k1, k2 := c.vec(), c.vec()
	c.vMul(c.cm("half"), k, k1)
	c.vRound(1, k1, k1)
	c.vSub(k1, k, k2)
	for _, h := range []Register{k1, k2} {
		c.vAdd(c.cm("magic"), h, h)
		if c.f32 {
			VPSLLD(U8(23), h, h)
		} else {
			VPSLLQ(U8(52), h, h)
		}
	}
	c.vMul(k1, y, res)
	c.vMul(k2, res, res)
	return res
}

// expCore64 returns e^x lane by lane, bit for bit as math.Exp's FMA path:
//
//	k = round(x·log2e); r = ((x − k·ln2u) − k·ln2l)/16     (two FMAs)
//	t = r·(1 + r(1/2 + r(1/6 + … + r/8!)))                 (Horner, FMAs)
//	t = t(t+2) three times; t = (t+2)·t + 1                 (e^{16r}, last fused)
//	e^x = t·2^k
//
// except that x in [709.44, 709.78], where math.Exp's k = 1024 makes it return
// +Inf, gets the finite t·2^1024.
func expCore64(c cfg, x Register) VecVirtual {
	u := c.cr("xlo")
	c.vMax(x, u, u) // NaN passes
	c.vMin(u, c.cr("xhi"), u)
	k := c.vec()
	c.vMul(c.cm("log2e"), u, k)
	c.vRound(0, k, k)
	c.vFnmadd231(c.cm("ln2u"), k, u)
	c.vFnmadd231(c.cm("ln2l"), k, u)
	c.vMul(c.cm("sixteenth"), u, u) // r
	p := c.cr("e8")
	for _, n := range []string{"e7", "e6", "e5", "e4", "e3", "half", "one"} {
		c.vFmadd213(c.cm(n), u, p) // p = r·p + cₙ
	}
	c.vMul(p, u, u) // t = r·p
	for range 3 {
		c.vAdd(c.cm("two"), u, p) // t+2
		c.vMul(p, u, u)           // t·(t+2)
	}
	c.vAdd(c.cm("two"), u, p)
	c.vFmadd213(c.cm("one"), p, u) // (t+2)·t + 1
	return c.scale2k(u, k)
}

// expCore32 returns e^x for float32 lanes, within 1 ulp of the float64 result
// rounded (checked over all 2³² inputs):
//
//	k = round(x·log2e); r₁ = x − k·ln2hi (exact); r = r₁ − k·ln2lo; δ = (r₁ − r) − k·ln2lo
//	e^r ≈ hi + lo with hi = 1 + r, lo = ((1 − hi) + r) + δ + r²·(1/2 + r/6 + … + r⁵/7!)
//
// so the only rounding of size is the final hi + lo.
func expCore32(c cfg, x Register) VecVirtual {
	u := c.cr("xlo")
	c.vMax(x, u, u)
	c.vMin(u, c.cr("xhi"), u)
	k := c.vec()
	c.vMul(c.cm("log2e"), u, k)
	c.vRound(0, k, k)
	c.vFnmadd231(c.cm("ln2hi"), k, u) // r₁
	r := c.vec()
	c.vMov(u, r)
	c.vFnmadd231(c.cm("ln2lo"), k, r)
	d := c.vec()
	c.vSub(r, u, d)
	c.vFnmadd231(c.cm("ln2lo"), k, d) // δ
	q := c.cr("c7")
	for _, n := range []string{"c6", "c5", "c4", "c3", "half"} {
		c.vFmadd213(c.cm(n), r, q)
	}
	r2 := c.vec()
	c.vMul(r, r, r2)
	hi := c.vec()
	c.vAdd(c.cm("one"), r, hi)
	lo := c.cr("one")
	c.vSub(hi, lo, lo) // 1 − hi, exact
	c.vAdd(r, lo, lo)
	c.vAdd(d, lo, lo)
	c.vFmadd231(r2, q, lo)
	c.vAdd(lo, hi, hi)
	return c.scale2k(hi, k)
}

func (c cfg) expCore(x Register) VecVirtual {
	if c.f32 {
		return expCore32(c, x)
	}
	return expCore64(c, x)
}

// sigmoidBody: float64 1/(1 + e^−x), Go's formula; float32 num/(1 + e) with
// e = e^−|x| and num = 1 (x ≥ 0) or e (x < 0), the division corrected by
// one residual step against 1 + e held as a pair hi + lo, so that tiny
// results (x < −88) come out as the subnormals they are.
func sigmoidBody(c cfg, x Register) VecVirtual {
	if !c.f32 {
		nx := c.vec()
		c.vXor(c.cm("sign"), x, nx)
		e := c.expCore(nx)
		c.vAdd(c.cm("one"), e, e)
		one := c.cr("one")
		c.vDiv(e, one, one)
		return one
	}
	na := c.vec()
	c.vOr(c.cm("sign"), x, na) // −|x|
	e := c.expCore(na)
	neg := c.vCmp(cmpLT, c.cm("zero"), x)
	num := c.vec()
	c.vBlend(neg, e, c.cr("one"), num)
	d := c.vec()
	c.vAdd(c.cm("one"), e, d)
	dlo := c.cr("one")
	c.vSub(d, dlo, dlo)
	c.vAdd(e, dlo, dlo) // (1 − d) + e, exact
	q := c.vec()
	c.vMov(num, q)
	c.vDiv(d, q, q)
	res := c.vec()
	c.vMov(num, res)
	c.vFnmadd231(q, d, res) // num − q·d, exact
	c.vFnmadd231(q, dlo, res)
	rcp := c.vec()
	if c.avx512 {
		VRCP14PS(d, rcp)
	} else {
		VRCPPS(d, rcp)
	}
	c.vFmadd231(res, rcp, q)
	return q
}

// tanhBody evaluates tanh on z = |x| and restores the sign at the end (both
// branches are odd, and rounding to nearest is symmetric, so this equals
// evaluating at x). Both branches are computed and blended into one division:
//
//	z ≥ 0.625:  1 + (−2)/(e^{2z} + 1)                            (= 1 − 2/(s+1))
//	z < 0.625:  z + (z·s)·P(s)/Q(s), s = z², as in math/tanh.go   (float64)
//	            z + (z·s)·T(s)                                    (float32, Cephes tanhf)
func tanhBody(c cfg, x Register) VecVirtual {
	z := c.vec()
	c.vAnd(c.cm("abs"), x, z)
	z2 := c.vec()
	if c.f32 {
		c.vMin(c.cm("tanh_zmax"), z, z2)
		c.vAdd(z2, z2, z2)
	} else {
		c.vAdd(z, z, z2)
	}
	big := c.expCore(z2)
	c.vAdd(c.cm("one"), big, big) // e^{2z} + 1
	s := c.vec()
	c.vMul(z, z, s)
	num := c.vec()
	den := c.vec()
	if c.f32 {
		c.load(c.cm("t4"), num)
		for _, n := range []string{"t3", "t2", "t1", "t0"} {
			c.vFmadd213(c.cm(n), s, num)
		}
		t := c.vec()
		c.vMul(s, z, t)
		c.vMul(t, num, num)
		c.load(c.cm("one"), den)
	} else {
		// Separate multiplications and additions, as the Go compiler emits
		// math/tanh.go without FMA.
		c.vMul(c.cm("tp0"), s, num)
		c.vAdd(c.cm("tp1"), num, num)
		c.vMul(s, num, num)
		c.vAdd(c.cm("tp2"), num, num)
		c.vAdd(c.cm("tq0"), s, den)
		c.vMul(s, den, den)
		c.vAdd(c.cm("tq1"), den, den)
		c.vMul(s, den, den)
		c.vAdd(c.cm("tq2"), den, den)
		t := c.vec()
		c.vMul(s, z, t)     // x·s
		c.vMul(num, t, num) // ·P
	}
	large := c.vCmp(cmpGE, c.cm("tanh_x0"), z)
	c.vBlend(large, c.cm("minus2"), num, num)
	c.vBlend(large, big, den, den)
	c.vDiv(den, num, num)
	base := c.vec()
	c.vBlend(large, c.cm("one"), z, base)
	c.vAdd(num, base, base)
	sg := c.vec()
	c.vAnd(c.cm("sign"), x, sg)
	c.vOr(sg, base, base)
	return base
}

func expBody(c cfg, x Register) VecVirtual { return c.expCore(x) }

// unary emits name(dst, src *T, n int): dst[i] = f(src[i]) for i < n, whole
// vectors first and then one masked vector. dst may equal src.
func unary(c cfg, name, doc string, body func(cfg, Register) VecVirtual) {
	T := c.typ()
	TEXT(name+c.suffix(), NOSPLIT, fmt.Sprintf("func(dst, src *%s, n int)", T))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s%s sets dst[i] = %s for i < n.", name, c.suffix(), doc))
	dst := Load(Param("dst"), GP64())
	src := Load(Param("src"), GP64())
	n := Load(Param("n"), GP64())
	lanes(c, "ew", n, []Register{src, dst}, func(ld func(Mem, Register), st func(Register, Mem)) {
		x := c.vec()
		ld(Mem{Base: src}, x)
		st(body(c, x), Mem{Base: dst})
	})
}

// adam emits the Adam update of n parameters with separate multiplications,
// additions, square roots and divisions in the order of the Go loop, so that
// every lane rounds exactly as it does:
//
//	m = b1·m + omb1·g;  v = b2·v + (omb2·g)·g;  p = p − (step·m)/(√v/c2 + eps)
func adam(c cfg) {
	T := c.typ()
	TEXT("adam"+c.suffix(), NOSPLIT, fmt.Sprintf(
		"func(p, grad, m, v *%s, n int, b1, omb1, b2, omb2, step, c2, eps %s)", T, T))
	Pragma("noescape")
	Doc(fmt.Sprintf("adam%s applies one Adam update to p[:n], m[:n] and v[:n] from grad[:n] (g is a register name in Go assembly).", c.suffix()))
	pp := Load(Param("p"), GP64())
	pg := Load(Param("grad"), GP64())
	pm := Load(Param("m"), GP64())
	pv := Load(Param("v"), GP64())
	n := Load(Param("n"), GP64())
	h := map[string]VecVirtual{}
	for _, name := range []string{"b1", "omb1", "b2", "omb2", "step", "c2", "eps"} {
		a, err := Param(name).Resolve()
		if err != nil {
			panic(err)
		}
		h[name] = c.vec()
		c.bcast(a.Addr, h[name])
	}
	step := func(ld func(Mem, Register), st func(Register, Mem)) {
		g, m, v, p, t := c.vec(), c.vec(), c.vec(), c.vec(), c.vec()
		ld(Mem{Base: pg}, g)
		ld(Mem{Base: pm}, m)
		c.vMul(h["b1"], m, m) // b1·m
		c.vMul(h["omb1"], g, t)
		c.vAdd(t, m, m) // + (1−b1)·g
		st(m, Mem{Base: pm})
		ld(Mem{Base: pv}, v)
		c.vMul(h["b2"], v, v) // b2·v
		c.vMul(h["omb2"], g, t)
		c.vMul(g, t, t)
		c.vAdd(t, v, v) // + ((1−b2)·g)·g
		st(v, Mem{Base: pv})
		c.vSqrt(v, v)
		c.vDiv(h["c2"], v, v)
		c.vAdd(h["eps"], v, v) // √v/c2 + eps
		c.vMul(h["step"], m, m)
		c.vDiv(v, m, m) // step·m / (…)
		ld(Mem{Base: pp}, p)
		c.vSub(m, p, p)
		st(p, Mem{Base: pp})
	}
	lanes(c, "adam", n, []Register{pp, pg, pm, pv}, step)
}

// sumSquares emits the sum of squares in 32 float64 lanes: element i goes to
// lane i mod 32 (acc = fma(x, x, acc)), over nblk blocks of 32 from x and then
// one block of 32 from tail (the zero-padded remainder); the lanes are then
// summed in a fixed tree: lane j += lane j+16, then j+8, j+4, j+2, j+1.
// float32 input is widened exactly to float64 first (its squares are exact).
func sumSquares(c cfg) {
	T := c.typ()
	TEXT("sumSquares"+c.suffix(), NOSPLIT, fmt.Sprintf("func(x *%s, nblk int, tail *%s) float64", T, T))
	Pragma("noescape")
	Doc(fmt.Sprintf("sumSquares%s returns Σ x[i]² over nblk blocks of 32 and one block at tail, in float64.", c.suffix()))
	d := cfg{avx512: c.avx512} // the float64 accumulators
	nv := 32 / d.W()           // vectors per block
	acc := make([]VecVirtual, nv)
	for i := range acc {
		acc[i] = d.vec()
		d.zero(acc[i])
	}
	block := func(base Register) {
		for i := range acc {
			t := d.vec()
			at := Mem{Base: base, Disp: i * d.W() * c.es()}
			if c.f32 {
				VCVTPS2PD(at, t)
			} else {
				d.load(at, t)
			}
			d.fma(t, t, acc[i])
		}
	}
	px := Load(Param("x"), GP64())
	nblk := Load(Param("nblk"), GP64())
	lTail, lLoop := label("ss_tail"), label("ss_loop")
	TESTQ(nblk, nblk)
	JZ(LabelRef(lTail))
	Label(lLoop)
	block(px)
	ADDQ(U32(32*c.es()), px)
	DECQ(nblk)
	JNZ(LabelRef(lLoop))
	Label(lTail)
	block(Load(Param("tail"), GP64()))
	// lanes j and j+16, then j and j+8: whole vectors
	for len(acc) > 1 {
		h := len(acc) / 2
		for i := 0; i < h; i++ {
			d.add(acc[i+h], acc[i], acc[i])
		}
		acc = acc[:h]
	}
	v := acc[0]
	var y Register = v
	if d.avx512 { // j and j+4
		hi := YMM()
		VEXTRACTF64X4(U8(1), v, hi)
		VADDPD(hi, v.AsY(), hi)
		y = hi
	}
	x := XMM() // j and j+2
	VEXTRACTF128(U8(1), y, x)
	VADDPD(x, y.(VecVirtual).AsX(), x)
	s := XMM() // j and j+1
	VUNPCKHPD(x, x, s)
	VADDSD(s, x, s)
	Store(s, ReturnIndex(0))
	VZEROUPPER()
	RET()
}

func elementwise() {
	for _, avx512 := range []bool{true, false} {
		for _, isF32 := range []bool{false, true} {
			c := cfg{avx512: avx512, f32: isF32}
			unary(c, "exp", "e^src[i]", expBody)
			unary(c, "sigmoid", "1/(1+e^−src[i])", sigmoidBody)
			unary(c, "tanh", "tanh(src[i])", tanhBody)
			// Adam is bound by the divider (two divisions and a square root an
			// element), which does as many lanes a cycle at 256 bits as at 512,
			// and the 256-bit kernel measured 5-7% faster on Sapphire Rapids, so
			// the AVX-512 implementation uses it and no 512-bit one is emitted.
			if !avx512 {
				adam(c)
			}
			sumSquares(c)
		}
	}
}
