/* util/sha1.h - SHA-1 (FIPS 180-4), for Community ID v1 (internal).
 *
 * Owns: a small streaming SHA-1.  Not for security: Community ID uses SHA-1
 * only as a well-known, stable fingerprint of a flow tuple.  The context is
 * caller-owned (stack), nothing allocates.
 */
#ifndef FST_UTIL_SHA1_H
#define FST_UTIL_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define FST__SHA1_DIGEST_LEN 20

typedef struct fst__sha1_ctx {
    uint32_t h[5];       /* chaining state */
    uint64_t total;      /* message length so far, in bytes */
    uint8_t buf[64];     /* partial block */
    size_t used;         /* bytes in buf */
    int ni;              /* use the x86 SHA extensions */
} fst__sha1_ctx;

/* Start a digest; ni = 1 uses the x86 SHA extensions (only when
 * fst__sha1_have_ni() said so), 0 the portable code. */
void fst__sha1_init(fst__sha1_ctx *c, int ni);
/* Feed len bytes (len may be 0; data may be NULL then). */
void fst__sha1_update(fst__sha1_ctx *c, const void *data, size_t len);
/* Pad, write the 20-byte digest, and leave c unusable until the next init. */
void fst__sha1_final(fst__sha1_ctx *c, uint8_t out[FST__SHA1_DIGEST_LEN]);
/* The compression function, portable and with the x86 SHA extensions
 * (the latter falls back to the portable one where not compiled).  Exposed
 * for tests. */
void fst__sha1_block_portable(uint32_t h[5], const uint8_t *blk);
void fst__sha1_block_ni(uint32_t h[5], const uint8_t *blk);
/* Does this CPU have the SHA extensions (cpuid)?  Ask once and keep the
 * answer: cpuid is slow, and traps to the hypervisor in a VM. */
int fst__sha1_have_ni(void);

/* One-shot convenience. */
void fst__sha1(const void *data, size_t len, uint8_t out[FST__SHA1_DIGEST_LEN], int ni);

#endif
