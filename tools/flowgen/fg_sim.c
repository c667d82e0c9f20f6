/* tools/flowgen/fg_sim.c - the sweep: bursts in time order -> per-ENI
 * capture windows -> records, NODATA/SKIPDATA lines, and truths.
 *
 * Window model (../shared/docs/aws-flowlogs.md 3.1): each logged ENI has its
 * own contiguous sequence of windows starting at t0 (the first one is a
 * random phase), each at most the ENI's aggregation interval long.  A
 * record is one (ENI, logged 5-tuple, direction) per window: packets and
 * bytes summed, tcp-flags OR-ed, start/end = first/last packet second.  An
 * idle window gives a NODATA line; a window picked for SKIPDATA gives one
 * SKIPDATA line and its records are dropped (3.2).
 */
#include <stdio.h>
#include <string.h>

#include "fg_internal.h"

static int64_t conn_key(const void *p) { return ((const fg_conn *)p)->pend.t; }
static int *conn_pos(void *p) { return &((fg_conn *)p)->heap_pos; }
static int64_t eni_key(const void *p) { return ((const fg_eni *)p)->we; }
static int *eni_pos(void *p) { return &((fg_eni *)p)->heap_pos; }

/* ---- windows ---- */

static int64_t next_window_len(fg_eni *e)
{
    if (e->nwlist) {
        size_t i = e->widx < e->nwlist ? e->widx : e->nwlist - 1;
        e->widx++;
        return e->wlist[i];
    }
    if (e->widx++ == 0) /* first window: the ENI's phase */
        return fg_rng_range(&e->wrng, 1, e->max_window);
    return fg_rng_range(&e->wrng, e->min_window, e->max_window);
}

static void eni_init_windows(fg_model *m, fg_eni *e)
{
    e->widx = 0;
    e->ws = m->cfg.t0;
    e->we = e->ws + next_window_len(e);
    e->wseq = 0;
    e->nrec = 0;
}

/* SKIPDATA decision for one window: a hash of (seed, ENI, window number),
 * so it does not disturb the window-length stream. */
static int window_skipped(const fg_model *m, const fg_eni *e)
{
    if (m->cfg.skip_rate <= 0)
        return 0;
    uint64_t x = m->cfg.seed ^ ((uint64_t)(e - m->enis) << 40) ^ e->wseq;
    uint64_t h = fg__splitmix(&x);
    return (double)(h >> 11) * (1.0 / 9007199254740992.0) < m->cfg.skip_rate;
}

/* ---- truths ---- */

/* Whether the logs can tell life L of c from the other lives of the same
 * 5-tuple.  L is inseparable from M when every delivered record carrying L
 * also carries M (life[L].with).  Each life points at the earliest life it
 * is inseparable from; following the pointers ends at a life with none, or
 * in a cycle (mutually inseparable lives), whose earliest life is the root.
 * Returns the root's conn_id, or 0 when L is its own root. */
static uint64_t log_merged_into(const fg_conn *c, int L)
{
    int p[8] = {-1, -1, -1, -1, -1, -1, -1, -1}, n = c->nlives < 8 ? c->nlives : 8;
    if (L < 0 || L >= n)
        return 0;
    for (int i = 0; i < n; i++) {
        if (!c->life[i].delivered)
            continue; /* nothing delivered: unobservable, not merged */
        for (int k = 0; k < n && p[i] < 0; k++)
            if (k != i && (c->life[i].with & (1u << k)))
                p[i] = k; /* lives are in conn_id order: k is the earliest */
    }
    int x = L;
    for (int step = 0; step < n && p[x] >= 0; step++)
        x = p[x];
    if (p[x] >= 0) { /* x is on a cycle: its earliest member is the root */
        int y = x, lo = x;
        do {
            y = p[y];
            lo = y < lo ? y : lo;
        } while (y != x);
        x = lo;
    }
    return x == L ? 0 : c->life[x].id;
}

/* Tags of the phenomena mixes (docs/flowgen.md "Phenomena mixes"); none
 * in the older mixes, whose bytes stay as they were. */
