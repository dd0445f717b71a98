// Command asm generates the amd64 micro-kernels of package kernels with avo.
//
//	cd nets/kernels/asm && go run . -out ../kernels_amd64.s -stubs ../stubs_amd64.go -pkg kernels
//
// (or `go generate ./nets/kernels`). It lives in its own module so that the main
// module does not depend on avo. Every kernel computes one register tile of C and
// stores only the rows and columns it is told to: reads past the logical extents
// of A, B and C never happen, because partial vectors are loaded and stored with
// masks (K registers on AVX-512, VMASKMOVPD/VMASKMOVPS on AVX2) and missing rows
// of a tile are aliased to the last real row.
//
// Kernel families (F is float64 or float32, W lanes per vector):
//
//	ntBlock: an R×4 tile of dot products, C[i][j] = β·C[i][j] + a_i·b_j over k, with
//	         horizontal sums at the end (GemmNT, m ≥ 2).
//	ntGemv:  G consecutive outputs c[r] = β·c[r] + b_r·x (GemmNT, m = 1).
//	bc:      an R×(V·W) tile of broadcast FMAs, C[i][:] = β·C[i][:] + Σ_p a(i,p)·B[p][:],
//	         where a(i,p) is at a + i·arow + p·astep: astep = 1 for GemmNN, arow = 1 for
//	         GemmTN. The last of the V vectors is masked to `tail` lanes.
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// cfg is one instruction set and element type.
type cfg struct {
	avx512 bool
	f32    bool
}

func (c cfg) W() int { // lanes per vector
	w := 4
	if c.avx512 {
		w = 8
	}
	if c.f32 {
		w *= 2
	}
	return w
}

func (c cfg) es() int { // element size in bytes
	if c.f32 {
		return 4
	}
	return 8
}

func (c cfg) shift() uint8 { // log2(es)
	if c.f32 {
		return 2
	}
	return 3
}

func (c cfg) vbytes() int { return c.W() * c.es() }

func (c cfg) suffix() string {
	s := "Avx2"
	if c.avx512 {
		s = "Avx512"
	}
	if c.f32 {
		return s + "F32"
	}
	return s + "F64"
}

func (c cfg) typ() string {
	if c.f32 {
		return "float32"
	}
	return "float64"
}

func (c cfg) vec() VecVirtual {
	if c.avx512 {
		return ZMM()
	}
	return YMM()
}

func (c cfg) zero(r Register) {
	if c.avx512 {
		VPXORD(r, r, r)
	} else {
		VXORPS(r, r, r)
	}
}

func (c cfg) load(m Mem, r Register) {
	if c.f32 {
		VMOVUPS(m, r)
	} else {
		VMOVUPD(m, r)
	}
}

func (c cfg) store(r Register, m Mem) {
	if c.f32 {
		VMOVUPS(r, m)
	} else {
		VMOVUPD(r, m)
	}
}

// mask is a K register (AVX-512) or a vector of all-ones/all-zeros lanes (AVX2).
type mask struct{ r Register }

// loadM loads the lanes of mask k from m into r and zeroes the others; it never
// touches memory under a zero lane.
func (c cfg) loadM(m Mem, k mask, r Register) {
	switch {
	case c.avx512 && c.f32:
		VMOVUPS_Z(m, k.r, r)
	case c.avx512:
		VMOVUPD_Z(m, k.r, r)
	case c.f32:
		VMASKMOVPS(m, k.r, r)
	default:
		VMASKMOVPD(m, k.r, r)
	}
}

func (c cfg) storeM(r Register, k mask, m Mem) {
	switch {
	case c.avx512 && c.f32:
		VMOVUPS(r, k.r, m)
	case c.avx512:
		VMOVUPD(r, k.r, m)
	case c.f32:
		VMASKMOVPS(r, k.r, m)
	default:
		VMASKMOVPD(r, k.r, m)
	}
}

// fma sets acc += x·y (x may be memory).
func (c cfg) fma(x, y Op, acc Register) {
	if c.f32 {
		VFMADD231PS(x, y, acc)
	} else {
		VFMADD231PD(x, y, acc)
	}
}

// fmaM is fma on the lanes of k only (AVX-512); other lanes of acc are kept and
// memory under them is not read.
func (c cfg) fmaM(x Op, y Register, k mask, acc Register) {
	if c.f32 {
		VFMADD231PS(x, y, k.r, acc)
	} else {
		VFMADD231PD(x, y, k.r, acc)
	}
}

