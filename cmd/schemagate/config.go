package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/status"
)

// defaultConfigFile is read when neither --config nor SCHEMAGATE_CONFIG
// names a file, and only if it exists: outside a checkout (a team running
// `schemagate validate` in its own CI) the defaults apply.
const defaultConfigFile = "configs/schemagate.yaml"

// envPrefix prefixes every environment override: SCHEMAGATE_LISTEN,
// SCHEMAGATE_WEBSOCKET_READ_LIMIT, SCHEMAGATE_AUTH_TOKENS (comma-separated).
const envPrefix = "SCHEMAGATE"

// envConfig names the configuration file, like --config.
const envConfig = envPrefix + "_CONFIG"

// notKeys are SCHEMAGATE_ variables that are not configuration keys, so
// applyEnv must not call them unknown: the file's own name, and the token
// the client commands send.
var notKeys = map[string]bool{envConfig: true, envPrefix + "_TOKEN": true}

// configFlags are the flags every command that reads the configuration
// takes; each overrides its key.
func configFlags(fs *pflag.FlagSet) {
	fs.StringP("config", "c", "", "configuration file (YAML; default $"+envConfig+", else "+defaultConfigFile+" if it exists)")
	fs.String("listen", "", "listen address host:port (overrides listen)")
	fs.String("schemas", "", "schema directory (overrides schemas.dir)")
	fs.String("grpc-listen", "", `gRPC listen address host:port, "" for none (overrides grpc.listen)`)
}

// loadConfig builds the configuration from, lowest first: the defaults,
// the YAML file, SCHEMAGATE_* variables, then flags. An unknown key, a bad
// value or a named file that is missing is a configuration error (exit
// code 2), reported whole.
func loadConfig(fs *pflag.FlagSet, environ []string) (config.Config, error) {
	v := viper.New()
	if err := setDefaults(v); err != nil {
		return config.Config{}, err
	}
	label, err := readConfigFile(v, fs, environ)
	if err != nil {
		return config.Config{}, err
	}
	if err := applyEnv(v, environ); err != nil {
		return config.Config{}, err
	}
	for flag, key := range map[string]string{"listen": "listen", "schemas": "schemas.dir", "grpc-listen": "grpc.listen"} {
		if f := fs.Lookup(flag); f != nil && f.Changed {
			v.Set(key, f.Value.String())
		}
	}
	if err := config.CheckActionKeys(v.GetStringMap("actions")); err != nil {
		return config.Config{}, configError(fmt.Errorf("%s: %w", label, err))
	}
	var cfg config.Config
	hook := viper.DecodeHook(mapstructure.ComposeDecodeHookFunc(
		mapstructure.StringToTimeDurationHookFunc(),
		mapstructure.StringToSliceHookFunc(","),
	))
	if err := v.UnmarshalExact(&cfg, hook); err != nil {
		return cfg, configError(fmt.Errorf("%s: %w", label, err))
	}
	if err := cfg.Validate(); err != nil {
		return cfg, configError(fmt.Errorf("%s: %w", label, err))
	}
	if err := cfg.ResolveSecrets(lookupIn(environ)); err != nil {
		return cfg, configError(fmt.Errorf("%s: %w", label, err))
	}
	return cfg, nil
}

// readConfigFile reads the file --config or SCHEMAGATE_CONFIG names, which
// must exist, or else the default file if there is one. It returns how
// errors should name the configuration.
func readConfigFile(v *viper.Viper, fs *pflag.FlagSet, environ []string) (string, error) {
	path, named := "", false
	if f := fs.Lookup("config"); f != nil && f.Value.String() != "" {
		path, named = f.Value.String(), true
	} else if p := lookupEnv(environ, envConfig); p != "" {
		path, named = p, true
	}
	if !named {
		if _, err := os.Stat(defaultConfigFile); errors.Is(err, os.ErrNotExist) {
			return "configuration (defaults, no " + defaultConfigFile + ")", nil
		}
		path = defaultConfigFile
	}
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	label := "config file " + path
	if err := v.ReadInConfig(); err != nil {
		return label, configError(fmt.Errorf("%s: %w", label, unwrapPathErr(err)))
	}
	return label, nil
}

func lookupEnv(environ []string, name string) string {
	for _, kv := range environ {
		if k, val, _ := strings.Cut(kv, "="); k == name {
			return val
		}
	}
	return ""
}

// setDefaults registers every key with its default, which is also what
// lets environment variables override keys the file does not mention.
func setDefaults(v *viper.Viper) error {
	var m map[string]any
	if err := mapstructure.Decode(config.Default(), &m); err != nil {
		return err
	}
	for k, val := range flatten("", m) {
		v.SetDefault(k, val)
	}
	return nil
}

func flatten(prefix string, m map[string]any) map[string]any {
	out := map[string]any{}
	for k, val := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if sub, ok := val.(map[string]any); ok && len(sub) > 0 {
			for k2, v2 := range flatten(key, sub) {
				out[k2] = v2
			}
			continue
		}
		out[key] = val
	}
	return out
}

// applyEnv maps SCHEMAGATE_A_B to the known key a.b (or a_b); an unknown
// SCHEMAGATE_ variable is an error rather than silently ignored.
func applyEnv(v *viper.Viper, environ []string) error {
	byEnv := map[string]string{}
	for _, k := range v.AllKeys() {
		byEnv[envPrefix+"_"+strings.ToUpper(strings.NewReplacer(".", "_").Replace(k))] = k
	}
	var unknown []string
	for _, kv := range environ {
		name, val, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, envPrefix+"_") || notKeys[name] {
			continue
		}
		key, ok := byEnv[name]
		if !ok {
			unknown = append(unknown, name)
			continue
		}
		v.Set(key, val)
	}
	if len(unknown) > 0 {
		return configError(fmt.Errorf("unknown environment variables: %s", strings.Join(unknown, ", ")))
	}
	return nil
}

// lookupIn is os.LookupEnv over environ, so that webhook secrets named
// env:NAME come from the environment the command was given.
func lookupIn(environ []string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		for i := len(environ) - 1; i >= 0; i-- {
			if k, v, ok := strings.Cut(environ[i], "="); ok && k == name {
				return v, true
			}
		}
		return "", false
	}
}

func configError(err error) error {
	return status.Wrap(codes.FailedPrecondition, err, err.Error())
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
