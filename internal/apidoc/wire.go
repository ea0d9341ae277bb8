package apidoc

import "github.com/schemagate/schemagate/internal/event"

// The wire's shapes, shared by both documents: the contract's envelope,
// the reply and its error (internal/status's wire form). prefix is where
// the document keeps its component schemas.

func envelopeSchema(dataRef obj, typ string, version int) obj {
	props := obj{
		"id":      obj{"type": "string", "minLength": 1, "maxLength": 128, "description": "echoed in the reply"},
		"type":    obj{"type": "string", "pattern": event.TypePattern},
		"version": obj{"type": "integer", "minimum": 1},
		"data":    obj{"description": "the event, judged by the schema of (type, version)"},
	}
	if dataRef != nil {
		props["type"] = obj{"const": typ}
		props["version"] = obj{"const": version}
		props["data"] = dataRef
	}
	return obj{
		"type":        "object",
		"description": "One event. A key that appears twice anywhere in the frame makes it ambiguous, and it is refused.",
		"required":    []string{"id", "type", "version", "data"},
		"properties":  props,
	}
}

func detailSchema() obj {
	return obj{"type": "object", "required": []string{"instanceLocation", "keywordLocation", "message"},
		"properties": obj{
			"instanceLocation": obj{"type": "string", "description": "JSON Pointer into the data"},
			"keywordLocation":  obj{"type": "string", "description": "JSON Pointer into the schema"},
			"message":          obj{"type": "string"},
		}}
}

func errorSchema(detailRef string, maxDetails int) obj {
	return obj{"type": "object", "required": []string{"code", "status", "message"},
		"description": "google.rpc.Status with the code's name beside its number",
		"properties": obj{
			"code":    obj{"type": "integer", "description": "gRPC code: 3 INVALID_ARGUMENT, 5 NOT_FOUND, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE, ..."},
			"status":  obj{"type": "string", "examples": []string{"INVALID_ARGUMENT"}},
			"message": obj{"type": "string"},
			"details": obj{"type": "array", "items": ref(detailRef), "maxItems": maxDetails},
			"omitted": obj{"type": "integer", "minimum": 1, "description": "violations beyond the cap"},
		}}
}

// replySchema is the answer to one frame: an ack (with the data as
// "result" for echo) or an error. withID adds the envelope's id.
func replySchema(errorRef string, withID bool) obj {
	props := obj{
		"ok":     obj{"type": "boolean"},
		"result": obj{"description": "the data, for echo"},
		"error":  ref(errorRef),
	}
	req := []string{"ok"}
	if withID {
		props["id"] = obj{"type": []string{"string", "null"}, "description": "the envelope's id; null where it could not be read"}
		req = append(req, "id")
	}
	return obj{"type": "object", "required": req, "properties": props,
		"oneOf": []obj{
			{"properties": obj{"ok": obj{"const": true}, "error": false}, "required": []string{"ok"}},
			{"properties": obj{"ok": obj{"const": false}, "error": ref(errorRef)}, "required": []string{"ok", "error"}},
		}}
}

// closeCodes are the WebSocket close codes the server sends, and why.
func closeCodes() []obj {
	return []obj{
		{"code": 1000, "reason": "idle or lifetime limit reached (websocket.idle_timeout, websocket.max_lifetime)"},
		{"code": 1001, "reason": "the server is shutting down; replies owed were sent first"},
		{"code": 1003, "reason": "a binary frame"},
		{"code": 1007, "reason": "a text frame that is not UTF-8"},
		{"code": 1008, "reason": "policy: the client does not read its replies (\"too slow\"), or too many rate-limit violations in a row"},
		{"code": 1009, "reason": "a frame larger than websocket.read_limit"},
	}
}
