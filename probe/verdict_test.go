package probe

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rnnscope/rnnscope/corpora"
)

// TestClaimsReadAsVerdicts writes one claim of every kind in English: the
// sentences LabelReport.Verdict holds.
func TestClaimsReadAsVerdicts(t *testing.T) {
	nan := math.NaN()
	base := Claim{Label: "quote", Binary: true, Unit: Unit{Index: 17, Cell: true}, Name: "c17", Score: nan,
		Readout: nan, R: nan, SignAcc: nan, SignBal: nan, BaseRate: nan, ThrAcc: nan, Threshold: nan,
		Other: nan, Within: nan, Lookup: nan}
	with := func(f func(*Claim)) Claim { c := base; f(&c); return c }
	for _, c := range []struct {
		claim Claim
		want  string
	}{
		{with(func(c *Claim) { c.Kind, c.Name = ClaimUnmeasurable, "" }), "quote: not measurable on this window"},
		{with(func(c *Claim) { c.Kind, c.Score, c.Readout = ClaimNone, 0.61, 0.7 }),
			"no single unit tracks quote yet (best c17: AUC 0.61); all units together: r 0.70"},
		{with(func(c *Claim) { c.Kind, c.Label, c.Binary, c.Score = ClaimNone, "depth", false, 0.31 }),
			"no single unit tracks brace depth yet (best c17: |r| 0.31)"},
		{with(func(c *Claim) { c.Kind, c.Label, c.Binary, c.R, c.Positive = ClaimTracks, "indent", false, 0.82, true }),
			"c17 tracks indentation: it rises as indentation grows (r 0.82)"},
		{with(func(c *Claim) { c.Kind, c.Label, c.Binary, c.R = ClaimTracks, "column", false, -0.66 }),
			"c17 tracks the column: it falls as the column grows (r -0.66)"},
		{with(func(c *Claim) {
			c.Kind, c.Positive, c.SignAcc, c.SignBal, c.BaseRate = ClaimFlipsSign, true, 0.93, 0.9, 0.8
		}), "c17 flips sign inside quotes: positive inside, right on 93% of characters (balanced 90%, baseline 80%)"},
		{with(func(c *Claim) {
			c.Kind, c.Label, c.SignAcc, c.SignBal, c.BaseRate, c.LookupAsGood, c.Lookup = ClaimFlipsSign, "comment", 0.95, 0.91, 0.9, true, 0.99
		}), "c17 flips sign inside comments: negative inside, right on 95% of characters (balanced 91%, baseline 90%); " +
			"but a lookup of the last 3 characters does as well (AUC 0.99)"},
		{with(func(c *Claim) {
			c.Kind, c.ThrAcc, c.BaseRate, c.Threshold, c.SignAcc = ClaimHigher, 0.88, 0.8, 0.42, 0.55
		}), "c17 is higher inside quotes: right on 88% of characters vs 80% baseline (threshold 0.42; its sign alone: 55%)"},
		{with(func(c *Claim) {
			c.Kind, c.Label, c.ThrAcc, c.BaseRate, c.Threshold, c.SignAcc = ClaimLower, "if", 0.7, 0.6, -0.1, 0.5
		}), "c17 is lower inside if-blocks: right on 70% of characters vs 60% baseline (threshold -0.10; its sign alone: 50%)"},
		{with(func(c *Claim) { c.Kind, c.Label, c.Other, c.Within = ClaimDepthNotIf, "if", 0.71, 0.05 }),
			"c17 tracks brace depth, not if-blocks (r with depth 0.71; with if, depth held fixed: 0.05)"},
		{with(func(c *Claim) { c.Kind, c.Other, c.Within = ClaimParensNotStrings, 0.8, 0.52 }),
			"c17 tracks parentheses more than strings (r with paren 0.80; AUC among characters inside parentheses 0.52)"},
	} {
		if got := c.claim.String(); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.claim.Kind, got, c.want)
		}
	}
}

// TestAnalyzeStatesItsClaim checks that the report's claim is what its verdict
// says, with the unit and the numbers behind it.
func TestAnalyzeStatesItsClaim(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const T = 2000
	y := blocks(T, rng)
	flip, shift, noise := make([]float64, T), make([]float64, T), make([]float64, T)
	for i, v := range y {
		flip[i] = 0.5 - v // negative inside
		shift[i] = 1 + v
		noise[i] = rng.NormFloat64()
	}
	depth := make([]float64, T)
	for i := range depth {
		depth[i] = float64(i % 7)
	}
	for _, c := range []struct {
		name   string
		series [][]float64
		kind   ClaimKind
		unit   int
	}{
		{"a unit whose sign is the label", [][]float64{noise, shift, flip}, ClaimFlipsSign, 2},
		{"a unit that only shifts", [][]float64{noise, shift}, ClaimHigher, 1},
		{"noise alone", [][]float64{noise}, ClaimNone, 0},
	} {
		rep := Analyze(fakeRecording(c.series...), []corpora.Feature{feature("quote", y), feature("depth", depth)}, Options{})
		lr := rep.Labels[0]
		cl := lr.Claim
		if cl.Kind != c.kind || cl.Unit.Index != c.unit || cl.Label != "quote" || !cl.Binary {
			t.Errorf("%s: claim %+v, want %s about h%d", c.name, cl, c.kind, c.unit)
		}
		if lr.Verdict != cl.String() {
			t.Errorf("%s: verdict %q is not its claim %q", c.name, lr.Verdict, cl.String())
		}
		if c.kind == ClaimFlipsSign && (cl.Positive || cl.SignAcc != 1 || cl.BaseRate != lr.BaseRate) {
			t.Errorf("%s: %+v, want negative inside, right on every character", c.name, cl)
		}
		if d := rep.Labels[1].Claim; d.Binary || d.Label != "depth" || d.Kind == "" {
			t.Errorf("%s: the depth claim %+v", c.name, d)
		}
	}
}
