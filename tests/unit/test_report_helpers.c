/* The statistics and the escaping the report stands on. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../core/escape.h"
#include "../../core/stats.h"

static void test_fisher(void **state)
{
	/* p-values worked out from the hypergeometric distribution */
	static const struct {
		long a, b, c, d;
		double p;
	} cases[] = {
		{ 1, 0, 0, 3, 0.25 },               /* C(1,1)C(3,0)/C(4,1) */
		{ 2, 0, 1, 1, 0.5 },                /* C(3,2)C(1,0)/C(4,2) */
		{ 1, 1, 1, 1, 5.0 / 6 },            /* 1 - C(2,2)/C(4,2) */
		{ 5, 0, 0, 5, 1.0 / 252 },          /* 1 / C(10,5) */
		{ 0, 3, 2, 1, 1.0 },                /* a = 0: always at least 0 */
		{ 3, 1, 1, 3, 17.0 / 70 },          /* (C(4,3)C(4,1) + C(4,4)) / C(8,4) */
		{ 0, 0, 0, 0, 1.0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		double p = fisher_greater(cases[i].a, cases[i].b, cases[i].c, cases[i].d);

		if (fabs(p - cases[i].p) > 1e-9)
			fail_msg("case %zu: p = %.12f, want %.12f", i, p, cases[i].p);
	}
}

static void test_agreement(void **state)
{
	/* worked by hand: po = (tp + tn) / n, pe from the margins,
	 * kappa = (po - pe) / (1 - pe) */
	static const struct {
		long tp, fp, fn, tn;
		double precision, recall, f1, kappa;
	} cases[] = {
		/* n 10: po 0.7, pe (3*4 + 7*6) / 100 = 0.54, kappa 0.16 / 0.46 */
		{ 2, 1, 2, 5, 2.0 / 3, 0.5, 4.0 / 7, 0.16 / 0.46 },
		/* perfect: po 1, pe (5*5 + 5*5) / 100 = 0.5 */
		{ 5, 0, 0, 5, 1, 1, 1, 1 },
		/* never agreeing on a yes: po 0.5, pe (1*1 + 9*9) / 100 = 0.82 */
		{ 0, 1, 1, 8, 0, 0, 0, (0.8 - 0.82) / 0.18 },
		/* both say no to everything: kappa undefined, so are P, R, F1 */
		{ 0, 0, 0, 10, NAN, NAN, NAN, NAN },
		/* both say yes to everything: pe = 1 */
		{ 4, 0, 0, 0, 1, 1, 1, NAN },
		/* the rules never say yes: precision undefined, F1 0 */
		{ 0, 0, 3, 7, NAN, 0, 0, 0 },
		/* n 20: po 0.75, pe (8*9 + 12*11) / 400 = 0.51 */
		{ 6, 2, 3, 9, 0.75, 6.0 / 9, 12.0 / 17, 0.24 / 0.49 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct agreement a = { cases[i].tp, cases[i].fp, cases[i].fn, cases[i].tn,
				       0, 0, 0, 0 };
		const double want[] = { cases[i].precision, cases[i].recall, cases[i].f1,
					cases[i].kappa };
		double have[4];

		agreement_compute(&a);
		have[0] = a.precision;
		have[1] = a.recall;
		have[2] = a.f1;
		have[3] = a.kappa;
		for (int k = 0; k < 4; k++) {
			if (isnan(want[k]) ? !isnan(have[k]) : fabs(have[k] - want[k]) > 1e-9)
				fail_msg("case %zu, figure %d: %.12f, want %.12f", i, k, have[k],
					 want[k]);
		}
	}
}

static void test_bh(void **state)
{
	/* q(i) = min over j >= i of p(j) * n / j, in the p-values' order */
	double p[] = { 0.01, 0.04, 0.03, 0.20 };
	const double want[] = { 0.04, 0.16 / 3, 0.16 / 3, 0.20 };

	(void)state;
	bh_adjust(p, 4);
	for (int i = 0; i < 4; i++)
		if (fabs(p[i] - want[i]) > 1e-12)
			fail_msg("q[%d] = %.6f, want %.6f", i, p[i], want[i]);
	bh_adjust(p, 0);
}

static void test_escapes(void **state)
{
	static const struct {
		int kind;           /* 0 html, 1 md block, 2 md inline, 3 base64 */
		const char *in, *want;
	} cases[] = {
		{ 0, "<script>alert('x')</script> & \"q\"",
		  "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;" },
		{ 0, "plain café", "plain café" },
		{ 1, "# not a title\n- not a list\n=cmd|x <b>*y*</b> `z` [l](u)",
		  "\\# not a title\n> \\- not a list\n> \\=cmd\\|x \\<b\\>\\*y\\*\\</b\\> \\`z\\` \\[l\\](u)" },
		{ 2, "#1 - a_b", "#1 - a\\_b" },
		{ 3, "", "" },
		{ 3, "f", "Zg==" },
		{ 3, "fo", "Zm8=" },
		{ 3, "foo", "Zm9v" },
		{ 3, "foobar", "Zm9vYmFy" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct buf b = BUF_INIT;

		if (cases[i].kind == 0)
			html_escape(&b, cases[i].in);
		else if (cases[i].kind == 1)
			md_escape(&b, cases[i].in, "\n> ");
		else if (cases[i].kind == 2)
			md_escape(&b, cases[i].in, " ");
		else
			base64_encode(&b, (const unsigned char *)cases[i].in, strlen(cases[i].in));
		if (strcmp(b.data, cases[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, b.data, cases[i].want);
		buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fisher),
		cmocka_unit_test(test_bh),
		cmocka_unit_test(test_agreement),
		cmocka_unit_test(test_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
