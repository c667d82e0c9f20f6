/* tests/test_memcap.c - the memory cap (fst_stitcher_config.memcap):
 * held state counted, the keys idle longest written early and forgotten,
 * nothing lost or counted twice.
 *
 * Expected values are derived by hand from the records written here and
 * the rule in include/flowstitch/stitcher.h: after each batch the bytes
 * held (at least 44 per connection key, 24 per window entry, plus
 * FST_MEMCAP_RUN_BYTES per key) are counted, and at 3/4 of the cap the keys
 * whose records ended earliest are written, down to half the cap.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "records_helper.h"

/* A port scan: N probes from 10.1.0.1, source ports 1024.. in order, to
 * 10.9.0.1:22, one TCP record each (1 packet, 44 bytes, SYN only, REJECT),
 * probe i in the window [1000 + i / 100, 1001 + i / 100]: N distinct
 * 5-tuples, so N sessions of one record each. */
#define N 40000u
#define BATCH 1024u
#define PROBE_BYTES 44u
#define CAP ((uint64_t)4 << 20)

typedef struct tally {
    uint64_t sessions, records, bytes, id_sum, max_id, flush_points;
    uint64_t long_sessions; /* sessions of the long connection (sport 999) */
} tally;

static int count(const fst_session *s, void *ud)
{
    tally *t = ud;
    if (!s) {
        t->flush_points++;
        return 0;
    }
    t->sessions++;
    t->records += s->records;
    t->bytes += s->c2s_bytes + s->s2c_bytes;
    t->id_sum += s->id;
    if (s->id > t->max_id)
        t->max_id = s->id;
    t->long_sessions += s->client_port == 999;
    return 0;
}

static fst_record probe(uint32_t i)
{
    const int64_t t0 = 1000 + (int64_t)(i / 100);
    return RH(.eni = "eni-scan", .src = "10.1.0.1", .dst = "10.9.0.1", .sp = 1024 + i, .dp = 22,
              .pk = 1, .by = PROBE_BYTES, .t0 = t0, .t1 = t0 + 1, .flags = 2, .reject = 1,
              .fdir = "ingress");
}

/* One record of the long connection 10.1.0.1:999 -> 10.9.0.1:22 ending at t1. */
static fst_record long_conn(int64_t t0, int64_t t1)
{
    return RH(.eni = "eni-scan", .src = "10.1.0.1", .dst = "10.9.0.1", .sp = 999, .dp = 22,
              .pk = 2, .by = 100, .t0 = t0, .t1 = t1, .flags = 16, .fdir = "ingress");
}

/* Pushes the scan (with, when `with_long`, the long connection's first
 * record before it and its second after it), flushing after every BATCH
 * records, then finishes; the stats are copied to *x. */
static void run(uint64_t cap, int with_long, tally *t, fst_stitch_stats *x)
{
    memset(t, 0, sizeof *t);
    fst_stitcher_config cfg;
    fst_stitcher_config_init(&cfg);
    cfg.memcap = cap;
    cfg.threads = 1;
    fst_stitcher *st = fst_stitcher_new(&cfg);
    cr_assert_not_null(st);
    fst_record r;
    if (with_long) {
        r = long_conn(990, 1000);
        cr_assert_eq(fst_stitcher_push(st, &r), 0);
    }
    for (uint32_t i = 0; i < N; i++) {
        r = probe(i);
        cr_assert_eq(fst_stitcher_push(st, &r), 0);
        if ((i + 1) % BATCH == 0)
            cr_assert_eq(fst_stitcher_flush(st, count, t), 0);
    }
    if (with_long) {
        /* 400 s after its first record: within the TCP idle timeout (660 s),
         * so one session when nothing was evicted */
        r = long_conn(1390, 1400);
        cr_assert_eq(fst_stitcher_push(st, &r), 0);
    }
    cr_assert_eq(fst_stitcher_finish(st, count, t), 0);
    *x = *fst_stitcher_stats(st);
    fst_stitcher_free(st);
}

Test(memcap, default_cap_holds_a_small_run_without_eviction)
{
    tally t;
    fst_stitch_stats x;
    run(0, 0, &t, &x);
    cr_assert_gt(x.memcap, CAP, "the default (half the RAM) is far above 4 MiB");
    cr_assert_eq(x.evictions, 0);
    cr_assert_eq(x.sessions_evicted, 0);
    cr_assert_eq(t.sessions, N);
    cr_assert_eq(t.flush_points, 0, "nothing written before finish");
    /* at least 44 + 24 + FST_MEMCAP_RUN_BYTES per key were held at the end */
    cr_assert_geq(x.held_bytes_peak, (uint64_t)N * (44 + 24 + FST_MEMCAP_RUN_BYTES));
}

