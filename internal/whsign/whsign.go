// Package whsign is the Standard Webhooks signature scheme
// (standardwebhooks.com): how a secret is written, how a message is
// signed, and the headers that carry the signature. The webhook action
// signs with it and the configuration check parses secrets with it, so the
// rules about secrets are written once.
//
// A secret is "whsec_" followed by the standard base64 of 24 to 64 random
// bytes (the spec's bounds; the prefix is optional, as the reference
// libraries accept it without). A message is signed as
//
//	v1,base64(HMAC-SHA256(key, id + "." + unix-seconds + "." + body))
//
// and during a rotation every current secret signs, the signatures
// separated by spaces, so receivers holding either secret verify.
//
// The id signed is the webhook-id header's value exactly (see WebhookID):
// an event id that a header cannot carry byte for byte is sent, and
// signed, in a derived form.
package whsign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The headers of a signed delivery. ID, Timestamp and Signature are the
// spec's; EventType and EventVersion let a receiver pick its schema before
// parsing the body.
const (
	HeaderID           = "webhook-id"
	HeaderTimestamp    = "webhook-timestamp"
	HeaderSignature    = "webhook-signature"
	HeaderEventType    = "webhook-event-type"
	HeaderEventVersion = "webhook-event-version"
)

// Prefix starts a secret written the spec's way.
const Prefix = "whsec_"

// MinKeyBytes and MaxKeyBytes bound a secret's decoded length, as the spec
// recommends: shorter keys are guessable, longer ones add nothing to an
// HMAC-SHA256.
const (
	MinKeyBytes = 24
	MaxKeyBytes = 64
)

// ParseSecret decodes a secret into its key. Its errors never quote the
// secret, so that they can be logged.
func ParseSecret(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, Prefix))
	if err != nil || len(key) == 0 {
		return nil, errors.New("is not " + Prefix + " followed by standard base64")
	}
	if len(key) < MinKeyBytes || len(key) > MaxKeyBytes {
		return nil, fmt.Errorf("decodes to %d bytes; the Standard Webhooks spec wants %d to %d", len(key), MinKeyBytes, MaxKeyBytes)
	}
	return key, nil
}

// Signer signs messages with every current key. It is safe for
// concurrent use.
type Signer struct {
	keys [][]byte
	// macs holds *macs: an HMAC per key and the buffers a signature is
	// built in, reused across messages (hmac.New and the encoding's
	// strings cost more than the hashing of a small body).
	macs sync.Pool
}

// macs is one signing's worth of state.
type macs struct {
	h      []hash.Hash // one per key, in the order of keys
	prefix []byte      // id.timestamp.
	sum    [sha256.Size]byte
}

// NewSigner parses secrets (at least one); the first that is not a valid
// secret is named by its position, never by its value.
func NewSigner(secrets []string) (*Signer, error) {
	if len(secrets) == 0 {
		return nil, errors.New("no secret to sign with")
	}
	s := &Signer{keys: make([][]byte, 0, len(secrets))}
	for i, sec := range secrets {
		key, err := ParseSecret(sec)
		if err != nil {
			return nil, fmt.Errorf("secret %d %w", i+1, err)
		}
		s.keys = append(s.keys, key)
	}
	s.macs.New = func() any {
		m := &macs{h: make([]hash.Hash, len(s.keys))}
		for i, key := range s.keys {
			m.h[i] = hmac.New(sha256.New, key)
		}
		return m
	}
	return s, nil
}

// Sign returns the webhook-signature value for a message: one "v1,<mac>"
// per key, separated by spaces.
func (s *Signer) Sign(id string, ts time.Time, body []byte) string {
	var b [128]byte // two keys' signatures: no buffer but the string
	return string(s.AppendSign(b[:0], id, ts, body))
}

// AppendSign appends Sign's value to dst, so that a sender that writes it
// out at once needs no string of it.
func (s *Signer) AppendSign(dst []byte, id string, ts time.Time, body []byte) []byte {
	m := s.macs.Get().(*macs)
	defer s.macs.Put(m)
	m.prefix = append(m.prefix[:0], id...)
	m.prefix = append(m.prefix, '.')
	m.prefix = strconv.AppendInt(m.prefix, ts.Unix(), 10)
	m.prefix = append(m.prefix, '.')
	for i, mac := range m.h {
		mac.Reset()
		mac.Write(m.prefix)
		mac.Write(body)
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, "v1,"...)
		dst = base64.StdEncoding.AppendEncode(dst, mac.Sum(m.sum[:0]))
	}
	return dst
}

// IDPrefix starts a webhook-id derived from an event id (see WebhookID).
const IDPrefix = "b64~"

// WebhookID is the webhook-id an event id is sent, and signed, as: the id
// itself when a header carries it byte for byte, and otherwise IDPrefix
// followed by the unpadded base64url of the id. The wire contract takes any
// id of 1 to 128 characters, but a header value loses a CR or LF (turned
// into a space, or refused by a client), other control bytes are invalid,
// receivers trim outer spaces and tabs, and the reference libraries read
// non-ASCII bytes as Latin-1: in each case the receiver would verify the
// signature over another id than the one signed, and fail on every resend.
// The derived form is a function of the id alone, so that it is the same
// on every resend, after a restart and from every gateway (receivers drop
// resends by it), and EventID recovers the id. An id that starts with
// IDPrefix is derived too, so that no two ids share a webhook-id.
func WebhookID(id string) string {
	if headerSafe(id) {
		return id
	}
	return IDPrefix + base64.RawURLEncoding.EncodeToString([]byte(id))
}

// EventID is the event id a webhook-id was made from (see WebhookID).
func EventID(webhookID string) (string, error) {
	enc, derived := strings.CutPrefix(webhookID, IDPrefix)
	if !derived {
		return webhookID, nil
	}
	id, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return "", fmt.Errorf("webhook-id %q starts with %s but is not base64url: %w", webhookID, IDPrefix, err)
	}
	return string(id), nil
}

// headerSafe says a header carries id unchanged to every receiver:
// printable ASCII, not empty, no space or tab at either end, and not
// starting with IDPrefix.
func headerSafe(id string) bool {
	if id == "" || id[0] == ' ' || id[len(id)-1] == ' ' || strings.HasPrefix(id, IDPrefix) {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x20 || id[i] > 0x7e {
			return false
		}
	}
	return true
}
