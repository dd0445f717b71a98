// Package lessons is rnnscope's classroom: nine lessons that walk through the
// lecture behind it (MISSION.md items 1–9), each a few short paragraphs in English
// and Korean and a live demonstration computed by the real engine (nets) and the
// real probe — never an animation of made-up numbers.
//
// A Demo is driven by its host one frame at a time: Step does a bounded amount of
// work (a few training steps, well under 20 ms on one core), View draws exactly
// w×h cells, Key takes the demonstration's own keys and Facts returns the numbers
// the screen claims, for tests. Everything is deterministic given the seed: the
// same seed, keys and number of Steps give the same frames on any machine. A Demo
// belongs to one goroutine and starts no goroutines of its own (the nets trainer
// may use a second core inside a step). It never reads the clock.
package lessons

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui/cells"
)

// Lang is a language of the lessons: "en" or "ko".
type Lang string

// The languages every text and label exists in.
const (
	EN Lang = "en"
	KO Lang = "ko"
)

// Langs lists the languages, English first.
func Langs() []Lang { return []Lang{EN, KO} }

// ParseLang reads --lang: "en" or "ko" (also "en_US.UTF-8", "ko-KR" and the like).
func ParseLang(s string) (Lang, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	switch {
	case l == "en" || strings.HasPrefix(l, "en_") || strings.HasPrefix(l, "en-") || l == "c" || l == "posix":
		return EN, nil
	case l == "ko" || strings.HasPrefix(l, "ko_") || strings.HasPrefix(l, "ko-"):
		return KO, nil
	}
	return EN, fmt.Errorf("--lang %q: want en or ko", s)
}

// Key is one key a demonstration takes, for the help line.
type Key struct {
	Key  string // as Key receives it: "t", "s", "left"
	Help string // what it does, in the demo's language
}

// Lesson is one idea of the lecture.
type Lesson struct {
	N     int
	Title map[Lang]string
	Text  map[Lang][]string // a few short paragraphs
	// Screen and Preset say where "open the full TUI here" goes: a screen of the
	// live TUI ("scope", "gradients", "gates", "raster") and a --preset name
	// ("hello", "quotes", "code", "gradients", "gates").
	Screen, Preset string
	// New starts the demonstration; equal seeds give equal demonstrations.
	New func(seed uint64) Demo
}

// Demo is a lesson's live demonstration.
type Demo interface {
	// Step advances by one frame's worth of work (a few training steps at most,
	// under 20 ms on one core) and reports whether the demonstration is still
	// changing; once it returns false, further Steps change nothing until a key
	// starts something new.
	Step() bool
	// View draws the demonstration in exactly w×h cells (h lines, each exactly w
	// cells wide as ansi.StringWidth counts them) with st's styles, labelled in
	// lang. It is meant for w ≥ 80 and h ≥ 14; smaller sizes still fit exactly.
	View(w, h int, st *themes.Styles, lang Lang) string
	// Key handles one of the demonstration's own keys (see Keys) and reports
	// whether it was used.
	Key(k string) bool
	// Keys lists the demonstration's keys with their help in lang.
	Keys(lang Lang) []Key
	// Facts returns the numbers and verdicts the screen states, by name, for tests.
	Facts() map[string]string
}

// All returns the nine lessons in order.
func All() []Lesson {
	return []Lesson{
		lesson1(), lesson2(), lesson3(), lesson4(), lesson5(),
		lesson6(), lesson7(), lesson8(), lesson9(),
	}
}

// tr picks the text of lang.
func tr(lang Lang, en, ko string) string {
	if lang == KO {
		return ko
	}
	return en
}

// demoRows is how many rows Page keeps for the demonstration when it chooses the
// text's height itself: every demonstration shows its essentials in 15 rows.
const demoRows = 15

// Page draws a whole lesson screen in exactly w×h cells: a title line with the
// lesson's number and a progress bar, the lesson's text (at most textRows lines;
// 0 hides it; a negative value gives it what the demonstration's 15 rows leave,
// at least 3), a rule, and the demonstration below in the rows that are left. A
// text cut short ends in "…": a host can offer a key that shows it whole (a large
// textRows) or hides it (0).
func Page(l Lesson, d Demo, w, h int, st *themes.Styles, lang Lang, textRows int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	var lines []string
	lines = append(lines, titleLine(l, w, st, lang))
	if textRows < 0 {
		textRows = max(h-2-demoRows, 3)
	}
	if textRows > 0 && h >= 8 {
		textRows = min(textRows, h-6)
		var text []string
		for i, p := range l.Text[lang] {
			if i > 0 {
				text = append(text, "")
			}
			text = append(text, cells.Wrap(p, w, 1000)...)
		}
		if len(text) > textRows {
			text = text[:textRows]
			for len(text) > 1 && strings.TrimSpace(text[len(text)-1]) == "" {
				text = text[:len(text)-1] // never end on the blank line between paragraphs
			}
			last := text[len(text)-1]
			if ansi.StringWidth(last)+2 > w {
				last = ansi.Truncate(last, w-2, "")
			}
			text[len(text)-1] = last + " …"
		}
		for _, t := range text {
			lines = append(lines, st.Text.Render(t))
		}
	}
	if h-len(lines) >= 3 {
		lines = append(lines, st.Grid.Render(strings.Repeat("─", w)))
	}
	top := cells.Fit(lines, w, len(lines))
	rest := h - len(lines)
	if rest <= 0 {
		return cells.Fit(lines, w, h)
	}
	return top + "\n" + d.View(w, rest, st, lang)
}

// titleLine is "Lesson 3 of 9 · Characters and one-hot vectors" with a progress
// bar on the right when it fits.
func titleLine(l Lesson, w int, st *themes.Styles, lang Lang) string {
	n := len(All())
	head := tr(lang, fmt.Sprintf("Lesson %d of %d", l.N, n), fmt.Sprintf("%d강 (전체 %d강)", l.N, n))
	bar := strings.Repeat("●", l.N) + strings.Repeat("○", n-l.N)
	title := l.Title[lang]
	left := st.Muted.Render(head+" · ") + st.Title.Render(title)
	lw := ansi.StringWidth(head+" · ") + ansi.StringWidth(title)
	if lw+2+n <= w {
		return left + strings.Repeat(" ", w-lw-n) + st.Accent.Render(bar)
	}
	return cells.Pad(left, w)
}
