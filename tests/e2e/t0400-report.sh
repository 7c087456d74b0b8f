#!/bin/sh
# report: the workbook's cells (read back with openpyxl), the charts, and
# user text that stays text: in cells, in gnuplot, in file names.
. "$(dirname "$0")/../lib.sh"

# a codebook whose label tries to become gnuplot commands
mkdir cb
sed "s/^label = Diagnosing hangs/label = Hangs' . system('touch PWNED') . '\\\\\\\\n\"/" \
	"$FIXTURES/codebook/test.ini" >cb/test.ini
grep -q "system('touch PWNED')" cb/test.ini || fail "fixture codebook not made"
mkdir corpus
cp "$FIXTURES"/corpus/* corpus/
cat >corpus/x1.txt <<'TXT'
---
participant: =HYPERLINK("http://evil")
date: 2026-05-05
---
=cmd|' /C calc'!A0 the request hangs <script>alert(1)</script> `rm -rf ~`
TXT
$PAPERCUT --db t.db --codebook cb ingest corpus >/dev/null
out="my 'report' \$(touch PWNED2)"
$PAPERCUT --db t.db report --out "$out" --plot-script plot.gp >stdout
check "says where" "$(head -n 1 stdout)" "report written to $out/"
for f in papercuts.xlsx papercuts-by-character.svg papercuts-by-character.png; do
	[ -s "$out/$f" ] || fail "$out/$f missing"
	ok
done
[ ! -e PWNED ] && [ ! -e "$out/PWNED" ] && [ ! -e PWNED2 ] || fail "user text ran as a command"
ok
grep -q "system\|PWNED\|HYPERLINK\|script" plot.gp && fail "user text in the gnuplot script"
ok
check "png" "$(head -c 8 "$out/papercuts-by-character.png" | od -An -c | tr -d ' ')" '211PNG\r\n032\n'

# the SVG names every character that has participants
for c in alan grace unknown; do
	grep -q ">$c<" "$out/papercuts-by-character.svg" || fail "svg does not name $c"
	ok
done

$PYTHON - "$out/papercuts.xlsx" <<'PY' || fail "workbook cells"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames == ["Summary", "Evidence"], wb.sheetnames
s = wb["Summary"]
head = [c.value for c in s[1]]
assert head[:6] == ["Papercut", "Label", "Theme", "alan passages", "alan participants",
                    "alan share (n=2)"], head
assert "total share (n=5)" in head, head
rows = {r[0].value: [c.value for c in r] for r in s.iter_rows(min_row=2)}
hang = rows["hang"]
assert hang[1] == "Hangs' . system('touch PWNED') . '\\\\n\"", hang[1]
col = {h: i for i, h in enumerate(head)}
assert hang[col["alan passages"]] == 3 and hang[col["alan participants"]] == 2
assert hang[col["total participants"]] == 4
assert abs(hang[col["total share (n=5)"]] - 0.8) < 1e-9
assert rows["pin"][col["grace share (n=1)"]] == 1
assert s.freeze_panes == "B2", s.freeze_panes

e = wb["Evidence"]
assert [c.value for c in e[1]] == ["Quote", "Speaker", "Participant", "Character",
                                   "Date", "Source", "Codes"]
assert e.freeze_panes == "A2" and e.auto_filter.ref == "A1:G8", (e.freeze_panes, e.auto_filter.ref)
quotes = {r[0].value: r for r in e.iter_rows(min_row=2)}
x = [r for q, r in quotes.items() if q.startswith("=cmd")][0]
assert x[0].data_type == "s", "a quote starting with = must stay text"
assert x[0].value == "=cmd|' /C calc'!A0 the request hangs <script>alert(1)</script> `rm -rf ~`"
assert x[2].value == '=HYPERLINK("http://evil")' and x[2].data_type == "s"
assert x[5].value.endswith("corpus/x1.txt:5") and x[6].value == "hang"
g = [r for q, r in quotes.items() if "gdb" in q][0]
assert [c.value for c in g[1:7]] == ["G1", "G1", "grace", "2026-04-20", "corpus/g1.txt:7", "pin, hang"], [c.value for c in g]
# interviewer turns are never evidence
assert not any(q.startswith("Did Pin") for q in quotes)
PY
ok

# an empty database still makes a report, one that says so
$PAPERCUT --db empty.db report --out empty >/dev/null
grep -q "No coded evidence to chart" empty/papercuts-by-character.svg || fail "empty chart"
ok
$PYTHON -c "
import openpyxl
s = openpyxl.load_workbook('empty/papercuts.xlsx')['Summary']
assert s['A2'].value == 'No coded evidence in this database.', s['A2'].value
" || fail "empty workbook"
ok

expect_fail 2 "papercut: report needs --out DIR (usage: papercut report --out DIR [--plot-script FILE] [filters])" \
	$PAPERCUT --db t.db report
touch afile
expect_fail 1 "papercut: afile: not a directory" $PAPERCUT --db t.db report --out afile
expect_fail 3 "papercut: cannot run gnuplot: not installed (scripts/install-deps.sh installs it)" \
	env PATH=/nonexistent $PAPERCUT --db t.db report --out nognuplot
done_testing
