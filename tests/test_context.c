/* tests/test_context.c - sessions carry their context (docs/output.md keys
 * client_* / server_*, region, traffic_class, traffic_path, aws_service)
 * and the describe-subnets table (src/meta/subnets.c).
 *
 * Every record below is hand-written; every expectation is read off the
 * records and the fixtures in fixtures/context/ (README there) with the
 * rules of docs/output.md, not from the program's output.  Two instance
 * ENIs of one VPC (vpc-1, account 111122223333):
 *   eni-aaaa 10.1.1.10, subnet-a, use1-az1 = us-east-1a;
 *   eni-bbbb 10.1.2.20, subnet-b, use1-az2 = us-east-1b.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowstitch/reader.h"
#include "flowstitch/stitcher.h"
#include "flowstitch/output.h"
#include "meta/subnets.h"

#define CTX FST_SOURCE_DIR "/fixtures/context/"

/* v5 custom format with every context field. */
#define V5_HEADER                                                                          \
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes " \
    "start end action log-status vpc-id subnet-id instance-id tcp-flags az-id region "       \
    "flow-direction traffic-path pkt-srcaddr pkt-dstaddr pkt-src-aws-service "                \
    "pkt-dst-aws-service\n"

/* 10.1.1.10:40000 -> 10.1.2.20:443, SYN from the client, seen at both ENIs. */
#define INTER_AZ_V5                                                                        \
    V5_HEADER                                                                              \
    "5 111122223333 eni-aaaa 10.1.1.10 10.1.2.20 40000 443 6 10 1000 1700000000 1700000060 " \
    "ACCEPT OK vpc-1 subnet-a i-a 2 use1-az1 us-east-1 egress 1 10.1.1.10 10.1.2.20 - -\n"  \
    "5 111122223333 eni-aaaa 10.1.2.20 10.1.1.10 443 40000 6 8 4000 1700000000 1700000060 " \
    "ACCEPT OK vpc-1 subnet-a i-a 18 use1-az1 us-east-1 ingress - 10.1.2.20 10.1.1.10 - -\n" \
    "5 111122223333 eni-bbbb 10.1.1.10 10.1.2.20 40000 443 6 10 1000 1700000005 1700000065 " \
    "ACCEPT OK vpc-1 subnet-b i-b 2 use1-az2 us-east-1 ingress - 10.1.1.10 10.1.2.20 - -\n" \
    "5 111122223333 eni-bbbb 10.1.2.20 10.1.1.10 443 40000 6 8 4000 1700000005 1700000065 " \
    "ACCEPT OK vpc-1 subnet-b i-b 18 use1-az2 us-east-1 egress 1 10.1.2.20 10.1.1.10 - -\n"

static int write_cb(const fst_session *s, void *w)
{
    return fst_session_writer_write(w, s);
}

/* Runs the stitcher over text with the given tables (NULL: none) and
 * returns the sessions as parsed JSON objects (a JSON array). */
static json_t *run(const char *text, const char *eni_json, const char *subnets_json,
                   uint32_t threads)
{
    char err[512];
    fst_eni_table *meta = eni_json ? fst_eni_table_load(eni_json, err, sizeof err) : NULL;
    fst_subnet_table *sub = subnets_json ? fst_subnet_table_load(subnets_json, err, sizeof err)
                                         : NULL;
    cr_assert(!eni_json || meta, "%s", err);
    cr_assert(!subnets_json || sub, "%s", err);
    fst_reader_config rc;
    fst_reader_config_init(&rc);
    fst_reader *r = fst_reader_new(&rc);
    cr_assert_eq(fst_reader_add_mem(r, "mem.log", text, strlen(text)), 0);
    fst_stitcher_config cfg;
    fst_stitcher_config_init(&cfg);
    cfg.meta = meta;
    cfg.subnets = sub;
    cfg.threads = threads;
    fst_stitcher *st = fst_stitcher_new(&cfg);
    cr_assert_eq(fst_stitcher_push_reader(st, r, NULL, NULL), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fst_writer *w = fst_session_writer_open(f, FST_OUT_JSONL);
    cr_assert_eq(fst_stitcher_finish(st, write_cb, w), 0);
    cr_assert_eq(fst_writer_close(w), 0);
    fclose(f);
    json_t *arr = json_array();
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        json_error_t je;
        json_t *o = json_loads(line, 0, &je);
        cr_assert_not_null(o, "%s", je.text);
        json_array_append_new(arr, o);
    }
    free(buf);
    fst_stitcher_free(st);
    fst_reader_free(r);
    fst_eni_table_free(meta);
    fst_subnet_table_free(sub);
    return arr;
}

