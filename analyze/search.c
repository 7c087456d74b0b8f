#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../core/buf.h"
#include "../core/cli.h"
#include "../core/csvout.h"
#include "../core/decisions.h"
#include "../core/escape.h"
#include "../core/lengths.h"
#include "../core/mem.h"
#include "../core/results.h"
#include "analyze.h"
#include "rank.h"

static const char search_usage[] =
	"papercut search [QUERY] [--code ID]... [filters] [--format text|json|csv|md]";
static const char search_help[] =
	"Finds evidence passages with SQLite FTS5, best first (bm25, ties newest\n"
	"first). QUERY is FTS5 syntax: words, \"a phrase\", prefix*, AND, OR, NOT,\n"
	"NEAR(a b, 5); case and diacritics are folded. Without QUERY, lists the\n"
	"passages that the filters match, newest first.\n\n"
	"  --code ID           passages coded ID (repeat: coded with all of them)\n"
	"  --participant NAME  only this participant\n"
	"  --speaker NAME      only turns of this speaker\n"
	"  --include-interviewer  interviewer turns too (left out by default)\n"
	"  --limit N           at most N passages (default 20)\n"
	"  --context N         the N turns before and after each passage\n"
	"  --format FMT        text (default), json, csv or md (a quote block for a\n"
	"                      story's sources section)\n"
	"  --count             hit counts per character and code, not passages\n"
	"  --uncoded           only passages no papercut is on (where the rules miss)\n"
	"  --origin WHO        only passages with a coding by: rule, human\n"
	CODER_HELP
	FILTER_HELP;

enum { FMT_TEXT, FMT_JSON, FMT_CSV, FMT_MD };

enum {
	OPT_CODE = 0x300, OPT_PARTICIPANT, OPT_SPEAKER, OPT_INTERVIEWER,
	OPT_LIMIT, OPT_CONTEXT, OPT_FORMAT, OPT_COUNT, OPT_UNCODED, OPT_ORIGIN,
};

struct search {
	struct filter f;
	const char *query;
	const char *participant, *speaker;
	const char **codes;
	size_t ncodes, acodes;
	int interviewer, format, count;
	long limit, context;
	int tty;
	int uncoded;            /* only passages with no papercut */
	const char *origin;     /* only passages with a coding from: rule, human */
	const char *by_code;    /* decisions_by_code() */
	struct rank *rank;      /* pc_bm25 on this connection */
};

static int search_opt(int opt, const char *arg, void *ctx, struct err *e)
{
	struct search *s = ctx;
	int rc = filter_opt(&s->f, opt, arg, e);

	if (rc == 1)
		return 0;
	if (rc)
		return rc;
	switch (opt) {
	case OPT_CODE:
		ALLOC_GROW(s->codes, s->ncodes + 1, s->acodes);
		s->codes[s->ncodes++] = arg;
		return 0;
	case OPT_PARTICIPANT:
		s->participant = arg;
		return 0;
	case OPT_SPEAKER:
		s->speaker = arg;
		return 0;
	case OPT_INTERVIEWER:
		s->interviewer = 1;
		return 0;
	case OPT_LIMIT:
		return cli_number("--limit", arg, 1, 1000000, &s->limit, e);
	case OPT_CONTEXT:
		return cli_number("--context", arg, 0, 1000, &s->context, e);
	case OPT_COUNT:
		s->count = 1;
		return 0;
	case OPT_UNCODED:
		s->uncoded = 1;
		return 0;
	case OPT_ORIGIN:
		if (strcmp(arg, "rule") && strcmp(arg, "human"))
			return err_set(e, E_USAGE, "--origin takes rule or human, not '%s'", arg);
		s->origin = arg;
		return 0;

	case OPT_FORMAT:
		if (!strcmp(arg, "text"))
			s->format = FMT_TEXT;
		else if (!strcmp(arg, "json"))
			s->format = FMT_JSON;
		else if (!strcmp(arg, "csv"))
			s->format = FMT_CSV;
		else if (!strcmp(arg, "md"))
			s->format = FMT_MD;
		else
			return err_set(e, E_USAGE, "--format takes text, json, csv or md, not '%s'", arg);
		return 0;
	}
	return 0;
}

/*
 * The hits go into TEMP table s_hit(rank, passage_id, score) so that the
 * output formats, --count and --context read one list.
 *
 * filter_sql() appends `from`, the joins the filters in force need and
 * "WHERE `where`" with their conditions. The SQL is made of fixed pieces
 * only; every value the user gave is a bound parameter. Only what is
 * asked for is joined or tested: each costs a lookup per passage. A
 * source's row is wide: a statement run once lists the sources that pass
 * first, from their indexes; one run again and again on a few passages
 * (`probe`: rank_hits' blocks) probes those indexes for each, where
 * listing them was 1.8 ms of every block of 'hangs --kind transcript'.
 * Dates are ISO 8601, so `date >= since` and `date < until || '~'` keep
 * the days whole and let the date index serve them. likely() tells
 * SQLite's planner that walking the date index newest first soon finds
 * passages that pass a filter (else it sorts the whole table to find the
 * newest).
 */
static void filter_sql(struct buf *sql, const struct search *s, const char *from,
		       const char *where, size_t first_code, int probe)
{
	const char *since, *until;

	filter_dates(&s->f, &since, &until);
	buf_adds(sql, from);
	if (s->f.character)
		buf_adds(sql, " JOIN participant pt ON pt.id = p.participant_id");
	buf_addf(sql, " WHERE %s", where);
	if (!s->interviewer)
		buf_adds(sql, " AND likely(p.interviewer = 0)");
	if (s->f.kind)
		buf_adds(sql, probe
			 ? " AND likely(EXISTS (SELECT 1 FROM source INDEXED BY source_format"
			   " WHERE format = :kind AND id = p.source_id))"
			 : " AND likely(p.source_id IN (SELECT id FROM source WHERE format = :kind))");
	if (s->f.batch)
		buf_adds(sql, probe
			 ? " AND likely(EXISTS (SELECT 1 FROM source INDEXED BY source_batch"
			   " WHERE batch_id = (SELECT id FROM batch WHERE name = :batch)"
			   " AND id = p.source_id))"
			 : " AND likely(p.source_id IN (SELECT id FROM source WHERE batch_id ="
			   " (SELECT id FROM batch WHERE name = :batch)))");
	if (s->f.character)
		buf_adds(sql, " AND likely(pt.character = :character)");
	if (s->participant)
		buf_adds(sql, " AND p.participant_id ="
			 " (SELECT id FROM participant WHERE name = :participant)");
	if (s->speaker)
		buf_adds(sql, " AND p.speaker = :speaker COLLATE NOCASE");
	if (since)
		buf_adds(sql, " AND p.date >= :since");
	if (until)
		buf_adds(sql, " AND p.date < (:until || '~')");
	/* --theme and --code through coding_code: one code's entries lie
	 * together, where the primary key spreads the probes over the whole
	 * table (a fresh process pays a page fault for each page it touches):
	 * listing a quarter's --code pin on a million passages 11.5 ms ->
	 * 3.9 ms; a quarter's --theme runtime for grace 17 -> 14 ms */
	if (s->f.theme)
		buf_addf(sql, " AND likely(EXISTS (SELECT 1 FROM %s"
			 " WHERE code_id IN (SELECT id FROM code WHERE theme = :theme)"
			 " AND passage_id = p.id))", s->by_code);
	for (size_t i = first_code; i < s->ncodes; i++)
		buf_addf(sql, " AND likely(EXISTS (SELECT 1 FROM %s"
			 " WHERE passage_id = p.id AND code_id = :code%zu))", s->by_code, i);
	if (s->uncoded)
		buf_adds(sql, " AND NOT EXISTS (SELECT 1 FROM ecoding c JOIN code k"
			 " ON k.id = c.code_id AND k.kind = 'papercut' WHERE c.passage_id = p.id)");
	if (s->origin)
		buf_adds(sql, " AND EXISTS (SELECT 1 FROM ecoding WHERE passage_id = p.id"
			 " AND origin = :origin)");
}

