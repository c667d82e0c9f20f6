/* tests/test_real_samples.c - every real public sample under
 * ../shared/fixtures-real/ read through the public reader: no crash, the
 * record/NODATA/SKIPDATA/header/ignored counts that PROVENANCE.md and the
 * data show (counted by hand), nothing skipped, the accounting identity, and
 * spot values typed from the files.  The files are read in place (never
 * copied); every test skips with a message when ../shared is absent. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <flowstitch.h>

#define REAL FST_SHARED_DIR "/fixtures-real/"

static void need_shared(void)
{
    struct stat st;
    if (stat(REAL, &st) != 0)
        cr_skip_test("SKIPPED: %s not present (the shared samples are not in this checkout)", REAL);
}

/* Header-less custom formats, from PROVENANCE.md. */
#define V5_ALL "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} " \
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} " \
    "${instance-id} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} ${region} ${az-id} "           \
    "${sublocation-type} ${sublocation-id} ${pkt-src-aws-service} ${pkt-dst-aws-service} "          \
    "${flow-direction} ${traffic-path}"
#define ECS_FIELDS "${ecs-cluster-arn} ${ecs-cluster-name} ${ecs-container-instance-arn} "         \
    "${ecs-container-instance-id} ${ecs-container-id} ${ecs-second-container-id} "                 \
    "${ecs-service-name} ${ecs-task-definition-arn} ${ecs-task-arn} ${ecs-task-id}"
#define ECS39 "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} " \
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} " \
    "${instance-id} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} ${region} ${az-id} "         \
    "${sublocation-type} ${sublocation-id} ${pkt-src-aws-service} ${pkt-dst-aws-service} "        \
    "${flow-direction} ${traffic-path} " ECS_FIELDS
#define TGW36 "${version} ${resource-type} ${account-id} ${tgw-id} ${tgw-attachment-id} "          \
    "${tgw-src-vpc-account-id} ${tgw-dst-vpc-account-id} ${tgw-src-vpc-id} ${tgw-dst-vpc-id} "     \
    "${tgw-src-subnet-id} ${tgw-dst-subnet-id} ${tgw-src-eni} ${tgw-dst-eni} ${tgw-src-az-id} "    \
    "${tgw-dst-az-id} ${tgw-pair-attachment-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "      \
    "${protocol} ${packets} ${bytes} ${start} ${end} ${log-status} ${type} "                       \
    "${packets-lost-no-route} ${packets-lost-blackhole} ${packets-lost-mtu-exceeded} "             \
    "${packets-lost-ttl-expired} ${tcp-flags} ${region} ${flow-direction} "                        \
    "${pkt-src-aws-service} ${pkt-dst-aws-service}"
#define TGW27 "${version} ${account-id} ${tgw-id} ${tgw-attachment-id} ${tgw-src-vpc-id} "          \
    "${tgw-dst-vpc-id} ${tgw-src-subnet-id} ${tgw-dst-subnet-id} ${tgw-src-eni} ${tgw-dst-eni} "   \
    "${tgw-src-az-id} ${tgw-dst-az-id} ${tgw-pair-attachment-id} ${srcaddr} ${dstaddr} "           \
    "${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${log-status} ${type} "  \
    "${tcp-flags} ${flow-direction} ${region}"
#define TGW_DOC "${version} ${interface-id} ${account-id} ${vpc-id} ${subnet-id} ${instance-id} "   \
    "${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${tcp-flags} ${type} ${pkt-srcaddr} "  \
    "${pkt-dstaddr} ${action} ${log-status}"

typedef struct sample {
    const char *path;   /* under fixtures-real/ */
    const char *fields; /* NULL: default or header; "#" = the file's '# format:' line */
    unsigned lines, records, nodata, skipdata, headers, ignored, skipped;
} sample;

