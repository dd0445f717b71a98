package tui

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/themes"
)

// testLive starts a small lockstep run on the code corpus: an LSTM with 16 units,
// 4 streams of 16 characters, probed every 10 steps. It stops with the test.
func testLive(t testing.TB, cell nets.Cell, lockstep int) *probe.Live {
	t.Helper()
	return sizedLive(t, cell, lockstep, 16, 600)
}

// sizedLive is testLive with a chosen hidden size and probe window.
func sizedLive(t testing.TB, cell nets.Cell, lockstep, hidden, window int) *probe.Live {
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
	ids, text := c.Held()
	w, err := probe.NewWindow(ids, text, 50, window)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	live := probe.StartLive(ctx, probe.LiveConfig{Name: "code", Trainer: tr, Corpus: c, Vocab: c.Vocab.Runes(),
		Window: w, Options: probe.Options{Top: 10}, Rand: rand.New(rand.NewPCG(2, 2)), Lockstep: lockstep,
		ProbeSteps: 10, SampleLen: 80})
	t.Cleanup(func() { cancel(); live.Wait() })
	return live
}

// sized returns the model after a window-size message.
func sized(m Model, w, h int) Model {
	nm, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return nm.(Model)
}

func press(m Model, keys ...string) Model {
	for _, k := range keys {
		nm, _ := m.Update(keyMsg(k))
		m = nm.(Model)
	}
	return m
}

