/* tests/test_stitcher.c - known-answer sessions through the public API.
 *
 * Expected values are derived by hand from the records written here and
 * from ../shared/docs/aws-flowlogs.md / seed-flow-logs-deep-dive.txt; see
 * the comment above each test.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowstitch/reader.h"
#include "records_helper.h"

#include "stitcher_rig.h"

TestSuite(stitcher, .init = setup, .fini = teardown);

/* Article example 1: `echo hello_flow_logs | nc 10.0.87.192 10000` from
 * 10.0.87.50 (ephemeral port 44874), VPC flow log in the default format.
 * Client ENI window 1600000000-1600000058, server ENI window 25 s later.
 * Client->server 6 packets / 367 bytes, server->client 4 / 216, each seen
 * at both ENIs.  Delivered server first.  One session, bytes counted once:
 * 367 + 216 = 583 (naive sum 1166).  No flags (v2): port rule, 10000 is a
 * registered port, 44874 ephemeral. */
Test(stitcher, article_example1_netcat)
{
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
    const fst_session *s = &out.s[0];
    ASSERT_EP(s->client_addr, s->client_port, "10.0.87.50", 44874);
    ASSERT_EP(s->server_addr, s->server_port, "10.0.87.192", 10000);
    cr_assert_eq(s->c2s_packets, 6);
    cr_assert_eq(s->c2s_bytes, 367);
    cr_assert_eq(s->s2c_packets, 4);
    cr_assert_eq(s->s2c_bytes, 216);
    cr_assert_eq(s->records, 4);
    cr_assert_eq(s->n_enis, 2);
    cr_assert_str_eq(s->enis[0], "eni-client");
    cr_assert_str_eq(s->enis[1], "eni-server");
    cr_assert_eq(s->first_seen, 1600000000);
    cr_assert_eq(s->last_seen, 1600000083);
    cr_assert_eq(s->basis, FST_BASIS_PORT);
    cr_assert_eq(s->tcp_flags_c2s, -1);
    cr_assert_eq(s->id, 1);
    cr_assert_eq(s->action, FST_SACT_ACCEPT);
    const fst_stitch_stats *x = fst_stitcher_stats(st);
    cr_assert_eq(x->bytes_naive, 1166);
    cr_assert_eq(x->bytes_counted, 583);
    cr_assert_eq(x->packets_counted, 10);
    cr_assert_eq(x->sessions, 1);
    cr_assert_eq(x->by_enis[2], 1);
    cr_assert_eq(x->records_joined, 4);
}

/* Article examples 2 and 3: iperf3 -b 100M -t 300, client ENI A in one AZ,
 * server ENI B in another, 60 s windows, unaligned.  Data flows
 * 1000..1300 (12.5 MB/s).  A's windows start at 990 (record times are the
 * window bounds clipped to traffic), B's at 955 (35 s skew).
 *   A: [990,1050] 50 s = 625e6 B, 4 full windows of 750e6, [1290,1300] 125e6
 *   B: [955,1015] 15 s = 187.5e6, 4 x 750e6, [1255,1300] 45 s = 562.5e6
 * Both sum to 3.75e9 bytes (3.5 GiB in 5 min).  Packets = bytes / 1250:
 * 3,000,000; ACKs back: half the packets, 52 bytes each: 1,500,000 /
 * 78,000,000.  Control connection 42788 -> 5201: opening exchange in
 * A[990,1050] and B[955,1015] (c2s 10/1200, s2c 8/900), results exchange
 * in A[1350,1410] and B[1315,1375] (c2s 6/700, s2c 5/600).
 * Records: data 12 windows x 2 + control 4 windows x 2 = 32; windows:
 * 12 + 2 = 14 (A1350 and B1315 carry only the control connection). */
