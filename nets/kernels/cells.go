package kernels

import "fmt"

// cellFuncs is one implementation of the cell kernels. Its functions may assume
// the exported wrappers' checks: matching lengths and at least one element.
type cellFuncs struct {
	add64      func(dst, a, b []float64)
	add32      func(dst, a, b []float32)
	lstmFwd64  func(gates, cprev, cnew, tc, hnew []float64)
	lstmFwd32  func(gates, cprev, cnew, tc, hnew []float32)
	lstmBack64 func(gates, dgates, tc, cprev, dh, dc []float64)
	lstmBack32 func(gates, dgates, tc, cprev, dh, dc []float32)
	gruFwd64   func(gates, hsum, ghn, hprev, hnew []float64)
	gruFwd32   func(gates, hsum, ghn, hprev, hnew []float32)
	gruBack64  func(gates, dgates, dhgates, ghn, hprev, dh, dhprev []float64)
	gruBack32  func(gates, dgates, dhgates, ghn, hprev, dh, dhprev []float32)
	max64      func(x []float64) float64
	max32      func(x []float32) float32
	expSum64   func(dst, src []float64, shift float64) float64
	expSum32   func(dst, src []float32, shift float32) float64
	narrow     func(dst []float32, src []float64)
	widen      func(dst []float64, src []float32)
	satCount   func(x []float32, rows, stride int, low, high []int32, hist *[SatBins]int32)
	stdize     func(dst []float32, src []float64, mean, scale float64)
	transpose  func(dst []float64, ldd int, src []float32, lds, rows, cols int)
}

// Float is the element type of the generic kernels.
type Float interface{ float32 | float64 }

// Add sets dst[i] = a[i] + b[i], the bits of Go's sum. dst may be a or b; it
// panics unless the three have the same length.
func Add[F Float](dst, a, b []F) {
	if len(a) != len(dst) || len(b) != len(dst) {
		panic("kernels: Add: dst, a and b differ in length")
	}
	if len(dst) == 0 {
		return
	}
	switch d := any(dst).(type) {
	case []float64:
		active.cell.add64(d, any(a).([]float64), any(b).([]float64))
	case []float32:
		active.cell.add32(d, any(a).([]float32), any(b).([]float32))
	}
}

// Max returns the largest element of x, −Inf if x is empty. A NaN in x may or
// may not be passed over.
func Max[F Float](x []F) F {
	switch x := any(x).(type) {
	case []float64:
		return F(active.cell.max64(x))
	case []float32:
		return F(active.cell.max32(x))
	}
	panic("unreachable")
}

// ExpSum sets dst[i] = e^(src[i] − shift), the difference rounded to F and
// exponentiated as Exp (Exp32) does, and returns Σ dst[i] in a fixed order:
// element i goes into partial sum i mod 16, and the partial sums are added
// pairwise, s[j] += s[j+8], then s[j+4], s[j+2], s[j+1], all in F. It is the
// softmax's denominator, once shift is the largest element. dst may be src;
// it panics unless the lengths match.
func ExpSum[F Float](dst, src []F, shift F) float64 {
	if len(dst) != len(src) {
		panic("kernels: ExpSum: len(dst) != len(src)")
	}
	switch d := any(dst).(type) {
	case []float64:
		return active.cell.expSum64(d, any(src).([]float64), float64(shift))
	case []float32:
		return active.cell.expSum32(d, any(src).([]float32), float32(shift))
	}
	panic("unreachable")
}

// Narrow sets dst[i] = float32(src[i]), rounded to nearest even as Go rounds.
// It panics unless the lengths match.
func Narrow(dst []float32, src []float64) {
	if len(dst) != len(src) {
		panic("kernels: Narrow: len(dst) != len(src)")
	}
	active.cell.narrow(dst, src)
}

// Standardize sets dst[i] = float32((src[i] − mean)·scale), the difference and
// the product each rounded in float64, as Go computes them. It panics unless
// the lengths match.
func Standardize(dst []float32, src []float64, mean, scale float64) {
	if len(dst) != len(src) {
		panic("kernels: Standardize: len(dst) != len(src)")
	}
	active.cell.stdize(dst, src, mean, scale)
}

