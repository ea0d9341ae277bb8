// Package csp words the Content-Security-Policy sources of the pages the
// server builds itself (the API documents' page, the console), whose only
// script and style are inline and allowed by their hash.
package csp

import (
	"crypto/sha256"
	"encoding/base64"
)

// Hash is the source expression ('sha256-…', quotes included) that allows
// exactly the inline script or style s, as CSP Level 2 defines it: the
// base64 of the SHA-256 of its bytes.
func Hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
}
