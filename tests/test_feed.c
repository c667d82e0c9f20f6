/* tests/test_feed.c - fst_stitcher_push_reader with one thread and with two
 * (src/stitch/feed.c): the threaded path must give exactly what the
 * single-thread path gives - the sessions written, the problems printed
 * (same text, same order), the reader's accounting and the session
 * statistics - on inputs with bad lines mixed in, in strict mode, on an
 * empty input, on many tiny inputs, and with metadata aliasing addresses.
 *
 * The single-thread path is itself the loop of fst_reader_next and
 * fst_stitcher_push (checked against that loop below), so "identical"
 * here means identical to what the engine always did.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <flowstitch.h>

#include "stitch_dump.h"
#include "parse/rows.h"

/* The inputs of one test: added to each reader the same way. */
typedef void (*add_fn)(fst_reader *r);

typedef struct result {
    int rc;              /* fst_stitcher_push_reader, or the plain loop */
    int frc;             /* fst_stitcher_finish */
    char *diag, *out, *acct;
    size_t dlen, olen, alen;
} result;

static void result_free(result *x)
{
    free(x->diag);
    free(x->out);
    free(x->acct);
}

static int write_session(const fst_session *s, void *ud)
{
    return fst_session_writer_write(ud, s) < 0;
}

static void dump_stats(FILE *f, const fst_input_stats *s)
{
    fprintf(f, "%s lines %llu rec %llu nodata %llu skipdata %llu hdr %llu ign %llu skip %llu "
               "bytes %llu files %u failed %u notfl %u gzip %d err %d |",
            s->name, (unsigned long long)s->lines, (unsigned long long)s->records,
            (unsigned long long)s->nodata, (unsigned long long)s->skipdata,
            (unsigned long long)s->headers, (unsigned long long)s->ignored,
            (unsigned long long)s->skipped, (unsigned long long)s->bytes_read, s->files,
            s->files_failed, s->files_not_flowlog, s->gzip, s->error);
    for (int i = 0; i < FST_REASON_SLOTS; i++)
        fprintf(f, " %llu", (unsigned long long)s->by_reason[i]);
    fputc('\n', f);
}


/* threads 1 or 2 through fst_stitcher_push_reader; threads -1: the plain
 * loop of fst_reader_next and fst_stitcher_push.  The reader parses on
 * parse threads when rthreads >= 2 (then, without metadata, those threads
 * prepare the records for the engine: stitch/feed.c). */
static void run_r(result *x, add_fn add, int threads, int strict, const fst_eni_table *meta,
                  uint32_t rthreads, const fst__row_maker *mk)
{
    memset(x, 0, sizeof *x);
    FILE *diag = open_memstream(&x->diag, &x->dlen);
    FILE *out = open_memstream(&x->out, &x->olen);
    FILE *acct = open_memstream(&x->acct, &x->alen);
    cr_assert(diag && out && acct);
    fst_reader_config rc;
    fst_reader_config_init(&rc);
    rc.strict = strict;
    rc.diag = diag;
    rc.max_reports = 1000000;
    rc.threads = rthreads;
    fst_reader *r = fst_reader_new(&rc);
    cr_assert_not_null(r);
    if (mk)
        cr_assert_eq(fst__reader_set_rows(r, mk), 0);
    add(r);
    fst_stitcher_config sc;
    fst_stitcher_config_init(&sc);
    sc.meta = meta;
    sc.threads = threads < 0 ? 1 : (uint32_t)threads;
    fst_stitcher *st = fst_stitcher_new(&sc);
    cr_assert_not_null(st);
    if (threads < 0) {
        const fst_record *rec;
        int n;
        while ((n = fst_reader_next(r, &rec)) > 0)
            cr_assert_eq(fst_stitcher_push(st, rec), 0);
        x->rc = n;
    } else {
        const char *file = "x";
        uint64_t line = 7;
        x->rc = fst_stitcher_push_reader(st, r, &file, &line);
        cr_assert_null(file);
        cr_assert_eq(line, 0);
    }
    fst_writer *w = fst_session_writer_open(out, FST_OUT_JSONL);
    cr_assert_not_null(w);
    x->frc = fst_stitcher_finish(st, write_session, w);
    cr_assert_eq(fst_writer_close(w), 0);
    size_t n;
    const fst_input_stats *fs = fst_reader_file_stats(r, &n);
    for (size_t i = 0; i < n; i++)
        dump_stats(acct, &fs[i]);
    dump_stats(acct, fst_reader_total(r));
    fprintf(acct, "problems %llu\n", (unsigned long long)fst_reader_problems(r));
    dump_stitch(acct, fst_stitcher_stats(st));
    fst_stitcher_free(st);
    fst_reader_free(r);
    fclose(diag);
    fclose(out);
    fclose(acct);
}

