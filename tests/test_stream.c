/* tests/test_stream.c - streaming mode (fst_stitcher_config.horizon):
 * sessions written while records still arrive, ids that keep counting,
 * late records counted, memory given back.
 *
 * Expected values are derived by hand from the records written here and
 * the rule in include/flowstitch/stitcher.h: a group is written at a flush
 * when every record of it ended before clock - horizon - idle timeout
 * (TCP 660 s by default), the clock being the median end of the latest 256
 * timed records.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_helper.h"
#include "flowstitch/errors.h"
#include "flowstitch/reader.h"
#include "records_helper.h"

static fst_stitcher *st;
static rh_out out;

static void make(uint32_t horizon)
{
    memset(&out, 0, sizeof out);
    fst_stitcher_config cfg;
    fst_stitcher_config_init(&cfg);
    cfg.horizon = horizon;
    st = fst_stitcher_new(&cfg);
    cr_assert_not_null(st);
}

static void setup(void) { make(100); }
static void teardown(void) { fst_stitcher_free(st); }

TestSuite(stream, .init = setup, .fini = teardown);

static void push(fst_record r) { cr_assert_eq(fst_stitcher_push(st, &r), 0); }

/* One TCP connection seen at one ENI in one window [t0, t1]: the client's
 * SYN+FIN (3) side and the server's SYN-ACK+FIN (19) side. */
static void conn(const char *c, unsigned cport, const char *s, int64_t t0, int64_t t1,
                 uint64_t c2s_bytes, uint64_t s2c_bytes)
{
    push(RH(.eni = "eni-a", .src = c, .dst = s, .sp = cport, .dp = 443, .pk = 5,
            .by = c2s_bytes, .t0 = t0, .t1 = t1, .flags = 3, .fdir = "egress"));
    push(RH(.eni = "eni-a", .src = s, .dst = c, .sp = 443, .dp = cport, .pk = 4,
            .by = s2c_bytes, .t0 = t0, .t1 = t1, .flags = 19, .fdir = "ingress"));
}

/* A ends at 1058; three records of B end at 3000, so the clock (median of
 * 1058, 1058, 3000, 3000, 3000) is 3000 and the TCP cut-off 3000 - 100 -
 * 660 = 2240: the flush writes A (id 1) and keeps B.  Then C arrives
 * ending at 1500, before the cut-off: late.  finish() writes C (first seen
 * 1450) and B (first seen 2000) in that order, ids 2 and 3. */
Test(stream, flush_writes_what_closed_and_counts_late_records)
{
    conn("10.0.0.1", 40000, "10.0.0.2", 1000, 1058, 500, 4000);
    push(RH(.eni = "eni-a", .src = "10.0.0.3", .dst = "10.0.0.2", .sp = 41000, .dp = 443,
            .pk = 1, .by = 60, .t0 = 2000, .t1 = 3000, .flags = 2, .fdir = "egress"));
    push(RH(.eni = "eni-a", .src = "10.0.0.3", .dst = "10.0.0.2", .sp = 41000, .dp = 443,
            .pk = 1, .by = 60, .t0 = 2000, .t1 = 3000, .flags = 2, .fdir = "egress"));
    push(RH(.eni = "eni-b", .src = "10.0.0.3", .dst = "10.0.0.2", .sp = 41000, .dp = 443,
            .pk = 1, .by = 60, .t0 = 2010, .t1 = 3000, .flags = 2, .fdir = "ingress"));

    cr_assert_eq(fst_stitcher_flush(st, rh_collect, &out), 0);
    cr_assert_eq(out.n, 1);
    const fst_session *a = &out.s[0];
    cr_assert_eq(a->id, 1);
    char b_[FST_ADDR_STRLEN];
    cr_assert_str_eq(rh_ntoa(&a->client_addr, b_), "10.0.0.1");
    cr_assert_eq(a->c2s_bytes, 500);
    cr_assert_eq(a->s2c_bytes, 4000);
    cr_assert_eq(a->basis, FST_BASIS_TCP_SYN);

    conn("10.0.0.4", 42000, "10.0.0.2", 1450, 1500, 70, 80); /* late */
    cr_assert_eq(fst_stitcher_finish(st, rh_collect, &out), 0);
    cr_assert_eq(out.n, 3);
    cr_assert_eq(out.s[1].id, 2);
    cr_assert_str_eq(rh_ntoa(&out.s[1].client_addr, b_), "10.0.0.4");
    cr_assert_eq(out.s[1].first_seen, 1450);
    cr_assert_eq(out.s[2].id, 3);
    cr_assert_str_eq(rh_ntoa(&out.s[2].client_addr, b_), "10.0.0.3");
    /* B: the egress record at eni-a is a duplicate (same window, same
     * values): counted once, 1 packet, 60 bytes */
    cr_assert_eq(out.s[2].c2s_bytes, 60);
    cr_assert_eq(out.s[2].records, 3);

    const fst_stitch_stats *x = fst_stitcher_stats(st);
    cr_assert_eq(x->sessions, 3);
    cr_assert_eq(x->flushes, 1);
    cr_assert_eq(x->records_late, 2);      /* both records of C */
    cr_assert_eq(x->groups_held_peak, 2, "%lu", (unsigned long)x->groups_held_peak); /* A, B at the flush */
    cr_assert_eq(x->records_joined, 2 + 3 + 2);
    cr_assert_eq(x->bytes_counted, 500 + 4000 + 60 + 70 + 80);
    cr_assert_eq(x->bytes_naive, 500 + 4000 + 3 * 60 + 70 + 80);
    cr_assert_eq(x->by_basis[FST_BASIS_TCP_SYN], 3);
    cr_assert_eq(x->records_in, 7);
}

