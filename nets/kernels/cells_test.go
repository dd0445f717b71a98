package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// cellSizes are the lengths the cell kernels are tested at: every length up to
// 40 (whole vectors and every tail of both widths) and some larger.
func cellSizes() []int {
	s := []int{63, 64, 65, 127, 128, 129, 300}
	for n := range 41 {
		s = append(s, n)
	}
	return s
}

// guarded is a slice of n elements with a sentinel on either side, starting
// off elements into its buffer (off = 1: not aligned as allocated).
type guarded[F float] struct{ buf []F }

func newGuarded[F float](n, off int, fill func(i int) F) guarded[F] {
	b := make([]F, n+off+2)
	for i := range b {
		b[i] = sentinel[F]()
	}
	g := guarded[F]{b[off:]}
	for i := range n {
		g.buf[1+i] = fill(i)
	}
	return g
}

func (g guarded[F]) s() []F { return g.buf[1 : len(g.buf)-1] }

// intact reports whether the sentinels are untouched.
func (g guarded[F]) intact() bool {
	return sameBits(g.buf[0], sentinel[F]()) && sameBits(g.buf[len(g.buf)-1], sentinel[F]())
}

// cellValue draws an input of a cell kernel: mostly in the range of
// activations, sometimes large, zero, subnormal, infinite or NaN.
func cellValue[F float](rng *rand.Rand) F {
	switch rng.IntN(16) {
	case 0:
		return F([]float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1), math.NaN(), 1e-310, 1e-40}[rng.IntN(9)])
	case 1:
		return F(rng.NormFloat64() * 1e3)
	default:
		return F(rng.Float64()*2 - 1)
	}
}

func testAdd[F float](t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	v := func(int) F { return cellValue[F](rng) }
	for _, im := range available()[1:] {
		for _, n := range cellSizes() {
			for off := range 2 {
				a, b := newGuarded(n, off, v), newGuarded(n, 1-off, v)
				want := make([]F, n)
				addGo(want, a.s(), b.s())
				dst := newGuarded(n, off, v)
				f := any(im.cell.add64)
				if _, ok := any(want).([]float32); ok {
					f = any(im.cell.add32)
				}
				add := f.(func(dst, a, b []F))
				if n > 0 {
					add(dst.s(), a.s(), b.s())
				}
				where := fmt.Sprintf("%s n=%d off=%d", im.name, n, off)
				if !dst.intact() {
					t.Fatalf("%s: wrote outside dst", where)
				}
				if !slices.EqualFunc(dst.s(), want, sameBits[F]) {
					t.Fatalf("%s: %v, Go %v", where, dst.s(), want)
				}
				if n > 0 { // in place
					add(a.s(), a.s(), b.s())
					if !slices.EqualFunc(a.s(), want, sameBits[F]) {
						t.Fatalf("%s: in place differs", where)
					}
				}
			}
		}
	}
}

// TestAdd checks every vector Add against the Go loop, bit for bit, for every
// tail length, aligned and not, in place, never writing outside dst.
func TestAdd(t *testing.T) {
	t.Run("float64", testAdd[float64])
	t.Run("float32", testAdd[float32])
}

// lstmBackCase is one stream's inputs to LSTMBackward and its outputs.
type lstmBackCase[F float] struct {
	gates, dgates, tc, cprev, dh, dc guarded[F]
}

func newLSTMBackCase[F float](rng *rand.Rand, h, off int) lstmBackCase[F] {
	v := func(int) F { return cellValue[F](rng) }
	act := func(int) F { // activations: mostly inside (0, 1) and (−1, 1)
		if rng.IntN(8) == 0 {
			return cellValue[F](rng)
		}
		return F(rng.Float64())
	}
	return lstmBackCase[F]{
		gates: newGuarded(4*h, off, act), dgates: newGuarded(4*h, 1-off, v),
		tc: newGuarded(h, off, v), cprev: newGuarded(h, 1-off, v),
		dh: newGuarded(h, off, v), dc: newGuarded(h, off, v),
	}
}

