/* stitch/facts.h - what every record of an ENI teaches, for a distributed
 * run (internal).
 *
 * Owns: the per-ENI facts observe learns from ALL of an ENI's records
 * (observe.h fst__eni: own-address candidates, the substituted address,
 * the flow-direction address, hop, context first values, secondary
 * addresses, record counts, SKIPDATA windows) plus the AWS service names
 * and the data's time range, gathered per input by a map task
 * (fst__facts_push), written as one line per (input, ENI), read back and
 * combined by a reducer (fst__facts_read) into exactly what one machine
 * reading every input in order would hold, and put into an observe
 * (fst__facts_seed before its records, fst__facts_apply after them).
 *
 * Order: "first value kept" and "last value kept" are resolved by stamps,
 * (rank of the input name in walk order, record number in the input);
 * candidate intersections are order-free.  A secondary address counts from
 * the first record of its ENI that named an instance (context.c); a map
 * task keeps, per address, its first record and its first record at or
 * after that input's first instance record, which is enough once the
 * global first instance record is known (fst__facts_settle).
 * Split: what correlating needs (candidates, the substituted address,
 * SKIPDATA windows; every line has the first record) goes to every
 * reducer; the rest (counts, hop, flow-direction address, context,
 * secondaries, services, times), which only merge's stages read, to one.
 * Not carried: context conflicts (a statistic only).
 */
#ifndef FST_STITCH_FACTS_H
#define FST_STITCH_FACTS_H

#include "observe/observe.h"
#include "stitch/wire.h"

typedef struct fst__stamp {
    uint64_t rank, seq; /* rank UINT64_MAX: none */
} fst__stamp;

#define FST__STAMP_NONE ((fst__stamp){UINT64_MAX, UINT64_MAX})

static inline int fst__stamp_cmp(fst__stamp a, fst__stamp b)
{
    if (a.rank != b.rank)
        return a.rank < b.rank ? -1 : 1;
    return (a.seq > b.seq) - (a.seq < b.seq);
}

typedef struct fst__secf {
    uint8_t a[16];
    fst__stamp any;   /* first record that would note it */
    fst__stamp after; /* the first at or after its input's first
                       * instance record (none: rank UINT64_MAX) */
} fst__secf;

typedef struct fst__svcf {
    uint8_t a[16];
    fst__stamp at;
    char *name; /* owned */
} fst__svcf;

typedef struct fst__skipf {
    int64_t start, end;
} fst__skipf;

typedef struct fst__efact {
    char *name;       /* owned; NULL: records without an interface-id */
    fst__stamp first; /* its first record of any kind */
    uint64_t records, nodata, skipdata;
    uint8_t learning, ncand, is_hop, has_sure, has_dir;
    uint8_t cand[2][16], sure[16], dir[16];
    fst__stamp learn_at, sure_at, dir_at, ctx_at[FST__CTX_N];
    char *ctx[FST__CTX_N]; /* owned */
    fst__secf *sec;
    uint32_t n_sec, cap_sec;
    fst__skipf *skip;
    uint32_t n_skip, cap_skip;
    fst__svcf *svc; /* services seen in its records, by key address */
    uint32_t n_svc, cap_svc;
    int64_t t_lo, t_hi; /* timed flow records' range (t_lo > t_hi: none) */
} fst__efact;

typedef struct fst__facts {
    fst__efact *v;
    uint32_t n, cap;
    fst__oatab tab; /* name -> index into v */
    uint64_t seed;
    int whole; /* reduce: some line carried the rest (a "w" token) */
    const char *last_ptr; /* map: the interned interface-id last met */
    uint32_t last_idx;
} fst__facts;

void fst__facts_init(fst__facts *f, uint64_t seed);
void fst__facts_free(fst__facts *f);
/* Forgets every ENI (a map task, after writing one input's facts). */
void fst__facts_clear(fst__facts *f);

/* Map: takes record number seq of the current input; *key gets the hash
 * of the stitcher's connection key (canonical, real addresses, metadata
 * aliases: every record of one group gets the same), or of the ENI for a
 * record without one.  0 or FST_ENOMEM. */
int fst__facts_push(fst__facts *f, const fst__prep_ctx *c, const fst_record *rec, uint64_t seq,
                    uint64_t *key);
/* Map: the facts of e (stamps: record numbers) as one line of tokens in b:
 * those correlating needs (FST__FACTS_SHARED: sent to every reducer), the
 * others (FST__FACTS_REST: to one reducer, whose part gives them to merge;
 * marked by a "w" token), or both. */
enum { FST__FACTS_SHARED = 1, FST__FACTS_REST = 2, FST__FACTS_ALL = 3 };
void fst__facts_write(const fst__efact *e, int parts, fst__wbuf *b);

/* Reduce: one line written by fst__facts_write, of the input ranked rank,
 * for ENI eni (NULL: none), combined into f.  0, FST_EINVAL (malformed),
 * FST_ENOMEM. */
int fst__facts_read(fst__facts *f, uint64_t rank, const char *eni, const char *text);
/* Combines src into dst (the same ENI).  0 or FST_ENOMEM. */
int fst__facts_combine(fst__efact *dst, const fst__efact *src);
/* After the last read: each ENI's secondary addresses as one machine
 * keeps them (at most FST__ENI_SEC_MAX, in order, in sec[0..n_sec) with the
 * stamp in .any).  0 or FST_ENOMEM. */
int fst__facts_settle(fst__facts *f);
/* The ENIs of f into o (empty), in the order one machine meets them (by
 * first stamp).  0 or FST_ENOMEM. */
int fst__facts_seed(const fst__facts *f, fst__observe *o);
/* After o took its records: every ENI's learned fields, the SKIPDATA
 * windows, the service names and the time range set from f (settled).
 * 0 or FST_ENOMEM. */
int fst__facts_apply(const fst__facts *f, fst__observe *o);

#endif