// Widen sets dst[i] = float64(src[i]), which is exact. It panics unless the
// lengths match.
func Widen(dst []float64, src []float32) {
	if len(dst) != len(src) {
		panic("kernels: Widen: len(dst) != len(src)")
	}
	active.cell.widen(dst, src)
}

// LSTMForward is the element-wise part of one LSTM step for one stream of H =
// len(cprev) units. gates holds the four pre-activations [i f g o], H each, and
// is overwritten with the activations, i, f, o = σ(·) and g = tanh(·), each as
// Sigmoid and Tanh compute it; then
//
//	cnew = f⊙cprev + i⊙g,  tc = tanh(cnew),  hnew = o⊙tc
//
// every product and sum rounded on its own, so the result is the bits of those
// Go statements on the activations. It panics unless len(gates) = 4H and the
// other slices have H elements.
func LSTMForward[F Float](gates, cprev, cnew, tc, hnew []F) {
	h := len(cprev)
	if len(gates) != 4*h || len(cnew) != h || len(tc) != h || len(hnew) != h {
		panic("kernels: LSTMForward: lengths do not match")
	}
	if h == 0 {
		return
	}
	switch g := any(gates).(type) {
	case []float64:
		active.cell.lstmFwd64(g, any(cprev).([]float64), any(cnew).([]float64), any(tc).([]float64), any(hnew).([]float64))
	case []float32:
		active.cell.lstmFwd32(g, any(cprev).([]float32), any(cnew).([]float32), any(tc).([]float32), any(hnew).([]float32))
	}
}

// LSTMBackward is the element-wise part of one LSTM step's backward pass for one
// stream of H = len(tc) units. From the activations gates = [i f g o] of the
// step, tc = tanh(c), the previous cell cprev, ∂L/∂h in dh and ∂L/∂c from the
// next step in dc, it writes ∂L/∂(pre-activations) to dgates and ∂L/∂c₋₁ to dc:
//
//	do = dh·tc;  dc = dc + (dh·o)·(1 − tc·tc)
//	di = ((dc·g)·i)·(1 − i);  df = ((dc·cprev)·f)·(1 − f)
//	dg = (dc·i)·(1 − g·g);    dO = (do·o)·(1 − o);  dc₋₁ = dc·f
//
// every operation rounded on its own, in that order: the same bits in every
// implementation. It panics unless len(gates) = len(dgates) = 4H and the other
// slices have H elements.
func LSTMBackward[F Float](gates, dgates, tc, cprev, dh, dc []F) {
	h := len(tc)
	if len(gates) != 4*h || len(dgates) != 4*h || len(cprev) != h || len(dh) != h || len(dc) != h {
		panic("kernels: LSTMBackward: lengths do not match")
	}
	if h == 0 {
		return
	}
	switch g := any(gates).(type) {
	case []float64:
		active.cell.lstmBack64(g, any(dgates).([]float64), any(tc).([]float64), any(cprev).([]float64), any(dh).([]float64), any(dc).([]float64))
	case []float32:
		active.cell.lstmBack32(g, any(dgates).([]float32), any(tc).([]float32), any(cprev).([]float32), any(dh).([]float32), any(dc).([]float32))
	}
}

// GRUForward is the element-wise part of one GRU step for one stream of H =
// len(hprev) units. gates holds the input-side sums [r z n] (W_i·x + b_i, H
// each) and hsum the hidden-side ones (W_h·h₋₁ + b_h); then
//
//	r, z = σ(gates + hsum);  ghn = hsum_n;  n = tanh(gates_n + r⊙ghn)
//	hnew = (1 − z)⊙n + z⊙hprev
//
// with r, z and n written back over gates, σ and tanh as Sigmoid and Tanh
// compute them and every other product and sum rounded on its own: the bits of
// those Go statements. It panics unless gates and hsum have 3H elements and
// the others H.
func GRUForward[F Float](gates, hsum, ghn, hprev, hnew []F) {
	h := len(hprev)
	if len(gates) != 3*h || len(hsum) != 3*h || len(ghn) != h || len(hnew) != h {
		panic("kernels: GRUForward: lengths do not match")
	}
	if h == 0 {
		return
	}
	switch g := any(gates).(type) {
	case []float64:
		active.cell.gruFwd64(g, any(hsum).([]float64), any(ghn).([]float64), any(hprev).([]float64), any(hnew).([]float64))
	case []float32:
		active.cell.gruFwd32(g, any(hsum).([]float32), any(ghn).([]float32), any(hprev).([]float32), any(hnew).([]float32))
	}
}

