/* tests/test_record.c - the line parser (src/parse/record.c).
 *
 * Every expected value below was typed by hand from the record lines and the
 * field descriptions in ../shared/docs/aws-flowlogs.md (sections 1, 3.2, 4.2,
 * 4.5, 5) and the fixture files under ../shared/fixtures-real/, which are
 * read at run time (never copied into this repository).
 */
#include "record_rig.h"

/* ---- expected values, one entry per column --------------------------- */

typedef struct xf {
    int f;          /* field id, -1 ends a record */
    char kind;      /* n: number/enum, a: address, i: interned id, t: raw text, d: "-" */
    uint64_t n;
    const char *s;
} xf;

#define N(f, v) {FST_F_##f, 'n', (uint64_t)(v), NULL}
#define A(f, s) {FST_F_##f, 'a', 0, (s)}
#define I(f, s) {FST_F_##f, 'i', 0, (s)}
#define T(f, s) {FST_F_##f, 't', 0, (s)}
#define D(f) {FST_F_##f, 'd', 0, NULL}
#define U(col, s) {FST_F_UNKNOWN, 'u', (col), (s)} /* unknown column: raw text */
#define XEND {-1, 0, 0, NULL}

static int addr_slot(int f)
{
    return f == FST_F_SRCADDR ? FST_A_SRC : f == FST_F_DSTADDR ? FST_A_DST
                                          : f == FST_F_PKT_SRCADDR ? FST_A_PKT_SRC
                                                                    : FST_A_PKT_DST;
}

/* Check every column of rec against x (which must cover all columns). */
static void check_record(fst__parser *p, const fst_record *rec, const xf *x, const char *what)
{
    int k = 0;
    for (; x[k].f >= 0; k++) {
        int f = x[k].f;
        if (x[k].kind == 'u') {
            size_t c = (size_t)x[k].n, n = strlen(x[k].s);
            cr_expect_eq(rec->format->ids[c], FST_F_UNKNOWN, "%s: column %zu unknown", what, c);
            cr_expect(rec->cols[c].len == n && memcmp(rec->cols[c].ptr, x[k].s, n) == 0,
                      "%s: column %zu is \"%s\"", what, c, x[k].s);
            continue;
        }
        const char *name = fst_field_name(f);
        cr_assert(FST_FIELDSET_HAS(rec->format->fields, f), "%s: %s in format", what, name);
        int col = rec->format->col[f];
        switch (x[k].kind) {
        case 'n':
            cr_expect(fst_record_has(rec, f), "%s: %s present", what, name);
            cr_expect_eq(rec->num[f], x[k].n, "%s: %s = %llu, want %llu", what, name,
                         (unsigned long long)rec->num[f], (unsigned long long)x[k].n);
            break;
        case 'a': {
            char buf[FST_ADDR_STRLEN];
            cr_expect(fst_record_has(rec, f), "%s: %s present", what, name);
            fst_addr_format(&rec->addr[addr_slot(f)], buf, sizeof buf);
            cr_expect_str_eq(buf, x[k].s, "%s: %s", what, name);
            break;
        }
        case 'i': {
            cr_expect(fst_record_has(rec, f), "%s: %s present", what, name);
            cr_assert_not_null(rec->ids[f], "%s: %s interned", what, name);
            cr_expect_str_eq(rec->ids[f], x[k].s, "%s: %s", what, name);
            uint32_t id = 0;
            const char *again = fst__parser_intern(p, x[k].s, strlen(x[k].s), &id);
            cr_expect_eq(again, rec->ids[f], "%s: %s same pointer", what, name);
            if (f == FST_F_INTERFACE_ID)
                cr_expect_eq(rec->eni, id, "%s: eni is the intern id", what);
            break;
        }
        case 't':
            cr_expect(fst_record_has(rec, f), "%s: %s present", what, name);
            cr_expect_eq(rec->cols[col].len, strlen(x[k].s), "%s: %s length", what, name);
            cr_expect_eq(memcmp(rec->cols[col].ptr, x[k].s, strlen(x[k].s)), 0, "%s: %s text",
                         what, name);
            break;
        case 'd':
            cr_expect(FST_FIELDSET_HAS(rec->dash, f), "%s: %s is '-'", what, name);
            cr_expect_not(fst_record_has(rec, f), "%s: %s not usable", what, name);
            cr_expect_null(rec->ids[f], "%s: %s id NULL", what, name);
            if (fst_field_type(f) == FST_T_ADDR)
                cr_expect_eq(rec->addr[addr_slot(f)].family, 0, "%s: %s no family", what, name);
            if (f == FST_F_INTERFACE_ID)
                cr_expect_eq(rec->eni, 0, "%s: no eni", what);
            break;
        }
    }
    cr_expect_eq(k, rec->format->ncols, "%s: every column checked", what);
}

