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

/* Folds NAT gateway inside legs logged without pkt-* fields into the
 * instance's session (fst__session_absorb), then drops the absorbed ones
 * (indices change).  Run before fst__nat_tie_legs.  0 or FST_ENOMEM. */
int fst__nat_fold_inside(fst__observe *o, fst__sessions *ss);

/* Marks NAT gateway translated legs (fst__sess.nat_parent).  0 or FST_ENOMEM. */
int fst__nat_tie_legs(const fst__observe *o, fst__sessions *ss);

#endif
