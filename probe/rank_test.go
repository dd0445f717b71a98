package probe

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
)

// fakeRecording builds a Recording of one layer of h units with the given series.
func fakeRecording(series ...[]float64) *Recording {
	T := len(series[0])
	cfg := nets.Config{Cell: nets.RNN, Vocab: 2, Hidden: len(series), Layers: 1}
	acts := make([]float64, 0, len(series)*T)
	for _, s := range series {
		acts = append(acts, s...)
	}
	r := &Recording{Config: cfg, T: T, Groups: []Group{{Acts: acts}}, Loss: make([]float64, T), Text: make([]rune, T)}
	return r
}

func feature(name string, v []float64) corpora.Feature { return corpora.Feature{Name: name, Values: v} }

// blocks is a 0/1 label of alternating runs, like quoted spans.
func blocks(T int, rng *rand.Rand) []float64 {
	y := make([]float64, T)
	in := false
	for t := range y {
		if rng.IntN(20) == 0 {
			in = !in
		}
		if in {
			y[t] = 1
		}
	}
	return y
}

func TestRankStatisticsOnKnownUnits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const T = 2000
	y := blocks(T, rng)
	flip := make([]float64, T)  // −0.5 outside, +0.5 inside: flips sign exactly
	shift := make([]float64, T) // 1 outside, 2 inside: never crosses zero
	noise := make([]float64, T)
	for i, v := range y {
		flip[i] = v - 0.5
		shift[i] = 1 + v
		noise[i] = rng.NormFloat64()
	}
	rec := fakeRecording(noise, shift, flip)
	rep := Analyze(rec, []corpora.Feature{feature("quote", y)}, Options{})
	lr := rep.Labels[0]
	byUnit := map[int]UnitScore{}
	for _, s := range lr.Top {
		byUnit[s.Unit.Index] = s
	}
	f, s, n := byUnit[2], byUnit[1], byUnit[0]
	if f.AUC != 1 || f.SignAcc != 1 || f.SignBal != 1 || f.ThrAcc != 1 || !f.SignPos {
		t.Errorf("the flipping unit: %+v", f)
	}
	if s.AUC != 1 || s.ThrAcc != 1 || s.Threshold <= 1 || s.Threshold >= 2 {
		t.Errorf("the shifting unit: AUC %v, threshold accuracy %v at %v", s.AUC, s.ThrAcc, s.Threshold)
	}
	if s.SignBal != 0.5 {
		t.Errorf("the shifting unit's sign is always positive: balanced accuracy %v, want 0.5", s.SignBal)
	}
	if math.Abs(n.AUC-0.5) > 0.05 {
		t.Errorf("the noise unit: AUC %v, want about 0.5", n.AUC)
	}
	if !strings.Contains(lr.Verdict, "flips sign") || !strings.HasPrefix(lr.Verdict, "h2 ") {
		t.Errorf("verdict %q, want h2 flips sign", lr.Verdict)
	}
	// Without the flipping unit the best one only shifts level: no sign claim.
	rep = Analyze(fakeRecording(noise, shift), []corpora.Feature{feature("quote", y)}, Options{})
	if v := rep.Labels[0].Verdict; strings.Contains(v, "flips") || !strings.Contains(v, "h1 is higher inside quotes") {
		t.Errorf("verdict %q, want h1 is higher (and no flip)", v)
	}
}

// bruteAUC counts pairs.
func bruteAUC(x, y []float64) float64 {
	var num, den float64
	for i := range x {
		for j := range x {
			if y[i] == 1 && y[j] == 0 {
				den++
				switch {
				case x[i] > x[j]:
					num++
				case x[i] == x[j]:
					num += 0.5
				}
			}
		}
	}
	return num / den
}

func TestAUCAndThresholdMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for trial := range 50 {
		T := 10 + rng.IntN(200)
		x := make([]float64, T)
		y := make([]float64, T)
		for i := range x {
			x[i] = float64(rng.IntN(7)) - 3 // many ties, zeros included
			if rng.Float64() < 0.3+0.4*float64(trial%2) {
				y[i] = 1
			}
		}
		y[0], y[1] = 0, 1
		srt := sortedOf(x)
		if got, want := aucOf(srt, y, nil), bruteAUC(x, y); math.Abs(got-want) > 1e-12 {
			t.Fatalf("AUC %v, brute force %v", got, want)
		}
		var s UnitScore
		var so sorter
		so.rankStats(&s, srt, encode(y))
		best := 0.0
		for _, theta := range append(append([]float64{}, x...), -10, 10) {
			for _, d := range []float64{-0.5, 0.5} {
				th := theta + d
				right := 0
				for i := range x {
					inside := x[i] > th
					if !s.Higher {
						inside = x[i] < th
					}
					if inside == (y[i] == 1) {
						right++
					}
				}
				best = max(best, float64(right)/float64(T))
			}
		}
		if math.Abs(s.ThrAcc-best) > 1e-12 {
			t.Fatalf("threshold accuracy %v, brute force %v", s.ThrAcc, best)
		}
	}
}

