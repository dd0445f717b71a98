package lessons

import (
	"fmt"
	"math"
	"strings"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui/cells"
)

func lesson4() Lesson {
	return Lesson{
		N: 4,
		Title: map[Lang]string{
			EN: "Truncated backpropagation through time",
			KO: "Truncated BPTT: 잘라서 하는 역전파",
		},
		Text: map[Lang][]string{
			EN: {
				"Training an RNN means backpropagating through time: the gradient of a loss flows back through every step that led to it. A long text does not fit in memory that way, so training cuts the stream into chunks of T characters and backpropagates inside each chunk only.",
				"Below, a vanilla RNN trains on a stream in chunks of T = 20. The state h is carried from one chunk to the next as values, so the network still reads the text as one stream. The gradient is not: the bars show ‖∂L/∂h_t‖ for the loss at the end of the current chunk. Inside the chunk it fades with distance; before the chunk's first step it is exactly 0. The row above shows what one long tape over all three chunks would have computed there.",
			},
			KO: {
				"RNN은 시간을 거슬러 역전파(BPTT)해서 학습한다. 어떤 손실의 기울기는 그 손실에 이르기까지 거쳐 온 모든 step을 거꾸로 지나간다. 그런데 문장이 길어지면 한정된 메모리에 다 담을 수 없다. 그래서 긴 스트림을 T 글자씩 잘라(truncation), 각 조각 안에서만 역전파한다.",
				"아래에서는 vanilla RNN이 T = 20 글자 조각으로 학습하고 있다. 은닉 상태 h는 값으로 다음 조각에 넘겨주므로, 네트워크는 여전히 글 전체를 하나의 스트림으로 읽는다. 하지만 기울기는 넘어가지 않는다. 막대는 지금 조각의 마지막 글자에서 잰 손실의 ‖∂L/∂h_t‖다. 조각 안에서는 멀어질수록 약해지다가, 조각의 첫 step 이전에서는 정확히 0이 된다. 그 위 줄은 세 조각을 한 번에 역전파했다면 그 자리에 얼마가 흘러갔을지 보여 준다.",
			},
		},
		Screen: "gradients", Preset: "gradients",
		New: newBPTT,
	}
}

const (
	bpttT      = 20 // truncation length
	bpttChunks = 3  // chunks on screen: k−2, k−1 and the current one
	bpttHidden = 32
	bpttBatch  = 8  // streams trained in parallel; stream 0 is the one shown
	bpttPace   = 25 // frames per chunk when playing (one chunk a second at 25 fps)
)

// bpttDemo is lesson 4: a vanilla RNN trained by truncated BPTT, its chunks, the
// state carried across them and the gradient stopped at the boundary.
type bpttDemo struct {
	corpus  *corpora.Corpus
	streams []*corpora.Stream
	tee0    *teeStream
	tr      *nets.Trainer

	// The last bpttChunks chunks of stream 0: tokens (T+1 each: inputs and the
	// target after them) and the state before each chunk.
	chunks [][]int32
	starts [][]float64 // [chunk] h before it (stream 0)
	ends   [][]float64 // [chunk] h after it (stream 0)

	// Measurements of the newest chunk's last-step loss, by screen position.
	trunc []float64 // ‖∂L/∂h_t‖ with truncation: the current chunk only
	full  []float64 // with one tape over all chunks on screen
	seen  []bool    // positions GradObserve reported under truncation

	frame  int
	paused bool
	loss   float64

	single, triple *nets.Engine[float64] // measuring engines (no training)
	g1, g3         *nets.Params[float64]
}

func newBPTT(seed uint64) Demo {
	c, err := corpora.Load("quotes", corpora.Options{Seed: seed})
	if err != nil {
		panic(err)
	}
	cfg := nets.Config{Cell: nets.RNN, Vocab: c.Vocab.Size(), Hidden: bpttHidden, Layers: 1}
	p := nets.NewParams[float64](cfg)
	nets.Init(cfg, p, newRand(seed, 4), 0)
	d := &bpttDemo{corpus: c}
	ns := make([]nets.Stream, bpttBatch)
	for b := range ns {
		s := c.Stream(b, bpttBatch, 0)
		d.streams = append(d.streams, s)
		t := &teeStream{s: s, keep: b == 0}
		if b == 0 {
			d.tee0 = t
		}
		ns[b] = t
	}
	tr, err := nets.NewTrainer(cfg, p, nets.TrainConfig{Seq: bpttT, Batch: bpttBatch, Optimizer: "adam", LR: 3e-3, Clip: 5}, ns)
	if err != nil {
		panic(err)
	}
	d.tr = tr
	d.g1, d.g3 = nets.NewParams[float64](cfg), nets.NewParams[float64](cfg)
	d.single = nets.NewEngine(cfg, p, d.g1, bpttT, 1)
	d.triple = nets.NewEngine(cfg, p, d.g3, bpttT*bpttChunks, 1)
	for range bpttChunks {
		d.advance()
	}
	return d
}

