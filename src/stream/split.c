/* stream/split.c - closed groups out of the observe into a part (see stream.h). */
#include "stream/stream.h"

#include <string.h>

#include "flowstitch/errors.h"

/* Index of group g (a pointer into o's pool), FST__NONE if not there. */
static uint32_t group_index_of(const fst__observe *o, const fst__group *g)
{
    const uintptr_t p = (uintptr_t)g;
    for (uint32_t c = 0; c < o->n_chunks; c++) {
        const uintptr_t base = (uintptr_t)o->chunks[c];
        if (p >= base && p < base + FST__GCHUNK_BYTES)
            return c * FST__GROUP_CHUNK + (uint32_t)((p - base) / sizeof *g);
    }
    return FST__NONE;
}

/* The latest end of each group's entries, clamped to 32 bits; UINT32_MAX
 * for a group with an entry without times (it never closes). */
static void group_ends(const fst__observe *o, uint32_t *last)
{
    memset(last, 0, (size_t)o->n_groups * sizeof *last);
    for (uint32_t pos = 0; pos < o->n_rec; pos++) {
        const fst__cwin *c = fst__cwin_at(o, pos);
        uint32_t e;
        if (c->ad & FST__CW_WIDE) {
            const fst__win *w = &o->wide[c->start];
            const int64_t end = w->start + (int64_t)w->dur;
            e = (w->bits & FST__W_NOTIME) || end >= UINT32_MAX ? UINT32_MAX
                : end < 0 ? 0 : (uint32_t)end;
        } else {
            const uint64_t end = (uint64_t)c->start + c->dur;
            e = (c->bits & FST__W_NOTIME) || end >= UINT32_MAX ? UINT32_MAX : (uint32_t)end;
        }
        if (e > last[c->group])
            last[c->group] = e;
    }
}

/* Which groups move: those ending before cut[proto] (streaming), or, for
 * an eviction (cut NULL), the `evict` groups that ended earliest (ties by
 * order of first sight; groups without times count as ending last). */
typedef struct split_sel {
    const int64_t *cut;
    uint32_t evict;
} split_sel;

/* What a split needs, allocated before anything moves, so that a failure
 * leaves o as it was. */
typedef struct split_plan {
    uint32_t *map;      /* group index -> its index in part or in o */
    uint8_t *closed;    /* by group index */
    size_t map_bytes, closed_bytes; /* both from fst__big_alloc */
    uint32_t *rep_gi;   /* by rep: its group's index */
    uint32_t moved, kept, moved_rec, moved_wide, moved_reps;
    fst__oatab gtab, rtab; /* o's rebuilt tables, sized */
    fst__win *kept_wide; /* o's wide entries still held, compacted */
} split_plan;

static void plan_free(split_plan *pl)
{
    fst__big_free(pl->map, pl->map_bytes);
    fst__big_free(pl->closed, pl->closed_bytes);
    fst__free(pl->rep_gi);
    fst__free(pl->kept_wide);
    fst__oatab_free(&pl->gtab);
    fst__oatab_free(&pl->rtab);
}

/* Eviction: the k-th smallest (from 0) of end[0..n), k < n, by two 16-bit
 * histograms; *below: how many ends are smaller.  0 or FST_ENOMEM. */
#define HIST (1u << 16)
static int kth_end(const uint32_t *end, uint32_t n, uint32_t k, uint32_t *kth, uint32_t *below)
{
    uint32_t *cnt = fst__malloc(HIST * sizeof *cnt);
    if (!cnt)
        return FST_ENOMEM;
    uint32_t hi = 0, lo = 0, before = 0;
    for (int pass = 0; pass < 2; pass++) {
        memset(cnt, 0, HIST * sizeof *cnt);
        for (uint32_t i = 0; i < n; i++)
            if (pass == 0)
                cnt[end[i] >> 16]++;
            else if (end[i] >> 16 == hi)
                cnt[end[i] & 0xffffu]++;
        uint32_t d = 0;
        while (before + cnt[d] <= k)
            before += cnt[d++];
        if (pass == 0)
            hi = d;
        else
            lo = d;
    }
    fst__free(cnt);
    *kth = hi << 16 | lo;
    *below = before;
    return 0;
}

