package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			http.Error(w, "draining", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		url      string
		exit     int
		mentions string
	}{
		{srv.URL + "/healthz", 0, "200 OK"},
		{srv.URL + "/readyz", 1, "503"},
		{"http://" + freePort(t) + "/healthz", 1, "refused"},
	} {
		out, err := runCLI("probe", tc.url)
		if exitCode(err) != tc.exit || !strings.Contains(out+errString(err), tc.mentions) {
			t.Errorf("probe %s: exit %d (%v) %q, want exit %d mentioning %q", tc.url, exitCode(err), err, out, tc.exit, tc.mentions)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