func (c lstmBackCase[F]) clone() lstmBackCase[F] {
	cp := func(g guarded[F]) guarded[F] { return guarded[F]{slices.Clone(g.buf)} }
	return lstmBackCase[F]{cp(c.gates), cp(c.dgates), cp(c.tc), cp(c.cprev), cp(c.dh), cp(c.dc)}
}

func (c lstmBackCase[F]) all() []guarded[F] {
	return []guarded[F]{c.gates, c.dgates, c.tc, c.cprev, c.dh, c.dc}
}

func lstmBackOf[F float](im impl) func(gates, dgates, tc, cprev, dh, dc []F) {
	var z F
	if _, ok := any(z).(float32); ok {
		return any(im.cell.lstmBack32).(func(gates, dgates, tc, cprev, dh, dc []F))
	}
	return any(im.cell.lstmBack64).(func(gates, dgates, tc, cprev, dh, dc []F))
}

func testLSTMBackward[F float](t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for _, h := range cellSizes() {
		if h == 0 {
			continue
		}
		for off := range 2 {
			in := newLSTMBackCase[F](rng, h, off)
			want := in.clone()
			lstmBackOf[F](goImpl())(want.gates.s(), want.dgates.s(), want.tc.s(), want.cprev.s(), want.dh.s(), want.dc.s())
			for _, im := range available()[1:] {
				got := in.clone()
				lstmBackOf[F](im)(got.gates.s(), got.dgates.s(), got.tc.s(), got.cprev.s(), got.dh.s(), got.dc.s())
				for k, g := range got.all() {
					where := fmt.Sprintf("%s h=%d off=%d operand %d", im.name, h, off, k)
					if !slices.EqualFunc(g.buf, want.all()[k].buf, sameBits[F]) {
						t.Fatalf("%s: %v, Go %v", where, g.buf, want.all()[k].buf)
					}
				}
			}
		}
	}
}

// TestLSTMBackward checks every vector LSTMBackward against the Go loop, bit for
// bit, on every operand and its surroundings (so nothing is written outside
// dgates and dc), for every tail length, aligned and not, with special values.
func TestLSTMBackward(t *testing.T) {
	t.Run("float64", testLSTMBackward[float64])
	t.Run("float32", testLSTMBackward[float32])
}

// TestLSTMBackwardFormulas checks the Go loop against the chain rule written out
// plainly in float64 (on amd64 without GOAMD64=v3 the compiler does not fuse,
// so the plain statements round the same way).
func TestLSTMBackwardFormulas(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	const h = 50
	c := newLSTMBackCase[float64](rng, h, 0)
	gates, dgates, tc, cprev, dh, dc := c.gates.s(), c.dgates.s(), c.tc.s(), c.cprev.s(), c.dh.s(), slices.Clone(c.dc.s())
	lstmBackGo(gates, dgates, tc, cprev, dh, c.dc.s())
	for j := range h {
		i, f, g, o := gates[j], gates[h+j], gates[2*h+j], gates[3*h+j]
		dcj := dc[j] + dh[j]*o*(1-tc[j]*tc[j])
		want := []float64{dcj * g * i * (1 - i), dcj * cprev[j] * f * (1 - f), dcj * i * (1 - g*g), dh[j] * tc[j] * o * (1 - o)}
		for k, w := range want {
			if got := dgates[k*h+j]; !sameBits(got, w) && !(math.IsNaN(got) && math.IsNaN(w)) {
				t.Fatalf("unit %d gate %d: %v, chain rule %v", j, k, got, w)
			}
		}
		if got, w := c.dc.s()[j], dcj*f; !sameBits(got, w) && !(math.IsNaN(got) && math.IsNaN(w)) {
			t.Fatalf("unit %d: dc₋₁ %v, chain rule %v", j, got, w)
		}
	}
}

