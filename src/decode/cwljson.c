/* decode/cwljson.c - the fast path for CloudWatch Logs subscription objects.
 *
 * Owns: the validating scan of one JSON object with the tracking of its
 * top-level "messageType" and "logEvents" (scan_*), and the walk of a
 * scanned logEvents array that decodes each message (walk_*).  What is
 * answered and what falls back to jansson: decode/cwljson.h.
 *
 * Two passes.  fst__cwl_scan validates the whole object first, because
 * jansson refuses a document as a whole: nothing may be handed out before
 * the last byte is known to be good.  fst__cwl_event then walks text that
 * is known to be valid, so it only follows the structure (no bounds or
 * grammar checks left) and copies each message into the caller's buffer.
 * Strings are most of the bytes; both passes cross their plain runs eight
 * bytes at a time (plain_len).
 */
#include "decode/cwljson.h"

#include <stdint.h>
#include <string.h>

#define MAX_DEPTH 32  /* deeper nesting falls back (jansson allows 2048) */
#define MAX_NUMBER 64 /* a longer number falls back (jansson may call it an overflow) */

typedef const unsigned char *ptr;

typedef struct scan {
    ptr p;   /* next byte */
    ptr end; /* nothing at or after it is read */
} scan;

typedef enum vtype { V_OTHER = 0, V_STRING, V_ARRAY } vtype;

/* The top-level keys that decide the shape: the last of each counts. */
typedef struct top {
    vtype type;      /* of the "messageType" value (V_OTHER when absent) */
    ptr type_at;     /* its opening quote */
    size_t type_len; /* with both quotes */
    int type_esc;    /* it holds a backslash */
    vtype events;    /* of the "logEvents" value */
    ptr events_at;   /* its '[' */
} top;

static int is_ws(unsigned c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(unsigned c)
{
    return c - '0' < 10u;
}

/* ------------------------------------------------------------ plain runs */

#define ONES UINT64_C(0x0101010101010101)
#define HIGH UINT64_C(0x8080808080808080)

/* High bit set in the bytes of w equal to c, exact up to the first one
 * (a borrow only starts at a byte that matches). */
static uint64_t eq8(uint64_t w, unsigned char c)
{
    const uint64_t x = w ^ (ONES * c);
    return (x - ONES) & ~x & HIGH;
}

/* Bytes from p (at most end - p) before the first '"' or '\\', or, when
 * strict, also before the first byte below 0x20 or above 0x7f.  Eight
 * bytes at a time; on little-endian machines the lowest flagged byte of a
 * word is the first such byte. */
static inline size_t plain_len(ptr p, ptr end, int strict)
{
    const size_t n = (size_t)(end - p);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        uint64_t m = eq8(w, '"') | eq8(w, '\\');
        if (strict)
            m |= ((w - ONES * 0x20) & ~w & HIGH) | (w & HIGH);
        if (m) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return i + ((size_t)__builtin_ctzll(m) >> 3);
#else
            break;
#endif
        }
    }
    for (; i < n; i++) {
        const unsigned c = p[i];
        if (c == '"' || c == '\\' || (strict && (c < 0x20 || c > 0x7f)))
            break;
    }
    return i;
}

size_t fst__cwl_plain_len(const char *p, size_t n)
{
    return plain_len((ptr)p, (ptr)p + n, 0);
}

/* ------------------------------------------------------------------ scan */

static void skip_ws(scan *s)
{
    while (s->p < s->end && is_ws(*s->p))
        s->p++;
}

static long hex4(ptr p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i];
        if (is_digit(c)) {
            c -= '0';
        } else {
            c |= 0x20; /* 'A'-'F' to 'a'-'f' */
            if (c - 'a' >= 6u)
                return -1;
            c -= 'a' - 10;
        }
        v = v << 4 | (long)c;
    }
    return v;
}

/* Past the escape at p ('\\'), or NULL when jansson refuses it: an unknown
 * escape, fewer than 4 hex digits, a low surrogate alone, a high surrogate
 * not followed by an escaped low one. */
