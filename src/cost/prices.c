/* cost/prices.c - the price table: US East defaults, --prices JSON, and
 * what one session costs (flowstitch/cost.h, docs/accounting.md). */
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "flowstitch/cost.h"

/* 1 GB as AWS bills it: 2^30 bytes (docs/accounting.md "Units"). */
#define GIB 1073741824.0

/* AWS traffic-path codes that say peering (docs: aws-flowlogs.md 2). */
enum { PATH_PEERING = 4, PATH_PEERING_REGION = 5 };

void fst_prices_default(fst_prices *p)
{
    /* ../shared/docs/aws-flowlogs.md section 6 (US East list prices, S16,
     * May 2026); TGW processing is AWS's list price, not in that table. */
    static const fst_prices us_east = {
        .bytes_per_gb = GIB,
        .inter_az = 0.01,
        .inter_region = 0.02,
        .nat_processing = 0.045,
        .tgw_processing = 0.02,
        .egress_free_gb = 100,
        .n_egress = 4,
        .egress = {{10240, 0.09}, {51200, 0.085}, {153600, 0.07}, {0, 0.05}},
        .date = "2026-05",
        .source = "AWS US East list prices (aws-flowlogs.md section 6, S16)"};
    *p = us_east;
}

/* ---- the price file -------------------------------------------------------- */

static int bad(char *err, size_t n, const char *path, const char *why, const char *key)
{
    snprintf(err, n, "%s: %s%s%s", path, why, key ? ": " : "", key ? key : "");
    return -1;
}

/* A price: a non-negative finite number. */
static int number(json_t *v, double *out)
{
    if (!json_is_number(v))
        return -1;
    const double d = json_number_value(v);
    if (!isfinite(d) || d < 0)
        return -1;
    *out = d;
    return 0;
}

/* "internet_egress": [{"upto_gb": 10240, "per_gb": 0.09}, ..., {"per_gb": 0.05}] */
static int tiers(json_t *v, fst_prices *p, const char *path, char *err, size_t n)
{
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > FST_PRICE_TIERS)
        return bad(err, n, path, "internet_egress must be an array of 1 to 8 tiers", NULL);
    size_t i;
    json_t *t;
    double prev = 0;
    json_array_foreach(v, i, t) {
        json_t *upto = json_object_get(t, "upto_gb"), *per = json_object_get(t, "per_gb");
        const int last = i + 1 == json_array_size(v);
        p->egress[i].upto_gb = 0;
        if (!json_is_object(t) || number(per, &p->egress[i].per_gb) < 0 ||
            json_object_size(t) != (upto ? 2u : 1u))
            return bad(err, n, path, "each internet_egress tier is {\"upto_gb\": N, "
                       "\"per_gb\": USD} (the last without upto_gb)", NULL);
        if (!last && (number(upto, &p->egress[i].upto_gb) < 0 || p->egress[i].upto_gb <= prev))
            return bad(err, n, path, "internet_egress upto_gb must grow from tier to tier",
                       NULL);
        if (last && upto)
            return bad(err, n, path, "the last internet_egress tier has no upto_gb", NULL);
        prev = p->egress[i].upto_gb;
    }
    p->n_egress = (int)json_array_size(v);
    return 0;
}

static int text(json_t *v, char *dst, size_t cap)
{
    if (!json_is_string(v))
        return -1;
    snprintf(dst, cap, "%s", json_string_value(v));
    return 0;
}

