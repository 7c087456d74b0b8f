/*
 * The counts behind every result, in one pass over the database.
 *
 * The passages (in id order) and the codings (in passage order) are read
 * side by side, as a merge join, and counted in memory: who is in scope
 * (the denominators), papercut x character passages and participants, the
 * same per theme, pairs of papercuts per participant, papercut x quarter
 * for the trends and each papercut's first date. Only the counts go back
 * to SQL (r_character, r_cell, r_pair, r_tcount, r_first), where the views
 * of results.c turn them into shares, intervals and ranks.
 *
 * Why not SQL alone: at a million passages the same counts as GROUP BY and
 * count(DISTINCT) over joined temp tables took 4.5 s; this takes a tenth.
 * Memory is a few bytes per participant and 8 per coding in scope.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "tally.h"

struct names {
	char **name;
	size_t n, alloc;
};

/* one coding of a passage in scope, at any date: for the trends */
struct trend_rec {
	int32_t participant;
	int16_t code;
	int16_t quarter;     /* year * 4 + quarter - 1 - base, or -1 */
};

struct tally {
	struct db *db;
	const struct filter *f;
	const char *since, *until;

	struct names chars;      /* known characters; index chars.n: unknown */
	struct names codes;      /* papercuts in r_key */
	struct names themes;
	int *code_theme;
	size_t nkey;             /* chars.n + 1 */

	sqlite3_int64 maxpid;
	signed char *pchar;      /* per participant: character, -1 out of scope */
	unsigned char *pscope;   /* per participant: a passage in range */
	uint64_t *pcodes;        /* per participant: papercuts reported, as bits */
	size_t words;            /* uint64_t per participant in pcodes */
	unsigned char *pthemes;  /* per participant x theme: reported */
	sqlite3_int64 maxsid;
	unsigned char *sscope;   /* per source: kind and batch match (NULL: all) */

	long *code_pass, *code_part;     /* [code][character] */
	long *theme_pass, *theme_part;   /* [theme][character] */
	struct trend_rec *rec;
	size_t nrec, arec;
	char (*first)[32];               /* per code: earliest date, "" none */
	char newest[11];                 /* newest date of a coded passage */
};

static void names_add(struct names *n, const char *s)
{
	ALLOC_GROW(n->name, n->n + 1, n->alloc);
	n->name[n->n++] = xstrdup(s);
}

static long names_find(const struct names *n, const char *s)
{
	for (size_t i = 0; i < n->n; i++)
		if (!strcmp(n->name[i], s))
			return (long)i;
	return -1;
}

static void names_free(struct names *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->name[i]);
	free(n->name);
}

static sqlite3_int64 max_id(struct db *db, const char *sql, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, sql, e);
	sqlite3_int64 n = -1;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The keys: characters, the papercuts and themes of r_key. */