static ptr scan_escape(ptr p, ptr end)
{
    if (end - p < 2)
        return NULL;
    switch (p[1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
        return p + 2;
    case 'u':
        break;
    default:
        return NULL;
    }
    if (end - p < 6)
        return NULL;
    const long u = hex4(p + 2);
    if (u < 0 || (u >= 0xDC00 && u <= 0xDFFF))
        return NULL;
    if (u < 0xD800 || u > 0xDBFF)
        return p + 6;
    if (end - p < 12 || p[6] != '\\' || p[7] != 'u')
        return NULL;
    const long v = hex4(p + 8);
    return v >= 0xDC00 && v <= 0xDFFF ? p + 12 : NULL;
}

/* Past the UTF-8 sequence at p (a byte above 0x7f), or NULL when it is not
 * one jansson takes (RFC 3629, as jansson's utf8_check_full). */
static ptr scan_utf8(ptr p, ptr end)
{
    const unsigned c = p[0];
    size_t n;
    uint32_t v;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
    } else {
        return NULL;
    }
    if ((size_t)(end - p) < n)
        return NULL;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return NULL;
        v = v << 6 | (p[i] & 0x3F);
    }
    if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || (n == 3 && v < 0x800) ||
        (n == 4 && v < 0x10000))
        return NULL;
    return p + n;
}

/* The string at s->p (its '"'): 1 and s->p past it, *esc set when it holds
 * a backslash; 0 when jansson would refuse it. */
static int scan_string(scan *s, int *esc)
{
    ptr p = s->p + 1;
    for (;;) {
        p += plain_len(p, s->end, 1);
        if (p >= s->end)
            return 0;
        const unsigned c = *p;
        if (c == '"') {
            s->p = p + 1;
            return 1;
        }
        if (c == '\\') {
            *esc = 1;
            p = scan_escape(p, s->end);
        } else if (c > 0x7f) {
            p = scan_utf8(p, s->end);
        } else {
            return 0; /* a control byte */
        }
        if (!p)
            return 0;
    }
}

/* A number without exponent of at most MAX_NUMBER bytes (JSON grammar);
 * 0 for anything else. */
static int scan_number(scan *s)
{
    ptr p = s->p;
    if (p < s->end && *p == '-')
        p++;
    if (p >= s->end || !is_digit(*p))
        return 0;
    if (*p == '0')
        p++;
    else
        while (p < s->end && is_digit(*p))
            p++;
    if (p < s->end && *p == '.') {
        p++;
        if (p >= s->end || !is_digit(*p))
            return 0;
        while (p < s->end && is_digit(*p))
            p++;
    }
    if ((p < s->end && (*p == 'e' || *p == 'E')) || p - s->p > MAX_NUMBER)
        return 0;
    s->p = p;
    return 1;
}

static int scan_word(scan *s, const char *w, size_t n)
{
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0)
        return 0;
    s->p += n;
    return 1;
}

static int scan_object(scan *s, int depth, top *tp);
static int scan_array(scan *s, int depth);

/* The value at s->p (whitespace skipped) at nesting depth `depth`: 1 with
 * its type and escape flag, or 0. */
static int scan_value(scan *s, int depth, vtype *t, int *esc)
{
    *t = V_OTHER;
    if (s->p >= s->end)
        return 0;
    switch (*s->p) {
    case '"':
        *t = V_STRING;
        return scan_string(s, esc);
    case '{':
        return scan_object(s, depth + 1, NULL);
    case '[':
        *t = V_ARRAY;
        return scan_array(s, depth + 1);
    case 't':
        return scan_word(s, "true", 4);
    case 'f':
        return scan_word(s, "false", 5);
    case 'n':
        return scan_word(s, "null", 4);
    default:
        return scan_number(s);
    }
}

/* After a member or element: 1 when c closes the container (s->p past
 * it), 2 after a ',' (whitespace skipped), 0 for anything else. */
static int scan_next(scan *s, unsigned char close)
{
    skip_ws(s);
    if (s->p >= s->end)
        return 0;
    const unsigned char c = *s->p++;
    if (c == close)
        return 1;
    if (c != ',')
        return 0;
    skip_ws(s);
    return 2;
}

static int key_is(ptr key, size_t n, const char *want)
{
    return n == strlen(want) && memcmp(key, want, n) == 0;
}

