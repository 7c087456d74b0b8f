#ifndef PAPERCUT_TEXT_H
#define PAPERCUT_TEXT_H

#include <stddef.h>

/* Returns the offset of the first byte that is not part of well-formed
 * UTF-8 (overlongs, surrogates and code points past U+10FFFF included),
 * or `len` when all of `s` is valid. */
size_t utf8_invalid_at(const char *s, size_t len);

/* Number of code points in the first `len` bytes of valid UTF-8. */
size_t utf8_chars(const char *s, size_t len);

/* The value of the `n` decimal digits at `s`, or -1 when one is not a
 * digit (dates read without strptime). */
int digits_value(const char *s, int n);

/* 1-based line number of byte `off` in `s`. */
int line_at(const char *s, size_t off);

#endif
