package corpora

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Options says how Load turns a --corpus value into tokens. The zero value gives the
// defaults written next to each field.
type Options struct {
	// VocabMax is the most tokens kept, the unknown token included (--vocab-max).
	// 0 means 256; allowed 2..65536.
	VocabMax int
	// ValFrac is the held-out tail of a file, folder or stdin corpus, as a fraction of
	// its characters (--val-frac). 0 means 0.05; allowed (0, 0.5].
	ValFrac float64
	// Vocab, when set (resuming a checkpoint), encodes the corpus instead of a
	// vocabulary built from it. Characters outside it become its unknown token; with
	// no unknown token they are an error naming the first one and its count.
	Vocab *Vocab
	// Seed seeds generated corpora; every batch row and the held-out text get their
	// own derived seed.
	Seed uint64
	// Gen tunes the generators.
	Gen GenOptions
	// Stdin is read, to its end, for the spec "-".
	Stdin io.Reader
	// MinTrain is the fewest training characters accepted: --seq × --batch + 1.
	MinTrain int
	// HeldMax caps the held-out characters kept. For file corpora 0 means 100,000 (the
	// first HeldMax characters of the tail; the rest is neither trained on nor
	// evaluated). For generated corpora it is the number generated, held in memory at
	// 8 bytes each: 0 means 20,000 and more than 1,000,000 means 1,000,000, so that
	// math.MaxInt32 ("all of it") is safe for both kinds.
	HeldMax int
}

// Error is a bad --corpus value or a bad loading option: something the user typed,
// which main reports with exit status 2. Find it with errors.As.
type Error struct {
	// Flag is the flag at fault; empty means "--corpus".
	Flag string
	// Spec is the value as given: the --corpus spec or the option's value.
	Spec string
	// Msg says what is wrong, lowercase, e.g. "binary file (NUL bytes at offset 12)".
	Msg string
	// Err is the underlying cause (an *fs.PathError, a read error), if any.
	Err error
}

