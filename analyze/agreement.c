/*
 * `agreement`: the rules (or a second coder) measured against a coder,
 * per code and in total, on the units that coder looked at; characters
 * against the coder's character settings; and the disagreements, the
 * list a researcher edits the codebook from.
 *
 * A coder's codes on a passage: those they added, plus, where they did
 * not code the passage (or its source) in full, the rules' codes they did
 * not reject. At document level (what one participant says in one
 * source) and participant level a unit has a code when any of its
 * passages has it, or the coder gave it to the whole source.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/cli.h"
#include "../core/csvout.h"
#include "../core/decisions.h"
#include "../core/escape.h"
#include "../core/mem.h"
#include "../core/stats.h"
#include "analyze.h"

static const char agreement_usage[] =
	"papercut agreement [--coder NAME] [--against NAME|rules]"
	" [--level passage|document|participant] [--code ID]... [--disagreements]"
	" [--csv | --json | --format text|csv|json|md]";
static const char agreement_help[] =
	"Measures the rules (or a second coder) against a coder, on the units the\n"
	"coder looked at (what `gold import` or `code` recorded): per code the units,\n"
	"TP, FP, FN, precision, recall, F1 and Cohen's kappa; in total micro\n"
	"precision, recall and F1, kappa pooled over every unit x code cell, and\n"
	"macro F1 (the mean over the codes either side used). Characters: accuracy,\n"
	"per character precision, recall and F1, macro F1 and the confusion matrix,\n"
	"against the coder's character settings.\n\n"
	"  --coder NAME        the reference coder (default: the only one there is)\n"
	"  --against WHO       rules (default) or another coder, on the units both\n"
	"                      looked at\n"
	"  --level LEVEL       passage (default); document: what one participant\n"
	"                      says in one source; participant\n"
	"  --code ID           only this papercut (repeat for more)\n"
	"  --disagreements     every passage where they differ: missed (the coder\n"
	"                      has it, the other not) and false hits, with the rule\n"
	"                      that fired\n"
	"  --csv, --json       for programs (--format csv, --format json)\n"
	"  --format md         with --disagreements: a review document\n"
	"  --db FILE           database\n";

enum { LEVEL_PASSAGE, LEVEL_DOCUMENT, LEVEL_PARTICIPANT };
static const char *const level_names[] = { "passage", "document", "participant" };

enum { FMT_TEXT, FMT_CSV, FMT_JSON, FMT_MD };

enum { OPT_AGAINST = 0x300, OPT_LEVEL, OPT_CODE, OPT_CSV, OPT_JSON, OPT_FORMAT,
       OPT_DISAGREEMENTS };

struct agree {
	const char *coder;      /* the reference */
	const char *against;    /* NULL: the rules */
	int level, format, disagreements;
	const char **codes;
	size_t ncodes, acodes;
	struct db *db;
	long units;
};

static int agree_opt(int opt, const char *arg, void *ctx, struct err *e)
{
	static const char *const formats[] = { "text", "csv", "json", "md" };
	struct agree *a = ctx;

	switch (opt) {
	case OPT_AGAINST:
		a->against = strcmp(arg, "rules") ? arg : NULL;
		return 0;
	case OPT_LEVEL:
		for (int i = 0; i < 3; i++)
			if (!strcmp(arg, level_names[i])) {
				a->level = i;
				return 0;
			}
		return err_set(e, E_USAGE, "--level takes passage, document or participant,"
			       " not '%s'", arg);
	case OPT_CODE:
		ALLOC_GROW(a->codes, a->ncodes + 1, a->acodes);
		a->codes[a->ncodes++] = arg;
		return 0;
	case OPT_CSV:
		a->format = FMT_CSV;
		return 0;
	case OPT_JSON:
		a->format = FMT_JSON;
		return 0;
	case OPT_FORMAT:
		for (int i = 0; i < 4; i++)
			if (!strcmp(arg, formats[i])) {
				a->format = i;
				return 0;
			}
		return err_set(e, E_USAGE, "--format takes text, csv, json or md, not '%s'", arg);
	case OPT_DISAGREEMENTS:
		a->disagreements = 1;
		return 0;
	}
	return 0;
}

/* The coders who decided anything, comma separated. */
static int list_coders(struct db *db, struct buf *out, long *n, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT coder FROM decision UNION"
				      " SELECT coder FROM character_decision ORDER BY 1", e);
	int step;

	if (!st)
		return e->code;
	*n = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		buf_addf(out, "%s%s", (*n)++ ? ", " : "", db_col_text(st, 0));
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : db_fail(db, e, "listing coders");
}

static int coder_exists(struct db *db, const char *who, int *found, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM decision WHERE coder = ?1 UNION ALL"
				      " SELECT 1 FROM character_decision WHERE coder = ?1 LIMIT 1", e);

	if (!st)
		return e->code;
	sqlite3_bind_text(st, 1, who, -1, SQLITE_STATIC);
	return db_exists(db, st, found, e, "listing coders");
}

