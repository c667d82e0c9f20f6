/* decode/input.c - bytes to numbered lines: the read and decode stage.
 *
 * Owns: the input queue (paths, stdin, memory copies), the recursive sorted
 * directory walk (lazy, or eager and then ordered by the timestamps in the
 * names when time order is on: order_queue) and the sniffing of walked files, opening and reading
 * files, gzip detection by magic bytes, multi-member streaming inflate
 * through decode/inflate.h, gzip inside gzip (detect_nested: up to MAX_LAYERS
 * layers, each streaming and multi-member), and bounded line framing with
 * line numbers.  A file whose decoded text starts with a JSON envelope
 * (detect_envelope) is framed by decode/envelope.h instead, document by
 * document, and its messages become the lines (json_next).
 *
 * Buffers (fixed for the life of the queue):
 *   rbuf  HIST + raw + HIST bytes: compressed bytes read from the file.  The
 *         HIST bytes before the current position are kept readable for the
 *         inflate backends (see decode/inflate.h).
 *   lay[k].buf (k >= 1, made at the first file with gzip inside gzip)
 *         HIST + raw + HIST bytes: what layer k-1 inflated, the input of
 *         layer k, with the same history rule.  Layer 0 reads rbuf.
 *   dbuf  fill + max_line + 2 bytes: decoded text.  A partial line (at most
 *         max_line + 1 bytes) is moved to the front, then up to `fill` new
 *         bytes are appended; one byte stays free for the NUL of a final
 *         line without newline.  Longer lines are reported and discarded up
 *         to the next '\n' without being kept.
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
 */
#include "decode/input.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowstitch/errors.h"
#include "decode/envelope.h"
#include "decode/inflate.h"
#include "read/s3name.h"
#include "util/util.h"

#define DEFAULT_MAX_LINE 65536u
#define DEFAULT_RAW ((size_t)256 * 1024)
#define DEFAULT_FILL ((size_t)256 * 1024)
#define HIST 16                     /* raw history kept before the read position */
#define SNIFF_MAX ((size_t)64 * 1024) /* decoded bytes looked at to sniff */
#define SNIFF_BLOCK ((size_t)4096)    /* "first block" checked for NUL bytes */
#define MAX_LAYERS 3                  /* gzip inside gzip, at most this deep */

typedef enum item_kind { ITEM_PATH, ITEM_STDIN, ITEM_MEM } item_kind;

/* One queued input.  Owns path and mem. */
typedef struct item {
    struct item *next;
    item_kind kind;
    int walked; /* found by walking a directory: sniffed before reading */
    int dir_err; /* time order: a directory that could not be listed (its error) */
    int has_ts;  /* time order: ts was parsed from the name (read/s3name.h) */
    int64_t ts;
    size_t slot; /* time order: position in the queue while it is ordered */
    char *path;
    unsigned char *mem;
    size_t mem_len;
} item;

/* One gzip layer: its input [rp, rend) (in buf, with up to HIST bytes of
 * history kept before rp) and its inflate state.  Layer 0 reads the file
 * (buf is the queue's rbuf, or rp points into a memory item); layer k >= 1
 * reads what layer k-1 inflated.  Owns buf for k >= 1, and zst. */
typedef struct gz_layer {
    unsigned char *buf;
    const unsigned char *rp, *rend;
    void *zst;
    int member_done; /* the current member ended: next one, padding or end */
    int ended;       /* no more output: err 0 (its stream ended) or the problem */
    int err;
    int at;          /* the layer the problem came from (it may come from below) */
    const char *why;
} gz_layer;

struct fst__input {
    uint32_t max_line;
    fst__sniff_fn sniff;
    void *ud;
    item *head, *tail; /* queue */
    item *cur;         /* input being opened or read */
    item *shown;       /* input of the last FILE_BEGIN/SKIPPED: its path stays valid */
    int in_file;       /* between FILE_BEGIN and FILE_END */
    int done;          /* END reached */
    int time_order;    /* walk eagerly and read in order of name timestamps */
    int ordered;       /* time order: the queue is ordered (nothing added since) */

    /* current source */
    int fd, own_fd;
    int gzip;
    int raw_eof;        /* no more raw bytes */
    int src_done;       /* decoded stream finished, cleanly or not */
    int src_err;        /* 0 or the code that finished it early */
    const char *src_why;
    uint64_t bytes_read;
    uint64_t lineno;

    /* raw bytes: [lay[0].rp, lay[0].rend) not yet consumed */
    unsigned char *rbuf;
    size_t raw;

    /* decoded bytes: [dpos, dlen) not yet framed; no '\n' in [dpos, scan) */
    char *dbuf;
    size_t fill, dcap, dpos, dlen, scan;
    int discarding; /* inside an over-long line, dropping up to '\n' */

    /* gzip: layers[0..layers) in use (0 = not gzip); lay[0].buf is rbuf */
    const fst__inflate_ops *zops;
    gz_layer lay[MAX_LAYERS];
    int layers;
    int force_zlib;
    char gz_why[96]; /* the reason of an error in gzip inside gzip */