static sqlite3_stmt *prepare_filtered(struct db *db, const struct search *s,
				      const char *sql, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, sql, e);

	if (!st)
		return NULL;
	filter_bind(st, &s->f);
	db_bind_named(st, ":query", s->query);
	db_bind_named(st, ":participant", s->participant);
	db_bind_named(st, ":speaker", s->speaker);
	db_bind_named(st, ":origin", s->origin);
	for (size_t i = 0; i < s->ncodes; i++) {
		char name[32];

		snprintf(name, sizeof(name), ":code%zu", i);
		db_bind_named(st, name, s->codes[i]);
	}
	return st;
}

static int check_known(struct db *db, const char *sql, const char *what,
		       const char *value, struct err *e)
{
	sqlite3_stmt *st;
	int found;

	if (!value)
		return 0;
	if (!(st = db_prepare(db, sql, e)))
		return e->code;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!found)
		return err_set(e, E_DATA, "no %s '%s' in the database", what, value);
	return 0;
}

struct ranked_hit {
	sqlite3_int64 id;
	double score;
	char *date;
	unsigned day;           /* day_key(), in a run of ties (check_ties) */
};

/* bm25 first (lower is better), ties newest first, then by id */
static int by_score_date(const void *x, const void *y)
{
	const struct ranked_hit *a = x, *b = y;
	int c;

	if (a->score != b->score)
		return a->score < b->score ? -1 : 1;
	if (!a->date != !b->date)
		return a->date ? -1 : 1;       /* undated last */
	if (a->date && (c = strcmp(b->date, a->date)))
		return c;
	return (a->id > b->id) - (a->id < b->id);
}

/* The k-th best (lowest) score of n > k: a max-heap of the k best seen. */
static double kth_score(const struct ranked_hit *all, size_t n, size_t k)
{
	double *h = xmalloc(k * sizeof(*h)), kth;
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		double v = all[i].score;
		size_t at;

		if (len < k) {
			for (at = len++; at && h[(at - 1) / 2] < v; at = (at - 1) / 2)
				h[at] = h[(at - 1) / 2];
			h[at] = v;
		} else if (v < h[0]) {
			for (at = 0; 2 * at + 1 < k;) {
				size_t c = 2 * at + 1;

				if (c + 1 < k && h[c + 1] > h[c])
					c++;
				if (h[c] <= v)
					break;
				h[at] = h[c];
				at = c;
			}
			h[at] = v;
		}
	}
	kth = h[0];
	free(h);
	return kth;
}

/*
 * Sorts the best of `all` by score, then id: those that score as well as
 * the k-th best or better (their ties too) before the rest, which stays
 * unsorted. Returns how many are sorted: the rest waits until the filters
 * turn so many away that the walk needs it (sorting everything was a
 * tenth of a common word's search).
 */
static size_t sort_best(struct ranked_hit *all, size_t n, size_t k)
{
	size_t m = 0;
	double kth;

	if (n <= 4 * k) {
		m = n;
	} else {
		kth = kth_score(all, n, k);
		for (size_t i = 0; i < n; i++)
			if (all[i].score <= kth) {
				struct ranked_hit t = all[m];

				all[m++] = all[i];
				all[i] = t;
			}
	}
	if (m > 1)
		qsort(all, m, sizeof(*all), by_score_date);
	return m;
}

static int insert_hits(struct db *db, const struct ranked_hit *h, size_t n, struct err *e)
{
	sqlite3_stmt *ins = db_prepare(db, "INSERT INTO s_hit(passage_id, score)"
				       " VALUES (?1, ?2)", e);
	int rc = ins ? 0 : e->code;

	for (size_t i = 0; !rc && i < n; i++) {
		sqlite3_bind_int64(ins, 1, h[i].id);
		sqlite3_bind_double(ins, 2, h[i].score);
		rc = db_step_done(db, ins, e, "searching");
	}
	sqlite3_finalize(ins);
	return rc;
}

static int by_id(const void *a, const void *b)
{
	sqlite3_int64 x = *(const sqlite3_int64 *)a, y = *(const sqlite3_int64 *)b;

	return (x > y) - (x < y);
}

/*
 * Keeps of the `n` matches `h` those coded `code`, in their order. The
 * code's ids are read in order from coding_code, as many as there are
 * matches, and looked up in C; a match past the last id read is asked
 * of coding_code alone. rank_hits() calls it when the filters pass so
 * few matches that the blocks would go on long: each match there costs a
 * row in s_cand and its passage read (gdb --code pin on a million
 * passages took 106 ms). `*sorted` (how many lead in order) follows.
 * Returns the matches kept: all of them should it fail (the filters
 * still apply).
 */
