/* flowstitch/record.h - one flow-log line, parsed.
 *
 * Owns: the list of known field names (every VPC field of versions 2 to 11
 * and the Transit Gateway v6 fields), the address type, and fst_record, the
 * fixed-size struct the parser fills for every line without allocating.
 *
 * Facts behind it: ../shared/docs/aws-flowlogs.md sections 1 and 2.
 */
#ifndef FLOWSTITCH_RECORD_H
#define FLOWSTITCH_RECORD_H

#include <stddef.h>
#include <stdint.h>

/* Field value types. */
typedef enum fst_ftype {
    FST_T_TEXT,   /* opaque text, kept as the raw token */
    FST_T_ID,     /* text interned by the reader (ENI, VPC, subnet ids...) */
    FST_T_UINT,   /* unsigned 64-bit integer, overflow-checked */
    FST_T_TIME,   /* unix seconds, unsigned 64-bit */
    FST_T_PORT,   /* 0..65535 */
    FST_T_PROTO,  /* IANA number 0..255; the names TCP, UDP, ICMP, ICMPv6 are accepted */
    FST_T_FLAGS,  /* tcp-flags bitmask 0..255 */
    FST_T_SMALL,  /* small code 0..255 (traffic-path, encryption-status) */
    FST_T_ADDR,   /* IPv4 or IPv6 address */
    FST_T_ACTION, /* ACCEPT | REJECT */
    FST_T_STATUS, /* OK | NODATA | SKIPDATA */
    FST_T_DIR,    /* ingress | egress */
    FST_T_IPTYPE  /* IPv4 | IPv6 | EFA */
} fst_ftype;

/* X(ID, "aws-name", type, version).  Order is the order of the AWS field
 * table; the ids are stable within one build only (do not store them). */
