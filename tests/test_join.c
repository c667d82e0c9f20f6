/* tests/test_join.c - the join (observe -> seal -> correlate -> order): the
 * same sessions whatever the order of the records, the thread count, the
 * number of readers they come through and the path (the reader feed, whose
 * ENI pointers are trusted per reader, or fst_stitcher_push, which checks
 * the text); a connection's records out of order across two ENIs, and a
 * long connection (more entries than the group sort's insertion-sort
 * threshold) delivered shuffled with a duplicate.  Values derived by hand
 * from the record model (../shared/docs/aws-flowlogs.md): a record is one
 * direction of a 5-tuple at one ENI in one window; a session counts each
 * direction once, from one ENI. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flowstitch.h>

#include "observe/observe.h"
#include "records_helper.h"

#include "stitcher_rig.h"

TestSuite(join, .init = setup, .fini = teardown);

/* One window of one TCP connection 10.0.1.5:40000 -> 10.0.2.9:443 at both
 * ENIs (eni-s 25 s behind eni-c), in the order given by ord[0..4): 0 c->s
 * at eni-c (egress), 1 s->c at eni-c, 2 c->s at eni-s (ingress), 3 s->c at
 * eni-s. */
static void window4(int64_t t, uint64_t c2s, uint64_t s2c, int fc, int fs, const int ord[4])
{
    const char *c = "10.0.1.5", *s = "10.0.2.9";
    for (int k = 0; k < 4; k++) {
        const int at_s = ord[k] >= 2, back = ord[k] % 2;
        const int64_t t0 = t + (at_s ? 25 : 0);
        push(RH(.eni = at_s ? "eni-s" : "eni-c", .src = back ? s : c, .dst = back ? c : s,
                .sp = back ? 443 : 40000, .dp = back ? 40000 : 443, .pk = (back ? s2c : c2s) / 100,
                .by = back ? s2c : c2s, .t0 = t0, .t1 = t0 + 60, .flags = back ? fs : fc));
    }
}

/* What the one session of a test must say (10.0.1.5:40000 the client). */
typedef struct one {
    uint64_t records;
    int64_t first, last;
    uint64_t c2s_bytes, c2s_packets, s2c_bytes, s2c_packets;
} one;

static void expect_one(one w)
{
    cr_assert_eq(out.n, 1);
    const fst_session *x = &out.s[0];
    cr_assert_eq(x->records, w.records);
    cr_assert_eq(x->first_seen, w.first);
    cr_assert_eq(x->last_seen, w.last);
    cr_assert_eq(x->c2s_bytes, w.c2s_bytes);
    cr_assert_eq(x->c2s_packets, w.c2s_packets);
    cr_assert_eq(x->s2c_bytes, w.s2c_bytes);
    cr_assert_eq(x->s2c_packets, w.s2c_packets);
    ASSERT_EP(x->client_addr, x->client_port, "10.0.1.5", 40000);
    ASSERT_EP(x->server_addr, x->server_port, "10.0.2.9", 443);
}

/* The second window arrives first, each window's four records scrambled:
 * still one session of 8 records, each direction counted from one ENI
 * (both saw the same): c->s 500 + 700 bytes, s->c 1500 + 2500; it starts
 * at eni-c's first window (100) and ends with eni-s's second (185 + 60). */
Test(join, out_of_order_across_two_enis)
{
    const int late[4] = {3, 0, 2, 1}, early[4] = {1, 2, 3, 0};
    window4(160, 700, 2500, 1, 17, late);   /* FIN, FIN-ACK */
    window4(100, 500, 1500, 2, 18, early);  /* SYN, SYN-ACK */
    finish();
    expect_one((const one){8, 100, 245, 1200, 12, 4000, 40});
}

/* 30 windows of 60 s at both ENIs (120 records), pushed in a scrambled
 * order (i -> 77 i mod 120 is a permutation: 77 and 120 are coprime), plus
 * one record delivered twice: one session of 121 records, window w
 * carrying 100 (w + 1) bytes each way, so each direction counts
 * 100 (1 + ... + 30) = 46500 bytes once. */
