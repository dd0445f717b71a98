package export

import (
	"bytes"
	"image/color"
	"math"
	"strconv"
	"strings"

	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/rnnscope/rnnscope/themes"
)

// Figure size: 16 × 9 inches at DPI dots per inch is 1920 × 1080 pixels, a full
// HD slide. Font sizes below are in points of this 16-inch page: a tick label of
// 20 pt is 33 pixels tall, about 3% of the height.
const (
	Width  = 16 * vg.Inch
	Height = 9 * vg.Inch
	DPI    = 120
)

// Pixels is the size of every PNG figure.
func Pixels() (w, h int) {
	return int(math.Round(Width.Dots(DPI))), int(math.Round(Height.Dots(DPI)))
}

// Font sizes, in points.
const (
	titleSize    = 30
	subtitleSize = 21
	labelSize    = 24 // axis labels, panel titles
	tickSize     = 21 // tick labels, legends
	captionSize  = 19 // the note under a figure
	charSize     = 19 // the characters along a trace's x axis
)

// The faces: Liberation, which gonum/plot embeds, so figures look the same on
// every machine. Functions rather than variables: nothing can change them.
func sans() font.Font { return font.Font{Typeface: "Liberation", Variant: "Sans"} }
func sansBold() font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Weight: stdfont.WeightBold}
}
func mono() font.Font { return font.Font{Typeface: "Liberation", Variant: "Mono"} }

// textStyle is a style in the theme's colour.
func textStyle(f font.Font, size vg.Length, c color.Color) text.Style {
	return text.Style{Color: c, Font: font.From(f, size), Handler: plot.DefaultTextHandler}
}

// lineWidth and friends, in points.
const (
	axisWidth  = 1.5
	gridWidth  = 1
	curveWidth = 3.5
	glyphSize  = 7 // radius
)

// newPlot returns a plot dressed for a slide in the theme's colours: large sans
// fonts, the theme's background, muted grid-coloured axes.
func (th *Theme) newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	fg, muted := th.Pal.Fg, th.Pal.Muted
	p.BackgroundColor = color.Transparent // the figure's background shows through
	p.Title.Text = title
	p.Title.TextStyle = textStyle(sansBold(), labelSize, fg)
	p.Title.TextStyle.XAlign = draw.XCenter
	p.Title.TextStyle.YAlign = draw.YTop
	p.Title.Padding = vg.Points(12)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Color = muted
		ax.Width = vg.Points(axisWidth)
		ax.Padding = vg.Points(6)
		ax.Tick.Color = muted
		ax.Tick.Width = vg.Points(axisWidth)
		ax.Tick.Length = vg.Points(8)
		sty := textStyle(sans(), tickSize, fg)
		sty.XAlign, sty.YAlign = ax.Tick.Label.XAlign, ax.Tick.Label.YAlign
		ax.Tick.Label = sty
		lab := textStyle(sans(), labelSize, fg)
		lab.XAlign, lab.YAlign = ax.Label.TextStyle.XAlign, ax.Label.TextStyle.YAlign
		ax.Label.TextStyle = lab
		ax.Label.Padding = vg.Points(8)
	}
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Legend.TextStyle = textStyle(sans(), tickSize, fg)
	p.Legend.ThumbnailWidth = vg.Points(56)
	p.Legend.Padding = vg.Points(8)
	p.Legend.Top = true
	return p
}

// grid adds light grid lines behind the data.
func (th *Theme) grid(p *plot.Plot) {
	g := plotter.NewGrid()
	ls := draw.LineStyle{Color: blend(th.Pal.Grid, th.Pal.Bg, 0.6), Width: vg.Points(gridWidth)}
	g.Vertical, g.Horizontal = ls, ls
	p.Add(g)
}

// header is the text around a figure: a title and subtitle above, a caption
// below, and optional legend swatches after the subtitle.
type header struct {
	Title, Subtitle, Caption string
}

