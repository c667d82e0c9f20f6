/* decode/envelope.c - flow-log lines out of the JSON envelopes AWS delivers.
 *
 * Owns: the framing of concatenated JSON documents in a decoded stream and
 * the decoding of one document into items with jansson (payloads are
 * decoded by decode/payload.h, the sniff is decode/envelope_sniff.c).  See
 * decode/envelope.h for the formats and the memory bound.
 *
 * Framing: a small scanner follows the decoded bytes (string and escape
 * state, bracket depth) and copies one document into `doc` until its
 * brackets close; that document is then parsed whole (so byte offsets of
 * errors are exact and the file streams document by document).  The
 * framing does not validate: the parse does.
 *
 * Parsing (fast_doc): a CloudWatch Logs subscription object is first
 * offered to decode/cwljson.h, which validates it and walks its logEvents in
 * place (an FR_CWL frame pointing into `doc` or into a payload, no tree);
 * whatever it declines goes to jansson as before (start_doc).  Both give
 * the same items (decode/cwljson.h says why); FST_ENVELOPE_SLOW=1 (e->slow)
 * turns the fast path off.
 *
 * Items come from a stack of at most three frames: the document's array
 * (logEvents, Firehose records or Kinesis Records), a decoded Firehose or
 * Kinesis payload (text lines, or JSON documents walked with the fast path
 * or json_loadb and JSON_DISABLE_EOF_CHECK), and the logEvents of a
 * document inside that payload.  A payload is decoded only when its turn
 * comes, so one payload is in memory at a time.  While an FR_CWL frame
 * reads `doc`, fst__envelope_feed takes nothing.
 */
#include "decode/envelope.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "decode/cwljson.h"
#include "decode/payload.h"
#include "util/util.h"

#define DOC_KEEP ((size_t)4 * 1024 * 1024) /* a larger buffer is freed after use */
#define MAX_FRAMES 3
/* Numbers are never used: reading them as doubles avoids "too big integer"
 * errors; NUL bytes inside strings reach the line checks (binary data). */
#define JFLAGS (JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL)

typedef enum frame_type { FR_EVENTS, FR_CWL, FR_RECORDS, FR_KINESIS, FR_PAYLOAD } frame_type;

/* One level of item production.  Owns root (a jansson reference) and buf;
 * an FR_CWL frame of a document of the file holds `doc` (holds_doc). */
typedef struct frame {
    frame_type type;
    int depth;          /* 0 = a document of the file, 1 = inside a payload */
    json_t *root;       /* FR_EVENTS, FR_RECORDS, FR_KINESIS: the document */
    json_t *arr;        /* its logEvents / records / Records (borrowed from root) */
    size_t idx;         /* next element of arr */
    fst__cwl_events ev; /* FR_CWL: the logEvents walk (decode/cwljson.h) */
    int holds_doc;      /* FR_CWL: ev points into e->doc, kept until the pop */
    char *buf;          /* FR_PAYLOAD: decoded bytes, len + 1 allocated */
    size_t len, pos;    /* FR_PAYLOAD: size, next byte */
    int json;           /* FR_PAYLOAD: JSON documents, else text lines */
} frame;

struct fst__envelope {
    uint32_t max_line;
    int slow; /* every document through jansson (no decode/cwljson.h fast path) */
    const fst__inflate_ops *zops;
    void *zst; /* inflate state, created at the first gzip payload */

    /* framing of the decoded stream */
    char *doc;
    size_t doc_len, doc_cap;
    uint64_t off;       /* decoded bytes taken so far */
    uint64_t doc_start; /* offset of the current document's '{' */
    size_t depth;
    int in_doc, in_str, esc;
    int too_big;  /* the current document passed FST__ENV_DOC_MAX: not kept */
    int have_doc; /* a complete document waits in doc */
    int err;      /* sticky file-level error */
    char why[192];

    /* items */
    frame frames[MAX_FRAMES];
    int nframes;
    char *line; /* max_line + 2 bytes */
    char item_why[128];
};

/* -------------------------------------------------------------- lifecycle */

fst__envelope *fst__envelope_new(uint32_t max_line, const fst__inflate_ops *zops, int slow)
{
    fst__envelope *e = fst__calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->max_line = max_line;
    e->slow = slow != 0;
    e->zops = zops;
    e->line = fst__malloc((size_t)max_line + 2);
    if (!e->line) {
        fst__free(e);
        return NULL;
    }
    return e;
}

