package tui

// rect is a screen region in cells.
type rect struct{ x, y, w, h int }

// Minimum terminal size for the TUI.
const (
	minW = 80
	minH = 24
)

// layout places every part of the screen. It is a pure function of the terminal
// size, the caption setting and the classroom mode, and holds every breakpoint.
// Parts a layout leaves out have zero height.
type layout struct {
	w, h      int
	tooSmall  bool
	wide      bool // two columns on the Scope screen
	classroom bool // the Scope screen's projector layout: text, trace, board, sample
	tabs      rect // screen names and title
	header    rect // the run's numbers
	body      rect // the current screen
	help      rect // the short help line
	// Scope screen
	text, trace, cursor, board, sample, events rect
	labels                                     rect // every label's best unit (wide only)
}

// captionRows is how many rows a panel's caption takes.
func captionRows(captions bool) int {
	if captions {
		return 1
	}
	return 0
}

func computeLayout(w, h int, captions, classroom bool) layout {
	l := layout{w: w, h: h}
	if w < minW || h < minH {
		l.tooSmall = true
		return l
	}
	l.tabs = rect{0, 0, w, 1}
	l.header = rect{0, 1, w, 1}
	l.help = rect{0, h - 1, w, 1}
	l.body = rect{0, 2, w, h - 3}
	b := l.body
	c := captionRows(captions)
	if classroom {
		return classroomLayout(l, c)
	}
	l.wide = w >= 120 && h >= 30
	if l.wide {
		rw := min(max(w*2/5, 48), 76)
		lw := w - rw - 1
		// Left: text, trace, cursor line, samples. Right: leaderboard, events.
		sampleH := min(max(b.h/6, 3), 8) + c
		traceH := 4 + c
		cursorH := 2
		textH := b.h - sampleH - traceH - cursorH
		l.text = rect{b.x, b.y, lw, textH}
		l.trace = rect{b.x, b.y + textH, lw, traceH}
		l.cursor = rect{b.x, b.y + textH + traceH, lw, cursorH}
		l.sample = rect{b.x, b.y + textH + traceH + cursorH, lw, sampleH}
		// caption, header, up to 10 units, a blank line, a two-line verdict
		boardH := min(c+1+10+1+2, b.h/2)
		labelsH := min(1+8+1, (b.h-boardH)/2) // title, one line per label, a blank line
		l.board = rect{b.x + lw + 1, b.y, rw, boardH}
		l.labels = rect{b.x + lw + 1, b.y + boardH, rw, labelsH}
		l.events = rect{b.x + lw + 1, b.y + boardH + labelsH, rw, b.h - boardH - labelsH}
		return l
	}
	// One column. Only the text and the leaderboard keep their captions (the
	// trace names its unit in its gutter, the sample says what it is inline).
	eventsH := 1
	sampleH := 1
	boardH := 6 + c
	cursorH := 1
	traceH := 3
	if h >= 30 {
		sampleH, traceH = 2+c, 4+c
		boardH++
	}
	textH := b.h - eventsH - sampleH - boardH - cursorH - traceH
	y := b.y
	l.text = rect{b.x, y, w, textH}
	y += textH
	l.trace = rect{b.x, y, w, traceH}
	y += traceH
	l.cursor = rect{b.x, y, w, cursorH}
	y += cursorH
	l.board = rect{b.x, y, w, boardH}
	y += boardH
	l.sample = rect{b.x, y, w, sampleH}
	y += sampleH
	l.events = rect{b.x, y, w, eventsH}
	return l
}

// classroomLayout is the Scope screen for a projector: one column of few, large
// parts. The text coloured by the unit takes what the others leave; the trace
// grows with the screen; the leaderboard shows three units and room for the
// whole verdict; the model's sample appears only when the text keeps at least
// classroomTextRows rows. No cursor line, labels panel or event log.
func classroomLayout(l layout, c int) layout {
	l.classroom = true
	b := l.body
	verdictH := 3
	if b.w >= 160 {
		verdictH = 2
	}
	traceH := 5 + c + min(max((b.h-27)/5, 0), 6) // taller on a taller screen
	if b.h < 27 {
		traceH = 3 + c
	}
	boardH := c + 1 + classroomBoardRows + 1 + verdictH // a blank line above the verdict
	textH := b.h - traceH - boardH
	sampleH := 0
	if extra := textH - classroomTextRows; extra >= 4 {
		sampleH = min(extra/3, 6+c)
		textH -= sampleH
	}
	y := b.y
	l.text = rect{b.x, y, b.w, textH}
	y += textH
	l.trace = rect{b.x, y, b.w, traceH}
	y += traceH
	l.board = rect{b.x, y, b.w, boardH}
	y += boardH
	l.sample = rect{b.x, y, b.w, sampleH}
	return l
}

// In the classroom layout: the leaderboard's units, and the fewest text rows
// the sample may leave the text.
const (
	classroomBoardRows = 3
	classroomTextRows  = 12
)

// contains reports whether the cell (x, y) is inside r.
func (r rect) contains(x, y int) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}
