package export

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
)

// sampleCode is text with everything a page must escape: <, >, &, both quotes.
const sampleCode = `func main() {
	if len(os.Args) < 2 {
		fmt.Println("usage: hello <name> & \"friends\"")
		return
	}
	name := os.Args[1] // the 'name'
	for i := 0; i < 3; i++ {
		fmt.Printf("hello, %s!\n", name)
	}
	x := map[string]int{"a": 1, "b": 2}
	if x["a"] > 0 && y < 'z' {
		return
	}
}
`

// look saves a figure under $RNNSCOPE_EXPORT_LOOK, when set, for a person to
// look at: RNNSCOPE_EXPORT_LOOK=/tmp/look go test ./tui/export.
func look(t *testing.T, name string, data []byte) {
	t.Helper()
	if dir := os.Getenv("RNNSCOPE_EXPORT_LOOK"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkPNG decodes a figure and checks its size and that it is not blank: a
// drawn figure with text, lines and markers has hundreds of distinct colours
// (antialiasing), a blank one a handful.
func checkPNG(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	w, h := Pixels()
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h || w < 1600 || h < 900 {
		t.Fatalf("size %v, want %d×%d (at least 1600×900)", b, w, h)
	}
	colours := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			colours[[4]uint32{r, g, bl, a}] = true
		}
	}
	if len(colours) < 100 {
		t.Errorf("only %d distinct colours: a blank figure?", len(colours))
	}
	return img
}

// figures draws every figure from made-up data in one theme.
func figures(t *testing.T, th *Theme) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	add := func(name string, data []byte, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = data
	}
	var train, val []probe.Point
	for i := range 600 {
		x := float64(i)
		train = append(train, probe.Point{Chars: int64(i * 256), V: 1.2 + 3*math.Exp(-x/60) + 0.1*math.Sin(x)})
		if i%25 == 0 {
			val = append(val, probe.Point{Chars: int64(i * 256), V: 1.4 + 3*math.Exp(-x/60)})
		}
	}
	data, err := Loss(th, LossData{Title: "Loss", Subtitle: "made up", Caption: "a caption", Train: train, Val: val, Vocab: 70})
	add("loss.png", data, err)

	var panels []GradPanel
	for ph := range 2 {
		var cs []GradCurve
		for ci, c := range nets.Cells() {
			r := make([]float64, 101)
			for k := range r {
				r[k] = math.Pow(0.7+0.1*float64(ci)+0.05*float64(ph), float64(k))
			}
			cs = append(cs, GradCurve{Cell: c, Ratio: r})
		}
		panels = append(panels, GradPanel{Title: []string{"at initialisation", "after 2,000 steps"}[ph], Curves: cs})
	}
	data, err = GradFlow(th, GradFlowData{Title: "Gradient", Subtitle: "‖∂L_t/∂h_(t−k)‖", Panels: panels})
	add("gradflow.png", data, err)

	text := []rune(strings.Repeat(sampleCode, 2))[:400]
	q := corpora.Labels(text)[0].Values
	vals := make([]float64, len(text))
	for i := range vals {
		vals[i] = 0.8*(2*q[i]-1) + 0.15*math.Sin(float64(i)/3)
	}
	data, err = Trace(th, TraceData{Title: "c17", Subtitle: "shaded: inside quotes", Values: vals, Text: text, Band: q, Threshold: 0.1})
	add("trace.png", data, err)

	var sat []probe.Saturation
	for l := range 2 {
		for gi, g := range []string{"i", "f", "o"} {
			s := probe.Saturation{Layer: l, Gate: g, Low: make([]float64, 64), High: make([]float64, 64)}
			for u := range 64 {
				a := math.Abs(math.Sin(float64(u*7+gi+l*3))) * 0.9
				s.Low[u] = a * (1 - math.Abs(math.Cos(float64(u))))
				s.High[u] = (1 - s.Low[u]) * math.Abs(math.Cos(float64(u*3+gi)))
			}
			sat = append(sat, s)
		}
	}
	data, err = Gates(th, GatesData{Title: "Gates", Cell: nets.LSTM, Layers: 2, Sat: sat,
		Pinned: probe.Unit{Layer: 0, Index: 17}, PinnedName: "c17"})
	add("gates.png", data, err)

	var pts []EmergencePoint
	for i := range 25 {
		x := float64(i) / 24
		pts = append(pts, EmergencePoint{Chars: int64(i * 20000), BestAUC: 0.6 + 0.35*x, BestR: 0.2 + 0.6*x*x,
			Readout: 0.4 + 0.5*math.Sqrt(x), UnitR: 0.1 + 0.7*x*x*x})
	}
	data, err = Emergence(th, EmergenceData{Title: "Emergence", Points: pts, Unit: "c17", Tracks: 0.75, TracksName: "AUC 0.75"})
	add("emergence.png", data, err)
	return out
}

