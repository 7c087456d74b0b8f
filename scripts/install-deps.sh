#!/bin/sh
# Installs the Debian packages papercut builds and runs with (and, with
# `test`, what its tests need too): only the missing ones, with one
# `apt-get update` first. Safe to run again.
#
#   scripts/install-deps.sh          build and run (make, make demo)
#   scripts/install-deps.sh test     also the tests (make test)
#   scripts/install-deps.sh bench    also the benchmark (make bench)
set -eu

PACKAGES="gcc make pkg-config libc6-dev
libsqlite3-dev libpcre2-dev libhyperscan-dev libxlsxwriter-dev libinih-dev
libxxhash-dev libcsv-dev libcmark-dev libxml2-dev libzip-dev libjansson-dev libyajl-dev
gnuplot-nox"
if [ "${1:-}" = test ]; then
	PACKAGES="$PACKAGES libcmocka-dev sqlite3 python3 python3-openpyxl
python3-websocket chromium libxml2-utils"
elif [ "${1:-}" = bench ]; then
	PACKAGES="$PACKAGES sqlite3 python3 ripgrep time"
fi

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "install-deps: need root (or sudo) to install:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q $missing
