/* tests/test_envelope_built.c - envelopes built inside the tests: gzip
 * inside gzip and Kinesis events made with zlib's gzip file functions and
 * a base64 encoder (tests/envelope_helper.h) into a temporary folder; what
 * each layer, member and record holds is written here, so are the lines and
 * counts expected.  Split from test_envelope.c (which reads the fixtures). */
#include "envelope_rig.h"

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
    got_rec g[4];
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
