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

/* Worker threads to use: $PAPERCUT_THREADS, else the online CPUs but
 * one, which the writer has (at least 1, at most 8). A worker that shares
 * a core with the writer slows the whole pipeline down: the writer is its
 * bottleneck (ingest), or near it (tag), and works itself when it would
 * wait. */
int pool_threads(void);

#endif
