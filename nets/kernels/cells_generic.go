package kernels

import "math"

// The pure-Go cell kernels. The conversions to F round each product before it
// is used, so that the compiler cannot fuse a multiplication into an addition
// (the Go spec lets it on machines with FMA), which would change the bits.

func cellGo() cellFuncs {
	return cellFuncs{
		add64: addGo[float64], add32: addGo[float32],
		lstmFwd64: lstmFwdWith(sigmoidGo, tanhGo), lstmFwd32: lstmFwdWith(sigmoid32Go, tanh32Go),
		lstmBack64: lstmBackGo[float64], lstmBack32: lstmBackGo[float32],
		gruFwd64: gruFwdWith(sigmoidGo, tanhGo), gruFwd32: gruFwdWith(sigmoid32Go, tanh32Go),
		gruBack64: gruBackGo[float64], gruBack32: gruBackGo[float32],
		narrow: narrowGo, widen: widenGo,
		max64: maxGo[float64], max32: maxGo[float32],
		expSum64: expSumWith(expGo), expSum32: expSumWith(exp32Go),
		satCount: satCountGo, stdize: standardizeGo, transpose: transposeGo,
	}
}

func standardizeGo(dst []float32, src []float64, mean, scale float64) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = float32((x - mean) * scale)
	}
}

// satCountGo is SatCount's definition, one value at a time.
func satCountGo(x []float32, rows, stride int, low, high []int32, hist *[SatBins]int32) {
	n := len(low)
	high = high[:n]
	for r := range rows {
		for u, v := range x[r*stride : r*stride+n] {
			if v < 0.1 {
				low[u]++
			} else if v > 0.9 {
				high[u]++
			}
			hist[SatBin(v)]++
		}
	}
}

// SatBin is the bin of SatCount's histogram that holds v.
func SatBin(v float32) int {
	switch p := v * SatBins; {
	case p >= SatBins-1:
		return SatBins - 1
	case p >= 1:
		return int(p)
	}
	return 0
}

func narrowGo(dst []float32, src []float64) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = float32(x)
	}
}

func widenGo(dst []float64, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = float64(x)
	}
}

func addGo[F Float](dst, a, b []F) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

// lstmFwdWith is LSTMForward with the given activation functions.
func lstmFwdWith[F Float](sigmoid, tanh func(dst, src []F)) func(gates, cprev, cnew, tc, hnew []F) {
	return func(gates, cprev, cnew, tc, hnew []F) {
		h := len(cprev)
		ig, fg, gg, og := gates[:h], gates[h:2*h], gates[2*h:3*h], gates[3*h:4*h]
		sigmoid(ig, ig)
		sigmoid(fg, fg)
		tanh(gg, gg)
		sigmoid(og, og)
		cnew, tc, hnew = cnew[:h], tc[:h], hnew[:h]
		for j := range cnew {
			cnew[j] = F(fg[j]*cprev[j]) + F(ig[j]*gg[j])
		}
		tanh(tc, cnew)
		for j := range hnew {
			hnew[j] = og[j] * tc[j]
		}
	}
}

func lstmBackGo[F Float](gates, dgates, tc, cprev, dh, dc []F) {
	h := len(tc)
	ig, fg, gg, og := gates[:h], gates[h:2*h], gates[2*h:3*h], gates[3*h:4*h]
	di, df, dg, do := dgates[:h], dgates[h:2*h], dgates[2*h:3*h], dgates[3*h:4*h]
	cprev, dh, dc = cprev[:h], dh[:h], dc[:h]
	for j := range tc {
		i, f, g, o, t := ig[j], fg[j], gg[j], og[j], tc[j]
		dO := dh[j] * t
		c := dc[j] + F(F(dh[j]*o)*(1-F(t*t)))
		di[j] = F(F(c*g)*i) * (1 - i)
		df[j] = F(F(c*cprev[j])*f) * (1 - f)
		dg[j] = F(c*i) * (1 - F(g*g))
		do[j] = F(dO*o) * (1 - o)
		dc[j] = c * f
	}
}

// gruFwdWith is GRUForward with the given activation functions.
func gruFwdWith[F Float](sigmoid, tanh func(dst, src []F)) func(gates, hsum, ghn, hprev, hnew []F) {
	return func(gates, hsum, ghn, hprev, hnew []F) {
		h := len(hprev)
		rz, ng := gates[:2*h], gates[2*h:3*h]
		for j, s := range hsum[:2*h] {
			rz[j] += s
		}
		sigmoid(rz, rz)
		copy(ghn[:h], hsum[2*h:3*h])
		for j, g := range ghn[:h] {
			ng[j] += F(rz[j] * g)
		}
		tanh(ng, ng)
		hnew = hnew[:h]
		for j, hp := range hprev {
			z := rz[h+j]
			hnew[j] = F((1-z)*ng[j]) + F(z*hp)
		}
	}
}

func gruBackGo[F Float](gates, dgates, dhgates, ghn, hprev, dh, dhprev []F) {
	h := len(dh)
	rg, zg, ng := gates[:h], gates[h:2*h], gates[2*h:3*h]
	dr, dz, dn := dgates[:h], dgates[h:2*h], dgates[2*h:3*h]
	hr, hz, hn := dhgates[:h], dhgates[h:2*h], dhgates[2*h:3*h]
	ghn, hprev, dhprev = ghn[:h], hprev[:h], dhprev[:h]
	for j, d := range dh {
		r, z, n := rg[j], zg[j], ng[j]
		dhprev[j] = d * z
		dnp := F(d*(1-z)) * (1 - F(n*n))
		dr[j] = F(F(dnp*ghn[j])*r) * (1 - r)
		dz[j] = F(F(d*(hprev[j]-n))*z) * (1 - z)
		dn[j] = dnp
		hr[j], hz[j], hn[j] = dr[j], dz[j], dnp*r
	}
}

// maxGo compares in two independent chains (a NaN is passed over).
func maxGo[F Float](x []F) F {
	m0, m1 := F(math.Inf(-1)), F(math.Inf(-1))
	i := 0
	for ; i+1 < len(x); i += 2 {
		if v := x[i]; v > m0 {
			m0 = v
		}
		if v := x[i+1]; v > m1 {
			m1 = v
		}
	}
	if i < len(x) && x[i] > m0 {
		m0 = x[i]
	}
	if m1 > m0 {
		return m1
	}
	return m0
}

// expSumWith is ExpSum with the given exponential.
func expSumWith[F Float](exp func(dst, src []F)) func(dst, src []F, shift F) float64 {
	return func(dst, src []F, shift F) float64 {
		dst = dst[:len(src)]
		for i, x := range src {
			dst[i] = x - shift
		}
		if len(dst) > 0 {
			exp(dst, dst)
		}
		var s [16]F
		for i, e := range dst {
			s[i%16] += e
		}
		for w := 8; w >= 1; w /= 2 {
			for j := range w {
				s[j] += s[j+w]
			}
		}
		return float64(s[0])
	}
}

// transposeGo is Transpose's definition.
func transposeGo(dst []float64, ldd int, src []float32, lds, rows, cols int) {
	for r := range rows {
		for c, v := range src[r*lds : r*lds+cols] {
			dst[c*ldd+r] = float64(v)
		}
	}
}
