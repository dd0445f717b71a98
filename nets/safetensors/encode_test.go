package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"maps"
	"math"
	"strings"
	"testing"
)

// specials are float64 values a checkpoint must keep bit for bit.
func specials() []float64 {
	return []float64{
		0, math.Copysign(0, -1), 1, -1, math.Pi,
		math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 0x1.fffffffffffffp-1023, // subnormals
		0x1p-1022, math.MaxFloat64, -math.MaxFloat64,
		math.Inf(1), math.Inf(-1),
		math.Float64frombits(0x7ff8000000000000), // the usual quiet NaN
		math.Float64frombits(0xfff8000000000000), // negative NaN
		math.Float64frombits(0x7ff8000000000123), // quiet NaN with a payload
		math.Float64frombits(0x7ff0000000000001), // signalling NaN
	}
}

func TestEncodeThenDecodeGivesBackTheSameTensors(t *testing.T) {
	ramp := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i)/7 - 1
		}
		return v
	}
	for _, c := range []struct {
		name    string
		tensors []Tensor
		meta    map[string]string
	}{
		{name: "nothing at all"},
		{name: "only metadata", meta: map[string]string{"format": "rnnscope/1", "": "empty key", "x": ""}},
		{name: "a checkpoint-shaped set with metadata", tensors: []Tensor{
			{Name: "rnn.weight_ih_l0", Shape: []int{12, 5}, Data: ramp(60)},
			{Name: "rnn.weight_hh_l0", Shape: []int{12, 3}, Data: ramp(36)},
			{Name: "rnn.bias_ih_l0", Shape: []int{12}, Data: ramp(12)},
			{Name: "rnn.bias_hh_l0", Shape: []int{12}, Data: ramp(12)},
			{Name: "head.weight", Shape: []int{5, 3}, Data: ramp(15)},
			{Name: "head.bias", Shape: []int{5}, Data: ramp(5)},
		}, meta: map[string]string{
			"format": "rnnscope/1", "cell": "lstm", "hidden": "3", "layers": "1",
			"vocab": `["a","b","\"","\\","\uFFFD"]`, "step": "1200",
		}},
		{name: "special values keep their bits", tensors: []Tensor{
			{Name: "specials", Shape: []int{len(specials())}, Data: specials()},
		}},
		{name: "scalars, empty and zero-size tensors", tensors: []Tensor{
			{Name: "scalar", Shape: []int{}, Data: []float64{2.5}},
			{Name: "nil shape is a scalar too", Data: []float64{-0.5}},
			{Name: "empty", Shape: []int{0}, Data: []float64{}},
			{Name: "zero rows", Shape: []int{0, 7}, Data: nil},
			{Name: "rank 4", Shape: []int{1, 2, 1, 3}, Data: ramp(6)},
		}},
		{name: "names and metadata that need escaping", tensors: []Tensor{
			{Name: "quote\" backslash\\ newline\n tab\t nul\x00 del\x7f", Shape: []int{1}, Data: []float64{1}},
			{Name: "é 😀 \u2028", Shape: []int{1}, Data: []float64{2}},
			{Name: "__metadata", Shape: []int{1}, Data: []float64{3}},
		}, meta: map[string]string{"ctl\x01\x1f": "\b\f\r", "😀": "</script>&"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Encode(&buf, c.tensors, c.meta); err != nil {
				t.Fatal(err)
			}
			f, err := Decode(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			want := make([]Tensor, len(c.tensors))
			for i, tn := range c.tensors {
				// Encode lays tensors out in the order given and always writes F64.
				want[i] = Tensor{Name: tn.Name, DType: F64, Shape: tn.Shape, Data: tn.Data}
			}
			// Zero-size tensors at the same offset come back by name; the
			// tables above give them in that order.
			checkTensors(t, f.Tensors, want)
			if !maps.Equal(f.Meta, c.meta) {
				t.Errorf("Meta = %q, want %q", f.Meta, c.meta)
			}
		})
	}
}

