/* tests/test_session_writer.c - exact text of the session writer.
 *
 * Sessions are built by hand; expected lines are written from
 * docs/output.md (key order, null rules, CSV quoting), not from the
 * program's output.  Addresses are built with inet_pton.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "flowstitch/output.h"

static fst_addr addr(const char *s)
{
    fst_addr a;
    memset(&a, 0, sizeof a);
    if (strchr(s, ':')) {
        cr_assert_eq(inet_pton(AF_INET6, s, a.b), 1);
        a.family = 6;
    } else {
        a.b[10] = a.b[11] = 0xff;
        cr_assert_eq(inet_pton(AF_INET, s, a.b + 12), 1);
        a.family = 4;
    }
    return a;
}

static const char *const enis_two[] = {"eni-0a1b2c3d4e5f60718", "eni-0f9e8d7c6b5a40312"};
static const char *const enis_one[] = {"eni-0123456789abcdef0"};
static const char *const enis_odd[] = {"eni-with,comma", "eni-\"quoted\"", "eni-tab\there"};

/* A TCP session seen at two ENIs, direction from SYN flags. */
static fst_session tcp_v4(void)
{
    fst_session s;
    memset(&s, 0, sizeof s);
    s.id = 1;
    s.proto = 6;
    s.client_addr = addr("10.0.1.5");
    s.client_port = 40312;
    s.server_addr = addr("10.0.2.10");
    s.server_port = 443;
    s.first_seen = 1700000000;
    s.last_seen = 1700000120;
    s.c2s_packets = 10;
    s.c2s_bytes = 1500;
    s.s2c_packets = 8;
    s.s2c_bytes = 9000;
    s.tcp_flags_c2s = 3;
    s.tcp_flags_s2c = 19;
    s.basis = FST_BASIS_TCP_SYN;
    s.action = FST_SACT_ACCEPT;
    s.n_enis = 2;
    s.enis = enis_two;
    s.records = 4;
    strcpy(s.community_id, "1:2MnLpW+KvWzmzXd4vS4dIBit88g=");
    /* context: the client fully known, the server only by its subnet (an
     * empty string is unknown too), no service */
    s.client_ctx = (fst_side_context){"111122223333", "vpc-1", "subnet-a", "us-east-1a", "eni-a"};
    s.server_ctx = (fst_side_context){NULL, "vpc-1", "subnet-b", "us-east-1b", ""};
    s.region = "us-east-1";
    s.traffic_class = FST_CLASS_INTER_AZ;
    s.traffic_path = 1;
    return s;
}

/* An IPv6 UDP NAT leg: unknown flags, no action, no community id. */
static fst_session udp_v6(void)
{
    fst_session s;
    memset(&s, 0, sizeof s);
    s.id = 2;
    s.proto = 17;
    s.client_addr = addr("2001:db8:0:0:0:0:0:1");
    s.client_port = 51000;
    s.server_addr = addr("2001:DB8:0:1::53");
    s.server_port = 53;
    s.first_seen = 1700000060;
    s.last_seen = 1700000061;
    s.c2s_packets = 1;
    s.c2s_bytes = 76;
    s.s2c_packets = 0;
    s.s2c_bytes = 0;
    s.tcp_flags_c2s = -1;
    s.tcp_flags_s2c = -1;
    s.basis = FST_BASIS_PORT;
    s.action = 0;
    s.incomplete = 1;
    s.n_enis = 1;
    s.enis = enis_one;
    s.records = 1;
    s.nat_leg_of = 1;
    s.community_id[0] = '\0';
    return s;
}

/* Text fields that need CSV quoting / TSV cleaning, no ENIs at all is the
 * other edge (tested separately). */
static fst_session odd(void)
{
    fst_session s = tcp_v4();
    s.id = 3;
    s.basis = FST_BASIS_UNKNOWN;
    s.action = FST_SACT_MIXED;
    s.tcp_flags_c2s = 0;
    s.tcp_flags_s2c = -1;
    s.n_enis = 3;
    s.enis = enis_odd;
    return s;
}

