package probe

import (
	"fmt"
	"math"
)

// Thresholds of the verdicts. rnnscope says "flips sign" only when the sign of the
// unit alone is right on 90% of characters and balanced between inside and outside;
// otherwise it says what is true.
const (
	FlipSignAcc  = 0.9
	FlipBalanced = 0.85
	TracksAUC    = 0.75 // below this no single unit "tracks" a binary label
	TracksR      = 0.5  // below this no single unit "tracks" a numeric label
)

// Phrase names a label in a few words for headings and legends: "inside quotes",
// "brace depth".
func Phrase(label string) string {
	switch label {
	case "depth", "column", "indent":
		return what(label)
	}
	return where(label)
}

// where says, in words, where a binary label is 1.
func where(label string) string {
	switch label {
	case "quote":
		return "inside quotes"
	case "if":
		return "inside if-blocks"
	case "if@depth2":
		return "inside if-blocks at depth 2"
	case "paren":
		return "inside parentheses"
	case "comment":
		return "inside comments"
	}
	return "where " + label + " holds"
}

// what names a numeric label.
func what(label string) string {
	switch label {
	case "depth":
		return "brace depth"
	case "column":
		return "the column"
	case "indent":
		return "indentation"
	}
	return label
}

func pct(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) }

// ClaimKind is what a verdict says about a label's best unit.
type ClaimKind string

// The kinds of claim, from saying nothing to the literal sign flip.
const (
	// ClaimUnmeasurable: the label has no best unit with a defined r on this
	// window (it never varies there).
	ClaimUnmeasurable ClaimKind = "unmeasurable"
	// ClaimNone: no single unit tracks the label yet; Score is the best one's AUC
	// (binary) or |r| (numeric), below TracksAUC or TracksR.
	ClaimNone ClaimKind = "none"
	// ClaimTracks: a numeric label's unit rises (R > 0) or falls with it.
	ClaimTracks ClaimKind = "tracks-numeric"
	// ClaimFlipsSign: the unit's sign alone says inside or outside, on SignAcc of
	// characters; Positive says which sign is inside.
	ClaimFlipsSign ClaimKind = "flips-sign"
	// ClaimHigher and ClaimLower: the unit separates inside from outside at a
	// threshold, but its sign alone does not.
	ClaimHigher ClaimKind = "higher"
	ClaimLower  ClaimKind = "lower"
	// ClaimDepthNotIf: the best "if" unit follows brace depth; Other is its r
	// with depth, Within its partial r with if holding depth fixed.
	ClaimDepthNotIf ClaimKind = "depth-not-if"
	// ClaimParensNotStrings: the best "quote" unit follows parentheses; Other is
	// its r with paren, Within its AUC among characters inside parentheses.
	ClaimParensNotStrings ClaimKind = "parens-not-strings"
)

// Claim is a verdict as data: what rnnscope claims about a label's best unit and
// the numbers behind it, so that a UI can say it in any language. Numbers that
// are not part of a claim are NaN. String gives the English sentence that
// LabelReport.Verdict holds.
type Claim struct {
	Kind   ClaimKind
	Label  string // the label's name: quote, if, depth, …
	Binary bool
	Unit   Unit   // the best unit (none for ClaimUnmeasurable)
	Name   string // its name as the report writes it: c17, "L2 h5"
	// Score is the best unit's headline score for ClaimNone: AUC (binary) or |r|.
	Score float64
	// Readout is the r of all units together (ClaimNone; NaN when unknown).
	Readout float64
	// R is the unit's r with the label (ClaimTracks).
	R float64
	// Positive: for ClaimFlipsSign the unit is positive inside; for ClaimTracks
	// it rises as the label grows.
	Positive bool
	// SignAcc and SignBal are the accuracy and balanced accuracy of the unit's
	// sign alone; BaseRate the accuracy of always guessing the majority.
	SignAcc, SignBal, BaseRate float64
	// ThrAcc is the accuracy at Threshold (ClaimHigher, ClaimLower).
	ThrAcc, Threshold float64
	// Other and Within: see ClaimDepthNotIf and ClaimParensNotStrings.
	Other, Within float64
	// LookupAsGood: a lookup of the last 3 characters separates the label as
	// well (its AUC is Lookup), so the unit may only be recognising characters.
	// It qualifies ClaimFlipsSign, ClaimHigher and ClaimLower.
	LookupAsGood bool
	Lookup       float64
}

