// Package cast writes asciicast v2 recordings (the format `asciinema play` and
// the asciinema web player read) of what a program sends to its terminal. A
// Writer sits beside the real terminal: every byte written to it becomes a timed
// "o" event, a size change becomes an "r" event, and pauses longer than the idle
// limit are shortened. It never reads the terminal and never draws.
//
// The file is written as it goes, to FILE.partial, and renamed to FILE by Close,
// so an interrupted session still leaves every event it flushed and a finished
// one never leaves half a file under the final name.
package cast

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// DefaultIdleLimit is the longest pause a recording keeps: a gap longer than this
// between two events is shortened to it (asciinema rec -i 2 does the same).
const DefaultIdleLimit = 2 * time.Second

// Theme is the terminal's colours, for players that honour them: the default
// foreground and background and the 16 ANSI colours, as "#rrggbb".
type Theme struct {
	Fg      string
	Bg      string
	Palette [16]string
}

// Options describe a recording.
type Options struct {
	Width, Height int
	Title         string
	// Env is written to the header's "env" object; asciinema records TERM and
	// SHELL there.
	Env map[string]string
	// Theme, when set, is written to the header (asciicast v2 allows it).
	Theme *Theme
	// IdleLimit caps pauses (0: DefaultIdleLimit; negative: keep every pause).
	IdleLimit time.Duration
	// Now is the clock (nil: time.Now); tests inject one.
	Now func() time.Time
	// MapNewline turns each bare "\n" into "\r\n", as a terminal's ONLCR setting
	// would. Set it when the program writes for a terminal that maps newlines
	// (Bubble Tea does when its input is not a TTY: tests, SSH sessions); leave it
	// off beside a terminal in raw mode, whose bytes are already what was shown.
	MapNewline bool
	// KeepQueries keeps the program's requests to the terminal (for its
	// colours, its version, the modes it supports) in the recording. By default
	// they are left out: they show nothing, a player never answers them, and
	// `asciinema cat` in a real terminal would make that terminal type its
	// answers into the shell.
	KeepQueries bool
}

// Writer is an asciicast v2 recording being written. Its methods are safe for
// concurrent use (Bubble Tea writes from its renderer and its event loop).
type Writer struct {
	mu      sync.Mutex
	out     *bufio.Writer
	file    *os.File // nil when writing to a caller's io.Writer
	partial string   // the file being written, renamed to path by Close
	path    string
	now     func() time.Time
	limit   time.Duration
	mapNL   bool
	queries bool // keep terminal queries
	lastCR  bool // the previous byte written was '\r' (for MapNewline)
	cleared bool // the output so far ends with a clear screen
	start   time.Time
	last    time.Time     // wall time of the previous event
	at      time.Duration // recorded time of the previous event
	pending []byte        // the start of a UTF-8 sequence split across writes
	w, h    int
	line    []byte // reused event buffer
	err     error  // the first write error; Close returns it
	closed  bool
	events  int
	wrote   chan struct{} // closed (and replaced) at each event, for WaitEvents
}

// New starts a recording on w and writes its header. The caller closes w after
// Close.
func New(w io.Writer, o Options) (*Writer, error) {
	r := newWriter(o)
	r.out = bufio.NewWriterSize(w, 32<<10)
	if err := r.header(o); err != nil {
		return nil, err
	}
	return r, nil
}

