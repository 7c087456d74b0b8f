/*
 * Coding by hand: `code` puts a coder's decision on a passage (a code
 * added, a coding rejected) or lists the decisions on one; `participant`
 * shows a participant and sets their character by hand. Decisions live
 * beside the rules' codings (core/decisions.h), so `tag` never loses them.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/cli.h"
#include "../core/decisions.h"
#include "analyze.h"

static const char code_usage[] =
	"papercut code ID [CODE [--reject | --undo] [--note TEXT]] [--coder NAME]"
	" | papercut code --orphans";
static const char code_help[] =
	"Codes passage ID (as search and show number it) by hand. With CODE, the\n"
	"coder adds that papercut to it; with --reject, says the rules' coding (or\n"
	"another coder's) is wrong; with --undo, takes their own decision back.\n"
	"Without CODE, lists every decision on the passage: the rules', then each\n"
	"coder's. Decisions are kept apart from the rules: `tag` never loses them.\n\n"
	"  --coder NAME   who decides (default: $PAPERCUT_CODER, else the login name)\n"
	"  --note TEXT    why, kept with the decision\n"
	"  --reject       the code does not belong on the passage\n"
	"  --undo         remove this coder's decision about CODE on the passage\n"
	"  --orphans      list the decisions whose passage was removed (its source\n"
	"                 replaced or its batch forgotten)\n"
	"  --db FILE      database\n";

enum { OPT_NOTE = 0x300, OPT_REJECT, OPT_UNDO, OPT_ORPHANS, OPT_CHARACTER, OPT_AUTO };

struct hand {
	const char *note;
	const char *character;
	int reject, undo, orphans, automatic;
};

static int hand_opt(int opt, const char *arg, void *ctx, struct err *e)
{
	struct hand *h = ctx;

	switch (opt) {
	case OPT_NOTE:
		h->note = arg;
		break;
	case OPT_REJECT:
		h->reject = 1;
		break;
	case OPT_UNDO:
		h->undo = 1;
		break;
	case OPT_ORPHANS:
		h->orphans = 1;
		break;
	case OPT_CHARACTER:
		h->character = arg;
		break;
	case OPT_AUTO:
		h->automatic = 1;
		break;
	}
	(void)e;
	return 0;
}

/* "a, b, c": the ids of the codes `sql` lists, for an error message. */
static void list_ids(struct db *db, const char *sql, struct buf *out)
{
	sqlite3_stmt *st = db_prepare(db, sql, NULL);

	while (st && sqlite3_step(st) == SQLITE_ROW)
		buf_addf(out, "%s%s", out->len ? ", " : "", db_col_text(st, 0));
	sqlite3_finalize(st);
	if (!out->len)
		buf_adds(out, "none: tag the passages first");
}

static int check_papercut(struct db *db, const char *code, struct err *e)
{
	struct buf known = BUF_INIT;
	int papercut = 0, character = 0;

	if (decisions_known_code(db, code, "papercut", &papercut, e) ||
	    (!papercut && decisions_known_code(db, code, "character", &character, e)))
		return e->code;
	if (papercut)
		return 0;
	if (character)
		return err_set(e, E_USAGE, "'%s' is a character: set a participant's with"
			       " 'papercut participant NAME --character %s'", code, code);
	list_ids(db, "SELECT id FROM code WHERE kind = 'papercut' ORDER BY position", &known);
	err_set(e, E_USAGE, "unknown papercut '%s' (the codebook's: %s)", code, known.data);
	buf_release(&known);
	return E_USAGE;
}

/* The passage's source, and whether it is an interviewer's turn. */
static int find_passage(struct db *db, long id, sqlite3_int64 *source, int *interviewer,
			struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT source_id, interviewer FROM passage"
				      " WHERE id = ?1", e);
	int step;

	if (!st)
		return e->code;
	sqlite3_bind_int64(st, 1, id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*source = sqlite3_column_int64(st, 0);
		*interviewer = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (step == SQLITE_DONE)
		return err_set(e, E_DATA, "no passage #%ld in '%s' (see 'papercut search')",
			       id, db->path);
	return step == SQLITE_ROW ? 0 : db_fail(db, e, "finding the passage");
}

/* Every decision on passage `id`: the rules' codings, then the coders'
 * on it and on its whole source; then the coding that counts. */