// teeStream passes a corpus stream to the trainer and shows stream 0's tokens to
// the demo, so the chunks on screen are exactly the ones trained on.
type teeStream struct {
	s    *corpora.Stream
	keep bool
	last []int32
}

func (t *teeStream) Read(dst []int32) {
	t.s.Read(dst)
	if t.keep {
		t.last = append(t.last[:0], dst...)
	}
}

// advance trains one chunk (all streams) and measures the gradient of its last
// step's loss, with and without truncation.
func (d *bpttDemo) advance() {
	before := append([]float64(nil), d.tr.State.H[0][:bpttHidden]...)
	st := d.tr.Step()
	d.loss = st.Loss
	after := append([]float64(nil), d.tr.State.H[0][:bpttHidden]...)
	// Stream 0's chunk: the trainer read T tokens (T+1 the first time); its inputs
	// were the carry token followed by all but the last of them.
	var chunk []int32
	if len(d.chunks) == 0 {
		chunk = append(chunk, d.tee0.last...) // the first read: T+1 tokens
	} else {
		prev := d.chunks[len(d.chunks)-1]
		chunk = append([]int32{prev[len(prev)-1]}, d.tee0.last...)
	}
	d.chunks = append(d.chunks, chunk)
	d.starts = append(d.starts, before)
	d.ends = append(d.ends, after)
	if len(d.chunks) > bpttChunks {
		d.chunks, d.starts, d.ends = d.chunks[1:], d.starts[1:], d.ends[1:]
	}
	d.measure()
}

// measure runs the newest chunk's last-step loss backward two ways.
func (d *bpttDemo) measure() {
	n := len(d.chunks)
	N := n * bpttT
	d.trunc, d.full, d.seen = make([]float64, N), make([]float64, N), make([]bool, N)
	cfg := d.tr.Config
	last := d.chunks[n-1]
	// Truncated: the current chunk alone, from the carried state.
	st := nets.NewState[float64](cfg, 1)
	copy(st.H[0], d.starts[n-1])
	d.single.P = d.tr.P
	d.single.GradObserve = func(_, t int, dh []float64) {
		d.trunc[(n-1)*bpttT+t] = norm2(dh)
		d.seen[(n-1)*bpttT+t] = true
	}
	d.single.Forward(last[:bpttT], st)
	lastStepGrad(d.single, last[bpttT], bpttT)
	clear(d.g1.Mem)
	d.single.Backward()
	// One tape over every chunk on screen, from the state before the first.
	var x []int32
	for _, c := range d.chunks {
		x = append(x, c[:bpttT]...)
	}
	st.Reset()
	copy(st.H[0], d.starts[0])
	eng := d.triple
	if n < bpttChunks {
		eng = nets.NewEngine(cfg, d.tr.P, d.g3, N, 1)
	}
	eng.P = d.tr.P
	eng.GradObserve = func(_, t int, dh []float64) { d.full[t] = norm2(dh) }
	eng.Forward(x, st)
	lastStepGrad(eng, last[bpttT], N)
	clear(d.g3.Mem)
	eng.Backward()
}

// lastStepGrad writes ∂L/∂logits for the loss −log p(y) at the last of T steps
// only (every other step contributes nothing).
func lastStepGrad(e *nets.Engine[float64], y int32, T int) {
	dl := e.DLogits()
	clear(dl)
	v := e.Config().Vocab
	row := e.Logits(T-1, 0)
	d := dl[(T-1)*v : T*v]
	softmax(d, row)
	d[y]--
}

