/* out/row.h - building one row of output (internal).
 *
 * Owns: the writer's row buffer (fst__writer_reserve / fst__writer_emit)
 * and the text helpers every format shares.  Rows are built in the buffer
 * and written with one fwrite each (printf per field was most of the time
 * spent writing).  Kept apart from writer.c, which holds the registry, so
 * that format files and the registry do not call each other.
 */
#ifndef FST_OUT_ROW_H
#define FST_OUT_ROW_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "out/writer.h"

/* A buffer of at least need bytes for the next row (valid until the next
 * call); NULL when out of memory. */
char *fst__writer_reserve(fst_writer *w, size_t need);
/* Write w->buf up to end; 0, or FST_EIO (and the error flag) on failure. */
int fst__writer_emit(fst_writer *w, const char *end);

/* ---- text helpers: each writes at p and returns the end --------------- */

/* Longest text of a 64-bit integer, sign included. */
#define FST__NUM_MAX 20
/* JSON escaping grows a byte to at most this many ("\u00XX"). */
#define FST__JSON_GROWTH 6

/* Small and called per field: inline, as they were when each writer had
 * its own static copy. */
static inline char *fst__put(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

/* "00" "01" ... "99": two digits per division. */
static const char fst__digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static inline char *fst__put_u64(char *p, uint64_t v)
{
    char t[FST__NUM_MAX];
    char *q = t + FST__NUM_MAX;
    while (v >= 100) {
        const unsigned r = (unsigned)(v % 100);
        v /= 100;
        q -= 2;
        memcpy(q, fst__digit_pairs + 2 * r, 2);
    }
    if (v >= 10) {
        q -= 2;
        memcpy(q, fst__digit_pairs + 2 * v, 2);
    } else {
        *--q = (char)('0' + v);
    }
    const size_t n = (size_t)(t + FST__NUM_MAX - q);
    memcpy(p, q, n);
    return p + n;
}

static inline char *fst__put_i64(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return fst__put_u64(p, (uint64_t)0 - (uint64_t)v);
    }
    return fst__put_u64(p, (uint64_t)v);
}

#define FST__PUT_LIT(p, lit) fst__put((p), (lit), sizeof(lit) - 1)

/* Canonical text of an address (at most FST_ADDR_STRLEN bytes). */
char *fst__put_addr(char *p, const fst_addr *a);
/* U+FFFD REPLACEMENT CHARACTER in UTF-8: what a byte that is not valid
 * UTF-8 becomes in output text (JSON, CSV, TSV). */
#define FST__UTF8_REPLACEMENT "\xEF\xBF\xBD"
/* Length (1..4) of the valid UTF-8 sequence at s[0..n), n >= 1, or 0 when
 * s[0] starts none (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF, no sequence cut short). */
size_t fst__utf8_seq(const char *s, size_t n);
/* s[0..len) as a JSON string with its quotes: '"' and '\' get a backslash,
 * bytes below 0x20 become \u00XX, valid UTF-8 passes unchanged, and each
 * byte that does not start a valid UTF-8 sequence (nor belongs to one)
 * becomes U+FFFD, counted in *replaced (may be NULL).  At most
 * FST__JSON_GROWTH output bytes per input byte. */
char *fst__put_json_str_n(char *p, const char *s, size_t len, uint64_t *replaced);
/* fst__put_json_str_n without the count. */
char *fst__put_json_str(char *p, const char *s, size_t len);

/* Longest ISO 8601 time fst__time_iso writes (a 64-bit year), with NUL. */
#define FST_TIME_ISO_MAX 40
/* Write unix time t as ISO 8601 UTC ("2024-06-10T02:00:00Z") into buf
 * (FST_TIME_ISO_MAX bytes, no NUL); returns the length. */
size_t fst__time_iso(char *buf, int64_t t);

#endif
