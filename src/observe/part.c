/* observe/part.c - batch entries partitioned by group range while pushing
 * (see observe.h, "Partitions").
 *
 * Batch mode without provenance: an entry, once its group is known
 * (resolve_oldest), is appended to the partition of its group's range,
 * groups [p << FST__PART_BITS, (p + 1) << FST__PART_BITS), instead of the
 * flat blocks.  finish() then needs no sort over all entries: each
 * partition, read in push order, is scattered to the entries' final
 * places (group g's entries at [pos(g), pos(g) + g->n), pos from the
 * groups' counts), and those places, ~FST__PART_BITS groups' worth, stay
 * in cache; each partition's memory is given back once it is scattered;
 * two threads take the two halves of the partitions.  The result is the
 * flat store sorted by group, each group's entries in push order, which
 * is what every later stage reads (fst__expander).
 *
 * At the seal of a batch run the partitions are not scattered: each
 * expander (seal.c) takes its partitions in turn (fst__observe_part_take),
 * sorting one partition's entries by group into a buffer of its own, so
 * the entries are never written to a second store of their full size
 * (whose fresh pages the kernel must clear: ~0.4 s of 10 M records' run
 * on the 2-core machine).  The scatter remains for a memory-cap eviction.
 *
 * Partition storage: each partition's entries, in push order, as a byte
 * stream in pages of FST__PPAGE bytes cut from slabs of FST__PSLAB pages
 * (fst__big_alloc_huge); a partition's pages are given back with
 * fst__big_trim (MADV_DONTNEED) once it is taken or scattered, the slabs
 * unmapped at the end, so the entries are never held twice.  An entry is
 * encoded (enc/dec below) as a 16-bit head (the group's place in its
 * partition, FST__W_REV, whether tcp-flags are not zero, whether bits or
 * ad differ from the entry before) and LEB128 integers: the start's
 * difference from the entry before (zigzag), dur, packets, bytes, ENI;
 * then the flags byte and the bits/ad bytes when the head says so.  On
 * the benchmark's 10 M records: ~11 bytes an entry instead of 24.  Every
 * value of fst__cwin round-trips (test join.part_codec_round_trips).
 */
#include "observe/observe.h"

#include <string.h>

#include "util/par.h"
#include "flowstitch/errors.h"

#define SLAB_BYTES ((size_t)FST__PSLAB * FST__PPAGE)
#define ENC_MAX 32 /* an entry's bytes, at most: 2 + 5 * 5 + 3 */

enum {
    H_REV = 1u << FST__PART_BITS, /* the group's place in the bits below */
    H_FLAGS = H_REV << 1,         /* a tcp-flags byte follows */
    H_X = H_REV << 2,             /* bits and ad bytes follow */
    H_ENI0 = H_REV << 3,          /* the ENI is its group's latest */
    H_ENI1 = H_REV << 4           /* the ENI is its group's one before */
};
_Static_assert(FST__PART_BITS <= 11, "the head keeps the group's place in 11 bits");


