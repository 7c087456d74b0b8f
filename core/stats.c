#include <math.h>
#include <stdlib.h>

#include "mem.h"
#include "stats.h"

static double log_choose(long n, long k)
{
	return lgamma((double)n + 1) - lgamma((double)k + 1) - lgamma((double)(n - k) + 1);
}

double fisher_greater(long a, long b, long c, long d)
{
	long row = a + b, col = a + c, n = a + b + c + d;
	long hi = row < col ? row : col;
	double denom = log_choose(n, row), p = 0;

	for (long x = a; x <= hi; x++) {
		if (row - x > n - col)
			continue;       /* impossible cell */
		p += exp(log_choose(col, x) + log_choose(n - col, row - x) - denom);
	}
	return p > 1 ? 1 : p;
}

struct ranked {
	double p;
	size_t at;
};

static int by_p(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;

	return (a->p > b->p) - (a->p < b->p);
}

void bh_adjust(double *p, size_t n)
{
	struct ranked *r;
	double next = 1;

	if (!n)
		return;
	r = xcalloc(n, sizeof(*r));
	for (size_t i = 0; i < n; i++) {
		r[i].p = p[i];
		r[i].at = i;
	}
	qsort(r, n, sizeof(*r), by_p);
	/* from the largest p down: q(i) = min(q(i+1), p(i) * n / i) */
	for (size_t i = n; i-- > 0;) {
		double q = r[i].p * (double)n / (double)(i + 1);

		if (q < next)
			next = q;
		p[r[i].at] = next;
	}
	free(r);
}

void agreement_compute(struct agreement *a)
{
	double tp = (double)a->tp, fp = (double)a->fp, fn = (double)a->fn, tn = (double)a->tn;
	double n = tp + fp + fn + tn, po, pe;

	a->precision = tp + fp > 0 ? tp / (tp + fp) : NAN;
	a->recall = tp + fn > 0 ? tp / (tp + fn) : NAN;
	a->f1 = 2 * tp + fp + fn > 0 ? 2 * tp / (2 * tp + fp + fn) : NAN;
	a->kappa = NAN;
	if (n <= 0)
		return;
	po = (tp + tn) / n;
	pe = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n);
	if (pe < 1)
		a->kappa = (po - pe) / (1 - pe);
}
