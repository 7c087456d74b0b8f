#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "db.h"
#include "lengths.h"
#include "mem.h"

static const char schema_sql[] =
#include "schema.inc"
	;
static const char decisions_sql[] =
#include "decisions.inc"
	;

/* The schema version that data/schema.sql describes. */
#define SCHEMA_VERSION 5

/*
 * migrations[v] brings a database from version v to v + 1, in one
 * transaction. A new database gets schema.sql directly.
 */
static const char *const migrations[SCHEMA_VERSION] = {
	[0] = NULL,
	/* 2: sources keep their text; passages their own date, location,
	 * context and platform provenance (posts, surveys, subtitles) */
	[1] = "DROP TRIGGER passage_ai;"
	      "ALTER TABLE source ADD COLUMN text TEXT;"
	      "ALTER TABLE passage ADD COLUMN date TEXT;"
	      "ALTER TABLE passage ADD COLUMN location TEXT;"
	      "ALTER TABLE passage ADD COLUMN context TEXT;"
	      "ALTER TABLE passage ADD COLUMN platform_id TEXT;"
	      "ALTER TABLE passage ADD COLUMN url TEXT;"
	      "ALTER TABLE passage ADD COLUMN parent_id TEXT;"
	      "ALTER TABLE passage ADD COLUMN tagged INTEGER NOT NULL DEFAULT 1;"
	      "UPDATE passage SET date = (SELECT date FROM source WHERE id = passage.source_id);"
	      "CREATE INDEX passage_date ON passage(date);"
	      "CREATE INDEX source_path ON source(path);"
	      "CREATE UNIQUE INDEX passage_platform ON passage(platform_id)"
	      " WHERE platform_id IS NOT NULL;"
	      "CREATE TABLE attr_coding (participant_id INTEGER NOT NULL"
	      " REFERENCES participant(id) ON DELETE CASCADE, key TEXT NOT NULL,"
	      " code_id TEXT NOT NULL, rule TEXT NOT NULL,"
	      " PRIMARY KEY (participant_id, key, code_id)) WITHOUT ROWID;",
	/* 3: what search reads, narrow: passage lengths (filled with v4's day
	 * keys), a date index that covers its filters, formats */
	[2] = "CREATE TABLE passage_len (chunk INTEGER PRIMARY KEY, lens BLOB NOT NULL);"
	      "DROP INDEX IF EXISTS passage_date;"
	      "CREATE INDEX passage_date ON passage(date DESC, source_id, seq, interviewer,"
	      " participant_id);"
	      "CREATE INDEX source_format ON source(format);",
	/* 4: each passage's day key, for ranking's ties (filled below, with
	 * the lengths, by lengths_rebuild) */
	[3] = "CREATE TABLE passage_day (chunk INTEGER PRIMARY KEY, days BLOB NOT NULL);",
	/* 5: coders' decisions (then decisions_sql), and what the rules said
	 * of a participant kept beside what counts */
	[4] = "ALTER TABLE participant ADD COLUMN auto_character TEXT NOT NULL DEFAULT 'unknown';"
	      "ALTER TABLE participant ADD COLUMN auto_decided_by TEXT NOT NULL DEFAULT 'no cues';"
	      "UPDATE participant SET auto_character = character, auto_decided_by = decided_by;",
};

