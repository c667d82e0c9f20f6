/* tools/score/match.c - candidates, one-to-one matching, metrics.
 *
 * Algorithm (docs/scoring.md "Matching"):
 * 1. Key every truth connection by (proto, unordered endpoint pair); a NAT
 *    truth with an outside endpoint gets a second key (outside, server).
 *    Key every non-NAT-leg session the same way.
 * 2. Sort both key lists and walk equal keys together: a (truth, session)
 *    pair is a candidate when the session's [first_seen, last_seen] meets
 *    the truth's [start - slack, end + slack].
 * 3. Rank candidates by overlap of the raw intervals (a gap counts as a
 *    negative overlap) descending, then |first_seen - start| ascending, then
 *    input order; accept greedily while both sides are free.
 * 4. Split: a truth with >= 2 candidate sessions that are unmatched or
 *    matched to it; merged: a session with >= 2 candidate truths that are
 *    unmatched or matched to it.
 * 5. A session is attributed to its matched truth, else to its best-ranked
 *    candidate, else to none; per-group session counts use attribution.
 * 0. Before all this (unless folding is off), truth connections carrying
 *    "log_merged_into" are folded into the connection the chain of targets
 *    ends at: the logs cannot separate them, so they are scored as one.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score_int.h"

typedef struct key_ent {
    uint8_t proto;
    sc_ep lo, hi;
    int alt;   /* truth key through the NAT outside endpoint */
    long idx;  /* truth or session index */
} key_ent;

typedef struct cand {
    long t, s;
    int64_t overlap;
    int64_t startdiff;
    int alt;
} cand;

typedef struct cand_vec {
    cand *v;
    size_t n, cap;
} cand_vec;

score_run *score_run_new(void)
{
    score_run *r = calloc(1, sizeof *r);
    if (r)
        r->slack = SCORE_DEFAULT_SLACK;
    return r;
}

void score_run_free(score_run *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ntruth; i++) {
        free(r->truth[i].conn_id);
        free(r->truth[i].tags);
        free(r->truth[i].merged_into);
    }
    free(r->truth);
    free(r->sess);
    sc_names_free(&r->classes);
    sc_names_free(&r->tags);
    sc_names_free(&r->bases);
    free(r->groups);
    free(r->basis_matched);
    free(r->basis_correct);
    free(r->by_id);
    free(r);
}

void score_set_slack(score_run *r, int64_t seconds)
{
    r->slack = seconds < 0 ? 0 : seconds;
}

void score_set_fold(score_run *r, int on)
{
    r->no_fold = on == 0;
}

uint64_t score_folded(const score_run *r)
{
    return r->folded;
}

void score_set_observable_only(score_run *r, int on)
{
    r->observable_only = on != 0;
}

void score_set_records_bytes(score_run *r, uint64_t bytes)
{
    r->records_bytes = bytes;
    r->have_records_bytes = 1;
}

static void make_key(key_ent *k, uint8_t proto, const sc_ep *a, const sc_ep *b, int alt, long idx)
{
    int swap = sc_ep_cmp(a, b) > 0;
    k->proto = proto;
    k->lo = swap ? *b : *a;
    k->hi = swap ? *a : *b;
    k->alt = alt;
    k->idx = idx;
}

static int key_cmp(const key_ent *x, const key_ent *y)
{
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    int c = sc_ep_cmp(&x->lo, &y->lo);
    return c ? c : sc_ep_cmp(&x->hi, &y->hi);
}

static int key_qsort(const void *a, const void *b)
{
    const key_ent *x = a, *y = b;
    int c = key_cmp(x, y);
    if (c)
        return c;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static int cand_qsort(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->overlap != y->overlap)
        return x->overlap > y->overlap ? -1 : 1;
    if (x->startdiff != y->startdiff)
        return x->startdiff < y->startdiff ? -1 : 1;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (x->s > y->s) - (x->s < y->s);
}

static int cand_push(cand_vec *cv, const cand *c)
{
    if (cv->n == cv->cap) {
        size_t cap = cv->cap ? cv->cap * 2 : 256;
        cand *v = realloc(cv->v, cap * sizeof *v);
        if (!v)
            return -1;
        cv->v = v;
        cv->cap = cap;
    }
    cv->v[cv->n++] = *c;
    return 0;
}