static uint32_t phenomena_tags(const fg_model *m, const fg_conn *c, const fg_life *f)
{
    const int64_t t0 = m->cfg.t0, t1 = t0 + m->cfg.duration;
    uint32_t t = 0;
    if (m->cfg.mix < FG_MIX_FIRST_PHENOMENA)
        return 0;
    for (int q = 0; q < c->iquiet; q++) /* a silence the logs show whole */
        if (c->quiet_from[q] >= t0 && c->quiet_to[q] < t1)
            t |= 1u << FG_CL_LONG_IDLE;
    if (f->start < t0)
        t |= 1u << FG_CL_OPEN_START;
    if (f->end >= t1)
        t |= 1u << FG_CL_OPEN_END;
    if (c->redial && f->samewin)
        t |= 1u << FG_CL_REDIAL_SAME;
    if (m->cfg.nat_nohint && c->nat >= 0)
        t |= 1u << FG_CL_NAT_NOHINT;
    if (c->resp_rare && f->start >= t0 && f->end < t1)
        t |= 1u << FG_CL_HALF_QUIET;
    return t;
}

static void emit_truth(fg_model *m, fg_conn *c, int L)
{
    const fg_life *f = &c->life[L];
    fg_truth t;
    memset(&t, 0, sizeof t);
    t.conn_id = f->id;
    t.proto = c->proto;
    t.cls = c->cls;
    t.tags = c->tags;
    if (f->end - f->start >= 1800)
        t.tags |= 1u << FG_CL_LONG_LIVED;
    if (m->cfg.mix >= FG_MIX_FIRST_PHENOMENA) /* long-idle: only a silence the logs show */
        t.tags = (t.tags & ~(1u << FG_CL_LONG_IDLE)) | phenomena_tags(m, c, f);
    t.client_addr = fg__ip_text(m, c->caddr);
    t.server_addr = fg__ip_text(m, c->saddr);
    t.client_port = c->cport;
    t.server_port = c->sport;
    t.start = f->start;
    t.end = f->end;
    for (int d = 0; d < 2; d++) {
        t.packets[d] = f->packets[d];
        t.bytes[d] = f->bytes[d];
    }
    t.handshake_logged = f->hs;
    t.log_merged_into = log_merged_into(c, L);
    for (int i = 0; i < c->nobs; i++) {
        if (!(f->seen & (1u << i)))
            continue;
        const char *id = m->enis[c->obs[i].eni].id;
        int dup = 0;
        for (int k = 0; k < t.n_enis; k++)
            dup |= t.enis[k] == id;
        if (!dup)
            t.enis[t.n_enis++] = id;
    }
    if (c->nat >= 0) {
        t.has_nat = 1;
        t.nat_eni = m->enis[c->nat].id;
        t.nat_outside_addr = fg__ip_text(m, m->enis[c->nat].priv[0]);
        t.nat_outside_port = c->nat_port;
    }
    if (m->sink && m->sink->truth)
        m->sink->truth(m->sink->ctx, &t);
}

static void retire(fg_model *m, fg_conn *c)
{
    const int64_t t1 = m->cfg.t0 + m->cfg.duration;
    for (int L = 0; L < c->nlives; L++) {
        const fg_life *f = &c->life[L];
        /* a life that never began inside the range is not a real
         * connection of this dataset (e.g. a reuse planned after t1) */
        if (!f->id || (f->start == 0 && f->end == 0) || f->start >= t1 || f->end < m->cfg.t0)
            continue;
        emit_truth(m, c, L);
    }
    fg__conn_release(m, c);
}

static void conn_done(fg_model *m, fg_conn *c)
{
    c->done = 1;
    if (c->pending == 0)
        retire(m, c);
}

/* ---- lines ---- */

static void line_base(const fg_model *m, const fg_eni *e, fg_line *l, int status)
{
    memset(l, 0, sizeof *l);
    (void)m;
    l->eni = e;
    l->status = (uint8_t)status;
    l->start = l->win_start = e->ws;
    l->end = l->win_end = e->we;
}