    /* JSON envelopes (decode/envelope.h) */
    fst__envelope *env;  /* created at the first envelope met */
    int env_slow;        /* FST_ENVELOPE_SLOW=1: jansson for every document */
    fst__env_kind json;  /* the open file is this envelope, else FST__ENV_NONE */
    char empty[1];       /* text of the empty line a CONTROL_MESSAGE becomes */
};

/* ---------------------------------------------------------------- queue */

static item *item_new(item_kind kind, const char *path, size_t path_len)
{
    item *it = fst__calloc(1, sizeof *it);
    if (!it)
        return NULL;
    it->kind = kind;
    it->path = fst__strndup(path, path_len);
    if (!it->path) {
        fst__free(it);
        return NULL;
    }
    return it;
}

static void item_free(item *it)
{
    if (it) {
        fst__free(it->path);
        fst__free(it->mem);
        fst__free(it);
    }
}

static void queue_push(fst__input *in, item *it)
{
    if (in->tail)
        in->tail->next = it;
    else
        in->head = it;
    in->tail = it;
}

static item *queue_pop(fst__input *in)
{
    item *it = in->head;
    if (it) {
        in->head = it->next;
        if (!in->head)
            in->tail = NULL;
        it->next = NULL;
    }
    return it;
}

/* Put the chain first..last in front of the queue. */
static void queue_push_front(fst__input *in, item *first, item *last)
{
    last->next = in->head;
    in->head = first;
    if (!in->tail)
        in->tail = last;
}

/* ------------------------------------------------------------ lifecycle */

