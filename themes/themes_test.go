package themes_test

import (
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/rnnscope/rnnscope/themes"
)

var (
	depths      = []themes.Depth{themes.Mono, themes.ANSI16, themes.ANSI256, themes.TrueColor}
	colourNames = []string{"dark", "light", "high-contrast", "colorblind"}
)

// every calls f for every theme (and "auto") at every depth on dark and
// light terminals.
func every(t *testing.T, f func(t *testing.T, st *themes.Styles)) {
	t.Helper()
	for _, name := range append(themes.Names(), "auto") {
		for _, d := range depths {
			for _, dark := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/%v/dark=%v", name, d, dark), func(t *testing.T) {
					f(t, themes.New(name, d, dark))
				})
			}
		}
	}
}

// coloured is every colour theme variant at depths that show colour.
func coloured(t *testing.T, ds []themes.Depth, f func(t *testing.T, st *themes.Styles)) {
	t.Helper()
	for _, name := range colourNames {
		for _, d := range ds {
			for _, dark := range []bool{true, false} {
				st := themes.New(name, d, dark)
				if st.PaintBg { // "dark" on a light terminal is "dark" again
					continue
				}
				t.Run(fmt.Sprintf("%s/%v/dark=%v", name, d, dark), func(t *testing.T) { f(t, st) })
			}
		}
	}
}

func TestNamesAndCheck(t *testing.T) {
	if got, want := strings.Join(themes.Names(), ","), "dark,light,high-contrast,colorblind,mono"; got != want {
		t.Errorf("Names() = %s, want %s", got, want)
	}
	for _, ok := range append(themes.Names(), "", "auto") {
		if err := themes.Check(ok); err != nil {
			t.Errorf("Check(%q) = %v", ok, err)
		}
	}
	err := themes.Check("x")
	if err == nil || err.Error() != `--theme "x": want dark, light, high-contrast, colorblind or mono` {
		t.Errorf("Check(x) = %v", err)
	}
}

func TestDepthOf(t *testing.T) {
	for _, c := range []struct {
		p    colorprofile.Profile
		want themes.Depth
		name string
	}{
		{colorprofile.NoTTY, themes.Mono, "mono"},
		{colorprofile.ASCII, themes.Mono, "mono"},
		{colorprofile.ANSI, themes.ANSI16, "16"},
		{colorprofile.ANSI256, themes.ANSI256, "256"},
		{colorprofile.TrueColor, themes.TrueColor, "truecolor"},
		{colorprofile.Unknown, themes.TrueColor, "truecolor"},
	} {
		d := themes.DepthOf(c.p)
		if d != c.want || d.String() != c.name {
			t.Errorf("DepthOf(%v) = %v (%s), want %v (%s)", c.p, d, d, c.want, c.name)
		}
		if c.p >= colorprofile.ASCII && themes.DepthOf(d.Profile()) != d {
			t.Errorf("%v: Profile() does not round-trip", d)
		}
	}
}

func TestNewResolvesThemes(t *testing.T) {
	for _, c := range []struct {
		theme        string
		depth        themes.Depth
		dark         bool
		want         string
		paletteDark  bool
		paintBg      bool
		wantsColours bool
	}{
		{"auto", themes.TrueColor, true, "dark", true, false, true},
		{"", themes.TrueColor, false, "light", false, false, true},
		{"nonsense", themes.ANSI256, true, "dark", true, false, true},
		{"light", themes.TrueColor, true, "light", false, true, true},
		{"dark", themes.TrueColor, false, "dark", true, true, true},
		{"high-contrast", themes.TrueColor, false, "high-contrast", false, false, true},
		{"colorblind", themes.ANSI16, true, "colorblind", true, false, true},
		{"dark", themes.Mono, true, "mono", true, false, false},
		{"mono", themes.TrueColor, false, "mono", false, false, false},
		{"light", themes.Depth(-3), true, "mono", true, false, false},
		{"light", themes.Depth(9), false, "light", false, false, true},
	} {
		st := themes.New(c.theme, c.depth, c.dark)
		if st.Theme != c.want || st.Dark != c.paletteDark || st.PaintBg != c.paintBg {
			t.Errorf("New(%q, %v, %v): theme %s dark %v paintBg %v, want %s %v %v",
				c.theme, c.depth, c.dark, st.Theme, st.Dark, st.PaintBg, c.want, c.paletteDark, c.paintBg)
		}
		if got := st.Palette.Fg != nil; got != c.wantsColours {
			t.Errorf("New(%q, %v, %v): has colours %v, want %v", c.theme, c.depth, c.dark, got, c.wantsColours)
		}
	}
}

