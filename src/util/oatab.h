/* util/oatab.h - open-addressing index table (internal).
 *
 * Owns: a hash table that maps a 32-bit hash to 32-bit indices into an
 * array the caller keeps (groups, ENI pointer entries...).  Slots are 8
 * bytes: the stored hash and index + 1 (0 = empty), so a probe compares
 * hashes in the slot and touches the caller's element only on a hash
 * match; growing rehashes from the stored hashes without touching the
 * elements.  Linear probing, power-of-two capacity, at most 3/4 full.
 * No deletion (nothing in the engine removes a key).
 *
 * Replaces uthash in the per-record path: no 56-byte handle per element.
 */
#ifndef FST_UTIL_OATAB_H
#define FST_UTIL_OATAB_H

#include <stdint.h>

typedef struct fst__oa_slot {
    uint32_t hv;   /* the element's hash */
    uint32_t idx1; /* element index + 1; 0 = empty slot */
} fst__oa_slot;

typedef struct fst__oatab {
    fst__oa_slot *s;
    uint32_t mask; /* capacity - 1 (0 with no slots yet) */
    uint32_t n;    /* elements */
} fst__oatab;

/* An empty table with room for at least min elements (0: allocate on the
 * first insert).  0 or FST_ENOMEM. */
int fst__oatab_init(fst__oatab *t, uint32_t min);
void fst__oatab_free(fst__oatab *t);

/* Capacity in slots (0 before the first insert). */
static inline uint32_t fst__oatab_cap(const fst__oatab *t) { return t->s ? t->mask + 1 : 0; }

/* Looks up hv: for each slot with that hash, eq(ctx, index) says whether the
 * element is the one looked for.  Returns the index, or UINT32_MAX when
 * absent; *pos is its slot, or when absent the free slot where it belongs
 * (for fst__oatab_insert, valid until the table changes). */
static inline uint32_t fst__oatab_find(const fst__oatab *t, uint32_t hv,
                                       int (*eq)(const void *ctx, uint32_t idx),
                                       const void *ctx, uint32_t *pos)
{
    if (!t->s) {
        *pos = UINT32_MAX;
        return UINT32_MAX;
    }
    uint32_t i = hv & t->mask;
    for (;;) {
        const fst__oa_slot sl = t->s[i];
        if (sl.idx1 == 0) {
            *pos = i;
            return UINT32_MAX;
        }
        if (sl.hv == hv && eq(ctx, sl.idx1 - 1)) {
            *pos = i;
            return sl.idx1 - 1;
        }
        i = (i + 1) & t->mask;
    }
}

/* Puts (hv, idx) in the free slot pos returned by fst__oatab_find (pos is
 * ignored when the table has no slots yet), then grows when 3/4 full.
 * 0, FST_ENOMEM or FST_ELIMIT (2^31 elements). */
int fst__oatab_insert(fst__oatab *t, uint32_t pos, uint32_t hv, uint32_t idx);

/* 64 -> 32 bit mix of a pointer or integer key (murmur3 fmix64). */
static inline uint32_t fst__oatab_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return (uint32_t)x;
}

#endif
