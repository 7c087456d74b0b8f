#ifndef PAPERCUT_POOL_H
#define PAPERCUT_POOL_H

#include <stddef.h>

/*
 * An ordered parallel map: work(ctx, i, worker) runs for i = 0..n-1 on
 * `threads` worker threads, at most `window` items ahead of the caller,
 * which gets done(ctx, i) for every item in order 0, 1, 2... on its own
 * thread (the one writer). While the item it waits for is not ready, the
 * caller works on the next one itself: `worker` is 0..threads-1 on the
 * threads and `threads` on the caller, so work() needs threads + 1
 * contexts, each used by one thread at a time. When no thread can be
 * started, everything runs in order on the caller. The same results
 * whatever the threads, by construction.
 *
 * work() writes its result where done() finds it (a slot i % window of
 * the caller's); it must not fail (it records its error in the slot).
 * done() returning non-zero stops the map: items already worked on but
 * not done are left in their slots for the caller to free. Returns what
 * the last done() returned.
 */
int pool_run(size_t n, int threads, size_t window,
	     void (*work)(void *ctx, size_t i, int worker),
	     int (*done)(void *ctx, size_t i), void *ctx);

/*
 * The window for items of at most `largest` bytes each, held whole while
 * they are ahead: two a thread and two more, and up to four times that
 * while `budget` bytes of the largest fit. While the item it needs next
 * is not ready, the caller works on a later one itself, and the workers
 * go only as far as the window: ingesting the 160 MB corpus (files of
 * 1-40 KB), the worker's core was 82-86 % busy while files were stored
 * with 4, 87-94 % with 16; the load took 0.94 and 0.98 of the time at
 * 1 GB (two sets of two interleaved rounds), 0.88 and 0.95 at 160 MB.
 * Items of 100 MB (a file read ahead takes about 300 MB) keep the four.
 */
size_t pool_window(int threads, size_t largest, size_t budget);

/* Worker threads to use: $PAPERCUT_THREADS, else the online CPUs but
 * one, which the writer has (at least 1, at most 8). A worker that shares
 * a core with the writer slows the whole pipeline down: the writer is its
 * bottleneck (ingest), or near it (tag), and works itself when it would
 * wait. */
int pool_threads(void);

#endif
