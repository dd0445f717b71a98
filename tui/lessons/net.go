package lessons

import (
	"math"
	"math/rand/v2"

	"github.com/rnnscope/rnnscope/nets"
)

// newRand is the demonstrations' random stream: one per demo, from its seed.
func newRand(seed uint64, tag uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x6c6573736f6e73^tag)) // "lessons"
}

// tinyNet is a small network a lesson trains itself with the engine's own forward
// and backward passes, so that it can choose where the loss is taken (only at the
// last step for many-to-one, only after the delay for translation) by writing
// ∂L/∂logits directly, as nets.Engine.DLogits allows.
type tinyNet struct {
	cfg  nets.Config
	P, G *nets.Params[float64]
	opt  *nets.Optim
	eng  *nets.Engine[float64]
	st   *nets.State[float64]
	clip float64
	// zero is the token whose one-hot input is replaced by the zero vector (its
	// column of W_ih is 0 and never trained), or −1. One-to-many and delayed
	// outputs feed it where the lecture feeds "a vector of zeros of the same size".
	zero int32

	Steps int64
}

// newTinyNet initialises a network as PyTorch does (nets.Init) from rng.
func newTinyNet(cfg nets.Config, rng *rand.Rand, maxT, b int, optName string, lr, clip float64, zero int32) *tinyNet {
	p := nets.NewParams[float64](cfg)
	nets.Init(cfg, p, rng, 0)
	g := nets.NewParams[float64](cfg)
	opt, err := nets.NewOptim(optName, len(p.Mem), lr)
	if err != nil {
		panic(err)
	}
	n := &tinyNet{cfg: cfg, P: p, G: g, opt: opt, eng: nets.NewEngine(cfg, p, g, maxT, b),
		st: nets.NewState[float64](cfg, b), clip: clip, zero: zero}
	n.zeroColumn(p)
	return n
}

// zeroColumn clears the zero token's column of layer 0's W_ih in q.
func (n *tinyNet) zeroColumn(q *nets.Params[float64]) {
	if n.zero < 0 {
		return
	}
	w := q.Layers[0].Wih
	for j := range w.Rows {
		w.Data[j*w.Cols+int(n.zero)] = 0
	}
}

// trainMasked runs one optimiser step on x → y (time-major, B streams) from the
// zero state, with the loss taken only where mask is true (nil: everywhere). It
// returns the mean loss over the masked positions, in nats, and the gradient norm
// before clipping.
func (n *tinyNet) trainMasked(x, y []int32, mask []bool) (loss, norm float64) {
	n.st.Reset()
	clear(n.G.Mem)
	n.eng.Forward(x, n.st)
	loss = n.maskedGrad(y, mask)
	n.eng.Backward()
	norm, _ = nets.ClipNorm(n.G.Mem, n.clip)
	n.zeroColumn(n.G)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return loss, norm
	}
	n.opt.Step(n.P.Mem, n.G.Mem)
	n.Steps++
	return loss, norm
}

// maskedGrad writes ∂L/∂logits of the mean cross-entropy over the masked
// positions of the last Forward into the engine and returns that loss.
func (n *tinyNet) maskedGrad(y []int32, mask []bool) float64 {
	b, v := n.eng.Streams(), n.cfg.Vocab
	dl := n.eng.DLogits()
	clear(dl)
	cnt := 0
	for r := range y {
		if mask == nil || mask[r] {
			cnt++
		}
	}
	if cnt == 0 {
		return math.NaN()
	}
	inv := 1 / float64(cnt)
	total := 0.0
	for r, tgt := range y {
		if mask != nil && !mask[r] {
			continue
		}
		t, s := r/b, r%b
		row := n.eng.Logits(t, s)
		lse := logSumExp(row)
		total += lse - row[tgt]
		d := dl[r*v : (r+1)*v]
		for j, z := range row {
			d[j] = math.Exp(z-lse) * inv
		}
		d[tgt] -= inv
	}
	return total * inv
}

// run runs x from the zero state without training and leaves the logits in the
// engine.
func (n *tinyNet) run(x []int32) {
	n.st.Reset()
	n.eng.Forward(x, n.st)
}

// argmax returns the most likely token at step t of stream s of the last run,
// among the tokens allowed (nil: all).
func (n *tinyNet) argmax(t, s int, allowed []int32) int32 {
	row := n.eng.Logits(t, s)
	if allowed == nil {
		best := 0
		for j, z := range row {
			if z > row[best] {
				best = j
			}
		}
		return int32(best)
	}
	best := allowed[0]
	for _, j := range allowed {
		if row[j] > row[best] {
			best = j
		}
	}
	return best
}

func logSumExp(row []float64) float64 {
	m := math.Inf(-1)
	for _, z := range row {
		m = max(m, z)
	}
	s := 0.0
	for _, z := range row {
		s += math.Exp(z - m)
	}
	return m + math.Log(s)
}

// softmax writes the probabilities of row into dst.
func softmax(dst, row []float64) {
	lse := logSumExp(row)
	for j, z := range row {
		dst[j] = math.Exp(z - lse)
	}
}