static char *render(fst_out_format fmt, const fst_session *ss, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    fst_writer *w = fst_session_writer_open(f, fmt);
    cr_assert_not_null(w);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(fst_session_writer_write(w, &ss[i]), 0);
    cr_assert_eq(fst_writer_close(w), 0);
    fclose(f);
    return buf;
}

Test(session_writer, jsonl_exact)
{
    const fst_session ss[2] = {tcp_v4(), udp_v6()};
    char *got = render(FST_OUT_JSONL, ss, 2);
    const char *want =
        "{\"session_id\":1,\"proto\":6,\"client_addr\":\"10.0.1.5\",\"client_port\":40312,"
        "\"server_addr\":\"10.0.2.10\",\"server_port\":443,\"first_seen\":1700000000,"
        "\"last_seen\":1700000120,\"c2s_packets\":10,\"c2s_bytes\":1500,\"s2c_packets\":8,"
        "\"s2c_bytes\":9000,\"tcp_flags_c2s\":3,\"tcp_flags_s2c\":19,"
        "\"direction_basis\":\"tcp-flags\","
        "\"enis\":[\"eni-0a1b2c3d4e5f60718\",\"eni-0f9e8d7c6b5a40312\"],\"records\":4,"
        "\"action\":\"ACCEPT\",\"community_id\":\"1:2MnLpW+KvWzmzXd4vS4dIBit88g=\","
        "\"incomplete\":false,\"nat_leg_of\":null,"
        "\"client_account\":\"111122223333\",\"client_vpc\":\"vpc-1\","
        "\"client_subnet\":\"subnet-a\",\"client_az\":\"us-east-1a\",\"client_eni\":\"eni-a\","
        "\"server_account\":null,\"server_vpc\":\"vpc-1\",\"server_subnet\":\"subnet-b\","
        "\"server_az\":\"us-east-1b\",\"server_eni\":null,\"region\":\"us-east-1\","
        "\"traffic_class\":\"inter-az\",\"traffic_path\":1,\"aws_service\":null,\"split_basis\":\"none\",\"open_at_start\":false,\"open_at_end\":false,\"key_absent\":null}\n"
        "{\"session_id\":2,\"proto\":17,\"client_addr\":\"2001:db8::1\",\"client_port\":51000,"
        "\"server_addr\":\"2001:db8:0:1::53\",\"server_port\":53,\"first_seen\":1700000060,"
        "\"last_seen\":1700000061,\"c2s_packets\":1,\"c2s_bytes\":76,\"s2c_packets\":0,"
        "\"s2c_bytes\":0,\"tcp_flags_c2s\":null,\"tcp_flags_s2c\":null,"
        "\"direction_basis\":\"port\",\"enis\":[\"eni-0123456789abcdef0\"],\"records\":1,"
        "\"action\":null,\"community_id\":null,\"incomplete\":true,\"nat_leg_of\":1,"
        /* a zeroed context: all null, the class "unknown" (never null) */
        "\"client_account\":null,\"client_vpc\":null,\"client_subnet\":null,"
        "\"client_az\":null,\"client_eni\":null,\"server_account\":null,"
        "\"server_vpc\":null,\"server_subnet\":null,\"server_az\":null,"
        "\"server_eni\":null,\"region\":null,\"traffic_class\":\"unknown\","
        "\"traffic_path\":null,\"aws_service\":null,\"split_basis\":\"none\",\"open_at_start\":false,\"open_at_end\":false,\"key_absent\":null}\n";
    cr_expect_str_eq(got, want);
    free(got);
}