/* The reference coder (the only one, when not named) and the other. */
static int choose_coders(struct agree *a, struct err *e)
{
	struct buf coders = BUF_INIT;
	long n = 0;
	int rc, found = 0;

	if ((rc = list_coders(a->db, &coders, &n, e)))
		goto out;
	if (!n) {
		rc = err_set(e, E_DATA, "no coder has decided anything in '%s': code passages"
			     " (papercut code) or import a coding (papercut gold import)",
			     a->db->path);
		goto out;
	}
	if (!cli.coder && n > 1) {
		rc = err_set(e, E_USAGE, "several coders (%s): name the reference with --coder",
			     coders.data);
		goto out;
	}
	a->coder = xstrdup(cli.coder ? cli.coder : coders.data);
	for (int i = 0; i < 2 && !rc; i++) {
		const char *who = i ? a->against : a->coder;

		if (who && !(rc = coder_exists(a->db, who, &found, e)) && !found)
			rc = err_set(e, E_DATA, "coder '%s' decided nothing in '%s' (coders: %s)",
				     who, a->db->path, coders.data);
	}
out:
	buf_release(&coders);
	return rc;
}

static int check_codes(struct agree *a, struct err *e)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (db_exec(a->db, "DROP TABLE IF EXISTS temp.ag_code;"
		    "CREATE TEMP TABLE ag_code(id TEXT PRIMARY KEY)", e))
		return e->code;
	if (!a->ncodes)
		return db_exec(a->db, "INSERT INTO ag_code SELECT id FROM code"
			       " WHERE kind = 'papercut'", e);
	if (!(st = db_prepare(a->db, "INSERT OR IGNORE INTO ag_code SELECT id FROM code"
			      " WHERE id = ?1 AND kind = 'papercut'", e)))
		return e->code;
	for (size_t i = 0; i < a->ncodes && !rc; i++) {
		int found = 0;

		if ((rc = decisions_known_code(a->db, a->codes[i], "papercut", &found, e)))
			break;
		if (!found) {
			rc = err_set(e, E_USAGE, "unknown papercut '%s' ('papercut codebook check'"
				     " lists them)", a->codes[i]);
			break;
		}
		sqlite3_bind_text(st, 1, a->codes[i], -1, SQLITE_STATIC);
		rc = db_step_done(a->db, st, e, "reading the codebook");
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * The units in scope (ag_unit: the first-hand passages the coder, and
 * the other coder, looked at), each side's codes per passage (ag_ref,
 * ag_cmp) and per unit of the level (ag_r, ag_c), and each side's
 * whole-source codes (ag_rdoc, ag_cdoc).
 */
static const char tables_sql[] =
	"DROP TABLE IF EXISTS temp.ag_unit; DROP TABLE IF EXISTS temp.ag_ref;"
	"DROP TABLE IF EXISTS temp.ag_cmp; DROP TABLE IF EXISTS temp.ag_r;"
	"DROP TABLE IF EXISTS temp.ag_c; DROP TABLE IF EXISTS temp.ag_rdoc;"
	"DROP TABLE IF EXISTS temp.ag_cdoc;"
	"CREATE TEMP TABLE ag_unit(passage_id INTEGER PRIMARY KEY, source_id INTEGER,"
	" participant_id INTEGER, unit);"
	"CREATE TEMP TABLE ag_ref(passage_id INTEGER, code_id TEXT, PRIMARY KEY (passage_id, code_id));"
	"CREATE TEMP TABLE ag_cmp(passage_id INTEGER, code_id TEXT, PRIMARY KEY (passage_id, code_id));"
	"CREATE TEMP TABLE ag_rdoc(source_id INTEGER, code_id TEXT, PRIMARY KEY (source_id, code_id));"
	"CREATE TEMP TABLE ag_cdoc(source_id INTEGER, code_id TEXT, PRIMARY KEY (source_id, code_id));"
	"CREATE TEMP TABLE ag_r(unit, code_id TEXT, PRIMARY KEY (unit, code_id));"
	"CREATE TEMP TABLE ag_c(unit, code_id TEXT, PRIMARY KEY (unit, code_id));";

/* ?1 the coder */
static const char scope_sql[] =
	"INSERT OR IGNORE INTO ag_unit SELECT p.id, p.source_id, coalesce(p.participant_id, 0), NULL"
	" FROM passage p WHERE p.interviewer = 0 AND (p.id IN (SELECT passage_id FROM decision"
	"  WHERE coder = ?1 AND passage_id <> 0) OR p.source_id IN (SELECT source_id"
	"  FROM decision WHERE coder = ?1 AND passage_id = 0))";
/* ?1 the other coder: the units both looked at */
static const char both_sql[] =
	"DELETE FROM ag_unit WHERE NOT EXISTS (SELECT 1 FROM decision d WHERE d.coder = ?1"
	" AND d.source_id = ag_unit.source_id AND d.passage_id IN (0, ag_unit.passage_id))";

