package themes

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Map is a colour map with every level's look rendered once, at New, so
// that drawing a cell is a lookup plus an append (see Pen).
//
// A diverging map (Styles.Div) has levels −Levels..Levels for values in
// [−scale, scale]; a sequential map (Styles.Seq) has 0..Levels for [0, scale].
// Level 0 is "about zero" and is drawn on the terminal's own background.
//
// What a level looks like, by kind of cell:
//
//	              colour depths                     mono (no colour)
//	Text(ch)      ch on the level's colour, in      0: faint; weak: plain; mid: bold;
//	              whichever ink reads better;       strong: bold+reverse; below zero
//	              level 0: default colours          adds underline to all of these
//	Block         a space on the level's colour;    0: "·" (diverging) or " ";
//	              level 0: a plain space            above zero ░▒▓█, below -=≡▬
//	Half(t, b)    "▀", fg = t's colour, bg = b's    Block(t): one value per cell;
//	              (zero halves left transparent)    see HalfBlocks
//
// With Levels = 8, "weak" is |level| 1–2, "mid" 3–5 and "strong" 6–8
// (ceil(3k/Levels)); the four mono glyphs take two levels each. At 16
// colours neighbouring levels share colours: three per sign remain. Legend
// lists representative levels with pre-rendered swatches, so a legend shows
// exactly this.
//
// Under TERM=dumb (NoTTY) the renderer drops every SGR, attributes included:
// only the mono glyphs (Block) survive, so a panel that must still show the
// values there draws a Block strip rather than relying on Text.
type Map struct {
	signed bool
	n      int // levels above zero
	mono   bool
	colors []color.Color // by index (see index); nil at zero and in mono
	inks   []color.Color // text colour on colors[i]
	text   []cell
	block  []cell
	half   []cell // index top*len(text) + bottom
	legend []LegendItem
}

// cell is one pre-rendered look: an SGR sequence that starts with a reset
// (so it never inherits attributes), or "" for the terminal's defaults, and
// for Block and Half cells the glyph to print. id numbers the distinct sgr
// strings of a Map (0 is ""), so a Pen compares looks as integers.
type cell struct {
	sgr   string
	glyph string
	id    int32
}

// LegendItem is one representative level of a Map, for drawing a legend.
type LegendItem struct {
	Name   string  // stable English name: "strong negative" … "zero" … "high"
	Level  int     // the level it shows
	Value  float64 // the level's centre as a fraction of the scale: Level/Levels
	Swatch string  // two Block cells, pre-rendered, ending in a reset
	Sample string  // "Aa" as Text cells, pre-rendered, ending in a reset
	Desc   string  // how it is drawn: "bg #2457d6 fg #f5f5f5"; in mono `underline bold reverse, "▬"`
}

// Levels is how many levels the map has above zero (below zero too, for a
// diverging map).
func (m *Map) Levels() int { return m.n }

// Signed reports whether the map is diverging (levels below zero exist).
func (m *Map) Signed() bool { return m.signed }

// HalfBlocks reports whether Half can show two values in one cell. It is
// false in mono, where a raster should give each unit its own row.
func (m *Map) HalfBlocks() bool { return !m.mono }

// Level quantises v/scale into the map's levels: round(|v|/scale·Levels)
// with the sign of v, clamped to the map's range (a sequential map clamps
// negatives to 0). Level 0 covers |v| < scale/(2·Levels). A scale that is
// not positive counts as 1; NaN gives 0.
func (m *Map) Level(v, scale float64) int {
	if !(scale > 0) {
		scale = 1
	}
	x := v / scale
	if math.IsNaN(x) || (!m.signed && x < 0) {
		return 0
	}
	k := m.n
	if a := math.Abs(x)*float64(m.n) + 0.5; a < float64(m.n) {
		k = int(a)
	}
	if x < 0 {
		return -k
	}
	return k
}

// Color is the level's colour as the terminal shows it (nil at level 0 and
// in mono). Out-of-range levels are clamped.
func (m *Map) Color(level int) color.Color { return m.colors[m.index(level)] }

// Ink is the text colour Text uses on the level's colour (nil where Color
// is nil).
func (m *Map) Ink(level int) color.Color { return m.inks[m.index(level)] }

// Prefix is the SGR sequence a Text cell of this level starts with ("" for
// the terminal's defaults). It begins with a reset, so it never inherits
// attributes; follow the text with ansi.ResetStyle.
func (m *Map) Prefix(level int) string { return m.text[m.index(level)].sgr }

