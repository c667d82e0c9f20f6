/* stitch/order.c - the output order of a run's sessions (stitch/order.h). */
#include "stitch/order.h"

#include <string.h>

#include "flowstitch/errors.h"
#include "util/par.h"
#include "util/util.h"

/* Room for one session per group (most groups are one session), so the
 * session array is not copied while it grows in finish(). */
int fst__run_reserve(fst__run *rn)
{
    const uint32_t n = rn->o->n_groups;
    if (n <= rn->ss.cap)
        return 0;
    fst__sess *v = fst__realloc(rn->ss.v, (size_t)n * sizeof *v);
    if (!v)
        return FST_ENOMEM;
    rn->ss.v = v;
    rn->ss.cap = n;
    fst__huge_hint(v, (size_t)n * sizeof *v); /* filled in order by correlate */
    return 0;
}

/* Client / server endpoints of a session, as reported. */
void fst__run_endpoints(const fst__observe *o, const fst__sess *s, const uint8_t **ca, uint16_t *cp,
                      const uint8_t **sa, uint16_t *sp)
{
    const fst__group *g = s->g;
    *ca = fst__group_rep(o, g, s->client_hi);
    *cp = s->client_hi ? g->key.k.hi_port : g->key.k.lo_port;
    *sa = fst__group_rep(o, g, !s->client_hi);
    *sp = s->client_hi ? g->key.k.lo_port : g->key.k.hi_port;
}

static int cmp_order(const fst__observe *o, const fst__sess *a, const fst__sess *b)
{
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    const uint8_t *aca, *asa, *bca, *bsa;
    uint16_t acp, asp, bcp, bsp;
    fst__run_endpoints(o, a, &aca, &acp, &asa, &asp);
    fst__run_endpoints(o, b, &bca, &bcp, &bsa, &bsp);
    int c = fst__ep_cmp(aca, acp, bca, bcp);
    if (!c)
        c = fst__ep_cmp(asa, asp, bsa, bsp);
    if (c)
        return c;
    if (a->g->key.proto != b->g->key.proto)
        return a->g->key.proto < b->g->key.proto ? -1 : 1;
    if (a->last != b->last)
        return a->last < b->last ? -1 : 1;
    if (a->records != b->records)
        return a->records < b->records ? -1 : 1;
    return (a > b) - (a < b); /* same key, same times: group/cluster order */
}

/* Sorting sessions by cmp_order on compact keys: the leading fields of the
 * order packed in a contiguous array (first_seen, client address, client
 * port), so that most comparisons touch neither the sessions nor their
 * groups; equal keys fall back to cmp_order.  The order is total, so the
 * result depends on neither the algorithm (sort_keys) nor the keys. */
typedef struct okey {
    uint64_t first;     /* first_seen, sign bit flipped: unsigned order */
    uint64_t ca[2];     /* client address, big-endian halves (memcmp order) */
    uint32_t cport;     /* client port */
    uint32_t idx;       /* session index */
} okey;

typedef struct order_ctx {
    const fst__observe *o;
    const fst__sess *v;
} order_ctx;

static uint64_t be64(const uint8_t *b)
{
    uint64_t x = 0;
    for (int i = 0; i < 8; i++)
        x = x << 8 | b[i];
    return x;
}

static okey key_of(const order_ctx *c, uint32_t i)
{
    const fst__sess *s = &c->v[i];
    const uint8_t *ca, *sa;
    uint16_t cp, sp;
    fst__run_endpoints(c->o, s, &ca, &cp, &sa, &sp);
    const okey k = {(uint64_t)s->first ^ (UINT64_C(1) << 63), {be64(ca), be64(ca + 8)}, cp, i};
    return k;
}

static int less(const order_ctx *c, const okey *a, const okey *b)
{
    if (a->first != b->first)
        return a->first < b->first;
    if (a->ca[0] != b->ca[0])
        return a->ca[0] < b->ca[0];
    if (a->ca[1] != b->ca[1])
        return a->ca[1] < b->ca[1];
    if (a->cport != b->cport)
        return a->cport < b->cport;
    return cmp_order(c->o, &c->v[a->idx], &c->v[b->idx]) < 0;
}

/* Merge sort of x[0..n) by less, tmp: n elements of scratch; insertion
 * sort below 17, and two sorted halves already in order are left as they
 * are, so sessions that come nearly in output order (groups are numbered
 * in order of first sight) cost little more than one pass. */
