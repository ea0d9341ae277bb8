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
ulimit -n "$(ulimit -Hn)"

tmp=$(mktemp -d)
srv=
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$tmp"' EXIT
# Profiled without a profile, so the new one does not inherit the old one's
# inlining.
go build -pgo=off -o "$tmp/schemagate" ./cmd/schemagate

ws=127.0.0.1:18431
grpc=127.0.0.1:18432
"$tmp/schemagate" serve --config configs/bench.yaml --schemas "$shared/bench/schemas" \
	--listen "$ws" --grpc-listen "$grpc" --cpu-profile "$tmp/cpu.pprof" &
srv=$!
for _ in $(seq 100); do
	"$tmp/schemagate" probe "http://$ws/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done

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
