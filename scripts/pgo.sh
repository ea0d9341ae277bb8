#!/usr/bin/env bash
# Makes cmd/schemagate/default.pgo, the CPU profile `go build` uses for
# profile-guided optimisation of the server (Go's -pgo=auto: a default.pgo
# in the main package's folder is used by every build of it).
#
#   SHARED=../shared scripts/pgo.sh
#
# The profile is of the real server (serve --cpu-profile) on the shared
# benchmark workloads, through its WebSocket and gRPC doors: valid, invalid
# and echoed frames, many connections and one. A build without the profile
# is the same program, only slower (go build -pgo=off). Teams whose traffic
# looks different can make their own profile the same way and rebuild.
# Commit the new profile with the figures it changed.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
if [ ! -d "$shared/bench/workloads" ]; then
	echo "pgo.sh: no workloads in $shared/bench (set SHARED)" >&2
	exit 1
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true # 64 connections: any limit will do

tmp=$(mktemp -d)
srv=
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$tmp"' EXIT
# Profiled without a profile, so the new one does not inherit the old one's
# inlining.
go build -pgo=off -o "$tmp/schemagate" ./cmd/schemagate

# Ports the kernel picks, read back from the server's log: a fixed port
# held by anyone else on the machine would have the loads measure them.
SCHEMAGATE_LOG_LEVEL=info "$tmp/schemagate" serve --config configs/bench.yaml \
	--schemas "$shared/bench/schemas" --listen 127.0.0.1:0 --grpc-listen 127.0.0.1:0 \
	--cpu-profile "$tmp/cpu.pprof" 2>"$tmp/serve.log" &
srv=$!
addr() { # the address the log line with msg $1 names
	sed -n 's/.*"msg":"'"$1"'","addr":"\([^"]*\)".*/\1/p' "$tmp/serve.log" | head -n 1
}
ws= grpc=
for _ in $(seq 100); do
	ws=$(addr listening) grpc=$(addr "grpc listening")
	[ -n "$ws" ] && [ -n "$grpc" ] && break
	kill -0 "$srv" 2>/dev/null || { cat "$tmp/serve.log" >&2; exit 1; }
	sleep 0.1
done
if [ -z "$ws" ] || [ -z "$grpc" ]; then
	echo "pgo.sh: the server did not say where it listens" >&2
	cat "$tmp/serve.log" >&2
	exit 1
fi

load() { # url workload conns in-flight seconds
	"$tmp/schemagate" bench --url "$1" --workload "$shared/bench/workloads/$2.ndjson" \
		--conns "$3" --in-flight "$4" --duration "$5s" --warmup 0 >/dev/null
}
load "ws://$ws/ws" person-valid 64 16 8
load "ws://$ws/ws" order-valid 64 16 8
load "ws://$ws/ws" mixed-10pct-invalid 64 16 8
load "ws://$ws/ws" echo-small 64 16 4
load "ws://$ws/ws" person-valid 1 1 4
load "grpc://$grpc" person-valid 64 16 4

kill -TERM "$srv"
wait "$srv"
srv=
cp "$tmp/cpu.pprof" cmd/schemagate/default.pgo
go tool pprof -top -nodecount 8 cmd/schemagate/default.pgo 2>/dev/null | sed -n '1,14p'
echo "pgo.sh: wrote cmd/schemagate/default.pgo" >&2