static size_t keep_coded(struct db *db, const char *code, struct ranked_hit *h, size_t n,
			 size_t *sorted)
{
	const char *by_code = decisions_by_code(db);
	char *list_sql = sqlite3_mprintf("SELECT passage_id FROM %s WHERE code_id = ?1"
					 " ORDER BY passage_id", by_code);
	char *probe_sql = sqlite3_mprintf("SELECT 1 FROM %s WHERE code_id = ?1"
					  " AND passage_id = ?2", by_code);
	sqlite3_stmt *list = db_prepare(db, list_sql, NULL);
	sqlite3_stmt *probe = db_prepare(db, probe_sql, NULL);
	sqlite3_int64 *ids = NULL;
	size_t nids = 0, alloc = 0, kept = 0, kept_sorted = 0;
	int rc = SQLITE_ROW, all_read;

	if (!list || !probe) {
		kept = n;
		goto out;
	}
	sqlite3_bind_text(list, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(probe, 1, code, -1, SQLITE_STATIC);
	while (nids < n && (rc = sqlite3_step(list)) == SQLITE_ROW) {
		ALLOC_GROW(ids, nids + 1, alloc);
		ids[nids++] = sqlite3_column_int64(list, 0);
	}
	all_read = rc == SQLITE_DONE || sqlite3_step(list) == SQLITE_DONE;
	for (size_t i = 0; i < n; i++) {
		int coded;

		if (all_read || (nids && h[i].id <= ids[nids - 1])) {
			coded = bsearch(&h[i].id, ids, nids, sizeof(*ids), by_id) != NULL;
		} else {
			sqlite3_bind_int64(probe, 2, h[i].id);
			coded = sqlite3_step(probe) != SQLITE_DONE;  /* kept unless surely not */
			sqlite3_reset(probe);
		}
		if (!coded)
			continue;
		h[kept++] = h[i];
		if (i < *sorted)
			kept_sorted = kept;
	}
	*sorted = kept_sorted;
out:
	free(ids);
	sqlite3_finalize(list);
	sqlite3_finalize(probe);
	sqlite3_free(list_sql);
	sqlite3_free(probe_sql);
	return kept;
}

/* The filters, tried on candidates: s_cand filled, `check` run over it. */
struct checker {
	sqlite3_stmt *add, *check;
	struct ranked_hit *hit;     /* those that passed, with their dates */
	size_t n, alloc;
};

static int check_block(struct db *db, struct checker *c, const struct ranked_hit *cand,
		       size_t n, struct err *e)
{
	int rc;

	if (db_exec(db, "DELETE FROM s_cand", e))
		return e->code;
	for (size_t k = 0; k < n; k++) {
		sqlite3_bind_int64(c->add, 1, cand[k].id);
		sqlite3_bind_double(c->add, 2, cand[k].score);
		if (db_step_done(db, c->add, e, "searching"))
			return e->code;
	}
	while ((rc = sqlite3_step(c->check)) == SQLITE_ROW) {
		ALLOC_GROW(c->hit, c->n + 1, c->alloc);
		c->hit[c->n].id = sqlite3_column_int64(c->check, 0);
		c->hit[c->n].score = sqlite3_column_double(c->check, 1);
		c->hit[c->n].date = sqlite3_column_type(c->check, 2) == SQLITE_NULL ? NULL
				    : xstrdup(db_col_text(c->check, 2));
		c->n++;
	}
	sqlite3_reset(c->check);
	return rc == SQLITE_DONE ? 0 : db_fail(db, e, "searching");
}

/* day keys descending (unknown ones first: they are always read), then id */
static int by_day(const void *x, const void *y)
{
	const struct ranked_hit *a = x, *b = y;

	if (a->day != b->day)
		return a->day > b->day ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/*
 * A run of tied matches, of which the `need` newest that pass the filters
 * are wanted: read in the order of their day keys (core/lengths.h), a
 * group at a time, until the next key is below the keys of the `need`
 * newest found so far: a key below means an older date, so nothing left
 * in the run can come before them. A run of 400 ties reads a few dozen
 * rows, not 400 (each a page fault in a fresh process: 3-5 ms).
 */
static int check_ties(struct db *db, struct checker *c, struct ranked_hit *run, size_t n,
		      size_t need, struct chunks *days, struct err *e)
{
	size_t first = c->n;

	for (size_t k = 0; k < n; k++)
		run[k].day = chunks_get(days, run[k].id);
	qsort(run, n, sizeof(*run), by_day);
	for (size_t at = 0, take, group = need; at < n; at += take, group *= 2) {
		unsigned lowest = CHUNK_UNKNOWN;

		take = group < n - at ? group : n - at;
		if (check_block(db, c, run + at, take, e))
			return e->code;
		if (c->n - first < need || at + take == n)
			continue;
		qsort(c->hit + first, c->n - first, sizeof(*c->hit), by_score_date);
		for (size_t k = first; k < first + need; k++) {
			unsigned day = day_key(c->hit[k].date);

			/* an unknown key bounds nothing: read on */
			lowest = day == CHUNK_UNKNOWN ? DAY_UNDATED : day < lowest ? day : lowest;
		}
		if (run[at + take].day < lowest)
			break;
	}
	return 0;
}

/*
 * A query's hits: every match scored (pc_bm25, analyze/rank.c) and sorted
 * in C (sort_best), then the filters tried in that order, a block at a
 * time, until `limit` hits and their ties are found and one more (which
 * says that more match). A query whose best matches pass the filters
 * stops after one block. Returns what the scoring statement's
 * sqlite3_step() returned last: SQLITE_DONE when all went well;
 * `step_error` says whether that statement failed.
 */
static int rank_hits(struct db *db, const struct search *s, int *step_error,
		     struct err *e)
{
	struct ranked_hit *all = NULL;
	struct checker c = { 0 };
	struct chunks days = { 0 };
	size_t n = 0, alloc = 0, sorted, want = (size_t)s->limit + 1;
	int coded = 0;          /* the rest kept to the --code passages */
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st;
	double idf;
	int rc;

	*step_error = 0;
	if (!(st = prepare_filtered(db, s, "SELECT rowid, pc_bm25(passage_fts)"
				    " FROM passage_fts WHERE passage_fts MATCH :query", e)))
		return SQLITE_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ALLOC_GROW(all, n + 1, alloc);
		all[n].id = sqlite3_column_int64(st, 0);
		all[n].score = sqlite3_column_double(st, 1);
		all[n].date = NULL;
		n++;
	}
	if (rc != SQLITE_DONE) {
		*step_error = 1;
		goto out;
	}
	idf = rank_idf(s->rank, (sqlite3_int64)n);
	for (size_t i = 0; idf != 1.0 && i < n; i++)
		all[i].score *= idf;
	sorted = sort_best(all, n, want);

	/* in blocks, in rank order, one statement each, each block twice the
	 * one before */
	filter_sql(&sql, s, "SELECT c.id, c.score, p.date FROM s_cand c"
		   " CROSS JOIN passage p ON p.id = c.id", "1", 0, 1);
	if (db_exec(db, "DROP TABLE IF EXISTS temp.s_cand;"
		    "CREATE TEMP TABLE s_cand(id INTEGER PRIMARY KEY, score REAL)", e) ||
	    !(c.add = db_prepare(db, "INSERT INTO s_cand VALUES (?1, ?2)", e)) ||
	    !(c.check = prepare_filtered(db, s, sql.data, e))) {
		rc = SQLITE_ERROR;
		goto out;
	}
	for (size_t i = 0, end, block = want; i < n && c.n < want; i = end, block *= 2) {
		size_t first = c.n, need = want - c.n;

		/* a --code that few matches have: keep_coded() from here on, once
		 * the blocks so far say they would need more than a fiftieth of
		 * the matches (a block's match costs fifty ids read in order) */
		if (i && s->ncodes && !coded) {
			size_t more = c.n ? need * i / c.n : n - i;

			if (more > (n - i) / 50) {
				for (size_t k = 0; k < s->ncodes; k++) {
					size_t rest = sorted - i;

					n = i + keep_coded(db, s->codes[k], all + i, n - i, &rest);
					sorted = i + rest;
				}
				coded = 1;
			}
		}
		if (i == n)
			break;
		if (i == sorted)     /* the next best, not the whole rest: sorting
				      * a common word's 25,000 matches was 4 ms */
			sorted = i + sort_best(all + i, n - i, block);
		/* a block holds whole runs of ties: it ends before the run it
		 * would cut, unless that run is the first in it */
		end = i + block < sorted ? i + block : sorted;
		while (end > i && end < sorted && all[end].score == all[end - 1].score)
			end--;
		if (end == i)
			for (end = i + 1; end < sorted && all[end].score == all[i].score; end++)
				;
		if (end - i > 2 * need && all[i].score == all[end - 1].score) {
			if (!days.db)
				chunks_init(&days, db->h, "passage_day", "days");
			rc = check_ties(db, &c, all + i, end - i, need, &days, e);
		} else {
			rc = check_block(db, &c, all + i, end - i, e);
		}
		if (rc) {
			rc = SQLITE_ERROR;
			goto out;
		}
		/* by score, the ties newest first */
		if (c.n - first > 1)
			qsort(c.hit + first, c.n - first, sizeof(*c.hit), by_score_date);
	}
	rc = insert_hits(db, c.hit, c.n < want ? c.n : want, e) ? SQLITE_ERROR : SQLITE_DONE;
out:
	for (size_t i = 0; i < c.n; i++)
		free(c.hit[i].date);
	free(c.hit);
	free(all);
	chunks_close(&days);
	sqlite3_finalize(c.add);
	sqlite3_finalize(c.check);
	sqlite3_finalize(st);
	buf_release(&sql);
	return rc;
}

/* Whether the date index, read newest first, finds `limit` passages
 * coded `code` sooner than reading all of its codings: spread evenly,
 * n codings among N passages take limit * N / n rows to find. */
static int code_is_common(struct db *db, const char *code, long limit)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT (SELECT count(*) FROM ecoding"
				      " WHERE code_id = ?1), (SELECT max(id) FROM passage)", NULL);
	int common = 0;

	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		double n = sqlite3_column_double(st, 0);

		common = n * n > (double)(limit + 1) * sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	return common;
}

