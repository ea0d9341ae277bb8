package validate

import (
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/envelope"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/jsonparse"
	"github.com/schemagate/schemagate/internal/status"
)

// NoSchema is the refusal of a key the tree has no schema for, worded
// once for every door and the batch validator.
func NoSchema(k event.Key) *status.Error {
	return status.Newf(codes.NotFound, "no schema for %s", k)
}

// Certain reports whether data is certainly well formed by jsonparse's
// rules, within maxDepth, and certainly valid against s, by the fast path
// alone. False decides nothing: Judge then says what the data is.
func (s *Schema) Certain(data []byte, maxDepth int) bool {
	return s.fast != nil && maxDepth > 0 && s.fast.validJSON(data, maxDepth)
}

// Judge validates data against s and words the verdict the way every door
// and the batch validator show it: nil when valid; INVALID_ARGUMENT "data
// is not valid JSON: …" with malformed set when data breaks jsonparse's
// rules; otherwise INVALID_ARGUMENT "data does not match <key>" with the
// violations.
func (s *Schema) Judge(data []byte, maxDepth int) (err *status.Error, malformed bool) {
	return s.judge(data, maxDepth, false)
}

// JudgeRefused is Judge for data that CertainAt has just refused, read
// within the same depth: the judging starts where a refusal's does,
// without the fast path reading the data again only to refuse it again.
// Data CertainAt did not refuse gets Judge's verdict all the same, at
// some extra cost.
func (s *Schema) JudgeRefused(data []byte, maxDepth int) (err *status.Error, malformed bool) {
	return s.judge(data, maxDepth, true)
}

func (s *Schema) judge(data []byte, maxDepth int, refused bool) (err *status.Error, malformed bool) {
	rep, perr := s.validateJSON(data, maxDepth, refused)
	if perr != nil {
		return envelope.ErrData(perr), true
	}
	if rep.Valid() {
		return nil, false
	}
	return &status.Error{Code: codes.InvalidArgument, Message: s.mismatch,
		Details: rep.Details, Omitted: rep.Omitted}, false
}

// CertainAt is Certain for a value inside a larger text: it reads the
// value at r's position, by jsonparse's rules within r's depth limit, and
// reports whether it is certainly valid against s, r then past it. False
// decides nothing, and r's position is then of no use. A caller reading a
// frame with r thereby reads the data once.
func (s *Schema) CertainAt(r *jsonparse.Reader) bool {
	if s.fast == nil {
		return false
	}
	fs := fastScan{r: *r}
	ok := s.fast.scan(&fs)
	*r = fs.r
	return ok
}
