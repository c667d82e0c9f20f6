/* parse/pipeline.c - framing and parsing on other threads (pipeline.h).
 *
 * The output is a ring of 2 * workers + 2 segments, read in order by the
 * reading thread.  A segment is either one chunk framed by the framing
 * thread (FREE -> FRAMING -> FRAMED -> PARSING (a worker) -> PARSED ->
 * READING -> FREE), or a job: a whole input handed off by the framing
 * thread (decode/input.h, fst__input_handoff: an input with more queued
 * behind it) that one worker reads, frames and parses with its own
 * fst__input into up to JOB_CHUNKS chunks at a time, which the reading
 * thread takes in turn.  So different files are inflated and parsed on
 * different threads, a single file is framed on one thread and parsed on
 * all, and the reading thread sees the events in queue order either way.
 * Workers take framed chunks before jobs, and a worker whose job waits for
 * the reading thread parses framed chunks meanwhile, so no wait is circular.
 * One mutex guards the states; a chunk's contents belong to whoever holds
 * its state.  A second mutex guards the main input, for inputs queued
 * while it is read.
 */
#include "parse/pipeline.h"

#include <pthread.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "parse/intern.h"
#include "parse/pack.h"
#include "parse/parser_int.h"
#include "parse/rows.h"
#include "read/queue.h"
#include "util/util.h"

#define CHUNK_TEXT (256u * 1024u)
#define CHUNK_EVENTS 4096u
#define JOB_CHUNKS 3u

enum { S_FREE, S_FRAMING, S_FRAMED, S_PARSING, S_PARSED, S_READING, S_JOB };

typedef struct seg {
    int state;
    fst__chunk ch[JOB_CHUNKS]; /* a framed chunk: ch[0] */
    /* a job (state S_JOB) */
    fst__item *item;           /* the input, until a worker takes it */
    unsigned made, read;       /* chunks made by the worker, given back by the reader */
    int finished;              /* the input ended: no more chunks */
} seg;

typedef struct worker {
    struct fst__pipe *pipe;
    fst__parser *parser;  /* chunks of the framing thread (reset at each) */
    fst__parser *jparser; /* jobs: a file from its start (a chunk parsed
                           * meanwhile must not move its layout) */
    fst_record rec;       /* parser's records */
    fst_record jrec;      /* jparser's */
    char *scratch; /* header lines are parsed from a copy */
    size_t scap;
    fst__input *in; /* for jobs, made at the first */
    void *rstate;   /* the row maker's state (parse/rows.h) */
    fst__intern *local; /* its parsers' local ids (parser_int.h) */
    int index;
    pthread_t th;
    int started;
} worker;

struct fst__pipe {
    fst__input *in;
    pthread_mutex_t mu;
    pthread_cond_t c_free, c_work, c_read; /* c_work: chunks, jobs, room in a job */
    pthread_mutex_t inmu;
    pthread_cond_t c_in;
    uint64_t gen;          /* inputs queued since start (inmu) */
    int stop;
    seg *slots;
    size_t nslots;
    uint64_t fseq, rseq;
    /* framed chunks and jobs waiting for a worker, in order (nslots each) */
    seg **parse_q, **job_q;
    size_t parse_h, parse_n, job_h, job_n;
    fst__chunk *reading;
    uint32_t max_line;    /* for the workers' inputs */
    uint32_t bufsize;
    fst__sniff_fn sniff;
    fst__row_maker rows;   /* rows.row NULL: none */
    /* framing thread */
    pthread_t framer;
    int framer_started;
    fst__parser *fparser;  /* follows header lines, to know the layout in force */
    fst_record frec;
    char *hdr;             /* header line in force (copy), hlen bytes */
    size_t hlen, hcap;
    uint64_t hline;
    int has_hdr;
    char *tmp;
    size_t tcap;
    worker *w;
    int nw;
};

/* ---- buffers ---------------------------------------------------------- */

static int grow(void **buf, size_t *cap, size_t need, size_t unit)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 4096 / unit + 1;
    while (n < need)
        n *= 2;
    void *nb = fst__realloc(*buf, n * unit);
    if (!nb)
        return -1;
    *buf = nb;
    *cap = n;
    return 0;
}

/* Copy s[0..n) and a NUL to the end of *buf; its offset, or FST__NO_TEXT
 * on out of memory. */
