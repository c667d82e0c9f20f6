/* tests/test_flowgen.c - invariants of the flow-log generator (tools/flowgen).
 *
 * The tiny scenario below is specified by hand; every expected record was
 * worked out on paper from ../shared/docs/aws-flowlogs.md (1.6 address
 * rules, 2 tcp-flags OR-ed per window, 3.1 per-ENI contiguous windows, 5.6
 * the NAT example), not copied from the program's output.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowgen_cap.h"

/* ---- the tiny hand-built VPC ---- */

#define T0 1700000000
static const int win60[] = {60};
static const int win45[] = {45, 60};

typedef struct tiny {
    fg_model *m;
    int a, b, nat;
    cap c;
} tiny;

static void build_tiny(tiny *t)
{
    fg_config cfg;
    fg_config_init(&cfg);
    cfg.t0 = T0;
    cfg.duration = 120;
    cfg.skip_rate = 0;
    cfg.late_rate = 0;
    t->m = fg_model_new(&cfg);
    int s0 = fg_add_subnet(t->m, 0, 1, 0), s1 = fg_add_subnet(t->m, 1, 1, 0), s2 = fg_add_subnet(t->m, 0, 1, 0);
    fg_eni_spec a = {.subnet = s0, .kind = FG_ENI_INSTANCE, .nitro = 1, .primary = "10.0.1.5",
                     .secondary = {"10.0.1.6"}, .windows = win60, .n_windows = 1};
    fg_eni_spec b = {.subnet = s1, .kind = FG_ENI_INSTANCE, .nitro = 1, .primary = "10.0.2.7",
                     .windows = win45, .n_windows = 2};
    fg_eni_spec n = {.subnet = s2, .kind = FG_ENI_NAT, .nitro = 1, .primary = "10.0.0.220",
                     .windows = win60, .n_windows = 1};
    t->a = fg_add_eni(t->m, &a);
    t->b = fg_add_eni(t->m, &b);
    t->nat = fg_add_eni(t->m, &n);

    /* 1: A (secondary 10.0.1.6) -> B:443, across AZs, open in A's window 0
     *    and closed (FIN) in A's window 1. */
    static const fg_burst b1[] = {
        {T0 + 10, FG_C2S, 2, 0, 1, 60},  {T0 + 10, FG_S2C, 18, 0, 1, 60},
        {T0 + 11, FG_C2S, 0, 0, 3, 500}, {T0 + 50, FG_S2C, 0, 0, 10, 12000},
        {T0 + 70, FG_C2S, 1, 0, 2, 104}, {T0 + 70, FG_S2C, 1, 0, 1, 52},
    };
    fg_conn_spec c1 = {6, 0, "10.0.1.6", "10.0.2.7", 40000, 443, -1, 0, 0, 0, b1, 6};
    c1.cls = 1; /* inter-az */
    fg_add_conn(t->m, &c1);
    /* 2: A -> NAT -> 203.0.113.5:80, outside source port 61000 */
    static const fg_burst b2[] = {
        {T0 + 20, FG_C2S, 2, 0, 1, 60},  {T0 + 20, FG_S2C, 18, 0, 1, 60},
        {T0 + 21, FG_C2S, 1, 0, 2, 104}, {T0 + 21, FG_S2C, 1, 0, 2, 1552},
    };
    fg_conn_spec c2 = {6, 4, "10.0.1.5", "203.0.113.5", 50000, 80, t->nat, 61000, 0, 0, b2, 4};
    fg_add_conn(t->m, &c2);
    /* 3: internet -> B:22 dropped by the security group (SYN + 2 retries) */
    static const fg_burst b3[] = {
        {T0 + 30, FG_C2S, 2, 0, 1, 60}, {T0 + 31, FG_C2S, 2, 0, 1, 60}, {T0 + 33, FG_C2S, 2, 0, 1, 60},
    };
    fg_conn_spec c3 = {6, 5, "198.51.100.9", "10.0.2.7", 33333, 22, -1, 0, 1, 0, b3, 3};
    fg_add_conn(t->m, &c3);

    memset(&t->c, 0, sizeof t->c);
    fg_sink sink = {&t->c, cap_on_line, cap_on_truth};
    fg_run(t->m, &sink);
}