/* Asserts key k of session o is the string want (NULL: JSON null). */
static void expect_str(const json_t *o, const char *k, const char *want)
{
    const json_t *v = json_object_get(o, k);
    cr_assert_not_null(v, "no key %s", k);
    if (!want) {
        cr_expect(json_is_null(v), "%s should be null", k);
        return;
    }
    cr_assert(json_is_string(v), "%s should be \"%s\"", k, want);
    cr_expect_str_eq(json_string_value(v), want, "%s", k);
}

static void expect_side(const json_t *o, const char *side, const char *account,
                        const char *vpc, const char *subnet, const char *az, const char *eni)
{
    const char *const keys[5] = {"account", "vpc", "subnet", "az", "eni"};
    const char *const want[5] = {account, vpc, subnet, az, eni};
    for (int i = 0; i < 5; i++) {
        char k[32];
        snprintf(k, sizeof k, "%s_%s", side, keys[i]);
        expect_str(o, k, want[i]);
    }
}

static json_t *only(json_t *arr)
{
    cr_assert_eq(json_array_size(arr), 1, "sessions: %zu", json_array_size(arr));
    return json_array_get(arr, 0);
}

/* The records name everything: each side is the ENI whose own address it
 * is (A's egress record sends from 10.1.1.10, B's from 10.1.2.20); two AZs
 * of one VPC -> inter-az; the counted c2s stream is A's egress, path 1. */
Test(context, v5_records_inter_az)
{
    json_t *arr = run(INTER_AZ_V5, NULL, NULL, 1);
    const json_t *s = only(arr);
    expect_str(s, "client_addr", "10.1.1.10");
    expect_side(s, "client", "111122223333", "vpc-1", "subnet-a", "use1-az1", "eni-aaaa");
    expect_side(s, "server", "111122223333", "vpc-1", "subnet-b", "use1-az2", "eni-bbbb");
    expect_str(s, "region", "us-east-1");
    expect_str(s, "traffic_class", "inter-az");
    cr_expect_eq(json_integer_value(json_object_get(s, "traffic_path")), 1);
    expect_str(s, "aws_service", NULL);
    /* two threads give the same sessions */
    json_t *two = run(INTER_AZ_V5, NULL, NULL, 2);
    cr_expect(json_equal(arr, two));
    json_decref(two);
    json_decref(arr);
}

/* The same connection without vpc-id, subnet-id, az-id: the subnets' CIDR
 * blocks give them (the /24s, not the wider 10.1.0.0/16 of vpc-2), the AZ
 * as a zone name; account-id still from the records; no region field. */
Test(context, subnets_fill_missing_fields)
{
    const char *text =
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
        "bytes start end action log-status instance-id tcp-flags flow-direction\n"
        "5 111122223333 eni-aaaa 10.1.1.10 10.1.2.20 40000 443 6 10 1000 1700000000 "
        "1700000060 ACCEPT OK i-a 2 egress\n"
        "5 111122223333 eni-aaaa 10.1.2.20 10.1.1.10 443 40000 6 8 4000 1700000000 "
        "1700000060 ACCEPT OK i-a 18 ingress\n"
        "5 111122223333 eni-bbbb 10.1.1.10 10.1.2.20 40000 443 6 10 1000 1700000005 "
        "1700000065 ACCEPT OK i-b 2 ingress\n"
        "5 111122223333 eni-bbbb 10.1.2.20 10.1.1.10 443 40000 6 8 4000 1700000005 "
        "1700000065 ACCEPT OK i-b 18 egress\n";
    json_t *arr = run(text, NULL, CTX "subnets.json", 1);
    const json_t *s = only(arr);
    expect_side(s, "client", "111122223333", "vpc-1", "subnet-a", "us-east-1a", "eni-aaaa");
    expect_side(s, "server", "111122223333", "vpc-1", "subnet-b", "us-east-1b", "eni-bbbb");
    expect_str(s, "region", NULL);
    expect_str(s, "traffic_class", "inter-az");
    cr_expect(json_is_null(json_object_get(s, "traffic_path")));
    json_decref(arr);
}

