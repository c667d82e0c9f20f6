/* tools/score/naive.c - the baseline: one raw flow-log record = one session.
 *
 * Its own small parser on purpose (a baseline must not depend on the engine
 * it is compared with): space-separated tokens, the 14-field default layout
 * or the layout of an S3 header line, '#' comment lines ignored, a leading
 * CloudWatch export timestamp dropped.  The sessions it writes follow the
 * flowstitch sessions schema with client = srcaddr:srcport, server =
 * dstaddr:dstport, c2s = the record's counters, s2c = 0 and
 * direction_basis "unknown".
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include "score_int.h"

enum { NV_ENI, NV_SRC, NV_DST, NV_SPORT, NV_DPORT, NV_PROTO, NV_PACKETS, NV_BYTES,
       NV_START, NV_END, NV_ACTION, NV_STATUS, NV_FLAGS, NV_COUNT };

static const char *const nv_names[NV_COUNT] = {
    "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets",
    "bytes", "start", "end", "action", "log-status", "tcp-flags"};

/* Columns of the default format: version account-id interface-id srcaddr
 * dstaddr srcport dstport protocol packets bytes start end action log-status */
static const int nv_default[NV_COUNT] = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, -1};

#define NV_MAX_TOKENS 128

typedef struct tok {
    const char *p;
    size_t n;
} tok;

void score_naive_init(score_naive *nv)
{
    memset(nv, 0, sizeof *nv);
    memcpy(nv->col, nv_default, sizeof nv->col);
    nv->next_id = 1;
}

static size_t tokenize(const char *line, size_t len, tok *t, size_t max)
{
    size_t n = 0, i = 0;
    while (i < len && n < max) {
        while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n'))
            i++;
        if (i == len)
            break;
        size_t b = i;
        while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '\n')
            i++;
        t[n++] = (tok){line + b, i - b};
    }
    return n;
}

/* Field index of a header token ("${pkt_srcaddr}" -> "pkt-srcaddr"), or -1
 * for a column the baseline does not need. */
static int header_field(const tok *t)
{
    char name[64];
    const char *p = t->p;
    size_t n = t->n;
    if (n >= 3 && p[0] == '$' && p[1] == '{' && p[n - 1] == '}') {
        p += 2;
        n -= 3;
    }
    if (n == 0 || n >= sizeof name)
        return -1;
    for (size_t i = 0; i < n; i++)
        name[i] = p[i] == '_' ? '-' : (char)tolower((unsigned char)p[i]);
    name[n] = '\0';
    for (int f = 0; f < NV_COUNT; f++)
        if (strcmp(name, nv_names[f]) == 0)
            return f;
    return strcmp(name, "version") == 0 ? NV_COUNT : -1;
}

/* A header names at least srcaddr or version; values never do. */
static int try_header(score_naive *nv, const tok *t, size_t n)
{
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        int f = header_field(&t[i]);
        seen |= f == NV_SRC || f == NV_COUNT;
    }
    if (!seen)
        return 0;
    for (int f = 0; f < NV_COUNT; f++)
        nv->col[f] = -1;
    for (size_t i = 0; i < n; i++) {
        int f = header_field(&t[i]);
        if (f >= 0 && f < NV_COUNT && nv->col[f] < 0)
            nv->col[f] = (int)i;
    }
    nv->have_header = 1;
    return 1;
}

static const tok *field(const score_naive *nv, const tok *t, size_t n, int f)
{
    int c = nv->col[f];
    return c >= 0 && (size_t)c < n ? &t[c] : NULL;
}

static int is_dash(const tok *t)
{
    return !t || (t->n == 1 && t->p[0] == '-');
}

static int tok_u64(const tok *t, uint64_t *v)
{
    return t ? sc_parse_u64(t->p, t->n, v) : -1;
}

/* A CloudWatch export line starts with an ISO time before the record. */
static int export_prefix(const tok *t)
{
    return t->n >= 19 && memchr(t->p, 'T', t->n) && memchr(t->p, ':', t->n) &&
           isdigit((unsigned char)t->p[0]);
}

typedef struct nv_rec {
    sc_ep src, dst;
    uint8_t proto;
    uint64_t packets, bytes, start, end, flags;
    int have_flags;
    const tok *eni, *action;
} nv_rec;

static int parse_rec(const score_naive *nv, const tok *t, size_t n, nv_rec *r)
{
    uint64_t sp = 0, dp = 0;
    const tok *src = field(nv, t, n, NV_SRC), *dst = field(nv, t, n, NV_DST);
    const tok *pr = field(nv, t, n, NV_PROTO);
    if (!src || !dst || !pr || sc_parse_addr(src->p, src->n, &r->src) ||
        sc_parse_addr(dst->p, dst->n, &r->dst) || sc_parse_proto(pr->p, pr->n, &r->proto))
        return -1;
    const tok *spt = field(nv, t, n, NV_SPORT), *dpt = field(nv, t, n, NV_DPORT);
    if ((!is_dash(spt) && tok_u64(spt, &sp)) || (!is_dash(dpt) && tok_u64(dpt, &dp)) ||
        sp > 65535 || dp > 65535)
        return -1;
    r->src.port = (uint16_t)sp;
    r->dst.port = (uint16_t)dp;
    if (tok_u64(field(nv, t, n, NV_PACKETS), &r->packets) ||
        tok_u64(field(nv, t, n, NV_BYTES), &r->bytes) ||
        tok_u64(field(nv, t, n, NV_START), &r->start) || tok_u64(field(nv, t, n, NV_END), &r->end))
        return -1;
    const tok *fl = field(nv, t, n, NV_FLAGS);
    r->have_flags = !is_dash(fl) && tok_u64(fl, &r->flags) == 0;
    r->eni = field(nv, t, n, NV_ENI);
    r->action = field(nv, t, n, NV_ACTION);
    return 0;
}

