package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui"
)

// liveOpts are the flags of the live session (bare `rnnscope`).
type liveOpts struct {
	trainOpts
	view       string
	fps        int
	lockstep   int
	script     string
	theme      string
	lang       string // "": from the environment
	noCaptions bool
	classroom  bool
	demo       bool   // play the built-in tour
	lesson     int    // start on the Lessons screen at this lesson (1–9)
	record     string // --record FILE.cast
}

func (o *liveOpts) register(c *cobra.Command) {
	o.trainOpts.register(c)
	fs := c.Flags()
	fs.StringVar(&o.view, "view", "scope", "first screen: "+strings.Join(tui.ScreenNames(), ", "))
	fs.IntVar(&o.fps, "fps", 25, "frames per second, 1 to 60")
	fs.IntVar(&o.lockstep, "lockstep", 0, "train exactly this many steps per frame: the same seed and keys give the same frames")
	fs.StringVar(&o.script, "script", "", "play a timeline of actions from FILE: one \"at 8s pin best quote\" per line")
	fs.StringVar(&o.theme, "theme", "auto", "colours: auto (from the terminal), "+strings.Join(themes.Names(), ", "))
	fs.StringVar(&o.lang, "lang", "", "language of every caption, label and message: en or ko (default: from LC_ALL, LC_MESSAGES or LANG)")
	fs.BoolVar(&o.noCaptions, "no-captions", false, "hide the one-line panel captions (cleaner recordings)")
	fs.StringVar(&o.record, "record", "", "write an asciicast v2 recording of the session to FILE.cast (asciinema play FILE.cast)")
	fs.BoolVar(&o.classroom, "classroom", false, "for a projector: the high-contrast theme (unless --theme), fewer and larger panels, plain captions, only a teacher's keys")
	for _, name := range []string{"json", "log-every", "val-every", "save-every"} {
		_ = fs.MarkHidden(name) // headless-only flags
	}
}

func (o *liveOpts) validate() error {
	if err := o.trainOpts.validate(); err != nil {
		return err
	}
	ok := false
	for _, v := range tui.ScreenNames() {
		ok = ok || v == o.view
	}
	switch {
	case !ok:
		return usagef("--view %q: want %s", o.view, strings.Join(tui.ScreenNames(), ", "))
	case o.fps < 1 || o.fps > 60:
		return usagef("--fps %d: want 1 to 60", o.fps)
	case o.lockstep < 0 || o.lockstep > 10000:
		return usagef("--lockstep %d: want 0 (off) to 10000 steps per frame", o.lockstep)
	case o.theme != "auto" && themes.Check(o.theme) != nil:
		return usagef("--theme %q: want auto, %s", o.theme, strings.Join(themes.Names(), ", "))
	case o.lang != "" && !slices.Contains(tui.Langs(), o.lang):
		return usagef("--lang %q: want %s", o.lang, strings.Join(tui.Langs(), " or "))
	}
	if o.record != "" {
		return checkRecord(o.record)
	}
	return nil
}

// language is --lang, or the environment's language when it is not given.
func (o *liveOpts) language(stdio IO) string {
	if o.lang != "" {
		return o.lang
	}
	return tui.LangFromEnv(stdio.Env)
}

// themeFor is --theme, except that the classroom picks high-contrast unless
// --theme was given.
func (o *liveOpts) themeFor(cmd *cobra.Command) string {
	if o.classroom && !changed(cmd, "theme") {
		return "high-contrast"
	}
	return o.theme
}

func newDemoCmd(stdio IO) *cobra.Command {
	o := &liveOpts{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "A scripted tour of every screen, for recordings",
		Long: "Play a built-in tour of the live scope: the Scope, Raster, Gates and Gradients\n" +
			"screens with a caption for each, in about a hundred seconds, then quit. Any\n" +
			"flag of the live scope applies; --lockstep makes the tour the same on any machine.",
		Example: "  rnnscope demo\n" +
			"  asciinema rec -c 'rnnscope demo --lockstep 2' demo.cast",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			if o.script != "" {
				return usagef("--script: demo plays its own script; use rnnscope --script FILE")
			}
			o.demo = true
			return runLive(cmd.Context(), cmd, stdio, o)
		},
	}
	o.register(cmd)
	return cmd
}

func newLessonCmd(stdio IO) *cobra.Command {
	o := &liveOpts{}
	cmd := &cobra.Command{
		Use:   "lesson [N]",
		Short: "Nine guided lessons, each a live demonstration",
		Long: "Walk through the ideas of the lecture behind rnnscope, in order: recurrence and shared\n" +
			"weights, problem shapes, one-hot characters, truncated BPTT, reading a hidden unit,\n" +
			"vanishing and exploding gradients, the LSTM, the GRU and why gates fix it. Each lesson\n" +
			"trains or loads a real network; ] and [ move between lessons, enter opens the full\n" +
			"screen for the idea, tab the other screens. --lang ko gives the Korean lessons.",
		Example: "  rnnscope lesson\n" +
			"  rnnscope lesson 6 --lang ko\n" +
			"  rnnscope lesson 5 --classroom",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.lesson = 1
			if len(args) == 1 {
				n, err := strconv.Atoi(args[0])
				if err != nil || n < 1 || n > 9 {
					return usagef("lesson %q: want a lesson number from 1 to 9", args[0])
				}
				o.lesson = n
			}
			if !changed(cmd, "view") {
				o.view = "lessons"
			}
			if err := o.validate(); err != nil {
				return err
			}
			return runLive(cmd.Context(), cmd, stdio, o)
		},
	}
	o.register(cmd)
	return cmd
}

