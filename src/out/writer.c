/* out/writer.c - writer lifetime, format names and text escaping. */
#include "out/writer.h"

#include <string.h>
#include <time.h>

#include "flowstitch/errors.h"
#include "util/util.h"

int fst_out_format_parse(const char *name)
{
    if (!name)
        return FST_EINVAL;
    if (!strcmp(name, "jsonl") || !strcmp(name, "json") || !strcmp(name, "ndjson"))
        return FST_OUT_JSONL;
    if (!strcmp(name, "csv"))
        return FST_OUT_CSV;
    if (!strcmp(name, "tsv"))
        return FST_OUT_TSV;
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

fst_writer *fst__writer_new(FILE *f, fst_out_format fmt, const fst__writer_ops *ops)
{
    if (!f || !ops || fmt < FST_OUT_JSONL || fmt > FST_OUT_TSV)
        return NULL;
    fst_writer *w = fst__calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->f = f;
    w->fmt = fmt;
    w->ops = ops;
    return w;
}

int fst_writer_close(fst_writer *w)
{
    if (!w)
        return 0;
    if (w->ops->finish)
        w->ops->finish(w);
    if (fflush(w->f) != 0 || ferror(w->f))
        w->failed = 1;
    const int rc = w->failed ? FST_EIO : 0;
    fst__free(w);
    return rc;
}

char fst__writer_sep(const fst_writer *w)
{
    return w->fmt == FST_OUT_TSV ? '\t' : ',';
}

void fst__json_str(FILE *f, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    putc('"', f);
    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            putc('\\', f);
            putc(c, f);
        } else if (c < 0x20) {
            fputs("\\u00", f);
            putc(hex[c >> 4], f);
            putc(hex[c & 15], f);
        } else {
            putc(c, f);
        }
    }
    putc('"', f);
}

void fst__sv_field(const fst_writer *w, const char *s, size_t len)
{
    if (w->fmt == FST_OUT_TSV) {
        for (size_t i = 0; i < len; i++) {
            const char c = s[i];
            putc(c == '\t' || c == '\n' || c == '\r' ? ' ' : c, w->f);
        }
        return;
    }
    int quote = 0;
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        fwrite(s, 1, len, w->f);
        return;
    }
    putc('"', w->f);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            putc('"', w->f);
        putc(s[i], w->f);
    }
    putc('"', w->f);
}

void fst__addr_out(FILE *f, const fst_addr *a)
{
    char buf[FST_ADDR_STRLEN];
    const size_t n = fst_addr_format(a, buf, sizeof buf);
    fwrite(buf, 1, n, f);
}
