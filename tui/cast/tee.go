package cast

import (
	"os"
	"sync"

	"github.com/charmbracelet/x/term"
)

// Tee is a program's output while it is recorded: each write goes to the
// terminal, then to the recording. It passes for the terminal itself (Fd, Read),
// so Bubble Tea still finds a TTY behind it: the window size, resizes and the
// colour profile are detected as without a recording.
//
// Before each write Tee asks the terminal for its size and records an "r" event
// when it changed, so the resize lands just before the redraw it caused.
type Tee struct {
	mu   sync.Mutex
	term *os.File
	rec  *Writer
}

// NewTee writes to terminal and records to rec.
func NewTee(terminal *os.File, rec *Writer) *Tee { return &Tee{term: terminal, rec: rec} }

// Write writes p to the terminal and records what the terminal took. Errors of
// the recording never reach the program: Close reports them.
func (t *Tee) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if w, h, err := term.GetSize(t.term.Fd()); err == nil {
		t.rec.Resize(w, h)
	}
	n, err := t.term.Write(p)
	if n > 0 {
		_, _ = t.rec.Write(p[:n])
	}
	return n, err
}

// Read reads from the terminal.
func (t *Tee) Read(p []byte) (int, error) { return t.term.Read(p) }

// Fd is the terminal's file descriptor.
func (t *Tee) Fd() uintptr { return t.term.Fd() }

// Close does nothing: the terminal belongs to the process, and the recording
// is closed by its owner once the program has finished writing.
func (t *Tee) Close() error { return nil }
