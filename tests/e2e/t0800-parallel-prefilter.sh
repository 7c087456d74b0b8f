#!/bin/sh
# Speed never changes results: on a generated corpus, the prefiltered,
# parallel tagger gives exactly the codings of plain one-pattern-at-a-time
# PCRE2, for every code of the default codebook; ingesting on 1 and on 3
# threads gives the same database.
. "$(dirname "$0")/../lib.sh"

$PYTHON "$TOP/scripts/gen-corpus" corpus 2 7 >/dev/null
# and, last, a post stored before from another file, by an author who
# posted nothing else: the load keeps none of theirs, so prunes them; and
# an interview whose participant says nothing (two interviewers): kept,
# as its source names them; and one whose character is given, though an
# attribute is another's cue
first=$(ls corpus/*/*.jsonl | head -n 1)
id=$(sed -n '1s/^{"id": "\([0-9]*\)".*/\1/p' "$first")
mkdir corpus/zzzz
printf '{"id": "%s", "text": "again", "author": {"username": "ghost"}}\n' "$id" >corpus/zzzz/again.jsonl
printf -- '---\nparticipant: Quiet One\n---\nInterviewer: Anything to add?\nSam Lee: Nothing?\n' \
	>corpus/zzzz/quiet.txt
printf -- '---\nparticipant: Over Ride\ncharacter: grace\nprior_language: java\n---\nOver Ride: Fine.\n' \
	>corpus/zzzz/override.txt

codings() {
	sql "$1" "SELECT p.source_id, p.seq, c.code_id, c.rule, c.start_byte, c.end_byte
		FROM coding c JOIN passage p ON p.id = c.passage_id ORDER BY 1, 2, 3"
}

# what ranking reads of every passage (core/lengths.h), counted by the
# workers and written a chunk at a time, against FTS5's own count of its
# tokens and the day key of its date
lengths() {
	check "lengths and days of $1" "$($PYTHON - "$1" <<'PY'
import re, sqlite3, struct, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, passage_fts, 'instance')")
fts = dict(db.execute("SELECT doc, count(*) FROM temp.v GROUP BY doc"))
lens = dict(db.execute("SELECT chunk, lens FROM passage_len"))
days = dict(db.execute("SELECT chunk, days FROM passage_day"))
bad = []
rows = db.execute("SELECT id, date FROM passage").fetchall()
for pid, date in rows:
    c, i = divmod(pid, 1024)
    got = (struct.unpack_from("<H", lens[c], 2 * i)[0], struct.unpack_from("<H", days[c], 2 * i)[0])
    y, m, d = map(int, re.match(r"(\d{4})-(\d\d)-(\d\d)", date or "1969-12-31").groups())
    if got != (fts.get(pid, 0), 1 + ((y - 1970) * 12 + m - 1) * 31 + d - 1 if date else 0):
        bad.append((pid, got))
print(len(rows) > 2048 and not bad and "agree" or bad[:3] or len(rows))
PY
)" agree
}

# one.db's full-text index set to flush every 64 KB (FTS5's hashsize), so
# that its bulk load makes many segments to merge, in pages of 1000 bytes
$PAPERCUT --db one.db search x >/dev/null
sql one.db "INSERT INTO passage_fts(passage_fts, rank) VALUES ('hashsize', 65536);
	INSERT INTO passage_fts(passage_fts, rank) VALUES ('pgsz', 1000)"
$PAPERCUT --db one.db ingest --threads 1 --batch b --interviewer 'Sam Lee' corpus >/dev/null
$PAPERCUT --db three.db ingest --threads 3 --batch b --interviewer 'Sam Lee' corpus >three.out
# the same rows, ids and all, but for the clock's columns
for q in "SELECT * FROM passage ORDER BY id" "SELECT * FROM coding ORDER BY 1, 2" \
	"SELECT id, name, override, character, decided_by FROM participant ORDER BY id" \
	"SELECT * FROM participant_attr ORDER BY 1, 2" "SELECT * FROM attr_coding ORDER BY 1, 2, 3" \
	"SELECT id, batch_id, path, format, hash, bytes, participant_id, date, text FROM source ORDER BY id" \
	"SELECT rowid FROM passage_fts WHERE passage_fts MATCH 'hangs OR gdb' ORDER BY rowid"; do
	sql one.db "$q" >a
	sql three.db "$q" >b
	[ -s a ] || fail "nothing from: $q"
	test_cmp a b
done

# a first load prunes the participants it kept nothing of by the ids it
# noted (prune_unnamed): the ghost, and no one any row still names
check "pruned" "$(sql three.db "SELECT (SELECT count(*) FROM participant WHERE name = 'ghost'),
	(SELECT count(*) FROM participant pt JOIN source s ON s.participant_id = pt.id
	 WHERE pt.name = 'Quiet One' AND NOT EXISTS (SELECT 1 FROM passage WHERE participant_id = pt.id)),
	(SELECT count(*) FROM participant pt WHERE NOT EXISTS (SELECT 1 FROM passage
	 WHERE participant_id = pt.id) AND NOT EXISTS (SELECT 1 FROM source WHERE participant_id = pt.id)),
	(SELECT count(*) FROM passage p WHERE participant_id NOT IN (SELECT id FROM participant)),
	(SELECT count(*) FROM source s WHERE participant_id NOT IN (SELECT id FROM participant)),
	(SELECT count(*) FROM participant_attr WHERE participant_id NOT IN (SELECT id FROM participant)),
	(SELECT count(*) FROM attr_coding WHERE participant_id NOT IN (SELECT id FROM participant))")" \
	"0|1|0|0|0|0|0"
