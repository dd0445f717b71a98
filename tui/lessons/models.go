package lessons

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/nets/safetensors"
	"github.com/rnnscope/rnnscope/probe"
)

// The pretrained models the lessons jump ahead to. Each was trained by rnnscope
// itself (tools/pretrain.sh has the exact commands) and stored as F32 weights
// without optimiser state by internal/tof32. embed.FS is read-only, so this is
// not mutable package state.
//
//go:embed models/*.safetensors
var modelFiles embed.FS

// Embedded model files.
const (
	modelQuotes = "models/quotes-lstm128.safetensors" // lessons 5, 7, 9: the quote unit
	modelCode   = "models/code-lstm128.safetensors"   // lesson 5: string, depth and if units
	modelGRU    = "models/quotes-gru128.safetensors"  // lesson 8
	modelRNN    = "models/code-rnn128.safetensors"    // lessons 6 and 9: a trained vanilla RNN
)

// pretrained is an embedded checkpoint with what it was trained on.
type pretrained struct {
	File   string
	Ck     *nets.Checkpoint
	Corpus string // the embedded corpus it was trained on
	Seed   uint64 // its --seed: also the seed of the corpus's held-out text
}

// loadPretrained decodes an embedded checkpoint with the same checks nets.Load
// makes (format, shape metadata, every tensor's name, shape and dtype, finite
// values).
func loadPretrained(file string) (*pretrained, error) {
	b, err := modelFiles.ReadFile(file)
	if err != nil {
		return nil, err
	}
	f, err := safetensors.Decode(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	ck, err := checkpointOf(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	seed, err := strconv.ParseUint(ck.Meta["seed"], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%s: metadata seed %q: %w", file, ck.Meta["seed"], err)
	}
	return &pretrained{File: file, Ck: ck, Corpus: ck.Meta["corpus"], Seed: seed}, nil
}

// mustPretrained is loadPretrained for the files this package embeds: a failure
// is a build mistake, caught by the tests.
func mustPretrained(file string) *pretrained {
	p, err := loadPretrained(file)
	if err != nil {
		panic("lessons: " + err.Error())
	}
	return p
}

// checkpointOf reads the weights of an rnnscope checkpoint (F32 or F64).
func checkpointOf(f *safetensors.File) (*nets.Checkpoint, error) {
	meta := f.Meta
	if meta["format"] != nets.Format {
		return nil, fmt.Errorf("format %q: want %q", meta["format"], nets.Format)
	}
	var cfg nets.Config
	var err error
	if cfg.Cell, err = nets.ParseCell(meta["cell"]); err != nil {
		return nil, err
	}
	if cfg.Hidden, err = strconv.Atoi(meta["hidden"]); err != nil {
		return nil, fmt.Errorf("metadata hidden %q", meta["hidden"])
	}
	if cfg.Layers, err = strconv.Atoi(meta["layers"]); err != nil {
		return nil, fmt.Errorf("metadata layers %q", meta["layers"])
	}
	var voc []string
	if err := json.Unmarshal([]byte(meta["vocab"]), &voc); err != nil {
		return nil, fmt.Errorf("metadata vocab: %v", err)
	}
	ck := &nets.Checkpoint{Vocab: make([]rune, len(voc)), Meta: map[string]string{}}
	for i, s := range voc {
		r, n := utf8.DecodeRuneInString(s)
		if n == 0 || n != len(s) {
			return nil, fmt.Errorf("metadata vocab token %d is %q: want one character", i, s)
		}
		ck.Vocab[i] = r
	}
	cfg.Vocab = len(voc)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ck.Config = cfg
	for k, v := range meta {
		ck.Meta[k] = v
	}
	ck.Steps, _ = strconv.ParseInt(meta["step"], 10, 64)
	ck.Chars, _ = strconv.ParseInt(meta["chars"], 10, 64)
	ck.Params = nets.NewParams[float64](cfg)
	for _, t := range cfg.Tensors() {
		ts, ok := f.Tensor(t.Name)
		switch {
		case !ok:
			return nil, fmt.Errorf("%s is missing", t.Name)
		case !slices.Equal(ts.Shape, t.Shape):
			return nil, fmt.Errorf("%s is %v, want %v", t.Name, ts.Shape, t.Shape)
		case ts.DType != safetensors.F32 && ts.DType != safetensors.F64:
			return nil, fmt.Errorf("%s is %s: want F32 or F64", t.Name, ts.DType)
		}
		for _, v := range ts.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s holds %v", t.Name, v)
			}
		}
		copy(ck.Params.Mem[t.Offset:t.Offset+t.Size()], ts.Data)
	}
	if len(f.Tensors) != len(cfg.Tensors()) {
		return nil, fmt.Errorf("%d tensors for a %s: want only its %d parameters", len(f.Tensors), cfg, len(cfg.Tensors()))
	}
	return ck, nil
}

// heldWindow is the probe window rnnscope itself uses for a corpus and seed: the
// held-out text's first 200 characters of warm-up (stretched to a line break),
// then 5,000 scored.
func heldWindow(corpus string, seed uint64, vocab []rune) (*probe.Window, *corpora.Corpus, error) {
	c, err := corpora.Load(corpus, corpora.Options{Seed: seed})
	if err != nil {
		return nil, nil, err
	}
	if !slices.Equal(c.Vocab.Runes(), vocab) {
		return nil, nil, fmt.Errorf("the %s corpus's vocabulary is not the model's", corpus)
	}
	ids, text := c.Held()
	w, err := probe.NewWindow(ids, text, probe.DefaultWarmup, probe.DefaultScored)
	return w, c, err
}

// probeLabels are the labels the lessons probe each corpus for: the verdicts of
// "quote" and "if" consult "paren" and "depth".
func probeLabels(corpus string) []string {
	if corpus == "code" {
		return []string{"quote", "if", "depth", "paren"}
	}
	return []string{"quote"}
}

// baselineSample is how many training characters estimate the 3-character lookup,
// as `rnnscope probe` does.
const baselineSample = 200_000

// fullProbe runs rnnscope's whole probe on an embedded model over its held-out
// window, as `rnnscope probe --load` does. It takes about a second.
func fullProbe(m *pretrained) (*probe.Report, *probe.Window, error) {
	w, c, err := heldWindow(m.Corpus, m.Seed, m.Ck.Vocab)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int32, baselineSample)
	c.Stream(0, 1, 0).Read(ids)
	train := make([]rune, len(ids))
	for i, id := range ids {
		train[i] = c.Vocab.Rune(id)
	}
	opt := probe.Options{Labels: probeLabels(m.Corpus), Baseline: probe.BaselineFrom(train, w)}
	_, rep := probe.NewProber(m.Ck.Config, m.Ck.Params, m.Ck.Vocab, w, opt).Probe(nil)
	return rep, w, nil
}
