/* decode/input.c - bytes to numbered lines: the sequencing of the inputs.
 *
 * Owns: the lifecycle of an fst__input, taking the next input from the
 * queue (read/queue.h, with its walk and time order), opening it
 * (read/source.h), starting its decoding (decode/gunzip.h), sniffing a
 * walked file (read/sniff.h, on decoded bytes), the choice of reading it as
 * a JSON envelope (detect_envelope; its messages become the lines,
 * json_next) or as text lines (decode/frame.h), and the events that say so.
 *
 * Problems are events, never return codes of fst__input_next:
 *   open() fails           -> FILE_SKIPPED, err FST_ENOENT (vanished) or FST_EIO
 *   read() fails           -> (partial line: BADLINE FST_ETRUNCATED) FILE_END FST_EIO
 *   corrupt gzip           -> lines so far, (partial: BADLINE FST_ETRUNCATED) FILE_END FST_EGZIP
 *   gzip ends early        -> lines so far, (partial: BADLINE FST_ETRUNCATED) FILE_END FST_ETRUNCATED
 *                             (in gzip inside gzip, why names the layer: "... in the inner
 *                             gzip (layer 2 of 2)")
 *   gzip nested too deep   -> FILE_END FST_EGZIP, no lines
 *   unreadable directory   -> FILE_SKIPPED, err FST_EIO
 *   envelope not JSON      -> lines so far, FILE_END FST_EJSON ("at byte N: ...")
 *
 * The environment: FST_INFLATE=zlib and FST_ENVELOPE_SLOW=1 are read here,
 * once, by fst__input_new, and nowhere else in the library.  They stay
 * environment variables on purpose: they are diagnostic switches (A/B of the
 * inflate backends, the jansson-only reference path of the envelopes) that
 * must reach the engine under any front end (the CLI, the tests, a user's
 * program) without a public config field for a debugging knob; the tests
 * (test_cwljson) and the benchmarks set them in the environment.  Output
 * does not depend on them (same lines either way).
 */
#include "decode/input.h"

#include <stdlib.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "decode/frame.h"
#include "decode/gunzip.h"
#include "decode/input_state.h"
#include "read/sniff.h"
#include "read/source.h"
#include "util/util.h"

#define DEFAULT_MAX_LINE 65536u
#define DEFAULT_RAW ((size_t)256 * 1024)
#define DEFAULT_FILL ((size_t)256 * 1024)

/* ------------------------------------------------------------ lifecycle */

static int alloc_buffers(fst__input *in, size_t raw, size_t fill)
{
    const size_t dcap = fill + (size_t)in->max_line + 2;
    unsigned char *rbuf = fst__malloc(FST__HIST + raw + FST__HIST);
    char *dbuf = fst__malloc(dcap);
    if (!rbuf || !dbuf) {
        fst__free(rbuf);
        fst__free(dbuf);
        return FST_ENOMEM;
    }
    fst__free(in->rbuf);
    fst__free(in->dbuf);
    in->rbuf = in->lay[0].buf = rbuf;
    in->raw = raw;
    in->dbuf = dbuf;
    in->fill = fill;
    in->dcap = dcap;
    return 0;
}

/* Whether the environment variable name is set to want (see the top). */
static int env_is(const char *name, const char *want)
{
    const char *v = getenv(name);
    return v && strcmp(v, want) == 0;
}

fst__input *fst__input_new(uint32_t max_line, fst__sniff_fn sniff, void *ud)
{
    return fst__input_new_sized(max_line, 0, sniff, ud);
}

fst__input *fst__input_new_sized(uint32_t max_line, size_t bufsize, fst__sniff_fn sniff,
                                 void *ud)
{
    fst__input *in = fst__calloc(1, sizeof *in);
    if (!in)
        return NULL;
    in->max_line = max_line ? max_line : DEFAULT_MAX_LINE;
    in->sniff = sniff;
    in->ud = ud;
    in->fd = -1;
    in->force_zlib = env_is("FST_INFLATE", "zlib");
    in->env_slow = env_is("FST_ENVELOPE_SLOW", "1");
    if (alloc_buffers(in, bufsize ? bufsize : DEFAULT_RAW, bufsize ? bufsize : DEFAULT_FILL) < 0) {
        fst__free(in);
        return NULL;
    }
    return in;
}

