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
check "says where" "$(head -n 1 stdout)" "report (all dates) written to $out/"
for f in papercuts.xlsx index.html briefs/alan.md briefs/grace.md \
	papercuts-by-character.svg papercuts-by-character.png heatmap.svg heatmap.png \
	trends.svg trends.png sources.svg sources.png; do
	[ -s "$out/$f" ] || fail "$out/$f missing"
	ok
done
[ ! -e PWNED ] && [ ! -e "$out/PWNED" ] && [ ! -e PWNED2 ] || fail "user text ran as a command"
ok
grep -q "system\|PWNED\|HYPERLINK\|script\|Hangs" plot.gp && fail "user text in the gnuplot script"
ok
check "png" "$(head -c 8 "$out/trends.png" | od -An -c | tr -d ' ')" '211PNG\r\n032\n'

# the SVGs name every character that has participants, and the papercuts
for c in alan grace unknown; do
	grep -q ">$c<" "$out/papercuts-by-character.svg" || fail "bars do not name $c"
	grep -q ">$c<" "$out/heatmap.svg" || fail "heatmap does not name $c"
	ok
done
grep -q ">Docs and learning curve<" "$out/heatmap.svg" || fail "heatmap labels"
ok
grep -q "Trends: participants reporting the top papercuts, per quarter" "$out/trends.svg" || fail "trend title"
ok

$PYTHON - "$out/papercuts.xlsx" <<'PY' || fail "workbook cells"
import sys, zipfile, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames == ["Summary", "Matrix", "Trends", "Evidence", "Codebook"], wb.sheetnames
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

m = wb["Matrix"]
assert [c.value for c in m[1]] == ["Papercut \\ character (share)", "alan", "grace", "unknown", "total"]
assert [c.value for c in m[2]] == ["Pin and Unpin", 0, 1, 0, 0.2]
assert m.conditional_formatting, "no colour scale"

t = wb["Trends"]
assert [c.value for c in t[1]][:4] == ["Quarter", "Hangs' . system('touch PWNED') . '\\\\n\"",
                                       "Docs and learning curve", "Pin and Unpin"], [c.value for c in t[1]]
quarters = [r[0].value for r in t.iter_rows(min_row=2) if r[0].value]
assert quarters == ["2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"], quarters
assert [r[1].value for r in t.iter_rows(min_row=7, max_row=9)] == [1, 3, 0]   # hang Q1..Q3 2026
charts = [n for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.startswith("xl/charts/chart")]
assert charts == ["xl/charts/chart1.xml"], charts
xml = zipfile.ZipFile(sys.argv[1]).read(charts[0]).decode()
assert "<c:lineChart>" in xml and "Trends!$B$2:$B$9" in xml, xml[:300]

e = wb["Evidence"]
assert [c.value for c in e[1]] == ["Quote", "Participant", "Speaker", "Character",
                                   "Date", "Source", "Location", "Codes", "Link"]
assert e.freeze_panes == "A2" and e.auto_filter.ref == "A1:I8", (e.freeze_panes, e.auto_filter.ref)
quotes = {r[0].value: r for r in e.iter_rows(min_row=2)}
x = [r for q, r in quotes.items() if q.startswith("=cmd")][0]
assert x[0].data_type == "s", "a quote starting with = must stay text"
assert x[0].value == "=cmd|' /C calc'!A0 the request hangs <script>alert(1)</script> `rm -rf ~`"
assert x[1].value == '=HYPERLINK("http://evil")' and x[1].data_type == "s"
assert x[5].value.endswith("corpus/x1.txt") and x[6].value == "line 5" and x[7].value == "hang"
g = [r for q, r in quotes.items() if "gdb" in q][0]
assert [c.value for c in g[1:8]] == ["G1", "G1", "grace", "2026-04-20", "corpus/g1.txt", "line 7", "pin, hang"], [c.value for c in g]
# interviewer turns are never evidence
assert not any(q.startswith("Did Pin") for q in quotes)

c = wb["Codebook"]
assert [x.value for x in c[1]] == ["Id", "Kind", "Label", "Theme", "Description", "Patterns"]
ids = [r[0].value for r in c.iter_rows(min_row=2)]
assert ids == ["alan", "grace", "pin", "hang", "docs"], ids
assert c["F5"].value == "\\bhangs?\\b", c["F5"].value
PY
ok

# the HTML: self-contained, user text escaped
html="$out/index.html"
grep -q '<script' "$html" && fail "a <script> tag in index.html"
ok
grep -q '=cmd|&#39; /C calc&#39;!A0 the request hangs &lt;script&gt;alert(1)&lt;/script&gt; `rm -rf ~`' "$html" ||
	fail "the quote is not escaped text"
