/* out/columns.c - sessions and records as typed cells: the null rules of
 * docs/output.md, written once for every format. */
#include "out/columns.h"

#include <string.h>

#include "out/row.h"
#include "util/util.h"

const char *const fst__session_column_names[FST__SCOL_COUNT] = {
#define FST__SCOL_NAME(name) #name,
    FST__SESSION_COLUMNS(FST__SCOL_NAME)
#undef FST__SCOL_NAME
};

static fst__cell cell_u64(uint64_t v) { return (fst__cell){.type = FST__CELL_U64, .v.u = v}; }
static fst__cell cell_i64(int64_t v) { return (fst__cell){.type = FST__CELL_I64, .v.i = v}; }
static fst__cell cell_null(void) { return (fst__cell){.type = FST__CELL_NULL}; }
static fst__cell cell_time(int64_t v) { return (fst__cell){.type = FST__CELL_TIME, .v.i = v}; }

/* An address of family 0 (none) is null. */
static fst__cell cell_addr(const fst_addr *a)
{
    if (a->family != 4 && a->family != 6)
        return cell_null();
    return (fst__cell){.type = FST__CELL_ADDR, .v.addr = a};
}

static fst__cell cell_text(const char *s, size_t len)
{
    return (fst__cell){.type = FST__CELL_TEXT, .v.text = {s, len}};
}

/* A name that is absent, empty, or the name tables' "bad value" mark is
 * null. */
static fst__cell cell_name(const char *s, const char *none)
{
    if (!s || !*s || (none && !strcmp(s, none)))
        return cell_null();
    return cell_text(s, strlen(s));
}

/* A time or count the records' format did not carry is null. */
static fst__cell cell_time_known(int64_t v, int missing) { return missing ? cell_null() : cell_time(v); }
static fst__cell cell_u64_known(uint64_t v, int missing) { return missing ? cell_null() : cell_u64(v); }

/* Bytes around one text item at most: "null," (JSON) or '"' '"' ','. */
#define ITEM_PUNCT 5

/* An absent or empty context string is null; returns its length. */
static size_t cell_ctx(fst__cell *c, const char *s)
{
    *c = cell_name(s, NULL);
    return c->type == FST__CELL_NULL ? 0 : c->v.text.len;
}

/* The context columns (client_account .. aws_service); returns the length
 * of their text. */
static size_t context_cells(const fst_session *s, fst__cell *c)
{
    size_t n = cell_ctx(&c[FST__SCOL_client_account], s->client_ctx.account);
    n += cell_ctx(&c[FST__SCOL_client_vpc], s->client_ctx.vpc);
    n += cell_ctx(&c[FST__SCOL_client_subnet], s->client_ctx.subnet);
    n += cell_ctx(&c[FST__SCOL_client_az], s->client_ctx.az);
    n += cell_ctx(&c[FST__SCOL_client_eni], s->client_ctx.eni);
    n += cell_ctx(&c[FST__SCOL_server_account], s->server_ctx.account);
    n += cell_ctx(&c[FST__SCOL_server_vpc], s->server_ctx.vpc);
    n += cell_ctx(&c[FST__SCOL_server_subnet], s->server_ctx.subnet);
    n += cell_ctx(&c[FST__SCOL_server_az], s->server_ctx.az);
    n += cell_ctx(&c[FST__SCOL_server_eni], s->server_ctx.eni);
    n += cell_ctx(&c[FST__SCOL_region], s->region);
    /* never null: a bad value is "unknown" */
    const char *cls = fst_traffic_class_name(s->traffic_class);
    n += cell_ctx(&c[FST__SCOL_traffic_class],
                  strcmp(cls, "?") ? cls : fst_traffic_class_name(FST_CLASS_UNKNOWN));
    c[FST__SCOL_traffic_path] = s->traffic_path ? cell_u64(s->traffic_path) : cell_null();
    return n + cell_ctx(&c[FST__SCOL_aws_service], s->aws_service);
}

/* Text cells among the context columns (all but traffic_path). */
#define CONTEXT_TEXT_CELLS 13

