package export

import (
	"errors"
	"image/color"
	"math"
	"strconv"

	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rnnscope/rnnscope/themes"
)

// TraceData is one unit's value over a span of text, with a label to shade.
type TraceData struct {
	Title, Subtitle, Caption string
	Values                   []float64 // the unit at each character of the span
	Text                     []rune    // the span
	// Band is the label over the span: where it is above 0 the background is
	// shaded, in proportion to Band/max(Band) (a binary label shades its 1s
	// fully); NaN (not applicable) is left plain. Nil: no band.
	Band      []float64
	Threshold float64 // a dotted line at the unit's decision threshold; NaN: none
	PerRow    int     // characters per row (0: 80)
}

// TraceRow is how many characters one row of a trace figure shows by default:
// at 19 pt monospace, 80 characters fill the width of the slide legibly.
const TraceRow = 80

// Trace draws a unit's value character by character, in rows of text like a
// page: each row is a strip with the characters along its x axis, the value as
// a line with a dot per character, a zero line, and the label's band shaded
// behind. Every row shares one y scale.
func Trace(th *Theme, d TraceData) ([]byte, error) {
	n := len(d.Values)
	if n == 0 || len(d.Text) != n || (d.Band != nil && len(d.Band) != n) {
		return nil, errors.New("trace figure: values, text and band differ in length")
	}
	per := d.PerRow
	if per <= 0 {
		per = TraceRow
	}
	ylo, yhi, yticks := traceRange(d.Values, d.Threshold)
	bandMax := 0.0
	for _, b := range d.Band {
		if !math.IsNaN(b) {
			bandMax = max(bandMax, b)
		}
	}
	strength := 0.28 // a pale tint on white
	if th.Pal.Dark {
		strength = 0.42 // dark backgrounds need more to show
	}
	tint := blend(th.Pal.Series[themes.Vanilla], th.Pal.Bg, strength)
	glyphs := newGlyphCheck(mono())
	var rows [][]*plot.Plot
	for r0 := 0; r0 < n; r0 += per {
		r1 := min(r0+per, n)
		p := th.newPlot("", "", "")
		p.X.Min, p.X.Max = -0.5, float64(per)-0.5
		p.Y.Min, p.Y.Max = ylo, yhi
		p.Y.Tick.Marker = yticks
		var ticks plot.ConstantTicks
		for i := r0; i < r1; i++ {
			ticks = append(ticks, plot.Tick{Value: float64(i - r0), Label: glyphs.show(d.Text[i])})
		}
		p.X.Tick.Marker = ticks
		p.X.Tick.Length = vg.Points(6)
		p.X.Tick.Color = color.Transparent
		p.X.Tick.Label.Font = font.From(mono(), charSize)
		p.X.Padding = 0
		p.X.Color = blend(th.Pal.Grid, th.Pal.Bg, 0.6)
		if bandMax > 0 {
			p.Add(band{Values: d.Band[r0:r1], Max: bandMax, Color: tint, Bg: th.Pal.Bg})
		}
		p.Add(hline{Y: 0, Style: draw.LineStyle{Color: th.Pal.Muted, Width: vg.Points(1.5)}})
		if !math.IsNaN(d.Threshold) {
			p.Add(hline{Y: d.Threshold, Style: draw.LineStyle{Color: th.Pal.Muted, Width: vg.Points(1.5),
				Dashes: []vg.Length{vg.Points(2), vg.Points(5)}}})
		}
		xy := make(plotter.XYs, 0, r1-r0)
		for i := r0; i < r1; i++ {
			xy = append(xy, plotter.XY{X: float64(i - r0), Y: d.Values[i]})
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = th.Pal.Accent, vg.Points(3)
		s, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: th.Pal.Accent, Radius: vg.Points(3.2), Shape: draw.CircleGlyph{}}
		p.Add(l, s)
		rows = append(rows, []*plot.Plot{p})
	}
	return th.render(header{d.Title, d.Subtitle, d.Caption}, func(dc draw.Canvas) {
		tiles(dc, rows, 0, vg.Points(10))
	})
}

