/* stream/fold.c - settled windows of a long stream into one entry (see stream.h).
 *
 * The guards that keep a fold invisible to correlation and direction: no
 * FIN or RST (correlate's port-reuse and segment ends), a SYN only in the
 * earliest window, and OR-ing the flags must not change the direction
 * evidence (fst__evidence_of, correlate/session.h).
 */
#include "stream/stream.h"

#include <string.h>

#include "correlate/session.h"

/* One candidate entry, 16 bytes: sorted by group, stream, start, then
 * position (push order). */
typedef struct fold_key {
    uint32_t group, stream, start, pos; /* stream: ENI index << 1 | REV */
} fold_key;

static int key_less(const fold_key *a, const fold_key *b)
{
    const uint64_t ah = (uint64_t)a->group << 32 | a->stream, bh = (uint64_t)b->group << 32 | b->stream;
    if (ah != bh)
        return ah < bh;
    const uint64_t al = (uint64_t)a->start << 32 | a->pos, bl = (uint64_t)b->start << 32 | b->pos;
    return al < bl;
}

static void key_swap(fold_key *a, fold_key *b)
{
    const fold_key t = *a;
    *a = *b;
    *b = t;
}

static void key_sift(fold_key *x, size_t i, size_t n)
{
    for (;;) {
        size_t m = i, l = 2 * i + 1, r = l + 1;
        if (l < n && key_less(&x[m], &x[l]))
            m = l;
        if (r < n && key_less(&x[m], &x[r]))
            m = r;
        if (m == i)
            return;
        key_swap(&x[i], &x[m]);
        i = m;
    }
}

/* In place (no scratch the size of the input, unlike glibc's qsort):
 * quicksort, insertion sort below 16, heapsort past the depth limit. */
static void sort_keys(fold_key *x, size_t n, int depth)
{
    while (n > 16) {
        if (depth-- == 0) {
            for (size_t i = n / 2; i-- > 0;)
                key_sift(x, i, n);
            for (size_t i = n; i-- > 1;) {
                key_swap(&x[0], &x[i]);
                key_sift(x, 0, i);
            }
            return;
        }
        const size_t b = n / 2, d = n - 1;
        if (key_less(&x[b], &x[0]))
            key_swap(&x[0], &x[b]);
        if (key_less(&x[d], &x[b]))
            key_swap(&x[b], &x[d]);
        if (key_less(&x[b], &x[0]))
            key_swap(&x[0], &x[b]);
        key_swap(&x[0], &x[b]);
        const fold_key p = x[0];
        size_t i = 0, j = n;
        for (;;) {
            do i++; while (i < n && key_less(&x[i], &p));
            do j--; while (key_less(&p, &x[j]));
            if (i >= j)
                break;
            key_swap(&x[i], &x[j]);
        }
        x[0] = x[j];
        x[j] = p;
        if (j < n - j - 1) {
            sort_keys(x, j, depth);
            x += j + 1;
            n -= j + 1;
        } else {
            sort_keys(x + j + 1, n - j - 1, depth);
            n = j;
        }
    }
    for (size_t i = 1; i < n; i++) {
        const fold_key v = x[i];
        size_t j = i;
        while (j > 0 && key_less(&v, &x[j - 1])) {
            x[j] = x[j - 1];
            j--;
        }
        x[j] = v;
    }
}

static int64_t win_end(const fst__win *w) { return w->start + (int64_t)w->dur; }

/* The settled prefix of one stream run e[0..n) (sorted by start): its fold
 * into *out and its length into *k_out, or 0 when correlation could tell
 * the difference (see fst__observe_fold). */