static void iperf(int secondary)
{
    const char *ca = secondary ? "10.0.1.11" : "10.0.1.10";
    const char *sa = secondary ? "10.0.2.21" : "10.0.2.20";
    const char *cprim = "10.0.1.10", *sprim = "10.0.2.20";
    const int fmt = secondary ? RH_FULL : RH_V2;
    static const int64_t a_t[6][2] = {{1000, 1050}, {1050, 1110}, {1110, 1170},
                                      {1170, 1230}, {1230, 1290}, {1290, 1300}};
    static const uint64_t a_by[6] = {625000000, 750000000, 750000000, 750000000, 750000000, 125000000};
    static const int64_t b_t[6][2] = {{1000, 1015}, {1015, 1075}, {1075, 1135},
                                      {1135, 1195}, {1195, 1255}, {1255, 1300}};
    static const uint64_t b_by[6] = {187500000, 750000000, 750000000, 750000000, 750000000, 562500000};
    for (int i = 5; i >= 0; i--) { /* pushed newest first */
        const int fl_c = i == 0 ? 2 : i == 5 ? 1 : 0, fl_s = i == 0 ? 18 : i == 5 ? 1 : 0;
        const uint64_t ap = a_by[i] / 1250, bp = b_by[i] / 1250;
        /* A egress (c->s) and A ingress (s->c): A's own side shows its primary */
        push(RH(.fmt = fmt, .eni = "eni-a", .src = cprim, .dst = sa, .psrc = ca, .pdst = sa,
                .sp = 42790, .dp = 5201, .pk = ap, .by = a_by[i], .t0 = a_t[i][0], .t1 = a_t[i][1],
                .flags = fl_c));
        push(RH(.fmt = fmt, .eni = "eni-a", .src = sa, .dst = cprim, .psrc = sa, .pdst = ca,
                .sp = 5201, .dp = 42790, .pk = ap / 2, .by = ap / 2 * 52, .t0 = a_t[i][0],
                .t1 = a_t[i][1], .flags = fl_s));
        push(RH(.fmt = fmt, .eni = "eni-b", .src = ca, .dst = sprim, .psrc = ca, .pdst = sa,
                .sp = 42790, .dp = 5201, .pk = bp, .by = b_by[i], .t0 = b_t[i][0], .t1 = b_t[i][1],
                .flags = fl_c));
        push(RH(.fmt = fmt, .eni = "eni-b", .src = sprim, .dst = ca, .psrc = sa, .pdst = ca,
                .sp = 5201, .dp = 42790, .pk = bp / 2, .by = bp / 2 * 52, .t0 = b_t[i][0],
                .t1 = b_t[i][1], .flags = fl_s));
    }
    static const int64_t ctl_t[4][2] = {{990, 1050}, {1350, 1410}, {955, 1015}, {1315, 1375}};
    for (int i = 0; i < 4; i++) {
        const char *eni = i < 2 ? "eni-a" : "eni-b";
        const int open = (i % 2) == 0;
        const int a = i < 2;
        push(RH(.fmt = fmt, .eni = eni, .src = a ? cprim : ca, .dst = a ? sa : sprim, .psrc = ca,
                .pdst = sa, .sp = 42788, .dp = 5201, .pk = open ? 10 : 6, .by = open ? 1200 : 700,
                .t0 = ctl_t[i][0], .t1 = ctl_t[i][1], .flags = open ? 2 : 1));
        push(RH(.fmt = fmt, .eni = eni, .src = a ? sa : sprim, .dst = a ? cprim : ca, .psrc = sa,
                .pdst = ca, .sp = 5201, .dp = 42788, .pk = open ? 8 : 5, .by = open ? 900 : 600,
                .t0 = ctl_t[i][0], .t1 = ctl_t[i][1], .flags = open ? 18 : 1));
    }
}

static void check_iperf(const char *ca, const char *sa, int basis)
{
    cr_assert_eq(out.n, 2);
    /* both start at 955 (B's first window); the key orders control
     * (client port 42788) before data (42790) */
    const fst_session *ctl = &out.s[0], *data = &out.s[1];
    ASSERT_EP(ctl->client_addr, ctl->client_port, ca, 42788);
    ASSERT_EP(ctl->server_addr, ctl->server_port, sa, 5201);
    ASSERT_EP(data->client_addr, data->client_port, ca, 42790);
    ASSERT_EP(data->server_addr, data->server_port, sa, 5201);
    cr_assert_eq(data->c2s_bytes, 3750000000ULL, "counted once, not 7.5e9");
    cr_assert_eq(data->c2s_packets, 3000000);
    cr_assert_eq(data->s2c_packets, 1500000);
    cr_assert_eq(data->s2c_bytes, 78000000);
    cr_assert_eq(data->records, 24);
    cr_assert_eq(data->n_enis, 2);
    cr_assert_eq(data->first_seen, 1000);
    cr_assert_eq(data->last_seen, 1300);
    cr_assert_eq(data->basis, basis);
    cr_assert_eq(ctl->c2s_packets, 16);
    cr_assert_eq(ctl->c2s_bytes, 1900);
    cr_assert_eq(ctl->s2c_packets, 13);
    cr_assert_eq(ctl->s2c_bytes, 1500);
    cr_assert_eq(ctl->records, 8);
    cr_assert_eq(ctl->first_seen, 955);
    cr_assert_eq(ctl->last_seen, 1410);
    cr_assert_eq(ctl->basis, basis);
    const fst_stitch_stats *x = fst_stitcher_stats(st);
    cr_assert_eq(x->records_in, 32);
    cr_assert_eq(x->bytes_counted, 3750000000ULL + 78000000ULL + 1900 + 1500);
    cr_assert_eq(x->bytes_naive, 2 * (3750000000ULL + 78000000ULL + 1900 + 1500));
}

Test(stitcher, article_example2_iperf3_default_format)
{
    iperf(0);
    finish();
    check_iperf("10.0.1.10", "10.0.2.20", FST_BASIS_PORT);
}

