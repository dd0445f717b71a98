package safetensors

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// entry is one tensor as the header describes it, before its data is read.
type entry struct {
	name       string
	dtype      DType
	shape      []int
	begin, end int64 // data_offsets, relative to the data section
}

// header is a parsed header: entries in header order (until validate sorts
// them) and the metadata, never nil.
type header struct {
	entries []entry
	meta    map[string]string
}

// parseHeader parses the JSON header b. It reads the same grammar twice: the
// first pass checks syntax and types and counts entries, keeping nothing; the
// second allocates exactly what the first counted. So what parsing allocates is
// bounded by len(b), whatever the header says.
//
// Only the subset of JSON that a valid header uses is understood; anything
// else is refused with a message naming what was expected. Strings are checked
// fully (escapes, surrogate pairs, no raw control characters) and numbers follow
// JSON's grammar, so an accepted header is always valid JSON.
func parseHeader(b []byte) (*header, error) {
	if len(b) == 0 {
		return nil, errors.New("header is not a JSON object: it is empty")
	}
	if !utf8.Valid(b) {
		i := badUTF8(b)
		return nil, fmt.Errorf("header is not valid UTF-8 (bad byte 0x%02x at byte %d)", b[i], i)
	}
	if b[0] != '{' {
		return nil, fmt.Errorf("header is not a JSON object: it starts with %s", foundAt(b, 0))
	}
	count := parser{b: b}
	if err := count.object(); err != nil {
		return nil, err
	}
	h := &header{
		entries: make([]entry, 0, count.tensors),
		meta:    make(map[string]string, count.metas),
	}
	fill := parser{b: b, h: h}
	if err := fill.object(); err != nil {
		return nil, err // only a duplicate key in __metadata__ gets here
	}
	slices.SortFunc(h.entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	for i := 1; i < len(h.entries); i++ {
		if h.entries[i].name == h.entries[i-1].name {
			return nil, fmt.Errorf("duplicate key %q in header", h.entries[i].name)
		}
	}
	return h, nil
}

// parser walks a header that starts with '{'. With h nil it only checks and
// counts; with h set it also fills h, whose entries and meta must have room for
// what a counting pass found.
type parser struct {
	b   []byte
	pos int
	h   *header

	tensors, metas int  // counted entries
	sawMeta        bool // "__metadata__" seen once already

	scratch []byte // unescaped strings; only used for strings with escapes
}

// object parses the top-level object and checks that only spaces follow it.
func (p *parser) object() error {
	p.pos = 1 // past '{'
	if p.peek() == '}' {
		p.pos++
		return p.end()
	}
	for {
		if p.peek() != '"' {
			return p.syntax("a string key")
		}
		key, esc, err := p.str()
		if err != nil {
			return err
		}
		if p.peek() != ':' {
			return p.syntax("':'")
		}
		p.pos++
		p.ws()
		if p.eq(key, esc, "__metadata__") {
			if p.sawMeta {
				return errors.New(`duplicate key "__metadata__" in header`)
			}
			p.sawMeta = true
			err = p.metadata()
		} else {
			err = p.tensor(key, esc)
		}
		if err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return p.end()
		default:
			return p.syntax("',' or '}'")
		}
	}
}

// end checks that only the spaces the format allows as padding follow the
// object.
func (p *parser) end() error {
	for i := p.pos; i < len(p.b); i++ {
		if p.b[i] != ' ' {
			return fmt.Errorf("header has %s at byte %d after the JSON object (only spaces may pad it)",
				foundAt(p.b, i), i)
		}
	}
	return nil
}

