/* parse/record.c - one line of text to one fst_record.
 *
 * Per line: blank / '#' lines are ignored; a leading ISO-8601 UTC token
 * (CloudWatch Logs export) is stripped into export_ms; a line whose first
 * token is a known field name and whose tokens are mostly name-shaped is a
 * header and becomes the layout for the rest of the file; anything else is
 * split on runs of spaces and each column converted by its field type.
 *
 * Hot path: the per-column "plan" (conversion kind, field id, address slot)
 * is computed once per layout, so a record is one tokenising pass and one
 * switch per column, with no allocation.  Id strings are interned, with a
 * one-entry cache per field because consecutive lines mostly repeat them.
 */
#include <stdio.h> /* snprintf, for problem text only */
#include <string.h>

#include "parse/fields.h"
#include "parse/format.h"
#include "parse/header.h"
#include "parse/intern.h"
#include "parse/parser.h"
#include "parse/parser_int.h"
#include "util/util.h"

/* ---- layout ---------------------------------------------------------- */

static uint8_t kind_of(int type)
{
    switch (type) {
    case FST_T_UINT:
    case FST_T_TIME:
        return K_U64;
    case FST_T_PORT:
        return K_PORT;
    case FST_T_FLAGS:
    case FST_T_SMALL:
        return K_BYTE;
    case FST_T_PROTO:
        return K_PROTO;
    case FST_T_ADDR:
        return K_ADDR;
    case FST_T_ID:
        return K_ID;
    case FST_T_ACTION:
        return K_ACTION;
    case FST_T_STATUS:
        return K_STATUS;
    case FST_T_DIR:
        return K_DIR;
    case FST_T_IPTYPE:
        return K_IPTYPE;
    default:
        return K_SKIP;
    }
}


/* Make f the layout in force: grow plan[]/cols[] if needed, fill the plan. */
static int use_format(fst__parser *p, const fst_format *f)
{
    if (f->ncols > p->cap) {
        plan *np = fst__realloc(p->plan, f->ncols * sizeof(plan));
        if (!np)
            return FST_ENOMEM;
        p->plan = np;
        fst_str *nc = fst__realloc(p->cols, f->ncols * sizeof(fst_str));
        if (!nc)
            return FST_ENOMEM;
        p->cols = nc;
        p->cap = f->ncols;
    }
    uint16_t naddr = 0;
    for (int c = 0; c < f->ncols; c++) {
        int id = f->ids[c];
        plan *pl = &p->plan[c];
        pl->id = (uint8_t)id;
        pl->kind = id == FST_F_UNKNOWN   ? K_SKIP
                   : id == FST_F_VERSION ? K_VERSION
                                         : kind_of(fst_field_type(id));
        pl->slot = pl->kind == K_ADDR ? (uint8_t)fst_field_addr_slot(id) : 0;
        naddr += pl->kind == K_ADDR;
    }
    p->naddr = naddr;
    p->cur = f;
    p->gen++;
    return 0;
}

fst__parser *fst__parser_new(void)
{
    fst__parser *p = fst__calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->intern = fst__intern_new();
    p->base = fst__format_default();
    if (!p->intern || !p->base || use_format(p, p->base) < 0) {
        fst__parser_free(p);
        return NULL;
    }
    return p;
}

void fst__parser_free(fst__parser *p)
{
    if (!p)
        return;
    fst__format_free(p->base);
    fst__format_free(p->hdr);
    fst__intern_free(p->intern);
    for (uint32_t i = 0; i < p->n_wmap; i++)
        fst__free(p->wmap[i].e);
    fst__free(p->wmap);
    fst__free(p->plan);
    fst__free(p->cols);
    fst__free(p);
}

int fst__parser_set_fields(fst__parser *p, const char *fmt)
{
    int err = 0;
    fst_format *f = fmt ? fst__format_from_string(fmt, &err, NULL) : fst__format_default();
    if (!f)
        return fmt ? err : FST_ENOMEM;
    /* Install the new base once so plan[]/cols[] fit it (file_begin may
     * switch back to it without a way to report failure), then restore
     * the header layout if a file with a header is being read. */
    int rc = use_format(p, f);
    if (rc < 0) {
        fst__format_free(f);
        (void)use_format(p, p->hdr ? p->hdr : p->base);
        return rc;
    }
    fst__format_free(p->base);
    p->base = f;
    if (p->hdr)
        (void)use_format(p, p->hdr); /* hdr fit before: cannot grow */
    return 0;
}