// traceRange is the y range of a trace, shared by its rows, and its ticks. A
// unit that stays within ±1 (every h, since h = o·tanh(c) or tanh(·)) gets
// exactly −1…1, so that traces of h units compare at a glance; a cell state
// gets its own range, zero included, with a labelled tick on each side that
// takes up a fair share of it.
func traceRange(values []float64, threshold float64) (lo, hi float64, ticks plot.ConstantTicks) {
	for _, v := range append([]float64{threshold, 0}, values...) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	zero := plot.Tick{Value: 0, Label: "0"}
	if lo >= -1 && hi <= 1 {
		return -1.08, 1.08, plot.ConstantTicks{{Value: -1, Label: "−1"}, zero, {Value: 1, Label: "1"}}
	}
	span := hi - lo
	ticks = plot.ConstantTicks{zero}
	if hi > 0.2*span {
		v := niceFloor(hi)
		ticks = append(ticks, plot.Tick{Value: v, Label: signed(v)})
	}
	if -lo > 0.2*span {
		v := -niceFloor(-lo)
		ticks = append(ticks, plot.Tick{Value: v, Label: signed(v)})
	}
	return lo - 0.06*span, hi + 0.06*span, ticks
}

// niceFloor rounds a positive x down to a round number: 1, 1.5, 2, 2.5, 3, 4,
// 5, 6 or 8 times a power of ten.
func niceFloor(x float64) float64 {
	e := math.Pow(10, math.Floor(math.Log10(x)))
	best := e
	for _, m := range []float64{1, 1.5, 2, 2.5, 3, 4, 5, 6, 8} {
		if m*e <= x*(1+1e-9) {
			best = m * e
		}
	}
	return best
}

// signed writes a tick value with a true minus sign.
func signed(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'g', 3, 64)
	if v < 0 {
		return "−" + s
	}
	return s
}

// band shades the background where a label holds.
type band struct {
	Values    []float64
	Max       float64
	Color, Bg color.Color
}

func (b band) Plot(c draw.Canvas, p *plot.Plot) {
	tx, _ := p.Transforms(&c)
	for i := 0; i < len(b.Values); {
		v := b.Values[i]
		j := i + 1
		for j < len(b.Values) && (b.Values[j] == v) {
			j++
		}
		if v > 0 {
			col := blend(b.Color, b.Bg, min(v/b.Max, 1))
			rect := vg.Rectangle{Min: vg.Point{X: tx(float64(i) - 0.5), Y: c.Min.Y}, Max: vg.Point{X: tx(float64(j) - 0.5), Y: c.Max.Y}}
			c.SetColor(col)
			c.Fill(rect.Path())
		}
		i = j
	}
}

// glyphCheck shows characters as a font can draw them.
type glyphCheck struct {
	f   *sfnt.Font
	buf sfnt.Buffer
}

func newGlyphCheck(f font.Font) *glyphCheck {
	face := font.DefaultCache.Lookup(f, 12)
	return &glyphCheck{f: face.Face}
}

// show is how a character appears along a trace's axis: a newline as ¶, a tab
// as →, a space as a space (a non-empty label, so the tick still counts), and a
// character the font lacks or a control character as ·.
func (g *glyphCheck) show(r rune) string {
	switch {
	case r == '\n':
		return "¶"
	case r == '\t':
		return "→"
	case r == ' ':
		return " "
	case r < ' ' || r == 0x7f:
		return "·"
	}
	if g.f != nil {
		if i, err := g.f.GlyphIndex(&g.buf, r); err != nil || i == 0 {
			return "·"
		}
	}
	return string(r)
}

// Span picks where a trace of n characters should start in text so that the
// label shows well: among the starts of lines (or every position, when no line
// starts leave room), the one whose span holds the most changes of the label,
// plus, for a binary label, the smaller of its counts of 1s and 0s over 20 (both
// sides present), ties to the earliest. label may be nil (then 0).
func Span(label []float64, text []rune, n int) int {
	T := len(text)
	if n >= T || label == nil {
		return 0
	}
	var starts []int
	for s := 0; s+n <= T; s++ {
		if s == 0 || text[s-1] == '\n' {
			starts = append(starts, s)
		}
	}
	if len(starts) < 2 {
		starts = starts[:0]
		for s := 0; s+n <= T; s++ {
			starts = append(starts, s)
		}
	}
	binary := true
	for _, v := range label {
		if !math.IsNaN(v) && v != 0 && v != 1 {
			binary = false
			break
		}
	}
	best, bestScore := 0, math.Inf(-1)
	for _, s := range starts {
		var changes, ones, zeros float64
		for t := s; t < s+n; t++ {
			v := label[t]
			switch {
			case math.IsNaN(v):
				continue
			case v == 1:
				ones++
			case v == 0:
				zeros++
			}
			if t > s && !math.IsNaN(label[t-1]) && label[t-1] != v {
				changes++
			}
		}
		score := changes
		if binary {
			score += min(ones, zeros) / 20
		}
		if score > bestScore {
			best, bestScore = s, score
		}
	}
	return best
}