static uint32_t put_text(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (grow((void **)buf, cap, *len + n + 1, 1) < 0)
        return FST__NO_TEXT;
    const size_t at = *len;
    if (n)
        memcpy(*buf + at, s, n);
    (*buf)[at + n] = '\0';
    *len += n + 1;
    return (uint32_t)at;
}

static uint32_t chunk_text(fst__chunk *c, const char *s, size_t n)
{
    return put_text(&c->text, &c->tlen, &c->tcap, s, n);
}

/* ---- framing thread --------------------------------------------------- */

static void chunk_reset(fst__chunk *c)
{
    c->tlen = c->nev = c->rlen = c->alen = c->wlen = 0;
    c->end_gen = 0;
    c->hdr_off = FST__NO_TEXT;
    c->hdr_len = 0;
}

static seg *take_free(fst__pipe *p)
{
    pthread_mutex_lock(&p->mu);
    seg *sg = &p->slots[p->fseq % p->nslots];
    while (!p->stop && sg->state != S_FREE)
        pthread_cond_wait(&p->c_free, &p->mu);
    if (p->stop) {
        pthread_mutex_unlock(&p->mu);
        return NULL;
    }
    sg->state = S_FRAMING;
    p->fseq++;
    pthread_mutex_unlock(&p->mu);
    fst__chunk *c = &sg->ch[0];
    chunk_reset(c);
    if (p->has_hdr) {
        c->hdr_off = chunk_text(c, p->hdr, p->hlen);
        c->hdr_len = (uint32_t)p->hlen;
        c->hdr_lineno = p->hline;
    }
    return sg;
}

static void publish(fst__pipe *p, seg *sg)
{
    pthread_mutex_lock(&p->mu);
    sg->state = S_FRAMED;
    p->parse_q[(p->parse_h + p->parse_n++) % p->nslots] = sg;
    pthread_cond_broadcast(&p->c_work);
    pthread_mutex_unlock(&p->mu);
}

/* The framing thread's segment sg becomes a job reading it. */
static void publish_job(fst__pipe *p, seg *sg, fst__item *it)
{
    pthread_mutex_lock(&p->mu);
    sg->state = S_JOB;
    sg->item = it;
    sg->made = sg->read = 0;
    sg->finished = 0;
    p->job_q[(p->job_h + p->job_n++) % p->nslots] = sg;
    pthread_cond_broadcast(&p->c_work);
    pthread_mutex_unlock(&p->mu);
}

/* A header line: does it change the layout in force?  Keep it if so. */
static void follow_header(fst__pipe *p, const fst__event *ev)
{
    if (grow((void **)&p->tmp, &p->tcap, ev->len + 1, 1) < 0)
        return; /* the workers will meet the same shortage */
    memcpy(p->tmp, ev->text, ev->len + 1);
    const fst_format *before = p->fparser->hdr;
    const char *why;
    (void)fst__parser_line(p->fparser, p->tmp, ev->len, ev->lineno, &p->frec, &why);
    if (p->fparser->hdr == before || grow((void **)&p->hdr, &p->hcap, ev->len + 1, 1) < 0)
        return;
    memcpy(p->hdr, ev->text, ev->len + 1);
    p->hlen = ev->len;
    p->hline = ev->lineno;
    p->has_hdr = 1;
}

/* Copy one event into c (p: the framing thread's, whose header tracking
 * it feeds; NULL in a job).  0, or -1 on out of memory. */
static int add_event(fst__pipe *p, fst__chunk *c, const fst__event *ev)
{
    fst__pev *e = &c->ev[c->nev];
    memset(e, 0, sizeof *e);
    e->kind = (uint8_t)ev->kind;
    e->lineno = ev->lineno;
    e->bytes_read = ev->bytes_read;
    e->err = ev->err;
    e->gzip = (uint8_t)ev->gzip;
    e->layers = (uint8_t)ev->gzip_layers;
    e->off = e->why = e->pwhy = e->rec = e->row = FST__NO_TEXT;
    if (ev->why && (e->why = chunk_text(c, ev->why, strlen(ev->why))) == FST__NO_TEXT)
        return -1;
    switch (ev->kind) {
    case FST__EV_FILE_BEGIN:
        if (p) {
            fst__parser_file_begin(p->fparser, NULL);
            p->has_hdr = 0;
        }
        /* fall through */
    case FST__EV_FILE_SKIPPED:
        if (ev->path && (e->off = chunk_text(c, ev->path, strlen(ev->path))) == FST__NO_TEXT)
            return -1;
        break;
    case FST__EV_LINE:
        if ((e->off = chunk_text(c, ev->text, ev->len)) == FST__NO_TEXT)
            return -1;
        e->len = (uint32_t)ev->len;
        e->hdr = (uint8_t)fst__parser_is_header(ev->text, ev->len, ev->lineno);
        if (e->hdr && p)
            follow_header(p, ev);
        break;
    default:
        break;
    }
    c->nev++;
    return 0;
}