/* ENI ids are [A-Za-z0-9-]; anything else is left out rather than escaped. */
static int safe_id(const tok *t)
{
    if (is_dash(t))
        return 0;
    for (size_t i = 0; i < t->n; i++)
        if (!isalnum((unsigned char)t->p[i]) && t->p[i] != '-' && t->p[i] != '_')
            return 0;
    return 1;
}

static const char *action_name(const tok *t)
{
    if (t && t->n == 6 && memcmp(t->p, "ACCEPT", 6) == 0)
        return "ACCEPT";
    if (t && t->n == 6 && memcmp(t->p, "REJECT", 6) == 0)
        return "REJECT";
    return "-";
}

static void write_session(score_naive *nv, const nv_rec *r, FILE *out)
{
    char s[64], d[64];
    sc_format_addr(&r->src, s, sizeof s);
    sc_format_addr(&r->dst, d, sizeof d);
    fprintf(out,
            "{\"session_id\":%llu,\"proto\":%u,\"client_addr\":\"%s\",\"client_port\":%u,"
            "\"server_addr\":\"%s\",\"server_port\":%u,\"first_seen\":%llu,\"last_seen\":%llu,"
            "\"c2s_packets\":%llu,\"c2s_bytes\":%llu,\"s2c_packets\":0,\"s2c_bytes\":0,",
            (unsigned long long)nv->next_id, (unsigned)r->proto, s, (unsigned)r->src.port, d,
            (unsigned)r->dst.port, (unsigned long long)r->start, (unsigned long long)r->end,
            (unsigned long long)r->packets, (unsigned long long)r->bytes);
    if (r->have_flags)
        fprintf(out, "\"tcp_flags_c2s\":%llu,", (unsigned long long)r->flags);
    else
        fputs("\"tcp_flags_c2s\":null,", out);
    fputs("\"tcp_flags_s2c\":null,\"direction_basis\":\"unknown\",\"enis\":[", out);
    if (safe_id(r->eni))
        fprintf(out, "\"%.*s\"", (int)r->eni->n, r->eni->p);
    fprintf(out,
            "],\"records\":1,\"action\":\"%s\",\"community_id\":null,\"incomplete\":false,"
            "\"nat_leg_of\":null}\n",
            action_name(r->action));
}

int score_naive_line(score_naive *nv, const char *line, size_t len, FILE *out)
{
    tok t[NV_MAX_TOKENS];
    nv->lines++;
    size_t n = tokenize(line, len, t, NV_MAX_TOKENS);
    if (n == 0 || t[0].p[0] == '#')
        return 0;
    if (!nv->have_header && n == 15 && export_prefix(&t[0])) {
        memmove(t, t + 1, (n - 1) * sizeof *t);
        n--;
    }
    if (try_header(nv, t, n))
        return 0;
    const tok *st = field(nv, t, n, NV_STATUS);
    if ((st && !(st->n == 2 && memcmp(st->p, "OK", 2) == 0)) ||
        is_dash(field(nv, t, n, NV_SRC))) {
        nv->skipped++; /* NODATA, SKIPDATA, or no 5-tuple */
        return 0;
    }
    nv_rec r;
    if (parse_rec(nv, t, n, &r)) {
        nv->bad++;
        return -1;
    }
    nv->records++;
    nv->bytes += r.bytes;
    nv->packets += r.packets;
    if (out)
        write_session(nv, &r, out);
    nv->next_id++;
    return 1;
}

static int naive_file(score_naive *nv, const char *path, FILE *out, char *err, size_t errlen)
{
    gzFile f = sc_open(path);
    if (!f)
        return sc_fail(err, errlen, "%s: %s", path, strerror(errno));
    /* every file carries its own header (S3 objects do) */
    memcpy(nv->col, nv_default, sizeof nv->col);
    nv->have_header = 0;
    char *buf = NULL;
    size_t cap = 0, len;
    int got;
    while ((got = sc_read_line(f, &buf, &cap, &len)) == 1)
        score_naive_line(nv, buf, len, out);
    free(buf);
    gzclose(f);
    return got < 0 ? sc_fail(err, errlen, "%s: read error", path) : 0;
}

static int skip_entry(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

int score_naive_path(score_naive *nv, const char *path, FILE *out, char *err, size_t errlen)
{
    struct stat sb;
    if (strcmp(path, "-") == 0 || stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return naive_file(nv, path, out, err, errlen);
    struct dirent **names;
    int n = scandir(path, &names, skip_entry, alphasort);
    if (n < 0)
        return sc_fail(err, errlen, "%s: %s", path, strerror(errno));
    int rc = 0;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
        char *sub = malloc(len);
        if (!sub)
            rc = sc_fail(err, errlen, "out of memory");
        else if (rc == 0) {
            snprintf(sub, len, "%s/%s", path, names[i]->d_name);
            rc = score_naive_path(nv, sub, out, err, errlen);
        }
        free(sub);
        free(names[i]);
    }
    free(names);
    return rc;
}