Test(join, long_connection_shuffled_with_duplicate)
{
    const char *c = "10.0.1.5", *s = "10.0.2.9";
    for (int i = 0; i < 121; i++) {
        const int r = i == 120 ? 5 : (77 * i) % 120; /* the last: record 5 again */
        const int w = r / 4, at_s = (r % 4) >= 2, back = r % 2;
        const int64_t t0 = 1000 + 60 * w + (at_s ? 25 : 0);
        const int flags = w == 0 ? (back ? 18 : 2) : w == 29 ? (back ? 17 : 1) : 16;
        push(RH(.eni = at_s ? "eni-s" : "eni-c", .src = back ? s : c, .dst = back ? c : s,
                .sp = back ? 443 : 40000, .dp = back ? 40000 : 443, .pk = (uint64_t)w + 1,
                .by = 100 * ((uint64_t)w + 1), .t0 = t0, .t1 = t0 + 60, .flags = flags));
    }
    finish();
    expect_one((const one){121, 1000, 1000 + 60 * 29 + 25 + 60, 46500, 465, 46500, 465});
}

/* ---- many connections through readers: the same output every way ---- */

#define N_CONN 20000   /* > the order sort's parallel threshold (16384) */
#define N_ENI 50

/* Connection k: 10.1.a.b:(20000 + k % 30000) -> 10.2.c.d:443 (a distinct
 * 5-tuple each), between client ENI k % N_ENI and server ENI
 * (k + 7) % N_ENI, over 2 windows (every 97th: 40, a group past the
 * insertion-sort threshold), 4 records per window: N_CONN sessions. */
static int conn_windows(int k) { return k % 97 == 0 ? 40 : 2; }

static size_t conn_line(char *b, size_t cap, int k, int w, int rec)
{
    const int at_s = rec >= 2, back = rec % 2;
    const int eni = at_s ? (k + 7) % N_ENI : k % N_ENI;
    char ca[32], sa[32];
    snprintf(ca, sizeof ca, "10.1.%d.%d", (k / 250) % 250, k % 250 + 1);
    snprintf(sa, sizeof sa, "10.2.%d.%d", (k / 100) % 250, k % 100 + 1);
    const int cp = 20000 + k % 30000;
    const long t0 = 1700000000L + 60L * (k % 1000) + 60L * w + (at_s ? 25 : 0);
    const int n = snprintf(b, cap, "2 123456789012 eni-%017d %s %s %d %d 6 %d %d %ld %ld ACCEPT OK\n",
                           eni, back ? sa : ca, back ? ca : sa, back ? 443 : cp, back ? cp : 443,
                           1 + w, 100 * (1 + w) + back, t0, t0 + 59);
    cr_assert(n > 0 && (size_t)n < cap);
    return (size_t)n;
}

typedef struct corpus {
    char *text;
    size_t len, half; /* half: the end of the first line past the middle */
    size_t records;
} corpus;

/* Every record of every connection, in a scrambled order: record i of the
 * list goes to place (i * 7919) mod n (7919 is prime and does not divide
 * n, so this is a permutation). */
static void make_corpus(corpus *c)
{
    size_t n = 0;
    for (int k = 0; k < N_CONN; k++)
        n += 4 * (size_t)conn_windows(k);
    cr_assert(n % 7919 != 0);
    char **lines = calloc(n, sizeof *lines);
    cr_assert_not_null(lines);
    size_t i = 0;
    char b[160];
    for (int k = 0; k < N_CONN; k++)
        for (int w = 0; w < conn_windows(k); w++)
            for (int r = 0; r < 4; r++, i++) {
                const size_t len = conn_line(b, sizeof b, k, w, r);
                const size_t at = (size_t)((i * 7919ull) % n);
                cr_assert_null(lines[at]);
                lines[at] = strndup(b, len);
            }
    FILE *f = open_memstream(&c->text, &c->len);
    cr_assert_not_null(f);
    for (i = 0; i < n; i++) {
        fputs(lines[i], f);
        free(lines[i]);
        if (i + 1 == n / 2) {
            fflush(f);
            c->half = c->len;
        }
    }
    fclose(f);
    free(lines);
    c->records = n;
}

