// Package event holds the wire contract's nouns, so that every room can
// name an event without importing the validator: the key (type + version),
// the rule a type follows and the ways a version is written, and the
// accepted event itself with its JSON record. It imports nothing of
// schemagate's.
package event

import (
	"fmt"
	"time"
)

// Key names one schema and the events it judges: an event type and its
// major version.
type Key struct {
	Type    string
	Version int
}

// String renders the key the way people write it: "person v1".
func (k Key) String() string { return fmt.Sprintf("%s v%d", k.Type, k.Version) }

// Name renders the key the way files and configuration write it:
// "person/v1", the schema's path without ".json".
func (k Key) Name() string { return fmt.Sprintf("%s/v%d", k.Type, k.Version) }

// Valid reports whether the key is one a client may send and a schema file
// may define: a type matching TypePattern, a version from 1 to MaxVersion.
func (k Key) Valid() bool {
	return ValidType(k.Type) && k.Version >= 1 && k.Version <= MaxVersion
}

// Event is an accepted event, one shape from the envelope to the last
// action: handlers, actions, the dead letter's neighbours and subscribers
// all see these fields.
type Event struct {
	// ID is the envelope's id, unique per client event; consumers
	// de-duplicate by it.
	ID  string
	Key Key
	// Received is when the front door read the frame.
	Received time.Time
	// Raw is the data's JSON exactly as the client sent it: every digit,
	// escape and key order kept. It may point into the frame.
	Raw []byte
}
