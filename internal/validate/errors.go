package validate

import (
	"errors"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Problem is one reason the tree did not load, tied to the file it is in
// (empty File for the tree as a whole).
type Problem struct {
	File string
	Err  error
}

// LoadError lists every problem found while loading a tree.
type LoadError struct {
	Dir      string
	Problems []Problem
}

// Error renders one line per problem, naming the file first.
func (e *LoadError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "schema dir %s: %d problem(s)", e.Dir, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		if p.File != "" {
			b.WriteString(p.File)
			b.WriteString(": ")
		}
		b.WriteString(cleanMessage(e.Dir, p.Err.Error()))
	}
	return b.String()
}

// cleanErr unwraps the compiler's SchemaError so a problem reads as what is
// wrong rather than as which URL failed to compile; the file is named
// beside it already.
func cleanErr(err error) error {
	var se *jsonschema.SchemaError
	if errors.As(err, &se) && se.Err != nil {
		return se.Err
	}
	return err
}

// cleanMessage turns machine paths into paths relative to the tree and
// drops the library's "jsonschema: " prefixes.
func cleanMessage(root, msg string) string {
	msg = strings.ReplaceAll(msg, "file://"+root+"/", "")
	msg = strings.ReplaceAll(msg, "jsonschema: ", "")
	return msg
}

// Pointer is where in its file the problem is, as a JSON Pointer, when the
// compiler says: a schema that breaks its meta-schema names the place
// ("/properties/age/minimum"); "" is the document as a whole.
func (p Problem) Pointer() string {
	var ve *jsonschema.ValidationError
	if !errors.As(p.Err, &ve) {
		return ""
	}
	for len(ve.Causes) > 0 {
		ve = ve.Causes[0]
	}
	return ve.InstanceLocation
}
