/* parse/reader.c - the public fst_reader: input events -> parsed records,
 * with the accounting that proves no line was lost.
 *
 * Every framed line lands in exactly one bucket of its file's
 * fst_input_stats (records, nodata, skipdata, headers, ignored, or skipped
 * under one reason), and the same bucket of the total.  Problems are
 * printed to cfg.diag as "file:line: reason (detail)" up to max_reports;
 * the rest are counted and summarised once at the end.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flowstitch/reader.h"
#include "decode/input.h"
#include "parse/pack.h"
#include "parse/parser.h"
#include "parse/pipeline.h"
#include "parse/rows.h"
#include "util/util.h"

struct fst_reader {
    fst_reader_config cfg;
    char *fields;       /* owned copy of cfg.fields */
    int setup_err;      /* bad cfg.fields: returned by fst_reader_next */
    fst__input *in;
    fst__parser *parser;
    fst_record rec;
    fst_input_stats *files; /* one per input met, names owned */
    size_t nfiles, capfiles;
    fst_input_stats total;
    fst_input_stats *cur; /* stats of the file being read, or NULL */
    uint64_t problems;    /* problems met (printed or not) */
    int stopped;          /* strict mode stopped the reader */
    int ended;
    /* cfg.threads >= 2 (parse/pipeline.h): started at the first next */
    fst__pipe *pipe;
    fst__chunk *chunk;    /* the chunk being replayed, and its next event */
    size_t ci;
    int started;          /* fst_reader_next was called */
    int has_stdin;        /* "-" queued: no pipeline */
    int pipe_err;         /* the pipeline stopped on this error: returned again */
    fst__row_maker rows;  /* parse/rows.h; rows.row NULL: none */
    const char *row;      /* the row of the record returned last, or NULL */
    size_t row_len;
    uint64_t row_bad;
    /* fst_reader_progress: copies made at each file's end, for a thread
     * watching while another reads (relaxed atomics: numbers to show) */
    _Atomic uint64_t prog_files, prog_records, prog_bytes;
};

void fst_reader_config_init(fst_reader_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->max_line = 65536;
    cfg->max_reports = 10;
    cfg->diag = stderr;
}

static int sniff_cb(const char *line, size_t len, void *ud)
{
    (void)ud;
    return fst__parser_sniff(line, len);
}

fst_reader *fst_reader_new(const fst_reader_config *cfg)
{
    fst_reader *r = fst__calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (cfg)
        r->cfg = *cfg;
    else
        fst_reader_config_init(&r->cfg);
    if (r->cfg.max_line == 0)
        r->cfg.max_line = 65536;
    r->total.name = "(total)";
    r->parser = fst__parser_new();
    r->in = fst__input_new_sized(r->cfg.max_line, r->cfg.buffer_size, sniff_cb, r);
    if (!r->parser || !r->in)
        goto fail;
    fst__input_time_order(r->in, r->cfg.time_order);
    if (r->cfg.fields) {
        r->fields = fst__strndup(r->cfg.fields, strlen(r->cfg.fields));
        if (!r->fields)
            goto fail;
        r->cfg.fields = r->fields;
        r->setup_err = fst__parser_set_fields(r->parser, r->fields);
        if (r->setup_err == FST_ENOMEM)
            goto fail;
    }
    return r;
fail:
    fst_reader_free(r);
    return NULL;
}

void fst_reader_free(fst_reader *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nfiles; i++)
        fst__free((char *)r->files[i].name);
    fst__pipe_stop(r->pipe); /* before the input it reads */
    fst__free(r->files);
    fst__free(r->fields);
    fst__input_free(r->in);
    fst__parser_free(r->parser);
    fst__free(r);
}

static fst_input_stats *new_entry(fst_reader *r, const char *path);

