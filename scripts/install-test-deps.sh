#!/bin/sh
# Installs what the tests drive for real: the Debian packages chromium (the
# HTML report is opened in headless Chromium) and python3-websockets (the
# tutorial's own Python clients are run against the tutorial configs), and
# systemd (systemd-analyze verify checks deploy/systemd/schemagate.service),
# and # the npm package standardwebhooks (the spec's reference library judges the
# webhook signatures, internal/whtest) and the API document checkers
# (@redocly/cli, @asyncapi/parser: internal/apidoc) with node and npm to
# run them; npm packages go into a cache folder outside the repo, as
# ../shared/peers do; and the gRPC clients (grpcurl, @grpc/grpc-js), through
# scripts/install-grpc-clients.sh.
# Idempotent; refreshes the package lists only when apt cannot find a
# package without it (a fresh machine has none).
set -eu

apt_install() {
	need=""
	[ -x /usr/bin/chromium ] || need="$need chromium"
	/usr/bin/python3 -c 'import websockets' 2>/dev/null || need="$need python3-websockets"
	command -v node >/dev/null 2>&1 || need="$need nodejs"
	command -v npm >/dev/null 2>&1 || need="$need npm"
	command -v systemd-analyze >/dev/null 2>&1 || need="$need systemd"
	[ -n "$need" ] || return 0

	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	export DEBIAN_FRONTEND=noninteractive
	for p in $need; do
		if ! apt-cache show "$p" >/dev/null 2>&1; then
			$SUDO apt-get update -q
			break
		fi
	done
	# shellcheck disable=SC2086 # word splitting of the package list is meant
	$SUDO apt-get install -y -q $need
}

# npm_install NAME DIR FILES...: installs DIR/package.json (with FILES
# beside it) into NAME under the folder internal/whtest.Home names, unless
# the same package.json is installed there already.
npm_install() {
	name=$1 src=$2
	shift 2
	home=${SCHEMAGATE_NPM_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/schemagate-npm}/$name
	mkdir -p "$home"
	for f in "$@"; do cp "$src/$f" "$home/"; done
	if [ -d "$home/node_modules" ] && cmp -s "$src/package.json" "$home/package.json"; then
		return 0
	fi
	cp "$src/package.json" "$home/"
	(cd "$home" && npm install --no-audit --no-fund --silent)
}

here=$(cd "$(dirname "$0")/.." && pwd)
apt_install
npm_install standardwebhooks "$here/internal/whtest"
# @redocly/cli lints the OpenAPI document, @asyncapi/parser (with Ajv for
# the 2020-12 payloads) parses the AsyncAPI one: internal/apidoc's tests.
npm_install apidoc "$here/internal/apidoc/testdata/npm" check-asyncapi.js
"$(dirname "$0")/install-grpc-clients.sh"
