/* out/zeek.c - Zeek conn.log, as Zeek's ASCII writer writes it: the '#'
 * header (separator, fields, types), one tab-separated line per session,
 * a '#close' line (docs/output.md "zeek").
 *
 * Sessions only.  Unknown values are Zeek's unset field "-".  The header
 * is written before the first row (its #open is that row's ts), or at
 * close when there is none; #close is the latest last_seen written.  Both
 * come from the data, so the output is the same on every run.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "flowstitch/errors.h"
#include "out/connstate.h"
#include "out/columns.h"
#include "out/row.h"
#include "util/sha1.h"
#include "util/util.h"

#define ZEEK_UNSET "-"
/* Zeek's #open/#close time format. */
#define ZEEK_DATE_FMT "%Y-%m-%d-%H-%M-%S"
#define ZEEK_DATE_MAX 32
/* uid: "C" + two base62 numbers (64 and 32 bits of a SHA-1), fixed width. */
#define UID_HI_DIGITS 11
#define UID_LO_DIGITS 6
#define BASE62 62

/* Field names and Zeek types, in column order. */
#define ZEEK_FIELDS(X)                                                          \
    X("ts", "time") X("uid", "string") X("id.orig_h", "addr")                 \
    X("id.orig_p", "port") X("id.resp_h", "addr") X("id.resp_p", "port")      \
    X("proto", "enum") X("service", "string") X("duration", "interval")       \
    X("orig_bytes", "count") X("resp_bytes", "count")                         \
    X("conn_state", "string") X("local_orig", "bool") X("local_resp", "bool") \
    X("missed_bytes", "count") X("history", "string") X("orig_pkts", "count") \
    X("orig_ip_bytes", "count") X("resp_pkts", "count")                       \
    X("resp_ip_bytes", "count") X("tunnel_parents", "set[string]")            \
    X("community_id", "string")

typedef struct zeek_state {
    int header_done;
    int have_close;
    int64_t close_t; /* latest last_seen of the rows written */
} zeek_state;

static size_t zeek_date(char *buf, int64_t t)
{
    const time_t tt = (time_t)t;
    struct tm tm;
    if ((int64_t)tt != t || !gmtime_r(&tt, &tm))
        return 0;
    return strftime(buf, ZEEK_DATE_MAX, ZEEK_DATE_FMT, &tm);
}

static char *put_date_line(char *p, const char *key, int64_t t)
{
    char d[ZEEK_DATE_MAX];
    const size_t n = zeek_date(d, t);
    p = fst__put(p, key, strlen(key));
    *p++ = '\t';
    p = fst__put(p, d, n);
    *p++ = '\n';
    return p;
}

static int write_header(fst_writer *w, int64_t open_t)
{
    static const char *const fields[] = {
#define ZEEK_NAME(name, type) name,
        ZEEK_FIELDS(ZEEK_NAME)
#undef ZEEK_NAME
    };
    static const char *const types[] = {
#define ZEEK_TYPE(name, type) type,
        ZEEK_FIELDS(ZEEK_TYPE)
#undef ZEEK_TYPE
    };
    char *p = fst__writer_reserve(w, FST__SESSION_ROW_FIXED);
    if (!p)
        return FST_ENOMEM;
    p = FST__PUT_LIT(p, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
                        "#unset_field\t-\n#path\tconn\n");
    p = put_date_line(p, "#open", open_t);
    p = FST__PUT_LIT(p, "#fields");
    for (size_t i = 0; i < FST__ARRAY_LEN(fields); i++) {
        *p++ = '\t';
        p = fst__put(p, fields[i], strlen(fields[i]));
    }
    p = FST__PUT_LIT(p, "\n#types");
    for (size_t i = 0; i < FST__ARRAY_LEN(types); i++) {
        *p++ = '\t';
        p = fst__put(p, types[i], strlen(types[i]));
    }
    *p++ = '\n';
    ((zeek_state *)w->state)->header_done = 1;
    return fst__writer_emit(w, p);
}

static char *put_base62(char *p, uint64_t v, int digits)
{
    static const char alphabet[] =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    for (int i = digits - 1; i >= 0; i--) {
        p[i] = alphabet[v % BASE62];
        v /= BASE62;
    }
    return p + digits;
}

/* uid: SHA-1 over proto, client addr/port, server addr/port, first_seen
 * (the session's identity; stable across runs and input order). */
static char *put_uid(char *p, const fst_session *s)
{
    uint8_t buf[1 + 2 * (sizeof s->client_addr.b + 2) + 8], d[FST__SHA1_DIGEST_LEN];
    size_t n = 0;
    buf[n++] = s->proto;
    memcpy(buf + n, s->client_addr.b, sizeof s->client_addr.b);
    n += sizeof s->client_addr.b;
    buf[n++] = (uint8_t)(s->client_port >> 8);
    buf[n++] = (uint8_t)s->client_port;
    memcpy(buf + n, s->server_addr.b, sizeof s->server_addr.b);
    n += sizeof s->server_addr.b;
    buf[n++] = (uint8_t)(s->server_port >> 8);
    buf[n++] = (uint8_t)s->server_port;
    for (int i = 7; i >= 0; i--)
        buf[n++] = (uint8_t)((uint64_t)s->first_seen >> (8 * i));
    fst__sha1(buf, n, d, 0);
    uint64_t hi = 0, lo = 0;
    for (int i = 0; i < 8; i++)
        hi = hi << 8 | d[i];
    for (int i = 8; i < 12; i++)
        lo = lo << 8 | d[i];
    *p++ = 'C';
    p = put_base62(p, hi, UID_HI_DIGITS);
    return put_base62(p, lo, UID_LO_DIGITS);
}

