/* stitch/facts.c - per-ENI facts of a distributed run (facts.h). */
#include "stitch/facts.h"

#include <stdlib.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "flowstitch/shard.h"

void fst__facts_init(fst__facts *f, uint64_t seed)
{
    memset(f, 0, sizeof *f);
    f->seed = seed;
}

static void efact_free(fst__efact *e)
{
    fst__free(e->name);
    for (int k = 0; k < FST__CTX_N; k++)
        fst__free(e->ctx[k]);
    for (uint32_t i = 0; i < e->n_svc; i++)
        fst__free(e->svc[i].name);
    fst__free(e->sec);
    fst__free(e->skip);
    fst__free(e->svc);
    memset(e, 0, sizeof *e);
}

void fst__facts_clear(fst__facts *f)
{
    for (uint32_t i = 0; i < f->n; i++)
        efact_free(&f->v[i]);
    f->n = 0;
    fst__oatab_free(&f->tab);
    f->last_ptr = NULL;
}

void fst__facts_free(fst__facts *f)
{
    fst__facts_clear(f);
    fst__free(f->v);
    memset(f, 0, sizeof *f);
}

static void efact_init(fst__efact *e)
{
    memset(e, 0, sizeof *e);
    e->first = e->learn_at = e->sure_at = e->dir_at = FST__STAMP_NONE;
    for (int k = 0; k < FST__CTX_N; k++)
        e->ctx_at[k] = FST__STAMP_NONE;
    e->t_lo = INT64_MAX;
    e->t_hi = INT64_MIN;
}

/* ---- the ENI table ---------------------------------------------------- */

typedef struct name_ctx {
    const fst__facts *f;
    const char *name;
} name_ctx;

static int name_eq(const void *ctx, uint32_t idx)
{
    const name_ctx *c = ctx;
    const char *n = c->f->v[idx].name;
    return c->name ? n && !strcmp(n, c->name) : !n;
}

static uint32_t name_hash(const fst__facts *f, const char *name)
{
    return name ? fst__hash(name, strlen(name), f->seed ^ 0xfac7ULL) : 0x9e3779b9u;
}

/* The entry of ENI name (NULL: none), created when new; NULL out of memory. */
static fst__efact *efact_get(fst__facts *f, const char *name)
{
    const uint32_t hv = name_hash(f, name);
    const name_ctx c = {f, name};
    uint32_t pos;
    const uint32_t i = fst__oatab_find(&f->tab, hv, name_eq, &c, &pos);
    if (i != UINT32_MAX)
        return &f->v[i];
    if (fst__grow((void **)&f->v, &f->cap, f->n + 1, sizeof *f->v) < 0)
        return NULL;
    fst__efact *e = &f->v[f->n];
    efact_init(e);
    if (name && !(e->name = fst__strndup(name, strlen(name))))
        return NULL;
    if (fst__oatab_insert(&f->tab, pos, hv, f->n) < 0) {
        efact_free(e);
        return NULL;
    }
    f->n++;
    return e;
}

/* ---- map: learning from records (as observe.c / context.c do) --------- */

static fst__stamp at(uint64_t seq)
{
    return (fst__stamp){0, seq};
}

static int take_ctx(fst__efact *e, const fst__prep_where *wh, uint64_t seq)
{
    for (int k = 0; k < FST__CTX_N && e->name; k++)
        if (wh->id[k] && !e->ctx[k]) {
            if (!(e->ctx[k] = fst__strndup(wh->id[k], strlen(wh->id[k]))))
                return FST_ENOMEM;
            e->ctx_at[k] = at(seq);
        }
    return 0;
}

static int add_svc(fst__efact *e, const uint8_t a[16], const char *name, uint64_t seq)
{
    for (uint32_t i = 0; i < e->n_svc; i++)
        if (!memcmp(e->svc[i].a, a, 16))
            return 0; /* the first name seen for the address stays */
    FST__TRY(fst__grow((void **)&e->svc, &e->cap_svc, e->n_svc + 1, sizeof *e->svc));
    fst__svcf *s = &e->svc[e->n_svc];
    memcpy(s->a, a, 16);
    s->at = at(seq);
    if (!(s->name = fst__strndup(name, strlen(name))))
        return FST_ENOMEM;
    e->n_svc++;
    return 0;
}

