package status

import "slices"

const (
	nullID   = "null"
	okTail   = `,"ok":true}`
	okResult = `,"ok":true,"result":`
	errHead  = `,"ok":false,"error":`
)

// AppendReply writes the contract's reply object to dst, the one builder
// of it for every door: {"id":…,"ok":true[,"result":…]} or
// {"id":…,"ok":false,"error":{…}}. rawID is the id's JSON literal as the
// client sent it (nil when it could not be read: "id":null); result is the
// handler's JSON, if any; err, when set, makes it a refusal.
func AppendReply(dst, rawID, result []byte, err *Error) []byte {
	dst = slices.Grow(dst, replySize(rawID, result, err))
	dst = append(dst, `{"id":`...)
	if rawID == nil {
		dst = append(dst, nullID...)
	} else {
		dst = append(dst, rawID...)
	}
	return appendVerdict(dst, result, err)
}

// errGuess is room for a refusal's error object, whose size is known only
// once it is written: a short one fits, a long report grows once more.
const errGuess = 128

// replySize is the length of the reply AppendReply writes, so that the
// buffer is grown once: from nil, appending piece by piece grew it four
// times, a measurable part of a small frame's cost.
func replySize(rawID, result []byte, err *Error) int {
	n := len(`{"id":`) + max(len(rawID), len(nullID))
	switch {
	case err != nil:
		return n + len(errHead) + errGuess
	case result != nil:
		return n + len(okResult) + len(result) + 1
	}
	return n + len(okTail)
}

// AppendBareReply is the reply object without an id, for bare routes,
// which carry no envelope.
func AppendBareReply(dst, result []byte, err *Error) []byte {
	dst = append(dst, '{')
	n := len(dst)
	dst = appendVerdict(dst, result, err)
	// appendVerdict starts with a comma that a bare object must not have.
	return append(dst[:n], dst[n+1:]...)
}

func appendVerdict(dst, result []byte, err *Error) []byte {
	switch {
	case err != nil:
		dst = append(dst, errHead...)
		return append(err.AppendJSON(dst), '}')
	case result != nil:
		dst = append(dst, okResult...)
		dst = append(dst, result...)
		return append(dst, '}')
	}
	return append(dst, okTail...)
}

// ReplyJSON is the reply object for e when no id could be read (a refused
// upgrade, a body that is not an envelope): {"id":null,...}.
func (e *Error) ReplyJSON() []byte { return AppendReply(nil, nil, nil, e) }
