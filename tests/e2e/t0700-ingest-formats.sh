#!/bin/sh
# Every reader on tests/fixtures/formats and tests/fixtures/mapped: the
# passages, speakers, participants, dates and provenance in the database,
# offsets into the stored text, and a second ingest that adds nothing.
. "$(dirname "$0")/../lib.sh"

cp -r "$FIXTURES/formats" f
cp -r "$FIXTURES/mapped" m
# a Word document: turns in paragraphs, one run split in two, a tab
$PYTHON - f/interview.docx <<'PY'
import sys, zipfile
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
paras = ["<w:r><w:t>Interviewer: What hurts?</w:t></w:r>",
         "<w:r><w:t xml:space=\"preserve\">Noor: Async </w:t></w:r><w:r><w:t>recursion, every week.</w:t></w:r>",
         "<w:r><w:t>It needs Box::pin</w:t><w:tab/><w:t>and I never remember why.</w:t></w:r>"]
body = "".join(f"<w:p>{p}</w:p>" for p in paras)
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>")
    z.writestr("word/document.xml", f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document {W}><w:body>{body}</w:body></w:document>")
PY

$PAPERCUT --db t.db ingest --batch formats --interviewer 'Dana Interviewer' --interviewer Dana f >out
cat >want <<'OUT'
added      tweets     f/archive/data/tweets.js (2 passages)
added      blog       f/blog.md (5 passages)
added      srt        f/captions.srt (2 passages)
added      zoom-chat  f/chat.txt (2 passages)
added      survey     f/google.csv (2 passages)
added      docx       f/interview.docx (2 passages)
added      survey     f/limesurvey.csv (2 passages)
added      vtt        f/meeting.vtt (3 passages)
added      mastodon   f/outbox.json (2 passages)
added      html       f/page.html (3 passages)
added      survey     f/qualtrics.csv (2 passages)
added      twarc      f/twarc.jsonl (4 passages, 1 stored before)
batch 'formats': 12 added, 0 replaced, 0 unchanged, 0 rejected; 30 passages (1 posts stored before, not again)
OUT
test_cmp want out
# a post stored before (twarc's third) is skipped in the middle of its
# file: every coding is on its own passage, as tagging them again finds
codings() {
	sql t.db "SELECT s.path, p.seq, c.code_id, substr(p.text, c.start_byte + 1,
		c.end_byte - c.start_byte) FROM coding c JOIN passage p ON p.id = c.passage_id
		JOIN source s ON s.id = p.source_id ORDER BY 1, 2, 3"
}
codings >ingested
check "twarc after the skipped post" "$(grep "twarc.jsonl|4" ingested)" "f/twarc.jsonl|4|hang-debugging|task hangs"
$PAPERCUT --db t.db tag >/dev/null
codings >tagged
test_cmp ingested tagged

# twarc pages as the API writes them: includes before data, fields nested
# deeper than a post's (ids and texts among them), an id that is a number
# (no post), escapes, a reply whose id comes before its type
cat >page.jsonl <<'EOF'
{"includes": {"users": [{"username": "ann", "id": "9", "pinned": {"id": "x", "text": "no"}}, {"id": "8", "username": "bo"}]}, "data": [{"id": "31", "text": "caf\u00e9 \"hangs\" \ud83d\ude00", "author_id": "9", "entities": {"mentions": [{"id": "7", "text": "no", "deep": [[[[[{"id": "z"}]]]]]}]}, "created_at": "2026-01-02T03:04:05.000Z"}, {"id": 32, "text": "number id", "author_id": "8"}, {"text": "reply", "id": "33", "author_id": "8", "referenced_tweets": [{"id": "31", "type": "replied_to"}, {"type": "quoted", "id": "5"}]}], "meta": {"id": "m", "text": "no"}}
EOF
$PAPERCUT --db page.db ingest page.jsonl >/dev/null
check "twarc page" "$(sql page.db "SELECT p.seq, p.speaker IS NULL, pt.name, p.platform_id,
	coalesce(p.parent_id, '-'), coalesce(p.date, '-'), p.text FROM passage p
	JOIN participant pt ON pt.id = p.participant_id ORDER BY p.seq")" \
"1|1|ann|twitter:31|-|2026-01-02T03:04:05|café \"hangs\" 😀
2|1|bo|twitter:33|twitter:31|-|reply"

# more turns than ingest stores at a time (256): every group's codings on
# its own passages
awk 'BEGIN { for (i = 1; i <= 600; i++)
	printf "P%d: turn %d%s\n", i % 7, i, i % 5 ? "." : ", and the task hangs." }' >long.txt
