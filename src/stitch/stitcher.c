/* stitch/stitcher.c - the public fst_stitcher object (include/flowstitch/stitcher.h).
 *
 * Owns: the wiring.  push -> observe (push_reader -> feed: a reader's
 * records, read on a second thread when cfg.threads says so); finish -> correlate (sessions) ->
 * direction (flags, then learned services, then fallbacks) -> NAT legs ->
 * order (first_seen, then key) and ids -> account summary -> callback.
 * With cfg.threads 2, finish runs the seal sort, the correlation and the
 * order sort as two halves at once (par.h); the rest, and every callback,
 * stay on the caller's thread.
 * Batch by default: correctness over records delivered in any order
 * (docs/sessions.md).  Streaming (cfg.horizon): between batches of pushed
 * records, the data's clock decides which groups can no longer change;
 * those are split off (fst__stream_split) and run through the same
 * pipeline as a run of their own, ids continuing; long connections' settled
 * windows are folded (fst__stream_fold) and old learned services forgotten.
 * Memory cap (cfg.memcap), batch or streaming: after every batch of records
 * the bytes held are counted; at 3/4 of the cap the keys idle longest are
 * split off (fst__stream_evict) and written the same way.
 * Provenance (cfg.provenance, batch): every record's session, direction and
 * counted bit, as noted by correlate, renumbered to session ids here.
 * Distributed runs (flowstitch/shard.h): a reducer seeds obs with the
 * facts of every input (facts.c) before its records, applies them after,
 * correlates and writes its part (finish_part, shard.c); merge loads the
 * parts (load_part) and finish runs from the direction stage on.
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "account/account.h"
#include "util/community.h"
#include "correlate/correlate.h"
#include "nat/nat.h"
#include "direction/direction.h"
#include "stitch/context.h"
#include "stitch/facts.h"
#include "stitch/feed.h"
#include "stitch/order.h"
#include "stitch/shard.h"
#include "stream/stream.h"
#include "observe/observe.h"
#include "util/par.h"
#include "flowstitch/errors.h"
#include "flowstitch/shard.h"
#include "flowstitch/stitcher.h"
#include "util/sha1.h"

#define FST__SEED 0x5f1ed5717c4e0ULL /* fixed: output never depends on it */

typedef fst__run run;

struct fst_stitcher {
    fst_stitcher_config cfg;
    fst__observe obs;
    run last;           /* the run of finish() */
    fst__learned learned;
    fst_stitch_stats stats;
    fst_stitch_stats flushed; /* streaming: the flushes so far (session counts,
                              * flushes, groups_held_peak, records_folded) */
    fst_eni_windows *eniw;
    int finished;
    int stopped;        /* a callback asked to stop */
    int sha_ni;         /* the CPU has the SHA extensions (asked once) */
    /* streaming */
    fst_session_cb scb; /* the callback of fst_stitcher_push_reader_stream */
    void *sud;
    int64_t next_flush; /* data clock of the next flush; INT64_MIN: not set */
    uint64_t ticks;     /* calls of stream_tick */
    int stream;         /* the feed runs with the streaming flushes */
    /* distributed runs (flowstitch/shard.h) */
    fst__facts facts;   /* reduce: every input's facts, combined */
    int facts_on;       /* facts were given */
    int seeded;         /* their ENIs are in obs (records may come) */
    int loaded;         /* merge: sessions loaded, nothing to correlate */
    uint64_t loaded_records; /* merge: obs.records_in as the parts counted it
                              * (any more came from a push: refused) */
    fst__loader loader;
};

/* What correlating one held key needs at the end: its session, its places
 * in the output order (and the merge buffer), about one ENI index. */
_Static_assert(sizeof(fst__sess) + 3 * sizeof(uint32_t) <= FST_MEMCAP_RUN_BYTES,
               "FST_MEMCAP_RUN_BYTES too small for a session");

/* Default idle timeouts (docs/sessions.md): TCP keepalives may be one
 * longest window plus the lag apart; ICMP gets a bit more than one 60 s
 * window plus the lag. */
#define IDLE_TCP_DEFAULT (FST__WINDOW_MAX_S + FST__WINDOW_LAG_S)
#define IDLE_UDP_DEFAULT 300
#define IDLE_ICMP_DEFAULT 120
#define IDLE_OTHER_DEFAULT 300