static int write_session(const fst_session *s, void *ud)
{
    return fst_session_writer_write(ud, s) < 0;
}

/* The sessions of the corpus as JSON Lines: through fst_stitcher_push_reader
 * with `threads` over `readers` readers (1: one; 2: the two halves, the
 * first reader freed before the second is made, so its interned ENI
 * pointers may come back naming other ENIs), or (readers 0) through the
 * loop of fst_reader_next and fst_stitcher_push; readers 3: one reader,
 * with provenance on, which keeps the entries in push order and sorts
 * them at the seal instead of partitioning them by group range
 * (observe/part.c).  *sessions: the count. */
static char *run_corpus(const corpus *c, int threads, int readers, size_t *len, uint64_t *sessions)
{
    fst_stitcher_config sc;
    fst_stitcher_config_init(&sc);
    sc.threads = (uint32_t)threads;
    sc.provenance = readers == 3;
    if (readers == 3)
        readers = 1;
    fst_stitcher *s = fst_stitcher_new(&sc);
    cr_assert_not_null(s);
    const size_t cut[3] = {0, readers == 2 ? c->half : c->len, c->len};
    for (int p = 0; p < (readers == 2 ? 2 : 1); p++) {
        fst_reader_config rc;
        fst_reader_config_init(&rc);
        fst_reader *r = fst_reader_new(&rc);
        cr_assert_not_null(r);
        cr_assert_eq(fst_reader_add_mem(r, p ? "b.log" : "a.log", c->text + cut[p], cut[p + 1] - cut[p]), 0);
        if (readers) {
            const char *file;
            uint64_t line;
            cr_assert_eq(fst_stitcher_push_reader(s, r, &file, &line), 0);
        } else {
            const fst_record *rec;
            int n;
            while ((n = fst_reader_next(r, &rec)) > 0)
                cr_assert_eq(fst_stitcher_push(s, rec), 0);
            cr_assert_eq(n, 0);
        }
        fst_reader_free(r);
    }
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    cr_assert_not_null(f);
    fst_writer *w = fst_session_writer_open(f, FST_OUT_JSONL);
    cr_assert_not_null(w);
    cr_assert_eq(fst_stitcher_finish(s, write_session, w), 0);
    cr_assert_eq(fst_writer_close(w), 0);
    fclose(f);
    *sessions = fst_stitcher_stats(s)->sessions;
    cr_assert_eq(fst_stitcher_stats(s)->records_joined, c->records);
    fst_stitcher_free(s);
    return text;
}

Test(join, same_sessions_any_threads_readers_path, .timeout = 120)
{
    corpus c;
    make_corpus(&c);
    size_t len0, len;
    uint64_t n0, n;
    char *ref = run_corpus(&c, 1, 1, &len0, &n0);
    cr_assert_eq(n0, N_CONN, "sessions %llu, want one per connection", (unsigned long long)n0);
    const int runs[][2] = {{2, 1}, {1, 2}, {2, 2}, {1, 0}, {2, 0}, {1, 3}, {2, 3}};
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        char *x = run_corpus(&c, runs[i][0], runs[i][1], &len, &n);
        cr_assert_eq(n, n0, "threads %d readers %d", runs[i][0], runs[i][1]);
        cr_assert_eq(len, len0, "threads %d readers %d", runs[i][0], runs[i][1]);
        cr_assert(!memcmp(x, ref, len), "threads %d readers %d: sessions differ", runs[i][0],
                  runs[i][1]);
        free(x);
    }
    free(ref);
    free(c.text);
}

/* ---- partitions (observe/part.c) against the flat store ---- */

