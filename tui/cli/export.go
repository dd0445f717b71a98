package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/tui/export"
)

// exportOpts are the flags of `rnnscope export`.
type exportOpts struct {
	trainOpts
	out, what, label, unit, theme string
	every                         int64
	warmup, scored                int
	lags, windows                 int
	compare                       bool
}

// exportItem is one thing export can write: its --what name and its file.
type exportItem struct{ name, file string }

// exportItems lists them in the order export writes them.
func exportItems() []exportItem {
	return []exportItem{
		{"loss", "loss.png"}, {"gradflow", "gradflow.png"}, {"trace", "trace.png"}, {"gates", "gates.png"},
		{"emergence", "emergence.png"}, {"html", "units.html"}, {"csv", "states.csv"}, {"jsonl", "states.jsonl"},
	}
}

func exportNames() []string {
	var n []string
	for _, it := range exportItems() {
		n = append(n, it.name)
	}
	return n
}

// pageTop is how many units per label the HTML page can colour the text by.
const pageTop = 10

// traceChars is how many characters trace.png shows: five rows of export.TraceRow.
const traceChars = 5 * export.TraceRow

func newExportCmd(stdio IO) *cobra.Command {
	o := &exportOpts{}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Figures for slides (PNG), an HTML page, CSV/JSONL data",
		Long: "Train a network (--steps or --seconds) or load one (--load), probing it every --every\n" +
			"steps, and write into --out: loss.png (training and held-out loss), gradflow.png\n" +
			"(gradient left k steps back in rnn, lstm and gru, at initialisation and after\n" +
			"training), trace.png (a unit over held-out text with its label shaded), gates.png\n" +
			"(gate saturation per unit), emergence.png (how the label's best unit emerges),\n" +
			"units.html (the text coloured by a unit, with every label's top units to switch\n" +
			"between) and states.csv / states.jsonl (the probe's --dump format). Figures are\n" +
			"1920×1080 with fonts readable on a slide, in the colours of --theme. Paths\n" +
			"written go to stdout; progress to stderr.",
		Example: "  rnnscope export --steps 300 --out figs --save m.safetensors\n" +
			"  rnnscope export --load m.safetensors --out figs --what trace,html --label if --unit c17\n" +
			"  rnnscope export --cell gru --hidden 64 --steps 200 --compare-cells --theme colorblind --out figs",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(cmd); err != nil {
				return err
			}
			return runExport(cmd.Context(), cmd, stdio, o)
		},
	}
	o.trainOpts.register(cmd)
	fs := cmd.Flags()
	fs.StringVar(&o.out, "out", "", "folder to write into (created if missing)")
	fs.StringVar(&o.what, "what", "", "what to write, comma-separated, of "+strings.Join(exportNames(), ",")+" (default: all)")
	fs.StringVar(&o.label, "label", "quote", "the label to trace, shade and follow: one of "+strings.Join(corpora.LabelNames(), ", "))
	fs.StringVar(&o.unit, "unit", "", "the unit to trace and colour by, such as c17, h3 or \"L2 h3\" (default: the label's best unit)")
	fs.StringVar(&o.theme, "theme", "light", "colours: "+strings.Join(export.ThemeNames(), ", "))
	fs.Int64Var(&o.every, "every", 0, "probe every this many training steps for the emergence and held-out curves (0: 24 probes over --steps, or every 200 steps)")
	fs.IntVar(&o.warmup, "warmup", probe.DefaultWarmup, "held-out characters read before scoring starts")
	fs.IntVar(&o.scored, "window", probe.DefaultScored, "characters of held-out text scored (the page shows them all)")
	fs.IntVar(&o.lags, "lags", 100, "gradflow.png: lags 0 to this many steps back (1 to 1000)")
	fs.IntVar(&o.windows, "windows", 16, "gradflow.png: held-out windows averaged over (1 to 256)")
	fs.BoolVar(&o.compare, "compare-cells", false, "gradflow.png: also train the other two cells as many steps, to compare all three after training")
	fs.Lookup("json").Usage = "write one JSON object per file written to stdout"
	for _, hide := range []string{"log-every", "val-every"} {
		_ = fs.MarkHidden(hide)
	}
	return cmd
}