static void run(result *x, add_fn add, int threads, int strict, const fst_eni_table *meta)
{
    run_r(x, add, threads, strict, meta, 0, NULL);
}

static void same(const result *a, const result *b)
{
    cr_assert_eq(a->rc, b->rc);
    cr_assert_eq(a->frc, b->frc);
    cr_assert_eq(a->dlen, b->dlen, "diag: %zu vs %zu bytes", a->dlen, b->dlen);
    cr_assert(!memcmp(a->diag, b->diag, a->dlen), "diag differs");
    cr_assert_eq(a->olen, b->olen, "sessions: %zu vs %zu bytes", a->olen, b->olen);
    cr_assert(!memcmp(a->out, b->out, a->olen), "sessions differ");
    cr_assert_str_eq(a->acct, b->acct);
}

/* Runs the plain loop, one thread and two threads; all three must agree.
 * The two-thread result is left in *two (the caller frees it). */
static void check_all(add_fn add, int strict, const fst_eni_table *meta, result *two)
{
    result loop, one, piped, piped1;
    run(&loop, add, -1, strict, meta);
    run(&one, add, 1, strict, meta);
    run(two, add, 2, strict, meta);
    run_r(&piped, add, 2, strict, meta, 2, NULL);  /* records prepared on parse threads */
    run_r(&piped1, add, 1, strict, meta, 2, NULL); /* parse threads, records rebuilt */
    same(&loop, &one);
    same(&one, two);
    same(&loop, &piped);
    same(&loop, &piped1);
    result_free(&loop);
    result_free(&one);
    result_free(&piped);
    result_free(&piped1);
}

/* ---- a generated input ----------------------------------------------- */

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

/* n lines of default-format records over a small address pool (so that
 * records meet in sessions), with bad lines, NODATA, SKIPDATA, blank and
 * '#' lines mixed in.  Returns a malloc'd buffer, its length in *len. */
static char *gen_lines(uint64_t seed, int n, size_t *len)
{
    char *buf = NULL;
    size_t blen = 0;
    FILE *f = open_memstream(&buf, &blen);
    cr_assert_not_null(f);
    uint64_t s = seed;
    for (int i = 0; i < n; i++) {
        const uint64_t r = lcg(&s);
        const unsigned a = (unsigned)(r % 23), b = (unsigned)(r / 23 % 19);
        const unsigned eni = (unsigned)(r / 437 % 7);
        const unsigned t = 1600000000u + (unsigned)(i / 50) * 60u;
        const unsigned proto = r % 11 == 0 ? 17 : r % 13 == 0 ? 1 : 6;
        const unsigned cport = 32768 + (unsigned)(r / 9000 % 40);
        const int rev = (int)(r >> 20 & 1);
        switch (i % 211) {
        case 17:
            fprintf(f, "this is not a flow log line %d\n", i);
            continue;
        case 43:
            fprintf(f, "2 123456789012 eni-%u 10.0.0.%u 10.0.1.%u 70000 443 6 1 40 %u %u ACCEPT OK\n",
                    eni, a, b, t, t + 59);
            continue;
        case 71:
            fprintf(f, "2 123456789012 eni-%u - - - - - - - %u %u - NODATA\n", eni, t, t + 59);
            continue;
        case 97:
            fprintf(f, "2 123456789012 eni-%u - - - - - - - %u %u - SKIPDATA\n", eni, t, t + 59);
            continue;
        case 131:
            fputs("\n# a comment\n", f);
            continue;
        case 163:
            fprintf(f, "2 123456789012 eni-%u 10.0.0.%u 10.0.1.%u 1 2 6 1 40 %u %u MAYBE OK\n", eni,
                    a, b, t, t + 59);
            continue;
        default:
            break;
        }
        if (rev)
            fprintf(f, "2 123456789012 eni-%u 10.0.1.%u 10.0.0.%u %u %u %u %u %u %u %u %s OK\n", eni,
                    b, a, proto == 1 ? 0 : 443, proto == 1 ? 0 : cport, proto,
                    (unsigned)(r % 50 + 1), (unsigned)(r % 5000 + 40), t, t + 59,
                    r % 17 == 0 ? "REJECT" : "ACCEPT");
        else
            fprintf(f, "2 123456789012 eni-%u 10.0.0.%u 10.0.1.%u %u %u %u %u %u %u %u %s OK\n", eni,
                    a, b, proto == 1 ? 0 : cport, proto == 1 ? 0 : 443, proto,
                    (unsigned)(r % 50 + 1), (unsigned)(r % 5000 + 40), t, t + 59,
                    r % 17 == 0 ? "REJECT" : "ACCEPT");
    }
    fclose(f);
    *len = blen;
    return buf;
}