$PAPERCUT --db long.db ingest long.txt >/dev/null
check "long: passages" "$(sql long.db "SELECT count(*), min(seq), max(seq) FROM passage")" "600|1|600"
check "long: codings" "$(sql long.db "SELECT count(*), sum(p.seq % 5 = 0),
	sum(p.text LIKE 'turn ' || p.seq || ', and the task hangs.') FROM coding c
	JOIN passage p ON p.id = c.passage_id WHERE c.code_id = 'hang-debugging'")" "120|120|120"

$PAPERCUT --db t.db ingest --batch mapped --map text=body,author=author,date=created,id=id,url=link m/posts.csv >/dev/null
$PAPERCUT --db t.db ingest --batch mapped --mapping m/custom.ini m/custom.csv >/dev/null

sql t.db "SELECT s.format, p.line, coalesce(p.speaker, '-'), p.interviewer, coalesce(pt.name, '-'),
	coalesce(p.date, s.date, '-'), coalesce(p.location, '-'), coalesce(p.context, '-'),
	coalesce(p.platform_id, '-'), coalesce(p.url, '-'), coalesce(p.parent_id, '-'), p.tagged,
	replace(p.text, char(10), '/')
	FROM passage p JOIN source s ON s.id = p.source_id
	LEFT JOIN participant pt ON pt.id = p.participant_id ORDER BY s.id, p.seq" >got
cat >want <<'OUT'
tweets|0|-|0|rustacean_dev|2026-02-20T09:10:58|-|-|twitter:1001|https://x.com/rustacean_dev/status/1001|-|1|My future is not Send & I have no idea why >:(
tweets|0|-|0|rustacean_dev|2026-03-07T18:00:00|-|-|twitter:1002|https://x.com/rustacean_dev/status/1002|twitter:999|1|@someone the request hangs after the first await <script>
blog|8|-|0|Kim Lee|2026-02-14|-|Six months of async Rust|-|-|-|1|I came to Rust from ten years of Java. The docs assume you already know everything.
blog|12|-|0|Kim Lee|2026-02-14|-|Six months of async Rust > What hurt|-|-|-|1|The request hangs and nothing tells me why.
blog|13|-|0|Kim Lee|2026-02-14|-|Six months of async Rust > What hurt|-|-|-|1|Choosing between tokio and async-std took a week.
blog|15|-|0|Kim Lee|2026-02-14|-|Six months of async Rust > What hurt > code|-|-|-|0|// this code hangs forever/block_on(server());
blog|20|-|0|Kim Lee|2026-02-14|-|Six months of async Rust > What hurt|-|-|-|1|I still write Pin<Box<dyn Future>> by trial and error, and Pin<T> in prose too.
srt|2|Host|1|-|-|00:00:01,000|-|-|-|-|1|Tell us about cancellation.
srt|6|Omar|0|Omar|-|00:00:04,000|-|-|-|-|1|select! dropped my future halfway, and I lost a message.
zoom-chat|1|Dana|1|-|-|10:01:02|-|-|-|-|1|Any questions about async?
zoom-chat|2|Sofia Ruiz|0|Sofia Ruiz|-|10:01:40|-|-|-|-|1|Yes! Why is my future not Send?/It has an Rc in it. Also the error messages are cryptic.
survey|2|-|0|ana@example.org|2026-10-01T15:00:00|row 2, column What hurts most in async Rust? Tell us a story.|What hurts most in async Rust? Tell us a story.|-|-|-|1|Honestly the docs are thin and I never know which runtime to pick, so I copy whatever the first blog post did.
survey|3|-|0|ben@example.org|2026-10-02T09:15:00|row 3, column What hurts most in async Rust? Tell us a story.|What hurts most in async Rust? Tell us a story.|-|-|-|1|Core dumps from async code are useless: gdb shows me poll frames and nothing else that helps me at all.
docx|1|Interviewer|1|-|-|paragraph 1|-|-|-|-|1|What hurts?
docx|2|Noor|0|interview|-|paragraph 2|-|-|-|-|1|Async recursion, every week.//It needs Box::pin	and I never remember why.
survey|2|-|0|limesurvey#7|2026-10-05T08:00:00|row 2, column Q2|Q2|-|-|-|1|Mixing sync and async: block_on everywhere in our code base, and I am never sure it is right.
survey|3|-|0|limesurvey#8|2026-10-06T09:00:00|row 3, column Q2|Q2|-|-|-|1|Writing a runtime-agnostic library is a pain because every crate picks tokio for you.
vtt|6|Dana Interviewer|1|-|-|00:00:01.000|-|-|-|-|1|Thanks for joining. What hurts?
vtt|10|Lin Wu|0|Lin Wu|-|00:00:04.500|-|-|-|-|1|Mostly that the request hangs and I can't see which task is stuck & why.
vtt|18|Dana Interviewer|1|-|-|00:00:12.000|-|-|-|-|1|Did you try tokio-console?
mastodon|0|-|0|mira@social.example|2026-07-10T10:00:00|-|content warning: rust rant|mastodon:https://social.example/users/mira/statuses/1|https://social.example/@mira/1|-|1|Holding a lock across an .await deadlocked prod./Again & again.
mastodon|0|-|0|mira@social.example|2026-07-11T08:00:00|-|-|mastodon:https://social.example/users/mira/statuses/3|https://social.example/users/mira/statuses/3|mastodon:https://social.example/users/mira/statuses/1|1|Update: it was std::sync::Mutex.
html|12|-|0|Ravi Patel|2026-05-03T08:30:00Z|-|Where it went wrong|-|-|-|1|I spent a day in gdb and it only showed poll frames & runtime internals.
html|13|-|0|Ravi Patel|2026-05-03T08:30:00Z|-|Where it went wrong|-|-|-|1|tokio-console helped a bit.
html|13|-|0|Ravi Patel|2026-05-03T08:30:00Z|-|Where it went wrong|-|-|-|1|The backtrace was useless.
survey|4|-|0|R_aaa|2026-09-01T10:05:01|row 4, column Q2_TEXT|What was the hardest part of async Rust?|-|-|-|1|The request hangs and tokio-console was my only friend.
survey|6|-|0|R_ccc|2026-09-03T12:03:10|row 6, column Q2_TEXT|What was the hardest part of async Rust?|-|-|-|1|Pin<T> made no sense to me.
twarc|1|-|0|pinfan|2026-04-01T12:00:00|-|-|twitter:2001|https://x.com/pinfan/status/2001|-|1|Pin<&mut Self> again. Why?
twarc|1|-|0|helper|2026-04-02T09:00:00|-|-|twitter:2003|https://x.com/helper/status/2003|twitter:2001|1|@pinfan the docs for Pin are confusing
twarc|3|-|0|opsperson|2026-06-30T23:59:00|-|-|twitter:2004|https://x.com/opsperson/status/2004|-|1|Flattened: the task hangs in prod
posts|2|-|0|alice|2026-08-01|row 2|-|post:p1|https://forum.example/p1|-|1|The request hangs, "again", and/nobody knows why
posts|4|-|0|bob|2026-08-02T10:30:00|row 3|-|post:p2|https://forum.example/p2|-|1|=cmd|' /C calc'!A0 my docs are thin
survey|2|-|0|c1|2026-11-05|row 2, column comment|comment|-|-|-|1|The future is too big, 20 KB, and we overflowed the stack.
OUT
test_cmp want got