// whatList parses --what into a set.
func (o *exportOpts) whatList() (map[string]bool, error) {
	set := map[string]bool{}
	if o.what == "" { // the default: everything
		for _, w := range exportNames() {
			set[w] = true
		}
		return set, nil
	}
	for _, w := range strings.Split(o.what, ",") {
		w = strings.TrimSpace(w)
		if !slices.Contains(exportNames(), w) {
			return nil, usagef("--what %q: want a comma-separated list of %s", o.what, strings.Join(exportNames(), ", "))
		}
		set[w] = true
	}
	return set, nil
}

func (o *exportOpts) training() bool { return o.run.steps > 0 || o.run.seconds > 0 }

func (o *exportOpts) validate(cmd *cobra.Command) error {
	if err := o.trainOpts.validate(); err != nil {
		return err
	}
	what, err := o.whatList()
	if err != nil {
		return err
	}
	if _, err := export.NewTheme(o.theme); err != nil {
		return usageError{err}
	}
	switch {
	case o.out == "":
		return usagef("--out: give a folder to write into (it is created if missing)")
	case !slices.Contains(corpora.LabelNames(), o.label):
		return usagef("--label %q: want one of %s", o.label, strings.Join(corpora.LabelNames(), ", "))
	case o.every < 0:
		return usagef("--every %d: want 0 (automatic) or more steps", o.every)
	case o.warmup < 0 || o.warmup > 100000:
		return usagef("--warmup %d: want 0 to 100000", o.warmup)
	case o.scored < 100 || o.scored > 1000000:
		return usagef("--window %d: want 100 to 1000000", o.scored)
	case o.lags < 1 || o.lags > 1000:
		return usagef("--lags %d: want 1 to 1000", o.lags)
	case o.windows < 1 || o.windows > 256:
		return usagef("--windows %d: want 1 to 256", o.windows)
	case o.load == "" && !o.training():
		return usagef("export needs a model: --load FILE, or --steps N / --seconds S to train one first")
	}
	if o.unit != "" {
		if _, ok := parseUnit(o.unit); !ok {
			return usagef("--unit %q: want a unit such as h3, c17 or \"L2 h3\"", o.unit)
		}
	}
	if !o.training() && changed(cmd, "what") {
		for _, w := range []string{"loss", "emergence"} {
			if what[w] {
				return usagef("--what %s: the %s curve needs training (--steps N or --seconds S)", w, w)
			}
		}
	}
	return nil
}

// parseUnit reads a unit as probe.Unit.Name writes it: "h3", "c17", "L2 h3";
// also "L2h3", "L2:h3" and "l2.h3". Layers count from 1.
func parseUnit(s string) (probe.Unit, bool) {
	t := strings.ToLower(strings.TrimSpace(s))
	var u probe.Unit
	digits := func(x string) bool {
		return x != "" && strings.Trim(x, "0123456789") == ""
	}
	if strings.HasPrefix(t, "l") {
		i := 1
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		layer, err := strconv.Atoi(t[1:i])
		if err != nil || layer < 1 {
			return u, false
		}
		u.Layer = layer - 1
		t = strings.TrimLeft(t[i:], " :._-")
	}
	if len(t) < 2 || (t[0] != 'h' && t[0] != 'c') || !digits(t[1:]) {
		return u, false
	}
	u.Cell = t[0] == 'c'
	idx, err := strconv.Atoi(t[1:])
	if err != nil {
		return u, false
	}
	u.Index = idx
	return u, true
}

// checkUnit refuses a unit the network does not have.
func checkUnit(name string, u probe.Unit, cfg nets.Config) error {
	switch {
	case u.Cell && cfg.Cell != nets.LSTM:
		return usagef("--unit %s: only an LSTM has cell states c, and this network is a %s; use h", name, cfg.Cell.Title())
	case u.Layer >= cfg.Layers:
		return usagef("--unit %s: the network has %s", name, plural(int64(cfg.Layers), "layer", "layers"))
	case u.Index >= cfg.Hidden:
		return usagef("--unit %s: the network has %d units per layer (0 to %d)", name, cfg.Hidden, cfg.Hidden-1)
	}
	return nil
}