/* A v5 S3 file with a header and pkt-* fields: some records went through
 * a NAT gateway (pkt-* differs from srcaddr/dstaddr), which takes the
 * path where a record carries its plain addresses beside the key. */
static char *gen_v5(uint64_t seed, int n, size_t *len)
{
    char *buf = NULL;
    size_t blen = 0;
    FILE *f = open_memstream(&buf, &blen);
    cr_assert_not_null(f);
    fputs("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
          "bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type "
          "pkt-srcaddr pkt-dstaddr flow-direction\n",
          f);
    uint64_t s = seed;
    for (int i = 0; i < n; i++) {
        const uint64_t r = lcg(&s);
        const unsigned a = (unsigned)(r % 11), b = (unsigned)(r / 11 % 5);
        const unsigned t = 1600000000u + (unsigned)(i / 20) * 60u;
        const unsigned cport = 40000 + (unsigned)(r / 100 % 30);
        if (i % 97 == 5) {
            fprintf(f, "5 123456789012 eni-nat 10.0.0.%u 10.0.9.9 %u 443 6 3 300 %u %u ACCEPT OK "
                       "vpc-1 subnet-1 - 18 IPv4 10.0.0.%u 198.51.100.%u ingress extra\n",
                    a, cport, t, t + 59, a, b);
            continue;
        }
        if (i % 3 == 0)
            fprintf(f, "5 123456789012 eni-nat 10.0.9.9 198.51.100.%u %u 443 6 3 300 %u %u ACCEPT OK "
                       "vpc-1 subnet-1 - %u IPv4 10.0.0.%u 198.51.100.%u egress\n",
                    b, cport, t, t + 59, i % 2 ? 2 : 16, a, b);
        else if (i % 3 == 1)
            fprintf(f, "5 123456789012 eni-nat 10.0.0.%u 10.0.9.9 %u 443 6 3 300 %u %u ACCEPT OK "
                       "vpc-1 subnet-1 - 2 IPv4 10.0.0.%u 198.51.100.%u ingress\n",
                    a, cport, t, t + 59, a, b);
        else
            fprintf(f, "5 123456789012 eni-app%u 10.0.0.%u 198.51.100.%u %u 443 6 3 300 %u %u "
                       "ACCEPT OK vpc-1 subnet-1 i-%u 2 IPv4 - - egress\n",
                    a, a, b, cport, t, t + 59, a);
    }
    fclose(f);
    *len = blen;
    return buf;
}

static void add_mixed(fst_reader *r)
{
    size_t len;
    char *b = gen_lines(1, 20000, &len);
    cr_assert_eq(fst_reader_add_mem(r, "mixed-a.log", b, len), 0);
    free(b);
    b = gen_v5(2, 6000, &len);
    cr_assert_eq(fst_reader_add_mem(r, "nat-v5.log", b, len), 0);
    free(b);
    b = gen_lines(3, 9000, &len);
    cr_assert_eq(fst_reader_add_mem(r, "mixed-b.log", b, len), 0);
    free(b);
}

TestSuite(feed);

/* Bad lines of several kinds in three inputs of two layouts: every output
 * the same, and the run did meet problems, sessions and SKIPDATA. */