static void note_key(top *tp, ptr key, size_t klen, ptr at, size_t len, vtype t, int esc)
{
    if (key_is(key, klen, "messageType")) {
        tp->type = t;
        tp->type_at = at;
        tp->type_len = len;
        tp->type_esc = esc;
    } else if (key_is(key, klen, "logEvents")) {
        tp->events = t;
        tp->events_at = at;
    }
}

/* Past the '{' or '[' at s->p: 1 when close follows at once (s->p past
 * it), 2 when members or elements follow, 0 when too deep. */
static int scan_open(scan *s, int depth, unsigned char close)
{
    if (depth > MAX_DEPTH)
        return 0;
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        return 1;
    }
    return 2;
}

/* The object at s->p ('{'); its top-level keys go to tp when not NULL. */
static int scan_object(scan *s, int depth, top *tp)
{
    const int open = scan_open(s, depth, '}');
    if (open != 2)
        return open;
    for (;;) {
        if (s->p >= s->end || *s->p != '"')
            return 0;
        const ptr key = s->p + 1;
        int esc = 0;
        if (!scan_string(s, &esc) || esc)
            return 0; /* a key with escapes: jansson decides */
        const size_t klen = (size_t)(s->p - 1 - key);
        skip_ws(s);
        if (s->p >= s->end || *s->p != ':')
            return 0;
        s->p++;
        skip_ws(s);
        const ptr at = s->p;
        vtype t;
        if (!scan_value(s, depth, &t, &esc))
            return 0;
        if (tp)
            note_key(tp, key, klen, at, (size_t)(s->p - at), t, esc);
        const int r = scan_next(s, '}');
        if (r != 2)
            return r;
    }
}

static int scan_array(scan *s, int depth)
{
    const int open = scan_open(s, depth, ']');
    if (open != 2)
        return open;
    for (;;) {
        vtype t;
        int esc = 0;
        if (!scan_value(s, depth, &t, &esc))
            return 0;
        const int r = scan_next(s, ']');
        if (r != 2)
            return r;
    }
}

static int type_is(const top *tp, const char *want)
{
    return tp->type_len == strlen(want) + 2 && memcmp(tp->type_at + 1, want, tp->type_len - 2) == 0;
}

fst__cwl_kind fst__cwl_scan(const char *p, size_t n, fst__cwl_doc *doc)
{
    scan s = {(ptr)p, (ptr)p + n};
    top tp;
    memset(&tp, 0, sizeof tp);
    if (!n || *p != '{' || !scan_object(&s, 1, &tp))
        return FST__CWL_FALLBACK;
    /* decode/envelope.c: subscription data when messageType is a string or
     * logEvents an array; a messageType that is not a string reads as
     * DATA_MESSAGE */
    if (tp.type != V_STRING && tp.events != V_ARRAY)
        return FST__CWL_FALLBACK;
    doc->len = (size_t)(s.p - (ptr)p);
    if (tp.type == V_STRING) {
        if (tp.type_esc)
            return FST__CWL_FALLBACK;
        if (type_is(&tp, "CONTROL_MESSAGE"))
            return FST__CWL_CONTROL;
        if (!type_is(&tp, "DATA_MESSAGE"))
            return FST__CWL_FALLBACK;
    }
    if (tp.events != V_ARRAY)
        return FST__CWL_FALLBACK;
    doc->events.p = (const char *)tp.events_at + 1;
    doc->events.end = (const char *)s.p;
    doc->events.n = 0;
    return FST__CWL_DATA;
}

/* ------------------------------------------------------------------ walk
 *
 * Valid text only (fst__cwl_scan said so): every container closes before
 * the end, every string ends with an unescaped '"'. */

static ptr walk_ws(ptr p)
{
    while (is_ws(*p))
        p++;
    return p;
}

/* Past the rest of a string, p inside it. */
static ptr walk_string_rest(ptr p, ptr end)
{
    for (;;) {
        p += plain_len(p, end, 0);
        if (*p == '"')
            return p + 1;
        p += 2; /* a backslash and the byte after it (\uXXXX: hex digits follow) */
    }
}

