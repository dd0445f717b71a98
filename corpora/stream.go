package corpora

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
)

// Generated reports whether the corpus is written by a generator, so that training
// never runs out of fresh text and TrainLen is -1.
func (c *Corpus) Generated() bool { return c.gen != nil }

// TrainLen is the number of training characters, or -1 for a generated corpus, which
// never ends.
func (c *Corpus) TrainLen() int64 {
	if c.gen != nil {
		return -1
	}
	return c.trainLen
}

// Held returns the held-out tokens and their characters, index for index. text holds
// the characters as they appear in the corpus, so one outside the vocabulary shows as
// itself in text and as the unknown id in ids (labels are computed on text). Both
// slices are shared: callers must not modify them.
func (c *Corpus) Held() (ids []int32, text []rune) { return c.heldIDs, c.heldText }

// Stream is one batch row's endless supply of training tokens. A Stream is not safe
// for concurrent use; give each goroutine its own (they may share the Corpus).
type Stream struct {
	c   *Corpus
	off int64 // tokens read since the start, the initial offset included
	pos int64 // file corpora: index of the next token in the training part
	src RuneSource
}

// Stream opens batch row row of rows after skipping offset tokens, so that
// c.Stream(b, B, k) reads exactly what c.Stream(b, B, 0) reads after its first k
// tokens: a run resumed from a checkpoint at step s continues with offset s × seq.
//
// Rows of a file corpus are contiguous slices as in char-rnn: row b starts at
// ⌊b·TrainLen/rows⌋ and reads forward, wrapping around the training part. Row b of a
// generated corpus is the generator seeded with a seed derived from Options.Seed and
// b alone; skipping offset characters there means generating and discarding them.
//
// Stream panics unless 0 ≤ row < rows and offset ≥ 0: those are programming errors.
func (c *Corpus) Stream(row, rows int, offset int64) *Stream {
	if rows < 1 || row < 0 || row >= rows || offset < 0 {
		panic(fmt.Sprintf("corpora: Stream(%d, %d, %d): want 0 ≤ row < rows and offset ≥ 0", row, rows, offset))
	}
	s := &Stream{c: c, off: offset}
	if c.gen != nil {
		s.src = c.gen.New(derivedSeed(c.seed, uint64(row)), c.genOpt)
		var skip [4096]rune
		for k := offset; k > 0; {
			n := min(k, int64(len(skip)))
			s.src.ReadRunes(skip[:n])
			k -= n
		}
		return s
	}
	n := uint64(c.trainLen)
	hi, lo := bits.Mul64(uint64(row), n)
	start, _ := bits.Div64(hi, lo, uint64(rows)) // row < rows, so no overflow
	s.pos = int64((start + uint64(offset)%n) % n)
	return s
}

// Read fills dst with the next tokens. It never fails: a file corpus wraps around its
// training part and a generated one never ends.
func (s *Stream) Read(dst []int32) {
	s.off += int64(len(dst))
	c := s.c
	if c.gen != nil {
		s.src.ReadRunes(dst) // rune is int32: decode in place
		for i, r := range dst {
			id := c.Vocab.ID(r)
			if id < 0 {
				panic(fmt.Sprintf("corpora: generator %q emitted %s, which is outside its alphabet", c.gen.Name, strconv.QuoteRune(r)))
			}
			dst[i] = id
		}
		return
	}
	for len(dst) > 0 {
		n := min(int64(len(dst)), c.trainLen-s.pos)
		if c.train8 != nil {
			for i, id := range c.train8[s.pos : s.pos+n] {
				dst[i] = int32(id)
			}
		} else {
			for i, id := range c.train16[s.pos : s.pos+n] {
				dst[i] = int32(id)
			}
		}
		dst = dst[n:]
		if s.pos += n; s.pos == c.trainLen {
			s.pos = 0
		}
	}
}

// Offset is the number of tokens read since the start of the row, the offset given
// to Stream included: pass it back to Stream to resume here.
func (s *Stream) Offset() int64 { return s.off }

// heldOutTag is the derivedSeed tag of the held-out text; batch rows use tags 0, 1, 2…
const heldOutTag = math.MaxUint64

// derivedSeed gives a batch row (or the held-out text) its own generator seed:
// splitmix64's output function applied to seed + (tag+1)·γ, γ = 0x9E3779B97F4A7C15.
// γ is odd, so distinct tags give distinct inputs, and the mixer is a bijection: no two
// rows, and no row and the held-out text, ever share a seed.
func derivedSeed(seed, tag uint64) uint64 {
	z := seed + (tag+1)*0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}
