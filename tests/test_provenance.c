/* tests/test_provenance.c - fst_stitcher_config.provenance and
 * fst_stitcher_record_session: for every record pushed, the session it
 * went to, which side sent it and whether it was counted once.
 *
 * Records are pushed by hand (records_helper.h); ordinal k is the k-th
 * push (0-based).  Every expected answer is derived by hand in the comment
 * above its test from the count-once rule of docs/sessions.md ("Count
 * once": per direction, the sender's egress if logged, else the receiver's
 * ingress, else a stream whose role cannot be told, else a hop) and the
 * NAT rules (docs/sessions.md "NAT gateway legs").
 */
#include <criterion/criterion.h>
#include <string.h>

#include "flowstitch/eni.h"
#include "flowstitch/errors.h"
#include "records_helper.h"

static fst_stitcher *st;
static fst_eni_table *meta;
static rh_out out;

static void open_st(const char *meta_json)
{
    memset(&out, 0, sizeof out);
    fst_stitcher_config cfg;
    fst_stitcher_config_init(&cfg);
    cfg.provenance = 1;
    if (meta_json) {
        char err[256];
        meta = rh_load_meta(meta_json, err, sizeof err);
        cr_assert_not_null(meta, "%s", err);
        cfg.meta = meta;
    }
    st = fst_stitcher_new(&cfg);
    cr_assert_not_null(st);
}

static void teardown(void)
{
    fst_stitcher_free(st);
    fst_eni_table_free(meta);
    st = NULL;
    meta = NULL;
}

TestSuite(provenance, .fini = teardown);

static void push(fst_record r) { cr_assert_eq(fst_stitcher_push(st, &r), 0); }
static void finish(void) { cr_assert_eq(fst_stitcher_finish(st, rh_collect, &out), 0); }

/* Asserts record k went to session id with exactly the flags given. */
static void expect(uint64_t k, uint64_t id, unsigned flags)
{
    uint64_t got_id = 0;
    unsigned got = 0;
    cr_assert_eq(fst_stitcher_record_session(st, k, &got_id, &got), 1, "record %llu: no session",
                 (unsigned long long)k);
    cr_assert_eq(got_id, id, "record %llu: session %llu, want %llu", (unsigned long long)k,
                 (unsigned long long)got_id, (unsigned long long)id);
    cr_assert_eq(got, flags, "record %llu: flags %u, want %u", (unsigned long long)k, got, flags);
}

enum { C2S = FST_REC_C2S, CNT = FST_REC_COUNTED, DUP = FST_REC_DUPLICATE,
       FOLD = FST_REC_FOLDED, LEG = FST_REC_NAT_LEG };

static const char netcat_meta[] =
    "{\"NetworkInterfaces\":["
    "{\"NetworkInterfaceId\":\"eni-client\",\"InterfaceType\":\"interface\",\"PrivateIpAddress\":\"10.0.87.50\","
    "\"PrivateIpAddresses\":[{\"PrivateIpAddress\":\"10.0.87.50\",\"Primary\":true}]},"
    "{\"NetworkInterfaceId\":\"eni-server\",\"InterfaceType\":\"interface\",\"PrivateIpAddress\":\"10.0.87.192\","
    "\"PrivateIpAddresses\":[{\"PrivateIpAddress\":\"10.0.87.192\",\"Primary\":true}]}]}";

/* The seed article's first example (seed-flow-logs-deep-dive.txt:
 * `echo hello_flow_logs | nc 10.0.87.192 10000`), default format, the
 * server ENI's window 25 s after the client's, delivered server first.
 * Metadata says whose address is whose, so each record's role is known:
 *   0 eni-server 10.0.87.50 -> .192  the server's ingress of c2s
 *   1 eni-server .192 -> .50          the server's egress of s2c: COUNTED
 *   2 eni-client .192 -> .50          the client's ingress of s2c
 *   3 eni-client .50 -> .192          the client's egress of c2s: COUNTED
 * One session (id 1), client 10.0.87.50 (port rule: 10000 registered). */
