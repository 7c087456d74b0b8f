/*
 * pc_bm25(): FTS5's bm25 ranking, computed the way FTS5 computes it
 * (fts5_aux.c: k1 = 1.2, b = 0.75, idf floored at 1e-6, one column of
 * weight 1), but with each match's length read from passage_len, a
 * thousand to a read (core/lengths.h), where FTS5's bm25() tokenizes each
 * match again (or, in a database from before columnsize = 0, looks it up
 * in its docsize table), with a statement of its own per row. A length
 * passage_len does not know comes from FTS5, as bm25() gets it.
 * tests/e2e compares the scores with bm25()'s.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/lengths.h"
#include "../core/mem.h"
#include "rank.h"

struct rank {
	sqlite3 *db;
	sqlite3_int64 nrow;         /* passages FTS5 has */
	int deferred;               /* the last query's idf is left to rank_idf() */
};

struct bm25_data {
	struct chunks lens;         /* passage_len */
	int nphrase;
	double avgdl;
	double idf[];
};

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *ud)
{
	(void)api;
	(void)fts;
	(*(sqlite3_int64 *)ud)++;
	return SQLITE_OK;
}

static void free_data(void *p)
{
	struct bm25_data *d = p;

	chunks_close(&d->lens);
	sqlite3_free(d);
}

/*
 * Per query, as FTS5 does it: rows, average length, each phrase's idf.
 * Counting a phrase's rows reads all its matches once more; when the
 * query is one phrase, they are the rows the query returns, which its
 * caller counts anyway: the idf waits for rank_idf().
 */
static struct bm25_data *bm25_data(const Fts5ExtensionApi *api, Fts5Context *fts)
{
	struct bm25_data *d = api->xGetAuxdata(fts, 0);
	struct rank *r = api->xUserData(fts);
	sqlite3_int64 nrow = 0, ntok = 0;
	int n;

	if (d)
		return d;
	n = api->xPhraseCount(fts);
	if (!(d = sqlite3_malloc64(sizeof(*d) + (size_t)n * sizeof(double))))
		return NULL;
	d->nphrase = n;
	chunks_init(&d->lens, r->db, "passage_len", "lens");
	if (api->xRowCount(fts, &nrow) || api->xColumnTotalSize(fts, -1, &ntok))
		goto fail;
	d->avgdl = (double)ntok / (double)nrow;
	r->nrow = nrow;
	r->deferred = n == 1;
	for (int i = 0; i < n && !r->deferred; i++) {
		sqlite3_int64 nhit = 0;
		double idf;

		if (api->xQueryPhrase(fts, i, &nhit, count_row))
			goto fail;
		idf = log((nrow - nhit + 0.5) / (nhit + 0.5));
		d->idf[i] = idf <= 0.0 ? 1e-6 : idf;
	}
	if (r->deferred)
		d->idf[0] = 1.0;
	if (api->xSetAuxdata(fts, d, free_data))
		return NULL;      /* xSetAuxdata freed it */
	return d;
fail:
	sqlite3_free(d);
	return NULL;
}

static void pc_bm25(const Fts5ExtensionApi *api, Fts5Context *fts,
		    sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const double k1 = 1.2, b = 0.75;
	struct bm25_data *d = bm25_data(api, fts);
	double score = 0.0;
	int ntok = 0;

	if (!d) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	(void)argc;
	(void)argv;
	if ((ntok = (int)chunks_get(&d->lens, api->xRowid(fts))) == CHUNK_UNKNOWN &&
	    api->xColumnSize(fts, -1, &ntok)) {
		sqlite3_result_error(ctx, "cannot read a passage's length", -1);
		return;
	}
	for (int i = 0; i < d->nphrase; i++) {
		Fts5PhraseIter it;
		int col, off;
		double tf = 0.0;

		if (api->xPhraseFirst(fts, i, &it, &col, &off))
			break;
		for (; col >= 0; api->xPhraseNext(fts, &it, &col, &off))
			tf += 1.0;
		score += d->idf[i] * ((tf * (k1 + 1.0)) /
				      (tf + k1 * (1 - b + b * ntok / d->avgdl)));
	}
	sqlite3_result_double(ctx, -1.0 * score);
}

double rank_idf(struct rank *r, sqlite3_int64 n)
{
	double idf;

	if (!r->deferred)
		return 1.0;
	r->deferred = 0;
	idf = log((r->nrow - n + 0.5) / (n + 0.5));
	return idf <= 0.0 ? 1e-6 : idf;
}

struct rank *rank_register(sqlite3 *db, struct err *e)
{
	fts5_api *api = db_fts5(db);
	struct rank *r;

	if (!api) {
		err_set(e, E_DATA, "this SQLite has no FTS5 to search with");
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->db = db;
	/* FTS5 frees r with the connection */
	if (api->xCreateFunction(api, "pc_bm25", r, pc_bm25, free)) {
		free(r);
		err_set(e, E_DATA, "cannot register the ranking function");
		return NULL;
	}
	return r;
}
