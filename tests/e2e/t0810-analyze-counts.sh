#!/bin/sh
# Speed never changes results: analyze counts in one pass in C (core/tally.c);
# on a generated corpus its numbers must be those of the plain SQL that
# defines them, written here once more, with and without filters.
. "$(dirname "$0")/../lib.sh"

$PYTHON "$TOP/scripts/gen-corpus" corpus 1 11 >/dev/null
$PAPERCUT --db t.db ingest --batch b corpus >/dev/null

while IFS='|' read -r args; do
	# shellcheck disable=SC2086
	$PAPERCUT --db t.db analyze --json $args >got.json || fail "analyze $args failed"
	check "analyze $args" "$($PYTHON - "$args" <<'PY'
import json, sqlite3, sys

opt = dict(zip(sys.argv[1].split()[::2], sys.argv[1].split()[1::2]))
got = json.load(open("got.json"))
db = sqlite3.connect("t.db")
chars = [r[0] for r in db.execute(
    "SELECT id FROM code WHERE kind = 'character' ORDER BY position")]
db.execute(f"""CREATE TEMP TABLE ev AS SELECT p.id, p.participant_id AS pid, p.date,
    CASE WHEN pt.character IN ({','.join('?' * len(chars))}) THEN pt.character
    ELSE 'unknown' END AS ch,
    (? IS NULL OR substr(p.date, 1, 10) >= ?) AND (? IS NULL OR substr(p.date, 1, 10) <= ?)
      AS in_range
    FROM passage p JOIN participant pt ON pt.id = p.participant_id
    JOIN source s ON s.id = p.source_id
    WHERE p.interviewer = 0 AND (? IS NULL OR s.format = ?)
    AND (? IS NULL OR pt.character = ?)""",
    chars + [opt.get("--since")] * 2 + [opt.get("--until")] * 2
    + [opt.get("--kind")] * 2 + [opt.get("--character")] * 2)
db.execute("""CREATE TEMP TABLE hit AS SELECT ev.*, c.code_id AS code, k.theme
    FROM ev JOIN coding c ON c.passage_id = ev.id JOIN code k ON k.id = c.code_id
    WHERE k.kind = 'papercut' AND (? IS NULL OR k.theme = ?)""", [opt.get("--theme")] * 2)
bad = []
def same(what, want, have):
    if want != have:
        bad.append(f"{what}: want {want} got {have}")
n = dict(db.execute("SELECT ch, count(DISTINCT pid) FROM ev WHERE in_range GROUP BY 1"))
n["total"] = sum(n.values())
for c in got["characters"]:
    same("n " + c["id"], n.get(c["id"], 0), c["participants"])
for key, table in (("code", "cells"), ("theme", "themes")):
    want = {}
    for k, ch, a, b in db.execute(f"""SELECT {key}, ch, count(DISTINCT id || ' ' || code),
            count(DISTINCT pid) FROM hit WHERE in_range GROUP BY 1, 2
            UNION ALL SELECT {key}, 'total', count(DISTINCT id || ' ' || code),
            count(DISTINCT pid) FROM hit WHERE in_range GROUP BY 1"""):
        want[k, ch] = (a, b) if key == "code" else (None, b)
    if key == "theme":
        for k, ch, a in db.execute("""SELECT theme, ch, count(DISTINCT id) FROM hit
                WHERE in_range GROUP BY 1, 2 UNION ALL SELECT theme, 'total',
                count(DISTINCT id) FROM hit WHERE in_range GROUP BY 1"""):
            want[k, ch] = (a, want[k, ch][1])
    for c in got[table]:
        same(f"{table} {c[key]} {c['character']}", want.get((c[key], c["character"]), (0, 0)),
             (c["passages"], c["participants"]))
pairs = {(a, b): n for a, b, n in db.execute("""SELECT x.code, y.code, count(DISTINCT x.pid)
    FROM hit x JOIN hit y ON y.pid = x.pid AND x.code < y.code
    WHERE x.in_range AND y.in_range GROUP BY 1, 2""")}
same("pairs", pairs, {tuple(p["codes"]): p["participants"] for p in got["pairs"]})
for t in got["trends"]:
    y, q = int(t["quarter"][:4]), int(t["quarter"][5])
    want = db.execute("""SELECT count(DISTINCT pid), count(*) FROM hit WHERE code = ?
        AND substr(date, 1, 7) BETWEEN ? AND ?""",
        (t["code"], f"{y}-{3 * q - 2:02d}", f"{y}-{3 * q:02d}")).fetchone()
    same(f"trend {t['code']} {t['quarter']}", want, (t["participants"], t["passages"]))
print(len(got["cells"]) > 0 and len(got["trends"]) > 0, bad[:3])
PY
)" "True []"
done <<'CASES'

--kind blog
--character grace
--since 2025-03-01 --until 2025-11-15
--theme runtime --quarters 4
CASES
done_testing
