/* tests/test_read_threads.c - the reader's parse threads (cfg.threads,
 * src/parse/pipeline.c): with 1, 2 and 4 threads the same records (every
 * field, the interned ids and their dense numbers), the same problems
 * printed (file:line: reason, in order), the same accounting per file and
 * in total, and the same strict-mode stop.
 *
 * The inputs are written here, large enough to span many chunks (a chunk
 * is ~256 KiB of text): bad lines every few hundred lines, header lines in
 * the middle of a file that change the layout (and one naming a field AWS
 * does not define), a line longer than a chunk, gzip and plain, several
 * files, a path that does not exist, inputs queued after reading began.
 * Besides comparing thread counts with each other, each test checks
 * counts worked out from how its input was built.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <flowstitch.h>

/* ---- a growing text ---------------------------------------------------- */

typedef struct buf {
    char *s;
    size_t len, cap;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        cr_assert_not_null(b->s);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void putf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(buf *b, const char *fmt, ...)
{
    char t[512];
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(t, sizeof t, fmt, ap);
    va_end(ap);
    cr_assert(n > 0 && n < (int)sizeof t);
    put(b, t, (size_t)n);
}

/* ---- inputs ------------------------------------------------------------ */

#define HDR_DEFAULT "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
/* the same fields, ports swapped and log-status first */
#define HDR_SWAPPED "log-status version account-id interface-id srcaddr dstaddr dstport srcport protocol packets bytes start end action"
/* one word that is no AWS field: its file's records are not used */
#define HDR_UNKNOWN HDR_DEFAULT " bogus-field"

/* A default-format record line i (40 ENIs in turn, so interning sees many). */
static void good_line(buf *b, int i)
{
    putf(b, "2 1234567890%02d eni-%017d 10.0.%d.%d 172.31.0.%d %d 443 6 %d %d 1700000000 1700000060 %s OK\n",
         i % 7, i % 40, (i / 250) % 256, i % 250, i % 200, 1024 + i % 60000, 1 + i % 9,
         100 + i, i % 3 ? "ACCEPT" : "REJECT");
}

/* n lines: every 97th is bad (three kinds in turn), the rest records.
 * Returns the number of bad lines. */
static int body(buf *b, int first, int n)
{
    int bad = 0;
    for (int i = first; i < first + n; i++) {
        if (i % 97 != 0) {
            good_line(b, i);
            continue;
        }
        bad++;
        switch ((i / 97) % 3) {
        case 0: putf(b, "2 123 eni-1 too few fields %d\n", i); break;
        case 1: putf(b, "2 1 eni-x 10.0.0.1 10.0.0.2 70000 443 6 1 1 1700000000 1700000060 ACCEPT OK\n"); break;
        default: putf(b, "2 1 eni-x 10.0.0.999 10.0.0.2 1 443 6 1 1 1700000000 1700000060 ACCEPT OK\n"); break;
        }
    }
    return bad;
}

static char *write_file(const char *text, size_t len, int gz)
{
    char *path = strdup("/tmp/fst-rt-XXXXXX");
    const int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    if (gz) {
        gzFile g = gzopen(path, "wb6");
        cr_assert_not_null(g);
        cr_assert_eq(gzwrite(g, text, (unsigned)len), (int)len);
        gzclose(g);
    } else {
        FILE *f = fopen(path, "wb");
        cr_assert_not_null(f);
        cr_assert_eq(fwrite(text, 1, len, f), len);
        fclose(f);
    }
    return path;
}

/* ---- one run, written down --------------------------------------------- */

typedef struct run_cfg {
    const char *fields;
    int strict;
    uint32_t max_line;
    uint32_t buffer_size;
} run_cfg;

/* How a test queues its inputs: before the first next (step 0), and when
 * `after` records were read (step 1; then every later call may queue). */
typedef void (*queue_fn)(fst_reader *r, int step, void *ud);

typedef struct run_out {
    buf log;   /* records and return codes */
    char *diag;
    size_t dlen;
    fst_input_stats total;
    size_t nfiles;
    int last_rc;
    uint64_t records;
} run_out;

static void log_record(buf *b, const fst_record *rec)
{
    char src[FST_ADDR_STRLEN], dst[FST_ADDR_STRLEN];
    fst_addr_format(&rec->addr[FST_A_SRC], src, sizeof src);
    fst_addr_format(&rec->addr[FST_A_DST], dst, sizeof dst);
    const char *eni = rec->ids[FST_F_INTERFACE_ID];
    putf(b, "%s:%llu %s %s %llu %llu %llu %llu %s#%u %u %u %d |", rec->file,
         (unsigned long long)rec->line, src, dst, (unsigned long long)rec->num[FST_F_SRCPORT],
         (unsigned long long)rec->num[FST_F_DSTPORT], (unsigned long long)rec->num[FST_F_BYTES],
         (unsigned long long)rec->num[FST_F_ACTION], eni ? eni : "-", rec->eni, rec->status,
         rec->format->ncols, (int)rec->export_ms);
    for (int c = 0; c < rec->format->ncols; c++)
        putf(b, " %.*s", (int)rec->cols[c].len, rec->cols[c].ptr);
    put(b, "\n", 1);
}

static void do_run(run_out *o, uint32_t threads, const run_cfg *rc, queue_fn q, void *ud,
                   uint64_t after)
{
    memset(o, 0, sizeof *o);
    FILE *diag = open_memstream(&o->diag, &o->dlen);
    cr_assert_not_null(diag);
    fst_reader_config cfg;
    fst_reader_config_init(&cfg);
    cfg.fields = rc->fields;
    cfg.strict = rc->strict;
    cfg.max_reports = 100000;
    if (rc->max_line)
        cfg.max_line = rc->max_line;
    cfg.buffer_size = rc->buffer_size;
    cfg.diag = diag;
    cfg.threads = threads;
    fst_reader *r = fst_reader_new(&cfg);
    cr_assert_not_null(r);
    q(r, 0, ud);
    const fst_record *rec;
    int rcode;
    while ((rcode = fst_reader_next(r, &rec)) == 1) {
        log_record(&o->log, rec);
        if (++o->records >= after)
            q(r, 1, ud);
    }
    o->last_rc = rcode;
    putf(&o->log, "rc %d; again %d\n", rcode, fst_reader_next(r, &rec));
    size_t nf;
    const fst_input_stats *fs = fst_reader_file_stats(r, &nf);
    o->nfiles = nf;
    for (size_t i = 0; i < nf; i++)
        putf(&o->log, "file %s lines %llu rec %llu hdr %llu ign %llu skip %llu err %d gz %d\n",
             fs[i].name, (unsigned long long)fs[i].lines, (unsigned long long)fs[i].records,
             (unsigned long long)fs[i].headers, (unsigned long long)fs[i].ignored,
             (unsigned long long)fs[i].skipped, fs[i].error, fs[i].gzip);
    o->total = *fst_reader_total(r);
    putf(&o->log, "problems %llu\n", (unsigned long long)fst_reader_problems(r));
    fst_reader_free(r);
    fclose(diag);
}

static void free_run(run_out *o)
{
    free(o->log.s);
    free(o->diag);
}

/* Runs with 1, 2 and 4 threads; all must agree.  *one gets the 1-thread run. */
static void run_all(run_out *one, const run_cfg *rc, queue_fn q, void *ud, uint64_t after)
{
    do_run(one, 1, rc, q, ud, after);
    const uint32_t more[] = {2, 4};
    for (size_t k = 0; k < 2; k++) {
        run_out o;
        do_run(&o, more[k], rc, q, ud, after);
        cr_expect_str_eq(o.log.s, one->log.s, "records and accounting with %u threads",
                         more[k]);
        cr_expect_eq(o.dlen, one->dlen, "diagnostics length with %u threads", more[k]);
        cr_expect_str_eq(o.diag ? o.diag : "", one->diag ? one->diag : "",
                         "diagnostics with %u threads", more[k]);
        cr_expect_eq(memcmp(&o.total.lines, &one->total.lines,
                            sizeof o.total - offsetof(fst_input_stats, lines)),
                     0, "total stats with %u threads", more[k]);
        free_run(&o);
    }
}

/* ---- the cases ----------------------------------------------------------- */

typedef struct mem_in {
    const char *name;
    const char *text;
    size_t len;
} mem_in;

typedef struct inputs {
    mem_in mem[4];
    int nmem;
    const char *paths[4];
    int npaths;
    mem_in late; /* queued after reading began (when late.text) */
    int late_done;
} inputs;

static void queue_inputs(fst_reader *r, int step, void *ud)
{
    inputs *in = ud;
    if (step == 0) {
        in->late_done = 0;
        for (int i = 0; i < in->npaths; i++)
            (void)fst_reader_add_path(r, in->paths[i]);
        for (int i = 0; i < in->nmem; i++)
            cr_assert_eq(fst_reader_add_mem(r, in->mem[i].name, in->mem[i].text, in->mem[i].len), 0);
    } else if (in->late.text && !in->late_done) {
        in->late_done = 1;
        cr_assert_eq(fst_reader_add_mem(r, in->late.name, in->late.text, in->late.len), 0);
    }
}

Test(read_threads, bad_lines_and_headers_across_chunks)
{
    buf b = {0};
    put(&b, HDR_DEFAULT "\n", sizeof HDR_DEFAULT);
    int bad = body(&b, 1, 12000);
    /* a header in the middle: ports swapped from here on */
    put(&b, HDR_SWAPPED "\n", sizeof HDR_SWAPPED);
    for (int i = 0; i < 6000; i++)
        putf(&b, "OK 2 123456789012 eni-%017d 10.9.0.%d 10.8.0.1 %d %d 17 1 %d 1700000000 1700000001 ACCEPT\n",
             i % 13, i % 250, 53, 2000 + i, 60 + i);
    put(&b, "\n# a comment\n", 13);
    inputs in = {.mem = {{"big.log", b.s, b.len}}, .nmem = 1};
    run_out one;
    run_all(&one, &(run_cfg){0}, queue_inputs, &in, UINT64_MAX);
    /* 2 headers + 12000 body lines + 6000 swapped + blank + comment */
    cr_expect_eq(one.total.lines, 2 + 12000 + 6000 + 2);
    cr_expect_eq(one.total.headers, 2);
    cr_expect_eq(one.total.ignored, 2);
    cr_expect_eq(one.total.skipped, (uint64_t)bad);
    cr_expect_eq(bad, 12000 / 97);
    cr_expect_eq(one.total.records, 12000 - bad + 6000);
    cr_expect_eq(one.last_rc, 0);
    /* line 12002 is the first after the swapped header: dstport 53 comes first */
    cr_expect(strstr(one.log.s, "big.log:12003 10.9.0.0 10.8.0.1 2000 53 60 ") != NULL);
    /* the first bad line, i = 97: (97/97)%3 = 1, srcport 70000, at line 98 */
    cr_expect(strncmp(one.diag, "big.log:98: ", 12) == 0, "%.80s", one.diag);
    free_run(&one);
    free(b.s);
}

Test(read_threads, gzip_plain_missing_and_unknown_header_files)
{
    buf a = {0}, u = {0};
    const int bad = body(&a, 1, 9000);
    /* a file whose header names an unknown field: none of its records used */
    put(&u, HDR_UNKNOWN "\n", sizeof HDR_UNKNOWN);
    body(&u, 1, 5000);
    char *gz = write_file(a.s, a.len, 1);
    char *plain = write_file(a.s, a.len, 0);
    char *unk = write_file(u.s, u.len, 1);
    inputs in = {.paths = {gz, "/nonexistent/fst-rt-missing.log", unk, plain}, .npaths = 4};
    run_out one;
    run_all(&one, &(run_cfg){0}, queue_inputs, &in, UINT64_MAX);
    cr_expect_eq(one.nfiles, 4);
    cr_expect_eq(one.total.files_failed, 1);
    cr_expect_eq(one.total.records, 2 * (uint64_t)(9000 - bad));
    cr_expect_eq(one.total.headers, 0, "a header naming an unknown field is a problem");
    /* the unknown header is a problem, and each of the 5000 lines after it */
    cr_expect_eq(one.total.skipped, 2 * (uint64_t)bad + 1 + 5000);
    cr_expect_eq(one.total.by_reason[-FST_EUNKNOWN_FIELD], 5001);
    free_run(&one);
    unlink(gz);
    unlink(plain);
    unlink(unk);
    free(gz);
    free(plain);
    free(unk);
    free(a.s);
    free(u.s);
}

Test(read_threads, line_longer_than_a_chunk)
{
    buf b = {0};
    body(&b, 1, 3000);
    /* 400 KB in one line, under max_line: a line with too many fields */
    for (int i = 0; i < 40000; i++)
        put(&b, "123456789 ", 10);
    put(&b, "\n", 1);
    good_line(&b, 5);
    /* 1.2 MB in one line, over max_line (1 MiB): too long, dropped */
    for (int i = 0; i < 120000; i++)
        put(&b, "abcdefghi ", 10);
    put(&b, "\n", 1);
    good_line(&b, 6);
    char *gz = write_file(b.s, b.len, 1);
    inputs in = {.mem = {{"long.log", b.s, b.len}}, .nmem = 1, .paths = {gz}, .npaths = 1};
    run_out one;
    run_all(&one, &(run_cfg){.max_line = 1u << 20}, queue_inputs, &in, UINT64_MAX);
    const uint64_t bad = 3000 / 97;
    cr_expect_eq(one.total.lines, 2 * (3000 + 4));
    cr_expect_eq(one.total.records, 2 * (3000 - bad + 2));
    cr_expect_eq(one.total.by_reason[-FST_EFIELDS], 2 * (3000 / 97 / 3 + 1));
    cr_expect_eq(one.total.by_reason[-FST_ELONGLINE], 2);
    cr_expect(strstr(one.diag, ":3003: line too long") != NULL, "%s", one.diag);
    free_run(&one);
    unlink(gz);
    free(gz);
    free(b.s);
}

Test(read_threads, strict_stops_at_the_same_line)
{
    buf b = {0};
    for (int i = 1; i <= 20000; i++)
        good_line(&b, i);
    put(&b, "2 bad line\n", 11); /* line 20001 */
    for (int i = 1; i <= 5000; i++)
        good_line(&b, i);
    buf c = {0};
    body(&c, 1, 500);
    inputs in = {.mem = {{"s.log", b.s, b.len}, {"after.log", c.s, c.len}}, .nmem = 2};
    run_out one;
    run_all(&one, &(run_cfg){.strict = 1}, queue_inputs, &in, UINT64_MAX);
    cr_expect_eq(one.last_rc, FST_ESTRICT);
    cr_expect_eq(one.records, 20000);
    cr_expect_eq(one.nfiles, 1, "the second file is never opened");
    cr_expect_eq(one.total.lines, 20001);
    cr_expect(strncmp(one.diag, "s.log:20001: ", 13) == 0, "%s", one.diag);
    free_run(&one);
    free(b.s);
    free(c.s);
}

Test(read_threads, inputs_queued_after_reading_began)
{
    buf a = {0}, l = {0};
    const int bad = body(&a, 1, 4000);
    const int badl = body(&l, 5000, 3000);
    /* tiny buffers: many reads, the framer far ahead of the reader */
    inputs in = {.mem = {{"first.log", a.s, a.len}}, .nmem = 1, .late = {"late.log", l.s, l.len}};
    run_out one;
    run_all(&one, &(run_cfg){.buffer_size = 4096}, queue_inputs, &in, 10);
    cr_expect_eq(one.nfiles, 2);
    cr_expect_eq(one.total.records, (uint64_t)(4000 - bad) + (uint64_t)(3000 - badl));
    free_run(&one);
    /* queued after the last record of a short input was read */
    inputs in2 = {.mem = {{"short.log", l.s, 200}}, .nmem = 1, .late = {"late.log", l.s, l.len}};
    run_all(&one, &(run_cfg){0}, queue_inputs, &in2, 1);
    cr_expect_eq(one.nfiles, 2);
    free_run(&one);
    free(a.s);
    free(l.s);
}

Test(read_threads, fields_layout_and_export_prefix)
{
    /* --fields for header-less lines; CloudWatch export lines carry a time */
    const char *fields = "${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
                         "${protocol} ${bytes} ${action}";
    buf b = {0};
    for (int i = 0; i < 30000; i++) {
        if (i % 2)
            putf(&b, "2024-06-10T02:00:%02d.000Z ", i % 60);
        putf(&b, "3 eni-%05d 10.1.%d.%d 10.2.0.1 %d 80 6 %d %s\n", i % 50, i / 250 % 256, i % 250,
             1024 + i, i, i % 5 ? "ACCEPT" : "-");
    }
    inputs in = {.mem = {{"cw.log", b.s, b.len}}, .nmem = 1};
    run_out one;
    run_all(&one, &(run_cfg){.fields = fields}, queue_inputs, &in, UINT64_MAX);
    cr_expect_eq(one.total.records, 30000);
    cr_expect_eq(one.total.skipped, 0);
    free_run(&one);
    free(b.s);
}

Test(read_threads, files_apart_each_with_its_header)
{
    /* Several inputs: all but the last are read whole by one parse thread
     * each (files apart), the last is cut into chunks that any thread
     * parses, also a thread whose own file waits; each file's header must
     * stay its own. */
    buf f[3] = {{0}};
    int bad[3];
    for (int k = 0; k < 3; k++) {
        if (k < 2)
            put(&f[k], HDR_SWAPPED "\n", sizeof HDR_SWAPPED);
        for (int i = 0; i < 15000; i++) {
            if (k < 2)
                putf(&f[k], "OK 2 123456789012 eni-%017d 10.9.%d.%d 10.8.0.1 %d %d 17 1 %d 1700000000 1700000001 ACCEPT\n",
                     i % 13, k, i % 250, 53, 2000 + i, 60 + i);
            else
                good_line(&f[k], i + 1);
        }
        bad[k] = 0;
    }
    bad[2] = body(&f[2], 20000, 9000);
    inputs in = {.mem = {{"a.log", f[0].s, f[0].len}, {"b.log", f[1].s, f[1].len}, {"c.log", f[2].s, f[2].len}},
                 .nmem = 3};
    run_out one;
    run_all(&one, &(run_cfg){0}, queue_inputs, &in, UINT64_MAX);
    cr_expect_eq(one.total.headers, 2);
    cr_expect_eq(one.total.records, 2 * 15000 + 15000 + 9000 - (uint64_t)bad[2]);
    cr_expect_eq(one.total.skipped, (uint64_t)bad[2]);
    /* b.log line 2: srcport 2000, dstport 53 (its header swaps them) */
    cr_expect(strstr(one.log.s, "b.log:2 10.9.1.0 10.8.0.1 2000 53 60 ") != NULL);
    free_run(&one);
    for (int k = 0; k < 3; k++)
        free(f[k].s);
}

/* ---- rows made on the parse threads (fst_record_writer_use_reader) ------- */

/* A reader of no input yet: fields (NULL: from headers), threads, strict,
 * no diagnostics. */
static fst_reader *quiet_reader(const char *fields, uint32_t threads, int strict)
{
    fst_reader_config cfg;
    fst_reader_config_init(&cfg);
    cfg.fields = fields;
    cfg.threads = threads;
    cfg.strict = strict;
    cfg.diag = NULL;
    fst_reader *r = fst_reader_new(&cfg);
    cr_assert_not_null(r);
    return r;
}

/* JSON Lines of the input, written with `threads` parse threads; the
 * writer's count of bytes that were not UTF-8 in *bad. */
static char *jsonl_of(const char *text, size_t len, const char *fields, uint32_t threads,
                      int iso, uint64_t *bad, uint64_t *rows)
{
    char *out = NULL;
    size_t olen = 0;
    FILE *f = open_memstream(&out, &olen);
    cr_assert_not_null(f);
    fst_reader *r = quiet_reader(fields, threads, 0);
    cr_assert_eq(fst_reader_add_mem(r, "u.log", text, len), 0);
    fst_writer *w = fst_record_writer_open(f, FST_OUT_JSONL);
    cr_assert_not_null(w);
    cr_assert_eq(fst_writer_set_time_format(w, iso ? FST_TIME_ISO : FST_TIME_EPOCH), 0);
    cr_assert_eq(fst_record_writer_use_reader(w, r), 0);
    const fst_record *rec;
    *rows = 0;
    while (fst_reader_next(r, &rec) == 1) {
        cr_assert_eq(fst_record_writer_write(w, rec), 0);
        ++*rows;
    }
    cr_expect_eq(fst_record_writer_use_reader(w, r), FST_EINVAL, "after reading began");
    *bad = fst_writer_utf8_replaced(w);
    cr_assert_eq(fst_writer_close(w), 0);
    fst_reader_free(r);
    fclose(f);
    return out;
}

Test(read_threads, jsonl_rows_made_on_parse_threads)
{
    /* a text column with a byte that is no UTF-8 (0xff), a quote and a
     * backslash; an unknown column; '-' values */
    const char *fields = "${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
                         "${protocol} ${bytes} ${start} ${action} ${sublocation-id} ${my-column}";
    buf b = {0};
    const int n = 20000;
    for (int i = 0; i < n; i++)
        putf(&b, "5 eni-%05d 10.1.%d.%d 2001:db8::%x %d 80 6 %d 1700000%03d %s %s%d x%d\n", i % 50,
             i / 250 % 256, i % 250, i, 1024 + i, i, i % 1000, i % 5 ? "ACCEPT" : "-",
             i % 4 ? "sub\xff\"\\" : "-", i, i % 3);
    uint64_t bad1, rows1;
    char *one = jsonl_of(b.s, b.len, fields, 1, 1, &bad1, &rows1);
    cr_expect_eq(rows1, (uint64_t)n);
    /* one 0xff in three lines out of four */
    cr_expect_eq(bad1, (uint64_t)(n - n / 4));
    cr_expect(strstr(one, "\"sublocation_id\":\"sub\xef\xbf\xbd\\\"\\\\1\",\"my_column\":\"x1\"}\n") != NULL);
    cr_expect(strstr(one, "\"action\":null") != NULL);
    for (uint32_t t = 2; t <= 4; t += 2) {
        uint64_t bad, rows;
        char *more = jsonl_of(b.s, b.len, fields, t, 1, &bad, &rows);
        cr_expect_str_eq(more, one, "rows with %u threads", t);
        cr_expect_eq(bad, bad1);
        cr_expect_eq(rows, rows1);
        free(more);
    }
    free(one);
    free(b.s);
}

/* Interface-id numbers (fst_record.eni) are given to records only: a bad
 * line whose interface-id is new (its port is 70000) takes no number, with
 * one thread as with parse threads (which intern the records they packed).
 * Ids are dense over every id field, in order of first sight (column
 * order within a line).  By hand: line 2 account 123456789012 -> 1, eni-a
 * -> 2; line 3 (eni-bad, bad port) skipped, no id; line 4 eni-b -> 3;
 * line 5 eni-a -> 2.  (Before, the bad line took 3 and eni-b got 4 on one
 * thread only.) */
Test(read_threads, bad_lines_take_no_eni_number)
{
    static const char text[] =
        "2 123456789012 eni-a 10.0.0.1 10.0.0.2 40000 443 6 1 100 1700000000 1700000060 ACCEPT OK\n"
        "2 123456789012 eni-bad 10.0.0.1 10.0.0.2 70000 443 6 1 100 1700000000 1700000060 ACCEPT OK\n"
        "2 123456789012 eni-b 10.0.0.3 10.0.0.2 40001 443 6 1 100 1700000000 1700000060 ACCEPT OK\n"
        "2 123456789012 eni-a 10.0.0.1 10.0.0.2 40002 443 6 1 100 1700000000 1700000060 ACCEPT OK\n";
    static const char *const want_eni[] = {"eni-a", "eni-b", "eni-a"};
    static const uint32_t want_num[] = {2, 3, 2};
    static const uint64_t want_line[] = {2, 4, 5};
    buf b = {0};
    put(&b, HDR_DEFAULT "\n", sizeof HDR_DEFAULT);
    put(&b, text, sizeof text - 1);
    for (uint32_t threads = 1; threads <= 4; threads *= 2) {
        fst_reader_config cfg;
        fst_reader_config_init(&cfg);
        cfg.diag = fopen("/dev/null", "w");
        cfg.threads = threads;
        fst_reader *r = fst_reader_new(&cfg);
        cr_assert_not_null(r);
        cr_assert_eq(fst_reader_add_mem(r, "in", b.s, b.len), 0);
        const fst_record *rec;
        int n = 0;
        while (fst_reader_next(r, &rec) == 1) {
            cr_assert_lt(n, 3, "threads %u: one record too many", threads);
            cr_assert_eq(rec->line, want_line[n], "threads %u", threads);
            cr_assert_str_eq(rec->ids[FST_F_INTERFACE_ID], want_eni[n], "threads %u", threads);
            cr_assert_eq(rec->eni, want_num[n], "threads %u: line %llu eni %u", threads,
                         (unsigned long long)rec->line, rec->eni);
            n++;
        }
        cr_assert_eq(n, 3, "threads %u", threads);
        cr_assert_eq(fst_reader_total(r)->skipped, 1);
        fst_reader_free(r);
        fclose(cfg.diag);
    }
    free(b.s);
}

/* ---- fst_record_writer_copy: runs of rows, the records not rebuilt ------ */

/* One S3-style file of n lines after its header: line i (1-based after the
 * header) is bad (source port 70000) when i % 97 == 0, NODATA when
 * i % 101 == 0, SKIPDATA when i % 103 == 0 (bad wins), else a flow record.
 * The test counts each kind itself from the same rules. */
static void s3_file(buf *b, int n, int salt)
{
    put(b, HDR_DEFAULT "\n", sizeof HDR_DEFAULT);
    for (int i = 1; i <= n; i++) {
        if (i % 97 == 0)
            putf(b, "2 123456789012 eni-%02d 10.0.%d.1 10.9.0.2 70000 443 6 1 100 1700000000 "
                    "1700000060 ACCEPT OK\n", i % 40, salt);
        else if (i % 101 == 0)
            putf(b, "2 123456789012 eni-%02d - - - - - - - 1700000000 1700000060 - NODATA\n",
                 i % 40);
        else if (i % 103 == 0)
            putf(b, "2 123456789012 eni-%02d - - - - - - - 1700000000 1700000060 - SKIPDATA\n",
                 i % 40);
        else
            putf(b, "2 123456789012 eni-%02d 10.0.%d.%d 10.9.0.2 %d 443 6 %d %d 17000%05d "
                    "17000%05d ACCEPT OK\n", i % 40, salt, i % 250, 1024 + i, i % 9 + 1, 40 * i,
                 i, i + 60);
    }
}

/* JSON Lines of the two files through fst_record_writer_copy (copy) or a
 * fst_reader_next / fst_record_writer_write loop (!copy), with `threads`
 * parse threads; the reader's totals in *tot, the last read value in *rrc. */
static char *jsonl_copy_of(const buf *f1, const buf *f2, uint32_t threads, int copy, int strict,
                           fst_input_stats *tot, int *rrc)
{
    char *out = NULL;
    size_t olen = 0;
    FILE *f = open_memstream(&out, &olen);
    cr_assert_not_null(f);
    fst_reader *r = quiet_reader(NULL, threads, strict);
    cr_assert_eq(fst_reader_add_mem(r, "a.log", f1->s, f1->len), 0);
    cr_assert_eq(fst_reader_add_mem(r, "b.log", f2->s, f2->len), 0);
    fst_writer *w = fst_record_writer_open(f, FST_OUT_JSONL);
    cr_assert_not_null(w);
    cr_assert_eq(fst_record_writer_use_reader(w, r), 0);
    if (copy) {
        cr_assert_eq(fst_record_writer_copy(w, r, rrc), 0);
    } else {
        const fst_record *rec;
        while ((*rrc = fst_reader_next(r, &rec)) == 1)
            cr_assert_eq(fst_record_writer_write(w, rec), 0);
    }
    *tot = *fst_reader_total(r);
    /* closed before r is freed, as the CLI does: after a strict stop the
     * parse threads may still be making rows (they once read the closed
     * writer's time format: a use after free under ASan) */
    cr_assert_eq(fst_writer_close(w), 0);
    fst_reader_free(r);
    fclose(f);
    return out;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

Test(read_threads, copy_writes_what_write_would)
{
    enum { N1 = 30000, N2 = 7000 };
    buf f1 = {0}, f2 = {0};
    s3_file(&f1, N1, 1);
    s3_file(&f2, N2, 2);
    uint64_t bad = 0, nodata = 0, skip = 0, ok = 0;
    for (int k = 0; k < 2; k++)
        for (int i = 1; i <= (k ? N2 : N1); i++) {
            if (i % 97 == 0)
                bad++;
            else if (i % 101 == 0)
                nodata++;
            else if (i % 103 == 0)
                skip++;
            else
                ok++;
        }
    fst_input_stats ref_tot;
    int rrc;
    char *ref = jsonl_copy_of(&f1, &f2, 1, 0, 0, &ref_tot, &rrc);
    cr_assert_eq(rrc, 0);
    cr_expect_eq(count_lines(ref), ok + nodata + skip);
    for (uint32_t t = 1; t <= 4; t *= 2) {
        fst_input_stats tot;
        char *got = jsonl_copy_of(&f1, &f2, t, 1, 0, &tot, &rrc);
        cr_expect_eq(rrc, 0, "threads %u", t);
        cr_expect_str_eq(got, ref, "threads %u: the same output as record by record", t);
        cr_expect_eq(tot.records, ok, "threads %u", t);
        cr_expect_eq(tot.nodata, nodata, "threads %u", t);
        cr_expect_eq(tot.skipdata, skip, "threads %u", t);
        cr_expect_eq(tot.skipped, bad, "threads %u", t);
        cr_expect_eq(tot.headers, 2u, "threads %u", t);
        cr_expect_eq(tot.lines, (uint64_t)N1 + N2 + 2, "threads %u", t);
        free(got);
    }
    /* --strict: the rows before the first bad line (line 97 after the
     * header: 96 records, of which none is NODATA or SKIPDATA) are written,
     * then the read ends with FST_ESTRICT */
    for (uint32_t t = 1; t <= 2; t++) {
        fst_input_stats tot;
        char *got = jsonl_copy_of(&f1, &f2, t, 1, 1, &tot, &rrc);
        cr_expect_eq(rrc, FST_ESTRICT, "threads %u", t);
        cr_expect_eq(count_lines(got), 96u, "threads %u", t);
        cr_expect_eq(strncmp(got, ref, strlen(got)), 0, "threads %u", t);
        free(got);
    }
    free(ref);
    free(f1.s);
    free(f2.s);
}

/* Parse workers give each id value a local id and the reading thread maps
 * it (parser_int.h): ids must still be dense in order of first sight over
 * the whole input, whichever worker met a value first.  Eight files of
 * 3,000 records each, every file cycling through eni-0..eni-9 from a
 * different start; file 5 also has eni-new5 (first at its line 1,501) and
 * file 7 eni-new7 (its line 2,001).  By hand: account 123456789012 -> 1;
 * file 0 meets eni-0..eni-9 first, in that order -> 2..11; eni-new5 -> 12,
 * eni-new7 -> 13. */
Test(read_threads, local_ids_keep_first_sight_numbers)
{
    enum { FILES = 8, LINES = 3000 };
    buf f[FILES];
    for (int k = 0; k < FILES; k++) {
        f[k] = (buf){0};
        put(&f[k], HDR_DEFAULT "\n", sizeof HDR_DEFAULT);
        for (int i = 1; i <= LINES; i++) {
            char eni[16];
            if ((k == 5 && i == 1501) || (k == 7 && i == 2001))
                snprintf(eni, sizeof eni, "eni-new%d", k);
            else
                snprintf(eni, sizeof eni, "eni-%d", (i - 1 + k * 3) % 10);
            putf(&f[k], "2 123456789012 %s 10.0.%d.%d 10.9.0.2 %d 443 6 1 100 1700000000 "
                        "1700000060 ACCEPT OK\n", eni, k, i % 250, 1024 + i);
        }
    }
    for (uint32_t t = 1; t <= 4; t *= 2) {
        fst_reader *r = quiet_reader(NULL, t, 0);
        char name[16];
        for (int k = 0; k < FILES; k++) {
            snprintf(name, sizeof name, "f%d.log", k);
            cr_assert_eq(fst_reader_add_mem(r, name, f[k].s, f[k].len), 0);
        }
        const fst_record *rec;
        uint64_t n = 0;
        while (fst_reader_next(r, &rec) == 1) {
            /* the line's own ENI, from its file name and source port */
            cr_assert_not_null(rec->file);
            const int k = rec->file[1] - '0', i = (int)rec->num[FST_F_SRCPORT] - 1024;
            char e[16];
            if ((k == 5 && i == 1501) || (k == 7 && i == 2001))
                snprintf(e, sizeof e, "eni-new%d", k);
            else
                snprintf(e, sizeof e, "eni-%d", (i - 1 + k * 3) % 10);
            cr_assert_str_eq(rec->ids[FST_F_INTERFACE_ID], e, "threads %u", t);
            const uint32_t want = k == 5 && i == 1501   ? 12
                                  : k == 7 && i == 2001 ? 13
                                                        : 2 + (uint32_t)atoi(e + 4);
            cr_assert_eq(rec->eni, want, "threads %u: %s line %llu: eni %u, want %u", t, e,
                         (unsigned long long)rec->line, rec->eni, want);
            cr_assert_str_eq(rec->ids[FST_F_ACCOUNT_ID], "123456789012");
            n++;
        }
        cr_expect_eq(n, (uint64_t)FILES * LINES, "threads %u", t);
        fst_reader_free(r);
    }
    for (int k = 0; k < FILES; k++)
        free(f[k].s);
}

/* More distinct values than a worker gives local ids (FST__LOCAL_IDS_MAX,
 * 65,536): the rest are interned by the reading thread, with the same
 * numbers.  70,000 lines, line i (1-based) on eni-<i>, each new: by hand
 * account -> 1, eni-<i> -> i + 1. */
Test(read_threads, ids_past_the_local_cap)
{
    enum { LINES = 70000 };
    buf b = {0};
    put(&b, HDR_DEFAULT "\n", sizeof HDR_DEFAULT);
    for (int i = 1; i <= LINES; i++)
        putf(&b, "2 123456789012 eni-%d 10.0.0.%d 10.9.0.2 %d 443 6 1 100 1700000000 "
                 "1700000060 ACCEPT OK\n", i, i % 250, 1024 + i % 60000);
    for (uint32_t t = 1; t <= 2; t++) {
        fst_reader *r = quiet_reader(NULL, t, 0);
        cr_assert_eq(fst_reader_add_mem(r, "cap.log", b.s, b.len), 0);
        const fst_record *rec;
        uint32_t n = 0;
        while (fst_reader_next(r, &rec) == 1) {
            n++;
            char e[16];
            snprintf(e, sizeof e, "eni-%u", n);
            cr_assert_str_eq(rec->ids[FST_F_INTERFACE_ID], e, "threads %u", t);
            cr_assert_eq(rec->eni, n + 1, "threads %u: %s", t, e);
        }
        cr_expect_eq(n, (uint32_t)LINES, "threads %u", t);
        fst_reader_free(r);
    }
    free(b.s);
}
