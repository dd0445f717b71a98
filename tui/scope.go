package tui

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui/cells"
)

// tabsView is the first line: the screens on the left; on the right whether the
// run trains, its step and characters seen, and the program's name if room is left.
func (m Model) tabsView() string {
	st := m.st
	var b strings.Builder
	for i := range numScreens {
		label := m.tabLabel(i)
		if i == m.screen {
			b.WriteString(st.ActiveTab.Render(label))
		} else {
			b.WriteString(st.Tab.Render(label))
		}
	}
	left := b.String()
	right := ""
	if s := m.snap; s != nil {
		state, short := st.OK.Render(m.tr("▶ training")), st.OK.Render("▶")
		switch {
		case s.Err != "":
			state, short = st.Error.Render(m.tr("■ stopped")), st.Error.Render(m.tr("■ stopped"))
		case s.Paused:
			state, short = st.Warn.Render(m.tr("❚❚ paused")), st.Warn.Render(m.tr("❚❚ paused"))
		}
		dot := st.Muted.Render(" · ")
		step := st.Label.Render(m.tr("step")) + " " + st.Value.Render(group(s.Step))
		chars := st.Value.Render(probe.Count(s.Chars)) + " " + st.Label.Render(m.tr("chars"))
		forms := []string{
			state + dot + step + dot + chars,
			short + " " + step + dot + st.Value.Render(probe.Count(s.Chars)),
			short + " " + st.Value.Render(probe.Count(s.Chars)),
		}
		if m.cfg.Classroom { // the header says the step
			forms = []string{state, short}
		}
		for _, r := range forms {
			right = r
			if ansi.StringWidth(left)+ansi.StringWidth(r)+1 <= m.w {
				break
			}
		}
	}
	if title := st.Title.Render("rnnscope"); ansi.StringWidth(left)+ansi.StringWidth(right)+ansi.StringWidth(title)+4 <= m.w {
		right += "  " + title
	}
	gap := m.w - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 1 {
		return cells.Pad(left, m.w)
	}
	return left + strings.Repeat(" ", gap) + right
}

// tabLabel is screen i's tab: " 1 Scope ".
func (m Model) tabLabel(i int) string {
	return fmt.Sprintf(" %d %s ", i+1, m.tr(screenNames[i]))
}

// headerView is the run's numbers on one line; the least important drop off
// the right end when the terminal is narrow.
func (m Model) headerView() string {
	s := m.snap
	st := m.st
	if s == nil {
		return cells.Pad(st.Muted.Render(m.tr("starting…")), m.w)
	}
	kv := func(k, v string) string { return st.Label.Render(k) + " " + st.Value.Render(v) }
	cfg := s.Config
	net := fmt.Sprintf("%s %d", cellTitle(cfg.Cell), cfg.Hidden)
	if cfg.Layers > 1 {
		net += m.tr(" × %d layers", cfg.Layers)
	}
	parts := []string{st.Accent.Render(s.Name) + " " + st.Value.Render(net)}
	if m.cfg.Classroom {
		parts = append(parts, kv(m.tr("step"), group(s.Step)))
		if n := len(s.ValCurve); n > 0 {
			parts = append(parts, kv(m.tr("held-out loss"), m.tr("%.2f bits/char", s.ValCurve[n-1].V/math.Ln2)))
		}
		return cells.Pad(strings.Join(parts, st.Muted.Render(" · ")), m.w)
	}
	if !math.IsNaN(s.Loss) {
		parts = append(parts, kv(m.tr("loss"), fmt.Sprintf("%.3f", s.Loss)))
	}
	if n := len(s.ValCurve); n > 0 {
		v := s.ValCurve[n-1].V / math.Ln2
		vals := make([]float64, 0, len(s.ValCurve))
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, p := range s.ValCurve {
			vals = append(vals, -p.V) // a taller bar is a lower loss
			lo, hi = min(lo, -p.V), max(hi, -p.V)
		}
		parts = append(parts, kv(m.tr("val"), m.tr("%.2f bpc", v))+" "+st.Accent.Render(sparkline(vals, lo, hi, 8)))
	}
	if m.cfg.Lockstep > 0 {
		parts = append(parts, kv(m.tr("lockstep"), fmt.Sprint(m.cfg.Lockstep)))
	} else if s.CharsPerSec > 0 {
		parts = append(parts, st.Value.Render(probe.Count(int64(s.CharsPerSec)))+" "+st.Label.Render(m.tr("chars/s")))
	}
	if s.ClipEvents > 0 {
		clip := kv(m.tr("clipped"), group(s.ClipEvents))
		if s.ClipRecent >= 10 {
			clip = st.Warn.Render(m.tr("clipped %d of 100", s.ClipRecent))
		}
		parts = append(parts, clip)
	}
	parts = append(parts, kv(m.tr("lr"), fmt.Sprintf("%.2g", s.LR)))
	if cfg.Layers > 1 {
		parts = append(parts, kv(m.tr("layer"), m.tr("%d of %d", m.sel.pinned.Layer+1, cfg.Layers)))
	}
	sep := st.Muted.Render(" · ")
	line := ""
	for _, p := range parts {
		next := line
		if next != "" {
			next += sep
		}
		next += p
		if ansi.StringWidth(next) > m.w {
			break
		}
		line = next
	}
	return cells.Pad(line, m.w)
}

