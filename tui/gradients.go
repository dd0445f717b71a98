package tui

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui/cells"
)

// The Gradients screen: a vanilla RNN, an LSTM and a GRU trained side by side by
// probe.Trio, and how much of the gradient of the loss at one character reaches
// the hidden state k characters back (MISSION items 6–9).

// gradFloorE is the lowest decade the ratio plot goes down to: smaller ratios
// are drawn on its bottom line (the legend and table give their values).
const gradFloorE = -16

// gradLayout is where the screen's parts go inside the body, in rows and
// columns; gradientsLayout is a pure function of the body's size and the
// caption setting and holds the screen's breakpoints.
type gradLayout struct {
	wide     bool
	caption  int // rows
	ratio    int // rows of the ratio plot, its lag labels included
	legend   int
	loss     int // rows of the loss plot, its axis row included
	table    int
	notes    int
	footer   int
	leftW    int // wide: the ratio plot's columns (the right column gets the rest, less a gap of 2)
	rightW   int
	cellRows int // wide: rows of each cell's block
}

func gradientsLayout(w, h int, captions bool) gradLayout {
	l := gradLayout{footer: 1}
	if w >= 120 && h >= 30 {
		l.wide = true
		if captions {
			l.caption = 1
		}
		l.leftW = w * 3 / 5
		l.rightW = w - l.leftW - 2
		rest := h - l.caption - l.footer
		l.legend = 2
		l.ratio = rest - l.legend
		l.loss = min(max(rest/3, 6), 20)
		l.cellRows = 5
		l.table = 1 + 3*l.cellRows // a title and three blocks
		l.notes = max(rest-l.loss-l.table-1, 0)
		return l
	}
	if captions {
		l.caption = 1
	}
	l.legend, l.table, l.notes = 1, 4, 1
	free := h - l.caption - l.footer - l.legend - l.table - l.notes - 2 // the plots' axis rows
	if free < 8 {
		l.notes = 0
		free++
	}
	lossRows := min(max(free*3/11, 2), 12)
	l.ratio = free - lossRows + 1
	l.loss = lossRows + 1
	return l
}

// gradientsView draws the three cells' comparison: exactly r.h lines of r.w cells.
func (m Model) gradientsView(r rect) string {
	st := m.st
	if m.trio == nil {
		lines := []string{st.Title.Render(m.tr("Vanishing gradients: a vanilla RNN, an LSTM and a GRU side by side")), ""}
		msg := m.tr("This session has no comparison to run. Start the live scope (rnnscope) and press 3: it trains a " +
			"vanilla RNN, an LSTM and a GRU on the same text from the same seed, and shows how much of the " +
			"gradient at one character reaches the hidden state k characters back.")
		if m.cfg.Trio != nil {
			msg = m.tr("Press 3 to start the three networks; the main run pauses while they train (space on " +
				"the Scope screen resumes it).")
		}
		for _, ln := range cells.Wrap(msg, r.w, r.h-2) {
			lines = append(lines, st.Text.Render(ln))
		}
		return cells.Fit(lines, r.w, r.h)
	}
	return m.trioView(m.trio.Latest(), r)
}

// trioView draws the comparison from one snapshot: exactly r.h lines of r.w cells.
func (m Model) trioView(s *probe.TrioSnapshot, r rect) string {
	st := m.st
	if len(s.Cells) == 0 {
		msg := m.tr("starting the three networks…")
		if s.Err != "" {
			msg = m.tr("the comparison could not start: %s", s.Err)
		}
		return cells.Fit([]string{st.Warn.Render(msg)}, r.w, r.h)
	}
	// Each part is cut or extended to its rows; each line is padded once, at the end.
	l := gradientsLayout(r.w, r.h, m.captions)
	var out []string
	if l.caption > 0 {
		out = append(out, m.gradCaption(r.w))
	}
	if l.wide {
		h := l.ratio + l.legend
		plot, under := m.ratioPlot(s, l.leftW, l.ratio)
		left := gradRows(slices.Concat(gradRows(plot, l.ratio), m.gradLegend(s, l.leftW, l.legend, under)), h)
		right := gradRows(slices.Concat(
			[]string{st.Title.Render(m.tr("Loss")) + st.Muted.Render(m.tr(", bits per character, against characters seen by each"))},
			gradRows(m.lossPlot(s, l.rightW, l.loss-1), l.loss-1),
			gradRows(m.cellBlocks(s, l.rightW, l.cellRows), l.table),
			[]string{""},
			m.gradNotes(s, l.rightW, l.notes)), h)
		for i := range h {
			out = append(out, cells.Pad(left[i], l.leftW)+"  "+cells.Pad(right[i], l.rightW))
		}
	} else {
		plot, under := m.ratioPlot(s, r.w, l.ratio)
		out = slices.Concat(out,
			gradRows(plot, l.ratio),
			gradRows(m.gradLegend(s, r.w, l.legend, under), l.legend),
			gradRows(m.lossPlot(s, r.w, l.loss), l.loss),
			gradRows(m.trioTable(s, r.w), l.table))
		if l.notes > 0 {
			out = append(out, m.radiusNote(s, r.w))
		}
		for i := range out {
			out[i] = cells.Pad(out[i], r.w)
		}
	}
	if l.caption > 0 && l.wide {
		out[0] = cells.Pad(out[0], r.w)
	}
	out = gradRows(out, r.h-l.footer)
	for i := range out {
		if out[i] == "" {
			out[i] = strings.Repeat(" ", r.w)
		}
	}
	return strings.Join(append(out, cells.Pad(m.gradFooter(s, r.w), r.w)), "\n")
}

