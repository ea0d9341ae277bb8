package validate

import (
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// TestEverySchemaFieldIsClassified fails when jsonschema.Schema has a field
// schemaFields does not name (a keyword a library upgrade added, which the
// fast path would otherwise have to ignore or guess about), or when
// schemaFields names one the struct no longer has.
func TestEverySchemaFieldIsClassified(t *testing.T) {
	typ := reflect.TypeOf(jsonschema.Schema{})
	fields := map[string]bool{}
	for i := 0; i < typ.NumField(); i++ {
		name := typ.Field(i).Name
		fields[name] = true
		if _, ok := schemaFields[name]; !ok {
			t.Errorf("jsonschema.Schema.%s is not classified in schemaFields: decide whether the fast path checks it, it cannot change a verdict, or it is left to the authority", name)
		}
	}
	for name := range schemaFields {
		if !fields[name] {
			t.Errorf("schemaFields names %s, which jsonschema.Schema no longer has", name)
		}
	}
}

// TestEveryLibraryFormatIsClassified fails when the library's format
// checkers and libraryFormats differ, in either direction.
func TestEveryLibraryFormatIsClassified(t *testing.T) {
	for name := range jsonschema.Formats {
		if !libraryFormats[name] {
			t.Errorf("jsonschema/v5 has format %q that libraryFormats does not list: check that it passes non-strings (TestLibraryFormatsPassNonStrings), then list it", name)
		}
	}
	for name := range libraryFormats {
		if _, ok := jsonschema.Formats[name]; !ok {
			t.Errorf("libraryFormats lists %q, which jsonschema/v5 no longer has", name)
		}
	}
}

// TestRefusedKeywordsHaveNoFastPath: a schema that sets any refused field
// is left to the authority whole.
func TestRefusedKeywordsHaveNoFastPath(t *testing.T) {
	for _, src := range []string{
		`{"not":{"type":"string"}}`, `{"anyOf":[{"type":"string"}]}`, `{"const":1}`,
		`{"if":{"type":"string"},"then":{"minLength":2}}`, `{"contains":{"type":"string"}}`,
		`{"prefixItems":[{"type":"string"}]}`, `{"patternProperties":{"^a":{"type":"string"}}}`,
		`{"properties":{"a":{"propertyNames":{"maxLength":1}}}}`,
	} {
		c := jsonschema.NewCompiler()
		c.Draft = jsonschema.Draft2020
		if err := c.AddResource("file:///s.json", strings.NewReader(src)); err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile("file:///s.json")
		if err != nil {
			t.Fatal(err)
		}
		if buildFast(s) != nil {
			t.Errorf("%s has a fast path", src)
		}
	}
}
