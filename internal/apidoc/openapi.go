package apidoc

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// oaSchemas is where the OpenAPI document keeps its component schemas.
const oaSchemas = "#/components/schemas/"

// openAPI is the HTTP API: the envelope and the batch, each schema's bare
// data route, the schema catalogue, these documents and the operational
// endpoints, every error with the error body.
func openAPI(o Options) (obj, error) {
	comps, err := bundle(o.Registry, func(name string) string { return oaSchemas + name })
	if err != nil {
		return nil, err
	}
	schemas := obj{
		"Envelope":  envelopeSchema(nil, "", 0),
		"Reply":     replySchema(oaSchemas+"Error", true),
		"BareReply": replySchema(oaSchemas+"Error", false),
		"Error":     errorSchema(oaSchemas+"Detail", max(o.MaxDetails, 1)),
		"Detail":    detailSchema(),
		"ErrorBody": obj{"type": "object", "required": []string{"error"}, "properties": obj{"error": ref(oaSchemas + "Error")},
			"description": "how a request refused as a whole is answered"},
		"Catalog": catalogSchema(),
	}
	for _, c := range comps {
		schemas[c.name] = c.schema
	}
	doc := obj{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": Dialect,
		"info": obj{"title": "schemagate HTTP API", "version": APIVersion,
			"description": "The HTTP twin of the WebSocket contract: one pipeline and one error model " +
				"(the HTTP status derives from the gRPC code). Event schemas are JSON Schema 2020-12, as loaded."},
		"servers": []obj{{"url": "http://" + o.Host, "description": "this gateway"}},
		"paths":   oaPaths(o),
		"components": obj{
			"schemas":   schemas,
			"responses": oaResponses(),
		},
		"tags": []obj{{"name": "events", "description": "send events"}, {"name": "schemas", "description": "the schema catalogue and these documents"},
			{"name": "admin", "description": "reloading the configuration; candidate versions' live comparison; webhook endpoints: backlog, replay, re-enabling"}, {"name": "operations", "description": "probes and metrics"},
			{"name": "console", "description": "the web console at /ui/ and the data it reads (not a stable API)"}},
	}
	if o.Auth {
		doc["components"].(obj)["securitySchemes"] = obj{"bearer": obj{"type": "http", "scheme": "bearer",
			"description": "auth.tokens: Authorization: Bearer <token>"}}
		doc["security"] = []obj{{"bearer": []string{}}}
	} else {
		doc["security"] = []obj{{}} // auth.tokens is off: no requirement
	}
	if o.AdminAuth {
		adminSecurity(doc)
	}
	return doc, nil
}

// adminSecurity gives every operation under /v1/admin/, whoever added
// it, the admin scheme instead of the document's: the same one rule as
// the server's front.
func adminSecurity(doc obj) {
	comps := doc["components"].(obj)
	schemes, _ := comps["securitySchemes"].(obj)
	if schemes == nil {
		schemes = obj{}
		comps["securitySchemes"] = schemes
	}
	schemes["admin"] = obj{"type": "http", "scheme": "bearer",
		"description": "auth.admin_tokens: Authorization: Bearer <token>; the only tokens /v1/admin/ takes (a producer's gets 403)"}
	for path, item := range doc["paths"].(obj) {
		if !strings.HasPrefix(path, "/v1/admin/") {
			continue
		}
		for _, v := range item.(obj) {
			if operation, ok := v.(obj); ok && operation["operationId"] != nil {
				operation["security"] = []obj{{"admin": []string{}}}
			}
		}
	}
}

func catalogSchema() obj {
	entry := obj{"type": "object", "required": []string{"type", "version", "path", "url"}, "properties": obj{
		"type": obj{"type": "string"}, "version": obj{"type": "integer"}, "title": obj{"type": "string"},
		"path": obj{"type": "string"}, "url": obj{"type": "string"}}}
	return obj{"type": "object", "required": []string{"schemas"},
		"properties": obj{"schemas": obj{"type": "array", "items": entry}}}
}

// oaResponses are the shared error responses, each with the error body.
func oaResponses() obj {
	out := obj{}
	for _, code := range []int{400, 401, 404, 413, 415, 429, 503} {
		out[strconv.Itoa(code)] = obj{"description": http.StatusText(code),
			"content": obj{"application/json": obj{"schema": ref(oaSchemas + "ErrorBody")}}}
	}
	return out
}

// errorsFunc lists the shared error responses an operation may give.
type errorsFunc func(codes ...int) obj

func oaPaths(o Options) obj {
	errs := func(codes ...int) obj {
		out := obj{}
		if o.Auth {
			codes = append(codes, 401)
		}
		for _, c := range codes {
			out[strconv.Itoa(c)] = ref("#/components/responses/" + strconv.Itoa(c))
		}
		return out
	}
	paths := obj{}
	eventPaths(paths, o, errs)
	catalogPaths(paths, o, errs)
	candidatesPath(paths, errs)
	reloadPath(paths, errs)
	if o.Webhooks {
		adminPaths(paths, errs)
	}
	if o.Console {
		consolePaths(paths, errs)
	}
	opsPaths(paths)
	return paths
}

