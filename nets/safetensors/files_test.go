package safetensors

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// Hand-built files for the tests and the fuzz seeds.

// raw assembles a file from a header exactly as given (no padding) and data.
func raw(header string, data ...[]byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	for _, d := range data {
		b = append(b, d...)
	}
	return b
}

// withLength assembles a file whose length prefix is n, whatever follows.
func withLength(n uint64, rest []byte) []byte {
	return append(binary.LittleEndian.AppendUint64(nil, n), rest...)
}

// f64s and f32s are values as little-endian bytes.
func f64s(vs ...float64) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

func f32s(vs ...float32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

// zeros is n zero bytes.
func zeros(n int) []byte { return make([]byte, n) }

// ent is one header entry, `"name":{"dtype":…,"shape":…,"data_offsets":[b,e]}`.
func ent(name, dtype, shape string, begin, end int) string {
	return fmt.Sprintf(`%q:{"dtype":%q,"shape":%s,"data_offsets":[%d,%d]}`, name, dtype, shape, begin, end)
}

// obj joins entries into a header object.
func obj(entries ...string) string { return "{" + strings.Join(entries, ",") + "}" }

type badFile struct {
	name string
	file []byte
	size int64  // if > len(file), Decode sees a file this long, zeros after file
	want string // the error mentions this
}

// badFiles has one handcrafted file for every rule Decode enforces.
func badFiles() []badFile {
	ok := ent("a", "F64", "[1]", 0, 8) // a valid entry to sit beside a bad one
	bad := []badFile{
		{name: "an empty file is too short", file: nil,
			want: "file is 0 bytes, too short for a safetensors header"},
		{name: "a file of 5 bytes is too short", file: []byte{1, 0, 0, 0, 0},
			want: "file is 5 bytes, too short for a safetensors header"},
		{name: "a header length past the end of the file is refused", file: withLength(1<<32, zeros(1016)),
			want: "header length 4294967296 exceeds the file (1024 bytes)"},
		{name: "a header length one byte past the end of the file is refused", file: withLength(3, []byte("{}")),
			want: "header length 3 exceeds the file (10 bytes)"},
		{name: "a header length of 2^64-1 is refused", file: withLength(math.MaxUint64, []byte("{}")),
			want: "header length 18446744073709551615 exceeds the file"},
		{name: "a header longer than 100,000,000 bytes is refused even in a file that big",
			file: withLength(100_000_001, []byte("{}")), size: 200_000_000,
			want: "header length 100000001 is over the limit of 100000000 bytes"},
		{name: "an empty header is not an object", file: raw(""),
			want: "header is not a JSON object: it is empty"},
		{name: "a header that is not UTF-8 is refused", file: raw("{\"a\xff\":{}}"),
			want: "header is not valid UTF-8 (bad byte 0xff at byte 3)"},
		{name: "a header that is a JSON array is not an object", file: raw(`[1,2]`),
			want: `header is not a JSON object: it starts with '['`},
		{name: "a header that is a JSON string is not an object", file: raw(`"{}"`),
			want: "header is not a JSON object"},
		{name: "a header with leading spaces is refused: it must start with {", file: raw(` {}`),
			want: `header is not a JSON object: it starts with ' '`},
		{name: "garbage after the object is refused", file: raw(`{}x`),
			want: `header has 'x' at byte 2 after the JSON object (only spaces may pad it)`},
		{name: "a newline after the object is refused: only spaces may pad", file: raw("{}  \n"),
			want: `header has '\n' at byte 4 after the JSON object`},
		{name: "a second object after the first is refused", file: raw(`{}{}`),
			want: "after the JSON object"},
		{name: "a header cut short is not valid JSON", file: raw(`{"a":{"dtype":"F64"`),
			want: "header is not valid JSON: want ',' or '}', found the end of the header"},
		{name: "a trailing comma is not valid JSON", file: raw(obj(ok)[:len(obj(ok))-1]+",}", zeros(8)),
			want: `header is not valid JSON: want a string key at byte 54, found '}'`},
		{name: "an unquoted key is not valid JSON", file: raw(`{a:1}`),
			want: `header is not valid JSON: want a string key at byte 1, found 'a'`},
		{name: "a missing colon is not valid JSON", file: raw(`{"a" {}}`),
			want: `header is not valid JSON: want ':' at byte 5`},
		{name: "an unclosed string is not valid JSON", file: raw(`{"abc`),
			want: "header is not valid JSON: the string at byte 1 is not closed"},
		{name: "a raw newline inside a name is not valid JSON", file: raw("{\"a\nb\":{}}"),
			want: "raw control character 0x0a in a string at byte 3"},
		{name: "an unknown escape is not valid JSON", file: raw(`{"a\x41":{}}`),
			want: `header has an unknown escape '\\''x' in a string at byte 3`},
		{name: "a short \\u escape is not valid JSON", file: raw(`{"a\u12":{}}`),
			want: `a \u escape without 4 hex digits`},
		{name: "a lone surrogate in a name is refused as serde_json does", file: raw(`{"\ud800":{}}`),
			want: `header has a lone surrogate \ud800 in a string at byte 2`},
		{name: "a low surrogate first is refused", file: raw(`{"\udc00\ud800":{}}`),
			want: `a lone surrogate \udc00`},
		{name: "a number with a leading zero is not valid JSON",
			file: raw(obj(`"a":{"dtype":"F64","shape":[01],"data_offsets":[0,8]}`), zeros(8)),
			want: `header is not valid JSON: want ',' or ']' at byte 30, found '1'`},
		{name: "a minus sign alone is not valid JSON",
			file: raw(obj(`"a":{"dtype":"F64","shape":[-],"data_offsets":[0,8]}`), zeros(8)),
			want: "header is not valid JSON: want a digit at byte 30, found ']'"},
		{name: "a fraction without digits is not valid JSON",
			file: raw(obj(`"a":{"dtype":"F64","shape":[1.],"data_offsets":[0,8]}`), zeros(8)),
			want: "header is not valid JSON: want a digit"},
		{name: "an exponent without digits is not valid JSON",
			file: raw(obj(`"a":{"dtype":"F64","shape":[1e+],"data_offsets":[0,8]}`), zeros(8)),
			want: "header is not valid JSON: want a digit"},

		{name: "a duplicate tensor name is refused", file: raw(obj(
			ent("head.bias", "F64", "[1]", 0, 8), ent("head.bias", "F64", "[1]", 8, 16)), zeros(16)),
			want: `duplicate key "head.bias" in header`},
		{name: "a duplicate tensor name spelled with an escape is refused", file: raw(obj(
			ent("head.bias", "F64", "[1]", 0, 8), `"head.bia\u0073":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}`), zeros(16)),
			want: `duplicate key "head.bias" in header`},
		{name: "a second __metadata__ is refused",
			file: raw(`{"__metadata__":{"a":"1"},"__metadata__":{"b":"2"}}`),
			want: `duplicate key "__metadata__" in header`},
		{name: "a duplicate key inside __metadata__ is refused",
			file: raw(`{"__metadata__":{"step":"1","cell":"gru","step":"2"}}`),
			want: `duplicate key "step" in __metadata__`},
		{name: "a metadata value that is a number is refused", file: raw(`{"__metadata__":{"step":12}}`),
			want: `__metadata__ value for "step" is not a string`},
		{name: "a metadata value that is null is refused", file: raw(`{"__metadata__":{"step":null}}`),
			want: `__metadata__ value for "step" is not a string`},
		{name: "a metadata value that is an object is refused", file: raw(`{"__metadata__":{"vocab":{"a":"b"}}}`),
			want: `__metadata__ value for "vocab" is not a string`},
		{name: "metadata that is an array is refused", file: raw(`{"__metadata__":["a"]}`),
			want: "__metadata__ is not an object of strings"},
		{name: "metadata that is a string is refused", file: raw(`{"__metadata__":"a"}`),
			want: "__metadata__ is not an object of strings"},

		{name: "an empty tensor name is refused", file: raw(obj(ent("", "F64", "[1]", 0, 8)), zeros(8)),
			want: "header has a tensor with an empty name"},
		{name: "an entry that is an array is refused", file: raw(`{"a":[0,8]}`, zeros(8)),
			want: `tensor "a": want an object with dtype, shape and data_offsets`},
		{name: "an entry that is null is refused", file: raw(`{"a":null}`),
			want: `tensor "a": want an object with dtype, shape and data_offsets`},
		{name: "an entry without shape is refused", file: raw(`{"a":{"dtype":"F64","data_offsets":[0,8]}}`, zeros(8)),
			want: `tensor "a": missing field "shape"`},
		{name: "an entry without dtype is refused", file: raw(`{"a":{"shape":[1],"data_offsets":[0,8]}}`, zeros(8)),
			want: `tensor "a": missing field "dtype"`},
		{name: "an empty entry is refused", file: raw(`{"a":{}}`),
			want: `tensor "a": missing field "dtype"`},
		{name: "an entry without data_offsets is refused", file: raw(`{"a":{"dtype":"F64","shape":[1]}}`, zeros(8)),
			want: `tensor "a": missing field "data_offsets"`},
		{name: "an entry with an extra field is refused",
			file: raw(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8],"requires_grad":false}}`, zeros(8)),
			want: `tensor "a": unexpected field "requires_grad" (want dtype, shape and data_offsets)`},
		{name: "field names are case-sensitive", file: raw(`{"a":{"DType":"F64","shape":[1],"data_offsets":[0,8]}}`, zeros(8)),
			want: `tensor "a": unexpected field "DType"`},
		{name: "an entry with dtype twice is refused",
			file: raw(`{"a":{"dtype":"F64","shape":[1],"dtype":"F64","data_offsets":[0,8]}}`, zeros(8)),
			want: `tensor "a": duplicate field "dtype"`},
		{name: "a dtype that is not a string is refused", file: raw(`{"a":{"dtype":64,"shape":[1],"data_offsets":[0,8]}}`, zeros(8)),
			want: `tensor "a": dtype is not a string`},
		{name: "a shape that is not an array is refused", file: raw(`{"a":{"dtype":"F64","shape":1,"data_offsets":[0,8]}}`, zeros(8)),
			want: `tensor "a": shape is not an array of non-negative integers`},
		{name: "a shape holding a string is refused", file: raw(obj(ent("a", "F64", `["1"]`, 0, 8)), zeros(8)),
			want: `tensor "a": shape is not an array of non-negative integers`},
		{name: "a shape holding an array is refused", file: raw(obj(ent("a", "F64", `[[1]]`, 0, 8)), zeros(8)),
			want: `tensor "a": shape is not an array of non-negative integers`},
		{name: "a negative dimension is refused", file: raw(obj(ent("a", "F64", "[2,-1]", 0, 8)), zeros(8)),
			want: `tensor "a": shape holds -1, not a non-negative integer`},
		{name: "minus zero is not a non-negative integer (serde_json reads it as a float)",
			file: raw(obj(ent("a", "F64", "[-0]", 0, 0))), want: `tensor "a": shape holds -0, not a non-negative integer`},
		{name: "a dimension written as 1.0 is refused", file: raw(obj(ent("a", "F64", "[1.0]", 0, 8)), zeros(8)),
			want: `tensor "a": shape holds 1.0, not a non-negative integer`},
		{name: "a dimension written as 1e0 is refused", file: raw(obj(ent("a", "F64", "[1e0]", 0, 8)), zeros(8)),
			want: `tensor "a": shape holds 1e0, not a non-negative integer`},
		{name: "a dimension too large for an int is refused", file: raw(obj(ent("a", "F64", "[9223372036854775808]", 0, 8)), zeros(8)),
			want: `tensor "a": shape holds 9223372036854775808, which is too large`},
		{name: "data_offsets that are not an array are refused", file: raw(`{"a":{"dtype":"F64","shape":[1],"data_offsets":"0-8"}}`, zeros(8)),
			want: `tensor "a": data_offsets is not an array [begin, end] of non-negative integers`},
		{name: "data_offsets with three numbers are refused", file: raw(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8,16]}}`, zeros(8)),
			want: `tensor "a": data_offsets has 3 numbers, want 2 (begin and end)`},
		{name: "data_offsets with one number are refused", file: raw(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[8]}}`, zeros(8)),
			want: `tensor "a": data_offsets has 1 numbers, want 2`},
		{name: "empty data_offsets are refused", file: raw(`{"a":{"dtype":"F64","shape":[0],"data_offsets":[]}}`),
			want: `tensor "a": data_offsets has 0 numbers, want 2`},
		{name: "a negative offset is refused", file: raw(obj(ent("a", "F64", "[1]", -8, 0)), zeros(8)),
			want: `tensor "a": data_offsets holds -8, not a non-negative integer`},
		{name: "an offset too large for an int is refused",
			file: raw(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,99999999999999999999]}}`, zeros(8)),
			want: `tensor "a": data_offsets holds 99999999999999999999, which is too large`},
		{name: "offsets that end before they begin are refused", file: raw(obj(ent("a", "F64", "[1]", 8, 0)), zeros(8)),
			want: `tensor "a": data_offsets [8 0] end before they begin`},
		{name: "offsets past the data section are refused", file: raw(obj(ent("a", "F64", "[2]", 0, 16)), zeros(8)),
			want: `tensor "a": data_offsets [0 16] run past the data section (8 bytes)`},
		{name: "huge offsets in a small file are refused before anything is allocated",
			file: raw(obj(ent("a", "F64", "[1000000000000]", 0, 8000000000000)), zeros(8)),
			want: `tensor "a": data_offsets [0 8000000000000] run past the data section (8 bytes)`},
		{name: "a byte length that disagrees with the shape is refused",
			file: raw(obj(ent("rnn.weight_hh_l0", "F64", "[4,4]", 0, 100)), zeros(100)),
			want: `tensor "rnn.weight_hh_l0": data_offsets [0 100] hold 100 bytes, shape [4 4] of F64 needs 128`},
		{name: "an F32 byte length is 4 per element", file: raw(obj(ent("a", "F32", "[3]", 0, 24)), zeros(24)),
			want: `tensor "a": data_offsets [0 24] hold 24 bytes, shape [3] of F32 needs 12`},
		{name: "a scalar holds one element", file: raw(obj(ent("a", "F64", "[]", 0, 0))),
			want: `tensor "a": data_offsets [0 0] hold 0 bytes, shape [] of F64 needs 8`},
		{name: "a shape whose element count overflows is refused",
			file: raw(obj(ent("a", "F64", "[4294967296,4294967296,16]", 0, 8)), zeros(8)),
			want: `tensor "a": shape [4294967296 4294967296 16] has more elements than any file can hold`},
		{name: "a shape whose element count overflows before a zero dimension is refused, as upstream does",
			file: raw(obj(ent("a", "F64", "[4294967296,4294967296,0]", 0, 0))),
			want: `tensor "a": shape [4294967296 4294967296 0] has more elements than any file can hold`},
		{name: "a shape whose byte length overflows is refused",
			file: raw(obj(ent("a", "F64", "[2305843009213693952]", 0, 8)), zeros(8)),
			want: `tensor "a": shape [2305843009213693952] of F64 needs more bytes than any file can hold`},
		{name: "a shape that wraps to the right byte count is refused",
			file: raw(obj(ent("a", "F64", "[2305843009213693953]", 0, 8)), zeros(8)),
			want: `tensor "a": shape [2305843009213693953] of F64 needs more bytes than any file can hold`},
		{name: "an unknown dtype is refused", file: raw(obj(ent("a", "Q4", "[1]", 0, 8)), zeros(8)),
			want: `tensor "a": unknown dtype "Q4"`},
		{name: "dtypes are case-sensitive", file: raw(obj(ent("a", "f64", "[1]", 0, 8)), zeros(8)),
			want: `tensor "a": unknown dtype "f64"`},
		{name: "an empty dtype is unknown", file: raw(obj(ent("a", "", "[1]", 0, 8)), zeros(8)),
			want: `tensor "a": unknown dtype ""`},

		{name: "a gap between tensors is refused", file: raw(obj(
			ent("a", "F64", "[16]", 0, 128), ent("b", "F64", "[1]", 136, 144)), zeros(144)),
			want: "data section has a gap at bytes 128..136"},
		{name: "a gap at the start of the data section is refused", file: raw(obj(ent("a", "F64", "[1]", 8, 16)), zeros(16)),
			want: "data section has a gap at bytes 0..8"},
		{name: "bytes after the last tensor are refused", file: raw(obj(ent("a", "F64", "[1]", 0, 8)), zeros(12)),
			want: "data section has a gap at bytes 8..12"},
		{name: "data with no tensors is refused", file: raw(`{}`, zeros(8)),
			want: "data section has a gap at bytes 0..8"},
		{name: "overlapping tensors are refused", file: raw(obj(
			ent("a", "F64", "[2]", 0, 16), ent("b", "F64", "[2]", 8, 24)), zeros(24)),
			want: `tensors "a" at [0 16] and "b" at [8 24] overlap in the data section`},
		{name: "two tensors over the same bytes are refused", file: raw(obj(
			ent("a", "F64", "[1]", 0, 8), ent("b", "F64", "[1]", 0, 8)), zeros(8)),
			want: `tensors "a" at [0 8] and "b" at [0 8] overlap in the data section`},
		{name: "a zero-size tensor inside another is refused", file: raw(obj(
			ent("a", "F64", "[2]", 0, 16), ent("z", "F64", "[0]", 8, 8)), zeros(16)),
			want: `tensors "a" at [0 16] and "z" at [8 8] overlap in the data section`},
	}
	// Every dtype upstream defines besides F64 and F32 is known but refused.
	for _, d := range []string{"F16", "BF16", "I64", "U64", "I32", "U32", "I16", "U16", "I8", "U8", "BOOL",
		"F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "C64"} {
		bad = append(bad, badFile{
			name: "dtype " + d + " is refused as not supported",
			file: raw(obj(ent("w", d, "[1]", 0, 8)), zeros(8)),
			want: `tensor "w": dtype ` + d + ` is not supported (want F64 or F32)`,
		})
	}
	return bad
}

