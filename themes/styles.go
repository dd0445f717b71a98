package themes

import (
	"fmt"
	"image/color"
	"slices"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Names lists the themes, in the order --help shows them. "auto" (or "")
// is accepted as well and means dark or light from the terminal.
func Names() []string {
	return []string{"dark", "light", "high-contrast", "colorblind", "mono"}
}

// Check validates a --theme value: one of Names, "auto" or "".
func Check(name string) error {
	if name == "" || name == "auto" || slices.Contains(Names(), name) {
		return nil
	}
	return fmt.Errorf("--theme %q: want dark, light, high-contrast, colorblind or mono", name)
}

// Styles is everything the UI draws with, for one (theme, depth, dark).
// New builds it; nothing changes it afterwards, so share the pointer.
// Every lipgloss style is safe to Render at its Depth: at Mono it sets
// attributes only (bold, faint, underline, reverse), never a colour.
type Styles struct {
	Theme   string  // resolved: "dark", "light", "high-contrast", "colorblind" or "mono"
	Depth   Depth   // the depth the colours were converted to
	Dark    bool    // the palette is made for a dark background
	PaintBg bool    // the palette's background is not the terminal's ("light" on a dark terminal): fill the screen with Screen
	Palette Palette // the colours as the terminal shows them at Depth; all nil in mono

	Screen    lipgloss.Style // Fg on Bg: the whole-screen fill when PaintBg
	Text      lipgloss.Style // body text
	Muted     lipgloss.Style // secondary text (faint in mono)
	Accent    lipgloss.Style // emphasis (bold in mono)
	Title     lipgloss.Style // screen and panel titles
	Caption   lipgloss.Style // one-line explanations under a panel
	Tab       lipgloss.Style // a screen's name in the tab bar
	ActiveTab lipgloss.Style // the current screen's name; same width as Tab
	HelpKey   lipgloss.Style // key names in the help line
	HelpDesc  lipgloss.Style // what the keys do
	HelpSep   lipgloss.Style // separators between help entries
	Label     lipgloss.Style // header labels: "step", "loss"
	Value     lipgloss.Style // header values: "12 345", "1.92 bits/char"
	StatusBar lipgloss.Style // the bottom bar (reverse video in mono)
	Warn      lipgloss.Style
	Error     lipgloss.Style
	OK        lipgloss.Style
	Pos       lipgloss.Style // a signed number above zero (print its sign: mono shows no difference)
	Neg       lipgloss.Style // a signed number below zero

	// Frame and FocusedFrame draw panel borders. They have the same size
	// (one cell each side); focus shows as a heavier line as well as a
	// colour, so it survives mono.
	Frame        lipgloss.Style
	FocusedFrame lipgloss.Style

	Grid     lipgloss.Style // axes, ticks and rules (faint in mono)
	Selected lipgloss.Style // the cursor row in a list (bold underline in mono)

	// Pinned is the pinned unit's label: reverse video in every theme, so
	// it survives NO_COLOR. PinMark is PinGlyph in Pinned's colours, to put
	// beside it (the glyph survives TERM=dumb too).
	Pinned  lipgloss.Style
	PinMark string

	Div *Map // diverging map for activations in [−scale, scale]
	Seq *Map // sequential map for magnitudes in [0, scale]

	// Series holds one entry per cell kind, indexed by Vanilla, LSTM, GRU.
	Series [NumSeries]Series
}

// Series is how one model's curve is drawn in comparison plots.
type Series struct {
	Style  lipgloss.Style // the series colour as foreground (plain in mono)
	Prefix string         // Style as one SGR sequence ("" in mono), for traces drawn cell by cell; follow with ansi.ResetStyle
	Glyph  string         // marker: "•" vanilla, "×" LSTM, "+" GRU — the only distinction in mono
	Mark   string         // Glyph rendered in Style
}

// New builds the styles for a theme at a colour depth on a dark or light
// terminal. "auto", "" and names Check rejects pick "dark" or "light" from
// the dark flag; "high-contrast" and "colorblind" pick their dark or light
// variant from it; "dark" and "light" keep their own background and set
// PaintBg when it is not the terminal's. At Depth Mono every theme becomes
// "mono", and the mono theme shows no colour at any depth.
func New(theme string, depth Depth, dark bool) *Styles {
	depth = depth.clamp()
	name := resolve(theme, dark)
	if depth == Mono {
		name = "mono"
	}
	src := palette(name, dark)
	p := src.convert(depth)
	mono := name == "mono"
	s := &Styles{
		Theme: name, Depth: depth, Dark: src.Dark,
		PaintBg: !mono && src.Dark != dark,
		Palette: p,
		PinMark: PinGlyph,
	}
	if mono {
		s.monoChrome()
	} else {
		s.colourChrome(p)
	}
	s.Div = newMap(true, p.NegRamp, p.PosRamp, p.InkLight, p.InkDark, mono)
	s.Seq = newMap(false, nil, p.SeqRamp, p.InkLight, p.InkDark, mono)
	glyphs := [NumSeries]string{VanillaGlyph, LSTMGlyph, GRUGlyph}
	for i := range s.Series {
		sr := Series{Style: lipgloss.NewStyle(), Glyph: glyphs[i]}
		if c := p.Series[i]; c != nil {
			sr.Style = sr.Style.Foreground(c)
			sr.Prefix = ansi.Style{}.Reset().ForegroundColor(c).String()
		}
		sr.Mark = sr.Style.Render(sr.Glyph)
		s.Series[i] = sr
	}
	return s
}

// resolve turns a --theme value into a theme name.
func resolve(theme string, dark bool) string {
	if slices.Contains(Names(), theme) {
		return theme
	}
	if dark {
		return "dark"
	}
	return "light"
}

// colourChrome sets the UI styles from a converted palette.
func (s *Styles) colourChrome(p Palette) {
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	onAccent := inkFor(p.Accent, p.InkLight, p.InkDark)

	s.Screen = fg(p.Fg).Background(p.Bg)
	s.Text = fg(p.Fg)
	s.Muted = fg(p.Muted)
	s.Accent = fg(p.Accent)
	s.Title = fg(p.Accent).Bold(true)
	s.Caption = fg(p.Muted)
	s.Tab = fg(p.Muted).Padding(0, 1)
	s.ActiveTab = fg(onAccent).Background(p.Accent).Bold(true).Padding(0, 1)
	s.HelpKey = fg(p.Fg).Bold(true)
	s.HelpDesc = fg(p.Muted)
	s.HelpSep = fg(p.Grid)
	s.Label = fg(p.Muted)
	s.Value = fg(p.Fg).Bold(true)
	s.StatusBar = fg(p.Fg).Background(p.Panel)
	s.Warn = fg(p.Warn).Bold(true)
	s.Error = fg(p.Error).Bold(true)
	if s.Theme == "high-contrast" { // badges: readable from the back of the room
		s.Warn = fg(inkFor(p.Warn, p.InkLight, p.InkDark)).Background(p.Warn).Bold(true)
		s.Error = fg(inkFor(p.Error, p.InkLight, p.InkDark)).Background(p.Error).Bold(true)
	}
	s.OK = fg(p.OK)
	s.Pos = fg(p.Pos)
	s.Neg = fg(p.Neg)
	s.Frame = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(p.Grid)
	s.FocusedFrame = lipgloss.NewStyle().Border(lipgloss.ThickBorder()).BorderForeground(p.Accent)
	s.Grid = fg(p.Grid)
	s.Selected = fg(p.Fg).Background(p.Selected)
	// Reverse swaps them: Accent behind, ink in front.
	s.Pinned = fg(p.Accent).Background(onAccent).Reverse(true).Bold(true)
	s.PinMark = fg(p.Accent).Bold(true).Render(PinGlyph)
}

// monoChrome sets the UI styles with attributes only.
func (s *Styles) monoChrome() {
	plain := lipgloss.NewStyle()
	s.Screen = plain
	s.Text = plain
	s.Muted = plain.Faint(true)
	s.Accent = plain.Bold(true)
	s.Title = plain.Bold(true)
	s.Caption = plain.Faint(true)
	s.Tab = plain.Padding(0, 1)
	s.ActiveTab = plain.Reverse(true).Bold(true).Padding(0, 1)
	s.HelpKey = plain.Bold(true)
	s.HelpDesc = plain
	s.HelpSep = plain.Faint(true)
	s.Label = plain
	s.Value = plain.Bold(true)
	s.StatusBar = plain.Reverse(true)
	s.Warn = plain.Bold(true)
	s.Error = plain.Bold(true).Reverse(true)
	s.OK = plain
	s.Pos = plain
	s.Neg = plain
	s.Frame = plain.Border(lipgloss.RoundedBorder())
	s.FocusedFrame = plain.Border(lipgloss.ThickBorder())
	s.Grid = plain.Faint(true)
	s.Selected = plain.Bold(true).Underline(true)
	s.Pinned = plain.Reverse(true).Bold(true)
	s.PinMark = plain.Bold(true).Render(PinGlyph)
}
