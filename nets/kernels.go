package nets

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// The three matrix products of a recurrent layer. All matrices are row-major with
// explicit row strides; alpha is always 1 and beta is 0 or 1. None allocates.

// gemmNT sets C = β·C + A·Bᵀ with A (m×k), B (n×k), C (m×n): forward products
// such as gates = H·W_hhᵀ.
func gemmNT[F Float](m, n, k int, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	switch a := any(a).(type) {
	case []float64:
		b, c := any(b).([]float64), any(c).([]float64)
		bm := blas64.General{Rows: n, Cols: k, Data: b, Stride: ldb}
		for i := range m {
			blas64.Gemv(blas.NoTrans, 1, bm,
				blas64.Vector{N: k, Data: a[i*lda:], Inc: 1}, float64(beta),
				blas64.Vector{N: n, Data: c[i*ldc:], Inc: 1})
		}
	case []float32:
		b, c := any(b).([]float32), any(c).([]float32)
		bm := blas32.General{Rows: n, Cols: k, Data: b, Stride: ldb}
		for i := range m {
			blas32.Gemv(blas.NoTrans, 1, bm,
				blas32.Vector{N: k, Data: a[i*lda:], Inc: 1}, float32(beta),
				blas32.Vector{N: n, Data: c[i*ldc:], Inc: 1})
		}
	}
}

// gemmNN sets C = β·C + A·B with A (m×k), B (k×n), C (m×n): backward products
// such as dh₋₁ = dgates·W_hh.
func gemmNN[F Float](m, n, k int, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	switch a := any(a).(type) {
	case []float64:
		b, c := any(b).([]float64), any(c).([]float64)
		bm := blas64.General{Rows: k, Cols: n, Data: b, Stride: ldb}
		for i := range m {
			blas64.Gemv(blas.Trans, 1, bm,
				blas64.Vector{N: k, Data: a[i*lda:], Inc: 1}, float64(beta),
				blas64.Vector{N: n, Data: c[i*ldc:], Inc: 1})
		}
	case []float32:
		b, c := any(b).([]float32), any(c).([]float32)
		bm := blas32.General{Rows: k, Cols: n, Data: b, Stride: ldb}
		for i := range m {
			blas32.Gemv(blas.Trans, 1, bm,
				blas32.Vector{N: k, Data: a[i*lda:], Inc: 1}, float32(beta),
				blas32.Vector{N: n, Data: c[i*ldc:], Inc: 1})
		}
	}
}

// gemmTN sets C = β·C + Aᵀ·B with A (k×m), B (k×n), C (m×n): weight gradients
// such as dW_hh += dgatesᵀ·H₋₁, a sum of k outer products.
func gemmTN[F Float](m, n, k int, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if beta != 1 {
		for i := range m {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				row[j] *= beta
			}
		}
	}
	switch a := any(a).(type) {
	case []float64:
		b, c := any(b).([]float64), any(c).([]float64)
		cm := blas64.General{Rows: m, Cols: n, Data: c, Stride: ldc}
		for p := range k {
			blas64.Ger(1, blas64.Vector{N: m, Data: a[p*lda:], Inc: 1},
				blas64.Vector{N: n, Data: b[p*ldb:], Inc: 1}, cm)
		}
	case []float32:
		b, c := any(b).([]float32), any(c).([]float32)
		cm := blas32.General{Rows: m, Cols: n, Data: c, Stride: ldc}
		for p := range k {
			blas32.Ger(1, blas32.Vector{N: m, Data: a[p*lda:], Inc: 1},
				blas32.Vector{N: n, Data: b[p*ldb:], Inc: 1}, cm)
		}
	}
}
