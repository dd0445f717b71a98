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
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// ldWrite writes data to dir/name, creating folders, and returns the path.
func ldWrite(t testing.TB, dir, name string, data string) string {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// ldText decodes a file corpus back to characters: one pass over the training part,
// then the held-out part, both through Vocab.Rune.
func ldText(t testing.TB, c *Corpus) string {
	t.Helper()
	if c.Generated() {
		t.Fatal("ldText wants a file corpus")
	}
	train := make([]int32, c.TrainLen())
	c.Stream(0, 1, 0).Read(train)
	ids, text := c.Held()
	if len(ids) != len(text) {
		t.Fatalf("Held: %d ids but %d characters", len(ids), len(text))
	}
	var b strings.Builder
	for _, id := range append(train, ids...) {
		b.WriteRune(c.Vocab.Rune(id))
	}
	return b.String()
}

// ldLoadError loads spec and returns its *Error, failing unless Load refuses it.
func ldLoadError(t *testing.T, spec string, opt Options) *Error {
	t.Helper()
	c, err := Load(spec, opt)
	if err == nil {
		t.Fatalf("Load(%q) accepted %q, want an error", spec, c.Name)
	}
	e, ok := errors.AsType[*Error](err)
	if !ok {
		t.Fatalf("Load(%q) error %v (%T) is not a *corpora.Error", spec, err, err)
	}
	return e
}

// ldReplaceUnknown is the text as a vocabulary sees it: characters outside it are
// U+FFFD.
func ldReplaceUnknown(v *Vocab, text string) string {
	var b strings.Builder
	for _, r := range text {
		if v.ID(r) == v.Unknown() {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestLoadFileRoundTrips(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		vocab string // the vocabulary built, in id order
	}{
		{"ASCII text keeps every character", "if (a) {\n\tb = \"c\";\n}\n", "\t\n \"();=abcfi{}"},
		{"Korean text trains as Hangul syllables, not bytes", "안녕하세요, 세계!\n안녕!\n", "\n !,계녕세안요하"},
		{"invalid UTF-8 bytes each read as U+FFFD, the unknown token", "abcdefgh\xffi\xe2\x82j\xed\xa0\x80klmnopqr", "abcdefghijklmnopqr\uFFFD"},
		{"a literal U+FFFD is the unknown token too", "a\uFFFDb", "ab\uFFFD"},
		{"a lone byte of a split character is invalid", "xxxxxxxxxx\xe2\x82", "x\uFFFD"},
		{"characters beyond the BMP are single tokens", "😀a😀b", "ab😀"},
		{"CR LF line ends are kept as they are", "a\r\nb\r\n", "\n\rab"},
		{"a leading byte order mark is an ordinary character", "\uFEFFab", "ab\uFEFF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ldWrite(t, t.TempDir(), "in.txt", tt.data)
			c, err := Load(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := string(c.Vocab.Runes()); got != tt.vocab {
				t.Errorf("vocabulary = %q, want %q", got, tt.vocab)
			}
			want := string([]rune(tt.data)) // Go's own UTF-8 decoding, invalid bytes → U+FFFD
			if got := ldText(t, c); got != want {
				t.Errorf("decoded %q, want %q", got, want)
			}
			if n := c.TrainLen() + int64(len(c.heldIDs)); n != int64(utf8.RuneCountInString(tt.data)) {
				t.Errorf("%d tokens, want one per character: %d", n, utf8.RuneCountInString(tt.data))
			}
			if c.Name != "in.txt" || c.Generated() {
				t.Errorf("Name %q, Generated %v; want in.txt, false", c.Name, c.Generated())
			}
		})
	}
}

func TestLoadSplitsTrainingAndHeldOut(t *testing.T) {
	text := strings.Repeat("0123456789", 100) // 1000 characters
	tests := []struct {
		name      string
		opt       Options
		trainLen  int64
		heldStart int
		heldLen   int
	}{
		{"the default holds out the last 5%", Options{}, 950, 950, 50},
		{"val-frac 0.5 holds out half", Options{ValFrac: 0.5}, 500, 500, 500},
		{"a tiny fraction still holds out one character", Options{ValFrac: 1e-9}, 999, 999, 1},
		{"HeldMax keeps the first characters of the tail", Options{ValFrac: 0.5, HeldMax: 10}, 500, 500, 10},
		{"the tail rounds down", Options{ValFrac: 0.0015}, 999, 999, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ldWrite(t, t.TempDir(), "digits.txt", text)
			c, err := Load(path, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if c.TrainLen() != tt.trainLen {
				t.Errorf("TrainLen() = %d, want %d", c.TrainLen(), tt.trainLen)
			}
			ids, held := c.Held()
			if want := text[tt.heldStart : tt.heldStart+tt.heldLen]; string(held) != want {
				t.Errorf("held-out text = %q, want %q", string(held), want)
			}
			for i, id := range ids {
				if c.Vocab.Rune(id) != held[i] {
					t.Fatalf("held-out id %d is %q, text has %q", i, c.Vocab.Rune(id), held[i])
				}
			}
			train := make([]int32, c.TrainLen())
			c.Stream(0, 1, 0).Read(train)
			var b strings.Builder
			for _, id := range train {
				b.WriteRune(c.Vocab.Rune(id))
			}
			if b.String() != text[:tt.trainLen] {
				t.Errorf("training part is not the first %d characters", tt.trainLen)
			}
		})
	}
}

func TestLoadRefusesBadFiles(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the spec
		opt   Options
		msg   string // after `--corpus "spec": `
		is    error
	}{
		{
			name:  "a missing file names the embedded corpora",
			setup: func(t *testing.T, dir string) string { return filepath.Join(dir, "nope.txt") },
			msg:   "no such file or embedded corpus (embedded: " + embeddedNames() + ")",
			is:    fs.ErrNotExist,
		},
		{
			name:  "an empty file",
			setup: func(t *testing.T, dir string) string { return ldWrite(t, dir, "x.txt", "") },
			msg:   "empty",
		},
		{
			name:  "a NUL byte makes a file binary, with its offset",
			setup: func(t *testing.T, dir string) string { return ldWrite(t, dir, "x.bin", "hello world\x00rest") },
			msg:   "binary file (NUL bytes at offset 11)",
		},
		{
			name: "a NUL byte far into a file is found",
			setup: func(t *testing.T, dir string) string {
				return ldWrite(t, dir, "x.bin", strings.Repeat("é", 70000)+"\x00")
			},
			msg: "binary file (NUL bytes at offset 140000)",
		},
		{
			name:  "more than 30% invalid UTF-8 is binary",
			setup: func(t *testing.T, dir string) string { return ldWrite(t, dir, "x.dat", "\xff\xfe\xfdabcd") },
			msg:   "binary file (42.9% invalid UTF-8)",
		},
		{
			name:  "the empty spec",
			setup: func(t *testing.T, dir string) string { return "" },
			msg:   `want an embedded corpus (` + embeddedNames() + `), a file, a folder or "-"`,
		},
		{
			name:  "fewer training characters than --seq × --batch + 1",
			setup: func(t *testing.T, dir string) string { return ldWrite(t, dir, "x.txt", strings.Repeat("ab", 50)) },
			opt:   Options{MinTrain: 1025},
			msg:   "too small: 95 characters for training, need at least 1,025 (--seq × --batch + 1)",
		},
		{
			name:  "one character leaves nothing to train on",
			setup: func(t *testing.T, dir string) string { return ldWrite(t, dir, "x.txt", "a") },
			msg:   "too small: 0 characters for training, need at least 1",
		},
		{
			name: "a folder with nothing in it",
			setup: func(t *testing.T, dir string) string {
				os.Mkdir(filepath.Join(dir, "d"), 0o755)
				return filepath.Join(dir, "d")
			},
			msg: "empty folder",
		},
		{
			name: "a folder of empty files and dot-folders",
			setup: func(t *testing.T, dir string) string {
				ldWrite(t, dir, "d/a.txt", "")
				ldWrite(t, dir, "d/.git/config", "[core]\n")
				return filepath.Join(dir, "d")
			},
			msg: "only empty files",
		},
		{
			name: "a folder of binary files",
			setup: func(t *testing.T, dir string) string {
				ldWrite(t, dir, "d/b.png", "\x89PNG\x00\x00")
				ldWrite(t, dir, "d/a.bin", "\xff\xff\xff")
				return filepath.Join(dir, "d")
			},
			msg: "no readable text files (2 skipped; a.bin: binary (100.0% invalid UTF-8); b.png: binary (NUL bytes))",
		},
	}
	if runtime.GOOS != "windows" {
		tests = append(tests, struct {
			name  string
			setup func(t *testing.T, dir string) string
			opt   Options
			msg   string
			is    error
		}{
			name:  "a device is not a regular file",
			setup: func(t *testing.T, dir string) string { return os.DevNull },
			msg:   "not a regular file or folder (pipe it to --corpus - instead)",
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := tt.setup(t, t.TempDir())
			e := ldLoadError(t, spec, tt.opt)
			if want := fmt.Sprintf("--corpus %q: %s", spec, tt.msg); e.Error() != want {
				t.Errorf("error\n got %s\nwant %s", e.Error(), want)
			}
			if e.Spec != spec {
				t.Errorf("Spec = %q, want %q", e.Spec, spec)
			}
			if tt.is != nil && !errors.Is(e, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", e, tt.is)
			}
		})
	}
}

func TestLoadAcceptsAFewInvalidBytes(t *testing.T) {
	// 3 invalid bytes of 10 characters is 30%: still text.
	path := ldWrite(t, t.TempDir(), "x.txt", "\xff\xff\xffabcdefg")
	c, err := Load(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ldText(t, c), "\uFFFD\uFFFD\uFFFDabcdefg"; got != want {
		t.Errorf("decoded %q, want %q", got, want)
	}
	if !strings.Contains(c.Doc, "3 invalid UTF-8 bytes read as U+FFFD") {
		t.Errorf("Doc %q does not mention the invalid bytes", c.Doc)
	}
}

func TestLoadRefusesBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
		want string
	}{
		{"a vocabulary of one token", Options{VocabMax: 1}, "--vocab-max 1: want 2 to 65536"},
		{"a negative vocabulary", Options{VocabMax: -3}, "--vocab-max -3: want 2 to 65536"},
		{"more tokens than two bytes hold", Options{VocabMax: 65537}, "--vocab-max 65537: want 2 to 65536"},
		{"holding out more than half", Options{ValFrac: 0.6}, "--val-frac 0.6: want more than 0 and at most 0.5"},
		{"a negative held-out fraction", Options{ValFrac: -0.1}, "--val-frac -0.1: want more than 0 and at most 0.5"},
		{"a NaN held-out fraction", Options{ValFrac: math.NaN()}, "--val-frac NaN: want more than 0 and at most 0.5"},
	}
	path := ldWrite(t, t.TempDir(), "ok.txt", "hello world, hello world\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, spec := range []string{path, List()[0].Name, "-"} {
				tt.opt.Stdin = strings.NewReader("hello world, hello world\n")
				if e := ldLoadError(t, spec, tt.opt); e.Error() != tt.want {
					t.Errorf("Load(%q): error %q, want %q", spec, e.Error(), tt.want)
				}
			}
		})
	}
}

func TestLoadUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	path := ldWrite(t, dir, "secret.txt", "top secret\n")
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(path, 0o644)
	if _, err := os.ReadFile(path); err == nil {
		t.Skipf("a file with mode 000 is readable here (euid %d), so unreadable files can't be tested", os.Geteuid())
	}
	e := ldLoadError(t, path, Options{})
	if want := fmt.Sprintf("--corpus %q: permission denied", path); e.Error() != want {
		t.Errorf("error %q, want %q", e.Error(), want)
	}
	if !errors.Is(e, fs.ErrPermission) {
		t.Errorf("errors.Is(%v, fs.ErrPermission) = false", e)
	}

	// In a folder, the same file and an unreadable subfolder are skipped with their
	// reasons.
	ldWrite(t, dir, "readme.txt", "hello\n")
	locked := filepath.Join(dir, "locked")
	ldWrite(t, dir, "locked/inside.txt", "never read\n")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(locked, 0o755)
	c, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantNotes := []string{"locked/: unreadable folder (permission denied)", "secret.txt: permission denied"}
	if c.Files != 1 || c.Skipped != 2 || fmt.Sprint(c.SkipNotes) != fmt.Sprint(wantNotes) {
		t.Errorf("Files %d, Skipped %d, SkipNotes %q; want 1, 2, %q", c.Files, c.Skipped, c.SkipNotes, wantNotes)
	}
	if ldText(t, c) != "hello\n" {
		t.Errorf("text %q, want only readme.txt", ldText(t, c))
	}

	// An unreadable folder itself is an error.
	e = ldLoadError(t, locked, Options{})
	if want := fmt.Sprintf("--corpus %q: permission denied", locked); e.Error() != want {
		t.Errorf("error %q, want %q", e.Error(), want)
	}
}

func TestLoadFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "src")
	files := map[string]string{
		"b.txt":              "beta",    // no trailing newline: one is added
		"a.txt":              "alpha\n", // read first: lexical order
		"empty.txt":          "",        // ignored
		"img.png":            "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
		"sub/c.go":           "gamma", // last file: no newline added
		"sub/.hidden/x.txt":  "hidden folders are skipped\n",
		".git/config":        "[core]\n",
		"z.dat":              "\xff\xfe\xfd\xfc",
		"sub/deeper/d.md":    "delta\n",
		"sub/deeper/e.txt":   "ε\n",
		"sub/deeper/.dot.md": "dot files are read\n",
	}
	for name, data := range files {
		ldWrite(t, dir, name, data)
	}
	c, err := Load(dir, Options{ValFrac: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	// WalkDir order: a.txt b.txt empty.txt img.png sub/c.go sub/deeper/.dot.md
	// sub/deeper/d.md sub/deeper/e.txt z.dat
	want := "alpha\n" + "beta\n" + "gamma\n" + "dot files are read\n" + "delta\n" + "ε\n"
	if got := ldText(t, c); got != want {
		t.Errorf("text\n got %q\nwant %q", got, want)
	}
	if c.Name != "src/" {
		t.Errorf("Name = %q, want src/", c.Name)
	}
	if c.Files != 6 || c.Skipped != 2 {
		t.Errorf("Files %d, Skipped %d; want 6, 2", c.Files, c.Skipped)
	}
	wantNotes := []string{"img.png: binary (NUL bytes)", "z.dat: binary (100.0% invalid UTF-8)"}
	if fmt.Sprint(c.SkipNotes) != fmt.Sprint(wantNotes) {
		t.Errorf("SkipNotes = %q, want %q", c.SkipNotes, wantNotes)
	}
	if !strings.HasPrefix(c.Doc, "folder of 6 files (2 skipped), ") || strings.Contains(c.Doc, "\n") {
		t.Errorf("Doc = %q", c.Doc)
	}
}

func TestLoadFolderJoinsFilesWithNewlines(t *testing.T) {
	dir := t.TempDir()
	ldWrite(t, dir, "1.txt", "one")
	ldWrite(t, dir, "2.txt", "two\n")
	ldWrite(t, dir, "3.txt", "three")
	ldWrite(t, dir, "4.txt", "four")
	c, err := Load(dir, Options{ValFrac: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ldText(t, c), "one\ntwo\nthree\nfour"; got != want {
		t.Errorf("text %q, want %q", got, want)
	}
}

func TestLoadFolderKeepsTenSkipNotes(t *testing.T) {
	dir := t.TempDir()
	for i := range 12 {
		ldWrite(t, dir, fmt.Sprintf("bin%02d.o", i), "\x7fELF\x00")
	}
	ldWrite(t, dir, "main.c", "int main() { return 0; }\n")
	c, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Skipped != 12 || len(c.SkipNotes) != 10 || c.SkipNotes[9] != "bin09.o: binary (NUL bytes)" {
		t.Errorf("Skipped %d, %d notes, last %q; want 12, 10, bin09.o", c.Skipped, len(c.SkipNotes), c.SkipNotes[len(c.SkipNotes)-1])
	}
}

func TestLoadStdin(t *testing.T) {
	data := "stdin text, read once.\nwith two lines\n"
	tests := []struct {
		name  string
		stdin io.Reader
	}{
		{"a whole reader", strings.NewReader(data)},
		{"a reader returning one byte at a time", iotest.OneByteReader(strings.NewReader(data))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load("-", Options{Stdin: tt.stdin})
			if err != nil {
				t.Fatal(err)
			}
			if c.Name != "stdin" || ldText(t, c) != data {
				t.Errorf("Name %q, text %q; want stdin, %q", c.Name, ldText(t, c), data)
			}
		})
	}
	t.Run("empty standard input", func(t *testing.T) {
		if e := ldLoadError(t, "-", Options{Stdin: strings.NewReader("")}); e.Error() != `--corpus "-": empty` {
			t.Errorf("error %q", e.Error())
		}
	})
	t.Run("no standard input", func(t *testing.T) {
		if e := ldLoadError(t, "-", Options{}); e.Error() != `--corpus "-": no standard input` {
			t.Errorf("error %q", e.Error())
		}
	})
	t.Run("a failing standard input", func(t *testing.T) {
		boom := errors.New("boom")
		e := ldLoadError(t, "-", Options{Stdin: iotest.ErrReader(boom)})
		if e.Error() != `--corpus "-": reading standard input: boom` || !errors.Is(e, boom) {
			t.Errorf("error %q, want it to wrap boom", e.Error())
		}
	})
	t.Run("binary standard input", func(t *testing.T) {
		e := ldLoadError(t, "-", Options{Stdin: strings.NewReader("ab\x00")})
		if e.Error() != `--corpus "-": binary file (NUL bytes at offset 2)` {
			t.Errorf("error %q", e.Error())
		}
	})
}

func TestLoadThroughAGivenVocab(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		vocab *Vocab
		want  string // decoded text, or the error after `--corpus "spec": `
		err   bool
	}{
		{
			name:  "characters outside the vocabulary become its unknown token",
			text:  "abcxyzab",
			vocab: NewVocab([]rune("cba"), true),
			want:  "abc\uFFFD\uFFFD\uFFFDab",
		},
		{
			name:  "the vocabulary's order sets the ids, not the text",
			text:  "abab",
			vocab: NewVocab([]rune("ba"), false),
			want:  "abab",
		},
		{
			name:  "without an unknown token, the first missing character is named with its count",
			text:  "azzyxa",
			vocab: NewVocab([]rune("a"), false),
			want:  "character 'z' (U+007A) occurs 2 times but the checkpoint's vocabulary has neither it nor an unknown token (2 other characters are missing too)",
			err:   true,
		},
		{
			name:  "invalid UTF-8 needs an unknown token",
			text:  "aa\xffa",
			vocab: NewVocab([]rune("a"), false),
			want:  "character '\uFFFD' (U+FFFD) occurs once but the checkpoint's vocabulary has neither it nor an unknown token",
			err:   true,
		},
		{
			name:  "a vocabulary wider than 256 tokens stores two bytes a token",
			text:  "ĀāĂă",
			vocab: NewVocab(ldRuneRange(0x100, 300), false),
			want:  "ĀāĂă",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ldWrite(t, t.TempDir(), "x.txt", tt.text)
			opt := Options{Vocab: tt.vocab, ValFrac: 0.25}
			if tt.err {
				e := ldLoadError(t, path, opt)
				if want := fmt.Sprintf("--corpus %q: %s", path, tt.want); e.Error() != want {
					t.Errorf("error\n got %s\nwant %s", e.Error(), want)
				}
				return
			}
			c, err := Load(path, opt)
			if err != nil {
				t.Fatal(err)
			}
			if c.Vocab != tt.vocab {
				t.Error("the corpus does not use the given vocabulary")
			}
			if got := ldText(t, c); got != tt.want {
				t.Errorf("decoded %q, want %q", got, tt.want)
			}
		})
	}
}