# the text at a passage's offsets in its source's stored text is the passage
check "offsets" "$(sql t.db "SELECT count(*), sum(substr(s.text, p.start_char + 1, p.end_char - p.start_char) = p.text)
	FROM passage p JOIN source s ON s.id = p.source_id")" "33|33"
check "stored text of a post archive" "$(sql t.db "SELECT text FROM source WHERE format = 'tweets'" | head -n 1)" \
	"My future is not Send & I have no idea why >:("

# code blocks are stored, searchable, never tagged (the blog's says 'hangs')
check "untagged code" "$(sql t.db "SELECT count(*) FROM coding c JOIN passage p ON p.id = c.passage_id WHERE p.tagged = 0")" 0
check "searchable code" "$($PAPERCUT --db t.db search 'forever' --format csv | tr -d '\r' | sed -n 2p | cut -d, -f3)" "f/blog.md"
# attribute cues: Q1 'Java' makes R_aaa an Alan; mapped 'lang as prior_language' c1 too
check "attributes" "$(sql t.db "SELECT group_concat(name || '=' || character || ' (' || decided_by || ')', '; ')
	FROM (SELECT * FROM participant WHERE name IN ('R_aaa', 'c1', 'limesurvey#8') ORDER BY name)")" \
	"R_aaa=unknown (no cues); c1=alan (rules: alan 1); limesurvey#8=barbara (rules: barbara 1)"
check "qualtrics attributes" "$(sql t.db "SELECT group_concat(key || '=' || value) FROM participant_attr a
	JOIN participant pt ON pt.id = a.participant_id WHERE pt.name = 'R_aaa'")" "Q1=Java"

