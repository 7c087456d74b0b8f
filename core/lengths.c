#include <string.h>

#include "lengths.h"
#include "text.h"

static int count_token(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	unsigned *n = ctx;

	(void)tok;
	(void)ntok;
	(void)start;
	(void)end;
	/* as FTS5 counts a column's size: a token at the place of the one
	 * before does not count, unless it is the first */
	if (!(flags & FTS5_TOKEN_COLOCATED) || !*n)
		(*n)++;
	return *n >= CHUNK_UNKNOWN ? SQLITE_DONE : SQLITE_OK;
}

int tokens_open(struct tokens *t, sqlite3 *db, struct err *e)
{
	const char *args[] = FTS_TOKENIZER_ARGS;
	fts5_api *api = db_fts5(db);
	void *ud = NULL;

	t->tok = NULL;
	if (!api || api->xFindTokenizer(api, FTS_TOKENIZER, &ud, &t->api) ||
	    t->api.xCreate(ud, args, (int)(sizeof(args) / sizeof(*args)), &t->tok))
		return err_set(e, E_DATA, "this SQLite has no FTS5 %s tokenizer", FTS_TOKENIZER);
	return 0;
}

unsigned tokens_count(struct tokens *t, const char *s, size_t n)
{
	unsigned count = 0;

	if (n >= INT32_MAX)
		return CHUNK_UNKNOWN;
	t->api.xTokenize(t->tok, &count, FTS5_TOKENIZE_DOCUMENT, s, (int)n, count_token);
	return count < CHUNK_UNKNOWN ? count : CHUNK_UNKNOWN;
}

void tokens_close(struct tokens *t)
{
	if (t->tok)
		t->api.xDelete(t->tok);
	t->tok = NULL;
}

int lengths_begin(struct lengths *w, struct db *db, struct err *e)
{
	w->db = db;
	w->chunk = -1;
	return db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS lengths_new(chunk INTEGER PRIMARY KEY,"
		       " lens BLOB NOT NULL, days BLOB NOT NULL); DELETE FROM temp.lengths_new", e);
}

static void take(sqlite3_stmt *st, int col, unsigned char *data)
{
	if (sqlite3_column_bytes(st, col) == 2 * LENGTHS_PER_CHUNK)
		memcpy(data, sqlite3_column_blob(st, col), 2 * LENGTHS_PER_CHUNK);
	else
		memset(data, 0xff, 2 * LENGTHS_PER_CHUNK);
}

/* The chunk as this batch left it, else as stored before, else unknown. */
static int load(struct lengths *w, sqlite3_int64 chunk, struct err *e)
{
	static const enum db_stmt from[] = { STMT_LENGTHS_NEW_GET, STMT_LENGTHS_GET };

	for (size_t k = 0; k < sizeof(from) / sizeof(*from); k++) {
		sqlite3_stmt *st = db_stmt(w->db, from[k], e);
		int step;

		if (!st)
			return e->code;
		sqlite3_bind_int64(st, 1, chunk);
		step = sqlite3_step(st);
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			return db_fail(w->db, e, "reading what ranking reads");
		if (step == SQLITE_ROW) {
			take(st, 0, w->lens);
			take(st, 1, w->days);
		}
		sqlite3_reset(st);
		if (step == SQLITE_ROW)
			break;
	}
	w->chunk = chunk;
	return 0;
}

static void put16(unsigned char *data, size_t i, unsigned v)
{
	data[2 * i] = (unsigned char)(v & 0xff);
	data[2 * i + 1] = (unsigned char)(v >> 8);
}

static int flush(struct lengths *w, struct err *e)
{
	sqlite3_stmt *st;

	if (w->chunk < 0)
		return 0;
	if (!(st = db_stmt(w->db, STMT_LENGTHS_NEW_PUT, e)))
		return e->code;
	sqlite3_bind_int64(st, 1, w->chunk);
	sqlite3_bind_blob(st, 2, w->lens, sizeof(w->lens), SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, w->days, sizeof(w->days), SQLITE_STATIC);
	w->chunk = -1;
	return db_step_done(w->db, st, e, "storing what ranking reads");
}

