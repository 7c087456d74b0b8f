#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mem.h"
#include "results.h"
#include "stats.h"
#include "tally.h"

/* z for a two-sided 95% interval */
#define Z95 "1.959963984540054"

static const char results_sql[] =
	"DROP VIEW IF EXISTS temp.r_matrix;"
	"DROP VIEW IF EXISTS temp.r_themes;"
	"DROP VIEW IF EXISTS temp.r_stats;"
	"DROP TABLE IF EXISTS temp.r_tpassage;"
	"DROP VIEW IF EXISTS temp.r_passage;"
	"DROP TABLE IF EXISTS temp.r_character;"
	"DROP TABLE IF EXISTS temp.r_key;"
	"DROP TABLE IF EXISTS temp.r_cell;"
	"DROP TABLE IF EXISTS temp.r_quarter;"
	"DROP TABLE IF EXISTS temp.r_trend;"
	"DROP TABLE IF EXISTS temp.r_over;"
	"DROP TABLE IF EXISTS temp.r_pair;"
	"DROP TABLE IF EXISTS temp.r_sources;"
	"DROP TABLE IF EXISTS temp.r_hit;"
	"DROP TABLE IF EXISTS temp.r_tcount;"
	"DROP TABLE IF EXISTS temp.r_first;"
	"CREATE TEMP TABLE r_tpassage(passage_id INTEGER PRIMARY KEY, source_id INTEGER,"
	" participant_id INTEGER, character TEXT, date TEXT, quarter TEXT, format TEXT,"
	" batch TEXT, in_range INTEGER, quotable INTEGER, shown_date TEXT);"
	"CREATE TEMP VIEW r_passage AS SELECT * FROM r_tpassage WHERE in_range;"
	"CREATE TEMP TABLE r_character(id TEXT PRIMARY KEY, position INTEGER,"
	" participants INTEGER);"
	/* level 'code' (papercuts) or 'theme' */
	"CREATE TEMP TABLE r_key(level TEXT, key TEXT, label TEXT, theme TEXT,"
	" position INTEGER, PRIMARY KEY (level, key));"
	"CREATE TEMP TABLE r_cell(level TEXT, key TEXT, character TEXT, passages INTEGER,"
	" participants INTEGER, PRIMARY KEY (level, key, character));"
	"CREATE TEMP TABLE r_quarter(position INTEGER PRIMARY KEY, label TEXT UNIQUE,"
	" since TEXT, until TEXT);"
	"CREATE TEMP TABLE r_trend(code_id TEXT, quarter TEXT, participants INTEGER,"
	" passages INTEGER, rank INTEGER, PRIMARY KEY (code_id, quarter));"
	"CREATE TEMP TABLE r_over(character TEXT, code_id TEXT, with_it INTEGER,"
	" n INTEGER, others_with_it INTEGER, others_n INTEGER, p REAL, q REAL,"
	" PRIMARY KEY (character, code_id));"
	"CREATE TEMP TABLE r_pair(code_a TEXT, code_b TEXT, participants INTEGER,"
	" PRIMARY KEY (code_a, code_b));"
	"CREATE TEMP TABLE r_sources(quarter TEXT, format TEXT, sources INTEGER,"
	" PRIMARY KEY (quarter, format));"
	/* the papercut codings in scope, once, for every count below */
	"CREATE TEMP TABLE r_hit(passage_id INTEGER, participant_id INTEGER,"
	" character TEXT, code_id TEXT, theme TEXT, quotable INTEGER, shown_date TEXT);"
	/* papercut x quarter counts, and each papercut's first date (tally.c) */
	"CREATE TEMP TABLE r_tcount(code_id TEXT, quarter TEXT, participants INTEGER,"
	" passages INTEGER, PRIMARY KEY (code_id, quarter));"
	"CREATE TEMP TABLE r_first(code_id TEXT PRIMARY KEY, date TEXT);"
	/* Wilson score interval: (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n) */
	"CREATE TEMP VIEW r_stats AS"
	" SELECT level, key, label, theme, key_pos, character, char_pos, passages,"
	"  participants, n, iif(n > 0, p, NULL) AS share,"
	"  iif(n > 0, max(0.0, (p + zz / (2.0 * n) - " Z95 " * sqrt(p * (1 - p) / n + zz / (4.0 * n * n)))"
	"   / (1 + zz / n)), NULL) AS lo,"
	"  iif(n > 0, min(1.0, (p + zz / (2.0 * n) + " Z95 " * sqrt(p * (1 - p) / n + zz / (4.0 * n * n)))"
	"   / (1 + zz / n)), NULL) AS hi"
	" FROM (SELECT k.level, k.key, k.label, k.theme, k.position AS key_pos,"
	"  ch.id AS character, ch.position AS char_pos,"
	"  coalesce(c.passages, 0) AS passages, coalesce(c.participants, 0) AS participants,"
	"  ch.participants AS n,"
	"  iif(ch.participants > 0, 1.0 * coalesce(c.participants, 0) / ch.participants, 0) AS p,"
	"  " Z95 " * " Z95 " AS zz"
	"  FROM r_key k CROSS JOIN r_character ch"
	"  LEFT JOIN r_cell c ON c.level = k.level AND c.key = k.key AND c.character = ch.id);"
	"CREATE TEMP VIEW r_matrix AS"
	" SELECT key AS code_id, label, theme, key_pos AS code_pos, character, char_pos,"
	"  passages, participants, n, share, lo, hi FROM r_stats WHERE level = 'code';"
	"CREATE TEMP VIEW r_themes AS"
	" SELECT key AS theme, key_pos AS theme_pos, character, char_pos,"
	"  passages, participants, n, share, lo, hi FROM r_stats WHERE level = 'theme';";

