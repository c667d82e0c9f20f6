/* stitch/feed.c - a reader's records into observe, on one thread or two
 * (see feed.h for who touches what).
 *
 * The two threads share a ring of FEED_SLOTS batches: the producer fills
 * the slot after the last full one and publishes it (full++), the consumer
 * takes the oldest full one and gives it back (full--).  `full` is a C11
 * atomic (sequentially consistent), which orders the batch contents too.
 * A side that must wait spins briefly first (waking a sleeping thread costs
 * a system call on both sides and, in a VM, often more), then sleeps on a condition
 * variable after saying so in its `sleeping` flag; the other side, after
 * changing `full`, takes the mutex and signals only when that flag is set.
 * (Store flag then check full, against change full then check flag: one of
 * the two always sees the other, so no wake-up is lost.)
 */
#include "stitch/feed.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "parse/rows.h"
#include "util/util.h"

#define FEED_ITEMS 1024 /* records per batch */
#define FEED_SLOTS 4    /* batches in flight */
/* polls (a few us) before sleeping: with more threads than cores (reading,
 * parse threads, this pair) a long spin takes a core from the thread being
 * waited for; 100 against 4000 polls: 10 M shuffled records in 7.1 s
 * instead of 7.5 s (medians of 6, 2 cores) */
#define FEED_SPINS 100
#define PREFETCH_AHEAD 8 /* items between an ENI's prefetch and its push */

#if defined(__x86_64__) || defined(__i386__)
#define CPU_RELAX() __builtin_ia32_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

typedef struct batch {
    uint32_t n;            /* items */
    int end;               /* the reader ended after these items */
    int rc;                /* with end: what fst_reader_next returned (0 or < 0) */
    fst__prep *items;      /* FEED_ITEMS */
    fst__prep_addrs *addrs; /* FEED_ITEMS at most; taken in item order */
    fst__prep_where *wheres; /* FEED_ITEMS at most; taken in item order */
    uint64_t *lines;       /* each item's line, for a push error's message */
    const char **files;    /* each item's file name (owned by the reader) */
} batch;

typedef struct feed {
    atomic_uint full;          /* full batches: slots[head], ... */
    int rows;                  /* the parse threads prepare the records (prow) */
    fst__row_run run;          /* producer: the run being taken, */
    const char *run_at;        /* its next row */
    uint64_t run_left;         /* and how many rows are left */
    atomic_int stop;           /* the consumer gave up: the producer ends */
    atomic_int p_sleeping, c_sleeping; /* a side is (about to be) asleep */
    pthread_mutex_t mu;
    pthread_cond_t can_fill, can_take;
    fst_reader *r;
    fst__prep_ctx pc;
    batch slots[FEED_SLOTS];
} feed;

static int can_take(feed *f)
{
    return atomic_load(&f->full) > 0;
}

static int can_fill(feed *f)
{
    return atomic_load(&f->full) < FEED_SLOTS || atomic_load(&f->stop);
}

/* Waits until ready(f): spins, then sleeps on cv. */
static void await(feed *f, int (*ready)(feed *), atomic_int *sleeping, pthread_cond_t *cv)
{
    for (int i = 0; i < FEED_SPINS; i++) {
        if (ready(f))
            return;
        CPU_RELAX();
    }
    pthread_mutex_lock(&f->mu);
    for (;;) {
        atomic_store(sleeping, 1);
        if (ready(f))
            break;
        pthread_cond_wait(cv, &f->mu);
    }
    atomic_store(sleeping, 0);
    pthread_mutex_unlock(&f->mu);
}

/* After changing full or stop: wakes the other side if it sleeps. */
static void wake(feed *f, atomic_int *sleeping, pthread_cond_t *cv)
{
    if (!atomic_load(sleeping))
        return;
    pthread_mutex_lock(&f->mu);
    pthread_cond_signal(cv);
    pthread_mutex_unlock(&f->mu);
}

/* One record pushed on this thread. */
static int push_one(fst__observe *o, const fst__prep_ctx *pc, const fst_record *rec)
{
    fst__prep p;
    fst__prep_addrs x;
    fst__prep_where wh;
    fst__observe_prep(pc, rec, &p, &x, &wh);
    return fst__observe_push_prep(o, &p, &x, &wh);
}

