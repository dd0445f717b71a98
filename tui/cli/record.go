package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"

	"github.com/rnnscope/rnnscope/tui/cast"
)

// recordFPS is the renderer's frame rate while a lockstep session is recorded:
// each frame waits for the renderer to write the one before (cast.SyncFrames),
// so a fast renderer keeps that wait short.
const recordFPS = 120

// checkRecord validates --record: a .cast file in a folder that exists.
func checkRecord(path string) error {
	if !strings.HasSuffix(path, ".cast") || strings.HasSuffix(path, string(filepath.Separator)+".cast") || path == ".cast" {
		return usagef("--record %s: want a FILE.cast", path)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return usagef("--record %s: is a folder; want a FILE.cast", path)
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return usagef("--record %s: the folder %s does not exist", path, dir)
	}
	return nil
}

// recordInfo is what a recording's header says, and how the session runs.
type recordInfo struct {
	Title    string // e.g. "rnnscope demo"
	Theme    string // --theme: the header's colours
	Lockstep bool   // a lockstep session: render every frame on its own
}

// startRecording records a live session to path (a .cast file) beside the
// terminal out, at the terminal's size. It returns the Bubble Tea options that
// put the recording in place (pass them to tui.Run) and finish, which closes
// the file once the program has returned and says on stderr what was recorded.
// Until finish, the events go to path + ".partial", flushed one by one, so a
// session killed outright still leaves everything it showed.
func startRecording(stdio IO, path string, out *os.File, info recordInfo) (opts []tea.ProgramOption, finish func() error, err error) {
	w, h, err := term.GetSize(out.Fd())
	if err != nil || w < 1 || h < 1 {
		w, h = 80, 24
	}
	rec, err := cast.Create(path, castOptions(stdio.Env, w, h, info))
	if err != nil {
		return nil, nil, fmt.Errorf("--record %s: %w", path, err)
	}
	finish = func() error {
		if err := rec.Close(); err != nil {
			return fmt.Errorf("recording %s: %w", path, err)
		}
		size := ""
		if fi, err := os.Stat(path); err == nil {
			size = ", " + bytesHuman(fi.Size())
		}
		fmt.Fprintf(stdio.Err, "rnnscope: recorded %s (%s events%s); play it with asciinema play %s\n",
			path, group(int64(rec.Events())), size, path)
		return nil
	}
	return recordingOptions(cast.NewTee(out, rec), rec, info.Lockstep), finish, nil
}

// castOptions is a recording's header: size, title, TERM and SHELL, and the
// theme's colours (auto is taken as dark, the TUI's assumption until the
// terminal answers).
func castOptions(env []string, w, h int, info recordInfo) cast.Options {
	title := info.Title
	if title == "" {
		title = "rnnscope"
	}
	e := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if k == "TERM" || k == "SHELL" {
			e[k] = v
		}
	}
	dark := info.Theme != "light"
	return cast.Options{Width: w, Height: h, Title: title, Env: e, Theme: cast.ThemeFor(info.Theme, dark)}
}

// recordingOptions sends the program's output to out (the terminal and the
// recording side by side). In lockstep every frame is written on its own, in
// order, so two recordings of the same scripted session hold the same events.
func recordingOptions(out io.Writer, rec *cast.Writer, lockstep bool) []tea.ProgramOption {
	opts := []tea.ProgramOption{tea.WithOutput(out)}
	if lockstep {
		opts = append(opts, tea.WithFPS(recordFPS), cast.SyncFrames(rec))
	}
	return opts
}

// bytesHuman writes a file size: 812 B, 14.2 kB, 1.31 MB.
func bytesHuman(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
