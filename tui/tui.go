// Package tui is rnnscope's live scope: a Bubble Tea program that shows a network
// training, the text coloured by one hidden unit, the unit leaderboard, the raster
// of all units, the gradients of three cells side by side and the gates. It reads
// immutable snapshots published by probe.Live and never trains or analyses itself.
package tui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/rnnscope/rnnscope/probe"
)

// Config is what a live session needs; the command line builds it.
type Config struct {
	Live *probe.Live // the main run, already started
	// Trio starts the three-cell comparison for the Gradients screen the first
	// time it is shown (nil: the screen explains how to get it).
	Trio func() *probe.Trio
	// Save is where the save key writes a checkpoint.
	Save     string
	Theme    string // a themes name, or "" / "auto" to follow the terminal
	View     string // first screen: scope, raster, gradients or gates
	FPS      int    // frames per second (20–30 is plenty)
	Lockstep int    // > 0: the trainer advances this many steps per frame
	// A bounded session quits by itself, with status 0: after Seconds of wall
	// time, or once the run has trained Steps steps (0: no bound).
	Seconds float64
	Steps   int64
	// Script drives the session as keys would (see ParseScript).
	Script   []Action
	Captions bool   // show the one-line panel captions
	Lang     string // en or ko ("": en)
	// Classroom is the projector mode: fewer, larger panels, plain captions,
	// only the keys a teacher needs (the command line also picks the
	// high-contrast theme).
	Classroom bool
	// Lesson is the lesson (1–9) the Lessons screen starts at; Seed seeds the
	// lessons' demonstrations.
	Lesson int
	Seed   uint64
	// ReadOnly sessions watch a run they cannot change (a class watching the
	// host's run over SSH): training keys are refused with a message.
	ReadOnly bool
}

// Screens, in tab order.
const (
	screenScope = iota
	screenRaster
	screenGradients
	screenGates
	screenLessons
	numScreens
)

var screenNames = [numScreens]string{"Scope", "Raster", "Gradients", "Gates", "Lessons"}

// ScreenNames lists the --view values.
func ScreenNames() []string { return []string{"scope", "raster", "gradients", "gates", "lessons"} }

// Run runs the TUI until the user quits, the session's bound is reached, or ctx
// is done. opts are extra Bubble Tea options (tests set input, output, size and
// colour profile).
func Run(ctx context.Context, cfg Config, opts ...tea.ProgramOption) error {
	all := append([]tea.ProgramOption{tea.WithContext(ctx), tea.WithFPS(max(cfg.FPS, 30))}, opts...)
	p := tea.NewProgram(New(cfg), all...)
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// frameEvery is the tick interval for an fps setting.
func frameEvery(fps int) time.Duration {
	if fps <= 0 {
		fps = 25
	}
	return time.Second / time.Duration(min(fps, 60))
}