static void free_tiny(tiny *t)
{
    cap_free(&t->c);
    fg_model_free(t->m);
}

/* The OK line at ENI `eni` with these logged addresses and ports. */
static const cap_line *find(const tiny *t, int eni, const char *src, const char *dst, int sport, int dport,
                            int64_t win_start)
{
    const char *id = fg_eni_id(fg_eni_at(t->m, (size_t)eni));
    for (size_t i = 0; i < t->c.n; i++) {
        const cap_line *x = &t->c.lines[i];
        if (x->l.status == FG_OK && strcmp(x->eni, id) == 0 && strcmp(x->src, src) == 0 &&
            strcmp(x->dst, dst) == 0 && x->l.sport == sport && x->l.dport == dport && x->l.win_start == win_start)
            return x;
    }
    return NULL;
}

static void expect(const cap_line *x, const char *psrc, const char *pdst, uint64_t pk, uint64_t by, int64_t s,
                   int64_t e, int flags, int egress, int tpath, int action)
{
    cr_assert_not_null(x);
    cr_expect_str_eq(x->psrc, psrc);
    cr_expect_str_eq(x->pdst, pdst);
    cr_expect_eq(x->l.packets, pk, "packets %llu != %llu", (unsigned long long)x->l.packets, (unsigned long long)pk);
    cr_expect_eq(x->l.bytes, by, "bytes %llu != %llu", (unsigned long long)x->l.bytes, (unsigned long long)by);
    cr_expect_eq(x->l.start, s);
    cr_expect_eq(x->l.end, e);
    cr_expect_eq(x->l.flags, flags, "flags %d != %d", x->l.flags, flags);
    cr_expect_eq(x->l.egress, egress);
    cr_expect_eq(x->l.tpath, tpath);
    cr_expect_eq(x->l.action, action);
}

Test(flowgen, tiny_record_count)
{
    tiny t;
    build_tiny(&t);
    /* A: w0 [0,60) conn1 x2 + conn2 x2, w1 [60,120) conn1 x2.
     * B: w0 [0,45) conn1 x2 + conn3 x1 (no reply), w1 [45,105) conn1 x2,
     *    w2 [105,165) open at the end of the range, idle -> NODATA.
     * NAT: w0 conn2 x4 (two legs, two directions), w1 idle -> NODATA.
     * A's next window would open at t1 exactly: never published. */
    size_t ok = 0, nodata = 0;
    for (size_t i = 0; i < t.c.n; i++) {
        ok += t.c.lines[i].l.status == FG_OK;
        nodata += t.c.lines[i].l.status == FG_NODATA;
    }
    cr_expect_eq(ok, 15, "OK records %zu", ok);
    cr_expect_eq(nodata, 2, "NODATA %zu", nodata);
    cr_expect_eq(t.c.n, 17);
    cr_expect_eq(t.c.nt, 3);
    free_tiny(&t);
}

