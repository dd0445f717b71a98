package corpora

import (
	"math/rand/v2"
	"slices"
)

// The code corpus: synthetic Go-like source whose string literals, comments and
// identifiers share one vocabulary, so "inside a string" cannot be read off the last
// few characters, and whose strings sit in assignments, returns, composite literals
// and conditions as well as call arguments, so "inside a string" is not "inside
// parentheses" either (research/string-unit.md measured both confounds).

// codeWords holds the vocabulary of the code corpus. It is built by a function for
// each generator and never changed.
type codeWords struct {
	idents   []string // variables of any type
	strVars  []string // variables that hold strings
	funcs    []string // functions that return a value
	calls    []string // functions called as statements
	suffixes []string // for function names
	types    []string
	messages []string // error-message phrases
	notes    []string // comment phrases
	quoted   []string // comment phrases holding quotes, braces or apostrophes
	keys     []string // composite literal keys
	formats  []string // string suffixes
	runes    []string // rune literals, some holding quotes or braces
	runeVars []string
	ops      []string // comparisons
	arith    []string
	assign   []string
	logic    []string
	eq       []string
	loopVars []string
	slices   []string // names of []string literals
	maps     []string // names of map literals
	mapTypes []string
	errs     []string
	bools    []string
}

func newCodeWords() codeWords {
	return codeWords{
		idents: []string{"x", "y", "n", "i", "j", "k", "count", "total", "buf", "err", "ok",
			"size", "idx", "val", "key", "node", "next", "sum", "left", "right", "name",
			"value", "line", "word", "item", "start", "end"},
		strVars: []string{"s", "msg", "name", "text", "label", "out", "word", "line"},
		funcs: []string{"parse", "load", "scan", "emit", "merge", "check", "apply", "flush",
			"lookup", "insert", "encode", "decode", "split", "render", "update", "find", "read"},
		calls:    []string{"print", "log", "write", "fail", "warn", "send", "store"},
		suffixes: []string{"", "", "All", "One", "Next", "Fast", "Key", "Node"},
		types:    []string{"int", "string", "bool", "float", "byte"},
		messages: []string{"value", "out of range", "done", "error", "retry", "empty buffer",
			"bad key", "ok", "missing node", "overflow", "skip", "not found", "open",
			"closed", "invalid", "start", "end of input", "total", "next key", "no value"},
		notes: []string{"check bounds", "fast path", "fall back to slow path", "TODO remove",
			"update counters", "handle the empty case", "keep going", "see above",
			"note: order matters", "avoid allocation here", "retry on error",
			"the key is not found", "skip the next node", "count the total", "start over",
			"read the next line", "load the value", "split the word"},
		quoted: []string{`returns "ok" when done`, `an empty name means "none"`,
			`don't touch buf`, `the map is {key: value}`, `see "retry" above`,
			`it's {start, end}`, `print "done" at the end`, `skip '"' and '{'`},
		keys:     []string{"id", "ok", "kind", "name", "key", "value", "size", "next"},
		formats:  []string{": %d", ": %s", " %v", "=%q", ": %d of %d"},
		runes:    []string{`'"'`, `'{'`, `'}'`, `'\''`, `'a'`, `'\n'`, `'\\'`, `'('`},
		runeVars: []string{"c", "r", "sep"},
		ops:      []string{"<", ">", "==", "!=", "<=", ">="},
		arith:    []string{" + ", " - ", " * ", " / "},
		assign:   []string{" = ", " := ", " += "},
		logic:    []string{" && ", " || "},
		eq:       []string{" == ", " != "},
		loopVars: []string{"i", "j", "k"},
		slices:   []string{"names", "words", "keys", "lines", "parts"},
		maps:     []string{"m", "seen", "index", "opts"},
		mapTypes: []string{"int", "bool", "string"},
		errs:     []string{"nil", "err"},
		bools:    []string{"true", "false"},
	}
}

// codeSyntax is every character the code generator writes besides its words.
const codeSyntax = "\n\t \"%(),:;=[]{}+-*/<>!&|_0123456789\\'"

func codeAlphabet() []rune {
	w := newCodeWords()
	return alphabetOf(w.idents, w.strVars, w.funcs, w.calls, w.suffixes, w.types,
		w.messages, w.notes, w.quoted, w.keys, w.formats, w.runes, w.runeVars, w.ops,
		w.arith, w.assign, w.logic, w.eq, w.loopVars, w.slices, w.maps, w.mapTypes,
		w.errs, w.bools, []string{codeSyntax, "func return if else for range map string"})
}