func lstmFwdOf[F float](im impl) (fused func(gates, cprev, cnew, tc, hnew []F), composed func(gates, cprev, cnew, tc, hnew []F)) {
	var z F
	if _, ok := any(z).(float32); ok {
		return any(im.cell.lstmFwd32).(func(gates, cprev, cnew, tc, hnew []F)),
			any(lstmFwdWith(im.ew.sigmoid32, im.ew.tanh32)).(func(gates, cprev, cnew, tc, hnew []F))
	}
	return any(im.cell.lstmFwd64).(func(gates, cprev, cnew, tc, hnew []F)),
		any(lstmFwdWith(im.ew.sigmoid64, im.ew.tanh64)).(func(gates, cprev, cnew, tc, hnew []F))
}

func testLSTMForward[F float](t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	pre := func(int) F { // pre-activations: mostly moderate, some saturating
		if rng.IntN(8) == 0 {
			return cellValue[F](rng)
		}
		return F(rng.NormFloat64() * 3)
	}
	for _, h := range cellSizes() {
		if h == 0 {
			continue
		}
		for off := range 2 {
			gates, cprev := newGuarded(4*h, off, pre), newGuarded(h, 1-off, pre)
			out := func() []guarded[F] {
				return []guarded[F]{{slices.Clone(gates.buf)}, newGuarded(h, off, pre), newGuarded(h, 1-off, pre), newGuarded(h, off, pre)}
			}
			run := func(f func(gates, cprev, cnew, tc, hnew []F), o []guarded[F]) {
				f(o[0].s(), cprev.s(), o[1].s(), o[2].s(), o[3].s())
			}
			ref := out()
			_, goComposed := lstmFwdOf[F](goImpl())
			run(goComposed, ref)
			for _, im := range available() {
				fused, composed := lstmFwdOf[F](im)
				got, want := out(), out()
				run(fused, got)
				run(composed, want)
				checkFused(t, fmt.Sprintf("%s h=%d off=%d", im.name, h, off), got, want, ref)
			}
		}
	}
}

// checkFused compares the outputs of a fused kernel with the same
// implementation's activations followed by the Go loops (bit for bit) and with
// pure Go (within the activations' ulps, a little amplified), and checks that
// nothing was written around them.
func checkFused[F float](t *testing.T, where string, got, want, ref []guarded[F]) {
	t.Helper()
	for k := range got {
		where := fmt.Sprintf("%s operand %d", where, k)
		if !got[k].intact() {
			t.Fatalf("%s: wrote outside", where)
		}
		if !slices.EqualFunc(got[k].s(), want[k].s(), sameBits[F]) {
			t.Fatalf("%s: fused %v, its own σ and tanh %v", where, got[k].s(), want[k].s())
		}
		for i, x := range got[k].s() {
			r := ref[k].s()[i]
			if d := math.Abs(float64(x - r)); d > 1e-5*max(1, math.Abs(float64(r))) && !(x != x && r != r) && x != r {
				t.Fatalf("%s: [%d] %v, pure Go %v", where, i, x, r)
			}
		}
	}
}

// TestLSTMForward checks every fused LSTMForward against the same
// implementation's Sigmoid and Tanh followed by the Go loops, bit for bit, and
// against pure Go within the activations' rounding, for every tail length.
func TestLSTMForward(t *testing.T) {
	t.Run("float64", testLSTMForward[float64])
	t.Run("float32", testLSTMForward[float32])
}

