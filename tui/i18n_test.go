package tui

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"math"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/tui/cells"
)

func TestLangFromEnv(t *testing.T) {
	for _, c := range []struct {
		env  []string
		want string
	}{
		{nil, "en"},
		{[]string{"LANG=ko_KR.UTF-8"}, "ko"},
		{[]string{"LANG=en_US.UTF-8"}, "en"},
		{[]string{"LANG=ko_KR.UTF-8", "LC_ALL=C"}, "en"},          // LC_ALL wins
		{[]string{"LANG=en_US.UTF-8", "LC_MESSAGES=ko_KR"}, "ko"}, // then LC_MESSAGES
		{[]string{"LC_ALL=", "LANG=ko"}, "ko"},                    // empty is unset
		{[]string{"LANGUAGE=ko", "LANG=en_GB.UTF-8"}, "en"},       // LANGUAGE is not read
		{[]string{"LC_ALL=KO_KR.utf8"}, "ko"},
	} {
		if got := LangFromEnv(c.env); got != c.want {
			t.Errorf("LangFromEnv(%q) = %s, want %s", c.env, got, c.want)
		}
	}
}

// verbs maps each argument a format formats (1-based) to its verb letter, as
// fmt reads explicit indexes; extra counts verbs beyond the arguments' order.
func verbs(format string) (map[int]byte, error) {
	out := map[int]byte{}
	arg := 1
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		if i < len(format) && format[i] == '%' {
			continue
		}
		for i < len(format) {
			c := format[i]
			switch {
			case c == '[':
				j := strings.IndexByte(format[i:], ']')
				if j < 0 {
					return nil, fmt.Errorf("unclosed [ in %q", format)
				}
				n, err := strconv.Atoi(format[i+1 : i+j])
				if err != nil {
					return nil, fmt.Errorf("bad index in %q", format)
				}
				arg = n
				i += j + 1
				continue
			case strings.IndexByte("+-# 0123456789.*", c) >= 0:
				i++
				continue
			}
			if prev, ok := out[arg]; ok && prev != c {
				return nil, fmt.Errorf("argument %d formatted as %%%c and %%%c in %q", arg, prev, c, format)
			}
			out[arg] = c
			arg++
			break
		}
	}
	return out, nil
}

// TestKoreanFormatsTakeTheSameArguments checks every Korean format against its
// English key: the same arguments, each with the same verb, none dropped.
func TestKoreanFormatsTakeTheSameArguments(t *testing.T) {
	for en, ko := range koStrings() {
		ve, err := verbs(en)
		if err != nil {
			t.Error(err)
			continue
		}
		vk, err := verbs(ko)
		if err != nil {
			t.Error(err)
			continue
		}
		// Korean may leave an argument out only with explicit indexes (fmt
		// then does not complain of an extra one).
		for i, v := range ve {
			if k, ok := vk[i]; ok && k != v || !ok && !strings.Contains(ko, "%[") {
				t.Errorf("%q takes %v, its Korean %q takes %v", en, ve, ko, vk)
			}
		}
		for i := range vk {
			if _, ok := ve[i]; !ok {
				t.Errorf("%q takes %v, its Korean %q takes %v", en, ve, ko, vk)
			}
		}
		if strings.Count(en, "%%") != strings.Count(ko, "%%") {
			t.Errorf("%q and %q differ in literal %%", en, ko)
		}
	}
}

// stringLit reads a string constant: a literal or literals joined by +.
func stringLit(e ast.Expr) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind == token.STRING {
			s, err := strconv.Unquote(x.Value)
			return s, err == nil
		}
	case *ast.BinaryExpr:
		if x.Op == token.ADD {
			a, ok1 := stringLit(x.X)
			b, ok2 := stringLit(x.Y)
			return a + b, ok1 && ok2
		}
	}
	return "", false
}