static int find_hits(struct db *db, struct search *s, struct err *e)
{
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = 0, step, step_error = 1;

	if (db_exec(db, "DROP TABLE IF EXISTS temp.s_hit;"
		    "CREATE TEMP TABLE s_hit(rank INTEGER PRIMARY KEY, passage_id INTEGER,"
		    " score REAL, marked TEXT)", e))
		return e->code;
	for (size_t i = 0; i < s->ncodes; i++)
		if (check_known(db, "SELECT 1 FROM code WHERE id = ?1", "code", s->codes[i], e))
			return e->code;
	if (check_known(db, "SELECT 1 FROM code WHERE id = ?1 AND kind = 'character'"
			" UNION SELECT 1 WHERE ?1 = 'unknown'", "character", s->f.character, e) ||
	    check_known(db, "SELECT 1 FROM code WHERE theme = ?1", "theme", s->f.theme, e) ||
	    check_known(db, "SELECT 1 FROM batch WHERE name = ?1", "batch", s->f.batch, e) ||
	    check_known(db, "SELECT 1 FROM participant WHERE name = ?1", "participant",
			s->participant, e))
		return e->code;

	/* A query is ranked (rank_hits), unless --count wants every hit in
	 * any order. Without a query, the date index lists newest first and
	 * stops at the limit (one more than shown: to know whether there are
	 * more), unless a --code is rare: then its codings drive. */
	if (s->query && !s->count) {
		step = rank_hits(db, s, &step_error, e);
		goto done;
	}
	if (s->query)
		filter_sql(&sql, s, "INSERT INTO s_hit(passage_id) SELECT p.id FROM passage_fts f"
			   " JOIN passage p ON p.id = f.rowid", "passage_fts MATCH :query", 0, 0);
	else if (s->ncodes && !code_is_common(db, s->codes[0], s->limit))
		filter_sql(&sql, s, "INSERT INTO s_hit(passage_id) SELECT p.id FROM ecoding c0"
			   " JOIN passage p ON p.id = c0.passage_id", "c0.code_id = :code0", 1, 0);
	else
		filter_sql(&sql, s, "INSERT INTO s_hit(passage_id) SELECT p.id FROM passage p",
			   "1", 0, 0);
	if (!s->query)
		buf_adds(&sql, " ORDER BY p.date DESC NULLS LAST, p.source_id, p.seq LIMIT :limit");
	if (!(st = prepare_filtered(db, s, sql.data, e))) {
		rc = e->code;
		goto out;
	}
	if (sqlite3_bind_parameter_index(st, ":limit"))
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"),
				   s->count ? -1 : s->limit + 1);
	step = sqlite3_step(st);
done:
	if (step != SQLITE_DONE && s->query && step_error &&
	    (sqlite3_errcode(db->h) & 0xff) == SQLITE_ERROR) {
		/* FTS5 parses the query as the statement runs: its complaint is
		 * about the user's words, said in the user's terms */
		const char *msg = sqlite3_errmsg(db->h);
		struct buf why = BUF_INIT;

		if (!strncmp(msg, "fts5: ", 6))
			msg += 6;
		if (!strncmp(msg, "no such column: ", 16))
			buf_addf(&why, "FTS5 reads '%s' as a column name", msg + 16);
		else
			buf_adds(&why, msg);
		rc = err_set(e, E_DATA, "search query '%s' is malformed: %s (put words with"
			     " punctuation in double quotes, as \"async-std\")",
			     s->query, why.data);
		buf_release(&why);
	} else if (step != SQLITE_DONE) {
		rc = e->code ? e->code : db_fail(db, e, "searching");
	}
