#ifndef PAPERCUT_TEXT_H
#define PAPERCUT_TEXT_H

#include <stddef.h>

#include "buf.h"

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

/*
 * How a passage's text is read for tagging (passage.tagged): prose, whose
 * fenced code blocks (``` or ~~~) are code; a code block, all code; or
 * everything as it is (ingest --tag-code). Of code only compiler
 * diagnostics (error[E..]:, error:, warning:, note:, help:, = note:, and
 * the messages under ^^^ marks) and comments (after //, or a line's #)
 * are read; every other byte becomes a space, so offsets do not move.
 */
enum text_mode { TEXT_CODE = 0, TEXT_PROSE = 1, TEXT_ALL = 2 };

/* Writes `text` to `out` as tagging reads it in `mode`: the same length,
 * code blanked. Returns 0 when nothing was blanked (`out` then unset). */
int text_mask_code(const char *text, size_t len, enum text_mode mode, struct buf *out);

#endif
