/* account/class.c - the traffic_class of a session (see class.h). */
#include "account/class.h"

#include <string.h>

/* traffic-path code of a gateway VPC endpoint (../shared/docs/aws-flowlogs.md
 * 1, v5 fields: Nitro instances; code 2 may be an endpoint or the internet
 * gateway, so it says nothing here). */
#define TPATH_GATEWAY_ENDPOINT 7

static int v4_public(const uint8_t v[4])
{
    if (v[0] == 10 || v[0] == 127 || v[0] == 0 || v[0] >= 224)
        return 0;                                   /* private, loopback, this net, multicast+ */
    if (v[0] == 172 && (v[1] & 0xf0) == 16)
        return 0;                                   /* 172.16/12 */
    if (v[0] == 192 && v[1] == 168)
        return 0;                                   /* 192.168/16 */
    if (v[0] == 100 && (v[1] & 0xc0) == 64)
        return 0;                                   /* 100.64/10 (RFC 6598) */
    return !(v[0] == 169 && v[1] == 254);           /* link-local */
}

int fst__addr_is_public(const fst_addr *a)
{
    if (a->family == 4)
        return v4_public(a->b + 12);
    if (a->family != 6)
        return 0;
    static const uint8_t zero[15];
    if (!memcmp(a->b, zero, 15))
        return 0;                                   /* :: and ::1 */
    if ((a->b[0] & 0xfe) == 0xfc || a->b[0] == 0xff)
        return 0;                                   /* ULA, multicast */
    return !(a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80); /* fe80::/10 */
}

typedef enum { SIDE_UNKNOWN, SIDE_INSIDE, SIDE_INTERNET } side_kind;

static side_kind side_of(const fst_side_context *c, const fst_addr *a)
{
    if (c->vpc)
        return SIDE_INSIDE;
    return fst__addr_is_public(a) ? SIDE_INTERNET : SIDE_UNKNOWN;
}

static int same(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* Rules 5-7: both sides inside. */
static int inside_class(const fst_session *s)
{
    const fst_side_context *c = &s->client_ctx, *v = &s->server_ctx;
    if (!same(c->vpc, v->vpc))
        return FST_CLASS_INTER_VPC;
    if (!c->az || !v->az)
        return FST_CLASS_UNKNOWN;
    return same(c->az, v->az) ? FST_CLASS_INTRA_AZ : FST_CLASS_INTER_AZ;
}

int fst__traffic_class(const fst_session *s, const fst__class_facts *f)
{
    if (s->action == FST_SACT_REJECT)
        return FST_CLASS_REJECTED;
    if (f->nat)
        return FST_CLASS_NAT_GATEWAY;
    if (s->aws_service || f->endpoint || s->traffic_path == TPATH_GATEWAY_ENDPOINT)
        return FST_CLASS_AWS_SERVICE;
    const side_kind c = side_of(&s->client_ctx, &s->client_addr);
    const side_kind v = side_of(&s->server_ctx, &s->server_addr);
    if (c == SIDE_INSIDE && v == SIDE_INTERNET)
        return FST_CLASS_INTERNET_EGRESS;
    if (c == SIDE_INTERNET && v == SIDE_INSIDE)
        return FST_CLASS_INTERNET_INGRESS;
    if (c == SIDE_INSIDE && v == SIDE_INSIDE)
        return inside_class(s);
    return FST_CLASS_UNKNOWN;
}
