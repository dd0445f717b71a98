package tui

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui/cells"
)

// rasterView is the Raster screen's own state.
type rasterView struct {
	sorted bool // rows ordered by |r| with the chosen label
}

// rasterSamples bounds how many values the raster's colour scale is estimated
// from: a fixed stride through the group's values in view, so that a View at
// 240×70 with 1,024 units still sorts only this many numbers (2,048 values
// put the 98th percentile within about a percentile of the exact one).
const rasterSamples = 2048

// rasterRowsPerUnit caps how many text rows one unit gets when the screen has
// room to spare (a 16-unit network at 240×70).
const rasterRowsPerUnit = 3

// rasterGroup is the group the Raster shows: the pinned unit's layer, and its
// state (c only for an LSTM).
func (m Model) rasterGroup() (layer int, cell bool) {
	u := m.sel.pinned
	return u.Layer, u.Cell && m.snap.Config.Cell == nets.LSTM
}

// rasterOrder lists the group's unit indices in row order: by |r| with the
// chosen label, largest first (ties by index, undefined r last), when the
// user sorted and the label has a ranking; else in unit order. byR says which.
// It is an index sort over precomputed correlations, not analysis.
func (m Model) rasterOrder(layer int, cell bool) (order []int, byR bool) {
	rec := m.snap.Rec
	h := m.snap.Config.Hidden
	order = make([]int, h)
	for i := range order {
		order[i] = i
	}
	lr := m.board()
	if !m.raster.sorted || lr == nil {
		return order, false
	}
	base := rec.Flat(probe.Unit{Layer: layer, Cell: cell})
	if base < 0 || base+h > len(lr.R) {
		return order, false
	}
	rs := lr.R[base : base+h]
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(absR(rs[b]), absR(rs[a])) })
	return order, true
}

// absR is |r|, with an undefined r below every defined one.
func absR(r float64) float64 {
	if math.IsNaN(r) {
		return -1
	}
	return math.Abs(r)
}

// rasterSpan is the steps the raster shows, [from, from+n), in cw columns: the
// steps the Scope text panel shows when they fill the columns, else from the
// text cursor on; moved so that the cursor stays in view.
func (m Model) rasterSpan(cw int) (from, n int) {
	T := m.snap.Rec.T
	n = min(cw, T)
	if n <= 0 {
		return 0, 0
	}
	cur := min(max(m.text.cursor, 0), T-1)
	from = cur
	if t := m.lay.text; t.w > 0 && t.h > len(m.caption("")) {
		if a, z := m.visibleRange(t); z-a+1 >= cw {
			from = a
		}
	}
	if cur < from || cur >= from+n {
		from = cur - n/2
	}
	return min(max(from, 0), T-n), n
}

// rasterScale is the colour scale for acts (unit-major, T steps per unit):
// robustScale, centred at 0, of every unit's values over the steps in view,
// read at a fixed stride so that at most rasterSamples values are sorted.
func rasterScale(acts []float64, T, from, n int) float64 {
	units := len(acts) / max(T, 1)
	total := units * n
	if total == 0 {
		return 1
	}
	stride := max(1, (total+rasterSamples-1)/rasterSamples)
	vals := make([]float64, 0, total/stride+1)
	for j := 0; j < total; j += stride {
		vals = append(vals, acts[(j/n)*T+from+j%n])
	}
	return robustScale(vals, 0)
}

// stepGlyph is how the raster's text line shows a character in one cell.
func stepGlyph(r rune) rune {
	switch {
	case r == '\n':
		return '↵'
	case r == '\t':
		return '⇥'
	case r < ' ' || r == 0x7f:
		return '·'
	case r >= 0x1100 && ansi.StringWidth(string(r)) != 1:
		return '□' // a wide (or zero-width) character cannot keep its column
	}
	return r
}

// rasterGeom is where the Raster puts things in its rect, for drawing and for
// mouse hits.
type rasterGeom struct {
	top    int // the first heatmap row, below the caption and the info line
	rows   int // heatmap rows
	bottom int // rows under it: the text, and the label's band if there is room
	per    int // units per heatmap row: 2 in half blocks, else 1
	tall   int // heatmap rows per unit, when there is room to spare
	shown  int // units shown
	col    int // gutter cells per unit name
	gw, cw int // gutter and heatmap widths
}

// rasterGeometry places the Raster's parts for H units in r.
func (m Model) rasterGeometry(r rect, H int) rasterGeom {
	g := rasterGeom{top: len(m.caption("")) + 1, bottom: 1, per: 1, tall: 1}
	if r.h-g.top >= 5 {
		g.bottom++
	}
	g.rows = max(r.h-g.top-g.bottom, 0)
	switch {
	case g.rows >= H:
		g.tall = min(g.rows/H, rasterRowsPerUnit)
	case m.st.Div.HalfBlocks():
		g.per = 2
	}
	g.shown = min(H, g.rows*g.per/g.tall)
	// Gutter: the pin mark, then the row's unit names (top, bottom).
	g.col = 2 + len(strconv.Itoa(H-1)) // "c", the widest index and a space
	if g.per == 1 {
		g.col = max(g.col, 6) // room for the label's name on the band's line
	}
	g.gw = 1 + g.per*g.col
	g.cw = max(r.w-g.gw, 0)
	return g
}

