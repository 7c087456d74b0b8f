#!/bin/sh
# Human coding beside the rules: gold import, agreement (figures worked
# by hand below, and again from `export codings`), hand decisions that
# survive tag, other loads and forget, what every output counts, and bad
# gold files refused with the database unchanged.
. "$(dirname "$0")/../lib.sh"

CB="--codebook $FIXTURES/codebook"
MAP="--map text=text,author=author,date=date,id=id"
cat >posts.csv <<'CSV'
id,author,date,text
p1,ann,2026-01-10,the task hangs and the docs say nothing
p2,bob,2026-01-11,Pin<&mut Self> again
p3,cy,2026-01-12,it hangs
p4,dee,2026-01-13,I wrote Java before; all fine here
p5,eve,2026-01-14,projection is confusing
p6,fay,2026-02-01,the docs are great
p7,ann,2026-02-02,a second post by ann about Pin<T>
p8,gus,2026-02-03,nothing to see
CSV
$PAPERCUT --db t.db $CB ingest --batch posts $MAP posts.csv >/dev/null
$PAPERCUT --db t.db export codings >rules.csv

# The rules: p1 {hang, docs}, p2 {pin}, p3 {hang}, p6 {docs}, p7 {pin}.
# The coder: p1 {hang}, p2 {pin}, p3 {hang}, p5 {pin}, p7 {pin}, and
# looked at p6 and p8 (no code); --scope sources: all 8 posts.
cat >gold.csv <<'CSV'
id,code
p1,hang
p2,pin
p3,hang
p5,pin
p6,
p7,pin
p8,
CSV
dump t.db >before.sql
$PAPERCUT --db t.db gold import gold.csv --coder ida >out
check "import" "$(cat out)" "gold 'gold.csv' by ida: 7 rows, 5 codes, 0 rejected; stored"
dump t.db >once.sql
$PAPERCUT --db t.db gold import gold.csv --coder ida >out
check "import again" "$(cat out)" \
	"gold 'gold.csv' by ida: 7 rows, 5 codes, 0 rejected; nothing new (imported before)"
dump t.db >twice.sql
test_cmp once.sql twice.sql

# Passage level, 8 units. pin: TP 2 FP 0 FN 1 TN 5, P 1, R 2/3, F1 0.8,
# po 7/8, pe (2*3 + 6*5)/64, kappa 0.3125/0.4375 = 0.7143. hang: all 1.
# docs: TP 0 FP 2 FN 0 TN 6: P 0, R undefined, F1 0, po = pe = 0.75, kappa 0.
# Micro over 24 cells: TP 4 FP 2 FN 1 TN 17: P 0.6667 R 0.8 F1 0.7273,
# po 21/24, pe (6*5 + 18*19)/576, kappa 0.6471. Macro F1 (0.8+1+0)/3 = 0.6.
$PAPERCUT --db t.db agreement --csv | tr -d '\r' >got
cat >want <<'CSV'
code,units,tp,fp,fn,tn,precision,recall,f1,kappa
pin,8,2,0,1,5,1,0.666667,0.8,0.714286
hang,8,2,0,0,6,1,1,1,1
docs,8,0,2,0,6,0,,0,0
all (micro),24,4,2,1,17,0.666667,0.8,0.727273,0.647059
all (macro),,,,,,,,0.6,
CSV
test_cmp want got

# --code narrows to those codes (named twice: once)
check "one code" "$($PAPERCUT --db t.db agreement --code pin --code pin --csv | tr -d '\r' | sed -n 2p)" \
	"pin,8,2,0,1,5,1,0.666667,0.8,0.714286"
expect_fail 2 "papercut: unknown papercut 'nope' ('papercut codebook check' lists them)" \
	$PAPERCUT --db t.db agreement --code nope

