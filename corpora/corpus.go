// Package corpora supplies training text and per-character ground truth: embedded
// generated corpora, files, folders and standard input, a vocabulary of Unicode code
// points, endless training streams and a held-out tail. It never trains or draws.
package corpora

// RuneSource produces an endless, deterministic stream of characters.
// ReadRunes always fills dst completely.
type RuneSource interface {
	ReadRunes(dst []rune)
}

// GenOptions tunes a generator. The zero value means each generator's defaults.
type GenOptions struct {
	// Lag is the delay, in characters, of the recall corpus (0: its default).
	Lag int
}

// Generated describes one embedded corpus that is written on the fly by a seeded
// generator, so training never cycles over a fixed sample.
type Generated struct {
	Name string // as given to --corpus
	Doc  string // one line for `rnnscope corpora`
	// Alphabet is every character the generator can emit, in vocabulary order.
	Alphabet []rune
	// New starts a stream; equal seeds and options give equal streams.
	New func(seed uint64, opt GenOptions) RuneSource
}