// lossCurve collects loop's per-step --json progress records (one a step with
// --log-every 1) as a training-loss curve, averaging neighbours whenever it
// reaches lossPoints so that memory stays flat however long the run.
type lossCurve struct {
	pts   []probe.Point
	every int64 // steps per point
	acc   float64
	n     int64
	buf   []byte
}

const lossPoints = 1024

func (c *lossCurve) Write(p []byte) (int, error) {
	c.buf = append(c.buf, p...)
	for {
		i := bytes.IndexByte(c.buf, '\n')
		if i < 0 {
			break
		}
		var r trainRecord
		if err := json.Unmarshal(c.buf[:i], &r); err == nil && r.Event == "progress" {
			c.add(r.Chars, r.Loss)
		}
		c.buf = c.buf[i+1:]
	}
	c.buf = append([]byte(nil), c.buf...)
	return len(p), nil
}

func (c *lossCurve) add(chars int64, loss float64) {
	if c.every == 0 {
		c.every = 1
	}
	c.acc += loss
	c.n++
	if c.n < c.every {
		return
	}
	c.pts = append(c.pts, probe.Point{Chars: chars, V: c.acc / float64(c.n)})
	c.acc, c.n = 0, 0
	if len(c.pts) >= lossPoints {
		half := c.pts[:0]
		for i := 0; i+1 < len(c.pts); i += 2 {
			half = append(half, probe.Point{Chars: c.pts[i+1].Chars, V: (c.pts[i].V + c.pts[i+1].V) / 2})
		}
		c.pts = half
		c.every *= 2
	}
}

// exportProbe is what one probe during training found for the followed label.
type exportProbe struct {
	chars   int64
	loss    float64   // on the probe window, nats/char
	bestAUC float64   // NaN for numeric labels
	bestR   float64   // |r|
	readout float64   // r
	r       []float32 // every unit's r with the label
}

// exportRun is everything a run of export measured.
type exportRun struct {
	s       *session
	win     *probe.Window
	rec     *probe.Recording
	rep     *probe.Report
	train   lossCurve
	probes  []exportProbe
	every   int64
	initFB  float64
	grads   [2][]export.GradCurve // at initialisation; after training
	trained int64                 // steps behind grads[1]
}

