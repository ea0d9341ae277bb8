#!/usr/bin/env bash
# Compares schemagate with the reference peers in ../shared/peers, side by
# side on this machine, and writes the results into BENCHMARKS.md (between
# its benchcompare markers, so the analysis around them stays).
#
#   scripts/compare.sh                 # every scenario, 1 round
#   scripts/compare.sh -rounds 3       # extra flags go to cmd/benchcompare
#   OUT= scripts/compare.sh            # print instead of writing BENCHMARKS.md
#
# Peers install through their own install.sh; one that fails to install is
# skipped and the report says so. Loopback only; every run is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
out=${OUT-BENCHMARKS.md}

# 10,000 idle connections need as many descriptors in the server and in the
# load generator; children inherit the limit.
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10100 ]; then
	echo "compare.sh: ulimit -n is $(ulimit -n); the 10,000-connection scenario may fail" >&2
fi

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/schemagate" ./cmd/schemagate
go build -o "$bin/benchcompare" ./cmd/benchcompare

"$bin/benchcompare" -schemagate "$bin/schemagate" -repo . -shared "$shared" -out "$out" "$@"
if [ -n "$out" ]; then echo "compare.sh: results written to $out" >&2; fi
