/* tests/test_shard.c - a distributed run's engine lines: per-ENI facts
 * combined as one machine reading every input in order would learn them
 * (src/stitch/facts.c), and a reducer's sessions and ENIs written and
 * loaded back (src/stitch/shard.c).
 *
 * Facts (docs/distributed.md "Facts", observe.h fst__eni): candidate own
 * addresses are those present in every flow record of the ENI (an
 * intersection, kept in the order of its first record); the address pkt-*
 * replaced is the last one seen; the flow-direction address and the
 * context values are the first seen; a secondary address counts from the
 * ENI's first record naming an instance on.  "First" and "last" are in
 * read order: input name rank, then record number.  Expected values below
 * are derived by hand from those rules. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "stitch/facts.h"
#include "stitch/shard.h"
#include "flowstitch/reader.h"
#include "flowstitch/shard.h"

static void v4(uint8_t a[16], uint8_t x, uint8_t y, uint8_t z, uint8_t w)
{
    memset(a, 0, 16);
    a[10] = a[11] = 0xff;
    a[12] = x, a[13] = y, a[14] = z, a[15] = w;
}

/* 10.0.0.x as the wire writes it (IPv4-mapped, 32 hex digits). */
#define A5 "00000000000000000000ffff0a000005" /* 10.0.0.5: the ENI's own */
#define B6 "00000000000000000000ffff0a000006" /* 10.0.0.6: a peer */
#define C7 "00000000000000000000ffff0a000007" /* 10.0.0.7: another peer */
#define D8 "00000000000000000000ffff0a000008" /* 10.0.0.8: substituted later */
#define S1 "00000000000000000000ffff0a000101" /* 10.0.1.1: a secondary */
#define S2 "00000000000000000000ffff0a000102" /* 10.0.1.2: another */
#define S3 "00000000000000000000ffff0a000103" /* 10.0.1.3: before any instance */

/* Input ranked 0 (read first): its ENI's first record is record 3. */
static const char in0[] = "f=3 n=2,0,0 l=3,2," A5 "," B6 " s=4," A5 " d=5," A5
                          " c1=3,vpc-1 c5=6,i-1 x=7," S1 ",7 t=100,160";
/* Input ranked 1: records 0.. of a later file. */
static const char in1[] = "f=0 n=3,1,1 l=0,2," A5 "," C7 " s=1," D8 " c1=0,vpc-2 c5=0,i-2"
                          " x=2," S2 ",- x=1," S1 ",1 k=50,110 t=90,200";

static void check_combined(const fst__efact *e)
{
    uint8_t a[16];
    cr_assert_eq(e->first.rank, 0);
    cr_assert_eq(e->first.seq, 3, "input 0 comes first, whatever its record number");
    cr_assert_eq(e->records, 5);
    cr_assert_eq(e->nodata, 1);
    cr_assert_eq(e->skipdata, 1);
    cr_assert_eq(e->ncand, 1, "{.5,.6} and {.5,.7} share .5 only");
    v4(a, 10, 0, 0, 5);
    cr_assert_arr_eq(e->cand[0], a, 16);
    v4(a, 10, 0, 0, 8);
    cr_assert(e->has_sure);
    cr_assert_arr_eq(e->sure, a, 16, "the substituted address read last (input 1)");
    v4(a, 10, 0, 0, 5);
    cr_assert_arr_eq(e->dir, a, 16);
    cr_assert_str_eq(e->ctx[FST__CTX_VPC], "vpc-1", "the first value read stays");
    cr_assert_str_eq(e->ctx[FST__CTX_INSTANCE], "i-1");
    cr_assert_eq(e->t_lo, 90);
    cr_assert_eq(e->t_hi, 200);
    cr_assert_eq(e->n_skip, 1);
    cr_assert_eq(e->skip[0].start, 50);
    cr_assert_eq(e->skip[0].end, 110);
}

Test(facts, combine_in_read_order)
{
    fst__facts f;
    fst__facts_init(&f, 1);
    cr_assert_eq(fst__facts_read(&f, 1, "eni-a", in1), 0);
    cr_assert_eq(fst__facts_read(&f, 0, "eni-a", in0), 0);
    cr_assert_eq(f.n, 1);
    check_combined(&f.v[0]);
    /* secondaries: the instance is first known at (0, 6).  Input 0 noted
     * .1.1 at record 7 (after it); input 1 (later) noted .1.1 at 1 and
     * .1.2 at 2: .1.1 first at (0, 7), .1.2 at (1, 2). */
    cr_assert_eq(fst__facts_settle(&f), 0);
    uint8_t a[16];
    cr_assert_eq(f.v[0].n_sec, 2);
    v4(a, 10, 0, 1, 1);
    cr_assert_arr_eq(f.v[0].sec[0].a, a, 16);
    v4(a, 10, 0, 1, 2);
    cr_assert_arr_eq(f.v[0].sec[1].a, a, 16);
    fst__facts_free(&f);
}

