package lessons

import (
	"math"

	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
)

// recorder records a probe window a chunk at a time, so that a demo can spread
// the work of a probe over frames. It computes exactly what probe.Recorder.Record
// does (the same engine, the same order of operations), and hands the finished
// Recording to probe.Analyze.
type recorder struct {
	cfg    nets.Config
	eng    *nets.Engine[float64]
	st     *nets.State[float64]
	win    *probe.Window
	rec    *probe.Recording
	pos    int // tokens read so far
	probs  []float64
	report *probe.Report
	opt    probe.Options
}

// recordChunk is how many characters one call of step reads.
const recordChunk = 128

func newRecorder(cfg nets.Config, p *nets.Params[float64], win *probe.Window, opt probe.Options) *recorder {
	h, gh := cfg.Hidden, cfg.GH()
	T := len(win.IDs) - win.Warmup
	r := &probe.Recording{Config: cfg, Text: win.Text[win.Warmup:], IDs: win.IDs[win.Warmup:], T: T,
		Loss: make([]float64, T)}
	for l := range cfg.Layers {
		r.Groups = append(r.Groups, probe.Group{Layer: l, Acts: make([]float64, h*T)})
	}
	if cfg.Cell == nets.LSTM {
		for l := range cfg.Layers {
			r.Groups = append(r.Groups, probe.Group{Layer: l, Cell: true, Acts: make([]float64, h*T)})
		}
	}
	if cfg.Cell != nets.RNN {
		r.Gates = make([][]float64, cfg.Layers)
		for l := range r.Gates {
			r.Gates[l] = make([]float64, gh*T)
		}
	}
	rc := &recorder{cfg: cfg, eng: nets.NewEngine(cfg, p, nil, recordChunk, 1), st: nets.NewState[float64](cfg, 1),
		win: win, rec: r, probs: make([]float64, cfg.Vocab), opt: opt}
	rc.eng.Observe = rc.observe
	return rc
}

func (rc *recorder) observe(v nets.StepView[float64]) {
	r, T := rc.rec, rc.rec.T
	t := rc.pos + v.T - rc.win.Warmup
	if t < 0 {
		return
	}
	hg := r.Groups[v.Layer].Acts
	for i, x := range v.H {
		hg[i*T+t] = x
	}
	if v.C != nil {
		cg := r.Groups[rc.cfg.Layers+v.Layer].Acts
		for i, x := range v.C {
			cg[i*T+t] = x
		}
	}
	if v.Gates != nil {
		gg := r.Gates[v.Layer]
		for i, x := range v.Gates {
			gg[i*T+t] = x
		}
	}
}

// done reports whether the whole window has been read.
func (rc *recorder) done() bool { return rc.pos >= len(rc.win.IDs) }

// step reads the next chunk; once the window is read, the next call analyses it
// (probe.Analyze) and after that it does nothing. It reports whether it did work.
func (rc *recorder) step() bool {
	if rc.report != nil {
		return false
	}
	ids := rc.win.IDs
	if rc.done() {
		rc.report = probe.Analyze(rc.rec, rc.win.Labels, rc.opt)
		return true
	}
	x := ids[rc.pos:min(rc.pos+recordChunk, len(ids))]
	rc.eng.Forward(x, rc.st)
	for k := range x {
		t := rc.pos + k - rc.win.Warmup
		if t < 0 {
			continue
		}
		softmax(rc.probs, rc.eng.Logits(k, 0))
		if g := rc.pos + k + 1; g < len(ids) {
			rc.rec.Loss[t] = -math.Log(rc.probs[ids[g]])
		} else {
			rc.rec.Loss[t] = math.NaN()
		}
	}
	rc.pos += len(x)
	return true
}
