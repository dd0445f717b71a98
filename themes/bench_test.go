package themes_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rnnscope/rnnscope/themes"
)

// randomLevels returns n diverging levels, uniformly random: the worst case
// for a Pen, since almost every cell changes colour.
func randomLevels(n int) []int {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]int, n)
	for i := range out {
		out[i] = r.IntN(2*themes.Levels+1) - themes.Levels
	}
	return out
}

// BenchmarkPen draws a 240×70 frame of random levels (one Text or Block
// cell each, Half for 140 unit rows) at each depth.
func BenchmarkPen(b *testing.B) {
	const w, h = 240, 70
	levels := randomLevels(w * 2 * h)
	for _, c := range []struct {
		name  string
		theme string
		depth themes.Depth
	}{
		{"truecolor", "dark", themes.TrueColor},
		{"256", "dark", themes.ANSI256},
		{"16", "dark", themes.ANSI16},
		{"mono", "mono", themes.TrueColor},
	} {
		st := themes.New(c.theme, c.depth, true)
		for _, kind := range []string{"text", "block", "half"} {
			b.Run(c.name+"/"+kind, func(b *testing.B) {
				b.ReportAllocs()
				var bytes int
				for b.Loop() {
					var sb strings.Builder
					sb.Grow(1 << 20)
					for y := range h {
						pen := st.Div.Pen(&sb)
						top, bottom := levels[2*y*w:][:w], levels[(2*y+1)*w:][:w]
						switch kind {
						case "text":
							for _, l := range top {
								pen.Text(l, 'e')
							}
						case "block":
							for _, l := range top {
								pen.Block(l)
							}
						default:
							for x, l := range top {
								pen.Half(l, bottom[x])
							}
						}
						pen.End()
						sb.WriteByte('\n')
					}
					bytes = sb.Len()
				}
				b.ReportMetric(float64(w*h*b.N)/b.Elapsed().Seconds(), "cells/s")
				b.ReportMetric(float64(bytes), "bytes/frame")
			})
		}
	}
}

// BenchmarkNew is the cost of rebuilding the styles when the profile,
// background or theme changes.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = themes.New("dark", themes.TrueColor, true)
	}
}