check "ghost's post" "$(grep again.jsonl three.out)" \
	"added      twarc      corpus/zzzz/again.jsonl (1 passage, 1 stored before)"

# a database with no passages but a source is no first load: an archive
# whose posts all came before in another, left after that one's batch is
# forgotten, keeps its account through the bulk load that follows
cp -r "$FIXTURES/formats/archive" a1
cp -r a1 a2
echo >>a2/data/tweets.js
$PAPERCUT --db left.db ingest --batch one a1 >/dev/null
$PAPERCUT --db left.db ingest --batch two a2 >/dev/null
$PAPERCUT --db left.db forget one >/dev/null
check "left" "$(sql left.db "SELECT count(*) FROM passage")|$(sql left.db "SELECT count(*) FROM source")" "0|1"
$PAPERCUT --db left.db ingest --batch three corpus >/dev/null
check "account kept" "$(sql left.db "SELECT count(*) FROM source s JOIN participant pt
	ON pt.id = s.participant_id WHERE s.path LIKE 'a2/%'")" 1

# a first load counts attribution's hits as it tags (tagger_keep_hits):
# the characters it decides are those of attributing from the codings
people="SELECT id, name, character, decided_by FROM participant ORDER BY id"
sql three.db "$people" >kept
check "some by rules" "$(grep -c '|rules: ' kept | sed 's/^[1-9][0-9]*$/some/')" some
check "given" "$(grep '|Over Ride|' kept | cut -d'|' -f3-)" "grace|override"
$PAPERCUT --db three.db tag >/dev/null
sql three.db "$people" >all
test_cmp all kept

# the corpus is larger than the database it goes into: a bulk load, whose
# indexes are built at the end and which goes back to WAL after
check "journal" "$(sql one.db 'PRAGMA journal_mode')" wal
check "indexes" "$(sql one.db "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema
	WHERE type = 'index' AND tbl_name IN ('passage', 'coding') AND name NOT LIKE 'sqlite_%'
	ORDER BY name)")" "coding_code passage_date passage_participant passage_platform"
# Into an empty database: its full-text index built beside the writer, in
# a scratch file of its own (ingest/fulltext.c), merged into one segment
# and copied in; the index holds every passage's text and nothing else
# (FTS5 checks it against the passages), the scratch file is gone, and
# FTS5's own settings were never changed
fts_config() {
	sql "$1" "SELECT group_concat(k || '=' || v, ' ') FROM (SELECT * FROM passage_fts_config
		WHERE k IN ('automerge', 'crisismerge') ORDER BY k)"
}
fts_agrees() {
	sql "$1" "INSERT INTO passage_fts(passage_fts, rank) VALUES ('integrity-check', 1)" ||
		fail "$1: full-text index and passages differ"
}
fts_checks() {
	check "$1: one segment" "$(sql "$1" 'SELECT count(DISTINCT segid) FROM passage_fts_idx')" 1
	check "$1: fts config" "$(fts_config "$1")" "$2"
	fts_agrees "$1"
	[ ! -e "$1-fulltext" ] || fail "$1: scratch index left"
}
fts_checks one.db ""
check "settings kept" "$(sql one.db "SELECT max(length(block)) < 1100 FROM passage_fts_data WHERE id > 10")" 1
# Into one that has passages: indexed by the writer, at the end, with
# FTS5's merging off meanwhile and back on after; the same matches
printf 'Ann: first words\n' >first.txt
$PAPERCUT --db w.db ingest first.txt >/dev/null
$PAPERCUT --db w.db ingest --batch b corpus >/dev/null
fts_checks w.db "automerge=4 crisismerge=16"
hits="SELECT s.path, p.seq FROM passage_fts f JOIN passage p ON p.id = f.rowid
	JOIN source s ON s.id = p.source_id WHERE passage_fts MATCH 'hangs OR gdb OR \"no reactor\"' ORDER BY 1, 2"
