/* tests/test_reader.c - the public fst_reader (src/parse/reader.c): every
 * line in exactly one bucket, per file and in total; problem reports and
 * their cap; strict mode; file-level errors; real files with headers
 * (../shared/fixtures-real, read in place, skipped when absent).
 *
 * Expected values are typed by hand from the input text written here or
 * from the fixture files and ../shared/docs/aws-flowlogs.md.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <flowstitch.h>

#define REAL FST_SHARED_DIR "/fixtures-real/"

static void need_file(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        cr_skip_test("%s not found: the shared fixtures (../shared) are absent", path);
}

/* A reader whose diag goes to a memory stream. */
typedef struct rig {
    fst_reader *r;
    FILE *diag;
    char *text;
    size_t len;
} rig;

static void rig_open(rig *g, const char *fields, int strict, uint32_t max_reports,
                     uint32_t max_line)
{
    memset(g, 0, sizeof *g);
    g->diag = open_memstream(&g->text, &g->len);
    cr_assert_not_null(g->diag);
    fst_reader_config cfg;
    fst_reader_config_init(&cfg);
    cfg.fields = fields;
    cfg.strict = strict;
    cfg.max_reports = max_reports;
    if (max_line)
        cfg.max_line = max_line;
    cfg.diag = g->diag;
    g->r = fst_reader_new(&cfg);
    cr_assert_not_null(g->r);
}

static const char *rig_diag(rig *g)
{
    fflush(g->diag);
    return g->text ? g->text : "";
}

static void rig_close(rig *g)
{
    fst_reader_free(g->r);
    fclose(g->diag);
    free(g->text);
}

static void add_text(rig *g, const char *name, const char *text)
{
    cr_assert_eq(fst_reader_add_mem(g->r, name, text, strlen(text)), 0);
}

/* Read everything; returns the number of records, stops at an error. */
static int drain(rig *g, int *last_rc)
{
    const fst_record *rec;
    int n = 0, rc;
    while ((rc = fst_reader_next(g->r, &rec)) == 1)
        n++;
    if (last_rc)
        *last_rc = rc;
    return n;
}

static void expect_identity(const fst_input_stats *s)
{
    uint64_t sum = 0;
    for (int i = 0; i < FST_REASON_SLOTS; i++)
        sum += s->by_reason[i];
    cr_expect_eq(s->skipped, sum, "%s: skipped = sum of reasons", s->name);
    cr_expect_eq(s->lines,
                 s->records + s->nodata + s->skipdata + s->headers + s->ignored + s->skipped,
                 "%s: lines = records + nodata + skipdata + headers + ignored + skipped", s->name);
}

/* ---- configuration --------------------------------------------------- */

Test(reader, config_defaults)
{
    fst_reader_config cfg;
    memset(&cfg, 0x5a, sizeof cfg);
    fst_reader_config_init(&cfg);
    cr_expect_null(cfg.fields);
    cr_expect_eq(cfg.strict, 0);
    cr_expect_eq(cfg.max_line, 65536);
    cr_expect_eq(cfg.max_reports, 10);
    cr_expect_eq(cfg.diag, stderr);
}

Test(reader, version_string)
{
    cr_expect_str_eq(fst_version(), "0.1.0");
}

/* ---- accounting ------------------------------------------------------ */

#define L_OK "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n"
#define L_ND "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA\n"
#define L_SD "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA\n"
#define L_HDR "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"

