package testkit

import (
	"bufio"
	"os"
	"testing"
)

// RolloutSchemas writes a schema tree for candidate and shadow tests and
// returns its folder: person v1 wants name, age and city; person v2, the
// candidate, also requires email, so {"name":"Ana","age":30,"city":"Lima"}
// is valid in v1 and invalid in v2 ("required" at the root), and
// {"name":"Ana","email":"a@example.com"} the other way round.
// Backward compatibility does not hold between them: a server over it
// needs schemas.compat.mode none.
func RolloutSchemas(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"person/v1.json": `{"type":"object","required":["name","age","city"],"properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0},"city":{"type":"string"}}}`,
		"person/v2.json": `{"type":"object","required":["name","email"],"properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0},"email":{"type":"string"}}}`,
		"echo/v1.json":   `{}`,
	}
	WriteTree(t, dir, files)
	return dir
}

// FileLines reads a file's lines: what a file action or the dead letter
// wrote, once the write was acknowledged.
func FileLines(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20) // an event's line may pass bufio's 64 KiB
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}
