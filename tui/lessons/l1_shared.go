package lessons

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui/cells"
)

func lesson1() Lesson {
	return Lesson{
		N: 1,
		Title: map[Lang]string{
			EN: "Recurrence and shared weights",
			KO: "순환 구조와 가중치 공유",
		},
		Text: map[Lang][]string{
			EN: {
				"An RNN reads a sequence one time step at a time. At each step it combines the input x_t with its own previous hidden state h_{t−1}: h_t = tanh(W_xh·x_t + W_hh·h_{t−1} + b), starting from h_0 = 0. The hidden state carries what it has read so far to the next step.",
				"The most important point: the same W_xh, W_hh and W_hy are used at every time step. Below is a real 3-unit RNN unrolled over \"hell\"; its weights are printed once, because there is only one copy of them. The output y_t = W_hy·h_t is a linear layer on the hidden state, here at every step. The hidden size (3) is a hyperparameter.",
			},
			KO: {
				"RNN은 시퀀스를 한 time step씩 읽는다. 매 step마다 입력 x_t와 직전의 은닉 상태 h_{t−1}을 선형 결합해 h_t = tanh(W_xh·x_t + W_hh·h_{t−1} + b)를 만든다. 처음에는 h_0 = 0(모두 0인 벡터)에서 출발하고, 은닉 상태가 지금까지 읽은 정보를 다음 step으로 넘겨 준다.",
				"가장 중요한 특징은 모든 time step에서 같은 W_xh, W_hh, W_hy를 공유한다는 점이다. 아래는 은닉 유닛 3개짜리 실제 RNN을 \"hell\"에 대해 펼친 것인데, 가중치는 딱 한 벌뿐이라 한 번만 찍혀 있다. 출력 y_t = W_hy·h_t는 은닉 상태 위에 얹은 선형 층이고, 여기서는 매 step마다 출력한다. 은닉 상태의 크기(3)는 하이퍼파라미터다.",
			},
		},
		Screen: "scope", Preset: "hello",
		New: newShared,
	}
}

// sharedDemo is lesson 1: a 3-unit vanilla RNN on "hello" with its weights, the
// unrolled steps and the arithmetic of one step.
type sharedDemo struct {
	seed    uint64
	draws   uint64 // how many times "r" drew new weights
	hello   *helloNet
	pending int  // training steps still to take
	sel     int  // the step whose arithmetic is shown (0-based)
	arith   bool // when only one fits: the arithmetic rather than the weights
	steps   []stepArith
}

const sharedHidden = 3

func newShared(seed uint64) Demo {
	d := &sharedDemo{seed: seed, hello: newHelloNet(seed, 1, sharedHidden, 0.02), sel: 2}
	d.unroll()
	return d
}

// unroll recomputes every step by hand from h₀ = 0, reading the one set of weights.
func (d *sharedDemo) unroll() {
	d.steps = d.steps[:0]
	var hprev []float64
	for t := range d.hello.x {
		s := d.hello.arith(t, hprev)
		d.steps = append(d.steps, s)
		hprev = s.h
	}
}

func (d *sharedDemo) Step() bool {
	if d.pending == 0 {
		return false
	}
	k := min(d.pending, 2)
	d.hello.train(k)
	d.pending -= k
	d.unroll()
	return true
}

func (d *sharedDemo) Key(k string) bool {
	switch k {
	case "t":
		d.pending += 20
	case "left":
		d.sel = max(d.sel-1, 0)
		d.arith = true
	case "right":
		d.sel = min(d.sel+1, len(d.hello.x)-1)
		d.arith = true
	case "a":
		d.arith = !d.arith
	case "r":
		d.draws++
		d.hello = newHelloNet(d.seed, 1+d.draws<<8, sharedHidden, 0.02) // a new draw of the same seed's stream
		d.pending = 0
		d.unroll()
	default:
		return false
	}
	return true
}

func (d *sharedDemo) Keys(lang Lang) []Key {
	return []Key{
		{"t", tr(lang, "train 20 steps", "20 step 학습")},
		{"left", tr(lang, "← → the arithmetic of a step", "← → 한 step의 계산")},
		{"a", tr(lang, "weights / arithmetic (small screens)", "가중치 / 계산 (작은 화면)")},
		{"r", tr(lang, "new random weights", "가중치 새로 뽑기")},
	}
}

