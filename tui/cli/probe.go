package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/tui/export"
)

// probeOpts are the flags of `rnnscope probe`.
type probeOpts struct {
	trainOpts
	labels         string
	top            int
	every          int64
	dump           string
	warmup, scored int
}

func (o *probeOpts) validate(cmd *cobra.Command) error {
	if err := o.trainOpts.validate(); err != nil {
		return err
	}
	if _, err := o.labelList(); err != nil {
		return err
	}
	switch {
	case o.top < 1 || o.top > 100:
		return usagef("--top %d: want 1 to 100", o.top)
	case o.every < 0:
		return usagef("--every %d: want 0 (only at the end) or more steps", o.every)
	case o.warmup < 0 || o.warmup > 100000:
		return usagef("--warmup %d: want 0 to 100000", o.warmup)
	case o.scored < 100 || o.scored > 1000000:
		return usagef("--window %d: want 100 to 1000000", o.scored)
	case o.load == "" && o.run.steps == 0 && o.run.seconds == 0:
		return usagef("probe needs a model: --load FILE, or --steps N / --seconds S to train one first")
	case o.dump != "" && !strings.HasSuffix(o.dump, ".csv") && !strings.HasSuffix(o.dump, ".jsonl"):
		return usagef("--dump %s: want a FILE.csv or FILE.jsonl", o.dump)
	}
	return nil
}

func (o *probeOpts) labelList() ([]string, error) {
	all := corpora.LabelNames()
	if o.labels == "" {
		return all, nil
	}
	var out []string
	for _, l := range strings.Split(o.labels, ",") {
		l = strings.TrimSpace(l)
		if !slices.Contains(all, l) {
			return nil, usagef("--labels %q: want a comma-separated list of %s", o.labels, strings.Join(all, ", "))
		}
		out = append(out, l)
	}
	return out, nil
}

func newProbeCmd(stdio IO) *cobra.Command {
	o := &probeOpts{}
	cmd := &cobra.Command{
		Use:   "probe",
		Short: "Rank hidden units against labels: quote, if, depth, …",
		Long: "Read held-out text through a model, record every unit of h (and c) at every step,\n" +
			"and rank the units against per-character labels: |r|, ROC AUC, sign accuracy (does\n" +
			"the unit literally flip sign?), threshold accuracy, an all-unit readout, and the\n" +
			"AUC of a lookup of the last 3 characters as a baseline. Give --load, or --steps or\n" +
			"--seconds to train first; --every N probes during training (the emergence curve).",
		Example: "  rnnscope probe --steps 1000 --every 200\n" +
			"  rnnscope probe --load m.safetensors --labels quote,depth --top 3\n" +
			"  rnnscope probe --load m.safetensors --dump states.csv",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(cmd); err != nil {
				return err
			}
			return runProbe(cmd.Context(), cmd, stdio, o)
		},
	}
	o.trainOpts.register(cmd)
	fs := cmd.Flags()
	fs.StringVar(&o.labels, "labels", "", "labels to rank against (default: all of "+strings.Join(corpora.LabelNames(), ",")+")")
	fs.IntVar(&o.top, "top", 5, "units to list per label")
	fs.Int64Var(&o.every, "every", 0, "probe every this many training steps, one line each (0: only at the end)")
	fs.StringVar(&o.dump, "dump", "", "write every step's states, characters and labels to FILE.csv or FILE.jsonl")
	fs.IntVar(&o.warmup, "warmup", probe.DefaultWarmup, "held-out characters read before scoring starts")
	fs.IntVar(&o.scored, "window", probe.DefaultScored, "characters of held-out text scored")
	return cmd
}

// trainingSample is how many training characters estimate the 3-character baseline.
const trainingSample = 200_000

// sampleTraining reads the start of the training stream as characters.
func sampleTraining(c *corpora.Corpus, n int) []rune {
	if tl := c.TrainLen(); tl >= 0 {
		n = int(min(int64(n), tl))
	}
	ids := make([]int32, n)
	c.Stream(0, 1, 0).Read(ids)
	out := make([]rune, n)
	for i, id := range ids {
		out[i] = c.Vocab.Rune(id)
	}
	return out
}

