package themes

import (
	"image/color"

	"charm.land/lipgloss/v2"
	"github.com/lucasb-eyer/go-colorful"
)

// Levels is how many colours each side of the diverging map has (and how
// many the sequential map has above zero). Map.Level returns −Levels..Levels.
const Levels = 8

// Series indices: the three cells the comparison view trains side by side.
const (
	Vanilla = iota // rnn
	LSTM
	GRU
	NumSeries
)

// Palette holds a theme's semantic colours; themes swap colours, never
// meanings. In Styles.Palette every colour is already converted to the
// Styles' Depth, and all of them are nil in mono.
type Palette struct {
	Name string // theme name
	Dark bool   // designed for a dark background (Bg)

	Bg       color.Color // the background the colours were checked against
	Panel    color.Color // status bar and other filled strips
	Selected color.Color // background of the selected row
	Fg       color.Color // body text
	Muted    color.Color // captions, labels, help descriptions
	Accent   color.Color // focus, active tab, pinned unit
	Grid     color.Color // frames, axes, separators (not text)
	Warn     color.Color
	Error    color.Color
	OK       color.Color
	Pos      color.Color // text for values above zero
	Neg      color.Color // text for values below zero

	// InkLight and InkDark are the text colours drawn on a map colour or
	// on Accent; New picks, per colour, the one that contrasts more.
	InkLight, InkDark color.Color

	// NegRamp and PosRamp are the diverging map's Levels colours for each
	// sign, weakest first; SeqRamp is the sequential map's, lowest first.
	// Zero is never a colour: it is the terminal's own background.
	NegRamp, PosRamp, SeqRamp []color.Color

	// Series colours, indexed by Vanilla, LSTM, GRU.
	Series [NumSeries]color.Color
}

// palette returns the colours of a resolved theme name ("mono" included)
// for a dark or light terminal. "dark" and "light" ignore the flag: they name
// the background they are made for (New sets Styles.PaintBg when it differs).
func palette(name string, dark bool) Palette {
	switch name {
	case "light":
		return lightPalette()
	case "high-contrast":
		if dark {
			return highContrastDark()
		}
		return highContrastLight()
	case "colorblind":
		if dark {
			return colorblindDark()
		}
		return colorblindLight()
	case "mono":
		return Palette{Name: "mono", Dark: dark}
	default:
		return darkPalette()
	}
}

// darkPalette: for backgrounds near black. The diverging map is an
// "icefire" map: navy → blue → cyan below zero, dark red → orange → yellow
// above, so lightness (not only hue) grows with |v|; at 16 colours it
// becomes blue, bright blue, bright cyan against red, bright red, bright
// yellow. The sequential map is viridis-like, from deep blue to yellow,
// without viridis' purple start (which downsamples out of order).
func darkPalette() Palette {
	return Palette{
		Name: "dark", Dark: true,
		Bg: hex("#121212"), Panel: hex("#1f2329"), Selected: hex("#1c2f5a"),
		Fg: hex("#d7dae0"), Muted: hex("#a0a4a8"), Accent: hex("#d38ee0"),
		Grid: hex("#4b5263"), Warn: hex("#e6d56a"), Error: hex("#ff6b6b"), OK: hex("#8bd17c"),
		Pos: hex("#ff8a65"), Neg: hex("#6ad4e8"),
		InkLight: hex("#ffffff"), InkDark: hex("#000000"),
		NegRamp: ramp(Levels, "#10297d", "#2457d6", "#3d9df0", "#8ef0ff"),
		PosRamp: ramp(Levels, "#6a1616", "#c0392b", "#f07a3a", "#ffeb5a"),
		SeqRamp: ramp(Levels, "#232a86", "#1f9a9a", "#5cc8a0", "#7ad151", "#f5ec3a"),
		Series:  [NumSeries]color.Color{hex("#e69f00"), hex("#6ad4e8"), hex("#3ad68a")},
	}
}

