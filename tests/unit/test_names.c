/* The ingest writer's names (ingest/names.h), in a cache of one set of
 * NAME_WAYS (4): what it remembers, which name a new one replaces, and
 * that uses age. Each step is a get (a hit gives the id, a miss nothing)
 * or a put; the comments give each name's uses after the step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "../../ingest/names.h"

struct step {
	char op;            /* 'g': get, 'p': put */
	const char *name;
	sqlite3_int64 id;   /* put: the id; get: the one expected, 0: a miss */
};

static const struct step steps[] = {
	{ 'g', "ann", 0 },              /* nothing yet */
	{ 'p', "ann", 1 },              /* ann 0 */
	{ 'g', "ann", 1 },
	{ 'g', "ann", 1 },
	{ 'g', "ann", 1 },              /* ann 3 */
	{ 'p', "bo", 2 },               /* an empty place: ann 2, bo 0 */
	{ 'g', "bo", 2 },               /* bo 1 */
	{ 'p', "cy", 3 },               /* ann 1, bo 0, cy 0 */
	{ 'p', "dee", 4 },              /* the last empty place, not bo's or
					   cy's, used 0 times: all 0 */
	{ 'g', "ann", 1 },
	{ 'g', "ann", 1 },              /* ann 2 */
	{ 'g', "bo", 2 },               /* bo 1 */
	{ 'g', "dee", 4 },              /* dee 1; cy 0 */
	{ 'p', "r1", 5 },               /* replaces cy, the least used:
					   ann 1, bo 0, r1 0, dee 0 */
	{ 'g', "cy", 0 },
	{ 'g', "ann", 1 },              /* ann 2 */
	{ 'p', "r2", 6 },               /* a tie of three at 0: the first, bo */
	{ 'g', "bo", 0 },
	{ 'g', "r1", 5 },
	{ 'g', "dee", 4 },
	{ 'g', "r2", 6 },
	{ 'g', "ann", 1 },
};

static void test_one_set(void **state)
{
	struct names n;

	(void)state;
	names_init(&n, 1);
	for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		const struct step *s = &steps[i];
		sqlite3_int64 id = 0;
		int hit;

		if (s->op == 'p') {
			names_put(&n, s->name, s->id);
			continue;
		}
		hit = names_get(&n, s->name, &id);
		if (hit != (s->id != 0) || (hit && id != s->id))
			fail_msg("step %zu: get %s gave %s %lld, want %lld", i, s->name,
				 hit ? "hit" : "miss", (long long)id, (long long)s->id);
	}
	names_release(&n);
}

/* Many sets: a name put is there at once, with its id, whichever set
 * it went to and whatever that set held. */
static void test_many_sets(void **state)
{
	struct names n;
	char name[32];

	(void)state;
	names_init(&n, 64);
	for (int i = 0; i < 1000; i++) {
		sqlite3_int64 id = 0;

		snprintf(name, sizeof(name), "user%d", i);
		assert_false(names_get(&n, name, &id));
		names_put(&n, name, i + 1);
		assert_true(names_get(&n, name, &id));
		assert_int_equal(id, i + 1);
	}
	names_release(&n);
}

/* Whether a name used 1000 times is still remembered after `puts` new
 * names of its set. */
static int kept_after(int puts)
{
	struct names n;
	sqlite3_int64 id = 0;
	char name[32];
	int kept;

	names_init(&n, 1);
	names_put(&n, "ann", 1);
	for (int i = 0; i < 1000; i++)
		assert_true(names_get(&n, "ann", &id));
	for (int i = 0; i < puts; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		names_put(&n, name, i + 2);
	}
	kept = names_get(&n, "ann", &id);
	names_release(&n);
	return kept;
}

/* A name used more than NAME_USES_MAX times counts as used that many:
 * it stays through NAME_USES_MAX new names of its set, not one more. */
static void test_ageing(void **state)
{
	(void)state;
	assert_true(kept_after(NAME_USES_MAX));
	assert_false(kept_after(NAME_USES_MAX + 1));
}

/* How many of `n` new names a filter of `nbits` says it has seen, when
 * each is added once; every one of them is seen when added again. */
static int seen_of_new(size_t nbits, int n)
{
	struct name_filter f;
	char name[32];
	int seen = 0;

	name_filter_init(&f, nbits);
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "r%d@example.org", i);
		seen += name_filter_add(&f, name);
	}
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "r%d@example.org", i);
		if (!name_filter_add(&f, name))
			fail_msg("%zu bits: r%d, added before, not seen", nbits, i);
	}
	name_filter_release(&f);
	return seen;
}

/* The filter never forgets a name (the writer would store it twice); of
 * new ones, at ingest's size it takes almost none for seen, and once
 * full most (the writer then looks them up in the database). */
static void test_filter(void **state)
{
	(void)state;
	assert_int_equal(seen_of_new((size_t)1 << 24, 20000), 0);
	assert_in_range(seen_of_new(4096, 200), 0, 2);
	assert_in_range(seen_of_new(64, 200), 150, 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_set),
		cmocka_unit_test(test_many_sets),
		cmocka_unit_test(test_ageing),
		cmocka_unit_test(test_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