// GRUBackward is the element-wise part of one GRU step's backward pass for one
// stream of H = len(dh) units. From the activations gates = [r z n] of the step,
// ghn = W_hn·h₋₁ + b_hn, the previous state hprev and ∂L/∂h in dh, it writes
// ∂L/∂(input-side pre-activations) to dgates, ∂L/∂(hidden-side sums) to
// dhgates, and the direct part of ∂L/∂h₋₁ to dhprev:
//
//	dn = dh·(1 − z);  dz = dh·(hprev − n);  dhprev = dh·z;  dnp = dn·(1 − n·n)
//	dr = ((dnp·ghn)·r)·(1 − r);  dz' = (dz·z)·(1 − z)
//	dgates = [dr dz' dnp];  dhgates = [dr dz' dnp·r]
//
// every operation rounded on its own, in that order: the same bits in every
// implementation. It panics unless the gate slices have 3H elements and the
// others H.
func GRUBackward[F Float](gates, dgates, dhgates, ghn, hprev, dh, dhprev []F) {
	h := len(dh)
	if len(gates) != 3*h || len(dgates) != 3*h || len(dhgates) != 3*h || len(ghn) != h || len(hprev) != h || len(dhprev) != h {
		panic("kernels: GRUBackward: lengths do not match")
	}
	if h == 0 {
		return
	}
	switch g := any(gates).(type) {
	case []float64:
		active.cell.gruBack64(g, any(dgates).([]float64), any(dhgates).([]float64), any(ghn).([]float64),
			any(hprev).([]float64), any(dh).([]float64), any(dhprev).([]float64))
	case []float32:
		active.cell.gruBack32(g, any(dgates).([]float32), any(dhgates).([]float32), any(ghn).([]float32),
			any(hprev).([]float32), any(dh).([]float32), any(dhprev).([]float32))
	}
}

// SatBins is the number of bins of SatCount's histogram, each 1/SatBins wide.
const SatBins = 20

// SatCount adds up sigmoid-gate activations: rows rows of len(low) units, unit
// u of row r at x[r·stride+u]. low[u] counts the unit's values below 0.1 and
// high[u] those above 0.9 (float32 constants, ordered: NaN is neither); hist
// counts every value in bin ⌊SatBins·x⌋ (the product rounded to float32),
// clamped to 0…SatBins−1, NaN in bin 0. It adds to the counts already there,
// and panics unless low and high have the same length and x holds every row.
func SatCount(x []float32, rows, stride int, low, high []int32, hist *[SatBins]int32) {
	n := len(low)
	if len(high) != n || rows < 0 || stride < n || (rows > 0 && len(x) < (rows-1)*stride+n) {
		panic(fmt.Sprintf("kernels: SatCount of %d rows of %d units, stride %d, in %d values (high: %d)",
			rows, n, stride, len(x), len(high)))
	}
	if n == 0 || rows == 0 {
		return
	}
	active.cell.satCount(x, rows, stride, low, high, hist)
}

// Transpose sets dst[c·ldd + r] = float64(src[r·lds + c]) for r < rows and
// c < cols: the rows of src become the rows' columns of dst, widened (exactly).
// It panics unless both hold every element named.
func Transpose(dst []float64, ldd int, src []float32, lds, rows, cols int) {
	if rows < 0 || cols < 0 || lds < cols || ldd < rows {
		panic(fmt.Sprintf("kernels: Transpose of %d×%d, strides %d and %d", rows, cols, lds, ldd))
	}
	if rows == 0 || cols == 0 {
		return
	}
	if len(src) < (rows-1)*lds+cols || len(dst) < (cols-1)*ldd+rows {
		panic(fmt.Sprintf("kernels: Transpose of %d×%d from %d values into %d", rows, cols, len(src), len(dst)))
	}
	active.cell.transpose(dst, ldd, src, lds, rows, cols)
}
