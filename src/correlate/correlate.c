/* correlate/correlate.c - join observations of one connection (see correlate.h).
 *
 * Per group (canonical 5-tuple), in finish():
 *   1. sort its window entries by stream (ENI, direction), then time;
 *   2. mark exact duplicates; cut each stream into segments: a SYN (or
 *      SYN-ACK) after a FIN/RST of the same stream, starting at or after
 *      that closing window, opens a new connection (port reuse); a gap
 *      longer than the protocol's idle timeout ends one when the whole
 *      connection (every stream) was silent through it;
 *   3. assign segments, oldest first, to clusters: a cluster takes at most
 *      one segment per stream, within the idle timeout of its time span;
 *      two openings more than FST__OPEN_TOLERANCE apart never share one;
 *      the nearest cluster start wins;
 *   4. each cluster becomes a session (session.c).
 */
#include "correlate/correlate.h"

#include <stdlib.h>
#include <string.h>

#include "util/par.h"
#include "flowstitch/errors.h"

#define CLUSTER_SCAN 64 /* clusters looked at per segment (newest first) */

typedef struct seg {
    int64_t start, end, close_end;
    uint32_t stream, cluster;
    uint8_t open, closed;
    uint8_t past_open; /* a record without SYN: the connection got past its opening */
    uint8_t split;     /* FST_SPLIT_*: the rule that cut it from the stream's previous one */
    uint8_t shared;    /* another session of the key starts inside its span */
    uint8_t rev;       /* the stream's direction */
    uint32_t eni;      /* the stream's ENI */
} seg;

typedef struct clus {
    int64_t start, end, open_t;
    uint64_t mask; /* streams 0..63 present */
    uint8_t has_open;
    uint8_t split; /* strongest FST_SPLIT_* among its segments */
} clus;

typedef struct scratch {
    const fst__observe *o;
    const fst__win **ent;
    uint32_t cap_ent;
    uint32_t *segof, cap_segof;
    seg *segs;
    uint32_t n_segs, cap_segs;
    uint32_t *sorder, cap_sorder;
    clus *cl;
    uint32_t n_cl, cap_cl;
    uint32_t *cnt, cap_cnt;
    uint32_t *out, cap_out;
    uint8_t *shared;    /* per entry (wins index): its segment is shared */
    uint32_t cap_shared;
    struct skey *keys;  /* sort_streams: 2 per entry (keys, then merge scratch) */
    uint32_t cap_keys;
    struct span *act;   /* the connection's activity (all streams), see quiet() */
    uint32_t n_act, cap_act;
    uint8_t act_built;  /* act is this group's */
} scratch;

static void scratch_free(scratch *s)
{
    fst__free(s->ent);
    fst__free(s->segof);
    fst__free(s->segs);
    fst__free(s->sorder);
    fst__free(s->cl);
    fst__free(s->cnt);
    fst__free(s->out);
    fst__free(s->shared);
    fst__free(s->keys);
    fst__free(s->act);
}

uint32_t fst__idle_of(const fst_stitcher_config *cfg, uint8_t proto)
{
    switch (proto) {
    case FST_PROTO_TCP:
        return cfg->idle_tcp;
    case FST_PROTO_UDP:
        return cfg->idle_udp;
    case FST_PROTO_ICMP:
    case FST_PROTO_ICMPV6:
        return cfg->idle_icmp;
    default:
        return cfg->idle_other;
    }
}

uint32_t fst__conntrack_of(const fst_stitcher_config *cfg)
{
    return cfg->conntrack_tcp ? cfg->conntrack_tcp : FST__CONNTRACK_TCP_DEFAULT;
}

#define CMP(a, b)                                                            \
    do {                                                                     \
        if ((a) != (b))                                                      \
            return (a) < (b) ? -1 : 1;                                       \
    } while (0)