// alphabetOf returns the distinct characters of the strings, sorted by code point
// (the order a loaded corpus's vocabulary has).
func alphabetOf(lists ...[]string) []rune {
	var rs []rune
	for _, l := range lists {
		for _, s := range l {
			rs = append(rs, []rune(s)...)
		}
	}
	slices.Sort(rs)
	return slices.Compact(rs)
}

// codeGen writes one function at a time into buf and serves it as runes. While it
// writes it knows the ground truth (inside a string, a comment, an if body, brace
// depth), which tests compare with Labels.
type codeGen struct {
	rng *rand.Rand
	w   codeWords
	buf []byte // the function being served; ASCII only
	pos int

	// State after the last written character.
	quote, comment bool
	blocks         []bool // open braces: true for if/else bodies
	ifs            int

	truth *codeTruth // test hook: nil except in tests
}

// codeTruth records the generator's state after each character it wrote.
type codeTruth struct {
	quote, ifBody, comment []bool
	depth                  []int
}

func newCodeGen(seed uint64) *codeGen {
	return &codeGen{rng: rand.New(rand.NewPCG(seed, 0xc0de)), w: newCodeWords()}
}

// ReadRunes fills dst with the next characters of the endless stream.
func (g *codeGen) ReadRunes(dst []rune) {
	for i := range dst {
		if g.pos == len(g.buf) {
			g.buf, g.pos = g.buf[:0], 0
			g.function()
		}
		dst[i] = rune(g.buf[g.pos])
		g.pos++
	}
}

// Writing primitives. Each records the state after every character it writes.

func (g *codeGen) put(s string) {
	g.buf = append(g.buf, s...)
	if g.truth != nil {
		g.record(len(s))
	}
}

func (g *codeGen) putc(c byte) {
	g.buf = append(g.buf, c)
	if g.truth != nil {
		g.record(1)
	}
}

func (g *codeGen) record(n int) {
	t := g.truth
	for range n {
		t.quote = append(t.quote, g.quote)
		t.comment = append(t.comment, g.comment)
		t.ifBody = append(t.ifBody, g.ifs > 0)
		t.depth = append(t.depth, len(g.blocks))
	}
}

func (g *codeGen) tabs(n int) {
	for range n {
		g.putc('\t')
	}
}

func (g *codeGen) open(isIf bool) {
	g.blocks = append(g.blocks, isIf)
	if isIf {
		g.ifs++
	}
	g.putc('{')
}

func (g *codeGen) close() {
	if g.blocks[len(g.blocks)-1] {
		g.ifs--
	}
	g.blocks = g.blocks[:len(g.blocks)-1]
	g.putc('}')
}

func (g *codeGen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *codeGen) chance(p float64) bool { return g.rng.Float64() < p }

// Grammar.

// controlOdds gives, per statement of a block at level (1 is the function body),
// the chances that it opens an if, opens a for loop, or returns early (nested
// blocks only). Blocks nest at most 3 deep inside a function: level 4 opens
// nothing. Tuned for 40-55% of characters in if bodies and a mean depth near 1.8.
func controlOdds(level int) (pIf, pFor, pReturn float64) {
	switch level {
	case 1:
		return 0.24, 0.10, 0
	case 2:
		return 0.16, 0.06, 0.05
	case 3:
		return 0.06, 0.02, 0.30
	}
	return 0, 0, 0.35
}

func (g *codeGen) function() {
	name, suffix := g.pick(g.w.funcs), g.pick(g.w.suffixes)
	typ := g.pick(g.w.types)
	if g.chance(0.5) {
		g.comment = true
		g.put("// ")
		g.put(name)
		g.put(suffix)
		g.putc(' ')
		g.commentText()
		g.comment = false
		g.putc('\n')
	}
	g.put("func ")
	g.put(name)
	g.put(suffix)
	g.putc('(')
	for a := range g.rng.IntN(4) {
		if a > 0 {
			g.put(", ")
		}
		g.put(g.pick(g.w.idents))
		g.putc(' ')
		g.put(g.pick(g.w.types))
	}
	g.put(") ")
	g.put(typ)
	g.putc(' ')
	g.open(false)
	g.putc('\n')
	g.block(1, 2+g.rng.IntN(6))
	g.tabs(1)
	g.put("return ")
	if typ == "string" && g.chance(0.7) {
		g.literal()
	} else {
		g.expr()
	}
	g.putc('\n')
	g.close()
	g.put("\n\n")
}

