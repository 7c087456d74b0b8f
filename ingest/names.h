#ifndef PAPERCUT_NAMES_H
#define PAPERCUT_NAMES_H

#include <stddef.h>
#include <sqlite3.h>

/*
 * The ids of names the ingest writer has seen, NAME_WAYS to a set chosen
 * by hash, fixed in size so that memory does not grow with the corpus.
 * Why: a file's passages mostly share one speaker and authors post again
 * and again, where looking a name up in the database was the writer's
 * busiest statement after its inserts. A new name takes an empty place
 * of its set, else the place of the one used least (the first of those
 * on a tie), and each new name ages the others of its set by one use, so
 * that a stream of names seen once (a survey's respondents) leaves the
 * authors seen again and again where they are, and what was used much
 * once is gone after NAME_USES_MAX new names of its set. Measured on the
 * 160 MB corpus's 940,000 lookups of 183,000 names (20,000 of them
 * authors of posts), names looked up in the database again: 55,000 with
 * two ways, halving uses and the first way taken on a tie even when the
 * second was empty; 16,400 so.
 */
#define NAME_WAYS 4
#define NAME_USES_MAX 64

struct name_slot {
	char *name;
	unsigned long long hash;    /* the name's: compared first, as reading
				       the name itself is a cache miss */
	sqlite3_int64 id;
	unsigned uses;
};

struct names {
	struct name_slot *slots;    /* NAME_WAYS * nsets */
	size_t nsets;
};

void names_init(struct names *n, size_t nsets);
void names_release(struct names *n);

/* 1 and *id when `name` is remembered, else 0. */
int names_get(struct names *n, const char *name, sqlite3_int64 *id);
/* Remembers `name` (not remembered yet) as `id`. */
void names_put(struct names *n, const char *name, sqlite3_int64 id);

/*
 * Every name a batch has stored, as a Bloom filter: into a database whose
 * participants all come from the batch, a name it has not seen is new, so
 * the writer adds it with the other new names of its document in one
 * statement (core/feed.h) instead of trying an insert of its own. Four
 * probes in NAME_FILTER_BITS (2 MB) say "seen" of about 1 new name in 500
 * once a million are in; past a few million, more often, and the writer
 * looks those up in the database as before: fixed in size, as the cache
 * above. The tests build it small (Makefile), so that their few thousand
 * names take both ways.
 */
#ifndef NAME_FILTER_BITS
#define NAME_FILTER_BITS ((size_t)1 << 24)
#endif
#define NAME_FILTER_PROBES 4

struct name_filter {
	unsigned char *bits;
	size_t nbits;
};

void name_filter_init(struct name_filter *f, size_t nbits);
void name_filter_release(struct name_filter *f);
/* Adds `name`; whether it may have been added before (0: it was not). */
int name_filter_add(struct name_filter *f, const char *name);

#endif
