package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

type float interface{ float32 | float64 }

type gemmFunc[F float] func(m, n, k int, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int)

// funcs returns the implementation's three products for F.
func funcs[F float](im impl) map[op]gemmFunc[F] {
	var z F
	switch any(z).(type) {
	case float64:
		return any(map[op]gemmFunc[float64]{nt: im.nt64, nn: im.nn64, tn: im.tn64}).(map[op]gemmFunc[F])
	default:
		return any(map[op]gemmFunc[float32]{nt: im.nt32, nn: im.nn32, tn: im.tn32}).(map[op]gemmFunc[F])
	}
}

func (o op) String() string { return [...]string{"NT", "NN", "TN"}[o] }

// shapes of A and B (rows × cols) for C (m×n) with inner dimension k.
func (o op) shapes(m, n, k int) (ar, ac, br, bc int) {
	switch o {
	case nt:
		return m, k, n, k
	case nn:
		return m, k, k, n
	}
	return k, m, k, n
}

// sentinel is a NaN with a payload no arithmetic produces: a kernel that writes
// outside C, or copies from outside A or B, leaves a trace.
func sentinel[F float]() F {
	var z F
	if _, ok := any(z).(float32); ok {
		return F(math.Float32frombits(0x7fc0beef))
	}
	return F(math.Float64frombits(0x7ff8_dead_beef_0001))
}

func sameBits[F float](x, y F) bool {
	if v, ok := any(x).(float32); ok {
		return math.Float32bits(v) == math.Float32bits(any(y).(float32))
	}
	return math.Float64bits(any(x).(float64)) == math.Float64bits(any(y).(float64))
}

// matrix is a rows×cols operand with stride ld, placed at offset off inside buf;
// every other element of buf holds the sentinel.
type matrix[F float] struct {
	rows, cols, ld, off int
	buf                 []F
}

func newMatrix[F float](rng *rand.Rand, rows, cols, pad, off int) matrix[F] {
	ld := cols + pad
	n := off + max(rows-1, 0)*ld + cols + 5
	if rows == 0 || cols == 0 {
		n = off + 5
	}
	mt := matrix[F]{rows, cols, ld, off, make([]F, n)}
	for i := range mt.buf {
		mt.buf[i] = sentinel[F]()
	}
	for i := range rows {
		for j := range cols {
			mt.buf[mt.at(i, j)] = F(rng.Float64()*2 - 1)
		}
	}
	return mt
}

func (mt matrix[F]) at(i, j int) int { return mt.off + i*mt.ld + j }
func (mt matrix[F]) data() []F       { return mt.buf[mt.off:] }

func (mt matrix[F]) inside(idx int) bool {
	idx -= mt.off
	if idx < 0 || mt.rows == 0 || mt.cols == 0 {
		return false
	}
	i, j := idx/mt.ld, idx%mt.ld
	return i < mt.rows && j < mt.cols
}

func (mt matrix[F]) clone() matrix[F] { mt.buf = slices.Clone(mt.buf); return mt }

// exact returns, in float64, β·C + op(A)·op(B) at (i, j) and the sum of the
// magnitudes of its terms (the scale of its rounding error).
func exact[F float](o op, a, b, c matrix[F], beta F, i, j, k int) (v, mag float64) {
	if beta != 0 {
		v = float64(beta) * float64(c.buf[c.at(i, j)])
		mag = math.Abs(v)
	}
	for p := range k {
		var x, y float64
		switch o {
		case nt:
			x, y = float64(a.buf[a.at(i, p)]), float64(b.buf[b.at(j, p)])
		case nn:
			x, y = float64(a.buf[a.at(i, p)]), float64(b.buf[b.at(p, j)])
		case tn:
			x, y = float64(a.buf[a.at(p, i)]), float64(b.buf[b.at(p, j)])
		}
		v += x * y
		mag += math.Abs(x * y)
	}
	return v, mag
}

func tolerance[F float]() float64 {
	var z F
	if _, ok := any(z).(float32); ok {
		return 1e-5
	}
	return 1e-12
}

type shape struct{ m, n, k int }

// testShapes covers every tail: exhaustive small sizes, random ones across the
// vector widths (8 and 16 lanes, 1- and 4-row tiles, gemv groups of 8 and 16,
// broadcast kernels up to 16 vectors), and the engine's own shapes.
func testShapes(rng *rand.Rand, short bool) []shape {
	var s []shape
	for m := range 6 {
		for n := range 6 {
			for k := range 6 {
				s = append(s, shape{m, n, k})
			}
		}
	}
	ms := []int{1, 1, 1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 33}
	ns := []int{1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 47, 63, 64, 65, 96, 127, 128, 129, 255, 256, 257, 300}
	ks := []int{1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129}
	count := 600
	if short {
		count = 150
	}
	for range count {
		s = append(s, shape{ms[rng.IntN(len(ms))], ns[rng.IntN(len(ns))], ks[rng.IntN(len(ks))]})
	}
	s = append(s, shape{1, 512, 128}, shape{16, 512, 128}, shape{1, 128, 512}, shape{16, 128, 512},
		shape{512, 128, 64}, shape{70, 128, 100}, shape{64, 70, 128})
	return s
}

