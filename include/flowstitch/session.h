/* flowstitch/session.h - one rebuilt session, as every stage above the
 * join sees it.
 *
 * Owns: fst_session (the record of one connection handed to callbacks and
 * writers), the direction bases (why client and server are what they are),
 * the session action names, and the Community ID of a flow.  Nothing here
 * allocates; the names are static strings.
 */
#ifndef FLOWSTITCH_SESSION_H
#define FLOWSTITCH_SESSION_H

#include <stdint.h>

#include "flowstitch/record.h"

/* Why the client/server orientation is what it is.  X(ID, "name"). */
#define FST_BASIS_MAP(X)                                                      \
    X(TCP_SYN, "tcp-flags")            /* a SYN without ACK marks the client */ \
    X(TCP_SYNACK, "tcp-synack")        /* only SYN-ACK seen, with data both ways */ \
    X(TCP_SYNACK_WEAK, "tcp-synack-weak") /* a lone SYN-ACK: scans make them */ \
    X(REJECTED_REPLY, "rejected-reply") /* one direction only REJECT, the other ACCEPT: \
                                          * the accepted one is the request (stateless NACL) */ \
    X(ONE_WAY, "one-way")              /* records in one direction only: the sender  \
                                          * started it (scans, rejected attempts) */  \
    X(LEARNED, "learned-service")      /* addr:port answered SYN-ACK elsewhere in the input */ \
    X(PORT, "port")                    /* service port vs ephemeral port */  \
    X(FIRST_SEEN, "first-seen")        /* no ports (ICMP...): sender of the earliest record */ \
    X(UNKNOWN, "unknown")              /* canonical order, no evidence */

typedef enum fst_basis {
#define FST__BASIS_ENUM(id, name) FST_BASIS_##id,
    FST_BASIS_MAP(FST__BASIS_ENUM)
#undef FST__BASIS_ENUM
    FST_BASIS_COUNT
} fst_basis;

/* "tcp-flags", "learned-service", ... ; "?" for bad values. */
const char *fst_direction_reason_name(int basis);

/* Session action: what the records said. */
enum { FST_SACT_ACCEPT = 1, FST_SACT_REJECT = 2, FST_SACT_MIXED = 3 };
/* "ACCEPT", "REJECT", "ACCEPT+REJECT" (some records of each: e.g. a
 * stateless-NACL-rejected reply), "-" when no record had an action. */
const char *fst_session_action_name(int action);

/* fst_session.unknown: the format of every record of the session lacked
 * start/end (first_seen/last_seen are meaningless), or packets and bytes. */
enum { FST_SESSION_NO_TIMES = 1, FST_SESSION_NO_COUNTS = 2 };

/* One session, as handed to the fst_session_cb.  Valid during the callback. */
typedef struct fst_session {
    uint64_t id;                 /* session_id: 1, 2, ... in output order */
    uint8_t proto;               /* IANA protocol number */
    fst_addr client_addr, server_addr; /* real packet addresses */
    uint16_t client_port, server_port;
    int64_t first_seen, last_seen; /* earliest start, latest end of its records */
    uint64_t c2s_packets, c2s_bytes, s2c_packets, s2c_bytes; /* each counted once */
    int16_t tcp_flags_c2s, tcp_flags_s2c; /* OR over the session; -1 when unknown */
    uint8_t basis;               /* fst_basis */
    uint8_t action;              /* FST_SACT_*, 0 when none */
    uint8_t incomplete;          /* overlaps a SKIPDATA window of one of its ENIs */
    uint32_t n_enis;
    const char *const *enis;     /* ENIs that observed it, sorted */
    uint64_t records;            /* input records merged into it */
    uint8_t unknown;             /* FST_SESSION_NO_*: what the records' format
                                  * did not carry (reported as null) */
    uint64_t nat_leg_of;         /* for a NAT gateway's translated leg: the
                                  * session_id it belongs to; 0 otherwise */
    char community_id[32];       /* Community ID v1, "1:" + base64(SHA-1) */
} fst_session;

/* Community ID v1 (corelight/community-id-spec) of a flow, seed 0 by default:
 * writes "1:<base64>" into out (>= 32 bytes). */
void fst_community_id(uint16_t seed, uint8_t proto, const fst_addr *a, uint16_t aport,
                      const fst_addr *b, uint16_t bport, char out[32]);

#endif