// gradRows cuts lines to h, or extends them with empty lines to h.
func gradRows(lines []string, h int) []string {
	if h <= 0 {
		return nil
	}
	if len(lines) >= h {
		return lines[:h:h]
	}
	return append(slices.Clip(lines), make([]string, h-len(lines))...)
}

// gradCaption is the screen's one line of plain words, as long as fits.
func (m Model) gradCaption(w int) string {
	for _, c := range []string{
		m.tr("Three networks trained side by side on the same text from the same seed: how much of the gradient " +
			"from the last character reaches k characters back (log scale)"),
		m.tr("Same text, same seed: how much of the gradient from the last character reaches k characters back"),
		m.tr("Same text, same seed: how much of the gradient reaches k characters back (log)"),
	} {
		if ansi.StringWidth(c) <= w {
			return m.st.Caption.Render(c)
		}
	}
	return m.st.Caption.Render(m.tr("How much gradient reaches k characters back"))
}

// trioCellOf returns the snapshot's cell of kind c (nil when missing).
func trioCellOf(s *probe.TrioSnapshot, c nets.Cell) *probe.TrioCell {
	for i := range s.Cells {
		if s.Cells[i].Cell == c {
			return &s.Cells[i]
		}
	}
	return nil
}

// cellSeries is a cell's drawing style (its colour, glyph and name).
func (m Model) cellSeries(c nets.Cell) themes.Series {
	return m.st.Series[min(int(c), themes.NumSeries-1)]
}

// Name lengths for trioName.
const (
	nameShort   = iota // in a sentence: "vanilla", "LSTM"
	nameCompact        // in the narrow table: "vanilla RNN", "LSTM fb 1"
	nameFull           // "vanilla RNN", "LSTM (forget bias 1)"
)

// trioName names a cell as the plots and tables do; the LSTM says its forget bias
// unless short.
func (cat *catalog) trioName(c probe.TrioCell, length int) string {
	switch {
	case c.Cell == nets.RNN && length == nameShort:
		return cat.tr("vanilla")
	case c.Cell == nets.RNN:
		return cat.tr("vanilla RNN")
	case c.Cell == nets.LSTM && length == nameShort:
		return "LSTM"
	case c.Cell == nets.LSTM && length == nameCompact:
		return cat.tr("LSTM fb %g", c.ForgetBias)
	case c.Cell == nets.LSTM:
		return cat.tr("LSTM (forget bias %g)", c.ForgetBias)
	}
	return "GRU"
}

// ratioText writes a ratio briefly: 0.57, 2.1e-3, 4.0e-25.
func ratioText(x float64) string {
	if x >= 0.01 && x < 100 {
		return strconv.FormatFloat(x, 'g', 2, 64)
	}
	s := strconv.FormatFloat(x, 'e', 1, 64) // 2.1e-03
	mant, exp, _ := strings.Cut(s, "e")
	e, _ := strconv.Atoi(exp)
	return mant + "e" + strconv.Itoa(e)
}

// decadeLabel writes 10^e as an axis label: 1, 10, 1e-2.
func decadeLabel(e int) string {
	switch e {
	case 0:
		return "1"
	case 1:
		return "10"
	}
	return "1e" + strconv.Itoa(e)
}

// gradPlot is a braille plot with glyph markers on top of the curves (the only
// distinction between series in mono) and vertical reference lines.
type gradPlot struct{ *cells.Canvas }

func newGradPlot(w, h int) *gradPlot { return &gradPlot{cells.NewCanvas(w, h)} }

