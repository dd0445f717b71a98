package safetensors

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Encode writes tensors and meta to w as a safetensors file. Every tensor is
// stored as F64 (whatever its DType says), little-endian, and the data is laid
// out in the order given. The header's keys are sorted bytewise, "__metadata__"
// among them when meta has entries (it is left out when meta is empty), and the
// header is padded with spaces to a multiple of 8 bytes so the data is aligned.
//
// Encode checks everything before writing a byte: names are non-empty,
// unique, valid UTF-8 and not "__metadata__"; dimensions are non-negative;
// len(Data) is the product of Shape; metadata is valid UTF-8. So a refused
// call leaves w untouched.
func Encode(w io.Writer, tensors []Tensor, meta map[string]string) error {
	head, err := encodeHeader(tensors, meta)
	if err != nil {
		return err
	}
	return writeBody(w, head, tensors)
}

// WriteFile encodes tensors and meta (as Encode does) to path atomically: it
// writes a temporary file (mode 0600) in path's folder, syncs it, gives it mode
// 0644, renames it over path and syncs the folder. Readers see the old file or
// the new one, never a mix. If anything fails before the rename, or something
// panics, the temporary file is removed and a file already at path is left as
// it was. A symlink at path is replaced, not followed.
func WriteFile(path string, tensors []Tensor, meta map[string]string) error {
	head, err := encodeHeader(tensors, meta)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	renamed := false
	defer func() {
		if !renamed {
			f.Close() // a second Close after a successful one only reports ErrClosed
			os.Remove(tmp)
		}
	}()
	if err := writeBody(f, head, tensors); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	renamed = true
	return syncDir(dir)
}

// syncDir makes a rename inside dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("saved, but syncing the folder failed: %w", err)
	}
	return nil
}

// encodeHeader checks tensors and meta and returns the 8-byte length prefix
// followed by the padded JSON header.
func encodeHeader(tensors []Tensor, meta map[string]string) ([]byte, error) {
	return encodeHeaderUpTo(tensors, meta, maxHeaderLen)
}

// encodeHeaderUpTo is encodeHeader with the header limited to limit bytes.
func encodeHeaderUpTo(tensors []Tensor, meta map[string]string, limit int) ([]byte, error) {
	type key struct {
		name string
		i    int // index in tensors; -1 for "__metadata__"
	}
	keys := make([]key, 0, len(tensors)+1)
	offsets := make([][2]int64, len(tensors))
	names := make(map[string]bool, len(tensors))
	var at int64
	for i, t := range tensors {
		switch {
		case t.Name == "":
			return nil, fmt.Errorf("tensor %d has an empty name", i)
		case t.Name == "__metadata__":
			return nil, errors.New(`tensor name "__metadata__" is reserved for metadata`)
		case !utf8.ValidString(t.Name):
			return nil, fmt.Errorf("tensor name %q is not valid UTF-8", t.Name)
		case names[t.Name]:
			return nil, fmt.Errorf("duplicate tensor name %q", t.Name)
		}
		names[t.Name] = true
		for _, d := range t.Shape {
			if d < 0 {
				return nil, fmt.Errorf("tensor %q: shape %v has a negative dimension", t.Name, t.Shape)
			}
		}
		count, ok := elements(t.Shape)
		if !ok || count > math.MaxInt64/8 {
			return nil, fmt.Errorf("tensor %q: shape %v is too large", t.Name, t.Shape)
		}
		if uint64(len(t.Data)) != count {
			return nil, fmt.Errorf("tensor %q: has %d values, shape %v needs %d", t.Name, len(t.Data), t.Shape, count)
		}
		n := int64(count) * 8
		if at > math.MaxInt64-n {
			return nil, errors.New("tensors hold more bytes than a file can")
		}
		offsets[i] = [2]int64{at, at + n}
		at += n
		keys = append(keys, key{t.Name, i})
	}
	metaKeys := make([]string, 0, len(meta))
	for k := range meta {
		metaKeys = append(metaKeys, k)
	}
	slices.Sort(metaKeys)
	for _, k := range metaKeys {
		if !utf8.ValidString(k) {
			return nil, fmt.Errorf("metadata key %q is not valid UTF-8", k)
		}
		if !utf8.ValidString(meta[k]) {
			return nil, fmt.Errorf("metadata value for %q is not valid UTF-8", k)
		}
	}
	if len(meta) > 0 {
		keys = append(keys, key{"__metadata__", -1})
	}
	// Refuse a header that cannot fit before building it: quoting only adds.
	least := 2
	for _, k := range keys {
		least += len(k.name) + 4
	}
	for k, v := range meta {
		least += len(k) + len(v) + 6
	}
	if least > limit {
		return nil, fmt.Errorf("header would be at least %d bytes, over the limit of %d", least, limit)
	}
	slices.SortFunc(keys, func(a, b key) int { return strings.Compare(a.name, b.name) })

	b := make([]byte, 8, 8+64*len(keys)+2)
	b = append(b, '{')
	for j, k := range keys {
		if j > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, k.name)
		b = append(b, ':')
		if k.i < 0 {
			b = append(b, '{')
			for m, mk := range metaKeys {
				if m > 0 {
					b = append(b, ',')
				}
				b = appendQuoted(b, mk)
				b = append(b, ':')
				b = appendQuoted(b, meta[mk])
			}
			b = append(b, '}')
			continue
		}
		b = append(b, `{"dtype":"F64","shape":[`...)
		for d, v := range tensors[k.i].Shape {
			if d > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(v), 10)
		}
		b = append(b, `],"data_offsets":[`...)
		b = strconv.AppendInt(b, offsets[k.i][0], 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, offsets[k.i][1], 10)
		b = append(b, "]}"...)
	}
	b = append(b, '}')
	for len(b)%8 != 0 {
		b = append(b, ' ')
	}
	n := len(b) - 8
	if n > limit {
		return nil, fmt.Errorf("header would be %d bytes, over the limit of %d", n, limit)
	}
	binary.LittleEndian.PutUint64(b, uint64(n))
	return b, nil
}

// appendQuoted appends s as a JSON string, escaping only what JSON requires
// and in the forms serde_json (upstream's encoder) uses.
func appendQuoted(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0 // s[start:i] needs no escaping
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		start = i + 1
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// writeBody writes the prefixed header, then every tensor's values as F64
// through one buffer of at most chunkLen bytes.
func writeBody(w io.Writer, head []byte, tensors []Tensor) error {
	if _, err := w.Write(head); err != nil {
		return fmt.Errorf("writing the header: %w", err)
	}
	var total int
	for _, t := range tensors {
		total += len(t.Data)
	}
	buf := make([]byte, 0, min(8*total, chunkLen))
	for _, t := range tensors {
		for _, v := range t.Data {
			if len(buf) == cap(buf) {
				if _, err := w.Write(buf); err != nil {
					return fmt.Errorf("writing tensor data: %w", err)
				}
				buf = buf[:0]
			}
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
		}
	}
	if len(buf) > 0 {
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("writing tensor data: %w", err)
		}
	}
	return nil
}