func runExport(ctx context.Context, cmd *cobra.Command, stdio IO, o *exportOpts) error {
	what, _ := o.whatList()
	explicit := changed(cmd, "what")
	th, _ := export.NewTheme(o.theme)
	training := o.training()
	var stdin []byte // each session reads --corpus - again
	if o.corpus.corpus == "-" {
		var err error
		if stdin, err = io.ReadAll(stdio.In); err != nil {
			return fmt.Errorf("reading standard input: %w", err)
		}
		stdio.In = bytes.NewReader(stdin)
	}
	s, err := newSession(cmd, stdio, &o.trainOpts)
	if err != nil {
		return err
	}
	s.printNotes(stdio)
	if !training {
		delete(what, "loss")
		delete(what, "emergence")
	}
	if s.cfg.Cell == nets.RNN && what["gates"] {
		if explicit {
			return usagef("--what gates: the vanilla RNN has no gates (try --cell lstm or gru)")
		}
		delete(what, "gates")
	}
	var pinned *probe.Unit
	if o.unit != "" {
		u, _ := parseUnit(o.unit)
		if err := checkUnit(o.unit, u, s.cfg); err != nil {
			return err
		}
		pinned = &u
	}
	heldIDs, heldText := s.corpus.Held()
	win, err := probe.NewWindow(heldIDs, heldText, o.warmup, o.scored)
	if err != nil {
		return usagef("--corpus %s: %v", o.corpus.corpus, err)
	}
	var meters [3]*probe.GradMeter
	if what["gradflow"] {
		for i, c := range nets.Cells() {
			cfg := s.cfg
			cfg.Cell = c
			meters[i] = probe.NewGradMeter(cfg, o.lags, o.lags+1+gradflowWarmup, o.windows)
		}
		if need := meters[0].TextLen(); len(heldIDs) < need {
			return usagef("--corpus %s: %s held-out characters, and --lags %d needs %s (raise --val-frac or lower --lags)",
				o.corpus.corpus, group(int64(len(heldIDs))), o.lags, group(int64(need)))
		}
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("--out %s: %w", o.out, err)
	}

	run := &exportRun{s: s, win: win, every: o.every}
	run.initFB, _ = strconv.ParseFloat(s.meta["forget_bias"], 64)
	if what["gradflow"] {
		fmt.Fprintln(stdio.Err, "rnnscope: measuring gradient flow at initialisation")
		for i, c := range nets.Cells() {
			cfg := s.cfg
			cfg.Cell = c
			p := nets.NewParams[float64](cfg)
			nets.Init(cfg, p, o.train.rng(), run.initFB)
			run.grads[0] = append(run.grads[0], export.GradCurve{Cell: c, Name: cellName(c, run.initFB),
				Ratio: meters[i].Measure(p, heldIDs).Clone().Ratio})
		}
	}

	opt := probe.Options{Top: pageTop, Baseline: probe.BaselineFrom(sampleTraining(s.corpus, trainingSample), win)}
	pr := probe.NewProber(s.cfg, s.trainer.P, s.vocab, win, opt)
	probeNow := func() error {
		run.rec, run.rep = pr.Probe(nil)
		lr, _ := run.rep.Label(o.label)
		ep := exportProbe{chars: s.trainer.Chars, loss: run.rep.Loss, bestAUC: math.NaN(), bestR: math.NaN(), readout: lr.Readout.R}
		if b, ok := lr.Best(); ok {
			ep.bestR = math.Abs(b.R)
			if lr.Binary {
				ep.bestAUC = b.AUC
			}
		}
		ep.r = make([]float32, len(lr.R))
		for i, v := range lr.R {
			ep.r[i] = float32(v)
		}
		run.probes = append(run.probes, ep)
		return nil
	}
	var res *loopResult
	if training {
		if run.every == 0 {
			run.every = 200
			if o.run.steps > 0 {
				run.every = max(1, o.run.steps/24)
			}
		}
		if err := probeNow(); err != nil {
			return err
		}
		// One --json progress record a step is the per-step training loss.
		to := o.trainOpts
		to.logEvery, to.valEvery = 1, math.MaxInt64
		lio := stdio
		lio.Out = &run.train
		if res, err = s.loop(ctx, lio, &to, true, run.every, probeNow); err != nil {
			return err
		}
	} else if err := probeNow(); err != nil {
		return err
	}

	if what["gradflow"] && s.trainer.Steps > 0 && (res == nil || !res.interrupted) {
		if err := run.gradsAfter(ctx, cmd, stdio, o, meters, heldIDs, stdin); err != nil {
			return err
		}
	}

	lr, _ := run.rep.Label(o.label)
	unit := probe.Unit{}
	if pinned != nil {
		unit = *pinned
	} else if b, ok := lr.Best(); ok {
		unit = b.Unit
	}
	written := 0
	for _, it := range exportItems() {
		if !what[it.name] {
			continue
		}
		path := filepath.Join(o.out, it.file)
		var data []byte
		switch it.name {
		case "loss":
			data, err = export.Loss(th, run.lossData())
		case "gradflow":
			data, err = export.GradFlow(th, run.gradData(o))
		case "trace":
			data, err = export.Trace(th, run.traceData(lr, unit))
		case "gates":
			data, err = export.Gates(th, run.gatesData(unit))
		case "emergence":
			data, err = export.Emergence(th, run.emergenceData(lr, unit))
		case "html":
			data, err = export.UnitsHTML(th, run.pageData(o.label, unit))
		case "csv", "jsonl":
			err = export.WriteStates(path, run.rec, win.Labels)
		}
		if err == nil && data != nil {
			err = export.WriteFile(path, data)
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		written++
		if o.run.json {
			fi, _ := os.Stat(path)
			rec := map[string]any{"file": path, "what": it.name, "bytes": fi.Size()}
			if err := json.NewEncoder(stdio.Out).Encode(rec); err != nil {
				return err
			}
		} else {
			fmt.Fprintln(stdio.Out, path)
		}
	}
	fmt.Fprintf(stdio.Err, "rnnscope: wrote %s into %s (unit %s, label %s)\n",
		plural(int64(written), "file", "files"), o.out, unit.Name(s.cfg.Layers), o.label)
	if res != nil {
		return res.finish(stdio, &o.trainOpts)
	}
	return nil
}

// cellName is a cell's legend name, with the LSTM's forget bias when it is set.
func cellName(c nets.Cell, forgetBias float64) string {
	if c == nets.LSTM && forgetBias != 0 {
		return fmt.Sprintf("LSTM (forget bias %g)", forgetBias)
	}
	return c.Title()
}

// gradsAfter measures the trained network's gradient flow and, with
// --compare-cells, trains the other two cells from the same seed for as many
// steps and measures theirs.
func (run *exportRun) gradsAfter(ctx context.Context, cmd *cobra.Command, stdio IO, o *exportOpts,
	meters [3]*probe.GradMeter, held []int32, stdin []byte) error {
	s := run.s
	run.trained = s.trainer.Steps
	for i, c := range nets.Cells() {
		var p *nets.Params[float64]
		var ids []int32
		switch {
		case c == s.cfg.Cell:
			p, ids = s.trainer.P, held
		case o.compare:
			to := o.trainOpts
			to.load, to.save, to.saveEvery = "", "", 0
			to.net.cell, to.net.hidden, to.net.layers = c.String(), s.cfg.Hidden, s.cfg.Layers
			to.run.steps, to.run.seconds = run.trained, 0
			to.logEvery, to.valEvery = math.MaxInt64, math.MaxInt64
			if stdin != nil {
				stdio.In = bytes.NewReader(stdin)
			}
			sc, err := newSession(cmd, stdio, &to)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdio.Err, "rnnscope: training the %s for %s to compare gradient flow\n", c.Title(), plural(run.trained, "step", "steps"))
			res, err := sc.loop(ctx, stdio, &to, false, 0, nil)
			if err != nil {
				return err
			}
			if res.interrupted {
				fmt.Fprintln(stdio.Err, "rnnscope: interrupted")
				return errInterrupted
			}
			p, ids = sc.trainer.P, held
			if sc.cfg.Vocab != s.cfg.Vocab { // a checkpoint's vocabulary: measure on this session's encoding
				ids, _ = sc.corpus.Held()
				cfg := sc.cfg
				meters[i] = probe.NewGradMeter(cfg, o.lags, o.lags+1+gradflowWarmup, o.windows)
			}
		default:
			continue
		}
		run.grads[1] = append(run.grads[1], export.GradCurve{Cell: c, Name: cellName(c, run.initFB),
			Ratio: meters[i].Measure(p, ids).Clone().Ratio})
	}
	return nil
}

