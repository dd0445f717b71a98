package probe

import (
	"context"
	"sync/atomic"

	"github.com/rnnscope/rnnscope/nets"
)

// TrioCell is one of the three compared networks at one moment.
type TrioCell struct {
	Cell        nets.Cell
	ForgetBias  float64
	Step, Chars int64
	Loss        float64 // mean of recent steps, nats/char
	LossCurve   []Point
	Flow        GradFlow // latest measurement
	ClipEvents  int64
	ClipRecent  int // of the last 100 steps
}

// TrioSnapshot is the comparison at one moment; never modified after publication.
type TrioSnapshot struct {
	Version     uint64
	Cells       []TrioCell // vanilla, LSTM, GRU
	Paused      bool
	CharsPerSec float64 // all three together
}

// TrioControl is a request to the comparison's trainer.
type TrioControl struct {
	Pause, Resume    bool
	Reset            bool // all three back to their initial weights
	ToggleForgetBias bool // re-initialise the LSTM with forget bias 1 (or back to 0)
}

// Trio trains a vanilla RNN, an LSTM and a GRU in lock-step on the same corpus
// and seed on its own goroutine, and measures how their gradients fall off with
// lag.
type Trio struct {
	latest atomic.Pointer[TrioSnapshot]
}

// TrioConfig sets up a comparison.
type TrioConfig struct{}

// StartTrio starts the comparison.
func StartTrio(ctx context.Context, cfg TrioConfig) *Trio {
	t := &Trio{}
	t.latest.Store(&TrioSnapshot{})
	return t
}

// Latest is the newest snapshot.
func (t *Trio) Latest() *TrioSnapshot { return t.latest.Load() }

// Send queues a request.
func (t *Trio) Send(c TrioControl) {}
