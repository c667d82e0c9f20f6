/* flowstitch/stitcher.h - records in, deduplicated bidirectional sessions out.
 *
 * Owns: observe (per ENI and directional 5-tuple, across capture windows),
 * correlate (across ENIs, windows, NAT legs), decide direction, account
 * (each direction counted once, from one observation point), and the run's
 * session summary.  The clock is the data's (record start/end), never the
 * wall clock, so the output is deterministic.
 *
 * Facts: ../shared/docs/aws-flowlogs.md sections 1.6, 2, 3.
 */
#ifndef FLOWSTITCH_STITCHER_H
#define FLOWSTITCH_STITCHER_H

#include <stdint.h>

#include "flowstitch/eni.h"
#include "flowstitch/record.h"
#include "flowstitch/session.h"

typedef struct fst_stitcher_config {
    uint32_t idle_tcp;    /* seconds of silence that end a TCP session (default 660) */
    uint32_t idle_udp;    /* UDP (default 300) */
    uint32_t idle_icmp;   /* ICMP and ICMPv6 (default 120: one 60 s window + 60 s lag) */
    uint32_t idle_other;  /* other protocols (default 300); see docs/sessions.md */
    const fst_eni_table *meta; /* optional; borrowed, must outlive the stitcher */
    /* Optional subnets (fst_subnet_table_load, `aws ec2 describe-subnets`):
     * the subnet, VPC, AZ and account of any address in their CIDR blocks,
     * for the sessions' context (fst_session.client_ctx/server_ctx) when
     * the records do not say.  Borrowed, must outlive the stitcher. */
    const fst_subnet_table *subnets;
    /* Threads fst_stitcher_push_reader and fst_stitcher_finish use: 1 =
     * everything on the caller's thread; 2 = a second thread reads,
     * inflates, frames and parses (and computes each record's key) while
     * the caller's thread pushes, and finish sorts and correlates two
     * halves of the work at once (the callback always runs on the caller's
     * thread); 0 (default) = 2 when the machine has two or more CPUs, else
     * 1.  More than 2 is 2.  The result is the same with any value. */
    uint32_t threads;
    /* Streaming, seconds (0, the default: batch, every session is held
     * until fst_stitcher_finish).  N > 0: fst_stitcher_push_reader_stream
     * (or fst_stitcher_flush) writes a session and forgets its records as
     * soon as all of them ended more than N seconds plus the protocol's idle
     * timeout before the data's clock (the median end of the latest 256
     * timed records), so memory holds only the recent traffic.  N is how
     * late, in data time, a record may still arrive and join its session:
     * the input must come roughly in time order (fst_reader_config.
     * time_order); records arriving later are counted in records_late and
     * may make a session of their own.  Sessions are ordered within each
     * flush, ids keep counting across flushes (docs/sessions.md
     * "Streaming"). */
    uint32_t horizon;
    /* Memory cap, bytes (0, the default: half of the machine's RAM, 4 GiB
     * when it cannot be known).  The stitcher counts the bytes of what it
     * holds (window entries, connection keys, tables, ENIs) plus what
     * correlating them will need (FST_MEMCAP_RUN_BYTES per key); when that
     * reaches 3/4 of the cap, fst_stitcher_push_reader_stream (batch or
     * streaming) and fst_stitcher_flush write early the sessions idle
     * longest (the keys whose records ended earliest) until it is back to
     * half the cap, and forget them: an eviction (stats.evictions,
     * stats.sessions_evicted).  A session written early may continue later
     * as a second session; output order holds within each eviction, ids
     * keep counting (docs/sessions.md "Memory cap").  fst_stitcher_push and
     * fst_stitcher_push_reader, which have no callback, never evict: push
     * records yourself with fst_stitcher_flush between batches. */
    uint64_t memcap;
    /* Provenance (batch only: ignored when horizon > 0).  Nonzero: remember,
     * for every record pushed, the session it went to, which side sent it
     * and whether its packets and bytes are the ones counted once, exactly
     * as the engine decided (fst_stitcher_record_session).  Costs 4 bytes
     * per flow record until finish and 5 per record after it, and finish
     * correlates on one thread; at most 2^32 records (then FST_ELIMIT).
     * 0 (default): nothing kept, nothing costs. */
    uint32_t provenance;
    /* TCP connection-tracking timeout, seconds (0: the default, 432000 =
     * 5 days, aws-flowlogs.md 3.5).  With tcp-flags a record without SYN
     * continues its connection through any silence shorter than this;
     * idle_tcp then only applies to records without flags
     * (docs/sessions.md "Session boundaries"). */
    uint32_t conntrack_tcp;
} fst_stitcher_config;

