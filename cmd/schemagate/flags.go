package main

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// withFlags is the shape of every command with flags of its own: declare
// binds them to the fields of an F, and run gets that F once cobra has
// parsed the command line.
func withFlags[F any](c *cobra.Command, declare func(*F, *pflag.FlagSet), run func(cmd *cobra.Command, args []string, f F) error) *cobra.Command {
	var f F
	declare(&f, c.Flags())
	c.RunE = func(cmd *cobra.Command, args []string) error { return run(cmd, args, f) }
	return c
}

// clientFlags reach a server as its clients do (send, bench): its URL,
// and the bearer token and Origin header to present.
type clientFlags struct {
	url, token, origin string
}

// declare binds the flags, --url defaulting to url and described by usage.
func (f *clientFlags) declare(fl *pflag.FlagSet, url, usage string) {
	fl.StringVar(&f.url, "url", url, usage)
	tokenFlag(fl, &f.token)
	fl.StringVar(&f.origin, "origin", "", "Origin header to send")
}

// tokenFlag is --token, the bearer token every command that presents one
// takes, $SCHEMAGATE_TOKEN by default.
func tokenFlag(fl *pflag.FlagSet, token *string) {
	fl.StringVar(token, "token", os.Getenv("SCHEMAGATE_TOKEN"), "bearer token (default $SCHEMAGATE_TOKEN)")
}
