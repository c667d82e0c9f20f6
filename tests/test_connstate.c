/* tests/test_connstate.c - Zeek conn_state from the OR-ed TCP flags of each
 * side (out/connstate.h).  Expected states from Zeek's table (docs.zeek.org,
 * Conn::Info conn_state) applied by hand: AWS flags FIN 1, SYN 2, RST 4,
 * SYN-ACK 18. */
#include <criterion/criterion.h>

#include "out/connstate.h"

static fst__conn_state tcp(int c2s, int s2c, int action)
{
    fst_session s = {0};
    s.proto = FST_PROTO_TCP;
    s.tcp_flags_c2s = (int16_t)c2s;
    s.tcp_flags_s2c = (int16_t)s2c;
    s.action = (uint8_t)action;
    s.c2s_packets = 1;
    s.s2c_packets = s2c ? 1 : 0;
    return fst__session_conn_state(&s);
}

Test(connstate, tcp_table)
{
    const int A = FST_SACT_ACCEPT;
    cr_assert_eq(tcp(2, 0, A), FST__CS_S0);          /* SYN, nothing back */
    cr_assert_eq(tcp(2, 18, A), FST__CS_S1);         /* handshake, no FIN */
    cr_assert_eq(tcp(3, 19, A), FST__CS_SF);         /* SYN+FIN / SYN-ACK+FIN */
    cr_assert_eq(tcp(2, 4, A), FST__CS_REJ);         /* SYN answered by RST */
    cr_assert_eq(tcp(2, 0, FST_SACT_REJECT), FST__CS_REJ); /* the action says so */
    cr_assert_eq(tcp(3, 18, A), FST__CS_S2);         /* only the client closed */
    cr_assert_eq(tcp(2, 19, A), FST__CS_S3);         /* only the server closed */
    cr_assert_eq(tcp(6, 18, A), FST__CS_RSTO);       /* client reset */
    cr_assert_eq(tcp(2, 22, A), FST__CS_RSTR);       /* server reset */
    cr_assert_eq(tcp(6, 0, A), FST__CS_RSTOS0);      /* SYN then RST, no reply */
    cr_assert_eq(tcp(3, 0, A), FST__CS_SH);          /* SYN then FIN, no reply */
    cr_assert_eq(tcp(0, 19, A), FST__CS_SHR);        /* SYN-ACK + FIN only */
    cr_assert_eq(tcp(0, 22, A), FST__CS_RSTRH);      /* SYN-ACK + RST only */
    cr_assert_eq(tcp(1, 1, A), FST__CS_OTH);         /* midstream */
    cr_assert_eq(tcp(-1, -1, A), FST__CS_OTH);       /* flags not logged */
}

Test(connstate, udp_by_packets)
{
    fst_session s = {0};
    s.proto = FST_PROTO_UDP;
    s.c2s_packets = 3;
    cr_assert_eq(fst__session_conn_state(&s), FST__CS_S0); /* one way */
    s.s2c_packets = 1;
    cr_assert_eq(fst__session_conn_state(&s), FST__CS_SF); /* both ways */
    cr_assert_str_eq(fst__conn_state_name(FST__CS_RSTOS0), "RSTOS0");
}