func TestADepthUnitIsNotCalledAnIfUnit(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	const T = 3000
	depth := make([]float64, T)
	ifl := make([]float64, T)
	d := 0.0
	for t := range depth {
		if rng.IntN(30) == 0 {
			d = float64(rng.IntN(4))
		}
		depth[t] = d
		// inside an if mostly when deep, not always
		if d >= 2 && rng.IntN(4) != 0 || d == 1 && rng.IntN(3) == 0 {
			ifl[t] = 1
		}
	}
	unit := make([]float64, T)
	for t := range unit {
		unit[t] = 0.3*depth[t] + 0.05*rng.NormFloat64()
	}
	rep := Analyze(fakeRecording(unit), []corpora.Feature{feature("if", ifl), feature("depth", depth)}, Options{})
	v := rep.Labels[0].Verdict
	if !strings.Contains(v, "tracks brace depth, not if-blocks") {
		t.Fatalf("verdict %q", v)
	}
}

func TestAParenthesisUnitIsNotCalledAStringUnit(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	const T = 3000
	paren := blocks(T, rng)
	quote := make([]float64, T)
	for t := range quote {
		if paren[t] == 1 && rng.IntN(3) == 0 {
			quote[t] = 1
		}
	}
	unit := make([]float64, T)
	for t := range unit {
		unit[t] = paren[t] + 0.1*rng.NormFloat64()
	}
	rep := Analyze(fakeRecording(unit), []corpora.Feature{feature("quote", quote), feature("paren", paren)}, Options{})
	if v := rep.Labels[0].Verdict; !strings.Contains(v, "tracks parentheses more than strings") {
		t.Fatalf("verdict %q", v)
	}
}

func TestReadoutDecodesAMixtureOfUnits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	const T = 2000
	a, b, c := make([]float64, T), make([]float64, T), make([]float64, T)
	y := make([]float64, T)
	for t := range a {
		a[t], b[t], c[t] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		y[t] = a[t] - 2*b[t] + 0.01*rng.NormFloat64()
	}
	rep := Analyze(fakeRecording(a, b, c), []corpora.Feature{feature("column", y)}, Options{})
	if r := rep.Labels[0].Readout.R; r < 0.99 {
		t.Fatalf("readout r %v, want ≥ 0.99 for a linear mixture", r)
	}
	if best, _ := rep.Labels[0].Best(); best.Unit.Index != 1 {
		t.Fatalf("best unit %v, want h1 (|r| largest)", best.Unit)
	}
}

func TestBaselineSeesVocabulary(t *testing.T) {
	// "inside" is exactly "the last character is x": a 3-character lookup gets AUC 1.
	rng := rand.New(rand.NewPCG(6, 6))
	text := make([]rune, 20000)
	lab := make([]float64, len(text))
	for i := range text {
		text[i] = rune('a' + rng.IntN(5))
		if text[i] == 'c' {
			text[i] = 'x'
		}
		if text[i] == 'x' {
			lab[i] = 1
		}
	}
	b := NewBaseline(text[:15000], []corpora.Feature{feature("quote", lab[:15000])},
		text[15000:], []corpora.Feature{feature("quote", lab[15000:])}, 100)
	if got := b.Score("quote"); got != 1 {
		t.Fatalf("baseline AUC %v, want 1", got)
	}
	if !math.IsNaN(b.Score("depth")) {
		t.Fatal("a label it never saw has a score")
	}
}

// TestSortedOfMatchesAStableSort checks the radix sort, on 32-bit and 64-bit keys,
// against the standard library's stable sort: negatives, ties, tiny and huge
// values.
func TestSortedOfMatchesAStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for trial := range 40 {
		x := make([]float64, 1+rng.IntN(3000))
		for i := range x {
			v := rng.NormFloat64() * math.Pow(10, float64(rng.IntN(12)-6))
			switch rng.IntN(4) {
			case 0:
				v = float64(rng.IntN(5) - 2) // ties
			case 1:
				v = float64(float32(v))
			}
			if trial%2 == 0 {
				v = float64(float32(v)) // every value a float32: the 32-bit path
			}
			x[i] = v
		}
		want := make([]ranked, len(x))
		for i, v := range x {
			want[i] = ranked{v, int32(i)}
		}
		slices.SortStableFunc(want, func(a, b ranked) int { return cmp.Compare(a.v, b.v) })
		if got := sortedOf(x); !slices.Equal(got, want) {
			t.Fatalf("trial %d (%d values): radix order differs from a stable sort", trial, len(x))
		}
	}
}

// TestTopByRIsAStableSortsFirst checks the candidates' selection against its
// definition, a stable sort by |r| descending cut at k, with ties, NaN and
// k beyond the units.
func TestTopByRIsAStableSortsFirst(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for trial := range 20000 {
		n := rng.IntN(40)
		r := make([]float64, n)
		for i := range r {
			r[i] = float64(rng.IntN(7)-3) / 3
			if trial%2 == 0 {
				r[i] = rng.NormFloat64()
			}
			if rng.IntN(10) == 0 {
				r[i] = math.NaN()
			}
		}
		k := rng.IntN(20)
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(absR(r[b]), absR(r[a])) })
		if got, want := topByR(r, k), idx[:min(k, n)]; !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("%v, k=%d: %v, want %v", r, k, got, want)
		}
	}
}
