#ifndef PAPERCUT_RANK_H
#define PAPERCUT_RANK_H

#include <sqlite3.h>

#include "../core/err.h"

struct rank;

/* Registers pc_bm25() (FTS5's bm25, lengths from passage_len; rank.c)
 * on this connection; what it returns lives as long as the connection. */
struct rank *rank_register(sqlite3 *db, struct err *e);

/* After a statement has scored all `n` matches of a query with pc_bm25:
 * the factor its scores still need to be bm25's (the idf of a query of
 * one phrase, which is the same for every match and so waits to be
 * counted); 1 for other queries. */
double rank_idf(struct rank *r, sqlite3_int64 n);

#endif
