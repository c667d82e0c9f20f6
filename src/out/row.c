/* out/row.c - the row buffer and the text helpers (out/row.h). */
#include "out/row.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "flowstitch/errors.h"
#include "util/util.h"

/* ---- the row buffer ---------------------------------------------------- */

/* The first buffer: enough for any session row with a few ENIs. */
#define ROW_BUF_MIN 4096

char *fst__writer_reserve(fst_writer *w, size_t need)
{
    if (need <= w->cap)
        return w->buf;
    size_t cap = w->cap ? w->cap : ROW_BUF_MIN;
    while (cap < need)
        cap *= 2;
    char *b = fst__realloc(w->buf, cap);
    if (!b)
        return NULL;
    w->buf = b;
    w->cap = cap;
    return b;
}

int fst__writer_emit(fst_writer *w, const char *end)
{
    const size_t n = (size_t)(end - w->buf);
    if (fwrite(w->buf, 1, n, w->f) != n) {
        w->failed = 1;
        return FST_EIO;
    }
    return 0;
}

/* ---- text -------------------------------------------------------------- */

/* One IPv4 octet in decimal. */
static char *put_octet(char *p, unsigned v)
{
    if (v >= 100) {
        *p++ = (char)('0' + v / 100);
        v %= 100;
        memcpy(p, fst__digit_pairs + 2 * v, 2);
        return p + 2;
    }
    if (v >= 10) {
        memcpy(p, fst__digit_pairs + 2 * v, 2);
        return p + 2;
    }
    *p++ = (char)('0' + v);
    return p;
}

char *fst__put_addr(char *p, const fst_addr *a)
{
    if (a->family == 4) { /* fst_addr_format's dotted quad, without its bounds */
        for (int i = 12; i < 16; i++) {
            p = put_octet(p, a->b[i]);
            *p++ = '.';
        }
        return p - 1;
    }
    return p + fst_addr_format(a, p, FST_ADDR_STRLEN);
}

/* Bytes at the start of s[0..len) that JSON takes as they are: not '"',
 * '\\', a control byte, nor a byte >= 0x80.  Eight at a time. */
static size_t json_plain_len(const char *s, size_t len)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        const uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
        const uint64_t bad = ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b) | w;
        if (bad & high)
            break;
    }
    while (i < len) {
        const unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
            break;
        i++;
    }
    return i;
}

size_t fst__utf8_seq(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80)
        return 1;
    size_t k;
    unsigned lo = 0x80, hi = 0xbf; /* the second byte's range (RFC 3629 table) */
    if (u[0] >= 0xc2 && u[0] <= 0xdf)
        k = 2;
    else if (u[0] >= 0xe0 && u[0] <= 0xef) {
        k = 3;
        lo = u[0] == 0xe0 ? 0xa0 : 0x80; /* no overlong forms */
        hi = u[0] == 0xed ? 0x9f : 0xbf; /* no UTF-16 surrogates */
    } else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
        k = 4;
        lo = u[0] == 0xf0 ? 0x90 : 0x80;
        hi = u[0] == 0xf4 ? 0x8f : 0xbf; /* nothing above U+10FFFF */
    } else
        return 0;
    if (n < k || u[1] < lo || u[1] > hi)
        return 0;
    for (size_t i = 2; i < k; i++)
        if (u[i] < 0x80 || u[i] > 0xbf)
            return 0;
    return k;
}

char *fst__put_json_str_n(char *p, const char *s, size_t len, uint64_t *replaced)
{
    static const char hex[] = "0123456789abcdef";
    *p++ = '"';
    const size_t plain = json_plain_len(s, len);
    p = fst__put(p, s, plain);
    for (size_t i = plain; i < len;) {
        const unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = (char)c;
        } else if (c < 0x20) {
            p = FST__PUT_LIT(p, "\\u00");
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        } else if (c >= 0x80) {
            const size_t k = fst__utf8_seq(s + i, len - i);
            if (k == 0) {
                p = FST__PUT_LIT(p, FST__UTF8_REPLACEMENT);
                if (replaced)
                    (*replaced)++;
                i++;
                continue;
            }
            p = fst__put(p, s + i, k);
            i += k;
            continue;
        } else {
            *p++ = (char)c;
        }
        i++;
    }
    *p++ = '"';
    return p;
}

/* Here, not in writer.c: format files call it, and writer.c (the registry)
 * refers to the format files; keeping it apart keeps calls one-way. */
size_t fst__time_iso(char *buf, int64_t t)
{
    const time_t tt = (time_t)t;
    struct tm tm;
    if ((int64_t)tt != t || !gmtime_r(&tt, &tm))
        return (size_t)snprintf(buf, FST_TIME_ISO_MAX, "%lld", (long long)t);
    const int n = snprintf(buf, FST_TIME_ISO_MAX, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
                           (long long)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                           tm.tm_min, tm.tm_sec);
    return n > 0 && n < FST_TIME_ISO_MAX ? (size_t)n : 0;
}

char *fst__put_json_str(char *p, const char *s, size_t len)
{
    return fst__put_json_str_n(p, s, len, NULL);
}
