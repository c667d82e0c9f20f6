/* cost/keys.c - the accounting keys: names, parsing of --by, and the value
 * of each key for one session (flowstitch/cost.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cost_int.h"

static const char *const key_names[] = {
#define FST__COST_KEY_NAME(id, name) name,
    FST_COST_KEY_MAP(FST__COST_KEY_NAME)
#undef FST__COST_KEY_NAME
};

static const char *const key_columns[] = {
    "eni", "vpc", "subnet", "az", "az_pair", "pair", "client", "server",
    "service", "class", "aws_service", "account", "region", "hour", "day"};

_Static_assert(sizeof key_columns / sizeof *key_columns == FST_COST_KEY_COUNT,
               "one column per key");

const char *fst_cost_key_name(int key)
{
    return key >= 0 && key < FST_COST_KEY_COUNT ? key_names[key] : NULL;
}

const char *fst_cost_key_column(int key)
{
    return key >= 0 && key < FST_COST_KEY_COUNT ? key_columns[key] : NULL;
}

static int key_lookup(const char *s, size_t n)
{
    for (int k = 0; k < FST_COST_KEY_COUNT; k++)
        if (strlen(key_names[k]) == n && !strncmp(key_names[k], s, n))
            return k;
    return -1;
}

int fst_cost_keys_parse(const char *list, int *keys, char *err, size_t errlen)
{
    int n = 0;
    for (const char *p = list;; p++) {
        const char *e = strchr(p, ',');
        const size_t len = e ? (size_t)(e - p) : strlen(p);
        const int k = key_lookup(p, len);
        if (k < 0) {
            snprintf(err, errlen, "unknown key '%.*s' (keys: eni, vpc, subnet, az, az-pair, "
                     "pair, client, server, service, class, aws-service, account, region, "
                     "hour, day)", (int)len, p);
            return -1;
        }
        for (int i = 0; i < n; i++)
            if (keys[i] == k) {
                snprintf(err, errlen, "key '%s' given twice", key_names[k]);
                return -1;
            }
        if (n == FST_COST_MAX_KEYS) {
            snprintf(err, errlen, "more than %d keys", FST_COST_MAX_KEYS);
            return -1;
        }
        keys[n++] = k;
        if (!e)
            return n;
        p = e;
    }
}

/* The context string of one side for a per-side key; NULL when unknown. */
static const char *side_value(int key, const fst_side_context *c)
{
    switch (key) {
    case FST_COST_KEY_ENI: return c->eni;
    case FST_COST_KEY_VPC: return c->vpc;
    case FST_COST_KEY_SUBNET: return c->subnet;
    case FST_COST_KEY_AZ: return c->az;
    default: return c->account;
    }
}

static void put(char *dst, const char *s)
{
    snprintf(dst, FST_COST_VALUE_MAX, "%s", s && *s ? s : "-");
}

/* Both sides of a per-side key: 1 value when they agree, else 2 (sorted,
 * so a session between a and b lands in the same two rows either way). */
static int per_side(int key, const fst_session *s, char vals[2][FST_COST_VALUE_MAX])
{
    put(vals[0], side_value(key, &s->client_ctx));
    put(vals[1], side_value(key, &s->server_ctx));
    const int c = strcmp(vals[0], vals[1]);
    if (c == 0)
        return 1;
    if (c > 0) {
        char t[FST_COST_VALUE_MAX];
        memcpy(t, vals[0], sizeof t);
        memcpy(vals[0], vals[1], sizeof t);
        memcpy(vals[1], t, sizeof t);
    }
    return 2;
}

static void az_pair(const fst_session *s, char *dst)
{
    const char *a = s->client_ctx.az ? s->client_ctx.az : "-";
    const char *b = s->server_ctx.az ? s->server_ctx.az : "-";
    if (strcmp(a, b) > 0) {
        const char *t = a;
        a = b;
        b = t;
    }
    snprintf(dst, FST_COST_VALUE_MAX, "%s<->%s", a, b);
}

