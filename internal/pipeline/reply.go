package pipeline

import (
	"github.com/schemagate/schemagate/internal/status"
)

const (
	nullID   = "null"
	okTail   = `,"ok":true}`
	okResult = `,"ok":true,"result":`
	errHead  = `,"ok":false,"error":`
)

// appendReply writes the contract's reply object. rawID is the id's JSON
// literal as the client sent it (nil when it could not be read).
func appendReply(dst, rawID, result []byte, err *status.Error) []byte {
	dst = append(dst, `{"id":`...)
	if rawID == nil {
		dst = append(dst, nullID...)
	} else {
		dst = append(dst, rawID...)
	}
	return appendVerdict(dst, result, err)
}

// appendBareReply is the reply object without an id, for bare routes,
// which carry no envelope.
func appendBareReply(dst, result []byte, err *status.Error) []byte {
	dst = append(dst, '{')
	n := len(dst)
	dst = appendVerdict(dst, result, err)
	// appendVerdict starts with a comma that a bare object must not have.
	return append(dst[:n], dst[n+1:]...)
}

func appendVerdict(dst, result []byte, err *status.Error) []byte {
	switch {
	case err != nil:
		dst = append(dst, errHead...)
		b, mErr := err.MarshalJSON()
		if mErr != nil {
			b = []byte(`{"code":13,"status":"INTERNAL","message":"internal error"}`)
		}
		dst = append(dst, b...)
		return append(dst, '}')
	case result != nil:
		dst = append(dst, okResult...)
		dst = append(dst, result...)
		return append(dst, '}')
	}
	return append(dst, okTail...)
}