static void learn(fst__efact *e, const uint8_t *src, const uint8_t *dst)
{
    if (!e->learning) {
        e->learning = 1;
        memcpy(e->cand[0], src, 16);
        memcpy(e->cand[1], dst, 16);
        e->ncand = memcmp(src, dst, 16) ? 2 : 1;
        return;
    }
    uint8_t keep = 0;
    for (uint8_t i = 0; i < e->ncand; i++)
        if (!memcmp(e->cand[i], src, 16) || !memcmp(e->cand[i], dst, 16)) {
            if (keep != i)
                memcpy(e->cand[keep], e->cand[i], 16);
            keep++;
        }
    e->ncand = keep;
}

/* A secondary address a record would note (context.c
 * fst__eni_note_secondary), whether or not the ENI's instance is known. */
static int note_sec(fst__efact *e, const uint8_t a[16], uint64_t seq)
{
    const int inst = e->ctx[FST__CTX_INSTANCE] != NULL;
    for (uint32_t i = 0; i < e->n_sec; i++)
        if (!memcmp(e->sec[i].a, a, 16)) {
            if (inst && e->sec[i].after.rank == UINT64_MAX)
                e->sec[i].after = at(seq);
            return 0;
        }
    FST__TRY(fst__grow((void **)&e->sec, &e->cap_sec, e->n_sec + 1, sizeof *e->sec));
    fst__secf *s = &e->sec[e->n_sec++];
    memcpy(s->a, a, 16);
    s->any = at(seq);
    s->after = inst ? at(seq) : FST__STAMP_NONE;
    return 0;
}

