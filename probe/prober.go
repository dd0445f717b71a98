package probe

import (
	"fmt"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
)

// Window is the held-out text a probe reads: Warmup unscored characters to settle
// the state, then the scored ones, with the labels of the scored part.
type Window struct {
	IDs    []int32
	Text   []rune
	Warmup int
	Labels []corpora.Feature // one value per scored character
}

// Default window sizes: 200 characters of warm-up, then 5,000 scored.
const (
	DefaultWarmup = 200
	DefaultScored = 5000
)

// NewWindow takes warmup+scored characters from the start of held-out text (fewer
// when it is shorter) and labels them. Labels are computed over the whole window,
// warm-up included, so that the scored part starts with the right context.
//
// The warm-up is stretched to end at a line break (by at most 200 characters) so
// that the scored text starts at the beginning of a line, as a reader expects.
func NewWindow(ids []int32, text []rune, warmup, scored int) (*Window, error) {
	if warmup > 0 {
		for k := warmup - 1; k < min(len(text), warmup+200); k++ {
			if text[k] == '\n' {
				warmup = k + 1
				break
			}
		}
	}
	n := min(len(ids), warmup+scored)
	if n-warmup < 50 {
		return nil, fmt.Errorf("held-out text of %d characters is too short for a probe window (%d warm-up + at least 50)", len(ids), warmup)
	}
	w := &Window{IDs: ids[:n], Text: text[:n], Warmup: warmup}
	for _, f := range corpora.Labels(w.Text) {
		f.Values = f.Values[warmup:]
		w.Labels = append(w.Labels, f)
	}
	return w, nil
}

// Scored is the number of scored characters.
func (w *Window) Scored() int { return len(w.IDs) - w.Warmup }

// Prober probes one network over one window again and again as it trains, from
// one goroutine at a time.
type Prober struct {
	Window *Window
	Opt    Options
	rec    *Recorder
	z      []float32 // the readouts' design matrix, kept from probe to probe
}

// NewProber probes the weights p (read at each Probe).
func NewProber(cfg nets.Config, p *nets.Params[float64], vocab []rune, w *Window, opt Options) *Prober {
	return &Prober{Window: w, Opt: opt, rec: NewRecorder(cfg, p, vocab)}
}

// Probe records the window (with a unit clamped when o is set) and analyses it.
func (pr *Prober) Probe(o *nets.Override) (*Recording, *Report) {
	w := pr.Window
	rec := pr.rec.Record(w.IDs, w.Text, w.Warmup, o)
	return rec, analyze(rec, w.Labels, pr.Opt, &pr.z)
}

// BaselineFrom estimates the 3-character lookup on training text and scores it on
// the window.
func BaselineFrom(train []rune, w *Window) *Baseline {
	full := corpora.Labels(w.Text) // the window's labels with warm-up, for scoring contexts
	return NewBaseline(train, corpora.Labels(train), w.Text, full, w.Warmup)
}
