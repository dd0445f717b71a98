package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// preset is a named starting point: the flags a class needs to see one idea,
// set in one.
type preset struct {
	Name  string
	Flags [][2]string // flag name and value, in the order --help lists them
	Why   string      // one line: what it shows
}

// presets lists every --preset value, in the order of the lecture. It is a
// function, not a package variable, so nobody can change the list at run time.
func presets() []preset {
	return []preset{
		{"hello", [][2]string{{"corpus", "hello"}, {"cell", "rnn"}, {"hidden", "16"}, {"seq", "16"}, {"batch", "4"}, {"view", "scope"}},
			`the lecture's first example: a small vanilla RNN learns "hello" (h→e, e→l, l→l, l→o)`},
		{"quotes", [][2]string{{"corpus", "quotes"}, {"cell", "lstm"}, {"hidden", "128"}, {"view", "scope"}},
			"prose with dialogue: an LSTM grows a unit that switches inside quotes"},
		{"code", [][2]string{{"corpus", "code"}, {"cell", "lstm"}, {"hidden", "128"}, {"view", "scope"}},
			"synthetic Go: units for strings, if-blocks and brace depth"},
		{"gradients", [][2]string{{"cell", "rnn"}, {"view", "gradients"}},
			"vanishing gradients: a vanilla RNN, an LSTM and a GRU trained side by side"},
		{"gates", [][2]string{{"cell", "lstm"}, {"hidden", "128"}, {"view", "gates"}},
			"an LSTM's gates: how often each one is shut or wide open"},
	}
}

// presetNames lists the presets for messages: "hello, quotes, code, gradients or gates".
func presetNames() string {
	var names []string
	for _, p := range presets() {
		names = append(names, p.Name)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// presetFlag is --preset. Setting it sets the preset's flags that the user has
// not set: as pflag parses in order, a flag given before --preset is already
// marked changed and kept, and one given after it is set again and wins. The
// preset's own values leave the flags unchanged, so checks such as a
// checkpoint's shape against --cell see only what the user typed. An unknown
// name is kept and reported by validate, in the one-line form of every bad
// value.
type presetFlag struct {
	fs   *pflag.FlagSet
	name string
	bad  bool
}

func (p *presetFlag) String() string { return p.name }
func (p *presetFlag) Type() string   { return "name" }

func (p *presetFlag) Set(v string) error {
	p.name, p.bad = v, true
	for _, pr := range presets() {
		if pr.Name != v {
			continue
		}
		p.bad = false
		for _, f := range pr.Flags {
			if fl := p.fs.Lookup(f[0]); fl != nil && !fl.Changed {
				if err := fl.Value.Set(f[1]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// register adds --preset to c; every command with a network's shape has it.
func (p *presetFlag) register(c *cobra.Command) {
	p.fs = c.Flags()
	c.Flags().Var(p, "preset", "a starting point for a class: "+presetNames()+" (see rnnscope presets); flags you give win")
}

func (p *presetFlag) validate() error {
	if p.bad {
		return usagef("--preset %q: want %s", p.name, presetNames())
	}
	return nil
}

// presetRecord is one --json line of `rnnscope presets`. Field names are stable.
type presetRecord struct {
	Name  string            `json:"name"`
	Flags map[string]string `json:"flags"`
	Why   string            `json:"why"`
}

func newPresetsCmd(stdio IO) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "presets",
		Short: "The presets: corpus, cell, size and screen in one flag",
		Long: "List the presets: each sets the corpus, the cell, its size and the first screen\n" +
			"in one flag, for the live scope, demo, train and probe. Flags given as well win\n" +
			"over the preset's.",
		Example: "  rnnscope presets\n" +
			"  rnnscope --preset hello\n" +
			"  rnnscope --preset quotes --hidden 64 --classroom",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			for _, p := range presets() {
				var set []string
				flags := map[string]string{}
				for _, f := range p.Flags {
					set = append(set, "--"+f[0]+" "+f[1])
					flags[f[0]] = f[1]
				}
				if asJSON {
					b, _ := json.Marshal(presetRecord{Name: p.Name, Flags: flags, Why: p.Why})
					fmt.Fprintln(stdio.Out, string(b))
					continue
				}
				fmt.Fprintf(stdio.Out, "%-10s %s\n%-10s %s\n", p.Name, strings.Join(set, " "), "", p.Why)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "write one JSON object per preset per line")
	return cmd
}