Test(flowgen, secondary_ip_and_flags_per_window)
{
    tiny t;
    build_tiny(&t);
    /* A egress: own primary in srcaddr, the secondary only in pkt-srcaddr;
     * w0 holds the SYN (2), w1 the FIN (1). */
    expect(find(&t, t.a, "10.0.1.5", "10.0.2.7", 40000, 443, T0), "10.0.1.6", "10.0.2.7", 4, 560, T0 + 10, T0 + 11,
           2, 1, 1, FG_ACCEPT);
    expect(find(&t, t.a, "10.0.2.7", "10.0.1.5", 443, 40000, T0), "10.0.2.7", "10.0.1.6", 11, 12060, T0 + 10,
           T0 + 50, 18, 0, 0, FG_ACCEPT);
    expect(find(&t, t.a, "10.0.1.5", "10.0.2.7", 40000, 443, T0 + 60), "10.0.1.6", "10.0.2.7", 2, 104, T0 + 70,
           T0 + 70, 1, 1, 1, FG_ACCEPT);
    expect(find(&t, t.a, "10.0.2.7", "10.0.1.5", 443, 40000, T0 + 60), "10.0.2.7", "10.0.1.6", 1, 52, T0 + 70,
           T0 + 70, 1, 0, 0, FG_ACCEPT);
    /* B ingress keeps the packet source (the secondary); B's windows are
     * [0,45) and [45,105): the 10-packet response lands in w1 with the FIN */
    expect(find(&t, t.b, "10.0.1.6", "10.0.2.7", 40000, 443, T0), "10.0.1.6", "10.0.2.7", 4, 560, T0 + 10, T0 + 11,
           2, 0, 0, FG_ACCEPT);
    expect(find(&t, t.b, "10.0.2.7", "10.0.1.6", 443, 40000, T0), "10.0.2.7", "10.0.1.6", 1, 60, T0 + 10, T0 + 10,
           18, 1, 1, FG_ACCEPT);
    expect(find(&t, t.b, "10.0.1.6", "10.0.2.7", 40000, 443, T0 + 45), "10.0.1.6", "10.0.2.7", 2, 104, T0 + 70,
           T0 + 70, 1, 0, 0, FG_ACCEPT);
    expect(find(&t, t.b, "10.0.2.7", "10.0.1.6", 443, 40000, T0 + 45), "10.0.2.7", "10.0.1.6", 11, 12052, T0 + 50,
           T0 + 70, 1, 1, 1, FG_ACCEPT);
    free_tiny(&t);
}

Test(flowgen, nat_example_shape)
{
    tiny t;
    build_tiny(&t);
    /* NAT ENI, the four records of aws-flowlogs.md 5.6, with ports */
    expect(find(&t, t.nat, "10.0.1.5", "10.0.0.220", 50000, 80, T0), "10.0.1.5", "203.0.113.5", 3, 164, T0 + 20,
           T0 + 21, 3, 0, 0, FG_ACCEPT);
    expect(find(&t, t.nat, "10.0.0.220", "203.0.113.5", 61000, 80, T0), "10.0.0.220", "203.0.113.5", 3, 164,
           T0 + 20, T0 + 21, 3, 1, 2, FG_ACCEPT);
    expect(find(&t, t.nat, "203.0.113.5", "10.0.0.220", 80, 61000, T0), "203.0.113.5", "10.0.0.220", 3, 1612,
           T0 + 20, T0 + 21, 19, 0, 0, FG_ACCEPT);
    expect(find(&t, t.nat, "10.0.0.220", "10.0.1.5", 80, 50000, T0), "203.0.113.5", "10.0.1.5", 3, 1612, T0 + 20,
           T0 + 21, 19, 1, 1, FG_ACCEPT);
    /* the instance sees the internet host, not the NAT */
    expect(find(&t, t.a, "10.0.1.5", "203.0.113.5", 50000, 80, T0), "10.0.1.5", "203.0.113.5", 3, 164, T0 + 20,
           T0 + 21, 3, 1, 1, FG_ACCEPT);
    expect(find(&t, t.a, "203.0.113.5", "10.0.1.5", 80, 50000, T0), "203.0.113.5", "10.0.1.5", 3, 1612, T0 + 20,
           T0 + 21, 19, 0, 0, FG_ACCEPT);
    const fg_truth *tr = NULL;
    for (size_t i = 0; i < t.c.nt; i++)
        if (t.c.truths[i].has_nat)
            tr = &t.c.truths[i];
    cr_assert_not_null(tr);
    cr_expect_str_eq(tr->client_addr, "10.0.1.5");
    cr_expect_str_eq(tr->server_addr, "203.0.113.5");
    cr_expect_str_eq(tr->nat_outside_addr, "10.0.0.220");
    cr_expect_eq(tr->nat_outside_port, 61000);
    cr_expect_eq(tr->n_enis, 2);
    cr_expect(tr->tags & (1u << FG_CL_NAT));
    cr_expect(tr->tags & (1u << FG_CL_INTERNET_OUT));
    free_tiny(&t);
}