static int list_decisions(struct db *db, long id, struct err *e)
{
	static const char sql[] =
		"SELECT c.code_id, 'rules', 'coded', '', c.rule || ' \u00ab' ||"
		"  CAST(substr(CAST(p.text AS BLOB), c.start_byte + 1, c.end_byte - c.start_byte)"
		"  AS TEXT) || '\u00bb', 0"
		" FROM coding c JOIN passage p ON p.id = c.passage_id WHERE c.passage_id = ?1"
		" UNION ALL"
		" SELECT iif(d.verdict = 'seen', '(all)', d.code_id), d.coder,"
		"  CASE d.verdict WHEN 'add' THEN 'added' WHEN 'reject' THEN 'rejected'"
		"  ELSE 'coded in full' END || iif(d.passage_id = 0, ' (document)', ''),"
		"  d.created, coalesce(d.note, ''), 1"
		" FROM decision d JOIN passage p ON p.id = ?1"
		" WHERE d.passage_id = ?1 OR (d.passage_id = 0 AND d.source_id = p.source_id)"
		" ORDER BY 6, 1, 2";
	sqlite3_stmt *head = db_prepare(db,
		"SELECT s.path, p.line, coalesce(pt.name, ''), coalesce(pt.character, ''),"
		" p.interviewer, coalesce(p.speaker, '')"
		" FROM passage p JOIN source s ON s.id = p.source_id"
		" LEFT JOIN participant pt ON pt.id = p.participant_id WHERE p.id = ?1", e);
	sqlite3_stmt *st = head ? db_prepare(db, sql, e) : NULL;
	sqlite3_stmt *counts = st ? db_prepare(db, "SELECT group_concat(code_id, ', ') FROM"
					       " (SELECT code_id FROM ecoding WHERE passage_id = ?1"
					       " ORDER BY code_id)", e) : NULL;
	int step, rc = 0;

	if (!counts) {
		rc = e->code;
		goto out;
	}
	sqlite3_bind_int64(head, 1, id);
	if ((step = sqlite3_step(head)) != SQLITE_ROW) {
		rc = step == SQLITE_DONE
			? err_set(e, E_DATA, "no passage #%ld in '%s' (see 'papercut search')",
				  id, db->path)
			: db_fail(db, e, "reading the passage");
		goto out;
	}
	printf("passage #%ld, %s:%d, %s%s%s%s%s\n", id, db_col_text(head, 0),
	       sqlite3_column_int(head, 1),
	       sqlite3_column_int(head, 4) ? "interviewer " : "",
	       *db_col_text(head, 2) ? db_col_text(head, 2) : db_col_text(head, 5),
	       *db_col_text(head, 3) ? " (" : "", db_col_text(head, 3),
	       *db_col_text(head, 3) ? ")" : "");
	printf("%-20s %-16s %-24s %-20s %s\n", "code", "by", "verdict", "when", "rule or note");
	sqlite3_bind_int64(st, 1, id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		printf("%-20s %-16s %-24s %-20s %s\n", db_col_text(st, 0), db_col_text(st, 1),
		       db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4));
	if (step != SQLITE_DONE) {
		rc = db_fail(db, e, "listing decisions");
		goto out;
	}
	sqlite3_bind_int64(counts, 1, id);
	if (sqlite3_step(counts) != SQLITE_ROW) {
		rc = db_fail(db, e, "reading the coding that counts");
		goto out;
	}
	printf("counts: %s\n", *db_col_text(counts, 0) ? db_col_text(counts, 0) : "(no code)");
out:
	sqlite3_finalize(head);
	sqlite3_finalize(st);
	sqlite3_finalize(counts);
	return rc;
}

static int list_orphans(struct db *db, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT coder, CASE verdict WHEN 'add' THEN 'added' ELSE 'rejected' END, code_id,"
		" coalesce(path, '?') || iif(line IS NULL, '', ':' || line), orphaned,"
		" coalesce(substr(replace(replace(quote, char(10), ' '), char(13), ' '), 1, 60), '')"
		" FROM decision_orphan ORDER BY orphaned, id", e);
	int step, n = 0;

	if (!st)
		return e->code;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (!n++)
			printf("%-16s %-9s %-20s %-32s %-20s %s\n", "coder", "verdict", "code",
			       "was at", "orphaned", "quote");
		printf("%-16s %-9s %-20s %-32s %-20s %s\n", db_col_text(st, 0),
		       db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
		       db_col_text(st, 4), db_col_text(st, 5));
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return db_fail(db, e, "listing orphaned decisions");
	if (!n)
		printf("(no orphaned decisions)\n");
	return 0;
}