/* With --subnets the records' az-id is written as its zone name
 * (AvailabilityZoneId use1-az1 -> us-east-1a). */
Test(context, subnets_name_the_records_az_id)
{
    json_t *arr = run(INTER_AZ_V5, NULL, CTX "subnets.json", 1);
    const json_t *s = only(arr);
    expect_side(s, "client", "111122223333", "vpc-1", "subnet-a", "us-east-1a", "eni-aaaa");
    expect_side(s, "server", "111122223333", "vpc-1", "subnet-b", "us-east-1b", "eni-bbbb");
    json_decref(arr);
}

/* Default (v2) format: no VPC, subnet or AZ in the records, no
 * flow-direction; each ENI's own address comes from the metadata, and so
 * do VPC, subnet and the zone name; account-id from the records. */
Test(context, default_format_with_eni_metadata)
{
    const char *text =
        "2 111122223333 eni-aaaa 10.1.1.10 10.1.2.20 40000 443 6 10 1000 1700000000 1700000060 "
        "ACCEPT OK\n"
        "2 111122223333 eni-aaaa 10.1.2.20 10.1.1.10 443 40000 6 8 4000 1700000000 1700000060 "
        "ACCEPT OK\n"
        "2 111122223333 eni-bbbb 10.1.1.10 10.1.2.20 40000 443 6 10 1000 1700000005 1700000065 "
        "ACCEPT OK\n"
        "2 111122223333 eni-bbbb 10.1.2.20 10.1.1.10 443 40000 6 8 4000 1700000005 1700000065 "
        "ACCEPT OK\n";
    json_t *arr = run(text, CTX "enis.json", NULL, 1);
    const json_t *s = only(arr);
    expect_str(s, "client_addr", "10.1.1.10"); /* port rule: 443 is the service */
    expect_side(s, "client", "111122223333", "vpc-1", "subnet-a", "us-east-1a", "eni-aaaa");
    expect_side(s, "server", "111122223333", "vpc-1", "subnet-b", "us-east-1b", "eni-bbbb");
    expect_str(s, "traffic_class", "inter-az");
    json_decref(arr);
}

/* Internet egress through a NAT gateway: the NAT ENI (eni-nnnn 10.1.3.30,
 * instance-id "-") logs the inside leg with pkt-dstaddr = the internet
 * host, so it is a hop on the instance's session -> nat-gateway; the
 * server is public and in no VPC: server_* null. */
Test(context, nat_gateway)
{
    const char *text =
        V5_HEADER
        "5 111122223333 eni-aaaa 10.1.1.10 93.184.216.34 40001 443 6 5 500 1700000100 "
        "1700000160 ACCEPT OK vpc-1 subnet-a i-a 2 use1-az1 us-east-1 egress 1 10.1.1.10 "
        "93.184.216.34 - -\n"
        "5 111122223333 eni-aaaa 93.184.216.34 10.1.1.10 443 40001 6 4 3000 1700000100 "
        "1700000160 ACCEPT OK vpc-1 subnet-a i-a 18 use1-az1 us-east-1 ingress - 93.184.216.34 "
        "10.1.1.10 - -\n"
        "5 111122223333 eni-nnnn 10.1.1.10 10.1.3.30 40001 443 6 5 500 1700000102 1700000162 "
        "ACCEPT OK vpc-1 subnet-n - 2 use1-az1 us-east-1 ingress - 10.1.1.10 93.184.216.34 - -\n"
        "5 111122223333 eni-nnnn 10.1.3.30 10.1.1.10 443 40001 6 4 3000 1700000102 1700000162 "
        "ACCEPT OK vpc-1 subnet-n - 18 use1-az1 us-east-1 egress 1 93.184.216.34 10.1.1.10 - -\n";
    json_t *arr = run(text, NULL, NULL, 1);
    const json_t *s = only(arr);
    expect_str(s, "server_addr", "93.184.216.34");
    expect_side(s, "client", "111122223333", "vpc-1", "subnet-a", "use1-az1", "eni-aaaa");
    expect_side(s, "server", NULL, NULL, NULL, NULL, NULL);
    expect_str(s, "traffic_class", "nat-gateway");
    json_decref(arr);
}

