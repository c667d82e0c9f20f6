/* tests/test_correlate.c - session boundaries, count-once choice, REJECT
 * handling and direction fallbacks, through the stitcher (src/stitch/
 * correlate.c, correlate/session.c, direction/).  Values derived by hand. */
#include <criterion/criterion.h>
#include <string.h>

#include "account/account.h"
#include "records_helper.h"

#include "stitcher_rig.h"

TestSuite(correlate, .init = setup, .fini = teardown);

/* One short connection (SYN|FIN) seen at both ENIs, ENI s 25 s behind. */
static void short_conn(int64_t t, uint64_t c2s, uint64_t s2c)
{
    const char *c = "10.0.1.5", *s = "10.0.2.9";
    push(RH(.eni = "eni-c", .src = c, .dst = s, .sp = 40000, .dp = 443, .pk = c2s / 100, .by = c2s, .t0 = t, .t1 = t + 60, .flags = 3, .fdir = "egress"));
    push(RH(.eni = "eni-c", .src = s, .dst = c, .sp = 443, .dp = 40000, .pk = s2c / 500, .by = s2c, .t0 = t, .t1 = t + 60, .flags = 19, .fdir = "ingress"));
    push(RH(.eni = "eni-s", .src = c, .dst = s, .sp = 40000, .dp = 443, .pk = c2s / 100, .by = c2s, .t0 = t + 25, .t1 = t + 85, .flags = 3, .fdir = "ingress"));
    push(RH(.eni = "eni-s", .src = s, .dst = c, .sp = 443, .dp = 40000, .pk = s2c / 500, .by = s2c, .t0 = t + 25, .t1 = t + 85, .flags = 19, .fdir = "egress"));
}

/* Port reuse: the same 5-tuple opens again (SYN after FIN) 120 s later, at
 * both ENIs -> 2 sessions of 4 records each, each counted once. */
Test(correlate, port_reuse_two_enis)
{
    short_conn(220, 700, 2500);
    short_conn(100, 500, 1500);
    finish();
    cr_assert_eq(out.n, 2);
    cr_assert_eq(out.s[0].first_seen, 100);
    cr_assert_eq(out.s[0].last_seen, 185);
    cr_assert_eq(out.s[0].records, 4);
    cr_assert_eq(out.s[0].c2s_bytes, 500);
    cr_assert_eq(out.s[0].s2c_bytes, 1500);
    cr_assert_eq(out.s[1].first_seen, 220);
    cr_assert_eq(out.s[1].records, 4);
    cr_assert_eq(out.s[1].c2s_bytes, 700);
    cr_assert_eq(out.s[1].s2c_packets, 5);
    cr_assert_eq(out.s[1].n_enis, 2);
}

/* Without a FIN, a SYN in a later window of the same stream does not split
 * (a retransmitted or merged SYN): one session. */
Test(correlate, syn_without_prior_close_does_not_split)
{
    push(RH(.eni = "eni-c", .src = "10.0.1.5", .dst = "10.0.2.9", .sp = 40000, .dp = 443, .pk = 1, .by = 60, .t0 = 100, .t1 = 100, .flags = 2));
    push(RH(.eni = "eni-c", .src = "10.0.1.5", .dst = "10.0.2.9", .sp = 40000, .dp = 443, .pk = 1, .by = 60, .t0 = 170, .t1 = 170, .flags = 2));
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].c2s_packets, 2);
}

