#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "mem.h"
#include "pool.h"

struct pool {
	size_t n, window, next, consumed;
	unsigned char *finished;        /* per slot */
	int stop;
	pthread_mutex_t lock;
	pthread_cond_t can_work, has_done;
	void (*work)(void *ctx, size_t i, int worker);
	void *ctx;
};

struct worker {
	struct pool *p;
	int id;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->p;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&p->lock);
		while (!p->stop && p->next < p->n && p->next >= p->consumed + p->window)
			pthread_cond_wait(&p->can_work, &p->lock);
		if (p->stop || p->next >= p->n) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		i = p->next++;
		pthread_mutex_unlock(&p->lock);

		p->work(p->ctx, i, w->id);

		pthread_mutex_lock(&p->lock);
		p->finished[i % p->window] = 1;
		pthread_cond_broadcast(&p->has_done);
		pthread_mutex_unlock(&p->lock);
	}
}

int pool_run(size_t n, int threads, size_t window,
	     void (*work)(void *ctx, size_t i, int worker),
	     int (*done)(void *ctx, size_t i), void *ctx)
{
	struct pool p = { .n = n, .window = window ? window : 1, .work = work, .ctx = ctx };
	pthread_t *tid;
	struct worker *w;
	int rc = 0, started = 0;

	if (threads < 1)
		threads = 1;
	p.finished = xcalloc(p.window, 1);
	tid = xcalloc((size_t)threads, sizeof(*tid));
	w = xcalloc((size_t)threads, sizeof(*w));
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.can_work, NULL);
	pthread_cond_init(&p.has_done, NULL);
	for (int t = 0; t < threads; t++) {
		w[t].p = &p;
		w[t].id = t;
		if (pthread_create(&tid[t], NULL, worker_main, &w[t]))
			break;
		started++;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		pthread_mutex_lock(&p.lock);
		/* while item i is not ready, the caller works as a worker would */
		while (!p.finished[i % p.window]) {
			size_t j = p.next;

			if (j >= n || j >= i + p.window) {
				pthread_cond_wait(&p.has_done, &p.lock);
				continue;
			}
			p.next++;
			pthread_mutex_unlock(&p.lock);
			work(ctx, j, threads);
			pthread_mutex_lock(&p.lock);
			p.finished[j % p.window] = 1;
		}
		p.finished[i % p.window] = 0;
		pthread_mutex_unlock(&p.lock);

		rc = done(ctx, i);

		pthread_mutex_lock(&p.lock);
		p.consumed = i + 1;
		if (rc)
			p.stop = 1;
		pthread_cond_broadcast(&p.can_work);
		pthread_mutex_unlock(&p.lock);
	}
	pthread_mutex_lock(&p.lock);
	p.stop = 1;
	pthread_cond_broadcast(&p.can_work);
	pthread_mutex_unlock(&p.lock);
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.can_work);
	pthread_cond_destroy(&p.has_done);
	free(p.finished);
	free(tid);
	free(w);
	return rc;
}

size_t pool_window(int threads, size_t largest, size_t budget)
{
	size_t least = 2 * (size_t)(threads < 1 ? 1 : threads) + 2, most = 4 * least;
	size_t fit = budget / (largest ? largest : 1);

	return fit < least ? least : fit > most ? most : fit;
}

int pool_threads(void)
{
	const char *env = getenv("PAPERCUT_THREADS");
	long n = env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN) - 1;

	if (n < 1)
		n = 1;
	return n > 8 ? 8 : (int)n;
}