/* Bytes counted per connection key held for correlating it at the end
 * (its session, its places in the output order). */
#define FST_MEMCAP_RUN_BYTES 128

void fst_stitcher_config_init(fst_stitcher_config *cfg);

typedef struct fst_eni_windows {
    const char *eni;
    uint64_t records, nodata, skipdata;
} fst_eni_windows;

/* by_enis buckets: sessions seen at 0, 1, 2, 3, and FST_BY_ENIS_MAX or more ENIs. */
#define FST_BY_ENIS_MAX 4

typedef struct fst_stitch_stats {
    uint64_t records_in;        /* records pushed (any status) */
    uint64_t records_joined;    /* flow records merged into sessions */
    uint64_t records_unusable;  /* flow records without both addresses, or with
                                 * protocol "-" (a format without ports or
                                 * protocol is used: fst_session.key_absent) */
    uint64_t nodata, skipdata;
    uint64_t sessions;          /* sessions emitted, NAT legs included */
    uint64_t nat_legs;
    uint64_t incomplete;
    uint64_t by_basis[FST_BASIS_COUNT];
    uint64_t by_enis[FST_BY_ENIS_MAX + 1]; /* [1]=1 ENI, [2], [3], [4]=4 or more; [0]=no ENI field */
    uint64_t packets_naive, bytes_naive;     /* sum over all flow records */
    uint64_t packets_counted, bytes_counted; /* sum over sessions (NAT legs excluded) */
    const fst_eni_windows *enis; /* per ENI, sorted by ENI id */
    uint64_t n_enis;
    /* streaming (cfg.horizon > 0); batch runs: 0, 0, and the groups held */
    uint64_t flushes;           /* flushes that wrote sessions before the end */
    uint64_t records_late;      /* flow records that ended before the last
                                 * flush's cut-off when they arrived */
    uint64_t groups_held_peak;  /* most connection keys held at once (at a
                                 * flush or at the end) */
    uint64_t records_folded;    /* window entries given back by folding the
                                 * settled windows of long connections */
    uint64_t context_conflicts; /* records whose account-id, vpc-id, subnet-id,
                                 * az-id, region or instance-id differed from
                                 * the first value their ENI gave (the first
                                 * is kept) */
    /* memory cap (cfg.memcap) */
    uint64_t memcap;            /* the cap in effect, bytes */
    uint64_t evictions;         /* times held state reached it */
    uint64_t sessions_evicted;  /* sessions written early by those, NAT legs included */
    uint64_t held_bytes_peak;   /* most bytes counted against the cap at once
                                 * (after a batch of records, before an eviction) */
    uint64_t sessions_no_counts; /* sessions whose records logged neither packets
                                  * nor bytes (fst_session.unknown NO_COUNTS):
                                  * their 0 is "not logged", not "no traffic" */
} fst_stitch_stats;

typedef struct fst_stitcher fst_stitcher;
/* nonzero return from the callback stops fst_stitcher_finish. */
typedef int (*fst_session_cb)(const fst_session *s, void *ud);

/* A new stitcher with a copy of *cfg (NULL: the defaults of
 * fst_stitcher_config_init); cfg->meta is borrowed and must outlive it.
 * The caller owns the result and frees it with fst_stitcher_free.  NULL
 * when out of memory. */
fst_stitcher *fst_stitcher_new(const fst_stitcher_config *cfg);
/* Take one record (OK, NODATA or SKIPDATA).  Copies what it needs: rec and
 * the strings it points to may be reused at once.  0; FST_EINVAL (st or
 * rec NULL, rec without a format, or after fst_stitcher_finish);
 * FST_ENOMEM; FST_ELIMIT (2^32 - 2 window entries held).  After an error
 * only fst_stitcher_free is safe to rely on. */
