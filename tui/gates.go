package tui

import (
	"math"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui/cells"
)

// gateMeaning names a sigmoid gate and says what it does when open (near 1) and
// when shut (near 0). GRU: h = (1−z)⊙n + z⊙h₋₁, so an open z keeps the old
// state; an r near 0 makes the candidate n ignore the past.
func (c *catalog) gateMeaning(g string) (name, open, shut string) {
	switch g {
	case "i":
		return c.tr("input gate"), c.tr("write"), c.tr("ignore")
	case "f":
		return c.tr("forget gate"), c.tr("remember"), c.tr("forget")
	case "o":
		return c.tr("output gate"), c.tr("show"), c.tr("hide")
	case "r":
		return c.tr("reset gate"), c.tr("use the past"), c.tr("reset")
	case "z":
		return c.tr("update gate"), c.tr("keep"), c.tr("overwrite")
	}
	return c.tr("%s gate", g), c.tr("open"), c.tr("shut")
}

// gateNameWidth is the widest gate name, in cells: every panel's title gives
// the y axis's name room beside it, in the same form.
func (c *catalog) gateNameWidth() int {
	w := 0
	for _, g := range []string{"i", "f", "o", "r", "z"} {
		name, _, _ := c.gateMeaning(g)
		w = max(w, ansi.StringWidth(name))
	}
	return w
}

// Gate panel sizes, in cells.
const (
	gateMinW   = 24 // narrowest panel
	gateGutter = 3  // y label, pin mark, axis
)

// gatesView draws, for every sigmoid gate of the pinned unit's layer, the
// saturation plot (each unit's share of time below 0.1 against above 0.9) and
// the histogram of all its activations, with a one-line reading per gate.
func (m Model) gatesView(r rect) string {
	st := m.st
	s := m.snap
	if s == nil || s.Report == nil {
		return cells.Fit([]string{st.Muted.Render(m.tr("waiting for the first probe…"))}, r.w, r.h)
	}
	if s.Config.Cell == nets.RNN {
		lines := m.caption(cells.FirstFit(r.w,
			m.tr("Gates are the sigmoid switches of an LSTM or a GRU: how often each one is shut or wide open."),
			m.tr("Gates are the sigmoid switches of an LSTM or a GRU.")))
		lines = append(lines, "")
		for _, ln := range cells.Wrap(m.tr("A vanilla RNN has no gates: switch to --cell lstm or gru to see them."), r.w, 2) {
			lines = append(lines, st.Title.Render(ln))
		}
		lines = append(lines, "")
		lines = append(lines, cells.Wrap(m.tr("Its state is h = tanh(W_hh h₋₁ + W_ih x + b): the same W_hh multiplies in at every step, "+
			"so gradients from far back shrink or grow exponentially (3 Gradients shows it). "+
			"An LSTM's forget gate and a GRU's update gate choose, unit by unit and step by step, what to keep."), r.w, 5)...)
		return cells.Fit(lines, r.w, r.h)
	}
	layer := m.sel.pinned.Layer
	var sats []*probe.Saturation
	for i := range s.Report.Saturation {
		if sat := &s.Report.Saturation[i]; sat.Layer == layer {
			sats = append(sats, sat)
		}
	}
	if len(sats) == 0 {
		return cells.Fit([]string{st.Muted.Render(m.tr("no gate statistics for layer %d yet", layer+1))}, r.w, r.h)
	}

	lines := m.caption(cells.FirstFit(r.w,
		m.tr("Each dot is a unit: → its share of time with the gate below 0.1 (shut), ↑ above 0.9 (open). Bars: every value of the gate, 0 to 1."),
		m.tr("Dots are units: → time shut (< 0.1), ↑ time open (> 0.9). Bars: all values, 0 to 1."),
		m.tr("Dots: units; → time shut (< 0.1), ↑ time open (> 0.9); bars: all values 0–1.")))
	readings := gateReadings(m.cat, sats, r.w)
	// Panels: as many across as fit, all the same size; rows they leave go to
	// the bottom of the screen, under the readings. Panel rows are exactly r.w
	// cells once joined, so only the other lines are measured again.
	cols := min(len(sats), max(1, (r.w+1)/(gateMinW+1)))
	prows := (len(sats) + cols - 1) / cols
	pw := (r.w - (cols - 1)) / cols
	ph := (r.h - len(lines) - len(readings)) / prows
	var rows []string
	for pr := range prows {
		var panels [][]string
		h := 0
		for c := range cols {
			if i := pr*cols + c; i < len(sats) {
				p := m.gatePanel(sats[i], pw, ph)
				panels = append(panels, p)
				h = max(h, len(p))
			}
		}
		if h == 0 {
			continue
		}
		blocks := make([]string, cols)
		for i := range blocks {
			var p []string
			if i < len(panels) {
				p = panels[i]
			}
			blocks[i] = cells.Fit(p, pw, h)
		}
		rest := strings.Repeat(" ", r.w-cols*pw-(cols-1))
		for _, row := range strings.Split(hjoin(" ", blocks...), "\n") {
			rows = append(rows, row+rest)
		}
	}
	var out strings.Builder
	n := 0
	add := func(s string, exact bool) {
		if n >= r.h {
			return
		}
		if n > 0 {
			out.WriteByte('\n')
		}
		if !exact {
			s = cells.Pad(s, r.w)
		}
		out.WriteString(s)
		n++
	}
	for _, l := range lines {
		add(l, false)
	}
	for _, l := range rows {
		add(l, true)
	}
	for _, rd := range readings {
		add(st.Text.Render(rd), false)
	}
	for n < r.h {
		add("", false)
	}
	return out.String()
}

