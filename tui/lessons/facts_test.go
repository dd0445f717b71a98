package lessons

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/rnnscope/rnnscope/probe"
)

// factsOf turns a probe report into the facts the lessons state.
func factsOf(model string, rep *probe.Report) []unitFact {
	byName := map[string]int{}
	for i, l := range rep.Labels {
		byName[l.Name] = i
	}
	var out []unitFact
	for i := range rep.Labels {
		lr := &rep.Labels[i]
		if lr.Name == "paren" {
			continue
		}
		best, ok := lr.Best()
		if !ok {
			continue
		}
		kind, other := verdictKind(lr, best, byName)
		out = append(out, unitFact{Model: model, Label: lr.Name, Unit: best.Unit, Verdict: lr.Verdict, Kind: kind,
			R: best.R, AUC: best.AUC, SignAcc: best.SignAcc, SignBal: best.SignBal, SignPos: best.SignPos,
			Higher: best.Higher, ThrAcc: best.ThrAcc, Threshold: best.Threshold, BaseRate: lr.BaseRate,
			Baseline: lr.Baseline, Other: other, PartialIf: best.PartialIf, Readout: lr.Readout.R})
	}
	return out
}

func goFloat(v float64) string {
	if math.IsNaN(v) {
		return "math.NaN()"
	}
	return fmt.Sprintf("%.4f", v)
}

func goLiteral(fs []unitFact) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\t\t{Model: %q, Label: %q, Unit: probe.Unit{Layer: %d, Cell: %v, Index: %d},\n", f.Model, f.Label, f.Unit.Layer, f.Unit.Cell, f.Unit.Index)
		fmt.Fprintf(&b, "\t\t\tVerdict: %q,\n", f.Verdict)
		fmt.Fprintf(&b, "\t\t\tKind: %q, R: %s, AUC: %s, SignAcc: %s, SignBal: %s, SignPos: %v, Higher: %v,\n", f.Kind, goFloat(f.R), goFloat(f.AUC), goFloat(f.SignAcc), goFloat(f.SignBal), f.SignPos, f.Higher)
		fmt.Fprintf(&b, "\t\t\tThrAcc: %s, Threshold: %s, BaseRate: %s, Baseline: %s, Other: %s, PartialIf: %s, Readout: %s},\n",
			goFloat(f.ThrAcc), goFloat(f.Threshold), goFloat(f.BaseRate), goFloat(f.Baseline), goFloat(f.Other), goFloat(f.PartialIf), goFloat(f.Readout))
	}
	return b.String()
}

func close4(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 6e-5
}

// TestPretrainedFacts re-runs rnnscope's probe on every embedded model and checks
// that the lessons state exactly what it finds.
func TestPretrainedFacts(t *testing.T) {
	if testing.Short() {
		t.Skip("probing the embedded models takes a few seconds")
	}
	var got []unitFact
	for _, file := range []string{modelQuotes, modelCode} {
		m := mustPretrained(file)
		rep, _, err := fullProbe(m)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, factsOf(file, rep)...)
	}
	want := pretrainedFacts()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		g, w := got[i], want[i]
		ok = g.Model == w.Model && g.Label == w.Label && g.Unit == w.Unit && g.Verdict == w.Verdict && g.Kind == w.Kind &&
			g.SignPos == w.SignPos && g.Higher == w.Higher && close4(g.R, w.R) && close4(g.AUC, w.AUC) &&
			close4(g.SignAcc, w.SignAcc) && close4(g.SignBal, w.SignBal) && close4(g.ThrAcc, w.ThrAcc) &&
			close4(g.Threshold, w.Threshold) && close4(g.BaseRate, w.BaseRate) && close4(g.Baseline, w.Baseline) &&
			close4(g.Other, w.Other) && close4(g.PartialIf, w.PartialIf) && close4(g.Readout, w.Readout)
	}
	if !ok && os.Getenv("LESSONS_WRITE_FACTS") != "" {
		src := "package lessons\n\nimport (\n\t\"math\"\n\n\t\"github.com/rnnscope/rnnscope/probe\"\n)\n\n" +
			"// pretrainedFacts is what rnnscope's probe finds on the embedded models, checked\n" +
			"// by TestPretrainedFacts (LESSONS_WRITE_FACTS=1 go test -run TestPretrainedFacts rewrites it).\n" +
			"func pretrainedFacts() []unitFact {\n\t_ = math.NaN\n\treturn []unitFact{\n" + goLiteral(got) + "\t}\n}\n"
		if err := os.WriteFile("unitfacts_table.go", []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Log("wrote unitfacts_table.go")
		return
	}
	if !ok {
		t.Fatalf("the probe now finds something else on the embedded models; if that is expected, put this in pretrainedFacts (unitfacts_table.go):\n%s", goLiteral(got))
	}
}