Test(provenance, seed_netcat_sender_egress_counted)
{
    open_st(netcat_meta);
    push(RH(.fmt = RH_V2, .eni = "eni-server", .src = "10.0.87.50", .dst = "10.0.87.192", .sp = 44874,
            .dp = 10000, .pk = 6, .by = 367, .t0 = 1600000025, .t1 = 1600000083));
    push(RH(.fmt = RH_V2, .eni = "eni-server", .src = "10.0.87.192", .dst = "10.0.87.50", .sp = 10000,
            .dp = 44874, .pk = 4, .by = 216, .t0 = 1600000025, .t1 = 1600000083));
    push(RH(.fmt = RH_V2, .eni = "eni-client", .src = "10.0.87.192", .dst = "10.0.87.50", .sp = 10000,
            .dp = 44874, .pk = 4, .by = 216, .t0 = 1600000000, .t1 = 1600000058));
    push(RH(.fmt = RH_V2, .eni = "eni-client", .src = "10.0.87.50", .dst = "10.0.87.192", .sp = 44874,
            .dp = 10000, .pk = 6, .by = 367, .t0 = 1600000000, .t1 = 1600000058));
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].c2s_bytes, 367);
    cr_assert_eq(out.s[0].s2c_bytes, 216);
    expect(0, 1, C2S);
    expect(1, 1, CNT);
    expect(2, 1, 0);
    expect(3, 1, C2S | CNT);
    uint64_t id;
    unsigned fl;
    cr_assert_eq(fst_stitcher_record_session(st, 4, &id, &fl), 0, "past the end");
}

/* The same connection with v5 fields (flow-direction tells egress from
 * ingress without metadata), the client's egress logged twice (two flow
 * logs on one ENI: records 1 and 2 are identical), a NODATA record (3)
 * between them.  Exactly one copy of the duplicate is counted, the other
 * is DUPLICATE; NODATA joins no session; the session has 5 records and
 * counts 367 bytes once. */
Test(provenance, duplicate_counted_once_nodata_none)
{
    open_st(NULL);
    push(RH(.eni = "eni-server", .src = "10.0.87.50", .dst = "10.0.87.192", .sp = 44874, .dp = 10000,
            .pk = 6, .by = 367, .t0 = 1600000025, .t1 = 1600000083, .flags = 3, .fdir = "ingress"));
    for (int i = 0; i < 2; i++)
        push(RH(.eni = "eni-client", .src = "10.0.87.50", .dst = "10.0.87.192", .sp = 44874,
                .dp = 10000, .pk = 6, .by = 367, .t0 = 1600000000, .t1 = 1600000058, .flags = 3,
                .fdir = "egress"));
    push(RH(.eni = "eni-other", .status = FST_STATUS_NODATA, .t0 = 1600000000, .t1 = 1600000060));
    push(RH(.eni = "eni-client", .src = "10.0.87.192", .dst = "10.0.87.50", .sp = 10000, .dp = 44874,
            .pk = 4, .by = 216, .t0 = 1600000000, .t1 = 1600000058, .flags = 19, .fdir = "ingress"));
    push(RH(.eni = "eni-server", .src = "10.0.87.192", .dst = "10.0.87.50", .sp = 10000, .dp = 44874,
            .pk = 4, .by = 216, .t0 = 1600000025, .t1 = 1600000083, .flags = 19, .fdir = "egress"));
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].records, 5);
    cr_assert_eq(out.s[0].c2s_bytes, 367);
    expect(0, 1, C2S);
    uint64_t id1, id2;
    unsigned f1, f2;
    cr_assert_eq(fst_stitcher_record_session(st, 1, &id1, &f1), 1);
    cr_assert_eq(fst_stitcher_record_session(st, 2, &id2, &f2), 1);
    cr_assert_eq(id1, 1);
    cr_assert_eq(id2, 1);
    cr_assert((f1 == (C2S | CNT) && f2 == (C2S | DUP)) || (f2 == (C2S | CNT) && f1 == (C2S | DUP)),
              "one copy counted, one duplicate: %u %u", f1, f2);
    cr_assert_eq(fst_stitcher_record_session(st, 3, &id1, &f1), 0, "NODATA: no session");
    expect(4, 1, 0);
    expect(5, 1, CNT);
}

/* A long connection over three 60-s windows, both ENIs logged (v5, flow
 * direction), pushed newest window first.  Per window k (start 1000 + 60k
 * at the client, +20 s at the server): c2s at the client's egress
 * (counted), c2s at the server's ingress, s2c at the server's egress
 * (counted), s2c at the client's ingress.  One session of 12 records; its
 * counted bytes are 3 x 1000 c2s and 3 x 5000 s2c. */
