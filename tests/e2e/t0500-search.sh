#!/bin/sh
# search and show: exact hits and order over tests/fixtures/search, every
# filter, context at both ends of a conversation, every output format
# parsed back, and the errors.
#
# "The debugger shows poll frames." stands in s3.md (2026-02-01) and s1.txt
# (2026-01-05): the same bm25 score, so the newer comes first; longer
# passages with the word rank lower.
. "$(dirname "$0")/../lib.sh"

cp -r "$FIXTURES/search" s
$PAPERCUT --db t.db --codebook "$FIXTURES/codebook" ingest s >/dev/null

# hits as "source:line", in order
hits() {
	# not in a pipeline: a failing search must fail the test
	$PAPERCUT --db t.db search "$@" --format csv >hits.csv || fail "search $* failed"
	$PYTHON -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
print(" ".join(r["source"] + ":" + r["line"] for r in rows))' <hits.csv
}

while IFS='|' read -r want args; do
	# shellcheck disable=SC2086
	eval "set -- $args"
	check "search $args" "$(hits "$@")" "$want"
done <<'CASES'
s/s3.md:5 s/s1.txt:9 s/s1.txt:7 s/s2.txt:7|debugger
s/s3.md:5 s/s1.txt:9|debugger --limit 2
s/s2.txt:9|'cafe creme'
s/s2.txt:9|'CAFÉ'
s/s2.txt:9 s/s3.md:7|'cancel*'
s/s3.md:5 s/s1.txt:9 s/s2.txt:7|'"poll frames"'
s/s1.txt:7|'debugger NOT poll'
s/s2.txt:9 s/s1.txt:7|'java OR creme'
s/s3.md:5 s/s1.txt:9 s/s2.txt:7|'NEAR(debugger frames, 2)'
|'NEAR(debugger frames, 1)'
s/s2.txt:7|debugger --character grace
s/s1.txt:9 s/s1.txt:7|debugger --participant P1
s/s2.txt:7|debugger --speaker p2
s/s3.md:5|debugger --kind blog
s/s3.md:5 s/s2.txt:7|debugger --since 2026-02-01
s/s1.txt:9 s/s1.txt:7|debugger --until 2026-01-31
s/s3.md:5 s/s1.txt:9 s/s1.txt:7 s/s2.txt:7|debugger --quarter 2026Q1
|debugger --quarter 2026Q2
s/s3.md:7|--code pin
s/s3.md:7|--code pin --code docs
|--code pin --code alan
s/s3.md:7|--theme learning
s/s1.txt:7|debugger --code alan --participant P1 --until 2026-01-31
|hang
s/s1.txt:6|hang --include-interviewer
s/s2.txt:7 s/s2.txt:9|--character grace
s/s2.txt:7 s/s2.txt:9 s/s3.md:5 s/s3.md:7 s/s1.txt:7 s/s1.txt:9|
CASES

# the ranking is FTS5's bm25: search scores every match with its own
# function (analyze/rank.c), which must give bm25()'s numbers
bm25_checks() {
for q in debugger '"poll frames"' 'java OR creme' 'NEAR(debugger frames, 2)' 'cancel*'; do
	$PAPERCUT --db t.db search "$q" --include-interviewer --format json >scores.json ||
		fail "search $q failed"
	check "scores of $q are bm25()'s" "$($PYTHON -c '
import json, sqlite3, sys
got = {h["id"]: h["score"] for h in json.load(open("scores.json"))}
db = sqlite3.connect("t.db")
want = dict(db.execute("SELECT rowid, bm25(passage_fts) FROM passage_fts"
                       " WHERE passage_fts MATCH ?", (sys.argv[1],)))
bad = [i for i in want if i not in got or abs(got[i] - want[i]) > 1e-12 * abs(want[i])]
print(len(got), "equal" if got and not bad and len(got) == len(want) else bad)' "$q")" \
		"$(sql t.db "SELECT count(*) FROM passage_fts WHERE passage_fts MATCH '$q'" | sed 's/$/ equal/')"
done
}
bm25_checks
# and again once the passages' ids are given to others: the lengths
# ranking reads must be those of the passages there now
$PAPERCUT --db t.db forget "$(sql t.db 'SELECT name FROM batch')" >/dev/null
mkdir s2 && cp s/s3.md s2/ && cp s/s1.txt s2/s1.md
$PAPERCUT --db t.db --codebook "$FIXTURES/codebook" ingest s2 >/dev/null
bm25_checks
$PAPERCUT --db t.db forget "$(sql t.db 'SELECT name FROM batch')" >/dev/null
$PAPERCUT --db t.db --codebook "$FIXTURES/codebook" ingest s >/dev/null

# context: N turns before and after, clipped at both ends of a conversation
$PAPERCUT --db t.db search gdb --context 2 --format json >ctx.json
$PAPERCUT --db t.db search creme --context 2 --format json >end.json
$PYTHON - ctx.json end.json <<'PY' || fail "context"
import json, sys
a = json.load(open(sys.argv[1]))
assert len(a) == 1
assert [t["text"] for t in a[0]["before"]] == ["Hi."], a[0]["before"]
assert [t["speaker"] for t in a[0]["after"]] == ["Ivy", "P2"], a[0]["after"]
assert a[0]["codes"] == ["grace"] and a[0]["participant"] == "P2"
assert a[0]["character"] == "grace" and a[0]["date"] == "2026-03-05"
assert a[0]["source"] == "s/s2.txt" and a[0]["line"] == 7
b = json.load(open(sys.argv[2]))
assert [t["text"] for t in b[0]["before"]] == ["I use gdb, the debugger shows poll frames.", "Anything else?"]
assert b[0]["after"] == []
PY
ok
$PAPERCUT --db t.db search hang --include-interviewer --context 1 >got
cat >want <<'OUT'
s/s1.txt:6  #1  Ivy  interviewer  2026-01-05  [hang]
    > Where does it [hang]?
    | P1: In Java the debugger shows threads.
    matched: hang «hang»