void fst__parser_file_begin(fst__parser *p, const char *file)
{
    p->file = file;
    p->bad_hdr[0] = '\0';
    if (p->hdr) {
        (void)use_format(p, p->base); /* base fit before: cannot grow */
        fst__format_free(p->hdr);
        p->hdr = NULL;
    }
}

const char *fst__parser_file(const fst__parser *p)
{
    return p->file;
}

const char *fst__parser_intern(fst__parser *p, const char *s, size_t len, uint32_t *id)
{
    return fst__intern_get(p->intern, s, len, id);
}

/* ---- problems -------------------------------------------------------- */

/* "name: "value" reason" into p->why, the value cut at 40 bytes and
 * non-printable bytes shown as '?'. */
static const char *field_why(fst__parser *p, int col, const char *v, size_t n, int err)
{
    const fst_format *f = p->cur;
    const char *reason = err == FST_ERANGE    ? "out of range"
                         : err == FST_EADDR   ? "is not an IP address"
                         : err == FST_EVALUE  ? "is not a known value"
                         : err == FST_ENUMBER ? "is not a number"
                                              : "is bad";
    char val[48];
    size_t k = 0, lim = n > 40 ? 37 : n;
    for (; k < lim; k++) {
        unsigned char c = (unsigned char)v[k];
        val[k] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (lim < n) {
        memcpy(val + k, "...", 3);
        k += 3;
    }
    val[k] = '\0';
    size_t len = 0;
    const char *name = f->names[col];
    size_t nl = strlen(name);
    if (nl > 60)
        nl = 60;
    memcpy(p->why, name, nl);
    len = nl;
    len += (size_t)snprintf(p->why + len, sizeof p->why - len, ": \"%s\" %s", val, reason);
    (void)len;
    return p->why;
}

/* ---- header detection ------------------------------------------------ */

/* The first unknown word of a header layout -> p->why ("'srcprot' (did
 * you mean 'srcport'?)") and p->bad_hdr; FST_EUNKNOWN_FIELD, or 0 when every
 * word is a known field. */
static int check_names(fst__parser *p, const fst_format *f, uint64_t lineno)
{
    p->bad_hdr[0] = '\0';
    for (int c = 0; c < f->ncols; c++) {
        if (f->ids[c] != FST_F_UNKNOWN)
            continue;
        const char *w = f->names[c];
        const int near = fst_field_suggest(w, strlen(w));
        if (near == FST_F_UNKNOWN)
            snprintf(p->why, sizeof p->why, "'%.60s' (not a field AWS defines)", w);
        else
            snprintf(p->why, sizeof p->why, "'%.60s' (did you mean '%s'?)", w,
                     fst_field_name(near));
        snprintf(p->bad_hdr, sizeof p->bad_hdr, "'%.60s' in the header at line %llu", w,
                 (unsigned long long)lineno);
        return FST_EUNKNOWN_FIELD;
    }
    return 0;
}

static int take_header(fst__parser *p, const char *s, size_t n, uint64_t lineno,
                       const char **why)
{
    int err;
    const char *w = NULL;
    fst_format *f = fst__format_from_header(s, n, &err, &w);
    if (!f) {
        snprintf(p->why, sizeof p->why, "header: %s", w ? w : "bad");
        *why = p->why;
        return err;
    }
    int rc = use_format(p, f);
    if (rc < 0) {
        fst__format_free(f);
        (void)use_format(p, p->hdr ? p->hdr : p->base);
        *why = "out of memory";
        return rc;
    }
    fst__format_free(p->hdr);
    p->hdr = f;
    if (check_names(p, f, lineno) < 0) {
        *why = p->why;
        return FST_EUNKNOWN_FIELD;
    }
    return FST__LINE_HEADER;
}

/* ---- records --------------------------------------------------------- */

/* Split on runs of spaces; store up to cap tokens, return the count.
 * Little-endian builds look for spaces 8 bytes at a time (exact SWAR test,
 * no false positives), the rest byte by byte. */
#define TOKEN(st, en)                                                        \
    do {                                                                     \
        if ((en) > (st)) {                                                   \
            if (n < cap) {                                                   \
                cols[n].ptr = (st);                                          \
                cols[n].len = (uint32_t)((en) - (st));                       \
            }                                                                \
            n++;                                                             \
        }                                                                    \
    } while (0)

static size_t tokenize(const char *s, const char *e, fst_str *cols, size_t cap)
{
    size_t n = 0;
    const char *tok = s, *p = s;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
    const uint64_t sp = 0x2020202020202020ull, lo7 = 0x7f7f7f7f7f7f7f7full;
    for (; e - p >= 8; p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        const uint64_t x = w ^ sp; /* space bytes become 0 */
        uint64_t m = ~(((x & lo7) + lo7) | x | lo7); /* 0x80 in each zero byte */
        while (m) {
            const char *at = p + (__builtin_ctzll(m) >> 3);
            TOKEN(tok, at);
            tok = at + 1;
            m &= m - 1;
        }
    }
#endif
    for (; p < e; p++) {
        if (*p == ' ') {
            TOKEN(tok, p);
            tok = p + 1;
        }
    }
    TOKEN(tok, e);
    return n;
}
#undef TOKEN

/* Byte equality without a libc call: ids are short, so compare 8-byte
 * words, the last one overlapping. */
static inline int same_bytes(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            if (a[i] != b[i])
                return 0;
        return 1;
    }
    for (size_t i = 0; i + 8 < n; i += 8) {
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
            return 0;
    }
    memcpy(&x, a + n - 8, 8);
    memcpy(&y, b + n - 8, 8);
    return x == y;
}

