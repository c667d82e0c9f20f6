/* correlate/session.h - one session as held until output, and its evidence (internal).
 *
 * Owns: fst__sess (112 bytes + 4 per ENI) and the session store
 * fst__sessions; the direction evidence bits a session carries (FST__EVD_*,
 * gathered here while the window entries exist; direction/ turns them into
 * an orientation); building a session from window entries, with the
 * observation-point choice that counts every direction once; folding one
 * session into another (NAT inside legs, nat/).
 *
 * This is the bottom of the session engine: correlate builds sessions
 * (window entries are released there, so counting must happen there);
 * direction, nat, account, stream and stitch read and update them.
 *
 * Count-once rule (docs/sessions.md "Counting"): for each direction of a
 * session, the packets and bytes come from ONE observation stream (ENI +
 * direction): the sender's egress if logged, else the receiver's ingress,
 * else a stream whose role could not be told, else an intermediate hop (NAT,
 * TGW).  Ties: more bytes, then the smaller ENI id.  Exact duplicate records
 * (two flow logs on one ENI) count once.  Never the sum over ENIs.
 */
#ifndef FST_CORRELATE_SESSION_H
#define FST_CORRELATE_SESSION_H

#include <stdint.h>

#include "observe/observe.h"

/* fst__sess.known */
enum { FST__K_TIMES = 1, FST__K_COUNTS = 2 };

/* Direction evidence bits (fst__sess.ev); index 0 = lo->hi records, 1 = hi->lo. */
enum {
    FST__EVD_SYN0 = 1, FST__EVD_SYN1 = 2,       /* bare SYN sent by lo / hi */
    FST__EVD_SYNACK0 = 4, FST__EVD_SYNACK1 = 8, /* SYN-ACK sent by lo / hi */
    FST__EVD_REC0 = 16, FST__EVD_REC1 = 32,     /* some record in that direction */
    FST__EVD_FIRST1 = 64,                       /* earliest record was hi -> lo */
    FST__EVD_SYNFIRST1 = 128,                   /* earliest bare SYN was hi -> lo */
    FST__EVD_FIRST_TIE = 256,                   /* both directions start at the same second */
    FST__EVD_ACC0 = 512, FST__EVD_ACC1 = 1024,  /* an ACCEPT record lo->hi / hi->lo */
    FST__EVD_REJ0 = 2048, FST__EVD_REJ1 = 4096  /* a REJECT record lo->hi / hi->lo */
};

/* Observation-point role ranks (fst__session_role). */
enum {
    FST__ROLE_SHARED = 0,   /* its segment also holds another session's traffic */
    FST__ROLE_HOP = 1,      /* an intermediate hop (NAT, TGW) */
    FST__ROLE_UNKNOWN = 2,  /* the role could not be told */
    FST__ROLE_INGRESS = 3,  /* the receiver's ingress */
    FST__ROLE_EGRESS = 4    /* the sender's egress */
};

typedef struct fst__sess {
    const fst__group *g;
    int64_t first, last;
    uint64_t pk[2], by[2];  /* counted; [0] lo->hi, [1] hi->lo */
    uint64_t naive_pk, naive_by; /* summed over ALL its records (every ENI's
                                  * copy, duplicates too): what a naive sum says */
    uint32_t records;
    uint32_t eni_off, n_enis; /* ENI indices in fst__sessions.enis, sorted by name */
    uint32_t nat_parent;    /* parent session index + 1, 0 when not a NAT leg */
    uint32_t rank;          /* output position (session_id - 1) */
    uint8_t flags[2];       /* OR of known tcp-flags per direction */
    uint8_t flags_known;    /* bit d: some record of direction d had tcp-flags */
    uint16_t ev;            /* FST__EVD_* */
    uint8_t basis, client_hi, action, incomplete;
    uint8_t absorbed;       /* folded into another session (natfold.c); dropped */
    uint8_t known;          /* FST__K_*: some record carried times / counts */
    uint8_t tpath[2];       /* traffic-path of the stream counted for [d] when
                             * it is the sender's egress, 0 otherwise */
    uint8_t has_leg;        /* a NAT leg is tied to it (stitch/, after nat/) */
    uint8_t split;          /* FST_SPLIT_*: what cut it from the key's previous session */
    uint8_t has_next;       /* a later session of the same key follows it */
    uint8_t subst;          /* bit 0 / 1: some ENI logged lo / hi under a
                             * substituted address (pkt-* differed) */
} fst__sess;

typedef struct fst__sessions {
    fst__sess *v;
    uint32_t n, cap;
    uint32_t *enis;
    uint32_t n_enis, cap_enis;
} fst__sessions;

/* Frees the store's arrays and zeroes it (the groups stay o's). */
void fst__sessions_free(fst__sessions *ss);

/* Evidence bits of one record (direction rev 0/1, tcp-flags if known):
 * FST__EVD_REC*, and FST__EVD_SYN* / FST__EVD_SYNACK* from the flags. */
uint8_t fst__evidence_of(int rev, int flags_known, uint8_t flags);

/* Appends the session made of window entries w[0..n) (indices into wins,
 * the group's entries as an expander unpacked them, sorted by stream: ENI,
 * direction, start) of group g: times, records, evidence, the counted
 * packets and bytes (count once), its ENIs.  shared (NULL: none), by wins
 * index: the entry's segment also holds another session's traffic, so its
 * stream counts only when no other does (FST__ROLE_SHARED).  Reads o only.
 * 0 or FST_ENOMEM.  _prov: the same, and with provenance (ord: the records'
 * ordinals, parallel to wins; NULL when off) each record's session serial
 * (its index in ss), direction and counted bit go to o->prov (observe.h). */
int fst__session_add(const fst__observe *o, const fst__win *wins, const fst__group *g,
                     const uint32_t *w, uint32_t n, const uint8_t *shared, fst__sessions *ss);
int fst__session_add_prov(const fst__observe *o, const fst__win *wins, const uint32_t *ord,
                          const fst__group *g, const uint32_t *w, uint32_t n,
                          const uint8_t *shared, fst__sessions *ss);

/* Role rank (FST__ROLE_*) of one window entry at its ENI. */
int fst__session_role(const fst__observe *o, const fst__group *g, const fst__win *w);

/* Folds session `from` (an intermediate hop's own view of a connection, e.g.
 * a NAT gateway's inside leg logged without pkt-* fields) into session
 * `into`: records, first/last, action, SKIPDATA overlap and ENIs join; the
 * packets and bytes stay `into`'s (its observation points rank above a hop).
 * Marks `from` absorbed (provenance: notes from's serial as folded into
 * into's, observe.h).  0 or FST_ENOMEM. */
int fst__session_absorb(const fst__observe *o, fst__sessions *ss, uint32_t into, uint32_t from);
/* Removes absorbed sessions (before NAT legs are tied: indices change). */
void fst__sessions_compact(fst__sessions *ss);

#endif