static int load_keys(struct tally *t, struct err *e)
{
	sqlite3_stmt *st = db_prepare(t->db, "SELECT id FROM code WHERE kind = 'character'"
				      " ORDER BY position", e);

	if (!st)
		return e->code;
	while (sqlite3_step(st) == SQLITE_ROW)
		names_add(&t->chars, db_col_text(st, 0));
	sqlite3_finalize(st);
	t->nkey = t->chars.n + 1;
	if (!(st = db_prepare(t->db, "SELECT key, theme FROM r_key WHERE level = 'code'"
			      " ORDER BY position", e)))
		return e->code;
	while (sqlite3_step(st) == SQLITE_ROW) {
		long th;

		names_add(&t->codes, db_col_text(st, 0));
		if ((th = names_find(&t->themes, db_col_text(st, 1))) < 0) {
			names_add(&t->themes, db_col_text(st, 1));
			th = (long)t->themes.n - 1;
		}
		t->code_theme = xrealloc(t->code_theme, t->codes.n * sizeof(*t->code_theme));
		t->code_theme[t->codes.n - 1] = (int)th;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Participants: their character (a known one, else unknown), or -1 when
 * --character leaves them out. Sources: whether --kind and --batch keep
 * them. */
static int load_people(struct tally *t, struct err *e)
{
	sqlite3_stmt *st;

	if ((t->maxpid = max_id(t->db, "SELECT coalesce(max(id), 0) FROM participant", e)) < 0 ||
	    (t->maxsid = max_id(t->db, "SELECT coalesce(max(id), 0) FROM source", e)) < 0)
		return e->code ? e->code : db_fail(t->db, e, "counting");
	t->pchar = xmalloc((size_t)t->maxpid + 1);
	memset(t->pchar, -1, (size_t)t->maxpid + 1);
	t->pscope = xcalloc((size_t)t->maxpid + 1, 1);
	t->words = (t->codes.n + 63) / 64;
	t->pcodes = xcalloc(((size_t)t->maxpid + 1) * (t->words ? t->words : 1), sizeof(uint64_t));
	t->pthemes = xcalloc(((size_t)t->maxpid + 1) * (t->themes.n ? t->themes.n : 1), 1);
	if (!(st = db_prepare(t->db, "SELECT id, character FROM participant"
			      " WHERE :character IS NULL OR character = :character", e)))
		return e->code;
	filter_bind(st, t->f);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long c = names_find(&t->chars, db_col_text(st, 1));

		t->pchar[sqlite3_column_int64(st, 0)] = (signed char)(c < 0 ? (long)t->chars.n : c);
	}
	sqlite3_finalize(st);
	if (!t->f->kind && !t->f->batch)
		return 0;
	t->sscope = xcalloc((size_t)t->maxsid + 1, 1);
	if (!(st = db_prepare(t->db, "SELECT s.id FROM source s JOIN batch b ON b.id = s.batch_id"
			      " WHERE (:kind IS NULL OR s.format = :kind)"
			      " AND (:batch IS NULL OR b.name = :batch)", e)))
		return e->code;
	filter_bind(st, t->f);
	while (sqlite3_step(st) == SQLITE_ROW)
		t->sscope[sqlite3_column_int64(st, 0)] = 1;
	sqlite3_finalize(st);
	return 0;
}

/* "2026-07-14..." -> 2026 * 4 + 2; -1 when it is no date */
static int quarter_of(const char *d)
{
	int y = 0, m;

	for (int i = 0; i < 4; i++) {
		if (d[i] < '0' || d[i] > '9')
			return -1;
		y = y * 10 + d[i] - '0';
	}
	if (d[4] != '-' || d[5] < '0' || d[5] > '9' || d[6] < '0' || d[6] > '9')
		return -1;
	m = (d[5] - '0') * 10 + d[6] - '0';
	if (m < 1 || m > 12)
		return -1;
	return y * 4 + (m - 1) / 3;
}

static int in_range(const struct tally *t, const char *date)
{
	if (!date)
		return !t->since && !t->until;
	return (!t->since || strncmp(date, t->since, 10) >= 0) &&
	       (!t->until || strncmp(date, t->until, 10) <= 0);
}

/* One coding of a passage in scope. `range`: the passage is in the date
 * range; `seen`: the themes already counted for this passage. */
static void count_coding(struct tally *t, sqlite3_int64 pid, int ch, const char *date,
			 int range, long code, unsigned char *seen)
{
	size_t k = (size_t)code * t->nkey + (size_t)ch;
	int th = t->code_theme[code];

	ALLOC_GROW(t->rec, t->nrec + 1, t->arec);
	t->rec[t->nrec].participant = (int32_t)pid;
	t->rec[t->nrec].code = (int16_t)code;
	t->rec[t->nrec].quarter = (int16_t)(date ? quarter_of(date) : -1);
	t->nrec++;
	if (date && (!*t->first[code] || strcmp(date, t->first[code]) < 0))
		snprintf(t->first[code], sizeof(t->first[code]), "%s", date);
	if (!range)
		return;
	t->code_pass[k]++;
	if (!(t->pcodes[pid * t->words + code / 64] & (UINT64_C(1) << (code % 64)))) {
		t->pcodes[pid * t->words + code / 64] |= UINT64_C(1) << (code % 64);
		t->code_part[k]++;
	}
	if (!seen[th]) {
		seen[th] = 1;
		t->theme_pass[th * t->nkey + ch]++;
	}
	if (!t->pthemes[pid * t->themes.n + th]) {
		t->pthemes[pid * t->themes.n + th] = 1;
		t->theme_part[th * t->nkey + ch]++;
	}
}

/* The merge: passages in id order, their codings alongside. */
static int scan(struct tally *t, struct err *e)
{
	sqlite3_stmt *p = db_prepare(t->db, "SELECT id, participant_id, source_id, date"
				     " FROM passage WHERE interviewer = 0 ORDER BY id", e);
	sqlite3_stmt *c = db_prepare(t->db, "SELECT passage_id, code_id FROM ecoding"
				     " ORDER BY passage_id", e);
	unsigned char *seen = xcalloc(t->themes.n + 1, 1);
	int crc = c ? sqlite3_step(c) : SQLITE_ERROR, prc, rc = 0;

	if (!p || !c) {
		rc = e->code;
		goto out;
	}
	while ((prc = sqlite3_step(p)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(p, 0), pid, sid;
		const char *date;
		int ch, range, coded = 0;

		/* codings of passages left out (interviewer turns) */
		while (crc == SQLITE_ROW && sqlite3_column_int64(c, 0) < id)
			crc = sqlite3_step(c);
		if (sqlite3_column_type(p, 1) == SQLITE_NULL)
			continue;
		pid = sqlite3_column_int64(p, 1);
		sid = sqlite3_column_int64(p, 2);
		if (pid < 0 || pid > t->maxpid || (ch = t->pchar[pid]) < 0 ||
		    (t->sscope && (sid < 0 || sid > t->maxsid || !t->sscope[sid])))
			continue;
		date = (const char *)sqlite3_column_text(p, 3);
		if ((range = in_range(t, date)))
			t->pscope[pid] = 1;
		memset(seen, 0, t->themes.n + 1);
		for (; crc == SQLITE_ROW && sqlite3_column_int64(c, 0) == id; crc = sqlite3_step(c)) {
			long code = names_find(&t->codes, db_col_text(c, 1));

			coded = 1;
			if (code >= 0)
				count_coding(t, pid, ch, date, range, code, seen);
		}
		if (coded && date) {
			char d[11];

			snprintf(d, sizeof(d), "%s", date);
			if (strcmp(d, t->newest) > 0)
				memcpy(t->newest, d, sizeof(d));
		}
	}
	if (prc != SQLITE_DONE || (crc != SQLITE_DONE && crc != SQLITE_ROW))
		rc = db_fail(t->db, e, "counting passages");
out:
	free(seen);
	sqlite3_finalize(p);
	sqlite3_finalize(c);
	return rc;
}

static int insert(struct db *db, sqlite3_stmt *st, struct err *e)
{
	return db_step_done(db, st, e, "storing counts");
}

/* r_character and r_cell, from the counts */
static int store_cells(struct tally *t, struct err *e)
{
	sqlite3_stmt *ch = db_prepare(t->db, "INSERT INTO r_character"
				      " SELECT ?1, coalesce((SELECT position FROM code WHERE id = ?1),"
				      " ?3), ?2", e);
	sqlite3_stmt *cell = db_prepare(t->db, "INSERT INTO r_cell VALUES (?1, ?2, ?3, ?4, ?5)", e);
	long *n = xcalloc(t->nkey + 1, sizeof(*n));
	int rc = ch && cell ? 0 : e->code;

	for (sqlite3_int64 pid = 0; pid <= t->maxpid; pid++)
		if (t->pscope[pid]) {
			n[(size_t)t->pchar[pid]]++;
			n[t->nkey]++;
		}
	for (size_t i = 0; !rc && i <= t->nkey; i++) {
		sqlite3_bind_text(ch, 1, i < t->chars.n ? t->chars.name[i]
				  : i == t->chars.n ? "unknown" : "total", -1, SQLITE_STATIC);
		sqlite3_bind_int64(ch, 2, n[i]);
		sqlite3_bind_int64(ch, 3, i <= t->chars.n ? 1000000 : 1000001);
		rc = insert(t->db, ch, e);
	}
	for (int level = 0; level < 2 && !rc; level++) {
		const struct names *keys = level ? &t->themes : &t->codes;
		const long *pass = level ? t->theme_pass : t->code_pass;
		const long *part = level ? t->theme_part : t->code_part;

		for (size_t k = 0; k < keys->n && !rc; k++) {
			long tp = 0, tq = 0;

			for (size_t i = 0; i <= t->nkey && !rc; i++) {
				long a = i < t->nkey ? pass[k * t->nkey + i] : tp;
				long b = i < t->nkey ? part[k * t->nkey + i] : tq;

				tp += a;
				tq += b;
				if (!a && !b)
					continue;
				sqlite3_bind_text(cell, 1, level ? "theme" : "code", -1, SQLITE_STATIC);
				sqlite3_bind_text(cell, 2, keys->name[k], -1, SQLITE_STATIC);
				sqlite3_bind_text(cell, 3, i < t->chars.n ? t->chars.name[i]
						  : i == t->chars.n ? "unknown" : "total", -1,
						  SQLITE_STATIC);
				sqlite3_bind_int64(cell, 4, a);
				sqlite3_bind_int64(cell, 5, b);
				rc = insert(t->db, cell, e);
			}
		}
	}
	free(n);
	sqlite3_finalize(ch);
	sqlite3_finalize(cell);
	return rc;
}

/* r_pair: papercuts reported by the same participant, in the range */
static int store_pairs(struct tally *t, struct err *e)
{
	size_t nc = t->codes.n;
	sqlite3_stmt *st = db_prepare(t->db, "INSERT INTO r_pair VALUES (?1, ?2, ?3)", e);
	long *pair = xcalloc(nc * nc + 1, sizeof(*pair));
	int rc = st ? 0 : e->code;

	for (sqlite3_int64 pid = 0; pid <= t->maxpid; pid++) {
		const uint64_t *bits = t->pcodes + pid * t->words;

		for (size_t a = 0; a < nc; a++) {
			if (!(bits[a / 64] & (UINT64_C(1) << (a % 64))))
				continue;
			for (size_t b = a + 1; b < nc; b++)
				if (bits[b / 64] & (UINT64_C(1) << (b % 64)))
					pair[a * nc + b]++;
		}
	}
	/* r_pair orders a pair by id, as the codes compare */
	for (size_t a = 0; a < nc && !rc; a++) {
		for (size_t b = a + 1; b < nc && !rc; b++) {
			int lt = strcmp(t->codes.name[a], t->codes.name[b]) < 0;

			if (!pair[a * nc + b])
				continue;
			sqlite3_bind_text(st, 1, t->codes.name[lt ? a : b], -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, t->codes.name[lt ? b : a], -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, pair[a * nc + b]);
			rc = insert(t->db, st, e);
		}
	}
	free(pair);
	sqlite3_finalize(st);
	return rc;
}

static int by_code_quarter_participant(const void *x, const void *y)
{
	const struct trend_rec *a = x, *b = y;

	if (a->code != b->code)
		return a->code - b->code;
	if (a->quarter != b->quarter)
		return a->quarter - b->quarter;
	return (a->participant > b->participant) - (a->participant < b->participant);
}

/* r_trend's counts (results.c ranks them) and r_first */
static int store_trends(struct tally *t, struct err *e)
{
	sqlite3_stmt *q = db_prepare(t->db, "SELECT label FROM r_quarter", e);
	sqlite3_stmt *st = db_prepare(t->db, "INSERT INTO r_tcount VALUES (?1, ?2, ?3, ?4)", e);
	sqlite3_stmt *first = db_prepare(t->db, "INSERT INTO r_first VALUES (?1, ?2)", e);
	int rc = q && st && first ? 0 : e->code;
	struct names labels = { 0 };
	int lo = 0, hi = -1;

	while (!rc && sqlite3_step(q) == SQLITE_ROW) {
		char d[16];
		int k;

		/* "2026Q3" as a date in it */
		snprintf(d, sizeof(d), "%.4s-%02d", db_col_text(q, 0),
			 (db_col_text(q, 0)[5] - '1') * 3 + 1);
		k = quarter_of(d);
		if (hi < lo || k < lo)
			lo = k;
		if (k > hi)
			hi = k;
		names_add(&labels, db_col_text(q, 0));
	}
	if (t->nrec > 1)
		qsort(t->rec, t->nrec, sizeof(*t->rec), by_code_quarter_participant);
	for (size_t i = 0, j; !rc && i < t->nrec; i = j) {
		long people = 0;
		int k = t->rec[i].quarter;
		char label[16];

		for (j = i; j < t->nrec && t->rec[j].code == t->rec[i].code &&
		     t->rec[j].quarter == k; j++)
			people += j == i || t->rec[j].participant != t->rec[j - 1].participant;
		if (k < 0 || k < lo || k > hi)
			continue;
		snprintf(label, sizeof(label), "%04dQ%d", k / 4, k % 4 + 1);
		if (names_find(&labels, label) < 0)
			continue;
		sqlite3_bind_text(st, 1, t->codes.name[t->rec[i].code], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, label, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, people);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)(j - i));
		rc = insert(t->db, st, e);
	}
	for (size_t c = 0; !rc && c < t->codes.n; c++) {
		if (!*t->first[c])
			continue;
		sqlite3_bind_text(first, 1, t->codes.name[c], -1, SQLITE_STATIC);
		sqlite3_bind_text(first, 2, t->first[c], -1, SQLITE_STATIC);
		rc = insert(t->db, first, e);
	}
	names_free(&labels);
	sqlite3_finalize(q);
	sqlite3_finalize(st);
	sqlite3_finalize(first);
	return rc;
}

