package lessons

import (
	"fmt"
	"math"
	"strings"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui/cells"
)

func lesson5() Lesson {
	return Lesson{
		N: 5,
		Title: map[Lang]string{
			EN: "Reading a hidden unit",
			KO: "은닉 상태의 한 차원 읽기",
		},
		Text: map[Lang][]string{
			EN: {
				"Fix one dimension of the hidden state and watch its value as the text goes by. Some dimensions take on a role: one stays high or low depending on whether the text is inside quotes, another follows how deeply nested the code is. Nobody told the network to do this; it found that remembering these things helps it predict the next character.",
				"rnnscope does not guess which unit it is: its probe ranks every unit against labels it knows (inside quotes, inside an if-block, brace depth) on text the network never trained on, and says in plain words what the best one tracks, claiming no more than the numbers show. The text below is coloured by that unit.",
			},
			KO: {
				"은닉 상태 벡터의 차원 하나를 고정하고, 글이 진행됨에 따라 그 값이 어떻게 변하는지 살펴보자. 어떤 차원은 특정한 역할을 맡는다. 어떤 것은 따옴표 안이냐 밖이냐에 따라 값이 높게 또는 낮게 유지되고, 어떤 것은 코드가 얼마나 깊이 중첩되어 있는지를 따라간다. 아무도 시키지 않았는데, 그걸 기억하는 게 다음 글자 예측에 도움이 되니까 네트워크가 스스로 찾아낸 것이다.",
				"rnnscope는 어느 유닛인지 짐작하지 않는다. 학습에 쓰지 않은 글에서 모든 유닛을 정답 라벨(따옴표 안, if 블록 안, 중괄호 깊이)과 비교해 순위를 매기고, 가장 잘 맞는 유닛이 무엇을 따라가는지 숫자가 보여 주는 만큼만 말로 설명한다. 아래 글의 색이 바로 그 유닛의 값이다.",
			},
		},
		Screen: "scope", Preset: "quotes",
		New: newUnits,
	}
}

// unitCase is one unit to read: a label on an embedded model.
type unitCase struct {
	model, label string
}

func unitCases() []unitCase {
	return []unitCase{{modelQuotes, "quote"}, {modelCode, "quote"}, {modelCode, "depth"}, {modelCode, "if"}}
}

// unitsDemo is lesson 5: the units rnnscope's probe finds on the embedded models,
// with the text coloured by them; or a network trained live from scratch.
type unitsDemo struct {
	seed  uint64
	cases []unitCase
	cur   int
	top   int // first text line shown

	// Pretrained view.
	model *pretrained
	fact  unitFact
	win   *probe.Window
	rec   *recorder // records the window as far as it is shown

	scratch *scratchRun
}

func newUnits(seed uint64) Demo {
	d := &unitsDemo{seed: seed, cases: unitCases()}
	d.load()
	return d
}

// load shows the current case on its embedded model.
func (d *unitsDemo) load() {
	c := d.cases[d.cur]
	if d.model == nil || d.model.File != c.model {
		d.model = mustPretrained(c.model)
		w, _, err := heldWindow(d.model.Corpus, d.model.Seed, d.model.Ck.Vocab)
		if err != nil {
			panic(err)
		}
		d.win = w
		d.rec = newRecorder(d.model.Ck.Config, d.model.Ck.Params, w, probe.Options{})
	}
	for _, f := range pretrainedFacts() {
		if f.Model == c.model && f.Label == c.label {
			d.fact = f
		}
	}
	d.top = d.firstInteresting()
}

// firstInteresting is the line before the first one where the label holds (or,
// for depth, where the depth reaches 2), so the text starts where there is
// something to see.
func (d *unitsDemo) firstInteresting() int {
	var label []float64
	for _, lf := range d.win.Labels {
		if lf.Name == d.fact.Label {
			label = lf.Values
		}
	}
	want := 1.0
	if d.fact.Label == "depth" {
		want = 2
	}
	for i, l := range d.lines() {
		for t := l[0]; t < l[1]; t++ {
			if label[t] >= want {
				return max(i-1, 0)
			}
		}
	}
	return 0
}

// need is how many window tokens must be recorded to show lines up to the top
// one plus rows.
func (d *unitsDemo) need(rows int) int {
	lines := d.lines()
	last := min(d.top+rows, len(lines))
	if last == 0 {
		return d.win.Warmup
	}
	return d.win.Warmup + lines[last-1][1]
}

