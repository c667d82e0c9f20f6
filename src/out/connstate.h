/* out/connstate.h - a session's connection state in Zeek's terms (internal).
 *
 * Owns: the mapping from what flow logs keep of a session (the OR of the
 * TCP flags each side sent, packets per side, the action) to Zeek's
 * conn_state codes (S0, S1, SF, REJ, ...).  docs/output.md "zeek" explains
 * each row of the table.  Used by the Zeek writer (conn_state) and the
 * OCSF writer (activity_id).  Pure functions, no allocation.
 */
#ifndef FST_OUT_CONNSTATE_H
#define FST_OUT_CONNSTATE_H

#include "flowstitch/session.h"

/* X(ID, "code") in Zeek's spelling. */
#define FST__CONN_STATES(X)                                                     \
    X(S0, "S0")         /* attempt seen, no reply */                            \
    X(S1, "S1")         /* established, not terminated */                       \
    X(SF, "SF")         /* established and closed by both sides (FIN) */        \
    X(REJ, "REJ")       /* attempt rejected: REJECT action or RST to a SYN */   \
    X(S2, "S2")         /* established, only the originator sent FIN */         \
    X(S3, "S3")         /* established, only the responder sent FIN */          \
    X(RSTO, "RSTO")     /* established, originator reset */                     \
    X(RSTR, "RSTR")     /* established, responder reset */                      \
    X(RSTOS0, "RSTOS0") /* originator SYN then RST, no SYN-ACK */               \
    X(RSTRH, "RSTRH")   /* responder SYN-ACK then RST, no SYN from originator */ \
    X(SH, "SH")         /* originator SYN then FIN, no SYN-ACK (half-open) */   \
    X(SHR, "SHR")       /* responder SYN-ACK/FIN (or only responder packets) */ \
    X(OTH, "OTH")       /* no SYN seen (midstream), or nothing to tell */

typedef enum fst__conn_state {
#define FST__CONN_STATE_ENUM(id, name) FST__CS_##id,
    FST__CONN_STATES(FST__CONN_STATE_ENUM)
#undef FST__CONN_STATE_ENUM
    FST__CS_COUNT
} fst__conn_state;

/* The state of s (client = Zeek's originator, server = responder). */
fst__conn_state fst__session_conn_state(const fst_session *s);
/* "S0", "SF", ...; "OTH" for bad values. */
const char *fst__conn_state_name(fst__conn_state cs);

#endif