static int alloc_buffers(fst__input *in, size_t raw, size_t fill)
{
    const size_t dcap = fill + (size_t)in->max_line + 2;
    unsigned char *rbuf = fst__malloc(HIST + raw + HIST);
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

fst__input *fst__input_new(uint32_t max_line, fst__sniff_fn sniff, void *ud)
{
    fst__input *in = fst__calloc(1, sizeof *in);
    if (!in)
        return NULL;
    in->max_line = max_line ? max_line : DEFAULT_MAX_LINE;
    in->sniff = sniff;
    in->ud = ud;
    in->fd = -1;
    const char *env = getenv("FST_INFLATE");
    in->force_zlib = env && strcmp(env, "zlib") == 0;
    const char *slow = getenv("FST_ENVELOPE_SLOW");
    in->env_slow = slow && strcmp(slow, "1") == 0;
    if (alloc_buffers(in, DEFAULT_RAW, DEFAULT_FILL) < 0) {
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
    in->ordered = 0;
}

int fst__input_set_bufsize(fst__input *in, size_t raw, size_t fill)
{
    if (in->in_file || in->cur || in->shown || in->done)
        return FST_EINVAL;
    return alloc_buffers(in, raw ? raw : DEFAULT_RAW, fill ? fill : DEFAULT_FILL);
}

static void source_close(fst__input *in)
{
    if (in->own_fd && in->fd >= 0)
        close(in->fd);
    in->fd = -1;
    in->own_fd = 0;
}

void fst__input_free(fst__input *in)
{
    if (!in)
        return;
    source_close(in);
    item *it;
    while ((it = queue_pop(in)))
        item_free(it);
    if (in->cur != in->shown)
        item_free(in->cur);
    item_free(in->shown);
    for (int k = 0; k < MAX_LAYERS; k++) {
        if (in->lay[k].zst)
            in->zops->destroy(in->lay[k].zst);
        if (k)
            fst__free(in->lay[k].buf);
    }
    fst__envelope_free(in->env);
    fst__free(in->rbuf);
    fst__free(in->dbuf);
    fst__free(in);
}

int fst__input_add_path(fst__input *in, const char *path)
{
    if (!in || !path || !*path)
        return FST_EINVAL;
    const int is_stdin = strcmp(path, "-") == 0;
    struct stat st;
    if (!is_stdin && stat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
        return FST_ENOENT; /* other stat errors surface as events later */
    item *it = item_new(is_stdin ? ITEM_STDIN : ITEM_PATH, path, strlen(path));
    if (!it)
        return FST_ENOMEM;
    queue_push(in, it);
    in->ordered = 0;
    return 0;
}

int fst__input_add_mem(fst__input *in, const char *name, const void *data, size_t len)
{
    if (!in || (!data && len))
        return FST_EINVAL;
    const char *nm = name ? name : "(memory)";
    item *it = item_new(ITEM_MEM, nm, strlen(nm));
    if (!it)
        return FST_ENOMEM;
    it->mem = fst__malloc(len);
    if (!it->mem) {
        item_free(it);
        return FST_ENOMEM;
    }
    if (len)
        memcpy(it->mem, data, len);
    it->mem_len = len;
    queue_push(in, it);
    in->ordered = 0;
    return 0;
}

/* ------------------------------------------------------------ raw bytes */

static ssize_t read_fd(int fd, void *buf, size_t n)
{
    for (;;) {
        const ssize_t r = read(fd, buf, n);
        if (r >= 0 || errno != EINTR)
            return r;
    }
}

static void finish(fst__input *in, int err, const char *why)
{
    in->src_done = 1;
    in->src_err = err;
    in->src_why = why;
}

/* Move the unconsumed input of L (at most HIST bytes) to the front of its
 * buffer with up to HIST consumed bytes before it; returns where new bytes
 * go (room for `raw` of them). */
static unsigned char *keep_history(gz_layer *L)
{
    const size_t keep = (size_t)(L->rend - L->rp);
    const size_t hist = (size_t)(L->rp - L->buf) < HIST ? (size_t)(L->rp - L->buf) : HIST;
    memmove(L->buf + HIST - hist, L->rp - hist, hist + keep);
    L->rp = L->buf + HIST;
    L->rend = L->rp + keep;
    return L->buf + HIST + keep;
}

/* Read more raw bytes after the unconsumed ones (at most HIST of them),
 * keeping up to HIST consumed bytes in front.  Returns 1 when bytes came, 0 at
 * end of input, FST_EIO on a read error. */
static int raw_refill(fst__input *in)
{
    if (in->raw_eof || in->cur->kind == ITEM_MEM) {
        in->raw_eof = 1;
        return 0;
    }
    gz_layer *L = &in->lay[0];
    unsigned char *dst = keep_history(L);
    const ssize_t r = read_fd(in->fd, dst, in->raw);
    L->rend = dst + (r > 0 ? r : 0);
    if (r < 0)
        return FST_EIO;
    if (r == 0)
        in->raw_eof = 1;
    in->bytes_read += (uint64_t)(r > 0 ? r : 0);
    return (int)(r > 0);
}

/* ------------------------------------------------------------- decoding */

/* Gzip layers.  Layer 0 inflates the file; with gzip inside gzip, layer k
 * inflates what layer k-1 inflated, pulling it through layer_refill in
 * chunks of `raw` bytes, so memory stays fixed whatever the depth.  Every
 * layer is multi-member.  A layer that ends records why (err 0: its stream
 * ended cleanly) and the layer above ends the same way once it has used
 * every byte it got; the innermost layer's end finishes the source. */

static int gz_member_start(fst__input *in, int k)
{
    gz_layer *L = &in->lay[k];
    if (!in->zops)
        in->zops = fst__inflate_pick(in->force_zlib);
    if (!L->zst) {
        L->zst = in->zops->create();
        if (!L->zst)
            return FST_ENOMEM;
    } else {
        in->zops->reset(L->zst);
    }
    L->member_done = 0;
    return 0;
}

/* Layer k ends; `at` is the layer the problem came from. */
static void layer_end(gz_layer *L, int err, const char *why, int at)
{
    L->ended = 1;
    L->err = err;
    L->why = why;
    L->at = at;
}

static size_t layer_fill(fst__input *in, int k, unsigned char *out, size_t cap);

/* More input for layer k.  Returns 1 when bytes came, 0 when its input
 * ended cleanly, -1 when it ended with a problem (layer k has then ended
 * with it). */
static int layer_refill(fst__input *in, int k)
{
    gz_layer *L = &in->lay[k];
    if (k == 0) {
        const int r = raw_refill(in);
        if (r < 0)
            layer_end(L, FST_EIO, "read error", 0);
        return r < 0 ? -1 : r;
    }
    const gz_layer *below = &in->lay[k - 1];
    if (!below->ended) {
        unsigned char *dst = keep_history(L);
        const size_t got = layer_fill(in, k - 1, dst, in->raw);
        L->rend = dst + got;
        if (got)
            return 1;
    }
    if (!below->err)
        return 0;
    layer_end(L, below->err, below->why, below->at);
    return -1;
}

/* Between members: skip zero padding (as gzip(1) does), then either the end
 * of input (clean), another member (magic 1f, checked fully by the backend)
 * or garbage.  Returns 1 to go on inflating, 0 when layer k ended. */
static int gz_next_member(fst__input *in, int k)
{
    gz_layer *L = &in->lay[k];
    for (;;) {
        while (L->rp < L->rend && *L->rp == 0)
            L->rp++;
        if (L->rp < L->rend)
            break;
        const int r = layer_refill(in, k);
        if (r <= 0) {
            if (r == 0)
                layer_end(L, 0, NULL, k);
            return 0;
        }
    }
    if (*L->rp != 0x1f) {
        layer_end(L, FST_EGZIP, "garbage after gzip data", k);
        return 0;
    }
    const int rc = gz_member_start(in, k);
    if (rc < 0) {
        layer_end(L, rc, "out of memory", k);
        return 0;
    }
    return 1;
}

/* Inflate layer k until at least one byte is produced or the layer ends. */
static size_t layer_fill(fst__input *in, int k, unsigned char *out, size_t cap)
{
    gz_layer *L = &in->lay[k];
    size_t got = 0;
    while (got == 0 && !L->ended) {
        if (L->member_done && !gz_next_member(in, k))
            break;
        int eof = 0;
        if (L->rp == L->rend) {
            const int r = layer_refill(in, k);
            if (r < 0)
                break;
            eof = r == 0;
        }
        /* At end of input the backend still runs: it may hold decoded
         * bytes (isa-l's tmp_out_buffer, a pending zlib match copy). */
        size_t avail = (size_t)(L->rend - L->rp), produced = 0;
        const size_t before = avail;
        const int rc = in->zops->run(L->zst, &L->rp, &avail, out + got, cap - got, &produced);
        L->rend = L->rp + avail;
        got += produced;
        if (rc == FST__INF_END)
            L->member_done = 1;
        else if (rc < 0)
            layer_end(L, rc, rc == FST_ENOMEM ? "out of memory" : "corrupt gzip data", k);
        else if (produced == 0 && avail == before)
            layer_end(L, eof ? FST_ETRUNCATED : FST_EGZIP,
                      eof ? "gzip data ends early" : "inflater made no progress", k);
    }
    return got;
}

/* Decoded bytes from the innermost layer; when it has ended, the source
 * finishes as it did.  In gzip inside gzip the reason names the layer the
 * problem came from ("corrupt gzip data in the inner gzip (layer 2 of 2)"). */
static size_t gz_fill(fst__input *in, unsigned char *out, size_t cap)
{
    const size_t got = layer_fill(in, in->layers - 1, out, cap);
    const gz_layer *L = &in->lay[in->layers - 1];
    if (!got && L->ended) {
        const char *why = L->why;
        if (L->err && in->layers > 1) {
            snprintf(in->gz_why, sizeof in->gz_why, "%s in the %s gzip (layer %d of %d)", why,
                     L->at ? "inner" : "outer", L->at + 1, in->layers);
            why = in->gz_why;
        }
        finish(in, L->err, why);
    }
    return got;
}

/* Gzip inside gzip: while what the innermost layer inflates starts with the
 * gzip magic and method (1f 8b 08), a new layer inflates that, up to
 * MAX_LAYERS; deeper is an error.  Called at the start of a gzip file with
 * dbuf empty; bytes looked at that are not gzip stay in dbuf. */
static void detect_nested(fst__input *in)
{
    static const unsigned char magic[3] = {0x1f, 0x8b, 0x08};
    for (;;) {
        while (in->dlen < sizeof magic && !in->src_done)
            in->dlen += gz_fill(in, (unsigned char *)in->dbuf + in->dlen, sizeof magic - in->dlen);
        if (in->dlen < sizeof magic || memcmp(in->dbuf, magic, sizeof magic) != 0)
            return;
        in->dlen = 0;
        if (in->layers == MAX_LAYERS) {
            finish(in, FST_EGZIP, "gzip inside gzip nested more than 3 deep");
            return;
        }
        gz_layer *L = &in->lay[in->layers];
        if (!L->buf && !(L->buf = fst__malloc(HIST + in->raw + HIST))) {
            finish(in, FST_ENOMEM, "out of memory");
            return;
        }
        L->rp = L->buf + HIST;
        memcpy(L->buf + HIST, magic, sizeof magic);
        L->rend = L->rp + sizeof magic;
        if (gz_member_start(in, in->layers) < 0) {
            finish(in, FST_ENOMEM, "out of memory");
            return;
        }
        in->layers++;
    }
}

static size_t plain_fill(fst__input *in, char *out, size_t cap)
{
    gz_layer *L = &in->lay[0];
    if (L->rp < L->rend) { /* bytes read while detecting gzip, or memory */
        size_t n = (size_t)(L->rend - L->rp);
        n = n < cap ? n : cap;
        memcpy(out, L->rp, n);
        L->rp += n;
        return n;
    }
    if (in->raw_eof || in->cur->kind == ITEM_MEM) {
        finish(in, 0, NULL);
        return 0;
    }
    const ssize_t r = read_fd(in->fd, out, cap);
    if (r <= 0) {
        finish(in, r ? FST_EIO : 0, r ? "read error" : NULL);
        return 0;
    }
    in->bytes_read += (uint64_t)r;
    return (size_t)r;
}

/* Append decoded bytes at dlen (at most `fill`, always leaving one byte). */
static void dec_fill(fst__input *in)
{
    const size_t room = in->dcap - 1 - in->dlen;
    const size_t cap = room < in->fill ? room : in->fill;
    char *out = in->dbuf + in->dlen;
    if (in->src_done || cap == 0)
        return;
    in->dlen += in->gzip ? gz_fill(in, (unsigned char *)out, cap) : plain_fill(in, out, cap);
}

/* ------------------------------------------------------------- framing */

/* Nonzero when p[0..n) holds a NUL or a control character other than tab
 * and CR (DEL counts).  Eight bytes at a time: (w - 0x20..) & ~w & 0x80..
 * is nonzero iff some byte is below 0x20 (same for w ^ 0x7f.. == 0). */
static int has_ctl(const unsigned char *p, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        const uint64_t del = w ^ (ones * 0x7f);
        if (!(((w - ones * 0x20) & ~w & high) | ((del - ones) & ~del & high)))
            continue;
        for (size_t j = i; j < i + 8; j++)
            if ((p[j] < 0x20 && p[j] != '\t' && p[j] != '\r') || p[j] == 0x7f)
                return 1;
    }
    for (; i < n; i++)
        if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\r') || p[i] == 0x7f)
            return 1;
    return 0;
}

static fst__ev_kind bad_line(fst__input *in, fst__event *ev, int err, const char *why)
{
    ev->kind = FST__EV_BADLINE;
    ev->lineno = in->lineno;
    ev->err = err;
    ev->why = why;
    return ev->kind;
}

/* A complete line at s (len bytes, '\n' excluded, room for a NUL at s[len]). */
static fst__ev_kind emit_line(fst__input *in, fst__event *ev, char *s, size_t len)
{
    in->lineno++;
    if (len && s[len - 1] == '\r')
        len--;
    if (len > in->max_line)
        return bad_line(in, ev, FST_ELONGLINE, "line too long");
    if (has_ctl((const unsigned char *)s, len))
        return bad_line(in, ev, FST_EBINARY, "control characters in line");
    s[len] = '\0';
    ev->kind = FST__EV_LINE;
    ev->text = s;
    ev->len = len;
    ev->lineno = in->lineno;
    return ev->kind;
}

static fst__ev_kind file_end(fst__input *in, fst__event *ev)
{
    source_close(in);
    in->in_file = 0;
    ev->kind = FST__EV_FILE_END;
    ev->err = in->src_err;
    ev->why = in->src_why;
    ev->gzip = in->gzip;
    ev->gzip_layers = in->layers;
    ev->bytes_read = in->bytes_read;
    return ev->kind;
}

/* Drop bytes up to and including the next '\n'.  Returns 1 when found. */
static int discard_long(fst__input *in)
{
    const char *nl = memchr(in->dbuf + in->dpos, '\n', in->dlen - in->dpos);
    if (nl) {
        in->dpos = in->scan = (size_t)(nl - in->dbuf) + 1;
        in->discarding = 0;
        return 1;
    }
    in->dpos = in->dlen = in->scan = 0;
    return 0;
}

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
                return emit_line(in, ev, it.text, it.len);
            if (it.kind == FST__ENV_ITEM_CONTROL) { /* no record: an empty line, "ignored" */
                emit_line(in, ev, in->empty, 0);
                ev->why = it.why;
                return ev->kind;
            }
            in->lineno++;
            return bad_line(in, ev, it.err, it.why);
        }
        if (rc < 0) {
            if (!in->src_err) /* a gzip error that came first is the one reported */
                finish(in, rc, fst__envelope_why(in->env));
            in->src_done = 1;
            in->dpos = in->dlen = in->scan = 0;
            return file_end(in, ev);
        }
        if (in->dpos < in->dlen) {
            in->dpos += fst__envelope_feed(in->env, in->dbuf + in->dpos, in->dlen - in->dpos);
            continue;
        }
        if (in->src_done) {
            const int end = in->src_err ? 0 : fst__envelope_finish(in->env);
            if (end < 0)
                finish(in, end, fst__envelope_why(in->env));
            return file_end(in, ev);
        }
        in->dpos = in->dlen = in->scan = 0;
        dec_fill(in);
    }
}