// lines splits the scored text into display lines: [start, end) offsets.
func (d *unitsDemo) lines() [][2]int {
	text := d.win.Text[d.win.Warmup:]
	var out [][2]int
	start := 0
	for i, r := range text {
		if r == '\n' {
			out = append(out, [2]int{start, i})
			start = i + 1
		}
	}
	return out
}

const unitRowsShown = 12 // text lines recorded ahead of time

func (d *unitsDemo) Step() bool {
	if d.scratch != nil {
		return d.scratch.step()
	}
	// Record in chunks until every line that can be shown is ready.
	if d.rec.pos < min(d.need(d.top+unitRowsShown), len(d.win.IDs)) {
		d.rec.step()
		return true
	}
	return false
}

func (d *unitsDemo) Key(k string) bool {
	switch k {
	case "u":
		d.cur = (d.cur + 1) % len(d.cases)
		d.scratch = nil
		d.load()
	case "down", "j":
		d.top = min(d.top+1, len(d.lines())-1)
	case "up", "k":
		d.top = max(d.top-1, 0)
	case "f":
		c := d.cases[d.cur]
		d.scratch = newScratchRun(d.seed, mustPretrained(c.model).Corpus, c.label)
	case "p":
		d.scratch = nil
	default:
		return false
	}
	return true
}

func (d *unitsDemo) Keys(lang Lang) []Key {
	return []Key{
		{"u", tr(lang, "next unit: quote, string, depth, if", "다음 유닛: 따옴표, 문자열, 깊이, if")},
		{"p", tr(lang, "after 6M characters (pretrained)", "600만 글자 학습 후 (사전 학습)")},
		{"f", tr(lang, "from scratch (train live)", "처음부터 (실시간 학습)")},
		{"down", tr(lang, "↑ ↓ scroll the text", "↑ ↓ 글 스크롤")},
	}
}

func (d *unitsDemo) Facts() map[string]string {
	f := d.fact
	out := map[string]string{
		"model": f.Model, "label": f.Label, "unit": f.Unit.Name(1), "verdict": f.Verdict, "kind": f.Kind,
		"auc": fmt.Sprintf("%.3f", f.AUC), "r": fmt.Sprintf("%.3f", f.R),
		"verdict_ko": verdictKO(f),
	}
	if d.scratch != nil {
		for k, v := range d.scratch.facts() {
			out[k] = v
		}
	}
	return out
}

// labelName says in words what a label marks.
func labelName(label string, lang Lang) string {
	switch label {
	case "quote":
		return tr(lang, "inside quotes", "따옴표 안")
	case "if":
		return tr(lang, "inside if-blocks", "if 블록 안")
	case "depth":
		return tr(lang, "brace depth", "중괄호 깊이")
	}
	return label
}

// verdictKO says what probe's verdict says, in Korean, from the same numbers.
func verdictKO(f unitFact) string {
	u := f.Unit.Name(1)
	var s string
	switch f.Kind {
	case "none":
		if math.IsNaN(f.AUC) {
			return fmt.Sprintf("아직 %s를 따라가는 유닛은 없다 (최고 %s: |r| %.2f)", labelName(f.Label, KO), u, math.Abs(f.R))
		}
		return fmt.Sprintf("아직 %s를 따라가는 유닛은 없다 (최고 %s: AUC %.2f)", labelName(f.Label, KO), u, f.AUC)
	case "rises":
		return fmt.Sprintf("%s 중괄호 깊이를 따라간다. 깊어질수록 값이 올라간다 (r %.2f)", josa(u, "은", "는"), f.R)
	case "falls":
		return fmt.Sprintf("%s 중괄호 깊이를 따라간다. 깊어질수록 값이 내려간다 (r %.2f)", josa(u, "은", "는"), f.R)
	case "depth-not-if":
		return fmt.Sprintf("%s if 블록이 아니라 중괄호 깊이를 따라간다 (깊이와의 r %.2f, 깊이를 고정하면 if와의 r %.2f)", josa(u, "은", "는"), f.Other, f.PartialIf)
	case "paren-not-string":
		return fmt.Sprintf("%s 문자열보다 괄호를 따라간다 (괄호와의 r %.2f)", josa(u, "은", "는"), f.Other)
	case "flip":
		sign := "양수"
		if !f.SignPos {
			sign = "음수"
		}
		s = fmt.Sprintf("%s %s에서 부호가 바뀐다. 안에서는 %s이고, 글자의 %s에서 맞는다 (균형 정확도 %s, 기준 %s)",
			josa(u, "은", "는"), labelName(f.Label, KO), sign, pct(f.SignAcc), pct(f.SignBal), pct(f.BaseRate))
	default:
		dir := "높다"
		if f.Kind == "lower" {
			dir = "낮다"
		}
		s = fmt.Sprintf("%s %s에서 값이 더 %s. 기준값 %.2f로 가르면 글자의 %s를 맞힌다 (늘 많은 쪽으로 찍으면 %s, 부호만 보면 %s)",
			josa(u, "은", "는"), labelName(f.Label, KO), dir, f.Threshold, pct(f.ThrAcc), pct(f.BaseRate), pct(f.SignAcc))
	}
	if !math.IsNaN(f.Baseline) && f.AUC <= f.Baseline+0.02 {
		s += fmt.Sprintf(". 다만 직전 세 글자만 보는 조회표도 이만큼은 한다 (AUC %.2f)", f.Baseline)
	}
	return s
}