/* Idle: UDP records 990 s apart (> 300 s) -> 2 sessions; 50 s apart -> 1. */
Test(correlate, idle_gap_splits_udp)
{
    const char *a = "10.0.0.5", *b = "10.0.0.53";
    push(RH(.eni = "eni-a", .src = a, .dst = b, .sp = 53000, .dp = 53, .proto = 17, .pk = 1, .by = 70, .t0 = 1000, .t1 = 1010, .noflags = 1));
    push(RH(.eni = "eni-a", .src = b, .dst = a, .sp = 53, .dp = 53000, .proto = 17, .pk = 1, .by = 150, .t0 = 1000, .t1 = 1010, .noflags = 1));
    push(RH(.eni = "eni-a", .src = a, .dst = b, .sp = 53000, .dp = 53, .proto = 17, .pk = 1, .by = 71, .t0 = 2000, .t1 = 2010, .noflags = 1));
    push(RH(.eni = "eni-a", .src = b, .dst = a, .sp = 53, .dp = 53000, .proto = 17, .pk = 1, .by = 151, .t0 = 2000, .t1 = 2010, .noflags = 1));
    finish();
    cr_assert_eq(out.n, 2);
    cr_assert_eq(out.s[0].c2s_bytes, 70);
    cr_assert_eq(out.s[1].c2s_bytes, 71);
    ASSERT_EP(out.s[0].server_addr, out.s[0].server_port, b, 53);
    cr_assert_eq(out.s[0].basis, FST_BASIS_PORT);
}

Test(correlate, windows_50s_apart_stay_one_session)
{
    const char *a = "10.0.0.5", *b = "10.0.0.53";
    for (int i = 0; i < 5; i++) {
        const int64_t t = 1000 + 60 * i; /* gaps of 50 s between records */
        push(RH(.eni = "eni-a", .src = a, .dst = b, .sp = 53000, .dp = 53, .proto = 17, .pk = 1, .by = 100, .t0 = t, .t1 = t + 10, .noflags = 1));
        push(RH(.eni = "eni-b", .src = a, .dst = b, .sp = 53000, .dp = 53, .proto = 17, .pk = 1, .by = 100, .t0 = t + 40, .t1 = t + 50, .noflags = 1));
    }
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].records, 10);
    cr_assert_eq(out.s[0].c2s_bytes, 500, "5 windows counted at one ENI, not 1000");
    cr_assert_eq(out.s[0].s2c_packets, 0);
    cr_assert_eq(out.s[0].n_enis, 2);
}

/* An idle TCP connection: 600 s of silence (< the 660 s default: one
 * 600 s window + 60 s lag) between windows stays one session. */
Test(correlate, long_idle_tcp_not_split)
{
    push(RH(.eni = "eni-a", .src = "10.0.0.5", .dst = "10.0.0.6", .sp = 40000, .dp = 5432, .pk = 3, .by = 180, .t0 = 0, .t1 = 5, .flags = 2));
    push(RH(.eni = "eni-a", .src = "10.0.0.5", .dst = "10.0.0.6", .sp = 40000, .dp = 5432, .pk = 3, .by = 180, .t0 = 605, .t1 = 610, .flags = 0));
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].c2s_bytes, 360);
}

/* 2000 s of silence is longer than the default: two sessions, the second
 * (no SYN of its own) oriented by the service learned from the first. */
Test(correlate, tcp_split_after_idle_default)
{
    push(RH(.eni = "eni-a", .src = "10.0.0.5", .dst = "10.0.0.6", .sp = 40000, .dp = 5432, .pk = 3, .by = 180, .t0 = 0, .t1 = 5, .flags = 2));
    push(RH(.eni = "eni-a", .src = "10.0.0.6", .dst = "10.0.0.5", .sp = 5432, .dp = 40000, .pk = 2, .by = 120, .t0 = 0, .t1 = 5, .flags = 18));
    push(RH(.eni = "eni-a", .src = "10.0.0.5", .dst = "10.0.0.6", .sp = 40000, .dp = 5432, .pk = 3, .by = 180, .t0 = 2005, .t1 = 2010, .flags = 0));
    finish();
    cr_assert_eq(out.n, 2);
    cr_assert_eq(out.s[1].first_seen, 2005);
    cr_assert_eq(out.s[1].basis, FST_BASIS_LEARNED);
    ASSERT_EP(out.s[1].server_addr, out.s[1].server_port, "10.0.0.6", 5432);
}

/* Count once: the sender's egress is preferred over the receiver's ingress
 * even when the ingress claims more bytes. */