/* The cached interned copy of s[0..n) for field id, from table t: 0, or
 * -1 when t is full (worker-local tables) or out of memory. */
static int cached(fst__parser *p, fst__intern *t, uint32_t max, int id, const char *s,
                  uint32_t n)
{
    icache *c = &p->cache[id];
    if (c->s && c->len == n && same_bytes(c->s, s, n))
        return 0;
    uint32_t iid;
    const char *is = fst__intern_count(t) >= max ? NULL : fst__intern_get(t, s, n, &iid);
    if (!is)
        return -1;
    c->s = is;
    c->len = n;
    c->id = iid;
    return 0;
}

int fst__parser_intern_field(fst__parser *p, fst_record *rec, int id, const char *s, uint32_t n)
{
    if (p->nointern) { /* a parse worker: the consumer interns (parse/pack.c) */
        if (p->local) /* its local id, or 0 (full, out of memory): the reading thread interns */
            rec->num[id] = cached(p, p->local, FST__LOCAL_IDS_MAX, id, s, n) < 0 ? 0
                                                                                  : p->cache[id].id;
        return 0;
    }
    const char *is;
    uint32_t num;
    FST__TRY(fst__parser_intern_id(p, id, s, n, &is, &num));
    fst__record_set_id(rec, id, is, num);
    return 0;
}

int fst__parser_intern_id(fst__parser *p, int id, const char *s, uint32_t n, const char **out,
                       uint32_t *num)
{
    if (cached(p, p->intern, UINT32_MAX, id, s, n) < 0)
        return FST_ENOMEM;
    *out = p->cache[id].s;
    *num = p->cache[id].id;
    return 0;
}

/* An id field of the line: interned by ids_now once the line is a record. */
static void id_later(fst__parser *p, int id, const char *s, uint32_t n)
{
    if (p->npend < FST_FIELD_COUNT) /* a layout names each field once */
        p->pend[p->npend++] = (fst__pend_id){id, n, s};
}

static int ids_now(fst__parser *p, fst_record *rec)
{
    for (uint32_t i = 0; i < p->npend; i++)
        FST__TRY(fst__parser_intern_field(p, rec, p->pend[i].id, p->pend[i].s, p->pend[i].n));
    p->npend = 0;
    return 0;
}

/* A "-" column: flag it and clear its value. */
static void set_dash(fst_record *rec, const plan *pl)
{
    int id = pl->id;
    if (id == FST_F_UNKNOWN)
        return;
    FST_FIELDSET_ADD(rec->dash, id);
    rec->num[id] = 0;
    rec->ids[id] = NULL;
    if (pl->kind == K_ADDR)
        memset(&rec->addr[pl->slot], 0, sizeof rec->addr[0]);
}