// trace draws series s through ys, one pixel row per pixel column (−1: no
// value), joining neighbouring columns.
func (p *gradPlot) trace(s int, ys []int) {
	prev := -1
	for x, y := range ys {
		if y < 0 {
			prev = -1
			continue
		}
		if prev >= 0 {
			p.Line(x-1, prev, x, y, s)
		} else {
			p.Dot(x, y, s)
		}
		prev = y
	}
}

// markers puts a series' glyph mark on its curve every `every` cells, starting
// at cell `first`, so that series staggered by first never share a cell.
func (p *gradPlot) markers(mark string, ys []int, first, every int) {
	w, _ := p.Size()
	for cx := first; cx < w; cx += every {
		if y := ys[min(2*cx, len(ys)-1)]; y >= 0 {
			p.MarkCell(cx, y/4, mark)
		}
	}
}

// gradRender writes a plot whose series are cells: markers, then braille in
// each cell's colour, then the reference lines where nothing else is.
func (m Model) gradRender(p *gradPlot) []string {
	return p.Render(func(i int) string { return m.cellSeries(nets.Cell(i)).Prefix }, m.st.Grid.Render("┊"))
}

// trioDrawOrder is the order the cells are drawn in: the LSTM last, on top.
var trioDrawOrder = [...]nets.Cell{nets.RNN, nets.GRU, nets.LSTM}

// gradMarkerSpacing is the cells between one series' markers: each of the three
// gets a third of the gap.
func gradMarkerSpacing(w int) int { return max(9, w/8) }

// ratioPlot draws each cell's ‖∂L_t/∂h_{t−k}‖/‖∂L_t/∂h_t‖ against lag k on a log
// axis: h rows of w cells, the last row the lag labels. under is the plot's
// lowest decade when some ratios lie below it (drawn on its line), else 1.
func (m Model) ratioPlot(s *probe.TrioSnapshot, w, h int) (lines []string, under int) {
	st := m.st
	rows := h - 1
	K := s.Lags
	if rows < 2 || w < 20 {
		return nil, 1
	}
	if K < 1 {
		return []string{st.Warn.Render(m.tr("The held-out text is too short for a gradient window: no gradient plot."))}, 1
	}
	lo, hi := math.Inf(1), 1.0
	measured := false
	for _, c := range s.Cells {
		if len(c.Flow.Ratio) != K+1 {
			continue
		}
		measured = true
		for _, r := range c.Flow.Ratio {
			lo, hi = min(lo, r), max(hi, r)
		}
	}
	if !measured {
		return []string{st.Muted.Render(m.tr("measuring how the gradient falls off…"))}, 1
	}

	// The y axis: decades from the largest ratio (at least 1) down to the
	// smallest (not below gradFloorE), labels evenly spaced where the rows allow.
	hiE := max(0, int(math.Ceil(math.Log10(hi)-1e-9)))
	lowest := int(math.Floor(math.Log10(lo) + 1e-9))
	loE := min(max(lowest, gradFloorE), hiE-2)
	used, step, loE := decadeAxis(rows, hiE, loE)
	span := float64(hiE - loE)
	// A decade sits on the second dot row of its label's row.
	yOf := func(lg float64) int {
		f := min(max((float64(hiE)-lg)/span, 0), 1)
		return 1 + int(math.Round(f*float64(4*(used-1))))
	}
	labels := make([]string, used)
	lw := 0
	for e := hiE; e >= loE; e -= step {
		row := yOf(float64(e)) / 4
		if labels[row] == "" {
			labels[row] = decadeLabel(e)
			lw = max(lw, len(labels[row]))
		}
	}
	lagK := m.tr("lag k")
	lw = max(lw, ansi.StringWidth(lagK))
	gw := lw + 1
	cw := w - gw
	if cw < 10 {
		return nil, 1
	}

	// The x axis: lag k at pixel column k·(2cw−1)/K.
	pxw := 2 * cw
	xOf := func(k float64) int { return int(math.Round(k * float64(pxw-1) / float64(K))) }
	p := newGradPlot(cw, used)
	if s.Seq > 0 && s.Seq <= K {
		p.VRule(xOf(float64(s.Seq)) / 2)
	}
	every := gradMarkerSpacing(cw)
	for _, cell := range trioDrawOrder {
		c := trioCellOf(s, cell)
		if c == nil || len(c.Flow.Ratio) != K+1 {
			continue
		}
		ys := make([]int, pxw)
		for x := range ys {
			k := float64(x) * float64(K) / float64(pxw-1)
			k0 := min(int(k), K-1)
			f := k - float64(k0)
			// Interpolate in log space between the two neighbouring lags.
			ys[x] = yOf((1-f)*math.Log10(c.Flow.Ratio[k0]) + f*math.Log10(c.Flow.Ratio[k0+1]))
		}
		p.trace(int(cell), ys)
		p.markers(m.cellSeries(cell).Mark, ys, every/4+int(cell)*every/3, every)
	}
	body := m.gradRender(p)
	// Where the BPTT rule is, say so in the top row if it is free.
	if s.Seq > 0 && s.Seq <= K {
		note := " " + m.tr("beyond seq %d", s.Seq)
		cx := xOf(float64(s.Seq))/2 + 1
		if p.Free(cx, 0, ansi.StringWidth(note)) {
			body[0] = overlayAt(body[0], cx, st.Muted.Render(note))
		}
	}
	out := make([]string, rows-used, h) // rows the even labels leave over: blank, on top
	for i, ln := range body {
		axis := "│"
		if labels[i] != "" {
			axis = "┤"
		}
		out = append(out, st.Muted.Render(cells.Right(labels[i], lw))+st.Grid.Render(axis)+ln)
	}

	// Lag labels: a round step whose labels leave room between them, under the
	// gutter's "lag k".
	tick := 50
	for _, t := range []int{5, 10, 20, 25, 50} {
		if float64(t)*float64(cw)/float64(K) >= float64(len(strconv.Itoa(K))+3) {
			tick = t
			break
		}
	}
	row := []rune(strings.Repeat(" ", cw)) // the plot's columns, one rune a cell
	for k := 0; k <= K; k += tick {
		lab := strconv.Itoa(k)
		at := min(max(xOf(float64(k))/2-len(lab)/2, 0), cw-len(lab))
		copy(row[at:], []rune(lab))
	}
	xl := strings.TrimRight(cells.Right(lagK, lw)+" "+string(row), " ")
	if more := " " + m.tr("characters back"); ansi.StringWidth(xl)+ansi.StringWidth(more)+2 <= w && K%tick != 0 {
		xl += "  " + more
	}
	under = 1
	if lowest < loE {
		under = loE
	}
	return append(out, st.Muted.Render(xl)), under
}

