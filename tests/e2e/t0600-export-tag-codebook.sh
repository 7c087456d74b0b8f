#!/bin/sh
# export, tag and codebook check: CSV read back, re-tagging after a
# codebook change, attribution and its overrides, the bundled codebook.
. "$(dirname "$0")/../lib.sh"

CB="--codebook $FIXTURES/codebook"
cp -r "$FIXTURES/corpus" corpus
cat >corpus/x1.txt <<'TXT'
---
participant: X1
date: 2026-05-05
character: grace
---
=cmd|' /C calc'!A0 it hangs, "quoted", and
on two lines; I wrote Java too.
TXT
$PAPERCUT --db t.db $CB ingest corpus >/dev/null

$PAPERCUT --db t.db export codings >codings.csv
head -n 1 codings.csv | tr -d '\r' >got
echo "source,line,passage_id,participant,character,speaker,code,kind,rule,quote,origin,coder" >want
test_cmp want got
$PYTHON - codings.csv <<'PY' || fail "codings csv"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
key = [(r["source"], r["line"], r["code"]) for r in rows]
assert key == [
    ("corpus/a1.txt", "6", "pin"),  # "Does it hang?" is a question: no hang
    ("corpus/a1.txt", "7", "alan"), ("corpus/a1.txt", "7", "hang"),
    ("corpus/a1.txt", "9", "hang"), ("corpus/a1.txt", "10", "docs"),
    ("corpus/a2.md", "5", "alan"), ("corpus/a2.md", "7", "hang"),
    ("corpus/g1.txt", "7", "grace"), ("corpus/g1.txt", "7", "pin"), ("corpus/g1.txt", "7", "hang"),
    ("corpus/u1.txt", "5", "docs"),
    ("corpus/x1.txt", "6", "alan"), ("corpus/x1.txt", "6", "hang"),
], key
ivy = rows[0]
assert (ivy["participant"], ivy["character"], ivy["speaker"]) == ("", "", "Ivy"), ivy
assert rows[2]["rule"] == "test.ini:29" and rows[1]["kind"] == "character"
x = rows[-1]
# formulas are defused, quotes and line breaks survive the round trip
assert x["quote"] == "'=cmd|' /C calc'!A0 it hangs, \"quoted\", and\non two lines; I wrote Java too.", x["quote"]
assert (x["participant"], x["character"]) == ("X1", "grace")
PY
ok

$PAPERCUT --db t.db export participants | tr -d '\r' >got
cat >want <<'OUT'
participant,character,decided_by,documents,passages
A1,alan,rules: alan 1,1,3
A2,alan,rules: alan 1,1,2
G1,grace,rules: grace 1,1,1
U1,unknown,no cues,1,1
X1,grace,override,1,1
OUT
test_cmp want got

# attribution: a tie is unknown; a lead of one wins
printf 'Ann: hi\nT1: Java, gdb.\nAnn: and?\nT1: more gdb\n' >T1.txt
printf -- '---\nparticipant: T2\n---\nAnn: hi\nBo: Java and gdb.\nAnn: and?\nBo: gdb again\n' >lead.txt
printf 'Ann: hi\nT3: Java and gdb.\n' >T3.txt
$PAPERCUT --db t.db $CB ingest T1.txt lead.txt T3.txt >/dev/null
check "attribution" "$(sql t.db "SELECT group_concat(name || '=' || character || ' (' || decided_by || ')', '; ')
	FROM (SELECT * FROM participant WHERE name LIKE 'T%' ORDER BY name)")" \
	"T1=grace (rules: grace 2 alan 1); T2=grace (rules: grace 2 alan 1); T3=unknown (tie: alan 1 grace 1)"

# tag: a changed codebook re-tags everything, in one run
runs_before=$(sql t.db "SELECT count(*) FROM tag_run")
mkdir cb2
sed 's/^pattern = \\bdocs\\b$/pattern = \\bdocs?\\b|\\bmanual\\b/' "$FIXTURES/codebook/test.ini" >cb2/test.ini
printf '\n[monday]\nkind = papercut\ntheme = mood\nlabel = Mondays\npattern = \\bmonday\\b\n' >>cb2/test.ini
printf 'Later: read the manual.\n' >>corpus/u1.txt
$PAPERCUT --db t.db --codebook cb2 ingest corpus/u1.txt >/dev/null 2>err
check "changed codebook note" "$(cat err)" \
	"papercut: note: the codebook changed since the last tagging; run 'papercut tag' to re-tag the passages stored before"