/* After the END: wait for inputs queued later (then go on) or the stop. */
static int wait_more(fst__pipe *p, uint64_t gen)
{
    pthread_mutex_lock(&p->inmu);
    while (!p->stop && p->gen == gen)
        pthread_cond_wait(&p->c_in, &p->inmu);
    const int go = !p->stop;
    if (go)
        fst__input_resume(p->in);
    pthread_mutex_unlock(&p->inmu);
    return go;
}

/* Out of memory: the reading thread stops at this point (the events
 * array has room for it: allocated at start). */
static void add_fatal(fst__chunk *c)
{
    fst__pev *e = &c->ev[c->nev++];
    memset(e, 0, sizeof *e);
    e->kind = FST__PEV_FATAL;
    e->err = FST_ENOMEM;
}

/* A handed-off input: a job in a segment of its own. */
static int hand_off(fst__pipe *p, seg **cur)
{
    fst__item *it = fst__input_take(p->in);
    seg *sg = *cur;
    if (sg->ch[0].nev) { /* what was framed before it goes first */
        publish(p, sg);
        sg = NULL;
    }
    *cur = NULL;
    if (!sg && !(sg = take_free(p))) {
        fst__item_free(it);
        return -1;
    }
    publish_job(p, sg, it);
    return 0;
}

static void *framer_main(void *arg)
{
    fst__pipe *p = arg;
    seg *sg = NULL;
    for (;;) {
        if (!sg && !(sg = take_free(p)))
            return NULL;
        fst__chunk *c = &sg->ch[0];
        fst__event ev;
        pthread_mutex_lock(&p->inmu);
        const fst__ev_kind k = fst__input_next(p->in, &ev);
        const uint64_t gen = p->gen;
        pthread_mutex_unlock(&p->inmu);
        if (k == FST__EV_HANDOFF) {
            if (hand_off(p, &sg) < 0)
                return NULL;
            continue;
        }
        if (add_event(p, c, &ev) < 0) {
            add_fatal(c);
            publish(p, sg);
            return NULL;
        }
        if (k == FST__EV_END) {
            c->end_gen = gen;
            publish(p, sg);
            sg = NULL;
            if (!wait_more(p, gen))
                return NULL;
            continue;
        }
        if (c->tlen >= CHUNK_TEXT || c->nev >= CHUNK_EVENTS) {
            publish(p, sg);
            sg = NULL;
        }
    }
    return NULL;
}

/* ---- parse workers ---------------------------------------------------- */

/* The record a worker's parser fills (each its own: a parser skips clearing
 * fields its layout lacks while the record is still the one it filled). */
static fst_record *rec_of(worker *w, const fst__parser *ps)
{
    return ps == w->parser ? &w->rec : &w->jrec;
}

/* The output row of the record rec just parsed (parse/rows.h). */
static int make_row(worker *w, const fst_record *rec, fst__chunk *c, fst__pev *e)
{
    const fst__row_maker *m = &w->pipe->rows;
    if (!c->rows && grow((void **)&c->rows, &c->wcap, CHUNK_TEXT, 1) < 0)
        return -1;
    uint64_t bad = 0;
    size_t room = c->wcap - c->wlen;
    size_t n = m->row(w->rstate, m->ud, rec, c->rows + c->wlen, room, &bad);
    if (n > room) {
        if (grow((void **)&c->rows, &c->wcap, c->wlen + n, 1) < 0)
            return -1;
        room = c->wcap - c->wlen;
        bad = 0;
        n = m->row(w->rstate, m->ud, rec, c->rows + c->wlen, room, &bad);
        if (n > room)
            return -1;
    }
    e->row = (uint32_t)c->wlen;
    e->rowlen = (uint32_t)n;
    e->rowbad = (uint32_t)bad;
    c->wlen += n;
    return 0;
}

