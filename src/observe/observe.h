/* observe/observe.h - per-ENI, per-directional-5-tuple accumulation (internal).
 *
 * Owns: everything fst_stitcher_push keeps.
 *   - fst__eni: one per interface-id seen (name copy, window counts, what was
 *     learned about its own address, whether it behaved as a hop).
 *   - window entries: one per OK flow record, stored compact (fst__cwin,
 *     24 bytes, with the group's index) in blocks of FST__WCHUNK; a record
 *     whose values do not fit (times past 2106, counters >= 2^32, ...) keeps
 *     a full fst__win aside.  A window entry is one direction of one 5-tuple
 *     at one ENI in one capture window; its (ENI, direction) pair is its
 *     observation stream.
 *   - fst__group: one per canonical 5-tuple (endpoints ordered, real packet
 *     addresses, secondary IPs folded onto the ENI's primary when metadata
 *     says so) with its entry count; pooled in chunks.
 * In finish(): fst__observe_seal sorts the entries by group (in place) and
 * frees the lookup table; then an expander (fst__expander), walking a range
 * of groups in order, unpacks one group's entries at a time into its own
 * array (full fst__win) and gives back every entry block of its range
 * already passed, so entries and sessions are never all held at once.  Two
 * expanders over disjoint ranges may run on two threads.
 *   - SKIPDATA windows per ENI.
 * Correlation happens later (correlate.h) over these tables.
 * Streaming (stitcher.c, cfg.horizon): the data's clock (median end of the
 * latest records), fst__stream_split (closed groups out into a part of
 * their own, which borrows the ENIs) and fst__stream_fold (the settled
 * windows of a long connection's stream into one entry).
 *
 * Address rules (../shared/docs/aws-flowlogs.md 1.6): the real endpoints are
 * pkt-srcaddr/pkt-dstaddr when present and not "-", else srcaddr/dstaddr.
 * A record whose pkt-* differs from srcaddr/dstaddr marks which plain
 * address is the ENI's own (substituted) one.
 */
#ifndef FST_OBSERVE_OBSERVE_H
#define FST_OBSERVE_OBSERVE_H

#include <stdint.h>
#include <string.h>

#include "observe/key.h"
#include "util/oatab.h"
#include "flowstitch/stitcher.h"
#include "meta/eni.h"

#define FST__NONE UINT32_MAX

/* fst__win.bits */
enum {
    FST__W_REV = 1,        /* sender is the key's "hi" endpoint */
    FST__W_FLAGS = 2,      /* tcp-flags known */
    FST__W_SRC_SUBST = 4,  /* pkt-srcaddr given and != srcaddr */
    FST__W_DST_SUBST = 8,  /* pkt-dstaddr given and != dstaddr */
    FST__W_INST_DASH = 16, /* instance-id field present and "-" (requester-managed) */
    FST__W_DUP = 32,       /* exact duplicate of an earlier entry (set by correlate) */
    FST__W_NOTIME = 64,    /* the record had no start (format without it, or "-") */
    FST__W_NOCOUNT = 128   /* the record had neither packets nor bytes */
};

/* A window entry, unpacked (fst__expander.wins during finish; see fst__cwin). */
typedef struct fst__win {
    int64_t start;
    uint64_t packets, bytes;
    uint32_t dur;    /* end - start, seconds */
    uint32_t eni;    /* index into fst__observe.enis (0: record had no ENI) */
    uint8_t flags;   /* tcp-flags when FST__W_FLAGS */
    uint8_t action;  /* FST_ACTION_* */
    uint8_t bits;    /* FST__W_* */
    uint8_t fdir;    /* FST_DIR_* from flow-direction, 0 when absent */
    uint32_t nrec;   /* input records it stands for when more than one (a
                      * streaming fold of settled windows); 0 = one */
} fst__win;

/* A window entry as held until finish: 24 bytes. */
typedef struct fst__cwin {
    uint32_t group;     /* group index */
    uint32_t start;     /* unix seconds; with FST__CW_WIDE: index into o->wide */
    uint32_t packets, bytes;
    uint32_t eni_flags; /* ENI index (low 24 bits), tcp-flags (high 8) */
    uint16_t dur;       /* end - start */
    uint8_t bits;       /* FST__W_* (never FST__W_DUP) */
    uint8_t ad;         /* action (bits 0-1), flow direction (bits 2-3), FST__CW_WIDE */
} fst__cwin;

