package corpora

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/scanner"
	"go/token"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Label pictures. A case is a block of rows: a "text" row, then one row per checked
// feature, aligned character by character with the text row above it; the feature
// name fills the first 8 columns. Rows of the same name concatenate, so a case can
// run over several lines of text. A feature without a row under some text row is
// not checked there.
//
//	text     → is a tab, ↵ a newline, ‵ a backtick
//	quote, if, paren, comment   ^ is 1, . is 0
//	d2       if@depth2: ^ is 1, . is 0, - is NaN
//	depth    one digit per character
//
// Hangul is one character but two cells wide, so its rows look shifted.
var labelCases = []struct{ name, pic string }{
	{"a plain string: the opening quote is inside, the closing one is not", `
text    a "bc" d
quote   ..^^^...
`},
	{"escaped quotes stay inside the string", `
text    s := "say \"hi\" now" + t
quote   .....^^^^^^^^^^^^^^^.....
`},
	{"an escaped backslash does not escape the closing quote", `
text    "a\\" b "c"
quote   ^^^^....^^.
`},
	{"quotes inside a line comment do not count", `
text    x // say "hi↵
quote   .............
comment ..^^^^^^^^^^.
text    y := "z"
quote   .....^^.
comment ........
`},
	{"a stray quote in a comment does not invert the rest", `
text    // don't "quote↵
quote   ................
comment ^^^^^^^^^^^^^^^.
text    s := "a"↵
quote   .....^^..
text    t := "b"
quote   .....^^.
`},
	{"a block comment hides quotes and braces", `
text    a /* "{ */ b {
quote   ..............
comment ..^^^^^^^^....
depth   00000000000001
`},
	{"braces in strings do not count; string arguments are inside parentheses", `
text    f("{") {
quote   ..^^....
paren   .^^^^...
depth   00000001
`},
	{"rune literals holding a quote or a brace are not strings", `
text    c == '"' && s == "x" {↵
quote   .................^^....
depth   00000000000000000000011
text    r := '\'' + '{' + "a" + '\x41' + '\u00e9' + '\0'
quote   ..................^^............................
depth   111111111111111111111111111111111111111111111111
`},
	{"a raw string hides quotes and braces", `
text    s := ‵a "{b‵ + "c"
quote   ...............^^.
depth   000000000000000000
`},
	{"a raw string after = may span lines", `
text    s := ‵a↵
quote   ........
depth   00000000
text    "{↵
quote   ...
depth   000
text    ‵ + "b" {
quote   ....^^...
depth   000000001
`},
	{"a stray backtick in prose stays an ordinary character", `
text    it‵s "hi"↵
quote   .....^^^..
text    and ‵x‵ "yo"
quote   ........^^^.
`},
	{"a Markdown fence is not a raw string", `
text    ‵‵‵go↵
quote   ......
text    s := "a"↵
quote   .....^^..
text    ‵‵‵
quote   ...
`},
	{"if, else if and else bodies; the tab before } is still inside", `
text    func f() {↵
if      ...........
depth   00000000011
text    →if a {↵
if      ......^^
depth   11111122
text    →→x↵
if      ^^^^
depth   2222
text    →} else if b {↵
if      ^............^^
depth   211111111111122
text    →→y↵
if      ^^^^
text    →} else {↵
if      ^.......^^
depth   2111111122
text    →→z↵
if      ^^^^
text    →}↵
if      ^..
depth   211
text    }
if      .
depth   0
`},
	{"if in for in if: if@depth2 follows the innermost block", `
text    func f() {↵
if      ...........
depth   00000000011
d2      -----------
text    →if a {↵
if      ......^^
depth   11111122
d2      ------^^
text    →→for i {↵
if      ^^^^^^^^^^
depth   2222222233
d2      ^^^^^^^^--
text    →→→if b {↵
if      ^^^^^^^^^^
depth   3333333344
d2      ----------
text    →→→→x↵
if      ^^^^^^
depth   444444
d2      ------
text    →→→}↵
if      ^^^^^
depth   44433
text    →→→y↵
depth   33333
text    →→}↵
if      ^^^^
depth   3322
d2      --^^
text    →}↵
if      ^..
depth   211
d2      ^--
text    }↵
if      ..
depth   00
text    func g() {↵
text    →for x {↵
if      .........
depth   111111122
d2      -------..
text    →→y↵
if      ....
d2      ....
text    →}↵
d2      .--
text    }
depth   0
`},
	{"a composite literal brace is counted but is never an if body", `
text    func f() {↵
text    →if s == []int{1}[0] {↵
if      .....................^^
depth   11111111111111221111122
d2      --------------..-----^^
text    →→m := []int{2}↵
if      ^^^^^^^^^^^^^^^^
depth   2222222222223322
d2      ^^^^^^^^^^^^--^^
text    →}↵
text    }
`},
	{"a C-style brace on the next line opens the if body", `
text    if (a)↵
if      .......
text    {↵
if      ^^
text    →x;↵
if      ^^^^
text    }
if      .
`},
	{"an if without braces does not claim a later block", `
text    if (a) x();↵
if      ............
text    for (;;)↵
if      .........
text    {↵
if      ..
depth   11
text    }
if      .
depth   0
`},
	{"a condition goes on after an operator, even past a comment line", `
text    if a ||↵
if      ........
text    →// why↵
if      ........
text    →b {↵
if      ...^^
text    →x↵
if      ^^^
text    }
if      .
`},
	{"nested composite literals in an if header are not its body", `
text    →if w := [][]int{{1}, {2}}; ok {↵
if      ...............................^^
depth   000000000000000012211122100000011
`},
	{"a var ( block keeps its parentheses across blank lines; ) at column 0 closes them", `
text    var (↵
paren   ....^^
text    →a = 1↵
paren   ^^^^^^^
text    ↵
paren   ^
text    →b = f(2↵
paren   ^^^^^^^^^
text    )↵
paren   ..
`},
	{"extra closing braces keep the depth at zero", `
text    }}↵
depth   000
text    a {↵
depth   0011
text    b
depth   1
`},
	{"a } at column 0 closes everything that is open", `
text    func f() {↵
depth   00000000011
text    →if x { y {↵
depth   111111222233
if      ......^^^^^^
text    }↵
depth   00
if      ..
text    a
depth   0
if      .
`},
	{"an unterminated string in code ends at its line", `
text    →x := "abc↵
quote   ......^^^^.
text    →y := "d"↵
quote   ......^^..
text    z := "e↵
quote   .....^^.
text    w := "f"
quote   .....^^.
`},
	{"a stray quote in code costs at most its line", `
text    →a := 5" + b↵
quote   .......^^^^^.
text    →s := "x"↵
quote   ......^^..
`},
	{"an unterminated block comment comments out only the rest of its line", `
text    a /* b {↵
comment ..^^^^^^.
depth   000000000
text    c {
comment ...
depth   001
`},
	{"a // after a colon is a URL, not a comment", `
text    see http://x.org "a"
quote   .................^^.
comment ....................
`},
	{"dialogue wraps across lines; apostrophes are not rune literals", `
text    "I don't know, it's late," said Anna's↵
quote   ^^^^^^^^^^^^^^^^^^^^^^^^^..............
text    brother. "We can't go↵
quote   .........^^^^^^^^^^^^^
text    now!" He didn't.
quote   ^^^^............
`},
	{"a stray quote in prose costs at most its paragraph", `
text    He is 5" tall.↵
quote   .......^^^^^^^^
text    "Hi," she said.↵
quote   ....^^^^^^^^^^^.
text    ↵
quote   .
text    "Yes."
quote   ^^^^^.
`},
	{"Korean dialogue: one character per rune, wrapping like English", `
text    그가 "안녕, 잘 지냈어?" 하고↵
quote   ...^^^^^^^^^^^.....
text    물었다. "응↵
quote   .....^^^
text    괜찮아!"
quote   ^^^^.
`},
	{"parentheses: nesting, and a blank line forgets an unclosed one", `
text    f(a, (b)) + (c↵
paren   .^^^^^^^....^^^
text    ↵
paren   .
text    d
paren   .
`},
}

