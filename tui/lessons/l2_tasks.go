package lessons

import (
	"math"
	"math/rand/v2"
	"strings"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
)

// A shape task is a small problem of one of the lecture's input/output shapes
// that a lesson trains live. Examples are time-major batches of B rows of T
// steps; the loss is taken only where mask is set, which is what makes a shape:
// only at the last step (many-to-one), only after the input (translation), at
// every step (tagging, series).

// shapeKind names the lecture's shapes.
type shapeKind int

const (
	oneToMany shapeKind = iota
	manyToOne
	manyToManyDelay
	manyToManyNow
	seriesNext
	numShapes
)

// example is one sequence of a task: inputs, targets and where the loss counts.
type example struct {
	x, y []int32
	mask []bool
}

// shapeTask is a task with its network, its training stream and its test set.
type shapeTask struct {
	kind  shapeKind
	vocab []string // display name of each token
	zero  int32    // the zero-vector input token, or −1
	T, B  int
	carry bool // the state runs on from one batch to the next (streams)
	// next returns the next training example of batch row b.
	next func(b int) example
	// allowed is the set of tokens an answer is read from (nil: all).
	allowed []int32

	net       *tinyNet
	x, y      []int32
	mask      []bool
	steps     int
	evaluated int     // steps at the last evaluation
	loss      float64 // smoothed training loss

	test []example // fixed test examples, or one long stream for carry tasks
	// testWarm is, for a stream, how many steps are read before scoring.
	testWarm int

	// Latest evaluation.
	acc, base, near, nearBase float64
	preds                     [][]int32 // per test example, the argmax at each masked step
}

// newShapeTask builds the network and buffers; the caller fills the rest first.
func (t *shapeTask) init(seed uint64, cell nets.Cell, hidden int, lr float64) {
	cfg := nets.Config{Cell: cell, Vocab: len(t.vocab), Hidden: hidden, Layers: 1}
	maxT := t.T
	for _, e := range t.test {
		maxT = max(maxT, len(e.x))
	}
	t.net = newTinyNet(cfg, newRand(seed, 200+uint64(t.kind)), t.T, t.B, "adam", lr, 5, t.zero)
	t.x, t.y, t.mask = make([]int32, t.T*t.B), make([]int32, t.T*t.B), make([]bool, t.T*t.B)
	t.loss = math.NaN()
	t.evaluate()
}

// step trains on one batch.
func (t *shapeTask) step() {
	for b := range t.B {
		e := t.next(b)
		for s := range t.T {
			t.x[s*t.B+b], t.y[s*t.B+b], t.mask[s*t.B+b] = e.x[s], e.y[s], e.mask[s]
		}
	}
	n := t.net
	if !t.carry {
		n.st.Reset()
	}
	clear(n.G.Mem)
	n.eng.Forward(t.x, n.st)
	loss := n.maskedGrad(t.y, t.mask)
	n.eng.Backward()
	norm, _ := nets.ClipNorm(n.G.Mem, n.clip)
	n.zeroColumn(n.G)
	if !math.IsNaN(norm) && !math.IsInf(norm, 0) {
		n.opt.Step(n.P.Mem, n.G.Mem)
		n.zeroColumn(n.P)
	}
	t.steps++
	if math.IsNaN(t.loss) {
		t.loss = loss
	} else {
		t.loss = 0.9*t.loss + 0.1*loss
	}
}

