package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
)

// gradflowWarmup is how many characters of each window only warm up the state
// before the K+1 steps that are measured (the research warmed up with 100).
const gradflowWarmup = 99

// plotWidth is the most columns the human output takes.
const plotWidth = 80

// gradflowOpts are the flags of `rnnscope gradflow`.
type gradflowOpts struct {
	net     netFlags
	train   trainFlags
	corpus  corpusFlags
	run     runFlags
	cells   string
	lags    int
	windows int
}

func newGradflowCmd(stdio IO) *cobra.Command {
	o := &gradflowOpts{}
	cmd := &cobra.Command{
		Use:   "gradflow",
		Short: "How far back gradients reach in rnn, lstm and gru",
		Long: "Measure how much of the gradient of the loss at one step reaches the hidden state\n" +
			"k steps back, ‖∂L_t/∂h_{t−k}‖ / ‖∂L_t/∂h_t‖ for k = 0…--lags, in each cell, on\n" +
			"windows of held-out text (geometric mean over --windows windows). Each cell starts\n" +
			"from the same seed and, with --steps or --seconds, trains first. Plotted on a log\n" +
			"scale, with the largest singular value of W_hh (and the vanilla RNN's spectral\n" +
			"radius). At PyTorch's init all three cells lose the gradient alike; an LSTM with\n" +
			"--forget-bias 1 keeps orders of magnitude more.",
		Example: "  rnnscope gradflow --forget-bias 1\n" +
			"  rnnscope gradflow --cells rnn,lstm --lags 60 --hidden 64\n" +
			"  rnnscope gradflow --steps 200 --json > grads.jsonl",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(cmd); err != nil {
				return err
			}
			return runGradflow(cmd.Context(), cmd, stdio, o)
		},
	}
	o.net.register(cmd)
	o.train.register(cmd)
	o.corpus.register(cmd, "code")
	o.run.register(cmd)
	fs := cmd.Flags()
	fs.StringVar(&o.cells, "cells", "rnn,lstm,gru", "cells to compare, comma-separated: rnn, lstm, gru")
	fs.IntVar(&o.lags, "lags", 100, "measure lags 0 to this many steps back (1 to 1000)")
	fs.IntVar(&o.windows, "windows", 16, "held-out windows averaged over (1 to 256)")
	// --cell names one cell elsewhere; here it is a hidden synonym of --cells.
	_ = fs.MarkHidden("cell")
	fs.Lookup("steps").Usage = "train this many steps before measuring (0: measure at initialisation)"
	fs.Lookup("seconds").Usage = "train this many seconds before measuring, per cell (0: not at all)"
	fs.Lookup("json").Usage = "write one JSON object per cell per line to stdout"
	return cmd
}

func (o *gradflowOpts) validate(cmd *cobra.Command) error {
	if changed(cmd, "cell") {
		if changed(cmd, "cells") {
			return usagef("--cell %s and --cells %s: give one (gradflow compares --cells)", o.net.cell, o.cells)
		}
		if _, err := nets.ParseCell(o.net.cell); err != nil {
			return usageError{err}
		}
		o.cells = o.net.cell
	}
	if _, err := o.cellList(); err != nil {
		return err
	}
	switch {
	case o.lags < 1 || o.lags > 1000:
		return usagef("--lags %d: want 1 to 1000", o.lags)
	case o.windows < 1 || o.windows > 256:
		return usagef("--windows %d: want 1 to 256", o.windows)
	}
	net := o.net
	net.cell = "lstm" // checked above, as --cells
	for _, v := range []func() error{net.validate, o.corpus.validate, o.run.validate} {
		if err := v(); err != nil {
			return err
		}
	}
	_, err := o.train.config()
	return err
}

// cellList parses --cells.
func (o *gradflowOpts) cellList() ([]nets.Cell, error) {
	var cells []nets.Cell
	for _, name := range strings.Split(o.cells, ",") {
		c, err := nets.ParseCell(name)
		if err != nil {
			return nil, usagef("--cells %q: want a comma-separated list of rnn, lstm, gru", o.cells)
		}
		if slices.Contains(cells, c) {
			return nil, usagef("--cells %q: %s is listed twice", o.cells, c)
		}
		cells = append(cells, c)
	}
	return cells, nil
}

// trainOpts are the options of a training session for one cell: no checkpoint,
// no saving, no validation until the end.
func (o *gradflowOpts) trainOpts(c nets.Cell) *trainOpts {
	to := &trainOpts{net: o.net, train: o.train, corpus: o.corpus, run: o.run,
		logEvery: math.MaxInt64, valEvery: math.MaxInt64}
	to.net.cell = c.String()
	return to
}

