package tui

// demoScript is the tour `rnnscope demo` plays: every screen, with captions, in
// about ninety seconds.
const demoScript = `
at 0s    say "rnnscope: an LSTM learns Go-like code from scratch, live, on this CPU"
at 5s    say "The held-out text is coloured by the unit that best tracks string literals"
at 12s   say "The leaderboard ranks units by AUC against the label; the verdict says what is true"
at 19s   press down
at 20s   press down
at 21s   press up up
at 23s   say "b picks another label: brace depth. Depth units form later than quote units"
at 24s   label depth
at 30s   label quote
at 31s   pin best quote
at 32s   say "x clamps the pinned unit: the sample below is written with it held at +1"
at 33s   clamp +1
at 41s   clamp -1
at 47s   clamp off
at 48s   view raster
at 49s   say "Raster: every unit over the same text; o sorts the rows by correlation with the label"
at 53s   press o
at 58s   view gates
at 59s   say "Gates: how often each LSTM gate is saturated (< 0.1 or > 0.9), and their histograms"
at 66s   view gradients
at 67s   say "Three cells trained side by side: how much gradient reaches k characters back"
at 80s   press f
at 81s   say "f: the LSTM with forget bias 1 keeps far more gradient from long ago"
at 92s   view scope
at 93s   say "That is rnnscope. ? lists every key; q quits."
at 98s   quit
`

// DemoScript is the built-in tour.
func DemoScript() []Action {
	a, err := ParseScript(demoScript)
	if err != nil {
		panic("tui: the demo script does not parse: " + err.Error())
	}
	return a
}