func cellTitle(c nets.Cell) string {
	switch c {
	case nets.RNN:
		return "RNN"
	case nets.LSTM:
		return "LSTM"
	}
	return "GRU"
}

// helpLine is the bottom line: a status message, else the short help.
func (m Model) helpLine() string {
	if m.typing {
		return cells.Pad(m.input.View(), m.w)
	}
	if m.screen == screenLessons && !m.showHelp {
		return m.lessonHelp()
	}
	if m.status != "" {
		return cells.Pad(m.st.Accent.Render(m.status)+"  "+m.help.ShortHelpView(m.keys.ShortHelp()), m.w)
	}
	return cells.Pad(m.help.ShortHelpView(m.keys.ShortHelp()), m.w)
}

// helpView is the full keymap, over the body.
func (m Model) helpView(r rect) string {
	h := m.help
	h.ShowAll = true
	lines := []string{m.st.Title.Render(m.tr("Keys")) + m.st.Muted.Render("   "+m.tr("(? or esc closes)")), ""}
	lines = append(lines, strings.Split(h.FullHelpView(m.keys.FullHelp()), "\n")...)
	lines = append(lines, "")
	for _, ln := range cells.Wrap(m.tr("Mouse: click a character to move the cursor, a leaderboard row to pin it, a tab to switch; the wheel scrolls the text."), r.w, 2) {
		lines = append(lines, m.st.Muted.Render(ln))
	}
	return cells.Fit(lines, r.w, r.h)
}

// caption writes a panel's plain-words caption, when captions are on.
func (m Model) caption(s string) []string {
	if !m.captions {
		return nil
	}
	return []string{m.st.Caption.Render(s)}
}

// scopeView assembles the Scope screen.
func (m Model) scopeView() string {
	l := m.lay
	s := m.snap
	if s == nil || s.Rec == nil {
		return cells.Fit([]string{m.st.Muted.Render(m.tr("waiting for the first probe…"))}, l.body.w, l.body.h)
	}
	if l.classroom {
		parts := []string{m.textPanel(l.text), m.tracePanel(l.trace), m.boardPanel(l.board)}
		if l.sample.h > 0 {
			parts = append(parts, m.samplePanel(l.sample))
		}
		return strings.Join(parts, "\n")
	}
	text := m.textPanel(l.text)
	trace := m.tracePanel(l.trace)
	cursor := m.cursorPanel(l.cursor)
	board := m.boardPanel(l.board)
	sample := m.samplePanel(l.sample)
	events := m.eventsPanel(l.events)
	if l.wide {
		left := strings.Join([]string{text, trace, cursor, sample}, "\n")
		right := strings.Join([]string{board, m.labelsPanel(l.labels), events}, "\n")
		return hjoin(" ", left, right)
	}
	return strings.Join([]string{text, trace, cursor, board, sample, events}, "\n")
}

