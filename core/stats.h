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

/*
 * Agreement of a classifier with a reference over n units, from the
 * 2x2 table: tp (both say yes), fp (only the classifier), fn (only the
 * reference), tn (neither). Each figure is NAN where it is undefined:
 * precision with nothing said yes, recall with no reference yes, F1 when
 * both are undefined or zero, and Cohen's kappa when chance agreement is
 * total (both say the same thing of every unit).
 */
struct agreement {
	long tp, fp, fn, tn;
	double precision, recall, f1, kappa;
};
void agreement_compute(struct agreement *a);

#endif
