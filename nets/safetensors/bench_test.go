package safetensors

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// benchModel is a 2-layer LSTM checkpoint with V = 96, H = 96: 153,120
// values, about 1.2 MB as F64.
func benchModel() ([]Tensor, map[string]string) {
	const V, H, G, L = 96, 96, 4, 2
	var ts []Tensor
	add := func(name string, shape ...int) {
		n := 1
		for _, d := range shape {
			n *= d
		}
		data := make([]float64, n)
		for i := range data {
			data[i] = float64(i%1000)/1000 - 0.5
		}
		ts = append(ts, Tensor{Name: name, Shape: shape, Data: data})
	}
	for k := range L {
		in := H
		if k == 0 {
			in = V
		}
		add(fmt.Sprintf("rnn.weight_ih_l%d", k), G*H, in)
		add(fmt.Sprintf("rnn.weight_hh_l%d", k), G*H, H)
		add(fmt.Sprintf("rnn.bias_ih_l%d", k), G*H)
		add(fmt.Sprintf("rnn.bias_hh_l%d", k), G*H)
	}
	add("head.weight", V, H)
	add("head.bias", V)
	return ts, map[string]string{"format": "rnnscope/1", "cell": "lstm", "hidden": "96", "layers": "2", "step": "1000"}
}

func BenchmarkEncode(b *testing.B) {
	ts, meta := benchModel()
	var buf bytes.Buffer
	if err := Encode(&buf, ts, meta); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if err := Encode(io.Discard, ts, meta); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	ts, meta := benchModel()
	var buf bytes.Buffer
	if err := Encode(&buf, ts, meta); err != nil {
		b.Fatal(err)
	}
	r := bytes.NewReader(buf.Bytes())
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(r, int64(buf.Len())); err != nil {
			b.Fatal(err)
		}
	}
}
