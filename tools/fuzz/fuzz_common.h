/* tools/fuzz/fuzz_common.h - shared by the libFuzzer targets (fuzz_reader.c,
 * fuzz_sessions.c): how the first input byte picks the reader setup, and the
 * invariants every returned record and every input's accounting must meet.
 *
 * Only the public API (<flowstitch.h>) is used.  A violated invariant calls
 * fz_fail(), which prints what broke and aborts, so libFuzzer saves the input.
 *
 * Input layout: byte 0 is the "control" byte, the rest is the data.
 *   bits 0-2  layout: index into fz_formats[] (NULL = no --fields)
 *   bit  3    split the data into two inputs at (byte 1 % (rest + 1)); byte 1
 *             is then not data (a header in the first input must not leak
 *             into the second)
 *   bit  4    max_line = 200 (exercises "line too long" on short inputs)
 *   bit  5-6  output format of the session writer (fuzz_sessions.c)
 * The reader's buffer_size is 61 bytes when the data's length is a multiple
 * of 3 (reads and inflation cut at odd places), else 4096: both keep every
 * run's allocations in the sanitizer's fast allocator (the 256 KiB default
 * costs an mmap and munmap per run, about 3x the time of the run itself).
 */
#ifndef FST_FUZZ_COMMON_H
#define FST_FUZZ_COMMON_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flowstitch.h>

#define FZ_DEFAULT14                                                                      \
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} "        \
    "${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"

/* Realistic --fields strings (../shared/docs/aws-flowlogs.md section 1). */
static const char *const fz_formats[8] = {
    NULL, /* the 14-field default, implicitly */
    FZ_DEFAULT14,
    /* v5 custom: tcp-flags, pkt-*, flow-direction, traffic-path ... */
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} "
    "${subnet-id} ${instance-id} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} "
    "${region} ${az-id} ${sublocation-type} ${sublocation-id} ${pkt-src-aws-service} "
    "${pkt-dst-aws-service} ${flow-direction} ${traffic-path}",
    /* a 4-field format: no ports, no protocol */
    "${interface-id} ${srcaddr} ${dstaddr} ${bytes}",
    /* AWS's v3 example order (ids first, bytes before packets) */
    "${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} ${account-id} ${type} "
    "${srcaddr} ${dstaddr} ${srcport} ${dstport} ${pkt-srcaddr} ${pkt-dstaddr} ${protocol} "
    "${bytes} ${packets} ${start} ${end} ${action} ${tcp-flags} ${log-status}",
    /* Transit Gateway v6 subset, with an unknown column */
    "${version} ${resource-type} ${account-id} ${tgw-id} ${tgw-attachment-id} "
    "${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} "
    "${start} ${end} ${log-status} ${type} ${packets-lost-no-route} ${tcp-flags} "
    "${not-a-field}",
    /* v10/v11 tail: encryption-status, reject-reason, next-hop ... */
    "${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} "
    "${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${reject-reason} "
    "${encryption-status} ${resource-id} ${next-hop-interface-id} ${flow-direction}",
    NULL,
};

