#ifndef PAPERCUT_MEM_H
#define PAPERCUT_MEM_H

#include <stddef.h>

/* Allocation that cannot fail: out of memory prints and exits, as git's
 * xmalloc family. Everything returned is freed with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Grows `*arr` (of `*alloc` elements of `size` bytes) to hold `need`. */
void grow_array(void **arr, size_t *alloc, size_t need, size_t size);
#define ALLOC_GROW(arr, need, alloc) \
	grow_array((void **)&(arr), &(alloc), (need), sizeof(*(arr)))

#endif