int fst_reader_add_path(fst_reader *r, const char *path)
{
    if (path[0] == '-' && path[1] == '\0')
        r->has_stdin = 1;
    if (r->pipe)
        fst__pipe_lock_input(r->pipe);
    const int rc = fst__input_add_path(r->in, path);
    if (r->pipe)
        fst__pipe_unlock_input(r->pipe, rc >= 0);
    if (rc < 0 && rc != FST_ENOMEM && rc != FST_EINVAL) {
        /* A path that cannot be read is a failed input like a file that
         * fails later: it has its stats entry and counts in files_failed. */
        fst_input_stats *s = new_entry(r, path);
        if (!s)
            return FST_ENOMEM;
        s->error = rc;
        s->files_failed = 1;
        r->total.files_failed++;
        if (r->cfg.strict)
            r->stopped = 1; /* the first problem: fst_reader_next says FST_ESTRICT */
    }
    return rc;
}

int fst_reader_add_mem(fst_reader *r, const char *name, const void *data, size_t len)
{
    if (!r->pipe)
        return fst__input_add_mem(r->in, name, data, len);
    fst__pipe_lock_input(r->pipe);
    const int rc = fst__input_add_mem(r->in, name, data, len);
    fst__pipe_unlock_input(r->pipe, rc >= 0);
    return rc;
}

const fst_input_stats *fst_reader_file_stats(const fst_reader *r, size_t *n)
{
    if (n)
        *n = r->nfiles;
    return r->files;
}

const fst_input_stats *fst_reader_total(const fst_reader *r)
{
    return &r->total;
}

uint64_t fst_reader_problems(const fst_reader *r)
{
    return r->problems;
}

/* ---- accounting ------------------------------------------------------ */

/* A new per-input stats entry (name copied).  NULL on out of memory. */
static fst_input_stats *new_entry(fst_reader *r, const char *path)
{
    if (r->nfiles == r->capfiles) {
        size_t cap = r->capfiles ? r->capfiles * 2 : 16;
        fst_input_stats *nf = fst__realloc(r->files, cap * sizeof *nf);
        if (!nf)
            return NULL;
        r->files = nf;
        r->capfiles = cap;
    }
    const char *p = path ? path : "(unnamed)";
    char *name = fst__strndup(p, strlen(p));
    if (!name)
        return NULL;
    fst_input_stats *s = &r->files[r->nfiles++];
    memset(s, 0, sizeof *s);
    s->name = name;
    return s;
}

/* Add one to a counter of the current file and of the total. */
#define BUMP(r, field)                                                       \
    do {                                                                     \
        (r)->cur->field++;                                                   \
        (r)->total.field++;                                                  \
    } while (0)

static void count_record(fst_reader *r, int status)
{
    switch (status) {
    case FST_STATUS_NODATA:
        BUMP(r, nodata);
        break;
    case FST_STATUS_SKIPDATA:
        BUMP(r, skipdata);
        break;
    default:
        BUMP(r, records);
        break;
    }
}

/* A bad line: count it under its reason, print it while reports remain.
 * Returns FST_ESTRICT in strict mode, else 0. */
static int problem(fst_reader *r, uint64_t lineno, int err, const char *why)
{
    int slot = -err;
    if (slot <= 0 || slot >= FST_REASON_SLOTS)
        slot = -FST_EINVAL;
    BUMP(r, skipped);
    r->cur->by_reason[slot]++;
    r->total.by_reason[slot]++;
    r->problems++;
    if (r->cfg.diag && r->problems <= r->cfg.max_reports) {
        if (err == FST_EUNKNOWN_FIELD) /* "unknown field 'x' (did you mean 'y'?)" */
            fprintf(r->cfg.diag, "%s:%llu: %s %s\n", r->cur->name,
                    (unsigned long long)lineno, fst_strerror(err), why ? why : "");
        else if (why && *why)
            fprintf(r->cfg.diag, "%s:%llu: %s (%s)\n", r->cur->name,
                    (unsigned long long)lineno, fst_strerror(err), why);
        else
            fprintf(r->cfg.diag, "%s:%llu: %s\n", r->cur->name, (unsigned long long)lineno,
                    fst_strerror(err));
    }
    if (r->cfg.strict) {
        r->stopped = 1;
        return FST_ESTRICT;
    }
    return 0;
}

