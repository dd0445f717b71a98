package export

import (
	"errors"
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/themes"
)

// LossData is a run's loss over training, in nats per character (the figure
// shows bits).
type LossData struct {
	Title, Subtitle, Caption string
	Train                    []probe.Point // training loss per step, decimated (means of neighbours)
	Val                      []probe.Point // loss on the held-out probe window at each probe
	Vocab                    int           // > 0: draw the uniform guess, log₂ Vocab bits
}

// Loss draws training and held-out loss against characters trained on, in bits
// per character.
func Loss(th *Theme, d LossData) ([]byte, error) {
	if len(d.Train) == 0 && len(d.Val) == 0 {
		return nil, errors.New("loss figure: no points")
	}
	p := th.newPlot("", "characters trained on", "bits per character")
	th.grid(p)
	lg := th.newKey()
	p.X.Tick.Marker = siTicks{}
	p.X.Min = 0
	p.Y.Min = 0
	lk := th.looks()
	bits := func(pts []probe.Point) plotter.XYs {
		xy := make(plotter.XYs, 0, len(pts))
		for _, q := range pts {
			if !math.IsNaN(q.V) && !math.IsInf(q.V, 0) {
				xy = append(xy, plotter.XY{X: float64(q.Chars), Y: q.V / math.Ln2})
			}
		}
		return xy
	}
	if d.Vocab > 1 {
		u := hline{Y: math.Log2(float64(d.Vocab)), Style: draw.LineStyle{Color: th.Pal.Muted, Width: vg.Points(2),
			Dashes: []vg.Length{vg.Points(3), vg.Points(6)}}}
		p.Add(u)
		lg.add("uniform guess", u)
		p.Y.Max = math.Max(p.Y.Max, u.Y*1.04)
	}
	if xy := bits(d.Train); len(xy) > 0 {
		look := lk[themes.LSTM]
		look.Dashes = nil // solid: the dense curve
		l, _, err := curve(xy, look, curveWidth-1, 0)
		if err != nil {
			return nil, err
		}
		p.Add(l)
		lg.add("training", l)
	}
	if xy := bits(d.Val); len(xy) > 0 {
		look := lk[themes.Vanilla]
		look.Dashes = []vg.Length{vg.Points(14), vg.Points(7)}
		l, s, err := curve(xy, look, curveWidth, max(1, len(xy)/40))
		if err != nil {
			return nil, err
		}
		p.Add(l, s)
		lg.add("held-out window", l, s)
	}
	return th.render(header{d.Title, d.Subtitle, d.Caption}, func(dc draw.Canvas) { lg.beside(p, dc) })
}
