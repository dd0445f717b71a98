package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
)

// trainOpts are every flag a training run reads.
type trainOpts struct {
	net    netFlags
	train  trainFlags
	corpus corpusFlags
	run    runFlags

	load, save                    string
	saveEvery, logEvery, valEvery int64
}

func (o *trainOpts) register(c *cobra.Command) {
	o.net.register(c)
	o.train.register(c)
	o.corpus.register(c, "code")
	o.run.register(c)
	fs := c.Flags()
	fs.StringVar(&o.load, "load", "", "start from this checkpoint (.safetensors), resuming its training state")
	fs.StringVar(&o.save, "save", "", "save a checkpoint here at the end, on Ctrl-C, and every --save-every steps")
	fs.Int64Var(&o.saveEvery, "save-every", 0, "also save every this many steps (0: only at the end)")
	fs.Int64Var(&o.logEvery, "log-every", 100, "write a --json progress line every this many steps")
	fs.Int64Var(&o.valEvery, "val-every", 500, "measure validation loss every this many steps")
}

func (o *trainOpts) validate() error {
	for _, v := range []func() error{o.net.validate, o.corpus.validate, o.run.validate} {
		if err := v(); err != nil {
			return err
		}
	}
	if _, err := o.train.config(); err != nil {
		return err
	}
	switch {
	case o.saveEvery < 0:
		return usagef("--save-every %d: want 0 (off) or more", o.saveEvery)
	case o.saveEvery > 0 && o.save == "":
		return usagef("--save-every %d: needs --save FILE", o.saveEvery)
	case o.logEvery < 1:
		return usagef("--log-every %d: want 1 or more", o.logEvery)
	case o.valEvery < 1:
		return usagef("--val-every %d: want 1 or more", o.valEvery)
	}
	return nil
}

// session is a network set up for training: from a checkpoint or from scratch, on
// its corpus, with a trainer positioned where it left off.
type session struct {
	cfg     nets.Config
	corpus  *corpora.Corpus
	vocab   []rune
	trainer *nets.Trainer
	meta    map[string]string
	notes   []string // what a resume could not restore
}

// newSession validates nothing itself: flags are checked before it runs.
func newSession(cmd *cobra.Command, stdio IO, o *trainOpts) (*session, error) {
	tc, _ := o.train.config()
	rng := o.train.rng()
	var ck *nets.Checkpoint
	if o.load != "" {
		var err error
		if ck, err = nets.Load(o.load); err != nil {
			return nil, usagef("--load %s: %v", o.load, err)
		}
		if err := checkConflicts(cmd, o, ck.Config); err != nil {
			return nil, err
		}
	}
	var ckVocab []rune
	if ck != nil {
		ckVocab = ck.Vocab
	}
	corpus, err := o.corpus.load(stdio, o.train.seed, ckVocab, tc.Seq*tc.Batch+1)
	if err != nil {
		return nil, err
	}
	s := &session{corpus: corpus, vocab: corpus.Vocab.Runes()}
	var p *nets.Params[float64]
	if ck != nil {
		s.cfg, p = ck.Config, ck.Params
	} else {
		if s.cfg, err = o.net.config(corpus.Vocab.Size()); err != nil {
			return nil, err
		}
		p = nets.NewParams[float64](s.cfg)
		nets.Init(s.cfg, p, rng, o.net.forgetBias)
	}
	s.meta = map[string]string{
		"corpus": o.corpus.corpus, "seed": strconv.FormatUint(o.train.seed, 10),
		"seq": strconv.Itoa(tc.Seq), "batch": strconv.Itoa(tc.Batch), "clip": fmt.Sprint(tc.Clip),
		"forget_bias": fmt.Sprint(o.net.forgetBias), "vocab_max": strconv.Itoa(o.corpus.vocabMax),
		"val_frac": fmt.Sprint(o.corpus.valFrac), "lag": strconv.Itoa(o.corpus.lag),
	}
	if ck != nil && ck.Meta["forget_bias"] != "" {
		s.meta["forget_bias"] = ck.Meta["forget_bias"]
	}
	streams := make([]nets.Stream, tc.Batch)
	read := make([]int64, tc.Batch)
	sameStreams := ck != nil && len(ck.Offsets) == tc.Batch && ck.Meta["corpus"] == o.corpus.corpus &&
		ck.Meta["seed"] == s.meta["seed"]
	for b := range streams {
		if sameStreams && ck.Offsets[b] > 0 {
			read[b] = ck.Offsets[b] - 1 // read the carry token again
		}
		streams[b] = corpus.Stream(b, tc.Batch, read[b])
	}
	if s.trainer, err = nets.NewTrainer(s.cfg, p, tc, streams); err != nil {
		return nil, usageError{err}
	}
	if err := s.trainer.SetStreams(streams, read); err != nil {
		return nil, err
	}
	if ck != nil {
		s.notes = s.trainer.Resume(ck)
		if !sameStreams {
			s.notes = append(s.notes, "different corpus, seed or batch: the text streams start from the beginning")
		}
	}
	return s, nil
}