// errNoTerminal is the one line for a live session started into a pipe.
var errNoTerminal = errors.New("the live scope needs a terminal, and stdout is not one; for headless runs use rnnscope train, probe or gradflow (rnnscope --help lists them)")

// runLive starts training and the TUI.
func runLive(ctx context.Context, cmd *cobra.Command, stdio IO, o *liveOpts) error {
	if !stdio.OutTTY {
		return usageError{errNoTerminal}
	}
	uiThread(stdio)
	var script []tui.Action
	if o.demo {
		script = tui.DemoScript()
	}
	if o.script != "" {
		data, err := os.ReadFile(o.script)
		if err != nil {
			return usagef("--script %s: %v", o.script, errors.Unwrap(err))
		}
		if script, err = tui.ParseScript(string(data)); err != nil {
			return usagef("--script %s: %v", o.script, err)
		}
	}
	s, err := newSession(cmd, stdio, &o.trainOpts)
	if err != nil {
		return err
	}
	heldIDs, heldText := s.corpus.Held()
	win, err := probe.NewWindow(heldIDs, heldText, probe.DefaultWarmup, probe.DefaultScored)
	if err != nil {
		return usagef("--corpus %s: %v", o.corpus.corpus, err)
	}
	opt := probe.Options{Top: 10, Baseline: probe.BaselineFrom(sampleTraining(s.corpus, trainingSample), win)}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	live := probe.StartLive(ctx, probe.LiveConfig{
		Name: s.corpus.Name, Trainer: s.trainer, Corpus: s.corpus, Vocab: s.vocab, Window: win,
		Options: opt, Rand: o.train.rng(), Meta: s.meta, Lockstep: o.lockstep,
	})
	cfg := tui.Config{
		Live: live,
		// The Gradients screen's three cells: the session's corpus, shape, training
		// and seed (the LSTM starts as the main run would), measured on its held-out text.
		Trio: func() *probe.Trio {
			tc, _ := o.train.config() // validated before the session started
			return probe.StartTrio(ctx, probe.TrioConfig{
				Name: s.corpus.Name, Corpus: s.corpus, Vocab: s.cfg.Vocab, Hidden: s.cfg.Hidden, Layers: s.cfg.Layers,
				Train: tc, Rand: o.train.rng, Seed: o.train.seed, Held: heldIDs, ForgetBias: o.net.forgetBias,
				Lockstep: o.lockstep, Paused: true,
			})
		},
		Save: o.save, Theme: o.themeFor(cmd), View: o.view, FPS: o.fps, Lockstep: o.lockstep,
		Seconds: o.run.seconds, Steps: o.run.steps, Script: script, Captions: !o.noCaptions, Lang: o.language(stdio),
		Classroom: o.classroom, Lesson: o.lesson, Seed: o.train.seed,
	}
	var opts []tea.ProgramOption
	var finish func() error
	if o.record != "" {
		title := "rnnscope"
		switch {
		case o.demo:
			title = "rnnscope demo"
		case o.lesson > 0:
			title = fmt.Sprintf("rnnscope lesson %d", o.lesson)
		}
		if opts, finish, err = startRecording(stdio, o.record, os.Stdout,
			recordInfo{Title: title, Theme: cfg.Theme, Lockstep: o.lockstep > 0}); err != nil {
			return err
		}
	}
	err = tui.Run(ctx, cfg, opts...)
	if finish != nil {
		if ferr := finish(); ferr != nil && err == nil {
			err = ferr
		}
	}
	cancel()
	live.Wait()
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled):
		return errInterrupted
	case strings.Contains(err.Error(), "TTY"), strings.Contains(err.Error(), "tty"):
		return fmt.Errorf("cannot open the terminal (%v); for headless runs use rnnscope train", err)
	default:
		return err
	}
	if o.save != "" { // quitting with --save keeps the work
		if err := nets.Save(o.save, s.checkpoint()); err != nil {
			return fmt.Errorf("saving %s: %w", o.save, err)
		}
		fmt.Fprintf(stdio.Err, "rnnscope: saved %s (step %s)\n", o.save, group(s.trainer.Steps))
	}
	return nil
}

// uiThread gives the screen a scheduler slot of its own. Training keeps every
// core busy with its two shards; with one slot per core, a key press or a frame
// waited for a shard to pause (up to two frames, measured in tmux). One slot more
// than cores lets the operating system run the screen at once, at no measured
// cost to training, whose results do not depend on the number of slots. An
// explicit GOMAXPROCS is left alone.
func uiThread(stdio IO) {
	for _, kv := range stdio.Env {
		if strings.HasPrefix(kv, "GOMAXPROCS=") {
			return
		}
	}
	if runtime.GOMAXPROCS(0) == runtime.NumCPU() {
		runtime.GOMAXPROCS(runtime.NumCPU() + 1)
	}
}