static const char *proto_name(uint8_t proto)
{
    switch (proto) {
    case FST_PROTO_TCP: return "tcp";
    case FST_PROTO_UDP: return "udp";
    case FST_PROTO_ICMP: return "icmp";
    case FST_PROTO_ICMPV6: return "icmp6";
    default: return NULL;
    }
}

/* "443/tcp"; ICMP (no ports) is "icmp"; an unnamed protocol "port/47".
 * Key parts the records lacked (key_absent): no protocol "-", no ports
 * "tcp" or "?/47". */
static void service(const fst_session *s, char *dst)
{
    const char *pn = proto_name(s->proto);
    if (s->key_absent & FST_KEY_ABSENT_PROTO)
        put(dst, NULL);
    else if ((s->key_absent & FST_KEY_ABSENT_PORTS) && !pn)
        snprintf(dst, FST_COST_VALUE_MAX, "?/%u", (unsigned)s->proto);
    else if (s->proto == FST_PROTO_ICMP || s->proto == FST_PROTO_ICMPV6 ||
             (s->key_absent & FST_KEY_ABSENT_PORTS))
        snprintf(dst, FST_COST_VALUE_MAX, "%s", pn);
    else if (pn)
        snprintf(dst, FST_COST_VALUE_MAX, "%u/%s", (unsigned)s->server_port, pn);
    else
        snprintf(dst, FST_COST_VALUE_MAX, "%u/%u", (unsigned)s->server_port, (unsigned)s->proto);
}

/* UTC hour ("2024-06-10T02") or day ("2024-06-10") of first_seen. */
static void when(const fst_session *s, int hour, char *dst)
{
    if (s->unknown & FST_SESSION_NO_TIMES) {
        put(dst, NULL);
        return;
    }
    const time_t t = (time_t)s->first_seen;
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        put(dst, NULL);
        return;
    }
    strftime(dst, FST_COST_VALUE_MAX, hour ? "%Y-%m-%dT%H" : "%Y-%m-%d", &tm);
}

static void addrs(const fst_session *s, char *dst)
{
    char a[FST_ADDR_STRLEN], b[FST_ADDR_STRLEN];
    fst_addr_format(&s->client_addr, a, sizeof a);
    fst_addr_format(&s->server_addr, b, sizeof b);
    snprintf(dst, FST_COST_VALUE_MAX, "%s->%s", a, b);
}

int fst__cost_key_per_side(int key)
{
    return key == FST_COST_KEY_ENI || key == FST_COST_KEY_VPC || key == FST_COST_KEY_SUBNET ||
           key == FST_COST_KEY_AZ || key == FST_COST_KEY_ACCOUNT;
}

void fst__cost_side_value(int key, const fst_session *s, int server, char *dst)
{
    put(dst, side_value(key, server ? &s->server_ctx : &s->client_ctx));
}

int fst_cost_key_values(int key, const fst_session *s, char vals[2][FST_COST_VALUE_MAX])
{
    switch (key) {
    case FST_COST_KEY_ENI: case FST_COST_KEY_VPC: case FST_COST_KEY_SUBNET:
    case FST_COST_KEY_AZ: case FST_COST_KEY_ACCOUNT:
        return per_side(key, s, vals);
    case FST_COST_KEY_AZ_PAIR: az_pair(s, vals[0]); break;
    case FST_COST_KEY_PAIR: addrs(s, vals[0]); break;
    case FST_COST_KEY_CLIENT: fst_addr_format(&s->client_addr, vals[0], FST_COST_VALUE_MAX); break;
    case FST_COST_KEY_SERVER: fst_addr_format(&s->server_addr, vals[0], FST_COST_VALUE_MAX); break;
    case FST_COST_KEY_SERVICE: service(s, vals[0]); break;
    case FST_COST_KEY_CLASS: put(vals[0], fst_traffic_class_name(s->traffic_class)); break;
    case FST_COST_KEY_AWS_SERVICE: put(vals[0], s->aws_service); break;
    case FST_COST_KEY_REGION: put(vals[0], s->region); break;
    case FST_COST_KEY_HOUR: when(s, 1, vals[0]); break;
    default: when(s, 0, vals[0]); break;
    }
    return 1;
}
