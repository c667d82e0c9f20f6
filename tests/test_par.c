/* tests/test_par.c - fst_stitcher_finish on two threads (src/util/par.c and
 * its users: the seal sort by group, the correlation of two group ranges,
 * the session order sort) must give exactly what one thread gives: the
 * sessions written (ids, order, NAT legs, ENI lists, Community IDs) and the
 * statistics.  The inputs are large enough for finish() to split the work
 * (more than 64 Ki window entries, more than one 256 Ki entry block, more
 * than 16 Ki sessions), with many groups, port reuse, duplicate records,
 * long groups, NAT gateway legs with and without pkt-* fields, SKIPDATA,
 * and a group holding most of the entries; and a callback that stops the
 * run part way (the emission pipeline must call it exactly as often).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flowstitch.h>

#include "stitch_dump.h"

typedef struct result {
    int frc;
    char *out, *acct;
    size_t olen, alen;
} result;

static int write_session(const fst_session *s, void *ud)
{
    return fst_session_writer_write(ud, s) < 0;
}


/* The whole run on `threads` threads over one in-memory input. */
static void run(result *x, const char *name, const char *buf, size_t len, uint32_t threads)
{
    memset(x, 0, sizeof *x);
    FILE *out = open_memstream(&x->out, &x->olen);
    FILE *acct = open_memstream(&x->acct, &x->alen);
    cr_assert(out && acct);
    fst_reader_config rc;
    fst_reader_config_init(&rc);
    fst_reader *r = fst_reader_new(&rc);
    cr_assert_not_null(r);
    cr_assert_eq(fst_reader_add_mem(r, name, buf, len), 0);
    fst_stitcher_config sc;
    fst_stitcher_config_init(&sc);
    sc.threads = threads;
    fst_stitcher *st = fst_stitcher_new(&sc);
    cr_assert_not_null(st);
    cr_assert_eq(fst_stitcher_push_reader(st, r, NULL, NULL), 0);
    fst_writer *w = fst_session_writer_open(out, FST_OUT_JSONL);
    cr_assert_not_null(w);
    x->frc = fst_stitcher_finish(st, write_session, w);
    cr_assert_eq(fst_writer_close(w), 0);
    dump_stitch(acct, fst_stitcher_stats(st));
    fst_stitcher_free(st);
    fst_reader_free(r);
    fclose(out);
    fclose(acct);
}

/* Runs threads 1 and 2 and compares; returns the session count. */
static uint64_t same_both_ways(const char *name, const char *buf, size_t len)
{
    result one, two;
    run(&one, name, buf, len, 1);
    run(&two, name, buf, len, 2);
    cr_assert_eq(one.frc, 0);
    cr_assert_eq(two.frc, 0);
    cr_assert_eq(one.olen, two.olen, "sessions: %zu vs %zu bytes", one.olen, two.olen);
    cr_assert(!memcmp(one.out, two.out, one.olen), "sessions differ");
    cr_assert_str_eq(one.acct, two.acct);
    uint64_t lines = 0;
    for (size_t i = 0; i < one.olen; i++)
        lines += one.out[i] == '\n';
    free(one.out);
    free(one.acct);
    free(two.out);
    free(two.acct);
    return lines;
}

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

/* Connections c = 0..n-1 between client 10.1.x.y (ENI eni-c<c % 300>) and
 * one of 40 servers 10.2.0.s (ENI eni-s<s>), logged at both ENIs in both
 * directions, window after window, interleaved in time so that a group's
 * entries are spread over the whole input.  Some connections are long
 * (40 windows), some reuse their port after a FIN, some records are
 * logged twice, some go out through a NAT gateway (eni-nat, pkt-*
 * fields when with_pkt, else its own address in place of the internet
 * host), some are UDP or ICMP, and some windows of some ENIs are
 * SKIPDATA. */
