package nets

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Mat is a row-major matrix view into a parameter slab: element (i, j) is
// Data[i*Cols+j].
type Mat[F Float] struct {
	Rows, Cols int
	Data       []F
}

// LayerParams are one recurrent layer's tensors, named as in the equations and
// the checkpoint.
type LayerParams[F Float] struct {
	Wih Mat[F] // (G·H, I), row blocks i|f|g|o or r|z|n; I = V for layer 0, H above
	Whh Mat[F] // (G·H, H), same row blocks
	Bih []F    // (G·H)
	Bhh []F    // (G·H)
}

// Params is every weight and bias of a network carved from one slab, Mem, in
// checkpoint order: for each layer W_ih, W_hh, b_ih, b_hh; then the head.
// Optimisers, gradient checks and checkpoints all walk Mem.
type Params[F Float] struct {
	Mem    []F
	Layers []LayerParams[F]
	Whead  Mat[F] // (V, H)
	Bhead  []F    // (V)
}

// NewParams carves a zeroed slab for cfg.
func NewParams[F Float](cfg Config) *Params[F] {
	return carve(cfg, make([]F, cfg.NumParams()))
}

// carve lays cfg's tensors over mem, which must hold exactly NumParams values.
func carve[F Float](cfg Config, mem []F) *Params[F] {
	if len(mem) != cfg.NumParams() {
		panic(fmt.Sprintf("nets: slab of %d for %d parameters", len(mem), cfg.NumParams()))
	}
	p := &Params[F]{Mem: mem, Layers: make([]LayerParams[F], cfg.Layers)}
	off := 0
	take := func(n int) []F {
		s := mem[off : off+n : off+n]
		off += n
		return s
	}
	gh, h := cfg.GH(), cfg.Hidden
	for l := range p.Layers {
		in := cfg.inputSize(l)
		p.Layers[l] = LayerParams[F]{
			Wih: Mat[F]{gh, in, take(gh * in)},
			Whh: Mat[F]{gh, h, take(gh * h)},
			Bih: take(gh),
			Bhh: take(gh),
		}
	}
	p.Whead = Mat[F]{cfg.Vocab, h, take(cfg.Vocab * h)}
	p.Bhead = take(cfg.Vocab)
	return p
}

// Tensor names one parameter tensor as PyTorch's state_dict does.
type Tensor struct {
	Name   string // "rnn.weight_ih_l0", …, "head.weight", "head.bias"
	Shape  []int
	Offset int // into Params.Mem
}

// Size is the number of elements.
func (t Tensor) Size() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Tensors lists cfg's parameters in slab order with their PyTorch names.
func (cfg Config) Tensors() []Tensor {
	var ts []Tensor
	off := 0
	add := func(name string, shape ...int) {
		t := Tensor{Name: name, Shape: shape, Offset: off}
		ts = append(ts, t)
		off += t.Size()
	}
	gh, h := cfg.GH(), cfg.Hidden
	for l := range cfg.Layers {
		add(fmt.Sprintf("rnn.weight_ih_l%d", l), gh, cfg.inputSize(l))
		add(fmt.Sprintf("rnn.weight_hh_l%d", l), gh, h)
		add(fmt.Sprintf("rnn.bias_ih_l%d", l), gh)
		add(fmt.Sprintf("rnn.bias_hh_l%d", l), gh)
	}
	add("head.weight", cfg.Vocab, h)
	add("head.bias", cfg.Vocab)
	return ts
}

// Locate names the parameter at slab index i, e.g. "rnn.weight_hh_l1[2,3]".
func (cfg Config) Locate(i int) string {
	for _, t := range cfg.Tensors() {
		if i >= t.Offset && i < t.Offset+t.Size() {
			k := i - t.Offset
			if len(t.Shape) == 2 {
				return fmt.Sprintf("%s[%d,%d]", t.Name, k/t.Shape[1], k%t.Shape[1])
			}
			return fmt.Sprintf("%s[%d]", t.Name, k)
		}
	}
	return fmt.Sprintf("index %d", i)
}

// Init fills p as PyTorch initialises nn.RNN/LSTM/GRU and nn.Linear: every value
// from U(−1/√H, 1/√H), tensor by tensor in slab order. A non-zero forgetBias sets
// the LSTM forget block of b_ih to it and of b_hh to 0, so their sum is forgetBias.
func Init(cfg Config, p *Params[float64], rng *rand.Rand, forgetBias float64) {
	k := 1 / math.Sqrt(float64(cfg.Hidden))
	for i := range p.Mem {
		p.Mem[i] = (2*rng.Float64() - 1) * k
	}
	if cfg.Cell == LSTM && forgetBias != 0 {
		h := cfg.Hidden
		for _, l := range p.Layers {
			for j := h; j < 2*h; j++ {
				l.Bih[j] = forgetBias
				l.Bhh[j] = 0
			}
		}
	}
}
