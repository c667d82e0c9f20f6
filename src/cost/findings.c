/* cost/findings.c - what a cost engineer acts on (flowstitch/cost.h,
 * docs/accounting.md "Findings"): S3/DynamoDB through a NAT gateway, the
 * inter-AZ pairs and the services behind them, internet egress per ENI,
 * and NAT hairpins.  Each session adds to at most one row per kind; the
 * list is built at the end, every kind sorted by bytes. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cost_int.h"

#define MONTH_SECONDS (30.4375 * 86400.0) /* 365.25 / 12 days */
#define PAIR_SERVICES 3                   /* services named behind a pair */

/* Adds bytes b and cost usd of one session to the row of `what`. */
static int tally_add(fst__tally *t, const char *what, uint64_t b, double usd)
{
    const char *v[1] = {what};
    fst__trow *r = fst__tally_get(t, v, 1);
    if (!r)
        return FST_ENOMEM;
    r->row.sessions++;
    r->row.bytes = fst__sat_add(r->row.bytes, b);
    r->row.cost_usd += usd;
    return 0;
}

static double gb(const fst_cost *c, uint64_t bytes)
{
    return (double)bytes / c->prices.bytes_per_gb;
}

static uint64_t total(const fst_session *s)
{
    return fst__sat_add(s->c2s_bytes, s->s2c_bytes);
}

/* RFC 1918 / RFC 6598 / IPv6 ULA: an address that cannot be on the
 * internet side of a NAT gateway. */
static int is_private(const fst_addr *a)
{
    const uint8_t *b = a->b;
    if (a->family == 4)
        return b[12] == 10 || (b[12] == 172 && (b[13] & 0xf0) == 16) ||
               (b[12] == 192 && b[13] == 168) || (b[12] == 100 && (b[13] & 0xc0) == 64);
    return a->family == 6 && (b[0] & 0xfe) == 0xfc;
}

static int nat_aws_service(fst_cost *c, const fst_session *s)
{
    const char *svc = s->aws_service;
    if (!svc || (strcasecmp(svc, "S3") && strcasecmp(svc, "DYNAMODB")))
        return 0;
    const uint64_t b = total(s);
    return tally_add(&c->fnd.kind[FST_FINDING_NAT_AWS_SERVICE], svc, b,
                     gb(c, b) * c->prices.nat_processing);
}

static int nat_hairpin(fst_cost *c, const fst_session *s)
{
    if (s->aws_service || (!s->server_ctx.vpc && !is_private(&s->server_addr)))
        return 0;
    char what[2][FST_COST_VALUE_MAX];
    fst_cost_key_values(FST_COST_KEY_PAIR, s, what);
    const uint64_t b = total(s);
    return tally_add(&c->fnd.kind[FST_FINDING_NAT_HAIRPIN], what[0], b,
                     gb(c, b) * c->prices.nat_processing);
}

static int inter_az(fst_cost *c, const fst_session *s)
{
    const char *a = s->client_ctx.az, *z = s->server_ctx.az;
    if (!a || !z || !strcmp(a, z) || s->traffic_class == FST_CLASS_REJECTED)
        return 0;
    char pair[2][FST_COST_VALUE_MAX], svc[2][FST_COST_VALUE_MAX];
    fst_cost_key_values(FST_COST_KEY_AZ_PAIR, s, pair);
    fst_cost_key_values(FST_COST_KEY_SERVICE, s, svc);
    const uint64_t b = total(s);
    const double usd = gb(c, b) * 2 * c->prices.inter_az;
    FST__TRY(tally_add(&c->fnd.kind[FST_FINDING_INTER_AZ], pair[0], b, usd));
    const char *v[2] = {pair[0], svc[0]};
    fst__trow *r = fst__tally_get(&c->fnd.by_service, v, 2);
    if (!r)
        return FST_ENOMEM;
    r->row.bytes = fst__sat_add(r->row.bytes, b);
    return 0;
}

