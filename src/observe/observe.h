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
 * In finish(): fst__observe_seal sorts the entries by group (in place; a
 * partitioned batch store stays as it is) and frees the lookup table; then
 * an expander (fst__expander), walking a range of groups in order, unpacks
 * one group's entries at a time into its own array (full fst__win) and
 * gives back every entry block (or partition) of its range already passed,
 * so entries and sessions are never all held at once.  Two expanders over
 * disjoint ranges may run on two threads.
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
    uint8_t tpath;   /* traffic-path code 1..8 (egress records), 0 when none */
} fst__win;

/* A window entry as held until finish: 24 bytes. */
typedef struct fst__cwin {
    uint32_t group;     /* group index */
    uint32_t start;     /* unix seconds; with FST__CW_WIDE: index into o->wide */
    uint32_t packets, bytes;
    uint32_t eni_flags; /* ENI index (low 24 bits), tcp-flags (high 8) */
    uint16_t dur;       /* end - start */
    uint8_t bits;       /* FST__W_*; the FST__W_DUP bit (never set here:
                         * correlate marks duplicates on the unpacked entry)
                         * holds bit 3 of the traffic-path code */
    uint8_t ad;         /* action (bits 0-1), flow direction (bits 2-3),
                         * traffic-path bits 0-2 (bits 4-6), FST__CW_WIDE */
} fst__cwin;

#define FST__CW_WIDE 0x80
#define FST__CW_TPATH_SHIFT 4
#define FST__CW_TPATH_LOW 7   /* traffic-path bits kept in ad */
#define FST__CW_TPATH_HIGH 8  /* the one kept in bits (as FST__W_DUP) */
#define FST__CW_TPATH_MAX 15
#define FST__WCHUNK (1u << 18) /* entries per block (6 MiB) */

/* Where an ENI lives, as its records say (v3+ fields): kept per ENI, the
 * first value seen wins; a later record with another value counts in
 * fst__observe.ctx_conflicts.  Indices of fst__eni.ctx. */
enum { FST__CTX_ACCOUNT, FST__CTX_VPC, FST__CTX_SUBNET, FST__CTX_AZ, FST__CTX_REGION,
       FST__CTX_INSTANCE, FST__CTX_N };

/* Secondary addresses learned per ENI, at most (more are not kept). */
#define FST__ENI_SEC_MAX 8

