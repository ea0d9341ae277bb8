// Package certs is the gateway's TLS identity: the server certificate and
// the client CAs, read from PEM files and re-read when the files change, so
// that a rotated certificate is served to new handshakes without a restart
// while open connections keep the session they have.
//
// Every listener (HTTPS and WSS, gRPC) takes its *tls.Config from one
// Source, so a rotation reaches all of them at the same moment.
package certs

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync/atomic"
)

// Files names the PEM files. CertFile and KeyFile are required;
// ClientCAFile, when set, makes every handshake present a client
// certificate that one of its CAs signed.
type Files struct {
	CertFile     string
	KeyFile      string
	ClientCAFile string
}

// identity is one generation of what the files held, swapped whole so a
// handshake never pairs one generation's certificate with another's CAs.
type identity struct {
	raw  [][]byte // the files' bytes, to tell whether they changed
	cert *tls.Certificate
	cas  *x509.CertPool // nil: no client certificates asked for
}

// Source serves the current identity and reloads it on demand.
type Source struct {
	files Files
	cur   atomic.Pointer[identity]
}

// New reads and checks the files once; a missing file, a key that does not
// match its certificate or a CA file without certificates is an error.
func New(f Files) (*Source, error) {
	s := &Source{files: f}
	id, err := s.read()
	if err != nil {
		return nil, err
	}
	if err := id.parse(f); err != nil {
		return nil, err
	}
	s.cur.Store(id)
	return s, nil
}

// Reload re-reads the files and, when their bytes changed and parse, serves
// them to new handshakes. It reports whether it swapped. On an error the
// current identity stays; a half-written rotation (a new certificate beside
// the old key) is such an error, and the next Reload after the second file
// lands picks the pair up.
func (s *Source) Reload() (bool, error) {
	id, err := s.read()
	if err != nil {
		return false, err
	}
	if slices.EqualFunc(id.raw, s.cur.Load().raw, bytes.Equal) {
		return false, nil
	}
	if err := id.parse(s.files); err != nil {
		return false, err
	}
	s.cur.Store(id)
	return true, nil
}

// Leaf is the certificate new handshakes are served.
func (s *Source) Leaf() *x509.Certificate {
	return s.cur.Load().cert.Leaf
}

// ServerConfig is a listener's TLS configuration: TLS 1.2 at least, Go's
// default cipher suites, and protos offered by ALPN ("h2", "http/1.1" for
// HTTPS; "h2" for gRPC). Each handshake gets the identity current at its
// start, through GetConfigForClient, so connections already open keep
// theirs. Callers must not set certificates or client CAs on it.
func (s *Source) ServerConfig(protos ...string) *tls.Config {
	base := &tls.Config{MinVersion: tls.VersionTLS12, NextProtos: protos}
	type built struct {
		id  *identity
		cfg *tls.Config
	}
	var last atomic.Pointer[built] // one config per generation, not per handshake
	outer := base.Clone()
	outer.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
		id := s.cur.Load()
		if b := last.Load(); b != nil && b.id == id {
			return b.cfg, nil
		}
		cfg := base.Clone()
		cfg.Certificates = []tls.Certificate{*id.cert}
		if id.cas != nil {
			cfg.ClientCAs = id.cas
			cfg.ClientAuth = tls.RequireAndVerifyClientCert
		}
		last.Store(&built{id, cfg})
		return cfg, nil
	}
	// A handshake that GetConfigForClient does not reach (none today) must
	// still find a certificate rather than fail with an empty config.
	outer.GetCertificate = func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
		return s.cur.Load().cert, nil
	}
	return outer
}

func (s *Source) read() (*identity, error) {
	paths := []string{s.files.CertFile, s.files.KeyFile}
	if s.files.ClientCAFile != "" {
		paths = append(paths, s.files.ClientCAFile)
	}
	id := &identity{}
	var errs []error
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("tls: %w", err))
		}
		id.raw = append(id.raw, b)
	}
	return id, errors.Join(errs...)
}

func (id *identity) parse(f Files) error {
	cert, err := tls.X509KeyPair(id.raw[0], id.raw[1])
	if err != nil {
		return fmt.Errorf("tls: %s and %s: %w", f.CertFile, f.KeyFile, err)
	}
	id.cert = &cert
	if len(id.raw) > 2 {
		id.cas = x509.NewCertPool()
		if !id.cas.AppendCertsFromPEM(id.raw[2]) {
			return fmt.Errorf("tls: %s: no PEM certificate in it", f.ClientCAFile)
		}
	}
	return nil
}
