package tui

import (
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/themes"
)

// probedSnapshot trains a one-layer network on the code corpus for a few steps
// (seeded, on this goroutine) and probes it over a window of scored characters:
// a real Recording and Report without a live trainer.
func probedSnapshot(t testing.TB, cell nets.Cell, hidden, steps, scored int) *probe.Snapshot {
	t.Helper()
	c, err := corpora.Load("code", corpora.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	cfg := nets.Config{Cell: cell, Vocab: c.Vocab.Size(), Hidden: hidden, Layers: 1}
	p := nets.NewParams[float64](cfg)
	nets.Init(cfg, p, rand.New(rand.NewPCG(1, 1)), 0)
	const batch = 4
	streams := make([]nets.Stream, batch)
	for b := range streams {
		streams[b] = c.Stream(b, batch, 0)
	}
	tr, err := nets.NewTrainer(cfg, p, nets.TrainConfig{Seq: 16, Batch: batch, Optimizer: "adam", LR: 1e-2, Clip: 5}, streams)
	if err != nil {
		t.Fatal(err)
	}
	for range steps {
		tr.Step()
	}
	ids, text := c.Held()
	w, err := probe.NewWindow(ids, text, 50, scored)
	if err != nil {
		t.Fatal(err)
	}
	vocab := c.Vocab.Runes()
	rec, rep := probe.NewProber(cfg, p, vocab, w, probe.Options{Top: 10}).Probe(nil)
	return &probe.Snapshot{Version: 1, Name: "code", Config: cfg, Vocab: vocab, Step: tr.Steps, Chars: tr.Chars,
		LR: 1e-2, Temp: 1, Loss: math.NaN(), Rec: rec, Report: rep, Window: w, AblatedLoss: math.NaN()}
}

// screenModel is a model showing screen at w×h over snap, with captions.
func screenModel(snap *probe.Snapshot, screen, w, h int) Model {
	return langScreenModel(snap, LangEnglish, screen, w, h)
}

// langScreenModel is screenModel in a language.
func langScreenModel(snap *probe.Snapshot, lang string, screen, w, h int) Model {
	m := New(Config{Captions: true, Lang: lang})
	m.adopt(snap)
	m.screen = screen
	return sized(m, w, h)
}

// checkFrame asserts that every line of a frame is exactly w cells and that
// there are exactly h of them.
func checkFrame(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Fatalf("%d lines for a %d-row terminal", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(ansi.Strip(l)); n != w {
			t.Fatalf("line %d is %d cells wide, want %d: %q", i, n, w, ansi.Strip(l))
		}
	}
}

func TestRasterFitsEverySize(t *testing.T) {
	snap := probedSnapshot(t, nets.LSTM, 16, 150, 600)
	for _, lang := range Langs() {
		for _, sz := range [][2]int{{80, 24}, {120, 40}, {240, 70}} {
			for _, mono := range []bool{false, true} {
				for _, captions := range []bool{true, false} {
					t.Run(fmt.Sprintf("%s %dx%d mono=%v captions=%v", lang, sz[0], sz[1], mono, captions), func(t *testing.T) {
						m := langScreenModel(snap, lang, screenRaster, sz[0], sz[1])
						if mono {
							m.st = themes.New("mono", themes.Mono, true)
						}
						if !captions {
							m = press(m, "i")
						}
						checkFrame(t, m.render(), sz[0], sz[1])
						m = press(m, "o", "c")
						checkFrame(t, m.render(), sz[0], sz[1])
					})
				}
			}
		}
	}
}

// gutterNames reads the unit names of the raster's gutter, top to bottom.
func gutterNames(out string) []string {
	var names []string
	for _, l := range strings.Split(ansi.Strip(out), "\n") {
		for _, f := range strings.Fields(strings.TrimPrefix(l, "▶"))[:min(2, len(strings.Fields(strings.TrimPrefix(l, "▶"))))] {
			if unitName.MatchString(f) {
				names = append(names, f)
			}
		}
	}
	return names
}

var unitName = regexp.MustCompile(`^[hc][0-9]+$`)

func TestRasterNamesAndMarksThePinnedUnit(t *testing.T) {
	snap := probedSnapshot(t, nets.LSTM, 16, 150, 600)
	m := screenModel(snap, screenRaster, 80, 24)
	m.sel.follow = false
	m.sel.pinned = probe.Unit{Index: 5}
	out := ansi.Strip(m.rasterView(m.lay.body))
	var row string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "▶") {
			row = l
		}
	}
	if !strings.Contains(row, "h5") {
		t.Fatalf("no gutter row with ▶ names h5:\n%s", out)
	}
	if !strings.Contains(out, "all 16 h units") {
		t.Fatalf("the raster does not say which units it shows:\n%s", out)
	}
	m = press(m, "c")
	out = ansi.Strip(m.rasterView(m.lay.body))
	if !strings.Contains(out, "all 16 c units") || !slices.Contains(gutterNames(out), "c5") {
		t.Fatalf("c did not switch the raster to the cell state:\n%s", out)
	}
}

func TestRasterSortsRowsByCorrelation(t *testing.T) {
	snap := probedSnapshot(t, nets.LSTM, 16, 150, 600)
	m := screenModel(snap, screenRaster, 80, 24)
	before := gutterNames(m.rasterView(m.lay.body))
	for i, n := range before {
		if n != fmt.Sprintf("%s%d", string(before[0][0]), i) {
			t.Fatalf("unsorted rows are not in unit order: %v", before)
		}
	}
	m = press(m, "o")
	out := m.rasterView(m.lay.body)
	after := gutterNames(out)
	if len(after) != 16 || slices.Equal(before, after) {
		t.Fatalf("o did not reorder the rows: %v", after)
	}
	layer, cell := m.rasterGroup()
	base := snap.Rec.Flat(probe.Unit{Layer: layer, Cell: cell})
	rs := m.board().R[base : base+16]
	prev := math.Inf(1)
	for _, n := range after {
		var u int
		fmt.Sscanf(n[1:], "%d", &u)
		if a := absR(rs[u]); a > prev {
			t.Fatalf("rows not by descending |r|: %v (|r| of %s is %.3f after %.3f)", after, n, a, prev)
		} else {
			prev = a
		}
	}
	if !strings.Contains(ansi.Strip(out), "sorted by |r| with quote") {
		t.Fatalf("the raster does not say how it is sorted:\n%s", ansi.Strip(out))
	}
}