out:
	sqlite3_finalize(st);
	buf_release(&sql);
	return rc;
}

/* Columns of a hit, in this order, for every output format. */
static const char hit_sql[] =
	"SELECT h.rank, p.id, s.path, p.line, coalesce(p.speaker, ''),"
	" coalesce(pt.name, ''), iif(p.interviewer, 'interviewer', coalesce(pt.character, '')),"
	" coalesce(p.date, s.date, ''), s.format,"
	" coalesce((SELECT group_concat(code_id, ',') FROM (SELECT code_id FROM ecoding"
	"  WHERE passage_id = p.id ORDER BY code_id)), ''),"
	" p.text, p.source_id, p.seq, b.name,"
	" CASE WHEN p.location IS NOT NULL THEN s.path || ' [' || p.location || ']'"
	"  WHEN p.line > 0 THEN s.path || ':' || p.line ELSE s.path END,"
	" coalesce(p.location, ''), coalesce(p.url, ''), h.marked"
	" FROM s_hit h JOIN passage p ON p.id = h.passage_id"
	" JOIN source s ON s.id = p.source_id"
	" JOIN batch b ON b.id = s.batch_id"
	" LEFT JOIN participant pt ON pt.id = p.participant_id"
	" WHERE h.rank <= ?1 ORDER BY h.rank";
enum { H_RANK, H_ID, H_PATH, H_LINE, H_SPEAKER, H_PARTICIPANT, H_CHARACTER,
       H_DATE, H_FORMAT, H_CODES, H_TEXT, H_SOURCE, H_SEQ, H_BATCH, H_WHERE,
       H_LOCATION, H_URL, H_MARKED };

static int term_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= 40)
		return ws.ws_col;
	if (cols) {
		long n = strtol(cols, NULL, 10);

		if (n >= 40 && n <= 1000)
			return (int)n;
	}
	return 80;
}

/* Prints `text` wrapped at `width` columns (counted in code points),
 * every line indented by `indent`. */
static void print_wrapped(const char *text, const char *indent, int width)
{
	const char *p = text;
	int avail = width - (int)strlen(indent);

	if (avail < 20)
		avail = 20;
	while (*p) {
		const char *line = p, *brk = NULL;
		int cols = 0;

		while (*p && *p != '\n' && (cols < avail || !brk)) {
			if (*p == ' ')
				brk = p;
			if (((unsigned char)*p & 0xc0) != 0x80)
				cols++;
			p++;
		}
		if (*p && *p != '\n' && brk)
			p = brk;
		printf("%s%.*s\n", indent, (int)(p - line), line);
		while (*p == ' ' || *p == '\n')
			p++;
	}
}

/*
 * The shown passages with the query's terms marked (s_hit.marked), FTS5
 * asked for each by its rowid: it parses the query again each time, but
 * seeks its terms' lists to that row. One pass over all the matches (as
 * before) read a common word's whole list: "no reactor" on a million
 * passages 14 ms -> 12 ms, gdb 13.8 -> 12.2.
 */
static int mark_hits(struct db *db, const struct search *s, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (!s->query)
		return 0;
	/* FTS5 finds a word's match by its rowid in microseconds, but spells
	 * a prefix out into all its words' matches each time: for a prefix,
	 * one pass over the matches ('+' keeps the rowids from FTS5) marks
	 * the shown (wak* on a million passages: 20 lookups 6.6 ms, one pass
	 * 1.3 ms). A '*' that is not a prefix only picks the slower way. */
	if (!(st = db_prepare(db, strchr(s->query, '*')
			      ? "UPDATE s_hit SET marked = m.marked FROM"
				" (SELECT rowid AS id, highlight(passage_fts, 0, ?1, ?2) AS marked"
				"  FROM passage_fts WHERE passage_fts MATCH ?3 AND +rowid IN"
				"  (SELECT passage_id FROM s_hit WHERE rank <= ?4)) m"
				" WHERE s_hit.passage_id = m.id"
			      : "UPDATE s_hit SET marked ="
				" (SELECT highlight(passage_fts, 0, ?1, ?2) FROM passage_fts"
				"  WHERE passage_fts MATCH ?3 AND rowid = s_hit.passage_id)"
				" WHERE rank <= ?4", e)))
		return e->code;
	sqlite3_bind_text(st, 1, s->tty ? "\033[1m" : "[", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s->tty ? "\033[0m" : "]", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, s->query, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, s->limit);
	rc = db_step_done(db, st, e, "marking the query's terms");
	sqlite3_finalize(st);
	return rc;
}

/* "code «matched words»" for each rule coding of the passage (what
 * fired), "code (by NAME)" for each a coder added. `st` is
 * rule_matches_sql prepared (NULL: nothing printed). */
static const char rule_matches_sql[] =
	"SELECT c.code_id, substr(CAST(p.text AS BLOB), c.start_byte + 1,"
	" c.end_byte - c.start_byte), c.origin, c.coder"
	" FROM ecoding c JOIN passage p ON p.id = c.passage_id"
	" WHERE c.passage_id = ?1 ORDER BY c.origin DESC, c.start_byte, c.code_id";

static void print_rule_matches(sqlite3_stmt *st, sqlite3_int64 id)
{
	int first = 1;

	if (!st)
		return;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!strcmp(db_col_text(st, 2), "human"))
			printf("%s%s (by %s)", first ? "    coded: " : ", ",
			       db_col_text(st, 0), db_col_text(st, 3));
		else
			printf("%s%s \u00ab%.*s\u00bb", first ? "    matched: " : ", ",
			       db_col_text(st, 0), sqlite3_column_bytes(st, 1),
			       (const char *)sqlite3_column_blob(st, 1));
		first = 0;
	}
	if (!first)
		putchar('\n');
	sqlite3_reset(st);
}

/* The n turns before or after a passage; `st` is context_sql prepared. */
static const char context_sql[] =
	"SELECT coalesce(speaker, ''), text FROM passage WHERE source_id = ?1"
	" AND seq BETWEEN ?2 AND ?3 ORDER BY seq";

static void print_context(sqlite3_stmt *st, sqlite3_int64 source, int seq,
			  long n, int before, int width)
{
	if (!st || !n)
		return;
	sqlite3_bind_int64(st, 1, source);
	sqlite3_bind_int64(st, 2, before ? seq - n : seq + 1);
	sqlite3_bind_int64(st, 3, before ? seq - 1 : seq + n);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct buf b = BUF_INIT;

		if (*db_col_text(st, 0))
			buf_addf(&b, "%s: ", db_col_text(st, 0));
		buf_adds(&b, db_col_text(st, 1));
		print_wrapped(b.data, "    | ", width);
		buf_release(&b);
	}
	sqlite3_reset(st);
}

