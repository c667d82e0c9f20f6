/* util/bigmem.c - large blocks straight from the kernel (see util.h).
 *
 * The stitcher keeps its window entries in blocks of a few MiB and gives
 * them back one by one while finish() walks them.  malloc would serve such
 * blocks from the heap once its mmap threshold has risen (glibc raises it
 * when a large block is freed), and a freed block in the middle of the heap
 * stays resident; an anonymous mapping is returned to the system at once.
 */
#define _DEFAULT_SOURCE 1 /* MAP_ANONYMOUS */

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/util.h"

#define HUGE_BYTES ((size_t)2 << 20) /* a transparent huge page (x86-64, arm64 4K) */

/* A mapping of n bytes starting on a 2 MiB boundary: the kernel backs only
 * the aligned 2 MiB stretches of a madvised range with huge pages, so an
 * unaligned 6 MiB block got two of three.  The slack before and after is
 * unmapped at once, so the block is exactly [p, p + n) for munmap. */
static void *map_aligned(size_t n)
{
    const size_t len = n + HUGE_BYTES;
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    const uintptr_t a = ((uintptr_t)m + HUGE_BYTES - 1) & ~(uintptr_t)(HUGE_BYTES - 1);
    char *p = (char *)a;
    const long pg = sysconf(_SC_PAGESIZE);
    const size_t page = pg > 0 ? (size_t)pg : 4096;
    const size_t used = (n + page - 1) / page * page;
    if (p > m)
        munmap(m, (size_t)(p - m));
    if (m + len > p + used)
        munmap(p + used, (size_t)(m + len - (p + used)));
    return p;
}

void *fst__big_alloc_lazy(size_t n)
{
    void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void *fst__big_alloc(size_t n)
{
    void *p = fst__big_alloc_lazy(n);
    if (!p)
        return NULL;
#ifdef MADV_HUGEPAGE
    /* tables probed at random: 2 MiB pages spare a TLB miss per probe */
    if (n >= ((size_t)4 << 20))
        (void)madvise(p, n, MADV_HUGEPAGE);
#endif
    return p;
}

void *fst__big_alloc_huge(size_t n)
{
#ifdef MADV_HUGEPAGE
    if (n >= HUGE_BYTES) {
        void *h = map_aligned(n);
        if (h) {
            (void)madvise(h, n, MADV_HUGEPAGE);
            return h;
        }
    }
#endif
    return fst__big_alloc(n);
}

void fst__big_free(void *p, size_t n)
{
    if (p)
        munmap(p, n ? n : 1);
}

void fst__big_trim(void *p, size_t n, size_t keep)
{
    const long pg = sysconf(_SC_PAGESIZE);
    const size_t page = pg > 0 ? (size_t)pg : 4096;
    const size_t from = (keep + page - 1) / page * page;
    if (p && from < n)
        (void)madvise((char *)p + from, n - from, MADV_DONTNEED);
}

void fst__huge_hint(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    if (!p || n < ((size_t)4 << 20))
        return;
    const uintptr_t a = ((uintptr_t)p + HUGE_BYTES - 1) & ~(uintptr_t)(HUGE_BYTES - 1);
    const uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)(HUGE_BYTES - 1);
    if (e > a)
        (void)madvise((void *)a, (size_t)(e - a), MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}