func TestRasterSaysHowManyUnitsItShows(t *testing.T) {
	snap := probedSnapshot(t, nets.GRU, 64, 0, 300)
	m := screenModel(snap, screenRaster, 80, 24)
	m.st = themes.New("mono", themes.Mono, true) // one unit per row
	out := ansi.Strip(m.rasterView(m.lay.body))
	if !strings.Contains(out, "showing 17 of 64 units (unit order") {
		t.Fatalf("mono: no count of the units shown:\n%s", out)
	}
	m = press(screenModel(snap, screenRaster, 80, 24), "o") // colour: two units a row
	out = ansi.Strip(m.rasterView(m.lay.body))
	if !strings.Contains(out, "showing 34 of 64 units (sorted by |r| with quote)") {
		t.Fatalf("colour: no count of the units shown:\n%s", out)
	}
}

func TestRasterHitFindsTheUnitUnderTheMouse(t *testing.T) {
	m := screenModel(probedSnapshot(t, nets.GRU, 64, 0, 300), screenRaster, 80, 24)
	b := m.lay.body
	top := b.y + 2 // under the caption and the info line
	for _, c := range []struct {
		x, y int
		want probe.Unit
		ok   bool
	}{
		{b.x + 2, top, probe.Unit{Index: 0}, true},     // the first name of the first row
		{b.x + 6, top + 3, probe.Unit{Index: 7}, true}, // the second name of the fourth row
		{b.x + 40, top, probe.Unit{}, false},           // the heatmap: two units a row
		{b.x + 2, top - 1, probe.Unit{}, false},        // the info line
	} {
		u, ok := m.rasterHit(c.x, c.y)
		if u != c.want || ok != c.ok {
			t.Errorf("hit (%d, %d) = %v %v, want %v %v", c.x, c.y, u, ok, c.want, c.ok)
		}
	}
	m.st = themes.New("mono", themes.Mono, true) // a unit a row: the whole row hits
	if u, ok := m.rasterHit(b.x+40, top+3); !ok || u.Index != 3 {
		t.Errorf("mono: hit in row 4 = %v %v, want h3", u, ok)
	}
}

func TestRasterInMonoHasNoColour(t *testing.T) {
	snap := probedSnapshot(t, nets.LSTM, 16, 150, 600)
	for _, sz := range [][2]int{{80, 24}, {240, 70}} {
		m := screenModel(snap, screenRaster, sz[0], sz[1])
		m.st = themes.New("mono", themes.Mono, true)
		m.applyStyles() // the help line's styles come from m.st too
		for _, keys := range [][]string{nil, {"o"}, {"c"}} {
			m = press(m, keys...)
			if c := colourSGR.FindString(m.render()); c != "" {
				t.Fatalf("mono raster at %dx%d has a colour escape %q", sz[0], sz[1], c)
			}
		}
	}
}

// TestRasterGolden keeps the plain text of the Raster at the two promised sizes,
// in colour (where the cells are coloured spaces: the golden holds the layout)
// and in mono (where the glyphs carry the values), and of a 64-unit GRU whose
// rows do not all fit, in half blocks.
func TestRasterGolden(t *testing.T) {
	lstm := probedSnapshot(t, nets.LSTM, 16, 150, 600)
	gru := probedSnapshot(t, nets.GRU, 64, 150, 600)
	for _, c := range []struct {
		name string
		snap *probe.Snapshot
		w, h int
		mono bool
	}{
		{"80x24", lstm, 80, 24, false},
		{"240x70", lstm, 240, 70, false},
		{"80x24_mono", lstm, 80, 24, true},
		{"240x70_mono", lstm, 240, 70, true},
		{"80x24_gru64", gru, 80, 24, false},
		{"80x24_gru64_mono_sorted", gru, 80, 24, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := screenModel(c.snap, screenRaster, c.w, c.h)
			if c.mono {
				m.st = themes.New("mono", themes.Mono, true)
				m.applyStyles()
			}
			if strings.HasSuffix(c.name, "sorted") {
				m = press(m, "o")
			}
			out := m.render()
			checkFrame(t, out, c.w, c.h)
			golden.RequireEqual(t, []byte(ansi.Strip(out)))
		})
	}
}

// BenchmarkRasterView draws the Raster at 240×70 for an LSTM-128 over the
// default 5,000-character window (goal: ≤ 4 ms and ≤ 1 MB a View).
func BenchmarkRasterView(b *testing.B) {
	snap := probedSnapshot(b, nets.LSTM, 128, 0, probe.DefaultScored)
	m := New(Config{Captions: true})
	m.adopt(snap)
	m.screen = screenRaster
	nm, _ := m.Update(tea.WindowSizeMsg{Width: 240, Height: 70})
	m = nm.(Model)
	for _, sorted := range []bool{false, true} {
		b.Run(fmt.Sprintf("sorted=%v", sorted), func(b *testing.B) {
			m.raster.sorted = sorted
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// rasterView is the Raster screen's body on its own.
func (m Model) rasterView(r rect) string {
	var b strings.Builder
	m.rasterInto(&b, r)
	return b.String()
}
