#!/usr/bin/env bash
# Runs buf at a pinned version with the pinned local plugins, installed
# outside the repo ($SCHEMAGATE_TOOLS, default ~/.cache/schemagate-tools).
#
#   scripts/buf.sh            # regenerate internal/gen from proto/
#   scripts/buf.sh lint       # any other arguments go to buf itself
set -euo pipefail
cd "$(dirname "$0")/.."
tools=${SCHEMAGATE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/schemagate-tools}
mkdir -p "$tools/bin"
install() { # binary module@version
	[ -x "$tools/bin/$1.$3" ] && return
	GOBIN="$tools/bin" go install "$2@$3"
	mv "$tools/bin/$1" "$tools/bin/$1.$3"
}
install protoc-gen-go google.golang.org/protobuf/cmd/protoc-gen-go v1.36.12
install protoc-gen-go-grpc google.golang.org/grpc/cmd/protoc-gen-go-grpc v1.6.0
# buf looks plugins up by name on PATH: link the pinned versions there.
ln -sf "$tools/bin/protoc-gen-go.v1.36.12" "$tools/bin/protoc-gen-go"
ln -sf "$tools/bin/protoc-gen-go-grpc.v1.6.0" "$tools/bin/protoc-gen-go-grpc"
export PATH="$tools/bin:$PATH"
buf() { go run github.com/bufbuild/buf/cmd/buf@v1.75.0 "$@"; }
if [ $# -gt 0 ]; then
	buf "$@"
	exit
fi
rm -rf internal/gen
buf generate
