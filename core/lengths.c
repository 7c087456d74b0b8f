#include <string.h>

#include "lengths.h"

/* The first varint of an FTS5 docsize record: column 0's length. */
static int docsize(const unsigned char *p, int n, sqlite3_int64 *out)
{
	sqlite3_uint64 x = 0;
	int i;

	if (!p || n <= 0)
		return 0;
	/* SQLite's varint: 7 bits a byte, high bit set on all but the last;
	 * a ninth byte gives all 8 */
	for (i = 0; i < n && i < 9; i++) {
		if (i == 8) {
			x = (x << 8) | p[i];
			break;
		}
		x = (x << 7) | (p[i] & 0x7f);
		if (!(p[i] & 0x80))
			break;
	}
	if (i == n)
		return 0;   /* cut short */
	*out = (sqlite3_int64)x;
	return 1;
}

static int store_chunk(struct db *db, sqlite3_stmt *put, sqlite3_int64 chunk,
		       const unsigned char *lens, struct err *e)
{
	sqlite3_bind_int64(put, 1, chunk);
	sqlite3_bind_blob(put, 2, lens, 2 * LENGTHS_PER_CHUNK, SQLITE_STATIC);
	return db_step_done(db, put, e, "storing passage lengths");
}

int lengths_update(struct db *db, sqlite3_int64 from, struct err *e)
{
	sqlite3_stmt *old = db_prepare(db, "SELECT lens FROM passage_len WHERE chunk = ?1", e);
	sqlite3_stmt *put = old ? db_prepare(db, "INSERT OR REPLACE INTO passage_len"
					     " VALUES (?1, ?2)", e) : NULL;
	sqlite3_stmt *sz = put ? db_prepare(db, "SELECT id, sz FROM passage_fts_docsize"
					    " WHERE id >= ?1 ORDER BY id", e) : NULL;
	unsigned char lens[2 * LENGTHS_PER_CHUNK];
	sqlite3_int64 chunk = -1;
	int rc = sz ? 0 : e->code, step = SQLITE_DONE;

	if (rc)
		goto out;
	sqlite3_bind_int64(sz, 1, from);
	while (!rc && (step = sqlite3_step(sz)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(sz, 0), n = LENGTHS_UNKNOWN;
		size_t i = (size_t)(id % LENGTHS_PER_CHUNK);

		if (id / LENGTHS_PER_CHUNK != chunk) {
			if (chunk >= 0 && (rc = store_chunk(db, put, chunk, lens, e)))
				break;
			chunk = id / LENGTHS_PER_CHUNK;
			/* a chunk begun before keeps its earlier passages */
			memset(lens, 0xff, sizeof(lens));
			sqlite3_bind_int64(old, 1, chunk);
			if (sqlite3_step(old) == SQLITE_ROW &&
			    sqlite3_column_bytes(old, 0) == (int)sizeof(lens))
				memcpy(lens, sqlite3_column_blob(old, 0), sizeof(lens));
			sqlite3_reset(old);
		}
		if (!docsize(sqlite3_column_blob(sz, 1), sqlite3_column_bytes(sz, 1), &n) ||
		    n >= LENGTHS_UNKNOWN || n < 0)
			n = LENGTHS_UNKNOWN;
		lens[2 * i] = (unsigned char)(n & 0xff);
		lens[2 * i + 1] = (unsigned char)(n >> 8);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, e, "reading passage lengths");
	if (!rc && chunk >= 0)
		rc = store_chunk(db, put, chunk, lens, e);
out:
	sqlite3_finalize(old);
	sqlite3_finalize(put);
	sqlite3_finalize(sz);
	return rc;
}