/* The framing loop: the next LINE, BADLINE or FILE_END of the open file. */
static fst__ev_kind frame_next(fst__input *in, fst__event *ev)
{
    if (in->json)
        return json_next(in, ev);
    for (;;) {
        if (in->discarding && !discard_long(in)) {
            if (in->src_done)
                return file_end(in, ev);
            dec_fill(in);
            continue;
        }
        char *nl = memchr(in->dbuf + in->scan, '\n', in->dlen - in->scan);
        if (nl) {
            char *s = in->dbuf + in->dpos;
            in->dpos = in->scan = (size_t)(nl - in->dbuf) + 1;
            return emit_line(in, ev, s, (size_t)(nl - s));
        }
        in->scan = in->dlen;
        const size_t part = in->dlen - in->dpos;
        if (part > (size_t)in->max_line + 1) { /* too long even with a '\r' */
            in->lineno++;
            in->discarding = 1;
            in->dpos = in->dlen = in->scan = 0;
            return bad_line(in, ev, FST_ELONGLINE, "line too long");
        }
        if (in->src_done) {
            if (!part)
                return file_end(in, ev);
            char *s = in->dbuf + in->dpos;
            in->dpos = in->scan = in->dlen;
            if (in->src_err) { /* the last line was cut by the error */
                in->lineno++;
                return bad_line(in, ev, FST_ETRUNCATED, "last line cut short");
            }
            return emit_line(in, ev, s, part);
        }
        if (in->dpos) {
            memmove(in->dbuf, in->dbuf + in->dpos, part);
            in->dpos = 0;
            in->dlen = in->scan = part;
        }
        dec_fill(in);
    }
}

