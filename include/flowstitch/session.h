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
    X(FIRST_SEEN, "first-seen")        /* no ports (ICMP..., or ports absent from \
                                          * the format): sender of the earliest record */ \
    X(UNKNOWN, "unknown")              /* canonical order, no evidence */

typedef enum fst_basis {
#define FST__BASIS_ENUM(id, name) FST_BASIS_##id,
    FST_BASIS_MAP(FST__BASIS_ENUM)
#undef FST__BASIS_ENUM
    FST_BASIS_COUNT
} fst_basis;

/* "tcp-flags", "learned-service", ... ; "?" for bad values. */
const char *fst_direction_reason_name(int basis);

/* What cut a session off the previous session of the same 5-tuple
 * (docs/sessions.md "Session boundaries"), weakest first.  X(ID, "name"). */
#define FST_SPLIT_MAP(X)                                                      \
    X(NONE, "none")                    /* the first session of its 5-tuple */ \
    X(IDLE, "idle")                    /* a silence longer than the idle timeout (no flags) */ \
    X(CONNTRACK, "conntrack-timeout")  /* a silence longer than connection tracking keeps */ \
    X(SYN_AFTER_TRAFFIC, "syn-after-traffic") /* a SYN after the old one got past its opening */ \
    X(SYN_AFTER_CLOSE, "syn-after-close") /* a SYN after a FIN or RST */     \
    X(SYN_SAME_WINDOW, "fin-syn-same-window") /* one record: the old FIN and the new SYN */

typedef enum fst_split {
#define FST__SPLIT_ENUM(id, name) FST_SPLIT_##id,
    FST_SPLIT_MAP(FST__SPLIT_ENUM)
#undef FST__SPLIT_ENUM
    FST_SPLIT_COUNT
} fst_split;

/* "syn-after-close", "idle", ...; "?" for bad values. */
const char *fst_split_basis_name(int split);

/* Session action: what the records said. */
enum { FST_SACT_ACCEPT = 1, FST_SACT_REJECT = 2, FST_SACT_MIXED = 3 };
/* "ACCEPT", "REJECT", "ACCEPT+REJECT" (some records of each: e.g. a
 * stateless-NACL-rejected reply), "-" when no record had an action. */
const char *fst_session_action_name(int action);

/* fst_session.unknown: the format of every record of the session lacked
 * start/end (first_seen/last_seen are meaningless), or packets and bytes. */
enum { FST_SESSION_NO_TIMES = 1, FST_SESSION_NO_COUNTS = 2 };

/* fst_session.key_absent: parts of the 5-tuple the records did not carry
 * (a custom format without srcport/dstport or protocol, or a port "-"):
 * the session was joined on the rest, and those parts are reported as null
 * (docs/sessions.md "Formats without ports or protocol").  A session
 * without them never shares a key with one that has them. */
enum { FST_KEY_ABSENT_PORTS = 1, FST_KEY_ABSENT_PROTO = 2 };
/* "ports", "protocol", "ports,protocol"; NULL for 0 (nothing absent). */
const char *fst_key_absent_name(int absent);

/* What kind of traffic a session is, for accounting and cost (docs/output.md
 * "traffic_class").  X(ID, "name"). */
#define FST_CLASS_MAP(X)                                                      \
    X(UNKNOWN, "unknown")               /* not enough context to tell */      \
    X(INTRA_AZ, "intra-az")             /* both sides in the logged VPCs, one AZ */ \
    X(INTER_AZ, "inter-az")             /* both sides in one VPC, two AZs */  \
    X(INTER_VPC, "inter-vpc")           /* two VPCs (peering or transit gateway) */ \
    X(INTERNET_EGRESS, "internet-egress")   /* client inside, server on the internet */ \
    X(INTERNET_INGRESS, "internet-ingress") /* client on the internet, server inside */ \
    X(NAT_GATEWAY, "nat-gateway")       /* through a NAT gateway */           \
    X(AWS_SERVICE, "aws-service")       /* to/from an AWS service address or endpoint */ \
    X(REJECTED, "rejected")             /* every record REJECT: nothing crossed */

typedef enum fst_traffic_class {
#define FST__CLASS_ENUM(id, name) FST_CLASS_##id,
    FST_CLASS_MAP(FST__CLASS_ENUM)
#undef FST__CLASS_ENUM
    FST_CLASS_COUNT
} fst_traffic_class;

/* "intra-az", "nat-gateway", ...; "?" for bad values. */
const char *fst_traffic_class_name(int cls);

/* Where one side of a session lives, where known (NULL when unknown, never
 * a guess).  Strings are owned by the stitcher (or its ENI/subnet tables)
 * and valid during the callback. */
typedef struct fst_side_context {
    const char *account;  /* AWS account id */
    const char *vpc;      /* vpc-... */
    const char *subnet;   /* subnet-... */
    const char *az;       /* zone name (us-east-1a) with ENI metadata or
                           * --subnets, else the az-id (use1-az2) */
    const char *eni;      /* the side's own interface (eni-...) */
} fst_side_context;

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
    /* Context (docs/output.md keys client_*, server_*, region,
     * traffic_class, traffic_path, aws_service). */
    fst_side_context client_ctx, server_ctx;
    const char *region;          /* NULL when unknown */
    uint8_t traffic_class;       /* fst_traffic_class */
    uint8_t traffic_path;        /* AWS traffic-path code 1..8 of its egress
                                  * records, 0 when not logged */
    const char *aws_service;     /* pkt-src/dst-aws-service of the non-VPC
                                  * side (S3, DYNAMODB, ...), NULL when none */
    /* Packets and bytes summed over ALL the session's records (every ENI's
     * copy, exact duplicates included): what a query summing the flow log
     * says (an Athena SUM(bytes)).  Over all sessions they add up to the
     * run's packets_naive/bytes_naive (fst_stitch_stats) when no record
     * was unusable.  Not an output column of `sessions`; see cost.h. */
    uint64_t naive_packets, naive_bytes;
    uint8_t split_basis;         /* fst_split: what cut it from the previous
                                  * session of its 5-tuple */
    uint8_t open_at_start;       /* already open before its first record */
    uint8_t open_at_end;         /* still open after its last record */
    uint8_t key_absent;          /* FST_KEY_ABSENT_*: proto (when PROTO) and
                                  * the ports (when PORTS) are 0 and mean
                                  * nothing; community_id is "" */
} fst_session;

/* Community ID v1 (corelight/community-id-spec) of a flow, seed 0 by default:
 * writes "1:<base64>" into out (>= 32 bytes). */
void fst_community_id(uint16_t seed, uint8_t proto, const fst_addr *a, uint16_t aport,
                      const fst_addr *b, uint16_t bport, char out[32]);

#endif
