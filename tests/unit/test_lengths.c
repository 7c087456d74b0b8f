/* Day keys (core/lengths.h): what they give, and that they never
 * contradict the order of the dates they stand for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../core/lengths.h"

static const struct {
	const char *date;
	unsigned key;
} cases[] = {
	{ NULL, DAY_UNDATED },
	{ "1970-01-01", 1 },
	{ "1970-01-31", 31 },
	{ "1970-02-01", 32 },                   /* months of 31 days */
	{ "1971-01-01", 1 + 12 * 31 },
	{ "2025-01-02", 20462 },                /* 1 + (55 * 12) * 31 + 1 */
	{ "2025-01-02T23:59:59", 20462 },       /* the time does not count */
	{ "2025-01-02 and more", 20462 },
	{ "2145-12-31", 1 + (175 * 12 + 11) * 31 + 30 },
	{ "2146-12-31", CHUNK_UNKNOWN },        /* past the last key */
	{ "1969-12-31", CHUNK_UNKNOWN },
	{ "2025-13-01", CHUNK_UNKNOWN },
	{ "2025-00-01", CHUNK_UNKNOWN },
	{ "2025-01-32", CHUNK_UNKNOWN },
	{ "2025-01-00", CHUNK_UNKNOWN },
	{ "2025/01/02", CHUNK_UNKNOWN },
	{ "2025-1-02", CHUNK_UNKNOWN },
	{ "2025-01-0", CHUNK_UNKNOWN },         /* cut short */
	{ "", CHUNK_UNKNOWN },
	{ "yesterday!", CHUNK_UNKNOWN },
};

static void test_day_key(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		unsigned got = day_key(cases[i].date);

		if (got != cases[i].key)
			fail_msg("day_key(\"%s\") = %u, want %u",
				 cases[i].date ? cases[i].date : "(null)", got, cases[i].key);
	}
}

/* A key above another's means a date after it, for every pair of the
 * cases that has keys (undated counts as before every date). */
static void test_day_key_order(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		for (size_t j = 0; j < sizeof(cases) / sizeof(*cases); j++) {
			const char *a = cases[i].date, *b = cases[j].date;
			unsigned ka = day_key(a), kb = day_key(b);

			if (ka == CHUNK_UNKNOWN || kb == CHUNK_UNKNOWN || ka <= kb)
				continue;
			if (!a || (b && strcmp(a, b) <= 0))
				fail_msg("key(%s) > key(%s) but the date is not later",
					 a ? a : "(null)", b ? b : "(null)");
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_key),
		cmocka_unit_test(test_day_key_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