// describe names the network and its corpus: "LSTM, 128 units, 1 layer, on code".
func (run *exportRun) describe() string {
	cfg := run.s.cfg
	return fmt.Sprintf("%s, %d units, %s, on %s", cfg.Cell.Title(), cfg.Hidden,
		plural(int64(cfg.Layers), "layer", "layers"), run.s.corpus.Name)
}

// trainedFor says how long the network trained: "2,000 steps (512k characters)".
func (run *exportRun) trainedFor() string {
	tr := run.s.trainer
	return fmt.Sprintf("%s (%s characters)", plural(tr.Steps, "step", "steps"), si(float64(tr.Chars)))
}

func (run *exportRun) lossData() export.LossData {
	var val []probe.Point
	for _, p := range run.probes {
		val = append(val, probe.Point{Chars: p.chars, V: p.loss})
	}
	tc := run.s.trainer.Train
	last := ""
	if n := len(val); n > 0 {
		last = fmt.Sprintf("; held-out window at the end: %.3f bits/char", val[n-1].V/math.Ln2)
	}
	return export.LossData{
		Title: "Loss while training: " + run.describe(),
		Subtitle: fmt.Sprintf("training loss per step of %d × %d characters (means of neighbouring steps); held-out: the %s-character probe window every %s",
			tc.Batch, tc.Seq, group(int64(run.win.Scored())), plural(run.every, "step", "steps")),
		Caption: fmt.Sprintf("%s, seed %s, %s, learning rate %g%s", run.trainedFor(), run.s.meta["seed"], tc.Optimizer, tc.LR, last),
		Train:   run.train.pts, Val: val, Vocab: run.s.cfg.Vocab,
	}
}