Test(provenance, long_connection_windows)
{
    open_st(NULL);
    for (int k = 2; k >= 0; k--) {
        const int64_t c = 1000 + 60 * k, s = c + 20;
        const int syn = k == 0 ? 2 : 16, synack = k == 0 ? 18 : 16;
        push(RH(.eni = "eni-c", .src = "10.0.1.5", .dst = "10.0.2.9", .sp = 50000, .dp = 5432,
                .pk = 10, .by = 1000, .t0 = c, .t1 = c + 59, .flags = syn, .fdir = "egress"));
        push(RH(.eni = "eni-s", .src = "10.0.1.5", .dst = "10.0.2.9", .sp = 50000, .dp = 5432,
                .pk = 10, .by = 1000, .t0 = s, .t1 = s + 59, .flags = syn, .fdir = "ingress"));
        push(RH(.eni = "eni-s", .src = "10.0.2.9", .dst = "10.0.1.5", .sp = 5432, .dp = 50000,
                .pk = 20, .by = 5000, .t0 = s, .t1 = s + 59, .flags = synack, .fdir = "egress"));
        push(RH(.eni = "eni-c", .src = "10.0.2.9", .dst = "10.0.1.5", .sp = 5432, .dp = 50000,
                .pk = 20, .by = 5000, .t0 = c, .t1 = c + 59, .flags = synack, .fdir = "ingress"));
    }
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].records, 12);
    cr_assert_eq(out.s[0].c2s_bytes, 3000);
    cr_assert_eq(out.s[0].s2c_bytes, 15000);
    for (int i = 0; i < 12; i++) {
        static const unsigned want[4] = {C2S | CNT, C2S, CNT, 0};
        expect((uint64_t)i, 1, want[i % 4]);
    }
}

static const char nat_meta[] =
    "{\"NetworkInterfaces\":["
    "{\"NetworkInterfaceId\":\"eni-inst\",\"InterfaceType\":\"interface\",\"PrivateIpAddress\":\"10.0.1.5\","
    "\"PrivateIpAddresses\":[{\"PrivateIpAddress\":\"10.0.1.5\",\"Primary\":true}]},"
    "{\"NetworkInterfaceId\":\"eni-nat\",\"InterfaceType\":\"nat_gateway\",\"PrivateIpAddress\":\"10.0.0.220\","
    "\"RequesterManaged\":true,\"PrivateIpAddresses\":[{\"PrivateIpAddress\":\"10.0.0.220\",\"Primary\":true,"
    "\"Association\":{\"PublicIp\":\"198.51.100.220\"}}]}]}";

/* NAT gateway, default format + metadata (aws-flowlogs.md 5.6 with ports):
 *   0, 1  eni-inst: 10.0.1.5:40000 <-> 203.0.113.5:443, the instance's
 *         egress (c2s) and ingress (s2c): the parent session, both counted;
 *   2, 3  eni-nat inside leg 10.0.1.5:40000 <-> 10.0.0.220:443 (the NAT's
 *         own IP where the internet host was): folded into the parent,
 *         never counted (a hop ranks below the instance), c2s / s2c as the
 *         leg was oriented (the instance is its client);
 *   4, 5  eni-nat outside leg 10.0.0.220:61000 <-> 203.0.113.5:443: its own
 *         session, a NAT leg of the parent: nothing counted there.
 * Both sessions start at 100 (the NAT records) and the leg's client
 * 10.0.0.220 sorts before 10.0.1.5: the leg is session 1, the parent 2. */
Test(provenance, nat_inside_leg_folded_outside_leg_own_id)
{
    open_st(nat_meta);
    push(RH(.fmt = RH_V2, .eni = "eni-inst", .src = "10.0.1.5", .dst = "203.0.113.5", .sp = 40000, .dp = 443, .pk = 10, .by = 1000, .t0 = 110, .t1 = 160));
    push(RH(.fmt = RH_V2, .eni = "eni-inst", .src = "203.0.113.5", .dst = "10.0.1.5", .sp = 443, .dp = 40000, .pk = 20, .by = 20000, .t0 = 110, .t1 = 160));
    push(RH(.fmt = RH_V2, .eni = "eni-nat", .src = "10.0.1.5", .dst = "10.0.0.220", .sp = 40000, .dp = 443, .pk = 10, .by = 1000, .t0 = 100, .t1 = 150));
    push(RH(.fmt = RH_V2, .eni = "eni-nat", .src = "10.0.0.220", .dst = "10.0.1.5", .sp = 443, .dp = 40000, .pk = 20, .by = 20000, .t0 = 100, .t1 = 150));
    push(RH(.fmt = RH_V2, .eni = "eni-nat", .src = "10.0.0.220", .dst = "203.0.113.5", .sp = 61000, .dp = 443, .pk = 10, .by = 1000, .t0 = 100, .t1 = 150));
    push(RH(.fmt = RH_V2, .eni = "eni-nat", .src = "203.0.113.5", .dst = "10.0.0.220", .sp = 443, .dp = 61000, .pk = 20, .by = 20000, .t0 = 100, .t1 = 150));
    finish();
    cr_assert_eq(out.n, 2);
    char b[FST_ADDR_STRLEN];
    cr_assert_str_eq(rh_ntoa(&out.s[0].client_addr, b), "10.0.0.220");
    cr_assert_eq(out.s[0].nat_leg_of, 2, "the leg is session 1, of session 2");
    cr_assert_eq(out.s[1].records, 4);
    expect(0, 2, C2S | CNT);
    expect(1, 2, CNT);
    expect(2, 2, C2S | FOLD);
    expect(3, 2, FOLD);
    expect(4, 1, C2S | LEG);
    expect(5, 1, LEG);
}