/* 5000 keys (10.3.x.y:30000 + k % 20 -> 10.4.0.1:80), key k with
 * 1 + k % 7 entries at two ENIs, pushed interleaved (entry j of every
 * key, then entry j + 1): 5000 groups over 3 partitions of 2048, and
 * sum over k of (1 + k % 7) = 714 * 28 + (1 + 2) = 19,995 entries
 * (5000 = 714 * 7 + 2). */
static void push_keys(fst__observe *o)
{
    for (int j = 0; j < 7; j++)
        for (int k = 0; k < 5000; k++) {
            if (j >= 1 + k % 7)
                continue;
            char src[32];
            snprintf(src, sizeof src, "10.3.%d.%d", k / 250, k % 250 + 1);
            const fst_record r = RH(.eni = j % 2 ? "eni-b" : "eni-a", .src = src, .dst = "10.4.0.1",
                                    .sp = 30000 + (unsigned)(k % 20), .dp = 80, .pk = 1,
                                    .by = 1000u + (uint64_t)j, .t0 = 60 * j, .t1 = 60 * j + 59);
            cr_assert_eq(fst__observe_push(o, &r), 0);
        }
}

/* The memory cap counts the same bytes either way (a partitioned run
 * evicts where a flat one would), and after the seal both give, group by
 * group, the same entries through the expanders: the partitioned run,
 * which stays partitioned (each expander sorts a partition as it reaches
 * it), in push order (a group's window starts ascend), taken by two
 * expanders over whole partitions [0, 2048) and [2048, 5000). */
Test(join, partitions_hold_and_seal_like_the_flat_store)
{
    fst__observe flat, part;
    cr_assert_eq(fst__observe_init(&flat, NULL, 1), 0);
    cr_assert_eq(fst__observe_init(&part, NULL, 1), 0);
    fst__observe_parts_on(&part);
    cr_assert(part.partitioned);
    push_keys(&flat);
    push_keys(&part);
    cr_assert_eq(fst__observe_settle(&flat), 0);
    cr_assert_eq(fst__observe_settle(&part), 0);
    cr_assert_eq(part.n_rec, 19995);
    cr_assert_eq(part.n_groups, 5000);
    cr_assert_eq(part.n_parts, 3);
    cr_assert_eq(fst__observe_held_bytes(&part), fst__observe_held_bytes(&flat));
    cr_assert_eq(fst__observe_seal(&flat, 1), 0);
    cr_assert_eq(fst__observe_seal(&part, 2), 0);
    cr_assert(part.partitioned);
    fst__expander ef, ep[2];
    fst__expander_init(&ef, &flat, 0, 5000, 0);
    fst__expander_init(&ep[0], &part, 0, 2048, 0);
    fst__expander_init(&ep[1], &part, 2048, 5000, 0);
    uint32_t total = 0;
    for (uint32_t g = 0; g < 5000; g++) {
        fst__expander *x = &ep[g >= 2048];
        uint32_t gf, gp;
        cr_assert_eq(fst__expand_next(&flat, &ef, &gf), 1);
        cr_assert_eq(fst__expand_next(&part, x, &gp), 1);
        cr_assert_eq(gf, g);
        cr_assert_eq(gp, g);
        const uint32_t n = fst__observe_group(&part, g)->n;
        cr_assert_eq(n, 1 + g % 7, "group %u", g); /* keys first seen in order k */
        cr_assert_eq(x->n_wins, n);
        cr_assert_eq(ef.n_wins, n);
        int64_t sum_flat = 0;
        for (uint32_t i = 0; i < n; i++) {
            cr_assert_eq(x->wins[i].start, 60 * (int64_t)i, "group %u entry %u", g, i);
            cr_assert_eq(x->wins[i].bytes, 1000 + i);
            sum_flat += ef.wins[i].start;
        }
        cr_assert_eq(sum_flat, 60 * (int64_t)n * (n - 1) / 2); /* the same starts, any order */
        total += n;
    }
    uint32_t gi;
    cr_assert_eq(fst__expand_next(&flat, &ef, &gi), 0);
    cr_assert_eq(fst__expand_next(&part, &ep[0], &gi), 0);
    cr_assert_eq(fst__expand_next(&part, &ep[1], &gi), 0);
    cr_assert_eq(total, 19995);
    fst__expander_free(&ef);
    fst__expander_free(&ep[0]);
    fst__expander_free(&ep[1]);
    fst__observe_drop_entries(&flat);
    fst__observe_drop_entries(&part);
    cr_assert(!part.partitioned);
    fst__observe_free(&flat);
    fst__observe_free(&part);
}

