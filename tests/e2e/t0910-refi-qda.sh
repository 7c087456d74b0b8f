#!/bin/sh
# REFI-QDA: export qdpx and qdc (valid against the standard's schemas when
# they are at hand, selections that are their codings' words, stable
# GUIDs), the round trip through import, a QualCoder-style project with a
# BOM and CRLF, ATLAS.ti's example, and bad files refused.
. "$(dirname "$0")/../lib.sh"

CB="--codebook $FIXTURES/codebook"
SCHEMAS=$TOP/../shared/formats
# a transcript with CRLF line ends, accents and an emoji; a post of two codes
printf -- '---\r\nparticipant: Zo\303\253\r\ninterviewer: Ivy\r\n---\r\nIvy: Did it hang?\r\nZo\303\253: Yes \360\237\230\200 \342\200\224 the request hangs when Pin<&mut Self> is used, caf\303\251.\r\nIvy: And the docs?\r\nZo\303\253: The docs are thin, I wrote Java before.\r\n' >z1.txt
printf 'Ann: hi\nT2: my task hangs in gdb\n' >t2.txt
$PAPERCUT --db t.db $CB ingest z1.txt t2.txt >/dev/null
sqlite3 t.db ".backup rt.db"            # for the round trip, before any decision
$PAPERCUT --db t.db code 4 docs --reject --coder kim >/dev/null

check "export" "$($PAPERCUT --db t.db export qdpx p.qdpx)" \
	"exported 2 sources, 5 coded selections by 1 user and 2 cases to p.qdpx"
$PYTHON - p.qdpx t.db <<'PY' || fail "selections"
import sqlite3, sys, zipfile, xml.etree.ElementTree as ET
Q = "{urn:QDA-XML:project:1.0}"
z = zipfile.ZipFile(sys.argv[1])
assert sorted(n.split("/")[0] for n in z.namelist()) == ["project.qde", "sources", "sources"], z.namelist()
root = ET.fromstring(z.read("project.qde"))
users = {u.get("guid"): u.get("name") for u in root.iter(Q + "User")}
assert sorted(users.values()) == ["papercut rules"], users
codes = {c.get("guid"): c.get("name") for c in root.iter(Q + "Code") if c.get("isCodable") == "true"}
got = []
for ts in root.iter(Q + "TextSource"):
    text = z.read("sources/" + ts.get("plainTextPath").split("://")[1]).decode("utf-8")
    assert not text.startswith("\ufeff") and "\r" not in text
    for sel in ts.iter(Q + "PlainTextSelection"):
        s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
        for c in sel.iter(Q + "CodeRef"):
            got.append((ts.get("name"), codes[c.get("targetGUID")], text[s:e]))
db = sqlite3.connect(sys.argv[2])
want = [(path, label, bytes(t.encode())[sb:eb].decode()) for path, label, t, sb, eb in db.execute(
    "SELECT s.path, k.label, p.text, c.start_byte, c.end_byte FROM coding c"
    " JOIN passage p ON p.id = c.passage_id JOIN source s ON s.id = p.source_id"
    " JOIN code k ON k.id = c.code_id WHERE p.interviewer = 0"
    " AND NOT (c.passage_id = 4 AND c.code_id = 'docs')")]
# interviewer turns and the rejected docs coding are not exported; every
# other coding is, as its words
assert sorted(got) == sorted(want), (sorted(got), sorted(want))
assert ("z1.txt", "Pin and Unpin", "Pin<") in got, got
PY
ok

# the same database gives the same project but for its creation time
$PAPERCUT --db t.db export qdpx again.qdpx >/dev/null
for f in p again; do
	$PYTHON -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("project.qde"))' \
		$f.qdpx | sed 's/creationDateTime="[^"]*"//' >$f.qde
done
test_cmp p.qde again.qde
check "qdc" "$($PAPERCUT --db t.db export qdc c.qdc)" "exported the codebook to c.qdc"
if [ -f "$SCHEMAS/Project.xsd" ] && command -v xmllint >/dev/null; then
	xmllint --noout --schema "$SCHEMAS/Project.xsd" p.qde 2>err || fail "project.qde: $(cat err)"
	ok
	xmllint --noout --schema "$SCHEMAS/Codebook.xsd" c.qdc 2>err || fail "c.qdc: $(cat err)"
	ok
fi
$PAPERCUT import qdc c.qdc >c.ini
grep -q '^\[hang\]$' c.ini && grep -q '^label = Diagnosing hangs$' c.ini || fail "qdc: $(cat c.ini)"
ok

# round trip: what the rules coded, imported as a coder, agrees everywhere
$PAPERCUT --db rt.db export qdpx rt.qdpx >/dev/null
$PAPERCUT --db rt.db import qdpx rt.qdpx >out
check "rules' own left out" "$(tail -n 1 out)" \
	'left out: 4 codings by "papercut rules" (the rules'"'"' own; --coder imports them)'
check "import as X" "$($PAPERCUT --db rt.db import qdpx rt.qdpx --coder X)" \
	"imported rt.qdpx: 4 codings on 4 passages of 2 sources, by X"