static const char *const stmt_sql[STMT_COUNT] = {
	[STMT_BATCH_FIND] = "SELECT id FROM batch WHERE name = ?1",
	[STMT_BATCH_ADD] = "INSERT OR IGNORE INTO batch(name) VALUES (?1)",
	[STMT_SOURCE_BY_HASH] = "SELECT id, path FROM source WHERE hash = ?1",
	[STMT_SOURCE_BY_PATH] = "SELECT id FROM source WHERE path = ?1",
	[STMT_SOURCE_TOUCH] = "INSERT OR IGNORE INTO temp.touched_participant"
		" SELECT participant_id FROM passage WHERE source_id = ?1"
		" AND participant_id IS NOT NULL UNION SELECT participant_id FROM source"
		" WHERE id = ?1 AND participant_id IS NOT NULL",
	[STMT_SOURCE_DELETE_CODINGS] = "DELETE FROM coding WHERE passage_id IN"
		" (SELECT id FROM passage WHERE source_id = ?1)",
	[STMT_SOURCE_DELETE_PASSAGES] = "DELETE FROM passage WHERE source_id = ?1",
	[STMT_SOURCE_DELETE] = "DELETE FROM source WHERE id = ?1",
	[STMT_SOURCE_ADD] =
		"INSERT INTO source(batch_id, path, format, hash, bytes,"
		" participant_id, date, interviewers, title, url, text)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[STMT_SOURCE_INTERVIEWER] =
		"UPDATE source SET interviewers = json_insert(interviewers, '$[#]', ?2)"
		" WHERE id = ?1",
	[STMT_PARTICIPANT_FIND] = "SELECT id FROM participant WHERE name = ?1",
	[STMT_PARTICIPANT_ADD] = "INSERT OR IGNORE INTO participant(name) VALUES (?1)",
	/* OR FAIL, not the default ABORT: a statement of many rows that may
	 * abort keeps a journal of each page it changes, and new names change
	 * pages all over the name index (160 MB: 0.49 -> 1.27 s, not 0.39);
	 * a clash ends the batch either way */
	[STMT_PARTICIPANT_NEW] =
		"INSERT OR FAIL INTO participant(" PARTICIPANT_ROWS ") SELECT * FROM participant_rows",
	[STMT_PARTICIPANT_TOUCH] =
		"INSERT OR IGNORE INTO temp.touched_participant VALUES (?1)",
	[STMT_PARTICIPANT_OVERRIDE] =
		"UPDATE participant SET override = ?2 WHERE id = ?1",
	[STMT_ATTR_SET] =       /* WHERE true: the parser's, before an upsert */
		"INSERT INTO participant_attr(" ATTR_ROWS ") SELECT * FROM attr_rows"
		" WHERE true ON CONFLICT DO UPDATE SET value = excluded.value",
	[STMT_PASSAGE_ADD] =
		"INSERT OR IGNORE INTO passage(" PASSAGE_ROWS ")"
		" SELECT * FROM passage_rows",
	[STMT_PASSAGE_IDS] =
		"SELECT seq, id FROM passage WHERE source_id = ?1 AND seq BETWEEN ?2 AND ?3",
	[STMT_CODING_ADD] =
		"INSERT INTO coding(" CODING_ROWS ") SELECT * FROM coding_rows",
	[STMT_HIT_ADD] =
		"INSERT INTO temp.attribution_hit SELECT * FROM hit_rows",
	[STMT_TAG_RUN_ADD] =
		"INSERT INTO tag_run(codebook_hash, codebook_dir) VALUES (?1, ?2)",
	[STMT_TAG_RUN_COUNT] =
		"UPDATE tag_run SET passages = passages + ?2,"
		" codings = codings + ?3 WHERE id = ?1",
	[STMT_TAG_RUN_LAST] =
		"SELECT id, codebook_hash FROM tag_run ORDER BY id DESC LIMIT 1",
	[STMT_ATTR_CODING_ADD] =
		"INSERT OR IGNORE INTO attr_coding(" CUE_ROWS ") SELECT * FROM cue_rows",
	[STMT_LENGTHS_GET] = "SELECT (SELECT lens FROM passage_len WHERE chunk = ?1),"
		" (SELECT days FROM passage_day WHERE chunk = ?1)",
	[STMT_LENGTHS_NEW_GET] = "SELECT lens, days FROM temp.lengths_new WHERE chunk = ?1",
	[STMT_LENGTHS_NEW_PUT] = "INSERT OR REPLACE INTO temp.lengths_new VALUES (?1, ?2, ?3)",
	/* the same decision again changes nothing, its time included */
	[STMT_DECISION_PUT] =
		"INSERT INTO decision(coder, source_id, passage_id, code_id, verdict, note)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
		" ON CONFLICT (passage_id, source_id, coder, code_id) DO UPDATE"
		" SET verdict = excluded.verdict, note = coalesce(excluded.note, note),"
		"  created = excluded.created"
		" WHERE verdict IS NOT excluded.verdict"
		"  OR (excluded.note IS NOT NULL AND note IS NOT excluded.note)",
};

