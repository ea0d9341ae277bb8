package main

import (
	"github.com/spf13/pflag"

	"github.com/schemagate/schemagate/gateway"
	"github.com/schemagate/schemagate/internal/config"
)

// configFlags are the flags every command that reads the configuration
// takes; each overrides its key.
func configFlags(fs *pflag.FlagSet) {
	fs.StringP("config", "c", "", "configuration file (YAML; default $"+gateway.EnvConfig+", else "+gateway.DefaultConfigFile+" if it exists)")
	fs.String("listen", "", "listen address host:port (overrides listen)")
	fs.String("schemas", "", "schema directory (overrides schemas.dir)")
	fs.String("grpc-listen", "", `gRPC listen address host:port, "" for none (overrides grpc.listen)`)
}

// loadConfig is gateway.LoadConfig with the flags: --config names the
// file, and the other flags override their keys, last of all.
func loadConfig(fs *pflag.FlagSet, environ []string) (config.Config, error) {
	return gateway.LoadConfig(loadOptions(fs, environ))
}

// loadOptions are the options gateway.LoadConfig takes for the flags.
func loadOptions(fs *pflag.FlagSet, environ []string) gateway.LoadOptions {
	o := gateway.LoadOptions{Environ: environ, Set: map[string]string{}}
	if f := fs.Lookup("config"); f != nil {
		o.File = f.Value.String()
	}
	for flag, key := range map[string]string{"listen": "listen", "schemas": "schemas.dir", "grpc-listen": "grpc.listen"} {
		if f := fs.Lookup(flag); f != nil && f.Changed {
			o.Set[key] = f.Value.String()
		}
	}
	return o
}
