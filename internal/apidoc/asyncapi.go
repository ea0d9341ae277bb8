package apidoc

import (
	"fmt"
	"sort"
	"strings"
)

// SchemaFormat is the AsyncAPI schemaFormat of every event schema: JSON
// Schema 2020-12, kept as loaded rather than converted down.
const SchemaFormat = "application/schema+json;version=draft-2020-12"

// aaSchemas is where the AsyncAPI document keeps its component schemas.
const aaSchemas = "#/components/schemas/"

// asyncAPI describes the WebSocket endpoints: /ws, each bare path, each
// schema's bare twin under /v1/events, and /v1/subscribe when the
// fan-out is on; a message per type/version, the replies, the errors and
// the close codes.
func asyncAPI(o Options) (obj, error) {
	schemas, err := aaSchemaComponents(o)
	if err != nil {
		return nil, err
	}
	messages := obj{
		"ack":   message("ack", "Ack", "The event was accepted: every action of its route succeeded", ref(aaSchemas+"Ack")),
		"error": message("error", "Error", "The frame was refused, with the one error model (code, status, message, details)", ref(aaSchemas+"ErrorReply")),
	}
	channels, operations := obj{}, obj{}
	wsMsgs := schemaChannels(o, messages, channels, operations)
	addChannel(channels, operations, "ws", o.WebSocketPath,
		"The contract's endpoint: one envelope per text frame, one reply per frame, in order. "+closeText(), wsMsgs)
	for _, b := range o.Bare {
		desc := fmt.Sprintf("A bare route bound to %s v%d: every text frame is the data itself", b.Type, b.Version)
		if b.Raw {
			desc += "; frames that are not JSON are echoed as they came"
		}
		addChannel(channels, operations, "bare"+componentName(strings.ReplaceAll(b.Path, "/", ".")), b.Path, desc,
			obj{"data": ref("#/components/messages/data." + keyName(b.Type, b.Version))})
	}
	if len(o.SubscribeTypes) > 0 {
		addSubscribe(channels, operations, messages, o.SubscribeTypes)
	}
	comps := obj{"schemas": schemas, "messages": messages}
	if o.Auth {
		comps["securitySchemes"] = obj{"bearer": obj{"type": "http", "scheme": "bearer",
			"description": "Authorization: Bearer <token>; browsers send the subprotocols \"bearer, <token>\" or ?access_token=<token>"}}
	}
	return obj{
		"asyncapi": "3.0.0",
		"info": obj{"title": "schemagate WebSocket API", "version": APIVersion,
			"description": "Events in over WebSocket, validated against JSON Schema 2020-12 (schemaFormat " + SchemaFormat + "), answered one reply per frame."},
		"defaultContentType": "application/json",
		"servers":            obj{"gateway": server(o)},
		"channels":           channels,
		"operations":         operations,
		"components":         comps,
	}, nil
}

// aaSchemaComponents are the replies' shapes and every file of the tree,
// the latter as multi-format schemas that say they are 2020-12.
func aaSchemaComponents(o Options) (obj, error) {
	comps, err := bundle(o.Registry, func(name string) string { return aaSchemas + name + "/schema" })
	if err != nil {
		return nil, err
	}
	schemas := obj{
		"Ack": obj{"type": "object", "required": []string{"ok"}, "properties": obj{
			"id": obj{"type": "string"}, "ok": obj{"const": true}, "result": obj{"description": "the data, for echo"}}},
		"ErrorReply": obj{"type": "object", "required": []string{"ok", "error"}, "properties": obj{
			"id": obj{"type": []string{"string", "null"}, "description": "null where the envelope's id could not be read"},
			"ok": obj{"const": false}, "error": ref(aaSchemas + "Error")}},
		"Error":  errorSchema(aaSchemas+"Detail", max(o.MaxDetails, 1)),
		"Detail": detailSchema(),
	}
	for _, c := range comps {
		schemas[c.name] = obj{"schemaFormat": SchemaFormat, "schema": c.schema}
	}
	return schemas, nil
}