/* ---- the partitions' encoding (part.c: enc/dec) ---- */

static int cmp_win(const void *pa, const void *pb)
{
    const fst__win *a = pa, *b = pb;
#define CMPF(f)                                                                              \
    if (a->f != b->f)                                                                      \
        return a->f < b->f ? -1 : 1;
    CMPF(start) CMPF(dur) CMPF(eni) CMPF(bits) CMPF(bytes) CMPF(packets) CMPF(flags)
    CMPF(action) CMPF(fdir) CMPF(tpath) CMPF(nrec)
#undef CMPF
    return 0;
}

/* Every value an entry holds comes back from a partition as it went in:
 * 3,000 keys (two partitions) at 300 ENIs, 12,000 records whose fields
 * take their extremes and random values (starts from 0 to past 2106,
 * starts jumping back and forth by up to 2^32, durations to 65,535 and
 * past it, packets and bytes to 2^32 - 1 and past it, every tcp-flags
 * value, both actions, both flow directions, traffic paths 1-8): group by
 * group, the same entries (all fields) as the flat store gives. */
Test(join, part_codec_round_trips)
{
    static fst_format fmt;
    fmt = *rh_format(RH_FULL);
    FST_FIELDSET_ADD(fmt.fields, FST_F_TRAFFIC_PATH);
    fst__observe flat, part;
    cr_assert_eq(fst__observe_init(&flat, NULL, 1), 0);
    cr_assert_eq(fst__observe_init(&part, NULL, 1), 0);
    fst__observe_parts_on(&part);
    const int64_t t_edge[] = {0, 1, 127, 128, 16383, 16384, INT32_MAX, (int64_t)INT32_MAX + 1,
                              UINT32_MAX - 70000LL, UINT32_MAX, (int64_t)UINT32_MAX + 5};
    const uint64_t n_edge[] = {0, 1, 127, 128, 16383, 16384, 2097151, 2097152, 268435455,
                               268435456, UINT32_MAX, (uint64_t)UINT32_MAX + 1};
    uint64_t x = 0x9e3779b97f4a7c15u;
    uint32_t pushed = 0;
    for (int i = 0; i < 12000; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        const uint32_t r = (uint32_t)(x >> 33);
        const int k = i % 3000;
        char src[32], eni[32];
        snprintf(src, sizeof src, "10.5.%d.%d", k / 250, k % 250 + 1);
        snprintf(eni, sizeof eni, "eni-%017x", (unsigned)(r % 300));
        const int64_t t0 = r % 5 == 0 ? t_edge[r / 5 % 11] : 1700000000 + (int64_t)(r % 100000);
        const uint64_t dur = r % 7 == 0 ? (r / 7 % 2 ? 65535 : 65536) : r % 61;
        fst_record rec = RH(.eni = eni, .src = src, .dst = "10.6.0.1", .sp = 40000 + (unsigned)(k % 17),
                            .dp = 443, .pk = r % 3 ? r % 900 : n_edge[r / 3 % 12],
                            .by = r % 4 ? (uint64_t)r % 70000 : n_edge[r / 4 % 12],
                            .t0 = t0, .t1 = t0 + (int64_t)dur, .reject = (int)(r >> 9 & 1),
                            .flags = (int)(r >> 11 & 0xff), .noflags = (r >> 19 & 7) == 0,
                            .fdir = r >> 22 & 1 ? "egress" : "ingress");
        rec.format = &fmt;
        rec.num[FST_F_TRAFFIC_PATH] = 1 + (r >> 24 & 7);
        const int a = fst__observe_push(&flat, &rec), b = fst__observe_push(&part, &rec);
        cr_assert_eq(a, b, "record %d", i);
        pushed += a == 0;
    }
    cr_assert_eq(fst__observe_settle(&flat), 0);
    cr_assert_eq(fst__observe_settle(&part), 0);
    cr_assert(part.partitioned);
    cr_assert_eq(part.n_groups, 3000);
    cr_assert_eq(part.n_parts, 2);
    cr_assert_eq(part.n_rec, pushed);
    cr_assert_eq(pushed, 12000); /* every record stored (wide ones aside) */
    cr_assert_eq(fst__observe_seal(&flat, 1), 0);
    cr_assert_eq(fst__observe_seal(&part, 2), 0);
    fst__expander ef, ep;
    fst__expander_init(&ef, &flat, 0, 3000, 0);
    fst__expander_init(&ep, &part, 0, 3000, 0);
    uint32_t total = 0;
    for (uint32_t g = 0; g < 3000; g++) {
        uint32_t gf, gp;
        cr_assert_eq(fst__expand_next(&flat, &ef, &gf), 1);
        cr_assert_eq(fst__expand_next(&part, &ep, &gp), 1);
        cr_assert_eq(gp, g);
        cr_assert_eq(ep.n_wins, 4);
        cr_assert_eq(ef.n_wins, 4);
        qsort(ef.wins, 4, sizeof *ef.wins, cmp_win);
        qsort(ep.wins, 4, sizeof *ep.wins, cmp_win);
        for (uint32_t i = 0; i < 4; i++)
            cr_assert_eq(cmp_win(&ef.wins[i], &ep.wins[i]), 0, "group %u entry %u", g, i);
        total += 4;
    }
    cr_assert_eq(total, 12000);
    fst__expander_free(&ef);
    fst__expander_free(&ep);
    fst__observe_drop_entries(&flat);
    fst__observe_drop_entries(&part);
    fst__observe_free(&flat);
    fst__observe_free(&part);
}