Test(flowgen, sg_reject_and_truth)
{
    tiny t;
    build_tiny(&t);
    expect(find(&t, t.b, "198.51.100.9", "10.0.2.7", 33333, 22, T0), "198.51.100.9", "10.0.2.7", 3, 180, T0 + 30,
           T0 + 33, 2, 0, 0, FG_REJECT);
    cr_expect_null(find(&t, t.b, "10.0.2.7", "198.51.100.9", 22, 33333, T0));
    for (size_t i = 0; i < t.c.nt; i++) {
        const fg_truth *tr = &t.c.truths[i];
        if (tr->server_port == 22) {
            cr_expect_eq(tr->packets[FG_C2S], 3);
            cr_expect_eq(tr->packets[FG_S2C], 0);
            cr_expect(tr->tags & (1u << FG_CL_REJ_SG));
            cr_expect(tr->tags & (1u << FG_CL_INTERNET_IN));
        }
        if (tr->server_port == 443) {
            /* c2s 1+3+2 packets, 60+500+104 bytes; s2c 1+10+1, 60+12000+52 */
            cr_expect_eq(tr->packets[FG_C2S], 6);
            cr_expect_eq(tr->bytes[FG_C2S], 664);
            cr_expect_eq(tr->packets[FG_S2C], 12);
            cr_expect_eq(tr->bytes[FG_S2C], 12112);
            cr_expect_str_eq(tr->client_addr, "10.0.1.6");
            cr_expect(tr->handshake_logged);
            cr_expect(tr->tags & (1u << FG_CL_SECONDARY));
            cr_expect(tr->tags & (1u << FG_CL_INTER_AZ));
            cr_expect_eq(tr->start, T0 + 10);
            cr_expect_eq(tr->end, T0 + 70);
        }
    }
    free_tiny(&t);
}

/* ---- port reuse: when can the logs separate two dials? ----
 *
 * ENI A (10.0.1.5) has 60 s windows [0,60) [60,120); ENI B (10.0.2.7, other
 * AZ) has [0,45) [45,105) [105,165).  One connection spec, 10.0.1.5:40000 ->
 * 10.0.2.7:443, dialled twice (life 0 = conn_id 1, life 1 = conn_id 2: the
 * only connection of the model, ids start at 1).  A record carries a dial
 * when it holds some of that dial's packets; the second dial is merged into
 * the first when every delivered record carrying it also carries the first,
 * at both ENIs, both directions. */

#define DIAL(t, L)                                                                     \
    {(t), FG_C2S, 2, (L), 1, 60}, {(t), FG_S2C, 18, (L), 1, 60},                       \
        {(t) + 1, FG_C2S, 0, (L), 2, 400}, {(t) + 1, FG_S2C, 0, (L), 3, 3000},        \
        {(t) + 2, FG_C2S, 1, (L), 2, 104}, {(t) + 2, FG_S2C, 1, (L), 1, 52}

typedef struct reuse {
    fg_model *m;
    cap c;
} reuse;

static void build_reuse(reuse *r, const fg_burst *b, size_t nb, const char *dir)
{
    fg_config cfg;
    fg_config_init(&cfg);
    cfg.t0 = T0;
    cfg.duration = 120;
    cfg.skip_rate = 0;
    cfg.late_rate = 0;
    r->m = fg_model_new(&cfg);
    int s0 = fg_add_subnet(r->m, 0, 1, 0), s1 = fg_add_subnet(r->m, 1, 1, 0);
    fg_eni_spec a = {.subnet = s0, .kind = FG_ENI_INSTANCE, .nitro = 1, .primary = "10.0.1.5",
                     .windows = win60, .n_windows = 1};
    fg_eni_spec e = {.subnet = s1, .kind = FG_ENI_INSTANCE, .nitro = 1, .primary = "10.0.2.7",
                     .windows = win45, .n_windows = 2};
    fg_add_eni(r->m, &a);
    fg_add_eni(r->m, &e);
    fg_conn_spec c = {6, 1, "10.0.1.5", "10.0.2.7", 40000, 443, -1, 0, 0, 0, b, nb};
    fg_add_conn(r->m, &c);
    memset(&r->c, 0, sizeof r->c);
    if (dir) { /* through the file writers, to see the JSON */
        fg_files *f = fg_files_open(r->m, dir, FG_DELIVER_CW, 1, "reuse");
        cr_assert_not_null(f);
        fg_sink sink = fg_files_sink(f);
        fg_run(r->m, &sink);
        cr_assert_eq(fg_files_close(f, NULL), 0);
    } else {
        fg_sink sink = {&r->c, cap_on_line, cap_on_truth};
        fg_run(r->m, &sink);
    }
}