/* Pieces of the scans below. */
#define IN_RANGE \
	"(:since IS NULL OR substr(p.date, 1, 10) >= :since)" \
	" AND (:until IS NULL OR substr(p.date, 1, 10) <= :until)"
#define QUARTER_OF_DATE \
	"iif(p.date IS NULL, NULL, substr(p.date, 1, 4) || 'Q' ||" \
	" ((CAST(substr(p.date, 6, 2) AS INTEGER) + 2) / 3))"
#define CHARACTER_OF_PT \
	"iif(pt.character IN (SELECT id FROM code WHERE kind = 'character')," \
	" pt.character, 'unknown')"

/*
 * The coded passages in scope, and their papercut codings, each with what
 * choosing quotes needs: for the outputs that quote (RESULTS_PASSAGES).
 */
static const char passages_sql[] =
	"INSERT INTO r_tpassage"
	" SELECT p.id, s.id, p.participant_id, " CHARACTER_OF_PT ", p.date, "
	QUARTER_OF_DATE ", s.format, b.name, " IN_RANGE ","
	" length(p.text) BETWEEN 60 AND 500, coalesce(p.date, s.date, '')"
	" FROM (SELECT DISTINCT passage_id FROM ecoding) c"
	" JOIN passage p ON p.id = c.passage_id"
	" JOIN source s ON s.id = p.source_id"
	" JOIN batch b ON b.id = s.batch_id"
	" JOIN participant pt ON pt.id = p.participant_id"
	" WHERE p.interviewer = 0"
	"  AND (:kind IS NULL OR s.format = :kind)"
	"  AND (:batch IS NULL OR b.name = :batch)"
	"  AND (:character IS NULL OR pt.character = :character)"
	"  AND " IN_RANGE ";"
	"INSERT INTO r_hit SELECT rp.passage_id, rp.participant_id, rp.character,"
	" c.code_id, k.theme, rp.quotable, rp.shown_date"
	" FROM ecoding c JOIN r_passage rp ON rp.passage_id = c.passage_id"
	" JOIN r_key k ON k.level = 'code' AND k.key = c.code_id;"
	"CREATE INDEX r_hit_code ON r_hit(code_id, character, passage_id);"
	"CREATE INDEX r_hit_passage ON r_hit(passage_id);";

/* Sources per quarter and kind over the series (needs r_quarter): a
 * source counts in the quarter of its date, or of its first passage's. */
static const char sources_sql[] =
	"INSERT INTO r_sources SELECT q, format, count(*) FROM"
	" (SELECT s.format, (SELECT " QUARTER_OF_DATE " FROM passage p"
	"   WHERE p.source_id = s.id AND p.seq = (SELECT min(seq) FROM passage"
	"   WHERE source_id = s.id)) AS q"
	"  FROM source s JOIN batch b ON b.id = s.batch_id"
	"  WHERE (:kind IS NULL OR s.format = :kind) AND (:batch IS NULL OR b.name = :batch))"
	" WHERE q IN (SELECT label FROM r_quarter) GROUP BY 1, 2";

static const char codes_sql[] =
	"INSERT INTO r_key SELECT 'code', id, label, theme, position FROM code"
	" WHERE kind = 'papercut' AND (:theme IS NULL OR theme = :theme);"
	"INSERT INTO r_key SELECT 'theme', theme, theme, theme, min(position) FROM code"
	" WHERE kind = 'papercut' AND (:theme IS NULL OR theme = :theme) GROUP BY theme";

/* Needs r_quarter: the series, ranked in each quarter among the
 * papercuts reported in it. */
