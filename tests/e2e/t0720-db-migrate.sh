#!/bin/sh
# A database of schema 1 is brought to schema 5 in place, its data kept;
# one from a newer papercut is refused untouched; a new one is made once
# when several processes open it at once.
. "$(dirname "$0")/../lib.sh"

sqlite3 old.db <"$FIXTURES/schema-v1.sql"
sqlite3 old.db "PRAGMA application_id = 1885433955; PRAGMA user_version = 1;
	INSERT INTO batch(name) VALUES ('old');
	INSERT INTO participant(name, character, decided_by) VALUES ('P1', 'alan', 'rules: alan 1');
	INSERT INTO source(batch_id, path, format, hash, bytes, participant_id, date)
		VALUES (1, 'p1.txt', 'account', 'abc', 10, 1, '2025-01-02');
	INSERT INTO passage(source_id, seq, participant_id, line, start_byte, end_byte,
		start_char, end_char, text) VALUES (1, 1, 1, 1, 0, 16, 0, 16, 'the task hangs!!');"
$PAPERCUT --db old.db search hangs --format csv >out
check "upgraded" "$(sql old.db 'PRAGMA user_version')" 5
check "data kept" "$(tr -d '\r' <out | sed -n 2p | cut -d, -f3,4,11)" "p1.txt,1,the task hangs!!"
check "new columns" "$(sql old.db "SELECT count(*) FROM pragma_table_info('passage') WHERE name IN
	('date', 'location', 'context', 'platform_id', 'url', 'parent_id', 'tagged')")" 7
check "new table" "$(sql old.db "SELECT count(*) FROM attr_coding")" 0
# 3: the passage lengths ranking reads (little-endian uint16 per id, 0xffff
# unknown), and the date index that covers search's filters
check "lengths" "$(sql old.db "SELECT hex(substr(lens, 1, 6)) FROM passage_len WHERE chunk = 0")" \
	FFFF0300FFFF
check "date index" "$(sql old.db "SELECT group_concat(name, ' ') FROM pragma_index_info('passage_date')")" \
	"date source_id seq interviewer participant_id"
# 4: their day keys: 2025-01-02 is 1 + (55 * 12 + 0) * 31 + 1 = 20462 = 0x4fee
check "day keys" "$(sql old.db "SELECT hex(substr(days, 1, 6)) FROM passage_day WHERE chunk = 0")" \
	FFFFEE4FFFFF
# 5: what the rules said kept beside what counts, and the coders' tables
check "auto character" "$(sql old.db "SELECT auto_character || '|' || auto_decided_by FROM participant")" \
	"alan|rules: alan 1"
check "decision tables" "$(sql old.db "SELECT count(*) FROM sqlite_schema WHERE name IN
	('decision', 'decision_orphan', 'character_decision', 'passage_decisions', 'source_decisions')")" 5
# and it takes new sources
printf 'Ann: hi\nBo: the request hangs\n' >new.txt
$PAPERCUT --db old.db ingest new.txt >/dev/null
check "ingest after" "$(sql old.db "SELECT count(*) FROM passage")" 3
check "page size kept" "$(sql old.db 'PRAGMA page_size')" 4096
check "lengths after" "$(sql old.db "SELECT hex(substr(lens, 3, 6)) FROM passage_len WHERE chunk = 0")" \
	030001000300
# undated: 0
check "day keys after" "$(sql old.db "SELECT hex(substr(days, 3, 6)) FROM passage_day WHERE chunk = 0")" \
	EE4F00000000

sqlite3 future.db "PRAGMA application_id = 1885433955; PRAGMA user_version = 99; CREATE TABLE x(y);"
cp future.db future.orig
expect_fail 1 "papercut: 'future.db': made by a newer papercut (schema 99, this one knows 5)" \
	$PAPERCUT --db future.db analyze
cmp future.db future.orig || fail "future.db changed"
ok
# A new database is made by exactly one process: readers and ingests
# opening the same new file at once all succeed (issue #28, finding 3:
# "table batch already exists", "database is locked").
printf 'Ann: hi\nBo: the request hangs\n' >n1.txt
printf 'Ann: hi\nCy: it hangs again\n' >n2.txt
for round in 1 2 3 4 5; do
	rm -f new.db new.db-wal new.db-shm
	$PAPERCUT --db new.db search x >/dev/null 2>e1 &
	$PAPERCUT --db new.db analyze >/dev/null 2>e2 &
	$PAPERCUT --db new.db ingest --batch a n1.txt >/dev/null 2>e3 &
	$PAPERCUT --db new.db ingest --batch b n2.txt >/dev/null 2>e4 &
	wait
	check "round $round, stderr" "$(cat e1 e2 e3 e4)" ""
	check "round $round, both loads" "$(sql new.db "SELECT count(*) FROM source")" 2
done
check "new database's journal" "$(sql new.db 'PRAGMA journal_mode')" wal

# A first load's full-text scratch file left by a killed run goes with
# the next command, unless a writer holds the lock (a batch at work).
echo leftover >new.db-fulltext
$PYTHON - <<'PY' || fail "scratch kept while a writer works"
import os, sqlite3, subprocess
c = sqlite3.connect("new.db", isolation_level=None)
c.execute("BEGIN IMMEDIATE")
r = subprocess.run([os.environ["PAPERCUT"], "--db", "new.db", "search", "hangs"], capture_output=True)
assert r.returncode == 0, r.stderr
assert os.path.exists("new.db-fulltext")
c.execute("ROLLBACK")
PY
ok
$PAPERCUT --db new.db search hangs >/dev/null
check "scratch gone" "$(ls new.db-fulltext 2>/dev/null)" ""

done_testing
