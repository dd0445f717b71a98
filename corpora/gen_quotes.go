package corpora

import (
	"math"
	"math/rand/v2"
)

// The quotes corpus: English-like prose with double-quoted dialogue. Dialogue and
// narration share their nouns but differ in person, tense and punctuation, because
// with one shared word distribution no quote unit forms (research/emergence.md,
// quotes_same: best unit |r| 0.19 after 5M chars).

// quoteWords holds the vocabulary of the quotes corpus. It is built by a function
// for each generator and never changed.
type quoteWords struct {
	nouns []string // shared by narration and dialogue

	names     []string
	nSubjects []string // third person
	nVerbs    []string // intransitive, past tense
	nTrans    []string // transitive, past tense
	nDets     []string
	preps     []string
	advs      []string
	adjs      []string
	says      []string

	dSubjects []string // first and second person
	dVerbs    []string // present tense
	dDets     []string
	dPronouns []string
	mods      []string
	tails     []string
	questions []string
	aux       []string
	interj    []string
	shorts    []string // whole short lines of dialogue
	states    []string // "I'm", "you're", ...
	feelings  []string // "afraid of", ...
}

func newQuoteWords() quoteWords {
	return quoteWords{
		nouns: []string{"window", "door", "fire", "table", "road", "letter", "garden",
			"carriage", "river", "candles", "house", "horses", "money", "truth", "war",
			"city", "morning", "night", "father", "brother", "sister", "children",
			"regiment", "music", "dinner", "snow", "map", "wall"},
		names: []string{"Anna", "Pierre", "Marya", "Nikolai", "Sonya", "Boris", "Helene",
			"Andrew", "Natasha", "Denisov", "Dolokhov", "Vera", "Karataev"},
		nSubjects: []string{"he", "she", "they", "the old man", "the prince", "the officer",
			"his sister", "the count", "her mother", "the soldiers", "nobody", "he", "she"},
		nVerbs: []string{"walked", "looked", "turned", "stood", "waited", "smiled", "sat",
			"glanced", "paused", "listened", "hesitated", "rode", "returned", "laughed"},
		nTrans: []string{"opened", "closed", "found", "carried", "left", "saw", "knew",
			"wanted", "read", "remembered", "noticed", "watched"},
		nDets: []string{"the", "the", "his", "her", "their"},
		preps: []string{"toward", "beside", "across", "near", "behind", "along", "past"},
		advs: []string{"slowly", "quietly", "at last", "for a moment", "again", "silently",
			"in the evening", "without a word", "once more", "suddenly"},
		adjs: []string{"cold", "grey", "narrow", "empty", "dark", "pale", "heavy", "old"},
		says: []string{"said", "asked", "replied", "whispered", "cried", "answered",
			"muttered", "added"},

		dSubjects: []string{"I", "you", "we", "I", "you", "I", "we"},
		dVerbs: []string{"know", "think", "want", "see", "need", "remember", "believe",
			"mean", "hope", "understand", "feel", "like", "doubt", "open", "find", "leave"},
		dDets:     []string{"the", "my", "your", "our"},
		dPronouns: []string{"it", "this", "that", "you", "me", "us"},
		mods: []string{"do not", "really", "never", "always", "still", "must", "can",
			"will", "should", "cannot", "don't", "can't", "won't"},
		tails: []string{"now", "today", "tonight", "here", "at all", "so well", "too",
			"my dear", "of course", "already"},
		questions: []string{"why", "how", "what", "where", "when", "who"},
		aux:       []string{"do", "can", "will", "should"},
		interj:    []string{"Oh", "Well", "No", "Yes", "Listen", "Ah", "Look", "Please"},
		shorts: []string{"Never!", "Why not?", "Stop it!", "Listen...", "Oh, no!",
			"Yes, yes.", "Please!", "Really?", "Not now.", "Look here!", "Who is it?",
			"Come in!", "Me? Never.", "Well?", "You again?", "I'm here!", "It's you?"},
		states:   []string{"I'm", "you're", "we're", "it's"},
		feelings: []string{"afraid of", "sure of", "tired of", "thinking of", "right about"},
	}
}

// quotesSyntax is every character the quotes generator writes besides its words.
const quotesSyntax = "\n \".,?!'"

func quotesAlphabet() []rune {
	w := newQuoteWords()
	upper := func(l []string) []string { // sentences start with a capital
		out := make([]string, len(l))
		for i, s := range l {
			out[i] = string(asciiUpper(s[0])) + s[1:]
		}
		return out
	}
	return alphabetOf(w.nouns, w.names, w.nSubjects, upper(w.nSubjects), w.nVerbs,
		w.nTrans, w.nDets, w.preps, w.advs, upper(w.advs), w.adjs, w.says, w.dSubjects,
		upper(w.dSubjects), w.dVerbs, w.dDets, w.dPronouns, w.mods, w.tails, w.questions,
		upper(w.questions), w.aux, upper(w.aux), w.interj, w.shorts, w.states,
		upper(w.states), w.feelings, []string{quotesSyntax, "and at"})
}

