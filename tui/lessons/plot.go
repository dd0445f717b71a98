package lessons

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui/cells"
)

// curve is one series of a plot: y over x = 0, 1, 2, …
type curve struct {
	Y      []float64
	Series int    // themes series index: colour and marker (0 vanilla, 1 LSTM, 2 GRU)
	Dashed bool   // draw every other point only (a reference curve)
	Label  string // for the legend
}

// logPlot draws curves on a log₁₀ y axis in w×h cells (braille dots, 2×4 per
// cell), with a y axis of decades on the left and a 10⁰ reference line. Values at
// or below 10^floor sit on the bottom line. It returns exactly h lines.
func logPlot(st *themes.Styles, curves []curve, w, h int, floor, ceil float64, xLabel string) []string {
	const gut = 6 // "1e-08 " labels
	pw, ph := max(w-gut, 4), max(h-1, 2)
	c := cells.NewCanvas(pw, ph)
	n := 0
	for _, cv := range curves {
		n = max(n, len(cv.Y))
	}
	xpx := func(i int) int {
		if n <= 1 {
			return 0
		}
		return int(math.Round(float64(i) * float64(2*pw-1) / float64(n-1)))
	}
	ypx := func(v float64) int {
		lv := floor
		if v > 0 {
			lv = math.Log10(v)
		}
		f := (lv - floor) / (ceil - floor)
		f = min(max(f, 0), 1)
		return int(math.Round((1 - f) * float64(4*ph-1)))
	}
	if ceil > 0 && floor < 0 {
		c.HRule(ypx(1))
	}
	for _, cv := range curves {
		px, py := -1, -1
		for i, v := range cv.Y {
			if math.IsNaN(v) {
				px = -1
				continue
			}
			x, y := xpx(i), ypx(v)
			if cv.Dashed {
				if i%2 == 0 {
					c.Dot(x, y, cv.Series)
				}
				continue
			}
			if px >= 0 {
				c.Line(px, py, x, y, cv.Series)
			} else {
				c.Dot(x, y, cv.Series)
			}
			px, py = x, y
		}
		// A marker at the curve's last point tells the curves apart without colour.
		for i := len(cv.Y) - 1; i >= 0; i-- {
			if !math.IsNaN(cv.Y[i]) {
				c.Mark(xpx(i), ypx(cv.Y[i]), st.Series[cv.Series].Mark)
				break
			}
		}
	}
	rows := c.Render(func(s int) string { return st.Series[s].Prefix }, st.Grid.Render("┈"))
	out := make([]string, 0, h)
	for r, row := range rows {
		// Label the decade whose pixel row falls in this cell row.
		lab := ""
		for e := math.Ceil(ceil); e >= floor; e-- {
			if y := ypx(math.Pow(10, e)) / 4; y == r && int(e)%decadeStep(ceil-floor, ph) == 0 {
				lab = fmt.Sprintf("1e%+d", int(e))
				if e == 0 {
					lab = "1"
				}
				break
			}
		}
		out = append(out, st.Muted.Render(cells.Right(lab, gut-1)+" ")+row)
	}
	// x axis: lags at the ends and the middle, and the axis name between the
	// first two when it fits. Built left to right by cell width, so a label in
	// Hangul (two cells a character) lands where it should.
	type mark struct {
		at int // first cell
		s  string
	}
	var marks []mark
	place := func(i int, s string) {
		x := xpx(i) / 2
		x = min(max(x-len(s)/2, 0), pw-len(s))
		marks = append(marks, mark{x, s})
	}
	if n > 0 {
		place(0, "0")
		if n > 2 {
			place((n-1)/2, fmt.Sprint((n-1)/2))
		}
		place(n-1, fmt.Sprint(n-1))
	}
	if lw := ansi.StringWidth(xLabel); xLabel != "" && len(marks) >= 2 {
		start := (marks[0].at + len(marks[0].s) + marks[1].at - lw) / 2
		if start > marks[0].at+len(marks[0].s) && start+lw < marks[1].at {
			marks = append(marks[:1], append([]mark{{start, xLabel}}, marks[1:]...)...)
		}
	}
	var ax strings.Builder
	pos := 0
	for _, m := range marks {
		if m.at < pos {
			continue
		}
		ax.WriteString(strings.Repeat(" ", m.at-pos))
		ax.WriteString(m.s)
		pos = m.at + ansi.StringWidth(m.s)
	}
	xl := ax.String()
	out = append(out, strings.Repeat(" ", gut)+st.Muted.Render(xl))
	return out[:min(len(out), h)]
}

// decadeStep labels every k-th decade so labels do not crowd.
func decadeStep(span float64, rows int) int {
	k := 1
	for span/float64(k) > float64(rows) {
		k++
	}
	return k
}

func iabs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