static int push_flow(fst__efact *e, const fst__prep *p, const fst__prep_addrs *x,
                     const fst__prep_where *wh, uint64_t seq)
{
    const fst__win *w = &p->w;
    const int swapped = (w->bits & FST__W_REV) != 0;
    const fst__pkey *k = &p->u.key;
    const uint8_t *src = p->addrs ? x->src : swapped ? k->k.hi : k->k.lo;
    const uint8_t *dst = p->addrs ? x->dst : swapped ? k->k.lo : k->k.hi;
    const int subst = (w->bits & (FST__W_SRC_SUBST | FST__W_DST_SUBST)) != 0;
    if (subst) {
        memcpy(e->sure, (w->bits & FST__W_DST_SUBST) ? dst : src, 16);
        e->has_sure = 1;
        e->sure_at = at(seq);
        if (w->bits & FST__W_INST_DASH)
            e->is_hop = 1;
    }
    if (!e->learning)
        e->learn_at = at(seq);
    learn(e, src, dst);
    if (!e->has_dir && w->fdir) {
        memcpy(e->dir, w->fdir == FST_DIR_EGRESS ? src : dst, 16);
        e->has_dir = 1;
        e->dir_at = at(seq);
    }
    if (p->where) {
        FST__TRY(take_ctx(e, wh, seq));
        if (wh->svc[0][0])
            FST__TRY(add_svc(e, swapped ? k->k.hi : k->k.lo, wh->svc[0], seq));
        if (wh->svc[1][0])
            FST__TRY(add_svc(e, swapped ? k->k.lo : k->k.hi, wh->svc[1], seq));
    }
    if (p->addrs && subst && e->name && !(w->bits & FST__W_INST_DASH)) {
        if ((w->bits & FST__W_SRC_SUBST) && w->fdir == FST_DIR_EGRESS)
            FST__TRY(note_sec(e, x->rs, seq));
        if ((w->bits & FST__W_DST_SUBST) && w->fdir == FST_DIR_INGRESS)
            FST__TRY(note_sec(e, x->rd, seq));
    }
    if (!(w->bits & FST__W_NOTIME)) {
        if (w->start < e->t_lo)
            e->t_lo = w->start;
        if (w->start + (int64_t)w->dur > e->t_hi)
            e->t_hi = w->start + (int64_t)w->dur;
    }
    e->records++;
    return 0;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

#define FNV_INIT 0xcbf29ce484222325ULL

static fst__efact *eni_of(fst__facts *f, const char *name)
{
    if (name && name == f->last_ptr && f->v[f->last_idx].name &&
        !strcmp(f->v[f->last_idx].name, name))
        return &f->v[f->last_idx];
    fst__efact *e = efact_get(f, name);
    if (e) {
        f->last_ptr = name;
        f->last_idx = (uint32_t)(e - f->v);
    }
    return e;
}

int fst__facts_push(fst__facts *f, const fst__prep_ctx *c, const fst_record *rec, uint64_t seq,
                    uint64_t *key)
{
    fst__prep p;
    fst__prep_addrs x;
    fst__prep_where wh;
    fst__observe_prep(c, rec, &p, &x, &wh);
    fst__efact *e = eni_of(f, p.eni);
    if (!e)
        return FST_ENOMEM;
    if (e->first.rank == UINT64_MAX)
        e->first = at(seq);
    *key = p.kind == FST__P_FLOW ? fnv(FNV_INIT, &p.u.key, sizeof p.u.key)
                                 : fnv(FNV_INIT, p.eni ? p.eni : "", p.eni ? strlen(p.eni) : 0);
    if (p.where && p.kind != FST__P_FLOW)
        FST__TRY(take_ctx(e, &wh, seq));
    switch (p.kind) {
    case FST__P_NODATA:
        e->nodata++;
        return 0;
    case FST__P_SKIPDATA:
        e->skipdata++;
        FST__TRY(fst__grow((void **)&e->skip, &e->cap_skip, e->n_skip + 1, sizeof *e->skip));
        e->skip[e->n_skip++] = (fst__skipf){p.u.skip.start, p.u.skip.end};
        return 0;
    case FST__P_UNUSABLE:
        return 0;
    default:
        return push_flow(e, &p, &x, &wh, seq);
    }
}

/* ---- the line --------------------------------------------------------- */

static void put_tag(fst__wbuf *b, const char *tag)
{
    if (b->n)
        fst__wb_ch(b, ' ');
    fst__wb_put(b, tag, strlen(tag));
    fst__wb_ch(b, '=');
}

static void put_seq_addr(fst__wbuf *b, const char *tag, fst__stamp s, const uint8_t a[16])
{
    put_tag(b, tag);
    fst__wb_u64(b, s.seq);
    fst__wb_ch(b, ',');
    fst__wb_addr(b, a);
}

/* What correlating needs (to every reducer): candidates, the substituted
 * address, SKIPDATA windows. */
static void write_shared(const fst__efact *e, fst__wbuf *b)
{
    if (e->learning) {
        put_tag(b, "l");
        fst__wb_u64(b, e->learn_at.seq);
        fst__wb_ch(b, ',');
        fst__wb_u64(b, e->ncand);
        for (uint8_t i = 0; i < e->ncand; i++) {
            fst__wb_ch(b, ',');
            fst__wb_addr(b, e->cand[i]);
        }
    }
    if (e->has_sure)
        put_seq_addr(b, "s", e->sure_at, e->sure);
    for (uint32_t i = 0; i < e->n_skip; i++) {
        put_tag(b, "k");
        fst__wb_i64(b, e->skip[i].start);
        fst__wb_ch(b, ',');
        fst__wb_i64(b, e->skip[i].end);
    }
}

/* What only merge needs (to one reducer): counts, hop, the flow-direction
 * address, context, secondaries, services, times. */
static void write_rest(const fst__efact *e, fst__wbuf *b)
{
    put_tag(b, "w");
    if (e->records || e->nodata || e->skipdata) {
        put_tag(b, "n");
        fst__wb_u64(b, e->records);
        fst__wb_ch(b, ',');
        fst__wb_u64(b, e->nodata);
        fst__wb_ch(b, ',');
        fst__wb_u64(b, e->skipdata);
    }
    if (e->is_hop)
        put_tag(b, "h");
    if (e->has_dir)
        put_seq_addr(b, "d", e->dir_at, e->dir);
    for (int k = 0; k < FST__CTX_N; k++)
        if (e->ctx[k]) {
            const char tag[3] = {'c', (char)('0' + k), '\0'};
            put_tag(b, tag);
            fst__wb_u64(b, e->ctx_at[k].seq);
            fst__wb_ch(b, ',');
            fst__wb_text(b, e->ctx[k]);
        }
    for (uint32_t i = 0; i < e->n_sec; i++) {
        put_seq_addr(b, "x", e->sec[i].any, e->sec[i].a);
        fst__wb_ch(b, ',');
        if (e->sec[i].after.rank == UINT64_MAX)
            fst__wb_ch(b, '-');
        else
            fst__wb_u64(b, e->sec[i].after.seq);
    }
    for (uint32_t i = 0; i < e->n_svc; i++) {
        put_seq_addr(b, "v", e->svc[i].at, e->svc[i].a);
        fst__wb_ch(b, ',');
        fst__wb_text(b, e->svc[i].name);
    }
    if (e->t_lo <= e->t_hi) {
        put_tag(b, "t");
        fst__wb_i64(b, e->t_lo);
        fst__wb_ch(b, ',');
        fst__wb_i64(b, e->t_hi);
    }
}

void fst__facts_write(const fst__efact *e, int parts, fst__wbuf *b)
{
    fst__wb_reset(b);
    put_tag(b, "f");
    fst__wb_u64(b, e->first.seq);
    if (parts & FST__FACTS_SHARED)
        write_shared(e, b);
    if (parts & FST__FACTS_REST)
        write_rest(e, b);
}

/* ---- reduce: reading and combining ------------------------------------ */

static int get_stamp(fst__wcur *c, uint64_t rank, fst__stamp *s)
{
    s->rank = rank;
    return fst__wc_u64(c, &s->seq);
}

static int get_seq_addr(fst__wcur *c, uint64_t rank, fst__stamp *s, uint8_t a[16])
{
    get_stamp(c, rank, s);
    fst__wc_expect(c, ',');
    return fst__wc_addr(c, a);
}

static int read_sec(fst__efact *e, fst__wcur *c, uint64_t rank)
{
    FST__TRY(fst__grow((void **)&e->sec, &e->cap_sec, e->n_sec + 1, sizeof *e->sec));
    fst__secf *s = &e->sec[e->n_sec];
    get_seq_addr(c, rank, &s->any, s->a);
    fst__wc_expect(c, ',');
    if (fst__wc_is(c, '-'))
        s->after = FST__STAMP_NONE;
    else
        get_stamp(c, rank, &s->after);
    e->n_sec++;
    return 0;
}

static int read_skip(fst__efact *e, fst__wcur *c)
{
    FST__TRY(fst__grow((void **)&e->skip, &e->cap_skip, e->n_skip + 1, sizeof *e->skip));
    fst__skipf *k = &e->skip[e->n_skip++];
    fst__wc_i64(c, &k->start);
    fst__wc_expect(c, ',');
    return fst__wc_i64(c, &k->end) < 0 ? FST_EINVAL : 0;
}

static int read_svc(fst__efact *e, fst__wcur *c, uint64_t rank)
{
    FST__TRY(fst__grow((void **)&e->svc, &e->cap_svc, e->n_svc + 1, sizeof *e->svc));
    fst__svcf *s = &e->svc[e->n_svc];
    get_seq_addr(c, rank, &s->at, s->a);
    fst__wc_expect(c, ',');
    if (fst__wc_text(c, &s->name) < 0)
        return c->bad ? FST_EINVAL : FST_ENOMEM;
    e->n_svc++;
    return 0;
}

static int read_learn(fst__efact *e, fst__wcur *c, uint64_t rank)
{
    uint64_t n;
    get_stamp(c, rank, &e->learn_at);
    fst__wc_expect(c, ',');
    if (fst__wc_u64(c, &n) < 0 || n > 2)
        return FST_EINVAL;
    e->learning = 1;
    e->ncand = (uint8_t)n;
    for (uint8_t i = 0; i < e->ncand; i++) {
        fst__wc_expect(c, ',');
        fst__wc_addr(c, e->cand[i]);
    }
    return 0;
}

static int read_ctx(fst__efact *e, fst__wcur *c, uint64_t rank, int k)
{
    if (k < 0 || k >= FST__CTX_N || e->ctx[k])
        return FST_EINVAL;
    get_stamp(c, rank, &e->ctx_at[k]);
    fst__wc_expect(c, ',');
    if (fst__wc_text(c, &e->ctx[k]) < 0)
        return c->bad ? FST_EINVAL : FST_ENOMEM;
    return 0;
}

static int read_counts(fst__efact *e, fst__wcur *c)
{
    fst__wc_u64(c, &e->records);
    fst__wc_expect(c, ',');
    fst__wc_u64(c, &e->nodata);
    fst__wc_expect(c, ',');
    return fst__wc_u64(c, &e->skipdata) < 0 ? FST_EINVAL : 0;
}

static int read_token(fst__efact *e, fst__wcur *c, uint64_t rank, int *whole)
{
    char w[4];
    if (fst__wc_word(c, w, sizeof w) < 0)
        return FST_EINVAL;
    if (!strcmp(w, "h") || !strcmp(w, "w")) {
        if (w[0] == 'h')
            e->is_hop = 1;
        else
            *whole = 1;
        return fst__wc_expect(c, '=') < 0 ? FST_EINVAL : 0;
    }
    if (fst__wc_expect(c, '=') < 0)
        return FST_EINVAL;
    switch (w[0]) {
    case 'f':
        return get_stamp(c, rank, &e->first) < 0 ? FST_EINVAL : 0;
    case 'n':
        return read_counts(e, c);
    case 'l':
        return read_learn(e, c, rank);
    case 's':
        e->has_sure = 1;
        return get_seq_addr(c, rank, &e->sure_at, e->sure) < 0 ? FST_EINVAL : 0;
    case 'd':
        e->has_dir = 1;
        return get_seq_addr(c, rank, &e->dir_at, e->dir) < 0 ? FST_EINVAL : 0;
    case 'c':
        return w[1] && !w[2] ? read_ctx(e, c, rank, w[1] - '0') : FST_EINVAL;
    case 'x':
        return read_sec(e, c, rank);
    case 'k':
        return read_skip(e, c);
    case 'v':
        return read_svc(e, c, rank);
    case 't':
        fst__wc_i64(c, &e->t_lo);
        fst__wc_expect(c, ',');
        return fst__wc_i64(c, &e->t_hi) < 0 ? FST_EINVAL : 0;
    default:
        return FST_EINVAL;
    }
}

/* Parses one facts line into e (initialised); *whole set when it carries
 * the rest (a "w" token).  0, FST_EINVAL, FST_ENOMEM. */
static int parse_line(fst__efact *e, uint64_t rank, const char *text, int *whole)
{
    fst__wcur c = {text, 0};
    int rc = 0;
    do {
        rc = read_token(e, &c, rank, whole);
        if (!rc && c.bad)
            rc = FST_EINVAL;
    } while (!rc && fst__wc_is(&c, ' '));
    if (!rc && *c.p)
        rc = FST_EINVAL;
    if (!rc && e->first.rank == UINT64_MAX)
        rc = FST_EINVAL; /* "f" is always written */
    return rc;
}

int fst__facts_read(fst__facts *f, uint64_t rank, const char *eni, const char *text)
{
    fst__efact one;
    efact_init(&one);
    int whole = 0;
    int rc = parse_line(&one, rank, text, &whole);
    f->whole |= whole;
    fst__efact *e = rc ? NULL : efact_get(f, eni);
    if (!rc && !e)
        rc = FST_ENOMEM;
    if (!rc)
        rc = fst__facts_combine(e, &one);
    efact_free(&one);
    return rc;
}

static int take_str(char **dst, const char *src)
{
    char *s = fst__strndup(src, strlen(src));
    if (!s)
        return FST_ENOMEM;
    fst__free(*dst);
    *dst = s;
    return 0;
}

/* Candidates: the earlier learner's, in its order, kept when the later
 * learner's set has them (intersection, as eni_learn would go on). */
static void combine_cand(fst__efact *d, const fst__efact *s)
{
    if (!s->learning)
        return;
    if (!d->learning) {
        d->learning = 1;
        d->ncand = s->ncand;
        memcpy(d->cand, s->cand, sizeof d->cand);
        d->learn_at = s->learn_at;
        return;
    }
    const int s_first = fst__stamp_cmp(s->learn_at, d->learn_at) < 0;
    const fst__efact *early = s_first ? s : d, *late = s_first ? d : s;
    uint8_t keep[2][16] = {{0}}, n = 0;
    for (uint8_t i = 0; i < early->ncand; i++)
        for (uint8_t j = 0; j < late->ncand; j++)
            if (!memcmp(early->cand[i], late->cand[j], 16)) {
                memcpy(keep[n++], early->cand[i], 16);
                break;
            }
    memcpy(d->cand, keep, sizeof keep);
    d->ncand = n;
    if (s_first)
        d->learn_at = s->learn_at;
}

static int append_lists(fst__efact *d, const fst__efact *s)
{
    if (s->n_sec) {
        FST__TRY(fst__grow((void **)&d->sec, &d->cap_sec, d->n_sec + s->n_sec, sizeof *d->sec));
        memcpy(d->sec + d->n_sec, s->sec, s->n_sec * sizeof *s->sec);
        d->n_sec += s->n_sec;
    }
    if (s->n_skip) {
        FST__TRY(
            fst__grow((void **)&d->skip, &d->cap_skip, d->n_skip + s->n_skip, sizeof *d->skip));
        memcpy(d->skip + d->n_skip, s->skip, s->n_skip * sizeof *s->skip);
        d->n_skip += s->n_skip;
    }
    for (uint32_t i = 0; i < s->n_svc; i++) {
        FST__TRY(fst__grow((void **)&d->svc, &d->cap_svc, d->n_svc + 1, sizeof *d->svc));
        d->svc[d->n_svc] = s->svc[i];
        if (!(d->svc[d->n_svc].name = fst__strndup(s->svc[i].name, strlen(s->svc[i].name))))
            return FST_ENOMEM;
        d->n_svc++;
    }
    return 0;
}

int fst__facts_combine(fst__efact *d, const fst__efact *s)
{
    if (fst__stamp_cmp(s->first, d->first) < 0)
        d->first = s->first;
    d->records += s->records;
    d->nodata += s->nodata;
    d->skipdata += s->skipdata;
    combine_cand(d, s);
    if (s->has_sure && (!d->has_sure || fst__stamp_cmp(s->sure_at, d->sure_at) > 0)) {
        memcpy(d->sure, s->sure, 16);
        d->sure_at = s->sure_at;
        d->has_sure = 1;
    }
    d->is_hop |= s->is_hop;
    if (s->has_dir && (!d->has_dir || fst__stamp_cmp(s->dir_at, d->dir_at) < 0)) {
        memcpy(d->dir, s->dir, 16);
        d->dir_at = s->dir_at;
        d->has_dir = 1;
    }
    for (int k = 0; k < FST__CTX_N; k++)
        if (s->ctx[k] && (!d->ctx[k] || fst__stamp_cmp(s->ctx_at[k], d->ctx_at[k]) < 0)) {
            FST__TRY(take_str(&d->ctx[k], s->ctx[k]));
            d->ctx_at[k] = s->ctx_at[k];
        }
    if (s->t_lo < d->t_lo)
        d->t_lo = s->t_lo;
    if (s->t_hi > d->t_hi)
        d->t_hi = s->t_hi;
    return append_lists(d, s);
}

/* ---- settle, seed, apply ---------------------------------------------- */

static int cmp_sec(const void *a, const void *b)
{
    const fst__secf *x = a, *y = b;
    const int c = fst__stamp_cmp(x->any, y->any);
    return c ? c : memcmp(x->a, y->a, 16);
}

/* Secondary addresses one machine keeps: noted by records at or after the
 * ENI's first instance record g, the first FST__ENI_SEC_MAX by stamp. */
static void settle_sec(fst__efact *e)
{
    const fst__stamp g = e->ctx_at[FST__CTX_INSTANCE];
    uint32_t n = 0;
    for (uint32_t i = 0; i < e->n_sec && e->ctx[FST__CTX_INSTANCE]; i++) {
        fst__secf s = e->sec[i];
        if (s.any.rank < g.rank)
            continue; /* its input came before the instance was known */
        if (s.any.rank == g.rank)
            s.any = s.after; /* the input that made it known */
        if (s.any.rank == UINT64_MAX)
            continue;
        e->sec[n++] = s;
    }
    if (n)
        qsort(e->sec, n, sizeof *e->sec, cmp_sec);
    uint32_t u = 0; /* each address once, at its first stamp */
    for (uint32_t i = 0; i < n && u < FST__ENI_SEC_MAX; i++) {
        int dup = 0;
        for (uint32_t j = 0; j < u && !dup; j++)
            dup = !memcmp(e->sec[j].a, e->sec[i].a, 16);
        if (!dup)
            e->sec[u++] = e->sec[i];
    }
    e->n_sec = u;
}

int fst__facts_settle(fst__facts *f)
{
    for (uint32_t i = 0; i < f->n; i++)
        settle_sec(&f->v[i]);
    return 0;
}

typedef struct firstidx {
    fst__stamp first;
    uint32_t idx;
} firstidx;

static int cmp_first(const void *a, const void *b)
{
    return fst__stamp_cmp(((const firstidx *)a)->first, ((const firstidx *)b)->first);
}

int fst__facts_seed(const fst__facts *f, fst__observe *o)
{
    firstidx *v = fst__malloc((size_t)(f->n ? f->n : 1) * sizeof *v);
    if (!v)
        return FST_ENOMEM;
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->n; i++)
        if (f->v[i].name)
            v[n++] = (firstidx){f->v[i].first, i};
    if (n)
        qsort(v, n, sizeof *v, cmp_first);
    int rc = 0;
    for (uint32_t i = 0; i < n && !rc; i++)
        if (!fst__observe_eni_add(o, f->v[v[i].idx].name))
            rc = FST_ENOMEM;
    fst__free(v);
    return rc;
}

