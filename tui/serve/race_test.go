//go:build race

package serve

// raceEnabled: the race detector slows drawing several times over.
const raceEnabled = true
