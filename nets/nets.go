package nets

import (
	"fmt"
	"strings"
)

// Float is the element type the engine computes in. Weights are kept in float64
// (checkpoints, optimisers); a float32 engine computes with a converted copy.
type Float interface{ float32 | float64 }

// Cell is the recurrent cell kind.
type Cell uint8

const (
	RNN  Cell = iota // vanilla: h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
	LSTM             // gate blocks i, f, g, o (PyTorch order)
	GRU              // gate blocks r, z, n (PyTorch order)
)

// Cells lists every cell kind in display order.
func Cells() []Cell { return []Cell{RNN, LSTM, GRU} }

func (c Cell) String() string {
	switch c {
	case RNN:
		return "rnn"
	case LSTM:
		return "lstm"
	case GRU:
		return "gru"
	}
	return fmt.Sprintf("cell(%d)", uint8(c))
}

// Title is the cell's name as people write it.
func (c Cell) Title() string {
	switch c {
	case RNN:
		return "vanilla RNN"
	case LSTM:
		return "LSTM"
	case GRU:
		return "GRU"
	}
	return c.String()
}

// Gates is G, the number of stacked gate blocks in W_ih and W_hh.
func (c Cell) Gates() int {
	switch c {
	case LSTM:
		return 4
	case GRU:
		return 3
	}
	return 1
}

// GateNames names the gate blocks in PyTorch's order ("" for the vanilla cell).
func (c Cell) GateNames() []string {
	switch c {
	case LSTM:
		return []string{"i", "f", "g", "o"}
	case GRU:
		return []string{"r", "z", "n"}
	}
	return nil
}

// ParseCell reads "rnn", "lstm" or "gru" (also "vanilla").
func ParseCell(s string) (Cell, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "rnn", "vanilla", "tanh":
		return RNN, nil
	case "lstm":
		return LSTM, nil
	case "gru":
		return GRU, nil
	}
	return 0, fmt.Errorf("--cell %q: want rnn, lstm or gru", s)
}

// Config fixes a network's shape.
type Config struct {
	Cell   Cell
	Vocab  int // V: one-hot input size and output size
	Hidden int // H
	Layers int // L, stacked
}

// Limits of Config, checked by Validate.
const (
	MaxHidden = 4096
	MaxLayers = 3
	MaxVocab  = 65536
)

// Validate reports the first field out of range, naming the flag a user sets.
func (c Config) Validate() error {
	switch {
	case c.Cell > GRU:
		return fmt.Errorf("--cell %d: want rnn, lstm or gru", c.Cell)
	case c.Hidden < 1 || c.Hidden > MaxHidden:
		return fmt.Errorf("--hidden %d: want 1 to %d", c.Hidden, MaxHidden)
	case c.Layers < 1 || c.Layers > MaxLayers:
		return fmt.Errorf("--layers %d: want 1 to %d", c.Layers, MaxLayers)
	case c.Vocab < 2 || c.Vocab > MaxVocab:
		return fmt.Errorf("vocabulary of %d tokens: want 2 to %d", c.Vocab, MaxVocab)
	}
	return nil
}

// GH is the height of the stacked gate blocks, G·H.
func (c Config) GH() int { return c.Cell.Gates() * c.Hidden }

// inputSize is the width of layer l's input: V for the first layer, H above.
func (c Config) inputSize(l int) int {
	if l == 0 {
		return c.Vocab
	}
	return c.Hidden
}

// NumParams counts every weight and bias, head included.
func (c Config) NumParams() int {
	n := 0
	for l := range c.Layers {
		n += c.GH()*(c.inputSize(l)+c.Hidden) + 2*c.GH()
	}
	return n + c.Vocab*c.Hidden + c.Vocab
}

// MACsPerChar counts the multiply-adds of one forward step per character, counting
// the one-hot input as a column read: Σ_l G·H·(I_l + H) + H·V with I_0 = 0.
func (c Config) MACsPerChar() int {
	n := c.Hidden * c.Vocab
	for l := range c.Layers {
		in := c.Hidden
		if l == 0 {
			in = 0
		}
		n += c.GH() * (in + c.Hidden)
	}
	return n
}

func (c Config) String() string {
	return fmt.Sprintf("%s H=%d L=%d V=%d", c.Cell, c.Hidden, c.Layers, c.Vocab)
}
