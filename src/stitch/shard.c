/* stitch/shard.c - a reducer's part: ENIs and sessions as lines (shard.h). */
#include "stitch/shard.h"

#include <string.h>

#include "correlate/correlate.h"
#include "flowstitch/eni.h"
#include "flowstitch/errors.h"

static void sp(fst__wbuf *b)
{
    fst__wb_ch(b, ' ');
}

static void put_u(fst__wbuf *b, uint64_t v)
{
    sp(b);
    fst__wb_u64(b, v);
}

static void put_addr_or_dash(fst__wbuf *b, const uint8_t *a, int has)
{
    sp(b);
    if (has)
        fst__wb_addr(b, a);
    else
        fst__wb_ch(b, '-');
}

static void put_text_or_dash(fst__wbuf *b, const char *s)
{
    sp(b);
    if (s && *s)
        fst__wb_text(b, s);
    else
        fst__wb_ch(b, '-');
}

void fst__shard_put_eni(const fst__eni *e, fst__wbuf *b)
{
    fst__wb_reset(b);
    fst__wb_ch(b, 'E');
    put_u(b, e->index);
    put_text_or_dash(b, e->name);
    put_u(b, e->learning);
    put_u(b, e->ncand);
    put_addr_or_dash(b, e->cand[0], e->ncand > 0);
    put_addr_or_dash(b, e->cand[1], e->ncand > 1);
    put_addr_or_dash(b, e->sure_own, e->has_sure_own);
}

void fst__shard_put_ctx(const fst__eni *e, fst__wbuf *b)
{
    fst__wb_reset(b);
    fst__wb_ch(b, 'C');
    put_u(b, e->index);
    put_u(b, e->is_hop);
    put_addr_or_dash(b, e->dir_own, e->has_dir_own);
    for (int k = 0; k < FST__CTX_N; k++)
        put_text_or_dash(b, e->ctx[k]);
    put_u(b, e->records);
    put_u(b, e->nodata);
    put_u(b, e->skipdata);
    put_u(b, e->n_sec);
    for (uint8_t i = 0; i < e->n_sec; i++) {
        sp(b);
        fst__wb_addr(b, e->sec[i]);
    }
}

void fst__shard_put_sess(const fst__observe *o, const fst__sessions *ss, const fst__sess *s,
                         fst__wbuf *b)
{
    const fst__pkey *k = &s->g->key;
    fst__wb_reset(b);
    fst__wb_ch(b, 'X');
    sp(b);
    fst__wb_addr(b, k->k.lo);
    put_u(b, k->k.lo_port);
    sp(b);
    fst__wb_addr(b, k->k.hi);
    put_u(b, k->k.hi_port);
    put_u(b, k->proto);
    put_u(b, k->fam);
    put_u(b, k->absent);
    const uint8_t *r0 = fst__group_rep(o, s->g, 0), *r1 = fst__group_rep(o, s->g, 1);
    put_addr_or_dash(b, r0, memcmp(r0, k->k.lo, 16) != 0);
    put_addr_or_dash(b, r1, memcmp(r1, k->k.hi, 16) != 0);
    sp(b);
    fst__wb_i64(b, s->first);
    sp(b);
    fst__wb_i64(b, s->last);
    const uint64_t u[] = {s->pk[0],    s->pk[1],   s->by[0],      s->by[1],    s->naive_pk,
                          s->naive_by, s->records, s->flags[0],   s->flags[1], s->flags_known,
                          s->ev,       s->action,  s->incomplete, s->known,    s->tpath[0],
                          s->tpath[1], s->split,   s->has_next,   s->subst,    s->n_enis};
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
        put_u(b, u[i]);
    for (uint32_t i = 0; i < s->n_enis; i++)
        put_u(b, ss->enis[s->eni_off + i]);
}

static int emit(fst__wbuf *b, int (*cb)(const char *, void *), void *ud)
{
    const char *line = fst__wb_str(b);
    return line ? cb(line, ud) : FST_ENOMEM;
}

/* The options a reducer decided sessions with. */
static void put_options(const fst_stitcher_config *cfg, fst__wbuf *b)
{
    fst__wb_reset(b);
    fst__wb_ch(b, 'P');
    put_u(b, cfg->meta ? fst_eni_table_count(cfg->meta) : 0);
    put_u(b, cfg->idle_tcp);
    put_u(b, cfg->idle_udp);
    put_u(b, cfg->idle_icmp);
    put_u(b, cfg->idle_other);
    put_u(b, fst__conntrack_of(cfg));
}

