// Command schemagate is an event gateway: it validates JSON events sent
// over WebSocket or HTTP against versioned JSON Schemas, hands them to typed
// handlers and actions, and answers every frame with an ack or a report.
// It also sends events, validates batches and measures servers.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !isReported(err) {
			fmt.Fprintln(os.Stderr, "schemagate:", err)
		}
		os.Exit(exitCode(err))
	}
}