/* closed[] and map[] (which holds each group's end on entry) by sel. */
static int plan_choose(const fst__observe *o, const split_sel *sel, split_plan *pl)
{
    const uint32_t n = o->n_groups;
    uint32_t t = 0, ties = 0;
    if (!sel->cut && sel->evict) {
        const uint32_t k = sel->evict < n ? sel->evict : n;
        uint32_t below;
        FST__TRY(kth_end(pl->map, n, k - 1, &t, &below));
        ties = k - below;
    }
    for (uint32_t i = 0; i < n; i++) {
        const fst__group *g = fst__observe_group(o, i);
        const uint32_t e = pl->map[i];
        int closed;
        if (sel->cut)
            closed = e != UINT32_MAX && (int64_t)e < sel->cut[g->key.proto];
        else
            closed = sel->evict && (e < t || (e == t && ties && ties--));
        pl->closed[i] = (uint8_t)closed;
        pl->map[i] = closed ? pl->moved++ : pl->kept++;
        if (closed)
            pl->moved_rec += g->n;
    }
    return 0;
}

static int plan_split(const fst__observe *o, const split_sel *sel, split_plan *pl)
{
    memset(pl, 0, sizeof *pl);
    const uint32_t n = o->n_groups;
    pl->map_bytes = ((size_t)n + 1) * sizeof *pl->map;
    pl->closed_bytes = (size_t)n + 1;
    pl->map = fst__big_alloc(pl->map_bytes);
    pl->closed = fst__big_alloc(pl->closed_bytes);
    pl->rep_gi = fst__malloc(((size_t)o->n_reps + 1) * sizeof *pl->rep_gi);
    if (!pl->map || !pl->closed || !pl->rep_gi)
        return FST_ENOMEM;
    group_ends(o, pl->map);
    FST__TRY(plan_choose(o, sel, pl));
    if (!pl->moved)
        return 0;
    for (uint32_t pos = 0; o->n_wide && pos < o->n_rec; pos++) {
        const fst__cwin *c = fst__cwin_at(o, pos);
        pl->moved_wide += (c->ad & FST__CW_WIDE) && pl->closed[c->group];
    }
    if (o->n_wide > pl->moved_wide &&
        !(pl->kept_wide = fst__malloc((size_t)(o->n_wide - pl->moved_wide) * sizeof *o->wide)))
        return FST_ENOMEM;
    for (uint32_t r = 0; r < o->n_reps; r++) {
        pl->rep_gi[r] = group_index_of(o, o->reps[r].g);
        pl->moved_reps += pl->rep_gi[r] != FST__NONE && pl->closed[pl->rep_gi[r]];
    }
    FST__TRY(fst__oatab_init(&pl->gtab, pl->kept));
    FST__TRY(fst__oatab_init(&pl->rtab, o->n_reps - pl->moved_reps));
    return 0;
}

/* Room in part for what the plan moves. */
static int part_alloc(fst__observe *part, const split_plan *pl)
{
    for (uint32_t i = 0; i < pl->moved; i += FST__GROUP_CHUNK) {
        FST__TRY(fst__observe_group_room(part));
        part->chunk_used = pl->moved - i < FST__GROUP_CHUNK ? pl->moved - i : FST__GROUP_CHUNK;
    }
    part->n_groups = pl->moved;
    const uint32_t blocks = (uint32_t)(((uint64_t)pl->moved_rec + FST__WCHUNK - 1) / FST__WCHUNK);
    FST__TRY(fst__grow((void **)&part->wchunks, &part->cap_wchunks, blocks ? blocks : 1,
                       sizeof *part->wchunks));
    for (; part->n_wchunks < blocks; part->n_wchunks++)
        if (!(part->wchunks[part->n_wchunks] = fst__big_alloc(FST__WCHUNK_BYTES)))
            return FST_ENOMEM;
    if (pl->moved_wide)
        FST__TRY(fst__grow((void **)&part->wide, &part->cap_wide, pl->moved_wide, sizeof *part->wide));
    if (pl->moved_reps) {
        FST__TRY(fst__grow((void **)&part->reps, &part->cap_reps, pl->moved_reps, sizeof *part->reps));
        FST__TRY(fst__oatab_init(&part->rtab, pl->moved_reps));
    }
    return 0;
}

/* o keeps the entry blocks and group chunks it still needs; the pages
 * past the end of the last ones go back to the system. */