/* The document in `doc` is done with: a large buffer is freed. */
static void release_doc(fst__envelope *e)
{
    if (e->doc_cap > DOC_KEEP) {
        fst__free(e->doc);
        e->doc = NULL;
        e->doc_cap = 0;
    }
    e->doc_len = 0;
}

static void pop(fst__envelope *e)
{
    frame *f = &e->frames[--e->nframes];
    json_decref(f->root);
    fst__free(f->buf);
    if (f->holds_doc)
        release_doc(e);
    memset(f, 0, sizeof *f);
}

void fst__envelope_reset(fst__envelope *e)
{
    while (e->nframes)
        pop(e);
    release_doc(e);
    e->off = e->doc_start = 0;
    e->depth = 0;
    e->in_doc = e->in_str = e->esc = e->too_big = e->have_doc = e->err = 0;
    e->why[0] = '\0';
}

void fst__envelope_free(fst__envelope *e)
{
    if (!e)
        return;
    while (e->nframes)
        pop(e);
    if (e->zst)
        e->zops->destroy(e->zst);
    fst__free(e->doc);
    fst__free(e->line);
    fst__free(e);
}

const char *fst__envelope_why(const fst__envelope *e)
{
    return e->why;
}

/* ---------------------------------------------------------------- framing */

static int fail(fst__envelope *e, int err)
{
    e->err = err;
    return err;
}

/* Keep p[0..n) of the current document (or drop it past the limit). */
static void keep(fst__envelope *e, const char *p, size_t n)
{
    if (e->too_big || !n)
        return;
    if (n > FST__ENV_DOC_MAX - e->doc_len) {
        e->too_big = 1;
        e->doc_len = 0;
        return;
    }
    if (e->doc_len + n > e->doc_cap) {
        size_t cap = e->doc_cap ? e->doc_cap : FST__ENV_DOC_FIRST;
        while (cap < e->doc_len + n)
            cap *= 2;
        if (cap > FST__ENV_DOC_MAX)
            cap = FST__ENV_DOC_MAX;
        char *d = fst__realloc(e->doc, cap);
        if (!d) {
            snprintf(e->why, sizeof e->why, "out of memory for a JSON document of %zu bytes",
                     e->doc_len + n);
            fail(e, FST_ENOMEM);
            return;
        }
        e->doc = d;
        e->doc_cap = cap;
    }
    memcpy(e->doc + e->doc_len, p, n);
    e->doc_len += n;
}

size_t fst__envelope_feed(fst__envelope *e, const char *p, size_t n)
{
    if (e->nframes && e->frames[0].holds_doc)
        return 0; /* the events of the document in `doc` are still being read */
    size_t i = 0;
    while (i < n && !e->have_doc && !e->err) {
        if (!e->in_doc) {
            while (i < n && fst__env_is_ws(p[i]))
                i++;
            if (i == n)
                break;
            if (p[i] != '{') {
                snprintf(e->why, sizeof e->why,
                         "at byte %llu: not the start of a JSON object (0x%02x)",
                         (unsigned long long)(e->off + i), (unsigned char)p[i]);
                fail(e, FST_EJSON);
                break;
            }
            e->in_doc = 1;
            e->depth = 0;
            e->in_str = e->esc = e->too_big = 0;
            e->doc_len = 0;
            e->doc_start = e->off + i;
        }
        const size_t start = i;
        int ended = 0;
        for (; i < n; i++) {
            if (e->in_str) {
                if (e->esc) {
                    e->esc = 0;
                    continue;
                }
                i += fst__cwl_plain_len(p + i, n - i); /* bytes that change nothing */
                if (i == n)
                    break;
                if (p[i] == '\\')
                    e->esc = 1;
                else
                    e->in_str = 0; /* the '"' */
                continue;
            }
            const char c = p[i];
            if (c == '"') {
                e->in_str = 1;
            } else if (c == '{' || c == '[') {
                e->depth++;
            } else if ((c == '}' || c == ']') && --e->depth == 0) {
                i++;
                ended = 1;
                break;
            }
        }
        keep(e, p + start, i - start);
        if (ended) {
            e->in_doc = 0;
            e->have_doc = 1;
        }
    }
    e->off += i;
    return i;
}