// metadata parses the value of "__metadata__": an object of strings, or null,
// which upstream reads as no metadata.
func (p *parser) metadata() error {
	if bytes.HasPrefix(p.b[p.pos:], []byte("null")) {
		p.pos += len("null")
		return nil
	}
	if p.pos >= len(p.b) || p.b[p.pos] != '{' {
		return errors.New("__metadata__ is not an object of strings")
	}
	p.pos++
	if p.peek() == '}' {
		p.pos++
		return nil
	}
	for {
		if p.peek() != '"' {
			return p.syntax("a string key in __metadata__")
		}
		key, kesc, err := p.str()
		if err != nil {
			return err
		}
		if p.peek() != ':' {
			return p.syntax("':'")
		}
		p.pos++
		if p.peek() != '"' {
			return fmt.Errorf("__metadata__ value for %q is not a string", p.text(key, kesc))
		}
		val, vesc, err := p.str()
		if err != nil {
			return err
		}
		if p.h == nil {
			p.metas++
		} else {
			k := p.text(key, kesc)
			if _, dup := p.h.meta[k]; dup {
				return fmt.Errorf("duplicate key %q in __metadata__", k)
			}
			p.h.meta[k] = p.text(val, vesc)
		}
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return nil
		default:
			return p.syntax("',' or '}'")
		}
	}
}

// Fields of a tensor entry, as bits of a set.
const (
	hasDType = 1 << iota
	hasShape
	hasOffsets
)

// tensor parses the entry of the tensor whose raw name is key.
func (p *parser) tensor(key []byte, kesc bool) error {
	if len(key) == 0 {
		return errors.New("header has a tensor with an empty name")
	}
	if p.pos >= len(p.b) || p.b[p.pos] != '{' {
		return fmt.Errorf("tensor %q: want an object with dtype, shape and data_offsets", p.text(key, kesc))
	}
	p.pos++
	var e entry
	seen := 0
	if p.peek() == '}' {
		p.pos++
	} else {
		for done := false; !done; {
			if p.peek() != '"' {
				return p.syntax("a string key")
			}
			field, fesc, err := p.str()
			if err != nil {
				return err
			}
			if p.peek() != ':' {
				return p.syntax("':'")
			}
			p.pos++
			p.ws()
			var bit int
			switch {
			case p.eq(field, fesc, "dtype"):
				bit = hasDType
			case p.eq(field, fesc, "shape"):
				bit = hasShape
			case p.eq(field, fesc, "data_offsets"):
				bit = hasOffsets
			default:
				return fmt.Errorf("tensor %q: unexpected field %q (want dtype, shape and data_offsets)",
					p.text(key, kesc), p.text(field, fesc))
			}
			if seen&bit != 0 {
				return fmt.Errorf("tensor %q: duplicate field %q", p.text(key, kesc), p.text(field, fesc))
			}
			seen |= bit
			switch bit {
			case hasDType:
				err = p.dtype(&e, key, kesc)
			case hasShape:
				err = p.shape(&e, key, kesc)
			case hasOffsets:
				err = p.offsets(&e, key, kesc)
			}
			if err != nil {
				return err
			}
			switch p.peek() {
			case ',':
				p.pos++
			case '}':
				p.pos++
				done = true
			default:
				return p.syntax("',' or '}'")
			}
		}
	}
	for _, f := range []struct {
		bit  int
		name string
	}{{hasDType, "dtype"}, {hasShape, "shape"}, {hasOffsets, "data_offsets"}} {
		if seen&f.bit == 0 {
			return fmt.Errorf("tensor %q: missing field %q", p.text(key, kesc), f.name)
		}
	}
	if p.h == nil {
		p.tensors++
		return nil
	}
	e.name = p.text(key, kesc)
	p.h.entries = append(p.h.entries, e)
	return nil
}

func (p *parser) dtype(e *entry, key []byte, kesc bool) error {
	if p.pos >= len(p.b) || p.b[p.pos] != '"' {
		return fmt.Errorf("tensor %q: dtype is not a string", p.text(key, kesc))
	}
	raw, esc, err := p.str()
	if err != nil {
		return err
	}
	if p.h != nil {
		e.dtype = dtypeOf(p.decoded(raw, esc))
	}
	return nil
}

func (p *parser) shape(e *entry, key []byte, kesc bool) error {
	if p.pos >= len(p.b) || p.b[p.pos] != '[' {
		return fmt.Errorf("tensor %q: shape is not an array of non-negative integers", p.text(key, kesc))
	}
	var dims []int
	if p.h != nil {
		dims = make([]int, countInts(p.b[p.pos:]))
	}
	_, err := p.ints(dims, "shape", key, kesc)
	e.shape = dims
	return err
}

