/* parse/fields.c - field names, typed values and addresses.
 *
 * The field table comes from FST_FIELD_MAP (record.h).  Addresses follow
 * RFC 4291 section 2.2 for input and RFC 5952 for output.  See fields.h for
 * the hot inline helpers.
 */
#include <string.h>

#include "parse/fields.h"

static const char *const field_names[FST_FIELD_COUNT] = {
#define X(id, name, type, ver) name,
    FST_FIELD_MAP(X)
#undef X
};
static const unsigned char field_types[FST_FIELD_COUNT] = {
#define X(id, name, type, ver) type,
    FST_FIELD_MAP(X)
#undef X
};
static const unsigned char field_versions[FST_FIELD_COUNT] = {
#define X(id, name, type, ver) ver,
    FST_FIELD_MAP(X)
#undef X
};

const char *fst_field_name(int field)
{
    return field >= 0 && field < FST_FIELD_COUNT ? field_names[field] : NULL;
}

int fst_field_type(int field)
{
    return field >= 0 && field < FST_FIELD_COUNT ? field_types[field] : -1;
}

int fst_field_version(int field)
{
    return field >= 0 && field < FST_FIELD_COUNT ? field_versions[field] : -1;
}

/* "${name}" -> "name"; anything else unchanged. */
static void strip_wrapper(const char **s, size_t *len)
{
    if (*len >= 3 && (*s)[0] == '$' && (*s)[1] == '{' && (*s)[*len - 1] == '}') {
        *s += 2;
        *len -= 3;
    }
}

/* Name equality where '-' and '_' are the same character. */
static int name_eq(const char *known, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char k = known[i], c = s[i];
        if (k == '\0')
            return 0;
        if (k == c || (k == '-' && c == '_'))
            continue;
        return 0;
    }
    return known[len] == '\0';
}

int fst_field_lookup(const char *name, size_t len)
{
    if (!name)
        return FST_F_UNKNOWN;
    strip_wrapper(&name, &len);
    if (len == 0)
        return FST_F_UNKNOWN;
    for (int f = 0; f < FST_FIELD_COUNT; f++)
        if (field_names[f][0] == name[0] && name_eq(field_names[f], name, len))
            return f;
    return FST_F_UNKNOWN;
}

/* Longest name fst_field_suggest compares (every AWS name is shorter). */
#define FST__SUGGEST_MAX 40

/* Levenshtein distance of a[0..n) and the known name k ('_' counts as '-'),
 * one row of the table at a time. */