/* The decision for long quiet TCP connections (docs/sessions.md
 * "Streaming"): with flags, batch mode keeps a connection whole through
 * any silence, but --stream writes it once all its records ended before
 * clock - horizon - idle (here 3000 - 100 - 660 = 2240; it ended at 1010),
 * so memory stays bounded.  When it then sends again (3000..3010, flags 0,
 * not late: after the cut-off), the later records are a second session:
 * split_basis "none" (the first is forgotten) and open_at_start (no SYN:
 * it continues an earlier connection).  The first keeps its SYN. */
Test(stream, a_quiet_connection_flushed_then_continued)
{
    const char *c = "10.0.0.1", *s = "10.0.0.2";
    push(RH(.eni = "eni-a", .src = c, .dst = s, .sp = 40000, .dp = 5432, .pk = 3, .by = 300,
            .t0 = 1000, .t1 = 1010, .flags = 2, .fdir = "egress"));
    for (int k = 0; k < 3; k++) /* other traffic: the clock goes to 3000 */
        push(RH(.eni = "eni-a", .src = "10.0.0.3", .dst = s, .sp = (unsigned)(41000 + k), .dp = 443,
                .pk = 1, .by = 60, .t0 = 2990, .t1 = 3000, .flags = 3, .fdir = "egress"));
    cr_assert_eq(fst_stitcher_flush(st, rh_collect, &out), 0);
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].c2s_bytes, 300);
    cr_assert_not(out.s[0].open_at_start);
    push(RH(.eni = "eni-a", .src = c, .dst = s, .sp = 40000, .dp = 5432, .pk = 2, .by = 200,
            .t0 = 3000, .t1 = 3010, .flags = 0, .fdir = "egress"));
    cr_assert_eq(fst_stitcher_finish(st, rh_collect, &out), 0);
    cr_assert_eq(fst_stitcher_stats(st)->records_late, 0);
    cr_assert_eq(out.n, 5);
    int found = 0;
    for (size_t i = 1; i < out.n; i++) {
        if (out.s[i].client_port != 40000 && out.s[i].server_port != 40000)
            continue;
        found++;
        cr_assert_eq(out.s[i].c2s_bytes + out.s[i].s2c_bytes, 200);
        cr_assert(out.s[i].open_at_start);
        cr_assert_eq(out.s[i].split_basis, FST_SPLIT_NONE);
    }
    cr_assert_eq(found, 1);
}

/* Connection j of the time-ordered test (session id j) started at
 * 1000 + 100 j with j * 10 bytes client to server and j * 100 back.  The
 * callback checks each session as it comes and keeps the count and the
 * last id. */
typedef struct seen {
    uint64_t n, last_id;
    uint64_t flush_points; /* calls with NULL: one after each flush that wrote */
} seen;

static int check_one(const fst_session *s, void *ud)
{
    seen *v = ud;
    if (!s) {
        v->flush_points++;
        return 0;
    }
    const int64_t j = (int64_t)s->id;
    cr_assert_eq(s->id, v->last_id + 1, "ids in order: %lu after %lu", (unsigned long)s->id,
                 (unsigned long)v->last_id);
    cr_assert_eq(s->first_seen, 1000 + 100 * j);
    cr_assert_eq(s->c2s_bytes, (uint64_t)j * 10);
    cr_assert_eq(s->s2c_bytes, (uint64_t)j * 100);
    cr_assert_eq(s->records, 2);
    v->n++;
    v->last_id = s->id;
    return 0;
}

/* 300 connections j = 1..300, both records ending at e_j = 1030 + 100 j,
 * pushed in time order, fst_stitcher_flush after every 10th (i = 10, 20,
 * ...).  Horizon 100 + TCP idle 660: a flush at clock c writes j when
 * e_j < c - 760.
 *   i <= 128: the ring holds all 2i ends; the median (index i of the
 *     sorted ends) is e_(i/2 + 1), so j <= i/2 - 7 is written: nothing at
 *     i = 10, then j <= 3 at i = 20, ... j <= 53 at i = 120.
 *   i > 128: the ring holds connections i-127..i; the median is e_(i-63),
 *     so j <= i - 71 is written.
 * So 29 flushes write something (i = 20..300), and the most held at a
 * flush is 81 (i >= 140: i pushed minus the i - 81 written at i - 10).  At
 * the end 71 are left for finish().  Every connection is one session with
 * its own bytes, ids 1..300 in time order, nothing late. */