// Legend returns representative levels, most negative (or lowest) first:
// ±Levels, ±Levels/2, ±1 and 0 for a diverging map; 0, 1, Levels/2 and
// Levels for a sequential one. The slice is a copy.
func (m *Map) Legend() []LegendItem { return slices.Clone(m.legend) }

// index turns a level into a table index, clamping out-of-range levels.
func (m *Map) index(level int) int {
	if m.signed {
		level += m.n
	}
	return min(max(level, 0), len(m.text)-1)
}

// Pen writes cells of a Map into a strings.Builder, emitting an SGR sequence
// only when the look changes from the previous cell (levels that look the
// same, such as two levels that share a colour at 16 colours, emit nothing).
// Call End before writing anything else to the builder and at the end of
// each line. A Pen is a small value: make one per line or per panel; it
// allocates nothing.
type Pen struct {
	m   *Map
	b   *strings.Builder
	cur int32 // id of the SGR in effect; 0 = terminal defaults
}

// Pen starts a Pen on b, assuming b is at the terminal's default style.
func (m *Map) Pen(b *strings.Builder) Pen { return Pen{m: m, b: b} }

// Text writes ch as a text character coloured by level. Map control
// characters ('\n', '\t') to visible glyphs first; a wide rune takes two
// cells, as it would anyway.
func (p *Pen) Text(level int, ch rune) {
	p.set(&p.m.text[p.m.index(level)])
	p.b.WriteRune(ch)
}

// Span writes s as text characters all coloured by level.
func (p *Pen) Span(level int, s string) {
	p.set(&p.m.text[p.m.index(level)])
	p.b.WriteString(s)
}

// Block writes one heatmap cell for level.
func (p *Pen) Block(level int) {
	c := &p.m.block[p.m.index(level)]
	p.set(c)
	p.b.WriteString(c.glyph)
}

// Half writes one cell holding two values: top in the upper half and
// bottom in the lower half. In mono (HalfBlocks false) it writes Block(top).
func (p *Pen) Half(top, bottom int) {
	m := p.m
	c := &m.half[m.index(top)*len(m.text)+m.index(bottom)]
	p.set(c)
	p.b.WriteString(c.glyph)
}

// End returns the terminal to its default style if anything else is in
// effect. The Pen can be used again afterwards.
func (p *Pen) End() {
	if p.cur != 0 {
		p.b.WriteString(ansi.ResetStyle)
		p.cur = 0
	}
}

// set switches to c's look unless it is already in effect.
func (p *Pen) set(c *cell) {
	if c.id == p.cur {
		return
	}
	if c.id == 0 {
		p.b.WriteString(ansi.ResetStyle)
	} else {
		p.b.WriteString(c.sgr)
	}
	p.cur = c.id
}

// newMap renders a map. neg (diverging only) and pos hold the colours of
// levels 1..len, weakest first, already converted to the depth; mono
// ignores them.
func newMap(signed bool, neg, pos []color.Color, inkLight, inkDark color.Color, mono bool) *Map {
	m := &Map{signed: signed, n: Levels, mono: mono}
	size := Levels + 1
	if signed {
		size = 2*Levels + 1
	}
	m.colors = make([]color.Color, size)
	m.inks = make([]color.Color, size)
	m.text = make([]cell, size)
	m.block = make([]cell, size)
	m.half = make([]cell, size*size)
	for level := -Levels; level <= Levels; level++ {
		if level < 0 && !signed {
			continue
		}
		i := m.index(level)
		k := abs(level)
		if !mono && k > 0 {
			c := pos[k-1]
			if level < 0 {
				c = neg[k-1]
			}
			m.colors[i] = c
			m.inks[i] = inkFor(c, inkLight, inkDark)
		}
		m.text[i] = m.textCell(level)
		m.block[i] = m.blockCell(level)
	}
	for t := range size {
		for b := range size {
			m.half[t*size+b] = m.halfCell(t, b)
		}
	}
	ids := map[string]int32{"": 0}
	for _, table := range [][]cell{m.text, m.block, m.half} {
		for i := range table {
			id, ok := ids[table[i].sgr]
			if !ok {
				id = int32(len(ids))
				ids[table[i].sgr] = id
			}
			table[i].id = id
		}
	}
	m.legend = m.legendItems()
	return m
}

// textCell renders the look of a text character at level.
func (m *Map) textCell(level int) cell {
	i, k := m.index(level), abs(level)
	if !m.mono {
		if m.colors[i] == nil {
			return cell{}
		}
		return cell{sgr: ansi.Style{}.Reset().ForegroundColor(m.inks[i]).BackgroundColor(m.colors[i]).String()}
	}
	st := ansi.Style{}.Reset()
	switch {
	case k == 0:
		st = st.Faint()
	case steps(k, m.n, 3) == 2:
		st = st.Bold()
	case steps(k, m.n, 3) == 3:
		st = st.Bold().Reverse(true)
	}
	if level < 0 {
		st = st.Underline(true)
	}
	if len(st) == 1 { // plain: the terminal's defaults
		return cell{}
	}
	return cell{sgr: st.String()}
}

