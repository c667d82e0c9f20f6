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

/* 2000 s of silence is longer than the default idle timeout: a record
 * WITHOUT tcp-flags after it starts a second session (split "idle"), the
 * second (no SYN of its own) oriented by the service learned from the
 * first. */
Test(correlate, tcp_split_after_idle_default)
{
    push(RH(.eni = "eni-a", .src = "10.0.0.5", .dst = "10.0.0.6", .sp = 40000, .dp = 5432, .pk = 3, .by = 180, .t0 = 0, .t1 = 5, .flags = 2));
    push(RH(.eni = "eni-a", .src = "10.0.0.6", .dst = "10.0.0.5", .sp = 5432, .dp = 40000, .pk = 2, .by = 120, .t0 = 0, .t1 = 5, .flags = 18));
    push(RH(.eni = "eni-a", .src = "10.0.0.5", .dst = "10.0.0.6", .sp = 40000, .dp = 5432, .pk = 3, .by = 180, .t0 = 2005, .t1 = 2010, .noflags = 1));
    finish();
    cr_assert_eq(out.n, 2);
    cr_assert_eq(out.s[1].first_seen, 2005);
    cr_assert_eq(out.s[1].basis, FST_BASIS_LEARNED);
    cr_assert_eq(out.s[0].split_basis, FST_SPLIT_NONE);
    cr_assert_eq(out.s[1].split_basis, FST_SPLIT_IDLE);
    ASSERT_EP(out.s[1].server_addr, out.s[1].server_port, "10.0.0.6", 5432);
}

/* One direction pauses, the other goes on (a client streaming to a server
 * that answers only now and then; no tcp-flags): the server's stream is
 * silent 1490 s (> the 660 s default) but the connection is not, so it
 * stays one session.  c2s: 31 windows of 100 B, every 60 s from 0 to 1800;
 * s2c: 500 B at 0 and at 1500.  By hand: 1 session, 33 records, c2s 3100 B,
 * s2c 1000 B, first 0, last 1810. */
Test(correlate, one_direction_pausing_is_no_idle_connection)
{
    const char *a = "10.0.0.5", *b = "10.0.0.6";
    for (int i = 0; i <= 30; i++)
        push(RH(.eni = "eni-a", .src = a, .dst = b, .sp = 40000, .dp = 5432, .pk = 1, .by = 100, .t0 = 60 * i, .t1 = 60 * i + 10, .noflags = 1));
    push(RH(.eni = "eni-b", .src = b, .dst = a, .sp = 5432, .dp = 40000, .pk = 1, .by = 500, .t0 = 0, .t1 = 10, .noflags = 1));
    push(RH(.eni = "eni-b", .src = b, .dst = a, .sp = 5432, .dp = 40000, .pk = 1, .by = 500, .t0 = 1500, .t1 = 1510, .noflags = 1));
    finish();
    cr_assert_eq(out.n, 1, "the pause of one direction split the connection");
    cr_assert_eq(out.s[0].records, 33);
    cr_assert_eq(out.s[0].c2s_bytes, 3100);
    cr_assert_eq(out.s[0].s2c_bytes, 1000);
    cr_assert_eq(out.s[0].first_seen, 0);
    cr_assert_eq(out.s[0].last_seen, 1810);
    cr_assert_eq(out.s[0].split_basis, FST_SPLIT_NONE);
}

/* Both directions silent for longer than the idle timeout (no flags): the
 * connection was idle, so the records after the silence are a second
 * session, at one ENI or seen from two.  c2s at eni-a [0,10] and
 * [2000,2010], s2c at eni-b [5,15] and [2005,2015]: 2 sessions of 2
 * records, the second cut by "idle". */
Test(correlate, both_directions_silent_split)
{
    const char *a = "10.0.0.5", *b = "10.0.0.6";
    for (int k = 0; k < 2; k++) {
        const int64_t t = 2000 * k;
        push(RH(.eni = "eni-a", .src = a, .dst = b, .sp = 40000, .dp = 5432, .pk = 1, .by = 100, .t0 = t, .t1 = t + 10, .noflags = 1));
        push(RH(.eni = "eni-b", .src = b, .dst = a, .sp = 5432, .dp = 40000, .pk = 1, .by = 500, .t0 = t + 5, .t1 = t + 15, .noflags = 1));
    }
    finish();
    cr_assert_eq(out.n, 2);
    cr_assert_eq(out.s[0].records, 2);
    cr_assert_eq(out.s[1].records, 2);
    cr_assert_eq(out.s[1].first_seen, 2000);
    cr_assert_eq(out.s[1].split_basis, FST_SPLIT_IDLE);
}

