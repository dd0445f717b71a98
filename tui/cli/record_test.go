package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
	"github.com/spf13/cobra"

	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/tui"
	"github.com/rnnscope/rnnscope/tui/cast"
)

func TestRecordFlagWantsACastFileInAFolderThatExists(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ path, want string }{
		{"x.txt", "--record x.txt: want a FILE.cast"},
		{"demo", "--record demo: want a FILE.cast"},
		{".cast", "--record .cast: want a FILE.cast"},
		{filepath.Join(dir, "no", "such", "d.cast"), "does not exist"},
		{filepath.Join(dir, "ok.cast"), ""},
	} {
		err := checkRecord(tc.path)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.path, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want %q", tc.path, err, tc.want)
		case err != nil && exitStatus(err) != ExitUsage:
			t.Errorf("%s: exit status %d, want 2", tc.path, exitStatus(err))
		}
	}
	folder := filepath.Join(dir, "f.cast")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := checkRecord(folder); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("a folder named .cast: %v", err)
	}
}

// liveConfig sets up a live session as runLive does, from command-line flags,
// and returns its tui.Config; training stops with the test.
func liveConfig(t *testing.T, flags ...string) tui.Config {
	t.Helper()
	cmd := &cobra.Command{Use: "rnnscope"}
	o := &liveOpts{}
	o.register(cmd)
	if err := cmd.Flags().Parse(flags); err != nil {
		t.Fatal(err)
	}
	if err := o.validate(); err != nil {
		t.Fatal(err)
	}
	s, err := newSession(cmd, IO{In: strings.NewReader("")}, &o.trainOpts)
	if err != nil {
		t.Fatal(err)
	}
	heldIDs, heldText := s.corpus.Held()
	win, err := probe.NewWindow(heldIDs, heldText, probe.DefaultWarmup, probe.DefaultScored)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	live := probe.StartLive(ctx, probe.LiveConfig{
		Name: s.corpus.Name, Trainer: s.trainer, Corpus: s.corpus, Vocab: s.vocab, Window: win,
		Options: probe.Options{Top: 10}, Rand: o.train.rng(), Meta: s.meta, Lockstep: o.lockstep,
	})
	t.Cleanup(func() { cancel(); live.Wait() })
	trio := func() *probe.Trio {
		tc, _ := o.train.config()
		return probe.StartTrio(ctx, probe.TrioConfig{
			Name: s.corpus.Name, Corpus: s.corpus, Vocab: s.cfg.Vocab, Hidden: s.cfg.Hidden, Layers: s.cfg.Layers,
			Train: tc, Rand: o.train.rng, Seed: o.train.seed, Held: heldIDs, ForgetBias: o.net.forgetBias,
			Lockstep: o.lockstep, Paused: true,
		})
	}
	return tui.Config{Live: live, Trio: trio, Theme: o.theme, View: o.view, FPS: o.fps, Lockstep: o.lockstep,
		Captions: !o.noCaptions, Lang: o.lang}
}

// recordInProcess runs the TUI as tui.Run does, with the recording options
// runLive adds, into a cast on a buffer; the program's input is a pipe that
// never sends a key. It returns the recording and the final model.
func recordInProcess(t *testing.T, cfg tui.Config, title string, w, h int) (*cast.File, []byte, tui.Model) {
	t.Helper()
	var buf bytes.Buffer
	env := []string{"TERM=xterm-256color", "SHELL=/bin/sh"}
	co := castOptions(env, w, h, recordInfo{Title: title, Theme: cfg.Theme, Lockstep: cfg.Lockstep > 0})
	co.MapNewline = true // Bubble Tea writes bare newlines when its input is not a terminal
	rec, err := cast.New(&buf, co)
	if err != nil {
		t.Fatal(err)
	}
	in, inw := io.Pipe()
	defer inw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	opts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithFPS(max(cfg.FPS, 30))} // as tui.Run
	opts = append(opts, recordingOptions(rec, rec, cfg.Lockstep > 0)...)
	opts = append(opts, tea.WithInput(in), tea.WithWindowSize(w, h), tea.WithEnvironment(env),
		tea.WithColorProfile(colorprofile.TrueColor), tea.WithoutSignals())
	fm, err := tea.NewProgram(tui.New(cfg), opts...).Run()
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	raw := bytes.Clone(buf.Bytes())
	f, err := cast.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return f, raw, fm.(tui.Model)
}

// lockstepScript is a short scripted session: about a second and a half of
// frames at --fps 10, a key, a pin and a screen change.
const lockstepScript = `at 0s say "recording test"
at 0.3s press down enter
at 0.6s view raster
at 0.9s view scope
at 1.2s pin best quote
at 1.5s quit`

