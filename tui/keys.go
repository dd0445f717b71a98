package tui

import "charm.land/bubbles/v2/key"

// keyMap names every action the TUI takes from the keyboard. Keys change; actions
// don't.
type keyMap struct {
	NextScreen, PrevScreen                 key.Binding
	Scope, Raster, Gradients, Gates        key.Binding
	Lessons, NextLesson, PrevLesson        key.Binding
	OpenLesson, LessonText                 key.Binding
	TogglePause, Step                      key.Binding
	LRDown, LRUp, TempDown, TempUp         key.Binding
	Up, Down, Left, Right, PageUp, PageDn  key.Binding
	Pin, TypeUnit, Follow                  key.Binding
	ToggleState, NextLayer, NextLabel      key.Binding
	Centre, Readout, Clamp                 key.Binding
	Sort                                   key.Binding
	ForgetBias                             key.Binding
	Reset, Save, Captions, Help, Quit, Esc key.Binding
	// classroom keeps the short help to the keys a teacher needs.
	classroom bool
}

// newKeyMap builds the keymap with its help in the catalog's language.
func newKeyMap(c *catalog, classroom bool) keyMap {
	h := func(k, desc string) key.BindingOpt { return key.WithHelp(k, c.tr(desc)) }
	return keyMap{classroom: classroom,
		NextScreen:  key.NewBinding(key.WithKeys("tab"), h("tab", "next screen")),
		PrevScreen:  key.NewBinding(key.WithKeys("shift+tab"), h("⇧tab", "previous screen")),
		Scope:       key.NewBinding(key.WithKeys("1"), h("1", "scope")),
		Raster:      key.NewBinding(key.WithKeys("2"), h("2", "raster")),
		Gradients:   key.NewBinding(key.WithKeys("3"), h("3", "gradients")),
		Gates:       key.NewBinding(key.WithKeys("4"), h("4", "gates")),
		Lessons:     key.NewBinding(key.WithKeys("5"), h("5", "lessons")),
		NextLesson:  key.NewBinding(key.WithKeys("]", "pgdown"), h("]", "next lesson")),
		PrevLesson:  key.NewBinding(key.WithKeys("[", "pgup"), h("[", "previous lesson")),
		OpenLesson:  key.NewBinding(key.WithKeys("enter"), h("enter", "open its screen")),
		LessonText:  key.NewBinding(key.WithKeys("i"), h("i", "lesson text")),
		TogglePause: key.NewBinding(key.WithKeys("space"), h("space", "pause")),
		Step:        key.NewBinding(key.WithKeys("."), h(".", "one step")),
		LRDown:      key.NewBinding(key.WithKeys("["), h("[ ]", "learning rate")),
		LRUp:        key.NewBinding(key.WithKeys("]"), h("]", "learning rate up")),
		TempDown:    key.NewBinding(key.WithKeys("-"), h("- +", "temperature")),
		TempUp:      key.NewBinding(key.WithKeys("+", "="), h("+", "temperature up")),
		Up:          key.NewBinding(key.WithKeys("up", "k"), h("↑↓", "choose unit")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), h("↓", "next unit")),
		Left:        key.NewBinding(key.WithKeys("left", "h"), h("←→", "move cursor")),
		Right:       key.NewBinding(key.WithKeys("right", "l"), h("→", "cursor right")),
		PageUp:      key.NewBinding(key.WithKeys("pgup"), h("pgup", "scroll up")),
		PageDn:      key.NewBinding(key.WithKeys("pgdown"), h("pgdn", "scroll down")),
		Pin:         key.NewBinding(key.WithKeys("enter"), h("enter", "pin")),
		TypeUnit:    key.NewBinding(key.WithKeys("#", "u"), h("u", "type a unit")),
		Follow:      key.NewBinding(key.WithKeys("a"), h("a", "auto-follow")),
		ToggleState: key.NewBinding(key.WithKeys("c"), h("c", "h/c")),
		NextLayer:   key.NewBinding(key.WithKeys("y"), h("y", "layer")),
		NextLabel:   key.NewBinding(key.WithKeys("b"), h("b", "label")),
		Centre:      key.NewBinding(key.WithKeys("z"), h("z", "centre 0/θ")),
		Readout:     key.NewBinding(key.WithKeys("r"), h("r", "readout trace")),
		Clamp:       key.NewBinding(key.WithKeys("x"), h("x", "clamp +1/−1/0")),
		Sort:        key.NewBinding(key.WithKeys("o"), h("o", "sort rows")),
		ForgetBias:  key.NewBinding(key.WithKeys("f"), h("f", "LSTM forget bias")),
		Reset:       key.NewBinding(key.WithKeys("R"), h("R", "reset weights")),
		Save:        key.NewBinding(key.WithKeys("s"), h("s", "save")),
		Captions:    key.NewBinding(key.WithKeys("i"), h("i", "captions")),
		Help:        key.NewBinding(key.WithKeys("?"), h("?", "help")),
		Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), h("q", "quit")),
		Esc:         key.NewBinding(key.WithKeys("esc"), h("esc", "close")),
	}
}

// ShortHelp is the bottom line: the keys a newcomer needs first (in the
// classroom, the few a teacher uses).
func (k keyMap) ShortHelp() []key.Binding {
	if k.classroom {
		return []key.Binding{k.TogglePause, k.NextScreen, k.Up, k.Pin, k.NextLabel, k.Quit}
	}
	return []key.Binding{k.TogglePause, k.NextScreen, k.Up, k.Pin, k.NextLabel, k.Clamp, k.Help, k.Quit}
}

// FullHelp is the `?` overlay, in columns.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Scope, k.Raster, k.Gradients, k.Gates, k.Lessons, k.NextScreen, k.Captions, k.Help, k.Quit},
		{k.TogglePause, k.Step, k.LRDown, k.LRUp, k.TempDown, k.TempUp, k.Reset, k.Save},
		{k.Up, k.Down, k.Pin, k.TypeUnit, k.Follow, k.ToggleState, k.NextLayer, k.NextLabel},
		{k.Left, k.Right, k.PageUp, k.PageDn, k.Centre, k.Readout, k.Clamp, k.Sort, k.ForgetBias},
	}
}