static char *gen_conns(uint64_t seed, int n, int with_pkt, size_t *len)
{
    char *buf = NULL;
    size_t blen = 0;
    FILE *f = open_memstream(&buf, &blen);
    cr_assert_not_null(f);
    if (with_pkt)
        fputs("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
              "packets bytes start end action log-status tcp-flags pkt-srcaddr pkt-dstaddr\n",
              f);
    const int slots = 64; /* connection c starts in window c % slots */
    for (int win = 0; win < slots + 40; win++) {
        const unsigned t = 1600000000u + (unsigned)win * 60u;
        for (int c = win % 2; c < n; c += 1) {
            uint64_t s = seed ^ (uint64_t)c * 0x9e3779b97f4a7c15ULL;
            const uint64_t r = lcg(&s);
            const int start = c % slots;
            const int dur = r % 29 == 0 ? 40 : (int)(r % 4) + 1;
            const int k = win - start; /* window of this connection */
            if (k < 0 || k >= dur)
                continue;
            const unsigned ca = 1 + (unsigned)(c / 250), cb = (unsigned)(c % 250);
            const unsigned srv = (unsigned)(r / 7 % 40);
            const unsigned cport = 1024 + (unsigned)(r / 300 % 60000);
            const unsigned proto = r % 13 == 0 ? 17 : r % 31 == 0 ? 1 : 6;
            const unsigned sport = proto == 1 ? 0 : proto == 17 ? 53 : 443;
            const unsigned cp = proto == 1 ? 0 : cport;
            const unsigned pk = (unsigned)(r % 40 + 1), by = (unsigned)(r % 9000 + 40);
            /* flags per window: SYN first, FIN last; a port reuse opens again */
            const int reuse = proto == 6 && dur > 2 && r % 5 == 0 && k == dur / 2;
            const unsigned fc = proto != 6 ? 0 : (k == 0 || reuse) ? 2 : k == dur - 1 || k == dur / 2 - 1 ? 1 : 16;
            const unsigned fs = proto != 6 ? 0 : (k == 0 || reuse) ? 18 : k == dur - 1 ? 17 : 16;
            const int nat = r % 17 == 0;
            const int dups = r % 23 == 0 ? 2 : 1;
            for (int d = 0; d < dups; d++) {
                if (nat) {
                    /* instance -> NAT (10.9.0.1) -> 203.0.113.x */
                    const unsigned h = (unsigned)(r / 11 % 200);
                    const unsigned np = 20000 + (unsigned)(c % 40000);
                    if (with_pkt) {
                        fprintf(f, "5 123456789012 eni-c%d 10.1.%u.%u 203.0.113.%u %u %u %u %u %u %u %u ACCEPT OK %u - -\n",
                                c % 300, ca, cb, h, cp, sport, proto, pk, by, t, t + 59, fc);
                        fprintf(f, "5 123456789012 eni-nat 10.1.%u.%u 203.0.113.%u %u %u %u %u %u %u %u ACCEPT OK %u 10.1.%u.%u 203.0.113.%u\n",
                                ca, cb, h, cp, sport, proto, pk, by, t, t + 59, fc, ca, cb, h);
                        fprintf(f, "5 123456789012 eni-nat 10.9.0.1 203.0.113.%u %u %u %u %u %u %u %u ACCEPT OK %u 10.9.0.1 203.0.113.%u\n",
                                h, np, sport, proto, pk, by, t, t + 59, fc, h);
                        fprintf(f, "5 123456789012 eni-nat 203.0.113.%u 10.9.0.1 %u %u %u %u %u %u %u ACCEPT OK %u 203.0.113.%u 10.9.0.1\n",
                                h, sport, np, proto, pk, by * 3, t, t + 59, fs, h);
                    } else {
                        fprintf(f, "2 123456789012 eni-c%d 10.1.%u.%u 203.0.113.%u %u %u %u %u %u %u %u ACCEPT OK\n",
                                c % 300, ca, cb, h, cp, sport, proto, pk, by, t, t + 59);
                        fprintf(f, "2 123456789012 eni-nat 10.1.%u.%u 10.9.0.1 %u %u %u %u %u %u %u ACCEPT OK\n",
                                ca, cb, cp, sport, proto, pk, by, t, t + 59);
                        fprintf(f, "2 123456789012 eni-nat 10.9.0.1 10.1.%u.%u %u %u %u %u %u %u %u ACCEPT OK\n",
                                ca, cb, sport, cp, proto, pk, by * 3, t, t + 59);
                        fprintf(f, "2 123456789012 eni-nat 10.9.0.1 203.0.113.%u %u %u %u %u %u %u %u ACCEPT OK\n",
                                h, np, sport, proto, pk, by, t, t + 59);
                    }
                    continue;
                }
                const char *act = r % 37 == 0 ? "REJECT" : "ACCEPT";
                if (with_pkt) {
                    fprintf(f, "5 123456789012 eni-c%d 10.1.%u.%u 10.2.0.%u %u %u %u %u %u %u %u %s OK %u - -\n",
                            c % 300, ca, cb, srv, cp, sport, proto, pk, by, t, t + 59, act, fc);
                    fprintf(f, "5 123456789012 eni-c%d 10.2.0.%u 10.1.%u.%u %u %u %u %u %u %u %u %s OK %u - -\n",
                            c % 300, srv, ca, cb, sport, cp, proto, pk, by * 2, t, t + 59, act, fs);
                    if (r % 3) /* the server side is not always logged */
                        fprintf(f, "5 123456789012 eni-s%u 10.1.%u.%u 10.2.0.%u %u %u %u %u %u %u %u %s OK %u - -\n",
                                srv, ca, cb, srv, cp, sport, proto, pk, by, t + 7, t + 66, act, fc);
                } else {
                    fprintf(f, "2 123456789012 eni-c%d 10.1.%u.%u 10.2.0.%u %u %u %u %u %u %u %u %s OK\n",
                            c % 300, ca, cb, srv, cp, sport, proto, pk, by, t, t + 59, act);
                    fprintf(f, "2 123456789012 eni-s%u 10.2.0.%u 10.1.%u.%u %u %u %u %u %u %u %u %s OK\n",
                            srv, srv, ca, cb, sport, cp, proto, pk, by * 2, t + 7, t + 66, act);
                }
            }
        }
        if (win % 9 == 4)
            fprintf(f, "%d 123456789012 eni-s%d - - - - - - - %u %u - SKIPDATA%s\n",
                    with_pkt ? 5 : 2, win % 40, t, t + 59, with_pkt ? " - - -" : "");
    }
    fclose(f);
    *len = blen;
    return buf;
}

