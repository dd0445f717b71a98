package corpora

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestGeneratorsList(t *testing.T) {
	var names []string
	for _, g := range generators() {
		names = append(names, g.Name)
		if g.Doc == "" || strings.Contains(g.Doc, "\n") || len(g.Doc) > 120 {
			t.Errorf("%s: Doc %q, want one short line", g.Name, g.Doc)
		}
	}
	if want := []string{"code", "quotes", "hello", "recall"}; !slices.Equal(names, want) {
		t.Errorf("generators %q, want %q (the first is the default)", names, want)
	}
}

// TestGeneratorAlphabets checks that Alphabet is exactly what a long stream emits,
// in code-point order (hello's is h, e, l, o, as in the lecture).
func TestGeneratorAlphabets(t *testing.T) {
	for _, g := range generators() {
		text := make([]rune, 2_000_000)
		g.New(5, GenOptions{}).ReadRunes(text)
		seen := slices.Clone(text)
		slices.Sort(seen)
		seen = slices.Compact(seen)
		alpha := slices.Clone(g.Alphabet)
		slices.Sort(alpha)
		if !slices.Equal(seen, alpha) {
			t.Errorf("%s: emits %q, Alphabet %q", g.Name, string(seen), string(alpha))
		}
		if len(slices.Compact(alpha)) != len(g.Alphabet) {
			t.Errorf("%s: Alphabet %q repeats a character", g.Name, string(g.Alphabet))
		}
		if g.Name == "hello" {
			if string(g.Alphabet) != "helo" {
				t.Errorf("hello: Alphabet %q, want \"helo\"", string(g.Alphabet))
			}
		} else if !slices.IsSorted(g.Alphabet) {
			t.Errorf("%s: Alphabet %q is not in code-point order", g.Name, string(g.Alphabet))
		}
	}
}

// TestGeneratorsDeterministic checks that equal seeds give equal streams however
// they are read, that other seeds differ, and that the stream does not cycle.
func TestGeneratorsDeterministic(t *testing.T) {
	for _, g := range generators() {
		const n = 300_000
		whole := make([]rune, n)
		g.New(11, GenOptions{}).ReadRunes(whole)
		chunked := make([]rune, 0, n)
		src := g.New(11, GenOptions{})
		for size := 1; len(chunked) < n; size = size*3 + 1 {
			buf := make([]rune, min(size, n-len(chunked)))
			src.ReadRunes(buf)
			chunked = append(chunked, buf...)
		}
		if !slices.Equal(whole, chunked) {
			t.Errorf("%s: reading in chunks changes the stream", g.Name)
		}
		if g.Name == "hello" {
			continue
		}
		other := make([]rune, n)
		g.New(12, GenOptions{}).ReadRunes(other)
		if slices.Equal(whole, other) {
			t.Errorf("%s: seeds 11 and 12 give the same stream", g.Name)
		}
		if strings.Contains(string(whole[1000:]), string(whole[:1000])) {
			t.Errorf("%s: the first 1000 chars come back later: the stream cycles", g.Name)
		}
	}
}

func BenchmarkGenerators(b *testing.B) {
	for _, g := range generators() {
		b.Run(g.Name, func(b *testing.B) {
			src := g.New(1, GenOptions{})
			buf := make([]rune, 4096)
			b.ReportAllocs()
			for b.Loop() {
				src.ReadRunes(buf)
			}
			b.ReportMetric(float64(len(buf)*b.N)/b.Elapsed().Seconds(), "chars/s")
		})
	}
	for _, lag := range []int{1, 1000} {
		b.Run(fmt.Sprintf("recall/lag=%d", lag), func(b *testing.B) {
			src := newRecallGen(1, lag)
			buf := make([]rune, 4096)
			for b.Loop() {
				src.ReadRunes(buf)
			}
			b.ReportMetric(float64(len(buf)*b.N)/b.Elapsed().Seconds(), "chars/s")
		})
	}
}
