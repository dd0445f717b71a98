package corpora

import (
	"fmt"
	"slices"
	"unicode/utf8"
)

// unknownRune is the character of the unknown token, U+FFFD, which also stands for
// every invalid UTF-8 byte. A vocabulary that contains it has an unknown token.
const unknownRune = utf8.RuneError

// Vocab maps Unicode code points to token ids 0..Size()-1. Tokens are code points,
// never bytes, so a Hangul syllable is one token. U+FFFD, when present, is the unknown
// token: every character outside the vocabulary encodes as it.
//
// A Vocab is immutable after NewVocab, so trainers and the UI share one without locks.
type Vocab struct {
	runes   []rune         // id → code point
	bmp     []int32        // code point → id+1 for code points below len(bmp) (0: absent)
	astral  map[rune]int32 // code point → id for code points beyond the BMP
	unknown int32          // id of U+FFFD, or -1
}

// maxBMP bounds the direct lookup table: at most 64 Ki entries (256 KiB), enough for
// every Latin, Cyrillic, Greek, CJK and Hangul character.
const maxBMP = 0x10000

// NewVocab returns a vocabulary whose ids follow the order of runes. With unknown,
// U+FFFD is appended as the last id. A U+FFFD already among runes is the unknown token
// wherever it stands (a checkpoint's vocabulary is rebuilt this way), and unknown then
// adds nothing. A repeated rune is a programming error and panics.
func NewVocab(runes []rune, unknown bool) *Vocab {
	v := &Vocab{runes: slices.Clone(runes), unknown: -1}
	if unknown && !slices.Contains(runes, unknownRune) {
		v.runes = append(v.runes, unknownRune)
	}
	top := rune(-1)
	for _, r := range v.runes {
		if r < maxBMP && r > top {
			top = r
		}
	}
	v.bmp = make([]int32, top+1)
	for i, r := range v.runes {
		id := int32(i)
		switch {
		case r < 0 || r > utf8.MaxRune:
			panic(fmt.Sprintf("corpora: NewVocab: %#x is not a code point", r))
		case r < maxBMP:
			if v.bmp[r] != 0 {
				panic(fmt.Sprintf("corpora: NewVocab: %q appears twice", r))
			}
			v.bmp[r] = id + 1
		default:
			if v.astral == nil {
				v.astral = make(map[rune]int32)
			}
			if _, dup := v.astral[r]; dup {
				panic(fmt.Sprintf("corpora: NewVocab: %q appears twice", r))
			}
			v.astral[r] = id
		}
		if r == unknownRune {
			v.unknown = id
		}
	}
	return v
}

// Size is the number of tokens, the unknown token included: the V of the network.
func (v *Vocab) Size() int { return len(v.runes) }

// ID returns the token id of r: the unknown id for a character outside the vocabulary,
// or -1 when there is no unknown token.
func (v *Vocab) ID(r rune) int32 {
	if r >= 0 && r < rune(len(v.bmp)) {
		if id := v.bmp[r]; id != 0 {
			return id - 1
		}
		return v.unknown
	}
	if r >= maxBMP {
		if id, ok := v.astral[r]; ok {
			return id
		}
	}
	return v.unknown
}

// Rune returns the character of token id; it panics when id is not in 0..Size()-1.
func (v *Vocab) Rune(id int32) rune { return v.runes[id] }

// Runes returns a copy of the characters in id order, U+FFFD included when present.
// This is the `vocab` list a checkpoint stores.
func (v *Vocab) Runes() []rune { return slices.Clone(v.runes) }

// Unknown returns the id of the unknown token U+FFFD, or -1 when there is none.
func (v *Vocab) Unknown() int32 { return v.unknown }

// Equal reports whether v and o hold the same characters in the same order, so that a
// checkpoint trained with one can be fed ids made with the other.
func (v *Vocab) Equal(o *Vocab) bool {
	if v == nil || o == nil {
		return v == o
	}
	return slices.Equal(v.runes, o.runes)
}

// buildVocab chooses the vocabulary of a text from its character counts: every
// distinct character if there are at most max of them, else the max−1 most frequent
// (ties to the smaller code point) plus the unknown token. Kept characters are
// ordered by code point and U+FFFD, the unknown token, always comes last; if the text
// itself contains U+FFFD (from invalid UTF-8), it is that unknown token.
func buildVocab(c *runeCounts, max int) *Vocab {
	others := make([]rune, 0, len(c.seen))
	hasUnknown := false
	for _, r := range c.seen {
		if r == unknownRune {
			hasUnknown = true
			continue
		}
		others = append(others, r)
	}
	if len(c.seen) > max {
		slices.SortFunc(others, func(a, b rune) int {
			ca, cb := c.get(a), c.get(b)
			switch {
			case ca > cb:
				return -1
			case ca < cb:
				return 1
			}
			return int(a - b)
		})
		others = others[:max-1]
		hasUnknown = true
	}
	slices.Sort(others)
	return NewVocab(others, hasUnknown)
}

// runeCounts tallies code points. seen lists each counted character once, in the order
// it was first met, so "the first character outside the vocabulary" is well defined
// and merging is proportional to the number of distinct characters, not to 64 Ki.
type runeCounts struct {
	bmp    []int64 // lazily 64 Ki entries
	astral map[rune]int64
	seen   []rune
}

func (c *runeCounts) add(r rune, n int64) {
	if n == 0 {
		return
	}
	if r < maxBMP {
		if c.bmp == nil {
			c.bmp = make([]int64, maxBMP)
		}
		if c.bmp[r] == 0 {
			c.seen = append(c.seen, r)
		}
		c.bmp[r] += n
		return
	}
	if c.astral == nil {
		c.astral = make(map[rune]int64)
	}
	if c.astral[r] == 0 {
		c.seen = append(c.seen, r)
	}
	c.astral[r] += n
}

// addRunes counts every rune of rs; decoded runes are always valid code points.
func (c *runeCounts) addRunes(rs []rune) {
	if c.bmp == nil {
		c.bmp = make([]int64, maxBMP)
	}
	bmp := c.bmp
	for _, r := range rs {
		if r < maxBMP {
			if bmp[r] == 0 {
				c.seen = append(c.seen, r)
			}
			bmp[r]++
			continue
		}
		c.add(r, 1)
	}
}

func (c *runeCounts) get(r rune) int64 {
	if r < maxBMP {
		if c.bmp == nil {
			return 0
		}
		return c.bmp[r]
	}
	return c.astral[r]
}

// mergeInto adds c to dst and empties c, keeping c's table for the next file.
func (c *runeCounts) mergeInto(dst *runeCounts) {
	for _, r := range c.seen {
		dst.add(r, c.get(r))
	}
	c.reset()
}

func (c *runeCounts) reset() {
	for _, r := range c.seen {
		if r < maxBMP {
			c.bmp[r] = 0
		}
	}
	clear(c.astral)
	c.seen = c.seen[:0]
}
