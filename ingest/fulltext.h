#ifndef PAPERCUT_FULLTEXT_H
#define PAPERCUT_FULLTEXT_H

#include <pthread.h>

#include "../core/buf.h"
#include "../core/db.h"

/*
 * The full-text index of a first load, built beside the writer. SQLite
 * has one writer to a database, and indexing a bulk load's texts, then
 * merging the index, was a sixth of its writer's time, at the end, with
 * the workers' core idle. Into a database with no passages, the writer
 * hands each passage it stores (id and text) to a thread of its own,
 * which indexes them into a scratch database beside the real one
 * (`DB-fulltext`: its own file and connection, so both write at once),
 * made with passage_fts's CREATE statement and settings, and merges the
 * index into one segment once the last has come. Before its commit the
 * batch copies the index's tables into passage_fts's: records copied, not
 * texts indexed again. FTS5 keeps an index the same way whatever the
 * table's name, and its integrity-check holds after the copy
 * (tests/e2e/t0800).
 *
 * Only a first load: an index that holds passages cannot take another's
 * segments. The scratch file is gone once the batch ends, stored or not.
 */
/*
 * FTS5's merging while a bulk load is indexed: none but a level that
 * reaches 1000 segments (a gigabyte makes about 250; FTS5 allows 2000),
 * as the load is merged whole at its end. At 128, the builder merged 128
 * segments in the middle of a gigabyte while the writer waited 1.5 s for
 * room in its queue. The writer's index and the builder's both.
 */
#define FTS_BULK_MERGE \
	"INSERT INTO passage_fts(passage_fts, rank) VALUES ('automerge', 0);" \
	" INSERT INTO passage_fts(passage_fts, rank) VALUES ('crisismerge', 1000)"

struct fulltext {
	int active;             /* a builder is running for this batch */
	char *path;             /* the scratch database */
	sqlite3 *h;             /* the builder's connection */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct buf fill;        /* passages not yet handed over */
	struct buf *queue;      /* handed over, FULLTEXT_QUEUE of them */
	size_t head, n;
	int closed;             /* no more passages */
	int attached;           /* the batch's connection has the scratch attached */
	int copied;             /* passage_fts holds the builder's index */
	struct err e;           /* the builder's failure */
};

/*
 * Starts a builder when the batch (in its transaction) stores into a
 * database with no passages; otherwise, or should the scratch database
 * or the thread not start, leaves ft inactive and the batch indexes its
 * texts itself.
 */
void fulltext_begin(struct fulltext *ft, struct db *db);

/* Hands a stored passage to the builder; the builder's failure, if any. */
int fulltext_add(struct fulltext *ft, sqlite3_int64 id, const char *text, size_t len,
		 struct err *e);

/* Hands the builder the last passages: it merges its index meanwhile. */
int fulltext_close(struct fulltext *ft, struct err *e);

/* Waits for the builder and copies its index into passage_fts, inside
 * the batch's transaction. */
int fulltext_finish(struct fulltext *ft, struct db *db, struct err *e);

/* After the batch's COMMIT or ROLLBACK: stops the builder if it runs,
 * detaches and removes the scratch database. */
void fulltext_end(struct fulltext *ft, struct db *db);

#endif