void tally_free(struct tally *t)
{
	if (!t)
		return;
	names_free(&t->chars);
	names_free(&t->codes);
	names_free(&t->themes);
	free(t->code_theme);
	free(t->pchar);
	free(t->pscope);
	free(t->pcodes);
	free(t->pthemes);
	free(t->sscope);
	free(t->code_pass);
	free(t->code_part);
	free(t->theme_pass);
	free(t->theme_part);
	free(t->rec);
	free(t->first);
	free(t);
}

struct tally *tally_count(struct db *db, const struct filter *f, struct err *e)
{
	struct tally *t = xcalloc(1, sizeof(*t));
	size_t nc;

	t->db = db;
	t->f = f;
	filter_dates(f, &t->since, &t->until);
	if (load_keys(t, e) || load_people(t, e))
		goto fail;
	nc = t->codes.n;
	t->code_pass = xcalloc(nc * t->nkey + 1, sizeof(long));
	t->code_part = xcalloc(nc * t->nkey + 1, sizeof(long));
	t->theme_pass = xcalloc(t->themes.n * t->nkey + 1, sizeof(long));
	t->theme_part = xcalloc(t->themes.n * t->nkey + 1, sizeof(long));
	t->first = xcalloc(nc + 1, sizeof(*t->first));
	if (scan(t, e) || store_cells(t, e) || store_pairs(t, e))
		goto fail;
	return t;
fail:
	tally_free(t);
	return NULL;
}

const char *tally_newest(const struct tally *t)
{
	return *t->newest ? t->newest : NULL;
}

int tally_store_trends(struct tally *t, struct err *e)
{
	return store_trends(t, e);
}
