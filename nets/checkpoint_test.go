package nets

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rnnscope/rnnscope/nets/safetensors"
)

func sameBits(t *testing.T, what string, a, b []float64) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: %d values vs %d", what, len(a), len(b))
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			t.Fatalf("%s differ at %d: %v vs %v", what, i, a[i], b[i])
		}
	}
}

// TestResumeIsBitIdentical checks that 200 steps, a save, a load and 200 more
// steps give exactly the weights, moments and state of 400 uninterrupted steps, for
// every optimiser.
func TestResumeIsBitIdentical(t *testing.T) {
	ids := pattern(1009, 11)
	const batch = 4 // even: two shards, run in parallel
	open := func(read []int64) []Stream {
		s := make([]Stream, batch)
		for b := range s {
			start := b * len(ids) / batch
			s[b] = &loop{ids: ids, pos: (start + int(read[b])) % len(ids)}
		}
		return s
	}
	for _, name := range append(Optimizers(), "adam/float32") {
		opt, f32 := strings.CutSuffix(name, "/float32")
		t.Run(name, func(t *testing.T) {
			mk := func() *Trainer {
				tr := newTestTrainer(t, LSTM, 12, 2, 9, batch, 5)
				if f32 {
					tc := tr.Train
					tc.Float32 = true
					tr, _ = NewTrainer(tr.Config, tr.P, tc, open(make([]int64, batch)))
				}
				tr.Opt, _ = NewOptim(opt, len(tr.P.Mem), DefaultLR(opt)/4)
				if err := tr.SetStreams(open(make([]int64, batch)), nil); err != nil {
					t.Fatal(err)
				}
				return tr
			}
			straight := mk()
			for range 400 {
				straight.Step()
			}

			first := mk()
			for range 200 {
				first.Step()
			}
			path := filepath.Join(t.TempDir(), "m.safetensors")
			if err := Save(path, first.Checkpoint([]rune("abcdefghijk"), map[string]string{"corpus": "test"})); err != nil {
				t.Fatal(err)
			}
			ck, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			second, err := NewTrainer(ck.Config, ck.Params, first.Train, open(make([]int64, batch))) // same precision
			if err != nil {
				t.Fatal(err)
			}
			second.Opt, _ = NewOptim(opt, len(ck.Params.Mem), ck.Optim.LR)
			if notes := second.Resume(ck); len(notes) != 0 {
				t.Fatalf("resume notes: %v", notes)
			}
			read := slices.Clone(ck.Offsets)
			for b := range read {
				read[b]-- // read the carry token again
			}
			if err := second.SetStreams(open(read), read); err != nil {
				t.Fatal(err)
			}
			for range 200 {
				second.Step()
			}
			sameBits(t, "weights", straight.P.Mem, second.P.Mem)
			sameBits(t, "first moments", straight.Opt.M, second.Opt.M)
			sameBits(t, "second moments", straight.Opt.V, second.Opt.V)
			for l := range straight.State.H {
				sameBits(t, "carried h", straight.State.H[l], second.State.H[l])
				sameBits(t, "carried c", straight.State.C[l], second.State.C[l])
			}
			if straight.Steps != second.Steps || straight.Chars != second.Chars || !slices.Equal(straight.Offsets(), second.Offsets()) {
				t.Fatalf("counters differ: %d/%d steps, %d/%d chars, offsets %v/%v", straight.Steps, second.Steps,
					straight.Chars, second.Chars, straight.Offsets(), second.Offsets())
			}
		})
	}
}

// writeCheckpoint saves a small valid checkpoint and returns its tensors and
// metadata for tests that break one thing at a time.
func validFile(t *testing.T) ([]safetensors.Tensor, map[string]string) {
	t.Helper()
	cfg, p, _, _, st := smallNet(t, GRU, 4, 3, 2, 2, 2, 1)
	path := filepath.Join(t.TempDir(), "ok.safetensors")
	if err := Save(path, &Checkpoint{Config: cfg, Vocab: []rune("ab\n\uFFFD"), Params: p, State: st}); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err != nil {
		t.Fatalf("a valid checkpoint was refused: %v", err)
	}
	return f.Tensors, f.Meta
}

func TestLoadRefusesBadCheckpoints(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor
		wants string
	}{
		{"a file from another program", func(ts []safetensors.Tensor, m map[string]string) []safetensors.Tensor {
			delete(m, "format")
			return ts
		}, "not an rnnscope checkpoint"},
		{"a newer format", func(ts []safetensors.Tensor, m map[string]string) []safetensors.Tensor {
			m["format"] = "rnnscope/9"
			return ts
		}, `format "rnnscope/9"`},
		{"an unknown cell", func(ts []safetensors.Tensor, m map[string]string) []safetensors.Tensor {
			m["cell"] = "transformer"
			return ts
		}, `cell "transformer"`},
		{"a hidden size that disagrees with the tensors", func(ts []safetensors.Tensor, m map[string]string) []safetensors.Tensor {
			m["hidden"] = "4"
			return ts
		}, "rnn.weight_ih_l0 is [9 4], want [12 4]"},
		{"a vocabulary token of two characters", func(ts []safetensors.Tensor, m map[string]string) []safetensors.Tensor {
			m["vocab"] = `["a","bc","\n","x"]`
			return ts
		}, "want one character"},
		{"a missing tensor", func(ts []safetensors.Tensor, m map[string]string) []safetensors.Tensor {
			return slices.DeleteFunc(ts, func(x safetensors.Tensor) bool { return x.Name == "head.bias" })
		}, "head.bias is missing"},
		{"an extra tensor", func(ts []safetensors.Tensor, m map[string]string) []safetensors.Tensor {
			return append(ts, safetensors.Tensor{Name: "decoder.weight", Shape: []int{1}, Data: []float64{1}})
		}, "unexpected tensor decoder.weight"},
		{"a NaN weight", func(ts []safetensors.Tensor, m map[string]string) []safetensors.Tensor {
			for i := range ts {
				if ts[i].Name == "rnn.weight_hh_l1" {
					ts[i].Data = slices.Clone(ts[i].Data)
					ts[i].Data[4] = math.NaN()
				}
			}
			return ts
		}, "rnn.weight_hh_l1 holds NaN at [1,1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, meta := validFile(t)
			ts = tc.edit(ts, meta)
			path := filepath.Join(t.TempDir(), "bad.safetensors")
			if err := safetensors.WriteFile(path, ts, meta); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil || !strings.Contains(err.Error(), tc.wants) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.wants)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
		})
	}
}

func TestLoadRefusesTruncatedFiles(t *testing.T) {
	cfg, p, _, _, _ := smallNet(t, LSTM, 5, 4, 1, 1, 1, 1)
	dir := t.TempDir()
	path := filepath.Join(dir, "m.safetensors")
	if err := Save(path, &Checkpoint{Config: cfg, Vocab: []rune("abcde"), Params: p}); err != nil {
		t.Fatal(err)
	}
	full, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 5, 8, 20, len(full) / 2, len(full) - 1} {
		cut := filepath.Join(dir, "cut.safetensors")
		if err := os.WriteFile(cut, full[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(cut); err == nil {
			t.Errorf("a file cut to %d of %d bytes was accepted", n, len(full))
		}
	}
}
