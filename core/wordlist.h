#ifndef PAPERCUT_WORDLIST_H
#define PAPERCUT_WORDLIST_H

#include <stddef.h>

#include "buf.h"

/*
 * The codebook's word lists: a `[list NAME]` section's `words` (phrases
 * allowed), used in a rule as {NAME}, shared by every code and file.
 * A list becomes one PCRE2 group of alternatives, so lists cost nothing
 * at match time beyond the regex they stand for (and pass through the
 * Hyperscan prefilter like any pattern). In a phrase, a space, '-' or
 * '_' matches any run of them or none ("borrow checker" finds
 * borrow-checker, borrow_checker and BorrowChecker: patterns are
 * case-insensitive); with `inflect = yes` its first and last words take
 * their English forms (hang: hangs, hung, hanging; slow: slower, slowly).
 * A word may name another list, as {NAME}.
 */
struct wordlist {
	char *name;
	char *where;            /* "file.ini:line" of its section */
	char **words;
	size_t nwords, awords;
	int inflect;
	char *regex;            /* "(?:...)", once resolved */
	int state;              /* resolving: 0 not yet, 1 under way, 2 done */
};

struct wordlists {
	struct wordlist *v;
	size_t n, alloc;
};

void wordlists_release(struct wordlists *l);

/* The list named `name`, or NULL. */
struct wordlist *wordlist_find(const struct wordlists *l, const char *name);

/* Appends to `out` the English forms of `word` (itself first), as
 * alternatives "hang|hangs|hung|..."; a word that is not all letters
 * stands alone. */
void inflect_forms(const char *word, struct buf *out);

/*
 * Writes `in` to `out` with every {NAME} replaced by its list's group.
 * Returns NULL, or what is wrong (an unknown list, a list that names
 * itself through others), for the caller to report; free() it.
 */
char *wordlists_expand(struct wordlists *l, const char *in, struct buf *out);

/*
 * The pattern of `near = A | B, N`: A and B, either order, with at most
 * N words between them in the same passage (punctuation, `.await` and
 * `::` count as no words). Returns NULL, or what is wrong with `spec`.
 */
char *near_pattern(const char *spec, struct buf *out);

#endif
