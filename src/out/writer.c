/* out/writer.c - the format registry, writer lifetime and the error flag;
 * the public JSON string writer. */
#include "out/writer.h"

#include <string.h>

#include "flowstitch/errors.h"
#include "out/row.h"
#include "util/util.h"

/* ---- the registry ------------------------------------------------------ *
 * One line per format: X(name) names the fst__<name>_ops its file defines.
 * The position is the fst_out_format value (1, 2, 3, ...): the first three
 * are FST_OUT_JSONL, FST_OUT_CSV and FST_OUT_TSV of output.h, so new
 * formats go at the end. */
#define FST__FORMATS(X) \
    X(jsonl)            \
    X(csv)              \
    X(tsv)              \
    X(zeek)             \
    X(ocsf)             \
    X(ipfix)            \
    X(html)

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

int fst_out_time_format_parse(const char *name)
{
    if (name && !strcmp(name, "epoch"))
        return FST_TIME_EPOCH;
    if (name && !strcmp(name, "iso"))
        return FST_TIME_ISO;
    return FST_EINVAL;
}

int fst_writer_set_time_format(fst_writer *w, int time_format)
{
    if (!w || (time_format != FST_TIME_EPOCH && time_format != FST_TIME_ISO))
        return FST_EINVAL;
    w->time_iso = time_format == FST_TIME_ISO;
    return 0;
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
    const char *text;
    size_t len;
    uint64_t bad;
    if (w->reader && fst__reader_row(w->reader, rec, &text, &len, &bad)) {
        w->utf8_replaced += bad; /* made on a parse thread: copied */
        return row_done(w, fwrite(text, 1, len, w->f) == len ? 0 : FST_EIO);
    }
    return row_done(w, w->ops->record_row(w, rec));
}

/* Lets r's parse threads make w's rows; only: w takes nothing but rows
 * (fst_record_writer_copy), which carry their ids as text, so the parse
 * threads neither pack the records nor look their ids up. */
static int rows_from(fst_writer *w, fst_reader *r, int only)
{
    /* ud points at a constant, not into w: the parse threads may still make
     * rows after w is closed (a strict stop, an error) until r is freed */
    static const int time_iso[2] = {0, 1};
    fst__row_maker m = *w->ops->record_rows;
    m.ud = &time_iso[w->time_iso != 0];
    m.only = m.noids = only;
    const int rc = fst__reader_set_rows(r, &m);
    if (rc == 0)
        w->reader = r;
    return rc;
}

int fst_record_writer_use_reader(fst_writer *w, fst_reader *r)
{
    if (!w || !r || w->rows_kind != FST__ROWS_RECORDS)
        return FST_EINVAL;
    if (!w->ops->record_rows)
        return 0;
    return rows_from(w, r, 0);
}

int fst_record_writer_copy(fst_writer *w, fst_reader *r, int *read_rc)
{
    if (!w || !r || !read_rc || w->rows_kind != FST__ROWS_RECORDS)
        return FST_EINVAL;
    if (w->reader == r) /* before reading: rows only (after, EINVAL: as they are) */
        (void)rows_from(w, r, 1);
    for (;;) {
        fst__row_run run;
        const fst_record *rec = NULL;
        const int rc = w->reader == r ? fst__reader_next_rows(r, &run, &rec)
                                      : fst_reader_next(r, &rec);
        if (rc <= 0) {
            *read_rc = rc;
            return w->failed ? FST_EIO : 0;
        }
        if (rc == 1) {
            if (fst_record_writer_write(w, rec) < 0)
                break;
            continue;
        }
        w->utf8_replaced += run.bad;
        if (fwrite(run.text, 1, run.len, w->f) != run.len || ferror(w->f)) {
            w->failed = 1;
            break;
        }
        w->rows += run.rows;
    }
    *read_rc = 0;
    return FST_EIO;
}

int fst_session_writer_write(fst_writer *w, const fst_session *s)
{
    if (!w || !s || w->rows_kind != FST__ROWS_SESSIONS)
        return FST_EINVAL;
    return row_done(w, w->ops->session_row(w, s));
}

uint64_t fst_writer_utf8_replaced(const fst_writer *w)
{
    return w ? w->utf8_replaced : 0;
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
        size_t n = len < JSON_PIECE ? len : JSON_PIECE;
        /* never cut a UTF-8 sequence: back off over continuation bytes */
        for (size_t k = 0; n < len && k < 3 && ((unsigned char)s[n] & 0xc0) == 0x80; k++)
            n--;
        const char *end = fst__put_json_str(buf, s, n);
        fwrite(buf + 1, 1, (size_t)(end - buf) - 2, f);
        s += n;
        len -= n;
    } while (len);
    putc('"', f);
    return ferror(f) ? FST_EIO : 0;
}