func (c cfg) add(x, y, dst Register) {
	if c.f32 {
		VADDPS(x, y, dst)
	} else {
		VADDPD(x, y, dst)
	}
}

func (c cfg) mul(x Op, y, dst Register) {
	if c.f32 {
		VMULPS(x, y, dst)
	} else {
		VMULPD(x, y, dst)
	}
}

func (c cfg) bcast(m Mem, r Register) {
	if c.f32 {
		VBROADCASTSS(m, r)
	} else {
		VBROADCASTSD(m, r)
	}
}

// tailMask returns the mask of the first n lanes (0 ≤ n ≤ W) of a vector of width
// lanes, from the read-only tables below.
func (c cfg) tailMask(n Register, width int) mask {
	t := GP64()
	if c.avx512 {
		LEAQ(kmaskTable, t)
		k := K()
		KMOVW(Mem{Base: t, Index: n, Scale: 2}, k)
		return mask{k}
	}
	// lane masks: W entries of -1 then W of 0; the window at W−n has n ones.
	var tbl Mem
	if c.f32 {
		tbl = lane32Table
	} else {
		tbl = lane64Table
	}
	LEAQ(tbl, t)
	off := GP64()
	MOVQ(U32(c.W()), off)
	SUBQ(n, off)
	var r VecVirtual
	if width*c.es() == 16 {
		r = XMM()
	} else {
		r = YMM()
	}
	VMOVDQU(Mem{Base: t, Index: off, Scale: uint8(c.es())}, r)
	return mask{r}
}

var kmaskTable, lane32Table, lane64Table Mem

func tables() {
	kmaskTable = GLOBL("kmask", RODATA|NOPTR)
	for i := 0; i <= 16; i++ {
		DATA(2*i, U16((1<<i)-1))
	}
	lane32Table = GLOBL("lane32", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		v := uint32(0)
		if i < 8 {
			v = 0xffffffff
		}
		DATA(4*i, U32(v))
	}
	lane64Table = GLOBL("lane64", RODATA|NOPTR)
	for i := 0; i < 8; i++ {
		v := uint64(0)
		if i < 4 {
			v = 0xffffffffffffffff
		}
		DATA(8*i, U64(v))
	}
}

var labelN int

func label(s string) string {
	labelN++
	return fmt.Sprintf("%s_%d", s, labelN)
}

// clampRows returns R row pointers base + min(i, rows−1)·stride.
func clampRows(base, stride, rows Register, R int) []Register {
	p := []Register{base}
	for i := 1; i < R; i++ {
		r, t := GP64(), GP64()
		MOVQ(p[i-1], r)
		LEAQ(Mem{Base: p[i-1], Index: stride, Scale: 1}, t)
		CMPQ(rows, U32(i))
		CMOVQGT(t, r)
		p = append(p, r)
	}
	return p
}

// betaIsZero jumps to lbl if the parameter beta is ±0 (then C is not read, as in BLAS).
func betaIsZero(c cfg, lbl string) {
	b, err := Param("beta").Resolve()
	if err != nil {
		panic(err)
	}
	t := GP64()
	if c.f32 {
		MOVL(b.Addr, t.As32())
		SHLL(U8(1), t.As32())
	} else {
		MOVQ(b.Addr, t)
		SHLQ(U8(1), t)
	}
	JZ(LabelRef(lbl))
}

func betaVec(c cfg) VecVirtual {
	b, err := Param("beta").Resolve()
	if err != nil {
		panic(err)
	}
	r := c.vec()
	c.bcast(b.Addr, r)
	return r
}

