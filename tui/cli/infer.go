package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
)

// loadCheckpoint reads --load, as a usage error when the file is bad.
func loadCheckpoint(path string) (*nets.Checkpoint, error) {
	if path == "" {
		return nil, usagef("--load: a checkpoint is required (write one with rnnscope train --save FILE)")
	}
	ck, err := nets.Load(path)
	if err != nil {
		return nil, usagef("--load %s: %v", path, err)
	}
	return ck, nil
}

func newSampleCmd(stdio IO) *cobra.Command {
	var (
		load, prime string
		n           int
		temp        float64
		argmax      bool
		seed        uint64
	)
	cmd := &cobra.Command{
		Use:   "sample",
		Short: "Generate text from a checkpoint",
		Example: "  rnnscope sample --load m.safetensors\n" +
			"  rnnscope sample --load m.safetensors --prime 'func main() {' --n 400 --temperature 0.7\n" +
			"  rnnscope sample --load m.safetensors --argmax --n 80",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case n < 0 || n > 10_000_000:
				return usagef("--n %d: want 0 to 10000000 characters", n)
			case !(temp > 0) || temp > 100:
				return usagef("--temperature %g: want a number above 0 and at most 100", temp)
			case !utf8.ValidString(prime):
				return usagef("--prime: not valid UTF-8")
			}
			ck, err := loadCheckpoint(load)
			if err != nil {
				return err
			}
			ids, err := encodePrime(ck.Vocab, prime)
			if err != nil {
				return err
			}
			smp := nets.NewSampler(ck.Config, ck.Params, rand.New(rand.NewPCG(seed, 0x73616d706c65))) // "sample"
			for _, id := range ids {
				smp.Feed(id)
			}
			var b strings.Builder
			b.WriteString(prime)
			for range n {
				b.WriteRune(ck.Vocab[smp.Next(temp, argmax)])
				if b.Len() > 1<<16 {
					fmt.Fprint(stdio.Out, b.String())
					b.Reset()
				}
			}
			out := b.String()
			if stdio.OutTTY && !strings.HasSuffix(out, "\n") {
				out += "\n"
			}
			_, err = fmt.Fprint(stdio.Out, out)
			return err
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&load, "load", "", "checkpoint to sample from (.safetensors)")
	fs.IntVar(&n, "n", 500, "characters to generate")
	fs.Float64Var(&temp, "temperature", 1, "divide the logits by this: below 1 is safer, above 1 wilder")
	fs.StringVar(&prime, "prime", "", "text to read before generating (default: a newline)")
	fs.BoolVar(&argmax, "argmax", false, "always take the most likely character")
	fs.Uint64Var(&seed, "seed", 1, "seed of the sampling")
	return cmd
}