void fst_stitcher_config_init(fst_stitcher_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->idle_tcp = IDLE_TCP_DEFAULT;
    cfg->idle_udp = IDLE_UDP_DEFAULT;
    cfg->idle_icmp = IDLE_ICMP_DEFAULT;
    cfg->idle_other = IDLE_OTHER_DEFAULT;
    cfg->conntrack_tcp = FST__CONNTRACK_TCP_DEFAULT;
    cfg->meta = NULL;
    cfg->subnets = NULL;
}

/* The default memory cap: half of the RAM, 4 GiB when unknown. */
#define MEMCAP_UNKNOWN_RAM ((uint64_t)8 << 30)

static uint64_t default_memcap(void)
{
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    const uint64_t ram = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page
                                               : MEMCAP_UNKNOWN_RAM;
    return ram / 2;
}

fst_stitcher *fst_stitcher_new(const fst_stitcher_config *cfg)
{
    fst_stitcher *st = fst__calloc(1, sizeof *st);
    if (!st)
        return NULL;
    if (cfg)
        st->cfg = *cfg;
    else
        fst_stitcher_config_init(&st->cfg);
    st->learned.seed = FST__SEED ^ 0x1ea4ULL;
    fst__facts_init(&st->facts, FST__SEED);
    st->last.o = &st->obs;
    st->next_flush = INT64_MIN;
    st->sha_ni = fst__sha1_have_ni();
    if (fst__observe_init(&st->obs, st->cfg.meta, FST__SEED) < 0) {
        fst_stitcher_free(st);
        return NULL;
    }
    st->obs.streaming = st->cfg.horizon > 0;
    if (!st->cfg.memcap)
        st->cfg.memcap = default_memcap();
    st->flushed.memcap = st->cfg.memcap;
    if (st->cfg.provenance && !st->cfg.horizon && fst__observe_prov_on(&st->obs) < 0) {
        fst_stitcher_free(st);
        return NULL;
    }
    fst__observe_parts_on(&st->obs); /* batch: entries by group range (part.c) */
    return st;
}

/* Reduce: the ENIs of the facts into obs, in the order one machine meets
 * them, before the first record. */
static int seed(fst_stitcher *st)
{
    if (!st->facts_on || st->seeded)
        return 0;
    st->seeded = 1;
    FST__TRY(fst__facts_settle(&st->facts));
    return fst__facts_seed(&st->facts, &st->obs);
}

int fst_stitcher_push(fst_stitcher *st, const fst_record *rec)
{
    if (!st || !rec || !rec->format || st->finished || st->loaded)
        return FST_EINVAL;
    FST__TRY(seed(st));
    return fst__observe_push(&st->obs, rec);
}

static int feed_tick(void *arg);

/* push_reader, with stream_tick between batches when streaming. */
static int feed_reader(fst_stitcher *st, fst_reader *r, int stream, const char **file,
                       uint64_t *line)
{
    const char *f_ = NULL;
    uint64_t l_ = 0;
    if (!file)
        file = &f_;
    if (!line)
        line = &l_;
    *file = NULL;
    *line = 0;
    if (!st || !r || st->finished || st->loaded)
        return FST_EINVAL;
    FST__TRY(seed(st));
    st->stream = stream && st->cfg.horizon;
    if (!stream)
        st->scb = NULL; /* push_reader: nowhere to write, so no eviction */
    const int rc = fst__feed(&st->obs, r, fst__threads_of(st->cfg.threads), feed_tick, st,
                             file, line);
    return rc < 0 ? rc : 0;
}

int fst_stitcher_push_reader(fst_stitcher *st, fst_reader *r, const char **file, uint64_t *line)
{
    return feed_reader(st, r, 0, file, line);
}

/* ---- provenance (cfg.provenance; observe.h "Provenance") ---------------- */

/* Before correlate: room for every record's answer. */
static int prov_begin(run *rn)
{
    fst__prov *p = rn->o->prov;
    const uint64_t n = rn->o->records_in;
    p->sess = fst__calloc(n ? n : 1, sizeof *p->sess);
    p->bits = fst__calloc(n ? n : 1, sizeof *p->bits);
    return p->sess && p->bits ? 0 : FST_ENOMEM;
}

