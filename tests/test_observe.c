/* tests/test_observe.c - how the stitcher holds window entries until
 * finish() (src/observe/observe.c): 24-byte compact entries, the full entry
 * kept aside when a value does not fit, the in-place sort by group across
 * entry blocks.  Expected values follow from the records written here. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "records_helper.h"

/* One record whose values fit nothing small: start in 2242 (> 2^32 s),
 * a 70000 s window (> 2^16), 2^33 packets and 2^40 + 5 bytes, next to an
 * ordinary reply.  The session reports them exactly. */
Test(observe, values_too_wide_for_compact_entries_are_kept_whole)
{
    fst_stitcher *st = fst_stitcher_new(NULL);
    cr_assert_not_null(st);
    const int64_t t0 = (int64_t)1 << 33;
    fst_record a = RH(.eni = "eni-a", .src = "10.0.0.1", .dst = "10.0.0.2", .sp = 40000,
                      .dp = 443, .pk = (uint64_t)1 << 33, .by = ((uint64_t)1 << 40) + 5,
                      .t0 = t0, .t1 = t0 + 70000, .flags = 2, .fdir = "egress");
    fst_record b = RH(.eni = "eni-a", .src = "10.0.0.2", .dst = "10.0.0.1", .sp = 443,
                      .dp = 40000, .pk = 3, .by = 180, .t0 = t0, .t1 = t0 + 60, .flags = 18,
                      .fdir = "ingress");
    cr_assert_eq(fst_stitcher_push(st, &a), 0);
    cr_assert_eq(fst_stitcher_push(st, &b), 0);
    rh_out out;
    memset(&out, 0, sizeof out);
    cr_assert_eq(fst_stitcher_finish(st, rh_collect, &out), 0);
    cr_assert_eq(out.n, 1);
    const fst_session *s = &out.s[0];
    char buf[FST_ADDR_STRLEN];
    cr_expect_str_eq(rh_ntoa(&s->client_addr, buf), "10.0.0.1");
    cr_expect_eq(s->first_seen, t0);
    cr_expect_eq(s->last_seen, t0 + 70000);
    cr_expect_eq(s->c2s_packets, (uint64_t)1 << 33);
    cr_expect_eq(s->c2s_bytes, ((uint64_t)1 << 40) + 5);
    cr_expect_eq(s->s2c_packets, 3);
    cr_expect_eq(s->s2c_bytes, 180);
    cr_expect_eq(s->tcp_flags_c2s, 2);
    cr_expect_eq(s->tcp_flags_s2c, 18);
    cr_expect_eq(s->basis, FST_BASIS_TCP_SYN);
    cr_expect_eq(s->records, 2);
    fst_stitcher_free(st);
}

/* 100000 connections, 3 windows each, pushed window by window (a
 * connection's entries are 100000 records apart, so 300000 entries span
 * two 262144-entry blocks and the sort by group moves entries between
 * them).  Connection i: 10.a.b.c:40000 -> 10.200.0.1:443 with a.b.c = i,
 * window r (0..2) starts at 1700000000 + 60 r and carries 100 (r + 1) + i
 * bytes, except that in every 7th connection the middle window carries
 * 2^32 + i bytes (kept whole).  One ENI, one direction: one session each,
 * bytes = the three windows' sum, 3 records, 60 s windows -> last_seen =
 * start of window 2 + 60. */
#define N_CONN 100000u

typedef struct tally {
    uint32_t n, bad;
    uint8_t seen[N_CONN];
} tally;

static int check(const fst_session *s, void *ud)
{
    tally *t = ud;
    t->n++;
    const uint32_t i = (uint32_t)s->client_addr.b[13] << 16 | (uint32_t)s->client_addr.b[14] << 8 |
                       s->client_addr.b[15];
    uint64_t want = 100 + 200 + 300 + 3 * (uint64_t)i;
    if (i % 7 == 0)
        want = want - (200 + i) + ((uint64_t)1 << 32) + i;
    if (i >= N_CONN || t->seen[i] || s->c2s_bytes != want || s->records != 3 ||
        s->first_seen != 1700000000 || s->last_seen != 1700000180 || s->s2c_bytes != 0 ||
        s->server_port != 443 || s->client_port != 40000)
        t->bad++;
    if (i < N_CONN)
        t->seen[i] = 1;
    return 0;
}

Test(observe, entries_sorted_by_group_across_blocks)
{
    fst_stitcher *st = fst_stitcher_new(NULL);
    cr_assert_not_null(st);
    char src[32];
    for (uint32_t r = 0; r < 3; r++) {
        for (uint32_t i = 0; i < N_CONN; i++) {
            snprintf(src, sizeof src, "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
            const uint64_t by =
                r == 1 && i % 7 == 0 ? ((uint64_t)1 << 32) + i : 100 * (r + 1) + (uint64_t)i;
            fst_record rec = RH(.fmt = RH_V2, .eni = "eni-0a", .src = src, .dst = "10.200.0.1",
                                .sp = 40000, .dp = 443, .pk = 1, .by = by,
                                .t0 = 1700000000 + 60 * (int64_t)r,
                                .t1 = 1700000060 + 60 * (int64_t)r);
            cr_assert_eq(fst_stitcher_push(st, &rec), 0);
        }
    }
    static tally t;
    memset(&t, 0, sizeof t);
    cr_assert_eq(fst_stitcher_finish(st, check, &t), 0);
    cr_expect_eq(t.n, N_CONN);
    cr_expect_eq(t.bad, 0, "%u sessions with wrong values", t.bad);
    const fst_stitch_stats *ss = fst_stitcher_stats(st);
    cr_expect_eq(ss->records_joined, 3 * N_CONN);
    fst_stitcher_free(st);
}