func (d *sharedDemo) Facts() map[string]string {
	f := map[string]string{"steps": fmt.Sprint(d.hello.net.Steps)}
	same := true
	for _, s := range d.steps {
		same = same && s.whh == d.steps[0].whh && s.wih == d.steps[0].wih && s.why == d.steps[0].why
	}
	f["same_weights"] = fmt.Sprint(same)
	// The hand arithmetic must be the engine's own numbers.
	worst := 0.0
	for t, s := range d.steps {
		for i, v := range s.h {
			worst = max(worst, abs(v-d.hello.hs[t][i]))
		}
		for k, v := range s.y {
			worst = max(worst, abs(v-d.hello.logits[t][k]))
		}
	}
	f["max_diff_from_engine"] = fmt.Sprintf("%.1e", worst)
	var preds []string
	for _, p := range d.hello.pred {
		preds = append(preds, helloVocab[p])
	}
	f["preds"] = strings.Join(preds, "")
	return f
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func (d *sharedDemo) View(w, h int, st *themes.Styles, lang Lang) string {
	if s, ok := tooSmall(w, h, st, lang); ok {
		return s
	}
	p := d.hello.net.P
	l := p.Layers[0]
	H, V := sharedHidden, 4
	const cw = 6 // one number: " +0.12"
	nv := func(v float64) string { return cells.Right(num(v, 2), cw) }
	colour := func(v float64) string {
		s := nv(v)
		if v >= 0 {
			return st.Pos.Render(s)
		}
		return st.Neg.Render(s)
	}

	// The one set of weights.
	var wts []string
	names := ljust("", 3) + ljust("W_xh", 4*cw) + "  " + ljust("W_hh", 3*cw) + "  " + cells.Right("b", cw) + "   " + ljust("W_hy", 3*cw+2)
	wts = append(wts, st.Title.Render(names)+st.Muted.Render(cells.FirstFit(max(w-len(names), 0),
		tr(lang, "  (one copy of each)", "  (각각 딱 한 벌)"), "")))
	wts = append(wts, st.Label.Render(ljust("", 3)+cols(cw, helloVocab...)+"  "+cols(cw, "h1", "h2", "h3")+
		"  "+strings.Repeat(" ", cw)+"   "+ljust("", 2)+cols(cw, "h1", "h2", "h3")))
	for r := range V {
		var b strings.Builder
		if r < H {
			b.WriteString(st.Muted.Render(ljust(fmt.Sprintf("h%d", r+1), 3)))
			for j := range V {
				b.WriteString(colour(l.Wih.Data[r*V+j]))
			}
			b.WriteString("  ")
			for j := range H {
				b.WriteString(colour(l.Whh.Data[r*H+j]))
			}
			b.WriteString("  ")
			b.WriteString(colour(l.Bih[r] + l.Bhh[r]))
		} else {
			b.WriteString(strings.Repeat(" ", 3+4*cw+2+3*cw+2+cw))
		}
		b.WriteString("   " + st.Muted.Render(helloVocab[r]+" "))
		for j := range H {
			b.WriteString(colour(p.Whead.Data[r*H+j]))
		}
		wts = append(wts, b.String())
	}

	// The network unrolled: one column per time step.
	const lw = 16
	colW := max(min((w-lw)/4, 14), 8)
	var unr []string
	row := func(label string, entries []string) string {
		var b strings.Builder
		b.WriteString(st.Label.Render(ljust(label, lw)))
		for _, c := range entries {
			b.WriteString(cells.Right(c, colW))
		}
		return b.String()
	}
	var xs, ys, ws []string
	for t := range d.steps {
		mark := " "
		if t == d.sel {
			mark = "▸"
		}
		xs = append(xs, st.Accent.Render(fmt.Sprintf("%s t=%d: %s", mark, t+1, helloVocab[d.hello.x[t]])))
		p := d.hello.pred[t]
		ok := "✓"
		if p != d.hello.y[t] {
			ok = "✗"
		}
		ys = append(ys, fmt.Sprintf("%s %s", helloVocab[p], ok))
		ws = append(ws, st.Muted.Render(tr(lang, "same W", "같은 W")))
	}
	unr = append(unr, row(tr(lang, "input x_t", "입력 x_t"), xs))
	for i := range H {
		var cells []string
		for _, s := range d.steps {
			cells = append(cells, colour(s.h[i]))
		}
		unr = append(unr, row(fmt.Sprintf("h_t[%d]", i+1), cells))
	}
	unr = append(unr, row(tr(lang, "y_t → next char", "y_t → 다음 글자"), ys))
	unr = append(unr, row(tr(lang, "weights read", "읽은 가중치"), ws))

	// The arithmetic of the selected step.
	s := d.steps[d.sel]
	t := d.sel + 1
	var ar []string
	x := helloVocab[d.hello.x[d.sel]]
	ar = append(ar, st.Title.Render(ljust(fmt.Sprintf("t=%d", t), 4)+cols(9,
		fmt.Sprintf("W_xh·x_%d", t), fmt.Sprintf("W_hh·h_%d", t-1), "b", "a", fmt.Sprintf("h_%d", t)))+
		st.Muted.Render(cells.FirstFit(max(w-49, 0),
			tr(lang, fmt.Sprintf("   h = tanh(a); x_%d one-hot: column %q", t, x), fmt.Sprintf("   h = tanh(a); %s 원-핫: %q 열", josa(fmt.Sprintf("x_%d", t), "은", "는"), x)),
			tr(lang, fmt.Sprintf("   x_%d: column %q", t, x), fmt.Sprintf("   x_%d: %q 열", t, x)), "")))
	for i := range H {
		ar = append(ar, st.Muted.Render(ljust(fmt.Sprintf("h%d", i+1), 4))+
			cells.Right(num(s.wx[i], 2), 9)+st.Muted.Render(" +")+cells.Right(num(s.wh[i], 2), 7)+st.Muted.Render(" +")+
			cells.Right(num(s.b[i], 2), 7)+st.Muted.Render(" =")+cells.Right(num(s.a[i], 2), 7)+st.Muted.Render(" →")+
			st.Value.Render(cells.Right(num(s.h[i], 2), 7)))
	}
	var yb strings.Builder
	yb.WriteString(fmt.Sprintf("y_%d = W_hy·h_%d + b_y = ", t, t))
	for k := range V {
		if k > 0 {
			yb.WriteString("  ")
		}
		yb.WriteString(helloVocab[k] + " " + num(s.y[k], 2))
	}
	yb.WriteString("  → ")
	ar = append(ar, yb.String()+st.Value.Render(fmt.Sprintf("%q", helloVocab[d.hello.pred[d.sel]])))

	status := st.Muted.Render(tr(lang,
		fmt.Sprintf("trained %d steps · mean loss %.3f nats · right %d of 4", d.hello.net.Steps, d.hello.mean, d.hello.right()),
		fmt.Sprintf("학습 %d step · 평균 손실 %.3f nats · 4개 중 %d개 맞춤", d.hello.net.Steps, d.hello.mean, d.hello.right())))

	// Stack the sections in the rows there are: all three with blank lines
	// between, all three, or the unrolled steps with either the weights or the
	// arithmetic (a, ← and → switch).
	need := len(wts) + len(unr) + len(ar) + 1
	other := wts
	if d.arith {
		other = ar
	}
	var out []string
	switch {
	case h >= need+2:
		out = slices.Concat(wts, []string{""}, unr, []string{""}, ar)
	case h >= need:
		out = slices.Concat(wts, unr, ar)
	case h >= len(other)+len(unr)+2 && d.arith:
		out = slices.Concat(unr, []string{""}, other)
	case h >= len(other)+len(unr)+2:
		out = slices.Concat(other, []string{""}, unr)
	default:
		out = unr
	}
	for len(out) < h-1 {
		out = append(out, "")
	}
	out = append(out, status)
	return cells.Fit(out, w, h)
}
