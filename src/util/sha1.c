/* util/sha1.c - SHA-1 as specified in FIPS 180-4 section 6.1. */
#include "util/sha1.h"

#include <string.h>

static uint32_t rol32(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32u - n));
}

static uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Message schedule W[0..79] of one block (FIPS 180-4 6.1.2 step 1). */
static void schedule(uint32_t w[80], const uint8_t *blk)
{
    for (int t = 0; t < 16; t++)
        w[t] = load_be32(blk + 4 * t);
    for (int t = 16; t < 80; t++)
        w[t] = rol32(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
}

/* One 512-bit block: message schedule of 80 words, four rounds of 20 steps
 * with f = Ch, Parity, Maj, Parity and the constants K0..K3. */
void fst__sha1_block_portable(uint32_t h[5], const uint8_t *blk)
{
    uint32_t w[80];
    schedule(w, blk);

    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int t = 0; t < 80; t++) {
        uint32_t f, k;
        if (t < 20) {
            f = (b & c) | (~b & d);
            k = 0x5a827999u;
        } else if (t < 40) {
            f = b ^ c ^ d;
            k = 0x6ed9eba1u;
        } else if (t < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8f1bbcdcu;
        } else {
            f = b ^ c ^ d;
            k = 0xca62c1d6u;
        }
        const uint32_t tmp = rol32(a, 5) + f + e + k + w[t];
        e = d;
        d = c;
        c = rol32(b, 30);
        b = a;
        a = tmp;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

/* The same block with the x86 SHA extensions (Intel SHA-NI, AMD Zen).
 * Four rounds per step: sha1rnds4 does the rounds, sha1nexte derives the
 * next E from the A of four rounds back, sha1msg1/sha1msg2 and an xor extend
 * the message schedule in place (FIPS 180-4 6.1.2), msg[k % 4] holding
 * W[4k..4k+3] with the first word in the highest lane. */
#define FST__SHA1_RNDS4(abcd, e, f)                                           \
    ((f) == 0   ? _mm_sha1rnds4_epu32(abcd, e, 0)                             \
     : (f) == 1 ? _mm_sha1rnds4_epu32(abcd, e, 1)                             \
     : (f) == 2 ? _mm_sha1rnds4_epu32(abcd, e, 2)                             \
                : _mm_sha1rnds4_epu32(abcd, e, 3))

__attribute__((target("sha,sse4.1"))) void fst__sha1_block_ni(uint32_t h[5], const uint8_t *blk)
{
    const __m128i bswap = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
    __m128i msg[4];
    for (int i = 0; i < 4; i++)
        msg[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(blk + 16 * i)),
                                  bswap);
    __m128i abcd = _mm_set_epi32((int)h[0], (int)h[1], (int)h[2], (int)h[3]);
    const __m128i abcd_save = abcd;
    const __m128i e_save = _mm_set_epi32((int)h[4], 0, 0, 0);
    __m128i e[2] = {_mm_add_epi32(e_save, msg[0]), abcd};
    abcd = _mm_sha1rnds4_epu32(abcd, e[0], 0); /* rounds 0-3 */
    for (int k = 1; k < 20; k++) {             /* rounds 4k .. 4k+3 */
        const __m128i x = msg[k & 3];
        __m128i *ea = &e[k & 1], *eb = &e[!(k & 1)];
        *ea = _mm_sha1nexte_epu32(*ea, x);
        *eb = abcd;
        if (k >= 3)
            msg[(k + 1) & 3] = _mm_sha1msg2_epu32(msg[(k + 1) & 3], x);
        abcd = FST__SHA1_RNDS4(abcd, *ea, k / 5);
        msg[(k + 3) & 3] = _mm_sha1msg1_epu32(msg[(k + 3) & 3], x);
        if (k >= 2)
            msg[(k + 2) & 3] = _mm_xor_si128(msg[(k + 2) & 3], x);
    }
    const __m128i enew = _mm_sha1nexte_epu32(e[0], e_save);
    abcd = _mm_add_epi32(abcd, abcd_save);
    h[0] = (uint32_t)_mm_extract_epi32(abcd, 3);
    h[1] = (uint32_t)_mm_extract_epi32(abcd, 2);
    h[2] = (uint32_t)_mm_extract_epi32(abcd, 1);
    h[3] = (uint32_t)_mm_extract_epi32(abcd, 0);
    h[4] = (uint32_t)_mm_extract_epi32(enew, 3);
}

int fst__sha1_have_ni(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19))) /* SSE4.1 */
        return 0;
    if (__get_cpuid_max(0, NULL) < 7)
        return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (int)((b >> 29) & 1u); /* SHA */
}
#else
void fst__sha1_block_ni(uint32_t h[5], const uint8_t *blk)
{
    fst__sha1_block_portable(h, blk);
}

int fst__sha1_have_ni(void)
{
    return 0;
}
#endif

static void sha1_block(const fst__sha1_ctx *c, uint32_t h[5], const uint8_t *blk)
{
    if (c->ni)
        fst__sha1_block_ni(h, blk);
    else
        fst__sha1_block_portable(h, blk);
}

void fst__sha1_init(fst__sha1_ctx *c, int ni)
{
    static const uint32_t iv[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u,
                                   0xc3d2e1f0u};
    memcpy(c->h, iv, sizeof iv);
    c->total = 0;
    c->used = 0;
    c->ni = ni;
}

void fst__sha1_update(fst__sha1_ctx *c, const void *data, size_t len)
{
    if (len == 0)
        return;
    const uint8_t *p = data;
    c->total += len;
    if (c->used) {
        const size_t take = len < 64 - c->used ? len : 64 - c->used;
        memcpy(c->buf + c->used, p, take);
        c->used += take;
        p += take;
        len -= take;
        if (c->used < 64)
            return;
        sha1_block(c, c->h, c->buf);
        c->used = 0;
    }
    for (; len >= 64; p += 64, len -= 64)
        sha1_block(c, c->h, p);
    if (len) {
        memcpy(c->buf, p, len);
        c->used = len;
    }
}

/* Padding: a 1 bit, zeros up to 56 mod 64 bytes, then the bit length as a
 * 64-bit big-endian number. */
void fst__sha1_final(fst__sha1_ctx *c, uint8_t out[FST__SHA1_DIGEST_LEN])
{
    const uint64_t bits = c->total * 8u;
    c->buf[c->used++] = 0x80;
    if (c->used > 56) {
        memset(c->buf + c->used, 0, 64 - c->used);
        sha1_block(c, c->h, c->buf);
        c->used = 0;
    }
    memset(c->buf + c->used, 0, 56 - c->used);
    store_be32(c->buf + 56, (uint32_t)(bits >> 32));
    store_be32(c->buf + 60, (uint32_t)bits);
    sha1_block(c, c->h, c->buf);
    for (int i = 0; i < 5; i++)
        store_be32(out + 4 * i, c->h[i]);
    memset(c, 0, sizeof *c);
}

void fst__sha1(const void *data, size_t len, uint8_t out[FST__SHA1_DIGEST_LEN], int ni)
{
    fst__sha1_ctx c;
    fst__sha1_init(&c, ni);
    fst__sha1_update(&c, data, len);
    fst__sha1_final(&c, out);
}
