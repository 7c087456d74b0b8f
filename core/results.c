#include <stdio.h>
#include <string.h>

#include "results.h"

/* z for a two-sided 95% interval */
#define Z95 "1.959963984540054"

static const char results_sql[] =
	"DROP VIEW IF EXISTS temp.r_matrix;"
	"DROP VIEW IF EXISTS temp.r_count;"
	"DROP TABLE IF EXISTS temp.r_passage;"
	"DROP TABLE IF EXISTS temp.r_character;"
	"DROP TABLE IF EXISTS temp.r_code;"
	"DROP TABLE IF EXISTS temp.r_cell;"
	"CREATE TEMP TABLE r_passage(passage_id INTEGER PRIMARY KEY,"
	" participant_id INTEGER, character TEXT, date TEXT, format TEXT, batch TEXT);"
	"CREATE TEMP TABLE r_character(id TEXT PRIMARY KEY, position INTEGER,"
	" participants INTEGER);"
	"CREATE TEMP TABLE r_code(id TEXT PRIMARY KEY, label TEXT, theme TEXT,"
	" position INTEGER);"
	"CREATE TEMP TABLE r_cell(code_id TEXT, character TEXT, passages INTEGER,"
	" participants INTEGER, PRIMARY KEY (code_id, character));"
	"CREATE TEMP VIEW r_count AS"
	" SELECT k.id AS code_id, k.label, k.theme, k.position AS code_pos,"
	"  ch.id AS character, ch.position AS char_pos,"
	"  coalesce(c.passages, 0) AS passages,"
	"  coalesce(c.participants, 0) AS participants, ch.participants AS n"
	" FROM r_code k CROSS JOIN r_character ch"
	" LEFT JOIN r_cell c ON c.code_id = k.id AND c.character = ch.id;"
	/* Wilson score interval: (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n) */
	"CREATE TEMP VIEW r_matrix AS"
	" SELECT code_id, label, theme, code_pos, character, char_pos, passages,"
	"  participants, n, iif(n > 0, p, NULL) AS share,"
	"  iif(n > 0, (p + zz / (2.0 * n) - " Z95 " * sqrt(p * (1 - p) / n + zz / (4.0 * n * n)))"
	"   / (1 + zz / n), NULL) AS lo,"
	"  iif(n > 0, (p + zz / (2.0 * n) + " Z95 " * sqrt(p * (1 - p) / n + zz / (4.0 * n * n)))"
	"   / (1 + zz / n), NULL) AS hi"
	" FROM (SELECT *, iif(n > 0, 1.0 * participants / n, 0) AS p,"
	"  " Z95 " * " Z95 " AS zz FROM r_count);";

static const char scope_sql[] =
	"INSERT INTO r_passage"
	" SELECT p.id, p.participant_id,"
	"  iif(pt.character IN (SELECT id FROM code WHERE kind = 'character'),"
	"   pt.character, 'unknown'), s.date, s.format, b.name"
	" FROM passage p"
	" JOIN source s ON s.id = p.source_id"
	" JOIN batch b ON b.id = s.batch_id"
	" JOIN participant pt ON pt.id = p.participant_id"
	" WHERE p.interviewer = 0"
	"  AND (:kind IS NULL OR s.format = :kind)"
	"  AND (:batch IS NULL OR b.name = :batch)"
	"  AND (:character IS NULL OR pt.character = :character)"
	"  AND (:since IS NULL OR substr(s.date, 1, 10) >= :since)"
	"  AND (:until IS NULL OR substr(s.date, 1, 10) <= :until)";

static const char codes_sql[] =
	"INSERT INTO r_code SELECT id, label, theme, position FROM code"
	" WHERE kind = 'papercut' AND (:theme IS NULL OR theme = :theme)";