static int feed_single(fst__observe *o, fst_reader *r, int (*tick)(void *), void *tick_ud,
                       const char **file, uint64_t *line)
{
    const fst__prep_ctx pc = fst__observe_prep_ctx(o);
    const fst_record *rec;
    int rc;
    uint32_t n = 0;
    while ((rc = fst_reader_next(r, &rec)) > 0) {
        const int prc = push_one(o, &pc, rec);
        if (prc < 0) {
            *file = rec->file;
            *line = rec->line;
            return prc;
        }
        if (tick && ++n % FEED_ITEMS == 0) {
            const int trc = tick(tick_ud);
            if (trc)
                return trc < 0 ? trc : 0;
        }
    }
    return rc;
}

/* ---- records prepared on the parse threads ---------------------------
 *
 * Without metadata the reader's parse threads run fst__observe_prep
 * themselves (parse/rows.h): each record's "row" is a prow, its
 * fst__prep_addrs when prep.addrs, and its fst__prep_where when
 * prep.where.  The producer then only interns the ids the item points to
 * (in input order, through the parse thread's local ids, as unpacking
 * would) and hashes the key with the engine's seed: no fst_record is
 * rebuilt on the reading thread.  Items equal fst__observe_prep's. */

/* An id field's token, for the reading thread to intern. */
typedef struct prow_id {
    const char *s;  /* in the chunk's text (alive while its run is); NULL: absent or "-" */
    uint32_t n;     /* its length */
    uint32_t lid;   /* the parse thread's local id (0: none) */
} prow_id;

typedef struct prow {
    uint32_t size;  /* bytes of the row, a multiple of 8 */
    uint32_t nid;   /* ids carried: 1 (interface-id), FST__PREP_IDS with prep.where */
    uint64_t line;
    fst__prep prep; /* eni, w.eni and hv not yet set */
    prow_id id[FST__PREP_IDS]; /* only nid of them are written */
} prow;

#define PROW_HEAD offsetof(prow, id)
#define UP8(n) (((n) + 7) & ~(size_t)7)

/* The row maker's function (on a parse thread). */
static size_t prep_row(void *state, const void *ud, const fst_record *rec, char *buf, size_t cap,
                       uint64_t *bad)
{
    (void)state;
    (void)ud;
    (void)bad;
    const fst__prep_ctx pc = {0, NULL, 0}; /* no metadata; hashed on the reading thread */
    prow h;
    fst__prep_addrs x;
    fst__prep_where wh;
    fst__observe_prep(&pc, rec, &h.prep, &x, &wh);
    h.nid = h.prep.where ? FST__PREP_IDS : 1;
    const size_t ids = h.nid * sizeof(prow_id);
    const size_t need = UP8(PROW_HEAD + ids + (h.prep.addrs ? sizeof x : 0) +
                            (h.prep.where ? sizeof wh : 0));
    if (need > cap)
        return need;
    h.size = (uint32_t)need;
    h.line = rec->line;
    for (uint32_t i = 0; i < h.nid; i++) {
        const int f = fst__prep_id_field((int)i);
        prow_id *d = &h.id[i];
        d->s = NULL;
        d->n = d->lid = 0;
        if (!fst_record_has(rec, f))
            continue;
        const fst_str t = rec->cols[rec->format->col[f]];
        d->s = t.ptr;
        d->n = t.len;
        d->lid = rec->num[f] <= UINT32_MAX ? (uint32_t)rec->num[f] : 0;
    }
    char *p = buf;
    memcpy(p, &h, PROW_HEAD + ids);
    p += PROW_HEAD + ids;
    if (h.prep.addrs) {
        memcpy(p, &x, sizeof x);
        p += sizeof x;
    }
    if (h.prep.where)
        memcpy(p, &wh, sizeof wh);
    return need;
}

static void *prep_state_new(void)
{
    return fst__malloc(1); /* the maker keeps no state */
}

/* Rows only: the producer takes every record as a prepared row (a record
 * it must take as fst_record, after metadata came in a later feed, is
 * parsed again on the reading thread). */
static const fst__row_maker prep_maker = {prep_row, prep_state_new, fst__free, NULL, 1, 0};

/* The next row of f->run as item n of b (its addresses and context at
 * *nx, *nw, which advance).  0 or FST_ENOMEM (interning). */