func asciiUpper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// quotesWidth is the column the prose is wrapped at.
const quotesWidth = 72

// quotesGen writes one wrapped paragraph at a time (with the blank line after it)
// and serves it as runes. It knows which characters are inside dialogue.
type quotesGen struct {
	rng *rand.Rand
	w   quoteWords
	buf []byte // the paragraph being served; ASCII only
	pos int

	inside bool    // state after the last written character
	truth  *[]bool // test hook: inside dialogue after each character, or nil
	par    []bool  // truth of buf while it is being built (only with truth)
}

func newQuotesGen(seed uint64) *quotesGen {
	return &quotesGen{rng: rand.New(rand.NewPCG(seed, 0x9007e5)), w: newQuoteWords()}
}

// ReadRunes fills dst with the next characters of the endless stream.
func (g *quotesGen) ReadRunes(dst []rune) {
	for i := range dst {
		if g.pos == len(g.buf) {
			g.buf, g.pos = g.buf[:0], 0
			g.paragraph()
		}
		dst[i] = rune(g.buf[g.pos])
		g.pos++
	}
}

func (g *quotesGen) put(s string) {
	g.buf = append(g.buf, s...)
	if g.truth != nil {
		for range len(s) {
			g.par = append(g.par, g.inside)
		}
	}
}

func (g *quotesGen) putc(c byte) {
	g.buf = append(g.buf, c)
	if g.truth != nil {
		g.par = append(g.par, g.inside)
	}
}

func (g *quotesGen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *quotesGen) chance(p float64) bool { return g.rng.Float64() < p }

// capitalize upper-cases the character at buf[i], the start of a sentence.
func (g *quotesGen) capitalize(i int) { g.buf[i] = asciiUpper(g.buf[i]) }

// paragraph writes one to four pieces of narration and dialogue, wraps them and
// ends them with a blank line.
func (g *quotesGen) paragraph() {
	g.par = g.par[:0]
	for p := range 1 + g.rng.IntN(4) {
		if p > 0 {
			g.putc(' ')
		}
		switch r := g.rng.Float64(); {
		case r < 0.5: // narration
			for s := range 1 + g.rng.IntN(3) {
				if s > 0 {
					g.putc(' ')
				}
				g.narration()
			}
		case r < 0.7: // "Dialogue," said Name.
			g.dialogue(true)
			g.putc(' ')
			g.put(g.pick(g.w.says))
			g.putc(' ')
			g.put(g.pick(g.w.names))
			g.putc('.')
		case r < 0.85: // Name said, "Dialogue."
			g.put(g.pick(g.w.names))
			g.putc(' ')
			g.put(g.pick(g.w.says))
			g.put(", ")
			g.dialogue(false)
		default: // "Dialogue."
			g.dialogue(false)
		}
	}
	wrap(g.buf, quotesWidth)
	g.put("\n\n")
	if g.truth != nil {
		*g.truth = append(*g.truth, g.par...)
	}
}

// wrap breaks lines longer than width by turning spaces into newlines, in place,
// so each character keeps its truth (a newline inside dialogue is inside).
func wrap(buf []byte, width int) {
	lineStart, space := 0, -1
	for e := 0; e <= len(buf); e++ {
		if e < len(buf) && buf[e] != ' ' {
			continue
		}
		if e-lineStart > width && space >= lineStart {
			buf[space] = '\n'
			lineStart = space + 1
		}
		space = e
	}
}

// dialogue writes a quotation of 5 to 200 characters between the quote marks
// (median about 50). With said, a final full stop becomes a comma, as in
// "I know it," said Anna.
func (g *quotesGen) dialogue(said bool) {
	g.inside = true
	g.putc('"')
	start := len(g.buf)
	target := int(math.Exp(3.6 + 0.8*g.rng.NormFloat64()))
	if target < 16 {
		g.put(g.pick(g.w.shorts))
	} else {
		for len(g.buf)-start < target {
			mark := len(g.buf)
			if mark > start {
				g.putc(' ')
			}
			g.speech()
			if len(g.buf)-start > 200 && mark > start { // too long: drop the last sentence
				g.buf = g.buf[:mark]
				if g.truth != nil {
					g.par = g.par[:mark]
				}
				break
			}
		}
	}
	if last := len(g.buf) - 1; said && g.buf[last] == '.' {
		g.buf[last] = ','
	}
	g.inside = false
	g.putc('"')
}

