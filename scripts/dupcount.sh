#!/usr/bin/env bash
# dupcount.sh: how many repeated blocks the tree has, as the `duplicates`
# tool (../.library) means to count them. Its README says import lines are
# passed over, but it reads the lines of a Go `import ( ... )` block as
# code, so two files that import the same six packages make a pair. This
# script prints the tool's own count, then the count on a scratch copy of
# the tracked tree in which each grouped import is written one per line
# (the form the tool passes over) and generated files ("Code generated ...
# DO NOT EDIT.") are left out, with the rows of that second count. The
# repository itself is never changed.
#
# Usage: scripts/dupcount.sh [--most N]
set -euo pipefail
command -v duplicates >/dev/null || { echo "dupcount: the duplicates tool is not on PATH" >&2; exit 1; }
repo=$(git rev-parse --show-toplevel)
most=200
[ "${1:-}" = "--most" ] && most=$2
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT

echo "as the tool reads the tree:"
(cd "$repo" && duplicates --most 1 --seconds 120 | head -1)

(cd "$repo" && git ls-files -z --cached --others --exclude-standard) | (cd "$repo" && xargs -0 cp --parents -t "$copy" 2>/dev/null || true)
find "$copy" -name '*.go' -print0 | while IFS= read -r -d '' f; do
  if grep -q '^// Code generated .* DO NOT EDIT\.$' "$f"; then rm "$f"; continue; fi
  awk '/^import \($/ {inb = 1; next}
       inb && /^\)$/ {inb = 0; next}
       inb {if ($0 ~ /^[ \t]*$/) next; sub(/^[ \t]+/, ""); print "import " $0; next}
       {print}' "$f" > "$f.tmp" && mv "$f.tmp" "$f"
done
git -C "$copy" init -q && git -C "$copy" add -A
echo "with import lines passed over and generated files left out:"
out=$(duplicates --repo "$copy" --most "$most" --seconds 120)
echo "$out"
echo "outside tests (no side a _test.go or testdata file): $(echo "$out" | grep -E '^D[0-9]+ ' | grep -vcE '_test\.go|/testdata/' || true) pairs"
