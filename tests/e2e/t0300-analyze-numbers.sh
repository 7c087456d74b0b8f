#!/bin/sh
# analyze: counts worked out by hand from tests/fixtures/corpus.
#
# Participants: A1 (alan: "Java"), A2 (alan), G1 (grace: "gdb"), U1 (no
# cue: unknown); so n = 2, 1, 1 and 4 in all. Interviewer Ivy names Pin<
# and "hang" in A1's interview: that never counts.
#   hang: A1 twice, A2 once -> alan 3 passages, 2 of 2 participants;
#         G1 once -> grace 1/1; U1 "hang out" is excluded.
#         total 4 passages, 3 of 4 = 0.75, Wilson 95% [0.30064, 0.95441]
#   pin:  G1 only -> grace 1/1, total 1 of 4 = 0.25 [0.04559, 0.69936]
#   docs: A1 and U1 -> alan 1 of 2 = 0.5 [0.09453, 0.90547],
#         unknown 1 of 1 [0.20655, 1], total 2 of 4 = 0.5 [0.15004, 0.84996]
. "$(dirname "$0")/../lib.sh"

$PAPERCUT --db t.db --codebook "$FIXTURES/codebook" ingest "$FIXTURES/corpus" >/dev/null

$PAPERCUT --db t.db analyze --csv >got.csv
cat >want.csv <<'OUT'
code,label,theme,character,passages,participants,character_participants,share,share_low,share_high
pin,Pin and Unpin,compiling,alan,0,0,2,0,0,0.65762
pin,Pin and Unpin,compiling,grace,1,1,1,1,0.206549,1
pin,Pin and Unpin,compiling,unknown,0,0,1,0,0,0.793451
pin,Pin and Unpin,compiling,total,1,1,4,0.25,0.0455873,0.699358
hang,Diagnosing hangs,debugging,alan,3,2,2,1,0.34238,1
hang,Diagnosing hangs,debugging,grace,1,1,1,1,0.206549,1
hang,Diagnosing hangs,debugging,unknown,0,0,1,0,0,0.793451
hang,Diagnosing hangs,debugging,total,4,3,4,0.75,0.300642,0.954413
docs,Docs and learning curve,learning,alan,1,1,2,0.5,0.0945312,0.905469
docs,Docs and learning curve,learning,grace,0,0,1,0,0,0.793451
docs,Docs and learning curve,learning,unknown,1,1,1,1,0.206549,1
docs,Docs and learning curve,learning,total,2,2,4,0.5,0.150039,0.849961
OUT
tr -d '\r' <got.csv >got.lf
test_cmp want.csv got.lf

# JSON: the same numbers, read back by a JSON parser
$PAPERCUT --db t.db analyze --json >got.json
$PYTHON - got.json <<'PY' || fail "json numbers"
import json, sys
d = json.load(open(sys.argv[1]))
assert [(c["id"], c["participants"]) for c in d["characters"]] == \
    [("alan", 2), ("grace", 1), ("unknown", 1), ("total", 4)], d["characters"]
cell = {(c["code"], c["character"]): c for c in d["cells"]}
h = cell[("hang", "total")]
assert (h["passages"], h["participants"], h["character_participants"]) == (4, 3, 4)
assert abs(h["share"] - 0.75) < 1e-9
assert abs(h["share_low"] - 0.30064) < 1e-4 and abs(h["share_high"] - 0.95441) < 1e-4, h
assert cell[("hang", "alan")]["passages"] == 3
assert cell[("docs", "unknown")]["share"] == 1
assert abs(cell[("docs", "alan")]["share_low"] - 0.09453) < 1e-4
assert len(d["cells"]) == 12
PY
ok

# aligned text, most reported first
$PAPERCUT --db t.db analyze >got.txt
head -n 7 got.txt >got.head
cat >want.txt <<'OUT'
papercut                         alan          grace        unknown          total
                                (n=2)          (n=1)          (n=1)          (n=4)
hang                     2  100%    3   1  100%    1   0    0%    0   3   75%    4
docs                     1   50%    1   0    0%    0   1  100%    1   2   50%    2
pin                      0    0%    0   1  100%    1   0    0%    0   1   25%    1

each cell: participants, share of the character's participants (n), passages
OUT
test_cmp want.txt got.head
# one table as text
$PAPERCUT --db t.db analyze --table matrix >got.matrix
test_cmp want.txt got.matrix

# themes, trends, over-representation and pairs, worked out by hand:
#   trends over 2026Q1..Q3 (the newest source is 2026-07-01):
#     hang Q1: A1 (1 participant, 2 passages), Q2: A2 + G1 (2, 2), Q3: 0
#     pin  Q2: G1, new that quarter;  docs Q1: A1, Q3: U1
#   Fisher, one-sided (a of n for the character, c of m for the others):
#     grace/pin  1 of 1 vs 0 of 3: p = C(1,1)C(3,0)/C(4,1) = 1/4
#     alan/hang  2 of 2 vs 1 of 2: p = C(3,2)C(1,0)/C(4,2) = 1/2
#     grace/hang 1 of 1 vs 2 of 3: p = C(3,1)/C(4,1) = 3/4
#     alan/docs  1 of 2 vs 1 of 2: p = 1 - C(2,2)/C(4,2) = 5/6
#     Benjamini-Hochberg over these 4: every q = min(5/6, 4p/rank) = 5/6
#   pairs: A1 docs + hang, G1 hang + pin
$PAPERCUT --db t.db analyze --json --quarters 3 >all.json
$PYTHON - all.json <<'PY' || fail "json tables"
import json, sys
d = json.load(open(sys.argv[1]))
th = {(t["theme"], t["character"]): t for t in d["themes"]}
assert (th[("debugging", "total")]["participants"], th[("debugging", "total")]["passages"]) == (3, 4)
assert th[("learning", "unknown")]["share"] == 1
assert d["quarters"] == ["2026Q1", "2026Q2", "2026Q3"], d["quarters"]
tr = {(t["code"], t["quarter"]): t for t in d["trends"]}
def row(code, q):
    t = tr[(code, q)]
    return (t["participants"], t["passages"], t["rank"], t["change"], t["rank_change"], t["new"])