$PAPERCUT --db t.db --codebook cb2 tag >out
check "tag summary" "$(sed 's/(codebook .*)/(codebook X)/' out)" "tagged 21 passages: 22 codings (codebook X)"
check "new code" "$(sql t.db "SELECT s.path || ':' || p.line FROM coding c JOIN passage p ON p.id = c.passage_id
	JOIN source s ON s.id = p.source_id WHERE c.code_id = 'monday'")" "corpus/a1.txt:9"
check "one run for all" "$(sql t.db "SELECT count(DISTINCT run_id) FROM coding")" 1
check "run recorded" "$(sql t.db "SELECT passages, codings, codebook_hash = (SELECT codebook_hash FROM tag_run
	ORDER BY id DESC LIMIT 1) FROM tag_run ORDER BY id DESC LIMIT 1")" "21|22|1"
check "runs" "$(sql t.db "SELECT count(*) FROM tag_run")" "$((runs_before + 2))"
check "code table follows" "$(sql t.db "SELECT count(*) FROM code")" 6
# the same codebook again adds no run to ingest
$PAPERCUT --db t.db --codebook cb2 ingest lead.txt >/dev/null 2>err
check "no note" "$(cat err)" ""

# a codebook that fails: tag changes nothing
dump t.db >before
printf '[x]\nkind = papercut\ntheme = t\nlabel = X\npattern = \\bx\\b\nexample = y\n' >cb2/broken.ini
expect_fail 1 "papercut: codebook 'cb2': broken.ini:6: example is not tagged 'x': \"y\"" \
	$PAPERCUT --db t.db --codebook cb2 tag
dump t.db >after
test_cmp before after

# codebook check: every problem with file:line, exit 1
printf '[y]\nkind = papercut\nlabel = Y\npattern = (\nflavour = sweet\n' >cb2/worse.ini
set +e
$PAPERCUT codebook check cb2 >out 2>err
code=$?
set -e
check "check exit" "$code" 1
cat >want <<'OUT'
worse.ini:5: unknown key 'flavour' in [y] (known: kind, label, theme, description, pattern, near, exclude, unless, requires, negation, questions, attribute, example, counter)
worse.ini:1: papercut [y] has no 'theme'
worse.ini:4: bad pattern at offset 1: missing closing parenthesis
broken.ini:6: example is not tagged 'x': "y"
OUT
test_cmp want out
check "check summary" "$(cat err)" "papercut: codebook 'cb2': 4 problems"

# a NUL byte would cut an INI value short: refused with its line
mkdir cb3
printf '[a]\nkind = character\nlabel = A\000 hidden\npattern = x\n' >cb3/nul.ini
expect_fail 1 "papercut: codebook 'cb3': 1 problem" $PAPERCUT codebook check cb3
check "nul line" "$(cat out)" "nul.ini:3: a NUL byte"

# A rule that hits PCRE2's match limit is an error, never "no match": here
# an exclude that would otherwise be skipped, letting the code through (a
# back-reference, which the prefilter can only approximate, so PCRE2 runs).
mkdir cb4
printf '[hang]\nkind = papercut\ntheme = t\nlabel = Hang\npattern = \\bhangs\\b\nexclude = (a|aa)+\\1$\n' >cb4/l.ini
printf 'Ivy: hi\nL1: the task hangs aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n' >limit.txt
dump t.db >before.sql
expect_fail 1 "papercut: limit.txt:2: the rule at l.ini:6 hits PCRE2's match limit on this passage: it backtracks too much (simplify it)" \
	$PAPERCUT --db t.db --codebook cb4 ingest limit.txt