/* One key of the price file into *p; -1 with the message in err. */
static int price_key(const char *k, json_t *v, fst_prices *p, const char *path, char *err,
                     size_t n)
{
    static const struct { const char *name; size_t off; } nums[] = {
        {"inter_az_per_gb", offsetof(fst_prices, inter_az)},
        {"inter_region_per_gb", offsetof(fst_prices, inter_region)},
        {"nat_gateway_per_gb", offsetof(fst_prices, nat_processing)},
        {"tgw_per_gb", offsetof(fst_prices, tgw_processing)},
        {"internet_egress_free_gb", offsetof(fst_prices, egress_free_gb)},
        {"bytes_per_gb", offsetof(fst_prices, bytes_per_gb)}};
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
        if (!strcmp(k, nums[i].name)) {
            double *d = (double *)((char *)p + nums[i].off);
            if (number(v, d) < 0 || (!strcmp(k, "bytes_per_gb") && *d < 1))
                return bad(err, n, path, "not a non-negative number", k);
            return 0;
        }
    if (!strcmp(k, "internet_egress"))
        return tiers(v, p, path, err, n);
    if (!strcmp(k, "date") && !text(v, p->date, sizeof p->date))
        return 0;
    if (!strcmp(k, "source") && !text(v, p->source, sizeof p->source))
        return 0;
    if (!strcmp(k, "date") || !strcmp(k, "source"))
        return bad(err, n, path, "not a string", k);
    return bad(err, n, path, "unknown key (see docs/accounting.md \"Price file\")", k);
}

int fst_prices_load(const char *path, fst_prices *p, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (je.line > 0)
            snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
        else
            snprintf(err, errlen, "%s: %s", path, je.text);
        return -1;
    }
    int rc = 0;
    if (!json_is_object(root))
        rc = bad(err, errlen, path, "not a JSON object of prices", NULL);
    const char *k;
    json_t *v;
    fst_prices q = *p; /* all or nothing */
    json_object_foreach(root, k, v) {
        if (rc == 0)
            rc = price_key(k, v, &q, path, err, errlen);
    }
    json_decref(root);
    if (rc == 0)
        *p = q;
    return rc;
}

/* ---- what a session costs ------------------------------------------------- */

static double egress_rate(const fst_prices *p)
{
    return p->n_egress > 0 ? p->egress[0].per_gb : 0;
}

/* 1 when the server is outside AWS (no context, not an AWS service, and
 * the class says it went out). */
static int to_internet(const fst_session *s)
{
    return !s->server_ctx.vpc && !s->aws_service;
}

static double inter_vpc(const fst_prices *p, const fst_session *s, double gb)
{
    if (s->traffic_path == PATH_PEERING_REGION)
        return gb * p->inter_region;
    double usd = 0;
    const char *a = s->client_ctx.az, *b = s->server_ctx.az;
    if (a && b && strcmp(a, b))
        usd += gb * 2 * p->inter_az;
    if (s->traffic_path != PATH_PEERING)
        usd += gb * p->tgw_processing; /* assumed through a TGW unless peering */
    return usd;
}

double fst_prices_session_usd(const fst_prices *p, const fst_session *s)
{
    const double gb = ((double)s->c2s_bytes + (double)s->s2c_bytes) / p->bytes_per_gb;
    const double out_c2s = (double)s->c2s_bytes / p->bytes_per_gb;
    switch (s->traffic_class) {
    case FST_CLASS_INTER_AZ: return gb * 2 * p->inter_az;
    case FST_CLASS_INTER_VPC: return inter_vpc(p, s, gb);
    case FST_CLASS_INTERNET_EGRESS: return out_c2s * egress_rate(p);
    case FST_CLASS_INTERNET_INGRESS: return (double)s->s2c_bytes / p->bytes_per_gb * egress_rate(p);
    case FST_CLASS_NAT_GATEWAY:
        return gb * p->nat_processing + (to_internet(s) ? out_c2s * egress_rate(p) : 0);
    default: return 0; /* intra-AZ, AWS service (same Region), rejected, unknown */
    }
}

double fst_prices_egress_month_usd(const fst_prices *p, double gb)
{
    double left = gb - p->egress_free_gb, usd = 0, floor_gb = 0;
    for (int i = 0; i < p->n_egress && left > 0; i++) {
        const double upto = p->egress[i].upto_gb;
        const double span = upto > 0 ? upto - floor_gb : left;
        const double take = left < span ? left : span;
        usd += take * p->egress[i].per_gb;
        left -= take;
        floor_gb = upto;
    }
    return usd;
}