Test(reader, every_line_in_one_bucket)
{
    rig g;
    rig_open(&g, NULL, 0, 10, 150); /* line 12 (197 bytes) is too long */
    add_text(&g, "mix.log",
             L_HDR                                                  /* 1 header */
             L_OK                                                   /* 2 record */
             "\n"                                                   /* 3 ignored */
             "# a comment\n"                                        /* 4 ignored */
             L_ND                                                   /* 5 nodata */
             L_SD                                                   /* 6 skipdata */
             "2 123456789010 eni-1 172.31.16.139 172.31.16.21 70000 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n" /* 7 range */
             "2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT\n"    /* 8 fields */
             "2 123456789010 eni-1 172.31.16.1390 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n" /* 9 addr */
             "2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 KEEP OK\n"   /* 10 value */
             "2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 2o 4249 1418530010 1418530070 ACCEPT OK\n" /* 11 number */
             "2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK 1234567890 1234567890 1234567890 1234567890 1234567890 1234567890 1234567890 1234567890 1234567890\n" /* 12 long */
             "2 123\x01 eni-1\n"                                   /* 13 binary */
             L_OK);                                                 /* 14 record, no newline issue */
    int rc;
    int n = drain(&g, &rc);
    cr_expect_eq(rc, 0);
    cr_expect_eq(n, 4, "OK + NODATA + SKIPDATA + OK records returned");
    size_t nf = 0;
    const fst_input_stats *fs = fst_reader_file_stats(g.r, &nf);
    cr_assert_eq(nf, 1);
    const fst_input_stats *s = &fs[0];
    cr_expect_str_eq(s->name, "mix.log");
    cr_expect_eq(s->lines, 14);
    cr_expect_eq(s->headers, 1);
    cr_expect_eq(s->records, 2);
    cr_expect_eq(s->nodata, 1);
    cr_expect_eq(s->skipdata, 1);
    cr_expect_eq(s->ignored, 2);
    cr_expect_eq(s->skipped, 7);
    cr_expect_eq(s->by_reason[-FST_ERANGE], 1);
    cr_expect_eq(s->by_reason[-FST_EFIELDS], 1);
    cr_expect_eq(s->by_reason[-FST_EADDR], 1);
    cr_expect_eq(s->by_reason[-FST_EVALUE], 1);
    cr_expect_eq(s->by_reason[-FST_ENUMBER], 1);
    cr_expect_eq(s->by_reason[-FST_ELONGLINE], 1);
    cr_expect_eq(s->by_reason[-FST_EBINARY], 1);
    cr_expect_eq(s->files, 1);
    cr_expect_eq(s->gzip, 0);
    cr_expect_eq(s->error, 0);
    expect_identity(s);

    const fst_input_stats *t = fst_reader_total(g.r);
    cr_expect_str_eq(t->name, "(total)");
    cr_expect_eq(t->lines, 14);
    cr_expect_eq(t->skipped, 7);
    cr_expect_eq(t->files, 1);
    expect_identity(t);
    cr_expect_eq(fst_reader_problems(g.r), 7);

    const char *d = rig_diag(&g);
    cr_expect(strstr(d, "mix.log:7: number out of range (srcport: \"70000\" out of range)\n") != NULL, "%s", d);
    cr_expect(strstr(d, "mix.log:8: wrong number of fields (14 fields expected, 13 found)\n") != NULL, "%s", d);
    cr_expect(strstr(d, "mix.log:9: bad address (srcaddr: \"172.31.16.1390\" is not an IP address)\n") != NULL, "%s", d);
    cr_expect(strstr(d, "mix.log:12: line too long") != NULL, "%s", d);
    cr_expect(strstr(d, "mix.log:13: binary data") != NULL, "%s", d);
    cr_expect(strstr(d, "more problems not shown") == NULL, "%s", d);
    rig_close(&g);
}

Test(reader, report_cap_then_one_summary)
{
    rig g;
    rig_open(&g, NULL, 0, 2, 0);
    add_text(&g, "bad.log", "x\ny\nz\nw\n" L_OK "v\n");
    int rc;
    cr_expect_eq(drain(&g, &rc), 1);
    cr_expect_eq(rc, 0);
    cr_expect_eq(fst_reader_problems(g.r), 5);
    cr_expect_str_eq(rig_diag(&g),
                     "bad.log:1: wrong number of fields (14 fields expected, 1 found)\n"
                     "bad.log:2: wrong number of fields (14 fields expected, 1 found)\n"
                     "... 3 more problems not shown\n");
    /* after the end: still the end, no second summary */
    const fst_record *rec;
    cr_expect_eq(fst_reader_next(g.r, &rec), 0);
    cr_expect_str_eq(rig_diag(&g),
                     "bad.log:1: wrong number of fields (14 fields expected, 1 found)\n"
                     "bad.log:2: wrong number of fields (14 fields expected, 1 found)\n"
                     "... 3 more problems not shown\n");
    rig_close(&g);
}

