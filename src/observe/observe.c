/* observe/observe.c - per-ENI, per-directional-5-tuple accumulation.
 *
 * fst__observe_push is the hot path: one ENI lookup (cached), one group
 * lookup by canonical key, one append to the window array.  Allocation only
 * when an array doubles, a new ENI appears or a group chunk fills.
 */
#include "observe/observe.h"

#include <stddef.h>
#include <string.h>

#include "flowstitch/errors.h"

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

_Static_assert(sizeof(fst__pkey) == 40, "key_hash reads the key as five words");
_Static_assert(sizeof(fst__prep) == 104, "fst__prep stays compact");


int fst__observe_init(fst__observe *o, const fst_eni_table *meta, uint64_t seed)
{
    memset(o, 0, sizeof *o);
    o->t_lo = INT64_MAX;
    o->t_hi = INT64_MIN;
    o->meta = meta;
    o->seed = seed;
    FST__TRY(fst__grow((void **)&o->enis, &o->cap_enis, 1, sizeof *o->enis));
    o->enis[0] = fst__calloc(1, sizeof **o->enis);
    if (!o->enis[0])
        return FST_ENOMEM;
    o->n_enis = 1;
    return 0;
}

int fst__observe_prov_on(fst__observe *o)
{
    o->prov = fst__calloc(1, sizeof *o->prov);
    return o->prov ? 0 : FST_ENOMEM;
}

static void prov_free(fst__prov *p)
{
    if (!p)
        return;
    fst__free(p->ord);
    fst__free(p->sess);
    fst__free(p->bits);
    fst__free(p->alias);
    fst__free(p->chi);
    fst__free(p);
}

void fst__observe_free(fst__observe *o)
{
    if (!o->enis)
        return;
    fst__oatab_free(&o->eni_by_name);
    fst__oatab_free(&o->eni_by_ptr);
    fst__oatab_free(&o->gtab);
    fst__oatab_free(&o->rtab);
    for (uint32_t i = 0; !o->borrowed && i < o->n_enis; i++) {
        fst__free(o->enis[i]->name);
        for (int k = 0; k < FST__CTX_N; k++)
            fst__free(o->enis[i]->ctx[k]);
        fst__free(o->enis[i]);
    }
    fst__oatab_free(&o->svc.tab);
    fst__free(o->svc.v);
    for (uint32_t i = 0; i < o->svc.n_names; i++)
        fst__free(o->svc.names[i]);
    fst__free(o->svc.names);
    if (o->borrowed) { /* a part: the ENIs and SKIPDATA windows are not its own */
        o->enis = NULL;
        o->skips = NULL;
    }
    for (uint32_t i = 0; i < o->n_chunks; i++)
        fst__big_free(o->chunks[i], FST__GCHUNK_BYTES);
    fst__free(o->chunks);
    fst__free(o->enis);
    fst__free(o->eniptr);
    fst__free(o->eni_num);
    fst__free(o->reps);
    for (uint32_t i = 0; i < o->n_wchunks; i++)
        fst__big_free(o->wchunks[i], FST__WCHUNK_BYTES);
    fst__free(o->wchunks);
    fst__observe_parts_free(o);
    fst__free(o->wide);
    fst__free(o->skips);
    prov_free(o->prov);
    memset(o, 0, sizeof *o);
}

static uint32_t name_hash(const char *s, size_t len, uint64_t seed)
{
    return fst__hash(s, len, seed ^ 0xe41ULL);
}

typedef struct name_ctx {
    const fst__observe *o;
    const char *name;
} name_ctx;

static int eni_name_eq(const void *ctx, uint32_t idx)
{
    const name_ctx *c = ctx;
    return !strcmp(c->o->enis[idx]->name, c->name);
}

static int eni_ptr_eq(const void *ctx, uint32_t idx)
{
    const name_ctx *c = ctx;
    return c->o->eniptr[idx].p == c->name;
}

/* By text: the ENI, created when new; NULL on out of memory. */
static fst__eni *eni_by_name(fst__observe *o, const char *name)
{
    const size_t len = strlen(name);
    const uint32_t hv = name_hash(name, len, o->seed);
    const name_ctx c = {o, name};
    uint32_t pos;
    const uint32_t idx = fst__oatab_find(&o->eni_by_name, hv, eni_name_eq, &c, &pos);
    if (idx != UINT32_MAX)
        return o->enis[idx];
    if (fst__grow((void **)&o->enis, &o->cap_enis, o->n_enis + 1, sizeof *o->enis) < 0)
        return NULL;
    fst__eni *e = fst__calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->name = fst__strndup(name, len);
    if (!e->name) {
        fst__free(e);
        return NULL;
    }
    e->meta = fst__eni_lookup(o->meta, name);
    e->index = o->n_enis;
    if (fst__oatab_insert(&o->eni_by_name, pos, hv, e->index) < 0) {
        fst__free(e->name);
        fst__free(e);
        return NULL;
    }
    o->enis[o->n_enis++] = e;
    return e;
}

