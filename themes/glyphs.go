package themes

import "math"

// Glyph ramps. They are constants, not slices, so nothing can change them;
// Spark and Shade index them without allocating.
const (
	// SparkRamp: eight bars for sparklines, lowest first.
	SparkRamp = "▁▂▃▄▅▆▇█"
	// ShadeRamp: density for magnitudes, empty first.
	ShadeRamp = " ░▒▓█"
	// NegGlyphs: the mono diverging map's glyphs below zero, weakest
	// first: minus signs that get heavier, so they never read as the
	// shades above zero.
	NegGlyphs = "-=≡▬"
	// PosGlyphs: the mono diverging map's glyphs above zero, weakest first.
	PosGlyphs = "░▒▓█"

	UpperHalf = "▀" // top half of a cell: fg colours the top, bg the bottom
	LowerHalf = "▄"
	FullBlock = "█"
	ZeroGlyph = "·" // a diverging value near zero, in mono
	PinGlyph  = "▶" // marks the pinned unit next to its reverse-video label
)

// Series markers, indexed by Vanilla, LSTM, GRU: the only thing telling the
// series apart in mono, and a second cue in colour.
const (
	VanillaGlyph = "•"
	LSTMGlyph    = "×"
	GRUGlyph     = "+"
)

// Spark returns the sparkline bar for v in [0, 1] (clamped; NaN gives the
// lowest bar).
func Spark(v float64) string {
	i := rampIndex(v, 8)
	return SparkRamp[3*i : 3*i+3] // every bar is 3 bytes of UTF-8
}

// Shade returns the shade glyph for v in [0, 1] in five equal bins
// (clamped; NaN gives " "): values below 0.2 give a space.
func Shade(v float64) string {
	switch i := rampIndex(v, 5); i {
	case 0:
		return " "
	default:
		return ShadeRamp[1+3*(i-1) : 1+3*i]
	}
}

// rampIndex maps v in [0, 1] onto 0..n-1 in equal bins.
func rampIndex(v float64, n int) int {
	if !(v > 0) { // NaN too
		return 0
	}
	if v >= 1 {
		return n - 1
	}
	return min(int(v*float64(n)), n-1)
}

// nthGlyph returns the i-th (0-based) glyph of a ramp of multi-byte runes.
func nthGlyph(ramp string, i int) string {
	for j, r := range ramp {
		if i == 0 {
			return ramp[j : j+len(string(r))]
		}
		i--
	}
	return ""
}

// steps maps a level magnitude k in 1..n onto 1..s in equal bins
// (ceil(k·s/n)), so the strongest level always gets the strongest step.
func steps(k, n, s int) int {
	return int(math.Ceil(float64(k*s) / float64(n)))
}
