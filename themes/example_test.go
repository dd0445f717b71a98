package themes_test

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/rnnscope/rnnscope/themes"
)

// The diverging map's legend: names and values are the same in every theme;
// the swatches differ.
func ExampleMap_Legend() {
	st := themes.New("dark", themes.TrueColor, true)
	for _, it := range st.Div.Legend() {
		fmt.Printf("%+6.3f %s\n", it.Value, it.Name)
	}
	// Output:
	// -1.000 strong negative
	// -0.500 negative
	// -0.125 weak negative
	// +0.000 zero
	// +0.125 weak positive
	// +0.500 positive
	// +1.000 strong positive
}

// Without colour (NO_COLOR, TERM=dumb, or --theme mono) text carries sign
// and magnitude in attributes, and heatmap cells in glyphs.
func ExampleMap_Legend_mono() {
	st := themes.New("dark", themes.Mono, true) // any theme at Depth Mono is mono
	for _, it := range st.Div.Legend() {
		fmt.Printf("%-16s %s\n", it.Name, it.Desc)
	}
	for _, it := range st.Seq.Legend() {
		fmt.Printf("%-16s %s\n", it.Name, it.Desc)
	}
	// Output:
	// strong negative  underline bold reverse, "▬"
	// negative         underline bold, "="
	// weak negative    underline, "-"
	// zero             faint, "·"
	// weak positive    plain, "░"
	// positive         bold, "▒"
	// strong positive  bold reverse, "█"
	// zero             faint, " "
	// low              plain, "░"
	// mid              bold, "▒"
	// high             bold reverse, "█"
}

// A Pen colours the probe text one character at a time and writes an SGR
// sequence only where the look changes: here a "quote unit" is negative
// outside the quotes and positive inside, at 16 colours on a light
// terminal (blue background outside, dark red inside, white text on both).
func ExamplePen() {
	st := themes.New("light", themes.ANSI16, false)
	acts := []float64{-0.9, 0.9, 0.95, 0.9, 0.85, -0.9}
	var b strings.Builder
	pen := st.Div.Pen(&b)
	for i, ch := range `a"bc"d` {
		pen.Text(st.Div.Level(acts[i], 1), ch)
	}
	pen.End()
	fmt.Printf("%q\n", b.String())
	fmt.Println(ansi.Strip(b.String()))
	// Output:
	// "\x1b[0;97;44ma\x1b[0;97;41m\"bc\"\x1b[0;97;44md\x1b[m"
	// a"bc"d
}
