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

/* ---- JSON Lines ------------------------------------------------------- */

static void json_key(FILE *f, const char *key, int first)
{
    if (!first)
        putc(',', f);
    putc('"', f);
    fputs(key, f);
    fputs("\":", f);
}

static void json_text_or_null(FILE *f, const char *s)
{
    if (s && *s)
        fst__json_str(f, s, strlen(s));
    else
        fputs("null", f);
}

static void json_addr(FILE *f, const fst_addr *a)
{
    if (a->family != 4 && a->family != 6) {
        fputs("null", f);
        return;
    }
    putc('"', f);
    fst__addr_out(f, a);
    putc('"', f);
}

static void json_flags(FILE *f, int16_t flags)
{
    if (flags < 0)
        fputs("null", f);
    else
        fprintf(f, "%d", (int)flags);
}

static void json_enis(FILE *f, const fst_session *s)
{
    putc('[', f);
    for (uint32_t i = 0; i < s->n_enis; i++) {
        if (i)
            putc(',', f);
        json_text_or_null(f, s->enis[i]);
    }
    putc(']', f);
}

static int json_row(fst_writer *w, const void *item)
{
    const fst_session *s = item;
    FILE *f = w->f;
    putc('{', f);
    json_key(f, "session_id", 1);
    fprintf(f, "%" PRIu64, s->id);
    json_key(f, "proto", 0);
    fprintf(f, "%u", (unsigned)s->proto);
    json_key(f, "client_addr", 0);
    json_addr(f, &s->client_addr);
    json_key(f, "client_port", 0);
    fprintf(f, "%u", (unsigned)s->client_port);
    json_key(f, "server_addr", 0);
    json_addr(f, &s->server_addr);
    json_key(f, "server_port", 0);
    fprintf(f, "%u", (unsigned)s->server_port);
    json_key(f, "first_seen", 0);
    fprintf(f, "%" PRId64, s->first_seen);
    json_key(f, "last_seen", 0);
    fprintf(f, "%" PRId64, s->last_seen);
    json_key(f, "c2s_packets", 0);
    fprintf(f, "%" PRIu64, s->c2s_packets);
    json_key(f, "c2s_bytes", 0);
    fprintf(f, "%" PRIu64, s->c2s_bytes);
    json_key(f, "s2c_packets", 0);
    fprintf(f, "%" PRIu64, s->s2c_packets);
    json_key(f, "s2c_bytes", 0);
    fprintf(f, "%" PRIu64, s->s2c_bytes);
    json_key(f, "tcp_flags_c2s", 0);
    json_flags(f, s->tcp_flags_c2s);
    json_key(f, "tcp_flags_s2c", 0);
    json_flags(f, s->tcp_flags_s2c);
    json_key(f, "direction_basis", 0);
    json_text_or_null(f, basis_name(s->basis));
    json_key(f, "enis", 0);
    json_enis(f, s);
    json_key(f, "records", 0);
    fprintf(f, "%" PRIu64, s->records);
    json_key(f, "action", 0);
    json_text_or_null(f, action_name(s->action));
    json_key(f, "community_id", 0);
    json_text_or_null(f, s->community_id);
    json_key(f, "incomplete", 0);
    fputs(s->incomplete ? "true" : "false", f);
    json_key(f, "nat_leg_of", 0);
    if (s->nat_leg_of)
        fprintf(f, "%" PRIu64, s->nat_leg_of);
    else
        fputs("null", f);
    fputs("}\n", f);
    return 0;
}

/* ---- CSV / TSV -------------------------------------------------------- */

/* Separator before every column but the first. */
static void sv_sep(fst_writer *w, int first)
{
    if (!first)
        putc(fst__writer_sep(w), w->f);
}

static void sv_text(fst_writer *w, const char *s)
{
    if (s)
        fst__sv_field(w, s, strlen(s));
}

static void sv_u64(fst_writer *w, uint64_t v)
{
    fprintf(w->f, "%" PRIu64, v);
}

static void sv_addr(fst_writer *w, const fst_addr *a)
{
    if (a->family == 4 || a->family == 6)
        fst__addr_out(w->f, a);
}

/* enis joined with ';' as one field; quoted as a whole when needed. */
static void sv_enis(fst_writer *w, const fst_session *s)
{
    if (s->n_enis == 0)
        return; /* an empty field */
    size_t len = 0;
    for (uint32_t i = 0; i < s->n_enis; i++)
        len += (s->enis[i] ? strlen(s->enis[i]) : 0) + 1;
    char small[512];
    small[0] = '\0';
    char *buf = len <= sizeof small ? small : fst__malloc(len);
    if (!buf) {
        w->failed = 1;
        return;
    }
    size_t n = 0;
    for (uint32_t i = 0; i < s->n_enis; i++) {
        if (i)
            buf[n++] = ';';
        const size_t l = s->enis[i] ? strlen(s->enis[i]) : 0;
        memcpy(buf + n, s->enis[i] ? s->enis[i] : "", l);
        n += l;
    }
    fst__sv_field(w, buf, n);
    if (buf != small)
        fst__free(buf);
}

static int sv_row(fst_writer *w, const void *item)
{
    const fst_session *s = item;
    FILE *f = w->f;
    sv_u64(w, s->id);
    sv_sep(w, 0);
    fprintf(f, "%u", (unsigned)s->proto);
    sv_sep(w, 0);
    sv_addr(w, &s->client_addr);
    sv_sep(w, 0);
    fprintf(f, "%u", (unsigned)s->client_port);
    sv_sep(w, 0);
    sv_addr(w, &s->server_addr);
    sv_sep(w, 0);
    fprintf(f, "%u", (unsigned)s->server_port);
    sv_sep(w, 0);
    fprintf(f, "%" PRId64, s->first_seen);
    sv_sep(w, 0);
    fprintf(f, "%" PRId64, s->last_seen);
    sv_sep(w, 0);
    sv_u64(w, s->c2s_packets);
    sv_sep(w, 0);
    sv_u64(w, s->c2s_bytes);
    sv_sep(w, 0);
    sv_u64(w, s->s2c_packets);
    sv_sep(w, 0);
    sv_u64(w, s->s2c_bytes);
    sv_sep(w, 0);
    if (s->tcp_flags_c2s >= 0)
        fprintf(f, "%d", (int)s->tcp_flags_c2s);
    sv_sep(w, 0);
    if (s->tcp_flags_s2c >= 0)
        fprintf(f, "%d", (int)s->tcp_flags_s2c);
    sv_sep(w, 0);
    sv_text(w, basis_name(s->basis));
    sv_sep(w, 0);
    sv_enis(w, s);
    sv_sep(w, 0);
    sv_u64(w, s->records);
    sv_sep(w, 0);
    sv_text(w, action_name(s->action));
    sv_sep(w, 0);
    sv_text(w, s->community_id);
    sv_sep(w, 0);
    fputs(s->incomplete ? "true" : "false", f);
    sv_sep(w, 0);
    if (s->nat_leg_of)
        sv_u64(w, s->nat_leg_of);
    putc('\n', f);
    return 0;
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