/* ---- the output order (stitch/order.c: buckets by first_seen) ---- */

/* A new stitcher (st) with the default configuration on `threads` threads. */
static void restart_threads(int threads)
{
    fst_stitcher_free(st);
    fst_stitcher_config cfg;
    fst_stitcher_config_init(&cfg);
    cfg.threads = threads;
    st = fst_stitcher_new(&cfg);
    cr_assert_not_null(st);
}

typedef struct seen {
    int64_t first;
    uint32_t client; /* IPv4, host order */
    uint16_t port;
    uint32_t n;
} seen;

static int check_order(const fst_session *s, void *ud)
{
    seen *v = ud;
    const uint32_t a = (uint32_t)s->client_addr.b[12] << 24 | (uint32_t)s->client_addr.b[13] << 16 |
                       (uint32_t)s->client_addr.b[14] << 8 | s->client_addr.b[15];
    cr_assert_eq(s->client_addr.family, 4);
    cr_assert_eq(s->id, (uint64_t)v->n + 1);
    if (v->n) { /* docs/output.md "Order": first_seen, then client address, then port */
        const int after = s->first_seen > v->first ||
                          (s->first_seen == v->first &&
                           (a > v->client || (a == v->client && s->client_port > v->port)));
        cr_assert(after, "session %u (%lld %08x:%u) after (%lld %08x:%u)", v->n,
                  (long long)s->first_seen, a, s->client_port, (long long)v->first, v->client,
                  v->port);
    }
    v->first = s->first_seen;
    v->client = a;
    v->port = s->client_port;
    v->n++;
    return 0;
}

/* 40,000 one-record TCP openings (SYN, so the sender is the client) pushed
 * in a scrambled order, whose starts cover 40 years in 400 clusters of
 * three seconds in a row: the run spans more seconds than it has sessions,
 * so the buckets are 2^k seconds wide and hold different starts, and many
 * sessions share a second, ordered by client address and port.  On one
 * thread and two, every session comes out, in the documented order. */