// blockCell renders a heatmap cell at level.
func (m *Map) blockCell(level int) cell {
	i, k := m.index(level), abs(level)
	if !m.mono {
		if m.colors[i] == nil {
			return cell{glyph: " "}
		}
		return cell{sgr: ansi.Style{}.Reset().BackgroundColor(m.colors[i]).String(), glyph: " "}
	}
	switch {
	case k == 0 && m.signed:
		return cell{glyph: ZeroGlyph}
	case k == 0:
		return cell{glyph: " "}
	case level < 0:
		return cell{glyph: nthGlyph(NegGlyphs, steps(k, m.n, 4)-1)}
	default:
		return cell{glyph: nthGlyph(PosGlyphs, steps(k, m.n, 4)-1)}
	}
}

// halfCell renders a two-value cell from table indices t (top) and b
// (bottom). Zero halves stay transparent: "▄" or "▀" on the default
// background, or a plain space when both are zero; equal colours give a
// coloured space, which copies and pastes more cleanly than "▀".
func (m *Map) halfCell(t, b int) cell {
	if m.mono {
		return m.block[t]
	}
	ct, cb := m.colors[t], m.colors[b]
	st := ansi.Style{}.Reset()
	switch {
	case ct == nil && cb == nil:
		return cell{glyph: " "}
	case ct == nil:
		return cell{sgr: st.ForegroundColor(cb).String(), glyph: LowerHalf}
	case cb == nil:
		return cell{sgr: st.ForegroundColor(ct).String(), glyph: UpperHalf}
	case ct == cb:
		return cell{sgr: st.BackgroundColor(ct).String(), glyph: " "}
	default:
		return cell{sgr: st.ForegroundColor(ct).BackgroundColor(cb).String(), glyph: UpperHalf}
	}
}

// legendItems renders the representative levels listed in Legend.
func (m *Map) legendItems() []LegendItem {
	type rep struct {
		level int
		name  string
	}
	reps := []rep{{0, "zero"}, {1, "low"}, {m.n / 2, "mid"}, {m.n, "high"}}
	if m.signed {
		reps = []rep{
			{-m.n, "strong negative"}, {-m.n / 2, "negative"}, {-1, "weak negative"},
			{0, "zero"},
			{1, "weak positive"}, {m.n / 2, "positive"}, {m.n, "strong positive"},
		}
	}
	items := make([]LegendItem, len(reps))
	var b strings.Builder
	for j, r := range reps {
		b.Reset()
		pen := m.Pen(&b)
		pen.Block(r.level)
		pen.Block(r.level)
		pen.End()
		swatch := b.String()
		b.Reset()
		pen.Span(r.level, "Aa")
		pen.End()
		items[j] = LegendItem{
			Name: r.name, Level: r.level, Value: float64(r.level) / float64(m.n),
			Swatch: swatch, Sample: b.String(), Desc: m.desc(r.level),
		}
	}
	return items
}

// desc says in words how a level is drawn.
func (m *Map) desc(level int) string {
	i := m.index(level)
	if !m.mono {
		if m.colors[i] == nil {
			return "default colours"
		}
		return "bg " + colorName(m.colors[i]) + " fg " + colorName(m.inks[i])
	}
	var words []string
	params := strings.Split(strings.TrimSuffix(strings.TrimPrefix(m.text[i].sgr, "\x1b["), "m"), ";")
	for _, a := range []struct{ code, word string }{{"2", "faint"}, {"4", "underline"}, {"1", "bold"}, {"7", "reverse"}} {
		if slices.Contains(params, a.code) {
			words = append(words, a.word)
		}
	}
	if len(words) == 0 {
		words = append(words, "plain")
	}
	return fmt.Sprintf("%s, %q", strings.Join(words, " "), m.block[i].glyph)
}

// colorName prints a colour as its depth writes it: "#rrggbb", "256:n" or
// "ansi:n".
func colorName(c color.Color) string {
	switch c := c.(type) {
	case nil:
		return "none"
	case ansi.BasicColor:
		return fmt.Sprintf("ansi:%d", c)
	case ansi.IndexedColor:
		return fmt.Sprintf("256:%d", c)
	default:
		r, g, b, _ := c.RGBA()
		return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
