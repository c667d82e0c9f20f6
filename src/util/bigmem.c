/* util/bigmem.c - large blocks straight from the kernel (see util.h).
 *
 * The stitcher keeps its window entries in blocks of a few MiB and gives
 * them back one by one while finish() walks them.  malloc would serve such
 * blocks from the heap once its mmap threshold has risen (glibc raises it
 * when a large block is freed), and a freed block in the middle of the heap
 * stays resident; an anonymous mapping is returned to the system at once.
 */
#define _DEFAULT_SOURCE 1 /* MAP_ANONYMOUS */

#include <sys/mman.h>
#include <unistd.h>

#include "util/util.h"

void *fst__big_alloc(size_t n)
{
    if (n == 0)
        n = 1;
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    /* tables probed at random: 2 MiB pages spare a TLB miss per probe */
    if (n >= ((size_t)4 << 20))
        (void)madvise(p, n, MADV_HUGEPAGE);
#endif
    return p;
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