static key_ent *truth_keys(const score_run *r, size_t *n)
{
    key_ent *k = malloc((2 * r->ntruth + 1) * sizeof *k);
    if (!k)
        return NULL;
    *n = 0;
    for (size_t i = 0; i < r->ntruth; i++) {
        const sc_truth *t = &r->truth[i];
        if (t->folded)
            continue;
        make_key(&k[(*n)++], t->proto, &t->client, &t->server, 0, (long)i);
        if (t->has_outside)
            make_key(&k[(*n)++], t->proto, &t->outside, &t->server, 1, (long)i);
    }
    qsort(k, *n, sizeof *k, key_qsort);
    return k;
}

static key_ent *session_keys(const score_run *r, size_t *n)
{
    key_ent *k = malloc((r->nsess + 1) * sizeof *k);
    if (!k)
        return NULL;
    *n = 0;
    for (size_t i = 0; i < r->nsess; i++) {
        const sc_sess *s = &r->sess[i];
        if (!s->is_leg)
            make_key(&k[(*n)++], s->proto, &s->client, &s->server, 0, (long)i);
    }
    qsort(k, *n, sizeof *k, key_qsort);
    return k;
}

/* Every pair of one equal-key run of truth keys and of session keys. */
static int pair_group(score_run *r, const key_ent *tk, size_t nt, const key_ent *sk, size_t ns,
                      cand_vec *cv)
{
    for (size_t i = 0; i < nt; i++) {
        sc_truth *t = &r->truth[tk[i].idx];
        for (size_t j = 0; j < ns; j++) {
            sc_sess *s = &r->sess[sk[j].idx];
            if (s->first > t->end + r->slack || s->last < t->start - r->slack)
                continue;
            int64_t lo = s->first > t->start ? s->first : t->start;
            int64_t hi = s->last < t->end ? s->last : t->end;
            int64_t sd = s->first - t->start;
            cand c = {tk[i].idx, sk[j].idx, hi - lo, sd < 0 ? -sd : sd, tk[i].alt};
            if (cand_push(cv, &c))
                return -1;
            t->ncand++;
            s->ncand++;
        }
    }
    return 0;
}

static int find_candidates(score_run *r, cand_vec *cv)
{
    size_t nt = 0, ns = 0;
    key_ent *tk = truth_keys(r, &nt), *sk = session_keys(r, &ns);
    int rc = tk && sk ? 0 : -1;
    size_t i = 0, j = 0;
    while (rc == 0 && i < nt && j < ns) {
        int c = key_cmp(&tk[i], &sk[j]);
        if (c < 0) {
            i++;
        } else if (c > 0) {
            j++;
        } else {
            size_t ie = i, je = j;
            while (ie < nt && key_cmp(&tk[ie], &tk[i]) == 0)
                ie++;
            while (je < ns && key_cmp(&sk[je], &sk[j]) == 0)
                je++;
            rc = pair_group(r, tk + i, ie - i, sk + j, je - j, cv);
            i = ie;
            j = je;
        }
    }
    free(tk);
    free(sk);
    return rc;
}

static void greedy_match(score_run *r, cand_vec *cv)
{
    if (cv->n)
        qsort(cv->v, cv->n, sizeof *cv->v, cand_qsort);
    for (size_t i = 0; i < cv->n; i++) {
        const cand *c = &cv->v[i];
        sc_truth *t = &r->truth[c->t];
        sc_sess *s = &r->sess[c->s];
        if (s->attr < 0)
            s->attr = c->t; /* best-ranked candidate, overridden by a match */
        if (t->match >= 0 || s->match >= 0)
            continue;
        t->match = c->s;
        t->match_alt = c->alt;
        s->match = c->t;
        s->attr = c->t;
    }
    /* split/merged count only candidates still free or paired with this
     * side, so close port reuse (two truths within 2 * slack, each with its
     * own session) is not mistaken for a split or a merge. */
    for (size_t i = 0; i < cv->n; i++) {
        const cand *c = &cv->v[i];
        sc_truth *t = &r->truth[c->t];
        sc_sess *s = &r->sess[c->s];
        t->nsplit += s->match < 0 || s->match == c->t;
        s->nmerge += t->match < 0 || t->match == c->s;
    }
}

/* ---- metrics ---- */