/* Parse a copy of s (header lines: the reading thread parses the text). */
static int parse_copy(worker *w, fst__parser *ps, const char *s, size_t n, uint64_t lineno,
                      const char **why)
{
    if (grow((void **)&w->scratch, &w->scap, n + 1, 1) < 0)
        return FST_ENOMEM;
    memcpy(w->scratch, s, n + 1);
    return fst__parser_line(ps, w->scratch, n, lineno, rec_of(w, ps), why);
}

static int parse_line(worker *w, fst__parser *ps, fst__chunk *c, fst__pev *e)
{
    const char *why = NULL;
    if (e->hdr)
        return parse_copy(w, ps, c->text + e->off, e->len, e->lineno, &why);
    fst_record *rec = rec_of(w, ps);
    const int rc = fst__parser_line(ps, c->text + e->off, e->len, e->lineno, rec, &why);
    if (rc == FST__LINE_RECORD) {
        e->status = rec->status;
        if (!w->pipe->rows.only) { /* else e->rec stays FST__NO_TEXT */
            const size_t stride = fst__pack_stride(ps);
            if (grow((void **)&c->recs, &c->rcap, c->rlen + stride, 1) < 0)
                return FST_ENOMEM;
            fst__pack_record(ps, rec, c->text, c->recs + c->rlen);
            e->rec = (uint32_t)c->rlen;
            c->rlen += stride;
        }
        if (w->rstate && make_row(w, rec, c, e) < 0)
            return FST_ENOMEM;
    } else if (rc < 0 && why && *why) {
        e->pwhy = put_text(&c->aux, &c->alen, &c->acap, why, strlen(why));
        if (e->pwhy == FST__NO_TEXT)
            return FST_ENOMEM;
    }
    return rc;
}

/* Parse c's lines with ps, in the state of the line before them. */
static void parse_events(worker *w, fst__parser *ps, fst__chunk *c)
{
    c->worker = w->index;
    for (size_t i = 0; i < c->nev; i++) {
        fst__pev *e = &c->ev[i];
        if (e->kind == FST__EV_FILE_BEGIN)
            fst__parser_file_begin(ps, NULL);
        else if (e->kind == FST__EV_LINE)
            e->prc = parse_line(w, ps, c, e);
    }
}

/* A chunk framed by the framing thread: from the header in force at its
 * start. */
static void parse_chunk(worker *w, fst__chunk *c)
{
    fst__parser_file_begin(w->parser, NULL);
    if (c->hdr_off != FST__NO_TEXT) {
        const char *why;
        (void)parse_copy(w, w->parser, c->text + c->hdr_off, c->hdr_len, c->hdr_lineno, &why);
    }
    parse_events(w, w->parser, c);
}

/* With p->mu held: parse the oldest framed chunk if there is one (the
 * lock is let go meanwhile).  1 when one was parsed. */
static int parse_one(worker *w)
{
    fst__pipe *p = w->pipe;
    if (!p->parse_n)
        return 0;
    seg *sg = p->parse_q[p->parse_h];
    p->parse_h = (p->parse_h + 1) % p->nslots;
    p->parse_n--;
    sg->state = S_PARSING;
    pthread_mutex_unlock(&p->mu);
    parse_chunk(w, &sg->ch[0]);
    pthread_mutex_lock(&p->mu);
    sg->state = S_PARSED;
    pthread_cond_broadcast(&p->c_read);
    return 1;
}

/* Frame up to a chunk of the job's input into c; 1 when the input ended. */
static int frame_job_chunk(worker *w, fst__chunk *c)
{
    chunk_reset(c);
    for (;;) {
        fst__event ev;
        const fst__ev_kind k = fst__input_next(w->in, &ev);
        if (k == FST__EV_END)
            return 1;
        if (add_event(NULL, c, &ev) < 0) {
            add_fatal(c);
            return 1;
        }
        if (c->tlen >= CHUNK_TEXT || c->nev >= CHUNK_EVENTS)
            return 0;
    }
}

/* Run a job (p->mu held on entry and exit): read its input into chunks,
 * JOB_CHUNKS at most ahead of the reading thread. */
