/* nat/natfold.c - NAT gateway inside legs in formats without pkt-* fields.
 *
 * In the default format (CloudWatch Logs) a NAT gateway's ENI logs the
 * inside leg of an instance's internet connection with its own private IP
 * in place of the internet host (aws-flowlogs.md 1.6, NAT example 5.6):
 * instance:p -> NAT-IP:443 and NAT-IP:443 -> instance:p.  Keyed as it
 * stands, that leg would be a session of its own and double the bytes.
 * Here each such leg is folded into the instance's session
 * (instance:p <-> internet-host:443, seen at the instance's ENI): same
 * protocol, the same instance endpoint, the same server port, overlapping
 * time.  The NAT ENI then lists the session, so fst__nat_tie_legs can tie
 * the translated outside leg (NAT-IP:x <-> internet-host:443) to it.
 *
 * When the instance's ENI is not logged, the inside leg is paired with the
 * translated outside leg at the same NAT ENI instead (same protocol, the
 * outside peer's port equal to the inside leg's server port, overlapping
 * time, the closest byte count): the inside leg then reports the internet
 * host as its server, and the outside leg becomes its NAT leg.
 *
 * A leg is recognised at a hop ENI (metadata nat_gateway, or seen acting as
 * a hop) when its own address is one endpoint and the other endpoint is
 * private (an ENI's address in the metadata, or an RFC 1918 / RFC 6598 /
 * ULA address).  A leg that finds neither an instance session nor an
 * outside leg stays a session of its own.
 */
#include <stdlib.h>
#include <string.h>

#include "nat/nat.h"
#include "flowstitch/errors.h"

/* One endpoint of one session, for the lookup by (addr, port, proto, peer port). */
typedef struct epref {
    uint8_t a[16];
    uint16_t port, peer_port;
    uint8_t proto;
    uint32_t sess;
} epref;

static int cmp_epref(const void *pa, const void *pb)
{
    const epref *a = pa, *b = pb;
    const int c = memcmp(a->a, b->a, 16);
    if (c)
        return c;
    if (a->port != b->port)
        return a->port < b->port ? -1 : 1;
    if (a->proto != b->proto)
        return a->proto < b->proto ? -1 : 1;
    if (a->peer_port != b->peer_port)
        return a->peer_port < b->peer_port ? -1 : 1;
    return (a->sess > b->sess) - (a->sess < b->sess);
}

static int is_private(const uint8_t a[16])
{
    static const uint8_t v4map[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(a, v4map, 12) != 0)
        return (a[0] & 0xfe) == 0xfc; /* fc00::/7 */
    const uint8_t *v = a + 12;
    return v[0] == 10 || (v[0] == 172 && (v[1] & 0xf0) == 16) || (v[0] == 192 && v[1] == 168) ||
           (v[0] == 100 && (v[1] & 0xc0) == 64);
}

static int inside_addr(const fst__observe *o, const uint8_t a[16], uint8_t fam)
{
    if (o->meta) {
        fst_addr x;
        memcpy(x.b, a, 16);
        x.family = fam;
        if (fst__eni_by_addr(o->meta, &x))
            return 1;
    }
    return is_private(a);
}

/* Side (0 lo, 1 hi) that is the hop ENI's own address when s was seen only
 * at one hop ENI; -1 otherwise. */
static int hop_own_side(const fst__observe *o, const fst__sessions *ss, const fst__sess *s)
{
    if (s->n_enis != 1)
        return -1;
    const fst__eni *e = o->enis[ss->enis[s->eni_off]];
    const uint8_t *own = fst__eni_is_hop(e) ? fst__eni_own(e) : NULL;
    if (!own)
        return -1;
    const fst__key *k = &s->g->key.k;
    return !memcmp(own, k->lo, 16) ? 0 : !memcmp(own, k->hi, 16) ? 1 : -1;
}

/* Side (0 lo, 1 hi) of s that is the instance when s is an inside leg (the
 * peer of the hop's own address is private); -1 otherwise. */
static int inside_leg(const fst__observe *o, const fst__sessions *ss, const fst__sess *s)
{
    const int own = hop_own_side(o, ss, s);
    if (own < 0 || !inside_addr(o, own ? s->g->key.k.lo : s->g->key.k.hi, s->g->key.fam))
        return -1;
    return !own;
}