/* -------------------------------------------------------- walk and sniff */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fst__free(names[i]);
    fst__free(names);
}

/* Read the names of a directory, dot-entries left out, sorted by strcmp. */
static int list_dir(const char *dir, char ***out, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? FST_ENOENT : FST_EIO;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    const struct dirent *de;
    errno = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = fst__realloc(names, cap * sizeof *names);
            if (!grown) {
                rc = FST_ENOMEM;
                break;
            }
            names = grown;
        }
        if (!(names[n] = fst__strndup(de->d_name, strlen(de->d_name)))) {
            rc = FST_ENOMEM;
            break;
        }
        n++;
        errno = 0;
    }
    if (!rc && errno)
        rc = FST_EIO;
    closedir(d);
    if (rc) {
        free_names(names, n);
        return rc;
    }
    if (n)
        qsort(names, n, sizeof *names, cmp_names);
    *out = names;
    *count = n;
    return 0;
}

/* Queue the entries of a directory, in order, in front of the queue. */
static int expand_dir(fst__input *in, const char *dir)
{
    char **names = NULL;
    size_t n = 0;
    FST__TRY(list_dir(dir, &names, &n));
    const size_t dl = strlen(dir);
    const int slash = dl && dir[dl - 1] == '/';
    item *first = NULL, *last = NULL;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const size_t nl = strlen(names[i]);
        item *it = item_new(ITEM_PATH, "", 0);
        char *p = it ? fst__malloc(dl + 1 + nl + 1) : NULL;
        if (!p) {
            item_free(it);
            rc = FST_ENOMEM;
            break;
        }
        memcpy(p, dir, dl);
        if (!slash)
            p[dl] = '/';
        memcpy(p + dl + !slash, names[i], nl + 1);
        fst__free(it->path);
        it->path = p;
        it->walked = 1;
        if (last)
            last->next = it;
        else
            first = it;
        last = it;
    }
    free_names(names, n);
    if (rc) {
        while (first) {
            item *next = first->next;
            item_free(first);
            first = next;
        }
        return rc;
    }
    if (first)
        queue_push_front(in, first, last);
    return 0;
}