Test(session_writer, jsonl_escapes_and_empty_enis)
{
    fst_session s = odd();
    char *got = render(FST_OUT_JSONL, &s, 1);
    cr_expect_not_null(strstr(got, "\"direction_basis\":\"unknown\","));
    cr_expect_not_null(strstr(
        got, "\"enis\":[\"eni-with,comma\",\"eni-\\\"quoted\\\"\",\"eni-tab\\u0009here\"],"));
    cr_expect_not_null(strstr(got, "\"tcp_flags_c2s\":0,\"tcp_flags_s2c\":null,"));
    cr_expect_not_null(strstr(got, "\"action\":\"ACCEPT+REJECT\","));
    free(got);

    s.n_enis = 0;
    s.enis = NULL;
    got = render(FST_OUT_JSONL, &s, 1);
    cr_expect_not_null(strstr(got, ",\"enis\":[],\"records\":4,"));
    free(got);
}

/* The context cells of tcp_v4() and of a zeroed session, CSV and TSV. */
#define CTX_CSV "111122223333,vpc-1,subnet-a,us-east-1a,eni-a,,vpc-1,subnet-b,us-east-1b,,us-east-1,inter-az,1,,none,false,false,\n"
#define NUL_CSV ",,,,,,,,,,,unknown,,,none,false,false,\n"
#define CTX_TSV "111122223333\tvpc-1\tsubnet-a\tus-east-1a\teni-a\t\tvpc-1\tsubnet-b\t" \
                "us-east-1b\t\tus-east-1\tinter-az\t1\t\tnone\tfalse\tfalse\t\n"
#define NUL_TSV "\t\t\t\t\t\t\t\t\t\t\tunknown\t\t\tnone\tfalse\tfalse\t\n"

#define HEADER_CSV                                                                        \
    "session_id,proto,client_addr,client_port,server_addr,server_port,first_seen,"       \
    "last_seen,c2s_packets,c2s_bytes,s2c_packets,s2c_bytes,tcp_flags_c2s,tcp_flags_s2c," \
    "direction_basis,enis,records,action,community_id,incomplete,nat_leg_of,"           \
    "client_account,client_vpc,client_subnet,client_az,client_eni,server_account,"      \
    "server_vpc,server_subnet,server_az,server_eni,region,traffic_class,traffic_path,"  \
    "aws_service,split_basis,open_at_start,open_at_end,key_absent\n"

Test(session_writer, csv_exact)
{
    const fst_session ss[3] = {tcp_v4(), udp_v6(), odd()};
    char *got = render(FST_OUT_CSV, ss, 3);
    const char *want =
        HEADER_CSV
        "1,6,10.0.1.5,40312,10.0.2.10,443,1700000000,1700000120,10,1500,8,9000,3,19,"
        "tcp-flags,eni-0a1b2c3d4e5f60718;eni-0f9e8d7c6b5a40312,4,ACCEPT,"
        "1:2MnLpW+KvWzmzXd4vS4dIBit88g=,false,," CTX_CSV
        "2,17,2001:db8::1,51000,2001:db8:0:1::53,53,1700000060,1700000061,1,76,0,0,,,"
        "port,eni-0123456789abcdef0,1,,,true,1," NUL_CSV
        "3,6,10.0.1.5,40312,10.0.2.10,443,1700000000,1700000120,10,1500,8,9000,0,,"
        "unknown,\"eni-with,comma;eni-\"\"quoted\"\";eni-tab\there\",4,ACCEPT+REJECT,"
        "1:2MnLpW+KvWzmzXd4vS4dIBit88g=,false,," CTX_CSV;
    cr_expect_str_eq(got, want);
    free(got);
}

