package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/peer"

	"github.com/schemagate/schemagate/internal/certs/certstest"
)

// tlsFiles writes a CA-signed server certificate (serial 2) and returns
// the CA and the config lines that serve it.
func tlsFiles(t *testing.T, clientCA bool) (ca *certstest.CA, certPath, keyPath, yaml string) {
	t.Helper()
	dir := t.TempDir()
	ca = certstest.NewCA(t, "test CA")
	certPath, keyPath = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	ca.Server(t, 2).Write(t, certPath, keyPath)
	yaml = fmt.Sprintf("tls: {cert_file: %s, key_file: %s, reload_interval: 20ms", certPath, keyPath)
	if clientCA {
		caPath := filepath.Join(dir, "ca.crt")
		certstest.WriteFile(t, caPath, ca.PEM)
		yaml += ", client_ca_file: " + caPath
	}
	return ca, certPath, keyPath, yaml + "}\n"
}

func wssDial(addr string, cfg *tls.Config) (*websocket.Conn, error) {
	d := websocket.Dialer{TLSClientConfig: cfg, HandshakeTimeout: 20 * time.Second}
	c, _, err := d.Dial("wss://"+addr+"/ws", nil)
	return c, err
}

func servedSerial(c *websocket.Conn) int64 {
	return c.UnderlyingConn().(*tls.Conn).ConnectionState().PeerCertificates[0].SerialNumber.Int64()
}

// The certificate rotates under open WebSocket connections: new handshakes
// get the new one without a restart, and the connections already open
// keep their session and keep being served.
func TestTLSCertificateRotatesUnderOpenConnections(t *testing.T) {
	ca, certPath, keyPath, tlsYAML := tlsFiles(t, false)
	addr, logs, _ := startServe(t, "schemas: {dir: "+repoSchemas(t)+"}\nhandlers: [person/v1]\n"+tlsYAML)
	client := &tls.Config{RootCAs: ca.Pool()}
	const open = 8
	var conns []*websocket.Conn
	for i := range open {
		c, err := wssDial(addr, client)
		if err != nil {
			t.Fatalf("wss dial: %v", err)
		}
		t.Cleanup(func() { c.Close() })
		if r := hSend(t, c, personFrame(fmt.Sprint("before-", i))); !r.OK || servedSerial(c) != 2 {
			t.Fatalf("before the rotation: reply %+v, serial %d", r, servedSerial(c))
		}
		conns = append(conns, c)
	}

	ca.Server(t, 3).Write(t, certPath, keyPath)
	deadline := time.Now().Add(30 * time.Second)
	var fresh *websocket.Conn
	for fresh == nil || servedSerial(fresh) != 3 {
		if time.Now().After(deadline) {
			t.Fatalf("new handshakes still get the old certificate\n%s", tail(logs.String()))
		}
		if fresh != nil {
			fresh.Close()
		}
		var err error
		if fresh, err = wssDial(addr, client); err != nil {
			t.Fatalf("wss dial during the rotation: %v", err)
		}
	}
	t.Cleanup(func() { fresh.Close() })
	if r := hSend(t, fresh, personFrame("after-new")); !r.OK {
		t.Fatalf("a connection with the new certificate: %+v", r)
	}
	for i, c := range conns {
		if r := hSend(t, c, personFrame(fmt.Sprint("after-", i))); !r.OK || servedSerial(c) != 2 {
			t.Fatalf("connection %d opened before the rotation: reply %+v, serial %d", i, r, servedSerial(c))
		}
	}

	// HTTPS on the same port, HTTP/2 offered by ALPN.
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: client, ForceAttemptHTTP2: true}}
	resp, err := hc.Get("https://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.ProtoMajor != 2 || resp.TLS.PeerCertificates[0].SerialNumber.Int64() != 3 {
		t.Fatalf("GET /healthz over TLS: %d %s serial %d", resp.StatusCode, resp.Proto, resp.TLS.PeerCertificates[0].SerialNumber.Int64())
	}
}

// With tls.client_ca_file, a WebSocket client must present a certificate
// the CA signed.
func TestTLSClientCertificates(t *testing.T) {
	ca, _, _, tlsYAML := tlsFiles(t, true)
	addr, _, _ := startServe(t, "schemas: {dir: "+repoSchemas(t)+"}\nhandlers: [person/v1]\n"+tlsYAML)
	for _, tc := range certstest.ClientCases(t, ca) {
		t.Run(tc.Name, func(t *testing.T) {
			c, err := wssDial(addr, &tls.Config{RootCAs: ca.Pool(), Certificates: tc.Certs})
			if err == nil {
				defer c.Close()
				// TLS 1.3 sends a refusal after the client's Finished:
				// it shows on the first read.
				_ = c.SetWriteDeadline(time.Now().Add(20 * time.Second))
				if err = c.WriteMessage(websocket.TextMessage, []byte(personFrame("x"))); err == nil {
					_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
					_, _, err = c.ReadMessage()
				}
			}
			if (err == nil) != tc.OK {
				t.Fatalf("err = %v, want success %v", err, tc.OK)
			}
		})
	}
}

// The gRPC door takes the same TLS configuration: TLS clients get the
// current certificate, and a rotation reaches it as it reaches HTTPS.
func TestTLSGRPC(t *testing.T) {
	ca, certPath, keyPath, tlsYAML := tlsFiles(t, false)
	_, logs, _ := startServe(t, grpcConfig(t)+tlsYAML, "--grpc-listen", "127.0.0.1:0")
	addr := grpcAddr(t, logs)
	check := func() (int64, error) {
		cc, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: ca.Pool()})))
		if err != nil {
			return 0, err
		}
		defer cc.Close()
		var p peer.Peer
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if _, err := healthpb.NewHealthClient(cc).Check(ctx, &healthpb.HealthCheckRequest{}, grpc.Peer(&p)); err != nil {
			return 0, err
		}
		return p.AuthInfo.(credentials.TLSInfo).State.PeerCertificates[0].SerialNumber.Int64(), nil
	}
	if serial, err := check(); err != nil || serial != 2 {
		t.Fatalf("gRPC over TLS: serial %d, %v", serial, err)
	}
	ca.Server(t, 3).Write(t, certPath, keyPath)
	deadline := time.Now().Add(30 * time.Second)
	for {
		serial, err := check()
		if err != nil {
			t.Fatalf("gRPC over TLS during the rotation: %v", err)
		}
		if serial == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("new gRPC connections still get the old certificate")
		}
	}
}
