package corpora

import (
	"fmt"
	"strconv"
	"strings"
)

// Info describes one embedded corpus for `rnnscope corpora` and --help.
type Info struct {
	Name, Doc string
	// Alphabet is the number of characters the generator can emit: its vocabulary size.
	Alphabet int
}

// List returns the embedded corpora in the order `rnnscope corpora` shows them; the
// first is the default.
func List() []Info {
	gens := generators()
	out := make([]Info, len(gens))
	for i, g := range gens {
		out[i] = Info{Name: g.Name, Doc: g.Doc, Alphabet: len(g.Alphabet)}
	}
	return out
}

func lookupGenerated(name string) (Generated, bool) {
	for _, g := range generators() {
		if g.Name == name {
			return g, true
		}
	}
	return Generated{}, false
}

// embeddedNames is "code, quotes, hello, recall": the names --corpus accepts.
func embeddedNames() string {
	var names []string
	for _, g := range generators() {
		names = append(names, g.Name)
	}
	return strings.Join(names, ", ")
}

// loadGenerated prepares a generated corpus: its vocabulary (the alphabet, in
// alphabet order, or opt.Vocab) and its held-out text, opt.HeldMax characters from a
// seed that no batch row uses.
func loadGenerated(g Generated, opt Options) (*Corpus, error) {
	if g.New == nil || len(g.Alphabet) == 0 {
		return nil, fmt.Errorf("corpora: generator %q has no alphabet or no New", g.Name)
	}
	seen := make(map[rune]bool, len(g.Alphabet))
	for _, r := range g.Alphabet {
		if seen[r] {
			return nil, fmt.Errorf("corpora: generator %q: %s appears twice in its alphabet", g.Name, strconv.QuoteRune(r))
		}
		seen[r] = true
	}
	v := opt.Vocab
	if v == nil {
		v = NewVocab(g.Alphabet, false)
	} else if v.Unknown() < 0 {
		for _, r := range g.Alphabet {
			if v.ID(r) < 0 {
				return nil, &Error{Spec: g.Name, Msg: fmt.Sprintf(
					"character %s (U+%04X) of its alphabet is not in the checkpoint's vocabulary, which has no unknown token",
					strconv.QuoteRune(r), r)}
			}
		}
	}
	n := min(opt.HeldMax, maxGenHeld)
	if n == 0 {
		n = defaultGenHeldMax
	}
	text := make([]rune, n)
	g.New(derivedSeed(opt.Seed, heldOutTag), opt.Gen).ReadRunes(text)
	ids := make([]int32, n)
	for i, r := range text {
		if !seen[r] {
			return nil, fmt.Errorf("corpora: generator %q emitted %s, which is outside its alphabet", g.Name, strconv.QuoteRune(r))
		}
		ids[i] = v.ID(r)
	}
	return &Corpus{
		Name:     g.Name,
		Doc:      g.Doc,
		Vocab:    v,
		gen:      &g,
		seed:     opt.Seed,
		genOpt:   opt.Gen,
		trainLen: -1,
		heldIDs:  ids,
		heldText: text,
	}, nil
}