int fst__envelope_finish(fst__envelope *e)
{
    if (e->err)
        return e->err;
    if (!e->in_doc && !e->have_doc)
        return 0;
    snprintf(e->why, sizeof e->why, "at byte %llu: JSON document cut short (it starts at byte %llu)",
             (unsigned long long)e->off, (unsigned long long)e->doc_start);
    return fail(e, FST_EJSON);
}

/* ------------------------------------------------------------------ items */

__attribute__((format(printf, 4, 5))) static int bad(fst__envelope *e, fst__env_item *it,
                                                     int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->item_why, sizeof e->item_why, fmt, ap);
    va_end(ap);
    it->kind = FST__ENV_ITEM_BAD;
    it->err = err;
    it->why = e->item_why;
    return 1;
}

/* The flow-log line in e->line[0..n) (one final "\n" dropped) as a LINE
 * item; n above max_line + 2 (more than the buffer holds) is a line too
 * long whatever it ends with. */
static int line_out(fst__envelope *e, fst__env_item *it, size_t n)
{
    const size_t max = (size_t)e->max_line + 1; /* the input stage drops a final '\r' */
    if (n && n <= max + 1 && e->line[n - 1] == '\n')
        n--;
    if (n > max) {
        it->kind = FST__ENV_ITEM_BAD;
        it->err = FST_ELONGLINE;
        it->why = "line too long";
        return 1;
    }
    e->line[n] = '\0';
    it->kind = FST__ENV_ITEM_LINE;
    it->text = e->line;
    it->len = n;
    return 1;
}

/* A flow-log line s[0..n) (one final "\n" dropped) as a LINE item. */
static int line_item(fst__envelope *e, fst__env_item *it, const char *s, size_t n)
{
    const size_t room = (size_t)e->max_line + 2;
    if (n > room)
        return line_out(e, it, room + 1);
    memcpy(e->line, s, n);
    return line_out(e, it, n);
}

static int control_item(fst__env_item *it)
{
    it->kind = FST__ENV_ITEM_CONTROL;
    it->why = "CloudWatch Logs CONTROL_MESSAGE";
    return 1;
}

static int no_message(fst__envelope *e, fst__env_item *it, size_t i)
{
    return bad(e, it, FST_EJSON, "logEvents[%zu] has no \"message\" string", i);
}

static int push(fst__envelope *e, frame f)
{
    if (e->nframes == MAX_FRAMES) { /* cannot happen: depth is checked */
        json_decref(f.root);
        fst__free(f.buf);
        return 0;
    }
    e->frames[e->nframes++] = f;
    return 0;
}

/* The base64 "data" of `where` (a Firehose record, "records[3]", a Kinesis
 * record, "Records[3].kinesis", or "awslogs") becomes a payload frame; 0
 * when pushed, 1 with a BAD item, or FST_ENOMEM. */
static int payload(fst__envelope *e, fst__env_item *it, const json_t *data, const char *where)
{
    if (!json_is_string(data))
        return bad(e, it, FST_EJSON, "%s has no \"data\" string", where);
    char *buf = NULL;
    size_t len = 0;
    const int rc = fst__payload_decode(e->zops, &e->zst, json_string_value(data),
                                       json_string_length(data), &buf, &len);
    if (rc == FST_ENOMEM)
        return rc;
    if (rc == FST__PAYLOAD_NOT_BASE64)
        return bad(e, it, FST_EJSON, "%s: \"data\" is not base64", where);
    if (rc < 0)
        return bad(e, it, rc == FST_ELIMIT ? FST_ELIMIT : FST_EGZIP, "%s: \"data\" holds %s",
                   where, rc == FST_ELIMIT ? "more than 64 MiB once inflated" : "bad gzip data");
    size_t k = 0;
    while (k < len && fst__env_is_ws(buf[k]))
        k++;
    frame f = {.type = FR_PAYLOAD, .depth = 1, .buf = buf, .len = len, .pos = 0};
    f.json = k < len && buf[k] == '{';
    return push(e, f);
}

/* A Kinesis event as Lambda receives it: a "Records" array whose first
 * element has a "kinesis" object (the sniff's rule); its Records, or NULL. */
static json_t *kinesis_records(const json_t *root)
{
    json_t *recs = json_object_get(root, "Records");
    const json_t *first = json_array_get(recs, 0);
    return json_is_array(recs) && json_is_object(json_object_get(first, "kinesis")) ? recs : NULL;
}

