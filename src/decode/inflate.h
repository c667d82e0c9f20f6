/* decode/inflate.h - one gzip member at a time, streaming (internal).
 *
 * Owns: the small interface behind which the gzip inflaters sit.  Two
 * backends implement it: zlib (inflate_zlib.c, always built, the portable
 * path) and isa-l's igzip (inflate_isal.c, built when CMake found isa-l and
 * defined FST_HAVE_ISAL, the fast path).  Both decode exactly one gzip member
 * per reset and report its end; what lies between members (the next magic,
 * zero padding, end of input) is decided by the callers, with the one rule
 * of decode/gzip.h (fst__gzip_after_member), so the two paths cannot
 * disagree about multi-member files.
 *
 * Input contract: a backend may read a few bytes past the end of a member
 * into its bit buffer; at FST__INF_END it hands them back by moving *in
 * backwards (at most 8 bytes).  The caller therefore keeps the 8 stream
 * bytes before *in readable and unchanged (decode/gunzip.c keeps a history
 * prefix in its raw buffer; memory inputs are contiguous anyway).
 *
 * No global mutable state: the ops tables are const, every state object is
 * created by create() and freed by destroy().
 */
#ifndef FST_DECODE_INFLATE_H
#define FST_DECODE_INFLATE_H

#include <stddef.h>

/* run() results besides negative fst_errno codes (FST_EGZIP, FST_ENOMEM). */
#define FST__INF_MORE 0 /* progress made; call again with more input or room */
#define FST__INF_END 1  /* the member ended; *in points just past its trailer */

typedef struct fst__inflate_ops {
    const char *name; /* "zlib" or "isal" */
    /* New state ready for a gzip member; NULL on out of memory. */
    void *(*create)(void);
    void (*destroy)(void *st);
    /* Forget the current member; the next run() expects a gzip header. */
    void (*reset)(void *st);
    /* Inflate from (*in, *in_len) into out[0..out_cap).  Advances *in and
     * decreases *in_len by the input used, sets *out_len to the bytes
     * written.  out_cap > 0.  Returns FST__INF_MORE, FST__INF_END or a
     * negative code (FST_EGZIP for bad data or a checksum mismatch); output
     * written before an error is valid and counted in *out_len. */
    int (*run)(void *st, const unsigned char **in, size_t *in_len,
               unsigned char *out, size_t out_cap, size_t *out_len);
} fst__inflate_ops;

/* The portable zlib backend (inflateInit2 with 15+32). */
extern const fst__inflate_ops fst__inflate_zlib_ops;
/* The isa-l backend, or NULL when the build has no isa-l. */
const fst__inflate_ops *fst__inflate_isal_ops(void);
/* isa-l when available and not forced off, else zlib.  Never NULL. */
const fst__inflate_ops *fst__inflate_pick(int force_zlib);

#endif
