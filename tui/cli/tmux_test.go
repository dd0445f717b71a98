package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/rnnscope/rnnscope/nets"
)

// tmuxSession is a private tmux server running one command in a pane.
type tmuxSession struct {
	t    *testing.T
	name string
}

func needTmux(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("tmux end-to-end tests are not -short")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but tmux is missing: .ci/run installs it")
		}
		t.Skip("tmux is not installed")
	}
}

// startTmux runs command in a w×h pane; the pane stays after the command ends so
// its exit status can be read.
func startTmux(t *testing.T, w, h int, command string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, name: fmt.Sprintf("rs%d", time.Now().UnixNano())}
	s.run("new-session", "-d", "-s", s.name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), command+"; echo EXIT=$?; sleep 120")
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.name, "kill-server").Run() })
	return s
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "tmux", append([]string{"-L", s.name, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.run("capture-pane", "-p", "-t", s.name) }

// waitFor polls the screen until re matches, or fails after d.
func (s *tmuxSession) waitFor(re string, d time.Duration) string {
	s.t.Helper()
	rx := regexp.MustCompile(re)
	end := time.Now().Add(d)
	for {
		scr := s.screen()
		if rx.MatchString(scr) {
			return scr
		}
		if time.Now().After(end) {
			s.t.Fatalf("no /%s/ on screen after %s:\n%s", re, d, scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitGone polls until re no longer matches.
func (s *tmuxSession) waitGone(re string, d time.Duration) string {
	s.t.Helper()
	rx := regexp.MustCompile(re)
	end := time.Now().Add(d)
	for {
		scr := s.screen()
		if !rx.MatchString(scr) {
			return scr
		}
		if time.Now().After(end) {
			s.t.Fatalf("/%s/ still on screen after %s:\n%s", re, d, scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *tmuxSession) keys(k ...string) { s.run(append([]string{"send-keys", "-t", s.name}, k...)...) }

func (s *tmuxSession) resize(w, h int) {
	s.run("resize-window", "-t", s.name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h))
}

// fits checks that no line of the captured screen is wider than w.
func (s *tmuxSession) fits(scr string, w int) {
	s.t.Helper()
	for i, l := range strings.Split(strings.TrimRight(scr, "\n"), "\n") {
		if n := ansi.StringWidth(l); n > w {
			s.t.Fatalf("line %d is %d cells on a %d-column terminal: %q", i, n, w, l)
		}
	}
}

// TestLiveSessionInTmux drives the real binary in a real terminal: it waits for the
// leaderboard, pins a unit, resizes to 80×24 and 240×70, visits every screen,
// saves and quits with status 0.
func TestLiveSessionInTmux(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	ck := filepath.Join(t.TempDir(), "live.safetensors")
	s := startTmux(t, 120, 40, fmt.Sprintf("env TERM=xterm-256color COLORTERM=truecolor timeout --foreground -k 5 -s INT 120 %s --lang en --hidden 32 --seed 1 --save %s", bin, ck))
	s.waitFor(`Best units for quote`, 60*time.Second)
	s.waitFor(`▶ c\d+`, 10*time.Second)
	s.keys("Down", "Enter")
	s.waitFor(`pinned [hc]\d+`, 5*time.Second)

	s.resize(80, 24)
	scr := s.waitFor(`^  1 Scope (.*\n){23}.*space pause`, 10*time.Second) // 24 rows: tabs first, help last
	s.fits(scr, 80)
	s.resize(240, 70)
	scr = s.waitFor(`Events`, 10*time.Second)
	s.fits(scr, 240)

	for _, screen := range []string{"2", "3", "4"} {
		s.keys(screen)
		s.waitGone(`Best units for`, 10*time.Second)
	}
	s.keys("1")
	s.waitFor(`Best units for`, 10*time.Second)

	s.keys("s")
	s.waitFor(`saved .*live\.safetensors`, 20*time.Second)
	if _, err := nets.Load(ck); err != nil {
		t.Fatalf("the saved checkpoint does not load: %v", err)
	}
	s.keys("q")
	s.waitFor(`(?m)^EXIT=0$`, 20*time.Second)
}

// TestNoColorShowsNoColour runs the binary with NO_COLOR in tmux and checks the
// screen (with its escapes) has no colour, only attributes.
func TestNoColorShowsNoColour(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	s := startTmux(t, 100, 30, fmt.Sprintf("env -u TMUX NO_COLOR=1 TERM=xterm-256color timeout --foreground -k 5 -s INT 60 %s --lang en --hidden 16 --seed 1 --seconds 20", bin))
	s.waitFor(`Best units for`, 60*time.Second)
	esc := s.run("capture-pane", "-p", "-e", "-t", s.name)
	if c := regexp.MustCompile(`\x1b\[[0-9;]*(38|48|3[0-7]|4[0-7]|9[0-7]|10[0-7])[;m]`).FindString(esc); c != "" {
		t.Fatalf("NO_COLOR screen has a colour escape %q", c)
	}
	if !strings.Contains(esc, "\x1b[") {
		t.Fatal("no attributes at all: the mono theme should still use bold, underline and reverse")
	}
}

// TestBoundedSessionQuitsByItself checks --seconds ends a live session with status
// 0, and that a live session without a terminal says so in one line.
func TestBoundedSessionQuitsByItself(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	s := startTmux(t, 80, 24, fmt.Sprintf("env TERM=xterm-256color %s --lang en --hidden 16 --seconds 4", bin))
	s.waitFor(`(?m)^EXIT=0$`, 60*time.Second)

	out, err := exec.Command(bin).CombinedOutput()
	ee, _ := err.(*exec.ExitError)
	if ee == nil || ee.ExitCode() != ExitUsage || strings.Count(string(out), "\n") != 1 || !strings.Contains(string(out), "rnnscope train") {
		t.Fatalf("rnnscope into a pipe: %v, %q; want status 2 and one line pointing to rnnscope train", err, out)
	}
}

// TestLessonsWalkInTmux walks all nine lessons in both languages in a real
// terminal, as a teacher would, and quits with status 0.
func TestLessonsWalkInTmux(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	for _, lang := range []string{"en", "ko"} {
		s := startTmux(t, 100, 30, fmt.Sprintf("env TERM=xterm-256color COLORTERM=truecolor %s lesson --lang %s --hidden 32", bin, lang))
		for n := 1; n <= 9; n++ {
			want := fmt.Sprintf(`Lesson %d of 9`, n)
			if lang == "ko" {
				want = fmt.Sprintf(`%d강 \(전체 9강\)`, n)
			}
			scr := s.waitFor(want, 30*time.Second)
			s.fits(scr, 100)
			if n < 9 {
				s.keys("]")
			}
		}
		s.keys("enter") // lesson 9 opens the Gradients screen
		s.waitGone(`9 of 9|9강`, 10*time.Second)
		s.keys("q")
		s.waitFor(`(?m)^EXIT=0$`, 20*time.Second)
	}
}
