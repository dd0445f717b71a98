package corpora

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// ldGenerated is a test generator whose text depends on its seed: uniform letters
// from "abcdefgh\n". (The embedded placeholder corpora may ignore their seed.)
func ldGenerated() Generated {
	return Generated{
		Name:     "letters",
		Doc:      "seeded random letters",
		Alphabet: []rune("abcdefgh\n"),
		New: func(seed uint64, opt GenOptions) RuneSource {
			return &ldLetters{rng: rand.New(rand.NewPCG(seed, uint64(opt.Lag)))}
		},
	}
}

type ldLetters struct{ rng *rand.Rand }

func (l *ldLetters) ReadRunes(dst []rune) {
	const alphabet = "abcdefgh\n"
	for i := range dst {
		dst[i] = rune(alphabet[l.rng.IntN(len(alphabet))])
	}
}

// ldRead reads n tokens from s and decodes them.
func ldRead(c *Corpus, s *Stream, n int) string {
	ids := make([]int32, n)
	s.Read(ids)
	var b strings.Builder
	for _, id := range ids {
		b.WriteRune(c.Vocab.Rune(id))
	}
	return b.String()
}

func ldDigits(t *testing.T) *Corpus {
	t.Helper()
	// 10 characters: 9 for training ("012345678"), the last held out.
	c, err := Load(ldWrite(t, t.TempDir(), "digits.txt", "0123456789"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestStreamRowsAreContiguousSlicesThatWrap(t *testing.T) {
	c := ldDigits(t)
	tests := []struct {
		name      string
		row, rows int
		offset    int64
		want      string
	}{
		{"one row reads the training part and wraps", 0, 1, 0, "01234567801234"},
		{"row 1 of 3 starts a third of the way in", 1, 3, 0, "34567801"},
		{"row 2 of 3 starts two thirds in and wraps", 2, 3, 0, "67801234"},
		{"row starts round down", 1, 2, 0, "4567801"},
		{"rows may outnumber characters", 11, 12, 0, "80123"},
		{"an offset skips ahead from the row's start", 1, 3, 4, "78012"},
		{"an offset of whole laps is no offset", 2, 3, 27, "678"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := c.Stream(tt.row, tt.rows, tt.offset)
			if got := ldRead(c, s, len(tt.want)); got != tt.want {
				t.Errorf("read %q, want %q", got, tt.want)
			}
			if got, want := s.Offset(), tt.offset+int64(len(tt.want)); got != want {
				t.Errorf("Offset() = %d, want %d", got, want)
			}
		})
	}
}

func TestStreamReadsInAnyChunkSizes(t *testing.T) {
	c := ldDigits(t)
	whole := ldRead(c, c.Stream(0, 1, 0), 40)
	s := c.Stream(0, 1, 0)
	var got string
	for _, n := range []int{0, 1, 8, 9, 3, 19} {
		got += ldRead(c, s, n)
	}
	if got != whole {
		t.Errorf("chunked reads %q, one read %q", got, whole)
	}
}

// TestStreamOffsetResumes checks the resume contract for every kind of corpus:
// c.Stream(b, B, k) reads what a fresh c.Stream(b, B, 0) reads after k tokens.
func TestStreamOffsetResumes(t *testing.T) {
	dir := t.TempDir()
	narrow, err := Load(ldWrite(t, dir, "code.txt", strings.Repeat("if (x) { y = \"z\"; }\n", 30)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wideText strings.Builder
	for i := range 2000 {
		wideText.WriteRune(0xAC00 + rune(i*31%400)) // 400 Hangul syllables
	}
	wide, err := Load(ldWrite(t, dir, "wide.txt", wideText.String()), Options{VocabMax: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if wide.train16 == nil {
		t.Fatal("the wide corpus should store two bytes a token")
	}
	gen, err := loadGenerated(ldGenerated(), Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*Corpus{narrow, wide, gen} {
		for _, rows := range []int{1, 3, 8} {
			for row := range rows {
				for _, k := range []int64{0, 1, 17, 599, 600, 5000, 9001} {
					t.Run(fmt.Sprintf("%s row %d of %d after %d", c.Name, row, rows, k), func(t *testing.T) {
						fresh := c.Stream(row, rows, 0)
						skip := make([]int32, k)
						fresh.Read(skip)
						resumed := c.Stream(row, rows, k)
						if fresh.Offset() != resumed.Offset() {
							t.Fatalf("Offset() %d after reading, %d when resumed", fresh.Offset(), resumed.Offset())
						}
						if a, b := ldRead(c, fresh, 700), ldRead(c, resumed, 700); a != b {
							t.Fatalf("resumed stream differs:\nfresh   %q\nresumed %q", a[:40], b[:40])
						}
					})
				}
			}
		}
	}
}

func TestStreamPanicsOnBadRows(t *testing.T) {
	c := ldDigits(t)
	for _, args := range [][3]int{{0, 0, 0}, {1, 1, 0}, {-1, 2, 0}, {0, 2, -1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Stream%v did not panic", args)
				}
			}()
			c.Stream(args[0], args[1], int64(args[2]))
		}()
	}
}

func TestGeneratedStreams(t *testing.T) {
	load := func(seed uint64) *Corpus {
		c, err := loadGenerated(ldGenerated(), Options{Seed: seed, HeldMax: 500})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, again, other := load(1), load(1), load(2)
	const n = 500
	t.Run("a generated corpus is endless and uses its alphabet as vocabulary", func(t *testing.T) {
		if !a.Generated() || a.TrainLen() != -1 {
			t.Errorf("Generated %v, TrainLen %d; want true, -1", a.Generated(), a.TrainLen())
		}
		if !a.Vocab.Equal(NewVocab([]rune("abcdefgh\n"), false)) {
			t.Errorf("vocabulary %q, want the alphabet", string(a.Vocab.Runes()))
		}
		if a.Name != "letters" || a.Doc != "seeded random letters" {
			t.Errorf("Name %q, Doc %q", a.Name, a.Doc)
		}
	})
	t.Run("equal seeds give equal streams and held-out text", func(t *testing.T) {
		for row := range 4 {
			if ldRead(a, a.Stream(row, 4, 0), n) != ldRead(again, again.Stream(row, 4, 0), n) {
				t.Errorf("row %d differs between two loads with seed 1", row)
			}
		}
		_, h1 := a.Held()
		_, h2 := again.Held()
		if string(h1) != string(h2) {
			t.Error("held-out text differs between two loads with seed 1")
		}
	})
	t.Run("another seed gives other streams", func(t *testing.T) {
		if ldRead(a, a.Stream(0, 1, 0), n) == ldRead(other, other.Stream(0, 1, 0), n) {
			t.Error("seeds 1 and 2 give the same row 0")
		}
	})
	t.Run("distinct rows differ and none is the held-out text", func(t *testing.T) {
		ids, held := a.Held()
		if len(held) != 500 || len(ids) != 500 {
			t.Fatalf("held-out length %d, %d; want HeldMax 500", len(held), len(ids))
		}
		for i, id := range ids {
			if a.Vocab.Rune(id) != held[i] {
				t.Fatalf("held-out id %d decodes to %q, text has %q", i, a.Vocab.Rune(id), held[i])
			}
		}
		seen := map[string]int{string(held): -1}
		for row := range 16 {
			text := ldRead(a, a.Stream(row, 16, 0), n)
			if prev, dup := seen[text]; dup {
				t.Errorf("row %d repeats row %d (-1: the held-out text)", row, prev)
			}
			seen[text] = row
		}
	})
	t.Run("a huge HeldMax generates at most a million held-out characters", func(t *testing.T) {
		c, err := loadGenerated(ldGenerated(), Options{HeldMax: 1<<31 - 1})
		if err != nil {
			t.Fatal(err)
		}
		if ids, text := c.Held(); len(ids) != 1_000_000 || len(text) != 1_000_000 {
			t.Errorf("held out %d characters, want 1,000,000", len(text))
		}
	})
	t.Run("a row depends on its index alone, not on the number of rows", func(t *testing.T) {
		if ldRead(a, a.Stream(2, 3, 0), n) != ldRead(a, a.Stream(2, 64, 0), n) {
			t.Error("row 2 of 3 differs from row 2 of 64")
		}
	})
}

func TestDerivedSeedsAreDistinct(t *testing.T) {
	for _, seed := range []uint64{0, 1, 42, 1<<64 - 1} {
		seen := map[uint64]uint64{derivedSeed(seed, heldOutTag): heldOutTag}
		for tag := range uint64(10000) {
			s := derivedSeed(seed, tag)
			if prev, dup := seen[s]; dup {
				t.Fatalf("seed %d: tags %d and %d share %#x", seed, prev, tag, s)
			}
			seen[s] = tag
		}
	}
}

func TestEmbeddedCorpora(t *testing.T) {
	list := List()
	gens := generators()
	if len(list) == 0 || len(list) != len(gens) {
		t.Fatalf("List() has %d corpora, generators() %d", len(list), len(gens))
	}
	for i, info := range list {
		g := gens[i]
		t.Run(info.Name, func(t *testing.T) {
			if info.Name != g.Name || info.Doc != g.Doc || info.Alphabet != len(g.Alphabet) {
				t.Errorf("List()[%d] = %+v, generators()[%d] is %q with %d characters", i, info, i, g.Name, len(g.Alphabet))
			}
			c, err := Load(info.Name, Options{Seed: 3, HeldMax: 100})
			if err != nil {
				t.Fatal(err)
			}
			if c.Name != info.Name || !c.Generated() || !c.Vocab.Equal(NewVocab(g.Alphabet, false)) {
				t.Errorf("Load(%q): Name %q, Generated %v, vocabulary %q", info.Name, c.Name, c.Generated(), string(c.Vocab.Runes()))
			}
			text := ldRead(c, c.Stream(1, 2, 5), 2000)
			for _, r := range text {
				if !slices.Contains(g.Alphabet, r) {
					t.Fatalf("stream emitted %q, outside the alphabet", r)
				}
			}
			if ids, held := c.Held(); len(ids) != 100 || len(held) != 100 {
				t.Errorf("held-out %d characters, want HeldMax 100", len(held))
			}
		})
	}
}

func TestEmbeddedNamesWinOverFiles(t *testing.T) {
	name := List()[0].Name
	dir := t.TempDir()
	ldWrite(t, dir, name, "a file with an embedded corpus's name\n")
	t.Chdir(dir)
	c, err := Load(name, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Generated() {
		t.Errorf("Load(%q) read the file, want the embedded corpus", name)
	}
	c, err = Load("."+string(filepath.Separator)+name, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Generated() {
		t.Errorf("Load(./%s) gave the embedded corpus, want the file", name)
	}
}

func TestGeneratedThroughAGivenVocab(t *testing.T) {
	g := ldGenerated()
	t.Run("a reordered vocabulary sets the ids", func(t *testing.T) {
		v := NewVocab([]rune("\nhgfedcba"), false)
		c, err := loadGenerated(g, Options{Vocab: v})
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := loadGenerated(g, Options{})
		if ldRead(c, c.Stream(0, 1, 0), 300) != ldRead(plain, plain.Stream(0, 1, 0), 300) {
			t.Error("the text changed with the vocabulary")
		}
		ids := make([]int32, 1)
		c.Stream(0, 1, 0).Read(ids)
		if r := ldRead(plain, plain.Stream(0, 1, 0), 1); ids[0] != v.ID([]rune(r)[0]) {
			t.Errorf("id %d, want %d from the given vocabulary", ids[0], v.ID([]rune(r)[0]))
		}
	})
	t.Run("a missing character with an unknown token reads as unknown", func(t *testing.T) {
		c, err := loadGenerated(g, Options{Vocab: NewVocab([]rune("abcd"), true)})
		if err != nil {
			t.Fatal(err)
		}
		if text := ldRead(c, c.Stream(0, 1, 0), 300); strings.ContainsAny(text, "efgh\n") || !strings.ContainsRune(text, '\uFFFD') {
			t.Errorf("read %q, want only a-d and U+FFFD", text[:40])
		}
	})
	t.Run("a missing character without an unknown token is an error", func(t *testing.T) {
		_, err := loadGenerated(g, Options{Vocab: NewVocab([]rune("abcdefgh"), false)})
		want := `--corpus "letters": character '\n' (U+000A) of its alphabet is not in the checkpoint's vocabulary, which has no unknown token`
		if err == nil || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
	})
}

func BenchmarkStreamRead(b *testing.B) {
	path := ldWrite(b, b.TempDir(), "code.txt", strings.Repeat("if (x) { y = \"z\"; } // 안녕\n", 40000))
	file, err := Load(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	gen, err := loadGenerated(ldGenerated(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []*Corpus{file, gen} {
		b.Run(c.Name, func(b *testing.B) {
			const T = 64 * 50 // batch × seq
			dst := make([]int32, T)
			s := c.Stream(0, 1, 0)
			b.ReportAllocs()
			for b.Loop() {
				s.Read(dst)
			}
			b.ReportMetric(float64(T*b.N)/b.Elapsed().Seconds(), "chars/s")
		})
	}
}