static uint64_t absdiff(uint64_t a, uint64_t b)
{
    return a > b ? a - b : b - a;
}

/* Whether the session's client is the truth's client side (the outside
 * endpoint for a match through the NAT key). */
static int same_client(const sc_truth *t, const sc_sess *s)
{
    const sc_ep *c = t->match_alt ? &t->outside : &t->client;
    return sc_ep_cmp(&s->client, c) == 0;
}

/* Bytes each endpoint sent, session vs truth, whatever the orientation. */
static uint64_t pair_byte_error(const sc_truth *t, const sc_sess *s)
{
    const sc_ep *srv = &t->server;
    if (sc_ep_cmp(&s->client, srv) == 0 && sc_ep_cmp(&s->server, srv) != 0)
        return absdiff(s->c2s_bytes, t->s2c_bytes) + absdiff(s->s2c_bytes, t->c2s_bytes);
    return absdiff(s->c2s_bytes, t->c2s_bytes) + absdiff(s->s2c_bytes, t->s2c_bytes);
}

static void add_truth(score_metrics *m, const score_run *r, const sc_truth *t)
{
    m->truth++;
    m->truth_bytes += t->c2s_bytes + t->s2c_bytes;
    if (t->nsplit >= 2)
        m->split++;
    if (t->match < 0)
        return;
    const sc_sess *s = &r->sess[t->match];
    m->matched++;
    m->matched_truth_bytes += t->c2s_bytes + t->s2c_bytes;
    m->byte_abs_err += pair_byte_error(t, s);
    if (s->dir_known) {
        m->dir_known++;
        m->dir_correct += (uint64_t)same_client(t, s);
    }
}

static void add_session(score_metrics *m, const sc_sess *s)
{
    m->sessions++;
    m->engine_bytes += s->c2s_bytes + s->s2c_bytes;
    if (s->nmerge >= 2)
        m->merged++;
}

static double ratio(uint64_t num, uint64_t den)
{
    return den ? (double)num / (double)den : NAN;
}

static void finish_metrics(score_metrics *m)
{
    m->recall = ratio(m->matched, m->truth);
    m->precision = ratio(m->matched, m->sessions);
    m->direction_accuracy = ratio(m->dir_correct, m->dir_known);
    m->direction_coverage = ratio(m->dir_known, m->matched);
    m->byte_error = ratio(m->byte_abs_err, m->matched_truth_bytes);
    m->bytes_ratio = ratio(m->engine_bytes, m->truth_bytes);
}

typedef struct named {
    const char *name;
    size_t idx;
} named;