// Create starts a recording that becomes path when closed. Until then it is
// written, event by event, to path + ".partial" in the same folder.
func Create(path string, o Options) (*Writer, error) {
	partial := path + ".partial"
	f, err := os.OpenFile(partial, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	r := newWriter(o)
	r.file, r.partial, r.path = f, partial, path
	r.out = bufio.NewWriterSize(f, 32<<10)
	if err := r.header(o); err != nil {
		_ = f.Close()
		_ = os.Remove(partial)
		return nil, err
	}
	return r, nil
}

func newWriter(o Options) *Writer {
	r := &Writer{now: o.Now, limit: o.IdleLimit, mapNL: o.MapNewline, queries: o.KeepQueries, w: o.Width, h: o.Height}
	if r.now == nil {
		r.now = time.Now
	}
	if r.limit == 0 {
		r.limit = DefaultIdleLimit
	}
	r.start = r.now()
	r.last = r.start
	r.wrote = make(chan struct{})
	return r
}

// header is the first line of an asciicast v2 file. Field order follows the
// specification's example.
type header struct {
	Version   int               `json:"version"`
	Width     int               `json:"width"`
	Height    int               `json:"height"`
	Timestamp int64             `json:"timestamp"`
	IdleLimit float64           `json:"idle_time_limit,omitempty"`
	Title     string            `json:"title,omitempty"`
	Env       map[string]string `json:"env,omitempty"`
	Theme     *themeJSON        `json:"theme,omitempty"`
}

type themeJSON struct {
	Fg      string `json:"fg"`
	Bg      string `json:"bg"`
	Palette string `json:"palette"`
}

func (r *Writer) header(o Options) error {
	if o.Width < 1 || o.Height < 1 {
		return fmt.Errorf("terminal size %d×%d: want at least 1×1", o.Width, o.Height)
	}
	h := header{Version: 2, Width: o.Width, Height: o.Height, Timestamp: r.start.Unix(), Title: o.Title, Env: o.Env}
	if r.limit > 0 {
		h.IdleLimit = r.limit.Seconds()
	}
	if t := o.Theme; t != nil {
		pal := make([]byte, 0, 16*8)
		for i, c := range t.Palette {
			if i > 0 {
				pal = append(pal, ':')
			}
			pal = append(pal, c...)
		}
		h.Theme = &themeJSON{Fg: t.Fg, Bg: t.Bg, Palette: string(pal)}
	}
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if _, err := r.out.Write(b); err != nil {
		return err
	}
	return r.out.Flush()
}

// Write records p as one output event at the current time. It always consumes
// all of p; a failure to write the file is kept and returned by Close (and by
// this and later writes), so a full disk never disturbs the terminal beside it.
func (r *Writer) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return 0, errors.New("cast: write after Close")
	}
	data := p
	if !r.queries && bytes.IndexByte(data, 0x1b) >= 0 {
		data = queryRE.ReplaceAll(data, nil)
	}
	if r.mapNL {
		data = r.mapNewlines(data)
	}
	if len(r.pending) > 0 {
		data = append(append([]byte(nil), r.pending...), data...)
		r.pending = r.pending[:0]
	}
	// Hold back an incomplete UTF-8 sequence at the end: JSON strings carry
	// characters, and a split one would become two replacement characters.
	if cut := incompleteTail(data); cut > 0 {
		r.pending = append(r.pending, data[len(data)-cut:]...)
		data = data[:len(data)-cut]
	}
	// A clear of a screen just cleared changes nothing; Bubble Tea clears once
	// or twice at start-up depending on when its renderer ticks.
	for r.cleared && bytes.HasPrefix(data, clearScreen) {
		data = data[len(clearScreen):]
	}
	if len(data) > 0 {
		r.cleared = bytes.HasSuffix(data, clearScreen)
		r.event('o', data)
	}
	return len(p), r.err
}

// clearScreen is the cursor home and erase-screen pair terminal renderers use.
var clearScreen = []byte("\x1b[H\x1b[2J")

// queryRE matches the requests a program sends its terminal expecting an
// answer (the ones Bubble Tea sends, and device attributes): colour queries
// (OSC 10, 11, 12), clipboard reads (OSC 52 ?), program status support (OSC
// 7501), XTVERSION, XTGETTCAP, status and cursor position reports, DECRQM,
// the kitty keyboard query and DA1/DA2/DA3.
var queryRE = regexp.MustCompile(`\x1b\](?:1[012]|52;[a-z]*|7501);\?(?:\x07|\x1b\\)` +
	`|\x1b\[>0?q|\x1bP\+q[0-9A-Fa-f;]*\x1b\\|\x1b\[\??[56]n|\x1b\[\?[0-9]+\$p|\x1b\[\?u|\x1b\[[>=]?0?c`)

// Resize records that the terminal is now width×height (an "r" event), if that
// differs from the size last recorded.
func (r *Writer) Resize(width, height int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || width < 1 || height < 1 || (width == r.w && height == r.h) {
		return
	}
	r.w, r.h = width, height
	r.event('r', []byte(strconv.Itoa(width)+"x"+strconv.Itoa(height)))
}

