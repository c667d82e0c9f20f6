/* tests/test_direction.c - direction rules (src/direction/direction.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "direction/direction.h"
#include "flowstitch/stitcher.h"

Test(direction, names)
{
    cr_assert_str_eq(fst_direction_reason_name(FST_BASIS_TCP_SYN), "tcp-flags");
    cr_assert_str_eq(fst_direction_reason_name(FST_BASIS_TCP_SYNACK_WEAK), "tcp-synack-weak");
    cr_assert_str_eq(fst_direction_reason_name(FST_BASIS_LEARNED), "learned-service");
    cr_assert_str_eq(fst_direction_reason_name(FST_BASIS_FIRST_SEEN), "first-seen");
    cr_assert_str_eq(fst_direction_reason_name(FST_BASIS_UNKNOWN), "unknown");
    cr_assert_str_eq(fst_direction_reason_name(-1), "?");
    cr_assert_str_eq(fst_direction_reason_name(FST_BASIS_COUNT), "?");
    cr_assert_str_eq(fst_session_action_name(FST_SACT_MIXED), "ACCEPT+REJECT");
    cr_assert_str_eq(fst_session_action_name(FST_SACT_REJECT), "REJECT");
    cr_assert_str_eq(fst_session_action_name(0), "-");
}

Test(direction, port_classes)
{
    cr_assert_eq(fst__port_class(22), 3);
    cr_assert_eq(fst__port_class(1023), 3);
    cr_assert_eq(fst__port_class(5432), 2);
    cr_assert_eq(fst__port_class(5201), 2, "iperf3");
    cr_assert_eq(fst__port_class(10000), 1);
    cr_assert_eq(fst__port_class(32767), 1);
    cr_assert_eq(fst__port_class(32768), 0);
    cr_assert_eq(fst__port_class(61000), 0);
    cr_assert_eq(fst__port_class(0), 0);
}

Test(direction, evidence_of_flags)
{
    cr_assert_eq(fst__evidence_of(0, 1, 2), FST__EVD_REC0 | FST__EVD_SYN0);
    cr_assert_eq(fst__evidence_of(1, 1, 18), FST__EVD_REC1 | FST__EVD_SYNACK1, "SYN-ACK is not a bare SYN");
    cr_assert_eq(fst__evidence_of(0, 1, 3), FST__EVD_REC0 | FST__EVD_SYN0, "SYN|FIN");
    cr_assert_eq(fst__evidence_of(1, 1, 19), FST__EVD_REC1 | FST__EVD_SYNACK1);
    cr_assert_eq(fst__evidence_of(0, 1, 1), FST__EVD_REC0);
    cr_assert_eq(fst__evidence_of(0, 0, 2), FST__EVD_REC0, "unknown flags carry nothing");
}

Test(direction, flags_rules)
{
    int hi = -1;
    cr_assert_eq(fst__direction_flags(FST__EVD_SYN0 | FST__EVD_REC0, &hi), FST_BASIS_TCP_SYN);
    cr_assert_eq(hi, 0);
    cr_assert_eq(fst__direction_flags(FST__EVD_SYN1 | FST__EVD_SYNACK0 | FST__EVD_REC0 | FST__EVD_REC1, &hi),
                 FST_BASIS_TCP_SYN);
    cr_assert_eq(hi, 1);
    /* SYN-ACK from hi with records both ways: hi is the server */
    cr_assert_eq(fst__direction_flags(FST__EVD_SYNACK1 | FST__EVD_REC0 | FST__EVD_REC1, &hi),
                 FST_BASIS_TCP_SYNACK);
    cr_assert_eq(hi, 0);
    /* lone SYN-ACK from lo: weak, client is hi */
    cr_assert_eq(fst__direction_flags(FST__EVD_SYNACK0 | FST__EVD_REC0, &hi), FST_BASIS_TCP_SYNACK_WEAK);
    cr_assert_eq(hi, 1);
    /* both sides bare SYN: the SYN-ACK decides */
    cr_assert_eq(fst__direction_flags(FST__EVD_SYN0 | FST__EVD_SYN1 | FST__EVD_SYNACK0 | FST__EVD_REC0 |
                                          FST__EVD_REC1, &hi), FST_BASIS_TCP_SYN);
    cr_assert_eq(hi, 1);
    cr_assert_eq(fst__direction_flags(FST__EVD_REC0 | FST__EVD_REC1, &hi), -1);
}

static void key4(fst__pkey *k, uint8_t lo_last, uint16_t lo_port, uint8_t hi_last, uint16_t hi_port,
                 uint8_t proto)
{
    memset(k, 0, sizeof *k);
    k->k.lo[10] = k->k.lo[11] = k->k.hi[10] = k->k.hi[11] = 0xff;
    k->k.lo[12] = k->k.hi[12] = 10;
    k->k.lo[15] = lo_last;
    k->k.hi[15] = hi_last;
    k->k.lo_port = lo_port;
    k->k.hi_port = hi_port;
    k->proto = proto;
    k->fam = 4;
}

