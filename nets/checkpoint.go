package nets

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rnnscope/rnnscope/nets/safetensors"
)

// Format is the checkpoint format tag in the safetensors metadata.
const Format = "rnnscope/1"

// Checkpoint is everything a .safetensors checkpoint holds: the network, its
// vocabulary, and optionally what resuming training needs (the optimiser's
// moments, the carried state and the stream positions).
type Checkpoint struct {
	Config Config
	Vocab  []rune // token of each id; the unknown token is U+FFFD
	Params *Params[float64]

	// Training state; zero or nil when the file has none.
	Steps, Chars, ClipEvents int64
	Offsets                  []int64         // tokens read by each batch row
	Optim                    *Optim          // moments under optim.<slab>.<tensor>
	State                    *State[float64] // carried state under optim.state.{h,c}_l<k>

	// Meta holds further strings (corpus, seed, flags) the command line records.
	Meta map[string]string
}

// metadata keys the checkpoint itself owns.
var ownKeys = []string{"format", "cell", "hidden", "layers", "vocab", "step", "chars",
	"clip_events", "offsets", "optimizer", "lr", "optim_step"}

// Save writes ck atomically: a temporary file in the same folder, fsynced, then
// renamed over path. An existing file at path survives any failure.
func Save(path string, ck *Checkpoint) error {
	cfg := ck.Config
	if len(ck.Vocab) != cfg.Vocab {
		return fmt.Errorf("vocabulary of %d tokens for a network of %d", len(ck.Vocab), cfg.Vocab)
	}
	meta := map[string]string{}
	for k, v := range ck.Meta {
		meta[k] = v
	}
	voc := make([]string, len(ck.Vocab))
	for i, r := range ck.Vocab {
		voc[i] = string(r)
	}
	vj, err := json.Marshal(voc)
	if err != nil {
		return err
	}
	meta["format"] = Format
	meta["cell"] = cfg.Cell.String()
	meta["hidden"] = strconv.Itoa(cfg.Hidden)
	meta["layers"] = strconv.Itoa(cfg.Layers)
	meta["vocab"] = string(vj)
	meta["step"] = strconv.FormatInt(ck.Steps, 10)
	meta["chars"] = strconv.FormatInt(ck.Chars, 10)
	meta["clip_events"] = strconv.FormatInt(ck.ClipEvents, 10)
	if ck.Offsets != nil {
		oj, _ := json.Marshal(ck.Offsets)
		meta["offsets"] = string(oj)
	}
	var ts []safetensors.Tensor
	params := cfg.Tensors()
	for _, t := range params {
		ts = append(ts, safetensors.Tensor{Name: t.Name, Shape: t.Shape, Data: ck.Params.Mem[t.Offset : t.Offset+t.Size()]})
	}
	if o := ck.Optim; o != nil {
		meta["optimizer"] = o.Name
		meta["lr"] = strconv.FormatFloat(o.LR, 'g', -1, 64)
		meta["optim_step"] = strconv.FormatInt(o.T, 10)
		slabs := o.Slabs()
		for _, name := range slices.Sorted(maps.Keys(slabs)) {
			for _, t := range params {
				ts = append(ts, safetensors.Tensor{Name: "optim." + name + "." + t.Name, Shape: t.Shape,
					Data: slabs[name][t.Offset : t.Offset+t.Size()]})
			}
		}
	}
	if s := ck.State; s != nil {
		b := len(s.H[0]) / cfg.Hidden
		for l := range s.H {
			ts = append(ts, safetensors.Tensor{Name: fmt.Sprintf("optim.state.h_l%d", l), Shape: []int{b, cfg.Hidden}, Data: s.H[l]})
		}
		for l := range s.C {
			ts = append(ts, safetensors.Tensor{Name: fmt.Sprintf("optim.state.c_l%d", l), Shape: []int{b, cfg.Hidden}, Data: s.C[l]})
		}
	}
	return safetensors.WriteFile(path, ts, meta)
}

// Load reads and checks a checkpoint: the format tag, the shape metadata, every
// tensor's name, shape and dtype (F64 or F32), and that no value is NaN or
// infinite. Errors say what is wrong in one line.
func Load(path string) (*Checkpoint, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return fromFile(f)
}