/* Example 3: the same test bound to secondary IPs (10.0.1.11 -> 10.0.2.21)
 * in the article's custom S3 format: srcaddr/dstaddr show the ENI's primary
 * on its own side, pkt-* the secondary.  Sessions are keyed and reported by
 * the secondary IPs; tcp-flags give the direction. */
Test(stitcher, article_example3_secondary_ips_pkt_fields)
{
    iperf(1);
    finish();
    check_iperf("10.0.1.11", "10.0.2.21", FST_BASIS_TCP_SYN);
    cr_assert_eq(out.s[1].tcp_flags_c2s, 3, "SYN in the first window, FIN in the last");
    cr_assert_eq(out.s[1].tcp_flags_s2c, 19);
}

/* aws-flowlogs.md 5.5: 8 records at the server ENI (10.0.0.62:5001), client
 * 52.213.180.42; bytes come before packets in that format.
 *   43416: c2s 8 pk / 568 B, s2c 7 / 376               flags 2 / 18
 *   43418: c2s 70+15774 = 15844 pk, 100701+23294588 = 23395289 B;
 *          s2c 12+1219 = 1231 pk, 632+63388 = 64020 B  flags 3 / 19
 *   43638: c2s 17 / 1260, s2c 14 / 967                  flags 3 / 19 */
Test(stitcher, aws_tcp_flags_example)
{
    const char *e = "eni-1235b8ca123456789", *c = "52.213.180.42", *s = "10.0.0.62";
    push(RH(.eni = e, .src = c, .dst = s, .sp = 43416, .dp = 5001, .by = 568, .pk = 8, .t0 = 1566848875, .t1 = 1566848933, .flags = 2));
    push(RH(.eni = e, .src = s, .dst = c, .sp = 5001, .dp = 43416, .by = 376, .pk = 7, .t0 = 1566848875, .t1 = 1566848933, .flags = 18));
    push(RH(.eni = e, .src = c, .dst = s, .sp = 43418, .dp = 5001, .by = 100701, .pk = 70, .t0 = 1566848875, .t1 = 1566848933, .flags = 2));
    push(RH(.eni = e, .src = s, .dst = c, .sp = 5001, .dp = 43418, .by = 632, .pk = 12, .t0 = 1566848875, .t1 = 1566848933, .flags = 18));
    push(RH(.eni = e, .src = s, .dst = c, .sp = 5001, .dp = 43418, .by = 63388, .pk = 1219, .t0 = 1566848933, .t1 = 1566849113, .flags = 1));
    push(RH(.eni = e, .src = c, .dst = s, .sp = 43418, .dp = 5001, .by = 23294588, .pk = 15774, .t0 = 1566848933, .t1 = 1566849113, .flags = 1));
    push(RH(.eni = e, .src = c, .dst = s, .sp = 43638, .dp = 5001, .by = 1260, .pk = 17, .t0 = 1566933133, .t1 = 1566933193, .flags = 3));
    push(RH(.eni = e, .src = s, .dst = c, .sp = 5001, .dp = 43638, .by = 967, .pk = 14, .t0 = 1566933133, .t1 = 1566933193, .flags = 19));
    finish();
    cr_assert_eq(out.n, 3);
    static const uint16_t ports[3] = {43416, 43418, 43638};
    static const uint64_t want[3][4] = {{8, 568, 7, 376},
                                        {15844, 23395289, 1231, 64020},
                                        {17, 1260, 14, 967}};
    static const int flags[3][2] = {{2, 18}, {3, 19}, {3, 19}};
    for (int i = 0; i < 3; i++) {
        const fst_session *x = &out.s[i];
        cr_assert_eq(x->id, (uint64_t)i + 1);
        ASSERT_EP(x->client_addr, x->client_port, c, ports[i]);
        ASSERT_EP(x->server_addr, x->server_port, s, 5001);
        cr_assert_eq(x->basis, FST_BASIS_TCP_SYN);
        cr_assert_eq(x->c2s_packets, want[i][0]);
        cr_assert_eq(x->c2s_bytes, want[i][1]);
        cr_assert_eq(x->s2c_packets, want[i][2]);
        cr_assert_eq(x->s2c_bytes, want[i][3]);
        cr_assert_eq(x->tcp_flags_c2s, flags[i][0]);
        cr_assert_eq(x->tcp_flags_s2c, flags[i][1]);
        cr_assert_eq(x->n_enis, 1);
        cr_assert_str_eq(x->community_id[0] == '1' ? "1" : "x", "1");
    }
    cr_assert_eq(out.s[1].records, 4);
    cr_assert_eq(out.s[1].last_seen, 1566849113);
    cr_assert_eq(fst_stitcher_stats(st)->by_basis[FST_BASIS_TCP_SYN], 3);
}

/* NAT gateway with ports: instance 10.0.1.5:40000 -> 203.0.113.5:443 via
 * NAT ENI (private 10.0.0.220, instance-id "-"), translated port 61000.
 * c2s 10 pk / 1000 B, s2c 20 / 20000 at every observation point.
 * -> the conversation (instance ENI + NAT inside leg, 4 records) and the
 * outside leg 10.0.0.220:61000 <-> 203.0.113.5:443 (2 records) with
 * nat_leg_of = 1; counted bytes 21000, naive 63000. */
