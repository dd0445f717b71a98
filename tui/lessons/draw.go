package lessons

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui/cells"
)

// hjoin places two columns side by side: left padded to lw cells, a gap, then
// right padded to rw cells; the result has max(len(left), len(right)) lines.
func hjoin(left []string, lw int, gap int, right []string, rw int) []string {
	n := max(len(left), len(right))
	out := make([]string, n)
	for i := range n {
		var l, r string
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		out[i] = cells.Pad(l, lw) + strings.Repeat(" ", gap) + cells.Pad(r, rw)
	}
	return out
}

// num writes a signed value with a fixed number of decimals and an explicit
// sign, so that columns line up and mono shows the sign: "+0.42", "−1.07".
func num(v float64, dec int) string {
	if math.IsNaN(v) {
		return "  n/a"
	}
	s := fmt.Sprintf("%+.*f", dec, v)
	if s[0] == '-' {
		if strings.Trim(s[1:], "0.") == "" {
			return "+" + s[1:] // −0.00 reads as +0.00
		}
		return "−" + s[1:]
	}
	return s
}

// unum writes a non-negative value with dec decimals.
func unum(v float64, dec int) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.*f", dec, v)
}

// sci writes a magnitude as "3.2e-05" (or "0" for exactly zero).
func sci(v float64) string {
	switch {
	case v == 0:
		return "0"
	case math.IsNaN(v):
		return "n/a"
	case math.IsInf(v, 0):
		return "∞"
	case v >= 0.01 && v < 1000:
		return fmt.Sprintf("%.3g", v)
	}
	return fmt.Sprintf("%.1e", v)
}

// pct writes a fraction as a whole percentage.
func pct(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) }

// count writes a count of characters as "6.0M", "250k" or "512".
func count(n int64) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 10_000:
		return fmt.Sprintf("%.0fk", float64(n)/1e3)
	case n >= 1000:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}

// heat colours each of vals (one cell each) with the diverging map at scale,
// as blocks (a glyph ramp in mono, so the value survives without colour).
func heat(st *themes.Styles, vals []float64, scale float64) string {
	var b strings.Builder
	p := st.Div.Pen(&b)
	for _, v := range vals {
		p.Block(st.Div.Level(v, scale))
	}
	p.End()
	return b.String()
}

// heatSeq colours magnitudes in [0, scale] with the sequential map.
func heatSeq(st *themes.Styles, vals []float64, scale float64) string {
	var b strings.Builder
	p := st.Seq.Pen(&b)
	for _, v := range vals {
		p.Block(st.Seq.Level(v, scale))
	}
	p.End()
	return b.String()
}

// tinted writes text with each character coloured by its value (centred at
// centre, full colour at ±scale).
func tinted(st *themes.Styles, text []rune, vals []float64, centre, scale float64) string {
	var b strings.Builder
	p := st.Div.Pen(&b)
	for i, r := range text {
		p.Text(st.Div.Level(vals[i]-centre, scale), r)
	}
	p.End()
	return b.String()
}

// spark draws vals as sparkline bars over [lo, hi].
func spark(vals []float64, lo, hi float64) string {
	var b strings.Builder
	for _, v := range vals {
		if math.IsNaN(v) {
			b.WriteByte(' ')
			continue
		}
		f := 0.0
		if hi > lo {
			f = (v - lo) / (hi - lo)
		}
		b.WriteString(themes.Spark(f))
	}
	return b.String()
}

// visible maps a character to something printable in one cell: a newline shows
// as "↵", a tab as "→", a space stays a space.
func visible(r rune) rune {
	switch r {
	case '\n':
		return '↵'
	case '\t':
		return '→'
	case '\r':
		return '␍'
	}
	if r < ' ' {
		return '·'
	}
	return r
}

// visibleText maps every character with visible.
func visibleText(rs []rune) []rune {
	out := make([]rune, len(rs))
	for i, r := range rs {
		out[i] = visible(r)
	}
	return out
}

// cols lays out cells of equal width: each value right-aligned in w cells.
func cols(w int, vals ...string) string {
	var b strings.Builder
	for _, v := range vals {
		n := ansi.StringWidth(v)
		if n < w {
			b.WriteString(strings.Repeat(" ", w-n))
		}
		b.WriteString(v)
	}
	return b.String()
}

// ljust left-aligns s in w cells (never cuts).
func ljust(s string, w int) string {
	n := ansi.StringWidth(s)
	if n >= w {
		return s
	}
	return s + strings.Repeat(" ", w-n)
}

// Below these sizes a demonstration shows only a note asking for more room.
const (
	minViewW = 40
	minViewH = 4
)

// tooSmall returns the note for a view smaller than the minimum, and whether it
// is.
func tooSmall(w, h int, st *themes.Styles, lang Lang) (string, bool) {
	if w >= minViewW && h >= minViewH {
		return "", false
	}
	return cells.Fit([]string{st.Muted.Render(tr(lang, "(a larger window shows the demonstration)", "(창을 키우면 보인다)"))}, w, h), true
}

// josa picks the Korean particle that follows a word as it is read aloud:
// withFinal after a final consonant (받침), without otherwise. Unit names end in a
// digit, read as Sino-Korean numbers: 2 이, 4 사, 5 오, 9 구 end in a vowel; 0 (십,
// 백), 1 일, 3 삼, 6 육, 7 칠, 8 팔 in a consonant. Hangul is judged by its 받침;
// Latin letters by how they are usually read (l, m, n, r: 받침).
func josa(word, withFinal, without string) string {
	rs := []rune(word)
	if len(rs) == 0 {
		return word + without
	}
	r := rs[len(rs)-1]
	final := false
	switch {
	case r >= '0' && r <= '9':
		final = !strings.ContainsRune("2459", r)
	case r >= 0xAC00 && r <= 0xD7A3:
		final = (r-0xAC00)%28 != 0
	default:
		final = strings.ContainsRune("lmnrLMNR", r)
	}
	if final {
		return word + withFinal
	}
	return word + without
}