func TestEveryThemeBuildsAtEveryDepth(t *testing.T) {
	every(t, func(t *testing.T, st *themes.Styles) {
		for _, m := range []*themes.Map{st.Div, st.Seq} {
			if m == nil || m.Levels() != themes.Levels {
				t.Fatalf("map %v", m)
			}
			lo := 0
			if m.Signed() {
				lo = -m.Levels()
			}
			for l := lo; l <= m.Levels(); l++ {
				colourful := st.Theme != "mono" && l != 0
				if (m.Color(l) != nil) != colourful || (m.Ink(l) != nil) != colourful {
					t.Errorf("level %d: colour %v ink %v", l, m.Color(l), m.Ink(l))
				}
			}
			if m.HalfBlocks() != (st.Theme != "mono") {
				t.Errorf("HalfBlocks() = %v", m.HalfBlocks())
			}
		}
		for _, s := range chrome(st) {
			if out := s.style.Render("x"); ansi.Strip(out) == "" {
				t.Errorf("%s renders nothing", s.name)
			}
		}
		for i, sr := range st.Series {
			if ansi.Strip(sr.Mark) != sr.Glyph || sr.Glyph == "" {
				t.Errorf("series %d: mark %q glyph %q", i, sr.Mark, sr.Glyph)
			}
		}
		if ansi.Strip(st.PinMark) != themes.PinGlyph {
			t.Errorf("PinMark = %q", st.PinMark)
		}
	})
}

func TestLevel(t *testing.T) {
	inf := math.Inf(1)
	div := themes.New("dark", themes.TrueColor, true).Div
	seq := themes.New("dark", themes.TrueColor, true).Seq
	for _, c := range []struct {
		m         *themes.Map
		v, scale  float64
		want      int
		sentences string
	}{
		{div, 0, 1, 0, "zero is level 0"},
		{div, 0.062, 1, 0, "below half a step rounds to 0"},
		{div, 0.063, 1, 1, "from half a step it is level 1"},
		{div, -0.063, 1, -1, "negative values get negative levels"},
		{div, 0.5, 1, 4, "half the scale is half the levels"},
		{div, 1, 1, 8, "the scale is the top level"},
		{div, -3, 1, -8, "beyond the scale clamps"},
		{div, inf, 1, 8, "+Inf clamps"},
		{div, -inf, 1, -8, "-Inf clamps"},
		{div, math.NaN(), 1, 0, "NaN is zero"},
		{div, 0.25, 0.5, 4, "scale divides"},
		{div, 0.5, 0, 4, "a zero scale counts as 1"},
		{div, 0.5, -2, 4, "a negative scale counts as 1"},
		{seq, -0.5, 1, 0, "a sequential map clamps negatives to 0"},
		{seq, 0.75, 1, 6, "a sequential map quantises like the diverging one"},
	} {
		if got := c.m.Level(c.v, c.scale); got != c.want {
			t.Errorf("%s: Level(%v, %v) = %d, want %d", c.sentences, c.v, c.scale, got, c.want)
		}
	}
	prev := div.Level(-2, 1)
	for i := -2000; i <= 2000; i++ {
		l := div.Level(float64(i)/1000, 1)
		if l < prev {
			t.Fatalf("Level is not monotone at %v: %d after %d", float64(i)/1000, l, prev)
		}
		prev = l
	}
}

func TestDivergingSignsNeverShareAColour(t *testing.T) {
	coloured(t, []themes.Depth{themes.ANSI16, themes.ANSI256, themes.TrueColor}, func(t *testing.T, st *themes.Styles) {
		neg := map[color.Color]int{}
		for k := 1; k <= themes.Levels; k++ {
			neg[st.Div.Color(-k)] = -k
		}
		for k := 1; k <= themes.Levels; k++ {
			if l, ok := neg[st.Div.Color(k)]; ok {
				t.Errorf("level %d and level %d are both %v", k, l, st.Div.Color(k))
			}
		}
	})
}

