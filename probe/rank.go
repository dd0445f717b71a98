package probe

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sync/atomic"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets/kernels"
)

// UnitScore is how well one unit tracks one label over a probe window.
type UnitScore struct {
	Unit Unit
	Flat int     // index into Report.Units
	R    float64 // Pearson correlation with the label (signed)
	// For binary labels (NaN otherwise):
	AUC       float64 // ROC AUC, oriented so that it is ≥ 0.5
	Higher    bool    // the unit is higher where the label is 1
	SignAcc   float64 // accuracy of "inside ⇔ unit > 0" (or < 0, whichever is better): the literal sign flip
	SignBal   float64 // balanced accuracy of that rule
	SignPos   bool    // the better rule is "inside ⇔ unit > 0"
	ThrAcc    float64 // accuracy at the unit's best threshold
	ThrBal    float64 // balanced accuracy at that threshold
	Threshold float64
	// Others is the unit's r with every label of the report, in its order.
	Others []float64
	// PartialIf is, for the "if" label, the unit's partial correlation with if
	// holding depth fixed (NaN otherwise): near 0 means a depth unit.
	PartialIf float64
	// ParenAUC is, for the "quote" label, the AUC among characters inside
	// parentheses only (string versus other argument text); NaN otherwise.
	ParenAUC float64
}

// Fit is how well a readout predicts a label on held-out characters.
type Fit struct {
	R   float64
	AUC float64 // binary labels; NaN otherwise
	// Trace is the readout's prediction at every scored step (the first half is
	// where it was fitted); nil when it could not be fitted.
	Trace []float64
}

// LabelReport ranks every unit against one label.
type LabelReport struct {
	Name, Doc string
	Binary    bool
	N         int     // characters where the label applies
	Positives int     // binary: characters where it is 1
	BaseRate  float64 // binary: accuracy of always guessing the majority
	R         []float64
	Top       []UnitScore // best first: by AUC (then sign accuracy) for binary labels, by |r| otherwise
	Readout   Fit         // ridge regression on all units, fit on the first half, scored on the second
	Baseline  float64     // AUC (binary) or r of a lookup of the last 3 characters; NaN when unknown
	// Claim is what the probe concludes about the best unit, as data; Verdict
	// is the same in English (Claim.String()).
	Claim   Claim
	Verdict string
}

// Best is the top unit, or false when there is none.
func (lr *LabelReport) Best() (UnitScore, bool) {
	if len(lr.Top) == 0 {
		return UnitScore{}, false
	}
	return lr.Top[0], true
}

// Saturation is, for one sigmoid gate of one layer, each unit's fraction of steps
// below 0.1 and above 0.9 (Karpathy, Johnson and Fei-Fei's saturation plot), and
// a histogram of all its activations.
type Saturation struct {
	Layer     int
	Gate      string // "i", "f", "o" (LSTM) or "r", "z" (GRU)
	Low, High []float64
	Hist      []float64 // fraction of activations in each of HistBins equal bins over [0, 1]
}

// HistBins is the number of bins of a gate histogram.
const HistBins = kernels.SatBins

// Report is everything the probe says about one recording. It is never modified
// after Analyze returns.
type Report struct {
	Layers     int
	Units      []Unit
	Labels     []LabelReport
	Saturation []Saturation
	Loss       float64 // mean next-character loss on the window, nats
}

// Label finds a label's report.
func (r *Report) Label(name string) (*LabelReport, bool) {
	for i := range r.Labels {
		if r.Labels[i].Name == name {
			return &r.Labels[i], true
		}
	}
	return nil, false
}

// Options tune Analyze.
type Options struct {
	Labels   []string  // labels to report, in this order (nil: every label given)
	Top      int       // units kept per label (0: 8)
	Baseline *Baseline // the 3-character lookup, estimated on training text
}

// candidates is how many units by |r| get the rank statistics (AUC, accuracies).
const candidates = 16

// Analyze ranks every recorded unit against labels (the corpora.Labels of the
// scored text, one value per step) and describes the result in plain words.
// Ties are broken by unit order, so equal inputs give equal reports.
func Analyze(rec *Recording, labels []corpora.Feature, opt Options) *Report {
	return analyze(rec, labels, opt, nil)
}

