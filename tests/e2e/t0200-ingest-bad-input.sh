#!/bin/sh
# Bad input: one line on stderr naming the file (and line), a non-zero
# exit, and the database exactly as before.
. "$(dirname "$0")/../lib.sh"

CB="--codebook $FIXTURES/codebook"
$PAPERCUT --db t.db $CB ingest "$FIXTURES/corpus/a1.txt" >/dev/null
dump t.db >before

mkdir bad emptydir
printf 'Ivy: hi\nBo: caf\351 au lait\n' >bad/latin1.txt
printf 'abc\000def' >bad/nul.txt
: >bad/empty.txt
printf ' \n\t\n' >bad/blank.txt
printf -- '---\nparticipant: X\ndate: 2026-01-01\n' >bad/frontmatter.txt
printf '\377\376I\000v\000' >bad/utf16.txt
printf -- '---\nparticipant: W\ncharacter: wizard\n---\nW: hello\nIvy: hi\n' >bad/override.txt
printf -- '---\ndate: 01/02/2026\n---\ntext\n' >bad/date.txt
printf '%%PDF' >bad/paper.pdf
head -c 1100000 /dev/zero | tr '\0' 'a' >bad/big.txt

while IFS='|' read -r code args msg; do
	# shellcheck disable=SC2086
	expect_fail "$code" "papercut: $msg" $PAPERCUT --db t.db $CB ingest $args
	dump t.db >after
	test_cmp before after
done <<'CASES'
1|bad/latin1.txt|bad/latin1.txt:2: invalid UTF-8 (byte 0xe9 at offset 15)
1|bad/nul.txt|bad/nul.txt:1: binary file (a NUL byte), not text
1|bad/empty.txt|bad/empty.txt: empty file
1|bad/blank.txt|bad/blank.txt: empty file (only white space)
1|bad/frontmatter.txt|bad/frontmatter.txt:1: front matter opened with '---' is never closed
1|bad/utf16.txt|bad/utf16.txt: UTF-16 text; save it as UTF-8
1|bad/override.txt|bad/override.txt:3: character 'wizard' is not in the codebook (alan, grace)
1|bad/date.txt|bad/date.txt:2: date '01/02/2026' is not ISO 8601 (YYYY-MM-DD)
1|bad/paper.pdf|bad/paper.pdf: not a readable source (unknown extension; see 'papercut ingest --help')
1|--max-file-size 1 bad/big.txt|bad/big.txt: larger than the 1 MB limit (--max-file-size)
1|missing.txt|missing.txt: No such file or directory
1|emptydir|emptydir: no readable sources in this directory (see 'papercut ingest --help')
2|--frobnicate x.txt|unknown option '--frobnicate' (usage: papercut ingest [--batch NAME] [--kind K] [--keep-going] [options] PATH...)
2|-rf.txt|unknown option '-r' (usage: papercut ingest [--batch NAME] [--kind K] [--keep-going] [options] PATH...)
2|--batch|option '--batch' needs a value (usage: papercut ingest [--batch NAME] [--kind K] [--keep-going] [options] PATH...)
2|--max-file-size lots x.txt|--max-file-size takes a whole number from 1 to 1048576, not 'lots'
2||ingest needs at least one PATH (usage: papercut ingest [--batch NAME] [--kind K] [--keep-going] [options] PATH...)
CASES

# one bad file rejects the whole batch
expect_fail 1 "papercut: bad/latin1.txt:2: invalid UTF-8 (byte 0xe9 at offset 15)" \
	$PAPERCUT --db t.db $CB ingest "$FIXTURES/corpus/a2.md" bad/latin1.txt "$FIXTURES/corpus/g1.txt"
dump t.db >after
test_cmp before after

# --keep-going stores the good ones and lists the bad ones
set +e
$PAPERCUT --db t.db $CB ingest --keep-going --batch kg "$FIXTURES/corpus/a2.md" bad/latin1.txt \
	missing.txt "$FIXTURES/corpus/g1.txt" >out 2>err
code=$?
set -e
check "keep-going exit" "$code" 1
cat >want <<'OUT'
papercut: rejected 2 sources:
  missing.txt: No such file or directory
  bad/latin1.txt:2: invalid UTF-8 (byte 0xe9 at offset 15)
papercut: ingest: 2 rejected (listed above), the rest stored
OUT
test_cmp want err
check "keep-going stored" "$(sql t.db "SELECT group_concat(path, ' ') FROM source ORDER BY id")" \
	"$FIXTURES/corpus/a1.txt $FIXTURES/corpus/a2.md $FIXTURES/corpus/g1.txt"
check "keep-going summary" "$(tail -n 1 out)" \
	"batch 'kg': 2 added, 0 replaced, 0 unchanged, 2 rejected; 4 passages"

# a database that is not papercut's is refused and left untouched
sqlite3 other.db "CREATE TABLE notes(x); INSERT INTO notes VALUES ('keep me')"
cp other.db other.orig
expect_fail 1 "papercut: 'other.db': not a papercut database (it holds other tables)" \
	$PAPERCUT --db other.db $CB ingest "$FIXTURES/corpus/a2.md"
cmp other.db other.orig || fail "other.db was changed"
ok
printf 'just some text\n' >notes.txt
cp notes.txt notes.orig
expect_fail 1 "papercut: 'notes.txt': not a papercut database (file is not a database)" \
	$PAPERCUT --db notes.txt analyze
cmp notes.txt notes.orig || fail "notes.txt was changed"
ok
[ ! -e notes.txt-wal ] || fail "a WAL file appeared next to notes.txt"
ok

# a codebook that fails to load tags nothing
mkdir badcb
printf '[x]\nkind = papercut\ntheme = t\nlabel = X\npattern = (\n' >badcb/x.ini
expect_fail 1 "papercut: codebook 'badcb': x.ini:5: bad pattern at offset 1: missing closing parenthesis" \
	$PAPERCUT --db t.db --codebook badcb ingest "$FIXTURES/corpus/u1.txt"
# Folder walks pass symbolic links over (a loop of them hung ingest with
# growing memory, and they pulled in files from outside the folder);
# --follow-links follows them into each folder once. A FIFO is named.
mkdir -p L/sub outside
ln -s ../L L/self
ln -s .. L/sub/up
ln -s ../outside L/out
echo 'A: the request hangs' >L/a.txt
echo 'B: a file from elsewhere' >outside/s.txt
mkfifo L/pipe
timeout 60 $PAPERCUT --db links.db ingest --batch l1 L >out 2>err || fail "ingest L: $(cat err)"
check "links passed over" "$(grep -c '^added' out)" 1
cat >want <<'OUT'
papercut: note: skipped L/pipe: a FIFO, not a file
papercut: note: L: 3 symbolic links not followed (--follow-links follows them)
OUT
test_cmp want err
timeout 60 $PAPERCUT --db links2.db ingest --follow-links L >out 2>/dev/null || fail "follow links"
check "links followed once" "$(grep '^added' out | awk '{print $3}' | tr '\n' ' ')" "L/a.txt L/out/s.txt "

done_testing