// checkConflicts refuses shape flags that contradict a loaded checkpoint.
func checkConflicts(cmd *cobra.Command, o *trainOpts, cfg nets.Config) error {
	if changed(cmd, "cell") {
		if c, err := nets.ParseCell(o.net.cell); err == nil && c != cfg.Cell {
			return usagef("--cell %s: the checkpoint %s is an %s", o.net.cell, o.load, cfg.Cell)
		}
	}
	if changed(cmd, "hidden") && o.net.hidden != cfg.Hidden {
		return usagef("--hidden %d: the checkpoint %s has %d", o.net.hidden, o.load, cfg.Hidden)
	}
	if changed(cmd, "layers") && o.net.layers != cfg.Layers {
		return usagef("--layers %d: the checkpoint %s has %d", o.net.layers, o.load, cfg.Layers)
	}
	return nil
}

func (s *session) checkpoint() *nets.Checkpoint { return s.trainer.Checkpoint(s.vocab, s.meta) }

// trainRecord is one --json line of `rnnscope train`. Field names are stable.
type trainRecord struct {
	Event      string   `json:"event"` // "progress" or "done"
	Step       int64    `json:"step"`
	Chars      int64    `json:"chars"`
	Loss       float64  `json:"loss"` // mean train loss since the previous record, nats/char
	BPC        float64  `json:"bpc"`  // the same in bits/char
	ValLoss    *float64 `json:"val_loss,omitempty"`
	ValBPC     *float64 `json:"val_bpc,omitempty"`
	ClipEvents int64    `json:"clip_events"`
	CharsPerS  float64  `json:"chars_per_s"`
	ElapsedS   float64  `json:"elapsed_s"`
	Saved      string   `json:"saved,omitempty"`
}

// valChars is how much held-out text the periodic validation reads; the final one
// reads all of it.
const valChars = 10000

func newTrainCmd(stdio IO) *cobra.Command {
	o := &trainOpts{}
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train headless: progress on stderr, results on stdout",
		Long: "Train a network without the TUI, for --steps or --seconds (or until Ctrl-C, which\n" +
			"saves when --save is given). Progress goes to stderr; --json writes one object per\n" +
			"line to stdout. A loss that turns NaN stops the run and saves nothing.",
		Example: "  rnnscope train --cell lstm --seconds 60 --save m.safetensors\n" +
			"  rnnscope train --load m.safetensors --steps 500 --save m.safetensors\n" +
			"  rnnscope train --cell gru --corpus notes.txt --steps 2000 --json > log.jsonl",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			return runTrain(cmd.Context(), cmd, stdio, o)
		},
	}
	o.register(cmd)
	return cmd
}

