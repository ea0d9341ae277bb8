package config

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/whsign"
)

// A webhook secret in the configuration is a reference, so that the
// secret itself need not sit in a file that is read by many:
//
//	env:NAME   the variable NAME holds one or more secrets
//	file:PATH  the file holds one or more secrets (a mounted secret)
//	whsec_...  the secret itself
//
// Several secrets in one place are separated by white space, so a rotation
// is one edit of the variable or the file.
const (
	secretFromEnv  = "env:"
	secretFromFile = "file:"
)

// ResolveSecrets reads every webhook's secret references into its
// SigningSecrets and checks each secret against the Standard Webhooks
// rules. Problems name the key and the reference, never a secret.
// lookupEnv is os.LookupEnv outside tests.
func (c *Config) ResolveSecrets(lookupEnv func(string) (string, bool)) error {
	var p problems
	for _, name := range slices.Sorted(maps.Keys(c.Actions)) {
		a := c.Actions[name]
		if a.Kind != "webhook" {
			continue
		}
		a.SigningSecrets = a.resolve(&p, "actions."+name, lookupEnv)
		c.Actions[name] = a
	}
	return p.err()
}

// refs lists secret and secrets as one list, each with the key that
// holds it.
func (w Webhook) refs(key string) (keys, refs []string) {
	if w.Secret != "" {
		keys, refs = append(keys, key+".secret"), append(refs, w.Secret)
	}
	for i, s := range w.Secrets {
		keys, refs = append(keys, fmt.Sprintf("%s.secrets[%d]", key, i)), append(refs, s)
	}
	return keys, refs
}

func (w Webhook) resolve(p *problems, key string, lookupEnv func(string) (string, bool)) []string {
	keys, refs := w.refs(key)
	var out []string
	for i, ref := range refs {
		values, where, err := readSecretRef(ref, lookupEnv)
		if err != nil {
			p.add(keys[i], "%v", err)
			continue
		}
		if len(values) == 0 {
			p.add(keys[i], "%s holds no secret", where)
		}
		for j, v := range values {
			if _, err := whsign.ParseSecret(v); err != nil {
				p.add(keys[i], "secret %d of %s %v", j+1, where, err)
				continue
			}
			out = append(out, v)
		}
	}
	return out
}

// readSecretRef returns the secrets a reference names and how to name the
// reference in a problem without quoting a secret.
func readSecretRef(ref string, lookupEnv func(string) (string, bool)) (secrets []string, where string, err error) {
	switch {
	case strings.HasPrefix(ref, secretFromEnv):
		name := strings.TrimPrefix(ref, secretFromEnv)
		v, ok := lookupEnv(name)
		if !ok {
			return nil, ref, fmt.Errorf("environment variable %s is not set", name)
		}
		return strings.Fields(v), ref, nil
	case strings.HasPrefix(ref, secretFromFile):
		path := strings.TrimPrefix(ref, secretFromFile)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, ref, fmt.Errorf("cannot read the secret file: %v", err)
		}
		return strings.Fields(string(b)), ref, nil
	default:
		return []string{ref}, "the value", nil
	}
}
