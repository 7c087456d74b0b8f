#include <stdio.h>
#include <string.h>

#include "../core/cli.h"
#include "../core/csvout.h"
#include "../core/results.h"
#include "analyze.h"

static const char analyze_usage[] =
	"papercut analyze [--table T] [--csv|--json] [--quarters N] [filters]";
static const char analyze_help[] =
	"What hurts whom, with numbers that can be defended. Interviewer turns\n"
	"never count; a participant counts once per papercut.\n\n"
	"Tables (text shows them all, or the one --table names; --csv one,\n"
	"--table; --json all):\n"
	"  matrix   each papercut x character: passages, participants and their\n"
	"           share of the character's n participants (Wilson 95% interval)\n"
	"  themes   the same per theme\n"
	"  trends   participants per quarter for the last --quarters quarters,\n"
	"           change and rank change against the quarter before, new ones\n"
	"  over     papercuts a character reports more than the others: Fisher's\n"
	"           exact test (one-sided), Benjamini-Hochberg adjusted (q)\n"
	"  pairs    papercuts reported by the same participants\n\n"
	"  --table T           matrix (default), themes, trends, over or pairs\n"
	"  --csv               CSV of one table\n"
	"  --json              JSON of every table\n"
	CODER_HELP
	SERIES_HELP;

enum { FMT_TEXT, FMT_CSV, FMT_JSON };

/* Significance level for the over-representation list. */
#define ALPHA 0.05

/* The tables, as CSV: the same queries feed the text. */
static const struct table {
	const char *name;
	const char *sql;
} tables[] = {
	{ "matrix",
	  "SELECT code_id AS code, label, theme, character, passages, participants,"
	  " n AS character_participants, share, lo AS share_low, hi AS share_high"
	  " FROM r_matrix ORDER BY code_pos, char_pos" },
	{ "themes",
	  "SELECT theme, character, passages, participants, n AS character_participants,"
	  " share, lo AS share_low, hi AS share_high FROM r_themes ORDER BY theme_pos, char_pos" },
	{ "trends",
	  "SELECT code_id AS code, label, quarter, participants, passages, rank,"
	  " change, rank_change, new FROM r_change ORDER BY code_pos, quarter" },
	{ "over",
	  "SELECT character, code_id AS code, with_it AS participants, n AS character_participants,"
	  " others_with_it AS others_participants, others_n AS others, p, q,"
	  " q < 0.05 AS significant FROM r_over ORDER BY q, p, character, code_id" },
	{ "pairs",
	  "SELECT code_a, code_b, participants FROM r_pair ORDER BY participants DESC, code_a, code_b" },
};

struct analyze_opts {
	struct filter f;
	int format;
	const struct table *table;
};

static int analyze_opt(int opt, const char *arg, void *ctx, struct err *e)
{
	struct analyze_opts *o = ctx;
	int rc = filter_opt(&o->f, opt, arg, e);

	if (rc == 1)
		return 0;
	if (rc)
		return rc;
	if (opt == 'c' || opt == 'j') {
		o->format = opt == 'c' ? FMT_CSV : FMT_JSON;
		return 0;
	}
	for (size_t i = 0; i < sizeof(tables) / sizeof(*tables); i++)
		if (!strcmp(arg, tables[i].name)) {
			o->table = &tables[i];
			return 0;
		}
	return err_set(e, E_USAGE, "--table takes matrix, themes, trends, over or pairs, not '%s'", arg);
}

/* A character x key table, as analyze and the report's Summary show it. */
static int print_grid(struct db *db, const char *title, const char *sql, struct err *e)
{
	sqlite3_stmt *chars = NULL, *rows = NULL;
	int rc = 0, nchars = 0, nrows = 0;

	chars = db_prepare(db, "SELECT id, participants FROM r_character ORDER BY position", e);
	rows = db_prepare(db, sql, e);
	if (!chars || !rows) {
		rc = e->code;
		goto out;
	}
	printf("%-22s", title);
	while (sqlite3_step(chars) == SQLITE_ROW) {
		printf(" %14s", db_col_text(chars, 0));
		nchars++;
	}
	printf("\n%-22s", "");
	sqlite3_reset(chars);
	while (sqlite3_step(chars) == SQLITE_ROW) {
		char n[32];

		snprintf(n, sizeof(n), "(n=%d)", sqlite3_column_int(chars, 1));
		printf(" %14s", n);
	}
	putchar('\n');
	for (int col = 0; sqlite3_step(rows) == SQLITE_ROW; col = (col + 1) % nchars) {
		if (col == 0) {
			printf("%-22s", db_col_text(rows, 0));
			nrows++;
		}
		if (sqlite3_column_type(rows, 2) == SQLITE_NULL)
			printf(" %14s", "-");
		else
			printf(" %3d %4.0f%% %4d", sqlite3_column_int(rows, 1),
			       100 * sqlite3_column_double(rows, 2),
			       sqlite3_column_int(rows, 3));
		if (col == nchars - 1)
			putchar('\n');
	}
	if (!nrows)
		printf("(no papercuts in the codebook of the last tagging)\n");
out:
	sqlite3_finalize(chars);
	sqlite3_finalize(rows);
	return rc;
}