/* Counts by hand from each file (and PROVENANCE.md's record counts). */
static const sample samples[] = {
    {"aws-docs/accepted-rejected.log", "#", 4, 2, 0, 0, 0, 2, 0},
    {"aws-docs/global-accelerator.log", "#", 6, 1, 0, 0, 0, 5, 0},
    {"aws-docs/historical-2019.log", "#", 10, 5, 1, 1, 0, 3, 0},
    {"aws-docs/ipv6.log", "#", 3, 1, 0, 0, 0, 2, 0},
    {"aws-docs/nat-gateway.log", "#", 16, 6, 0, 0, 0, 10, 0},
    {"aws-docs/nodata-skipdata.log", "#", 4, 0, 1, 1, 0, 2, 0},
    {"aws-docs/sg-nacl-icmp.log", "#", 4, 2, 0, 0, 0, 2, 0},
    {"aws-docs/tcp-flags.log", "#", 14, 8, 0, 0, 0, 6, 0},
    {"aws-docs/traffic-path.log", "#", 5, 2, 0, 0, 0, 3, 0},
    {"aws-docs/transit-gateway.log", "#", 9, 4, 0, 0, 0, 5, 0},
    {"aws-vpc-flow-log-appender/event.extracted.log", NULL, 2, 2, 0, 0, 0, 0, 0},
    /* Firehose transformation event: two base64 records, one line each */
    {"aws-vpc-flow-log-appender/event.json", NULL, 2, 2, 0, 0, 0, 0, 0},
    {"awsdocs-vpc-user-guide/flow-logs-records-examples.default-v2.extracted.log", NULL, 7, 5, 1, 1, 0, 0, 0},
    {"awsdocs-vpc-user-guide/flow-logs-records-examples.nat-gateway.extracted.log", NULL, 7, 6, 0, 0, 1, 0, 0},
    {"awsdocs-vpc-user-guide/flow-logs-records-examples.tcp-flags.extracted.log", NULL, 9, 8, 0, 0, 1, 0, 0},
    {"awsdocs-vpc-user-guide/flow-logs-records-examples.transit-gateway.extracted.log", NULL, 5, 4, 0, 0, 1, 0, 0},
    {"awsdocs-vpc-user-guide/flow-logs-records-examples.v5-traffic-path.extracted.log", NULL, 3, 2, 0, 0, 1, 0, 0},
    {"elastic-beats/accept-reject-traffic.log", NULL, 5, 4, 0, 0, 1, 0, 0},
    {"elastic-beats/aws-vpc-flow-logs.custom-nat-gateway.extracted.log", NULL, 7, 6, 0, 0, 1, 0, 0},
    {"elastic-beats/aws-vpc-flow-logs.default-v2-format.extracted.log", NULL, 8, 5, 1, 1, 1, 0, 0},
    {"elastic-beats/aws-vpc-flow-logs.service-name-path-direction.extracted.log", NULL, 3, 2, 0, 0, 1, 0, 0},
    {"elastic-beats/aws-vpc-flow-logs.tcp-flag-sequence.extracted.log", NULL, 9, 8, 0, 0, 1, 0, 0},
    {"elastic-beats/aws-vpc-flow-logs.transit-gateway.extracted.log", NULL, 5, 4, 0, 0, 1, 0, 0},
    {"elastic-beats/aws-vpc-flow-logs.v5-fields.extracted.log", NULL, 2, 1, 0, 0, 1, 0, 0},
    {"elastic-beats/aws-vpc-flow-logs.v6-fields.extracted.log", NULL, 2, 1, 0, 0, 1, 0, 0},
    {"elastic-beats/aws-vpc-flow-logs.v7-fields.extracted.log", NULL, 2, 1, 0, 0, 1, 0, 0},
    {"elastic-beats/custom-nat-gateway.log", NULL, 3, 2, 0, 0, 1, 0, 0},
    {"elastic-beats/custom-transit-gateway.log", TGW_DOC, 1, 1, 0, 0, 0, 0, 0},
    {"elastic-beats/ipv6.log", NULL, 1, 1, 0, 0, 0, 0, 0},
    {"elastic-beats/no-data-skip-data.log", NULL, 2, 0, 1, 1, 0, 0, 0},
    {"elastic-beats/tcp-flag-sequence-skip-data.log", NULL, 5, 0, 1, 1, 2, 1, 0},
    {"elastic-beats/tcp-flag-sequence.log", NULL, 4, 3, 0, 0, 1, 0, 0},
    {"elastic-integrations/test-ecs-samples.log", ECS39, 10, 4, 4, 2, 0, 0, 0},
    {"elastic-integrations/test-extra-samples.log", NULL, 7, 5, 1, 1, 0, 0, 0},
    {"elastic-integrations/test-tcp-flag-sequence.log", NULL, 6, 1, 1, 1, 3, 0, 0},
    {"elastic-integrations/test-tgw-samples.log", TGW36, 10, 3, 1, 6, 0, 0, 0},
    {"elastic-integrations/test-v5-all-fields.log", V5_ALL, 1, 1, 0, 0, 0, 0, 0},
    {"elastic-integrations/test-v8-samples.log", ECS39 " ${reject-reason}", 1, 0, 1, 0, 0, 0, 0},
    {"elastic-integrations/test-with-message-field.extracted.log", NULL, 1, 0, 1, 0, 0, 0, 0},
    /* a log shipper's JSON line {"message": "<v2 NODATA record>"}: its message is read */
    {"elastic-integrations/test-with-message-field.log", NULL, 1, 0, 1, 0, 0, 0, 0},
    {"grafana-loki/vpcflowlog.log.gz", NULL, 4, 3, 0, 0, 1, 0, 0},
    {"otel-contrib/valid_tgw_flow_cw.extracted.log", TGW27, 1, 1, 0, 0, 0, 0, 0},
    /* CloudWatch Logs subscription data: one DATA_MESSAGE, one event */
    {"otel-contrib/valid_tgw_flow_cw.json", TGW27, 1, 1, 0, 0, 0, 0, 0},
    {"otel-contrib/valid_tgw_flow_log.log", NULL, 2, 1, 0, 0, 1, 0, 0},
    {"otel-contrib/valid_vpc_flow_cw.extracted.log", NULL, 2, 2, 0, 0, 0, 0, 0},
    {"otel-contrib/valid_vpc_flow_cw.json", NULL, 2, 2, 0, 0, 0, 0, 0}, /* 2 log events */
    {"otel-contrib/valid_vpc_flow_cw_custom.extracted.log",
     "${version} ${interface-id} ${srcaddr} ${dstaddr}", 2, 2, 0, 0, 0, 0, 0},
    {"otel-contrib/valid_vpc_flow_cw_custom.json",
     "${version} ${interface-id} ${srcaddr} ${dstaddr}", 2, 2, 0, 0, 0, 0, 0}, /* 2 log events */
    {"otel-contrib/valid_vpc_flow_log.log", NULL, 2, 0, 1, 0, 1, 0, 0},
    {"otel-contrib/valid_vpc_flow_log_multi.log", NULL, 3, 2, 0, 0, 1, 0, 0},
    {"panther-analysis/attacker_vpc.extracted.log", NULL, 6, 6, 0, 0, 0, 0, 0},
};

