/* out/ocsf.c - OCSF Network Activity (class 4001): one JSON event per
 * session, one per line (docs/output.md "ocsf" maps every field).
 *
 * Sessions only.  Unknown values are left out, never written as guesses
 * (an endpoint's VPC, subnet, ENI; the cloud account and region).  Times
 * are milliseconds since the epoch as the schema's timestamp_t; with
 * --time-format iso the datetime profile's *_dt strings are added.
 */
#include <string.h>

#include "flowstitch/errors.h"
#include "flowstitch/version.h"
#include "out/connstate.h"
#include "out/columns.h"
#include "out/row.h"

/* The OCSF schema release the events follow (metadata.version): 1.8.0, the
 * newest release in ocsf/ocsf-schema's history (v1.8.0 prep, 2026-03-16;
 * main says 1.9.0-dev), whose required attributes tests/ocsf_check.py checks. */
#define OCSF_VERSION "1.8.0"
#define OCSF_CLASS_UID 4001
#define OCSF_CATEGORY_UID 4
/* type_uid = class_uid * 100 + activity_id */
#define OCSF_TYPE_BASE (OCSF_CLASS_UID * 100)
#define MS_PER_S 1000
/* AWS traffic-path 1..8 is OCSF boundary_id 4..11 (Same VPC ... Internet
 * Gateway): the two enumerations list the same paths in the same order. */
#define BOUNDARY_FROM_PATH 3
#define TRAFFIC_PATH_MAX 8

enum { ACT_CLOSE = 2, ACT_RESET = 3, ACT_REFUSE = 5, ACT_TRAFFIC = 6 };
enum { STATUS_UNKNOWN = 0, STATUS_SUCCESS = 1, STATUS_FAILURE = 2 };
enum { DIR_UNKNOWN = 0, DIR_INBOUND = 1, DIR_OUTBOUND = 2, DIR_LATERAL = 3 };
enum { ACTION_UNKNOWN = 0, ACTION_ALLOWED = 1, ACTION_DENIED = 2 };
#define SEVERITY_INFORMATIONAL 1

static const char *const activity_names[] = {
    [ACT_CLOSE] = "Close", [ACT_RESET] = "Reset", [ACT_REFUSE] = "Refuse",
    [ACT_TRAFFIC] = "Traffic"};
static const char *const direction_names[] = {"Unknown", "Inbound", "Outbound", "Lateral"};

/* Close (both FIN), Reset (an RST), Refuse (rejected), else Traffic. */
static int activity_id(const fst_session *s)
{
    switch (fst__session_conn_state(s)) {
    case FST__CS_SF:
        return ACT_CLOSE;
    case FST__CS_REJ:
        return ACT_REFUSE;
    case FST__CS_RSTO:
    case FST__CS_RSTR:
    case FST__CS_RSTOS0:
    case FST__CS_RSTRH:
        return ACT_RESET;
    default:
        return ACT_TRAFFIC;
    }
}

/* Inbound from the internet, outbound to it, lateral inside AWS. */
static int direction_id(const fst_session *s)
{
    switch (s->traffic_class) {
    case FST_CLASS_INTERNET_INGRESS:
        return DIR_INBOUND;
    case FST_CLASS_INTERNET_EGRESS:
    case FST_CLASS_NAT_GATEWAY:
        return DIR_OUTBOUND;
    case FST_CLASS_INTRA_AZ:
    case FST_CLASS_INTER_AZ:
    case FST_CLASS_INTER_VPC:
        return DIR_LATERAL;
    default:
        return DIR_UNKNOWN;
    }
}

static const char *proto_name(uint8_t proto)
{
    switch (proto) {
    case FST_PROTO_TCP:
        return "tcp";
    case FST_PROTO_UDP:
        return "udp";
    case FST_PROTO_ICMP:
        return "icmp";
    case FST_PROTO_ICMPV6:
        return "ipv6-icmp";
    default:
        return NULL;
    }
}

/* ,"key":"value" when value is known. */
static char *put_str_kv(char *p, const char *key, const char *v)
{
    if (!v)
        return p;
    *p++ = ',';
    p = fst__put_json_str(p, key, strlen(key));
    *p++ = ':';
    return fst__put_json_str(p, v, strlen(v));
}

static char *put_u64_kv(char *p, const char *key, uint64_t v)
{
    *p++ = ',';
    p = fst__put_json_str(p, key, strlen(key));
    *p++ = ':';
    return fst__put_u64(p, v);
}

static char *put_time_kv(char *p, const char *key, int64_t t, int iso)
{
    *p++ = ',';
    p = fst__put_json_str(p, key, strlen(key));
    *p++ = ':';
    p = fst__put_i64(p, t * MS_PER_S);
    if (!iso)
        return p;
    *p++ = ',';
    p = fst__put_json_str(p, key, strlen(key));
    p--; /* the closing quote: append "_dt" */
    p = FST__PUT_LIT(p, "_dt\":\"");
    p += fst__time_iso(p, t);
    *p++ = '"';
    return p;
}

