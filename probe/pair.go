package probe

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/nets/kernels"
)

// pairRecorder records on two cores by splitting the recurrence itself. A
// batch-1 step is one matrix-vector product with W_hh, which streams the whole
// matrix from the core's L2 cache at every step (256 KB for an LSTM-128 in
// float32): that bandwidth, not arithmetic, sets the pace of one core. Here each
// core owns half of the units, with their rows of the weights (half the bytes
// per step, in its own cache) and their cell arithmetic, and reads the other
// half of h₋₁ from the shared tape once the other core has written it. After
// each chunk both cores move their own units into the recording and predict
// half of the chunk's steps.
//
// A core keeps its rows of W_hh transposed (H × G·m), so that a step's product
// reads them in order as broadcast multiply-adds, 15% faster than dot products
// of rows. Each sum runs in a fixed order, so a recording is the same from run
// to run, and the same when both halves run on one core (solo); it differs
// from the engine's pass, which smaller networks take, by float32 rounding.
type pairRecorder struct {
	cfg    nets.Config
	pace   pace
	halves [2]*half
	tape   [][]float32 // per layer, h after each step of a chunk: (recordChunk+1) × H, row 0 the carried state
	done   [2]counter  // layer-steps each core has finished in the current recording
	copied [2]counter  // chunks each core has finished copying out
}

// counter is a progress count that one core writes and the other waits on,
// alone in its cache line.
type counter struct {
	atomic.Int64
	_ [56]byte
}

// await spins until c reaches n, yielding now and then so that a goroutine
// that needs this core (a screen being drawn) still runs.
func (c *counter) await(n int64) {
	for spins := 0; c.Load() < n; spins++ {
		if spins&1023 == 1023 {
			runtime.Gosched()
		}
	}
}

// half is one core's share: units u0…u0+m−1 of every layer.
type half struct {
	u0, m  int
	layers []halfLayer
	head   []float32 // (V × H), the output layer, whole
	bhead  []float32
	logits [2][]float32 // the rows of a chunk this core predicts, for two chunks in turn
	pend   pending      // predictions left to make
	ex     []float32
	probs  []float64
	counts []satCounts // this core's gate counts: its units, its share of the histograms
}

// pending are a chunk's predictions still to make from their logits: a core
// makes one after each step of the next chunk, while the other core's half of
// h is on its way, and the rest when it runs out of steps.
type pending struct {
	g, n, done int // rows g…g+n−1 of the window, done of them made
	lg         []float32
}

// predict makes up to n pending predictions.
func (hf *half) predict(fr *frame, n int) {
	p := &hf.pend
	v := len(hf.bhead)
	for ; n > 0 && p.done < p.n; n-- {
		i := p.done
		next(fr, p.g+i, p.lg[i*v:(i+1)*v], hf.ex, hf.probs)
		p.done++
	}
}

// halfLayer holds a core's rows of one layer, gate block by gate block (the
// cell kernels' layout for m units), and its tape.
type halfLayer struct {
	tab []float32 // layer 0: (V × G·m) input column per token, biases added
	wih []float32 // layers above: (G·m × H)
	bih []float32 // layers above: b_ih
	whh []float32 // (H × G·m): W_hh's rows transposed, so a step's product streams it in order
	bhh []float32 // b_hh: on the hidden side for the GRU, else on the input side of the layers above
	a   []float32 // (recordChunk × G·m) gate sums, then activations
	c   []float32 // LSTM: (recordChunk+1) × m, row 0 the carried state
	tc  []float32 // LSTM: tanh(c) of one step
	hs  []float32 // GRU: the hidden side of one step
	ghn []float32 // GRU
}

// pairMin is the fewest hidden units worth splitting between two cores.
const pairMin = 32

func newPairRecorder(cfg nets.Config) *pairRecorder {
	h, v, G := cfg.Hidden, cfg.Vocab, cfg.Cell.Gates()
	pr := &pairRecorder{cfg: cfg}
	for range cfg.Layers {
		pr.tape = append(pr.tape, make([]float32, (recordChunk+1)*h))
	}
	for core := range pr.halves {
		u0 := core * (h / 2)
		m := h/2 + core*(h%2)
		gm := G * m
		hf := &half{u0: u0, m: m, head: make([]float32, v*h), bhead: make([]float32, v),
			ex: make([]float32, v), probs: make([]float64, v)}
		for l := range cfg.Layers {
			L := halfLayer{whh: make([]float32, gm*h), a: make([]float32, recordChunk*gm)}
			if l == 0 {
				L.tab = make([]float32, v*gm)
			} else {
				L.wih, L.bih = make([]float32, gm*h), make([]float32, gm)
			}
			L.bhh = make([]float32, gm)
			switch cfg.Cell {
			case nets.LSTM:
				L.c, L.tc = make([]float32, (recordChunk+1)*m), make([]float32, m)
			case nets.GRU:
				L.hs, L.ghn = make([]float32, gm), make([]float32, m)
			}
			hf.layers = append(hf.layers, L)
		}
		for i := range hf.logits {
			hf.logits[i] = make([]float32, (recordChunk/2+1)*v)
		}
		pr.halves[core] = hf
	}
	return pr
}