func TestCellKernelsPanic(t *testing.T) {
	a, b := make([]float64, 4), make([]float64, 3)
	for _, f := range []func(){
		func() { Add(a, a, b) },
		func() { LSTMForward(a[:3], b[:1], b[:1], b[:1], b[:1]) },
		func() { LSTMForward(a, b[:1], b[:1], b[:2], b[:1]) },
		func() { LSTMBackward(a, a[:3], b[:1], b[:1], b[:1], b[:1]) },
		func() { LSTMBackward(a, a, b[:1], b[:1], b[:1], b[:2]) },
		func() { GRUBackward(b, b, b, b[:1], b[:1], b[:1], b[:2]) },
		func() { GRUForward(b, b, b[:1], b[:1], b[:2]) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		}()
	}
	LSTMForward(a, a[:1], a[:1], a[:1], a[:1]) // right lengths: no panic
	LSTMBackward(a, a, a[:1], a[:1], a[:1], a[:1])
	GRUBackward(b, b, b, b[:1], b[:1], b[:1], b[:1])
	Add(a, a, a)
}

// TestNarrowWiden checks every vector conversion against Go's conversions, bit
// for bit, for every tail length, aligned and not, with values that round,
// overflow float32, underflow to subnormals and zero, and NaN.
func TestNarrowWiden(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, im := range available() {
		for _, n := range cellSizes() {
			for off := range 2 {
				wide := newGuarded(n, off, func(int) float64 {
					if rng.IntN(4) == 0 {
						return []float64{1e39, -1e39, 1e-46, 3e-39, math.NaN(), math.Inf(-1), 1 + 0x1p-24, 1 + 0x3p-24}[rng.IntN(8)]
					}
					return rng.NormFloat64()
				})
				nar := newGuarded(n, 1-off, func(int) float32 { return 0 })
				im.cell.narrow(nar.s(), wide.s())
				back := newGuarded(n, off, func(int) float64 { return 0 })
				im.cell.widen(back.s(), nar.s())
				where := fmt.Sprintf("%s n=%d off=%d", im.name, n, off)
				if !nar.intact() || !back.intact() {
					t.Fatalf("%s: wrote outside dst", where)
				}
				for i, x := range wide.s() {
					if f := float32(x); !sameBits(nar.s()[i], f) {
						t.Fatalf("%s: narrow(%v) = %v, Go %v", where, x, nar.s()[i], f)
					}
					if w := float64(nar.s()[i]); !sameBits(back.s()[i], w) {
						t.Fatalf("%s: widen(%v) = %v, Go %v", where, nar.s()[i], back.s()[i], w)
					}
				}
			}
		}
	}
}

// TestStandardize checks every Standardize against the Go loop, bit for bit,
// for every tail length, aligned and not, with differences and products that
// round, overflow float32 and underflow, NaN and infinities, and means and
// scales that make them.
func TestStandardize(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	for _, im := range available()[1:] {
		for _, n := range cellSizes() {
			for off := range 2 {
				src := newGuarded(n, off, func(int) float64 {
					if rng.IntN(4) == 0 {
						return []float64{1e39, -1e39, 1e-46, 3e-39, math.NaN(), math.Inf(-1), 1 + 0x1p-24, 0.1}[rng.IntN(8)]
					}
					return rng.NormFloat64()
				})
				mean, scale := rng.NormFloat64(), []float64{1, 0.1 / 3, 1e-40, 7e35, math.Inf(1)}[rng.IntN(5)]
				want := make([]float32, n)
				standardizeGo(want, src.s(), mean, scale)
				dst := newGuarded(n, 1-off, func(int) float32 { return 0 })
				im.cell.stdize(dst.s(), src.s(), mean, scale)
				where := fmt.Sprintf("%s n=%d off=%d mean=%v scale=%v", im.name, n, off, mean, scale)
				if !dst.intact() {
					t.Fatalf("%s: wrote outside dst", where)
				}
				if !slices.EqualFunc(dst.s(), want, sameBits[float32]) {
					t.Fatalf("%s: %v, Go %v", where, dst.s(), want)
				}
			}
		}
	}
}

func maxOfImpl[F float](im impl) func([]F) F {
	var z F
	if _, ok := any(z).(float32); ok {
		return any(im.cell.max32).(func([]F) F)
	}
	return any(im.cell.max64).(func([]F) F)
}

