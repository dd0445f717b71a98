package nets

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchVocab is about the vocabulary of the code corpus and of Go source.
const benchVocab = 96

func benchTrainer(b *testing.B, cell Cell, h, layers, seq, batch int) *Trainer {
	return benchTrainerIn(b, cell, h, layers, seq, batch, false)
}

func benchTrainerIn(b *testing.B, cell Cell, h, layers, seq, batch int, f32 bool) *Trainer {
	cfg := Config{Cell: cell, Vocab: benchVocab, Hidden: h, Layers: layers}
	p := NewParams[float64](cfg)
	Init(cfg, p, rand.New(rand.NewPCG(1, 1)), 0)
	ids := make([]int32, 1<<16)
	rng := rand.New(rand.NewPCG(2, 2))
	for i := range ids {
		ids[i] = int32(rng.IntN(benchVocab))
	}
	tr, err := NewTrainer(cfg, p, TrainConfig{Seq: seq, Batch: batch, Optimizer: "adam", LR: 2e-3, Clip: 5, Float32: f32}, streams(ids, batch))
	if err != nil {
		b.Fatal(err)
	}
	return tr
}

// BenchmarkStep measures training throughput at hidden 128, seq 64 for each cell
// at batch 1 and 16, in float64 and (batch 16) float32, and the larger shape of
// the speed table (LSTM-256, 2 layers, batch 32), in characters per second and
// GFLOP/s (6 flops per forward multiply-add: forward, and backward's two
// products). With -cpu 2 a batch of 16 or more trains in two shards on two cores.
func BenchmarkStep(b *testing.B) {
	type shape struct {
		cell             Cell
		h, layers, batch int
		f32              bool
	}
	var shapes []shape
	for _, batch := range []int{1, 16} {
		for _, cell := range Cells() {
			shapes = append(shapes, shape{cell, 128, 1, batch, false})
		}
	}
	for _, cell := range Cells() {
		shapes = append(shapes, shape{cell, 128, 1, 16, true})
	}
	shapes = append(shapes, shape{LSTM, 256, 2, 32, false}, shape{LSTM, 256, 2, 32, true})
	for _, sh := range shapes {
		name := fmt.Sprintf("%s/H%d/B%d", sh.cell, sh.h, sh.batch)
		if sh.layers > 1 {
			name = fmt.Sprintf("%s/H%dx%d/B%d", sh.cell, sh.h, sh.layers, sh.batch)
		}
		if sh.f32 {
			name += "/f32"
		}
		b.Run(name, func(b *testing.B) {
			tr := benchTrainerIn(b, sh.cell, sh.h, sh.layers, 64, sh.batch, sh.f32)
			tr.Step()
			b.ReportAllocs()
			for b.Loop() {
				tr.Step()
			}
			chars := float64(64 * sh.batch * b.N)
			b.ReportMetric(chars/b.Elapsed().Seconds(), "chars/s")
			b.ReportMetric(chars*6*float64(tr.Config.MACsPerChar())/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkObserver shows the cost of the observer hook: nil against a no-op.
func BenchmarkObserver(b *testing.B) {
	for _, obs := range []string{"nil", "noop"} {
		b.Run("observer="+obs, func(b *testing.B) {
			tr := benchTrainer(b, LSTM, 128, 1, 64, 1)
			if obs == "noop" {
				tr.Engine().Observe = func(StepView[float64]) {}
			}
			tr.Step()
			for b.Loop() {
				tr.Step()
			}
			b.ReportMetric(float64(64*b.N)/b.Elapsed().Seconds(), "chars/s")
		})
	}
}
