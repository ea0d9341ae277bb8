package sdnotify_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/sdnotify"
	"github.com/schemagate/schemagate/internal/testkit"
)

func TestNotify(t *testing.T) {
	for _, tc := range []struct{ name, socket string }{
		{"path", filepath.Join(t.TempDir(), "notify")},
		// Abstract names are one namespace for the whole machine, where
		// other test processes (other checkouts) run this test too: the
		// process id keeps two runs from binding the same name.
		{"abstract", fmt.Sprintf("@schemagate-test-%d-%s", os.Getpid(), t.Name())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := tc.socket
			if addr[0] == '@' {
				addr = "\x00" + addr[1:]
			}
			got := testkit.NotifySocket(t, addr)
			if err := sdnotify.New(tc.socket).Notify(sdnotify.Ready, "STATUS=serving"); err != nil {
				t.Fatal(err)
			}
			select {
			case msg := <-got:
				if msg != "READY=1\nSTATUS=serving" {
					t.Fatalf("got %q", msg)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("nothing arrived")
			}
		})
	}
}

func TestNoSocketSendsNothing(t *testing.T) {
	if err := sdnotify.New("").Notify(sdnotify.Ready); err != nil {
		t.Fatal(err)
	}
	if err := sdnotify.New(filepath.Join(t.TempDir(), "none")).Notify(sdnotify.Ready); err == nil {
		t.Fatal("a missing socket must be reported")
	}
}
