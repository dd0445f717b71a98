package corpora

import (
	"fmt"
	"math/rand/v2"
)

// The recall corpus, for the vanishing-gradient lesson. The stream is a sequence
// of episodes of Lag+1 characters each, with nothing between them:
//
//	K f f … f K    (K one of recallKeys, Lag−1 fillers f from recallFillers)
//
// Every key and every filler is drawn uniformly and independently, except the last
// character of an episode, which repeats its first. That repeat is the only
// predictable character: predicting it needs the key seen exactly Lag characters
// earlier, and because every episode has the same length, its position is
// periodic, so a model also has to count (there is no cue). A perfect model
// reaches (log2 8 + (Lag−1)·log2 4) / (Lag+1) bits per character; one that never
// recalls pays 3 more bits on each repeat, 3/(Lag+1) more bits per character.
const (
	recallKeys    = "ABCDEFGH"
	recallFillers = "abcd"
	// RecallLagDefault is the lag when GenOptions.Lag is 0.
	RecallLagDefault = 20
	// RecallLagMax is the longest lag the recall corpus accepts.
	RecallLagMax = 1000
)

// recallGen writes one episode at a time and serves it as runes.
type recallGen struct {
	rng *rand.Rand
	lag int
	buf []byte
	pos int
}

// newRecallGen starts a recall stream. lag 0 means RecallLagDefault. The caller
// validates user input: a lag outside 1..RecallLagMax is a programming error and
// panics (it is never clamped, which would silently change the lesson).
func newRecallGen(seed uint64, lag int) *recallGen {
	if lag == 0 {
		lag = RecallLagDefault
	}
	if lag < 1 || lag > RecallLagMax {
		panic(fmt.Sprintf("corpora: recall lag %d: want 1 to %d", lag, RecallLagMax))
	}
	return &recallGen{
		rng: rand.New(rand.NewPCG(seed, 0x5eca11)),
		lag: lag,
		buf: make([]byte, 0, lag+1),
	}
}

// ReadRunes fills dst with the next characters of the endless stream.
func (g *recallGen) ReadRunes(dst []rune) {
	for i := range dst {
		if g.pos == len(g.buf) {
			g.episode()
		}
		dst[i] = rune(g.buf[g.pos])
		g.pos++
	}
}

func (g *recallGen) episode() {
	g.buf, g.pos = g.buf[:0], 0
	key := recallKeys[g.rng.IntN(len(recallKeys))]
	g.buf = append(g.buf, key)
	var bits uint64
	for f := range g.lag - 1 {
		if f%32 == 0 { // 2 bits per filler, 32 fillers per draw
			bits = g.rng.Uint64()
		}
		g.buf = append(g.buf, recallFillers[bits&3])
		bits >>= 2
	}
	g.buf = append(g.buf, key)
}
