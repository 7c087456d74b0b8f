/* Rows handed to SQLite in bulk (core/feed.h): stored as fed, in order,
 * text by its length; a failed flush reports and empties the feed; the
 * table is gone once the feed is closed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../core/db.h"
#include "../../core/feed.h"

struct fixture {
	char dir[64];
	char path[96];
	struct db db;
	struct feed f;
};

static int setup(void **state)
{
	struct fixture *x = calloc(1, sizeof(*x));
	struct err e = ERR_INIT;

	snprintf(x->dir, sizeof(x->dir), "/tmp/papercut-feed-XXXXXX");
	assert_non_null(mkdtemp(x->dir));
	snprintf(x->path, sizeof(x->path), "%s/t.db", x->dir);
	assert_int_equal(db_open(&x->db, x->path, &e), 0);
	/* codings of passages that are not there */
	assert_int_equal(db_exec(&x->db, "PRAGMA foreign_keys = OFF", &e), 0);
	assert_int_equal(feed_open(&x->f, &x->db, "coding_rows", CODING_ROWS, 3, &e), 0);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *x = *state;

	feed_close(&x->f);
	db_close(&x->db);
	unlink(x->path);
	rmdir(x->dir);
	free(x);
	return 0;
}

static void feed_coding(struct feed *f, sqlite3_int64 passage, const char *code,
			const char *rule, size_t rule_len)
{
	feed_int(f, passage);
	feed_str(f, code);
	feed_text(f, rule, rule_len);
	feed_int(f, 10 * passage);
	feed_int(f, 10 * passage + 4);
	feed_int(f, 1);
}

/* The rows of `table`, in the order it gives them. */
static const char *rows(struct db *db, const char *table)
{
	static char out[512];
	char sql[128];
	sqlite3_stmt *st;
	size_t n = 0;

	snprintf(sql, sizeof(sql), "SELECT " CODING_ROWS " FROM %s", table);
	assert_int_equal(sqlite3_prepare_v2(db->h, sql, -1, &st, NULL), SQLITE_OK);
	out[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%lld %s %s %lld %lld %lld;",
				      sqlite3_column_int64(st, 0), sqlite3_column_text(st, 1),
				      sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3),
				      sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5));
	sqlite3_finalize(st);
	return out;
}

static void test_rows_as_fed(void **state)
{
	struct fixture *x = *state;
	struct err e = ERR_INIT;
	const char *rules = "a.ini:3b.ini:12";

	assert_int_equal(feed_rows(&x->f), 0);
	feed_coding(&x->f, 7, "pin", rules, 7);
	assert_int_equal(feed_rows(&x->f), 1);
	assert_false(feed_full(&x->f));
	feed_coding(&x->f, 2, "<script>'x'", rules + 7, 8);
	feed_coding(&x->f, 5, "send", rules, 5);
	assert_true(feed_full(&x->f));
	assert_string_equal(rows(&x->db, "coding_rows"),
			    "7 pin a.ini:3 70 74 1;2 <script>'x' b.ini:12 20 24 1;"
			    "5 send a.ini 50 54 1;");
	assert_int_equal(feed_flush(&x->f, &x->db, STMT_CODING_ADD, "storing a coding", &e), 0);
	assert_int_equal(sqlite3_changes(x->db.h), 3);
	assert_int_equal(feed_rows(&x->f), 0);
	/* in the order of coding's key */
	assert_string_equal(rows(&x->db, "coding"),
			    "2 <script>'x' b.ini:12 20 24 1;5 send a.ini 50 54 1;"
			    "7 pin a.ini:3 70 74 1;");
}

/* Nothing held: no statement runs, the last one's changes stand. */
static void test_empty_flush(void **state)
{
	struct fixture *x = *state;
	struct err e = ERR_INIT;

	assert_int_equal(db_exec(&x->db, "INSERT INTO batch(name) VALUES ('a'), ('b')", &e), 0);
	assert_int_equal(feed_flush(&x->f, &x->db, STMT_CODING_ADD, "storing a coding", &e), 0);
	assert_int_equal(sqlite3_changes(x->db.h), 2);
	assert_string_equal(rows(&x->db, "coding"), "");
}

/* A NULL where the table wants a value: the statement's error, with what
 * was being done, and the feed empty for what comes next. */
static void test_failed_flush(void **state)
{
	struct fixture *x = *state;
	struct err e = ERR_INIT;

	feed_coding(&x->f, 1, "pin", "r", 1);
	feed_coding(&x->f, 2, "pin", NULL, 0);
	assert_int_equal(feed_flush(&x->f, &x->db, STMT_CODING_ADD, "storing a coding", &e),
			 E_DATA);
	assert_non_null(strstr(e.msg, "storing a coding"));
	assert_non_null(strstr(e.msg, "NOT NULL constraint failed: coding.rule"));
	assert_int_equal(feed_rows(&x->f), 0);
	assert_string_equal(rows(&x->db, "coding"), "");
	err_clear(&e);
	feed_coding(&x->f, 3, "send", "r", 1);
	assert_int_equal(feed_flush(&x->f, &x->db, STMT_CODING_ADD, "storing a coding", &e), 0);
	assert_string_equal(rows(&x->db, "coding"), "3 send r 30 34 1;");
}

/* A text longer than SQLite takes: the statement's error, nothing read
 * past what was given. */
static void test_too_long(void **state)
{
	struct fixture *x = *state;
	struct err e = ERR_INIT;
	char rule[200];

	memset(rule, 'r', sizeof(rule));        /* not NUL-terminated */
	feed_coding(&x->f, 1, "pin", rule, 3);
	assert_int_equal(feed_flush(&x->f, &x->db, STMT_CODING_ADD, "storing a coding", &e), 0);
	/* the statement made, SQLite told to take 100 bytes a value at most */
	sqlite3_limit(x->db.h, SQLITE_LIMIT_LENGTH, 100);
	feed_coding(&x->f, 2, "pin", rule, sizeof(rule));
	assert_int_equal(feed_flush(&x->f, &x->db, STMT_CODING_ADD, "storing a coding", &e),
			 E_DATA);
	assert_non_null(strstr(e.msg, "storing a coding"));
	assert_non_null(strstr(e.msg, "string or blob too big"));
	assert_string_equal(rows(&x->db, "coding"), "1 pin rrr 10 14 1;");
}

static void test_closed(void **state)
{
	struct fixture *x = *state;
	sqlite3_stmt *st = NULL;

	feed_close(&x->f);
	assert_int_not_equal(sqlite3_prepare_v2(x->db.h, "SELECT * FROM coding_rows", -1,
						&st, NULL), SQLITE_OK);
	assert_string_equal(sqlite3_errmsg(x->db.h), "no such table: coding_rows");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rows_as_fed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