typedef struct fst__eni {
    /* what every record reads or writes (fst__observe_push_prep), and what
     * fst__eni_own reads for every stream at finish, first: the struct's
     * first 64 bytes hold all but sure_own */
    uint32_t index;
    uint8_t learning;           /* a record has been seen */
    uint8_t ncand;              /* 0..2 candidates left */
    uint8_t has_sure_own, is_hop;
    const fst__eni_info *meta;  /* metadata entry or NULL */
    uint64_t records;
    uint8_t cand[2][16];        /* plain addresses present in every record so far */
    uint8_t has_dir_own;
    uint8_t n_sec;
    uint8_t dir_own[16];        /* first plain address flow-direction marks its
                                 * own (srcaddr on egress, dstaddr on ingress) */
    uint8_t sure_own[16];       /* a plain address pkt-* replaced: surely its own */
    char *name;                 /* owned; NULL for index 0 */
    char *ctx[FST__CTX_N];      /* owned copies, NULL when never seen */
    const char *ctx_seen[FST__CTX_N]; /* interned pointer that last matched ctx[] */
    uint8_t sec[FST__ENI_SEC_MAX][16]; /* learned secondary addresses (context.c) */
    uint64_t nodata, skipdata;
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

/* A reader's dense interface-id number -> its interned pointer and ENI. */
typedef struct fst__eninum {
    const char *p;              /* NULL: number not met */
    struct fst__eni *e;
} fst__eninum;

/* A record whose group lookup is in flight: push prefetches the table slot
 * and resolves the lookup FST__PENDING records later (FIFO, so groups are
 * still numbered in order of first sight). */
#define FST__PENDING 16
typedef struct fst__pending {
    fst__pkey key;
    uint32_t hv;
    uint32_t rec; /* its entry */
    fst__cwin cw; /* partitioned: the entry itself, stored once its group is known */
} fst__pending;

/* Partitions (part.c): in batch mode without provenance, entries are kept
 * by group range, 1 << FST__PART_BITS groups per partition, each
 * partition's entries encoded one after another (fst__cwin's fields as
 * variable-length integers, the start as a difference from the entry
 * before it, the ENI as one of its group's last two when it is: ~9 bytes
 * instead of 24) in pages of FST__PPAGE bytes cut
 * from slabs of FST__PSLAB pages, until the expanders take them one
 * partition at a time (fst__observe_part_take), or fst__observe_unpartition
 * scatters them, sorted by group, to the flat blocks (before a memory-cap
 * eviction). */
#define FST__PART_BITS 11
#define FST__PPAGE 8192u  /* bytes: whole 4 KiB pages, given back one by one */
#define FST__PSLAB 768u   /* pages per slab (6 MiB) */
typedef struct fst__ppage {
    uint8_t *p;
    uint32_t used;              /* bytes written */
} fst__ppage;
/* What an entry's encoding refers to: the entries before it in its
 * partition (the encoder's, kept while pushing; the decoder's, rebuilt). */
typedef struct fst__pcodec {
    uint32_t last_start;        /* the last entry's start (the next one's base) */
    uint16_t last_x;            /* the last entry's bits (but FST__W_REV) and ad */
    uint32_t (*eni)[2];         /* per group of the partition: the ENIs of its
                                 * last entries, the latest first */
} fst__pcodec;
typedef struct fst__cpart {
    fst__ppage *pages;
    uint32_t n_pages, cap_pages;
    uint32_t n;                 /* entries */
    fst__pcodec st;
} fst__cpart;

/* AWS service names seen in pkt-src/dst-aws-service, by address (only
 * records to or from AWS service addresses carry one, so it stays small). */
typedef struct fst__awssvc_addr {
    uint8_t a[16];
    uint32_t name;              /* index into fst__awssvc.names */
} fst__awssvc_addr;

typedef struct fst__awssvc {
    fst__awssvc_addr *v;
    uint32_t n, cap;
    fst__oatab tab;             /* address -> index into v */
    char **names;               /* owned, distinct */
    uint32_t n_names, cap_names;
} fst__awssvc;

typedef struct fst__skip {
    uint32_t eni;
    int64_t start, end;
} fst__skip;

/* Provenance (fst_stitcher_config.provenance, batch only): which session
 * each input record went to, its direction and whether it was counted,
 * exactly as correlate and the NAT stage decided.  Records are named by
 * their ordinal: records_in before they were pushed (0, 1, ... in push
 * order, which is reader order with any thread count).
 *   ord:  per entry, its record's ordinal; follows the entries through the
 *         seal sort (seal.c) and the expander (fst__expander.ord);
 *   sess, bits: per ordinal, written by fst__session_note (session.c) when
 *         the entry is put in a session: the session's serial + 1 (0: no
 *         session) and FST__PV_*; stitch/ turns serials into session ids;
 *   alias, chi: per serial, the serial + 1 a session was folded into
 *         (fst__session_absorb) and the folded session's client_hi.
 * Serials are fst__sess.rank values set by stitch/ right after correlate
 * (the session's index then), so they survive compaction. */
enum {
    FST__PV_REV = 1,     /* sent by the key's hi endpoint */
    FST__PV_COUNTED = 2, /* in the stream count-once chose, not a duplicate */
    FST__PV_DUP = 4      /* an exact duplicate (not counted) */
};

typedef struct fst__prov {
    uint32_t *ord;
    uint32_t cap_ord;
    uint32_t *sess;
    uint8_t *bits;
    uint64_t n;                 /* ordinals sess/bits hold */
    uint32_t *alias;
    uint8_t *chi;
    uint32_t n_serial;
} fst__prov;

/* Ring of recent record ends kept for the streaming watermark. */
#define FST__RECENT 256

typedef struct fst__observe {
    uint64_t seed;
    const fst_eni_table *meta;
    fst__eni **enis;            /* by index; enis[0] is the "no ENI" slot */
    uint32_t n_enis, cap_enis;
    fst__oatab eni_by_name;     /* -> index into enis */
    fst__oatab eni_by_ptr;      /* -> index into eniptr */
    uint8_t ptrs_trusted;       /* eniptr holds one reader's interned pointers
                                 * only: a hit needs no check of the text */
    fst__eniptr *eniptr;
    uint32_t n_eniptr, cap_eniptr;
    fst__eninum *eni_num;       /* by the reader's dense interface-id number
                                 * (fst_record.eni) while ptrs_trusted */
    uint32_t cap_eni_num;
    fst__cwin **wchunks;        /* window entries, FST__WCHUNK per block */
    uint32_t n_wchunks, cap_wchunks, n_rec; /* blocks, records held */
    fst__win *wide;             /* entries that do not fit a fst__cwin */
    uint32_t n_wide, cap_wide;
    fst__oatab gtab;            /* canonical key -> group index */
    fst__group **chunks;        /* group pool, in order of first sight */
    uint32_t n_chunks, chunk_used, cap_chunks, n_groups;
    fst__pending pend[FST__PENDING];
    uint8_t partitioned;        /* entries go to parts, not wchunks (part.c) */
    fst__cpart *parts;          /* by group >> FST__PART_BITS */
    uint32_t n_parts, cap_parts;
    uint8_t **slabs;            /* partition page memory */
    uint32_t n_slabs, cap_slabs, slab_used;
    uint32_t n_pend, pend_head;
    fst__rep *reps;             /* report addresses differing from the key */
    uint32_t n_reps, cap_reps;
    fst__oatab rtab;            /* group pointer -> index into reps */
    fst__skip *skips;
    uint32_t n_skips, cap_skips;
    uint64_t records_in, unusable, nodata, skipdata;
    uint64_t packets_naive, bytes_naive;
    uint64_t ctx_conflicts;     /* records whose context field disagreed with
                                 * the first value their ENI gave */
    fst__awssvc svc;               /* AWS service names by address (a part's is empty) */
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
    fst__prov *prov;            /* provenance, or NULL (off: nothing kept) */
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
 * read): it reduces the record to a fst__prep (104 bytes: the window values,
 * the canonical key and its hash, the interned interface-id pointer) and,
 * for the few records whose plain addresses cannot be told from the key
 * (pkt-* substituted one, or metadata aliased one), a fst__prep_addrs.
 * fst__observe_push_prep does the rest on the thread that owns o: ENI lookup
 * and learning, the group table, the entry.  The interface-id text must stay
 * unchanged until push_prep has run (interned strings do). */
typedef struct fst__prep_ctx {
    uint64_t seed;
    const fst_eni_table *meta;
    int hash;                   /* 0: leave p->hv to fst__observe_prep_hash (a
                                 * parse thread, which has no seed) */
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
    uint8_t where;              /* 1 when a fst__prep_where goes with it */
    const char *eni;            /* interface-id (interned), NULL when none */
    fst__win w;                 /* FLOW: the entry; w.eni holds the reader's
                                 * dense number of the interface-id
                                 * (fst_record.eni, 0: none) until push_prep
                                 * sets the ENI index (every kind) */
} fst__prep;

/* The addresses of a record when they differ from the key's. */
typedef struct fst__prep_addrs {
    uint8_t src[16], dst[16];   /* srcaddr, dstaddr */
    uint8_t rs[16], rd[16];     /* real (packet) source and destination */
} fst__prep_addrs;

/* Context of a record whose format has any of the context fields: the
 * interned ids (account-id, vpc-id, subnet-id, az-id, region, instance-id;
 * NULL when absent or "-") and the AWS service names of its source and
 * destination (copied: raw tokens do not outlive the line; "" when none). */
#define FST__SVC_LEN 40
typedef struct fst__prep_where {
    const char *id[FST__CTX_N];
    char svc[2][FST__SVC_LEN];
    uint8_t check_text;         /* compare the ids' text, not only pointers */
} fst__prep_where;

/* The read-only state prep needs (copied before a thread starts). */
static inline fst__prep_ctx fst__observe_prep_ctx(const fst__observe *o)
{
    const fst__prep_ctx c = {o->seed, o->meta, 1};
    return c;
}
/* Fills *p, *x when the record needs it (returns p->addrs, 0 or 1), and
 * *wh when the record's format has a context field (sets p->where). */
int fst__observe_prep(const fst__prep_ctx *c, const fst_record *rec, fst__prep *p,
                      fst__prep_addrs *x, fst__prep_where *wh);

/* Prep on a parse thread, whose records carry no interned ids (parse/rows.h):
 * fst__observe_prep with a context without metadata (aliasing needs the
 * caller's table, which may not outlive the parse threads), then, on the
 * reading thread, the interned ids (p->eni and p->w.eni; wh->id[]) set from
 * the fields fst__prep_id_field names and the key hashed with the real
 * seed (fst__observe_prep_hash).  The result is fst__observe_prep's. */
#define FST__PREP_IDS (1 + FST__CTX_N)
/* The record field of prep id slot i: 0 interface-id, 1 + k context slot k. */
int fst__prep_id_field(int i);
/* Sets p->hv for a FLOW item from its key and c's seed. */
void fst__observe_prep_hash(const fst__prep_ctx *c, fst__prep *p);
/* Takes one prepared record (x: its fst__prep_addrs when p->addrs, wh its
 * fst__prep_where when p->where, else ignored); 0, FST_ENOMEM or
 * FST_ELIMIT. */
int fst__observe_push_prep(fst__observe *o, const fst__prep *p, const fst__prep_addrs *x,
                           const fst__prep_where *wh);
/* Starts loading the ENI state p will touch (its record's ENI, when its
 * number was met before): a pusher calls it some items ahead. */
void fst__observe_prefetch_eni(const fst__observe *o, const fst__prep *p);
/* context.c: fills *wh from rec when its format has a context or service
 * field (1), else 0; takes *wh for ENI e and the record's real source and
 * destination (NULL for a record without addresses).  0 or FST_ENOMEM. */
int fst__observe_prep_where(const fst_record *rec, fst__prep_where *wh);
int fst__observe_take_where(fst__observe *o, fst__eni *e, const fst__prep_where *wh,
                            const uint8_t *src, const uint8_t *dst);
/* context.c: an instance's ENI (its records name an instance) whose own
 * plain address pkt-* replaced (source on egress, destination on ingress)
 * sent or received with a secondary address: pkt is one of its own. */
void fst__eni_note_secondary(fst__eni *e, const fst__win *w, const uint8_t *rs, const uint8_t *rd);
/* 1 when a is ENI e's own address for the sessions' context: metadata
 * private addresses; else a learned secondary, the address flow-direction
 * marked, the one address present in all its records, or (one peer only)
 * the address pkt-* replaced. */
int fst__eni_ctx_owns(const fst__eni *e, const uint8_t a[16]);
/* A new reader is about to be fed: the interned pointers remembered per
 * ENI and in the ENI pointer table may now name other text, so they are
 * forgotten (the text stays); until the next fst__observe_push, pointers
 * are trusted (the reader keeps its interned strings unchanged). */
void fst__observe_forget_ids(fst__observe *o);

/* Distributed runs (stitch/facts.c, stitch/shard.c): the ENI named name,
 * created (with its metadata) when new; NULL out of memory.  context.c:
 * the AWS service name of address a (the first name given stays; 0 or
 * FST_ENOMEM), and every service name forgotten. */
fst__eni *fst__observe_eni_add(fst__observe *o, const char *name);
int fst__observe_svc_add(fst__observe *o, const uint8_t a[16], const char *name);
void fst__observe_svc_clear(fst__observe *o);

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

/* part.c: partitions on for o (batch mode: not streaming, no provenance,
 * before the first entry; else nothing changes). */
void fst__observe_parts_on(fst__observe *o);
/* part.c: appends entry c (its group set) to its group's partition.  0 or
 * FST_ENOMEM. */
int fst__observe_part_add(fst__observe *o, const fst__cwin *c);
/* part.c: partitions off (the caller has run fst__observe_settle, so no
 * record is pending; part.c calls nothing in observe.c, which calls it):
 * every entry to the flat blocks, sorted by group
 * (each group's in push order; the two halves of the partitions on two
 * threads when threads >= 2); later entries go to the flat blocks.  No-op
 * when o is not partitioned.  0 or FST_ENOMEM (the entries are then lost:
 * the caller fails). */
int fst__observe_unpartition(fst__observe *o, int threads);
/* part.c: frees the partitions' memory (fst__observe_free). */
void fst__observe_parts_free(fst__observe *o);

/* finish(), before correlating: drops the lookup tables and sorts the
 * entries by group (with threads 2, after the first radix pass the two
 * halves of the buckets are sorted at once, par.h); partitioned entries
 * are left for the expanders.  0 or FST_ENOMEM. */
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
    uint32_t *ord;              /* with o->prov: their records' ordinals (cap_wins) */
    uint32_t next_group, end_group, next_pos, end_pos;
    uint32_t next_free, end_free; /* blocks still to give back: [next_free, end_free) */
    /* o still partitioned (a batch seal): the partition being read, sorted by
     * group (fst__observe_part_take), and the next group's place in it */
    fst__cwin *pbuf;
    uint32_t cap_pbuf, part, pnext;
    uint32_t *pcur;             /* 1 << FST__PART_BITS places */
} fst__expander;

