/* observe/seal.c - the end of pushing: entries sorted by group, then
 * unpacked group by group for correlation (see observe.h).
 */
#include "observe/observe.h"

#include <string.h>

#include "util/par.h"
#include "flowstitch/errors.h"

/* In-place MSD radix sort of the entries [lo, hi) by group index, digit
 * (group >> shift) & RADIX_MASK, then the next digit inside each bucket
 * (American flag sort: every swap puts one entry in its bucket).  Passes
 * walk the entries in order and write to RADIX buckets at a time, so the
 * sort stays in cache and TLB range where a one-pass bucket sort by group
 * would miss on nearly every entry.  Not stable (see fst__observe_seal). */
#define RADIX_BITS 11
#define RADIX (1u << RADIX_BITS)
#define RADIX_MASK (RADIX - 1)

/* Provenance: the entries' ordinals move with them (o->prov->ord). */
static void insertion_by_group(fst__observe *o, uint32_t lo, uint32_t hi)
{
    uint32_t *ord = o->prov ? o->prov->ord : NULL;
    for (uint32_t i = lo + 1; i < hi; i++) {
        const fst__cwin v = *fst__cwin_at(o, i);
        const uint32_t vo = ord ? ord[i] : 0;
        uint32_t j = i;
        while (j > lo && fst__cwin_at(o, j - 1)->group > v.group) {
            *fst__cwin_at(o, j) = *fst__cwin_at(o, j - 1);
            if (ord)
                ord[j] = ord[j - 1];
            j--;
        }
        *fst__cwin_at(o, j) = v;
        if (ord)
            ord[j] = vo;
    }
}

/* The first pass's counts without reading the entries: every entry of o
 * belongs to a group whose n counts it, and the top digit of a group index
 * (shift: the first pass's) takes each value over one range of groups. */
static void count_top(const fst__observe *o, int shift, uint32_t *cnt)
{
    for (uint32_t gi = 0; gi < o->n_groups; gi++)
        cnt[(gi >> shift) & RADIX_MASK] += fst__observe_group(o, gi)->n;
}

/* Counts the digits of [lo, hi) (all entries: from the groups, count_top)
 * and moves every entry into its bucket; on return bucket d is
 * [cnt[d - 1], cnt[d]) (cnt[-1] = lo).  cnt: 2 * RADIX. */
static void radix_pass(fst__observe *o, uint32_t lo, uint32_t hi, int shift, uint32_t *cnt)
{
    memset(cnt, 0, 2 * RADIX * sizeof *cnt);
    uint32_t *cur = cnt + RADIX;
    uint32_t *ord = o->prov ? o->prov->ord : NULL;
    if (lo == 0 && hi == o->n_rec && ((o->n_groups - 1) >> shift) <= RADIX_MASK)
        count_top(o, shift, cnt);
    else
        for (uint32_t i = lo; i < hi; i++)
            cnt[(fst__cwin_at(o, i)->group >> shift) & RADIX_MASK]++;
    uint32_t sum = lo;
    for (uint32_t d = 0; d < RADIX; d++) {
        cur[d] = sum;
        sum += cnt[d];
        cnt[d] = sum; /* now the end of bucket d */
    }
    for (uint32_t d = 0; d < RADIX; d++) {
        while (cur[d] < cnt[d]) {
            fst__cwin *x = fst__cwin_at(o, cur[d]);
            const uint32_t t = (x->group >> shift) & RADIX_MASK;
            if (t == d) {
                cur[d]++;
                continue;
            }
            if (ord) {
                const uint32_t to = ord[cur[d]];
                ord[cur[d]] = ord[cur[t]];
                ord[cur[t]] = to;
            }
            fst__cwin *y = fst__cwin_at(o, cur[t]++);
            const fst__cwin tmp = *x;
            *x = *y;
            *y = tmp;
        }
    }
}

static int radix_by_group(fst__observe *o, uint32_t lo, uint32_t hi, int shift);

/* Sorts the buckets [d0, d1) of a pass (cnt as radix_pass left it) by the
 * next digit. */
static int radix_buckets(fst__observe *o, uint32_t lo, const uint32_t *cnt, uint32_t d0,
                         uint32_t d1, int shift)
{
    if (shift == 0)
        return 0;
    const int next = shift > RADIX_BITS ? shift - RADIX_BITS : 0;
    uint32_t from = d0 ? cnt[d0 - 1] : lo;
    int rc = 0;
    for (uint32_t d = d0; d < d1 && rc == 0; d++) {
        if (cnt[d] - from > 1)
            rc = radix_by_group(o, from, cnt[d], next);
        from = cnt[d];
    }
    return rc;
}

static int radix_by_group(fst__observe *o, uint32_t lo, uint32_t hi, int shift)
{
    if (hi - lo <= 32) {
        insertion_by_group(o, lo, hi);
        return 0;
    }
    uint32_t *cnt = fst__malloc(2 * RADIX * sizeof *cnt);
    if (!cnt)
        return FST_ENOMEM;
    radix_pass(o, lo, hi, shift, cnt);
    const int rc = radix_buckets(o, lo, cnt, 0, RADIX, shift);
    fst__free(cnt);
    return rc;
}

/* The buckets of the first pass, sorted further on two threads. */
typedef struct bucket_job {
    fst__observe *o;
    const uint32_t *cnt;
    uint32_t d0, d1;
    int shift, rc;
} bucket_job;

static void bucket_job_run(void *arg)
{
    bucket_job *j = arg;
    j->rc = radix_buckets(j->o, 0, j->cnt, j->d0, j->d1, j->shift);
}

/* Below this many entries the seal sorts on one thread. */
#define PAR_MIN_SORT 65536

