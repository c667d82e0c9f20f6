/* util/par.h - two pieces of finish() work at once (internal).
 *
 * Owns: starting and joining the helper thread finish() uses when
 * cfg.threads allows two (correlation of the two halves of the groups, the
 * two halves of the seal sort and of the session order sort).  The two
 * calls must touch disjoint mutable state; what they share they only read.
 * When the thread cannot be started both run on the calling thread, first
 * a then b, so results never depend on it.
 */
#ifndef FST_UTIL_PAR_H
#define FST_UTIL_PAR_H

#include <stdint.h>

typedef void (*fst__par_fn)(void *arg);

/* Runs fn(b) on a new thread and fn(a) on the calling thread, then joins. */
void fst__par2(fst__par_fn fn, void *a, void *b);

/* Threads to use for cfg.threads: 1 or 2 (0 means 2 when the machine
 * reports two or more online CPUs, else 1; above 2 means 2). */
int fst__threads_of(uint32_t cfg_threads);

#endif
