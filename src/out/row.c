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

char *fst__put_addr(char *p, const fst_addr *a)
{
    return p + fst_addr_format(a, p, FST_ADDR_STRLEN);
}

char *fst__put_json_str(char *p, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    *p++ = '"';
    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = (char)c;
        } else if (c < 0x20) {
            p = FST__PUT_LIT(p, "\\u00");
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        } else {
            *p++ = (char)c;
        }
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
