#!/bin/sh
# ingest: passages, speakers, offsets and participants land in the
# database as the sources say; the same files again change nothing.
. "$(dirname "$0")/../lib.sh"

cp -r "$FIXTURES/corpus" corpus
$PAPERCUT --db t.db --codebook "$FIXTURES/codebook" ingest --batch one corpus >out
cat >want <<'OUT'
added      transcript corpus/a1.txt (5 passages)
added      blog       corpus/a2.md (2 passages)
added      transcript corpus/g1.txt (2 passages)
added      account    corpus/u1.txt (1 passage)
batch 'one': 4 added, 0 replaced, 0 unchanged, 0 rejected; 10 passages
OUT
test_cmp want out

# every turn, with speaker, line, interviewer flag and its participant
sql t.db "SELECT s.path, p.seq, p.line, coalesce(p.speaker, '-'), p.interviewer,
	coalesce(pt.name, '-'), p.text FROM passage p JOIN source s ON s.id = p.source_id
	LEFT JOIN participant pt ON pt.id = p.participant_id
	WHERE s.path = 'corpus/a1.txt' ORDER BY p.seq" >got
cat >want <<'OUT'
corpus/a1.txt|1|6|Ivy|1|-|Did Pin<&mut Self> bother you? Does it hang?
corpus/a1.txt|2|7|A1|0|A1|I wrote Java for years. The request hangs.
corpus/a1.txt|3|8|Ivy|1|-|And then?
corpus/a1.txt|4|9|A1|0|A1|Again it hangs, every Monday.
corpus/a1.txt|5|10|A1|0|A1|The docs are thin.
OUT
test_cmp want got

check "source metadata" "$(sql t.db "SELECT format, date, interviewers, batch_id FROM source WHERE path = 'corpus/a1.txt'")" \
	'transcript|2026-01-10|["Ivy"]|1'
check "written account speaker" "$(sql t.db "SELECT count(*) FROM passage WHERE speaker IS NULL")" 3

# the stored offsets point at the stored text, in code points (SQLite's
# substr counts characters) and in bytes
check "offsets into the stored text" "$(sql t.db "SELECT count(*) FROM passage p JOIN source s ON s.id = p.source_id
	WHERE substr(s.text, p.start_char + 1, p.end_char - p.start_char) = p.text
	AND substr(CAST(s.text AS BLOB), p.start_byte + 1, p.end_byte - p.start_byte) = CAST(p.text AS BLOB)")" 10