static char *put_endpoint(char *p, const char *key, const fst_addr *a, uint16_t port, int ports,
                          const fst_side_context *c)
{
    *p++ = ',';
    p = fst__put_json_str(p, key, strlen(key));
    p = FST__PUT_LIT(p, ":{\"ip\":\"");
    p = fst__put_addr(p, a);
    *p++ = '"';
    if (ports)
        p = put_u64_kv(p, "port", port);
    p = put_str_kv(p, "interface_uid", c->eni);
    p = put_str_kv(p, "vpc_uid", c->vpc);
    p = put_str_kv(p, "subnet_uid", c->subnet);
    p = put_str_kv(p, "zone", c->az);
    *p++ = '}';
    return p;
}

static char *put_traffic(char *p, const fst_session *s)
{
    if (s->unknown & FST_SESSION_NO_COUNTS)
        return p;
    p = FST__PUT_LIT(p, ",\"traffic\":{\"bytes_out\":");
    p = fst__put_u64(p, s->c2s_bytes);
    p = put_u64_kv(p, "packets_out", s->c2s_packets);
    p = put_u64_kv(p, "bytes_in", s->s2c_bytes);
    p = put_u64_kv(p, "packets_in", s->s2c_packets);
    p = put_u64_kv(p, "bytes", s->c2s_bytes + s->s2c_bytes);
    p = put_u64_kv(p, "packets", s->c2s_packets + s->s2c_packets);
    *p++ = '}';
    return p;
}

static char *put_connection_info(char *p, const fst_session *s)
{
    const uint64_t ver = s->client_addr.family == 6 ? 6 : 4;
    if (s->key_absent & FST_KEY_ABSENT_PROTO) { /* no protocol_num: the records had none */
        p = FST__PUT_LIT(p, ",\"connection_info\":{\"protocol_ver_id\":");
        p = fst__put_u64(p, ver);
    } else {
        p = FST__PUT_LIT(p, ",\"connection_info\":{\"protocol_num\":");
        p = fst__put_u64(p, s->proto);
        p = put_str_kv(p, "protocol_name", proto_name(s->proto));
        p = put_u64_kv(p, "protocol_ver_id", ver);
    }
    const int dir = direction_id(s);
    p = put_u64_kv(p, "direction_id", (uint64_t)dir);
    p = put_str_kv(p, "direction", direction_names[dir]);
    if (s->traffic_path >= 1 && s->traffic_path <= TRAFFIC_PATH_MAX)
        p = put_u64_kv(p, "boundary_id", (uint64_t)s->traffic_path + BOUNDARY_FROM_PATH);
    if (s->proto == FST_PROTO_TCP && s->tcp_flags_c2s >= 0 && s->tcp_flags_s2c >= 0)
        p = put_u64_kv(p, "tcp_flags", (uint64_t)(s->tcp_flags_c2s | s->tcp_flags_s2c));
    p = put_str_kv(p, "community_uid", s->community_id[0] ? s->community_id : NULL);
    *p++ = '}';
    return p;
}

/* cloud: the account of the first side that has one, the region. */
static char *put_cloud(char *p, const fst_session *s)
{
    const char *acct = s->client_ctx.account ? s->client_ctx.account : s->server_ctx.account;
    p = FST__PUT_LIT(p, ",\"cloud\":{\"provider\":\"AWS\"");
    if (acct) {
        p = FST__PUT_LIT(p, ",\"account\":{\"uid\":");
        p = fst__put_json_str(p, acct, strlen(acct));
        *p++ = '}';
    }
    p = put_str_kv(p, "region", s->region);
    *p++ = '}';
    return p;
}

static char *put_metadata(char *p, int iso)
{
    p = FST__PUT_LIT(p, ",\"metadata\":{\"version\":\"" OCSF_VERSION "\",\"product\":{"
                        "\"name\":\"flowstitch\",\"vendor_name\":\"flowstitch\"");
    p = put_str_kv(p, "version", fst_version());
    p = iso ? FST__PUT_LIT(p, "},\"profiles\":[\"cloud\",\"security_control\",\"datetime\"]}")
            : FST__PUT_LIT(p, "},\"profiles\":[\"cloud\",\"security_control\"]}");
    return p;
}

