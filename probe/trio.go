package probe

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
)

// TrioCell is one of the three compared networks at one moment.
type TrioCell struct {
	Cell        nets.Cell
	Config      nets.Config
	Params      int     // weights and biases, head included
	ForgetBias  float64 // the LSTM's forget-gate bias at init (0 for the others)
	Step, Chars int64
	Loss        float64 // mean of recent steps, nats/char (NaN before the first)
	LossCurve   []Point // training loss, nats/char, decimated to at most curvePoints
	// Flow is the latest measurement (Ratio nil before the first, or when the
	// held-out text is too short for one window); FlowStep is the step it was
	// taken at.
	Flow       GradFlow
	FlowStep   int64
	ClipEvents int64
	ClipRecent int // of the last 100 steps
	// CharsPerSec is this cell's own speed: characters per second of the time
	// spent training it (0 in lockstep, where time must not reach the output).
	CharsPerSec float64
}

// TrioSnapshot is the comparison at one moment; never modified after
// publication, so the UI reads it without locks.
type TrioSnapshot struct {
	Version     uint64
	Name        string     // corpus
	Cells       []TrioCell // vanilla, LSTM, GRU
	Paused      bool
	CharsPerSec float64 // all three together, per second of wall time (0 in lockstep)
	Seq         int     // BPTT truncation: no training gradient reaches lag Seq or more
	Lags        int     // K of the gradient measurement (0: none possible)
	Windows     int     // held-out windows the ratios are averaged over
	Lockstep    int
	Events      []Event // newest last
	Err         string  // why training stopped
}

// TrioControl is a request to the comparison's trainer; fields apply in this
// order.
type TrioControl struct {
	Pause, Resume    bool
	Reset            bool // all three back to their initial weights, optimisers and streams
	ToggleForgetBias bool // re-initialise the LSTM with forget bias 1 (or back to 0); all three restart
}

// TrioConfig sets up a comparison.
type TrioConfig struct {
	Name   string // corpus, for the snapshot
	Corpus *corpora.Corpus
	Vocab  int // V (0: the corpus's vocabulary size)
	Hidden int
	Layers int
	Train  nets.TrainConfig
	// Rand returns a generator for a cell's initial weights. It must return an
	// identical generator at every call, so that the three start from the same
	// seed, as far as their shapes allow (nil: PCG seeded with Seed).
	Rand func() *rand.Rand
	Seed uint64
	// Held is the held-out text the gradient windows come from.
	Held       []int32
	ForgetBias float64 // the LSTM's forget-gate bias at start
	Lags       int     // measure lags 0…Lags (0: 100; fewer if Held is short)
	Windows    int     // held-out windows per measurement (0: 8)
	// How often the gradient flow is measured: every MeasureEvery of wall time
	// when free-running (0: 1 s), every MeasureSteps steps in lockstep (0: 10 ×
	// Lockstep). It is measured at step 0 too, and after a reset.
	MeasureEvery time.Duration
	MeasureSteps int
	Lockstep     int  // > 0: train only on Advance, this many steps at a time
	Paused       bool // start paused
}

// trioWarmup is how many characters of each gradient window only warm up the
// state, as in `rnnscope gradflow` and the research's grads.py.
const trioWarmup = 99

// trioCell is one network of the comparison, owned by the training goroutine.
type trioCell struct {
	cell       nets.Cell
	cfg        nets.Config
	forgetBias float64
	tr         *nets.Trainer
	start      []float64 // the initial weights
	meter      *GradMeter
	flow       GradFlow // cloned from the meter: never modified once kept
	flowStep   int64
	recent     []float64
	clips      []bool
	curve      []Point
	every      int64 // steps per loss-curve point (doubles as the curve is decimated)
	acc        float64
	accN       int64
	busy       time.Duration // time spent training since rateT
	busyChars  int64
	rate       float64
}

// Trio trains a vanilla RNN, an LSTM and a GRU in lock-step on the same corpus
// and seed on its own goroutine (one step of each in turn, so each gets the CPU
// its step needs and the run is deterministic), and measures how their
// gradients fall off with lag. The UI takes the latest snapshot when it draws.
type Trio struct {
	cfg    TrioConfig
	latest atomic.Pointer[TrioSnapshot]
	ctl    chan TrioControl
	adv    chan chan *TrioSnapshot
	done   chan struct{}
	wg     sync.WaitGroup

	// owned by the training goroutine
	cells     []*trioCell
	lags      int
	version   uint64
	paused    bool
	events    []Event
	errText   string
	steps     int64 // steps of each cell since the start or the last reset
	rate      float64
	rateT     time.Time
	rateChars int64 // characters of all three since the start or the last reset
}