Test(correlate, sender_egress_preferred)
{
    push(RH(.eni = "eni-r", .src = "10.0.0.1", .dst = "10.0.0.2", .sp = 40000, .dp = 80, .pk = 11, .by = 1100, .t0 = 10, .t1 = 20, .flags = 2, .fdir = "ingress"));
    push(RH(.eni = "eni-s", .src = "10.0.0.1", .dst = "10.0.0.2", .sp = 40000, .dp = 80, .pk = 10, .by = 1000, .t0 = 5, .t1 = 15, .flags = 2, .fdir = "egress"));
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].c2s_bytes, 1000);
    cr_assert_eq(out.s[0].c2s_packets, 10);
}

/* Two flow logs on one ENI deliver the same record twice: counted once,
 * but both records are listed as merged. */
Test(correlate, exact_duplicates_counted_once)
{
    for (int i = 0; i < 2; i++)
        push(RH(.eni = "eni-a", .src = "10.0.0.1", .dst = "10.0.0.2", .sp = 40000, .dp = 80, .pk = 3, .by = 300, .t0 = 10, .t1 = 20, .flags = 3));
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].c2s_bytes, 300);
    cr_assert_eq(out.s[0].records, 2);
}

/* REJECT after close: a late FIN retransmit from the server, rejected in
 * the next window, joins the closed session (action ACCEPT+REJECT). */
Test(correlate, late_reject_joins_closed_session)
{
    const char *c = "10.0.0.1", *s = "10.0.0.2";
    push(RH(.eni = "eni-s", .src = c, .dst = s, .sp = 40000, .dp = 80, .pk = 5, .by = 500, .t0 = 100, .t1 = 160, .flags = 3));
    push(RH(.eni = "eni-s", .src = s, .dst = c, .sp = 80, .dp = 40000, .pk = 5, .by = 900, .t0 = 100, .t1 = 160, .flags = 19));
    push(RH(.eni = "eni-s", .src = c, .dst = s, .sp = 40000, .dp = 80, .pk = 1, .by = 40, .t0 = 165, .t1 = 165, .flags = 1, .reject = 1));
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].action, FST_SACT_MIXED);
    cr_assert_eq(out.s[0].records, 3);
    cr_assert_eq(out.s[0].c2s_bytes, 540);
}

/* A lone SYN-ACK (scan backscatter): weak evidence, still oriented. */
Test(correlate, lone_synack_is_weak)
{
    push(RH(.eni = "eni-a", .src = "10.0.0.5", .dst = "192.0.2.1", .sp = 443, .dp = 55555, .pk = 1, .by = 44, .t0 = 1, .t1 = 1, .flags = 18));
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].basis, FST_BASIS_TCP_SYNACK_WEAK);
    ASSERT_EP(out.s[0].client_addr, out.s[0].client_port, "192.0.2.1", 55555);
    ASSERT_EP(out.s[0].server_addr, out.s[0].server_port, "10.0.0.5", 443);
    cr_assert_eq(out.s[0].s2c_bytes, 44);
    cr_assert_eq(out.s[0].c2s_packets, 0);
}

/* SYN-ACK with data both ways but the SYN's window missing: tcp-synack. */
Test(correlate, synack_with_reply_is_strong)
{
    push(RH(.eni = "eni-a", .src = "10.0.0.5", .dst = "192.0.2.1", .sp = 443, .dp = 55555, .pk = 4, .by = 4000, .t0 = 1, .t1 = 9, .flags = 18));
    push(RH(.eni = "eni-a", .src = "192.0.2.1", .dst = "10.0.0.5", .sp = 55555, .dp = 443, .pk = 3, .by = 300, .t0 = 1, .t1 = 9, .flags = 0));
    finish();
    cr_assert_eq(out.s[0].basis, FST_BASIS_TCP_SYNACK);
    ASSERT_EP(out.s[0].client_addr, out.s[0].client_port, "192.0.2.1", 55555);
    cr_assert_eq(out.s[0].c2s_bytes, 300);
}

/* Learned service: 10.0.0.9:40500 answered SYN-ACK in one connection; a
 * later connection from 10.0.0.77:33000 without handshake flags (a middle
 * window) is oriented by it, although both ports look ephemeral and the
 * canonical order would put 10.0.0.9 first. */