void fst__input_force_zlib(fst__input *in, int on)
{
    if (!in->zops)
        in->force_zlib = on != 0;
}

const char *fst__input_inflater(const fst__input *in)
{
    return in->zops ? in->zops->name : fst__inflate_pick(in->force_zlib)->name;
}

void fst__input_time_order(fst__input *in, int on)
{
    in->time_order = on != 0;
    in->q.ordered = 0;
}

int fst__input_set_bufsize(fst__input *in, size_t raw, size_t fill)
{
    if (in->in_file || in->cur || in->shown || in->done)
        return FST_EINVAL;
    return alloc_buffers(in, raw ? raw : DEFAULT_RAW, fill ? fill : DEFAULT_FILL);
}

void fst__input_free(fst__input *in)
{
    if (!in)
        return;
    fst__input_close_fd(in);
    fst__queue_clear(&in->q);
    if (in->cur != in->shown)
        fst__item_free(in->cur);
    fst__item_free(in->shown);
    fst__item_free(in->handed);
    fst__gunzip_free(in);
    fst__envelope_free(in->env);
    fst__free(in->rbuf);
    fst__free(in->dbuf);
    fst__free(in);
}

int fst__input_add_path(fst__input *in, const char *path)
{
    return in ? fst__queue_add_path(&in->q, path) : FST_EINVAL;
}

int fst__input_add_mem(fst__input *in, const char *name, const void *data, size_t len)
{
    return in ? fst__queue_add_mem(&in->q, name, data, len) : FST_EINVAL;
}

/* ------------------------------------------------------------ envelopes */

/* The next LINE, BADLINE or FILE_END of an envelope file: items of the
 * documents fed so far, else more decoded bytes for decode/envelope.c.  A
 * file-level envelope error ends the file (FILE_END with it). */
static fst__ev_kind json_next(fst__input *in, fst__event *ev)
{
    for (;;) {
        fst__env_item it;
        const int rc = fst__envelope_next(in->env, &it);
        if (rc > 0) {
            if (it.kind == FST__ENV_ITEM_LINE)
                return fst__frame_line(in, ev, it.text, it.len);
            if (it.kind == FST__ENV_ITEM_CONTROL) { /* no record: an empty line, "ignored" */
                fst__frame_line(in, ev, in->empty, 0);
                ev->why = it.why;
                return ev->kind;
            }
            in->lineno++;
            return fst__frame_bad(in, ev, it.err, it.why);
        }
        if (rc < 0) {
            if (!in->src_err) /* a gzip error that came first is the one reported */
                fst__input_finish(in, rc, fst__envelope_why(in->env));
            in->src_done = 1;
            in->dpos = in->dlen = in->scan = 0;
            return fst__frame_end(in, ev);
        }
        if (in->dpos < in->dlen) {
            in->dpos += fst__envelope_feed(in->env, in->dbuf + in->dpos, in->dlen - in->dpos);
            continue;
        }
        if (in->src_done) {
            const int end = in->src_err ? 0 : fst__envelope_finish(in->env);
            if (end < 0)
                fst__input_finish(in, end, fst__envelope_why(in->env));
            return fst__frame_end(in, ev);
        }
        in->dpos = in->dlen = in->scan = 0;
        fst__gunzip_fill(in);
    }
}

/* Decoded bytes looked at to sniff: FST__SNIFF_MAX, or less with a small
 * buffer. */
static size_t sniff_limit(const fst__input *in)
{
    return FST__SNIFF_MAX < in->dcap - 1 ? FST__SNIFF_MAX : in->dcap - 1;
}

/* Whether the opened file is a JSON envelope (decode/envelope.h): its first
 * non-blank decoded byte is '{' and the top-level keys of that object,
 * within the first FST__SNIFF_MAX decoded bytes, name one.  Peeks only (the
 * bytes stay in dbuf for the reading).  Sets and returns in->json; an
 * envelope reader that cannot be created finishes the file (ENOMEM). */