// schemaChannels adds each type/version's messages (the envelope, and
// the bare data) and its bare WebSocket twin under /v1/events; it returns
// the envelope messages, which /ws carries.
func schemaChannels(o Options, messages, channels, operations obj) obj {
	wsMsgs := obj{}
	for _, s := range o.Registry.Schemas() {
		name := keyName(s.Type, s.Version)
		env := envelopeSchema(ref(aaSchemas+name+"/schema"), s.Type, s.Version)
		messages[name] = message(name, fmt.Sprintf("%s v%d", s.Type, s.Version), s.Title,
			obj{"schemaFormat": SchemaFormat, "schema": env})
		messages["data."+name] = message("data."+name, fmt.Sprintf("%s v%d, bare", s.Type, s.Version),
			"The data alone, on a path bound to this schema", ref(aaSchemas+name))
		wsMsgs[name] = ref("#/components/messages/" + name)
		addChannel(channels, operations, "events."+name, fmt.Sprintf("/v1/events/%s/v%d", s.Type, s.Version),
			fmt.Sprintf("The WebSocket twin of POST /v1/events/%s/v%d: every text frame is bare data", s.Type, s.Version),
			obj{"data": ref("#/components/messages/data." + name)})
	}
	return wsMsgs
}

func server(o Options) obj {
	s := obj{"host": o.Host, "protocol": "ws", "description": "this gateway"}
	if o.Auth {
		s["security"] = []obj{ref("#/components/securitySchemes/bearer")}
	}
	return s
}

func message(name, title, summary string, payload obj) obj {
	m := obj{"name": name, "title": title, "contentType": "application/json", "payload": payload}
	if summary != "" {
		m["summary"] = summary
	}
	return m
}

// addChannel adds a channel where the gateway receives the given
// messages and answers each with an ack or an error on the same channel.
func addChannel(channels, operations obj, id, address, desc string, msgs obj) {
	msgs["ack"] = ref("#/components/messages/ack")
	msgs["error"] = ref("#/components/messages/error")
	channels[id] = obj{"address": address, "description": desc, "messages": msgs,
		"bindings": obj{"ws": obj{"method": "GET", "bindingVersion": "0.1.0"}}, "x-close-codes": closeCodes()}
	var in []obj
	for name := range msgs {
		if name != "ack" && name != "error" {
			in = append(in, ref("#/channels/"+id+"/messages/"+name))
		}
	}
	sortRefs(in)
	operations["receive."+id] = obj{"action": "receive", "channel": ref("#/channels/" + id),
		"summary": "A client sends frames on " + address, "messages": in,
		"reply": obj{"channel": ref("#/channels/" + id), "messages": []obj{
			ref("#/channels/" + id + "/messages/ack"), ref("#/channels/" + id + "/messages/error")}}}
}

func addSubscribe(channels, operations, messages obj, types []string) {
	messages["stored"] = message("stored", "Stored event", "An event the stream stored, from any instance",
		obj{"type": "object", "required": []string{"event"}, "properties": obj{"event": obj{"type": "object",
			"required": []string{"id", "type", "version", "data"}, "properties": obj{
				"id": obj{"type": "string"}, "type": obj{"type": "string"}, "version": obj{"type": "integer"}, "data": obj{}}}}})
	channels["subscribe"] = obj{"address": SubscribePath,
		"description": "Fan-out of stored events of the types in ?types=a,b (allowed: " + strings.Join(types, ", ") +
			"); starts at new events; frames the client sends are ignored. " + closeText(),
		"messages": obj{"stored": ref("#/components/messages/stored")},
		"bindings": obj{"ws": obj{"method": "GET", "bindingVersion": "0.1.0",
			"query": obj{"type": "object", "required": []string{"types"}, "properties": obj{"types": obj{"type": "string"}}}}},
		"x-close-codes": closeCodes()}
	operations["send.subscribe"] = obj{"action": "send", "channel": ref("#/channels/subscribe"),
		"summary": "The gateway sends one frame per stored event", "messages": []obj{ref("#/channels/subscribe/messages/stored")}}
}

func closeText() string {
	var b strings.Builder
	b.WriteString("Close codes:")
	for _, c := range closeCodes() {
		fmt.Fprintf(&b, " %v %s;", c["code"], c["reason"])
	}
	return strings.TrimSuffix(b.String(), ";") + "."
}

func sortRefs(rs []obj) {
	sort.Slice(rs, func(i, j int) bool { return rs[i]["$ref"].(string) < rs[j]["$ref"].(string) })
}
