#ifndef PAPERCUT_BUF_H
#define PAPERCUT_BUF_H

#include <stddef.h>

/*
 * The one growable buffer, after git's strbuf and curl's dynbuf.
 * `data` is never NULL and always NUL-terminated, so it can be handed to
 * C string functions at any time. `max` caps the length (0: no cap), so
 * a hostile input cannot make the buffer grow without bound.
 *
 * buf_release() frees the contents; buf_detach() hands them to the caller,
 * who frees them with free().
 */
struct buf {
	char *data;
	size_t len;
	size_t alloc;
	size_t max;
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0, 0 }

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
char *buf_detach(struct buf *b, size_t *len);
void buf_reset(struct buf *b);
void buf_swap(struct buf *a, struct buf *b);

/* Appending returns 0, or -1 when the result would pass `max` (the buffer
 * is then unchanged). Out of memory aborts the program, as git's xmalloc. */
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addch(struct buf *b, int c);
int buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reads a whole file. Returns 0, -1 with errno set on an I/O error, or -2
 * when the file is larger than b->max. */
int buf_read_file(struct buf *b, const char *path);

/* Removes trailing white space. */
void buf_rtrim(struct buf *b);

#endif