# Document level (what one participant says in one source): ann's two
# posts are one document, 7 in all. pin: TP 2 FP 0 FN 1 TN 4, kappa 16/23;
# micro over 21 cells: TP 4 FP 2 FN 1 TN 14, kappa 108/171.
$PAPERCUT --db t.db agreement --level document --json >doc.json
$PYTHON - doc.json <<'PY' || fail "document level"
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["coder"], d["against"], d["level"], d["units"]) == ("ida", "rules", "document", 7), d
pin = d["codes"][0]
assert (pin["code"], pin["tp"], pin["fp"], pin["fn"], pin["tn"]) == ("pin", 2, 0, 1, 4), pin
assert abs(pin["kappa"] - 16 / 23) < 1e-9, pin
docs = d["codes"][2]
assert docs["recall"] is None and docs["precision"] == 0, docs
m = d["micro"]
assert (m["cells"], m["tp"], m["fp"], m["fn"], m["tn"]) == (21, 4, 2, 1, 14), m
assert abs(m["kappa"] - 108 / 171) < 1e-9, m
assert d["unused"] == [] and abs(d["macro_f1"] - 0.6) < 1e-9, d
PY
ok

# The same figures from `export codings` (the rules, before the import)
# and the gold file, computed here the plain way.
$PYTHON - rules.csv gold.csv doc.json <<'PY' || fail "document level by hand"
import csv, json, sys
rules = [r for r in csv.DictReader(open(sys.argv[1], newline="")) if r["kind"] == "papercut"]
author = {"p%d" % i: a for i, a in enumerate("ann bob cy dee eve fay ann gus".split(), 1)}
docs = set(author.values())
gold = {(author[r["id"]], r["code"]) for r in csv.DictReader(open(sys.argv[2])) if r["code"]}
said = {(r["participant"], r["code"]) for r in rules}
got = json.load(open(sys.argv[3]))
for row in got["codes"]:
    c = row["code"]
    tp = sum(1 for d in docs if (d, c) in gold and (d, c) in said)
    fp = sum(1 for d in docs if (d, c) not in gold and (d, c) in said)
    fn = sum(1 for d in docs if (d, c) in gold and (d, c) not in said)
    tn = len(docs) - tp - fp - fn
    n = len(docs)
    po = (tp + tn) / n
    pe = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / n / n
    kappa = (po - pe) / (1 - pe)
    assert (row["tp"], row["fp"], row["fn"], row["tn"]) == (tp, fp, fn, tn), (row, tp, fp, fn)
    assert abs(row["kappa"] - kappa) < 1e-9, (row, kappa)
    if tp + fp:
        assert abs(row["precision"] - tp / (tp + fp)) < 1e-9
    if tp + fn:
        assert abs(row["recall"] - tp / (tp + fn)) < 1e-9
PY
ok

# a coder against themself agrees everywhere
$PAPERCUT --db t.db agreement --coder ida --against ida --json >self.json
$PYTHON -c '
import json, sys
d = json.load(open("self.json"))
assert d["micro"]["f1"] == 1 and d["micro"]["kappa"] == 1, d["micro"]
assert all(c["f1"] == 1 and c["kappa"] == 1 for c in d["codes"] if c["code"] != "docs"), d
assert d["unused"] == ["docs"], d["unused"]
' || fail "self agreement"
ok

# what the rules missed and where they fired wrongly
$PAPERCUT --db t.db agreement --disagreements --csv | tr -d '\r' >got
cat >want <<'CSV'
kind,code,passage_id,source,line,rule,match,quote
missed,pin,5,posts.csv,6,,,projection is confusing
false hit,docs,1,posts.csv,2,test.ini:38,docs,the task hangs and the docs say nothing
false hit,docs,6,posts.csv,7,test.ini:38,docs,the docs are great
CSV
test_cmp want got
$PAPERCUT --db t.db agreement --disagreements --format md >review.md
grep -q '^## docs$' review.md && grep -q '^### False hits$' review.md &&
	grep -q '^- #6 `posts.csv:7`, rule `test.ini:38` matched «docs»: the docs are great$' review.md ||
	fail "disagreements as markdown: $(cat review.md)"
ok

# What counts is the coder's coding: docs gone, pin on p5, everywhere.
$PAPERCUT --db t.db analyze --table matrix --csv | tr -d '\r' | grep '^pin,\|^docs,' |
	awk -F, '$4 == "total" { print $1, $5, $6 }' >got
