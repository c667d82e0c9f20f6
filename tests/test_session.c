/* tests/test_session.c - building a session from window entries
 * (src/correlate/session.c): the count-once choice of one observation
 * stream per direction, exact duplicates, and absorbing.  This is the
 * count-once code that was account.c; it runs inside correlate now.
 *
 * The observe, its ENIs and the window entries are built by hand, so each
 * role is exactly what the test says: flow-direction egress at an ENI is
 * the sender's egress (rank 4), ingress the receiver's ingress (3); an ENI
 * with no known address and no flow-direction cannot tell (2); egress with
 * pkt-srcaddr substituted on a requester-managed interface (instance-id
 * "-") is an intermediate hop (1).  Expected values follow from the rule
 * in correlate/session.h and docs/sessions.md "Counting". */
#include <criterion/criterion.h>
#include <string.h>

#include "correlate/session.h"

#define MAXE 6

static fst__observe o;
static fst__eni eni_v[MAXE];
static fst__eni *eni_p[MAXE];
static fst__group grp;
static fst__sessions ss;

static void setup(void)
{
    memset(&o, 0, sizeof o);
    memset(eni_v, 0, sizeof eni_v);
    memset(&ss, 0, sizeof ss);
    static char names[MAXE][16] = {"", "eni-0bbb", "eni-0aaa", "eni-0ccc", "eni-0ddd", "eni-0eee"};
    for (int i = 0; i < MAXE; i++) {
        eni_v[i].name = i ? names[i] : NULL;
        eni_v[i].index = (uint32_t)i;
        eni_p[i] = &eni_v[i];
    }
    o.enis = eni_p;
    o.n_enis = MAXE;
    memset(&grp, 0, sizeof grp);
    const uint8_t lo[16] = {[10] = 0xff, [11] = 0xff, 10, 0, 1, 5};
    const uint8_t hi[16] = {[10] = 0xff, [11] = 0xff, 10, 0, 2, 9};
    memcpy(grp.key.k.lo, lo, 16);
    memcpy(grp.key.k.hi, hi, 16);
    grp.key.k.lo_port = 40000;
    grp.key.k.hi_port = 443;
    grp.key.proto = FST_PROTO_TCP;
    grp.key.fam = 4;
}

static void teardown(void) { fst__sessions_free(&ss); }

TestSuite(session, .init = setup, .fini = teardown);

enum { EG = FST_DIR_EGRESS, IN = FST_DIR_INGRESS, NONE = 0, HOP = 9 };

/* One window entry lo->hi (rev 0) or hi->lo (rev 1) at ENI eni. */
static fst__win win(uint32_t eni, int rev, int role, uint64_t pk, uint64_t by, int64_t t)
{
    fst__win w;
    memset(&w, 0, sizeof w);
    w.start = t;
    w.dur = 60;
    w.packets = pk;
    w.bytes = by;
    w.eni = eni;
    w.action = FST_ACTION_ACCEPT;
    w.bits = (uint8_t)(rev ? FST__W_REV : 0);
    if (role == HOP) {
        w.fdir = EG;
        w.bits |= FST__W_SRC_SUBST | FST__W_INST_DASH;
    } else {
        w.fdir = (uint8_t)role;
    }
    return w;
}

/* One session of all of wins[0..n) (already in stream order). */
static const fst__sess *make(const fst__win *wins, uint32_t n)
{
    uint32_t idx[16];
    cr_assert(n <= 16);
    for (uint32_t i = 0; i < n; i++)
        idx[i] = i;
    cr_assert_eq(fst__session_add(&o, wins, &grp, idx, n, NULL, &ss), 0);
    cr_assert_eq(ss.n, 1);
    return &ss.v[0];
}

Test(session, roles_rank)
{
    const fst__win e = win(1, 0, EG, 1, 1, 0), i = win(1, 0, IN, 1, 1, 0);
    const fst__win u = win(1, 0, NONE, 1, 1, 0), h = win(1, 0, HOP, 1, 1, 0);
    cr_assert_eq(fst__session_role(&o, &grp, &e), FST__ROLE_EGRESS);
    cr_assert_eq(fst__session_role(&o, &grp, &i), FST__ROLE_INGRESS);
    cr_assert_eq(fst__session_role(&o, &grp, &u), FST__ROLE_UNKNOWN);
    cr_assert_eq(fst__session_role(&o, &grp, &h), FST__ROLE_HOP);
}

/* lo->hi seen at the receiver's ingress (eni 1, 500 B) and the sender's
 * egress (eni 2, 100 B): egress wins although it has fewer bytes. */