Test(facts, order_of_reading_lines_does_not_matter)
{
    fst__facts f;
    fst__facts_init(&f, 2);
    cr_assert_eq(fst__facts_read(&f, 0, "eni-a", in0), 0);
    cr_assert_eq(fst__facts_read(&f, 1, "eni-a", in1), 0);
    check_combined(&f.v[0]);
    fst__facts_free(&f);
}

/* A secondary noted by records of an input read before the instance was
 * known is not one (context.c notes only once ctx[instance] is set); in
 * the input that makes it known, only records from then on count. */
Test(facts, secondary_only_after_the_instance)
{
    fst__facts f;
    fst__facts_init(&f, 3);
    cr_assert_eq(fst__facts_read(&f, 0, "eni-b", "f=0 x=0," S3 ",-"), 0);
    cr_assert_eq(fst__facts_read(&f, 1, "eni-b", "f=0 c5=4,i-9 x=2," S1 ",5 x=6," S2 ",6"), 0);
    cr_assert_eq(fst__facts_settle(&f), 0);
    uint8_t a[16];
    cr_assert_eq(f.v[0].n_sec, 2, ".1.3 came before any instance");
    v4(a, 10, 0, 1, 1);
    cr_assert_arr_eq(f.v[0].sec[0].a, a, 16);
    cr_assert_eq(f.v[0].sec[0].any.seq, 5, "its first record after the instance's");
    v4(a, 10, 0, 1, 2);
    cr_assert_arr_eq(f.v[0].sec[1].a, a, 16);
    fst__facts_free(&f);
}

Test(facts, candidates_cleared_by_a_record_without_them)
{
    fst__facts f;
    fst__facts_init(&f, 4);
    cr_assert_eq(fst__facts_read(&f, 0, "eni-c", "f=0 l=0,2," A5 "," B6), 0);
    cr_assert_eq(fst__facts_read(&f, 2, "eni-c", "f=0 l=0,0"), 0);
    cr_assert_eq(f.v[0].ncand, 0);
    cr_assert(f.v[0].learning);
    fst__facts_free(&f);
}

