package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/rnnscope/rnnscope/probe"
)

// Languages the interface speaks. The English text is in the code; every other
// language is a catalog from English format strings to its own.
const (
	LangEnglish = "en"
	LangKorean  = "ko"
)

// Langs lists the --lang values.
func Langs() []string { return []string{LangEnglish, LangKorean} }

// LangFromEnv picks the language from a POSIX environment (os.Environ form):
// the first set of LC_ALL, LC_MESSAGES and LANG decides, and a value starting
// with "ko" (ko_KR.UTF-8, ko) means Korean; anything else, English.
func LangFromEnv(env []string) string {
	vals := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vals[k] = v
		}
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := vals[k]; v != "" {
			if strings.HasPrefix(strings.ToLower(v), "ko") {
				return LangKorean
			}
			return LangEnglish
		}
	}
	return LangEnglish
}

// catalog writes the interface in one language. Every string the user reads is
// an English format string passed to tr, which looks it up (in Korean, with
// explicit argument indexes such as %[2]s where the word order differs) and
// formats it. The model builds its catalog once, in New.
type catalog struct {
	lang   string
	ko     map[string]string // English format → Korean format
	labels map[string][2]string
	// miss, when set (by tests), is called with every format that has no entry
	// in a language other than English, and every unknown label.
	miss func(format string)
}

// newCatalog builds the catalog of lang ("" and unknown languages: English).
func newCatalog(lang string) *catalog {
	c := &catalog{lang: LangEnglish}
	if lang == LangKorean {
		c.lang, c.ko, c.labels = LangKorean, koStrings(), koLabels()
	}
	return c
}

// english reports whether the catalog is the English one.
func (c *catalog) english() bool { return c.lang == LangEnglish }

// tr formats format's translation with args; a format without an entry is
// used as it is (and reported to miss).
func (c *catalog) tr(format string, args ...any) string {
	f := format
	if !c.english() {
		if k, ok := c.ko[format]; ok {
			f = k
		} else if c.miss != nil {
			c.miss(format)
		}
	}
	if len(args) == 0 && !strings.Contains(f, "%") {
		return f
	}
	return fmt.Sprintf(f, args...)
}

// label is a label's short name for tables and gutters: quote, depth (in
// Korean 따옴표, 깊이).
func (c *catalog) label(name string) string {
	if c.english() {
		return name
	}
	if l, ok := c.labels[name]; ok {
		return l[0]
	}
	if c.miss != nil {
		c.miss("label " + name)
	}
	return name
}

// phrase names a label in a few words: "inside quotes", "brace depth".
func (c *catalog) phrase(name string) string {
	if c.english() {
		return probe.Phrase(name)
	}
	if l, ok := c.labels[name]; ok {
		return l[1]
	}
	if c.miss != nil {
		c.miss("label " + name)
	}
	return probe.Phrase(name)
}

// named is a label inside a sentence that names it: its name in English
// ("where quote holds"), its phrase in other languages.
func (c *catalog) named(name string) string {
	if c.english() {
		return name
	}
	return c.phrase(name)
}

// pct writes a share as a whole percentage.
func pct(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) }

// verdict says a probe claim in the catalog's language. In English it is the
// probe's own Verdict.
func (c *catalog) verdict(cl probe.Claim) string {
	readout := ""
	if !math.IsNaN(cl.Readout) {
		readout = c.tr("; all units together: r %.2f", cl.Readout)
	}
	ph := c.phrase(cl.Label)
	var s string
	switch cl.Kind {
	case probe.ClaimUnmeasurable:
		return c.tr("%s: not measurable on this window", c.label(cl.Label))
	case probe.ClaimNone:
		if !cl.Binary {
			return c.tr("no single unit tracks %s yet (best %s: |r| %.2f)", ph, cl.Name, cl.Score) + readout
		}
		return c.tr("no single unit tracks %s yet (best %s: AUC %.2f)", c.named(cl.Label), cl.Name, cl.Score) + readout
	case probe.ClaimTracks:
		if cl.Positive {
			return c.tr("%s tracks %s: it rises as %s grows (r %.2f)", cl.Name, ph, ph, cl.R)
		}
		return c.tr("%s tracks %s: it falls as %s grows (r %.2f)", cl.Name, ph, ph, cl.R)
	case probe.ClaimDepthNotIf:
		return c.tr("%s tracks brace depth, not if-blocks (r with depth %.2f; with if, depth held fixed: %.2f)",
			cl.Name, cl.Other, cl.Within)
	case probe.ClaimParensNotStrings:
		return c.tr("%s tracks parentheses more than strings (r with paren %.2f; AUC among characters inside parentheses %.2f)",
			cl.Name, cl.Other, cl.Within)
	case probe.ClaimFlipsSign:
		acc, bal, base := pct(cl.SignAcc), pct(cl.SignBal), pct(cl.BaseRate)
		if cl.Positive {
			s = c.tr("%s flips sign %s: positive inside, right on %s of characters (balanced %s, baseline %s)", cl.Name, ph, acc, bal, base)
		} else {
			s = c.tr("%s flips sign %s: negative inside, right on %s of characters (balanced %s, baseline %s)", cl.Name, ph, acc, bal, base)
		}
	case probe.ClaimHigher:
		s = c.tr("%s is higher %s: right on %s of characters vs %s baseline (threshold %.2f; its sign alone: %s)",
			cl.Name, ph, pct(cl.ThrAcc), pct(cl.BaseRate), cl.Threshold, pct(cl.SignAcc))
	case probe.ClaimLower:
		s = c.tr("%s is lower %s: right on %s of characters vs %s baseline (threshold %.2f; its sign alone: %s)",
			cl.Name, ph, pct(cl.ThrAcc), pct(cl.BaseRate), cl.Threshold, pct(cl.SignAcc))
	default:
		return ""
	}
	if cl.LookupAsGood {
		s += c.tr("; but a lookup of the last 3 characters does as well (AUC %.2f)", cl.Lookup)
	}
	return s
}

// say is a script's caption in the catalog's language when the catalog has it
// (the built-in tour's captions), else as written.
func (c *catalog) say(text string) string {
	if k, ok := c.ko[text]; ok && !c.english() {
		return k
	}
	return text
}

// event writes a probe event in the catalog's language: its format looked up,
// and its arguments that are words rather than names (a label, "infinite" for
// a loss) translated. Events made without a format keep their English text.
func (c *catalog) event(e probe.Event) string {
	if c.english() || e.Format == "" {
		return e.Text
	}
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		args[i] = a
		switch s, _ := a.(string); {
		case c.labels[s] != [2]string{}:
			args[i] = c.phrase(s)
		case s == "infinite":
			args[i] = c.tr("infinite")
		}
	}
	return c.tr(e.Format, args...)
}