Test(stream, time_ordered_input_gives_every_connection_once)
{
    char addr[32];
    seen v = {0, 0, 0};
    for (int i = 1; i <= 300; i++) {
        snprintf(addr, sizeof addr, "10.1.%d.%d", i / 250, i % 250 + 1);
        conn(addr, 40000, "10.0.0.2", 1000 + 100 * i, 1000 + 100 * i + 30, (uint64_t)i * 10,
             (uint64_t)i * 100);
        if (i % 10 == 0) {
            cr_assert_eq(fst_stitcher_flush(st, check_one, &v), 0);
            if (i == 10)
                cr_assert_eq(v.n, 0);
            if (i == 20)
                cr_assert_eq(v.n, 3);
            if (i == 120)
                cr_assert_eq(v.n, 53);
            if (i == 300)
                cr_assert_eq(v.n, 229);
        }
    }
    cr_assert_eq(v.flush_points, 29); /* one per flush that wrote (i = 20..300) */
    cr_assert_eq(fst_stitcher_finish(st, check_one, &v), 0);
    cr_assert_eq(v.n, 300);
    cr_assert_eq(v.flush_points, 29); /* finish() never calls with NULL */
    const fst_stitch_stats *x = fst_stitcher_stats(st);
    cr_assert_eq(x->sessions, 300);
    cr_assert_eq(x->records_late, 0);
    cr_assert_eq(x->flushes, 29);
    cr_assert_eq(x->groups_held_peak, 81, "%lu", (unsigned long)x->groups_held_peak);
    cr_assert_eq(x->bytes_counted, 110ull * (300 * 301 / 2));
}

/* What a flush moves besides entries: reported addresses (metadata folds
 * each ENI's secondary IP onto its primary, the session reports the
 * secondary) and entries too wide for the compact form (5e9 bytes in one
 * window).  X = 10.0.1.11:42790 -> 10.0.2.21:5201 (records end 70 and
 * 100), Y the same hosts on port 5202 (records end 3000): clock 3000 (the
 * median of 70, 70, 100, 100, 3000 x 4), cut-off 2240, so the flush writes
 * X and keeps Y.  Both keep their secondary addresses and their bytes
 * (c2s 5e9 counted once from the client's ENI, s2c 2600). */
static void secondary_conn(unsigned dport, int64_t t0)
{
    push(RH(.fmt = RH_V2, .eni = "eni-a", .src = "10.0.1.10", .dst = "10.0.2.21", .sp = 42790,
            .dp = dport, .pk = 100, .by = 5000000000ull, .t0 = t0, .t1 = t0 + 60));
    push(RH(.fmt = RH_V2, .eni = "eni-a", .src = "10.0.2.21", .dst = "10.0.1.10", .sp = dport,
            .dp = 42790, .pk = 50, .by = 2600, .t0 = t0, .t1 = t0 + 60));
    push(RH(.fmt = RH_V2, .eni = "eni-b", .src = "10.0.1.11", .dst = "10.0.2.20", .sp = 42790,
            .dp = dport, .pk = 100, .by = 5000000000ull, .t0 = t0 + 30, .t1 = t0 + 90));
    push(RH(.fmt = RH_V2, .eni = "eni-b", .src = "10.0.2.20", .dst = "10.0.1.11", .sp = dport,
            .dp = 42790, .pk = 50, .by = 2600, .t0 = t0 + 30, .t1 = t0 + 90));
}

static void check_secondary(const fst_session *s, unsigned dport)
{
    char b_[FST_ADDR_STRLEN];
    cr_assert_str_eq(rh_ntoa(&s->client_addr, b_), "10.0.1.11");
    cr_assert_str_eq(rh_ntoa(&s->server_addr, b_), "10.0.2.21");
    cr_assert_eq(s->server_port, dport);
    cr_assert_eq(s->c2s_bytes, 5000000000ull);
    cr_assert_eq(s->s2c_bytes, 2600);
    cr_assert_eq(s->records, 4);
}

Test(stream, flush_moves_reported_addresses_and_wide_entries)
{
    char err[256];
    fst_eni_table *meta = rh_load_meta(RH_META_SECONDARIES, err, sizeof err);
    cr_assert_not_null(meta, "%s", err);
    fst_stitcher_free(st);
    fst_stitcher_config cfg;
    fst_stitcher_config_init(&cfg);
    cfg.meta = meta;
    cfg.horizon = 100;
    st = fst_stitcher_new(&cfg);

    secondary_conn(5201, 10);
    secondary_conn(5202, 2910);
    cr_assert_eq(fst_stitcher_flush(st, rh_collect, &out), 0);
    cr_assert_eq(out.n, 1);
    check_secondary(&out.s[0], 5201);
    cr_assert_eq(fst_stitcher_finish(st, rh_collect, &out), 0);
    cr_assert_eq(out.n, 2);
    check_secondary(&out.s[1], 5202);
    cr_assert_eq(out.s[1].id, 2);
    const fst_stitch_stats *x = fst_stitcher_stats(st);
    cr_assert_eq(x->bytes_counted, 2 * (5000000000ull + 2600));
    cr_assert_eq(x->flushes, 1);
    fst_stitcher_free(st);
    st = NULL;
    fst_eni_table_free(meta);
}

