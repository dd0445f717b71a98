package kernels

import "os"

//go:generate sh -c "cd asm && go run . -out ../kernels_amd64.s -stubs ../stubs_amd64.go -pkg kernels"

// impl is one complete implementation of the six products. Its functions may
// assume the arguments passed check*: m, n, k ≥ 1 and every slice long enough.
type impl struct {
	name             string
	nt64, nn64, tn64 func(m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int)
	nt32, nn32, tn32 func(m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
	ew               ewFuncs   // the element-wise kernels (elementwise.go)
	cell             cellFuncs // the cell kernels (cells.go)
}

// active is the dispatch table: chosen once at init from the CPU's features and
// RNNSCOPE_KERNELS, never written again.
var active = choose(os.Getenv("RNNSCOPE_KERNELS"), available())

// choose returns the implementation named by want if this CPU has it, else the
// best one it has (the last of avail). An unknown name also gets the best, so a
// typo never costs speed and a request for a missing instruction set never
// crashes with an illegal instruction.
func choose(want string, avail []impl) impl {
	for _, im := range avail {
		if im.name == want {
			return im
		}
	}
	return avail[len(avail)-1]
}

// Name returns the implementation in use: "avx512", "avx2" or "go".
func Name() string { return active.name }

// GemmNT sets C = β·C + A·Bᵀ with A (m×k, row stride lda), B (n×k, ldb) and C
// (m×n, ldc), all row-major. β = 0 overwrites C without reading it, as in BLAS.
// It panics if a dimension is negative, a stride is smaller than its row or a
// slice is too short for its shape.
func GemmNT(m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	gemm(nt, active.nt64, m, n, k, a, lda, b, ldb, beta, c, ldc)
}

// GemmNN sets C = β·C + A·B with A (m×k, lda), B (k×n, ldb) and C (m×n, ldc).
// β = 0 overwrites C without reading it.
func GemmNN(m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	gemm(nn, active.nn64, m, n, k, a, lda, b, ldb, beta, c, ldc)
}

// GemmTN sets C = β·C + Aᵀ·B with A (k×m, lda), B (k×n, ldb) and C (m×n, ldc):
// a sum of k outer products. β = 0 overwrites C without reading it.
func GemmTN(m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	gemm(tn, active.tn64, m, n, k, a, lda, b, ldb, beta, c, ldc)
}

// GemmNT32 is GemmNT for float32.
func GemmNT32(m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm(nt, active.nt32, m, n, k, a, lda, b, ldb, beta, c, ldc)
}

// GemmNN32 is GemmNN for float32.
func GemmNN32(m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm(nn, active.nn32, m, n, k, a, lda, b, ldb, beta, c, ldc)
}

// GemmTN32 is GemmTN for float32.
func GemmTN32(m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm(tn, active.tn32, m, n, k, a, lda, b, ldb, beta, c, ldc)
}

// op says which operands are transposed.
type op int

const (
	nt op = iota // A·Bᵀ
	nn           // A·B
	tn           // Aᵀ·B
)

// gemm checks the arguments, settles the empty cases and calls f, which may then
// assume m, n, k ≥ 1 and slices long enough.
func gemm[F float32 | float64](o op, f func(m, n, k int, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int),
	m, n, k int, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic("kernels: negative dimension")
	}
	switch o {
	case nt:
		checkMat("A", m, k, len(a), lda)
		checkMat("B", n, k, len(b), ldb)
	case nn:
		checkMat("A", m, k, len(a), lda)
		checkMat("B", k, n, len(b), ldb)
	case tn:
		checkMat("A", k, m, len(a), lda)
		checkMat("B", k, n, len(b), ldb)
	}
	checkMat("C", m, n, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	f(m, n, k, a, lda, b, ldb, beta, c, ldc)
}

// scaleC sets C = β·C (C = 0 for β = 0, even where C holds NaN).
func scaleC[F float32 | float64](m, n int, beta F, c []F, ldc int) {
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		switch beta {
		case 0:
			clear(row)
		case 1:
		default:
			for j := range row {
				row[j] *= beta
			}
		}
	}
}

// checkMat panics unless a rows×cols matrix with row stride ld fits in length l.
func checkMat(name string, rows, cols, l, ld int) {
	if ld < cols {
		panic("kernels: stride of " + name + " smaller than its row")
	}
	if rows > 0 && cols > 0 && l < (rows-1)*ld+cols {
		panic("kernels: " + name + " is too short for its shape")
	}
}