ok
grep -q '=HYPERLINK(&quot;http://evil&quot;)' "$html" || fail "participant not escaped"
ok
check "no remote resources" "$(grep -c 'src="http\|href="http\|url(http' "$html")" 0
check "charts inline" "$(grep -o 'src="data:image/svg+xml;base64,' "$html" | wc -l)" 4
check "title" "$(grep -o '<title>[^<]*</title>' "$html")" "<title>Papercut report, all dates</title>"
# five files of one participant each, all with a coded passage; seven
# passages carry a papercut, one of them two (grace's pin and hang)
check "headline" "$(grep -o '[0-9]* participants, [0-9]* sources, [0-9]* coded passages' "$html")" \
	"5 participants, 5 sources, 7 coded passages"

# briefs: the character's papercuts, quotes escaped for Markdown
grep -q '^1\. \*\*Pin and Unpin\*\* (`pin`): 1 of 1 participants (100%), 1 passage$' "$out/briefs/grace.md" ||
	fail "grace brief: top papercut"
ok
grep -q '^> I live in gdb. Pin\\<Box\\<T\\>\\> confuses me and the task hangs.$' "$out/briefs/grace.md" ||
	fail "grace brief: quote"
ok
grep -q 'alert(1)' "$out/briefs/grace.md" && fail "X1's quote is in grace's brief"
ok
# a quote block for a story, from search: Markdown in the quote stays text
$PAPERCUT --db t.db search calc --format md >got
cat >want <<'OUT'
> \=cmd\|' /C calc'!A0 the request hangs \<script\>alert(1)\</script\> \`rm -rf ~\`
>
> — =HYPERLINK("http://evil") (unknown), account 2026-05-05, corpus/x1.txt:5

OUT
test_cmp want got

# an empty database still makes a report, one that says so
$PAPERCUT --db empty.db report --out empty >out
check "empty says so" "$(head -n 1 out)" "report (all dates, no coded evidence) written to empty/"
for c in papercuts-by-character heatmap trends sources; do
	grep -q "No coded evidence to chart" empty/$c.svg || fail "empty chart $c"
	ok
done
grep -q 'class="empty">No coded evidence in this scope' empty/index.html || fail "empty html"
ok
$PYTHON -c "
import openpyxl
s = openpyxl.load_workbook('empty/papercuts.xlsx')['Summary']
assert s['A3'].value == 'No coded evidence in this scope.', s['A3'].value
" || fail "empty workbook"
ok
# an empty quarter of a full database says so too
$PAPERCUT --db t.db report --out q --quarter 2019Q1 >out
check "empty quarter" "$(head -n 1 out)" "report (2019Q1, no coded evidence) written to q/"
grep -q "No coded evidence from this character in scope" q/briefs/alan.md || fail "empty brief"
ok

# cells take text as XML can hold it: a control character becomes a space,
# a passage longer than a cell holds is cut, and says so
mkdir cells
printf -- '---\nparticipant: C1\n---\nthe task hangs\013here\n\n%s hangs\n' \
	"$(head -c 40000 /dev/zero | tr '\0' 'a')" >cells/c1.txt
$PAPERCUT --db cells.db --codebook "$FIXTURES/codebook" ingest cells >/dev/null
check "control character stored" "$(sql cells.db "SELECT count(*) FROM passage WHERE instr(text, char(11))")" 1
$PAPERCUT --db cells.db report --out cells-report >/dev/null
$PYTHON - <<'PY' || fail "cell text"
import openpyxl
e = openpyxl.load_workbook("cells-report/papercuts.xlsx")["Evidence"]
q = sorted((r[0].value for r in e.iter_rows(min_row=2)), key=len)
assert q[0] == "the task hangs here", repr(q[0])
assert len(q[1]) == 32000 + len(" [cut]") and q[1] == "a" * 32000 + " [cut]", len(q[1])
PY
ok

expect_fail 2 "papercut: report needs --out DIR (usage: papercut report --out DIR [--quarter Q] [--plot-script FILE] [filters])" \
	$PAPERCUT --db t.db report
touch afile
expect_fail 1 "papercut: afile: not a directory" $PAPERCUT --db t.db report --out afile
expect_fail 3 "papercut: cannot run gnuplot: not installed (scripts/install-deps.sh installs it)" \
	env PATH=/nonexistent $PAPERCUT --db t.db report --out nognuplot
done_testing