// load narrows this core's rows of p: row i of gate block g is the network's
// row g·H + u0 + i.
func (hf *half) load(cfg nets.Config, p *nets.Params[float64]) {
	h, v, G, m := cfg.Hidden, cfg.Vocab, cfg.Cell.Gates(), hf.m
	gm := G * m
	row := func(g, i int) int { return g*h + hf.u0 + i }
	for l := range hf.layers {
		L, lp := &hf.layers[l], &p.Layers[l]
		for g := range G {
			// W_hh transposed, and layer 0's table, sixteen units at a time:
			// their rows stay in cache while a whole line of each column is written.
			for i0 := 0; i0 < m; i0 += 16 {
				i1 := min(i0+16, m)
				for k := range h {
					dst := L.whh[k*gm+g*m+i0 : k*gm+g*m+i1]
					for j := range dst {
						dst[j] = float32(lp.Whh.Data[row(g, i0+j)*h+k])
					}
				}
				if l > 0 {
					continue
				}
				// The input side's bias is b_ih, and b_hh too but for the GRU,
				// added in float32 in the engine's order.
				for tok := range v {
					dst := L.tab[tok*gm+g*m+i0 : tok*gm+g*m+i1]
					for j := range dst {
						r := row(g, i0+j)
						x := float32(lp.Wih.Data[r*v+tok]) + float32(lp.Bih[r])
						if cfg.Cell != nets.GRU {
							x += float32(lp.Bhh[r])
						}
						dst[j] = x
					}
				}
			}
			for i := range m {
				r := row(g, i)
				L.bhh[g*m+i] = float32(lp.Bhh[r])
				if l > 0 {
					kernels.Narrow(L.wih[(g*m+i)*h:(g*m+i+1)*h], lp.Wih.Data[r*h:(r+1)*h])
					L.bih[g*m+i] = float32(lp.Bih[r])
				}
			}
		}
	}
	kernels.Narrow(hf.head, p.Whead.Data)
	kernels.Narrow(hf.bhead, p.Bhead)
}

func (pr *pairRecorder) record(p *nets.Params[float64], vocab []rune, ids []int32, text []rune, warmup int, o *nets.Override) *Recording {
	two := runtime.GOMAXPROCS(0) > 1 && pr.pace.two()
	began := time.Now()
	r := pr.recordOn(two, p, vocab, ids, text, warmup, o)
	pr.pace.took(two, time.Since(began), len(ids))
	return r
}

// recordOn records on two cores or on one.
func (pr *pairRecorder) recordOn(two bool, p *nets.Params[float64], vocab []rune, ids []int32, text []rune, warmup int, o *nets.Override) *Recording {
	fr := newFrame(pr.cfg, vocab, ids, text, warmup, o)
	for _, t := range pr.tape {
		clear(t[:pr.cfg.Hidden]) // the zero state, both halves, before either core starts
	}
	if two {
		for i := range pr.done {
			pr.done[i].Store(0)
			pr.copied[i].Store(0)
		}
		var wg sync.WaitGroup
		wg.Go(func() { pr.run(1, p, fr, o) })
		pr.run(0, p, fr, o)
		wg.Wait()
	} else {
		pr.solo(p, fr, o)
	}
	// Each core counted its own units and its share of each histogram.
	for _, hf := range pr.halves {
		for i := range fr.counts {
			dst, src := &fr.counts[i], &hf.counts[i]
			copy(dst.low[hf.u0:], src.low)
			copy(dst.high[hf.u0:], src.high)
			for b := range dst.hist {
				dst.hist[b] += src.hist[b]
			}
		}
	}
	return fr.finish()
}

// start readies a core's half for a recording: its weights, its share of the
// series (core 0 clears those of h, core 1 those of c, or of h when there is
// no c, each about half of the recording's memory), its counts, its zero c.
func (hf *half) start(core int, cfg nets.Config, p *nets.Params[float64], fr *frame) {
	hf.load(cfg, p)
	switch L := cfg.Layers; {
	case cfg.Cell == nets.LSTM:
		fr.allocate(core*L, (core+1)*L)
	case core == 1:
		fr.allocate(0, L)
	}
	hf.counts = hf.counts[:0]
	for range fr.counts {
		hf.counts = append(hf.counts, satCounts{low: make([]int32, hf.m), high: make([]int32, hf.m)})
	}
	for l := range hf.layers {
		if c := hf.layers[l].c; c != nil {
			clear(c[:hf.m])
		}
	}
}