1 passage
OUT
test_cmp want got

# text output: marks, codes, what the rules matched, the count
$PAPERCUT --db t.db search 'pin*' >got
cat >want <<'OUT'
s/s3.md:7  #11  P3  unknown  2026-02-01  [docs,pin]
    Cancelling futures is subtle, the [Pin]<&mut Self> docs too.
    matched: pin «Pin<», docs «docs»

1 passage
OUT
test_cmp want got
check "more than the limit" "$($PAPERCUT --db t.db search debugger --limit 1 | tail -n 1)" \
	"1 passages shown; more match (raise --limit to see them)"

# md: a quote block ready for a story's sources
$PAPERCUT --db t.db search gdb --format md >got
cat >want <<'OUT'
> I use gdb, the debugger shows poll frames.
>
> — P2 (grace), transcript 2026-03-05, s/s2.txt:7

OUT
test_cmp want got

# --count: per character and code, in every format
$PAPERCUT --db t.db search debugger --count >got
cat >want <<'OUT'
character              passages
alan                          2
grace                         1
unknown                       1

code                   passages
alan                          1
grace                         1
OUT
test_cmp want got
check "count json" "$($PAPERCUT --db t.db search debugger --count --format json)" \
	'{"passages":4,"characters":{"alan":2,"grace":1,"unknown":1},"codes":{"alan":1,"grace":1}}'
check "count csv" "$($PAPERCUT --db t.db search debugger --count --format csv | tr -d '\r' | tr '\n' ' ')" \
	"group,key,passages character,alan,2 character,grace,1 character,unknown,1 code,alan,1 code,grace,1 "

# show: one passage with everything known about it
$PAPERCUT --db t.db show '#7' --context 1 >got
sed -i -e 's/content [0-9a-f]*, ingested .*/content HASH, ingested TIME/' -e "s/batch [0-9-]*,/batch B,/" got
cat >want <<'OUT'
passage   #7, s/s2.txt:7 (code points 71-113)
source    s/s2.txt, transcript, 2026-03-05, batch B, interviewers Ivy
          content HASH, ingested TIME
participant P2: grace (rules: grace 1)
    matched: grace «gdb»

  Ivy: Hi.
> P2: I use gdb, the debugger shows poll frames.
  Ivy: Anything else?
OUT
test_cmp want got
$PAPERCUT --db t.db show 7 --format json | $PYTHON -c '
import json, sys
d = json.load(sys.stdin)
assert d["participant"]["name"] == "P2" and d["participant"]["decided_by"] == "rules: grace 1"
assert d["codings"] == [{"code": "grace", "rule": "test.ini:13", "origin": "rule", "coder": "", "match": "gdb"}], d["codings"]
assert len(d["context"]) == 4 and d["source"]["interviewers"] == ["Ivy"]
' || fail "show json"
ok

# errors
MAL='(put words with punctuation in double quotes, as "async-std")'
expect_fail 1 "papercut: search query 'AND' is malformed: syntax error near \"AND\" $MAL" \
	$PAPERCUT --db t.db search AND
expect_fail 1 "papercut: search query '\"open' is malformed: unterminated string $MAL" \
	$PAPERCUT --db t.db search '"open'
expect_fail 1 "papercut: search query 'async-std' is malformed: FTS5 reads 'std' as a column name $MAL" \
	$PAPERCUT --db t.db search async-std
expect_fail 1 "papercut: no code 'nope' in the database" $PAPERCUT --db t.db search --code nope
expect_fail 1 "papercut: no character 'bob' in the database" $PAPERCUT --db t.db search x --character bob
# a search has no trend series: --quarters is analyze's and report's
expect_fail 2 "papercut: unknown option '--quarters' (usage: papercut search [QUERY] [--code ID]... [filters] [--format text|json|csv|md])" \
	$PAPERCUT --db t.db search x --quarters 3
expect_fail 2 "papercut: --format takes text, json, csv or md, not 'xml'" \
	$PAPERCUT --db t.db search x --format xml
expect_fail 2 "papercut: search takes one QUERY; quote it (usage: papercut search [QUERY] [--code ID]... [filters] [--format text|json|csv|md])" \
	$PAPERCUT --db t.db search two words
expect_fail 1 "papercut: no passage #999 in 't.db'" $PAPERCUT --db t.db show 999
expect_fail 2 "papercut: passage ID takes a whole number from 1 to 9223372036854775807, not 'x'" \
	$PAPERCUT --db t.db show x
# the query never reaches SQL as text
expect_fail 1 "papercut: search query 'x') ; DROP TABLE passage; --' is malformed: syntax error near \"'\" $MAL" \
	$PAPERCUT --db t.db search "x') ; DROP TABLE passage; --"
check "still there" "$(sql t.db 'SELECT count(*) FROM passage')" 11
done_testing
