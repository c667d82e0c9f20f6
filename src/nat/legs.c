/* nat/legs.c - NAT gateway translated legs tied to their session (see nat.h).
 *
 * A hop ENI whose own address is one endpoint of a session logged the
 * translated (outside) leg of a connection: own-addr:x <-> peer:port.  Its
 * parent is the session at the same ENI, same protocol, with the same peer
 * endpoint, that overlaps it in time (FST__NAT_SLACK), the closest in
 * bytes; the leg gets nat_parent and is not counted again.
 *
 * A hop ENI is known from metadata or from instance-id "-" with pkt-*
 * substitution (observe), or, with neither, from its records alone: an ENI
 * that logged substituted addresses (pkt-* differing) may be a hop, and
 * then its parent candidates are the sessions whose substituted side is
 * the peer the leg talks to (the NAT's inside records carry the internet
 * host in pkt-dstaddr, its outside records talk to that same host from
 * the NAT's own address).  An instance using a secondary IP substitutes
 * its own side instead, so it never looks like a NAT.
 */
#include <stdlib.h>
#include <string.h>

#include "nat/nat.h"
#include "flowstitch/errors.h"

#define CMP(a, b)                                                            \
    do {                                                                     \
        if ((a) != (b))                                                      \
            return (a) < (b) ? -1 : 1;                                       \
    } while (0)

typedef struct natref {
    uint8_t a[16];
    uint16_t port;
    uint8_t proto;
    uint32_t eni, sess;
} natref;

static int cmp_natref(const void *pa, const void *pb)
{
    const natref *a = pa, *b = pb;
    CMP(a->eni, b->eni);
    const int c = memcmp(a->a, b->a, 16);
    if (c)
        return c;
    CMP(a->port, b->port);
    CMP(a->proto, b->proto);
    CMP(a->sess, b->sess);
    return 0;
}

/* Is ENI e known to be a hop (1), possibly a hop from its records alone
 * (2: pkt-* substitution seen, no metadata), or not (0)? */
static int hop_kind(const fst__eni *e)
{
    if (fst__eni_is_hop(e))
        return 1;
    return !e->meta && e->has_sure_own ? 2 : 0;
}

/* Which endpoint of s is the hop ENI's own address: 0 lo, 1 hi, -1 none. */
static int own_side(const fst__eni *e, const fst__sess *s)
{
    const uint8_t *own = fst__eni_own(e);
    if (!own)
        return -1;
    if (!memcmp(own, s->g->key.k.lo, 16))
        return 0;
    if (!memcmp(own, s->g->key.k.hi, 16))
        return 1;
    return -1;
}

static int collect_refs(const fst__observe *o, const fst__sessions *ss, natref **out,
                        uint32_t *nout)
{
    uint32_t n = 0, cap = 0;
    natref *v = NULL;
    for (uint32_t i = 0; i < ss->n; i++) {
        const fst__sess *s = &ss->v[i];
        for (uint32_t j = 0; j < s->n_enis; j++) {
            const uint32_t ei = ss->enis[s->eni_off + j];
            const fst__eni *e = o->enis[ei];
            const int kind = hop_kind(e);
            if (!kind || own_side(e, s) >= 0)
                continue;
            if (fst__grow((void **)&v, &cap, n + 2, sizeof *v) < 0) {
                fst__free(v);
                return FST_ENOMEM;
            }
            for (int side = 0; side < 2; side++) {
                if (kind == 2 && !(s->subst >> side & 1))
                    continue; /* learned hop: only the substituted peer */
                natref *r = &v[n++];
                memset(r, 0, sizeof *r);
                memcpy(r->a, side ? s->g->key.k.hi : s->g->key.k.lo, 16);
                r->port = side ? s->g->key.k.hi_port : s->g->key.k.lo_port;
                r->proto = s->g->key.proto;
                r->eni = ei;
                r->sess = i;
            }
        }
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_natref);
    *out = v;
    *nout = n;
    return 0;
}

static uint64_t absdiff(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

static void match_leg(const natref *v, uint32_t n, fst__sessions *ss, uint32_t li, uint32_t ei,
                      int own)
{
    fst__sess *l = &ss->v[li];
    natref key;
    memset(&key, 0, sizeof key);
    memcpy(key.a, own ? l->g->key.k.lo : l->g->key.k.hi, 16);
    key.port = own ? l->g->key.k.lo_port : l->g->key.k.hi_port;
    key.proto = l->g->key.proto;
    key.eni = ei;
    /* lower bound on (eni, addr, port, proto) */
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        const uint32_t mid = lo + (hi - lo) / 2;
        if (cmp_natref(&v[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t best = FST__NONE;
    int64_t bov = INT64_MIN;
    uint64_t bdiff = UINT64_MAX;
    const uint64_t lby = l->by[0] + l->by[1];
    for (uint32_t i = lo; i < n && v[i].eni == ei && !memcmp(v[i].a, key.a, 16) &&
                          v[i].port == key.port && v[i].proto == key.proto;
         i++) {
        const fst__sess *p = &ss->v[v[i].sess];
        const int64_t ov = fst__sess_overlap(l, p);
        if (ov < -FST__NAT_SLACK || p->nat_parent)
            continue;
        const uint64_t diff = absdiff(lby, p->by[0] + p->by[1]);
        if (fst__nat_better(ov, diff, p, bov, bdiff, best == FST__NONE ? NULL : &ss->v[best])) {
            best = v[i].sess;
            bov = ov;
            bdiff = diff;
        }
    }
    if (best != FST__NONE)
        l->nat_parent = best + 1;
}

int fst__nat_tie_legs(const fst__observe *o, fst__sessions *ss)
{
    natref *v = NULL;
    uint32_t n = 0;
    FST__TRY(collect_refs(o, ss, &v, &n));
    for (uint32_t i = 0; i < ss->n && n; i++) {
        fst__sess *s = &ss->v[i];
        if (s->n_enis != 1)
            continue;
        const uint32_t ei = ss->enis[s->eni_off];
        const fst__eni *e = o->enis[ei];
        if (!hop_kind(e))
            continue;
        const int own = own_side(e, s);
        if (own >= 0)
            match_leg(v, n, ss, i, ei, own);
    }
    fst__free(v);
    return 0;
}