Test(reader, strict_stops_at_first_problem)
{
    rig g;
    rig_open(&g, NULL, 1, 10, 0);
    add_text(&g, "s.log", L_OK "2 123456789010 eni-1 - - - - - - - 1 2 - MAYBE\n" L_OK);
    const fst_record *rec;
    cr_expect_eq(fst_reader_next(g.r, &rec), 1);
    cr_expect_eq(fst_reader_next(g.r, &rec), FST_ESTRICT);
    cr_expect_eq(fst_reader_next(g.r, &rec), FST_ESTRICT, "stays stopped");
    const fst_input_stats *t = fst_reader_total(g.r);
    cr_expect_eq(t->lines, 2);
    cr_expect_eq(t->records, 1);
    cr_expect_eq(t->by_reason[-FST_EVALUE], 1);
    cr_expect_str_eq(rig_diag(&g), "s.log:2: bad field value (log-status: \"MAYBE\" is not a known value)\n");
    rig_close(&g);
}

Test(reader, custom_fields_and_header_per_file)
{
    rig g;
    rig_open(&g, "${interface-id} ${srcaddr} ${dstaddr}", 0, 10, 0);
    add_text(&g, "a.log", L_HDR L_OK);
    add_text(&g, "b.log", "eni-1 10.0.0.1 10.0.0.2\neni-2 ::1 2001:db8::2\n");
    const fst_record *rec;
    cr_assert_eq(fst_reader_next(g.r, &rec), 1);
    cr_expect_str_eq(rec->file, "a.log");
    cr_expect_eq(rec->line, 2);
    cr_expect_eq(rec->format->ncols, 14, "a.log's header wins over --fields");
    cr_expect_eq(rec->num[FST_F_SRCPORT], 20641);
    cr_assert_eq(fst_reader_next(g.r, &rec), 1);
    cr_expect_str_eq(rec->file, "b.log");
    cr_expect_eq(rec->line, 1);
    cr_expect_eq(rec->format->ncols, 3, "the header does not carry into b.log");
    cr_expect_str_eq(rec->ids[FST_F_INTERFACE_ID], "eni-1");
    cr_assert_eq(fst_reader_next(g.r, &rec), 1);
    cr_expect_eq(rec->addr[FST_A_SRC].family, 6);
    cr_expect_eq(fst_reader_next(g.r, &rec), 0);
    size_t nf = 0;
    const fst_input_stats *fs = fst_reader_file_stats(g.r, &nf);
    cr_assert_eq(nf, 2);
    cr_expect_eq(fs[0].headers, 1);
    cr_expect_eq(fs[0].records, 1);
    cr_expect_eq(fs[1].lines, 2);
    cr_expect_eq(fs[1].records, 2);
    const fst_input_stats *t = fst_reader_total(g.r);
    cr_expect_eq(t->files, 2);
    cr_expect_eq(t->lines, 4);
    cr_expect_eq(t->records, 3);
    expect_identity(&fs[0]);
    expect_identity(&fs[1]);
    expect_identity(t);
    rig_close(&g);
}

Test(reader, bad_fields_config)
{
    rig g;
    rig_open(&g, "${version", 0, 10, 0);
    add_text(&g, "a.log", L_OK);
    const fst_record *rec;
    cr_expect_eq(fst_reader_next(g.r, &rec), FST_EFORMAT);
    cr_expect_eq(fst_reader_next(g.r, &rec), FST_EFORMAT);
    cr_expect(strstr(rig_diag(&g), "fields: bad format string or header") != NULL, "%s", rig_diag(&g));
    rig_close(&g);
}

Test(reader, missing_path)
{
    rig g;
    rig_open(&g, NULL, 0, 10, 0);
    cr_expect_eq(fst_reader_add_path(g.r, "/nonexistent/flowstitch/none.log"), FST_ENOENT);
    rig_close(&g);
}

/* gzip a text with zlib. */
static size_t gzip_text(const char *text, unsigned char *out, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)(uintptr_t)text;
    z.avail_in = (uInt)strlen(text);
    z.next_out = out;
    z.avail_out = (uInt)cap;
    cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = z.total_out;
    deflateEnd(&z);
    return n;
}

