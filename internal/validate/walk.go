package validate

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// walkTree is filepath.WalkDir with two differences that let a Kubernetes
// ConfigMap volume serve as a schema tree. Such a volume is links into a
// hidden folder that each update swaps (person -> ..data/person, ..data ->
// ..2026_11_26_10_00_00.123), so folders whose names start with "." are
// skipped (the same files again under another name, never a type), and a
// link to a folder inside the root is followed, its entries named by the
// link's path. Each real folder is walked once, so links cannot loop.
func walkTree(root string, fn fs.WalkDirFunc) error {
	seen := map[string]bool{}
	var walk func(dir string) error
	walk = func(dir string) error {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			if seen[real] {
				return nil
			}
			seen[real] = true
		}
		return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return fn(p, d, err)
			case p == dir:
				return nil
			case strings.HasPrefix(d.Name(), "."):
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			case d.Type()&fs.ModeSymlink != 0 && isDir(p):
				real, err := filepath.EvalSymlinks(p)
				if err != nil {
					return fn(p, d, err)
				}
				if !within(root, real) {
					return fn(p, d, fmt.Errorf("links outside the schema dir (to %s)", real))
				}
				// The trailing separator makes WalkDir start from the
				// folder the link names rather than the link itself.
				return walk(p + string(filepath.Separator))
			}
			return fn(p, d, nil)
		})
	}
	return walk(root)
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
