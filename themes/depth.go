package themes

import (
	"image/color"

	"github.com/charmbracelet/colorprofile"
)

// Depth is how many colours the terminal shows. It is themes' own type so
// that callers need not know colorprofile's finer distinctions (NoTTY and
// ASCII both mean "no colour").
type Depth int

// Depths, poorest first.
const (
	Mono      Depth = iota // no colour: NO_COLOR (ASCII profile) or TERM=dumb (NoTTY)
	ANSI16                 // the 16 basic colours, whose exact shades the terminal decides
	ANSI256                // the xterm 256-colour palette
	TrueColor              // 24-bit colour
)

// DepthOf maps a colour profile to a Depth. Unknown counts as TrueColor:
// colours then stay exact and the renderer downsamples them as it writes.
func DepthOf(p colorprofile.Profile) Depth {
	switch p {
	case colorprofile.NoTTY, colorprofile.ASCII:
		return Mono
	case colorprofile.ANSI:
		return ANSI16
	case colorprofile.ANSI256:
		return ANSI256
	default:
		return TrueColor
	}
}

// Profile is the colour profile that shows exactly this Depth.
func (d Depth) Profile() colorprofile.Profile {
	switch d.clamp() {
	case Mono:
		return colorprofile.ASCII
	case ANSI16:
		return colorprofile.ANSI
	case ANSI256:
		return colorprofile.ANSI256
	default:
		return colorprofile.TrueColor
	}
}

// String names the depth as a user would: "mono", "16", "256", "truecolor".
func (d Depth) String() string {
	switch d.clamp() {
	case Mono:
		return "mono"
	case ANSI16:
		return "16"
	case ANSI256:
		return "256"
	default:
		return "truecolor"
	}
}

// clamp maps out-of-range values to the nearest depth.
func (d Depth) clamp() Depth {
	return min(max(d, Mono), TrueColor)
}

// Convert returns c as the terminal will show it at this depth: nil for
// Mono and for a nil c, an ansi.BasicColor at 16 colours, an
// ansi.IndexedColor at 256, an 8-bit color.RGBA at TrueColor. It uses
// colorprofile's conversion, the same one Bubble Tea's renderer applies.
func (d Depth) Convert(c color.Color) color.Color {
	if c == nil {
		return nil
	}
	switch d.clamp() {
	case Mono:
		return nil
	case ANSI16:
		return colorprofile.ANSI.Convert(c)
	case ANSI256:
		return colorprofile.ANSI256.Convert(c)
	default:
		r, g, b, _ := c.RGBA()
		return color.RGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0xff}
	}
}