int lengths_put(struct lengths *w, sqlite3_int64 id, unsigned ntok, const char *date,
		struct err *e)
{
	sqlite3_int64 chunk = id / LENGTHS_PER_CHUNK;
	size_t i = (size_t)(id % LENGTHS_PER_CHUNK);

	if (chunk != w->chunk && (flush(w, e) || load(w, chunk, e)))
		return e->code;
	put16(w->lens, i, ntok < CHUNK_UNKNOWN ? ntok : CHUNK_UNKNOWN);
	put16(w->days, i, day_key(date));
	return 0;
}

int lengths_finish(struct lengths *w, struct err *e)
{
	if (flush(w, e))
		return e->code;
	return db_exec(w->db, "INSERT OR REPLACE INTO passage_len SELECT chunk, lens"
		       " FROM temp.lengths_new;"
		       " INSERT OR REPLACE INTO passage_day SELECT chunk, days"
		       " FROM temp.lengths_new;"
		       " DELETE FROM temp.lengths_new", e);
}

int lengths_rebuild(struct db *db, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id, text, date FROM passage ORDER BY id", e);
	struct lengths w;
	struct tokens t;
	int rc, step = SQLITE_DONE;

	if (!st)
		return e->code;
	if ((rc = tokens_open(&t, db->h, e))) {
		sqlite3_finalize(st);
		return rc;
	}
	if ((rc = lengths_begin(&w, db, e)))
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW &&
	       !(rc = lengths_put(&w, sqlite3_column_int64(st, 0),
				  tokens_count(&t, (const char *)sqlite3_column_text(st, 1),
					       (size_t)sqlite3_column_bytes(st, 1)),
				  (const char *)sqlite3_column_text(st, 2), e)))
		;
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, e, "reading passage lengths");
	if (!rc)
		rc = lengths_finish(&w, e);
out:
	tokens_close(&t);
	sqlite3_finalize(st);
	return rc;
}

unsigned day_key(const char *date)
{
	int y, m, d;
	long key;

	if (!date)
		return DAY_UNDATED;
	if (strnlen(date, 10) < 10 || date[4] != '-' || date[7] != '-' ||
	    (y = digits_value(date, 4)) < 1970 || (m = digits_value(date + 5, 2)) < 1 || m > 12 ||
	    (d = digits_value(date + 8, 2)) < 1 || d > 31)
		return CHUNK_UNKNOWN;
	key = 1 + ((long)(y - 1970) * 12 + (m - 1)) * 31 + (d - 1);
	return key < CHUNK_UNKNOWN ? (unsigned)key : CHUNK_UNKNOWN;
}

void chunks_init(struct chunks *c, sqlite3 *db, const char *table, const char *column)
{
	c->db = db;
	c->table = table;
	c->column = column;
	c->blob = NULL;
	c->chunk = -1;
	c->known = 0;
}

unsigned chunks_get(struct chunks *c, sqlite3_int64 id)
{
	sqlite3_int64 chunk = id / LENGTHS_PER_CHUNK;
	size_t i = (size_t)(id % LENGTHS_PER_CHUNK);

	if (chunk != c->chunk) {
		c->chunk = chunk;
		if (c->blob && sqlite3_blob_reopen(c->blob, chunk) != SQLITE_OK) {
			sqlite3_blob_close(c->blob);    /* no such chunk: it aborted */
			c->blob = NULL;
		} else if (!c->blob && sqlite3_blob_open(c->db, "main", c->table, c->column,
							 chunk, 0, &c->blob) != SQLITE_OK) {
			sqlite3_blob_close(c->blob);
			c->blob = NULL;
		}
		c->known = c->blob && sqlite3_blob_bytes(c->blob) == (int)sizeof(c->data) &&
			   sqlite3_blob_read(c->blob, c->data, sizeof(c->data), 0) == SQLITE_OK;
	}
	if (!c->known)
		return CHUNK_UNKNOWN;
	return (unsigned)(c->data[2 * i] | c->data[2 * i + 1] << 8);
}

void chunks_close(struct chunks *c)
{
	sqlite3_blob_close(c->blob);
	c->blob = NULL;
	c->chunk = -1;
}