Test(feed, mixed_input_same_as_single_thread)
{
    result two;
    check_all(add_mixed, 0, NULL, &two);
    cr_assert_eq(two.rc, 0);
    cr_assert_eq(two.frc, 0);
    cr_assert_not_null(strstr(two.diag, "mixed-a.log:18: "), "%s", two.diag);
    cr_assert_not_null(strstr(two.diag, "mixed-b.log:"));
    cr_assert_gt(two.olen, 1000);
    cr_assert_not_null(strstr(two.out, "\"eni-nat\""));
    result_free(&two);
}

/* Strict mode: line 18 of the first input is the first problem; both
 * paths stop there, report it alone and return FST_ESTRICT; the records
 * before it were pushed either way. */
Test(feed, strict_stops_at_first_problem)
{
    result two;
    check_all(add_mixed, 1, NULL, &two);
    cr_assert_eq(two.rc, FST_ESTRICT);
    cr_assert_not_null(strstr(two.diag, "mixed-a.log:18: "));
    cr_assert_null(strstr(two.diag, "mixed-a.log:44:"));
    cr_assert_not_null(strstr(two.acct, "mixed-a.log lines 18 rec 17 "), "%s", two.acct);
    cr_assert_not_null(strstr(two.acct, "in 17 "), "%s", two.acct);
    result_free(&two);
}

static void add_empty(fst_reader *r)
{
    cr_assert_eq(fst_reader_add_mem(r, "empty.log", "", 0), 0);
}

static void add_nothing(fst_reader *r)
{
    (void)r;
}

/* An empty input, and no input at all: no sessions, 0 returned. */
Test(feed, empty_input)
{
    result two;
    check_all(add_empty, 0, NULL, &two);
    cr_assert_eq(two.rc, 0);
    cr_assert_eq(two.olen, 0);
    cr_assert_not_null(strstr(two.acct, "empty.log lines 0 rec 0 "));
    result_free(&two);
    check_all(add_nothing, 0, NULL, &two);
    cr_assert_eq(two.rc, 0);
    cr_assert_eq(two.olen, 0);
    result_free(&two);
    check_all(add_empty, 1, NULL, &two);
    cr_assert_eq(two.rc, 0);
    result_free(&two);
}

#define TINY 5000

/* 5000 inputs of one or two lines (every 7th one bad, every 11th empty):
 * batches span many inputs, and each problem still names its input. */
static void add_tiny(fst_reader *r)
{
    char name[32], line[256];
    for (int i = 0; i < TINY; i++) {
        snprintf(name, sizeof name, "tiny-%05d.log", i);
        int n = 0;
        if (i % 11 != 0)
            n = snprintf(line, sizeof line,
                         "2 123456789012 eni-%d 10.0.0.%d 10.0.1.%d %d 443 6 2 120 %d %d ACCEPT OK\n%s",
                         i % 5, i % 13, i % 17, 40000 + i % 100, 1600000000 + i, 1600000059 + i,
                         i % 7 == 3 ? "2 bad line\n" : "");
        cr_assert_eq(fst_reader_add_mem(r, name, line, (size_t)n), 0);
    }
}

Test(feed, many_tiny_inputs)
{
    result two;
    check_all(add_tiny, 0, NULL, &two);
    cr_assert_eq(two.rc, 0);
    cr_assert_not_null(strstr(two.diag, "tiny-00003.log:2: "));
    cr_assert_not_null(strstr(two.diag, "tiny-04987.log:2: "), "%s", two.diag + two.dlen - 200);
    cr_assert_gt(two.olen, 0);
    result_free(&two);
    check_all(add_tiny, 1, NULL, &two);
    cr_assert_eq(two.rc, FST_ESTRICT);
    cr_assert_not_null(strstr(two.diag, "tiny-00003.log:2: "));
    result_free(&two);
}

/* Metadata folds 10.0.0.2 (a secondary IP) onto 10.0.0.1: records naming
 * it take the aliased-key path (addresses carried beside the key). */
