package corpora

import (
	"math"
	"unicode"
)

// Feature is one per-character ground-truth signal. Values[i] describes the state
// after reading text[i]. NaN means "not applicable here" (the probe skips it).
type Feature struct {
	Name, Doc string
	Values    []float64
}

// labelDef names one feature and settles its edge cases.
type labelDef struct{ name, doc string }

// labelDefs lists the features in the order Labels returns them. It is a function,
// not a package variable, so nobody can change the list at run time.
func labelDefs() []labelDef {
	return []labelDef{
		{"quote", `1 inside a double-quoted span: the opening " is 1, the closing " is 0. ` +
			`Escape-aware (\" and \\); not in comments, rune literals ('"', '\'') or ` +
			"backtick raw strings. A span ends at its line's end (the newline is 0) " +
			"unless it reads like wrapped dialogue: its line and its text so far hold " +
			"only letters, digits, spaces, quotes, .,;:!?'- and non-ASCII, and the next " +
			"line starts without indentation. So a stray quote costs at most its line " +
			"in code and its paragraph in prose"},
		{"if", "1 inside the body of an if, else if or else block at any enclosing level: " +
			"the body's { is 1, its } is 0. The { may follow on the next line (C style) " +
			"or after a condition continued over lines; composite-literal braces " +
			"(T{, []T{, the {…} elements inside) are never bodies"},
		{"depth", "curly-brace depth after the char, never negative; braces in strings, " +
			"rune literals, raw strings and comments do not count. A } alone on its " +
			"line at column 0 closes every open brace (gofmt puts only top-level " +
			"closers there)"},
		{"if@depth2", "at depth exactly 2: 1 if the innermost open brace is an if/else " +
			"body, 0 otherwise (a for body, a composite literal); NaN at other depths. " +
			"Tells an if unit from a depth unit"},
		{"paren", "1 while a ( is open outside strings and comments: ( is 1, the " +
			"matching ) is 0. A blank line forgets the open ones, except those still " +
			"open at the end of a line whose next non-blank line is indented (var ( " +
			"blocks, multi-line calls); a ) at column 0 closes all"},
		{"column", "0-based column in the line, counted in characters (a tab is one); " +
			"the newline has the column it ends the line at"},
		{"indent", "indentation of the current line so far: leading tabs plus leading " +
			"spaces/4 (rounded down), frozen at the first other character"},
		{"comment", "1 inside // to the end of the line or /* … */; the markers count " +
			"as inside, the ending newline does not. A // after : (a URL) is not a " +
			"comment; an unterminated /* comments out only the rest of its line"},
	}
}

// LabelNames lists the ground-truth features in the order Labels returns them.
func LabelNames() []string {
	defs := labelDefs()
	names := make([]string, len(defs))
	for i, d := range defs {
		names[i] = d.name
	}
	return names
}

// LabelDoc returns the one-paragraph definition of a feature, which settles its
// edge cases, and false for an unknown name.
func LabelDoc(name string) (string, bool) {
	for _, d := range labelDefs() {
		if d.name == name {
			return d.doc, true
		}
	}
	return "", false
}

// Label indices in labelDefs order.
const (
	lQuote = iota
	lIf
	lDepth
	lIfDepth2
	lParen
	lColumn
	lIndent
	lComment
	numLabels
)