func expSumOfImpl[F float](im impl) (func(dst, src []F, shift F) float64, func(dst, src []F)) {
	var z F
	if _, ok := any(z).(float32); ok {
		return any(im.cell.expSum32).(func(dst, src []F, shift F) float64), any(im.ew.exp32).(func(dst, src []F))
	}
	return any(im.cell.expSum64).(func(dst, src []F, shift F) float64), any(im.ew.exp64).(func(dst, src []F))
}

// logits draws a row of logits: spread like a network's, with a few extremes.
func logits[F float](rng *rand.Rand, n int) []F {
	x := make([]F, n)
	for i := range x {
		switch rng.IntN(20) {
		case 0:
			x[i] = F([]float64{math.Inf(-1), -1e30, 80, -80, 0}[rng.IntN(5)])
		default:
			x[i] = F(rng.NormFloat64() * 4)
		}
	}
	return x
}

func testMaxExpSum[F float](t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	goMax, goSum := maxOfImpl[F](goImpl()), func() func(dst, src []F, shift F) float64 { f, _ := expSumOfImpl[F](goImpl()); return f }()
	var z F
	_, is32 := any(z).(float32)
	for _, n := range append(cellSizes(), 200, 1000) {
		for off := range 2 {
			src := logits[F](rng, n+off)[off:]
			m := goMax(src)
			if n == 0 && !math.IsInf(float64(m), -1) {
				t.Fatalf("Max of nothing = %v", m)
			}
			for _, v := range src {
				if v > m {
					t.Fatalf("n=%d: Go max %v below %v", n, m, v)
				}
			}
			want := make([]F, n)
			wz := goSum(want, src, m)
			for _, im := range available() {
				where := fmt.Sprintf("%s n=%d off=%d", im.name, n, off)
				if got := maxOfImpl[F](im)(src); got != m {
					t.Fatalf("%s: max %v, Go %v", where, got, m)
				}
				if n == 0 {
					continue
				}
				expSum, exp := expSumOfImpl[F](im)
				dst := newGuarded(n, 1-off, func(int) F { return 0 })
				gz := expSum(dst.s(), src, m)
				if !dst.intact() {
					t.Fatalf("%s: wrote outside dst", where)
				}
				// its own Exp of the rounded differences, summed in the order of
				// the doc by the Go loop
				own := make([]F, n)
				oz := expSumWith(exp)(own, src, m)
				if !slices.EqualFunc(dst.s(), own, sameBits[F]) || !sameBits(gz, oz) {
					t.Fatalf("%s: ExpSum differs from its Exp and the documented order: %v vs %v", where, gz, oz)
				}
				// against pure Go: float64 the same bits, float32 within Exp32's ulps
				for i := range own {
					if u := ulps(own[i], want[i]); (!is32 && u != 0) || u > tol32 {
						t.Fatalf("%s: e^%v = %v, pure Go %v", where, src[i]-m, own[i], want[i])
					}
				}
				if d := math.Abs(gz-wz) / wz; (!is32 && d != 0) || d > 1e-6 {
					t.Fatalf("%s: sum %v, pure Go %v", where, gz, wz)
				}
				// in place
				inplace := slices.Clone(src)
				if iz := expSum(inplace, inplace, m); !sameBits(iz, gz) || !slices.EqualFunc(inplace, own, sameBits[F]) {
					t.Fatalf("%s: in place differs", where)
				}
			}
		}
	}
}

// TestMaxExpSum checks Max and ExpSum of every implementation: Max equal to the
// Go loop's; ExpSum equal bit for bit to the same implementation's Exp of the
// rounded differences added in the documented order, and to pure Go (float64
// bit for bit, float32 within Exp32's ulps); in place the same; nothing written
// outside dst.
func TestMaxExpSum(t *testing.T) {
	t.Run("float64", testMaxExpSum[float64])
	t.Run("float32", testMaxExpSum[float32])
}