func TestEncodeLayout(t *testing.T) {
	tensors := []Tensor{
		{Name: "z", DType: F32, Shape: []int{2}, Data: []float64{1, 2}}, // DType is ignored: written as F64
		{Name: "a", Shape: []int{1}, Data: []float64{3}},
	}
	var buf bytes.Buffer
	if err := Encode(&buf, tensors, map[string]string{"m": "v"}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	n := binary.LittleEndian.Uint64(b)
	header := string(b[8 : 8+n])
	t.Run("the header lists keys sorted, __metadata__ among them, compactly", func(t *testing.T) {
		want := `{"__metadata__":{"m":"v"},` +
			`"a":{"dtype":"F64","shape":[1],"data_offsets":[16,24]},` +
			`"z":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}`
		if strings.TrimRight(header, " ") != want {
			t.Errorf("header\n%s\nwant\n%s", header, want)
		}
	})
	t.Run("the header is padded with spaces to a multiple of 8 bytes", func(t *testing.T) {
		if n%8 != 0 || len(header)-len(strings.TrimRight(header, " ")) >= 8 {
			t.Errorf("header length %d, %q", n, header)
		}
	})
	t.Run("the data is laid out in the order given, as little-endian F64", func(t *testing.T) {
		if got, want := b[8+n:], f64s(1, 2, 3); !bytes.Equal(got, want) {
			t.Errorf("data % x, want % x", got, want)
		}
	})
}

func TestEncodeMatchesUpstreamTestVectors(t *testing.T) {
	// Bytes from upstream safetensors' own tests (tensor.rs, test_empty).
	for _, c := range []struct {
		name string
		meta map[string]string
		want []byte
	}{
		{"no tensors and no metadata", nil,
			[]byte{8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32}},
		{"no tensors and one metadata entry", map[string]string{"framework": "pt"},
			[]byte{40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
				95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
				116, 34, 125, 125, 32, 32, 32, 32, 32}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Encode(&buf, nil, c.meta); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), c.want) {
				t.Errorf("got  %q\nwant %q", buf.Bytes(), c.want)
			}
		})
	}
	t.Run("upstream's serialized F32 tensor decodes", func(t *testing.T) {
		// test_serialization: attn.0, F32, shape [1 2 3], values 0..5.
		file := raw(`{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}`, f32s(0, 1, 2, 3, 4, 5))
		if file[0] != 64 {
			t.Fatalf("header length %d, upstream's is 64", file[0])
		}
		f, err := Decode(bytes.NewReader(file), int64(len(file)))
		if err != nil {
			t.Fatal(err)
		}
		checkTensors(t, f.Tensors, []Tensor{{Name: "attn.0", DType: F32, Shape: []int{1, 2, 3}, Data: []float64{0, 1, 2, 3, 4, 5}}})
	})
}

// failWriter counts what it is given and fails on every write.
type failWriter struct{ writes int }

func (w *failWriter) Write(p []byte) (int, error) {
	w.writes++
	return 0, errors.New("disk full")
}

func TestEncodeRefusesBadTensorsBeforeWriting(t *testing.T) {
	for _, c := range []struct {
		name    string
		tensors []Tensor
		meta    map[string]string
		want    string
	}{
		{"a tensor with fewer values than its shape needs",
			[]Tensor{{Name: "w", Shape: []int{4, 4}, Data: make([]float64, 15)}}, nil,
			`tensor "w": has 15 values, shape [4 4] needs 16`},
		{"a tensor with more values than its shape needs",
			[]Tensor{{Name: "b", Shape: []int{}, Data: make([]float64, 2)}}, nil,
			`tensor "b": has 2 values, shape [] needs 1`},
		{"a negative dimension", []Tensor{{Name: "w", Shape: []int{2, -2}, Data: make([]float64, 4)}}, nil,
			`tensor "w": shape [2 -2] has a negative dimension`},
		{"a shape too large", []Tensor{{Name: "w", Shape: []int{1 << 62, 4}}}, nil,
			`tensor "w": shape [4611686018427387904 4] is too large`},
		{"an empty name", []Tensor{{Name: "a", Data: []float64{1}}, {Data: []float64{1}}}, nil,
			"tensor 1 has an empty name"},
		{"a duplicate name", []Tensor{{Name: "a", Data: []float64{1}}, {Name: "a", Data: []float64{1}}}, nil,
			`duplicate tensor name "a"`},
		{"a tensor called __metadata__", []Tensor{{Name: "__metadata__", Data: []float64{1}}}, nil,
			`tensor name "__metadata__" is reserved for metadata`},
		{"a name that is not UTF-8", []Tensor{{Name: "a\xff", Data: []float64{1}}}, nil,
			`tensor name "a\xff" is not valid UTF-8`},
		{"a metadata key that is not UTF-8", nil, map[string]string{"k\xc0": "v"},
			`metadata key "k\xc0" is not valid UTF-8`},
		{"a metadata value that is not UTF-8", nil, map[string]string{"k": "\xed\xa0\x80"},
			`metadata value for "k" is not valid UTF-8`},
		{"a header over the 100,000,000-byte limit", nil, map[string]string{"big": strings.Repeat("x", maxHeaderLen)},
			"header would be at least 100000027 bytes, over the limit of 100000000"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var w failWriter
			err := Encode(&w, c.tensors, c.meta)
			checkMessage(t, err, c.want)
			if w.writes != 0 {
				t.Errorf("Encode wrote %d times before refusing", w.writes)
			}
		})
	}
}

func TestEncodeCountsTheLimitAfterQuoting(t *testing.T) {
	// {"__metadata__":{"k":"\n\n\n"}} is 31 bytes, 32 padded; one more
	// escaped newline makes 33, padded to 40.
	meta := map[string]string{"k": "\n\n\n"}
	if _, err := encodeHeaderUpTo(nil, meta, 32); err != nil {
		t.Errorf("a 32-byte header under a 32-byte limit: %v", err)
	}
	_, err := encodeHeaderUpTo(nil, map[string]string{"k": "\n\n\n\n"}, 32)
	checkMessage(t, err, "header would be 40 bytes, over the limit of 32")
}

func TestEncodePassesOnWriteErrors(t *testing.T) {
	err := Encode(&failWriter{}, []Tensor{{Name: "a", Data: []float64{1}}}, nil)
	checkMessage(t, err, "writing the header: disk full")
}
