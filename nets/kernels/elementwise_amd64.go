package kernels

// The amd64 element-wise kernels: thin wrappers around the generated assembly
// (kernels_amd64.s), which loops over whole vectors and finishes with one
// masked vector, so it touches exactly the n elements it is given.

func ewAvx512() ewFuncs {
	return ewFuncs{
		exp64: unaryAsm(expAvx512F64), sigmoid64: unaryAsm(sigmoidAvx512F64), tanh64: unaryAsm(tanhAvx512F64),
		exp32: unaryAsm(expAvx512F32), sigmoid32: unaryAsm(sigmoidAvx512F32), tanh32: unaryAsm(tanhAvx512F32),
		sumSquares64: sumSquaresAvx512F64Go, sumSquares32: sumSquaresAvx512F32Go,
		// Adam is bound by the divider, as fast at 256 bits as at 512 for the
		// same lanes, and the 256-bit kernel measured 5-7% faster.
		adam64: adamAsm(adamAvx2F64), adam32: adamAsm(adamAvx2F32),
	}
}

func ewAvx2() ewFuncs {
	return ewFuncs{
		exp64: unaryAsm(expAvx2F64), sigmoid64: unaryAsm(sigmoidAvx2F64), tanh64: unaryAsm(tanhAvx2F64),
		exp32: unaryAsm(expAvx2F32), sigmoid32: unaryAsm(sigmoidAvx2F32), tanh32: unaryAsm(tanhAvx2F32),
		sumSquares64: sumSquaresAvx2F64Go, sumSquares32: sumSquaresAvx2F32Go,
		adam64: adamAsm(adamAvx2F64), adam32: adamAsm(adamAvx2F32),
	}
}

// unaryAsm adapts a kernel over (dst, src, n); the slices are not empty.
func unaryAsm[F float32 | float64](k func(dst, src *F, n int)) func(dst, src []F) {
	return func(dst, src []F) { k(&dst[0], &src[0], len(src)) }
}

func adamAsm[F float32 | float64](k func(p, g, m, v *F, n int, b1, omb1, b2, omb2, step, c2, eps F)) func(p, g, m, v []F, b1, b2, step, c2, eps F) {
	return func(p, g, m, v []F, b1, b2, step, c2, eps F) {
		k(&p[0], &g[0], &m[0], &v[0], len(p), b1, 1-b1, b2, 1-b2, step, c2, eps)
	}
}

// sumSquaresArgs splits x into whole blocks of 32, returned as a pointer and a
// count, and copies the rest into tail (zeros add nothing to a sum of squares).
func sumSquaresArgs[F float32 | float64](x []F, tail *[32]F) (*F, int) {
	nb := len(x) / 32
	copy(tail[:], x[nb*32:])
	if nb == 0 {
		return &tail[0], 0
	}
	return &x[0], nb
}

// The sum-of-squares wrappers call the assembly directly (not through a
// function value) so that the tail block stays on the stack.

func sumSquaresAvx512F64Go(x []float64) float64 {
	var tail [32]float64
	p, nb := sumSquaresArgs(x, &tail)
	return sumSquaresAvx512F64(p, nb, &tail[0])
}

func sumSquaresAvx512F32Go(x []float32) float64 {
	var tail [32]float32
	p, nb := sumSquaresArgs(x, &tail)
	return sumSquaresAvx512F32(p, nb, &tail[0])
}

func sumSquaresAvx2F64Go(x []float64) float64 {
	var tail [32]float64
	p, nb := sumSquaresArgs(x, &tail)
	return sumSquaresAvx2F64(p, nb, &tail[0])
}

func sumSquaresAvx2F32Go(x []float32) float64 {
	var tail [32]float32
	p, nb := sumSquaresArgs(x, &tail)
	return sumSquaresAvx2F32(p, nb, &tail[0])
}