// evaluate scores the test set with an engine of its own: exact answers for
// sequence tasks, per step for streams (plus "within one level" for series).
func (t *shapeTask) evaluate() {
	t.evaluated = t.steps
	cfg := t.net.cfg
	if t.carry {
		e := t.test[0]
		eng := nets.NewEngine(cfg, t.net.P, nil, len(e.x), 1)
		st := nets.NewState[float64](cfg, 1)
		eng.Forward(e.x, st)
		var pred []int32
		right, n, near, nearBase, base := 0, 0, 0, 0, 0
		for s := range e.x {
			p := argmaxOf(eng.Logits(s, 0), t.allowed)
			pred = append(pred, p)
			if s < t.testWarm || !e.mask[s] {
				continue
			}
			n++
			if p == e.y[s] {
				right++
			}
			if t.kind == seriesNext {
				// Persistence, "tomorrow as today", is the baseline.
				if e.x[s] == e.y[s] {
					base++
				}
				if iabs(int(p)-int(e.y[s])) <= 1 {
					near++
				}
				if iabs(int(e.x[s])-int(e.y[s])) <= 1 {
					nearBase++
				}
			}
		}
		t.preds = [][]int32{pred}
		t.acc = float64(right) / float64(n)
		if t.kind == seriesNext {
			t.base = float64(base) / float64(n)
			t.near, t.nearBase = float64(near)/float64(n), float64(nearBase)/float64(n)
		} else {
			t.base = majority(e.y[t.testWarm:], e.mask[t.testWarm:])
		}
		return
	}
	eng := nets.NewEngine(cfg, t.net.P, nil, t.T, len(t.test))
	st := nets.NewState[float64](cfg, len(t.test))
	B := len(t.test)
	x := make([]int32, t.T*B)
	var ys []int32
	var masks []bool
	for b, e := range t.test {
		for s := range t.T {
			x[s*B+b] = e.x[s]
		}
	}
	eng.Forward(x, st)
	right := 0
	t.preds = make([][]int32, B)
	for b, e := range t.test {
		ok := true
		for s := range t.T {
			if !e.mask[s] {
				continue
			}
			p := argmaxOf(eng.Logits(s, b), t.allowed)
			t.preds[b] = append(t.preds[b], p)
			ok = ok && p == e.y[s]
			ys = append(ys, e.y[s])
			masks = append(masks, true)
		}
		if ok {
			right++
		}
	}
	t.acc = float64(right) / float64(B)
	t.base = 0
	if t.kind == manyToOne {
		t.base = majority(ys, masks)
	}
}

