package corpora

// generators lists the embedded generated corpora in the order `rnnscope corpora`
// shows them. The first is the default corpus.
func generators() []Generated {
	return []Generated{
		{
			Name: "code",
			Doc: "synthetic Go: funcs, nested if/else and for blocks, strings in " +
				"calls, assignments, returns and literals, // comments",
			Alphabet: codeAlphabet(),
			New: func(seed uint64, _ GenOptions) RuneSource {
				return newCodeGen(seed)
			},
		},
		{
			Name: "quotes",
			Doc: `prose wrapped at 72 columns with "dialogue" (I, you, present ` +
				"tense, ?!) set apart from narration (he, she, past tense)",
			Alphabet: quotesAlphabet(),
			New: func(seed uint64, _ GenOptions) RuneSource {
				return newQuotesGen(seed)
			},
		},
		{
			Name:     "hello",
			Doc:      `the lecture's example: "hello" over and over (vocabulary h, e, l, o)`,
			Alphabet: []rune("helo"),
			New: func(uint64, GenOptions) RuneSource {
				return &helloGen{}
			},
		},
		{
			Name: "recall",
			Doc: "delayed recall: a key A-H, lag-1 random fillers a-d, the same key " +
				"again (lag 20 unless set)",
			Alphabet: []rune(recallKeys + recallFillers),
			New: func(seed uint64, opt GenOptions) RuneSource {
				return newRecallGen(seed, opt.Lag)
			},
		},
	}
}
