#!/bin/sh
# Installs the Debian packages the tests drive for real: chromium (the
# HTML report is opened in headless Chromium) and python3-websockets (the
# tutorial's own Python clients are run against the tutorial configs).
# Idempotent; refreshes the package lists only when apt cannot find a
# package without it (a fresh machine has none).
set -eu

need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
/usr/bin/python3 -c 'import websockets' 2>/dev/null || need="$need python3-websockets"
[ -n "$need" ] || exit 0

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