#define FST__CW_WIDE 0x80
#define FST__WCHUNK (1u << 18) /* entries per block (6 MiB) */

typedef struct fst__eni {
    char *name;                 /* owned; NULL for index 0 */
    const fst__eni_info *meta;  /* metadata entry or NULL */
    uint64_t records, nodata, skipdata;
    uint8_t cand[2][16];        /* plain addresses present in every record so far */
    uint8_t ncand;              /* 0..2 candidates left */
    uint8_t learning;           /* a record has been seen */
    uint8_t has_sure_own, is_hop;
    uint8_t sure_own[16];       /* a plain address pkt-* replaced: surely its own */
    uint32_t index;
    uint32_t skip_off, skip_n;  /* its SKIPDATA windows in fst__observe.skips (after index_skips) */
} fst__eni;

/* A group: 44 bytes, pooled in chunks of FST__GROUP_CHUNK, found through
 * fst__observe.gtab (open addressing, hash stored in the table). */
typedef struct fst__group {
    fst__pkey key;              /* canonical key (aliased addresses) */
    uint32_t n;                 /* window entries */
} fst__group;

#define FST__GROUP_CHUNK (1u << 17) /* 5.5 MiB blocks (fst__big_alloc) */

/* Addresses to report when they differ from the key's (metadata folded a
 * secondary IP onto the primary): few, so kept aside. */
typedef struct fst__rep {
    const fst__group *g;
    uint8_t a[2][16];           /* [0] lo, [1] hi */
} fst__rep;

/* Interned interface-id pointer -> ENI index (the parser gives equal
 * strings equal pointers; the text is still checked on every hit). */
typedef struct fst__eniptr {
    const char *p;
    uint32_t eni;
} fst__eniptr;

/* A record whose group lookup is in flight: push prefetches the table slot
 * and resolves the lookup FST__PENDING records later (FIFO, so groups are
 * still numbered in order of first sight). */
#define FST__PENDING 16
typedef struct fst__pending {
    fst__pkey key;
    uint32_t hv;
    uint32_t rec; /* its entry */
} fst__pending;

typedef struct fst__skip {
    uint32_t eni;
    int64_t start, end;
} fst__skip;

/* Ring of recent record ends kept for the streaming watermark. */
#define FST__RECENT 256

typedef struct fst__observe {
    uint64_t seed;
    const fst_eni_table *meta;
    fst__eni **enis;            /* by index; enis[0] is the "no ENI" slot */
    uint32_t n_enis, cap_enis;
    fst__oatab eni_by_name;     /* -> index into enis */
    fst__oatab eni_by_ptr;      /* -> index into eniptr */
    fst__eniptr *eniptr;
    uint32_t n_eniptr, cap_eniptr;
    fst__cwin **wchunks;        /* window entries, FST__WCHUNK per block */
    uint32_t n_wchunks, cap_wchunks, n_rec; /* blocks, records held */
    fst__win *wide;             /* entries that do not fit a fst__cwin */
    uint32_t n_wide, cap_wide;
    fst__oatab gtab;            /* canonical key -> group index */
    fst__group **chunks;        /* group pool, in order of first sight */
    uint32_t n_chunks, chunk_used, cap_chunks, n_groups;
    fst__pending pend[FST__PENDING];
    uint32_t n_pend, pend_head;
    fst__rep *reps;             /* report addresses differing from the key */
    uint32_t n_reps, cap_reps;
    fst__oatab rtab;            /* group pointer -> index into reps */
    fst__skip *skips;
    uint32_t n_skips, cap_skips;
    uint64_t records_in, unusable, nodata, skipdata;
    uint64_t packets_naive, bytes_naive;
    int64_t t_lo, t_hi;         /* earliest start, latest end of timed flow
                                 * records (t_lo > t_hi: none yet) */
    /* streaming (fst__stream_split, stream/) */
    uint8_t streaming;          /* keep the clock (recent[]) and count late records */
    uint8_t borrowed;           /* a part: enis, meta and skips belong to another observe */
    uint8_t cut_set;            /* cut[] holds the cut-offs of the last split */
    int64_t cut[FST_PROTO_COUNT];           /* by protocol: groups ending before it were split off */
    uint64_t late;              /* flow records that ended before cut[proto] when pushed */
    int64_t recent[FST__RECENT]; /* ends of the latest timed flow records (a ring) */
    uint64_t n_recent;          /* timed flow records pushed (ring position) */
} fst__observe;