/* A long connection at one ENI, 100 windows v = 0..99 of 60 s: start
 * 1000 + 60 v, end start + 50; client 10.0.0.1:40000 -> 10.0.0.2:443,
 * 100 bytes a window that way, 1000 back; SYN (2) and SYN-ACK (18) in
 * window 0, FIN (1) both ways in window 99, and an RST (4) from the client
 * in window rst_at (none when < 0).  fst_stitcher_flush after windows
 * w = 9, 19, ..., 99.
 *
 * The ring then holds both ends of windows 0..w (2 (w+1) <= 256), so the
 * clock is the end of window (w+1)/2 and the TCP cut-off (horizon 100,
 * idle 660) 760 s before it: windows v <= (w+1)/2 - 13 are settled,
 * V = 2, 7, 12, ..., 37 at w = 29, 39, ..., 99.  Nothing closes (the
 * connection is active), but each stream's settled windows fold into one
 * entry: 2 saved at w = 29, then 5 more at each flush, 37 per stream in
 * all, unless a window with RST is among them (the stream is then left as
 * it is from that flush on). */
static void long_conn(int rst_at)
{
    for (int v = 0; v < 100; v++) {
        const int64_t t0 = 1000 + 60 * v;
        const int cf = (v == 0 ? 2 : 0) | (v == 99 ? 1 : 0) | (v == rst_at ? 4 : 0);
        const int sf = (v == 0 ? 18 : 0) | (v == 99 ? 1 : 0);
        push(RH(.eni = "eni-a", .src = "10.0.0.1", .dst = "10.0.0.2", .sp = 40000, .dp = 443,
                .pk = 2, .by = 100, .t0 = t0, .t1 = t0 + 50, .flags = cf, .fdir = "egress"));
        push(RH(.eni = "eni-a", .src = "10.0.0.2", .dst = "10.0.0.1", .sp = 443, .dp = 40000,
                .pk = 3, .by = 1000, .t0 = t0, .t1 = t0 + 50, .flags = sf, .fdir = "ingress"));
        if (v % 10 == 9)
            cr_assert_eq(fst_stitcher_flush(st, rh_collect, &out), 0);
    }
    cr_assert_eq(out.n, 0); /* nothing closed before the end */
    cr_assert_eq(fst_stitcher_finish(st, rh_collect, &out), 0);
    cr_assert_eq(out.n, 1);
    const fst_session *x = &out.s[0];
    char b_[FST_ADDR_STRLEN];
    cr_assert_str_eq(rh_ntoa(&x->client_addr, b_), "10.0.0.1");
    cr_assert_eq(x->basis, FST_BASIS_TCP_SYN);
    cr_assert_eq(x->records, 200);
    cr_assert_eq(x->c2s_packets, 200);
    cr_assert_eq(x->c2s_bytes, 10000);
    cr_assert_eq(x->s2c_packets, 300);
    cr_assert_eq(x->s2c_bytes, 100000);
    cr_assert_eq(x->first_seen, 1000);
    cr_assert_eq(x->last_seen, 1000 + 60 * 99 + 50);
    cr_assert_eq(x->tcp_flags_c2s, rst_at >= 0 ? 7 : 3);
    cr_assert_eq(x->tcp_flags_s2c, 19);
    const fst_stitch_stats *t = fst_stitcher_stats(st);
    cr_assert_eq(t->records_joined, 200);
    cr_assert_eq(t->bytes_counted, 110000);
    cr_assert_eq(t->flushes, 0);
}

Test(stream, settled_windows_of_a_long_connection_fold)
{
    long_conn(-1);
    cr_assert_eq(fst_stitcher_stats(st)->records_folded, 2 * 37);
}

/* RST in window 20: settled from w = 69 on (V = 22), so the client's
 * stream folds 17 windows (up to w = 59) and the server's 37. */
Test(stream, a_reset_stops_the_folding_of_its_stream)
{
    long_conn(20);
    cr_assert_eq(fst_stitcher_stats(st)->records_folded, 17 + 37);
}

/* Streaming through a reader gives the same sessions, ids and counts with
 * one thread and with two (the flush points are counted in records, not
 * in batches or time).  Input: 12,000 connections, one a second, each four
 * default-format records at two ENIs, in time order; with horizon 100 the
 * stitcher flushes every 16 Ki records. */
typedef struct dump {
    char *buf;
    size_t len, cap;
} dump;

static void dump_add(dump *d, const char *line, int n)
{
    if (d->len + (size_t)n + 1 > d->cap) {
        d->cap = (d->cap + (size_t)n + 1) * 2;
        d->buf = realloc(d->buf, d->cap);
        cr_assert_not_null(d->buf);
    }
    memcpy(d->buf + d->len, line, (size_t)n + 1);
    d->len += (size_t)n;
}

