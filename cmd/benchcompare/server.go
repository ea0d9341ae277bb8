package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// server is one contestant: how to install and start it.
type server struct {
	name    string
	install []string                // nil: nothing to install
	argv    func(port int) []string // the command line that serves on port
	dir     string                  // working directory
	env     []string                // added to the environment
	// grpc: argv gets --grpc-listen on a second free port, and the load
	// goes to its PublishStream; readiness is still the WebSocket's.
	grpc bool
	// judgesNothing: the server acks every frame (the ceiling), so it runs
	// only where every frame is valid (see runsIn).
	judgesNothing bool
}

// servers lists every known contestant; each peer runs through its own
// run.sh exactly as ../shared/peers documents.
func servers(c config) map[string]server {
	peers := filepath.Join(c.shared, "peers")
	schemas := filepath.Join(c.shared, "bench", "schemas")
	peer := func(name string, extra ...string) server {
		run := filepath.Join(peers, name, "run.sh")
		return server{name: name, install: []string{filepath.Join(peers, name, "install.sh")},
			argv: func(port int) []string {
				return append([]string{run, "--port", strconv.Itoa(port), "--schemas", schemas}, extra...)
			}}
	}
	return map[string]server{
		"schemagate": {name: "schemagate", dir: c.repo, argv: func(port int) []string {
			return []string{c.schemagate, "serve", "--config", "configs/bench.yaml",
				"--listen", "127.0.0.1:" + strconv.Itoa(port), "--grpc-listen", ""}
		}},
		// The same server and configuration, measured through its gRPC door.
		"schemagate-grpc": {name: "schemagate-grpc", dir: c.repo, grpc: true, argv: func(port int) []string {
			return []string{c.schemagate, "serve", "--config", "configs/bench.yaml",
				"--listen", "127.0.0.1:" + strconv.Itoa(port)}
		}},
		"node-ws-ajv":       peer("node-ws-ajv", "--workers", "2"),
		"go-naive":          peer("go-naive"),
		"python-websockets": peer("python-websockets"),
		"go-ceiling":        ceilingPeer(peer("go-ceiling")),
	}
}

func ceilingPeer(s server) server {
	s.judgesNothing = true
	return s
}

// running is a started server: its process (the root of its tree), the
// WebSocket URL that says it is up, and the URL the load goes to.
type running struct {
	cmd   *exec.Cmd
	url   string
	bench string
	done  chan error
}

// start runs s on a free loopback port and returns once it completes a
// WebSocket handshake, so no measurement includes its start-up.
func start(ctx context.Context, s server, logDir string) (*running, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	argv := s.argv(port)
	bench := fmt.Sprintf("ws://127.0.0.1:%d/ws", port)
	if s.grpc {
		gport, err := freePort()
		if err != nil {
			return nil, err
		}
		argv = append(argv, "--grpc-listen", "127.0.0.1:"+strconv.Itoa(gport))
		bench = "grpc://127.0.0.1:" + strconv.Itoa(gport)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), s.env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its own group: stop reaches node's workers
	log, err := os.Create(filepath.Join(logDir, s.name+".log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	r := &running{cmd: cmd, url: fmt.Sprintf("ws://127.0.0.1:%d/ws", port), bench: bench, done: make(chan error, 1)}
	go func() { r.done <- cmd.Wait(); log.Close() }()
	if err := r.waitReady(ctx, 60*time.Second); err != nil {
		r.stop()
		return nil, fmt.Errorf("%s: %w (see %s)", s.name, err, log.Name())
	}
	return r, nil
}

// waitReady polls with real handshakes until one succeeds.
func (r *running) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	d := websocket.Dialer{HandshakeTimeout: time.Second}
	for time.Now().Before(deadline) {
		if c, _, err := d.DialContext(ctx, r.url, nil); err == nil {
			c.Close()
			return nil
		}
		select {
		case err := <-r.done:
			r.done <- err
			return fmt.Errorf("exited before serving: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return errors.New("not serving within " + limit.String())
}

// stop ends the server's whole process group: SIGTERM, then SIGKILL.
func (r *running) stop() {
	pgid := r.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-r.done
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL) // stragglers of the group, if any
}

// freePort asks the kernel for a port nobody holds; other processes on a
// shared box may hold the usual ones.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