// picture is a parsed label picture: the text and, per feature, the expected value
// of every character ('?' where unchecked).
type picture struct {
	text  []rune
	masks map[string][]rune
}

func parsePicture(t *testing.T, pic string) picture {
	t.Helper()
	p := picture{masks: map[string][]rune{}}
	seg := 0 // start of the current text row in p.text
	for _, row := range strings.Split(strings.Trim(pic, "\n"), "\n") {
		if len(row) < 8 {
			t.Fatalf("row %q: want an 8-column name, then the picture", row)
		}
		key, body := strings.TrimSpace(row[:8]), []rune(row[8:])
		if key == "text" {
			seg = len(p.text)
			p.text = append(p.text, pictureText(row)...)
			continue
		}
		if len(body) != len(p.text)-seg {
			t.Fatalf("%s row %q has %d characters, its text row %d", key, string(body), len(body), len(p.text)-seg)
		}
		m := p.masks[key]
		for len(m) < seg {
			m = append(m, '?')
		}
		p.masks[key] = append(m, body...)
	}
	for k, m := range p.masks {
		for len(m) < len(p.text) {
			m = append(m, '?')
		}
		p.masks[k] = m
	}
	return p
}

// pictureText returns the text of a picture's text rows, → ↵ ‵ replaced by a tab, a
// newline and a backtick.
func pictureText(pic string) []rune {
	var text []rune
	for _, row := range strings.Split(pic, "\n") {
		if len(row) < 8 || strings.TrimSpace(row[:8]) != "text" {
			continue
		}
		for _, r := range row[8:] {
			switch r {
			case '→':
				r = '\t'
			case '↵':
				r = '\n'
			case '‵':
				r = '`'
			}
			text = append(text, r)
		}
	}
	return text
}