static const char characters_sql[] =
	"INSERT INTO r_character"
	" SELECT id, position, (SELECT count(DISTINCT participant_id) FROM r_passage"
	"  WHERE character = code.id) FROM code WHERE kind = 'character';"
	"INSERT INTO r_character SELECT 'unknown', 1000000, count(DISTINCT participant_id)"
	" FROM r_passage WHERE character = 'unknown';"
	"INSERT INTO r_character SELECT 'total', 1000001, count(DISTINCT participant_id)"
	" FROM r_passage;"
	"INSERT INTO r_cell"
	" SELECT c.code_id, rp.character, count(*), count(DISTINCT rp.participant_id)"
	" FROM coding c"
	" JOIN r_passage rp ON rp.passage_id = c.passage_id"
	" JOIN r_code k ON k.id = c.code_id"
	" GROUP BY 1, 2"
	" UNION ALL"
	" SELECT c.code_id, 'total', count(*), count(DISTINCT rp.participant_id)"
	" FROM coding c"
	" JOIN r_passage rp ON rp.passage_id = c.passage_id"
	" JOIN r_code k ON k.id = c.code_id"
	" GROUP BY 1;";

static void bind_named(sqlite3_stmt *st, const char *name, const char *value)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0)
		db_bind_text(st, i, value);
}

static int run_filtered(struct db *db, const char *sql, const struct filter *f,
			struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, sql, e);
	const char *since = f->since, *until = f->until;
	int rc;

	if (!st)
		return e->code;
	/* a quarter narrows --since/--until further */
	if (f->quarter_since[0] && (!since || strcmp(f->quarter_since, since) > 0))
		since = f->quarter_since;
	if (f->quarter_until[0] && (!until || strcmp(f->quarter_until, until) < 0))
		until = f->quarter_until;
	bind_named(st, ":kind", f->kind);
	bind_named(st, ":batch", f->batch);
	bind_named(st, ":character", f->character);
	bind_named(st, ":theme", f->theme);
	bind_named(st, ":since", since);
	bind_named(st, ":until", until);
	rc = db_step_done(db, st, e, "computing results");
	sqlite3_finalize(st);
	return rc;
}

int results_compute(struct db *db, const struct filter *f, struct err *e)
{
	if (db_exec(db, results_sql, e) ||
	    run_filtered(db, scope_sql, f, e) ||
	    run_filtered(db, codes_sql, f, e) ||
	    db_exec(db, characters_sql, e))
		return e->code;
	return 0;
}

int filter_quarter(struct filter *f, const char *q, struct err *e)
{
	static const char *const start[] = { "01-01", "04-01", "07-01", "10-01" };
	static const char *const end[] = { "03-31", "06-30", "09-30", "12-31" };
	int year, quarter;
	char rest;

	if (sscanf(q, "%4dQ%1d%c", &year, &quarter, &rest) != 2 ||
	    strlen(q) != 6 || year < 1000 || quarter < 1 || quarter > 4)
		return err_set(e, E_USAGE, "quarter '%s' is not of the form 2026Q3", q);
	snprintf(f->quarter_since, sizeof(f->quarter_since), "%04d-%s", year, start[quarter - 1]);
	snprintf(f->quarter_until, sizeof(f->quarter_until), "%04d-%s", year, end[quarter - 1]);
	return 0;
}

int filter_date(const char *name, const char *arg, struct err *e)
{
	int y, m, d;
	char rest;

	if (strlen(arg) != 10 || sscanf(arg, "%4d-%2d-%2d%c", &y, &m, &d, &rest) != 3 ||
	    arg[4] != '-' || arg[7] != '-' || m < 1 || m > 12 || d < 1 || d > 31)
		return err_set(e, E_USAGE, "%s takes a date YYYY-MM-DD, not '%s'", name, arg);
	return 0;
}

int filter_opt(struct filter *f, int opt, const char *arg, struct err *e)
{
	switch (opt) {
	case OPT_KIND:
		f->kind = arg;
		return 1;
	case OPT_BATCH:
		f->batch = arg;
		return 1;
	case OPT_CHARACTER:
		f->character = arg;
		return 1;
	case OPT_THEME:
		f->theme = arg;
		return 1;
	case OPT_SINCE:
		f->since = arg;
		return filter_date("--since", arg, e) ? E_USAGE : 1;
	case OPT_UNTIL:
		f->until = arg;
		return filter_date("--until", arg, e) ? E_USAGE : 1;
	case OPT_QUARTER:
		return filter_quarter(f, arg, e) ? E_USAGE : 1;
	}
	return 0;
}
