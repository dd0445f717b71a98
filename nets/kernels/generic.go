package kernels

// The pure-Go implementation: always built, the reference every other one is
// tested against, and what runs on CPUs without AVX2+FMA or off amd64.

func goImpl() impl {
	return impl{
		name: "go",
		nt64: ntGo[float64], nn64: nnGo[float64], tn64: tnGo[float64],
		nt32: ntGo[float32], nn32: nnGo[float32], tn32: tnGo[float32],
		ew: ewGo(), cell: cellGo(),
	}
}

// ntGo sets C = β·C + A·Bᵀ: each entry is one dot product of two rows.
func ntGo[F float32 | float64](m, n, k int, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	for i := range m {
		ai := a[i*lda : i*lda+k]
		ci := c[i*ldc : i*ldc+n]
		for j := range ci {
			s := dot(ai, b[j*ldb:j*ldb+k])
			if beta == 0 {
				ci[j] = s
			} else {
				ci[j] = beta*ci[j] + s
			}
		}
	}
}

// nnGo sets C = β·C + A·B: row i of C gathers the rows of B scaled by row i of A.
func nnGo[F float32 | float64](m, n, k int, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	scaleC(m, n, beta, c, ldc)
	for i := range m {
		ci := c[i*ldc : i*ldc+n]
		for p, s := range a[i*lda : i*lda+k] {
			axpy(s, b[p*ldb:p*ldb+n], ci)
		}
	}
}

// tnGo sets C = β·C + Aᵀ·B: row i of C gathers the rows of B scaled by column i of A.
func tnGo[F float32 | float64](m, n, k int, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	scaleC(m, n, beta, c, ldc)
	for i := range m {
		ci := c[i*ldc : i*ldc+n]
		for p := range k {
			axpy(a[p*lda+i], b[p*ldb:p*ldb+n], ci)
		}
	}
}

// dot returns x·y, len(y) ≥ len(x), with four partial sums.
func dot[F float32 | float64](x, y []F) F {
	y = y[:len(x)]
	var s0, s1, s2, s3 F
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy sets y += s·x, len(y) ≥ len(x).
func axpy[F float32 | float64](s F, x, y []F) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += s * v
	}
}