// StartTrio starts the comparison on a new goroutine; it stops when ctx is done.
// A configuration the trainers refuse gives a trio that never trains, with the
// reason in its snapshot's Err.
func StartTrio(ctx context.Context, cfg TrioConfig) *Trio {
	if cfg.Vocab == 0 && cfg.Corpus != nil {
		cfg.Vocab = cfg.Corpus.Vocab.Size()
	}
	if cfg.Lags == 0 {
		cfg.Lags = 100
	}
	if cfg.Windows == 0 {
		cfg.Windows = 8
	}
	if cfg.MeasureEvery == 0 {
		cfg.MeasureEvery = time.Second
	}
	if cfg.MeasureSteps == 0 {
		cfg.MeasureSteps = 10 * max(cfg.Lockstep, 1)
	}
	if cfg.Rand == nil {
		seed := cfg.Seed
		cfg.Rand = func() *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }
	}
	t := &Trio{cfg: cfg, ctl: make(chan TrioControl, 64), adv: make(chan chan *TrioSnapshot),
		done: make(chan struct{}), paused: cfg.Paused}
	if err := t.build(); err != nil {
		t.errText = err.Error()
		t.publish()
		close(t.done)
		return t
	}
	t.measure()
	t.publish()
	t.wg.Add(1)
	go t.run(ctx)
	return t
}

// build makes the three networks, their trainers and their gradient meters.
func (t *Trio) build() error {
	cfg := t.cfg
	if cfg.Corpus == nil {
		return fmt.Errorf("no corpus")
	}
	// Gradient windows: K+1 measured steps after up to trioWarmup warm-up steps,
	// shortened to fit the held-out text.
	t.lags = cfg.Lags
	winLen := min(t.lags+1+trioWarmup, len(cfg.Held)-1)
	if winLen < t.lags+1 {
		t.lags = winLen - 1
	}
	if t.lags < 1 {
		t.lags = 0
		t.eventf(true, "%d held-out characters: too few to measure the gradient flow", len(cfg.Held))
	}
	for _, c := range nets.Cells() {
		ncfg := nets.Config{Cell: c, Vocab: cfg.Vocab, Hidden: cfg.Hidden, Layers: cfg.Layers}
		if err := ncfg.Validate(); err != nil {
			return err
		}
		fb := 0.0
		if c == nets.LSTM {
			fb = cfg.ForgetBias
		}
		p := nets.NewParams[float64](ncfg)
		tr, err := nets.NewTrainer(ncfg, p, cfg.Train, t.streams())
		if err != nil {
			return err
		}
		tc := &trioCell{cell: c, cfg: ncfg, forgetBias: fb, tr: tr, every: 1}
		tc.initWeights(cfg.Rand())
		if t.lags > 0 {
			tc.meter = NewGradMeter(ncfg, t.lags, winLen, cfg.Windows)
		}
		t.cells = append(t.cells, tc)
	}
	return nil
}

// streams opens the batch's streams from the start of the corpus: every cell
// reads the same characters.
func (t *Trio) streams() []nets.Stream {
	b := t.cfg.Train.Batch
	s := make([]nets.Stream, b)
	for i := range s {
		s[i] = t.cfg.Corpus.Stream(i, b, 0)
	}
	return s
}

// initWeights draws the cell's initial weights from rng (with its forget bias)
// and keeps them as the weights a reset returns to.
func (c *trioCell) initWeights(rng *rand.Rand) {
	nets.Init(c.cfg, c.tr.P, rng, c.forgetBias)
	c.start = slices.Clone(c.tr.P.Mem)
}

// Latest is the newest snapshot (never nil after StartTrio).
func (t *Trio) Latest() *TrioSnapshot { return t.latest.Load() }

// Send queues a request; the trainer takes requests between steps.
func (t *Trio) Send(c TrioControl) {
	select {
	case t.ctl <- c:
	case <-t.done:
	}
}

// Advance (lockstep mode) applies the queued requests, trains the configured
// number of steps unless paused, and returns the snapshot after them; nil once
// the trio has stopped.
func (t *Trio) Advance() *TrioSnapshot {
	reply := make(chan *TrioSnapshot, 1)
	select {
	case t.adv <- reply:
		return <-reply
	case <-t.done:
		return nil
	}
}