fst__eni *fst__observe_eni_add(fst__observe *o, const char *name)
{
    return eni_by_name(o, name);
}

const fst__eni *fst__observe_eni_find(const fst__observe *o, const char *name)
{
    if (!name || !o->eni_by_name.s)
        return NULL;
    const name_ctx c = {o, name};
    uint32_t pos;
    const uint32_t idx = fst__oatab_find(&o->eni_by_name, name_hash(name, strlen(name), o->seed),
                                         eni_name_eq, &c, &pos);
    return idx == UINT32_MAX ? NULL : o->enis[idx];
}

static uint32_t ptr_hash(const fst__observe *o, const char *name)
{
    return fst__oatab_mix((uint64_t)(uintptr_t)name ^ o->seed);
}

/* Per record: by the interned pointer first, by text on a miss (a new ENI,
 * or a pointer seen for the first time).  While o->ptrs_trusted (records
 * from one reader, whose interned strings live as long as it and never
 * change: fst__observe_forget_ids) a pointer hit is the ENI; otherwise (a
 * caller's records, fst__observe_push) the text is checked on every hit. */
static fst__eni *eni_get_ptr(fst__observe *o, const char *name)
{
    const name_ctx c = {o, name};
    const uint32_t hv = ptr_hash(o, name);
    uint32_t pos;
    const uint32_t pi = fst__oatab_find(&o->eni_by_ptr, hv, eni_ptr_eq, &c, &pos);
    if (pi != UINT32_MAX) {
        fst__eniptr *ep = &o->eniptr[pi];
        fst__eni *e = o->enis[ep->eni];
        if (o->ptrs_trusted || !strcmp(e->name, name))
            return e;
        /* the pointer now holds other text (its memory was reused) */
        e = eni_by_name(o, name);
        if (e)
            ep->eni = e->index;
        return e;
    }
    fst__eni *e = eni_by_name(o, name);
    if (!e)
        return NULL;
    if (fst__grow((void **)&o->eniptr, &o->cap_eniptr, o->n_eniptr + 1, sizeof *o->eniptr) < 0)
        return NULL;
    o->eniptr[o->n_eniptr] = (fst__eniptr){name, e->index};
    if (fst__oatab_insert(&o->eni_by_ptr, pos, hv, o->n_eniptr) < 0)
        return NULL;
    o->n_eniptr++;
    return e;
}

/* The slot of the reader's interface-id number num in o->eni_num (grown,
 * zeroed, when need), or NULL (out of memory, or not a reader's record). */
static fst__eninum *num_slot(fst__observe *o, uint32_t num, int grow)
{
    if (!num || !o->ptrs_trusted)
        return NULL;
    if (num >= o->cap_eni_num) {
        if (!grow || num == UINT32_MAX)
            return NULL;
        const uint32_t old = o->cap_eni_num;
        if (fst__grow((void **)&o->eni_num, &o->cap_eni_num, num + 1, sizeof *o->eni_num) < 0)
            return NULL;
        memset(o->eni_num + old, 0, (o->cap_eni_num - old) * sizeof *o->eni_num);
    }
    return &o->eni_num[num];
}

/* Per record: by the reader's dense number of the interface-id first (one
 * array load, and its pointer compared), else as eni_get_ptr, whose answer
 * that number then remembers. */
static fst__eni *eni_get(fst__observe *o, const char *name, uint32_t num)
{
    if (!name)
        return o->enis[0];
    const fst__eninum *n = num_slot(o, num, 0);
    if (n && n->p == name)
        return n->e;
    fst__eni *e = eni_get_ptr(o, name);
    fst__eninum *slot = e ? num_slot(o, num, 1) : NULL;
    if (slot)
        *slot = (fst__eninum){name, e};
    return e;
}

void fst__observe_prefetch_eni(const fst__observe *o, const fst__prep *p)
{
    const uint32_t num = p->w.eni;
    if (!num || num >= o->cap_eni_num || o->eni_num[num].p != p->eni)
        return;
    const char *e = (const char *)o->eni_num[num].e;
    PREFETCH(e);                          /* what every record touches */
    PREFETCH(e + 64);
    PREFETCH(e + offsetof(fst__eni, ctx_seen)); /* take_where */
}

