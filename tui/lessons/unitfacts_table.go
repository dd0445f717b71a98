package lessons

import (
	"math"

	"github.com/rnnscope/rnnscope/probe"
)

// pretrainedFacts is what rnnscope's probe finds on the embedded models, checked
// by TestPretrainedFacts (LESSONS_WRITE_FACTS=1 go test -run TestPretrainedFacts rewrites it).
func pretrainedFacts() []unitFact {
	_ = math.NaN
	return []unitFact{
		{Model: "models/quotes-lstm128.safetensors", Label: "quote", Unit: probe.Unit{Layer: 0, Cell: true, Index: 113},
			Verdict: "c113 is higher inside quotes: right on 95% of characters vs 62% baseline (threshold 2.59; its sign alone: 65%)",
			Kind:    "higher", R: 0.8420, AUC: 0.9873, SignAcc: 0.6546, SignBal: 0.7232, SignPos: true, Higher: true,
			ThrAcc: 0.9526, Threshold: 2.5855, BaseRate: 0.6240, Baseline: 0.9430, Other: math.NaN(), PartialIf: math.NaN(), Readout: 0.9558},
		{Model: "models/code-lstm128.safetensors", Label: "quote", Unit: probe.Unit{Layer: 0, Cell: true, Index: 18},
			Verdict: "c18 flips sign inside quotes: positive inside, right on 91% of characters (balanced 93%, baseline 85%); but a lookup of the last 3 characters does as well (AUC 0.95)",
			Kind:    "flip", R: 0.5236, AUC: 0.9352, SignAcc: 0.9052, SignBal: 0.9253, SignPos: true, Higher: true,
			ThrAcc: 0.9068, Threshold: 0.0135, BaseRate: 0.8532, Baseline: 0.9465, Other: math.NaN(), PartialIf: math.NaN(), Readout: 0.9025},
		{Model: "models/code-lstm128.safetensors", Label: "if", Unit: probe.Unit{Layer: 0, Cell: true, Index: 70},
			Verdict: "c70 tracks brace depth, not if-blocks (r with depth 0.90; with if, depth held fixed: 0.13)",
			Kind:    "depth-not-if", R: 0.7402, AUC: 0.9476, SignAcc: 0.7976, SignBal: 0.8099, SignPos: true, Higher: true,
			ThrAcc: 0.9142, Threshold: -1.3915, BaseRate: 0.5548, Baseline: 0.6884, Other: 0.8971, PartialIf: 0.1298, Readout: 0.7556},
		{Model: "models/code-lstm128.safetensors", Label: "depth", Unit: probe.Unit{Layer: 0, Cell: true, Index: 70},
			Verdict: "c70 tracks brace depth: it rises as brace depth grows (r 0.90)",
			Kind:    "rises", R: 0.8971, AUC: math.NaN(), SignAcc: math.NaN(), SignBal: math.NaN(), SignPos: false, Higher: false,
			ThrAcc: math.NaN(), Threshold: math.NaN(), BaseRate: 0.0000, Baseline: 0.5087, Other: math.NaN(), PartialIf: math.NaN(), Readout: 0.9566},
	}
}