static int named_qsort(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

/* Groups: classes then tags, each sorted by name; slot[] maps a name index
 * to its group. */
static int build_groups(score_run *r, size_t *cls_slot, size_t *tag_slot)
{
    size_t nc = r->classes.n, ntg = r->tags.n;
    named *order = malloc((nc + ntg + 1) * sizeof *order);
    r->groups = calloc(nc + ntg + 1, sizeof *r->groups);
    if (!order || !r->groups) {
        free(order);
        return -1;
    }
    for (size_t i = 0; i < nc; i++)
        order[i] = (named){r->classes.v[i], i};
    for (size_t i = 0; i < ntg; i++)
        order[nc + i] = (named){r->tags.v[i], i};
    qsort(order, nc, sizeof *order, named_qsort);
    qsort(order + nc, ntg, sizeof *order, named_qsort);
    for (size_t i = 0; i < nc + ntg; i++) {
        const int is_cls = i < nc;
        r->groups[i].kind = is_cls ? "class" : "tag";
        r->groups[i].name = order[i].name;
        if (is_cls)
            cls_slot[order[i].idx] = i;
        else
            tag_slot[order[i].idx] = i;
    }
    r->ngroups = nc + ntg;
    free(order);
    return 0;
}

static void group_truth(score_run *r, const sc_truth *t, const size_t *cls_slot,
                        const size_t *tag_slot)
{
    add_truth(&r->groups[cls_slot[t->cls]].m, r, t);
    for (size_t k = 0; k < t->ntags; k++)
        add_truth(&r->groups[tag_slot[t->tags[k]]].m, r, t);
}

static void group_session(score_run *r, const sc_sess *s, const size_t *cls_slot,
                          const size_t *tag_slot)
{
    const sc_truth *t = &r->truth[s->attr];
    add_session(&r->groups[cls_slot[t->cls]].m, s);
    for (size_t k = 0; k < t->ntags; k++)
        add_session(&r->groups[tag_slot[t->tags[k]]].m, s);
}

static int compute_metrics(score_run *r)
{
    size_t *cls_slot = calloc(r->classes.n + 1, sizeof *cls_slot);
    size_t *tag_slot = calloc(r->tags.n + 1, sizeof *tag_slot);
    r->basis_matched = calloc(r->bases.n + 1, sizeof *r->basis_matched);
    r->basis_correct = calloc(r->bases.n + 1, sizeof *r->basis_correct);
    int rc = -1;
    if (!cls_slot || !tag_slot || !r->basis_matched || !r->basis_correct ||
        build_groups(r, cls_slot, tag_slot))
        goto cleanup;
    for (size_t i = 0; i < r->ntruth; i++) {
        const sc_truth *t = &r->truth[i];
        if (t->folded)
            continue;
        add_truth(&r->overall, r, t);
        group_truth(r, t, cls_slot, tag_slot);
        if (t->match >= 0) {
            const sc_sess *s = &r->sess[t->match];
            r->basis_matched[s->basis]++;
            r->basis_correct[s->basis] += (uint64_t)same_client(t, s);
        }
    }
    for (size_t i = 0; i < r->nsess; i++) {
        const sc_sess *s = &r->sess[i];
        if (s->is_leg)
            continue;
        add_session(&r->overall, s);
        if (s->attr < 0)
            r->unattributed++;
        else
            group_session(r, s, cls_slot, tag_slot);
    }
    finish_metrics(&r->overall);
    for (size_t i = 0; i < r->ngroups; i++)
        finish_metrics(&r->groups[i].m);
    rc = 0;
cleanup:
    free(cls_slot);
    free(tag_slot);
    return rc;
}

/* ---- NAT legs ---- */

static int id_qsort(const void *a, const void *b)
{
    const sc_id *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Session index with this id (the first in input order), or -1. */
static long find_id(const score_run *r, int64_t id)
{
    size_t lo = 0, hi = r->nsess;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->by_id[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->nsess && r->by_id[lo].id == id ? r->by_id[lo].idx : -1;
}

static int compute_nat(score_run *r)
{
    r->by_id = malloc((r->nsess + 1) * sizeof *r->by_id);
    if (!r->by_id)
        return -1;
    for (size_t i = 0; i < r->nsess; i++)
        r->by_id[i] = (sc_id){r->sess[i].id, (long)i};
    qsort(r->by_id, r->nsess, sizeof *r->by_id, id_qsort);
    score_nat *n = &r->nat;
    for (size_t i = 0; i < r->nsess; i++) {
        const sc_sess *s = &r->sess[i];
        if (!s->is_leg)
            continue;
        n->legs++;
        long target = find_id(r, s->leg_of);
        if (target < 0) {
            n->legs_dangling++;
            continue;
        }
        sc_sess *ts = &r->sess[target];
        ts->has_leg = 1;
        if (!ts->is_leg && ts->match >= 0 && r->truth[ts->match].has_nat)
            n->legs_ok++;
    }
    for (size_t i = 0; i < r->ntruth; i++) {
        const sc_truth *t = &r->truth[i];
        if (!t->has_nat || t->folded)
            continue;
        n->nat_truth++;
        if (t->match < 0)
            continue;
        n->nat_truth_matched++;
        n->nat_truth_with_leg += (uint64_t)r->sess[t->match].has_leg;
    }
    return 0;
}

/* ---- folding connections the logs cannot separate ---- */

typedef struct id_ent {
    const char *id;
    long idx;
} id_ent;

static int id_ent_qsort(const void *a, const void *b)
{
    const id_ent *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Truth index with this conn_id (the first in input order), or -1. */
static long find_truth(const id_ent *ids, size_t n, const char *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ids[mid].id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(ids[lo].id, id) == 0 ? ids[lo].idx : -1;
}

/* The truth i's "log_merged_into" points at, or -1 (none, unknown, self). */
static long fold_next(const score_run *r, const id_ent *ids, long i)
{
    const sc_truth *t = &r->truth[i];
    long j = t->merged_into ? find_truth(ids, r->ntruth, t->merged_into) : -1;
    return j == i ? -1 : j;
}

/* Where truth i's chain of targets ends: a truth without a (known) target,
 * or on a cycle the member earliest in the input. */
static long fold_root(const score_run *r, const id_ent *ids, long i)
{
    long x = i;
    for (size_t step = 0; step <= r->with_key && fold_next(r, ids, x) >= 0; step++)
        x = fold_next(r, ids, x);
    if (fold_next(r, ids, x) < 0)
        return x;
    long lo = x, y = x; /* more steps than keys: x is on a cycle */
    do {
        y = fold_next(r, ids, y);
        lo = y < lo ? y : lo;
    } while (y != x);
    return lo;
}

static int fold_into(score_run *r, sc_truth *dst, const sc_truth *src)
{
    dst->start = src->start < dst->start ? src->start : dst->start;
    dst->end = src->end > dst->end ? src->end : dst->end;
    dst->c2s_bytes += src->c2s_bytes;
    dst->s2c_bytes += src->s2c_bytes;
    dst->c2s_packets += src->c2s_packets;
    dst->s2c_packets += src->s2c_packets;
    for (size_t k = 0; k < src->ntags; k++)
        if (sc_truth_add_tag(r, dst, r->tags.v[src->tags[k]]))
            return -1;
    return sc_truth_add_tag(r, dst, "log-merged");
}

/* Folds every truth carrying "log_merged_into" into the root of its chain:
 * time span united, per-direction counts summed, tags united plus
 * "log-merged", class and endpoints the root's.  Sources are never roots,
 * so each adds its own, unfolded, numbers. */
static int fold_truth(score_run *r)
{
    if (r->no_fold || r->with_key == 0)
        return 0;
    id_ent *ids = malloc((r->ntruth + 1) * sizeof *ids);
    if (!ids)
        return -1;
    for (size_t i = 0; i < r->ntruth; i++)
        ids[i] = (id_ent){r->truth[i].conn_id, (long)i};
    qsort(ids, r->ntruth, sizeof *ids, id_ent_qsort);
    long *root = malloc((r->ntruth + 1) * sizeof *root);
    int rc = root ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < r->ntruth; i++)
        root[i] = r->truth[i].merged_into ? fold_root(r, ids, (long)i) : (long)i;
    for (size_t i = 0; rc == 0 && i < r->ntruth; i++) {
        if (root[i] == (long)i)
            continue;
        sc_truth *src = &r->truth[i];
        rc = fold_into(r, &r->truth[root[i]], src);
        src->folded = 1;
        r->folded++;
        if (src->unobs) /* no longer a truth of its own */
            r->unobservable--;
    }
    free(root);
    free(ids);
    return rc;
}

int score_compute(score_run *r)
{
    if (r->computed)
        return -1;
    r->computed = 1;
    cand_vec cv = {0};
    int rc = fold_truth(r) ? -1 : find_candidates(r, &cv);
    if (rc == 0) {
        greedy_match(r, &cv);
        rc = compute_metrics(r);
    }
    free(cv.v);
    return rc ? rc : compute_nat(r);
}

/* ---- accessors ---- */

const score_metrics *score_overall(const score_run *r)
{
    return &r->overall;
}

size_t score_group_count(const score_run *r)
{
    return r->ngroups;
}

const score_group *score_group_at(const score_run *r, size_t i)
{
    return i < r->ngroups ? &r->groups[i] : NULL;
}

const score_group *score_find_group(const score_run *r, const char *kind, const char *name)
{
    for (size_t i = 0; i < r->ngroups; i++)
        if (strcmp(r->groups[i].kind, kind) == 0 && strcmp(r->groups[i].name, name) == 0)
            return &r->groups[i];
    return NULL;
}

const score_nat *score_nat_stats(const score_run *r)
{
    return &r->nat;
}

double score_naive_ratio(const score_run *r)
{
    return r->have_records_bytes ? ratio(r->records_bytes, r->overall.truth_bytes) : NAN;
}

const char *score_session_match(const score_run *r, int64_t session_id)
{
    long i = r->by_id ? find_id(r, session_id) : -1;
    return i >= 0 && r->sess[i].match >= 0 ? r->truth[r->sess[i].match].conn_id : NULL;
}