/* %s the table; ?1 the coder: what they added, and the rules' codes
 * they neither rejected nor left out of a unit they coded in full */
static const char coder_sql[] =
	"INSERT OR IGNORE INTO %1$s SELECT d.passage_id, d.code_id FROM decision d"
	" JOIN ag_unit u ON u.passage_id = d.passage_id"
	" WHERE d.coder = ?1 AND d.verdict = 'add' AND d.code_id IN ag_code;"
	"INSERT OR IGNORE INTO %1$s SELECT c.passage_id, c.code_id FROM ag_unit u"
	" JOIN coding c ON c.passage_id = u.passage_id AND c.code_id IN ag_code"
	" WHERE NOT EXISTS (SELECT 1 FROM decision d WHERE d.coder = ?1 AND d.verdict = 'seen'"
	"  AND d.source_id = u.source_id AND d.passage_id IN (0, u.passage_id))"
	" AND NOT EXISTS (SELECT 1 FROM decision d WHERE d.coder = ?1 AND d.verdict = 'reject'"
	"  AND d.passage_id = c.passage_id AND d.code_id = c.code_id);"
	"INSERT OR IGNORE INTO %2$s SELECT source_id, code_id FROM decision WHERE coder = ?1"
	" AND passage_id = 0 AND verdict = 'add' AND code_id IN ag_code"
	" AND source_id IN (SELECT source_id FROM ag_unit)";
static const char rules_sql[] =
	"INSERT OR IGNORE INTO ag_cmp SELECT c.passage_id, c.code_id FROM ag_unit u"
	" JOIN coding c ON c.passage_id = u.passage_id AND c.code_id IN ag_code";
/* ?1 the level: each passage's unit */
static const char level_sql[] =
	"UPDATE ag_unit SET unit = CASE ?1 WHEN 'passage' THEN passage_id"
	" WHEN 'document' THEN source_id || '/' || participant_id ELSE participant_id END;";
/* %1$s per passage, %2$s whole sources, %3$s the table; ?1 the level */
static const char units_sql[] =
	"INSERT OR IGNORE INTO %3$s SELECT u.unit, x.code_id FROM %1$s x"
	" JOIN ag_unit u ON u.passage_id = x.passage_id;"
	"INSERT OR IGNORE INTO %3$s SELECT u.unit, d.code_id FROM %2$s d"
	" JOIN ag_unit u ON u.source_id = d.source_id WHERE ?1 <> 'passage';";

/* Runs the statements of `sql`, each with ?1 bound to `p1` where it has
 * one, and empties `sql`. */
static int run_sql(struct agree *a, struct buf *sql, const char *p1, struct err *e)
{
	int rc = 0;

	for (char *at = sql->data, *end; *at && !rc; at = end) {
		sqlite3_stmt *st = NULL;
		const char *tail;

		if (sqlite3_prepare_v2(a->db->h, at, -1, &st, &tail)) {
			rc = db_fail(a->db, e, "measuring agreement");
			break;
		}
		end = (char *)tail;
		if (!st)
			break;
		if (sqlite3_bind_parameter_count(st))
			db_bind_text(st, 1, p1);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_fail(a->db, e, "measuring agreement");
		sqlite3_finalize(st);
	}
	buf_reset(sql);
	return rc;
}

static int build_tables(struct agree *a, struct err *e)
{
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc;

	if (db_exec(a->db, tables_sql, e))
		return e->code;
	buf_adds(&sql, scope_sql);
	if ((rc = run_sql(a, &sql, a->coder, e)))
		goto out;
	if (a->against) {
		buf_adds(&sql, both_sql);
		if ((rc = run_sql(a, &sql, a->against, e)))
			goto out;
	}
	buf_addf(&sql, coder_sql, "ag_ref", "ag_rdoc");
	if ((rc = run_sql(a, &sql, a->coder, e)))
		goto out;
	if (a->against)
		buf_addf(&sql, coder_sql, "ag_cmp", "ag_cdoc");
	else
		buf_adds(&sql, rules_sql);
	if ((rc = run_sql(a, &sql, a->against, e)))
		goto out;
	buf_adds(&sql, level_sql);
	buf_addf(&sql, units_sql, "ag_ref", "ag_rdoc", "ag_r");
	buf_addf(&sql, units_sql, "ag_cmp", "ag_cdoc", "ag_c");
	if ((rc = run_sql(a, &sql, level_names[a->level], e)))
		goto out;
	if (!(st = db_prepare(a->db, "SELECT count(DISTINCT unit) FROM ag_unit", e))) {
		rc = e->code;
		goto out;
	}
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = db_fail(a->db, e, "counting units");
		goto out;
	}
	a->units = sqlite3_column_int64(st, 0);
out:
	sqlite3_finalize(st);
	buf_release(&sql);
	return rc;
}

struct code_row {
	char *id;
	struct agreement ag;
};

