package safetensors

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// zeroPadded reads as its bytes followed by as many zeros as asked for, so a
// test can show Decode a huge file without allocating one.
type zeroPadded []byte

func (z zeroPadded) ReadAt(p []byte, off int64) (int, error) {
	clear(p)
	if off < int64(len(z)) {
		copy(p, z[off:])
	}
	return len(p), nil
}

// decodeBytes decodes b, or the first size bytes of b followed by zeros.
func decodeBytes(b []byte, size int64) (*File, error) {
	if size > int64(len(b)) {
		return Decode(zeroPadded(b), size)
	}
	return Decode(bytes.NewReader(b), int64(len(b)))
}

// checkMessage fails unless err is one lowercase line mentioning want.
func checkMessage(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one mentioning %q", want)
	}
	msg := err.Error()
	if !strings.Contains(msg, want) {
		t.Errorf("error %q does not mention %q", msg, want)
	}
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("error %q is more than one line", msg)
	}
	if r := []rune(msg)[0]; unicode.IsUpper(r) {
		t.Errorf("error %q does not start in lowercase", msg)
	}
}

func TestDecodeRefusesEachBadFileSayingWhatIsWrong(t *testing.T) {
	for _, c := range badFiles() {
		t.Run(c.name, func(t *testing.T) {
			f, err := decodeBytes(c.file, c.size)
			if f != nil {
				t.Errorf("got a file %+v along with the error", f)
			}
			checkMessage(t, err, c.want)
		})
	}
}

func TestDecodeAcceptsEachGoodFile(t *testing.T) {
	for _, c := range goodFiles() {
		t.Run(c.name, func(t *testing.T) {
			f, err := Decode(bytes.NewReader(c.file), int64(len(c.file)))
			if err != nil {
				t.Fatal(err)
			}
			if f.Meta == nil {
				t.Error("Meta is nil, want an empty map")
			}
			if !maps.Equal(f.Meta, c.meta) {
				t.Errorf("Meta = %q, want %q", f.Meta, c.meta)
			}
			checkTensors(t, f.Tensors, c.tensors)
		})
	}
}

// checkTensors compares names, dtypes, shapes and the bits of every value.
func checkTensors(t *testing.T, got, want []Tensor) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d tensors %v, want %d", len(got), names(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Name != w.Name || g.DType != w.DType || !slices.Equal(g.Shape, w.Shape) {
			t.Errorf("tensor %d is %q %s %v, want %q %s %v", i, g.Name, g.DType, g.Shape, w.Name, w.DType, w.Shape)
		}
		if !sameBits(g.Data, w.Data) {
			t.Errorf("tensor %q holds %v, want %v", g.Name, g.Data, w.Data)
		}
	}
}

func names(ts []Tensor) []string {
	var s []string
	for _, t := range ts {
		s = append(s, t.Name)
	}
	return s
}

// sameBits compares values bit for bit, so -0 ≠ +0 and NaN payloads count.
func sameBits(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}