static const char trends_sql[] =
	"INSERT INTO r_trend"
	" SELECT k.key, q.label, coalesce(t.participants, 0), coalesce(t.passages, 0),"
	"  iif(coalesce(t.participants, 0) > 0, RANK() OVER (PARTITION BY q.label"
	"   ORDER BY coalesce(t.participants, 0) = 0, coalesce(t.participants, 0) DESC,"
	"   coalesce(t.passages, 0) DESC), NULL)"
	" FROM r_key k CROSS JOIN r_quarter q"
	" LEFT JOIN r_tcount t ON t.code_id = k.key AND t.quarter = q.label"
	" WHERE k.level = 'code';"
	"CREATE TEMP VIEW IF NOT EXISTS r_change AS"
	" SELECT t.code_id, k.label, k.theme, k.position AS code_pos, t.quarter,"
	"  t.participants, t.passages, t.rank,"
	"  p.participants AS prev_participants, p.rank AS prev_rank,"
	"  t.participants - coalesce(p.participants, 0) AS change,"
	"  iif(t.rank IS NOT NULL AND p.rank IS NOT NULL, p.rank - t.rank, NULL) AS rank_change,"
	"  t.participants > 0 AND NOT EXISTS (SELECT 1 FROM r_first f"
	"   WHERE f.code_id = t.code_id AND f.date < q.since) AS new"
	" FROM r_trend t JOIN r_key k ON k.level = 'code' AND k.key = t.code_id"
	" JOIN r_quarter q ON q.label = t.quarter"
	" LEFT JOIN r_quarter pq ON pq.position = q.position - 1"
	" LEFT JOIN r_trend p ON p.code_id = t.code_id AND p.quarter = pq.label;";

void filter_bind(sqlite3_stmt *st, const struct filter *f)
{
	const char *since, *until;

	filter_dates(f, &since, &until);
	db_bind_named(st, ":kind", f->kind);
	db_bind_named(st, ":batch", f->batch);
	db_bind_named(st, ":character", f->character);
	db_bind_named(st, ":theme", f->theme);
	db_bind_named(st, ":since", since);
	db_bind_named(st, ":until", until);
}

void filter_dates(const struct filter *f, const char **since, const char **until)
{
	*since = f->since;
	*until = f->until;
	/* a quarter narrows --since/--until further */
	if (f->quarter_since[0] && (!*since || strcmp(f->quarter_since, *since) > 0))
		*since = f->quarter_since;
	if (f->quarter_until[0] && (!*until || strcmp(f->quarter_until, *until) < 0))
		*until = f->quarter_until;
}

/* Runs every statement of `sql` with the filter's values bound. */
static int run_filtered(struct db *db, const char *sql, const struct filter *f,
			struct err *e)
{
	const char *tail = sql;
	int rc = 0;

	while (!rc && tail && *tail) {
		sqlite3_stmt *st = NULL;

		if (sqlite3_prepare_v2(db->h, tail, -1, &st, &tail))
			return db_fail(db, e, "computing results");
		if (!st)
			break;
		filter_bind(st, f);
		rc = db_step_done(db, st, e, "computing results");
		sqlite3_finalize(st);
	}
	return rc;
}

/* The quarters of the series: `n` ending at the quarter of --quarter, else
 * of --until, else of `newest`, the newest date of a coded passage in scope. */
static int make_quarters(struct db *db, const struct filter *f, const char *newest,
			 struct err *e)
{
	const char *since, *until;
	sqlite3_stmt *st = NULL;
	int year = 0, q = 0, rc;

