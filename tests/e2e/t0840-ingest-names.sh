#!/bin/sh
# The names of a batch into a database with no participants: the writer
# takes a name its filter has not seen for new, gives it the next id and
# stores it with its document's other new names; a name the filter may
# have seen (in the tests' small filter, a few in a hundred once a couple
# of thousand are in) it looks up or adds on its own, after storing those
# held. Either way each person is one participant, numbered in order of
# first sight, and the batch stores what it stores into a database that
# has participants.
. "$(dirname "$0")/../lib.sh"

mkdir corpus
$PYTHON - <<'PY'
import csv

def answers(path, people):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Timestamp", "Email Address", "What hurts most in async Rust?"])
        for i in people:
            w.writerow(["2025/03/25 3:00:00 PM GMT+3", f"r{i}@example.org", f"Answer {i}: the borrow checker and select! made this week slow."])

# 3,000 respondents, the first hundred answering again in the same file,
# the next hundred in another; then someone new whose character is given;
# last, ten more respondents, new
answers("corpus/a.csv", list(range(3000)) + list(range(100)))
answers("corpus/b.csv", range(100, 200))
answers("corpus/d.csv", range(3000, 3010))
PY
printf -- '---\nparticipant: Cy New\ncharacter: grace\n---\nCy New: Late.\n' >corpus/c.txt

$PAPERCUT --db first.db ingest --batch b corpus >/dev/null
check "people" "$(sql first.db "SELECT count(*), min(id), max(id) FROM participant")" "3011|1|3011"
check "first sight, but Cy New" "$(sql first.db "SELECT count(*) FROM participant WHERE name <> CASE
	WHEN id <= 3000 THEN 'r' || (id - 1) ELSE 'r' || (id - 2) END || '@example.org'")" 1
check "again" "$(sql first.db "SELECT count(*), count(DISTINCT participant_id) FROM passage
	WHERE participant_id <= 200")" "400|200"
check "given" "$(sql first.db "SELECT id, override, character, decided_by FROM participant
	WHERE name = 'Cy New'")" "3001|grace|grace|override"

# the same batch after one that stored a participant: every name looked
# up or added on its own, the same people and passages
printf 'Ann: Hello.\n' >ann.txt
$PAPERCUT --db later.db ingest --batch a ann.txt >/dev/null
$PAPERCUT --db later.db ingest --batch b corpus >/dev/null
q="SELECT s.path, p.seq, pt.name, pt.override, pt.character FROM passage p
	JOIN source s ON s.id = p.source_id JOIN participant pt ON pt.id = p.participant_id
	WHERE s.path LIKE 'corpus/%' ORDER BY 1, 2"
sql first.db "$q" >a
sql later.db "$q" >b
check "passages" "$(wc -l <a)" 3211
test_cmp a b

done_testing