func TestDecodeWidensF32Exactly(t *testing.T) {
	// Widening must not round, and must keep the sign of zero, infinities
	// and subnormals.
	vals := []float32{0, float32(math.Copysign(0, -1)), 1, -2.5, 1.0 / 3, math.MaxFloat32,
		math.SmallestNonzeroFloat32, 0x1p-126, float32(math.Inf(1)), float32(math.Inf(-1)), 16777215}
	file := raw(obj(ent("w", "F32", "[11]", 0, 44)), f32s(vals...))
	f, err := Decode(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	w, ok := f.Tensor("w")
	if !ok || w.DType != F32 || !slices.Equal(w.Shape, []int{11}) {
		t.Fatalf("tensor w = %+v, %v", w, ok)
	}
	for i, v := range vals {
		if got, want := math.Float64bits(w.Data[i]), math.Float64bits(float64(v)); got != want {
			t.Errorf("value %d: got %#x, want %#x", i, got, want)
		}
	}
	// The same, stated without float32 arithmetic.
	for i, want := range map[int]float64{
		3: -2.5, 4: 11184811.0 / (1 << 25), 5: 0x1.fffffep127, 6: 0x1p-149, 7: 0x1p-126, 10: 16777215,
	} {
		if w.Data[i] != want {
			t.Errorf("value %d widened to %g, want %g", i, w.Data[i], want)
		}
	}
	if !math.Signbit(w.Data[1]) || w.Data[1] != 0 {
		t.Errorf("-0 widened to %g", w.Data[1])
	}
}

func TestDecodeReportsNaNsFaithfully(t *testing.T) {
	// Non-finite values are not the format's business: they come back as
	// stored, payload and sign included, for the caller to judge.
	nans := []uint64{0x7ff8000000000000, 0xfff8000000000000, 0x7ff8000000000001, 0x7fffffffffffffff}
	var data []byte
	for _, n := range nans {
		data = append(data, f64s(math.Float64frombits(n))...)
	}
	file := raw(obj(ent("n", "F64", "[4]", 0, 32), ent("m", "F32", "[1]", 32, 36)), data, f32s(math.Float32frombits(0xffc00001)))
	f, err := Decode(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	n, _ := f.Tensor("n")
	for i, want := range nans {
		if got := math.Float64bits(n.Data[i]); got != want {
			t.Errorf("NaN %d came back as %#x, want %#x", i, got, want)
		}
	}
	m, _ := f.Tensor("m")
	// float32 0xffc00001 widens to the float64 with the same sign and payload.
	if got := math.Float64bits(m.Data[0]); got != 0xfff8000020000000 {
		t.Errorf("F32 NaN widened to %#x, want 0xfff8000020000000", got)
	}
}

func TestFileTensorFindsByName(t *testing.T) {
	f := &File{Tensors: []Tensor{{Name: "a"}, {Name: "b", Shape: []int{2}}}}
	for _, c := range []struct {
		name  string
		found bool
	}{{"a", true}, {"b", true}, {"c", false}, {"", false}} {
		got, ok := f.Tensor(c.name)
		if ok != c.found || ok && got.Name != c.name {
			t.Errorf("Tensor(%q) = %v, %v; want found=%v", c.name, got, ok, c.found)
		}
	}
	b, _ := f.Tensor("b")
	b.Shape[0] = 3
	if f.Tensors[1].Shape[0] != 3 {
		t.Error("Tensor does not alias f.Tensors")
	}
}

func TestDecodedDataCannotBeAppendedIntoANeighbour(t *testing.T) {
	file := raw(obj(ent("a", "F64", "[1]", 0, 8), ent("b", "F64", "[1]", 8, 16)), f64s(1, 2))
	f, err := Decode(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	_ = append(f.Tensors[0].Data, 99)
	if f.Tensors[1].Data[0] != 2 {
		t.Errorf("appending to a overwrote b: %v", f.Tensors[1].Data)
	}
}

// shortReader claims more bytes than it has, like a file truncated after its
// size was taken.
type shortReader struct {
	b   []byte
	err error // returned once the bytes run out; nil means io.EOF
}

func (s shortReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(s.b)) {
		return 0, s.orEOF()
	}
	n := copy(p, s.b[off:])
	if n < len(p) {
		return n, s.orEOF()
	}
	return n, nil
}

func (s shortReader) orEOF() error {
	if s.err != nil {
		return s.err
	}
	return io.EOF
}

func TestDecodeReportsAFileShorterThanItsSize(t *testing.T) {
	file := raw(obj(ent("a", "F64", "[2]", 0, 16)), f64s(1, 2))
	errDisk := errors.New("input/output error")
	for _, c := range []struct {
		name string
		r    shortReader
		size int64
		want string
		is   error
	}{
		{"a file that ends inside the length prefix", shortReader{b: file[:4]}, int64(len(file)),
			"reading the header length: file ends at byte 4, before its stated size of 79 bytes", io.ErrUnexpectedEOF},
		{"a file that ends inside the header", shortReader{b: file[:20]}, int64(len(file)),
			"reading the header: file ends at byte 20", io.ErrUnexpectedEOF},
		{"a file that ends inside the data", shortReader{b: file[:len(file)-3]}, int64(len(file)),
			`reading tensor "a": file ends at byte 76, before its stated size of 79 bytes`, io.ErrUnexpectedEOF},
		{"a read error is passed on", shortReader{b: file[:len(file)-3], err: errDisk}, int64(len(file)),
			`reading tensor "a": input/output error`, errDisk},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode(c.r, c.size)
			checkMessage(t, err, c.want)
			if !errors.Is(err, c.is) {
				t.Errorf("error %v does not wrap %v", err, c.is)
			}
		})
	}
}

func TestDecodeReadsDataLargerThanOneChunk(t *testing.T) {
	// Tensors bigger than the copy buffer, one of them straddling chunks at
	// an odd element offset, come back intact.
	a := make([]float64, chunkLen/8+3)
	b := make([]float32, 2*8197) // chunkLen/4 is 16384
	for i := range a {
		a[i] = float64(i) * 1.5
	}
	for i := range b {
		b[i] = float32(i) / 3
	}
	file := raw(obj(ent("b", "F32", "[2,8197]", 0, 4*len(b)), ent("a", "F64", "[8195]", 4*len(b), 4*len(b)+8*len(a))),
		f32s(b...), f64s(a...))
	f, err := Decode(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	ta, _ := f.Tensor("a")
	tb, _ := f.Tensor("b")
	if !sameBits(ta.Data, a) {
		t.Error("F64 tensor over several chunks came back changed")
	}
	for i, v := range b {
		if tb.Data[i] != float64(v) {
			t.Fatalf("F32 value %d: got %v, want %v", i, tb.Data[i], v)
		}
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	t.Run("a missing file is an os error naming the path", func(t *testing.T) {
		_, err := ReadFile(dir + "/missing.safetensors")
		checkMessage(t, err, "missing.safetensors: no such file or directory")
	})
	t.Run("a folder is not a regular file", func(t *testing.T) {
		_, err := ReadFile(dir)
		checkMessage(t, err, dir+": not a regular file")
	})
	t.Run("a bad file's error starts with its path", func(t *testing.T) {
		path := dir + "/short.safetensors"
		if err := os.WriteFile(path, []byte{1, 2, 3}, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadFile(path)
		checkMessage(t, err, path+": file is 3 bytes, too short for a safetensors header")
	})
}
