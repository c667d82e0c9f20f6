/* tools/score/load.c - truth and session JSONL into rows; parse helpers.
 *
 * Tolerant on purpose: numbers may come as JSON integers, integral reals or
 * decimal strings; times as unix seconds or ISO 8601; protocols as numbers
 * or names; a missing byte counter is 0.  Strict where a silent default
 * would corrupt the score: proto, the four endpoint keys and the two times
 * are required.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "score_int.h"

/* ---- names ---- */

size_t sc_names_intern(sc_names *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], name) == 0)
            return i;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return (size_t)-1;
        l->v = v;
        l->cap = cap;
    }
    char *d = strdup(name);
    if (!d)
        return (size_t)-1;
    l->v[l->n] = d;
    return l->n++;
}

void sc_names_free(sc_names *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* ---- scalar parsers ---- */

int sc_parse_addr(const char *s, size_t len, sc_ep *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    uint8_t v4[4];
    memset(out->a, 0, sizeof out->a);
    if (inet_pton(AF_INET, buf, v4) == 1) {
        out->a[10] = out->a[11] = 0xff;
        memcpy(out->a + 12, v4, 4);
        out->family = 4;
        return 0;
    }
    if (inet_pton(AF_INET6, buf, out->a) == 1) {
        out->family = 6;
        return 0;
    }
    return -1;
}

void sc_format_addr(const sc_ep *e, char *buf, size_t n)
{
    if (e->family != 4 && e->family != 6) {
        snprintf(buf, n, "-");
        return;
    }
    const void *src = e->family == 4 ? (const void *)(e->a + 12) : (const void *)e->a;
    if (!inet_ntop(e->family == 4 ? AF_INET : AF_INET6, src, buf, (socklen_t)n))
        snprintf(buf, n, "?");
}

int sc_ep_cmp(const sc_ep *x, const sc_ep *y)
{
    int c = memcmp(x->a, y->a, sizeof x->a);
    if (c)
        return c;
    return (x->port > y->port) - (x->port < y->port);
}

int sc_parse_u64(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int eq_nocase(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    if (n != len)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != lit[i])
            return 0;
    return 1;
}

int sc_parse_proto(const char *s, size_t len, uint8_t *out)
{
    static const struct { const char *name; uint8_t num; } names[] = {
        {"tcp", 6}, {"udp", 17}, {"icmp", 1}, {"icmpv6", 58}, {"ipv6-icmp", 58}};
    uint64_t v;
    if (sc_parse_u64(s, len, &v) == 0) {
        if (v > 255)
            return -1;
        *out = (uint8_t)v;
        return 0;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (eq_nocase(s, len, names[i].name)) {
            *out = names[i].num;
            return 0;
        }
    return -1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Fixed-width decimal field at s[*i], n digits. */
static int digits(const char *s, size_t len, size_t *i, size_t n, int64_t *out)
{
    int64_t v = 0;
    if (*i + n > len)
        return -1;
    for (size_t k = 0; k < n; k++) {
        char c = s[*i + k];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *i += n;
    *out = v;
    return 0;
}

static int expect(const char *s, size_t len, size_t *i, const char *set)
{
    if (*i < len && strchr(set, s[*i]) && s[*i] != '\0') {
        (*i)++;
        return 0;
    }
    return -1;
}

int sc_parse_time(const char *s, size_t len, int64_t *out)
{
    uint64_t u;
    if (sc_parse_u64(s, len, &u) == 0 && u <= INT64_MAX) {
        *out = (int64_t)u;
        return 0;
    }
    int64_t y, mo, d, h, mi, se, zh = 0, zm = 0;
    size_t i = 0;
    if (digits(s, len, &i, 4, &y) || expect(s, len, &i, "-") || digits(s, len, &i, 2, &mo) ||
        expect(s, len, &i, "-") || digits(s, len, &i, 2, &d) || expect(s, len, &i, "T ") ||
        digits(s, len, &i, 2, &h) || expect(s, len, &i, ":") || digits(s, len, &i, 2, &mi) ||
        expect(s, len, &i, ":") || digits(s, len, &i, 2, &se))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return -1;
    if (i < len && s[i] == '.')
        for (i++; i < len && isdigit((unsigned char)s[i]); i++)
            ;
    int sign = 0;
    if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        sign = s[i] == '-' ? -1 : 1;
        i++;
        if (digits(s, len, &i, 2, &zh))
            return -1;
        if (i < len && s[i] == ':')
            i++;
        if (digits(s, len, &i, 2, &zm))
            return -1;
    }
    if (i != len)
        return -1;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - sign * (zh * 3600 + zm * 60);
    return 0;
}

/* ---- lines ---- */

gzFile sc_open(const char *path)
{
    if (strcmp(path, "-") == 0) {
        int fd = dup(STDIN_FILENO);
        if (fd < 0)
            return NULL;
        gzFile f = gzdopen(fd, "rb");
        if (!f)
            close(fd);
        return f;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    gzFile f = gzdopen(fd, "rb");
    if (!f) {
        close(fd);
        errno = ENOMEM;
    }
    return f;
}

int sc_read_line(gzFile f, char **buf, size_t *cap, size_t *len)
{
    *len = 0;
    for (;;) {
        if (*cap - *len < 2 || !*buf) {
            size_t ncap = *cap ? *cap * 2 : 4096;
            char *nb = realloc(*buf, ncap);
            if (!nb)
                return -1;
            *buf = nb;
            *cap = ncap;
        }
        size_t room = *cap - *len;
        if (room > INT32_MAX)
            room = INT32_MAX;
        if (!gzgets(f, *buf + *len, (int)room)) {
            int errnum = 0;
            gzerror(f, &errnum);
            if (errnum != Z_OK && errnum != Z_BUF_ERROR)
                return -1;
            (*buf)[*len] = '\0';
            return *len > 0;
        }
        *len += strlen(*buf + *len);
        if (*len > 0 && (*buf)[*len - 1] == '\n') {
            (*buf)[--*len] = '\0';
            if (*len > 0 && (*buf)[*len - 1] == '\r')
                (*buf)[--*len] = '\0';
            return 1;
        }
        if (gzeof(f))
            return 1;
    }
}

/* ---- JSON field readers ---- */

int sc_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Unsigned integer from an integer, an integral real or a decimal string.
 * Missing or null: *out = dflt when !required. */
static int get_u64(const json_t *o, const char *key, int required, uint64_t dflt,
                   uint64_t *out, char *err, size_t errlen)
{
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (required)
            return sc_fail(err, errlen, "missing \"%s\"", key);
        *out = dflt;
        return 0;
    }
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return 0;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d >= 0 && d < 1.8e19 && floor(d) == d) {
            *out = (uint64_t)d;
            return 0;
        }
    }
    if (json_is_string(v) && sc_parse_u64(json_string_value(v), json_string_length(v), out) == 0)
        return 0;
    return sc_fail(err, errlen, "\"%s\": expected an unsigned integer", key);
}

static int get_time(const json_t *o, const char *key, int64_t *out, char *err, size_t errlen)
{
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return sc_fail(err, errlen, "missing \"%s\"", key);
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 0;
    }
    if (json_is_real(v) && isfinite(json_real_value(v)) && fabs(json_real_value(v)) < 9e15) {
        *out = (int64_t)floor(json_real_value(v));
        return 0;
    }
    if (json_is_string(v) && sc_parse_time(json_string_value(v), json_string_length(v), out) == 0)
        return 0;
    return sc_fail(err, errlen, "\"%s\": expected unix seconds or an ISO 8601 time", key);
}