/* Sets ex up for groups [g0, g1) whose entries start at position pos0.
 * While o is partitioned (a batch seal), g0 and g1 must be partition
 * boundaries (multiples of 1 << FST__PART_BITS, or n_groups): an expander
 * takes whole partitions. */
void fst__expander_init(fst__expander *ex, const fst__observe *o, uint32_t g0, uint32_t g1,
                        uint32_t pos0);
void fst__expander_free(fst__expander *ex);
/* Unpacks the entries of the next group into ex->wins[0..ex->n_wins) and
 * sets *gi to its index: 1; 0 past the end of the range; FST_ENOMEM. */
int fst__expand_next(fst__observe *o, fst__expander *ex, uint32_t *gi);
/* Gives back every entry block still held (after all expanders ran). */
void fst__observe_drop_entries(fst__observe *o);
/* Partition p's entries, sorted by group (each group's in push order), into
 * *buf (grown to *cap; cur: 1 << FST__PART_BITS places of scratch); the
 * partition's memory is given back.  0 or FST_ENOMEM.  Expanders over
 * disjoint partitions may run at once. */
int fst__observe_part_take(fst__observe *o, uint32_t p, fst__cwin **buf, uint32_t *cap,
                           uint32_t *cur);

/* Provenance on (before any push); 0 or FST_ENOMEM.  Freed with o. */
int fst__observe_prov_on(fst__observe *o);

