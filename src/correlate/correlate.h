/* correlate/correlate.h - join observations of one connection (internal).
 *
 * Owns: turning the groups of fst__observe (one per canonical 5-tuple) into
 * sessions: per observation stream (ENI + direction) split at port reuse
 * (SYN after FIN/RST in that stream) and idle gaps; then align the stream
 * segments across ENIs by time (at most one segment per stream in a
 * session); each cluster becomes a session (session.h).  NAT legs are
 * nat/'s.
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

/* How long a SYN may be retried (Linux: 6 retries, 127 s) before a
 * second SYN on the same 5-tuple counts as a new connection even when
 * nothing but SYNs was seen (docs/sessions.md "Session boundaries"). */
#define FST__SYN_RETRY_S 130
/* Connection tracking keeps an established TCP connection through 5 days
 * of silence (aws-flowlogs.md 3.5): the default --conntrack-timeout. */
#define FST__CONNTRACK_TCP_DEFAULT (5u * 24 * 3600)

/* Sessions of every group, appended to *ss in group order; gives back
 * every window entry block.  With threads 2 the groups are cut in two
 * ranges of about equal entries, correlated at once (par.h), half 1's
 * sessions appended after half 0's: the same array as one thread makes.
 * With provenance (o->prov) one range on one thread: records are noted with
 * their session's index in ss (session.h). */
int fst__correlate(fst__observe *o, const fst_stitcher_config *cfg, fst__sessions *ss,
                   int threads);

/* Idle timeout of a protocol from the config. */
uint32_t fst__idle_of(const fst_stitcher_config *cfg, uint8_t proto);
/* TCP connection-tracking timeout from the config (0 there: the default). */
uint32_t fst__conntrack_of(const fst_stitcher_config *cfg);

#endif