assert row("hang", "2026Q1") == (1, 2, 1, 1, None, True), row("hang", "2026Q1")
assert row("hang", "2026Q2") == (2, 2, 1, 1, 0, False), row("hang", "2026Q2")
assert row("hang", "2026Q3") == (0, 0, None, -2, None, False), row("hang", "2026Q3")
assert row("docs", "2026Q1") == (1, 1, 2, 1, None, True)
assert row("pin", "2026Q2") == (1, 1, 2, 1, None, True)
assert row("docs", "2026Q3") == (1, 1, 1, 1, None, False)
assert row("pin", "2026Q3") == (0, 0, None, -1, None, False)
o = d["over_representation"]
assert o["tests"] == 4 and o["method"].startswith("Fisher"), o
got = {(r["character"], r["code"]): (r["participants"], r["character_participants"],
        r["others_participants"], r["others"], round(r["p"], 6), round(r["q"], 6), r["significant"])
       for r in o["results"]}
assert got == {
    ("grace", "pin"): (1, 1, 0, 3, 0.25, 0.833333, False),
    ("alan", "hang"): (2, 2, 1, 2, 0.5, 0.833333, False),
    ("grace", "hang"): (1, 1, 2, 3, 0.75, 0.833333, False),
    ("alan", "docs"): (1, 2, 1, 2, 0.833333, 0.833333, False),
}, got
assert d["pairs"] == [{"codes": ["docs", "hang"], "participants": 1},
                      {"codes": ["hang", "pin"], "participants": 1}], d["pairs"]
PY
ok
check "csv table" "$($PAPERCUT --db t.db analyze --csv --table pairs | tr -d '\r' | tr '\n' ' ')" \
	"code_a,code_b,participants docs,hang,1 hang,pin,1 "
check "over text" "$(sed -n '/^over-represented/,/^$/p' got.txt | tail -n 2 | head -n 1)" \
	"none of 4 tests (smallest q 0.833): no difference the data can support"

# a character that really stands out: 5 Grace-like participants report pin,
# none of 5 others do: p = 1/C(10,5) = 1/252, q = p (one test)
mkdir big
for i in 1 2 3 4 5; do
	printf 'I live in gdb, Pin<T> again (%s).\n' $i >big/g$i.md
	printf 'I wrote Java, it was fine (%s).\n' $i >big/a$i.md
done
$PAPERCUT --db big.db --codebook "$FIXTURES/codebook" ingest big >/dev/null
$PAPERCUT --db big.db analyze --csv --table over | tr -d '\r' >got
cat >want <<'OUT'
character,code,participants,character_participants,others_participants,others,p,q,significant
grace,pin,5,5,0,5,0.00396825,0.00396825,1
OUT
test_cmp want got
check "over text listed" "$($PAPERCUT --db big.db analyze | sed -n '/^over-represented/,/^$/p' | sed -n 5p)" \
	"grace      pin                       5 of 5      0 of 5     0.0040   0.0040"

# filters: 2026Q2 holds A2 (04-02) and G1 (04-20) only
check "quarter" "$($PAPERCUT --db t.db analyze --csv --quarter 2026Q2 | grep '^hang' | tr -d '\r' | cut -d, -f4-7 | tr '\n' ' ')" \
	"alan,1,1,1 grace,1,1,1 unknown,0,0,0 total,2,2,2 "
check "since/until" "$($PAPERCUT --db t.db analyze --csv --since 2026-04-01 --until 2026-06-30 | md5sum)" \
	"$($PAPERCUT --db t.db analyze --csv --quarter 2026Q2 | md5sum)"
check "character" "$($PAPERCUT --db t.db analyze --csv --character alan | grep '^hang,.*,total,' | tr -d '\r' | cut -d, -f5-8)" \
	"3,2,2,1"
check "theme" "$($PAPERCUT --db t.db analyze --csv --theme learning | tr -d '\r' | cut -d, -f1 | sort -u | tr '\n' ' ')" \
	"code docs "
check "kind" "$($PAPERCUT --db t.db analyze --csv --kind account | grep '^docs,.*,total,' | tr -d '\r' | cut -d, -f5-7)" \
	"1,1,1"
check "empty quarter" "$($PAPERCUT --db t.db analyze --csv --quarter 2020Q1 | grep ',total,' | tr -d '\r' | cut -d, -f5-8 | sort -u)" \
	"0,0,0,"

expect_fail 2 "papercut: quarter '2026Q5' is not of the form 2026Q3" $PAPERCUT --db t.db analyze --quarter 2026Q5
expect_fail 2 "papercut: --since takes a date YYYY-MM-DD, not 'yesterday'" $PAPERCUT --db t.db analyze --since yesterday
expect_fail 2 "papercut: --table takes matrix, themes, trends, over or pairs, not 'all'" \
	$PAPERCUT --db t.db analyze --table all
expect_fail 2 "papercut: analyze takes no operands (usage: papercut analyze [--table T] [--csv|--json] [--quarters N] [filters])" \
	$PAPERCUT --db t.db analyze hang
done_testing
