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

// verdict describes a label's best unit in plain words, claiming no more than the
// numbers support.
func verdict(rep *Report, lr *LabelReport, byName map[string]int) string {
	best, ok := lr.Best()
	if !ok || math.IsNaN(best.R) {
		return fmt.Sprintf("%s: not measurable on this window", lr.Name)
	}
	name := best.Unit.Name(rep.Layers)
	readout := ""
	if !math.IsNaN(lr.Readout.R) {
		readout = fmt.Sprintf("; all units together: r %.2f", lr.Readout.R)
	}
	if !lr.Binary {
		if math.Abs(best.R) < TracksR {
			return fmt.Sprintf("no single unit tracks %s yet (best %s: |r| %.2f)%s", what(lr.Name), name, math.Abs(best.R), readout)
		}
		dir := "rises"
		if best.R < 0 {
			dir = "falls"
		}
		return fmt.Sprintf("%s tracks %s: it %s as %s grows (r %.2f)", name, what(lr.Name), dir, what(lr.Name), best.R)
	}
	// Binary labels.
	if best.AUC < TracksAUC {
		return fmt.Sprintf("no single unit tracks %s yet (best %s: AUC %.2f)%s", lr.Name, name, best.AUC, readout)
	}
	// A depth unit is not an if unit.
	if lr.Name == "if" && !math.IsNaN(best.PartialIf) {
		if d, ok := byName["depth"]; ok && math.Abs(best.PartialIf) < 0.3 && math.Abs(best.Others[d]) > math.Abs(best.R) {
			return fmt.Sprintf("%s tracks brace depth, not if-blocks (r with depth %.2f; with if, depth held fixed: %.2f)",
				name, best.Others[d], best.PartialIf)
		}
	}
	// A parenthesis unit is not a string unit.
	if lr.Name == "quote" && !math.IsNaN(best.ParenAUC) && best.ParenAUC < TracksAUC {
		if p, ok := byName["paren"]; ok && math.Abs(best.Others[p]) > math.Abs(best.R) {
			return fmt.Sprintf("%s tracks parentheses more than strings (r with paren %.2f; AUC among characters inside parentheses %.2f)",
				name, best.Others[p], best.ParenAUC)
		}
	}
	var s string
	if best.SignAcc >= FlipSignAcc && best.SignBal >= FlipBalanced {
		sign := "positive"
		if !best.SignPos {
			sign = "negative"
		}
		s = fmt.Sprintf("%s flips sign %s: %s inside, right on %s of characters (balanced %s, baseline %s)",
			name, where(lr.Name), sign, pct(best.SignAcc), pct(best.SignBal), pct(lr.BaseRate))
	} else {
		dir := "higher"
		if !best.Higher {
			dir = "lower"
		}
		s = fmt.Sprintf("%s is %s %s: right on %s of characters vs %s baseline (threshold %.2f; its sign alone: %s)",
			name, dir, where(lr.Name), pct(best.ThrAcc), pct(lr.BaseRate), best.Threshold, pct(best.SignAcc))
	}
	if !math.IsNaN(lr.Baseline) && best.AUC <= lr.Baseline+0.02 {
		s += fmt.Sprintf("; but a lookup of the last 3 characters does as well (AUC %.2f)", lr.Baseline)
	}
	return s
}
