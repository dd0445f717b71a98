package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Action is one line of a session script: at a time, do what keys would.
type Action struct {
	At   time.Duration
	Verb string   // press, pin, view, label, clamp, say, quit
	Args []string // the rest of the line
}

// ScriptHelp documents the script format (for --help).
const ScriptHelp = `A script is one action per line, "at TIME VERB ARGS"; # starts a comment.
TIME is a duration since the start (8s, 1m30s, 500ms; in --lockstep mode, counted
in frames at --fps). Verbs:
  press KEY…        keys as the keyboard sends them: space enter tab left q c ] …
  pin best [LABEL]  pin the unit that tracks LABEL best (default: the chosen label)
  pin UNIT          pin a unit: c17, h3, "L2 c5"
  view SCREEN       scope, raster, gradients or gates
  label LABEL       quote, if, depth, if@depth2, paren, column, indent, comment
  clamp VALUE       clamp the pinned unit to +1, -1 or 0 while sampling; "clamp off"
  say TEXT          show TEXT on the bottom line (a caption for recordings)
  quit              end the session (status 0)`

// ParseScript reads a script; errors name the line.
func ParseScript(src string) ([]Action, error) {
	var out []Action
	for i, line := range strings.Split(src, "\n") {
		if j := strings.Index(line, "#"); j >= 0 {
			line = line[:j]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		bad := func(format string, a ...any) error {
			return fmt.Errorf("line %d: %s", i+1, fmt.Sprintf(format, a...))
		}
		if len(f) < 3 || f[0] != "at" {
			return nil, bad("%q: want \"at TIME VERB …\"", strings.TrimSpace(line))
		}
		at, err := time.ParseDuration(f[1])
		if err != nil || at < 0 {
			return nil, bad("time %q: want a duration such as 8s or 1m30s", f[1])
		}
		a := Action{At: at, Verb: f[2], Args: f[3:]}
		switch a.Verb {
		case "press":
			if len(a.Args) == 0 {
				return nil, bad("press needs keys")
			}
		case "pin":
			if len(a.Args) == 0 {
				return nil, bad("pin needs best or a unit")
			}
		case "view":
			if len(a.Args) != 1 || !slices.Contains(ScreenNames(), a.Args[0]) {
				return nil, bad("view %q: want %s", strings.Join(a.Args, " "), strings.Join(ScreenNames(), ", "))
			}
		case "label":
			if len(a.Args) != 1 {
				return nil, bad("label needs one name")
			}
		case "clamp":
			if len(a.Args) != 1 {
				return nil, bad("clamp needs +1, -1, 0 or off")
			}
			if v := a.Args[0]; v != "off" && v != "+1" && v != "1" && v != "-1" && v != "0" {
				return nil, bad("clamp %q: want +1, -1, 0 or off", v)
			}
		case "say":
			a.Args = []string{strings.TrimSpace(strings.SplitN(line, "say", 2)[1])}
		case "quit":
		default:
			return nil, bad("verb %q: want press, pin, view, label, clamp, say or quit", a.Verb)
		}
		if len(out) > 0 && at < out[len(out)-1].At {
			return nil, bad("time %s is before the previous line's %s", at, out[len(out)-1].At)
		}
		out = append(out, a)
	}
	return out, nil
}

// scriptPlayer plays actions in order as their time comes.
type scriptPlayer struct {
	actions []Action
	next    int
}

// due returns the actions whose time has come.
func (p *scriptPlayer) due(_ int, now time.Duration) []Action {
	start := p.next
	for p.next < len(p.actions) && p.actions[p.next].At <= now {
		p.next++
	}
	return p.actions[start:p.next]
}

// keyMsg builds the key press a key name sends.
func keyMsg(name string) tea.KeyPressMsg {
	special := map[string]rune{"space": tea.KeySpace, "enter": tea.KeyEnter, "tab": tea.KeyTab, "esc": tea.KeyEscape,
		"left": tea.KeyLeft, "right": tea.KeyRight, "up": tea.KeyUp, "down": tea.KeyDown,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown}
	if c, ok := special[name]; ok {
		k := tea.KeyPressMsg{Code: c}
		if c == tea.KeySpace {
			k.Text = " "
		}
		return k
	}
	if name == "shift+tab" {
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	}
	r := []rune(name)[0]
	return tea.KeyPressMsg{Code: r, Text: string(r)}
}

// perform does one action; it returns a command only to quit.
func (m *Model) perform(a Action) tea.Cmd {
	switch a.Verb {
	case "quit":
		m.quitting = true
		return tea.Quit
	case "press":
		for _, k := range a.Args {
			nm, cmd := m.key(keyMsg(k))
			*m = nm.(Model)
			if m.quitting {
				return cmd
			}
		}
	case "view":
		for i, n := range ScreenNames() {
			if n == a.Args[0] {
				m.setScreen(i)
			}
		}
	case "label":
		m.sel.label, m.sel.chosen = a.Args[0], true
		m.sel.row = 0
		m.adopt(m.snap)
	case "pin":
		if a.Args[0] == "best" {
			if len(a.Args) > 1 {
				m.sel.label, m.sel.chosen = a.Args[1], true
			}
			if lr := m.board(); lr != nil {
				if best, ok := lr.Best(); ok {
					m.pin(best.Unit)
				}
			}
		} else {
			m.pinTyped(strings.Join(a.Args, " "))
		}
	case "clamp":
		switch a.Args[0] {
		case "off":
			m.sel.clamp = 0
		case "+1", "1":
			m.sel.clamp = 1
		case "-1":
			m.sel.clamp = 2
		case "0":
			m.sel.clamp = 3
		}
		m.reclamp()
	case "say":
		m.status = m.cat.say(strings.Trim(a.Args[0], `"`))
	}
	return nil
}