/* The '# format: ...' line of an aws-docs file (static buffer). */
static const char *format_line(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    const char *found = NULL;
    while (fgets(buf, (int)n, f)) {
        if (!strncmp(buf, "# format: ", 10)) {
            buf[strcspn(buf, "\n")] = '\0';
            found = buf + 10;
            break;
        }
    }
    fclose(f);
    cr_assert_not_null(found, "%s has no '# format:' line", path);
    return found;
}

/* Open a reader on one sample. */
static fst_reader *open_sample(const sample *s, char *fmtbuf, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, REAL "%s", s->path);
    fst_reader_config cfg;
    fst_reader_config_init(&cfg);
    cfg.diag = NULL;
    cfg.fields = s->fields && !strcmp(s->fields, "#") ? format_line(path, fmtbuf, n) : s->fields;
    fst_reader *r = fst_reader_new(&cfg);
    cr_assert_not_null(r);
    cr_assert_eq(fst_reader_add_path(r, path), 0, "%s", path);
    return r;
}

Test(real_samples, every_file_accounted)
{
    need_shared();
    static char fmtbuf[4096];
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        const sample *s = &samples[i];
        fst_reader *r = open_sample(s, fmtbuf, sizeof fmtbuf);
        const fst_record *rec;
        int rc;
        while ((rc = fst_reader_next(r, &rec)) > 0)
            ;
        cr_expect_eq(rc, 0, "%s: reader ended with %d", s->path, rc);
        const fst_input_stats *t = fst_reader_total(r);
        cr_expect_eq(t->lines, s->lines, "%s lines", s->path);
        cr_expect_eq(t->records, s->records, "%s records", s->path);
        cr_expect_eq(t->nodata, s->nodata, "%s nodata", s->path);
        cr_expect_eq(t->skipdata, s->skipdata, "%s skipdata", s->path);
        cr_expect_eq(t->headers, s->headers, "%s headers", s->path);
        cr_expect_eq(t->ignored, s->ignored, "%s ignored", s->path);
        cr_expect_eq(t->skipped, s->skipped, "%s skipped", s->path);
        cr_expect_eq(t->lines, t->records + t->nodata + t->skipdata + t->headers + t->ignored +
                                   t->skipped, "%s identity", s->path);
        fst_reader_free(r);
    }
}

