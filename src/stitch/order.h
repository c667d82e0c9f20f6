/* stitch/order.h - one correlation run and the order of its sessions
 * (internal).
 *
 * Owns: fst__run (the observe store of a run: all of the input in batch
 * mode, or the groups one flush or eviction split off; its sessions; their
 * output order; the ids written before it), the room reserved for its
 * sessions, and the output order: first_seen, then client endpoint, server
 * endpoint, protocol, last_seen, records (docs/output.md "Order"), total, so
 * identical on one thread or two (the sessions counted into buckets by
 * first_seen, then each bucket sorted, the buckets split between the
 * threads).  fst__run_order sets every session's rank to its place and
 * rn->order (owned by the run, freed by its owner) to the indices in order.
 */
#ifndef FST_STITCH_ORDER_H
#define FST_STITCH_ORDER_H

#include <stdint.h>

#include "correlate/session.h"
#include "observe/observe.h"

typedef struct fst__run {
    fst__observe *o;
    fst__sessions ss;
    uint32_t *order;    /* session indices in output order */
    uint64_t id0;       /* sessions written before this run */
} fst__run;

/* Room for one session per group (most groups are one session).  0 or
 * FST_ENOMEM. */
int fst__run_reserve(fst__run *rn);
/* Client and server endpoints of s, as reported (addresses of 16 bytes). */
void fst__run_endpoints(const fst__observe *o, const fst__sess *s, const uint8_t **ca,
                        uint16_t *cp, const uint8_t **sa, uint16_t *sp);
/* Sorts the sessions into output order (two threads when threads >= 2 and
 * the run is large).  0 or FST_ENOMEM. */
int fst__run_order(fst__run *rn, int threads);

#endif