Test(feed, metadata_alias)
{
    char path[] = "/tmp/fst-feed-meta-XXXXXX";
    const int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    static const char meta_json[] =
        "{\"NetworkInterfaces\": [{\"NetworkInterfaceId\": \"eni-1\", \"PrivateIpAddress\": "
        "\"10.0.0.1\", \"PrivateIpAddresses\": [{\"Primary\": true, \"PrivateIpAddress\": "
        "\"10.0.0.1\"}, {\"Primary\": false, \"PrivateIpAddress\": \"10.0.0.2\"}]}]}\n";
    cr_assert_eq(write(fd, meta_json, sizeof meta_json - 1), (ssize_t)(sizeof meta_json - 1));
    close(fd);
    char err[256];
    fst_eni_table *meta = fst_eni_table_load(path, err, sizeof err);
    unlink(path);
    cr_assert_not_null(meta, "%s", err);
    result two;
    check_all(add_mixed, 0, meta, &two);
    cr_assert_eq(two.rc, 0);
    cr_assert_not_null(strstr(two.out, "\"10.0.0.2\""));
    result_free(&two);
    fst_eni_table_free(meta);
}

static void add_bad_fields(fst_reader *r)
{
    add_tiny(r);
}

/* A bad --fields: both paths return FST_EFORMAT and say so once. */
Test(feed, bad_fields)
{
    for (int threads = 1; threads <= 2; threads++) {
        char *d = NULL;
        size_t dl = 0;
        FILE *diag = open_memstream(&d, &dl);
        fst_reader_config rc;
        fst_reader_config_init(&rc);
        rc.fields = "${version} ${no-such-field";
        rc.diag = diag;
        fst_reader *r = fst_reader_new(&rc);
        cr_assert_not_null(r);
        add_bad_fields(r);
        fst_stitcher_config sc;
        fst_stitcher_config_init(&sc);
        sc.threads = (uint32_t)threads;
        fst_stitcher *st = fst_stitcher_new(&sc);
        cr_assert_eq(fst_stitcher_push_reader(st, r, NULL, NULL), FST_EFORMAT);
        fclose(diag);
        cr_assert_not_null(strstr(d, "fields: "), "%s", d);
        cr_assert_null(strstr(strstr(d, "fields: ") + 1, "fields: "), "said twice: %s", d);
        free(d);
        fst_stitcher_free(st);
        fst_reader_free(r);
    }
}

/* A finished stitcher takes nothing. */
Test(feed, after_finish)
{
    fst_stitcher *st = fst_stitcher_new(NULL);
    fst_reader *r = fst_reader_new(NULL);
    cr_assert_eq(fst_stitcher_finish(st, NULL, NULL), 0);
    cr_assert_eq(fst_stitcher_push_reader(st, r, NULL, NULL), FST_EINVAL);
    cr_assert_eq(fst_stitcher_push_reader(NULL, r, NULL, NULL), FST_EINVAL);
    fst_reader_free(r);
    fst_stitcher_free(st);
}

/* One v2 record of interface eni (account 123456789012), window i. */
static int eni_line(char *buf, size_t cap, const char *eni, int i)
{
    return snprintf(buf, cap, "2 123456789012 %s 10.0.0.1 10.0.1.%d 40000 443 6 2 120 %d %d ACCEPT OK\n",
                    eni, 10 + i, 1600000000 + 60 * i, 1600000059 + 60 * i);
}

/* Pushes lines made from enis[0..n) (one record each) through a reader of
 * its own, which is freed before the caller makes the next one (so its
 * interned strings' memory and its dense numbers may come back, naming
 * other ENIs). */
static void push_enis(fst_stitcher *st, const char *const *enis, int n, int first)
{
    fst_reader *r = fst_reader_new(NULL);
    cr_assert_not_null(r);
    char *text = malloc((size_t)n * 128), *p = text;
    cr_assert_not_null(text);
    for (int i = 0; i < n; i++)
        p += eni_line(p, 128, enis[i], first + i);
    cr_assert_eq(fst_reader_add_mem(r, "enis.log", text, (size_t)(p - text)), 0);
    cr_assert_eq(fst_stitcher_push_reader(st, r, NULL, NULL), 0);
    fst_reader_free(r);
    free(text);
}

/* The engine finds a record's ENI by the reader's dense number of its
 * interface-id: a second reader numbers its ENIs from the start again, in
 * its own order, so its number 1 is another ENI than the first reader's.
 * Each ENI's record count is still its own: eni-aaa 2 (reader 1), eni-bbb
 * 1 + 3, eni-ccc 1 (reader 2 only). */