static int dump_one(const fst_session *x, void *ud)
{
    dump *d = ud;
    if (!x)
        return 0;
    char line[256], c[FST_ADDR_STRLEN], v[FST_ADDR_STRLEN];
    const int n = snprintf(line, sizeof line, "%lu %s:%u %s:%u %ld-%ld %lu/%lu %lu/%lu %d %lu\n",
                           (unsigned long)x->id, rh_ntoa(&x->client_addr, c), x->client_port,
                           rh_ntoa(&x->server_addr, v), x->server_port, (long)x->first_seen,
                           (long)x->last_seen, (unsigned long)x->c2s_packets,
                           (unsigned long)x->c2s_bytes, (unsigned long)x->s2c_packets,
                           (unsigned long)x->s2c_bytes, x->basis, (unsigned long)x->records);
    dump_add(d, line, n);
    return 0;
}

static char *stream_text(size_t *len)
{
    const size_t cap = 12000 * 4 * 120;
    char *t = malloc(cap);
    cr_assert_not_null(t);
    size_t n = 0;
    for (int i = 0; i < 12000; i++) {
        const long t0 = 1700000000 + i, t1 = t0 + 30;
        const int a = i % 200, p = 32768 + i % 20000;
        n += (size_t)snprintf(t + n, cap - n,
                              "2 1 eni-c 10.0.1.%d 10.0.2.9 %d 443 6 4 400 %ld %ld ACCEPT OK\n"
                              "2 1 eni-c 10.0.2.9 10.0.1.%d 443 %d 6 5 5000 %ld %ld ACCEPT OK\n"
                              "2 1 eni-s 10.0.1.%d 10.0.2.9 %d 443 6 4 400 %ld %ld ACCEPT OK\n"
                              "2 1 eni-s 10.0.2.9 10.0.1.%d 443 %d 6 5 5000 %ld %ld ACCEPT OK\n",
                              a, p, t0, t1, a, p, t0, t1, a, p, t0 + 5, t1 + 5, a, p, t0 + 5,
                              t1 + 5);
    }
    *len = n;
    return t;
}

static void stream_run(uint32_t threads, const char *text, size_t len, dump *d,
                       fst_stitch_stats *stats)
{
    fst_stitcher_config cfg;
    fst_stitcher_config_init(&cfg);
    cfg.horizon = 100;
    cfg.threads = threads;
    fst_stitcher *s = fst_stitcher_new(&cfg);
    fst_reader_config rc;
    fst_reader_config_init(&rc);
    rc.diag = NULL;
    fst_reader *r = fst_reader_new(&rc);
    cr_assert(s && r);
    cr_assert_eq(fst_reader_add_mem(r, "gen", text, len), 0);
    cr_assert_eq(fst_stitcher_push_reader_stream(s, r, dump_one, d, NULL, NULL), 0);
    cr_assert_eq(fst_stitcher_finish(s, dump_one, d), 0);
    *stats = *fst_stitcher_stats(s);
    stats->enis = NULL;
    fst_stitcher_free(s);
    fst_reader_free(r);
}

Test(stream, same_result_with_one_or_two_threads)
{
    size_t len;
    char *text = stream_text(&len);
    dump d1 = {0}, d2 = {0};
    fst_stitch_stats s1, s2;
    stream_run(1, text, len, &d1, &s1);
    stream_run(2, text, len, &d2, &s2);
    cr_assert_eq(s1.sessions, 12000);
    cr_assert_eq(s1.records_joined, 48000);
    cr_assert_eq(s1.bytes_counted, 12000ull * 5400);
    cr_assert_geq(s1.flushes, 1);
    cr_assert_eq(s1.records_late, 0);
    cr_assert_lt(s1.groups_held_peak, 12000);
    cr_assert_eq(memcmp(&s1, &s2, sizeof s1), 0);
    cr_assert_eq(d1.len, d2.len);
    cr_assert_eq(memcmp(d1.buf, d2.buf, d1.len), 0);
    free(d1.buf);
    free(d2.buf);
    free(text);
}

/* Property: on records pushed in order of their end time, streaming
 * (flushes, folding) rebuilds the very sessions batch mode does.  Random
 * connections (seeded) on a few 5-tuples, so ports are reused; 1 to 40
 * windows of 60 s at one or two ENIs; SYN / SYN-ACK openings or none, FIN
 * endings or none, stray RST and SYN windows, duplicated records, and gaps
 * of up to 20 windows (some longer than the 660 s TCP timeout), and now
 * and then a 600 s window of a second flow log over the same stream.  Sessions
 * are compared in a canonical form (endpoints ordered, bytes per canonical
 * direction), since a service learned later may orient a flushed one by
 * port instead. */
static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

typedef struct prop_rec {
    fst_record r;
    int64_t end;
} prop_rec;

static int by_end(const void *a, const void *b)
{
    const prop_rec *x = a, *y = b;
    return (x->end > y->end) - (x->end < y->end);
}

