#ifndef PAPERCUT_LENGTHS_H
#define PAPERCUT_LENGTHS_H

#include <stdint.h>

#include "db.h"
#include "err.h"

/*
 * Passage lengths in tokens, as FTS5 counted them, packed for ranking
 * (analyze/rank.c): table passage_len holds LENGTHS_PER_CHUNK lengths per
 * row, little-endian uint16, passage id = chunk * LENGTHS_PER_CHUNK + i.
 * LENGTHS_UNKNOWN: longer than that, or not known; ask FTS5.
 *
 * Why: bm25 needs each match's length; FTS5 looks it up in its docsize
 * table a statement per row, most of the cost of ranking a common word.
 * A chunk read once serves a thousand passages.
 */
#define LENGTHS_PER_CHUNK 1024
#define LENGTHS_UNKNOWN 0xffff

/* Writes the lengths of passages with ids from `from` on (whole chunks,
 * keeping the lengths before `from`); after FTS5 has indexed them. */
int lengths_update(struct db *db, sqlite3_int64 from, struct err *e);

#endif