// gradflowRecord is one --json line of `rnnscope gradflow`. Field names are stable.
type gradflowRecord struct {
	Cell       string    `json:"cell"`
	ForgetBias float64   `json:"forget_bias"` // the LSTM's forget-gate bias at init; 0 for other cells
	Steps      int64     `json:"steps"`       // training steps before measuring
	Lags       []int     `json:"lags"`        // 0 … K
	Ratio      []float64 `json:"ratio"`       // ‖∂L_t/∂h_{t−k}‖ / ‖∂L_t/∂h_t‖ at each lag
	SigmaMax   []float64 `json:"sigma_max"`   // per layer: largest singular value of W_hh
	Radius     []float64 `json:"radius"`      // per layer: spectral radius of W_hh (rnn; null otherwise)
}

// gradflowResult is one cell's measurement.
type gradflowResult struct {
	cfg        nets.Config
	forgetBias float64
	steps      int64
	val        float64 // validation loss after training, nats/char; NaN untrained
	flow       probe.GradFlow
}

func runGradflow(ctx context.Context, cmd *cobra.Command, stdio IO, o *gradflowOpts) error {
	cells, _ := o.cellList()
	enc := json.NewEncoder(stdio.Out)
	training := o.run.steps > 0 || o.run.seconds > 0
	var results []gradflowResult
	var corpusName string
	var stdin []byte // each cell's session reads --corpus - again
	if o.corpus.corpus == "-" {
		var err error
		if stdin, err = io.ReadAll(stdio.In); err != nil {
			return fmt.Errorf("reading standard input: %w", err)
		}
	}
	for i, cell := range cells {
		if ctx.Err() != nil {
			fmt.Fprintln(stdio.Err, "rnnscope: interrupted")
			return errInterrupted
		}
		to := o.trainOpts(cell)
		if stdin != nil {
			stdio.In = bytes.NewReader(stdin)
		}
		s, err := newSession(cmd, stdio, to)
		if err != nil {
			return err
		}
		if i == 0 {
			s.printNotes(stdio)
		}
		corpusName = s.corpus.Name
		held, _ := s.corpus.Held()
		meter := probe.NewGradMeter(s.cfg, o.lags, o.lags+1+gradflowWarmup, o.windows)
		if len(held) < meter.TextLen() {
			return usagef("--corpus %s: %s held-out characters, and --lags %d needs %s (raise --val-frac or lower --lags)",
				o.corpus.corpus, group(int64(len(held))), o.lags, group(int64(meter.TextLen())))
		}
		r := gradflowResult{cfg: s.cfg, val: math.NaN()}
		if cell == nets.LSTM {
			r.forgetBias = o.net.forgetBias
		}
		if training {
			fmt.Fprintf(stdio.Err, "training the %s\n", cell.Title())
			res, err := s.loop(ctx, stdio, to, false, 0, nil)
			if err != nil {
				return err
			}
			if res.interrupted {
				fmt.Fprintln(stdio.Err, "rnnscope: interrupted")
				return errInterrupted
			}
			r.val = res.val
		}
		r.steps = s.trainer.Steps
		r.flow = meter.Measure(s.trainer.P, held).Clone()
		if o.run.json {
			if err := enc.Encode(r.record()); err != nil {
				return err
			}
		}
		results = append(results, r)
	}
	if !o.run.json {
		writeGradflow(stdio.Out, results, corpusName, o, training)
	}
	return nil
}

func (r gradflowResult) record() gradflowRecord {
	lags := make([]int, len(r.flow.Ratio))
	for k := range lags {
		lags[k] = k
	}
	return gradflowRecord{Cell: r.cfg.Cell.String(), ForgetBias: r.forgetBias, Steps: r.steps, Lags: lags,
		Ratio: r.flow.Ratio, SigmaMax: r.flow.SigmaMax, Radius: r.flow.Radius}
}

// cellGlyph marks a cell in the plot; letters survive any terminal and NO_COLOR.
func cellGlyph(c nets.Cell) byte {
	switch c {
	case nets.LSTM:
		return 'L'
	case nets.GRU:
		return 'G'
	}
	return 'r'
}