// gateReadings says for each gate in plain words how many units keep it open
// or shut most of the time (over half the steps), all in the longest form in
// which every reading fits w.
func gateReadings(c *catalog, sats []*probe.Saturation, w int) []string {
	const forms = 3
	all := make([][forms]string, len(sats))
	for i, sat := range sats {
		name, open, shut := c.gateMeaning(sat.Gate)
		var nOpen, nShut int
		for u := range sat.High {
			if sat.High[u] > 0.5 {
				nOpen++
			}
			if sat.Low[u] > 0.5 {
				nShut++
			}
		}
		h := max(len(sat.High), 1)
		po, ps := 100*float64(nOpen)/float64(h), 100*float64(nShut)/float64(h)
		all[i] = [forms]string{
			c.tr("%s (%s): %.0f%% of units are right-saturated (> 0.9) most of the time (%s), %.0f%% left-saturated (< 0.1) (%s)",
				sat.Gate, name, po, open, ps, shut),
			c.tr("%s: %.0f%% of units are right-saturated most of the time (%s), %.0f%% left-saturated (%s)", sat.Gate, po, open, ps, shut),
			c.tr("%s: %.0f%% of units mostly > 0.9 (%s), %.0f%% mostly < 0.1 (%s)", sat.Gate, po, open, ps, shut),
		}
	}
	k := 0
	for ; k < forms-1; k++ {
		fits := true
		for _, f := range all {
			fits = fits && ansi.StringWidth(f[k]) <= w
		}
		if fits {
			break
		}
	}
	out := make([]string, len(all))
	for i, f := range all {
		out[i] = f[k]
	}
	return out
}