#define FST_FIELD_MAP(X)                                                    \
    X(VERSION, "version", FST_T_UINT, 2)                                    \
    X(ACCOUNT_ID, "account-id", FST_T_ID, 2)                                \
    X(INTERFACE_ID, "interface-id", FST_T_ID, 2)                            \
    X(SRCADDR, "srcaddr", FST_T_ADDR, 2)                                    \
    X(DSTADDR, "dstaddr", FST_T_ADDR, 2)                                    \
    X(SRCPORT, "srcport", FST_T_PORT, 2)                                    \
    X(DSTPORT, "dstport", FST_T_PORT, 2)                                    \
    X(PROTOCOL, "protocol", FST_T_PROTO, 2)                                 \
    X(PACKETS, "packets", FST_T_UINT, 2)                                    \
    X(BYTES, "bytes", FST_T_UINT, 2)                                        \
    X(START, "start", FST_T_TIME, 2)                                        \
    X(END, "end", FST_T_TIME, 2)                                            \
    X(ACTION, "action", FST_T_ACTION, 2)                                    \
    X(LOG_STATUS, "log-status", FST_T_STATUS, 2)                            \
    X(VPC_ID, "vpc-id", FST_T_ID, 3)                                        \
    X(SUBNET_ID, "subnet-id", FST_T_ID, 3)                                  \
    X(INSTANCE_ID, "instance-id", FST_T_ID, 3)                              \
    X(TCP_FLAGS, "tcp-flags", FST_T_FLAGS, 3)                               \
    X(TYPE, "type", FST_T_IPTYPE, 3)                                        \
    X(PKT_SRCADDR, "pkt-srcaddr", FST_T_ADDR, 3)                            \
    X(PKT_DSTADDR, "pkt-dstaddr", FST_T_ADDR, 3)                            \
    X(REGION, "region", FST_T_ID, 4)                                        \
    X(AZ_ID, "az-id", FST_T_ID, 4)                                          \
    X(SUBLOCATION_TYPE, "sublocation-type", FST_T_TEXT, 4)                  \
    X(SUBLOCATION_ID, "sublocation-id", FST_T_TEXT, 4)                      \
    X(PKT_SRC_AWS_SERVICE, "pkt-src-aws-service", FST_T_TEXT, 5)            \
    X(PKT_DST_AWS_SERVICE, "pkt-dst-aws-service", FST_T_TEXT, 5)            \
    X(FLOW_DIRECTION, "flow-direction", FST_T_DIR, 5)                       \
    X(TRAFFIC_PATH, "traffic-path", FST_T_SMALL, 5)                         \
    X(ECS_CLUSTER_ARN, "ecs-cluster-arn", FST_T_TEXT, 7)                    \
    X(ECS_CLUSTER_NAME, "ecs-cluster-name", FST_T_TEXT, 7)                  \
    X(ECS_CONTAINER_INSTANCE_ARN, "ecs-container-instance-arn", FST_T_TEXT, 7) \
    X(ECS_CONTAINER_INSTANCE_ID, "ecs-container-instance-id", FST_T_TEXT, 7) \
    X(ECS_CONTAINER_ID, "ecs-container-id", FST_T_TEXT, 7)                  \
    X(ECS_SECOND_CONTAINER_ID, "ecs-second-container-id", FST_T_TEXT, 7)    \
    X(ECS_SERVICE_NAME, "ecs-service-name", FST_T_TEXT, 7)                  \
    X(ECS_TASK_DEFINITION_ARN, "ecs-task-definition-arn", FST_T_TEXT, 7)    \
    X(ECS_TASK_ARN, "ecs-task-arn", FST_T_TEXT, 7)                          \
    X(ECS_TASK_ID, "ecs-task-id", FST_T_TEXT, 7)                            \
    X(REJECT_REASON, "reject-reason", FST_T_TEXT, 8)                        \
    X(RESOURCE_ID, "resource-id", FST_T_TEXT, 10)                           \
    X(ENCRYPTION_STATUS, "encryption-status", FST_T_SMALL, 10)              \
    X(INTERFACE_TYPE, "interface-type", FST_T_TEXT, 11)                     \
    X(NEXT_HOP_INTERFACE_ID, "next-hop-interface-id", FST_T_TEXT, 11)       \
    X(NEXT_HOP_SUBNET_ID, "next-hop-subnet-id", FST_T_TEXT, 11)             \
    X(NEXT_HOP_AZ_ID, "next-hop-az-id", FST_T_TEXT, 11)                     \
    X(NEXT_HOP_VPC_ID, "next-hop-vpc-id", FST_T_TEXT, 11)                   \
    X(NEXT_HOP_INTERFACE_TYPE, "next-hop-interface-type", FST_T_TEXT, 11)   \
    X(INSTANCE_TAG, "instance-tag", FST_T_TEXT, 11)                         \
    X(INTERFACE_TAG, "interface-tag", FST_T_TEXT, 11)                       \
    X(INSTANCE_TAG_2, "instance-tag-2", FST_T_TEXT, 11)                     \
    X(INTERFACE_TAG_2, "interface-tag-2", FST_T_TEXT, 11)                   \
    X(ASG_TAG, "asg-tag", FST_T_TEXT, 11)                                   \
    X(ASG_TAG_2, "asg-tag-2", FST_T_TEXT, 11)                               \
    X(RESOURCE_TYPE, "resource-type", FST_T_TEXT, 6)                        \
    X(TGW_ID, "tgw-id", FST_T_TEXT, 6)                                      \
    X(TGW_ATTACHMENT_ID, "tgw-attachment-id", FST_T_ID, 6)                  \
    X(TGW_SRC_VPC_ACCOUNT_ID, "tgw-src-vpc-account-id", FST_T_TEXT, 6)      \
    X(TGW_DST_VPC_ACCOUNT_ID, "tgw-dst-vpc-account-id", FST_T_TEXT, 6)      \
    X(TGW_SRC_VPC_ID, "tgw-src-vpc-id", FST_T_TEXT, 6)                      \
    X(TGW_DST_VPC_ID, "tgw-dst-vpc-id", FST_T_TEXT, 6)                      \
    X(TGW_SRC_SUBNET_ID, "tgw-src-subnet-id", FST_T_TEXT, 6)                \
    X(TGW_DST_SUBNET_ID, "tgw-dst-subnet-id", FST_T_TEXT, 6)                \
    X(TGW_SRC_ENI, "tgw-src-eni", FST_T_TEXT, 6)                            \
    X(TGW_DST_ENI, "tgw-dst-eni", FST_T_TEXT, 6)                            \
    X(TGW_SRC_AZ_ID, "tgw-src-az-id", FST_T_TEXT, 6)                        \
    X(TGW_DST_AZ_ID, "tgw-dst-az-id", FST_T_TEXT, 6)                        \
    X(TGW_PAIR_ATTACHMENT_ID, "tgw-pair-attachment-id", FST_T_TEXT, 6)      \
    X(PACKETS_LOST_NO_ROUTE, "packets-lost-no-route", FST_T_UINT, 6)        \
    X(PACKETS_LOST_BLACKHOLE, "packets-lost-blackhole", FST_T_UINT, 6)      \
    X(PACKETS_LOST_MTU_EXCEEDED, "packets-lost-mtu-exceeded", FST_T_UINT, 6) \
    X(PACKETS_LOST_TTL_EXPIRED, "packets-lost-ttl-expired", FST_T_UINT, 6)