/* Own-address learning: keep the plain addresses present in every record. */
static void eni_learn(fst__eni *e, const uint8_t src[16], const uint8_t dst[16])
{
    if (!e->learning) {
        e->learning = 1;
        memcpy(e->cand[0], src, 16);
        memcpy(e->cand[1], dst, 16);
        e->ncand = memcmp(src, dst, 16) ? 2 : 1;
        return;
    }
    uint8_t keep = 0;
    for (uint8_t i = 0; i < e->ncand; i++) {
        if (!memcmp(e->cand[i], src, 16) || !memcmp(e->cand[i], dst, 16)) {
            if (keep != i)
                memcpy(e->cand[keep], e->cand[i], 16);
            keep++;
        }
    }
    e->ncand = keep;
}

/* The address a metadata-known ENI is keyed by (its primary), so that a
 * secondary IP seen by a peer and the primary seen by the ENI itself meet. */
static const uint8_t *alias(const fst_eni_table *meta, const fst_addr *a)
{
    if (!meta)
        return a->b;
    const fst__eni_info *e = fst__eni_by_addr(meta, a);
    return (e && e->primary.family == a->family) ? e->primary.b : a->b;
}

typedef struct key_ctx {
    const fst__observe *o;
    const fst__pkey *k;
} key_ctx;

static int group_eq(const void *ctx, uint32_t idx)
{
    const key_ctx *c = ctx;
    return !memcmp(&fst__observe_group(c->o, idx)->key, c->k, sizeof *c->k);
}

/* Makes sure the group pool has a free slot.  0 or FST_ENOMEM. */
int fst__observe_group_room(fst__observe *o)
{
    if (o->n_chunks == 0 || o->chunk_used == FST__GROUP_CHUNK) {
        FST__TRY(fst__grow((void **)&o->chunks, &o->cap_chunks, o->n_chunks + 1, sizeof *o->chunks));
        o->chunks[o->n_chunks] = fst__big_alloc(FST__GCHUNK_BYTES);
        if (!o->chunks[o->n_chunks])
            return FST_ENOMEM;
        o->n_chunks++;
        o->chunk_used = 0;
    }
    return 0;
}

static fst__group *group_get(fst__observe *o, const fst__pkey *k, uint32_t hv, uint32_t *gi)
{
    const key_ctx c = {o, k};
    uint32_t pos;
    const uint32_t idx = fst__oatab_find(&o->gtab, hv, group_eq, &c, &pos);
    *gi = idx;
    if (idx != UINT32_MAX)
        return fst__observe_group(o, idx);
    if (o->n_groups == UINT32_MAX - 2 || fst__observe_group_room(o) < 0)
        return NULL;
    fst__group *g = &o->chunks[o->n_chunks - 1][o->chunk_used];
    memset(g, 0, sizeof *g);
    g->key = *k;
    if (fst__oatab_insert(&o->gtab, pos, hv, o->n_groups) < 0)
        return NULL;
    *gi = o->n_groups;
    o->chunk_used++;
    o->n_groups++;
    return g;
}

typedef struct rep_ctx {
    const fst__observe *o;
    const fst__group *g;
} rep_ctx;

static int rep_eq(const void *ctx, uint32_t idx)
{
    const rep_ctx *c = ctx;
    return c->o->reps[idx].g == c->g;
}

static uint32_t rep_hash(const fst__observe *o, const fst__group *g)
{
    return fst__oatab_mix((uint64_t)(uintptr_t)g ^ o->seed);
}

static uint32_t rep_find(const fst__observe *o, const fst__group *g, uint32_t *pos)
{
    const rep_ctx c = {o, g};
    return fst__oatab_find(&o->rtab, rep_hash(o, g), rep_eq, &c, pos);
}

const uint8_t *fst__group_rep(const fst__observe *o, const fst__group *g, int hi)
{
    if (o->n_reps) {
        uint32_t pos;
        const uint32_t i = rep_find(o, g, &pos);
        if (i != UINT32_MAX)
            return o->reps[i].a[hi];
    }
    return hi ? g->key.k.hi : g->key.k.lo;
}

/* A reported address replaces the alias when the real one differs (a
 * secondary IP); the smaller one wins so push order does not matter.
 * Called only when real != key address. */
static int report(fst__observe *o, const fst__group *g, int hi, const uint8_t real[16])
{
    const uint8_t *keyaddr = hi ? g->key.k.hi : g->key.k.lo;
    if (!memcmp(real, keyaddr, 16))
        return 0;
    uint32_t pos;
    uint32_t i = rep_find(o, g, &pos);
    if (i == UINT32_MAX) {
        FST__TRY(fst__grow((void **)&o->reps, &o->cap_reps, o->n_reps + 1, sizeof *o->reps));
        i = o->n_reps;
        fst__rep *r = &o->reps[i];
        r->g = g;
        memcpy(r->a[0], g->key.k.lo, 16);
        memcpy(r->a[1], g->key.k.hi, 16);
        FST__TRY(fst__oatab_insert(&o->rtab, pos, rep_hash(o, g), i));
        o->n_reps++;
    }
    uint8_t *rep = o->reps[i].a[hi];
    if (!memcmp(rep, keyaddr, 16) || memcmp(real, rep, 16) < 0)
        memcpy(rep, real, 16);
    return 0;
}

