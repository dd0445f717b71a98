package cast

import (
	"fmt"
	"image/color"

	"github.com/charmbracelet/x/ansi"

	"github.com/rnnscope/rnnscope/themes"
)

// ThemeFor is the header theme of a recording made in an rnnscope theme ("auto"
// and "" resolve as on a terminal with the given background): the theme's text
// and background colours, and as the 16-colour palette the colours Bubble Tea's
// conversion to 16 colours assumes, so that a recording made with TERM=xterm
// plays with the colours that were meant. Mono, which has no colours, gets
// plain grey on black (or black on white).
func ThemeFor(name string, dark bool) *Theme {
	p := themes.New(name, themes.TrueColor, dark).Palette
	t := &Theme{Fg: "#d0d0d0", Bg: "#121212"}
	if !dark {
		t.Fg, t.Bg = "#1f2328", "#ffffff"
	}
	if p.Fg != nil && p.Bg != nil {
		t.Fg, t.Bg = hexOf(p.Fg), hexOf(p.Bg)
	}
	for i := range t.Palette {
		t.Palette[i] = hexOf(ansi.BasicColor(i))
	}
	return t
}

func hexOf(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}
