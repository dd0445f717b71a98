package cast

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/creack/pty"
)

// clock is a fake clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Unix(1_700_000_000, 0)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// lines splits a recording into its JSON lines, checking each is valid JSON.
func lines(t *testing.T, b []byte) []string {
	t.Helper()
	ls := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	for i, l := range ls {
		if !json.Valid([]byte(l)) {
			t.Fatalf("line %d is not JSON: %q", i+1, l)
		}
	}
	return ls
}

func TestHeaderAndEventsAreAsciicastV2(t *testing.T) {
	c := newClock()
	var buf bytes.Buffer
	w, err := New(&buf, Options{Width: 80, Height: 24, Title: "rnnscope demo",
		Env: map[string]string{"TERM": "xterm-256color", "SHELL": "/bin/bash"}, Theme: ThemeFor("dark", true), Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	c.advance(1500 * time.Millisecond)
	w.Write([]byte("hello \x1b[1mbold\x1b[0m \"quoted\" \\ tab\t"))
	c.advance(250 * time.Millisecond)
	w.Resize(100, 30)
	w.Resize(100, 30) // the same size again: no event
	w.Write([]byte("é 한국어\r\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ls := lines(t, buf.Bytes())
	want := []string{
		`{"version":2,"width":80,"height":24,"timestamp":1700000000,"idle_time_limit":2,"title":"rnnscope demo",` +
			`"env":{"SHELL":"/bin/bash","TERM":"xterm-256color"},"theme":{"fg":"#d7dae0","bg":"#121212",` +
			`"palette":"#000000:#800000:#008000:#808000:#000080:#800080:#008080:#c0c0c0:#808080:#ff0000:#00ff00:#ffff00:#0000ff:#ff00ff:#00ffff:#ffffff"}}`,
		`[1.500000, "o", "hello \u001b[1mbold\u001b[0m \"quoted\" \\ tab\t"]`,
		`[1.750000, "r", "100x30"]`,
		`[1.750000, "o", "é 한국어\r\n"]`,
	}
	if len(ls) != len(want) {
		t.Fatalf("%d lines:\n%s", len(ls), strings.Join(ls, "\n"))
	}
	for i := range want {
		if ls[i] != want[i] {
			t.Errorf("line %d\n got %s\nwant %s", i+1, ls[i], want[i])
		}
	}
	f, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if f.Header.Title != "rnnscope demo" || len(f.Events) != 3 || f.Events[1].Data != "100x30" || f.Duration() != 1.75 {
		t.Fatalf("read back %+v", f)
	}
}

func TestLongPausesAreShortenedToTheIdleLimit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit time.Duration
		want  []float64
	}{
		{"default limit of 2 s", 0, []float64{0.5, 2.5, 3.5, 5.5}},
		{"a limit of 1 s", time.Second, []float64{0.5, 1.5, 2.5, 3.5}},
		{"no limit", -1, []float64{0.5, 10.5, 11.5, 71.5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			var buf bytes.Buffer
			w, err := New(&buf, Options{Width: 10, Height: 2, IdleLimit: tc.limit, Now: c.now})
			if err != nil {
				t.Fatal(err)
			}
			for _, gap := range []time.Duration{500 * time.Millisecond, 10 * time.Second, time.Second, time.Minute} {
				c.advance(gap)
				w.Write([]byte("x"))
			}
			w.Close()
			f, err := Read(&buf)
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range f.Events {
				if e.Time != tc.want[i] {
					t.Fatalf("event %d at %g s, want %g", i, e.Time, tc.want[i])
				}
			}
			if tc.limit < 0 && f.Header.IdleTimeLimit != 0 {
				t.Fatalf("no limit wrote idle_time_limit %g", f.Header.IdleTimeLimit)
			}
		})
	}
}

func TestCharactersSplitAcrossWritesStayWhole(t *testing.T) {
	var buf bytes.Buffer
	w, _ := New(&buf, Options{Width: 10, Height: 2})
	s := []byte("a한b▶c")
	for i := range s { // one byte at a time
		w.Write(s[i : i+1])
	}
	w.Write([]byte{0xff, 'z'}) // invalid UTF-8 becomes U+FFFD
	w.Write([]byte{0xe2, 0x96})
	w.Close() // a sequence that never completed
	f, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Output(); got != "a한b▶c\ufffdz\ufffd\ufffd" {
		t.Fatalf("output %q", got)
	}
}

func TestMapNewlineActsAsTheTerminalWould(t *testing.T) {
	var buf bytes.Buffer
	w, _ := New(&buf, Options{Width: 10, Height: 2, MapNewline: true})
	w.Write([]byte("a\nb\r\nc\r"))
	w.Write([]byte("\nd\n"))
	w.Close()
	f, _ := Read(&buf)
	if got := f.Output(); got != "a\r\nb\r\nc\r\nd\r\n" {
		t.Fatalf("output %q", got)
	}
}

func TestTerminalQueriesAreLeftOut(t *testing.T) {
	var buf bytes.Buffer
	w, _ := New(&buf, Options{Width: 10, Height: 2})
	w.Write([]byte("\x1b[?2026$p\x1b[?2027$p\x1b]11;?\a"))                      // nothing shown: no event
	w.Write([]byte("\x1b[>q\x1bP+q5463\x1b\\hi\x1b[6n\x1b[c\x1b]52;c;?\x1b\\")) // "hi" is kept
	w.Write([]byte("\x1b[?1049h\x1b[10c\x1b]11;#000000\a"))                     // not queries
	w.Close()
	f, _ := Read(&buf)
	if len(f.Events) != 2 || f.Output() != "hi\x1b[?1049h\x1b[10c\x1b]11;#000000\a" {
		t.Fatalf("events %+v", f.Events)
	}
	buf.Reset()
	w, _ = New(&buf, Options{Width: 10, Height: 2, KeepQueries: true})
	w.Write([]byte("\x1b]11;?\a"))
	w.Close()
	if f, _ := Read(&buf); f.Output() != "\x1b]11;?\a" {
		t.Fatal("KeepQueries dropped a query")
	}
}

func TestCreateWritesPartialThenRenames(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "demo.cast")
	if err := os.WriteFile(path, []byte("an older recording\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := Create(path, Options{Width: 20, Height: 5})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("first frame"))
	// Killed now, the partial file would already play: header and one event.
	part, err := os.ReadFile(path + ".partial")
	if err != nil {
		t.Fatal(err)
	}
	if len(lines(t, part)) != 2 {
		t.Fatalf("partial file:\n%s", part)
	}
	if old, _ := os.ReadFile(path); string(old) != "an older recording\n" {
		t.Fatal("the old recording was replaced before Close")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
	if _, err := os.Stat(path + ".partial"); !os.IsNotExist(err) {
		t.Fatal("the partial file is still there")
	}
	data, _ := os.ReadFile(path)
	f, err := Read(bytes.NewReader(data))
	if err != nil || f.Output() != "first frame" {
		t.Fatalf("final file: %v\n%s", err, data)
	}
	if _, err := Create(filepath.Join(dir, "missing", "x.cast"), Options{Width: 1, Height: 1}); err == nil {
		t.Fatal("Create in a missing folder succeeded")
	}
	if _, err := New(&bytes.Buffer{}, Options{}); err == nil {
		t.Fatal("a 0×0 recording was accepted")
	}
}

// TestConcurrentWritersKeepLinesWhole writes from several goroutines, as Bubble
// Tea's renderer and event loop do; run it with -race.
func TestConcurrentWritersKeepLinesWhole(t *testing.T) {
	var buf bytes.Buffer
	w, _ := New(&buf, Options{Width: 80, Height: 24})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				w.Write([]byte(strings.Repeat(string(rune('a'+g)), i%50+1)))
				if i%37 == 0 {
					w.Resize(80+g, 24)
				}
			}
		}()
	}
	wg.Wait()
	w.Close()
	f, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range f.Events {
		if e.Kind == "o" {
			n++
			if strings.Trim(e.Data, e.Data[:1]) != "" {
				t.Fatalf("an event mixes writers: %q", e.Data)
			}
		}
	}
	if n != 8*200 {
		t.Fatalf("%d output events, want %d", n, 8*200)
	}
}

func TestScreenReplaysTheLastFrame(t *testing.T) {
	var buf bytes.Buffer
	w, _ := New(&buf, Options{Width: 20, Height: 4})
	w.Write([]byte("\x1b[?1049h\x1b[H\x1b[2Jframe one\r\nline two"))
	w.Write([]byte("\x1b[1;7Htwo"))
	w.Resize(30, 4)
	w.Write([]byte("\x1b[3;1H" + strings.Repeat("w", 25)))
	w.Write([]byte("\x1b[?1049l")) // leaving the alternate screen blanks it
	w.Close()
	f, _ := Read(&buf)
	want := "frame two\nline two\n" + strings.Repeat("w", 25)
	if got := f.Screen(); got != want {
		t.Fatalf("screen\n%q\nwant\n%q", got, want)
	}
}

func TestReadRefusesWhatPlayersCannotPlay(t *testing.T) {
	for _, bad := range []string{
		"",
		`{"version":1,"width":80,"height":24}`,
		`{"version":2,"width":0,"height":24}`,
		"{\"version\":2,\"width\":8,\"height\":2}\n[1.0, \"o\", \"a\"]\n[0.5, \"o\", \"b\"]",
		"{\"version\":2,\"width\":8,\"height\":2}\n[1.0, \"r\", \"wide\"]",
		"{\"version\":2,\"width\":8,\"height\":2}\n[1.0, \"o\"]",
	} {
		if _, err := Read(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// TestTeeRecordsResizesOfTheTerminal writes through a Tee to a pseudo-terminal,
// resizes it and checks that the recording has the "r" event before the output
// that followed.
func TestTeeRecordsResizesOfTheTerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	go func() { _, _ = bytes.NewBuffer(nil).ReadFrom(ptmx) }() // drain what the "terminal" shows
	if err := pty.Setsize(tty, &pty.Winsize{Cols: 80, Rows: 24}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	rec, _ := New(&buf, Options{Width: 80, Height: 24})
	tee := NewTee(tty, rec)
	if tee.Fd() != tty.Fd() {
		t.Fatal("Tee does not pass for the terminal")
	}
	tee.Write([]byte("before"))
	if err := pty.Setsize(tty, &pty.Winsize{Cols: 120, Rows: 40}); err != nil {
		t.Fatal(err)
	}
	tee.Write([]byte("after"))
	rec.Close()
	f, _ := Read(&buf)
	var got []string
	for _, e := range f.Events {
		got = append(got, e.Kind+":"+e.Data)
	}
	if strings.Join(got, " ") != "o:before r:120x40 o:after" {
		t.Fatalf("events %v", got)
	}
}

func TestARepeatedClearIsLeftOut(t *testing.T) {
	var buf bytes.Buffer
	w, _ := New(&buf, Options{Width: 10, Height: 2})
	w.Write([]byte("\x1b[?1049h\x1b[H\x1b[2J"))
	w.Write([]byte("\x1b[H\x1b[2J"))                   // nothing to clear: no event
	w.Write([]byte("\x1b[H\x1b[2Jframe\x1b[H\x1b[2J")) // the first clear goes
	w.Write([]byte("\x1b[H\x1b[2Jx"))
	w.Close()
	f, _ := Read(&buf)
	if len(f.Events) != 3 || f.Output() != "\x1b[?1049h\x1b[H\x1b[2Jframe\x1b[H\x1b[2Jx" {
		t.Fatalf("events %+v", f.Events)
	}
}

// counter is a model that draws a new frame every millisecond, much faster
// than the renderer writes.
type counter struct{ n, last int }

type countMsg struct{}

func (c counter) Init() tea.Cmd { return c.next() }
func (c counter) next() tea.Cmd {
	return tea.Tick(time.Millisecond, func(time.Time) tea.Msg { return countMsg{} })
}
func (c counter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(countMsg); ok {
		c.n++
		if c.n == c.last {
			return c, tea.Quit
		}
		return c, c.next()
	}
	return c, nil
}
func (c counter) View() tea.View {
	v := tea.NewView(fmt.Sprintf("frame %d", c.n))
	v.AltScreen = true
	return v
}

// TestSyncFramesWritesEveryFrame runs a model that draws frames faster than the
// renderer ticks: alone, the renderer writes some of them; with SyncFrames it
// writes each one, in order.
func TestSyncFramesWritesEveryFrame(t *testing.T) {
	const frames = 40
	for _, sync := range []bool{false, true} {
		var buf bytes.Buffer
		rec, _ := New(&buf, Options{Width: 20, Height: 3, MapNewline: true})
		opts := []tea.ProgramOption{tea.WithOutput(rec), tea.WithInput(nil), tea.WithWindowSize(20, 3),
			tea.WithoutSignals(), tea.WithFPS(60), tea.WithEnvironment([]string{"TERM=xterm-256color"})}
		if sync {
			opts = append(opts, SyncFrames(rec))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if _, err := tea.NewProgram(counter{last: frames}, append(opts, tea.WithContext(ctx))...).Run(); err != nil {
			t.Fatal(err)
		}
		cancel()
		rec.Close()
		f, _ := Read(&buf)
		seen := map[string]bool{}
		for k := range f.Events { // the screen after each event
			seen[(&File{Header: f.Header, Events: f.Events[:k+1]}).Screen()] = true
		}
		missing := 0
		for i := range frames + 1 {
			if !seen[fmt.Sprintf("frame %d", i)] {
				missing++
			}
		}
		t.Logf("sync %v: %d of %d frames never shown, %d events", sync, missing, frames+1, len(f.Events))
		if sync && missing > 0 {
			t.Fatalf("with SyncFrames %d of %d frames were never shown", missing, frames+1)
		}
	}
}