/* the statements text output runs for every hit, prepared once */
struct text_out {
	sqlite3_stmt *rules, *context;
	int width;
};

static void print_text_hit(const struct text_out *o, const struct search *s,
			   sqlite3_stmt *h)
{
	sqlite3_int64 id = sqlite3_column_int64(h, H_ID);
	const char *who = db_col_text(h, H_PARTICIPANT);
	int width = o->width;
	struct buf a = BUF_INIT, b = BUF_INIT;

	printf("%s  #%lld  %s", one_line(&a, db_col_text(h, H_WHERE)), (long long)id,
	       one_line(&b, *who ? who : db_col_text(h, H_SPEAKER)));
	if (*who && *db_col_text(h, H_SPEAKER) && strcmp(db_col_text(h, H_SPEAKER), who))
		printf(" (speaker %s)", one_line(&b, db_col_text(h, H_SPEAKER)));
	buf_release(&a);
	buf_release(&b);
	printf("  %s  %s  [%s]\n", db_col_text(h, H_CHARACTER),
	       *db_col_text(h, H_DATE) ? db_col_text(h, H_DATE) : "undated",
	       db_col_text(h, H_CODES));
	print_context(o->context, sqlite3_column_int64(h, H_SOURCE),
		      sqlite3_column_int(h, H_SEQ), s->context, 1, width);
	print_wrapped(sqlite3_column_type(h, H_MARKED) != SQLITE_NULL ? db_col_text(h, H_MARKED)
		      : db_col_text(h, H_TEXT), s->context ? "    > " : "    ", width);
	print_context(o->context, sqlite3_column_int64(h, H_SOURCE),
		      sqlite3_column_int(h, H_SEQ), s->context, 0, width);
	print_rule_matches(o->rules, id);
	putchar('\n');
}

/* A quote block ready to paste into a story's sources: the quote and the
 * attribution Markdown-escaped, so they show as written. */
static void print_md_hit(sqlite3_stmt *h)
{
	const char *date = db_col_text(h, H_DATE);
	struct buf b = BUF_INIT;

	buf_adds(&b, "> ");
	md_escape(&b, db_col_text(h, H_TEXT), "\n> ");
	buf_adds(&b, "\n>\n> \u2014 ");
	md_escape(&b, *db_col_text(h, H_PARTICIPANT) ? db_col_text(h, H_PARTICIPANT)
						     : db_col_text(h, H_SPEAKER), " ");
	buf_adds(&b, " (");
	md_escape(&b, db_col_text(h, H_CHARACTER), " ");
	buf_addf(&b, "), %s %s, ", db_col_text(h, H_FORMAT), *date ? date : "undated");
	md_escape(&b, db_col_text(h, H_WHERE), " ");
	if (*db_col_text(h, H_URL)) {
		buf_adds(&b, ", ");
		md_escape(&b, db_col_text(h, H_URL), " ");
	}
	buf_adds(&b, "\n\n");
	fputs(b.data, stdout);
	buf_release(&b);
}

static void print_csv_hit(sqlite3_stmt *h, int header)
{
	static const char *const cols[] = {
		"rank", "passage_id", "source", "line", "speaker", "participant",
		"character", "date", "format", "codes", "text",
	};
	/* then, after the columns above */
	static const struct { const char *name; int col; } more[] = {
		{ "location", H_LOCATION }, { "url", H_URL },
	};
	enum { N = sizeof(cols) / sizeof(*cols) };

	if (header) {
		for (int i = 0; i < N; i++)
			csv_text(stdout, cols[i], 0);
		for (int i = 0; i < 2; i++)
			csv_text(stdout, more[i].name, i == 1);
		return;
	}
	for (int i = 0; i < N; i++) {
		if (i == H_RANK || i == H_ID || i == H_LINE)
			csv_long(stdout, sqlite3_column_int64(h, i), 0);
		else
			csv_text(stdout, db_col_text(h, i), 0);
	}
	for (int i = 0; i < 2; i++)
		csv_text(stdout, db_col_text(h, more[i].col), i == 1);
}

static const char json_hit_sql[] =
	"SELECT json_object('rank', h.rank, 'id', p.id, 'source', s.path, 'line', p.line,"
	" 'speaker', p.speaker, 'participant', pt.name,"
	" 'character', iif(p.interviewer, 'interviewer', pt.character),"
	" 'interviewer', json(iif(p.interviewer, 'true', 'false')),"
	" 'date', p.date, 'format', s.format, 'batch', b.name,"
	" 'location', p.location, 'context', p.context, 'platform_id', p.platform_id,"
	" 'url', p.url, 'parent', p.parent_id,"
	" 'start_char', p.start_char, 'end_char', p.end_char, 'score', h.score,"
	" 'codes', (SELECT json_group_array(code_id) FROM (SELECT code_id FROM ecoding"
	"   WHERE passage_id = p.id ORDER BY code_id)),"
	" 'text', p.text,"
	" 'before', (SELECT json_group_array(json_object('speaker', speaker, 'text', text))"
	"   FROM (SELECT speaker, text FROM passage WHERE source_id = p.source_id"
	"   AND seq BETWEEN p.seq - ?2 AND p.seq - 1 ORDER BY seq)),"
	" 'after', (SELECT json_group_array(json_object('speaker', speaker, 'text', text))"
	"   FROM (SELECT speaker, text FROM passage WHERE source_id = p.source_id"
	"   AND seq BETWEEN p.seq + 1 AND p.seq + ?2 ORDER BY seq)))"
	" FROM s_hit h JOIN passage p ON p.id = h.passage_id"
	" JOIN source s ON s.id = p.source_id"
	" JOIN batch b ON b.id = s.batch_id"
	" LEFT JOIN participant pt ON pt.id = p.participant_id"
	" WHERE h.rank <= ?1 ORDER BY h.rank";