func runTrain(ctx context.Context, cmd *cobra.Command, stdio IO, o *trainOpts) error {
	s, err := newSession(cmd, stdio, o)
	if err != nil {
		return err
	}
	s.printNotes(stdio)
	res, err := s.loop(ctx, stdio, o, o.run.json, 0, nil)
	if err != nil {
		return err
	}
	tr := s.trainer
	r := res.record("done")
	if o.run.json {
		if err := json.NewEncoder(stdio.Out).Encode(r); err != nil {
			return err
		}
	} else {
		w := stdio.Out
		fmt.Fprintf(w, "trained %s on %s: %s, %s characters in %s (%s chars/s)\n",
			s.cfg, s.corpus.Name, plural(tr.Steps-res.startSteps, "step", "steps"), si(float64(tr.Chars-res.startChars)),
			duration(res.elapsed), si(r.CharsPerS))
		if n := len(res.recent); n > 0 {
			l := res.recentMean()
			fmt.Fprintf(w, "train loss %.4f nats/char (%.4f bits/char), mean of the last %s\n", l, l/math.Ln2, plural(int64(n), "step", "steps"))
		}
		fmt.Fprintf(w, "validation %.4f nats/char (%.4f bits/char) on %s held-out characters\n",
			res.val, res.val/math.Ln2, group(int64(res.heldLen)))
		if tr.ClipEvents > 0 {
			fmt.Fprintf(w, "gradient clipped on %s of %s\n", plural(tr.ClipEvents, "step", "steps"), plural(tr.Steps, "step", "steps"))
		}
		if res.saved != "" {
			fmt.Fprintf(w, "saved %s (step %s)\n", res.saved, group(tr.Steps))
		}
	}
	return res.finish(stdio, o)
}

func (s *session) printNotes(stdio IO) {
	for _, n := range s.notes {
		fmt.Fprintln(stdio.Err, "rnnscope: note: "+n)
	}
	if s.corpus.Skipped > 0 {
		fmt.Fprintf(stdio.Err, "rnnscope: note: skipped %s in %s\n", plural(int64(s.corpus.Skipped), "file", "files"), s.corpus.Name)
	}
}

// loopResult is how a training loop ended.
type loopResult struct {
	s                      *session
	interrupted            bool
	startSteps, startChars int64
	elapsed                time.Duration
	recent                 []float64 // the last losses, for the summary
	val                    float64   // final validation loss on all held-out text, nats/char
	heldLen                int
	saved                  string
}

func (r *loopResult) recentMean() float64 {
	t := 0.0
	for _, v := range r.recent {
		t += v
	}
	return t / float64(len(r.recent))
}

func (r *loopResult) record(event string) trainRecord {
	tr := r.s.trainer
	rec := trainRecord{Event: event, Step: tr.Steps, Chars: tr.Chars, ClipEvents: tr.ClipEvents,
		ElapsedS: r.elapsed.Seconds(), Saved: r.saved}
	if len(r.recent) > 0 {
		rec.Loss = r.recentMean()
		rec.BPC = rec.Loss / math.Ln2
	}
	if r.elapsed > 0 {
		rec.CharsPerS = float64(tr.Chars-r.startChars) / r.elapsed.Seconds()
	}
	if !math.IsNaN(r.val) {
		v, b := r.val, r.val/math.Ln2
		rec.ValLoss, rec.ValBPC = &v, &b
	}
	return rec
}

// finish reports an interruption (exit status 130) after the results are out.
func (r *loopResult) finish(stdio IO, o *trainOpts) error {
	if !r.interrupted {
		return nil
	}
	if o.save == "" {
		fmt.Fprintln(stdio.Err, "rnnscope: interrupted (nothing saved: no --save)")
	} else {
		fmt.Fprintln(stdio.Err, "rnnscope: interrupted; saved "+o.save)
	}
	return errInterrupted
}