func (g *codeGen) block(level, n int) {
	pIf, pFor, pReturn := controlOdds(level)
	for range n {
		r := g.rng.Float64()
		switch {
		case r < pIf:
			g.ifStmt(level)
		case r < pIf+pFor:
			g.forStmt(level)
		case level > 1 && r < pIf+pFor+pReturn:
			g.returnStmt(level)
			return
		default:
			g.simple(level)
		}
	}
}

func (g *codeGen) ifStmt(level int) {
	g.tabs(level)
	g.put("if ")
	g.cond()
	g.putc(' ')
	g.open(true)
	g.putc('\n')
	g.block(level+1, 1+g.rng.IntN(4))
	r := g.rng.Float64()
	if r < 0.2 {
		g.tabs(level)
		g.close()
		g.put(" else if ")
		g.cond()
		g.putc(' ')
		g.open(true)
		g.putc('\n')
		g.block(level+1, 1+g.rng.IntN(3))
	}
	if r < 0.55 {
		g.tabs(level)
		g.close()
		g.put(" else ")
		g.open(true)
		g.putc('\n')
		g.block(level+1, 1+g.rng.IntN(3))
	}
	g.tabs(level)
	g.close()
	g.putc('\n')
}

func (g *codeGen) forStmt(level int) {
	g.tabs(level)
	switch r := g.rng.Float64(); {
	case r < 0.6:
		v := g.pick(g.w.loopVars)
		g.put("for ")
		g.put(v)
		g.put(" := 0; ")
		g.put(v)
		g.put(" < ")
		g.put(g.pick(g.w.idents))
		g.put("; ")
		g.put(v)
		g.put("++ ")
	case r < 0.85:
		g.put("for _, ")
		g.put(g.pick(g.w.idents))
		g.put(" := range ")
		g.put(g.pick(g.w.idents))
		g.putc(' ')
	default:
		g.put("for ")
		g.cond()
		g.putc(' ')
	}
	g.open(false)
	g.putc('\n')
	g.block(level+1, 1+g.rng.IntN(4))
	g.tabs(level)
	g.close()
	g.putc('\n')
}

func (g *codeGen) returnStmt(level int) {
	g.tabs(level)
	g.put("return ")
	if g.chance(0.4) {
		g.literal()
		if g.chance(0.2) {
			g.put(", ")
			g.put(g.pick(g.w.errs))
		}
	} else {
		g.expr()
	}
	g.putc('\n')
}

// simple writes one statement without a block, on its own line.
func (g *codeGen) simple(level int) {
	g.tabs(level)
	w := &g.w
	switch r := g.rng.Float64(); {
	case r < 0.30: // x = expr
		g.put(g.pick(w.idents))
		g.put(g.pick(w.assign))
		g.expr()
	case r < 0.37: // call("…", x)
		g.put(g.pick(w.calls))
		g.putc('(')
		g.literal()
		g.put(", ")
		g.put(g.pick(w.idents))
		g.putc(')')
	case r < 0.42: // x := f(y, "…")
		g.put(g.pick(w.idents))
		g.put(" := ")
		g.put(g.pick(w.funcs))
		g.putc('(')
		g.put(g.pick(w.idents))
		g.put(", ")
		g.literal()
		g.putc(')')
	case r < 0.53: // a call without a string
		if g.chance(0.5) {
			g.put(g.pick(w.idents))
			g.put(" := ")
			g.put(g.pick(w.funcs))
		} else {
			g.put(g.pick(w.calls))
		}
		g.putc('(')
		for a := range 1 + g.rng.IntN(3) {
			if a > 0 {
				g.put(", ")
			}
			g.expr()
		}
		g.putc(')')
	case r < 0.63: // string assignment
		g.put(g.pick(w.strVars))
		switch r := g.rng.Float64(); {
		case r < 0.4:
			g.put(" := ")
			g.literal()
		case r < 0.7:
			g.put(" = ")
			g.literal()
		case r < 0.85:
			g.put(" += ")
			g.literal()
		default:
			g.put(" = ")
			g.literal()
			g.put(" + ")
			g.put(g.pick(w.strVars))
		}
	case r < 0.70: // composite literal
		g.compositeLiteral()
	case r < 0.84: // comment line
		g.comment = true
		g.put("// ")
		g.commentText()
		g.comment = false
	case r < 0.97: // x++, sometimes with a trailing comment
		g.put(g.pick(w.idents))
		g.put("++")
		if g.chance(0.3) {
			g.put(" ")
			g.comment = true
			g.put("// ")
			g.commentText()
			g.comment = false
		}
	default: // a rune literal, which is not a string even when it holds a quote
		g.put(g.pick(w.runeVars))
		g.put(" = ")
		g.put(g.pick(w.runes))
	}
	g.putc('\n')
}

