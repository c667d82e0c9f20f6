/* decode/gunzip.c - decoded bytes of the open input: raw reads, gzip
 * detection, streaming multi-member inflate, gzip inside gzip
 * (decode/gunzip.h).
 *
 * Gzip layers.  Layer 0 inflates the file; with gzip inside gzip, layer k
 * inflates what layer k-1 inflated, pulling it through layer_refill in
 * chunks of `raw` bytes, so memory stays fixed whatever the depth.  Every
 * layer is multi-member.  A layer that ends records why (err 0: its stream
 * ended cleanly) and the layer above ends the same way once it has used
 * every byte it got; the innermost layer's end finishes the source.
 */
#include "decode/gunzip.h"

#include <stdio.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "decode/gzip.h"
#include "read/source.h"
#include "util/util.h"

#define HIST FST__HIST
#define MAX_LAYERS FST__MAX_LAYERS

typedef fst__gz_layer gz_layer;

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
    if (in->raw_eof || in->cur->kind == FST__ITEM_MEM) {
        in->raw_eof = 1;
        return 0;
    }
    gz_layer *L = &in->lay[0];
    unsigned char *dst = keep_history(L);
    const ssize_t r = fst__read_fd(in->fd, dst, in->raw);
    L->rend = dst + (r > 0 ? r : 0);
    if (r < 0)
        return FST_EIO;
    if (r == 0)
        in->raw_eof = 1;
    in->bytes_read += (uint64_t)(r > 0 ? r : 0);
    return (int)(r > 0);
}

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

/* Between members: skip zero padding, then either the end of input
 * (clean), another member or garbage (decode/gzip.h).  Returns 1 to go on
 * inflating, 0 when layer k ended. */
static int gz_next_member(fst__input *in, int k)
{
    gz_layer *L = &in->lay[k];
    fst__gz_after next;
    while ((next = fst__gzip_after_member(&L->rp, L->rend)) == FST__GZ_AFTER_EMPTY) {
        const int r = layer_refill(in, k);
        if (r <= 0) {
            if (r == 0)
                layer_end(L, 0, NULL, k);
            return 0;
        }
    }
    if (next == FST__GZ_AFTER_GARBAGE) {
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
        fst__input_finish(in, L->err, why);
    }
    return got;
}

/* Gzip inside gzip: while what the innermost layer inflates starts with the
 * gzip magic and method (1f 8b 08), a new layer inflates that, up to
 * MAX_LAYERS; deeper is an error.  Called at the start of a gzip file with
 * dbuf empty; bytes looked at that are not gzip stay in dbuf. */
static void detect_nested(fst__input *in)
{
    static const unsigned char magic[3] = {FST__GZIP_ID1, FST__GZIP_ID2, FST__GZIP_CM_DEFLATE};
    for (;;) {
        while (in->dlen < sizeof magic && !in->src_done)
            in->dlen += gz_fill(in, (unsigned char *)in->dbuf + in->dlen, sizeof magic - in->dlen);
        if (in->dlen < sizeof magic || memcmp(in->dbuf, magic, sizeof magic) != 0)
            return;
        in->dlen = 0;
        if (in->layers == MAX_LAYERS) {
            fst__input_finish(in, FST_EGZIP, "gzip inside gzip nested more than 3 deep");
            return;
        }
        gz_layer *L = &in->lay[in->layers];
        if (!L->buf && !(L->buf = fst__malloc(HIST + in->raw + HIST))) {
            fst__input_finish(in, FST_ENOMEM, "out of memory");
            return;
        }
        L->rp = L->buf + HIST;
        memcpy(L->buf + HIST, magic, sizeof magic);
        L->rend = L->rp + sizeof magic;
        if (gz_member_start(in, in->layers) < 0) {
            fst__input_finish(in, FST_ENOMEM, "out of memory");
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
    if (in->raw_eof || in->cur->kind == FST__ITEM_MEM) {
        fst__input_finish(in, 0, NULL);
        return 0;
    }
    const ssize_t r = fst__read_fd(in->fd, out, cap);
    if (r <= 0) {
        fst__input_finish(in, r ? FST_EIO : 0, r ? "read error" : NULL);
        return 0;
    }
    in->bytes_read += (uint64_t)r;
    return (size_t)r;
}

void fst__gunzip_fill(fst__input *in)
{
    const size_t room = in->dcap - 1 - in->dlen;
    const size_t cap = room < in->fill ? room : in->fill;
    char *out = in->dbuf + in->dlen;
    if (in->src_done || cap == 0)
        return;
    in->dlen += in->gzip ? gz_fill(in, (unsigned char *)out, cap) : plain_fill(in, out, cap);
}

void fst__gunzip_reset(fst__input *in)
{
    in->gzip = in->raw_eof = 0;
    for (int k = 0; k < MAX_LAYERS; k++) {
        gz_layer *L = &in->lay[k];
        L->rp = L->rend = L->buf ? L->buf + HIST : NULL;
        L->member_done = L->ended = L->err = L->at = 0;
        L->why = NULL;
    }
    in->layers = 0;
}

void fst__gunzip_start(fst__input *in)
{
    gz_layer *L = &in->lay[0];
    if (in->cur->kind == FST__ITEM_MEM) {
        L->rp = in->cur->mem;
        L->rend = in->cur->mem + in->cur->mem_len;
        in->bytes_read = in->cur->mem_len;
        in->raw_eof = 1;
    } else {
        while (L->rend - L->rp < 2 && !in->raw_eof) {
            if (raw_refill(in) < 0) {
                fst__input_finish(in, FST_EIO, "read error");
                return;
            }
        }
    }
    in->gzip = fst__gzip_magic(L->rp, (size_t)(L->rend - L->rp));
    if (in->gzip) {
        const int rc = gz_member_start(in, 0);
        if (rc < 0) {
            fst__input_finish(in, rc, "out of memory");
            return;
        }
        in->layers = 1;
        detect_nested(in);
    }
}

void fst__gunzip_free(fst__input *in)
{
    for (int k = 0; k < MAX_LAYERS; k++) {
        if (in->lay[k].zst)
            in->zops->destroy(in->lay[k].zst);
        if (k)
            fst__free(in->lay[k].buf);
    }
}
