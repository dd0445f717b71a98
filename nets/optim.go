package nets

import (
	"fmt"
	"math"
	"strings"

	"github.com/rnnscope/rnnscope/nets/kernels"
)

// Optimizers lists the optimiser names --optimizer takes, the default first.
func Optimizers() []string { return []string{"adam", "rmsprop", "adagrad", "sgd"} }

// DefaultLR is the learning rate each optimiser starts from when --lr is not
// given: Adam and RMSProp as char-rnn, Adagrad as min-char-rnn.
func DefaultLR(name string) float64 {
	switch name {
	case "adagrad":
		return 0.1
	case "sgd":
		return 1
	}
	return 2e-3
}

// Optim updates a parameter slab from its gradient slab, with PyTorch's update
// rules and default hyperparameters:
//
//	adam     m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²; p −= lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)   β = (0.9, 0.999), ε = 1e-8
//	rmsprop  v = αv + (1−α)g²;  p −= lr·g / (√v + ε)                                   α = 0.99, ε = 1e-8
//	adagrad  v += g²;           p −= lr·g / (√v + ε)                                   ε = 1e-10
//	sgd      p −= lr·g
type Optim struct {
	Name string
	LR   float64
	T    int64     // updates so far
	M, V []float64 // moments: Adam uses both, RMSProp and Adagrad only V
}

// NewOptim returns the named optimiser for n parameters.
func NewOptim(name string, n int, lr float64) (*Optim, error) {
	name = strings.ToLower(name)
	o := &Optim{Name: name, LR: lr}
	switch name {
	case "adam":
		o.M, o.V = make([]float64, n), make([]float64, n)
	case "rmsprop", "adagrad":
		o.V = make([]float64, n)
	case "sgd":
	default:
		return nil, fmt.Errorf("--optimizer %q: want adam, rmsprop, adagrad or sgd", name)
	}
	return o, nil
}

// Step applies one update of p from g.
func (o *Optim) Step(p, g []float64) {
	o.T++
	lr := o.LR
	switch o.Name {
	case "adam":
		const b1, b2, eps = 0.9, 0.999, 1e-8
		c1 := 1 - math.Pow(b1, float64(o.T))
		c2 := math.Sqrt(1 - math.Pow(b2, float64(o.T)))
		// m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²; p −= step·m/(√v/c2 + ε), vectorised
		kernels.Adam(p, g[:len(p)], o.M[:len(p)], o.V[:len(p)], b1, b2, lr/c1, c2, eps)
	case "rmsprop":
		const alpha, eps = 0.99, 1e-8
		v := o.V[:len(p)]
		for i, gi := range g[:len(p)] {
			v[i] = alpha*v[i] + (1-alpha)*gi*gi
			p[i] -= lr * gi / (math.Sqrt(v[i]) + eps)
		}
	case "adagrad":
		const eps = 1e-10
		v := o.V[:len(p)]
		for i, gi := range g[:len(p)] {
			v[i] += gi * gi
			p[i] -= lr * gi / (math.Sqrt(v[i]) + eps)
		}
	case "sgd":
		for i, gi := range g[:len(p)] {
			p[i] -= lr * gi
		}
	}
}

// Slabs names the optimiser's state for checkpoints, as PyTorch names it.
func (o *Optim) Slabs() map[string][]float64 {
	switch o.Name {
	case "adam":
		return map[string][]float64{"exp_avg": o.M, "exp_avg_sq": o.V}
	case "rmsprop":
		return map[string][]float64{"square_avg": o.V}
	case "adagrad":
		return map[string][]float64{"sum": o.V}
	}
	return nil
}

// ClipNorm scales g so that its Euclidean norm is at most maxNorm (as PyTorch's
// clip_grad_norm_: by maxNorm/(norm+1e-6)). It returns the norm before clipping
// and whether it clipped. maxNorm ≤ 0 disables clipping.
func ClipNorm(g []float64, maxNorm float64) (norm float64, clipped bool) {
	norm = math.Sqrt(kernels.SumSquares(g))
	if maxNorm <= 0 || !(norm > maxNorm) {
		return norm, false
	}
	s := maxNorm / (norm + 1e-6)
	for i := range g {
		g[i] *= s
	}
	return norm, true
}