// Wait blocks until the training goroutine has stopped.
func (t *Trio) Wait() { t.wg.Wait() }

func (t *Trio) run(ctx context.Context) {
	defer t.wg.Done()
	defer close(t.done)
	lastMeasure, lastPub := time.Now(), time.Now()
	t.rateT = time.Now()
	for {
		if t.cfg.Lockstep > 0 || t.paused {
			select {
			case <-ctx.Done():
				return
			case c := <-t.ctl:
				t.control(c)
				t.publish()
			case reply := <-t.adv:
				t.drain() // requests sent before the advance apply before it
				if t.cfg.Lockstep > 0 && !t.paused {
					for range t.cfg.Lockstep {
						if !t.step() {
							break
						}
						if t.steps%int64(t.cfg.MeasureSteps) == 0 {
							t.measure()
						}
					}
				}
				reply <- t.publish()
			}
			lastMeasure = time.Now() // paused time does not count towards the next measurement
			continue
		}
		select {
		case <-ctx.Done():
			return
		case c := <-t.ctl:
			t.control(c)
			t.publish()
			continue
		case reply := <-t.adv:
			t.drain()
			reply <- t.publish()
			continue
		default:
		}
		t.step()
		now := time.Now()
		if now.Sub(lastMeasure) >= t.cfg.MeasureEvery {
			t.measure()
			lastMeasure = time.Now()
		}
		if now.Sub(lastPub) >= 40*time.Millisecond {
			t.measureRate(now)
			t.publish()
			lastPub = now
		}
	}
}

// drain applies every queued request.
func (t *Trio) drain() {
	for {
		select {
		case c := <-t.ctl:
			t.control(c)
		default:
			return
		}
	}
}

// step trains each cell once, vanilla then LSTM then GRU; false when a loss
// turned bad (the trio pauses).
func (t *Trio) step() bool {
	timed := t.cfg.Lockstep == 0
	for _, c := range t.cells {
		var t0 time.Time
		if timed {
			t0 = time.Now()
		}
		st := c.tr.Step()
		if timed {
			c.busy += time.Since(t0)
		}
		if st.Bad {
			what := "NaN"
			if math.IsInf(st.Loss, 0) {
				what = "infinite"
			}
			const f = "the %s's loss became %s at step %d — paused; reset (R) to start again"
			t.errText = fmt.Sprintf(f, c.cell.Title(), what, c.tr.Steps+1)
			t.eventf(true, f, c.cell.Title(), what, c.tr.Steps+1)
			t.paused = true
			return false
		}
		c.note(st)
	}
	t.steps++
	return true
}

// note records one step's loss and clipping.
func (c *trioCell) note(st nets.StepStats) {
	c.recent = append(c.recent, st.Loss)
	if len(c.recent) > 100 {
		c.recent = c.recent[1:]
	}
	c.clips = append(c.clips, st.Clipped)
	if len(c.clips) > 100 {
		c.clips = c.clips[1:]
	}
	c.acc += st.Loss
	c.accN++
	if c.accN >= c.every {
		c.curve = append(c.curve, Point{c.tr.Chars, c.acc / float64(c.accN)})
		c.acc, c.accN = 0, 0
		if len(c.curve) >= curvePoints {
			c.curve = decimate(c.curve)
			c.every *= 2
		}
	}
}

func (c *trioCell) clipCount() int {
	n := 0
	for _, b := range c.clips {
		if b {
			n++
		}
	}
	return n
}

// measureRate updates the speeds about once a second: all three per second of
// wall time, and each cell per second of its own training.
func (t *Trio) measureRate(now time.Time) {
	dt := now.Sub(t.rateT).Seconds()
	if dt < 1 {
		return
	}
	var chars int64
	for _, c := range t.cells {
		chars += c.tr.Chars
		if c.busy > 0 {
			c.rate = smooth(c.rate, float64(c.tr.Chars-c.busyChars)/c.busy.Seconds())
		}
		c.busy, c.busyChars = 0, c.tr.Chars
	}
	t.rate = smooth(t.rate, float64(chars-t.rateChars)/dt)
	t.rateT, t.rateChars = now, chars
}

// smooth averages a new rate into an old one (0: none yet).
func smooth(old, r float64) float64 {
	if old == 0 {
		return r
	}
	return 0.5*old + 0.5*r
}

