#ifndef PAPERCUT_LENGTHS_H
#define PAPERCUT_LENGTHS_H

#include <stdint.h>

#include "db.h"
#include "err.h"

/*
 * What ranking reads of each passage, packed LENGTHS_PER_CHUNK to a row,
 * little-endian uint16, passage id = chunk * LENGTHS_PER_CHUNK + i:
 *
 * - passage_len.lens: its length in tokens as FTS5 counted it
 *   (analyze/rank.c). Why: bm25 needs each match's length; FTS5 looks it
 *   up in its docsize table a statement per row, most of the cost of
 *   ranking a common word. A chunk read once serves a thousand passages.
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

/* Writes the lengths and day keys of passages with ids from `from` on
 * (whole chunks, keeping what comes before `from`); after FTS5 has
 * indexed them. */
int lengths_update(struct db *db, sqlite3_int64 from, struct err *e);

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