TestSuite(par);

/* v5 with tcp-flags and pkt-*: NAT legs tied to their sessions, port
 * reuse, duplicates; the split falls inside the data. */
Test(par, many_groups_v5)
{
    size_t len;
    char *b = gen_conns(11, 60000, 1, &len);
    const uint64_t n = same_both_ways("many-v5.log", b, len);
    cr_assert_gt(n, 50000, "only %llu sessions", (unsigned long long)n);
    free(b);
}

/* The default (v2) format: NAT inside legs folded (natfold.c). */
Test(par, many_groups_default_format)
{
    size_t len;
    char *b = gen_conns(5, 50000, 0, &len);
    const uint64_t n = same_both_ways("many-v2.log", b, len);
    cr_assert_gt(n, 40000, "only %llu sessions", (unsigned long long)n);
    free(b);
}

/* One 5-tuple holds most of the entries (a long connection logged every
 * second at two ENIs), among a few thousand small groups: the halves are
 * very uneven and the big group goes through the qsort path. */
Test(par, one_big_group)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    for (int i = 0; i < 200000; i++) {
        const unsigned t = 1600000000u + (unsigned)i;
        fprintf(f, "2 123456789012 eni-a 10.0.0.1 10.0.0.2 40000 5432 6 3 300 %u %u ACCEPT OK\n",
                t, t + 1);
        if (i % 50 == 0)
            fprintf(f, "2 123456789012 eni-b 10.0.0.%u 10.0.0.1 %u 22 6 3 300 %u %u ACCEPT OK\n",
                    3 + (unsigned)(i / 50 % 200), 1024 + (unsigned)i / 50, t, t + 59);
    }
    fclose(f);
    same_both_ways("big.log", buf, len);
    free(buf);
}

/* A single group: nothing to split. */
Test(par, single_group)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    for (int i = 0; i < 100000; i++) {
        const unsigned t = 1600000000u + (unsigned)i * 700u; /* past the idle timeout */
        fprintf(f, "2 123456789012 eni-a 10.0.0.1 10.0.0.2 40000 5432 6 3 300 %u %u ACCEPT OK\n",
                t, t + 1);
    }
    fclose(f);
    const uint64_t n = same_both_ways("one.log", buf, len);
    cr_assert_eq(n, 100000);
    free(buf);
}

/* A callback that stops the run: finish() must call it exactly as often on
 * two threads as on one, and return what one thread returns. */
typedef struct stop_ctx {
    uint64_t calls, stop_at, id_sum;
    int ret;
} stop_ctx;

static int stop_cb(const fst_session *s, void *ud)
{
    stop_ctx *c = ud;
    c->calls++;
    c->id_sum += s->id;
    return c->calls == c->stop_at ? c->ret : 0;
}

static int run_stop(const char *buf, size_t len, uint32_t threads, stop_ctx *c)
{
    fst_reader_config rc;
    fst_reader_config_init(&rc);
    fst_reader *r = fst_reader_new(&rc);
    cr_assert_not_null(r);
    cr_assert_eq(fst_reader_add_mem(r, "stop.log", buf, len), 0);
    fst_stitcher_config sc;
    fst_stitcher_config_init(&sc);
    sc.threads = threads;
    fst_stitcher *st = fst_stitcher_new(&sc);
    cr_assert_not_null(st);
    cr_assert_eq(fst_stitcher_push_reader(st, r, NULL, NULL), 0);
    const int frc = fst_stitcher_finish(st, stop_cb, c);
    fst_stitcher_free(st);
    fst_reader_free(r);
    return frc;
}

Test(par, callback_stops_the_same)
{
    size_t len;
    char *b = gen_conns(3, 25000, 1, &len);
    /* chunk edges of the emission pipeline (8192 sessions) and later */
    const uint64_t stops[] = {1, 8192, 8193, 20001};
    const int rets[] = {1, -1, 1, -1}; /* > 0 stops quietly, < 0 is returned */
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
        stop_ctx one = {0, stops[i], 0, rets[i]}, two = {0, stops[i], 0, rets[i]};
        const int r1 = run_stop(b, len, 1, &one), r2 = run_stop(b, len, 2, &two);
        cr_assert_eq(one.calls, stops[i]);
        cr_assert_eq(two.calls, one.calls, "stop at %llu: %llu calls",
                     (unsigned long long)stops[i], (unsigned long long)two.calls);
        cr_assert_eq(two.id_sum, one.id_sum);
        cr_assert_eq(r1, rets[i] < 0 ? rets[i] : 0);
        cr_assert_eq(r2, r1);
    }
    free(b);
}