func runProbe(ctx context.Context, cmd *cobra.Command, stdio IO, o *probeOpts) error {
	labels, _ := o.labelList()
	s, err := newSession(cmd, stdio, &o.trainOpts)
	if err != nil {
		return err
	}
	s.printNotes(stdio)
	heldIDs, heldText := s.corpus.Held()
	win, err := probe.NewWindow(heldIDs, heldText, o.warmup, o.scored)
	if err != nil {
		return usagef("--corpus %s: %v", o.corpus.corpus, err)
	}
	opt := probe.Options{Labels: labels, Top: o.top,
		Baseline: probe.BaselineFrom(sampleTraining(s.corpus, trainingSample), win)}

	// The same network at initialisation: "the best of 128 random units already
	// scores well above chance".
	p0 := nets.NewParams[float64](s.cfg)
	fb, _ := strconv.ParseFloat(s.meta["forget_bias"], 64)
	nets.Init(s.cfg, p0, o.train.rng(), fb)
	_, initRep := probe.NewProber(s.cfg, p0, s.vocab, win, opt).Probe(nil)

	pr := probe.NewProber(s.cfg, s.trainer.P, s.vocab, win, opt)
	enc := json.NewEncoder(stdio.Out)
	ev := nets.NewEvaluator(s.cfg, s.trainer.P)
	var rec *probe.Recording
	var rep *probe.Report
	once := func() error {
		rec, rep = pr.Probe(nil)
		val := ev.Loss(heldIDs[:min(len(heldIDs), valChars)])
		if o.run.json {
			return enc.Encode(probeRecord("probe", s, rep, initRep, val, 1))
		}
		fmt.Fprintln(stdio.Out, emergenceLine(s, rep, val))
		return nil
	}
	training := o.run.steps > 0 || o.run.seconds > 0
	if training && o.every > 0 {
		if err := once(); err != nil {
			return err
		}
	}
	var res *loopResult
	if training {
		every := o.every
		hook := once
		if every == 0 {
			hook = nil
		}
		if res, err = s.loop(ctx, stdio, &o.trainOpts, false, every, hook); err != nil {
			return err
		}
	}
	if rep == nil || (res != nil && o.every == 0) {
		rec, rep = pr.Probe(nil)
	}
	val := ev.Loss(heldIDs)
	if o.run.json {
		if err := enc.Encode(probeRecord("report", s, rep, initRep, val, o.top)); err != nil {
			return err
		}
	} else {
		writeReport(stdio.Out, s, win, rep, initRep, val)
	}
	if o.dump != "" {
		if err := export.WriteStates(o.dump, rec, win.Labels); err != nil {
			return fmt.Errorf("--dump %s: %w", o.dump, err)
		}
		fmt.Fprintf(stdio.Err, "rnnscope: wrote %s (%s steps × %s units)\n", o.dump, group(int64(rec.T)), group(int64(len(rep.Units))))
	}
	if res != nil {
		return res.finish(stdio, &o.trainOpts)
	}
	return nil
}

// emergenceLine is one --every line: what the probe finds now, per label.
func emergenceLine(s *session, rep *probe.Report, val float64) string {
	parts := []string{fmt.Sprintf("%8s chars  val %.3f bpc", si(float64(s.trainer.Chars)), val/math.Ln2)}
	for _, lr := range rep.Labels {
		best, ok := lr.Best()
		if !ok {
			continue
		}
		p := fmt.Sprintf("%s %s |r| %.2f", lr.Name, best.Unit.Name(rep.Layers), math.Abs(best.R))
		if lr.Binary {
			p += fmt.Sprintf(" AUC %.2f sign %.2f", best.AUC, best.SignAcc)
		}
		p += fmt.Sprintf(" readout %.2f", lr.Readout.R)
		parts = append(parts, p)
	}
	return strings.Join(parts, "  |  ")
}

func f2(x float64) string {
	if math.IsNaN(x) {
		return "  –  "
	}
	return fmt.Sprintf("%5.2f", x)
}