static fst__env_kind detect_envelope(fst__input *in)
{
    const size_t limit = sniff_limit(in);
    size_t k = 0;
    fst__env_kind kind;
    for (;;) {
        k += fst__sniff_skip_space(in->dbuf + k, in->dlen - k);
        const int final = in->src_done || in->dlen >= limit;
        if (k < in->dlen && in->dbuf[k] != '{')
            return in->json = FST__ENV_NONE;
        kind = fst__envelope_sniff(in->dbuf + k, in->dlen - k, final);
        if (kind != FST__ENV_MORE)
            break;
        fst__gunzip_fill(in);
    }
    if (kind == FST__ENV_NONE)
        return in->json = FST__ENV_NONE;
    if (!in->env)
        in->env = fst__envelope_new(in->max_line, fst__inflate_pick(in->force_zlib), in->env_slow);
    if (!in->env) {
        fst__input_finish(in, FST_ENOMEM, "out of memory");
        return in->json = FST__ENV_NONE;
    }
    fst__envelope_reset(in->env);
    return in->json = kind;
}

/* -------------------------------------------------------------- sniffing */

/* Ask the caller's "looks like a flow log" test about line s[0..len). */
static int ask_sniff(const fst__input *in, char *s, size_t len)
{
    const char save = s[len]; /* s[len] <= dbuf[dlen] < dbuf[dcap] */
    s[len] = '\0';
    const int ok = in->sniff(s, len, in->ud);
    s[len] = save;
    return ok;
}

/* Decide whether a walked, opened file is read (read/sniff.h); NULL = read
 * it, else why. */
static const char *sniff_content(fst__input *in)
{
    const size_t limit = sniff_limit(in);
    const fst__gz_layer *raw = &in->lay[0];
    if (fst__sniff_parquet(raw->rp, (size_t)(raw->rend - raw->rp)))
        return "Parquet, not read yet";
    char *s = NULL;
    size_t len = 0;
    int found = 0;
    for (;;) {
        const int final = in->src_done || in->dlen >= limit;
        found = fst__sniff_line(in->dbuf, in->dlen, final, &s, &len);
        if (found || final)
            break;
        fst__gunzip_fill(in);
    }
    switch (fst__sniff_text(in->dbuf, in->dlen)) {
    case FST__SNIFF_PARQUET:
        return "Parquet, not read yet";
    case FST__SNIFF_BINARY:
        return "binary";
    case FST__SNIFF_OBJECT:
        return detect_envelope(in) ? NULL : "json";
    case FST__SNIFF_ARRAY:
        return "json";
    case FST__SNIFF_TEXT:
        break;
    }
    if (!found || !in->sniff || ask_sniff(in, s, len))
        return NULL;
    /* The first line is no flow-log line: the file is still read when one
     * of the next few is (the junk line is then a reported bad line). */
    size_t at = (size_t)(s - in->dbuf) + len;
    for (int k = 1; k < FST__SNIFF_LINES; k++) {
        for (;;) {
            const int final = in->src_done || in->dlen >= limit;
            found = fst__sniff_next_line(in->dbuf, in->dlen, final, &at, &s, &len);
            if (found || final)
                break;
            fst__gunzip_fill(in);
        }
        if (!found)
            break;
        if (ask_sniff(in, s, len))
            return NULL;
    }
    return "not a flow log";
}

/* ------------------------------------------------------------- sequencing */

static void source_reset(fst__input *in)
{
    in->src_done = in->src_err = 0;
    in->src_why = NULL;
    in->bytes_read = in->lineno = 0;
    in->dpos = in->dlen = in->scan = 0;
    in->discarding = 0;
    in->json = FST__ENV_NONE;
    fst__gunzip_reset(in);
}

/* The current input becomes the one whose path events show. */
static void show(fst__input *in)
{
    if (in->shown != in->cur)
        fst__item_free(in->shown);
    in->shown = in->cur;
}

