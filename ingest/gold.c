/*
 * `gold import`: a coding done elsewhere (a spreadsheet, another tool)
 * stored as one coder's decisions (core/decisions.h), so that
 * `agreement` can compare the rules with it. A row names its unit by the
 * columns it fills: passage_id; id (a post's platform id); source and
 * line; source and quote; source alone (the whole document). The file
 * also says what the coder looked at: the sources it names (--scope
 * sources) or only its rows (--scope rows) are marked coded in full.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/cli.h"
#include "../core/decisions.h"
#include "../core/mem.h"
#include "table.h"
#include "tag.h"

static const char gold_usage[] =
	"papercut gold import [--characters] FILE.csv [--coder NAME] [--scope sources|rows]"
	" [--keep-going]";
static const char gold_help[] =
	"Stores a coding done elsewhere as a coder's decisions. The header names\n"
	"the columns; a row names its unit by the first of these it fills:\n\n"
	"  passage_id        a passage of this database (as search and show number it)\n"
	"  id                a post's platform id (posts --map id=..., a tweet's id)\n"
	"  source,line       a file as stored (or its name, when that is unique) and\n"
	"                    the line its passage starts on\n"
	"  source,quote      the passage of that file containing the quote\n"
	"  source            the whole document (document-level judgement)\n\n"
	"then `code` (a papercut id; empty: looked at, no code) and, optionally,\n"
	"`coder` (overrides --coder) and `note`. With --characters the file gives\n"
	"`character` instead of `code`, for the participant of the unit (or a\n"
	"`participant` column).\n\n"
	"A row with an unknown code or character, a unit that matches nothing or\n"
	"more than one passage is an error naming its line and row, and nothing is\n"
	"imported. Importing the same file again changes nothing.\n\n"
	"  --coder NAME      whose coding it is (default: $PAPERCUT_CODER, else the\n"
	"                    login name)\n"
	"  --scope sources   the coder looked at every passage of the sources the\n"
	"                    rows name: a code they did not give there is a 'no', and\n"
	"                    with --characters a participant of those sources without\n"
	"                    a row is unknown (default)\n"
	"  --scope rows      the coder looked at the units the rows name, no more\n"
	"  --keep-going      import the good rows, list the bad ones, exit 1\n"
	"  --db FILE         database\n";

enum { OPT_SCOPE = 0x300, OPT_CHARACTERS, OPT_KEEP_GOING };

/* How an `id` column finds a post: its platform id as the readers store it. */
static const char *const platform_prefixes[] = { "", "post:", "twitter:", "mastodon:" };

struct gold {
	const char *path;
	const char *coder;          /* --coder, or the default */
	int characters, keep_going, scope_rows;
	struct db *db;
	struct table t;
	/* the columns, -1 when absent */
	long passage, id, source, line, quote, code, coder_col, note, participant;
	long rows, added, rejected_rows, seen, changed;
	struct buf bad;             /* --keep-going: the rejected rows */
};

static int gold_opt(int opt, const char *arg, void *ctx, struct err *e)
{
	struct gold *g = ctx;

	switch (opt) {
	case OPT_SCOPE:
		if (strcmp(arg, "sources") && strcmp(arg, "rows"))
			return err_set(e, E_USAGE, "--scope takes sources or rows, not '%s'", arg);
		g->scope_rows = !strcmp(arg, "rows");
		break;
	case OPT_CHARACTERS:
		g->characters = 1;
		break;
	case OPT_KEEP_GOING:
		g->keep_going = 1;
		break;
	}
	return 0;
}

/* The unit a row names. passage 0: the whole source. */
struct unit {
	sqlite3_int64 source, passage, participant;
};

/* Runs `st` (bound) and takes its single row: (source, passage,
 * participant). 0 found, else the error, `what` naming the unit. */
static int one_unit(struct gold *g, sqlite3_stmt *st, struct unit *u, const char *what,
		    size_t r, struct err *e)
{
	int step, n = 0;

	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++)
			break;
		u->source = sqlite3_column_int64(st, 0);
		u->passage = sqlite3_column_int64(st, 1);
		u->participant = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_fail(g->db, e, "finding a gold row's unit");
	if (!n)
		return err_set(e, E_DATA, "%s:%d: row %zu: %s matches nothing in '%s'", g->path,
			       g->t.lines[r], r, what, g->db->path);
	if (n > 1)
		return err_set(e, E_DATA, "%s:%d: row %zu: %s is ambiguous: it matches more than"
			       " one %s", g->path, g->t.lines[r], r, what,
			       u->passage ? "passage" : "source");
	return 0;
}

/* The source named `name`: its stored path, else its file name when one
 * source alone has it. */