func jsonBody(schema obj) obj {
	return obj{"required": true, "content": obj{"application/json": obj{"schema": schema}}}
}

// eventPaths are the envelope and batch route and each schema's bare one.
func eventPaths(paths obj, o Options, errs errorsFunc) {
	events := errs(400, 404, 413, 415, 429, 503)
	events["200"] = jsonResponse("every envelope accepted: its reply, or the array of replies in order", ref(oaSchemas+"Reply"), true)
	events["207"] = jsonResponse("a batch where some envelope was not accepted: the replies in order", ref(oaSchemas+"Reply"), true)
	paths["/v1/events"] = obj{"post": op("postEvents", "Send one envelope or a batch", "events",
		jsonBody(obj{"oneOf": []obj{ref(oaSchemas + "Envelope"),
			{"type": "array", "items": ref(oaSchemas + "Envelope"), "minItems": 1, "maxItems": max(o.MaxBatch, 1)}}}),
		events)}
	for _, s := range o.Registry.Schemas() {
		name := keyName(s.Type, s.Version)
		rs := errs(400, 413, 415, 429, 503)
		rs["200"] = jsonResponse("accepted", ref(oaSchemas+"BareReply"), false)
		paths[fmt.Sprintf("/v1/events/%s/v%d", s.Type, s.Version)] = obj{"post": op("post."+name,
			fmt.Sprintf("Send %s v%d as bare data", s.Type, s.Version), "events", jsonBody(ref(oaSchemas+name)), rs)}
	}
}

// catalogPaths are the schema catalogue and these documents.
func catalogPaths(paths obj, o Options, errs errorsFunc) {
	for _, s := range o.Registry.Schemas() {
		get := errs(404)
		get["200"] = obj{"description": "the schema file as loaded",
			"content": obj{"application/schema+json": obj{"schema": obj{"type": []string{"object", "boolean"}}}}}
		paths[fmt.Sprintf("/v1/schemas/%s/v%d", s.Type, s.Version)] = obj{"get": op("schema."+keyName(s.Type, s.Version),
			fmt.Sprintf("The schema of %s v%d", s.Type, s.Version), "schemas", nil, get)}
	}
	catalog := errs()
	catalog["200"] = jsonResponse("the types and versions loaded", ref(oaSchemas+"Catalog"), false)
	paths["/v1/schemas"] = obj{"get": op("listSchemas", "List the loaded schemas", "schemas", nil, catalog)}
	for _, d := range []struct{ path, id, what string }{
		{"/v1/openapi.json", "openAPI", "This document"}, {"/v1/asyncapi.json", "asyncAPI", "The AsyncAPI 3.0 document of the WebSocket endpoints"}} {
		rs := errs()
		rs["200"] = obj{"description": d.what, "content": obj{"application/json": obj{"schema": obj{"type": "object"}}}}
		paths[d.path] = obj{"get": op(d.id, d.what, "schemas", nil, rs)}
	}
}

// opsPaths are the probes and metrics, open without a token.
func opsPaths(paths obj) {
	for _, p := range []struct{ path, id, what string }{
		{"/healthz", "healthz", "Liveness"}, {"/readyz", "readyz", "Readiness: 503 while draining or while a nats action cannot publish"},
		{"/metrics", "metrics", "Prometheus metrics"}} {
		rs := obj{"200": textResponse("ok")}
		if p.id == "readyz" {
			rs["503"] = textResponse("not ready, and why")
		}
		o := op(p.id, p.what, "operations", nil, rs)
		o["security"] = []obj{}
		paths[p.path] = obj{"get": o}
	}
}

func op(id, summary, tag string, body obj, responses obj) obj {
	o := obj{"operationId": id, "summary": summary, "tags": []string{tag}, "responses": responses}
	if body != nil {
		o["requestBody"] = body
	}
	return o
}

func jsonResponse(desc string, schema obj, orArray bool) obj {
	if orArray {
		schema = obj{"oneOf": []obj{schema, {"type": "array", "items": schema}}}
	}
	return obj{"description": desc, "content": obj{"application/json": obj{"schema": schema}}}
}

func textResponse(desc string) obj {
	return obj{"description": desc, "content": obj{"text/plain": obj{"schema": obj{"type": "string"}}}}
}

