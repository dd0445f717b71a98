package probe

import (
	"math/rand/v2"
	"testing"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
)

// TestAStringUnitEmergesOnCode trains the default network (LSTM-128, batch 16 of
// 64 characters) on the code corpus for 2.48M characters and checks that the
// probe finds the string literals: the best unit's AUC ≥ 0.8 and the all-unit
// readout's r ≥ 0.7.
//
// The length comes from seeds 1–14 (`/usr/bin/python3 tools/emergence.py
// --ci-length` prints the table): at 2.48M characters the worst seed reached AUC
// 0.863 and readout r 0.792 (margins 0.063 and 0.092). At 1.8M the worst readout
// was 0.702, too close to call; at 0.9M two seeds were still below r 0.7. This
// test uses seed 1, which reaches AUC 0.88 and r 0.87.
func TestAStringUnitEmergesOnCode(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 2.5M characters")
	}
	c, err := corpora.Load("code", corpora.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	cfg := nets.Config{Cell: nets.LSTM, Vocab: c.Vocab.Size(), Hidden: 128, Layers: 1}
	p := nets.NewParams[float64](cfg)
	// The command line's root random stream for --seed 1 (tui/cli/flags.go).
	nets.Init(cfg, p, rand.New(rand.NewPCG(1, 0x726e6e73636f7065)), 0)
	const batch = 16
	streams := make([]nets.Stream, batch)
	for b := range streams {
		streams[b] = c.Stream(b, batch, 0)
	}
	tr, err := nets.NewTrainer(cfg, p, nets.TrainConfig{Seq: 64, Batch: batch, Optimizer: "adam", LR: 2e-3, Clip: 5}, streams)
	if err != nil {
		t.Fatal(err)
	}
	for range 2420 { // 2,478,080 characters
		if st := tr.Step(); st.Bad {
			t.Fatalf("loss became %v at step %d", st.Loss, tr.Steps)
		}
	}
	ids, text := c.Held()
	w, err := NewWindow(ids, text, DefaultWarmup, DefaultScored)
	if err != nil {
		t.Fatal(err)
	}
	_, rep := NewProber(cfg, p, c.Vocab.Runes(), w, Options{Labels: []string{"quote"}}).Probe(nil)
	lr := rep.Labels[0]
	best, _ := lr.Best()
	t.Logf("after %d characters: best %s AUC %.3f, readout r %.3f", tr.Chars, best.Unit.Name(1), best.AUC, lr.Readout.R)
	if best.AUC < 0.8 || lr.Readout.R < 0.7 {
		t.Fatalf("best quote unit AUC %.3f (want ≥ 0.8), readout r %.3f (want ≥ 0.7)", best.AUC, lr.Readout.R)
	}
	_, again := NewProber(cfg, p, c.Vocab.Runes(), w, Options{Labels: []string{"quote"}}).Probe(nil)
	if b2, _ := again.Labels[0].Best(); b2.Unit != best.Unit || b2.AUC != best.AUC || again.Labels[0].Readout.R != lr.Readout.R {
		t.Fatal("probing the same network twice gave different results")
	}
}
