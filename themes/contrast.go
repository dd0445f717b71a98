package themes

import (
	"image/color"
	"math"
)

// Luminance is the WCAG 2 relative luminance of c, from 0 (black) to 1
// (white). A nil c counts as black.
func Luminance(c color.Color) float64 {
	if c == nil {
		return 0
	}
	r, g, b, _ := c.RGBA()
	return 0.2126*linear(r) + 0.7152*linear(g) + 0.0722*linear(b)
}

// linear undoes the sRGB transfer curve of a 16-bit channel.
func linear(u uint32) float64 {
	v := float64(u) / 0xffff
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

// Contrast is the WCAG 2 contrast ratio between two colours, from 1 (same
// luminance) to 21 (black on white). WCAG asks 4.5 for text, 7 for enhanced
// contrast.
func Contrast(a, b color.Color) float64 {
	la, lb := Luminance(a), Luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// Lightness is CIE L* of c, from 0 (black) to 100 (white): the perceived
// lightness that the map tests and the ramps are ordered by.
func Lightness(c color.Color) float64 {
	y := Luminance(c)
	if y <= 216.0/24389 {
		return y * 24389 / 27
	}
	return 116*math.Cbrt(y) - 16
}

// inkFor returns whichever of light and dark contrasts more with bg.
func inkFor(bg, light, dark color.Color) color.Color {
	if Contrast(bg, light) >= Contrast(bg, dark) {
		return light
	}
	return dark
}
