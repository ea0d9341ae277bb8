#!/usr/bin/env bash
# What an open console costs the gateway (issue 18's bar: with the console
# open and the live tail running, at least 0.95x the replies/s it reaches
# with the console closed, same run). One server, `schemagate bench` on the
# person workload, rounds alternating A (no console client) and B (a
# console client streaming /ui/api/stream?tail=1, read by curl as a browser
# tab would read it: the server does the same work, and no browser takes
# the CPU the gateway and the load generator share). Prints each round,
# the medians, their ratio and the load average beside them; and, since
# replies/s swings with whatever else the machine runs, the server's own
# CPU time per reply (from /proc), which other processes move far less.
#
#   scripts/bench-console.sh            # 3 rounds of A and B, 5 s each
#   scripts/bench-console.sh 5 10       # 5 rounds, 10 s each
#   WORKLOAD=../shared/bench/workloads/mixed-10pct-invalid.ndjson scripts/bench-console.sh
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
rounds=${1:-3}
secs=${2:-5}
workload=${WORKLOAD:-$shared/bench/workloads/person-valid.ndjson}
if [ ! -f "$workload" ]; then
	echo "bench-console.sh: $workload not found (it comes with ../shared/bench); nothing measured" >&2
	exit 0
fi

bin=$(mktemp -d)
server=""
tailer=""
cleanup() {
	[ -n "$tailer" ] && kill "$tailer" 2>/dev/null || true
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
	rm -rf "$bin"
}
trap cleanup EXIT
go build -o "$bin/schemagate" ./cmd/schemagate
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
"$bin/schemagate" serve --config configs/bench.yaml --listen "127.0.0.1:$port" --grpc-listen 127.0.0.1:0 2>"$bin/server.log" &
server=$!
for _ in $(seq 100); do
	curl -fs "$base/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done

cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
# bench prints "replies/s cpu-µs-per-reply" for one measured run.
bench() {
	local before after
	before=$(cpu)
	"$bin/schemagate" bench --url "ws://127.0.0.1:$port/ws" --workload "$workload" --duration "${secs}s" --warmup 1s --json >"$bin/run.json"
	after=$(cpu)
	python3 - "$bin/run.json" "$before" "$after" "$(getconf CLK_TCK)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ticks = float(sys.argv[3]) - float(sys.argv[2])
# the warmup's replies are not in acked but its CPU is in ticks: count them at the measured rate
replies = r["acked"] + r["rejected"] + r["rate"] * 1.0
print("%.0f %.3f" % (r["rate"], ticks / float(sys.argv[4]) * 1e6 / max(replies, 1)))
PY
}

# withTail runs one bench with a console client on the live tail.
withTail() {
	curl -sN "$base/ui/api/stream?tail=1" >"$bin/tail.out" &
	tailer=$!
	sleep 1
	bench
	kill "$tailer" 2>/dev/null || true
	wait "$tailer" 2>/dev/null || true
	tailer=""
	if ! grep -q '^event: tail' "$bin/tail.out"; then
		echo "bench-console.sh: the console client saw no tail events; B did not measure a running tail" >&2
		exit 1
	fi
}

# Rounds alternate ABBA so that a drift of the machine over the run
# weighs on both sides alike.
a=()
b=()
for r in $(seq "$rounds"); do
	if [ $((r % 2)) = 1 ]; then
		a+=("$(bench)")
		b+=("$(withTail)")
	else
		b+=("$(withTail)")
		a+=("$(bench)")
	fi
	echo "round $r: A (console closed) ${a[-1]% *} replies/s, ${a[-1]#* } CPU µs/reply; B (console open, tail running) ${b[-1]% *} replies/s, ${b[-1]#* } CPU µs/reply"
done

python3 - "$(printf '%s\n' "${a[@]}")" "$(printf '%s\n' "${b[@]}")" "$(cut -d' ' -f1-3 /proc/loadavg)" "$workload" <<'PY'
import statistics, sys
a = [[float(x) for x in l.split()] for l in sys.argv[1].splitlines()]
b = [[float(x) for x in l.split()] for l in sys.argv[2].splitlines()]
ra, rb = statistics.median(x[0] for x in a), statistics.median(x[0] for x in b)
ca, cb = statistics.median(x[1] for x in a), statistics.median(x[1] for x in b)
print(f"workload {sys.argv[4]}")
print(f"replies/s: median A {ra:.0f}, median B {rb:.0f}, B/A = {rb / ra:.3f} (bar: >= 0.95)")
print(f"server CPU per reply: median A {ca:.2f} µs, median B {cb:.2f} µs, A/B = {ca / cb:.3f} (the throughput B keeps if CPU-bound)")
print(f"load average {sys.argv[3]}")
PY