static uint8_t *put_var(uint8_t *q, uint32_t v)
{
    while (v >= 0x80) {
        *q++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *q++ = (uint8_t)v;
    return q;
}

static const uint8_t *get_var(const uint8_t *q, uint32_t *v)
{
    uint32_t x = 0;
    unsigned sh = 0;
    uint8_t b;
    do {
        b = *q++;
        x |= (uint32_t)(b & 0x7f) << sh;
        sh += 7;
    } while (b & 0x80);
    *v = x;
    return q;
}

#define ENI_PAGES 2 /* pages of a codec's per-group ENIs */
_Static_assert(((size_t)1 << FST__PART_BITS) * sizeof(uint32_t[2]) == ENI_PAGES * FST__PPAGE,
               "a codec's ENIs fill its pages");

static uint8_t *pages_new(fst__observe *o, uint32_t k);

/* A codec at its start: no entry seen, so no group has an ENI yet (all
 * bits set: ENI indices have 24).  s->eni, when absent, is taken from the
 * slabs (ENI_PAGES pages, given back with the partition's).  0 or
 * FST_ENOMEM. */
static int codec_start(fst__observe *o, fst__pcodec *s)
{
    if (!s->eni && !(s->eni = (uint32_t(*)[2])pages_new(o, ENI_PAGES)))
        return FST_ENOMEM;
    memset(s->eni, 0xff, ENI_PAGES * FST__PPAGE);
    s->last_start = 0;
    s->last_x = 0;
    return 0;
}

/* ENI e becomes its group's latest (m: its last two). */
static void eni_latest(uint32_t *m, uint32_t e)
{
    if (m[0] != e) {
        m[1] = m[0];
        m[0] = e;
    }
}

/* c (of group g0 + its place) at q, after the entries s has seen (s
 * advanced); the byte past it. */
static uint8_t *enc(fst__pcodec *s, const fst__cwin *c, uint32_t g0, uint8_t *q)
{
    const uint32_t flags = c->eni_flags >> 24, eni = c->eni_flags & 0xffffffu;
    const uint16_t x = (uint16_t)((c->bits & ~FST__W_REV) | (unsigned)c->ad << 8);
    const uint32_t d = c->start - s->last_start;
    uint32_t *m = s->eni[c->group - g0];
    const unsigned h = (c->group - g0) | (c->bits & FST__W_REV ? H_REV : 0) | (flags ? H_FLAGS : 0) |
                       (x != s->last_x ? H_X : 0) |
                       (eni == m[0] ? H_ENI0 : eni == m[1] ? H_ENI1 : 0);
    *q++ = (uint8_t)h;
    *q++ = (uint8_t)(h >> 8);
    q = put_var(q, d << 1 ^ (0u - (d >> 31)));
    q = put_var(q, c->dur);
    q = put_var(q, c->packets);
    q = put_var(q, c->bytes);
    if (!(h & (H_ENI0 | H_ENI1)))
        q = put_var(q, eni);
    if (flags)
        *q++ = (uint8_t)flags;
    if (h & H_X) {
        *q++ = (uint8_t)x;
        *q++ = (uint8_t)(x >> 8);
    }
    s->last_start = c->start;
    s->last_x = x;
    eni_latest(m, eni);
    return q;
}

/* The inverse of enc: the entry at q into c, with s as enc had it. */
static const uint8_t *dec(fst__pcodec *s, const uint8_t *q, uint32_t g0, fst__cwin *c)
{
    const unsigned h = q[0] | (unsigned)q[1] << 8;
    q += 2;
    const uint32_t place = h & (H_REV - 1);
    uint32_t *m = s->eni[place];
    uint32_t z, v, eni;
    q = get_var(q, &z);
    s->last_start += z >> 1 ^ (0u - (z & 1));
    c->start = s->last_start;
    q = get_var(q, &v);
    c->dur = (uint16_t)v;
    q = get_var(q, &c->packets);
    q = get_var(q, &c->bytes);
    if (h & H_ENI0)
        eni = m[0];
    else if (h & H_ENI1)
        eni = m[1];
    else
        q = get_var(q, &eni);
    eni_latest(m, eni);
    const uint32_t flags = h & H_FLAGS ? *q++ : 0;
    c->eni_flags = eni | flags << 24;
    if (h & H_X) {
        s->last_x = (uint16_t)(q[0] | (unsigned)q[1] << 8);
        q += 2;
    }
    c->bits = (uint8_t)((s->last_x & 0xff) | (h & H_REV ? FST__W_REV : 0));
    c->ad = (uint8_t)(s->last_x >> 8);
    c->group = g0 + place;
    return q;
}

void fst__observe_parts_on(fst__observe *o)
{
    o->partitioned = !o->streaming && !o->prov && !o->n_rec;
}

/* k fresh pages in a row from the current slab (a new slab when it has
 * fewer left). */
static uint8_t *pages_new(fst__observe *o, uint32_t k)
{
    if (!o->n_slabs || o->slab_used + k > FST__PSLAB) {
        if (fst__grow((void **)&o->slabs, &o->cap_slabs, o->n_slabs + 1, sizeof *o->slabs) < 0)
            return NULL;
        /* the first slab may hold a handful of entries: 4 KiB pages */
        o->slabs[o->n_slabs] =
            o->n_slabs ? fst__big_alloc_huge(SLAB_BYTES) : fst__big_alloc_lazy(SLAB_BYTES);
        if (!o->slabs[o->n_slabs])
            return NULL;
        o->n_slabs++;
        o->slab_used = 0;
    }
    uint8_t *pg = o->slabs[o->n_slabs - 1] + (size_t)FST__PPAGE * o->slab_used;
    o->slab_used += k;
    return pg;
}

int fst__observe_part_add(fst__observe *o, const fst__cwin *c)
{
    const uint32_t p = c->group >> FST__PART_BITS;
    if (p >= o->n_parts) {
        FST__TRY(fst__grow((void **)&o->parts, &o->cap_parts, p + 1, sizeof *o->parts));
        memset(o->parts + o->n_parts, 0, (size_t)(p + 1 - o->n_parts) * sizeof *o->parts);
        o->n_parts = p + 1;
    }
    fst__cpart *pt = &o->parts[p];
    if (!pt->st.eni)
        FST__TRY(codec_start(o, &pt->st));
    if (!pt->n_pages || pt->pages[pt->n_pages - 1].used > FST__PPAGE - ENC_MAX) {
        FST__TRY(fst__grow((void **)&pt->pages, &pt->cap_pages, pt->n_pages + 1, sizeof *pt->pages));
        uint8_t *pg = pages_new(o, 1);
        if (!pg)
            return FST_ENOMEM;
        pt->pages[pt->n_pages++] = (fst__ppage){pg, 0};
    }
    fst__ppage *pg = &pt->pages[pt->n_pages - 1];
    pg->used = (uint32_t)(enc(&pt->st, c, p << FST__PART_BITS, pg->p + pg->used) - pg->p);
    pt->n++;
    return 0;
}

/* Entries partition p holds. */
static uint64_t part_entries(const fst__cpart *pt)
{
    return pt->n;
}

/* The partitions [p0, p1) scattered to their places; pos0: the place of the
 * first entry of group p0 << FST__PART_BITS. */
typedef struct scatter_job {
    fst__observe *o;
    uint32_t p0, p1;
    uint32_t pos0;
    uint32_t *cur; /* 1 << FST__PART_BITS */
} scatter_job;

/* The places of partition p's groups, from pos on, into cur (its first
 * group first); returns the place past its last entry. */
static uint32_t part_places(const fst__observe *o, uint32_t p, uint32_t *cur, uint32_t pos)
{
    const uint32_t g0 = p << FST__PART_BITS;
    uint32_t g1 = g0 + (1u << FST__PART_BITS);
    if (g1 > o->n_groups || g1 < g0)
        g1 = o->n_groups;
    for (uint32_t g = g0; g < g1; g++) {
        cur[g - g0] = pos;
        pos += fst__observe_group(o, g)->n;
    }
    return pos;
}

/* Moves partition p's entries, in push order, to their places (cur,
 * advanced): in buf, or (NULL) in the flat blocks; gives back the
 * partition's memory. */
static void part_move(fst__observe *o, uint32_t p, uint32_t *cur, fst__cwin *buf)
{
    if (p >= o->n_parts)
        return;
    const uint32_t g0 = p << FST__PART_BITS;
    fst__cpart *pt = &o->parts[p];
    if (pt->st.eni) /* the encoder is done: its state, started again, decodes */
        (void)codec_start(o, &pt->st);
    for (uint32_t k = 0; k < pt->n_pages; k++) {
        const uint8_t *q = pt->pages[k].p, *end = q + pt->pages[k].used;
        while (q < end) {
            fst__cwin c;
            q = dec(&pt->st, q, g0, &c);
            const uint32_t at = cur[c.group - g0]++;
            *(buf ? &buf[at] : fst__cwin_at(o, at)) = c;
        }
        fst__big_trim(pt->pages[k].p, FST__PPAGE, 0);
    }
    fst__free(pt->pages);
    if (pt->st.eni)
        fst__big_trim(pt->st.eni, ENI_PAGES * FST__PPAGE, 0);
    memset(pt, 0, sizeof *pt);
}

static void scatter(void *arg)
{
    scatter_job *j = arg;
    uint32_t pos = j->pos0;
    for (uint32_t p = j->p0; p < j->p1; p++) {
        pos = part_places(j->o, p, j->cur, pos);
        part_move(j->o, p, j->cur, NULL);
    }
}

int fst__observe_part_take(fst__observe *o, uint32_t p, fst__cwin **buf, uint32_t *cap,
                           uint32_t *cur)
{
    const uint32_t n = part_places(o, p, cur, 0);
    FST__TRY(fst__grow((void **)buf, cap, n ? n : 1, sizeof **buf));
    part_move(o, p, cur, *buf);
    return 0;
}

static void parts_free(fst__observe *o)
{
    for (uint32_t i = 0; i < o->n_slabs; i++)
        fst__big_free(o->slabs[i], SLAB_BYTES);
    fst__free(o->slabs);
    for (uint32_t p = 0; p < o->n_parts; p++)
        fst__free(o->parts[p].pages); /* the codecs' ENIs are in the slabs */
    fst__free(o->parts);
    o->slabs = NULL;
    o->parts = NULL;
    o->n_slabs = o->cap_slabs = o->slab_used = o->n_parts = o->cap_parts = 0;
}

void fst__observe_parts_free(fst__observe *o) { parts_free(o); }

/* The flat blocks for n_rec entries (mapped, written only by the scatter). */
static int flat_blocks(fst__observe *o)
{
    const uint32_t need = (uint32_t)(((uint64_t)o->n_rec + FST__WCHUNK - 1) / FST__WCHUNK);
    FST__TRY(fst__grow((void **)&o->wchunks, &o->cap_wchunks, need ? need : 1, sizeof *o->wchunks));
    for (; o->n_wchunks < need; o->n_wchunks++) {
        /* huge pages only for a block the scatter fills whole */
        const int whole = (uint64_t)(o->n_wchunks + 1) * FST__WCHUNK <= o->n_rec;
        o->wchunks[o->n_wchunks] = whole ? fst__big_alloc_huge(FST__WCHUNK_BYTES)
                                         : fst__big_alloc_lazy(FST__WCHUNK_BYTES);
        if (!o->wchunks[o->n_wchunks])
            return FST_ENOMEM;
    }
    return 0;
}

/* Below this many entries the scatter runs on one thread. */
#define PAR_MIN_SCATTER 65536

int fst__observe_unpartition(fst__observe *o, int threads)
{
    if (!o->partitioned)
        return 0;
    o->partitioned = 0;
    int rc = o->n_wchunks ? FST_EINVAL : flat_blocks(o); /* nothing flat before */
    uint32_t *cur = rc == 0 ? fst__malloc(2 * ((size_t)1 << FST__PART_BITS) * sizeof *cur) : NULL;
    if (rc == 0 && !cur)
        rc = FST_ENOMEM;
    if (rc < 0) {
        parts_free(o);
        return rc;
    }
    /* the second half starts at the partition where half the entries lie behind */
    uint32_t pm = 0;
    uint64_t behind = 0;
    while (threads >= 2 && o->n_rec >= PAR_MIN_SCATTER && pm < o->n_parts &&
           behind + part_entries(&o->parts[pm]) <= o->n_rec / 2)
        behind += part_entries(&o->parts[pm++]);
    if (threads < 2 || o->n_rec < PAR_MIN_SCATTER)
        pm = o->n_parts;
    uint32_t pos_m = 0; /* the place of group pm << FST__PART_BITS */
    const uint64_t gm = (uint64_t)pm << FST__PART_BITS;
    for (uint32_t g = 0; g < o->n_groups && g < gm; g++)
        pos_m += fst__observe_group(o, g)->n;
    scatter_job j[2] = {{o, 0, pm, 0, cur}, {o, pm, o->n_parts, pos_m, cur + ((size_t)1 << FST__PART_BITS)}};
    if (pm < o->n_parts && pm > 0)
        fst__par2(scatter, &j[0], &j[1]);
    else {
        scatter(&j[0]);
        scatter(&j[1]);
    }
    fst__free(cur);
    parts_free(o);
    return 0;
}