// TestMapsMoveAwayFromTheBackground: each sign's colours get further from
// the background's lightness as |v| grows (strictly at TrueColor; at lower
// depths neighbouring levels may share a colour), no level is the
// background itself, and 16 colours still leave three steps per sign.
func TestMapsMoveAwayFromTheBackground(t *testing.T) {
	coloured(t, []themes.Depth{themes.ANSI16, themes.ANSI256, themes.TrueColor}, func(t *testing.T, st *themes.Styles) {
		bg := themes.Lightness(st.Palette.Bg)
		check := func(name string, m *themes.Map, sign int) {
			prev, distinct := 0.0, map[color.Color]bool{}
			for k := 1; k <= themes.Levels; k++ {
				c := m.Color(sign * k)
				distinct[c] = true
				if c == st.Palette.Bg {
					t.Errorf("%s level %d is the background", name, sign*k)
				}
				d := abs(themes.Lightness(c) - bg)
				if d < prev || (st.Depth == themes.TrueColor && d == prev) {
					t.Errorf("%s level %d: |ΔL*| %.1f after %.1f", name, sign*k, d, prev)
				}
				prev = d
			}
			if st.Depth == themes.ANSI16 && len(distinct) < 3 {
				t.Errorf("%s: only %d colours at 16 colours", name, len(distinct))
			}
		}
		check("negative", st.Div, -1)
		check("positive", st.Div, +1)
		check("sequential", st.Seq, +1)
	})
}

// TestLevelTextContrast: the text on every level's colour reaches WCAG AA
// (4.5:1) at every depth, and 7:1 in high-contrast at 256 colours and
// TrueColor. (At 16 colours the terminal picks the shades; the check uses
// the xterm/VGA values colorprofile converts with.)
func TestLevelTextContrast(t *testing.T) {
	coloured(t, []themes.Depth{themes.ANSI16, themes.ANSI256, themes.TrueColor}, func(t *testing.T, st *themes.Styles) {
		want := 4.5
		if st.Theme == "high-contrast" && st.Depth >= themes.ANSI256 {
			want = 7
		}
		for name, m := range map[string]*themes.Map{"diverging": st.Div, "sequential": st.Seq} {
			lo := 1
			if m.Signed() {
				lo = -m.Levels()
			}
			for l := lo; l <= m.Levels(); l++ {
				if l == 0 {
					continue
				}
				if c := themes.Contrast(m.Color(l), m.Ink(l)); c < want {
					t.Errorf("%s level %d: %v on %v is %.2f:1, want %.1f", name, l, m.Ink(l), m.Color(l), c, want)
				}
			}
		}
	})
}

// TestChromeContrast: every text style reads on its background (its own, or
// the palette's) at 4.5:1, 7:1 in high-contrast; series colours too.
func TestChromeContrast(t *testing.T) {
	coloured(t, []themes.Depth{themes.ANSI256, themes.TrueColor}, func(t *testing.T, st *themes.Styles) {
		want := 4.5
		if st.Theme == "high-contrast" {
			want = 7
		}
		for _, s := range chrome(st) {
			if !s.text {
				continue
			}
			fg, bg := s.style.GetForeground(), s.style.GetBackground()
			if _, none := bg.(lipgloss.NoColor); none {
				bg = st.Palette.Bg
			}
			if c := themes.Contrast(fg, bg); c < want {
				t.Errorf("%s: %v on %v is %.2f:1, want %.1f", s.name, fg, bg, c, want)
			}
		}
		for i, c := range st.Palette.Series {
			if r := themes.Contrast(c, st.Palette.Bg); r < want {
				t.Errorf("series %d: %.2f:1, want %.1f", i, r, want)
			}
		}
	})
}

func TestContrastAndLightness(t *testing.T) {
	black, white := lipgloss.Color("#000000"), lipgloss.Color("#ffffff")
	if c := themes.Contrast(black, white); c < 20.99 || c > 21.01 {
		t.Errorf("black on white = %v", c)
	}
	if c := themes.Contrast(white, white); c != 1 {
		t.Errorf("white on white = %v", c)
	}
	if l := themes.Lightness(white); l < 99.99 || l > 100.01 {
		t.Errorf("L*(white) = %v", l)
	}
	if l := themes.Lightness(lipgloss.Color("#777777")); l < 49 || l > 51 {
		t.Errorf("L*(#777) = %v, want about 50", l)
	}
}