static const char *proto_name(uint8_t proto)
{
    switch (proto) {
    case FST_PROTO_TCP:
        return "tcp";
    case FST_PROTO_UDP:
        return "udp";
    case FST_PROTO_ICMP:
    case FST_PROTO_ICMPV6:
        return "icmp";
    default:
        return "unknown_transport";
    }
}

/* Zeek time / interval: seconds with six decimals (flow logs have whole
 * seconds). */
static char *put_secs(char *p, int64_t t)
{
    p = fst__put_i64(p, t);
    return FST__PUT_LIT(p, ".000000");
}

/* local_*: T when the side is inside the logged VPCs (its ENI or VPC is
 * known), else unset. */
static char *put_local(char *p, const fst_side_context *c)
{
    return (c->eni || c->vpc) ? FST__PUT_LIT(p, "T") : FST__PUT_LIT(p, ZEEK_UNSET);
}

static char *put_count(char *p, uint64_t v, int known)
{
    return known ? fst__put_u64(p, v) : FST__PUT_LIT(p, ZEEK_UNSET);
}

#define TAB(p) (*(p)++ = '\t')

static int session_row(fst_writer *w, const fst_session *s)
{
    zeek_state *st = w->state;
    if (!st)
        return FST_ENOMEM;
    const int times = !(s->unknown & FST_SESSION_NO_TIMES);
    const int counts = !(s->unknown & FST_SESSION_NO_COUNTS);
    if (!st->header_done && write_header(w, times ? s->first_seen : 0) < 0)
        return FST_EIO;
    if (times && (!st->have_close || s->last_seen > st->close_t)) {
        st->close_t = s->last_seen;
        st->have_close = 1;
    }
    char *p = fst__writer_reserve(w, FST__SESSION_ROW_FIXED);
    if (!p)
        return FST_ENOMEM;
    p = times ? put_secs(p, s->first_seen) : FST__PUT_LIT(p, ZEEK_UNSET);
    TAB(p), p = put_uid(p, s);
    TAB(p), p = fst__put_addr(p, &s->client_addr);
    /* key parts the records did not carry: ports unset, proto unknown_transport */
    const int ports = !(s->key_absent & FST_KEY_ABSENT_PORTS);
    const char *proto = s->key_absent & FST_KEY_ABSENT_PROTO ? "unknown_transport" : proto_name(s->proto);
    TAB(p), p = put_count(p, s->client_port, ports);
    TAB(p), p = fst__put_addr(p, &s->server_addr);
    TAB(p), p = put_count(p, s->server_port, ports);
    TAB(p), p = fst__put(p, proto, strlen(proto));
    TAB(p), p = FST__PUT_LIT(p, ZEEK_UNSET); /* service: no payload */
    TAB(p), p = times ? put_secs(p, s->last_seen - s->first_seen) : FST__PUT_LIT(p, ZEEK_UNSET);
    /* orig_bytes/resp_bytes are payload bytes: not in flow logs */
    TAB(p), p = FST__PUT_LIT(p, ZEEK_UNSET "\t" ZEEK_UNSET);
    const char *cs = fst__conn_state_name(fst__session_conn_state(s));
    TAB(p), p = fst__put(p, cs, strlen(cs));
    TAB(p), p = put_local(p, &s->client_ctx);
    TAB(p), p = put_local(p, &s->server_ctx);
    /* missed_bytes, history: need packets */
    TAB(p), p = FST__PUT_LIT(p, ZEEK_UNSET "\t" ZEEK_UNSET);
    TAB(p), p = put_count(p, s->c2s_packets, counts);
    TAB(p), p = put_count(p, s->c2s_bytes, counts);
    TAB(p), p = put_count(p, s->s2c_packets, counts);
    TAB(p), p = put_count(p, s->s2c_bytes, counts);
    TAB(p), p = FST__PUT_LIT(p, ZEEK_UNSET); /* tunnel_parents */
    TAB(p), p = s->community_id[0] ? fst__put(p, s->community_id, strlen(s->community_id))
                                   : FST__PUT_LIT(p, ZEEK_UNSET);
    *p++ = '\n';
    return fst__writer_emit(w, p);
}

static int zeek_begin(fst_writer *w)
{
    w->state = fst__calloc(1, sizeof(zeek_state));
    return w->state ? 0 : FST_ENOMEM;
}

static void zeek_end(fst_writer *w)
{
    zeek_state *st = w->state;
    if (!st)
        return;
    if (!st->header_done && write_header(w, 0) < 0)
        w->failed = 1;
    char *p = fst__writer_reserve(w, ZEEK_DATE_MAX * 2);
    if (p) {
        p = put_date_line(p, "#close", st->have_close ? st->close_t : 0);
        fst__writer_emit(w, p);
    } else {
        w->failed = 1;
    }
    fst__free(st);
    w->state = NULL;
}

const fst__format_ops fst__zeek_ops = {
    .name = "zeek",
    .aliases = {"zeek-conn", NULL},
    .begin = zeek_begin,
    .session_row = session_row,
    .end = zeek_end,
};