$PAPERCUT --db rt.db agreement --coder X --json >rt.json
$PYTHON -c '
import json
d = json.load(open("rt.json"))
assert d["micro"]["f1"] == 1 and d["micro"]["kappa"] == 1, d["micro"]
assert all(c["f1"] == 1 for c in d["codes"] if c["tp"]), d["codes"]
' || fail "round trip"
ok

# A QualCoder-style project: Sources/ in capitals, a .qde of another
# name, the source with a BOM and CRLF, codes by id, by label and one
# unknown, positions in code points of that text.
$PYTHON - z1.txt qc.qdpx <<'PY'
import sys, zipfile
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8")                    # CRLF, as the tool keeps it
def sel(guid, quote, code, user):
    s = text.index(quote)
    return ('<PlainTextSelection guid="%s" startPosition="%d" endPosition="%d" creatingUser="%s">'
            '<Coding guid="%s1" creatingUser="%s"><CodeRef targetGUID="%s"/></Coding>'
            '</PlainTextSelection>' % (guid, s, s + len(quote), user, guid[:-1], user, code))
U1, U2 = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
C1, C2, C3 = ("AAAAAAAA-0000-0000-0000-00000000000" + d for d in "123")
qde = ('<?xml version="1.0" encoding="utf-8"?>'
       '<Project xmlns="urn:QDA-XML:project:1.0" name="qc" origin="QualCoder 3.5">'
       '<Users><User guid="%s" name="Ann"/><User guid="%s" name="Bo"/></Users>'
       '<CodeBook><Codes><Code guid="%s" name="hang" isCodable="true"/>'
       '<Code guid="%s" name="Pin and Unpin" isCodable="true"/>'
       '<Code guid="%s" name="happiness" isCodable="true"/></Codes></CodeBook>'
       '<Sources><TextSource guid="BBBBBBBB-0000-0000-0000-000000000001" name="z1.txt"'
       ' plainTextPath="internal://BBBBBBBB-0000-0000-0000-000000000001.txt">%s%s%s%s'
       '</TextSource></Sources></Project>') % (
    U1, U2, C1, C2, C3,
    sel("CCCCCCCC-0000-0000-0000-000000000001", "request hangs", C1, U1),
    sel("CCCCCCCC-0000-0000-0000-000000000002", "Pin<&mut Self>", C2, U2),
    sel("CCCCCCCC-0000-0000-0000-000000000003", "caf\u00e9", C3, U1),
    sel("CCCCCCCC-0000-0000-0000-000000000004", "\r\nZo\u00eb:", C1, U1))
z = zipfile.ZipFile(sys.argv[2], "w")
z.writestr("qualcoder.qde", qde)
z.writestr("Sources/BBBBBBBB-0000-0000-0000-000000000001.txt", b"\xef\xbb\xbf" + raw)
z.close()
PY
$PAPERCUT --db t.db import qdpx qc.qdpx >out
cat >want <<'OUT'
imported qc.qdpx: 2 codings on 2 passages of 1 source, by Ann, Bo
not imported, codes that are not papercuts of the codebook: happiness
not imported: 1 selection between passages
OUT
test_cmp want out
check "qc decisions" "$(sql t.db "SELECT coder || ':' || passage_id || ':' || code_id FROM decision
	WHERE coder IN ('Ann', 'Bo') AND verdict = 'add' ORDER BY coder")" "Ann:2:hang
Bo:2:pin"

# ATLAS.ti's example project: nothing of it is papercut's, and it says so
if [ -f "$SCHEMAS/atlasti8_spec_example_project.qde" ]; then
	$PYTHON -c 'import sys, zipfile; z = zipfile.ZipFile("atlas.qdpx", "w"); z.write(sys.argv[1], "project.qde")' \
		"$SCHEMAS/atlasti8_spec_example_project.qde"
	$PAPERCUT --db t.db import qdpx atlas.qdpx >out
	grep -q '^imported atlas.qdpx: 0 codings on 0 passages of 0 sources, by nobody$' out &&
		grep -q '^not imported, sources not in the database: 1960s Coca Cola commercial - Audio.docx, ' out ||
		fail "atlas: $(cat out)"
	ok
fi

# bad files: one line, the database unchanged
dump t.db >before.sql
printf 'not a zip' >bad.qdpx
$PYTHON -c 'import zipfile; z = zipfile.ZipFile("broken.qdpx", "w"); z.writestr("project.qde", "<Project><Users>"); z.close()'
$PYTHON -c 'import zipfile; z = zipfile.ZipFile("empty.qdpx", "w"); z.writestr("readme.txt", "hi"); z.close()'
expect_fail 1 "papercut: bad.qdpx: not a .qdpx (zip) file: Not a zip archive" \
	$PAPERCUT --db t.db import qdpx bad.qdpx
expect_fail 1 "papercut: empty.qdpx: no project.qde (or other .qde) inside" \
	$PAPERCUT --db t.db import qdpx empty.qdpx
set +e
$PAPERCUT --db t.db import qdpx broken.qdpx 2>err
code=$?
set -e
check "broken exit" "$code" 1
check "broken message" "$(wc -l <err | tr -d ' '):$(cut -c1-61 err)" \
	"1:papercut: broken.qdpx: project.qde: not well-formed XML (line"
dump t.db >after.sql
test_cmp before.sql after.sql

done_testing
