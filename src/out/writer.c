/* out/writer.c - the format registry, writer lifetime, the row buffer and
 * the text helpers every format shares. */
#include "out/writer.h"

#include <string.h>

#include "flowstitch/errors.h"
#include "util/util.h"

/* ---- the registry ------------------------------------------------------ *
 * One line per format: X(name) names the fst__<name>_ops its file defines.
 * The position is the fst_out_format value (1, 2, 3, ...): the first three
 * are FST_OUT_JSONL, FST_OUT_CSV and FST_OUT_TSV of output.h, so new
 * formats go at the end. */
#define FST__FORMATS(X) \
    X(jsonl)            \
    X(csv)              \
    X(tsv)

#define FST__FORMAT_DECLARE(name) extern const fst__format_ops fst__##name##_ops;
FST__FORMATS(FST__FORMAT_DECLARE)
#undef FST__FORMAT_DECLARE

static const fst__format_ops *const formats[] = {
    NULL, /* 0 is no format */
#define FST__FORMAT_ENTRY(name) &fst__##name##_ops,
    FST__FORMATS(FST__FORMAT_ENTRY)
#undef FST__FORMAT_ENTRY
};

static const fst__format_ops *format_ops(int fmt)
{
    return fmt > 0 && (size_t)fmt < FST__ARRAY_LEN(formats) ? formats[fmt] : NULL;
}

static int ops_named(const fst__format_ops *ops, const char *name)
{
    if (!strcmp(ops->name, name))
        return 1;
    for (size_t i = 0; i < FST__ARRAY_LEN(ops->aliases) && ops->aliases[i]; i++)
        if (!strcmp(ops->aliases[i], name))
            return 1;
    return 0;
}

int fst_out_format_parse(const char *name)
{
    if (!name)
        return FST_EINVAL;
    for (size_t i = 1; i < FST__ARRAY_LEN(formats); i++)
        if (ops_named(formats[i], name))
            return (int)i;
    return FST_EINVAL;
}

const char *fst_out_format_name(int fmt)
{
    const fst__format_ops *ops = format_ops(fmt);
    return ops ? ops->name : NULL;
}

/* ---- lifetime ---------------------------------------------------------- */

static fst_writer *writer_open(FILE *f, int fmt, fst__rows kind)
{
    const fst__format_ops *ops = format_ops(fmt);
    if (!f || !ops)
        return NULL;
    if (kind == FST__ROWS_SESSIONS ? !ops->session_row : !ops->record_row)
        return NULL;
    fst_writer *w = fst__calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->f = f;
    w->ops = ops;
    w->rows_kind = kind;
    if (ops->begin && ops->begin(w) < 0)
        w->failed = 1;
    if (ferror(f))
        w->failed = 1;
    return w;
}

fst_writer *fst_record_writer_open(FILE *f, fst_out_format fmt)
{
    return writer_open(f, fmt, FST__ROWS_RECORDS);
}

fst_writer *fst_session_writer_open(FILE *f, fst_out_format fmt)
{
    return writer_open(f, fmt, FST__ROWS_SESSIONS);
}

/* After a row: a failed write sticks to the writer. */
static int row_done(fst_writer *w, int rc)
{
    if (rc < 0 || ferror(w->f))
        w->failed = 1;
    if (w->failed)
        return rc < 0 ? rc : FST_EIO;
    w->rows++;
    return 0;
}

int fst_record_writer_write(fst_writer *w, const fst_record *rec)
{
    if (!w || !rec || !rec->format || w->rows_kind != FST__ROWS_RECORDS)
        return FST_EINVAL;
    return row_done(w, w->ops->record_row(w, rec));
}

int fst_session_writer_write(fst_writer *w, const fst_session *s)
{
    if (!w || !s || w->rows_kind != FST__ROWS_SESSIONS)
        return FST_EINVAL;
    return row_done(w, w->ops->session_row(w, s));
}

int fst_writer_close(fst_writer *w)
{
    if (!w)
        return 0;
    if (w->ops->end)
        w->ops->end(w);
    if (fflush(w->f) != 0 || ferror(w->f))
        w->failed = 1;
    const int rc = w->failed ? FST_EIO : 0;
    fst__free(w->buf);
    fst__free(w);
    return rc;
}

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

char *fst__put(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

char *fst__put_u64(char *p, uint64_t v)
{
    char t[FST__NUM_MAX];
    size_t n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = t[--n];
    return p;
}

char *fst__put_i64(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return fst__put_u64(p, (uint64_t)0 - (uint64_t)v);
    }
    return fst__put_u64(p, (uint64_t)v);
}

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

/* Input bytes escaped per piece by fst_json_write_string. */
#define JSON_PIECE 256

int fst_json_write_string(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return ferror(f) ? FST_EIO : 0;
    }
    /* escape in pieces, dropping the quotes of each piece but the ends */
    char buf[FST__JSON_GROWTH * JSON_PIECE + 2];
    size_t len = strlen(s);
    putc('"', f);
    do {
        const size_t n = len < JSON_PIECE ? len : JSON_PIECE;
        const char *end = fst__put_json_str(buf, s, n);
        fwrite(buf + 1, 1, (size_t)(end - buf) - 2, f);
        s += n;
        len -= n;
    } while (len);
    putc('"', f);
    return ferror(f) ? FST_EIO : 0;
}
