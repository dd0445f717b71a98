package tui

import "charm.land/bubbles/v2/key"

// keyMap names every action the TUI takes from the keyboard. Keys change; actions
// don't.
type keyMap struct {
	NextScreen, PrevScreen                 key.Binding
	Scope, Raster, Gradients, Gates        key.Binding
	TogglePause, Step                      key.Binding
	LRDown, LRUp, TempDown, TempUp         key.Binding
	Up, Down, Left, Right, PageUp, PageDn  key.Binding
	Pin, TypeUnit, Follow                  key.Binding
	ToggleState, NextLayer, NextLabel      key.Binding
	Centre, Readout, Clamp                 key.Binding
	Sort                                   key.Binding
	ForgetBias                             key.Binding
	Reset, Save, Captions, Help, Quit, Esc key.Binding
}

func defaultKeyMap() keyMap {
	return keyMap{
		NextScreen:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next screen")),
		PrevScreen:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("⇧tab", "previous screen")),
		Scope:       key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "scope")),
		Raster:      key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "raster")),
		Gradients:   key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "gradients")),
		Gates:       key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "gates")),
		TogglePause: key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "pause")),
		Step:        key.NewBinding(key.WithKeys("."), key.WithHelp(".", "one step")),
		LRDown:      key.NewBinding(key.WithKeys("["), key.WithHelp("[ ]", "learning rate")),
		LRUp:        key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "learning rate up")),
		TempDown:    key.NewBinding(key.WithKeys("-"), key.WithHelp("- +", "temperature")),
		TempUp:      key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "temperature up")),
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑↓", "choose unit")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓", "next unit")),
		Left:        key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←→", "move cursor")),
		Right:       key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→", "cursor right")),
		PageUp:      key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "scroll up")),
		PageDn:      key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "scroll down")),
		Pin:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "pin")),
		TypeUnit:    key.NewBinding(key.WithKeys("#", "u"), key.WithHelp("u", "type a unit")),
		Follow:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "auto-follow")),
		ToggleState: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "h/c")),
		NextLayer:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "layer")),
		NextLabel:   key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "label")),
		Centre:      key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "centre 0/θ")),
		Readout:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "readout trace")),
		Clamp:       key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "clamp +1/−1/0")),
		Sort:        key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "sort rows")),
		ForgetBias:  key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "LSTM forget bias")),
		Reset:       key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reset weights")),
		Save:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save")),
		Captions:    key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "captions")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Esc:         key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
	}
}

// ShortHelp is the bottom line: the keys a newcomer needs first.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.TogglePause, k.NextScreen, k.Up, k.Pin, k.NextLabel, k.Clamp, k.Help, k.Quit}
}

// FullHelp is the `?` overlay, in columns.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Scope, k.Raster, k.Gradients, k.Gates, k.NextScreen, k.Captions, k.Help, k.Quit},
		{k.TogglePause, k.Step, k.LRDown, k.LRUp, k.TempDown, k.TempUp, k.Reset, k.Save},
		{k.Up, k.Down, k.Pin, k.TypeUnit, k.Follow, k.ToggleState, k.NextLayer, k.NextLabel},
		{k.Left, k.Right, k.PageUp, k.PageDn, k.Centre, k.Readout, k.Clamp, k.Sort, k.ForgetBias},
	}
}