// checkOne runs f on one shape and checks the result against want (if not nil)
// and against exact arithmetic, plus the sentinels and determinism. It returns C.
func checkOne[F float](t *testing.T, name string, o op, f gemmFunc[F], sh shape, beta F, pad, off int, rng *rand.Rand, want []F) []F {
	t.Helper()
	m, n, k := sh.m, sh.n, sh.k
	ar, ac, br, bc := o.shapes(m, n, k)
	a := newMatrix[F](rng, ar, ac, pad, off)
	b := newMatrix[F](rng, br, bc, (pad+1)%4, (off+2)%4)
	c := newMatrix[F](rng, m, n, (pad+2)%5, (off+1)%4)
	if beta == 0 { // C must not be read: NaN in it must not leak out
		for i := range m {
			for j := range n {
				c.buf[c.at(i, j)] = F(math.NaN())
			}
		}
	}
	a0, b0, c0 := a.clone(), b.clone(), c.clone()
	run := func(c matrix[F]) {
		gemm(o, f, m, n, k, a.data(), a.ld, b.data(), b.ld, beta, c.data(), c.ld)
	}
	run(c)
	where := fmt.Sprintf("%s %s m=%d n=%d k=%d beta=%v pad=%d off=%d", name, o, m, n, k, beta, pad, off)
	for _, in := range [][2]matrix[F]{{a, a0}, {b, b0}} {
		for idx := range in[0].buf {
			if !sameBits(in[0].buf[idx], in[1].buf[idx]) {
				t.Fatalf("%s: an input was written", where)
			}
		}
	}
	tol := tolerance[F]()
	for idx, v := range c.buf {
		if !c.inside(idx) {
			if !sameBits(v, c0.buf[idx]) {
				t.Fatalf("%s: C written outside its extent at buf[%d]", where, idx)
			}
			continue
		}
		i, j := (idx-c.off)/c.ld, (idx-c.off)%c.ld
		x, mag := exact(o, a0, b0, c0, beta, i, j, k)
		if math.IsNaN(float64(v)) || math.Abs(float64(v)-x) > 4*tol*mag+1e-300 {
			t.Fatalf("%s: C[%d,%d] = %v, exact %v (scale %v)", where, i, j, v, x, mag)
		}
		if want != nil {
			w := want[i*n+j]
			if math.Abs(float64(v)-float64(w)) > tol*mag+1e-300 {
				t.Fatalf("%s: C[%d,%d] = %v, pure Go %v (scale %v)", where, i, j, v, w, mag)
			}
		}
	}
	// Determinism: the same call from the same C gives the same bits.
	again := c0.clone()
	run(again)
	for idx := range c.buf {
		if !sameBits(c.buf[idx], again.buf[idx]) {
			t.Fatalf("%s: second call differs at buf[%d]", where, idx)
		}
	}
	out := make([]F, m*n)
	for i := range m {
		for j := range n {
			out[i*n+j] = c.buf[c.at(i, j)]
		}
	}
	return out
}

func testAgainstGo[F float](t *testing.T) {
	ref := funcs[F](goImpl())
	for _, im := range available() {
		got := funcs[F](im)
		for _, o := range []op{nt, nn, tn} {
			t.Run(im.name+"/"+o.String(), func(t *testing.T) {
				t.Parallel()
				shapes := testShapes(rand.New(rand.NewPCG(1, uint64(o))), testing.Short())
				rng := rand.New(rand.NewPCG(2, uint64(o)))
				betas := []F{0, 1, 0.5, -1.5}
				for si, sh := range shapes {
					beta := betas[si%len(betas)]
					pad, off := rng.IntN(4), rng.IntN(4)
					seed := rng.Uint64()
					want := checkOne(t, "go", o, ref[o], sh, beta, pad, off, rand.New(rand.NewPCG(seed, 0)), nil)
					if im.name != "go" {
						checkOne(t, im.name, o, got[o], sh, beta, pad, off, rand.New(rand.NewPCG(seed, 0)), want)
					}
				}
			})
		}
	}
}

// TestKernels checks every implementation on this CPU against the pure-Go one,
// and the pure-Go one against exact arithmetic, on every tail shape: results
// within tolerance, nothing read or written outside the operands, no NaN
// leaking from C when β = 0, and the same bits on a second call.
func TestKernels(t *testing.T) {
	t.Run("float64", testAgainstGo[float64])
	t.Run("float32", testAgainstGo[float32])
}

// TestAvailable makes sure this machine's fast paths are the ones tested: on a
// CPU with AVX-512 all three implementations must be present.
func TestAvailable(t *testing.T) {
	var names []string
	for _, im := range available() {
		names = append(names, im.name)
	}
	t.Logf("available: %v, active: %s", names, Name())
	if names[0] != "go" {
		t.Fatalf("first implementation %q, want go", names[0])
	}
	if Name() != names[len(names)-1] && os.Getenv("RNNSCOPE_KERNELS") == "" {
		t.Fatalf("active %q, want the best, %q", Name(), names[len(names)-1])
	}
}

