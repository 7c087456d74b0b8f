#!/bin/sh
# Readers never fail because a writer is busy: searches and analyses run
# again and again during a bulk load, a tag and a forget all exit 0 and
# see the database as it was before or as it is after (issue #28,
# finding 2: 8 of 12 failed after 5 s during a bulk load).
. "$(dirname "$0")/../lib.sh"

$TOP/scripts/gen-corpus corpus 4 7 >/dev/null 2>&1
$PAPERCUT --db t.db ingest --batch sample "$TOP/data/sample" >/dev/null

# first-hand passages, as a reader counts them
passages() {
	$PAPERCUT --db t.db search --count --format csv 2>>"$TMP/waits" |
		awk -F, '$1 == "character" { n += $3 } END { print n + 0 }'
}

# runs readers until the writer (pid $1) ends; each count must be
# $2 (before) or $3 (after, read once the writer is done)
readers_during() {
	: >counts
	while kill -0 "$1" 2>/dev/null; do
		passages >>counts || echo "search failed" >>counts
		$PAPERCUT --db t.db analyze --csv >/dev/null 2>>"$TMP/waits" ||
			echo "analyze failed" >>counts
	done
	wait "$1" || fail "the writer failed"
}

before=$(passages)
$PAPERCUT --db t.db ingest --batch big corpus >/dev/null 2>&1 &
readers_during $!
after=$(passages)
[ "$after" -gt "$before" ] || fail "the load stored nothing"
check "readers during a bulk load" "$(sort -u counts | grep -v -x -e "$before" -e "$after" | tr '\n' ' ')" ""
ok

$PAPERCUT --db t.db tag >/dev/null 2>&1 &
readers_during $!
check "readers during a tag" "$(sort -u counts | grep -v -x -e "$after" | tr '\n' ' ')" ""

$PAPERCUT --db t.db forget big >/dev/null 2>&1 &
readers_during $!
check "readers during a forget" "$(sort -u counts | grep -v -x -e "$after" -e "$before" | tr '\n' ' ')" ""
check "after the forget" "$(passages)" "$before"
# a writer holding the database longer than any old timeout, as a bulk
# load does in rollback-journal mode: the reader waits, says so, succeeds
$PYTHON - <<'PY' &
import sqlite3, time
c = sqlite3.connect("t.db", isolation_level=None)
c.execute("PRAGMA journal_mode = TRUNCATE")
c.execute("BEGIN EXCLUSIVE")
open("locked", "w").close()
time.sleep(7)
c.execute("COMMIT")
c.execute("PRAGMA journal_mode = WAL")
PY
writer=$!
tries=0
while [ ! -f locked ]; do
	tries=$((tries + 1))
	[ $tries -lt 300 ] || fail "the writer never took its lock"
	sleep 0.1
done
check "reader waits for a writer" "$(passages)" "$before"
wait $writer
grep -q -x "papercut: waiting for 't.db': another papercut is writing it" "$TMP/waits" ||
	fail "the wait was not said: $(cat "$TMP/waits")"
ok
# a reader that waited said so, on one line each
check "waits said plainly" "$(sort -u "$TMP/waits" | grep -v -x "papercut: waiting for 't.db': another papercut is writing it" | tr '\n' ' ')" ""

done_testing
