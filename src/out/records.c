/* out/records.c - the `records` rows: one normalized record per input record.
 *
 * Keys are the AWS field names with '-' turned into '_', in the column order
 * of the record's format.  A field written as "-" is JSON null (empty in
 * CSV/TSV).  Numbers are JSON numbers, addresses are canonical text, enums
 * are AWS's spelling.  CSV/TSV write a header line before the first row and
 * again whenever the column layout changes (a new file with another format).
 */
#include <inttypes.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "out/writer.h"
#include "util/util.h"

static const char *const action_names[] = {"-", "ACCEPT", "REJECT"};
static const char *const status_names[] = {"-", "OK", "NODATA", "SKIPDATA"};
static const char *const dir_names[] = {"-", "ingress", "egress"};
static const char *const iptype_names[] = {"-", "IPv4", "IPv6", "EFA"};

/* Text of an enumerated field value. */
static const char *enum_text(int type, uint64_t v)
{
    switch (type) {
    case FST_T_ACTION:
        return v < FST__ARRAY_LEN(action_names) ? action_names[v] : "-";
    case FST_T_STATUS:
        return v < FST__ARRAY_LEN(status_names) ? status_names[v] : "-";
    case FST_T_DIR:
        return v < FST__ARRAY_LEN(dir_names) ? dir_names[v] : "-";
    case FST_T_IPTYPE:
        return v < FST__ARRAY_LEN(iptype_names) ? iptype_names[v] : "-";
    default:
        return "-";
    }
}

/* Output key for column i: the AWS name with '-' as '_'. */
static void put_key(FILE *f, const char *name)
{
    for (const char *p = name; *p; p++)
        putc(*p == '-' ? '_' : *p, f);
}

/* Is column i of rec a '-' (null) value? */
static int col_is_null(const fst_record *rec, int i)
{
    const int id = rec->format->ids[i];
    if (id != FST_F_UNKNOWN)
        return FST_FIELDSET_HAS(rec->dash, id) != 0;
    return rec->cols[i].len == 1 && rec->cols[i].ptr[0] == '-';
}

/* Write the value of column i; text values go through `text` (JSON or SV). */
static void put_value(fst_writer *w, const fst_record *rec, int i)
{
    const int id = rec->format->ids[i];
    const fst_str tok = rec->cols[i];
    const int type = id == FST_F_UNKNOWN ? FST_T_TEXT : fst_field_type(id);
    const int json = w->fmt == FST_OUT_JSONL;
    const char *s = tok.ptr;
    size_t n = tok.len;
    char iso[FST_TIME_ISO_MAX];
    switch (type) {
    case FST_T_TIME:
        if (!w->time_iso) {
            fprintf(w->f, "%" PRIu64, rec->num[id]);
            return;
        }
        s = iso;
        n = fst__time_iso(iso, (int64_t)rec->num[id]);
        break;
    case FST_T_UINT: case FST_T_PORT: case FST_T_PROTO:
    case FST_T_FLAGS: case FST_T_SMALL:
        fprintf(w->f, "%" PRIu64, rec->num[id]);
        return;
    case FST_T_ADDR:
        if (json)
            putc('"', w->f);
        fst__addr_out(w->f, &rec->addr[fst_field_addr_slot(id)]);
        if (json)
            putc('"', w->f);
        return;
    case FST_T_ACTION: case FST_T_STATUS: case FST_T_DIR: case FST_T_IPTYPE:
        s = enum_text(type, rec->num[id]);
        n = strlen(s);
        break;
    default:
        break;
    }
    if (json)
        fst__json_str(w->f, s, n);
    else
        fst__sv_field(w, s, n);
}

static void put_json(fst_writer *w, const fst_record *rec)
{
    const fst_format *fmt = rec->format;
    putc('{', w->f);
    for (int i = 0; i < fmt->ncols; i++) {
        if (i)
            putc(',', w->f);
        putc('"', w->f);
        put_key(w->f, fmt->names[i]);
        fputs("\":", w->f);
        if (col_is_null(rec, i))
            fputs("null", w->f);
        else
            put_value(w, rec, i);
    }
    fputs("}\n", w->f);
}

/* The CSV/TSV header for a format, as one string (caller frees). */
static char *header_text(const fst_format *fmt, char sep)
{
    size_t n = 1;
    for (int i = 0; i < fmt->ncols; i++)
        n += strlen(fmt->names[i]) + 1;
    char *h = fst__malloc(n);
    if (!h)
        return NULL;
    char *p = h;
    for (int i = 0; i < fmt->ncols; i++) {
        if (i)
            *p++ = sep;
        for (const char *c = fmt->names[i]; *c; c++)
            *p++ = *c == '-' ? '_' : *c;
    }
    *p = '\0';
    return h;
}

static int put_sv(fst_writer *w, const fst_record *rec)
{
    const char sep = fst__writer_sep(w);
    char *h = header_text(rec->format, sep);
    if (!h)
        return FST_ENOMEM;
    if (!w->state || strcmp(h, w->state) != 0) {
        fputs(h, w->f);
        putc('\n', w->f);
        fst__free((void *)w->state);
        w->state = h;
    } else {
        fst__free(h);
    }
    for (int i = 0; i < rec->format->ncols; i++) {
        if (i)
            putc(sep, w->f);
        if (!col_is_null(rec, i))
            put_value(w, rec, i);
    }
    putc('\n', w->f);
    return 0;
}

static int record_row(fst_writer *w, const void *item)
{
    const fst_record *rec = item;
    int rc = 0;
    if (w->fmt == FST_OUT_JSONL)
        put_json(w, rec);
    else
        rc = put_sv(w, rec);
    if (ferror(w->f))
        w->failed = 1;
    return rc < 0 ? rc : (w->failed ? FST_EIO : 0);
}

static void record_finish(fst_writer *w)
{
    fst__free((void *)w->state);
    w->state = NULL;
}

static const fst__writer_ops record_ops = {record_row, record_finish};

fst_writer *fst_record_writer_open(FILE *f, fst_out_format fmt)
{
    return fst__writer_new(f, fmt, &record_ops);
}

int fst_record_writer_write(fst_writer *w, const fst_record *rec)
{
    if (!w || !rec || !rec->format || w->ops != &record_ops)
        return FST_EINVAL;
    const int rc = w->ops->row(w, rec);
    if (rc == 0)
        w->rows++;
    return rc;
}