Test(direction, fallback_learned_then_port_then_unknown)
{
    fst__learned l = {NULL, 42};
    fst__pkey k;
    int hi = -1;
    /* both ports ephemeral: no port evidence */
    key4(&k, 9, 40500, 77, 33000, 6);
    const uint16_t both = FST__EVD_REC0 | FST__EVD_REC1;
    cr_assert_eq(fst__direction_fallback(&l, &k, both, &hi), FST_BASIS_UNKNOWN);
    cr_assert_eq(hi, 0, "unknown keeps the canonical order");
    cr_assert_eq(fst__learned_add(&l, k.k.lo, 40500, 6, 1000), 0);
    cr_assert_eq(fst__direction_fallback(&l, &k, both, &hi), FST_BASIS_LEARNED);
    cr_assert_eq(hi, 1, "lo answered a handshake elsewhere: it is the server");
    /* learned is TCP only */
    k.proto = 17;
    cr_assert_eq(fst__direction_fallback(&l, &k, both, &hi), FST_BASIS_UNKNOWN);
    k.proto = 6;
    /* seen again at 5000: forgetting what was not seen since 2000 keeps it,
     * since 6000 drops it */
    cr_assert_eq(fst__learned_add(&l, k.k.lo, 40500, 6, 5000), 0);
    fst__learned_expire(&l, 2000);
    cr_assert_eq(fst__direction_fallback(&l, &k, both, &hi), FST_BASIS_LEARNED);
    fst__learned_expire(&l, 6000);
    cr_assert_eq(fst__direction_fallback(&l, &k, both, &hi), FST_BASIS_UNKNOWN);
    fst__learned_free(&l);

    key4(&k, 3, 5432, 200, 50000, 6);
    cr_assert_eq(fst__direction_fallback(NULL, &k, FST__EVD_REC0, &hi), FST_BASIS_PORT);
    cr_assert_eq(hi, 1);
    key4(&k, 3, 50000, 200, 53, 17);
    cr_assert_eq(fst__direction_fallback(NULL, &k, FST__EVD_REC0, &hi), FST_BASIS_PORT);
    cr_assert_eq(hi, 0);
    key4(&k, 3, 123, 200, 123, 17);
    cr_assert_eq(fst__direction_fallback(NULL, &k, both, &hi), FST_BASIS_UNKNOWN);
    /* the same with records one way only: the sender, labelled one-way */
    cr_assert_eq(fst__direction_fallback(NULL, &k, FST__EVD_REC1, &hi), FST_BASIS_ONE_WAY);
    cr_assert_eq(hi, 1);
    /* a one-way accepted flow still takes the port rule first */
    key4(&k, 3, 5432, 200, 50000, 6);
    cr_assert_eq(fst__direction_fallback(NULL, &k, FST__EVD_REC0 | FST__EVD_ACC0, &hi), FST_BASIS_PORT);
    cr_assert_eq(hi, 1);
    /* a one-way rejected attempt beats it */
    cr_assert_eq(fst__direction_fallback(NULL, &k, FST__EVD_REC0 | FST__EVD_REJ0, &hi), FST_BASIS_ONE_WAY);
    cr_assert_eq(hi, 0);
}

Test(direction, first_seen_for_icmp)
{
    fst__pkey k;
    int hi = -1;
    memset(&k, 0, sizeof k);
    k.proto = 1;
    cr_assert_eq(fst__direction_fallback(NULL, &k, FST__EVD_REC0 | FST__EVD_REC1 | FST__EVD_FIRST1, &hi),
                 FST_BASIS_FIRST_SEEN);
    cr_assert_eq(hi, 1);
    cr_assert_eq(fst__direction_fallback(NULL, &k, FST__EVD_REC0 | FST__EVD_REC1, &hi),
                 FST_BASIS_FIRST_SEEN);
    cr_assert_eq(hi, 0);
}

Test(direction, rejected_reply_before_ports_and_first_seen)
{
    fst__pkey k;
    int hi = -1;
    memset(&k, 0, sizeof k);
    k.proto = 1;
    /* hi->lo accepted, lo->hi only rejected: hi sent the request */
    cr_assert_eq(fst__direction_fallback(NULL, &k, FST__EVD_REC0 | FST__EVD_REC1 | FST__EVD_ACC1 | FST__EVD_REJ0, &hi),
                 FST_BASIS_REJECTED_REPLY);
    cr_assert_eq(hi, 1);
    /* beats the port rule: lo has port 53 but only its records were rejected */
    key4(&k, 3, 53, 200, 40000, 17);
    cr_assert_eq(fst__direction_fallback(NULL, &k, FST__EVD_REC0 | FST__EVD_REC1 | FST__EVD_ACC1 | FST__EVD_REJ0, &hi),
                 FST_BASIS_REJECTED_REPLY);
    cr_assert_eq(hi, 1);
    /* a direction with both ACCEPT and REJECT (late packet) says nothing */
    cr_assert_eq(fst__direction_fallback(NULL, &k, FST__EVD_REC0 | FST__EVD_REC1 | FST__EVD_ACC1 | FST__EVD_ACC0 | FST__EVD_REJ0, &hi),
                 FST_BASIS_PORT);
    cr_assert_eq(hi, 1); /* lo holds port 53: lo is the server */
    /* both directions rejected only: nothing either */
    cr_assert_eq(fst__direction_fallback(NULL, &k, FST__EVD_REC0 | FST__EVD_REC1 | FST__EVD_REJ1 | FST__EVD_REJ0, &hi),
                 FST_BASIS_PORT);
}

Test(direction, first_seen_tie_is_unknown)
{
    fst__pkey k;
    int hi = -1;
    memset(&k, 0, sizeof k);
    k.proto = 1;
    cr_assert_eq(fst__direction_fallback(NULL, &k, FST__EVD_REC0 | FST__EVD_REC1 | FST__EVD_FIRST_TIE, &hi),
                 FST_BASIS_UNKNOWN);
    cr_assert_eq(hi, 0);
}
