#!/bin/sh
# Speed never changes results: on a generated corpus, where a common word
# matches thousands of passages and search sorts only the best of them
# until its filters ask for more, the hits and their order are those of
# plain SQL: bm25() best first, ties newest first (undated last), then id;
# also where a --code few matches have is looked up apart (keep_coded).
# And listings without a query, which walk the date index for a common
# code and the code's codings for a rare one, list what plain SQL does.
. "$(dirname "$0")/../lib.sh"

$PYTHON "$TOP/scripts/gen-corpus" corpus 1 5 >/dev/null
# two batches, for --batch: the files whose number is even in the second
$PAPERCUT --db t.db ingest --batch b corpus/0000/*[13579].* >/dev/null
$PAPERCUT --db t.db ingest --batch c corpus/0000/*[02468].* >/dev/null
# and posts that tie (the same words), twelve of them on one day: which of
# those come first, the day keys cannot say (check_ties); four from before
# 1970, which have no key and are read first, but bound nothing
$PYTHON - <<'PY' >ties.jsonl
import json
for k in range(24):
    day, hour = ("2026-03-05", k + 1) if k < 12 else ("2026-03-04", k) if k < 20 else \
        ("1969-07-20", k)
    print(json.dumps({"id": str(9000 + k), "text": "Zebra quokka.", "author_id": "1",
                      "author": {"username": "zq"}, "created_at": f"{day}T{hour:02d}:00:00.000Z"}))
PY
$PAPERCUT --db t.db ingest --batch z ties.jsonl >/dev/null

while IFS='|' read -r q args; do
	# shellcheck disable=SC2086
	$PAPERCUT --db t.db search "$q" $args --format json >got.json || fail "search $q $args"
	check "search $q $args" "$($PYTHON - "$q" "$args" <<'PY'
import json, sqlite3, sys

q, args = sys.argv[1], sys.argv[2].split()
codes = [v for k, v in zip(args[::2], args[1::2]) if k == "--code"]
opt = dict(zip(args[::2], args[1::2]))
limit = int(opt.get("--limit", 20))
db = sqlite3.connect("t.db")
rows = db.execute(f"""SELECT p.id FROM passage_fts f JOIN passage p ON p.id = f.rowid
    JOIN participant pt ON pt.id = p.participant_id JOIN source s ON s.id = p.source_id
    WHERE passage_fts MATCH ? AND p.interviewer = 0
    AND (? IS NULL OR pt.character = ?) AND (? IS NULL OR s.format = ?)
    AND (? IS NULL OR s.batch_id = (SELECT id FROM batch WHERE name = ?))
    AND (? IS NULL OR EXISTS (SELECT 1 FROM coding c JOIN code k ON k.id = c.code_id
                              WHERE c.passage_id = p.id AND k.theme = ?))
    {''.join(" AND EXISTS (SELECT 1 FROM coding WHERE passage_id = p.id AND code_id = ?)"
             for _ in codes)}
    ORDER BY bm25(passage_fts), p.date IS NULL, p.date DESC, p.id""",
    [q] + [opt.get("--character")] * 2 + [opt.get("--kind")] * 2
    + [opt.get("--batch")] * 2 + [opt.get("--theme")] * 2 + codes).fetchall()
want = [r[0] for r in rows[:limit]]
got = [h["id"] for h in json.load(open("got.json"))]
n = db.execute("SELECT count(*) FROM passage_fts WHERE passage_fts MATCH ?", (q,)).fetchone()[0]
# enough matches that only the best are sorted at first, and hits to find
print(n > 4 * (limit + 1) and len(want) > 0, "same" if got == want else (got, want))
PY
)" "True same"
done <<'CASES'
zebra|--limit 3
quokka|--limit 1
gdb|--limit 1
gdb|--limit 3 --character barbara
hangs|--limit 2 --kind survey
gdb|--limit 3 --batch c
hangs|--limit 2 --batch b --kind survey
gdb|--limit 3 --theme runtime
the|--limit 2 --theme learning --kind blog
async|--limit 5 --character niklaus --kind blog
the|--limit 1 --character grace
gdb|--limit 3 --code pin
gdb|--limit 3 --code parallelism
hangs|--limit 2 --code grace
async|--limit 4 --code pin --code alan
the|--limit 4 --code io-uring --character alan
CASES

while IFS='|' read -r args; do
	# shellcheck disable=SC2086
	$PAPERCUT --db t.db search $args --format json >got.json || fail "search $args"
	check "search $args" "$($PYTHON - "$args" <<'PY'
import json, sqlite3, sys

args = sys.argv[1].split()
codes = [v for k, v in zip(args[::2], args[1::2]) if k == "--code"]
opt = dict(zip(args[::2], args[1::2]))
db = sqlite3.connect("t.db")
rows = db.execute(f"""SELECT p.id FROM passage p JOIN source s ON s.id = p.source_id
    WHERE p.interviewer = 0 AND (? IS NULL OR s.format = ?)
    AND (? IS NULL OR s.batch_id = (SELECT id FROM batch WHERE name = ?))
    AND (? IS NULL OR EXISTS (SELECT 1 FROM coding c JOIN code k ON k.id = c.code_id
                              WHERE c.passage_id = p.id AND k.theme = ?))
    {''.join(" AND EXISTS (SELECT 1 FROM coding WHERE passage_id = p.id AND code_id = ?)"
             for _ in codes)}
    ORDER BY p.date IS NULL, p.date DESC, p.source_id, p.seq""",
    [opt.get("--kind")] * 2 + [opt.get("--batch")] * 2 + [opt.get("--theme")] * 2
    + codes).fetchall()
want = [r[0] for r in rows[:int(opt["--limit"])]]
got = [h["id"] for h in json.load(open("got.json"))]
print(len(want) > 0, "same" if got == want else (got, want))
PY
)" "True same"
done <<'CASES'
--code grace --limit 1
--code grace --limit 2 --batch c
--theme runtime --limit 3
--code parallelism --limit 3 --kind blog
--code grace --code parallelism --limit 2
--code tooling --limit 5
CASES
done_testing