/* After correlate: each session's serial is its index now (kept in
 * fst__sess.rank until the order sort), for fst__session_absorb. */
static int prov_serials(run *rn)
{
    fst__prov *p = rn->o->prov;
    fst__free(p->ord); /* the entries are gone */
    p->ord = NULL;
    p->n_serial = rn->ss.n;
    p->alias = fst__calloc(rn->ss.n + 1, sizeof *p->alias);
    p->chi = fst__calloc(rn->ss.n + 1, sizeof *p->chi);
    if (!p->alias || !p->chi)
        return FST_ENOMEM;
    for (uint32_t i = 0; i < rn->ss.n; i++)
        rn->ss.v[i].rank = i;
    return 0;
}

/* Per serial, after the order: final rank + 1 (0: folded away) and the
 * session's client_hi (bit 0) and NAT-leg mark (bit 1). */
typedef struct prov_fin {
    uint32_t *rank1;
    uint8_t *b;
} prov_fin;

/* The answer for one record noted with serial ser and bits pv. */
static void prov_answer(const fst__prov *p, const prov_fin *f, uint64_t id0, uint32_t ser,
                        uint8_t pv, uint32_t *sess, uint8_t *out)
{
    uint32_t t = ser;
    int folded = 0;
    for (uint32_t hops = 0; !f->rank1[t] && p->alias[t] && hops < p->n_serial; hops++) {
        t = p->alias[t] - 1;
        folded = 1;
    }
    if (!f->rank1[t]) { /* cannot happen: every session is output or folded */
        *sess = 0;
        *out = 0;
        return;
    }
    const int chi = folded ? p->chi[ser] : (f->b[ser] & 1);
    const int nat_leg = (f->b[t] & 2) != 0;
    uint8_t o = (!!(pv & FST__PV_REV) == chi) ? FST_REC_C2S : 0;
    if ((pv & FST__PV_COUNTED) && !folded && !nat_leg)
        o |= FST_REC_COUNTED;
    if (pv & FST__PV_DUP)
        o |= FST_REC_DUPLICATE;
    if (folded)
        o |= FST_REC_FOLDED;
    if (nat_leg)
        o |= FST_REC_NAT_LEG;
    *sess = (uint32_t)(id0 + f->rank1[t]);
    *out = o;
}


/* order_sessions, then every record's serial becomes its session id. */
static int prov_order(run *rn, int threads)
{
    fst__prov *p = rn->o->prov;
    const uint32_t n = rn->ss.n;
    uint32_t *tag = fst__malloc(((size_t)n + 1) * sizeof *tag);
    prov_fin f = {fst__calloc(p->n_serial + 1, sizeof *f.rank1),
                  fst__calloc(p->n_serial + 1, sizeof *f.b)};
    int rc = tag && f.rank1 && f.b ? 0 : FST_ENOMEM;
    for (uint32_t i = 0; rc == 0 && i < n; i++)
        tag[i] = rn->ss.v[i].rank;
    if (rc == 0)
        rc = fst__run_order(rn, threads);
    for (uint32_t i = 0; rc == 0 && i < n; i++) {
        const fst__sess *s = &rn->ss.v[i];
        f.rank1[tag[i]] = s->rank + 1;
        f.b[tag[i]] = (uint8_t)(s->client_hi | (s->nat_parent ? 2 : 0));
    }
    const uint64_t nrec = rn->o->records_in;
    for (uint64_t k = 0; rc == 0 && k < nrec; k++)
        if (p->sess[k])
            prov_answer(p, &f, rn->id0, p->sess[k] - 1, p->bits[k], &p->sess[k], &p->bits[k]);
    if (rc == 0)
        p->n = nrec; /* answers ready */
    fst__free(tag);
    fst__free(f.rank1);
    fst__free(f.b);
    fst__free(p->alias);
    fst__free(p->chi);
    p->alias = NULL;
    p->chi = NULL;
    return rc;
}

int fst_stitcher_record_session(const fst_stitcher *st, uint64_t ordinal, uint64_t *session_id,
                                unsigned *flags)
{
    if (!st || !st->finished || !st->obs.prov || !session_id || !flags)
        return FST_EINVAL;
    const fst__prov *p = st->obs.prov;
    if (!p->sess || (!p->n && st->obs.records_in))
        return FST_EINVAL; /* finish failed before the answers were ready */
    if (ordinal >= p->n || !p->sess[ordinal])
        return 0;
    *session_id = p->sess[ordinal];
    *flags = p->bits[ordinal];
    return 1;
}