Test(reader, gzip_memory_and_truncated_gzip)
{
    unsigned char gz[4096];
    size_t n = gzip_text(L_HDR L_OK L_ND, gz, sizeof gz);
    rig g;
    rig_open(&g, NULL, 0, 10, 0);
    cr_assert_eq(fst_reader_add_mem(g.r, "good.gz", gz, n), 0);
    cr_assert_eq(fst_reader_add_mem(g.r, "cut.gz", gz, n - 12), 0); /* trailer and some data gone */
    int rc;
    drain(&g, &rc);
    cr_expect_eq(rc, 0);
    size_t nf = 0;
    const fst_input_stats *fs = fst_reader_file_stats(g.r, &nf);
    cr_assert_eq(nf, 2);
    cr_expect_eq(fs[0].gzip, 1);
    cr_expect_eq(fs[0].headers, 1);
    cr_expect_eq(fs[0].records, 1);
    cr_expect_eq(fs[0].nodata, 1);
    cr_expect_eq(fs[0].error, 0);
    cr_expect_eq(fs[0].bytes_read, n);
    cr_expect_lt(fs[1].error, 0, "a cut gzip stream ends the file with an error");
    cr_expect_eq(fs[1].files_failed, 1);
    expect_identity(&fs[1]);
    const fst_input_stats *t = fst_reader_total(g.r);
    cr_expect_eq(t->files, 2);
    cr_expect_eq(t->files_failed, 1);
    expect_identity(t);
    cr_expect(strstr(rig_diag(&g), "cut.gz: ") != NULL, "%s", rig_diag(&g));
    rig_close(&g);
}

/* buffer_size only changes how much is read at a time: with 13-byte reads
 * (every line and the gzip header straddle a read) a plain and a gzip copy
 * of header + OK record + NODATA record still give 1 header, 1 record and
 * 1 NODATA each, with the record's own bytes value. */
Test(reader, buffer_size_changes_nothing_but_read_size)
{
    unsigned char gz[4096];
    const size_t n = gzip_text(L_HDR L_OK L_ND, gz, sizeof gz);
    const uint32_t sizes[] = {0, 13, 4096};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        rig g;
        memset(&g, 0, sizeof g);
        g.diag = open_memstream(&g.text, &g.len);
        fst_reader_config cfg;
        fst_reader_config_init(&cfg);
        cfg.diag = g.diag;
        cfg.buffer_size = sizes[k];
        g.r = fst_reader_new(&cfg);
        cr_assert_not_null(g.r);
        add_text(&g, "plain.log", L_HDR L_OK L_ND);
        cr_assert_eq(fst_reader_add_mem(g.r, "copy.gz", gz, n), 0);
        const fst_record *rec;
        int rc, seen = 0;
        while ((rc = fst_reader_next(g.r, &rec)) == 1)
            if (rec->status == FST_STATUS_OK) {
                cr_expect_eq(rec->num[FST_F_BYTES], 4249, "size %u", sizes[k]);
                seen++;
            }
        cr_expect_eq(rc, 0);
        cr_expect_eq(seen, 2, "size %u: the OK record of each file", sizes[k]);
        size_t nf = 0;
        const fst_input_stats *fs = fst_reader_file_stats(g.r, &nf);
        cr_assert_eq(nf, 2);
        for (size_t i = 0; i < nf; i++) {
            cr_expect_eq(fs[i].headers, 1, "size %u file %zu", sizes[k], i);
            cr_expect_eq(fs[i].records, 1, "size %u file %zu", sizes[k], i);
            cr_expect_eq(fs[i].nodata, 1, "size %u file %zu", sizes[k], i);
            cr_expect_eq(fs[i].error, 0, "size %u file %zu", sizes[k], i);
            expect_identity(&fs[i]);
        }
        rig_close(&g);
    }
}

Test(reader, directory_walk_skips_non_flow_logs)
{
    char dir[] = "/tmp/fst_reader_testXXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char p1[128], p2[128];
    snprintf(p1, sizeof p1, "%s/a.log", dir);
    snprintf(p2, sizeof p2, "%s/notes.log", dir);
    FILE *f = fopen(p1, "w");
    fputs(L_HDR L_OK, f);
    fclose(f);
    f = fopen(p2, "w");
    fputs("# notes\nthese are my notes, not flow logs\n", f);
    fclose(f);
    rig g;
    rig_open(&g, NULL, 0, 10, 0);
    cr_assert_eq(fst_reader_add_path(g.r, dir), 0);
    int rc;
    cr_expect_eq(drain(&g, &rc), 1);
    cr_expect_eq(rc, 0);
    const fst_input_stats *t = fst_reader_total(g.r);
    cr_expect_eq(t->files, 1);
    cr_expect_eq(t->files_not_flowlog, 1);
    cr_expect_eq(t->files_failed, 0);
    cr_expect_eq(t->records, 1);
    cr_expect(strstr(rig_diag(&g), "notes.log: note: skipped: not a flow log") != NULL, "%s",
              rig_diag(&g));
    rig_close(&g);
    unlink(p1);
    unlink(p2);
    rmdir(dir);
}