static int get_proto(const json_t *o, uint8_t *out, char *err, size_t errlen)
{
    const json_t *v = json_object_get(o, "proto");
    if (v && json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 255) {
        *out = (uint8_t)json_integer_value(v);
        return 0;
    }
    if (v && json_is_string(v) &&
        sc_parse_proto(json_string_value(v), json_string_length(v), out) == 0)
        return 0;
    return sc_fail(err, errlen, v ? "\"proto\": expected 0..255 or a protocol name"
                               : "missing \"proto\"");
}

/* Endpoint from "<prefix>_addr" and "<prefix>_port" (port null/missing = 0
 * when !port_required). */
static int get_ep(const json_t *o, const char *prefix, int port_required, sc_ep *ep, char *err,
                  size_t errlen)
{
    char ka[64], kp[64];
    snprintf(ka, sizeof ka, "%s_addr", prefix);
    snprintf(kp, sizeof kp, "%s_port", prefix);
    const json_t *a = json_object_get(o, ka);
    if (a && json_is_null(a)) { /* flowstitch writes null for "no address" */
        memset(ep, 0, sizeof *ep);
    } else if (!a || !json_is_string(a))
        return sc_fail(err, errlen, a ? "\"%s\": expected a string" : "missing \"%s\"", ka);
    else if (sc_parse_addr(json_string_value(a), json_string_length(a), ep))
        return sc_fail(err, errlen, "\"%s\": bad address \"%s\"", ka, json_string_value(a));
    uint64_t port;
    if (get_u64(o, kp, port_required, 0, &port, err, errlen))
        return -1;
    if (port > 65535)
        return sc_fail(err, errlen, "\"%s\": out of range", kp);
    ep->port = (uint16_t)port;
    return 0;
}

