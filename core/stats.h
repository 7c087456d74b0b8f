#ifndef PAPERCUT_STATS_H
#define PAPERCUT_STATS_H

#include <stddef.h>

/*
 * One-sided Fisher's exact test on the 2x2 table
 *          has it   has not
 *   group     a        b
 *   others    c        d
 * The probability, with the margins fixed, of `a` or more (the group
 * reports it at least this much more than chance).
 */
double fisher_greater(long a, long b, long c, long d);

/* Benjamini-Hochberg: turns n p-values into q-values (in place, same
 * order), controlling the false discovery rate. */
void bh_adjust(double *p, size_t n);

#endif