func (p *parser) offsets(e *entry, key []byte, kesc bool) error {
	if p.pos >= len(p.b) || p.b[p.pos] != '[' {
		return fmt.Errorf("tensor %q: data_offsets is not an array [begin, end] of non-negative integers",
			p.text(key, kesc))
	}
	var be [2]int
	n, err := p.ints(be[:], "data_offsets", key, kesc)
	if err != nil {
		return err
	}
	if n != 2 {
		return fmt.Errorf("tensor %q: data_offsets has %d numbers, want 2 (begin and end)", p.text(key, kesc), n)
	}
	e.begin, e.end = int64(be[0]), int64(be[1])
	return nil
}

// ints parses an array of non-negative integers at p.pos ('['), storing the
// first len(dst) of them in dst, and returns how many there were.
func (p *parser) ints(dst []int, field string, key []byte, kesc bool) (int, error) {
	p.pos++ // past '['
	if p.peek() == ']' {
		p.pos++
		return 0, nil
	}
	n := 0
	for {
		p.ws()
		v, err := p.uint(field, key, kesc)
		if err != nil {
			return 0, err
		}
		if n < len(dst) {
			dst[n] = v
		}
		n++
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return n, nil
		default:
			return 0, p.syntax("',' or ']'")
		}
	}
}

// countInts counts the numbers in an array of numbers that a counting pass
// has already checked; b starts at its '['.
func countInts(b []byte) int {
	end := bytes.IndexByte(b, ']')
	inner := b[1:end]
	if len(bytes.Trim(inner, " \t\r\n")) == 0 {
		return 0
	}
	return bytes.Count(inner, []byte{','}) + 1
}

// uint parses a JSON number at p.pos and requires a non-negative integer that
// fits in an int. A valid JSON number of another kind (-1, 2.0, 1e3) is a type
// error naming the field; a malformed one is a syntax error.
func (p *parser) uint(field string, key []byte, kesc bool) (int, error) {
	b, start := p.b, p.pos
	i := start
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	if i >= len(b) || !isDigit(b[i]) {
		if neg {
			p.pos = i
			return 0, p.syntax("a digit")
		}
		return 0, fmt.Errorf("tensor %q: %s is not an array of non-negative integers", p.text(key, kesc), field)
	}
	digits := i
	if b[i] == '0' {
		i++ // JSON allows no leading zeros: whatever follows must end the number
	} else {
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	intEnd := i
	other := neg
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			p.pos = i
			return 0, p.syntax("a digit")
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		other = true
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			p.pos = i
			return 0, p.syntax("a digit")
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		other = true
	}
	p.pos = i
	if other {
		return 0, fmt.Errorf("tensor %q: %s holds %s, not a non-negative integer", p.text(key, kesc), field, b[start:i])
	}
	v := 0
	for _, c := range b[digits:intEnd] {
		d := int(c - '0')
		if v > (math.MaxInt-d)/10 {
			return 0, fmt.Errorf("tensor %q: %s holds %s, which is too large", p.text(key, kesc), field, b[start:i])
		}
		v = v*10 + d
	}
	return v, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// str scans the JSON string at p.pos ('"') and returns the raw bytes between
// the quotes and whether they hold escapes. It checks every escape, refuses raw
// control characters and lone surrogates (as upstream's serde_json does).
func (p *parser) str() (raw []byte, esc bool, err error) {
	start := p.pos + 1
	for i := start; i < len(p.b); {
		switch c := p.b[i]; {
		case c == '"':
			p.pos = i + 1
			return p.b[start:i], esc, nil
		case c == '\\':
			_, n, err := unescapeOne(p.b[i:])
			if err != nil {
				return nil, false, fmt.Errorf("header has %v in a string at byte %d", err, i)
			}
			esc = true
			i += n
		case c < 0x20:
			return nil, false, fmt.Errorf("header is not valid JSON: raw control character 0x%02x in a string at byte %d", c, i)
		default:
			i++
		}
	}
	return nil, false, fmt.Errorf("header is not valid JSON: the string at byte %d is not closed", p.pos)
}

// unescapeOne decodes the escape at the start of b (a backslash), returning
// the rune and the escape's length in bytes.
func unescapeOne(b []byte) (rune, int, error) {
	if len(b) < 2 {
		return 0, 0, errors.New("an unfinished escape")
	}
	switch b[1] {
	case '"', '\\', '/':
		return rune(b[1]), 2, nil
	case 'b':
		return '\b', 2, nil
	case 'f':
		return '\f', 2, nil
	case 'n':
		return '\n', 2, nil
	case 'r':
		return '\r', 2, nil
	case 't':
		return '\t', 2, nil
	case 'u':
		r, ok := hex4(b[2:])
		if !ok {
			return 0, 0, errors.New(`a \u escape without 4 hex digits`)
		}
		if !utf16.IsSurrogate(r) {
			return r, 6, nil
		}
		if r < 0xdc00 && len(b) >= 8 && b[6] == '\\' && b[7] == 'u' {
			if r2, ok := hex4(b[8:]); ok && 0xdc00 <= r2 && r2 <= 0xdfff {
				return utf16.DecodeRune(r, r2), 12, nil
			}
		}
		return 0, 0, fmt.Errorf(`a lone surrogate \u%04x`, r)
	}
	return 0, 0, fmt.Errorf("an unknown escape %s", foundAt(b, 0)+foundAt(b, 1))
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// unescape appends the decoded form of raw, which str has checked, to dst.
func unescape(dst, raw []byte) []byte {
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '\\')
		if i < 0 {
			return append(dst, raw...)
		}
		dst = append(dst, raw[:i]...)
		r, n, _ := unescapeOne(raw[i:])
		dst = utf8.AppendRune(dst, r)
		raw = raw[i+n:]
	}
	return dst
}

