// Package apidoc generates the gateway's API documents from the registry
// and the configured routes: OpenAPI 3.1 for the HTTP API, AsyncAPI 3.0
// for the WebSocket endpoints, both carrying every loaded schema in its
// own 2020-12 form, and one self-contained HTML page that shows them to
// people. It reads the registry; it knows no transport.
package apidoc

import (
	"encoding/json"
	"fmt"

	"github.com/schemagate/schemagate/internal/validate"
)

// Options describes the server the documents are about.
type Options struct {
	Registry *validate.Registry
	// Host is host:port the server listens on.
	Host string
	// WebSocketPath is the contract's endpoint ("/ws").
	WebSocketPath string
	// Bare are the configured bare routes.
	Bare []Bare
	// SubscribeTypes, when not empty, says /v1/subscribe serves the
	// fan-out of these types ("*" for all).
	SubscribeTypes []string
	// Auth says bearer tokens are required on /v1/ and on upgrades.
	Auth bool
	// AdminAuth says only auth.admin_tokens open /v1/admin/ (auth is on
	// in some form).
	AdminAuth bool
	// Webhooks says webhook actions are configured, so the admin routes
	// under /v1/admin/webhooks exist.
	Webhooks bool
	// MaxBatch bounds the envelopes of one batch.
	MaxBatch int
	// MaxDetails caps the violations in one error.
	MaxDetails int
	// Console says the web console is served under /ui/.
	Console bool
}

// Bare is one configured bare WebSocket path.
type Bare struct {
	Path    string
	Type    string
	Version int
	// Raw echoes frames that are not JSON (echo routes only).
	Raw bool
}

// APIVersion is the documents' info.version: the version of the API (its
// paths are under /v1/), not of the binary, so that the documents of one
// configuration and tree are the same bytes from any build.
const APIVersion = "1"

// SubscribePath is where the fan-out is served.
const SubscribePath = "/v1/subscribe"

// Documents are the generated documents.
type Documents struct {
	OpenAPI, AsyncAPI []byte
}

// Build generates both documents.
func Build(o Options) (Documents, error) {
	oa, err := openAPI(o)
	if err != nil {
		return Documents{}, err
	}
	aa, err := asyncAPI(o)
	if err != nil {
		return Documents{}, err
	}
	var d Documents
	if d.OpenAPI, err = marshal(oa); err != nil {
		return d, err
	}
	d.AsyncAPI, err = marshal(aa)
	return d, err
}

func marshal(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("apidoc: %w", err)
	}
	return append(b, '\n'), nil
}

// obj is a JSON object under construction.
type obj = map[string]any

func ref(to string) obj { return obj{"$ref": to} }

func keyName(typ string, version int) string {
	return componentName(fmt.Sprintf("%s/v%d.json", typ, version))
}