static const char counts_sql[] =
	"SELECT k.id,"
	" (SELECT count(*) FROM ag_r r WHERE r.code_id = k.id AND EXISTS (SELECT 1 FROM ag_c c"
	"  WHERE c.unit = r.unit AND c.code_id = k.id)),"
	" (SELECT count(*) FROM ag_c c WHERE c.code_id = k.id AND NOT EXISTS (SELECT 1 FROM ag_r r"
	"  WHERE r.unit = c.unit AND r.code_id = k.id)),"
	" (SELECT count(*) FROM ag_r r WHERE r.code_id = k.id AND NOT EXISTS (SELECT 1 FROM ag_c c"
	"  WHERE c.unit = r.unit AND c.code_id = k.id))"
	" FROM code k WHERE k.id IN ag_code ORDER BY k.position";

static int count_codes(struct agree *a, struct code_row **rows, size_t *n, struct err *e)
{
	sqlite3_stmt *st = db_prepare(a->db, counts_sql, e);
	size_t alloc = 0;
	int step;

	*rows = NULL;
	*n = 0;
	if (!st)
		return e->code;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct code_row *r;

		ALLOC_GROW(*rows, *n + 1, alloc);
		r = &(*rows)[(*n)++];
		r->id = xstrdup(db_col_text(st, 0));
		r->ag.tp = sqlite3_column_int64(st, 1);
		r->ag.fp = sqlite3_column_int64(st, 2);
		r->ag.fn = sqlite3_column_int64(st, 3);
		r->ag.tn = a->units - r->ag.tp - r->ag.fp - r->ag.fn;
		agreement_compute(&r->ag);
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : db_fail(a->db, e, "counting agreement");
}

/* The figures in tables, from which the JSON output is made. */
static const char figures_sql[] =
	"DROP TABLE IF EXISTS temp.ag_result; DROP TABLE IF EXISTS temp.ag_total;"
	"DROP TABLE IF EXISTS temp.ag_char; DROP TABLE IF EXISTS temp.ag_conf;"
	"CREATE TEMP TABLE ag_result(position INTEGER PRIMARY KEY, code TEXT, units INTEGER,"
	" tp INTEGER, fp INTEGER, fn INTEGER, tn INTEGER, precision REAL, recall REAL, f1 REAL,"
	" kappa REAL);"
	"CREATE TEMP TABLE ag_total(cells INTEGER, tp INTEGER, fp INTEGER, fn INTEGER,"
	" tn INTEGER, precision REAL, recall REAL, f1 REAL, kappa REAL, macro_f1 REAL,"
	" participants INTEGER, accuracy REAL, characters_macro_f1 REAL);"
	"CREATE TEMP TABLE ag_char(position INTEGER PRIMARY KEY, character TEXT,"
	" precision REAL, recall REAL, f1 REAL);"
	"CREATE TEMP TABLE ag_conf(ref TEXT, rpos INTEGER, cmp TEXT, cpos INTEGER, n INTEGER);";

static const char json_sql[] =
	"SELECT json_object('coder', ?1, 'against', coalesce(?2, 'rules'), 'level', ?3,"
	" 'units', ?4,"
	" 'codes', (SELECT json_group_array(json_object('code', code, 'units', units, 'tp', tp,"
	"  'fp', fp, 'fn', fn, 'tn', tn, 'precision', precision, 'recall', recall, 'f1', f1,"
	"  'kappa', kappa)) FROM (SELECT * FROM ag_result ORDER BY position)),"
	" 'micro', (SELECT json_object('cells', cells, 'tp', tp, 'fp', fp, 'fn', fn, 'tn', tn,"
	"  'precision', precision, 'recall', recall, 'f1', f1, 'kappa', kappa) FROM ag_total),"
	" 'macro_f1', (SELECT macro_f1 FROM ag_total),"
	" 'unused', (SELECT json_group_array(code) FROM (SELECT code FROM ag_result"
	"  WHERE tp + fp + fn = 0 ORDER BY position)),"
	" 'characters', (SELECT iif(participants > 0, json_object('participants', participants,"
	"  'accuracy', accuracy, 'macro_f1', characters_macro_f1,"
	"  'per_character', (SELECT json_group_array(json_object('character', character,"
	"   'precision', precision, 'recall', recall, 'f1', f1))"
	"   FROM (SELECT * FROM ag_char ORDER BY position)),"
	"  'confusion', (SELECT json_group_object(ref, json(row)) FROM (SELECT ref,"
	"   json_group_object(cmp, n) AS row FROM (SELECT * FROM ag_conf ORDER BY rpos, cpos)"
	"   GROUP BY rpos ORDER BY rpos))), NULL) FROM ag_total))";