// decadeAxis lays out the ratio plot's y axis on rows rows, from decade hiE down
// to loE: labels every step decades, g rows apart so that they are evenly
// spaced, on the plot's used ≤ rows rows (the rest stay blank); bottom is the
// decade of the last row. To space the labels evenly the bottom may move up to
// two decades above loE (lower ratios are drawn on its line) or below it. Without
// an even layout that wastes at most an eighth of the rows, step is the smallest
// that leaves 1½ rows between labels, and used = rows.
func decadeAxis(rows, hiE, loE int) (used, step, bottom int) {
	span := hiE - loE
	least := max(span-2, 2)
	for _, s := range []int{1, 2, 4, 5, 10, 20, 50} {
		bestN, bestWaste := 0, rows
		for n := (least + s - 1) / s; n <= rows-1 && n*s <= span+max(2, s); n++ {
			g := (rows - 1) / n
			if n < 1 || (s == 1 && g < 2) {
				continue
			}
			// Fewest rows wasted; on a tie, not above the data's lowest decade.
			if waste := rows - (g*n + 1); waste < bestWaste || waste == bestWaste && bestN*s < span {
				bestN, bestWaste = n, waste
			}
		}
		if bestN > 0 && bestWaste <= rows/8 {
			return rows - bestWaste, s, hiE - bestN*s
		}
	}
	step = 50
	for _, s := range []int{1, 2, 4, 8, 16} {
		if float64(s*4*(rows-1))/float64(span) >= 6 {
			step = s
			break
		}
	}
	return rows, step, hiE - (span+step-1)/step*step
}

// overlayAt writes s over line from cell x on, keeping what is on either side.
func overlayAt(line string, x int, s string) string {
	w := ansi.StringWidth(s)
	return ansi.Cut(line, 0, x) + s + ansi.Cut(line, x+w, ansi.StringWidth(line))
}

