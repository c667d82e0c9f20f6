/* observe/key.h - the canonical connection key (internal).
 *
 * Owns: fst__key, the direction-free form of a 5-tuple (endpoints ordered,
 * "lo" first, with a swapped bit telling which endpoint sent), its seeded
 * hash.  (uthash, for the tables that use it, comes configured from
 * util/hashcfg.h.)
 *
 * Suricata flow-hash.c habit: both directions of a connection land on the
 * same key; the seed is per stitcher (fst__stitcher), never global.
 */
#ifndef FST_OBSERVE_KEY_H
#define FST_OBSERVE_KEY_H

#include <stdint.h>

#include "flowstitch/record.h"
#include "util/hashcfg.h"
#include "util/util.h"

/* An endpoint: 16-byte address (IPv4 mapped) and port. */
typedef struct fst__ep {
    uint8_t a[16];
    uint16_t port;
} fst__ep;

/* Canonical key: lo <= hi (address bytes, then port).  36 bytes, no
 * padding holes so it can be hashed and compared as bytes. */
typedef struct fst__key {
    uint8_t lo[16], hi[16];
    uint16_t lo_port, hi_port;
} fst__key;

/* fst__pkey.absent: parts of the key the record did not carry (its format
 * lacks the field, or a port is "-"); the key holds 0 in their place.  Part
 * of the key's bytes, so a record without ports never joins a record whose
 * ports are 0 (ICMP). */
enum { FST__KEY_NOPORTS = 1, FST__KEY_NOPROTO = 2 };

typedef struct fst__pkey {
    fst__key k;
    uint8_t proto, fam; /* fam: 4 or 6 */
    uint8_t absent;     /* FST__KEY_NO* */
    uint8_t pad_;       /* always zero */
} fst__pkey;

/* Fills *k from a directional tuple (src -> dst).  Returns 1 when src is the
 * "hi" endpoint (swapped), 0 when it is "lo". */
int fst__key_make(fst__pkey *k, const uint8_t src[16], uint16_t sport,
                  const uint8_t dst[16], uint16_t dport, uint8_t proto, uint8_t fam);

/* memcmp order of endpoints (address then port). */
int fst__ep_cmp(const uint8_t a[16], uint16_t ap, const uint8_t b[16], uint16_t bp);

/* Seeded 32-bit hash of n bytes (64-bit multiply-mix; deterministic). */
uint32_t fst__hash(const void *p, size_t n, uint64_t seed);

/* Address helpers: 16-byte form <-> fst_addr. */
void fst__addr_from16(fst_addr *out, const uint8_t a[16], uint8_t fam);

#endif