/* ---- session boundaries from tcp-flags evidence (docs/sessions.md) ---- */

static const char *const CA = "10.0.0.5", *const SA = "10.0.0.6";

/* One record client -> server (eni-a, egress) over [t0, t1]. */
static void c2s(int64_t t0, int64_t t1, uint64_t by, int flags)
{
    push(RH(.eni = "eni-a", .src = CA, .dst = SA, .sp = 40000, .dp = 5432, .pk = 1, .by = by, .t0 = t0, .t1 = t1, .flags = flags, .fdir = "egress"));
}

/* The same from the server (eni-a, ingress). */
static void s2c(int64_t t0, int64_t t1, uint64_t by, int flags)
{
    push(RH(.eni = "eni-a", .src = SA, .dst = CA, .sp = 5432, .dp = 40000, .pk = 1, .by = by, .t0 = t0, .t1 = t1, .flags = flags, .fdir = "ingress"));
}

/* A pool connection quiet for 40 minutes (no record at all), then traffic
 * and FIN: with flags no record after the silence has SYN, so it is one
 * connection (conntrack keeps it 5 days, §3.5): one session of 6 records,
 * c2s 100+10+20 = 130, neither open at start (SYN seen) nor at end (FIN). */
Test(correlate, quiet_tcp_with_flags_is_one_session)
{
    c2s(0, 5, 100, 2);
    s2c(0, 5, 200, 18);
    c2s(60, 70, 10, 0);
    s2c(60, 70, 20, 0);
    c2s(2470, 2475, 20, 1); /* 2400 s later */
    s2c(2470, 2475, 30, 1);
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].records, 6);
    cr_assert_eq(out.s[0].c2s_bytes, 130);
    cr_assert_eq(out.s[0].s2c_bytes, 250);
    cr_assert_eq(out.s[0].split_basis, FST_SPLIT_NONE);
    cr_assert_not(out.s[0].open_at_start);
    cr_assert_not(out.s[0].open_at_end);
}

/* The same silence with --conntrack-timeout 1000: longer than connection
 * tracking keeps it, so the later records are a new session. */
Test(correlate, conntrack_timeout_bounds_the_silence)
{
    fst_stitcher_free(st);
    fst_stitcher_config cfg;
    fst_stitcher_config_init(&cfg);
    cfg.conntrack_tcp = 1000;
    st = fst_stitcher_new(&cfg);
    cr_assert_not_null(st);
    c2s(0, 5, 100, 2);
    s2c(0, 5, 200, 18);
    c2s(2470, 2475, 20, 1);
    s2c(2470, 2475, 30, 1);
    finish();
    cr_assert_eq(out.n, 2);
    cr_assert_eq(out.s[1].split_basis, FST_SPLIT_CONNTRACK);
    cr_assert(out.s[1].open_at_start, "no SYN in the second: it was open before");
}

/* A SYN after traffic that got past the opening (flags 0 at 60..70), no
 * FIN seen (the close fell into a lost window): a new connection at 1000. */
Test(correlate, syn_after_traffic_splits)
{
    c2s(0, 5, 100, 2);
    c2s(60, 70, 10, 0);
    c2s(1000, 1005, 50, 2);
    finish();
    cr_assert_eq(out.n, 2);
    cr_assert_eq(out.s[0].c2s_bytes, 110);
    cr_assert_eq(out.s[1].c2s_bytes, 50);
    cr_assert_eq(out.s[1].split_basis, FST_SPLIT_SYN_AFTER_TRAFFIC);
}

/* A redial inside one window: window 2 (60..110) holds the FIN of the
 * first dial and the SYN of the second (flags 3), window 3 its data and
 * FIN.  The split is at window 2 and its bytes go to the NEW connection:
 * first = window 1 (500 B), second = windows 2 + 3 (300 + 200 B). */
Test(correlate, fin_and_syn_in_one_window_split_there)
{
    c2s(0, 50, 500, 2);
    c2s(60, 110, 300, 3);
    c2s(120, 170, 200, 1);
    finish();
    cr_assert_eq(out.n, 2);
    cr_assert_eq(out.s[0].last_seen, 50);
    cr_assert_eq(out.s[0].c2s_bytes, 500);
    cr_assert_eq(out.s[1].first_seen, 60);
    cr_assert_eq(out.s[1].c2s_bytes, 500);
    cr_assert_eq(out.s[1].split_basis, FST_SPLIT_SYN_SAME_WINDOW);
}

/* When that FIN+SYN record is the stream's last, the second dial lies
 * wholly inside it: nothing holds it apart, one session (500 + 300). */
