#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/mem.h"
#include "fulltext.h"

/* Passages go over in blocks of about this much text, at most
 * FULLTEXT_QUEUE blocks waiting: a few MB, however large the load. */
#define FULLTEXT_BLOCK (256 << 10)
#define FULLTEXT_QUEUE 4

static void builder_fail(struct fulltext *ft, const char *what)
{
	pthread_mutex_lock(&ft->lock);
	if (!ft->e.code)
		err_set(&ft->e, E_DATA, "%s: %s: %s", ft->path, what, sqlite3_errmsg(ft->h));
	pthread_mutex_unlock(&ft->lock);
}

/* Inserts one block's passages: id (8 bytes), length (4), text. */
static int index_block(struct fulltext *ft, sqlite3_stmt *ins, const struct buf *block)
{
	for (size_t at = 0; at < block->len;) {
		sqlite3_int64 id;
		uint32_t len;

		memcpy(&id, block->data + at, sizeof(id));
		memcpy(&len, block->data + at + sizeof(id), sizeof(len));
		at += sizeof(id) + sizeof(len);
		sqlite3_bind_int64(ins, 1, id);
		sqlite3_bind_text(ins, 2, block->data + at, (int)len, SQLITE_STATIC);
		at += len;
		if (sqlite3_step(ins) != SQLITE_DONE) {
			builder_fail(ft, "indexing a passage");
			sqlite3_reset(ins);
			return -1;
		}
		sqlite3_reset(ins);
	}
	return 0;
}

/* The builder's thread: indexes blocks as they come, in one
 * transaction; merges the index into one segment after the last. A
 * failure is kept for the writer, and what comes after is dropped. */
static void *build(void *arg)
{
	struct fulltext *ft = arg;
	struct buf block = BUF_INIT;
	sqlite3_stmt *ins = NULL;
	int failed = 0, cancelled;

	if (sqlite3_prepare_v2(ft->h, "INSERT INTO passage_fts(rowid, text) VALUES (?1, ?2)",
			       -1, &ins, NULL) ||
	    sqlite3_exec(ft->h, "BEGIN", NULL, NULL, NULL)) {
		builder_fail(ft, "starting the index");
		failed = 1;
	}
	for (;;) {
		pthread_mutex_lock(&ft->lock);
		while (!ft->n && !ft->closed)
			pthread_cond_wait(&ft->cond, &ft->lock);
		if (!ft->n || ft->closed > 1) {
			cancelled = ft->closed > 1;
			pthread_mutex_unlock(&ft->lock);
			break;
		}
		buf_swap(&block, &ft->queue[ft->head]);
		ft->head = (ft->head + 1) % FULLTEXT_QUEUE;
		ft->n--;
		pthread_cond_broadcast(&ft->cond);
		pthread_mutex_unlock(&ft->lock);
		if (!failed && index_block(ft, ins, &block))
			failed = 1;
		buf_reset(&block);
	}
	sqlite3_finalize(ins);
	if (!failed && !cancelled &&
	    (sqlite3_exec(ft->h, "COMMIT", NULL, NULL, NULL) ||
	     sqlite3_exec(ft->h, "INSERT INTO passage_fts(passage_fts) VALUES ('optimize')",
			  NULL, NULL, NULL)))
		builder_fail(ft, "writing the index");
	buf_release(&block);
	return NULL;
}

/*
 * Opens the scratch database as passage_fts is: its CREATE statement and
 * its settings (FTS5's pgsz, hashsize...), then merging as a bulk load
 * does (FTS_BULK_MERGE) until the last passage.
 */
static int scratch_open(struct fulltext *ft, struct db *db, const char *create)
{
	struct err ignore = ERR_INIT;
	sqlite3_stmt *get = NULL, *set = NULL;
	int rc = -1;

	if (unlink(ft->path) && errno != ENOENT)
		return -1;      /* a stale one from a batch that crashed */
	if (sqlite3_open_v2(ft->path, &ft->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) ||
	    sqlite3_exec(ft->h, "PRAGMA page_size = " DB_PAGE_SIZE ";"
			 " PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
			 " PRAGMA cache_size = -4096", NULL, NULL, NULL) ||
	    sqlite3_exec(ft->h, create, NULL, NULL, NULL) ||
	    !(get = db_prepare(db, "SELECT k, v FROM passage_fts_config WHERE k <> 'version'",
			       &ignore)) ||
	    sqlite3_prepare_v2(ft->h, "INSERT INTO passage_fts(passage_fts, rank) VALUES (?1, ?2)",
			       -1, &set, NULL))
		goto out;
	while (sqlite3_step(get) == SQLITE_ROW) {
		sqlite3_bind_value(set, 1, sqlite3_column_value(get, 0));
		sqlite3_bind_value(set, 2, sqlite3_column_value(get, 1));
		if (sqlite3_step(set) != SQLITE_DONE)
			goto out;
		sqlite3_reset(set);
	}
	rc = sqlite3_exec(ft->h, FTS_BULK_MERGE, NULL, NULL, NULL) ? -1 : 0;
out:
	sqlite3_finalize(get);
	sqlite3_finalize(set);
	return rc;
}

