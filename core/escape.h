#ifndef PAPERCUT_ESCAPE_H
#define PAPERCUT_ESCAPE_H

#include <stddef.h>

#include "buf.h"

/* Appends `s` to `b` with & < > " ' as character references, so user
 * text is text in any HTML context (element content or quoted attribute). */
void html_escape(struct buf *b, const char *s);

/* Appends `s` to `b` so that CommonMark shows it as written: characters
 * that would start markup or raw HTML are backslash-escaped. Line breaks
 * become `nl` (e.g. "\n> " inside a block quote). */
void md_escape(struct buf *b, const char *s, const char *nl);

/* Appends `s` with each control character as its escape (\n, \t, \x1b),
 * so that a name or a message stays one line of output. */
void escape_controls(struct buf *b, const char *s);

/* `s` as escape_controls() writes it, in `b` (reset first) when it holds
 * a control character, else `s` itself: for printing a name on a line. */
const char *one_line(struct buf *b, const char *s);

/* Appends the base64 of `len` bytes (RFC 4648). */
void base64_encode(struct buf *b, const unsigned char *data, size_t len);

#endif
