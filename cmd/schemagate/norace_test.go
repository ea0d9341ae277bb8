//go:build !race

package main

// raceEnabled: the race detector is off, so RSS is the program's own.
const raceEnabled = false
