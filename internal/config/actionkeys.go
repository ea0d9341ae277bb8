package config

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// ActionKinds lists the kinds of action, each with the keys of its own.
func ActionKinds() []string { return []string{"log", "file", "webhook", "nats"} }

// ActionKeys lists the keys an action of kind may set besides kind: a
// file's are File's, a webhook's Webhook's, and log and nats have none.
// Action squashes both structs, so without this check a file action would
// take a url and ignore it.
func ActionKeys(kind string) []string {
	switch kind {
	case "file":
		return tagKeys(reflect.TypeOf(File{}))
	case "webhook":
		return tagKeys(reflect.TypeOf(Webhook{}))
	}
	return nil
}

// CheckActionKeys reports every key of the actions section (as read from
// YAML: action name to its keys) that its action's kind does not have,
// naming the action and the key. An unknown kind is Validate's to report.
func CheckActionKeys(actions map[string]any) error {
	var p problems
	for name, raw := range actions {
		keys, ok := raw.(map[string]any)
		if !ok {
			continue
		}
		kind, _ := keys["kind"].(string)
		if !validKind(kind) {
			continue
		}
		allowed := ActionKeys(kind)
		for key := range keys {
			if key != "kind" && !contains(allowed, key) {
				strayKey(&p, name, kind, key, allowed)
			}
		}
	}
	return p.err()
}

// checkKinds is CheckActionKeys for an action built in Go rather than
// read from YAML: a field of another kind that is set (not zero) is the
// same mistake, reported the same way.
func (a Action) checkKinds(p *problems, name string) {
	if !validKind(a.Kind) {
		return
	}
	allowed := ActionKeys(a.Kind)
	for _, key := range setKeys(reflect.ValueOf(a)) {
		if key != "kind" && !contains(allowed, key) {
			strayKey(p, name, a.Kind, key, allowed)
		}
	}
}

func strayKey(p *problems, name, kind, key string, allowed []string) {
	p.add("actions."+name+"."+key, "is not a key of a %s action (it has: %s)", kind, keyList(allowed))
}

// setKeys lists the YAML keys of v's fields that are not zero, those of
// squashed fields included and "-" excluded (what the configuration
// fills in itself, such as resolved secrets).
func setKeys(v reflect.Value) []string {
	var keys []string
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name, opts, _ := strings.Cut(t.Field(i).Tag.Get("mapstructure"), ",")
		switch {
		case name == "-":
		case opts == "squash":
			keys = append(keys, setKeys(v.Field(i))...)
		case !v.Field(i).IsZero():
			keys = append(keys, name)
		}
	}
	return keys
}

func validKind(kind string) bool { return contains(ActionKinds(), kind) }

func keyList(keys []string) string {
	if len(keys) == 0 {
		return "kind only"
	}
	return "kind, " + strings.Join(keys, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// tagKeys lists the YAML keys of a struct's fields, those of squashed
// fields included and "-" excluded, sorted.
func tagKeys(t reflect.Type) []string {
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
		switch {
		case name == "-":
		case opts == "squash":
			keys = append(keys, tagKeys(f.Type)...)
		case name != "":
			keys = append(keys, name)
		default:
			panic(fmt.Sprintf("config: field %s.%s has no mapstructure key", t.Name(), f.Name))
		}
	}
	sort.Strings(keys)
	return keys
}