/* 40000 keys need at least 40000 * (44 + 24 + 112) = 7.2 MB > 3 MiB
 * (3/4 of the cap): evictions must happen.  Every probe is its own
 * session either way: N sessions, N records, N * 44 bytes, ids 1..N each
 * once (sum N (N + 1) / 2). */
Test(memcap, small_cap_evicts_and_loses_nothing)
{
    tally t, u;
    fst_stitch_stats x, y;
    run(CAP, 0, &t, &x);
    run(0, 0, &u, &y);
    cr_assert_gt(x.evictions, 0);
    cr_assert_gt(x.sessions_evicted, 0);
    cr_assert_lt(x.sessions_evicted, N, "the last keys are written by finish");
    cr_assert_eq(x.memcap, CAP);
    cr_assert_leq(x.held_bytes_peak, CAP, "held %lu > cap", (unsigned long)x.held_bytes_peak);
    cr_assert_eq(t.flush_points, x.evictions, "one flush point per eviction");
    cr_assert_eq(t.sessions, N);
    cr_assert_eq(x.sessions, N);
    cr_assert_eq(t.records, N, "every record in exactly one session");
    cr_assert_eq(x.records_joined, N);
    cr_assert_eq(t.bytes, (uint64_t)N * PROBE_BYTES);
    cr_assert_eq(x.bytes_counted, y.bytes_counted, "counted bytes as without a cap");
    cr_assert_eq(x.bytes_counted, (uint64_t)N * PROBE_BYTES);
    cr_assert_eq(t.max_id, N);
    cr_assert_eq(t.id_sum, (uint64_t)N * (N + 1) / 2);
    cr_assert_eq(u.sessions, N);
}

/* The long connection's first record ends at 1000, before every probe
 * (they end at 1001 and later): it is the key idle longest, so the first
 * eviction writes it; its second record (1390..1400) then starts a second
 * session.  Without a cap the two records are one session (400 s apart,
 * under the 660 s TCP idle timeout).  Records and bytes are the same. */
Test(memcap, evicted_session_may_continue_as_a_second)
{
    tally t, u;
    fst_stitch_stats x, y;
    run(CAP, 1, &t, &x);
    run(0, 1, &u, &y);
    cr_assert_gt(x.evictions, 0);
    cr_assert_eq(u.long_sessions, 1);
    cr_assert_eq(t.long_sessions, 2);
    cr_assert_eq(u.sessions, N + 1);
    cr_assert_eq(t.sessions, N + 2);
    cr_assert_eq(t.records, N + 2);
    cr_assert_eq(u.records, N + 2);
    cr_assert_eq(t.bytes, (uint64_t)N * PROBE_BYTES + 200);
    cr_assert_eq(x.bytes_counted, y.bytes_counted);
}

/* A cap below what one batch holds still loses nothing: every flush
 * evicts, and each record still lands in exactly one session. */
Test(memcap, tiny_cap_evicts_often)
{
    tally t;
    fst_stitch_stats x;
    run((uint64_t)64 << 10, 0, &t, &x);
    cr_assert_geq(x.evictions, N / BATCH, "every flush finds the cap reached");
    cr_assert_eq(t.sessions, N);
    cr_assert_eq(t.records, N);
    cr_assert_eq(t.id_sum, (uint64_t)N * (N + 1) / 2);
}

/* Under the cap, fst_stitcher_flush with horizon 0 writes nothing; finish
 * writes the one probe (client 10.1.0.1:1024, the SYN sender; 44 bytes). */
Test(memcap, flush_under_the_cap_writes_nothing)
{
    fst_stitcher_config cfg;
    fst_stitcher_config_init(&cfg);
    fst_stitcher *st = fst_stitcher_new(&cfg);
    cr_assert_not_null(st);
    static rh_out out;
    memset(&out, 0, sizeof out);
    fst_record r = probe(0);
    cr_assert_eq(fst_stitcher_push(st, &r), 0);
    cr_assert_eq(fst_stitcher_flush(st, rh_collect, &out), 0);
    cr_assert_eq(out.n, 0);
    cr_assert_eq(fst_stitcher_finish(st, rh_collect, &out), 0);
    cr_assert_eq(out.n, 1);
    char b[FST_ADDR_STRLEN];
    cr_assert_str_eq(rh_ntoa(&out.s[0].client_addr, b), "10.1.0.1");
    cr_assert_eq(out.s[0].client_port, 1024);
    cr_assert_eq(out.s[0].c2s_bytes, PROBE_BYTES);
    cr_assert_eq(fst_stitcher_stats(st)->evictions, 0);
    fst_stitcher_free(st);
}