func (run *exportRun) gradData(o *exportOpts) export.GradFlowData {
	cfg := run.s.cfg
	d := export.GradFlowData{
		Title: "How much of the gradient reaches k steps back",
		Subtitle: fmt.Sprintf("‖∂L_t/∂h_(t−k)‖ / ‖∂L_t/∂h_t‖ on a log scale, geometric mean over %s of held-out text; %d units, %s",
			plural(int64(o.windows), "window", "windows"), cfg.Hidden, plural(int64(cfg.Layers), "layer", "layers")),
		Panels: []export.GradPanel{{Title: "at initialisation (seed " + run.s.meta["seed"] + ")", Curves: run.grads[0]}},
	}
	if len(run.grads[1]) > 0 {
		d.Panels = append(d.Panels, export.GradPanel{Title: "after " + plural(run.trained, "step", "steps"), Curves: run.grads[1]})
		if len(run.grads[1]) == 1 {
			d.Caption = fmt.Sprintf("Only the %s was trained: --compare-cells trains the other two cells as many steps from the same seed.", cfg.Cell.Title())
		} else {
			d.Caption = "Each cell trained from the same seed, on the same text, for the same number of steps."
		}
	} else {
		d.Caption = "At PyTorch's initialisation; train (--steps) to see the cells after training."
	}
	return d
}

// traceSpan is where trace.png starts in the window.
func (run *exportRun) traceSpan(label string) (start, n int) {
	n = min(traceChars, run.rec.T)
	var values []float64
	for _, f := range run.win.Labels {
		if f.Name == label {
			values = f.Values
		}
	}
	return export.Span(values, run.rec.Text, n), n
}

func (run *exportRun) traceData(lr *probe.LabelReport, u probe.Unit) export.TraceData {
	rec := run.rec
	start, n := run.traceSpan(lr.Name)
	var band []float64
	for _, f := range run.win.Labels {
		if f.Name == lr.Name {
			band = f.Values[start : start+n]
		}
	}
	name := u.Name(rec.Config.Layers)
	flat := rec.Flat(u)
	stats := fmt.Sprintf("over the whole %s-character window: r %s with %s", group(int64(rec.T)), signedR(lr.R[flat]), lr.Name)
	threshold := math.NaN()
	for _, sc := range lr.Top {
		if sc.Flat != flat || !lr.Binary {
			continue
		}
		stats += fmt.Sprintf(", AUC %.2f, its sign alone right on %s of characters", sc.AUC, pct(sc.SignAcc))
		if sc.SignAcc < probe.FlipSignAcc && !math.IsNaN(sc.Threshold) {
			threshold = sc.Threshold
			stats += fmt.Sprintf("; dotted line: its best threshold, %.2f", sc.Threshold)
		}
	}
	shade := ""
	if !lr.Binary {
		top := 0.0
		for _, v := range band {
			if !math.IsNaN(v) {
				top = max(top, v)
			}
		}
		shade = fmt.Sprintf("; the stronger the shade, the larger %s (up to %g here)", probe.Phrase(lr.Name), top)
	}
	return export.TraceData{
		Title:     fmt.Sprintf("%s while reading held-out text; shaded: %s", name, probe.Phrase(lr.Name)),
		Subtitle:  fmt.Sprintf("Characters %s–%s of the held-out window%s. %s.", group(int64(start)), group(int64(start+n-1)), shade, upperFirst(stats)),
		Caption:   fmt.Sprintf("%s after %s; ¶ is a newline, → a tab", run.describe(), run.trainedFor()),
		Values:    rec.Series(u)[start : start+n],
		Text:      rec.Text[start : start+n],
		Band:      band,
		Threshold: threshold,
	}
}