// analyze is Analyze with the readouts' design matrix in z, which it grows as
// needed (nil: a new one).
func analyze(rec *Recording, labels []corpora.Feature, opt Options, z *[]float32) *Report {
	if opt.Top <= 0 {
		opt.Top = 8
	}
	feats := labels
	if opt.Labels != nil {
		feats = nil
		for _, name := range opt.Labels {
			for _, f := range labels {
				if f.Name == name {
					feats = append(feats, f)
				}
			}
		}
	}
	units := rec.Units()
	series := make([][]float64, len(units))
	for i, u := range units {
		series[i] = rec.Series(u)
	}
	rep := &Report{Layers: rec.Config.Layers, Units: units, Loss: rec.MeanLoss()}
	// The readouts are independent of the per-unit statistics: on a second
	// core they run beside them.
	// The rankings' sorts are shared out unit by unit (rank below), and the
	// second core takes its share once its readouts are done.
	var fits []Fit
	var rank func()
	ranked := make(chan struct{}) // rank is set
	fitted := make(chan struct{}) // fits are set and the second core's share is done
	if runtime.GOMAXPROCS(0) > 1 {
		go func() {
			fits = readouts(rec, series, feats, z)
			<-ranked
			rank()
			close(fitted)
		}()
	} else {
		fits = readouts(rec, series, feats, z)
		close(fitted)
	}
	R := correlations(rec, series, feats)
	byName := map[string]int{}
	for f, ft := range feats {
		byName[ft.Name] = f
	}
	all := map[string]corpora.Feature{}
	for _, f := range labels {
		all[f.Name] = f
	}
	var baseline map[string]float64
	if opt.Baseline != nil {
		baseline = opt.Baseline.scores
	}
	// Each label's candidates by |r|; rank statistics need each candidate's
	// series sorted, which is done once per unit for every label it is a
	// candidate of, in one reused buffer.
	reps := make([]LabelReport, len(feats))
	type place struct{ f, i int } // label f's candidate i
	ranks := map[int][]place{}    // unit → where it is a candidate of a binary label
	var visit []int               // those units, in first-seen order
	for f, ft := range feats {
		doc, _ := corpora.LabelDoc(ft.Name)
		lr := LabelReport{Name: ft.Name, Doc: doc, R: R[f], Binary: isBinary(ft.Values),
			Baseline: math.NaN()}
		if b, ok := baseline[ft.Name]; ok {
			lr.Baseline = b
		}
		for _, v := range ft.Values {
			if !math.IsNaN(v) {
				lr.N++
				if v == 1 {
					lr.Positives++
				}
			}
		}
		if lr.Binary && lr.N > 0 {
			p := float64(lr.Positives) / float64(lr.N)
			lr.BaseRate = max(p, 1-p)
		}
		// Candidates by |r|, ties by unit order.
		k := max(opt.Top, candidates)
		if !lr.Binary {
			k = opt.Top
		}
		ranked := lr.Binary && lr.Positives > 0 && lr.Positives < lr.N
		for _, u := range topByR(R[f], k) {
			s := UnitScore{Unit: units[u], Flat: u, R: R[f][u], AUC: math.NaN(), SignAcc: math.NaN(),
				SignBal: math.NaN(), ThrAcc: math.NaN(), ThrBal: math.NaN(), Threshold: math.NaN(),
				PartialIf: math.NaN(), ParenAUC: math.NaN()}
			s.Others = make([]float64, len(feats))
			for g := range feats {
				s.Others[g] = R[g][u]
			}
			if ft.Name == "if" {
				if d, ok := all["depth"]; ok {
					rxz := pearson(series[u], d.Values)
					ryz := pearson(ft.Values, d.Values)
					s.PartialIf = (s.R - rxz*ryz) / math.Sqrt((1-rxz*rxz)*(1-ryz*ryz))
				}
			}
			if ranked {
				if _, ok := ranks[u]; !ok {
					visit = append(visit, u)
				}
				ranks[u] = append(ranks[u], place{f, len(lr.Top)})
			}
			lr.Top = append(lr.Top, s)
		}
		reps[f] = lr
	}
	coded := make([][]uint8, len(feats))
	for _, ps := range ranks {
		for _, p := range ps {
			if coded[p.f] == nil {
				coded[p.f] = encode(feats[p.f].Values)
			}
		}
	}
	var taken atomic.Int64 // units of visit handed out
	rank = func() {
		var so sorter
		for {
			k := int(taken.Add(1)) - 1
			if k >= len(visit) {
				return
			}
			u := visit[k]
			srt := so.sort(series[u])
			for _, p := range ranks[u] {
				f, s := p.f, &reps[p.f].Top[p.i]
				so.rankStats(s, srt, coded[f])
				if feats[f].Name == "quote" {
					if paren, ok := all["paren"]; ok {
						s.ParenAUC = subsetAUC(srt, feats[f].Values, paren.Values, s.Higher)
					}
				}
			}
		}
	}
	close(ranked)
	rank()
	<-fitted
	for f, lr := range reps {
		lr.Readout = fits[f]
		if lr.Binary {
			slices.SortStableFunc(lr.Top, func(a, b UnitScore) int {
				if c := cmp.Compare(nanLow(b.AUC), nanLow(a.AUC)); c != 0 {
					return c
				}
				if c := cmp.Compare(nanLow(b.SignAcc), nanLow(a.SignAcc)); c != 0 {
					return c // equally separable: the one whose sign says more first
				}
				return cmp.Compare(absR(b.R), absR(a.R))
			})
		}
		lr.Top = lr.Top[:min(len(lr.Top), opt.Top)]
		rep.Labels = append(rep.Labels, lr)
	}
	for i := range rep.Labels {
		rep.Labels[i].Claim = claim(rep, &rep.Labels[i], byName)
		rep.Labels[i].Verdict = rep.Labels[i].Claim.String()
	}
	rep.Saturation = rec.Saturation
	if rep.Saturation == nil && rec.Gates != nil {
		rep.Saturation = saturationOf(rec)
	}
	return rep
}