/* open_at_start / open_at_end (docs/sessions.md "Open at the edges").  With
 * tcp-flags the handshake and the close say it: no SYN in any record, the
 * connection was open before its first one; no FIN or RST, traffic both
 * ways and no later session of its 5-tuple, it is still open after its
 * last.  Without flags (and for other protocols) only the data's range
 * can: a first record within the idle timeout of the earliest record
 * of the input, a last one within it of the latest. */
static void open_edges(const fst_stitcher *st, const fst__sess *s, fst_session *out)
{
    const fst__observe *o = &st->obs;
    if (!(s->known & FST__K_TIMES) || o->t_lo > o->t_hi)
        return;
    const uint8_t proto = s->g->key.proto;
    const int64_t idle = (int64_t)fst__idle_of(&st->cfg, proto);
    if (proto == FST_PROTO_TCP && s->flags_known) {
        const uint8_t f = (uint8_t)(s->flags[0] | s->flags[1]);
        const uint16_t both = FST__EVD_REC0 | FST__EVD_REC1;
        out->open_at_start = !(f & FST_TCP_SYN);
        out->open_at_end = !(f & (FST_TCP_FIN | FST_TCP_RST)) && (s->ev & both) == both &&
                           !s->has_next;
        return;
    }
    out->open_at_start = s->first <= o->t_lo + idle;
    out->open_at_end = s->last >= o->t_hi - idle;
}

_Static_assert((int)FST__KEY_NOPORTS == (int)FST_KEY_ABSENT_PORTS &&
                   (int)FST__KEY_NOPROTO == (int)FST_KEY_ABSENT_PROTO,
               "fst_session.key_absent is the key's absent bits");

/* The public view of session s (names: room for its ENI names).  Reads st
 * only, so the pipeline below may run it on the helper thread. */
static void fill_one(const fst_stitcher *st, const run *rn, const fst__sess *s,
                     const char **names, fst_session *o)
{
    fst_session out;
    memset(&out, 0, sizeof out);
    const uint8_t *ca, *sa;
    const uint8_t fam = s->g->key.fam;
    const int c = s->client_hi; /* canonical index of the client->server direction */
    fst__run_endpoints(rn->o, s, &ca, &out.client_port, &sa, &out.server_port);
    fst__addr_from16(&out.client_addr, ca, fam);
    fst__addr_from16(&out.server_addr, sa, fam);
    out.id = rn->id0 + s->rank + 1;
    out.proto = s->g->key.proto;
    out.first_seen = s->first;
    out.last_seen = s->last;
    out.c2s_packets = s->pk[c];
    out.c2s_bytes = s->by[c];
    out.s2c_packets = s->pk[!c];
    out.s2c_bytes = s->by[!c];
    out.tcp_flags_c2s = (s->flags_known >> c & 1) ? s->flags[c] : -1;
    out.tcp_flags_s2c = (s->flags_known >> !c & 1) ? s->flags[!c] : -1;
    out.basis = s->basis;
    out.action = s->action;
    out.incomplete = s->incomplete;
    out.unknown = (uint8_t)((s->known & FST__K_TIMES ? 0 : FST_SESSION_NO_TIMES) |
                            (s->known & FST__K_COUNTS ? 0 : FST_SESSION_NO_COUNTS));
    for (uint32_t i = 0; i < s->n_enis; i++)
        names[i] = rn->o->enis[rn->ss.enis[s->eni_off + i]]->name;
    out.n_enis = s->n_enis;
    out.enis = names;
    out.records = s->records;
    out.naive_packets = s->naive_pk;
    out.naive_bytes = s->naive_by;
    out.nat_leg_of = s->nat_parent ? rn->id0 + rn->ss.v[s->nat_parent - 1].rank + 1 : 0;
    out.split_basis = s->split;
    open_edges(st, s, &out);
    out.key_absent = s->g->key.absent;
    if (!out.key_absent) /* a flow hash of made-up ports or protocol would lie */
        fst__community_id(0, out.proto, &out.client_addr, out.client_port, &out.server_addr,
                          out.server_port, out.community_id, st->sha_ni);
    const fst__ctx_src src = {rn->o, &st->obs, st->cfg.meta, st->cfg.subnets};
    fst__session_context(&src, &rn->ss, s, &out);
    *o = out;
}

