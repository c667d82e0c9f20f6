/* tests/test_envelope.c - decode/envelope.h and the JSON envelopes read through
 * decode/input.h and the public reader.
 *
 * Known answers come from how the fixtures were written
 * (fixtures/envelope/make-fixtures.sh, fixtures/README.md "envelope/"):
 * which record each message holds, where a document was cut, which walked
 * files are envelopes.  Byte offsets are counted by hand from the fixture
 * text.  The real samples under ../shared/fixtures-real/ are read in place
 * (never copied) and their values typed from the files; those tests skip
 * when ../shared is absent.
 *
 * Gzip inside gzip and Kinesis events are built inside the tests (zlib's
 * gzip file functions, a base64 encoder, subscription objects typed below)
 * into a temporary folder: what each layer, member and record holds is
 * written here, so are the lines and counts expected.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <flowstitch.h>

#include "flowstitch/errors.h"
#include "envelope_helper.h"
#include "decode/envelope.h"
#include "decode/input.h"
#include "decode/payload.h"

#define FIX FST_SOURCE_DIR "/fixtures/"
#define ENV FIX "envelope/"
#define REAL FST_SHARED_DIR "/fixtures-real/"

/* The records of make-fixtures.sh. */
#define R1 "2 123456789012 eni-0123456789abcdef0 10.0.1.25 10.0.2.40 49152 443 6 10 1820 1795773904 1795773960 ACCEPT OK"
#define R2 "2 123456789012 eni-0123456789abcdef0 10.0.2.40 10.0.1.25 443 49152 6 8 5120 1795773904 1795773960 ACCEPT OK"
#define R3 "2 123456789012 eni-0fedcba9876543210 198.51.100.7 10.0.2.40 51515 22 6 1 60 1795773920 1795773975 REJECT OK"
#define R4 "2 123456789012 eni-0a1b2c3d4e5f60718 - - - - - - - 1795773900 1795773960 - NODATA"
#define R5 "2 123456789012 eni-0123456789abcdef0 10.0.1.25 10.0.3.9 40001 53 17 1 72 1795774201 1795774260 ACCEPT OK"
#define R6 "2 123456789012 eni-0123456789abcdef0 203.0.113.12 10.0.1.25 0 0 1 4 336 1795774210 1795774265 ACCEPT OK"
#define R7 "2 123456789012 eni-0a1b2c3d4e5f60718 - - - - - - - 1795774200 1795774260 - SKIPDATA"
#define CONTROL "(empty) [CloudWatch Logs CONTROL_MESSAGE]"
#define FH_OBJ "envelope/firehose-s3/2026/11/27/10/fst-cwl-to-s3-1-2026-11-27-10-06-12-5a6b7c8d-1e2f-4a3b-9c8d-7e6f5a4b3c2d"

/* ------------------------------------------------------------- helpers */

/* The temporary folder of the test running (tmp_dir), else "". */
static char tmp_root[64];

/* Paths under fixtures/ and the test's temporary folder, shortened. */
static const char *rel(const char *path)
{
    const size_t n = strlen(FIX), t = strlen(tmp_root);
    if (path && t && strncmp(path, tmp_root, t) == 0 && path[t] == '/')
        return path + t + 1;
    return path && strncmp(path, FIX, n) == 0 ? path + n : path;
}

/* Every event of the queue (tests/envelope_helper.h), paths shortened. */
static char *transcript(fst__input *in)
{
    return transcript_rel(in, rel);
}

static int have_isal(void)
{
    fst__input *in = fst__input_new(0, NULL, NULL);
    const int yes = strcmp(fst__input_inflater(in), "isal") == 0;
    fst__input_free(in);
    return yes;
}

/* Transcript of one path with the given backend and buffer sizes (0 =
 * default). */
static char *of_path(const char *path, int zlib, size_t raw, size_t fill)
{
    fst__input *in = fst__input_new(0, NULL, NULL);
    cr_assert_not_null(in);
    fst__input_force_zlib(in, zlib);
    cr_assert_eq(fst__input_set_bufsize(in, raw, fill), 0);
    cr_assert_eq(fst__input_add_path(in, path), 0, "%s", path);
    char *t = transcript(in);
    fst__input_free(in);
    return t;
}

/* Check one path on zlib and (when built) isa-l, with the default buffers
 * and with tiny ones (every document boundary inside a read). */
static void check_path(const char *path, const char *want)
{
    static const size_t sizes[][2] = {{0, 0}, {1, 1}, {7, 3}, {64, 5}};
    for (int zlib = 0; zlib < 2; zlib++) {
        if (!zlib && !have_isal())
            continue;
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            char *got = of_path(path, zlib, sizes[s][0], sizes[s][1]);
            cr_assert_str_eq(got, want, "%s (%s, raw %zu fill %zu)\n--- got ---\n%s--- want ---\n%s",
                             rel(path), zlib ? "zlib" : "isal", sizes[s][0], sizes[s][1], got,
                             want);
            free(got);
        }
    }
}

static void need_shared(void)
{
    struct stat st;
    if (stat(REAL, &st) != 0)
        cr_skip_test("SKIPPED: %s not present (the shared samples are not in this checkout)", REAL);
}

/* ------------------------------------------------------------- sniff */