Test(session, sender_egress_beats_receiver_ingress)
{
    const fst__win w[] = {win(1, 0, IN, 5, 500, 0), win(2, 0, EG, 1, 100, 0)};
    const fst__sess *s = make(w, 2);
    cr_assert_eq(s->pk[0], 1);
    cr_assert_eq(s->by[0], 100);
    cr_assert_eq(s->pk[1], 0, "nothing hi->lo");
    cr_assert_eq(s->records, 2);
    cr_assert_eq(s->n_enis, 2);
}

/* ingress (3) beats an unknown role (2), which beats a hop (1), each
 * with fewer bytes than the loser. */
Test(session, ingress_then_unknown_then_hop)
{
    const fst__win a[] = {win(1, 0, NONE, 9, 900, 0), win(2, 0, IN, 2, 200, 0),
                          win(3, 0, HOP, 8, 800, 0)};
    cr_assert_eq(make(a, 3)->by[0], 200);
    fst__sessions_free(&ss);
    const fst__win b[] = {win(1, 0, HOP, 9, 900, 0), win(2, 0, NONE, 3, 300, 0)};
    cr_assert_eq(make(b, 2)->by[0], 300);
}

/* Two egress streams (two flow logs' views): more bytes wins. */
Test(session, tie_on_rank_more_bytes)
{
    const fst__win w[] = {win(1, 0, EG, 7, 700, 0), win(2, 0, EG, 9, 900, 0)};
    const fst__sess *s = make(w, 2);
    cr_assert_eq(s->pk[0], 9);
    cr_assert_eq(s->by[0], 900);
}

/* Same rank, same bytes: the smaller ENI id by name.  Index 1 is
 * "eni-0bbb", index 2 "eni-0aaa": the name decides, not the index. */
Test(session, tie_on_bytes_smaller_eni_id)
{
    const fst__win w[] = {win(1, 0, EG, 9, 500, 0), win(2, 0, EG, 7, 500, 0)};
    const fst__sess *s = make(w, 2);
    cr_assert_eq(s->pk[0], 7, "eni-0aaa's packets");
    /* ENI list sorted by name */
    cr_assert_eq(ss.enis[s->eni_off], 2);
    cr_assert_eq(ss.enis[s->eni_off + 1], 1);
}

/* One stream's windows add up; an exact duplicate (marked FST__W_DUP by
 * correlate) counts once: 100 + 200, not 100 + 200 + 200. */
Test(session, duplicates_count_once)
{
    fst__win w[] = {win(1, 0, EG, 1, 100, 0), win(1, 0, EG, 2, 200, 60),
                    win(1, 0, EG, 2, 200, 60)};
    w[2].bits |= FST__W_DUP;
    const fst__sess *s = make(w, 3);
    cr_assert_eq(s->pk[0], 3);
    cr_assert_eq(s->by[0], 300);
    cr_assert_eq(s->records, 3, "the duplicate is still a record");
}

/* Each direction chooses on its own: lo->hi from eni 2's egress, hi->lo
 * from eni 1's egress (the other end); never a sum over ENIs. */
Test(session, directions_choose_apart)
{
    const fst__win w[] = {win(1, 0, IN, 4, 400, 0), win(1, 1, EG, 6, 6000, 0),
                          win(2, 0, EG, 4, 410, 0), win(2, 1, IN, 6, 6100, 0)};
    const fst__sess *s = make(w, 4);
    cr_assert_eq(s->by[0], 410);
    cr_assert_eq(s->by[1], 6000);
    cr_assert_eq(s->first, 0);
    cr_assert_eq(s->last, 60);
    cr_assert(s->ev & FST__EVD_REC0);
    cr_assert(s->ev & FST__EVD_REC1);
    cr_assert(s->ev & FST__EVD_FIRST_TIE, "both directions start at second 0");
}

/* Absorbing: records, times and ENIs join; counts stay the target's. */
Test(session, absorb_keeps_counts)
{
    const fst__win a[] = {win(2, 0, EG, 1, 100, 100)};
    const fst__win b[] = {win(3, 0, HOP, 9, 999, 40)};
    uint32_t i0 = 0;
    cr_assert_eq(fst__session_add(&o, a, &grp, &i0, 1, NULL, &ss), 0);
    cr_assert_eq(fst__session_add(&o, b, &grp, &i0, 1, NULL, &ss), 0);
    cr_assert_eq(fst__session_absorb(&o, &ss, 0, 1), 0);
    fst__sessions_compact(&ss);
    cr_assert_eq(ss.n, 1);
    cr_assert_eq(ss.v[0].by[0], 100);
    cr_assert_eq(ss.v[0].records, 2);
    cr_assert_eq(ss.v[0].first, 40);
    cr_assert_eq(ss.v[0].last, 160);
    cr_assert_eq(ss.v[0].n_enis, 2);
}