static int apply_eni(fst__eni *e, const fst__efact *s)
{
    e->learning = s->learning;
    e->ncand = s->ncand;
    memcpy(e->cand, s->cand, sizeof e->cand);
    e->has_sure_own = s->has_sure;
    memcpy(e->sure_own, s->sure, 16);
    e->is_hop = s->is_hop;
    e->has_dir_own = s->has_dir;
    memcpy(e->dir_own, s->dir, 16);
    for (int k = 0; k < FST__CTX_N; k++) {
        fst__free(e->ctx[k]);
        e->ctx[k] = NULL;
        e->ctx_seen[k] = NULL;
        if (s->ctx[k] && !(e->ctx[k] = fst__strndup(s->ctx[k], strlen(s->ctx[k]))))
            return FST_ENOMEM;
    }
    e->n_sec = (uint8_t)(s->n_sec < FST__ENI_SEC_MAX ? s->n_sec : FST__ENI_SEC_MAX);
    for (uint8_t i = 0; i < e->n_sec; i++)
        memcpy(e->sec[i], s->sec[i].a, 16);
    e->records = s->records;
    e->nodata = s->nodata;
    e->skipdata = s->skipdata;
    return 0;
}

typedef struct svcref {
    fst__stamp at;
    const fst__svcf *s;
} svcref;

