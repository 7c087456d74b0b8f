#ifndef PAPERCUT_NAMES_H
#define PAPERCUT_NAMES_H

#include <stddef.h>
#include <sqlite3.h>

/*
 * The ids of names the ingest writer has seen, two to a set chosen by
 * hash, fixed in size so that memory does not grow with the corpus. Why:
 * a file's passages mostly share one speaker and authors post again and
 * again, where looking a name up in the database was the writer's
 * busiest statement after its inserts. A new name takes the place of the
 * one of the two used less, and both age, so that a stream of names seen
 * once or twice (a survey's respondents) leaves the authors seen all the
 * time where they are, and what was used much once does not stay for
 * ever.
 */
struct name_slot {
	char *name;
	unsigned long long hash;    /* the name's: compared first, as reading
				       the name itself is a cache miss */
	sqlite3_int64 id;
	unsigned uses;
};

struct names {
	struct name_slot *slots;    /* 2 * nsets */
	size_t nsets;
};

void names_init(struct names *n, size_t nsets);
void names_release(struct names *n);

/* 1 and *id when `name` is remembered, else 0. */
int names_get(struct names *n, const char *name, sqlite3_int64 *id);
/* Remembers `name` (not remembered yet) as `id`. */
void names_put(struct names *n, const char *name, sqlite3_int64 id);

#endif