// topByR is the k units (or all, if fewer) of largest |r|, in that order, ties
// (and NaN, lowest) by unit order: a stable sort's first k, by insertion.
func topByR(r []float64, k int) []int {
	k = min(k, len(r))
	if k <= 0 {
		return nil
	}
	top := make([]int, 0, k)
	for u, x := range r {
		a := absR(x)
		if len(top) == k && !(a > absR(r[top[k-1]])) {
			continue
		}
		i := len(top)
		for i > 0 && a > absR(r[top[i-1]]) {
			i--
		}
		if len(top) < k {
			top = append(top, 0)
		}
		copy(top[i+1:], top[i:len(top)-1])
		top[i] = u
	}
	return top
}

func absR(r float64) float64 {
	if math.IsNaN(r) {
		return -1
	}
	return math.Abs(r)
}

func nanLow(x float64) float64 {
	if math.IsNaN(x) {
		return -1
	}
	return x
}

func isBinary(v []float64) bool {
	any := false
	for _, x := range v {
		if math.IsNaN(x) {
			continue
		}
		if x != 0 && x != 1 {
			return false
		}
		any = true
	}
	return any
}

// correlations is r of every unit with every label: R[label][flat unit], over
// the steps where the label is defined (not NaN). The sums Σxy, and Σx over a
// label's steps, come from one matrix product per group of units; Σx² from
// SumSquares, or over a gapped label's own steps.
func correlations(rec *Recording, series [][]float64, feats []corpora.Feature) [][]float64 {
	T, h := rec.T, rec.Config.Hidden
	R := make([][]float64, len(feats))
	// Y's rows: every label (0 where undefined); for each label with gaps,
	// 1 where it is defined; last, ones (whose product with a unit is Σx).
	type label struct {
		n, sy, syy float64
		ind        int     // Y's row of the label's steps, −1 when it has no gaps
		at         []int32 // the steps where a gapped label is defined
	}
	labs := make([]label, len(feats))
	rows := len(feats) + 1
	for f, ft := range feats {
		R[f] = make([]float64, len(series))
		labs[f].ind = -1
		if slices.ContainsFunc(ft.Values[:T], math.IsNaN) {
			labs[f].ind = rows - 1
			rows++
		}
	}
	Y := make([]float64, rows*T)
	for f, ft := range feats {
		lb := &labs[f]
		y := Y[f*T : (f+1)*T]
		for t, v := range ft.Values[:T] {
			if math.IsNaN(v) {
				continue
			}
			y[t] = v
			lb.sy += v
			lb.syy += v * v
			if lb.ind >= 0 {
				Y[lb.ind*T+t] = 1
				lb.at = append(lb.at, int32(t))
			}
		}
		lb.n = float64(T)
		if lb.ind >= 0 {
			lb.n = float64(len(lb.at))
		}
	}
	ones := Y[(rows-1)*T : rows*T]
	for t := range ones {
		ones[t] = 1
	}
	// corrBlock units at a time, so that their series are still in cache for
	// the sums of squares after the product.
	sxy := make([]float64, corrBlock*rows)
	for g, grp := range rec.Groups {
		for j0 := 0; j0 < h; j0 += corrBlock {
			nb := min(corrBlock, h-j0)
			kernels.GemmNT(nb, rows, T, grp.Acts[j0*T:], T, Y, T, 0, sxy, rows)
			for j := j0; j < j0+nb; j++ {
				u := g*h + j
				x, sums := series[u][:T], sxy[(j-j0)*rows:(j-j0+1)*rows]
				sxxAll := kernels.SumSquares(x)
				for f, lb := range labs {
					sx, sxx := sums[rows-1], sxxAll
					if lb.ind >= 0 {
						sx, sxx = sums[lb.ind], squaresAt(x, lb.at)
					}
					n := lb.n
					vx, vy := n*sxx-sx*sx, n*lb.syy-lb.sy*lb.sy
					if n < 2 || vx <= 0 || vy <= 0 {
						R[f][u] = math.NaN()
						continue
					}
					R[f][u] = (n*sums[f] - sx*lb.sy) / math.Sqrt(vx*vy)
				}
			}
		}
	}
	return R
}

