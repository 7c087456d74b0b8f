/* The ordered pool (core/pool.h): every item worked once and done in
 * order, never more than the window ahead; each worker context used by
 * one thread at a time, the caller's own (`threads`) on the caller alone;
 * and how many workers it takes by default. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../core/pool.h"

#define ITEMS 200

struct run {
	pthread_t caller;
	pthread_mutex_t lock;
	int worked[ITEMS];
	size_t started_max;         /* the highest item begun */
	size_t done_next;           /* the item done() expects */
	size_t lead;                /* the furthest work() ran ahead of done() */
	int threads;
	int busy[8];                /* work() running with each context */
	int bad_context;            /* a context shared, or the caller's misused */
	int fail_at;                /* done() fails there; -1: never */
};

static void work(void *ctx, size_t i, int worker)
{
	struct run *r = ctx;

	pthread_mutex_lock(&r->lock);
	r->worked[i]++;
	if (i > r->started_max)
		r->started_max = i;
	if (i - r->done_next > r->lead)
		r->lead = i - r->done_next;
	if (worker < 0 || worker > r->threads) {
		r->bad_context = 1;
		pthread_mutex_unlock(&r->lock);
		return;
	}
	if (r->busy[worker]++ ||
	    !pthread_equal(pthread_self(), r->caller) != (worker < r->threads))
		r->bad_context = 1;
	pthread_mutex_unlock(&r->lock);
	usleep(i % 7 ? 10 : 300);    /* items of unequal cost */
	pthread_mutex_lock(&r->lock);
	r->busy[worker]--;
	pthread_mutex_unlock(&r->lock);
}

static int done(void *ctx, size_t i)
{
	struct run *r = ctx;
	int rc;

	pthread_mutex_lock(&r->lock);
	if (i != r->done_next)
		rc = 99;    /* out of order */
	else
		rc = (int)i == r->fail_at ? 7 : 0;
	r->done_next = i + 1;
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static void test_pool_run(void **state)
{
	static const struct {
		int threads;
		size_t window;
		int fail_at;
	} cases[] = {
		{ 1, 1, -1 },
		{ 1, 4, -1 },       /* one worker: still beside the writer */
		{ 2, 6, -1 },
		{ 3, 8, -1 },
		{ 3, 2, -1 },
		{ 2, 6, 50 },       /* done() fails: the map stops there */
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(*cases); c++) {
		struct run r;
		int rc;

		memset(&r, 0, sizeof(r));
		r.caller = pthread_self();
		r.threads = cases[c].threads;
		r.fail_at = cases[c].fail_at;
		pthread_mutex_init(&r.lock, NULL);
		rc = pool_run(ITEMS, cases[c].threads, cases[c].window, work, done, &r);
		pthread_mutex_destroy(&r.lock);
		if (r.bad_context)
			fail_msg("case %zu: a worker context used wrongly", c);
		if (cases[c].fail_at >= 0) {
			if (rc != 7 || r.done_next != (size_t)cases[c].fail_at + 1)
				fail_msg("case %zu: returned %d after %zu done, want 7 after %d",
					 c, rc, r.done_next, cases[c].fail_at + 1);
			if (r.started_max >= (size_t)cases[c].fail_at + 1 + cases[c].window)
				fail_msg("case %zu: item %zu begun past the window", c, r.started_max);
			continue;
		}
		if (rc || r.done_next != ITEMS)
			fail_msg("case %zu: returned %d after %zu done", c, rc, r.done_next);
		for (size_t i = 0; i < ITEMS; i++)
			if (r.worked[i] != 1)
				fail_msg("case %zu: item %zu worked %d times", c, i, r.worked[i]);
		if (r.lead >= cases[c].window)
			fail_msg("case %zu: work ran %zu ahead, window %zu", c, r.lead,
				 cases[c].window);
	}
}

static void test_pool_threads(void **state)
{
	static const struct {
		const char *env;
		int want;
	} cases[] = {
		{ "3", 3 },
		{ "1", 1 },
		{ "0", 1 },
		{ "-2", 1 },
		{ "99", 8 },
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int want = cpus - 1 < 1 ? 1 : cpus - 1 > 8 ? 8 : (int)cpus - 1;

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(*cases); c++) {
		setenv("PAPERCUT_THREADS", cases[c].env, 1);
		if (pool_threads() != cases[c].want)
			fail_msg("PAPERCUT_THREADS=%s: %d workers, want %d", cases[c].env,
				 pool_threads(), cases[c].want);
	}
	/* the CPUs but the writer's */
	unsetenv("PAPERCUT_THREADS");
	assert_int_equal(pool_threads(), want);
}

/* Two a thread and two more, up to four times that while the budget
 * holds that many of the largest item. */
static void test_pool_window(void **state)
{
	static const struct {
		int threads;
		size_t largest, budget, want;
	} cases[] = {
		{ 1, 40 << 10, 8 << 20, 16 },       /* small files: four times */
		{ 3, 40 << 10, 8 << 20, 32 },
		{ 1, 0, 8 << 20, 16 },              /* empty files */
		{ 1, 1 << 20, 8 << 20, 8 },         /* as many as the budget holds */
		{ 1, 700 << 10, 8 << 20, 11 },
		{ 1, 2 << 20, 8 << 20, 4 },
		{ 1, (size_t)100 << 20, 8 << 20, 4 },   /* never fewer than before */
		{ 2, (size_t)100 << 20, 8 << 20, 6 },
		{ 0, 40 << 10, 8 << 20, 16 },       /* no threads: as one */
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(*cases); c++) {
		size_t got = pool_window(cases[c].threads, cases[c].largest, cases[c].budget);

		if (got != cases[c].want)
			fail_msg("case %zu: window %zu, want %zu", c, got, cases[c].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_run),
		cmocka_unit_test(test_pool_window),
		cmocka_unit_test(test_pool_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
