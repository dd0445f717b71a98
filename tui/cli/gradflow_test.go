package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// quick are flags for a fast gradient measurement.
var quick = []string{"--hidden", "16", "--lags", "30", "--windows", "3"}

func TestGradflowJSONHasOneStableObjectPerCell(t *testing.T) {
	out, errs, code := run(t, "", args([]string{"gradflow", "--json", "--forget-bias", "1", "--layers", "2"}, quick)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want one per cell:\n%s", len(lines), out)
	}
	for i, cell := range []string{"rnn", "lstm", "gru"} {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal([]byte(lines[i]), &fields); err != nil {
			t.Fatalf("not JSON: %q", lines[i])
		}
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if want := []string{"cell", "forget_bias", "lags", "radius", "ratio", "sigma_max", "steps"}; !slices.Equal(keys, want) {
			t.Errorf("fields %v, want %v", keys, want)
		}
		var r gradflowRecord
		if err := json.Unmarshal([]byte(lines[i]), &r); err != nil {
			t.Fatal(err)
		}
		wantFB := 0.0
		if cell == "lstm" {
			wantFB = 1
		}
		switch {
		case r.Cell != cell || r.ForgetBias != wantFB || r.Steps != 0:
			t.Errorf("line %d: cell %q forget_bias %g steps %d, want %q %g 0", i, r.Cell, r.ForgetBias, r.Steps, cell, wantFB)
		case len(r.Lags) != 31 || r.Lags[0] != 0 || r.Lags[30] != 30 || len(r.Ratio) != 31 || r.Ratio[0] != 1:
			t.Errorf("%s: lags %v, ratio %v", cell, r.Lags, r.Ratio)
		case len(r.SigmaMax) != 2 || !(r.SigmaMax[0] > 0):
			t.Errorf("%s: sigma_max %v, want one per layer", cell, r.SigmaMax)
		case (cell == "rnn") != (len(r.Radius) == 2):
			t.Errorf("%s: radius %v, want one per layer for rnn only", cell, r.Radius)
		case cell != "rnn" && string(fields["radius"]) != "null":
			t.Errorf("%s: radius %s, want null", cell, fields["radius"])
		}
		for k, v := range r.Ratio {
			if !(v > 0 && v <= 1e300) {
				t.Errorf("%s: ratio[%d] = %g", cell, k, v)
			}
		}
	}
}

func TestGradflowIsDeterministic(t *testing.T) {
	for _, a := range [][]string{
		args([]string{"gradflow"}, quick),
		args([]string{"gradflow", "--json", "--cells", "gru,rnn"}, quick),
		args([]string{"gradflow", "--json", "--steps", "3", "--seq", "16", "--batch", "4"}, quick),
	} {
		out1, errs, code := run(t, "", a...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", a, code, errs)
		}
		if out2, _, _ := run(t, "", a...); out1 != out2 {
			t.Errorf("%v: the same seed gave different output:\n%s\n%s", a, out1, out2)
		}
		if out3, _, _ := run(t, "", append(a, "--seed", "2")...); out1 == out3 {
			t.Errorf("%v: seeds 1 and 2 gave the same output", a)
		}
	}
}