func TestFiguresAreSlideSizedAndDrawn(t *testing.T) {
	for _, name := range ThemeNames() {
		t.Run(name, func(t *testing.T) {
			if testing.Short() && name != "light" {
				t.Skip("one theme in -short")
			}
			th, err := NewTheme(name)
			if err != nil {
				t.Fatal(err)
			}
			figs := figures(t, th)
			for file, data := range figs {
				checkPNG(t, data)
				look(t, name+"-"+file, data)
			}
			if name != "light" || testing.Short() {
				return
			}
			// gonum/plot's raster and PNG encoder are deterministic: the same
			// data gives the same bytes.
			again := figures(t, th)
			for file, data := range figs {
				if !bytes.Equal(data, again[file]) {
					t.Errorf("%s: the same data gave different bytes", file)
				}
			}
		})
	}
}

func TestThemesDiffer(t *testing.T) {
	if testing.Short() {
		t.Skip("two more figures")
	}
	if _, err := NewTheme("sepia"); err == nil || !strings.Contains(err.Error(), `--theme "sepia": want light, dark, colorblind or high-contrast`) {
		t.Fatalf("error %v", err)
	}
	pts := []probe.Point{{Chars: 0, V: 4}, {Chars: 100, V: 3}, {Chars: 200, V: 2.5}}
	var imgs []image.Image
	for _, name := range []string{"light", "dark"} {
		th, _ := NewTheme(name)
		data, err := Loss(th, LossData{Title: "Loss", Train: pts, Val: pts, Vocab: 10})
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, checkPNG(t, data))
	}
	if imgs[0].At(5, 5) == imgs[1].At(5, 5) {
		t.Fatal("light and dark figures share a background")
	}
}

func TestBadFigureDataIsAnErrorNotAPanic(t *testing.T) {
	th, _ := NewTheme("light")
	if _, err := Loss(th, LossData{}); err == nil {
		t.Error("Loss of nothing")
	}
	if _, err := GradFlow(th, GradFlowData{}); err == nil {
		t.Error("GradFlow of nothing")
	}
	if _, err := Trace(th, TraceData{Values: []float64{1}, Text: []rune("ab")}); err == nil {
		t.Error("Trace of mismatched lengths")
	}
	if _, err := Gates(th, GatesData{Cell: nets.RNN}); err == nil {
		t.Error("Gates of a vanilla RNN")
	}
	if _, err := Emergence(th, EmergenceData{}); err == nil {
		t.Error("Emergence of nothing")
	}
	if _, err := UnitsHTML(th, PageData{Text: []rune("ab"), Unit: "h0"}); err == nil {
		t.Error("UnitsHTML without the unit's values")
	}
}