printf 'pin 3 3\ndocs 0 0\n' >want
test_cmp want got
check "search docs" "$($PAPERCUT --db t.db search docs --code docs --format csv | tr -d '\r' | wc -l)" 1
check "search pin" "$($PAPERCUT --db t.db search --code pin --format csv | tr -d '\r' | cut -d, -f2 |
	sed 1d | sort | tr '\n' ' ')" "2 5 7 "
check "export origin" "$($PAPERCUT --db t.db export codings | tr -d '\r' | grep ',pin,' |
	awk -F, '{ print $3 ":" $(NF-1) ":" $NF }' | tr '\n' ' ')" "2:rule: 5:human:ida 7:rule: "
$PAPERCUT --db t.db report --out rep >/dev/null
$PYTHON - <<'PY' || fail "report evidence"
import openpyxl
e = openpyxl.load_workbook("rep/papercuts.xlsx")["Evidence"]
codes = {r[0]: r[7] for r in e.iter_rows(min_row=2, values_only=True)}
assert codes.get("projection is confusing") == "pin", codes
assert "the docs are great" not in codes, codes
assert codes["the task hangs and the docs say nothing"] == "hang", codes
PY
ok
# --coder picks whose decisions count: nobody's here, so the rules'
check "rules only" "$($PAPERCUT --db t.db search --code docs --coder nobody --format csv |
	tr -d '\r' | sed 1d | wc -l)" 2
check "uncoded" "$($PAPERCUT --db t.db search --uncoded --format csv | tr -d '\r' | cut -d, -f2 |
	sed 1d | sort | tr '\n' ' ')" "4 6 8 "
check "origin human" "$($PAPERCUT --db t.db search --origin human --format csv | tr -d '\r' |
	cut -d, -f2 | sed 1d | tr '\n' ' ')" "5 "

# Hand decisions by `code`: a rejection and an addition on a transcript.
cat >t1.txt <<'TXT'
---
participant: T1
interviewer: Ivy
date: 2026-03-03
---
Ivy: What went wrong?
T1: The server hangs under load.
Ivy: And then?
T1: I read the docs twice, then gave up.
TXT
$PAPERCUT --db t.db $CB ingest --batch talks t1.txt >/dev/null
check "reject" "$($PAPERCUT --db t.db code 10 hang --reject --coder jo --note 'load test')" \
	"#10 hang: rejected by jo (the rules coded it by test.ini:29)"
check "add" "$($PAPERCUT --db t.db code 12 pin --coder jo)" "#12 pin: added by jo"
check "listed" "$($PAPERCUT --db t.db code 10 | sed -n '3p;4p;$p' | sed 's/20[0-9T:-]*Z/WHEN/' |
	tr -s ' ' | tr '\n' '|')" "hang rules coded test.ini:29 «hangs»|hang jo rejected WHEN load test|counts: (no code)|"
expect_fail 2 "papercut: unknown papercut 'nope' (the codebook's: pin, hang, docs)" \
	$PAPERCUT --db t.db code 10 nope --coder jo
expect_fail 1 "papercut: passage #9 is an interviewer's turn: it never counts as evidence, so it takes no code" \
	$PAPERCUT --db t.db code 9 hang --coder jo
expect_fail 2 "papercut: --coder: a coder's name cannot hold control characters (a line break or tab)" \
	$PAPERCUT --db t.db code 10 hang --coder "$(printf 'a\nb')"
expect_fail 1 "papercut: no passage #99 in 't.db' (see 'papercut search')" \
	$PAPERCUT --db t.db code 99 hang --coder jo

# characters by hand
$PAPERCUT --db t.db participant dee --character grace --coder jo --note 'said so' >/dev/null
check "hand character" "$($PAPERCUT --db t.db export participants | tr -d '\r' | grep '^dee,')" \
	"dee,grace,hand: jo (said so),1,1"

# tag, another load and forgetting another batch keep every decision
sql t.db "SELECT coder, source_id, passage_id, code_id, verdict, coalesce(note, ''), created
	FROM decision ORDER BY id" >decisions.before
$PAPERCUT --db t.db $CB tag >/dev/null
printf 'Ivy: hi\nO1: Pin<X> hangs\n' >o1.txt
$PAPERCUT --db t.db $CB ingest --batch other o1.txt >/dev/null
$PAPERCUT --db t.db forget other >/dev/null
sql t.db "SELECT coder, source_id, passage_id, code_id, verdict, coalesce(note, ''), created
	FROM decision ORDER BY id" >decisions.after