/* ---- real files with headers ----------------------------------------- */

Test(real, beats_repeated_header_and_blank_line)
{
    const char *path = REAL "elastic-beats/tcp-flag-sequence-skip-data.log";
    need_file(path);
    rig g;
    rig_open(&g, NULL, 0, 10, 0);
    cr_assert_eq(fst_reader_add_path(g.r, path), 0);
    const fst_record *rec;
    cr_assert_eq(fst_reader_next(g.r, &rec), 1);
    cr_expect_eq(rec->line, 2);
    cr_expect_eq(rec->status, FST_STATUS_SKIPDATA);
    cr_expect_eq(rec->format->ncols, 21);
    cr_expect_eq(rec->num[FST_F_VERSION], 3);
    cr_expect_str_eq(rec->ids[FST_F_VPC_ID], "vpc-abcdefab012345678");
    cr_expect_str_eq(rec->ids[FST_F_INSTANCE_ID], "i-01234567890123456");
    cr_expect_str_eq(rec->ids[FST_F_INTERFACE_ID], "eni-1235b8ca123456789");
    cr_expect_eq(rec->num[FST_F_START], 1566848875);
    cr_expect_eq(rec->num[FST_F_END], 1566848933);
    cr_expect(FST_FIELDSET_HAS(rec->dash, FST_F_TYPE));
    cr_expect(FST_FIELDSET_HAS(rec->dash, FST_F_TCP_FLAGS));
    cr_expect(FST_FIELDSET_HAS(rec->dash, FST_F_ACTION));
    uint32_t eni = rec->eni;
    cr_assert_eq(fst_reader_next(g.r, &rec), 1);
    cr_expect_eq(rec->line, 5);
    cr_expect_eq(rec->status, FST_STATUS_NODATA);
    cr_expect_eq(rec->eni, eni);
    cr_expect_eq(fst_reader_next(g.r, &rec), 0);
    const fst_input_stats *t = fst_reader_total(g.r);
    cr_expect_eq(t->lines, 5);
    cr_expect_eq(t->headers, 2);
    cr_expect_eq(t->ignored, 1);
    cr_expect_eq(t->skipdata, 1);
    cr_expect_eq(t->nodata, 1);
    cr_expect_eq(t->records, 0);
    cr_expect_eq(t->skipped, 0);
    expect_identity(t);
    rig_close(&g);
}

Test(real, otel_tgw_header_no_trailing_newline)
{
    const char *path = REAL "otel-contrib/valid_tgw_flow_log.log";
    need_file(path);
    rig g;
    rig_open(&g, NULL, 0, 10, 0);
    cr_assert_eq(fst_reader_add_path(g.r, path), 0);
    const fst_record *rec;
    cr_assert_eq(fst_reader_next(g.r, &rec), 1, "%s", rig_diag(&g));
    cr_expect_eq(rec->line, 2);
    cr_expect_eq(rec->format->ncols, 31);
    cr_expect_eq(rec->num[FST_F_VERSION], 6);
    cr_expect_str_eq(rec->ids[FST_F_ACCOUNT_ID], "123456789012");
    cr_expect_str_eq(rec->ids[FST_F_TGW_ATTACHMENT_ID], "tgw-attach-0abc12345def67890");
    cr_expect_eq(rec->cols[2].len, strlen("tgw-0abc12345def67890"));
    char a[FST_ADDR_STRLEN];
    fst_addr_format(&rec->addr[FST_A_SRC], a, sizeof a);
    cr_expect_str_eq(a, "10.0.0.1");
    fst_addr_format(&rec->addr[FST_A_DST], a, sizeof a);
    cr_expect_str_eq(a, "10.0.1.1");
    cr_expect_eq(rec->num[FST_F_SRCPORT], 12345);
    cr_expect_eq(rec->num[FST_F_DSTPORT], 443);
    cr_expect_eq(rec->num[FST_F_PROTOCOL], 6);
    cr_expect_eq(rec->num[FST_F_PACKETS], 10);
    cr_expect_eq(rec->num[FST_F_BYTES], 1000);
    cr_expect_eq(rec->num[FST_F_PACKETS_LOST_NO_ROUTE], 1);
    cr_expect_eq(rec->num[FST_F_PACKETS_LOST_BLACKHOLE], 2);
    cr_expect_eq(rec->num[FST_F_PACKETS_LOST_MTU_EXCEEDED], 3);
    cr_expect_eq(rec->num[FST_F_PACKETS_LOST_TTL_EXPIRED], 4);
    cr_expect_eq(rec->num[FST_F_START], 1700000000);
    cr_expect_eq(rec->num[FST_F_END], 1700000060);
    cr_expect_eq(rec->status, FST_STATUS_OK);
    cr_expect_eq(rec->num[FST_F_TYPE], FST_IPTYPE_IPV4);
    cr_expect_eq(rec->num[FST_F_TCP_FLAGS], 2);
    cr_expect_eq(rec->num[FST_F_FLOW_DIRECTION], FST_DIR_INGRESS);
    cr_expect_str_eq(rec->ids[FST_F_REGION], "us-east-1");
    cr_expect_not(FST_FIELDSET_HAS(rec->format->fields, FST_F_ACTION));
    cr_expect_eq(rec->eni, 0, "no interface-id column in a TGW flow log");
    cr_expect_eq(fst_reader_next(g.r, &rec), 0);
    const fst_input_stats *t = fst_reader_total(g.r);
    cr_expect_eq(t->lines, 2);
    cr_expect_eq(t->headers, 1);
    cr_expect_eq(t->records, 1);
    expect_identity(t);
    rig_close(&g);
}