// reduceTree sums each of the W vectors in v horizontally: lane l of the result
// is the sum of the lanes of v[l].
func reduceTree(c cfg, v []VecVirtual) VecVirtual {
	if len(v) != c.W() {
		panic("reduceTree: want W vectors")
	}
	pairs := func(in []VecVirtual, f func(x, y VecVirtual) VecVirtual) []VecVirtual {
		var out []VecVirtual
		for i := 0; i < len(in); i += 2 {
			out = append(out, f(in[i], in[i+1]))
		}
		return out
	}
	// lo(x,y) + hi(x,y) for an interleave pair.
	interleave := func(lo, hi func(a, b, d Op)) func(x, y VecVirtual) VecVirtual {
		return func(x, y VecVirtual) VecVirtual {
			s, t := c.vec(), c.vec()
			lo(y, x, s)
			hi(y, x, t)
			c.add(t, s, s)
			return s
		}
	}
	if !c.avx512 {
		// AVX2: horizontal adds within 128-bit lanes, then fold the two halves.
		hadd := func(x, y VecVirtual) VecVirtual {
			s := c.vec()
			if c.f32 {
				VHADDPS(y, x, s)
			} else {
				VHADDPD(y, x, s)
			}
			return s
		}
		for len(v) > 2 {
			v = pairs(v, hadd)
		}
		// v[0] holds the 128-bit-lane partials of the first half of the inputs,
		// v[1] of the second half.
		lo, hi := c.vec(), c.vec()
		VPERM2F128(U8(0x20), v[1], v[0], lo)
		VPERM2F128(U8(0x31), v[1], v[0], hi)
		c.add(hi, lo, lo)
		return lo
	}
	if c.f32 {
		v = pairs(v, interleave(func(a, b, d Op) { VUNPCKLPS(a, b, d) }, func(a, b, d Op) { VUNPCKHPS(a, b, d) }))
	}
	v = pairs(v, interleave(func(a, b, d Op) { VUNPCKLPD(a, b, d) }, func(a, b, d Op) { VUNPCKHPD(a, b, d) }))
	shuf := func(i1, i2 uint8) func(x, y VecVirtual) VecVirtual {
		return func(x, y VecVirtual) VecVirtual {
			s, t := c.vec(), c.vec()
			VSHUFF64X2(U8(i1), y, x, s)
			VSHUFF64X2(U8(i2), y, x, t)
			c.add(t, s, s)
			return s
		}
	}
	v = pairs(v, shuf(0x44, 0xee))
	v = pairs(v, shuf(0x88, 0xdd))
	return v[0]
}