Test(envelope, sniff_by_top_level_keys)
{
#define SNIFF(text, final) fst__envelope_sniff((text), strlen(text), (final))
    cr_expect_eq(SNIFF("{\"messageType\":\"DATA_MESSAGE\"", 0), FST__ENV_SUBSCRIPTION);
    cr_expect_eq(SNIFF(" \n{\"owner\":\"1\",\"logEvents\":[", 0), FST__ENV_SUBSCRIPTION);
    cr_expect_eq(SNIFF("{\"invocationId\":\"x\",\"records\" : [", 0), FST__ENV_FIREHOSE);
    cr_expect_eq(SNIFF("{\"awslogs\":{\"data\":\"H4sI\"}}", 0), FST__ENV_AWSLOGS);
    cr_expect_eq(SNIFF("{\"@timestamp\":\"t\",\"message\":\"2 1\"}", 0), FST__ENV_MESSAGE);
    /* not envelopes: other keys, keys only below the top level, keys whose
     * value has the wrong type, arrays, text */
    cr_expect_eq(SNIFF("{\"fields\":[\"version\"]}", 0), FST__ENV_NONE);
    cr_expect_eq(SNIFF("{\"a\":{\"message\":\"x\"},\"b\":[{\"records\":[]}]}", 0), FST__ENV_NONE);
    cr_expect_eq(SNIFF("{\"message\":5,\"records\":{}}", 0), FST__ENV_NONE);
    cr_expect_eq(SNIFF("{\"x\":\"\\\"message\\\":\\\"\"}", 0), FST__ENV_NONE); /* inside a string */
    cr_expect_eq(SNIFF("[{\"message\":\"x\"}]", 0), FST__ENV_NONE);
    cr_expect_eq(SNIFF("2 123456789012 eni-1", 0), FST__ENV_NONE);
    /* cut before a verdict: more, or none when nothing more will come */
    cr_expect_eq(SNIFF("{\"fields\":[\"vers", 0), FST__ENV_MORE);
    cr_expect_eq(SNIFF("{\"fields\":[\"vers", 1), FST__ENV_NONE);
    cr_expect_eq(SNIFF("{\"message\":", 0), FST__ENV_MORE);
    cr_expect_eq(SNIFF("   ", 0), FST__ENV_MORE);
    cr_expect_eq(SNIFF("", 1), FST__ENV_NONE);
    /* Kinesis as Lambda receives it: the first element of a top-level
     * "Records" array is looked into, and has a "kinesis" object */
    cr_expect_eq(SNIFF("{\"Records\":[{\"kinesis\":{\"data\":\"H4sI", 0), FST__ENV_KINESIS);
    cr_expect_eq(SNIFF("{ \"Records\" : [ { \"eventSource\" : \"aws:kinesis\", \"kinesis\" : {", 0),
                 FST__ENV_KINESIS);
    /* CloudTrail and S3 event notifications: Records without "kinesis" */
    cr_expect_eq(SNIFF("{\"Records\":[{\"eventVersion\":\"1.08\",\"eventSource\":\"s3\"}]}", 0),
                 FST__ENV_NONE);
    cr_expect_eq(SNIFF("{\"Records\":[{\"s3\":{\"kinesis\":{}}}]}", 0), FST__ENV_NONE);
    cr_expect_eq(SNIFF("{\"Records\":[{\"kinesis\":\"x\"}]}", 0), FST__ENV_NONE);
    cr_expect_eq(SNIFF("{\"Records\":[]}", 0), FST__ENV_NONE);
    cr_expect_eq(SNIFF("{\"records\":{\"kinesis\":{}}}", 0), FST__ENV_NONE);
    /* only the first element counts; after Records the scan goes on */
    cr_expect_eq(SNIFF("{\"Records\":[{\"a\":1},{\"kinesis\":{}}]}", 0), FST__ENV_NONE);
    cr_expect_eq(SNIFF("{\"Records\":[{\"a\":1}],\"message\":\"x\"}", 0), FST__ENV_MESSAGE);
    cr_expect_eq(SNIFF("{\"a\":{\"Records\":[{\"kinesis\":{}}]}}", 0), FST__ENV_NONE);
    /* cut before the verdict on Records */
    cr_expect_eq(SNIFF("{\"Records\":[{\"eventSource\":\"aws:kin", 0), FST__ENV_MORE);
    cr_expect_eq(SNIFF("{\"Records\":[{\"kinesis\":", 0), FST__ENV_MORE);
    cr_expect_eq(SNIFF("{\"Records\":[{\"kinesis\":", 1), FST__ENV_NONE);
#undef SNIFF
}

/* ------------------------------------------------------------ base64 */

static const char *b64(const char *s)
{
    static unsigned char out[256];
    size_t n = 0;
    if (fst__base64_decode(s, strlen(s), out, &n) < 0)
        return "(bad)";
    out[n] = '\0';
    return (const char *)out;
}

Test(envelope, base64_rfc4648_vectors)
{
    /* RFC 4648 section 10 */
    cr_expect_str_eq(b64(""), "");
    cr_expect_str_eq(b64("Zg=="), "f");
    cr_expect_str_eq(b64("Zm8="), "fo");
    cr_expect_str_eq(b64("Zm9v"), "foo");
    cr_expect_str_eq(b64("Zm9vYg=="), "foob");
    cr_expect_str_eq(b64("Zm9vYmE="), "fooba");
    cr_expect_str_eq(b64("Zm9vYmFy"), "foobar");
    /* padding left out */
    cr_expect_str_eq(b64("Zm9vYg"), "foob");
    cr_expect_str_eq(b64("Zm9vYmE"), "fooba");
    /* '+' and '/' are 62 and 63: 0xfb 0xff 0xbf */
    cr_expect_str_eq(b64("+/+/"), "\xfb\xff\xbf");
    /* not base64 */
    cr_expect_str_eq(b64("Zm9v!"), "(bad)");
    cr_expect_str_eq(b64("Zm9vY"), "(bad)");     /* 5 symbols: 30 bits, not whole bytes */
    cr_expect_str_eq(b64("Zg="), "(bad)");       /* padding that does not make 4 */
    cr_expect_str_eq(b64("Zm=v"), "(bad)");      /* '=' inside */
    cr_expect_str_eq(b64("Zh=="), "(bad)");      /* bits left over after 'f' */
    cr_expect_str_eq(b64("Zm9v\nYmFy"), "(bad)"); /* no whitespace */
}

/* ------------------------------------------- envelopes through io/input */

Test(envelope, subscription_plain_and_gzip)
{
    check_path(ENV "subscription.json",
               "BEGIN envelope/subscription.json gz=0\n1:" R1 "\n2:" R2 "\nEND OK\n");
    check_path(ENV "subscription.json.gz",
               "BEGIN envelope/subscription.json.gz gz=1\n1:" R1 "\n2:" R2 "\nEND OK\n");
}

/* Four objects back to back, no separator; the CONTROL_MESSAGE is one
 * empty line (counted as ignored by the reader), its logEvents not read. */
Test(envelope, concatenated_documents_and_control_message)
{
    check_path(ENV "concatenated.json", "BEGIN envelope/concatenated.json gz=0\n"
                                        "1:" R1 "\n2:" R2 "\n3:" CONTROL "\n4:" R3 "\n5:" R4
                                        "\nEND OK\n");
}

/* Firehose's S3 object for a CloudWatch Logs source: one gzip member per
 * subscription object. */
Test(envelope, firehose_s3_object_multi_member)
{
    check_path(FIX FH_OBJ, "BEGIN " FH_OBJ " gz=1\n"
                           "1:" R1 "\n2:" R2 "\n3:" CONTROL "\n4:" R5 "\n5:" R6 "\n6:" R7
                           "\nEND OK\n");
}

/* Record 1 = base64 of one line, record 2 = of two lines, record 3 = of a
 * gzip'd subscription object (R1 R2). */
Test(envelope, firehose_transformation_event)
{
    check_path(ENV "firehose-event.json", "BEGIN envelope/firehose-event.json gz=0\n"
                                          "1:" R3 "\n2:" R5 "\n3:" R6 "\n4:" R1 "\n5:" R2
                                          "\nEND OK\n");
}