static void emit_rec(fg_model *m, fg_eni *e, const fg_rec *r)
{
    const fg_conn *c = r->conn;
    const fg_tmpl *t = &c->obs[r->obs].t[r->dir];
    fg_line l;
    line_base(m, e, &l, FG_OK);
    l.action = t->action;
    l.egress = t->egress;
    l.proto = c->proto;
    l.flags = c->proto == 6 ? r->flags : 0;
    l.v6 = c->v6;
    l.tpath = t->tpath;
    l.dir = r->dir;
    l.src = fg__ip_text(m, t->src);
    l.dst = fg__ip_text(m, t->dst);
    l.psrc = fg__ip_text(m, t->psrc);
    l.pdst = fg__ip_text(m, t->pdst);
    l.sport = t->sport;
    l.dport = t->dport;
    l.packets = r->packets;
    l.bytes = r->bytes;
    l.start = r->start;
    l.end = r->end;
    l.conn_id = r->conn_id;
    m->sink->line(m->sink->ctx, &l);
}

static int rec_cmp(const void *a, const void *b)
{
    const fg_rec *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Delivered record: remember which ENI saw the connection and whether a
 * client SYN made it into the logs. */
static void mark_seen(fg_rec *r)
{
    fg_conn *c = r->conn;
    for (int L = 0; L < c->nlives; L++) {
        fg_life *f = &c->life[L];
        if (r->syn & (1u << L))
            f->hs = 1;
        if (!(r->lives & (1u << L)))
            continue;
        f->seen |= 1u << r->obs; /* per life: a reused 5-tuple's other dial
                                  * may have been delivered where this one
                                  * was lost to SKIPDATA */
        /* the lives this record shows together with L */
        f->with = f->delivered ? (uint8_t)(f->with & r->lives) : r->lives;
        f->delivered = 1;
        /* the FIN of life L-1 and the SYN of life L OR-ed in one record */
        if (L > 0 && (r->syn & (1u << L)) && (r->lives & (1u << (L - 1))) && (r->flags & FG_TCP_FIN))
            f->samewin = c->life[L - 1].samewin = 1;
    }
}

static void close_window(fg_model *m, fg_eni *e)
{
    fg_line l;
    int skipped = e->nrec > 0 && window_skipped(m, e);
    if (e->nrec == 0 || skipped) {
        line_base(m, e, &l, skipped ? FG_SKIPDATA : FG_NODATA);
        if (m->sink && m->sink->line)
            m->sink->line(m->sink->ctx, &l);
    } else {
        qsort(e->recs, e->nrec, sizeof *e->recs, rec_cmp);
    }
    for (size_t i = 0; i < e->nrec; i++) {
        fg_rec *r = &e->recs[i];
        if (!skipped) {
            mark_seen(r);
            if (m->sink && m->sink->line)
                emit_rec(m, e, r);
        }
        if (--r->conn->pending == 0 && r->conn->done)
            retire(m, r->conn);
    }
    e->nrec = 0;
    e->wseq++;
    e->ws = e->we;
    e->we = e->ws + next_window_len(e);
}

/* ---- applying bursts ---- */

static fg_rec *slot_for(fg_model *m, fg_conn *c, fg_obs *o, int dir, fg_eni *e)
{
    if (o->seq[dir] == e->wseq + 1)
        return &e->recs[o->slot[dir]];
    if (e->nrec == e->caprec) {
        e->caprec = e->caprec ? e->caprec * 2 : 64;
        e->recs = realloc(e->recs, e->caprec * sizeof *e->recs);
        if (!e->recs)
            abort();
    }
    fg_rec *r = &e->recs[e->nrec];
    memset(r, 0, sizeof *r);
    r->conn = c;
    r->obs = (uint8_t)(o - c->obs);
    r->dir = (uint8_t)dir;
    r->conn_id = c->life[c->life_cur].id;
    r->order = m->order++;
    o->seq[dir] = e->wseq + 1;
    o->slot[dir] = (uint32_t)e->nrec++;
    c->pending++;
    return r;
}

static void apply_burst(fg_model *m, fg_conn *c, const fg_burst *b)
{
    fg_life *f = &c->life[b->life];
    if (f->start == 0 && f->end == 0)
        f->start = b->t;
    f->end = b->t;
    if (b->t < m->cfg.t0 || b->t >= m->cfg.t0 + m->cfg.duration)
        return;
    f->packets[b->dir] += b->packets;
    f->bytes[b->dir] += b->bytes;
    int save = c->life_cur;
    c->life_cur = b->life;
    for (int i = 0; i < c->nobs; i++) {
        fg_obs *o = &c->obs[i];
        if (!o->t[b->dir].on)
            continue;
        fg_eni *e = &m->enis[o->eni];
        fg_rec *r = slot_for(m, c, o, b->dir, e);
        if (r->packets == 0)
            r->start = b->t;
        r->end = b->t;
        r->packets += b->packets;
        r->bytes += b->bytes;
        r->flags |= b->flags;
        r->lives |= (uint8_t)(1u << b->life);
        if (c->proto == 6 && b->dir == FG_C2S && (b->flags & 2) && !(b->flags & 16))
            r->syn |= (uint8_t)(1u << b->life);
    }
    c->life_cur = save;
}

/* Fetches c's next burst and queues c, or finishes it. */
static void advance(fg_model *m, fg_conn *c)
{
    fg_burst b;
    if (!fg__conn_next_burst(m, c, &b)) {
        conn_done(m, c);
        return;
    }
    if (b.t >= m->cfg.t0 + m->cfg.duration) {
        /* still open at the end of the range: true end is the plan */
        fg_life *f = &c->life[b.life];
        if (f->start == 0 && f->end == 0)
            f->start = b.t;
        f->end = b.t > c->t_end ? b.t : c->t_end;
        conn_done(m, c);
        return;
    }
    c->pend = b;
    fg__heap_push(&m->conn_heap, c);
}

static void spawn(fg_model *m, fg_conn *c)
{
    for (int L = 0; L < c->nlives; L++)
        c->life[L].id = m->next_conn_id++;
    fg__conn_start_script(m, c);
    advance(m, c);
}

/* ---- arrivals ---- */

/* Spawns the connections of one scenario arrival, in build order. */
static void arrive(fg_model *m, int kind, int64_t t)
{
    fg_conn *built[FG_ARRIVAL_MAX];
    size_t n = fg__scenario_arrival(m, kind, t, built, FG_ARRIVAL_MAX);
    for (size_t i = 0; i < n; i++)
        spawn(m, built[i]);
}

static fg_conn *conn_from_spec(fg_model *m, size_t i)
{
    const fg_conn_spec *s = &m->specs[i];
    fg_conn *c = fg__conn_alloc(m);
    c->proto = s->proto;
    c->cls = (uint8_t)s->cls;
    c->caddr = m->spec_ip[i][0];
    c->saddr = m->spec_ip[i][1];
    c->v6 = (uint8_t)fg__ip_is_v6(m, c->caddr);
    c->ceni = fg__eni_of_addr(m, c->caddr, NULL);
    c->seni = fg__eni_of_addr(m, c->saddr, NULL);
    c->cport = s->cport;
    c->sport = s->sport;
    c->nat = s->nat_eni;
    c->nat_port = s->nat_port;
    c->sg_reject = s->sg_reject;
    c->nacl_reject = s->nacl_reject;
    c->script = FG_S_EXPLICIT;
    c->bursts = s->bursts;
    c->nb = s->n_bursts;
    c->nlives = 1;
    for (size_t k = 0; k < s->n_bursts; k++)
        if (s->bursts[k].life == 1)
            c->nlives = 2;
    fg__conn_paths(m, c);
    if (s->sg_reject)
        for (int k = 0; k < c->nobs; k++)
            c->obs[k].t[FG_S2C].on = 0;
    return c;
}

static int arr_cmp(const void *a, const void *b)
{
    const fg_arrival *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void plan_arrivals(fg_model *m)
{
    size_t npre = m->scenario ? (size_t)((double)m->cfg.connections * fg__prestart_share(m)) : 0;
    m->pre = calloc(m->n_specs + npre + 1, sizeof *m->pre);
    if (!m->pre)
        abort();
    for (size_t i = 0; i < m->n_specs; i++) {
        const fg_conn_spec *s = &m->specs[i];
        m->pre[m->n_pre++] = (fg_arrival){s->n_bursts ? s->bursts[0].t : m->cfg.t0, -1, (uint32_t)i};
    }
    for (size_t i = 0; i < npre; i++)
        m->pre[m->n_pre++] = (fg_arrival){m->cfg.t0 - fg_rng_range(&m->rng, 1, 4 * 3600), fg__prestart_kind(m),
                                          (uint32_t)(m->n_specs + i)};
    qsort(m->pre, m->n_pre, sizeof *m->pre, arr_cmp);
    m->arrivals_left = m->scenario ? m->cfg.connections : 0;
    m->arrival_gap = m->arrivals_left ? (double)m->cfg.duration / (double)m->arrivals_left : 0;
}

static int64_t random_arrival_time(fg_model *m)
{
    uint64_t i = m->cfg.connections - m->arrivals_left;
    return m->cfg.t0 + (int64_t)(((double)i + fg_rng_unit(&m->rng)) * m->arrival_gap);
}

/* ---- the sweep ---- */

static void close_until(fg_model *m, int64_t t)
{
    while (m->eni_heap.n > 0) {
        if (m->eni_heap.v[0].key > t)
            break;
        close_window(m, m->eni_heap.v[0].p);
        fg__heap_fix_top(&m->eni_heap);
    }
}

int fg_run(fg_model *m, const fg_sink *sink)
{
    const int64_t t1 = m->cfg.t0 + m->cfg.duration;
    m->sink = sink;
    m->conn_heap.key = conn_key;
    m->conn_heap.pos = conn_pos;
    m->eni_heap.key = eni_key;
    m->eni_heap.pos = eni_pos;
    for (size_t i = 0; i < m->n_enis; i++) {
        fg_eni *e = &m->enis[i];
        if (!m->subnets[e->subnet].logged)
            continue;
        eni_init_windows(m, e);
        fg__heap_push(&m->eni_heap, e);
    }
    plan_arrivals(m);
    int64_t next_rand = m->arrivals_left ? random_arrival_time(m) : INT64_MAX;
    for (;;) {
        int64_t tc = m->conn_heap.n ? m->conn_heap.v[0].key : INT64_MAX;
        int64_t tp = m->i_pre < m->n_pre ? m->pre[m->i_pre].t : INT64_MAX;
        int64_t ta = tp < next_rand ? tp : next_rand;
        int64_t t = tc < ta ? tc : ta;
        if (t >= t1)
            break;
        close_until(m, t);
        if (ta <= tc) {
            if (tp <= next_rand) {
                const fg_arrival *a = &m->pre[m->i_pre++];
                if (a->kind < 0)
                    spawn(m, conn_from_spec(m, a->idx));
                else
                    arrive(m, a->kind, a->t);
            } else {
                arrive(m, fg__pick_kind(m), next_rand);
                m->arrivals_left--;
                next_rand = m->arrivals_left ? random_arrival_time(m) : INT64_MAX;
            }
            continue;
        }
        fg_conn *c = fg__heap_pop(&m->conn_heap);
        apply_burst(m, c, &c->pend);
        advance(m, c);
    }
    /* the rest is still open at the end of the range */
    fg_conn *c;
    while ((c = fg__heap_pop(&m->conn_heap)) != NULL) {
        fg_life *f = &c->life[c->pend.life];
        f->end = c->t_end > c->pend.t ? c->t_end : c->pend.t;
        if (f->start == 0)
            f->start = c->pend.t;
        conn_done(m, c);
    }
    close_until(m, t1);
    /* the flow logs stop at t1: each ENI publishes its open window */
    while (m->eni_heap.n > 0) {
        fg_eni *e = fg__heap_pop(&m->eni_heap);
        if (e->ws < t1) /* a window opening exactly at t1 was never open */
            close_window(m, e);
    }
    return 0;
}