/* Emission with threads 2: while the caller's thread hands the sessions of
 * one chunk to the callback, the helper fills the next chunk (endpoints,
 * ENI names, Community ID).  The callback sees the same values in the same
 * order, always on the caller's thread. */
#define EMIT_CHUNK 8192u

typedef struct emit_buf {
    fst_session *v;         /* EMIT_CHUNK */
    const char **names;     /* the chunk's ENI names, cap_names */
    uint32_t n, cap_names;
} emit_buf;

typedef struct emit_job {
    const fst_stitcher *st;
    const run *rn;
    emit_buf *b;
    uint32_t from, to;      /* produce: output positions [from, to) */
    fst_session_cb cb;      /* consume: NULL to produce */
    void *ud;
    int rc;
} emit_job;

static int fill_chunk(const fst_stitcher *st, const run *rn, emit_buf *b, uint32_t from,
                      uint32_t to)
{
    uint32_t need = 0;
    for (uint32_t i = from; i < to; i++)
        need += rn->ss.v[rn->order[i]].n_enis;
    FST__TRY(fst__grow((void **)&b->names, &b->cap_names, need ? need : 1, sizeof *b->names));
    uint32_t off = 0;
    for (uint32_t i = from; i < to; i++) {
        const fst__sess *s = &rn->ss.v[rn->order[i]];
        fill_one(st, rn, s, b->names + off, &b->v[i - from]);
        off += s->n_enis;
    }
    b->n = to - from;
    return 0;
}

static void emit_job_run(void *arg)
{
    emit_job *j = arg;
    j->rc = 0;
    if (!j->cb) {
        j->rc = fill_chunk(j->st, j->rn, j->b, j->from, j->to);
        return;
    }
    for (uint32_t i = 0; i < j->b->n && j->rc == 0; i++)
        j->rc = j->cb(&j->b->v[i], j->ud);
}

/* 1 when the pipeline could not get its buffers (nothing emitted yet). */
static int emit_par(const fst_stitcher *st, const run *rn, fst_session_cb cb, void *ud, int *rc)
{
    const uint32_t n = rn->ss.n;
    emit_buf b[2];
    memset(b, 0, sizeof b);
    b[0].v = fst__malloc(EMIT_CHUNK * sizeof *b[0].v);
    b[1].v = fst__malloc(EMIT_CHUNK * sizeof *b[1].v);
    const int ok = b[0].v && b[1].v;
    int r = ok ? fill_chunk(st, rn, &b[0], 0, EMIT_CHUNK) : 0;
    for (uint32_t k = 0; ok && r == 0; k++) {
        emit_buf *cur = &b[k & 1], *nxt = &b[(k + 1) & 1];
        const uint32_t from = (k + 1) * EMIT_CHUNK;
        emit_job use = {st, rn, cur, 0, 0, cb, ud, 0};
        if (from >= n) {
            emit_job_run(&use);
            r = use.rc;
            break;
        }
        emit_job make = {st, rn, nxt, from, n - from > EMIT_CHUNK ? from + EMIT_CHUNK : n,
                         NULL, NULL, 0};
        fst__par2(emit_job_run, &use, &make);
        r = use.rc ? use.rc : make.rc;
    }
    for (int i = 0; i < 2; i++) {
        fst__free(b[i].v);
        fst__free(b[i].names);
    }
    if (!ok)
        return 1;
    *rc = r;
    return 0;
}

static int emit_one(const fst_stitcher *st, const run *rn, const fst__sess *s,
                    const char **names, fst_session_cb cb, void *ud)
{
    fst_session out;
    fill_one(st, rn, s, names, &out);
    return cb ? cb(&out, ud) : 0;
}

/* The sessions of the groups of rn->o (a reducer stops here). */
static int run_correlate(fst_stitcher *st, run *rn)
{
    const int threads = fst__threads_of(st->cfg.threads);
    fst__observe_index_skips(rn->o);
    FST__TRY(fst__observe_seal(rn->o, threads));
    FST__TRY(fst__run_reserve(rn));
    if (rn->o->prov)
        FST__TRY(prov_begin(rn));
    FST__TRY(fst__correlate(rn->o, &st->cfg, &rn->ss, threads));
    if (rn->o->prov)
        FST__TRY(prov_serials(rn));
    return 0;
}