static int present(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return v && !json_is_null(v);
}

/* ---- truth ---- */

int sc_truth_add_tag(score_run *r, sc_truth *t, const char *name)
{
    size_t id = sc_names_intern(&r->tags, name);
    if (id == (size_t)-1)
        return -1;
    for (size_t i = 0; i < t->ntags; i++)
        if (t->tags[i] == id)
            return 0;
    size_t *nt = realloc(t->tags, (t->ntags + 1) * sizeof *nt);
    if (!nt)
        return -1;
    t->tags = nt;
    t->tags[t->ntags++] = id;
    return 0;
}

static int truth_labels(score_run *r, sc_truth *t, const json_t *o, char *err, size_t errlen)
{
    const json_t *c = json_object_get(o, "class");
    const char *cls = c && json_is_string(c) && json_string_length(c) ? json_string_value(c)
                                                                      : "(none)";
    t->cls = sc_names_intern(&r->classes, cls);
    if (t->cls == (size_t)-1)
        return sc_fail(err, errlen, "out of memory");
    const json_t *tags = json_object_get(o, "tags");
    if (tags && !json_is_null(tags) && !json_is_array(tags))
        return sc_fail(err, errlen, "\"tags\": expected an array of strings");
    size_t i;
    const json_t *tag;
    json_array_foreach(tags, i, tag) {
        if (!json_is_string(tag))
            return sc_fail(err, errlen, "\"tags\": expected an array of strings");
        if (sc_truth_add_tag(r, t, json_string_value(tag)))
            return sc_fail(err, errlen, "out of memory");
    }
    return 0;
}

static int truth_nat(sc_truth *t, const json_t *o, char *err, size_t errlen)
{
    t->has_nat = present(o, "nat_eni") || present(o, "nat_outside_addr");
    if (present(o, "nat_outside_addr") && present(o, "nat_outside_port")) {
        if (get_ep(o, "nat_outside", 1, &t->outside, err, errlen))
            return -1;
        /* an outside endpoint equal to the client adds no second key */
        t->has_outside = sc_ep_cmp(&t->outside, &t->client) != 0 &&
                         sc_ep_cmp(&t->outside, &t->server) != 0;
    }
    return 0;
}

static char *id_text(const json_t *v, size_t fallback)
{
    char buf[64];
    if (v && json_is_string(v))
        return strdup(json_string_value(v));
    if (v && json_is_integer(v))
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
    else
        snprintf(buf, sizeof buf, "#%zu", fallback);
    return strdup(buf);
}

static int parse_truth(score_run *r, sc_truth *t, const json_t *o, char *err, size_t errlen)
{
    t->match = -1;
    t->conn_id = id_text(json_object_get(o, "conn_id"), r->ntruth + 1);
    if (!t->conn_id)
        return sc_fail(err, errlen, "out of memory");
    if (get_proto(o, &t->proto, err, errlen) || get_ep(o, "client", 0, &t->client, err, errlen) ||
        get_ep(o, "server", 0, &t->server, err, errlen) ||
        get_time(o, "start", &t->start, err, errlen) || get_time(o, "end", &t->end, err, errlen) ||
        get_u64(o, "c2s_bytes", 0, 0, &t->c2s_bytes, err, errlen) ||
        get_u64(o, "s2c_bytes", 0, 0, &t->s2c_bytes, err, errlen) ||
        get_u64(o, "c2s_packets", 0, 0, &t->c2s_packets, err, errlen) ||
        get_u64(o, "s2c_packets", 0, 0, &t->s2c_packets, err, errlen))
        return -1;
    if (t->end < t->start)
        return sc_fail(err, errlen, "\"end\" before \"start\"");
    const json_t *into = json_object_get(o, "log_merged_into");
    if (into && !json_is_null(into)) {
        if (!json_is_integer(into) && !json_is_string(into))
            return sc_fail(err, errlen, "\"log_merged_into\": expected null, a conn_id integer or string");
        t->merged_into = id_text(into, 0);
        if (!t->merged_into)
            return sc_fail(err, errlen, "out of memory");
    }
    if (truth_nat(t, o, err, errlen))
        return -1;
    return truth_labels(r, t, o, err, errlen);
}