static const fg_truth *truth_id(const reuse *r, uint64_t id)
{
    for (size_t i = 0; i < r->c.nt; i++)
        if (r->c.truths[i].conn_id == id)
            return &r->c.truths[i];
    return NULL;
}

static size_t ok_lines(const reuse *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->c.n; i++)
        n += r->c.lines[i].l.status == FG_OK;
    return n;
}

Test(flowgen, reuse_same_window_at_both_enis_is_merged)
{
    /* dial 1 at 5..7, dial 2 at 20..22: both in A [0,60) and in B [0,45).
     * So one record per ENI and direction (4 in all), each carrying both
     * dials: 2 is inseparable from 1, and 1 from 2; 1 is the earliest, so
     * 2 -> 1 and 1 has no key.  Each record holds 2 x 5 packets: c2s
     * 2 x (60+400+104) = 1128 bytes, s2c 2 x (60+3000+52) = 6224 bytes. */
    static const fg_burst b[] = {DIAL(T0 + 5, 0), DIAL(T0 + 20, 1)};
    reuse r;
    build_reuse(&r, b, sizeof b / sizeof b[0], NULL);
    cr_expect_eq(ok_lines(&r), 4);
    for (size_t i = 0; i < r.c.n; i++) {
        const fg_line *l = &r.c.lines[i].l;
        if (l->status != FG_OK)
            continue;
        cr_expect_eq(l->conn_id, 1);
        cr_expect_eq(l->packets, 10);
        cr_expect_eq(l->bytes, l->dir == FG_C2S ? 1128u : 6224u);
        cr_expect_eq(l->flags, l->dir == FG_C2S ? 3 : 19); /* 2|0|1, 18|0|1 */
    }
    cr_assert_eq(r.c.nt, 2);
    const fg_truth *t1 = truth_id(&r, 1), *t2 = truth_id(&r, 2);
    cr_assert(t1 && t2);
    cr_expect_eq(t1->log_merged_into, 0);
    cr_expect_eq(t2->log_merged_into, 1);
    cr_expect_eq(t2->start, T0 + 20);
    free(r.c.lines);
    free(r.c.truths);
    fg_model_free(r.m);
}

Test(flowgen, reuse_later_window_is_separable)
{
    /* dial 2 at 70..72: A [60,120) and B [45,105), windows dial 1 (5..7)
     * is not in at either ENI.  8 records, none carrying both. */
    static const fg_burst b[] = {DIAL(T0 + 5, 0), DIAL(T0 + 70, 1)};
    reuse r;
    build_reuse(&r, b, sizeof b / sizeof b[0], NULL);
    cr_expect_eq(ok_lines(&r), 8);
    const fg_truth *t1 = truth_id(&r, 1), *t2 = truth_id(&r, 2);
    cr_assert(t1 && t2);
    cr_expect_eq(t1->log_merged_into, 0);
    cr_expect_eq(t2->log_merged_into, 0);
    free(r.c.lines);
    free(r.c.truths);
    fg_model_free(r.m);
}

Test(flowgen, reuse_merged_at_one_eni_only_is_separable)
{
    /* dial 1 at 30..32, dial 2 at 50..52: one window at A ([0,60)), but at
     * B dial 1 is in [0,45) and dial 2 in [45,105).  B's records separate
     * them: 2 records at A + 4 at B, and no key on either. */
    static const fg_burst b[] = {DIAL(T0 + 30, 0), DIAL(T0 + 50, 1)};
    reuse r;
    build_reuse(&r, b, sizeof b / sizeof b[0], NULL);
    cr_expect_eq(ok_lines(&r), 6);
    cr_expect_eq(truth_id(&r, 1)->log_merged_into, 0);
    cr_expect_eq(truth_id(&r, 2)->log_merged_into, 0);
    free(r.c.lines);
    free(r.c.truths);
    fg_model_free(r.m);
}