/* Bytes leaving AWS for the internet and the ENI inside that sent them. */
static int egress(fst_cost *c, const fst_session *s)
{
    const double rate = c->prices.n_egress ? c->prices.egress[0].per_gb : 0;
    const char *eni;
    uint64_t b;
    if (s->traffic_class == FST_CLASS_INTERNET_INGRESS) {
        eni = s->server_ctx.eni;
        b = s->s2c_bytes;
    } else if (s->traffic_class == FST_CLASS_INTERNET_EGRESS ||
               (s->traffic_class == FST_CLASS_NAT_GATEWAY && !s->aws_service &&
                !s->server_ctx.vpc && !is_private(&s->server_addr))) {
        eni = s->client_ctx.eni;
        b = s->c2s_bytes;
    } else {
        return 0;
    }
    return tally_add(&c->fnd.kind[FST_FINDING_EGRESS], eni ? eni : "-", b, gb(c, b) * rate);
}

int fst__findings_add(fst_cost *c, const fst_session *s, double usd)
{
    (void)usd;
    if (s->traffic_class == FST_CLASS_NAT_GATEWAY) {
        FST__TRY(nat_aws_service(c, s));
        FST__TRY(nat_hairpin(c, s));
    }
    FST__TRY(inter_az(c, s));
    return egress(c, s);
}

/* "443/tcp 80%, 5432/tcp 15%, 53/udp 5%": the services behind a pair. */
static char *pair_services(const fst__tally *bs, const fst__trow *pair)
{
    char buf[PAIR_SERVICES * (FST_COST_VALUE_MAX + 8)];
    size_t len = 0;
    int n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < bs->n && n < PAIR_SERVICES; i++) {
        const fst__trow *r = bs->sorted[i];
        if (strcmp(r->row.values[0], pair->row.values[0]))
            continue;
        const double pct = pair->row.bytes ? 100.0 * (double)r->row.bytes /
                                                 (double)pair->row.bytes : 0;
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s %.0f%%", n ? ", " : "",
                                r->row.values[1], pct);
        n++;
    }
    return fst__strndup(buf, strlen(buf));
}

int fst__findings_build(fst_cost *c)
{
    fst__findings *f = &c->fnd;
    size_t n = 0;
    FST__TRY(fst__tally_sort(&f->by_service));
    for (int k = 0; k < FST_FINDING_KIND_COUNT; k++) {
        FST__TRY(fst__tally_sort(&f->kind[k]));
        n += f->kind[k].n;
    }
    f->list = fst__calloc(n, sizeof *f->list);
    if (!f->list)
        return FST_ENOMEM;
    const int64_t span = c->last > c->first ? c->last - c->first : 0; /* fst_cost_span */
    for (int k = 0; k < FST_FINDING_KIND_COUNT; k++)
        for (size_t i = 0; i < f->kind[k].n; i++) {
            fst__trow *r = f->kind[k].sorted[i];
            if (k == FST_FINDING_INTER_AZ && !(r->detail = pair_services(&f->by_service, r)))
                return FST_ENOMEM;
            f->list[f->n++] = (fst_cost_finding){
                k, r->row.values[0], r->detail ? r->detail : "", r->row.sessions,
                r->row.bytes, r->row.cost_usd,
                span > 0 ? r->row.cost_usd * MONTH_SECONDS / (double)span : -1};
        }
    return 0;
}

size_t fst_cost_findings(const fst_cost *c, const fst_cost_finding **f)
{
    *f = c->fnd.list;
    return c->fnd.n;
}

void fst__findings_free(fst__findings *f)
{
    for (int k = 0; k < FST_FINDING_KIND_COUNT; k++)
        fst__tally_free(&f->kind[k]);
    fst__tally_free(&f->by_service);
    fst__free(f->list);
    memset(f, 0, sizeof *f);
}