/* The instance endpoint of every inside leg, sorted for lookup. */
static int collect_legs(const fst__observe *o, const fst__sessions *ss, epref **out,
                        uint32_t *nout)
{
    epref *v = NULL;
    uint32_t n = 0, cap = 0;
    for (uint32_t i = 0; i < ss->n; i++) {
        const int side = inside_leg(o, ss, &ss->v[i]);
        if (side < 0)
            continue;
        if (fst__grow((void **)&v, &cap, n + 1, sizeof *v) < 0) {
            fst__free(v);
            return FST_ENOMEM;
        }
        const fst__key *k = &ss->v[i].g->key.k;
        epref *r = &v[n++];
        memset(r, 0, sizeof *r);
        memcpy(r->a, side ? k->hi : k->lo, 16);
        r->port = side ? k->hi_port : k->lo_port;
        r->peer_port = side ? k->lo_port : k->hi_port;
        r->proto = ss->v[i].g->key.proto;
        r->sess = i;
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_epref);
    *out = v;
    *nout = n;
    return 0;
}

static uint64_t absdiff(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

/* Offers session p (endpoint `side`) as the parent of every inside leg
 * with that endpoint, the same peer port and protocol: the largest time
 * overlap wins, then the closest byte total, then fst__sess_canon. */
static void offer_parent(const fst__sessions *ss, const epref *legs, uint32_t n, uint32_t pi,
                         int side, uint32_t *best, int64_t *bov)
{
    const fst__sess *p = &ss->v[pi];
    const fst__key *k = &p->g->key.k;
    epref key;
    memset(&key, 0, sizeof key);
    memcpy(key.a, side ? k->hi : k->lo, 16);
    key.port = side ? k->hi_port : k->lo_port;
    key.peer_port = side ? k->lo_port : k->hi_port;
    key.proto = p->g->key.proto;
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        const uint32_t mid = lo + (hi - lo) / 2;
        if (cmp_epref(&legs[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (uint32_t j = lo; j < n && !memcmp(legs[j].a, key.a, 16) && legs[j].port == key.port &&
                          legs[j].proto == key.proto && legs[j].peer_port == key.peer_port;
         j++) {
        const fst__sess *l = &ss->v[legs[j].sess];
        const int64_t ov = fst__sess_overlap(l, p);
        if (ov < -FST__NAT_SLACK)
            continue;
        const uint64_t lb = l->by[0] + l->by[1], diff = absdiff(lb, p->by[0] + p->by[1]);
        const fst__sess *b = best[j] == FST__NONE ? NULL : &ss->v[best[j]];
        const uint64_t bdiff = b ? absdiff(lb, b->by[0] + b->by[1]) : UINT64_MAX;
        if (fst__nat_better(ov, diff, p, bov[j], bdiff, b)) {
            best[j] = pi;
            bov[j] = ov;
        }
    }
}

/* Best parent of every inside leg (FST__NONE when none overlaps). */
static int find_parents(const fst__observe *o, const fst__sessions *ss, const epref *legs,
                        uint32_t n, uint32_t *best)
{
    int64_t *bov = fst__malloc((size_t)n * sizeof *bov);
    if (!bov)
        return FST_ENOMEM;
    for (uint32_t j = 0; j < n; j++) {
        best[j] = FST__NONE;
        bov[j] = -FST__NAT_SLACK - 1;
    }
    for (uint32_t i = 0; i < ss->n; i++) {
        if (inside_leg(o, ss, &ss->v[i]) >= 0)
            continue;
        offer_parent(ss, legs, n, i, 0, best, bov);
        offer_parent(ss, legs, n, i, 1, best, bov);
    }
    fst__free(bov);
    return 0;
}

/* Side (0 lo, 1 hi) of s that is the hop ENI's own address when s is a
 * translated outside leg (the peer is not private); -1 otherwise. */
static int outside_leg(const fst__observe *o, const fst__sessions *ss, const fst__sess *s)
{
    const int own = s->nat_parent ? -1 : hop_own_side(o, ss, s);
    if (own < 0 || inside_addr(o, own ? s->g->key.k.lo : s->g->key.k.hi, s->g->key.fam))
        return -1;
    return own;
}


/* Is session i the only one of its group?  Sessions of a group are adjacent. */
static int alone_in_group(const fst__sessions *ss, uint32_t i)
{
    const fst__group *g = ss->v[i].g;
    return (i == 0 || ss->v[i - 1].g != g) && (i + 1 == ss->n || ss->v[i + 1].g != g);
}

/* Best unpaired outside leg for inside leg li (instance on `side`), or FST__NONE. */
static uint32_t find_outside(const fst__observe *o, const fst__sessions *ss, const uint32_t *outs,
                             uint32_t nouts, uint32_t li, int side)
{
    const fst__sess *l = &ss->v[li];
    const uint32_t eni = ss->enis[l->eni_off];
    const uint16_t sport = side ? l->g->key.k.lo_port : l->g->key.k.hi_port;
    uint32_t best = FST__NONE;
    int64_t bov = -FST__NAT_SLACK - 1;
    uint64_t bdiff = UINT64_MAX;
    for (uint32_t j = 0; j < nouts; j++) {
        const fst__sess *p = &ss->v[outs[j]];
        if (p->nat_parent || ss->enis[p->eni_off] != eni || p->g->key.proto != l->g->key.proto ||
            p->g->key.fam != l->g->key.fam)
            continue;
        const int own = outside_leg(o, ss, p);
        const uint16_t rport = own ? p->g->key.k.lo_port : p->g->key.k.hi_port;
        if (own < 0 || rport != sport)
            continue;
        const int64_t ov = fst__sess_overlap(l, p);
        const uint64_t diff = absdiff(l->by[0] + l->by[1], p->by[0] + p->by[1]);
        if (ov < -FST__NAT_SLACK)
            continue;
        if (fst__nat_better(ov, diff, p, bov, bdiff, best == FST__NONE ? NULL : &ss->v[best])) {
            best = outs[j];
            bov = ov;
            bdiff = diff;
        }
    }
    return best;
}

typedef struct sref {
    const fst__sess *s;
    uint32_t i;
} sref;

static int cmp_sref(const void *pa, const void *pb)
{
    const sref *a = pa, *b = pb;
    const int c = fst__sess_canon(a->s, b->s);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* Inside legs left without an instance session: pair with outside legs. */
static int pair_outside(fst__observe *o, fst__sessions *ss)
{
    uint32_t *outs = fst__malloc((size_t)ss->n * sizeof *outs), nouts = 0;
    if (!outs)
        return FST_ENOMEM;
    for (uint32_t i = 0; i < ss->n; i++)
        if (outside_leg(o, ss, &ss->v[i]) >= 0)
            outs[nouts++] = i;
    /* the inside legs take their outside leg in canonical order, not in
     * input order */
    uint32_t nin = 0;
    sref *ins = fst__malloc((size_t)ss->n * sizeof *ins);
    if (!ins) {
        fst__free(outs);
        return FST_ENOMEM;
    }
    for (uint32_t i = 0; i < ss->n; i++)
        if (inside_leg(o, ss, &ss->v[i]) >= 0 && alone_in_group(ss, i))
            ins[nin++] = (sref){&ss->v[i], i};
    qsort(ins, nin, sizeof *ins, cmp_sref);
    int rc = 0;
    for (uint32_t k = 0; k < nin && nouts && rc == 0; k++) {
        const uint32_t i = ins[k].i;
        const int side = inside_leg(o, ss, &ss->v[i]);
        const uint32_t p = find_outside(o, ss, outs, nouts, i, side);
        if (p == FST__NONE)
            continue;
        const fst__key *pk = &ss->v[p].g->key.k;
        const int own = outside_leg(o, ss, &ss->v[p]);
        rc = fst__group_set_rep(o, ss->v[i].g, !side, own ? pk->lo : pk->hi);
        ss->v[p].nat_parent = i + 1;
    }
    fst__free(ins);
    fst__free(outs);
    return rc;
}

int fst__nat_fold_inside(fst__observe *o, fst__sessions *ss)
{
    int any = 0;
    for (uint32_t i = 1; i < o->n_enis && !any; i++)
        any = fst__eni_is_hop(o->enis[i]);
    if (!any || ss->n == 0)
        return 0;
    epref *legs = NULL;
    uint32_t n = 0;
    FST__TRY(collect_legs(o, ss, &legs, &n));
    uint32_t *best = n ? fst__malloc((size_t)n * sizeof *best) : NULL;
    int rc = n && !best ? FST_ENOMEM : 0;
    if (rc == 0 && n)
        rc = find_parents(o, ss, legs, n, best);
    int folded = 0;
    for (uint32_t j = 0; j < n && rc == 0; j++) {
        if (best[j] == FST__NONE)
            continue;
        rc = fst__session_absorb(o, ss, best[j], legs[j].sess);
        folded = 1;
    }
    fst__free(best);
    fst__free(legs);
    if (folded && rc == 0)
        fst__sessions_compact(ss);
    return rc == 0 ? pair_outside(o, ss) : rc;
}