static size_t edit_distance(const char *a, size_t n, const char *k)
{
    size_t m = strlen(k), row[FST__SUGGEST_MAX + 1];
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t diag = row[0];
        row[0] = i;
        const char c = a[i - 1] == '_' ? '-' : a[i - 1];
        for (size_t j = 1; j <= m; j++) {
            const size_t up = row[j];
            size_t best = diag + (c != k[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[m];
}

int fst_field_suggest(const char *name, size_t len)
{
    if (!name)
        return FST_F_UNKNOWN;
    strip_wrapper(&name, &len);
    if (len == 0 || len > FST__SUGGEST_MAX)
        return FST_F_UNKNOWN;
    /* At most 2 edits, and fewer than a third of the name: "acton" ->
     * "action", "srcprot" -> "srcport", but "foo" suggests nothing. */
    size_t limit = len / 3 < 2 ? len / 3 : 2, best = limit + 1;
    int id = FST_F_UNKNOWN;
    for (int f = 0; f < FST_FIELD_COUNT; f++) {
        /* Names whose lengths differ by more than the limit are further
         * than it: no table needed. */
        const size_t m = strlen(field_names[f]);
        if (m > len + limit || len > m + limit)
            continue;
        const size_t d = edit_distance(name, len, field_names[f]);
        if (d < best) {
            best = d;
            id = f;
        }
    }
    return id;
}

int fst__name_shaped(const char *s, size_t len)
{
    strip_wrapper(&s, &len);
    if (len == 0 || !(s[0] >= 'a' && s[0] <= 'z'))
        return 0;
    for (size_t i = 1; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

/* ---- enumerations ---------------------------------------------------- */

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Case-insensitive equality with a lower-case literal. */
static int ieq(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    if (n != len)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)s[i]) != lit[i])
            return 0;
    return 1;
}

static int eq(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return n == len && memcmp(s, lit, n) == 0;
}

int fst__parse_action(const char *s, size_t len, uint64_t *out)
{
    if (eq(s, len, "ACCEPT"))
        *out = FST_ACTION_ACCEPT;
    else if (eq(s, len, "REJECT"))
        *out = FST_ACTION_REJECT;
    else
        return FST_EVALUE;
    return 0;
}

int fst__parse_status(const char *s, size_t len, uint64_t *out)
{
    if (eq(s, len, "OK"))
        *out = FST_STATUS_OK;
    else if (eq(s, len, "NODATA"))
        *out = FST_STATUS_NODATA;
    else if (eq(s, len, "SKIPDATA"))
        *out = FST_STATUS_SKIPDATA;
    else
        return FST_EVALUE;
    return 0;
}

/* "ingress"/"egress"; the upper-case spelling (Global Accelerator) too. */
int fst__parse_dir(const char *s, size_t len, uint64_t *out)
{
    if (ieq(s, len, "ingress"))
        *out = FST_DIR_INGRESS;
    else if (ieq(s, len, "egress"))
        *out = FST_DIR_EGRESS;
    else
        return FST_EVALUE;
    return 0;
}

/* "IPv4"/"IPv6"/"EFA", any case (Global Accelerator writes "IPV4"). */
int fst__parse_iptype(const char *s, size_t len, uint64_t *out)
{
    if (ieq(s, len, "ipv4"))
        *out = FST_IPTYPE_IPV4;
    else if (ieq(s, len, "ipv6"))
        *out = FST_IPTYPE_IPV6;
    else if (ieq(s, len, "efa"))
        *out = FST_IPTYPE_EFA;
    else
        return FST_EVALUE;
    return 0;
}

/* IANA number 0..255, or one of the names TCP/UDP/ICMP/ICMPv6 (any case). */
int fst__parse_proto(const char *s, size_t len, uint64_t *out)
{
    if (len > 0 && s[0] >= '0' && s[0] <= '9')
        return fst__parse_uint_max(s, len, 255, out);
    if (ieq(s, len, "tcp"))
        *out = 6;
    else if (ieq(s, len, "udp"))
        *out = 17;
    else if (ieq(s, len, "icmp"))
        *out = 1;
    else if (ieq(s, len, "icmpv6"))
        *out = 58;
    else
        return FST_ENUMBER;
    return 0;
}

int fst__parse_typed(int type, const char *s, size_t len, uint64_t *out)
{
    switch (type) {
    case FST_T_UINT:
    case FST_T_TIME:
        return fst__parse_u64(s, len, out);
    case FST_T_PORT:
        return fst__parse_uint_max(s, len, 65535, out);
    case FST_T_PROTO:
        return fst__parse_proto(s, len, out);
    case FST_T_FLAGS:
    case FST_T_SMALL:
        return fst__parse_uint_max(s, len, 255, out);
    case FST_T_ACTION:
        return fst__parse_action(s, len, out);
    case FST_T_STATUS:
        return fst__parse_status(s, len, out);
    case FST_T_DIR:
        return fst__parse_dir(s, len, out);
    case FST_T_IPTYPE:
        return fst__parse_iptype(s, len, out);
    default:
        return FST_EINVAL;
    }
}

/* ---- addresses ------------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Groups of 1-4 hex digits separated by ':', at most one "::" standing for
 * one or more zero groups, an optional dotted IPv4 tail in place of the last
 * two groups.  No zone ("%eth0"), no brackets, no prefix length. */
int fst__parse_ipv6(const char *s, size_t len, uint8_t out[16])
{
    uint16_t g[8];
    int ng = 0, dc = -1; /* dc: group index where "::" sits */
    size_t i = 0;

    if (len < 2 || len > 45)
        return FST_EADDR;
    if (s[0] == ':') {
        if (s[1] != ':')
            return FST_EADDR;
        dc = 0;
        i = 2;
    }
    while (i < len) {
        size_t st = i;
        unsigned v = 0;
        int h;
        while (i < len && (h = hexval((unsigned char)s[i])) >= 0) {
            v = v * 16 + (unsigned)h;
            if (++i - st > 4)
                return FST_EADDR;
        }
        if (i < len && s[i] == '.') {
            uint8_t q[4];
            if (ng > 6 || fst__parse_ipv4_bytes(s + st, len - st, q) < 0)
                return FST_EADDR;
            g[ng++] = (uint16_t)(q[0] << 8 | q[1]);
            g[ng++] = (uint16_t)(q[2] << 8 | q[3]);
            i = len;
            break;
        }
        if (i == st || ng == 8)
            return FST_EADDR;
        g[ng++] = (uint16_t)v;
        if (i == len)
            break;
        if (s[i] != ':')
            return FST_EADDR;
        if (++i == len)
            return FST_EADDR; /* trailing single ':' */
        if (s[i] == ':') {
            if (dc >= 0)
                return FST_EADDR; /* a second "::" */
            dc = ng;
            i++;
        }
    }
    if (dc >= 0) {
        if (ng > 7)
            return FST_EADDR; /* "::" must stand for at least one group */
        int zeros = 8 - ng;
        memmove(g + dc + zeros, g + dc, (size_t)(ng - dc) * sizeof g[0]);
        for (int k = 0; k < zeros; k++)
            g[dc + k] = 0;
    } else if (ng != 8) {
        return FST_EADDR;
    }
    for (int k = 0; k < 8; k++) {
        out[2 * k] = (uint8_t)(g[k] >> 8);
        out[2 * k + 1] = (uint8_t)g[k];
    }
    return 0;
}

int fst_addr_parse(const char *s, size_t len, fst_addr *out)
{
    if (!s || !out)
        return FST_EINVAL;
    if (memchr(s, ':', len)) {
        fst_addr a;
        if (fst__parse_ipv6(s, len, a.b) < 0)
            return FST_EADDR;
        a.family = 6;
        *out = a;
        return 0;
    }
    return fst__parse_ipv4(s, len, out);
}

/* Small appenders for fst_addr_format: write into buf while room remains,
 * always count the full length. */
typedef struct outbuf {
    char *p;
    size_t n, len;
} outbuf;

static void put_c(outbuf *o, char c)
{
    if (o->len + 1 < o->n)
        o->p[o->len] = c;
    o->len++;
}

static void put_dec(outbuf *o, unsigned v)
{
    if (v >= 100)
        put_c(o, (char)('0' + v / 100));
    if (v >= 10)
        put_c(o, (char)('0' + v / 10 % 10));
    put_c(o, (char)('0' + v % 10));
}

static void put_hex16(outbuf *o, unsigned v)
{
    static const char hx[] = "0123456789abcdef";
    int started = 0;
    for (int sh = 12; sh >= 0; sh -= 4) {
        unsigned d = (v >> sh) & 15;
        if (d || started || sh == 0) {
            put_c(o, hx[d]);
            started = 1;
        }
    }
}

static void put_quad(outbuf *o, const uint8_t *q)
{
    for (int k = 0; k < 4; k++) {
        if (k)
            put_c(o, '.');
        put_dec(o, q[k]);
    }
}

static int is_v4mapped(const uint8_t *b)
{
    static const uint8_t pre[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(b, pre, 12) == 0;
}

static void format_v6(outbuf *o, const uint8_t *b)
{
    unsigned g[8];
    for (int k = 0; k < 8; k++)
        g[k] = (unsigned)b[2 * k] << 8 | b[2 * k + 1];
    /* RFC 5952 4.2: the longest run of >= 2 zero groups, the first on ties. */
    int best = -1, bestlen = 1;
    for (int k = 0; k < 8;) {
        if (g[k] != 0) {
            k++;
            continue;
        }
        int e = k;
        while (e < 8 && g[e] == 0)
            e++;
        if (e - k > bestlen) {
            best = k;
            bestlen = e - k;
        }
        k = e;
    }
    /* RFC 5952 5: IPv4-mapped addresses keep the dotted tail. */
    int ngroups = is_v4mapped(b) ? 6 : 8;
    for (int k = 0; k < ngroups; k++) {
        if (k == best) {
            put_c(o, ':');
            put_c(o, ':');
            k += bestlen - 1;
            continue;
        }
        if (k > 0 && k != best + bestlen)
            put_c(o, ':');
        put_hex16(o, g[k]);
    }
    if (ngroups == 6) {
        if (best + bestlen != 6)
            put_c(o, ':');
        put_quad(o, b + 12);
    }
}

size_t fst_addr_format(const fst_addr *a, char *buf, size_t n)
{
    outbuf o = {buf, n, 0};
    if (!a || a->family == 0)
        put_c(&o, '-');
    else if (a->family == 4)
        put_quad(&o, a->b + 12);
    else
        format_v6(&o, a->b);
    if (n > 0)
        buf[o.len < n ? o.len : n - 1] = '\0';
    return o.len < n ? o.len : (n ? n - 1 : 0);
}

int fst_addr_cmp(const fst_addr *a, const fst_addr *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    int c = memcmp(a->b, b->b, 16);
    return (c > 0) - (c < 0);
}

int fst_field_addr_slot(int field)
{
    switch (field) {
    case FST_F_SRCADDR:
        return FST_A_SRC;
    case FST_F_DSTADDR:
        return FST_A_DST;
    case FST_F_PKT_SRCADDR:
        return FST_A_PKT_SRC;
    case FST_F_PKT_DSTADDR:
        return FST_A_PKT_DST;
    default:
        return -1;
    }
}