// sgrParams returns the parameters of every SGR sequence in s.
var sgrRE = regexp.MustCompile("\x1b\\[([0-9;:]*)m")

func colourParams(s string) []string {
	var bad []string
	for _, m := range sgrRE.FindAllStringSubmatch(s, -1) {
		for p := range strings.SplitSeq(m[1], ";") {
			n, _ := strconv.Atoi(strings.Split(p, ":")[0])
			if (n >= 30 && n <= 39) || (n >= 40 && n <= 49) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107) || n == 58 || n == 59 {
				bad = append(bad, m[0])
			}
		}
	}
	return bad
}

// renderAll draws every level of a map through every kind of cell.
func renderAll(m *themes.Map) string {
	var b strings.Builder
	pen := m.Pen(&b)
	lo := 0
	if m.Signed() {
		lo = -m.Levels()
	}
	for l := lo; l <= m.Levels(); l++ {
		pen.Text(l, 'x')
		pen.Block(l)
		for l2 := lo; l2 <= m.Levels(); l2++ {
			pen.Half(l, l2)
		}
		b.WriteString(m.Prefix(l))
	}
	pen.End()
	for _, it := range m.Legend() {
		b.WriteString(it.Swatch + it.Sample)
	}
	return b.String()
}

func TestMonoEmitsNoColour(t *testing.T) {
	every(t, func(t *testing.T, st *themes.Styles) {
		if st.Theme != "mono" {
			return
		}
		out := renderAll(st.Div) + renderAll(st.Seq) + st.PinMark
		for _, s := range chrome(st) {
			out += s.style.Render("x")
		}
		for _, sr := range st.Series {
			out += sr.Prefix + sr.Mark
		}
		if bad := colourParams(out); len(bad) > 0 {
			t.Errorf("colour SGR in mono: %q", bad)
		}
	})
	// The check itself finds colour where there is some.
	if colourParams(renderAll(themes.New("dark", themes.ANSI16, true).Div)) == nil {
		t.Error("colourParams finds no colour in the dark theme")
	}
}

// TestMonoCarriesSignAndMagnitude: without colour, text of opposite signs
// never looks the same, negatives are underlined, magnitude steps up, and
// heatmap glyphs differ by sign.
func TestMonoCarriesSignAndMagnitude(t *testing.T) {
	m := themes.New("mono", themes.TrueColor, true).Div
	has := func(prefix, code string) bool {
		for _, mm := range sgrRE.FindAllStringSubmatch(prefix, -1) {
			for p := range strings.SplitSeq(mm[1], ";") {
				if p == code {
					return true
				}
			}
		}
		return false
	}
	for k := 1; k <= m.Levels(); k++ {
		if m.Prefix(k) == m.Prefix(-k) {
			t.Errorf("level ±%d: same text look %q", k, m.Prefix(k))
		}
		if !has(m.Prefix(-k), "4") || has(m.Prefix(k), "4") {
			t.Errorf("level ±%d: underline should mark negatives only: %q / %q", k, m.Prefix(-k), m.Prefix(k))
		}
	}
	if !has(m.Prefix(0), "2") {
		t.Errorf("level 0 should be faint: %q", m.Prefix(0))
	}
	if !has(m.Prefix(m.Levels()), "7") || !has(m.Prefix(-m.Levels()), "7") {
		t.Error("the strongest levels should be reverse video")
	}
	glyph := func(l int) string {
		var b strings.Builder
		pen := m.Pen(&b)
		pen.Block(l)
		pen.End()
		return b.String()
	}
	pos, neg := map[string]bool{}, map[string]bool{}
	for k := 1; k <= m.Levels(); k++ {
		pos[glyph(k)], neg[glyph(-k)] = true, true
	}
	for g := range pos {
		if neg[g] {
			t.Errorf("glyph %q shows both signs", g)
		}
	}
	if len(pos) != 4 || len(neg) != 4 || glyph(0) != themes.ZeroGlyph {
		t.Errorf("glyphs: %v %v zero %q", pos, neg, glyph(0))
	}
	if glyph(m.Levels()) != themes.FullBlock {
		t.Errorf("strongest positive glyph %q", glyph(m.Levels()))
	}
}