func (e *Error) Error() string {
	if e.Flag == "" || e.Flag == "--corpus" {
		return fmt.Sprintf("--corpus %q: %s", e.Spec, e.Msg)
	}
	return fmt.Sprintf("%s %s: %s", e.Flag, e.Spec, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Corpus is loaded text, ready to stream: either tokens held in memory (a file, a
// folder, stdin) or a generator that writes fresh text for ever. A Corpus is not
// modified after Load, so streams on several goroutines may share it.
type Corpus struct {
	// Name is the embedded corpus's name, a file's base name, a folder's name plus
	// "/", or "stdin".
	Name string
	// Doc is one line saying what the corpus is and how big.
	Doc string
	// Vocab encodes the corpus: Options.Vocab, the generator's alphabet, or one
	// built from the text.
	Vocab *Vocab
	// Files and Skipped count, for a folder, the files read and the files skipped as
	// binary or unreadable; SkipNotes keeps the first 10 reasons, such as
	// "img.png: binary (NUL bytes)".
	Files, Skipped int
	SkipNotes      []string

	// generated corpora
	gen    *Generated
	seed   uint64
	genOpt GenOptions

	// file corpora: the training part, one byte per token when the vocabulary has at
	// most 256 tokens, else two.
	train8   []uint8
	train16  []uint16
	trainLen int64

	heldIDs  []int32
	heldText []rune
}

const (
	defaultVocabMax   = 256
	defaultValFrac    = 0.05
	defaultHeldMax    = 100_000
	defaultGenHeldMax = 20_000
	maxGenHeld        = 1_000_000
	maxSkipNotes      = 10
	// binaryInvalidPct: a text in which more than this share of the decoded characters
	// are invalid UTF-8 is treated as binary.
	binaryInvalidPct = 30
)

// Load reads the corpus named by spec: an embedded corpus (see List), a file, a folder
// (every text file below it), or "-" for opt.Stdin. Embedded names win over files of
// the same name; write "./code" to load a file called code.
//
// Characters are Unicode code points; invalid UTF-8 bytes read as U+FFFD. No
// normalization is applied. Files with a NUL byte, or in which more than 30% of the
// characters are invalid UTF-8, are binary: an error for a file, skipped (and counted)
// in a folder. Folders are read recursively in lexical order, skipping folders whose
// name starts with "." and empty files; a newline is put between two files when the
// first lacks one.
//
// Memory: files are read twice through a 64 KiB buffer, once to count characters and
// once to encode them, and only the token ids are kept: one byte per character when
// the vocabulary has at most 256 tokens, two otherwise. A 1 GB ASCII file so needs
// about 1 GB (2 GB with --vocab-max above 256), plus at most HeldMax held-out
// characters at 8 bytes each and ~1 MiB of tables. Standard input cannot be read
// twice, so it is held in memory once in full while it is encoded.
//
// Every problem with spec or opt is an *Error; an error of another type means a bug.
func Load(spec string, opt Options) (*Corpus, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	switch {
	case spec == "":
		return nil, &Error{Spec: spec, Msg: `want an embedded corpus (` + embeddedNames() + `), a file, a folder or "-"`}
	case spec == "-":
		return loadStdin(opt)
	}
	if g, ok := lookupGenerated(spec); ok {
		return loadGenerated(g, opt)
	}
	fi, err := os.Stat(spec)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &Error{Spec: spec, Msg: "no such file or embedded corpus (embedded: " + embeddedNames() + ")", Err: err}
	case err != nil:
		return nil, &Error{Spec: spec, Msg: osReason(err), Err: err}
	case fi.IsDir():
		return loadDir(spec, opt)
	case !fi.Mode().IsRegular():
		return nil, &Error{Spec: spec, Msg: `not a regular file or folder (pipe it to --corpus - instead)`}
	}
	return loadFile(spec, opt)
}

// withDefaults fills zero fields and checks the rest.
func (o Options) withDefaults() (Options, error) {
	if o.VocabMax == 0 {
		o.VocabMax = defaultVocabMax
	}
	if o.VocabMax < 2 || o.VocabMax > 65536 {
		return o, &Error{Flag: "--vocab-max", Spec: strconv.Itoa(o.VocabMax), Msg: "want 2 to 65536"}
	}
	if o.ValFrac == 0 {
		o.ValFrac = defaultValFrac
	}
	if !(o.ValFrac > 0 && o.ValFrac <= 0.5) { // also refuses NaN
		return o, &Error{Flag: "--val-frac", Spec: strconv.FormatFloat(o.ValFrac, 'g', -1, 64), Msg: "want more than 0 and at most 0.5"}
	}
	if o.HeldMax < 0 {
		return o, fmt.Errorf("corpora: Options.HeldMax %d: want 0 or more", o.HeldMax)
	}
	if o.Vocab != nil && o.Vocab.Size() > 65536 {
		return o, fmt.Errorf("corpora: Options.Vocab has %d tokens, more than the 65536 that two bytes hold", o.Vocab.Size())
	}
	return o, nil
}

// textPart is one file of a file, folder or stdin corpus.
type textPart struct {
	name   string // relative to the folder, with "/"; for notes
	open   func() (io.ReadCloser, error)
	runes  int64 // characters, from the counting pass
	endsNL bool
}

// textLoad carries the state of the two passes over the parts of one corpus.
type textLoad struct {
	spec  string
	opt   Options
	dec   utf8Reader
	runes []rune     // decoded chunk
	ids   []int32    // encoded chunk
	file  runeCounts // the file being counted
	total runeCounts // accepted files
	parts []*textPart
	// invalid counts invalid UTF-8 bytes in accepted files.
	invalid int64
}

const chunkRunes = 16 << 10

func newTextLoad(spec string, opt Options) *textLoad {
	return &textLoad{
		spec:  spec,
		opt:   opt,
		dec:   utf8Reader{buf: make([]byte, 64<<10)},
		runes: make([]rune, chunkRunes),
		ids:   make([]int32, chunkRunes),
	}
}

// scan is the counting pass over one file: characters into t.file, stopping early at
// a NUL byte. It returns the part's statistics and a read error, if any.
func (t *textLoad) scan(r io.Reader) (scanStats, error) {
	t.dec.reset(r)
	var s scanStats
	s.last = -1
	for {
		n := t.dec.read(t.runes)
		if n == 0 {
			break
		}
		t.file.addRunes(t.runes[:n])
		s.runes += int64(n)
		s.last = t.runes[n-1]
		if t.dec.nulAt >= 0 {
			break
		}
	}
	s.bytes = t.dec.offset()
	s.invalid = t.dec.invalid
	s.nulAt = t.dec.nulAt
	return s, t.dec.err
}

type scanStats struct {
	bytes, runes, invalid int64
	nulAt                 int64 // byte offset of the first NUL, or -1
	last                  rune  // the last character, or -1
}

// binary says why s is not text, or "" if it is. With detail, the NUL offset is given.
func (s scanStats) binary(detail bool) string {
	switch {
	case s.nulAt >= 0 && detail:
		return fmt.Sprintf("NUL bytes at offset %d", s.nulAt)
	case s.nulAt >= 0:
		return "NUL bytes"
	case s.invalid*100 > s.runes*binaryInvalidPct:
		return fmt.Sprintf("%s invalid UTF-8", percentOf(s.invalid, s.runes))
	}
	return ""
}

func loadFile(path string, opt Options) (*Corpus, error) {
	t := newTextLoad(path, opt)
	p := &textPart{name: filepath.Base(path), open: func() (io.ReadCloser, error) { return os.Open(path) }}
	rc, err := p.open()
	if err != nil {
		return nil, &Error{Spec: path, Msg: osReason(err), Err: err}
	}
	s, err := t.scan(rc)
	rc.Close()
	if err != nil {
		return nil, &Error{Spec: path, Msg: "reading: " + osReason(err), Err: err}
	}
	if err := t.acceptSingle(p, s); err != nil {
		return nil, err
	}
	c, err := t.finish("text file, ")
	if err != nil {
		return nil, err
	}
	c.Name = filepath.Base(path)
	return c, nil
}

// loadStdin reads all of opt.Stdin into memory: a pipe can't be read twice.
func loadStdin(opt Options) (*Corpus, error) {
	const spec = "-"
	if opt.Stdin == nil {
		return nil, &Error{Spec: spec, Msg: "no standard input"}
	}
	data, err := io.ReadAll(opt.Stdin)
	if err != nil {
		return nil, &Error{Spec: spec, Msg: "reading standard input: " + osReason(err), Err: err}
	}
	t := newTextLoad(spec, opt)
	p := &textPart{name: "stdin", open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	rc, _ := p.open()
	s, _ := t.scan(rc)
	if err := t.acceptSingle(p, s); err != nil {
		return nil, err
	}
	c, err := t.finish("standard input, ")
	if err != nil {
		return nil, err
	}
	c.Name = "stdin"
	return c, nil
}

// acceptSingle checks the only part of a file or stdin corpus.
func (t *textLoad) acceptSingle(p *textPart, s scanStats) error {
	switch {
	case s.bytes == 0:
		return &Error{Spec: t.spec, Msg: "empty"}
	case s.binary(true) != "":
		return &Error{Spec: t.spec, Msg: "binary file (" + s.binary(true) + ")"}
	}
	t.accept(p, s)
	return nil
}

func (t *textLoad) accept(p *textPart, s scanStats) {
	p.runes = s.runes
	p.endsNL = s.last == '\n'
	t.invalid += s.invalid
	t.file.mergeInto(&t.total)
	t.parts = append(t.parts, p)
}

func loadDir(root string, opt Options) (*Corpus, error) {
	t := newTextLoad(root, opt)
	var skipped int
	var notes []string
	skip := func(name, why string) {
		skipped++
		if len(notes) < maxSkipNotes {
			notes = append(notes, name+": "+why)
		}
	}
	seenAny := false
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if err != nil {
			if path == root {
				return err
			}
			if d != nil && d.IsDir() {
				skip(rel+"/", "unreadable folder ("+osReason(err)+")")
				return filepath.SkipDir
			}
			skip(rel, osReason(err))
			return nil
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		seenAny = true
		fi, err := os.Stat(path) // follows symbolic links
		switch {
		case err != nil:
			skip(rel, osReason(err))
			return nil
		case !fi.Mode().IsRegular():
			skip(rel, "not a regular file")
			return nil
		case fi.Size() == 0:
			return nil
		}
		p := &textPart{name: rel, open: func() (io.ReadCloser, error) { return os.Open(path) }}
		rc, err := p.open()
		if err != nil {
			skip(rel, osReason(err))
			return nil
		}
		s, err := t.scan(rc)
		rc.Close()
		switch {
		case err != nil:
			skip(rel, "reading: "+osReason(err))
			t.file.reset()
		case s.binary(false) != "":
			skip(rel, "binary ("+s.binary(false)+")")
			t.file.reset()
		case s.runes == 0:
			t.file.reset()
		default:
			t.accept(p, s)
		}
		return nil
	})
	if err != nil {
		return nil, &Error{Spec: root, Msg: osReason(err), Err: err}
	}
	if len(t.parts) == 0 {
		msg := "empty folder"
		switch {
		case skipped > 0:
			msg = fmt.Sprintf("no readable text files (%d skipped; %s)", skipped, strings.Join(notes, "; "))
		case seenAny:
			msg = "only empty files"
		}
		return nil, &Error{Spec: root, Msg: msg}
	}
	// A newline between two files when the first lacks one.
	for _, p := range t.parts[:len(t.parts)-1] {
		if !p.endsNL {
			t.total.add('\n', 1)
		}
	}
	files := fmt.Sprintf("folder of %d files", len(t.parts))
	if skipped > 0 {
		files += fmt.Sprintf(" (%d skipped)", skipped)
	}
	c, err := t.finish(files + ", ")
	if err != nil {
		return nil, err
	}
	c.Name = dirName(root) + "/"
	c.Files, c.Skipped, c.SkipNotes = len(t.parts), skipped, notes
	return c, nil
}

func dirName(root string) string {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	name := filepath.Base(root)
	return strings.TrimSuffix(name, string(filepath.Separator))
}

// finish chooses the vocabulary, splits training and held-out characters, and runs
// the encoding pass. doc starts the corpus's Doc line.
func (t *textLoad) finish(doc string) (*Corpus, error) {
	var total int64
	for _, r := range t.total.seen {
		total += t.total.get(r)
	}
	v, vdoc, err := t.vocab(total)
	if err != nil {
		return nil, err
	}

	tail := max(int64(float64(total)*t.opt.ValFrac), 1)
	trainLen := total - tail
	if need := max(int64(t.opt.MinTrain), 1); trainLen < need {
		msg := fmt.Sprintf("too small: %s characters for training, need at least %s", thousands(max(trainLen, 0)), thousands(need))
		if t.opt.MinTrain > 1 {
			msg += " (--seq × --batch + 1)"
		}
		return nil, &Error{Spec: t.spec, Msg: msg}
	}
	heldMax := int64(t.opt.HeldMax)
	if heldMax == 0 {
		heldMax = defaultHeldMax
	}
	held := min(tail, heldMax)

	s := &tokenSink{total: total, trainLen: trainLen, heldIDs: make([]int32, held), heldText: make([]rune, held)}
	if v.Size() <= 256 {
		s.train8 = make([]uint8, trainLen)
	} else {
		s.train16 = make([]uint16, trainLen)
	}
	for i, p := range t.parts {
		if err := t.encode(p, v, s); err != nil {
			return nil, err
		}
		if i < len(t.parts)-1 && !p.endsNL {
			t.runes[0] = '\n'
			t.ids[0] = v.ID('\n')
			if t.ids[0] < 0 || !s.write(t.ids[:1], t.runes[:1]) {
				return nil, t.changed(p)
			}
		}
	}
	if s.pos != s.total {
		return nil, t.changed(t.parts[len(t.parts)-1])
	}

	doc += thousands(total) + " characters"
	if t.invalid > 0 {
		doc += fmt.Sprintf(" (%s invalid UTF-8 bytes read as U+FFFD)", thousands(t.invalid))
	}
	return &Corpus{
		Doc:      doc + ", " + vdoc,
		Vocab:    v,
		train8:   s.train8,
		train16:  s.train16,
		trainLen: trainLen,
		heldIDs:  s.heldIDs,
		heldText: s.heldText,
	}, nil
}

// vocab returns the given vocabulary after checking that it can encode the text, or
// builds one; the string describes it for Doc.
func (t *textLoad) vocab(total int64) (*Vocab, string, error) {
	distinct := len(t.total.seen)
	v := t.opt.Vocab
	if v == nil {
		v = buildVocab(&t.total, t.opt.VocabMax)
		if v.Unknown() >= 0 && distinct > v.Size() {
			return v, fmt.Sprintf("vocabulary of %d (the %d most frequent of %s distinct characters, plus unknown)", v.Size(), v.Size()-1, thousands(int64(distinct))), nil
		}
		return v, fmt.Sprintf("vocabulary of %d", v.Size()), nil
	}
	var missing, missingKinds int64
	first := rune(-1)
	for _, r := range t.total.seen {
		if r == unknownRune && v.Unknown() >= 0 {
			continue
		}
		if v.ID(r) == v.Unknown() {
			if first < 0 {
				first = r
			}
			missing += t.total.get(r)
			missingKinds++
		}
	}
	if missing > 0 && v.Unknown() < 0 {
		msg := fmt.Sprintf("character %s (U+%04X) occurs %s but the checkpoint's vocabulary has neither it nor an unknown token",
			strconv.QuoteRune(first), first, times(t.total.get(first)))
		if missingKinds > 1 {
			msg += fmt.Sprintf(" (%d other characters are missing too)", missingKinds-1)
		}
		return nil, "", &Error{Spec: t.spec, Msg: msg}
	}
	doc := fmt.Sprintf("checkpoint vocabulary of %d", v.Size())
	if missing > 0 {
		doc += fmt.Sprintf(", %s characters outside it read as unknown", thousands(missing))
	}
	return v, doc, nil
}

// encode is the second pass over one part.
func (t *textLoad) encode(p *textPart, v *Vocab, s *tokenSink) error {
	rc, err := p.open()
	if err != nil {
		return &Error{Spec: t.spec, Msg: p.name + ": " + osReason(err), Err: err}
	}
	defer rc.Close()
	t.dec.reset(rc)
	var n int64
	for {
		k := t.dec.read(t.runes)
		if k == 0 {
			break
		}
		n += int64(k)
		rs, ids := t.runes[:k], t.ids[:k]
		for i, r := range rs {
			id := v.ID(r)
			if id < 0 {
				return t.changed(p)
			}
			ids[i] = id
		}
		if !s.write(ids, rs) {
			return t.changed(p)
		}
	}
	if t.dec.err != nil {
		return &Error{Spec: t.spec, Msg: p.name + ": reading: " + osReason(t.dec.err), Err: t.dec.err}
	}
	if n != p.runes {
		return t.changed(p)
	}
	return nil
}

func (t *textLoad) changed(p *textPart) error {
	return &Error{Spec: t.spec, Msg: p.name + ": changed while being read"}
}

// tokenSink receives the encoded characters in order and files them: training part,
// held-out part, or (beyond HeldMax) nowhere.
type tokenSink struct {
	train8   []uint8
	train16  []uint16
	trainLen int64
	heldIDs  []int32
	heldText []rune
	pos      int64 // characters written so far
	total    int64 // characters expected
}

// write files ids and their characters; false means more characters than expected.
func (s *tokenSink) write(ids []int32, rs []rune) bool {
	if s.pos+int64(len(ids)) > s.total {
		return false
	}
	if s.pos < s.trainLen {
		n := min(int64(len(ids)), s.trainLen-s.pos)
		if s.train8 != nil {
			dst := s.train8[s.pos : s.pos+n]
			for i := range dst {
				dst[i] = uint8(ids[i])
			}
		} else {
			dst := s.train16[s.pos : s.pos+n]
			for i := range dst {
				dst[i] = uint16(ids[i])
			}
		}
		s.pos += n
		ids, rs = ids[n:], rs[n:]
	}
	if heldEnd := s.trainLen + int64(len(s.heldIDs)); len(ids) > 0 && s.pos < heldEnd {
		n := min(int64(len(ids)), heldEnd-s.pos)
		off := s.pos - s.trainLen
		copy(s.heldIDs[off:], ids[:n])
		copy(s.heldText[off:], rs[:n])
		s.pos += n
		ids = ids[n:]
	}
	s.pos += int64(len(ids))
	return true
}

// utf8Reader decodes UTF-8 in chunks exactly as a Go range loop over the whole text
// would: each invalid byte is one U+FFFD, and a character split across two reads is
// still one character.
type utf8Reader struct {
	r       io.Reader
	buf     []byte
	lo, hi  int   // unread bytes are buf[lo:hi]
	base    int64 // offset of buf[0] in the stream
	eof     bool  // r has nothing more
	err     error // the read error other than io.EOF that ended r, if any
	invalid int64 // invalid UTF-8 bytes decoded so far
	nulAt   int64 // offset of the first NUL byte, or -1
}

func (d *utf8Reader) reset(r io.Reader) {
	*d = utf8Reader{r: r, buf: d.buf, nulAt: -1}
}

// offset is the number of bytes decoded so far.
func (d *utf8Reader) offset() int64 { return d.base + int64(d.lo) }

// fill moves the unread bytes to the front and reads until at least one whole
// character is buffered or r ends.
func (d *utf8Reader) fill() {
	n := copy(d.buf, d.buf[d.lo:d.hi])
	d.base += int64(d.lo)
	d.lo, d.hi = 0, n
	for empty := 0; d.hi < utf8.UTFMax && !d.eof; {
		m, err := d.r.Read(d.buf[d.hi:])
		d.hi += m
		switch {
		case err == io.EOF:
			d.eof = true
		case err != nil:
			d.eof, d.err = true, err
		case m == 0:
			if empty++; empty > 100 {
				d.eof, d.err = true, io.ErrNoProgress
			}
		case d.hi >= utf8.UTFMax || utf8.FullRune(d.buf[:d.hi]):
			return
		}
	}
}

// read decodes up to len(dst) characters into dst and returns how many; 0 means the
// end of the input (check d.err).
func (d *utf8Reader) read(dst []rune) int {
	n := 0
	for n < len(dst) {
		if d.hi-d.lo < utf8.UTFMax && !d.eof {
			d.fill()
		}
		if d.lo == d.hi {
			break
		}
		buf, lo, hi := d.buf, d.lo, d.hi
		for n < len(dst) && lo < hi {
			b := buf[lo]
			if b < utf8.RuneSelf {
				if b == 0 && d.nulAt < 0 {
					d.nulAt = d.base + int64(lo)
				}
				dst[n] = rune(b)
				n++
				lo++
				continue
			}
			if !d.eof && !utf8.FullRune(buf[lo:hi]) {
				break // the rest of this character is in the next read
			}
			r, size := utf8.DecodeRune(buf[lo:hi])
			if r == utf8.RuneError && size == 1 {
				d.invalid++
			}
			dst[n] = r
			n++
			lo += size
		}
		d.lo = lo
	}
	return n
}

// osReason is the operating system's reason without the path, which the caller
// already shows: "permission denied", "is a directory".
func osReason(err error) string {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// thousands writes n with thousands separators: 1234567 → "1,234,567".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// times writes "once", "2 times", "1,000 times".
func times(n int64) string {
	if n == 1 {
		return "once"
	}
	return thousands(n) + " times"
}

// percentOf writes part/whole with one decimal: "31.2%".
func percentOf(part, whole int64) string {
	if whole == 0 {
		return "0%"
	}
	return strconv.FormatFloat(math.Round(1000*float64(part)/float64(whole))/10, 'f', 1, 64) + "%"
}
