package corpora

// helloText is the lecture's example word. The stream repeats it with no separator,
// so the only uncertainty a model meets is where in the word it is: after "l" the
// next character is "l" or "o" depending on whether one "l" has been read already.
const helloText = "hello"

// helloGen serves "hellohellohello…". The seed does not matter.
type helloGen struct{ pos int }

// ReadRunes fills dst with the next characters of the endless stream.
func (g *helloGen) ReadRunes(dst []rune) {
	for i := range dst {
		dst[i] = rune(helloText[g.pos])
		g.pos++
		if g.pos == len(helloText) {
			g.pos = 0
		}
	}
}
