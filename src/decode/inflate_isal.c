/* decode/inflate_isal.c - the fast gzip backend of decode/inflate.h (isa-l igzip).
 *
 * Owns: one isa-l struct inflate_state per state, with crc_flag = ISAL_GZIP
 * so isa-l parses the gzip header and checks the CRC-32/ISIZE trailer.
 * Compiled to an empty backend (fst__inflate_isal_ops() == NULL) when the
 * build has no isa-l (FST_HAVE_ISAL undefined).
 */
#include "decode/inflate.h"

#ifdef FST_HAVE_ISAL

#include <isa-l/igzip_lib.h>
#include <stdint.h>

#include "flowstitch/errors.h"
#include "util/util.h"

/* isa-l counts in uint32_t; feed at most this much per call. */
#define ICHUNK ((size_t)1 << 30)

static void *isal_create(void)
{
    struct inflate_state *s = fst__malloc(sizeof *s);
    if (s) {
        isal_inflate_init(s);
        s->crc_flag = ISAL_GZIP;
    }
    return s;
}

static void isal_destroy(void *st)
{
    fst__free(st);
}

static void isal_reset(void *st)
{
    struct inflate_state *s = st;
    isal_inflate_reset(s);
    s->crc_flag = ISAL_GZIP;
}

static int isal_run(void *st, const unsigned char **in, size_t *in_len,
                    unsigned char *out, size_t out_cap, size_t *out_len)
{
    struct inflate_state *s = st;
    const size_t nin = *in_len < ICHUNK ? *in_len : ICHUNK;
    const size_t nout = out_cap < ICHUNK ? out_cap : ICHUNK;

    s->next_in = (uint8_t *)(uintptr_t)*in; /* isa-l does not write input */
    s->avail_in = (uint32_t)nin;
    s->next_out = out;
    s->avail_out = (uint32_t)nout;
    const int rc = isal_inflate(s);
    if (s->avail_in > nin) {
        /* On some errors isa-l 2.30 leaves avail_in at 0xffffffff: never
         * move the input with it (found by tools/fuzz). */
        *out_len = 0;
        return FST_EGZIP;
    }
    const size_t used = nin - s->avail_in;
    *in += used;
    *in_len -= used;
    *out_len = nout - s->avail_out;
    if (rc < 0)
        return FST_EGZIP; /* invalid block/symbol/lookback/wrapper, bad CRC */
    if (s->block_state != ISAL_BLOCK_FINISH)
        return FST__INF_MORE;
    /* Whole bytes still in the bit buffer belong to what follows the member
     * (python-isal does the same); give them back.  With ISAL_GZIP the
     * trailer check normally leaves none. */
    const size_t back = (size_t)(s->read_in_length > 0 ? s->read_in_length / 8 : 0);
    *in -= back;
    *in_len += back;
    s->read_in = 0;
    s->read_in_length = 0;
    return FST__INF_END;
}

static const fst__inflate_ops isal_ops = {
    "isal", isal_create, isal_destroy, isal_reset, isal_run,
};

const fst__inflate_ops *fst__inflate_isal_ops(void)
{
    return &isal_ops;
}

#else

#include <stddef.h>

const fst__inflate_ops *fst__inflate_isal_ops(void)
{
    return NULL;
}

#endif

const fst__inflate_ops *fst__inflate_pick(int force_zlib)
{
    const fst__inflate_ops *isal = fst__inflate_isal_ops();
    return (isal && !force_zlib) ? isal : &fst__inflate_zlib_ops;
}
