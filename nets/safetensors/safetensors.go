// Package safetensors reads and writes safetensors files strictly; it knows
// nothing of networks.
//
// A file is an 8-byte little-endian header length N, N bytes of a UTF-8 JSON
// object (padded with trailing spaces), then the data section. The object maps
// each tensor name to {"dtype", "shape", "data_offsets"} (offsets relative to
// the data section) and may hold "__metadata__", an object of strings.
//
// Reading refuses what upstream safetensors refuses, and a little more: the
// header is at most 100,000,000 bytes and lies within the file; it is one JSON
// object with no duplicate names, starting with '{' and followed only by
// spaces; every entry has exactly the fields dtype, shape and data_offsets;
// every tensor's byte length is the product of its shape times its dtype size;
// the data offsets tile the data section from 0 to its end with no gap or
// overlap. Only F64 and F32 tensors are read (F32 is widened to float64
// exactly); other dtypes are recognised by name and refused. Non-finite values
// are not the format's business: they come back as stored, NaN payloads
// included. Every failure is one lowercase line saying what is wrong; nothing
// panics.
//
// Memory allocated while reading is bounded by the file's size, never by what
// the header claims: every size is checked against the real file before
// anything is allocated for it. A decode allocates at most 8 bytes per byte of
// file plus what Go's map needs for the metadata entries (up to ~90 bytes
// each).
//
// Writing always stores F64 so values survive bit for bit, with the header keys
// sorted and the header padded to a multiple of 8 bytes so the data is aligned.
package safetensors

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"slices"
	"strings"
)

// DType names a tensor's element type as the safetensors header spells it.
// Only F64 and F32 are readable. The other names upstream defines ("F16",
// "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2", ...)
// are recognised so the refusal can say "not supported"; any other string is
// an unknown dtype.
type DType string

// The readable dtypes.
const (
	F64 DType = "F64" // IEEE 754 binary64, little-endian
	F32 DType = "F32" // IEEE 754 binary32, little-endian; widened to float64 exactly
)

// maxHeaderLen is upstream's limit on the JSON header, in bytes.
const maxHeaderLen = 100_000_000

// chunkLen is the size of the buffer that data passes through on its way
// between the file and []float64, in bytes. It is a multiple of 8.
const chunkLen = 64 << 10

// Tensor is one named array of values.
type Tensor struct {
	Name  string
	DType DType     // as stored in the file; Encode ignores it and writes F64
	Shape []int     // row-major; empty for a scalar (one value)
	Data  []float64 // row-major values, len = product of Shape; F32 data is widened exactly
}

// File is a decoded safetensors file.
type File struct {
	// Meta is the header's "__metadata__". Decode never leaves it nil.
	Meta map[string]string
	// Tensors are in data-offset order: by begin, then end (so a zero-size
	// tensor comes before the tensor starting where it sits), then name. Their
	// Data share one backing array, each capped at its own length so appending
	// to one cannot overwrite another.
	Tensors []Tensor
}

// Tensor returns the tensor called name, or false if there is none. The
// pointer aliases f.Tensors.
func (f *File) Tensor(name string) (*Tensor, bool) {
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i], true
		}
	}
	return nil, false
}

// dtypeSize returns the size of one element of d in bytes, whether d is
// readable, and whether d is a dtype upstream defines at all. Sub-byte dtypes
// (F4, F6_*) report size 0: they are known but never readable.
func dtypeSize(d DType) (size int64, readable, known bool) {
	switch d {
	case F64:
		return 8, true, true
	case F32:
		return 4, true, true
	case "I64", "U64", "C64":
		return 8, false, true
	case "I32", "U32":
		return 4, false, true
	case "F16", "BF16", "I16", "U16":
		return 2, false, true
	case "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0":
		return 1, false, true
	case "F4", "F6_E2M3", "F6_E3M2":
		return 0, false, true
	}
	return 0, false, false
}

// ReadFile decodes the safetensors file at path. Errors about the contents
// start with the path.
func ReadFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	file, err := Decode(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return file, nil
}

