#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "../core/mem.h"
#include "names.h"

void names_init(struct names *n, size_t nsets)
{
	n->nsets = nsets;
	n->slots = xcalloc(NAME_WAYS * nsets, sizeof(*n->slots));
}

void names_release(struct names *n)
{
	for (size_t i = 0; n->slots && i < NAME_WAYS * n->nsets; i++)
		free(n->slots[i].name);
	free(n->slots);
	memset(n, 0, sizeof(*n));
}

static struct name_slot *set_of(struct names *n, const char *name,
				unsigned long long *hash)
{
	*hash = XXH3_64bits(name, strlen(name));
	return &n->slots[NAME_WAYS * (*hash % n->nsets)];
}

int names_get(struct names *n, const char *name, sqlite3_int64 *id)
{
	unsigned long long hash;
	struct name_slot *set = set_of(n, name, &hash);

	for (struct name_slot *slot = set; slot < set + NAME_WAYS; slot++)
		if (slot->name && slot->hash == hash && !strcmp(slot->name, name)) {
			*id = slot->id;
			slot->uses += slot->uses < NAME_USES_MAX;
			return 1;
		}
	return 0;
}

void names_put(struct names *n, const char *name, sqlite3_int64 id)
{
	unsigned long long hash;
	struct name_slot *set = set_of(n, name, &hash), *slot = NULL;

	/* an empty place, else the first of the least used */
	for (struct name_slot *way = set; way < set + NAME_WAYS; way++)
		if (!way->name) {
			slot = way;
			break;
		} else if (!slot || way->uses < slot->uses) {
			slot = way;
		}
	for (struct name_slot *way = set; way < set + NAME_WAYS; way++)
		way->uses -= way->uses > 0;
	free(slot->name);
	slot->name = xstrdup(name);
	slot->hash = hash;
	slot->id = id;
	slot->uses = 0;
}

void name_filter_init(struct name_filter *f, size_t nbits)
{
	f->nbits = nbits;
	f->bits = xcalloc(nbits / 8 + 1, 1);
}

void name_filter_release(struct name_filter *f)
{
	free(f->bits);
	f->bits = NULL;
}

int name_filter_add(struct name_filter *f, const char *name)
{
	unsigned long long hash = XXH3_64bits(name, strlen(name));
	size_t h1 = (size_t)(hash & 0xffffffff), h2 = (size_t)(hash >> 32) | 1;
	int seen = 1;

	for (size_t k = 0; k < NAME_FILTER_PROBES; k++) {
		size_t bit = (h1 + k * h2) % f->nbits;
		unsigned char mask = (unsigned char)(1 << bit % 8);

		if (!(f->bits[bit / 8] & mask)) {
			seen = 0;
			f->bits[bit / 8] |= mask;
		}
	}
	return seen;
}