// writeReport prints the full probe report for people.
func writeReport(w io.Writer, s *session, win *probe.Window, rep, initRep *probe.Report, val float64) {
	fmt.Fprintf(w, "probe of %s after %s characters on %s\n", s.cfg, group(s.trainer.Chars), s.corpus.Name)
	fmt.Fprintf(w, "window: %s held-out characters after %s of warm-up; loss there %.3f bits/char; validation %.3f bits/char\n\n",
		group(int64(win.Scored())), group(int64(win.Warmup)), rep.Loss/math.Ln2, val/math.Ln2)
	for i, lr := range rep.Labels {
		head := fmt.Sprintf("%s — %s", lr.Name, probe.Phrase(lr.Name))
		fmt.Fprintln(w, head)
		var facts []string
		if lr.Binary {
			facts = append(facts, fmt.Sprintf("%s of %s characters inside (base rate %s)", group(int64(lr.Positives)), group(int64(lr.N)), pct(lr.BaseRate)))
		}
		if !math.IsNaN(lr.Baseline) {
			m := "AUC"
			if !lr.Binary {
				m = "r"
			}
			facts = append(facts, fmt.Sprintf("last-3-characters lookup %s %.2f", m, lr.Baseline))
		}
		ro := fmt.Sprintf("all units: r %.2f", lr.Readout.R)
		if lr.Binary {
			ro += fmt.Sprintf(", AUC %.2f", lr.Readout.AUC)
		}
		facts = append(facts, ro)
		if ib, ok := initRep.Labels[i].Best(); ok {
			if lr.Binary {
				facts = append(facts, fmt.Sprintf("at init: best AUC %.2f, readout r %.2f", ib.AUC, initRep.Labels[i].Readout.R))
			} else {
				facts = append(facts, fmt.Sprintf("at init: best |r| %.2f, readout r %.2f", math.Abs(ib.R), initRep.Labels[i].Readout.R))
			}
		}
		fmt.Fprintln(w, "  "+strings.Join(facts, "; "))
		if lr.Binary {
			fmt.Fprintln(w, "  unit       r    AUC  sign acc (bal)  thr acc (bal) at θ")
		} else {
			fmt.Fprintln(w, "  unit       r")
		}
		for _, u := range lr.Top {
			line := fmt.Sprintf("  %-7s %s", u.Unit.Name(rep.Layers), f2(u.R))
			if lr.Binary {
				line += fmt.Sprintf("  %s   %s (%s)    %s (%s) at %s", f2(u.AUC), f2(u.SignAcc), f2(u.SignBal),
					f2(u.ThrAcc), f2(u.ThrBal), strings.TrimSpace(f2(u.Threshold)))
				if !math.IsNaN(u.ParenAUC) {
					line += fmt.Sprintf("  in parens AUC %s", strings.TrimSpace(f2(u.ParenAUC)))
				}
				if !math.IsNaN(u.PartialIf) {
					line += fmt.Sprintf("  partial r (depth fixed) %s", strings.TrimSpace(f2(u.PartialIf)))
				}
			}
			fmt.Fprintln(w, line)
		}
		fmt.Fprintln(w, "  → "+lr.Verdict)
		fmt.Fprintln(w)
	}
}

func pct(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) }

// num is a JSON number, or null for NaN.
func num(x float64) any {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return x
}

// probeRecord is one --json object of `rnnscope probe`: "probe" lines carry each
// label's best unit; the final "report" carries the top units.
func probeRecord(event string, s *session, rep, initRep *probe.Report, val float64, top int) map[string]any {
	var labels []map[string]any
	for i, lr := range rep.Labels {
		l := map[string]any{"label": lr.Name, "binary": lr.Binary, "n": lr.N, "base_rate": num(lr.BaseRate),
			"readout_r": num(lr.Readout.R), "readout_auc": num(lr.Readout.AUC), "baseline3": num(lr.Baseline),
			"verdict": lr.Verdict}
		if ib, ok := initRep.Labels[i].Best(); ok {
			l["init_best_r"], l["init_best_auc"], l["init_readout_r"] = num(math.Abs(ib.R)), num(ib.AUC), num(initRep.Labels[i].Readout.R)
		}
		var units []map[string]any
		for _, u := range lr.Top[:min(top, len(lr.Top))] {
			state := "h"
			if u.Unit.Cell {
				state = "c"
			}
			units = append(units, map[string]any{"unit": u.Unit.Name(rep.Layers), "layer": u.Unit.Layer, "state": state,
				"index": u.Unit.Index, "r": num(u.R), "auc": num(u.AUC), "higher": u.Higher,
				"sign_acc": num(u.SignAcc), "sign_bal": num(u.SignBal), "sign_positive": u.SignPos,
				"thr_acc": num(u.ThrAcc), "thr_bal": num(u.ThrBal), "threshold": num(u.Threshold),
				"paren_auc": num(u.ParenAUC), "partial_if": num(u.PartialIf)})
		}
		l["units"] = units
		labels = append(labels, l)
	}
	return map[string]any{"event": event, "step": s.trainer.Steps, "chars": s.trainer.Chars,
		"val_bpc": num(val / math.Ln2), "window_bpc": num(rep.Loss / math.Ln2), "labels": labels}
}