func fromFile(f *safetensors.File) (*Checkpoint, error) {
	meta := f.Meta
	if meta == nil {
		return nil, errors.New("no __metadata__: not an rnnscope checkpoint")
	}
	if meta["format"] != Format {
		if meta["format"] == "" {
			return nil, fmt.Errorf("metadata has no format: not an rnnscope checkpoint (want format %q)", Format)
		}
		return nil, fmt.Errorf("format %q: want %q", meta["format"], Format)
	}
	var cfg Config
	var err error
	if cfg.Cell, err = ParseCell(meta["cell"]); err != nil {
		return nil, fmt.Errorf("metadata cell %q: want rnn, lstm or gru", meta["cell"])
	}
	if cfg.Hidden, err = metaInt(meta, "hidden", 1, MaxHidden); err != nil {
		return nil, err
	}
	if cfg.Layers, err = metaInt(meta, "layers", 1, MaxLayers); err != nil {
		return nil, err
	}
	var voc []string
	if err := json.Unmarshal([]byte(meta["vocab"]), &voc); err != nil {
		return nil, fmt.Errorf("metadata vocab is not a JSON array of strings: %v", err)
	}
	ck := &Checkpoint{Vocab: make([]rune, len(voc)), Meta: map[string]string{}}
	seen := map[rune]bool{}
	for i, s := range voc {
		r, n := utf8.DecodeRuneInString(s)
		if n == 0 || n != len(s) || (r == utf8.RuneError && s != "\uFFFD") {
			return nil, fmt.Errorf("metadata vocab token %d is %q: want one character", i, s)
		}
		if seen[r] {
			return nil, fmt.Errorf("metadata vocab repeats %q", s)
		}
		seen[r] = true
		ck.Vocab[i] = r
	}
	cfg.Vocab = len(voc)
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("metadata: %v", err)
	}
	ck.Config = cfg
	for k, v := range meta {
		if !slices.Contains(ownKeys, k) {
			ck.Meta[k] = v
		}
	}
	if ck.Steps, err = metaInt64(meta, "step"); err != nil {
		return nil, err
	}
	if ck.Chars, err = metaInt64(meta, "chars"); err != nil {
		return nil, err
	}
	if ck.ClipEvents, err = metaInt64(meta, "clip_events"); err != nil {
		return nil, err
	}
	if s, ok := meta["offsets"]; ok {
		if err := json.Unmarshal([]byte(s), &ck.Offsets); err != nil {
			return nil, fmt.Errorf("metadata offsets is not a JSON array of integers: %v", err)
		}
		for _, o := range ck.Offsets {
			if o < 0 {
				return nil, fmt.Errorf("metadata offsets holds %d: want 0 or more", o)
			}
		}
	}

	// Parameters: every tensor present with its exact shape, and finite.
	ck.Params = NewParams[float64](cfg)
	used := map[string]bool{}
	take := func(name string, shape []int, dst []float64) error {
		t, ok := f.Tensor(name)
		if !ok {
			return fmt.Errorf("%s is missing", name)
		}
		used[name] = true
		if !slices.Equal(t.Shape, shape) {
			return fmt.Errorf("%s is %v, want %v", name, t.Shape, shape)
		}
		if t.DType != safetensors.F64 && t.DType != safetensors.F32 {
			return fmt.Errorf("%s is %s: want F64 or F32", name, t.DType)
		}
		for i, v := range t.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s holds %v at %s", name, v, index(shape, i))
			}
		}
		copy(dst, t.Data)
		return nil
	}
	params := cfg.Tensors()
	for _, t := range params {
		if err := take(t.Name, t.Shape, ck.Params.Mem[t.Offset:t.Offset+t.Size()]); err != nil {
			return nil, err
		}
	}

	// Optimiser moments, when the file has them.
	if name, ok := meta["optimizer"]; ok {
		lr, err := strconv.ParseFloat(meta["lr"], 64)
		if err != nil || !(lr > 0) || math.IsInf(lr, 0) {
			return nil, fmt.Errorf("metadata lr %q: want a positive number", meta["lr"])
		}
		o, err := NewOptim(name, len(ck.Params.Mem), lr)
		if err != nil {
			return nil, fmt.Errorf("metadata optimizer %q: want adam, rmsprop, adagrad or sgd", name)
		}
		if o.T, err = metaInt64(meta, "optim_step"); err != nil {
			return nil, err
		}
		for slab, mem := range o.Slabs() {
			for _, t := range params {
				if err := take("optim."+slab+"."+t.Name, t.Shape, mem[t.Offset:t.Offset+t.Size()]); err != nil {
					return nil, err
				}
			}
		}
		ck.Optim = o
	}

	// Carried state, when the file has it.
	if t, ok := f.Tensor("optim.state.h_l0"); ok && len(t.Shape) == 2 {
		b := t.Shape[0]
		if b < 1 || b > 4096 {
			return nil, fmt.Errorf("optim.state.h_l0 is %v: want [B %d] with B from 1 to 4096", t.Shape, cfg.Hidden)
		}
		st := NewState[float64](cfg, b)
		for l := range st.H {
			if err := take(fmt.Sprintf("optim.state.h_l%d", l), []int{b, cfg.Hidden}, st.H[l]); err != nil {
				return nil, err
			}
		}
		for l := range st.C {
			if err := take(fmt.Sprintf("optim.state.c_l%d", l), []int{b, cfg.Hidden}, st.C[l]); err != nil {
				return nil, err
			}
		}
		ck.State = st
	}
	for _, t := range f.Tensors {
		if !used[t.Name] {
			return nil, fmt.Errorf("unexpected tensor %s %v for a %s", t.Name, t.Shape, cfg)
		}
	}
	return ck, nil
}

func index(shape []int, i int) string {
	if len(shape) == 2 {
		return fmt.Sprintf("[%d,%d]", i/shape[1], i%shape[1])
	}
	return fmt.Sprintf("[%d]", i)
}

func metaInt(meta map[string]string, key string, lo, hi int) (int, error) {
	s, ok := meta[key]
	if !ok {
		return 0, fmt.Errorf("metadata has no %s", key)
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("metadata %s %q: want %d to %d", key, s, lo, hi)
	}
	return n, nil
}

func metaInt64(meta map[string]string, key string) (int64, error) {
	s, ok := meta[key]
	if !ok {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("metadata %s %q: want a count", key, s)
	}
	return n, nil
}