/* ../shared/docs/aws-flowlogs.md 5.8: an instance calls S3; the egress
 * record names the destination's service (pkt-dst-aws-service S3) and
 * path 8 (internet gateway). */
Test(context, aws_service_s3)
{
    const char *text =
        V5_HEADER
        "5 111122223333 eni-aaaa 10.1.1.10 52.95.128.179 34210 80 6 7 471 1700000200 "
        "1700000260 ACCEPT OK vpc-1 subnet-a i-a 3 use1-az1 us-east-1 egress 8 10.1.1.10 "
        "52.95.128.179 - S3\n"
        "5 111122223333 eni-aaaa 52.95.128.179 10.1.1.10 80 34210 6 14 15044 1700000200 "
        "1700000260 ACCEPT OK vpc-1 subnet-a i-a 19 use1-az1 us-east-1 ingress - 52.95.128.179 "
        "10.1.1.10 S3 -\n";
    json_t *arr = run(text, NULL, NULL, 1);
    const json_t *s = only(arr);
    expect_str(s, "server_addr", "52.95.128.179");
    expect_str(s, "aws_service", "S3");
    expect_str(s, "traffic_class", "aws-service");
    cr_expect_eq(json_integer_value(json_object_get(s, "traffic_path")), 8);
    json_decref(arr);
}

/* Every record REJECT -> rejected, whatever else is known; the scanner is
 * no ENI's and public: client_* null; nothing egressed: no path. */
Test(context, rejected_and_unknown_null)
{
    const char *text =
        V5_HEADER
        "5 111122223333 eni-bbbb 198.51.100.7 10.1.2.20 51000 22 6 1 44 1700000300 1700000300 "
        "REJECT OK vpc-1 subnet-b i-b 2 use1-az2 us-east-1 ingress - 198.51.100.7 10.1.2.20 - "
        "-\n";
    json_t *arr = run(text, NULL, NULL, 1);
    const json_t *s = only(arr);
    expect_side(s, "client", NULL, NULL, NULL, NULL, NULL);
    expect_side(s, "server", "111122223333", "vpc-1", "subnet-b", "use1-az2", "eni-bbbb");
    expect_str(s, "traffic_class", "rejected");
    cr_expect(json_is_null(json_object_get(s, "traffic_path")));
    json_decref(arr);
}

/* v2, one ENI that saw one peer only, no metadata: neither address can be
 * told to be its own, both private -> every context key null and the
 * class unknown (never a guess). */
Test(context, nothing_known_stays_null)
{
    const char *text =
        "2 111122223333 eni-xxxx 10.9.9.9 10.9.9.8 5000 6000 17 1 100 1700000000 1700000000 "
        "ACCEPT OK\n";
    json_t *arr = run(text, NULL, NULL, 1);
    const json_t *s = only(arr);
    expect_side(s, "client", NULL, NULL, NULL, NULL, NULL);
    expect_side(s, "server", NULL, NULL, NULL, NULL, NULL);
    expect_str(s, "region", NULL);
    expect_str(s, "traffic_class", "unknown");
    json_decref(arr);
}

/* ---- the subnets table ------------------------------------------------ */

static fst_addr ip(const char *s)
{
    fst_addr a;
    cr_assert_eq(fst_addr_parse(s, strlen(s), &a), 0);
    return a;
}

static const char *subnet_of(const fst_subnet_table *t, const char *a)
{
    const fst_addr x = ip(a);
    const fst__subnet_info *s = fst__subnet_by_addr(t, &x);
    return s ? s->subnet_id : NULL;
}

