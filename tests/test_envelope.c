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
#include "envelope_rig.h"

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

/* otel-contrib/valid_vpc_flow_cw.json: a DATA_MESSAGE with two default
 * format events (the AWS documentation's SSH accept and RDP reject). */
Test(envelope, real_otel_cw_subscription)
{
    need_shared();
    got_rec g[4];
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
    got_rec g[4];
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
    got_rec g[2];
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
    got_rec g[4];
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
    got_rec g[2];
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