static int cmp_stream(const void *pa, const void *pb)
{
    const fst__win *a = *(const fst__win *const *)pa, *b = *(const fst__win *const *)pb;
    CMP(a->eni, b->eni);
    CMP(a->bits & FST__W_REV, b->bits & FST__W_REV);
    CMP(a->start, b->start);
    CMP(a->dur, b->dur);
    CMP(a->packets, b->packets);
    CMP(a->bytes, b->bytes);
    CMP(a->flags, b->flags);
    CMP(a->action, b->action);
    CMP(a->bits, b->bits);
    return (a > b) - (a < b); /* push order */
}

/* An entry pointer with its stream and start packed in one word (ENI
 * index << 33 | REV << 32 | start), so that the comparisons of a large
 * group's sort rarely need the entries themselves. */
typedef struct skey {
    uint64_t k;
    const fst__win *w;
} skey;

static int skey_less(const skey *a, const skey *b)
{
    if (a->k != b->k)
        return a->k < b->k;
    return cmp_stream(&a->w, &b->w) < 0;
}

/* Merge sort of v[0..n) by skey_less, tmp: n elements of scratch. */
static void skey_sort(skey *v, skey *tmp, uint32_t n)
{
    if (n <= 16) {
        for (uint32_t i = 1; i < n; i++) {
            const skey x = v[i];
            uint32_t j = i;
            while (j > 0 && skey_less(&x, &v[j - 1])) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
        return;
    }
    const uint32_t h = n / 2;
    skey_sort(v, tmp, h);
    skey_sort(v + h, tmp, n - h);
    if (!skey_less(&v[h], &v[h - 1]))
        return; /* already in order (entries often arrive by time) */
    memcpy(tmp, v, (size_t)h * sizeof *tmp);
    uint32_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        v[k++] = skey_less(&v[j], &tmp[i]) ? v[j++] : tmp[i++];
    while (i < h)
        v[k++] = tmp[i++];
}

/* Sorts the group's entry pointers by cmp_stream: by packed keys (skey,
 * contiguous, compared inline; a merge sort, insertion sort below 17) when
 * every start fits 32 bits, else by qsort.  Same order either way:
 * cmp_stream is a strict total order, and skey_less is the same order. */
static int sort_streams(scratch *sc, const fst__win **e, uint32_t n)
{
    if (n < 2)
        return 0;
    uint32_t i = 0;
    while (i < n && e[i]->start >= 0 && e[i]->start <= UINT32_MAX && e[i]->eni < (1u << 30))
        i++;
    if (i < n || n > UINT32_MAX / 2) {
        qsort(e, n, sizeof *e, cmp_stream);
        return 0;
    }
    FST__TRY(fst__grow((void **)&sc->keys, &sc->cap_keys, 2 * n, sizeof *sc->keys));
    for (i = 0; i < n; i++) {
        const uint64_t rev = e[i]->bits & FST__W_REV;
        sc->keys[i] = (skey){(uint64_t)e[i]->eni << 33 | rev << 32 | (uint64_t)e[i]->start, e[i]};
    }
    skey_sort(sc->keys, sc->keys + n, n);
    for (i = 0; i < n; i++)
        e[i] = sc->keys[i].w;
    return 0;
}

static int same_stream(const fst__win *a, const fst__win *b)
{
    return a->eni == b->eni && (a->bits & FST__W_REV) == (b->bits & FST__W_REV);
}

static int same_record(const fst__win *a, const fst__win *b)
{
    return same_stream(a, b) && a->start == b->start && a->dur == b->dur &&
           a->packets == b->packets && a->bytes == b->bytes && a->flags == b->flags &&
           a->action == b->action && (a->bits & ~FST__W_DUP) == (b->bits & ~FST__W_DUP);
}

/* A time span [start, end] of the connection's activity. */
typedef struct span {
    int64_t start, end;
} span;

static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* The group's activity, every stream (both directions, every ENI)
 * together: the entries' spans by start, merged where the gap between them
 * is at most the idle timeout.  Built once per group, when a stream first
 * shows an idle gap. */
static int build_activity(scratch *sc, uint32_t n, uint32_t idle)
{
    FST__TRY(fst__grow((void **)&sc->act, &sc->cap_act, n, sizeof *sc->act));
    for (uint32_t k = 0; k < n; k++) {
        sc->act[k].start = sc->ent[k]->start;
        sc->act[k].end = sc->ent[k]->start + (int64_t)sc->ent[k]->dur;
    }
    qsort(sc->act, n, sizeof *sc->act, cmp_span);
    uint32_t m = 0;
    for (uint32_t k = 0; k < n; k++) {
        if (m && sc->act[k].start <= sc->act[m - 1].end + (int64_t)idle) {
            if (sc->act[k].end > sc->act[m - 1].end)
                sc->act[m - 1].end = sc->act[k].end;
        } else {
            sc->act[m++] = sc->act[k];
        }
    }
    sc->n_act = m;
    sc->act_built = 1;
    return 0;
}

/* Was the whole connection silent for longer than the idle timeout between
 * a stream's record ending at `end` and its next starting at `start`?  One
 * direction may pause while the other goes on (a client streaming to a
 * server that does not answer for minutes); that is no idle connection.
 * Both times lie in the activity built above: silent when they lie in
 * different spans of it. */
static int quiet(const scratch *sc, int64_t end, int64_t start)
{
    uint32_t lo = 0, hi = sc->n_act; /* the last span starting at or before end */
    while (hi - lo > 1) {
        const uint32_t mid = lo + (hi - lo) / 2;
        if (sc->act[mid].start <= end)
            lo = mid;
        else
            hi = mid;
    }
    return start > sc->act[lo].end;
}

/* The rule that cuts the stream before record w, FST_SPLIT_NONE when w
 * continues segment cur (docs/sessions.md "Session boundaries").  With
 * tcp-flags the evidence decides: a SYN after a FIN/RST, a record carrying
 * the FIN of the old and the SYN of the new connection, or a SYN after
 * traffic that got past its opening starts a new connection; any other
 * record continues it up to the connection-tracking timeout.  Without
 * flags (and for other protocols) only silence can: the idle timeout. */
static uint8_t cut_rule(const seg *cur, const fst__win *w, uint8_t proto, uint32_t idle,
                        uint32_t conntrack)
{
    const int flags = proto == FST_PROTO_TCP && (w->bits & FST__W_FLAGS);
    if (!flags)
        return w->start > cur->end + (int64_t)idle ? FST_SPLIT_IDLE : FST_SPLIT_NONE;
    if (w->flags & FST_TCP_SYN) {
        if (cur->closed && w->start >= cur->close_end)
            return FST_SPLIT_SYN_AFTER_CLOSE;
        if (w->flags & (FST_TCP_FIN | FST_TCP_RST))
            return FST_SPLIT_SYN_SAME_WINDOW; /* the old one's FIN, the new one's SYN */
        if (cur->past_open || w->start > cur->end + (int64_t)FST__SYN_RETRY_S)
            return FST_SPLIT_SYN_AFTER_TRAFFIC;
    }
    if (w->start > cur->end + (int64_t)conntrack)
        return FST_SPLIT_CONNTRACK;
    return FST_SPLIT_NONE;
}

/* Does the connection opened in entry i go on in a later record of its
 * stream (not a copy of i, without SYN: a SYN there is yet another
 * connection; within the idle timeout, so that --stream, which may have
 * written the stream's later records apart, decides the same)?  A record
 * carrying the old connection's FIN and the new one's SYN is split off
 * only then: otherwise the new connection lies wholly inside it, and
 * nothing in the logs holds it apart (docs/sessions.md). */
static int stream_goes_on(const scratch *sc, uint32_t n, uint32_t i, uint32_t idle)
{
    const fst__win *w = sc->ent[i];
    for (uint32_t j = i + 1; j < n && same_stream(w, sc->ent[j]); j++) {
        const fst__win *x = sc->ent[j];
        if (same_record(w, x))
            continue;
        return !(x->flags & FST_TCP_SYN) && x->start <= w->start + (int64_t)w->dur + (int64_t)idle;
    }
    return 0;
}

/* Step 2: duplicates and segments, in stream order. */
static int segment(scratch *sc, uint32_t n, uint8_t proto, uint32_t idle, uint32_t conntrack)
{
    sc->n_segs = 0;
    uint32_t stream = 0;
    for (uint32_t i = 0; i < n; i++) {
        fst__win *w = (fst__win *)sc->ent[i];
        const int64_t end = w->start + (int64_t)w->dur;
        seg *cur = sc->n_segs ? &sc->segs[sc->n_segs - 1] : NULL;
        const int newstream = i == 0 || !same_stream(sc->ent[i - 1], w);
        if (!newstream && same_record(sc->ent[i - 1], w)) {
            w->bits |= FST__W_DUP;
            sc->segof[i] = sc->n_segs - 1;
            continue;
        }
        const int tcpf = proto == FST_PROTO_TCP && (w->bits & FST__W_FLAGS);
        const int syn = tcpf && (w->flags & FST_TCP_SYN);
        uint8_t rule = newstream ? FST_SPLIT_NONE : cut_rule(cur, w, proto, idle, conntrack);
        if (rule == FST_SPLIT_IDLE) { /* this stream paused: did the connection? */
            if (!sc->act_built)
                FST__TRY(build_activity(sc, n, idle));
            if (!quiet(sc, cur->end, w->start))
                rule = FST_SPLIT_NONE;
        }
        if (rule == FST_SPLIT_SYN_SAME_WINDOW && !stream_goes_on(sc, n, i, idle))
            /* the new connection lies inside the record: it stays with the
             * old one when it follows it (its FIN is the old one's), and
             * is a connection of its own after a silence */
            rule = w->start > cur->end + (int64_t)idle ? FST_SPLIT_SYN_AFTER_TRAFFIC : FST_SPLIT_NONE;
        if (newstream || rule != FST_SPLIT_NONE) {
            if (newstream && i)
                stream++;
            FST__TRY(fst__grow((void **)&sc->segs, &sc->cap_segs, sc->n_segs + 1, sizeof *sc->segs));
            cur = &sc->segs[sc->n_segs++];
            memset(cur, 0, sizeof *cur);
            cur->start = w->start;
            cur->end = end;
            cur->stream = stream;
            cur->open = (uint8_t)syn;
            cur->split = rule;
            cur->eni = w->eni;
            cur->rev = (uint8_t)((w->bits & FST__W_REV) != 0);
        }
        sc->segof[i] = sc->n_segs - 1;
        if (end > cur->end)
            cur->end = end;
        /* a streaming fold (nrec > 1) with a SYN stands for its opening
         * window and the later ones without SYN (stream/fold.c) */
        if (tcpf && (!syn || w->nrec > 1))
            cur->past_open = 1;
        /* a FIN/RST in the record that opened the segment after a split
         * at a FIN+SYN window is the old connection's */
        if (tcpf && (w->flags & (FST_TCP_FIN | FST_TCP_RST)) && rule != FST_SPLIT_SYN_SAME_WINDOW) {
            cur->closed = 1;
            if (end > cur->close_end)
                cur->close_end = end;
        }
    }
    return 0;
}

/* Segments oldest first; at the same start by ENI name and direction, so
 * the clusters never depend on which ENI was met first in the input. */
static int cmp_seg_time(const fst__observe *o, const seg *a, const seg *b)
{
    CMP(a->start, b->start);
    if (a->eni != b->eni) {
        const char *na = o->enis[a->eni]->name, *nb = o->enis[b->eni]->name;
        const int c = strcmp(na ? na : "", nb ? nb : "");
        if (c)
            return c;
    }
    CMP(a->rev, b->rev);
    CMP(a->stream, b->stream);
    return 0;
}

/* |a - b| without overflow (times come from the logs: any 64-bit value). */
static uint64_t dist64(int64_t a, int64_t b)
{
    return a > b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a;
}

static int fits(const clus *c, const seg *s, int64_t slack)
{
    if (s->stream < 64 && (c->mask >> s->stream & 1))
        return 0;
    if (s->start > c->end + slack || c->start > s->end + slack)
        return 0;
    if (s->open && c->has_open && dist64(s->start, c->open_t) > (uint64_t)FST__OPEN_TOLERANCE)
        return 0;
    return 1;
}

/* Step 3: segments -> clusters. */
static int cluster(scratch *sc, int64_t slack)
{
    FST__TRY(fst__grow((void **)&sc->sorder, &sc->cap_sorder, sc->n_segs, sizeof *sc->sorder));
    for (uint32_t i = 0; i < sc->n_segs; i++) { /* insertion sort: few segments */
        uint32_t j = i;
        while (j > 0 && cmp_seg_time(sc->o, &sc->segs[sc->sorder[j - 1]], &sc->segs[i]) > 0) {
            sc->sorder[j] = sc->sorder[j - 1];
            j--;
        }
        sc->sorder[j] = i;
    }
    sc->n_cl = 0;
    for (uint32_t k = 0; k < sc->n_segs; k++) {
        seg *s = &sc->segs[sc->sorder[k]];
        uint32_t best = FST__NONE;
        uint64_t bestd = UINT64_MAX;
        const uint32_t lo = sc->n_cl > CLUSTER_SCAN ? sc->n_cl - CLUSTER_SCAN : 0;
        for (uint32_t c = sc->n_cl; c-- > lo;) {
            const uint64_t d = dist64(s->start, sc->cl[c].start);
            if (fits(&sc->cl[c], s, slack) && d < bestd) {
                best = c;
                bestd = d;
            }
        }
        if (best == FST__NONE) {
            FST__TRY(fst__grow((void **)&sc->cl, &sc->cap_cl, sc->n_cl + 1, sizeof *sc->cl));
            best = sc->n_cl++;
            memset(&sc->cl[best], 0, sizeof sc->cl[best]);
            sc->cl[best].start = s->start;
            sc->cl[best].end = s->end;
        }
        clus *c = &sc->cl[best];
        s->cluster = best;
        if (s->stream < 64)
            c->mask |= (uint64_t)1 << s->stream;
        if (s->start < c->start)
            c->start = s->start;
        if (s->end > c->end)
            c->end = s->end;
        if (s->split > c->split)
            c->split = s->split;
        if (s->open && (!c->has_open || s->start < c->open_t)) {
            c->open_t = s->start;
            c->has_open = 1;
        }
    }
    return 0;
}

/* A segment inside whose span another session of the key starts holds
 * traffic of both (one ENI's window held a redial that another ENI's
 * windows split): its stream counts bytes only when no other does
 * (session.c count_once). */
static void mark_shared(scratch *sc)
{
    for (uint32_t k = 0; k < sc->n_segs && sc->n_cl > 1; k++) {
        seg *s = &sc->segs[k];
        for (uint32_t c = 0; c < sc->n_cl && !s->shared; c++)
            s->shared = c != s->cluster && sc->cl[c].start > s->start && sc->cl[c].start <= s->end;
    }
}

/* Step 4: entries grouped by cluster (counting sort, stream order kept). */
static int emit(const fst__observe *o, const fst__win *wins, const uint32_t *ord,
                const fst__group *g, scratch *sc, uint32_t n, fst__sessions *ss)
{
    FST__TRY(fst__grow((void **)&sc->cnt, &sc->cap_cnt, sc->n_cl + 1, sizeof *sc->cnt));
    FST__TRY(fst__grow((void **)&sc->out, &sc->cap_out, n, sizeof *sc->out));
    FST__TRY(fst__grow((void **)&sc->shared, &sc->cap_shared, n, sizeof *sc->shared));
    mark_shared(sc);
    for (uint32_t i = 0; i < n; i++)
        sc->shared[sc->ent[i] - wins] = sc->segs[sc->segof[i]].shared;
    memset(sc->cnt, 0, (sc->n_cl + 1) * sizeof *sc->cnt);
    for (uint32_t i = 0; i < n; i++)
        sc->cnt[sc->segs[sc->segof[i]].cluster + 1]++;
    for (uint32_t c = 0; c < sc->n_cl; c++)
        sc->cnt[c + 1] += sc->cnt[c];
    for (uint32_t i = 0; i < n; i++) {
        const uint32_t c = sc->segs[sc->segof[i]].cluster;
        sc->out[sc->cnt[c]++] = (uint32_t)(sc->ent[i] - wins);
    }
    uint32_t from = 0;
    for (uint32_t c = 0; c < sc->n_cl; c++) { /* cnt[c] is now the end of c */
        FST__TRY(fst__session_add_prov(o, wins, ord, g, sc->out + from, sc->cnt[c] - from,
                                       sc->shared, ss));
        from = sc->cnt[c];
        /* clusters are made oldest first: a later one was cut off an earlier
         * one of the key, by its segments' rule or else by the silence
         * between their spans */
        fst__sess *s = &ss->v[ss->n - 1];
        s->split = c == 0 ? FST_SPLIT_NONE : sc->cl[c].split ? sc->cl[c].split : FST_SPLIT_IDLE;
        s->has_next = c + 1 < sc->n_cl;
    }
    return 0;
}

static int one_group(const fst__observe *o, const fst_stitcher_config *cfg, const fst__group *g,
                     fst__win *wins, const uint32_t *ord, scratch *sc, fst__sessions *ss)
{
    const uint32_t n = g->n;
    FST__TRY(fst__grow((void **)&sc->ent, &sc->cap_ent, n, sizeof *sc->ent));
    FST__TRY(fst__grow((void **)&sc->segof, &sc->cap_segof, n, sizeof *sc->segof));
    sc->o = o;
    for (uint32_t k = 0; k < n; k++) /* the expander unpacked them */
        sc->ent[k] = &wins[k];
    FST__TRY(sort_streams(sc, sc->ent, n));
    const uint32_t idle = fst__idle_of(cfg, g->key.proto);
    sc->act_built = 0;
    FST__TRY(segment(sc, n, g->key.proto, idle, fst__conntrack_of(cfg)));
    FST__TRY(cluster(sc, (int64_t)idle));
    return emit(o, wins, ord, g, sc, n, ss);
}

/* Sessions of half 1 are kept in pieces of PIECE_SESS (or more: room for
 * as many sessions as a group has entries, so a piece never grows), each
 * appended to the result and given back to the system in turn
 * (fst__big_alloc: the heap would keep the pages), so the copy never
 * holds more than one piece twice. */
#define PIECE_SESS (1u << 14)

/* One range of groups, on one thread: its sessions go to ss, or, with
 * pieces, to a new fst__sessions every PIECE_SESS sessions. */
typedef struct range_job {
    fst__observe *o;
    const fst_stitcher_config *cfg;
    uint32_t g0, g1, pos0;
    fst__sessions *ss;          /* half 0: the result itself */
    fst__sessions *pieces;      /* half 1: owned, n_pieces of them */
    uint32_t n_pieces, cap_pieces;
    int rc;
} range_job;

static int run_range(range_job *j)
{
    scratch sc;
    memset(&sc, 0, sizeof sc);
    fst__expander ex;
    fst__expander_init(&ex, j->o, j->g0, j->g1, j->pos0);
    int rc = 0;
    uint32_t gi;
    while (rc == 0 && (rc = fst__expand_next(j->o, &ex, &gi)) == 1) {
        fst__sessions *ss = j->ss;
        if (!ss) {
            const uint32_t most = fst__observe_group(j->o, gi)->n; /* sessions it can make */
            const fst__sessions *last = j->n_pieces ? &j->pieces[j->n_pieces - 1] : NULL;
            if (!last || last->cap - last->n < most) {
                rc = fst__grow((void **)&j->pieces, &j->cap_pieces, j->n_pieces + 1,
                               sizeof *j->pieces);
                if (rc < 0)
                    break;
                fst__sessions *np = &j->pieces[j->n_pieces++];
                memset(np, 0, sizeof *np);
                np->cap = most > PIECE_SESS ? most : PIECE_SESS;
                np->v = fst__big_alloc((size_t)np->cap * sizeof *np->v); /* touched as used */
                if (!np->v) {
                    rc = FST_ENOMEM;
                    break;
                }
            }
            ss = &j->pieces[j->n_pieces - 1];
        }
        rc = one_group(j->o, j->cfg, fst__observe_group(j->o, gi), ex.wins, ex.ord, &sc, ss);
    }
    fst__expander_free(&ex);
    scratch_free(&sc);
    return rc < 0 ? rc : 0;
}

static void run_range_job(void *arg)
{
    range_job *j = arg;
    j->rc = run_range(j);
}

/* Appends piece p (its ENI lists rebased) to ss. */
static int append_piece(fst__sessions *ss, const fst__sessions *p)
{
    FST__TRY(fst__grow((void **)&ss->v, &ss->cap, ss->n + p->n, sizeof *ss->v));
    FST__TRY(fst__grow((void **)&ss->enis, &ss->cap_enis, ss->n_enis + p->n_enis,
                       sizeof *ss->enis));
    if (p->n_enis)
        memcpy(ss->enis + ss->n_enis, p->enis, (size_t)p->n_enis * sizeof *p->enis);
    for (uint32_t i = 0; i < p->n; i++) {
        fst__sess *s = &ss->v[ss->n + i];
        *s = p->v[i];
        s->eni_off += ss->n_enis;
    }
    ss->n += p->n;
    ss->n_enis += p->n_enis;
    return 0;
}

/* Below this many entries one thread does it all. */
#define PAR_MIN_ENTRIES 65536

int fst__correlate(fst__observe *o, const fst_stitcher_config *cfg, fst__sessions *ss,
                   int threads)
{
    range_job h[2];
    memset(h, 0, sizeof h);
    h[0].o = h[1].o = o;
    h[0].cfg = h[1].cfg = cfg;
    h[0].ss = ss;
    h[0].g1 = o->n_groups;
    /* provenance names sessions by their index in ss: one range */
    if (threads < 2 || o->n_rec < PAR_MIN_ENTRIES || o->n_groups < 2 || o->prov) {
        const int rc = run_range(&h[0]);
        fst__observe_drop_entries(o);
        return rc;
    }
    /* split where half of the entries lie behind (partitioned: at the first
     * partition boundary there, expanders take whole partitions) */
    uint32_t m = 0, pos = 0;
    const uint32_t step = o->partitioned ? 1u << FST__PART_BITS : 1;
    while (m < o->n_groups - 1 && (pos < o->n_rec / 2 || m % step))
        pos += fst__observe_group(o, m++)->n;
    if (m % step) /* no boundary before the last group: all in the first range */
        m = o->n_groups;
    h[0].g1 = h[1].g0 = m;
    h[1].g1 = o->n_groups;
    h[1].pos0 = pos;
    fst__par2(run_range_job, &h[0], &h[1]);
    fst__observe_drop_entries(o);
    int rc = h[0].rc < 0 ? h[0].rc : h[1].rc;
    for (uint32_t i = 0; i < h[1].n_pieces; i++) {
        fst__sessions *p = &h[1].pieces[i];
        if (rc == 0)
            rc = append_piece(ss, p);
        if (p->v)
            fst__big_free(p->v, (size_t)p->cap * sizeof *p->v);
        p->v = NULL;
        fst__sessions_free(p);
    }
    fst__free(h[1].pieces);
    return rc;
}
