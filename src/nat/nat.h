/* nat/nat.h - NAT gateway legs: inside legs folded, outside legs tied (internal).
 *
 * Owns: the NAT stage, run on the oriented sessions of a run (after
 * direction/, before account/):
 *   1. fst__nat_fold_inside (natfold.c): a NAT gateway's inside leg logged
 *      without pkt-* fields (its own address in place of the internet host)
 *      is folded into the instance's session, or paired with the outside leg;
 *   2. fst__nat_tie_legs (legs.c): each translated outside leg seen at a hop
 *      ENI gets nat_parent, the session it belongs to (not counted again).
 *
 * Facts: ../shared/docs/aws-flowlogs.md 1.6 (NAT), 5.6 (NAT example).
 */
#ifndef FST_NAT_NAT_H
#define FST_NAT_NAT_H

#include <string.h>

#include "correlate/session.h"

/* Seconds around a session in which a NAT leg may start or end. */
#define FST__NAT_SLACK 120

/* Can ENI e stand between the endpoints (a NAT gateway by metadata, or
 * seen substituting its own address)? */
static inline int fst__eni_is_hop(const fst__eni *e)
{
    return e->is_hop || (e->meta && e->meta->kind == FST__ENI_NAT_GATEWAY);
}

/* Seconds two sessions overlap (negative: the gap between them). */
static inline int64_t fst__sess_overlap(const fst__sess *a, const fst__sess *b)
{
    const int64_t s = a->first > b->first ? a->first : b->first;
    const int64_t e = a->last < b->last ? a->last : b->last;
    return e - s;
}

/* Canonical order of two sessions, the last tie-break of every NAT choice
 * (docs/sessions.md "Order independence"): first_seen, last_seen, then the
 * key (family, addresses, ports, protocol), then records and bytes; never
 * the input order.  <0, 0 (the same data), >0. */
static inline int fst__sess_canon(const fst__sess *a, const fst__sess *b)
{
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    if (a->last != b->last)
        return a->last < b->last ? -1 : 1;
    const int k = memcmp(&a->g->key, &b->g->key, sizeof a->g->key);
    if (k)
        return k;
    if (a->records != b->records)
        return a->records < b->records ? -1 : 1;
    const uint64_t ab = a->by[0] + a->by[1], bb = b->by[0] + b->by[1];
    return ab < bb ? -1 : ab > bb;
}

/* Is candidate (overlap ov, byte difference diff, session c) better than
 * the best so far (bov, bdiff, b; b NULL: none)?  Larger overlap, then
 * closer bytes, then fst__sess_canon. */
static inline int fst__nat_better(int64_t ov, uint64_t diff, const fst__sess *c, int64_t bov,
                                  uint64_t bdiff, const fst__sess *b)
{
    if (!b || ov != bov)
        return !b || ov > bov;
    if (diff != bdiff)
        return diff < bdiff;
    return fst__sess_canon(c, b) < 0;
}

/* Folds NAT gateway inside legs logged without pkt-* fields into the
 * instance's session (fst__session_absorb), then drops the absorbed ones
 * (indices change).  Run before fst__nat_tie_legs.  0 or FST_ENOMEM. */
int fst__nat_fold_inside(fst__observe *o, fst__sessions *ss);

/* Marks NAT gateway translated legs (fst__sess.nat_parent).  0 or FST_ENOMEM. */
int fst__nat_tie_legs(const fst__observe *o, fst__sessions *ss);

#endif