/* Resolves the group lookups still in flight (push defers a few), so that
 * n_groups counts every group.  0 or FST_ENOMEM. */
int fst__observe_settle(fst__observe *o);

/* Streaming: the data's clock, robust to a few bogus times: the median
 * end of the latest FST__RECENT timed flow records (INT64_MIN before any). */
int64_t fst__observe_clock(const fst__observe *o);

/* The bytes o holds (--memcap): entries and groups in use (their blocks
 * are touched in order, and stream/ gives back the pages past the end of a
 * block left partly used), the wide entries, the lookup tables, reported
 * addresses, SKIPDATA windows, ENIs (FST__ENI_BYTES each: the struct, its
 * name and context strings, its table slots) and the pointer arrays.  O(1): read after every
 * batch of records. */
#define FST__ENI_BYTES (sizeof(fst__eni) + 64 + FST__CTX_N * 32)
uint64_t fst__observe_held_bytes(const fst__observe *o);

/* Sorts SKIPDATA windows by (ENI, start) and sets fst__eni.skip_off/_n. */
void fst__observe_index_skips(fst__observe *o);

/* The ENI's own address as far as known (metadata primary, a substituted
 * plain address, or the single address common to all its records); NULL
 * when unknown. */
const uint8_t *fst__eni_own(const fst__eni *e);
/* 1 when a belongs to ENI e (metadata private addresses, else own()). */
int fst__eni_has_addr(const fst__eni *e, const uint8_t a[16]);

/* The ENI named name, NULL when never seen (read only; not for a part of a
 * split, whose name table is empty). */
const fst__eni *fst__observe_eni_find(const fst__observe *o, const char *name);

/* The AWS service (pkt-*-aws-service) seen for address a (16 bytes, as in
 * keys), NULL when none.  The first name seen for an address wins. */
const char *fst__svc_of(const fst__observe *o, const uint8_t a[16]);

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
    w->tpath = (uint8_t)(((c->ad >> FST__CW_TPATH_SHIFT) & FST__CW_TPATH_LOW) |
                         (c->bits & FST__W_DUP ? FST__CW_TPATH_HIGH : 0));
    w->bits = c->bits & (uint8_t)~FST__W_DUP;
}

/* Makes sure the group pool has a free slot.  0 or FST_ENOMEM. */
int fst__observe_group_room(fst__observe *o);
/* Inserts reps[i] of o (its group already in place) into table t, which
 * must have room (sized by fst__oatab_init: cannot fail). */
void fst__observe_rep_index(fst__observe *o, fst__oatab *t, uint32_t i);
/* Indexes every group of o in o->gtab, a table sized for them and empty. */
void fst__observe_index_groups(fst__observe *o);

#endif