static void file_note(fst_reader *r, const char *name, int err, const char *why)
{
    if (!r->cfg.diag)
        return;
    if (err == 0) /* why says what it is: "not a flow log (.md)", "parquet", "json" ... */
        fprintf(r->cfg.diag, "%s: note: skipped: %s\n", name, why && *why ? why : "not a flow log");
    else if (why && *why)
        fprintf(r->cfg.diag, "%s: %s (%s)\n", name, fst_strerror(err), why);
    else
        fprintf(r->cfg.diag, "%s: %s\n", name, fst_strerror(err));
}

static void summary(fst_reader *r)
{
    if (r->cfg.diag && r->problems > r->cfg.max_reports)
        fprintf(r->cfg.diag, "... %llu more problems not shown\n",
                (unsigned long long)(r->problems - r->cfg.max_reports));
}

/* ---- events ---------------------------------------------------------- */

static int on_file_begin(fst_reader *r, const fst__event *ev)
{
    fst_input_stats *s = new_entry(r, ev->path);
    if (!s)
        return FST_ENOMEM;
    s->files = 1;
    s->gzip = ev->gzip;
    r->total.files++;
    r->cur = s;
    fst__parser_file_begin(r->parser, s->name);
    return 0;
}

static void publish_progress(fst_reader *r)
{
    const fst_input_stats *t = &r->total;
    atomic_store_explicit(&r->prog_files, t->files, memory_order_relaxed);
    atomic_store_explicit(&r->prog_records, t->records + t->nodata + t->skipdata,
                          memory_order_relaxed);
    atomic_store_explicit(&r->prog_bytes, t->bytes_read, memory_order_relaxed);
}

void fst_reader_progress(const fst_reader *r, fst_reader_progress_info *p)
{
    fst_reader *m = (fst_reader *)r; /* atomic loads take a non-const pointer in C11 */
    p->files_done = atomic_load_explicit(&m->prog_files, memory_order_relaxed);
    p->records = atomic_load_explicit(&m->prog_records, memory_order_relaxed);
    p->bytes_done = atomic_load_explicit(&m->prog_bytes, memory_order_relaxed);
}

static int on_file_end(fst_reader *r, const fst__event *ev)
{
    if (!r->cur)
        return 0;
    r->cur->bytes_read = ev->bytes_read;
    r->total.bytes_read += ev->bytes_read;
    publish_progress(r);
    if (ev->err < 0) {
        r->cur->error = ev->err;
        r->cur->files_failed = 1;
        r->total.files_failed++;
        file_note(r, r->cur->name, ev->err, ev->why);
    }
    r->cur = NULL;
    if (ev->err < 0 && r->cfg.strict) {
        r->stopped = 1;
        return FST_ESTRICT;
    }
    return 0;
}

static int on_file_skipped(fst_reader *r, const fst__event *ev)
{
    fst_input_stats *s = new_entry(r, ev->path);
    if (!s)
        return FST_ENOMEM;
    if (ev->err < 0) {
        s->error = ev->err;
        s->files_failed = 1;
        r->total.files_failed++;
    } else {
        s->files_not_flowlog = 1;
        r->total.files_not_flowlog++;
    }
    file_note(r, s->name, ev->err, ev->why);
    if (ev->err < 0 && r->cfg.strict) {
        r->stopped = 1;
        return FST_ESTRICT;
    }
    return 0;
}

/* A parsed line's outcome rc (FST__LINE_* or a code), counted the same
 * whichever thread parsed it: 1 when *rec is set (to r->rec), 0 to go on,
 * or a negative code. */
static int line_outcome(fst_reader *r, int rc, uint64_t lineno, const char *why,
                        const fst_record **rec)
{
    switch (rc) {
    case FST__LINE_RECORD:
        count_record(r, r->rec.status);
        *rec = &r->rec;
        return 1;
    case FST__LINE_HEADER:
        BUMP(r, headers);
        return 0;
    case FST__LINE_IGNORED:
        BUMP(r, ignored);
        return 0;
    default:
        if (rc == FST_ENOMEM)
            return rc;
        return problem(r, lineno, rc, why);
    }
}

/* One line: 1 when *rec is set, 0 to go on, or a negative code. */
static int on_line(fst_reader *r, const fst__event *ev, const fst_record **rec)
{
    BUMP(r, lines);
    const char *why = NULL;
    int rc = fst__parser_line(r->parser, ev->text, ev->len, ev->lineno, &r->rec, &why);
    return line_outcome(r, rc, ev->lineno, why, rec);
}

