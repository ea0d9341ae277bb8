package action

import (
	"testing"

	"google.golang.org/grpc/codes"
)

// The encoding itself is event.Record's (tested there); an action only
// adds the code a client sees.
func TestEncodeRecordRefusesNonJSON(t *testing.T) {
	_, err := EncodeRecord(testEvent("e1", `{"a":`))
	wantCode(t, err, codes.Internal)
}