int fst__observe_init(fst__observe *o, const fst_eni_table *meta, uint64_t seed);
void fst__observe_free(fst__observe *o);
/* Takes one record; 0, FST_ENOMEM, or FST_ELIMIT when o already holds
 * UINT32_MAX - 2 entries (nothing kept).  Same as fst__observe_prep followed by
 * fst__observe_push_prep. */
int fst__observe_push(fst__observe *o, const fst_record *rec);

/* Push in two halves, so that a reading thread can do the first one (see
 * stitch/feed.h).
 *
 * fst__observe_prep is a pure function of the record and of what never
 * changes after fst__observe_init (the seed and the metadata, both only
 * read): it reduces the record to a fst__prep (96 bytes: the window values,
 * the canonical key and its hash, the interned interface-id pointer) and,
 * for the few records whose plain addresses cannot be told from the key
 * (pkt-* substituted one, or metadata aliased one), a fst__prep_addrs.
 * fst__observe_push_prep does the rest on the thread that owns o: ENI lookup
 * and learning, the group table, the entry.  The interface-id text must stay
 * unchanged until push_prep has run (interned strings do). */
typedef struct fst__prep_ctx {
    uint64_t seed;
    const fst_eni_table *meta;
} fst__prep_ctx;

enum { FST__P_FLOW = 0, FST__P_UNUSABLE, FST__P_NODATA, FST__P_SKIPDATA };

typedef struct fst__prep {
    union {
        fst__pkey key;          /* FLOW: canonical key (aliased addresses) */
        struct {
            int64_t start, end; /* SKIPDATA: the window */
        } skip;
    } u;
    uint32_t hv;                /* FLOW: fst__hash of the key */
    uint8_t kind;               /* FST__P_* */
    uint8_t alias;              /* FLOW: bit 0 src, bit 1 dst address aliased by metadata */
    uint8_t addrs;              /* FLOW: 1 when a fst__prep_addrs goes with it */
    uint8_t pad_;
    const char *eni;            /* interface-id (interned), NULL when none */
    fst__win w;                 /* FLOW: the entry, w.eni not yet set */
} fst__prep;

/* The addresses of a record when they differ from the key's. */
typedef struct fst__prep_addrs {
    uint8_t src[16], dst[16];   /* srcaddr, dstaddr */
    uint8_t rs[16], rd[16];     /* real (packet) source and destination */
} fst__prep_addrs;

/* The read-only state prep needs (copied before a thread starts). */
static inline fst__prep_ctx fst__observe_prep_ctx(const fst__observe *o)
{
    const fst__prep_ctx c = {o->seed, o->meta};
    return c;
}
/* Fills *p, and *x when the record needs it; returns p->addrs (0 or 1). */
int fst__observe_prep(const fst__prep_ctx *c, const fst_record *rec, fst__prep *p,
                      fst__prep_addrs *x);
/* Takes one prepared record (x: its fst__prep_addrs when p->addrs, else
 * ignored); 0, FST_ENOMEM or FST_ELIMIT. */
int fst__observe_push_prep(fst__observe *o, const fst__prep *p, const fst__prep_addrs *x);

/* Group i (0 <= i < n_groups), in order of first sight. */
static inline fst__group *fst__observe_group(const fst__observe *o, uint32_t i)
{
    return &o->chunks[i / FST__GROUP_CHUNK][i % FST__GROUP_CHUNK];
}

/* The address to report for the lo (hi = 0) or hi (hi = 1) endpoint of g:
 * the real, most specific address seen (a secondary IP), else the key's. */
const uint8_t *fst__group_rep(const fst__observe *o, const fst__group *g, int hi);

/* Reports address a for endpoint hi of g from now on, whatever was seen
 * (natfold.c: the internet host behind a NAT gateway's own address).
 * 0 or FST_ENOMEM. */
int fst__group_set_rep(fst__observe *o, const fst__group *g, int hi, const uint8_t a[16]);