/* Correlates (unless merge loaded sessions), orients, orders and accounts
 * the groups of rn->o, fills *stats (and *eniw, which the caller frees) and
 * hands the sessions to cb (NULL: none).  0, a negative error, or the
 * callback's nonzero return. */
static int run_sessions(fst_stitcher *st, run *rn, fst_session_cb cb, void *ud,
                        fst_stitch_stats *stats, fst_eni_windows **eniw)
{
    const int threads = fst__threads_of(st->cfg.threads);
    if (!st->loaded) /* merge loaded sessions correlated by the reducers */
        FST__TRY(run_correlate(st, rn));
    FST__TRY(fst__direction_orient(&st->learned, &rn->ss));
    FST__TRY(fst__nat_fold_inside(rn->o, &rn->ss));
    FST__TRY(fst__nat_tie_legs(rn->o, &rn->ss));
    fst__mark_leg_parents(&rn->ss);
    FST__TRY(rn->o->prov ? prov_order(rn, threads) : fst__run_order(rn, threads));
    FST__TRY(fst__account_summary(rn->o, &rn->ss, stats, eniw));
    int rc = 0;
    if (threads >= 2 && cb && rn->ss.n >= 2 * EMIT_CHUNK && emit_par(st, rn, cb, ud, &rc) == 0)
        return rc;
    const char **names = fst__calloc(rn->o->n_enis, sizeof *names);
    if (!names)
        return FST_ENOMEM;
    for (uint32_t i = 0; i < rn->ss.n && rc == 0; i++)
        rc = emit_one(st, rn, &rn->ss.v[rn->order[i]], names, cb, ud);
    fst__free(names);
    return rc;
}

/* The session counts of b added to a (streaming: one flush's). */
static void add_session_counts(fst_stitch_stats *a, const fst_stitch_stats *b)
{
    a->records_joined += b->records_joined;
    a->sessions += b->sessions;
    a->nat_legs += b->nat_legs;
    a->incomplete += b->incomplete;
    a->sessions_no_counts += b->sessions_no_counts;
    for (int i = 0; i < FST_BASIS_COUNT; i++)
        a->by_basis[i] += b->by_basis[i];
    for (int i = 0; i <= FST_BY_ENIS_MAX; i++)
        a->by_enis[i] += b->by_enis[i];
    a->packets_counted = fst__sat_add(a->packets_counted, b->packets_counted);
    a->bytes_counted = fst__sat_add(a->bytes_counted, b->bytes_counted);
}

static int note_held(fst_stitcher *st)
{
    FST__TRY(fst__observe_settle(&st->obs));
    if (st->obs.n_groups > st->flushed.groups_held_peak)
        st->flushed.groups_held_peak = st->obs.n_groups;
    return 0;
}

/* Streaming: how long, in data time, a learned service is remembered
 * after it last answered a handshake. */
#define LEARNED_TTL (6 * 3600)

/* Correlates and writes the groups split off into part (ids continuing),
 * adding their counts to st->flushed (and to *sessions); frees part.  0, a
 * negative error, or the callback's nonzero return. */
static int write_part(fst_stitcher *st, fst__observe *part, fst_session_cb cb, void *ud,
                      uint64_t *sessions)
{
    run rn = {.o = part, .id0 = st->flushed.sessions};
    fst_stitch_stats one;
    memset(&one, 0, sizeof one);
    fst_eni_windows *ew = NULL;
    int rc = run_sessions(st, &rn, st->stopped ? NULL : cb, ud, &one, &ew);
    if (rc == 0 && cb && !st->stopped)
        rc = cb(NULL, ud); /* the part is written: a point to flush output */
    add_session_counts(&st->flushed, &one);
    *sessions += one.sessions;
    fst__free(ew);
    fst__sessions_free(&rn.ss);
    fst__free(rn.order);
    fst__observe_free(part);
    if (rc > 0)
        st->stopped = 1;
    return rc;
}

/* Streaming: writes the sessions of every group that ended more than the
 * horizon plus its idle timeout before `now`, and forgets them.  0, a
 * negative error, or the callback's nonzero return. */