Test(join, order_by_first_seen_across_wide_buckets)
{
    for (int threads = 1; threads <= 2; threads++) {
        restart_threads(threads);
        for (uint32_t i = 0; i < 40000; i++) {
            const uint32_t k = (i * 7919u) % 40000u; /* 7919 is prime: a permutation */
            /* starts: 400 clusters (k % 400) from 1e8 to 1e8 + 399 *
             * 3,155,760 s (40 years), each of three seconds in a row
             * (k % 3): ~33 sessions a second */
            const int64_t t = 100000000 + (int64_t)(k % 400) * 3155760 + (int64_t)(k % 3);
            char src[32];
            snprintf(src, sizeof src, "10.%u.%u.%u", k / 20000, (k / 100) % 200, (k * 37) % 250 + 1);
            const fst_record r = RH(.eni = "eni-o", .src = src, .dst = "10.9.0.1", .sp = 1024 + k % 50000,
                                    .dp = 22, .pk = 1, .by = 60, .t0 = t, .t1 = t, .flags = 2);
            cr_assert_eq(fst_stitcher_push(st, &r), 0);
        }
        seen v = {0};
        cr_assert_eq(fst_stitcher_finish(st, check_order, &v), 0);
        cr_assert_eq(v.n, 40000, "threads %d", threads);
    }
}

/* ---- correlation's second half in pieces (correlate.c) ---- */

typedef struct tally {
    uint64_t n, c2s_bytes;
} tally;

static int add_up(const fst_session *s, void *ud)
{
    tally *t = ud;
    t->n++;
    t->c2s_bytes += s->c2s_bytes;
    return 0;
}

/* The second half of the groups (correlated on the other thread) is kept
 * in pieces that never grow: one key there makes 20,000 sessions, more
 * than a piece's usual room, after other keys have begun a piece.  2,148
 * TCP keys with 30 contiguous windows each (one session of 30 x 1,000
 * bytes apiece): the first 2,048 fill the first partition, so the halves
 * split at group 2,048, and 100 more open the second half; the last key
 * is one UDP 5-tuple seen every 1,000 s, past the 300 s UDP idle timeout:
 * 20,000 sessions of 77 bytes.  One thread and two: 22,148 sessions,
 * 2,148 * 30,000 + 20,000 * 77 bytes. */
Test(join, second_half_pieces_hold_a_key_of_many_sessions, .timeout = 120)
{
    for (int threads = 1; threads <= 2; threads++) {
        restart_threads(threads);
        for (int w = 0; w < 30; w++)
            for (int k = 0; k < 2148; k++) {
                char src[32];
                snprintf(src, sizeof src, "10.7.%d.%d", k / 200, k % 200 + 1);
                const fst_record r = RH(.eni = "eni-p", .src = src, .dst = "10.8.0.1", .sp = 40000,
                                        .dp = 443, .pk = 10, .by = 1000, .t0 = 60 * w,
                                        .t1 = 60 * w + 60);
                cr_assert_eq(fst_stitcher_push(st, &r), 0);
            }
        for (int i = 0; i < 20000; i++) {
            const fst_record r = RH(.eni = "eni-p", .src = "10.7.99.1", .dst = "10.8.0.2", .sp = 5000,
                                    .dp = 53, .proto = 17, .pk = 1, .by = 77, .t0 = 1000 * (int64_t)i,
                                    .t1 = 1000 * (int64_t)i);
            cr_assert_eq(fst_stitcher_push(st, &r), 0);
        }
        tally t = {0};
        cr_assert_eq(fst_stitcher_finish(st, add_up, &t), 0);
        cr_assert_eq(t.n, 22148, "threads %d", threads);
        cr_assert_eq(t.c2s_bytes, 2148u * 30000u + 20000u * 77u, "threads %d", threads);
    }
}
