/* util/util.h - small helpers every stage may use (internal).
 *
 * Allocation goes through these wrappers so a build can hook or count it;
 * they return NULL on failure like malloc and never abort.
 */
#ifndef FST_UTIL_UTIL_H
#define FST_UTIL_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flowstitch/errors.h"

static inline void *fst__malloc(size_t n) { return malloc(n ? n : 1); }
static inline void *fst__calloc(size_t n, size_t sz) { return calloc(n ? n : 1, sz ? sz : 1); }
static inline void *fst__realloc(void *p, size_t n) { return realloc(p, n ? n : 1); }
static inline void fst__free(void *p) { free(p); }
static inline char *fst__strndup(const char *s, size_t n)
{
    char *d = fst__malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Large zero-filled blocks (anonymous mappings, util/bigmem.c): pages cost
 * memory only once written, and fst__big_free returns them to the system at
 * once.  n must be the size given to fst__big_alloc.  NULL on failure. */
void *fst__big_alloc(size_t n);
/* The same, starting on a 2 MiB boundary and backed by 2 MiB pages where
 * the system allows (one page fault per 2 MiB written): for blocks that
 * will be filled whole (batch entries); a block left partly used costs up
 * to 2 MiB of memory more than fst__big_alloc's.  Freed by fst__big_free. */
void *fst__big_alloc_huge(size_t n);
/* The same as fst__big_alloc without any page-size hint: 4 KiB pages, each
 * zeroed only when first written.  For a block that may stay nearly empty
 * (the first slab of a small run): a 2 MiB page costs its whole zeroing on
 * the first write. */
void *fst__big_alloc_lazy(size_t n);
void fst__big_free(void *p, size_t n);
/* Gives the pages of block p (n bytes, from fst__big_alloc) past its first
 * `keep` bytes back to the system; they read as zeros when touched again
 * (stream/: a block left partly used after an eviction). */
void fst__big_trim(void *p, size_t n, size_t keep);
/* Asks for 2 MiB pages over the 2 MiB-aligned stretches of [p, p + n), a
 * block from fst__malloc/fst__realloc not yet written there (an array
 * filled in order once: one page fault per 2 MiB instead of 512).  Only a
 * hint: nothing changes for blocks under 4 MiB or where the system says
 * no; the block is freed as before. */
void fst__huge_hint(void *p, size_t n);

/* a + b, stuck at UINT64_MAX instead of wrapping (byte totals of hostile
 * input must never come out smaller than their parts). */
static inline uint64_t fst__sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Grows *arr (elements of elsz bytes, capacity *cap) to hold at least need
 * elements, doubling from 64; 0, FST_ENOMEM, or FST_ELIMIT past 2^32 - 2
 * elements. */
static inline int fst__grow(void **arr, uint32_t *cap, uint32_t need, size_t elsz)
{
    if (need <= *cap)
        return 0;
    uint64_t nc = *cap ? (uint64_t)*cap * 2 : 64;
    while (nc < need)
        nc *= 2;
    if (nc > UINT32_MAX - 1)
        nc = UINT32_MAX - 1; /* up to the limit before refusing */
    if (nc < need)
        return FST_ELIMIT;
    void *p = fst__realloc(*arr, (size_t)nc * elsz);
    if (!p)
        return FST_ENOMEM;
    *arr = p;
    *cap = (uint32_t)nc;
    return 0;
}

#define FST__ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Early return on error (zstd FORWARD_IF_ERROR habit). */
#define FST__TRY(expr)                                                       \
    do {                                                                     \
        int fst__rc_ = (expr);                                               \
        if (fst__rc_ < 0)                                                    \
            return fst__rc_;                                                 \
    } while (0)

#endif
