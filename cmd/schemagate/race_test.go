//go:build race

package main

// raceEnabled: the race detector is on, and RSS includes its shadow memory,
// which grows with every goroutine it has seen.
const raceEnabled = true