/* The lines only merge reads, of the whole facts: each ENI's context,
 * the services, the range. */
static int write_whole(const fst__observe *o, fst__wbuf *b,
                       int (*cb)(const char *line, void *ud), void *ud)
{
    int rc = 0;
    for (uint32_t i = 1; i < o->n_enis && !rc; i++) {
        fst__shard_put_ctx(o->enis[i], b);
        rc = emit(b, cb, ud);
    }
    for (uint32_t i = 0; i < o->svc.n && !rc; i++) {
        fst__wb_reset(b);
        fst__wb_put(b, "V ", 2);
        fst__wb_addr(b, o->svc.v[i].a);
        put_text_or_dash(b, o->svc.names[o->svc.v[i].name]);
        rc = emit(b, cb, ud);
    }
    if (!rc) {
        fst__wb_reset(b);
        fst__wb_put(b, "W ", 2);
        fst__wb_i64(b, o->t_lo);
        sp(b);
        fst__wb_i64(b, o->t_hi);
        put_u(b, o->nodata);
        put_u(b, o->skipdata);
        rc = emit(b, cb, ud);
    }
    return rc;
}

int fst__shard_write(const fst__observe *o, const fst__sessions *ss,
                     const fst_stitcher_config *cfg, int whole,
                     int (*cb)(const char *line, void *ud), void *ud)
{
    fst__wbuf b = {0};
    put_options(cfg, &b);
    int rc = emit(&b, cb, ud);
    for (uint32_t i = 1; i < o->n_enis && !rc; i++) {
        fst__shard_put_eni(o->enis[i], &b);
        rc = emit(&b, cb, ud);
    }
    if (!rc && whole)
        rc = write_whole(o, &b, cb, ud);
    if (!rc) {
        fst__wb_reset(&b);
        fst__wb_put(&b, "I ", 2);
        fst__wb_u64(&b, o->records_in);
        put_u(&b, o->unusable);
        put_u(&b, o->packets_naive);
        put_u(&b, o->bytes_naive);
        rc = emit(&b, cb, ud);
    }
    for (uint32_t i = 0; i < ss->n && !rc; i++) {
        fst__shard_put_sess(o, ss, &ss->v[i], &b);
        rc = emit(&b, cb, ud);
    }
    fst__wb_free(&b);
    return rc;
}

/* ---- loading ---------------------------------------------------------- */

static int get_u(fst__wcur *c, uint64_t *v, uint64_t max)
{
    fst__wc_expect(c, ' ');
    if (fst__wc_u64(c, v) < 0 || *v > max)
        c->bad = 1;
    return c->bad ? -1 : 0;
}

static int get_i(fst__wcur *c, int64_t *v)
{
    fst__wc_expect(c, ' ');
    return fst__wc_i64(c, v);
}

/* An address or '-' (*has 0, a left as it is). */
static void get_addr_or_dash(fst__wcur *c, uint8_t a[16], int *has)
{
    fst__wc_expect(c, ' ');
    *has = !fst__wc_is(c, '-');
    if (*has)
        fst__wc_addr(c, a);
}

static void get_text_or_dash(fst__wcur *c, char **s)
{
    fst__wc_expect(c, ' ');
    *s = NULL;
    if (!fst__wc_is(c, '-'))
        fst__wc_text(c, s);
}

static int load_eni_fields(fst__wcur *c, fst__eni *e)
{
    uint64_t v[2];
    int has[3];
    get_u(c, &v[0], 1);
    get_u(c, &v[1], 2);
    e->learning = (uint8_t)v[0];
    e->ncand = (uint8_t)v[1];
    get_addr_or_dash(c, e->cand[0], &has[0]);
    get_addr_or_dash(c, e->cand[1], &has[1]);
    get_addr_or_dash(c, e->sure_own, &has[2]);
    e->has_sure_own = (uint8_t)has[2];
    if (has[0] != (e->ncand > 0) || has[1] != (e->ncand > 1))
        c->bad = 1;
    return c->bad ? FST_EINVAL : 0;
}