// gradLegend says in words what the ratio plot shows at k = 50 (or the last lag),
// the cell that keeps the most first; with two rows it adds the glyph key, and
// says which decade the ratios below the plot (under < 1) are drawn on.
func (m Model) gradLegend(s *probe.TrioSnapshot, w, h, under int) []string {
	st := m.st
	K := s.Lags
	k := min(50, K)
	type kept struct {
		c probe.TrioCell
		r float64
	}
	var ks []kept
	for _, c := range s.Cells {
		if K >= 1 && len(c.Flow.Ratio) == K+1 {
			ks = append(ks, kept{c, c.Flow.Ratio[k]})
		}
	}
	if len(ks) == 0 {
		return nil
	}
	slices.SortStableFunc(ks, func(a, b kept) int {
		switch {
		case a.r > b.r:
			return -1
		case a.r < b.r:
			return 1
		}
		return 0
	})
	var b strings.Builder
	for i, x := range ks {
		sr := m.cellSeries(x.c.Cell)
		name := sr.Mark + " " + sr.Style.Render(m.cat.trioName(x.c, nameShort))
		switch {
		case i == 0 && x.r > 1:
			b.WriteString(m.tr("%s has %s× the gradient at k = %d", name, st.Value.Render(ratioText(x.r)), k))
		case i == 0:
			b.WriteString(m.tr("%s keeps %s at k = %d", name, st.Value.Render(ratioText(x.r)), k))
		default:
			fmt.Fprintf(&b, "; %s %s", name, st.Value.Render(ratioText(x.r)))
		}
	}
	out := []string{b.String()}
	if h >= 2 {
		var key []string
		for _, c := range s.Cells {
			sr := m.cellSeries(c.Cell)
			key = append(key, sr.Mark+" "+sr.Style.Render(m.cat.trioName(c, nameFull)))
		}
		note := "   " + m.tr("lines join the ratios at lags 0…%d", K)
		if under < 1 {
			note += m.tr("; those below %s lie on its line", decadeLabel(under))
		}
		out = append(out, strings.Join(key, "   ")+st.Muted.Render(note))
	}
	return out
}

// lossPlot draws the three training losses in bits/char against characters
// seen: h rows of w cells, the last row the axis.
func (m Model) lossPlot(s *probe.TrioSnapshot, w, h int) []string {
	st := m.st
	rows := h - 1
	if rows < 1 {
		return nil
	}
	var maxChars int64
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range s.Cells {
		for _, pt := range c.LossCurve {
			v := pt.V / math.Ln2
			lo, hi = min(lo, v), max(hi, v)
			maxChars = max(maxChars, pt.Chars)
		}
	}
	if maxChars == 0 {
		return []string{st.Muted.Render(m.tr("loss, bits/char: after the first steps"))}
	}
	if hi-lo < 1e-6 {
		lo, hi = lo-0.5, hi+0.5
	}
	const gw = 6
	cw := w - gw
	if cw < 10 {
		return nil
	}
	pxw := 2 * cw
	sc := scaler{lo: lo, hi: hi, px: 4 * rows}
	xOf := func(ch int64) int { return int(math.Round(float64(ch) / float64(maxChars) * float64(pxw-1))) }
	p := newGradPlot(cw, rows)
	every := gradMarkerSpacing(cw)
	for _, cell := range trioDrawOrder {
		c := trioCellOf(s, cell)
		if c == nil || len(c.LossCurve) == 0 {
			continue
		}
		ys := make([]int, pxw)
		for i := range ys {
			ys[i] = -1
		}
		pts := c.LossCurve
		for i, pt := range pts {
			x1, y1 := xOf(pt.Chars), float64(sc.y(pt.V/math.Ln2))
			if i == 0 {
				ys[x1] = int(y1)
				continue
			}
			x0, y0 := xOf(pts[i-1].Chars), float64(sc.y(pts[i-1].V/math.Ln2))
			for x := x0; x <= x1; x++ {
				f := 0.0
				if x1 > x0 {
					f = float64(x-x0) / float64(x1-x0)
				}
				ys[x] = int(math.Round(y0 + f*(y1-y0)))
			}
		}
		p.trace(int(cell), ys)
		p.markers(m.cellSeries(cell).Mark, ys, every/4+int(cell)*every/3, every)
	}
	body := m.gradRender(p)
	out := make([]string, 0, h)
	for i, ln := range body {
		lab := ""
		switch {
		case i == 0:
			lab = fmt.Sprintf("%.2f", hi)
		case i == rows-1:
			lab = fmt.Sprintf("%.2f", lo)
		case i == rows/2:
			lab = m.tr("bpc")
		}
		out = append(out, st.Muted.Render(cells.Right(lab, gw-1))+st.Grid.Render("│")+ln)
	}
	right := probe.Count(maxChars)
	mid := " " + m.tr("characters seen by each") + " "
	fill := cw - 1 - len(right) - ansi.StringWidth(mid)
	axis := strings.Repeat(" ", gw) + "0"
	if fill >= 2 {
		axis += strings.Repeat("─", fill/2) + mid + strings.Repeat("─", fill-fill/2) + right
	} else {
		axis += strings.Repeat(" ", max(cw-1-len(right), 1)) + right
	}
	return append(out, st.Muted.Render(axis))
}