static int print_hits(struct db *db, struct search *s, struct err *e)
{
	sqlite3_stmt *h = db_prepare(db, s->format == FMT_JSON ? json_hit_sql : hit_sql, e);
	struct text_out o = { .width = term_width() };
	int n = 0;

	if (!h)
		return e->code;
	if (s->format == FMT_TEXT) {
		if (mark_hits(db, s, e)) {
			sqlite3_finalize(h);
			return e->code;
		}
		o.rules = db_prepare(db, rule_matches_sql, NULL);
		o.context = db_prepare(db, context_sql, NULL);
	}
	sqlite3_bind_int64(h, 1, s->limit);
	if (s->format == FMT_JSON)
		sqlite3_bind_int64(h, 2, s->context);
	if (s->format == FMT_CSV)
		print_csv_hit(h, 1);
	if (s->format == FMT_JSON)
		putchar('[');
	while (sqlite3_step(h) == SQLITE_ROW) {
		switch (s->format) {
		case FMT_JSON:
			printf("%s\n  %s", n ? "," : "", db_col_text(h, 0));
			break;
		case FMT_CSV:
			print_csv_hit(h, 0);
			break;
		case FMT_MD:
			print_md_hit(h);
			break;
		default:
			print_text_hit(&o, s, h);
		}
		n++;
	}
	if (s->format == FMT_JSON)
		printf("%s]\n", n ? "\n" : "");
	if (s->format == FMT_TEXT) {
		sqlite3_stmt *c = db_prepare(db, "SELECT count(*) FROM s_hit", e);
		long found = c && sqlite3_step(c) == SQLITE_ROW ? sqlite3_column_int(c, 0) : 0;

		sqlite3_finalize(c);
		if (found > n)
			printf("%d passages shown; more match (raise --limit to see them)\n", n);
		else
			printf("%d passage%s\n", n, n == 1 ? "" : "s");
	}
	sqlite3_finalize(o.rules);
	sqlite3_finalize(o.context);
	sqlite3_finalize(h);
	return 0;
}

/* --count: hits per character and per code, over every hit. */
static int print_counts(struct db *db, struct search *s, struct err *e)
{
	static const char *const sql[] = {
		"SELECT 'character', iif(p.interviewer, 'interviewer', coalesce(pt.character, 'unknown')),"
		" count(*) FROM s_hit h JOIN passage p ON p.id = h.passage_id"
		" LEFT JOIN participant pt ON pt.id = p.participant_id GROUP BY 2 ORDER BY 3 DESC, 2",
		"SELECT 'code', c.code_id, count(*) FROM s_hit h JOIN ecoding c"
		" ON c.passage_id = h.passage_id GROUP BY 2 ORDER BY 3 DESC, 2",
	};
	sqlite3_stmt *st = NULL;

	if (s->format == FMT_JSON) {
		st = db_prepare(db,
			"SELECT json_object('passages', (SELECT count(*) FROM s_hit),"
			" 'characters', (SELECT json_group_object(k, n) FROM (SELECT"
			"  iif(p.interviewer, 'interviewer', coalesce(pt.character, 'unknown')) AS k,"
			"  count(*) AS n FROM s_hit h JOIN passage p ON p.id = h.passage_id"
			"  LEFT JOIN participant pt ON pt.id = p.participant_id GROUP BY 1 ORDER BY 2 DESC, 1)),"
			" 'codes', (SELECT json_group_object(k, n) FROM (SELECT c.code_id AS k,"
			"  count(*) AS n FROM s_hit h JOIN ecoding c ON c.passage_id = h.passage_id"
			"  GROUP BY 1 ORDER BY 2 DESC, 1)))", e);
		if (!st)
			return e->code;
		if (sqlite3_step(st) == SQLITE_ROW)
			printf("%s\n", db_col_text(st, 0));
		sqlite3_finalize(st);
		return 0;
	}
	if (s->format == FMT_CSV) {
		csv_text(stdout, "group", 0);
		csv_text(stdout, "key", 0);
		csv_text(stdout, "passages", 1);
	}
	for (int i = 0; i < 2; i++) {
		if (!(st = db_prepare(db, sql[i], e)))
			return e->code;
		if (s->format != FMT_CSV)
			printf("%s%-22s %8s\n", i ? "\n" : "", i ? "code" : "character", "passages");
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (s->format == FMT_CSV) {
				csv_text(stdout, db_col_text(st, 0), 0);
				csv_text(stdout, db_col_text(st, 1), 0);
				csv_long(stdout, sqlite3_column_int64(st, 2), 1);
			} else {
				printf("%-22s %8d\n", db_col_text(st, 1), sqlite3_column_int(st, 2));
			}
		}
		sqlite3_finalize(st);
	}
	return 0;
}

int cmd_search(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "code", required_argument, NULL, OPT_CODE },
		{ "participant", required_argument, NULL, OPT_PARTICIPANT },
		{ "speaker", required_argument, NULL, OPT_SPEAKER },
		{ "include-interviewer", no_argument, NULL, OPT_INTERVIEWER },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "context", required_argument, NULL, OPT_CONTEXT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "count", no_argument, NULL, OPT_COUNT },
		{ "uncoded", no_argument, NULL, OPT_UNCODED },
		{ "origin", required_argument, NULL, OPT_ORIGIN },
		CODER_OPTION,
		FILTER_OPTIONS,
		CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct search s = { .limit = 20, .format = FMT_TEXT };
	struct db db = { 0 };
	int rc;

	if ((rc = cli_parse(argc, argv, opts, search_usage, search_help, search_opt, &s, e)))
		goto out;
	if (argc - optind > 1) {
		rc = err_set(e, E_USAGE, "search takes one QUERY; quote it (usage: %s)", search_usage);
		goto out;
	}
	if (optind < argc) {
		s.query = argv[optind];
		if (!*s.query || strspn(s.query, " \t\n") == strlen(s.query)) {
			rc = err_set(e, E_USAGE, "search query is empty");
			goto out;
		}
	}
	s.tty = isatty(STDOUT_FILENO) && s.format == FMT_TEXT;
	if ((rc = cli_open_db_reading(&db, e)))
		goto out;
	s.by_code = decisions_by_code(&db);
	if (!(s.rank = rank_register(db.h, e)) || (rc = find_hits(&db, &s, e))) {
		rc = rc ? rc : e->code;
		goto out;
	}
	rc = s.count ? print_counts(&db, &s, e) : print_hits(&db, &s, e);
out:
	db_close(&db);
	free(s.codes);
	return rc < 0 ? 0 : rc;
}

static const char show_usage[] = "papercut show ID [--context N] [--format text|json]";
static const char show_help[] =
	"Prints one passage (its ID as search prints it, '#12') with the turns\n"
	"around it and everything known about its source and participant.\n\n"
	"  --context N   turns before and after (default 3)\n"
	"  --format FMT  text (default) or json\n";