/* Whether the rules put `code` on passage `id`: the rule, or "". */
static int rule_of(struct db *db, long id, const char *code, struct buf *rule, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT rule FROM coding WHERE passage_id = ?1"
				      " AND code_id = ?2", e);
	int step;

	if (!st)
		return e->code;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(st)) == SQLITE_ROW)
		buf_adds(rule, db_col_text(st, 0));
	sqlite3_finalize(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : db_fail(db, e, "reading codings");
}

static int decide_code(struct db *db, long id, const char *code, const char *coder,
		       const struct hand *h, struct err *e)
{
	sqlite3_int64 source = 0;
	int interviewer = 0, changed = 0;
	struct buf rule = BUF_INIT;

	if (find_passage(db, id, &source, &interviewer, e) || check_papercut(db, code, e))
		return e->code;
	if (interviewer && !h->undo)
		return err_set(e, E_DATA, "passage #%ld is an interviewer's turn: it never counts"
			       " as evidence, so it takes no code", id);
	if (h->undo) {
		sqlite3_stmt *st = db_prepare(db, "DELETE FROM decision WHERE passage_id = ?1"
					      " AND coder = ?2 AND code_id = ?3", e);

		if (!st)
			return e->code;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, coder, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
		if (db_step_done(db, st, e, "removing a decision")) {
			sqlite3_finalize(st);
			return e->code;
		}
		sqlite3_finalize(st);
		if (!sqlite3_changes(db->h))
			return err_set(e, E_DATA, "%s made no decision about %s on #%ld", coder,
				       code, id);
		printf("#%ld %s: %s's decision taken back\n", id, code, coder);
		return 0;
	}
	if (decisions_put(db, coder, source, id, code, h->reject ? "reject" : "add", h->note,
			  &changed, e) ||
	    rule_of(db, id, code, &rule, e)) {
		buf_release(&rule);
		return e->code;
	}
	if (h->reject && rule.len)
		printf("#%ld %s: rejected by %s (the rules coded it by %s)", id, code, coder,
		       rule.data);
	else if (h->reject)
		printf("#%ld %s: rejected by %s (no rule codes it now; the rejection holds if"
		       " one does)", id, code, coder);
	else if (rule.len)
		printf("#%ld %s: added by %s (the rules coded it too, by %s)", id, code, coder,
		       rule.data);
	else
		printf("#%ld %s: added by %s", id, code, coder);
	printf("%s\n", changed ? "" : "; so it was already");
	buf_release(&rule);
	return 0;
}

/* "#12" or "12": the passage id */
static int passage_id(const char *arg, long *id, struct err *e)
{
	return cli_number("passage ID", arg + (arg[0] == '#'), 1, LONG_MAX, id, e);
}

int cmd_code(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "reject", no_argument, NULL, OPT_REJECT },
		{ "undo", no_argument, NULL, OPT_UNDO },
		{ "orphans", no_argument, NULL, OPT_ORPHANS },
		CODER_OPTION,
		CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct hand h = { 0 };
	struct db db = { 0 };
	const char *coder = NULL;
	long id = 0;
	int rc, operands, in_tx = 0;

	if ((rc = cli_parse(argc, argv, opts, code_usage, code_help, hand_opt, &h, e)))
		return rc < 0 ? 0 : rc;
	operands = argc - optind;
	if (h.orphans ? operands != 0 : operands < 1 || operands > 2)
		return err_set(e, E_USAGE, "usage: %s", code_usage);
	if ((h.reject || h.undo || h.note) && operands != 2)
		return err_set(e, E_USAGE, "--reject, --undo and --note need a CODE (usage: %s)",
			       code_usage);
	if (h.reject && h.undo)
		return err_set(e, E_USAGE, "--reject or --undo, not both");
	if (!h.orphans && passage_id(argv[optind], &id, e))
		return e->code;
	if (operands == 2 && decisions_coder(cli.coder, &coder, e))
		return e->code;
	if (operands < 2) {
		if ((rc = cli_open_db_reading(&db, e)) == 0)
			rc = h.orphans ? list_orphans(&db, e) : list_decisions(&db, id, e);
		db_close(&db);
		return rc;
	}
	if ((rc = cli_open_db(&db, e)) || (rc = db_exec(&db, "BEGIN IMMEDIATE", e)))
		goto out;
	in_tx = 1;
	if ((rc = decide_code(&db, id, argv[optind + 1], coder, &h, e)) ||
	    (rc = db_exec(&db, "COMMIT", e)))
		goto out;
	in_tx = 0;