static int take_row(feed *f, batch *b, uint32_t n, uint32_t *nx, uint32_t *nw)
{
    prow h;
    memcpy(&h, f->run_at, PROW_HEAD);
    const char *p = f->run_at + PROW_HEAD;
    memcpy(h.id, p, h.nid * sizeof(prow_id));
    p += h.nid * sizeof(prow_id);
    f->run_at += h.size;
    f->run_left--;
    fst__prep *it = &b->items[n];
    *it = h.prep;
    fst__observe_prep_hash(&f->pc, it);
    const char *ids[FST__PREP_IDS] = {NULL};
    uint32_t eni_num = 0;
    for (uint32_t i = 0; i < h.nid; i++) {
        uint32_t num;
        if (h.id[i].s && fst__reader_row_id(f->r, &f->run, fst__prep_id_field((int)i), h.id[i].lid,
                                            h.id[i].s, h.id[i].n, &ids[i], &num) < 0)
            return FST_ENOMEM;
        if (i == 0 && h.id[i].s)
            eni_num = num;
    }
    it->eni = ids[0];
    it->w.eni = ids[0] ? eni_num : 0;
    if (it->addrs) {
        memcpy(&b->addrs[*nx], p, sizeof *b->addrs);
        p += sizeof *b->addrs;
        ++*nx;
    }
    if (it->where) {
        fst__prep_where *wh = &b->wheres[*nw];
        memcpy(wh, p, sizeof *wh);
        for (int k = 0; k < FST__CTX_N; k++)
            wh->id[k] = ids[1 + k];
        ++*nw;
    }
    b->lines[n] = h.line;
    b->files[n] = f->run.file;
    return 0;
}

/* The reader's next record as fst_reader_next gives it, or (2) a run of
 * prepared rows into f->run. */
static int next(feed *f, const fst_record **rec)
{
    if (!f->rows)
        return fst_reader_next(f->r, rec);
    const int rc = fst__reader_next_rows(f->r, &f->run, rec);
    if (rc == 2) {
        f->run_at = f->run.text;
        f->run_left = f->run.rows;
    }
    return rc;
}

/* Producer: reads into b until it is full or the reader ends. */
static void fill(feed *f, batch *b)
{
    uint32_t n = 0, nx = 0, nw = 0;
    b->end = 0;
    b->rc = 0;
    while (n < FEED_ITEMS) {
        if (f->run_left) {
            const int trc = take_row(f, b, n, &nx, &nw);
            if (trc < 0) {
                b->end = 1;
                b->rc = trc;
                break;
            }
            n++;
            continue;
        }
        const fst_record *rec;
        const int rc = next(f, &rec);
        if (rc == 2)
            continue;
        if (rc <= 0) {
            b->end = 1;
            b->rc = rc;
            break;
        }
        nx += (uint32_t)fst__observe_prep(&f->pc, rec, &b->items[n], &b->addrs[nx], &b->wheres[nw]);
        nw += b->items[n].where;
        b->lines[n] = rec->line;
        b->files[n] = rec->file;
        n++;
    }
    b->n = n;
}

static void *producer(void *arg)
{
    feed *f = arg;
    uint32_t tail = 0;
    for (;;) {
        await(f, can_fill, &f->p_sleeping, &f->can_fill);
        if (atomic_load(&f->stop))
            return NULL;
        batch *b = &f->slots[tail];
        fill(f, b);
        const int end = b->end;
        atomic_fetch_add(&f->full, 1);
        wake(f, &f->c_sleeping, &f->can_take);
        if (end)
            return NULL;
        tail = (tail + 1) % FEED_SLOTS;
    }
}

/* Consumer: pushes one batch; 0 or a push error (*file, *line set). */
static int drain(fst__observe *o, const batch *b, const char **file, uint64_t *line)
{
    uint32_t nx = 0, nw = 0;
    for (uint32_t i = 0; i < b->n; i++) {
        const fst__prep *p = &b->items[i];
        if (i + PREFETCH_AHEAD < b->n) /* its ENI is far in memory among thousands */
            fst__observe_prefetch_eni(o, &b->items[i + PREFETCH_AHEAD]);
        const int rc = fst__observe_push_prep(o, p, &b->addrs[nx], &b->wheres[nw]);
        nx += p->addrs;
        nw += p->where;
        if (rc < 0) {
            *file = b->files[i];
            *line = b->lines[i];
            return rc;
        }
    }
    return 0;
}

