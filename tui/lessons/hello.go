package lessons

import (
	"math"

	"github.com/rnnscope/rnnscope/nets"
)

// The lecture's example: the vocabulary h, e, l, o and the word "hello", read from
// h₀ = 0: input h e l l, targets e l l o.
var helloVocab = []string{"h", "e", "l", "o"}

// helloNet is a vanilla RNN trained on "hello" alone, small enough to print every
// number it computes.
type helloNet struct {
	net  *tinyNet
	x, y []int32

	// Filled by look: the engine's numbers for the last forward pass.
	hs     [][]float64 // [T][H]
	logits [][]float64 // [T][V]
	probs  [][]float64 // [T][V]
	loss   []float64   // [T] nats
	pred   []int32     // [T] argmax
	mean   float64
}

// newHelloNet initialises an H-unit vanilla RNN as PyTorch would, from seed.
func newHelloNet(seed uint64, tag uint64, hidden int, lr float64) *helloNet {
	cfg := nets.Config{Cell: nets.RNN, Vocab: 4, Hidden: hidden, Layers: 1}
	n := newTinyNet(cfg, newRand(seed, tag), 4, 1, "adam", lr, 5, -1)
	h := &helloNet{net: n, x: []int32{0, 1, 2, 2}, y: []int32{1, 2, 2, 3}}
	h.look()
	return h
}

// train takes k optimiser steps on the word and looks again.
func (h *helloNet) train(k int) {
	for range k {
		h.net.trainMasked(h.x, h.y, nil)
	}
	h.look()
}

// look runs the word forward and keeps every number the screens print.
func (h *helloNet) look() {
	n := h.net
	n.run(h.x)
	T, H, V := len(h.x), n.cfg.Hidden, n.cfg.Vocab
	h.hs, h.logits, h.probs = make([][]float64, T), make([][]float64, T), make([][]float64, T)
	h.loss, h.pred = make([]float64, T), make([]int32, T)
	h.mean = 0
	for t := range T {
		h.hs[t] = append([]float64(nil), n.eng.Hidden(0, t, 0)[:H]...)
		h.logits[t] = append([]float64(nil), n.eng.Logits(t, 0)...)
		h.probs[t] = make([]float64, V)
		softmax(h.probs[t], h.logits[t])
		h.loss[t] = -math.Log(h.probs[t][h.y[t]])
		h.pred[t] = n.argmax(t, 0, nil)
		h.mean += h.loss[t] / float64(T)
	}
}

// right counts the steps whose argmax is the target.
func (h *helloNet) right() int {
	k := 0
	for t, p := range h.pred {
		if p == h.y[t] {
			k++
		}
	}
	return k
}

// stepArith is the arithmetic of one step of a vanilla RNN written out:
// a = W_ih·x_t + W_hh·h_{t−1} + b_ih + b_hh, h_t = tanh(a), y_t = W_hy·h_t + b_y.
type stepArith struct {
	wx, wh, b, a, h []float64 // [H]
	y               []float64 // [V]
	whh, wih, why   *float64  // the weights this step read (for the sharing check)
}

// arith recomputes step t (0-based) of the word by hand from the weights, given
// h_{t−1} (nil for h₀ = 0).
func (h *helloNet) arith(t int, hprev []float64) stepArith {
	p := h.net.P
	l := p.Layers[0]
	H, V := h.net.cfg.Hidden, h.net.cfg.Vocab
	x := int(h.x[t])
	s := stepArith{wx: make([]float64, H), wh: make([]float64, H), b: make([]float64, H),
		a: make([]float64, H), h: make([]float64, H), y: make([]float64, V),
		whh: &l.Whh.Data[0], wih: &l.Wih.Data[0], why: &p.Whead.Data[0]}
	for i := range H {
		s.wx[i] = l.Wih.Data[i*V+x] // the column of x: W_ih times a one-hot vector
		for j := range H {
			if hprev != nil {
				s.wh[i] += l.Whh.Data[i*H+j] * hprev[j]
			}
		}
		s.b[i] = l.Bih[i] + l.Bhh[i]
		s.a[i] = s.wx[i] + s.wh[i] + s.b[i]
		s.h[i] = math.Tanh(s.a[i])
	}
	for k := range V {
		s.y[k] = p.Bhead[k]
		for i := range H {
			s.y[k] += p.Whead.Data[k*H+i] * s.h[i]
		}
	}
	return s
}
