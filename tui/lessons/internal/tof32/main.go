// Command tof32 rewrites an rnnscope checkpoint for embedding in the lessons: the
// weights only (no optimiser moments, no carried state), stored as F32, with the
// training metadata kept. nets.Load reads the result like any checkpoint.
//
//	go run ./tui/lessons/internal/tof32 IN.safetensors OUT.safetensors [key=value ...]
//
// Extra key=value pairs are added to the metadata (e.g. note=...). The output is
// deterministic: the same input gives the same bytes.
package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/rnnscope/rnnscope/nets"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: tof32 IN.safetensors OUT.safetensors [key=value ...]")
		os.Exit(2)
	}
	ck, err := nets.Load(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "tof32:", err)
		os.Exit(1)
	}
	extra := map[string]string{}
	for _, kv := range os.Args[3:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "tof32: %q: want key=value\n", kv)
			os.Exit(2)
		}
		extra[k] = v
	}
	b, err := encode(ck, extra)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tof32:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[2], b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "tof32:", err)
		os.Exit(1)
	}
	// Check the result the way rnnscope will read it.
	back, err := nets.Load(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "tof32: the written file does not load:", err)
		os.Exit(1)
	}
	worst := 0.0
	for i, v := range ck.Params.Mem {
		worst = max(worst, math.Abs(v-back.Params.Mem[i]))
	}
	fmt.Printf("%s: %s, %d parameters, %d bytes, largest change from F32 rounding %.2g\n",
		os.Args[2], ck.Config, len(ck.Params.Mem), len(b), worst)
}

// encode writes the parameter tensors as F32 safetensors with the checkpoint's
// metadata (minus the optimiser's).
func encode(ck *nets.Checkpoint, extra map[string]string) ([]byte, error) {
	cfg := ck.Config
	voc := make([]string, len(ck.Vocab))
	for i, r := range ck.Vocab {
		voc[i] = string(r)
	}
	var vb bytes.Buffer
	venc := json.NewEncoder(&vb)
	venc.SetEscapeHTML(false)
	if err := venc.Encode(voc); err != nil {
		return nil, err
	}
	vj := bytes.TrimRight(vb.Bytes(), "\n")
	meta := map[string]string{}
	for k, v := range ck.Meta {
		meta[k] = v
	}
	for k, v := range extra {
		meta[k] = v
	}
	meta["format"] = nets.Format
	meta["cell"] = cfg.Cell.String()
	meta["hidden"] = strconv.Itoa(cfg.Hidden)
	meta["layers"] = strconv.Itoa(cfg.Layers)
	meta["vocab"] = string(vj)
	meta["step"] = strconv.FormatInt(ck.Steps, 10)
	meta["chars"] = strconv.FormatInt(ck.Chars, 10)
	meta["clip_events"] = strconv.FormatInt(ck.ClipEvents, 10)

	type entry struct {
		DType   string `json:"dtype"`
		Shape   []int  `json:"shape"`
		Offsets [2]int `json:"data_offsets"`
	}
	head := map[string]any{"__metadata__": meta}
	var data bytes.Buffer
	for _, t := range cfg.Tensors() {
		begin := data.Len()
		for _, v := range ck.Params.Mem[t.Offset : t.Offset+t.Size()] {
			var b [4]byte
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(float32(v)))
			data.Write(b[:])
		}
		head[t.Name] = entry{DType: "F32", Shape: slices.Clone(t.Shape), Offsets: [2]int{begin, data.Len()}}
	}
	var hb bytes.Buffer
	enc := json.NewEncoder(&hb)
	enc.SetEscapeHTML(false)                 // keep "<", ">" and "&" of the vocabulary as they are
	if err := enc.Encode(head); err != nil { // map keys come out sorted: deterministic
		return nil, err
	}
	hj := bytes.TrimRight(hb.Bytes(), "\n")
	for len(hj)%8 != 0 {
		hj = append(hj, ' ')
	}
	var out bytes.Buffer
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(hj)))
	out.Write(n[:])
	out.Write(hj)
	out.Write(data.Bytes())
	return out.Bytes(), nil
}
