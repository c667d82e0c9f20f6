/* correlate/session.c - build, count once, absorb sessions (see session.h). */
#include "correlate/session.h"

#include <string.h>

#include "flowstitch/errors.h"

void fst__sessions_free(fst__sessions *ss)
{
    fst__free(ss->v);
    fst__free(ss->enis);
    memset(ss, 0, sizeof *ss);
}

int fst__session_role(const fst__observe *o, const fst__group *g, const fst__win *w)
{
    if (w->eni == 0)
        return FST__ROLE_UNKNOWN;
    const fst__eni *e = o->enis[w->eni];
    const int rev = !!(w->bits & FST__W_REV);
    const uint8_t *src = rev ? g->key.k.hi : g->key.k.lo;
    const uint8_t *dst = rev ? g->key.k.lo : g->key.k.hi;
    int egress;
    if (w->fdir)
        egress = w->fdir == FST_DIR_EGRESS;
    else if (w->bits & FST__W_SRC_SUBST)
        egress = 1;
    else if (w->bits & FST__W_DST_SUBST)
        egress = 0;
    else if (fst__eni_has_addr(e, src))
        egress = 1;
    else if (fst__eni_has_addr(e, dst))
        egress = 0;
    else
        return FST__ROLE_UNKNOWN;
    const int subst = !!(w->bits & (egress ? FST__W_SRC_SUBST : FST__W_DST_SUBST));
    int hop;
    if (e->meta)
        hop = !fst__eni_has_addr(e, egress ? src : dst);
    else
        hop = subst && (w->bits & FST__W_INST_DASH);
    return hop ? FST__ROLE_HOP : (egress ? FST__ROLE_EGRESS : FST__ROLE_INGRESS);
}

static const char *eni_name(const fst__observe *o, uint32_t i)
{
    return o->enis[i]->name ? o->enis[i]->name : "";
}

/* Observation-point choice for one direction (see session.h). */
typedef struct pick {
    int rank;
    uint32_t eni;
    uint64_t pk, by;
    uint8_t tpath;  /* first traffic-path code of the stream */
} pick;

static int better(const fst__observe *o, const pick *a, const pick *b)
{
    if (b->rank < 0)
        return 1;
    if (a->rank != b->rank)
        return a->rank > b->rank;
    if (a->by != b->by)
        return a->by > b->by;
    return strcmp(eni_name(o, a->eni), eni_name(o, b->eni)) < 0;
}

/* Sets s->pk/by; chosen[d] (when not NULL): the ENI of the stream counted
 * for direction d, FST__NONE when none. */
static void count_once(const fst__observe *o, const fst__win *wins, const fst__group *g,
                       const uint32_t *w, uint32_t n, const uint8_t *shared, fst__sess *s,
                       uint32_t *chosen)
{
    pick best[2] = {{-1, 0, 0, 0, 0}, {-1, 0, 0, 0, 0}};
    for (uint32_t i = 0; i < n;) {
        const fst__win *h = &wins[w[i]];
        const int d = !!(h->bits & FST__W_REV);
        pick p = {0, h->eni, 0, 0, 0};
        int sh = 0;
        for (; i < n && wins[w[i]].eni == h->eni && !!(wins[w[i]].bits & FST__W_REV) == d; i++) {
            const fst__win *x = &wins[w[i]];
            const int r = fst__session_role(o, g, x);
            if (r > p.rank)
                p.rank = r;
            s->naive_pk = fst__sat_add(s->naive_pk, x->packets);
            s->naive_by = fst__sat_add(s->naive_by, x->bytes);
            sh |= shared && shared[w[i]];
            if (x->bits & FST__W_DUP)
                continue;
            if (!p.tpath)
                p.tpath = x->tpath;
            p.pk = fst__sat_add(p.pk, x->packets);
            p.by = fst__sat_add(p.by, x->bytes);
        }
        if (sh)
            p.rank = FST__ROLE_SHARED;
        if (better(o, &p, &best[d]))
            best[d] = p;
    }
    for (int d = 0; d < 2; d++) {
        s->pk[d] = best[d].rank < 0 ? 0 : best[d].pk;
        s->by[d] = best[d].rank < 0 ? 0 : best[d].by;
        s->tpath[d] = best[d].rank == FST__ROLE_EGRESS ? best[d].tpath : 0;
        if (chosen)
            chosen[d] = best[d].rank < 0 ? FST__NONE : best[d].eni;
    }
}

/* Provenance: what became of each entry of the session just added (its
 * serial is its index in ss; stitch/ renumbers serials to ids). */
