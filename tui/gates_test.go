package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/themes"
)

func TestGatesFitEverySize(t *testing.T) {
	for _, cell := range []nets.Cell{nets.RNN, nets.LSTM, nets.GRU} {
		snap := probedSnapshot(t, cell, 16, 50, 300)
		for _, sz := range [][2]int{{80, 24}, {100, 30}, {120, 40}, {240, 70}} {
			for _, mono := range []bool{false, true} {
				for _, captions := range []bool{true, false} {
					for _, lang := range Langs() {
						t.Run(fmt.Sprintf("%s %s %dx%d mono=%v captions=%v", lang, cellTitle(cell), sz[0], sz[1], mono, captions), func(t *testing.T) {
							m := langScreenModel(snap, lang, screenGates, sz[0], sz[1])
							if mono {
								m.st = themes.New("mono", themes.Mono, true)
								m.applyStyles()
							}
							if !captions {
								m = press(m, "i")
							}
							out := m.render()
							checkFrame(t, out, sz[0], sz[1])
							if c := colourSGR.FindString(out); mono && c != "" {
								t.Fatalf("mono Gates has a colour escape %q", c)
							}
						})
					}
				}
			}
		}
	}
}

func TestGatesOfAVanillaRNNSayThereAreNone(t *testing.T) {
	m := screenModel(probedSnapshot(t, nets.RNN, 16, 0, 300), screenGates, 80, 24)
	out := ansi.Strip(m.gatesView(m.lay.body))
	if !strings.Contains(out, "A vanilla RNN has no gates: switch to --cell lstm or gru to see them.") {
		t.Fatalf("no word about the missing gates:\n%s", out)
	}
}

func TestGatesShowEveryGateOfTheLayer(t *testing.T) {
	for _, c := range []struct {
		cell  nets.Cell
		gates []string
	}{
		{nets.LSTM, []string{"i input gate", "f forget gate", "o output gate"}},
		{nets.GRU, []string{"r reset gate", "z update gate"}},
	} {
		snap := probedSnapshot(t, c.cell, 16, 50, 300)
		for _, w := range []int{80, 240} {
			m := screenModel(snap, screenGates, w, 24)
			m.sel.pinned = probe.Unit{Index: 3}
			out := ansi.Strip(m.gatesView(m.lay.body))
			lines := strings.Split(out, "\n")
			title := ""
			for _, l := range lines {
				if strings.HasPrefix(l, c.gates[0]) {
					title = l
				}
			}
			for _, g := range c.gates {
				if !strings.Contains(title, g) {
					t.Errorf("%s at %d columns: the panels' first line does not name %q:\n%s", cellTitle(c.cell), w, g, out)
				}
				reading := g[:1] + ": "
				found := false
				for _, l := range lines {
					found = found || strings.HasPrefix(l, reading) || strings.HasPrefix(l, g[:1]+" (")
				}
				if !found {
					t.Errorf("%s at %d columns: no reading for gate %s:\n%s", cellTitle(c.cell), w, g[:1], out)
				}
			}
			if n := len(pinnedLine.FindAllString(out, -1)); n != len(c.gates) {
				t.Errorf("%s at %d columns: the pinned unit is named under %d panels, want %d:\n%s", cellTitle(c.cell), w, n, len(c.gates), out)
			}
		}
	}
}

// pinnedLine is the line under a saturation plot that gives unit 3's numbers.
var pinnedLine = regexp.MustCompile(`▶ (unit )?3[: ][^▶]*shut`)

// TestGateReadingsAreTrue builds a saturation by hand and reads it back.
func TestGateReadingsAreTrue(t *testing.T) {
	sat := &probe.Saturation{Gate: "f",
		Low:  []float64{0.9, 0.1, 0.0, 0.0, 0.6, 0.2, 0.0, 0.0, 0.0, 0.0},
		High: []float64{0.0, 0.8, 0.7, 0.51, 0.0, 0.5, 0.1, 0.0, 0.0, 0.0}}
	for _, c := range []struct {
		w    int
		want string
	}{
		{200, "f (forget gate): 30% of units are right-saturated (> 0.9) most of the time (remember), 20% left-saturated (< 0.1) (forget)"},
		{95, "f: 30% of units are right-saturated most of the time (remember), 20% left-saturated (forget)"},
		{80, "f: 30% of units mostly > 0.9 (remember), 20% mostly < 0.1 (forget)"},
	} {
		if got := gateReadings(newCatalog(LangEnglish), []*probe.Saturation{sat}, c.w)[0]; got != c.want {
			t.Errorf("at %d columns:\n got %s\nwant %s", c.w, got, c.want)
		}
	}
}

func TestGateReadingsShareOneForm(t *testing.T) {
	r := &probe.Saturation{Gate: "r", Low: []float64{0}, High: []float64{0}}
	z := &probe.Saturation{Gate: "z", Low: []float64{1}, High: []float64{0}}
	got := gateReadings(newCatalog(LangEnglish), []*probe.Saturation{r, z}, 100)
	for _, g := range got {
		if strings.Contains(g, "(> 0.9)") || !strings.Contains(g, "right-saturated") {
			t.Fatalf("at 100 columns the readings should all take the middle form:\n%s", strings.Join(got, "\n"))
		}
	}
}

func TestGatesGolden(t *testing.T) {
	lstm := probedSnapshot(t, nets.LSTM, 16, 150, 600)
	for _, c := range []struct {
		name string
		w, h int
		mono bool
	}{
		{"80x24", 80, 24, false},
		{"240x70", 240, 70, false},
		{"80x24_mono", 80, 24, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := screenModel(lstm, screenGates, c.w, c.h)
			if c.mono {
				m.st = themes.New("mono", themes.Mono, true)
				m.applyStyles()
			}
			out := m.render()
			checkFrame(t, out, c.w, c.h)
			golden.RequireEqual(t, []byte(ansi.Strip(out)))
		})
	}
}
