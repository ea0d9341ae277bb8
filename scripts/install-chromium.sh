#!/bin/sh
# Installs Debian's chromium for the headless HTML report test
# (internal/report). Safe to run again: it does nothing when chromium is
# already there, and refreshes the package lists only when apt cannot find
# the package without it (a fresh container has none).
set -eu

if [ -x /usr/bin/chromium ]; then
	echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
	exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

if ! apt-cache show chromium >/dev/null 2>&1; then
	$SUDO apt-get update
fi
$SUDO apt-get install -y chromium
/usr/bin/chromium --version
