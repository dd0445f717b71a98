package export

import (
	"errors"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/themes"
)

// GradCurve is one cell's gradient ratio by lag: Ratio[k] = ‖∂L_t/∂h_{t−k}‖ /
// ‖∂L_t/∂h_t‖ (probe.GradFlow.Ratio).
type GradCurve struct {
	Cell  nets.Cell
	Name  string // legend text; "" for the cell's title
	Ratio []float64
}

// GradPanel is one set of curves measured at one moment, such as at
// initialisation.
type GradPanel struct {
	Title  string
	Curves []GradCurve
}

// GradFlowData is one or two panels (at initialisation, after training) drawn
// side by side on one log scale.
type GradFlowData struct {
	Title, Subtitle, Caption string
	Panels                   []GradPanel
}

// seriesOf is the themes series index of a cell.
func seriesOf(c nets.Cell) int {
	switch c {
	case nets.LSTM:
		return themes.LSTM
	case nets.GRU:
		return themes.GRU
	}
	return themes.Vanilla
}

// GradFlow draws the gradient ratio against lag for each cell on a log y axis:
// one line per cell in its series colour, dash pattern and marker, so that the
// cells stay apart in greyscale.
func GradFlow(th *Theme, d GradFlowData) ([]byte, error) {
	if len(d.Panels) == 0 {
		return nil, errors.New("gradient figure: no panels")
	}
	lo, hi, kmax := math.Inf(1), 1.0, 1
	for _, pn := range d.Panels {
		for _, c := range pn.Curves {
			kmax = max(kmax, len(c.Ratio)-1)
			for _, r := range c.Ratio {
				if r > 0 && !math.IsInf(r, 0) {
					lo, hi = min(lo, r), max(hi, r)
				}
			}
		}
	}
	if math.IsInf(lo, 1) {
		return nil, errors.New("gradient figure: no positive ratios")
	}
	lo = math.Pow(10, math.Floor(math.Log10(lo)))
	hi = math.Pow(10, math.Ceil(math.Log10(hi)))
	if lo >= hi {
		lo = hi / 10
	}
	lk := th.looks()
	row := make([]*plot.Plot, len(d.Panels))
	for i, pn := range d.Panels {
		ylab := ""
		if i > 0 {
			ylab = ""
		}
		p := th.newPlot(pn.Title, "lag k (steps back)", ylab)
		th.grid(p)
		lg := &legend{p: p}
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = decadeTicks{}
		p.Legend.Top = false
		p.Legend.Left = true
		p.Legend.XOffs = vg.Points(12)
		p.Legend.YOffs = vg.Points(12)
		for _, c := range pn.Curves {
			xy := make(plotter.XYs, 0, len(c.Ratio))
			for k, r := range c.Ratio {
				xy = append(xy, plotter.XY{X: float64(k), Y: max(r, lo)})
			}
			l, s, err := curve(xy, lk[seriesOf(c.Cell)], curveWidth, max(1, len(xy)/10))
			if err != nil {
				return nil, err
			}
			p.Add(l, s)
			name := c.Name
			if name == "" {
				name = c.Cell.Title()
			}
			lg.add(name, l, s)
		}
		lg.backdrop(th)
		p.X.Min, p.X.Max = 0, float64(kmax)
		p.Y.Min, p.Y.Max = lo, hi
		row[i] = p
	}
	return th.render(header{d.Title, d.Subtitle, d.Caption}, func(dc draw.Canvas) {
		tiles(dc, [][]*plot.Plot{row}, vg.Points(40), 0)
	})
}
