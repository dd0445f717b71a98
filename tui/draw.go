package tui

import (
	"math"
	"strings"

	"github.com/rnnscope/rnnscope/themes"
)

// hjoin places blocks of lines side by side; every block must already be h lines
// of its own fixed width.
func hjoin(sep string, blocks ...string) string {
	rows := make([][]string, len(blocks))
	h := 0
	for i, b := range blocks {
		rows[i] = strings.Split(b, "\n")
		h = max(h, len(rows[i]))
	}
	var out strings.Builder
	for y := range h {
		if y > 0 {
			out.WriteByte('\n')
		}
		for i := range blocks {
			if i > 0 {
				out.WriteString(sep)
			}
			if y < len(rows[i]) {
				out.WriteString(rows[i][y])
			}
		}
	}
	return out.String()
}

// sparkline draws values as bars scaled to [lo, hi], newest last, at most w wide
// (the newest w values).
func sparkline(vals []float64, lo, hi float64, w int) string {
	if len(vals) > w {
		vals = vals[len(vals)-w:]
	}
	var b strings.Builder
	for _, v := range vals {
		if math.IsNaN(v) {
			b.WriteByte(' ')
			continue
		}
		f := 0.0
		if hi > lo {
			f = (v - lo) / (hi - lo)
		}
		b.WriteString(themes.Spark(f))
	}
	return b.String()
}

// scaler maps a value range onto pixel rows (top = hi).
type scaler struct {
	lo, hi float64
	log    bool
	px     int // pixels
}

func (s scaler) y(v float64) int {
	lo, hi := s.lo, s.hi
	if s.log {
		v, lo, hi = math.Log10(max(v, 1e-300)), math.Log10(lo), math.Log10(hi)
	}
	if hi <= lo {
		return s.px / 2
	}
	f := (v - lo) / (hi - lo)
	f = min(max(f, 0), 1)
	return int(math.Round((1 - f) * float64(s.px-1)))
}