static int convert(fst__parser *p, fst_record *rec, size_t ncols, int *badcol)
{
    const plan *pl = p->plan;
    const fst_str *cols = p->cols;
    p->npend = 0;
    for (size_t c = 0; c < ncols; c++) {
        const char *s = cols[c].ptr;
        uint32_t n = cols[c].len;
        int id = pl[c].id, rc = 0;
        if (pl[c].kind == K_SKIP && id == FST_F_UNKNOWN)
            continue;
        if (n == 1 && s[0] == '-') {
            set_dash(rec, &pl[c]);
            continue;
        }
        switch (pl[c].kind) {
        case K_SKIP:
            break;
        case K_U64:
            rc = fst__parse_u64(s, n, &rec->num[id]);
            break;
        case K_VERSION:
            rc = fst__parse_version(s, n, &rec->num[id]);
            break;
        case K_PORT:
            rc = fst__parse_uint_max(s, n, 65535, &rec->num[id]);
            break;
        case K_BYTE:
            rc = fst__parse_uint_max(s, n, 255, &rec->num[id]);
            break;
        case K_PROTO:
            rc = fst__parse_proto(s, n, &rec->num[id]);
            break;
        case K_ADDR: {
            /* IPv4 first: it fails fast on IPv6 text. */
            fst_addr *a = &rec->addr[pl[c].slot];
            rc = fst__parse_ipv4(s, n, a);
            if (rc < 0 && memchr(s, ':', n)) {
                rc = fst__parse_ipv6(s, n, a->b);
                a->family = 6;
            }
            break;
        }
        case K_ID:
            id_later(p, id, s, n);
            break;
        case K_ACTION:
            rc = fst__parse_action(s, n, &rec->num[id]);
            break;
        case K_STATUS:
            rc = fst__parse_status(s, n, &rec->num[id]);
            break;
        case K_DIR:
            rc = fst__parse_dir(s, n, &rec->num[id]);
            break;
        default:
            rc = fst__parse_iptype(s, n, &rec->num[id]);
            break;
        }
        if (rc < 0) {
            *badcol = (int)c;
            return rc;
        }
    }
    return 0;
}

/* ---- the fused fast path --------------------------------------------- */

/* End of the token starting at q (the next space, or e). */
static inline const char *tok_end(const char *q, const char *e)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
    const uint64_t sp = 0x2020202020202020ull, lo7 = 0x7f7f7f7f7f7f7f7full;
    for (; e - q >= 8; q += 8) {
        uint64_t w;
        memcpy(&w, q, 8);
        const uint64_t x = w ^ sp;
        const uint64_t m = ~(((x & lo7) + lo7) | x | lo7);
        if (m)
            return q + (__builtin_ctzll(m) >> 3);
    }
#endif
    while (q < e && *q != ' ')
        q++;
    return q;
}

/* 1-19 digits ending at a space or at e.  The line is NUL-terminated at e,
 * so the digit loop needs no bound. */
static inline int fast_digits(const char **qp, const char *e, uint64_t *v)
{
    const char *q = *qp, *st = q;
    uint64_t x = 0;
    unsigned d;
    while ((d = (unsigned)(unsigned char)*q - '0') <= 9) {
        x = x * 10 + d;
        q++;
    }
    if (q == st || q - st > 19 || (q != e && *q != ' '))
        return 0;
    *v = x;
    *qp = q;
    return 1;
}

/* Dotted quad ending at a space or at e (same rules as fst__parse_ipv4). */
static inline int fast_ipv4(const char **qp, const char *e, fst_addr *a)
{
    const char *q = *qp;
    uint8_t b[4];
    for (int part = 0; part < 4; part++) {
        unsigned v, d;
        if ((v = (unsigned)(unsigned char)*q - '0') > 9)
            return 0;
        q++;
        if ((d = (unsigned)(unsigned char)*q - '0') <= 9) {
            if (v == 0)
                return 0;
            v = v * 10 + d;
            q++;
            if ((d = (unsigned)(unsigned char)*q - '0') <= 9) {
                v = v * 10 + d;
                q++;
                if (v > 255)
                    return 0;
            }
        }
        b[part] = (uint8_t)v;
        if (part < 3) {
            if (*q != '.')
                return 0;
            q++;
        }
    }
    if (q != e && *q != ' ')
        return 0;
    memset(a->b, 0, 10);
    a->b[10] = 0xff;
    a->b[11] = 0xff;
    memcpy(a->b + 12, b, 4);
    a->family = 4;
    *qp = q;
    return 1;
}