// input fills layer l's gate sums with its input side for the chunk x: layer
// 0's table rows, or the layer below (its tape, whole) through W_ih.
func (hf *half) input(cfg nets.Config, l int, x []int32, below []float32) {
	L, h, gm := &hf.layers[l], cfg.Hidden, cfg.Cell.Gates()*hf.m
	a := L.a[:len(x)*gm]
	if l == 0 {
		for t, tok := range x {
			copy(a[t*gm:(t+1)*gm], L.tab[int(tok)*gm:])
		}
		return
	}
	kernels.GemmNT32(len(x), gm, h, below[h:], h, L.wih, h, 0, a, gm)
	for t := range x {
		at := a[t*gm : (t+1)*gm]
		kernels.Add(at, at, L.bih)
		if cfg.Cell != nets.GRU {
			kernels.Add(at, at, L.bhh)
		}
	}
}

// step runs this half's units of layer l through step t of a chunk, from the
// whole h₋₁ in tape row t into its part of row t+1.
func (hf *half) step(cfg nets.Config, l, t int, tape []float32, o *nets.Override) {
	L, h, m, u0 := &hf.layers[l], cfg.Hidden, hf.m, hf.u0
	gm := cfg.Cell.Gates() * m
	at, hprev := L.a[t*gm:(t+1)*gm], tape[t*h:(t+1)*h]
	hnew := tape[(t+1)*h+u0 : (t+1)*h+u0+m]
	sums := at
	if cfg.Cell == nets.GRU {
		copy(L.hs, L.bhh)
		sums = L.hs
	}
	kernels.GemmNN32(1, gm, h, hprev, h, L.whh, gm, 1, sums, gm)
	var cnew []float32
	switch cfg.Cell {
	case nets.RNN:
		kernels.Tanh32(hnew, at)
	case nets.LSTM:
		cnew = L.c[(t+1)*m : (t+2)*m]
		kernels.LSTMForward(at, L.c[t*m:(t+1)*m], cnew, L.tc, hnew)
	case nets.GRU:
		kernels.GRUForward(at, L.hs, L.ghn, hprev[u0:u0+m], hnew)
	}
	if o != nil && o.Layer == l && o.Unit >= u0 && o.Unit < u0+m {
		i := o.Unit - u0
		if o.Cell && cnew != nil {
			cnew[i] = float32(o.Value)
			hnew[i] = float32(float64(at[3*m+i]) * math.Tanh(o.Value))
		} else {
			hnew[i] = float32(o.Value)
		}
	}
}

// carry moves this half's state after a chunk of T steps to the start of the
// next: its part of the last row of h, its last c.
func (hf *half) carry(cfg nets.Config, tapes [][]float32, T int) {
	h, m, u0 := cfg.Hidden, hf.m, hf.u0
	for l := range hf.layers {
		L, tape := &hf.layers[l], tapes[l]
		copy(tape[u0:u0+m], tape[T*h+u0:])
		if L.c != nil {
			copy(L.c[:m], L.c[T*m:(T+1)*m])
		}
	}
}

// run is one core's part of a recording on two cores.
func (pr *pairRecorder) run(core int, p *nets.Params[float64], fr *frame, o *nets.Override) {
	cfg, hf, other := pr.cfg, pr.halves[core], &pr.done[1-core]
	hf.start(core, cfg, p, fr)
	var seq int64 // layer-steps done by this core so far; the other core's schedule is the same
	for chunk, base := int64(0), 0; base < len(fr.ids); chunk, base = chunk+1, base+recordChunk {
		x := fr.ids[base:min(base+recordChunk, len(fr.ids))]
		for l := range hf.layers {
			var below []float32
			if l > 0 {
				other.await(seq) // the layer below, whole, from both cores
				below = pr.tape[l-1]
			}
			hf.input(cfg, l, x, below)
			for t := range x {
				if t > 0 {
					other.await(seq) // the other core's half of h₋₁
				}
				hf.step(cfg, l, t, pr.tape[l], o)
				seq++
				pr.done[core].Store(seq)
				hf.predict(fr, 1)
			}
		}
		other.await(seq) // every layer of the chunk, from both cores
		pr.copyOut(core, fr, base, x, int(chunk%2))
		hf.carry(cfg, pr.tape, len(x))
		pr.copied[core].Store(chunk + 1)
		pr.copied[1-core].await(chunk + 1) // the other core is done reading this chunk's tape
	}
	hf.predict(fr, hf.pend.n)
}