/* Binds a figure (NaN is stored as NULL) */
static void bind_figures(sqlite3_stmt *st, int at, const struct agreement *g)
{
	sqlite3_bind_int64(st, at, g->tp);
	sqlite3_bind_int64(st, at + 1, g->fp);
	sqlite3_bind_int64(st, at + 2, g->fn);
	sqlite3_bind_int64(st, at + 3, g->tn);
	sqlite3_bind_double(st, at + 4, g->precision);
	sqlite3_bind_double(st, at + 5, g->recall);
	sqlite3_bind_double(st, at + 6, g->f1);
	sqlite3_bind_double(st, at + 7, g->kappa);
}

/* The codes' figures: per code, pooled (micro) and the mean F1 (macro). */
struct totals {
	long cells;             /* units x codes */
	struct agreement pool;
	double macro;
	size_t used;
	long participants, agreed;
	double char_macro;
};

static int store_codes(struct agree *a, const struct code_row *rows, size_t n,
		       struct totals *t, struct err *e)
{
	sqlite3_stmt *st = db_prepare(a->db, "INSERT INTO ag_result VALUES (?1, ?2, ?3,"
				      " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", e);
	int rc = 0;

	memset(&t->pool, 0, sizeof(t->pool));
	t->cells = a->units * (long)n;
	t->macro = 0;
	t->used = 0;
	if (!st)
		return e->code;
	for (size_t i = 0; i < n && !rc; i++) {
		const struct agreement *g = &rows[i].ag;

		t->pool.tp += g->tp;
		t->pool.fp += g->fp;
		t->pool.fn += g->fn;
		t->pool.tn += g->tn;
		if (g->tp + g->fp + g->fn) {
			t->macro += g->f1;
			t->used++;
		}
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
		sqlite3_bind_text(st, 2, rows[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, a->units);
		bind_figures(st, 4, g);
		rc = db_step_done(a->db, st, e, "storing figures");
	}
	sqlite3_finalize(st);
	agreement_compute(&t->pool);
	t->macro = t->used ? t->macro / (double)t->used : NAN;
	return rc;
}

/* A figure, or "-" where it is undefined. */
static void print_figure(double v, int width)
{
	if (isnan(v))
		printf(" %*s", width, "-");
	else
		printf(" %*.2f", width, v);
}

static void csv_figure(double v, int last)
{
	if (isnan(v))
		csv_null(stdout, last);
	else
		csv_double(stdout, v, last);
}

static void print_codes(const struct agree *a, const struct code_row *rows, size_t n,
			const struct totals *t)
{
	const char *other = a->against ? a->against : "the rules";
	struct buf unused = BUF_INIT;

	for (size_t i = 0; i < n; i++)
		if (!(rows[i].ag.tp + rows[i].ag.fp + rows[i].ag.fn))
			buf_addf(&unused, "%s%s", unused.len ? ", " : "", rows[i].id);
	if (a->format == FMT_CSV) {
		static const char *const head[] = { "code", "units", "tp", "fp", "fn", "tn",
						    "precision", "recall", "f1", "kappa" };

		for (size_t i = 0; i < 10; i++)
			csv_text(stdout, head[i], i == 9);
	} else {
		printf("%s against %s, %s level: %ld unit%s in %s's scope\n\n", other, a->coder,
		       level_names[a->level], a->units, a->units == 1 ? "" : "s", a->coder);
		printf("%-22s %6s %5s %5s %5s %9s %6s %5s %6s\n", "code", "units", "TP", "FP",
		       "FN", "precision", "recall", "F1", "kappa");
	}
	for (size_t i = 0; i <= n; i++) {
		const struct agreement *g = i < n ? &rows[i].ag : &t->pool;
		const char *name = i < n ? rows[i].id : "all (micro)";
		long units = i < n ? a->units : t->cells;

		if (a->format == FMT_CSV) {
			csv_text(stdout, name, 0);
			csv_long(stdout, units, 0);
			csv_long(stdout, g->tp, 0);
			csv_long(stdout, g->fp, 0);
			csv_long(stdout, g->fn, 0);
			csv_long(stdout, g->tn, 0);
			csv_figure(g->precision, 0);
			csv_figure(g->recall, 0);
			csv_figure(g->f1, 0);
			csv_figure(g->kappa, 1);
			continue;
		}
		if (i == n)
			putchar('\n');
		printf("%-22s %6ld %5ld %5ld %5ld", name, units, g->tp, g->fp, g->fn);
		print_figure(g->precision, 9);
		print_figure(g->recall, 6);
		print_figure(g->f1, 5);
		print_figure(g->kappa, 6);
		putchar('\n');
	}
	if (a->format == FMT_CSV) {
		csv_text(stdout, "all (macro)", 0);
		for (int k = 0; k < 7; k++)
			csv_null(stdout, 0);
		csv_figure(t->macro, 0);
		csv_null(stdout, 1);
	} else {
		printf("%-22s %39s", "macro F1", "");
		print_figure(t->macro, 5);
		printf("\n\nmicro: every unit x code cell pooled (kappa too); macro F1: the mean"
		       " over the %zu code%s either side used\n", t->used, t->used == 1 ? "" : "s");
		if (unused.len)
			printf("used by neither: %s\n", unused.data);
	}
	buf_release(&unused);
}

/* Characters: the coder's settings against the rules' (or the other
 * coder's), participant by participant; stored in ag_char and ag_conf,
 * printed when the output is text. */
#define MAX_CHARACTERS 32
static int characters(const struct agree *a, struct totals *t, struct err *e)
{
	sqlite3_stmt *names = db_prepare(a->db, "SELECT id FROM code WHERE kind = 'character'"
					 " ORDER BY position", e);
	sqlite3_stmt *st = names ? db_prepare(a->db,
		"SELECT d.character, coalesce(iif(?2 IS NULL, pt.auto_character,"
		"  (SELECT character FROM character_decision WHERE participant = d.participant"
		"   AND coder = ?2)), 'unknown')"
		" FROM character_decision d JOIN participant pt ON pt.name = d.participant"
		" WHERE d.coder = ?1 AND (?2 IS NULL OR EXISTS (SELECT 1 FROM character_decision"
		"  WHERE participant = d.participant AND coder = ?2))", e) : NULL;
	sqlite3_stmt *put_char = st ? db_prepare(a->db, "INSERT INTO ag_char VALUES"
						 " (?1, ?2, ?3, ?4, ?5)", e) : NULL;
	sqlite3_stmt *put_conf = put_char ? db_prepare(a->db, "INSERT INTO ag_conf VALUES"
						       " (?1, ?2, ?3, ?4, ?5)", e) : NULL;
	char *ch[MAX_CHARACTERS];
	size_t nch = 0, used = 0;
	long conf[MAX_CHARACTERS][MAX_CHARACTERS];
	struct agreement g[MAX_CHARACTERS];
	int step, rc = 0;

	memset(conf, 0, sizeof(conf));
	t->participants = t->agreed = 0;
	t->char_macro = 0;
	if (!put_conf) {
		rc = e->code;
		goto out;
	}
	while (nch < MAX_CHARACTERS - 1 && (step = sqlite3_step(names)) == SQLITE_ROW)
		ch[nch++] = xstrdup(db_col_text(names, 0));
	ch[nch++] = xstrdup("unknown");
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = db_fail(a->db, e, "reading the codebook");
		goto out;
	}
	db_bind_text(st, 1, a->coder);
	db_bind_text(st, 2, a->against);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		size_t r = nch - 1, c = nch - 1;

