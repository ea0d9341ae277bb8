#!/usr/bin/env bash
# Runs buf at a pinned version with the pinned local plugins, installed
# outside the repo ($SCHEMAGATE_TOOLS, default ~/.cache/schemagate-tools).
#
#   scripts/buf.sh            # regenerate internal/gen from proto/
#   scripts/buf.sh check      # what scripts/test.sh runs: lint, generated
#                             # code up to date, no breaking change vs main
#   scripts/buf.sh lint ...   # any other arguments go to buf itself
set -euo pipefail
cd "$(dirname "$0")/.."
tools=${SCHEMAGATE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/schemagate-tools}
mkdir -p "$tools/bin"
install() { # name package version
	[ -x "$tools/bin/$1.$3" ] && return
	GOBIN="$tools/bin" go install "$2@$3"
	mv "$tools/bin/$1" "$tools/bin/$1.$3"
}
install protoc-gen-go google.golang.org/protobuf/cmd/protoc-gen-go v1.36.12
install protoc-gen-go-grpc google.golang.org/grpc/cmd/protoc-gen-go-grpc v1.6.0
# buf finds plugins by name on PATH: link the pinned versions there.
ln -sf "$tools/bin/protoc-gen-go.v1.36.12" "$tools/bin/protoc-gen-go"
ln -sf "$tools/bin/protoc-gen-go-grpc.v1.6.0" "$tools/bin/protoc-gen-go-grpc"
export PATH="$tools/bin:$PATH"
buf() { go run github.com/bufbuild/buf/cmd/buf@v1.75.0 "$@"; }

# check_breaking compares proto/ and its vendored imports with main's,
# taken out of git into a folder (a worktree's .git is a file, which buf's
# git input cannot read).
# Before main has a proto there is nothing to break.
check_breaking() {
	local base=${BUF_AGAINST:-main}
	if ! git rev-parse -q --verify "$base^{commit}" >/dev/null 2>&1; then
		echo "buf breaking: skipped: no $base branch in this checkout to compare with"
		return
	fi
	if ! git cat-file -e "$base:buf.yaml" 2>/dev/null || ! git cat-file -e "$base:proto/schemagate" 2>/dev/null; then
		echo "buf breaking: skipped: $base has no proto/schemagate yet (this is its first version)"
		return
	fi
	local old
	old=$(mktemp -d)
	trap 'rm -rf "$old"' RETURN
	# The vendored imports: under third_party/ since they moved out of proto/.
	local vendored=()
	if git cat-file -e "$base:third_party/googleapis" 2>/dev/null; then
		vendored=(third_party/googleapis)
	fi
	git archive "$base" buf.yaml proto "${vendored[@]}" | tar -x -C "$old"
	# A base from before the move kept them in proto/google, one module
	# where now there are two: lay it out as now, or buf compares a
	# different number of images.
	if [ -d "$old/proto/google" ]; then
		mkdir -p "$old/third_party/googleapis"
		mv "$old/proto/google" "$old/third_party/googleapis/google"
		cp buf.yaml "$old/buf.yaml"
	fi
	buf breaking --against "$old"
	echo "buf breaking: no breaking change against $base"
}

case "${1:-}" in
"")
	rm -rf internal/gen
	buf generate
	;;
check)
	buf lint
	echo "buf lint: ok"
	fresh=$(mktemp -d)
	trap 'rm -rf "$fresh"' EXIT
	buf generate --output "$fresh"
	if ! diff -r "$fresh/internal/gen" internal/gen; then
		echo "internal/gen is stale: run scripts/buf.sh and commit the result" >&2
		exit 1
	fi
	echo "generated code: up to date"
	check_breaking
	;;
*)
	buf "$@"
	;;
esac