/* One event other than END and LINE (the same for both paths). */
static int on_event(fst_reader *r, const fst__event *ev)
{
    switch (ev->kind) {
    case FST__EV_FILE_BEGIN:
        return on_file_begin(r, ev);
    case FST__EV_BADLINE:
        if (!r->cur)
            return 0;
        BUMP(r, lines);
        return problem(r, ev->lineno, ev->err < 0 ? ev->err : FST_EINVAL, ev->why);
    case FST__EV_FILE_END:
        return on_file_end(r, ev);
    case FST__EV_FILE_SKIPPED:
        return on_file_skipped(r, ev);
    default:
        return 0;
    }
}

static int at_end(fst_reader *r)
{
    r->ended = 1;
    summary(r);
    return 0;
}

/* Parse threads to start: 0 or 1 for none. */
static int pipe_workers(const fst_reader *r)
{
    long n = r->cfg.threads;
    if (r->cfg.threads == FST_READER_THREADS_AUTO)
        n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 64 ? 64 : (int)n;
}

static void maybe_start_pipe(fst_reader *r)
{
    const int n = pipe_workers(r);
    if (n >= 2 && !r->has_stdin) {
        const fst__pipe_cfg pc = {.workers = n, .fields = r->fields, .files_apart = 1,
                                  .max_line = r->cfg.max_line, .bufsize = r->cfg.buffer_size,
                                  .sniff = sniff_cb, .rows = r->rows.row ? &r->rows : NULL};
        r->pipe = fst__pipe_start(r->in, &pc); /* NULL: one thread */
    }
}

/* A line the worker parsed: as on_line, from its packed result. */
static int on_piped_line(fst_reader *r, fst__event *ev, const fst__pev *e,
                         const fst_record **rec)
{
    /* header lines keep this thread's parser on the same layout; a record
     * not packed (rows only, parse/rows.h) is parsed again */
    if (e->hdr || (e->prc == FST__LINE_RECORD && e->rec == FST__NO_TEXT))
        return on_line(r, ev, rec);
    BUMP(r, lines);
    const fst__chunk *c = r->chunk;
    if (e->prc == FST__LINE_RECORD) {
        if (fst__unpack_record(r->parser, c->recs + e->rec, c->text, e->lineno, c->worker,
                               &r->rec) < 0)
            return FST_ENOMEM;
        if (e->row != FST__NO_TEXT) {
            r->row = c->rows + e->row;
            r->row_len = e->rowlen;
            r->row_bad = e->rowbad;
        }
    }
    return line_outcome(r, e->prc, e->lineno, e->pwhy == FST__NO_TEXT ? NULL : c->aux + e->pwhy,
                        rec);
}

/* The next event of the pipeline's chunks, as fst__input_next gives it. */
static const fst__pev *piped_event(fst_reader *r, fst__event *ev)
{
    if (!r->chunk || r->ci == r->chunk->nev) {
        r->chunk = fst__pipe_next(r->pipe);
        r->ci = 0;
    }
    fst__chunk *c = r->chunk;
    const fst__pev *e = &c->ev[r->ci++];
    memset(ev, 0, sizeof *ev);
    ev->kind = e->kind == FST__PEV_FATAL ? FST__EV_END : (fst__ev_kind)e->kind;
    if (e->off != FST__NO_TEXT)
        ev->path = ev->text = c->text + e->off;
    ev->len = e->len;
    ev->lineno = e->lineno;
    ev->err = e->err;
    ev->gzip = e->gzip;
    ev->gzip_layers = e->layers;
    ev->bytes_read = e->bytes_read;
    ev->why = e->why == FST__NO_TEXT ? NULL : c->text + e->why;
    return e;
}

/* One event of the pipeline: 1 with *rec, 0 to go on (r->ended: the end),
 * or a negative code. */