// ldRuneRange is n consecutive code points from first.
func ldRuneRange(first rune, n int) []rune {
	rs := make([]rune, n)
	for i := range rs {
		rs[i] = first + rune(i)
	}
	return rs
}

func TestLoadWideVocabulary(t *testing.T) {
	// 300 distinct characters: two bytes a token, or a cut to 256 with unknown.
	var b strings.Builder
	for i := range 3000 {
		b.WriteRune(0x100 + rune(i*7%300))
	}
	text := b.String()
	path := ldWrite(t, t.TempDir(), "wide.txt", text)
	t.Run("a vocab-max above the distinct count keeps them all", func(t *testing.T) {
		c, err := Load(path, Options{VocabMax: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if c.Vocab.Size() != 300 || c.train16 == nil || c.train8 != nil {
			t.Fatalf("Size %d, wide storage %v; want 300, true", c.Vocab.Size(), c.train16 != nil)
		}
		if ldText(t, c) != text {
			t.Error("the text does not round-trip")
		}
	})
	t.Run("the default keeps 255 characters and unknown, one byte a token", func(t *testing.T) {
		c, err := Load(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if c.Vocab.Size() != 256 || c.Vocab.Unknown() != 255 || c.train8 == nil {
			t.Fatalf("Size %d, Unknown %d, narrow storage %v; want 256, 255, true", c.Vocab.Size(), c.Vocab.Unknown(), c.train8 != nil)
		}
		if got, want := ldText(t, c), ldReplaceUnknown(c.Vocab, text); got != want {
			t.Error("the text does not round-trip modulo unknown")
		}
		if !strings.Contains(c.Doc, "the 255 most frequent of 300 distinct characters, plus unknown") {
			t.Errorf("Doc = %q", c.Doc)
		}
	})
}

func TestUTF8ReaderMatchesGoDecoding(t *testing.T) {
	inputs := []string{
		"",
		"plain ASCII",
		"한국어 텍스트",
		"a\xffb\xc0\xafc\xe2\x82",
		"\xed\xa0\x80 surrogate, \xf4\x90\x80\x80 beyond U+10FFFF",
		strings.Repeat("x", 65535) + "한" + strings.Repeat("y", 65534) + "😀", // split across buffer fills
		strings.Repeat("\xe2\x82", 40000),
	}
	readers := map[string]func(string) io.Reader{
		"whole":    func(s string) io.Reader { return strings.NewReader(s) },
		"one byte": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		"halves":   func(s string) io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
		"data+EOF": func(s string) io.Reader { return iotest.DataErrReader(strings.NewReader(s)) },
	}
	for rname, mk := range readers {
		for i, in := range inputs {
			d := utf8Reader{buf: make([]byte, 64<<10)}
			d.reset(mk(in))
			var got []rune
			buf := make([]rune, 1000)
			for {
				n := d.read(buf)
				if n == 0 {
					break
				}
				got = append(got, buf[:n]...)
			}
			want := []rune(in)
			if string(got) != string(want) || len(got) != len(want) {
				t.Errorf("%s reader, input %d: decoded %d characters, want %d", rname, i, len(got), len(want))
			}
			if d.offset() != int64(len(in)) {
				t.Errorf("%s reader, input %d: offset %d, want %d", rname, i, d.offset(), len(in))
			}
			var invalid int64
			for j, r := range in {
				if r == utf8.RuneError && !strings.HasPrefix(in[j:], "\uFFFD") {
					invalid++
				}
			}
			if d.invalid != invalid {
				t.Errorf("%s reader, input %d: %d invalid bytes, want %d", rname, i, d.invalid, invalid)
			}
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestLoadMemoryBound checks the promise of Load's doc comment: a file costs about
// one byte a character, never the whole file as []byte or []rune.
func TestLoadMemoryBound(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and loads a 32 MB file")
	}
	path := filepath.Join(t.TempDir(), "big.txt")
	size := ldWriteBig(t, path, 32<<20)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c, err := Load(path, Options{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	ratio := float64(alloc) / float64(size)
	t.Logf("Load allocated %d bytes for a %d-byte file: %.3f× its size", alloc, size, ratio)
	if ratio > 1.25 {
		t.Errorf("Load allocated %.3f× the file size, want at most 1.25×", ratio)
	}
	if c.TrainLen()+int64(len(c.heldIDs)) > size {
		t.Errorf("more tokens than bytes")
	}
}

// ldWriteBig writes about size bytes of code-like ASCII text, one token a byte: the
// worst case for memory with a vocabulary of at most 256 tokens. It returns the size
// written.
func ldWriteBig(t testing.TB, path string, size int64) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var chunk bytes.Buffer
	for i := 0; chunk.Len() < 1<<20; i++ {
		fmt.Fprintf(&chunk, "func f%d(x int) int {\n\tif x > %d { // hi %d\n\t\treturn \"s%d\"\n\t}\n}\n", i, i*7, i%13, i%97)
	}
	var n int64
	for n < size {
		m, err := f.Write(chunk.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		n += int64(m)
	}
	return n
}

func BenchmarkLoad(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.txt")
	size := ldWriteBig(b, path, 32<<20)
	b.SetBytes(size)
	b.ReportAllocs()
	var chars int64
	for b.Loop() {
		c, err := Load(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		chars = c.TrainLen() + int64(len(c.heldIDs))
	}
	b.ReportMetric(float64(chars*int64(b.N))/b.Elapsed().Seconds(), "chars/s")
}

// FuzzLoadFile writes arbitrary bytes to a file and loads it with a vocabulary limit
// from 2 to 301: Load never panics, refuses only with a *Error for the documented
// reasons, and what it accepts decodes back to the file modulo unknown characters.
func FuzzLoadFile(f *testing.F) {
	f.Add([]byte("hello, world\n"), uint16(254))
	f.Add([]byte("안녕하세요 세계\n"), uint16(3))
	f.Add([]byte("a\xffb\xe2\x82c"), uint16(0))
	f.Add([]byte("a\x00b"), uint16(10))
	f.Add([]byte(""), uint16(10))
	f.Add([]byte("x"), uint16(10))
	f.Add([]byte("😀\uFFFD😀\xf0\x9f"), uint16(1))
	f.Fuzz(func(t *testing.T, data []byte, vmax uint16) {
		path := filepath.Join(t.TempDir(), "f.txt")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		opt := Options{VocabMax: 2 + int(vmax)%300, HeldMax: math.MaxInt32}
		c, err := Load(path, opt)

		text := string([]rune(string(data)))
		runes := int64(utf8.RuneCountInString(text))
		var invalid int64
		for i, r := range string(data) {
			if r == utf8.RuneError && !strings.HasPrefix(string(data[i:]), "\uFFFD") {
				invalid++
			}
		}
		tail := max(int64(float64(runes)*defaultValFrac), 1)
		var why string
		switch {
		case len(data) == 0:
			why = "empty"
		case bytes.IndexByte(data, 0) >= 0:
			why = "NUL bytes"
		case invalid*100 > runes*30:
			why = "invalid UTF-8"
		case runes-tail < 1:
			why = "too small"
		}
		if err != nil {
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Fatalf("error %v is a %T, want *Error", err, err)
			}
			if why == "" || !strings.Contains(err.Error(), why) {
				t.Fatalf("refused with %q, want it accepted or refused for %q", err, why)
			}
			return
		}
		if why != "" {
			t.Fatalf("accepted a file that should be refused for %q", why)
		}
		if c.Vocab.Size() > opt.VocabMax {
			t.Fatalf("vocabulary of %d over the limit %d", c.Vocab.Size(), opt.VocabMax)
		}
		if got, want := ldText(t, c), ldReplaceUnknown(c.Vocab, text); got != want {
			t.Fatalf("decoded\n%q\nwant\n%q", got, want)
		}
		if c.TrainLen() != runes-tail || int64(len(c.heldIDs)) != tail {
			t.Fatalf("split %d + %d, want %d + %d", c.TrainLen(), len(c.heldIDs), runes-tail, tail)
		}
	})
}