static int cmp_svcref(const void *a, const void *b)
{
    const svcref *x = a, *y = b;
    const int c = fst__stamp_cmp(x->at, y->at);
    return c ? c : memcmp(x->s->a, y->s->a, 16);
}

/* The service names, each address's first in read order. */
static int apply_svc(const fst__facts *f, fst__observe *o)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->n; i++)
        n += f->v[i].n_svc;
    fst__observe_svc_clear(o);
    if (!n)
        return 0;
    svcref *v = fst__malloc((size_t)n * sizeof *v);
    if (!v)
        return FST_ENOMEM;
    n = 0;
    for (uint32_t i = 0; i < f->n; i++)
        for (uint32_t j = 0; j < f->v[i].n_svc; j++)
            v[n++] = (svcref){f->v[i].svc[j].at, &f->v[i].svc[j]};
    qsort(v, n, sizeof *v, cmp_svcref);
    int rc = 0;
    for (uint32_t i = 0; i < n && !rc; i++)
        rc = fst__observe_svc_add(o, v[i].s->a, v[i].s->name);
    fst__free(v);
    return rc;
}

/* Every SKIPDATA window of the input, by its ENI's index in o. */
static int apply_skips(const fst__facts *f, fst__observe *o)
{
    o->n_skips = 0;
    o->nodata = o->skipdata = 0;
    for (uint32_t i = 0; i < f->n; i++) {
        const fst__efact *s = &f->v[i];
        const fst__eni *e = s->name ? fst__observe_eni_find(o, s->name) : o->enis[0];
        if (!e)
            return FST_EINVAL; /* seeded: cannot happen */
        o->nodata += s->nodata;
        o->skipdata += s->skipdata;
        FST__TRY(
            fst__grow((void **)&o->skips, &o->cap_skips, o->n_skips + s->n_skip, sizeof *o->skips));
        for (uint32_t j = 0; j < s->n_skip; j++)
            o->skips[o->n_skips++] = (fst__skip){e->index, s->skip[j].start, s->skip[j].end};
    }
    return 0;
}

