#ifndef PAPERCUT_RANK_H
#define PAPERCUT_RANK_H

#include <sqlite3.h>

#include "../core/err.h"

/* Registers pc_bm25() (FTS5's bm25, lengths from passage_len; rank.c)
 * on this connection. */
int rank_register(sqlite3 *db, struct err *e);

#endif