static int canon_one(const fst_session *x, void *ud)
{
    dump *d = ud;
    if (!x)
        return 0;
    char c[FST_ADDR_STRLEN], v[FST_ADDR_STRLEN];
    rh_ntoa(&x->client_addr, c);
    rh_ntoa(&x->server_addr, v);
    const int swap = strcmp(c, v) > 0 || (strcmp(c, v) == 0 && x->client_port > x->server_port);
    char line[256];
    const int n = snprintf(line, sizeof line, "%s:%u %s:%u %ld-%ld %lu/%lu %lu/%lu %lu %u\n",
                           swap ? v : c, swap ? x->server_port : x->client_port, swap ? c : v,
                           swap ? x->client_port : x->server_port, (long)x->first_seen,
                           (long)x->last_seen,
                           (unsigned long)(swap ? x->s2c_packets : x->c2s_packets),
                           (unsigned long)(swap ? x->s2c_bytes : x->c2s_bytes),
                           (unsigned long)(swap ? x->c2s_packets : x->s2c_packets),
                           (unsigned long)(swap ? x->c2s_bytes : x->s2c_bytes),
                           (unsigned long)x->records, x->n_enis);
    dump_add(d, line, n);
    return 0;
}

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The dump's lines, sorted, joined again. */
static void sort_dump(dump *d)
{
    size_t n = 0;
    for (size_t i = 0; i < d->len; i++)
        n += d->buf[i] == '\n';
    char **v = malloc((n + 1) * sizeof *v), *p = d->buf;
    for (size_t i = 0; i < n; i++) {
        v[i] = p;
        p = strchr(p, '\n');
        *p++ = '\0';
    }
    qsort(v, n, sizeof *v, cmp_lines);
    char *joined = malloc(d->len + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const size_t l = strlen(v[i]);
        memcpy(joined + k, v[i], l);
        joined[k + l] = '\n';
        k += l + 1;
    }
    joined[k] = '\0';
    free(v);
    free(d->buf);
    d->buf = joined;
}

static const char *const prop_hosts[] = {"10.0.0.1", "10.0.0.2", "10.0.0.3"};

static size_t make_prop(prop_rec *v, size_t cap, uint64_t seed)
{
    rng_state = seed;
    size_t n = 0;
    int64_t t = 100000;
    for (int c = 0; c < 300 && n + 200 < cap; c++) {
        t += 30 + rnd(400);
        const char *cl = prop_hosts[rnd(3)], *sv = "10.0.9.9";
        const unsigned cport = 40000 + rnd(4), sport = rnd(2) ? 443 : 5432;
        const int nwin = 1 + (int)rnd(40), two = rnd(4) != 0, open = rnd(5) != 0,
                  fin = rnd(5) < 3;
        int64_t w0 = t;
        for (int w = 0; w < nwin; w++) {
            if (rnd(10) == 0)
                w0 += 60 * (int64_t)(1 + rnd(20)); /* a gap, sometimes past the timeout */
            int cf = 0, sf = 0;
            if (w == 0 && open)
                cf = 2, sf = 18;
            if (w == nwin - 1 && fin)
                cf |= 1, sf |= 1;
            if (rnd(20) == 0)
                cf |= 4;
            if (w && rnd(33) == 0)
                cf |= 2;
            const uint64_t cb = 40 + rnd(2000), sb = 40 + rnd(90000);
            for (int e = 0; e < (two ? 2 : 1); e++) {
                const char *eni = e ? "eni-s" : "eni-c";
                const int64_t s0 = w0 + e * 17, s1 = s0 + 50;
                v[n].r = RH(.eni = eni, .src = cl, .dst = sv, .sp = cport, .dp = sport, .pk = 3,
                            .by = cb, .t0 = s0, .t1 = s1, .flags = cf,
                            .fdir = e ? "ingress" : "egress");
                v[n].end = s1;
                n++;
                v[n].r = RH(.eni = eni, .src = sv, .dst = cl, .sp = sport, .dp = cport, .pk = 5,
                            .by = sb, .t0 = s0, .t1 = s1, .flags = sf,
                            .fdir = e ? "egress" : "ingress");
                v[n].end = s1;
                n++;
                if (rnd(33) == 0) { /* the same record twice (two flow logs) */
                    v[n] = v[n - 1];
                    n++;
                }
                if (rnd(40) == 0) { /* a second flow log with 600 s windows */
                    v[n].r = RH(.eni = eni, .src = sv, .dst = cl, .sp = sport, .dp = cport,
                                .pk = 7, .by = sb, .t0 = s0, .t1 = s0 + 590, .flags = sf,
                                .fdir = e ? "egress" : "ingress");
                    v[n].end = s0 + 590;
                    n++;
                }
            }
            w0 += 60;
        }
    }
    qsort(v, n, sizeof *v, by_end); /* not stable: equal ends in any order */
    return n;
}

static void prop_run(uint32_t horizon, const prop_rec *v, size_t n, dump *d,
                     fst_stitch_stats *stats)
{
    fst_stitcher_config cfg;
    fst_stitcher_config_init(&cfg);
    cfg.horizon = horizon;
    /* Streaming equals batch when a silence that continues a connection is
     * shorter than horizon + idle (docs/sessions.md "Streaming": a longer
     * one is flushed, by design).  The gaps here reach 1200 s: bound the
     * TCP silence by the idle timeout in both runs. */
    cfg.conntrack_tcp = cfg.idle_tcp;
    fst_stitcher *s = fst_stitcher_new(&cfg);
    cr_assert_not_null(s);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(fst_stitcher_push(s, &v[i].r), 0);
        if (horizon && i % 97 == 96)
            cr_assert_eq(fst_stitcher_flush(s, canon_one, d), 0);
    }
    cr_assert_eq(fst_stitcher_finish(s, canon_one, d), 0);
    *stats = *fst_stitcher_stats(s);
    fst_stitcher_free(s);
    sort_dump(d);
}