Test(subnets, longest_prefix_v4_v6)
{
    char err[256];
    fst_subnet_table *t = fst_subnet_table_load(CTX "subnets.json", err, sizeof err);
    cr_assert_not_null(t, "%s", err);
    cr_expect_eq(fst_subnet_table_count(t), 3); /* subnet-a twice: once */
    cr_expect_str_eq(subnet_of(t, "10.1.2.20"), "subnet-b");     /* /24 over /16 */
    cr_expect_str_eq(subnet_of(t, "10.1.1.255"), "subnet-a");
    cr_expect_str_eq(subnet_of(t, "10.1.200.1"), "subnet-wide"); /* only the /16 */
    cr_expect_str_eq(subnet_of(t, "2600:1f18:1:1::5"), "subnet-a");
    cr_expect_null(subnet_of(t, "2600:1f18:1:2::5"));
    cr_expect_null(subnet_of(t, "10.2.0.1"));
    cr_expect_str_eq(fst__subnet_az_name(t, "use1-az2"), "us-east-1b");
    cr_expect_null(fst__subnet_az_name(t, "use1-az9"));
    fst_subnet_table_free(t);
}

/* Writes text to a temporary file, loads it, and expects the message. */
static void expect_load_error(const char *text, const char *want)
{
    char path[] = "/tmp/fst_subnets_XXXXXX";
    const int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    char err[256];
    fst_subnet_table *t = fst_subnet_table_load(path, err, sizeof err);
    remove(path);
    cr_assert_null(t);
    cr_expect(strstr(err, path) == err, "message names the file: %s", err);
    cr_expect_not_null(strstr(err, want), "%s", err);
}

Test(subnets, errors_name_file_and_reason)
{
    expect_load_error("{\"Subnets\":[{\"SubnetId\":\"s-1\",\"CidrBlock\":\"10.0.0.0/33\"}]}",
                      "Subnets[0]: \"CidrBlock\" is not a CIDR block: \"10.0.0.0/33\"");
    expect_load_error("{\"Subnets\":[{\"CidrBlock\":\"10.0.0.0/24\"}]}",
                      "Subnets[0]: \"SubnetId\" is missing");
    expect_load_error("{\"NetworkInterfaces\":[]}", "no \"Subnets\" key");
    expect_load_error("{\"Subnets\":[]} {", "bad JSON");
    expect_load_error("  ", "empty file");
    char err[256];
    cr_expect_null(fst_subnet_table_load(CTX "no-such-file.json", err, sizeof err));
    cr_expect_not_null(strstr(err, "cannot open"), "%s", err);
}

/* An ENI whose records disagree: the first value is kept for the context,
 * each disagreeing record counts once (here: the second record's
 * subnet-id and az-id differ, 2 fields of 1 record = 2). */
Test(context, conflicts_keep_the_first)
{
    const char *text =
        V5_HEADER
        "5 111122223333 eni-bbbb 198.51.100.7 10.1.2.20 51000 22 6 1 44 1700000300 1700000300 "
        "REJECT OK vpc-1 subnet-b i-b 2 use1-az2 us-east-1 ingress - 198.51.100.7 10.1.2.20 - "
        "-\n"
        "5 111122223333 eni-bbbb 198.51.100.7 10.1.2.20 51000 22 6 1 44 1700000301 1700000301 "
        "REJECT OK vpc-1 subnet-x i-b 2 use1-az9 us-east-1 ingress - 198.51.100.7 10.1.2.20 - "
        "-\n";
    fst_reader_config rc;
    fst_reader_config_init(&rc);
    fst_reader *r = fst_reader_new(&rc);
    cr_assert_eq(fst_reader_add_mem(r, "mem.log", text, strlen(text)), 0);
    fst_stitcher *st = fst_stitcher_new(NULL);
    cr_assert_eq(fst_stitcher_push_reader(st, r, NULL, NULL), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fst_writer *w = fst_session_writer_open(f, FST_OUT_JSONL);
    cr_assert_eq(fst_stitcher_finish(st, write_cb, w), 0);
    cr_assert_eq(fst_writer_close(w), 0);
    fclose(f);
    cr_expect_eq(fst_stitcher_stats(st)->context_conflicts, 2);
    cr_expect_not_null(strstr(buf, "\"server_subnet\":\"subnet-b\",\"server_az\":\"use1-az2\""),
                       "%s", buf);
    free(buf);
    fst_stitcher_free(st);
    fst_reader_free(r);
}