	filter_dates(f, &since, &until);
	if (f->quarters <= 0)
		return 0;
	if (until) {
		year = (int)strtol(until, NULL, 10);
		q = ((int)strtol(until + 5, NULL, 10) + 2) / 3;
	} else if (newest && strlen(newest) >= 7) {
		year = (int)strtol(newest, NULL, 10);
		q = ((int)strtol(newest + 5, NULL, 10) + 2) / 3;
	}
	if (!year || q < 1 || q > 4)
		return 0;   /* nothing dated: no series */
	if (!(st = db_prepare(db, "INSERT INTO r_quarter VALUES (?1, ?2, ?3, ?4)", e)))
		return e->code;
	for (int i = f->quarters - 1; i >= 0; i--) {
		static const char *const start[] = { "01-01", "04-01", "07-01", "10-01" };
		static const char *const end[] = { "03-31", "06-30", "09-30", "12-31" };
		char label[16], from[16], to[16];

		snprintf(label, sizeof(label), "%04dQ%d", year, q);
		snprintf(from, sizeof(from), "%04d-%s", year, start[q - 1]);
		snprintf(to, sizeof(to), "%04d-%s", year, end[q - 1]);
		sqlite3_bind_int(st, 1, i);
		sqlite3_bind_text(st, 2, label, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, from, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, to, -1, SQLITE_TRANSIENT);
		if ((rc = db_step_done(db, st, e, "computing quarters"))) {
			sqlite3_finalize(st);
			return rc;
		}
		if (--q == 0) {
			q = 4;
			year--;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

/* Over-representation: for each character and papercut, Fisher's exact
 * test of the character's participants against everyone else's, then
 * Benjamini-Hochberg over all the tests made. */
static int over_representation(struct db *db, struct err *e)
{
	sqlite3_stmt *q = db_prepare(db,
		"SELECT m.character, m.code_id, m.participants, m.n,"
		" t.participants - m.participants, t.n - m.n"
		" FROM r_matrix m JOIN r_matrix t ON t.code_id = m.code_id AND t.character = 'total'"
		" WHERE m.character NOT IN ('total', 'unknown') AND m.n > 0 AND t.n > m.n"
		"  AND m.participants > 0"
		" ORDER BY m.char_pos, m.code_pos", e);
	sqlite3_stmt *ins = db_prepare(db, "INSERT INTO r_over VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", e);
	struct row { char *character, *code; long a, n, c, m; } *rows = NULL;
	size_t nrows = 0, alloc = 0;
	double *p = NULL;
	int rc = 0;

	if (!q || !ins) {
		rc = E_DATA;
		goto out;
	}
	while (sqlite3_step(q) == SQLITE_ROW) {
		ALLOC_GROW(rows, nrows + 1, alloc);
		rows[nrows].character = xstrdup(db_col_text(q, 0));
		rows[nrows].code = xstrdup(db_col_text(q, 1));
		rows[nrows].a = sqlite3_column_int(q, 2);
		rows[nrows].n = sqlite3_column_int(q, 3);
		rows[nrows].c = sqlite3_column_int(q, 4);
		rows[nrows].m = sqlite3_column_int(q, 5);
		nrows++;
	}
	p = xcalloc(nrows ? nrows : 1, sizeof(*p));
	for (size_t i = 0; i < nrows; i++)
		p[i] = fisher_greater(rows[i].a, rows[i].n - rows[i].a, rows[i].c,
				      rows[i].m - rows[i].c);
	for (size_t i = 0; i < nrows && !rc; i++) {
		sqlite3_bind_text(ins, 1, rows[i].character, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, rows[i].code, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 3, rows[i].a);
		sqlite3_bind_int64(ins, 4, rows[i].n);
		sqlite3_bind_int64(ins, 5, rows[i].c);
		sqlite3_bind_int64(ins, 6, rows[i].m);
		sqlite3_bind_double(ins, 7, p[i]);
		sqlite3_bind_null(ins, 8);
		rc = db_step_done(db, ins, e, "testing over-representation");
	}
	bh_adjust(p, nrows);
	if (!rc) {
		sqlite3_finalize(ins);
		ins = db_prepare(db, "UPDATE r_over SET q = ?3 WHERE character = ?1 AND code_id = ?2", e);
		for (size_t i = 0; ins && i < nrows && !rc; i++) {
			sqlite3_bind_text(ins, 1, rows[i].character, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 2, rows[i].code, -1, SQLITE_STATIC);
			sqlite3_bind_double(ins, 3, p[i]);
			rc = db_step_done(db, ins, e, "testing over-representation");
		}
	}
out:
	for (size_t i = 0; i < nrows; i++) {
		free(rows[i].character);
		free(rows[i].code);
	}
	free(rows);
	free(p);
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	return rc;
}

int results_compute(struct db *db, const struct filter *f, unsigned flags, struct err *e)
{
	struct tally *t = NULL;
	int rc = 0;

	if (db_exec(db, results_sql, e) ||
	    run_filtered(db, codes_sql, f, e) ||
	    ((flags & RESULTS_PASSAGES) && run_filtered(db, passages_sql, f, e)) ||
	    !(t = tally_count(db, f, e)) ||
	    make_quarters(db, f, tally_newest(t), e) ||
	    tally_store_trends(t, e) ||
	    db_exec(db, trends_sql, e) ||
	    run_filtered(db, sources_sql, f, e) ||
	    over_representation(db, e))
		rc = e->code ? e->code : E_DATA;
	tally_free(t);
	return rc;
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
	case OPT_QUARTERS: {
		long n;

		if (cli_number("--quarters", arg, 1, 100, &n, e))
			return E_USAGE;
		f->quarters = (int)n;
		return 1;
	}
	}
	return 0;
}
