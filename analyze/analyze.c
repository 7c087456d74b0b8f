#include <stdio.h>
#include <string.h>

#include "../core/cli.h"
#include "../core/csvout.h"
#include "../core/results.h"
#include "analyze.h"

static const char analyze_usage[] = "papercut analyze [--csv|--json] [filters]";
static const char analyze_help[] =
	"Papercut frequency per character: for each papercut and character, the\n"
	"evidence passages, the distinct participants, and their share of the\n"
	"character's participants (with a Wilson 95% interval in CSV and JSON);\n"
	"'total' counts every participant. Interviewer turns never count.\n\n"
	"  --csv               CSV, one row per papercut and character\n"
	"  --json              JSON\n"
	FILTER_HELP;

enum { FMT_TEXT, FMT_CSV, FMT_JSON };

struct analyze_opts {
	struct filter f;
	int format;
};

static int analyze_opt(int opt, const char *arg, void *ctx, struct err *e)
{
	struct analyze_opts *o = ctx;
	int rc = filter_opt(&o->f, opt, arg, e);

	if (rc == 1)
		return 0;
	if (rc)
		return rc;
	o->format = opt == 'c' ? FMT_CSV : FMT_JSON;
	return 0;
}

static int print_text(struct db *db, struct err *e)
{
	sqlite3_stmt *chars = NULL, *rows = NULL;
	int rc = 0, nchars = 0;

	chars = db_prepare(db, "SELECT id, participants FROM r_character ORDER BY position", e);
	rows = db_prepare(db,
		"SELECT m.code_id, m.participants, m.share, m.passages"
		" FROM r_matrix m"
		" JOIN r_matrix t ON t.code_id = m.code_id AND t.character = 'total'"
		" ORDER BY t.participants DESC, t.passages DESC, m.code_pos, m.char_pos", e);
	if (!chars || !rows) {
		rc = e->code;
		goto out;
	}
	printf("%-22s", "papercut");
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
		if (col == 0)
			printf("%-22s", db_col_text(rows, 0));
		if (sqlite3_column_type(rows, 2) == SQLITE_NULL)
			printf(" %14s", "-");
		else
			printf(" %3d %4.0f%% %4d", sqlite3_column_int(rows, 1),
			       100 * sqlite3_column_double(rows, 2),
			       sqlite3_column_int(rows, 3));
		if (col == nchars - 1)
			putchar('\n');
	}
	printf("\neach cell: participants, share of the character's participants (n), passages\n");
out:
	sqlite3_finalize(chars);
	sqlite3_finalize(rows);
	return rc;
}

static int print_csv(struct db *db, struct err *e)
{
	static const char *const head[] = {
		"code", "label", "theme", "character", "passages", "participants",
		"character_participants", "share", "share_low", "share_high",
	};
	sqlite3_stmt *st = db_prepare(db,
		"SELECT code_id, label, theme, character, passages, participants, n,"
		" share, lo, hi FROM r_matrix ORDER BY code_pos, char_pos", e);

	if (!st)
		return e->code;
	for (size_t i = 0; i < 10; i++)
		csv_text(stdout, head[i], i == 9);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < 10; i++) {
			int last = i == 9;

			switch (sqlite3_column_type(st, i)) {
			case SQLITE_NULL:
				csv_null(stdout, last);
				break;
			case SQLITE_INTEGER:
				csv_long(stdout, sqlite3_column_int64(st, i), last);
				break;
			case SQLITE_FLOAT:
				csv_double(stdout, sqlite3_column_double(st, i), last);
				break;
			default:
				csv_text(stdout, db_col_text(st, i), last);
			}
		}
	}
	sqlite3_finalize(st);
	return 0;
}

/* JSON is made by SQLite's JSON functions, never by hand. */
static int print_json(struct db *db, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT json_object("
		" 'characters', (SELECT json_group_array(json_object('id', id,"
		"   'participants', participants)) FROM"
		"   (SELECT * FROM r_character ORDER BY position)),"
		" 'cells', (SELECT json_group_array(json_object('code', code_id,"
		"   'label', label, 'theme', theme, 'character', character,"
		"   'passages', passages, 'participants', participants,"
		"   'character_participants', n, 'share', share,"
		"   'share_low', lo, 'share_high', hi)) FROM"
		"   (SELECT * FROM r_matrix ORDER BY code_pos, char_pos)))", e);

	if (!st)
		return e->code;
	if (sqlite3_step(st) == SQLITE_ROW)
		printf("%s\n", db_col_text(st, 0));
	sqlite3_finalize(st);
	return 0;
}

int cmd_analyze(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "csv", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		FILTER_OPTIONS,
		CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct analyze_opts o = { .format = FMT_TEXT };
	struct db db = { 0 };
	int rc;

	if ((rc = cli_parse(argc, argv, opts, analyze_usage, analyze_help,
			    analyze_opt, &o, e)))
		return rc < 0 ? 0 : rc;
	if (optind < argc)
		return err_set(e, E_USAGE, "analyze takes no operands (usage: %s)", analyze_usage);
	if ((rc = cli_open_db(&db, e)) || (rc = results_compute(&db, &o.f, e)))
		goto out;
	if (o.format == FMT_CSV)
		rc = print_csv(&db, e);
	else if (o.format == FMT_JSON)
		rc = print_json(&db, e);
	else
		rc = print_text(&db, e);
out:
	db_close(&db);
	return rc;
}