// trioTable is the compact numbers table: a header and a row per cell.
func (m Model) trioTable(s *probe.TrioSnapshot, w int) []string {
	st := m.st
	k1, k2 := min(25, s.Lags), min(50, s.Lags)
	head := cells.Pad("", 13) + " " + cells.Right(fmt.Sprintf("k = %d", k1), 8) + " " + cells.Right(fmt.Sprintf("k = %d", k2), 8) +
		"  " + cells.Pad("σ_max(W_hh)", 14) + " " + cells.Pad(m.tr("clipped"), 14) + " " + m.tr("loss")
	out := []string{st.Label.Render(head)}
	for _, c := range s.Cells {
		sr := m.cellSeries(c.Cell)
		r1, r2 := "…", "…"
		if s.Lags >= 1 && len(c.Flow.Ratio) == s.Lags+1 {
			r1, r2 = ratioText(c.Flow.Ratio[k1]), ratioText(c.Flow.Ratio[k2])
		}
		sigma := "…"
		if len(c.Flow.SigmaMax) > 0 {
			sigma = strconv.FormatFloat(c.Flow.SigmaMax[len(c.Flow.SigmaMax)-1], 'f', 2, 64)
			if len(c.Flow.Radius) > 0 {
				sigma += " ρ " + strconv.FormatFloat(c.Flow.Radius[len(c.Flow.Radius)-1], 'f', 2, 64)
			}
		}
		clip := fmt.Sprintf("%s · %d/100", group(c.ClipEvents), c.ClipRecent)
		clipped := st.Text.Render(fmt.Sprintf("%-14s", clip))
		if c.ClipRecent >= 10 {
			clipped = st.Warn.Render(fmt.Sprintf("%-14s", clip))
		}
		loss := "…"
		if !math.IsNaN(c.Loss) {
			loss = m.tr("%.2f bpc", c.Loss/math.Ln2)
		}
		name := sr.Mark + " " + sr.Style.Render(cells.Pad(m.cat.trioName(c, nameCompact), 11))
		out = append(out, name+st.Value.Render(fmt.Sprintf(" %8s %8s", r1, r2))+"  "+
			st.Text.Render(fmt.Sprintf("%-14s ", sigma))+clipped+" "+st.Text.Render(loss))
	}
	return out
}

// radiusText says what the vanilla W_hh's spectral radius rho means for the
// gradient: "0.93 < 1: gradients shrink by about this factor per step".
func (c *catalog) radiusText(rho float64) string {
	if rho < 1 {
		return c.tr("%.2f < 1: gradients shrink by about this factor per step", rho)
	}
	return c.tr("%.2f ≥ 1: W_hh alone grows gradients by this factor; tanh′ ≤ 1 damps", rho)
}

// radiusNote is the narrow layout's line under the table: what ρ means.
func (m Model) radiusNote(s *probe.TrioSnapshot, w int) string {
	c := trioCellOf(s, nets.RNN)
	if c == nil || len(c.Flow.Radius) == 0 {
		return ""
	}
	rho := c.Flow.Radius[len(c.Flow.Radius)-1]
	text := m.cat.radiusText(rho)
	for _, t := range []string{m.tr("ρ, the spectral radius of the vanilla W_hh, is %s", text), m.tr("ρ, the vanilla W_hh's radius, is %s", text),
		m.tr("vanilla radius ρ %s", text), "ρ " + text} {
		if ansi.StringWidth(t) <= w {
			text = t
			break
		}
	}
	return m.st.Muted.Render(text)
}

