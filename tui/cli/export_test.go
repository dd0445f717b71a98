package cli

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/rnnscope/rnnscope/tui/export"
)

// quickExport are flags for a fast export: a tiny network, a short window, a
// short gradient measurement.
var quickExport = []string{"--hidden", "16", "--seq", "16", "--batch", "4", "--window", "300", "--lags", "20", "--windows", "2"}

// exportFiles runs export into a new folder and returns it with stdout.
func exportFiles(t *testing.T, a ...string) (dir, stdout string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "figs") // created by export
	out, errs, code := run(t, "", append(append([]string{"export", "--out", dir}, quickExport...), a...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	return dir, out
}

// windowText reads the scored characters back from states.csv.
func windowText(t *testing.T, csvPath string) []rune {
	t.Helper()
	data, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	var text []rune
	for _, row := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")[1:] {
		_, rest, _ := strings.Cut(row, ",")
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			t.Fatalf("row %q: %v", row, err)
		}
		s, _ := strconv.Unquote(q)
		text = append(text, []rune(s)...)
	}
	return text
}

// spanText is the text of the spans of <pre id="text">, in order.
func spanText(t *testing.T, page []byte) string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node, in bool)
	walk = func(n *html.Node, in bool) {
		if n.Type == html.ElementNode && n.Data == "pre" {
			for _, a := range n.Attr {
				in = in || (a.Key == "id" && a.Val == "text")
			}
		}
		if in && n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, in)
		}
	}
	walk(doc, false)
	return b.String()
}

func TestExportWritesEveryFile(t *testing.T) {
	a := []string{"--steps", "20", "--every", "5"}
	figures := []string{"loss.png", "gradflow.png", "trace.png", "gates.png", "emergence.png"}
	if testing.Short() { // a 1920×1080 figure takes seconds under -race: draw one
		a = append(a, "--what", "trace,html,csv,jsonl")
		figures = []string{"trace.png"}
	}
	dir, out := exportFiles(t, a...)
	var want []string
	for _, it := range exportItems() {
		if p := filepath.Join(dir, it.file); !testing.Short() || !strings.HasSuffix(p, ".png") || it.name == "trace" {
			want = append(want, p)
		}
	}
	if got := strings.Split(strings.TrimSpace(out), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("stdout:\n%s\nwant the paths:\n%s", out, strings.Join(want, "\n"))
	}
	w, h := export.Pixels()
	for _, name := range figures {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
			t.Errorf("%s: %v, want %d×%d", name, b, w, h)
		}
		colours := map[uint32]bool{}
		for y := 0; y < h; y += 3 {
			for x := 0; x < w; x += 3 {
				r, g, b, _ := img.At(x, y).RGBA()
				colours[r>>8<<16|g>>8<<8|b>>8] = true
			}
		}
		if len(colours) < 100 {
			t.Errorf("%s: %d distinct colours: blank?", name, len(colours))
		}
	}

	text := windowText(t, filepath.Join(dir, "states.csv"))
	if len(text) != 300 {
		t.Fatalf("states.csv holds %d characters, want 300", len(text))
	}
	page, err := os.ReadFile(filepath.Join(dir, "units.html"))
	if err != nil {
		t.Fatal(err)
	}
	if got := spanText(t, page); got != string(text) {
		t.Fatalf("units.html text differs from the window:\n%q\n%q", got, string(text))
	}
	if strings.ContainsRune(string(text), '<') && !strings.Contains(string(page), ">&lt;</span>") {
		t.Error("the window's < is not escaped")
	}
	if !strings.Contains(string(page), `<script type="application/json" id="data">{"unit":"`) {
		t.Error("units.html lacks its JSON data")
	}

	csv, _ := os.ReadFile(filepath.Join(dir, "states.csv"))
	rows := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(rows) != 301 || !strings.HasPrefix(rows[0], "t,char,quote,if,depth") || !strings.HasSuffix(rows[0], ",c15") {
		t.Errorf("states.csv: %d rows, header %q", len(rows), rows[0])
	}
	jsonl, _ := os.ReadFile(filepath.Join(dir, "states.jsonl"))
	lines := strings.Split(strings.TrimSpace(string(jsonl)), "\n")
	var first map[string]json.RawMessage
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || len(lines) != 300 {
		t.Fatalf("states.jsonl: %d lines, first %q (%v)", len(lines), lines[0], err)
	}
	for _, k := range []string{"t", "char", "labels", "units"} {
		if _, ok := first[k]; !ok {
			t.Errorf("states.jsonl lacks %q", k)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestExportIsDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("two training runs")
	}
	a := []string{"--steps", "20", "--what", "csv,trace,html,gradflow,emergence", "--cell", "gru"}
	d1, _ := exportFiles(t, a...)
	d2, _ := exportFiles(t, a...)
	d3, _ := exportFiles(t, append(a, "--seed", "2")...)
	for _, name := range []string{"states.csv", "trace.png", "units.html", "gradflow.png", "emergence.png"} {
		b1, _ := os.ReadFile(filepath.Join(d1, name))
		b2, _ := os.ReadFile(filepath.Join(d2, name))
		if len(b1) == 0 || !bytes.Equal(b1, b2) {
			t.Errorf("%s: the same seed gave different files", name)
		}
	}
	b1, _ := os.ReadFile(filepath.Join(d1, "states.csv"))
	b3, _ := os.ReadFile(filepath.Join(d3, "states.csv"))
	if bytes.Equal(b1, b3) {
		t.Error("seeds 1 and 2 gave the same states")
	}
}