Test(correlate, learned_service)
{
    const char *srv = "10.0.0.9";
    push(RH(.eni = "eni-a", .src = "10.0.0.5", .dst = srv, .sp = 40001, .dp = 40500, .pk = 1, .by = 60, .t0 = 10, .t1 = 10, .flags = 2));
    push(RH(.eni = "eni-a", .src = srv, .dst = "10.0.0.5", .sp = 40500, .dp = 40001, .pk = 1, .by = 60, .t0 = 10, .t1 = 10, .flags = 18));
    push(RH(.eni = "eni-b", .src = srv, .dst = "10.0.0.77", .sp = 40500, .dp = 33000, .pk = 9, .by = 9000, .t0 = 500, .t1 = 560, .flags = 0));
    push(RH(.eni = "eni-b", .src = "10.0.0.77", .dst = srv, .sp = 33000, .dp = 40500, .pk = 5, .by = 300, .t0 = 500, .t1 = 560, .flags = 0));
    finish();
    cr_assert_eq(out.n, 2);
    cr_assert_eq(out.s[0].basis, FST_BASIS_TCP_SYN);
    cr_assert_eq(out.s[1].basis, FST_BASIS_LEARNED);
    ASSERT_EP(out.s[1].client_addr, out.s[1].client_port, "10.0.0.77", 33000);
    ASSERT_EP(out.s[1].server_addr, out.s[1].server_port, srv, 40500);
    cr_assert_eq(out.s[1].c2s_bytes, 300);
    cr_assert_eq(out.s[1].s2c_bytes, 9000);
}

/* Port rule: 10.0.0.200:50000 <-> 10.0.0.3:5432 without flags; the
 * canonical order would make 10.0.0.3 the client. */
Test(correlate, port_rule)
{
    push(RH(.eni = "eni-a", .src = "10.0.0.3", .dst = "10.0.0.200", .sp = 5432, .dp = 50000, .pk = 2, .by = 200, .t0 = 1, .t1 = 2, .flags = 0));
    finish();
    cr_assert_eq(out.s[0].basis, FST_BASIS_PORT);
    ASSERT_EP(out.s[0].client_addr, out.s[0].client_port, "10.0.0.200", 50000);
    cr_assert_eq(out.s[0].s2c_bytes, 200);
}

/* Unknown: UDP between two ephemeral ports; the client is the canonical
 * "lo" endpoint (10.0.0.8:45000) even though 10.0.0.9 was seen first. */
Test(correlate, unknown_keeps_canonical_order)
{
    push(RH(.eni = "eni-a", .src = "10.0.0.9", .dst = "10.0.0.8", .sp = 40000, .dp = 45000, .proto = 17, .pk = 1, .by = 10, .t0 = 1, .t1 = 1, .noflags = 1));
    push(RH(.eni = "eni-a", .src = "10.0.0.8", .dst = "10.0.0.9", .sp = 45000, .dp = 40000, .proto = 17, .pk = 1, .by = 20, .t0 = 5, .t1 = 5, .noflags = 1));
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].basis, FST_BASIS_UNKNOWN);
    ASSERT_EP(out.s[0].client_addr, out.s[0].client_port, "10.0.0.8", 45000);
    cr_assert_eq(out.s[0].c2s_bytes, 20);
}

/* Role of a record at its ENI (count-once ranks). */
Test(correlate, roles)
{
    push(RH(.eni = "eni-nat", .src = "10.0.1.5", .dst = "10.0.0.220", .pdst = "203.0.113.5", .sp = 1, .dp = 2, .hop = 1));
    push(RH(.eni = "eni-i", .src = "10.0.1.5", .dst = "203.0.113.5", .sp = 1, .dp = 2, .fdir = "egress"));
    push(RH(.eni = "eni-i", .src = "203.0.113.5", .dst = "10.0.1.5", .sp = 2, .dp = 1, .fdir = "ingress"));
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].n_enis, 2);
    cr_assert_eq(out.s[0].records, 3);
}