/* Default v2 record (14 fields). */
#define V2(acct, eni, src, dst, sp, dp, proto, pk, by, st, en, act, stat)                        \
    {N(VERSION, 2), I(ACCOUNT_ID, acct), I(INTERFACE_ID, eni), A(SRCADDR, src), A(DSTADDR, dst), \
     N(SRCPORT, sp), N(DSTPORT, dp), N(PROTOCOL, proto), N(PACKETS, pk), N(BYTES, by),           \
     N(START, st), N(END, en), N(ACTION, FST_ACTION_##act), N(LOG_STATUS, FST_STATUS_##stat),     \
     XEND}
/* Default v2 NODATA/SKIPDATA record (doc section 3.2). */
#define V2ND(acct, eni, st, en, stat)                                                            \
    {N(VERSION, 2), I(ACCOUNT_ID, acct), I(INTERFACE_ID, eni), D(SRCADDR), D(DSTADDR),            \
     D(SRCPORT), D(DSTPORT), D(PROTOCOL), D(PACKETS), D(BYTES), N(START, st), N(END, en),        \
     D(ACTION), N(LOG_STATUS, FST_STATUS_##stat), XEND}

/* One fixture file: its expected records and line accounting. */
typedef struct fixture {
    const char *file;  /* under fixtures-real/aws-docs/ */
    const xf (*recs)[32];
    int nrecs;
    unsigned lines, ignored, records, nodata, skipdata;
} fixture;

typedef struct tally {
    unsigned lines, ignored, headers, records, nodata, skipdata, skipped;
    int first_err;
    char first_why[160];
} tally;

/* Read the "# format:" line of an aws-docs file, then feed every line to a
 * parser using it, checking records in order.  Skips when ../shared is
 * not there. */
static void run_fixture(const fixture *fx, tally *t)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/fixtures-real/aws-docs/%s", FST_SHARED_DIR, fx->file);
    FILE *fp = fopen(path, "r");
    if (!fp)
        cr_skip_test("%s not found: the shared fixtures (../shared) are absent", path);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    fst__parser *p = fst__parser_new();
    cr_assert_not_null(p);
    fst__parser_file_begin(p, fx->file);
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    memset(t, 0, sizeof *t);
    int nrec = 0;
    while ((n = getline(&line, &cap, fp)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        t->lines++;
        static const char key[] = "# format: ";
        if (strncmp(line, key, sizeof key - 1) == 0)
            cr_assert_eq(fst__parser_set_fields(p, line + sizeof key - 1), 0, "%s format", fx->file);
        const char *why = NULL;
        int rc = fst__parser_line(p, line, (size_t)n, t->lines, &rec, &why);
        if (rc == FST__LINE_IGNORED) {
            t->ignored++;
        } else if (rc == FST__LINE_HEADER) {
            t->headers++;
        } else if (rc == FST__LINE_RECORD) {
            if (rec.status == FST_STATUS_NODATA)
                t->nodata++;
            else if (rec.status == FST_STATUS_SKIPDATA)
                t->skipdata++;
            else
                t->records++;
            cr_expect_eq(rec.line, t->lines);
            cr_expect_eq(rec.export_ms, -1);
            cr_expect_str_eq(rec.file, fx->file);
            if (nrec < fx->nrecs) {
                char what[128];
                snprintf(what, sizeof what, "%s record %d", fx->file, nrec + 1);
                check_record(p, &rec, fx->recs[nrec], what);
            }
            nrec++;
        } else {
            if (t->skipped++ == 0) {
                t->first_err = rc;
                snprintf(t->first_why, sizeof t->first_why, "%s", why ? why : "");
            }
        }
    }
    free(line);
    fclose(fp);
    fst__parser_free(p);
    cr_expect_eq(nrec, fx->nrecs, "%s: record count", fx->file);
    cr_expect_eq(t->lines, fx->lines, "%s: lines", fx->file);
    cr_expect_eq(t->ignored, fx->ignored, "%s: ignored", fx->file);
    cr_expect_eq(t->records, fx->records, "%s: OK records", fx->file);
    cr_expect_eq(t->nodata, fx->nodata, "%s: NODATA", fx->file);
    cr_expect_eq(t->skipdata, fx->skipdata, "%s: SKIPDATA", fx->file);
    /* the accounting identity */
    cr_expect_eq(t->lines, t->records + t->nodata + t->skipdata + t->headers + t->ignored +
                               t->skipped,
                 "%s: lines = records + nodata + skipdata + headers + ignored + skipped",
                 fx->file);
}

#define ENI1235 "eni-1235b8ca123456789"
#define ACCT "123456789010"

/* ---- aws-docs fixtures ----------------------------------------------- */

static const xf accepted_rejected[][32] = {
    V2(ACCT, ENI1235, "172.31.16.139", "172.31.16.21", 20641, 22, 6, 20, 4249, 1418530010,
       1418530070, ACCEPT, OK),
    V2(ACCT, ENI1235, "172.31.9.69", "172.31.9.12", 49761, 3389, 6, 20, 4249, 1418530010,
       1418530070, REJECT, OK),
};

Test(aws_docs, accepted_rejected)
{
    fixture fx = {"accepted-rejected.log", accepted_rejected, 2, 4, 2, 2, 0, 0};
    tally t;
    run_fixture(&fx, &t);
    cr_expect_eq(t.skipped, 0);
}

static const xf nodata_skipdata[][32] = {
    V2ND(ACCT, ENI1235, 1431280876, 1431280934, NODATA),
    V2ND(ACCT, "eni-11111111aaaaaaaaa", 1431280876, 1431280934, SKIPDATA),
};

Test(aws_docs, nodata_skipdata)
{
    fixture fx = {"nodata-skipdata.log", nodata_skipdata, 2, 4, 2, 0, 1, 1};
    tally t;
    run_fixture(&fx, &t);
    cr_expect_eq(t.skipped, 0);
}

static const xf sg_nacl_icmp[][32] = {
    V2(ACCT, ENI1235, "203.0.113.12", "172.31.16.139", 0, 0, 1, 4, 336, 1432917027, 1432917142,
       ACCEPT, OK),
    V2(ACCT, ENI1235, "172.31.16.139", "203.0.113.12", 0, 0, 1, 4, 336, 1432917094, 1432917142,
       REJECT, OK),
};

Test(aws_docs, sg_nacl_icmp)
{
    fixture fx = {"sg-nacl-icmp.log", sg_nacl_icmp, 2, 4, 2, 2, 0, 0};
    tally t;
    run_fixture(&fx, &t);
    cr_expect_eq(t.skipped, 0);
}

static const xf ipv6_recs[][32] = {
    V2(ACCT, ENI1235, "2001:db8:1234:a100:8d6e:3477:df66:f105",
       "2001:db8:1234:a102:3304:8879:34cf:4071", 34892, 22, 6, 54, 8855, 1477913708, 1477913820,
       ACCEPT, OK),
};

Test(aws_docs, ipv6)
{
    fixture fx = {"ipv6.log", ipv6_recs, 1, 3, 2, 1, 0, 0};
    tally t;
    run_fixture(&fx, &t);
    cr_expect_eq(t.skipped, 0);
}

static const xf historical[][32] = {
    V2(ACCT, "eni-abc123de", "172.31.16.139", "172.31.16.21", 20641, 22, 6, 20, 4249, 1418530010,
       1418530070, ACCEPT, OK),
    V2(ACCT, "eni-abc123de", "172.31.9.69", "172.31.9.12", 49761, 3389, 6, 20, 4249, 1418530010,
       1418530070, REJECT, OK),
    V2ND(ACCT, "eni-1a2b3c4d", 1431280876, 1431280934, NODATA),
    V2ND(ACCT, "eni-4b118871", 1431280876, 1431280934, SKIPDATA),
    V2(ACCT, "eni-1235b8ca", "203.0.113.12", "172.31.16.139", 0, 0, 1, 4, 336, 1432917027,
       1432917142, ACCEPT, OK),
    V2(ACCT, "eni-1235b8ca", "172.31.16.139", "203.0.113.12", 0, 0, 1, 4, 336, 1432917094,
       1432917142, REJECT, OK),
    V2(ACCT, "eni-f41c42bf", "2001:db8:1234:a100:8d6e:3477:df66:f105",
       "2001:db8:1234:a102:3304:8879:34cf:4071", 34892, 22, 6, 54, 8855, 1477913708, 1477913820,
       ACCEPT, OK),
};

Test(aws_docs, historical_2019)
{
    fixture fx = {"historical-2019.log", historical, 7, 10, 3, 5, 1, 1};
    tally t;
    run_fixture(&fx, &t);
    cr_expect_eq(t.skipped, 0);
}

/* tcp-flags.log: the client 52.213.180.42 talks to the server 10.0.0.62:5001;
 * pkt-* equal the plain addresses; bytes comes BEFORE packets. */
#define CLI "52.213.180.42"
#define SRV "10.0.0.62"
#define TF(src, dst, sp, dp, by, pk, st, en, fl)                                                 \
    {N(VERSION, 3), I(VPC_ID, "vpc-abcdefab012345678"), I(SUBNET_ID, "subnet-aaaaaaaa012345678"), \
     I(INSTANCE_ID, "i-01234567890123456"), I(INTERFACE_ID, ENI1235), I(ACCOUNT_ID, ACCT),        \
     N(TYPE, FST_IPTYPE_IPV4), A(SRCADDR, src), A(DSTADDR, dst), N(SRCPORT, sp), N(DSTPORT, dp),  \
     A(PKT_SRCADDR, src), A(PKT_DSTADDR, dst), N(PROTOCOL, 6), N(BYTES, by), N(PACKETS, pk),      \
     N(START, st), N(END, en), N(ACTION, FST_ACTION_ACCEPT), N(TCP_FLAGS, fl),                    \
     N(LOG_STATUS, FST_STATUS_OK), XEND}

static const xf tcp_flags[][32] = {
    TF(CLI, SRV, 43416, 5001, 568, 8, 1566848875, 1566848933, 2),
    TF(SRV, CLI, 5001, 43416, 376, 7, 1566848875, 1566848933, 18),
    TF(CLI, SRV, 43418, 5001, 100701, 70, 1566848875, 1566848933, 2),
    TF(SRV, CLI, 5001, 43418, 632, 12, 1566848875, 1566848933, 18),
    TF(SRV, CLI, 5001, 43418, 63388, 1219, 1566848933, 1566849113, 1),
    TF(CLI, SRV, 43418, 5001, 23294588, 15774, 1566848933, 1566849113, 1),
    TF(CLI, SRV, 43638, 5001, 1260, 17, 1566933133, 1566933193, 3),
    TF(SRV, CLI, 5001, 43638, 967, 14, 1566933133, 1566933193, 19), /* the doubled space */
};

Test(aws_docs, tcp_flags)
{
    fixture fx = {"tcp-flags.log", tcp_flags, 8, 14, 6, 8, 0, 0};
    tally t;
    run_fixture(&fx, &t);
    cr_expect_eq(t.skipped, 0, "first problem: %s", t.first_why);
}

#define NAT_ENI "eni-1235b8ca123456789"
#define INST_ENI "eni-1111aaaa2222bbbb3"
#define NAT(inst, eni, s, d, ps, pd)                                                             \
    {inst, I(INTERFACE_ID, eni), A(SRCADDR, s), A(DSTADDR, d), A(PKT_SRCADDR, ps),                \
     A(PKT_DSTADDR, pd), XEND}

static const xf nat_gateway[][32] = {
    NAT(D(INSTANCE_ID), NAT_ENI, "10.0.1.5", "10.0.0.220", "10.0.1.5", "203.0.113.5"),
    NAT(D(INSTANCE_ID), NAT_ENI, "10.0.0.220", "203.0.113.5", "10.0.0.220", "203.0.113.5"),
    NAT(D(INSTANCE_ID), NAT_ENI, "203.0.113.5", "10.0.0.220", "203.0.113.5", "10.0.0.220"),
    NAT(D(INSTANCE_ID), NAT_ENI, "10.0.0.220", "10.0.1.5", "203.0.113.5", "10.0.1.5"),
    NAT(I(INSTANCE_ID, "i-01234567890123456"), INST_ENI, "10.0.1.5", "203.0.113.5", "10.0.1.5",
        "203.0.113.5"),
    NAT(I(INSTANCE_ID, "i-01234567890123456"), INST_ENI, "203.0.113.5", "10.0.1.5",
        "203.0.113.5", "10.0.1.5"),
};

Test(aws_docs, nat_gateway)
{
    /* No log-status column: every record counts as OK. */
    fixture fx = {"nat-gateway.log", nat_gateway, 6, 16, 10, 6, 0, 0};
    tally t;
    run_fixture(&fx, &t);
    cr_expect_eq(t.skipped, 0);
}

#define TGW(eni, subnet, inst, s, d, sp, dp, fl, ps, pd)                                         \
    {N(VERSION, 3), I(INTERFACE_ID, eni), I(ACCOUNT_ID, ACCT), I(VPC_ID, "vpc-abcdefab012345678"), \
     I(SUBNET_ID, subnet), inst, A(SRCADDR, s), A(DSTADDR, d), N(SRCPORT, sp), N(DSTPORT, dp),    \
     N(PROTOCOL, 6), N(TCP_FLAGS, fl), N(TYPE, FST_IPTYPE_IPV4), A(PKT_SRCADDR, ps),              \
     A(PKT_DSTADDR, pd), N(ACTION, FST_ACTION_ACCEPT), N(LOG_STATUS, FST_STATUS_OK), XEND}

static const xf transit_gateway[][32] = {
    TGW("eni-33333333333333333", "subnet-22222222bbbbbbbbb", I(INSTANCE_ID, "i-01234567890123456"),
        "10.20.33.164", "10.40.2.236", 39812, 80, 3, "10.20.33.164", "10.40.2.236"),
    TGW("eni-33333333333333333", "subnet-22222222bbbbbbbbb", I(INSTANCE_ID, "i-01234567890123456"),
        "10.40.2.236", "10.20.33.164", 80, 39812, 19, "10.40.2.236", "10.20.33.164"),
    TGW("eni-11111111111111111", "subnet-11111111aaaaaaaaa", D(INSTANCE_ID), "10.40.1.175",
        "10.40.2.236", 39812, 80, 3, "10.20.33.164", "10.40.2.236"),
    TGW("eni-22222222222222222", "subnet-22222222bbbbbbbbb", D(INSTANCE_ID), "10.40.2.236",
        "10.40.2.31", 80, 39812, 19, "10.40.2.236", "10.20.33.164"),
};

Test(aws_docs, transit_gateway)
{
    fixture fx = {"transit-gateway.log", transit_gateway, 4, 9, 5, 4, 0, 0};
    tally t;
    run_fixture(&fx, &t);
    cr_expect_eq(t.skipped, 0);
}

static const xf traffic_path[][32] = {
    {N(VERSION, 5), A(SRCADDR, "52.95.128.179"), A(DSTADDR, "10.0.0.71"), N(SRCPORT, 80),
     N(DSTPORT, 34210), N(PROTOCOL, 6), N(START, 1616729292), N(END, 1616729349),
     N(TYPE, FST_IPTYPE_IPV4), N(PACKETS, 14), N(BYTES, 15044), I(ACCOUNT_ID, "123456789012"),
     I(VPC_ID, "vpc-abcdefab012345678"), I(SUBNET_ID, "subnet-aaaaaaaa012345678"),
     I(INSTANCE_ID, "i-0c50d5961bcb2d47b"), I(INTERFACE_ID, ENI1235),
     I(REGION, "ap-southeast-2"), I(AZ_ID, "apse2-az3"), D(SUBLOCATION_TYPE),
     D(SUBLOCATION_ID), N(ACTION, FST_ACTION_ACCEPT), N(TCP_FLAGS, 19),
     A(PKT_SRCADDR, "52.95.128.179"), A(PKT_DSTADDR, "10.0.0.71"), T(PKT_SRC_AWS_SERVICE, "S3"),
     D(PKT_DST_AWS_SERVICE), D(TRAFFIC_PATH), N(FLOW_DIRECTION, FST_DIR_INGRESS),
     N(LOG_STATUS, FST_STATUS_OK), XEND},
    {N(VERSION, 5), A(SRCADDR, "10.0.0.71"), A(DSTADDR, "52.95.128.179"), N(SRCPORT, 34210),
     N(DSTPORT, 80), N(PROTOCOL, 6), N(START, 1616729292), N(END, 1616729349),
     N(TYPE, FST_IPTYPE_IPV4), N(PACKETS, 7), N(BYTES, 471), I(ACCOUNT_ID, "123456789012"),
     I(VPC_ID, "vpc-abcdefab012345678"), I(SUBNET_ID, "subnet-aaaaaaaa012345678"),
     I(INSTANCE_ID, "i-0c50d5961bcb2d47b"), I(INTERFACE_ID, ENI1235),
     I(REGION, "ap-southeast-2"), I(AZ_ID, "apse2-az3"), D(SUBLOCATION_TYPE),
     D(SUBLOCATION_ID), N(ACTION, FST_ACTION_ACCEPT), N(TCP_FLAGS, 3),
     A(PKT_SRCADDR, "10.0.0.71"), A(PKT_DSTADDR, "52.95.128.179"), D(PKT_SRC_AWS_SERVICE),
     T(PKT_DST_AWS_SERVICE, "S3"), N(TRAFFIC_PATH, 8), N(FLOW_DIRECTION, FST_DIR_EGRESS),
     N(LOG_STATUS, FST_STATUS_OK), XEND},
};

Test(aws_docs, traffic_path)
{
    fixture fx = {"traffic-path.log", traffic_path, 2, 5, 3, 2, 0, 0};
    tally t;
    run_fixture(&fx, &t);
    cr_expect_eq(t.skipped, 0);
}

/* Not a VPC flow log: its format names mostly unknown columns (kept as
 * raw text), version is written "2.0", protocol "TCP"; vpc_id is the known
 * vpc-id in underscore spelling. */
static const xf global_accelerator[][32] = {
    {N(VERSION, 2), U(1, "071855492661"), U(2, "ad530208-6600-4e87-9706-1f89a7e36abc"),
     U(3, "139.162.106.181"), U(4, "37760"), U(5, "75.2.76.16"), U(6, "80"),
     U(7, "172.31.21.192"), U(8, "80"), N(PROTOCOL, 6), U(10, "IPV4"), N(PACKETS, 0),
     N(BYTES, 0), U(13, "1580605194"), U(14, "1580605204"), N(ACTION, FST_ACTION_ACCEPT),
     N(LOG_STATUS, FST_STATUS_OK), U(17, "-"), U(18, "0"), U(19, "ap-northeast-1"),
     U(20, "NRT57-2"), U(21, "INGRESS"), I(VPC_ID, "vpc-0f24e33eec64ec958"), XEND},
};

Test(aws_docs, global_accelerator)
{
    fixture fx = {"global-accelerator.log", global_accelerator, 1, 6, 5, 1, 0, 0};
    tally t;
    run_fixture(&fx, &t);
    cr_expect_eq(t.skipped, 0, "first problem: %s", t.first_why);
}

Test(record, version_major_dot_zero_only)
{
    fst__parser *p = new_parser("${version} ${srcaddr}");
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    lineres r = parse(p, "1.00 10.0.0.1", 1, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD, "why: %s", r.why);
    cr_expect_eq(rec.num[FST_F_VERSION], 1);
    r = parse(p, "2.1 10.0.0.1", 2, &rec);
    cr_expect_eq(r.rc, FST_ENUMBER);
    cr_expect_str_eq(r.why, "version: \"2.1\" is not a number");
    cr_expect_eq(parse(p, "2. 10.0.0.1", 3, &rec).rc, FST_ENUMBER);
    cr_expect_eq(parse(p, ".0 10.0.0.1", 4, &rec).rc, FST_ENUMBER);
    fst__parser_free(p);
}

/* ---- line kinds ------------------------------------------------------ */


Test(record, blank_and_comment_lines_are_ignored)
{
    fst__parser *p = new_parser(NULL);
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    cr_expect_eq(parse(p, "", 1, &rec).rc, FST__LINE_IGNORED);
    cr_expect_eq(parse(p, "   ", 2, &rec).rc, FST__LINE_IGNORED);
    cr_expect_eq(parse(p, " \t ", 3, &rec).rc, FST__LINE_IGNORED);
    cr_expect_eq(parse(p, "# format: ${version}", 4, &rec).rc, FST__LINE_IGNORED);
    cr_expect_eq(parse(p, "  # indented comment", 5, &rec).rc, FST__LINE_IGNORED);
    fst__parser_free(p);
}

Test(record, default_layout_values)
{
    fst__parser *p = new_parser(NULL);
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    lineres r = parse(p, LINE_V2, 7, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD, "why: %s", r.why);
    cr_expect_eq(rec.line, 7);
    cr_expect_str_eq(rec.file, "test.log");
    cr_expect_eq(rec.status, FST_STATUS_OK);
    cr_expect_eq(rec.export_ms, -1);
    cr_expect_eq(rec.num[FST_F_SRCPORT], 20641);
    cr_expect_eq(rec.num[FST_F_BYTES], 4249);
    cr_expect_eq(rec.num[FST_F_PACKETS], 20);
    expect_addr(&rec, FST_A_SRC, "172.31.16.139");
    expect_addr(&rec, FST_A_DST, "172.31.16.21");
    cr_expect_eq(rec.format->ncols, 14);
    cr_expect_eq(rec.cols[12].len, 6);
    cr_expect_eq(memcmp(rec.cols[12].ptr, "ACCEPT", 6), 0);
    cr_expect_neq(rec.eni, 0);
    cr_expect_eq(rec.dash.w[0] | rec.dash.w[1], 0);
    fst__parser_free(p);
}

Test(record, interning_is_stable)
{
    fst__parser *p = new_parser(NULL);
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    cr_assert_eq(parse(p, LINE_V2, 1, &rec).rc, FST__LINE_RECORD);
    const char *eni1 = rec.ids[FST_F_INTERFACE_ID];
    uint32_t id1 = rec.eni;
    cr_assert_eq(parse(p, "2 123456789010 eni-0000000000000000b 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK", 2, &rec).rc,
                 FST__LINE_RECORD);
    cr_expect_neq(rec.eni, id1);
    cr_expect_neq(rec.eni, 0);
    cr_expect_str_eq(rec.ids[FST_F_INTERFACE_ID], "eni-0000000000000000b");
    cr_assert_eq(parse(p, LINE_V2, 3, &rec).rc, FST__LINE_RECORD);
    cr_expect_eq(rec.ids[FST_F_INTERFACE_ID], eni1, "same string, same pointer");
    cr_expect_eq(rec.eni, id1);
    uint32_t id = 0;
    cr_expect_eq(fst__parser_intern(p, "eni-1235b8ca123456789", 21, &id), eni1);
    cr_expect_eq(id, id1);
    fst__parser_free(p);
}

Test(record, runs_of_spaces_but_not_tabs)
{
    fst__parser *p = new_parser(NULL);
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    lineres r = parse(p, "  2 123456789010 eni-1235b8ca123456789  172.31.16.139 172.31.16.21 20641   22 6 20 4249 1418530010 1418530070 ACCEPT OK  ", 1, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD, "why: %s", r.why);
    cr_expect_eq(rec.num[FST_F_DSTPORT], 22);
    expect_addr(&rec, FST_A_SRC, "172.31.16.139");

    r = parse(p, "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641\t22 6 20 4249 1418530010 1418530070 ACCEPT OK", 2, &rec);
    cr_expect_eq(r.rc, FST_EFIELDS);
    cr_expect_str_eq(r.why, "14 fields expected, 13 found");
    fst__parser_free(p);
}

Test(record, wrong_field_count)
{
    fst__parser *p = new_parser(NULL);
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    lineres r = parse(p, "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT", 1, &rec);
    cr_expect_eq(r.rc, FST_EFIELDS);
    cr_expect_str_eq(r.why, "14 fields expected, 13 found");
    r = parse(p, LINE_V2 " extra more", 2, &rec);
    cr_expect_eq(r.rc, FST_EFIELDS);
    cr_expect_str_eq(r.why, "14 fields expected, 16 found");
    fst__parser_free(p);
}

static void expect_bad(fst__parser *p, const char *line, int err, const char *why)
{
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    lineres r = parse(p, line, 1, &rec);
    cr_expect_eq(r.rc, err, "%s -> %d (%s)", line, r.rc, r.why);
    cr_expect_str_eq(r.why, why);
}

Test(record, bad_values_name_the_field)
{
    fst__parser *p = new_parser(NULL);
    expect_bad(p, "2 123456789010 eni-1 172.31.16.139 172.31.16.21 70000 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
               FST_ERANGE, "srcport: \"70000\" out of range");
    expect_bad(p, "2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 65536 6 20 4249 1418530010 1418530070 ACCEPT OK",
               FST_ERANGE, "dstport: \"65536\" out of range");
    expect_bad(p, "2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 20 18446744073709551616 1418530010 1418530070 ACCEPT OK",
               FST_ERANGE, "bytes: \"18446744073709551616\" out of range");
    expect_bad(p, "2 123456789010 eni-1 172.31.16.256 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
               FST_EADDR, "srcaddr: \"172.31.16.256\" is not an IP address");
    expect_bad(p, "2 123456789010 eni-1 172.31.16.139 2001:db8:::1 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
               FST_EADDR, "dstaddr: \"2001:db8:::1\" is not an IP address");
    expect_bad(p, "2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 2x 4249 1418530010 1418530070 ACCEPT OK",
               FST_ENUMBER, "packets: \"2x\" is not a number");
    expect_bad(p, "2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 MAYBE OK",
               FST_EVALUE, "action: \"MAYBE\" is not a known value");
    expect_bad(p, "2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT FINE",
               FST_EVALUE, "log-status: \"FINE\" is not a known value");
    expect_bad(p, "2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 300 20 4249 1418530010 1418530070 ACCEPT OK",
               FST_ERANGE, "protocol: \"300\" out of range");
    /* AWS's end is the window's last packet second, never before its
     * start: end 1418530009 < start 1418530010 is corrupt; end == start
     * (one second of traffic) and a NODATA record's "-" times are fine */
    expect_bad(p, "2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530009 ACCEPT OK",
               FST_EVALUE, "end: \"1418530009\" is before start (1418530010)");
    {
        fst_record rec;
        memset(&rec, 0, sizeof rec);
        lineres r = parse(p, "2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530010 ACCEPT OK", 1, &rec);
        cr_expect_eq(r.rc, FST__LINE_RECORD, "%s", r.why);
        memset(&rec, 0, sizeof rec);
        r = parse(p, "2 123456789010 eni-1 - - - - - - - 1418530010 - - NODATA", 1, &rec);
        cr_expect_eq(r.rc, FST__LINE_RECORD, "%s", r.why);
    }
    /* the first bad column is the one reported */
    expect_bad(p, "x 123456789010 eni-1 bad 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
               FST_ENUMBER, "version: \"x\" is not a number");
    /* long values are cut */
    expect_bad(p, "2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 20 1234567890123456789012345678901234567890123456789 1418530010 1418530070 ACCEPT OK",
               FST_ERANGE, "bytes: \"1234567890123456789012345678901234567...\" out of range");
    fst__parser_free(p);
}

Test(record, good_line_after_bad_line)
{
    fst__parser *p = new_parser(NULL);
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    cr_expect_eq(parse(p, "2 123456789010 eni-1 - 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 BAD OK", 1, &rec).rc,
                 FST_EVALUE);
    lineres r = parse(p, LINE_V2, 2, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD);
    cr_expect_eq(rec.dash.w[0] | rec.dash.w[1], 0, "no dash left over from the bad line");
    expect_addr(&rec, FST_A_SRC, "172.31.16.139");
    cr_expect_eq(rec.num[FST_F_ACTION], FST_ACTION_ACCEPT);
    fst__parser_free(p);
}

Test(record, nodata_skipdata_dashes_and_full_values)
{
    fst__parser *p = new_parser(NULL);
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    cr_assert_eq(parse(p, LINE_V2, 1, &rec).rc, FST__LINE_RECORD);
    lineres r = parse(p, "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA", 2, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD, "why: %s", r.why);
    cr_expect_eq(rec.status, FST_STATUS_NODATA);
    cr_expect(FST_FIELDSET_HAS(rec.dash, FST_F_SRCADDR));
    cr_expect(FST_FIELDSET_HAS(rec.dash, FST_F_BYTES));
    cr_expect(FST_FIELDSET_HAS(rec.dash, FST_F_ACTION));
    cr_expect_not(FST_FIELDSET_HAS(rec.dash, FST_F_START));
    cr_expect_eq(rec.addr[FST_A_SRC].family, 0, "previous record's address cleared");
    cr_expect_eq(rec.num[FST_F_SRCPORT], 0);
    cr_expect_eq(rec.num[FST_F_START], 1431280876);
    /* elastic-integrations style: NODATA/SKIPDATA lines with full values */
    r = parse(p, "2 000000000000 eni-1 175.16.199.0 67.43.156.0 63715 3306 6 6 1515 1755678634 1755678662 ACCEPT SKIPDATA", 3, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD, "why: %s", r.why);
    cr_expect_eq(rec.status, FST_STATUS_SKIPDATA);
    cr_expect_eq(rec.num[FST_F_DSTPORT], 3306);
    expect_addr(&rec, FST_A_SRC, "175.16.199.0");
    cr_expect_eq(rec.dash.w[0] | rec.dash.w[1], 0);
    fst__parser_free(p);
}

Test(record, absent_and_dashed_log_status_is_ok)
{
    fst__parser *p = new_parser("${interface-id} ${srcaddr} ${dstaddr}");
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    lineres r = parse(p, "eni-1 10.0.0.1 2001:db8::1", 1, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD, "why: %s", r.why);
    cr_expect_eq(rec.status, FST_STATUS_OK);
    expect_addr(&rec, FST_A_DST, "2001:db8::1");
    cr_expect_eq(rec.addr[FST_A_DST].family, 6);
    cr_expect_null(rec.ids[FST_F_ACCOUNT_ID], "fields absent from the layout read as NULL");
    cr_expect_not(fst_record_has(&rec, FST_F_SRCPORT));
    fst__parser_free(p);

    p = new_parser("${interface-id} ${log-status}");
    r = parse(p, "eni-1 -", 1, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD, "why: %s", r.why);
    cr_expect_eq(rec.status, FST_STATUS_OK);
    cr_expect(FST_FIELDSET_HAS(rec.dash, FST_F_LOG_STATUS));
    fst__parser_free(p);
}

Test(record, dash_interface_id_gives_no_eni)
{
    fst__parser *p = new_parser(NULL);
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    cr_assert_eq(parse(p, LINE_V2, 1, &rec).rc, FST__LINE_RECORD);
    cr_assert_neq(rec.eni, 0);
    lineres r = parse(p, "2 123456789010 - 10.0.0.1 10.0.0.2 1 2 17 1 1 1 2 ACCEPT OK", 2, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD);
    cr_expect_eq(rec.eni, 0);
    cr_expect_null(rec.ids[FST_F_INTERFACE_ID]);
    cr_expect(FST_FIELDSET_HAS(rec.dash, FST_F_INTERFACE_ID));
    cr_expect_eq(rec.num[FST_F_PROTOCOL], 17);
    fst__parser_free(p);
}
