/* cli/mapred.c - the wire shared by `map`, `reduce` and `merge`
 * (docs/distributed.md): the escaping of text fields, the 64-bit hash that
 * names sources, tasks and shards, the order of input names, and reading
 * a whole stream into memory as lines. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

uint64_t fst_cli_fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* The bytes a text field may not hold as they are: the separators of the
 * wire (tab, newline), carriage return, NUL, and '%' itself. */
static inline int needs_escape(unsigned char c)
{
    /* one test for the common case: every escaped byte is below '&' */
    return c < '&' && (c == '%' || c == '\t' || c == '\n' || c == '\r' || c == '\0');
}

size_t fst_cli_escape(char *dst, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    char *d = dst;
    for (size_t i = 0; i < n; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (!needs_escape(c)) {
            *d++ = (char)c;
            continue;
        }
        *d++ = '%';
        *d++ = hex[c >> 4];
        *d++ = hex[c & 15];
    }
    return (size_t)(d - dst);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

long fst_cli_unescape(char *s, size_t n)
{
    const char *pct = memchr(s, '%', n);
    if (!pct)
        return (long)n; /* the common case: nothing escaped */
    size_t o = (size_t)(pct - s);
    for (size_t i = o; i < n; i++) {
        if (s[i] != '%') {
            s[o++] = s[i];
            continue;
        }
        if (i + 2 >= n)
            return -1;
        const int a = hexval(s[i + 1]), b = hexval(s[i + 2]);
        if (a < 0 || b < 0 || !needs_escape((unsigned char)(a << 4 | b)))
            return -1;
        s[o++] = (char)(a << 4 | b);
        i += 2;
    }
    return (long)o;
}

int fst_cli_path_cmp(const char *a, const char *b)
{
    /* a recursive walk in byte order of names: '/' sorts below every byte */
    for (;; a++, b++) {
        const int ca = *a == '/' ? 0 : (unsigned char)*a + 1;
        const int cb = *b == '/' ? 0 : (unsigned char)*b + 1;
        if (!*a || !*b || ca != cb)
            return !*a ? (*b ? -1 : 0) : !*b ? 1 : ca - cb;
    }
}

int fst_cli_hex64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        const int d = s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
                      : s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1;
        if (d < 0)
            return -1;
        v = v << 4 | (uint64_t)d;
    }
    if (s[16])
        return -1;
    *out = v;
    return 0;
}

int fst_cli_dec64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s || (*s == '0' && s[1]))
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

int fst_cli_slurp(FILE *f, fst_cli_lines *out)
{
    size_t cap = 1 << 20, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return -1;
    for (;;) {
        if (cap - len < (1 << 16)) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                return -1;
            }
            buf = nb;
            cap *= 2;
        }
        const size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        return -2;
    }
    if (len && buf[len - 1] != '\n')
        buf[len++] = '\n'; /* a last line without newline (room kept above) */
    out->buf = buf;
    out->len = len;
    out->pos = 0;
    out->lineno = 0;
    return 0;
}

char *fst_cli_next_line(fst_cli_lines *l)
{
    if (l->pos >= l->len)
        return NULL;
    char *s = l->buf + l->pos;
    char *nl = memchr(s, '\n', l->len - l->pos);
    *nl = '\0';
    l->pos = (size_t)(nl - l->buf) + 1;
    l->lineno++;
    return s;
}

int fst_cli_split_tabs(char *s, char **f, int max)
{
    int n = 0;
    for (;;) {
        if (n == max)
            return max + 1;
        f[n++] = s;
        char *t = strchr(s, '\t');
        if (!t)
            return n;
        *t = '\0';
        s = t + 1;
    }
}

void fst_cli_put_record(FILE *out, const char *layout, const char **cur, const char *raw,
                        size_t len)
{
    if (!*cur || (layout != *cur && strcmp(layout, *cur))) {
        fputs(layout, out);
        putc('\n', out);
        *cur = layout;
    }
    fputs(FST_CLI_RECORD_PREFIX, out);
    fwrite(raw, 1, len, out);
    putc('\n', out);
}