// translatable lists every string the interface passes through the catalog
// that the source spells out: the first argument of every tr call in this
// package, the help text of every key binding (h) and footer key (k), the
// formats of the probe's events (eventf), the screen names and the built-in
// tour's captions.
func translatable(t *testing.T) map[string]string {
	t.Helper()
	found := map[string]string{}
	files, _ := filepath.Glob("*.go")
	probeFiles := []string{"../probe/live.go", "../probe/trio.go"}
	for _, f := range append(files, probeFiles...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		fs := token.NewFileSet()
		af, err := parser.ParseFile(fs, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := ""
			switch fn := c.Fun.(type) {
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			case *ast.Ident:
				name = fn.Name
			}
			idx := map[string]int{"tr": 0, "h": 1, "k": 1, "eventf": 1}
			i, ok := idx[name]
			if !ok || i >= len(c.Args) {
				return true
			}
			arg := c.Args[i]
			if id, ok := arg.(*ast.Ident); ok && id.Obj != nil { // a local constant
				if vs, ok := id.Obj.Decl.(*ast.ValueSpec); ok && len(vs.Values) == 1 {
					arg = vs.Values[0]
				}
			}
			if s, ok := stringLit(arg); ok {
				found[s] = fs.Position(c.Pos()).String()
			} else if name == "tr" || name == "eventf" {
				// The wrappers, whose callers pass constants (h, k, widest), the
				// probe's events and the screen names go through tr from a variable.
				switch types.ExprString(arg) {
				case "desc", "f", "e.Format", "screenNames[i]", "format":
				default:
					t.Errorf("%s: %s(%s): a format that is not a constant, which this test cannot see",
						fs.Position(c.Pos()), name, types.ExprString(arg))
				}
			}
			return true
		})
	}
	for _, n := range screenNames {
		found[n] = "screenNames"
	}
	for _, a := range DemoScript() {
		if a.Verb == "say" {
			found[strings.Trim(a.Args[0], `"`)] = "demoScript"
		}
	}
	if len(found) < 250 {
		t.Fatalf("found only %d strings: the search is broken", len(found))
	}
	return found
}