Test(stitcher, nat_gateway_with_ports)
{
    const char *inst = "10.0.1.5", *nat = "10.0.0.220", *web = "203.0.113.5";
    push(RH(.eni = "eni-nat", .src = nat, .dst = web, .sp = 61000, .dp = 443, .pk = 10, .by = 1000, .t0 = 130, .t1 = 190, .flags = 3, .hop = 1));
    push(RH(.eni = "eni-nat", .src = web, .dst = nat, .sp = 443, .dp = 61000, .pk = 20, .by = 20000, .t0 = 130, .t1 = 190, .flags = 19, .hop = 1));
    push(RH(.eni = "eni-nat", .src = inst, .dst = nat, .pdst = web, .sp = 40000, .dp = 443, .pk = 10, .by = 1000, .t0 = 130, .t1 = 190, .flags = 3, .hop = 1));
    push(RH(.eni = "eni-nat", .src = nat, .psrc = web, .dst = inst, .sp = 443, .dp = 40000, .pk = 20, .by = 20000, .t0 = 130, .t1 = 190, .flags = 19, .hop = 1));
    push(RH(.eni = "eni-inst", .src = inst, .dst = web, .sp = 40000, .dp = 443, .pk = 10, .by = 1000, .t0 = 100, .t1 = 160, .flags = 3));
    push(RH(.eni = "eni-inst", .src = web, .dst = inst, .sp = 443, .dp = 40000, .pk = 20, .by = 20000, .t0 = 100, .t1 = 160, .flags = 19));
    finish();
    cr_assert_eq(out.n, 2);
    const fst_session *p = &out.s[0], *leg = &out.s[1];
    ASSERT_EP(p->client_addr, p->client_port, inst, 40000);
    ASSERT_EP(p->server_addr, p->server_port, web, 443);
    cr_assert_eq(p->n_enis, 2);
    cr_assert_str_eq(p->enis[0], "eni-inst");
    cr_assert_str_eq(p->enis[1], "eni-nat");
    cr_assert_eq(p->records, 4);
    cr_assert_eq(p->c2s_bytes, 1000);
    cr_assert_eq(p->s2c_bytes, 20000);
    cr_assert_eq(p->nat_leg_of, 0);
    ASSERT_EP(leg->client_addr, leg->client_port, nat, 61000);
    ASSERT_EP(leg->server_addr, leg->server_port, web, 443);
    cr_assert_eq(leg->n_enis, 1);
    cr_assert_eq(leg->records, 2);
    cr_assert_eq(leg->nat_leg_of, p->id);
    const fst_stitch_stats *x = fst_stitcher_stats(st);
    cr_assert_eq(x->nat_legs, 1);
    cr_assert_eq(x->bytes_counted, 21000);
    cr_assert_eq(x->bytes_naive, 63000);
}

/* A rejected port scan: one REJECT SYN per port, no reply (security group).
 * -> one REJECT session per port, the scanner is the client. */
Test(stitcher, rejected_port_scan)
{
    static const uint16_t ports[] = {22, 23, 80, 443, 3389};
    for (int i = 4; i >= 0; i--)
        push(RH(.eni = "eni-x", .src = "198.51.100.7", .dst = "10.0.0.5", .sp = 51515, .dp = ports[i],
                .pk = 1, .by = 44, .t0 = 500, .t1 = 500, .flags = 2, .reject = 1));
    finish();
    cr_assert_eq(out.n, 5);
    for (int i = 0; i < 5; i++) {
        ASSERT_EP(out.s[i].client_addr, out.s[i].client_port, "198.51.100.7", 51515);
        ASSERT_EP(out.s[i].server_addr, out.s[i].server_port, "10.0.0.5", ports[i]);
        cr_assert_eq(out.s[i].action, FST_SACT_REJECT);
        cr_assert_eq(out.s[i].c2s_packets, 1);
        cr_assert_eq(out.s[i].s2c_packets, 0);
        cr_assert_eq(out.s[i].tcp_flags_s2c, -1);
        cr_assert_eq(out.s[i].basis, FST_BASIS_TCP_SYN);
    }
}

/* aws-flowlogs.md 5.3: ping from 203.0.113.12 accepted in, reply rejected
 * out by the stateless NACL -> 1 session, ACCEPT+REJECT; the accepted
 * direction is the request (rule rejected-reply; first-seen would agree:
 * the request starts at 1432917027, the reply at 1432917094). */
