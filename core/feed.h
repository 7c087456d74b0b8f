#ifndef PAPERCUT_FEED_H
#define PAPERCUT_FEED_H

#include <stddef.h>
#include <sqlite3.h>

#include "db.h"
#include "err.h"

/*
 * Rows handed to SQLite a few hundred at a time: a table the writer fills
 * in memory and one INSERT ... SELECT * FROM it stores. Why: a prepared
 * INSERT run once per row pays for its binds, its step and its reset
 * every time; read from this table, a million passages went in 0.7 of
 * the time (1.7 s, PAPERCUT_PROFILE=1). It is an eponymous virtual table
 * named when it is opened (`passage_rows`), with the columns given, read
 * in the order the rows were added.
 *
 * Text is borrowed, not copied: it must stay as it is until the rows are
 * flushed. A row is complete once it has one cell per column.
 */
enum feed_type { FEED_NULL, FEED_INT, FEED_TEXT };

struct feed_cell {
	enum feed_type type;
	sqlite3_uint64 len;
	union {
		sqlite3_int64 i;
		const char *s;
	} v;
};

struct feed {
	sqlite3 *h;
	char *name;
	char *columns;              /* "a, b, c": the table's declaration */
	int ncols;
	size_t cap;                 /* rows it holds before it must be flushed */
	size_t ncells, alloc;
	struct feed_cell *cells;
};

/* Makes the table `name` with `columns` ("a, b, c") on db's connection,
 * full at `cap` rows. feed_close() removes it. */
int feed_open(struct feed *f, struct db *db, const char *name, const char *columns,
	      size_t cap, struct err *e);
void feed_close(struct feed *f);

void feed_int(struct feed *f, sqlite3_int64 v);
void feed_null(struct feed *f);
/* Text or, for s NULL, NULL. */
void feed_text(struct feed *f, const char *s, size_t len);
void feed_str(struct feed *f, const char *s);

static inline size_t feed_rows(const struct feed *f)
{
	return f->ncells / (size_t)f->ncols;
}

static inline int feed_full(const struct feed *f)
{
	return feed_rows(f) >= f->cap;
}

/* Runs `insert` (a statement reading the table) over the rows held, then
 * empties it; nothing when it holds none. `what` as for db_step_done(). */
int feed_flush(struct feed *f, struct db *db, enum db_stmt insert, const char *what,
	       struct err *e);

#endif
