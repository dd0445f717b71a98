package kernels

import "math"

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

func cellAvx512() cellFuncs {
	return cellFuncs{
		add64: addAsm(addAvx512F64), add32: addAsm(addAvx512F32),
		lstmFwd64: lstmFwdAsm(lstmFwdAvx512F64), lstmFwd32: lstmFwdAsm(lstmFwdAvx512F32),
		lstmBack64: lstmBackAsm(lstmBackAvx512F64), lstmBack32: lstmBackAsm(lstmBackAvx512F32),
		gruBack64: gruBackAsm(gruBackAvx512F64), gruBack32: gruBackAsm(gruBackAvx512F32),
		gruFwd64: gruFwdAsm(gruFwdAvx512F64), gruFwd32: gruFwdAsm(gruFwdAvx512F32),
		max64: maxAsm(maxOfAvx512F64, 8), max32: maxAsm(maxOfAvx512F32, 16),
		expSum64: expSumAvx512F64Go, expSum32: expSumAvx512F32Go,
		narrow: convertAsm(narrowAvx512F64, narrowGo, 8), widen: convertAsm(widenAvx512F64, widenGo, 8),
		satCount: satCountAvx512, stdize: standardizeAsm(standardizeAvx512F64, 8),
		transpose: transposeAvx512,
	}
}

// satCountAvx512 runs the kernel, which counts per lane how many values reach
// each bin edge, and turns those counts into the histogram's bins.
func satCountAvx512(x []float32, rows, stride int, low, high []int32, hist *[SatBins]int32) {
	var cum [SatBins - 1][16]int32
	satCountAvx512F32(&x[0], rows, stride, len(low), &low[0], &high[0], &cum[0][0])
	var reach [SatBins + 1]int32 // reach[k]: values with SatBins·x ≥ k, reach[0] all of them
	reach[0] = int32(rows * len(low))
	for k := range cum {
		for _, c := range cum[k] {
			reach[k+1] += c
		}
	}
	for k := range hist {
		hist[k] += reach[k] - reach[k+1]
	}
}

func cellAvx2() cellFuncs {
	return cellFuncs{
		add64: addAsm(addAvx2F64), add32: addAsm(addAvx2F32),
		lstmFwd64: lstmFwdAsm(lstmFwdAvx2F64), lstmFwd32: lstmFwdAsm(lstmFwdAvx2F32),
		lstmBack64: lstmBackAsm(lstmBackAvx2F64), lstmBack32: lstmBackAsm(lstmBackAvx2F32),
		gruBack64: gruBackAsm(gruBackAvx2F64), gruBack32: gruBackAsm(gruBackAvx2F32),
		gruFwd64: gruFwdAsm(gruFwdAvx2F64), gruFwd32: gruFwdAsm(gruFwdAvx2F32),
		max64: maxAsm(maxOfAvx2F64, 4), max32: maxAsm(maxOfAvx2F32, 8),
		expSum64: expSumAvx2F64Go, expSum32: expSumAvx2F32Go,
		narrow: convertAsm(narrowAvx2F64, narrowGo, 4), widen: convertAsm(widenAvx2F64, widenGo, 4),
		satCount: satCountGo, // the kernel keeps 19 bin counts in registers: AVX-512's 32
		stdize:   standardizeAsm(standardizeAvx2F64, 4), transpose: transposeGo,
	}
}

func addAsm[F Float](k func(dst, a, b *F, n int)) func(dst, a, b []F) {
	return func(dst, a, b []F) { k(&dst[0], &a[0], &b[0], len(dst)) }
}

func lstmFwdAsm[F Float](k func(gates, cp, cn, tc, hn *F, h int)) func(gates, cprev, cnew, tc, hnew []F) {
	return func(gates, cprev, cnew, tc, hnew []F) {
		k(&gates[0], &cprev[0], &cnew[0], &tc[0], &hnew[0], len(cprev))
	}
}

func lstmBackAsm[F Float](k func(gates, dgates, tc, cp, dh, dc *F, h int)) func(gates, dgates, tc, cprev, dh, dc []F) {
	return func(gates, dgates, tc, cprev, dh, dc []F) {
		k(&gates[0], &dgates[0], &tc[0], &cprev[0], &dh[0], &dc[0], len(tc))
	}
}

func gruFwdAsm[F Float](k func(gates, hsum, ghn, hp, hn *F, h int)) func(gates, hsum, ghn, hprev, hnew []F) {
	return func(gates, hsum, ghn, hprev, hnew []F) {
		k(&gates[0], &hsum[0], &ghn[0], &hprev[0], &hnew[0], len(hprev))
	}
}

