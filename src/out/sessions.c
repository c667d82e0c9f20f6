/* out/sessions.c - the session writer: one fst_session per row.
 *
 * Columns (docs/output.md, fixed order):
 *   session_id proto client_addr client_port server_addr server_port
 *   first_seen last_seen c2s_packets c2s_bytes s2c_packets s2c_bytes
 *   tcp_flags_c2s tcp_flags_s2c direction_basis enis records action
 *   community_id incomplete nat_leg_of
 *
 * JSON Lines: one object per line, keys in that order, no spaces; numbers
 * are JSON numbers, enis an array of strings, incomplete a boolean.  null
 * for: tcp_flags_* = -1 (unknown), action 0 (no record had one),
 * community_id "" (unsupported flow), nat_leg_of 0 (not a NAT leg), an
 * address of family 0.
 * CSV/TSV: a header line with the names, then one line per session; enis
 * joined with ';'; null is the empty field; booleans "true"/"false".
 *
 * Names of the basis and action are taken from the X-macro / the list in
 * stitcher.h here rather than through the stitcher's functions, so the
 * writer does not depend on the session engine at link time.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "out/writer.h"
#include "util/util.h"

#define SESSION_COLUMNS(X)                                                    \
    X(session_id) X(proto) X(client_addr) X(client_port) X(server_addr)     \
    X(server_port) X(first_seen) X(last_seen) X(c2s_packets) X(c2s_bytes)   \
    X(s2c_packets) X(s2c_bytes) X(tcp_flags_c2s) X(tcp_flags_s2c)           \
    X(direction_basis) X(enis) X(records) X(action) X(community_id)         \
    X(incomplete) X(nat_leg_of)

static const char *basis_name(unsigned basis)
{
    static const char *const names[] = {
#define BASIS_NAME(id, name) name,
        FST_BASIS_MAP(BASIS_NAME)
#undef BASIS_NAME
    };
    return basis < FST__ARRAY_LEN(names) ? names[basis] : NULL;
}

static const char *action_name(unsigned action)
{
    switch (action) {
    case FST_SACT_ACCEPT: return "ACCEPT";
    case FST_SACT_REJECT: return "REJECT";
    case FST_SACT_MIXED: return "ACCEPT+REJECT";
    default: return NULL;
    }
}

/* ---- row text -------------------------------------------------------- *
 * A row is formatted into one buffer (integers and addresses by hand) and
 * written with a single fwrite: printf per field was most of the time spent
 * writing.  Bound on a row: FIXED_MAX for everything but the ENI names, plus
 * 6 bytes per name byte (JSON \u00XX escape) and 3 per name. */
#define FIXED_MAX 1024
#define ROW_STACK 4096

static char *put(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

#define PUT_LIT(p, lit) put((p), (lit), sizeof(lit) - 1)

static char *put_u64(char *p, uint64_t v)
{
    char t[20];
    size_t n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = t[--n];
    return p;
}

static char *put_i64(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return put_u64(p, (uint64_t)0 - (uint64_t)v);
    }
    return put_u64(p, (uint64_t)v);
}

static char *put_addr(char *p, const fst_addr *a)
{
    return p + fst_addr_format(a, p, FST_ADDR_STRLEN);
}

static int addr_ok(const fst_addr *a) { return a->family == 4 || a->family == 6; }

/* JSON string with quotes (same escapes as fst__json_str). */
static char *put_json_str(char *p, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    *p++ = '"';
    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = (char)c;
        } else if (c < 0x20) {
            p = PUT_LIT(p, "\\u00");
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        } else {
            *p++ = (char)c;
        }
    }
    *p++ = '"';
    return p;
}

static char *put_json_text_or_null(char *p, const char *s)
{
    if (s && *s)
        return put_json_str(p, s, strlen(s));
    return PUT_LIT(p, "null");
}

/* One CSV field (quoted when needed) or TSV field (same rules as
 * fst__sv_field). */
static char *put_sv(char *p, const fst_writer *w, const char *s, size_t len)
{
    if (w->fmt == FST_OUT_TSV) {
        for (size_t i = 0; i < len; i++) {
            const char c = s[i];
            *p++ = c == '\t' || c == '\n' || c == '\r' ? ' ' : c;
        }
        return p;
    }
    int quote = 0;
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote)
        return put(p, s, len);
    *p++ = '"';
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            *p++ = '"';
        *p++ = s[i];
    }
    *p++ = '"';
    return p;
}

static char *put_sv_text(char *p, const fst_writer *w, const char *s)
{
    return s ? put_sv(p, w, s, strlen(s)) : p;
}

