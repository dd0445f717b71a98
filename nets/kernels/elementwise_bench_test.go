package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The element-wise benchmarks: n = 128 (a gate block of H = 128 at batch 1),
// 512 (LSTM-128's four gates) and 8192 (a batch), each implementation against
// the plain math loop it replaces ("math", which is also the pure-Go one).
//
//	go test ./nets/kernels -run '^$' -bench 'Exp|Sigmoid|Tanh|Adam|SumSquares|LSTM|SoftmaxRow' -count 5 | benchstat -col /impl -

var ewSizes = []int{128, 512, 8192}

func reportElems(b *testing.B, n int) {
	per := b.Elapsed().Seconds() / float64(b.N) / float64(n)
	b.ReportMetric(per*1e9, "ns/elem")
	b.ReportMetric(1/per/1e6, "Melem/s")
}

// gates returns LSTM-like pre-activations: mostly in [−4, 4].
func gates[F float](n int) []F {
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]F, n)
	for i := range x {
		x[i] = F(rng.NormFloat64() * 2)
	}
	return x
}

func benchUnary[F float](b *testing.B) {
	for _, c := range unaryCases {
		for _, n := range ewSizes {
			src, dst := gates[F](n), make([]F, n)
			for _, im := range available() {
				f := unaryOf[F](im, c.name)
				name := im.name
				if name == "go" {
					name = "math"
				}
				b.Run(fmt.Sprintf("fn=%s/n=%d/impl=%s", c.name, n, name), func(b *testing.B) {
					for b.Loop() {
						f(dst, src)
					}
					reportElems(b, n)
				})
			}
		}
	}
}

// BenchmarkUnary measures Exp, Sigmoid and Tanh (and their float32 twins).
func BenchmarkUnary(b *testing.B) {
	b.Run("f64", benchUnary[float64])
	b.Run("f32", benchUnary[float32])
}

func benchAdam[F float](b *testing.B) {
	var z F
	_, is32 := any(z).(float32)
	for _, n := range ewSizes {
		rng := rand.New(rand.NewPCG(1, 1))
		p, g, m, v := make([]F, n), make([]F, n), make([]F, n), make([]F, n)
		for i := range p {
			p[i], g[i] = F(rng.NormFloat64()), F(rng.NormFloat64()*1e-2)
		}
		for _, im := range available() {
			f := any(im.ew.adam64)
			if is32 {
				f = any(im.ew.adam32)
			}
			adam := f.(func(p, g, m, v []F, b1, b2, step, c2, eps F))
			b.Run(fmt.Sprintf("n=%d/impl=%s", n, im.name), func(b *testing.B) {
				for b.Loop() {
					adam(p, g, m, v, 0.9, 0.999, 2e-3, F(math.Sqrt(1-0.999)), 1e-8)
				}
				reportElems(b, n)
			})
		}
	}
}

// BenchmarkAdam measures the Adam update against the Go loop ("go").
func BenchmarkAdam(b *testing.B) {
	b.Run("f64", benchAdam[float64])
	b.Run("f32", benchAdam[float32])
}

func benchSumSquares[F float](b *testing.B) {
	var z F
	_, is32 := any(z).(float32)
	for _, n := range append(ewSizes, 174080) { // + LSTM-128's whole gradient slab, V = 170
		x := gates[F](n)
		var sink float64
		b.Run(fmt.Sprintf("n=%d/impl=loop", n), func(b *testing.B) {
			for b.Loop() { // the plain loop a clipper would write
				var s float64
				for _, v := range x {
					s += float64(v) * float64(v)
				}
				sink += s
			}
			reportElems(b, n)
		})
		for _, im := range available() {
			f := any(im.ew.sumSquares64)
			if is32 {
				f = any(im.ew.sumSquares32)
			}
			ss := f.(func([]F) float64)
			b.Run(fmt.Sprintf("n=%d/impl=%s", n, im.name), func(b *testing.B) {
				for b.Loop() {
					sink += ss(x)
				}
				reportElems(b, n)
			})
		}
		_ = sink
	}
}

// BenchmarkSumSquares measures the sum of squares against a plain loop
// ("loop") and the 32-lane pure-Go definition ("go").
func BenchmarkSumSquares(b *testing.B) {
	b.Run("f64", benchSumSquares[float64])
	b.Run("f32", benchSumSquares[float32])
}

func benchLSTM[F float](b *testing.B) {
	const h = 128 // one stream of LSTM-128
	pre, cprev := gates[F](4*h), gates[F](h)
	act := make([]F, 4*h)
	cnew, tc, hnew, dgates, dh, dc := make([]F, h), make([]F, h), make([]F, h), make([]F, 4*h), gates[F](h), gates[F](h)
	for _, im := range available() {
		fused, _ := lstmFwdOf[F](im)
		back := lstmBackOf[F](im)
		b.Run("forward/impl="+im.name, func(b *testing.B) {
			for b.Loop() {
				copy(act, pre)
				fused(act, cprev, cnew, tc, hnew)
			}
			reportElems(b, h)
		})
		b.Run("backward/impl="+im.name, func(b *testing.B) {
			for b.Loop() {
				back(act, dgates, tc, cprev, dh, dc)
			}
			reportElems(b, h)
		})
	}
}

// BenchmarkLSTM measures one stream's LSTM gate arithmetic, forward (σ, tanh,
// c and h) and backward, per unit, against the pure-Go loops ("go").
func BenchmarkLSTM(b *testing.B) {
	b.Run("f64", benchLSTM[float64])
	b.Run("f32", benchLSTM[float32])
}

func benchExpSum[F float](b *testing.B) {
	const v = 200 // a row of logits, spread like a trained network's
	row, dst := gates[F](v), make([]F, v)
	for _, im := range available() {
		expSum, _ := expSumOfImpl[F](im)
		largest := maxOfImpl[F](im)
		b.Run("impl="+im.name, func(b *testing.B) {
			for b.Loop() {
				expSum(dst, row, largest(row))
			}
			reportElems(b, v)
		})
	}
}

// BenchmarkSoftmaxRow measures Max and ExpSum over a row of 200 logits, the
// loss's work per character.
func BenchmarkSoftmaxRow(b *testing.B) {
	b.Run("f64", benchExpSum[float64])
	b.Run("f32", benchExpSum[float32])
}
