/* observe/key.c - canonical key and seeded hash (see key.h). */
#include "observe/key.h"

#include <string.h>

int fst__ep_cmp(const uint8_t a[16], uint16_t ap, const uint8_t b[16], uint16_t bp)
{
    int c = memcmp(a, b, 16);
    if (c)
        return c < 0 ? -1 : 1;
    return (ap > bp) - (ap < bp);
}

int fst__key_make(fst__pkey *k, const uint8_t src[16], uint16_t sport,
                  const uint8_t dst[16], uint16_t dport, uint8_t proto, uint8_t fam)
{
    const int swapped = fst__ep_cmp(src, sport, dst, dport) > 0;
    memset(k, 0, sizeof *k);
    memcpy(k->k.lo, swapped ? dst : src, 16);
    memcpy(k->k.hi, swapped ? src : dst, 16);
    k->k.lo_port = swapped ? dport : sport;
    k->k.hi_port = swapped ? sport : dport;
    k->proto = proto;
    k->fam = fam;
    return swapped;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

uint32_t fst__hash(const void *p, size_t n, uint64_t seed)
{
    const uint8_t *b = p;
    uint64_t h = mix64(seed ^ (0x9e3779b97f4a7c15ULL * (n + 1)));
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, b, 8);
        h = mix64(h ^ w) + 0x9e3779b97f4a7c15ULL;
        b += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, b, n);
        h = mix64(h ^ w ^ ((uint64_t)n << 56));
    }
    return (uint32_t)(h ^ (h >> 32));
}

void fst__addr_from16(fst_addr *out, const uint8_t a[16], uint8_t fam)
{
    memcpy(out->b, a, 16);
    out->family = fam;
}
