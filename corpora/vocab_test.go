package corpora

import (
	"slices"
	"testing"
)

func TestNewVocab(t *testing.T) {
	tests := []struct {
		name    string
		runes   string
		unknown bool
		want    string // Runes() in id order
		unkID   int32
	}{
		{"ids follow the order given", "hel\no", false, "hel\no", -1},
		{"the unknown token is appended last", "ba", true, "ba\uFFFD", 2},
		{"a U+FFFD already given is the unknown token where it stands", "a\uFFFDb", false, "a\uFFFDb", 1},
		{"unknown adds nothing when U+FFFD is already given", "a\uFFFDb", true, "a\uFFFDb", 1},
		{"characters beyond the BMP are single tokens", "a😀한", true, "a😀한\uFFFD", 3},
		{"an empty vocabulary with unknown holds only U+FFFD", "", true, "\uFFFD", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := NewVocab([]rune(tt.runes), tt.unknown)
			if got := string(v.Runes()); got != tt.want {
				t.Fatalf("Runes() = %q, want %q", got, tt.want)
			}
			if v.Size() != len([]rune(tt.want)) {
				t.Errorf("Size() = %d, want %d", v.Size(), len([]rune(tt.want)))
			}
			if v.Unknown() != tt.unkID {
				t.Errorf("Unknown() = %d, want %d", v.Unknown(), tt.unkID)
			}
			for i, r := range []rune(tt.want) {
				if id := v.ID(r); id != int32(i) {
					t.Errorf("ID(%q) = %d, want %d", r, id, i)
				}
				if got := v.Rune(int32(i)); got != r {
					t.Errorf("Rune(%d) = %q, want %q", i, got, r)
				}
			}
			for _, r := range []rune{'Z', 0, 0x10FFFF, 0xFFFF, 'é', -5} {
				if id := v.ID(r); id != tt.unkID {
					t.Errorf("ID(%q) of a missing character = %d, want the unknown id %d", r, id, tt.unkID)
				}
			}
		})
	}
}

func TestVocabRunesIsACopy(t *testing.T) {
	v := NewVocab([]rune("ab"), false)
	v.Runes()[0] = 'z'
	if v.Rune(0) != 'a' || v.ID('a') != 0 {
		t.Fatal("modifying Runes() changed the vocabulary")
	}
	in := []rune("cd")
	w := NewVocab(in, false)
	in[0] = 'x'
	if w.Rune(0) != 'c' {
		t.Fatal("modifying NewVocab's argument changed the vocabulary")
	}
}

func TestNewVocabPanicsOnARepeatedRune(t *testing.T) {
	for _, runes := range []string{"aba", "😀x😀", "\uFFFD\uFFFD"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewVocab(%q) did not panic", runes)
				}
			}()
			NewVocab([]rune(runes), false)
		}()
	}
}

func TestVocabEqual(t *testing.T) {
	abc := NewVocab([]rune("abc"), false)
	tests := []struct {
		name string
		a, b *Vocab
		want bool
	}{
		{"same characters in the same order are equal", abc, NewVocab([]rune("abc"), false), true},
		{"another order is not equal", abc, NewVocab([]rune("acb"), false), false},
		{"an added unknown token is not equal", abc, NewVocab([]rune("abc"), true), false},
		{"an explicit U+FFFD equals unknown", NewVocab([]rune("ab\uFFFD"), false), NewVocab([]rune("ab"), true), true},
		{"nil equals only nil", abc, nil, false},
		{"two nils are equal", nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Equal(tt.b); got != tt.want {
				t.Errorf("Equal = %v, want %v", got, tt.want)
			}
			if got := tt.b.Equal(tt.a); got != tt.want {
				t.Errorf("Equal (swapped) = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBuildVocab(t *testing.T) {
	tests := []struct {
		name string
		text string
		max  int
		want string // Runes() in id order
	}{
		{"all distinct characters fit: code point order, no unknown", "hello world", 256, " dehlorw"},
		{"exactly max distinct characters: no unknown", "abcab", 3, "abc"},
		{"one too many: max-1 most frequent plus unknown", "aaabbbccd", 3, "ab\uFFFD"},
		{"frequency beats code point", "zzzyyxw", 3, "yz\uFFFD"},
		{"ties go to the smaller code point", "ddccbbaa", 3, "ab\uFFFD"},
		{"kept characters are sorted by code point, not frequency", "cccccbbad", 3, "bc\uFFFD"},
		{"U+FFFD in the text is the unknown token, last", "b\uFFFDa", 256, "ab\uFFFD"},
		{"U+FFFD is last even after characters beyond the BMP", "😀\uFFFDa", 256, "a😀\uFFFD"},
		{"U+FFFD in a text over the limit is not counted twice", "\uFFFD\uFFFD\uFFFDaab", 2, "a\uFFFD"},
		{"Hangul syllables are single tokens, in code point order", "안녕 안녕", 256, " 녕안"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c runeCounts
			c.addRunes([]rune(tt.text))
			v := buildVocab(&c, tt.max)
			if got := string(v.Runes()); got != tt.want {
				t.Errorf("vocabulary = %q, want %q", got, tt.want)
			}
			if v.Size() > tt.max {
				t.Errorf("Size() = %d, over the maximum %d", v.Size(), tt.max)
			}
		})
	}
}

func TestRuneCountsMergeAndReset(t *testing.T) {
	var file, total runeCounts
	file.addRunes([]rune("bba😀"))
	file.mergeInto(&total)
	if len(file.seen) != 0 || file.get('b') != 0 || file.get('😀') != 0 {
		t.Fatalf("mergeInto left counts behind: seen %q", string(file.seen))
	}
	file.addRunes([]rune("cb"))
	file.mergeInto(&total)
	if got, want := string(total.seen), "ba😀c"; got != want {
		t.Errorf("seen = %q, want %q (first-met order)", got, want)
	}
	for r, want := range map[rune]int64{'a': 1, 'b': 3, 'c': 1, '😀': 1, 'z': 0} {
		if got := total.get(r); got != want {
			t.Errorf("count of %q = %d, want %d", r, got, want)
		}
	}
	if !slices.Contains(total.seen, 'c') {
		t.Error("c is missing from seen")
	}
}