// TestLockstepRecordingsAreIdenticalApartFromTimes records the same scripted
// lockstep session twice and compares every event but its time; then it plays
// the recording in a terminal emulator and compares the screen with the
// model's last frame.
func TestLockstepRecordingsAreIdenticalApartFromTimes(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two sessions")
	}
	script, err := tui.ParseScript(lockstepScript)
	if err != nil {
		t.Fatal(err)
	}
	flags := []string{"--hidden", "16", "--seq", "16", "--batch", "4", "--lockstep", "2", "--fps", "10", "--theme", "dark"}
	var runs []*cast.File
	var raw []byte
	var last tui.Model
	for range 2 {
		cfg := liveConfig(t, flags...)
		cfg.Script = script
		f, b, fm := recordInProcess(t, cfg, "rnnscope test", 100, 30)
		runs = append(runs, f)
		raw, last = b, fm
	}
	a, b := runs[0], runs[1]
	if len(a.Events) != len(b.Events) {
		t.Errorf("the recordings have %d and %d events", len(a.Events), len(b.Events))
	}
	for i := range min(len(a.Events), len(b.Events)) {
		ea, eb := a.Events[i], b.Events[i]
		if ea.Kind != eb.Kind || ea.Data != eb.Data {
			t.Fatalf("event %d differs:\n%q %.200q\n%q %.200q", i, ea.Kind, ea.Data, eb.Kind, eb.Data)
		}
	}
	if a.Output() != b.Output() {
		t.Fatal("the recorded output differs")
	}
	want := cast.TrimScreen(ansi.Strip(last.View().Content))
	if got := a.Screen(); got != want {
		t.Fatalf("the recording replays to\n%s\nwant the model's last frame\n%s", got, want)
	}
	h := a.Header
	if h.Width != 100 || h.Height != 30 || h.Title != "rnnscope test" || h.Env["TERM"] != "xterm-256color" ||
		h.Theme == nil || h.Theme.Bg != "#121212" || h.IdleTimeLimit != 2 {
		t.Errorf("header %+v", h)
	}
	t.Logf("%d events, %d bytes of output, %.2f s", len(a.Events), len(a.Output()), a.Duration())

	// asciinema itself plays it, and shows the same screen.
	path := filepath.Join(t.TempDir(), "session.cast")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}

	if got := asciinemaScreen(t, path, 100, 30, "cat"); got != want && got != asciinemaSkipped {
		t.Fatalf("asciinema cat shows\n%s\nwant\n%s", got, want)
	}
	if got := asciinemaScreen(t, path, 100, 30, "play"); got != want && got != asciinemaSkipped {
		t.Fatalf("asciinema play shows\n%s\nwant\n%s", got, want)
	}
}

// asciinemaScreen runs `asciinema CMD FILE` (cat, or play at high speed) on a
// pseudo-terminal of the recording's size, as a user would, checks that it
// succeeds, and returns the last frame it drew. It skips without asciinema
// (CI installs it: .ci/run).
func asciinemaScreen(t *testing.T, path string, w, h int, cmd string) string {
	t.Helper()
	if _, err := exec.LookPath("asciinema"); err != nil {
		t.Log("asciinema is not installed: not played with it")
		return asciinemaSkipped
	}
	args := []string{cmd, path}
	if cmd == "play" {
		args = []string{"play", "-s", "20", "-i", "0.05", path}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, "asciinema", args...)
	c.Env = append(os.Environ(), "TERM=xterm-256color")
	ptmx, err := pty.StartWithSize(c, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)})
	if err != nil {
		t.Fatalf("asciinema %s on a pty: %v", cmd, err)
	}
	var out bytes.Buffer
	_, _ = io.Copy(&out, ptmx) // until the child exits (EIO)
	_ = ptmx.Close()
	if err := c.Wait(); err != nil {
		t.Fatalf("asciinema %s %s: %v\n%q", cmd, path, err, tail(out.String(), 400))
	}
	f := &cast.File{Header: cast.Header{Version: 2, Width: w, Height: h}, Events: []cast.Event{{Kind: "o", Data: out.String()}}}
	return f.Screen()
}

// asciinemaSkipped stands for a screen asciinema did not draw.
const asciinemaSkipped = "(asciinema not installed)"

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// TestRecordTheDemoForTheDocs records `rnnscope demo` in lockstep, as
// `rnnscope demo --lockstep 6 --fps 8 --record docs/demo.cast` would on a
// 100×30 terminal, into the file RNNSCOPE_RECORD_DEMO names (skipped without
// it). It checks that the result replays to the demo's last frame.
//
//	RNNSCOPE_RECORD_DEMO=$PWD/docs/demo.cast go test ./tui/cli -run TestRecordTheDemoForTheDocs -timeout 10m
func TestRecordTheDemoForTheDocs(t *testing.T) {
	path := os.Getenv("RNNSCOPE_RECORD_DEMO")
	if path == "" {
		t.Skip("set RNNSCOPE_RECORD_DEMO=FILE.cast to record the demo")
	}
	cfg := liveConfig(t, "--lockstep", "6", "--fps", "8", "--theme", "dark", "--lang", "en")
	cfg.Script = tui.DemoScript()
	f, raw, fm := recordInProcess(t, cfg, "rnnscope demo", 100, 30)
	if got, want := f.Screen(), cast.TrimScreen(ansi.Strip(fm.View().Content)); got != want {
		t.Fatalf("the recording replays to\n%s\nwant\n%s", got, want)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d events, %.1f s, %s", path, len(f.Events), f.Duration(), bytesHuman(int64(len(raw))))
}

// TestTheDocsDemoPlays checks the recording the README links: a valid
// asciicast v2 file, small, that replays to a frame of the tour.
func TestTheDocsDemoPlays(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "demo.cast")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("no %s: %v", path, err)
	}
	if len(data) > 2<<20 {
		t.Errorf("%s is %s; keep it under 2 MB", path, bytesHuman(int64(len(data))))
	}
	f, err := cast.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if f.Header.Title != "rnnscope demo" || f.Header.Theme == nil || len(f.Events) < 100 {
		t.Fatalf("%s: header %+v, %d events", path, f.Header, len(f.Events))
	}
	if scr := f.Screen(); !strings.Contains(scr, "Scope") || !strings.Contains(scr, "step") {
		t.Fatalf("%s replays to\n%s", path, scr)
	}
	if got := asciinemaScreen(t, path, f.Header.Width, f.Header.Height, "cat"); got != f.Screen() && got != asciinemaSkipped {
		t.Fatalf("asciinema cat shows\n%s\nwant\n%s", got, f.Screen())
	}
}
