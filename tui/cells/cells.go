// Package cells lays text out in terminal cells for the screens (package tui)
// and the lessons (tui/lessons): blocks of exactly w×h cells, word wrapping that
// counts wide characters, and a braille canvas for line plots. It knows nothing
// of rnnscope's data; colours come in as ready-made escape sequences.
package cells

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Fit returns exactly h lines of exactly w cells: lines are cut with "…" or
// padded with spaces, missing lines are blank, extra ones dropped.
func Fit(lines []string, w, h int) string {
	var b strings.Builder
	for i := range h {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(lines) {
			b.WriteString(Pad(lines[i], w))
		} else {
			b.WriteString(strings.Repeat(" ", max(w, 0)))
		}
	}
	return b.String()
}

// Pad cuts (with "…") or pads one line to exactly w cells; a wide character
// that would straddle the edge is dropped.
func Pad(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	if n > w {
		s = ansi.Truncate(s, w, "…")
		n = ansi.StringWidth(s)
	}
	if n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// Right pads s on the left to w cells; it never cuts.
func Right(s string, w int) string {
	return strings.Repeat(" ", max(w-ansi.StringWidth(s), 0)) + s
}

// FirstFit is the first of forms (longest first) that fits in w cells, else
// the last.
func FirstFit(w int, forms ...string) string {
	for _, f := range forms {
		if ansi.StringWidth(f) <= w {
			return f
		}
	}
	return forms[len(forms)-1]
}

// Wrap breaks plain text into at most n lines of w cells at spaces (Korean is
// written with spaces between words, so this serves both languages); a line
// that is still too wide, such as the last when the text goes on, is cut with
// "…".
func Wrap(s string, w, n int) []string {
	if w <= 0 || n <= 0 {
		return nil
	}
	var lines []string
	words := strings.Fields(s)
	cur := ""
	for i, word := range words {
		next := word
		if cur != "" {
			next = cur + " " + word
		}
		if ansi.StringWidth(next) <= w || cur == "" {
			cur = next
			continue
		}
		lines = append(lines, cur)
		if len(lines) == n-1 {
			cur = strings.Join(words[i:], " ")
			break
		}
		cur = word
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) > n {
		lines = lines[:n]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return lines
}

// Canvas is a braille plot of w×h cells, each holding 2×4 dots; a cell takes
// the colour of the last series drawn in it.
type Canvas struct {
	w, h   int
	bits   []uint8        // braille dot bits per cell
	series []int8         // series index per cell, −1 for none
	rule   []bool         // cells crossed by a reference line (drawn where no dots are)
	marks  map[int]string // cells showing a marker instead of dots
}

// NewCanvas makes an empty canvas of w×h cells (2w×4h dots).
func NewCanvas(w, h int) *Canvas {
	c := &Canvas{w: max(w, 0), h: max(h, 0)}
	n := c.w * c.h
	c.bits = make([]uint8, n)
	c.series = make([]int8, n)
	c.rule = make([]bool, n)
	for i := range c.series {
		c.series[i] = -1
	}
	return c
}

// dotBits maps a dot's position in its cell (x 0–1, y 0–3 from the top) to its
// braille bit.
var dotBits = [2][4]uint8{{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}}

// Dot sets the dot at pixel (x, y) for series s, y from the top; pixels outside
// are ignored.
func (c *Canvas) Dot(x, y, s int) {
	if x < 0 || y < 0 || x >= 2*c.w || y >= 4*c.h {
		return
	}
	i := (y/4)*c.w + x/2
	c.bits[i] |= dotBits[x%2][y%4]
	c.series[i] = int8(s)
}

// Line joins two pixels.
func (c *Canvas) Line(x0, y0, x1, y1, s int) {
	dx, dy := x1-x0, y1-y0
	n := max(abs(dx), abs(dy))
	if n == 0 {
		c.Dot(x0, y0, s)
		return
	}
	for k := 0; k <= n; k++ {
		c.Dot(x0+dx*k/n, y0+dy*k/n, s)
	}
}

// Mark puts a rendered one-cell marker in the cell of pixel (x, y).
func (c *Canvas) Mark(x, y int, m string) {
	if x < 0 || y < 0 || x >= 2*c.w || y >= 4*c.h {
		return
	}
	if c.marks == nil {
		c.marks = map[int]string{}
	}
	c.marks[(y/4)*c.w+x/2] = m
}

// Size is the canvas's width and height in cells.
func (c *Canvas) Size() (w, h int) { return c.w, c.h }

// MarkCell puts a rendered one-cell marker in cell (cx, cy).
func (c *Canvas) MarkCell(cx, cy int, m string) { c.Mark(2*cx, 4*cy, m) }

// RuleCell marks cell (cx, cy) as crossed by a reference line.
func (c *Canvas) RuleCell(cx, cy int) {
	if cx >= 0 && cy >= 0 && cx < c.w && cy < c.h {
		c.rule[cy*c.w+cx] = true
	}
}

// HRule marks a horizontal reference line at pixel row y.
func (c *Canvas) HRule(y int) {
	if y < 0 || y >= 4*c.h {
		return
	}
	for x := range c.w {
		c.RuleCell(x, y/4)
	}
}

// VRule marks a vertical reference line through cell column cx.
func (c *Canvas) VRule(cx int) {
	for y := range c.h {
		c.RuleCell(cx, y)
	}
}

// Free reports whether cells cx…cx+n−1 of cell row cy hold no dots and no
// marker (and lie on the canvas).
func (c *Canvas) Free(cx, cy, n int) bool {
	if cx < 0 || cy < 0 || cy >= c.h || cx+n > c.w {
		return false
	}
	for i := cy*c.w + cx; i < cy*c.w+cx+n; i++ {
		if _, marked := c.marks[i]; marked || c.bits[i] != 0 {
			return false
		}
	}
	return true
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Render writes the canvas as h lines: prefix(s) is the SGR sequence that
// colours series s ("" for none), and reference-line cells without dots show
// rule, one cell already styled (styled once by the caller, not per cell).
func (c *Canvas) Render(prefix func(s int) string, rule string) []string {
	lines := make([]string, c.h)
	var b strings.Builder
	for y := range c.h {
		b.Reset()
		cur := ""
		for x := range c.w {
			i := y*c.w + x
			m, marked := c.marks[i]
			if marked || c.bits[i] == 0 {
				if cur != "" {
					b.WriteString(ansi.ResetStyle)
					cur = ""
				}
				switch {
				case marked:
					b.WriteString(m)
				case c.rule[i]:
					b.WriteString(rule)
				default:
					b.WriteByte(' ')
				}
				continue
			}
			p := ""
			if c.series[i] >= 0 {
				p = prefix(int(c.series[i]))
			}
			if p != cur {
				if cur != "" || p == "" {
					b.WriteString(ansi.ResetStyle)
				}
				b.WriteString(p)
				cur = p
			}
			b.WriteRune(rune(0x2800 + int(c.bits[i])))
		}
		if cur != "" {
			b.WriteString(ansi.ResetStyle)
		}
		lines[y] = b.String()
	}
	return lines
}
