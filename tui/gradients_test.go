package tui

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
)

// testTrio returns a Config.Trio that starts a small lockstep comparison on the
// code corpus: three 16-unit cells, 4 streams of 16 characters, lags 0…100 on 4
// windows, 5 steps an advance, paused until the screen resumes it. It stops with
// the test; *started is the trio once the model has started it.
func testTrio(t testing.TB, started **probe.Trio) func() *probe.Trio {
	t.Helper()
	c, err := corpora.Load("code", corpora.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	held, _ := c.Held()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		if *started != nil {
			(*started).Wait()
		}
	})
	return func() *probe.Trio {
		*started = probe.StartTrio(ctx, probe.TrioConfig{Name: "code", Corpus: c, Hidden: 16, Layers: 1,
			Train: nets.TrainConfig{Seq: 16, Batch: 4, Optimizer: "adam", LR: 1e-2, Clip: 1},
			Seed:  1, Held: held, Windows: 4, Lockstep: 5, Paused: true})
		return *started
	}
}

func gradSized(m Model, w, h int) Model {
	nm, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return nm.(Model)
}

func gradPress(m Model, keys ...string) Model {
	for _, k := range keys {
		nm, _ := m.Update(keyMsg(k))
		m = nm.(Model)
	}
	return m
}

// gradientsModel is a model on the Gradients screen after n advances of its
// trio, at w×h, in the dark theme or in mono.
func gradientsModel(t testing.TB, w, h, n int, mono, captions bool) (Model, *probe.Trio) {
	t.Helper()
	return langGradientsModel(t, LangEnglish, w, h, n, mono, captions)
}

// langGradientsModel is gradientsModel in a language.
func langGradientsModel(t testing.TB, lang string, w, h, n int, mono, captions bool) (Model, *probe.Trio) {
	t.Helper()
	var trio *probe.Trio
	m := gradSized(New(Config{Trio: testTrio(t, &trio), Captions: captions, Theme: "dark", Lockstep: 5, Lang: lang}), w, h)
	if mono {
		m.restyle(look{profile: colorprofile.Ascii, dark: true, theme: "dark"})
	}
	m = gradPress(m, "3")
	if trio == nil || m.trio != trio || m.screen != screenGradients {
		t.Fatal("pressing 3 did not show the Gradients screen and start the trio")
	}
	for range n {
		trio.Advance()
	}
	return m, trio
}

// gradCheckFrame asserts that a frame is exactly w×h cells.
func gradCheckFrame(t *testing.T, what, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Fatalf("%s: %d lines for a %d-row terminal", what, len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n != w {
			t.Fatalf("%s: line %d is %d cells wide, want %d: %q", what, i, n, w, ansi.Strip(l))
		}
	}
}

func TestGradientsFitEverySize(t *testing.T) {
	for _, lang := range Langs() {
		for _, mono := range []bool{false, true} {
			for _, captions := range []bool{true, false} {
				m, _ := langGradientsModel(t, lang, 80, 24, 3, mono, captions)
				for _, sz := range [][2]int{{80, 24}, {100, 30}, {120, 30}, {120, 40}, {160, 48}, {240, 70}, {300, 90}} {
					m := gradSized(m, sz[0], sz[1])
					gradCheckFrame(t, fmt.Sprintf("%s mono=%v captions=%v %dx%d", lang, mono, captions, sz[0], sz[1]), m.render(), sz[0], sz[1])
				}
			}
		}
	}
}

func TestGradientsShowTheThreeCells(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {240, 70}} {
		m, _ := gradientsModel(t, sz[0], sz[1], 4, true, true)
		out := ansi.Strip(m.render())
		for _, want := range []string{"•", "×", "+", "vanilla", "LSTM", "GRU", "k = 50", "lag k", "bpc",
			"R reset", "f LSTM forget bias 1/0", "space pause", "beyond seq 16", "step 20", "same seed"} {
			if !strings.Contains(out, want) {
				t.Errorf("%dx%d: no %q on the screen:\n%s", sz[0], sz[1], want, out)
			}
		}
		if sz[0] == 240 {
			for _, want := range []string{"radius", "σ_max", "Reading it", "forget bias 0", "truncated BPTT"} {
				if !strings.Contains(out, want) {
					t.Errorf("240x70: no %q on the screen", want)
				}
			}
		}
	}
}