dump t.db >after.sql
test_cmp before.sql after.sql
$PAPERCUT --db t.db $CB ingest --batch limit limit.txt >/dev/null 2>&1
id=$(sql t.db "SELECT p.id FROM passage p JOIN source s ON s.id = p.source_id WHERE s.path = 'limit.txt' AND p.seq = 2")
expect_fail 1 "papercut: passage #$id: the rule at l.ini:6 hits PCRE2's match limit on it: it backtracks too much (simplify it)" \
	$PAPERCUT --db t.db --codebook cb4 tag
printf 'example = hangs aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n' >>cb4/l.ini
expect_fail 1 "papercut: codebook 'cb4': 1 problem" $PAPERCUT codebook check cb4
check "limit in check" "$(cat out)" "l.ini:7: the rule at l.ini:6 hits PCRE2's match limit on this example: it backtracks too much"
$PAPERCUT --db t.db forget limit >/dev/null

# the bundled codebook: every code of the spec, each with >= 3 examples
# and >= 2 counters, all holding
$PAPERCUT codebook check "$TOP/data/codebook" >out
check "bundled" "$(tail -n 1 out)" \
	"codebook '$TOP/data/codebook': 33 codes (4 characters, 29 papercuts), every example and counter holds"
check "ids" "$(sed '1d;$d' out | awk '{print $1}' | sort | tr '\n' ' ')" \
	"alan async-closures async-drop async-fn-in-traits async-locks async-recursion barbara cancellation crate-choice documentation embedded error-handling error-messages ffi-interop future-size grace hang-debugging io-uring lifetimes-borrowing missing-std-traits niklaus parallelism performance pin runtime-choice runtime-lock-in send-bounds stack-traces stream-buffering sync-async-bridging testing tooling waker "
check "examples and counters" "$(sed '1d;$d' out | awk '$6 < 3 || $7 < 2' | wc -l)" 0
# without --codebook, the bundled one is found from the binary
check "default found" "$($PAPERCUT codebook check | tail -n 1 | sed 's/.*: 33 codes/33 codes/')" \
	"33 codes (4 characters, 29 papercuts), every example and counter holds"
PAPERCUT_CODEBOOK=cb2 expect_fail 1 "papercut: codebook 'cb2': 4 problems" $PAPERCUT codebook check

# command line
$PAPERCUT --help >out
grep -q '^  ingest ' out && grep -q '^  search ' out || fail "--help lists commands"
ok
$PAPERCUT export --help | grep -q '^usage: papercut export codings|participants' || fail "export --help"
ok
expect_fail 2 "papercut: 'frobnicate' is not a command (see 'papercut --help')" $PAPERCUT frobnicate
# papercut runs ingest, tag and report through papercut-full, found next
# to it (or in ../libexec/papercut); alone, it still reads
mkdir alone && cp "$PAPERCUT" alone/papercut
alone=$(cd alone && pwd)
expect_fail 2 "papercut: 'tag' is run by papercut-full, which is in neither $alone nor $alone/../libexec/papercut: install papercut again" \
	alone/papercut --db t.db tag
check "light search" "$(alone/papercut --db t.db search --format csv quoted | sed -n 2p | cut -d, -f1,3)" \
	"1,corpus/x1.txt"
# as make install lays them out, each finds the other and the codebook
mkdir -p inst/bin inst/libexec/papercut inst/share/papercut
cp "$PAPERCUT" inst/bin/papercut
cp "$PAPERCUT-full" inst/libexec/papercut/papercut-full
cp -r "$TOP/data/codebook" inst/share/papercut/codebook
check "installed" "$(inst/bin/papercut --db inst.db ingest corpus | tail -n 1)" \
	"batch '$(date -u +%Y-%m-%d)': 5 added, 0 replaced, 0 unchanged, 0 rejected; 11 passages"
expect_fail 2 "papercut: cannot export 'everything' (usage: papercut export codings|participants|passages | papercut export qdpx|qdc FILE)" \
	$PAPERCUT --db t.db export everything
# PAPERCUT_DB, and --db over it
PAPERCUT_DB=t.db $PAPERCUT export participants >a
$PAPERCUT --db t.db export participants >b
test_cmp a b
PAPERCUT_DB=nowhere/x.db $PAPERCUT --db t.db export participants >c
test_cmp a c
done_testing