// checkFits asserts that a frame is exactly w×h cells.
func checkFits(t *testing.T, what, out string, w, h int) {
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

// TestEveryScreenFitsEverySize renders every screen at the sizes we promise and one
// too small, with captions and without, in colour and in mono, in every language,
// in the classroom and not.
func TestEveryScreenFitsEverySize(t *testing.T) {
	live := testLive(t, nets.LSTM, 5)
	for range 4 {
		live.Advance()
	}
	for _, lang := range Langs() {
		for _, classroom := range []bool{false, true} {
			for _, theme := range []string{"dark", "mono"} {
				for _, captions := range []bool{true, false} {
					m := New(Config{Live: live, Lockstep: 5, Captions: captions, Theme: theme, Lang: lang, Classroom: classroom})
					m.adopt(live.Latest())
					if theme == "mono" {
						m.restyle(look{profile: colorprofile.Ascii, dark: true, theme: "mono"})
					}
					for _, sz := range [][2]int{{80, 24}, {100, 30}, {120, 40}, {160, 48}, {240, 70}, {79, 24}, {20, 5}} {
						m := sized(m, sz[0], sz[1])
						for s := range numScreens {
							m.screen = s
							what := fmt.Sprintf("%s classroom=%v %s captions=%v %dx%d %s", lang, classroom, theme, captions, sz[0], sz[1], screenNames[s])
							checkFits(t, what, m.render(), sz[0], sz[1])
						}
						m.showHelp = true
						checkFits(t, lang+" help", m.render(), sz[0], sz[1])
					}
				}
			}
		}
	}
}

var colourSGR = regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7]|10[0-7]|38;|48;)[0-9;]*m`)

func TestMonoShowsNoColour(t *testing.T) {
	live := testLive(t, nets.LSTM, 5)
	live.Advance()
	m := New(Config{Live: live, Lockstep: 5, Captions: true})
	m.adopt(live.Latest())
	m.restyle(look{profile: colorprofile.Ascii, dark: true})
	m = sized(m, 120, 40)
	for s := range numScreens {
		m.screen = s
		if c := colourSGR.FindString(m.render()); c != "" {
			t.Fatalf("%s screen in mono has a colour escape %q", screenNames[s], c)
		}
	}
	if m.st.Theme != "mono" {
		t.Fatalf("an ASCII profile gave theme %q", m.st.Theme)
	}
}

func TestTooSmallSaysWhatIsNeeded(t *testing.T) {
	m := sized(New(Config{}), 60, 20)
	out := ansi.Strip(m.render())
	if !strings.Contains(out, "needs at least 80×24") || !strings.Contains(out, "60×20") {
		t.Fatalf("too-small screen:\n%s", out)
	}
}

// TestKeysChangeWhatIsShown drives the model with keys, without a program.
func TestKeysChangeWhatIsShown(t *testing.T) {
	live := testLive(t, nets.LSTM, 5)
	for range 3 {
		live.Advance()
	}
	m := sized(New(Config{Live: live, Lockstep: 5, Captions: true}), 120, 40)
	m.adopt(live.Latest())
	if !m.sel.follow || m.sel.label != "quote" {
		t.Fatalf("starts with follow %v on %q, want follow on quote", m.sel.follow, m.sel.label)
	}
	best, _ := m.board().Best()
	if m.sel.pinned != best.Unit {
		t.Fatalf("follow pinned %v, best is %v", m.sel.pinned, best.Unit)
	}
	m = press(m, "down", "down", "enter")
	third := m.board().Top[2].Unit
	if m.sel.pinned != third || m.sel.follow {
		t.Fatalf("down down enter pinned %v (follow %v), want %v without follow", m.sel.pinned, m.sel.follow, third)
	}
	if !strings.Contains(ansi.Strip(m.render()), "coloured by "+third.Name(1)) {
		t.Fatal("the text caption does not name the pinned unit")
	}
	m = press(m, "b")
	if m.sel.label != "if" {
		t.Fatalf("b moved to label %q, want if", m.sel.label)
	}
	m = press(m, "u", "h", "3", "enter")
	if m.sel.pinned != (probe.Unit{Index: 3}) {
		t.Fatalf("typing h3 pinned %v", m.sel.pinned)
	}
	m = press(m, "c")
	if !m.sel.pinned.Cell {
		t.Fatal("c did not switch to the cell state")
	}
	m = press(m, "u", "x", "9", "enter")
	if !strings.Contains(m.status, "no unit") {
		t.Fatalf("a bad unit gave status %q", m.status)
	}
	m = press(m, "tab", "tab")
	if m.screen != screenGradients {
		t.Fatalf("tab tab shows screen %d", m.screen)
	}
	m = press(m, "1", "right", "right")
	if m.text.cursor != 2 {
		t.Fatalf("cursor at %d after two rights", m.text.cursor)
	}
	m = press(m, "x")
	s := live.Advance()
	if s.Override == nil || s.Override.Value != 1 || s.Override.Unit != 3 || !s.Override.Cell {
		t.Fatalf("clamp sent %+v, want c3 = +1", s.Override)
	}
	if s.Samples[len(s.Samples)-1].Override == nil {
		t.Fatal("the sample after a clamp was not written with it")
	}
	m = press(m, "x", "x", "x")
	if s := live.Advance(); s.Override != nil {
		t.Fatalf("clamp still on after cycling to off: %+v", s.Override)
	}
	m = press(m, "?")
	if !strings.Contains(ansi.Strip(m.render()), "Keys") {
		t.Fatal("? did not show the keys")
	}
	nm, cmd := m.Update(keyMsg("q"))
	if !nm.(Model).quitting || cmd == nil {
		t.Fatal("q did not quit")
	}
}

func TestMouseMovesTheCursorAndPins(t *testing.T) {
	live := testLive(t, nets.LSTM, 5)
	live.Advance()
	m := sized(New(Config{Live: live, Lockstep: 5, Captions: true}), 80, 24)
	m.adopt(live.Latest())
	m.render() // fills the text panel's hit map
	l := m.lay
	nm, _ := m.Update(tea.MouseClickMsg{X: l.text.x + 5, Y: l.text.y + 2, Button: tea.MouseLeft})
	m = nm.(Model)
	want := m.text.hit[2][5]
	if want < 0 || m.text.cursor != want {
		t.Fatalf("click moved the cursor to %d, want %d", m.text.cursor, want)
	}
	row := 1
	nm, _ = m.Update(tea.MouseClickMsg{X: l.board.x + 3, Y: l.board.y + m.boardFirstRow() + row, Button: tea.MouseLeft})
	m = nm.(Model)
	if m.sel.pinned != m.board().Top[row].Unit || m.sel.follow {
		t.Fatalf("clicking row %d pinned %v", row, m.sel.pinned)
	}
}

func TestScriptParsing(t *testing.T) {
	good := `# a tour