out:
	if (in_tx)
		db_rollback(&db);
	db_close(&db);
	return rc;
}

static const char participant_usage[] =
	"papercut participant NAME [--character C [--note TEXT] | --auto] [--coder NAME]";
static const char participant_help[] =
	"Shows a participant: character and what decided it, what the rules said,\n"
	"attributes, the cues that fired, hand settings and documents. NAME is the\n"
	"participant's name (as `export participants` lists them) or #ID.\n\n"
	"  --character C  set the character by hand (a character's id or unknown):\n"
	"                 it wins over the rules and front matter, and survives\n"
	"                 re-attribution (tag, ingest, forget)\n"
	"  --note TEXT    why, kept with the setting\n"
	"  --auto         take this coder's setting back: the rules decide again\n"
	"  --coder NAME   who sets it (default: $PAPERCUT_CODER, else the login name)\n"
	"  --db FILE      database\n";

/* The participant named `arg` ("#3": by id): its id and name. */
static int find_participant(struct db *db, const char *arg, sqlite3_int64 *id,
			    struct buf *name, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id, name FROM participant WHERE name = ?1"
				      " OR (substr(?1, 1, 1) = '#' AND id = CAST(substr(?1, 2)"
				      " AS INTEGER)) ORDER BY name = ?1 DESC LIMIT 1", e);
	int step;

	if (!st)
		return e->code;
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		buf_adds(name, db_col_text(st, 1));
	}
	sqlite3_finalize(st);
	if (step == SQLITE_DONE)
		return err_set(e, E_DATA, "no participant '%s' in '%s' (see 'papercut export"
			       " participants')", arg, db->path);
	return step == SQLITE_ROW ? 0 : db_fail(db, e, "finding the participant");
}

/* Runs `sql` for participant `id` and prints each row's columns after
 * `label` (the first row) or blanks, joined by `sep`. */
static int print_rows(struct db *db, const char *label, const char *sql, sqlite3_int64 id,
		      struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, sql, e);
	int step, n = 0;

	if (!st)
		return e->code;
	sqlite3_bind_int64(st, 1, id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		printf("%-12s", n++ ? "" : label);
		for (int c = 0; c < sqlite3_column_count(st); c++)
			printf("%s%s", c ? "  " : " ", db_col_text(st, c));
		putchar('\n');
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return db_fail(db, e, "reading the participant");
	if (!n)
		printf("%-12s (none)\n", label);
	return 0;
}

static int show_participant(struct db *db, sqlite3_int64 id, struct err *e)
{
	static const struct {
		const char *label, *sql;
	} parts[] = {
		{ "participant", "SELECT name || ' (#' || id || ')' FROM participant WHERE id = ?1" },
		{ "character", "SELECT character || ', decided by ' || decided_by FROM participant"
		  " WHERE id = ?1" },
		{ "rules said", "SELECT auto_character || ', decided by ' || auto_decided_by"
		  " FROM participant WHERE id = ?1" },
		{ "attributes", "SELECT key || ': ' || value FROM participant_attr"
		  " WHERE participant_id = ?1 ORDER BY key" },
		{ "cues", "SELECT c.code_id, '#' || p.id, s.path || ':' || p.line, c.rule,"
		  " '\u00ab' || CAST(substr(CAST(p.text AS BLOB), c.start_byte + 1,"
		  "  c.end_byte - c.start_byte) AS TEXT) || '\u00bb'"
		  " FROM passage p JOIN coding c ON c.passage_id = p.id"
		  " JOIN code k ON k.id = c.code_id AND k.kind = 'character'"
		  " JOIN source s ON s.id = p.source_id"
		  " WHERE p.participant_id = ?1 AND p.interviewer = 0"
		  " UNION ALL SELECT a.code_id, 'attribute ' || a.key, '', a.rule, ''"
		  " FROM attr_coding a JOIN code k ON k.id = a.code_id AND k.kind = 'character'"
		  " WHERE a.participant_id = ?1 ORDER BY 1, 2" },
		{ "hand", "SELECT d.coder || ': ' || d.character, d.created, coalesce(d.note, '')"
		  " FROM character_decision d JOIN participant pt ON pt.name = d.participant"
		  " WHERE pt.id = ?1 ORDER BY d.created DESC, d.coder" },
		{ "documents", "SELECT s.path, s.format, coalesce(s.date, 'undated'),"
		  " (SELECT count(*) FROM passage WHERE source_id = s.id AND participant_id = ?1"
		  "  AND interviewer = 0) || ' passages'"
		  " FROM source s WHERE s.participant_id = ?1 OR EXISTS (SELECT 1 FROM passage"
		  "  WHERE source_id = s.id AND participant_id = ?1) ORDER BY s.path" },
	};

	for (size_t i = 0; i < sizeof(parts) / sizeof(*parts); i++)
		if (print_rows(db, parts[i].label, parts[i].sql, id, e))
			return e->code;
	return 0;
}