// corrBlock is how many units correlations takes at a time: 16 series of 5,000
// steps are 640 KB, inside L2.
const corrBlock = 16

// squaresAt is Σ x[t]² over the steps at, in four interleaved partial sums.
func squaresAt(x []float64, at []int32) float64 {
	var s [4]float64
	i := 0
	for ; i+4 <= len(at); i += 4 {
		a, b, c, d := x[at[i]], x[at[i+1]], x[at[i+2]], x[at[i+3]]
		s[0] += a * a
		s[1] += b * b
		s[2] += c * c
		s[3] += d * d
	}
	for ; i < len(at); i++ {
		s[0] += x[at[i]] * x[at[i]]
	}
	return (s[0] + s[1]) + (s[2] + s[3])
}

// pearson is the correlation of x and y over the steps where y is not NaN; NaN
// when either is constant there.
func pearson(x, y []float64) float64 {
	var n, sx, sy, sxx, syy, sxy float64
	for t, yv := range y[:len(x)] {
		if math.IsNaN(yv) {
			continue
		}
		xv := x[t]
		n++
		sx += xv
		sy += yv
		sxx += xv * xv
		syy += yv * yv
		sxy += xv * yv
	}
	if n < 2 {
		return math.NaN()
	}
	vx := n*sxx - sx*sx
	vy := n*syy - sy*sy
	if vx <= 0 || vy <= 0 {
		return math.NaN()
	}
	return (n*sxy - sx*sy) / math.Sqrt(vx*vy)
}

// ranked is one step of a unit's series, for rank statistics.
type ranked struct {
	v float64
	t int32
}

// sortedOf orders a series ascending, ties by step: an LSD radix sort on the
// values' bits (exact and stable, several times faster than a comparison sort
// here). Series that are exactly float32 values, as recordings are, sort on 32-bit
// keys in three passes instead of eight.
func sortedOf(x []float64) []ranked {
	var so sorter
	return slices.Clone(so.sort(x))
}

// sorter sorts series and ranks them in buffers it reuses.
type sorter struct {
	keys, tmp []uint64
	a, b      []ranked
	groups    []tieGroup
	count     [3][1<<narrowBits + 1]int32
}

// sort is sortedOf into the sorter's buffer: valid until the next call.
func (so *sorter) sort(x []float64) []ranked {
	n := len(x)
	if cap(so.a) < n {
		so.keys, so.tmp = make([]uint64, n), make([]uint64, n)
		so.a, so.b = make([]ranked, n), make([]ranked, n)
	}
	a := so.a[:n]
	keys, tmp := so.keys[:n], so.tmp[:n]
	if sorted, ok := so.narrow(x, keys, tmp); ok {
		for i, k := range sorted {
			t := int32(uint32(k))
			a[i] = ranked{x[t], t}
		}
		return a
	}
	b := so.b[:n]
	for t, v := range x {
		k := math.Float64bits(v)
		if k>>63 == 1 {
			k = ^k // negative: reverse their order
		} else {
			k |= 1 << 63
		}
		keys[t] = k
		a[t] = ranked{v, int32(t)}
	}
	var count [257]int
	for shift := 0; shift < 64; shift += 8 {
		count = [257]int{}
		for _, k := range keys {
			count[(k>>shift)&0xff+1]++
		}
		if count[(keys[0]>>shift)&0xff+1] == n {
			continue // every key has the same digit here
		}
		for i := 1; i < 257; i++ {
			count[i] += count[i-1]
		}
		for i, k := range keys {
			d := (k >> shift) & 0xff
			j := count[d]
			count[d]++
			b[j], tmp[j] = a[i], k
		}
		a, b = b, a
		keys, tmp = tmp, keys
	}
	return a
}