func TestExportFromACheckpointWithAChosenUnit(t *testing.T) {
	if testing.Short() {
		t.Skip("training run")
	}
	ck := filepath.Join(t.TempDir(), "m.safetensors")
	if _, errs, code := run(t, "", append([]string{"train", "--steps", "10", "--save", ck}, tiny...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	dir, out := exportFiles(t, "--load", ck, "--unit", "c3", "--label", "depth", "--theme", "dark", "--json")
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct {
			File  string
			What  string
			Bytes int64
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil || r.Bytes <= 0 || filepath.Dir(r.File) != dir {
			t.Fatalf("line %q (%v)", line, err)
		}
		names = append(names, r.What)
	}
	// Without training there is no loss or emergence curve.
	if got := strings.Join(names, ","); got != "gradflow,trace,gates,html,csv,jsonl" {
		t.Errorf("wrote %s", got)
	}
	page, _ := os.ReadFile(filepath.Join(dir, "units.html"))
	if !strings.Contains(string(page), `{"unit":"c3","label":"depth"`) {
		t.Error("units.html does not start on c3 and depth")
	}
	for _, bad := range [][]string{
		{"--load", ck, "--what", "loss"},
		{"--load", ck, "--unit", "c16"},
		{"--load", ck, "--unit", "L2 h1"},
		{"--load", ck, "--cell", "gru"},
	} {
		a := append(append([]string{"export", "--out", t.TempDir()}, tiny...), bad...)
		if stdout, errs, code := run(t, "", a...); code != ExitUsage || stdout != "" || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", bad, code, stdout, errs)
		}
	}
}

func TestExportCompareCellsTrainsAllThree(t *testing.T) {
	if testing.Short() {
		t.Skip("three training runs")
	}
	_, errs, code := run(t, "", append([]string{"export", "--out", t.TempDir(), "--steps", "5", "--what", "gradflow", "--compare-cells"}, quickExport...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, c := range []string{"vanilla RNN", "GRU"} {
		if !strings.Contains(errs, "training the "+c) {
			t.Errorf("stderr does not mention training the %s:\n%s", c, errs)
		}
	}
}

func TestExportBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--out", dir}, "export needs a model"},
		{[]string{"--steps", "5"}, "--out: give a folder"},
		{[]string{"--steps", "5", "--out", dir, "--what", "loss,movie"}, `--what "loss,movie": want a comma-separated list of loss, gradflow`},
		{[]string{"--steps", "5", "--out", dir, "--label", "brackets"}, `--label "brackets": want one of quote, if`},
		{[]string{"--steps", "5", "--out", dir, "--unit", "x17"}, `--unit "x17": want a unit such as h3, c17`},
		{[]string{"--steps", "5", "--out", dir, "--theme", "sepia"}, `--theme "sepia": want light, dark, colorblind or high-contrast`},
		{[]string{"--steps", "5", "--out", dir, "--every", "-1"}, "--every -1"},
		{[]string{"--steps", "5", "--out", dir, "--lags", "0"}, "--lags 0: want 1 to 1000"},
		{[]string{"--steps", "5", "--out", dir, "--window", "10"}, "--window 10: want 100"},
		{[]string{"--steps", "5", "--out", dir, "--cell", "rnn", "--what", "gates"}, "--what gates: the vanilla RNN has no gates"},
		{[]string{"--steps", "5", "--out", dir, "--cell", "gru", "--unit", "c3"}, "--unit c3: only an LSTM has cell states"},
		{[]string{"--steps", "5", "--out", dir, "--unit", "h99"}, "--unit h99: the network has 16 units per layer"},
	} {
		a := append([]string{"export", "--hidden", "16", "--seq", "16", "--batch", "4", "--window", "300"}, tc.args...)
		out, errs, code := run(t, "", a...)
		if code != ExitUsage || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want status 2 and %q", tc.args, code, out, errs, tc.want)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("bad flags wrote %d files", len(ents))
	}
}

func TestParseUnit(t *testing.T) {
	for _, tc := range []struct {
		in           string
		layer, index int
		cell, ok     bool
	}{
		{"h3", 0, 3, false, true},
		{"c17", 0, 17, true, true},
		{"L2 h3", 1, 3, false, true},
		{"l3:c0", 2, 0, true, true},
		{"L2h5", 1, 5, false, true},
		{"h", 0, 0, false, false},
		{"h-1", 0, 0, false, false},
		{"h+1", 0, 0, false, false},
		{"L0 h1", 0, 0, false, false},
		{"q3", 0, 0, false, false},
	} {
		u, ok := parseUnit(tc.in)
		if ok != tc.ok || (ok && (u.Layer != tc.layer || u.Index != tc.index || u.Cell != tc.cell)) {
			t.Errorf("parseUnit(%q) = %+v, %v", tc.in, u, ok)
		}
	}
}

// TestExportHelpExamplesRun runs each example of `rnnscope export --help` as
// written, in a temporary folder (the first saves the checkpoint the second
// loads).
func TestExportHelpExamplesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("hidden 128 and training")
	}
	t.Chdir(t.TempDir())
	cmd := newExportCmd(IO{})
	for _, ex := range strings.Split(strings.TrimSpace(cmd.Example), "\n") {
		fields := strings.Fields(ex)
		if fields[0] != "rnnscope" {
			t.Fatalf("example %q does not start with rnnscope", ex)
		}
		out, errs, code := run(t, "", fields[1:]...)
		if code != 0 || !strings.Contains(out, filepath.Join("figs", "units.html")) {
			t.Errorf("%s: exit %d, stdout %q; stderr %q", ex, code, out, errs)
		}
	}
}