// series returns what the text and trace show for the pinned unit (or the
// readout), and the centre of its colour map.
func (m Model) series() (vals []float64, centre float64, name string) {
	s := m.snap
	rec := s.Rec
	u := m.sel.pinned
	if u.Cell && s.Config.Cell != nets.LSTM {
		u.Cell = false
	}
	name = u.Name(s.Config.Layers)
	vals = rec.Series(u)
	lr := m.board()
	if m.sel.readout && lr != nil && lr.Readout.Trace != nil {
		vals = lr.Readout.Trace
		name = m.tr("readout(%s)", m.cat.label(lr.Name))
		if m.sel.centre {
			centre = 0.5
		}
		return
	}
	if m.sel.centre && lr != nil {
		for _, sc := range lr.Top {
			if sc.Unit == u && !math.IsNaN(sc.Threshold) {
				centre = sc.Threshold
			}
		}
	}
	return vals, centre, name
}

// robustScale is the 98th percentile of |v − centre|, so that a few extremes
// don't wash out the colours.
func robustScale(vals []float64, centre float64) float64 {
	if len(vals) == 0 {
		return 1
	}
	a := make([]float64, 0, len(vals))
	for _, v := range vals {
		a = append(a, math.Abs(v-centre))
	}
	slices.Sort(a)
	s := a[min(len(a)-1, len(a)*98/100)]
	if !(s > 1e-9) {
		return 1
	}
	return s
}

// tabWidth is how many cells a tab takes in the text panel.
const tabWidth = 4

// layoutText breaks the recorded text into display lines of at most w cells:
// newlines end lines, tabs become tabWidth cells, long lines wrap. Each cell
// holds its step.
func layoutText(text []rune, w int) [][]int {
	var lines [][]int
	cur := []int{}
	for t, r := range text {
		switch r {
		case '\n':
			cur = append(cur, t) // the newline shows as one cell at the line's end
			lines = append(lines, cur)
			cur = []int{}
			continue
		case '\t':
			for range tabWidth {
				cur = append(cur, t)
			}
		default:
			cur = append(cur, t)
			if ansi.StringWidth(string(r)) == 2 {
				cur = append(cur, -2) // the second cell of a wide character
			}
		}
		for len(cur) > w {
			lines = append(lines, cur[:w])
			cur = append([]int{}, cur[w:]...)
		}
	}
	if len(cur) > 0 {
		lines = append(lines, cur)
	}
	return lines
}

// visibleRange is the steps the text panel shows.
func (m Model) visibleRange(r rect) (from, to int) {
	rows := r.h - len(m.caption(""))
	lines := m.cache.lines(m.snap.Rec, r.w)
	top := m.textTop(lines, rows)
	from, to = -1, -1
	for _, ln := range lines[top:min(top+rows, len(lines))] {
		for _, t := range ln {
			if t < 0 {
				continue
			}
			if from < 0 {
				from = t
			}
			to = t
		}
	}
	return max(from, 0), max(to, 0)
}

// textTop is the first line shown: the scroll position, moved so the cursor
// stays in view.
func (m Model) textTop(lines [][]int, rows int) int {
	top := min(m.text.top, max(len(lines)-rows, 0))
	cur := -1
	for i, ln := range lines {
		if slices.Contains(ln, m.text.cursor) {
			cur = i
			break
		}
	}
	if cur >= 0 {
		if cur < top {
			top = cur
		}
		if cur >= top+rows {
			top = cur - rows + 1
		}
	}
	return top
}

// textPanel is the probe text with every character's background coloured by the
// pinned unit.
func (m Model) textPanel(r rect) string {
	st := m.st
	rec := m.snap.Rec
	vals, centre, name := m.series()
	scale := m.cache.scale(m.snap.Rec, name, vals, centre)
	centreWord := "0"
	if m.sel.centre {
		centreWord = m.tr("its threshold %.2f", centre)
	}
	capText := cells.FirstFit(r.w, m.tr("Held-out text coloured by %s: %s above %s, %s below (±%.2f is full colour).",
		name, m.posWord(), centreWord, m.negWord(), scale),
		m.tr("Held-out text coloured by %s: %s above %s, %s below.", name, m.posWord(), centreWord, m.negWord()))
	if m.cfg.Classroom {
		capText = m.tr("Each character is coloured by %s: %s above %s, %s below.", name, m.posWord(), centreWord, m.negWord())
	}
	capLines := m.caption(capText)
	rows := r.h - len(capLines)
	lines := m.cache.lines(rec, r.w)
	top := m.textTop(lines, rows)
	out := append([]string{}, capLines...)
	hit := make([][]int, len(capLines), r.h) // caption rows hit nothing
	var b strings.Builder
	for _, ln := range lines[top:min(top+rows, len(lines))] {
		b.Reset()
		pen := st.Div.Pen(&b)
		row := make([]int, 0, r.w)
		for i, t := range ln {
			row = append(row, t)
			if t == -2 {
				continue
			}
			ch := rec.Text[t]
			switch ch {
			case '\n':
				ch = '↵'
			case '\t':
				ch = ' '
				if i > 0 && ln[i-1] == t {
					ch = ' '
				}
			}
			if ch < ' ' {
				ch = '·'
			}
			lvl := st.Div.Level(vals[t]-centre, scale)
			if t == m.text.cursor {
				pen.End()
				b.WriteString(st.Pinned.Render(string(ch)))
				continue
			}
			pen.Text(lvl, ch)
		}
		pen.End()
		out = append(out, b.String())
		hit = append(hit, row)
	}
	m.text.hit = hit
	return cells.Fit(out, r.w, r.h)
}

