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
		       const unsigned char *data, struct err *e)
{
	sqlite3_bind_int64(put, 1, chunk);
	sqlite3_bind_blob(put, 2, data, 2 * LENGTHS_PER_CHUNK, SQLITE_STATIC);
	return db_step_done(db, put, e, "storing what ranking reads");
}

/* A chunk begun before keeps its earlier passages; the rest unknown. */
static void load_chunk(sqlite3_stmt *old, sqlite3_int64 chunk, unsigned char *data)
{
	memset(data, 0xff, 2 * LENGTHS_PER_CHUNK);
	sqlite3_bind_int64(old, 1, chunk);
	if (sqlite3_step(old) == SQLITE_ROW &&
	    sqlite3_column_bytes(old, 0) == 2 * LENGTHS_PER_CHUNK)
		memcpy(data, sqlite3_column_blob(old, 0), 2 * LENGTHS_PER_CHUNK);
	sqlite3_reset(old);
}

static void put16(unsigned char *data, size_t i, unsigned v)
{
	data[2 * i] = (unsigned char)(v & 0xff);
	data[2 * i + 1] = (unsigned char)(v >> 8);
}

int lengths_update(struct db *db, sqlite3_int64 from, struct err *e)
{
	sqlite3_stmt *st[] = {
		db_prepare(db, "SELECT lens FROM passage_len WHERE chunk = ?1", e),
		db_prepare(db, "INSERT OR REPLACE INTO passage_len VALUES (?1, ?2)", e),
		db_prepare(db, "SELECT days FROM passage_day WHERE chunk = ?1", e),
		db_prepare(db, "INSERT OR REPLACE INTO passage_day VALUES (?1, ?2)", e),
		db_prepare(db, "SELECT d.id, d.sz, p.date FROM passage_fts_docsize d"
			   " LEFT JOIN passage p ON p.id = d.id WHERE d.id >= ?1 ORDER BY d.id", e),
	};
	enum { OLD_LENS, PUT_LENS, OLD_DAYS, PUT_DAYS, SIZES, NSTMT };
	unsigned char lens[2 * LENGTHS_PER_CHUNK], days[2 * LENGTHS_PER_CHUNK];
	sqlite3_int64 chunk = -1;
	int rc = 0, step = SQLITE_DONE;

	for (int i = 0; i < NSTMT; i++)
		if (!st[i])
			rc = e->code;
	if (rc)
		goto out;
	sqlite3_bind_int64(st[SIZES], 1, from);
	while ((step = sqlite3_step(st[SIZES])) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(st[SIZES], 0), n = CHUNK_UNKNOWN;
		size_t i = (size_t)(id % LENGTHS_PER_CHUNK);

		if (id / LENGTHS_PER_CHUNK != chunk) {
			if (chunk >= 0 &&
			    ((rc = store_chunk(db, st[PUT_LENS], chunk, lens, e)) ||
			     (rc = store_chunk(db, st[PUT_DAYS], chunk, days, e))))
				break;
			chunk = id / LENGTHS_PER_CHUNK;
			load_chunk(st[OLD_LENS], chunk, lens);
			load_chunk(st[OLD_DAYS], chunk, days);
		}
		if (!docsize(sqlite3_column_blob(st[SIZES], 1), sqlite3_column_bytes(st[SIZES], 1), &n) ||
		    n >= CHUNK_UNKNOWN || n < 0)
			n = CHUNK_UNKNOWN;
		put16(lens, i, (unsigned)n);
		put16(days, i, day_key((const char *)sqlite3_column_text(st[SIZES], 2)));
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, e, "reading passage lengths");
	if (!rc && chunk >= 0 &&
	    !(rc = store_chunk(db, st[PUT_LENS], chunk, lens, e)))
		rc = store_chunk(db, st[PUT_DAYS], chunk, days, e);
out:
	for (int i = 0; i < NSTMT; i++)
		sqlite3_finalize(st[i]);
	return rc;
}

static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

unsigned day_key(const char *date)
{
	int y, m, d;
	long key;

	if (!date)
		return DAY_UNDATED;
	if (strnlen(date, 10) < 10 || date[4] != '-' || date[7] != '-' ||
	    (y = digits(date, 4)) < 1970 || (m = digits(date + 5, 2)) < 1 || m > 12 ||
	    (d = digits(date + 8, 2)) < 1 || d > 31)
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