// rasterHit is the unit at screen cell (x, y) of the Raster: a row's unit, or
// with two units a row the one whose name is under (x, y).
func (m Model) rasterHit(x, y int) (probe.Unit, bool) {
	r := m.lay.body
	if m.snap == nil || m.snap.Rec == nil || !r.contains(x, y) {
		return probe.Unit{}, false
	}
	layer, cell := m.rasterGroup()
	g := m.rasterGeometry(r, m.snap.Config.Hidden)
	row, x := y-r.y-g.top, x-r.x
	first := row / g.tall * g.per
	if row < 0 || row >= g.rows || first >= g.shown {
		return probe.Unit{}, false
	}
	k := 0
	if g.per == 2 {
		if x < 1 || x >= g.gw { // the heatmap: top or bottom half is not knowable
			return probe.Unit{}, false
		}
		k = (x - 1) / g.col
	}
	order, _ := m.rasterOrder(layer, cell)
	if first+k >= g.shown {
		return probe.Unit{}, false
	}
	return probe.Unit{Layer: layer, Cell: cell, Index: order[first+k]}, true
}

// rasterInto writes the Raster screen's body into out, the frame's builder, so
// that the heatmap, the largest frame rnnscope draws, is not copied again: every
// unit of the pinned unit's group over time, a column per step, a row per unit
// (up to rasterRowsPerUnit rows each when there is room; two units per text row
// in half blocks when there is not and the colour map can), then the text and
// the chosen label's band.
func (m Model) rasterInto(out *strings.Builder, r rect) {
	st := m.st
	s := m.snap
	if s == nil || s.Rec == nil {
		out.WriteString(cells.Fit([]string{st.Muted.Render(m.tr("waiting for the first probe…"))}, r.w, r.h))
		return
	}
	rec := s.Rec
	T, H := rec.T, s.Config.Hidden
	layer, cell := m.rasterGroup()
	kind := "h"
	if cell {
		kind = "c"
	}
	var acts []float64
	for _, g := range rec.Groups {
		if g.Layer == layer && g.Cell == cell {
			acts = g.Acts
		}
	}
	if acts == nil {
		out.WriteString(cells.Fit([]string{st.Muted.Render(m.tr("nothing recorded for %s of this layer", kind))}, r.w, r.h))
		return
	}
	order, byR := m.rasterOrder(layer, cell)
	lr := m.board()
	label := m.cat.label(m.sel.label)
	div := st.Div

	// Caption.
	layerWords := ""
	if s.Config.Layers > 1 {
		layerWords = m.tr(" of layer %d", layer+1)
	}
	pos, neg := m.tr("warm"), m.tr("cool")
	if !div.HalfBlocks() {
		pos, neg = "░▓", "=▬"
	}
	capLines := m.caption(cells.FirstFit(r.w,
		m.tr("Every %s unit%s is a row, every character of the text below a column: %s above 0, %s below. o sorts the rows by |r| with %s.", kind, layerWords, pos, neg, label),
		m.tr("Rows: %s units%s; columns: the characters below (%s > 0, %s < 0). o sorts by |r| with %s.", kind, layerWords, pos, neg, label),
		m.tr("Rows: %s units; columns: the characters below. o sorts by |r| with %s.", kind, label)))

	g := m.rasterGeometry(r, H)
	rows, per, tall, shown, bottom := g.rows, g.per, g.tall, g.shown, g.bottom
	col, gw, cw := g.col, g.gw, g.cw
	from, n := m.rasterSpan(cw)
	scale := rasterScale(acts, T, from, n)

	lines := 0
	line := func(s string) {
		if lines >= r.h {
			return
		}
		if lines > 0 {
			out.WriteByte('\n')
		}
		out.WriteString(cells.Pad(s, r.w))
		lines++
	}
	for _, l := range capLines {
		line(l)
	}

	// What is shown, how it is ordered, the steps and the colour scale.
	orderWords := m.tr("unit order; o sorts by |r| with %s", label)
	switch {
	case byR:
		orderWords = m.tr("sorted by |r| with %s", label)
	case m.raster.sorted:
		orderWords = m.tr("unit order: no ranking for %s", label)
	}
	what := m.tr("all %d %s units%s", H, kind, layerWords)
	if shown < H {
		what = m.tr("showing %d of %d units%s", shown, H, layerWords)
	}
	parts := []string{st.Label.Render(what + " (" + orderWords + ")")}
	pinned := m.sel.pinned.Index
	if at := slices.Index(order, pinned); at >= shown {
		pin := st.PinMark + " " + st.Pinned.Render(kind+strconv.Itoa(pinned)) + st.Label.Render(m.tr(" is row %d, below", at+1))
		if ansi.StringWidth(parts[0])+3+ansi.StringWidth(pin) > r.w && !byR {
			parts[0] = st.Label.Render(what + " (" + m.tr("unit order") + ")") // the pinned unit matters more than the hint
		}
		parts = append(parts, pin)
	}
	var legend strings.Builder
	legend.WriteString(st.Label.Render(fmt.Sprintf("−%.2f ", scale)))
	pen := div.Pen(&legend)
	for _, it := range div.Legend() {
		pen.Block(it.Level)
	}
	pen.End()
	legend.WriteString(st.Label.Render(fmt.Sprintf(" +%.2f", scale)))
	parts = append(parts, legend.String())
	if n > 0 {
		parts = append(parts, st.Label.Render(m.tr("steps %d–%d of %d", from, from+n-1, T)))
	}
	sep := st.Muted.Render(" · ")
	info := ""
	for _, p := range parts {
		next := p
		if info != "" {
			next = info + sep + p
		}
		if info != "" && ansi.StringWidth(next) > r.w {
			break
		}
		info = next
	}
	line(info)

	// The heatmap, written straight into the output: every row is exactly gw
	// + cw cells by construction, so it skips pad's measuring. A truecolor half
	// block costs 32 bytes on average (SGR changes at most cells), at most 41:
	// grow once, with room, rather than doubling a half-megabyte builder.
	out.Grow(rows * (gw + 40 + cw*36))
	blank := strings.Repeat(" ", max(cw-n, 0))
	// The gutter's names in Muted, rendered once: a Render per row would
	// cost more allocations than the rest of the heatmap.
	mutedOn, mutedOff, _ := strings.Cut(st.Muted.Render("x"), "x")
	for row := 0; row < rows && row/tall*per < shown && lines < r.h; row++ {
		out.WriteByte('\n')
		lines++
		first := row / tall * per
		units := order[first:min(first+per, shown)]
		if row%tall != 0 { // a tall unit's further rows: no names
			out.WriteString(strings.Repeat(" ", gw))
		} else {
			mark := " "
			if slices.Contains(units, pinned) {
				mark = st.PinMark
			}
			out.WriteString(mark)
			for _, u := range units {
				name := kind + strconv.Itoa(u)
				if u == pinned {
					out.WriteString(st.Pinned.Render(name))
				} else {
					out.WriteString(mutedOn + name + mutedOff)
				}
				out.WriteString(strings.Repeat(" ", col-len(name)))
			}
			if len(units) < per {
				out.WriteString(strings.Repeat(" ", col))
			}
		}
		pen := div.Pen(out)
		top := acts[units[0]*T+from : units[0]*T+from+n]
		switch {
		case per == 1 && tall > 1 && row%tall == tall-1 && div.HalfBlocks():
			for _, v := range top { // a tall unit's last row: half, to part it from the next
				pen.Half(div.Level(v, scale), 0)
			}
		case per == 1:
			for _, v := range top {
				pen.Block(div.Level(v, scale))
			}
		case len(units) == 1:
			for _, v := range top {
				pen.Half(div.Level(v, scale), 0)
			}
		default:
			bot := acts[units[1]*T+from : units[1]*T+from+n]
			for k, v := range top {
				pen.Half(div.Level(v, scale), div.Level(bot[k], scale))
			}
		}
		pen.End()
		out.WriteString(blank)
	}

	// The characters of the shown steps, the cursor's in reverse video, and the
	// label's band: one cell per step, so each column lines up with its character.
	if n > 0 && lines < r.h {
		var text strings.Builder
		text.WriteString(st.Muted.Render(cells.Pad(m.tr("text"), gw)))
		cur := m.text.cursor
		for t := from; t < from+n; t++ {
			ch := stepGlyph(rec.Text[t])
			if t == cur {
				text.WriteString(st.Pinned.Render(string(ch)))
				continue
			}
			text.WriteRune(ch)
		}
		line(text.String())
	}
	if bottom == 2 && n > 0 && lr != nil {
		if f := m.labelValues(lr.Name); len(f) >= from+n {
			seg := f[from : from+n]
			lo, hi := 0.0, 1.0
			if !lr.Binary {
				lo, hi = math.Inf(1), math.Inf(-1)
				for _, v := range seg {
					if !math.IsNaN(v) {
						lo, hi = min(lo, v), max(hi, v)
					}
				}
			}
			var band strings.Builder
			for _, v := range seg {
				f := 0.0
				if hi > lo && !math.IsNaN(v) {
					f = (v - lo) / (hi - lo)
				}
				band.WriteString(themes.Shade(f))
			}
			line(st.Muted.Render(cells.Pad(ansi.Truncate(label, gw-1, "…"), gw)) + st.Accent.Render(band.String()))
		}
	}
	for lines < r.h {
		line("")
	}
}