// posWord and negWord say how the text shows a positive and a negative value.
func (m Model) posWord() string {
	if m.st.Theme == "mono" {
		return m.tr("bold/reverse")
	}
	return m.tr("warm")
}

func (m Model) negWord() string {
	if m.st.Theme == "mono" {
		return m.tr("underlined")
	}
	return m.tr("cool")
}

// tracePanel draws the pinned unit (or the readout) over the visible text as a
// braille line with its zero (or threshold) marked, and the label's band under it.
func (m Model) tracePanel(r rect) string {
	st := m.st
	vals, centre, name := m.series()
	from, to := m.visibleRange(m.lay.text)
	lr := m.board()
	var capLines []string
	if r.h >= 4 {
		capText := m.tr("%s over the text shown above (─ marks zero); the band below is where %s holds.", name, m.cat.named(m.sel.label))
		if m.sel.centre {
			capText = m.tr("%s over the text shown above (─ marks the threshold); the band below is where %s holds.", name, m.cat.named(m.sel.label))
		}
		if m.cfg.Classroom {
			capText = m.tr("The value of %s over the text above; the band below marks %s.", name, m.cat.phrase(m.sel.label))
		}
		capLines = m.caption(capText)
	}
	rows := r.h - len(capLines) - 1
	if rows < 1 || to <= from {
		return cells.Fit(capLines, r.w, r.h)
	}
	bandName := m.cat.label(m.sel.label)
	labelW := max(8, ansi.StringWidth(bandName)+1)
	cw := r.w - labelW
	c := cells.NewCanvas(cw, rows)
	seg := vals[from : to+1]
	lo, hi := centre, centre
	for _, v := range seg {
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi-lo < 1e-9 {
		hi, lo = hi+1, lo-1
	}
	sc := scaler{lo: lo, hi: hi, px: 4 * rows}
	c.HRule(sc.y(centre))
	n := len(seg)
	px := 2 * cw
	prevX, prevY := -1, 0
	for x := range px {
		a := x * n / px
		bEnd := max((x+1)*n/px, a+1)
		sum := 0.0
		for _, v := range seg[a:min(bEnd, n)] {
			sum += v
		}
		y := sc.y(sum / float64(min(bEnd, n)-a))
		if prevX >= 0 {
			c.Line(prevX, prevY, x, y, 0)
		} else {
			c.Dot(x, y, 0)
		}
		prevX, prevY = x, y
	}
	prefix := st.Series[themes.LSTM].Prefix
	body := c.Render(func(int) string { return prefix }, st.Grid.Render("─"))
	out := append([]string{}, capLines...)
	for i, ln := range body {
		lab := ""
		switch {
		case i == 0 && len(capLines) == 0:
			lab = name // no caption: the gutter names the unit
		case i == 0:
			lab = fmt.Sprintf("%7.2f", hi)
		case i == len(body)-1:
			lab = fmt.Sprintf("%7.2f", lo)
		}
		out = append(out, st.Muted.Render(cells.Pad(lab, labelW-1))+" "+ln)
	}
	// The band: one cell per column, filled where the label is 1 (or its value
	// is high, for a numeric label).
	var band strings.Builder
	if lr != nil {
		if f := m.labelValues(lr.Name); f != nil {
			seg := f[from : to+1]
			lo, hi := 0.0, 1.0
			if !lr.Binary {
				lo, hi = math.Inf(1), math.Inf(-1)
				for _, v := range seg {
					if !math.IsNaN(v) {
						lo, hi = min(lo, v), max(hi, v)
					}
				}
			}
			for x := range cw {
				a := x * len(seg) / cw
				bEnd := max((x+1)*len(seg)/cw, a+1)
				sum, k := 0.0, 0
				for _, v := range seg[a:min(bEnd, len(seg))] {
					if !math.IsNaN(v) {
						sum += v
						k++
					}
				}
				if k == 0 {
					band.WriteString(" ")
					continue
				}
				f := 0.0
				if hi > lo {
					f = (sum/float64(k) - lo) / (hi - lo)
				}
				band.WriteString(themes.Shade(f))
			}
		}
	}
	out = append(out, st.Muted.Render(cells.Pad(bandName, labelW-1))+" "+st.Accent.Render(band.String()))
	return cells.Fit(out, r.w, r.h)
}

// labelValues is a label's value at every scored step.
func (m Model) labelValues(name string) []float64 {
	w := m.snap.Window
	if w == nil {
		return nil
	}
	for _, f := range w.Labels {
		if f.Name == name {
			return f.Values
		}
	}
	return nil
}

// cursorPanel shows, for the character under the cursor, the model's top
// predictions for the next one and every unit's value as a strip.
func (m Model) cursorPanel(r rect) string {
	st := m.st
	rec := m.snap.Rec
	t := min(m.text.cursor, rec.T-1)
	ch := string(rec.Text[t])
	switch ch {
	case "\n":
		ch = "↵"
	case "\t":
		ch = "⇥"
	case " ":
		ch = "␣"
	}
	var b strings.Builder
	before, after, _ := strings.Cut(m.tr("after %s next:", "\x00"), "\x00")
	b.WriteString(st.Label.Render(before) + st.Pinned.Render(ch) + st.Label.Render(after))
	for _, p := range rec.Top[t] {
		c := string(p.Rune)
		switch c {
		case "\n":
			c = "↵"
		case " ":
			c = "␣"
		case "\t":
			c = "⇥"
		}
		b.WriteString(fmt.Sprintf(" %s %s", st.Value.Render(c), st.Muted.Render(fmt.Sprintf("%.0f%%", 100*p.P))))
	}
	first := b.String()
	// Every unit of the pinned unit's group at this step, one cell each (averaged
	// when there are more units than cells).
	u := m.sel.pinned
	if u.Cell && m.snap.Config.Cell != nets.LSTM {
		u.Cell = false
	}
	h := m.snap.Config.Hidden
	vals := make([]float64, h)
	for i := range h {
		vals[i] = rec.Series(probe.Unit{Layer: u.Layer, Cell: u.Cell, Index: i})[t]
	}
	scale := robustScale(vals, 0)
	title := m.tr("all %s: ", map[bool]string{false: "h", true: "c"}[u.Cell])
	width := r.w - ansi.StringWidth(title)
	if r.h == 1 {
		width = r.w - ansi.StringWidth(first) - ansi.StringWidth(title) - 3
	}
	var strip strings.Builder
	if width > 8 {
		pen := st.Div.Pen(&strip)
		cells := min(width, h)
		for x := range cells {
			a, bEnd := x*h/cells, max((x+1)*h/cells, x*h/cells+1)
			sum := 0.0
			for _, v := range vals[a:bEnd] {
				sum += v
			}
			pen.Block(st.Div.Level(sum/float64(bEnd-a), scale))
		}
		pen.End()
	}
	second := st.Label.Render(title) + strip.String()
	if r.h == 1 {
		return cells.Fit([]string{first + "   " + second}, r.w, r.h)
	}
	return cells.Fit([]string{first, second}, r.w, r.h)
}

// boardFirstRow is the leaderboard's first unit row within its panel.
func (m Model) boardFirstRow() int { return len(m.caption("")) + 1 }

// boardPanel is the unit leaderboard for the chosen label.
func (m Model) boardPanel(r rect) string {
	st := m.st
	lr := m.board()
	if lr == nil {
		return cells.Fit(nil, r.w, r.h)
	}
	rep := m.snap.Report
	ro := m.tr("all units together r %.2f", lr.Readout.R)
	if !math.IsNaN(lr.Baseline) {
		metric := "AUC"
		if !lr.Binary {
			metric = "r"
		}
		ro += m.tr(" · last 3 chars %s %.2f", metric, lr.Baseline)
	}
	capText := m.tr("Best units for %s (%s) · %s · b next label", m.cat.label(lr.Name), m.cat.phrase(lr.Name), ro)
	if m.cfg.Classroom {
		capText = m.tr("The units that follow %s best (b: another label)", m.cat.phrase(lr.Name))
	}
	out := m.caption(capText)
	head := m.tr("  unit        r")
	if lr.Binary {
		head += m.tr("    AUC  sign  thr")
	}
	head += m.tr("  emerged")
	out = append(out, st.Label.Render(head))
	sparkW := max(r.w-ansi.StringWidth(head)+7, 8)
	verdict := lr.Verdict
	if lr.Claim.Kind != "" {
		verdict = m.cat.verdict(lr.Claim)
	}
	if m.sel.follow && !m.lay.classroom {
		verdict = m.tr("auto-follow · %s", verdict)
	}
	vn := 2
	if m.lay.classroom {
		vn = max(r.h-len(out)-classroomBoardRows-1, 1)
	}
	vlines := cells.Wrap("→ "+verdict, r.w, vn)
	rows := r.h - len(out) - len(vlines)
	if m.lay.classroom {
		rows = min(rows, classroomBoardRows)
	}
	for i, u := range lr.Top[:min(len(lr.Top), max(rows, 0))] {
		mark := "  "
		if u.Unit == m.sel.pinned {
			mark = st.PinMark + " "
		}
		name := fmt.Sprintf("%-7s", u.Unit.Name(rep.Layers))
		if u.Unit == m.sel.pinned {
			name = st.Pinned.Render(name)
		}
		line := mark + name + fmt.Sprintf(" %5.2f", u.R)
		if lr.Binary {
			line += fmt.Sprintf("  %5.2f  %4.0f%% %4.0f%%", u.AUC, 100*u.SignAcc, 100*u.ThrAcc)
		}
		line += "  " + st.Accent.Render(m.emergenceSpark(lr, u.Flat, sparkW))
		if i == m.sel.row {
			line = st.Selected.Render(cells.Pad(ansi.Strip(line), r.w))
		}
		out = append(out, line)
	}
	if m.lay.classroom {
		out = append(out, "") // the verdict right under the units, in full
	}
	for len(out) < r.h-len(vlines) && !m.lay.classroom {
		out = append(out, "")
	}
	for _, v := range vlines {
		out = append(out, st.Text.Render(v))
	}
	return cells.Fit(out, r.w, r.h)
}

// emergenceSpark is how a unit's |r| with a label grew over the probes.
func (m Model) emergenceSpark(lr *probe.LabelReport, flat, w int) string {
	em := m.snap.Emergence
	li := -1
	for i, l := range m.snap.Report.Labels {
		if l.Name == lr.Name {
			li = i
		}
	}
	if li < 0 {
		return ""
	}
	vals := make([]float64, 0, len(em))
	for _, e := range em {
		if li < len(e.R) && flat < len(e.R[li]) {
			vals = append(vals, math.Abs(float64(e.R[li][flat])))
		}
	}
	return sparkline(vals, 0, 1, w)
}

// samplePanel shows the latest text the model wrote.
func (m Model) samplePanel(r rect) string {
	st := m.st
	s := m.snap
	if len(s.Samples) == 0 {
		return cells.Fit(nil, r.w, r.h)
	}
	sm := s.Samples[len(s.Samples)-1]
	what := m.tr("What the model writes now (temperature %.2f; - + to change)", sm.Temp)
	if o := sm.Override; o != nil {
		u := probe.Unit{Layer: o.Layer, Cell: o.Cell, Index: o.Unit}
		what = m.tr("Written with %s clamped to %+g (x cycles +1, −1, 0, off)", u.Name(s.Config.Layers), o.Value)
		if !math.IsNaN(s.AblatedLoss) && s.Report != nil {
			what += m.tr("; window loss %.3f → %.3f bpc", s.Report.Loss/math.Ln2, s.AblatedLoss/math.Ln2)
		}
	}
	var out []string
	if r.h >= 2 {
		out = m.caption(what)
	}
	rows := r.h - len(out)
	text := strings.NewReplacer("\t", "    ").Replace(sm.Text)
	var lines []string
	for _, ln := range strings.Split(text, "\n") {
		for ansi.StringWidth(ln) > r.w {
			cut := ansi.Truncate(ln, r.w, "")
			lines = append(lines, cut)
			ln = ln[len(cut):]
		}
		lines = append(lines, ln)
	}
	if rows == 1 {
		lead := st.Label.Render(m.tr("sample") + " ")
		if sm.Override != nil {
			lead = st.Warn.Render(m.tr("clamped") + " ")
		}
		out = append(out, lead+st.Text.Render(strings.ReplaceAll(text, "\n", "↵")))
	} else {
		for _, ln := range lines[:min(rows, len(lines))] {
			out = append(out, st.Text.Render(ln))
		}
	}
	return cells.Fit(out, r.w, r.h)
}

// labelsPanel lists every label's best unit and how it emerged: what the network
// has learned so far, at a glance.
func (m Model) labelsPanel(r rect) string {
	st := m.st
	rep := m.snap.Report
	out := []string{st.Title.Render(m.tr("Every label")) + st.Muted.Render("  "+m.tr("(b cycles; the row in bold is shown)"))}
	for i, lr := range rep.Labels {
		if len(out) >= r.h {
			break
		}
		best, ok := lr.Best()
		if !ok {
			continue
		}
		score := fmt.Sprintf("|r| %.2f", math.Abs(best.R))
		if lr.Binary {
			score = fmt.Sprintf("AUC %.2f", best.AUC)
		}
		hist := make([]float64, 0, len(m.snap.Emergence))
		for _, e := range m.snap.Emergence {
			if i < len(e.Score) {
				hist = append(hist, e.Score[i])
			}
		}
		lo := 0.0
		if lr.Binary {
			lo = 0.5
		}
		line := cells.Pad(m.cat.label(lr.Name), 9) + " " + fmt.Sprintf("%-7s %-9s ", best.Unit.Name(rep.Layers), score) +
			m.tr("readout %5.2f", lr.Readout.R) + "  "
		line = cells.Pad(line, min(r.w-10, ansi.StringWidth(line))) + st.Accent.Render(sparkline(hist, lo, 1, max(r.w-ansi.StringWidth(line), 0)))
		if lr.Name == m.sel.label {
			line = st.Accent.Render("▸ ") + st.Value.Render(line)
		} else {
			line = "  " + st.Text.Render(line)
		}
		out = append(out, line)
	}
	return cells.Fit(out, r.w, r.h)
}

// eventsPanel is the event log, newest first.
func (m Model) eventsPanel(r rect) string {
	st := m.st
	ev := m.snap.Events
	var out []string
	if r.h > 2 {
		out = append(out, st.Title.Render(m.tr("Events")))
	}
	for i := len(ev) - 1; i >= 0 && len(out) < r.h; i-- {
		e := ev[i]
		text := m.cat.event(e)
		if e.Warn {
			text = st.Warn.Render(text)
		} else {
			text = st.Text.Render(text)
		}
		out = append(out, text)
	}
	if len(out) == 0 {
		out = append(out, st.Muted.Render(m.tr("no events yet")))
	}
	return cells.Fit(out, r.w, r.h)
}

// group writes n with thousands separators.
func group(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && c != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// frameCache keeps what a View would otherwise recompute from an unchanged
// recording: the text's line layout and the colour scale. View has a value
// receiver, so the model holds it by pointer; only the UI goroutine uses it.
type frameCache struct {
	rec      *probe.Recording
	width    int
	laid     [][]int
	scaleKey string
	scaleRec *probe.Recording
	scaleVal float64
}

func (c *frameCache) lines(rec *probe.Recording, w int) [][]int {
	if c.rec != rec || c.width != w {
		c.rec, c.width, c.laid = rec, w, layoutText(rec.Text, w)
	}
	return c.laid
}

func (c *frameCache) scale(rec *probe.Recording, key string, vals []float64, centre float64) float64 {
	key = fmt.Sprintf("%s@%g", key, centre)
	if c.scaleRec != rec || c.scaleKey != key {
		c.scaleRec, c.scaleKey, c.scaleVal = rec, key, robustScale(vals, centre)
	}
	return c.scaleVal
}