// solo is a recording on one core: both halves, one after the other at each
// step, with the same arithmetic as on two cores, so the same bits.
func (pr *pairRecorder) solo(p *nets.Params[float64], fr *frame, o *nets.Override) {
	cfg := pr.cfg
	for core, hf := range pr.halves {
		hf.start(core, cfg, p, fr)
	}
	for chunk, base := 0, 0; base < len(fr.ids); chunk, base = chunk+1, base+recordChunk {
		x := fr.ids[base:min(base+recordChunk, len(fr.ids))]
		for l := range cfg.Layers {
			var below []float32
			if l > 0 {
				below = pr.tape[l-1]
			}
			for _, hf := range pr.halves {
				hf.input(cfg, l, x, below)
			}
			for t := range x {
				for _, hf := range pr.halves {
					hf.step(cfg, l, t, pr.tape[l], o)
				}
			}
		}
		for core, hf := range pr.halves {
			pr.copyOut(core, fr, base, x, chunk%2)
			hf.predict(fr, hf.pend.n)
			hf.carry(cfg, pr.tape, len(x))
		}
	}
}

// pace picks between one core and two for each recording: two, unless they
// have lately been slower than one (another program busy on a core: the cores
// then wait for each other at every step). One core is tried only after two
// recordings in a row on two cores took more than twice their best (one slow
// recording is a pause of the machine's, not a busy core), and two are tried
// again every sixteenth recording after that. Both give the same bits; only the
// time differs.
type pace struct {
	best, lastTwo, lastOne time.Duration // per character
	slow                   int           // recordings in a row on two cores at more than twice their best
	sinceTwo               int           // recordings on one core since two were last tried
}

// two reports whether the next recording should run on two cores.
func (pc *pace) two() bool {
	switch {
	case pc.slow < 2:
		return true // no sign of a busy machine
	case pc.lastOne != 0 && pc.lastTwo < pc.lastOne:
		return true // busy, but two cores still beat one
	}
	return pc.sinceTwo >= 15 // one core, and two again now and then
}

// took notes how long a recording of n characters took.
func (pc *pace) took(two bool, d time.Duration, n int) {
	per := d / time.Duration(max(n, 1))
	if !two {
		pc.lastOne = per
		pc.sinceTwo++
		return
	}
	pc.lastTwo, pc.sinceTwo = per, 0
	if pc.best == 0 || per < pc.best {
		pc.best = per
	}
	if per > 2*pc.best {
		pc.slow++
	} else {
		pc.slow = 0
	}
}

// copyOut moves this core's part of one chunk into the recording: its units'
// h and c and its gate counts; and it computes the logits of its half of the
// steps into buffer buf, leaving their predictions pending.
func (pr *pairRecorder) copyOut(core int, fr *frame, base int, x []int32, buf int) {
	cfg, r, hf := pr.cfg, fr.r, pr.halves[core]
	hf.predict(fr, hf.pend.n) // the last chunk's, before their buffer comes round again
	h, v, m, u0 := cfg.Hidden, cfg.Vocab, hf.m, hf.u0
	gm := cfg.Cell.Gates() * m
	from0 := max(fr.warmup-base, 0)
	if from0 >= len(x) {
		return
	}
	t0, n := base+from0-fr.warmup, len(x)-from0
	per := len(hf.counts) / cfg.Layers
	for l := range hf.layers {
		L, tape := &hf.layers[l], pr.tape[l]
		transpose(r.Groups[l].Acts[u0*r.T:], r.T, t0, tape[(from0+1)*h+u0:], n, m, h)
		if L.c != nil {
			transpose(r.Groups[cfg.Layers+l].Acts[u0*r.T:], r.T, t0, L.c[(from0+1)*m:], n, m, m)
		}
		if per > 0 {
			countSaturation(hf.counts[l*per:(l+1)*per], fr.satOf, L.a[from0*gm:(from0+n)*gm], m, 0)
		}
	}
	// Predictions: core 0 the first half of the scored steps, core 1 the rest.
	k0, k1 := from0, from0+(n+1)/2
	if core == 1 {
		k0, k1 = k1, len(x)
	}
	rows := k1 - k0
	if rows == 0 {
		return
	}
	lg := hf.logits[buf][:rows*v]
	for i := range rows {
		copy(lg[i*v:(i+1)*v], hf.bhead)
	}
	top := pr.tape[cfg.Layers-1]
	kernels.GemmNT32(rows, v, h, top[(k0+1)*h:], h, hf.head, h, 1, lg, v)
	hf.pend = pending{g: base + k0, n: rows, lg: lg}
}