int fst__group_set_rep(fst__observe *o, const fst__group *g, int hi, const uint8_t a[16])
{
    const uint8_t *keyaddr = hi ? g->key.k.hi : g->key.k.lo;
    if (!memcmp(a, keyaddr, 16) && !o->n_reps)
        return 0;
    FST__TRY(report(o, g, hi, a));
    uint32_t pos;
    const uint32_t i = rep_find(o, g, &pos);
    if (i != UINT32_MAX)
        memcpy(o->reps[i].a[hi], a, 16);
    return 0;
}

/* A flow record needs both addresses; a format without ports or protocol
 * joins on what it has (key_absent).  A protocol column holding "-" is
 * still unusable (counted in records_unusable). */
static int usable(const fst_record *rec)
{
    return fst_record_has(rec, FST_F_SRCADDR) && fst_record_has(rec, FST_F_DSTADDR) &&
           (fst_record_has(rec, FST_F_PROTOCOL) ||
            !FST_FIELDSET_HAS(rec->format->fields, FST_F_PROTOCOL));
}

/* The key parts rec does not carry (FST__KEY_NO*): ports when either port
 * is absent from the format or "-", protocol when absent from the format. */
static uint8_t key_absent(const fst_record *rec)
{
    const int ports = fst_record_has(rec, FST_F_SRCPORT) && fst_record_has(rec, FST_F_DSTPORT);
    return (uint8_t)((ports ? 0 : FST__KEY_NOPORTS) |
                     (fst_record_has(rec, FST_F_PROTOCOL) ? 0 : FST__KEY_NOPROTO));
}

static uint16_t port_of(const fst_record *rec, int f)
{
    return fst_record_has(rec, f) ? (uint16_t)rec->num[f] : 0;
}

/* traffic-path codes AWS defines (../shared/docs/aws-flowlogs.md 1); others
 * are not kept. */
#define TPATH_MIN 1
#define TPATH_MAX 8

static void fill_win(fst__win *w, const fst_record *rec, uint32_t eni)
{
    memset(w, 0, sizeof *w);
    const int64_t s = fst_record_has(rec, FST_F_START) ? (int64_t)rec->num[FST_F_START] : 0;
    const int64_t e = fst_record_has(rec, FST_F_END) ? (int64_t)rec->num[FST_F_END] : s;
    w->start = s;
    w->dur = e > s ? (e - s > UINT32_MAX ? UINT32_MAX : (uint32_t)(e - s)) : 0;
    w->packets = fst_record_has(rec, FST_F_PACKETS) ? rec->num[FST_F_PACKETS] : 0;
    w->bytes = fst_record_has(rec, FST_F_BYTES) ? rec->num[FST_F_BYTES] : 0;
    w->eni = eni;
    if (!fst_record_has(rec, FST_F_START))
        w->bits |= FST__W_NOTIME;
    if (!fst_record_has(rec, FST_F_PACKETS) && !fst_record_has(rec, FST_F_BYTES))
        w->bits |= FST__W_NOCOUNT;
    if (fst_record_has(rec, FST_F_TCP_FLAGS)) {
        w->flags = (uint8_t)rec->num[FST_F_TCP_FLAGS];
        w->bits |= FST__W_FLAGS;
    }
    w->action = fst_record_has(rec, FST_F_ACTION) ? (uint8_t)rec->num[FST_F_ACTION] : 0;
    w->fdir = fst_record_has(rec, FST_F_FLOW_DIRECTION) ? (uint8_t)rec->num[FST_F_FLOW_DIRECTION] : 0;
    if (fst_record_has(rec, FST_F_TRAFFIC_PATH) && rec->num[FST_F_TRAFFIC_PATH] >= TPATH_MIN &&
        rec->num[FST_F_TRAFFIC_PATH] <= TPATH_MAX)
        w->tpath = (uint8_t)rec->num[FST_F_TRAFFIC_PATH];
    if (FST_FIELDSET_HAS(rec->format->fields, FST_F_INSTANCE_ID) &&
        FST_FIELDSET_HAS(rec->dash, FST_F_INSTANCE_ID))
        w->bits |= FST__W_INST_DASH;
}

/* Packs *w (not yet flagged FST__W_DUP) into *c, or, when a value does not
 * fit, keeps it in o->wide and points there. 0 or FST_ENOMEM. */
