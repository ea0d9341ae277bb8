package codegen

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/schemagate/schemagate/internal/event"
)

type declKind int

const (
	kindStruct   declKind = iota
	kindEnum              // a string type with a constant per value
	kindDefined           // type X <underlying>
	kindRawEvent          // an event type kept as raw JSON
	kindDropped           // a struct abandoned for raw JSON: not written
)

// decl is one named Go type the file declares.
type decl struct {
	name       string
	kind       declKind
	doc        string
	key        *event.Key // set for event types
	fields     []field
	values     []string // enum values
	underlying string
	why        string // why raw
}

type field struct {
	name, tag, typ, doc, why string
}

func (d *decl) write(b *bytes.Buffer) {
	if d.kind == kindDropped {
		return
	}
	doc := d.doc
	if doc == "" {
		doc = d.name + " is generated from the schema."
	}
	fmt.Fprintf(b, "// %s\n", doc)
	switch d.kind {
	case kindStruct:
		fmt.Fprintf(b, "type %s struct {\n", d.name)
		for _, f := range d.fields {
			f.write(b)
		}
		b.WriteString("}\n\n")
	case kindEnum:
		fmt.Fprintf(b, "type %s string\n\n// The values of %s.\nconst (\n", d.name, d.name)
		names := namer{}
		for _, v := range d.values {
			fmt.Fprintf(b, "\t%s %s = %s\n", names.unique(d.name+exported(v)), d.name, strconv.Quote(v))
		}
		b.WriteString(")\n\n")
	case kindDefined:
		fmt.Fprintf(b, "type %s %s\n\n", d.name, d.underlying)
	case kindRawEvent:
		d.writeRaw(b)
	}
	if d.key != nil {
		fmt.Fprintf(b, "// EventKey is %s.\nfunc (%s) EventKey() wire.Key { return wire.Key{Type: %s, Version: %d} }\n\n",
			d.key, d.name, strconv.Quote(d.key.Type), d.key.Version)
	}
}

func (f field) write(b *bytes.Buffer) {
	switch {
	case f.doc != "" && f.why != "":
		fmt.Fprintf(b, "\t// %s Raw JSON: %s.\n", f.doc, f.why)
	case f.doc != "":
		fmt.Fprintf(b, "\t// %s\n", f.doc)
	case f.why != "":
		fmt.Fprintf(b, "\t// Raw JSON: %s.\n", f.why)
	}
	fmt.Fprintf(b, "\t%s %s `json:%s`\n", f.name, f.typ, strconv.Quote(f.tag))
}

// writeRaw declares the fallback for an event type: its data as raw JSON,
// which still knows its key.
func (d *decl) writeRaw(b *bytes.Buffer) {
	fmt.Fprintf(b, "//\n// It is raw JSON: %s.\ntype %s json.RawMessage\n\n", d.why, d.name)
	fmt.Fprintf(b, "// MarshalJSON writes the data as it is.\nfunc (m %s) MarshalJSON() ([]byte, error) {\n"+
		"\tif m == nil {\n\t\treturn []byte(\"null\"), nil\n\t}\n\treturn m, nil\n}\n\n", d.name)
	fmt.Fprintf(b, "// UnmarshalJSON keeps a copy of the data.\nfunc (m *%s) UnmarshalJSON(data []byte) error {\n"+
		"\t*m = append((*m)[:0], data...)\n\treturn nil\n}\n\n", d.name)
}