Test(stitcher, nacl_rejected_ping_reply)
{
    const char *e = "eni-1235b8ca123456789";
    push(RH(.fmt = RH_V2, .eni = e, .src = "172.31.16.139", .dst = "203.0.113.12", .proto = 1, .pk = 4, .by = 336, .t0 = 1432917094, .t1 = 1432917142, .reject = 1));
    push(RH(.fmt = RH_V2, .eni = e, .src = "203.0.113.12", .dst = "172.31.16.139", .proto = 1, .pk = 4, .by = 336, .t0 = 1432917027, .t1 = 1432917142));
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].action, FST_SACT_MIXED);
    cr_assert_eq(out.s[0].proto, 1);
    ASSERT_EP(out.s[0].client_addr, out.s[0].client_port, "203.0.113.12", 0);
    cr_assert_eq(out.s[0].basis, FST_BASIS_REJECTED_REPLY);
    cr_assert_eq(out.s[0].c2s_bytes, 336);
    cr_assert_eq(out.s[0].s2c_bytes, 336);
    cr_assert_eq(out.s[0].first_seen, 1432917027);
}

/* aws-flowlogs.md 5.7: client 10.20.33.164 -> web server 10.40.2.236:80
 * through a TGW; request crosses eni-111 (srcaddr = TGW ENI IP), response
 * eni-222 (dstaddr = TGW ENI IP).  1 session, 3 ENIs, counted once. */
Test(stitcher, transit_gateway_example)
{
    const char *c = "10.20.33.164", *w = "10.40.2.236";
    push(RH(.eni = "eni-33333333333333333", .src = c, .dst = w, .sp = 39812, .dp = 80, .pk = 5, .by = 400, .t0 = 10, .t1 = 12, .flags = 3));
    push(RH(.eni = "eni-33333333333333333", .src = w, .dst = c, .sp = 80, .dp = 39812, .pk = 4, .by = 900, .t0 = 10, .t1 = 12, .flags = 19));
    push(RH(.eni = "eni-11111111111111111", .src = "10.40.1.175", .psrc = c, .dst = w, .sp = 39812, .dp = 80, .pk = 5, .by = 400, .t0 = 20, .t1 = 22, .flags = 3, .hop = 1));
    push(RH(.eni = "eni-22222222222222222", .src = w, .dst = "10.40.2.31", .pdst = c, .sp = 80, .dp = 39812, .pk = 4, .by = 900, .t0 = 30, .t1 = 32, .flags = 19, .hop = 1));
    finish();
    cr_assert_eq(out.n, 1);
    const fst_session *s = &out.s[0];
    cr_assert_eq(s->n_enis, 3);
    cr_assert_str_eq(s->enis[0], "eni-11111111111111111");
    cr_assert_str_eq(s->enis[1], "eni-22222222222222222");
    cr_assert_str_eq(s->enis[2], "eni-33333333333333333");
    ASSERT_EP(s->client_addr, s->client_port, c, 39812);
    ASSERT_EP(s->server_addr, s->server_port, w, 80);
    cr_assert_eq(s->c2s_bytes, 400);
    cr_assert_eq(s->s2c_bytes, 900);
    cr_assert_eq(s->records, 4);
    cr_assert_eq(fst_stitcher_stats(st)->by_enis[3], 1);
    cr_assert_eq(fst_stitcher_stats(st)->nat_legs, 0, "a TGW hop is not a NAT leg");
}

/* NODATA / SKIPDATA per ENI; a session overlapping a SKIPDATA window of one
 * of its ENIs is incomplete, one outside it is not. */
Test(stitcher, nodata_skipdata)
{
    push(RH(.eni = "eni-b", .status = FST_STATUS_NODATA, .t0 = 0, .t1 = 60));
    push(RH(.eni = "eni-a", .status = FST_STATUS_SKIPDATA, .t0 = 100, .t1 = 160));
    push(RH(.eni = "eni-a", .status = FST_STATUS_NODATA, .t0 = 160, .t1 = 220));
    push(RH(.eni = "eni-a", .src = "10.0.0.1", .dst = "10.0.0.2", .sp = 40000, .dp = 22, .pk = 1, .by = 60, .t0 = 120, .t1 = 130, .flags = 2));
    push(RH(.eni = "eni-a", .src = "10.0.0.1", .dst = "10.0.0.3", .sp = 40000, .dp = 22, .pk = 1, .by = 60, .t0 = 300, .t1 = 310, .flags = 2));
    finish();
    cr_assert_eq(out.n, 2);
    cr_assert_eq(out.s[0].incomplete, 1);
    cr_assert_eq(out.s[1].incomplete, 0);
    const fst_stitch_stats *x = fst_stitcher_stats(st);
    cr_assert_eq(x->records_in, 5);
    cr_assert_eq(x->nodata, 2);
    cr_assert_eq(x->skipdata, 1);
    cr_assert_eq(x->incomplete, 1);
    cr_assert_eq(x->n_enis, 2);
    cr_assert_str_eq(x->enis[0].eni, "eni-a");
    cr_assert_eq(x->enis[0].records, 2);
    cr_assert_eq(x->enis[0].nodata, 1);
    cr_assert_eq(x->enis[0].skipdata, 1);
    cr_assert_str_eq(x->enis[1].eni, "eni-b");
    cr_assert_eq(x->enis[1].nodata, 1);
    cr_assert_eq(x->enis[1].records, 0);
}

