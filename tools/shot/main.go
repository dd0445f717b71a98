// Command shot renders a terminal screen to PNG: the output of
// `tmux capture-pane -p -e` (or any ANSI text, such as a frame a test wrote) is
// replayed into an in-process terminal emulator and each cell is painted with its
// colours and attributes. Block elements and braille are drawn as shapes, so
// heatmaps have no seams and traces need no braille font.
//
//	tmux capture-pane -p -e -t S > screen.ansi
//	go run ./tools/shot -cols 240 -rows 70 -in screen.ansi -out docs/scope.png
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"os"
	"strings"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/vt"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

func main() {
	cols := flag.Int("cols", 80, "terminal width in cells")
	rows := flag.Int("rows", 24, "terminal height in cells")
	in := flag.String("in", "-", "ANSI text to render (- for stdin)")
	out := flag.String("out", "screen.png", "PNG to write")
	fontPath := flag.String("font", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", "a monospace TrueType font")
	size := flag.Float64("size", 16, "font size in points (at 72 dpi: pixels)")
	bg := flag.String("bg", "#101014", "the terminal's default background")
	fg := flag.String("fg", "#d8d8d8", "the terminal's default foreground")
	flag.Parse()
	if err := run(*cols, *rows, *in, *out, *fontPath, *size, parseHex(*bg), parseHex(*fg)); err != nil {
		fmt.Fprintln(os.Stderr, "shot:", err)
		os.Exit(1)
	}
}

func parseHex(s string) color.RGBA {
	var r, g, b uint8
	fmt.Sscanf(strings.TrimPrefix(s, "#"), "%02x%02x%02x", &r, &g, &b)
	return color.RGBA{r, g, b, 255}
}

func run(cols, rows int, in, out, fontPath string, size float64, bg, fg color.RGBA) error {
	var data []byte
	var err error
	if in == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(in)
	}
	if err != nil {
		return err
	}
	emu := vt.NewEmulator(cols, rows)
	go io.Copy(io.Discard, emu) // the emulator answers queries; nobody reads them
	// capture-pane ends lines with \n only: make them \r\n.
	data = bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
	data = bytes.TrimSuffix(data, []byte("\r\n"))
	if _, err := emu.Write(data); err != nil {
		return err
	}
	ttf, err := os.ReadFile(fontPath)
	if err != nil {
		return err
	}
	f, err := opentype.Parse(ttf)
	if err != nil {
		return err
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return err
	}
	m := face.Metrics()
	adv, _ := face.GlyphAdvance('M')
	cw := adv.Ceil()
	ch := (m.Ascent + m.Descent).Ceil()
	img := image.NewRGBA(image.Rect(0, 0, cols*cw, rows*ch))
	draw.Draw(img, img.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	d := &font.Drawer{Dst: img, Face: face}
	for y := range rows {
		for x := range cols {
			c := emu.CellAt(x, y)
			if c == nil || c.Width == 0 {
				continue
			}
			cfg, cbg := colour(c.Style.Fg, fg), colour(c.Style.Bg, bg)
			if c.Style.Attrs&uv.AttrReverse != 0 {
				cfg, cbg = cbg, cfg
			}
			if c.Style.Attrs&uv.AttrFaint != 0 {
				cfg = mix(cfg, cbg, 0.45)
			}
			w := max(c.Width, 1)
			cell := image.Rect(x*cw, y*ch, (x+w)*cw, (y+1)*ch)
			draw.Draw(img, cell, image.NewUniform(cbg), image.Point{}, draw.Src)
			r := []rune(c.Content)
			if len(r) == 0 || r[0] == ' ' {
				continue
			}
			if shape(img, cell, r[0], cfg, cbg) {
				continue
			}
			d.Src = image.NewUniform(cfg)
			d.Dot = fixed.P(x*cw, y*ch+m.Ascent.Ceil())
			d.DrawString(c.Content)
			if c.Style.Attrs&uv.AttrBold != 0 { // fake bold: draw again one pixel right
				d.Dot = fixed.P(x*cw+1, y*ch+m.Ascent.Ceil())
				d.DrawString(c.Content)
			}
			if c.Style.Underline != 0 {
				draw.Draw(img, image.Rect(cell.Min.X, cell.Max.Y-2, cell.Max.X, cell.Max.Y-1), image.NewUniform(cfg), image.Point{}, draw.Src)
			}
		}
	}
	file, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := png.Encode(file, img); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

func colour(c color.Color, def color.RGBA) color.RGBA {
	if c == nil {
		return def
	}
	r, g, b, _ := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	f := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 255}
}

// shape draws block elements, shades and braille as rectangles; false for
// anything else.
func shape(img *image.RGBA, cell image.Rectangle, r rune, fg, bg color.RGBA) bool {
	fill := func(x0, y0, x1, y1 float64, c color.RGBA) {
		w, h := float64(cell.Dx()), float64(cell.Dy())
		rect := image.Rect(cell.Min.X+int(x0*w), cell.Min.Y+int(y0*h), cell.Min.X+int(x1*w+0.5), cell.Min.Y+int(y1*h+0.5))
		draw.Draw(img, rect, image.NewUniform(c), image.Point{}, draw.Src)
	}
	switch {
	case r == '█':
		fill(0, 0, 1, 1, fg)
	case r == '▀':
		fill(0, 0, 1, 0.5, fg)
	case r == '▄':
		fill(0, 0.5, 1, 1, fg)
	case r >= '▁' && r <= '▇': // lower eighths
		k := float64(r-'▁'+1) / 8
		fill(0, 1-k, 1, 1, fg)
	case r == '░' || r == '▒' || r == '▓':
		t := map[rune]float64{'░': 0.25, '▒': 0.5, '▓': 0.75}[r]
		fill(0, 0, 1, 1, mix(bg, fg, t))
	case r >= 0x2800 && r <= 0x28FF: // braille: 2×4 dots
		bits := r - 0x2800
		pos := [8][2]float64{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}, {0, 3}, {1, 3}}
		for i, p := range pos {
			if bits&(1<<i) != 0 {
				x, y := p[0]/2+0.08, p[1]/4+0.04
				fill(x, y, x+0.32, y+0.17, fg)
			}
		}
	default:
		return false
	}
	return true
}