static void release_tail(fst__observe *o, uint32_t kept_rec, uint32_t kept)
{
    o->n_rec = kept_rec;
    const uint32_t wblocks = (uint32_t)(((uint64_t)kept_rec + FST__WCHUNK - 1) / FST__WCHUNK);
    for (; o->n_wchunks > wblocks; o->n_wchunks--)
        fst__big_free(o->wchunks[o->n_wchunks - 1], FST__WCHUNK_BYTES);
    if (wblocks)
        fst__big_trim(o->wchunks[wblocks - 1], FST__WCHUNK_BYTES,
                      (size_t)(kept_rec - (wblocks - 1) * FST__WCHUNK) * sizeof(fst__cwin));
    o->n_groups = kept;
    const uint32_t gchunks = (kept + FST__GROUP_CHUNK - 1) / FST__GROUP_CHUNK;
    for (; o->n_chunks > gchunks; o->n_chunks--)
        fst__big_free(o->chunks[o->n_chunks - 1], FST__GCHUNK_BYTES);
    o->chunk_used = kept ? kept - (gchunks - 1) * FST__GROUP_CHUNK : 0;
    if (gchunks)
        fst__big_trim(o->chunks[gchunks - 1], FST__GCHUNK_BYTES,
                      (size_t)o->chunk_used * sizeof(fst__group));
}

static int split_by(fst__observe *o, const split_sel *sel, fst__observe *part, uint32_t *moved)
{
    *moved = 0;
    memset(part, 0, sizeof *part);
    part->borrowed = 1;
    part->seed = o->seed;
    part->meta = o->meta;
    part->enis = o->enis;
    part->n_enis = part->cap_enis = o->n_enis;
    part->skips = o->skips;
    part->n_skips = part->cap_skips = o->n_skips;
    FST__TRY(fst__observe_settle(o));
    split_plan pl;
    int rc = plan_split(o, sel, &pl);
    if (rc == 0 && pl.moved)
        rc = part_alloc(part, &pl);
    if (rc < 0 || !pl.moved) {
        plan_free(&pl);
        return rc;
    }
    /* groups: to part in order, or down to their new place in o */
    for (uint32_t i = 0; i < o->n_groups; i++) {
        const fst__group *g = fst__observe_group(o, i);
        *fst__observe_group(pl.closed[i] ? part : o, pl.map[i]) = *g;
    }
    /* entries, the same way (a kept entry never moves up) */
    uint32_t kept_rec = 0, kept_wide = 0;
    for (uint32_t pos = 0; pos < o->n_rec; pos++) {
        fst__cwin c = *fst__cwin_at(o, pos);
        const uint32_t gi = c.group;
        c.group = pl.map[gi];
        if (!pl.closed[gi]) {
            if (c.ad & FST__CW_WIDE) {
                pl.kept_wide[kept_wide] = o->wide[c.start];
                c.start = kept_wide++;
            }
            *fst__cwin_at(o, kept_rec++) = c;
            continue;
        }
        if (c.ad & FST__CW_WIDE) {
            part->wide[part->n_wide] = o->wide[c.start];
            c.start = part->n_wide++;
        }
        *fst__cwin_at(part, part->n_rec++) = c;
    }
    /* reported addresses follow their groups */
    uint32_t kept_reps = 0;
    for (uint32_t r = 0; r < o->n_reps; r++) {
        const uint32_t gi = pl.rep_gi[r];
        if (gi == FST__NONE)
            continue;
        fst__rep rep = o->reps[r];
        if (pl.closed[gi]) {
            rep.g = fst__observe_group(part, pl.map[gi]);
            part->reps[part->n_reps] = rep;
            fst__observe_rep_index(part, &part->rtab, part->n_reps++);
        } else {
            rep.g = fst__observe_group(o, pl.map[gi]);
            o->reps[kept_reps] = rep;
            kept_reps++;
        }
    }
    o->n_reps = kept_reps;
    fst__oatab_free(&o->rtab);
    o->rtab = pl.rtab;
    pl.rtab = (fst__oatab){0};
    for (uint32_t r = 0; r < o->n_reps; r++)
        fst__observe_rep_index(o, &o->rtab, r);
    fst__free(o->wide);
    o->wide = pl.kept_wide;
    o->n_wide = o->cap_wide = kept_wide;
    pl.kept_wide = NULL;
    release_tail(o, kept_rec, pl.kept);
    /* the lookup table, rebuilt from the keys (sized: cannot fail) */
    fst__oatab_free(&o->gtab);
    o->gtab = pl.gtab;
    pl.gtab = (fst__oatab){0};
    fst__observe_index_groups(o);
    *moved = pl.moved;
    plan_free(&pl);
    return 0;
}

int fst__stream_split(fst__observe *o, const int64_t cut[FST_PROTO_COUNT], fst__observe *part,
                       uint32_t *moved)
{
    const split_sel sel = {cut, 0};
    FST__TRY(split_by(o, &sel, part, moved));
    memcpy(o->cut, cut, sizeof o->cut);
    o->cut_set = 1;
    return 0;
}

int fst__stream_evict(fst__observe *o, uint32_t n, fst__observe *part, uint32_t *moved)
{
    const split_sel sel = {NULL, n};
    return split_by(o, &sel, part, moved);
}
