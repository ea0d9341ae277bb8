package compat

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// GitTree writes the schema tree dir as it was at ref, in the git
// repository that holds dir, into a new folder under tmp, and returns
// that folder. It reads git's objects (ls-tree, cat-file) and never
// touches the work tree or the index.
func GitTree(ctx context.Context, dir, ref, tmp string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	top, err := git(ctx, abs, nil, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", fmt.Errorf("--against %s: %s is not in a git repository: %w", ref, dir, err)
	}
	rel, err := filepath.Rel(strings.TrimSpace(string(top)), abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("--against %s: %s lies outside its repository", ref, dir)
	}
	rel = filepath.ToSlash(rel)
	if _, err := git(ctx, abs, nil, "rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
		return "", fmt.Errorf("--against %s: not a directory, and not a commit of the repository at %s", ref, dir)
	}
	list, err := git(ctx, abs, nil, "ls-tree", "-r", "-z", "--full-tree", ref, "--", rel)
	if err != nil {
		return "", fmt.Errorf("--against %s: %w", ref, err)
	}
	out, err := os.MkdirTemp(tmp, "schemagate-against-")
	if err != nil {
		return "", err
	}
	if err := writeBlobs(ctx, abs, out, rel, list); err != nil {
		return "", fmt.Errorf("--against %s: %w", ref, err)
	}
	return out, nil
}

// blob is one file of the listed tree.
type blob struct{ sha, path string }

// writeBlobs reads every .json blob of the listing with one
// `git cat-file --batch` and writes it under out, at its path within rel.
func writeBlobs(ctx context.Context, repo, out, rel string, list []byte) error {
	var blobs []blob
	var req bytes.Buffer
	for _, entry := range bytes.Split(list, []byte{0}) {
		meta, p, ok := strings.Cut(string(entry), "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 || f[1] != "blob" || f[0] == "120000" || !strings.HasSuffix(p, ".json") {
			continue
		}
		sub := strings.TrimPrefix(p, rel+"/")
		if rel == "." {
			sub = p
		}
		blobs = append(blobs, blob{sha: f[2], path: sub})
		req.WriteString(f[2] + "\n")
	}
	data, err := git(ctx, repo, &req, "cat-file", "--batch")
	if err != nil {
		return err
	}
	r := bufio.NewReader(bytes.NewReader(data))
	for _, b := range blobs {
		content, err := readBatch(r)
		if err != nil {
			return fmt.Errorf("reading %s: %w", b.path, err)
		}
		dst := filepath.Join(out, filepath.FromSlash(path.Clean(b.path)))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// readBatch reads one "<sha> blob <size>\n<content>\n" record.
func readBatch(r *bufio.Reader) ([]byte, error) {
	head, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	f := strings.Fields(head)
	if len(f) != 3 {
		return nil, fmt.Errorf("unexpected git output %q", head)
	}
	n, err := strconv.Atoi(f[2])
	if err != nil {
		return nil, err
	}
	content := make([]byte, n+1)
	if _, err := io.ReadFull(r, content); err != nil {
		return nil, err
	}
	return content[:n], nil
}

func git(ctx context.Context, dir string, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	cmd.Stdin = stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %s", args[0], msg)
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return out, nil
}