func norm2(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

func (d *bpttDemo) Step() bool {
	if d.paused {
		return false
	}
	d.frame++
	if d.frame%bpttPace == 0 {
		d.advance()
	}
	return true
}

func (d *bpttDemo) Key(k string) bool {
	switch k {
	case "space":
		d.paused = !d.paused
	case "n":
		d.advance()
	default:
		return false
	}
	return true
}

func (d *bpttDemo) Keys(lang Lang) []Key {
	return []Key{
		{"space", tr(lang, "pause / play", "멈춤 / 재생")},
		{"n", tr(lang, "next chunk", "다음 조각")},
	}
}

func (d *bpttDemo) Facts() map[string]string {
	n := len(d.chunks)
	b := (n - 1) * bpttT // first position of the current chunk
	f := map[string]string{"chunks_trained": fmt.Sprint(d.tr.Steps)}
	before, beforeFull := 0.0, 0.0
	for t := range b {
		before = max(before, d.trunc[t])
		beforeFull = max(beforeFull, d.full[t])
	}
	f["trunc_grad_before_boundary"] = fmt.Sprint(before)
	f["full_grad_before_boundary"] = fmt.Sprintf("%.3g", beforeFull)
	f["trunc_grad_first_step"] = fmt.Sprintf("%.3g", d.trunc[b])
	seen := 0
	for _, s := range d.seen {
		if s {
			seen++
		}
	}
	f["trunc_steps_observed"] = fmt.Sprint(seen)
	same := true
	for i := 1; i < n; i++ {
		for j := range d.starts[i] {
			same = same && d.starts[i][j] == d.ends[i-1][j]
		}
	}
	f["state_carried"] = fmt.Sprint(same)
	return f
}

func (d *bpttDemo) View(w, h int, st *themes.Styles, lang Lang) string {
	if s, ok := tooSmall(w, h, st, lang); ok {
		return s
	}
	n := len(d.chunks)
	const lw = 14
	var out []string
	out = append(out, st.Title.Render(tr(lang, fmt.Sprintf("Chunks of T = %d", bpttT), fmt.Sprintf("T = %d 글자씩 자른 조각", bpttT)))+
		st.Muted.Render(fmt.Sprintf("  %s %d · %s %.2f nats", tr(lang, "chunks trained", "학습한 조각"), d.tr.Steps,
			tr(lang, "loss", "손실"), d.loss)))
	label := func(s string) string { return st.Label.Render(ljust(s, lw)) }
	sep := st.Grid.Render("│")
	var names, text strings.Builder
	for c := range n {
		name := fmt.Sprintf("k−%d", n-1-c)
		if c == n-1 {
			name = tr(lang, "k (now)", "k (지금)")
		}
		names.WriteString(sep + st.Muted.Render(ljust(name, bpttT)))
		rs := make([]rune, bpttT)
		for i, id := range d.chunks[c][:bpttT] {
			rs[i] = visible(d.corpus.Vocab.Rune(id))
		}
		text.WriteString(sep + string(rs))
	}
	out = append(out, label(tr(lang, "chunk", "조각"))+names.String()+sep)
	out = append(out, label(tr(lang, "text", "글"))+text.String()+sep)

	// Gradient rows: log-scaled bars, "·" where the gradient is exactly 0.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range append(append([]float64(nil), d.full...), d.trunc...) {
		if v > 0 {
			lo, hi = min(lo, math.Log10(v)), max(hi, math.Log10(v))
		}
	}
	bars := func(vals []float64) string {
		var b strings.Builder
		for c := range n {
			b.WriteString(sep)
			for _, v := range vals[c*bpttT : (c+1)*bpttT] {
				if v == 0 {
					b.WriteString(st.Muted.Render("·"))
					continue
				}
				f := 1.0
				if hi > lo {
					f = (math.Log10(v) - lo) / (hi - lo)
				}
				b.WriteString(themes.Spark(0.12 + 0.88*f))
			}
		}
		return b.String() + sep
	}
	out = append(out, st.Accent.Render(tr(lang, "‖∂L/∂h_t‖ for the loss at the last character (log scale)",
		"마지막 글자 손실의 ‖∂L/∂h_t‖ (로그 눈금)")))
	out = append(out, label(tr(lang, "one long tape", "한 번에 역전파"))+bars(d.full))
	out = append(out, label(tr(lang, "truncated", "잘라서 역전파"))+bars(d.trunc))
	b := (n - 1) * bpttT
	if n > 1 {
		out = append(out, st.Muted.Render(tr(lang,
			fmt.Sprintf("just before the boundary: one tape %s · truncated %s (exactly)", sci(d.full[b-1]), sci(d.trunc[b-1])),
			fmt.Sprintf("경계 바로 앞: 한 번에 %s · 잘라서 %s (정확히 0)", sci(d.full[b-1]), sci(d.trunc[b-1])))))
		out = append(out, st.Muted.Render(tr(lang,
			fmt.Sprintf("at the chunk's first step: %s · at its last: %s", sci(d.trunc[b]), sci(d.trunc[len(d.trunc)-1])),
			fmt.Sprintf("조각의 첫 step: %s · 마지막 step: %s", sci(d.trunc[b]), sci(d.trunc[len(d.trunc)-1])))))
	}
	// The carried state.
	if n > 1 {
		out = append(out, "")
		out = append(out, st.Accent.Render(tr(lang, "The state crosses the boundary as values (first 6 of 32 units):",
			"경계를 넘어가는 건 은닉 상태의 값뿐이다 (32개 중 앞의 6개):")))
		vec := func(v []float64) string {
			var s []string
			for _, x := range v[:6] {
				s = append(s, num(x, 2))
			}
			return strings.Join(s, " ") + " …"
		}
		out = append(out, label(tr(lang, "end of k−1", "k−1의 끝"))+vec(d.ends[n-2]))
		out = append(out, label(tr(lang, "start of k", "k의 시작"))+vec(d.starts[n-1])+"  "+
			st.Muted.Render(tr(lang, "same numbers; no gradient", "같은 값, 기울기는 없음")))
	}
	return cells.Fit(out, w, h)
}