static int pack(fst__observe *o, fst__cwin *c, const fst__win *w, uint32_t gi)
{
    c->group = gi;
    c->bits = w->bits;
    if (w->tpath & FST__CW_TPATH_HIGH) /* DUP is never set before correlate */
        c->bits |= FST__W_DUP;
    if (w->nrec <= 1 && w->start >= 0 && w->start <= UINT32_MAX && w->dur <= UINT16_MAX &&
        w->packets <= UINT32_MAX && w->bytes <= UINT32_MAX && w->eni < (1u << 24) &&
        w->action <= 3 && w->fdir <= 3 && w->tpath <= FST__CW_TPATH_MAX) {
        c->start = (uint32_t)w->start;
        c->dur = (uint16_t)w->dur;
        c->packets = (uint32_t)w->packets;
        c->bytes = (uint32_t)w->bytes;
        c->eni_flags = w->eni | (uint32_t)w->flags << 24;
        c->ad = (uint8_t)(w->action | w->fdir << 2 |
                          (w->tpath & FST__CW_TPATH_LOW) << FST__CW_TPATH_SHIFT);
        return 0;
    }
    FST__TRY(fst__grow((void **)&o->wide, &o->cap_wide, o->n_wide + 1, sizeof *o->wide));
    o->wide[o->n_wide] = *w;
    c->start = o->n_wide++;
    c->dur = 0;
    c->packets = c->bytes = c->eni_flags = 0;
    c->ad = FST__CW_WIDE;
    return 0;
}

/* The slot for the next entry; NULL on out of memory or at 2^32 - 2. */
static fst__cwin *cwin_next(fst__observe *o)
{
    if (o->n_rec == UINT32_MAX - 1)
        return NULL;
    if (o->n_rec == o->n_wchunks * FST__WCHUNK) {
        if (fst__grow((void **)&o->wchunks, &o->cap_wchunks, o->n_wchunks + 1, sizeof *o->wchunks) < 0)
            return NULL;
        o->wchunks[o->n_wchunks] = fst__big_alloc(FST__WCHUNK_BYTES);
        if (!o->wchunks[o->n_wchunks])
            return NULL;
        o->n_wchunks++;
    }
    return fst__cwin_at(o, o->n_rec);
}

/* Resolves the oldest pending lookup: its group (created when new) counts
 * the entry.  Meanwhile the group of a later pending record, whose table
 * slot should be in cache by now, is prefetched. */
static int resolve_oldest(fst__observe *o)
{
    fst__pending *p = &o->pend[o->pend_head];
    const fst__pending *q = &o->pend[(o->pend_head + FST__PENDING / 2) % FST__PENDING];
    if (o->n_pend > FST__PENDING / 2 && o->gtab.s) {
        /* the first slots of its probe (one line, loaded since its push);
         * a group spans two lines at most */
        for (uint32_t i = q->hv & o->gtab.mask, k = 0; k < 3; k++, i = (i + 1) & o->gtab.mask) {
            const fst__oa_slot sl = o->gtab.s[i];
            if (!sl.idx1)
                break;
            if (sl.hv == q->hv) {
                const char *g = (const char *)fst__observe_group(o, sl.idx1 - 1);
                PREFETCH(g);
                PREFETCH(g + sizeof(fst__group) - 1);
                break;
            }
        }
    }
    uint32_t gi;
    fst__group *g = group_get(o, &p->key, p->hv, &gi);
    if (!g)
        return FST_ENOMEM;
    g->n++;
    if (o->partitioned) {
        p->cw.group = gi;
        FST__TRY(fst__observe_part_add(o, &p->cw));
    } else {
        fst__cwin_at(o, p->rec)->group = gi;
    }
    o->pend_head = (o->pend_head + 1) % FST__PENDING;
    o->n_pend--;
    return 0;
}

static int flush_pending(fst__observe *o)
{
    while (o->n_pend)
        FST__TRY(resolve_oldest(o));
    return 0;
}

/* Provenance: the ordinal of the record whose entry is o->n_rec. */
static int prov_keep(fst__observe *o)
{
    if (o->records_in > UINT32_MAX)
        return FST_ELIMIT;
    FST__TRY(fst__grow((void **)&o->prov->ord, &o->prov->cap_ord, o->n_rec + 1,
                       sizeof *o->prov->ord));
    o->prov->ord[o->n_rec] = (uint32_t)(o->records_in - 1);
    return 0;
}