func (d *unitsDemo) View(w, h int, st *themes.Styles, lang Lang) string {
	if s, ok := tooSmall(w, h, st, lang); ok {
		return s
	}
	if d.scratch != nil {
		return d.scratch.view(w, h, st, lang)
	}
	f := d.fact
	m := d.model
	var out []string
	corpusName := m.Corpus
	head := st.Title.Render(fmt.Sprintf("%s · %s", f.Unit.Name(1), labelName(f.Label, lang))) +
		st.Muted.Render(tr(lang, fmt.Sprintf("  LSTM-128 on %s after %s characters · %d/%d", corpusName, count(m.Ck.Chars), d.cur+1, len(d.cases)),
			fmt.Sprintf("  %s로 %s 글자 학습한 LSTM-128 · %d/%d", corpusName, count(m.Ck.Chars), d.cur+1, len(d.cases))))
	out = append(out, head)
	verdict := f.Verdict
	if lang == KO {
		verdict = verdictKO(f)
	}
	for i, l := range cells.Wrap(tr(lang, "rnnscope's verdict: ", "rnnscope의 판정: ")+verdict, w, 3) {
		if i == 0 {
			out = append(out, st.Accent.Render(l))
		} else {
			out = append(out, st.Accent.Render(l))
		}
	}
	// Notes go under the text while it keeps at least 6 rows: the seed note first
	// to go, then the emergence note.
	notes := d.notes(lang)
	var noteLines []string
	for k := len(notes); k >= 0; k-- {
		noteLines = noteLines[:0]
		for _, n := range notes[:k] {
			noteLines = append(noteLines, cells.Wrap(n, w, 3)...)
		}
		if h-len(out)-len(noteLines)-1 >= 6 {
			break
		}
	}
	rows := h - len(out) - len(noteLines) - 1
	out = append(out, d.textRows(st, lang, w, rows)...)
	for len(out) < h-len(noteLines)-1 {
		out = append(out, "")
	}
	out = append(out, d.legend(st, lang, w))
	for _, n := range noteLines {
		out = append(out, st.Muted.Render(n))
	}
	return cells.Fit(out, w, h)
}

// textRows draws text lines tinted by the unit, each followed by a band that
// marks the label, in rows rows.
func (d *unitsDemo) textRows(st *themes.Styles, lang Lang, w, rows int) []string {
	f := d.fact
	series := d.rec.rec.Series(f.Unit)
	centre := 0.0
	if f.Kind != "flip" && !math.IsNaN(f.Threshold) {
		centre = f.Threshold
	}
	recorded := d.rec.pos - d.win.Warmup
	if math.IsNaN(f.Threshold) && recorded > 0 { // a numeric label: centre at the unit's mean
		centre = 0
		for t := range recorded {
			centre += series[t] / float64(recorded)
		}
	}
	scale := 0.0
	for t := range max(recorded, 0) {
		scale = max(scale, math.Abs(series[t]-centre))
	}
	scale = max(scale*0.7, 1e-6)
	var label []float64
	for _, lf := range d.win.Labels {
		if lf.Name == f.Label {
			label = lf.Values
		}
	}
	text := d.win.Text[d.win.Warmup:]
	var out []string
	lines := d.lines()
	for i := d.top; i < len(lines) && len(out)+2 <= rows; i++ {
		a, b := lines[i][0], lines[i][1]
		b = min(b, a+w)
		if b > recorded {
			out = append(out, st.Muted.Render(tr(lang, "reading…", "읽는 중…")))
			break
		}
		if a == b { // an empty line: one row, no band
			out = append(out, "")
			continue
		}
		vis := visibleText(text[a:b])
		out = append(out, tinted(st, vis, series[a:b], centre, scale))
		var band strings.Builder
		for t := a; t < b; t++ {
			v := label[t]
			switch {
			case math.IsNaN(v):
				band.WriteString(" ")
			case f.Label == "depth":
				band.WriteRune([]rune("·123456789")[min(max(int(v), 0), 9)])
			case v == 1:
				band.WriteString("▔")
			default:
				band.WriteString(" ")
			}
		}
		out = append(out, st.Grid.Render(band.String()))
	}
	return out
}

