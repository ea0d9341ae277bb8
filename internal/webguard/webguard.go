// Package webguard holds the rules that keep other web pages out of the
// gateway, shared by every front door: which Host names the server answers
// to (so a DNS-rebinding page cannot reach a loopback gateway) and which
// Origins may call it (so a page the operator visits cannot post events
// or open sockets in their name).
package webguard

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// OriginAllowed reports whether r may come from its Origin: no Origin
// (a client that is not a browser), the server's own origin (the Origin's
// host equals the Host header), or one of allowed ("*" allows any).
// WebSocket upgrades and the /v1/ API both decide by it.
func OriginAllowed(r *http.Request, allowed []string) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	return SameOrigin(r) || listed(origin, allowed)
}

// SameOrigin reports whether r carries an Origin naming the host it was
// sent to, which needs no CORS headers.
func SameOrigin(r *http.Request) bool {
	u, err := url.Parse(r.Header.Get("Origin"))
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

func listed(origin string, allowed []string) bool {
	for _, a := range allowed {
		if a == "*" || strings.EqualFold(a, origin) {
			return true
		}
	}
	return false
}

// Hosts is the set of names a server answers to. The zero value allows
// any Host.
type Hosts struct {
	names []string
	// loopback also admits every loopback address (127.0.0.0/8, ::1).
	loopback bool
}

// NewHosts returns the allow-list of names (matched without the port,
// case-insensitively; "*" allows any). With no names, a server listening
// on a loopback address answers to loopback names and addresses only
// ("localhost", "*.localhost", 127.0.0.0/8, ::1): a page that rebinds its
// own name to 127.0.0.1 still sends its own name as Host. Listening
// beyond loopback, no names allow any Host.
func NewHosts(names []string, listenHost string) Hosts {
	if len(names) == 0 {
		if IsLoopback(listenHost) {
			return Hosts{names: []string{"localhost", "*.localhost"}, loopback: true}
		}
		return Hosts{}
	}
	for _, n := range names {
		if n == "*" {
			return Hosts{}
		}
	}
	return Hosts{names: names}
}

// Allowed reports whether r's Host header is one h answers to.
func (h Hosts) Allowed(r *http.Request) bool {
	if h.names == nil && !h.loopback {
		return true
	}
	host := r.Host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		host = hh
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if h.loopback {
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			return true
		}
	}
	for _, n := range h.names {
		if strings.EqualFold(n, host) {
			return true
		}
		if suffix, ok := strings.CutPrefix(n, "*."); ok && len(host) > len(suffix)+1 &&
			strings.EqualFold(host[len(host)-len(suffix)-1:], "."+suffix) {
			return true
		}
	}
	return false
}

// IsLoopback reports whether a listen host is loopback only: "localhost"
// or a loopback address. An empty host (all interfaces) is not.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
