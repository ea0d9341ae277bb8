package validate

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/testkit"
)

// kubeletVolume lays files out as the kubelet mounts a ConfigMap with
// items: the files in a timestamped hidden folder, ..data linking to it,
// and each top-level entry linking through ..data. update swaps ..data to
// a new folder as the kubelet does on a change.
func kubeletVolume(t *testing.T, files map[string]string) (dir string, update func(map[string]string)) {
	t.Helper()
	dir = t.TempDir()
	gen := 0
	update = func(files map[string]string) {
		gen++
		stamp := filepath.Join(dir, "..2026_11_26_10_00_0"+string(rune('0'+gen)))
		tops := map[string]bool{}
		testkit.WriteTree(t, stamp, files)
		for p := range files {
			tops[strings.Split(p, "/")[0]] = true
		}
		tmp := filepath.Join(dir, "..data_tmp")
		if err := os.Symlink(filepath.Base(stamp), tmp); err != nil {
			t.Skip("symlinks unsupported:", err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, "..data")); err != nil {
			t.Fatal(err)
		}
		for top := range tops {
			link := filepath.Join(dir, top)
			if _, err := os.Lstat(link); err == nil {
				continue
			}
			if err := os.Symlink(filepath.Join("..data", top), link); err != nil {
				t.Fatal(err)
			}
		}
	}
	update(files)
	return dir, update
}

func loadedKeys(t *testing.T, dir string) []string {
	t.Helper()
	reg, err := Load(Options{Dir: dir})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	var keys []string
	for _, s := range reg.Schemas() {
		keys = append(keys, s.Key.String())
	}
	sort.Strings(keys)
	return keys
}

// A ConfigMap volume loads as the tree it carries, and again after the
// kubelet swaps in an update; the hidden folders are not read as types.
func TestLoadKubernetesConfigMapVolume(t *testing.T) {
	tree := map[string]string{
		"_defs/common.json": `{"$defs": {"name": {"type": "string"}}}`,
		"person/v1.json":    `{"type": "object", "properties": {"name": {"$ref": "../_defs/common.json#/$defs/name"}}}`,
	}
	dir, update := kubeletVolume(t, tree)
	if got := strings.Join(loadedKeys(t, dir), " "); got != "person v1" {
		t.Fatalf("loaded %q, want person v1", got)
	}
	tree["person/v2.json"] = `{"type": "object"}`
	update(tree)
	if got := strings.Join(loadedKeys(t, dir), " "); got != "person v1 person v2" {
		t.Fatalf("after the update, loaded %q, want person v1 and v2", got)
	}
}

// A link to a folder outside the tree is refused, and a link to an
// ancestor does not loop.
func TestLoadFolderLinks(t *testing.T) {
	outside := writeTree(t, map[string]string{"x/v1.json": `{}`})
	dir := writeTree(t, map[string]string{"a/v1.json": `{"type":"object"}`})
	if err := os.Symlink(filepath.Join(outside, "x"), filepath.Join(dir, "x")); err != nil {
		t.Skip("symlinks unsupported:", err)
	}
	if _, err := Load(Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "x: links outside the schema dir") {
		t.Fatalf("err = %v", err)
	}
	if err := os.Remove(filepath.Join(dir, "x")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("..", filepath.Join(dir, "a", "up")); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(loadedKeys(t, dir), " "); got != "a v1" {
		t.Fatalf("loaded %q, want a v1", got)
	}
}
