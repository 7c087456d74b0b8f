#!/bin/sh
# Runs every tests/e2e/t*.sh against the binary given, and closes with the
# plain 'N passed, N failed' line.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(cd "$(dirname "$0")" && pwd)
pass=0 failed=0
for t in "$dir"/e2e/t*.sh; do
	if PAPERCUT=$bin ASAN_OPTIONS=detect_leaks=1 sh "$t"; then
		pass=$((pass + 1))
	else
		failed=$((failed + 1))
		echo "FAILED: $(basename "$t")" >&2
	fi
done
echo "e2e: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
