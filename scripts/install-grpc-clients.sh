#!/usr/bin/env bash
# Installs the third-party gRPC clients the tests drive, outside the repo
# in $SCHEMAGATE_TOOLS (default ~/.cache/schemagate-tools), as ../shared/peers
# install theirs: grpcurl v1.9.4 (bin/grpcurl.v1.9.4) and @grpc/grpc-js with
# @grpc/proto-loader at the versions of cmd/schemagate/testdata/grpc-node
# (grpc-node/node_modules). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=${SCHEMAGATE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/schemagate-tools}
mkdir -p "$tools/bin" "$tools/grpc-node"
if [ ! -x "$tools/bin/grpcurl.v1.9.4" ]; then
	GOBIN="$tools/bin" go install github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.4
	mv "$tools/bin/grpcurl" "$tools/bin/grpcurl.v1.9.4"
fi
if ! command -v npm >/dev/null; then
	echo "install-grpc-clients.sh: npm is missing; the Node gRPC client test will skip" >&2
	exit 0
fi
src=cmd/schemagate/testdata/grpc-node/package.json
if ! cmp -s "$src" "$tools/grpc-node/package.json" || [ ! -d "$tools/grpc-node/node_modules/@grpc/proto-loader" ]; then
	cp "$src" "$tools/grpc-node/package.json"
	(cd "$tools/grpc-node" && npm install --no-audit --no-fund --silent)
fi