/* finish(), before correlating: drops the lookup tables and sorts the
 * entries by group (with threads 2, after the first radix pass the two
 * halves of the buckets are sorted at once, par.h).  0 or FST_ENOMEM. */
int fst__observe_seal(fst__observe *o, int threads);
/* finish(): unpacks the entries of the groups [g0, g1), one group at a
 * time, in order.  Entries of group i sit at positions [pos(i), pos(i+1))
 * after the seal, pos(i) = the sum of fst__group.n below i.  An expander
 * gives back the entry blocks that lie wholly inside its positions once it
 * has passed them (the last block with the range that ends at o->n_rec);
 * a block shared with another range stays until fst__observe_drop_entries.
 * Expanders over disjoint ranges touch disjoint blocks and slots of
 * o->wchunks, and read the rest of o only. */
typedef struct fst__expander {
    fst__win *wins;             /* entries of the group last expanded */
    uint32_t n_wins, cap_wins;
    uint32_t next_group, end_group, next_pos, end_pos;
    uint32_t next_free, end_free; /* blocks still to give back: [next_free, end_free) */
} fst__expander;

/* Sets ex up for groups [g0, g1) whose entries start at position pos0. */
void fst__expander_init(fst__expander *ex, const fst__observe *o, uint32_t g0, uint32_t g1,
                        uint32_t pos0);
void fst__expander_free(fst__expander *ex);
/* Unpacks the entries of the next group into ex->wins[0..ex->n_wins) and
 * sets *gi to its index: 1; 0 past the end of the range; FST_ENOMEM. */
int fst__expand_next(fst__observe *o, fst__expander *ex, uint32_t *gi);
/* Gives back every entry block still held (after all expanders ran). */
void fst__observe_drop_entries(fst__observe *o);

/* Resolves the group lookups still in flight (push defers a few), so that
 * n_groups counts every group.  0 or FST_ENOMEM. */
int fst__observe_settle(fst__observe *o);

/* Streaming: the data's clock, robust to a few bogus times: the median
 * end of the latest FST__RECENT timed flow records (INT64_MIN before any). */
int64_t fst__observe_clock(const fst__observe *o);

/* Sorts SKIPDATA windows by (ENI, start) and sets fst__eni.skip_off/_n. */
void fst__observe_index_skips(fst__observe *o);

/* The ENI's own address as far as known (metadata primary, a substituted
 * plain address, or the single address common to all its records); NULL
 * when unknown. */
const uint8_t *fst__eni_own(const fst__eni *e);
/* 1 when a belongs to ENI e (metadata private addresses, else own()). */
int fst__eni_has_addr(const fst__eni *e, const uint8_t a[16]);

/* The entry store, for stream/ (split and fold move entries and groups). */
#define FST__WCHUNK_BYTES ((size_t)FST__WCHUNK * sizeof(fst__cwin))
#define FST__GCHUNK_BYTES ((size_t)FST__GROUP_CHUNK * sizeof(fst__group))

/* Entry i of o (i < o->n_rec once pushed). */
static inline fst__cwin *fst__cwin_at(const fst__observe *o, uint32_t i)
{
    return &o->wchunks[i / FST__WCHUNK][i % FST__WCHUNK];
}

/* The full window entry a compact entry stands for. */
static inline void fst__cwin_unpack(const fst__observe *o, fst__win *w, const fst__cwin *c)
{
    if (c->ad & FST__CW_WIDE) {
        *w = o->wide[c->start];
        return;
    }
    memset(w, 0, sizeof *w);
    w->start = c->start;
    w->dur = c->dur;
    w->packets = c->packets;
    w->bytes = c->bytes;
    w->eni = c->eni_flags & 0xffffffu;
    w->flags = (uint8_t)(c->eni_flags >> 24);
    w->action = c->ad & 3;
    w->fdir = (c->ad >> 2) & 3;
    w->bits = c->bits;
}

/* Makes sure the group pool has a free slot.  0 or FST_ENOMEM. */
int fst__observe_group_room(fst__observe *o);
/* Inserts reps[i] of o (its group already in place) into table t, which
 * must have room (sized by fst__oatab_init: cannot fail). */
void fst__observe_rep_index(fst__observe *o, fst__oatab *t, uint32_t i);
/* Indexes every group of o in o->gtab, a table sized for them and empty. */
void fst__observe_index_groups(fst__observe *o);

#endif