		for (size_t i = 0; i < nch; i++) {
			if (!strcmp(ch[i], db_col_text(st, 0)))
				r = i;
			if (!strcmp(ch[i], db_col_text(st, 1)))
				c = i;
		}
		conf[r][c]++;
		t->participants++;
		t->agreed += r == c;
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(a->db, e, "reading characters");
		goto out;
	}
	for (size_t i = 0; i < nch && !rc; i++) {
		memset(&g[i], 0, sizeof(g[i]));
		g[i].tp = conf[i][i];
		for (size_t k = 0; k < nch; k++)
			if (k != i) {
				g[i].fp += conf[k][i];
				g[i].fn += conf[i][k];
			}
		g[i].tn = t->participants - g[i].tp - g[i].fp - g[i].fn;
		agreement_compute(&g[i]);
		if (g[i].tp + g[i].fp + g[i].fn) {
			t->char_macro += g[i].f1;
			used++;
		}
		sqlite3_bind_int64(put_char, 1, (sqlite3_int64)i);
		sqlite3_bind_text(put_char, 2, ch[i], -1, SQLITE_STATIC);
		sqlite3_bind_double(put_char, 3, g[i].precision);
		sqlite3_bind_double(put_char, 4, g[i].recall);
		sqlite3_bind_double(put_char, 5, g[i].f1);
		rc = db_step_done(a->db, put_char, e, "storing figures");
		for (size_t k = 0; k < nch && !rc; k++) {
			sqlite3_bind_text(put_conf, 1, ch[i], -1, SQLITE_STATIC);
			sqlite3_bind_int64(put_conf, 2, (sqlite3_int64)i);
			sqlite3_bind_text(put_conf, 3, ch[k], -1, SQLITE_STATIC);
			sqlite3_bind_int64(put_conf, 4, (sqlite3_int64)k);
			sqlite3_bind_int64(put_conf, 5, conf[i][k]);
			rc = db_step_done(a->db, put_conf, e, "storing figures");
		}
	}
	t->char_macro = used ? t->char_macro / (double)used : NAN;
	if (rc || a->format != FMT_TEXT)
		goto out;
	if (!t->participants) {
		printf("\ncharacters: %s set none by hand\n", a->coder);
		goto out;
	}
	printf("\ncharacters, %s against %s: %ld participant%s, accuracy %.2f\n\n"
	       "%-12s %9s %6s %5s\n", a->against ? a->against : "the rules", a->coder,
	       t->participants, t->participants == 1 ? "" : "s",
	       (double)t->agreed / (double)t->participants, "character", "precision", "recall",
	       "F1");
	for (size_t i = 0; i < nch; i++) {
		printf("%-12s", ch[i]);
		print_figure(g[i].precision, 9);
		print_figure(g[i].recall, 6);
		print_figure(g[i].f1, 5);
		putchar('\n');
	}
	printf("%-12s %22s", "macro F1", "");
	print_figure(t->char_macro, 5);
	printf("\n\nconfusion (rows: %s, columns: %s)\n%-12s", a->coder,
	       a->against ? a->against : "the rules", "");
	for (size_t k = 0; k < nch; k++)
		printf(" %8s", ch[k]);
	putchar('\n');
	for (size_t i = 0; i < nch; i++) {
		printf("%-12s", ch[i]);
		for (size_t k = 0; k < nch; k++)
			printf(" %8ld", conf[i][k]);
		putchar('\n');
	}