sql one.db "$hits" >a
sql w.db "$hits" >b
[ "$(wc -l <a)" -gt 100 ] || fail "few hits: $(wc -l <a)"
test_cmp a b
# every batch forgotten, the next load is a first one again: its index
# replaces one that had passages and lost them
$PAPERCUT --db w.db forget b >/dev/null
$PAPERCUT --db w.db forget "$(sql w.db 'SELECT name FROM batch')" >/dev/null
$PAPERCUT --db w.db ingest --batch again corpus >/dev/null
fts_checks w.db "automerge=4 crisismerge=16"    # as its first bulk load left them
sql w.db "$hits" >b
test_cmp a b
# a scratch file a killed ingest left behind is no obstacle to the next
# first load, and is gone after it
printf 'not a database' >s.db-fulltext
$PAPERCUT --db s.db ingest --batch b corpus >/dev/null
fts_checks s.db ""
# where the scratch file cannot be made (a directory has its name), the
# writer indexes the load itself, and leaves the directory be
mkdir fb.db-fulltext
$PAPERCUT --db fb.db ingest --batch b corpus >/dev/null
check "fallback: fts config" "$(fts_config fb.db)" "automerge=4 crisismerge=16"
fts_agrees fb.db
[ -d fb.db-fulltext ] || fail "fallback: the directory is gone"
sql fb.db "$hits" >b
test_cmp a b
# a bad file at the end of a first load: nothing stored, nothing left
cp -r corpus bad && printf 'Ann: \377\n' >bad/zzz.txt
expect_fail 1 "papercut: bad/zzz.txt:1: invalid UTF-8 (byte 0xff at offset 5)" \
	$PAPERCUT --db bad.db ingest bad
check "nothing stored" "$(sql bad.db 'SELECT count(*) FROM passage_fts_data') $(sql bad.db 'SELECT count(*) FROM passage')" "2 0"
[ ! -e bad.db-fulltext ] || fail "scratch index left after a bad batch"
$PAPERCUT --db made.db batches >/dev/null     # a new database, as made
sqlite3 made.db .schema >a
sqlite3 bad.db .schema >b
test_cmp a b    # the indexes the load dropped are back
# and a second load, smaller than what is stored, is not
$PAPERCUT --db one.db ingest "$FIXTURES/corpus" >/dev/null
check "journal after" "$(sql one.db 'PRAGMA journal_mode')" wal
check "integrity" "$(sql one.db 'PRAGMA integrity_check')" ok
sql one.db "INSERT INTO passage_fts(passage_fts) VALUES ('integrity-check')" || fail "FTS index"
ok

# a batch smaller than what is stored attributes only the participants it
# added passages to or took them from; the same as attributing them all
# (tag does), here after a second batch whose authors posted in the first
# and a replaced feed whose authors lose posts
mkdir most rest         # rest: a fifth, under 1 MB, so not a bulk load
for f in corpus/0000/*; do
	case $f in *[89].*) cp "$f" rest/ ;; *) cp "$f" most/ ;; esac
done
$PAPERCUT --db inc.db ingest --batch one most >/dev/null
$PAPERCUT --db inc.db ingest --batch two rest >/dev/null
feed=$(ls most/*.jsonl | head -n 1)
sed -i '2,$d' "$feed"
$PAPERCUT --db inc.db ingest --batch three "$feed" >out
check "feed replaced" "$(head -c 8 out)" "replaced"
sql inc.db "$people" >touched
check "some attributed" "$(grep -c '|rules: ' touched | sed 's/^[1-9][0-9]*$/some/')" some
$PAPERCUT --db inc.db tag >/dev/null
sql inc.db "$people" >all
test_cmp all touched
# and text that is not English prose, undated
printf '%s\n' "Ann: naïve café—crème; don’t e-mail x@y.z 東京タワー 🙂 ÅNGSTRÖM 3.14 foo_bar" \
	"Bo: ＦＵＬＬ width, ǅ ß ǈ, á combining, U+0301, ..." "Ann: ?!" >odd.txt
$PAPERCUT --db one.db ingest odd.txt >/dev/null
lengths one.db
lengths three.db
lengths inc.db

codings one.db >prefiltered
$PAPERCUT --db one.db tag --threads 1 --no-prefilter >/dev/null
codings one.db >plain
test_cmp plain prefiltered
cache=$(ls "$XDG_CACHE_HOME"/papercut/prefilter-*.hs)
inode=$(stat -c %i "$cache")
$PAPERCUT --db one.db tag --threads 2 >/dev/null
codings one.db >parallel
test_cmp plain parallel
# that tag read the prefilter compiled by the first ingest (a compile
# would have written the file anew)
check "cache read" "$(stat -c %i "$cache")" "$inode"

# a cache file that is damaged, cut short or not one is compiled anew,
# with the same codings
for damage in "bytes" "cut" "ids"; do
	case $damage in
	bytes) printf 'XXXXXXXX' | dd of="$cache" bs=1 seek=5000 conv=notrunc 2>/dev/null ;;
	cut) head -c 300 "$cache" >c && mv c "$cache" ;;
	ids) printf 'papercut-hs1\000\377\377\377\377' >"$cache" ;;
	esac
	inode=$(stat -c %i "$cache")
	$PAPERCUT --db one.db tag --threads 2 >/dev/null
	codings one.db >again
	test_cmp plain again
	[ "$(stat -c %i "$cache")" != "$inode" ] || fail "damaged cache ($damage) not rewritten"
done
# and without a place to keep it, tagging is the same
XDG_CACHE_HOME=/dev/null/nowhere $PAPERCUT --db one.db tag >/dev/null
codings one.db >again
test_cmp plain again

# every code of the default codebook is in play, so each is compared
check "codes seen" "$(cut -d'|' -f3 plain | sort -u | wc -l)" 33
done_testing