static void note(const fst__observe *o, const fst__win *wins, const uint32_t *ord,
                 const uint32_t *w, uint32_t n, uint32_t serial, const uint32_t *chosen)
{
    fst__prov *p = o->prov;
    for (uint32_t i = 0; i < n; i++) {
        const fst__win *x = &wins[w[i]];
        const uint32_t k = ord[w[i]];
        const int d = !!(x->bits & FST__W_REV);
        uint8_t b = d ? FST__PV_REV : 0;
        if (x->bits & FST__W_DUP)
            b |= FST__PV_DUP;
        else if (x->eni == chosen[d])
            b |= FST__PV_COUNTED;
        p->sess[k] = serial + 1;
        p->bits[k] = b;
    }
}

uint8_t fst__evidence_of(int rev, int flags_known, uint8_t flags)
{
    uint8_t ev = rev ? FST__EVD_REC1 : FST__EVD_REC0;
    if (!flags_known)
        return ev;
    if ((flags & FST_TCP_SYN) && !(flags & FST_TCP_ACK))
        ev |= rev ? FST__EVD_SYN1 : FST__EVD_SYN0;
    if ((flags & FST_TCP_SYNACK) == FST_TCP_SYNACK)
        ev |= rev ? FST__EVD_SYNACK1 : FST__EVD_SYNACK0;
    return ev;
}

static void scan(const fst__win *wins, const uint32_t *w, uint32_t n, fst__sess *s)
{
    int64_t first_d[2] = {INT64_MAX, INT64_MAX}, syn_t = INT64_MAX;
    for (uint32_t i = 0; i < n; i++) {
        const fst__win *x = &wins[w[i]];
        const int d = !!(x->bits & FST__W_REV);
        const int64_t end = x->start + (int64_t)x->dur;
        s->records += x->nrec ? x->nrec : 1; /* a fold stands for several */
        if (x->start < s->first)
            s->first = x->start;
        if (end > s->last)
            s->last = end;
        s->action |= x->action == FST_ACTION_ACCEPT ? FST_SACT_ACCEPT
                     : x->action == FST_ACTION_REJECT ? FST_SACT_REJECT : 0;
        if (!(x->bits & FST__W_NOTIME))
            s->known |= FST__K_TIMES;
        if (!(x->bits & FST__W_NOCOUNT))
            s->known |= FST__K_COUNTS;
        if (x->action == FST_ACTION_ACCEPT)
            s->ev |= d ? FST__EVD_ACC1 : FST__EVD_ACC0;
        else if (x->action == FST_ACTION_REJECT)
            s->ev |= d ? FST__EVD_REJ1 : FST__EVD_REJ0;
        const uint8_t ev = fst__evidence_of(d, !!(x->bits & FST__W_FLAGS), x->flags);
        s->ev |= ev & (uint8_t) ~(FST__EVD_FIRST1 | FST__EVD_SYNFIRST1);
        if (x->bits & FST__W_FLAGS) {
            s->flags[d] |= x->flags;
            s->flags_known |= (uint8_t)(1u << d);
        }
        if (x->bits & FST__W_SRC_SUBST) /* the sender's address was substituted */
            s->subst |= (uint8_t)(1u << d);
        if (x->bits & FST__W_DST_SUBST)
            s->subst |= (uint8_t)(1u << !d);
        if (x->start < first_d[d])
            first_d[d] = x->start;
        if ((ev & (FST__EVD_SYN0 | FST__EVD_SYN1)) && (x->start < syn_t || (x->start == syn_t && !d))) {
            syn_t = x->start;
            s->ev = d ? (s->ev | FST__EVD_SYNFIRST1) : (s->ev & (uint16_t)~FST__EVD_SYNFIRST1);
        }
    }
    /* Who sent first, by whole seconds: a tie says nothing. */
    s->ev &= (uint16_t) ~(FST__EVD_FIRST1 | FST__EVD_FIRST_TIE);
    if (first_d[1] < first_d[0])
        s->ev |= FST__EVD_FIRST1;
    else if (first_d[1] == first_d[0] && first_d[0] != INT64_MAX)
        s->ev |= FST__EVD_FIRST_TIE;
}

