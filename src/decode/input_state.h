/* decode/input_state.h - the state of one fst__input, shared by the files
 * of the decode stage (internal to decode/; nothing else includes it).
 *
 * Owns: struct fst__input.  decode/input.c sequences the inputs (queue and
 * sources from read/, sniffing, the envelope choice) and owns the
 * lifecycle; decode/gunzip.c fills dbuf with decoded bytes (gzip detection,
 * streaming multi-member inflate, gzip inside gzip); decode/frame.c cuts
 * dbuf into numbered lines.
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
 */
#ifndef FST_DECODE_INPUT_STATE_H
#define FST_DECODE_INPUT_STATE_H

#include <unistd.h>

#include "decode/envelope.h"
#include "decode/inflate.h"
#include "decode/input.h"
#include "read/queue.h"

#define FST__HIST 16      /* raw history kept before the read position */
#define FST__MAX_LAYERS 3 /* gzip inside gzip, at most this deep */

/* One gzip layer: its input [rp, rend) (in buf, with up to FST__HIST bytes
 * of history kept before rp) and its inflate state.  Layer 0 reads the file
 * (buf is the queue's rbuf, or rp points into a memory item); layer k >= 1
 * reads what layer k-1 inflated.  Owns buf for k >= 1, and zst. */
typedef struct fst__gz_layer {
    unsigned char *buf;
    const unsigned char *rp, *rend;
    void *zst;
    int member_done; /* the current member ended: next one, padding or end */
    int ended;       /* no more output: err 0 (its stream ended) or the problem */
    int err;
    int at; /* the layer the problem came from (it may come from below) */
    const char *why;
} fst__gz_layer;

struct fst__input {
    uint32_t max_line;
    fst__sniff_fn sniff;
    void *ud;
    fst__queue q;     /* inputs not yet opened (read/queue.h) */
    fst__item *cur;   /* input being opened or read */
    fst__item *shown; /* input of the last FILE_BEGIN/SKIPPED: its path stays valid */
    int in_file;      /* between FILE_BEGIN and FILE_END */
    int done;         /* END reached */
    int time_order;   /* walk eagerly and read in order of name timestamps */
    int handoff;      /* fst__input_handoff: inputs with more queued behind go to others */
    fst__item *handed; /* the input handed off (FST__EV_HANDOFF), until taken */

    /* current source */
    int fd, own_fd;
    int gzip;
    int raw_eof;  /* no more raw bytes */
    int src_done; /* decoded stream finished, cleanly or not */
    int src_err;  /* 0 or the code that finished it early */
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
    fst__gz_layer lay[FST__MAX_LAYERS];
    int layers;
    int force_zlib;
    char gz_why[96]; /* the reason of an error in gzip inside gzip */

    /* JSON envelopes (decode/envelope.h) */
    fst__envelope *env; /* created at the first envelope met */
    int env_slow;       /* FST_ENVELOPE_SLOW=1: jansson for every document */
    fst__env_kind json; /* the open file is this envelope, else FST__ENV_NONE */
    char empty[1];      /* text of the empty line a CONTROL_MESSAGE becomes */
};

/* The decoded stream of the open input finished: cleanly (err 0) or not. */
static inline void fst__input_finish(fst__input *in, int err, const char *why)
{
    in->src_done = 1;
    in->src_err = err;
    in->src_why = why;
}

/* Close the open file (stdin and memory are not closed). */
static inline void fst__input_close_fd(fst__input *in)
{
    if (in->own_fd && in->fd >= 0)
        close(in->fd);
    in->fd = -1;
    in->own_fd = 0;
}

#endif
