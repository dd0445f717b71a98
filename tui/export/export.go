// Package export writes what rnnscope found to files a person can put on a
// slide or load elsewhere: PNG figures drawn with gonum/plot (loss curves,
// gradient flow by lag, a unit's trace over text, gate saturation, the
// emergence of a unit over training), a self-contained HTML page of text
// coloured by a unit, and the probe's states as CSV or JSONL.
//
// It draws from data it is given and never trains or probes. Colours come from
// a theme's palette (package themes), so a figure matches the terminal it came
// from. Every file is written atomically: a temporary file in the same folder,
// synced, then renamed over the target.
package export

import (
	"bufio"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rnnscope/rnnscope/themes"
)

// ThemeNames lists the themes a figure can take, in the order --help shows them.
// "colorblind" and "high-contrast" use their light variants: figures are for
// slides and paper.
func ThemeNames() []string { return []string{"light", "dark", "colorblind", "high-contrast"} }

// Theme is the colours of one export: the palette of a themes theme at full
// colour, and its diverging map for activations. It is never modified after
// NewTheme returns.
type Theme struct {
	Name string
	Pal  themes.Palette
	Div  *themes.Map
}

// NewTheme builds a theme by name (see ThemeNames).
func NewTheme(name string) (*Theme, error) {
	if !slices.Contains(ThemeNames(), name) {
		return nil, fmt.Errorf("--theme %q: want %s", name, orList(ThemeNames()))
	}
	st := themes.New(name, themes.TrueColor, name == "dark")
	return &Theme{Name: name, Pal: st.Palette, Div: st.Div}, nil
}

// orList writes "a, b, c or d".
func orList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// blend mixes a into b: t = 0 gives b, t = 1 gives a.
func blend(a, b color.Color, t float64) color.Color {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	mix := func(x, y uint32) uint8 { return uint8((t*float64(x>>8) + (1-t)*float64(y>>8)) + 0.5) }
	return color.RGBA{R: mix(ar, br), G: mix(ag, bg), B: mix(ab, bb), A: 0xff}
}

// hexOf writes a colour as #rrggbb.
func hexOf(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// WriteFile writes data to path atomically: a temporary file in the same folder,
// synced to disk, then renamed over path. A failed write leaves path as it was.
func WriteFile(path string, data []byte) error {
	return writeAtomic(path, func(w *bufio.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeAtomic runs write into a temporary file beside path and renames it over
// path once everything is on disk.
func writeAtomic(path string, write func(w *bufio.Writer) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	w := bufio.NewWriterSize(tmp, 1<<16)
	if err := write(w); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
