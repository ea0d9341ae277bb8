package webguard

import (
	"net/http"
	"testing"
)

func TestHostsConfigured(t *testing.T) {
	for _, c := range []struct {
		names  []string
		listen string
		host   string
		ok     bool
	}{
		{nil, "0.0.0.0", "anything.example", true},
		{nil, "", "anything.example", true},
		{nil, "localhost", "anything.example", false},
		{nil, "::1", "[::1]:80", true},
		{[]string{"gw.example"}, "127.0.0.1", "GW.example:8080", true},
		{[]string{"gw.example"}, "127.0.0.1", "127.0.0.1:8080", false},
		{[]string{"*.gw.example"}, "0.0.0.0", "a.gw.example", true},
		{[]string{"*.gw.example"}, "0.0.0.0", "gw.example", false},
		{[]string{"*"}, "127.0.0.1", "evil.example", true},
	} {
		r, _ := http.NewRequest("GET", "http://x/", nil)
		r.Host = c.host
		if got := NewHosts(c.names, c.listen).Allowed(r); got != c.ok {
			t.Errorf("hosts %v listening on %q, Host %q: %v, want %v", c.names, c.listen, c.host, got, c.ok)
		}
	}
}

func TestOriginAllowed(t *testing.T) {
	for _, c := range []struct {
		origin, host string
		allowed      []string
		ok           bool
	}{
		{"", "gw:8080", nil, true},
		{"http://gw:8080", "gw:8080", nil, true},
		{"http://GW:8080", "gw:8080", nil, true},
		{"http://gw:8081", "gw:8080", nil, false},
		{"https://evil.example", "gw:8080", nil, false},
		{"null", "gw:8080", nil, false},
		{"https://app.example", "gw:8080", []string{"https://app.example"}, true},
		{"https://evil.example", "gw:8080", []string{"*"}, true},
		{"%zz", "gw:8080", nil, false},
	} {
		r, _ := http.NewRequest("GET", "http://x/", nil)
		r.Host = c.host
		if c.origin != "" {
			r.Header.Set("Origin", c.origin)
		}
		if got := OriginAllowed(r, c.allowed); got != c.ok {
			t.Errorf("Origin %q to %q allowing %v: %v, want %v", c.origin, c.host, c.allowed, got, c.ok)
		}
	}
}