/* Buffer for one row: the stack one, or a heap one for long ENI lists. */
static char *row_buf(const fst_session *s, char *stack, size_t *cap)
{
    size_t need = FIXED_MAX;
    for (uint32_t i = 0; i < s->n_enis; i++)
        need += (s->enis[i] ? 6 * strlen(s->enis[i]) : 0) + 3;
    if (need <= *cap)
        return stack;
    *cap = need;
    return fst__malloc(need);
}

static int row_out(fst_writer *w, char *buf, const char *end, const char *stack)
{
    const size_t n = (size_t)(end - buf);
    const int ok = fwrite(buf, 1, n, w->f) == n;
    if (buf != stack)
        fst__free(buf);
    return ok ? 0 : FST_EIO;
}

/* ---- JSON Lines ------------------------------------------------------- */

static char *json_addr(char *p, const fst_addr *a)
{
    if (!addr_ok(a))
        return PUT_LIT(p, "null");
    *p++ = '"';
    p = put_addr(p, a);
    *p++ = '"';
    return p;
}

static char *json_flags(char *p, int16_t flags)
{
    return flags < 0 ? PUT_LIT(p, "null") : put_i64(p, flags);
}

/* A time, epoch or ISO 8601 (quoted in JSON) as the writer was set. */
static char *put_time(char *p, const fst_writer *w, int64_t t, int json)
{
    if (!w->time_iso)
        return put_i64(p, t);
    if (json)
        *p++ = '"';
    p += fst__time_iso(p, t);
    if (json)
        *p++ = '"';
    return p;
}

static char *json_u64_or_null(char *p, uint64_t v, int missing)
{
    return missing ? PUT_LIT(p, "null") : put_u64(p, v);
}

static int json_row(fst_writer *w, const void *item)
{
    const fst_session *s = item;
    char stack[ROW_STACK];
    size_t cap = sizeof stack;
    char *buf = row_buf(s, stack, &cap), *p = buf;
    if (!buf)
        return FST_ENOMEM;
    p = PUT_LIT(p, "{\"session_id\":");
    p = put_u64(p, s->id);
    p = PUT_LIT(p, ",\"proto\":");
    p = put_u64(p, s->proto);
    p = PUT_LIT(p, ",\"client_addr\":");
    p = json_addr(p, &s->client_addr);
    p = PUT_LIT(p, ",\"client_port\":");
    p = put_u64(p, s->client_port);
    p = PUT_LIT(p, ",\"server_addr\":");
    p = json_addr(p, &s->server_addr);
    p = PUT_LIT(p, ",\"server_port\":");
    p = put_u64(p, s->server_port);
    const int nt = s->unknown & FST_SESSION_NO_TIMES, nc = s->unknown & FST_SESSION_NO_COUNTS;
    p = PUT_LIT(p, ",\"first_seen\":");
    p = nt ? PUT_LIT(p, "null") : put_time(p, w, s->first_seen, 1);
    p = PUT_LIT(p, ",\"last_seen\":");
    p = nt ? PUT_LIT(p, "null") : put_time(p, w, s->last_seen, 1);
    p = PUT_LIT(p, ",\"c2s_packets\":");
    p = json_u64_or_null(p, s->c2s_packets, nc);
    p = PUT_LIT(p, ",\"c2s_bytes\":");
    p = json_u64_or_null(p, s->c2s_bytes, nc);
    p = PUT_LIT(p, ",\"s2c_packets\":");
    p = json_u64_or_null(p, s->s2c_packets, nc);
    p = PUT_LIT(p, ",\"s2c_bytes\":");
    p = json_u64_or_null(p, s->s2c_bytes, nc);
    p = PUT_LIT(p, ",\"tcp_flags_c2s\":");
    p = json_flags(p, s->tcp_flags_c2s);
    p = PUT_LIT(p, ",\"tcp_flags_s2c\":");
    p = json_flags(p, s->tcp_flags_s2c);
    p = PUT_LIT(p, ",\"direction_basis\":");
    p = put_json_text_or_null(p, basis_name(s->basis));
    p = PUT_LIT(p, ",\"enis\":[");
    for (uint32_t i = 0; i < s->n_enis; i++) {
        if (i)
            *p++ = ',';
        p = put_json_text_or_null(p, s->enis[i]);
    }
    p = PUT_LIT(p, "],\"records\":");
    p = put_u64(p, s->records);
    p = PUT_LIT(p, ",\"action\":");
    p = put_json_text_or_null(p, action_name(s->action));
    p = PUT_LIT(p, ",\"community_id\":");
    p = put_json_text_or_null(p, s->community_id);
    p = PUT_LIT(p, ",\"incomplete\":");
    p = s->incomplete ? PUT_LIT(p, "true") : PUT_LIT(p, "false");
    p = PUT_LIT(p, ",\"nat_leg_of\":");
    p = s->nat_leg_of ? put_u64(p, s->nat_leg_of) : PUT_LIT(p, "null");
    p = PUT_LIT(p, "}\n");
    return row_out(w, buf, p, stack);
}