func TestCellKernelsAllocateNothing(t *testing.T) {
	for _, n := range []int{0, 7, 200} {
		x64, y64 := make([]float64, 4*n+1), make([]float64, 4*n+1)
		x32, y32 := make([]float32, 4*n+1), make([]float32, 4*n+1)
		if a := testing.AllocsPerRun(10, func() {
			Add(y64[:n], x64[:n], y64[:n])
			Add(y32[:n], x32[:n], y32[:n])
			_ = Max(x64[:n]) + float64(Max(x32[:n]))
			_ = ExpSum(y64[:n], x64[:n], 0) + ExpSum(y32[:n], x32[:n], 0)
			Narrow(x32[:n], x64[:n])
			Widen(x64[:n], x32[:n])
			LSTMForward(y64[:4*n], x64[:n], x64[n:2*n], x64[2*n:3*n], x64[3*n:4*n])
			LSTMBackward(y64[:4*n], x64[:4*n], y64[:n], y64[n:2*n], y64[2*n:3*n], y64[3*n:4*n])
			LSTMForward(y32[:4*n], x32[:n], x32[n:2*n], x32[2*n:3*n], x32[3*n:4*n])
			LSTMBackward(y32[:4*n], x32[:4*n], y32[:n], y32[n:2*n], y32[2*n:3*n], y32[3*n:4*n])
			GRUBackward(y64[:3*n], x64[:3*n], y64[n:4*n], x64[3*n:4*n], y64[:n], x64[:n], x64[n:2*n])
			GRUBackward(y32[:3*n], x32[:3*n], y32[n:4*n], x32[3*n:4*n], y32[:n], x32[:n], x32[n:2*n])
			GRUForward(y64[:3*n], x64[:3*n], y64[3*n:4*n], x64[3*n:4*n], x64[:n])
			GRUForward(y32[:3*n], x32[:3*n], y32[3*n:4*n], x32[3*n:4*n], x32[:n])
		}); a != 0 {
			t.Errorf("n=%d: %v allocations", n, a)
		}
	}
}

func gruBackOf[F float](im impl) func(gates, dgates, dhgates, ghn, hprev, dh, dhprev []F) {
	var z F
	if _, ok := any(z).(float32); ok {
		return any(im.cell.gruBack32).(func(gates, dgates, dhgates, ghn, hprev, dh, dhprev []F))
	}
	return any(im.cell.gruBack64).(func(gates, dgates, dhgates, ghn, hprev, dh, dhprev []F))
}

func testGRUBackward[F float](t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	v := func(int) F { return cellValue[F](rng) }
	act := func(int) F {
		if rng.IntN(8) == 0 {
			return cellValue[F](rng)
		}
		return F(rng.Float64())
	}
	for _, h := range cellSizes() {
		if h == 0 {
			continue
		}
		for off := range 2 {
			// gates, dgates, dhgates, ghn, hprev, dh, dhprev
			in := []guarded[F]{newGuarded(3*h, off, act), newGuarded(3*h, 1-off, v), newGuarded(3*h, off, v),
				newGuarded(h, 1-off, v), newGuarded(h, off, v), newGuarded(h, 1-off, v), newGuarded(h, off, v)}
			run := func(im impl) []guarded[F] {
				o := make([]guarded[F], len(in))
				for k, g := range in {
					o[k] = guarded[F]{slices.Clone(g.buf)}
				}
				gruBackOf[F](im)(o[0].s(), o[1].s(), o[2].s(), o[3].s(), o[4].s(), o[5].s(), o[6].s())
				return o
			}
			want := run(goImpl())
			for _, im := range available()[1:] {
				for k, g := range run(im) {
					if !slices.EqualFunc(g.buf, want[k].buf, sameBits[F]) {
						t.Fatalf("%s h=%d off=%d operand %d: %v, Go %v", im.name, h, off, k, g.buf, want[k].buf)
					}
				}
			}
		}
	}
}