func TestPenWritesMinimalSGR(t *testing.T) {
	st := themes.New("dark", themes.TrueColor, true)
	var b strings.Builder
	pen := st.Div.Pen(&b)
	levels := []int{0, 3, 3, 3, -2, -2, 0, 0, 8, 8, 0}
	text := "abcdefghijk"
	for i, l := range levels {
		pen.Text(l, rune(text[i]))
	}
	pen.End()
	out := b.String()
	if got := ansi.Strip(out); got != text {
		t.Errorf("Strip = %q, want %q", got, text)
	}
	// 0→3, 3→-2, -2→0 (reset), 0→8, 8→0 (reset); End adds nothing at 0.
	if n := len(sgrRE.FindAllString(out, -1)); n != 5 {
		t.Errorf("%d SGR sequences in %q, want 5", n, out)
	}
	if strings.Count(out, st.Div.Prefix(3)) != 1 {
		t.Errorf("prefix of level 3 repeated: %q", out)
	}

	// A run that ends away from zero is closed by End, exactly once.
	b.Reset()
	pen = st.Div.Pen(&b)
	pen.Span(5, "xyz")
	pen.End()
	pen.End()
	if want := st.Div.Prefix(5) + "xyz" + ansi.ResetStyle; b.String() != want {
		t.Errorf("Span+End = %q, want %q", b.String(), want)
	}

	// Levels that share a colour at 16 colours share their SGR too.
	st16 := themes.New("dark", themes.ANSI16, true)
	b.Reset()
	pen = st16.Div.Pen(&b)
	pen.Text(1, 'a')
	pen.Text(2, 'b') // both ANSI red at 16 colours
	pen.End()
	if st16.Div.Color(1) == st16.Div.Color(2) && len(sgrRE.FindAllString(b.String(), -1)) != 2 {
		t.Errorf("equal-looking levels emit SGR: %q", b.String())
	}
}

func TestPenHalf(t *testing.T) {
	st := themes.New("dark", themes.TrueColor, true)
	half := func(m *themes.Map, top, bottom int) string {
		var b strings.Builder
		pen := m.Pen(&b)
		pen.Half(top, bottom)
		pen.End()
		return b.String()
	}
	for _, c := range []struct {
		top, bottom int
		glyph       string
		sgr         bool
	}{
		{0, 0, " ", false},
		{5, 0, themes.UpperHalf, true},
		{0, -5, themes.LowerHalf, true},
		{5, -5, themes.UpperHalf, true},
		{5, 5, " ", true},
	} {
		out := half(st.Div, c.top, c.bottom)
		if ansi.Strip(out) != c.glyph || (out != c.glyph) != c.sgr {
			t.Errorf("Half(%d, %d) = %q", c.top, c.bottom, out)
		}
	}
	// fg carries the top, bg the bottom.
	out := half(st.Div, 5, -5)
	fg := ansi.Style{}.ForegroundColor(st.Div.Color(5)).String()
	bg := ansi.Style{}.BackgroundColor(st.Div.Color(-5)).String()
	if !strings.Contains(out, fg[2:len(fg)-1]) || !strings.Contains(out, bg[2:len(bg)-1]) {
		t.Errorf("Half(5, -5) = %q, want fg %q and bg %q", out, fg, bg)
	}
	mono := themes.New("mono", themes.TrueColor, true).Div
	if got := half(mono, 8, -8); got != themes.FullBlock {
		t.Errorf("mono Half(8, -8) = %q, want the top's glyph", got)
	}
}

func TestLegend(t *testing.T) {
	every(t, func(t *testing.T, st *themes.Styles) {
		for _, m := range []*themes.Map{st.Div, st.Seq} {
			items := m.Legend()
			want := 4
			if m.Signed() {
				want = 7
			}
			if len(items) != want {
				t.Fatalf("%d legend items", len(items))
			}
			for i, it := range items {
				if i > 0 && it.Level <= items[i-1].Level {
					t.Errorf("legend out of order: %d after %d", it.Level, items[i-1].Level)
				}
				if it.Value != float64(it.Level)/float64(m.Levels()) {
					t.Errorf("%s: value %v", it.Name, it.Value)
				}
				if ansi.Strip(it.Sample) != "Aa" || ansi.StringWidth(it.Swatch) != 2 || it.Name == "" || it.Desc == "" {
					t.Errorf("item %+v", it)
				}
			}
			items[0].Name = "changed"
			if m.Legend()[0].Name == "changed" {
				t.Error("Legend returns the map's own slice")
			}
		}
	})
}