// TestEveryStringHasKorean reads the source for every string the interface can
// show and checks that the Korean catalog has it, and that the catalog holds
// nothing else (a stale entry is a string that changed in English).
func TestEveryStringHasKorean(t *testing.T) {
	found := translatable(t)
	ko := koStrings()
	var missing []string
	for s, where := range found {
		if _, ok := ko[s]; !ok {
			missing = append(missing, fmt.Sprintf("%s: %q", where, s))
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no Korean for %s", m)
	}
	for s := range ko {
		if _, ok := found[s]; !ok {
			t.Errorf("the Korean catalog has %q, which nothing shows", s)
		}
	}
	labels := koLabels()
	for _, n := range corpora.LabelNames() {
		if _, ok := labels[n]; !ok {
			t.Errorf("no Korean name for the label %q", n)
		}
	}
}

// corpusSnapshot is probedSnapshot on any corpus.
func corpusSnapshot(t testing.TB, corpus string, cell nets.Cell, hidden, steps, scored int) *probe.Snapshot {
	t.Helper()
	c, err := corpora.Load(corpus, corpora.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	cfg := nets.Config{Cell: cell, Vocab: c.Vocab.Size(), Hidden: hidden, Layers: 1}
	p := nets.NewParams[float64](cfg)
	nets.Init(cfg, p, rand.New(rand.NewPCG(1, 1)), 0)
	const batch = 4
	streams := make([]nets.Stream, batch)
	for b := range streams {
		streams[b] = c.Stream(b, batch, 0)
	}
	tr, err := nets.NewTrainer(cfg, p, nets.TrainConfig{Seq: 16, Batch: batch, Optimizer: "adam", LR: 1e-2, Clip: 5}, streams)
	if err != nil {
		t.Fatal(err)
	}
	for range steps {
		tr.Step()
	}
	ids, text := c.Held()
	w, err := probe.NewWindow(ids, text, 50, scored)
	if err != nil {
		t.Fatal(err)
	}
	vocab := c.Vocab.Runes()
	rec, rep := probe.NewProber(cfg, p, vocab, w, probe.Options{Top: 10}).Probe(nil)
	sample := probe.Sample{Text: string(text[:80]), Temp: 1}
	events := []probe.Event{
		{Text: "c3 now tracks quote (AUC 0.91) at 1.2M chars", Format: "%s now tracks %s (%s %.2f) at %s chars",
			Args: []any{"c3", "quote", "AUC", 0.91, "1.20M"}},
		{Text: "learning rate 0.004", Format: "learning rate %.3g", Args: []any{0.004}},
		{Text: "gradient clipped 12× in the last 100 steps", Format: "gradient clipped %d× in the last %d steps", Args: []any{12, 100}, Warn: true},
		{Text: "loss became infinite at step 9 — paused; lower the learning rate or reset",
			Format: "loss became %s at step %d — paused; lower the learning rate or reset", Args: []any{"infinite", 9}, Warn: true},
	}
	return &probe.Snapshot{Version: 1, Name: corpus, Config: cfg, Vocab: vocab, Step: tr.Steps, Chars: tr.Chars,
		LR: 1e-2, Temp: 1, Loss: 2.1, Rec: rec, Report: rep, Window: w, AblatedLoss: math.NaN(),
		ValCurve: []probe.Point{{Chars: 100, V: 3}, {Chars: 200, V: 2.5}}, CharsPerSec: 12345, ClipEvents: 3,
		Samples: []probe.Sample{sample}, Events: events}
}

// englishWord finds runs of ASCII letters (with _ inside: W_hh), and flags such
// as --cell, which are command-line syntax.
var englishWord = regexp.MustCompile(`--[a-z-]+|[A-Za-z][A-Za-z_]*`)

// notEnglish lists what a Korean frame may show in Latin letters: names of
// units, corpora, keys, cells and mathematical symbols, the program's name,
// the code keyword "if" and the values of flags.
func notEnglish(word string, corpusWord func(string) bool) bool {
	switch {
	case strings.HasPrefix(word, "--"), len(word) == 1,
		regexp.MustCompile(`^[hcL][0-9]*$`).MatchString(word),
		regexp.MustCompile(`^[A-Za-z]{1,2}_[A-Za-z0-9]*$`).MatchString(word), // a symbol of a formula: h_t, W_hy, b_y
		corpusWord(word):
		return true
	}
	return slices.Contains([]string{
		"code", "quotes", "hello", "recall", // corpora
		"tab", "space", "enter", "esc", "pgup", "pgdn", // keys
		"RNN", "LSTM", "GRU", "rnn", "lstm", "gru", // cells, also as --cell values
		"AUC", "BPTT", "W_hh", "W_ih", "tanh", "max", "NaN", // mathematics: σ_max, W_hhᵀ
		"rnnscope", "PyTorch", "if",
		"hell", "nats", "time", "step", // the Korean lecture itself writes "time step"
	}, word)
}

// koFrames renders every screen of m in its current size and returns them by
// name: the four screens, the help and the too-small message.
func koFrames(t *testing.T, m Model, trio *probe.Trio) map[string]string {
	t.Helper()
	out := map[string]string{}
	for s := range numScreens {
		m.screen = s
		if s == screenGradients && trio != nil {
			m.trio = trio
		}
		out[screenNames[s]] = m.render()
		m.trio = nil
	}
	m.screen = screenScope
	m.showHelp = true
	out["help"] = m.render()
	return out
}

// TestKoreanScreensAreAllKorean renders every screen in Korean at the promised
// sizes, with and without captions, in the classroom and not, and fails on any
// string without a Korean entry (recorded by the catalog's miss hook) and any
// English word left on the screen. The hello corpus keeps the text panels free
// of English (its letters are h, e, l and o); the code corpus brings verdicts of
// every kind, whose frames may show the words of the code itself.
func TestKoreanScreensAreAllKorean(t *testing.T) {
	var trio *probe.Trio
	start := testTrio(t, &trio)
	trio = start()
	trio.Send(probe.TrioControl{Resume: true})
	for range 3 {
		trio.Advance()
	}
	type setup struct {
		name string
		snap *probe.Snapshot
	}
	var setups []setup
	for _, cell := range []nets.Cell{nets.LSTM, nets.GRU, nets.RNN} {
		setups = append(setups, setup{"hello " + cellTitle(cell), corpusSnapshot(t, "hello", cell, 16, 30, 300)})
	}
	setups = append(setups, setup{"code LSTM", corpusSnapshot(t, "code", nets.LSTM, 16, 150, 600)})
	misses := map[string]bool{}
	for _, su := range setups {
		// The text the screens show (cut anywhere at a panel's edge).
		corpusText := string(su.snap.Rec.Text) + su.snap.Samples[0].Text
		isCorpus := func(w string) bool {
			if strings.HasPrefix(su.name, "hello") {
				return strings.Trim(w, "helo") == ""
			}
			return strings.Contains(corpusText, w)
		}
		for _, classroom := range []bool{false, true} {
			for _, captions := range []bool{true, false} {
				m := New(Config{Lang: LangKorean, Captions: captions, Classroom: classroom})
				m.cat.miss = func(f string) { misses[f] = true }
				m.adopt(su.snap)
				for _, sz := range [][2]int{{80, 24}, {100, 30}, {240, 70}, {60, 20}} {
					m := sized(m, sz[0], sz[1])
					for _, keys := range [][]string{nil, {"o", "z", "r", "x"}} {
						m := press(m, keys...)
						for name, frame := range koFrames(t, m, trio) {
							what := fmt.Sprintf("%s classroom=%v captions=%v %dx%d keys=%v %s", su.name, classroom, captions, sz[0], sz[1], keys, name)
							checkFits(t, what, frame, sz[0], sz[1])
							for _, w := range englishWord.FindAllString(ansi.Strip(frame), -1) {
								if !notEnglish(w, isCorpus) {
									t.Errorf("%s: the English word %q is on the screen:\n%s", what, w, ansi.Strip(frame))
									return
								}
							}
						}
					}
				}
			}
		}
	}
	// Statuses, the unit prompt and the keymap (built before the hook was set).
	c := newCatalog(LangKorean)
	c.miss = func(f string) { misses[f] = true }
	newKeyMap(c, false)
	for f := range misses {
		t.Errorf("no Korean for %q", f)
	}
}

// TestKoreanMessagesAreKorean drives the keys that leave a message and checks
// the bottom line.
func TestKoreanMessagesAreKorean(t *testing.T) {
	snap := corpusSnapshot(t, "hello", nets.GRU, 16, 10, 300)
	m := sized(New(Config{Lang: LangKorean}), 100, 30)
	misses := map[string]bool{}
	m.cat.miss = func(f string) { misses[f] = true }
	m.adopt(snap)
	for _, keys := range [][]string{{"s"}, {"R"}, {"c"}, {"enter"}, {"u", "z", "enter"}, {"u", "9", "9", "enter"}, {"3", "f"}} {
		m := press(m, keys...)
		line := ansi.Strip(m.helpLine())
		if m.status == "" {
			t.Errorf("%v left no message", keys)
		}
		for _, w := range englishWord.FindAllString(m.status, -1) {
			if !notEnglish(w, func(string) bool { return false }) {
				t.Errorf("%v: English %q in the message %q", keys, w, line)
			}
		}
	}
	for f := range misses {
		t.Errorf("no Korean for %q", f)
	}
}

// TestEnglishVerdictIsTheProbes checks that the TUI's wording of a claim in
// English is the probe's Verdict, for every label of a real report and for a
// hand-made claim of every kind.
func TestEnglishVerdictIsTheProbes(t *testing.T) {
	en, ko := newCatalog(LangEnglish), newCatalog(LangKorean)
	misses := map[string]bool{}
	ko.miss = func(f string) { misses[f] = true }
	snap := corpusSnapshot(t, "code", nets.LSTM, 16, 150, 600)
	for _, lr := range snap.Report.Labels {
		if got := en.verdict(lr.Claim); got != lr.Verdict {
			t.Errorf("%s: the TUI says %q, the probe %q", lr.Name, got, lr.Verdict)
		}
	}
	nan := math.NaN()
	base := probe.Claim{Label: "quote", Binary: true, Unit: probe.Unit{Index: 3}, Name: "h3", Score: nan, Readout: 0.61,
		R: nan, SignAcc: 0.93, SignBal: 0.9, BaseRate: 0.7, ThrAcc: 0.95, Threshold: 0.12, Other: nan, Within: nan, Lookup: nan}
	var claims []probe.Claim
	for _, k := range []struct {
		kind   probe.ClaimKind
		labels []string
	}{
		{probe.ClaimUnmeasurable, []string{"quote", "column"}},
		{probe.ClaimNone, []string{"quote", "if", "depth", "indent"}},
		{probe.ClaimTracks, []string{"depth", "column", "indent"}},
		{probe.ClaimFlipsSign, []string{"quote", "if", "if@depth2", "paren", "comment"}},
		{probe.ClaimHigher, []string{"quote", "comment"}},
		{probe.ClaimLower, []string{"if", "paren"}},
		{probe.ClaimDepthNotIf, []string{"if"}},
		{probe.ClaimParensNotStrings, []string{"quote"}},
	} {
		for _, label := range k.labels {
			for _, pos := range []bool{true, false} {
				c := base
				c.Kind, c.Label, c.Positive = k.kind, label, pos
				c.Binary = !slices.Contains([]string{"depth", "column", "indent"}, label)
				c.Score, c.R, c.Other, c.Within = 0.6, -0.7, 0.8, 0.1
				c.LookupAsGood, c.Lookup = pos && c.Binary, 0.97
				claims = append(claims, c)
			}
		}
	}
	for _, c := range claims {
		if got, want := en.verdict(c), c.String(); got != want {
			t.Errorf("%s: the TUI says %q, the probe %q", c.Kind, got, want)
		}
		k := ko.verdict(c)
		if strings.Contains(k, "%!") {
			t.Errorf("%s: a bad Korean format: %q", c.Kind, k)
		}
		for _, w := range englishWord.FindAllString(k, -1) {
			if !notEnglish(w, func(string) bool { return false }) {
				t.Errorf("%s: English %q in %q", c.Kind, w, k)
			}
		}
	}
	for f := range misses {
		t.Errorf("no Korean for %q", f)
	}
}

// TestKoreanEvents writes every event the probe makes in Korean, from events a
// real run produced.
func TestKoreanEvents(t *testing.T) {
	live := testLive(t, nets.LSTM, 5)
	live.Send(probe.Control{LRFactor: 2})
	var s *probe.Snapshot
	for range 6 {
		s = live.Advance()
	}
	c := newCatalog(LangKorean)
	misses := map[string]bool{}
	c.miss = func(f string) { misses[f] = true }
	if len(s.Events) < 2 {
		t.Fatalf("only %d events", len(s.Events))
	}
	for _, e := range s.Events {
		if e.Format == "" || fmt.Sprintf(e.Format, e.Args...) != e.Text {
			t.Errorf("event %q: format %q and args %v do not give its text", e.Text, e.Format, e.Args)
		}
		k := c.event(e)
		for _, w := range englishWord.FindAllString(k, -1) {
			if !notEnglish(w, func(string) bool { return false }) {
				t.Errorf("English %q in the event %q (%q)", w, k, e.Text)
			}
		}
	}
	for f := range misses {
		t.Errorf("no Korean for %q", f)
	}
}

// TestKoreanGolden keeps the plain text of every screen at 80×24 in Korean,
// and of the classroom Scope at 100×30. Refresh with
// go test ./tui -run TestKoreanGolden -update.
func TestKoreanGolden(t *testing.T) {
	lstm := probedSnapshot(t, nets.LSTM, 16, 150, 600)
	for _, c := range []struct {
		name      string
		screen    int
		w, h      int
		classroom bool
		help      bool
	}{
		{"scope_80x24", screenScope, 80, 24, false, false},
		{"raster_80x24", screenRaster, 80, 24, false, false},
		{"gates_80x24", screenGates, 80, 24, false, false},
		{"help_80x24", screenScope, 80, 24, false, true},
		{"classroom_scope_100x30", screenScope, 100, 30, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := New(Config{Lang: LangKorean, Captions: true, Classroom: c.classroom})
			m.adopt(lstm)
			m.screen, m.showHelp = c.screen, c.help
			m = sized(m, c.w, c.h)
			out := m.render()
			checkFits(t, c.name, out, c.w, c.h)
			golden.RequireEqual(t, []byte(ansi.Strip(out)))
		})
	}
	t.Run("gradients_80x24", func(t *testing.T) {
		m, _ := langGradientsModel(t, LangKorean, 80, 24, 4, false, true)
		out := m.render()
		checkFits(t, "gradients", out, 80, 24)
		golden.RequireEqual(t, []byte(ansi.Strip(out)))
	})
}

// TestClassroomScopeIsReduced checks what the classroom layout keeps and drops.
func TestClassroomScopeIsReduced(t *testing.T) {
	snap := corpusSnapshot(t, "code", nets.LSTM, 16, 150, 600)
	m := New(Config{Classroom: true, Captions: false})
	if m.st.Theme != "high-contrast" || !m.captions {
		t.Fatalf("classroom: theme %q, captions %v; want high-contrast and on", m.st.Theme, m.captions)
	}
	m.adopt(snap)
	for _, sz := range [][2]int{{80, 24}, {100, 30}, {240, 70}} {
		m := sized(m, sz[0], sz[1])
		out := ansi.Strip(m.render())
		checkFits(t, "classroom", m.render(), sz[0], sz[1])
		lines := strings.Split(out, "\n")
		if !strings.Contains(lines[1], "code LSTM 16 · step 150 · held-out loss") {
			t.Errorf("%dx%d: the header is not reduced: %q", sz[0], sz[1], lines[1])
		}
		for _, gone := range []string{"Events", "all h:", "next:", "chars/s", "lr ", "auto-follow"} {
			if strings.Contains(out, gone) {
				t.Errorf("%dx%d: the classroom screen shows %q:\n%s", sz[0], sz[1], gone, out)
			}
		}
		if strings.Count(out, "▶ ") < 1 || !strings.Contains(out, "→ no single unit tracks quote yet") {
			t.Errorf("%dx%d: no pinned unit or no verdict:\n%s", sz[0], sz[1], out)
		}
		// The verdict is whole: no line ends cut.
		for _, l := range lines {
			if strings.HasPrefix(l, "→") && strings.Contains(l, "…") {
				t.Errorf("%dx%d: the verdict is cut: %q", sz[0], sz[1], l)
			}
		}
		rows := 0
		for _, l := range lines {
			if regexp.MustCompile(`^(▶ | {2})[hc][0-9]+ +-?[0-9.]+ `).MatchString(l) {
				rows++
			}
		}
		if rows != classroomBoardRows {
			t.Errorf("%dx%d: %d leaderboard rows, want %d:\n%s", sz[0], sz[1], rows, classroomBoardRows, out)
		}
		help := lines[len(lines)-1]
		if strings.Contains(help, "clamp") || !strings.Contains(help, "space pause") {
			t.Errorf("%dx%d: the help line is not the teacher's: %q", sz[0], sz[1], help)
		}
		if sz[0] == 240 && !strings.Contains(out, "What the model writes now") {
			t.Errorf("240x70: room to spare, and no sample:\n%s", out)
		}
		if sz[0] == 100 && strings.Contains(out, "What the model writes now") {
			t.Errorf("100x30: a sample where the text needs the room:\n%s", out)
		}
	}
}

// TestWideCharactersKeepCellWidths checks the helpers that place text by cells.
func TestWideCharactersKeepCellWidths(t *testing.T) {
	if got := cells.Right("비트", 6); got != "  비트" {
		t.Errorf("alignRight: %q", got)
	}
	if got := cells.Pad("들여쓰기 깊이", 7); ansi.StringWidth(got) != 7 {
		t.Errorf("pad: %q is %d cells", got, ansi.StringWidth(got))
	}
	out := tooSmall(newCatalog(LangKorean), 40, 10)
	checkFits(t, "too small", out, 40, 10)
	if !strings.Contains(out, "80×24") {
		t.Errorf("too small in Korean:\n%s", out)
	}
}

func TestKoreanFullHelpAndTabsAreKorean(t *testing.T) {
	m := sized(New(Config{Lang: LangKorean}), 120, 40)
	m.showHelp = true
	out := ansi.Strip(m.render())
	for _, want := range []string{"1 스코프", "2 래스터", "3 기울기", "4 게이트", "space 일시정지", "키", "학습률", "온도", "종료"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q:\n%s", want, out)
		}
	}
	// A click on a Korean tab switches to it: tabs are measured in cells.
	x := ansi.StringWidth(m.tabLabel(0)+m.tabLabel(1)) + 2
	nm, _ := m.Update(tea.MouseClickMsg{X: x, Y: 0, Button: tea.MouseLeft})
	if nm.(Model).screen != screenGradients {
		t.Errorf("a click at column %d of the tabs shows screen %d, want the Gradients", x, nm.(Model).screen)
	}
}

// TestAnUnmeasurableLabelGivesWay starts on "hello", where no quote ever opens:
// the leaderboard shows the first label the text varies, until the user picks.
func TestAnUnmeasurableLabelGivesWay(t *testing.T) {
	snap := corpusSnapshot(t, "hello", nets.RNN, 16, 30, 300)
	m := sized(New(Config{Classroom: true}), 100, 30)
	m.adopt(snap)
	lr := m.board()
	if lr == nil || lr.Name == "quote" || lr.Claim.Kind == probe.ClaimUnmeasurable {
		t.Fatalf("on hello the board shows %+v", lr)
	}
	if out := ansi.Strip(m.render()); strings.Contains(out, "NaN") || strings.Contains(out, "not measurable") {
		t.Errorf("the classroom screen on hello:\n%s", out)
	}
	for i := 0; m.sel.label != "quote" && i < len(snap.Report.Labels); i++ {
		m = press(m, "b")
	}
	m.adopt(snap)
	if m.sel.label != "quote" {
		t.Errorf("b cycled to quote, and the next snapshot moved it to %q", m.sel.label)
	}
}