func (g *codeGen) compositeLiteral() {
	w := &g.w
	if g.chance(0.55) {
		g.put(g.pick(w.slices))
		g.put(" := []string")
		g.open(false)
		for e := range 1 + g.rng.IntN(4) {
			if e > 0 {
				g.put(", ")
			}
			g.shortLiteral()
		}
		g.close()
		return
	}
	g.put(g.pick(w.maps))
	vt := g.pick(w.mapTypes)
	g.put(" := map[string]")
	g.put(vt)
	g.open(false)
	for e := range 1 + g.rng.IntN(3) {
		if e > 0 {
			g.put(", ")
		}
		g.quote = true
		g.putc('"')
		g.put(g.pick(w.keys))
		g.quote = false
		g.putc('"')
		g.put(": ")
		switch vt {
		case "int":
			g.number()
		case "bool":
			g.put(g.pick(w.bools))
		default:
			g.shortLiteral()
		}
	}
	g.close()
}

// literal writes a string literal: one to three phrases from the pool shared with
// identifiers and comments, sometimes with a format verb, an escape or an escaped
// quote.
func (g *codeGen) literal() {
	g.quote = true
	g.putc('"')
	if g.chance(0.03) {
		g.put(`\t`)
	}
	n := 1 + g.rng.IntN(3)   // phrases
	quoted := g.rng.IntN(12) // in about 1 literal of 10, a phrase is \"quoted\"
	for p := range n {
		if p > 0 {
			g.putc(' ')
		}
		if p == quoted {
			g.put(`\"`)
			g.phrase()
			g.put(`\"`)
		} else {
			g.phrase()
		}
	}
	if g.chance(0.25) {
		g.put(g.pick(g.w.formats))
	}
	if g.chance(0.1) {
		g.put(`\n`)
	}
	g.quote = false
	g.putc('"')
}

// shortLiteral writes a one-word literal, as in composite literals.
func (g *codeGen) shortLiteral() {
	g.quote = true
	g.putc('"')
	if g.chance(0.5) {
		g.put(g.pick(g.w.keys))
	} else {
		g.phrase()
	}
	g.quote = false
	g.putc('"')
}

// phrase writes one entry of the pool shared by strings and comments: an error
// message, a comment phrase, or an identifier or function name.
func (g *codeGen) phrase() {
	switch r := g.rng.Float64(); {
	case r < 0.4:
		g.put(g.pick(g.w.messages))
	case r < 0.75:
		g.put(g.pick(g.w.notes))
	case r < 0.9:
		g.put(g.pick(g.w.idents))
	default:
		g.put(g.pick(g.w.funcs))
	}
}

func (g *codeGen) commentText() {
	if g.chance(0.15) {
		g.put(g.pick(g.w.quoted))
		return
	}
	for p := range 1 + g.rng.IntN(3) {
		if p > 0 {
			g.putc(' ')
		}
		g.phrase()
	}
}

func (g *codeGen) number() {
	n := g.rng.IntN(100)
	if n >= 10 {
		g.putc(byte('0' + n/10))
	}
	g.putc(byte('0' + n%10))
}

func (g *codeGen) expr() {
	w := &g.w
	switch r := g.rng.Float64(); {
	case r < 0.4:
		g.put(g.pick(w.idents))
	case r < 0.7:
		g.put(g.pick(w.idents))
		g.put(g.pick(w.arith))
		g.number()
	case r < 0.9:
		g.put(g.pick(w.idents))
		g.put(g.pick(w.arith[:2]))
		g.put(g.pick(w.idents))
	default:
		g.put(g.pick(w.funcs))
		g.putc('(')
		g.put(g.pick(w.idents))
		g.putc(')')
	}
}

func (g *codeGen) cond() {
	w := &g.w
	switch r := g.rng.Float64(); {
	case r < 0.15: // s == "…"
		g.put(g.pick(w.strVars))
		g.put(g.pick(w.eq))
		g.literal()
	case r < 0.2: // c == '"'
		g.put(g.pick(w.runeVars))
		g.put(g.pick(w.eq))
		g.put(g.pick(w.runes))
	default:
		g.put(g.pick(w.idents))
		g.putc(' ')
		g.put(g.pick(w.ops))
		g.putc(' ')
		g.expr()
		if g.chance(0.25) {
			g.put(g.pick(w.logic))
			g.put(g.pick(w.idents))
			g.putc(' ')
			g.put(g.pick(w.ops))
			g.putc(' ')
			g.number()
		}
	}
}