/* Output is ordered by first_seen and identical across runs, whatever the
 * push order. */
Test(stitcher, order_independent_of_push_order)
{
    fst_record r[4] = {
        RH(.eni = "eni-a", .src = "10.0.0.1", .dst = "10.0.0.9", .sp = 40001, .dp = 80, .pk = 1, .by = 1, .t0 = 300, .t1 = 300, .flags = 2),
        RH(.eni = "eni-a", .src = "10.0.0.1", .dst = "10.0.0.9", .sp = 40002, .dp = 80, .pk = 1, .by = 2, .t0 = 100, .t1 = 100, .flags = 2),
        RH(.eni = "eni-a", .src = "10.0.0.1", .dst = "10.0.0.9", .sp = 40003, .dp = 80, .pk = 1, .by = 3, .t0 = 200, .t1 = 200, .flags = 2),
        RH(.eni = "eni-a", .src = "10.0.0.1", .dst = "10.0.0.8", .sp = 40004, .dp = 80, .pk = 1, .by = 4, .t0 = 100, .t1 = 100, .flags = 2),
    };
    for (int i = 0; i < 4; i++)
        push(r[i]);
    finish();
    cr_assert_eq(out.n, 4);
    /* t=100: 10.0.0.1:40002 vs 10.0.0.1:40004 -> client port order */
    cr_assert_eq(out.s[0].c2s_bytes, 2);
    cr_assert_eq(out.s[1].c2s_bytes, 4);
    cr_assert_eq(out.s[2].c2s_bytes, 3);
    cr_assert_eq(out.s[3].c2s_bytes, 1);
    char first[4][32];
    for (int i = 0; i < 4; i++)
        memcpy(first[i], out.s[i].community_id, 32);
    fst_stitcher_free(st);
    setup();
    for (int i = 3; i >= 0; i--)
        push(r[i]);
    finish();
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(out.s[i].id, (uint64_t)i + 1);
        cr_assert_eq(memcmp(first[i], out.s[i].community_id, 32), 0);
    }
}

Test(stitcher, config_defaults_and_errors)
{
    fst_stitcher_config c;
    fst_stitcher_config_init(&c);
    cr_assert_eq(c.idle_tcp, 660);
    cr_assert_eq(c.idle_udp, 300);
    cr_assert_geq(c.idle_icmp, 60);
    cr_assert_null(c.meta);
    cr_assert_lt(fst_stitcher_push(st, NULL), 0);
    finish();
    cr_assert_lt(fst_stitcher_finish(st, rh_collect, &out), 0, "finish twice");
    cr_assert_eq(fst_stitcher_stats(st)->sessions, 0);
}

/* Restart the stitcher with ENI metadata (JSON text); returns the table. */
static fst_eni_table *with_metadata(const char *json)
{
    char err[256];
    fst_eni_table *meta = rh_load_meta(json, err, sizeof err);
    cr_assert_not_null(meta, "%s", err);
    fst_stitcher_free(st);
    fst_stitcher_config cfg;
    fst_stitcher_config_init(&cfg);
    cfg.meta = meta;
    st = fst_stitcher_new(&cfg);
    return meta;
}

/* Secondary IPs in the default (v2) format, with ENI metadata: the client
 * ENI (primary 10.0.1.10, secondary 10.0.1.11) talks from its secondary to
 * the server's secondary 10.0.2.21 (primary 10.0.2.20).  Each ENI shows its
 * own primary on its own side and the peer's secondary on the other (§1.6),
 * so the four records only meet through the metadata; the session is
 * reported with the secondary IPs, counted once. */
Test(stitcher, secondary_ips_v2_with_metadata)
{
    fst_eni_table *meta = with_metadata(RH_META_SECONDARIES);
    push(RH(.fmt = RH_V2, .eni = "eni-a", .src = "10.0.1.10", .dst = "10.0.2.21", .sp = 42790, .dp = 5201, .pk = 100, .by = 125000, .t0 = 10, .t1 = 70));
    push(RH(.fmt = RH_V2, .eni = "eni-a", .src = "10.0.2.21", .dst = "10.0.1.10", .sp = 5201, .dp = 42790, .pk = 50, .by = 2600, .t0 = 10, .t1 = 70));
    push(RH(.fmt = RH_V2, .eni = "eni-b", .src = "10.0.1.11", .dst = "10.0.2.20", .sp = 42790, .dp = 5201, .pk = 100, .by = 125000, .t0 = 40, .t1 = 100));
    push(RH(.fmt = RH_V2, .eni = "eni-b", .src = "10.0.2.20", .dst = "10.0.1.11", .sp = 5201, .dp = 42790, .pk = 50, .by = 2600, .t0 = 40, .t1 = 100));
    finish();
    cr_assert_eq(out.n, 1);
    ASSERT_EP(out.s[0].client_addr, out.s[0].client_port, "10.0.1.11", 42790);
    ASSERT_EP(out.s[0].server_addr, out.s[0].server_port, "10.0.2.21", 5201);
    cr_assert_eq(out.s[0].c2s_bytes, 125000);
    cr_assert_eq(out.s[0].s2c_bytes, 2600);
    cr_assert_eq(out.s[0].n_enis, 2);
    cr_assert_eq(out.s[0].records, 4);
    fst_stitcher_free(st);
    st = NULL;
    fst_eni_table_free(meta);
}