static const char show_json_sql[] =
	"SELECT json_object('id', p.id, 'text', p.text, 'speaker', p.speaker,"
	" 'interviewer', json(iif(p.interviewer, 'true', 'false')),"
	" 'line', p.line, 'start_byte', p.start_byte, 'end_byte', p.end_byte,"
	" 'start_char', p.start_char, 'end_char', p.end_char,"
	" 'source', json_object('path', s.path, 'format', s.format, 'date', s.date,"
	"   'batch', b.name, 'hash', s.hash, 'bytes', s.bytes, 'ingested', s.ingested,"
	"   'interviewers', json(s.interviewers)),"
	" 'participant', (SELECT json_object('name', pt.name, 'character', pt.character,"
	"   'decided_by', pt.decided_by, 'override', pt.override,"
	"   'attributes', (SELECT json_group_object(key, value) FROM participant_attr"
	"    WHERE participant_id = pt.id))"
	"   FROM participant pt WHERE pt.id = coalesce(p.participant_id, s.participant_id)),"
	" 'codings', (SELECT json_group_array(json_object('code', c.code_id, 'rule', c.rule,"
	"   'origin', c.origin, 'coder', c.coder,"
	"   'match', CAST(substr(CAST(p.text AS BLOB), c.start_byte + 1, c.end_byte - c.start_byte) AS TEXT)))"
	"   FROM ecoding c WHERE c.passage_id = p.id),"
	" 'context', (SELECT json_group_array(json_object('id', id, 'speaker', speaker,"
	"   'line', line, 'text', text)) FROM (SELECT * FROM passage WHERE source_id = p.source_id"
	"   AND seq BETWEEN p.seq - ?2 AND p.seq + ?2 ORDER BY seq)))"
	" FROM passage p JOIN source s ON s.id = p.source_id JOIN batch b ON b.id = s.batch_id"
	" WHERE p.id = ?1";

static const char show_sql[] =
	"SELECT s.path, p.line, s.format, coalesce(p.date, s.date, 'undated'), b.name,"
	" coalesce((SELECT group_concat(value, ', ') FROM json_each(s.interviewers)), 'none'),"
	" s.hash, s.ingested, pt.name, pt.character, pt.decided_by,"
	" (SELECT group_concat(key || '=' || value, ', ') FROM participant_attr"
	"  WHERE participant_id = pt.id), p.source_id, p.seq, p.start_char, p.end_char,"
	" trim(iif(p.location IS NULL, '', ' [' || p.location || ']')"
	"  || iif(p.context IS NULL, '', ' under \"' || p.context || '\"')"
	"  || iif(p.platform_id IS NULL, '', ' ' || p.platform_id)"
	"  || iif(p.url IS NULL, '', ' ' || p.url)"
	"  || iif(p.parent_id IS NULL, '', ', replying to ' || p.parent_id))"
	" FROM passage p JOIN source s ON s.id = p.source_id JOIN batch b ON b.id = s.batch_id"
	" LEFT JOIN participant pt ON pt.id = coalesce(p.participant_id, s.participant_id)"
	" WHERE p.id = ?1";

static int show_opt(int opt, const char *arg, void *ctx, struct err *e)
{
	struct search *s = ctx;

	if (opt == OPT_CONTEXT)
		return cli_number("--context", arg, 0, 1000, &s->context, e);
	if (opt == OPT_FORMAT && !strcmp(arg, "json"))
		s->format = FMT_JSON;
	else if (opt == OPT_FORMAT && strcmp(arg, "text"))
		return err_set(e, E_USAGE, "--format takes text or json, not '%s'", arg);
	return 0;
}

static void show_text(struct db *db, sqlite3_stmt *st, sqlite3_int64 id, long context)
{
	sqlite3_stmt *turns = db_prepare(db,
		"SELECT id, coalesce(speaker, ''), text FROM passage WHERE source_id = ?1"
		" AND seq BETWEEN ?2 AND ?3 ORDER BY seq", NULL);
	sqlite3_stmt *rules;
	int width = term_width();
	int seq = sqlite3_column_int(st, 13);

	printf("passage   #%lld, %s:%d (code points %lld-%lld)\n", (long long)id,
	       db_col_text(st, 0), sqlite3_column_int(st, 1),
	       (long long)sqlite3_column_int64(st, 14), (long long)sqlite3_column_int64(st, 15));
	printf("source    %s, %s, %s, batch %s, interviewers %s\n", db_col_text(st, 0),
	       db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4), db_col_text(st, 5));
	printf("          content %s, ingested %s\n", db_col_text(st, 6), db_col_text(st, 7));
	if (*db_col_text(st, 16))
		printf("          %s\n", db_col_text(st, 16));
	if (*db_col_text(st, 8))
		printf("participant %s: %s (%s)%s%s\n", db_col_text(st, 8), db_col_text(st, 9),
		       db_col_text(st, 10), *db_col_text(st, 11) ? "; " : "", db_col_text(st, 11));
	if ((rules = db_prepare(db, rule_matches_sql, NULL))) {
		print_rule_matches(rules, id);
		sqlite3_finalize(rules);
	}
	putchar('\n');
	if (!turns)
		return;
	sqlite3_bind_int64(turns, 1, sqlite3_column_int64(st, 12));
	sqlite3_bind_int64(turns, 2, seq - context);
	sqlite3_bind_int64(turns, 3, seq + context);
	while (sqlite3_step(turns) == SQLITE_ROW) {
		struct buf b = BUF_INIT;
		int self = sqlite3_column_int64(turns, 0) == id;

		if (*db_col_text(turns, 1))
			buf_addf(&b, "%s: ", db_col_text(turns, 1));
		buf_adds(&b, db_col_text(turns, 2));
		print_wrapped(b.data, self ? "> " : "  ", width);
		buf_release(&b);
	}
	sqlite3_finalize(turns);
}

int cmd_show(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "context", required_argument, NULL, OPT_CONTEXT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct search s = { .context = 3, .format = FMT_TEXT };
	struct db db = { 0 };
	sqlite3_stmt *st = NULL;
	const char *arg;
	long id;
	int rc;

	if ((rc = cli_parse(argc, argv, opts, show_usage, show_help, show_opt, &s, e)))
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return err_set(e, E_USAGE, "usage: %s", show_usage);
	arg = argv[optind] + (argv[optind][0] == '#');
	if (cli_number("passage ID", arg, 1, LONG_MAX, &id, e))
		return e->code;
	if ((rc = cli_open_db_reading(&db, e)))
		goto out;
	if (!(st = db_prepare(&db, s.format == FMT_JSON ? show_json_sql : show_sql, e))) {
		rc = e->code;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, s.context);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = err_set(e, E_DATA, "no passage #%ld in '%s'", id, db.path);
		goto out;
	}
	if (s.format == FMT_JSON)
		printf("%s\n", db_col_text(st, 0));
	else
		show_text(&db, st, id, s.context);
out:
	sqlite3_finalize(st);
	db_close(&db);
	return rc;
}