// TestGRUBackward checks every vector GRUBackward against the Go loop, bit for
// bit, on every operand and its surroundings, for every tail length, aligned
// and not, with special values.
func TestGRUBackward(t *testing.T) {
	t.Run("float64", testGRUBackward[float64])
	t.Run("float32", testGRUBackward[float32])
}

func gruFwdOf[F float](im impl) (fused, composed func(gates, hsum, ghn, hprev, hnew []F)) {
	var z F
	if _, ok := any(z).(float32); ok {
		return any(im.cell.gruFwd32).(func(gates, hsum, ghn, hprev, hnew []F)),
			any(gruFwdWith(im.ew.sigmoid32, im.ew.tanh32)).(func(gates, hsum, ghn, hprev, hnew []F))
	}
	return any(im.cell.gruFwd64).(func(gates, hsum, ghn, hprev, hnew []F)),
		any(gruFwdWith(im.ew.sigmoid64, im.ew.tanh64)).(func(gates, hsum, ghn, hprev, hnew []F))
}

func testGRUForward[F float](t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	pre := func(int) F {
		if rng.IntN(8) == 0 {
			return cellValue[F](rng)
		}
		return F(rng.NormFloat64() * 3)
	}
	for _, h := range cellSizes() {
		if h == 0 {
			continue
		}
		for off := range 2 {
			gates, hsum, hprev := newGuarded(3*h, off, pre), newGuarded(3*h, 1-off, pre), newGuarded(h, off, pre)
			// gates (in and out), ghn, hnew
			out := func() []guarded[F] {
				return []guarded[F]{{slices.Clone(gates.buf)}, newGuarded(h, 1-off, pre), newGuarded(h, off, pre)}
			}
			run := func(f func(gates, hsum, ghn, hprev, hnew []F), o []guarded[F]) {
				f(o[0].s(), hsum.s(), o[1].s(), hprev.s(), o[2].s())
			}
			ref := out()
			_, goComposed := gruFwdOf[F](goImpl())
			run(goComposed, ref)
			for _, im := range available() {
				fused, composed := gruFwdOf[F](im)
				got, want := out(), out()
				run(fused, got)
				run(composed, want)
				checkFused(t, fmt.Sprintf("%s h=%d off=%d", im.name, h, off), got, want, ref)
			}
		}
	}
}

// TestGRUForward checks every fused GRUForward against the same
// implementation's Sigmoid and Tanh followed by the Go loops, bit for bit, and
// against pure Go within the activations' rounding, for every tail length.
func TestGRUForward(t *testing.T) {
	t.Run("float64", testGRUForward[float64])
	t.Run("float32", testGRUForward[float32])
}

// satValue draws a gate activation for SatCount: mostly in [0, 1], often on or
// next to a threshold or a bin edge, sometimes out of range, infinite or NaN.
func satValue(rng *rand.Rand) float32 {
	edge := func() float32 {
		switch rng.IntN(3) {
		case 0:
			return 0.1
		case 1:
			return 0.9
		}
		return float32(rng.IntN(SatBins+1)) / SatBins
	}
	switch rng.IntN(8) {
	case 0:
		return edge()
	case 1:
		return math.Nextafter32(edge(), float32(math.Inf(2*rng.IntN(2)-1)))
	case 2:
		return float32(cellValue[float64](rng))
	}
	return rng.Float32()
}