/* First record of a sample (reader stays open for the caller to free). */
static const fst_record *first_record(const char *path, const char *fields, fst_reader **out)
{
    sample s = {path, fields, 0, 0, 0, 0, 0, 0, 0};
    static char fmtbuf[4096];
    *out = open_sample(&s, fmtbuf, sizeof fmtbuf);
    const fst_record *rec = NULL;
    cr_assert_eq(fst_reader_next(*out, &rec), 1, "%s: no record", path);
    return rec;
}

static void expect_addr(const fst_addr *a, const char *text)
{
    char buf[FST_ADDR_STRLEN];
    fst_addr_format(a, buf, sizeof buf);
    cr_expect_str_eq(buf, text);
}

static int col_is(const fst_record *rec, int col, const char *text)
{
    return rec->cols[col].len == strlen(text) && !memcmp(rec->cols[col].ptr, text, strlen(text));
}

Test(real_samples, loki_gzip_values)
{
    need_shared();
    fst_reader *r;
    const fst_record *rec = first_record("grafana-loki/vpcflowlog.log.gz", NULL, &r);
    cr_expect_str_eq(rec->ids[FST_F_INTERFACE_ID], "eni-0050644426037aa0f");
    expect_addr(&rec->addr[FST_A_SRC], "10.26.1.153");
    expect_addr(&rec->addr[FST_A_DST], "3.239.232.29");
    cr_expect_eq(rec->num[FST_F_SRCPORT], 60220);
    cr_expect_eq(rec->num[FST_F_DSTPORT], 443);
    cr_expect_eq(rec->num[FST_F_PACKETS], 48);
    cr_expect_eq(rec->num[FST_F_BYTES], 21869);
    cr_expect_eq(rec->num[FST_F_START], 1669842701);
    cr_expect_eq(rec->num[FST_F_ACTION], FST_ACTION_ACCEPT);
    size_t nfiles = 0;
    cr_expect_eq(fst_reader_file_stats(r, &nfiles)[0].gzip, 1);
    cr_expect_eq(nfiles, 1);
    fst_reader_free(r);
}

