package client

import "encoding/json"

// key matches a reply to the frame it answers: the id's value, or "" for
// frames whose id cannot be read (their replies say null) and for bare
// frames.
type key string

func frameKey(frame []byte, bare bool) key {
	if bare {
		return ""
	}
	var f struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(frame, &f) != nil {
		return ""
	}
	return idKey(f.ID)
}

func replyKey(reply []byte) key {
	var r struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(reply, &r) != nil {
		return ""
	}
	return idKey(r.ID)
}

func idKey(raw json.RawMessage) key {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return key("s:" + s)
}