// encodePrime maps the prime text to token ids; an empty prime starts from a
// newline (or the first token when the vocabulary has none).
func encodePrime(vocab []rune, prime string) ([]int32, error) {
	index := make(map[rune]int32, len(vocab))
	for i, r := range vocab {
		index[r] = int32(i)
	}
	if prime == "" {
		if id, ok := index['\n']; ok {
			return []int32{id}, nil
		}
		return []int32{0}, nil
	}
	unk, hasUnk := index['\uFFFD']
	var ids []int32
	for _, r := range prime {
		id, ok := index[r]
		if !ok {
			if !hasUnk {
				return nil, usagef("--prime %q: the model's vocabulary has no %q", prime, r)
			}
			id = unk
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// evalGenerated is how many characters of a generated corpus eval reads.
const evalGenerated = 100_000

func isEmbedded(name string) bool {
	for _, c := range corpora.List() {
		if c.Name == name {
			return true
		}
	}
	return false
}

// evalRecord is the --json line of `rnnscope eval`.
type evalRecord struct {
	Corpus  string  `json:"corpus"`
	Chars   int64   `json:"chars"` // characters predicted
	Loss    float64 `json:"loss"`  // nats/char
	BPC     float64 `json:"bpc"`   // bits/char
	Unknown int64   `json:"unknown"`
}

func newEvalCmd(stdio IO) *cobra.Command {
	var (
		load string
		cf   corpusFlags
		js   bool
		seed uint64
	)
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Mean loss of a checkpoint on a corpus, in bits/char",
		Long: "Read the whole corpus as one stream from h = 0, predicting each character from all\n" +
			"the characters before it, and print the mean loss. A generated corpus is read from\n" +
			"its held-out sample. The default corpus is the one the checkpoint was trained on.",
		Example: "  rnnscope eval --load m.safetensors\n" +
			"  rnnscope eval --load m.safetensors --corpus notes.txt --json",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ck, err := loadCheckpoint(load)
			if err != nil {
				return err
			}
			if !changed(cmd, "corpus") && ck.Meta["corpus"] != "" {
				cf.corpus = ck.Meta["corpus"]
			}
			if err := cf.validate(); err != nil {
				return err
			}
			heldMax := math.MaxInt32 // a file's whole tail
			if isEmbedded(cf.corpus) {
				heldMax = evalGenerated // a generated corpus's held-out sample
			}
			c, err := corpora.Load(cf.corpus, corpora.Options{
				Vocab: vocabFrom(ck.Vocab), Seed: seed, Stdin: stdio.In, ValFrac: cf.valFrac,
				Gen: corpora.GenOptions{Lag: cf.lag}, HeldMax: heldMax, MinTrain: 1,
			})
			if err != nil {
				return err
			}
			ev := nets.NewEvaluator(ck.Config, ck.Params)
			unk := int64(0)
			count := func(ids []int32) {
				for _, id := range ids {
					if int(id) < len(ck.Vocab) && ck.Vocab[id] == '\uFFFD' {
						unk++
					}
				}
			}
			if !c.Generated() {
				st := c.Stream(0, 1, 0)
				buf := make([]int32, 1<<16)
				for left := c.TrainLen(); left > 0; {
					k := int(min(left, int64(len(buf))))
					st.Read(buf[:k])
					count(buf[:k])
					ev.Add(buf[:k])
					left -= int64(k)
				}
			}
			held, _ := c.Held()
			count(held)
			ev.Add(held)
			nats, n := ev.Mean()
			if n == 0 {
				return usagef("--corpus %s: fewer than two characters to evaluate", cf.corpus)
			}
			r := evalRecord{Corpus: c.Name, Chars: n, Loss: nats, BPC: nats / math.Ln2, Unknown: unk}
			if js {
				return json.NewEncoder(stdio.Out).Encode(r)
			}
			fmt.Fprintf(stdio.Out, "%.6f nats/char (%.6f bits/char) over %s characters of %s\n",
				r.Loss, r.BPC, group(n), c.Name)
			if unk > 0 {
				fmt.Fprintf(stdio.Err, "rnnscope: note: %s outside the model's vocabulary read as the unknown token\n",
					plural(unk, "character", "characters"))
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&load, "load", "", "checkpoint to evaluate (.safetensors)")
	cf.register(cmd, "code")
	fs.BoolVar(&js, "json", false, "write one JSON object to stdout")
	fs.Uint64Var(&seed, "seed", 1, "seed of a generated corpus's held-out sample")
	return cmd
}

func newCorporaCmd(stdio IO) *cobra.Command {
	var js bool
	cmd := &cobra.Command{
		Use:   "corpora",
		Short: "List the embedded corpora",
		Long: "List the corpora built into rnnscope. Each is written on the fly by a seeded generator,\n" +
			"so training never repeats a fixed sample. --corpus also takes a file, a folder or -.",
		Example: "  rnnscope corpora\n  rnnscope train --corpus quotes --seconds 60",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			list := corpora.List()
			if js {
				enc := json.NewEncoder(stdio.Out)
				for _, c := range list {
					if err := enc.Encode(map[string]any{"name": c.Name, "doc": c.Doc, "vocab": c.Alphabet, "size": "endless"}); err != nil {
						return err
					}
				}
				return nil
			}
			w := 0
			for _, c := range list {
				w = max(w, len(c.Name))
			}
			for i, c := range list {
				def := ""
				if i == 0 {
					def = " (default)"
				}
				fmt.Fprintf(stdio.Out, "%-*s  endless, %3d characters in its vocabulary  %s%s\n", w, c.Name, c.Alphabet, c.Doc, def)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&js, "json", false, "write one JSON object per line")
	return cmd
}