// draw renders one feature's values in the picture alphabet of key.
func draw(key string, v []float64) string {
	var b strings.Builder
	for _, x := range v {
		switch {
		case math.IsNaN(x):
			b.WriteByte('-')
		case key == "depth":
			if x > 9 {
				b.WriteByte('+')
			} else {
				b.WriteByte(byte('0' + x))
			}
		case x == 1:
			b.WriteByte('^')
		case x == 0:
			b.WriteByte('.')
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

func TestLabelsPictures(t *testing.T) {
	features := map[string]string{"quote": "quote", "if": "if", "depth": "depth",
		"d2": "if@depth2", "paren": "paren", "comment": "comment"}
	for _, c := range labelCases {
		t.Run(c.name, func(t *testing.T) {
			p := parsePicture(t, c.pic)
			got := map[string][]float64{}
			for _, f := range Labels(p.text) {
				got[f.Name] = f.Values
			}
			for key, want := range p.masks {
				name, ok := features[key]
				if !ok {
					t.Fatalf("unknown row name %q", key)
				}
				drawn := []rune(draw(key, got[name]))
				for i, w := range want {
					if w != '?' && w != drawn[i] {
						t.Errorf("%s differs at %d (%q):\ntext %s\nwant %s\ngot  %s", key, i,
							p.text[i], visible(p.text), string(want), string(drawn))
						break
					}
				}
			}
		})
	}
}

// visible writes text in the picture alphabet, one character per character.
func visible(text []rune) string {
	return strings.NewReplacer("\t", "→", "\n", "↵", "`", "‵").Replace(string(text))
}

func TestLabelsColumnAndIndent(t *testing.T) {
	tests := []struct {
		name           string
		text           string
		column, indent []float64
	}{
		{"tabs and four spaces are one level each; the newline has the column it ends",
			"ab\n\t\tc  d\n    e\n",
			[]float64{0, 1, 2, 0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5},
			[]float64{0, 0, 0, 1, 2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 1, 1}},
		{"indentation is frozen at the first other character",
			"\tx\t y\n  \n",
			[]float64{0, 1, 2, 3, 4, 5, 0, 1, 2},
			[]float64{1, 1, 1, 1, 1, 1, 0, 0, 0}},
		{"Hangul counts one column per character",
			"가나\n 다",
			[]float64{0, 1, 2, 0, 1},
			[]float64{0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := byName(Labels([]rune(tt.text)))
			if got := f["column"]; !slices.Equal(got, tt.column) {
				t.Errorf("column = %v, want %v", got, tt.column)
			}
			if got := f["indent"]; !slices.Equal(got, tt.indent) {
				t.Errorf("indent = %v, want %v", got, tt.indent)
			}
		})
	}
}

func byName(fs []Feature) map[string][]float64 {
	m := make(map[string][]float64, len(fs))
	for _, f := range fs {
		m[f.Name] = f.Values
	}
	return m
}

func TestLabelNamesAndDocs(t *testing.T) {
	want := []string{"quote", "if", "depth", "if@depth2", "paren", "column", "indent", "comment"}
	if got := LabelNames(); !slices.Equal(got, want) {
		t.Fatalf("LabelNames() = %q, want %q", got, want)
	}
	text := []rune("a")
	fs := Labels(text)
	if len(fs) != len(want) {
		t.Fatalf("Labels returned %d features, want %d", len(fs), len(want))
	}
	for i, f := range fs {
		doc, ok := LabelDoc(want[i])
		switch {
		case f.Name != want[i]:
			t.Errorf("feature %d is %q, want %q", i, f.Name, want[i])
		case !ok || doc == "" || doc != f.Doc:
			t.Errorf("LabelDoc(%q) = %q, %v; Feature.Doc %q", want[i], doc, ok, f.Doc)
		case strings.Contains(doc, "\n"):
			t.Errorf("LabelDoc(%q) spans lines", want[i])
		}
	}
	if _, ok := LabelDoc("nope"); ok {
		t.Error(`LabelDoc("nope") reported a feature`)
	}
	for _, f := range Labels(nil) {
		if len(f.Values) != 0 {
			t.Errorf("Labels(nil): %s has %d values", f.Name, len(f.Values))
		}
	}
}

// TestLabelsLinearTime feeds the openers that look ahead (quotes, backticks,
// comments, if headers waiting for a brace on a later line) 256k characters at a time.
// A quadratic lexer would take minutes here; a linear one takes milliseconds.
func TestLabelsLinearTime(t *testing.T) {
	const n = 1 << 18
	inputs := []struct{ name, text string }{
		{"backticks", strings.Repeat("`", n)},
		{"backticks after =", strings.Repeat("x = `\n", n/6)},
		{"one backtick, then a long line", "x = `" + strings.Repeat("a", n)},
		{"stray quotes", strings.Repeat(`"`, n)},
		{"wrapping prose quotes", strings.Repeat("a \"b\n", n/5)},
		{"one quote, then a long line", `"` + strings.Repeat("a", n)},
		{"unterminated comments", strings.Repeat("/*", n/2)},
		{"one comment opener, then a long line", "/*" + strings.Repeat("*", n)},
		{"C-style if headers", strings.Repeat("if (x)\n", n/7)},
		{"an if header before a run of blank lines", "if x" + strings.Repeat("\n", n) + "{"},
		{"open braces", strings.Repeat("{", n)},
		{"open parens", strings.Repeat("(", n)},
		{"apostrophes", strings.Repeat("'", n)},
		{"escapes", strings.Repeat(`"\`, n/2)},
	}
	for _, in := range inputs {
		text := []rune(in.text)
		fs := Labels(text)
		if len(fs[0].Values) != len(text) {
			t.Errorf("%s: %d values for %d chars", in.name, len(fs[0].Values), len(text))
		}
	}
}

// TestLabelsMatchGoScanner compares Labels with Go's own scanner and parser on
// real Go source: the standard library packages below (about 1M characters, with
// raw strings, runes, braces in strings, multi-line conditions and nested
// composite literals). Run over every non-testdata file of Go 1.26's src (6,495
// files, 87.6M characters) it disagreed in one file only: an if whose init holds
// a func literal (if ok := func() bool {…}(); ok {), whose { it takes for the body.
func TestLabelsMatchGoScanner(t *testing.T) {
	root := filepath.Join(build.Default.GOROOT, "src")
	var files []string
	for _, pkg := range []string{"fmt", "strconv", "text/template", "encoding/csv",
		"go/printer", "regexp/syntax", "net/url", "slices"} {
		m, _ := filepath.Glob(filepath.Join(root, pkg, "*.go"))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skipf("no Go source under %s", root)
	}
	chars := 0
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		text, want := goTruth(t, name, src)
		chars += len(text)
		got := byName(Labels(text))
		for _, feature := range []string{"quote", "comment", "depth", "paren", "if"} {
			for i, w := range want[feature] {
				if got[feature][i] != w {
					t.Errorf("%s: %s[%d] = %v, Go says %v, after\n%s", name, feature, i,
						got[feature][i], w, visible(text[max(0, i-150):i+1]))
					break
				}
			}
		}
	}
	t.Logf("%d files, %d characters", len(files), chars)
}

// goTruth labels Go source with go/scanner (strings, comments, braces,
// parentheses) and go/parser (if and else bodies).
func goTruth(t *testing.T, name string, src []byte) ([]rune, map[string][]float64) {
	text := []rune(string(src))
	runeAt := make([]int, len(src)+1) // byte offset → rune index
	r := 0
	for b := range src {
		if src[b]&0xC0 != 0x80 && b > 0 {
			r++
		}
		runeAt[b] = r
	}
	runeAt[len(src)] = len(text)
	n := len(text)
	want := map[string][]float64{}
	for _, f := range []string{"quote", "comment", "depth", "paren", "if"} {
		want[f] = make([]float64, n)
	}
	span := func(f string, lo, hi int) { // bytes [lo, hi)
		for k := runeAt[lo]; k < runeAt[hi]; k++ {
			want[f][k] = 1
		}
	}
	step := map[string][]int{"depth": make([]int, n+1), "paren": make([]int, n+1), "if": make([]int, n+1)}
	fset := token.NewFileSet()
	file := fset.AddFile(name, -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, scanner.ScanComments)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := file.Offset(pos)
		switch tok {
		case token.STRING:
			if lit[0] == '"' {
				span("quote", off, off+len(lit)-1) // the closing quote is outside
			}
		case token.COMMENT:
			end := off + 2
			if lit[1] == '/' {
				for end < len(src) && src[end] != '\n' {
					end++
				}
			} else {
				end += strings.Index(string(src[end:]), "*/") + 2
			}
			span("comment", off, end)
		case token.LBRACE:
			step["depth"][runeAt[off]]++
		case token.RBRACE:
			step["depth"][runeAt[off]]--
		case token.LPAREN:
			step["paren"][runeAt[off]]++
		case token.RPAREN:
			step["paren"][runeAt[off]]--
		}
	}
	ast0, err := parser.ParseFile(token.NewFileSet(), name, src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	body := func(b *ast.BlockStmt) { // Pos is relative to a fresh FileSet: base 1
		step["if"][runeAt[int(b.Lbrace)-1]]++
		step["if"][runeAt[int(b.Rbrace)-1]]--
	}
	ast.Inspect(ast0, func(x ast.Node) bool {
		if st, ok := x.(*ast.IfStmt); ok {
			body(st.Body)
			if b, ok := st.Else.(*ast.BlockStmt); ok {
				body(b)
			}
		}
		return true
	})
	var depth, paren, ifs int
	for k := range n {
		depth += step["depth"][k]
		paren += step["paren"][k]
		ifs += step["if"][k]
		want["depth"][k] = float64(depth)
		want["paren"][k] = b2f(paren > 0)
		want["if"][k] = b2f(ifs > 0)
	}
	return text, want
}

func FuzzLabels(f *testing.F) {
	for _, c := range labelCases {
		f.Add(string(pictureText(c.pic)))
	}
	for _, s := range []string{"", "\"", "'", "`", "/*", "*/", "/*/", "}", "{", "\\", "if{",
		"else{", "'\\", "'\\u12", "\"\\\n", "x = `a\n\n`", "```", "// x\n\"", "가\"나\n다\"",
		"\xff\"\xfe", "if x\n{\n}\n}\n{"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		text := []rune(s)
		fs := Labels(text)
		if len(fs) != len(LabelNames()) {
			t.Fatalf("%d features", len(fs))
		}
		v := byName(fs)
		for _, f := range fs {
			if len(f.Values) != len(text) {
				t.Fatalf("%s: %d values for %d chars", f.Name, len(f.Values), len(text))
			}
		}
		for i := range text {
			for _, name := range []string{"quote", "if", "paren", "comment"} {
				if x := v[name][i]; x != 0 && x != 1 {
					t.Fatalf("%s[%d] = %v, want 0 or 1", name, i, x)
				}
			}
			d := v["depth"][i]
			switch d2 := v["if@depth2"][i]; {
			case d < 0 || d != math.Trunc(d):
				t.Fatalf("depth[%d] = %v", i, d)
			case d == 2 && d2 != 0 && d2 != 1:
				t.Fatalf("if@depth2[%d] = %v at depth 2", i, d2)
			case d != 2 && !math.IsNaN(d2):
				t.Fatalf("if@depth2[%d] = %v at depth %v, want NaN", i, d2, d)
			case d == 0 && v["if"][i] != 0:
				t.Fatalf("if[%d] = 1 at depth 0", i)
			case v["quote"][i] == 1 && v["comment"][i] == 1:
				t.Fatalf("char %d is inside a string and a comment", i)
			case v["column"][i] < 0 || v["indent"][i] < 0 || v["indent"][i] > v["column"][i]+1:
				t.Fatalf("column %v, indent %v at %d", v["column"][i], v["indent"][i], i)
			}
		}
	})
}

func BenchmarkLabels(b *testing.B) {
	for _, name := range []string{"code", "quotes"} {
		b.Run(name, func(b *testing.B) {
			text := generate(b, name, 1, 1<<18)
			b.ReportAllocs()
			for b.Loop() {
				Labels(text)
			}
			b.ReportMetric(float64(len(text)*b.N)/b.Elapsed().Seconds(), "chars/s")
		})
	}
}

// generate reads n characters of the named generated corpus.
func generate(tb testing.TB, name string, seed uint64, n int) []rune {
	tb.Helper()
	for _, g := range generators() {
		if g.Name == name {
			text := make([]rune, n)
			g.New(seed, GenOptions{}).ReadRunes(text)
			return text
		}
	}
	tb.Fatalf("no generator %q", name)
	return nil
}