// restartRates forgets the speeds' reference point (after a pause or a reset).
func (t *Trio) restartRates() {
	t.rateT, t.rateChars = time.Now(), 0
	for _, c := range t.cells {
		c.busy, c.busyChars = 0, c.tr.Chars
		t.rateChars += c.tr.Chars
	}
}

// eventf logs fmt.Sprintf(format, args...), keeping format and args.
func (t *Trio) eventf(warn bool, format string, args ...any) {
	var chars int64
	if len(t.cells) > 0 {
		chars = t.cells[0].tr.Chars
	}
	t.events = append(t.events, Event{Chars: chars, Text: fmt.Sprintf(format, args...), Warn: warn,
		Format: format, Args: args})
	if len(t.events) > keptEvents {
		t.events = slices.Delete(t.events, 0, len(t.events)-keptEvents)
	}
}

func (t *Trio) control(c TrioControl) {
	if c.Pause && !t.paused {
		t.paused = true
	}
	if c.Resume && t.paused {
		t.paused = false
		t.errText = ""
		t.restartRates()
	}
	if c.Reset {
		t.reset()
		t.eventf(false, "all three reset to their initial weights")
	}
	if c.ToggleForgetBias {
		t.toggleForgetBias()
	}
}

// toggleForgetBias re-initialises the LSTM from the same seed with forget bias 1
// (or 0 when it is not 0), and restarts all three so that they stay comparable.
func (t *Trio) toggleForgetBias() {
	for _, c := range t.cells {
		if c.cell != nets.LSTM {
			continue
		}
		old := c.forgetBias
		c.forgetBias = 1
		if old != 0 {
			c.forgetBias = 0
		}
		c.initWeights(t.cfg.Rand())
		t.reset()
		t.eventf(false, "LSTM forget bias %g → %g: the LSTM starts again from new weights, and the RNN and the GRU restart too, so the comparison stays fair",
			old, c.forgetBias)
	}
}

// reset puts every cell back to its initial weights, a fresh optimiser, the
// streams' start and a zero state, and measures the gradient flow again.
func (t *Trio) reset() {
	for _, c := range t.cells {
		tr := c.tr
		copy(tr.P.Mem, c.start)
		opt, _ := nets.NewOptim(tr.Opt.Name, len(tr.P.Mem), tr.Opt.LR)
		tr.Opt = opt
		tr.State.Reset()
		_ = tr.SetStreams(t.streams(), nil)
		tr.Steps, tr.Chars, tr.ClipEvents = 0, 0, 0
		c.recent, c.clips, c.curve = nil, nil, nil
		c.every, c.acc, c.accN = 1, 0, 0
		c.rate = 0
	}
	t.steps = 0
	t.rate = 0
	if t.errText != "" {
		t.errText, t.paused = "", false
	}
	t.restartRates()
	t.measure()
}

// measure takes each cell's gradient flow on the held-out windows.
func (t *Trio) measure() {
	for _, c := range t.cells {
		if c.meter == nil {
			continue
		}
		c.flow = c.meter.Measure(c.tr.P, t.cfg.Held).Clone()
		c.flowStep = c.tr.Steps
	}
}

// publish builds and stores a snapshot from what the trainer already has.
func (t *Trio) publish() *TrioSnapshot {
	t.version++
	rate := t.rate
	if t.cfg.Lockstep > 0 {
		rate = 0
	}
	s := &TrioSnapshot{
		Version: t.version, Name: t.cfg.Name, Paused: t.paused, CharsPerSec: rate,
		Seq: t.cfg.Train.Seq, Lags: t.lags, Windows: t.cfg.Windows, Lockstep: t.cfg.Lockstep,
		Events: slices.Clone(t.events), Err: t.errText,
		Cells: make([]TrioCell, len(t.cells)),
	}
	for i, c := range t.cells {
		tr := c.tr
		cr := c.rate
		if t.cfg.Lockstep > 0 {
			cr = 0
		}
		s.Cells[i] = TrioCell{
			Cell: c.cell, Config: c.cfg, Params: c.cfg.NumParams(), ForgetBias: c.forgetBias,
			Step: tr.Steps, Chars: tr.Chars, Loss: mean(c.recent), LossCurve: slices.Clone(c.curve),
			Flow: c.flow, FlowStep: c.flowStep,
			ClipEvents: tr.ClipEvents, ClipRecent: c.clipCount(), CharsPerSec: cr,
		}
	}
	t.latest.Store(s)
	return s
}