int fst_stitcher_push(fst_stitcher *st, const fst_record *rec);
/* A reader (flowstitch/reader.h). */
typedef struct fst_reader fst_reader;
/* Push every record r gives: what a loop of fst_reader_next and
 * fst_stitcher_push does, on cfg.threads threads (the reader is used by the
 * second thread until this returns; do not touch it meanwhile).  Returns 0
 * at the end of the input, or what ended it: fst_reader_next's negative code
 * (FST_ESTRICT when strict mode stopped the reader), or fst_stitcher_push's
 * (FST_ENOMEM, FST_ELIMIT, FST_EINVAL); for a push error *file and *line
 * (when not NULL) name the record, else they are set to NULL and 0.  The
 * reader's accounting is complete when this returns, except after a push
 * error with two threads (the reader may have read a little further). */
int fst_stitcher_push_reader(fst_stitcher *st, fst_reader *r, const char **file, uint64_t *line);
/* Streaming: as fst_stitcher_push_reader, and while reading hands cb, on
 * the caller's thread, the sessions that can no longer change (see
 * cfg.horizon; with horizon 0 this is fst_stitcher_push_reader and cb is
 * not called, except for an eviction, see cfg.memcap).  After the sessions
 * of each flush or eviction, cb is called once more
 * with s == NULL: everything so far is written, a point to flush output
 * (a live pipe sees each flush at once).  A nonzero return from cb stops
 * the reading (returns 0; finish then writes nothing more).
 * fst_stitcher_flush does one such step now, for callers that push records
 * themselves (with horizon 0 it only evicts when held state reached the
 * memory cap).  Both return 0 or a negative
 * code.  fst_stitcher_finish never calls cb with NULL. */
int fst_stitcher_push_reader_stream(fst_stitcher *st, fst_reader *r, fst_session_cb cb, void *ud,
                                    const char **file, uint64_t *line);
int fst_stitcher_flush(fst_stitcher *st, fst_session_cb cb, void *ud);
/* Correlate everything pushed (streaming: everything still held) and hand
 * each session to cb, ordered by first_seen, then by key; identical across
 * runs.  The session and what it points to are valid only during the
 * call.  Once only: 0; FST_EINVAL (st NULL or already finished);
 * FST_ENOMEM; or cb's nonzero return (negative codes passed back, a
 * positive one stops and gives 0). */
int fst_stitcher_finish(fst_stitcher *st, fst_session_cb cb, void *ud);
/* Provenance flags (fst_stitcher_record_session). */
enum {
    FST_REC_C2S = 1,       /* sent by the session's client (else by its server) */
    FST_REC_COUNTED = 2,   /* its packets and bytes are among those counted once:
                            * the sum over counted records is bytes_counted */
    FST_REC_DUPLICATE = 4, /* an exact copy of another record of the same ENI and
                            * direction (two flow logs on one ENI): not counted */
    FST_REC_FOLDED = 8,    /* a NAT gateway's inside leg (no pkt-* fields) folded
                            * into this session; C2S as that leg was oriented */
    FST_REC_NAT_LEG = 16   /* the session is a NAT leg (nat_leg_of): its bytes
                            * are counted in the parent, not here */
};
/* With cfg.provenance, after fst_stitcher_finish: the session record number
 * `ordinal` went to.  Ordinals count every record pushed (OK, NODATA,
 * SKIPDATA) from 0 in push order: with fst_stitcher_push_reader, the order
 * fst_reader_next gives them, on any number of threads.  1 with
 * *session_id (the id the callback saw) and *flags (FST_REC_*); 0 when the
 * record joined no session (NODATA, SKIPDATA, no 5-tuple, past the end);
 * FST_EINVAL when provenance is off, finish has not run or failed, or an
 * argument is NULL. */
int fst_stitcher_record_session(const fst_stitcher *st, uint64_t ordinal, uint64_t *session_id,
                                unsigned *flags);
/* Valid after fst_stitcher_finish, until fst_stitcher_free; owned by st.
 * NULL when st is NULL. */
const fst_stitch_stats *fst_stitcher_stats(const fst_stitcher *st);
/* Frees st and everything it holds (NULL is fine).  Sessions not yet
 * handed to a callback (no fst_stitcher_finish, or records pushed after
 * the last flush) are discarded, never emitted: freeing is not flushing. */
void fst_stitcher_free(fst_stitcher *st);

#endif