// pageText returns, in order, the text of the spans inside <pre id="text">.
func pageText(t *testing.T, doc *html.Node) (text []rune, spans []*html.Node) {
	t.Helper()
	var pre *html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "pre" {
			for _, a := range n.Attr {
				if a.Key == "id" && a.Val == "text" {
					pre = n
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if pre == nil {
		t.Fatal("no <pre id=text>")
	}
	for c := pre.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c.Data != "span" {
			t.Fatalf("a %v %q directly in the text, want only spans", c.Type, c.Data)
		}
		if c.FirstChild == nil || c.FirstChild != c.LastChild || c.FirstChild.Type != html.TextNode {
			t.Fatalf("span %d does not hold exactly one text node", len(spans))
		}
		spans = append(spans, c)
		text = append(text, []rune(c.FirstChild.Data)...)
	}
	return text, spans
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func TestUnitsPageHoldsTheTextEscapedWithItsData(t *testing.T) {
	text := []rune(sampleCode + "tab\there\r\nend")
	labels := corpora.Labels(text)
	var units []PageUnit
	for k := range 12 {
		v := make([]float64, len(text))
		for i := range v {
			v[i] = math.Sin(float64(i*(k+1))/7) * float64(k+1) / 4
		}
		units = append(units, PageUnit{Name: "c" + string(rune('0'+k%10)) + strings.Repeat("1", k/10), Values: v})
	}
	var pls []PageLabel
	for _, f := range labels {
		pl := PageLabel{Name: f.Name, Phrase: probe.Phrase(f.Name), Doc: f.Doc, Verdict: "c3 <flips> & \"sign\"", Values: f.Values}
		pl.Binary = f.Name == "quote" || f.Name == "comment"
		for _, u := range units[:10] {
			pl.Top = append(pl.Top, PageScore{Unit: u.Name, R: 0.5, AUC: math.NaN()})
		}
		pls = append(pls, pl)
	}
	th, _ := NewTheme("light")
	page, err := UnitsHTML(th, PageData{Title: "units <of> a & b", Text: text, Units: units, Labels: pls, Unit: "c3", Label: "quote"})
	if err != nil {
		t.Fatal(err)
	}
	look(t, "units.html", page)
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	got, spans := pageText(t, doc)
	if string(got) != string(text) {
		t.Fatalf("page text differs from the window:\n%q\n%q", string(got), string(text))
	}
	s := string(page)
	for _, want := range []string{">&lt;</span>", ">&gt;</span>", ">&amp;</span>", ">&#34;</span>", ">&#39;</span>", ">&#13;</span>", "units &lt;of&gt; a &amp; b", "c3 &lt;flips&gt; &amp; &#34;sign&#34;"} {
		if !strings.Contains(s, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(s, "<name>") || strings.Contains(s, "<flips>") {
		t.Error("page holds an unescaped <")
	}
	if strings.Contains(s, "http://") || strings.Contains(s, "https://") || strings.Contains(s, " src=") {
		t.Error("page refers to the network")
	}
	// Tooltips give the index and the value.
	if tt := attr(spans[5], "title"); !strings.HasPrefix(tt, "#5 ") || !strings.Contains(tt, "c3 = ") {
		t.Errorf("tooltip %q", tt)
	}
	// The data the script recolours with: every unit, rounded to 3 decimals.
	i := strings.Index(s, `<script type="application/json" id="data">`)
	j := strings.Index(s[i:], "</script>")
	var js pageJSON
	if err := json.Unmarshal([]byte(s[i+len(`<script type="application/json" id="data">`):i+j]), &js); err != nil {
		t.Fatal(err)
	}
	if len(js.Units) != 12 || js.Unit != "c3" || len(js.Units["c3"]) != len(text) {
		t.Fatalf("data holds %d units, unit %q", len(js.Units), js.Unit)
	}
	for name, v := range js.Units {
		for k, x := range v {
			if math.Abs(x*1000-math.Round(x*1000)) > 1e-6 {
				t.Fatalf("%s[%d] = %v, not rounded to 3 decimals", name, k, x)
			}
		}
	}
	if q := js.Truth["quote"]; len(q) != len(text) || !strings.Contains(q, "1") {
		t.Errorf("quote truth %q", q)
	}
	// Each top unit is a button that names its unit.
	if n := strings.Count(s, `class="unit" data-unit="c3"`); n != len(labels) {
		t.Errorf("%d buttons for c3, want one per label (%d)", n, len(labels))
	}
}

// recording is a hand-made recording of an LSTM over text.
func recording(text []rune, hidden int) *probe.Recording {
	cfg := nets.Config{Cell: nets.LSTM, Vocab: 10, Hidden: hidden, Layers: 1}
	T := len(text)
	rec := &probe.Recording{Config: cfg, Text: text, T: T}
	for _, c := range []bool{false, true} {
		g := probe.Group{Layer: 0, Cell: c, Acts: make([]float64, hidden*T)}
		for i := range g.Acts {
			g.Acts[i] = math.Sin(float64(i)) / 3
		}
		rec.Groups = append(rec.Groups, g)
	}
	return rec
}

func TestStatesFiles(t *testing.T) {
	text := []rune(sampleCode)
	rec := recording(text, 4)
	labels := corpora.Labels(text)
	dir := t.TempDir()
	csvPath, jsonlPath := filepath.Join(dir, "s.csv"), filepath.Join(dir, "s.jsonl")
	for _, p := range []string{csvPath, jsonlPath} {
		if err := WriteStates(p, rec, labels); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteStates(filepath.Join(dir, "s.txt"), rec, labels); err == nil {
		t.Error("a .txt file was accepted")
	}
	data, _ := os.ReadFile(csvPath)
	rows := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	want := "t,char," + strings.Join(corpora.LabelNames(), ",") + ",h0,h1,h2,h3,c0,c1,c2,c3"
	if len(rows) != len(text)+1 || rows[0] != want {
		t.Fatalf("%d rows, header %q; want %d and %q", len(rows), rows[0], len(text)+1, want)
	}
	if !strings.HasPrefix(rows[1], `0,"f",0,0,0,`) {
		t.Errorf("first row %q", rows[1])
	}
	data, _ = os.ReadFile(jsonlPath)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != len(text) {
		t.Fatalf("%d lines, want %d", len(lines), len(text))
	}
	var r struct {
		T      int
		Char   string
		Labels map[string]*float64
		Units  map[string]float64
	}
	if err := json.Unmarshal([]byte(lines[2]), &r); err != nil {
		t.Fatal(err)
	}
	if r.T != 2 || r.Char != "n" || len(r.Units) != 8 || len(r.Labels) != len(labels) || r.Labels["if@depth2"] != nil {
		t.Errorf("line 2: %+v", r)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestSpanShowsTheLabel(t *testing.T) {
	text := []rune(strings.Repeat("aaaa bbbb\n", 30) + "x := \"q\" + \"r\"\ny := \"s\"\n" + strings.Repeat("cccc\n", 30))
	q := corpora.Labels(text)[0].Values
	s := Span(q, text, 40)
	if s == 0 || text[s-1] != '\n' {
		t.Fatalf("span starts at %d, want a line start", s)
	}
	inside := 0
	for _, v := range q[s : s+40] {
		if v == 1 {
			inside++
		}
	}
	if inside == 0 {
		t.Fatalf("span %q shows no quotes", string(text[s:s+40]))
	}
	if Span(nil, text, 40) != 0 || Span(q, text, len(text)+1) != 0 {
		t.Error("Span without a label or room should start at 0")
	}
}

func TestWriteFileIsAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.png")
	if err := WriteFile(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("two")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "two" {
		t.Fatalf("read %q", b)
	}
	if err := WriteFile(filepath.Join(dir, "no", "such", "f.png"), []byte("x")); err == nil {
		t.Fatal("wrote into a missing folder")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("%d entries, want only f.png", len(ents))
	}
}
