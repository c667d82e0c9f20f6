/* stitch/context.c - the context of a session's sides (see context.h). */
#include "stitch/context.h"

#include <string.h>

#include "account/class.h"
#include "meta/subnets.h"
#include "nat/nat.h"

/* What is known about one side: its ENI as logged, its metadata, the
 * subnet its address falls in; each may be NULL. */
typedef struct side {
    const fst__eni *eni;
    const fst__eni_info *info;
    const fst__subnet_info *sn;
} side;

static const fst__eni *session_eni(const fst__ctx_src *src, const fst__sessions *ss,
                                   const fst__sess *s, uint32_t i)
{
    return src->o->enis[ss->enis[s->eni_off + i]];
}

/* The observing ENI whose own address is a, else NULL. */
static const fst__eni *observer_owning(const fst__ctx_src *src, const fst__sessions *ss,
                                       const fst__sess *s, const fst_addr *a)
{
    for (uint32_t i = 0; i < s->n_enis; i++) {
        const fst__eni *e = session_eni(src, ss, s, i);
        if (fst__eni_ctx_owns(e, a->b))
            return e;
    }
    return NULL;
}

static void resolve(const fst__ctx_src *src, const fst__sessions *ss, const fst__sess *s,
                    const fst_addr *a, side *sd)
{
    sd->eni = observer_owning(src, ss, s, a);
    sd->info = sd->eni ? sd->eni->meta : NULL;
    if (!sd->eni && src->meta && (sd->info = fst__eni_by_addr(src->meta, a)) != NULL)
        sd->eni = fst__observe_eni_find(src->main, sd->info->eni_id); /* logged elsewhere */
    sd->sn = fst__subnet_by_addr(src->subnets, a);
}

static const char *first_of(const char *records, const char *meta, const char *subnets)
{
    return records ? records : meta ? meta : subnets;
}

/* The records' value of context field k, NULL when none. */
static const char *rec_ctx(const side *sd, int k)
{
    return sd->eni ? sd->eni->ctx[k] : NULL;
}

static const char *side_az(const fst__ctx_src *src, const side *sd)
{
    const char *az_id = rec_ctx(sd, FST__CTX_AZ);
    if (!src->meta && !src->subnets)
        return az_id;
    /* tables loaded: zone names only, never a mix of names and ids */
    return first_of(fst__subnet_az_name(src->subnets, az_id), sd->info ? sd->info->az : NULL,
                    sd->sn ? sd->sn->az : NULL);
}

static void fill_side(const fst__ctx_src *src, const side *sd, fst_side_context *c)
{
    const fst__eni_info *m = sd->info;
    const fst__subnet_info *n = sd->sn;
    c->eni = sd->eni ? sd->eni->name : m ? m->eni_id : NULL;
    c->account = first_of(rec_ctx(sd, FST__CTX_ACCOUNT), m ? m->owner_id : NULL,
                          n ? n->owner_id : NULL);
    c->vpc = first_of(rec_ctx(sd, FST__CTX_VPC), m ? m->vpc_id : NULL, n ? n->vpc_id : NULL);
    c->subnet = first_of(rec_ctx(sd, FST__CTX_SUBNET), m ? m->subnet_id : NULL,
                         n ? n->subnet_id : NULL);
    c->az = side_az(src, sd);
}

/* The client's ENI's region, else the server's, else the first observing
 * ENI's that has one (records only: a flow log is regional). */
static const char *region_of(const fst__ctx_src *src, const fst__sessions *ss,
                             const fst__sess *s, const side sd[2])
{
    for (int i = 0; i < 2; i++)
        if (rec_ctx(&sd[i], FST__CTX_REGION))
            return rec_ctx(&sd[i], FST__CTX_REGION);
    for (uint32_t i = 0; i < s->n_enis; i++) {
        const char *r = session_eni(src, ss, s, i)->ctx[FST__CTX_REGION];
        if (r)
            return r;
    }
    return NULL;
}

/* The service of the side outside the VPCs (server first). */
static const char *service_of(const fst__ctx_src *src, const fst__sess *s, const fst_session *out)
{
    const uint8_t *lo = s->g->key.k.lo, *hi = s->g->key.k.hi;
    const uint8_t *ck = s->client_hi ? hi : lo, *sk = s->client_hi ? lo : hi;
    const char *svc = out->server_ctx.vpc ? NULL : fst__svc_of(src->main, sk);
    if (!svc && !out->client_ctx.vpc)
        svc = fst__svc_of(src->main, ck);
    return svc;
}

/* Is ENI e a NAT gateway on the path of out?  By metadata, or, without,
 * a learned hop (substituted its own address, no instance) with a public
 * endpoint: a TGW attachment hop joins two private sides. */
static int nat_hop(const fst__eni *e, const fst_session *out)
{
    if (e->meta)
        return e->meta->kind == FST__ENI_NAT_GATEWAY;
    return fst__eni_is_hop(e) &&
           (fst__addr_is_public(&out->client_addr) || fst__addr_is_public(&out->server_addr));
}

static void class_facts(const fst__ctx_src *src, const fst__sessions *ss, const fst__sess *s,
                        const side sd[2], const fst_session *out, fst__class_facts *f)
{
    f->nat = s->nat_parent != 0 || s->has_leg;
    f->endpoint = 0;
    for (uint32_t i = 0; i < s->n_enis; i++) {
        const fst__eni *e = session_eni(src, ss, s, i);
        f->nat |= nat_hop(e, out);
        f->endpoint |= e->meta && e->meta->kind == FST__ENI_VPC_ENDPOINT;
    }
    for (int i = 0; i < 2; i++)
        f->endpoint |= sd[i].info && sd[i].info->kind == FST__ENI_VPC_ENDPOINT;
}

void fst__session_context(const fst__ctx_src *src, const fst__sessions *ss, const fst__sess *s,
                          fst_session *out)
{
    side sd[2];
    memset(sd, 0, sizeof sd);
    resolve(src, ss, s, &out->client_addr, &sd[0]);
    resolve(src, ss, s, &out->server_addr, &sd[1]);
    fill_side(src, &sd[0], &out->client_ctx);
    fill_side(src, &sd[1], &out->server_ctx);
    out->region = region_of(src, ss, s, sd);
    const int c = s->client_hi; /* index of the client->server direction */
    out->traffic_path = s->tpath[c] ? s->tpath[c] : s->tpath[!c];
    out->aws_service = service_of(src, s, out);
    fst__class_facts f;
    class_facts(src, ss, s, sd, out, &f);
    out->traffic_class = (uint8_t)fst__traffic_class(out, &f);
}

void fst__mark_leg_parents(fst__sessions *ss)
{
    for (uint32_t i = 0; i < ss->n; i++)
        if (ss->v[i].nat_parent)
            ss->v[ss->v[i].nat_parent - 1].has_leg = 1;
}