static void fz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("INVARIANT VIOLATED: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

#define FZ_CHECK(cond, ...)                                                                \
    do {                                                                                 \
        if (!(cond))                                                                     \
            fz_fail(__VA_ARGS__);                                                        \
    } while (0)

/* Where diagnostics go: /dev/null, so the printing code runs too. */
static FILE *fz_devnull(void)
{
    static FILE *f;
    if (!f) {
        f = fopen("/dev/null", "w");
        if (!f)
            fz_fail("cannot open /dev/null");
    }
    return f;
}

typedef struct fz_setup {
    const char *fields;
    int split;
    size_t cut; /* bytes in the first input when split */
    uint32_t max_line;
    int out_format;
    uint32_t buffer_size;
    uint32_t threads; /* fst_reader_config.threads (0: the calling thread) */
    const uint8_t *data;
    size_t len;
} fz_setup;

static void fz_decode(const uint8_t *data, size_t size, fz_setup *s)
{
    memset(s, 0, sizeof *s);
    uint8_t ctl = size ? data[0] : 0;
    s->fields = fz_formats[ctl & 7];
    s->split = (ctl >> 3) & 1;
    s->max_line = (ctl & 0x10) ? 200 : 0;
    s->out_format = 1 + ((ctl >> 5) & 3) % 3;
    s->data = size ? data + 1 : data;
    s->len = size ? size - 1 : 0;
    if (s->split && s->len) { /* byte 1 picks the cut, the rest is data */
        size_t k = s->data[0];
        s->data++;
        s->len--;
        s->cut = k % (s->len + 1);
    }
    s->buffer_size = s->len % 3 == 0 ? 61 : 4096;
}

static fst_reader *fz_reader(const fz_setup *s)
{
    fst_reader_config cfg;
    fst_reader_config_init(&cfg);
    cfg.fields = s->fields;
    cfg.diag = fz_devnull();
    cfg.max_reports = 3;
    cfg.buffer_size = s->buffer_size;
    cfg.threads = s->threads;
    if (s->max_line)
        cfg.max_line = s->max_line;
    fst_reader *r = fst_reader_new(&cfg);
    FZ_CHECK(r != NULL, "fst_reader_new failed");
    if (s->split) {
        FZ_CHECK(fst_reader_add_mem(r, "a", s->data, s->cut) == 0, "add_mem a");
        FZ_CHECK(fst_reader_add_mem(r, "b", s->data + s->cut, s->len - s->cut) == 0,
                 "add_mem b");
    } else {
        FZ_CHECK(fst_reader_add_mem(r, "in", s->data, s->len) == 0, "add_mem");
    }
    return r;
}

/* ---- per record ------------------------------------------------------ */

static int fz_addr_slot(int f)
{
    switch (f) {
    case FST_F_SRCADDR:
        return FST_A_SRC;
    case FST_F_DSTADDR:
        return FST_A_DST;
    case FST_F_PKT_SRCADDR:
        return FST_A_PKT_SRC;
    default:
        return FST_A_PKT_DST;
    }
}

/* Reference decimal parser: 1 and *v when tok is all digits and fits. */
static int fz_decimal(const char *s, uint32_t n, uint64_t *v, int *overflow)
{
    uint64_t x = 0;
    *overflow = 0;
    if (n == 0)
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9)
            return 0;
        if (x > (UINT64_MAX - d) / 10)
            *overflow = 1;
        x = x * 10 + d;
    }
    *v = x;
    return 1;
}

typedef struct fz_track {
    const char *file; /* name of the file of the last record */
    uint64_t line;
    uint64_t records, nodata, skipdata; /* returned by fst_reader_next */
} fz_track;