Test(facts, malformed_lines_refused)
{
    fst__facts f;
    fst__facts_init(&f, 5);
    static const char *bad[] = {
        "",        "n=1,0,0",    "f=1 l=0,3", "f=1 s=2,0a",   "f=x",
        "f=1 q=2", "f=1 c9=0,x", "f=1 t=5",   "f=1  n=1,0,0", "f=1 c1=0,a%zz"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(fst__facts_read(&f, 0, "eni-d", bad[i]), FST_EINVAL, "%s", bad[i]);
    fst__facts_free(&f);
}

/* Written back: the first record on every line, then what correlating
 * needs (candidates, substituted address, SKIPDATA), then, after "w", the
 * rest; read back, the same facts, and a "w" line marks the whole. */
Test(facts, write_then_read)
{
    fst__facts f, g;
    fst__facts_init(&f, 6);
    fst__facts_init(&g, 6);
    cr_assert_eq(fst__facts_read(&f, 0, "eni-a", in0), 0);
    cr_assert_not(f.whole, "in0 has no w token");
    fst__wbuf b = {0};
    fst__facts_write(&f.v[0], FST__FACTS_SHARED, &b);
    cr_assert_str_eq(fst__wb_str(&b), "f=3 l=3,2," A5 "," B6 " s=4," A5);
    cr_assert_eq(fst__facts_read(&g, 0, "eni-a", fst__wb_str(&b)), 0);
    cr_assert_not(g.whole);
    fst__facts_write(&f.v[0], FST__FACTS_REST, &b);
    cr_assert_str_eq(fst__wb_str(&b), "f=3 w= n=2,0,0 d=5," A5 " c1=3,vpc-1 c5=6,i-1 x=7," S1
                                      ",7 t=100,160");
    cr_assert_eq(fst__facts_read(&g, 0, "eni-a", fst__wb_str(&b)), 0);
    cr_assert(g.whole);
    fst__facts_write(&g.v[0], FST__FACTS_ALL, &b);
    char *both = strdup(fst__wb_str(&b));
    fst__facts_write(&f.v[0], FST__FACTS_ALL, &b);
    cr_assert_eq(g.n, 1);
    cr_assert_str_eq(both, fst__wb_str(&b), "the two lines read give the facts back");
    free(both);
    fst__wb_free(&b);
    fst__facts_free(&f);
    fst__facts_free(&g);
}

/* Seeding: ENIs in the order one machine meets them; applying: their
 * learned fields as combined. */
Test(facts, seed_and_apply)
{
    fst__facts f;
    fst__facts_init(&f, 7);
    cr_assert_eq(fst__facts_read(&f, 0, "eni-late", "f=9"), 0);
    cr_assert_eq(fst__facts_read(&f, 1, "eni-a", in1), 0);
    cr_assert_eq(fst__facts_read(&f, 0, "eni-a", in0), 0);
    cr_assert_eq(fst__facts_settle(&f), 0);
    fst__observe o;
    cr_assert_eq(fst__observe_init(&o, NULL, 8), 0);
    cr_assert_eq(fst__facts_seed(&f, &o), 0);
    cr_assert_eq(o.n_enis, 3);
    cr_assert_str_eq(o.enis[1]->name, "eni-a", "first record (0, 3) before (0, 9)");
    cr_assert_str_eq(o.enis[2]->name, "eni-late");
    cr_assert_eq(fst__facts_apply(&f, &o), 0);
    const fst__eni *e = o.enis[1];
    uint8_t a[16];
    v4(a, 10, 0, 0, 5);
    cr_assert_eq(e->ncand, 1);
    cr_assert_arr_eq(e->cand[0], a, 16);
    cr_assert(e->has_sure_own);
    v4(a, 10, 0, 0, 8);
    cr_assert_arr_eq(e->sure_own, a, 16);
    cr_assert_str_eq(e->ctx[FST__CTX_VPC], "vpc-1");
    cr_assert_eq(e->n_sec, 2);
    cr_assert_eq(e->records, 5);
    cr_assert_eq(o.n_skips, 1);
    cr_assert_eq(o.skips[0].eni, 1);
    cr_assert_eq(o.t_lo, 90);
    cr_assert_eq(o.t_hi, 200);
    fst__observe_free(&o);
    fst__facts_free(&f);
}

/* ---- sessions and ENIs of a part -------------------------------------- */

typedef struct lines_ {
    char *v[16];
    int n;
} lines_;

static int keep(const char *line, void *ud)
{
    lines_ *l = ud;
    cr_assert_lt(l->n, 16);
    l->v[l->n++] = strdup(line);
    return 0;
}

/* A reducer's state: eni-a (own 10.0.0.5, vpc-1, a hop), eni-b; one TCP
 * group 10.0.0.5:40000 <-> 10.0.0.6:443 whose hi side is reported as
 * 10.0.1.1 (a secondary IP); one session with every field set. */
static void reducer_state(fst__observe *o, fst__sessions *ss)
{
    cr_assert_eq(fst__observe_init(o, NULL, 9), 0);
    fst__eni *a = fst__observe_eni_add(o, "eni-a");
    fst__eni *b = fst__observe_eni_add(o, "eni-b\t%x");
    cr_assert(a && b);
    a->learning = 1;
    a->ncand = 1;
    v4(a->cand[0], 10, 0, 0, 5);
    a->is_hop = 1;
    a->has_dir_own = 1;
    v4(a->dir_own, 10, 0, 0, 5);
    a->ctx[FST__CTX_VPC] = strdup("vpc-1");
    a->records = 7;
    a->n_sec = 1;
    v4(a->sec[0], 10, 0, 1, 9);
    b->skipdata = 2;
    uint8_t svc[16];
    v4(svc, 10, 0, 0, 6);
    cr_assert_eq(fst__observe_svc_add(o, svc, "S3"), 0);
    o->t_lo = 100;
    o->t_hi = 900;
    o->records_in = 12;
    cr_assert_eq(fst__observe_group_room(o), 0);
    fst__group *g = &o->chunks[0][o->chunk_used++];
    memset(g, 0, sizeof *g);
    v4(g->key.k.lo, 10, 0, 0, 5);
    v4(g->key.k.hi, 10, 0, 0, 6);
    g->key.k.lo_port = 40000;
    g->key.k.hi_port = 443;
    g->key.proto = 6;
    g->key.fam = 4;
    o->n_groups = 1;
    uint8_t rep[16];
    v4(rep, 10, 0, 1, 1);
    cr_assert_eq(fst__group_set_rep(o, g, 1, rep), 0);
    memset(ss, 0, sizeof *ss);
    ss->v = calloc(1, sizeof *ss->v);
    ss->enis = calloc(2, sizeof *ss->enis);
    ss->enis[0] = 1;
    ss->enis[1] = 2;
    ss->n_enis = ss->cap_enis = 2;
    ss->n = ss->cap = 1;
    fst__sess *s = &ss->v[0];
    s->g = g;
    s->first = 100;
    s->last = -5; /* any 64-bit value survives */
    s->pk[0] = 1, s->pk[1] = 2, s->by[0] = 3, s->by[1] = UINT64_MAX;
    s->naive_pk = 5, s->naive_by = 6, s->records = 7;
    s->flags[0] = 2, s->flags[1] = 18, s->flags_known = 3, s->ev = 0x1fff;
    s->action = 3, s->incomplete = 1, s->known = 3, s->tpath[0] = 8, s->tpath[1] = 1;
    s->split = 2, s->has_next = 1, s->subst = 2;
    s->eni_off = 0, s->n_enis = 2;
}

Test(shard, sessions_and_enis_round_trip)
{
    fst__observe o, m;
    fst__sessions ss, got;
    reducer_state(&o, &ss);
    lines_ l = {{0}, 0};
    fst_stitcher_config cfg;
    fst_stitcher_config_init(&cfg);
    cr_assert_eq(fst__shard_write(&o, &ss, &cfg, 1, keep, &l), 0);
    cr_assert_eq(l.n, 9, "options, 2 ENIs, their context, 1 service, the range, the counts, "
                         "1 session");
    cr_assert_eq(l.v[3][0], 'C');
    cr_assert_eq(l.v[8][0], 'X');
    lines_ part = {{0}, 0};
    cr_assert_eq(fst__shard_write(&o, &ss, &cfg, 0, keep, &part), 0);
    cr_assert_eq(part.n, 5, "not whole: no C, V, W lines");
    for (int i = 0; i < part.n; i++)
        free(part.v[i]);

    cr_assert_eq(fst__observe_init(&m, NULL, 10), 0);
    memset(&got, 0, sizeof got);
    fst__loader ld = {0};
    /* merge given another idle timeout: refused */
    fst_stitcher_config other = cfg;
    other.idle_udp++;
    cr_assert_eq(fst__shard_load(&ld, &m, &got, &other, l.v[0]), FST_EVALUE);
    for (int i = 0; i < l.n; i++)
        cr_assert_eq(fst__shard_load(&ld, &m, &got, &cfg, l.v[i]), 0, "%s", l.v[i]);
    cr_assert_eq(m.n_enis, 3);
    cr_assert_str_eq(m.enis[2]->name, "eni-b\t%x");
    const fst__eni *a = m.enis[1];
    cr_assert_eq(a->ncand, 1);
    cr_assert_arr_eq(a->cand[0], o.enis[1]->cand[0], 16);
    cr_assert(a->is_hop && a->has_dir_own && !a->has_sure_own);
    cr_assert_str_eq(a->ctx[FST__CTX_VPC], "vpc-1");
    cr_assert_null(a->ctx[FST__CTX_ACCOUNT]);
    cr_assert_eq(a->records, 7);
    cr_assert_eq(a->n_sec, 1);
    cr_assert_eq(m.enis[2]->skipdata, 2);
    uint8_t svc[16];
    v4(svc, 10, 0, 0, 6);
    cr_assert_str_eq(fst__svc_of(&m, svc), "S3");
    cr_assert_eq(m.t_lo, 100);
    cr_assert_eq(m.t_hi, 900);
    cr_assert_eq(m.records_in, 12);

    cr_assert_eq(got.n, 1);
    const fst__sess *s = &got.v[0], *w = &ss.v[0];
    cr_assert_arr_eq(&s->g->key, &w->g->key, sizeof s->g->key);
    cr_assert_arr_eq(fst__group_rep(&m, s->g, 1), fst__group_rep(&o, w->g, 1), 16);
    cr_assert_arr_eq(fst__group_rep(&m, s->g, 0), s->g->key.k.lo, 16);
    cr_assert_eq(s->first, 100);
    cr_assert_eq(s->last, -5);
    cr_assert_eq(s->by[1], UINT64_MAX);
    cr_assert_eq(s->pk[0] + s->pk[1] + s->by[0], 6);
    cr_assert_eq(s->naive_pk, 5);
    cr_assert_eq(s->naive_by, 6);
    cr_assert_eq(s->records, 7);
    cr_assert_eq(s->flags[1], 18);
    cr_assert_eq(s->flags_known, 3);
    cr_assert_eq(s->ev, 0x1fff);
    cr_assert_eq(s->action, 3);
    cr_assert_eq(s->incomplete, 1);
    cr_assert_eq(s->known, 3);
    cr_assert_eq(s->tpath[0], 8);
    cr_assert_eq(s->split, 2);
    cr_assert_eq(s->has_next, 1);
    cr_assert_eq(s->subst, 2);
    cr_assert_eq(s->n_enis, 2);
    cr_assert_eq(got.enis[s->eni_off + 1], 2);
    cr_assert_eq(s->nat_parent, 0, "the NAT stage sets it in merge");

    for (int i = 0; i < l.n; i++)
        free(l.v[i]);
    fst__sessions_free(&ss);
    fst__sessions_free(&got);
    fst__observe_free(&o);
    fst__observe_free(&m);
}

/* A session line written by hand: 10.0.0.5:40000 <-> 10.0.0.6:443 TCP,
 * nothing reported differently, first 10 last 70, counts 1 2 3 4, naive
 * 5 6, 2 records, flags SYN / SYN-ACK both known, evidence SYN0|SYNACK1
 * (1|8), ACCEPT (1), complete, times and counts known (3), no traffic
 * path, no split, last of its key, no substitution, one ENI: index 1. */
Test(shard, a_session_line_by_hand)
{
    fst_stitcher_config cfg;
    fst_stitcher_config_init(&cfg);
    fst__observe m;
    fst__sessions got;
    cr_assert_eq(fst__observe_init(&m, NULL, 11), 0);
    memset(&got, 0, sizeof got);
    fst__loader ld = {0};
    cr_assert_eq(
        fst__shard_load(&ld, &m, &got, &cfg, "E 1 eni-x 1 1 " A5 " - -"),
        0);
    cr_assert_eq(fst__shard_load(&ld, &m, &got, &cfg,
                                 "X " A5 " 40000 " B6 " 443 6 4 0 - - 10 70 1 2 3 4 5 6 2 2 18 3 9 "
                                 "1 0 3 0 0 0 0 0 1 1"),
                 0);
    cr_assert_eq(got.n, 1);
    const fst__sess *s = &got.v[0];
    cr_assert_eq(s->g->key.k.lo_port, 40000);
    cr_assert_eq(s->g->key.k.hi_port, 443);
    cr_assert_eq(s->g->key.proto, 6);
    cr_assert_eq(s->first, 10);
    cr_assert_eq(s->last, 70);
    cr_assert_eq(s->by[1], 4);
    cr_assert_eq(s->records, 2);
    cr_assert_eq(s->ev, FST__EVD_SYN0 | FST__EVD_SYNACK1);
    cr_assert_eq(s->known, FST__K_TIMES | FST__K_COUNTS);
    cr_assert_eq(got.enis[s->eni_off], 1);
    /* a second session of the same key joins the same group */
    cr_assert_eq(fst__shard_load(&ld, &m, &got, &cfg,
                                 "X " A5 " 40000 " B6 " 443 6 4 0 - - 80 90 1 2 3 4 5 6 2 2 18 3 9 "
                                 "1 0 3 0 0 2 0 0 1 1"),
                 0);
    cr_assert_eq(m.n_groups, 1);
    cr_assert_eq(got.v[1].g, got.v[0].g);
    /* refused: an ENI out of order, an ENI index past the table, a
     * trailing token */
    cr_assert_eq(
        fst__shard_load(&ld, &m, &got, &cfg, "E 5 eni-y 0 0 - - -"),
        FST_EINVAL);
    cr_assert_eq(fst__shard_load(&ld, &m, &got, &cfg,
                                 "X " A5 " 1 " B6 " 2 6 4 0 - - 1 2 0 0 0 0 0 0 1 0 0 0 0 "
                                 "1 0 3 0 0 0 0 0 1 4"),
                 FST_EINVAL);
    cr_assert_eq(fst__shard_load(&ld, &m, &got, &cfg,
                                 "X " A5 " 1 " B6 " 2 6 4 0 - - 1 2 0 0 0 0 0 0 1 0 0 0 0 "
                                 "1 0 3 0 0 0 0 0 0 7"),
                 FST_EINVAL);
    fst__sessions_free(&got);
    fst__observe_free(&m);
}

/* ---- map: facts gathered from records (public fst_facts) -------------- */

typedef struct got_facts {
    char *eni[4], *text[4];
    int n;
} got_facts;

static int take(const char *eni, const char *text, int rest, void *ud)
{
    got_facts *g = ud;
    cr_assert_eq(rest, g->n % 2, "the shared text first, then the rest");
    cr_assert_lt(g->n, 4);
    g->eni[g->n] = eni ? strdup(eni) : NULL;
    g->text[g->n++] = strdup(text);
    return 0;
}

/* eni-a (an instance's ENI, 10.0.0.5): record 0 egress to 10.0.0.6 in
 * vpc-1 without an instance id; record 1 the reply, in "vpc-2" (a
 * conflict: the first value stays) with instance i-1; record 2 egress to
 * 10.0.0.7 whose pkt-srcaddr 10.0.1.1 differs from srcaddr 10.0.0.5 (so
 * 10.0.0.5 is surely its own, and 10.0.1.1 a secondary address, the
 * instance being known).  Record 3: eni-b's NODATA.  Expected, by hand:
 * first record 0; 3 flow records; the address in every record: 10.0.0.5;
 * substituted: 10.0.0.5 at record 2; flow-direction's own: 10.0.0.5
 * (egress source) at 0; vpc-1 at 0, i-1 at 1; secondary 10.0.1.1 at 2,
 * after the instance at 2; times 100 .. 180. */
Test(facts, gathered_by_map)
{
    static const char in[] =
        "version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end "
        "action log-status vpc-id instance-id flow-direction pkt-srcaddr pkt-dstaddr\n"
        "5 eni-a 10.0.0.5 10.0.0.6 40000 443 6 1 100 100 160 ACCEPT OK vpc-1 - egress "
        "10.0.0.5 10.0.0.6\n"
        "5 eni-a 10.0.0.6 10.0.0.5 443 40000 6 1 100 110 170 ACCEPT OK vpc-2 i-1 ingress "
        "10.0.0.6 10.0.0.5\n"
        "5 eni-a 10.0.0.5 10.0.0.7 40001 443 6 1 50 120 180 ACCEPT OK vpc-1 i-1 egress "
        "10.0.1.1 10.0.0.7\n"
        "5 eni-b - - - - - - - 200 260 - NODATA - - - - -\n";
    fst_reader_config rc;
    fst_reader_config_init(&rc);
    fst_reader *r = fst_reader_new(&rc);
    cr_assert_eq(fst_reader_add_mem(r, "a.log", in, sizeof in - 1), 0);
    fst_facts *f = fst_facts_new(NULL);
    const fst_record *rec;
    uint64_t key[4], seq = 0;
    while (fst_reader_next(r, &rec) > 0) {
        cr_assert_lt(seq, 4);
        cr_assert_eq(fst_facts_push(f, rec, seq, &key[seq]), 0);
        seq++;
    }
    cr_assert_eq(seq, 4);
    cr_assert_eq(key[0], key[1], "both directions of a connection: one key");
    cr_assert_neq(key[0], key[2]);
    got_facts g = {{0}, {0}, 0};
    cr_assert_eq(fst_facts_flush(f, take, &g), 0);
    cr_assert_eq(g.n, 4, "two texts per ENI: for every reducer, and the rest");
    cr_assert_str_eq(g.eni[0], "eni-a");
    cr_assert_str_eq(g.text[0], "f=0 l=0,1," A5 " s=2," A5);
    cr_assert_str_eq(g.eni[1], "eni-a");
    cr_assert_str_eq(g.text[1], "f=0 w= n=3,0,0 d=0," A5
                                " c1=0,vpc-1 c5=1,i-1 x=2,00000000000000000000ffff0a000101,2"
                                " t=100,180");
    cr_assert_str_eq(g.eni[2], "eni-b");
    cr_assert_str_eq(g.text[2], "f=3");
    cr_assert_str_eq(g.text[3], "f=3 w= n=0,1,0");
    got_facts none = {{0}, {0}, 0};
    cr_assert_eq(fst_facts_flush(f, take, &none), 0);
    cr_assert_eq(none.n, 0, "flushed facts are forgotten");
    for (int i = 0; i < g.n; i++) {
        free(g.eni[i]);
        free(g.text[i]);
    }
    fst_facts_free(f);
    fst_reader_free(r);
}
