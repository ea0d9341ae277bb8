package apidoc

import (
	"strings"
	"testing"
)

// FuzzResolve: any $ref either stays as it was or becomes a pointer into
// the document's components, and resolving never panics.
func FuzzResolve(f *testing.F) {
	for _, r := range []string{"../_defs/common.json#/$defs/age", "#/properties/a", "v1.json", "https://x/y#/a", "#anchor", "%zz", "../../etc/x.json"} {
		f.Add(r)
	}
	names := map[string]string{"person/v1.json": "person.v1", "_defs/common.json": "_defs.common"}
	f.Fuzz(func(t *testing.T, ref string) {
		got := resolve(ref, "person/v1.json", names, func(n string) string { return "#/components/schemas/" + n })
		if got != ref && !strings.HasPrefix(got, "#/components/schemas/person.v1") && !strings.HasPrefix(got, "#/components/schemas/_defs.common") {
			t.Fatalf("%q became %q", ref, got)
		}
	})
}