#define SOURCE_NAMED "(SELECT id FROM source WHERE path = ?1 UNION ALL" \
	" SELECT id FROM source WHERE NOT EXISTS (SELECT 1 FROM source WHERE path = ?1)" \
	"  AND (path = ?1 OR path LIKE '%/' || ?1) AND (SELECT count(*) FROM source" \
	"  WHERE path LIKE '%/' || ?1) = 1)"

static int find_unit(struct gold *g, size_t r, struct unit *u, struct err *e)
{
	const char *v;
	struct buf what = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc;

	memset(u, 0, sizeof(*u));
#define CELL(c) table_cell(&g->t, r, g->c)
#define FILLED(c) (g->c >= 0 && *CELL(c))
	if (FILLED(passage)) {
		v = CELL(passage);
		buf_addf(&what, "passage_id '%s'", v);
		st = db_prepare(g->db, "SELECT source_id, id, coalesce(participant_id, 0) FROM passage"
				" WHERE id = CAST(ltrim(?1, '#') AS INTEGER) AND interviewer = 0", e);
		if (st)
			sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC);
	} else if (FILLED(id)) {
		struct buf sql = BUF_INIT;

		v = CELL(id);
		buf_addf(&what, "id '%s'", v);
		buf_adds(&sql, "SELECT source_id, id, coalesce(participant_id, 0) FROM passage"
			 " WHERE platform_id IN (");
		for (size_t i = 0; i < sizeof(platform_prefixes) / sizeof(*platform_prefixes); i++)
			buf_addf(&sql, "%s?%zu || ?1", i ? ", " : "", i + 2);
		buf_adds(&sql, ")");
		st = db_prepare(g->db, sql.data, e);
		buf_release(&sql);
		if (st) {
			sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC);
			for (size_t i = 0; i < sizeof(platform_prefixes) / sizeof(*platform_prefixes); i++)
				sqlite3_bind_text(st, (int)i + 2, platform_prefixes[i], -1, SQLITE_STATIC);
		}
	} else if (FILLED(source) && FILLED(line)) {
		buf_addf(&what, "line %s of '%s'", CELL(line), CELL(source));
		st = db_prepare(g->db, "SELECT source_id, id, coalesce(participant_id, 0) FROM passage"
				" WHERE source_id IN " SOURCE_NAMED " AND line = CAST(?2 AS INTEGER)"
				" AND interviewer = 0", e);
		if (st) {
			sqlite3_bind_text(st, 1, CELL(source), -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, CELL(line), -1, SQLITE_STATIC);
		}
	} else if (FILLED(source) && FILLED(quote)) {
		buf_addf(&what, "the quote in '%s'", CELL(source));
		st = db_prepare(g->db, "SELECT source_id, id, coalesce(participant_id, 0) FROM passage"
				" WHERE source_id IN " SOURCE_NAMED " AND instr(text, ?2) > 0"
				" AND interviewer = 0", e);
		if (st) {
			sqlite3_bind_text(st, 1, CELL(source), -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, CELL(quote), -1, SQLITE_STATIC);
		}
	} else if (FILLED(source)) {
		buf_addf(&what, "source '%s'", CELL(source));
		st = db_prepare(g->db, "SELECT id, 0, coalesce(participant_id, 0) FROM source"
				" WHERE id IN " SOURCE_NAMED, e);
		if (st)
			sqlite3_bind_text(st, 1, CELL(source), -1, SQLITE_STATIC);
	} else {
		buf_release(&what);
		return err_set(e, E_DATA, "%s:%d: row %zu: no unit: the row fills none of"
			       " passage_id, id, source", g->path, g->t.lines[r], r);
	}
#undef FILLED
#undef CELL
	rc = st ? one_unit(g, st, u, what.data, r, e) : e->code;
	sqlite3_finalize(st);
	buf_release(&what);
	return rc;
}

static int check_code(struct gold *g, size_t r, const char *code, struct err *e)
{
	int found = 0;

	if (decisions_known_code(g->db, code, g->characters ? "character" : "papercut", &found, e))
		return e->code;
	if (found)
		return 0;
	return err_set(e, E_DATA, "%s:%d: row %zu: '%s' is not a %s of the codebook the"
		       " database was tagged with", g->path, g->t.lines[r], r, code,
		       g->characters ? "character" : "papercut");
}

/* A participant's character, by the coder: the participant named, else
 * the unit's. */