static int check_character(struct db *db, const char *c, struct err *e)
{
	struct buf known = BUF_INIT;
	int found = 0;

	if (decisions_known_code(db, c, "character", &found, e))
		return e->code;
	if (found)
		return 0;
	list_ids(db, "SELECT id FROM code WHERE kind = 'character' ORDER BY position", &known);
	err_set(e, E_USAGE, "unknown character '%s' (the codebook's: %s, or unknown)", c,
		known.data);
	buf_release(&known);
	return E_USAGE;
}

static int set_character(struct db *db, const char *name, const char *coder,
			 const struct hand *h, struct err *e)
{
	sqlite3_stmt *st;

	if (h->character && check_character(db, h->character, e))
		return e->code;
	st = db_prepare(db, h->automatic
			? "DELETE FROM character_decision WHERE participant = ?1 AND coder = ?2"
			: "INSERT INTO character_decision(participant, coder, character, note)"
			  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO UPDATE"
			  " SET character = excluded.character, note = excluded.note,"
			  "  created = excluded.created"
			  " WHERE character IS NOT excluded.character OR note IS NOT excluded.note", e);
	if (!st)
		return e->code;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, coder, -1, SQLITE_STATIC);
	if (!h->automatic) {
		sqlite3_bind_text(st, 3, h->character, -1, SQLITE_STATIC);
		db_bind_text(st, 4, h->note && *h->note ? h->note : NULL);
	}
	if (db_step_done(db, st, e, "storing the character")) {
		sqlite3_finalize(st);
		return e->code;
	}
	sqlite3_finalize(st);
	if (h->automatic && !sqlite3_changes(db->h))
		return err_set(e, E_DATA, "%s set no character for '%s'", coder, name);
	/* back to what attribution said, then the hand settings that remain */
	st = db_prepare(db, "UPDATE participant SET character = auto_character,"
			" decided_by = auto_decided_by WHERE name = ?1", e);
	if (!st)
		return e->code;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (db_step_done(db, st, e, "storing the character")) {
		sqlite3_finalize(st);
		return e->code;
	}
	sqlite3_finalize(st);
	return decisions_apply_characters(db, e);
}

int cmd_participant(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "character", required_argument, NULL, OPT_CHARACTER },
		{ "auto", no_argument, NULL, OPT_AUTO },
		{ "note", required_argument, NULL, OPT_NOTE },
		CODER_OPTION,
		CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct hand h = { 0 };
	struct db db = { 0 };
	struct buf name = BUF_INIT;
	const char *coder = NULL;
	sqlite3_int64 id = 0;
	int rc, in_tx = 0, writes;

	if ((rc = cli_parse(argc, argv, opts, participant_usage, participant_help, hand_opt,
			    &h, e)))
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return err_set(e, E_USAGE, "usage: %s", participant_usage);
	if (h.character && h.automatic)
		return err_set(e, E_USAGE, "--character or --auto, not both");
	if (h.note && !h.character)
		return err_set(e, E_USAGE, "--note goes with --character");
	writes = h.character || h.automatic;
	if (writes && decisions_coder(cli.coder, &coder, e))
		return e->code;
	if ((rc = writes ? cli_open_db(&db, e) : cli_open_db_reading(&db, e)) ||
	    (writes && (rc = db_exec(&db, "BEGIN IMMEDIATE", e))))
		goto out;
	in_tx = writes;
	if ((rc = find_participant(&db, argv[optind], &id, &name, e)) ||
	    (writes && (rc = set_character(&db, name.data, coder, &h, e))) ||
	    (writes && (rc = db_exec(&db, "COMMIT", e))))
		goto out;
	in_tx = 0;
	rc = show_participant(&db, id, e);
out:
	if (in_tx)
		db_rollback(&db);
	buf_release(&name);
	db_close(&db);
	return rc;
}
