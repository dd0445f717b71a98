package main

// The cell kernels: a vector sum, and the LSTM's element-wise gate arithmetic
// forward and backward for one stream. Each evaluates the same operations in
// the same order as the Go loops in ../cells_generic.go, every product and sum
// rounded on its own (no fused multiply-adds), so the results are their bits.

import (
	"fmt"
	"math"
	"strings"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// lanes emits a loop over n elements, whole vectors first and then one masked
// vector: body is emitted twice, with plain and with masked loads and stores,
// and the pointers ptrs advance by one vector after each whole one.
func lanes(c cfg, name string, n Register, ptrs []Register, body func(ld func(Mem, Register), st func(Register, Mem))) {
	cnt := GP64()
	MOVQ(n, cnt)
	SHRQ(U8(log2(c.W())), cnt)
	lTail, lLoop, lDone := label(name+"_tail"), label(name+"_loop"), label(name+"_done")
	JZ(LabelRef(lTail))
	Label(lLoop)
	body(c.load, c.store)
	for _, p := range ptrs {
		ADDQ(U32(c.vbytes()), p)
	}
	DECQ(cnt)
	JNZ(LabelRef(lLoop))
	Label(lTail)
	ANDQ(U32(c.W()-1), n)
	JZ(LabelRef(lDone))
	km := c.tailMask(n, c.W())
	body(func(m Mem, r Register) { c.loadM(m, km, r) }, func(r Register, m Mem) { c.storeM(r, km, m) })
	Label(lDone)
	VZEROUPPER()
	RET()
}

// add emits dst[i] = a[i] + b[i] for i < n.
func add(c cfg) {
	T := c.typ()
	TEXT("add"+c.suffix(), NOSPLIT, fmt.Sprintf("func(dst, a, b *%s, n int)", T))
	Pragma("noescape")
	Doc(fmt.Sprintf("add%s sets dst[i] = a[i] + b[i] for i < n.", c.suffix()))
	pd := Load(Param("dst"), GP64())
	pa := Load(Param("a"), GP64())
	pb := Load(Param("b"), GP64())
	n := Load(Param("n"), GP64())
	lanes(c, "add", n, []Register{pd, pa, pb}, func(ld func(Mem, Register), st func(Register, Mem)) {
		x, y := c.vec(), c.vec()
		ld(Mem{Base: pa}, x)
		ld(Mem{Base: pb}, y)
		c.vAdd(y, x, x)
		st(x, Mem{Base: pd})
	})
}

// cellKernel declares the cell kernel name(ptrs... *T, h int) for gates gate
// blocks of h elements each, loads the pointers in order and h, and returns
// them with block(base, k): the k-th block of a row of gates at base.
func cellKernel(c cfg, name, what string, ptrs []string, gates int) ([]Register, Register, func(base Register, k int) Mem) {
	TEXT(name+c.suffix(), NOSPLIT, fmt.Sprintf("func(%s *%s, h int)", strings.Join(ptrs, ", "), c.typ()))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s%s is one stream's %s over h units.", name, c.suffix(), what))
	var p []Register
	for _, q := range ptrs {
		p = append(p, Load(Param(q), GP64()))
	}
	n := Load(Param("h"), GP64())
	hb := GP64() // h·es bytes: one block
	MOVQ(n, hb)
	SHLQ(U8(c.shift()), hb)
	var h3b Register
	if gates > 3 {
		h3b = GP64()
		LEAQ(Mem{Base: hb, Index: hb, Scale: 2}, h3b)
	}
	block := func(base Register, k int) Mem {
		switch k {
		case 0:
			return Mem{Base: base}
		case 1:
			return Mem{Base: base, Index: hb, Scale: 1}
		case 2:
			return Mem{Base: base, Index: hb, Scale: 2}
		}
		return Mem{Base: base, Index: h3b, Scale: 1}
	}
	return p, n, block
}

// sigmoidGrad sets a = (a·s)·(1 − s), through a sigmoid's derivative at its
// output s; tmp is clobbered.
func (c cfg) sigmoidGrad(a, s, one, tmp Register) {
	c.vMul(s, a, a)
	c.vSub(s, one, tmp)
	c.vMul(tmp, a, a)
}

// lstmBack emits the LSTM's backward gate arithmetic for one stream:
//
//	do = dh·tc;  dc = dcn + (dh·o)·(1 − tc·tc)
//	di = ((dc·g)·i)·(1 − i);  df = ((dc·cp)·f)·(1 − f)
//	dg = (dc·i)·(1 − g·g);    dO = (do·o)·(1 − o);  dcn = dc·f
func lstmBack(c cfg) {
	p, n, block := cellKernel(c, "lstmBack", "LSTM backward gate arithmetic", []string{"gates", "dgates", "tc", "cp", "dh", "dc"}, 4)
	pg, pd, ptc, pcp, pdh, pdc := p[0], p[1], p[2], p[3], p[4], p[5]
	g := [4]Mem{block(pg, 0), block(pg, 1), block(pg, 2), block(pg, 3)}
	d := [4]Mem{block(pd, 0), block(pd, 1), block(pd, 2), block(pd, 3)}
	lanes(c, "lstmb", n, []Register{pg, pd, ptc, pcp, pdh, pdc}, func(ld func(Mem, Register), st func(Register, Mem)) {
		one := c.cr("one")
		vi, vf, vg, vo := c.vec(), c.vec(), c.vec(), c.vec()
		ld(g[0], vi)
		ld(g[1], vf)
		ld(g[2], vg)
		ld(g[3], vo)
		tc, dh, dc := c.vec(), c.vec(), c.vec()
		ld(Mem{Base: ptc}, tc)
		ld(Mem{Base: pdh}, dh)
		ld(Mem{Base: pdc}, dc)
		a, b := c.vec(), c.vec()
		c.vMul(tc, tc, a)
		c.vSub(a, one, a) // 1 − tc·tc
		c.vMul(vo, dh, b)
		c.vMul(a, b, b)
		c.vAdd(b, dc, dc) // dc = dcn + (dh·o)·(1 − tc²)
		do := c.vec()
		c.vMul(tc, dh, do)
		// di
		c.vMul(vg, dc, a)
		c.sigmoidGrad(a, vi, one, b)
		st(a, d[0])
		// df
		cp := c.vec()
		ld(Mem{Base: pcp}, cp)
		c.vMul(cp, dc, a)
		c.sigmoidGrad(a, vf, one, b)
		st(a, d[1])
		// dg
		c.vMul(vi, dc, a)
		c.vMul(vg, vg, b)
		c.vSub(b, one, b)
		c.vMul(b, a, a)
		st(a, d[2])
		// do
		c.sigmoidGrad(do, vo, one, b)
		st(do, d[3])
		c.vMul(vf, dc, dc)
		st(dc, Mem{Base: pdc})
	})
}

// gruBack emits the GRU's backward gate arithmetic for one stream, from the
// activations r, z, n in gates, ghn = W_hn·h₋₁ + b_hn, h₋₁ and dh:
//
//	dn = dh·(1 − z);  dz = dh·(h₋₁ − n);  dh₋₁ = dh·z;  dnp = dn·(1 − n·n)
//	dr = ((dnp·ghn)·r)·(1 − r);  dz' = (dz·z)·(1 − z)
//	dgates = [dr dz' dnp];  dhgates = [dr dz' dnp·r]
func gruBack(c cfg) {
	p, n, at := cellKernel(c, "gruBack", "GRU backward gate arithmetic", []string{"gates", "dgates", "dhgates", "ghn", "hp", "dh", "dhp"}, 3)
	pg, pd, pdh, pghn, php, pdy, pdhp := p[0], p[1], p[2], p[3], p[4], p[5], p[6]
	lanes(c, "grub", n, []Register{pg, pd, pdh, pghn, php, pdy, pdhp}, func(ld func(Mem, Register), st func(Register, Mem)) {
		one := c.cr("one")
		vr, vz, vn, dy := c.vec(), c.vec(), c.vec(), c.vec()
		ld(at(pg, 0), vr)
		ld(at(pg, 1), vz)
		ld(at(pg, 2), vn)
		ld(Mem{Base: pdy}, dy)
		a, b, dnp := c.vec(), c.vec(), c.vec()
		c.vMul(vz, dy, a)
		st(a, Mem{Base: pdhp}) // dh₋₁ = dh·z
		c.vSub(vz, one, a)
		c.vMul(a, dy, dnp) // dn = dh·(1 − z)
		c.vMul(vn, vn, a)
		c.vSub(a, one, a)
		c.vMul(a, dnp, dnp) // dnp = dn·(1 − n·n)
		st(dnp, at(pd, 2))
		c.vMul(vr, dnp, a)
		st(a, at(pdh, 2)) // dnp·r
		// dr
		ld(Mem{Base: pghn}, a)
		c.vMul(a, dnp, a)
		c.sigmoidGrad(a, vr, one, b)
		st(a, at(pd, 0))
		st(a, at(pdh, 0))
		// dz
		ld(Mem{Base: php}, a)
		c.vSub(vn, a, a) // h₋₁ − n
		c.vMul(a, dy, a)
		c.sigmoidGrad(a, vz, one, b)
		st(a, at(pd, 1))
		st(a, at(pdh, 1))
	})
}

// lstmFwd emits the LSTM's forward gate arithmetic for one stream, on the
// pre-activations in gates (overwritten with the activations):
//
//	i, f, o = σ(·);  g = tanh(·);  c = f·cp + i·g;  tc = tanh(c);  h = o·tc
func lstmFwd(c cfg) {
	p, n, block := cellKernel(c, "lstmFwd", "LSTM forward gate arithmetic", []string{"gates", "cp", "cn", "tc", "hn"}, 4)
	pg, pcp, pcn, ptc, phn := p[0], p[1], p[2], p[3], p[4]
	g := [4]Mem{block(pg, 0), block(pg, 1), block(pg, 2), block(pg, 3)}
	lanes(c, "lstmf", n, []Register{pg, pcp, pcn, ptc, phn}, func(ld func(Mem, Register), st func(Register, Mem)) {
		var act [4]VecVirtual
		for k, m := range g {
			x := c.vec()
			ld(m, x)
			if k == 2 {
				act[k] = tanhBody(c, x)
			} else {
				act[k] = sigmoidBody(c, x)
			}
			st(act[k], m)
		}
		cp := c.vec()
		ld(Mem{Base: pcp}, cp)
		c.vMul(cp, act[1], cp)         // f·cp
		c.vMul(act[2], act[0], act[0]) // i·g
		c.vAdd(act[0], cp, cp)
		st(cp, Mem{Base: pcn})
		tc := tanhBody(c, cp)
		st(tc, Mem{Base: ptc})
		c.vMul(tc, act[3], tc)
		st(tc, Mem{Base: phn})
	})
}

// gruFwd emits the GRU's forward gate arithmetic for one stream, from the
// input-side sums in gates and the hidden-side sums W_h·h₋₁ + b_h in hsum:
//
//	r, z = σ(gates + hsum);  ghn = hsum_n;  n = tanh(gates_n + r·ghn)
//	h = (1 − z)·n + z·h₋₁
//
// with r, z and n written back over gates.
func gruFwd(c cfg) {
	p, n, at := cellKernel(c, "gruFwd", "GRU forward gate arithmetic", []string{"gates", "hsum", "ghn", "hp", "hn"}, 3)
	pg, ps, pghn, php, phn := p[0], p[1], p[2], p[3], p[4]
	lanes(c, "gruf", n, []Register{pg, ps, pghn, php, phn}, func(ld func(Mem, Register), st func(Register, Mem)) {
		var rz [2]VecVirtual
		for k := range rz {
			x, y := c.vec(), c.vec()
			ld(at(pg, k), x)
			ld(at(ps, k), y)
			c.vAdd(y, x, x)
			rz[k] = sigmoidBody(c, x)
			st(rz[k], at(pg, k))
		}
		hs, x := c.vec(), c.vec()
		ld(at(ps, 2), hs)
		st(hs, Mem{Base: pghn})
		c.vMul(hs, rz[0], hs) // r·ghn
		ld(at(pg, 2), x)
		c.vAdd(hs, x, x)
		nv := tanhBody(c, x)
		st(nv, at(pg, 2))
		one := c.cr("one")
		c.vSub(rz[1], one, one) // 1 − z
		c.vMul(one, nv, nv)     // (1 − z)·n
		hp := c.vec()
		ld(Mem{Base: php}, hp)
		c.vMul(rz[1], hp, hp) // z·h₋₁
		c.vAdd(hp, nv, nv)
		st(nv, Mem{Base: phn})
	})
}

func cells() {
	for _, avx512 := range []bool{true, false} {
		for _, isF32 := range []bool{false, true} {
			c := cfg{avx512: avx512, f32: isF32}
			add(c)
			lstmBack(c)
			gruBack(c)
			gruFwd(c)
			lstmFwd(c)
			maxOf(c)
			expSum(c)
		}
		convert(avx512, narrow)
		convert(avx512, widen)
		convert(avx512, standardize)
	}
	satCount()
	transpose8()
}

// hReduce combines the lanes of v with op in a fixed tree, lane j with lane
// j + W/2, then j + W/4, and so on, and returns lane 0 in the low lane of an
// XMM register.
func hReduce(c cfg, v VecVirtual, op func(a Op, b, d Register)) VecVirtual {
	y := v
	if c.avx512 {
		hi := YMM()
		VEXTRACTF64X4(U8(1), v, hi)
		op(hi, v.AsY(), hi)
		y = hi
	}
	x := XMM()
	VEXTRACTF128(U8(1), y, x)
	op(x, y.AsX(), x)
	s := XMM()
	if c.f32 {
		VMOVHLPS(x, x, s) // j + 2
		op(s, x, s)
		t := XMM()
		VMOVSHDUP(s, t) // j + 1
		op(t, s, t)
		return t
	}
	VUNPCKHPD(x, x, s) // j + 1
	op(s, x, s)
	return s
}

// maxOf emits the largest of n elements, n a positive multiple of W; the
// caller compares the rest.
func maxOf(c cfg) {
	T := c.typ()
	TEXT("maxOf"+c.suffix(), NOSPLIT, fmt.Sprintf("func(x *%s, n int) %s", T, T))
	Pragma("noescape")
	Doc(fmt.Sprintf("maxOf%s returns the largest of x[:n], n a positive multiple of %d.", c.suffix(), c.W()))
	px := Load(Param("x"), GP64())
	n := Load(Param("n"), GP64())
	SHRQ(U8(log2(c.W())), n)
	acc := c.vec()
	c.load(Mem{Base: px}, acc)
	lLoop, lDone := label("max_loop"), label("max_done")
	DECQ(n)
	JZ(LabelRef(lDone))
	Label(lLoop)
	ADDQ(U32(c.vbytes()), px)
	c.vMax(Mem{Base: px}, acc, acc)
	DECQ(n)
	JNZ(LabelRef(lLoop))
	Label(lDone)
	Store(hReduce(c, acc, c.vMax), ReturnIndex(0))
	VZEROUPPER()
	RET()
}

// expSum emits dst[i] = e^(src[i] − shift) over nblk blocks of 16 elements and
// then one block from tsrc to tdst, and returns the sum of the results with
// element i in partial sum i mod 16, the partial sums added in the tree
// s[j] += s[j+8], s[j+4], s[j+2], s[j+1], in the element type.
func expSum(c cfg) {
	T := c.typ()
	TEXT("expSum"+c.suffix(), NOSPLIT, fmt.Sprintf("func(dst, src *%s, nblk int, tdst, tsrc *%s, shift %s) float64", T, T, T))
	Pragma("noescape")
	Doc(fmt.Sprintf("expSum%s sets dst[i] = e^(src[i]−shift) over nblk blocks of 16 and the block at tsrc, and returns the sum.", c.suffix()))
	sh := c.vec()
	a, err := Param("shift").Resolve()
	if err != nil {
		panic(err)
	}
	c.bcast(a.Addr, sh)
	nv := 16 / c.W()
	acc := make([]VecVirtual, nv)
	for i := range acc {
		acc[i] = c.vec()
		c.zero(acc[i])
	}
	block := func(pd, ps Register) {
		for i := range acc {
			x := c.vec()
			c.load(Mem{Base: ps, Disp: i * c.vbytes()}, x)
			c.vSub(sh, x, x)
			e := c.expCore(x)
			c.store(e, Mem{Base: pd, Disp: i * c.vbytes()})
			c.vAdd(e, acc[i], acc[i])
		}
	}
	pd := Load(Param("dst"), GP64())
	ps := Load(Param("src"), GP64())
	nblk := Load(Param("nblk"), GP64())
	lTail, lLoop := label("es_tail"), label("es_loop")
	TESTQ(nblk, nblk)
	JZ(LabelRef(lTail))
	Label(lLoop)
	block(pd, ps)
	ADDQ(U32(16*c.es()), pd)
	ADDQ(U32(16*c.es()), ps)
	DECQ(nblk)
	JNZ(LabelRef(lLoop))
	Label(lTail)
	block(Load(Param("tdst"), GP64()), Load(Param("tsrc"), GP64()))
	for len(acc) > 1 {
		h := len(acc) / 2
		for i := 0; i < h; i++ {
			c.vAdd(acc[i+h], acc[i], acc[i])
		}
		acc = acc[:h]
	}
	s := hReduce(c, acc[0], c.vAdd)
	if c.f32 {
		VCVTSS2SD(s, s, s)
	}
	Store(s, ReturnIndex(0))
	VZEROUPPER()
	RET()
}

// satTable holds satCount's constants: 0.1, 0.9, 20 and the bin edges 1…19.
var satTable Mem

func satTables() {
	satTable = GLOBL("sat32", RODATA|NOPTR)
	for i, v := range []float32{0.1, 0.9, 20} {
		DATA(4*i, U32(math.Float32bits(v)))
	}
	for k := 1; k < satBins; k++ {
		DATA(4*(2+k), U32(math.Float32bits(float32(k))))
	}
}

// satBins is the number of histogram bins of satCount.
const satBins = 20

// satCount emits, for n ≥ 1 units of rows rows stride elements apart (AVX-512,
// float32): low[u] += #(x < 0.1), high[u] += #(x > 0.9), and for each bin
// edge k = 1…19 the per-lane counts of 20·x ≥ k (ordered compares: false for
// NaN), added into cum[k−1][lane]. Units go 16 at a time, the last block
// masked; each block's rows are swept with its counts in registers.
func satCount() {
	c := cfg{avx512: true, f32: true}
	TEXT("satCountAvx512F32", NOSPLIT, "func(x *float32, rows, stride, n int, low, high, cum *int32)")
	Pragma("noescape")
	Doc("satCountAvx512F32 counts saturated values per unit and 20·x against the bin edges 1…19 per lane, for n ≥ 1 units.")
	px := Load(Param("x"), GP64())
	rows := Load(Param("rows"), GP64())
	stride := Load(Param("stride"), GP64())
	SHLQ(U8(2), stride)
	n := Load(Param("n"), GP64())
	pl := Load(Param("low"), GP64())
	ph := Load(Param("high"), GP64())
	pc := Load(Param("cum"), GP64())
	tbl := GP64()
	LEAQ(satTable, tbl)
	at := func(i int) Mem { return Mem{Base: tbl, Disp: 4 * i} }
	one := GP32()
	MOVL(U32(1), one)
	ones := ZMM()
	VPBROADCASTD(one, ones)
	acc := make([]VecVirtual, satBins-1)
	for k := range acc {
		acc[k] = ZMM()
		VMOVDQU32(Mem{Base: pc, Disp: 64 * k}, acc[k])
	}
	lBlock, lRow, lRowsDone := label("sat_block"), label("sat_row"), label("sat_rows_done")
	Label(lBlock)
	cnt, sixteen := GP64(), GP64()
	MOVQ(n, cnt)
	MOVQ(U32(16), sixteen)
	CMPQ(cnt, sixteen)
	CMOVQGT(sixteen, cnt)
	km := c.tailMask(cnt, 16)
	lo, hi := ZMM(), ZMM()
	VMOVDQU32_Z(Mem{Base: pl}, km.r, lo)
	VMOVDQU32_Z(Mem{Base: ph}, km.r, hi)
	q, r := GP64(), GP64()
	MOVQ(px, q)
	MOVQ(rows, r)
	TESTQ(r, r)
	JZ(LabelRef(lRowsDone))
	Label(lRow)
	v, p := ZMM(), ZMM()
	VMOVUPS_Z(Mem{Base: q}, km.r, v)
	kl, kh := K(), K()
	VCMPPS_BCST(U8(cmpLT), at(0), v, km.r, kl)
	VPADDD(ones, lo, kl, lo)
	VCMPPS_BCST(U8(cmpGT), at(1), v, km.r, kh)
	VPADDD(ones, hi, kh, hi)
	VMULPS_BCST(at(2), v, p)
	for k := range acc {
		kk := K()
		VCMPPS_BCST(U8(cmpGE), at(3+k), p, km.r, kk)
		VPADDD(ones, acc[k], kk, acc[k])
	}
	ADDQ(stride, q)
	DECQ(r)
	JNZ(LabelRef(lRow))
	Label(lRowsDone)
	VMOVDQU32(lo, km.r, Mem{Base: pl})
	VMOVDQU32(hi, km.r, Mem{Base: ph})
	ADDQ(U32(64), px)
	ADDQ(U32(64), pl)
	ADDQ(U32(64), ph)
	SUBQ(U32(16), n)
	JG(LabelRef(lBlock))
	for k := range acc {
		VMOVDQU32(acc[k], Mem{Base: pc, Disp: 64 * k})
	}
	VZEROUPPER()
	RET()
}

// conversion is what convert emits.
type conversion int

const (
	widen       conversion = iota // float32 to float64, exact
	narrow                        // float64 to float32, rounded to nearest even as Go's float32(x)
	standardize                   // float32((x − mean)·scale), the difference and product each rounded
)

// convert emits a conversion over n elements, n a multiple of the float64
// lanes of a vector: the callers finish the rest.
func convert(avx512 bool, kind conversion) {
	c := cfg{avx512: avx512} // float64 lanes
	name, sig, what := "widen", "func(dst *float64, src *float32, n int)", "converts"
	switch kind {
	case narrow:
		name, sig = "narrow", "func(dst *float32, src *float64, n int)"
	case standardize:
		name, sig = "standardize", "func(dst *float32, src *float64, n int, mean, scale float64)"
		what = "sets dst[i] = float32((src[i] − mean)·scale) for"
	}
	TEXT(name+c.suffix(), NOSPLIT, sig)
	Pragma("noescape")
	Doc(fmt.Sprintf("%s%s %s n elements, n a multiple of %d.", name, c.suffix(), what, c.W()))
	pd := Load(Param("dst"), GP64())
	ps := Load(Param("src"), GP64())
	n := Load(Param("n"), GP64())
	var mean, scale VecVirtual
	if kind == standardize {
		mean, scale = c.vec(), c.vec()
		c.bcast(NewParamAddr("mean", 24), mean)
		c.bcast(NewParamAddr("scale", 32), scale)
	}
	SHRQ(U8(log2(c.W())), n)
	lLoop, lDone := label(name+"_loop"), label(name+"_done")
	JZ(LabelRef(lDone))
	Label(lLoop)
	var nar VecVirtual = XMM() // half the bytes of a vector
	if avx512 {
		nar = YMM()
	}
	wide := c.vec()
	if kind == widen {
		VMOVUPS(Mem{Base: ps}, nar)
		VCVTPS2PD(nar, wide)
		VMOVUPD(wide, Mem{Base: pd})
		ADDQ(U32(c.vbytes()/2), ps)
		ADDQ(U32(c.vbytes()), pd)
	} else {
		VMOVUPD(Mem{Base: ps}, wide)
		if kind == standardize {
			c.vSub(mean, wide, wide)
			c.vMul(scale, wide, wide)
		}
		if avx512 {
			VCVTPD2PS(wide, nar)
		} else {
			VCVTPD2PSY(wide, nar)
		}
		VMOVUPS(nar, Mem{Base: pd})
		ADDQ(U32(c.vbytes()), ps)
		ADDQ(U32(c.vbytes()/2), pd)
	}
	DECQ(n)
	JNZ(LabelRef(lLoop))
	Label(lDone)
	VZEROUPPER()
	RET()
}

// transpose8 emits dst[c·ldd + r] = float64(src[r·lds + c]) for c < 8 and
// r < 8·nb (nb ≥ 1): nb blocks of 8×8, each loaded as eight rows of eight
// float32, widened, transposed in registers (pairs of rows interleaved, then
// 128-bit lanes gathered twice) and stored as eight rows of eight float64.
func transpose8() {
	TEXT("transpose8Avx512", NOSPLIT, "func(dst *float64, ldd int, src *float32, lds int, nb int)")
	Pragma("noescape")
	Doc("transpose8Avx512 widens and transposes nb ≥ 1 blocks of 8 rows × 8 columns of src into 8 rows of dst.")
	pd := Load(Param("dst"), GP64())
	ldd := Load(Param("ldd"), GP64())
	SHLQ(U8(3), ldd)
	ps := Load(Param("src"), GP64())
	lds := Load(Param("lds"), GP64())
	SHLQ(U8(2), lds)
	nb := Load(Param("nb"), GP64())
	lds3, ldd3 := GP64(), GP64()
	LEAQ(Mem{Base: lds, Index: lds, Scale: 2}, lds3)
	LEAQ(Mem{Base: ldd, Index: ldd, Scale: 2}, ldd3)
	lLoop := label("tr8_loop")
	Label(lLoop)
	// Rows 0…3 from ps, 4…7 from ps + 4·lds.
	q := GP64()
	LEAQ(Mem{Base: ps, Index: lds, Scale: 4}, q)
	var r [8]VecVirtual
	for k := range r {
		r[k] = ZMM()
		base := ps
		if k >= 4 {
			base = q
		}
		VCVTPS2PD(strided(base, k, lds, lds3), r[k])
	}
	// t[2i] = even columns of rows 2i, 2i+1 interleaved; t[2i+1] the odd ones.
	var t [8]VecVirtual
	for i := range 4 {
		t[2*i], t[2*i+1] = ZMM(), ZMM()
		VUNPCKLPD(r[2*i+1], r[2*i], t[2*i])
		VUNPCKHPD(r[2*i+1], r[2*i], t[2*i+1])
	}
	// Columns 0, 4, 2, 6 from the even interleavings, 1, 5, 3, 7 from the odd.
	var col [8]VecVirtual
	for odd := range 2 {
		a, b, c, d := t[odd], t[2+odd], t[4+odd], t[6+odd]
		v02, w02, v13, w13 := ZMM(), ZMM(), ZMM(), ZMM()
		VSHUFF64X2(U8(0x88), b, a, v02)
		VSHUFF64X2(U8(0x88), d, c, w02)
		VSHUFF64X2(U8(0xdd), b, a, v13)
		VSHUFF64X2(U8(0xdd), d, c, w13)
		for k, pair := range [][3]any{{0, v02, w02}, {4, v02, w02}, {2, v13, w13}, {6, v13, w13}} {
			imm := U8(0x88)
			if k%2 == 1 {
				imm = U8(0xdd)
			}
			c := ZMM()
			VSHUFF64X2(imm, pair[2].(VecVirtual), pair[1].(VecVirtual), c)
			col[pair[0].(int)+odd] = c
		}
	}
	e := GP64()
	LEAQ(Mem{Base: pd, Index: ldd, Scale: 4}, e)
	for k := range col {
		base := pd
		if k >= 4 {
			base = e
		}
		VMOVUPD(col[k], strided(base, k, ldd, ldd3))
	}
	LEAQ(Mem{Base: ps, Index: lds, Scale: 8}, ps)
	ADDQ(U32(64), pd)
	DECQ(nb)
	JNZ(LabelRef(lLoop))
	VZEROUPPER()
	RET()
}