static int flush_closed(fst_stitcher *st, int64_t now, fst_session_cb cb, void *ud)
{
    int64_t cut[FST_PROTO_COUNT];
    for (int p = 0; p < FST_PROTO_COUNT; p++)
        cut[p] = now - (int64_t)st->cfg.horizon - (int64_t)fst__idle_of(&st->cfg, (uint8_t)p);
    FST__TRY(note_held(st));
    fst__observe part;
    uint32_t moved;
    int rc = fst__stream_split(&st->obs, cut, &part, &moved);
    if (rc == 0) { /* long connections: their settled windows folded */
        uint32_t idle[FST_PROTO_COUNT];
        for (int p = 0; p < FST_PROTO_COUNT; p++)
            idle[p] = fst__idle_of(&st->cfg, (uint8_t)p);
        st->flushed.records_folded += fst__stream_fold(&st->obs, cut, idle);
    }
    if (moved > 0) {
        uint64_t n = 0;
        st->flushed.flushes++;
        rc = write_part(st, &part, cb, ud, &n);
    }
    /* services not seen answering for LEARNED_TTL are forgotten, so what
     * is held does not grow with every server ever met */
    fst__learned_expire(&st->learned, now - LEARNED_TTL);
    fst__observe_free(&part);
    return rc;
}

/* Memory cap: the bytes counted against it (what is held, and what
 * correlating it will need). */
static uint64_t held_bytes(const fst_stitcher *st)
{
    return fst__observe_held_bytes(&st->obs) +
           (uint64_t)st->obs.n_groups * FST_MEMCAP_RUN_BYTES;
}

/* Evict at 3/4 of the cap, down to half of it: the other quarter is the
 * room an eviction itself needs (the part's copy, the rebuilt table). */
#define EVICT_AT(cap) ((cap) / 4 * 3)
#define EVICT_TO(cap) ((cap) / 2)

/* Notes the peak; when held state reached EVICT_AT, writes the sessions of
 * the keys idle longest and forgets them (cb NULL: only notes).  0, a
 * negative error, or the callback's nonzero return. */
static int memcap_check(fst_stitcher *st, fst_session_cb cb, void *ud)
{
    const uint64_t cap = st->cfg.memcap;
    uint64_t held = held_bytes(st);
    if (held > st->flushed.held_bytes_peak)
        st->flushed.held_bytes_peak = held;
    /* provenance answers need every record of the run in one finish */
    if (held < EVICT_AT(cap) || !cb || st->stopped || st->obs.prov)
        return 0;
    FST__TRY(note_held(st));
    held = held_bytes(st);
    const uint32_t n = st->obs.n_groups;
    if (!n)
        return 0;
    /* keys out in proportion to the bytes above EVICT_TO (at least one) */
    const uint64_t over = held > EVICT_TO(cap) ? held - EVICT_TO(cap) : 1;
    uint64_t k = (uint64_t)n * over / held + 1;
    if (k > n)
        k = n;
    fst__observe part;
    uint32_t moved;
    FST__TRY(fst__observe_settle(&st->obs)); /* pending records into the partitions */
    FST__TRY(fst__observe_unpartition(&st->obs, 1)); /* eviction moves flat entries */
    FST__TRY(fst__stream_evict(&st->obs, (uint32_t)k, &part, &moved));
    if (!moved) {
        fst__observe_free(&part);
        return 0;
    }
    st->flushed.evictions++;
    return write_part(st, &part, cb, ud, &st->flushed.sessions_evicted);
}

int fst_stitcher_flush(fst_stitcher *st, fst_session_cb cb, void *ud)
{
    if (!st || st->finished)
        return FST_EINVAL;
    int rc = memcap_check(st, cb, ud);
    if (rc < 0 || !st->cfg.horizon)
        return rc < 0 ? rc : 0;
    const int64_t now = fst__observe_clock(&st->obs);
    if (now == INT64_MIN || st->stopped)
        return 0;
    rc = flush_closed(st, now, cb, ud);
    return rc < 0 ? rc : 0;
}

/* Called by the feed between batches: flushes when the data's clock has
 * moved on by half the horizon (at least a minute) since the last flush. */
#define TICKS_PER_LOOK 16

