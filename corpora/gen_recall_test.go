package corpora

import (
	"strings"
	"testing"
)

func TestRecallEpisodes(t *testing.T) {
	for _, lag := range []int{1, 2, 5, 0, 64, RecallLagMax} {
		want := lag
		if lag == 0 {
			want = RecallLagDefault
		}
		text := make([]rune, 200*(want+1))
		newRecallGen(9, lag).ReadRunes(text)
		keys := map[rune]int{}
		for e := 0; e+want < len(text); e += want + 1 {
			key, recall := text[e], text[e+want]
			if !strings.ContainsRune(recallKeys, key) || recall != key {
				t.Fatalf("lag %d: episode at %d is %q…%q, want a key from %s and the same key %d chars later",
					lag, e, key, recall, recallKeys, want)
			}
			for _, f := range text[e+1 : e+want] {
				if !strings.ContainsRune(recallFillers, f) {
					t.Fatalf("lag %d: filler %q in episode at %d", lag, f, e)
				}
			}
			keys[key]++
		}
		if len(keys) != len(recallKeys) {
			t.Errorf("lag %d: keys %v, want all of %s", lag, keys, recallKeys)
		}
	}
}

func TestRecallFillersAreUniform(t *testing.T) {
	text := make([]rune, 400_000)
	newRecallGen(3, 100).ReadRunes(text)
	counts := map[rune]int{}
	total := 0
	for i, r := range text {
		if i%101 != 0 && i%101 != 100 {
			counts[r]++
			total++
		}
	}
	for _, f := range recallFillers {
		if share := float64(counts[f]) / float64(total); share < 0.24 || share > 0.26 {
			t.Errorf("filler %q: %.3f of fillers, want 0.25", f, share)
		}
	}
}

func TestRecallRejectsLagOutOfRange(t *testing.T) {
	for _, lag := range []int{-1, RecallLagMax + 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("lag %d: no panic; a lag out of range must never be clamped", lag)
				}
			}()
			newRecallGen(1, lag)
		}()
	}
}