// cellBlocks is the wide layout's table: a title and a block of rows lines per
// cell.
func (m Model) cellBlocks(s *probe.TrioSnapshot, w, rows int) []string {
	st := m.st
	out := []string{""}
	dot := st.Muted.Render(" · ")
	for _, c := range s.Cells {
		sr := m.cellSeries(c.Cell)
		var block []string
		head := sr.Mark + " " + sr.Style.Bold(true).Render(m.cat.trioName(c, nameFull)) + dot +
			st.Value.Render(probe.Count(int64(c.Params))) + " " + st.Label.Render(m.tr("weights")) + dot +
			st.Label.Render(m.tr("step")) + " " + st.Value.Render(group(c.Step))
		if c.CharsPerSec > 0 {
			head += dot + st.Label.Render(m.tr("trains")) + " " + st.Value.Render(probe.Count(int64(c.CharsPerSec))) + " " + st.Label.Render(m.tr("chars/s"))
		}
		if !math.IsNaN(c.Loss) {
			head += dot + st.Label.Render(m.tr("loss")) + " " + st.Value.Render(fmt.Sprintf("%.3f", c.Loss/math.Ln2)) + " " + st.Label.Render(m.tr("bpc"))
		}
		block = append(block, head)
		if K := s.Lags; K >= 1 && len(c.Flow.Ratio) == K+1 {
			var ks, vs []string
			for _, k := range []int{1, 10, 25, 50, 100} {
				if k <= K {
					ks = append(ks, strconv.Itoa(k))
					vs = append(vs, st.Value.Render(ratioText(c.Flow.Ratio[k])))
				}
			}
			ln := "  " + st.Label.Render(m.tr("gradient kept at k = %s: ", strings.Join(ks, ", "))) + strings.Join(vs, dot)
			if when := st.Muted.Render("  " + m.tr("(step %s)", group(c.FlowStep))); ansi.StringWidth(ln+when) <= w {
				ln += when
			}
			block = append(block, ln)
		} else {
			block = append(block, "  "+st.Muted.Render(m.tr("gradient: measuring…")))
		}
		if n := len(c.Flow.SigmaMax); n > 0 {
			ln := "  " + st.Label.Render("W_hh: σ_max ") + st.Value.Render(strconv.FormatFloat(c.Flow.SigmaMax[n-1], 'f', 2, 64))
			switch {
			case len(c.Flow.Radius) > 0:
				ln += dot + st.Text.Render(m.tr("radius %s", m.cat.radiusText(c.Flow.Radius[len(c.Flow.Radius)-1])))
			case c.Cell == nets.LSTM:
				ln += dot + st.Text.Render(m.tr("the forget gate, not W_hh alone, decides what c carries back"))
			case c.Cell == nets.GRU:
				ln += dot + st.Text.Render(m.tr("1 − z plays the forget gate on its one state h"))
			}
			block = append(block, ln)
		}
		clip := m.tr("clipped on %s of %s steps · %d of the last 100", group(c.ClipEvents), group(c.Step), c.ClipRecent)
		if c.ClipRecent >= 10 {
			block = append(block, "  "+st.Warn.Render(clip))
		} else {
			block = append(block, "  "+st.Label.Render(clip))
		}
		if c.Cell == nets.LSTM {
			fb := m.tr("forget bias 0 (PyTorch's init): f starts near σ(0) = 0.5; press f for forget bias 1")
			if c.ForgetBias != 0 {
				fb = m.tr("forget bias %g: f starts near σ(%g) = %.2f, so c keeps more of itself each step; f for 0",
					c.ForgetBias, c.ForgetBias, 1/(1+math.Exp(-c.ForgetBias)))
			}
			block = append(block, "  "+st.Muted.Render(fb))
		}
		for len(block) < rows {
			block = append(block, "")
		}
		out = append(out, block[:rows]...)
	}
	return out
}

// gradNotes is the wide layout's reading of the picture and the trio's latest
// events, wrapped to w columns, at most h lines.
func (m Model) gradNotes(s *probe.TrioSnapshot, w, h int) []string {
	st := m.st
	if h <= 0 {
		return nil
	}
	notes := []string{
		m.tr("• The vanilla RNN multiplies the gradient by W_hhᵀ and by tanh′ ≤ 1 at every step back, so it shrinks " +
			"(or grows) geometrically with k: a straight line on this log scale."),
		m.tr("• The LSTM's cell state is multiplied by a forget gate that differs at every step, and new information " +
			"is added to it, so the gradient can survive long spans. Shown: the gradient through h, with c held fixed."),
		m.tr("• The GRU keeps one state h; 1 − z plays the forget gate. It has fewer weights than the LSTM and trains faster."),
		m.tr("• At PyTorch's init the three lose the gradient alike (with 128 units, about 1e-6 at k = 25). Press f: " +
			"with forget bias 1 the LSTM keeps about 2e-3 there. Training changes all three."),
	}
	if s.Seq > 0 && s.Seq <= s.Lags {
		notes = append(notes, m.tr("┊ At k = %d: training runs truncated BPTT over %d characters, so no "+
			"training gradient ever reaches further back, whatever the cell.", s.Seq, s.Seq))
	}
	out := []string{st.Title.Render(m.tr("Reading it"))}
	for _, n := range notes {
		for i, ln := range cells.Wrap(n, w-2, 4) {
			if i > 0 {
				ln = "  " + ln
			}
			out = append(out, st.Text.Render(ln))
		}
	}
	if len(s.Events) > 0 && len(out)+2 < h {
		out = append(out, "", st.Title.Render(m.tr("Events")))
		for i := len(s.Events) - 1; i >= 0 && len(out) < h; i-- {
			e := s.Events[i]
			for _, ln := range cells.Wrap(m.cat.event(e), w, 2) {
				if e.Warn {
					out = append(out, st.Warn.Render(ln))
				} else {
					out = append(out, st.Text.Render(ln))
				}
			}
		}
	}
	if len(out) > h {
		out = out[:h]
	}
	return out
}

