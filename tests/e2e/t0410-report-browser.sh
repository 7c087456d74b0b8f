#!/bin/sh
# The HTML report as a reader sees it, in headless Chromium: it renders,
# every chart image loads, no console error, and hostile quotes show as
# text. The screenshot is kept in build/test/artifacts/.
. "$(dirname "$0")/../lib.sh"

mkdir corpus
cp "$FIXTURES"/corpus/* corpus/
cat >corpus/x1.txt <<'TXT'
---
participant: <img src=x onerror=alert(2)>
date: 2026-05-05
---
I wrote Java and the request hangs <script>alert(1)</script> "quoted" & done
TXT
$PAPERCUT --db t.db --codebook "$FIXTURES/codebook" ingest corpus >/dev/null
$PAPERCUT --db t.db report --out out >/dev/null
mkdir -p "$TOP/build/test/artifacts"
shot="$TOP/build/test/artifacts/report.png"
$PYTHON "$TOP/tests/browser/check_page.py" out/index.html "$shot" \
	'I wrote Java and the request hangs <script>alert(1)</script> "quoted" & done' \
	'<img src=x onerror=alert(2)>' >log || { cat log >&2; fail "the page as Chromium shows it"; }
ok
check "charts" "$(sed -n 's/.*, \([0-9]*\) images.*/\1/p' log)" 4
[ -s "$shot" ] && head -c 4 "$shot" | od -An -c | grep -q 'P   N   G' || fail "no screenshot"
ok

# and an empty report renders too
$PAPERCUT --db empty.db report --out empty >/dev/null
$PYTHON "$TOP/tests/browser/check_page.py" empty/index.html empty.png \
	'No coded evidence in this scope' >log || { cat log >&2; fail "the empty page"; }
ok
done_testing