Test(envelope, firehose_bad_base64_and_missing_data)
{
    check_path(ENV "firehose-bad-base64.json",
               "BEGIN envelope/firehose-bad-base64.json gz=0\n"
               "1:" R1 "\n"
               "BAD 2 JSON (records[1]: \"data\" is not base64)\n"
               "3:" R2 "\n"
               "BAD 4 JSON (records[3] has no \"data\" string)\n"
               "END OK\n");
}

/* Line numbers are ordinals of the messages: the blank line is not one. */
Test(envelope, message_per_line)
{
    check_path(ENV "shipper.log",
               "BEGIN envelope/shipper.log gz=0\n1:" R1 "\n2:" R2 "\n3:" R4 "\nEND OK\n");
}

/* The first document is 600 bytes (0-599), a newline at 600, the second
 * starts at 601 and the file ends at 701. */
Test(envelope, truncated_document_keeps_the_lines_before)
{
    check_path(ENV "truncated.json",
               "BEGIN envelope/truncated.json gz=0\n1:" R1 "\n2:" R2 "\n"
               "END JSON (at byte 701: JSON document cut short (it starts at byte 601))\n");
}

/* Line 1 is 95 bytes + '\n'; the bad document starts at byte 96 and
 * jansson has read 21 bytes of it, up to the end of "oops", when it finds
 * the error. */
Test(envelope, bad_document_is_a_file_error_with_offset)
{
    check_path(ENV "bad-document.json",
               "BEGIN envelope/bad-document.json gz=0\n1:" R4 "\n"
               "END JSON (at byte 117: '}' expected near '\"oops\"')\n");
}

/* Named explicitly, JSON that is no envelope is read as lines (then skipped
 * by the parser); walked, it is skipped as before. */
Test(envelope, not_an_envelope_named_and_walked)
{
    check_path(ENV "not-envelope.json",
               "BEGIN envelope/not-envelope.json gz=0\n"
               "1:{\"sourceBucket\":\"fst-flowlogs\",\"fileKeys\":[\"AWSLogs/123456789012/vpcflowlogs/"
               "x.log.gz\"]}\nEND OK\n");
    check_path(ENV "walk", "SKIP envelope/walk/array.json json\n"
                           "BEGIN envelope/walk/messages.json.gz gz=1\n1:" R5 "\n2:" R6 "\nEND OK\n"
                           "SKIP envelope/walk/schema.json json\n"
                           "BEGIN envelope/walk/subscription.json gz=0\n1:" R7 "\nEND OK\n");
}

/* The Lambda form of subscription data, {"awslogs":{"data":...}}, and odd
 * documents, from memory. */
Test(envelope, awslogs_and_odd_documents)
{
    /* awslogs data = base64 of {"messageType":"DATA_MESSAGE","logEvents":[{"message":"2 1"}]}
     * (not gzip'd here: a payload is inflated only when it starts with the gzip magic;
     * the gzip path is in firehose-event.json). */
    static const char doc[] =
        "{\"awslogs\":{\"data\":\"eyJtZXNzYWdlVHlwZSI6IkRBVEFfTUVTU0FHRSIsImxvZ0V2ZW50cyI6W3sibWVzc2FnZSI6IjIgMSJ9XX0=\"}}"
        "{\"messageType\":\"OTHER\"}"
        "{\"messageType\":\"DATA_MESSAGE\"}"
        "{\"logEvents\":[{\"message\":\"a\"},{\"id\":\"2\"},\"x\",{\"message\":\"b\\n\"}]}"
        "{\"message\":\"tab\\there\"}"
        "{\"message\":\"nul\\u0000\"}"
        "{\"records\":[{\"data\":\"e30=\"},{\"data\":\"W10=\"},{\"data\":\"eyJyZWNvcmRzIjpbXX0=\"}]}"
        "{\"other\":1}";
    /* e30= is "{}", W10= is "[]", eyJyZWNvcmRzIjpbXX0= is {"records":[]} */
    fst__input *in = fst__input_new(0, NULL, NULL);
    cr_assert_eq(fst__input_add_mem(in, "odd", doc, sizeof doc - 1), 0);
    char *got = transcript(in);
    cr_expect_str_eq(got,
                     "BEGIN odd gz=0\n"
                     "1:2 1\n"
                     "BAD 2 JSON (unknown CloudWatch Logs messageType)\n"
                     "BAD 3 JSON (DATA_MESSAGE without a logEvents array)\n"
                     "4:a\n"
                     "BAD 5 JSON (logEvents[1] has no \"message\" string)\n"
                     "BAD 6 JSON (logEvents[2] has no \"message\" string)\n"
                     "7:b\n"
                     "8:tab\there\n"
                     "BAD 9 BINARY (control characters in line)\n"
                     "BAD 10 JSON (JSON document is not a flow-log envelope (no logEvents, "
                     "records, awslogs, Kinesis Records or message))\n"
                     "11:[]\n"
                     "BAD 12 JSON (a Firehose event inside a Firehose record)\n"
                     "BAD 13 JSON (JSON document is not a flow-log envelope (no logEvents, "
                     "records, awslogs, Kinesis Records or message))\n"
                     "END OK\n",
                     "%s", got);
    free(got);
    fst__input_free(in);
}

/* A document over FST__ENV_DOC_MAX is one LIMIT line; reading goes on. */
Test(envelope, oversized_document_is_skipped)
{
    const char head[] = "{\"message\":\"", tail[] = "\"}\n{\"message\":\"" R4 "\"}\n";
    const size_t body = FST__ENV_DOC_MAX, n = sizeof head - 1 + body + sizeof tail - 1;
    char *doc = malloc(n);
    cr_assert_not_null(doc);
    memcpy(doc, head, sizeof head - 1);
    memset(doc + sizeof head - 1, 'a', body);
    memcpy(doc + sizeof head - 1 + body, tail, sizeof tail - 1);
    fst__input *in = fst__input_new(0, NULL, NULL);
    cr_assert_eq(fst__input_add_mem(in, "big", doc, n), 0);
    free(doc);
    char *got = transcript(in);
    char want[512];
    /* the document runs from byte 0 to 12 + 2^26 + 2 */
    snprintf(want, sizeof want,
             "BEGIN big gz=0\nBAD 1 LIMIT (JSON document of more than 64 MiB at bytes 0-%zu, skipped)\n"
             "2:" R4 "\nEND OK\n",
             (size_t)12 + body + 2);
    cr_expect_str_eq(got, want);
    free(got);
    fst__input_free(in);
}

/* ------------------------------------------- through the public reader */

typedef struct counts {
    unsigned lines, records, nodata, skipdata, headers, ignored, skipped;
} counts;