Test(flowgen, reuse_first_dial_inside_the_second)
{
    /* dial 1 at 5..7; dial 2 opens at 20 (SYN, SYN-ACK), sends at 50 and
     * closes at 70.  A: [0,60) holds 1 and 2, [60,120) only 2.  B: [0,45)
     * holds 1 and 2's SYN, [45,105) only 2.  Every record of dial 1 also
     * carries dial 2, but dial 2 has records of its own: 1 -> 2, 2 none. */
    static const fg_burst b[] = {
        DIAL(T0 + 5, 0),
        {T0 + 20, FG_C2S, 2, 1, 1, 60},
        {T0 + 20, FG_S2C, 18, 1, 1, 60},
        {T0 + 50, FG_C2S, 0, 1, 2, 400},
        {T0 + 50, FG_S2C, 0, 1, 3, 3000},
        {T0 + 70, FG_C2S, 1, 1, 2, 104},
        {T0 + 70, FG_S2C, 1, 1, 1, 52},
    };
    reuse r;
    build_reuse(&r, b, sizeof b / sizeof b[0], NULL);
    cr_expect_eq(ok_lines(&r), 8);
    cr_expect_eq(truth_id(&r, 1)->log_merged_into, 2);
    cr_expect_eq(truth_id(&r, 2)->log_merged_into, 0);
    free(r.c.lines);
    free(r.c.truths);
    fg_model_free(r.m);
}

Test(flowgen, reuse_enis_per_dial_under_skipdata)
{
    /* Only A is logged (B's subnet has no flow log).  Dial 1 at 5..7 in
     * A's window 0, dial 2 at 70..72 in window 1.  With skip rate 0.5 the
     * seeds give every mix of SKIPDATA windows; whichever window became
     * SKIPDATA, the dial in it was delivered nowhere: its truth has no ENI
     * (and no handshake), while the other dial keeps A. */
    static const fg_burst b[] = {DIAL(T0 + 5, 0), DIAL(T0 + 70, 1)};
    int mixed = 0;
    for (uint64_t seed = 1; seed <= 64; seed++) {
        fg_config cfg;
        fg_config_init(&cfg);
        cfg.seed = seed;
        cfg.t0 = T0;
        cfg.duration = 120;
        cfg.skip_rate = 0.5;
        reuse r;
        r.m = fg_model_new(&cfg);
        int s0 = fg_add_subnet(r.m, 0, 1, 0), s1 = fg_add_subnet(r.m, 1, 0, 0);
        fg_eni_spec a = {.subnet = s0, .kind = FG_ENI_INSTANCE, .nitro = 1, .primary = "10.0.1.5",
                         .windows = win60, .n_windows = 1};
        fg_eni_spec e = {.subnet = s1, .kind = FG_ENI_INSTANCE, .nitro = 1, .primary = "10.0.2.7"};
        fg_add_eni(r.m, &a);
        fg_add_eni(r.m, &e);
        fg_conn_spec c = {6, 1, "10.0.1.5", "10.0.2.7", 40000, 443, -1, 0, 0, 0, b, 6 * 2};
        fg_add_conn(r.m, &c);
        memset(&r.c, 0, sizeof r.c);
        fg_sink sink = {&r.c, cap_on_line, cap_on_truth};
        fg_run(r.m, &sink);
        int skipped[2] = {0, 0};
        for (size_t i = 0; i < r.c.n; i++)
            if (r.c.lines[i].l.status == FG_SKIPDATA)
                skipped[r.c.lines[i].l.win_start == T0 ? 0 : 1] = 1;
        mixed += skipped[0] != skipped[1];
        for (uint64_t id = 1; id <= 2; id++) {
            const fg_truth *t = truth_id(&r, id);
            cr_assert_not_null(t);
            cr_expect_eq(t->n_enis, skipped[id - 1] ? 0 : 1, "seed %llu conn %llu", (unsigned long long)seed,
                         (unsigned long long)id);
            cr_expect_eq(t->handshake_logged, !skipped[id - 1]);
            cr_expect_eq(t->log_merged_into, 0);
        }
        free(r.c.lines);
        free(r.c.truths);
        fg_model_free(r.m);
    }
    cr_expect(mixed >= 8, "only %d seeds with one window skipped", mixed);
}

