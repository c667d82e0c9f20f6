/* stitch/wire.c - tokens of the engine's distributed-run lines (wire.h). */
#include "stitch/wire.h"

#include <string.h>

#include "util/util.h"

static const char hexd[] = "0123456789abcdef";

void fst__wb_reset(fst__wbuf *b)
{
    b->n = 0;
    b->failed = 0;
}

void fst__wb_free(fst__wbuf *b)
{
    fst__free(b->p);
    memset(b, 0, sizeof *b);
}

void fst__wb_put(fst__wbuf *b, const char *s, size_t n)
{
    if (b->failed || n > UINT32_MAX / 2 ||
        fst__grow((void **)&b->p, &b->cap, b->n + (uint32_t)n + 1, 1) < 0) {
        b->failed = 1;
        return;
    }
    memcpy(b->p + b->n, s, n);
    b->n += (uint32_t)n;
}

void fst__wb_ch(fst__wbuf *b, char c)
{
    fst__wb_put(b, &c, 1);
}

void fst__wb_u64(fst__wbuf *b, uint64_t v)
{
    char t[20];
    int i = 20;
    do
        t[--i] = (char)('0' + v % 10);
    while ((v /= 10));
    fst__wb_put(b, t + i, (size_t)(20 - i));
}

void fst__wb_i64(fst__wbuf *b, int64_t v)
{
    if (v < 0) {
        fst__wb_ch(b, '-');
        fst__wb_u64(b, (uint64_t)0 - (uint64_t)v);
        return;
    }
    fst__wb_u64(b, (uint64_t)v);
}

void fst__wb_addr(fst__wbuf *b, const uint8_t a[16])
{
    char t[32];
    for (int i = 0; i < 16; i++) {
        t[2 * i] = hexd[a[i] >> 4];
        t[2 * i + 1] = hexd[a[i] & 15];
    }
    fst__wb_put(b, t, 32);
}

static int plain(unsigned char c)
{
    return c > 0x20 && c < 0x7f && c != '%' && c != ':' && c != ',';
}

void fst__wb_text(fst__wbuf *b, const char *s)
{
    for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
        if (plain(*u)) {
            fst__wb_ch(b, (char)*u);
            continue;
        }
        const char t[3] = {'%', hexd[*u >> 4], hexd[*u & 15]};
        fst__wb_put(b, t, 3);
    }
}

const char *fst__wb_str(fst__wbuf *b)
{
    fst__wb_put(b, "", 0); /* room for the NUL */
    if (b->failed)
        return NULL;
    b->p[b->n] = '\0';
    return b->p;
}

/* ---- reading ---------------------------------------------------------- */

static int fail(fst__wcur *c)
{
    c->bad = 1;
    return -1;
}

int fst__wc_is(fst__wcur *c, char ch)
{
    if (c->bad || *c->p != ch)
        return 0;
    c->p++;
    return 1;
}

int fst__wc_expect(fst__wcur *c, char ch)
{
    return fst__wc_is(c, ch) ? 0 : fail(c);
}

int fst__wc_u64(fst__wcur *c, uint64_t *v)
{
    if (c->bad || *c->p < '0' || *c->p > '9')
        return fail(c);
    uint64_t x = 0;
    for (; *c->p >= '0' && *c->p <= '9'; c->p++) {
        const unsigned d = (unsigned)(*c->p - '0');
        if (x > (UINT64_MAX - d) / 10)
            return fail(c);
        x = x * 10 + d;
    }
    *v = x;
    return 0;
}

int fst__wc_i64(fst__wcur *c, int64_t *v)
{
    const int neg = fst__wc_is(c, '-');
    uint64_t u;
    if (fst__wc_u64(c, &u) < 0 || u > (uint64_t)INT64_MAX + (uint64_t)neg)
        return fail(c);
    *v = neg ? (int64_t)(0 - u) : (int64_t)u;
    return 0;
}

static int hexv(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

int fst__wc_addr(fst__wcur *c, uint8_t a[16])
{
    if (c->bad)
        return -1;
    for (int i = 0; i < 16; i++) {
        const int h = hexv(c->p[0]), l = h < 0 ? -1 : hexv(c->p[1]);
        if (l < 0)
            return fail(c);
        a[i] = (uint8_t)(h << 4 | l);
        c->p += 2;
    }
    return 0;
}

int fst__wc_text(fst__wcur *c, char **out)
{
    if (c->bad)
        return -1;
    size_t n = 0;
    while (c->p[n] && c->p[n] != ' ' && c->p[n] != ':' && c->p[n] != ',' && c->p[n] != '\t')
        n++;
    char *s = fst__malloc(n + 1);
    if (!s)
        return fail(c);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (c->p[i] != '%') {
            s[k++] = c->p[i];
            continue;
        }
        const int h = i + 2 < n ? hexv(c->p[i + 1]) : -1;
        const int l = h < 0 ? -1 : hexv(c->p[i + 2]);
        if (l < 0 || (h == 0 && l == 0)) {
            fst__free(s);
            return fail(c);
        }
        s[k++] = (char)(h << 4 | l);
        i += 2;
    }
    s[k] = '\0';
    c->p += n;
    *out = s;
    return 0;
}

int fst__wc_word(fst__wcur *c, char *w, size_t cap)
{
    size_t n = 0;
    while (!c->bad &&
           ((*c->p >= 'a' && *c->p <= 'z') || (*c->p >= '0' && *c->p <= '9') || *c->p == '_')) {
        if (n + 1 >= cap)
            return fail(c);
        w[n++] = *c->p++;
    }
    if (!n)
        return fail(c);
    w[n] = '\0';
    return 0;
}
