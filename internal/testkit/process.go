package testkit

import (
	"os"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"
)

// listeningRe finds the address in a server's "listening" log line, in
// JSON or text log format.
var listeningRe = regexp.MustCompile(`(?:"msg":"listening","addr":"|msg=listening addr=)([^"\s]+)`)

// WaitListening waits for logs to show the server's "listening" line and
// returns its address. It fails the test when exited yields first (the
// server ended) or when d passes.
func WaitListening(t testing.TB, logs *Buffer, exited <-chan error, d time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if m := listeningRe.FindStringSubmatch(logs.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-exited:
			t.Fatalf("the server exited before listening: %v\n%s", err, logs.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("the server did not listen within %s:\n%s", d, logs.String())
	return ""
}

// Process is a server process running for one test (the built binary's
// serve, say).
type Process struct {
	Cmd    *exec.Cmd
	Logs   *Buffer    // its standard error
	Exited chan error // yields cmd.Wait's error once it has ended
	Addr   string     // where it listens
}

// StartProcess starts cmd, kills it when the test ends (whatever path the
// test leaves by), and returns once it listens.
func StartProcess(t testing.TB, cmd *exec.Cmd) *Process {
	t.Helper()
	p := &Process{Cmd: cmd, Logs: &Buffer{}, Exited: make(chan error, 1)}
	cmd.Stderr = p.Logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.Exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	p.Addr = WaitListening(t, p.Logs, p.Exited, 60*time.Second)
	return p
}

// Kill ends the process as a crash would (SIGKILL: no drain, no flush)
// and waits for it to be gone.
func (p *Process) Kill(t testing.TB) {
	t.Helper()
	if err := p.Cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.Exited
}

// Signal sends sig to the process.
func (p *Process) Signal(t testing.TB, sig os.Signal) {
	t.Helper()
	if err := p.Cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// WaitExit returns cmd.Wait's error once the process has ended, failing
// the test when it has not ended within d.
func (p *Process) WaitExit(t testing.TB, d time.Duration) error {
	t.Helper()
	select {
	case err := <-p.Exited:
		return err
	case <-time.After(d):
		t.Fatalf("the process did not exit within %s\n%s", d, p.Logs.Tail(4000))
		return nil
	}
}

// Stop sends SIGTERM and wants exit code 0 within d.
func (p *Process) Stop(t testing.TB, d time.Duration) {
	t.Helper()
	p.Signal(t, syscall.SIGTERM)
	if err := p.WaitExit(t, d); err != nil {
		t.Fatalf("exit after SIGTERM: %v, want 0\n%s", err, p.Logs.Tail(4000))
	}
}
