#!/usr/bin/env bash
# The test command (README, .ci/run): linters, then every test under the
# race detector, then a short run of each fuzz target. Installs what the
# tests need (Chromium, python3-websockets) on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-deps.sh ||
  echo "test.sh: test packages could not be installed; the tests that need them will skip and say why" >&2

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change: $unformatted" >&2; exit 1; fi
echo "== go vet"
go vet ./...
echo "== staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
echo "== buf (lint, generated code up to date, no breaking change against main)"
scripts/buf.sh check
echo "== generated Go types are current"
go run ./cmd/schemagate gen go --schemas schemas --out internal/events/types_gen.go --package events --check
go run ./cmd/schemagate gen go --schemas examples/orders/schemas --out examples/orders/events/types_gen.go --package events --check

echo "== API documents (api/): @redocly/cli lint, @asyncapi/parser"
# The committed documents (TestCommittedDocsAreFresh keeps them current),
# judged by the third-party tools install-test-deps.sh put outside the repo.
apidoc=${SCHEMAGATE_NPM_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/schemagate-npm}/apidoc
if [ -x "$apidoc/node_modules/.bin/redocly" ] && command -v node >/dev/null; then
  REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
    "$apidoc/node_modules/.bin/redocly" lint --config internal/apidoc/testdata/redocly.yaml api/openapi.json
  node "$apidoc/check-asyncapi.js" api/asyncapi.json
else
  echo "test.sh: @redocly/cli and @asyncapi/parser are not installed under $apidoc (scripts/install-test-deps.sh); API documents not linted" >&2
fi

echo "== go test -race"
go test -race -count=1 -timeout 20m ./...

echo "== stack sizes, without the race detector (it makes every frame bigger)"
go test -count=1 -run 'StackStaysSmall' ./internal/ws/

echo "== fuzz (short, fixed budget each)"
# A count, not a duration: Go 1.26's fuzz coordinator can report a bogus
# "context deadline exceeded" when a duration runs out mid-exec on a busy
# machine (go.dev/issue/75804, fixed in Go 1.27); a count never races a clock.
fuzztime=${FUZZTIME:-20000x}
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "-- $pkg $target"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
  done
done
echo "test.sh: all checks passed"
