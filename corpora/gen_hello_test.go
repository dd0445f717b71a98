package corpora

import (
	"strings"
	"testing"
)

func TestHelloRepeatsWithoutSeparator(t *testing.T) {
	g := &helloGen{}
	var got []rune
	for _, n := range []int{1, 3, 7, 0, 12, 2} { // chunks that cut words anywhere
		buf := make([]rune, n)
		g.ReadRunes(buf)
		got = append(got, buf...)
	}
	if want := strings.Repeat("hello", 5); string(got) != want {
		t.Errorf("got %q, want %q", string(got), want)
	}
}