/* flowstitch's own keys that OCSF has no attribute for. */
static char *put_unmapped(char *p, const fst_session *s)
{
    p = FST__PUT_LIT(p, ",\"unmapped\":{\"session_id\":");
    p = fst__put_u64(p, s->id);
    p = put_str_kv(p, "direction_basis", fst_direction_reason_name(s->basis));
    p = put_u64_kv(p, "records", s->records);
    p = FST__PUT_LIT(p, ",\"enis\":[");
    for (uint32_t i = 0; i < s->n_enis; i++) {
        if (i)
            *p++ = ',';
        p = s->enis[i] ? fst__put_json_str(p, s->enis[i], strlen(s->enis[i]))
                       : FST__PUT_LIT(p, "null");
    }
    *p++ = ']';
    p = s->incomplete ? FST__PUT_LIT(p, ",\"incomplete\":true") : p;
    p = s->nat_leg_of ? put_u64_kv(p, "nat_leg_of", s->nat_leg_of) : p;
    p = put_str_kv(p, "key_absent", fst_key_absent_name(s->key_absent));
    *p++ = '}';
    return p;
}

/* Bound on the text of s's strings once escaped. */
static size_t strings_bound(const fst_session *s)
{
    const fst_side_context *c[2] = {&s->client_ctx, &s->server_ctx};
    size_t n = s->region ? strlen(s->region) : 0;
    for (int i = 0; i < 2; i++) {
        const char *f[] = {c[i]->account, c[i]->vpc, c[i]->subnet, c[i]->az, c[i]->eni};
        for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
            n += f[k] ? strlen(f[k]) + 2 : 0;
    }
    for (uint32_t i = 0; i < s->n_enis; i++)
        n += (s->enis[i] ? strlen(s->enis[i]) : 4) + 3;
    return n * FST__JSON_GROWTH;
}

static char *put_status(char *p, const fst_session *s)
{
    const int status = s->action == FST_SACT_ACCEPT   ? STATUS_SUCCESS
                       : s->action == FST_SACT_REJECT ? STATUS_FAILURE
                                                      : STATUS_UNKNOWN;
    p = put_u64_kv(p, "status_id", (uint64_t)status);
    if (s->action == FST_SACT_ACCEPT || s->action == FST_SACT_REJECT) {
        const int allowed = s->action == FST_SACT_ACCEPT;
        p = put_u64_kv(p, "action_id", allowed ? ACTION_ALLOWED : ACTION_DENIED);
        p = put_str_kv(p, "action", allowed ? "Allowed" : "Denied");
    }
    return p;
}

static int session_row(fst_writer *w, const fst_session *s)
{
    char *p = fst__writer_reserve(w, 2 * FST__SESSION_ROW_FIXED + strings_bound(s));
    if (!p)
        return FST_ENOMEM;
    const int act = activity_id(s);
    p = FST__PUT_LIT(p, "{\"class_uid\":");
    p = fst__put_u64(p, OCSF_CLASS_UID);
    p = FST__PUT_LIT(p, ",\"class_name\":\"Network Activity\"");
    p = put_u64_kv(p, "category_uid", OCSF_CATEGORY_UID);
    p = FST__PUT_LIT(p, ",\"category_name\":\"Network Activity\"");
    p = put_u64_kv(p, "activity_id", (uint64_t)act);
    p = put_str_kv(p, "activity_name", activity_names[act]);
    p = put_u64_kv(p, "type_uid", (uint64_t)OCSF_TYPE_BASE + (uint64_t)act);
    p = FST__PUT_LIT(p, ",\"type_name\":\"Network Activity: ");
    p = fst__put(p, activity_names[act], strlen(activity_names[act]));
    *p++ = '"';
    p = put_u64_kv(p, "severity_id", SEVERITY_INFORMATIONAL);
    p = put_str_kv(p, "severity", "Informational");
    p = put_status(p, s);
    if (!(s->unknown & FST_SESSION_NO_TIMES)) {
        p = put_time_kv(p, "time", s->last_seen, w->time_iso);
        p = put_time_kv(p, "start_time", s->first_seen, w->time_iso);
        p = put_time_kv(p, "end_time", s->last_seen, w->time_iso);
        p = put_u64_kv(p, "duration", (uint64_t)(s->last_seen - s->first_seen) * MS_PER_S);
    } else {
        p = FST__PUT_LIT(p, ",\"time\":0"); /* required; the records had no times */
    }
    const int ports = (s->proto == FST_PROTO_TCP || s->proto == FST_PROTO_UDP ||
                       s->proto == FST_PROTO_SCTP || s->proto == FST_PROTO_DCCP) &&
                      !(s->key_absent & FST_KEY_ABSENT_PORTS);
    p = put_endpoint(p, "src_endpoint", &s->client_addr, s->client_port, ports, &s->client_ctx);
    p = put_endpoint(p, "dst_endpoint", &s->server_addr, s->server_port, ports, &s->server_ctx);
    p = put_traffic(p, s);
    p = put_connection_info(p, s);
    p = put_cloud(p, s);
    p = put_metadata(p, w->time_iso);
    p = put_unmapped(p, s);
    p = FST__PUT_LIT(p, "}\n");
    return fst__writer_emit(w, p);
}

const fst__format_ops fst__ocsf_ops = {
    .name = "ocsf",
    .session_row = session_row,
};