static int piped_step(fst_reader *r, const fst_record **rec)
{
    fst__event ev;
    const fst__pev *e = piped_event(r, &ev);
    if (e->kind == FST__PEV_FATAL) /* its threads stopped: so does the reader */
        return r->pipe_err = e->err;
    if (ev.kind == FST__EV_END)
        return fst__pipe_end_final(r->pipe, r->chunk) ? at_end(r) : 0;
    if (ev.kind == FST__EV_LINE)
        return r->cur ? on_piped_line(r, &ev, e, rec) : 0;
    return on_event(r, &ev);
}

static int next_piped(fst_reader *r, const fst_record **rec)
{
    for (;;) {
        const int rc = piped_step(r, rec);
        if (rc != 0 || r->ended)
            return rc;
    }
}

int fst__reader_set_rows(fst_reader *r, const fst__row_maker *m)
{
    if (r->started || (r->rows.row && r->rows.row != m->row))
        return FST_EINVAL;
    r->rows = *m;
    return 0;
}

int fst__reader_rows_by(const fst_reader *r, fst__row_fn *row)
{
    return r->rows.row && r->rows.row == row;
}

int fst__reader_row(const fst_reader *r, const fst_record *rec, const char **text, size_t *len,
                    uint64_t *bad)
{
    if (!r->row || rec != &r->rec)
        return 0;
    *text = r->row;
    *len = r->row_len;
    *bad = r->row_bad;
    return 1;
}

/* Before reading: 1 to read on, else what fst_reader_next returns. */
static int reader_ready(fst_reader *r)
{
    r->row = NULL;
    if (r->setup_err < 0) {
        /* A bad cfg.fields: said once, returned on every call. */
        if (r->cfg.diag && !r->ended)
            fprintf(r->cfg.diag, "fields: %s (\"%.60s\")\n", fst_strerror(r->setup_err),
                    r->fields);
        r->ended = 1;
        return r->setup_err;
    }
    if (r->stopped)
        return FST_ESTRICT;
    if (r->ended)
        return 0;
    if (!r->started) {
        r->started = 1;
        maybe_start_pipe(r);
    }
    if (r->pipe_err)
        return r->pipe_err;
    return 1;
}

int fst__reader_next_rows(fst_reader *r, fst__row_run *run, const fst_record **rec)
{
    memset(run, 0, sizeof *run);
    const int go = reader_ready(r);
    if (go != 1)
        return go;
    if (!r->pipe || !r->rows.row)
        return fst_reader_next(r, rec);
    for (;;) {
        const fst__chunk *c = r->chunk;
        if (c && r->ci < c->nev) {
            const fst__pev *e = &c->ev[r->ci];
            if (e->kind == FST__EV_LINE && r->cur && !e->hdr && e->prc == FST__LINE_RECORD &&
                e->row != FST__NO_TEXT) {
                /* as on_piped_line and line_outcome, without rebuilding the record */
                const char *t = c->rows + e->row;
                if (!run->rows) {
                    run->text = t;
                    run->worker = c->worker;
                    run->file = fst__parser_file(r->parser);
                } else if (t != run->text + run->len || c->worker != run->worker) {
                    return 2;
                }
                run->len += e->rowlen;
                run->bad += e->rowbad;
                run->rows++;
                r->ci++;
                BUMP(r, lines);
                count_record(r, e->status);
                continue;
            }
        }
        if (run->rows) /* before anything else, and before the chunk is given back */
            return 2;
        const int rc = piped_step(r, rec);
        if (rc != 0 || r->ended)
            return rc;
    }
}

int fst__reader_row_id(fst_reader *r, const fst__row_run *run, int id, uint64_t lid, const char *s,
                       uint32_t n, const char **out, uint32_t *num)
{
    return fst__parser_id(r->parser, id, run->worker, lid, s, n, out, num);
}

int fst_reader_next(fst_reader *r, const fst_record **rec)
{
    const int go = reader_ready(r);
    if (go != 1)
        return go;
    if (r->pipe)
        return next_piped(r, rec);
    for (;;) {
        fst__event ev;
        int rc;
        const fst__ev_kind k = fst__input_next(r->in, &ev);
        if (k == FST__EV_END)
            return at_end(r);
        if (k == FST__EV_LINE)
            rc = r->cur ? on_line(r, &ev, rec) : 0; /* lines come inside a file */
        else
            rc = on_event(r, &ev);
        if (rc != 0)
            return rc;
    }
}
