package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/schemagate/schemagate/internal/testkit"
)

// TestMain moves the gRPC door off its default port for every server the
// tests start, in this process or as a child (children inherit the
// environment): tests of other packages and other checkouts run at the same
// time, and 127.0.0.1:9090 can be had by one of them only. Tests of the
// gRPC door pass --grpc-listen, which wins over the variable.
func TestMain(m *testing.M) {
	if err := os.Setenv("SCHEMAGATE_GRPC_LISTEN", "127.0.0.1:0"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	schemagateBin.Remove()
	os.Exit(code)
}

// schemagateBin is this package built once, for the tests that run the
// real binary.
var schemagateBin = &testkit.Binary{Dir: "."}
