/*
 * pc_bm25(): FTS5's bm25 ranking, computed the way FTS5 computes it
 * (fts5_aux.c: k1 = 1.2, b = 0.75, idf floored at 1e-6, one column of
 * weight 1), but with the document's length in tokens passed in as an
 * argument:
 *
 *	pc_bm25(passage_fts, (SELECT sz FROM passage_fts_docsize WHERE id = rowid))
 *
 * Why: FTS5's bm25() looks the length up with a statement of its own per
 * row, which is 90 % of its cost; as a subquery of the calling statement
 * the same lookup costs a tenth. On a million passages this takes ranking
 * a common word's 25,000 matches from 21 ms to a few. The docsize table
 * is the documented shadow table of the FTS5 index ("the size of each
 * column of each row in tokens", one varint per column). Without the
 * argument, or with NULL, the length comes from FTS5 as bm25() gets it.
 * tests/e2e compares the scores with bm25()'s on the fixture corpus.
 */
#include <math.h>
#include <string.h>

#include "rank.h"

struct bm25_data {
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

/* The first varint of FTS5's docsize record: column 0's length. */
static int docsize(sqlite3_value *v, int *out)
{
	const unsigned char *p = sqlite3_value_blob(v);
	int n = sqlite3_value_bytes(v);
	sqlite3_uint64 x = 0;

	if (!p)
		return 0;
	for (int i = 0; i < n && i < 9; i++) {
		if (i == 8) {
			x = (x << 8) | p[i];
			break;
		}
		x = (x << 7) | (p[i] & 0x7f);
		if (!(p[i] & 0x80))
			break;
	}
	*out = (int)x;
	return 1;
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
	if ((argc < 1 || !docsize(argv[0], &ntok)) && api->xColumnSize(fts, -1, &ntok)) {
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
	    api->xCreateFunction(api, "pc_bm25", NULL, pc_bm25, NULL))
		return err_set(e, E_DATA, "this SQLite has no FTS5 to search with");
	return 0;
}
