#!/bin/sh
# Bad input in every format: one line naming the file and line (or row,
# or entry), exit 1, the database as it was. BOM and CRLF are read.
. "$(dirname "$0")/../lib.sh"

$PAPERCUT --db t.db ingest "$FIXTURES/formats/captions.srt" >/dev/null
dump t.db >before

mkdir b
head -c 300 "$FIXTURES/formats/archive/data/tweets.js" >b/tweets.js
printf '\377\376\000\000A\000\000\000' >b/u32.txt
mkdir -p b/np
printf '[ { "tweet": {} } ]\n' >b/np/tweets.js
$PYTHON -c 'print("<html><body>" + "<div>" * 100000 + "<p>the request hangs</p>" + "</div>" * 100000 + "</body></html>")' >b/deep.html
mkdir -p arc/data
cp "$FIXTURES/formats/archive/data/tweets.js" arc/data/
printf 'window.YTD.account.part0 = [ { "account" : { "username" : \n' >arc/data/account.js
printf 'window.YTD.tweets.part0 = [ { "tweet" : { "full_text" : "no id" } } ]\n' >b/tweet-noid.js
printf '{"type": "OrderedCollection", "items": []}\n' >b/outbox.json
printf '{"data": [], "includes": {}}\n[1, 2]\n' >b/pages.jsonl
printf '{"id": "1", "text": "ok"}\n{"id": "2", "text": \n' >b/cut.jsonl
printf '{"id": "1", "text": "ok"}\n\n{"id": "3", "text": x}\n' >b/lex.jsonl
printf '{"id": "1", "text": "a\\u0000b"}\n' >b/nul.jsonl
printf '{"id": "1", "text": "ok"} {}\n' >b/two.jsonl
printf '{"id": "1", "text": "ok", "created_at": "2026-11-01T10:00:00.000Z"}\n{"id": "2", "text": "when?", "created_at": "2026-13-45T10:00:00.000Z"}\n' >b/month.jsonl
printf 'Timestamp,What hurts most?\n2026/10/01 3:00:00 PM GMT+3,"never closed\nand more\n' >b/open.csv
printf 'Timestamp,What hurts\n2026/10/01 3:00:00 PM GMT+3,ok "bad" quote here\n' >b/stray.csv
printf 'who,what\na,b\n' >b/plain.csv
printf 'Timestamp,What hurts most in async Rust? Tell us.\nyesterday,"The docs are thin and I never know which runtime to pick for my service."\n' >b/baddate.csv
printf 'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v A>hi</v>\n\n00:00:05,000 --> 00:00:06.000\n<v B>there</v>\n' >b/bad.vtt
printf 'WEBVTT\n\n<v A>no timing</v>\n' >b/notime.vtt
printf 'Subtitles\n\n00:00:01.000 --> 00:00:04.000\nhi\n' >b/nohead.vtt
printf '1\n00:00:01.000 --> 00:00:02.000\nA: dot not comma\n' >b/bad.srt
printf '1\n00:99:99,000 --> 01:00:00,000\nA: no such minute\n' >b/minutes.srt
printf 'WEBVTT\n\n99999999999999999999:00:01.000 --> 99999999999999999999:00:02.000\n<v A>hi</v>\n' >b/hours.vtt
printf '10:01:02 Dana: no tabs\n' >b/chat.txt
printf 'not a zip' >b/notzip.docx
$PYTHON - <<'PY'
import zipfile
with zipfile.ZipFile('b/broken.docx', 'w') as z:
    z.writestr('word/document.xml', '<?xml version="1.0"?>\n<w:document xmlns:w="x">\n<w:body><w:p></w:body></w:document>')