// Size is the terminal size last recorded.
func (r *Writer) Size() (width, height int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.w, r.h
}

// Events is how many events have been recorded.
func (r *Writer) Events() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.events
}

// WaitEvents waits until more than n events have been recorded, for at most
// timeout; it reports whether they were.
func (r *Writer) WaitEvents(n int, timeout time.Duration) bool {
	var t *time.Timer
	for {
		r.mu.Lock()
		got, wrote, closed := r.events, r.wrote, r.closed
		r.mu.Unlock()
		if got > n {
			return true
		}
		if closed {
			return false
		}
		if t == nil {
			t = time.NewTimer(timeout)
			defer t.Stop()
		}
		select {
		case <-wrote:
		case <-t.C:
			return false
		}
	}
}

// event writes one event line: [time, "o" or "r", data]. r.mu is held.
func (r *Writer) event(kind byte, data []byte) {
	now := r.now()
	gap := now.Sub(r.last)
	if gap < 0 {
		gap = 0
	}
	if r.limit > 0 && gap > r.limit {
		gap = r.limit
	}
	r.last = now
	r.at += gap
	l := r.line[:0]
	l = append(l, '[')
	l = strconv.AppendFloat(l, r.at.Seconds(), 'f', 6, 64)
	l = append(l, ", \""...)
	l = append(l, kind)
	l = append(l, "\", "...)
	l = appendJSONString(l, data)
	l = append(l, "]\n"...)
	r.line = l
	r.events++
	close(r.wrote)
	r.wrote = make(chan struct{})
	if r.err != nil {
		return
	}
	if _, err := r.out.Write(l); err != nil {
		r.err = err
		return
	}
	// Flushed per event: an interrupted session keeps everything it showed.
	if err := r.out.Flush(); err != nil {
		r.err = err
	}
}

// mapNewlines returns p with every "\n" not preceded by "\r" turned into "\r\n".
func (r *Writer) mapNewlines(p []byte) []byte {
	if bytes.IndexByte(p, '\n') < 0 {
		if len(p) > 0 {
			r.lastCR = p[len(p)-1] == '\r'
		}
		return p
	}
	out := make([]byte, 0, len(p)+16)
	for _, c := range p {
		if c == '\n' && !r.lastCR {
			out = append(out, '\r')
		}
		out = append(out, c)
		r.lastCR = c == '\r'
	}
	return out
}

// Close writes what is buffered, then (for Create) syncs the file and renames it
// to its final name. It returns the first error the recording met.
func (r *Writer) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return r.err
	}
	if len(r.pending) > 0 { // a sequence that never completed: keep it as U+FFFD
		r.event('o', r.pending)
		r.pending = nil
	}
	r.closed = true
	if err := r.out.Flush(); err != nil && r.err == nil {
		r.err = err
	}
	if r.file == nil {
		return r.err
	}
	if err := r.file.Sync(); err != nil && r.err == nil {
		r.err = err
	}
	if err := r.file.Close(); err != nil && r.err == nil {
		r.err = err
	}
	if r.err != nil {
		return fmt.Errorf("%s: %w", r.partial, r.err)
	}
	if err := os.Rename(r.partial, r.path); err != nil {
		r.err = err
		return err
	}
	if d, err := os.Open(filepath.Dir(r.path)); err == nil { // make the rename durable
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// incompleteTail is how many bytes at the end of b start a UTF-8 sequence that
// is not complete yet (0 if b ends on a whole character or on invalid bytes).
func incompleteTail(b []byte) int {
	for n := 1; n <= 3 && n <= len(b); n++ {
		c := b[len(b)-n]
		if c < 0x80 { // ASCII: nothing pending
			return 0
		}
		if c >= 0xC0 { // a leading byte n bytes from the end
			if utf8.FullRune(b[len(b)-n:]) {
				return 0
			}
			return n
		}
		// a continuation byte: look further back
	}
	return 0
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Control characters (ESC above
// all) are escaped as \u00XX, invalid UTF-8 becomes U+FFFD, and nothing else is
// escaped, which keeps casts small and their text readable.
func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20 || c == 0x7f:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, "\ufffd"...)
		} else if r == '\u2028' || r == '\u2029' { // valid JSON, but escaped for JavaScript players
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		} else {
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return append(dst, '"')
}
