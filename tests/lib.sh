# Sourced by every end-to-end test (as git's t/test-lib.sh): strict shell,
# C locale, a fresh temp dir, and helpers. $PAPERCUT is the binary.
set -eu
export LC_ALL=C
unset PAPERCUT_DB PAPERCUT_CODEBOOK

: "${PAPERCUT:?run through tests/run-e2e.sh}"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
FIXTURES=$TOP/tests/fixtures
PYTHON=/usr/bin/python3          # Debian's, where python3-openpyxl lives
TMP=$(mktemp -d "${TMPDIR:-/tmp}/papercut-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
# the compiled prefilter is cached per user (core/codebook.c): per test here
export XDG_CACHE_HOME="$TMP/cache"

test_count=0
test_name=$(basename "$0" .sh)

fail() {
	echo "FAIL $test_name: $*" >&2
	exit 1
}

ok() {
	test_count=$((test_count + 1))
}

# test_cmp EXPECTED ACTUAL: files equal, else show the difference
test_cmp() {
	diff -u "$1" "$2" >&2 || fail "output differs from expected (above)"
	ok
}

# expect_fail CODE MESSAGE CMD...: CMD exits CODE and prints exactly
# MESSAGE (one line) on stderr
expect_fail() {
	want_code=$1 want_msg=$2
	shift 2
	set +e
	"$@" >"$TMP/out" 2>"$TMP/err"
	code=$?
	set -e
	[ "$code" = "$want_code" ] || fail "'$*' exited $code, want $want_code; stderr: $(cat "$TMP/err")"
	printf '%s\n' "$want_msg" >"$TMP/want_err"
	test_cmp "$TMP/want_err" "$TMP/err"
}

# sql DB QUERY: one query through the sqlite3 shell, | separated
sql() {
	sqlite3 -batch -noheader "$1" "$2"
}

# dump DB: the whole content, to compare a database before and after
dump() {
	sqlite3 -batch "$1" .dump
}

# check NAME GOT WANT
check() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
	ok
}

done_testing() {
	echo "ok $test_name ($test_count checks)"
}
