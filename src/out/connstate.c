/* out/connstate.c - Zeek conn_state from OR-ed TCP flags (out/connstate.h). */
#include "out/connstate.h"

static const char *const names[FST__CS_COUNT] = {
#define FST__CONN_STATE_NAME(id, name) name,
    FST__CONN_STATES(FST__CONN_STATE_NAME)
#undef FST__CONN_STATE_NAME
};

const char *fst__conn_state_name(fst__conn_state cs)
{
    return (unsigned)cs < FST__CS_COUNT ? names[cs] : "OTH";
}

/* UDP, ICMP, ...: who sent packets (Zeek's UDP states). */
static fst__conn_state flowless_state(const fst_session *s)
{
    if (s->unknown & FST_SESSION_NO_COUNTS)
        return FST__CS_OTH;
    if (s->c2s_packets && s->s2c_packets)
        return FST__CS_SF;
    if (s->c2s_packets)
        return FST__CS_S0;
    return s->s2c_packets ? FST__CS_SHR : FST__CS_OTH;
}

/* The originator sent SYN, the responder no SYN-ACK. */
static fst__conn_state attempt_state(int c, int r)
{
    if (r & FST_TCP_RST)
        return FST__CS_REJ;
    if (c & FST_TCP_RST)
        return FST__CS_RSTOS0;
    if (c & FST_TCP_FIN)
        return FST__CS_SH;
    return FST__CS_S0;
}

/* Both SYN and SYN-ACK were seen. */
static fst__conn_state established_state(int c, int r)
{
    if (c & FST_TCP_RST)
        return FST__CS_RSTO;
    if (r & FST_TCP_RST)
        return FST__CS_RSTR;
    if ((c & FST_TCP_FIN) && (r & FST_TCP_FIN))
        return FST__CS_SF;
    if (c & FST_TCP_FIN)
        return FST__CS_S2;
    return (r & FST_TCP_FIN) ? FST__CS_S3 : FST__CS_S1;
}

fst__conn_state fst__session_conn_state(const fst_session *s)
{
    if (s->action == FST_SACT_REJECT)
        return FST__CS_REJ;
    if (s->proto != FST_PROTO_TCP)
        return flowless_state(s);
    const int c = s->tcp_flags_c2s, r = s->tcp_flags_s2c;
    if (c < 0 || r < 0)
        return FST__CS_OTH;
    const int c_syn = (c & FST_TCP_SYN) != 0, r_syn = (r & FST_TCP_SYN) != 0;
    if (c_syn && r_syn)
        return established_state(c, r);
    if (c_syn)
        return attempt_state(c, r);
    if (r_syn) {
        if (r & FST_TCP_RST)
            return FST__CS_RSTRH;
        return (r & FST_TCP_FIN) ? FST__CS_SHR : FST__CS_OTH;
    }
    return FST__CS_OTH;
}