// writeGradflow prints the plot, a plain-words reading and the spectra.
func writeGradflow(w io.Writer, results []gradflowResult, corpus string, o *gradflowOpts, training bool) {
	cfg := results[0].cfg
	when := fmt.Sprintf("at initialisation (seed %d)", o.train.seed)
	if training {
		when = "after " + duration(time.Duration(o.run.seconds*float64(time.Second))) + " of training"
		if o.run.steps > 0 {
			when = "after " + plural(o.run.steps, "training step", "training steps")
		}
	}
	layers := plural(int64(cfg.Layers), "layer", "layers")
	line := func(s string) { fmt.Fprintln(w, ansi.Truncate(s, plotWidth, "…")) }
	line("How much of the gradient reaches k steps back: ‖∂L_t/∂h_{t−k}‖ / ‖∂L_t/∂h_t‖")
	line(fmt.Sprintf("%s on %s, hidden %d, %s; mean of %s", when, corpus, cfg.Hidden, layers,
		plural(int64(o.windows), "window", "windows")))
	fmt.Fprintln(w)

	curves := make([]curve, len(results))
	var legend []string
	for i, r := range results {
		name := r.cfg.Cell.Title()
		if r.cfg.Cell == nets.LSTM && r.forgetBias != 0 {
			name += fmt.Sprintf(" (forget bias %g)", r.forgetBias)
		}
		curves[i] = curve{glyph: cellGlyph(r.cfg.Cell), ratio: r.flow.Ratio}
		legend = append(legend, fmt.Sprintf("%c %s", curves[i].glyph, name))
	}
	plot, overlap := plotRatios(curves, plotWidth)
	for _, l := range plot {
		fmt.Fprintln(w, l)
	}
	if overlap {
		legend = append(legend, "* several")
	}
	line(strings.Repeat(" ", 2) + strings.Join(legend, "   "))
	fmt.Fprintln(w)
	for _, l := range wrap(reading(results), plotWidth) {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintln(w)

	head := fmt.Sprintf("%-13s", "cell")
	if training {
		head += fmt.Sprintf("%9s %9s", "steps", "val bpc")
	}
	line(head + fmt.Sprintf("  %-18s  %s", "σ_max(W_hh)", "radius(W_hh)"))
	for _, r := range results {
		row := fmt.Sprintf("%-13s", r.cfg.Cell.Title())
		if training {
			row += fmt.Sprintf("%9s %9.3f", group(r.steps), r.val/math.Ln2)
		}
		radius := "–"
		if r.flow.Radius != nil {
			radius = joinFloats(r.flow.Radius)
		}
		line(row + fmt.Sprintf("  %-18s  %s", joinFloats(r.flow.SigmaMax), radius))
	}
	line("σ_max: the most one step back through W_hh can stretch a gradient (one value a")
	line("layer). radius: the vanilla W_hh's factor per step over many steps, tanh aside.")
	if i := slices.IndexFunc(results, func(r gradflowResult) bool { return r.cfg.Cell == nets.LSTM }); i >= 0 &&
		results[i].forgetBias == 0 && !training {
		line("With PyTorch's init the LSTM forgets fast; try --forget-bias 1, or --steps.")
	}
}

func joinFloats(x []float64) string {
	parts := make([]string, len(x))
	for i, v := range x {
		parts[i] = strconv.FormatFloat(v, 'f', 3, 64)
	}
	return strings.Join(parts, " ")
}

// reading says in plain words what the plot shows at lag 50 (or the last lag),
// the cell that keeps the most first.
func reading(results []gradflowResult) string {
	k := min(50, len(results[0].flow.Ratio)-1)
	order := make([]int, len(results))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ra, rb := results[a].flow.Ratio[k], results[b].flow.Ratio[k]
		switch {
		case ra > rb:
			return -1
		case ra < rb:
			return 1
		}
		return 0
	})
	var b strings.Builder
	fmt.Fprintf(&b, "At lag %d ", k)
	for n, i := range order {
		r := results[i].flow.Ratio[k]
		switch {
		case n == 0 && r <= 1:
			fmt.Fprintf(&b, "the %s keeps %s of the gradient", results[i].cfg.Cell.Title(), sci(r))
		case n == 0:
			fmt.Fprintf(&b, "the %s has %s× the gradient", results[i].cfg.Cell.Title(), sci(r))
		default:
			fmt.Fprintf(&b, ", the %s %s", results[i].cfg.Cell.Title(), sci(r))
		}
	}
	b.WriteString(".")
	return b.String()
}

// wrap breaks s into lines of at most width columns, at spaces.
func wrap(s string, width int) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = word
		case ansi.StringWidth(cur)+1+ansi.StringWidth(word) <= width:
			cur += " " + word
		default:
			lines = append(lines, cur)
			cur = word
		}
	}
	return append(lines, cur)
}

// sci writes a ratio briefly: 0.36, 2.1e-3, 4.0e-25.
func sci(x float64) string {
	if x >= 0.01 && x < 100 {
		return strconv.FormatFloat(x, 'g', 2, 64)
	}
	s := strconv.FormatFloat(x, 'e', 1, 64) // 2.1e-03
	mant, exp, _ := strings.Cut(s, "e")
	e, _ := strconv.Atoi(exp)
	return mant + "e" + strconv.Itoa(e)
}