/* Start items of a parsed document (the reference to root is taken over).
 * 0 when a frame was pushed or there is nothing, 1 with an item, or
 * FST_ENOMEM. */
static int start_doc(fst__envelope *e, json_t *root, int depth, fst__env_item *it)
{
    int rc = 0;
    const json_t *type = json_object_get(root, "messageType");
    json_t *events = json_object_get(root, "logEvents");
    json_t *records = json_object_get(root, "records");
    const json_t *awslogs = json_object_get(root, "awslogs");
    json_t *kinesis = kinesis_records(root);
    const json_t *message = json_object_get(root, "message");
    if (!json_is_object(root)) {
        rc = bad(e, it, FST_EJSON, "JSON value is not an object");
    } else if (json_is_string(type) || json_is_array(events)) {
        const char *t = json_is_string(type) ? json_string_value(type) : "DATA_MESSAGE";
        if (!strcmp(t, "CONTROL_MESSAGE")) {
            rc = control_item(it);
        } else if (strcmp(t, "DATA_MESSAGE") != 0) {
            rc = bad(e, it, FST_EJSON, "unknown CloudWatch Logs messageType");
        } else if (!json_is_array(events)) {
            rc = bad(e, it, FST_EJSON, "DATA_MESSAGE without a logEvents array");
        } else {
            frame f = {.type = FR_EVENTS, .depth = depth, .root = root, .arr = events};
            return push(e, f);
        }
    } else if (json_is_array(records) || json_is_object(awslogs)) {
        if (depth > 0) {
            rc = bad(e, it, FST_EJSON, "a Firehose event inside a Firehose record");
        } else if (json_is_array(records)) {
            frame f = {.type = FR_RECORDS, .depth = depth, .root = root, .arr = records};
            return push(e, f);
        } else {
            rc = payload(e, it, json_object_get(awslogs, "data"), "awslogs");
        }
    } else if (kinesis) {
        if (depth > 0) {
            rc = bad(e, it, FST_EJSON, "a Kinesis event inside a decoded record");
        } else {
            frame f = {.type = FR_KINESIS, .depth = depth, .root = root, .arr = kinesis};
            return push(e, f);
        }
    } else if (json_is_string(message)) {
        rc = line_item(e, it, json_string_value(message), json_string_length(message));
    } else {
        rc = bad(e, it, FST_EJSON, "JSON document is not a flow-log envelope (no logEvents, "
                                   "records, awslogs, Kinesis Records or message)");
    }
    json_decref(root);
    return rc;
}

/* The fast path (decode/cwljson.h) for the document at p[0..n): 1 when it
 * answered, with the object's length in *used and *rc as start_doc's (0 a
 * frame was pushed, 1 an item, FST_ENOMEM); 0 to leave the document to
 * jansson.  holds: p is e->doc, a whole framed document, kept until the
 * frame is popped (released at once when no frame is pushed). */
static int fast_doc(fst__envelope *e, const char *p, size_t n, int holds, size_t *used,
                    fst__env_item *it, int *rc)
{
    if (e->slow)
        return 0;
    fst__cwl_doc d;
    const fst__cwl_kind k = fst__cwl_scan(p, n, &d);
    if (k == FST__CWL_FALLBACK || (holds && d.len != n))
        return 0;
    *used = d.len;
    if (k == FST__CWL_CONTROL) {
        if (holds)
            release_doc(e);
        *rc = control_item(it);
        return 1;
    }
    frame f = {.type = FR_CWL, .ev = d.events, .holds_doc = holds};
    *rc = push(e, f);
    return 1;
}

/* One step of the top frame: 1 with an item, 0 to look again (a frame was
 * pushed or popped), or FST_ENOMEM. */
