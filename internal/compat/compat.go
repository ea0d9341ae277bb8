// Package compat judges whether versions of an event schema are
// compatible, by validation: backward means every instance the old version
// accepts the new one accepts too; forward, the reverse; full, both. A
// walk over the two compiled schemas suspects the places where the
// accepting side may be larger, and each suspicion is settled by a
// counterexample: an instance built for it and run through both compiled
// schemas, valid under one and invalid under the other. A suspicion no
// counterexample settles is a warning ("cannot prove compatible"), never
// a silent pass; a break is reported only with its verified instance.
package compat

import (
	"encoding/json"
	"fmt"
)

// Mode is a compatibility requirement between versions of a type.
type Mode string

// The modes, as written in configuration and on the command line.
const (
	Backward Mode = "backward"
	Forward  Mode = "forward"
	Full     Mode = "full"
	None     Mode = "none"
)

// ParseMode reads a mode name.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Backward, Forward, Full, None:
		return m, nil
	}
	return "", fmt.Errorf("unknown compatibility mode %q (want backward, forward, full or none)", s)
}

// directions are the judgements a mode asks for.
func (m Mode) directions() []Direction {
	switch m {
	case Backward:
		return []Direction{DirBackward}
	case Forward:
		return []Direction{DirForward}
	case Full:
		return []Direction{DirBackward, DirForward}
	}
	return nil
}

// Direction is one judgement: backward asks the newer schema to accept
// what the older accepted; forward asks the older to accept the newer's.
type Direction string

// The two directions.
const (
	DirBackward Direction = "backward"
	DirForward  Direction = "forward"
)

// Severity ranks a finding.
type Severity string

// Severities, lowest first.
const (
	// Warning: a difference the checker could not settle either way.
	Warning Severity = "warning"
	// Error: a break, shown by a verified counterexample.
	Error Severity = "error"
)

// rank orders severities for --fail-on.
func (s Severity) rank() int {
	if s == Error {
		return 2
	}
	return 1
}

// AtLeast reports whether s is as severe as t.
func (s Severity) AtLeast(t Severity) bool { return s.rank() >= t.rank() }

// Side names one schema of a judged pair and the place in it.
type Side struct {
	// Label is how people name the version: "person v2", or with the
	// other tree's name, "person v2 (main)".
	Label string `json:"label"`
	// Version is the schema version.
	Version int `json:"version"`
	// File is the schema file relative to its tree, as the tree names it.
	File string `json:"file"`
	// Pointer is the JSON Pointer, within the document that holds it, of
	// the subschema the finding is about (a $ref may lead into another
	// file, which Location then names).
	Pointer string `json:"pointer"`
	// Location is that document and pointer: "_defs/common.json#/$defs/age".
	Location string `json:"location"`
}

// Finding is one verdict on one place of a pair.
type Finding struct {
	Rule     string    `json:"rule"`
	Severity Severity  `json:"severity"`
	Type     string    `json:"type"`
	Dir      Direction `json:"direction"`
	Old      Side      `json:"old"`
	New      Side      `json:"new"`
	// Instance is the JSON Pointer into an instance where the schemas
	// differ.
	Instance string `json:"instanceLocation"`
	Message  string `json:"message"`
	// Counterexample is the verified instance (nil for a warning), valid
	// under ValidUnder and invalid under InvalidUnder.
	Counterexample json.RawMessage `json:"counterexample,omitempty"`
	ValidUnder     string          `json:"validUnder,omitempty"`
	InvalidUnder   string          `json:"invalidUnder,omitempty"`
}

// Unproven is the text every warning carries.
const Unproven = "cannot prove compatible: no counterexample found"