typedef enum fst_field {
#define FST__FIELD_ENUM(id, name, type, ver) FST_F_##id,
    FST_FIELD_MAP(FST__FIELD_ENUM)
#undef FST__FIELD_ENUM
    FST_FIELD_COUNT,
    FST_F_UNKNOWN = 0xff /* a column whose name flowstitch does not know */
} fst_field;

/* Name, type and first version of a known field; NULL/-1 for bad ids. */
const char *fst_field_name(int field);
int fst_field_type(int field);
int fst_field_version(int field);
/* Field id for an AWS name ("pkt-srcaddr"; "pkt_srcaddr" is accepted too,
 * and a "${...}" wrapper is stripped), or FST_F_UNKNOWN. */
int fst_field_lookup(const char *name, size_t len);
/* The known field whose name is nearest to an unknown one (at most 2 edits
 * and fewer than a third of its length: "srcprot" -> srcport, "acton" ->
 * action), for "did you mean" hints; FST_F_UNKNOWN when none is near. */
int fst_field_suggest(const char *name, size_t len);

/* Enumerated values, stored in fst_record.num[]. 0 always means "not given". */
enum { FST_ACTION_NONE = 0, FST_ACTION_ACCEPT = 1, FST_ACTION_REJECT = 2 };
enum { FST_STATUS_NONE = 0, FST_STATUS_OK = 1, FST_STATUS_NODATA = 2, FST_STATUS_SKIPDATA = 3 };
enum { FST_DIR_NONE = 0, FST_DIR_INGRESS = 1, FST_DIR_EGRESS = 2 };
enum { FST_IPTYPE_NONE = 0, FST_IPTYPE_IPV4 = 1, FST_IPTYPE_IPV6 = 2, FST_IPTYPE_EFA = 3 };

/* tcp-flags bits as AWS defines them (SYN-ACK is 18 = SYN|ACK). */
enum { FST_TCP_FIN = 1, FST_TCP_SYN = 2, FST_TCP_RST = 4, FST_TCP_PSH = 8,
       FST_TCP_ACK = 16, FST_TCP_URG = 32, FST_TCP_SYNACK = 18 };

/* IANA protocol numbers the engine treats apart (timeouts, direction
 * rules); FST_PROTO_COUNT sizes arrays indexed by protocol (0..255). */
enum { FST_PROTO_ICMP = 1, FST_PROTO_TCP = 6, FST_PROTO_UDP = 17, FST_PROTO_DCCP = 33,
       FST_PROTO_ICMPV6 = 58, FST_PROTO_SCTP = 132,
       FST_PROTO_COUNT = 256 };

/* An IP address.  IPv4 is stored IPv4-mapped (::ffff:a.b.c.d) so that both
 * families compare and hash as 16 bytes; family says which text form. */
