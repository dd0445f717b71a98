package safetensors

import (
	"bytes"
	"maps"
	"math"
	"testing"
)

// testdata/torch_small.safetensors comes from testdata/make_golden.py, which
// lays it out as upstream safetensors' serializer does and checks the bytes
// against torch's. The values below are computed here independently.
func TestDecodeReadsTheTorchGolden(t *testing.T) {
	f, err := ReadFile("testdata/torch_small.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"format": "pt"}; !maps.Equal(f.Meta, want) {
		t.Errorf("Meta = %q, want %q", f.Meta, want)
	}
	third := make([]float64, 6) // torch.arange(1, 7, dtype=float64).reshape(2, 3) / 3
	for i := range third {
		third[i] = float64(i+1) / 3
	}
	sevenths := make([]float64, 12) // torch.arange(12, dtype=float32).reshape(4, 3) / 7
	for i := range sevenths {
		sevenths[i] = float64(float32(i) / 7)
	}
	want := []Tensor{ // upstream's order: F64 before F32, then by name
		{Name: "head.bias", DType: F64, Shape: []int{2}, Data: []float64{math.Copysign(0, -1), math.SmallestNonzeroFloat64}},
		{Name: "head.weight", DType: F64, Shape: []int{2, 3}, Data: third},
		{Name: "step", DType: F64, Shape: []int{}, Data: []float64{0.1}},
		{Name: "rnn.empty", DType: F32, Shape: []int{0, 3}, Data: []float64{}},
		{Name: "rnn.specials", DType: F32, Shape: []int{6}, Data: []float64{
			math.Copysign(0, -1), 0x1p-149, 0x1p-126, math.Inf(1), math.Inf(-1),
			math.Float64frombits(0x7ff8000000000000), // torch's float32 NaN, 0x7fc00000, widened
		}},
		{Name: "rnn.weight_ih_l0", DType: F32, Shape: []int{4, 3}, Data: sevenths},
	}
	checkTensors(t, f.Tensors, want)

	t.Run("re-encoding it as F64 keeps every value", func(t *testing.T) {
		var buf bytes.Buffer
		if err := Encode(&buf, f.Tensors, f.Meta); err != nil {
			t.Fatal(err)
		}
		again, err := Decode(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			want[i].DType = F64
		}
		checkTensors(t, again.Tensors, want)
	})
}