out:
	while (nch)
		free(ch[--nch]);
	sqlite3_finalize(names);
	sqlite3_finalize(st);
	sqlite3_finalize(put_char);
	sqlite3_finalize(put_conf);
	return rc;
}

static int print_json(const struct agree *a, const struct totals *t, struct err *e)
{
	sqlite3_stmt *st = db_prepare(a->db, "INSERT INTO ag_total VALUES (?1, ?2, ?3, ?4, ?5,"
				      " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", e);
	int rc;

	if (!st)
		return e->code;
	sqlite3_bind_int64(st, 1, t->cells);
	bind_figures(st, 2, &t->pool);
	sqlite3_bind_double(st, 10, t->macro);
	sqlite3_bind_int64(st, 11, t->participants);
	sqlite3_bind_double(st, 12, t->participants ? (double)t->agreed / (double)t->participants
			    : NAN);
	sqlite3_bind_double(st, 13, t->char_macro);
	rc = db_step_done(a->db, st, e, "storing figures");
	sqlite3_finalize(st);
	if (rc || !(st = db_prepare(a->db, json_sql, e)))
		return e->code;
	db_bind_text(st, 1, a->coder);
	db_bind_text(st, 2, a->against);
	db_bind_text(st, 3, level_names[a->level]);
	sqlite3_bind_int64(st, 4, a->units);
	if (sqlite3_step(st) == SQLITE_ROW)
		printf("%s\n", db_col_text(st, 0));
	else
		rc = db_fail(a->db, e, "writing JSON");
	sqlite3_finalize(st);
	return rc;
}

/* Every passage where the sides differ: missed (the coder has the code,
 * the other not) and false hits (with the rule and what it matched). */
#define DISAGREEMENTS_SQL \
	"SELECT x.kind AS kind, x.code_id AS code, p.id AS passage_id, s.path AS source," \
	" p.line AS line, coalesce(c.rule, '') AS rule," \
	" coalesce(CAST(substr(CAST(p.text AS BLOB), c.start_byte + 1," \
	"  c.end_byte - c.start_byte) AS TEXT), '') AS match, p.text AS quote" \
	" FROM (SELECT 'missed' AS kind, r.passage_id, r.code_id FROM ag_ref r" \
	"  WHERE NOT EXISTS (SELECT 1 FROM ag_cmp c WHERE c.passage_id = r.passage_id" \
	"   AND c.code_id = r.code_id)" \
	"  UNION ALL SELECT 'false hit', c.passage_id, c.code_id FROM ag_cmp c" \
	"  WHERE NOT EXISTS (SELECT 1 FROM ag_ref r WHERE r.passage_id = c.passage_id" \
	"   AND r.code_id = c.code_id)) x" \
	" JOIN passage p ON p.id = x.passage_id JOIN source s ON s.id = p.source_id" \
	" JOIN code k ON k.id = x.code_id" \
	" LEFT JOIN coding c ON ?1 IS NULL AND c.passage_id = x.passage_id" \
	"  AND c.code_id = x.code_id" \
	" ORDER BY k.position, x.kind DESC, s.path, p.seq"
static const char disagreements_sql[] = DISAGREEMENTS_SQL;
static const char disagreements_json_sql[] =
	"SELECT json_group_array(json_object('kind', kind, 'code', code, 'passage_id',"
	" passage_id, 'source', source, 'line', line, 'rule', rule, 'match', match,"
	" 'quote', quote)) FROM (" DISAGREEMENTS_SQL ")";
enum { D_KIND, D_CODE, D_ID, D_PATH, D_LINE, D_RULE, D_MATCH, D_QUOTE, D_COLUMNS };

