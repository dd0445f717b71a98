package tui

import (
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/rnnscope/rnnscope/themes"
)

// fit returns exactly h lines of exactly w cells: lines are cut with "…" or padded
// with spaces, missing lines are blank, extra ones dropped.
func fit(lines []string, w, h int) string {
	var b strings.Builder
	for i := range h {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(lines) {
			b.WriteString(pad(lines[i], w))
		} else {
			b.WriteString(strings.Repeat(" ", w))
		}
	}
	return b.String()
}

// pad cuts or pads one line to exactly w cells.
func pad(s string, w int) string {
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

// alignRight pads s on the left to w cells (it is not cut).
func alignRight(s string, w int) string {
	return strings.Repeat(" ", max(w-ansi.StringWidth(s), 0)) + s
}

// hjoin places blocks of lines side by side; every block must already be h lines
// of its own fixed width.
func hjoin(sep string, blocks ...string) string {
	rows := make([][]string, len(blocks))
	h := 0
	for i, b := range blocks {
		rows[i] = strings.Split(b, "\n")
		h = max(h, len(rows[i]))
	}
	var out strings.Builder
	for y := range h {
		if y > 0 {
			out.WriteByte('\n')
		}
		for i := range blocks {
			if i > 0 {
				out.WriteString(sep)
			}
			if y < len(rows[i]) {
				out.WriteString(rows[i][y])
			}
		}
	}
	return out.String()
}

// sparkline draws values as bars scaled to [lo, hi], newest last, at most w wide
// (the newest w values).
func sparkline(vals []float64, lo, hi float64, w int) string {
	if len(vals) > w {
		vals = vals[len(vals)-w:]
	}
	var b strings.Builder
	for _, v := range vals {
		if math.IsNaN(v) {
			b.WriteByte(' ')
			continue
		}
		f := 0.0
		if hi > lo {
			f = (v - lo) / (hi - lo)
		}
		b.WriteString(themes.Spark(f))
	}
	return b.String()
}

// canvas is a braille plot: each cell holds 2×4 dots, each dot belongs to a
// series (the last drawn wins the cell's colour).
type canvas struct {
	w, h   int     // cells
	bits   []uint8 // braille dot bits per cell
	series []int8  // series index per cell, −1 for none
	rule   []bool  // cells crossed by a reference line (drawn where no dots are)
}

func newCanvas(w, h int) *canvas {
	c := &canvas{w: max(w, 0), h: max(h, 0)}
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

// dot sets the dot at pixel (x, y), y from the top; pixels outside are ignored.
func (c *canvas) dot(x, y int, s int) {
	if x < 0 || y < 0 || x >= 2*c.w || y >= 4*c.h {
		return
	}
	i := (y/4)*c.w + x/2
	c.bits[i] |= dotBits[x%2][y%4]
	c.series[i] = int8(s)
}

// line joins two pixels.
func (c *canvas) line(x0, y0, x1, y1, s int) {
	dx, dy := x1-x0, y1-y0
	n := max(abs(dx), abs(dy))
	if n == 0 {
		c.dot(x0, y0, s)
		return
	}
	for k := 0; k <= n; k++ {
		c.dot(x0+dx*k/n, y0+dy*k/n, s)
	}
}

// hrule marks a horizontal reference line at pixel row y.
func (c *canvas) hrule(y int) {
	if y < 0 || y >= 4*c.h {
		return
	}
	for x := range c.w {
		c.rule[(y/4)*c.w+x] = true
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// render writes the canvas: prefix(s) is the SGR that colours series s ("" for
// none), ruleStyle renders reference-line cells.
func (c *canvas) render(prefix func(s int) string, ruleGlyph string, ruleStyle func(string) string) []string {
	lines := make([]string, c.h)
	var b strings.Builder
	for y := range c.h {
		b.Reset()
		cur := ""
		for x := range c.w {
			i := y*c.w + x
			if c.bits[i] == 0 {
				if cur != "" {
					b.WriteString(ansi.ResetStyle)
					cur = ""
				}
				if c.rule[i] {
					b.WriteString(ruleStyle(ruleGlyph))
				} else {
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

// scaler maps a value range onto pixel rows (top = hi).
type scaler struct {
	lo, hi float64
	log    bool
	px     int // pixels
}

func (s scaler) y(v float64) int {
	lo, hi := s.lo, s.hi
	if s.log {
		v, lo, hi = math.Log10(max(v, 1e-300)), math.Log10(lo), math.Log10(hi)
	}
	if hi <= lo {
		return s.px / 2
	}
	f := (v - lo) / (hi - lo)
	f = min(max(f, 0), 1)
	return int(math.Round((1 - f) * float64(s.px-1)))
}