fts5_api *db_fts5(sqlite3 *h)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(h, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return api && api->iVersion >= 2 ? api : NULL;
}

int db_fail(struct db *db, struct err *e, const char *what)
{
	return err_set(e, E_DATA, "%s: database '%s': %s", what, db->path,
		       sqlite3_errmsg(db->h));
}

int db_exec(struct db *db, const char *sql, struct err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(e, E_DATA, "database '%s': %s", db->path,
			msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return E_DATA;
	}
	return 0;
}

void db_rollback(struct db *db)
{
	struct err ignore = ERR_INIT;

	db_exec(db, "ROLLBACK", &ignore);
}

static int pragma_int(struct db *db, const char *sql, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* WAL, so that readers never wait for a writer. Another process opening
 * the same new file may hold the lock the switch needs, and SQLite does
 * not wait for it there: try again for as long as the busy timeout. */
static int journal_wal(struct db *db, struct err *e)
{
	for (int tries = 0;; tries++) {
		int rc = sqlite3_exec(db->h, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);

		if (rc == SQLITE_OK)
			return 0;
		if ((rc & 0xff) != SQLITE_BUSY || tries >= DB_BUSY_MS / 10)
			return db_fail(db, e, "switching to WAL");
		sqlite3_sleep(10);
	}
}

/* A new database: its schema, made by whichever process takes the write
 * lock first; one that finds the tables there when it gets the lock
 * makes nothing (two processes opening a new file at once). */
static int create_schema(struct db *db, struct err *e)
{
	char sql[128];
	int tables = 0;

	/* before anything is written: a page size is fixed with the file */
	if (db_exec(db, "PRAGMA page_size = " DB_PAGE_SIZE, e) ||
	    db_exec(db, "BEGIN IMMEDIATE", e))
		return e->code;
	if (pragma_int(db, "SELECT count(*) FROM sqlite_schema", &tables)) {
		db_rollback(db);
		return db_fail(db, e, "creating the database");
	}
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d; PRAGMA user_version = %d",
		 DB_APPLICATION_ID, SCHEMA_VERSION);
	if (!tables && (db_exec(db, schema_sql, e) || db_exec(db, decisions_sql, e) ||
			db_exec(db, sql, e))) {
		db_rollback(db);
		return e->code;
	}
	return db_exec(db, "COMMIT", e);
}

/* Creates or upgrades; refuses what is not ours. Touches nothing before
 * it has decided the file is papercut's (or empty). */
static int db_prepare_schema(struct db *db, struct err *e)
{
	int app_id = 0, version = 0, tables = 0;
	sqlite3_stmt *st = NULL;
	int rc;

	/* one statement, one snapshot: another process may be making the
	 * schema between three reads (its id read before, its tables after) */
	if (sqlite3_prepare_v2(db->h, "SELECT (SELECT application_id FROM pragma_application_id),"
			       " (SELECT user_version FROM pragma_user_version),"
			       " (SELECT count(*) FROM sqlite_schema)", -1, &st, NULL) == SQLITE_OK &&
	    (rc = sqlite3_step(st)) == SQLITE_ROW) {
		app_id = sqlite3_column_int(st, 0);
		version = sqlite3_column_int(st, 1);
		tables = sqlite3_column_int(st, 2);
	} else {
		err_set(e, E_DATA, "'%s': not a papercut database (%s)", db->path,
			sqlite3_errmsg(db->h));
		sqlite3_finalize(st);
		return E_DATA;
	}
	sqlite3_finalize(st);
	if (tables > 0 && app_id != DB_APPLICATION_ID)
		return err_set(e, E_DATA,
			       "'%s': not a papercut database (it holds other tables)",
			       db->path);
	if (app_id == DB_APPLICATION_ID && version > SCHEMA_VERSION)
		return err_set(e, E_DATA,
			       "'%s': made by a newer papercut (schema %d, this one knows %d)",
			       db->path, version, SCHEMA_VERSION);

	if (tables == 0)
		return create_schema(db, e) || db_prepare_schema(db, e) ? e->code : 0;
	if (journal_wal(db, e))
		return e->code;
	for (int v = version; v < SCHEMA_VERSION; v++) {
		char sql[64];

		if (!migrations[v])
			continue;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (db_exec(db, "BEGIN", e))
			return e->code;
		if (db_exec(db, migrations[v], e) || db_exec(db, sql, e) ||
		    (v + 1 == 4 && lengths_rebuild(db, e)) ||
		    (v + 1 == 5 && db_exec(db, decisions_sql, e))) {
			db_rollback(db);
			return e->code;
		}
		if (db_exec(db, "COMMIT", e))
			return e->code;
	}
	return 0;
}

