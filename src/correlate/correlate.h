/* correlate/correlate.h - join observations of one connection (internal).
 *
 * Owns: turning the groups of fst__observe (one per canonical 5-tuple) into
 * sessions: per observation stream (ENI + direction) split at port reuse
 * (SYN after FIN/RST in that stream) and idle gaps; then align the stream
 * segments across ENIs by time (at most one segment per stream in a
 * session); then find NAT gateway translated legs and tie them to the
 * session they belong to.
 *
 * Facts: ../shared/docs/aws-flowlogs.md 1.6 (NAT, TGW), 2 (flags OR-ed per
 * window), 3.1 (windows per ENI, unaligned, contiguous), 3.4 (REJECT).
 */
#ifndef FST_CORRELATE_CORRELATE_H
#define FST_CORRELATE_CORRELATE_H

#include "correlate/session.h"
#include "observe/observe.h"

/* Flow log timing facts (aws-flowlogs.md 3.1): the longest aggregation
 * window, and how late a window's records may be written after it. */
#define FST__WINDOW_MAX_S 600
#define FST__WINDOW_LAG_S 60
/* Seconds two segments of different streams may be apart and still be one
 * connection's openings: one longest window plus the lag. */
#define FST__OPEN_TOLERANCE (FST__WINDOW_MAX_S + FST__WINDOW_LAG_S)
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

/* Sessions of every group, appended to *ss in group order; gives back
 * every window entry block.  With threads 2 the groups are cut in two
 * ranges of about equal entries, correlated at once (par.h), half 1's
 * sessions appended after half 0's: the same array as one thread makes. */
int fst__correlate(fst__observe *o, const fst_stitcher_config *cfg, fst__sessions *ss,
                   int threads);

/* Folds NAT gateway inside legs logged without pkt-* fields into the
 * instance's session (natfold.c).  Run before fst__correlate_nat. */
int fst__correlate_nat_inside(fst__observe *o, fst__sessions *ss);

/* Marks NAT gateway translated legs (fst__sess.nat_parent). */
int fst__correlate_nat(const fst__observe *o, fst__sessions *ss);

/* Idle timeout of a protocol from the config. */
uint32_t fst__idle_of(const fst_stitcher_config *cfg, uint8_t proto);

#endif