Test(stream, same_sessions_as_batch_on_time_ordered_records)
{
    enum { CAP = 40000 };
    prop_rec *v = malloc(CAP * sizeof *v);
    cr_assert_not_null(v);
    uint64_t folded = 0, flushes = 0;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        const size_t n = make_prop(v, CAP, seed * 0x9e3779b97f4a7c15ull);
        dump b = {0}, s = {0};
        fst_stitch_stats bs, ss;
        prop_run(0, v, n, &b, &bs);
        prop_run(60, v, n, &s, &ss);
        cr_assert_eq(ss.records_late, 0);
        cr_assert_eq(ss.sessions, bs.sessions, "seed %lu", (unsigned long)seed);
        cr_assert_eq(ss.records_joined, bs.records_joined);
        cr_assert_eq(ss.bytes_counted, bs.bytes_counted);
        cr_assert_str_eq(s.buf, b.buf, "seed %lu", (unsigned long)seed);
        folded += ss.records_folded;
        flushes += ss.flushes;
        free(b.buf);
        free(s.buf);
    }
    cr_assert_gt(folded, 1000); /* the folding was exercised */
    cr_assert_gt(flushes, 100);
    free(v);
}

/* A few records dated far in the future (a clock gone wrong) do not move
 * the data's clock, the median end of the latest 256 records: with 3
 * connections ending at 1058, 3 at 3000 and 1 at 4e9 among the latest,
 * the clock is 3000 and only the connections ending at 1058 are written
 * (cut-off 2240), not all of them. */
Test(stream, a_bogus_future_time_does_not_flush_everything)
{
    conn("10.0.0.1", 40000, "10.0.0.2", 1000, 1058, 500, 4000);
    conn("10.0.0.5", 40000, "10.0.0.2", 1000, 1058, 500, 4000);
    conn("10.0.0.6", 40000, "10.0.0.2", 1000, 1058, 500, 4000);
    conn("10.0.0.3", 41000, "10.0.0.2", 2900, 3000, 1, 1);
    conn("10.0.0.3", 41001, "10.0.0.2", 2900, 3000, 1, 1);
    conn("10.0.0.4", 41000, "10.0.0.2", 2900, 3000, 1, 1);
    conn("10.0.0.7", 42000, "10.0.0.2", 3999999000, 4000000000, 1, 1);
    /* ends: 6 x 1058, 6 x 3000, 2 x 4e9; median (index 7) 3000 */
    cr_assert_eq(fst_stitcher_flush(st, rh_collect, &out), 0);
    cr_assert_eq(out.n, 3);
    cr_assert_eq(fst_stitcher_finish(st, rh_collect, &out), 0);
    cr_assert_eq(out.n, 7);
    cr_assert_eq(fst_stitcher_stats(st)->records_late, 0);
}

/* Services learned from handshakes are forgotten 6 hours (data time) after
 * they last answered, so what streaming holds does not grow with every
 * server ever met.  A: 10.0.0.1:50000 -> 10.0.0.2:40001 with SYN and
 * SYN-ACK (ends 1058) teaches that 10.0.0.2:40001 is a service.  B1, a
 * default-format (flagless) talk between 10.0.0.3:50001 and that service at
 * 5000-5058, both ports ephemeral, is oriented by it ("learned-service").
 * Filler connections (ending at 3000, 7000, 30000, 40000) move the clock:
 * flushes at clocks 3000 (writes A), 7000 (B1), 30000 (forgets what was
 * not seen since 30000 - 21600 = 8400: A's service) and 40000 (B2, the same
 * talk from 10.0.0.4:50002 at 31000, now "unknown").  The median arithmetic
 * is in the comments below. */
static void filler(int n, int64_t end, unsigned *port)
{
    for (int i = 0; i < n; i++)
        conn("10.0.0.9", (*port)++, "10.0.0.8", end - 100, end, 1, 1);
}

static void flagless_talk(const char *c, unsigned cport, int64_t t0)
{
    push(RH(.fmt = RH_V2, .eni = "eni-b", .src = c, .dst = "10.0.0.2", .sp = cport, .dp = 40001,
            .pk = 1, .by = 100, .t0 = t0, .t1 = t0 + 58));
    push(RH(.fmt = RH_V2, .eni = "eni-b", .src = "10.0.0.2", .dst = c, .sp = 40001, .dp = cport,
            .pk = 1, .by = 100, .t0 = t0, .t1 = t0 + 58));
}

static const fst_session *find_client(const char *addr)
{
    char b_[FST_ADDR_STRLEN];
    for (size_t i = 0; i < out.n; i++) {
        if (!strcmp(rh_ntoa(&out.s[i].client_addr, b_), addr) ||
            !strcmp(rh_ntoa(&out.s[i].server_addr, b_), addr))
            return &out.s[i];
    }
    cr_assert_fail("no session of %s", addr);
    return NULL;
}