// gradFooter is the screen's last line: whether the three train, their step and
// speed, and the screen's keys; the least important parts go first when narrow.
func (m Model) gradFooter(s *probe.TrioSnapshot, w int) string {
	st := m.st
	state, short := st.OK.Render(m.tr("▶ training")), st.OK.Render("▶")
	switch {
	case s.Err != "":
		state, short = st.Error.Render("■ "+m.trioErr(s)), st.Error.Render(m.tr("■ stopped"))
	case s.Paused:
		state, short = st.Warn.Render(m.tr("❚❚ paused")), st.Warn.Render("❚❚")
	}
	dot := st.Muted.Render(" · ")
	var step int64
	if len(s.Cells) > 0 {
		step = s.Cells[0].Step
	}
	steps := st.Label.Render(m.tr("step")) + " " + st.Value.Render(group(step))
	speed := ""
	switch {
	case s.Lockstep > 0:
		speed = st.Label.Render(m.tr("lockstep")) + " " + st.Value.Render(strconv.Itoa(s.Lockstep))
	case s.CharsPerSec > 0:
		speed = st.Value.Render(probe.Count(int64(s.CharsPerSec))) + " " + st.Label.Render(m.tr("chars/s, all three"))
	}
	k := func(b key.Binding, desc string) string {
		return st.HelpKey.Render(b.Help().Key) + " " + st.HelpDesc.Render(m.tr(desc))
	}
	sep := st.HelpSep.Render(" · ")
	keys := []string{
		k(m.keys.Reset, "reset all three") + sep + k(m.keys.ForgetBias, "LSTM forget bias 1/0") + sep + k(m.keys.TogglePause, "pause"),
		k(m.keys.Reset, "reset") + sep + k(m.keys.ForgetBias, "forget bias 1/0") + sep + k(m.keys.TogglePause, "pause"),
	}
	lefts := []string{state + dot + steps, short + " " + steps}
	if speed != "" {
		lefts = []string{state + dot + steps + dot + speed, short + " " + steps + dot + speed, short + " " + steps}
	}
	// The full keys before the speed, the speed before the short keys.
	for _, c := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {2, 0}, {2, 1}} {
		if c[0] >= len(lefts) {
			continue
		}
		l, kk := lefts[c[0]], keys[c[1]]
		if gap := w - ansi.StringWidth(l) - ansi.StringWidth(kk); gap >= 2 {
			return l + strings.Repeat(" ", gap) + kk
		}
	}
	return cells.Pad(lefts[len(lefts)-1]+"  "+keys[len(keys)-1], w)
}

// trioErr is why the comparison stopped, in the session's language: the
// event that says so, else the snapshot's English reason.
func (m Model) trioErr(s *probe.TrioSnapshot) string {
	for i := len(s.Events) - 1; i >= 0; i-- {
		if e := s.Events[i]; e.Text == s.Err {
			return m.cat.event(e)
		}
	}
	if m.cat.english() {
		return s.Err
	}
	return m.tr("stopped")
}

// gradientsKey handles the Gradients screen's own keys; false when the key is not
// one of them (or there is no comparison for it to act on).
func (m *Model) gradientsKey(msg tea.KeyPressMsg) bool {
	k := m.keys
	switch {
	case key.Matches(msg, k.ForgetBias):
		if m.trio == nil {
			m.status = m.tr("no comparison is running: press 3 to start it")
			return true
		}
		old := 0.0
		if c := trioCellOf(m.trio.Latest(), nets.LSTM); c != nil {
			old = c.ForgetBias
		}
		next := 1.0
		if old != 0 {
			next = 0
		}
		m.trio.Send(probe.TrioControl{ToggleForgetBias: true})
		m.status = m.tr("LSTM forget bias %g → %g; all three restart from their initial weights, so the comparison stays fair", old, next)
		return true
	case key.Matches(msg, k.Reset):
		if m.trio == nil {
			return false
		}
		m.trio.Send(probe.TrioControl{Reset: true})
		m.status = m.tr("all three networks reset to their initial weights")
		return true
	case key.Matches(msg, k.TogglePause):
		if m.trio == nil {
			return false
		}
		if m.trio.Latest().Paused {
			m.trio.Send(probe.TrioControl{Resume: true})
			m.status = m.tr("the three networks train again")
		} else {
			m.trio.Send(probe.TrioControl{Pause: true})
			m.status = m.tr("the three networks are paused")
		}
		return true
	}
	return false
}
