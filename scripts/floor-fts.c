/*
 * The storage floor of scripts/bench: the passage texts of a papercut
 * database inserted into a fresh FTS5 table with the sqlite3 library and
 * nothing else (one transaction, one prepared statement, WAL and the
 * page cache papercut uses). Prints the seconds the inserts took.
 * With --index-only, into a contentless table (content=''): the index
 * alone, without a copy of the texts, as papercut's passage_fts indexes
 * texts its passage table holds.
 *
 *   floor-fts [--index-only] PAPERCUT.DB OUT.DB
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	sqlite3 *in, *out;
	sqlite3_stmt *rd, *wr;
	char **texts = NULL;
	int *lens = NULL;
	size_t n = 0, alloc = 0;
	double t0;
	int index_only = argc == 4 && !strcmp(argv[1], "--index-only");

	argv += index_only;
	argc -= index_only;
	if (argc != 3) {
		fputs("usage: floor-fts [--index-only] PAPERCUT.DB OUT.DB\n", stderr);
		return 2;
	}
	if (sqlite3_open_v2(argv[1], &in, SQLITE_OPEN_READONLY, NULL) ||
	    sqlite3_prepare_v2(in, "SELECT text FROM passage ORDER BY id", -1, &rd, NULL)) {
		fprintf(stderr, "floor-fts: %s: %s\n", argv[1], sqlite3_errmsg(in));
		return 1;
	}
	while (sqlite3_step(rd) == SQLITE_ROW) {
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 1024;
			texts = realloc(texts, alloc * sizeof(*texts));
			lens = realloc(lens, alloc * sizeof(*lens));
		}
		lens[n] = sqlite3_column_bytes(rd, 0);
		texts[n] = malloc((size_t)lens[n] + 1);
		memcpy(texts[n], sqlite3_column_text(rd, 0), (size_t)lens[n] + 1);
		n++;
	}
	sqlite3_finalize(rd);
	sqlite3_close(in);
	remove(argv[2]);
	if (sqlite3_open(argv[2], &out) ||
	    sqlite3_exec(out, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
			 " PRAGMA cache_size = -32768;", NULL, NULL, NULL) ||
	    sqlite3_exec(out, index_only ? "CREATE VIRTUAL TABLE t USING fts5(text, content = '')"
			 : "CREATE VIRTUAL TABLE t USING fts5(text)", NULL, NULL, NULL) ||
	    sqlite3_prepare_v2(out, "INSERT INTO t(text) VALUES (?1)", -1, &wr, NULL)) {
		fprintf(stderr, "floor-fts: %s: %s\n", argv[2], sqlite3_errmsg(out));
		return 1;
	}
	t0 = now();
	sqlite3_exec(out, "BEGIN", NULL, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_text(wr, 1, texts[i], lens[i], SQLITE_STATIC);
		sqlite3_step(wr);
		sqlite3_reset(wr);
	}
	if (sqlite3_exec(out, "COMMIT", NULL, NULL, NULL)) {
		fprintf(stderr, "floor-fts: %s\n", sqlite3_errmsg(out));
		return 1;
	}
	printf("%.3f %zu\n", now() - t0, n);
	sqlite3_finalize(wr);
	sqlite3_close(out);
	return 0;
}
