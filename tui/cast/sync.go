package cast

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// syncTimeout bounds how long a message waits for the previous frame to be
// written: a view change that draws nothing new writes nothing.
const syncTimeout = 250 * time.Millisecond

// SyncFrames makes a Bubble Tea program write every frame it draws, each on its
// own, before it handles the next message. Bubble Tea's renderer writes on its
// own clock, so two frames drawn between two of its ticks are written as one,
// and at start-up the first write may or may not hold the first sized frame:
// the recording of a session would depend on the machine's load. With
// SyncFrames, a message that arrives while the last frame is not written yet
// waits for it (for at most a quarter of a second), so a lockstep session with
// a script records the same events on any machine.
//
// It compares the model's View().Content before each message; use it only
// where that is cheap (rnnscope caches its frames) and a frame's wait (up to
// one renderer tick: pair it with tea.WithFPS(120)) does not matter.
func SyncFrames(rec *Writer) tea.ProgramOption {
	s := &frameSync{rec: rec, first: true}
	return tea.WithFilter(s.filter)
}

type frameSync struct {
	rec   *Writer
	last  string // the content of the last frame known to be written
	first bool   // the renderer's first write (set-up and first frame) is still due
	n     int    // events recorded before the current frame could be written
}

// filter runs in the event loop before each message, with the model as it was
// last drawn.
func (s *frameSync) filter(m tea.Model, msg tea.Msg) tea.Msg {
	v := m.View().Content
	if s.first || v != s.last {
		s.rec.WaitEvents(s.n, syncTimeout)
		s.first, s.last = false, v
	}
	s.n = s.rec.Events()
	return msg
}
