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

/* One piece of the parallel order sort: sort x[0..n), or merge the two
 * sorted runs a[0..na) and b[0..nb) into the first (front) or last (back)
 * `want` places of out. */
typedef struct order_job {
    const order_ctx *c;
    okey *x, *tmp;
    size_t n;
    const okey *a, *b;
    size_t na, nb, want;
    okey *out;
    int back;
} order_job;

static void order_sort_job(void *arg)
{
    const order_job *j = arg;
    sort_keys(j->c, j->x, j->tmp, j->n);
}

static void order_merge_job(void *arg)
{
    const order_job *j = arg;
    const order_ctx *c = j->c;
    if (!j->back) {
        size_t i = 0, k = 0;
        for (size_t o = 0; o < j->want; o++)
            j->out[o] = (k == j->nb || (i < j->na && less(c, &j->a[i], &j->b[k]))) ? j->a[i++]
                                                                                   : j->b[k++];
        return;
    }
    size_t i = j->na, k = j->nb; /* from the end: the larger one goes last */
    for (size_t o = j->na + j->nb; o-- > j->na + j->nb - j->want;)
        j->out[o] = (k == 0 || (i > 0 && less(c, &j->b[k - 1], &j->a[i - 1]))) ? j->a[--i]
                                                                               : j->b[--k];
}

/* Below this many sessions the order is sorted on one thread. */
#define PAR_MIN_ORDER 16384

int fst__run_order(fst__run *rn, int threads)
{
    const uint32_t n = rn->ss.n;
    rn->order = fst__malloc(((size_t)n + 1) * sizeof *rn->order);
    okey *keys = fst__malloc(((size_t)n + 1) * sizeof *keys);
    if (!rn->order || !keys) {
        fst__free(keys);
        return FST_ENOMEM;
    }
    const order_ctx c = {rn->o, rn->ss.v};
    for (uint32_t i = 0; i < n; i++)
        keys[i] = key_of(&c, i);
    okey *tmp = fst__malloc(((size_t)n + 1) * sizeof *tmp);
    if (!tmp) {
        fst__free(keys);
        return FST_ENOMEM;
    }
    if (threads < 2 || n < PAR_MIN_ORDER) {
        sort_keys(&c, keys, tmp, n);
    } else {
        /* halves sorted at once (each with its half of tmp), then merged
         * from both ends at once into tmp; the order is total, so this is
         * the one-thread result */
        const size_t h = n / 2;
        order_job s[2] = {{.c = &c, .x = keys, .tmp = tmp, .n = h},
                          {.c = &c, .x = keys + h, .tmp = tmp + h, .n = n - h}};
        fst__par2(order_sort_job, &s[0], &s[1]);
        order_job m[2] = {{.c = &c, .a = keys, .na = h, .b = keys + h, .nb = n - h,
                           .want = h, .out = tmp, .back = 0},
                          {.c = &c, .a = keys, .na = h, .b = keys + h, .nb = n - h,
                           .want = n - h, .out = tmp, .back = 1}};
        fst__par2(order_merge_job, &m[0], &m[1]);
        okey *t = keys;
        keys = tmp;
        tmp = t;
    }
    fst__free(tmp);
    for (uint32_t i = 0; i < n; i++) {
        rn->order[i] = keys[i].idx;
        rn->ss.v[keys[i].idx].rank = i;
    }
    fst__free(keys);
    return 0;
}

