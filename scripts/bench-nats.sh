#!/usr/bin/env bash
# Acks per second with the nats action against the file action, measured in
# one run on one machine, rounds alternating which goes first so that drift
# in a shared machine's load falls on both alike. Prints one JSON line per
# measurement and a summary with the nats/file ratio.
#
#   scripts/bench-nats.sh                  # 3 rounds of 10s, 64 conns x 16 in flight
#   ROUNDS=5 DURATION=20s scripts/bench-nats.sh
#
# Everything listens on 127.0.0.1 and lives in a temporary folder removed at
# the end. The bench's ids repeat from run to run, so each nats measurement
# gets a stream of its own: a resend within the duplicate window would be
# acked without being stored, and flatter the figure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
INFLIGHT=${INFLIGHT:-16}
WORKLOAD=${WORKLOAD:-../shared/bench/workloads/order-valid.ndjson}
NATS_PORT=${NATS_PORT:-4299}
GW_PORT=${GW_PORT:-8099}

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/schemagate" ./cmd/schemagate
go build -o "$tmp/nats-server" github.com/nats-io/nats-server/v2
"$tmp/nats-server" -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$tmp/js" >"$tmp/nats.log" 2>&1 &
pids+=($!)

# config KIND N: a bench gateway whose every accepted event goes to KIND.
config() {
	local kind=$1 n=$2
	cat <<YAML
schemas: {dir: ../shared/bench/schemas}
handlers: [echo/v1]
websocket: {send_queue: 1024}
log: {level: warn}
default_actions: [sink]
YAML
	case $kind in
	file) printf 'actions:\n  sink: {kind: file, path: %s/events-%s.ndjson, sync: interval, interval: 1s}\n' "$tmp" "$n" ;;
	nats) printf 'actions:\n  sink: {kind: nats}\nnats:\n  servers: [nats://127.0.0.1:%s]\n  stream: BENCH%s\n  subject_prefix: bench%s\n' "$NATS_PORT" "$n" "$n" ;;
	esac
}

# measure KIND N: start a gateway, wait until ready, bench it, stop it.
measure() {
	local kind=$1 n=$2
	config "$kind" "$n" >"$tmp/$kind-$n.yaml"
	"$tmp/schemagate" serve --config "$tmp/$kind-$n.yaml" --listen "127.0.0.1:$GW_PORT" --grpc-listen "" 2>>"$tmp/serve.log" &
	local gw=$!
	for _ in $(seq 100); do
		curl -fsS "http://127.0.0.1:$GW_PORT/readyz" >/dev/null 2>&1 && break
		sleep 0.1
	done
	"$tmp/schemagate" bench --url "ws://127.0.0.1:$GW_PORT/ws" --workload "$WORKLOAD" \
		-c "$CONNS" -n "$INFLIGHT" -d "$DURATION" --json |
		python3 -c 'import json,sys; r=json.load(sys.stdin); print(json.dumps({"sink": sys.argv[1], "rate": round(r["rate"]), "acked": r["acked"], "lost": r["lost"], "p50_us": r["p50_us"], "p99_us": r["p99_us"], "ok": r["ok"]}))' "$kind"
	kill "$gw"
	wait "$gw" || true
}

for r in $(seq "$ROUNDS"); do
	if ((r % 2)); then order="file nats"; else order="nats file"; fi
	for kind in $order; do measure "$kind" "$r"; done
done | tee "$tmp/results.ndjson"

python3 - "$tmp/results.ndjson" <<'PY'
import json, sys, statistics
rows = [json.loads(l) for l in open(sys.argv[1])]
med = {k: statistics.median(r["rate"] for r in rows if r["sink"] == k) for k in ("file", "nats")}
print(json.dumps({"median_rate": med, "nats_over_file": round(med["nats"] / med["file"], 3)}))
PY
