package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// parseLive parses args as the live scope's flags and returns its options and
// command, without running anything.
func parseLive(t *testing.T, args ...string) (*liveOpts, *cobra.Command) {
	t.Helper()
	o := &liveOpts{}
	cmd := &cobra.Command{Use: "rnnscope"}
	o.register(cmd)
	if err := cmd.ParseFlags(args); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return o, cmd
}

func TestPresetSetsWhatTheUserDidNotSet(t *testing.T) {
	for _, c := range []struct {
		name                 string
		args                 []string
		corpus, cell, view   string
		hidden, seq, batch   int
		cellChanged, hidden2 bool
	}{
		{"a preset alone", []string{"--preset", "hello"}, "hello", "rnn", "scope", 16, 16, 4, false, false},
		{"a flag after the preset wins", []string{"--preset", "hello", "--hidden", "32", "--cell", "gru"}, "hello", "gru", "scope", 32, 16, 4, true, true},
		{"a flag before the preset wins", []string{"--hidden", "32", "--view", "gates", "--preset", "hello"}, "hello", "rnn", "gates", 32, 16, 4, false, true},
		{"a preset leaves other flags at their defaults", []string{"--preset", "gradients"}, "code", "rnn", "gradients", 128, 64, 16, false, false},
		{"the last preset wins where it speaks", []string{"--preset", "hello", "--preset", "gates"}, "hello", "lstm", "gates", 128, 16, 4, false, false},
		{"no preset", nil, "code", "lstm", "scope", 128, 64, 16, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			o, cmd := parseLive(t, c.args...)
			if o.corpus.corpus != c.corpus || o.net.cell != c.cell || o.view != c.view || o.net.hidden != c.hidden ||
				o.train.seq != c.seq || o.train.batch != c.batch {
				t.Errorf("%v: corpus %s, cell %s, view %s, hidden %d, seq %d, batch %d; want %s, %s, %s, %d, %d, %d",
					c.args, o.corpus.corpus, o.net.cell, o.view, o.net.hidden, o.train.seq, o.train.batch,
					c.corpus, c.cell, c.view, c.hidden, c.seq, c.batch)
			}
			// What a preset sets does not count as typed: a checkpoint's shape
			// is checked only against the user's own flags.
			if changed(cmd, "cell") != c.cellChanged || changed(cmd, "hidden") != c.hidden2 {
				t.Errorf("%v: changed(cell) %v, changed(hidden) %v", c.args, changed(cmd, "cell"), changed(cmd, "hidden"))
			}
			if err := o.validate(); err != nil {
				t.Errorf("%v: %v", c.args, err)
			}
		})
	}
}

func TestEveryPresetIsValidEverywhere(t *testing.T) {
	for _, p := range presets() {
		o, _ := parseLive(t, "--preset", p.Name)
		if err := o.validate(); err != nil {
			t.Errorf("--preset %s on the live scope: %v", p.Name, err)
		}
		for _, f := range p.Flags {
			if f[0] == "view" && f[1] != o.view {
				t.Errorf("--preset %s: view %s, want %s", p.Name, o.view, f[1])
			}
		}
		to := &trainOpts{}
		cmd := &cobra.Command{Use: "train"}
		to.register(cmd)
		if err := cmd.ParseFlags([]string{"--preset", p.Name}); err != nil {
			t.Fatal(err)
		}
		if err := to.validate(); err != nil {
			t.Errorf("--preset %s on train: %v", p.Name, err)
		}
	}
}