/* The flow half of fst__observe_push_prep. */
static int push_flow(fst__observe *o, fst__eni *e, const fst__prep *p, const fst__prep_addrs *x,
                     const fst__prep_where *wh)
{
    fst__cwin local, *cw = o->partitioned ? &local : cwin_next(o);
    if (!cw || o->n_rec == UINT32_MAX - 1)
        return o->n_rec == UINT32_MAX - 1 ? FST_ELIMIT : FST_ENOMEM;
    fst__win wv = p->w, *w = &wv;
    w->eni = e->index;
    const int swapped = (w->bits & FST__W_REV) != 0;
    const fst__pkey *k = &p->u.key;
    /* plain addresses: the key's, unless pkt-* or metadata changed them */
    const uint8_t *src = p->addrs ? x->src : swapped ? k->k.hi : k->k.lo;
    const uint8_t *dst = p->addrs ? x->dst : swapped ? k->k.lo : k->k.hi;
    if (w->bits & FST__W_SRC_SUBST) {
        memcpy(e->sure_own, src, 16);
        e->has_sure_own = 1;
    }
    if (w->bits & FST__W_DST_SUBST) {
        memcpy(e->sure_own, dst, 16);
        e->has_sure_own = 1;
    }
    if ((w->bits & (FST__W_SRC_SUBST | FST__W_DST_SUBST)) && (w->bits & FST__W_INST_DASH))
        e->is_hop = 1;
    eni_learn(e, src, dst);
    if (!e->has_dir_own && w->fdir) { /* the plain address on the ENI's side */
        memcpy(e->dir_own, w->fdir == FST_DIR_EGRESS ? src : dst, 16);
        e->has_dir_own = 1;
    }
    if (p->where) /* real addresses as keyed: what fst__svc_of is asked with */
        FST__TRY(fst__observe_take_where(o, e, wh, swapped ? k->k.hi : k->k.lo,
                                         swapped ? k->k.lo : k->k.hi));
    if (p->addrs && (w->bits & (FST__W_SRC_SUBST | FST__W_DST_SUBST)))
        fst__eni_note_secondary(e, w, x->rs, x->rd);

    FST__TRY(pack(o, cw, w, UINT32_MAX));
    if (o->prov)
        FST__TRY(prov_keep(o));
    if (!(w->bits & FST__W_NOTIME)) { /* the data's range (open_at_start/end) */
        if (w->start < o->t_lo)
            o->t_lo = w->start;
        if (w->start + (int64_t)w->dur > o->t_hi)
            o->t_hi = w->start + (int64_t)w->dur;
    }
    if (o->streaming && !(w->bits & FST__W_NOTIME)) { /* the clock, and lateness */
        const int64_t end = w->start + (int64_t)w->dur;
        o->recent[o->n_recent++ % FST__RECENT] = end;
        o->late += o->cut_set && end < o->cut[k->proto];
    }
    if (p->alias) {
        /* metadata replaced an address: report it now, in order */
        FST__TRY(flush_pending(o));
        uint32_t gi;
        fst__group *g = group_get(o, k, p->hv, &gi);
        if (!g)
            return FST_ENOMEM;
        if (p->alias & 1)
            FST__TRY(report(o, g, swapped, x->rs));
        if (p->alias & 2)
            FST__TRY(report(o, g, !swapped, x->rd));
        g->n++;
        cw->group = gi;
        if (o->partitioned)
            FST__TRY(fst__observe_part_add(o, cw));
    } else {
        if (o->n_pend == FST__PENDING)
            FST__TRY(resolve_oldest(o));
        fst__pending *q = &o->pend[(o->pend_head + o->n_pend) % FST__PENDING];
        q->key = *k;
        q->hv = p->hv;
        q->rec = o->n_rec;
        if (o->partitioned)
            q->cw = *cw;
        o->n_pend++;
        if (o->gtab.s)
            PREFETCH(&o->gtab.s[p->hv & o->gtab.mask]);
    }
    o->n_rec++;
    e->records++;
    o->packets_naive = fst__sat_add(o->packets_naive, w->packets);
    o->bytes_naive = fst__sat_add(o->bytes_naive, w->bytes);
    return 0;
}