// upperFirst capitalises a sentence.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func signedR(r float64) string {
	if math.IsNaN(r) {
		return "–"
	}
	return fmt.Sprintf("%+.2f", r)
}

func (run *exportRun) gatesData(u probe.Unit) export.GatesData {
	cfg := run.s.cfg
	return export.GatesData{
		Title: fmt.Sprintf("Gate saturation: %s", run.describe()),
		Subtitle: fmt.Sprintf("one point per unit: the share of %s held-out characters where its gate is below 0.1 (closed) and above 0.9 (open)",
			group(int64(run.rec.T))),
		Caption: fmt.Sprintf("After %s. Units on the dashed line are never in between; ringed: %s's gates.",
			run.trainedFor(), u.Name(cfg.Layers)),
		Cell: cfg.Cell, Layers: cfg.Layers, Sat: run.rep.Saturation,
		Pinned: probe.Unit{Layer: u.Layer, Index: u.Index}, PinnedName: u.Name(cfg.Layers),
	}
}

func (run *exportRun) emergenceData(lr *probe.LabelReport, u probe.Unit) export.EmergenceData {
	flat := run.rec.Flat(u)
	name := u.Name(run.s.cfg.Layers)
	var pts []export.EmergencePoint
	for _, p := range run.probes {
		ur := math.NaN()
		if flat >= 0 && flat < len(p.r) {
			ur = math.Abs(float64(p.r[flat]))
		}
		pts = append(pts, export.EmergencePoint{Chars: p.chars, BestAUC: p.bestAUC, BestR: p.bestR, Readout: p.readout, UnitR: ur})
	}
	d := export.EmergenceData{
		Title: fmt.Sprintf("How units for %q emerge during training", probe.Phrase(lr.Name)),
		Subtitle: fmt.Sprintf("probe every %s on %s held-out characters: the best unit at each probe, the readout of all units (r on held-out characters), and %s",
			plural(run.every, "step", "steps"), group(int64(run.rec.T)), name),
		Caption: run.describe() + ", " + run.trainedFor(),
		Points:  pts, Unit: name,
	}
	if lr.Binary {
		d.Tracks, d.TracksName = probe.TracksAUC, fmt.Sprintf("AUC %.2f: a unit tracks it", probe.TracksAUC)
	} else {
		d.Tracks, d.TracksName = probe.TracksR, fmt.Sprintf("|r| %.2f: a unit tracks it", probe.TracksR)
	}
	return d
}

func (run *exportRun) pageData(label string, u probe.Unit) export.PageData {
	rec, rep := run.rec, run.rep
	layers := rec.Config.Layers
	seen := map[string]bool{}
	var units []export.PageUnit
	addUnit := func(x probe.Unit) {
		n := x.Name(layers)
		if !seen[n] {
			seen[n] = true
			units = append(units, export.PageUnit{Name: n, Values: rec.Series(x)})
		}
	}
	addUnit(u)
	var labels []export.PageLabel
	for _, lr := range rep.Labels {
		pl := export.PageLabel{Name: lr.Name, Phrase: probe.Phrase(lr.Name), Doc: lr.Doc, Verdict: lr.Verdict, Binary: lr.Binary}
		for _, f := range run.win.Labels {
			if f.Name == lr.Name {
				pl.Values = f.Values
			}
		}
		for _, sc := range lr.Top {
			addUnit(sc.Unit)
			pl.Top = append(pl.Top, export.PageScore{Unit: sc.Unit.Name(layers), R: sc.R, AUC: sc.AUC})
		}
		labels = append(labels, pl)
	}
	return export.PageData{
		Title: "What the units track: " + run.describe(),
		Subtitle: fmt.Sprintf("%s held-out characters after %s. Colour: the unit's value (legend above the text); hover a character for its value.",
			group(int64(rec.T)), run.trainedFor()),
		Text: rec.Text, Units: units, Labels: labels, Unit: u.Name(layers), Label: label,
	}
}