static int fold_run(const fst__observe *o, const fold_key *e, uint32_t n, int64_t cut,
                    uint32_t idle, uint8_t proto, uint32_t *k_out, fst__win *out)
{
    fst__win w;
    uint32_t k = 0;
    for (; k < n; k++) {
        fst__cwin_unpack(o, &w, fst__cwin_at(o, e[k].pos));
        if ((w.bits & FST__W_NOTIME) || win_end(&w) >= cut)
            break;
    }
    if (k < 2)
        return 0;
    for (uint32_t i = k + 1; i < n; i++) { /* settled ones must come first */
        fst__win x;
        fst__cwin_unpack(o, &x, fst__cwin_at(o, e[i].pos));
        if (!(x.bits & FST__W_NOTIME) && win_end(&x) < cut)
            return 0;
    }
    fst__win f;
    fst__cwin_unpack(o, &f, fst__cwin_at(o, e[0].pos));
    f.nrec = f.nrec ? f.nrec : 1;
    int64_t end = win_end(&f), prev_start = f.start;
    const int rev = !!(f.bits & FST__W_REV), known = !!(f.bits & FST__W_FLAGS);
    uint8_t ev = fst__evidence_of(rev, known, f.flags);
    const int tcp = proto == FST_PROTO_TCP && known;
    if (tcp && (f.flags & (FST_TCP_FIN | FST_TCP_RST)))
        return 0;
    for (uint32_t i = 1; i < k; i++) {
        fst__cwin_unpack(o, &w, fst__cwin_at(o, e[i].pos));
        /* equal starts: a duplicate or two intervals; either way kept apart */
        if (w.action != f.action || w.bits != f.bits || w.fdir != f.fdir ||
            w.start == prev_start || w.start > end + (int64_t)idle ||
            (tcp && (w.flags & (FST_TCP_FIN | FST_TCP_RST | FST_TCP_SYN))))
            return 0;
        prev_start = w.start;
        if (win_end(&w) > end)
            end = win_end(&w);
        f.packets = fst__sat_add(f.packets, w.packets);
        f.bytes = fst__sat_add(f.bytes, w.bytes);
        f.flags |= w.flags;
        ev |= fst__evidence_of(rev, known, w.flags);
        const uint64_t nr = (uint64_t)f.nrec + (w.nrec ? w.nrec : 1);
        if (nr >= UINT32_MAX)
            return 0;
        f.nrec = (uint32_t)nr;
    }
    if (fst__evidence_of(rev, known, f.flags) != ev)
        return 0; /* OR-ing the flags would change what they say */
    if (k < n) { /* the next window must start after them */
        fst__cwin_unpack(o, &w, fst__cwin_at(o, e[k].pos));
        if (w.start < end || w.start == prev_start)
            return 0;
    }
    if (end - f.start > UINT32_MAX)
        return 0;
    f.dur = (uint32_t)(end - f.start);
    *k_out = k;
    *out = f;
    return 1;
}

/* Start of the entry at pos as a 32-bit sort key, or 0 with *ok = 0 when
 * it does not fit (a wide entry before 1970 or past 2106). */
static uint32_t start32(const fst__observe *o, const fst__cwin *c, int *ok)
{
    if (!(c->ad & FST__CW_WIDE))
        return c->start;
    const int64_t s = o->wide[c->start].start;
    if (s < 0 || s > UINT32_MAX) {
        *ok = 0;
        return 0;
    }
    return (uint32_t)s;
}