static int load_eni(fst__observe *o, fst__wcur *c)
{
    uint64_t idx;
    char *name = NULL;
    get_u(c, &idx, UINT32_MAX);
    get_text_or_dash(c, &name);
    if (c->bad || !name || idx != o->n_enis) { /* in index order, each once */
        fst__free(name);
        return FST_EINVAL;
    }
    fst__eni *e = fst__observe_eni_add(o, name);
    fst__free(name);
    if (!e)
        return FST_ENOMEM;
    if (e->index != idx)
        return FST_EINVAL; /* a name twice */
    return load_eni_fields(c, e);
}

/* A C line: the rest of an ENI already loaded. */
static int load_ctx(fst__observe *o, fst__wcur *c)
{
    uint64_t idx, v[2];
    int has;
    get_u(c, &idx, UINT32_MAX);
    if (c->bad || idx == 0 || idx >= o->n_enis)
        return FST_EINVAL;
    fst__eni *e = o->enis[idx];
    get_u(c, &v[0], 1);
    e->is_hop = (uint8_t)v[0];
    get_addr_or_dash(c, e->dir_own, &has);
    e->has_dir_own = (uint8_t)has;
    for (int k = 0; k < FST__CTX_N && !c->bad; k++) {
        fst__free(e->ctx[k]);
        get_text_or_dash(c, &e->ctx[k]);
    }
    get_u(c, &e->records, UINT64_MAX);
    get_u(c, &e->nodata, UINT64_MAX);
    get_u(c, &e->skipdata, UINT64_MAX);
    get_u(c, &v[1], FST__ENI_SEC_MAX);
    e->n_sec = (uint8_t)v[1];
    for (uint8_t i = 0; i < e->n_sec && !c->bad; i++) {
        fst__wc_expect(c, ' ');
        fst__wc_addr(c, e->sec[i]);
    }
    return c->bad ? FST_EINVAL : 0;
}

static int load_svc(fst__observe *o, fst__wcur *c)
{
    uint8_t a[16];
    char *name = NULL;
    fst__wc_expect(c, ' ');
    fst__wc_addr(c, a);
    get_text_or_dash(c, &name);
    const int rc = c->bad || !name ? FST_EINVAL : fst__observe_svc_add(o, a, name);
    fst__free(name);
    return rc;
}

static int load_range(fst__observe *o, fst__wcur *c)
{
    int64_t lo, hi;
    uint64_t nd, sd;
    get_i(c, &lo);
    get_i(c, &hi);
    get_u(c, &nd, UINT64_MAX);
    get_u(c, &sd, UINT64_MAX);
    if (c->bad)
        return FST_EINVAL;
    if (lo < o->t_lo)
        o->t_lo = lo;
    if (hi > o->t_hi)
        o->t_hi = hi;
    o->nodata = nd; /* every part has the input's (from the facts) */
    o->skipdata = sd;
    return 0;
}

static int load_counts(fst__observe *o, fst__wcur *c)
{
    uint64_t v[4];
    fst__wc_u64(c, &v[0]);
    for (int i = 1; i < 4; i++)
        get_u(c, &v[i], UINT64_MAX);
    if (c->bad)
        return FST_EINVAL;
    o->records_in += v[0];
    o->unusable += v[1];
    o->packets_naive = fst__sat_add(o->packets_naive, v[2]);
    o->bytes_naive = fst__sat_add(o->bytes_naive, v[3]);
    return 0;
}

/* The group of key k: the last one when the same (a group's sessions come
 * together), else a new one; reported addresses r (has[i]). */
static fst__group *group_of(fst__loader *l, fst__observe *o, const fst__pkey *k,
                            const uint8_t r[2][16], const int has[2], int *rc)
{
    if (l->last && !memcmp(&l->last->key, k, sizeof *k))
        return l->last;
    if ((*rc = fst__observe_group_room(o)) < 0)
        return NULL;
    fst__group *g = &o->chunks[o->n_chunks - 1][o->chunk_used++];
    memset(g, 0, sizeof *g);
    g->key = *k;
    o->n_groups++;
    for (int i = 0; i < 2; i++)
        if (has[i] && (*rc = fst__group_set_rep(o, g, i, r[i])) < 0)
            return NULL;
    l->last = g;
    return g;
}

