package lessons

import (
	"math"

	"github.com/rnnscope/rnnscope/probe"
)

// unitFact is what rnnscope's probe says about one label on one embedded model,
// over the model's own held-out window (probe.NewWindow of the corpus's held-out
// text for the model's seed, 200 + 5,000 characters) with the 3-character
// baseline estimated on 200,000 training characters, exactly as `rnnscope probe
// --load` computes it. A full probe takes about a second, too long for a frame,
// so the lessons show these stored results at once; TestPretrainedFacts re-runs
// the probe on every embedded model and fails, printing the new table, if any of
// them differs. So the screen never says more than rnnscope would.
type unitFact struct {
	Model, Label string
	Unit         probe.Unit
	Verdict      string // probe's own words
	Kind         string // which of probe's verdicts it is (see verdictKind)
	R, AUC       float64
	SignAcc      float64
	SignBal      float64
	SignPos      bool
	Higher       bool
	ThrAcc       float64
	Threshold    float64
	BaseRate     float64
	Baseline     float64 // the 3-character lookup's AUC (binary) or r
	Other        float64 // depth-not-if: r with depth; paren: r with paren
	PartialIf    float64
	Readout      float64 // all units together: r
}

// verdictKind classifies a verdict the way probe.verdict decides it, so that the
// Korean screen can say the same thing in its own words.
func verdictKind(lr *probe.LabelReport, best probe.UnitScore, byName map[string]int) (kind string, other float64) {
	if !lr.Binary {
		if math.Abs(best.R) < probe.TracksR {
			return "none", math.NaN()
		}
		if best.R < 0 {
			return "falls", math.NaN()
		}
		return "rises", math.NaN()
	}
	if best.AUC < probe.TracksAUC {
		return "none", math.NaN()
	}
	if lr.Name == "if" && !math.IsNaN(best.PartialIf) {
		if d, ok := byName["depth"]; ok && math.Abs(best.PartialIf) < 0.3 && math.Abs(best.Others[d]) > math.Abs(best.R) {
			return "depth-not-if", best.Others[d]
		}
	}
	if lr.Name == "quote" && !math.IsNaN(best.ParenAUC) && best.ParenAUC < probe.TracksAUC {
		if p, ok := byName["paren"]; ok && math.Abs(best.Others[p]) > math.Abs(best.R) {
			return "paren-not-string", best.Others[p]
		}
	}
	if best.SignAcc >= probe.FlipSignAcc && best.SignBal >= probe.FlipBalanced {
		return "flip", math.NaN()
	}
	if best.Higher {
		return "higher", math.NaN()
	}
	return "lower", math.NaN()
}
