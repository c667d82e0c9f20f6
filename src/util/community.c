/* util/community.c - Community ID v1 of a flow (corelight/community-id-spec).
 *
 * Hash input, all in network byte order, 32-bit aligned:
 *
 *   seed (2) . addr_lo (4|16) . addr_hi (4|16) . proto (1) . 0 (1)
 *            [ . port_lo (2) . port_hi (2) ]    only TCP, UDP, SCTP, ICMP, ICMPv6
 *
 * where (addr_lo, port_lo) is the smaller endpoint: addresses compared as
 * bytes, ports when the addresses are equal.  Output: "1:" + base64(SHA-1)
 * with '=' padding (30 characters).
 *
 * ICMP and ICMPv6 (the spec takes Zeek's mapping): the caller's aport/bport
 * are the message type and code of a packet sent from a to b.  A type with a
 * request/reply counterpart (echo, timestamp, router solicit/advert, ...)
 * becomes the port pair (type, counterpart) and is ordered like TCP; any
 * other type is one-way: (type, code), never reordered.
 *
 * What VPC Flow Logs give us: srcport = dstport = 0 for ICMP, always (the
 * type and code are not logged; aws-flowlogs.md 3.3 and gap 3).  Read
 * literally, 0/0 is "echo reply, code 0, from a to b", which hashes like an
 * echo request from b to a: the session's server would be the pinger.  So a
 * 0/0 ICMP flow is fed as what it almost always is, an echo exchange started
 * by a: echo request a->b (ICMP type 8, ICMPv6 type 128, code 0).  With a =
 * the session's client this gives the same ID Zeek and Suricata print for
 * that ping.  Non-zero values are taken as real (type, code).
 *
 * Addresses of different or unknown families cannot be hashed; out is then
 * the empty string (the spec allows an empty ID for unsupported flows).
 */
#include <stdint.h>
#include <string.h>

#include "flowstitch/session.h"
#include "util/community.h"
#include "util/sha1.h"

enum { PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17, PROTO_ICMP6 = 58, PROTO_SCTP = 132 };

/* Zeek's counterpart type, or -1 when the ICMP type is one-way. */
static int icmp4_counterpart(unsigned type)
{
    switch (type) {
    case 8: return 0;    /* echo -> echo reply */
    case 0: return 8;
    case 13: return 14;  /* timestamp */
    case 14: return 13;
    case 15: return 16;  /* information */
    case 16: return 15;
    case 10: return 9;   /* router solicitation -> advertisement */
    case 9: return 10;
    case 17: return 18;  /* address mask */
    case 18: return 17;
    default: return -1;
    }
}

static int icmp6_counterpart(unsigned type)
{
    switch (type) {
    case 128: return 129; /* echo request -> reply */
    case 129: return 128;
    case 130: return 131; /* MLD listener query -> report */
    case 131: return 130;
    case 133: return 134; /* router solicitation -> advertisement */
    case 134: return 133;
    case 135: return 136; /* neighbor solicitation -> advertisement */
    case 136: return 135;
    case 139: return 140; /* who-are-you request -> reply */
    case 140: return 139;
    case 144: return 145; /* home agent address discovery */
    case 145: return 144;
    default: return -1;
    }
}

static int has_ports(uint8_t proto)
{
    return proto == PROTO_TCP || proto == PROTO_UDP || proto == PROTO_SCTP ||
           proto == PROTO_ICMP || proto == PROTO_ICMP6;
}

/* The bytes of an address as it travels on the wire: 4 or 16. */
static const uint8_t *wire_addr(const fst_addr *a, size_t *len)
{
    *len = a->family == 4 ? 4 : 16;
    return a->family == 4 ? a->b + 12 : a->b;
}

/* (addr a, port pa) < (addr b, port pb)?  Same family assumed. */
static int endpoint_less(const fst_addr *a, uint16_t pa, const fst_addr *b, uint16_t pb)
{
    size_t n;
    const uint8_t *wa = wire_addr(a, &n);
    const uint8_t *wb = wire_addr(b, &n);
    const int c = memcmp(wa, wb, n);
    return c < 0 || (c == 0 && pa < pb);
}

static void base64(const uint8_t *in, size_t n, char *out)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        const uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        *out++ = tab[v >> 18];
        *out++ = tab[(v >> 12) & 63];
        *out++ = tab[(v >> 6) & 63];
        *out++ = tab[v & 63];
    }
    if (n - i == 1) {
        const uint32_t v = (uint32_t)in[i] << 16;
        *out++ = tab[v >> 18];
        *out++ = tab[(v >> 12) & 63];
        *out++ = '=';
        *out++ = '=';
    } else if (n - i == 2) {
        const uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        *out++ = tab[v >> 18];
        *out++ = tab[(v >> 12) & 63];
        *out++ = tab[(v >> 6) & 63];
        *out++ = '=';
    }
    *out = '\0';
}

/* Turn ICMP (type, code) into the spec's port pair; returns 1 when the pair
 * is one-way (must not be reordered). */
static int icmp_ports(uint8_t proto, uint16_t *p1, uint16_t *p2)
{
    if (*p1 == 0 && *p2 == 0)
        *p1 = proto == PROTO_ICMP ? 8 : 128; /* VPC 0/0: echo request a->b */
    const int other = *p1 > 255 ? -1
                      : proto == PROTO_ICMP ? icmp4_counterpart(*p1)
                                            : icmp6_counterpart(*p1);
    if (other < 0)
        return 1;
    *p2 = (uint16_t)other;
    return 0;
}

void fst_community_id(uint16_t seed, uint8_t proto, const fst_addr *a, uint16_t aport,
                      const fst_addr *b, uint16_t bport, char out[32])
{
    fst__community_id(seed, proto, a, aport, b, bport, out, 0);
}

void fst__community_id(uint16_t seed, uint8_t proto, const fst_addr *a, uint16_t aport,
                       const fst_addr *b, uint16_t bport, char out[32], int sha_ni)
{
    out[0] = '\0';
    if (!a || !b || a->family != b->family || (a->family != 4 && a->family != 6))
        return;

    int one_way = 0;
    if (proto == PROTO_ICMP || proto == PROTO_ICMP6)
        one_way = icmp_ports(proto, &aport, &bport);
    if (!has_ports(proto))
        aport = bport = 0; /* not hashed; keeps the ordering on addresses only */
    if (!one_way && endpoint_less(b, bport, a, aport)) {
        const fst_addr *t = a;
        a = b;
        b = t;
        const uint16_t tp = aport;
        aport = bport;
        bport = tp;
    }

    uint8_t buf[2 + 16 + 16 + 2 + 4];
    size_t n = 0, alen;
    buf[n++] = (uint8_t)(seed >> 8);
    buf[n++] = (uint8_t)seed;
    const uint8_t *wa = wire_addr(a, &alen);
    memcpy(buf + n, wa, alen);
    n += alen;
    const uint8_t *wb = wire_addr(b, &alen);
    memcpy(buf + n, wb, alen);
    n += alen;
    buf[n++] = proto;
    buf[n++] = 0;
    if (has_ports(proto)) {
        buf[n++] = (uint8_t)(aport >> 8);
        buf[n++] = (uint8_t)aport;
        buf[n++] = (uint8_t)(bport >> 8);
        buf[n++] = (uint8_t)bport;
    }

    uint8_t digest[FST__SHA1_DIGEST_LEN];
    fst__sha1(buf, n, digest, sha_ni);
    out[0] = '1';
    out[1] = ':';
    base64(digest, sizeof digest, out + 2);
}