static void fz_check_record(const fst_record *rec, fz_track *t)
{
    FZ_CHECK(rec != NULL && rec->format != NULL && rec->file != NULL, "record without format/file");
    const fst_format *f = rec->format;
    FZ_CHECK(f->ncols > 0 && rec->cols != NULL, "record without columns");
    /* line numbers strictly increase within a file */
    if (t->file && strcmp(t->file, rec->file) == 0)
        FZ_CHECK(rec->line > t->line, "%s: line %llu after %llu", rec->file,
                 (unsigned long long)rec->line, (unsigned long long)t->line);
    FZ_CHECK(rec->line >= 1, "line 0");
    t->file = rec->file;
    t->line = rec->line;
    FZ_CHECK(rec->export_ms >= -1, "export_ms %lld", (long long)rec->export_ms);

    /* raw tokens: non-empty, no separators, and '-' exactly when dashed */
    for (int c = 0; c < f->ncols; c++) {
        const fst_str *tok = &rec->cols[c];
        FZ_CHECK(tok->ptr != NULL && tok->len > 0, "line %llu col %d: empty token",
                 (unsigned long long)rec->line, c);
        FZ_CHECK(memchr(tok->ptr, ' ', tok->len) == NULL, "col %d: token with a space", c);
        FZ_CHECK(memchr(tok->ptr, '\n', tok->len) == NULL, "col %d: token with a newline", c);
        FZ_CHECK(memchr(tok->ptr, '\0', tok->len) == NULL, "col %d: token with a NUL", c);
        int id = f->ids[c];
        if (id != FST_F_UNKNOWN) {
            FZ_CHECK(id < FST_FIELD_COUNT, "bad id %d", id);
            FZ_CHECK(f->col[id] == c, "col[%s] = %d, not %d", fst_field_name(id), f->col[id], c);
            FZ_CHECK(FST_FIELDSET_HAS(f->fields, id), "%s not in fieldset", fst_field_name(id));
            int dash = tok->len == 1 && tok->ptr[0] == '-';
            FZ_CHECK(dash == (int)FST_FIELDSET_HAS(rec->dash, id),
                     "line %llu %s: dash bit %d but token \"%.*s\"",
                     (unsigned long long)rec->line, fst_field_name(id),
                     (int)FST_FIELDSET_HAS(rec->dash, id), (int)tok->len, tok->ptr);
        }
    }

    for (int id = 0; id < FST_FIELD_COUNT; id++) {
        const int type = fst_field_type(id);
        const uint64_t v = rec->num[id];
        const char *nm = fst_field_name(id);
        if (!FST_FIELDSET_HAS(f->fields, id)) {
            FZ_CHECK(f->col[id] == -1, "%s absent but col %d", nm, f->col[id]);
            FZ_CHECK(v == 0, "%s absent but num %llu", nm, (unsigned long long)v);
            FZ_CHECK(rec->ids[id] == NULL, "%s absent but id set", nm);
            if (type == FST_T_ADDR)
                FZ_CHECK(rec->addr[fz_addr_slot(id)].family == 0, "%s absent but family %d", nm,
                         rec->addr[fz_addr_slot(id)].family);
            continue;
        }
        const int col = f->col[id];
        FZ_CHECK(col >= 0 && col < f->ncols, "%s col %d of %u", nm, col, f->ncols);
        const fst_str *tok = &rec->cols[col];
        if (!fst_record_has(rec, id)) { /* written as "-" */
            FZ_CHECK(v == 0, "%s is '-' but num %llu", nm, (unsigned long long)v);
            FZ_CHECK(rec->ids[id] == NULL, "%s is '-' but id set", nm);
            if (type == FST_T_ADDR)
                FZ_CHECK(rec->addr[fz_addr_slot(id)].family == 0, "%s is '-' but family %d",
                         nm, rec->addr[fz_addr_slot(id)].family);
            continue;
        }
        uint64_t ref;
        int over;
        switch (type) {
        case FST_T_UINT:
        case FST_T_TIME:
        case FST_T_PORT:
        case FST_T_PROTO:
        case FST_T_FLAGS:
        case FST_T_SMALL:
            if (fz_decimal(tok->ptr, tok->len, &ref, &over)) {
                FZ_CHECK(!over, "%s: \"%.*s\" overflows but was accepted", nm, (int)tok->len,
                         tok->ptr);
                FZ_CHECK(ref == v, "%s: \"%.*s\" read as %llu", nm, (int)tok->len, tok->ptr,
                         (unsigned long long)v);
            }
            if (type == FST_T_PORT)
                FZ_CHECK(v <= 65535, "%s = %llu > 65535", nm, (unsigned long long)v);
            if (type == FST_T_PROTO || type == FST_T_FLAGS || type == FST_T_SMALL)
                FZ_CHECK(v <= 255, "%s = %llu > 255", nm, (unsigned long long)v);
            break;
        case FST_T_ACTION:
            FZ_CHECK(v == FST_ACTION_ACCEPT || v == FST_ACTION_REJECT, "action %llu",
                     (unsigned long long)v);
            break;
        case FST_T_STATUS:
            FZ_CHECK(v >= FST_STATUS_OK && v <= FST_STATUS_SKIPDATA, "log-status %llu",
                     (unsigned long long)v);
            break;
        case FST_T_DIR:
            FZ_CHECK(v == FST_DIR_INGRESS || v == FST_DIR_EGRESS, "flow-direction %llu",
                     (unsigned long long)v);
            break;
        case FST_T_IPTYPE:
            FZ_CHECK(v >= FST_IPTYPE_IPV4 && v <= FST_IPTYPE_EFA, "type %llu",
                     (unsigned long long)v);
            break;
        case FST_T_ADDR: {
            const fst_addr *a = &rec->addr[fz_addr_slot(id)];
            FZ_CHECK(a->family == 4 || a->family == 6, "line %llu %s \"%.*s\": family %d",
                     (unsigned long long)rec->line, nm, (int)tok->len, tok->ptr, a->family);
            if (a->family == 4) {
                static const uint8_t pre[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
                FZ_CHECK(memcmp(a->b, pre, 12) == 0, "%s: IPv4 not stored v4-mapped", nm);
            }
            /* the public parser reads the token the same way */
            fst_addr b;
            memset(&b, 0, sizeof b);
            FZ_CHECK(fst_addr_parse(tok->ptr, tok->len, &b) == 0,
                     "%s \"%.*s\": accepted by the reader, rejected by fst_addr_parse", nm,
                     (int)tok->len, tok->ptr);
            FZ_CHECK(b.family == a->family && memcmp(a->b, b.b, 16) == 0,
                     "%s \"%.*s\": reader and fst_addr_parse disagree", nm, (int)tok->len,
                     tok->ptr);
            /* canonical text round-trips */
            char buf[FST_ADDR_STRLEN];
            size_t n = fst_addr_format(a, buf, sizeof buf);
            FZ_CHECK(n > 0 && n < sizeof buf && strlen(buf) == n, "%s: format length %zu", nm,
                     n);
            memset(&b, 0, sizeof b);
            FZ_CHECK(fst_addr_parse(buf, n, &b) == 0 && fst_addr_cmp(a, &b) == 0,
                     "%s: \"%s\" does not round-trip", nm, buf);
            break;
        }
        case FST_T_ID: {
            const char *s = rec->ids[id];
            FZ_CHECK(s != NULL, "%s: id not interned", nm);
            FZ_CHECK(strlen(s) == tok->len && memcmp(s, tok->ptr, tok->len) == 0,
                     "%s: interned \"%s\" != token \"%.*s\"", nm, s, (int)tok->len, tok->ptr);
            break;
        }
        default:
            break;
        }
    }
    if (fst_record_has(rec, FST_F_INTERFACE_ID))
        FZ_CHECK(rec->eni != 0, "interface-id given but eni 0");
    else
        FZ_CHECK(rec->eni == 0, "no interface-id but eni %u", rec->eni);
    if (fst_record_has(rec, FST_F_LOG_STATUS))
        FZ_CHECK(rec->status == rec->num[FST_F_LOG_STATUS], "status %d != log-status %llu",
                 rec->status, (unsigned long long)rec->num[FST_F_LOG_STATUS]);
    else
        FZ_CHECK(rec->status == FST_STATUS_OK, "no log-status but status %d", rec->status);
    switch (rec->status) {
    case FST_STATUS_NODATA:
        t->nodata++;
        break;
    case FST_STATUS_SKIPDATA:
        t->skipdata++;
        break;
    default:
        t->records++;
        break;
    }
}

/* ---- accounting ------------------------------------------------------ */

static void fz_check_identity(const fst_input_stats *s)
{
    uint64_t sum = 0;
    for (int i = 0; i < FST_REASON_SLOTS; i++)
        sum += s->by_reason[i];
    FZ_CHECK(s->by_reason[0] == 0, "%s: by_reason[0] = %llu", s->name,
             (unsigned long long)s->by_reason[0]);
    FZ_CHECK(s->skipped == sum, "%s: skipped %llu != sum of reasons %llu", s->name,
             (unsigned long long)s->skipped, (unsigned long long)sum);
    uint64_t rhs = s->records + s->nodata + s->skipdata + s->headers + s->ignored + s->skipped;
    FZ_CHECK(s->lines == rhs,
             "%s: lines %llu != records %llu + nodata %llu + skipdata %llu + headers %llu + "
             "ignored %llu + skipped %llu",
             s->name, (unsigned long long)s->lines, (unsigned long long)s->records,
             (unsigned long long)s->nodata, (unsigned long long)s->skipdata,
             (unsigned long long)s->headers, (unsigned long long)s->ignored,
             (unsigned long long)s->skipped);
}

/* Identity per file and in total; the total is the sum of the files; the
 * records handed out match the counters. */
static void fz_check_stats(const fst_reader *r, const fz_setup *su, const fz_track *t)
{
    size_t n = 0;
    const fst_input_stats *fs = fst_reader_file_stats(r, &n);
    const fst_input_stats *tot = fst_reader_total(r);
    FZ_CHECK(n == (su->split ? 2u : 1u), "%zu inputs", n);
    fst_input_stats sum;
    memset(&sum, 0, sizeof sum);
    for (size_t i = 0; i < n; i++) {
        fz_check_identity(&fs[i]);
        sum.lines += fs[i].lines;
        sum.records += fs[i].records;
        sum.nodata += fs[i].nodata;
        sum.skipdata += fs[i].skipdata;
        sum.headers += fs[i].headers;
        sum.ignored += fs[i].ignored;
        sum.skipped += fs[i].skipped;
        sum.bytes_read += fs[i].bytes_read;
        for (int k = 0; k < FST_REASON_SLOTS; k++)
            sum.by_reason[k] += fs[i].by_reason[k];
    }
    fz_check_identity(tot);
    FZ_CHECK(tot->lines == sum.lines && tot->records == sum.records &&
                 tot->nodata == sum.nodata && tot->skipdata == sum.skipdata &&
                 tot->headers == sum.headers && tot->ignored == sum.ignored &&
                 tot->skipped == sum.skipped && tot->bytes_read == sum.bytes_read,
             "total is not the sum of the files");
    for (int k = 0; k < FST_REASON_SLOTS; k++)
        FZ_CHECK(tot->by_reason[k] == sum.by_reason[k], "total by_reason[%d]", k);
    FZ_CHECK(tot->records == t->records && tot->nodata == t->nodata &&
                 tot->skipdata == t->skipdata,
             "records returned (%llu/%llu/%llu) != counted (%llu/%llu/%llu)",
             (unsigned long long)t->records, (unsigned long long)t->nodata,
             (unsigned long long)t->skipdata, (unsigned long long)tot->records,
             (unsigned long long)tot->nodata, (unsigned long long)tot->skipdata);
    /* read to the end unless a file failed (corrupt gzip) */
    FZ_CHECK(tot->files_failed ? tot->bytes_read <= su->len : tot->bytes_read == su->len,
             "bytes_read %llu of %zu", (unsigned long long)tot->bytes_read, su->len);
}

#endif