static json_t *load_object(const char *line, size_t len, char *err, size_t errlen, int *blank)
{
    size_t i = 0;
    while (i < len && isspace((unsigned char)line[i]))
        i++;
    *blank = i == len;
    if (*blank)
        return NULL;
    json_error_t je;
    json_t *o = json_loadb(line, len, 0, &je);
    if (!o) {
        sc_fail(err, errlen, "bad JSON: %s", je.text);
        return NULL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        sc_fail(err, errlen, "expected a JSON object");
        return NULL;
    }
    return o;
}

int score_add_truth_line(score_run *r, const char *line, size_t len, char *err, size_t errlen)
{
    int blank;
    json_t *o = load_object(line, len, err, errlen, &blank);
    if (!o)
        return blank ? 0 : -1;
    if (r->ntruth == r->cap_truth) {
        size_t cap = r->cap_truth ? r->cap_truth * 2 : 64;
        sc_truth *v = realloc(r->truth, cap * sizeof *v);
        if (!v) {
            json_decref(o);
            return sc_fail(err, errlen, "out of memory");
        }
        r->truth = v;
        r->cap_truth = cap;
    }
    sc_truth *t = &r->truth[r->ntruth];
    memset(t, 0, sizeof *t);
    int rc = parse_truth(r, t, o, err, errlen);
    const json_t *enis = json_object_get(o, "enis");
    const int unobservable = json_is_array(enis) && json_array_size(enis) == 0;
    json_decref(o);
    if (rc || (unobservable && r->observable_only)) {
        free(t->conn_id);
        free(t->tags);
        free(t->merged_into);
        r->unobservable += (uint64_t)(rc == 0);
        r->excluded += (uint64_t)(rc == 0);
        return rc ? -1 : 0;
    }
    r->unobservable += (uint64_t)unobservable;
    t->unobs = unobservable;
    r->with_key += (uint64_t)(t->merged_into != NULL);
    r->ntruth++;
    return 0;
}

/* ---- sessions ---- */

static int get_i64_id(const json_t *v, int64_t *out)
{
    uint64_t u;
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 0;
    }
    if (json_is_string(v) && sc_parse_u64(json_string_value(v), json_string_length(v), &u) == 0 &&
        u <= INT64_MAX) {
        *out = (int64_t)u;
        return 0;
    }
    return -1;
}

static int parse_session(score_run *r, sc_sess *s, const json_t *o, char *err, size_t errlen)
{
    s->match = s->attr = -1;
    const json_t *id = json_object_get(o, "session_id");
    if (!id || get_i64_id(id, &s->id))
        return sc_fail(err, errlen, id ? "\"session_id\": expected an integer"
                                    : "missing \"session_id\"");
    if (get_proto(o, &s->proto, err, errlen) || get_ep(o, "client", 0, &s->client, err, errlen) ||
        get_ep(o, "server", 0, &s->server, err, errlen) ||
        get_time(o, "first_seen", &s->first, err, errlen) ||
        get_time(o, "last_seen", &s->last, err, errlen) ||
        get_u64(o, "c2s_bytes", 0, 0, &s->c2s_bytes, err, errlen) ||
        get_u64(o, "s2c_bytes", 0, 0, &s->s2c_bytes, err, errlen))
        return -1;
    if (s->last < s->first)
        return sc_fail(err, errlen, "\"last_seen\" before \"first_seen\"");
    const json_t *b = json_object_get(o, "direction_basis");
    const char *basis = b && json_is_string(b) ? json_string_value(b) : "unknown";
    s->basis = sc_names_intern(&r->bases, basis);
    if (s->basis == (size_t)-1)
        return sc_fail(err, errlen, "out of memory");
    s->dir_known = strcmp(basis, "unknown") != 0;
    const json_t *leg = json_object_get(o, "nat_leg_of");
    if (leg && !json_is_null(leg)) {
        if (get_i64_id(leg, &s->leg_of))
            return sc_fail(err, errlen, "\"nat_leg_of\": expected null or a session_id");
        s->is_leg = 1;
    }
    return 0;
}

int score_add_session_line(score_run *r, const char *line, size_t len, char *err, size_t errlen)
{
    int blank;
    json_t *o = load_object(line, len, err, errlen, &blank);
    if (!o)
        return blank ? 0 : -1;
    if (r->nsess == r->cap_sess) {
        size_t cap = r->cap_sess ? r->cap_sess * 2 : 64;
        sc_sess *v = realloc(r->sess, cap * sizeof *v);
        if (!v) {
            json_decref(o);
            return sc_fail(err, errlen, "out of memory");
        }
        r->sess = v;
        r->cap_sess = cap;
    }
    sc_sess *s = &r->sess[r->nsess];
    memset(s, 0, sizeof *s);
    int rc = parse_session(r, s, o, err, errlen);
    json_decref(o);
    if (rc)
        return -1;
    r->nsess++;
    return 0;
}