static ptr walk_value(ptr p, ptr end)
{
    if (*p == '"')
        return walk_string_rest(p + 1, end);
    if (*p != '{' && *p != '[') { /* number, true, false, null */
        while (!is_ws(*p) && *p != ',' && *p != '}' && *p != ']')
            p++;
        return p;
    }
    size_t depth = 0;
    for (;;) {
        const unsigned c = *p;
        if (c == '"') {
            p = walk_string_rest(p + 1, end);
            continue;
        }
        p++;
        if (c == '{' || c == '[')
            depth++;
        else if ((c == '}' || c == ']') && --depth == 0)
            return p;
    }
}

/* The UTF-8 form of code point u in b; its length. */
static size_t utf8_put(uint32_t u, unsigned char *b)
{
    if (u < 0x80) {
        b[0] = (unsigned char)u;
        return 1;
    }
    if (u < 0x800) {
        b[0] = (unsigned char)(0xC0 | u >> 6);
        b[1] = (unsigned char)(0x80 | (u & 0x3F));
        return 2;
    }
    if (u < 0x10000) {
        b[0] = (unsigned char)(0xE0 | u >> 12);
        b[1] = (unsigned char)(0x80 | (u >> 6 & 0x3F));
        b[2] = (unsigned char)(0x80 | (u & 0x3F));
        return 3;
    }
    b[0] = (unsigned char)(0xF0 | u >> 18);
    b[1] = (unsigned char)(0x80 | (u >> 12 & 0x3F));
    b[2] = (unsigned char)(0x80 | (u >> 6 & 0x3F));
    b[3] = (unsigned char)(0x80 | (u & 0x3F));
    return 4;
}

/* The escape at p ('\\') decoded into b (*n bytes); past it. */
static ptr walk_escape(ptr p, unsigned char *b, size_t *n)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    if (p[1] != 'u') {
        b[0] = (unsigned char)to[strchr(from, p[1]) - from];
        *n = 1;
        return p + 2;
    }
    uint32_t u = (uint32_t)hex4(p + 2);
    p += 6;
    if (u >= 0xD800 && u <= 0xDBFF) { /* the scan saw its low surrogate */
        u = 0x10000 + ((u - 0xD800) << 10) + ((uint32_t)hex4(p + 2) - 0xDC00);
        p += 6;
    }
    *n = utf8_put(u, b);
    return p;
}

/* The string at p ('"') decoded into out[0..cap): *len its length, or
 * cap + 1 when longer; past the string. */
static ptr walk_decode(ptr p, ptr end, char *out, size_t cap, size_t *len)
{
    size_t o = 0;
    p++;
    for (;;) {
        const size_t k = plain_len(p, end, 0);
        if (k > cap - o)
            break;
        memcpy(out + o, p, k);
        o += k;
        p += k;
        if (*p == '"') {
            *len = o;
            return p + 1;
        }
        unsigned char b[4];
        size_t m;
        p = walk_escape(p, b, &m);
        if (m > cap - o)
            break;
        memcpy(out + o, b, m);
        o += m;
    }
    *len = cap + 1;
    return walk_string_rest(p, end);
}

fst__cwl_event_kind fst__cwl_event(fst__cwl_events *ev, char *out, size_t cap, size_t *len)
{
    const ptr end = (ptr)ev->end;
    ptr p = walk_ws((ptr)ev->p);
    if (*p == ',')
        p = walk_ws(p + 1);
    if (*p == ']') {
        ev->p = (const char *)p;
        return FST__CWL_END;
    }
    ev->n++;
    if (*p != '{') {
        ev->p = (const char *)walk_value(p, end);
        return FST__CWL_NO_MESSAGE;
    }
    int found = 0;
    p = walk_ws(p + 1);
    while (*p != '}') {
        const ptr key = p + 1, kend = memchr(key, '"', (size_t)(end - key)); /* no escapes in keys */
        const int is_msg = key_is(key, (size_t)(kend - key), "message");
        p = walk_ws(walk_ws(kend + 1) + 1); /* past ':' */
        if (is_msg)
            found = *p == '"';
        p = found && is_msg ? walk_decode(p, end, out, cap, len) : walk_value(p, end);
        p = walk_ws(p);
        if (*p == ',')
            p = walk_ws(p + 1);
    }
    ev->p = (const char *)(p + 1);
    return found ? FST__CWL_MESSAGE : FST__CWL_NO_MESSAGE;
}