// render draws a figure: the header, then body in the space left between the
// header and the caption, on the theme's background, and encodes it as a PNG.
func (th *Theme) render(h header, body func(dc draw.Canvas)) ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(Width, Height), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(th.Pal.Bg))
	dc := draw.New(c)
	margin := vg.Points(28)
	top := dc.Max.Y - margin
	x0 := dc.Min.X + margin
	width := dc.Max.X - dc.Min.X - 2*margin
	for _, part := range []struct {
		text string
		sty  text.Style
		gap  vg.Length
	}{
		{h.Title, textStyle(sansBold(), titleSize, th.Pal.Fg), vg.Points(6)},
		{h.Subtitle, textStyle(sans(), subtitleSize, th.Pal.Muted), 0},
	} {
		part.sty.YAlign = draw.YTop
		for _, line := range wrapText(part.sty, part.text, width) {
			dc.FillText(part.sty, vg.Point{X: x0, Y: top}, line)
			top -= part.sty.Height(line)
		}
		if part.text != "" {
			top -= part.gap
		}
	}
	bottom := dc.Min.Y + margin
	if h.Caption != "" {
		sty := textStyle(sans(), captionSize, th.Pal.Muted)
		sty.YAlign = draw.YBottom
		lines := wrapText(sty, h.Caption, width)
		for i := len(lines) - 1; i >= 0; i-- {
			dc.FillText(sty, vg.Point{X: x0, Y: bottom}, lines[i])
			bottom += sty.Height(lines[i])
		}
		bottom += vg.Points(10)
	}
	area := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: dc.Min.X + margin, Y: bottom},
		Max: vg.Point{X: dc.Max.X - margin, Y: top - vg.Points(8)},
	}}
	body(area)
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// wrapText breaks s at spaces into lines no wider than width in sty (a word
// longer than width gets a line of its own).
func wrapText(sty text.Style, s string, width vg.Length) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = w
		case sty.Width(cur+" "+w) <= width:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// tiles draws plots in a grid of equal tiles. The plots of one figure have the
// same axes, labels and tick label sizes, so their data areas line up without
// plot.Align (which misplaces axis labels when tick labels overhang).
func tiles(dc draw.Canvas, plots [][]*plot.Plot, padX, padY vg.Length) {
	t := draw.Tiles{Rows: len(plots), Cols: len(plots[0]), PadX: padX, PadY: padY}
	for j, row := range plots {
		for i, p := range row {
			if p != nil {
				p.Draw(t.At(dc, i, j))
			}
		}
	}
}

// seriesLook is how one curve is told apart in colour and in greyscale: a
// colour, a dash pattern and a marker shape.
type seriesLook struct {
	Color  color.Color
	Dashes []vg.Length
	Shape  draw.GlyphDrawer
}

// looks are the three series styles, indexed like themes.Series (vanilla, LSTM,
// GRU): solid with circles, long dashes with squares, dash-dots with triangles.
func (th *Theme) looks() [themes.NumSeries]seriesLook {
	return [themes.NumSeries]seriesLook{
		{th.Pal.Series[themes.Vanilla], nil, draw.CircleGlyph{}},
		{th.Pal.Series[themes.LSTM], []vg.Length{vg.Points(16), vg.Points(7)}, draw.BoxGlyph{}},
		{th.Pal.Series[themes.GRU], []vg.Length{vg.Points(4), vg.Points(6), vg.Points(14), vg.Points(6)}, draw.PyramidGlyph{}},
	}
}

// curve is a line with markers at every step-th point (0: none), styled by a
// look; the returned plotters go to Plot.Add and, as a thumbnail, to the legend.
func curve(xys plotter.XYs, look seriesLook, width float64, step int) (*plotter.Line, *plotter.Scatter, error) {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return nil, nil, err
	}
	l.Color = look.Color
	l.Width = vg.Points(width)
	l.Dashes = look.Dashes
	if step <= 0 {
		return l, nil, nil
	}
	var marks plotter.XYs
	for i := 0; i < len(xys); i += step {
		marks = append(marks, xys[i])
	}
	if n := len(xys) - 1; n > 0 && n%step != 0 && step > 1 && n-(n/step)*step > step/2 {
		marks = append(marks, xys[n])
	}
	s, err := plotter.NewScatter(marks)
	if err != nil {
		return nil, nil, err
	}
	s.GlyphStyle = draw.GlyphStyle{Color: look.Color, Radius: vg.Points(glyphSize), Shape: look.Shape}
	return l, s, nil
}

// hline is a horizontal line across the plot at y.
type hline struct {
	Y     float64
	Style draw.LineStyle
}

func (h hline) Plot(c draw.Canvas, p *plot.Plot) {
	_, ty := p.Transforms(&c)
	y := ty(h.Y)
	c.StrokeLine2(h.Style, c.Min.X, y, c.Max.X, y)
}

// Thumbnail draws the line in a legend.
func (h hline) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(h.Style, c.Min.X, y, c.Max.X, y)
}

// siTicks labels a linear axis of counts compactly: 0, 250k, 1.5M.
type siTicks struct{}

func (siTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = count(ts[i].Value)
		}
	}
	return ts
}

// count writes a number of characters compactly: 950, 12k, 1.5M.
func count(v float64) string {
	a := math.Abs(v)
	trim := func(x float64, unit string) string {
		return strconv.FormatFloat(x, 'f', -1, 64) + unit
	}
	switch {
	case a >= 1e9:
		return trim(math.Round(v/1e7)/100, "G")
	case a >= 1e6:
		return trim(math.Round(v/1e4)/100, "M")
	case a >= 1e3:
		return trim(math.Round(v/10)/100, "k")
	}
	return trim(math.Round(v*100)/100, "")
}

// decadeTicks labels a log axis at powers of ten, every step-th decade when
// there are many, so that at most about eight labels share the axis.
type decadeTicks struct{}