/* NAT gateway with pkt-* fields (v5): the NAT ENI's inside-leg records
 * carry the real endpoints and join the instance's session by key; the
 * instance's own records rank above the hop, so only they are counted.
 * The outside leg (2 records, own session, nat_leg_of) counts nothing.
 * Push order: 0,1 outside leg; 2,3 inside leg; 4,5 instance.  The
 * instance session starts at 100 (its window), the leg at 130: parent 1,
 * leg 2. */
Test(provenance, nat_with_pkt_fields)
{
    open_st(NULL);
    const char *inst = "10.0.1.5", *nat = "10.0.0.220", *web = "203.0.113.5";
    push(RH(.eni = "eni-nat", .src = nat, .dst = web, .sp = 61000, .dp = 443, .pk = 10, .by = 1000, .t0 = 130, .t1 = 190, .flags = 3, .hop = 1));
    push(RH(.eni = "eni-nat", .src = web, .dst = nat, .sp = 443, .dp = 61000, .pk = 20, .by = 20000, .t0 = 130, .t1 = 190, .flags = 19, .hop = 1));
    push(RH(.eni = "eni-nat", .src = inst, .dst = nat, .pdst = web, .sp = 40000, .dp = 443, .pk = 10, .by = 1000, .t0 = 130, .t1 = 190, .flags = 3, .hop = 1));
    push(RH(.eni = "eni-nat", .src = nat, .psrc = web, .dst = inst, .sp = 443, .dp = 40000, .pk = 20, .by = 20000, .t0 = 130, .t1 = 190, .flags = 19, .hop = 1));
    push(RH(.eni = "eni-inst", .src = inst, .dst = web, .sp = 40000, .dp = 443, .pk = 10, .by = 1000, .t0 = 100, .t1 = 160, .flags = 3));
    push(RH(.eni = "eni-inst", .src = web, .dst = inst, .sp = 443, .dp = 40000, .pk = 20, .by = 20000, .t0 = 100, .t1 = 160, .flags = 19));
    finish();
    cr_assert_eq(out.n, 2);
    cr_assert_eq(out.s[1].nat_leg_of, 1);
    expect(0, 2, C2S | LEG);
    expect(1, 2, LEG);
    expect(2, 1, C2S);
    expect(3, 1, 0);
    expect(4, 1, C2S | CNT);
    expect(5, 1, CNT);
}

/* Off by default: the function says so (FST_EINVAL), before and after
 * finish; on, before finish: FST_EINVAL too. */
Test(provenance, off_or_unfinished_is_einval)
{
    uint64_t id;
    unsigned fl;
    st = fst_stitcher_new(NULL);
    push(RH(.eni = "eni-a", .src = "10.0.0.1", .dst = "10.0.0.2", .sp = 1, .dp = 2, .pk = 1, .by = 1));
    cr_assert_eq(fst_stitcher_finish(st, NULL, NULL), 0);
    cr_assert_eq(fst_stitcher_record_session(st, 0, &id, &fl), FST_EINVAL);
    fst_stitcher_free(st);
    open_st(NULL);
    push(RH(.eni = "eni-a", .src = "10.0.0.1", .dst = "10.0.0.2", .sp = 1, .dp = 2, .pk = 1, .by = 1));
    cr_assert_eq(fst_stitcher_record_session(st, 0, &id, &fl), FST_EINVAL);
}