// TestSatCount checks every SatCount against the Go definition, count for
// count, for every tail of units, strides wider than a row, values on and next
// to every threshold and bin edge, NaN and infinities; counts are added to, x
// is not written and nothing outside low and high is.
func TestSatCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, im := range available()[1:] {
		for _, n := range cellSizes() {
			for _, rows := range []int{0, 1, 3, 17} {
				for _, pad := range []int{0, 5} {
					stride := n + pad
					x := make([]float32, rows*stride)
					for i := range x {
						x[i] = satValue(rng)
					}
					orig := slices.Clone(x)
					low0, high0 := make([]int32, n+2), make([]int32, n+2)
					for i := range low0 {
						low0[i], high0[i] = int32(rng.IntN(100)), int32(rng.IntN(100))
					}
					var hist0 [SatBins]int32
					for i := range hist0 {
						hist0[i] = int32(rng.IntN(100))
					}
					wl, wh, whist := slices.Clone(low0), slices.Clone(high0), hist0
					satCountGo(x, rows, stride, wl[1:n+1], wh[1:n+1], &whist)
					gl, gh, ghist := slices.Clone(low0), slices.Clone(high0), hist0
					if n > 0 && rows > 0 {
						im.cell.satCount(x, rows, stride, gl[1:n+1], gh[1:n+1], &ghist)
					}
					where := fmt.Sprintf("%s n=%d rows=%d stride=%d", im.name, n, rows, stride)
					switch {
					case !slices.Equal(gl, wl):
						t.Fatalf("%s: low %v, Go %v", where, gl, wl)
					case !slices.Equal(gh, wh):
						t.Fatalf("%s: high %v, Go %v", where, gh, wh)
					case ghist != whist:
						t.Fatalf("%s: histogram %v, Go %v", where, ghist, whist)
					case !slices.EqualFunc(x, orig, sameBits[float32]):
						t.Fatalf("%s: wrote x", where)
					}
				}
			}
		}
	}
}

// TestSatBin checks the histogram's bins against their definition: the bin of
// a finite value is ⌊20x⌋ clamped to the bins, NaN's is 0 and +Inf's the last.
func TestSatBin(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	for range 100000 {
		v := satValue(rng)
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			continue
		}
		want := min(max(int(math.Floor(float64(v*SatBins))), 0), SatBins-1)
		if got := SatBin(v); got != want {
			t.Fatalf("SatBin(%v) = %d, want %d", v, got, want)
		}
	}
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	if SatBin(nan) != 0 || SatBin(inf) != SatBins-1 || SatBin(-inf) != 0 {
		t.Fatalf("SatBin(NaN, +Inf, −Inf) = %d, %d, %d", SatBin(nan), SatBin(inf), SatBin(-inf))
	}
	// SatCount's checks
	for _, bad := range []func(){
		func() { SatCount(make([]float32, 10), 2, 5, make([]int32, 6), make([]int32, 6), new([SatBins]int32)) },
		func() { SatCount(make([]float32, 9), 2, 5, make([]int32, 5), make([]int32, 5), new([SatBins]int32)) },
		func() { SatCount(make([]float32, 10), 2, 5, make([]int32, 5), make([]int32, 4), new([SatBins]int32)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("SatCount did not panic on bad arguments")
				}
			}()
			bad()
		}()
	}
}

// TestTranspose checks every Transpose against the Go loops for every tail of
// rows and columns up to a few blocks, strides wider than a row, and values
// that show any mixing up; nothing outside the elements named is written.
func TestTranspose(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	for _, im := range available()[1:] {
		for _, rows := range []int{1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 130} {
			for _, cols := range []int{1, 3, 7, 8, 9, 16, 17, 33, 64} {
				for _, pad := range []int{0, 3} {
					lds, ldd := cols+pad, rows+pad+1
					src := make([]float32, (rows-1)*lds+cols)
					for i := range src {
						src[i] = float32(cellValue[float64](rng))
					}
					want, got := make([]float64, cols*ldd), make([]float64, cols*ldd)
					for i := range want {
						want[i] = -7 // untouched between the rows named
						got[i] = -7
					}
					transposeGo(want, ldd, src, lds, rows, cols)
					im.cell.transpose(got, ldd, src, lds, rows, cols)
					if !slices.EqualFunc(got, want, sameBits[float64]) {
						t.Fatalf("%s %d×%d lds=%d ldd=%d: differs from the Go loops", im.name, rows, cols, lds, ldd)
					}
				}
			}
		}
	}
}