// Labels computes every ground-truth feature of text, in LabelNames order. One
// lexer serves code (Go, C, JavaScript), prose and a folder of mixed files: it
// knows strings, rune literals, raw strings and comments, and every construct
// that can be left open by broken input is bounded (see each feature's Doc), so
// no stray character mislabels the rest of a long text. It runs in time linear in
// len(text) and never panics.
func Labels(text []rune) []Feature {
	n := len(text)
	slab := make([]float64, numLabels*n)
	defs := labelDefs()
	feats := make([]Feature, numLabels)
	for k, d := range defs {
		feats[k] = Feature{Name: d.name, Doc: d.doc, Values: slab[k*n : (k+1)*n : (k+1)*n]}
	}
	var out [numLabels][]float64
	for k := range out {
		out[k] = feats[k].Values
	}
	lx := newLexer(text)
	for i := range text {
		lx.step(i)
		out[lQuote][i] = b2f(lx.quote)
		out[lComment][i] = b2f(lx.comment)
		d := len(lx.blocks)
		out[lDepth][i] = float64(d)
		out[lIf][i] = b2f(lx.ifs > 0)
		if d == 2 {
			out[lIfDepth2][i] = b2f(lx.blocks[1] == blockIf)
		} else {
			out[lIfDepth2][i] = math.NaN()
		}
		out[lParen][i] = b2f(len(lx.parens) > 0)
		out[lColumn][i] = float64(lx.column)
		out[lIndent][i] = float64(lx.indent)
	}
	return feats
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// blockKind says what an open brace belongs to.
type blockKind uint8

const (
	blockPlain   blockKind = iota // a function, a loop, any other block
	blockIf                       // the body of an if, else if or else
	blockLiteral                  // a composite literal: never an if body
)

type lexMode uint8

const (
	modeCode lexMode = iota
	modeString
	modeRaw
	modeRune
	modeLineComment
	modeBlockComment
)

// lexer walks text once. After step(i), quote, comment, column, indent, blocks,
// ifs and parens describe the state after reading text[i].
type lexer struct {
	text []rune

	// Precomputed so that openers can check for a partner in O(1).
	lastBlockClose int // index of the '*' of the last "*/", or -1
	lastBacktick   int // index of the last '`', or -1

	mode lexMode
	// Per-char results of the last step.
	quote, comment bool
	column, indent int

	blocks  []blockKind // open braces, innermost last
	ifs     int         // how many of blocks are if bodies
	pending []int       // paren depths of if/else headers still waiting for their '{'
	parens  []bool      // open parentheses, innermost last: true if they span lines
	// lineParens is the fewest open parentheses since the line began: those above
	// it were opened on this line.
	lineParens int

	// Line state.
	col          int  // column of the next char
	tabs, spaces int  // leading indentation of the current line so far
	lead         bool // still inside the leading whitespace
	blank        bool // nothing but whitespace on this line so far
	prevSig      rune // last non-blank code char on this line (0 if none)
	prevSig2     rune // the one before it
	continues    bool // the last line with code ended inside an expression
	afterReturn  bool // the last code token was the word "return"
	wordStart    int  // start of the identifier being read, or -1
	lastWordElse int  // index just past the last word "else", or -1
	lineProse    bool // the current line has only prose-like characters so far
	strEscape    bool // the previous string char was a lone backslash
	runeEnd      int  // last index of the rune literal being skipped
	blockStart   int  // index of the '/' that opened the block comment
	fenceEnd     int  // last index of a run of 3+ backticks (plain characters)
}

func newLexer(text []rune) *lexer {
	lx := &lexer{
		text:           text,
		lastBlockClose: -1,
		lastBacktick:   -1,
		lead:           true,
		blank:          true,
		lineProse:      true,
		wordStart:      -1,
		lastWordElse:   -1,
		fenceEnd:       -1,
	}
	for j := len(text) - 1; j >= 0 && (lx.lastBacktick < 0 || lx.lastBlockClose < 0); j-- {
		switch text[j] {
		case '`':
			if lx.lastBacktick < 0 {
				lx.lastBacktick = j
			}
		case '*':
			if lx.lastBlockClose < 0 && j+1 < len(text) && text[j+1] == '/' {
				lx.lastBlockClose = j
			}
		}
	}
	return lx
}

func (lx *lexer) at(i int) rune {
	if i < 0 || i >= len(lx.text) {
		return 0
	}
	return lx.text[i]
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\n' }

func isIdent(r rune) bool {
	if r < 0x80 {
		return r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isProse reports whether r may appear in a line of dialogue that is allowed to wrap
// onto the next line: words, spaces, quotes, sentence punctuation, and anything
// non-ASCII.
func isProse(r rune) bool {
	if r >= 0x80 {
		return true
	}
	switch r {
	case ' ', '\n', '\r', '.', ',', ';', ':', '!', '?', '\'', '-', '"':
		return true
	}
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
}

func (lx *lexer) step(i int) {
	ch := lx.text[i]
	lx.column = lx.col
	lx.comment = false
	switch lx.mode {
	case modeCode:
		lx.code(i, ch)
	case modeString:
		lx.str(i, ch)
	case modeRaw:
		if ch == '`' {
			lx.mode = modeCode
		}
	case modeRune:
		if i >= lx.runeEnd {
			lx.mode = modeCode
		}
	case modeLineComment:
		if ch == '\n' {
			lx.mode = modeCode
			lx.newline(i)
		} else {
			lx.comment = true
		}
	case modeBlockComment:
		lx.comment = true
		if ch == '/' && i >= lx.blockStart+3 && lx.text[i-1] == '*' {
			lx.mode = modeCode
		}
	}
	lx.quote = lx.mode == modeString
	// Line bookkeeping, whatever the mode.
	if ch == '\n' {
		lx.indent = lx.tabs + lx.spaces/4 // the newline belongs to the line it ends
		lx.col = 0
		lx.tabs, lx.spaces = 0, 0
		lx.lead, lx.blank, lx.lineProse = true, true, true
		return
	}
	if !isProse(ch) {
		lx.lineProse = false
	}
	lx.col++
	if lx.lead {
		switch ch {
		case '\t':
			lx.tabs++
		case ' ':
			lx.spaces++
		default:
			lx.lead = false
		}
	}
	if !isSpace(ch) {
		lx.blank = false
	}
	lx.indent = lx.tabs + lx.spaces/4
}

// str handles one character inside a double-quoted string.
func (lx *lexer) str(i int, ch rune) {
	if lx.strEscape {
		lx.strEscape = false
		return
	}
	switch ch {
	case '\\':
		lx.strEscape = true
	case '"':
		lx.mode = modeCode
	case '\n':
		// Earlier lines of a wrapped string were prose-like when it wrapped, so
		// checking this line covers the whole string.
		if lx.lineProse && i+1 < len(lx.text) && !isSpace(lx.text[i+1]) {
			return // wrapped dialogue: the newline is inside
		}
		lx.mode = modeCode
		lx.newline(i)
	}
}

// code handles one character outside strings, comments and literals.
func (lx *lexer) code(i int, ch rune) {
	if isIdent(ch) {
		if lx.wordStart < 0 {
			lx.wordStart = i
		}
		lx.prevSig2, lx.prevSig = lx.prevSig, ch
		return
	}
	if lx.wordStart >= 0 {
		lx.endWord(i)
	}
	switch ch {
	case ' ', '\t', '\r':
		return
	case '\n':
		lx.newline(i)
		return
	case '"':
		lx.mode = modeString
		lx.strEscape = false
	case '\'':
		if l := runeLiteralLen(lx.text, i); l > 0 {
			lx.mode = modeRune
			lx.runeEnd = i + l - 1
		}
	case '`':
		lx.backtick(i)
	case '/':
		switch next := lx.at(i + 1); {
		case next == '/' && lx.at(i-1) != ':':
			lx.mode = modeLineComment
			lx.comment = true
			return // a comment is not the line's last code
		case next == '*' && lx.lastBlockClose >= i+2:
			lx.mode = modeBlockComment
			lx.blockStart = i
			lx.comment = true
			return
		case next == '*':
			lx.mode = modeLineComment // unterminated: only the rest of this line
			lx.comment = true
			return
		}
	case '(':
		lx.parens = append(lx.parens, false)
	case ')':
		switch {
		case lx.column == 0:
			lx.parens = lx.parens[:0]
		case len(lx.parens) > 0:
			lx.parens = lx.parens[:len(lx.parens)-1]
		}
		lx.lineParens = min(lx.lineParens, len(lx.parens))
		lx.dropPending(len(lx.parens) + 1)
	case '{':
		kind := blockPlain
		prev, np, nb := lx.at(i-1), len(lx.pending), len(lx.blocks)
		switch {
		case (isIdent(prev) || prev == ']') && lx.lastWordElse != i: // T{, []T{, map[K]V{
			kind = blockLiteral
		case nb > 0 && lx.blocks[nb-1] == blockLiteral &&
			(lx.prevSig == 0 || lx.prevSig == '{' || lx.prevSig == ',' || lx.prevSig == ':'):
			kind = blockLiteral // an element of a literal: {{1, 2}, {3, 4}}
		case np > 0 && lx.pending[np-1] == len(lx.parens):
			lx.pending = lx.pending[:np-1]
			kind = blockIf
			lx.ifs++
		}
		lx.blocks = append(lx.blocks, kind)
	case '}':
		if next := lx.at(i + 1); lx.column == 0 && (next == '\n' || next == '\r' || i+1 == len(lx.text)) {
			lx.blocks = lx.blocks[:0]
			lx.ifs = 0
		} else if nb := len(lx.blocks); nb > 0 {
			if lx.blocks[nb-1] == blockIf {
				lx.ifs--
			}
			lx.blocks = lx.blocks[:nb-1]
		}
	}
	lx.prevSig2, lx.prevSig = lx.prevSig, ch
	lx.afterReturn = false
}

// endWord finishes the identifier that ends just before i.
func (lx *lexer) endWord(i int) {
	w := lx.text[lx.wordStart:i]
	lx.wordStart = -1
	lx.afterReturn = false
	switch {
	case isWord(w, "if"):
		lx.pending = append(lx.pending, len(lx.parens))
	case isWord(w, "else"):
		lx.pending = append(lx.pending, len(lx.parens))
		lx.lastWordElse = i
	case isWord(w, "return"):
		lx.afterReturn = true
	}
}

// isWord reports whether w spells the ASCII word s, without converting w.
func isWord(w []rune, s string) bool {
	if len(w) != len(s) {
		return false
	}
	for i, r := range w {
		if r != rune(s[i]) {
			return false
		}
	}
	return true
}

// dropPending forgets the if/else headers opened at a paren depth of at least d.
func (lx *lexer) dropPending(d int) {
	for len(lx.pending) > 0 && lx.pending[len(lx.pending)-1] >= d {
		lx.pending = lx.pending[:len(lx.pending)-1]
	}
}

// newline ends a line in code mode. Parentheses left open by a line whose next
// non-blank line is indented span lines; a blank line forgets the others (a stray
// "(" in prose) and any header still waiting for its '{'. A header waits on the
// next line only if its condition goes on there or its '{' is the next non-blank
// character.
func (lx *lexer) newline(i int) {
	if lx.wordStart >= 0 {
		lx.endWord(i)
	}
	if lx.prevSig != 0 { // a line of only comments keeps the previous line's verdict
		lx.continues = lineContinues(lx.prevSig, lx.prevSig2)
	}
	lx.prevSig, lx.prevSig2 = 0, 0
	lx.afterReturn = false
	opened := lx.lineParens < len(lx.parens)
	waiting := len(lx.pending) > 0 && lx.pending[len(lx.pending)-1] >= len(lx.parens)
	switch {
	case lx.blank:
		kept := lx.parens[:0]
		for _, spans := range lx.parens {
			if spans {
				kept = append(kept, true)
			}
		}
		lx.parens = kept
		lx.dropPending(len(lx.parens))
	case opened || waiting:
		// The next non-blank character. The scan covers only whitespace, whose
		// newlines end blank lines that do not scan, so each character is
		// scanned at most once.
		j := i + 1
		for j < len(lx.text) && isSpace(lx.text[j]) {
			j++
		}
		if prev := lx.at(j - 1); opened && j > i+1 && (prev == ' ' || prev == '\t') {
			for k := lx.lineParens; k < len(lx.parens); k++ {
				lx.parens[k] = true
			}
		}
		if waiting && !lx.continues && lx.at(j) != '{' {
			lx.dropPending(len(lx.parens))
		}
	}
	lx.lineParens = len(lx.parens)
}

// lineContinues reports whether a line whose last two code characters are
// before, last continues on the next line, by Go's rule: a statement ends at a
// newline after an identifier, a literal, ) ] } ; or ++ --, and goes on after an
// operator or an opening bracket (if a ||⏎ b {).
func lineContinues(last, before rune) bool {
	switch {
	case last == 0 || isIdent(last):
		return false
	case last == '+' || last == '-':
		return before != last
	}
	switch last {
	case ')', ']', '}', '"', '\'', '`', ';':
		return false
	}
	return true
}

// backtick decides whether the '`' at i opens a raw string. A run of three or more
// is a Markdown fence and stays plain. A raw string closing on the same line is
// always accepted; one spanning lines only where Go puts one (first on its line, or
// after = ( , : { [ + or return) and only if a later backtick exists, so a stray
// backtick in prose cannot swallow the rest of the text.
func (lx *lexer) backtick(i int) {
	if i <= lx.fenceEnd {
		return
	}
	j := i
	for j < len(lx.text) && lx.text[j] == '`' {
		j++
	}
	if j-i >= 3 {
		lx.fenceEnd = j - 1
		return
	}
	for j = i + 1; j < len(lx.text) && lx.text[j] != '\n' && lx.text[j] != '`'; j++ {
	}
	if j < len(lx.text) && lx.text[j] == '`' {
		lx.mode = modeRaw
		return
	}
	switch lx.prevSig {
	case 0, '=', '(', ',', ':', '{', '[', '+':
	default:
		if !lx.afterReturn {
			return
		}
	}
	if lx.lastBacktick > i {
		lx.mode = modeRaw
	}
}

// runeLiteralLen returns the length of the rune literal starting with the quote at
// text[i] (such as 'a', '\n', '\x41', '\u00e9', '\U0001F600', '\101' or an escaped
// quote), or 0 if the quote is an apostrophe.
func runeLiteralLen(text []rune, i int) int {
	n := len(text)
	j := i + 1
	if j >= n {
		return 0
	}
	switch c := text[j]; c {
	case '\'', '\n':
		return 0
	case '\\':
		if j+1 >= n {
			return 0
		}
		k := j + 2 // just past the escape letter
		switch e := text[j+1]; {
		case e == 'x':
			k = skipHex(text, k, 2)
		case e == 'u':
			k = skipHex(text, k, 4)
		case e == 'U':
			k = skipHex(text, k, 8)
		case isOctal(e): // '\0' of C, '\101' of Go: up to three octal digits
			for m := 0; m < 2 && k < n && isOctal(text[k]); m++ {
				k++
			}
		case e == '\n':
			return 0
		}
		if k < 0 {
			return 0
		}
		if k < n && text[k] == '\'' {
			return k - i + 1
		}
		return 0
	default:
		if j+1 < n && text[j+1] == '\'' {
			return 3
		}
		return 0
	}
}

// skipHex returns the index after exactly digits hex digits from k, or -1.
func skipHex(text []rune, k, digits int) int {
	for d := 0; d < digits; d++ {
		if k >= len(text) || !isHex(text[k]) {
			return -1
		}
		k++
	}
	return k
}

func isHex(r rune) bool {
	return '0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F'
}

func isOctal(r rune) bool { return '0' <= r && r <= '7' }
