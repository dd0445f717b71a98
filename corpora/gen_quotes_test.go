package corpora

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestQuotesLabelsMatchGenerator(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 42} {
		g := newQuotesGen(seed)
		var truth []bool
		g.truth = &truth
		text := make([]rune, 250_000)
		g.ReadRunes(text)
		for i, got := range Labels(text)[lQuote].Values {
			if want := b2f(truth[i]); got != want {
				t.Errorf("seed %d: quote[%d] = %v, the generator says %v, after\n%s",
					seed, i, got, want, string(text[max(0, i-200):i+1]))
				break
			}
		}
	}
}

// dialogues returns the text between each pair of quote marks.
func dialogues(text []rune) []string {
	var out []string
	start := -1
	for i, r := range text {
		if r != '"' {
			continue
		}
		if start < 0 {
			start = i
		} else {
			out = append(out, string(text[start+1:i]))
			start = -1
		}
	}
	return out
}

// TestQuotesStatistics checks what research/emergence.md asks of the corpus: 35-45%
// of characters inside dialogue, quotations of 5-200 characters with a median near
// 50, never nested and never across a paragraph, prose wrapped at 72 columns.
func TestQuotesStatistics(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		text := generate(t, "quotes", seed, 500_000)
		text = text[:strings.LastIndex(string(text), "\n\n")+2] // whole paragraphs
		inside := mean(Labels(text)[lQuote].Values)
		ds := dialogues(text)
		lens := make([]int, len(ds))
		for i, d := range ds {
			lens[i] = len(d)
		}
		slices.Sort(lens)
		median := lens[len(lens)/2]
		t.Logf("seed %d: %.3f inside dialogue; %d quotations, length min %d, p10 %d, median %d, p90 %d, max %d",
			seed, inside, len(ds), lens[0], lens[len(lens)/10], median, lens[len(lens)*9/10], lens[len(lens)-1])
		switch {
		case inside < 0.35 || inside > 0.45:
			t.Errorf("seed %d: %.3f of chars inside dialogue, want 0.35-0.45", seed, inside)
		case lens[0] < 5 || lens[len(lens)-1] > 200:
			t.Errorf("seed %d: quotations of %d to %d chars, want 5-200", seed, lens[0], lens[len(lens)-1])
		case median < 40 || median > 60:
			t.Errorf("seed %d: median quotation %d chars, want about 50", seed, median)
		}
		for _, d := range ds {
			if strings.Contains(d, "\n\n") {
				t.Fatalf("seed %d: a quotation crosses a paragraph: %q", seed, d)
			}
		}
		for _, par := range strings.Split(strings.TrimSuffix(string(text), "\n\n"), "\n\n") {
			if strings.Count(par, `"`)%2 != 0 {
				t.Fatalf("seed %d: odd number of quote marks in paragraph %q", seed, par)
			}
			for _, line := range strings.Split(par, "\n") {
				if len(line) > quotesWidth || line == "" || line[0] == ' ' || strings.HasSuffix(line, " ") {
					t.Fatalf("seed %d: badly wrapped line %q", seed, line)
				}
			}
		}
	}
}

// TestQuotesDialogueIsLexicallyDistinct checks the design that lets a quote unit
// form: pronouns, tense markers and ?/! tell dialogue from narration, while the
// nouns are shared.
func TestQuotesDialogueIsLexicallyDistinct(t *testing.T) {
	text := generate(t, "quotes", 7, 300_000)
	inside := Labels(text)[lQuote].Values
	words := map[bool]map[string]int{true: {}, false: {}}
	punct := map[bool]map[rune]int{true: {}, false: {}}
	for i := 0; i < len(text); {
		in := inside[i] == 1 && text[i] != '"'
		if !unicode.IsLetter(text[i]) && text[i] != '\'' {
			punct[in][text[i]]++
			i++
			continue
		}
		j := i
		for j < len(text) && (unicode.IsLetter(text[j]) || text[j] == '\'') {
			j++
		}
		words[in][strings.ToLower(string(text[i:j]))]++
		i = j
	}
	for _, w := range []string{"i", "you", "we", "know", "i'm", "don't"} {
		if words[false][w] != 0 || words[true][w] == 0 {
			t.Errorf("%q: %d times in narration, %d in dialogue; want dialogue only", w, words[false][w], words[true][w])
		}
	}
	for _, w := range []string{"he", "she", "they", "walked", "looked"} {
		if words[true][w] != 0 || words[false][w] == 0 {
			t.Errorf("%q: %d times in dialogue, %d in narration; want narration only", w, words[true][w], words[false][w])
		}
	}
	for _, w := range newQuoteWords().nouns {
		if words[true][w] == 0 || words[false][w] == 0 {
			t.Errorf("noun %q: %d times in dialogue, %d in narration; want both", w, words[true][w], words[false][w])
		}
	}
	for _, r := range "?!" {
		if punct[false][r] != 0 {
			t.Errorf("%q appears %d times in narration", r, punct[false][r])
		}
	}
	if punct[false]['.'] == 0 || punct[true]['?'] == 0 || punct[true]['!'] == 0 {
		t.Errorf("want . in narration and ? ! in dialogue: %v / %v", punct[false], punct[true])
	}
	if words[false]["anna's"]+words[false]["pierre's"] == 0 {
		t.Error("want possessive apostrophes in narration too")
	}
}