// speech writes one sentence of dialogue: first and second person, present
// tense, often a question or an exclamation.
func (g *quotesGen) speech() {
	w := &g.w
	start := len(g.buf)
	switch r := g.rng.Float64(); {
	case r < 0.28: // Why do you know the letter?
		g.put(g.pick(w.questions))
		g.putc(' ')
		g.put(g.pick(w.aux))
		g.putc(' ')
		g.put(g.pick(w.dSubjects))
		g.putc(' ')
		g.put(g.pick(w.dVerbs))
		g.putc(' ')
		g.speechObject()
		g.putc('?')
	case r < 0.40: // Can we find our house?
		g.put(g.pick(w.aux))
		g.putc(' ')
		g.put(g.pick(w.dSubjects[1:3]))
		g.putc(' ')
		g.put(g.pick(w.dVerbs))
		g.putc(' ')
		g.speechObject()
		g.putc('?')
	case r < 0.55: // Oh, I remember the fire!
		g.put(g.pick(w.interj))
		g.put(", ")
		g.put(g.pick(w.dSubjects))
		g.putc(' ')
		g.put(g.pick(w.dVerbs))
		g.putc(' ')
		g.speechObject()
		g.putc('!')
	case r < 0.68: // I'm afraid of the river, my dear!
		g.put(g.pick(w.states))
		g.putc(' ')
		g.put(g.pick(w.feelings))
		g.putc(' ')
		g.speechObject()
		if g.chance(0.5) {
			g.put(", ")
			g.put(g.pick(w.tails))
		}
		if g.chance(0.5) {
			g.putc('.')
		} else {
			g.putc('!')
		}
	default: // We never see my father now.
		g.put(g.pick(w.dSubjects))
		g.putc(' ')
		g.put(g.pick(w.mods))
		g.putc(' ')
		g.put(g.pick(w.dVerbs))
		g.putc(' ')
		g.speechObject()
		g.putc(' ')
		g.put(g.pick(w.tails))
		g.putc('.')
	}
	g.capitalize(start)
}

func (g *quotesGen) speechObject() {
	if g.chance(0.35) {
		g.put(g.pick(g.w.dPronouns))
		return
	}
	g.put(g.pick(g.w.dDets))
	g.putc(' ')
	g.put(g.pick(g.w.nouns))
}

// narration writes one sentence of narration: third person, past tense, ending
// with a full stop.
func (g *quotesGen) narration() {
	w := &g.w
	start := len(g.buf)
	switch r := g.rng.Float64(); {
	case r < 0.3: // he walked toward the window
		g.subject()
		g.putc(' ')
		g.put(g.pick(w.nVerbs))
		g.putc(' ')
		g.put(g.pick(w.preps))
		g.putc(' ')
		g.narrationObject()
	case r < 0.5: // she smiled slowly
		g.subject()
		g.putc(' ')
		g.put(g.pick(w.nVerbs))
		g.putc(' ')
		g.put(g.pick(w.advs))
	case r < 0.65: // they rode past the dark road and laughed
		g.subject()
		g.putc(' ')
		g.put(g.pick(w.nVerbs))
		g.putc(' ')
		g.put(g.pick(w.preps))
		g.put(" the ")
		g.put(g.pick(w.adjs))
		g.putc(' ')
		g.put(g.pick(w.nouns))
		g.put(" and ")
		g.put(g.pick(w.nVerbs))
	case r < 0.85: // the count opened his letter
		g.subject()
		g.putc(' ')
		g.put(g.pick(w.nTrans))
		g.putc(' ')
		g.narrationObject()
	default: // at last, he looked at the fire
		g.put(g.pick(w.advs))
		g.put(", ")
		g.subject()
		g.putc(' ')
		g.put(g.pick(w.nVerbs))
		g.put(" at ")
		g.narrationObject()
	}
	if g.chance(0.15) {
		g.put(", and ")
		g.subject()
		g.putc(' ')
		g.put(g.pick(w.nVerbs))
	}
	g.putc('.')
	g.capitalize(start)
}

func (g *quotesGen) subject() {
	if g.chance(0.2) {
		g.put(g.pick(g.w.names))
		return
	}
	g.put(g.pick(g.w.nSubjects))
}

func (g *quotesGen) narrationObject() {
	if g.chance(0.15) { // an apostrophe outside dialogue: Anna's letter
		g.put(g.pick(g.w.names))
		g.put("'s ")
		g.put(g.pick(g.w.nouns))
		return
	}
	g.put(g.pick(g.w.nDets))
	g.putc(' ')
	if g.chance(0.2) {
		g.put(g.pick(g.w.adjs))
		g.putc(' ')
	}
	g.put(g.pick(g.w.nouns))
}