Test(correlate, fin_and_syn_in_the_last_window_stay)
{
    c2s(0, 50, 500, 2);
    c2s(60, 110, 300, 3);
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].c2s_bytes, 800);
}

/* A SYN after a FIN in an earlier window: syn-after-close. */
Test(correlate, syn_after_close_names_its_rule)
{
    c2s(0, 5, 100, 3);
    c2s(30, 35, 70, 3);
    finish();
    cr_assert_eq(out.n, 2);
    cr_assert_eq(out.s[1].split_basis, FST_SPLIT_SYN_AFTER_CLOSE);
}

/* Open at both edges, with flags: only flags 0 both ways (a connection
 * opened before the logs and never closed in them): one session over the
 * 3000 s silence, open_at_start and open_at_end. */
Test(correlate, open_at_both_edges_with_flags)
{
    c2s(0, 5, 100, 0);
    s2c(0, 5, 200, 0);
    c2s(3005, 3010, 10, 0);
    s2c(3005, 3010, 20, 0);
    finish();
    cr_assert_eq(out.n, 1);
    cr_assert(out.s[0].open_at_start);
    cr_assert(out.s[0].open_at_end);
}

/* Without flags (UDP), the data's range decides: the input spans
 * [1000, 5010]; a flow at 1000..1010 is within the 300 s idle timeout of
 * its start, one at 3000 of neither edge, one ending at 5010 of its end. */
Test(correlate, open_edges_without_flags_from_the_range)
{
    const char *a = "10.0.0.5", *b = "10.0.0.53";
    push(RH(.eni = "eni-a", .src = a, .dst = b, .sp = 53000, .dp = 53, .proto = 17, .pk = 1, .by = 70, .t0 = 1000, .t1 = 1010, .noflags = 1));
    push(RH(.eni = "eni-a", .src = a, .dst = b, .sp = 53001, .dp = 53, .proto = 17, .pk = 1, .by = 70, .t0 = 3000, .t1 = 3010, .noflags = 1));
    push(RH(.eni = "eni-a", .src = a, .dst = b, .sp = 53002, .dp = 53, .proto = 17, .pk = 1, .by = 70, .t0 = 5000, .t1 = 5010, .noflags = 1));
    finish();
    cr_assert_eq(out.n, 3);
    cr_assert(out.s[0].open_at_start);
    cr_assert_not(out.s[0].open_at_end);
    cr_assert_not(out.s[1].open_at_start);
    cr_assert_not(out.s[1].open_at_end);
    cr_assert_not(out.s[2].open_at_start);
    cr_assert(out.s[2].open_at_end);
}

/* A redial at two ENIs: eni-c's one long window (100..200, egress) holds
 * both dials (1000 + 2000 B); eni-s's windows split them (110..120 with
 * 1000 B, 180..190 with 2000 B, ingress).  Two sessions, and each counts
 * c2s from eni-s: eni-c's egress (rank 4) also holds the other dial's
 * bytes, so it ranks last: 1000 and 2000, not 3000 and 2000. */
Test(correlate, shared_window_counts_last)
{
    const char *c = "10.0.1.5", *s = "10.0.2.9";
    push(RH(.eni = "eni-c", .src = c, .dst = s, .sp = 40000, .dp = 443, .pk = 30, .by = 3000, .t0 = 100, .t1 = 200, .flags = 3, .fdir = "egress"));
    push(RH(.eni = "eni-s", .src = c, .dst = s, .sp = 40000, .dp = 443, .pk = 10, .by = 1000, .t0 = 110, .t1 = 120, .flags = 3, .fdir = "ingress"));
    push(RH(.eni = "eni-s", .src = c, .dst = s, .sp = 40000, .dp = 443, .pk = 20, .by = 2000, .t0 = 180, .t1 = 190, .flags = 3, .fdir = "ingress"));
    finish();
    cr_assert_eq(out.n, 2);
    cr_assert_eq(out.s[0].c2s_bytes, 1000);
    cr_assert_eq(out.s[1].c2s_bytes, 2000);
    cr_assert_eq(out.s[1].split_basis, FST_SPLIT_SYN_AFTER_CLOSE);
}

/* AWS's NAT example (aws-flowlogs.md 5.6) in a format with pkt-* but no
 * instance-id, and no metadata: the NAT ENI (10.0.0.220) logs the inside
 * leg 10.0.1.5 -> 10.0.0.220 (pkt-dstaddr 203.0.113.5) and back, and the
 * outside leg 10.0.0.220 -> 203.0.113.5 and back; the instance's ENI logs
 * 10.0.1.5 <-> 203.0.113.5.  Ports added (the example has none): 40000
 * -> 443, translated 61000.  Two sessions: the conversation (instance's
 * counts, 300 / 5000) and the outside leg, tied to it (nat_leg_of) and
 * not counted. */