func TestGradflowTrainsFirst(t *testing.T) {
	out, errs, code := run(t, "", args([]string{"gradflow", "--json", "--cells", "lstm", "--steps", "4", "--seq", "16", "--batch", "4"}, quick)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r gradflowRecord
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Steps != 4 || !strings.Contains(errs, "training the LSTM") {
		t.Errorf("steps %d, stderr %q", r.Steps, errs)
	}
	init, _, _ := run(t, "", args([]string{"gradflow", "--json", "--cells", "lstm"}, quick)...)
	if init == out {
		t.Error("training changed nothing")
	}
}

func TestGradflowReadsStandardInputForEveryCell(t *testing.T) {
	text := strings.Repeat("if (a) {\n\tb = \"c\";\n}\n", 400)
	out, errs, code := run(t, text, args([]string{"gradflow", "--json", "--corpus", "-"}, quick)...)
	if code != 0 || strings.Count(out, "\n") != 3 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestGradflowBadFlags(t *testing.T) {
	small := writeFile(t, t.TempDir(), "small.txt", bytes.Repeat([]byte("if x {\n\ty = 1\n}\n"), 200))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--cells", "lstm,xyz"}, `--cells "lstm,xyz": want a comma-separated list of rnn, lstm, gru`},
		{[]string{"--cells", ""}, `--cells "": want a comma-separated list of rnn, lstm, gru`},
		{[]string{"--cells", "lstm,,gru"}, `--cells "lstm,,gru": want`},
		{[]string{"--cells", "lstm,lstm"}, `--cells "lstm,lstm": lstm is listed twice`},
		{[]string{"--cell", "gru", "--cells", "lstm"}, "--cell gru and --cells lstm: give one"},
		{[]string{"--cell", "gru2"}, `--cell "gru2": want rnn, lstm or gru`},
		{[]string{"--lags", "0"}, "--lags 0: want 1 to 1000"},
		{[]string{"--lags", "1001"}, "--lags 1001: want 1 to 1000"},
		{[]string{"--lags", "many"}, `--lags "many": want a whole number`},
		{[]string{"--windows", "0"}, "--windows 0: want 1 to 256"},
		{[]string{"--hidden", "0"}, "--hidden 0: want 1 to 4096"},
		{[]string{"--forget-bias", "99"}, "--forget-bias 99: want a number from -20 to 20"},
		{[]string{"--steps", "-1"}, "--steps -1: want 0"},
		{[]string{"--lr", "-1"}, "--lr -1: want a number above 0"},
		{[]string{"--corpus", small}, "held-out characters, and --lags 100 needs 201"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errs, code := run(t, "", append([]string{"gradflow"}, tc.args...)...)
			if code != ExitUsage {
				t.Errorf("exit status %d, want %d (stderr %q)", code, ExitUsage, errs)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			lines := strings.Split(strings.TrimRight(errs, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(errs, "rnnscope: ") || !strings.Contains(errs, tc.want) {
				t.Errorf("stderr %q, want one line starting rnnscope: and containing %q", errs, tc.want)
			}
		})
	}
}

func TestGradflowPlotFitsIn80Columns(t *testing.T) {
	for _, extra := range [][]string{
		{"--lags", "100"},
		{"--lags", "1"},
		{"--lags", "7", "--cells", "lstm"},
		{"--lags", "73"},
		{"--lags", "1000", "--windows", "2", "--hidden", "8"},
		{"--layers", "3", "--forget-bias", "1.5", "--steps", "2", "--seq", "8", "--batch", "2"},
	} {
		a := append(args([]string{"gradflow"}, quick), extra...)
		t.Run(strings.Join(extra, " "), func(t *testing.T) {
			out, errs, code := run(t, "", a...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			for _, l := range strings.Split(out, "\n") {
				if w := ansi.StringWidth(l); w > plotWidth {
					t.Errorf("%d columns: %q", w, l)
				}
			}
			for _, want := range []string{"┤", "└┬", "lag k", "At lag ", "σ_max(W_hh)"} {
				if !strings.Contains(out, want) {
					t.Errorf("no %q in\n%s", want, out)
				}
			}
			if !strings.Contains(out, "L LSTM") {
				t.Errorf("no legend in\n%s", out)
			}
		})
	}
}

// TestGradflowPlotShape draws known curves, r falling a decade a lag and L half a
// decade, and finds every glyph on the row of its decade and the column of its lag.
func TestGradflowPlotShape(t *testing.T) {
	const K = 10
	r, l := make([]float64, K+1), make([]float64, K+1)
	for k := range K + 1 {
		r[k], l[k] = math.Pow(10, -float64(k)), math.Pow(10, -float64(k)/2)
	}
	lines, overlap := plotRatios([]curve{{'r', r}, {'L', l}}, 80)
	plot := strings.Join(lines, "\n")
	if len(lines) != K+1+2 || !overlap {
		t.Fatalf("%d lines (want a row per decade and two for the axis), overlap %v:\n%s", len(lines), overlap, plot)
	}
	const lw, m = len("1e-10"), 6 // label width; columns per lag (72 columns for 10 lags, at most 6)
	at := func(row, k int) rune {
		line := []rune(lines[row])
		if c := lw + 1 + k*m; c < len(line) {
			return line[c]
		}
		return ' '
	}
	if at(0, 0) != '*' {
		t.Errorf("lag 0, where both are 1: %q, want *\n%s", at(0, 0), plot)
	}
	for k := 1; k <= K; k++ {
		if g := at(k, k); g != 'r' {
			t.Errorf("r at lag %d: row 1e-%d has %q\n%s", k, k, g, plot)
		}
		if k%2 == 0 {
			if g := at(k/2, k); g != 'L' {
				t.Errorf("L at lag %d: row 1e-%d has %q\n%s", k, k/2, g, plot)
			}
		}
	}
	if !strings.HasPrefix(lines[0], "    1┤") || !strings.HasPrefix(lines[K], "1e-10┤") ||
		!strings.HasPrefix(lines[K+1], "     └┬─────┬") || !strings.Contains(lines[K+2], "10   lag k") {
		t.Errorf("axes:\n%s", plot)
	}
}

// TestGradflowHelpExamplesRun runs each example of `rnnscope gradflow --help` as
// written (the output redirection aside).
func TestGradflowHelpExamplesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("hidden 128 and training")
	}
	cmd := newGradflowCmd(IO{})
	for _, ex := range strings.Split(strings.TrimSpace(cmd.Example), "\n") {
		fields := strings.Fields(ex)
		if fields[0] != "rnnscope" {
			t.Fatalf("example %q does not start with rnnscope", ex)
		}
		a := fields[1:]
		if i := slices.Index(a, ">"); i >= 0 {
			a = a[:i]
		}
		out, errs, code := run(t, "", a...)
		if code != 0 || out == "" {
			t.Errorf("%s: exit %d, %d bytes out; stderr %q", ex, code, len(out), errs)
		}
	}
}