static void run_job(worker *w, seg *sg)
{
    fst__pipe *p = w->pipe;
    fst__item *it = sg->item;
    sg->item = NULL;
    pthread_mutex_unlock(&p->mu);
    if (!w->in && (w->in = fst__input_new_sized(p->max_line, p->bufsize, p->sniff, NULL)))
        fst__input_handoff(w->in, 0);
    pthread_mutex_lock(&p->mu);
    int ended = 0;
    while (!ended) {
        while (!p->stop && (p->parse_n || sg->made - sg->read >= JOB_CHUNKS))
            if (!parse_one(w))
                pthread_cond_wait(&p->c_work, &p->mu);
        if (p->stop)
            break;
        fst__chunk *c = &sg->ch[sg->made % JOB_CHUNKS];
        pthread_mutex_unlock(&p->mu);
        if (w->in && it) {
            fst__input_add_item(w->in, it);
            fst__input_resume(w->in);
            it = NULL;
        }
        if (w->in) {
            ended = frame_job_chunk(w, c);
            parse_events(w, w->jparser, c);
        } else { /* no input could be made */
            chunk_reset(c);
            add_fatal(c);
            ended = 1;
        }
        pthread_mutex_lock(&p->mu);
        sg->made++;
        sg->finished = ended;
        pthread_cond_broadcast(&p->c_read);
    }
    fst__item_free(it);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    fst__pipe *p = w->pipe;
    pthread_mutex_lock(&p->mu);
    while (!p->stop) {
        if (parse_one(w))
            continue;
        if (p->job_n) {
            seg *sg = p->job_q[p->job_h];
            p->job_h = (p->job_h + 1) % p->nslots;
            p->job_n--;
            run_job(w, sg);
            continue;
        }
        pthread_cond_wait(&p->c_work, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* ---- the reading thread ----------------------------------------------- */

/* With p->mu held: give the chunk last handed out back. */
static void give_back(fst__pipe *p)
{
    seg *sg = &p->slots[p->rseq % p->nslots];
    p->reading = NULL;
    if (sg->state == S_JOB) {
        sg->read++;
        pthread_cond_broadcast(&p->c_work); /* room in the job */
        return;
    }
    sg->state = S_FREE;
    p->rseq++;
    pthread_cond_broadcast(&p->c_free);
}

fst__chunk *fst__pipe_next(fst__pipe *p)
{
    pthread_mutex_lock(&p->mu);
    if (p->reading)
        give_back(p);
    fst__chunk *c = NULL;
    while (!c) {
        seg *sg = &p->slots[p->rseq % p->nslots];
        if (sg->state == S_PARSED) {
            sg->state = S_READING;
            c = &sg->ch[0];
        } else if (sg->state == S_JOB && sg->made > sg->read) {
            c = &sg->ch[sg->read % JOB_CHUNKS];
        } else if (sg->state == S_JOB && sg->finished) {
            sg->state = S_FREE; /* the job is read */
            p->rseq++;
            pthread_cond_broadcast(&p->c_free);
        } else {
            pthread_cond_wait(&p->c_read, &p->mu);
        }
    }
    p->reading = c;
    pthread_mutex_unlock(&p->mu);
    return c;
}

int fst__pipe_end_final(fst__pipe *p, const fst__chunk *c)
{
    pthread_mutex_lock(&p->inmu);
    const int final = p->gen == c->end_gen;
    pthread_mutex_unlock(&p->inmu);
    return final;
}

void fst__pipe_lock_input(fst__pipe *p)
{
    pthread_mutex_lock(&p->inmu);
}

void fst__pipe_unlock_input(fst__pipe *p, int added)
{
    if (added) {
        p->gen++;
        pthread_cond_broadcast(&p->c_in);
    }
    pthread_mutex_unlock(&p->inmu);
}

/* ---- start and stop --------------------------------------------------- */

static fst__parser *new_parser(const char *fields)
{
    fst__parser *ps = fst__parser_new();
    if (ps && fields && fst__parser_set_fields(ps, fields) < 0) {
        fst__parser_free(ps);
        return NULL;
    }
    return ps;
}

static int init_parts(fst__pipe *p, const char *fields, int workers)
{
    p->nslots = (size_t)workers * 2 + 2;
    p->slots = fst__calloc(p->nslots, sizeof *p->slots);
    p->parse_q = fst__calloc(p->nslots, sizeof *p->parse_q);
    p->job_q = fst__calloc(p->nslots, sizeof *p->job_q);
    p->w = fst__calloc((size_t)workers, sizeof *p->w);
    p->fparser = new_parser(fields);
    if (!p->slots || !p->parse_q || !p->job_q || !p->w || !p->fparser)
        return -1;
    for (size_t i = 0; i < p->nslots; i++) {
        for (unsigned k = 0; k < JOB_CHUNKS; k++) {
            fst__chunk *c = &p->slots[i].ch[k];
            c->evcap = CHUNK_EVENTS + 1; /* + room for a FATAL event */
            if (!(c->ev = fst__malloc(c->evcap * sizeof(fst__pev))))
                return -1;
        }
    }
    p->nw = workers;
    for (int i = 0; i < workers; i++) {
        p->w[i].pipe = p;
        if (!(p->w[i].parser = new_parser(fields)) || !(p->w[i].jparser = new_parser(fields)))
            return -1;
        p->w[i].index = i;
        if (!(p->w[i].local = fst__intern_new()))
            return -1;
        p->w[i].parser->nointern = p->w[i].jparser->nointern = 1;
        if (!(p->rows.only && p->rows.noids)) /* else no id is looked up */
            p->w[i].parser->local = p->w[i].jparser->local = p->w[i].local;
        if (p->rows.row && !(p->w[i].rstate = p->rows.state_new()))
            return -1;
    }
    return 0;
}

fst__pipe *fst__pipe_start(fst__input *in, const fst__pipe_cfg *cfg)
{
    const int workers = cfg->workers;
    const char *fields = cfg->fields;
    fst__pipe *p = fst__calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->in = in;
    p->max_line = cfg->max_line;
    p->bufsize = cfg->bufsize;
    p->sniff = cfg->sniff;
    if (cfg->rows)
        p->rows = *cfg->rows;
    pthread_mutex_init(&p->mu, NULL);
    pthread_mutex_init(&p->inmu, NULL);
    pthread_cond_init(&p->c_free, NULL);
    pthread_cond_init(&p->c_work, NULL);
    pthread_cond_init(&p->c_read, NULL);
    pthread_cond_init(&p->c_in, NULL);
    if (init_parts(p, fields, workers) < 0)
        goto fail;
    for (int i = 0; i < workers; i++) {
        if (pthread_create(&p->w[i].th, NULL, worker_main, &p->w[i]) != 0)
            goto fail;
        p->w[i].started = 1;
    }
    fst__input_handoff(in, cfg->files_apart);
    if (pthread_create(&p->framer, NULL, framer_main, p) != 0)
        goto fail;
    p->framer_started = 1;
    return p;
fail:
    fst__pipe_stop(p);
    return NULL;
}

void fst__pipe_stop(fst__pipe *p)
{
    if (!p)
        return;
    /* stop is read under either mutex: written under both (the only place
     * that holds both, so no order to keep elsewhere) */
    pthread_mutex_lock(&p->mu);
    pthread_mutex_lock(&p->inmu);
    p->stop = 1;
    pthread_cond_broadcast(&p->c_free);
    pthread_cond_broadcast(&p->c_work);
    pthread_cond_broadcast(&p->c_in);
    pthread_mutex_unlock(&p->inmu);
    pthread_mutex_unlock(&p->mu);
    if (p->framer_started)
        pthread_join(p->framer, NULL);
    for (int i = 0; i < p->nw; i++) {
        if (p->w[i].started)
            pthread_join(p->w[i].th, NULL);
        fst__parser_free(p->w[i].parser);
        fst__parser_free(p->w[i].jparser);
        fst__intern_free(p->w[i].local);
        fst__free(p->w[i].scratch);
        fst__input_free(p->w[i].in);
        if (p->w[i].rstate)
            p->rows.state_free(p->w[i].rstate);
    }
    for (size_t i = 0; p->slots && i < p->nslots; i++) {
        fst__item_free(p->slots[i].item);
        for (unsigned k = 0; k < JOB_CHUNKS; k++) {
            fst__chunk *c = &p->slots[i].ch[k];
            fst__free(c->text);
            fst__free(c->ev);
            fst__free(c->recs);
            fst__free(c->aux);
            fst__free(c->rows);
        }
    }
    fst__free(p->slots);
    fst__free(p->parse_q);
    fst__free(p->job_q);
    fst__input_handoff(p->in, 0);
    fst__free(p->w);
    fst__parser_free(p->fparser);
    fst__free(p->hdr);
    fst__free(p->tmp);
    pthread_mutex_destroy(&p->mu);
    pthread_mutex_destroy(&p->inmu);
    pthread_cond_destroy(&p->c_free);
    pthread_cond_destroy(&p->c_work);
    pthread_cond_destroy(&p->c_read);
    pthread_cond_destroy(&p->c_in);
    fst__free(p);
}
