/*
 * pc_bm25(): FTS5's bm25 ranking, computed the way FTS5 computes it
 * (fts5_aux.c: k1 = 1.2, b = 0.75, idf floored at 1e-6, one column of
 * weight 1), but with each match's length read from passage_len, a
 * thousand to a read (core/lengths.h), where FTS5's bm25() looks it up in
 * its docsize table with a statement of its own per row: 90 % of its
 * cost. A length passage_len does not know comes from FTS5, as bm25()
 * gets it. tests/e2e compares the scores with bm25()'s.
 */
#include <math.h>
#include <string.h>

#include "../core/lengths.h"
#include "rank.h"

struct bm25_data {
	sqlite3_int64 chunk;        /* the lengths in `lens`, -1: none */
	int known;                  /* passage_len has the chunk */
	unsigned char lens[2 * LENGTHS_PER_CHUNK];
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

/* Per query, as FTS5 does it: rows, average length, each phrase's idf. */
static struct bm25_data *bm25_data(const Fts5ExtensionApi *api, Fts5Context *fts)
{
	struct bm25_data *d = api->xGetAuxdata(fts, 0);
	sqlite3_int64 nrow = 0, ntok = 0;
	int n;

	if (d)
		return d;
	n = api->xPhraseCount(fts);
	if (!(d = sqlite3_malloc64(sizeof(*d) + (size_t)n * sizeof(double))))
		return NULL;
	d->nphrase = n;
	d->chunk = -1;
	if (api->xRowCount(fts, &nrow) || api->xColumnTotalSize(fts, -1, &ntok))
		goto fail;
	d->avgdl = (double)ntok / (double)nrow;
	for (int i = 0; i < n; i++) {
		sqlite3_int64 nhit = 0;
		double idf;

		if (api->xQueryPhrase(fts, i, &nhit, count_row))
			goto fail;
		idf = log((nrow - nhit + 0.5) / (nhit + 0.5));
		d->idf[i] = idf <= 0.0 ? 1e-6 : idf;
	}
	if (api->xSetAuxdata(fts, d, sqlite3_free))
		return NULL;      /* xSetAuxdata freed it */
	return d;
fail:
	sqlite3_free(d);
	return NULL;
}

/* The passage's length in tokens from passage_len; 0 when it is not there */
static int stored_length(sqlite3 *db, struct bm25_data *d, sqlite3_int64 id)
{
	sqlite3_int64 chunk = id / LENGTHS_PER_CHUNK;
	size_t i = (size_t)(id % LENGTHS_PER_CHUNK);
	int n;

	if (chunk != d->chunk) {
		sqlite3_blob *b = NULL;

		d->chunk = chunk;
		d->known = sqlite3_blob_open(db, "main", "passage_len", "lens", chunk, 0,
					     &b) == SQLITE_OK &&
			   sqlite3_blob_bytes(b) == (int)sizeof(d->lens) &&
			   sqlite3_blob_read(b, d->lens, sizeof(d->lens), 0) == SQLITE_OK;
		sqlite3_blob_close(b);
	}
	if (!d->known)
		return 0;
	n = d->lens[2 * i] | d->lens[2 * i + 1] << 8;
	return n == LENGTHS_UNKNOWN ? 0 : n;
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
	if (!(ntok = stored_length(api->xUserData(fts), d, api->xRowid(fts))) &&
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

int rank_register(sqlite3 *db, struct err *e)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (!api || api->iVersion < 2 ||
	    api->xCreateFunction(api, "pc_bm25", db, pc_bm25, NULL))
		return err_set(e, E_DATA, "this SQLite has no FTS5 to search with");
	return 0;
}