typedef struct fst_addr {
    uint8_t b[16];
    uint8_t family; /* 0 = none, 4 = IPv4, 6 = IPv6 */
} fst_addr;

/* Parse text (not NUL-terminated) into *out.  Accepts dotted IPv4 and every
 * RFC 4291 IPv6 text form (compressed "::", embedded IPv4).  Returns 0 or
 * FST_EADDR. */
int fst_addr_parse(const char *s, size_t len, fst_addr *out);
/* Canonical text (IPv4 dotted; IPv6 per RFC 5952: lower case, longest zero
 * run compressed).  Writes at most n bytes including the NUL; returns the
 * length written (excluding NUL). buf of FST_ADDR_STRLEN always suffices. */
#define FST_ADDR_STRLEN 46
size_t fst_addr_format(const fst_addr *a, char *buf, size_t n);
/* memcmp-style ordering of two addresses (family first, then bytes). */
int fst_addr_cmp(const fst_addr *a, const fst_addr *b);

/* A slice of the current line.  Not NUL-terminated. */
typedef struct fst_str {
    const char *ptr;
    uint32_t len;
} fst_str;

/* A set of field ids. */
typedef struct fst_fieldset {
    uint64_t w[2];
} fst_fieldset;
#define FST_FIELDSET_HAS(s, f) ((((s).w[(f) >> 6]) >> ((f)&63)) & 1u)
#define FST_FIELDSET_ADD(s, f) ((s).w[(f) >> 6] |= (uint64_t)1 << ((f)&63))

/* The column layout of the lines being read: from the S3 header line, from
 * --fields, or the 14-field default.  Owned by the reader. */
typedef struct fst_format {
    uint16_t ncols;
    const uint8_t *ids;        /* ncols field ids, FST_F_UNKNOWN for unknown names */
    const char *const *names;  /* ncols column names as written (hyphen form) */
    fst_fieldset fields;       /* known fields present */
    int col[FST_FIELD_COUNT];  /* column of each known field, -1 when absent */
} fst_format;

/* Address slots in fst_record.addr[]. */
enum { FST_A_SRC = 0, FST_A_DST = 1, FST_A_PKT_SRC = 2, FST_A_PKT_DST = 3, FST_A_COUNT = 4 };
/* Slot of an address field (FST_F_SRCADDR -> FST_A_SRC ...), -1 for others. */
int fst_field_addr_slot(int field);

/* One parsed line.  Filled in place by the reader for every record line; the
 * pointers in it stay valid until the next call to fst_reader_next(), except
 * interned strings (ids[]), which live as long as the reader. */
typedef struct fst_record {
    const char *file;          /* input name ("-" for stdin) */
    uint64_t line;             /* 1-based line number within that file */
    const fst_format *format;  /* column layout in force for this line */
    fst_fieldset dash;         /* present fields written as "-" */
    /* Typed values by field id: numbers and enums (FST_T_UINT, TIME, PORT,
     * PROTO, FLAGS, SMALL, ACTION, STATUS, DIR, IPTYPE).  Valid when the
     * field is in format->fields and not in dash. */
    uint64_t num[FST_FIELD_COUNT];
    fst_addr addr[FST_A_COUNT];   /* srcaddr, dstaddr, pkt-srcaddr, pkt-dstaddr */
    /* Interned NUL-terminated text of FST_T_ID fields, by field id; NULL when
     * absent or "-".  Equal strings have equal pointers. */
    const char *ids[FST_FIELD_COUNT];
    uint32_t eni;              /* small dense number of interface-id, 0 if none */
    fst_str *cols;             /* ncols raw tokens in column order */
    int64_t export_ms;         /* CloudWatch export line prefix (ms), or -1 */
    uint8_t status;            /* FST_STATUS_*: OK when log-status is absent */
} fst_record;

/* True when the record carries field f with a real value (not "-"). */
static inline int fst_record_has(const fst_record *r, int f)
{
    return FST_FIELDSET_HAS(r->format->fields, f) && !FST_FIELDSET_HAS(r->dash, f);
}

#endif