/* ------------------------------------------------------------ time order */

/* Whether a queued item is a directory the walk goes into: a named path is
 * followed when it is a symlink, a walked one is not (start_path's rules,
 * which also report whatever is not a directory when it is reached). */
static int is_walk_dir(const item *it)
{
    struct stat st;
    if (it->kind != ITEM_PATH || it->dir_err)
        return 0;
    return (it->walked ? lstat(it->path, &st) : stat(it->path, &st)) == 0 && S_ISDIR(st.st_mode);
}

/* Whether a is read before b: names without a timestamp first, then by
 * timestamp; equal keys are not "before" (the sort is stable). */
static int ts_before(const item *a, const item *b)
{
    if (a->has_ts != b->has_ts)
        return b->has_ts;
    return a->has_ts && a->ts < b->ts;
}

/* Stable merge sort of a NULL-terminated chain by ts_before (no allocation,
 * recursion depth log2 of its length); returns the new head. */
static item *sort_chain(item *head)
{
    if (!head || !head->next)
        return head;
    item *slow = head, *fast = head->next;
    while (fast && fast->next) {
        slow = slow->next;
        fast = fast->next->next;
    }
    item *left = head, *right = slow->next;
    slow->next = NULL;
    left = sort_chain(left);
    right = sort_chain(right);
    item *out = NULL, **tail = &out;
    while (left && right) {
        item **from = ts_before(right, left) ? &right : &left;
        *tail = *from;
        *from = (*from)->next;
        tail = &(*tail)->next;
    }
    *tail = left ? left : right;
    return out;
}

/* Time order (docs/inputs.md): walk every directory still queued to its end
 * with the lazy walk's own expand_dir (children in place of their directory,
 * byte order of name), then order the path items by the timestamp in their
 * names (read/s3name.h), stable, names without one first; stdin and memory
 * items keep their positions in the queue and the path items fill the other
 * positions.  A directory that cannot be listed stays with its error, and is
 * reported as the lazy walk reports it when it is reached (start_path).
 * Allocates nothing beyond the walked items. */
static void order_queue(fst__input *in)
{
    item *files = NULL, **ftail = &files; /* path items, in walk order */
    item *fixed = NULL, **xtail = &fixed; /* stdin and memory items */
    size_t n = 0;
    item *it;
    while ((it = queue_pop(in))) {
        if (is_walk_dir(it)) {
            const int rc = expand_dir(in, it->path);
            if (!rc) {
                item_free(it);
                continue;
            }
            it->dir_err = rc;
        }
        it->slot = n++;
        if (it->kind == ITEM_PATH) {
            it->has_ts = fst__s3name_time(it->path, &it->ts);
            *ftail = it;
            ftail = &it->next;
        } else {
            *xtail = it;
            xtail = &it->next;
        }
    }
    files = sort_chain(files);
    for (size_t i = 0; i < n; i++) {
        item **from = fixed && fixed->slot == i ? &fixed : &files;
        it = *from;
        *from = it->next;
        it->next = NULL;
        queue_push(in, it);
    }
    in->ordered = 1;
}