Test(stream, learned_services_are_forgotten_after_six_hours)
{
    unsigned port = 41000;
    push(RH(.eni = "eni-a", .src = "10.0.0.1", .dst = "10.0.0.2", .sp = 50000, .dp = 40001,
            .pk = 1, .by = 60, .t0 = 1000, .t1 = 1058, .flags = 2, .fdir = "egress"));
    push(RH(.eni = "eni-a", .src = "10.0.0.2", .dst = "10.0.0.1", .sp = 40001, .dp = 50000,
            .pk = 1, .by = 60, .t0 = 1000, .t1 = 1058, .flags = 18, .fdir = "ingress"));
    filler(2, 3000, &port); /* ends 2 x 1058, 4 x 3000: median (index 3) 3000 */
    cr_assert_eq(fst_stitcher_flush(st, rh_collect, &out), 0);
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.s[0].basis, FST_BASIS_TCP_SYN);

    flagless_talk("10.0.0.3", 50001, 5000);
    filler(4, 7000, &port); /* 16 ends, 8 below 7000: median (index 8) 7000 */
    cr_assert_eq(fst_stitcher_flush(st, rh_collect, &out), 0);
    const fst_session *b1 = find_client("10.0.0.3");
    cr_assert_eq(b1->basis, FST_BASIS_LEARNED);
    char b_[FST_ADDR_STRLEN];
    cr_assert_str_eq(rh_ntoa(&b1->client_addr, b_), "10.0.0.3");

    filler(10, 30000, &port); /* 36 ends, 16 below: median (index 18) 30000 */
    cr_assert_eq(fst_stitcher_flush(st, rh_collect, &out), 0);
    flagless_talk("10.0.0.4", 50002, 31000);
    filler(30, 40000, &port); /* 98 ends, 38 below: median (index 49) 40000 */
    cr_assert_eq(fst_stitcher_flush(st, rh_collect, &out), 0);
    const fst_session *b2 = find_client("10.0.0.4");
    cr_assert_eq(b2->basis, FST_BASIS_UNKNOWN);
    cr_assert_eq(fst_stitcher_finish(st, rh_collect, &out), 0);
    cr_assert_eq(out.n, 1 + 1 + 2 + 4 + 10 + 1 + 30);
}

/* A flush without horizon is a usage error; with nothing pushed it writes
 * nothing. */
/* Batch (horizon 0): a flush only evicts when held state reached the
 * memory cap (tests/test_memcap.c); under it, nothing is written. */
Test(stream, flush_in_batch_mode_writes_nothing_under_the_cap)
{
    cr_assert_eq(fst_stitcher_flush(st, rh_collect, &out), 0);
    cr_assert_eq(out.n, 0);
    fst_stitcher_free(st);
    make(0);
    conn("10.0.0.1", 40000, "10.0.0.2", 1000, 1058, 500, 4000);
    cr_assert_eq(fst_stitcher_flush(st, rh_collect, &out), 0);
    cr_assert_eq(out.n, 0);
    cr_assert_eq(fst_stitcher_finish(st, rh_collect, &out), 0);
    cr_assert_eq(fst_stitcher_flush(st, rh_collect, &out), FST_EINVAL, "after finish");
}

static int stop_after_one(const fst_session *s, void *ud)
{
    cr_assert_not_null(s, "no end-of-flush call once the callback stopped");
    rh_collect(s, ud);
    return 1;
}

/* A callback that stops during a flush: nothing more is written, neither
 * at later flushes nor at finish. */
Test(stream, a_stopping_callback_stops_everything)
{
    conn("10.0.0.1", 40000, "10.0.0.2", 1000, 1058, 500, 4000);
    conn("10.0.0.5", 40000, "10.0.0.2", 1000, 1058, 500, 4000);
    for (int i = 0; i < 3; i++)
        conn("10.0.0.3", 41000, "10.0.0.2", 2900, 3000, 1, 1);
    cr_assert_eq(fst_stitcher_flush(st, stop_after_one, &out), 0);
    cr_assert_eq(out.n, 1);
    cr_assert_eq(fst_stitcher_finish(st, rh_collect, &out), 0);
    cr_assert_eq(out.n, 1);
}

/* The CLI: --horizon implies --stream and needs a positive number. */
Test(stream_cli, horizon_option_is_checked, .init = NULL, .fini = NULL)
{
    cli_run r = run_cli("sessions --horizon 0 " FST_SOURCE_DIR "/fixtures/demo");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "--horizon: must be at least 1 second"), "%s", r.err);
    cli_run_free(&r);
    r = run_cli("sessions --horizon soon " FST_SOURCE_DIR "/fixtures/demo");
    cr_assert_eq(r.status, 2);
    cli_run_free(&r);
    r = run_cli("sessions --stream --stats /dev/stderr -q " FST_SOURCE_DIR "/fixtures/demo");
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* fixtures/demo/README.md: five 5-tuples, one session each, all held
     * to the end (the demo spans 10 minutes, less than one flush step) */
    cr_assert_eq(count_lines(r.out), 5);
    cr_assert(strstr(r.err, "\"flushes\":0,\"records_late\":0,\"groups_held_peak\":5"), "%s",
              r.err);
    cli_run_free(&r);
}