/* Distinct ENIs of the session, sorted by name, appended to ss->enis. */
static int list_enis(const fst__observe *o, const fst__win *wins, const uint32_t *w, uint32_t n,
                     fst__sessions *ss, fst__sess *s)
{
    s->eni_off = ss->n_enis;
    s->n_enis = 0;
    for (uint32_t i = 0; i < n; i++) {
        const uint32_t e = wins[w[i]].eni;
        if (e == 0 || (i && wins[w[i - 1]].eni == e))
            continue;
        int seen = 0;
        for (uint32_t j = 0; j < s->n_enis && !seen; j++)
            seen = ss->enis[s->eni_off + j] == e;
        if (seen)
            continue;
        FST__TRY(fst__grow((void **)&ss->enis, &ss->cap_enis, ss->n_enis + 1, sizeof *ss->enis));
        /* insertion by name: ENI lists are short */
        uint32_t j = s->n_enis;
        uint32_t *v = ss->enis + s->eni_off;
        while (j > 0 && strcmp(eni_name(o, v[j - 1]), eni_name(o, e)) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = e;
        s->n_enis++;
        ss->n_enis++;
    }
    return 0;
}

int fst__session_absorb(const fst__observe *o, fst__sessions *ss, uint32_t into, uint32_t from)
{
    fst__sess *a = &ss->v[into];
    const fst__sess *b = &ss->v[from];
    /* the merged ENI list goes to the end of ss->enis, sorted by name */
    FST__TRY(fst__grow((void **)&ss->enis, &ss->cap_enis, ss->n_enis + a->n_enis + b->n_enis,
                    sizeof *ss->enis));
    uint32_t *dst = ss->enis + ss->n_enis, n = 0;
    const uint32_t *x = ss->enis + a->eni_off, *y = ss->enis + b->eni_off;
    uint32_t i = 0, j = 0;
    while (i < a->n_enis || j < b->n_enis) {
        int c = i == a->n_enis ? 1 : j == b->n_enis ? -1
                : strcmp(eni_name(o, x[i]), eni_name(o, y[j]));
        if (c == 0)
            j++; /* same ENI in both: keep one */
        dst[n++] = c <= 0 ? x[i++] : y[j++];
    }
    a->eni_off = ss->n_enis;
    a->n_enis = n;
    ss->n_enis += n;
    a->records += b->records;
    a->naive_pk = fst__sat_add(a->naive_pk, b->naive_pk);
    a->naive_by = fst__sat_add(a->naive_by, b->naive_by);
    a->first = b->first < a->first ? b->first : a->first;
    a->last = b->last > a->last ? b->last : a->last;
    a->action |= b->action;
    a->incomplete |= b->incomplete;
    a->known |= b->known;
    /* tpath stays a's: b's key (and so its direction index) differs */
    const fst__prov *p = o->prov;
    if (p && p->alias && b->rank < p->n_serial) { /* provenance: from's records are into's */
        p->alias[b->rank] = a->rank + 1;
        p->chi[b->rank] = b->client_hi;
    }
    ss->v[from].absorbed = 1;
    return 0;
}

void fst__sessions_compact(fst__sessions *ss)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < ss->n; i++)
        if (!ss->v[i].absorbed)
            ss->v[n++] = ss->v[i];
    ss->n = n;
}

static int overlaps_skip(const fst__observe *o, const fst__sessions *ss, const fst__sess *s)
{
    for (uint32_t i = 0; i < s->n_enis; i++) {
        const fst__eni *e = o->enis[ss->enis[s->eni_off + i]];
        for (uint32_t j = 0; j < e->skip_n; j++) {
            const fst__skip *k = &o->skips[e->skip_off + j];
            if (k->start <= s->last && k->end >= s->first)
                return 1;
        }
    }
    return 0;
}

int fst__session_add(const fst__observe *o, const fst__win *wins, const fst__group *g,
                     const uint32_t *w, uint32_t n, const uint8_t *shared, fst__sessions *ss)
{
    return fst__session_add_prov(o, wins, NULL, g, w, n, shared, ss);
}

int fst__session_add_prov(const fst__observe *o, const fst__win *wins, const uint32_t *ord,
                          const fst__group *g, const uint32_t *w, uint32_t n,
                          const uint8_t *shared, fst__sessions *ss)
{
    uint32_t chosen[2];
    FST__TRY(fst__grow((void **)&ss->v, &ss->cap, ss->n + 1, sizeof *ss->v));
    fst__sess *s = &ss->v[ss->n];
    memset(s, 0, sizeof *s);
    s->g = g;
    s->first = INT64_MAX;
    s->last = INT64_MIN;
    scan(wins, w, n, s);
    count_once(o, wins, g, w, n, shared, s, ord ? chosen : NULL);
    if (ord && o->prov && o->prov->sess)
        note(o, wins, ord, w, n, ss->n, chosen);
    FST__TRY(list_enis(o, wins, w, n, ss, s));
    s->incomplete = (uint8_t)overlaps_skip(o, ss, s);
    ss->n++;
    return 0;
}