Test(correlate, nat_learned_from_substitution_alone)
{
    const char *inst = "10.0.1.5", *nat = "10.0.0.220", *web = "203.0.113.5";
    push(RH(.fmt = RH_NOINST, .eni = "eni-inst", .src = inst, .dst = web, .sp = 40000, .dp = 443, .pk = 5, .by = 300, .t0 = 100, .t1 = 160, .flags = 3, .fdir = "egress"));
    push(RH(.fmt = RH_NOINST, .eni = "eni-inst", .src = web, .dst = inst, .sp = 443, .dp = 40000, .pk = 6, .by = 5000, .t0 = 100, .t1 = 160, .flags = 19, .fdir = "ingress"));
    push(RH(.fmt = RH_NOINST, .eni = "eni-nat", .src = inst, .dst = nat, .pdst = web, .sp = 40000, .dp = 443, .pk = 5, .by = 300, .t0 = 101, .t1 = 161, .flags = 3, .fdir = "ingress"));
    push(RH(.fmt = RH_NOINST, .eni = "eni-nat", .src = nat, .psrc = web, .dst = inst, .sp = 443, .dp = 40000, .pk = 6, .by = 5000, .t0 = 101, .t1 = 161, .flags = 19, .fdir = "egress"));
    push(RH(.fmt = RH_NOINST, .eni = "eni-nat", .src = nat, .dst = web, .sp = 61000, .dp = 443, .pk = 5, .by = 300, .t0 = 101, .t1 = 161, .flags = 3, .fdir = "egress"));
    push(RH(.fmt = RH_NOINST, .eni = "eni-nat", .src = web, .dst = nat, .sp = 443, .dp = 61000, .pk = 6, .by = 5000, .t0 = 101, .t1 = 161, .flags = 19, .fdir = "ingress"));
    finish();
    cr_assert_eq(out.n, 2);
    /* 10.0.0.220:61000 sorts before 10.0.1.5:40000 at the same first_seen?
     * No: the conversation starts at 100, the leg at 101. */
    ASSERT_EP(out.s[0].client_addr, out.s[0].client_port, inst, 40000);
    ASSERT_EP(out.s[0].server_addr, out.s[0].server_port, web, 443);
    cr_assert_eq(out.s[0].nat_leg_of, 0);
    cr_assert_eq(out.s[0].c2s_bytes, 300);
    cr_assert_eq(out.s[0].s2c_bytes, 5000);
    ASSERT_EP(out.s[1].client_addr, out.s[1].client_port, nat, 61000);
    cr_assert_eq(out.s[1].nat_leg_of, out.s[0].id);
}

/* A secondary IP is no NAT: an instance ENI (primary 10.0.1.5) receives
 * on its secondary 10.0.1.77 (dstaddr = primary, pkt-dstaddr = secondary)
 * and, at the same time, talks from its primary to the same server port
 * of the same client.  Nothing is tied: the substituted side is the
 * instance's own, not the peer's. */
Test(correlate, secondary_ip_is_not_a_nat)
{
    const char *prim = "10.0.1.5", *sec = "10.0.1.77", *peer = "10.0.3.3";
    push(RH(.fmt = RH_NOINST, .eni = "eni-inst", .src = peer, .dst = prim, .pdst = sec, .sp = 443, .dp = 50000, .pk = 5, .by = 300, .t0 = 100, .t1 = 160, .flags = 19, .fdir = "ingress"));
    push(RH(.fmt = RH_NOINST, .eni = "eni-inst", .src = prim, .psrc = sec, .dst = peer, .sp = 50000, .dp = 443, .pk = 5, .by = 300, .t0 = 100, .t1 = 160, .flags = 3, .fdir = "egress"));
    push(RH(.fmt = RH_NOINST, .eni = "eni-inst", .src = prim, .dst = peer, .sp = 50001, .dp = 443, .pk = 5, .by = 300, .t0 = 100, .t1 = 160, .flags = 3, .fdir = "egress"));
    push(RH(.fmt = RH_NOINST, .eni = "eni-inst", .src = peer, .dst = prim, .sp = 443, .dp = 50001, .pk = 5, .by = 300, .t0 = 100, .t1 = 160, .flags = 19, .fdir = "ingress"));
    finish();
    cr_assert_eq(out.n, 2);
    cr_assert_eq(out.s[0].nat_leg_of, 0);
    cr_assert_eq(out.s[1].nat_leg_of, 0);
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