static void feed_free(feed *f)
{
    for (int i = 0; i < FEED_SLOTS; i++) {
        fst__free(f->slots[i].items);
        fst__free(f->slots[i].addrs);
        fst__free(f->slots[i].wheres);
        fst__free(f->slots[i].lines);
        fst__free(f->slots[i].files);
    }
    fst__free(f);
}

/* A feed with its batches, or NULL (out of memory, or no mutex). */
static feed *feed_new(fst__observe *o, fst_reader *r)
{
    feed *f = fst__calloc(1, sizeof *f);
    if (!f)
        return NULL;
    atomic_init(&f->full, 0);
    atomic_init(&f->stop, 0);
    atomic_init(&f->p_sleeping, 0);
    atomic_init(&f->c_sleeping, 0);
    f->r = r;
    f->pc = fst__observe_prep_ctx(o);
    for (int i = 0; i < FEED_SLOTS; i++) {
        batch *b = &f->slots[i];
        b->items = fst__malloc(FEED_ITEMS * sizeof *b->items);
        b->addrs = fst__malloc(FEED_ITEMS * sizeof *b->addrs);
        b->wheres = fst__malloc(FEED_ITEMS * sizeof *b->wheres);
        b->lines = fst__malloc(FEED_ITEMS * sizeof *b->lines);
        b->files = fst__malloc(FEED_ITEMS * sizeof *b->files);
        if (!b->items || !b->addrs || !b->wheres || !b->lines || !b->files) {
            feed_free(f);
            return NULL;
        }
    }
    if (pthread_mutex_init(&f->mu, NULL) != 0) {
        feed_free(f);
        return NULL;
    }
    if (pthread_cond_init(&f->can_fill, NULL) != 0) {
        pthread_mutex_destroy(&f->mu);
        feed_free(f);
        return NULL;
    }
    if (pthread_cond_init(&f->can_take, NULL) != 0) {
        pthread_cond_destroy(&f->can_fill);
        pthread_mutex_destroy(&f->mu);
        feed_free(f);
        return NULL;
    }
    return f;
}

static void feed_destroy(feed *f)
{
    pthread_cond_destroy(&f->can_take);
    pthread_cond_destroy(&f->can_fill);
    pthread_mutex_destroy(&f->mu);
    feed_free(f);
}

int fst__feed(fst__observe *o, fst_reader *r, int threads, int (*tick)(void *), void *tick_ud,
              const char **file, uint64_t *line)
{
    *file = NULL;
    *line = 0;
    fst__observe_forget_ids(o); /* a new reader: its interned pointers are new */
    if (threads < 2)
        return feed_single(o, r, tick, tick_ud, file, line);
    feed *f = feed_new(o, r);
    if (!f) /* no room for the batches: one thread needs none */
        return feed_single(o, r, tick, tick_ud, file, line);
    /* parse threads prepare the records unless metadata aliases addresses
     * (its table is the caller's: it may go before the reader's threads) */
    f->rows = !f->pc.meta && (fst__reader_rows_by(r, prep_row) ||
                              fst__reader_set_rows(r, &prep_maker) == 0);
    pthread_t th;
    if (pthread_create(&th, NULL, producer, f) != 0) {
        feed_destroy(f);
        return feed_single(o, r, tick, tick_ud, file, line);
    }
    int rc = 0;
    uint32_t head = 0;
    for (;;) {
        await(f, can_take, &f->c_sleeping, &f->can_take);
        const batch *b = &f->slots[head];
        rc = drain(o, b, file, line);
        const int end = b->end, brc = b->rc;
        head = (head + 1) % FEED_SLOTS;
        if (rc < 0)
            atomic_store(&f->stop, 1);
        atomic_fetch_sub(&f->full, 1);
        wake(f, &f->p_sleeping, &f->can_fill);
        if (rc < 0)
            break;
        if (end) {
            rc = brc;
            break;
        }
        const int trc = tick ? tick(tick_ud) : 0;
        if (trc) { /* the producer is told to stop, then joined */
            atomic_store(&f->stop, 1);
            wake(f, &f->p_sleeping, &f->can_fill);
            rc = trc < 0 ? trc : 0;
            break;
        }
    }
    pthread_join(th, NULL);
    feed_destroy(f);
    return rc;
}