static void sort_keys(const order_ctx *c, okey *x, okey *tmp, size_t n)
{
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            const okey v = x[i];
            size_t j = i;
            while (j > 0 && less(c, &v, &x[j - 1])) {
                x[j] = x[j - 1];
                j--;
            }
            x[j] = v;
        }
        return;
    }
    const size_t h = n / 2;
    sort_keys(c, x, tmp, h);
    sort_keys(c, x + h, tmp, n - h);
    if (!less(c, &x[h], &x[h - 1]))
        return;
    memcpy(tmp, x, h * sizeof *tmp);
    size_t i = 0, k = h, o = 0;
    while (i < h && k < n)
        x[o++] = less(c, &x[k], &tmp[i]) ? x[k++] : tmp[i++];
    while (i < h)
        x[o++] = tmp[i++];
}

/* The output order in two steps, with little memory beside the sessions:
 * the session indices are counted into buckets by first_seen (one bucket
 * per second, or per 2^shift seconds when the run spans more seconds than
 * it has sessions / 4), then each bucket, a handful of sessions, is
 * sorted on compact keys in a scratch of its own size.  Buckets follow
 * first_seen, and within one the order is total, so this is the order a
 * sort of all keys at once gives, on one thread or two. */
typedef struct bucket_job {
    const order_ctx *c;
    uint32_t *order;
    const uint32_t *end; /* end[b]: the place past bucket b */
    uint32_t b0, b1;     /* buckets [b0, b1) */
    okey *keys;          /* 2 * cap: keys, then sort scratch */
    size_t cap;
    int rc;
} bucket_job;

static void bucket_sort_job(void *arg)
{
    bucket_job *j = arg;
    j->rc = 0;
    for (uint32_t b = j->b0; b < j->b1; b++) {
        const uint32_t lo = b ? j->end[b - 1] : 0, m = j->end[b] - lo;
        if (m < 2)
            continue;
        if (m > j->cap) {
            okey *k = fst__realloc(j->keys, 2 * (size_t)m * sizeof *k);
            if (!k) {
                j->rc = FST_ENOMEM;
                return;
            }
            j->keys = k;
            j->cap = m;
        }
        for (uint32_t i = 0; i < m; i++)
            j->keys[i] = key_of(j->c, j->order[lo + i]);
        sort_keys(j->c, j->keys, j->keys + m, m);
        for (uint32_t i = 0; i < m; i++)
            j->order[lo + i] = j->keys[i].idx;
    }
}

/* Below this many sessions the buckets are sorted on one thread. */
#define PAR_MIN_ORDER 16384

int fst__run_order(fst__run *rn, int threads)
{
    const uint32_t n = rn->ss.n;
    const fst__sess *v = rn->ss.v;
    rn->order = fst__malloc(((size_t)n + 1) * sizeof *rn->order);
    if (!rn->order)
        return FST_ENOMEM;
    if (n == 0)
        return 0;
    int64_t fmin = v[0].first, fmax = v[0].first;
    for (uint32_t i = 1; i < n; i++) {
        if (v[i].first < fmin)
            fmin = v[i].first;
        if (v[i].first > fmax)
            fmax = v[i].first;
    }
    const uint64_t span = (uint64_t)fmax - (uint64_t)fmin, most = n / 4 > 1024 ? n / 4 : 1024;
    unsigned shift = 0;
    while ((span >> shift) >= most)
        shift++;
    const uint32_t nb = (uint32_t)(span >> shift) + 1;
    uint32_t *end = fst__calloc((size_t)nb + 1, sizeof *end);
    if (!end)
        return FST_ENOMEM;
#define BUCKET(i) ((uint32_t)(((uint64_t)v[i].first - (uint64_t)fmin) >> shift))
    for (uint32_t i = 0; i < n; i++)
        end[BUCKET(i) + 1]++;
    for (uint32_t b = 1; b <= nb; b++)
        end[b] += end[b - 1]; /* end[b]: the first place of bucket b */
    for (uint32_t i = 0; i < n; i++)
        rn->order[end[BUCKET(i)]++] = i; /* end[b]: past bucket b */
#undef BUCKET
    const order_ctx c = {rn->o, v};
    bucket_job j[2] = {{.c = &c, .order = rn->order, .end = end, .b0 = 0, .b1 = nb},
                       {.c = &c, .order = rn->order, .end = end, .b0 = nb, .b1 = nb}};
    if (threads >= 2 && n >= PAR_MIN_ORDER) { /* the second from where half lie behind */
        uint32_t bm = 0;
        while (bm < nb && end[bm] <= n / 2)
            bm++;
        j[0].b1 = j[1].b0 = bm;
        fst__par2(bucket_sort_job, &j[0], &j[1]);
    } else {
        bucket_sort_job(&j[0]);
    }
    const int rc = j[0].rc ? j[0].rc : j[1].rc;
    fst__free(j[0].keys);
    fst__free(j[1].keys);
    fst__free(end);
    if (rc < 0)
        return rc;
    for (uint32_t i = 0; i < n; i++)
        rn->ss.v[rn->order[i]].rank = i;
    return 0;
}

