// Package auth checks bearer tokens on upgrades and API requests. Tokens
// are compared in constant time, and every accepted form is documented so
// that browsers, which cannot set an Authorization header on a WebSocket,
// can still authenticate.
package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// Subprotocol is the WebSocket subprotocol that marks the next offered
// subprotocol as a token: `Sec-WebSocket-Protocol: bearer, <token>`.
const Subprotocol = "bearer"

// QueryParam is the query parameter a client may carry a token in.
const QueryParam = "access_token"

// Checker holds digests of the accepted tokens. Comparing digests of equal
// length keeps the comparison constant-time whatever the token lengths.
type Checker struct {
	digests [][sha256.Size]byte
}

// New returns a checker for tokens; with none, every request is allowed.
func New(tokens []string) *Checker {
	c := &Checker{}
	for _, t := range tokens {
		c.digests = append(c.digests, sha256.Sum256([]byte(t)))
	}
	return c
}

// Enabled reports whether any token is configured.
func (c *Checker) Enabled() bool { return len(c.digests) > 0 }

// Check accepts a request carrying a valid token in the Authorization
// header ("Bearer <token>"), the WebSocket subprotocol pair, or the
// access_token query parameter. The error is UNAUTHENTICATED.
func (c *Checker) Check(r *http.Request) error {
	if !c.Enabled() {
		return nil
	}
	return c.checkToken(Token(r))
}

// CheckBearer is Check for a bare Authorization value ("Bearer <token>"),
// as gRPC carries it in the authorization metadata.
func (c *Checker) CheckBearer(authorization string) error {
	if !c.Enabled() {
		return nil
	}
	return c.checkToken(bearer(authorization))
}

func (c *Checker) checkToken(tok string) error {
	if tok == "" {
		return status.New(codes.Unauthenticated, "a bearer token is required")
	}
	d := sha256.Sum256([]byte(tok))
	ok := 0
	for i := range c.digests {
		ok |= subtle.ConstantTimeCompare(d[:], c.digests[i][:])
	}
	if ok != 1 {
		return status.New(codes.Unauthenticated, "the bearer token is not valid")
	}
	return nil
}

// ForAdmin is the check of operators' routes (every one under
// /v1/admin/, and the console's under /ui/): a token of admin passes; a producer's is PERMISSION_DENIED,
// since it proves who is asking but not that they may administer; any
// other is UNAUTHENTICATED. With admin empty every request is refused, so
// that configuring producer tokens never leaves admin routes open. With
// neither configured (auth off) it returns nil: no check.
func ForAdmin(admin, producers *Checker) func(*http.Request) error {
	if !admin.Enabled() && !producers.Enabled() {
		return nil
	}
	return func(r *http.Request) error {
		tok := Token(r)
		if admin.Enabled() && admin.checkToken(tok) == nil {
			return nil
		}
		if tok != "" && producers.Enabled() && producers.checkToken(tok) == nil {
			return status.New(codes.PermissionDenied, "a producer token does not open /v1/admin/ or the console: use one of auth.admin_tokens")
		}
		if !admin.Enabled() {
			return status.New(codes.Unauthenticated, "/v1/admin/ and the console need an admin token and auth.admin_tokens has none")
		}
		return admin.checkToken(tok)
	}
}

// Token extracts the token a request carries, in the order of precedence
// documented on Check.
func Token(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		return bearer(h)
	}
	protos := websocketProtocols(r)
	for i := 0; i+1 < len(protos); i++ {
		if protos[i] == Subprotocol {
			return protos[i+1]
		}
	}
	return r.URL.Query().Get(QueryParam)
}

// bearer is the token of an Authorization value, "" unless its scheme is
// Bearer.
func bearer(h string) string {
	if scheme, tok, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(tok)
	}
	return ""
}

func websocketProtocols(r *http.Request) []string {
	var out []string
	for _, h := range r.Header.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(h, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}