func TestChoose(t *testing.T) {
	avail := []impl{{name: "go"}, {name: "avx2"}}
	for _, tc := range []struct{ want, got string }{
		{"", "avx2"}, {"go", "go"}, {"avx2", "avx2"}, {"avx512", "avx2"}, {"AVX2!", "avx2"},
	} {
		if got := choose(tc.want, avail).name; got != tc.got {
			t.Errorf("choose(%q) = %q, want %q", tc.want, got, tc.got)
		}
	}
}

// TestEnvOverride runs this test binary again with RNNSCOPE_KERNELS=go.
func TestEnvOverride(t *testing.T) {
	if os.Getenv("KERNELS_TEST_CHILD") != "" {
		fmt.Printf("kernels=%s\n", Name())
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestEnvOverride$")
	cmd.Env = append(os.Environ(), "KERNELS_TEST_CHILD=1", "RNNSCOPE_KERNELS=go")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "kernels=go\n") {
		t.Fatalf("RNNSCOPE_KERNELS=go ignored:\n%s", out)
	}
}

func TestZeroAllocs(t *testing.T) {
	for _, im := range available() {
		for _, sh := range []shape{{1, 512, 128}, {16, 512, 128}, {5, 37, 19}} {
			a64, b64, c64 := make([]float64, 16*512), make([]float64, 512*512), make([]float64, 512*512)
			a32, b32, c32 := make([]float32, 16*512), make([]float32, 512*512), make([]float32, 512*512)
			f64, f32 := funcs[float64](im), funcs[float32](im)
			for _, o := range []op{nt, nn, tn} {
				m, n, k := sh.m, sh.n, sh.k
				_, lda, _, ldb := o.shapes(m, n, k)
				allocs := testing.AllocsPerRun(10, func() {
					gemm(o, f64[o], m, n, k, a64, lda, b64, ldb, 1, c64, n)
					gemm(o, f32[o], m, n, k, a32, lda, b32, ldb, 0, c32, n)
				})
				if allocs != 0 {
					t.Errorf("%s %s %v: %v allocations per call", im.name, o, sh, allocs)
				}
			}
		}
	}
	// and through the exported entry points
	a, b, c := make([]float64, 64), make([]float64, 64), make([]float64, 64)
	if n := testing.AllocsPerRun(10, func() {
		GemmNT(4, 4, 4, a, 4, b, 4, 1, c, 4)
		GemmNN(4, 4, 4, a, 4, b, 4, 1, c, 4)
		GemmTN(4, 4, 4, a, 4, b, 4, 1, c, 4)
	}); n != 0 {
		t.Errorf("exported functions: %v allocations", n)
	}
}

func TestEmptyAndScale(t *testing.T) {
	c := []float64{1, 2, 3, math.NaN(), 5, 6}
	six := make([]float64, 6)
	GemmNT(0, 2, 3, nil, 3, six, 3, 0, c, 3) // m = 0: no-op
	GemmNN(2, 0, 3, six, 3, nil, 0, 0, c, 3) // n = 0: no-op
	GemmTN(2, 2, 0, nil, 2, nil, 2, 2, c, 3) // k = 0: C = 2·C
	if !slices.Equal(c[:3], []float64{2, 4, 3}) || c[4] != 10 || !math.IsNaN(c[3]) {
		t.Fatalf("k = 0, β = 2: got %v", c)
	}
	GemmNT32(2, 2, 0, nil, 0, nil, 0, 0, []float32{math.Float32frombits(0x7fc00000), 1, 9, 1, 1}, 3)
	d := []float32{float32(math.NaN()), 1, 9, 1, 1}
	GemmNN32(2, 2, 0, nil, 0, nil, 2, 0, d, 3)
	if d[0] != 0 || d[1] != 0 || d[2] != 9 || d[3] != 0 || d[4] != 0 {
		t.Fatalf("k = 0, β = 0: got %v", d)
	}
}

func TestPanics(t *testing.T) {
	buf := make([]float64, 100)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"negative m", func() { GemmNT(-1, 2, 2, buf, 2, buf, 2, 0, buf, 2) }},
		{"lda < k", func() { GemmNT(2, 2, 3, buf, 2, buf, 3, 0, buf, 2) }},
		{"ldb < n", func() { GemmNN(2, 4, 3, buf, 3, buf, 3, 0, buf, 4) }},
		{"ldc < n", func() { GemmTN(2, 4, 3, buf, 2, buf, 4, 0, buf, 3) }},
		{"A short", func() { GemmNT(4, 2, 30, buf, 30, buf, 30, 0, buf, 2) }},
		{"B short", func() { GemmNN(2, 30, 4, buf, 4, buf, 30, 0, buf, 30) }},
		{"C short", func() { GemmTN(11, 10, 1, buf, 11, buf, 10, 0, buf, 10) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.f()
		}()
	}
}