// legend explains the colours and the band.
func (d *unitsDemo) legend(st *themes.Styles, lang Lang, w int) string {
	f := d.fact
	centre := tr(lang, fmt.Sprintf("centred at its threshold %s", num(f.Threshold, 2)), fmt.Sprintf("기준값 %s를 가운데로", num(f.Threshold, 2)))
	switch {
	case f.Kind == "flip":
		centre = tr(lang, "centred at 0", "0을 가운데로")
	case math.IsNaN(f.Threshold):
		centre = tr(lang, "centred at its mean", "평균을 가운데로")
	}
	band := tr(lang, "▔ under the text: "+labelName(f.Label, lang), "글 아래 ▔: "+labelName(f.Label, lang))
	if f.Label == "depth" {
		band = tr(lang, "digits under the text: brace depth", "글 아래 숫자: 중괄호 깊이")
	}
	return st.Muted.Render(cells.FirstFit(w,
		tr(lang, fmt.Sprintf("colour: %s, %s · %s", f.Unit.Name(1), centre, band),
			fmt.Sprintf("색: %s 값, %s · %s", f.Unit.Name(1), centre, band)),
		tr(lang, fmt.Sprintf("colour: %s · %s", f.Unit.Name(1), band), fmt.Sprintf("색: %s · %s", f.Unit.Name(1), band))))
}

// notes are the sentences under the text: when the unit appeared in training,
// and whether the checkpoint's seed was picked for it.
func (d *unitsDemo) notes(lang Lang) []string {
	f := d.fact
	var n []string
	if e, ok := emergenceOf(f.Model, f.Label); ok {
		n = append(n, tr(lang, e.en, e.ko))
	}
	if f.Kind == "flip" {
		n = append(n, tr(lang, codeSeedNote().en, codeSeedNote().ko))
	}
	return n
}

// scratchRun is lesson 5's "from scratch": an LSTM-128 trained live on the
// corpus, re-probed on a short window every so often.
type scratchRun struct {
	label  string
	corpus *corpora.Corpus
	tr     *nets.Trainer
	win    *probe.Window
	rec    *recorder
	report *probe.Report
	curve  []float64 // headline score at each probe
	chars  []int64
}

const (
	scratchBatch  = 4
	scratchSeq    = 32
	scratchProbe  = 200  // steps between probes
	scratchWindow = 1000 // scored characters of the short probe window
)

func newScratchRun(seed uint64, corpus, label string) *scratchRun {
	c, err := corpora.Load(corpus, corpora.Options{Seed: seed})
	if err != nil {
		panic(err)
	}
	cfg := nets.Config{Cell: nets.LSTM, Vocab: c.Vocab.Size(), Hidden: 128, Layers: 1}
	p := nets.NewParams[float64](cfg)
	nets.Init(cfg, p, newRand(seed, 5), 0)
	streams := make([]nets.Stream, scratchBatch)
	for b := range streams {
		streams[b] = c.Stream(b, scratchBatch, 0)
	}
	tr, err := nets.NewTrainer(cfg, p, nets.TrainConfig{Seq: scratchSeq, Batch: scratchBatch, Optimizer: "adam", LR: 2e-3, Clip: 5}, streams)
	if err != nil {
		panic(err)
	}
	ids, text := c.Held()
	w, err := probe.NewWindow(ids, text, probe.DefaultWarmup, scratchWindow)
	if err != nil {
		panic(err)
	}
	s := &scratchRun{label: label, corpus: c, tr: tr, win: w}
	s.rec = newRecorder(cfg, p, w, probe.Options{Labels: probeLabels(corpus), Top: 1})
	return s
}