// claim describes a label's best unit, claiming no more than the numbers support.
func claim(rep *Report, lr *LabelReport, byName map[string]int) Claim {
	nan := math.NaN()
	c := Claim{Label: lr.Name, Binary: lr.Binary, Score: nan, Readout: nan, R: nan, SignAcc: nan, SignBal: nan,
		BaseRate: nan, ThrAcc: nan, Threshold: nan, Other: nan, Within: nan, Lookup: nan}
	best, ok := lr.Best()
	if !ok || math.IsNaN(best.R) {
		c.Kind = ClaimUnmeasurable
		return c
	}
	c.Unit, c.Name = best.Unit, best.Unit.Name(rep.Layers)
	if !math.IsNaN(lr.Readout.R) {
		c.Readout = lr.Readout.R
	}
	if !lr.Binary {
		if math.Abs(best.R) < TracksR {
			c.Kind, c.Score = ClaimNone, math.Abs(best.R)
			return c
		}
		c.Kind, c.R, c.Positive = ClaimTracks, best.R, best.R >= 0
		return c
	}
	// Binary labels.
	if best.AUC < TracksAUC {
		c.Kind, c.Score = ClaimNone, best.AUC
		return c
	}
	// A depth unit is not an if unit.
	if lr.Name == "if" && !math.IsNaN(best.PartialIf) {
		if d, ok := byName["depth"]; ok && math.Abs(best.PartialIf) < 0.3 && math.Abs(best.Others[d]) > math.Abs(best.R) {
			c.Kind, c.Other, c.Within = ClaimDepthNotIf, best.Others[d], best.PartialIf
			return c
		}
	}
	// A parenthesis unit is not a string unit.
	if lr.Name == "quote" && !math.IsNaN(best.ParenAUC) && best.ParenAUC < TracksAUC {
		if p, ok := byName["paren"]; ok && math.Abs(best.Others[p]) > math.Abs(best.R) {
			c.Kind, c.Other, c.Within = ClaimParensNotStrings, best.Others[p], best.ParenAUC
			return c
		}
	}
	c.SignAcc, c.BaseRate = best.SignAcc, lr.BaseRate
	if best.SignAcc >= FlipSignAcc && best.SignBal >= FlipBalanced {
		c.Kind, c.Positive, c.SignBal = ClaimFlipsSign, best.SignPos, best.SignBal
	} else {
		c.Kind, c.ThrAcc, c.Threshold = ClaimHigher, best.ThrAcc, best.Threshold
		if !best.Higher {
			c.Kind = ClaimLower
		}
	}
	if !math.IsNaN(lr.Baseline) && best.AUC <= lr.Baseline+0.02 {
		c.LookupAsGood, c.Lookup = true, lr.Baseline
	}
	return c
}

// String is the claim in plain English: LabelReport.Verdict.
func (c Claim) String() string {
	readout := ""
	if !math.IsNaN(c.Readout) {
		readout = fmt.Sprintf("; all units together: r %.2f", c.Readout)
	}
	var s string
	switch c.Kind {
	case ClaimUnmeasurable:
		return fmt.Sprintf("%s: not measurable on this window", c.Label)
	case ClaimNone:
		if !c.Binary {
			return fmt.Sprintf("no single unit tracks %s yet (best %s: |r| %.2f)%s", what(c.Label), c.Name, c.Score, readout)
		}
		return fmt.Sprintf("no single unit tracks %s yet (best %s: AUC %.2f)%s", c.Label, c.Name, c.Score, readout)
	case ClaimTracks:
		dir := "rises"
		if !c.Positive {
			dir = "falls"
		}
		return fmt.Sprintf("%s tracks %s: it %s as %s grows (r %.2f)", c.Name, what(c.Label), dir, what(c.Label), c.R)
	case ClaimDepthNotIf:
		return fmt.Sprintf("%s tracks brace depth, not if-blocks (r with depth %.2f; with if, depth held fixed: %.2f)",
			c.Name, c.Other, c.Within)
	case ClaimParensNotStrings:
		return fmt.Sprintf("%s tracks parentheses more than strings (r with paren %.2f; AUC among characters inside parentheses %.2f)",
			c.Name, c.Other, c.Within)
	case ClaimFlipsSign:
		sign := "positive"
		if !c.Positive {
			sign = "negative"
		}
		s = fmt.Sprintf("%s flips sign %s: %s inside, right on %s of characters (balanced %s, baseline %s)",
			c.Name, where(c.Label), sign, pct(c.SignAcc), pct(c.SignBal), pct(c.BaseRate))
	case ClaimHigher, ClaimLower:
		dir := "higher"
		if c.Kind == ClaimLower {
			dir = "lower"
		}
		s = fmt.Sprintf("%s is %s %s: right on %s of characters vs %s baseline (threshold %.2f; its sign alone: %s)",
			c.Name, dir, where(c.Label), pct(c.ThrAcc), pct(c.BaseRate), c.Threshold, pct(c.SignAcc))
	default:
		return ""
	}
	if c.LookupAsGood {
		s += fmt.Sprintf("; but a lookup of the last 3 characters does as well (AUC %.2f)", c.Lookup)
	}
	return s
}