/* A ping whose request and reply start in the same second at the one ENI
 * that saw it: nothing says who asked, so the basis is unknown and the
 * endpoints are in canonical order (lower address first). */
Test(stitcher, icmp_tie_is_unknown)
{
    const char *e = "eni-0aaaaaaaaaaaaaaa1";
    push(RH(.fmt = RH_V2, .eni = e, .src = "198.51.100.9", .dst = "10.0.3.12", .proto = 1, .pk = 8, .by = 672, .t0 = 1718000101, .t1 = 1718000108));
    push(RH(.fmt = RH_V2, .eni = e, .src = "10.0.3.12", .dst = "198.51.100.9", .proto = 1, .pk = 8, .by = 672, .t0 = 1718000101, .t1 = 1718000108));
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].basis, FST_BASIS_UNKNOWN);
    ASSERT_EP(out.s[0].client_addr, out.s[0].client_port, "10.0.3.12", 0);
    cr_assert_eq(out.s[0].c2s_bytes + out.s[0].s2c_bytes, 1344);
}

/* A ping answered one second later: the earlier sender is the client. */
Test(stitcher, icmp_first_seen_by_a_second)
{
    const char *e = "eni-0aaaaaaaaaaaaaaa1";
    push(RH(.fmt = RH_V2, .eni = e, .src = "10.0.3.12", .dst = "198.51.100.9", .proto = 1, .pk = 8, .by = 672, .t0 = 1718000102, .t1 = 1718000108));
    push(RH(.fmt = RH_V2, .eni = e, .src = "198.51.100.9", .dst = "10.0.3.12", .proto = 1, .pk = 8, .by = 672, .t0 = 1718000101, .t1 = 1718000108));
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].basis, FST_BASIS_FIRST_SEEN);
    ASSERT_EP(out.s[0].client_addr, out.s[0].client_port, "198.51.100.9", 0);
}


static const char nat_meta[] =
    "{\"NetworkInterfaces\":["
    "{\"NetworkInterfaceId\":\"eni-inst\",\"InterfaceType\":\"interface\",\"PrivateIpAddress\":\"10.0.1.5\","
    "\"PrivateIpAddresses\":[{\"PrivateIpAddress\":\"10.0.1.5\",\"Primary\":true}]},"
    "{\"NetworkInterfaceId\":\"eni-nat\",\"InterfaceType\":\"nat_gateway\",\"PrivateIpAddress\":\"10.0.0.220\","
    "\"RequesterManaged\":true,\"PrivateIpAddresses\":[{\"PrivateIpAddress\":\"10.0.0.220\",\"Primary\":true,"
    "\"Association\":{\"PublicIp\":\"198.51.100.220\"}}]}]}";

/* The NAT gateway's four records in the default format (aws-flowlogs.md 5.6
 * with ports): the inside leg shows the NAT's own IP where the internet host
 * was, the outside leg is translated to source port 61000. */
static void push_nat_legs(void)
{
    push(RH(.fmt = RH_V2, .eni = "eni-nat", .src = "10.0.1.5", .dst = "10.0.0.220", .sp = 40000, .dp = 443, .pk = 10, .by = 1000, .t0 = 100, .t1 = 150));
    push(RH(.fmt = RH_V2, .eni = "eni-nat", .src = "10.0.0.220", .dst = "10.0.1.5", .sp = 443, .dp = 40000, .pk = 20, .by = 20000, .t0 = 100, .t1 = 150));
    push(RH(.fmt = RH_V2, .eni = "eni-nat", .src = "10.0.0.220", .dst = "203.0.113.5", .sp = 61000, .dp = 443, .pk = 10, .by = 1000, .t0 = 100, .t1 = 150));
    push(RH(.fmt = RH_V2, .eni = "eni-nat", .src = "203.0.113.5", .dst = "10.0.0.220", .sp = 443, .dp = 61000, .pk = 20, .by = 20000, .t0 = 100, .t1 = 150));
}

/* Default format + metadata, instance ENI logged too: the inside leg folds
 * into the instance's session, the outside leg is its NAT leg; bytes are
 * the instance's (counted once: 1000 + 20000, not 3x). */