Test(real_samples, v5_all_fields_without_final_newline)
{
    need_shared();
    fst_reader *r;
    const fst_record *rec = first_record("elastic-integrations/test-v5-all-fields.log", V5_ALL, &r);
    cr_expect_eq(rec->num[FST_F_VERSION], 5);
    cr_expect_eq(rec->num[FST_F_PROTOCOL], 17);
    cr_expect_eq(rec->num[FST_F_PACKETS], 52);
    cr_expect_eq(rec->num[FST_F_BYTES], 1);
    cr_expect_eq(rec->num[FST_F_START], 164000066); /* the upstream typo, kept */
    cr_expect_eq(rec->num[FST_F_END], 1640000297);
    cr_expect_eq(rec->num[FST_F_ACTION], FST_ACTION_REJECT);
    cr_expect_eq(rec->num[FST_F_TCP_FLAGS], 1);
    expect_addr(&rec->addr[FST_A_PKT_DST], "10.200.0.80");
    cr_expect_str_eq(rec->ids[FST_F_AZ_ID], "use1-az5");
    cr_expect_eq(rec->num[FST_F_FLOW_DIRECTION], FST_DIR_INGRESS);
    cr_expect_eq(rec->num[FST_F_TRAFFIC_PATH], 1);
    cr_expect(col_is(rec, 25, "AMAZON") && col_is(rec, 26, "CLOUDFRONT"));
    fst_reader_free(r);
}

Test(real_samples, ecs_nodata_with_data_and_v8_reject_reason)
{
    need_shared();
    fst_reader *r;
    const fst_record *rec =
        first_record("elastic-integrations/test-v8-samples.log", ECS39 " ${reject-reason}", &r);
    cr_expect_eq(rec->status, FST_STATUS_NODATA);
    expect_addr(&rec->addr[FST_A_SRC], "2a02:cf40::");
    expect_addr(&rec->addr[FST_A_DST], "1.128.0.0");
    cr_expect_eq(rec->num[FST_F_DSTPORT], 80);
    cr_expect_eq(rec->num[FST_F_BYTES], 33615);
    cr_expect(col_is(rec, 35, "payments-service"));
    cr_expect(col_is(rec, 39, "BPA"));
    cr_expect_eq(rec->format->ids[39], FST_F_REJECT_REASON);
    fst_reader_free(r);
}

Test(real_samples, tgw_v6_with_doubled_spaces)
{
    need_shared();
    fst_reader *r;
    const fst_record *rec =
        first_record("elastic-beats/aws-vpc-flow-logs.v6-fields.extracted.log", NULL, &r);
    cr_expect(col_is(rec, 0, "TransitGateway"));
    cr_expect(col_is(rec, 8, "subnet-3fbc536e360c36ca\xd0\xb1")); /* Cyrillic be, kept as text */
    expect_addr(&rec->addr[FST_A_SRC], "10.100.8.1");
    cr_expect_eq(rec->num[FST_F_SRCPORT], 43228);
    cr_expect_eq(rec->num[FST_F_DSTPORT], 53);
    cr_expect_eq(rec->num[FST_F_BYTES], 1600);
    cr_expect_eq(rec->num[FST_F_PACKETS_LOST_NO_ROUTE], 1);
    cr_expect_eq(rec->num[FST_F_PACKETS_LOST_MTU_EXCEEDED], 2);
    cr_expect_eq(rec->num[FST_F_TCP_FLAGS], 2);
    cr_expect_eq(rec->num[FST_F_FLOW_DIRECTION], FST_DIR_EGRESS);
    fst_reader_free(r);
}

/* Not a VPC flow log, but read under its own format: version 2.0, the
 * protocol written as TCP, unknown column names kept as text. */
Test(real_samples, global_accelerator_under_its_format)
{
    need_shared();
    fst_reader *r;
    const fst_record *rec = first_record("aws-docs/global-accelerator.log", "#", &r);
    cr_expect_eq(rec->num[FST_F_VERSION], 2);
    cr_expect_eq(rec->num[FST_F_PROTOCOL], 6);
    cr_expect_eq(rec->num[FST_F_PACKETS], 0);
    cr_expect_eq(rec->format->ids[3], FST_F_UNKNOWN);
    cr_expect(col_is(rec, 3, "139.162.106.181"));
    cr_expect(col_is(rec, 21, "INGRESS"));
    fst_reader_free(r);
}