// gatePanel draws one gate in at most h lines of at most w cells: title,
// saturation plot, the pinned unit's numbers, the histogram and, when rows are
// left, the units that are mostly open or shut.
func (m Model) gatePanel(sat *probe.Saturation, w, h int) []string {
	st := m.st
	name, _, _ := m.cat.gateMeaning(sat.Gate)
	layer := ""
	if m.layers() > 1 {
		layer = m.tr(", layer %d", sat.Layer+1)
	}
	units := len(sat.Low)
	pin := m.sel.pinned.Index
	if pin >= units {
		pin = -1
	}
	plotW := max(w-gateGutter, 1)
	bars := min(max((h-6)/5, 1), 4)
	plotH := max(min(h-5-bars, (plotW+1)/2), 0)

	// The y axis's name, in the same form on every panel: the longest that
	// fits beside the longest gate name ("forget gate").
	title := st.Title.Render(sat.Gate) + " " + st.Text.Render(name+layer)
	room := w - ansi.StringWidth(sat.Gate+" "+layer) - m.cat.gateNameWidth()
	for _, up := range []string{"  " + m.tr("↑ open > 0.9"), "  ↑ > 0.9"} {
		if ansi.StringWidth(up) <= room {
			title += st.Muted.Render(up)
			break
		}
	}
	out := []string{title}

	// The saturation plot: x = share of time below 0.1, y = share above 0.9.
	pinX, pinRow := -1, -1
	if plotH > 0 {
		c := cells.NewCanvas(plotW, plotH)
		px, py := 2*plotW, 4*plotH
		sy := scaler{lo: 0, hi: 1, px: py}
		sx := func(v float64) int { return int(math.Round(min(max(v, 0), 1) * float64(px-1))) }
		for y := range plotH { // the diagonal x + y = 1 (no time in between), a dot a row
			v := 1 - float64(4*y+2)/float64(py-1) // the row's middle, as a share open
			c.RuleCell(min(sx(1-v)/2, plotW-1), y)
		}
		for u := range units {
			if u != pin {
				c.Dot(sx(sat.Low[u]), sy.y(sat.High[u]), 0)
			}
		}
		if pin >= 0 {
			x, y := sx(sat.Low[pin]), sy.y(sat.High[pin])
			c.Dot(x, y, 1)
			pinX, pinRow = x/2, y/4
		}
		series := themes.LSTM
		if m.snap.Config.Cell == nets.GRU {
			series = themes.GRU
		}
		dotPrefix := st.Series[series].Prefix
		pinStyle := ansi.Style{}.Reset().Bold().Reverse(true)
		if a := st.Palette.Accent; a != nil {
			pinStyle = pinStyle.ForegroundColor(a)
		}
		pinPrefix := pinStyle.String()
		body := c.Render(func(s int) string {
			if s == 1 {
				return pinPrefix
			}
			return dotPrefix
		}, st.Grid.Render("·"))

		axis := st.Grid.Render("│")
		one, zero := st.Muted.Render("1"), st.Muted.Render("0")
		for i, ln := range body {
			lab := " "
			switch i {
			case 0:
				lab = one
			case plotH - 1:
				lab = zero
			}
			mark := " "
			if i == pinRow {
				mark = st.PinMark
			}
			out = append(out, lab+mark+axis+ln)
		}
		ax := "  " + st.Grid.Render("└"+strings.Repeat("─", plotW))
		if pinX >= 0 {
			ax = "  " + st.Grid.Render("└"+strings.Repeat("─", pinX)) + st.Accent.Render("▲") +
				st.Grid.Render(strings.Repeat("─", plotW-pinX-1))
		}
		out = append(out, ax)
		mid := m.tr("shut < 0.1 →")
		gap := plotW - 2 - ansi.StringWidth(mid)
		if gap < 2 {
			mid, gap = "→", plotW-3
		}
		out = append(out, st.Muted.Render("   0"+strings.Repeat(" ", max(gap/2, 0))+mid+strings.Repeat(" ", max(gap-gap/2, 0))+"1"))
	}
	if pin >= 0 {
		// One form under every panel: the longest in which the widest numbers fit.
		unit := m.tr("unit %d", pin)
		long, short := m.tr(" shut %.0f%% · open %.0f%% of the time", 100*sat.Low[pin], 100*sat.High[pin]),
			m.tr(": %.0f%% shut, %.0f%% open", 100*sat.Low[pin], 100*sat.High[pin])
		form := long
		switch widest := func(f string) int { return ansi.StringWidth(m.tr(f, 100.0, 100.0)) }; {
		case 2+ansi.StringWidth(unit)+widest(" shut %.0f%% · open %.0f%% of the time") <= w:
		case 2+ansi.StringWidth(unit)+widest(": %.0f%% shut, %.0f%% open") <= w:
			form = short
		default:
			unit, form = strconv.Itoa(pin), short
		}
		out = append(out, st.PinMark+" "+st.Pinned.Render(unit)+st.Label.Render(form))
	} else {
		out = append(out, "")
	}

	// The histogram: HistBins bins over [0, 1] stretched (or merged) to the
	// width, bars up to `bars` rows tall, scaled to the fullest bin.
	peak := 0.0
	for _, v := range sat.Hist {
		peak = max(peak, v)
	}
	out = append(out, st.Muted.Render(cells.FirstFit(w,
		m.tr("all values, 0 to 1 (fullest bin %.0f%%)", 100*peak),
		m.tr("all values (peak %.0f%%)", 100*peak))))
	bw := max(w-4, 1)
	col := make([]float64, bw)
	top := 0.0
	nb := len(sat.Hist)
	for x := range bw {
		a := x * nb / bw
		b := max((x+1)*nb/bw, a+1)
		sum := 0.0
		for _, v := range sat.Hist[a:min(b, nb)] {
			sum += v
		}
		col[x] = sum / float64(min(b, nb)-a)
		top = max(top, col[x])
	}
	for row := range bars {
		var b strings.Builder
		for _, v := range col {
			e := 0
			if top > 0 {
				e = int(math.Round(v / top * float64(8*bars)))
				if v > 0 && e == 0 {
					e = 1 // a bin that holds anything shows
				}
			}
			k := min(max(e-8*(bars-1-row), 0), 8)
			if k == 0 {
				b.WriteByte(' ')
			} else {
				b.WriteString(themes.SparkRamp[3*(k-1) : 3*k])
			}
		}
		left, right := "  ", "  "
		if row == bars-1 {
			left, right = "0 ", " 1"
		}
		out = append(out, st.Muted.Render(left)+st.Accent.Render(b.String())+st.Muted.Render(right))
	}

	// Rows left: which units are open or shut most of the time.
	if left := h - len(out); left >= 3 {
		var open, shut []string
		for u := range units {
			if sat.High[u] > 0.5 {
				open = append(open, strconv.Itoa(u))
			}
			if sat.Low[u] > 0.5 {
				shut = append(shut, strconv.Itoa(u))
			}
		}
		list := func(what string, us []string) []string {
			if len(us) == 0 {
				return []string{st.Label.Render(what + ": " + m.tr("none"))}
			}
			ls := cells.Wrap(what+": "+strings.Join(us, " "), w, (left-1)/2)
			for i := range ls {
				ls[i] = st.Label.Render(ls[i])
			}
			return ls
		}
		out = append(out, "")
		out = append(out, list(m.tr("units open most of the time"), open)...)
		out = append(out, list(m.tr("units shut most of the time"), shut)...)
	}
	return out[:min(len(out), h)]
}
