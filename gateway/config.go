package gateway

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/server"
)

// Config is the gateway's whole configuration: the same keys as
// configs/schemagate.yaml, with every default set by DefaultConfig.
type Config = config.Config

// DefaultConfig is the configuration with every default and no file.
func DefaultConfig() Config { return config.Default() }

// LoadOptions say where a configuration comes from.
type LoadOptions struct {
	// File is the YAML file, which must exist. When "", the file
	// $SCHEMAGATE_CONFIG names is read, else DefaultConfigFile if it
	// exists, else only the defaults apply.
	File string
	// Environ holds the SCHEMAGATE_* overrides (os.Environ(), say);
	// an unknown SCHEMAGATE_ variable is an error.
	Environ []string
	// Set overrides keys by name ("listen", "schemas.dir"), last of all.
	Set map[string]string
}

// DefaultConfigFile is read when no file is named, and only if it exists:
// outside a checkout (a team running `schemagate validate` in its own CI)
// the defaults apply.
const DefaultConfigFile = "configs/schemagate.yaml"

// envPrefix prefixes every environment override: SCHEMAGATE_LISTEN,
// SCHEMAGATE_WEBSOCKET_READ_LIMIT, SCHEMAGATE_AUTH_TOKENS (comma-separated).
const envPrefix = "SCHEMAGATE"

// EnvConfig is the environment variable that names the configuration
// file.
const EnvConfig = envPrefix + "_CONFIG"

// notKeys are SCHEMAGATE_ variables that are not configuration keys, so
// applyEnv must not call them unknown: the file's own name, and the token
// the client commands send.
var notKeys = map[string]bool{EnvConfig: true, envPrefix + "_TOKEN": true}

// LoadConfig builds the configuration the way `schemagate serve` does,
// from, lowest first: the defaults, the YAML file, SCHEMAGATE_* variables,
// then o.Set. An unknown key, a bad value or a named file that is missing
// is an error with code FAILED_PRECONDITION, every problem reported at
// once.
func LoadConfig(o LoadOptions) (Config, error) {
	environ := o.Environ
	v := viper.New()
	if err := setDefaults(v); err != nil {
		return Config{}, err
	}
	label, err := readConfigFile(v, o.File, environ)
	if err != nil {
		return Config{}, err
	}
	if err := applyEnv(v, environ); err != nil {
		return Config{}, err
	}
	for key, val := range o.Set {
		v.Set(key, val)
	}
	if err := config.CheckActionKeys(v.GetStringMap("actions")); err != nil {
		return Config{}, server.ConfigError(fmt.Errorf("%s: %w", label, err))
	}
	if err := setActionDefaults(v); err != nil {
		return Config{}, err
	}
	var cfg Config
	hook := viper.DecodeHook(mapstructure.ComposeDecodeHookFunc(
		mapstructure.StringToTimeDurationHookFunc(),
		mapstructure.StringToSliceHookFunc(","),
	))
	if err := v.UnmarshalExact(&cfg, hook); err != nil {
		return cfg, server.ConfigError(fmt.Errorf("%s: %w", label, err))
	}
	if err := cfg.Validate(); err != nil {
		return cfg, server.ConfigError(fmt.Errorf("%s: %w", label, err))
	}
	if err := cfg.ResolveSecrets(lookupIn(environ)); err != nil {
		return cfg, server.ConfigError(fmt.Errorf("%s: %w", label, err))
	}
	return cfg, nil
}

// readConfigFile reads the file named (by file or SCHEMAGATE_CONFIG), which
// must exist, or else the default file if there is one. It returns how
// errors should name the configuration.
func readConfigFile(v *viper.Viper, file string, environ []string) (string, error) {
	path := configFile(file, environ)
	if path == "" {
		return "configuration (defaults, no " + DefaultConfigFile + ")", nil
	}
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	label := "config file " + path
	if err := v.ReadInConfig(); err != nil {
		return label, server.ConfigError(fmt.Errorf("%s: %w", label, unwrapPathErr(err)))
	}
	return label, nil
}

// configFile is the file a configuration is read from: file, else
// $SCHEMAGATE_CONFIG, else DefaultConfigFile if it exists, else "".
func configFile(file string, environ []string) string {
	if file != "" {
		return file
	}
	if p := lookupEnv(environ, EnvConfig); p != "" {
		return p
	}
	if _, err := os.Stat(DefaultConfigFile); errors.Is(err, os.ErrNotExist) {
		return ""
	}
	return DefaultConfigFile
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

// setActionDefaults gives each action the defaults of its kind for the
// keys it leaves out, so that the configuration passed down carries the
// values in force rather than zeros each sink would read its own way. A
// key set to zero stays zero, for Validate to judge.
func setActionDefaults(v *viper.Viper) error {
	for name, raw := range v.GetStringMap("actions") {
		keys, _ := raw.(map[string]any)
		kind, _ := keys["kind"].(string)
		var m map[string]any
		if err := mapstructure.Decode(config.DefaultAction(kind), &m); err != nil {
			return err
		}
		for k, val := range flatten("", m) {
			if val != nil && !reflect.ValueOf(val).IsZero() {
				v.SetDefault("actions."+name+"."+k, val)
			}
		}
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
		return server.ConfigError(fmt.Errorf("unknown environment variables: %s", strings.Join(unknown, ", ")))
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

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
