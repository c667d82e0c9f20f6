/* direction/direction.c - ordered rules -> client/server + basis (see direction.h). */
#include "direction/direction.h"

#include <stddef.h>
#include <string.h>

#include "flowstitch/errors.h"

/* Registered service ports >= 1024 that are servers far more often than
 * clients (IANA registrations + common defaults). Sorted for bsearch. */
static const uint16_t known_ports[] = {
    1080, 1194, 1433, 1521, 1723, 1883, 2049, 2181, 2375, 2376, 2379, 2380, 3000,
    3128, 3268, 3306, 3389, 4222, 4369, 5000, 5001, 5044, 5060, 5061, 5201, 5222,
    5349, 5432, 5439, 5601, 5671, 5672, 5900, 5984, 6379, 6443, 7000, 7001, 7474,
    8000, 8008, 8080, 8081, 8086, 8088, 8443, 8500, 8888, 9000, 9042, 9090, 9092,
    9093, 9100, 9200, 9300, 9418, 9443, 10250, 11211, 15672, 25565, 27017
};

static int cmp_u16(const void *a, const void *b)
{
    const uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

int fst__port_class(uint16_t port)
{
    if (port == 0)
        return 0;
    if (port < 1024)
        return 3;
    if (bsearch(&port, known_ports, FST__ARRAY_LEN(known_ports), sizeof port, cmp_u16))
        return 2;
    return port < 32768 ? 1 : 0;
}

int fst__direction_flags(uint16_t ev, int *client_hi)
{
    const int syn0 = !!(ev & FST__EVD_SYN0), syn1 = !!(ev & FST__EVD_SYN1);
    const int sa0 = !!(ev & FST__EVD_SYNACK0), sa1 = !!(ev & FST__EVD_SYNACK1);
    if (syn0 != syn1) {
        *client_hi = syn1;
        return FST_BASIS_TCP_SYN;
    }
    if (syn0 && syn1) { /* simultaneous open, or merged retries: SYN-ACK decides */
        *client_hi = sa0 != sa1 ? sa0 : !!(ev & FST__EVD_SYNFIRST1);
        return FST_BASIS_TCP_SYN;
    }
    if (sa0 != sa1) {
        *client_hi = sa0; /* the SYN-ACK sender is the server */
        const int other = sa0 ? (ev & FST__EVD_REC1) : (ev & FST__EVD_REC0);
        return other ? FST_BASIS_TCP_SYNACK : FST_BASIS_TCP_SYNACK_WEAK;
    }
    return -1;
}

static int has_ports(uint8_t proto)
{
    return proto == FST_PROTO_TCP || proto == FST_PROTO_UDP || proto == FST_PROTO_SCTP ||
           proto == FST_PROTO_DCCP;
}

/* Rule 2: exactly one direction was only rejected while the other was
 * accepted; returns 1 and sets *client_hi to the accepted sender. */
static int rejected_reply(uint16_t ev, int *client_hi)
{
    const int only_rej0 = (ev & FST__EVD_REJ0) && !(ev & FST__EVD_ACC0);
    const int only_rej1 = (ev & FST__EVD_REJ1) && !(ev & FST__EVD_ACC1);
    if (only_rej0 && (ev & FST__EVD_ACC1) && !only_rej1) {
        *client_hi = 1;
        return 1;
    }
    if (only_rej1 && (ev & FST__EVD_ACC0) && !only_rej0) {
        *client_hi = 0;
        return 1;
    }
    return 0;
}

int fst__direction_fallback(const fst__learned *l, const fst__pkey *k, uint16_t ev,
                            int *client_hi)
{
    if (rejected_reply(ev, client_hi))
        return FST_BASIS_REJECTED_REPLY;
    const uint16_t recs = ev & (FST__EVD_REC0 | FST__EVD_REC1);
    const int one_way = recs == FST__EVD_REC0 || recs == FST__EVD_REC1;
    const int sender_hi = recs == FST__EVD_REC1;
    if (one_way && !(ev & (FST__EVD_ACC0 | FST__EVD_ACC1)) && (ev & (FST__EVD_REJ0 | FST__EVD_REJ1))) {
        *client_hi = sender_hi; /* a rejected attempt nothing answered */
        return FST_BASIS_ONE_WAY;
    }
    /* ports logged: a protocol with ports, or an unlogged protocol (AWS
     * writes ports 0 for the others, so the classes then say nothing) */
    const int ports = !(k->absent & FST__KEY_NOPORTS) &&
                      (has_ports(k->proto) || (k->absent & FST__KEY_NOPROTO));
    if (l && ports && k->proto == FST_PROTO_TCP) {
        const int lo = fst__learned_has(l, k->k.lo, k->k.lo_port, k->proto);
        const int hi = fst__learned_has(l, k->k.hi, k->k.hi_port, k->proto);
        if (lo != hi) {
            *client_hi = lo; /* the learned service is the server */
            return FST_BASIS_LEARNED;
        }
    }
    if (ports) {
        const int clo = fst__port_class(k->k.lo_port), chi = fst__port_class(k->k.hi_port);
        if (clo != chi) {
            *client_hi = clo > chi;
            return FST_BASIS_PORT;
        }
        *client_hi = one_way && sender_hi;
        return one_way ? FST_BASIS_ONE_WAY : FST_BASIS_UNKNOWN;
    }
    if (one_way) {
        *client_hi = sender_hi;
        return FST_BASIS_ONE_WAY;
    }
    if ((ev & (FST__EVD_REC0 | FST__EVD_REC1)) && !(ev & FST__EVD_FIRST_TIE)) {
        *client_hi = !!(ev & FST__EVD_FIRST1);
        return FST_BASIS_FIRST_SEEN;
    }
    *client_hi = 0;
    return FST_BASIS_UNKNOWN;
}