Test(stitcher, nat_default_format_inside_leg_folds)
{
    fst_eni_table *meta = with_metadata(nat_meta);
    push(RH(.fmt = RH_V2, .eni = "eni-inst", .src = "10.0.1.5", .dst = "203.0.113.5", .sp = 40000, .dp = 443, .pk = 10, .by = 1000, .t0 = 110, .t1 = 160));
    push(RH(.fmt = RH_V2, .eni = "eni-inst", .src = "203.0.113.5", .dst = "10.0.1.5", .sp = 443, .dp = 40000, .pk = 20, .by = 20000, .t0 = 110, .t1 = 160));
    push_nat_legs();
    finish();
    const fst_stitch_stats ss = *fst_stitcher_stats(st);
    fst_stitcher_free(st);
    st = NULL;
    fst_eni_table_free(meta);
    cr_assert_eq(out.n, 2);
    /* both start at 100: the leg (client 10.0.0.220) sorts first */
    const int m = out.s[0].nat_leg_of ? 1 : 0;
    ASSERT_EP(out.s[m].client_addr, out.s[m].client_port, "10.0.1.5", 40000);
    ASSERT_EP(out.s[m].server_addr, out.s[m].server_port, "203.0.113.5", 443);
    cr_assert_eq(out.s[m].n_enis, 2);
    cr_assert_eq(out.s[m].records, 4);
    cr_assert_eq(out.s[m].first_seen, 100);
    cr_assert_eq(out.s[m].last_seen, 160);
    cr_assert_eq(out.s[m].c2s_bytes, 1000);
    cr_assert_eq(out.s[m].s2c_bytes, 20000);
    cr_assert_eq(out.s[m].nat_leg_of, 0);
    ASSERT_EP(out.s[!m].client_addr, out.s[!m].client_port, "10.0.0.220", 61000);
    cr_assert_eq(out.s[!m].nat_leg_of, out.s[m].id);
    cr_assert_eq(ss.bytes_counted, 21000);
    cr_assert_eq(ss.bytes_naive, 63000);
    cr_assert_eq(ss.nat_legs, 1);
}

/* Only the NAT gateway is logged: the inside leg is paired with the outside
 * leg and reports the internet host as its server. */
Test(stitcher, nat_default_format_only_nat_logged)
{
    fst_eni_table *meta = with_metadata(nat_meta);
    push_nat_legs();
    finish();
    const uint64_t counted = fst_stitcher_stats(st)->bytes_counted;
    fst_stitcher_free(st);
    st = NULL;
    fst_eni_table_free(meta);
    cr_assert_eq(out.n, 2);
    const int m = out.s[0].nat_leg_of ? 1 : 0;
    ASSERT_EP(out.s[m].client_addr, out.s[m].client_port, "10.0.1.5", 40000);
    ASSERT_EP(out.s[m].server_addr, out.s[m].server_port, "203.0.113.5", 443);
    cr_assert_eq(out.s[m].nat_leg_of, 0);
    cr_assert_eq(out.s[m].c2s_bytes, 1000);
    cr_assert_eq(out.s[m].s2c_bytes, 20000);
    cr_assert_eq(out.s[!m].nat_leg_of, out.s[m].id);
    cr_assert_eq(counted, 21000);
}

/* A one-way attempt nothing answered (default format, no flags): the
 * sender is the client even when its source port looks like a service. */
Test(stitcher, one_way_sender_is_client)
{
    push(RH(.fmt = RH_V2, .eni = "eni-0aaaaaaaaaaaaaaa1", .src = "198.51.100.7", .dst = "10.0.3.12", .sp = 443, .dp = 58030, .pk = 1, .by = 44, .t0 = 100, .t1 = 100, .reject = 1));
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].basis, FST_BASIS_ONE_WAY);
    ASSERT_EP(out.s[0].client_addr, out.s[0].client_port, "198.51.100.7", 443);
}

/* Records whose format carries neither start/end nor packets/bytes (the AWS
 * transit-gateway example format, aws-flowlogs.md 5.7): the session says
 * so instead of reporting time 0 and 0 bytes. */
Test(stitcher, format_without_times_or_counts)
{
    fst_reader_config rc;
    fst_reader_config_init(&rc);
    rc.diag = NULL;
    rc.fields = "${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
                "${protocol} ${tcp-flags} ${action} ${log-status}";
    fst_reader *r = fst_reader_new(&rc);
    static const char text[] = "3 eni-3 10.20.33.164 10.40.2.236 39812 80 6 3 ACCEPT OK\n"
                               "3 eni-3 10.40.2.236 10.20.33.164 80 39812 6 19 ACCEPT OK\n";
    cr_assert_eq(fst_reader_add_mem(r, "tgw", text, sizeof text - 1), 0);
    const fst_record *rec;
    while (fst_reader_next(r, &rec) > 0)
        push(*rec);
    fst_reader_free(r);
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].unknown, FST_SESSION_NO_TIMES | FST_SESSION_NO_COUNTS);
    cr_assert_eq(out.s[0].records, 2);
    cr_assert_eq(out.s[0].basis, FST_BASIS_TCP_SYN);
    ASSERT_EP(out.s[0].client_addr, out.s[0].client_port, "10.20.33.164", 39812);
}