// candidatesPath is the live comparison of the routes with a candidate
// version, always there (an empty list without one).
func candidatesPath(paths obj, errs errorsFunc) {
	ranked := obj{"type": "array", "maxItems": 10, "items": obj{"type": "object", "required": []string{"name", "count"},
		"properties": obj{"name": obj{"type": "string"}, "count": obj{"type": "integer", "minimum": 1}}}}
	n := obj{"type": "integer", "minimum": 0}
	outcomes := obj{"type": "object", "required": []string{"both_valid", "both_invalid", "only_old_valid", "only_new_valid"},
		"properties":  obj{"both_valid": n, "both_invalid": n, "only_old_valid": n, "only_new_valid": n},
		"description": "frames by how the route's version (old) and the candidate (new) judged them"}
	entry := obj{"type": "object",
		"required": []string{"type", "version", "candidate", "since", "outcomes", "compared", "top_keywords", "top_instance_paths", "skipped"},
		"properties": obj{"type": obj{"type": "string"}, "version": obj{"type": "integer"}, "candidate": obj{"type": "integer"},
			"since":    obj{"type": "string", "format": "date-time", "description": "when the routes were built; counts start there"},
			"outcomes": outcomes, "compared": n,
			"top_keywords":       ranked,
			"top_instance_paths": obj{"allOf": []obj{ranked}, "description": "array indexes folded into *"},
			"skipped": obj{"type": "integer", "minimum": 0,
				"description": "frames the candidate did not judge (its off-path queue full, data over 64 KiB, or routes being replaced): the comparison is then a sample"}}}
	list := errs()
	list["200"] = jsonResponse("each route with a candidate version: the outcomes so far, and the candidate's top failing keywords and instance paths",
		obj{"type": "object", "required": []string{"candidates"}, "properties": obj{"candidates": obj{"type": "array", "items": entry}}}, false)
	paths["/v1/admin/candidates"] = obj{"get": op("listCandidates", "The live comparison of candidate versions", "admin", nil, list)}
}

// reloadPath is POST /v1/admin/reload and its report.
func reloadPath(paths obj, errs errorsFunc) {
	problem := obj{"type": "object", "required": []string{"file", "pointer", "message"}, "properties": obj{
		"file": obj{"type": "string"}, "pointer": obj{"type": "string", "description": "JSON Pointer into the file; empty for the file as a whole"},
		"message": obj{"type": "string"}}}
	report := obj{"type": "object", "required": []string{"applied", "trigger"}, "properties": obj{
		"applied":          obj{"type": "boolean"},
		"trigger":          obj{"type": "string", "description": "SIGHUP, POST /v1/admin/reload or watch"},
		"schemas":          obj{"description": "the schemas in force after the reload", "type": "array", "items": obj{"type": "string"}},
		"restart_required": obj{"description": "changed keys a reload cannot apply", "type": "array", "items": obj{"type": "string"}},
		"problems":         obj{"description": "why the reload was refused", "type": "array", "items": problem}}}
	reloaded := errs(400)
	reloaded["200"] = jsonResponse("the reload applied: the schemas now in force, and changed keys that need a restart", report, false)
	reloaded["400"] = jsonResponse("refused, nothing changed: every problem with its file and JSON Pointer", report, false)
	paths["/v1/admin/reload"] = obj{"post": op("reload",
		"Re-read the configuration and schemas; apply them whole or not at all", "admin", nil, reloaded)}
}

// adminPaths are the webhook admin routes, there with webhook actions.
func adminPaths(paths obj, errs errorsFunc) {
	name := []obj{{"name": "name", "in": "path", "required": true, "description": "the webhook action's name",
		"schema": obj{"type": "string"}}}
	list := errs()
	list["200"] = jsonResponse("each webhook endpoint: delivery, state, backlog, oldest undelivered, last success, last error",
		obj{"type": "object", "required": []string{"webhooks"}, "properties": obj{"webhooks": obj{"type": "array", "items": obj{"type": "object"}}}}, false)
	paths["/v1/admin/webhooks"] = obj{"get": op("listWebhooks", "List the webhook endpoints", "admin", nil, list)}
	replay := errs(400, 404)
	replay["200"] = jsonResponse("how many events were queued again",
		obj{"type": "object", "required": []string{"replayed"}, "properties": obj{"replayed": obj{"type": "integer", "minimum": 0}}}, false)
	r := op("replayWebhook", "Queue an outbox's delivered and dead events again", "admin", nil, replay)
	r["parameters"] = []obj{
		{"name": "since", "in": "query", "description": "only events acknowledged since (RFC 3339)", "schema": obj{"type": "string", "format": "date-time"}},
		{"name": "id", "in": "query", "description": "only the event with this id", "schema": obj{"type": "string"}}}
	paths["/v1/admin/webhooks/{name}/replay"] = obj{"parameters": name, "post": r}
	enable := errs(404)
	enable["200"] = jsonResponse("whether a 410 had disabled it",
		obj{"type": "object", "required": []string{"was_disabled"}, "properties": obj{"was_disabled": obj{"type": "boolean"}}}, false)
	paths["/v1/admin/webhooks/{name}/enable"] = obj{"parameters": name,
		"post": op("enableWebhook", "Resume an endpoint a 410 disabled", "admin", nil, enable)}
}