func (decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	e0 := int(math.Floor(math.Log10(lo) + 1e-9))
	e1 := int(math.Ceil(math.Log10(hi) - 1e-9))
	step := 1
	for (e1-e0)/step > 8 {
		switch step {
		case 1:
			step = 2
		case 2:
			step = 5
		default:
			step *= 2
		}
	}
	var ts []plot.Tick
	for e := e0; e <= e1; e++ {
		t := plot.Tick{Value: math.Pow(10, float64(e))}
		if e%step == 0 {
			t.Label = decade(e)
		}
		ts = append(ts, t)
	}
	return ts
}

// decade writes 10^e: 1, 0.1, 0.01, 1e-3, 1e-12, 10, 100, 1e3.
func decade(e int) string {
	switch {
	case e >= 0 && e <= 2:
		return strconv.Itoa(int(math.Pow(10, float64(e))))
	case e < 0 && e >= -2:
		return strconv.FormatFloat(math.Pow(10, float64(e)), 'f', -1, 64)
	}
	return "1e" + strconv.Itoa(e)
}

// legend adds entries to a plot's legend and remembers their text, so that a
// backdrop can be drawn behind them (gonum/plot draws legends without one).
type legend struct {
	p     *plot.Plot
	names []string
}

func (l *legend) add(name string, thumbs ...plot.Thumbnailer) {
	l.p.Legend.Add(name, thumbs...)
	l.names = append(l.names, name)
}

// backdrop adds, as the plot's last plotter, a box of the figure's background
// (slightly see-through) where the legend will be drawn, so that no curve runs
// through its text. Call it after every other Add.
func (l *legend) backdrop(th *Theme) {
	if len(l.names) > 0 {
		r, g, b, _ := th.Pal.Bg.RGBA()
		l.p.Add(legendBox{names: l.names, fill: color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0xe6},
			stroke: blend(th.Pal.Grid, th.Pal.Bg, 0.6)})
	}
}

type legendBox struct {
	names        []string
	fill, stroke color.Color
}

// Plot mirrors plot.Legend.Draw's placement on the data canvas.
func (lb legendBox) Plot(c draw.Canvas, p *plot.Plot) {
	l := &p.Legend
	sty := l.TextStyle
	em := sty.Rectangle(" ").Max.X
	var wmax, enth vg.Length
	for _, n := range lb.names {
		wmax = max(wmax, sty.Width(n))
		enth = max(enth, sty.Rectangle(n).Max.Y)
	}
	w := l.ThumbnailWidth + em + wmax
	n := vg.Length(len(lb.names))
	descent := sty.FontExtents().Descent
	h := n*enth + (n-1)*l.Padding
	x0 := c.Min.X + l.XOffs
	if !l.Left {
		x0 = c.Max.X + l.XOffs - w
	}
	y0 := c.Min.Y + l.YOffs
	if l.Top {
		y0 = c.Max.Y + l.YOffs - h - descent
	}
	pad := vg.Points(10)
	rect := vg.Rectangle{Min: vg.Point{X: x0 - pad, Y: y0 - pad}, Max: vg.Point{X: x0 + w + pad, Y: y0 + h + pad}}
	c.SetColor(lb.fill)
	c.Fill(rect.Path())
	c.SetLineStyle(draw.LineStyle{Color: lb.stroke, Width: vg.Points(1)})
	c.Stroke(rect.Path())
}

// key is a legend drawn beside a plot rather than over its data.
type key struct {
	l     plot.Legend
	names []string
}

func (th *Theme) newKey() *key {
	k := &key{l: plot.NewLegend()}
	k.l.TextStyle = textStyle(sans(), tickSize, th.Pal.Fg)
	k.l.ThumbnailWidth = vg.Points(56)
	k.l.Padding = vg.Points(14)
	k.l.Top, k.l.Left = true, true
	return k
}

func (k *key) add(name string, thumbs ...plot.Thumbnailer) {
	k.l.Add(name, thumbs...)
	k.names = append(k.names, name)
}

// width is the room the key takes.
func (k *key) width() vg.Length {
	var w vg.Length
	for _, n := range k.names {
		w = max(w, k.l.TextStyle.Width(n))
	}
	return k.l.ThumbnailWidth + k.l.TextStyle.Rectangle(" ").Max.X + w
}

// beside draws p in dc with the key to its right, its top level with the top of
// p's data area.
func (k *key) beside(p *plot.Plot, dc draw.Canvas) {
	if len(k.names) == 0 {
		p.Draw(dc)
		return
	}
	gap := vg.Points(36)
	pc := dc
	pc.Max.X -= k.width() + gap
	p.Draw(pc)
	kc := dc
	kc.Min.X = pc.Max.X + gap
	kc.Max.Y = p.DataCanvas(pc).Max.Y
	k.l.Draw(kc)
}