func gruBackAsm[F Float](k func(gates, dgates, dhgates, ghn, hp, dh, dhp *F, h int)) func(gates, dgates, dhgates, ghn, hprev, dh, dhprev []F) {
	return func(gates, dgates, dhgates, ghn, hprev, dh, dhprev []F) {
		k(&gates[0], &dgates[0], &dhgates[0], &ghn[0], &hprev[0], &dh[0], &dhprev[0], len(dh))
	}
}

// convertAsm runs a conversion kernel over the whole vectors of w lanes and the
// Go loop over the rest.
func convertAsm[D, S Float](k func(dst *D, src *S, n int), tail func(dst []D, src []S), w int) func(dst []D, src []S) {
	return func(dst []D, src []S) {
		whole := len(src) &^ (w - 1)
		if whole > 0 {
			k(&dst[0], &src[0], whole)
		}
		tail(dst[whole:], src[whole:])
	}
}

// standardizeAsm runs Standardize's kernel over the whole vectors of w lanes
// and the Go loop over the rest.
func standardizeAsm(k func(dst *float32, src *float64, n int, mean, scale float64), w int) func(dst []float32, src []float64, mean, scale float64) {
	return func(dst []float32, src []float64, mean, scale float64) {
		whole := len(src) &^ (w - 1)
		if whole > 0 {
			k(&dst[0], &src[0], whole, mean, scale)
		}
		standardizeGo(dst[whole:], src[whole:], mean, scale)
	}
}

// maxAsm runs a maximum kernel over the whole vectors of w lanes and compares
// the rest in Go.
func maxAsm[F Float](k func(x *F, n int) F, w int) func(x []F) F {
	return func(x []F) F {
		m := F(math.Inf(-1))
		whole := len(x) &^ (w - 1)
		if whole > 0 {
			m = k(&x[0], whole)
		}
		for _, v := range x[whole:] {
			if v > m {
				m = v
			}
		}
		return m
	}
}

// expSumArgs splits src into whole blocks of 16, returned as pointers and a
// count, and copies the rest into tin, padded with −Inf, whose exponential
// adds nothing to the sum.
func expSumArgs[F Float](dst, src []F, tin, tout *[16]F) (*F, *F, int) {
	nb := len(src) / 16
	for i := range tin {
		tin[i] = F(math.Inf(-1))
	}
	copy(tin[:], src[nb*16:])
	if nb == 0 {
		return &tout[0], &tin[0], 0
	}
	return &dst[0], &src[0], nb
}

// The ExpSum wrappers call the assembly directly (not through a function
// value) so that the tail blocks stay on the stack.

func expSumAvx512F64Go(dst, src []float64, shift float64) float64 {
	var tin, tout [16]float64
	pd, ps, nb := expSumArgs(dst, src, &tin, &tout)
	z := expSumAvx512F64(pd, ps, nb, &tout[0], &tin[0], shift)
	copy(dst[nb*16:], tout[:])
	return z
}

func expSumAvx512F32Go(dst, src []float32, shift float32) float64 {
	var tin, tout [16]float32
	pd, ps, nb := expSumArgs(dst, src, &tin, &tout)
	z := expSumAvx512F32(pd, ps, nb, &tout[0], &tin[0], shift)
	copy(dst[nb*16:], tout[:])
	return z
}

func expSumAvx2F64Go(dst, src []float64, shift float64) float64 {
	var tin, tout [16]float64
	pd, ps, nb := expSumArgs(dst, src, &tin, &tout)
	z := expSumAvx2F64(pd, ps, nb, &tout[0], &tin[0], shift)
	copy(dst[nb*16:], tout[:])
	return z
}

func expSumAvx2F32Go(dst, src []float32, shift float32) float64 {
	var tin, tout [16]float32
	pd, ps, nb := expSumArgs(dst, src, &tin, &tout)
	z := expSumAvx2F32(pd, ps, nb, &tout[0], &tin[0], shift)
	copy(dst[nb*16:], tout[:])
	return z
}

// transposeAvx512 moves whole blocks of 8×8 with the kernel, 64 rows at a time
// so that they stay in cache while every group of eight columns reads them, and
// the rows and columns past the last whole block in Go.
func transposeAvx512(dst []float64, ldd int, src []float32, lds, rows, cols int) {
	const step = 64
	r8, c8 := rows&^7, cols&^7
	for r0 := 0; r0 < r8; r0 += step {
		nb := min(step, r8-r0) / 8
		for c := 0; c < c8; c += 8 {
			transpose8Avx512(&dst[c*ldd+r0], ldd, &src[r0*lds+c], lds, nb)
		}
	}
	if c8 < cols { // the last columns, every row
		transposeGo(dst[c8*ldd:], ldd, src[c8:], lds, rows, cols-c8)
	}
	if r8 < rows && c8 > 0 { // the last rows, the columns of whole blocks
		transposeGo(dst[r8:], ldd, src[r8*lds:], lds, rows-r8, c8)
	}
}