// loop trains until --steps, --seconds or Ctrl-C, with progress on stderr, --json
// progress records when records is set, validation every --val-every steps,
// saves every --save-every steps and at the end. every > 0 calls hook after every
// that many steps (and once more at the end if the last step was not one).
func (s *session) loop(ctx context.Context, stdio IO, o *trainOpts, records bool, every int64, hook func() error) (*loopResult, error) {
	tr := s.trainer
	ev := nets.NewEvaluator(s.cfg, tr.P)
	heldIDs, _ := s.corpus.Held()
	valLoss := func(n int) float64 {
		if n > 0 && len(heldIDs) > n {
			return ev.Loss(heldIDs[:n])
		}
		return ev.Loss(heldIDs)
	}
	save := func() error {
		if o.save == "" {
			return nil
		}
		if err := nets.Save(o.save, s.checkpoint()); err != nil {
			return fmt.Errorf("saving %s: %w", o.save, err)
		}
		return nil
	}
	res := &loopResult{s: s, startSteps: tr.Steps, startChars: tr.Chars, heldLen: len(heldIDs),
		recent: make([]float64, 0, 100), val: math.NaN()}
	m := newMeter(stdio)
	enc := json.NewEncoder(stdio.Out)
	start := time.Now()
	var deadline time.Time
	if o.run.seconds > 0 {
		deadline = start.Add(time.Duration(o.run.seconds * float64(time.Second)))
	}
	var sumLoss float64 // since the last --json record
	var nLoss int64
	lastVal := math.NaN()
	frac := func() float64 {
		f := -1.0
		if o.run.steps > 0 {
			f = float64(tr.Steps-res.startSteps) / float64(o.run.steps)
		}
		if !deadline.IsZero() {
			f = max(f, time.Since(start).Seconds()/o.run.seconds)
		}
		return f
	}
	status := func() string {
		el := time.Since(start)
		rate := float64(tr.Chars-res.startChars) / max(el.Seconds(), 1e-9)
		loss := ""
		if nLoss > 0 {
			loss = fmt.Sprintf("loss %.3f", sumLoss/float64(nLoss))
		}
		val := ""
		if !math.IsNaN(lastVal) {
			val = fmt.Sprintf("val %.3f bpc", lastVal/math.Ln2)
		}
		eta := ""
		if f := frac(); f > 0.01 && f < 1 {
			eta = "ETA " + duration(time.Duration(float64(el)*(1-f)/f))
		}
		return sentence(fmt.Sprintf("step %s", group(tr.Steps)), si(rate)+" chars/s", loss, val, eta)
	}
	hooked := int64(-1)
	m.show(frac(), status(), true)
	for {
		if o.run.steps > 0 && tr.Steps-res.startSteps >= o.run.steps {
			break
		}
		if !deadline.IsZero() && !time.Now().Before(deadline) {
			break
		}
		if ctx.Err() != nil {
			res.interrupted = true
			break
		}
		st := tr.Step()
		if st.Bad {
			m.done()
			what := "NaN"
			if math.IsInf(st.Loss, 0) || math.IsInf(st.GradNorm, 0) {
				what = "infinite"
			}
			return nil, fmt.Errorf("loss became %s at step %d (--lr %g): stopped without saving, so any earlier checkpoint is untouched; try a lower --lr or a --clip",
				what, tr.Steps+1, tr.Opt.LR)
		}
		sumLoss += st.Loss
		nLoss++
		if len(res.recent) == cap(res.recent) {
			res.recent = append(res.recent[:0], res.recent[1:]...)
		}
		res.recent = append(res.recent, st.Loss)
		if tr.Steps%o.valEvery == 0 {
			lastVal = valLoss(valChars)
		}
		saved := ""
		if o.saveEvery > 0 && tr.Steps%o.saveEvery == 0 {
			if err := save(); err != nil {
				m.done()
				return nil, err
			}
			saved = o.save
		}
		if records && tr.Steps%o.logEvery == 0 {
			res.elapsed = time.Since(start)
			r := res.record("progress")
			r.Saved = saved
			r.Loss, r.BPC = sumLoss/float64(nLoss), sumLoss/float64(nLoss)/math.Ln2
			r.ValLoss, r.ValBPC = nil, nil
			if !math.IsNaN(lastVal) {
				v, b := lastVal, lastVal/math.Ln2
				r.ValLoss, r.ValBPC = &v, &b
			}
			if err := enc.Encode(r); err != nil {
				return nil, err
			}
			sumLoss, nLoss = 0, 0
		}
		if every > 0 && (tr.Steps-res.startSteps)%every == 0 {
			m.done()
			if err := hook(); err != nil {
				return nil, err
			}
			hooked = tr.Steps
		}
		m.show(frac(), status(), false)
	}
	m.done()
	res.elapsed = time.Since(start)
	if every > 0 && hooked != tr.Steps {
		if err := hook(); err != nil {
			return nil, err
		}
	}
	res.val = valLoss(0)
	if o.save != "" {
		if err := save(); err != nil {
			return nil, err
		}
		res.saved = o.save
	}
	return res, nil
}