Test(flowgen, reuse_truth_json_key)
{
    /* the merged scenario through the writers: line 2 ends with the key,
     * line 1 has none */
    char dir[] = "/tmp/flowgen-reuse-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    static const fg_burst b[] = {DIAL(T0 + 5, 0), DIAL(T0 + 20, 1)};
    reuse r;
    build_reuse(&r, b, sizeof b / sizeof b[0], dir);
    char path[256], line[2048];
    snprintf(path, sizeof path, "%s/truth.jsonl", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    int n = 0, with_key = 0;
    while (fgets(line, sizeof line, f)) {
        n++;
        if (strstr(line, "\"conn_id\":2,")) {
            cr_expect(strstr(line, ",\"log_merged_into\":1}\n") != NULL, "%s", line);
            with_key++;
        } else {
            cr_expect(strstr(line, "\"conn_id\":1,") != NULL, "%s", line);
            cr_expect(strstr(line, "log_merged_into") == NULL, "%s", line);
        }
    }
    fclose(f);
    cr_expect_eq(n, 2);
    cr_expect_eq(with_key, 1);
    fg_model_free(r.m);
    snprintf(line, sizeof line, "rm -rf %s", dir);
    cr_expect_eq(system(line), 0);
}

/* ---- invariants over a generated scenario ---- */

static fg_model *scenario(uint64_t seed, double skip, cap *c)
{
    fg_config cfg;
    fg_config_init(&cfg);
    cfg.seed = seed;
    cfg.duration = 1800;
    cfg.connections = 3000;
    cfg.skip_rate = skip;
    fg_model *m = cap_run_small(&cfg, c);
    cr_assert_not_null(m);
    return m;
}

Test(flowgen, windows_contiguous_per_eni)
{
    cap c;
    fg_model *m = scenario(11, 0.01, &c);
    const int64_t t0 = fg_model_config(m)->t0, t1 = t0 + fg_model_config(m)->duration;
    for (size_t e = 0; e < fg_eni_count(m); e++) {
        const fg_eni *eni = fg_eni_at(m, e);
        int64_t ws = t0, we = -1;
        size_t seen = 0;
        for (size_t i = 0; i < c.n; i++) {
            const fg_line *l = &c.lines[i].l;
            if (l->eni != eni)
                continue;
            seen++;
            if (l->win_start != ws) { /* a new window starts where the last ended */
                cr_assert_eq(l->win_start, we, "%s: window %lld does not follow %lld", fg_eni_id(eni),
                             (long long)l->win_start, (long long)we);
                ws = l->win_start;
            }
            we = l->win_end;
            cr_assert(we > ws && we - ws <= fg_eni_max_window(eni));
            if (l->status == FG_OK) /* first/last packet inside the window and the range */
                cr_assert(l->start >= ws && l->end < we && l->start <= l->end && l->start >= t0 && l->end < t1);
            else /* NODATA/SKIPDATA carry the window bounds */
                cr_assert(l->start == ws && l->end == we);
        }
        if (fg_eni_logged(m, eni))
            cr_expect(seen > 0, "%s logged but silent", fg_eni_id(eni));
        else
            cr_expect_eq(seen, 0);
    }
    cap_free(&c);
    fg_model_free(m);
}

typedef struct obs_sum {
    const fg_eni *eni;
    uint64_t conn_id;
    uint8_t dir, egress;
    uint64_t packets, bytes;
} obs_sum;

static int sum_cmp(const void *a, const void *b)
{
    const obs_sum *x = a, *y = b;
    if (x->conn_id != y->conn_id)
        return x->conn_id < y->conn_id ? -1 : 1;
    if (x->eni != y->eni)
        return x->eni < y->eni ? -1 : 1;
    if (x->dir != y->dir)
        return x->dir - y->dir;
    return x->egress - y->egress;
}

Test(flowgen, every_observation_point_sees_the_truth_totals)
{
    cap c;
    fg_model *m = scenario(5, 0, &c);
    obs_sum *s = calloc(c.n + 1, sizeof *s);
    size_t n = 0;
    for (size_t i = 0; i < c.n; i++) {
        const fg_line *l = &c.lines[i].l;
        if (l->status != FG_OK)
            continue;
        s[n++] = (obs_sum){l->eni, l->conn_id, l->dir, l->egress, l->packets, l->bytes};
    }
    qsort(s, n, sizeof *s, sum_cmp);
    size_t k = 0; /* merge equal keys */
    for (size_t i = 0; i < n; i++) {
        if (k && sum_cmp(&s[k - 1], &s[i]) == 0) {
            s[k - 1].packets += s[i].packets;
            s[k - 1].bytes += s[i].bytes;
        } else {
            s[k++] = s[i];
        }
    }
    size_t checked = 0, two_enis = 0;
    for (size_t i = 0; i < c.nt; i++) {
        const fg_truth *t = &c.truths[i];
        if (t->tags & (1u << FG_CL_PORT_REUSE))
            continue; /* two lives can share one record */
        int points = 0;
        for (size_t j = 0; j < k; j++) {
            if (s[j].conn_id != t->conn_id)
                continue;
            points++;
            cr_assert_eq(s[j].packets, t->packets[s[j].dir], "conn %llu at %s dir %d: %llu != %llu",
                         (unsigned long long)t->conn_id, fg_eni_id(s[j].eni), s[j].dir,
                         (unsigned long long)s[j].packets, (unsigned long long)t->packets[s[j].dir]);
            cr_assert_eq(s[j].bytes, t->bytes[s[j].dir]);
        }
        checked++;
        two_enis += t->n_enis >= 2;
        cr_assert(points > 0 || (t->packets[0] + t->packets[1]) == 0, "conn %llu never logged",
                  (unsigned long long)t->conn_id);
    }
    cr_expect(checked > 1000);
    cr_expect(two_enis > 100);
    free(s);
    cap_free(&c);
    fg_model_free(m);
}

/* ---- determinism, through the file writers ---- */

static void write_dir(const char *dir, uint64_t seed)
{
    fg_config cfg;
    fg_config_init(&cfg);
    cfg.seed = seed;
    cfg.duration = 900;
    cfg.connections = 500;
    fg_model *m = fg_model_new(&cfg);
    cr_assert_eq(fg_build_scenario(m, "small"), 0);
    fg_files *f = fg_files_open(m, dir, FG_DELIVER_S3 | FG_DELIVER_CW, 1, "small");
    cr_assert_not_null(f);
    fg_sink sink = fg_files_sink(f);
    fg_run(m, &sink);
    fg_counts n;
    cr_assert_eq(fg_files_close(f, &n), 0);
    cr_expect(n.s3_files > 3 && n.cw_files > 3 && n.truths > 100);
    fg_model_free(m);
}

Test(flowgen, same_seed_same_bytes)
{
    char a[] = "/tmp/flowgen-test-XXXXXX", b[] = "/tmp/flowgen-test-XXXXXX", c[] = "/tmp/flowgen-test-XXXXXX";
    cr_assert_not_null(mkdtemp(a));
    cr_assert_not_null(mkdtemp(b));
    cr_assert_not_null(mkdtemp(c));
    write_dir(a, 99);
    write_dir(b, 99);
    write_dir(c, 100);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "diff -r %s %s >/dev/null", a, b);
    cr_expect_eq(system(cmd), 0, "same seed, different output");
    snprintf(cmd, sizeof cmd, "diff -q %s/truth.jsonl %s/truth.jsonl >/dev/null", a, c);
    cr_expect_neq(system(cmd), 0, "different seeds, same truth");
    snprintf(cmd, sizeof cmd, "rm -rf %s %s %s", a, b, c);
    cr_expect_eq(system(cmd), 0);
}
