#ifndef PAPERCUT_LENGTHS_H
#define PAPERCUT_LENGTHS_H

#include <stdint.h>

#include "db.h"
#include "err.h"

/*
 * What ranking reads of each passage, packed LENGTHS_PER_CHUNK to a row,
 * little-endian uint16, passage id = chunk * LENGTHS_PER_CHUNK + i:
 *
 * - passage_len.lens: its length in tokens as FTS5 counts it
 *   (tokens_count(), analyze/rank.c). Why: bm25 needs each match's
 *   length, and FTS5 keeps none (columnsize = 0): its bm25() tokenizes
 *   each match again, with a statement per row (where it kept a docsize
 *   table, it looked each up: most of the cost of ranking a common
 *   word). A chunk read once serves a thousand passages.
 * - passage_day.days: its date's day_key() (analyze/search.c). Why: the
 *   tied best matches of a query go newest first, and reading each one's
 *   row for its date is a page fault apiece (400 ties: 4 ms); their keys
 *   are a few pages, and only the rows of the newest are read.
 *
 * CHUNK_UNKNOWN: not known (longer than that, a date of another shape,
 * no row); ask the passage itself.
 */
#define LENGTHS_PER_CHUNK 1024
#define CHUNK_UNKNOWN 0xffff
#define DAY_UNDATED 0

/*
 * Counts tokens the way passage_fts does (FTS5's unicode61 tokenizer with
 * the arguments of data/schema.sql's `tokenize` option), so that ingest's
 * workers count them and FTS5 keeps no docsize table of its own. One per
 * thread; tests/e2e checks the counts against FTS5's.
 */
#define FTS_TOKENIZER "unicode61"
#define FTS_TOKENIZER_ARGS { "remove_diacritics", "2" }

struct tokens {
	fts5_tokenizer api;
	Fts5Tokenizer *tok;
};

int tokens_open(struct tokens *t, sqlite3 *db, struct err *e);
/* s's tokens; CHUNK_UNKNOWN for that many or more */
unsigned tokens_count(struct tokens *t, const char *s, size_t n);
void tokens_close(struct tokens *t);

/*
 * Writes passages' lengths and day keys as they are stored, in any order
 * of ids (a chunk at a time: the ids of a batch mostly follow on), to a
 * temporary table first: its chunks go into passage_len and passage_day
 * at the end, together, as the few pages search reads (written among the
 * passages' pages, they made a search 5 ms slower). A chunk begun before
 * keeps the passages it has; a slot never written stays CHUNK_UNKNOWN.
 */
struct lengths {
	struct db *db;
	sqlite3_int64 chunk;        /* the one in lens and days, -1: none */
	unsigned char lens[2 * LENGTHS_PER_CHUNK], days[2 * LENGTHS_PER_CHUNK];
};

int lengths_begin(struct lengths *w, struct db *db, struct err *e);
int lengths_put(struct lengths *w, sqlite3_int64 id, unsigned ntok, const char *date,
		struct err *e);
int lengths_finish(struct lengths *w, struct err *e);
/* Every stored passage's, counted anew (a migration's). */
int lengths_rebuild(struct db *db, struct err *e);

/*
 * A date's day key: DAY_UNDATED for none; for "YYYY-MM-DD", alone or
 * followed by anything (a time), 1 + days of a 372-day year since 1970
 * (months of 31 days: an order, not a calendar); CHUNK_UNKNOWN for any
 * other shape or a year past 2145. Keys never contradict the dates'
 * order: key(a) > key(b) means a sorts after b (is newer); equal keys say
 * nothing.
 */
unsigned day_key(const char *date);

/* Reads one column of chunks for a run of ids, a chunk at a time. */
struct chunks {
	sqlite3 *db;
	const char *table, *column;
	sqlite3_blob *blob;
	sqlite3_int64 chunk;        /* the one in `data`, -1: none */
	int known;                  /* the table has it, whole */
	unsigned char data[2 * LENGTHS_PER_CHUNK];
};

void chunks_init(struct chunks *c, sqlite3 *db, const char *table, const char *column);
/* id's value, CHUNK_UNKNOWN when the table does not have it */
unsigned chunks_get(struct chunks *c, sqlite3_int64 id);
void chunks_close(struct chunks *c);

#endif
