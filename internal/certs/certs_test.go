package certs_test

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/certs"
	"github.com/schemagate/schemagate/internal/certs/certstest"
)

type fixture struct {
	ca    *certstest.CA
	files certs.Files
}

func newFixture(t *testing.T, serial int64, clientCA bool) fixture {
	t.Helper()
	dir := t.TempDir()
	f := fixture{ca: certstest.NewCA(t, "test CA"), files: certs.Files{
		CertFile: filepath.Join(dir, "tls.crt"), KeyFile: filepath.Join(dir, "tls.key")}}
	f.ca.Server(t, serial).Write(t, f.files.CertFile, f.files.KeyFile)
	if clientCA {
		f.files.ClientCAFile = filepath.Join(dir, "ca.crt")
		certstest.WriteFile(t, f.files.ClientCAFile, f.ca.PEM)
	}
	return f
}

// source loads the fixture's files.
func (f fixture) source(t *testing.T) *certs.Source {
	t.Helper()
	src, err := certs.New(f.files)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// serveTLS accepts on a real socket with the source's config and
// completes each handshake, so clients see what a listener would serve.
func serveTLS(t *testing.T, src *certs.Source) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", src.ServerConfig("http/1.1"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if c.(*tls.Conn).Handshake() != nil {
					return
				}
				// One byte says the server took the handshake: the client
				// waits for it or for the refusal's alert, never for a clock.
				if _, err := c.Write([]byte{1}); err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, c)
			}()
		}
	}()
	return ln.Addr().String()
}

// handshake dials and returns the serial the server presented.
func handshake(addr string, cfg *tls.Config) (int64, error) {
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", addr, cfg)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	// TLS 1.3 reports a refused client certificate on the first read; an
	// accepted one reads the server's byte. The deadline only bounds a hung
	// server.
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != nil {
		return 0, err
	}
	return c.ConnectionState().PeerCertificates[0].SerialNumber.Int64(), nil
}

func TestNewRefusesBadFiles(t *testing.T) {
	f := newFixture(t, 2, true)
	other := certstest.NewCA(t, "other").Server(t, 3)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		certstest.WriteFile(t, p, data)
		return p
	}
	cases := []struct {
		name  string
		files certs.Files
		want  string
	}{
		{"missing key", certs.Files{CertFile: f.files.CertFile, KeyFile: filepath.Join(dir, "nope.key")}, "nope.key"},
		{"key of another certificate", certs.Files{CertFile: f.files.CertFile, KeyFile: write("other.key", other.KeyPEM)}, "other.key"},
		{"CA file without certificates", certs.Files{CertFile: f.files.CertFile, KeyFile: f.files.KeyFile,
			ClientCAFile: write("ca.crt", []byte("not pem"))}, "ca.crt: no PEM certificate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := certs.New(tc.files)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one naming %q", err, tc.want)
			}
		})
	}
}

func TestReloadSwapsOnlyAWholeValidPair(t *testing.T) {
	f := newFixture(t, 2, false)
	src := f.source(t)
	addr := serveTLS(t, src)
	client := &tls.Config{RootCAs: f.ca.Pool()}
	expect := func(want int64) {
		t.Helper()
		if got, err := handshake(addr, client); err != nil || got != want {
			t.Fatalf("served serial %d (%v), want %d", got, err, want)
		}
	}
	expect(2)
	if swapped, err := src.Reload(); swapped || err != nil {
		t.Fatalf("unchanged files: swapped %v, %v", swapped, err)
	}

	// Half a rotation: the new certificate beside the old key.
	next := f.ca.Server(t, 3)
	certstest.WriteFile(t, f.files.CertFile, next.CertPEM)
	if swapped, err := src.Reload(); swapped || err == nil {
		t.Fatalf("mismatched pair: swapped %v, err %v; want the old pair kept and an error", swapped, err)
	}
	expect(2)

	certstest.WriteFile(t, f.files.KeyFile, next.KeyPEM)
	if swapped, err := src.Reload(); !swapped || err != nil {
		t.Fatalf("whole new pair: swapped %v, %v", swapped, err)
	}
	expect(3)
}

func TestMinimumVersionIsTLS12(t *testing.T) {
	f := newFixture(t, 2, false)
	src := f.source(t)
	addr := serveTLS(t, src)
	if _, err := handshake(addr, &tls.Config{RootCAs: f.ca.Pool(), MaxVersion: tls.VersionTLS11, MinVersion: tls.VersionTLS10}); err == nil {
		t.Fatal("a TLS 1.1 handshake succeeded")
	}
	if _, err := handshake(addr, &tls.Config{RootCAs: f.ca.Pool(), MaxVersion: tls.VersionTLS12}); err != nil {
		t.Fatalf("TLS 1.2: %v", err)
	}
}

func TestClientCertificates(t *testing.T) {
	f := newFixture(t, 2, true)
	src := f.source(t)
	addr := serveTLS(t, src)
	newCA := certstest.NewCA(t, "next CA")
	for _, tc := range certstest.ClientCases(t, f.ca) {
		t.Run(tc.Name, func(t *testing.T) {
			_, err := handshake(addr, &tls.Config{RootCAs: f.ca.Pool(), Certificates: tc.Certs})
			if (err == nil) != tc.OK {
				t.Fatalf("err = %v, want success %v", err, tc.OK)
			}
		})
	}

	// The CA file rotates too: the next CA's clients get in, the old one's no longer.
	certstest.WriteFile(t, f.files.ClientCAFile, newCA.PEM)
	if swapped, err := src.Reload(); !swapped || err != nil {
		t.Fatalf("new CA file: swapped %v, %v", swapped, err)
	}
	if _, err := handshake(addr, &tls.Config{RootCAs: f.ca.Pool(), Certificates: []tls.Certificate{newCA.Client(t, "bob", 9).TLS(t)}}); err != nil {
		t.Fatalf("client of the new CA: %v", err)
	}
	if _, err := handshake(addr, &tls.Config{RootCAs: f.ca.Pool(), Certificates: []tls.Certificate{f.ca.Client(t, "alice", 9).TLS(t)}}); err == nil {
		t.Fatal("a client of the removed CA still got in")
	}
}

// Watch notices a rotation by itself, within a few intervals.
func TestWatchPicksUpARotation(t *testing.T) {
	f := newFixture(t, 2, false)
	src := f.source(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		src.Watch(ctx, 10*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	defer func() { cancel(); <-done }()
	f.ca.Server(t, 7).Write(t, f.files.CertFile, f.files.KeyFile)
	deadline := time.Now().Add(10 * time.Second)
	for src.Leaf().SerialNumber.Int64() != 7 {
		if time.Now().After(deadline) {
			t.Fatal("the rotated certificate was not picked up")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := os.Remove(f.files.KeyFile); err != nil {
		t.Fatal(err)
	}
	if swapped, err := src.Reload(); swapped || err == nil || src.Leaf().SerialNumber.Int64() != 7 {
		t.Fatalf("a missing key file: swapped %v, err %v, serial %d; want the served pair kept", swapped, err, src.Leaf().SerialNumber.Int64())
	}
}
