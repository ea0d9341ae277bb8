//go:build race

package validate

// raceEnabled says the race detector is on, which slows timing checks.
const raceEnabled = true