// ntBlock: R×4 tile of dot products.
func ntBlock(c cfg, R int) {
	const C = 4
	W, vb := c.W(), c.vbytes()
	T := c.typ()
	TEXT("ntBlock"+c.suffix(), NOSPLIT, fmt.Sprintf(
		"func(k int, a *%s, lda int, b *%s, ldb int, c *%s, ldc int, beta %s, mr int, nr int)", T, T, T, T))
	Pragma("noescape")
	Doc(fmt.Sprintf("ntBlock%s sets C[i][j] = β·C[i][j] + Σ_p a[i·lda+p]·b[j·ldb+p] for i < mr ≤ %d, j < nr ≤ %d.", c.suffix(), R, C))

	lda := Load(Param("lda"), GP64())
	SHLQ(U8(c.shift()), lda)
	mr := Load(Param("mr"), GP64())
	pa := clampRows(Load(Param("a"), GP64()), lda, mr, R)
	ldb := Load(Param("ldb"), GP64())
	SHLQ(U8(c.shift()), ldb)
	nr := Load(Param("nr"), GP64())
	pb := clampRows(Load(Param("b"), GP64()), ldb, nr, C)

	acc := make([][]VecVirtual, R)
	for i := range acc {
		acc[i] = make([]VecVirtual, C)
		for j := range acc[i] {
			acc[i][j] = c.vec()
			c.zero(acc[i][j])
		}
	}
	k := Load(Param("k"), GP64())
	n := GP64()
	MOVQ(k, n)
	SHRQ(U8(log2(W)), n)
	off := GP64()
	XORQ(off, off)
	lTail, lLoop, lReduce := label("nt_tail"), label("nt_loop"), label("nt_reduce")
	TESTQ(n, n)
	JZ(LabelRef(lTail))
	Label(lLoop)
	av := make([]VecVirtual, R)
	for i := range av {
		av[i] = c.vec()
		c.load(Mem{Base: pa[i], Index: off, Scale: 1}, av[i])
	}
	for j := 0; j < C; j++ {
		bv := c.vec()
		c.load(Mem{Base: pb[j], Index: off, Scale: 1}, bv)
		for i := 0; i < R; i++ {
			c.fma(bv, av[i], acc[i][j])
		}
	}
	ADDQ(U32(vb), off)
	DECQ(n)
	JNZ(LabelRef(lLoop))

	Label(lTail)
	ANDQ(U32(W-1), k)
	JZ(LabelRef(lReduce))
	km := c.tailMask(k, W)
	for i := range av {
		av[i] = c.vec()
		c.loadM(Mem{Base: pa[i], Index: off, Scale: 1}, km, av[i])
	}
	for j := 0; j < C; j++ {
		bv := c.vec()
		c.loadM(Mem{Base: pb[j], Index: off, Scale: 1}, km, bv)
		for i := 0; i < R; i++ {
			c.fma(bv, av[i], acc[i][j])
		}
	}

	Label(lReduce)
	var flat []VecVirtual
	for i := range acc {
		flat = append(flat, acc[i]...)
	}
	var sums []VecVirtual
	for g := 0; g < len(flat); g += W {
		sums = append(sums, reduceTree(c, flat[g:g+W]))
	}
	// Row i is lanes [C·i, C·i+C) of the concatenated sums: a ymm (f64) or xmm (f32).
	perVec := W / C
	rows := make([]Register, R)
	for i := 0; i < R; i++ {
		s := sums[i/perVec]
		sub := i % perVec
		switch {
		case !c.f32 && c.avx512: // 4 f64 = ymm
			if sub == 0 {
				rows[i] = s.AsY()
			} else {
				r := ZMM()
				VEXTRACTF64X4(U8(sub), s, r.AsY())
				rows[i] = r.AsY()
			}
		case c.f32 && c.avx512: // 4 f32 = xmm
			if sub == 0 {
				rows[i] = s.AsX()
			} else {
				r := ZMM()
				VEXTRACTF32X4(U8(sub), s, r.AsX())
				rows[i] = r.AsX()
			}
		case !c.f32: // AVX2, 4 f64 = the whole ymm
			rows[i] = s
		default: // AVX2, 4 f32 = xmm halves
			if sub == 0 {
				rows[i] = s.AsX()
			} else {
				r := YMM()
				VEXTRACTF128(U8(sub), s, r.AsX())
				rows[i] = r.AsX()
			}
		}
	}
	cm := c.tailMask(nr, C)
	pc := Load(Param("c"), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(U8(c.shift()), ldc)
	lNoBeta, lDone := label("nt_nobeta"), label("nt_done")
	betaIsZero(c, lNoBeta)
	bvec := betaVec(c)
	var bsub Register = bvec
	if c.f32 || c.avx512 {
		if C*c.es() == 16 {
			bsub = bvec.AsX()
		} else {
			bsub = bvec.AsY()
		}
	}
	for i := 0; i < R; i++ {
		if i > 0 {
			CMPQ(mr, U32(i))
			JLE(LabelRef(lDone))
			ADDQ(ldc, pc)
		}
		var t Register
		if C*c.es() == 16 {
			t = c.vec().AsX()
		} else {
			t = c.vec().AsY()
		}
		c.loadM(Mem{Base: pc}, cm, t)
		c.fma(t, bsub, rows[i])
		c.storeM(rows[i], cm, Mem{Base: pc})
	}
	JMP(LabelRef(lDone))
	Label(lNoBeta)
	for i := 0; i < R; i++ {
		if i > 0 {
			CMPQ(mr, U32(i))
			JLE(LabelRef(lDone))
			ADDQ(ldc, pc)
		}
		c.storeM(rows[i], cm, Mem{Base: pc})
	}
	Label(lDone)
	VZEROUPPER()
	RET()
}

// ntGemv: G consecutive outputs c[r] = β·c[r] + Σ_p b[r·ldb+p]·x[p].
func ntGemv(c cfg, G int) {
	W, vb := c.W(), c.vbytes()
	T := c.typ()
	TEXT("ntGemv"+c.suffix(), NOSPLIT, fmt.Sprintf(
		"func(k int, x *%s, b *%s, ldb int, c *%s, beta %s)", T, T, T, T))
	Pragma("noescape")
	Doc(fmt.Sprintf("ntGemv%s sets c[r] = β·c[r] + Σ_p b[r·ldb+p]·x[p] for r < %d.", c.suffix(), G))
	s := Load(Param("ldb"), GP64())
	SHLQ(U8(c.shift()), s)
	s3 := GP64()
	LEAQ(Mem{Base: s, Index: s, Scale: 2}, s3)
	p := []Register{Load(Param("b"), GP64())}
	for len(p) < G/4 {
		r := GP64()
		LEAQ(Mem{Base: p[len(p)-1], Index: s, Scale: 4}, r)
		p = append(p, r)
	}
	row := func(r int) Mem { return strided(p[r/4], r, s, s3) }
	x := Load(Param("x"), GP64())
	acc := make([]VecVirtual, G)
	for r := range acc {
		acc[r] = c.vec()
		c.zero(acc[r])
	}
	k := Load(Param("k"), GP64())
	n := GP64()
	MOVQ(k, n)
	SHRQ(U8(log2(W)), n)
	lTail, lLoop, lReduce := label("gv_tail"), label("gv_loop"), label("gv_reduce")
	TESTQ(n, n)
	JZ(LabelRef(lTail))
	Label(lLoop)
	xv := c.vec()
	c.load(Mem{Base: x}, xv)
	for r := 0; r < G; r++ {
		c.fma(row(r), xv, acc[r])
	}
	ADDQ(U32(vb), x)
	for _, q := range p {
		ADDQ(U32(vb), q)
	}
	DECQ(n)
	JNZ(LabelRef(lLoop))

	Label(lTail)
	ANDQ(U32(W-1), k)
	JZ(LabelRef(lReduce))
	km := c.tailMask(k, W)
	xv = c.vec()
	c.loadM(Mem{Base: x}, km, xv)
	for r := 0; r < G; r++ {
		if c.avx512 {
			c.fmaM(row(r), xv, km, acc[r])
		} else {
			t := c.vec()
			c.loadM(row(r), km, t)
			c.fma(t, xv, acc[r])
		}
	}

	Label(lReduce)
	var sums []VecVirtual
	for g := 0; g < G; g += W {
		sums = append(sums, reduceTree(c, acc[g:g+W]))
	}
	pc := Load(Param("c"), GP64())
	lNoBeta, lDone := label("gv_nobeta"), label("gv_done")
	betaIsZero(c, lNoBeta)
	bvec := betaVec(c)
	for i, sv := range sums {
		c.fma(Mem{Base: pc, Disp: i * vb}, bvec, sv)
		c.store(sv, Mem{Base: pc, Disp: i * vb})
	}
	JMP(LabelRef(lDone))
	Label(lNoBeta)
	for i, sv := range sums {
		c.store(sv, Mem{Base: pc, Disp: i * vb})
	}
	Label(lDone)
	VZEROUPPER()
	RET()
}

// bc: R×(V·W) tile of broadcast FMAs; the last vector holds `tail` lanes. With
// full == true (AVX2 only) the last vector is full and no mask is used.
func bc(c cfg, R, V int, full bool) string {
	W, vb, es := c.W(), c.vbytes(), c.es()
	T := c.typ()
	name := fmt.Sprintf("bc%dx%d", R, V)
	if !c.avx512 && !full {
		name += "M"
	}
	name += c.suffix()
	TEXT(name, NOSPLIT, fmt.Sprintf(
		"func(k int, a *%s, astep int, arow int, b *%s, ldb int, c *%s, ldc int, beta %s, mr int, tail int)", T, T, T, T))
	what := "the last vector masked to tail lanes"
	if full {
		what = "tail ignored"
	}
	Pragma("noescape")
	Doc(fmt.Sprintf("%s sets C[i][j] = β·C[i][j] + Σ_p a[i·arow+p·astep]·b[p·ldb+j] for i < mr ≤ %d, j < %d·%d, %s.",
		name, R, V, W, what))
	_ = es

	arow := Load(Param("arow"), GP64())
	SHLQ(U8(c.shift()), arow)
	mr := Load(Param("mr"), GP64())
	pa := clampRows(Load(Param("a"), GP64()), arow, mr, R)
	if R == 1 {
		mr = nil
	}
	var km mask
	var kmAddr Register // AVX2 R>1: address of the lane mask, reloaded each step
	masked := !full
	if masked {
		tail := Load(Param("tail"), GP64())
		if c.avx512 || R == 1 {
			km = c.tailMask(tail, W)
		} else {
			kmAddr = GP64()
			LEAQ(lane64Table, kmAddr)
			if c.f32 {
				LEAQ(lane32Table, kmAddr)
			}
			off := GP64()
			MOVQ(U32(W), off)
			SUBQ(tail, off)
			LEAQ(Mem{Base: kmAddr, Index: off, Scale: uint8(es)}, kmAddr)
		}
	}
	acc := make([][]VecVirtual, R)
	for i := range acc {
		acc[i] = make([]VecVirtual, V)
		for v := range acc[i] {
			acc[i][v] = c.vec()
			c.zero(acc[i][v])
		}
	}
	// loadC/storeC move vector v of C's current row, masked if it is the last.
	loadCMask := func() mask {
		if kmAddr != nil {
			r := YMM()
			VMOVDQU(Mem{Base: kmAddr}, r)
			return mask{r}
		}
		return km
	}
	pc := Load(Param("c"), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(U8(c.shift()), ldc)
	lNoBeta, lLoop, lStore := label("bc_nobeta"), label("bc_loop"), label("bc_store")
	betaIsZero(c, lNoBeta)
	{
		bvec := betaVec(c)
		cp := GP64()
		MOVQ(pc, cp)
		for i := 0; i < R; i++ {
			if i > 0 {
				CMPQ(mr, U32(i))
				JLE(LabelRef(lNoBeta))
				ADDQ(ldc, cp)
			}
			for v := 0; v < V; v++ {
				m := Mem{Base: cp, Disp: v * vb}
				if v == V-1 && masked {
					t := c.vec()
					c.loadM(m, loadCMask(), t)
					c.mul(t, bvec, acc[i][v])
				} else {
					c.mul(m, bvec, acc[i][v])
				}
			}
		}
	}
	Label(lNoBeta)
	k := Load(Param("k"), GP64())
	TESTQ(k, k)
	JZ(LabelRef(lStore))
	astep := Load(Param("astep"), GP64())
	SHLQ(U8(c.shift()), astep)
	pb := Load(Param("b"), GP64())
	ldb := Load(Param("ldb"), GP64())
	SHLQ(U8(c.shift()), ldb)
	Label(lLoop)
	if R == 1 {
		// B straight from memory: acc[v] += a·B[p][v].
		bcv := c.vec()
		c.bcast(Mem{Base: pa[0]}, bcv)
		for v := 0; v < V; v++ {
			m := Mem{Base: pb, Disp: v * vb}
			switch {
			case v < V-1 || !masked:
				c.fma(m, bcv, acc[0][v])
			case c.avx512:
				c.fmaM(m, bcv, km, acc[0][v])
			default:
				t := c.vec()
				c.loadM(m, km, t)
				c.fma(t, bcv, acc[0][v])
			}
		}
	} else {
		bv := make([]VecVirtual, V)
		for v := range bv {
			bv[v] = c.vec()
			m := Mem{Base: pb, Disp: v * vb}
			if v == V-1 && masked {
				c.loadM(m, loadCMask(), bv[v])
			} else {
				c.load(m, bv[v])
			}
		}
		for i := 0; i < R; i++ {
			bcv := c.vec()
			c.bcast(Mem{Base: pa[i]}, bcv)
			for v := 0; v < V; v++ {
				c.fma(bv[v], bcv, acc[i][v])
			}
		}
	}
	for _, q := range pa {
		ADDQ(astep, q)
	}
	ADDQ(ldb, pb)
	DECQ(k)
	JNZ(LabelRef(lLoop))

	Label(lStore)
	lDone := label("bc_done")
	for i := 0; i < R; i++ {
		if i > 0 {
			CMPQ(mr, U32(i))
			JLE(LabelRef(lDone))
			ADDQ(ldc, pc)
		}
		for v := 0; v < V; v++ {
			m := Mem{Base: pc, Disp: v * vb}
			if v == V-1 && masked {
				c.storeM(acc[i][v], loadCMask(), m)
			} else {
				c.store(acc[i][v], m)
			}
		}
	}
	Label(lDone)
	VZEROUPPER()
	RET()
	return name
}

// strided addresses row k mod 4 of rows s bytes apart from base, with s3 = 3s
// (x86 scales only by 1, 2, 4 and 8).
func strided(base Register, k int, s, s3 Register) Mem {
	switch k % 4 {
	case 1:
		return Mem{Base: base, Index: s, Scale: 1}
	case 2:
		return Mem{Base: base, Index: s, Scale: 2}
	case 3:
		return Mem{Base: base, Index: s3, Scale: 1}
	}
	return Mem{Base: base}
}

func log2(n int) uint8 {
	var s uint8
	for 1<<s < n {
		s++
	}
	return s
}

func main() {
	tables()
	ewTables()
	satTables()
	for _, avx512 := range []bool{true, false} {
		for _, f32 := range []bool{false, true} {
			c := cfg{avx512: avx512, f32: f32}
			if avx512 {
				ntBlock(c, 4)
				ntGemv(c, c.W())
				for _, v := range []int{4, 3, 2, 1} {
					bc(c, 4, v, false)
				}
				for _, v := range []int{16, 8, 4, 2, 1} {
					bc(c, 1, v, false)
				}
			} else {
				ntBlock(c, 2)
				ntGemv(c, 8)
				for _, v := range []int{3, 2, 1} {
					bc(c, 4, v, false)
					bc(c, 4, v, true)
				}
				for _, v := range []int{8, 4, 2, 1} {
					bc(c, 1, v, false)
					bc(c, 1, v, true)
				}
			}
		}
	}
	elementwise()
	cells()
	Generate()
}