Test(session_writer, tsv_exact)
{
    const fst_session ss[3] = {tcp_v4(), udp_v6(), odd()};
    char *got = render(FST_OUT_TSV, ss, 3);
    const char *want =
        "session_id\tproto\tclient_addr\tclient_port\tserver_addr\tserver_port\tfirst_seen\t"
        "last_seen\tc2s_packets\tc2s_bytes\ts2c_packets\ts2c_bytes\ttcp_flags_c2s\t"
        "tcp_flags_s2c\tdirection_basis\tenis\trecords\taction\tcommunity_id\tincomplete\t"
        "nat_leg_of\tclient_account\tclient_vpc\tclient_subnet\tclient_az\tclient_eni\t"
        "server_account\tserver_vpc\tserver_subnet\tserver_az\tserver_eni\tregion\t"
        "traffic_class\ttraffic_path\taws_service\tsplit_basis\topen_at_start\topen_at_end\tkey_absent\n"
        "1\t6\t10.0.1.5\t40312\t10.0.2.10\t443\t1700000000\t1700000120\t10\t1500\t8\t9000\t"
        "3\t19\ttcp-flags\teni-0a1b2c3d4e5f60718;eni-0f9e8d7c6b5a40312\t4\tACCEPT\t"
        "1:2MnLpW+KvWzmzXd4vS4dIBit88g=\tfalse\t\t" CTX_TSV
        "2\t17\t2001:db8::1\t51000\t2001:db8:0:1::53\t53\t1700000060\t1700000061\t1\t76\t0\t0\t"
        "\t\tport\teni-0123456789abcdef0\t1\t\t\ttrue\t1\t" NUL_TSV
        "3\t6\t10.0.1.5\t40312\t10.0.2.10\t443\t1700000000\t1700000120\t10\t1500\t8\t9000\t"
        "0\t\tunknown\teni-with,comma;eni-\"quoted\";eni-tab here\t4\tACCEPT+REJECT\t"
        "1:2MnLpW+KvWzmzXd4vS4dIBit88g=\tfalse\t\t" CTX_TSV;
    cr_expect_str_eq(got, want);
    free(got);
}

Test(session_writer, csv_header_even_without_rows)
{
    char *got = render(FST_OUT_CSV, NULL, 0);
    cr_expect_str_eq(got, HEADER_CSV);
    free(got);
    got = render(FST_OUT_JSONL, NULL, 0);
    cr_expect_str_eq(got, "");
    free(got);
}

Test(session_writer, write_failure_is_reported)
{
    /* A read-only stream: every write fails. */
    FILE *f = fopen("/dev/null", "r");
    cr_assert_not_null(f);
    fst_writer *w = fst_session_writer_open(f, FST_OUT_JSONL);
    cr_assert_not_null(w);
    const fst_session s = tcp_v4();
    cr_expect_eq(fst_session_writer_write(w, &s), FST_EIO);
    cr_expect_eq(fst_writer_close(w), FST_EIO);
    fclose(f);
}

Test(session_writer, bad_arguments)
{
    cr_expect_null(fst_session_writer_open(NULL, FST_OUT_CSV));
    cr_expect_null(fst_session_writer_open(stdout, (fst_out_format)0));
    cr_expect_eq(fst_session_writer_write(NULL, NULL), FST_EINVAL);
}

/* A session from records whose format had no start/end and no packets or
 * bytes (the AWS transit-gateway example format): those six values are
 * unknown, not zero: null in JSON, empty in CSV. */
Test(session_writer, unknown_times_and_counts_are_null)
{
    fst_session s = tcp_v4();
    s.unknown = FST_SESSION_NO_TIMES | FST_SESSION_NO_COUNTS;
    char *got = render(FST_OUT_JSONL, &s, 1);
    cr_assert(strstr(got, ",\"server_port\":443,\"first_seen\":null,\"last_seen\":null,"
                          "\"c2s_packets\":null,\"c2s_bytes\":null,\"s2c_packets\":null,"
                          "\"s2c_bytes\":null,\"tcp_flags_c2s\":3,"),
              "%s", got);
    free(got);
    got = render(FST_OUT_CSV, &s, 1);
    const char *row = strchr(got, '\n') + 1;
    cr_assert(!strncmp(row, "1,6,10.0.1.5,40312,10.0.2.10,443,,,,,,,3,19,tcp-flags,", 54), "%s", row);
    free(got);
    s.unknown = FST_SESSION_NO_COUNTS; /* times known, counts not */
    got = render(FST_OUT_JSONL, &s, 1);
    cr_assert(strstr(got, "\"first_seen\":1700000000,\"last_seen\":1700000120,\"c2s_packets\":null,"),
              "%s", got);
    free(got);
}