static int step(fst__envelope *e, fst__env_item *it)
{
    frame *f = &e->frames[e->nframes - 1];
    switch (f->type) {
    case FR_EVENTS: {
        if (f->idx >= json_array_size(f->arr))
            break;
        const size_t i = f->idx++;
        const json_t *msg = json_object_get(json_array_get(f->arr, i), "message");
        if (!json_is_string(msg))
            return no_message(e, it, i);
        return line_item(e, it, json_string_value(msg), json_string_length(msg));
    }
    case FR_CWL: {
        size_t n = 0;
        const fst__cwl_event_kind k =
            fst__cwl_event(&f->ev, e->line, (size_t)e->max_line + 2, &n);
        if (k == FST__CWL_END)
            break;
        if (k == FST__CWL_NO_MESSAGE)
            return no_message(e, it, f->ev.n - 1);
        return line_out(e, it, n);
    }
    case FR_RECORDS: {
        if (f->idx >= json_array_size(f->arr))
            break;
        char where[40];
        snprintf(where, sizeof where, "records[%zu]", f->idx);
        return payload(e, it, json_object_get(json_array_get(f->arr, f->idx++), "data"), where);
    }
    case FR_KINESIS: {
        if (f->idx >= json_array_size(f->arr))
            break;
        char where[48];
        snprintf(where, sizeof where, "Records[%zu].kinesis", f->idx);
        const json_t *rec = json_object_get(json_array_get(f->arr, f->idx++), "kinesis");
        if (!json_is_object(rec))
            return bad(e, it, FST_EJSON, "Records[%zu] has no \"kinesis\" object", f->idx - 1);
        return payload(e, it, json_object_get(rec, "data"), where);
    }
    case FR_PAYLOAD:
        if (!f->json) {
            if (f->pos >= f->len)
                break;
            const char *s = f->buf + f->pos;
            const char *nl = memchr(s, '\n', f->len - f->pos);
            const size_t n = nl ? (size_t)(nl - s) : f->len - f->pos;
            f->pos += n + (nl != NULL);
            return line_item(e, it, s, n);
        }
        while (f->pos < f->len && fst__env_is_ws(f->buf[f->pos]))
            f->pos++;
        if (f->pos >= f->len)
            break;
        int rc;
        size_t used;
        if (fast_doc(e, f->buf + f->pos, f->len - f->pos, 0, &used, it, &rc)) {
            f->pos += used; /* f stays valid: frames is a fixed array */
            return rc;
        }
        json_error_t jerr;
        json_t *root =
            json_loadb(f->buf + f->pos, f->len - f->pos, JFLAGS | JSON_DISABLE_EOF_CHECK, &jerr);
        if (!root) {
            const size_t at = f->pos + (size_t)(jerr.position > 0 ? jerr.position : 0);
            f->pos = f->len; /* the rest of this payload cannot be framed */
            return bad(e, it, FST_EJSON, "bad JSON in a decoded Firehose record (byte %zu)", at);
        }
        f->pos += (size_t)(jerr.position > 0 ? jerr.position : 0);
        return start_doc(e, root, f->depth, it);
    }
    pop(e);
    return 0;
}

/* Start items of the document framed in `doc`: the fast path, else
 * jansson.  As start_doc, or FST_EJSON (why set) when it is not JSON. */
static int file_doc(fst__envelope *e, fst__env_item *it)
{
    size_t used;
    int rc;
    if (fast_doc(e, e->doc, e->doc_len, 1, &used, it, &rc))
        return rc;
    json_error_t jerr;
    json_t *root = json_loadb(e->doc, e->doc_len, JFLAGS, &jerr);
    release_doc(e);
    if (!root) {
        snprintf(e->why, sizeof e->why, "at byte %llu: %s",
                 (unsigned long long)(e->doc_start +
                                      (uint64_t)(jerr.position > 0 ? jerr.position : 0)),
                 jerr.text);
        return fail(e, FST_EJSON);
    }
    return start_doc(e, root, 0, it);
}

int fst__envelope_next(fst__envelope *e, fst__env_item *it)
{
    memset(it, 0, sizeof *it);
    for (;;) {
        if (e->err)
            return e->err;
        int rc = 0;
        if (e->nframes) {
            rc = step(e, it);
        } else if (!e->have_doc) {
            return 0;
        } else if (e->too_big) {
            e->have_doc = 0;
            snprintf(e->item_why, sizeof e->item_why,
                     "JSON document of more than 64 MiB at bytes %llu-%llu, skipped",
                     (unsigned long long)e->doc_start, (unsigned long long)e->off);
            it->kind = FST__ENV_ITEM_BAD;
            it->err = FST_ELIMIT;
            it->why = e->item_why;
            return 1;
        } else {
            e->have_doc = 0;
            rc = file_doc(e, it);
        }
        if (rc == FST_ENOMEM) {
            snprintf(e->why, sizeof e->why, "out of memory decoding a JSON envelope");
            return fail(e, rc);
        }
        if (rc)
            return rc;
    }
}