/* ---- whole inputs ---- */

typedef int (*line_fn)(score_run *, const char *, size_t, char *, size_t);

static int load_str(score_run *r, const char *text, line_fn fn, char *err, size_t errlen)
{
    char msg[256];
    size_t lineno = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        if (fn(r, p, len, msg, sizeof msg))
            return sc_fail(err, errlen, "line %zu: %s", lineno, msg);
        p += len + (nl != NULL);
    }
    return 0;
}

int score_load_truth_str(score_run *r, const char *text, char *err, size_t errlen)
{
    return load_str(r, text, score_add_truth_line, err, errlen);
}

int score_load_sessions_str(score_run *r, const char *text, char *err, size_t errlen)
{
    return load_str(r, text, score_add_session_line, err, errlen);
}

static int load_file(score_run *r, const char *path, line_fn fn, char *err, size_t errlen)
{
    gzFile f = sc_open(path);
    if (!f)
        return sc_fail(err, errlen, "%s: %s", path, strerror(errno));
    char *buf = NULL, msg[256];
    size_t cap = 0, len, lineno = 0;
    int rc = 0, got;
    while ((got = sc_read_line(f, &buf, &cap, &len)) == 1) {
        lineno++;
        if (fn(r, buf, len, msg, sizeof msg)) {
            rc = sc_fail(err, errlen, "%s:%zu: %s", path, lineno, msg);
            break;
        }
    }
    if (got < 0)
        rc = sc_fail(err, errlen, "%s: read error", path);
    free(buf);
    gzclose(f);
    return rc;
}

int score_load_truth_file(score_run *r, const char *path, char *err, size_t errlen)
{
    return load_file(r, path, score_add_truth_line, err, errlen);
}

int score_load_sessions_file(score_run *r, const char *path, char *err, size_t errlen)
{
    return load_file(r, path, score_add_session_line, err, errlen);
}

/* ---- bytes_naive from --stats ---- */

int score_find_bytes_naive(const json_t *v, uint64_t *out)
{
    const char *key;
    const json_t *x;
    size_t i;
    if (json_is_object(v)) {
        x = json_object_get(v, "bytes_naive");
        if (x && json_is_integer(x) && json_integer_value(x) >= 0) {
            *out = (uint64_t)json_integer_value(x);
            return 0;
        }
        if (x && json_is_real(x) && json_real_value(x) >= 0 && json_real_value(x) < 1.8e19) {
            *out = (uint64_t)json_real_value(x);
            return 0;
        }
        json_object_foreach((json_t *)v, key, x) {
            if (score_find_bytes_naive(x, out) == 0)
                return 0;
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x) {
            if (score_find_bytes_naive(x, out) == 0)
                return 0;
        }
    }
    return -1;
}

/* Last resort for non-JSON stats: the digits after "bytes_naive"[":= ]. */
static int scan_bytes_naive(const char *text, uint64_t *out)
{
    for (const char *p = strstr(text, "bytes_naive"); p; p = strstr(p + 1, "bytes_naive")) {
        const char *q = p + strlen("bytes_naive");
        while (*q == '"' || *q == ':' || *q == '=' || *q == ' ' || *q == '\t')
            q++;
        size_t n = strspn(q, "0123456789");
        if (n && sc_parse_u64(q, n, out) == 0)
            return 0;
    }
    return -1;
}

int score_stats_file_bytes_naive(const char *path, uint64_t *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return sc_fail(err, errlen, "%s: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0, n;
    char *text = malloc(cap);
    while (text && (n = fread(text + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) {
            char *t = realloc(text, cap * 2);
            if (!t) {
                free(text);
                text = NULL;
                break;
            }
            text = t;
            cap *= 2;
        }
    }
    fclose(f);
    if (!text)
        return sc_fail(err, errlen, "%s: out of memory", path);
    text[len] = '\0';
    json_error_t je;
    json_t *v = json_loadb(text, len, JSON_DISABLE_EOF_CHECK, &je);
    int rc = v ? score_find_bytes_naive(v, out) : -1;
    json_decref(v);
    if (rc)
        rc = scan_bytes_naive(text, out);
    free(text);
    if (rc)
        return sc_fail(err, errlen, "%s: no numeric \"bytes_naive\" found", path);
    return 0;
}