// narrowBits is the digit width of the 32-bit sort: three passes.
const narrowBits = 11

// narrow sorts series that are exactly float32 values, as recordings are: one
// 64-bit word per step, the order-preserving key above and the step below, and
// three stable passes over the key's digits carry the step along, their counts
// all taken in the pass that builds the keys. It returns the sorted words (in
// keys or tmp), or false, having sorted nothing, if a value is not a float32.
func (so *sorter) narrow(x []float64, keys, tmp []uint64) ([]uint64, bool) {
	const mask = 1<<narrowBits - 1
	count := &so.count
	*count = [3][1<<narrowBits + 1]int32{}
	for t, v := range x {
		f := float32(v)
		if float64(f) != v {
			return nil, false
		}
		k := math.Float32bits(f)
		if k>>31 == 1 {
			k = ^k // negative: reverse their order
		} else {
			k |= 1 << 31
		}
		keys[t] = uint64(k)<<32 | uint64(t)
		count[0][k&mask+1]++
		count[1][(k>>narrowBits)&mask+1]++
		count[2][(k>>(2*narrowBits))&mask+1]++
	}
	n := int32(len(x))
	for p := range count {
		shift := 32 + p*narrowBits
		c := &count[p]
		if c[(keys[0]>>shift)&mask+1] == n {
			continue // every key has the same digit here
		}
		var at int32 // running sum in a register, not through memory
		for i := 1; i < len(c); i++ {
			at += c[i]
			c[i] = at
		}
		for _, k := range keys {
			d := (k >> shift) & mask
			tmp[c[d]] = k
			c[d]++
		}
		keys, tmp = tmp, keys
	}
	return keys, true
}

// aucOf is P(x_inside > x_outside) + ½P(=) over the steps where keep is not NaN
// and (when given) where within is 1: the Mann–Whitney statistic with tied values
// sharing their mean rank.
func aucOf(s []ranked, y, within []float64) float64 {
	var rankSum, npos, n float64
	for i := 0; i < len(s); {
		j := i
		var grpPos, grpN float64
		for ; j < len(s) && s[j].v == s[i].v; j++ {
			t := s[j].t
			if math.IsNaN(y[t]) || (within != nil && within[t] != 1) {
				continue
			}
			grpN++
			if y[t] == 1 {
				grpPos++
			}
		}
		// ranks n+1 … n+grpN share their mean
		rankSum += grpPos * (n + (grpN+1)/2)
		npos += grpPos
		n += grpN
		i = j
	}
	nneg := n - npos
	if npos == 0 || nneg == 0 {
		return math.NaN()
	}
	return (rankSum - npos*(npos+1)/2) / (npos * nneg)
}

// encode codes a binary label for rankStats: 1 inside, 2 outside, 0 undefined.
func encode(y []float64) []uint8 {
	lab := make([]uint8, len(y))
	for t, v := range y {
		switch v {
		case 1:
			lab[t] = 1
		case 0:
			lab[t] = 2
		}
	}
	return lab
}

// tieGroup is a run of equal values in a sorted series.
type tieGroup struct {
	v      float64
	gp, gn int32 // inside and outside steps with this value
}