// curve is one cell's ratios, drawn with its glyph.
type curve struct {
	glyph byte
	ratio []float64 // [K+1], all > 0
}

// roundUp returns the first of the increasing numbers nice that is at least n, or
// the last.
func roundUp(nice []int, n int) int {
	for _, v := range nice {
		if v >= n {
			return v
		}
	}
	return nice[len(nice)-1]
}

// maxPlotRows bounds the plot's height; more decades share a row.
const maxPlotRows = 16

// plotRatios draws each curve's ratio against lag on a log scale within width
// columns and at most maxPlotRows rows: the y axis in decades from the largest
// ratio (at least 1) down to the smallest, the x axis lags 0…K. Where curves meet, "*" is drawn and overlap is set.
func plotRatios(curves []curve, width int) (lines []string, overlap bool) {
	K := len(curves[0].ratio) - 1
	lo, hi := math.Inf(1), 1.0
	for _, c := range curves {
		for _, r := range c.ratio {
			lo, hi = min(lo, r), max(hi, r)
		}
	}
	topE := int(math.Ceil(math.Log10(hi) - 1e-9))
	botE := int(math.Floor(math.Log10(lo) + 1e-9))
	if botE >= topE {
		botE = topE - 1
	}
	// Rows: p rows per decade when the decades are few, or one row per q decades,
	// q a round number so that the labels are.
	nice := []int{1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000}
	span := topE - botE
	p, q := 1, 1
	if span <= (maxPlotRows-1)/2 {
		p = min(4, (maxPlotRows-1)/span)
	} else {
		q = roundUp(nice, (span+maxPlotRows-2)/(maxPlotRows-1))
	}
	rowOf := func(r float64) int {
		return int(math.Round((float64(topE) - math.Log10(r)) * float64(p) / float64(q)))
	}
	rows := max(rowOf(lo), 1) + 1 // down to the row of the smallest ratio
	label := func(row int) string {
		if row%p != 0 {
			return ""
		}
		switch e := topE - row/p*q; e {
		case 0:
			return "1"
		case 1:
			return "10"
		default:
			return "1e" + strconv.Itoa(e)
		}
	}
	lw := 0
	for i := range rows {
		lw = max(lw, len(label(i)))
	}

	// Columns: m columns per lag when the lags are few, or one column per s lags,
	// s a round number so that the ticks fall on columns.
	pc := width - lw - 2 // label, axis, and a column to spare
	m, s := 1, 1
	if K <= pc-1 {
		m = min(6, (pc-1)/K)
	} else {
		s = roundUp(nice, (K+pc-2)/(pc-1))
	}
	ncols := K*m + 1
	if s > 1 {
		ncols = (K+s-1)/s + 1
	}
	lagAt := func(c int) int { // the lag drawn in column c, or −1
		if m > 1 {
			if c%m != 0 {
				return -1
			}
			return c / m
		}
		return min(c*s, K)
	}
	grid := make([][]byte, rows)
	for i := range grid {
		grid[i] = []byte(strings.Repeat(" ", ncols))
	}
	for _, cv := range curves {
		for c := range ncols {
			k := lagAt(c)
			if k < 0 {
				continue
			}
			row := min(max(rowOf(cv.ratio[k]), 0), rows-1)
			switch grid[row][c] {
			case ' ', cv.glyph:
				grid[row][c] = cv.glyph
			default:
				grid[row][c] = '*'
				overlap = true
			}
		}
	}
	for i, g := range grid {
		axis := "┤"
		if label(i) == "" {
			axis = "│"
		}
		lines = append(lines, fmt.Sprintf("%*s%s%s", lw, label(i), axis, strings.TrimRight(string(g), " ")))
	}

	// The x axis: a tick every step lags, labelled where the labels fit.
	colOf := func(k int) int {
		if m > 1 {
			return k * m
		}
		return (k + s - 1) / s
	}
	step := nice[len(nice)-1]
	for _, st := range nice {
		if st%s == 0 && colOf(st) >= len(strconv.Itoa(K))+2 {
			step = st
			break
		}
	}
	axis := []rune(strings.Repeat("─", ncols))
	ticks := []byte(strings.Repeat(" ", ncols+lw+8))
	for k := 0; k <= K; k += step {
		c := colOf(k)
		axis[c] = '┬'
		copy(ticks[lw+1+c:], strconv.Itoa(k))
	}
	lines = append(lines, strings.Repeat(" ", lw)+"└"+string(axis))
	xl := strings.TrimRight(string(ticks), " ")
	if title := "lag k"; len(xl)+3+len(title) <= width {
		xl += "   " + title
	}
	lines = append(lines, xl)
	return lines, overlap
}