uint32_t fst__stream_fold(fst__observe *o, const int64_t cut[FST_PROTO_COUNT], const uint32_t idle[FST_PROTO_COUNT])
{
    if (fst__observe_settle(o) < 0 || !o->n_rec)
        return 0;
    /* groups big enough, with at least two settled entries (UINT32_MAX:
     * not a candidate).  Temporaries straight from the kernel: freeing big
     * malloc blocks raises glibc's mmap threshold and leaves later ones
     * resident. */
    const size_t settled_bytes = ((size_t)o->n_groups + 1) * sizeof(uint32_t);
    uint32_t *settled = fst__big_alloc(settled_bytes);
    if (!settled)
        return 0;
    for (uint32_t pos = 0; pos < o->n_rec; pos++) {
        const fst__cwin *c = fst__cwin_at(o, pos);
        const fst__group *g = fst__observe_group(o, c->group);
        if (g->n < FST__FOLD_MIN || settled[c->group] == UINT32_MAX)
            continue;
        int ok = 1;
        (void)start32(o, c, &ok);
        fst__win w;
        fst__cwin_unpack(o, &w, c);
        if (!ok)
            settled[c->group] = UINT32_MAX;
        else
            settled[c->group] += !(w.bits & FST__W_NOTIME) && win_end(&w) < cut[g->key.proto];
    }
    /* each candidate group's place in e[] (a counting sort by group);
     * UINT32_MAX for the others */
    uint64_t cand = 0;
    for (uint32_t gi = 0; gi < o->n_groups; gi++) {
        if (settled[gi] >= 2 && settled[gi] != UINT32_MAX) {
            settled[gi] = (uint32_t)cand;
            cand += fst__observe_group(o, gi)->n;
        } else {
            settled[gi] = UINT32_MAX;
        }
    }
    const size_t e_bytes = (size_t)cand * sizeof(fold_key), drop_bytes = o->n_rec;
    fold_key *e = cand ? fst__big_alloc(e_bytes) : NULL;
    uint8_t *drop = e ? fst__big_alloc(drop_bytes) : NULL;
    if (!drop) {
        fst__big_free(e, e_bytes);
        fst__big_free(settled, settled_bytes);
        return 0;
    }
    const uint32_t n = (uint32_t)cand;
    for (uint32_t pos = 0; pos < o->n_rec; pos++) {
        const fst__cwin *c = fst__cwin_at(o, pos);
        if (settled[c->group] == UINT32_MAX)
            continue;
        int ok = 1;
        const uint32_t eni = c->ad & FST__CW_WIDE ? o->wide[c->start].eni : c->eni_flags & 0xffffffu;
        e[settled[c->group]++] =
            (fold_key){c->group, eni << 1 | !!(c->bits & FST__W_REV), start32(o, c, &ok), pos};
    }
    /* then each group's entries (in push order, mostly in time order) by
     * stream and start */
    for (uint32_t gi = 0; gi < o->n_groups; gi++) {
        if (settled[gi] == UINT32_MAX)
            continue;
        const uint32_t len = fst__observe_group(o, gi)->n;
        int depth = 0;
        for (uint32_t k = len; k; k >>= 1)
            depth += 2;
        sort_keys(e + (settled[gi] - len), len, depth);
    }
    fst__big_free(settled, settled_bytes);
    /* fold each stream's settled prefix: the fold replaces its first entry
     * (drop 2, value kept in folds[]), the others go (drop 1) */
    uint32_t n_folds = 0, saved = 0, kept_wide = 0;
    fst__win *folds = NULL;
    uint32_t cap_folds = 0;
    for (uint32_t i = 0; i < n;) {
        uint32_t j = i + 1;
        while (j < n && e[j].group == e[i].group && e[j].stream == e[i].stream)
            j++;
        const uint8_t proto = fst__observe_group(o, e[i].group)->key.proto;
        uint32_t k;
        fst__win f;
        if (fold_run(o, e + i, j - i, cut[proto], idle[proto], proto, &k, &f) &&
            fst__grow((void **)&folds, &cap_folds, n_folds + 1, sizeof *folds) == 0) {
            folds[n_folds] = f;
            drop[e[i].pos] = 2;
            for (uint32_t x = i + 1; x < i + k; x++)
                drop[e[x].pos] = 1;
            /* e[0..n_folds) is reused for the folds' groups: every run
             * passed holds two entries or more, so n_folds < i there */
            e[n_folds].group = e[i].group;
            n_folds++;
            saved += k - 1;
        }
        i = j;
    }
    for (uint32_t pos = 0; n_folds && pos < o->n_rec; pos++) {
        const fst__cwin *c = fst__cwin_at(o, pos);
        kept_wide += (c->ad & FST__CW_WIDE) && !drop[pos];
    }
    fst__win *wide = n_folds ? fst__malloc(((size_t)kept_wide + n_folds) * sizeof *wide) : NULL;
    if (!wide) { /* nothing folded, or no memory for it: nothing changed */
        fst__free(folds);
        fst__big_free(e, e_bytes);
        fst__big_free(drop, drop_bytes);
        return 0;
    }
    /* entries kept in place (wide ones re-indexed), folds at the end */
    uint32_t nw = 0, w_out = 0;
    for (uint32_t pos = 0; pos < o->n_rec; pos++) {
        fst__cwin c = *fst__cwin_at(o, pos);
        if (drop[pos]) { /* 1: folded into its stream's first settled entry;
                          * 2: that entry, replaced by the fold below */
            fst__observe_group(o, c.group)->n -= drop[pos] == 1;
            continue;
        }
        if (c.ad & FST__CW_WIDE) {
            wide[nw] = o->wide[c.start];
            c.start = nw++;
        }
        *fst__cwin_at(o, w_out++) = c;
    }
    for (uint32_t i = 0; i < n_folds; i++) {
        fst__cwin *c = fst__cwin_at(o, w_out++);
        const uint32_t gi = e[i].group;
        memset(c, 0, sizeof *c);
        c->group = gi;
        c->bits = folds[i].bits;
        c->ad = FST__CW_WIDE;
        wide[nw] = folds[i];
        c->start = nw++;
    }
    fst__free(o->wide);
    o->wide = wide;
    o->n_wide = o->cap_wide = nw;
    o->n_rec = w_out;
    const uint32_t wblocks = (uint32_t)(((uint64_t)w_out + FST__WCHUNK - 1) / FST__WCHUNK);
    for (; o->n_wchunks > wblocks; o->n_wchunks--)
        fst__big_free(o->wchunks[o->n_wchunks - 1], FST__WCHUNK_BYTES);
    fst__free(folds);
    fst__big_free(e, e_bytes);
    fst__big_free(drop, drop_bytes);
    return saved;
}