/* A number-like column that missed the fast path ("TCP", "2.0", leading
 * zeros past 19 digits...): the full parser. */
static int slow_number(int kind, const char *s, size_t n, uint64_t *v)
{
    switch (kind) {
    case K_VERSION:
        return fst__parse_version(s, n, v);
    case K_PORT:
        return fst__parse_uint_max(s, n, 65535, v);
    case K_BYTE:
        return fst__parse_uint_max(s, n, 255, v);
    case K_PROTO:
        return fst__parse_proto(s, n, v);
    default:
        return fst__parse_u64(s, n, v);
    }
}

static const uint64_t num_max[] = {
    [K_U64] = UINT64_MAX, [K_VERSION] = UINT64_MAX, [K_PORT] = 65535, [K_BYTE] = 255,
    [K_PROTO] = 255};

/* Tokenise and convert in one pass.  Returns 0 when every column of the
 * layout converted and nothing follows; -1 otherwise, and the caller redoes
 * the line with the two-pass code, which reports the exact problem. */
static int convert_fused(fst__parser *p, const char *q, const char *e, fst_record *rec)
{
    const size_t nc = p->cur->ncols;
    const plan *pl = p->plan;
    fst_str *cols = p->cols;
    p->npend = 0;
    for (size_t c = 0; c < nc; c++) {
        while (*q == ' ')
            q++;
        if (q >= e)
            return -1;
        const char *st = q;
        const int id = pl[c].id;
        const int kind = pl[c].kind;
        if (st[0] == '-' && (st + 1 == e || st[1] == ' ')) {
            q = st + 1;
            set_dash(rec, &pl[c]);
        } else {
            switch (kind) {
            case K_U64:
            case K_VERSION:
            case K_PORT:
            case K_BYTE:
            case K_PROTO: {
                uint64_t v;
                if (!fast_digits(&q, e, &v)) {
                    q = tok_end(st, e);
                    if (slow_number(kind, st, (size_t)(q - st), &v) < 0)
                        return -1;
                } else if (v > num_max[kind]) {
                    return -1;
                }
                rec->num[id] = v;
                break;
            }
            case K_ADDR: {
                fst_addr *a = &rec->addr[pl[c].slot];
                if (!fast_ipv4(&q, e, a)) {
                    q = tok_end(st, e);
                    if (fst__parse_ipv6(st, (size_t)(q - st), a->b) < 0)
                        return -1;
                    a->family = 6;
                }
                break;
            }
            case K_ID:
                q = tok_end(st, e);
                id_later(p, id, st, (uint32_t)(q - st));
                break;
            case K_ACTION:
                q = tok_end(st, e);
                if (fst__parse_action(st, (size_t)(q - st), &rec->num[id]) < 0)
                    return -1;
                break;
            case K_STATUS:
                q = tok_end(st, e);
                if (fst__parse_status(st, (size_t)(q - st), &rec->num[id]) < 0)
                    return -1;
                break;
            case K_DIR:
                q = tok_end(st, e);
                if (fst__parse_dir(st, (size_t)(q - st), &rec->num[id]) < 0)
                    return -1;
                break;
            case K_IPTYPE:
                q = tok_end(st, e);
                if (fst__parse_iptype(st, (size_t)(q - st), &rec->num[id]) < 0)
                    return -1;
                break;
            default:
                q = tok_end(st, e);
                break;
            }
        }
        cols[c].ptr = st;
        cols[c].len = (uint32_t)(q - st);
    }
    while (*q == ' ')
        q++;
    return q >= e ? 0 : -1;
}

/* The two-pass path: tokenise, check the count, convert; used when the
 * fused pass gave up, to name the exact problem. */
static int parse_slow(fst__parser *p, const char *s, const char *e, fst_record *rec,
                      const char **why)
{
    const fst_format *f = p->cur;
    size_t n = tokenize(s, e, p->cols, f->ncols);
    if (n != f->ncols) {
        snprintf(p->why, sizeof p->why, "%u fields expected, %zu found", (unsigned)f->ncols, n);
        *why = p->why;
        return FST_EFIELDS;
    }
    rec->dash.w[0] = rec->dash.w[1] = 0;
    rec->eni = 0;
    int bad = -1;
    int rc = convert(p, rec, n, &bad);
    if (rc == FST_ENOMEM) {
        *why = "out of memory";
        return rc;
    }
    if (rc < 0) {
        *why = field_why(p, bad, p->cols[bad].ptr, p->cols[bad].len, rc);
        return rc;
    }
    return 0;
}

