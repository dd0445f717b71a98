// Package cli is rnnscope's command line: the command tree, shared flags and their
// validation, and the headless subcommands (train, sample, eval, corpora, …).
// Results go to stdout, progress and errors to stderr. It never draws the TUI
// itself; the root command hands that to a function main gives it.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/rnnscope/rnnscope/corpora"
)

// IO is the process's standard streams and what is known about them.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	// OutTTY and ErrTTY say whether stdout and stderr are terminals: progress is
	// redrawn in place only on a terminal, and the TUI needs one.
	OutTTY, ErrTTY bool
	// Env is the environment (os.Environ()), for colour decisions.
	Env []string
}

// Exit statuses.
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitInterrupted = 130
)

// usageError is a bad flag value or argument: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// errInterrupted ends a run stopped by Ctrl-C after it saved what it had to.
var errInterrupted = errors.New("interrupted")

// Main runs rnnscope with args (without the program name) and returns the exit
// status. ctx is cancelled on Ctrl-C.
func Main(ctx context.Context, args []string, stdio IO) int {
	root := newRoot(stdio)
	root.SetArgs(args)
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	err := fang.Execute(ctx, root,
		fang.WithoutManpage(),
		fang.WithVersion(version()),
		fang.WithErrorHandler(func(w io.Writer, _ fang.Styles, err error) {
			if errors.Is(err, errInterrupted) {
				return
			}
			msg := strings.TrimSpace(err.Error())
			if i := strings.IndexByte(msg, '\n'); i >= 0 {
				msg = msg[:i]
			}
			fmt.Fprintln(w, "rnnscope: "+msg)
		}))
	return exitStatus(err)
}

func exitStatus(err error) int {
	var ue usageError
	var ce *corpora.Error
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errInterrupted):
		return ExitInterrupted
	case errors.As(err, &ue), errors.As(err, &ce), isCobraUsage(err):
		return ExitUsage
	}
	return ExitFailure
}

// isCobraUsage recognises the errors cobra makes itself for unknown commands and
// wrong argument counts.
func isCobraUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires ", "flag needs an argument", "invalid argument"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func version() string { return "0.1.0" }

// flagError turns pflag's parse errors into one line naming the value and what is
// allowed.
func flagError(_ *cobra.Command, err error) error {
	var ive *pflag.InvalidValueError
	if errors.As(err, &ive) {
		f := ive.GetFlag()
		want := "a valid value"
		switch f.Value.Type() {
		case "int", "int64", "uint64", "uint", "int32":
			want = "a whole number"
		case "float64", "float32":
			want = "a number"
		case "bool":
			want = "true or false"
		case "duration":
			want = "a duration such as 90s or 5m"
		}
		return usagef("--%s %q: want %s", f.Name, ive.GetValue(), want)
	}
	return usageError{err}
}

func newRoot(stdio IO) *cobra.Command {
	o := &liveOpts{}
	root := &cobra.Command{
		Use:   "rnnscope",
		Short: "Watch a character-level RNN learn, live in the terminal",
		Long: "rnnscope trains a small character-level RNN (vanilla, LSTM or GRU) and lets you watch\n" +
			"its hidden state: find the unit that switches inside quotes or if-blocks, and see\n" +
			"gradients vanish in one cell and survive in the others.",
		Example: "  rnnscope                                   # the live scope on the code corpus\n" +
			"  rnnscope --cell gru --corpus quotes --seconds 120\n" +
			"  rnnscope train --cell lstm --seconds 60 --save m.safetensors",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			return runLive(cmd.Context(), cmd, stdio, o)
		},
	}
	o.register(root)
	root.SetFlagErrorFunc(flagError)
	root.AddCommand(
		newTrainCmd(stdio),
		newSampleCmd(stdio),
		newEvalCmd(stdio),
		newCorporaCmd(stdio),
		newProbeCmd(stdio),
		newDemoCmd(stdio),
		newLessonCmd(stdio),
		newGradflowCmd(stdio),
		newExportCmd(stdio),
		newServeCmd(stdio),
		newPresetsCmd(stdio),
	)
	root.CompletionOptions.HiddenDefaultCmd = true // `rnnscope completion bash` still works
	fitHelp(root)
	for _, c := range root.Commands() {
		c.SetFlagErrorFunc(flagError)
		fitHelp(c)
	}
	return root
}

// fitHelp makes --help read well in a terminal of 80 columns or more. The
// description is written as paragraphs with line breaks for the source; they
// are joined so that the help renderer wraps them to the terminal's width. Long
// flag descriptions are broken into lines: the renderer puts them in a column
// after the widest flag or command name and keeps one description's lines
// aligned there.
func fitHelp(c *cobra.Command) {
	var paras []string
	for _, p := range strings.Split(c.Long, "\n\n") {
		paras = append(paras, strings.Join(strings.Fields(p), " "))
	}
	c.Long = strings.Join(paras, "\n\n")
	col := 0 // the names' width, as the renderer measures it
	measure := func(f *pflag.Flag) {
		w := len("--" + f.Name)
		if f.Shorthand != "" {
			w += len("-x ")
		}
		col = max(col, w)
	}
	c.Flags().VisitAll(measure)
	c.PersistentFlags().VisitAll(measure)
	for _, sub := range c.Commands() {
		if !sub.Hidden {
			col = max(col, len(sub.Use)+len(" [--flags]"))
		}
	}
	width := max(80-4-(col+2)-1, 30)
	wrap := func(f *pflag.Flag) {
		if strings.Contains(f.Usage, "\n") {
			return
		}
		room := width
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			room -= len(f.DefValue) + 3 // " (default)" follows the last line
		}
		var lines []string
		line := ""
		for _, word := range strings.Fields(f.Usage) {
			// A word too long for a line (a list such as a,b,c) breaks after
			// its commas.
			parts := []string{word}
			if len([]rune(word)) > width {
				parts = strings.SplitAfter(word, ",")
			}
			for i, w := range parts {
				sep := " "
				if i > 0 {
					sep = "" // the rest of the same word
				}
				switch {
				case line == "":
					line = w
				case len([]rune(line))+len(sep)+len([]rune(w)) <= width:
					line += sep + w
				default:
					lines = append(lines, line)
					line = w
				}
			}
		}
		if i := strings.LastIndexByte(line, ' '); len([]rune(line)) > room && i > 0 {
			// the default would run past the edge: move the last word down
			lines = append(lines, line[:i])
			line = line[i+1:]
		}
		f.Usage = strings.Join(append(lines, line), "\n")
	}
	c.Flags().VisitAll(wrap)
	c.PersistentFlags().VisitAll(wrap)
}

// IsTerminal reports whether f is a terminal.
func IsTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