func TestBadPresetOrLanguageGetsOneLineAndStatus2(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--preset", "nope"}, `rnnscope: --preset "nope": want hello, quotes, code, gradients or gates`},
		{[]string{"demo", "--preset", "Hello"}, `rnnscope: --preset "Hello": want hello, quotes, code, gradients or gates`},
		{[]string{"train", "--preset", ""}, `rnnscope: --preset "": want hello, quotes, code, gradients or gates`},
		{[]string{"probe", "--preset", "gate"}, `rnnscope: --preset "gate": want hello, quotes, code, gradients or gates`},
		{[]string{"--lang", "fr"}, `rnnscope: --lang "fr": want en or ko`},
		{[]string{"demo", "--lang", "KO"}, `rnnscope: --lang "KO": want en or ko`},
	} {
		out, errOut, code := run(t, "", c.args...)
		if code != ExitUsage || out != "" || strings.TrimSpace(errOut) != c.want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2, nothing, %q", c.args, code, out, errOut, c.want)
		}
	}
}

func TestPresetsListsEveryPreset(t *testing.T) {
	out, errOut, code := run(t, "", "presets")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 2*len(presets()) {
		t.Fatalf("%d lines for %d presets:\n%s", len(lines), len(presets()), out)
	}
	for i, p := range presets() {
		set, why := lines[2*i], lines[2*i+1]
		if !strings.HasPrefix(set, p.Name+" ") || !strings.Contains(set, "--cell ") || !strings.Contains(set, "--view ") {
			t.Errorf("%s: the first line does not say what it sets: %q", p.Name, set)
		}
		if strings.TrimSpace(why) != p.Why || !strings.HasPrefix(why, "    ") {
			t.Errorf("%s: the second line is not its reason: %q", p.Name, why)
		}
		if len([]rune(set)) > 80 || len([]rune(why)) > 100 {
			t.Errorf("%s: a line too long for a terminal: %q", p.Name, set)
		}
	}
	if !strings.Contains(out, "hello      --corpus hello --cell rnn --hidden 16 --seq 16 --batch 4 --view scope") {
		t.Errorf("hello is not as the issue asks:\n%s", out)
	}
	out, _, code = run(t, "", "presets", "--json")
	var n int
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r presetRecord
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.Name == "" || r.Flags["view"] == "" || r.Why == "" {
			t.Errorf("--json line %q: %v %+v", l, err, r)
		}
		n++
	}
	if code != 0 || n != len(presets()) {
		t.Errorf("--json: exit %d, %d lines", code, n)
	}
}

// TestPresetTrainsWhatItSays runs train with a preset and an explicit flag.
func TestPresetTrainsWhatItSays(t *testing.T) {
	out, errOut, code := run(t, "", "train", "--preset", "hello", "--hidden", "8", "--steps", "20")
	if code != 0 || !strings.Contains(out, "trained rnn H=8 L=1 V=4 on hello: 20 steps, 1280 characters") {
		t.Fatalf("exit %d:\n%s%s", code, out, errOut)
	}
}

func TestLanguageAndClassroomTheme(t *testing.T) {
	o, cmd := parseLive(t)
	for _, c := range []struct {
		env  []string
		want string
	}{
		{nil, "en"},
		{[]string{"LANG=ko_KR.UTF-8"}, "ko"},
		{[]string{"LANG=ko_KR.UTF-8", "LC_ALL=en_US.UTF-8"}, "en"},
	} {
		if got := o.language(IO{Env: c.env}); got != c.want {
			t.Errorf("env %q: language %s, want %s", c.env, got, c.want)
		}
	}
	o, _ = parseLive(t, "--lang", "en")
	if got := o.language(IO{Env: []string{"LANG=ko_KR.UTF-8"}}); got != "en" {
		t.Errorf("--lang en in a Korean environment: %s", got)
	}
	if got := o.themeFor(cmd); got != "auto" {
		t.Errorf("no --classroom: theme %s", got)
	}
	o, cmd = parseLive(t, "--classroom")
	if got := o.themeFor(cmd); got != "high-contrast" {
		t.Errorf("--classroom: theme %s, want high-contrast", got)
	}
	o, cmd = parseLive(t, "--classroom", "--theme", "light")
	if got := o.themeFor(cmd); got != "light" {
		t.Errorf("--classroom --theme light: theme %s", got)
	}
}
