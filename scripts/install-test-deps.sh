#!/bin/sh
# Installs what the tests drive for real: the Debian packages chromium (the
# HTML report is opened in headless Chromium) and python3-websockets (the
# tutorial's own Python clients are run against the tutorial configs), and
# the npm package standardwebhooks (the spec's reference library judges the
# webhook signatures, internal/whtest) with node and npm to run it; the npm
# package goes into a cache folder outside the repo, as ../shared/peers do;
# and the gRPC clients (grpcurl, @grpc/grpc-js), through
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

# The same folder internal/whtest looks in.
npm_install() {
	home=${SCHEMAGATE_NPM_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/schemagate-npm}/standardwebhooks
	[ -f "$home/node_modules/standardwebhooks/package.json" ] && return 0
	mkdir -p "$home"
	cp "$(dirname "$0")/../internal/whtest/package.json" "$home/"
	(cd "$home" && npm install --no-audit --no-fund --silent)
}

apt_install
npm_install
"$(dirname "$0")/install-grpc-clients.sh"