static int stream_tick(fst_stitcher *st)
{
    if (++st->ticks % TICKS_PER_LOOK)
        return 0;
    const int64_t now = fst__observe_clock(&st->obs);
    if (now == INT64_MIN)
        return 0;
    const int64_t step = st->cfg.horizon / 2 > 60 ? st->cfg.horizon / 2 : 60;
    if (st->next_flush == INT64_MIN || now < st->next_flush) {
        if (st->next_flush == INT64_MIN)
            st->next_flush = now + step;
        return 0;
    }
    st->next_flush = now + step;
    return flush_closed(st, now, st->scb, st->sud);
}

/* Called by the feed after every batch of records: the memory cap, then
 * (streaming) the flushes. */
static int feed_tick(void *arg)
{
    fst_stitcher *st = arg;
    const int rc = memcap_check(st, st->scb, st->sud);
    if (rc || !st->stream)
        return rc;
    return stream_tick(st);
}

int fst_stitcher_push_reader_stream(fst_stitcher *st, fst_reader *r, fst_session_cb cb, void *ud,
                                    const char **file, uint64_t *line)
{
    if (st) {
        st->scb = cb;
        st->sud = ud;
    }
    return feed_reader(st, r, 1, file, line);
}

int fst_stitcher_finish(fst_stitcher *st, fst_session_cb cb, void *ud)
{
    if (!st || st->finished)
        return FST_EINVAL;
    st->finished = 1;
    FST__TRY(note_held(st));
    FST__TRY(memcap_check(st, NULL, NULL));
    st->last.id0 = st->flushed.sessions;
    const int rc = run_sessions(st, &st->last, st->stopped ? NULL : cb, ud, &st->stats, &st->eniw);
    add_session_counts(&st->stats, &st->flushed);
    st->stats.flushes = st->flushed.flushes;
    st->stats.groups_held_peak = st->flushed.groups_held_peak;
    st->stats.records_late = st->obs.late;
    st->stats.records_folded = st->flushed.records_folded;
    st->stats.context_conflicts = st->obs.ctx_conflicts;
    st->stats.memcap = st->flushed.memcap;
    st->stats.evictions = st->flushed.evictions;
    st->stats.sessions_evicted = st->flushed.sessions_evicted;
    st->stats.held_bytes_peak = st->flushed.held_bytes_peak;
    return rc < 0 ? rc : 0;
}

int fst_stitcher_add_facts(fst_stitcher *st, uint64_t rank, const char *eni, const char *text)
{
    if (!st || !text || st->finished || st->seeded || st->loaded || rank == UINT64_MAX)
        return FST_EINVAL;
    st->facts_on = 1;
    return fst__facts_read(&st->facts, rank, eni, text);
}

int fst_stitcher_finish_part(fst_stitcher *st, fst_line_cb cb, void *ud)
{
    if (!st || !cb || st->finished || st->loaded || st->obs.prov || st->cfg.horizon)
        return FST_EINVAL;
    st->finished = 1;
    FST__TRY(seed(st));
    FST__TRY(note_held(st));
    if (st->facts_on) /* what every input says, over what this reducer learned */
        FST__TRY(fst__facts_apply(&st->facts, &st->obs));
    FST__TRY(run_correlate(st, &st->last));
    /* without facts, what it observed is all there is */
    const int whole = !st->facts_on || st->facts.whole;
    return fst__shard_write(&st->obs, &st->last.ss, &st->cfg, whole, cb, ud);
}

int fst_stitcher_load_part(fst_stitcher *st, const char *line)
{
    if (!st || !line || st->finished || st->obs.records_in != st->loaded_records ||
        st->facts_on)
        return FST_EINVAL;
    st->loaded = 1;
    const int rc = fst__shard_load(&st->loader, &st->obs, &st->last.ss, &st->cfg, line);
    st->loaded_records = st->obs.records_in;
    return rc;
}

const fst_stitch_stats *fst_stitcher_stats(const fst_stitcher *st)
{
    return st ? &st->stats : NULL;
}

void fst_stitcher_free(fst_stitcher *st)
{
    if (!st)
        return;
    fst__observe_free(&st->obs);
    fst__facts_free(&st->facts);
    fst__sessions_free(&st->last.ss);
    fst__learned_free(&st->learned);
    fst__free(st->eniw);
    fst__free(st->last.order);
    fst__free(st);
}