// rankStats fills AUC, sign and threshold accuracies of s from the unit's sorted
// series and a binary label coded by encode, in one pass over the groups of tied
// values and one sweep over the groups, in the sorter's buffers. Counts are
// integers (the Mann–Whitney rank sum doubled), so that no sum waits on a
// floating-point addition; every result is what the same sums in float64 give.
func (so *sorter) rankStats(s *UnitScore, srt []ranked, lab []uint8) {
	groups := so.groups[:0]
	defer func() { so.groups = groups }()
	var pos, neg int // label counts
	var posAbove, negAbove, posBelow, negBelow int
	var rankSum2 int64 // Mann–Whitney: twice the ranks of the inside steps, ties sharing their mean
	for i := 0; i < len(srt); {
		v := srt[i].v
		j := i
		var gp, gn int
		for ; j < len(srt) && srt[j].v == v; j++ {
			l := lab[srt[j].t]
			gp += int(l & 1)
			gn += int(l >> 1)
		}
		if v > 0 {
			posAbove, negAbove = posAbove+gp, negAbove+gn
		} else if v < 0 {
			posBelow, negBelow = posBelow+gp, negBelow+gn
		}
		n := pos + neg
		rankSum2 += int64(gp) * int64(2*n+gp+gn+1) // ranks n+1 … n+gp+gn share their mean
		pos, neg = pos+gp, neg+gn
		groups = append(groups, tieGroup{v, int32(gp), int32(gn)})
		i = j
	}
	fpos, fneg := float64(pos), float64(neg)
	auc := math.NaN()
	if pos > 0 && neg > 0 {
		auc = (float64(rankSum2)/2 - fpos*(fpos+1)/2) / (fpos * fneg)
	}
	s.Higher = auc >= 0.5
	s.AUC = max(auc, 1-auc)

	n := fpos + fneg
	// inside ⇔ v > 0: right on posAbove + (neg − negAbove); inside ⇔ v < 0 likewise.
	pa, na, pb, nb := float64(posAbove), float64(negAbove), float64(posBelow), float64(negBelow)
	accPos := (pa + fneg - na) / n
	accNeg := (pb + fneg - nb) / n
	if accPos >= accNeg {
		s.SignPos, s.SignAcc = true, accPos
		s.SignBal = (pa/fpos + (fneg-na)/fneg) / 2
	} else {
		s.SignAcc = accNeg
		s.SignBal = (pb/fpos + (fneg-nb)/fneg) / 2
	}

	// Sweep thresholds in the AUC's orientation: predict inside when v > θ (Higher)
	// or v < θ, θ between consecutive distinct values. With tp and fp the inside
	// and outside steps above θ, Higher is right on tp + (neg − fp) steps and the
	// other orientation on (pos − tp) + fp, so the best θ is where tp − fp is
	// largest (Higher) or smallest, that is where sgn·(tp − fp) is largest; the
	// first such θ wins.
	sgn := 1
	if !s.Higher {
		sgn = -1
	}
	tp, fp := pos, neg // θ below everything: every step is above it
	bestD, bestTP, bestFP, best := sgn*(tp-fp), tp, fp, -1
	for k, g := range groups {
		tp, fp = tp-int(g.gp), fp-int(g.gn)
		if d := sgn * (tp - fp); d > bestD {
			bestD, bestTP, bestFP, best = d, tp, fp, k
		}
	}
	bestTheta := 0.0
	switch {
	case len(groups) == 0:
	case best < 0:
		v := groups[0].v
		bestTheta = v - 1e-9*math.Max(1, math.Abs(v))
	case best+1 < len(groups):
		bestTheta = (groups[best].v + groups[best+1].v) / 2
	default:
		bestTheta = groups[best].v
	}
	ftp, ffp := float64(bestTP), float64(bestFP)
	var bestAcc, bestBal float64
	if s.Higher {
		bestAcc = (ftp + (fneg - ffp)) / n
		bestBal = (ftp/fpos + (fneg-ffp)/fneg) / 2
	} else {
		// predicted inside are the ones below θ: pos − tp right, neg − fp wrong
		bestAcc = ((fpos - ftp) + ffp) / n
		bestBal = ((fpos-ftp)/fpos + ffp/fneg) / 2
	}
	s.ThrAcc, s.ThrBal, s.Threshold = bestAcc, bestBal, bestTheta
}

// subsetAUC is the oriented AUC among the steps where within is 1.
func subsetAUC(srt []ranked, y, within []float64, higher bool) float64 {
	auc := aucOf(srt, y, within)
	if !higher {
		auc = 1 - auc
	}
	return auc
}

// saturationOf measures every sigmoid gate's left and right saturation per unit
// from a recording that kept its gates.
func saturationOf(rec *Recording) []Saturation {
	h, T := rec.Config.Hidden, rec.T
	var out []Saturation
	names := rec.Config.Cell.GateNames()
	for l, g := range rec.Gates {
		for b, name := range names {
			if name == "g" || name == "n" { // tanh blocks: not gates
				continue
			}
			s := Saturation{Layer: l, Gate: name, Low: make([]float64, h), High: make([]float64, h), Hist: make([]float64, HistBins)}
			for u := range h {
				var lo, hi float64
				for _, v := range g[(b*h+u)*T : (b*h+u+1)*T] {
					if v < 0.1 {
						lo++
					} else if v > 0.9 {
						hi++
					}
					s.Hist[min(max(int(v*HistBins), 0), HistBins-1)]++
				}
				s.Low[u], s.High[u] = lo/float64(T), hi/float64(T)
			}
			for i := range s.Hist {
				s.Hist[i] /= float64(h * T)
			}
			out = append(out, s)
		}
	}
	return out
}
