// rnnscope trains a small character-level RNN live in the terminal and lets you
// watch its hidden state think. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/rnnscope/rnnscope/tui/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args[1:], cli.IO{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		OutTTY: cli.IsTerminal(os.Stdout), ErrTTY: cli.IsTerminal(os.Stderr),
		Env: os.Environ(),
	})
	stop()
	os.Exit(code)
}
