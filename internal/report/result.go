package report

import (
	"time"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

// outcome is what became of one record.
type outcome uint8

const (
	outcomeValid     outcome = iota
	outcomeInvalid           // data does not match its schema
	outcomeUnknown           // no schema for the type and version
	outcomeMalformed         // not JSON, not an envelope, or an envelope rule broken
	outcomeBlank             // a whitespace-only line: no event at all
)

// String is the outcome's name in every report format.
func (k outcome) String() string {
	switch k {
	case outcomeValid:
		return "valid"
	case outcomeInvalid:
		return "invalid"
	case outcomeUnknown:
		return "unknown"
	case outcomeMalformed:
		return "malformed"
	}
	return "blank"
}

// result is one checked record. err is the error the server would have
// replied with, so every format shows the same code, message and details
// as a live rejection.
type result struct {
	seq     int64
	src     *source
	line    int
	id      string
	hasID   bool
	key     event.Key
	hasKey  bool
	outcome outcome
	err     *status.Error
	elapsed time.Duration
	// cmp is set by validate --candidate on valid and invalid records.
	cmp *comparison
	// undelivered marks a malformed record that is a webhook's undelivered
	// event from the dead letter: not a frame, so not one to compare.
	undelivered bool
}

// failed reports an event that counts against the batch.
func (r *result) failed() bool {
	return r.outcome == outcomeInvalid || r.outcome == outcomeUnknown || r.outcome == outcomeMalformed
}