test_cmp decisions.before decisions.after
check "character kept" "$($PAPERCUT --db t.db export participants | tr -d '\r' | grep '^dee,')" \
	"dee,grace,hand: jo (said so),1,1"
check "rejection kept" "$($PAPERCUT --db t.db search --code hang --format csv | tr -d '\r' |
	cut -d, -f2 | sed 1d | sort | tr '\n' ' ')" "1 3 "
$PAPERCUT --db t.db participant dee --auto --coder jo >/dev/null
check "auto again" "$($PAPERCUT --db t.db export participants | tr -d '\r' | grep '^dee,')" \
	"dee,alan,rules: alan 1,1,1"

# the characters' agreement: ida says dee is grace, the rest unknown
printf 'id,character\np4,grace\n' >chars.csv
$PAPERCUT --db t.db gold import --characters chars.csv --coder ida >/dev/null
$PAPERCUT --db t.db agreement --coder ida --json >chars.json
$PYTHON -c '
import json
c = json.load(open("chars.json"))["characters"]
# 7 participants of posts.csv: dee grace (rules: alan), 6 unknown (rules: unknown)
assert c["participants"] == 7 and abs(c["accuracy"] - 6 / 7) < 1e-9, c
assert c["confusion"]["grace"]["alan"] == 1 and c["confusion"]["unknown"]["unknown"] == 6, c
' || fail "character agreement"
ok

# A file replaced with other content orphans its decisions, and says so.
sed 's/twice/three times/' t1.txt >t1.new && mv t1.new t1.txt
$PAPERCUT --db t.db $CB ingest --batch talks t1.txt >out
check "orphans said" "$(tail -n 1 out)" \
	"2 hand decisions lost their passage: kept as orphans (papercut code --orphans)"
check "orphans listed" "$($PAPERCUT --db t.db code --orphans | sed 1d | awk '{ print $1, $2, $3, $4 }' |
	tr '\n' ' ')" "jo rejected hang t1.txt:7 jo added pin t1.txt:9 "

# Bad gold files: one line naming the row, nothing stored.
dump t.db >before.sql
printf 'id,code\np1,hang\np2,nope\n' >bad-code.csv
printf 'source,quote,code\nposts.csv,no such words,pin\n' >bad-quote.csv
printf 'source,quote,code\nposts.csv,the,pin\n' >ambiguous.csv
printf 'source,line,code\nt1.txt,2,pin\n' >bad-line.csv
printf 'passage,code\n1,pin\n' >bad-header.csv
printf 'id,code,coder\np1,pin,"a\nb"\n' >bad-coder.csv
while IFS='|' read -r file msg; do
	expect_fail 1 "papercut: $msg" $PAPERCUT --db t.db gold import "$file" --coder kim
done <<'EOF'
bad-code.csv|bad-code.csv:3: row 2: 'nope' is not a papercut of the codebook the database was tagged with
bad-quote.csv|bad-quote.csv:2: row 1: the quote in 'posts.csv' matches nothing in 't.db'
ambiguous.csv|ambiguous.csv:2: row 1: the quote in 'posts.csv' is ambiguous: it matches more than one passage
bad-line.csv|bad-line.csv:2: row 1: line 2 of 't1.txt' matches nothing in 't.db'
bad-header.csv|bad-header.csv:1: the header names no unit: give passage_id, id, source (with line or quote, or alone)
bad-coder.csv|bad-coder.csv:2: row 1: a coder's name cannot hold control characters (a line break or tab)
EOF
dump t.db >after.sql
test_cmp before.sql after.sql
# --keep-going stores the good rows and lists the bad
set +e
$PAPERCUT --db t.db gold import bad-code.csv --coder kim --keep-going >out 2>err
code=$?
set -e
check "keep going exit" "$code" 1
check "keep going out" "$(cat out)" "gold 'bad-code.csv' by kim: 2 rows, 1 codes, 1 rejected; stored"
check "keep going stored" "$(sql t.db "SELECT count(*) FROM decision WHERE coder = 'kim' AND verdict = 'add'")" 1

done_testing
