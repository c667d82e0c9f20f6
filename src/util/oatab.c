/* util/oatab.c - open-addressing index table (see oatab.h). */
#include "util/oatab.h"

#include <string.h>

#include "flowstitch/errors.h"
#include "util/util.h"

#define OA_MIN_CAP 16u
#define OA_MAX_CAP (1u << 31)

/* Large tables come straight from the kernel (zeroed, huge pages when
 * possible: every probe of a big table is a random access). */
#define OA_BIG_BYTES ((size_t)1 << 22)

static fst__oa_slot *slots_alloc(uint32_t cap)
{
    const size_t n = (size_t)cap * sizeof(fst__oa_slot);
    return n >= OA_BIG_BYTES ? fst__big_alloc(n) : fst__calloc(cap, sizeof(fst__oa_slot));
}

static void slots_free(fst__oa_slot *s, uint32_t cap)
{
    const size_t n = (size_t)cap * sizeof(fst__oa_slot);
    if (n >= OA_BIG_BYTES)
        fst__big_free(s, n);
    else
        fst__free(s);
}

static int rebuild(fst__oatab *t, uint32_t cap)
{
    fst__oa_slot *s = slots_alloc(cap);
    if (!s)
        return FST_ENOMEM;
    const uint32_t mask = cap - 1;
    if (t->s) {
        for (uint32_t i = 0; i <= t->mask; i++) {
            const fst__oa_slot sl = t->s[i];
            if (!sl.idx1)
                continue;
            uint32_t j = sl.hv & mask;
            while (s[j].idx1)
                j = (j + 1) & mask;
            s[j] = sl;
        }
        slots_free(t->s, t->mask + 1);
    }
    t->s = s;
    t->mask = mask;
    return 0;
}

int fst__oatab_init(fst__oatab *t, uint32_t min)
{
    memset(t, 0, sizeof *t);
    if (!min)
        return 0;
    uint64_t cap = OA_MIN_CAP;
    while (cap / 4 * 3 < min && cap < OA_MAX_CAP)
        cap *= 2;
    return rebuild(t, (uint32_t)cap);
}

void fst__oatab_free(fst__oatab *t)
{
    if (t->s)
        slots_free(t->s, t->mask + 1);
    memset(t, 0, sizeof *t);
}

int fst__oatab_insert(fst__oatab *t, uint32_t pos, uint32_t hv, uint32_t idx)
{
    if (idx >= UINT32_MAX - 1)
        return FST_ELIMIT;
    if (!t->s) {
        FST__TRY(rebuild(t, OA_MIN_CAP));
        pos = hv & t->mask;
    }
    t->s[pos].hv = hv;
    t->s[pos].idx1 = idx + 1;
    t->n++;
    const uint64_t cap = (uint64_t)t->mask + 1;
    if ((uint64_t)t->n * 4 > cap * 3) {
        if (cap >= OA_MAX_CAP)
            return t->n < cap - 1 ? 0 : FST_ELIMIT;
        return rebuild(t, (uint32_t)(cap * 2));
    }
    return 0;
}