/*
 * PAPERCUT_PROFILE=1: each statement's calls and wall time, summed, on
 * stderr when the database is closed, slowest first: for finding where a
 * command spends its time (a developer's tool, not an interface). What
 * SQLite runs inside a statement (FTS5 writing its index) is listed on
 * its own and counted in that statement's time as well. Summed, not
 * printed as it runs: a line per call made FTS5's many small writes
 * look twice as slow as they are.
 */
struct profile_row {
	char *sql;
	unsigned long hash;
	long calls;
	sqlite3_int64 ns;
};

struct profile {
	struct profile_row *v;     /* open addressing, `size` a power of 2 */
	size_t n, size;
};

static unsigned long fnv1a(const char *s)
{
	unsigned long h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct profile_row *profile_row(struct profile *pr, const char *sql)
{
	unsigned long h = fnv1a(sql);
	size_t i;

	if (2 * (pr->n + 1) > pr->size) {
		struct profile old = *pr;

		pr->size = old.size ? 2 * old.size : 64;
		pr->v = xcalloc(pr->size, sizeof(*pr->v));
		for (size_t k = 0; k < old.size; k++) {
			if (!old.v[k].sql)
				continue;
			for (i = old.v[k].hash & (pr->size - 1); pr->v[i].sql;
			     i = (i + 1) & (pr->size - 1))
				;
			pr->v[i] = old.v[k];
		}
		free(old.v);
	}
	for (i = h & (pr->size - 1); pr->v[i].sql; i = (i + 1) & (pr->size - 1))
		if (pr->v[i].hash == h && !strcmp(pr->v[i].sql, sql))
			return &pr->v[i];
	pr->v[i].sql = xstrdup(sql);
	pr->v[i].hash = h;
	pr->n++;
	return &pr->v[i];
}

static int profile_cb(unsigned type, void *ctx, void *p, void *x)
{
	struct profile_row *row;

	if (type == SQLITE_TRACE_PROFILE && sqlite3_sql(p)) {
		row = profile_row(ctx, sqlite3_sql(p));
		row->calls++;
		row->ns += *(sqlite3_int64 *)x;
	}
	return 0;
}

/* most time first, then most calls */
static int by_time(const void *a, const void *b)
{
	const struct profile_row *x = a, *y = b;

	if (x->ns != y->ns)
		return x->ns < y->ns ? 1 : -1;
	return (x->calls < y->calls) - (x->calls > y->calls);
}

static void profile_print(struct db *db)
{
	struct profile *pr = db->profile;
	size_t n = 0;

	for (size_t i = 0; i < pr->size; i++)
		if (pr->v[i].sql)
			pr->v[n++] = pr->v[i];
	qsort(pr->v, n, sizeof(*pr->v), by_time);
	fprintf(stderr, "papercut: profile of %s (ms, calls, statement):\n", db->path);
	for (size_t i = 0; i < n; i++) {
		int shown = 0;

		fprintf(stderr, "%10.1f %9ld ", (double)pr->v[i].ns / 1e6, pr->v[i].calls);
		/* on one line, each run of blanks one space, cut at 110 */
		for (const char *c = pr->v[i].sql; *c && shown < 110; c++) {
			if (isspace((unsigned char)*c)) {
				while (isspace((unsigned char)c[1]))
					c++;
				if (!c[1])
					break;
			}
			fputc(isspace((unsigned char)*c) ? ' ' : *c, stderr);
			shown++;
		}
		fputc('\n', stderr);
		free(pr->v[i].sql);
	}
	free(pr->v);
	free(pr);
	db->profile = NULL;
}

/* Another process holds the lock: wait, a little longer each time, and
 * after a second say once on stderr why nothing happens. */
static int busy_wait(void *ctx, int count)
{
	struct db *db = ctx;
	int ms = count < 10 ? 5 : count < 50 ? 20 : 100;

	if (count == 0)
		db->waited_ms = 0;
	if (db->waited_ms >= DB_BUSY_MS)
		return 0;
	if (db->waited_ms >= DB_BUSY_SAY_MS && !db->said_waiting) {
		fprintf(stderr, "papercut: waiting for '%s': another papercut is writing it\n",
			db->path);
		db->said_waiting = 1;
	}
	sqlite3_sleep(ms);
	db->waited_ms += ms;
	return 1;
}

/*
 * A first load's full-text scratch database (PATH-fulltext, ingest/
 * fulltext.c) lives only while its batch holds the write lock, or between
 * its commit and its cleanup: one found when no writer holds the lock was
 * left by a killed run, and goes. Asked without waiting: a busy lock
 * means a batch is at work, and the file stays.
 */
static void remove_stale_scratch(struct db *db)
{
	struct buf path = BUF_INIT;
	struct stat st;

	buf_addf(&path, "%s-fulltext", db->path);
	if (stat(path.data, &st) == 0) {
		sqlite3_busy_handler(db->h, NULL, NULL);
		if (sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
			unlink(path.data);
			sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		}
		sqlite3_busy_handler(db->h, busy_wait, db);
	}
	buf_release(&path);
}

int db_open(struct db *db, const char *path, struct err *e)
{
	struct stat st;

	memset(db, 0, sizeof(*db));
	db->path = xstrdup(path);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return err_set(e, E_DATA, "'%s': not a papercut database (a directory)",
			       path);
	if (sqlite3_open_v2(path, &db->h,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)) {
		err_set(e, E_DATA, "'%s': cannot open database: %s", path,
			db->h ? sqlite3_errmsg(db->h) : "out of memory");
		return E_DATA;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_handler(db->h, busy_wait, db);
	if (getenv("PAPERCUT_PROFILE")) {
		db->profile = xcalloc(1, sizeof(*db->profile));
		sqlite3_trace_v2(db->h, SQLITE_TRACE_PROFILE, profile_cb, db->profile);
	}
	if (db_prepare_schema(db, e))
		return e->code;
	remove_stale_scratch(db);
	return db_exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
		       " PRAGMA cache_size = " DB_CACHE_SIZE, e);
}

void db_close(struct db *db)
{
	for (int i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(db->stmt[i]);
	if (db->h)
		sqlite3_close(db->h);
	if (db->profile)
		profile_print(db);
	free(db->path);
	memset(db, 0, sizeof(*db));
}

sqlite3_stmt *db_stmt(struct db *db, enum db_stmt which, struct err *e)
{
	sqlite3_stmt *st = db->stmt[which];

	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(db->h, stmt_sql[which], -1,
			       SQLITE_PREPARE_PERSISTENT, &st, NULL)) {
		db_fail(db, e, "preparing a statement");
		return NULL;
	}
	db->stmt[which] = st;
	return st;
}

sqlite3_stmt *db_prepare(struct db *db, const char *sql, struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL)) {
		db_fail(db, e, "preparing a query");
		return NULL;
	}
	return st;
}

int db_step_done(struct db *db, sqlite3_stmt *st, struct err *e,
		 const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, e, what);
		sqlite3_reset(st);
		return E_DATA;
	}
	sqlite3_reset(st);
	return 0;
}

int db_exists(struct db *db, sqlite3_stmt *st, int *found, struct err *e,
	      const char *what)
{
	int step = sqlite3_step(st);

	*found = step == SQLITE_ROW;
	sqlite3_finalize(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : db_fail(db, e, what);
}

int db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (!s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

void db_bind_named(sqlite3_stmt *st, const char *name, const char *s)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0)
		db_bind_text(st, i, s);
}

const char *db_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : "";
}