void fst__parser_fresh_record(fst__parser *p, fst_record *rec)
{
    if (rec != p->last_rec || p->gen != p->last_gen) {
        /* Fields absent from this layout must read as zero/NULL. */
        memset(rec->num, 0, sizeof rec->num);
        memset(rec->ids, 0, sizeof rec->ids);
        memset(rec->addr, 0, sizeof rec->addr);
        p->last_rec = rec;
        p->last_gen = p->gen;
    }
}

static int parse_record(fst__parser *p, const char *s, const char *e, fst_record *rec,
                        const char **why)
{
    const fst_format *f = p->cur;
    fst__parser_fresh_record(p, rec);
    rec->dash.w[0] = rec->dash.w[1] = 0;
    rec->eni = 0;
    if (convert_fused(p, s, e, rec) < 0) {
        int rc = parse_slow(p, s, e, rec, why);
        if (rc < 0) {
            p->last_rec = NULL; /* the record is half written */
            return rc;
        }
    }
    /* AWS writes end >= start (the window's first and last packet
     * seconds): a record ending before it starts is corrupt, not a window */
    if (FST_FIELDSET_HAS(f->fields, FST_F_START) && FST_FIELDSET_HAS(f->fields, FST_F_END) &&
        !FST_FIELDSET_HAS(rec->dash, FST_F_START) && !FST_FIELDSET_HAS(rec->dash, FST_F_END) &&
        rec->num[FST_F_END] < rec->num[FST_F_START]) {
        snprintf(p->why, sizeof p->why, "end: \"%llu\" is before start (%llu)",
                 (unsigned long long)rec->num[FST_F_END],
                 (unsigned long long)rec->num[FST_F_START]);
        *why = p->why;
        p->last_rec = NULL;
        return FST_EVALUE;
    }
    if (ids_now(p, rec) < 0) {
        p->last_rec = NULL;
        *why = "out of memory";
        return FST_ENOMEM;
    }
    rec->format = f;
    rec->cols = p->cols;
    rec->file = p->file;
    rec->status = FST_STATUS_OK;
    if (f->col[FST_F_LOG_STATUS] >= 0 && !FST_FIELDSET_HAS(rec->dash, FST_F_LOG_STATUS))
        rec->status = (uint8_t)rec->num[FST_F_LOG_STATUS];
    return FST__LINE_RECORD;
}

int fst__parser_is_header(const char *text, size_t len, uint64_t lineno)
{
    const char *s = text, *e = text + len;
    if (lineno == 1 && fst__has_bom(s, len))
        s += FST__BOM_LEN;
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
        s++;
    return s < e && *s >= 'a' && *s <= 'z' && fst__looks_like_header(s, (size_t)(e - s));
}

int fst__parser_line(fst__parser *p, char *text, size_t len, uint64_t lineno, fst_record *rec,
                     const char **why)
{
    static const char none[] = "";
    const char *s = text, *e = text + len;
    *why = none;
    if (lineno == 1 && fst__has_bom(s, len))
        s += FST__BOM_LEN; /* a UTF-8 byte-order mark some editors write */
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
        s++;
    if (s == e || *s == '#')
        return FST__LINE_IGNORED;

    int64_t export_ms = -1;
    if (*s >= '0' && *s <= '9' && e - s >= 20 && s[4] == '-') {
        const char *t = s;
        while (t < e && *t != ' ')
            t++;
        export_ms = fst__iso_ms(s, (size_t)(t - s));
        if (export_ms >= 0)
            s = t;
    } else if (*s >= 'a' && *s <= 'z' && fst__looks_like_header(s, (size_t)(e - s))) {
        return take_header(p, s, (size_t)(e - s), lineno, why);
    }
    if (p->bad_hdr[0]) {
        *why = p->bad_hdr;
        return FST_EUNKNOWN_FIELD;
    }
    int rc = parse_record(p, s, e, rec, why);
    if (rc > 0) {
        rec->line = lineno;
        rec->export_ms = export_ms;
    }
    return rc;
}