void fulltext_begin(struct fulltext *ft, struct db *db)
{
	struct err ignore = ERR_INIT;
	struct buf path = BUF_INIT;
	sqlite3_stmt *st = db_prepare(db, "SELECT sql FROM sqlite_schema WHERE name = 'passage_fts'"
				      " AND NOT EXISTS (SELECT 1 FROM passage)", &ignore);
	int go;

	memset(ft, 0, sizeof(*ft));
	if (!st)
		return;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return;
	}
	buf_addf(&path, "%s-fulltext", db->path);
	ft->path = buf_detach(&path, NULL);
	go = !scratch_open(ft, db, db_col_text(st, 0));
	sqlite3_finalize(st);
	ft->fill = (struct buf)BUF_INIT;
	ft->queue = xcalloc(FULLTEXT_QUEUE, sizeof(*ft->queue));
	for (size_t i = 0; i < FULLTEXT_QUEUE; i++)
		ft->queue[i] = (struct buf)BUF_INIT;
	pthread_mutex_init(&ft->lock, NULL);
	pthread_cond_init(&ft->cond, NULL);
	if (!go || pthread_create(&ft->thread, NULL, build, ft)) {
		fulltext_end(ft, db);   /* the batch indexes its texts itself */
		return;
	}
	/* An ordinary thread: at SCHED_IDLE it left the writer more of the
	 * cores (1-7 % at 160 MB), but a busy machine would starve it, and
	 * an unprivileged process cannot lift that again. */
	ft->active = 1;
}

/* Hands the block being filled to the builder, waiting for room. */
static int hand_over(struct fulltext *ft, struct err *e)
{
	int rc;

	pthread_mutex_lock(&ft->lock);
	while (ft->n == FULLTEXT_QUEUE && !ft->e.code)
		pthread_cond_wait(&ft->cond, &ft->lock);
	if (!(rc = ft->e.code)) {
		buf_swap(&ft->fill, &ft->queue[(ft->head + ft->n) % FULLTEXT_QUEUE]);
		ft->n++;
		pthread_cond_broadcast(&ft->cond);
	} else {
		*e = ft->e;
	}
	pthread_mutex_unlock(&ft->lock);
	buf_reset(&ft->fill);
	return rc;
}

int fulltext_add(struct fulltext *ft, sqlite3_int64 id, const char *text, size_t len,
		 struct err *e)
{
	uint32_t n = (uint32_t)len;

	buf_add(&ft->fill, &id, sizeof(id));
	buf_add(&ft->fill, &n, sizeof(n));
	buf_add(&ft->fill, text, len);
	return ft->fill.len >= FULLTEXT_BLOCK ? hand_over(ft, e) : 0;
}

/* No more passages: the builder ends after what it has (1) or at once (2). */
static void set_closed(struct fulltext *ft, int how)
{
	pthread_mutex_lock(&ft->lock);
	if (ft->closed < how)
		ft->closed = how;
	pthread_cond_broadcast(&ft->cond);
	pthread_mutex_unlock(&ft->lock);
}

static void stop(struct fulltext *ft, int how)
{
	set_closed(ft, how);
	pthread_join(ft->thread, NULL);
	ft->active = 0;
}

int fulltext_close(struct fulltext *ft, struct err *e)
{
	if (!ft->active)
		return 0;
	if (ft->fill.len && hand_over(ft, e))
		return e->code;
	set_closed(ft, 1);
	return 0;
}

int fulltext_finish(struct fulltext *ft, struct db *db, struct err *e)
{
	sqlite3_stmt *st;
	struct buf sql = BUF_INIT;
	int rc;

	if (!ft->active)
		return 0;
	stop(ft, 1);
	if (ft->e.code) {
		*e = ft->e;
		return e->code;
	}
	sqlite3_close(ft->h);
	ft->h = NULL;
	if (!(st = db_prepare(db, "ATTACH ?1 AS fulltext", e)))
		return e->code;
	sqlite3_bind_text(st, 1, ft->path, -1, SQLITE_STATIC);
	rc = db_step_done(db, st, e, "attaching the full-text index");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	ft->attached = 1;
	/* the shadow tables passage_fts has (docsize: made before columnsize = 0) */
	if (!(st = db_prepare(db, "SELECT name FROM main.sqlite_schema WHERE type = 'table'"
			      " AND name IN ('passage_fts_data', 'passage_fts_idx',"
			      " 'passage_fts_docsize')", e)))
		return e->code;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		buf_addf(&sql, "DELETE FROM main.%1$s; INSERT INTO main.%1$s SELECT * FROM fulltext.%1$s;",
			 db_col_text(st, 0));
	if (rc != SQLITE_DONE)
		db_fail(db, e, "copying the full-text index");
	sqlite3_finalize(st);
	if (!e->code && !db_exec(db, sql.data, e))
		ft->copied = 1;
	buf_release(&sql);
	return e->code;
}

void fulltext_end(struct fulltext *ft, struct db *db)
{
	struct err ignore = ERR_INIT;

	if (ft->active)
		stop(ft, 2);
	if (ft->attached)
		db_exec(db, "DETACH fulltext", &ignore);
	ft->attached = 0;
	if (ft->h)
		sqlite3_close(ft->h);
	ft->h = NULL;
	if (ft->path)
		unlink(ft->path);
	free(ft->path);
	ft->path = NULL;
	if (ft->queue) {
		for (size_t i = 0; i < FULLTEXT_QUEUE; i++)
			buf_release(&ft->queue[i]);
		free(ft->queue);
		ft->queue = NULL;
		buf_release(&ft->fill);
		pthread_mutex_destroy(&ft->lock);
		pthread_cond_destroy(&ft->cond);
	}
}