/* ---- CSV / TSV -------------------------------------------------------- */

/* Separator before every column but the first. */
static void sv_sep(fst_writer *w, int first)
{
    if (!first)
        putc(fst__writer_sep(w), w->f);
}

static int sv_row(fst_writer *w, const void *item)
{
    const fst_session *s = item;
    const char sep = fst__writer_sep(w);
    char stack[ROW_STACK];
    size_t cap = sizeof stack;
    char *buf = row_buf(s, stack, &cap), *p = buf;
    if (!buf)
        return FST_ENOMEM;
    p = put_u64(p, s->id);
    *p++ = sep;
    p = put_u64(p, s->proto);
    *p++ = sep;
    if (addr_ok(&s->client_addr))
        p = put_addr(p, &s->client_addr);
    *p++ = sep;
    p = put_u64(p, s->client_port);
    *p++ = sep;
    if (addr_ok(&s->server_addr))
        p = put_addr(p, &s->server_addr);
    *p++ = sep;
    p = put_u64(p, s->server_port);
    *p++ = sep;
    /* a time or count the format did not carry: an empty field */
    const int nt = s->unknown & FST_SESSION_NO_TIMES, nc = s->unknown & FST_SESSION_NO_COUNTS;
    if (!nt)
        p = put_time(p, w, s->first_seen, 0);
    *p++ = sep;
    if (!nt)
        p = put_time(p, w, s->last_seen, 0);
    *p++ = sep;
    const uint64_t counts[4] = {s->c2s_packets, s->c2s_bytes, s->s2c_packets, s->s2c_bytes};
    for (int i = 0; i < 4; i++) {
        if (!nc)
            p = put_u64(p, counts[i]);
        *p++ = sep;
    }
    if (s->tcp_flags_c2s >= 0)
        p = put_i64(p, s->tcp_flags_c2s);
    *p++ = sep;
    if (s->tcp_flags_s2c >= 0)
        p = put_i64(p, s->tcp_flags_s2c);
    *p++ = sep;
    p = put_sv_text(p, w, basis_name(s->basis));
    *p++ = sep;
    if (s->n_enis) {
        /* joined with ';' as one field, quoted as a whole when needed; the
         * joined text sits at the end of the buffer, where the quoted copy
         * written before it cannot reach (cap > row + 2 x joined) */
        size_t n = s->n_enis - 1;
        for (uint32_t i = 0; i < s->n_enis; i++)
            n += s->enis[i] ? strlen(s->enis[i]) : 0;
        char *joined = buf + cap - n, *q = joined;
        for (uint32_t i = 0; i < s->n_enis; i++) {
            if (i)
                *q++ = ';';
            if (s->enis[i])
                q = put(q, s->enis[i], strlen(s->enis[i]));
        }
        p = put_sv(p, w, joined, n);
    }
    *p++ = sep;
    p = put_u64(p, s->records);
    *p++ = sep;
    p = put_sv_text(p, w, action_name(s->action));
    *p++ = sep;
    p = put_sv_text(p, w, s->community_id);
    *p++ = sep;
    p = s->incomplete ? PUT_LIT(p, "true") : PUT_LIT(p, "false");
    *p++ = sep;
    if (s->nat_leg_of)
        p = put_u64(p, s->nat_leg_of);
    *p++ = '\n';
    return row_out(w, buf, p, stack);
}

static void sv_header(fst_writer *w)
{
    int first = 1;
#define HEADER_COL(name)                                                      \
    sv_sep(w, first);                                                         \
    fputs(#name, w->f);                                                       \
    first = 0;
    SESSION_COLUMNS(HEADER_COL)
#undef HEADER_COL
    putc('\n', w->f);
}

static const fst__writer_ops json_ops = {json_row, NULL};
static const fst__writer_ops sv_ops = {sv_row, NULL};

fst_writer *fst_session_writer_open(FILE *f, fst_out_format fmt)
{
    fst_writer *w = fst__writer_new(f, fmt, fmt == FST_OUT_JSONL ? &json_ops : &sv_ops);
    if (!w)
        return NULL;
    if (fmt != FST_OUT_JSONL) {
        sv_header(w);
        if (ferror(f))
            w->failed = 1;
    }
    return w;
}

int fst_session_writer_write(fst_writer *w, const fst_session *s)
{
    if (!w || !s)
        return FST_EINVAL;
    const int rc = w->ops->row(w, s);
    if (rc < 0 || ferror(w->f))
        w->failed = 1;
    if (w->failed)
        return rc < 0 ? rc : FST_EIO;
    w->rows++;
    return 0;
}