with zipfile.ZipFile('b/bomb.docx', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('word/document.xml', '<a>' + 'x' * (3 << 20) + '</a>')
with zipfile.ZipFile('b/nodoc.docx', 'w') as z:
    z.writestr('other.xml', '<a/>')
print('a' * 3000, file=open('b/long.txt', 'w'))
PY
[ "$(wc -c <b/bomb.docx)" -lt 10000 ] || fail "the bomb is not small"
ok

while IFS='|' read -r code args msg; do
	# shellcheck disable=SC2086
	expect_fail "$code" "papercut: $msg" $PAPERCUT --db t.db ingest $args
	dump t.db >after
	test_cmp before after
done <<'CASES'
1|b/tweets.js|b/tweets.js:13: bad JSON: string or '}' expected near end of file
1|arc/data/tweets.js|arc/data/account.js:2: bad JSON: unexpected token near end of file
1|b/u32.txt|b/u32.txt: UTF-32 text; save it as UTF-8
1|b/np/tweets.js|b/np/tweets.js:1: not a Twitter archive (no 'window.YTD.... = [')
1|b/deep.html|b/deep.html:1: libxml2 stopped reading it: Excessive depth in document: 256 use XML_PARSE_HUGE option
1|b/tweet-noid.js|b/tweet-noid.js: tweet 1 has no id_str
1|b/outbox.json|b/outbox.json: not a Mastodon outbox (no "orderedItems" array)
1|b/pages.jsonl|b/pages.jsonl:2: neither a twarc2 page ("data": [...]) nor a flattened tweet
1|b/cut.jsonl|b/cut.jsonl:2: bad JSON: parse error: premature EOF (at the end of the line)
1|b/lex.jsonl|b/lex.jsonl:3: bad JSON: lexical error: invalid char in json text. (at byte 21 of the line)
1|b/month.jsonl|b/month.jsonl:2: date '2026-13-45T10:00:00.000Z' is not a date (ISO 8601, or the platform's own form)
1|b/nul.jsonl|b/nul.jsonl:1: bad JSON: a string holds \u0000 (at byte 30 of the line)
1|b/two.jsonl|b/two.jsonl:1: bad JSON: parse error: trailing garbage (at byte 27 of the line)
1|b/open.csv|b/open.csv:2: bad CSV in row 2: a quote opened here is never closed
1|b/stray.csv|b/stray.csv:2: bad CSV in row 2: a quote inside an unquoted field, or text after a closing quote
1|b/plain.csv|b/plain.csv: a survey CSV that is not a Qualtrics, Google Forms or LimeSurvey export needs --mapping FILE naming its free-text columns (or --map text=COLUMN for posts)
1|--map text=nope b/plain.csv|b/plain.csv:1: no column 'nope' (--map text=nope)
2|--map body=what b/plain.csv|--map takes text=COL,author=COL,date=COL,id=COL,url=COL; not 'body=what'
1|b/baddate.csv|b/baddate.csv:2: row 2: date 'yesterday' does not read
1|b/bad.vtt|b/bad.vtt:6: malformed cue timing '00:00:05,000 --> 00:00:06.000' (want 00:00:02.070 --> 00:00:04.050)
1|b/notime.vtt|b/notime.vtt:3: a cue without a timing line (START --> END)
1|b/nohead.vtt|b/nohead.vtt:1: not WebVTT (it must start with 'WEBVTT')
1|b/bad.srt|b/bad.srt:2: malformed cue timing '00:00:01.000 --> 00:00:02.000' (want 00:00:01,000 --> 00:00:04,000)
1|b/minutes.srt|b/minutes.srt:2: malformed cue timing '00:99:99,000 --> 01:00:00,000' (want 00:00:01,000 --> 00:00:04,000)
1|b/hours.vtt|b/hours.vtt:3: malformed cue timing '99999999999999999999:00:01.000 --> 99999999999999999999:00:02.000' (want 00:00:02.070 --> 00:00:04.050)
1|--kind zoom-chat b/chat.txt|b/chat.txt:1: not a Zoom chat line (HH:MM:SS<TAB>Name:<TAB>text)
1|b/notzip.docx|b/notzip.docx: not a .docx: Not a zip archive
1|b/broken.docx|b/broken.docx: word/document.xml:3: broken XML: Premature end of data in tag document line 2
1|b/nodoc.docx|b/nodoc.docx: not a Word document (no word/document.xml in the zip)
1|--max-entry-size 1 b/bomb.docx|b/bomb.docx: word/document.xml expands past the 1 MB limit (--max-entry-size)
1|--max-line-length 1 b/long.txt|b/long.txt:1: line longer than the 1 KB limit (--max-line-length)
2|--kind pdf b/long.txt|--kind takes transcript, account, blog, html, tweets, twarc, mastodon, posts, survey, vtt, srt, zoom-chat, docx; not 'pdf'
CASES

# --keep-going: the good files of a mixed batch go in, the bad are listed
set +e
$PAPERCUT --db t.db ingest --keep-going "$FIXTURES/formats/meeting.vtt" b/bad.vtt b/open.csv >out 2>err
code=$?
set -e
check "keep-going" "$code" 1
check "keep-going stored" "$(sql t.db "SELECT group_concat(format) FROM source")" "srt,vtt"
check "keep-going listed" "$(sed -n 2,3p err | tr '\n' '|')" \
	"  b/bad.vtt:6: malformed cue timing '00:00:05,000 --> 00:00:06.000' (want 00:00:02.070 --> 00:00:04.050)|  b/open.csv:2: bad CSV in row 2: a quote opened here is never closed|"

# a BOM and CRLF line ends are read, in every text format
# a line break in a file or batch name stays one line, escaped
nl="$(printf 'two\nlines')"
expect_fail 1 "papercut: two\\nlines.txt: No such file or directory" $PAPERCUT --db t.db ingest "$nl.txt"
printf 'A: the request hangs\n' >"$nl.txt"
$PAPERCUT --db names.db ingest --batch "$(printf 'b\tx')" "$nl.txt" >out
check "escaped lines" "$(cat out)" "added      account    two\\nlines.txt (1 passage)
batch 'b\\tx': 1 added, 0 replaced, 0 unchanged, 0 rejected; 1 passages"
check "escaped batches" "$($PAPERCUT --db names.db batches | sed -n 2p | cut -c1-5)" 'b\tx '

printf '\357\273\277WEBVTT\r\n\r\n00:00:01.000 --> 00:00:02.000\r\n<v Kai>the task hangs\r\n' >crlf.vtt
printf '\357\273\277Timestamp,What hurts most? Tell us the story in a few words.\r\n2026/10/01 3:00:00 PM GMT+3,"Honestly, the request hangs and nobody can tell me why, line one\r\nline two."\r\n' >crlf.csv
$PAPERCUT --db t.db ingest crlf.vtt crlf.csv >/dev/null
check "crlf vtt" "$(sql t.db "SELECT speaker || ': ' || text || ' @' || location FROM passage WHERE speaker = 'Kai'")" \
	"Kai: the task hangs @00:00:01.000"
check "crlf csv" "$(sql t.db "SELECT hex(text) FROM passage WHERE text LIKE 'Honestly%'")" \
	"$(printf 'Honestly, the request hangs and nobody can tell me why, line one\nline two.' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"
done_testing