# for a text transcript the stored text is the file, so they point into it
for f in corpus/a1.txt corpus/g1.txt corpus/u1.txt; do
	sql t.db "SELECT p.start_byte, p.end_byte, hex(p.text) FROM passage p
		JOIN source s ON s.id = p.source_id WHERE s.path = '$f'" >spans
	[ -s spans ] || fail "$f: no passages"
	while IFS='|' read -r sb eb hex; do
		got=$(tail -c +"$((sb + 1))" "$f" | head -c "$((eb - sb))" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
		[ "$got" = "$hex" ] || fail "$f: bytes $sb-$eb are not the stored text"
	done <spans
	ok
done

# code points count characters, not bytes
printf 'Ivy: Café?\nZoë: Ça hangs — über.\n' >corpus/u2.txt
$PAPERCUT --db t.db --codebook "$FIXTURES/codebook" ingest corpus/u2.txt >/dev/null
check "code point offsets" "$(sql t.db "SELECT start_byte, end_byte, start_char, end_char FROM passage
	WHERE speaker = 'Zoë'")" "18|38|16|32"

# the same files again: nothing changes, and it says so
dump t.db >before
$PAPERCUT --db t.db --codebook "$FIXTURES/codebook" ingest corpus >out
dump t.db >after
test_cmp before after
check "unchanged summary" "$(tail -n 1 out)" \
	"batch '$(date -u +%Y-%m-%d)': 0 added, 0 replaced, 5 unchanged, 0 rejected; 0 passages"

# a copy under another name is the same content: stored once
cp corpus/a2.md a2-copy.md
$PAPERCUT --db t.db --codebook "$FIXTURES/codebook" ingest a2-copy.md >out
check "copy" "$(head -n 1 out)" "unchanged  a2-copy.md (stored before as corpus/a2.md)"

# an edited file replaces its old version
printf '\nThe docs hang.\n' >>corpus/u1.txt
$PAPERCUT --db t.db --codebook "$FIXTURES/codebook" ingest corpus/u1.txt >out
check "replaced" "$(head -n 1 out)" "replaced   account    corpus/u1.txt (2 passages)"
check "one version" "$(sql t.db "SELECT count(*) FROM source WHERE path = 'corpus/u1.txt'")" 1
check "fts follows" "$(sql t.db "SELECT count(*) FROM passage_fts WHERE passage_fts MATCH 'fridays'")" 1
# a participant no file names any more goes, with their attributes;
# ingest runs without foreign keys, so it deletes all that itself
printf -- '---\nparticipant: Zed\nrole: lead\n---\nZed: It hangs.\n' >corpus/z.txt
$PAPERCUT --db t.db --codebook "$FIXTURES/codebook" ingest corpus/z.txt >/dev/null
check "attribute" "$(sql t.db "SELECT count(*) FROM participant_attr a JOIN participant p
	ON p.id = a.participant_id WHERE p.name = 'Zed'")" 1
sed -i 's/Zed/Zoe/g' corpus/z.txt
$PAPERCUT --db t.db --codebook "$FIXTURES/codebook" ingest corpus/z.txt >/dev/null
check "pruned" "$(sql t.db "SELECT group_concat(name) FROM participant WHERE name LIKE 'Z%'")" Zoe
check "no orphans" "$(sql t.db 'PRAGMA foreign_key_check' | wc -l)" 0

# BOM and CRLF are read, and stored as UTF-8 without BOM, LF line ends
printf '\357\273\277Ivy: Hello?\r\nBo: It hangs\r\nfor hours.\r\n' >corpus/crlf.txt
$PAPERCUT --db t.db --codebook "$FIXTURES/codebook" ingest corpus/crlf.txt >/dev/null
check "crlf" "$(sql t.db "SELECT hex(text) FROM passage WHERE speaker = 'Bo'")" \
	"$(printf 'It hangs\nfor hours.' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"
# a BOM with LF line ends: the stored text starts after it; the content
# hash is of the bytes as read, so the same words without the BOM are
# another source, and the file again is unchanged
printf '\357\273\277Una: It panics\nin the executor.\n' >corpus/bom.txt
printf 'Una: It panics\nin the executor.\n' >corpus/nobom.txt
$PAPERCUT --db t.db --codebook "$FIXTURES/codebook" ingest corpus/bom.txt >/dev/null
check "bom text" "$(sql t.db "SELECT hex(s.text) FROM source s WHERE s.path = 'corpus/bom.txt'")" \
	"$(printf 'Una: It panics\nin the executor.\n' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"
$PAPERCUT --db t.db --codebook "$FIXTURES/codebook" ingest corpus/nobom.txt corpus/bom.txt >out
check "bom hash" "$(cut -c1-10 out | tr -s ' ' | head -n 2 | tr '\n' ,)" "added ,unchanged ,"

# the database is papercut's and says which schema it has
check "application id" "$(sql t.db 'PRAGMA application_id')" 1885433955
check "schema version" "$(sql t.db 'PRAGMA user_version')" 5
# old Mac line ends (a CR alone) are line ends: front matter and turns read
printf -- '---\rparticipant: Mac\rdate: 2026-02-02\rinterviewer: Ann\r---\rAnn: what happened?\rMac: the request hangs\r' >mac.txt
$PAPERCUT --db mac.db ingest mac.txt >/dev/null
check "cr only" "$(sql mac.db "SELECT group_concat(speaker || '|' || coalesce(p.date, '') || '|' || text, ';')
	FROM passage p")" "Ann|2026-02-02|what happened?;Mac|2026-02-02|the request hangs"
check "cr only participant" "$(sql mac.db "SELECT name FROM participant")" "Mac"

check "wal" "$(sql t.db 'PRAGMA journal_mode')" wal
check "page size" "$(sql t.db 'PRAGMA page_size')" 16384
done_testing