// decoded returns the string raw means, aliasing raw or p.scratch until the
// next call.
func (p *parser) decoded(raw []byte, esc bool) []byte {
	if !esc {
		return raw
	}
	p.scratch = unescape(p.scratch[:0], raw)
	return p.scratch
}

// eq reports whether the string raw means is lit. An escape takes at most 6
// bytes per decoded byte, so a raw string of the wrong length is not
// unescaped at all.
func (p *parser) eq(raw []byte, esc bool, lit string) bool {
	if len(raw) < len(lit) || len(raw) > 6*len(lit) {
		return false
	}
	return string(p.decoded(raw, esc)) == lit
}

// text returns the string raw means as a new string.
func (p *parser) text(raw []byte, esc bool) string {
	return string(p.decoded(raw, esc))
}

// dtypeOf returns the DType spelled b, without allocating for known names.
func dtypeOf(b []byte) DType {
	switch string(b) {
	case "F64":
		return F64
	case "F32":
		return F32
	case "F16":
		return "F16"
	case "BF16":
		return "BF16"
	case "I64":
		return "I64"
	case "U64":
		return "U64"
	case "I32":
		return "I32"
	case "U32":
		return "U32"
	case "I16":
		return "I16"
	case "U16":
		return "U16"
	case "I8":
		return "I8"
	case "U8":
		return "U8"
	case "BOOL":
		return "BOOL"
	}
	return DType(b) // rare names and unknown ones; validate judges them
}

func (p *parser) ws() {
	for p.pos < len(p.b) {
		switch p.b[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// peek skips whitespace and returns the next byte, or 0 at the end.
func (p *parser) peek() byte {
	p.ws()
	if p.pos >= len(p.b) {
		return 0
	}
	return p.b[p.pos]
}

func (p *parser) syntax(want string) error {
	if p.pos >= len(p.b) {
		return fmt.Errorf("header is not valid JSON: want %s, found the end of the header", want)
	}
	return fmt.Errorf("header is not valid JSON: want %s at byte %d, found %s", want, p.pos, foundAt(p.b, p.pos))
}

// foundAt describes the character at b[i] for an error message.
func foundAt(b []byte, i int) string {
	r, n := utf8.DecodeRune(b[i:])
	if r == utf8.RuneError && n <= 1 {
		return fmt.Sprintf("byte 0x%02x", b[i])
	}
	return fmt.Sprintf("%q", r)
}

// badUTF8 returns the index of the first byte of b that is not valid UTF-8.
func badUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}
