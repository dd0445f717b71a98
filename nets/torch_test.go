package nets

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// python is Debian's interpreter, which has python3-torch.
const python = "/usr/bin/python3"

// needTorch skips when PyTorch is missing, except in CI (CI set), where the
// equivalence tests must run: .ci/run installs python3-torch.
func needTorch(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("PyTorch equivalence is not a -short test")
	}
	err := exec.Command(python, "-c", "import torch").Run()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set but %s cannot import torch (%v): install python3-torch", python, err)
	}
	t.Skipf("%s cannot import torch: %v", python, err)
}

func runPython(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(python, append([]string{filepath.Join("testdata", "torch_check.py")}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("torch_check.py %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

// TestCheckpointLossAndGradientsMatchPyTorch writes each cell (two layers, a
// carried state) with rnnscope, loads it into torch.nn.{RNN,LSTM,GRU} + nn.Linear
// with load_state_dict(strict=True), and compares the loss on the same tokens to
// 1e-9 relative and every gradient to 1e-7.
func TestCheckpointLossAndGradientsMatchPyTorch(t *testing.T) {
	needTorch(t)
	for _, cell := range Cells() {
		t.Run(cell.String(), func(t *testing.T) {
			const v, h, layers, T, b = 7, 5, 2, 6, 3
			cfg, p, x, y, st := smallNet(t, cell, v, h, layers, T, b, 99+uint64(cell))
			dir := t.TempDir()
			path := filepath.Join(dir, "m.safetensors")
			vocab := []rune("abcdefg")
			if err := Save(path, &Checkpoint{Config: cfg, Vocab: vocab, Params: p, State: st}); err != nil {
				t.Fatal(err)
			}
			tok := map[string][][]int32{"x": make([][]int32, T), "y": make([][]int32, T)}
			for i := range T {
				tok["x"][i], tok["y"][i] = x[i*b:(i+1)*b], y[i*b:(i+1)*b]
			}
			tokPath := filepath.Join(dir, "tokens.json")
			js, _ := json.Marshal(tok)
			if err := os.WriteFile(tokPath, js, 0o644); err != nil {
				t.Fatal(err)
			}
			var torch struct {
				Loss  float64
				Grads map[string][]float64
			}
			if err := json.Unmarshal(runPython(t, "loss", path, tokPath), &torch); err != nil {
				t.Fatal(err)
			}

			g := NewParams[float64](cfg)
			e := NewEngine(cfg, p, g, T, b)
			e.Forward(x, st)
			loss := e.Loss(y)
			e.Backward()
			if rel := math.Abs(loss-torch.Loss) / math.Abs(torch.Loss); rel > 1e-9 {
				t.Errorf("loss %.17g, PyTorch %.17g (relative %.2g)", loss, torch.Loss, rel)
			}
			worst := 0.0
			for _, ten := range cfg.Tensors() {
				want := torch.Grads[ten.Name]
				if len(want) != ten.Size() {
					t.Fatalf("%s: PyTorch gave %d gradients, want %d", ten.Name, len(want), ten.Size())
				}
				for i, w := range want {
					d := math.Abs(g.Mem[ten.Offset+i] - w)
					worst = max(worst, d)
					if d > 1e-7 {
						t.Fatalf("%s: gradient %.12g, PyTorch %.12g", cfg.Locate(ten.Offset+i), g.Mem[ten.Offset+i], w)
					}
				}
			}
			t.Logf("loss %.12f matches; worst gradient difference %.2g", loss, worst)
		})
	}
}

// TestPyTorchInitialisedModelsLoad has PyTorch initialise and save each cell, and
// checks that rnnscope reads it and measures the same loss as PyTorch.
func TestPyTorchInitialisedModelsLoad(t *testing.T) {
	needTorch(t)
	for _, cell := range Cells() {
		t.Run(cell.String(), func(t *testing.T) {
			const v, h, layers = 5, 8, 2
			dir := t.TempDir()
			rng := rand.New(rand.NewPCG(5, uint64(cell)))
			ids := make([]int32, 200)
			for i := range ids {
				ids[i] = int32(rng.IntN(v))
			}
			js, _ := json.Marshal(map[string][]int32{"ids": ids})
			tokPath := filepath.Join(dir, "ids.json")
			if err := os.WriteFile(tokPath, js, 0o644); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "torch.safetensors")
			var torch struct{ Loss float64 }
			out := runPython(t, "init", cell.String(), strconv.Itoa(v), strconv.Itoa(h), strconv.Itoa(layers), "3", path, tokPath)
			if err := json.Unmarshal(out, &torch); err != nil {
				t.Fatal(err)
			}
			ck, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if ck.Config != (Config{Cell: cell, Vocab: v, Hidden: h, Layers: layers}) {
				t.Fatalf("loaded %v", ck.Config)
			}
			got := NewEvaluator(ck.Config, ck.Params).Loss(ids)
			if rel := math.Abs(got-torch.Loss) / torch.Loss; rel > 1e-9 {
				t.Fatalf("loss %.17g, PyTorch %.17g", got, torch.Loss)
			}
		})
	}
}
