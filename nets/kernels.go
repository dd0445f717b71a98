package nets

import "github.com/rnnscope/rnnscope/nets/kernels"

// The three matrix products of a recurrent layer, in the element type of the
// engine. All matrices are row-major with explicit row strides; beta is 0 or 1.
// None allocates. nets/kernels picks AVX-512, AVX2 or pure Go at start-up.

// gemmNT sets C = β·C + A·Bᵀ with A (m×k), B (n×k), C (m×n): forward products
// such as gates = H·W_hhᵀ.
func gemmNT[F Float](m, n, k int, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	switch a := any(a).(type) {
	case []float64:
		kernels.GemmNT(m, n, k, a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	case []float32:
		kernels.GemmNT32(m, n, k, a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	}
}

// gemmNN sets C = β·C + A·B with A (m×k), B (k×n), C (m×n): backward products
// such as dh₋₁ = dgates·W_hh.
func gemmNN[F Float](m, n, k int, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	switch a := any(a).(type) {
	case []float64:
		kernels.GemmNN(m, n, k, a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	case []float32:
		kernels.GemmNN32(m, n, k, a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	}
}

// gemmTN sets C = β·C + Aᵀ·B with A (k×m), B (k×n), C (m×n): weight gradients
// such as dW_hh += dgatesᵀ·H₋₁, a sum of k outer products.
func gemmTN[F Float](m, n, k int, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	switch a := any(a).(type) {
	case []float64:
		kernels.GemmTN(m, n, k, a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	case []float32:
		kernels.GemmTN32(m, n, k, a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	}
}