static int print_trends(struct db *db, struct err *e)
{
	sqlite3_stmt *qs = db_prepare(db, "SELECT label FROM r_quarter ORDER BY position", e);
	sqlite3_stmt *rows = db_prepare(db,
		"SELECT c.code_id, c.participants, l.change, l.rank, l.rank_change, l.new"
		" FROM r_change c JOIN r_quarter q ON q.label = c.quarter"
		" JOIN (SELECT * FROM r_change WHERE quarter = (SELECT label FROM r_quarter"
		"  ORDER BY position DESC LIMIT 1)) l ON l.code_id = c.code_id"
		" WHERE c.code_id IN (SELECT code_id FROM r_trend GROUP BY 1 HAVING max(participants) > 0)"
		" ORDER BY l.rank IS NULL, l.rank, c.code_pos, q.position", e);
	int nq = 0, col = 0, any = 0;

	if (!qs || !rows) {
		sqlite3_finalize(qs);
		sqlite3_finalize(rows);
		return e->code;
	}
	printf("%-22s", "trend: participants");
	while (sqlite3_step(qs) == SQLITE_ROW) {
		printf(" %7s", db_col_text(qs, 0));
		nq++;
	}
	printf("  %6s %4s %6s\n", "change", "rank", "moved");
	while (nq && sqlite3_step(rows) == SQLITE_ROW) {
		if (col == 0)
			printf("%-22s", db_col_text(rows, 0));
		printf(" %7d", sqlite3_column_int(rows, 1));
		if (++col == nq) {
			char rank[16] = "-", moved[16] = "";

			if (sqlite3_column_type(rows, 3) != SQLITE_NULL)
				snprintf(rank, sizeof(rank), "%d", sqlite3_column_int(rows, 3));
			if (sqlite3_column_int(rows, 5))
				snprintf(moved, sizeof(moved), "new");
			else if (sqlite3_column_type(rows, 4) != SQLITE_NULL &&
				 sqlite3_column_int(rows, 4))
				snprintf(moved, sizeof(moved), "%+d", sqlite3_column_int(rows, 4));
			printf("  %+6d %4s %6s\n", sqlite3_column_int(rows, 2), rank, moved);
			col = 0;
			any = 1;
		}
	}
	if (!nq)
		printf("(no dated sources in scope)\n");
	else if (!any)
		printf("(no papercut reported in these quarters)\n");
	else
		printf("change and rank against the quarter before the last; 'new': never reported before\n");
	sqlite3_finalize(qs);
	sqlite3_finalize(rows);
	return 0;
}

static int print_over(struct db *db, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT character, code_id, with_it, n, others_with_it, others_n, p, q,"
		" (SELECT count(*) FROM r_over), (SELECT min(q) FROM r_over)"
		" FROM r_over ORDER BY q, p, character, code_id", e);
	int shown = 0;

	if (!st)
		return e->code;
	printf("over-represented: papercuts a character's participants report more than the\n"
	       "others do (Fisher's exact test, one-sided; q = p adjusted by Benjamini-Hochberg\n"
	       "over all tests; listed when q < %.2f)\n", ALPHA);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_double(st, 7) >= ALPHA) {
			if (!shown)
				printf("none of %d tests (smallest q %.3f): no difference the data can support\n",
				       sqlite3_column_int(st, 8), sqlite3_column_double(st, 9));
			break;
		}
		if (!shown)
			printf("%-10s %-22s %10s %10s %8s %8s\n", "character", "papercut",
			       "character", "others", "p", "q");
		printf("%-10s %-22s %4d of %-3d %4d of %-3d %8.4f %8.4f\n", db_col_text(st, 0),
		       db_col_text(st, 1), sqlite3_column_int(st, 2), sqlite3_column_int(st, 3),
		       sqlite3_column_int(st, 4), sqlite3_column_int(st, 5),
		       sqlite3_column_double(st, 6), sqlite3_column_double(st, 7));
		shown++;
	}
	if (!shown && sqlite3_data_count(st) == 0)
		printf("no tests: it takes participants of two characters\n");
	sqlite3_finalize(st);
	return 0;
}

static int print_pairs(struct db *db, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT code_a, code_b, participants FROM r_pair"
				      " ORDER BY participants DESC, code_a, code_b LIMIT 15", e);
	int n = 0;

	if (!st)
		return e->code;
	printf("%-45s %12s\n", "reported together", "participants");
	while (sqlite3_step(st) == SQLITE_ROW) {
		char pair[128];

		snprintf(pair, sizeof(pair), "%s + %s", db_col_text(st, 0), db_col_text(st, 1));
		printf("%-45s %12d\n", pair, sqlite3_column_int(st, 2));
		n++;
	}
	if (!n)
		printf("(no participant reports two papercuts)\n");
	sqlite3_finalize(st);
	return 0;
}

