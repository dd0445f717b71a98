package probe

import (
	"math"

	"github.com/rnnscope/rnnscope/corpora"
)

// Baseline is the honest yardstick for a unit: a lookup table predicting each label
// from the last three characters read, estimated on training text. A unit that does
// no better than it is spotting vocabulary, not tracking state.
type Baseline struct {
	scores map[string]float64 // AUC (binary labels) or r, on the window it was scored on
}

// ctx packs the k ≤ 3 runes ending at t into a lookup key (each context length
// has its own table, so keys of different lengths never meet).
func ctx(text []rune, t, k int) uint64 {
	var key uint64
	for i := range k {
		r := rune(0)
		if t-i >= 0 {
			r = text[t-i]
		}
		key |= uint64(r&0x1FFFFF) << (21 * i)
	}
	return key
}

type tally struct{ n, sum float64 }

// NewBaseline estimates the lookup on training text and its labels (corpora.Labels
// of it), and scores it on a probe window: all of window's characters give context,
// labels are scored from step warmup on.
func NewBaseline(train []rune, trainLabels []corpora.Feature, window []rune, windowLabels []corpora.Feature, warmup int) *Baseline {
	b := &Baseline{scores: map[string]float64{}}
	for _, tf := range trainLabels {
		var wf *corpora.Feature
		for i := range windowLabels {
			if windowLabels[i].Name == tf.Name {
				wf = &windowLabels[i]
			}
		}
		if wf == nil {
			continue
		}
		tables := [4]map[uint64]tally{{}, {}, {}, {}}
		var all tally
		for t, v := range tf.Values {
			if math.IsNaN(v) {
				continue
			}
			all.n++
			all.sum += v
			for k := 1; k <= 3; k++ {
				key := ctx(train, t, k)
				e := tables[k][key]
				e.n++
				e.sum += v
				tables[k][key] = e
			}
		}
		if all.n == 0 {
			continue
		}
		pred := make([]float64, len(window)-warmup)
		truth := wf.Values[warmup:]
		for t := warmup; t < len(window); t++ {
			p := all.sum / all.n
			for k := 3; k >= 1; k-- { // back off to shorter contexts
				if e, ok := tables[k][ctx(window, t, k)]; ok {
					p = e.sum / e.n
					break
				}
			}
			pred[t-warmup] = p
		}
		if isBinary(truth) {
			b.scores[tf.Name] = aucOf(sortedOf(pred), truth, nil)
		} else {
			b.scores[tf.Name] = pearson(pred, truth)
		}
	}
	return b
}

// Score is the lookup's AUC (binary labels) or r for a label; NaN when unknown.
func (b *Baseline) Score(label string) float64 {
	if v, ok := b.scores[label]; ok {
		return v
	}
	return math.NaN()
}