static int put_character(struct gold *g, size_t r, const struct unit *u, const char *coder,
			 const char *character, const char *note, struct err *e)
{
	sqlite3_stmt *st = db_prepare(g->db,
		"INSERT INTO character_decision(participant, coder, character, note)"
		" SELECT name, ?2, ?3, ?4 FROM participant WHERE id = ?1"
		" ON CONFLICT DO UPDATE SET character = excluded.character,"
		"  note = excluded.note, created = excluded.created"
		" WHERE character IS NOT excluded.character OR note IS NOT excluded.note", e);
	int rc = 0;

	if (!st)
		return e->code;
	sqlite3_bind_int64(st, 1, u->participant);
	sqlite3_bind_text(st, 2, coder, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, character, -1, SQLITE_STATIC);
	db_bind_text(st, 4, note && *note ? note : NULL);
	if (!u->participant)
		rc = err_set(e, E_DATA, "%s:%d: row %zu: the unit has no participant to give a"
			     " character", g->path, g->t.lines[r], r);
	else if (!(rc = db_step_done(g->db, st, e, "storing a character")))
		g->changed += sqlite3_changes(g->db->h);
	sqlite3_finalize(st);
	return rc;
}

static int find_participant(struct gold *g, size_t r, struct unit *u, struct err *e)
{
	sqlite3_stmt *st = db_prepare(g->db, "SELECT 0, 0, id FROM participant WHERE name = ?1", e);
	int rc;

	if (!st)
		return e->code;
	sqlite3_bind_text(st, 1, table_cell(&g->t, r, g->participant), -1, SQLITE_STATIC);
	memset(u, 0, sizeof(*u));
	rc = one_unit(g, st, u, "participant", r, e);
	sqlite3_finalize(st);
	return rc;
}

/* Notes that the coder's rows name `source` (0: none), for
 * unknown_elsewhere(). */
static int note_source(struct gold *g, const char *coder, sqlite3_int64 source, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (!source)
		return 0;
	if (!(st = db_prepare(g->db, "INSERT OR IGNORE INTO temp.gold_source VALUES (?1, ?2)", e)))
		return e->code;
	sqlite3_bind_text(st, 1, coder, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, source);
	rc = db_step_done(g->db, st, e, "noting a gold source");
	sqlite3_finalize(st);
	return rc;
}

/* One data row: its unit found, its code checked, the decision stored. */
static int import_row(struct gold *g, size_t r, struct err *e)
{
	const char *code = table_cell(&g->t, r, g->code);
	const char *note = table_cell(&g->t, r, g->note);
	const char *coder = g->coder_col >= 0 && *table_cell(&g->t, r, g->coder_col)
		? table_cell(&g->t, r, g->coder_col) : g->coder;
	struct unit u;
	int changed = 0;
	const char *problem = decisions_coder_problem(coder);

	if (problem)
		return err_set(e, E_DATA, "%s:%d: row %zu: %s", g->path, g->t.lines[r], r, problem);
	if (g->characters && g->participant >= 0 && *table_cell(&g->t, r, g->participant)) {
		if (find_participant(g, r, &u, e))
			return e->code;
	} else if (find_unit(g, r, &u, e)) {
		return e->code;
	}
	if (*code && check_code(g, r, code, e))
		return e->code;
	if (g->characters)
		return note_source(g, coder, u.source, e) ||
		       (*code && put_character(g, r, &u, coder, code, note, e)) ? e->code : 0;
	if (*code) {
		if (decisions_put(g->db, coder, u.source, u.passage, code, "add", note, &changed, e))
			return e->code;
		g->added++;
		g->changed += changed;
	}
	/* what the coder looked at: this unit, or (at the end) its source */
	if (decisions_put(g->db, coder, u.source, g->scope_rows ? u.passage : 0, "", "seen",
			  NULL, &changed, e))
		return e->code;
	g->changed += changed;
	return 0;
}

/* --scope sources with --characters: everyone in the sources the rows
 * name that no row gave a character is unknown to that coder. */
static int unknown_elsewhere(struct gold *g, struct err *e)
{
	sqlite3_stmt *st = db_prepare(g->db,
		"INSERT INTO character_decision(participant, coder, character)"
		" SELECT DISTINCT pt.name, s.coder, 'unknown' FROM temp.gold_source s"
		" JOIN passage p ON p.source_id = s.source_id AND p.interviewer = 0"
		" JOIN participant pt ON pt.id = p.participant_id"
		" WHERE true ON CONFLICT DO NOTHING", e);
	int rc;

	if (!st)
		return e->code;
	rc = db_step_done(g->db, st, e, "storing characters");
	g->changed += sqlite3_changes(g->db->h);
	sqlite3_finalize(st);
	return rc;
}