static void print_disagreement_md(sqlite3_stmt *st, struct buf *code, struct buf *kind)
{
	struct buf quote = BUF_INIT;

	if (strcmp(code->data, db_col_text(st, D_CODE))) {
		printf("\n## %s\n", db_col_text(st, D_CODE));
		buf_reset(code);
		buf_adds(code, db_col_text(st, D_CODE));
		buf_reset(kind);
	}
	if (strcmp(kind->data, db_col_text(st, D_KIND))) {
		printf("\n### %s\n\n", !strcmp(db_col_text(st, D_KIND), "missed") ? "Missed"
		       : "False hits");
		buf_reset(kind);
		buf_adds(kind, db_col_text(st, D_KIND));
	}
	printf("- #%lld `%s:%d`", (long long)sqlite3_column_int64(st, D_ID),
	       db_col_text(st, D_PATH), sqlite3_column_int(st, D_LINE));
	if (*db_col_text(st, D_RULE)) {
		md_escape(&quote, db_col_text(st, D_MATCH), " ");
		printf(", rule `%s` matched \u00ab%s\u00bb", db_col_text(st, D_RULE), quote.data);
		buf_reset(&quote);
	}
	md_escape(&quote, db_col_text(st, D_QUOTE), " ");
	printf(": %s\n", quote.data);
	buf_release(&quote);
}

static int print_disagreements(const struct agree *a, struct err *e)
{
	static const char *const head[] = { "kind", "code", "passage_id", "source", "line",
					    "rule", "match", "quote" };
	sqlite3_stmt *st;
	const char *other = a->against ? a->against : "the rules";
	struct buf code = BUF_INIT, kind = BUF_INIT;
	int step;
	long n = 0;

	if (!(st = db_prepare(a->db, a->format == FMT_JSON ? disagreements_json_sql
			      : disagreements_sql, e)))
		return e->code;
	db_bind_text(st, 1, a->against);
	if (a->format == FMT_CSV)
		for (int i = 0; i < D_COLUMNS; i++)
			csv_text(stdout, head[i], i == D_COLUMNS - 1);
	else if (a->format == FMT_MD)
		printf("# Disagreements: %s against %s\n\nMissed: %s coded it, %s did not."
		       " False hits: %s coded it, %s did not.\n", other, a->coder, a->coder,
		       other, other, a->coder);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (a->format == FMT_JSON) {
			printf("%s\n", db_col_text(st, 0));
		} else if (a->format == FMT_CSV) {
			for (int i = 0; i < D_COLUMNS; i++)
				if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
					csv_long(stdout, sqlite3_column_int64(st, i), i == D_COLUMNS - 1);
				else
					csv_text(stdout, db_col_text(st, i), i == D_COLUMNS - 1);
		} else if (a->format == FMT_MD) {
			print_disagreement_md(st, &code, &kind);
		} else {
			printf("%-9s  %-20s #%-7lld %s:%d\n", db_col_text(st, D_KIND),
			       db_col_text(st, D_CODE), (long long)sqlite3_column_int64(st, D_ID),
			       db_col_text(st, D_PATH), sqlite3_column_int(st, D_LINE));
			if (*db_col_text(st, D_RULE))
				printf("    %s \u00ab%s\u00bb\n", db_col_text(st, D_RULE),
				       db_col_text(st, D_MATCH));
			printf("    > %.300s\n", db_col_text(st, D_QUOTE));
		}
		n++;
	}
	if (a->format == FMT_TEXT && !n)
		printf("(no disagreements)\n");
	buf_release(&code);
	buf_release(&kind);
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : db_fail(a->db, e, "listing disagreements");
}

int cmd_agreement(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "against", required_argument, NULL, OPT_AGAINST },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "code", required_argument, NULL, OPT_CODE },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "disagreements", no_argument, NULL, OPT_DISAGREEMENTS },
		CODER_OPTION,
		CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct agree a = { 0 };
	struct db db = { 0 };
	struct code_row *rows = NULL;
	struct totals t;
	size_t n = 0;
	int rc;

	if ((rc = cli_parse(argc, argv, opts, agreement_usage, agreement_help, agree_opt, &a, e)))
		goto out;
	if (argc != optind) {
		rc = err_set(e, E_USAGE, "usage: %s", agreement_usage);
		goto out;
	}
	if (a.format == FMT_MD && !a.disagreements) {
		rc = err_set(e, E_USAGE, "--format md goes with --disagreements");
		goto out;
	}
	a.db = &db;
	if ((rc = cli_open_db_reading(&db, e)) || (rc = choose_coders(&a, e)) ||
	    (rc = check_codes(&a, e)) || (rc = build_tables(&a, e)))
		goto out;
	if (a.disagreements) {
		rc = print_disagreements(&a, e);
		goto out;
	}
	if ((rc = count_codes(&a, &rows, &n, e)) || (rc = db_exec(&db, figures_sql, e)) ||
	    (rc = store_codes(&a, rows, n, &t, e)))
		goto out;
	if (a.format != FMT_JSON)
		print_codes(&a, rows, n, &t);
	if (a.format != FMT_CSV && (rc = characters(&a, &t, e)))
		goto out;
	if (a.format == FMT_JSON)
		rc = print_json(&a, &t, e);
out:
	for (size_t i = 0; i < n; i++)
		free(rows[i].id);
	free(rows);
	free((char *)a.coder);
	free(a.codes);
	db_close(&db);
	return rc < 0 ? 0 : rc;
}