// goodFile is a file Decode must accept, with what it holds.
type goodFile struct {
	name    string
	file    []byte
	meta    map[string]string
	tensors []Tensor
}

func goodFiles() []goodFile {
	return []goodFile{
		{name: "an empty header with no data is an empty file", file: raw(`{}`)},
		{name: "an empty header padded with spaces is an empty file", file: raw(`{}      `)},
		{name: "null metadata is no metadata, as upstream reads it", file: raw(`{"__metadata__":null}`)},
		{name: "empty metadata is no metadata", file: raw(`{"__metadata__":{}}`)},
		{name: "metadata strings are unescaped",
			file: raw(`{"__metadata__":{"vocab":"[\"a\",\"\\uFFFD\"]","caf\u00e9":"\ud83d\ude00\t/\/"}}`),
			meta: map[string]string{"vocab": `["a","\uFFFD"]`, "café": "😀\t//"}},
		{name: "JSON whitespace may sit between tokens",
			file:    raw("{ \"a\" :\n\t{ \"shape\" : [ 2 ] ,\r\n \"data_offsets\":[ 0 , 16 ] , \"dtype\" : \"F64\" } }", f64s(1, 2)),
			tensors: []Tensor{{Name: "a", DType: F64, Shape: []int{2}, Data: []float64{1, 2}}}},
		{name: "the header need not be padded to a multiple of 8",
			file:    raw(obj(ent("a", "F32", "[1]", 0, 4)), f32s(0.5)),
			tensors: []Tensor{{Name: "a", DType: F32, Shape: []int{1}, Data: []float64{0.5}}}},
		{name: "escaped and non-ASCII names are decoded",
			file:    raw(obj(`"\u0068ead.w\u00e9ight\n":{"dtype":"F64","shape":[],"data_offsets":[0,8]}`), f64s(3)),
			tensors: []Tensor{{Name: "head.wéight\n", DType: F64, Shape: []int{}, Data: []float64{3}}}},
		{name: "tensors come back in data-offset order, whatever the header order",
			file: raw(obj(ent("b", "F64", "[1]", 8, 16), ent("z", "F64", "[0]", 16, 16), ent("a", "F64", "[1]", 0, 8),
				ent("y", "F64", "[0,5]", 16, 16), ent("c", "F32", "[2,1]", 16, 24)), f64s(1, 2), f32s(3, 4)),
			tensors: []Tensor{
				{Name: "a", DType: F64, Shape: []int{1}, Data: []float64{1}},
				{Name: "b", DType: F64, Shape: []int{1}, Data: []float64{2}},
				{Name: "y", DType: F64, Shape: []int{0, 5}, Data: []float64{}},
				{Name: "z", DType: F64, Shape: []int{0}, Data: []float64{}},
				{Name: "c", DType: F32, Shape: []int{2, 1}, Data: []float64{3, 4}},
			}},
		{name: "a zero-size tensor may sit at the very end",
			file: raw(obj(ent("a", "F64", "[1]", 0, 8), ent("e", "F32", "[3,0]", 8, 8)), f64s(-1)),
			tensors: []Tensor{
				{Name: "a", DType: F64, Shape: []int{1}, Data: []float64{-1}},
				{Name: "e", DType: F32, Shape: []int{3, 0}, Data: []float64{}},
			}},
		{name: "escaped field names and an escaped __metadata__ key mean what they spell",
			file:    raw(`{"\u005f_metadata__":{"a":"b"},"t":{"d\u0074ype":"F64","\u0073\u0068\u0061\u0070\u0065":[1],"data_offsets":[0,8]}}`, f64s(5)),
			meta:    map[string]string{"a": "b"},
			tensors: []Tensor{{Name: "t", DType: F64, Shape: []int{1}, Data: []float64{5}}}},
		{name: "a tensor may be called like a field",
			file:    raw(obj(ent("dtype", "F64", "[1]", 0, 8)), f64s(7)),
			tensors: []Tensor{{Name: "dtype", DType: F64, Shape: []int{1}, Data: []float64{7}}}},
	}
}