at 0s say "hello there"
at 2s pin best quote
at 2.5s press down enter
at 1m view gates
at 61s quit`
	acts, err := ParseScript(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 5 || acts[3].At != time.Minute || acts[2].Args[1] != "enter" || acts[0].Args[0] != `"hello there"` {
		t.Fatalf("parsed %+v", acts)
	}
	for _, bad := range []string{"pin c3", "at soon quit", "at 1s fly", "at 1s view moon", "at 2s quit\nat 1s quit", "at 1s clamp 5"} {
		if _, err := ParseScript(bad); err == nil || !strings.HasPrefix(err.Error(), "line ") {
			t.Errorf("%q: error %v", bad, err)
		}
	}
}

// program runs the model in a teatest program with a fixed colour profile.
func program(t *testing.T, cfg Config, w, h int) *teatest.TestModel {
	t.Helper()
	return teatest.NewTestModel(t, New(cfg), teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.TrueColor),
			tea.WithEnvironment([]string{"TERM=xterm-256color"})))
}

// TestLockstepFramesAreGolden plays a script in lockstep, so the last frame is the
// same on any machine, and compares it with a golden at two sizes.
func TestLockstepFramesAreGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("trains for a few seconds")
	}
	script, err := ParseScript("at 0s label quote\nat 0.6s press down enter\nat 1s quit")
	if err != nil {
		t.Fatal(err)
	}
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			live := testLive(t, nets.LSTM, 3)
			tm := program(t, Config{Live: live, Lockstep: 3, FPS: 25, Script: script, Captions: true}, sz[0], sz[1])
			fm := tm.FinalModel(t, teatest.WithFinalTimeout(60*time.Second)).(Model)
			if fm.snap.Step != 3*25 {
				t.Fatalf("the last frame is at step %d, want %d (25 frames of 3)", fm.snap.Step, 3*25)
			}
			out := ansi.Strip(fm.render())
			checkFits(t, "final frame", fm.render(), sz[0], sz[1])
			golden.RequireEqual(t, []byte(out))
		})
	}
}

func TestStylesFollowTheTerminal(t *testing.T) {
	m := New(Config{Theme: "auto"})
	nm, _ := m.Update(tea.BackgroundColorMsg{Color: themes.New("light", themes.TrueColor, false).Palette.Bg})
	if nm.(Model).st.Dark {
		t.Fatal("a light background kept the dark palette")
	}
	nm, _ = nm.Update(tea.ColorProfileMsg{Profile: colorprofile.Ascii})
	if nm.(Model).st.Theme != "mono" {
		t.Fatal("an ASCII profile did not switch to mono")
	}
}

// BenchmarkView renders each screen at 240×70 for an LSTM-128 probed over the
// default 5,000-character window.
func BenchmarkView(b *testing.B) {
	live := sizedLive(b, nets.LSTM, 5, 128, probe.DefaultScored)
	for range 3 {
		live.Advance()
	}
	m := sized(New(Config{Live: live, Lockstep: 5, Captions: true}), 240, 70)
	m.adopt(live.Latest())
	for _, s := range []int{screenScope, screenRaster, screenGradients, screenGates} {
		b.Run(screenNames[s], func(b *testing.B) {
			m.screen = s
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// TestCountersAloneWaitForTheNextCounterFrame checks which snapshot changes the
// live screen takes up at once and which wait for the next counter frame.
func TestCountersAloneWaitForTheNextCounterFrame(t *testing.T) {
	a := &probe.Snapshot{Step: 10, Chars: 10240, CharsPerSec: 1e5, Loss: 2, AblatedLoss: math.NaN(),
		Samples: []probe.Sample{{Chars: 5, Text: "x"}}}
	b := *a
	b.Step, b.Chars, b.CharsPerSec, b.Loss = 11, 11264, 1.1e5, 1.9
	if beyondCounters(a, &b) {
		t.Fatal("a snapshot that only moved the counters counts as a change")
	}
	for name, change := range map[string]func(s *probe.Snapshot){
		"pause":   func(s *probe.Snapshot) { s.Paused = true },
		"probe":   func(s *probe.Snapshot) { s.Report = &probe.Report{} },
		"sample":  func(s *probe.Snapshot) { s.Samples = []probe.Sample{{Chars: 6, Text: "y"}} },
		"event":   func(s *probe.Snapshot) { s.Events = []probe.Event{{Text: "c1 now tracks quote"}} },
		"lr":      func(s *probe.Snapshot) { s.LR = 1 },
		"clamp":   func(s *probe.Snapshot) { s.Override = &nets.Override{} },
		"ablated": func(s *probe.Snapshot) { s.AblatedLoss = 2.5 },
	} {
		c := b
		change(&c)
		if !beyondCounters(a, &c) {
			t.Errorf("%s: not taken up at once", name)
		}
	}
}