# a second ingest of the same folders adds nothing
dump t.db >before
$PAPERCUT --db t.db ingest --interviewer 'Dana Interviewer' --interviewer Dana f >out
check "again" "$(tail -n 1 out)" \
	"batch '$(date -u +%Y-%m-%d)': 0 added, 0 replaced, 12 unchanged, 0 rejected; 0 passages"
$PAPERCUT --db t.db ingest --map text=body,author=author m/posts.csv >/dev/null
dump t.db >after
test_cmp before after

# the same tweets in another file are not stored twice
cp f/archive/data/tweets.js other-tweets.js
printf ' \n' >>other-tweets.js
$PAPERCUT --db t.db ingest other-tweets.js >out
check "posts seen before" "$(head -n 1 out)" "added      tweets     other-tweets.js (2 passages, 2 stored before)"

# --kind overrides the choice; --tag-code tags code blocks
printf -- '---\nauthor: Ed\n---\nIntro.\n\n```\nthe task hangs\n```\n' >code.md
$PAPERCUT --db t2.db ingest --tag-code code.md >/dev/null
check "tag-code" "$(sql t2.db "SELECT c.code_id FROM coding c JOIN passage p ON p.id = c.passage_id WHERE p.text LIKE '%hangs%'")" \
	"hang-debugging"
printf 'Ann: hi\nBo: hello\n' >notes.md
$PAPERCUT --db t2.db ingest --kind account notes.md >out
check "kind" "$(head -n 1 out)" "added      transcript notes.md (2 passages)"

# provenance in exports: every passage with where it came from
$PAPERCUT --db t.db export passages >passages.csv
$PYTHON - passages.csv <<'PY' || fail "export passages"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 33, len(rows)
v = [r for r in rows if r["format"] == "vtt" and r["speaker"] == "Lin Wu"][0]
assert (v["location"], v["participant"], v["interviewer"]) == ("00:00:04.500", "Lin Wu", "0"), v
t = [r for r in rows if r["platform_id"] == "twitter:2003"][0]
assert (t["parent"], t["url"], t["date"]) == ("twitter:2001", "https://x.com/helper/status/2003", "2026-04-02T09:00:00"), t
s = [r for r in rows if r["participant"] == "c1"][0]
assert (s["location"], s["context"], int(s["start_char"]), int(s["end_char"])) == ("row 2, column comment", "comment", 0, 58), s
PY
ok

# batches and forget
$PAPERCUT --db t.db batches | awk '{print $1, $3, $4, $5}' >got
cat >want <<OUT
batch files passages participants
formats 12 30 17
mapped 2 3 3
$(date -u +%Y-%m-%d) 1 0 0
OUT
test_cmp want got
check "batches csv" "$($PAPERCUT --db t.db batches --csv | head -n 1 | tr -d '\r')" "name,created,files,passages,participants"
$PAPERCUT --db t.db forget formats >out
check "forget" "$(cat out)" "forgot batch 'formats': 12 files, 30 passages"
check "forgotten" "$(sql t.db "SELECT count(*) FROM source WHERE batch_id NOT IN (SELECT id FROM batch)")" 0
check "index follows" "$(sql t.db "SELECT count(*) FROM passage_fts WHERE passage_fts MATCH 'gdb'")" 0
check "participants go" "$(sql t.db "SELECT count(*) FROM participant WHERE name = 'Lin Wu'")" 0
check "the rest stays" "$(sql t.db "SELECT count(*) FROM passage")" 3
expect_fail 1 "papercut: no batch 'formats' in 't.db' (see 'papercut batches')" $PAPERCUT --db t.db forget formats
# a cell of megabytes and a survey of many rows, read whole (libcsv's
# buffer grown a megabyte at a time, the rows' arrays by doubling: the
# sanitizer build took minutes on each before)
$PYTHON - <<'PY'
import csv
with open("bigcell.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["text", "author"])
    w.writerow(["x" * 3000000 + " and then the request hangs", "ann"])
with open("long.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["respondent", "comment"])
    for i in range(30000):
        w.writerow(["r%d" % i, "the request hangs, time %d" % i])
PY
printf '[survey]\nrespondent = respondent\ntext = comment\n' >long.ini
$PAPERCUT --db big.db ingest --kind posts --map text=text,author=author bigcell.csv >/dev/null
$PAPERCUT --db big.db ingest --mapping long.ini long.csv >/dev/null
check "big cell and long survey" "$(sql big.db "SELECT count(*), max(length(text)) FROM passage")" "30001|3000027"

done_testing
