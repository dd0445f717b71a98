package kernels

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// benchShapes are the engine's products (H = 128 or 256, G·H = 512 for an LSTM,
// 384 GRU, 128 vanilla; V = 96; T = 64; B = 1, 16, 32).
var benchShapes = []struct {
	o       op
	m, n, k int
	what    string
}{
	{nt, 1, 512, 128, "LSTM step fwd B=1"},
	{nt, 1, 384, 128, "GRU step fwd B=1"},
	{nt, 1, 128, 128, "RNN step fwd B=1"},
	{nt, 1, 1024, 256, "LSTM-256 step fwd B=1"},
	{nt, 16, 512, 128, "LSTM step fwd B=16"},
	{nt, 32, 1024, 256, "LSTM-256 step fwd B=32"},
	{nt, 1024, 96, 128, "head fwd T·B=1024"},
	{nt, 1024, 512, 128, "layer input T·B=1024"},
	{nn, 1, 128, 512, "LSTM step bwd B=1"},
	{nn, 1, 128, 384, "GRU step bwd B=1"},
	{nn, 1, 256, 1024, "LSTM-256 step bwd B=1"},
	{nn, 16, 128, 512, "LSTM step bwd B=16"},
	{nn, 32, 256, 1024, "LSTM-256 step bwd B=32"},
	{nn, 1024, 128, 96, "head bwd T·B=1024"},
	{tn, 512, 128, 64, "dW_hh B=1"},
	{tn, 512, 128, 1024, "dW_hh B=16"},
	{tn, 96, 128, 1024, "dW_head B=16"},
	{tn, 1024, 256, 2048, "LSTM-256 dW_hh B=32"},
}

// gonumImpl is the engine's previous path, blas64/blas32 Gemv and Ger one row
// at a time, kept here as the baseline the kernels are measured against.
func gonumImpl() impl {
	return impl{
		name: "gonum",
		nt64: func(m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
			bm := blas64.General{Rows: n, Cols: k, Data: b, Stride: ldb}
			for i := range m {
				blas64.Gemv(blas.NoTrans, 1, bm, blas64.Vector{N: k, Data: a[i*lda:], Inc: 1}, beta,
					blas64.Vector{N: n, Data: c[i*ldc:], Inc: 1})
			}
		},
		nn64: func(m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
			bm := blas64.General{Rows: k, Cols: n, Data: b, Stride: ldb}
			for i := range m {
				blas64.Gemv(blas.Trans, 1, bm, blas64.Vector{N: k, Data: a[i*lda:], Inc: 1}, beta,
					blas64.Vector{N: n, Data: c[i*ldc:], Inc: 1})
			}
		},
		tn64: func(m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
			scaleC(m, n, beta, c, ldc)
			cm := blas64.General{Rows: m, Cols: n, Data: c, Stride: ldc}
			for p := range k {
				blas64.Ger(1, blas64.Vector{N: m, Data: a[p*lda:], Inc: 1}, blas64.Vector{N: n, Data: b[p*ldb:], Inc: 1}, cm)
			}
		},
		nt32: func(m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			bm := blas32.General{Rows: n, Cols: k, Data: b, Stride: ldb}
			for i := range m {
				blas32.Gemv(blas.NoTrans, 1, bm, blas32.Vector{N: k, Data: a[i*lda:], Inc: 1}, beta,
					blas32.Vector{N: n, Data: c[i*ldc:], Inc: 1})
			}
		},
		nn32: func(m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			bm := blas32.General{Rows: k, Cols: n, Data: b, Stride: ldb}
			for i := range m {
				blas32.Gemv(blas.Trans, 1, bm, blas32.Vector{N: k, Data: a[i*lda:], Inc: 1}, beta,
					blas32.Vector{N: n, Data: c[i*ldc:], Inc: 1})
			}
		},
		tn32: func(m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			scaleC(m, n, beta, c, ldc)
			cm := blas32.General{Rows: m, Cols: n, Data: c, Stride: ldc}
			for p := range k {
				blas32.Ger(1, blas32.Vector{N: m, Data: a[p*lda:], Inc: 1}, blas32.Vector{N: n, Data: b[p*ldb:], Inc: 1}, cm)
			}
		},
	}
}

func benchGemm[F float](b *testing.B) {
	impls := append([]impl{gonumImpl()}, available()...)
	for _, s := range benchShapes {
		ar, ac, br, bc := s.o.shapes(s.m, s.n, s.k)
		a, bb, c := make([]F, ar*ac), make([]F, br*bc), make([]F, s.m*s.n)
		for i := range a {
			a[i] = F(i%7) * 0.125
		}
		for i := range bb {
			bb[i] = F(i%5) * 0.25
		}
		for _, im := range impls {
			f := funcs[F](im)[s.o]
			name := fmt.Sprintf("op=%s/shape=%dx%dx%d/impl=%s", s.o, s.m, s.n, s.k, im.name)
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					// β = 1, as in the recurrent steps
					gemm(s.o, f, s.m, s.n, s.k, a, ac, bb, bc, 1, c, s.n)
				}
				flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkGemm measures every implementation, and gonum, on the engine's shapes.
//
//	go test ./nets/kernels -run '^$' -bench Gemm -count 5 | benchstat -col /impl -
//
// A shape is m×n×k.
func BenchmarkGemm(b *testing.B) {
	b.Run("f64", benchGemm[float64])
	b.Run("f32", benchGemm[float32])
}
