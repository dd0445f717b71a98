package lessons

import (
	"math"
	"strings"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
)

// snippet is a stretch of held-out text read by a network from h₀ = 0 after a
// warm-up, with every unit's h, c and gates recorded at every step: what the
// LSTM, GRU and gates lessons draw. It records a chunk per call of step, so a
// frame never does more than ~128 steps of work.
type snippet struct {
	net   string // what is being read: "pretrained", "init", or "N chars" while training
	cfg   nets.Config
	text  []rune // the scored characters
	rec   *recorder
	ready bool
}

// snippetLen is how many characters a snippet shows at most.
const snippetLen = 160

// pickSnippet chooses where to read: the first line of the window's scored text
// that holds want (e.g. a quote mark) and is at least 40 characters long, with
// the window's own warm-up before it.
func pickSnippet(ids []int32, text []rune, warmup int, want string) (start int) {
	line := warmup
	for i := warmup; i < len(text)-snippetLen; i++ {
		if text[i] == '\n' {
			l := string(text[line:i])
			if len([]rune(l)) >= 40 && (want == "" || strings.Contains(l, want)) {
				return line
			}
			line = i + 1
		}
	}
	return warmup
}

// newSnippet records p reading ids[:start+snippetLen], scoring from start.
func newSnippet(cfg nets.Config, p *nets.Params[float64], ids []int32, text []rune, start int, what string) *snippet {
	end := min(start+snippetLen, len(ids))
	w := &probe.Window{IDs: ids[:end], Text: text[:end], Warmup: start}
	return &snippet{net: what, cfg: cfg, text: text[start:end], rec: newRecorder(cfg, p, w, probe.Options{})}
}

// step records the next chunk; it reports whether there was work.
func (s *snippet) step() bool {
	if s.ready {
		return false
	}
	if s.rec.done() {
		s.ready = true
		return true
	}
	ids := s.rec.win.IDs
	x := ids[s.rec.pos:min(s.rec.pos+recordChunk, len(ids))]
	s.rec.eng.Forward(x, s.rec.st)
	s.rec.pos += len(x)
	if s.rec.done() {
		s.ready = true
	}
	return true
}

// T is the number of recorded steps.
func (s *snippet) T() int { return s.rec.rec.T }

// h, c are unit u's hidden and cell state over the snippet (views).
func (s *snippet) h(u int) []float64 { return s.rec.rec.Series(probe.Unit{Index: u}) }
func (s *snippet) c(u int) []float64 { return s.rec.rec.Series(probe.Unit{Index: u, Cell: true}) }

// gate is gate block g (0-based in PyTorch order) of unit u over the snippet.
func (s *snippet) gate(g, u int) []float64 {
	T := s.T()
	k := g*s.cfg.Hidden + u
	return s.rec.rec.Gates[0][k*T : (k+1)*T]
}

// saturation returns, for gate block g over every unit and step, the share of
// values below 0.1 and above 0.9.
func (s *snippet) saturation(g int) (shut, open float64) {
	T, H := s.T(), s.cfg.Hidden
	all := s.rec.rec.Gates[0][g*H*T : (g+1)*H*T]
	for _, v := range all {
		if v < 0.1 {
			shut++
		} else if v > 0.9 {
			open++
		}
	}
	n := float64(len(all))
	return shut / n, open / n
}

// liveNet trains a network live for the "from scratch" keys of lessons 7–9, 128
// characters a frame, and re-reads its snippet every liveEvery steps.
type liveNet struct {
	tr    *nets.Trainer
	ids   []int32
	text  []rune
	start int
	snip  *snippet // the latest complete reading
	next  *snippet // being recorded
}

const (
	liveBatch = 4
	liveSeq   = 32
	liveEvery = 100
)

func newLiveNet(seed uint64, c *corpora.Corpus, cell nets.Cell, ids []int32, text []rune, start int) *liveNet {
	cfg := nets.Config{Cell: cell, Vocab: c.Vocab.Size(), Hidden: 128, Layers: 1}
	p := nets.NewParams[float64](cfg)
	nets.Init(cfg, p, newRand(seed, 70+uint64(cell)), 0)
	streams := make([]nets.Stream, liveBatch)
	for b := range streams {
		streams[b] = c.Stream(b, liveBatch, 0)
	}
	tr, err := nets.NewTrainer(cfg, p, nets.TrainConfig{Seq: liveSeq, Batch: liveBatch, Optimizer: "adam", LR: 2e-3, Clip: 5}, streams)
	if err != nil {
		panic(err)
	}
	l := &liveNet{tr: tr, ids: ids, text: text, start: start}
	l.next = newSnippet(cfg, l.copyParams(), ids, text, start, "0")
	return l
}

// copyParams snapshots the weights, so a reading in progress is of one network.
func (l *liveNet) copyParams() *nets.Params[float64] {
	p := nets.NewParams[float64](l.tr.Config)
	copy(p.Mem, l.tr.P.Mem)
	return p
}

// step records a chunk of the reading in progress, or trains one step.
func (l *liveNet) step() {
	if l.next != nil {
		l.next.step()
		if l.next.ready {
			l.snip, l.next = l.next, nil
		}
		return
	}
	l.tr.Step()
	if l.tr.Steps%liveEvery == 0 {
		l.next = newSnippet(l.tr.Config, l.copyParams(), l.ids, l.text, l.start, count(l.tr.Chars))
	}
}

// spanProduct is ∏ vals[t−k+1..t], the product of the last k values up to t.
func spanProduct(vals []float64, t, k int) float64 {
	p := 1.0
	for s := max(t-k+1, 0); s <= t; s++ {
		p *= vals[s]
	}
	return p
}

// rangeOf is the largest |v| of vals, at least eps.
func rangeOf(vals []float64, eps float64) float64 {
	m := eps
	for _, v := range vals {
		m = max(m, math.Abs(v))
	}
	return m
}