// gradColourSGR matches an SGR sequence that sets a colour.
var gradColourSGR = regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7]|10[0-7]|38;|48;)[0-9;]*m`)

func TestGradientsInMonoHaveNoColour(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {240, 70}} {
		m, _ := gradientsModel(t, sz[0], sz[1], 2, true, true)
		if m.st.Theme != "mono" {
			t.Fatalf("theme %q", m.st.Theme)
		}
		if c := gradColourSGR.FindString(m.render()); c != "" {
			t.Fatalf("%dx%d: a colour escape %q in mono", sz[0], sz[1], c)
		}
	}
	m, _ := gradientsModel(t, 80, 24, 2, false, true)
	if gradColourSGR.FindString(m.render()) == "" {
		t.Fatal("the dark theme shows no colour: the test above proves nothing")
	}
}

func TestGradientsKeys(t *testing.T) {
	m, trio := gradientsModel(t, 80, 24, 2, false, true)
	if s := trio.Latest(); s.Paused || s.Cells[1].ForgetBias != 0 || s.Cells[0].Step != 10 {
		t.Fatalf("before any key: paused %v, forget bias %g, step %d", s.Paused, s.Cells[1].ForgetBias, s.Cells[0].Step)
	}
	m = gradPress(m, "f")
	s := trio.Advance()
	if c := trioCellOf(s, nets.LSTM); c == nil || c.ForgetBias != 1 {
		t.Fatalf("after f the LSTM's forget bias is %v", c)
	}
	for _, c := range s.Cells {
		if c.Step != 5 { // restarted, then one advance
			t.Errorf("%v at step %d after f and one advance, want 5: all three restart", c.Cell, c.Step)
		}
	}
	if !strings.Contains(m.status, "0 → 1") || !strings.Contains(m.status, "fair") {
		t.Errorf("status after f: %q", m.status)
	}
	if !strings.Contains(ansi.Strip(m.render()), "LSTM fb 1") {
		t.Error("the table does not show forget bias 1")
	}
	trio.Advance()
	m = gradPress(m, "R")
	if s := trio.Advance(); s.Cells[0].Step != 5 || s.Cells[1].ForgetBias != 1 {
		t.Fatalf("after R: step %d, forget bias %g; want 5 and 1 (a reset keeps the bias)", s.Cells[0].Step, s.Cells[1].ForgetBias)
	}
	m = gradPress(m, "space")
	s = trio.Advance()
	if !s.Paused || s.Cells[0].Step != 5 {
		t.Fatalf("after space: paused %v at step %d", s.Paused, s.Cells[0].Step)
	}
	if !strings.Contains(ansi.Strip(m.render()), "❚❚") {
		t.Error("the footer does not say paused")
	}
	m = gradPress(m, "space")
	if s := trio.Advance(); s.Paused || s.Cells[0].Step != 10 {
		t.Fatalf("after space again: paused %v at step %d", s.Paused, s.Cells[0].Step)
	}
	// Leaving the screen pauses the trio; coming back resumes it.
	m = gradPress(m, "1")
	if s := trio.Advance(); !s.Paused {
		t.Fatal("leaving the screen did not pause the trio")
	}
	gradPress(m, "3")
	if s := trio.Advance(); s.Paused {
		t.Fatal("coming back did not resume the trio")
	}
}

func TestGradientsWithoutATrioSayHowToStartOne(t *testing.T) {
	m := gradSized(New(Config{Captions: true}), 80, 24)
	m.screen = screenGradients
	out := strings.Join(strings.Fields(ansi.Strip(m.render())), " ")
	if !strings.Contains(out, "press 3") {
		t.Fatalf("no comparison, and the screen does not say how to get one:\n%s", out)
	}
	gradCheckFrame(t, "no trio", m.render(), 80, 24)
	if m = gradPress(m, "f"); !strings.Contains(m.status, "press 3") {
		t.Fatalf("f without a trio: status %q", m.status)
	}
	var trio *probe.Trio
	m = gradSized(New(Config{Trio: testTrio(t, &trio), View: "gradients", Captions: true}), 80, 24)
	if m.screen == screenGradients && m.trio == nil && !strings.Contains(ansi.Strip(m.render()), "Press 3") {
		t.Fatal("a trio not yet started: the screen does not say how to start it")
	}
}

// TestGradientsDrawAnyRatios renders hand-built snapshots: an exploding vanilla
// RNN, ratios far below the floor, a trio without measurements and one that
// stopped.
func TestGradientsDrawAnyRatios(t *testing.T) {
	ratios := func(f func(k int) float64) []float64 {
		r := make([]float64, 101)
		for k := range r {
			r[k] = f(k)
		}
		return r
	}
	curve := []probe.Point{{Chars: 1024, V: 4}, {Chars: 2048, V: 3}, {Chars: 4096, V: 2.5}}
	cell := func(c nets.Cell, r []float64) probe.TrioCell {
		tc := probe.TrioCell{Cell: c, Step: 4, Chars: 4096, Loss: 2.5, LossCurve: curve,
			Flow: probe.GradFlow{Cell: c, Ratio: r, SigmaMax: []float64{1.2}, Windows: 8}, ClipEvents: 3, ClipRecent: 12}
		if c == nets.RNN {
			tc.Flow.Radius = []float64{1.3}
		}
		return tc
	}
	exploding := &probe.TrioSnapshot{Seq: 64, Lags: 100, Windows: 8, CharsPerSec: 51800, Cells: []probe.TrioCell{
		cell(nets.RNN, ratios(func(k int) float64 { return math.Pow(1.12, float64(k)) })),
		cell(nets.LSTM, ratios(func(k int) float64 { return math.Pow(0.9, float64(k)) })),
		cell(nets.GRU, ratios(func(k int) float64 { return math.Pow(1e-5, float64(k)) })),
	}}
	unmeasured := &probe.TrioSnapshot{Seq: 64, Lags: 100, Paused: true, Cells: []probe.TrioCell{
		{Cell: nets.RNN, Loss: math.NaN()}, {Cell: nets.LSTM, Loss: math.NaN()}, {Cell: nets.GRU, Loss: math.NaN()}}}
	stopped := &probe.TrioSnapshot{Err: "--hidden 0: want 1 to 4096"}
	for name, s := range map[string]*probe.TrioSnapshot{"exploding": exploding, "unmeasured": unmeasured, "stopped": stopped} {
		for _, sz := range [][2]int{{80, 21}, {240, 67}} {
			m := gradSized(New(Config{Captions: true}), sz[0], sz[1]+3)
			out := m.trioView(s, rect{0, 0, sz[0], sz[1]})
			gradCheckFrame(t, fmt.Sprintf("%s %dx%d", name, sz[0], sz[1]), out, sz[0], sz[1])
			plain := ansi.Strip(out)
			switch name {
			case "exploding":
				wants := []string{"1e5┤", "• vanilla has 2.9e2× the gradient at k = 50", "clipped"}
				if sz[0] == 240 {
					wants = append(wants, "those below 1e")
				}
				for _, want := range wants {
					if !strings.Contains(plain, want) {
						t.Errorf("%s %dx%d: no %q:\n%s", name, sz[0], sz[1], want, plain)
					}
				}
			case "unmeasured":
				if !strings.Contains(plain, "measuring") {
					t.Errorf("unmeasured: %s", plain)
				}
			case "stopped":
				if !strings.Contains(plain, "could not start") {
					t.Errorf("stopped: %s", plain)
				}
			}
		}
	}
}

func TestDecadeAxisSpacesLabelsEvenly(t *testing.T) {
	for _, c := range []struct {
		rows, hiE, loE     int
		used, step, bottom int
		note               string
	}{
		{8, 0, -16, 8, 2, -14, "80×24: every row a label, 1 to 1e-14"},
		{9, 0, -16, 9, 2, -16, "80×24 without captions: 1 to 1e-16"},
		{8, 1, -11, 8, 2, -13, "an exploding ratio adds 10 on top"},
		{64, 0, -16, 61, 1, -15, "240×70: a label every 4 rows"},
		{8, 0, -3, 7, 1, -3, "few decades"},
	} {
		used, step, bottom := decadeAxis(c.rows, c.hiE, c.loE)
		if used != c.used || step != c.step || bottom != c.bottom {
			t.Errorf("%s: decadeAxis(%d, %d, %d) = %d rows, step %d, bottom %d; want %d, %d, %d",
				c.note, c.rows, c.hiE, c.loE, used, step, bottom, c.used, c.step, c.bottom)
		}
		if n := (c.hiE - bottom) / step; (used-1)%n != 0 {
			t.Errorf("%s: %d gaps over %d rows are uneven", c.note, n, used-1)
		}
	}
}

// TestGradientsGolden compares the 80×24 frame's text with a golden: a lockstep
// trio gives the same frame on any machine. Refresh with
// go test ./tui -run TestGradientsGolden -update.
func TestGradientsGolden(t *testing.T) {
	m, _ := gradientsModel(t, 80, 24, 4, false, true)
	out := m.render()
	gradCheckFrame(t, "golden frame", out, 80, 24)
	golden.RequireEqual(t, []byte(ansi.Strip(out)))
}

// BenchmarkGradientsView renders the Gradients screen at 240×70.
func BenchmarkGradientsView(b *testing.B) {
	var trio *probe.Trio
	m := gradSized(New(Config{Trio: testTrio(b, &trio), Captions: true, Lockstep: 5}), 240, 70)
	m = gradPress(m, "3")
	for range 4 {
		trio.Advance()
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}
