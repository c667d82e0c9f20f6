/* tests/test_natfold.c - NAT gateway inside legs folded into the
 * instance's session (src/nat/natfold.c, fst__nat_fold_inside).
 *
 * The situation (aws-flowlogs.md 1.6, NAT example 5.6): instance
 * 10.0.1.5:40000 talks to 93.184.216.34:443 through a NAT gateway whose
 * own private address is 10.0.9.9.  The instance's ENI (eni-inst) logs
 * 10.0.1.5:40000 <-> 93.184.216.34:443; the NAT gateway's ENI (eni-nat, a
 * hop) logs the inside leg without pkt-* fields, with its own address in
 * place of the internet host: 10.0.1.5:40000 <-> 10.0.9.9:443.  The leg
 * must fold into the instance's session: one session, the records of
 * both, both ENIs, and the instance's counts (a hop ranks below an end).
 * Sessions are built by hand with fst__session_add. */
#include <criterion/criterion.h>
#include <string.h>

#include "nat/nat.h"

enum { INST = 1, NAT = 2, NENI = 3 };

static fst__observe o;
static fst__eni eni_v[NENI];
static fst__eni *eni_p[NENI];
static fst__group g_inst, g_leg;
static fst__sessions ss;

static void v4(uint8_t a[16], uint8_t x, uint8_t y, uint8_t z, uint8_t w)
{
    memset(a, 0, 16);
    a[10] = a[11] = 0xff;
    a[12] = x, a[13] = y, a[14] = z, a[15] = w;
}

/* lo <= hi by address bytes: 10.0.1.5 < 10.0.9.9 < 93.184.216.34. */
static void group(fst__group *g, const uint8_t lo[16], uint16_t lp, const uint8_t hi[16],
                  uint16_t hp)
{
    memset(g, 0, sizeof *g);
    memcpy(g->key.k.lo, lo, 16);
    memcpy(g->key.k.hi, hi, 16);
    g->key.k.lo_port = lp;
    g->key.k.hi_port = hp;
    g->key.proto = FST_PROTO_TCP;
    g->key.fam = 4;
}

static void setup(void)
{
    memset(&o, 0, sizeof o);
    memset(eni_v, 0, sizeof eni_v);
    memset(&ss, 0, sizeof ss);
    static char n_inst[] = "eni-inst", n_nat[] = "eni-nat";
    eni_v[INST].name = n_inst;
    eni_v[NAT].name = n_nat;
    eni_v[NAT].is_hop = 1;
    eni_v[NAT].ncand = 1; /* its own address, learned from its records */
    v4(eni_v[NAT].cand[0], 10, 0, 9, 9);
    for (int i = 0; i < NENI; i++) {
        eni_v[i].index = (uint32_t)i;
        eni_p[i] = &eni_v[i];
    }
    o.enis = eni_p;
    o.n_enis = NENI;
    uint8_t inst[16], nat[16], web[16];
    v4(inst, 10, 0, 1, 5);
    v4(nat, 10, 0, 9, 9);
    v4(web, 93, 184, 216, 34);
    group(&g_inst, inst, 40000, web, 443);
    group(&g_leg, inst, 40000, nat, 443);
}

static void teardown(void) { fst__sessions_free(&ss); }

TestSuite(natfold, .init = setup, .fini = teardown);

/* A session of one group: a request lo->hi and a reply hi->lo at eni. */
static void add(const fst__group *g, uint32_t eni, int64_t t, uint64_t req_by, uint64_t rep_by)
{
    fst__win w[2];
    memset(w, 0, sizeof w);
    for (int d = 0; d < 2; d++) {
        w[d].start = t;
        w[d].dur = 60;
        w[d].eni = eni;
        w[d].action = FST_ACTION_ACCEPT;
        w[d].packets = 1;
        w[d].bits = (uint8_t)(d ? FST__W_REV : 0);
    }
    w[0].bytes = req_by;
    w[1].bytes = rep_by;
    /* the instance's ENI: flow-direction tells egress / ingress */
    if (eni == INST) {
        w[0].fdir = FST_DIR_EGRESS;
        w[1].fdir = FST_DIR_INGRESS;
    }
    const uint32_t idx[2] = {0, 1};
    cr_assert_eq(fst__session_add(&o, w, g, idx, 2, NULL, &ss), 0);
}

Test(natfold, inside_leg_folds_into_instance_session)
{
    add(&g_inst, INST, 1000, 300, 5000);
    add(&g_leg, NAT, 1010, 310, 5100);
    cr_assert_eq(fst__nat_fold_inside(&o, &ss), 0);
    cr_assert_eq(ss.n, 1, "the leg is absorbed and compacted away");
    const fst__sess *s = &ss.v[0];
    cr_assert_eq(s->g, &g_inst);
    cr_assert_eq(s->records, 4);
    cr_assert_eq(s->by[0], 300, "the instance's egress, not the hop's 310");
    cr_assert_eq(s->by[1], 5000);
    cr_assert_eq(s->first, 1000);
    cr_assert_eq(s->last, 1070, "the leg ends at 1010 + 60");
    cr_assert_eq(s->n_enis, 2);
    cr_assert_eq(ss.enis[s->eni_off], INST, "eni-inst < eni-nat");
    cr_assert_eq(ss.enis[s->eni_off + 1], NAT);
    cr_assert_eq(s->nat_parent, 0);
}

/* More than FST__NAT_SLACK (120 s) apart: 1000..1060 and 1300..1360 do
 * not overlap within the slack (gap 240 s), so both stay. */
Test(natfold, too_far_apart_stays)
{
    add(&g_inst, INST, 1000, 300, 5000);
    add(&g_leg, NAT, 1300, 310, 5100);
    cr_assert_eq(fst__nat_fold_inside(&o, &ss), 0);
    cr_assert_eq(ss.n, 2);
    cr_assert_eq(ss.v[0].records, 2);
    cr_assert_eq(ss.v[1].records, 2);
}

/* The leg's server port (8443) is not the instance session's (443). */
Test(natfold, other_server_port_stays)
{
    g_leg.key.k.hi_port = 8443;
    add(&g_inst, INST, 1000, 300, 5000);
    add(&g_leg, NAT, 1010, 310, 5100);
    cr_assert_eq(fst__nat_fold_inside(&o, &ss), 0);
    cr_assert_eq(ss.n, 2);
}

/* Without a hop ENI there is no NAT leg at all. */
Test(natfold, no_hop_no_fold)
{
    eni_v[NAT].is_hop = 0;
    add(&g_inst, INST, 1000, 300, 5000);
    add(&g_leg, NAT, 1010, 310, 5100);
    cr_assert_eq(fst__nat_fold_inside(&o, &ss), 0);
    cr_assert_eq(ss.n, 2);
}
