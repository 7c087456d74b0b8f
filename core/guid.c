#include <stdio.h>
#include <string.h>

#define XXH_INLINE_ALL          /* the light build links no libxxhash */
#include <xxhash.h>

#include "guid.h"

void guid_of(const char *kind, const char *key, char out[GUID_SIZE])
{
	XXH3_state_t st;
	XXH128_hash_t h;
	unsigned long long hi, lo;

	XXH3_128bits_reset(&st);
	XXH3_128bits_update(&st, kind, strlen(kind) + 1);
	XXH3_128bits_update(&st, key, strlen(key));
	h = XXH3_128bits_digest(&st);
	hi = h.high64;
	lo = h.low64;
	snprintf(out, GUID_SIZE, "%08llX-%04llX-%04llX-%04llX-%012llX", hi >> 32,
		 (hi >> 16) & 0xffff, hi & 0xffff, lo >> 48, lo & 0xffffffffffffULL);
}
