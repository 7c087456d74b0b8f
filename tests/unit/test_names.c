/* The ingest writer's names (ingest/names.h), in a cache of one set of
 * two: what it remembers, which name a new one replaces, and that uses
 * age. Each step is a get (a hit gives the id, a miss nothing) or a put. */
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
	{ 'p', "ann", 1 },
	{ 'g', "ann", 1 },
	{ 'p', "bo", 2 },               /* the other way */
	{ 'g', "ann", 1 },
	{ 'g', "bo", 2 },
	{ 'g', "ann", 1 },
	{ 'g', "ann", 1 },              /* ann used 3 times since bo came, bo once */
	{ 'p', "r1", 3 },               /* replaces bo, the one used less */
	{ 'g', "bo", 0 },
	{ 'g', "r1", 3 },
	{ 'g', "ann", 1 },              /* ann: 3 / 2 + 1 = 2, r1: 1 */
	{ 'p', "r2", 4 },               /* r1 again: ann 1, r2 0 */
	{ 'g', "r1", 0 },
	{ 'g', "ann", 1 },              /* ann 2 */
	{ 'p', "r3", 5 },               /* r2 goes: ann 1 */
	{ 'p', "r4", 6 },               /* r3 goes: ann 0 */
	{ 'g', "ann", 1 },
	{ 'g', "r4", 6 },               /* ann 1, r4 1: a tie */
	{ 'p', "r5", 7 },               /* the first way goes on a tie: ann, aged out */
	{ 'g', "ann", 0 },
	{ 'g', "r4", 6 },
	{ 'g', "r5", 7 },
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_set),
		cmocka_unit_test(test_many_sets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
