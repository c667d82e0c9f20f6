/* direction/direction.h - ordered rules -> client/server + basis (internal).
 *
 * Owns: the rule cascade that turns a session's evidence (FST__EVD_*,
 * correlate/session.h) into an orientation with a recorded reason
 * (fst_basis), the port classification, and the learned-service table
 * (addr:port pairs that answered a handshake somewhere in the input).
 *
 * Rules, first match wins (docs/sessions.md "Direction"):
 *   1. tcp-flags: a record with SYN and without ACK -> its sender is the
 *      client ("tcp-flags"); else a SYN-ACK record -> its sender is the
 *      server ("tcp-synack" when the other direction has records,
 *      "tcp-synack-weak" when the SYN-ACK is alone: scans make those).
 *   2. rejected-reply: one direction's records are all REJECT and the other
 *      direction has ACCEPT records -> the accepted direction is the request
 *      (a stateless network ACL dropped the reply; aws-flowlogs.md 3.4).
 *   3. one-way, rejected: every record goes the same way and was rejected
 *      -> its sender is the client (an attempt nothing answered: scans,
 *      security-group rejects).
 *   3b. learned-service (TCP): exactly one endpoint answered SYN-ACK (or
 *      received a SYN that was answered) in another session of the input.
 *   4. port: the endpoint whose port has the higher class is the server.
 *   4b. one-way (any action), when ports said nothing: the sender.
 *   5. first-seen (protocols without ports, e.g. ICMP, or a format without
 *      ports, where rules 3b and 4 do not apply; without protocol but
 *      with ports, rule 4 applies and 3b does not):
 *      the sender of the strictly earliest record is the client (a tie says
 *      nothing).
 *   6. unknown: client = canonical "lo" endpoint.
 */
#ifndef FST_DIRECTION_DIRECTION_H
#define FST_DIRECTION_DIRECTION_H

#include <stdint.h>

#include "correlate/session.h"
#include "observe/key.h"
#include "flowstitch/stitcher.h"

/* Port class: 3 well-known (1..1023), 2 known service port >= 1024,
 * 1 other registered (1024..32767), 0 ephemeral (>= 32768) or 0. */
int fst__port_class(uint16_t port);

/* Rule 1 only.  Returns the basis (FST_BASIS_TCP_SYN, _TCP_SYNACK,
 * _TCP_SYNACK_WEAK) and sets *client_hi, or -1 when no flag evidence. */
int fst__direction_flags(uint16_t ev, int *client_hi);

/* Learned services: a set of (addr, port, proto), each with the latest
 * time it answered (for streaming, which forgets old ones). */
typedef struct fst__svc {
    uint8_t a[16];
    uint16_t port;
    uint8_t proto, pad_;
    UT_hash_handle hh;
    int64_t seen;   /* not part of the key (which ends at hh) */
} fst__svc;

typedef struct fst__learned {
    fst__svc *head;
    uint64_t seed;
} fst__learned;

/* Adds (a, port, proto), or moves its time to `seen` when later. */
int fst__learned_add(fst__learned *l, const uint8_t a[16], uint16_t port, uint8_t proto,
                     int64_t seen);
/* Streaming: forgets the services last seen before `before`. */
void fst__learned_expire(fst__learned *l, int64_t before);
int fst__learned_has(const fst__learned *l, const uint8_t a[16], uint16_t port, uint8_t proto);
void fst__learned_free(fst__learned *l);

/* Rules 2-6 for a session without flag evidence.  Sets *client_hi and
 * returns the basis. l may be NULL. */
int fst__direction_fallback(const fst__learned *l, const fst__pkey *k, uint16_t ev,
                            int *client_hi);

/* Orients every session of ss (basis, client_hi): rule 1 on every TCP
 * session, whose strong handshakes (tcp-flags, tcp-synack) are added to l,
 * then rules 2-6 (fst__direction_fallback) on the others, with l.
 * 0 or FST_ENOMEM (l full of what was added so far). */
int fst__direction_orient(fst__learned *l, fst__sessions *ss);

#endif
