package cli

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
)

// netFlags choose a network's shape. --preset lives here because every command
// with a shape takes it (the live scope, demo, train, probe and gradflow).
type netFlags struct {
	cell       string
	hidden     int
	layers     int
	forgetBias float64
	preset     presetFlag
}

func (f *netFlags) register(c *cobra.Command) {
	f.preset.register(c)
	fs := c.Flags()
	fs.StringVar(&f.cell, "cell", "lstm", "recurrent cell: rnn, lstm or gru")
	fs.IntVar(&f.hidden, "hidden", 128, "hidden units per layer")
	fs.IntVar(&f.layers, "layers", 1, "stacked layers (1 to 3)")
	fs.Float64Var(&f.forgetBias, "forget-bias", 0, "for an LSTM, the forget-gate bias at init (PyTorch: 0)")
}

func (f *netFlags) config(vocab int) (nets.Config, error) {
	cell, err := nets.ParseCell(f.cell)
	if err != nil {
		return nets.Config{}, usageError{err}
	}
	cfg := nets.Config{Cell: cell, Vocab: vocab, Hidden: f.hidden, Layers: f.layers}
	if err := cfg.Validate(); err != nil {
		return cfg, usageError{err}
	}
	return cfg, nil
}

func (f *netFlags) validate() error {
	if err := f.preset.validate(); err != nil {
		return err
	}
	if _, err := f.config(2); err != nil {
		return err
	}
	if math.IsNaN(f.forgetBias) || math.Abs(f.forgetBias) > 20 {
		return usagef("--forget-bias %g: want a number from -20 to 20", f.forgetBias)
	}
	return nil
}

// trainFlags choose how training steps.
type trainFlags struct {
	seq, batch int
	lr, clip   float64
	optimizer  string
	seed       uint64
	float32    bool
}

func (f *trainFlags) register(c *cobra.Command) {
	fs := c.Flags()
	fs.IntVar(&f.seq, "seq", 64, "truncated BPTT length, in characters")
	fs.IntVar(&f.batch, "batch", 16, "parallel streams per step")
	fs.Float64Var(&f.lr, "lr", 0, "learning rate (default: 2e-3 for adam and rmsprop, 0.1 adagrad, 1 sgd)")
	fs.Float64Var(&f.clip, "clip", 5, "clip the gradient norm to this (0: off)")
	fs.StringVar(&f.optimizer, "optimizer", "adam", "adam, rmsprop, adagrad or sgd")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of every random choice: same seed and flags, same run")
	fs.BoolVar(&f.float32, "float32", false, "compute the passes in single precision, about twice as fast (weights, optimiser and checkpoints stay float64)")
}

func (f *trainFlags) config() (nets.TrainConfig, error) {
	opt := strings.ToLower(f.optimizer)
	lr := f.lr
	if lr == 0 {
		lr = nets.DefaultLR(opt)
	}
	tc := nets.TrainConfig{Seq: f.seq, Batch: f.batch, Optimizer: opt, LR: lr, Clip: f.clip, Float32: f.float32}
	if err := tc.Validate(); err != nil {
		return tc, usageError{err}
	}
	return tc, nil
}

// rng is the root of all randomness of a run.
func (f *trainFlags) rng() *rand.Rand {
	return rand.New(rand.NewPCG(f.seed, 0x726e6e73636f7065)) // "rnnscope"
}

// corpusFlags choose the text.
type corpusFlags struct {
	corpus   string
	vocabMax int
	valFrac  float64
	lag      int
}

func (f *corpusFlags) register(c *cobra.Command, def string) {
	fs := c.Flags()
	fs.StringVar(&f.corpus, "corpus", def, "an embedded corpus (see `rnnscope corpora`), a file, a folder, or - for stdin")
	fs.IntVar(&f.vocabMax, "vocab-max", 256, "keep at most this many characters, the rarest become one unknown token")
	fs.Float64Var(&f.valFrac, "val-frac", 0.05, "the share of a file corpus held out at its end for validation")
	fs.IntVar(&f.lag, "lag", 20, "the recall corpus's delay, in characters")
}

func (f *corpusFlags) validate() error {
	switch {
	case f.corpus == "":
		return usagef("--corpus \"\": want an embedded corpus, a file, a folder or -")
	case f.vocabMax < 2 || f.vocabMax > nets.MaxVocab:
		return usagef("--vocab-max %d: want 2 to %d", f.vocabMax, nets.MaxVocab)
	case !(f.valFrac > 0 && f.valFrac <= 0.5):
		return usagef("--val-frac %g: want more than 0 and at most 0.5", f.valFrac)
	case f.lag < 1 || f.lag > 1000:
		return usagef("--lag %d: want 1 to 1000", f.lag)
	}
	return nil
}

// load reads the corpus; vocab, when set, is a checkpoint's vocabulary to encode
// through. minTrain is the fewest training characters the run needs.
func (f *corpusFlags) load(stdio IO, seed uint64, vocab []rune, minTrain int) (*corpora.Corpus, error) {
	opt := corpora.Options{
		VocabMax: f.vocabMax, ValFrac: f.valFrac, Seed: seed, Stdin: stdio.In,
		MinTrain: minTrain, Gen: corpora.GenOptions{Lag: f.lag},
	}
	if vocab != nil {
		opt.Vocab = vocabFrom(vocab)
	}
	return corpora.Load(f.corpus, opt)
}

// vocabFrom rebuilds a corpora.Vocab from a checkpoint's token list.
func vocabFrom(tokens []rune) *corpora.Vocab {
	unk := len(tokens) > 0 && tokens[len(tokens)-1] == '\uFFFD'
	if unk {
		tokens = tokens[:len(tokens)-1]
	}
	return corpora.NewVocab(tokens, unk)
}

// runFlags bound a run.
type runFlags struct {
	steps   int64
	seconds float64
	json    bool
}

func (f *runFlags) register(c *cobra.Command) {
	fs := c.Flags()
	fs.Int64Var(&f.steps, "steps", 0, "stop after this many training steps (0: no limit)")
	fs.Float64Var(&f.seconds, "seconds", 0, "stop after this many seconds (0: no limit)")
	fs.BoolVar(&f.json, "json", false, "write one JSON object per line to stdout")
}

func (f *runFlags) validate() error {
	switch {
	case f.steps < 0:
		return usagef("--steps %d: want 0 (no limit) or more", f.steps)
	case !(f.seconds >= 0) || math.IsInf(f.seconds, 0) || f.seconds > 1e7:
		return usagef("--seconds %g: want 0 (no limit) or a positive number", f.seconds)
	}
	return nil
}

// changed reports whether the user set a flag.
func changed(c *cobra.Command, name string) bool {
	f := c.Flags().Lookup(name)
	return f != nil && f.Changed
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%s %s", group(n), many)
}

// group writes n with thousands separators: 1234567 → "1,234,567".
func group(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// si writes n compactly: 950, 12.3k, 4.56M.
func si(n float64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2fG", n/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2fM", n/1e6)
	case n >= 1e4:
		return fmt.Sprintf("%.1fk", n/1e3)
	}
	return fmt.Sprintf("%.0f", n)
}