int fst__facts_apply(const fst__facts *f, fst__observe *o)
{
    for (uint32_t i = 0; i < f->n; i++) {
        const fst__efact *s = &f->v[i];
        if (s->t_lo < o->t_lo)
            o->t_lo = s->t_lo;
        if (s->t_hi > o->t_hi)
            o->t_hi = s->t_hi;
        if (!s->name)
            continue;
        fst__eni *e = fst__observe_eni_add(o, s->name);
        if (!e)
            return FST_ENOMEM;
        FST__TRY(apply_eni(e, s));
    }
    FST__TRY(apply_skips(f, o));
    return apply_svc(f, o);
}

/* ---- the public map-side object (flowstitch/shard.h) ------------------ */

struct fst_facts {
    fst__facts f;
    fst__prep_ctx c;
    fst__wbuf b;
};

#define FACTS_SEED 0x5f1ed5717c4e0ULL /* only hashes tables: output never depends on it */

fst_facts *fst_facts_new(const fst_eni_table *meta)
{
    fst_facts *f = fst__calloc(1, sizeof *f);
    if (!f)
        return NULL;
    fst__facts_init(&f->f, FACTS_SEED);
    f->c.seed = FACTS_SEED;
    f->c.meta = meta;
    return f;
}

void fst_facts_free(fst_facts *f)
{
    if (!f)
        return;
    fst__facts_free(&f->f);
    fst__wb_free(&f->b);
    fst__free(f);
}

int fst_facts_push(fst_facts *f, const fst_record *rec, uint64_t seq, uint64_t *key)
{
    if (!f || !rec || !rec->format || !key)
        return FST_EINVAL;
    return fst__facts_push(&f->f, &f->c, rec, seq, key);
}

int fst_facts_flush(fst_facts *f, fst_facts_cb cb, void *ud)
{
    if (!f || !cb)
        return FST_EINVAL;
    int rc = 0;
    for (uint32_t i = 0; i < f->f.n && !rc; i++) {
        const fst__efact *e = &f->f.v[i];
        fst__facts_write(e, FST__FACTS_SHARED, &f->b);
        const char *text = fst__wb_str(&f->b);
        rc = text ? cb(e->name, text, 0, ud) : FST_ENOMEM;
        fst__facts_write(e, FST__FACTS_REST, &f->b);
        text = rc ? NULL : fst__wb_str(&f->b);
        rc = rc ? rc : text ? cb(e->name, text, 1, ud) : FST_ENOMEM;
    }
    fst__facts_clear(&f->f);
    return rc;
}
