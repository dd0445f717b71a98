package export

import (
	"errors"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
)

// GatesData is the gate saturation of one recording (probe.Report.Saturation).
type GatesData struct {
	Title, Subtitle, Caption string
	Cell                     nets.Cell
	Layers                   int
	Sat                      []probe.Saturation
	// Pinned is a unit to ring and name in every panel (its gates); Pinned.Index
	// < 0: none.
	Pinned     probe.Unit
	PinnedName string
}

// GateName names a gate in words: "forget gate f".
func GateName(cell nets.Cell, gate string) string {
	names := map[string]string{"i": "input", "f": "forget", "o": "output", "r": "reset", "z": "update"}
	if n, ok := names[gate]; ok {
		return n + " gate " + gate
	}
	return "gate " + gate
}

// Gates draws, per sigmoid gate, every unit as a point: the fraction of
// characters where the gate is below 0.1 (closed) against the fraction where it
// is above 0.9 (open), as in Karpathy, Johnson and Fei-Fei's saturation plot.
// Layers are told apart by colour and marker; the pinned unit is ringed.
func Gates(th *Theme, d GatesData) ([]byte, error) {
	var gates []string
	for _, s := range d.Sat {
		found := false
		for _, g := range gates {
			found = found || g == s.Gate
		}
		if !found {
			gates = append(gates, s.Gate)
		}
	}
	if len(gates) == 0 {
		return nil, errors.New("gates figure: no gates (the vanilla RNN has none)")
	}
	lk := th.looks()
	row := make([]*plot.Plot, len(gates))
	for gi, g := range gates {
		p := th.newPlot(GateName(d.Cell, g), "share < 0.1 (closed)", "share > 0.9 (open)")
		th.grid(p)
		lg := &legend{p: p}
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -0.03, 1.03, -0.03, 1.03
		ticks := plot.ConstantTicks{{Value: 0, Label: "0"}, {Value: 0.25}, {Value: 0.5, Label: "0.5"}, {Value: 0.75}, {Value: 1, Label: "1"}}
		p.X.Tick.Marker, p.Y.Tick.Marker = ticks, ticks
		edge, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 1}, {X: 1, Y: 0}})
		if err != nil {
			return nil, err
		}
		edge.LineStyle = draw.LineStyle{Color: th.Pal.Muted, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(3), vg.Points(6)}}
		p.Add(edge)
		for _, s := range d.Sat {
			if s.Gate != g {
				continue
			}
			xy := make(plotter.XYs, len(s.Low))
			for u := range s.Low {
				xy[u] = plotter.XY{X: s.Low[u], Y: s.High[u]}
			}
			sc, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, err
			}
			look := lk[s.Layer%len(lk)]
			if d.Layers == 1 {
				look = lk[seriesOf(d.Cell)]
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: look.Color, Radius: vg.Points(6), Shape: look.Shape}
			p.Add(noBoxes{sc})
			if d.Layers > 1 && gi == 0 {
				lg.add(fmt.Sprintf("layer %d", s.Layer+1), sc)
			}
			if d.Pinned.Index >= 0 && d.Pinned.Layer == s.Layer && d.Pinned.Index < len(s.Low) {
				pt := plotter.XYs{xy[d.Pinned.Index]}
				ring, err := plotter.NewScatter(pt)
				if err != nil {
					return nil, err
				}
				ring.GlyphStyle = draw.GlyphStyle{Color: th.Pal.Accent, Radius: vg.Points(13), Shape: thickRing{}}
				p.Add(noBoxes{ring}, tag{X: pt[0].X, Y: pt[0].Y, Text: d.PinnedName,
					Style: textStyle(sansBold(), tickSize, th.Pal.Accent), Bg: th.Pal.Bg, Left: pt[0].X > 0.7})
			}
		}
		lg.backdrop(th)
		row[gi] = p
	}
	return th.render(header{d.Title, d.Subtitle, d.Caption}, func(dc draw.Canvas) {
		w := dc.Max.X - dc.Min.X
		h := dc.Max.Y - dc.Min.Y
		// Square panels where the width allows: centre the row.
		if want := vg.Length(len(row))*(h+vg.Points(60)) + vg.Points(40); want < w {
			dc.Min.X += (w - want) / 2
			dc.Max.X -= (w - want) / 2
		}
		tiles(dc, [][]*plot.Plot{row}, vg.Points(40), 0)
	})
}

// thickRing is a ring drawn with a 3-point line.
type thickRing struct{}

func (thickRing) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(3)})
	var p vg.Path
	p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	p.Arc(pt, sty.Radius, 0, 2*3.141592653589793)
	p.Close()
	c.Stroke(p)
}

// noBoxes draws a plotter without reporting its glyph boxes: markers at the
// edge of the data would otherwise shrink one panel's data area more than its
// neighbour's, and the panels' axes would not line up.
type noBoxes struct{ plot.Plotter }

// tag is a short label beside a data point, on a box of the background so that
// it reads over the points around it.
type tag struct {
	X, Y  float64
	Text  string
	Style text.Style
	Bg    color.Color
	Left  bool // put it left of the point
}

func (t tag) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	x, y := tx(t.X), ty(t.Y)
	w, h := t.Style.Width(t.Text), t.Style.Height(t.Text)
	off, pad := vg.Points(18), vg.Points(3)
	x0 := x + off
	if t.Left {
		x0 = x - off - w
	}
	y0 := y + off/2
	x0 = min(max(x0, c.Min.X+pad), c.Max.X-w-pad)
	y0 = min(max(y0, c.Min.Y+pad), c.Max.Y-h-pad)
	r, g, b, _ := t.Bg.RGBA()
	c.SetColor(color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0xd8})
	c.Fill(vg.Rectangle{Min: vg.Point{X: x0 - pad, Y: y0 - pad}, Max: vg.Point{X: x0 + w + pad, Y: y0 + h + pad}}.Path())
	sty := t.Style
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YBottom
	c.FillText(sty, vg.Point{X: x0, Y: y0}, t.Text)
}