Test(feed, second_reader_numbers_enis_anew)
{
    static const char *const one[] = {"eni-aaa", "eni-aaa", "eni-bbb"};
    static const char *const two[] = {"eni-bbb", "eni-ccc", "eni-bbb", "eni-bbb"};
    for (int threads = 1; threads <= 2; threads++) {
        fst_stitcher_config sc;
        fst_stitcher_config_init(&sc);
        sc.threads = (uint32_t)threads;
        fst_stitcher *st = fst_stitcher_new(&sc);
        cr_assert_not_null(st);
        push_enis(st, one, 3, 0);
        push_enis(st, two, 4, 3);
        cr_assert_eq(fst_stitcher_finish(st, NULL, NULL), 0);
        const fst_stitch_stats *s = fst_stitcher_stats(st);
        cr_assert_eq(s->n_enis, 3);
        static const char *const name[] = {"eni-aaa", "eni-bbb", "eni-ccc"};
        static const uint64_t want[] = {2, 4, 1};
        for (int i = 0; i < 3; i++) {
            cr_assert_str_eq(s->enis[i].eni, name[i]);
            cr_assert_eq(s->enis[i].records, want[i], "threads %d, %s: %llu records", threads,
                         name[i], (unsigned long long)s->enis[i].records);
        }
        fst_stitcher_free(st);
    }
}

/* More distinct interface-ids than a parse thread numbers locally
 * (FST__LOCAL_IDS_MAX, 65,536): past it the reading thread interns a
 * prepared record's ids from their text.  The two parse threads share the
 * chunks, so 140,000 ENIs (each seen once, then the first 2,000 again)
 * take each past its cap.  The plain loop and the prepared records agree,
 * and each record is a session of its own (the repeats use another port). */
#define MANY_ENIS 140000
#define MANY_AGAIN 2000

static void add_many_enis(fst_reader *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    for (int k = 0; k < MANY_ENIS + MANY_AGAIN; k++) {
        const int i = k % MANY_ENIS, again = k >= MANY_ENIS;
        fprintf(f, "2 123456789012 eni-%08x 10.%d.%d.%d 10.200.0.1 %d 443 6 2 120 %d %d ACCEPT OK\n",
                i, i >> 16, (i >> 8) & 255, i & 255, 40000 + again, 1600000000 + 60 * again,
                1600000059 + 60 * again);
    }
    fclose(f);
    cr_assert_eq(fst_reader_add_mem(r, "many.log", buf, len), 0);
    free(buf);
}

static size_t count_lines_of(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '\n';
    return k;
}

Test(feed, more_enis_than_local_ids)
{
    result loop, piped;
    run(&loop, add_many_enis, -1, 0, NULL);
    run_r(&piped, add_many_enis, 2, 0, NULL, 2, NULL);
    same(&loop, &piped);
    cr_assert_eq(piped.rc, 0);
    cr_assert_eq(count_lines_of(piped.out, piped.olen), MANY_ENIS + MANY_AGAIN);
    result_free(&loop);
    result_free(&piped);
}

/* A row maker that makes nothing useful, rows only (parse/rows.h). */
static size_t dummy_row(void *state, const void *ud, const fst_record *rec, char *buf, size_t cap,
                        uint64_t *bad)
{
    (void)state, (void)ud, (void)rec, (void)bad;
    if (cap < 8)
        return 8;
    memset(buf, 0, 8);
    return 8;
}

static void *dummy_state(void)
{
    return malloc(1);
}

/* A reader whose parse threads make rows only (records not packed; with
 * noids, ids not looked up either) still gives every record to
 * fst_reader_next, parsed again from its line: the plain loop over it is
 * the plain loop over a reader without threads. */
Test(feed, rows_only_reader_still_gives_records)
{
    for (int noids = 0; noids <= 1; noids++) {
        const fst__row_maker mk = {dummy_row, dummy_state, free, NULL, 1, noids};
        result plain, only;
        run(&plain, add_mixed, -1, 0, NULL);
        run_r(&only, add_mixed, -1, 0, NULL, 2, &mk);
        same(&plain, &only);
        cr_assert_gt(only.olen, 0);
        result_free(&plain);
        result_free(&only);
    }
}
