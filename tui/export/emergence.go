package export

import (
	"errors"
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rnnscope/rnnscope/themes"
)

// EmergencePoint is what one probe during training found for one label.
type EmergencePoint struct {
	Chars   int64   // characters trained on
	BestAUC float64 // the best unit's AUC (binary labels; NaN otherwise)
	BestR   float64 // the best unit's |r|
	Readout float64 // r of the readout from all units, on held-out characters
	UnitR   float64 // |r| of the unit followed (NaN: none)
}

// EmergenceData is a label's probes over training.
type EmergenceData struct {
	Title, Subtitle, Caption string
	Points                   []EmergencePoint
	Unit                     string  // the followed unit's name, for the legend
	Tracks                   float64 // the line above which a unit "tracks" the label (0: none)
	TracksName               string
}

// Emergence draws how well the best unit, one chosen unit and the readout of
// all units track a label as training goes on.
func Emergence(th *Theme, d EmergenceData) ([]byte, error) {
	if len(d.Points) == 0 {
		return nil, errors.New("emergence figure: no points")
	}
	p := th.newPlot("", "characters trained on", "score")
	th.grid(p)
	lg := th.newKey()
	p.X.Tick.Marker = siTicks{}
	p.X.Min, p.Y.Min, p.Y.Max = 0, 0, 1
	if d.Tracks > 0 {
		h := hline{Y: d.Tracks, Style: draw.LineStyle{Color: th.Pal.Muted, Width: vg.Points(2), Dashes: []vg.Length{vg.Points(3), vg.Points(6)}}}
		p.Add(h)
		lg.add(d.TracksName, h)
	}
	lk := th.looks()
	step := max(1, len(d.Points)/16)
	add := func(name string, look seriesLook, v func(EmergencePoint) float64) error {
		var xy plotter.XYs
		for _, q := range d.Points {
			if y := v(q); !math.IsNaN(y) && !math.IsInf(y, 0) {
				xy = append(xy, plotter.XY{X: float64(q.Chars), Y: y})
			}
		}
		if len(xy) == 0 {
			return nil
		}
		l, s, err := curve(xy, look, curveWidth, step)
		if err != nil {
			return err
		}
		p.Add(l, s)
		lg.add(name, l, s)
		return nil
	}
	if err := add("best unit: AUC", lk[themes.Vanilla], func(q EmergencePoint) float64 { return q.BestAUC }); err != nil {
		return nil, err
	}
	if err := add("best unit: |r|", lk[themes.LSTM], func(q EmergencePoint) float64 { return q.BestR }); err != nil {
		return nil, err
	}
	if err := add("all units (readout): r", lk[themes.GRU], func(q EmergencePoint) float64 { return q.Readout }); err != nil {
		return nil, err
	}
	if d.Unit != "" {
		look := seriesLook{Color: th.Pal.Accent, Dashes: []vg.Length{vg.Points(2), vg.Points(5)}, Shape: thickRing{}}
		if err := add(d.Unit+": |r|", look, func(q EmergencePoint) float64 { return q.UnitR }); err != nil {
			return nil, err
		}
	}
	return th.render(header{d.Title, d.Subtitle, d.Caption}, func(dc draw.Canvas) { lg.beside(p, dc) })
}
