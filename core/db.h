#ifndef PAPERCUT_DB_H
#define PAPERCUT_DB_H

#include <sqlite3.h>

#include "err.h"

#define DB_APPLICATION_ID 0x70617063 /* "papc" */
/* The page size of a new database. A load writes and then sorts
 * gigabytes of rows; with 16 KB pages, not SQLite's 4 KB, it does a
 * quarter of the page reads, writes and splits: 0.92-0.93 of the time at
 * 160 MB (8 KB: no faster; 32 and 64 KB: no faster than 16). Databases
 * made before keep theirs. */
#define DB_PAGE_SIZE "16384"
/* How long a statement waits for another process's lock (ms): a reader
 * waits out a writer's batch rather than fail; it says so after a second. */
#define DB_BUSY_MS (10 * 60 * 1000)
#define DB_BUSY_SAY_MS 1000
/* The page cache, in PRAGMA cache_size's terms (-KiB): 28 MB holds much
 * of a batch's index pages, within ingest's memory budget of 100 MB. */
#define DB_CACHE_SIZE "-28672"
/* A smaller one for the steps that sort: SQLite's sorter keeps as much
 * in memory again (ingest after its files are stored). */
#define DB_SORT_CACHE_SIZE "-12288"

/* The columns of the rows ingest and tag store a few hundred at a time
 * (core/feed.h), in the order they are fed. */
#define PASSAGE_ROWS "source_id, seq, participant_id, speaker, interviewer," \
	" line, start_byte, end_byte, start_char, end_char, text, date," \
	" location, context, platform_id, url, parent_id, tagged"
#define CODING_ROWS "passage_id, code_id, rule, start_byte, end_byte, run_id"
#define ATTR_ROWS "participant_id, key, value"
#define PARTICIPANT_ROWS "id, name"
#define CUE_ROWS "participant_id, key, code_id, rule"

/*
 * Statements every stage may run more than once, prepared on first use
 * and kept until db_close() (as SQLite keeps aStmt[] indexed by an enum).
 * The SQL for each is in core/db.c.
 */
enum db_stmt {
	STMT_BATCH_FIND,
	STMT_BATCH_ADD,
	STMT_SOURCE_BY_HASH,
	STMT_SOURCE_BY_PATH,
	STMT_SOURCE_TOUCH,              /* these four in turn remove a source */
	STMT_SOURCE_DELETE_CODINGS,
	STMT_SOURCE_DELETE_PASSAGES,
	STMT_SOURCE_DELETE,
	STMT_SOURCE_ADD,
	STMT_SOURCE_INTERVIEWER,
	STMT_PARTICIPANT_FIND,
	STMT_PARTICIPANT_ADD,
	STMT_PARTICIPANT_NEW,           /* from participant_rows */
	STMT_PARTICIPANT_TOUCH,
	STMT_PARTICIPANT_OVERRIDE,
	STMT_ATTR_SET,                  /* from attr_rows */
	STMT_PASSAGE_ADD,               /* from passage_rows (core/feed.h) */
	STMT_PASSAGE_IDS,
	STMT_CODING_ADD,                /* from coding_rows */
	STMT_HIT_ADD,                   /* from hit_rows (ingest/tag.h) */
	STMT_TAG_RUN_ADD,
	STMT_TAG_RUN_COUNT,
	STMT_TAG_RUN_LAST,
	STMT_ATTR_CODING_ADD,           /* from cue_rows (ingest/tag.h) */
	STMT_LENGTHS_GET,               /* core/lengths.c */
	STMT_LENGTHS_NEW_GET,
	STMT_LENGTHS_NEW_PUT,
	STMT_DECISION_PUT,              /* core/decisions.c */
	STMT_COUNT
};

struct db {
	sqlite3 *h;
	char *path;
	sqlite3_stmt *stmt[STMT_COUNT];
	struct profile *profile;        /* PAPERCUT_PROFILE (db.c) */
	int decided;                    /* a coder's decision applies (decisions.h) */
	int waited_ms, said_waiting;    /* db.c's busy handler */
};

/*
 * Opens `path`, creating a papercut database there when there is none
 * (schema applied, user_version set, WAL). A file that is not papercut's
 * is refused and left untouched. db_close() frees what db_open() made.
 */
int db_open(struct db *db, const char *path, struct err *e);
void db_close(struct db *db);

/* The statement `which`, reset and with bindings cleared. NULL and `e`
 * filled when it cannot be prepared. */
sqlite3_stmt *db_stmt(struct db *db, enum db_stmt which, struct err *e);

/* The connection's FTS5, NULL when SQLite has none. */
fts5_api *db_fts5(sqlite3 *h);

/* Runs SQL without results. */
int db_exec(struct db *db, const char *sql, struct err *e);

/* Rolls back the open transaction after an error; a failure here is not
 * said (the error the caller has is the first). */
void db_rollback(struct db *db);

/* Fills `e` from the connection's last error, with `what` in front. */
int db_fail(struct db *db, struct err *e, const char *what);

/* Steps a statement that returns no rows (or only the first one matters)
 * and resets it. SQLITE_ROW and SQLITE_DONE are both success. */
int db_step_done(struct db *db, sqlite3_stmt *st, struct err *e,
		 const char *what);

/* Steps a one-off query once and finalizes it; *found says whether it
 * gave a row. */
int db_exists(struct db *db, sqlite3_stmt *st, int *found, struct err *e,
	      const char *what);

/* Binds text or NULL when `s` is NULL. */
int db_bind_text(sqlite3_stmt *st, int i, const char *s);

/* db_bind_text() for the parameter named `name` (":kind"), when the
 * statement has one. */
void db_bind_named(sqlite3_stmt *st, const char *name, const char *s);

/* Prepares a one-off statement; finalize it with sqlite3_finalize(). */
sqlite3_stmt *db_prepare(struct db *db, const char *sql, struct err *e);

/* The text of column `i`, or "" for NULL (never NULL). */
const char *db_col_text(sqlite3_stmt *st, int i);

#endif