/* Which column is which; the header must name a unit and a code. */
static int read_header(struct gold *g, struct err *e)
{
	static const struct {
		const char *name;
		size_t off;
	} cols[] = {
		{ "passage_id", offsetof(struct gold, passage) },
		{ "id", offsetof(struct gold, id) },
		{ "source", offsetof(struct gold, source) },
		{ "line", offsetof(struct gold, line) },
		{ "quote", offsetof(struct gold, quote) },
		{ "coder", offsetof(struct gold, coder_col) },
		{ "note", offsetof(struct gold, note) },
		{ "participant", offsetof(struct gold, participant) },
	};
	const char *code = g->characters ? "character" : "code";

	if (!g->t.nrows)
		return err_set(e, E_DATA, "%s: empty file: a gold file starts with a header", g->path);
	for (size_t i = 0; i < sizeof(cols) / sizeof(*cols); i++)
		*(long *)((char *)g + cols[i].off) = table_column(&g->t, 0, cols[i].name);
	g->code = table_column(&g->t, 0, code);
	if (g->code < 0)
		return err_set(e, E_DATA, "%s:1: the header has no '%s' column (it has: %s...)",
			       g->path, code, table_cell(&g->t, 0, 0));
	if (g->passage < 0 && g->id < 0 && g->source < 0 &&
	    !(g->characters && g->participant >= 0))
		return err_set(e, E_DATA, "%s:1: the header names no unit: give passage_id, id,"
			       " source (with line or quote, or alone)%s", g->path,
			       g->characters ? ", or participant" : "");
	return 0;
}

static int import_rows(struct gold *g, struct err *e)
{
	int rc = 0;

	for (size_t r = 1; r < g->t.nrows; r++) {
		if (g->t.ncols[r] == 1 && !*g->t.rows[r][0])
			continue;       /* a blank line */
		g->rows++;
		if (db_exec(g->db, "SAVEPOINT gold_row", e) || (rc = import_row(g, r, e))) {
			struct err ignore = ERR_INIT;

			rc = e->code;
			db_exec(g->db, "ROLLBACK TO gold_row; RELEASE gold_row", &ignore);
			if (!g->keep_going)
				break;
			buf_addf(&g->bad, "  %s\n", e->msg);
			g->rejected_rows++;
			err_clear(e);
			rc = 0;
			continue;
		}
		if ((rc = db_exec(g->db, "RELEASE gold_row", e)))
			break;
	}
	return rc;
}

int cmd_gold(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "scope", required_argument, NULL, OPT_SCOPE },
		{ "characters", no_argument, NULL, OPT_CHARACTERS },
		{ "keep-going", no_argument, NULL, OPT_KEEP_GOING },
		CODER_OPTION,
		CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct gold g = { .bad = BUF_INIT };
	struct db db = { 0 };
	struct buf data = BUF_INIT;
	int rc, in_tx = 0;

	if ((rc = cli_parse(argc, argv, opts, gold_usage, gold_help, gold_opt, &g, e)))
		return rc < 0 ? 0 : rc;
	if (argc - optind != 2 || strcmp(argv[optind], "import"))
		return err_set(e, E_USAGE, "usage: %s", gold_usage);
	g.path = argv[optind + 1];
	if (decisions_coder(cli.coder, &g.coder, e))
		return e->code;
	if (buf_read_file(&data, g.path)) {
		rc = err_set(e, E_DATA, "%s: cannot read: %s", g.path, strerror(errno));
		goto out;
	}
	if ((rc = table_read(&g.t, g.path, data.data, data.len, e)) ||
	    (rc = read_header(&g, e)) || (rc = cli_open_db(&db, e)) ||
	    (rc = db_exec(&db, "BEGIN IMMEDIATE", e)))
		goto out;
	in_tx = 1;
	g.db = &db;
	if ((rc = db_exec(&db, "CREATE TEMP TABLE gold_source(coder TEXT, source_id INTEGER,"
			  " PRIMARY KEY (coder, source_id))", e)) ||
	    (rc = import_rows(&g, e)))
		goto out;
	if (g.characters && !g.scope_rows && (rc = unknown_elsewhere(&g, e)))
		goto out;
	if (g.characters && (rc = decisions_apply_characters(&db, e)))
		goto out;
	if ((rc = db_exec(&db, "COMMIT", e)))
		goto out;
	in_tx = 0;
	printf("gold '%s' by %s: %ld rows, %ld %s, %ld rejected; %s\n", g.path, g.coder,
	       g.rows, g.characters ? g.rows - g.rejected_rows : g.added,
	       g.characters ? "characters" : "codes", g.rejected_rows,
	       g.changed ? "stored" : "nothing new (imported before)");
	if (g.rejected_rows) {
		fprintf(stderr, "papercut: rejected %ld row%s:\n%s", g.rejected_rows,
			g.rejected_rows == 1 ? "" : "s", g.bad.data);
		rc = err_set(e, E_DATA, "gold import: %ld rows rejected (listed above), the rest"
			     " stored", g.rejected_rows);
	}
out:
	if (in_tx)
		db_rollback(&db);
	table_release(&g.t);
	buf_release(&data);
	buf_release(&g.bad);
	db_close(&db);
	return rc;
}
