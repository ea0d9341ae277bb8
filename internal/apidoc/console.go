package apidoc

// consolePaths are the web console's page and data endpoints: documented
// so that every route is, and tagged as the console's, whose data shapes
// follow the page rather than a contract.
func consolePaths(paths obj, errs errorsFunc) {
	json := func(what string) obj {
		rs := errs()
		rs["200"] = obj{"description": what, "content": obj{"application/json": obj{"schema": obj{}}}}
		return rs
	}
	page := errs()
	page["200"] = obj{"description": "the console: one self-contained page", "content": obj{"text/html": obj{"schema": obj{"type": "string"}}}}
	paths["/ui/"] = obj{"get": op("consolePage", "The web console (with auth on and no token: 401, and the page asks for one)", "console", nil, page)}
	stream := errs()
	stream["200"] = obj{"description": "server-sent events: overview and rejects each second; tail with ?tail=1",
		"content": obj{"text/event-stream": obj{"schema": obj{"type": "string"}}}}
	paths["/ui/api/stream"] = obj{"get": op("consoleStream", "The console's live updates", "console", nil, stream)}
	for _, g := range []struct{ path, id, what string }{
		{"/ui/api/overview", "consoleOverview", "frames by outcome, connections, readiness, schemas"},
		{"/ui/api/rejects", "consoleRejects", "reject groups of the window with per-minute counts"},
		{"/ui/api/rejects/{id}", "consoleSamples", "a reject group's sample frames and reports"},
		{"/ui/api/schemas", "consoleSchemas", "each type's versions with their sources"},
		{"/ui/api/compat", "consoleCompat", "compatibility findings between versions"}} {
		paths[g.path] = obj{"get": op(g.id, "Console: "+g.what, "console", nil, json(g.what))}
	}
	paths["/ui/api/rejects/{id}"].(obj)["parameters"] = []obj{{"name": "id", "in": "path", "required": true,
		"description": "the group's id, from /ui/api/rejects", "schema": obj{"type": "integer", "minimum": 1}}}
	try := json("each version's verdict: the reply the bare route would send")
	try["400"] = ref("#/components/responses/400")
	paths["/ui/api/try"] = obj{"post": op("consoleTry", "Console: judge data against versions (nothing is sent)", "console",
		jsonBody(obj{"type": "object"}), try)}
	send := json("the pipeline's reply")
	send["403"] = obj{"description": "console.allow_send is off", "content": obj{"application/json": obj{"schema": ref(oaSchemas + "ErrorBody")}}}
	paths["/ui/api/send"] = obj{"post": op("consoleSend", "Console: send data through the pipeline (console.allow_send)", "console",
		jsonBody(obj{"type": "object"}), send)}
}
