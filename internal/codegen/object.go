package codegen

import (
	"fmt"
	"net/url"
	"path"
	"strings"
)

// objectType writes an object with named properties as a struct, and one
// with only additionalProperties as a map. An object that allows members
// it does not name stays raw: a struct would drop them.
func (g *gen) objectType(at place, s *object, name string) goType {
	props, _ := s.vals["properties"].(*object)
	closed := s.vals["additionalProperties"] == false || s.vals["unevaluatedProperties"] == false
	if props == nil || len(props.keys) == 0 {
		if closed {
			return g.structType(at, s, &object{vals: map[string]any{}}, name)
		}
		ap, ok := s.get("additionalProperties")
		if !ok || ap == true {
			g.json = true
			return goType{expr: "map[string]json.RawMessage", nilable: true, definable: true}
		}
		v := g.typeOf(at, ap, name+"Value")
		return goType{expr: "map[string]" + v.expr, nilable: true, definable: true}
	}
	if !closed {
		return rawType("the object allows members its properties do not name (no additionalProperties: false)")
	}
	return g.structType(at, s, props, name)
}

func (g *gen) structType(at place, s, props *object, name string) goType {
	d := &decl{name: g.names.unique(name), kind: kindStruct}
	if key, ok := g.pending[s]; ok {
		// Named before its members are, so that a schema that refers
		// to itself gets the type it is being written as.
		g.byRef[key] = d.name
		delete(g.pending, s)
	}
	if desc, ok := s.vals["description"].(string); ok {
		d.doc = d.name + ": " + oneLine(desc) + "."
	}
	g.add(at, d)
	required := map[string]bool{}
	if req, ok := s.vals["required"].([]any); ok {
		for _, r := range req {
			if n, ok := r.(string); ok {
				required[n] = true
			}
		}
	}
	fields := namer{}
	folded := map[string]string{}
	for _, p := range props.keys {
		if !validTag(p) {
			return g.unstruct(d, fmt.Sprintf("member %q cannot be a json tag", p))
		}
		// encoding/json matches member names without regard to case.
		if other, dup := folded[strings.ToLower(p)]; dup {
			return g.unstruct(d, fmt.Sprintf("members %q and %q differ only in case", other, p))
		}
		folded[strings.ToLower(p)] = p
		fname := fields.unique(exported(p))
		t := g.typeOf(at, props.vals[p], d.name+exported(p))
		d.fields = append(d.fields, g.field(fname, p, t, required[p], props.vals[p]))
	}
	return goType{expr: d.name, decl: d, definable: true}
}

// unstruct turns a struct under construction back into raw JSON.
func (g *gen) unstruct(d *decl, why string) goType {
	d.kind, d.why, d.fields = kindDropped, why, nil
	return rawType(why)
}

// field writes one member: required ones as their type, optional ones as
// a pointer that is nil when the member is absent.
func (g *gen) field(name, member string, t goType, required bool, schema any) field {
	f := field{name: name, tag: member}
	if s, ok := schema.(*object); ok {
		if desc, ok := s.vals["description"].(string); ok {
			f.doc = oneLine(desc) + "."
		}
	}
	if t.raw {
		g.json = true
		f.why = t.why
	}
	switch {
	case required:
		f.typ = t.expr
	case t.raw:
		f.typ, f.tag = t.expr, member+",omitempty"
	case strings.HasPrefix(t.expr, "*"):
		// Optional and nullable: absent, null and a value are three
		// states a pointer cannot tell apart.
		g.json = true
		f.typ, f.tag, f.why = "json.RawMessage", member+",omitempty", "optional and nullable"
	default:
		f.typ, f.tag = "*"+t.expr, member+",omitempty"
	}
	return f
}

// validTag is encoding/json's rule for a tag name, minus the comma that
// would end it.
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case c == '"' || c == '\\' || c == ',' || c == '`':
			return false
		case c < ' ':
			return false
		}
	}
	return true
}

// refType follows a $ref within the tree. A reference to $defs names a
// type after its definition, shared by every schema that uses it.
func (g *gen) refType(at place, s *object, ref any, name string) goType {
	for _, k := range shaping {
		if _, ok := s.get(k); ok {
			return rawType("$ref beside " + k + " is not expressed as a Go type")
		}
	}
	r, _ := ref.(string)
	file, ptr, err := resolveRef(at.file, r)
	if err != nil {
		return rawType(err.Error())
	}
	key := file + "#" + ptr
	if n, ok := g.byRef[key]; ok {
		return goType{expr: n, definable: true}
	}
	doc, err := g.doc(file)
	if err != nil {
		return rawType("$ref " + r + ": " + err.Error())
	}
	target, ok := pointer(doc, ptr)
	if !ok {
		return rawType("$ref " + r + " points at nothing")
	}
	tname, scope := name, at.scope
	if def := defName(ptr); def != "" {
		tname = exported(def)
		if !strings.HasPrefix(file, "_") {
			tname = scope + tname
		}
	}
	if o, ok := target.(*object); ok {
		g.pending[o] = key
	}
	t := g.typeOf(place{file: file, scope: scope}, target, tname)
	if t.decl != nil {
		g.byRef[key] = t.decl.name
	}
	return t
}

// resolveRef turns a $ref into a file of the tree (relative to its root)
// and a JSON pointer. References by absolute URI are not followed.
func resolveRef(from, ref string) (string, string, error) {
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "", "", fmt.Errorf("$ref %s is not a path within the tree", ref)
	}
	file := from
	if u.Path != "" {
		file = path.Join(path.Dir(from), u.Path)
	}
	return file, u.Fragment, nil
}

// defName is NAME for a pointer "/$defs/NAME" or "/definitions/NAME".
func defName(ptr string) string {
	for _, p := range []string{"/$defs/", "/definitions/"} {
		if rest, ok := strings.CutPrefix(ptr, p); ok && !strings.Contains(rest, "/") {
			return strings.NewReplacer("~1", "/", "~0", "~").Replace(rest)
		}
	}
	return ""
}

// pointer follows a JSON pointer (RFC 6901) into a document.
func pointer(doc any, ptr string) (any, bool) {
	if ptr == "" {
		return doc, true
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, false // an anchor name, which the generator does not look up
	}
	cur := doc
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		o, ok := cur.(*object)
		if !ok {
			return nil, false
		}
		if cur, ok = o.get(tok); !ok {
			return nil, false
		}
	}
	return cur, true
}