// Decode reads a safetensors file of size bytes from r and validates it
// strictly (see the package comment). It reads only inside [0, size) and
// allocates at most a small multiple of size: the header is read only once its
// length is known to fit in the file, and tensor data only once every tensor's
// offsets are known to tile the data section.
func Decode(r io.ReaderAt, size int64) (*File, error) {
	if size < 8 {
		return nil, fmt.Errorf("file is %d bytes, too short for a safetensors header", size)
	}
	var prefix [8]byte
	if err := readAt(r, prefix[:], 0, size); err != nil {
		return nil, fmt.Errorf("reading the header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(prefix[:])
	if n > uint64(size-8) {
		return nil, fmt.Errorf("header length %d exceeds the file (%d bytes)", n, size)
	}
	if n > maxHeaderLen {
		return nil, fmt.Errorf("header length %d is over the limit of %d bytes", n, maxHeaderLen)
	}
	header := make([]byte, n) // n ≤ size − 8
	if err := readAt(r, header, 8, size); err != nil {
		return nil, fmt.Errorf("reading the header: %w", err)
	}
	h, err := parseHeader(header)
	if err != nil {
		return nil, err
	}
	dataStart := 8 + int64(n)
	dataLen := size - dataStart
	if err := h.validate(dataLen); err != nil {
		return nil, err
	}
	return h.load(r, dataStart, dataLen, size)
}

// validate checks every entry against its dtype and the data section, then
// that the entries, sorted by offset, tile the data section exactly. It leaves
// h.entries in data-offset order.
func (h *header) validate(dataLen int64) error {
	for i := range h.entries {
		e := &h.entries[i]
		size, readable, known := dtypeSize(e.dtype)
		switch {
		case !known:
			return fmt.Errorf("tensor %q: unknown dtype %q", e.name, e.dtype)
		case !readable:
			return fmt.Errorf("tensor %q: dtype %s is not supported (want F64 or F32)", e.name, e.dtype)
		case e.begin > e.end:
			return fmt.Errorf("tensor %q: data_offsets [%d %d] end before they begin", e.name, e.begin, e.end)
		case e.end > dataLen:
			return fmt.Errorf("tensor %q: data_offsets [%d %d] run past the data section (%d bytes)",
				e.name, e.begin, e.end, dataLen)
		}
		count, ok := elements(e.shape)
		if !ok {
			return fmt.Errorf("tensor %q: shape %v has more elements than any file can hold", e.name, e.shape)
		}
		hi, need := bits.Mul64(count, uint64(size))
		if hi != 0 || need > math.MaxInt64 {
			return fmt.Errorf("tensor %q: shape %v of %s needs more bytes than any file can hold", e.name, e.shape, e.dtype)
		}
		if have := e.end - e.begin; uint64(have) != need {
			return fmt.Errorf("tensor %q: data_offsets [%d %d] hold %d bytes, shape %v of %s needs %d",
				e.name, e.begin, e.end, have, e.shape, e.dtype, need)
		}
	}
	slices.SortFunc(h.entries, func(a, b entry) int {
		if a.begin != b.begin {
			return cmp.Compare(a.begin, b.begin)
		}
		if a.end != b.end {
			return cmp.Compare(a.end, b.end)
		}
		return strings.Compare(a.name, b.name)
	})
	var pos int64
	for i, e := range h.entries {
		if e.begin > pos {
			return fmt.Errorf("data section has a gap at bytes %d..%d", pos, e.begin)
		}
		if e.begin < pos {
			p := h.entries[i-1] // pos > 0, so there is a previous entry
			return fmt.Errorf("tensors %q at [%d %d] and %q at [%d %d] overlap in the data section",
				p.name, p.begin, p.end, e.name, e.begin, e.end)
		}
		pos = e.end
	}
	if pos != dataLen {
		return fmt.Errorf("data section has a gap at bytes %d..%d", pos, dataLen)
	}
	return nil
}

// load reads every entry's data, which validate has checked, into one slab.
func (h *header) load(r io.ReaderAt, dataStart, dataLen, size int64) (*File, error) {
	var total int64 // elements; ≤ dataLen/4 since the entries tile the data section
	for _, e := range h.entries {
		s, _, _ := dtypeSize(e.dtype)
		total += (e.end - e.begin) / s
	}
	if total > math.MaxInt {
		return nil, fmt.Errorf("the file holds %d values, too many for this machine", total)
	}
	slab := make([]float64, total)
	buf := make([]byte, min(dataLen, chunkLen))
	tensors := make([]Tensor, len(h.entries))
	var at int
	for i, e := range h.entries {
		s, _, _ := dtypeSize(e.dtype)
		n := int((e.end - e.begin) / s)
		data := slab[at : at+n : at+n]
		at += n
		if err := readValues(r, data, e.dtype, dataStart+e.begin, size, buf); err != nil {
			return nil, fmt.Errorf("reading tensor %q: %w", e.name, err)
		}
		tensors[i] = Tensor{Name: e.name, DType: e.dtype, Shape: e.shape, Data: data}
	}
	return &File{Meta: h.meta, Tensors: tensors}, nil
}

// readValues fills dst with values of dtype d stored at off, passing the
// bytes through buf, whose length is at least one element.
func readValues(r io.ReaderAt, dst []float64, d DType, off, size int64, buf []byte) error {
	s, _, _ := dtypeSize(d)
	per := len(buf) / int(s) // elements per chunk
	for len(dst) > 0 {
		k := min(per, len(dst))
		b := buf[:k*int(s)]
		if err := readAt(r, b, off, size); err != nil {
			return err
		}
		off += int64(len(b))
		if d == F64 {
			for i := range k {
				dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
			}
		} else {
			for i := range k {
				dst[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
			}
		}
		dst = dst[k:]
	}
	return nil
}

// readAt fills p from r at off, treating a short read as a file that ends
// before the size it was said to have.
func readAt(r io.ReaderAt, p []byte, off, size int64) error {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return fmt.Errorf("file ends at byte %d, before its stated size of %d bytes: %w",
			off+int64(n), size, io.ErrUnexpectedEOF)
	}
	return err
}

// elements is the product of shape, and false if it overflows uint64.
func elements(shape []int) (uint64, bool) {
	count := uint64(1)
	for _, d := range shape {
		hi, lo := bits.Mul64(count, uint64(d)) // d ≥ 0: the parser admits no sign
		if hi != 0 {
			return 0, false
		}
		count = lo
	}
	return count, true
}
