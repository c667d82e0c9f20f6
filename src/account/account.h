/* account/account.h - count once, session totals, run summary (internal).
 *
 * Owns: fst__sess (one session as held until output, 96 bytes + 4 per ENI),
 * the session store, the observation-point choice that makes every
 * direction counted once, and the fst_stitch_stats summary.
 *
 * Count-once rule (docs/sessions.md "Counting"): for each direction of a
 * session, the packets and bytes come from ONE observation stream (ENI +
 * direction): the sender's egress if logged, else the receiver's ingress,
 * else a stream whose role could not be told, else an intermediate hop (NAT,
 * TGW).  Ties: more bytes, then the smaller ENI id.  Exact duplicate records
 * (two flow logs on one ENI) count once.  Never the sum over ENIs.
 */
#ifndef FST_ACCOUNT_ACCOUNT_H
#define FST_ACCOUNT_ACCOUNT_H

#include <stdint.h>

#include "observe/observe.h"

/* fst__sess.known */
enum { FST__K_TIMES = 1, FST__K_COUNTS = 2 };

typedef struct fst__sess {
    const fst__group *g;
    int64_t first, last;
    uint64_t pk[2], by[2];  /* counted; [0] lo->hi, [1] hi->lo */
    uint32_t records;
    uint32_t eni_off, n_enis; /* ENI indices in fst__sessions.enis, sorted by name */
    uint32_t nat_parent;    /* parent session index + 1, 0 when not a NAT leg */
    uint32_t rank;          /* output position (session_id - 1) */
    uint8_t flags[2];       /* OR of known tcp-flags per direction */
    uint8_t flags_known;    /* bit d: some record of direction d had tcp-flags */
    uint16_t ev;            /* FST__EV_* (direction.h) */
    uint8_t basis, client_hi, action, incomplete;
    uint8_t absorbed;       /* folded into another session (natfold.c); dropped */
    uint8_t known;          /* FST__K_*: some record carried times / counts */
} fst__sess;

typedef struct fst__sessions {
    fst__sess *v;
    uint32_t n, cap;
    uint32_t *enis;
    uint32_t n_enis, cap_enis;
} fst__sessions;

void fst__sessions_free(fst__sessions *ss);

/* Appends the session made of window entries w[0..n) (indices into wins,
 * the group's entries as an expander unpacked them, sorted by stream: ENI,
 * direction, start) of group g.  Reads o only.  0 or FST_ENOMEM. */
int fst__account_session(const fst__observe *o, const fst__win *wins, const fst__group *g,
                         const uint32_t *w, uint32_t n, fst__sessions *ss);

/* Folds session `from` (an intermediate hop's own view of a connection, e.g.
 * a NAT gateway's inside leg logged without pkt-* fields) into session
 * `into`: records, first/last, action, SKIPDATA overlap and ENIs join; the
 * packets and bytes stay `into`'s (its observation points rank above a hop).
 * Marks `from` absorbed.  0 or FST_ENOMEM. */
int fst__account_absorb(const fst__observe *o, fst__sessions *ss, uint32_t into, uint32_t from);
/* Removes absorbed sessions (before NAT legs are tied: indices change). */
void fst__sessions_compact(fst__sessions *ss);

/* Role rank of one window entry at its ENI: 4 sender's egress, 3 receiver's
 * ingress, 2 unknown, 1 intermediate hop. */
int fst__account_role(const fst__observe *o, const fst__group *g, const fst__win *w);

/* Session totals and per-ENI windows into *st (st->enis points into
 * *eniw, which the caller owns and frees). 0 or FST_ENOMEM. */
int fst__account_summary(const fst__observe *o, const fst__sessions *ss, fst_stitch_stats *st,
                         fst_eni_windows **eniw);

#endif