/* A reader with --fields (NULL: none) whose diagnostics go to diag. */
static fst_reader *open_reader_to(const char *fields, FILE *diag)
{
    fst_reader_config cfg;
    fst_reader_config_init(&cfg);
    cfg.diag = diag;
    cfg.fields = fields;
    fst_reader *r = fst_reader_new(&cfg);
    cr_assert_not_null(r);
    return r;
}

static fst_reader *open_reader(const char *fields)
{
    return open_reader_to(fields, NULL);
}

/* Drain r; check the totals and the accounting identity. */
static void expect_counts(fst_reader *r, const char *what, counts want)
{
    const fst_record *rec;
    int rc;
    while ((rc = fst_reader_next(r, &rec)) > 0)
        ;
    cr_expect_eq(rc, 0, "%s: reader ended with %d", what, rc);
    const fst_input_stats *t = fst_reader_total(r);
    cr_expect_eq(t->lines, want.lines, "%s lines %" PRIu64, what, t->lines);
    cr_expect_eq(t->records, want.records, "%s records %" PRIu64, what, t->records);
    cr_expect_eq(t->nodata, want.nodata, "%s nodata", what);
    cr_expect_eq(t->skipdata, want.skipdata, "%s skipdata", what);
    cr_expect_eq(t->headers, want.headers, "%s headers", what);
    cr_expect_eq(t->ignored, want.ignored, "%s ignored %" PRIu64, what, t->ignored);
    cr_expect_eq(t->skipped, want.skipped, "%s skipped %" PRIu64, what, t->skipped);
    cr_expect_eq(t->lines, t->records + t->nodata + t->skipdata + t->headers + t->ignored +
                               t->skipped, "%s identity", what);
}

/* Read one path to its end, checking its counts (expect_counts); the
 * diagnostics printed in *diag (the caller frees it). */
static fst_reader *read_counted(const char *path, counts want, char **diag)
{
    size_t dlen = 0;
    FILE *f = open_memstream(diag, &dlen);
    cr_assert_not_null(f);
    fst_reader *r = open_reader_to(NULL, f);
    cr_assert_eq(fst_reader_add_path(r, path), 0, "%s", path);
    expect_counts(r, path, want);
    fclose(f);
    return r;
}