// lightPalette: for white backgrounds. Below zero pale cyan → blue → navy,
// above pale yellow → orange-red → dark red (at 16 colours: bright cyan,
// bright blue, blue against bright yellow, bright red, red). Sequential is
// YlGnBu-like.
func lightPalette() Palette {
	return Palette{
		Name: "light", Dark: false,
		Bg: hex("#ffffff"), Panel: hex("#eef0f3"), Selected: hex("#dde3ea"),
		Fg: hex("#1f2328"), Muted: hex("#57606a"), Accent: hex("#7a20d0"),
		Grid: hex("#b8bec6"), Warn: hex("#6b6000"), Error: hex("#a40e26"), OK: hex("#0f7a2a"),
		Pos: hex("#b3261e"), Neg: hex("#1d5fb4"),
		InkLight: hex("#ffffff"), InkDark: hex("#000000"),
		NegRamp: ramp(Levels, "#dcf3ff", "#8cc4ee", "#3d7fd0", "#1a3f99"),
		PosRamp: ramp(Levels, "#ffeda0", "#fdb863", "#e0502a", "#8c1010"),
		SeqRamp: ramp(Levels, "#edf8b1", "#7fcdbb", "#1d91c0", "#0c2c84"),
		Series:  [NumSeries]color.Color{hex("#b35900"), hex("#0072b2"), hex("#007040")},
	}
}

// highContrastDark: for projectors with a black background. Every text
// colour is at least 7:1 on black, and every map level has a luminance at
// most 0.1 (white text, ≥ 7:1) or at least 0.3 (black text, ≥ 7:1): the
// ramps jump across the middle band where neither ink reaches 7:1. Warn and
// Error are drawn as badges (ink on the colour), so yellow can serve both
// backgrounds. Colours are exact xterm-256 entries where that keeps 7:1 at
// 256 colours.
func highContrastDark() Palette {
	return Palette{
		Name: "high-contrast", Dark: true,
		Bg: hex("#000000"), Panel: hex("#1a1a1a"), Selected: hex("#333333"),
		Fg: hex("#ffffff"), Muted: hex("#c8c8c8"), Accent: hex("#ff66ff"),
		Grid: hex("#9a9a9a"), Warn: hex("#ffff00"), Error: hex("#ff8080"), OK: hex("#00ff66"),
		Pos: hex("#ffa040"), Neg: hex("#40e0e0"),
		InkLight: hex("#ffffff"), InkDark: hex("#000000"),
		NegRamp: hexes("#00006e", "#0000a0", "#0000d8", "#1020ff", "#00b4ff", "#40d0ff", "#80e6ff", "#c8f8ff"),
		PosRamp: hexes("#5a0000", "#7a0000", "#960000", "#b00000", "#ff7a00", "#ffa000", "#ffd000", "#ffff40"),
		SeqRamp: hexes("#003c00", "#005000", "#005c00", "#006600", "#00d000", "#80f000", "#e0ff40", "#ffffc0"),
		Series:  [NumSeries]color.Color{hex("#ffb000"), hex("#00f0ff"), hex("#ff66ff")},
	}
}

// highContrastLight: the same rules on a white background.
func highContrastLight() Palette {
	return Palette{
		Name: "high-contrast", Dark: false,
		Bg: hex("#ffffff"), Panel: hex("#e6e6e6"), Selected: hex("#cccccc"),
		Fg: hex("#000000"), Muted: hex("#3a3a3a"), Accent: hex("#8b008b"),
		Grid: hex("#5a5a5a"), Warn: hex("#ffff00"), Error: hex("#b00000"), OK: hex("#006400"),
		Pos: hex("#a00000"), Neg: hex("#0000c0"),
		InkLight: hex("#ffffff"), InkDark: hex("#000000"),
		NegRamp: hexes("#c8f8ff", "#80e6ff", "#40d0ff", "#00b4ff", "#1020ff", "#0000d0", "#0000a0", "#000070"),
		PosRamp: hexes("#ffff60", "#ffd000", "#ffa000", "#ff8000", "#b00000", "#8c0000", "#680000", "#440000"),
		SeqRamp: hexes("#d0ffd0", "#80f080", "#00d000", "#00b000", "#006000", "#004800", "#003000", "#001800"),
		Series:  [NumSeries]color.Color{hex("#870000"), hex("#0000d7"), hex("#005f00")},
	}
}

