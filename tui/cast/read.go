package cast

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// Header is an asciicast v2 header as read back.
type Header struct {
	Version       int               `json:"version"`
	Width         int               `json:"width"`
	Height        int               `json:"height"`
	Timestamp     int64             `json:"timestamp"`
	IdleTimeLimit float64           `json:"idle_time_limit"`
	Title         string            `json:"title"`
	Env           map[string]string `json:"env"`
	Theme         *struct {
		Fg, Bg, Palette string
	} `json:"theme"`
}

// Event is one event of a recording: Time in seconds since the start, Kind "o"
// (output) or "r" (resize, Data "WxH"; other kinds are kept as they are).
type Event struct {
	Time float64
	Kind string
	Data string
}

// File is a recording read back.
type File struct {
	Header Header
	Events []Event
}

// Read parses an asciicast v2 file: a header line, then one event per line.
// It checks what players rely on: version 2, a positive size, events in time
// order, resize events of the form WxH.
func Read(r io.Reader) (*File, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("empty recording: no header")
	}
	f := &File{}
	if err := json.Unmarshal(sc.Bytes(), &f.Header); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if f.Header.Version != 2 {
		return nil, fmt.Errorf("header: version %d, want 2", f.Header.Version)
	}
	if f.Header.Width < 1 || f.Header.Height < 1 {
		return nil, fmt.Errorf("header: size %d×%d", f.Header.Width, f.Header.Height)
	}
	prev := 0.0
	for line := 2; sc.Scan(); line++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		var raw []json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil || len(raw) != 3 {
			return nil, fmt.Errorf("line %d: want [time, kind, data]", line)
		}
		var e Event
		if json.Unmarshal(raw[0], &e.Time) != nil || json.Unmarshal(raw[1], &e.Kind) != nil ||
			json.Unmarshal(raw[2], &e.Data) != nil {
			return nil, fmt.Errorf("line %d: want [number, string, string]", line)
		}
		if e.Time < prev {
			return nil, fmt.Errorf("line %d: time %g before %g", line, e.Time, prev)
		}
		prev = e.Time
		if e.Kind == "r" {
			if _, _, ok := parseSize(e.Data); !ok {
				return nil, fmt.Errorf("line %d: resize %q, want WxH", line, e.Data)
			}
		}
		f.Events = append(f.Events, e)
	}
	return f, sc.Err()
}

func parseSize(s string) (w, h int, ok bool) {
	a, b, found := strings.Cut(s, "x")
	if !found {
		return 0, 0, false
	}
	w, err1 := strconv.Atoi(a)
	h, err2 := strconv.Atoi(b)
	return w, h, err1 == nil && err2 == nil && w > 0 && h > 0
}

// Output is every "o" event's data in order: the byte stream the terminal got.
func (f *File) Output() string {
	var b strings.Builder
	for _, e := range f.Events {
		if e.Kind == "o" {
			b.WriteString(e.Data)
		}
	}
	return b.String()
}

// Duration is the time of the last event, in seconds.
func (f *File) Duration() float64 {
	if len(f.Events) == 0 {
		return 0
	}
	return f.Events[len(f.Events)-1].Time
}

// Screen plays the recording into a terminal emulator (github.com/charmbracelet/x/vt)
// and returns the text on its screen, each line with its trailing spaces
// removed and trailing blank lines dropped. A program that leaves the
// alternate screen at the end blanks what it showed, so the playback stops
// before the last "leave the alternate screen" sequence: the result is the
// last frame the program drew.
func (f *File) Screen() string {
	emu := vt.NewEmulator(f.Header.Width, f.Header.Height)
	// The emulator answers queries into a pipe that must be read, or its Write
	// blocks. The reader stops at the answer to a status request sent at the
	// end (closing the emulator instead would race with the reader).
	var stopping atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := emu.Read(buf)
			if err != nil || (stopping.Load() && strings.Contains(string(buf[:n]), statusOK)) {
				return
			}
		}
	}()
	// Stop before the last "leave the alternate screen", wherever it falls.
	stop := strings.LastIndex(f.Output(), ansi.ResetModeAltScreenSaveCursor)
	pos := 0
events:
	for _, e := range f.Events {
		switch e.Kind {
		case "r":
			w, h, _ := parseSize(e.Data)
			emu.Resize(w, h)
		case "o":
			d := e.Data
			if stop >= 0 && pos+len(d) > stop {
				_, _ = emu.WriteString(d[:stop-pos])
				break events
			}
			_, _ = emu.WriteString(d)
			pos += len(d)
		}
	}
	s := emu.String()
	stopping.Store(true)
	_, _ = emu.WriteString(ansi.DeviceStatusReport(ansi.ANSIStatusReport(5)))
	<-done
	return TrimScreen(s)
}

// statusOK is how x/vt answers "how are you?" (DSR 5).
var statusOK = ansi.DeviceStatusReport(ansi.DECStatusReport(0))

// TrimScreen removes each line's trailing spaces and the blank lines at the
// end, so that screens from an emulator and from a view compare equal.
func TrimScreen(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}