/* Walked files with these endings are never read. */
static const struct {
    const char *ext;
    const char *why;
} skip_names[] = {
    {".parquet", "Parquet, not read yet (by name)"},
    {".md", "not a flow log (.md)"},      {".yml", "not a flow log (.yml)"},
    {".yaml", "not a flow log (.yaml)"},  {".html", "not a flow log (.html)"},
    {".xml", "not a flow log (.xml)"},    {".csv", "not a flow log (.csv)"},
    {".pdf", "binary (.pdf)"},            {".png", "binary (.png)"},
    {".jpg", "binary (.jpg)"},            {".zip", "binary (.zip)"},
    {".tar", "binary (.tar)"},            {".manifest", "not a flow log (.manifest)"},
    {".sha256", "not a flow log (.sha256)"},
};

static const char *skip_by_name(const char *path)
{
    const size_t pl = strlen(path);
    for (size_t i = 0; i < FST__ARRAY_LEN(skip_names); i++) {
        const size_t el = strlen(skip_names[i].ext);
        if (pl > el && strcasecmp(path + pl - el, skip_names[i].ext) == 0)
            return skip_names[i].why;
    }
    return NULL;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* The first line of dbuf[0..dlen) that is not blank and does not start with
 * '#'.  Returns 1 with the line in *s and *len ('\r' stripped) when found complete (or cut
 * at the end of what there is when final), 0 when more data is needed or
 * there is none. */
static int sniff_line(const fst__input *in, int final, char **s, size_t *len)
{
    size_t pos = 0;
    while (pos < in->dlen) {
        char *b = in->dbuf + pos;
        const char *nl = memchr(b, '\n', in->dlen - pos);
        if (!nl && !final)
            return 0;
        size_t n = nl ? (size_t)(nl - b) : in->dlen - pos;
        pos += n + 1;
        if (n && b[n - 1] == '\r')
            n--;
        size_t k = 0;
        while (k < n && is_space(b[k]))
            k++;
        if (k == n || b[k] == '#')
            continue;
        *s = b;
        *len = n;
        return 1;
    }
    return 0;
}

/* Whether the opened file is a JSON envelope (decode/envelope.h): its first
 * non-blank decoded byte is '{' and the top-level keys of that object,
 * within the first SNIFF_MAX decoded bytes, name one.  Peeks only (the
 * bytes stay in dbuf for the reading).  Sets and returns in->json; an
 * envelope reader that cannot be created finishes the file (ENOMEM). */
static fst__env_kind detect_envelope(fst__input *in)
{
    const size_t limit = SNIFF_MAX < in->dcap - 1 ? SNIFF_MAX : in->dcap - 1;
    size_t k = 0;
    fst__env_kind kind;
    for (;;) {
        while (k < in->dlen && is_space(in->dbuf[k]))
            k++;
        const int final = in->src_done || in->dlen >= limit;
        if (k < in->dlen && in->dbuf[k] != '{')
            return in->json = FST__ENV_NONE;
        kind = fst__envelope_sniff(in->dbuf + k, in->dlen - k, final);
        if (kind != FST__ENV_MORE)
            break;
        dec_fill(in);
    }
    if (kind == FST__ENV_NONE)
        return in->json = FST__ENV_NONE;
    if (!in->env)
        in->env = fst__envelope_new(in->max_line, fst__inflate_pick(in->force_zlib), in->env_slow);
    if (!in->env) {
        finish(in, FST_ENOMEM, "out of memory");
        return in->json = FST__ENV_NONE;
    }
    fst__envelope_reset(in->env);
    return in->json = kind;
}

/* Decide whether a walked, opened file is read; NULL = read it, else why. */
static const char *sniff_content(fst__input *in)
{
    const size_t limit = SNIFF_MAX < in->dcap - 1 ? SNIFF_MAX : in->dcap - 1;
    const gz_layer *raw = &in->lay[0];
    if (raw->rend - raw->rp >= 4 && memcmp(raw->rp, "PAR1", 4) == 0)
        return "Parquet, not read yet";
    char *s = NULL;
    size_t len = 0;
    int found = 0;
    for (;;) {
        const int final = in->src_done || in->dlen >= limit;
        found = sniff_line(in, final, &s, &len);
        if (found || final)
            break;
        dec_fill(in);
    }
    const size_t block = in->dlen < SNIFF_BLOCK ? in->dlen : SNIFF_BLOCK;
    if (in->dlen >= 4 && memcmp(in->dbuf, "PAR1", 4) == 0)
        return "Parquet, not read yet";
    if (memchr(in->dbuf, '\0', block))
        return "binary";
    size_t k = 0;
    while (k < in->dlen && is_space(in->dbuf[k]))
        k++;
    if (k < in->dlen && in->dbuf[k] == '{')
        return detect_envelope(in) ? NULL : "json";
    if (k < in->dlen && in->dbuf[k] == '[')
        return "json";
    if (found && in->sniff) {
        const char save = s[len]; /* s[len] <= dbuf[dlen] < dbuf[dcap] */
        s[len] = '\0';
        const int ok = in->sniff(s, len, in->ud);
        s[len] = save;
        if (!ok)
            return "not a flow log";
    }
    return NULL;
}

/* ------------------------------------------------------------- sequencing */

static void source_reset(fst__input *in)
{
    in->gzip = in->raw_eof = in->src_done = in->src_err = 0;
    in->src_why = NULL;
    in->bytes_read = in->lineno = 0;
    in->dpos = in->dlen = in->scan = 0;
    in->discarding = 0;
    for (int k = 0; k < MAX_LAYERS; k++) {
        gz_layer *L = &in->lay[k];
        L->rp = L->rend = L->buf ? L->buf + HIST : NULL;
        L->member_done = L->ended = L->err = L->at = 0;
        L->why = NULL;
    }
    in->layers = 0;
    in->json = FST__ENV_NONE;
}

/* Look at the first raw bytes: gzip or not, and start the decoder (with
 * as many layers as there is gzip inside gzip). */
static void source_start(fst__input *in)
{
    gz_layer *L = &in->lay[0];
    if (in->cur->kind == ITEM_MEM) {
        L->rp = in->cur->mem;
        L->rend = in->cur->mem + in->cur->mem_len;
        in->bytes_read = in->cur->mem_len;
        in->raw_eof = 1;
    } else {
        while (L->rend - L->rp < 2 && !in->raw_eof) {
            if (raw_refill(in) < 0) {
                finish(in, FST_EIO, "read error");
                return;
            }
        }
    }
    in->gzip = L->rend - L->rp >= 2 && L->rp[0] == 0x1f && L->rp[1] == 0x8b;
    if (in->gzip) {
        const int rc = gz_member_start(in, 0);
        if (rc < 0) {
            finish(in, rc, "out of memory");
            return;
        }
        in->layers = 1;
        detect_nested(in);
    }
}

/* The current input becomes the one whose path events show. */
static void show(fst__input *in)
{
    if (in->shown != in->cur)
        item_free(in->shown);
    in->shown = in->cur;
}

static fst__ev_kind skipped(fst__input *in, fst__event *ev, int err, const char *why)
{
    source_close(in);
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

static int open_err(int e)
{
    return e == ENOENT || e == ENOTDIR ? FST_ENOENT : FST_EIO;
}

static const char *open_why(int e)
{
    if (e == ENOENT || e == ENOTDIR)
        return "vanished";
    return e == EACCES || e == EPERM ? "permission denied" : "cannot open";
}

/* A path item: directory (expanded, returns 0), skipped, or begun. */
static fst__ev_kind start_path(fst__input *in, fst__event *ev)
{
    const item *it = in->cur;
    struct stat st;
    if (it->dir_err) /* time order: listed (and failed) before the first file */
        return skipped(in, ev, it->dir_err, "cannot read directory");
    if ((it->walked ? lstat(it->path, &st) : stat(it->path, &st)) != 0)
        return skipped(in, ev, open_err(errno), open_why(errno));
    if (it->walked && S_ISLNK(st.st_mode)) {
        if (stat(it->path, &st) != 0)
            return skipped(in, ev, open_err(errno), "broken symlink");
        if (S_ISDIR(st.st_mode))
            return skipped(in, ev, 0, "symlink to a directory, not followed");
    }
    if (S_ISDIR(st.st_mode)) {
        const int rc = expand_dir(in, it->path);
        return rc ? skipped(in, ev, rc, "cannot read directory") : FST__EV_END;
    }
    if (it->walked && !S_ISREG(st.st_mode))
        return skipped(in, ev, 0, "not a regular file");
    const char *why = it->walked ? skip_by_name(it->path) : NULL;
    if (why)
        return skipped(in, ev, 0, why);
    in->fd = open(it->path, O_RDONLY | O_CLOEXEC);
    if (in->fd < 0)
        return skipped(in, ev, open_err(errno), open_why(errno));
    in->own_fd = 1;
    source_start(in);
    if (it->walked && (why = sniff_content(in)))
        return skipped(in, ev, 0, why);
    if (!it->walked)
        detect_envelope(in);
    return begin(in, ev);
}

fst__ev_kind fst__input_next(fst__input *in, fst__event *ev)
{
    memset(ev, 0, sizeof *ev);
    if (in->in_file) {
        ev->path = in->cur->path;
        return frame_next(in, ev);
    }
    if (in->time_order && !in->ordered && !in->done)
        order_queue(in);
    while (!in->done) {
        if (in->cur != in->shown)
            item_free(in->cur); /* an expanded directory */
        in->cur = queue_pop(in);
        if (!in->cur)
            break;
        source_reset(in);
        switch (in->cur->kind) {
        case ITEM_STDIN:
            in->fd = 0;
            in->own_fd = 0;
            source_start(in);
            detect_envelope(in);
            return begin(in, ev);
        case ITEM_MEM:
            source_start(in);
            detect_envelope(in);
            return begin(in, ev);
        case ITEM_PATH: {
            const fst__ev_kind k = start_path(in, ev);
            if (k != FST__EV_END)
                return k;
            break;
        }
        }
    }
    in->done = 1;
    ev->kind = FST__EV_END;
    return ev->kind;
}