// colorblindDark: blue against orange (safe for protan, deutan and tritan
// vision, and ordered by lightness so it reads in greyscale too), a
// cividis-like sequential map, Okabe–Ito series colours, and OK/Error that
// do not rely on green against red.
func colorblindDark() Palette {
	return Palette{
		Name: "colorblind", Dark: true,
		Bg: hex("#121212"), Panel: hex("#1f2329"), Selected: hex("#1c2f5a"),
		Fg: hex("#d7dae0"), Muted: hex("#a0a4a8"), Accent: hex("#d38ee0"),
		Grid: hex("#4b5263"), Warn: hex("#f0eb50"), Error: hex("#ff9a3c"), OK: hex("#6ad4e8"),
		Pos: hex("#ffa040"), Neg: hex("#6ad4e8"),
		InkLight: hex("#ffffff"), InkDark: hex("#000000"),
		NegRamp: ramp(Levels, "#1a3a8a", "#3a78d8", "#7ab8f5", "#bfeeff"),
		PosRamp: ramp(Levels, "#8a3a00", "#d9700a", "#ffae40", "#ffeb80"),
		SeqRamp: hexes("#00224e", "#182a80", "#4a5470", "#7a7a82", "#a8a6a0", "#d2c88c", "#e5d676", "#fff04a"),
		Series:  [NumSeries]color.Color{hex("#e69f00"), hex("#6ad4e8"), hex("#3ad68a")},
	}
}

// colorblindLight: PuOr-like, blue against orange, on white.
func colorblindLight() Palette {
	return Palette{
		Name: "colorblind", Dark: false,
		Bg: hex("#ffffff"), Panel: hex("#eef0f3"), Selected: hex("#dde3ea"),
		Fg: hex("#1f2328"), Muted: hex("#57606a"), Accent: hex("#7a20d0"),
		Grid: hex("#b8bec6"), Warn: hex("#6b6000"), Error: hex("#b35900"), OK: hex("#0062a0"),
		Pos: hex("#b35806"), Neg: hex("#2166ac"),
		InkLight: hex("#ffffff"), InkDark: hex("#000000"),
		NegRamp: ramp(Levels, "#d6ecff", "#7fb2e5", "#2c6cb5", "#0b2c6e"),
		PosRamp: ramp(Levels, "#ffeda0", "#fdb863", "#e66101", "#7f3b08"),
		SeqRamp: hexes("#fff59a", "#f0eb78", "#d2c88c", "#a8a6a0", "#7a7a82", "#4a5470", "#182a80", "#00224e"),
		Series:  [NumSeries]color.Color{hex("#b35900"), hex("#0072b2"), hex("#007040")},
	}
}

// hex parses "#rrggbb".
func hex(s string) color.Color { return lipgloss.Color(s) }

// hexes parses a list of "#rrggbb".
func hexes(s ...string) []color.Color {
	out := make([]color.Color, len(s))
	for i, h := range s {
		out[i] = hex(h)
	}
	return out
}

// ramp returns n colours evenly spaced, in CIELAB, along the polyline
// through the stops (the first and last are the stops themselves). Unlike
// lipgloss.Blend1D it repeats no colour where two segments meet, so a
// ramp's lightness can be strictly monotone.
func ramp(n int, stops ...string) []color.Color {
	cs := make([]colorful.Color, len(stops))
	for i, s := range stops {
		cs[i], _ = colorful.MakeColor(hex(s))
	}
	out := make([]color.Color, n)
	for i := range out {
		t := float64(i) / float64(n-1) * float64(len(cs)-1)
		k := min(int(t), len(cs)-2)
		r, g, b := cs[k].BlendLab(cs[k+1], t-float64(k)).Clamped().RGB255()
		out[i] = color.RGBA{R: r, G: g, B: b, A: 0xff}
	}
	return out
}

// convert returns p with every colour as the terminal shows it at d.
func (p Palette) convert(d Depth) Palette {
	q := p
	for _, c := range []*color.Color{&q.Bg, &q.Panel, &q.Selected, &q.Fg, &q.Muted,
		&q.Accent, &q.Grid, &q.Warn, &q.Error, &q.OK, &q.Pos, &q.Neg, &q.InkLight, &q.InkDark} {
		*c = d.Convert(*c)
	}
	conv := func(cs []color.Color) []color.Color {
		if cs == nil {
			return nil
		}
		out := make([]color.Color, len(cs))
		for i, c := range cs {
			out[i] = d.Convert(c)
		}
		return out
	}
	q.NegRamp, q.PosRamp, q.SeqRamp = conv(p.NegRamp), conv(p.PosRamp), conv(p.SeqRamp)
	for i, c := range p.Series {
		q.Series[i] = d.Convert(c)
	}
	return q
}