static void load_key(fst__wcur *c, fst__pkey *k)
{
    uint64_t v[5];
    memset(k, 0, sizeof *k);
    fst__wc_expect(c, ' ');
    fst__wc_addr(c, k->k.lo);
    get_u(c, &v[0], UINT16_MAX);
    fst__wc_expect(c, ' ');
    fst__wc_addr(c, k->k.hi);
    get_u(c, &v[1], UINT16_MAX);
    get_u(c, &v[2], UINT8_MAX);
    get_u(c, &v[3], 6);
    get_u(c, &v[4], FST__KEY_NOPORTS | FST__KEY_NOPROTO);
    k->k.lo_port = (uint16_t)v[0];
    k->k.hi_port = (uint16_t)v[1];
    k->proto = (uint8_t)v[2];
    k->fam = (uint8_t)v[3];
    k->absent = (uint8_t)v[4];
}

static int load_sess_enis(fst__wcur *c, const fst__observe *o, fst__sessions *ss, fst__sess *s,
                          uint64_t n)
{
    FST__TRY(
        fst__grow((void **)&ss->enis, &ss->cap_enis, ss->n_enis + (uint32_t)n, sizeof *ss->enis));
    s->eni_off = ss->n_enis;
    s->n_enis = (uint32_t)n;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t e;
        if (get_u(c, &e, o->n_enis ? o->n_enis - 1 : 0) < 0 || e == 0)
            return FST_EINVAL;
        ss->enis[ss->n_enis + i] = (uint32_t)e;
    }
    ss->n_enis += (uint32_t)n;
    return 0;
}

static int load_sess(fst__loader *l, fst__observe *o, fst__sessions *ss, fst__wcur *c)
{
    fst__pkey k;
    uint8_t r[2][16];
    int has[2];
    load_key(c, &k);
    get_addr_or_dash(c, r[0], &has[0]);
    get_addr_or_dash(c, r[1], &has[1]);
    fst__sess s;
    memset(&s, 0, sizeof s);
    get_i(c, &s.first);
    get_i(c, &s.last);
    uint64_t u[20];
    static const uint64_t max[20] = {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX,
                                     UINT64_MAX, UINT32_MAX, 255,        255,        3,
                                     UINT16_MAX, 255,        1,          3,          15,
                                     15,         255,        1,          3,          1u << 20};
    for (int i = 0; i < 20; i++)
        get_u(c, &u[i], max[i]);
    if (c->bad)
        return FST_EINVAL;
    s.pk[0] = u[0], s.pk[1] = u[1], s.by[0] = u[2], s.by[1] = u[3];
    s.naive_pk = u[4], s.naive_by = u[5], s.records = (uint32_t)u[6];
    s.flags[0] = (uint8_t)u[7], s.flags[1] = (uint8_t)u[8], s.flags_known = (uint8_t)u[9];
    s.ev = (uint16_t)u[10], s.action = (uint8_t)u[11], s.incomplete = (uint8_t)u[12];
    s.known = (uint8_t)u[13], s.tpath[0] = (uint8_t)u[14], s.tpath[1] = (uint8_t)u[15];
    s.split = (uint8_t)u[16], s.has_next = (uint8_t)u[17], s.subst = (uint8_t)u[18];
    FST__TRY(load_sess_enis(c, o, ss, &s, u[19]));
    if (*c->p)
        return FST_EINVAL;
    int rc = 0;
    if (!(s.g = group_of(l, o, &k, (const uint8_t(*)[16])r, has, &rc)))
        return rc ? rc : FST_ENOMEM;
    FST__TRY(fst__grow((void **)&ss->v, &ss->cap, ss->n + 1, sizeof *ss->v));
    ss->v[ss->n++] = s;
    return 0;
}

int fst__shard_load(fst__loader *l, fst__observe *o, fst__sessions *ss,
                    const fst_stitcher_config *cfg, const char *line)
{
    fst__wcur c = {line + 1, 0};
    int rc;
    switch (line[0]) {
    case 'P': {
        fst__wbuf b = {0};
        put_options(cfg, &b);
        const char *mine = fst__wb_str(&b);
        rc = !mine ? FST_ENOMEM : strcmp(mine, line) ? FST_EVALUE : 0;
        fst__wb_free(&b);
        return rc;
    }
    case 'E':
        rc = load_eni(o, &c);
        break;
    case 'C':
        rc = load_ctx(o, &c);
        break;
    case 'V':
        rc = load_svc(o, &c);
        break;
    case 'W':
        rc = load_range(o, &c);
        break;
    case 'I':
        fst__wc_expect(&c, ' ');
        rc = load_counts(o, &c);
        break;
    case 'X':
        return load_sess(l, o, ss, &c);
    default:
        return FST_EINVAL;
    }
    return rc ? rc : (c.bad || *c.p) ? FST_EINVAL : 0;
}
