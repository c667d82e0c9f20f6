/* decode/inflate_zlib.c - the portable gzip backend of decode/inflate.h (zlib).
 *
 * Owns: one z_stream per state, set up with inflateInit2(15 + 32) so the
 * gzip wrapper and its CRC-32/ISIZE trailer are checked by zlib.
 */
#include "decode/inflate.h"

#include <limits.h>
#include <stdint.h>
#include <zlib.h>

#include "flowstitch/errors.h"
#include "util/util.h"

/* zlib counts in uInt; feed at most this much per call. */
#define ZCHUNK ((size_t)1 << 30)

static void *zlib_create(void)
{
    z_stream *zs = fst__calloc(1, sizeof *zs);
    if (zs && inflateInit2(zs, 15 + 32) != Z_OK) {
        fst__free(zs);
        return NULL;
    }
    return zs;
}

static void zlib_destroy(void *st)
{
    if (st) {
        inflateEnd(st);
        fst__free(st);
    }
}

static void zlib_reset(void *st)
{
    inflateReset(st);
}

static int zlib_run(void *st, const unsigned char **in, size_t *in_len,
                    unsigned char *out, size_t out_cap, size_t *out_len)
{
    z_stream *zs = st;
    const size_t nin = *in_len < ZCHUNK ? *in_len : ZCHUNK;
    const size_t nout = out_cap < ZCHUNK ? out_cap : ZCHUNK;

    zs->next_in = (Bytef *)(uintptr_t)*in; /* zlib does not write input */
    zs->avail_in = (uInt)nin;
    zs->next_out = out;
    zs->avail_out = (uInt)nout;
    const int rc = inflate(zs, Z_NO_FLUSH);
    const size_t used = nin - zs->avail_in;
    *in += used;
    *in_len -= used;
    *out_len = nout - zs->avail_out;
    switch (rc) {
    case Z_STREAM_END:
        return FST__INF_END;
    case Z_OK:
    case Z_BUF_ERROR: /* no progress possible now: caller brings more */
        return FST__INF_MORE;
    case Z_MEM_ERROR:
        return FST_ENOMEM;
    default: /* Z_DATA_ERROR (bad data, bad CRC), Z_NEED_DICT, ... */
        return FST_EGZIP;
    }
}

const fst__inflate_ops fst__inflate_zlib_ops = {
    "zlib", zlib_create, zlib_destroy, zlib_reset, zlib_run,
};
