package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func FuzzDecode(f *testing.F) {
	for _, c := range badFiles() {
		if c.size == 0 {
			f.Add(c.file)
		}
	}
	for _, c := range goodFiles() {
		f.Add(c.file)
	}
	golden, err := os.ReadFile("testdata/torch_small.safetensors")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	var buf bytes.Buffer
	if err := Encode(&buf, []Tensor{
		{Name: "specials", Shape: []int{len(specials())}, Data: specials()},
		{Name: "m", Shape: []int{2, 0, 3}},
		{Name: "s", Data: []float64{1}},
	}, map[string]string{"vocab": `["a","\uFFFD"]`}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Decode(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if msg := err.Error(); msg == "" || strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("error %q is not one line", msg)
			}
			return
		}
		checkAgainstEncodingJSON(t, b, file)
		checkReencodes(t, file)
	})
}

// checkAgainstEncodingJSON checks an accepted file against what Go's
// encoding/json and the raw bytes say it holds.
func checkAgainstEncodingJSON(t *testing.T, b []byte, file *File) {
	t.Helper()
	n := binary.LittleEndian.Uint64(b)
	header := b[8 : 8+n]
	if !json.Valid(header) {
		t.Fatalf("accepted a header encoding/json calls invalid: %q", header)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(header, &top); err != nil {
		t.Fatalf("accepted a header that is not an object: %v", err)
	}
	rawMeta, hasMeta := top["__metadata__"]
	delete(top, "__metadata__")
	if len(top) != len(file.Tensors) { // Go keeps one of each duplicate
		t.Fatalf("encoding/json sees %d tensors, Decode %d", len(top), len(file.Tensors))
	}
	var meta map[string]string
	if hasMeta {
		if err := json.Unmarshal(rawMeta, &meta); err != nil {
			t.Fatalf("__metadata__: %v", err)
		}
	}
	if !maps.Equal(meta, file.Meta) {
		t.Fatalf("encoding/json reads metadata %q, Decode %q", meta, file.Meta)
	}
	dataStart := 8 + int(n)
	for _, tn := range file.Tensors {
		var e struct {
			DType       string   `json:"dtype"`
			Shape       []int    `json:"shape"`
			DataOffsets [2]int64 `json:"data_offsets"`
		}
		if err := json.Unmarshal(top[tn.Name], &e); err != nil {
			t.Fatalf("tensor %q: %v", tn.Name, err)
		}
		if DType(e.DType) != tn.DType || !slices.Equal(e.Shape, tn.Shape) {
			t.Fatalf("tensor %q: encoding/json reads %s %v, Decode %s %v", tn.Name, e.DType, e.Shape, tn.DType, tn.Shape)
		}
		data := b[dataStart+int(e.DataOffsets[0]) : dataStart+int(e.DataOffsets[1])]
		for i, v := range tn.Data {
			var want float64
			if tn.DType == F64 {
				want = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
			} else {
				want = float64(math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:])))
			}
			if math.Float64bits(v) != math.Float64bits(want) {
				t.Fatalf("tensor %q value %d: %#x, bytes say %#x", tn.Name, i, math.Float64bits(v), math.Float64bits(want))
			}
		}
	}
}

// checkReencodes encodes an accepted file, decodes it again and expects the
// same tensors (as F64) and metadata, and the same bytes on a second encode.
func checkReencodes(t *testing.T, file *File) {
	t.Helper()
	var once bytes.Buffer
	if err := Encode(&once, file.Tensors, file.Meta); err != nil {
		t.Fatalf("cannot re-encode an accepted file: %v", err)
	}
	again, err := Decode(bytes.NewReader(once.Bytes()), int64(once.Len()))
	if err != nil {
		t.Fatalf("cannot decode a re-encoded file: %v", err)
	}
	want := slices.Clone(file.Tensors)
	for i := range want {
		want[i].DType = F64
	}
	checkTensors(t, again.Tensors, want)
	if !maps.Equal(again.Meta, file.Meta) {
		t.Fatalf("metadata %q came back as %q", file.Meta, again.Meta)
	}
	var twice bytes.Buffer
	if err := Encode(&twice, again.Tensors, again.Meta); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(once.Bytes(), twice.Bytes()) {
		t.Fatal("encoding is not deterministic")
	}
}