/* 64 x 64 -> 128-bit multiply, folded (wyhash's "mum"). */
static inline uint64_t mum(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
    const unsigned __int128 r = (unsigned __int128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
    const uint64_t ha = a >> 32, la = (uint32_t)a, hb = b >> 32, lb = (uint32_t)b;
    const uint64_t rh = ha * hb, rm0 = ha * lb, rm1 = hb * la, rl = la * lb;
    const uint64_t t = rl + (rm0 << 32), c = t < rl;
    const uint64_t lo = t + (rm1 << 32);
    const uint64_t hi = rh + (rm0 >> 32) + (rm1 >> 32) + c + (lo < t);
    return lo ^ hi;
#endif
}

/* Seeded hash of a canonical key (40 bytes): three independent multiplies
 * instead of fst__hash's five dependent rounds.  Only the group table uses
 * it; group numbers do not depend on it. */
static inline uint32_t key_hash(const fst__pkey *k, uint64_t seed)
{
    uint64_t w[5];
    memcpy(w, k, sizeof w);
    const uint64_t a = mum(w[0] ^ seed ^ 0xa0761d6478bd642fULL, w[1] ^ 0xe7037ed1a0b428dbULL);
    const uint64_t b = mum(w[2] ^ 0x8ebc6af09c88c6e3ULL, w[3] ^ 0x589965cc75374cc3ULL);
    const uint64_t h = mum(a ^ b ^ w[4] ^ 0x1d8e4e27c47d124fULL, seed ^ 0xeb44accab455d165ULL);
    return (uint32_t)(h ^ (h >> 32));
}

void fst__observe_prep_hash(const fst__prep_ctx *c, fst__prep *p)
{
    if (p->kind == FST__P_FLOW)
        p->hv = key_hash(&p->u.key, c->seed);
}

int fst__observe_prep(const fst__prep_ctx *c, const fst_record *rec, fst__prep *p,
                      fst__prep_addrs *x, fst__prep_where *wh)
{
    p->eni = rec->ids[FST_F_INTERFACE_ID];
    p->w.eni = p->eni ? rec->eni : 0;
    p->alias = p->addrs = 0;
    p->where = (uint8_t)fst__observe_prep_where(rec, wh);
    if (rec->status == FST_STATUS_NODATA) {
        p->kind = FST__P_NODATA;
        return 0;
    }
    if (rec->status == FST_STATUS_SKIPDATA) {
        p->kind = FST__P_SKIPDATA;
        const int64_t s = fst_record_has(rec, FST_F_START) ? (int64_t)rec->num[FST_F_START] : 0;
        p->u.skip.start = s;
        p->u.skip.end = fst_record_has(rec, FST_F_END) ? (int64_t)rec->num[FST_F_END] : s;
        return 0;
    }
    if (!usable(rec)) {
        p->kind = FST__P_UNUSABLE;
        return 0;
    }
    p->kind = FST__P_FLOW;
    const fst_addr *src = &rec->addr[FST_A_SRC], *dst = &rec->addr[FST_A_DST];
    const fst_addr *rs = fst_record_has(rec, FST_F_PKT_SRCADDR) ? &rec->addr[FST_A_PKT_SRC] : src;
    const fst_addr *rd = fst_record_has(rec, FST_F_PKT_DSTADDR) ? &rec->addr[FST_A_PKT_DST] : dst;
    fst__win *w = &p->w;
    fill_win(w, rec, p->w.eni);
    if (fst_addr_cmp(rs, src))
        w->bits |= FST__W_SRC_SUBST;
    if (fst_addr_cmp(rd, dst))
        w->bits |= FST__W_DST_SUBST;
    const uint8_t absent = key_absent(rec);
    const int ports = !(absent & FST__KEY_NOPORTS);
    const uint16_t sp = ports ? port_of(rec, FST_F_SRCPORT) : 0;
    const uint16_t dp = ports ? port_of(rec, FST_F_DSTPORT) : 0;
    const uint8_t proto = absent & FST__KEY_NOPROTO ? 0 : (uint8_t)rec->num[FST_F_PROTOCOL];
    const uint8_t fam = rs->family == 6 ? 6 : 4;
    const uint8_t *as = alias(c->meta, rs), *ad = alias(c->meta, rd);
    const int swapped = fst__key_make(&p->u.key, as, sp, ad, dp, proto, fam);
    p->u.key.absent = absent;
    if (c->hash)
        fst__observe_prep_hash(c, p);
    if (swapped)
        w->bits |= FST__W_REV;
    p->alias = (uint8_t)((as != rs->b) | (ad != rd->b) << 1);
    if (!p->alias && !(w->bits & (FST__W_SRC_SUBST | FST__W_DST_SUBST)))
        return 0;
    memcpy(x->src, src->b, 16);
    memcpy(x->dst, dst->b, 16);
    memcpy(x->rs, rs->b, 16);
    memcpy(x->rd, rd->b, 16);
    p->addrs = 1;
    return 1;
}

int fst__observe_push_prep(fst__observe *o, const fst__prep *p, const fst__prep_addrs *x,
                           const fst__prep_where *wh)
{
    o->records_in++;
    fst__eni *e = eni_get(o, p->eni, p->w.eni);
    if (!e)
        return FST_ENOMEM;
    if (p->where && p->kind != FST__P_FLOW)
        FST__TRY(fst__observe_take_where(o, e, wh, NULL, NULL));
    switch (p->kind) {
    case FST__P_NODATA:
        e->nodata++;
        o->nodata++;
        return 0;
    case FST__P_SKIPDATA: {
        e->skipdata++;
        o->skipdata++;
        FST__TRY(fst__grow((void **)&o->skips, &o->cap_skips, o->n_skips + 1, sizeof *o->skips));
        fst__skip *s = &o->skips[o->n_skips++];
        s->eni = e->index;
        s->start = p->u.skip.start;
        s->end = p->u.skip.end;
        return 0;
    }
    case FST__P_UNUSABLE:
        o->unusable++;
        return 0;
    default:
        return push_flow(o, e, p, x, wh);
    }
}

int fst__observe_push(fst__observe *o, const fst_record *rec)
{
    const fst__prep_ctx c = fst__observe_prep_ctx(o);
    fst__prep p;
    fst__prep_addrs x;
    fst__prep_where wh;
    fst__observe_prep(&c, rec, &p, &x, &wh);
    wh.check_text = 1; /* a caller's records: interned pointers may be reused */
    o->ptrs_trusted = 0;
    return fst__observe_push_prep(o, &p, &x, &wh);
}

static int cmp_skip(const void *a, const void *b)
{
    const fst__skip *x = a, *y = b;
    if (x->eni != y->eni)
        return x->eni < y->eni ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

void fst__observe_index_skips(fst__observe *o)
{
    if (o->n_skips)
        qsort(o->skips, o->n_skips, sizeof *o->skips, cmp_skip);
    for (uint32_t i = 0; i < o->n_enis; i++)
        o->enis[i]->skip_n = 0;
    for (uint32_t i = o->n_skips; i-- > 0;) {
        fst__eni *e = o->enis[o->skips[i].eni];
        e->skip_off = i;
        e->skip_n++;
    }
}

/* ------------------------------------------------------------ streaming */

static int cmp_i64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int fst__observe_settle(fst__observe *o)
{
    return flush_pending(o);
}

int64_t fst__observe_clock(const fst__observe *o)
{
    const uint32_t n = o->n_recent < FST__RECENT ? (uint32_t)o->n_recent : FST__RECENT;
    if (!n)
        return INT64_MIN;
    int64_t v[FST__RECENT];
    memcpy(v, o->recent, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_i64);
    return v[n / 2];
}

void fst__observe_rep_index(fst__observe *o, fst__oatab *t, uint32_t i)
{
    uint32_t pos;
    const rep_ctx c = {o, o->reps[i].g};
    (void)fst__oatab_find(t, rep_hash(o, o->reps[i].g), rep_eq, &c, &pos);
    (void)fst__oatab_insert(t, pos, rep_hash(o, o->reps[i].g), i); /* sized: cannot fail */
}

void fst__observe_index_groups(fst__observe *o)
{
    for (uint32_t i = 0; i < o->n_groups; i++) {
        const fst__group *g = fst__observe_group(o, i);
        const uint32_t hv = key_hash(&g->key, o->seed);
        const key_ctx c = {o, &g->key};
        uint32_t pos;
        (void)fst__oatab_find(&o->gtab, hv, group_eq, &c, &pos);
        (void)fst__oatab_insert(&o->gtab, pos, hv, i); /* sized: cannot fail */
    }
}

static uint64_t tab_bytes(const fst__oatab *t)
{
    return (uint64_t)fst__oatab_cap(t) * sizeof(fst__oa_slot);
}

uint64_t fst__observe_held_bytes(const fst__observe *o)
{
    uint64_t b = (uint64_t)o->n_rec * sizeof(fst__cwin) +
                 (uint64_t)o->n_groups * sizeof(fst__group);
    b += (uint64_t)o->cap_wide * sizeof *o->wide + (uint64_t)o->cap_reps * sizeof *o->reps +
         (uint64_t)o->cap_eniptr * sizeof *o->eniptr;
    b += tab_bytes(&o->gtab) + tab_bytes(&o->rtab) + tab_bytes(&o->eni_by_name) +
         tab_bytes(&o->eni_by_ptr);
    uint64_t wcap = o->cap_wchunks; /* partitioned: as the flat blocks would have it */
    if (o->partitioned && o->n_rec) {
        const uint64_t need = ((uint64_t)o->n_rec + FST__WCHUNK - 1) / FST__WCHUNK;
        for (wcap = 64; wcap < need; wcap *= 2)
            ;
    }
    b += wcap * sizeof *o->wchunks + (uint64_t)o->cap_chunks * sizeof *o->chunks;
    if (!o->borrowed)
        b += (uint64_t)o->cap_skips * sizeof *o->skips +
             (uint64_t)o->cap_enis * sizeof *o->enis + (uint64_t)o->n_enis * FST__ENI_BYTES;
    return b;
}