Test(real, loki_gzip_s3_object)
{
    const char *path = REAL "grafana-loki/vpcflowlog.log.gz";
    need_file(path);
    rig g;
    rig_open(&g, NULL, 0, 10, 0);
    cr_assert_eq(fst_reader_add_path(g.r, path), 0);
    const fst_record *rec;
    char a[FST_ADDR_STRLEN];
    cr_assert_eq(fst_reader_next(g.r, &rec), 1, "%s", rig_diag(&g));
    cr_expect_eq(rec->line, 2);
    cr_expect_str_eq(rec->ids[FST_F_INTERFACE_ID], "eni-0050644426037aa0f");
    fst_addr_format(&rec->addr[FST_A_SRC], a, sizeof a);
    cr_expect_str_eq(a, "10.26.1.153");
    fst_addr_format(&rec->addr[FST_A_DST], a, sizeof a);
    cr_expect_str_eq(a, "3.239.232.29");
    cr_expect_eq(rec->num[FST_F_SRCPORT], 60220);
    cr_expect_eq(rec->num[FST_F_DSTPORT], 443);
    cr_expect_eq(rec->num[FST_F_PACKETS], 48);
    cr_expect_eq(rec->num[FST_F_BYTES], 21869);
    cr_expect_eq(rec->num[FST_F_START], 1669842701);
    cr_expect_eq(rec->num[FST_F_END], 1669842702);
    uint32_t eni1 = rec->eni;
    cr_assert_eq(fst_reader_next(g.r, &rec), 1);
    cr_expect_eq(rec->num[FST_F_SRCPORT], 443);
    cr_expect_eq(rec->num[FST_F_PACKETS], 47);
    cr_expect_eq(rec->num[FST_F_BYTES], 12071);
    cr_expect_eq(rec->eni, eni1);
    cr_assert_eq(fst_reader_next(g.r, &rec), 1);
    cr_expect_str_eq(rec->ids[FST_F_INTERFACE_ID], "eni-01971454a0f14024a");
    cr_expect_neq(rec->eni, eni1);
    fst_addr_format(&rec->addr[FST_A_DST], a, sizeof a);
    cr_expect_str_eq(a, "10.26.4.139");
    cr_expect_eq(rec->num[FST_F_DSTPORT], 57879);
    cr_expect_eq(rec->num[FST_F_BYTES], 112);
    cr_expect_eq(fst_reader_next(g.r, &rec), 0);
    const fst_input_stats *t = fst_reader_total(g.r);
    cr_expect_eq(t->gzip, 0, "the total has no gzip flag");
    size_t nf = 0;
    const fst_input_stats *fs = fst_reader_file_stats(g.r, &nf);
    cr_assert_eq(nf, 1);
    cr_expect_eq(fs[0].gzip, 1);
    cr_expect_eq(fs[0].bytes_read, 265, "the compressed file size");
    cr_expect_eq(fs[0].lines, 4);
    cr_expect_eq(fs[0].headers, 1);
    cr_expect_eq(fs[0].records, 3);
    expect_identity(&fs[0]);
    rig_close(&g);
}