// allocPerDecode is the bytes Decode allocates per call for a file of size
// bytes (b followed by zeros).
func allocPerDecode(b []byte, size int64) uint64 {
	const calls = 10
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range calls {
		decodeBytes(b, size)
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / calls
}

// hostileFiles are valid or nearly valid files built to make a decoder
// allocate as much as possible per byte of input.
func hostileFiles() []badFile {
	var files []badFile
	add := func(name string, file []byte) { files = append(files, badFile{name: name, file: file}) }

	claim := withLength(maxHeaderLen, append([]byte(`{"a":`), zeros(1011)...))
	add("a 1 KB file claiming a 100 MB header", claim)
	add("a 1 KB file whose header claims a terabyte tensor",
		raw(obj(ent("a", "F64", "[1000000,1000000]", 0, 8000000000000)), zeros(1024-85)))

	var meta []string
	for i := range 60000 {
		meta = append(meta, fmt.Sprintf(`%q:""`, strconv.FormatInt(int64(i), 36)))
	}
	add("60,000 metadata entries with short keys", raw(`{"__metadata__":{`+strings.Join(meta, ",")+`}}`))

	add("a tensor of rank 200,000", raw(obj(`"a":{"dtype":"F64","shape":[`+
		strings.Repeat("1,", 199999)+`1],"data_offsets":[0,8]}`), f64s(1)))

	var many []string
	for i := range 20000 {
		many = append(many, fmt.Sprintf(`%q:{"dtype":"F64","shape":[0],"data_offsets":[0,0]}`, strconv.FormatInt(int64(i), 36)))
	}
	add("20,000 zero-size tensors", raw("{"+strings.Join(many, ",")+"}"))

	var escaped []string
	for i := range 5000 {
		escaped = append(escaped, fmt.Sprintf(`"\u0061%d":{"dtype":"F32","shape":[1],"data_offsets":[%d,%d]}`, i, 4*i, 4*i+4))
	}
	add("5,000 escaped names over F32 data", raw("{"+strings.Join(escaped, ",")+"}", zeros(4*5000)))

	long := `\n` + strings.Repeat("x", 1<<20)
	add("a megabyte-long name and metadata value with one escape each",
		raw(`{"__metadata__":{"k":"`+long+`"},"`+long+`":{"dtype":"F64","shape":[0],"data_offsets":[0,0]}}`))

	add("a megabyte of F32 data", raw(obj(ent("a", "F32", "[262144]", 0, 1<<20)), zeros(1<<20)))
	return files
}

func TestDecodeAllocatesInProportionToTheFile(t *testing.T) {
	// Bound: 8 bytes per byte of file plus a small constant, whatever the
	// header claims, plus what Go's map costs for the metadata. A map entry
	// takes up to ~88 bytes even with an exact size hint (measured on Go 1.26)
	// while a header spends as little as 8 bytes on one, so a header that is
	// all metadata costs up to ~11 bytes per byte. Ratios are logged with -v.
	const perByte, perMeta, constant = 8, 96, 4096
	cases := append(hostileFiles(), badFiles()...)
	for _, c := range goodFiles() {
		cases = append(cases, badFile{name: c.name, file: c.file})
	}
	for _, c := range cases {
		size := max(c.size, int64(len(c.file)))
		got := allocPerDecode(c.file, size)
		var metas int
		if f, err := decodeBytes(c.file, size); err == nil {
			metas = len(f.Meta)
		}
		if limit := uint64(perByte*size + perMeta*int64(metas) + constant); got > limit {
			t.Errorf("%s: %d bytes allocated for a %d-byte file with %d metadata entries, over %d",
				c.name, got, size, metas, limit)
		}
		if size > 10000 {
			t.Logf("%s: %d bytes allocated for a %d-byte file (%.2f per byte)", c.name, got, size, float64(got)/float64(size))
		}
	}
}
