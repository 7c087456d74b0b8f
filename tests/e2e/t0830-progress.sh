#!/bin/sh
# Long commands show their progress on stderr when it is a terminal, one
# line rewritten: each stage named, the line cleared before anything else
# is printed (an error too); when stderr is not a terminal, nothing.
# And the developer's profile (PAPERCUT_PROFILE) sums each statement.
. "$(dirname "$0")/../lib.sh"

CB="--codebook $TOP/data/codebook"
cp "$FIXTURES"/corpus/a1.txt "$FIXTURES"/corpus/g1.txt .

# not a terminal: stderr stays empty
for cmd in "ingest a1.txt g1.txt" "tag" "analyze" "report --out rep" "export passages"; do
	# shellcheck disable=SC2086
	$PAPERCUT --db quiet.db $CB $cmd >out 2>err || fail "$cmd failed: $(cat err)"
	check "quiet $cmd" "$(cat err)" ""
done

# the profile: each statement once, its calls summed, when the database closes
PAPERCUT_PROFILE=1 $PAPERCUT --db prof.db $CB ingest a1.txt g1.txt >out 2>err
check "profile head" "$(head -n 1 err)" "papercut: profile of prof.db (ms, calls, statement):"
check "profile passages" "$(grep -c 'INSERT OR IGNORE INTO passage(' err)" 1
# a file's passages go in together (core/feed.h): two calls, not seven
check "profile calls" "$(grep 'INSERT OR IGNORE INTO passage(' err | awk '{print $2}')" 2

if ! script -qec true /dev/null >/dev/null 2>&1; then
	echo "ok $test_name: no pseudo-terminal here; the terminal half skipped" >&2
	done_testing
	exit 0
fi

# term NAME CMD: runs CMD (a shell line) with a terminal on stderr and
# stdout in NAME.out; NAME.raw is what the terminal got, NAME.lines its
# lines as shown, one per rewrite
term() {
	set +e
	script -qec "$2 >$1.out" /dev/null >"$1.raw"
	echo $? >"$1.code"
	set -e
	sed 's/\x1b\[K//g' "$1.raw" | tr '\r' '\n' | grep -v '^$' >"$1.lines" || true
}

# stages: the lines that are not rates, in order
stages() {
	grep -v 'passages/s' "$1.lines" || true
}

term ingest "$PAPERCUT --db t.db $CB ingest --batch b1 a1.txt g1.txt"
check "ingest exit" "$(cat ingest.code)" 0
grep -Eq '^ingest: 1/2 files, 0\.0/0\.0 MB, [0-9]+ passages/s, ETA [0-9]+m[0-9][0-9]s$' \
	ingest.lines || fail "no first update in: $(cat ingest.lines)"
ok
printf '%s\n' "ingest: full-text indexing 7 passages" "ingest: attributing characters" \
	"ingest: committing" >want
stages ingest >got
test_cmp want got
# the line is cleared at the end, and stdout holds only the report
check "ingest cleared" "$(tail -c 4 ingest.raw | od -An -c | tr -s ' ')" ' \r 033 [ K'
check "ingest stdout" "$(tail -n 1 ingest.out)" \
	"batch 'b1': 2 added, 0 replaced, 0 unchanged, 0 rejected; 7 passages"

term tag "$PAPERCUT --db t.db $CB tag"
grep -Eq '^tag: 100%, 7 passages, [0-9]+ passages/s, ETA 0m00s$' tag.lines ||
	fail "no update in: $(cat tag.lines)"
ok
printf '%s\n' "tag: attributing characters" "tag: committing" >want
stages tag >got
test_cmp want got

term report "$PAPERCUT --db t.db report --out rep"
printf '%s\n' "report: selecting the evidence" "report: writing the workbook's sheets" \
	"report: drawing the charts" "report: writing the pages" "report: writing the briefs" \
	"report: zipping the workbook" >want
stages report >got
test_cmp want got
check "report cleared" "$(tail -c 4 report.raw | od -An -c | tr -s ' ')" ' \r 033 [ K'

# an error: the progress line cleared before the one-line message, and
# the database as it was
printf 'Alan: caf\351\n' >bad.txt
dump t.db >before
term bad "$PAPERCUT --db t.db $CB ingest --batch b2 a1.txt bad.txt"
check "bad exit" "$(cat bad.code)" 1
check "bad message" "$(tail -n 1 bad.lines)" \
	"papercut: bad.txt:1: invalid UTF-8 (byte 0xe9 at offset 9)"
grep -q "$(printf '\r\033\\[Kpapercut: bad.txt')" bad.raw || fail "error not on a clean line"
ok
dump t.db >after
test_cmp before after

done_testing
