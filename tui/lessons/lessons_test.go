package lessons

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/rnnscope/rnnscope/themes"
)

// stepUntilStill steps a demo until it stops changing or n frames have passed,
// and returns how many frames it took.
func stepUntilStill(d Demo, n int) int {
	for i := range n {
		if !d.Step() {
			return i
		}
	}
	return n
}

func styles() []*themes.Styles {
	return []*themes.Styles{
		themes.New("dark", themes.TrueColor, true),
		themes.New("mono", themes.Mono, true),
		themes.New("high-contrast", themes.ANSI256, true),
	}
}

// checkFits fails unless out is exactly h lines of exactly w cells.
func checkFits(t *testing.T, what, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Fatalf("%s: %d lines for %d rows", what, len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n != w {
			t.Fatalf("%s: line %d is %d cells, want %d: %q", what, i, n, w, ansi.Strip(l))
		}
	}
}

func TestLessonsAreNineInOrderInBothLanguages(t *testing.T) {
	all := All()
	if len(all) != 9 {
		t.Fatalf("%d lessons, want 9", len(all))
	}
	screens := map[string]bool{"scope": true, "gradients": true, "gates": true, "raster": true}
	presets := map[string]bool{"hello": true, "quotes": true, "code": true, "gradients": true, "gates": true}
	for i, l := range all {
		if l.N != i+1 {
			t.Errorf("lesson %d has N %d", i+1, l.N)
		}
		for _, lang := range Langs() {
			if l.Title[lang] == "" || len(l.Text[lang]) == 0 {
				t.Errorf("lesson %d has no %s title or text", l.N, lang)
			}
			for _, p := range l.Text[lang] {
				if strings.TrimSpace(p) == "" {
					t.Errorf("lesson %d has an empty %s paragraph", l.N, lang)
				}
			}
		}
		if !screens[l.Screen] || !presets[l.Preset] {
			t.Errorf("lesson %d opens screen %q, preset %q", l.N, l.Screen, l.Preset)
		}
		if l.New == nil {
			t.Errorf("lesson %d has no demonstration", l.N)
		}
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{"en": EN, "ko": KO, "ko_KR.UTF-8": KO, "en_US.UTF-8": EN, "C": EN, " KO ": KO} {
		got, err := ParseLang(in)
		if err != nil || got != want {
			t.Errorf("ParseLang(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseLang("fr"); err == nil {
		t.Error(`ParseLang("fr") accepted`)
	}
}

// Every view fits its rectangle exactly, in both languages, at every size, in
// every state the keys reach.
func TestEveryViewFitsExactly(t *testing.T) {
	sizes := [][2]int{{80, 24}, {100, 30}, {80, 14}, {120, 40}, {60, 12}, {30, 6}, {1, 1}}
	frames := 40
	if testing.Short() {
		frames = 8
	}
	for _, l := range All() {
		t.Run(fmt.Sprintf("lesson%d", l.N), func(t *testing.T) {
			d := l.New(1)
			check := func(state string) {
				for _, st := range styles() {
					for _, lang := range Langs() {
						for _, sz := range sizes {
							w, h := sz[0], sz[1]
							what := fmt.Sprintf("%s %s %s %dx%d", state, st.Theme, lang, w, h)
							checkFits(t, "view "+what, d.View(w, h, st, lang), w, h)
							checkFits(t, "page "+what, Page(l, d, w, h, st, lang, -1), w, h)
						}
					}
				}
			}
			check("start")
			for range frames {
				d.Step()
			}
			check("stepped")
			for _, k := range d.Keys(EN) {
				d.Key(k.Key)
				for range frames / 4 {
					d.Step()
				}
				check("after " + k.Key)
			}
		})
	}
}

// goldenFrames is how many frames each lesson runs before its golden is taken:
// enough to show trained numbers, deterministic on any machine.
var goldenFrames = map[int]int{1: 0, 2: 60, 3: 400, 4: 60, 5: 200, 6: 0, 7: 200, 8: 200, 9: 200}

// The stripped text of every lesson page at 80×24 and 100×30 in English and
// Korean (go test ./tui/lessons -run TestLessonGoldens -update).
func TestLessonGoldens(t *testing.T) {
	st := themes.New("dark", themes.TrueColor, true)
	for _, l := range All() {
		d := l.New(1)
		for range goldenFrames[l.N] {
			d.Step()
		}
		for _, lang := range Langs() {
			for _, sz := range [][2]int{{80, 24}, {100, 30}} {
				t.Run(fmt.Sprintf("lesson%d/%s/%dx%d", l.N, lang, sz[0], sz[1]), func(t *testing.T) {
					out := Page(l, d, sz[0], sz[1], st, lang, -1)
					checkFits(t, "page", out, sz[0], sz[1])
					golden.RequireEqual(t, []byte(ansi.Strip(out)))
				})
			}
		}
	}
}

func TestLesson1SharesOneSetOfWeights(t *testing.T) {
	d := newShared(1)
	d.Key("t")
	stepUntilStill(d, 100)
	f := d.Facts()
	if f["same_weights"] != "true" {
		t.Errorf("the steps read different weights: %v", f)
	}
	if diff, _ := strconv.ParseFloat(f["max_diff_from_engine"], 64); diff > 1e-12 {
		t.Errorf("the arithmetic on screen differs from the engine's by %g", diff)
	}
	if f["steps"] != "20" {
		t.Errorf("t trained %s steps, want 20", f["steps"])
	}
}

func TestLesson3PredictsHello(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		d := newOneHot(seed)
		n := stepUntilStill(d, oneHotMaxSteps+1)
		f := d.Facts()
		got := f["pred_after_h"] + f["pred_after_e"] + f["pred_after_l1"] + f["pred_after_l2"]
		if got != "ello" {
			t.Errorf("seed %d: after %d frames the model predicts %q along \"hell\", want \"ello\" (%v)", seed, n, got, f)
		}
		if loss, _ := strconv.ParseFloat(f["loss"], 64); loss >= oneHotGoodLoss {
			t.Errorf("seed %d: loss %g", seed, loss)
		}
		if dist, _ := strconv.ParseFloat(f["h_l1_vs_l2_maxdiff"], 64); dist < 0.1 {
			t.Errorf("seed %d: the states after the two l's differ by only %g", seed, dist)
		}
	}
}

func TestLesson4GradientStopsAtTheBoundary(t *testing.T) {
	d := newBPTT(1)
	for range 3 {
		d.Key("n")
	}
	f := d.Facts()
	if f["trunc_grad_before_boundary"] != "0" {
		t.Errorf("with truncation the gradient before the chunk is %s, want exactly 0", f["trunc_grad_before_boundary"])
	}
	if v, _ := strconv.ParseFloat(f["full_grad_before_boundary"], 64); !(v > 0) {
		t.Errorf("one long tape puts %g before the boundary: the comparison shows nothing", v)
	}
	if v, _ := strconv.ParseFloat(f["trunc_grad_first_step"], 64); !(v > 0) {
		t.Errorf("the gradient at the chunk's first step is %g", v)
	}
	if f["trunc_steps_observed"] != strconv.Itoa(bpttT) {
		t.Errorf("GradObserve saw %s steps, want the chunk's %d", f["trunc_steps_observed"], bpttT)
	}
	if f["state_carried"] != "true" {
		t.Error("the state at a chunk's start is not the state at the previous chunk's end")
	}
}

func TestLesson6ScaledWhhExplodes(t *testing.T) {
	d := newVanish(1)
	f := d.Facts()
	if r, _ := strconv.ParseFloat(f["init_radius"], 64); r >= 1 {
		t.Errorf("PyTorch's init has radius %g, expected below 1", r)
	}
	if v, _ := strconv.ParseFloat(f["init_ratio_60"], 64); v > 1e-6 {
		t.Errorf("at init the ratio at lag 60 is %g: it should vanish", v)
	}
	d.Key("s")
	d.Step() // the measurement runs in the next frame
	f = d.Facts()
	if r, _ := strconv.ParseFloat(f["scaled_radius"], 64); r <= 1 {
		t.Errorf("scaled W_hh has radius %g, want > 1", r)
	}
	if f["scaled_grows"] != "true" {
		t.Errorf("with radius %s the ratio does not grow with lag: %v", f["scaled_radius"], f)
	}
	if v, _ := strconv.ParseFloat(f["scaled_ratio_60"], 64); v <= 1 {
		t.Errorf("scaled ratio at lag 60 is %g, want > 1", v)
	}
	if testing.Short() {
		return
	}
	d.Key("c")
	stepUntilStill(d, 2*clipSteps+2)
	f = d.Facts()
	if v, _ := strconv.ParseFloat(f["clip_max_norm_unclipped"], 64); v <= clipMax {
		t.Errorf("unclipped gradient norms stay at %g: clipping has nothing to do", v)
	}
	if f["clip_final_loss_with"] == "" || f["clip_final_loss_without"] == "" {
		t.Errorf("the clipping comparison did not finish: %v", f)
	}
	d.Key("p")
	d.Step()
	f = d.Facts()
	if f["mode"] != "pretrained" || f["cur_radius"] == f["init_radius"] {
		t.Errorf("p left mode %q", f["mode"])
	}
}

// Each shape task reaches the accuracy its screen shows within its frames.
func TestLesson2TasksLearn(t *testing.T) {
	if testing.Short() {
		t.Skip("training five tasks takes a few seconds")
	}
	d := newShapes(1).(*shapesDemo)
	for k := range numShapes {
		d.show(k)
		stepUntilStill(d, shapeFrames+1)
		f := d.Facts()
		acc, _ := strconv.ParseFloat(f["acc"], 64)
		base, _ := strconv.ParseFloat(f["base"], 64)
		switch k {
		case oneToMany, manyToOne:
			if acc < 0.97 {
				t.Errorf("%s: accuracy %.3f (baseline %.3f)", shapeID(k), acc, base)
			}
		case manyToManyDelay, manyToManyNow:
			if acc < 0.95 || acc <= base {
				t.Errorf("%s: accuracy %.3f (baseline %.3f)", shapeID(k), acc, base)
			}
		case seriesNext:
			near, _ := strconv.ParseFloat(f["within1"], 64)
			nearBase, _ := strconv.ParseFloat(f["within1_base"], 64)
			if acc < base+0.08 || near <= nearBase {
				t.Errorf("series: exact %.3f vs %.3f as-today, within one %.3f vs %.3f", acc, base, near, nearBase)
			}
		}
	}
}

func TestLesson5StatesTheProbesVerdict(t *testing.T) {
	d := newUnits(1)
	for range unitCases() {
		stepUntilStill(d, 200)
		f := d.Facts()
		if f["verdict"] == "" || f["verdict_ko"] == "" || f["unit"] == "" {
			t.Errorf("case %s/%s states nothing: %v", f["model"], f["label"], f)
		}
		d.Key("u")
	}
}

func TestLessons7And8ShowTheEnginesArithmetic(t *testing.T) {
	for _, mk := range []func(uint64) Demo{newLSTMDemo, newGRUDemo} {
		d := mk(1)
		stepUntilStill(d, 200)
		f := d.Facts()
		key := "cell_update_error"
		if _, ok := f["update_error"]; ok {
			key = "update_error"
		}
		if v, err := strconv.ParseFloat(f[key], 64); err != nil || v > 1e-9 {
			t.Errorf("%s = %q: the update on screen is not the engine's", key, f[key])
		}
	}
	d := newLSTMDemo(1)
	stepUntilStill(d, 200)
	trained := d.Facts()
	d.Key("0")
	stepUntilStill(d, 200)
	init := d.Facts()
	for _, g := range []string{"i", "f", "o"} {
		tr, _ := strconv.ParseFloat(trained["sat_"+g+"_open"], 64)
		tr2, _ := strconv.ParseFloat(trained["sat_"+g+"_shut"], 64)
		in, _ := strconv.ParseFloat(init["sat_"+g+"_open"], 64)
		in2, _ := strconv.ParseFloat(init["sat_"+g+"_shut"], 64)
		if tr+tr2 <= in+in2 {
			t.Errorf("gate %s is no more saturated after training (%.2f) than at init (%.2f)", g, tr+tr2, in+in2)
		}
	}
}

func TestLesson9GatesKeepMoreGradientFarBack(t *testing.T) {
	d := newGatesDemo(1)
	stepUntilStill(d, 400)
	f := d.Facts()
	l, _ := strconv.ParseFloat(f["lstm_ratio_50"], 64)
	r, _ := strconv.ParseFloat(f["rnn_ratio_50"], 64)
	if !(l > r) {
		t.Errorf("at lag 50 the trained LSTM keeps %g, the vanilla RNN %g", l, r)
	}
	fp, _ := strconv.ParseFloat(f["forget_product_unit"], 64)
	jac, err := strconv.ParseFloat(f["vanilla_jacobian_norm"], 64)
	if err != nil || !(fp > jac) {
		t.Errorf("∏f of the shown unit %g, vanilla ‖∏J‖ %q", fp, f["vanilla_jacobian_norm"])
	}
}

func TestEmbeddedModelsLoad(t *testing.T) {
	for _, file := range []string{modelQuotes, modelCode, modelGRU, modelRNN} {
		m, err := loadPretrained(file)
		if err != nil {
			t.Fatal(err)
		}
		if m.Ck.Chars < 5_000_000 || m.Ck.Config.Hidden != 128 {
			t.Errorf("%s: %s after %d characters", file, m.Ck.Config, m.Ck.Chars)
		}
		if _, _, err := heldWindow(m.Corpus, m.Seed, m.Ck.Vocab); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}