// step trains one small step, or (every scratchProbe steps) records a chunk of
// the probe window instead, and analyses it once it is read.
func (s *scratchRun) step() bool {
	if s.rec != nil && (s.tr.Steps%scratchProbe == 0) {
		if s.rec.step() {
			if s.rec.report != nil {
				s.report = s.rec.report
				if lr, ok := s.report.Label(s.label); ok {
					if best, ok := lr.Best(); ok {
						v := best.AUC
						if !lr.Binary {
							v = math.Abs(best.R)
						}
						s.curve = append(s.curve, v)
						s.chars = append(s.chars, s.tr.Chars)
					}
				}
				s.rec = nil
			}
			return true
		}
	}
	s.tr.Step()
	if s.tr.Steps%scratchProbe == 0 {
		s.rec = newRecorder(s.tr.Config, s.tr.P, s.win, probe.Options{Labels: probeLabels(s.corpus.Name), Top: 1})
	}
	return true
}

func (s *scratchRun) facts() map[string]string {
	f := map[string]string{"scratch_chars": fmt.Sprint(s.tr.Chars), "scratch_probes": fmt.Sprint(len(s.curve))}
	if s.report != nil {
		if lr, ok := s.report.Label(s.label); ok {
			f["scratch_verdict"] = lr.Verdict
		}
	}
	return f
}

func (s *scratchRun) view(w, h int, st *themes.Styles, lang Lang) string {
	var out []string
	out = append(out, st.Title.Render(tr(lang, "From scratch: ", "처음부터: "))+st.Text.Render(tr(lang,
		fmt.Sprintf("an LSTM-128 learning %s, %s characters so far", s.corpus.Name, count(s.tr.Chars)),
		fmt.Sprintf("%s를 배우는 LSTM-128, 지금까지 %s 글자", s.corpus.Name, count(s.tr.Chars)))))
	if s.report == nil {
		out = append(out, st.Muted.Render(tr(lang, "first probe after 25,600 characters…", "첫 검사는 25,600 글자 뒤…")))
	} else if lr, ok := s.report.Label(s.label); ok {
		v := lr.Verdict
		if lang == KO {
			if best, ok := lr.Best(); ok {
				kind, other := verdictKind(lr, best, map[string]int{})
				v = verdictKO(unitFact{Label: lr.Name, Unit: best.Unit, Kind: kind, R: best.R, AUC: best.AUC, SignAcc: best.SignAcc,
					SignBal: best.SignBal, SignPos: best.SignPos, ThrAcc: best.ThrAcc, Threshold: best.Threshold,
					BaseRate: lr.BaseRate, Baseline: math.NaN(), Other: other, PartialIf: best.PartialIf})
			}
		}
		for _, l := range cells.Wrap(tr(lang, "rnnscope's verdict on 1,000 held-out characters: ", "학습에 안 쓴 1,000 글자에서 rnnscope의 판정: ")+v, w, 3) {
			out = append(out, st.Accent.Render(l))
		}
	}
	if len(s.curve) > 0 {
		what := tr(lang, "best unit's AUC", "최고 유닛의 AUC")
		lo := 0.5
		if s.label == "depth" {
			what, lo = tr(lang, "best unit's |r|", "최고 유닛의 |r|"), 0
		}
		out = append(out, st.Label.Render(ljust(what, 18))+spark(s.curve[max(len(s.curve)-(w-30), 0):], lo, 1)+
			st.Value.Render(fmt.Sprintf(" %.2f", s.curve[len(s.curve)-1])))
	}
	out = append(out, "")
	for _, l := range cells.Wrap(tr(lang,
		"A lesson trains 128 characters a frame so that the screen stays smooth: about 3,200 characters a second. The unit needs a million or more (see the pretrained model's note, p), so this takes minutes here; the full TUI (rnnscope --preset "+s.corpus.Name+") trains over ten times faster.",
		"화면이 부드럽게 움직이도록 수업 화면은 한 프레임에 128 글자씩, 초당 3,200 글자 정도만 학습한다. 유닛이 생기려면 100만 글자 이상이 필요하니(p를 눌러 사전 학습 모델의 설명을 보자) 여기서는 몇 분이 걸린다. 전체 TUI(rnnscope --preset "+s.corpus.Name+")는 열 배 이상 빠르게 학습한다."), w, 4) {
		out = append(out, st.Muted.Render(l))
	}
	return cells.Fit(out, w, h)
}