static fst__ev_kind skipped(fst__input *in, fst__event *ev, int err, const char *why)
{
    fst__input_close_fd(in);
    show(in);
    ev->kind = FST__EV_FILE_SKIPPED;
    ev->path = in->cur->path;
    ev->err = err;
    ev->why = why;
    return ev->kind;
}

static fst__ev_kind begin(fst__input *in, fst__event *ev)
{
    in->in_file = 1;
    show(in);
    ev->kind = FST__EV_FILE_BEGIN;
    ev->path = in->cur->path;
    ev->gzip = in->gzip;
    ev->gzip_layers = in->layers;
    return ev->kind;
}

/* Hand the current input over (hand-off mode, more queued behind it). */
static fst__ev_kind hand_off(fst__input *in, fst__event *ev)
{
    in->handed = in->cur;
    in->cur = NULL;
    ev->kind = FST__EV_HANDOFF;
    return ev->kind;
}

/* A path item: directory (expanded, returns END), skipped, or begun. */
static fst__ev_kind start_path(fst__input *in, fst__event *ev)
{
    fst__item *it = in->cur;
    int err = 0;
    const char *why = NULL;
    if (it->fd >= 0) { /* opened by the fst__input that handed it over */
        in->fd = it->fd;
        it->fd = -1;
    } else {
        switch (fst__path_open(it, &in->fd, &err, &why)) {
        case FST__PATH_SKIP:
            return skipped(in, ev, err, why);
        case FST__PATH_DIR: {
            const int rc = fst__queue_expand_dir(&in->q, it->path);
            return rc ? skipped(in, ev, rc, "cannot read directory") : FST__EV_END;
        }
        case FST__PATH_FILE:
            if (in->handoff && in->q.head) {
                it->fd = in->fd;
                in->fd = -1;
                return hand_off(in, ev);
            }
            break;
        }
    }
    in->own_fd = 1;
    fst__gunzip_start(in);
    if (it->walked && (why = sniff_content(in)))
        return skipped(in, ev, 0, why);
    if (!it->walked)
        detect_envelope(in);
    return begin(in, ev);
}

/* Open the next queued input: its FILE_BEGIN or FILE_SKIPPED, or END when
 * the queue is empty. */
static fst__ev_kind next_input(fst__input *in, fst__event *ev)
{
    if (in->time_order && !in->q.ordered)
        fst__queue_time_order(&in->q);
    for (;;) {
        if (in->cur != in->shown)
            fst__item_free(in->cur); /* an expanded directory */
        in->cur = fst__queue_pop(&in->q);
        if (!in->cur)
            return FST__EV_END;
        source_reset(in);
        switch (in->cur->kind) {
        case FST__ITEM_STDIN:
            in->fd = 0;
            in->own_fd = 0;
            /* fall through */
        case FST__ITEM_MEM:
            if (in->cur->kind == FST__ITEM_MEM && in->handoff && in->q.head)
                return hand_off(in, ev);
            fst__gunzip_start(in);
            detect_envelope(in);
            return begin(in, ev);
        case FST__ITEM_PATH: {
            const fst__ev_kind k = start_path(in, ev);
            if (k != FST__EV_END)
                return k;
            break;
        }
        }
    }
}

fst__ev_kind fst__input_next(fst__input *in, fst__event *ev)
{
    memset(ev, 0, sizeof *ev);
    if (in->in_file) {
        ev->path = in->cur->path;
        return in->json ? json_next(in, ev) : fst__frame_next(in, ev);
    }
    if (!in->done && next_input(in, ev) != FST__EV_END)
        return ev->kind;
    in->done = 1;
    ev->kind = FST__EV_END;
    return ev->kind;
}

void fst__input_resume(fst__input *in)
{
    in->done = 0;
}

void fst__input_handoff(fst__input *in, int on)
{
    in->handoff = on != 0;
}

fst__item *fst__input_take(fst__input *in)
{
    fst__item *it = in->handed;
    in->handed = NULL;
    return it;
}

void fst__input_add_item(fst__input *in, fst__item *it)
{
    it->next = NULL;
    fst__queue_push(&in->q, it);
}