size_t fst__session_cells(const fst_session *s, fst__cell *c)
{
    const int nt = s->unknown & FST_SESSION_NO_TIMES, nc = s->unknown & FST_SESSION_NO_COUNTS;
    c[FST__SCOL_session_id] = cell_u64(s->id);
    /* key parts the records did not carry are null (key_absent says which) */
    const int np = s->key_absent & FST_KEY_ABSENT_PORTS;
    c[FST__SCOL_proto] = cell_u64_known(s->proto, s->key_absent & FST_KEY_ABSENT_PROTO);
    c[FST__SCOL_client_addr] = cell_addr(&s->client_addr);
    c[FST__SCOL_client_port] = cell_u64_known(s->client_port, np);
    c[FST__SCOL_server_addr] = cell_addr(&s->server_addr);
    c[FST__SCOL_server_port] = cell_u64_known(s->server_port, np);
    c[FST__SCOL_first_seen] = cell_time_known(s->first_seen, nt);
    c[FST__SCOL_last_seen] = cell_time_known(s->last_seen, nt);
    c[FST__SCOL_c2s_packets] = cell_u64_known(s->c2s_packets, nc);
    c[FST__SCOL_c2s_bytes] = cell_u64_known(s->c2s_bytes, nc);
    c[FST__SCOL_s2c_packets] = cell_u64_known(s->s2c_packets, nc);
    c[FST__SCOL_s2c_bytes] = cell_u64_known(s->s2c_bytes, nc);
    c[FST__SCOL_tcp_flags_c2s] = s->tcp_flags_c2s < 0 ? cell_null() : cell_i64(s->tcp_flags_c2s);
    c[FST__SCOL_tcp_flags_s2c] = s->tcp_flags_s2c < 0 ? cell_null() : cell_i64(s->tcp_flags_s2c);
    /* the name tables say "?" for a bad basis and "-" for no action */
    c[FST__SCOL_direction_basis] = cell_name(fst_direction_reason_name(s->basis), "?");
    c[FST__SCOL_enis] = (fst__cell){.type = FST__CELL_LIST, .v.list = {s->enis, s->n_enis}};
    c[FST__SCOL_records] = cell_u64(s->records);
    c[FST__SCOL_action] = cell_name(fst_session_action_name(s->action), "-");
    c[FST__SCOL_community_id] = cell_name(s->community_id, NULL);
    c[FST__SCOL_incomplete] = (fst__cell){.type = FST__CELL_BOOL, .v.b = s->incomplete != 0};
    c[FST__SCOL_nat_leg_of] = s->nat_leg_of ? cell_u64(s->nat_leg_of) : cell_null();
    c[FST__SCOL_split_basis] = cell_name(fst_split_basis_name(s->split_basis), "?");
    c[FST__SCOL_open_at_start] = (fst__cell){.type = FST__CELL_BOOL, .v.b = s->open_at_start != 0};
    c[FST__SCOL_open_at_end] = (fst__cell){.type = FST__CELL_BOOL, .v.b = s->open_at_end != 0};
    c[FST__SCOL_key_absent] = cell_name(fst_key_absent_name(s->key_absent), NULL);
    /* community id, basis, action, split basis and key_absent (< 32 bytes
     * each) and the ENI names, escaped; per item its quotes and separator,
     * or "null," */
    size_t text = 5 * 32 + context_cells(s, c);
    for (uint32_t i = 0; i < s->n_enis; i++)
        text += (s->enis[i] ? strlen(s->enis[i]) : 0);
    return FST__JSON_GROWTH * text + ITEM_PUNCT * (s->n_enis + 5 + CONTEXT_TEXT_CELLS);
}

/* ---- records ---------------------------------------------------------- */

static const char *const action_names[] = {"-", "ACCEPT", "REJECT"};
static const char *const status_names[] = {"-", "OK", "NODATA", "SKIPDATA"};
static const char *const dir_names[] = {"-", "ingress", "egress"};
static const char *const iptype_names[] = {"-", "IPv4", "IPv6", "EFA"};

/* Text of an enumerated record field value, "-" when out of range. */
static const char *enum_text(int type, uint64_t v)
{
    switch (type) {
    case FST_T_ACTION:
        return v < FST__ARRAY_LEN(action_names) ? action_names[v] : "-";
    case FST_T_STATUS:
        return v < FST__ARRAY_LEN(status_names) ? status_names[v] : "-";
    case FST_T_DIR:
        return v < FST__ARRAY_LEN(dir_names) ? dir_names[v] : "-";
    case FST_T_IPTYPE:
        return v < FST__ARRAY_LEN(iptype_names) ? iptype_names[v] : "-";
    default:
        return "-";
    }
}

const char *fst__record_enum_text(int type, uint64_t v)
{
    return enum_text(type, v);
}

/* Is column i of rec a '-' (null) value? */
static int col_is_null(const fst_record *rec, int i)
{
    const int id = rec->format->ids[i];
    if (id != FST_F_UNKNOWN)
        return FST_FIELDSET_HAS(rec->dash, id) != 0;
    return rec->cols[i].len == 1 && rec->cols[i].ptr[0] == '-';
}

fst__cell fst__record_cell(const fst_record *rec, int i)
{
    if (col_is_null(rec, i))
        return cell_null();
    const int id = rec->format->ids[i];
    const int type = id == FST_F_UNKNOWN ? FST_T_TEXT : fst_field_type(id);
    switch (type) {
    case FST_T_TIME:
        return rec->num[id] <= INT64_MAX ? cell_time((int64_t)rec->num[id]) : cell_u64(rec->num[id]);
    case FST_T_UINT: case FST_T_PORT: case FST_T_PROTO:
    case FST_T_FLAGS: case FST_T_SMALL:
        return cell_u64(rec->num[id]);
    case FST_T_ADDR:
        /* a record's address is written whatever its family */
        return (fst__cell){.type = FST__CELL_ADDR, .v.addr = &rec->addr[fst_field_addr_slot(id)]};
    case FST_T_ACTION: case FST_T_STATUS: case FST_T_DIR: case FST_T_IPTYPE: {
        const char *s = enum_text(type, rec->num[id]);
        return cell_text(s, strlen(s));
    }
    default:
        return cell_text(rec->cols[i].ptr, rec->cols[i].len);
    }
}

char *fst__put_record_key(char *p, const fst_record *rec, int i)
{
    for (const char *c = rec->format->names[i]; *c; c++)
        *p++ = *c == '-' ? '_' : *c;
    return p;
}

/* Per column beyond its key and escaped token: quotes, separators, a
 * number or an address (FST_ADDR_STRLEN) in place of a short token. */
#define RECORD_COL_SLACK 64

size_t fst__record_row_bound(const fst_record *rec)
{
    size_t n = 4;
    for (int i = 0; i < rec->format->ncols; i++)
        n += 2 * strlen(rec->format->names[i]) + FST__JSON_GROWTH * rec->cols[i].len +
             RECORD_COL_SLACK;
    return n;
}