func argmaxOf(row []float64, allowed []int32) int32 {
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

// majority is the accuracy of always answering the commonest target.
func majority(y []int32, mask []bool) float64 {
	n := map[int32]int{}
	tot := 0
	for i, v := range y {
		if mask[i] {
			n[v]++
			tot++
		}
	}
	best := 0
	for _, c := range n {
		best = max(best, c)
	}
	if tot == 0 {
		return math.NaN()
	}
	return float64(best) / float64(tot)
}

// vocabOf maps display names to ids.
type vocabOf struct {
	names []string
	ids   map[string]int32
}

func newVocabOf(names ...string) *vocabOf {
	v := &vocabOf{ids: map[string]int32{}}
	for _, n := range names {
		v.add(n)
	}
	return v
}

func (v *vocabOf) add(n string) int32 {
	if id, ok := v.ids[n]; ok {
		return id
	}
	id := int32(len(v.names))
	v.names = append(v.names, n)
	v.ids[n] = id
	return id
}

func (v *vocabOf) id(n string) int32 { return v.ids[n] }

// ---- one to many: a digit in, its name out --------------------------------

var digitNames = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

func newDigitsTask(seed uint64) *shapeTask {
	v := newVocabOf("∅", ".")
	for d := range 10 {
		v.add(string(rune('0' + d)))
	}
	for _, w := range digitNames {
		for _, r := range w {
			v.add(string(r))
		}
	}
	const T = 6 // the longest name, 5 letters, then "."
	mk := func(d int) example {
		e := example{x: make([]int32, T), y: make([]int32, T), mask: make([]bool, T)}
		w := digitNames[d] + "."
		for s := range T {
			e.x[s] = v.id("∅") // a vector of zeros after the first step
			if s < len(w) {
				e.y[s] = v.id(string(w[s]))
				e.mask[s] = true
			} else {
				e.y[s] = v.id(".")
			}
		}
		e.x[0] = v.id(string(rune('0' + d)))
		return e
	}
	t := &shapeTask{kind: oneToMany, vocab: v.names, zero: v.id("∅"), T: T, B: 10}
	t.next = func(b int) example { return mk(b) } // every digit in every batch
	for d := range 10 {
		t.test = append(t.test, mk(d))
	}
	t.init(seed, nets.RNN, 32, 0.01)
	return t
}

// ---- many to one: does a line of code hold a string? ----------------------

const lineT = 40 // characters of a line the classifier reads

func newLinesTask(seed uint64) *shapeTask {
	c, err := corpora.Load("code", corpora.Options{Seed: seed})
	if err != nil {
		panic(err)
	}
	v := newVocabOf("∅")
	for _, r := range c.Vocab.Runes() {
		v.add(string(r))
	}
	yes, no := v.add("string"), v.add("none")
	mk := func(line []rune) example {
		if len(line) > lineT {
			line = line[:lineT]
		}
		e := example{x: make([]int32, lineT), y: make([]int32, lineT), mask: make([]bool, lineT)}
		off := lineT - len(line) // left-padded with zero vectors: the answer is always at the last step
		for s := range lineT {
			e.x[s] = v.id("∅")
			e.y[s] = no
		}
		for i, r := range line {
			e.x[off+i] = v.id(string(r))
		}
		e.mask[lineT-1] = true
		if strings.ContainsRune(string(line), '"') {
			e.y[lineT-1] = yes
		}
		return e
	}
	src := c.Stream(0, 1, 0)
	buf := make([]int32, 1)
	readLine := func() []rune {
		var line []rune
		for {
			src.Read(buf)
			r := c.Vocab.Rune(buf[0])
			if r == '\n' {
				if len(strings.TrimSpace(string(line))) > 0 {
					return line
				}
				line = line[:0]
				continue
			}
			line = append(line, r)
		}
	}
	t := &shapeTask{kind: manyToOne, vocab: v.names, zero: v.id("∅"), T: lineT, B: 12, allowed: []int32{yes, no}}
	t.next = func(int) example { return mk(readLine()) }
	_, held := c.Held()
	for _, l := range strings.Split(string(held), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		t.test = append(t.test, mk([]rune(l)))
		if len(t.test) == 120 {
			break
		}
	}
	t.init(seed, nets.GRU, 32, 0.01)
	return t
}

// ---- many to many with a delay: reverse a word ----------------------------

const (
	revLen     = 4
	revSymbols = "ABCDEF"
)

func newReverseTask(seed uint64) *shapeTask {
	v := newVocabOf("∅", "|")
	for _, r := range revSymbols {
		v.add(string(r))
	}
	T := 2*revLen + 1
	mk := func(rng *rand.Rand) example {
		e := example{x: make([]int32, T), y: make([]int32, T), mask: make([]bool, T)}
		w := make([]int32, revLen)
		for i := range w {
			w[i] = v.id(string(revSymbols[rng.IntN(len(revSymbols))]))
		}
		for s := range T {
			e.x[s], e.y[s] = v.id("∅"), v.id("∅")
		}
		copy(e.x, w)
		e.x[revLen] = v.id("|")
		for i := range revLen {
			s := revLen + 1 + i // outputs start after the whole input has been read
			e.y[s] = w[revLen-1-i]
			e.mask[s] = true
		}
		return e
	}
	rng := newRand(seed, 32)
	t := &shapeTask{kind: manyToManyDelay, vocab: v.names, zero: v.id("∅"), T: T, B: 32}
	t.next = func(int) example { return mk(rng) }
	trng := newRand(seed, 33)
	for range 200 {
		t.test = append(t.test, mk(trng))
	}
	t.init(seed, nets.GRU, 64, 0.01)
	return t
}

// ---- many to many without delay: tag each character --------------------

const (
	tagT    = 32
	tagTest = 1200
	tagWarm = 100
)

func newTagTask(seed uint64) *shapeTask {
	c, err := corpora.Load("quotes", corpora.Options{Seed: seed})
	if err != nil {
		panic(err)
	}
	v := newVocabOf()
	for _, r := range c.Vocab.Runes() {
		v.add(string(r))
	}
	in, out := v.add("IN"), v.add("out")
	const B = 8
	// Each row reads its own stream; labels come from the corpus's own labeller,
	// computed over a window that includes everything read so far (kept short).
	type row struct {
		s    *corpora.Stream
		hist []rune
	}
	rows := make([]*row, B)
	for b := range rows {
		rows[b] = &row{s: c.Stream(b, B, 0)}
	}
	buf := make([]int32, tagT)
	mk := func(text []rune, labels []float64) example {
		e := example{x: make([]int32, len(text)), y: make([]int32, len(text)), mask: make([]bool, len(text))}
		for i, r := range text {
			e.x[i] = v.id(string(r))
			e.y[i] = out
			if labels[i] == 1 {
				e.y[i] = in
			}
			e.mask[i] = !math.IsNaN(labels[i])
		}
		return e
	}
	t := &shapeTask{kind: manyToManyNow, vocab: v.names, zero: -1, T: tagT, B: B, carry: true,
		allowed: []int32{in, out}, testWarm: tagWarm}
	t.next = func(b int) example {
		r := rows[b]
		r.s.Read(buf)
		for _, id := range buf {
			r.hist = append(r.hist, c.Vocab.Rune(id))
		}
		if len(r.hist) > 2000 { // labels need the text back to the paragraph's start
			r.hist = r.hist[len(r.hist)-1000:]
		}
		q := quoteLabels(r.hist)
		n := len(r.hist)
		return mk(r.hist[n-tagT:], q[n-tagT:])
	}
	_, held := c.Held()
	text := held[:tagTest]
	t.test = []example{mk(text, quoteLabels(text))}
	t.init(seed, nets.GRU, 32, 0.01)
	return t
}

// quoteLabels is the corpus's "inside a double quote" label for each character.
func quoteLabels(text []rune) []float64 {
	for _, f := range corpora.Labels(text) {
		if f.Name == "quote" {
			return f.Values
		}
	}
	panic("lessons: corpora.Labels has no quote label")
}

// ---- series: tomorrow's price ---------------------------------------------

const (
	priceLevels = 16
	priceT      = 32
	priceTest   = 1200
	priceWarm   = 50
)

// priceSeries is a synthetic "stock price": an AR(2) random process (momentum and
// pull back to the mean, so it swings in cycles of about 20 steps), quantised to
// 16 levels. It is made up, and says so on screen; what matters is that today's
// value alone does not tell tomorrow's and the history does, a little.
type priceSeries struct {
	rng    *rand.Rand
	s1, s2 float64
}

func (p *priceSeries) next() int32 {
	s := 1.8*p.s1 - 0.9*p.s2 + 0.5*p.rng.NormFloat64()
	p.s2, p.s1 = p.s1, s
	q := int(math.Round(7.5 + s/1.2))
	return int32(min(max(q, 0), priceLevels-1))
}

func newPriceTask(seed uint64) *shapeTask {
	v := newVocabOf()
	for k := range priceLevels {
		v.add(string("0123456789ABCDEF"[k]))
	}
	const B = 8
	series := make([]*priceSeries, B)
	last := make([]int32, B)
	for b := range series {
		series[b] = &priceSeries{rng: newRand(seed, 400+uint64(b))}
		for range 50 {
			last[b] = series[b].next()
		}
	}
	mk := func(vals []int32) example {
		n := len(vals) - 1
		e := example{x: vals[:n], y: vals[1:], mask: make([]bool, n)}
		for i := range e.mask {
			e.mask[i] = true
		}
		return e
	}
	t := &shapeTask{kind: seriesNext, vocab: v.names, zero: -1, T: priceT, B: B, carry: true, testWarm: priceWarm}
	t.next = func(b int) example {
		vals := make([]int32, priceT+1)
		vals[0] = last[b]
		for i := 1; i <= priceT; i++ {
			vals[i] = series[b].next()
		}
		last[b] = vals[priceT]
		return mk(vals)
	}
	ts := &priceSeries{rng: newRand(seed, 499)}
	vals := make([]int32, priceTest+1)
	for i := range vals {
		vals[i] = ts.next()
	}
	t.test = []example{mk(vals)}
	t.init(seed, nets.GRU, 32, 0.01)
	return t
}