/* The diagnostics hold the line printf(fmt, ...). */
__attribute__((format(printf, 2, 3))) static void expect_diag(const char *diag, const char *fmt,
                                                              ...)
{
    char want[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(want, sizeof want, fmt, ap);
    va_end(ap);
    cr_expect(strstr(diag, want) != NULL, "%s\n--- in ---\n%s", want, diag);
}

/* Every fixture by itself, then the whole folder walked. */
Test(envelope, reader_accounting_per_fixture_and_walked)
{
    static const struct {
        const char *file;
        counts c;
    } files[] = {
        {"subscription.json", {2, 2, 0, 0, 0, 0, 0}},
        {"subscription.json.gz", {2, 2, 0, 0, 0, 0, 0}},
        {"concatenated.json", {5, 3, 1, 0, 0, 1, 0}},       /* R1 R2 R3, R4 NODATA, CONTROL */
        {FH_OBJ + 9, {6, 4, 0, 1, 0, 1, 0}},                /* R1 R2 R5 R6, R7 SKIPDATA, CONTROL */
        {"firehose-event.json", {5, 5, 0, 0, 0, 0, 0}},     /* R3 R5 R6 R1 R2 */
        {"firehose-bad-base64.json", {4, 2, 0, 0, 0, 0, 2}}, /* R1 R2, 2 bad records */
        {"shipper.log", {3, 2, 1, 0, 0, 0, 0}},             /* R1 R2, R4 NODATA */
        {"truncated.json", {2, 2, 0, 0, 0, 0, 0}},          /* file error after R1 R2 */
        {"bad-document.json", {1, 0, 1, 0, 0, 0, 0}},       /* file error after R4 */
        {"not-envelope.json", {1, 0, 0, 0, 0, 0, 1}},       /* read as a line: wrong fields */
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        fst_reader *r = open_reader(NULL);
        char path[512];
        snprintf(path, sizeof path, ENV "%s", files[i].file);
        cr_assert_eq(fst_reader_add_path(r, path), 0, "%s", path);
        expect_counts(r, files[i].file, files[i].c);
        fst_reader_free(r);
    }
    /* Walked in name order: bad-document (1 line: NODATA), concatenated (5:
     * 3 records, NODATA, CONTROL), firehose-bad-base64 (4: 2 records, 2
     * skipped), firehose-event (5 records), firehose-s3/... (6: 4 records,
     * SKIPDATA, CONTROL), make-fixtures.sh (skipped: its first line that is
     * not a comment, "set -euo pipefail", is no record), not-envelope.json
     * (skipped: JSON), shipper.log (3: 2 records, NODATA), subscription.json
     * and .gz (2 records each), truncated (2 records), walk/array.json
     * (skipped), walk/messages.json.gz (2 records), walk/schema.json
     * (skipped), walk/subscription.json (1: SKIPDATA).  Lines 1+5+4+5+6+3+
     * 2+2+2+2+1 = 33 = 24 records + 3 NODATA + 2 SKIPDATA + 2 ignored + 2
     * skipped. */
    fst_reader *r = open_reader(NULL);
    cr_assert_eq(fst_reader_add_path(r, ENV), 0);
    expect_counts(r, "envelope/", (counts){33, 24, 3, 2, 0, 2, 2});
    const fst_input_stats *t = fst_reader_total(r);
    cr_expect_eq(t->files, 11);
    cr_expect_eq(t->files_not_flowlog, 4);
    cr_expect_eq(t->files_failed, 2); /* truncated.json, bad-document.json */
    cr_expect_eq(t->by_reason[-FST_EJSON], 2);
    fst_reader_free(r);
}

/* A file-level envelope error names the file and the byte. */
Test(envelope, reader_reports_file_and_offset)
{
    char *diag = NULL;
    fst_reader *r = read_counted(ENV "truncated.json", (counts){2, 2, 0, 0, 0, 0, 0}, &diag);
    size_t n = 0;
    const fst_input_stats *s = fst_reader_file_stats(r, &n);
    cr_assert_eq(n, 1);
    cr_expect_eq(s[0].error, FST_EJSON);
    cr_expect_eq(s[0].files_failed, 1);
    fst_reader_free(r);
    cr_expect(strstr(diag, "envelope/truncated.json: bad JSON (at byte 701: JSON document cut "
                           "short (it starts at byte 601))") != NULL,
              "%s", diag);
    free(diag);
}

/* ------------------------------------------------------ real samples */

/* Read a path (with --fields, or NULL); the records in *recs (copied
 * numbers and addresses); nothing may be skipped. */
typedef struct got {
    const char *eni;
    char src[FST_ADDR_STRLEN], dst[FST_ADDR_STRLEN];
    uint64_t num[FST_FIELD_COUNT];
    uint8_t status;
} got;

static fst_reader *read_records(const char *path, const char *fields, got *recs, size_t max,
                                size_t *n)
{
    const char *file = path;
    fst_reader *r = open_reader(fields);
    cr_assert_eq(fst_reader_add_path(r, path), 0, "%s", path);
    const fst_record *rec;
    int rc;
    *n = 0;
    while ((rc = fst_reader_next(r, &rec)) > 0) {
        cr_assert_lt(*n, max, "%s: more records than expected", file);
        got *g = &recs[(*n)++];
        g->eni = rec->ids[FST_F_INTERFACE_ID];
        fst_addr_format(&rec->addr[FST_A_SRC], g->src, sizeof g->src);
        fst_addr_format(&rec->addr[FST_A_DST], g->dst, sizeof g->dst);
        memcpy(g->num, rec->num, sizeof g->num);
        g->status = rec->status;
    }
    cr_assert_eq(rc, 0, "%s: reader ended with %d", file, rc);
    const fst_input_stats *t = fst_reader_total(r);
    cr_expect_eq(t->skipped, 0, "%s: nothing skipped", file);
    cr_expect_eq(t->lines, t->records + t->nodata + t->skipdata + t->headers + t->ignored +
                               t->skipped, "%s identity", file);
    return r;
}

/* A real sample under ../shared/fixtures-real/. */
static fst_reader *read_real(const char *file, const char *fields, got *recs, size_t max,
                             size_t *n)
{
    char path[512];
    snprintf(path, sizeof path, REAL "%s", file);
    return read_records(path, fields, recs, max, n);
}

/* otel-contrib/valid_vpc_flow_cw.json: a DATA_MESSAGE with two default
 * format events (the AWS documentation's SSH accept and RDP reject). */
Test(envelope, real_otel_cw_subscription)
{
    need_shared();
    got g[4];
    size_t n;
    fst_reader *r = read_real("otel-contrib/valid_vpc_flow_cw.json", NULL, g, 4, &n);
    cr_assert_eq(n, 2);
    cr_expect_eq(fst_reader_total(r)->lines, 2);
    cr_expect_str_eq(g[0].eni, "eni-1235b8ca123456789");
    cr_expect_str_eq(g[0].src, "172.31.16.139");
    cr_expect_str_eq(g[0].dst, "172.31.16.21");
    cr_expect_eq(g[0].num[FST_F_SRCPORT], 20641);
    cr_expect_eq(g[0].num[FST_F_DSTPORT], 22);
    cr_expect_eq(g[0].num[FST_F_PROTOCOL], 6);
    cr_expect_eq(g[0].num[FST_F_PACKETS], 20);
    cr_expect_eq(g[0].num[FST_F_BYTES], 4249);
    cr_expect_eq(g[0].num[FST_F_START], 1418530010);
    cr_expect_eq(g[0].num[FST_F_END], 1418530070);
    cr_expect_eq(g[0].num[FST_F_ACTION], FST_ACTION_ACCEPT);
    cr_expect_str_eq(g[1].src, "172.31.9.69");
    cr_expect_str_eq(g[1].dst, "172.31.9.12");
    cr_expect_eq(g[1].num[FST_F_SRCPORT], 49761);
    cr_expect_eq(g[1].num[FST_F_DSTPORT], 3389);
    cr_expect_eq(g[1].num[FST_F_ACTION], FST_ACTION_REJECT);
    fst_reader_free(r);
}

/* The 4-field custom format: version interface-id srcaddr dstaddr. */
Test(envelope, real_otel_cw_custom_format)
{
    need_shared();
    got g[4];
    size_t n;
    fst_reader *r = read_real("otel-contrib/valid_vpc_flow_cw_custom.json",
                              "${version} ${interface-id} ${srcaddr} ${dstaddr}", g, 4, &n);
    cr_assert_eq(n, 2);
    cr_expect_eq(g[0].num[FST_F_VERSION], 2);
    cr_expect_str_eq(g[0].eni, "eni-1235b8ca123456789");
    cr_expect_str_eq(g[0].src, "172.31.16.139");
    cr_expect_str_eq(g[0].dst, "172.31.16.21");
    cr_expect_str_eq(g[1].eni, "eni-1235b8ca123456789");
    cr_expect_str_eq(g[1].src, "172.31.9.69");
    cr_expect_str_eq(g[1].dst, "172.31.9.12");
    fst_reader_free(r);
}

#define TGW27 "${version} ${account-id} ${tgw-id} ${tgw-attachment-id} ${tgw-src-vpc-id} "         \
    "${tgw-dst-vpc-id} ${tgw-src-subnet-id} ${tgw-dst-subnet-id} ${tgw-src-eni} ${tgw-dst-eni} "   \
    "${tgw-src-az-id} ${tgw-dst-az-id} ${tgw-pair-attachment-id} ${srcaddr} ${dstaddr} "           \
    "${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${log-status} ${type} " \
    "${tcp-flags} ${flow-direction} ${region}"

/* A Transit Gateway record (27 fields) in a subscription object. */
Test(envelope, real_otel_cw_tgw)
{
    need_shared();
    got g[2];
    size_t n;
    fst_reader *r = read_real("otel-contrib/valid_tgw_flow_cw.json", TGW27, g, 2, &n);
    cr_assert_eq(n, 1);
    cr_expect_eq(g[0].num[FST_F_VERSION], 6);
    cr_expect_str_eq(g[0].src, "10.0.0.1");
    cr_expect_str_eq(g[0].dst, "10.0.1.1");
    cr_expect_eq(g[0].num[FST_F_SRCPORT], 12345);
    cr_expect_eq(g[0].num[FST_F_DSTPORT], 443);
    cr_expect_eq(g[0].num[FST_F_PROTOCOL], 6);
    cr_expect_eq(g[0].num[FST_F_PACKETS], 10);
    cr_expect_eq(g[0].num[FST_F_BYTES], 1000);
    cr_expect_eq(g[0].num[FST_F_START], 1700000000);
    cr_expect_eq(g[0].num[FST_F_END], 1700000060);
    cr_expect_eq(g[0].status, FST_STATUS_OK);
    cr_expect_eq(g[0].num[FST_F_TCP_FLAGS], 2);
    cr_expect_eq(g[0].num[FST_F_FLOW_DIRECTION], FST_DIR_INGRESS);
    fst_reader_free(r);
}

/* aws-vpc-flow-log-appender/event.json: a Firehose transformation event,
 * two records whose data is base64 of one default-format line each. */
Test(envelope, real_firehose_event)
{
    need_shared();
    got g[4];
    size_t n;
    fst_reader *r = read_real("aws-vpc-flow-log-appender/event.json", NULL, g, 4, &n);
    cr_assert_eq(n, 2);
    cr_expect_eq(fst_reader_total(r)->lines, 2);
    cr_expect_str_eq(g[0].eni, "eni-1854f949");
    cr_expect_str_eq(g[0].src, "72.21.196.65");
    cr_expect_str_eq(g[0].dst, "172.31.16.21");
    cr_expect_eq(g[0].num[FST_F_SRCPORT], 20641);
    cr_expect_eq(g[0].num[FST_F_DSTPORT], 22);
    cr_expect_eq(g[0].num[FST_F_BYTES], 4249);
    cr_expect_eq(g[0].num[FST_F_ACTION], FST_ACTION_ACCEPT);
    cr_expect_str_eq(g[1].src, "10.3.45.44");
    cr_expect_str_eq(g[1].dst, "172.31.16.21");
    fst_reader_free(r);
}

/* elastic-integrations/test-with-message-field.log: one shipper line
 * {"message": "<NODATA record>"}. */
Test(envelope, real_message_field_nodata)
{
    need_shared();
    got g[2];
    size_t n;
    fst_reader *r =
        read_real("elastic-integrations/test-with-message-field.log", NULL, g, 2, &n);
    cr_assert_eq(n, 1);
    const fst_input_stats *t = fst_reader_total(r);
    cr_expect_eq(t->lines, 1);
    cr_expect_eq(t->nodata, 1);
    cr_expect_eq(t->records, 0);
    cr_expect_eq(g[0].status, FST_STATUS_NODATA);
    cr_expect_str_eq(g[0].eni, "eni-0e0bf7be352692297");
    cr_expect_eq(g[0].num[FST_F_START], 1671029698);
    cr_expect_eq(g[0].num[FST_F_END], 1671029728);
    fst_reader_free(r);
}

/* ------------------------------ built here: gzip and base64 (envelope_helper.h) */

/* A member whose first deflate block header is 0x07: BFINAL 1, BTYPE 11,
 * the reserved block type, which both backends reject before any output. */
static void put_corrupt_gzip_str(bytes *out, const char *text)
{
    const size_t at = out->len;
    put_gzip_str(out, text);
    out->p[at + 10] = 0x07;
}

/* A fresh temporary folder for this test: tmp_root. */
static void tmp_dir(void)
{
    snprintf(tmp_root, sizeof tmp_root, "/tmp/fst-envelope-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp_root));
}

/* Write b to tmp_root/name; its path in path[0..256). */
static void tmp_file(char path[256], const char *name, const bytes *b)
{
    snprintf(path, 256, "%s/%s", tmp_root, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(b->p, 1, b->len, f), b->len);
    cr_assert_eq(fclose(f), 0);
}

/* Remove the (flat) temporary folder. */
static void tmp_cleanup(void)
{
    DIR *d = opendir(tmp_root);
    cr_assert_not_null(d, "%s", tmp_root);
    const struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
            char path[512];
            snprintf(path, sizeof path, "%s/%s", tmp_root, de->d_name);
            cr_expect_eq(unlink(path), 0, "%s", path);
        }
    closedir(d);
    cr_expect_eq(rmdir(tmp_root), 0, "%s", tmp_root);
    tmp_root[0] = '\0';
}

Test(envelope, base64_encoder_of_the_tests)
{
    /* RFC 4648 section 10, and back through fst__base64_decode */
    static const char *const vec[][2] = {
        {"", ""},           {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
        bytes b = {0};
        put(&b, "", 0);
        put_base64(&b, (const unsigned char *)vec[i][0], strlen(vec[i][0]));
        cr_expect_str_eq((const char *)b.p, vec[i][1]);
        cr_expect_str_eq(b64((const char *)b.p), vec[i][0]);
        free_bytes(&b);
    }
}

/* CloudWatch Logs subscription objects as AWS sends them: compact, no final
 * newline.  DATA2 holds two log events. */
#define EVENT(id, msg) "{\"id\":\"" id "\",\"timestamp\":1795773904000,\"message\":\"" msg "\"}"
#define DATA2(a, b)                                                                                \
    "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\",\"logGroup\":\"fst-flowlogs\","  \
    "\"logStream\":\"eni-all\",\"subscriptionFilters\":[\"fst-to-kinesis\"],\"logEvents\":["       \
    EVENT("1", a) "," EVENT("2", b) "]}"
#define CONTROL_OBJ                                                                                \
    "{\"messageType\":\"CONTROL_MESSAGE\",\"owner\":\"CloudwatchLogs\",\"logGroup\":\"\","         \
    "\"logStream\":\"\",\"subscriptionFilters\":[],\"logEvents\":[{\"id\":\"\",\"timestamp\":"     \
    "1795773600000,\"message\":\"CWL CONTROL MESSAGE: Checking health of destination Kinesis "     \
    "stream.\"}]}"

/* ---------------------------------------------------- gzip inside gzip */

/* Firehose's GZIP around concatenated CloudWatch Logs gzip members: one
 * outer member; inside it two members, DATA (R1 R2) and DATA (R4 R5). */
Test(envelope, nested_gzip_double_with_two_inner_members)
{
    tmp_dir();
    bytes inner = {0}, outer = {0};
    put_gzip_str(&inner, DATA2(R1, R2));
    put_gzip_str(&inner, DATA2(R4, R5));
    put_gzip(&outer, inner.p, inner.len);
    cr_assert(inner.p[0] == 0x1f && inner.p[1] == 0x8b && inner.p[2] == 0x08);
    char path[256];
    tmp_file(path, "double.gz", &outer);
    check_path(path, "BEGIN double.gz gz=2\n1:" R1 "\n2:" R2 "\n3:" R4 "\n4:" R5 "\nEND OK\n");

    /* through the reader: R1 R2 R5 records, R4 NODATA; bytes_read is the file */
    char *diag = NULL;
    fst_reader *r = read_counted(path, (counts){4, 3, 1, 0, 0, 0, 0}, &diag);
    cr_expect_str_eq(diag, "");
    free(diag);
    size_t n = 0;
    const fst_input_stats *s = fst_reader_file_stats(r, &n);
    cr_assert_eq(n, 1);
    cr_expect_eq(s[0].gzip, 1);
    cr_expect_eq(s[0].files_failed, 0);
    cr_expect_eq(s[0].bytes_read, outer.len);
    fst_reader_free(r);
    free_bytes(&inner);
    free_bytes(&outer);
    tmp_cleanup();
}

/* Three layers, each multi-member: layer 3 (CloudWatch Logs) is DATA (R3
 * R6) and a CONTROL_MESSAGE; layer 2 gzips layer 3 in two members cut after
 * 2 bytes (so the inner magic itself spans two members); layer 1 gzips
 * layer 2 in two members cut in its middle.  One more layer around that is
 * too deep. */
Test(envelope, nested_gzip_triple_multi_member_at_every_layer)
{
    tmp_dir();
    bytes l3 = {0}, l2 = {0}, l1 = {0}, l0 = {0};
    put_gzip_str(&l3, DATA2(R3, R6));
    put_gzip_str(&l3, CONTROL_OBJ);
    put_gzip(&l2, l3.p, 2);
    put_gzip(&l2, l3.p + 2, l3.len - 2);
    put_gzip(&l1, l2.p, l2.len / 2);
    put_gzip(&l1, l2.p + l2.len / 2, l2.len - l2.len / 2);
    put_gzip(&l0, l1.p, l1.len);
    char triple[256], quad[256];
    tmp_file(triple, "triple.gz", &l1);
    tmp_file(quad, "quad.gz", &l0);
    check_path(triple, "BEGIN triple.gz gz=3\n1:" R3 "\n2:" R6 "\n3:" CONTROL "\nEND OK\n");
    check_path(quad, "BEGIN quad.gz gz=3\nEND GZIP (gzip inside gzip nested more than 3 deep)\n");

    /* walked: quad.gz (failed, no lines), then triple.gz (R3 R6, CONTROL ignored) */
    char *diag = NULL;
    fst_reader *r = read_counted(tmp_root, (counts){3, 2, 0, 0, 0, 1, 0}, &diag);
    size_t n = 0;
    const fst_input_stats *s = fst_reader_file_stats(r, &n);
    cr_assert_eq(n, 2);
    cr_expect_eq(s[0].error, FST_EGZIP);
    cr_expect_eq(s[1].error, 0);
    cr_expect_eq(fst_reader_total(r)->files_failed, 1);
    expect_diag(diag, "%s: corrupt gzip data (gzip inside gzip nested more than 3 deep)", quad);
    free(diag);
    fst_reader_free(r);
    free_bytes(&l3);
    free_bytes(&l2);
    free_bytes(&l1);
    free_bytes(&l0);
    tmp_cleanup();
}

/* A folder walked in name order: a-corrupt.gz has DATA (R1 R2), a corrupt
 * member, DATA (R5 R6) inside; b-cut.gz is DATA (R5 R6) double gzip'd with
 * the outer trailer's last 4 bytes cut off; c-good.gz is DATA (R3 R4)
 * double gzip'd.  The lines before each problem are kept, the error names
 * the layer, and the next file is read. */
Test(envelope, nested_gzip_corrupt_inner_and_cut_outer)
{
    tmp_dir();
    bytes inner = {0}, corrupt = {0}, cut = {0}, good = {0}, tmp = {0};
    put_gzip_str(&inner, DATA2(R1, R2));
    put_corrupt_gzip_str(&inner, DATA2(R5, R6));
    put_gzip_str(&inner, DATA2(R5, R6));
    put_gzip(&corrupt, inner.p, inner.len);
    put_gzip_str(&tmp, DATA2(R5, R6));
    put_gzip(&cut, tmp.p, tmp.len);
    cut.len -= 4;
    free_bytes(&tmp);
    put_gzip_str(&tmp, DATA2(R3, R4));
    put_gzip(&good, tmp.p, tmp.len);
    char a[256], b[256], c[256];
    tmp_file(a, "a-corrupt.gz", &corrupt);
    tmp_file(b, "b-cut.gz", &cut);
    tmp_file(c, "c-good.gz", &good);
    check_path(tmp_root, "BEGIN a-corrupt.gz gz=2\n1:" R1 "\n2:" R2 "\n"
                         "END GZIP (corrupt gzip data in the inner gzip (layer 2 of 2))\n"
                         "BEGIN b-cut.gz gz=2\n1:" R5 "\n2:" R6 "\n"
                         "END TRUNCATED (gzip data ends early in the outer gzip (layer 1 of 2))\n"
                         "BEGIN c-good.gz gz=2\n1:" R3 "\n2:" R4 "\nEND OK\n");

    char *diag = NULL;
    /* 6 lines = 5 records (R1 R2 R5 R6 R3) + 1 NODATA (R4) */
    fst_reader *r = read_counted(tmp_root, (counts){6, 5, 1, 0, 0, 0, 0}, &diag);
    cr_expect_eq(fst_reader_total(r)->files, 3);
    cr_expect_eq(fst_reader_total(r)->files_failed, 2);
    expect_diag(diag, "%s: corrupt gzip data (corrupt gzip data in the inner gzip (layer 2 of 2))",
                a);
    expect_diag(diag, "%s: truncated input (gzip data ends early in the outer gzip (layer 1 of 2))",
                b);
    free(diag);
    fst_reader_free(r);
    free_bytes(&inner);
    free_bytes(&corrupt);
    free_bytes(&cut);
    free_bytes(&good);
    free_bytes(&tmp);
    tmp_cleanup();
}

/* ------------------------------------------------ Kinesis via Lambda */

/* One Lambda record of a Kinesis event; data = base64 of payload. */
static void put_kinesis_record(bytes *ev, int first, const char *key, const bytes *payload)
{
    static const char head[] = "{\"eventSource\":\"aws:kinesis\",\"eventVersion\":\"1.0\","
                               "\"eventID\":\"shardId-000000000000:4959\",\"kinesis\":{"
                               "\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\"p\",";
    if (!first)
        put(ev, ",", 1);
    put(ev, head, sizeof head - 1);
    if (key) {
        put(ev, "\"", 1);
        put(ev, key, strlen(key));
        put(ev, "\":\"", 3);
        put_base64(ev, payload->p, payload->len);
        put(ev, "\",", 2);
    }
    static const char tail[] = "\"approximateArrivalTimestamp\":1795773980.5},"
                               "\"awsRegion\":\"us-east-1\",\"eventSourceARN\":"
                               "\"arn:aws:kinesis:us-east-1:123456789012:stream/fst-cwl\"}";
    put(ev, tail, sizeof tail - 1);
}

static const char kinesis_head[] = "{\"Records\":[";
static const char kinesis_tail[] = "]}\n";

/* Three Kinesis records: gzip'd DATA (R1 R2), gzip'd DATA (R4 R6), gzip'd
 * CONTROL_MESSAGE.  Read as it is, gzip'd, and walked beside a CloudTrail
 * file ({"Records": [...]} too, but no "kinesis": not an envelope). */
Test(envelope, kinesis_records_from_lambda)
{
    tmp_dir();
    bytes ev = {0}, gz = {0}, p = {0}, trail = {0};
    put(&ev, kinesis_head, sizeof kinesis_head - 1);
    put_gzip_str(&p, DATA2(R1, R2));
    put_kinesis_record(&ev, 1, "data", &p);
    free_bytes(&p);
    put_gzip_str(&p, DATA2(R4, R6));
    put_kinesis_record(&ev, 0, "data", &p);
    free_bytes(&p);
    put_gzip_str(&p, CONTROL_OBJ);
    put_kinesis_record(&ev, 0, "data", &p);
    put(&ev, kinesis_tail, sizeof kinesis_tail - 1);
    put_gzip(&gz, ev.p, ev.len);
    static const char ct[] = "{\"Records\":[{\"eventVersion\":\"1.08\",\"eventSource\":"
                             "\"s3.amazonaws.com\",\"eventName\":\"GetObject\"}]}\n";
    put(&trail, ct, sizeof ct - 1);
    char path[256], gzpath[256], ctpath[256];
    tmp_file(path, "kinesis.json", &ev);
    tmp_file(gzpath, "kinesis.json.gz", &gz);
    tmp_file(ctpath, "cloudtrail.json", &trail);
    const char *lines = "1:" R1 "\n2:" R2 "\n3:" R4 "\n4:" R6 "\n5:" CONTROL "\nEND OK\n";
    char want[2048];
    snprintf(want, sizeof want, "BEGIN kinesis.json gz=0\n%s", lines);
    check_path(path, want);
    snprintf(want, sizeof want, "BEGIN kinesis.json.gz gz=1\n%s", lines);
    check_path(gzpath, want);
    snprintf(want, sizeof want,
             "SKIP cloudtrail.json json\nBEGIN kinesis.json gz=0\n%sBEGIN kinesis.json.gz gz=1\n%s",
             lines, lines);
    check_path(tmp_root, want);

    /* the records' fields, as written in R1, R2, R4, R6 */
    got g[4];
    size_t n = 0;
    fst_reader *r = read_records(path, NULL, g, 4, &n);
    cr_assert_eq(n, 4);
    cr_expect_str_eq(g[0].src, "10.0.1.25");
    cr_expect_eq(g[0].num[FST_F_DSTPORT], 443);
    cr_expect_eq(g[0].num[FST_F_BYTES], 1820);
    cr_expect_eq(g[1].num[FST_F_SRCPORT], 443);
    cr_expect_eq(g[1].num[FST_F_BYTES], 5120);
    cr_expect_eq(g[2].status, FST_STATUS_NODATA);
    cr_expect_str_eq(g[2].eni, "eni-0a1b2c3d4e5f60718");
    cr_expect_str_eq(g[3].src, "203.0.113.12");
    cr_expect_eq(g[3].num[FST_F_PROTOCOL], 1);
    cr_expect_eq(g[3].num[FST_F_PACKETS], 4);
    cr_expect_eq(g[3].num[FST_F_BYTES], 336);
    cr_expect_eq(g[3].num[FST_F_END], 1795774265);
    fst_reader_free(r);
    /* 5 lines = 3 records (R1 R2 R6) + 1 NODATA (R4) + 1 ignored (CONTROL) */
    r = open_reader(NULL);
    cr_assert_eq(fst_reader_add_path(r, gzpath), 0);
    expect_counts(r, "kinesis.json.gz", (counts){5, 3, 1, 0, 0, 1, 0});
    fst_reader_free(r);
    free_bytes(&ev);
    free_bytes(&gz);
    free_bytes(&p);
    free_bytes(&trail);
    tmp_cleanup();
}

/* Records that cannot be used are one skipped line each; the good ones
 * around them are read. */
Test(envelope, kinesis_bad_records_are_counted)
{
    tmp_dir();
    bytes ev = {0}, p = {0}, none = {0};
    put(&ev, kinesis_head, sizeof kinesis_head - 1);
    put_gzip_str(&p, DATA2(R1, R2));
    put_kinesis_record(&ev, 1, "data", &p); /* lines 1, 2 */
    free_bytes(&p);
    static const char bad64[] =
        ",{\"kinesis\":{\"data\":\"H4sI*AAA\"},\"eventSource\":\"aws:kinesis\"}";
    put(&ev, bad64, sizeof bad64 - 1);         /* 3 */
    put_kinesis_record(&ev, 0, NULL, &none);   /* 4: no data */
    static const char nokin[] = ",{\"eventSource\":\"aws:kinesis\"}";
    put(&ev, nokin, sizeof nokin - 1);         /* 5: no kinesis */
    put_corrupt_gzip_str(&p, DATA2(R5, R6));
    put_kinesis_record(&ev, 0, "data", &p);    /* 6: corrupt gzip */
    free_bytes(&p);
    static const char inner[] = "{\"Records\":[{\"kinesis\":{\"data\":\"\"}}]}";
    put(&p, inner, sizeof inner - 1);
    put_kinesis_record(&ev, 0, "data", &p);    /* 7: a Kinesis event inside */
    free_bytes(&p);
    put_gzip_str(&p, DATA2(R3, R7));
    put_kinesis_record(&ev, 0, "data", &p);    /* 8, 9 */
    put(&ev, kinesis_tail, sizeof kinesis_tail - 1);
    char path[256];
    tmp_file(path, "kinesis-bad.json", &ev);
    check_path(path, "BEGIN kinesis-bad.json gz=0\n1:" R1 "\n2:" R2 "\n"
                     "BAD 3 JSON (Records[1].kinesis: \"data\" is not base64)\n"
                     "BAD 4 JSON (Records[2].kinesis has no \"data\" string)\n"
                     "BAD 5 JSON (Records[3] has no \"kinesis\" object)\n"
                     "BAD 6 GZIP (Records[4].kinesis: \"data\" holds bad gzip data)\n"
                     "BAD 7 JSON (a Kinesis event inside a decoded record)\n"
                     "8:" R3 "\n9:" R7 "\nEND OK\n");

    char *diag = NULL;
    /* 9 lines = 3 records (R1 R2 R3) + 1 SKIPDATA (R7) + 5 skipped */
    fst_reader *r = read_counted(path, (counts){9, 3, 0, 1, 0, 0, 5}, &diag);
    const fst_input_stats *t = fst_reader_total(r);
    cr_expect_eq(t->by_reason[-FST_EJSON], 4);
    cr_expect_eq(t->by_reason[-FST_EGZIP], 1);
    cr_expect_eq(t->files_failed, 0);
    expect_diag(diag, "%s:3: bad JSON (Records[1].kinesis: \"data\" is not base64)", path);
    free(diag);
    fst_reader_free(r);
    free_bytes(&ev);
    free_bytes(&p);
    tmp_cleanup();
}