static int print_matrix(struct db *db, struct err *e)
{
	if (print_grid(db, "papercut",
		       "SELECT m.code_id, m.participants, m.share, m.passages FROM r_matrix m"
		       " JOIN r_matrix t ON t.code_id = m.code_id AND t.character = 'total'"
		       " ORDER BY t.participants DESC, t.passages DESC, m.code_pos, m.char_pos", e))
		return e->code;
	printf("\neach cell: participants, share of the character's participants (n), passages\n");
	return 0;
}

static int print_themes(struct db *db, struct err *e)
{
	return print_grid(db, "theme",
			  "SELECT m.theme, m.participants, m.share, m.passages FROM r_themes m"
			  " JOIN r_themes t ON t.theme = m.theme AND t.character = 'total'"
			  " ORDER BY t.participants DESC, t.passages DESC, m.theme_pos, m.char_pos", e);
}

/* The tables as text, in the order of `tables`; `only` picks one. */
static int print_text(struct db *db, const struct table *only, struct err *e)
{
	static int (*const print[])(struct db *, struct err *) = {
		print_matrix, print_themes, print_trends, print_over, print_pairs,
	};
	int first = 1;

	for (size_t i = 0; i < sizeof(print) / sizeof(*print); i++) {
		if (only && only != &tables[i])
			continue;
		if (!first)
			putchar('\n');
		first = 0;
		if (print[i](db, e))
			return e->code;
	}
	return 0;
}

/* JSON is made by SQLite's JSON functions, never by hand. */
static const char json_sql[] =
	"SELECT json_object("
	" 'characters', (SELECT json_group_array(json_object('id', id,"
	"   'participants', participants)) FROM (SELECT * FROM r_character ORDER BY position)),"
	" 'cells', (SELECT json_group_array(json_object('code', code_id,"
	"   'label', label, 'theme', theme, 'character', character,"
	"   'passages', passages, 'participants', participants,"
	"   'character_participants', n, 'share', share,"
	"   'share_low', lo, 'share_high', hi)) FROM"
	"   (SELECT * FROM r_matrix ORDER BY code_pos, char_pos)),"
	" 'themes', (SELECT json_group_array(json_object('theme', theme, 'character', character,"
	"   'passages', passages, 'participants', participants, 'character_participants', n,"
	"   'share', share, 'share_low', lo, 'share_high', hi)) FROM"
	"   (SELECT * FROM r_themes ORDER BY theme_pos, char_pos)),"
	" 'quarters', (SELECT json_group_array(label) FROM (SELECT label FROM r_quarter ORDER BY position)),"
	" 'trends', (SELECT json_group_array(json_object('code', code_id, 'quarter', quarter,"
	"   'participants', participants, 'passages', passages, 'rank', rank,"
	"   'change', change, 'rank_change', rank_change, 'new', json(iif(new, 'true', 'false'))))"
	"   FROM (SELECT * FROM r_change ORDER BY code_pos, quarter)),"
	" 'over_representation', json_object("
	"   'method', 'Fisher exact test, one-sided, Benjamini-Hochberg adjusted',"
	"   'alpha', 0.05, 'tests', (SELECT count(*) FROM r_over),"
	"   'results', (SELECT json_group_array(json_object('character', character,"
	"     'code', code_id, 'participants', with_it, 'character_participants', n,"
	"     'others_participants', others_with_it, 'others', others_n, 'p', p, 'q', q,"
	"     'significant', json(iif(q < 0.05, 'true', 'false'))))"
	"     FROM (SELECT * FROM r_over ORDER BY q, p, character, code_id))),"
	" 'pairs', (SELECT json_group_array(json_object('codes', json_array(code_a, code_b),"
	"   'participants', participants)) FROM"
	"   (SELECT * FROM r_pair ORDER BY participants DESC, code_a, code_b)))";

int cmd_analyze(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "csv", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "table", required_argument, NULL, 't' },
		SERIES_OPTIONS,
		CODER_OPTION,
		CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct analyze_opts o = { .format = FMT_TEXT, .f.quarters = 8 };
	struct progress prog = { 0 };
	struct db db = { 0 };
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = cli_parse(argc, argv, opts, analyze_usage, analyze_help,
			    analyze_opt, &o, e)))
		return rc < 0 ? 0 : rc;
	if (optind < argc)
		return err_set(e, E_USAGE, "analyze takes no operands (usage: %s)", analyze_usage);
	if ((rc = cli_open_db_reading(&db, e)))
		goto out;
	progress_start(&prog);
	progress_show(&prog, "analyze: counting");
	rc = results_compute(&db, &o.f, 0, e);
	progress_done(&prog);
	if (rc)
		goto out;
	if (o.format == FMT_TEXT) {
		rc = print_text(&db, o.table, e);
		goto out;
	}
	st = db_prepare(&db, o.format == FMT_JSON ? json_sql
			: (o.table ? o.table : &tables[0])->sql, e);
	if (!st) {
		rc = e->code;
		goto out;
	}
	if (o.format == FMT_JSON) {
		if (sqlite3_step(st) == SQLITE_ROW)
			printf("%s\n", db_col_text(st, 0));
	} else if (csv_query(stdout, st) != SQLITE_DONE) {
		rc = db_fail(&db, e, "analyzing");
	}
out:
	sqlite3_finalize(st);
	db_close(&db);
	return rc;
}
