#ifndef PAPERCUT_TALLY_H
#define PAPERCUT_TALLY_H

#include "db.h"
#include "err.h"
#include "results.h"

/*
 * The counts of results.c in one pass (tally.c). tally_count() needs r_key
 * and fills r_character, r_cell and r_pair; once r_quarter holds the
 * series (which ends at tally_newest(), the newest date of a coded
 * passage in scope, unless the filter says), tally_store_trends() fills
 * r_tcount (papercut x quarter: participants, passages) and r_first
 * (each papercut's earliest date in scope).
 */
struct tally;

struct tally *tally_count(struct db *db, const struct filter *f, struct err *e);
const char *tally_newest(const struct tally *t);
int tally_store_trends(struct tally *t, struct err *e);
void tally_free(struct tally *t);

#endif