func TestChromeKeepsItsSize(t *testing.T) {
	every(t, func(t *testing.T, st *themes.Styles) {
		if a, b := lipgloss.Width(st.Tab.Render("Scope")), lipgloss.Width(st.ActiveTab.Render("Scope")); a != b {
			t.Errorf("Tab %d cells, ActiveTab %d", a, b)
		}
		f, g := st.Frame.Render("x"), st.FocusedFrame.Render("x")
		if lipgloss.Width(f) != lipgloss.Width(g) || lipgloss.Height(f) != lipgloss.Height(g) {
			t.Errorf("Frame %q and FocusedFrame %q differ in size", f, g)
		}
		if ansi.Strip(f) == ansi.Strip(g) {
			t.Error("focus shows only in colour")
		}
	})
}

func TestGlyphRamps(t *testing.T) {
	for _, c := range []struct {
		v            float64
		spark, shade string
	}{
		{-1, "▁", " "}, {0, "▁", " "}, {0.1, "▁", " "}, {0.2, "▂", "░"}, {0.5, "▅", "▒"},
		{0.7, "▆", "▓"}, {0.99, "█", "█"}, {1, "█", "█"}, {5, "█", "█"},
	} {
		if got := themes.Spark(c.v); got != c.spark {
			t.Errorf("Spark(%v) = %q, want %q", c.v, got, c.spark)
		}
		if got := themes.Shade(c.v); got != c.shade {
			t.Errorf("Shade(%v) = %q, want %q", c.v, got, c.shade)
		}
	}
	if nan := math.NaN(); themes.Spark(nan) != "▁" || themes.Shade(nan) != " " {
		t.Error("NaN should give the lowest glyph")
	}
}

// TestSharedStylesRace draws with one Styles from many goroutines: -race
// proves there is nothing mutable to share.
func TestSharedStylesRace(t *testing.T) {
	st := themes.New("colorblind", themes.TrueColor, true)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			var b strings.Builder
			pen := st.Div.Pen(&b)
			for i := range 2000 {
				pen.Text((i*7+g)%17-8, 'x')
				pen.Half(i%17-8, (i*3)%17-8)
			}
			pen.End()
			_ = st.Title.Render("title") + st.Series[g%3].Mark
			_ = st.Div.Legend()
		})
	}
	wg.Wait()
}

func TestNoAllocationsPerCell(t *testing.T) {
	st := themes.New("dark", themes.TrueColor, true)
	levels := randomLevels(240 * 70)
	allocs := testing.AllocsPerRun(20, func() {
		var b strings.Builder
		b.Grow(64 << 10 * 16)
		pen := st.Div.Pen(&b)
		for _, l := range levels {
			pen.Text(l, 'e')
		}
		pen.End()
	})
	if allocs > 1 { // the Grow
		t.Errorf("%.0f allocations per frame, want only the builder's", allocs)
	}
}

type namedStyle struct {
	name  string
	style lipgloss.Style
	text  bool // carries text that must be readable
}

func chrome(st *themes.Styles) []namedStyle {
	return []namedStyle{
		{"Screen", st.Screen, true}, {"Text", st.Text, true}, {"Muted", st.Muted, true},
		{"Accent", st.Accent, true}, {"Title", st.Title, true}, {"Caption", st.Caption, true},
		{"Tab", st.Tab, true}, {"ActiveTab", st.ActiveTab, true}, {"HelpKey", st.HelpKey, true},
		{"HelpDesc", st.HelpDesc, true}, {"HelpSep", st.HelpSep, false}, {"Label", st.Label, true},
		{"Value", st.Value, true}, {"StatusBar", st.StatusBar, true}, {"Warn", st.Warn, true},
		{"Error", st.Error, true}, {"OK", st.OK, true}, {"Pos", st.Pos, true}, {"Neg", st.Neg, true},
		{"Frame", st.Frame, false}, {"FocusedFrame", st.FocusedFrame, false}, {"Grid", st.Grid, false},
		{"Selected", st.Selected, true}, {"Pinned", st.Pinned, true},
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
