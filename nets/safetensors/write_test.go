package safetensors

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// model is a small set of tensors whose values all depend on seed, big enough
// (about 256 KiB) that a torn write would show.
func model(seed float64) []Tensor {
	w := make([]float64, 128*256)
	for i := range w {
		w[i] = seed + float64(i)
	}
	return []Tensor{
		{Name: "rnn.weight_hh_l0", Shape: []int{128, 256}, Data: w},
		{Name: "head.bias", Shape: []int{2}, Data: []float64{seed, -seed}},
	}
}

// listDir names the entries of dir.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFile(t *testing.T) {
	t.Run("a new file decodes to what was written and has mode 0644", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "ckpt.safetensors")
		meta := map[string]string{"format": "rnnscope/1", "step": "7"}
		if err := WriteFile(path, model(1), meta); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o644 {
			t.Errorf("mode %v, want 0644", st.Mode().Perm())
		}
		f, err := ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want := model(1)
		for i := range want {
			want[i].DType = F64
		}
		checkTensors(t, f.Tensors, want)
		if !maps.Equal(f.Meta, meta) {
			t.Errorf("Meta = %q, want %q", f.Meta, meta)
		}
		if got := listDir(t, dir); len(got) != 1 {
			t.Errorf("folder holds %q, want only ckpt.safetensors", got)
		}
	})

	t.Run("writing over a file replaces it and sets mode 0644", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "ckpt.safetensors")
		if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(path, model(2), nil); err != nil {
			t.Fatal(err)
		}
		f, err := ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if f.Tensors[1].Data[0] != 2 {
			t.Errorf("head.bias = %v, want the new values", f.Tensors[1].Data)
		}
		if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
			t.Errorf("mode %v, want 0644", st.Mode().Perm())
		}
	})

	t.Run("a refused write leaves the old file byte-identical and no temp file", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "ckpt.safetensors")
		if err := WriteFile(path, model(3), nil); err != nil {
			t.Fatal(err)
		}
		old, _ := os.ReadFile(path)
		bad := model(4)
		bad[0].Data = bad[0].Data[1:] // one value short of its shape
		err := WriteFile(path, bad, nil)
		checkMessage(t, err, `tensor "rnn.weight_hh_l0": has 32767 values, shape [128 256] needs 32768`)
		if now, _ := os.ReadFile(path); !bytes.Equal(now, old) {
			t.Error("the old file changed")
		}
		if got := listDir(t, dir); len(got) != 1 {
			t.Errorf("folder holds %q, want only ckpt.safetensors", got)
		}
	})

	t.Run("a failed rename over a folder leaves the folder and no temp file", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "ckpt.safetensors")
		if err := os.Mkdir(path, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(path, "inside"), []byte("kept"), 0o644); err != nil {
			t.Fatal(err)
		}
		err := WriteFile(path, model(5), nil)
		checkMessage(t, err, "rename ")
		if got := listDir(t, dir); len(got) != 1 || got[0] != "ckpt.safetensors" {
			t.Errorf("folder holds %q, want only the ckpt.safetensors folder", got)
		}
		if b, _ := os.ReadFile(filepath.Join(path, "inside")); string(b) != "kept" {
			t.Error("the folder's contents changed")
		}
	})

	t.Run("a missing folder is an os error", func(t *testing.T) {
		err := WriteFile(filepath.Join(t.TempDir(), "no", "ckpt.safetensors"), model(6), nil)
		checkMessage(t, err, "no such file or directory")
	})

	t.Run("readers see the old file or the new one, never a mix", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "ckpt.safetensors")
		if err := WriteFile(path, model(0), nil); err != nil {
			t.Fatal(err)
		}
		var done atomic.Bool
		var wg sync.WaitGroup
		wg.Go(func() {
			defer done.Store(true)
			for i := 1; i <= 40; i++ {
				if err := WriteFile(path, model(float64(i%2)), nil); err != nil {
					t.Error(err)
					return
				}
			}
		})
		reads := 0
		for !done.Load() || reads == 0 {
			f, err := ReadFile(path)
			if err != nil {
				t.Fatalf("read %d: %v", reads, err)
			}
			seed := f.Tensors[1].Data[0]
			if seed != 0 && seed != 1 {
				t.Fatalf("read %d: head.bias %v", reads, f.Tensors[1].Data)
			}
			want := model(seed)
			if !sameBits(f.Tensors[0].Data, want[0].Data) {
				t.Fatalf("read %d: weights from two different writes", reads)
			}
			reads++
		}
		wg.Wait()
		if got := listDir(t, dir); len(got) != 1 {
			t.Errorf("folder holds %q, want only ckpt.safetensors", got)
		}
		t.Logf("%d consistent reads during 40 writes", reads)
	})
}