int fst__observe_seal(fst__observe *o, int threads)
{
    FST__TRY(fst__observe_settle(o));
    /* partitioned: the expanders sort each partition as they reach it */
    const int sorted = o->partitioned;
    fst__oatab_free(&o->gtab);
    fst__oatab_free(&o->eni_by_ptr);
    fst__free(o->eniptr);
    o->eniptr = NULL;
    o->n_eniptr = o->cap_eniptr = 0;
    fst__free(o->eni_num);
    o->eni_num = NULL;
    o->cap_eni_num = 0;
    if (o->n_groups < 2 || sorted)
        return 0;
    int bits = 0; /* significant bits of the largest group index */
    while (bits < 32 && ((o->n_groups - 1) >> bits))
        bits++;
    const int shift = bits > RADIX_BITS ? bits - RADIX_BITS : 0;
    if (threads < 2 || shift == 0 || o->n_rec < PAR_MIN_SORT)
        return radix_by_group(o, 0, o->n_rec, shift);
    uint32_t *cnt = fst__malloc(2 * RADIX * sizeof *cnt);
    if (!cnt)
        return FST_ENOMEM;
    radix_pass(o, 0, o->n_rec, shift, cnt);
    uint32_t mid = 0; /* first bucket of the second half: half the entries before it */
    while (mid < RADIX && cnt[mid] < o->n_rec / 2)
        mid++;
    bucket_job j[2] = {{o, cnt, 0, mid, shift, 0}, {o, cnt, mid, RADIX, shift, 0}};
    fst__par2(bucket_job_run, &j[0], &j[1]);
    fst__free(cnt);
    return j[0].rc < 0 ? j[0].rc : j[1].rc;
}

void fst__expander_init(fst__expander *ex, const fst__observe *o, uint32_t g0, uint32_t g1,
                        uint32_t pos0)
{
    memset(ex, 0, sizeof *ex);
    ex->part = UINT32_MAX;
    ex->next_group = g0;
    ex->end_group = g1;
    ex->next_pos = ex->end_pos = pos0;
    for (uint32_t i = g0; i < g1; i++)
        ex->end_pos += fst__observe_group(o, i)->n;
    /* blocks wholly inside [pos0, end_pos); past the last entry counts as inside */
    ex->next_free = (uint32_t)(((uint64_t)pos0 + FST__WCHUNK - 1) / FST__WCHUNK);
    ex->end_free = ex->end_pos == o->n_rec ? o->n_wchunks : ex->end_pos / FST__WCHUNK;
    if (ex->end_free < ex->next_free)
        ex->end_free = ex->next_free;
}

void fst__expander_free(fst__expander *ex)
{
    fst__free(ex->wins);
    fst__free(ex->ord);
    fst__free(ex->pbuf);
    fst__free(ex->pcur);
    memset(ex, 0, sizeof *ex);
}

int fst__expand_next(fst__observe *o, fst__expander *ex, uint32_t *gi)
{
    if (ex->next_group >= ex->end_group)
        return 0;
    const uint32_t n = fst__observe_group(o, ex->next_group)->n;
    const uint32_t cap = ex->cap_wins;
    FST__TRY(fst__grow((void **)&ex->wins, &ex->cap_wins, n, sizeof *ex->wins));
    if (o->partitioned) {
        const uint32_t p = ex->next_group >> FST__PART_BITS;
        if (p != ex->part) {
            if (!ex->pcur && !(ex->pcur = fst__malloc(((size_t)1 << FST__PART_BITS) *
                                                      sizeof *ex->pcur)))
                return FST_ENOMEM;
            FST__TRY(fst__observe_part_take(o, p, &ex->pbuf, &ex->cap_pbuf, ex->pcur));
            ex->part = p;
            ex->pnext = 0;
        }
        for (uint32_t i = 0; i < n; i++)
            fst__cwin_unpack(o, &ex->wins[i], &ex->pbuf[ex->pnext + i]);
        ex->pnext += n;
        ex->n_wins = n;
        *gi = ex->next_group++;
        return 1;
    }
    for (uint32_t i = 0; i < n; i++)
        fst__cwin_unpack(o, &ex->wins[i], fst__cwin_at(o, ex->next_pos + i));
    if (o->prov) { /* the ordinals, same positions */
        if (cap != ex->cap_wins || !ex->ord) {
            uint32_t *v = fst__realloc(ex->ord, (size_t)ex->cap_wins * sizeof *v);
            if (!v)
                return FST_ENOMEM;
            ex->ord = v;
        }
        memcpy(ex->ord, o->prov->ord + ex->next_pos, (size_t)n * sizeof *ex->ord);
    }
    ex->n_wins = n;
    ex->next_pos += n;
    *gi = ex->next_group++;
    /* give back the blocks of the range now behind us (all at the end) */
    uint32_t done = ex->next_group == ex->end_group ? ex->end_free : ex->next_pos / FST__WCHUNK;
    if (done > ex->end_free)
        done = ex->end_free;
    for (; ex->next_free < done; ex->next_free++) {
        fst__big_free(o->wchunks[ex->next_free], FST__WCHUNK_BYTES);
        o->wchunks[ex->next_free] = NULL;
    }
    return 1;
}

void fst__observe_drop_entries(fst__observe *o)
{
    if (o->partitioned) { /* each partition was taken: only the slabs remain */
        fst__observe_parts_free(o);
        o->partitioned = 0;
    }
    for (uint32_t i = 0; i < o->n_wchunks; i++) {
        fst__big_free(o->wchunks[i], FST__WCHUNK_BYTES);
        o->wchunks[i] = NULL;
    }
}
