/* tools/bench/inflate_bench.c - how fast can each available inflater
 * decompress one gzip file, on its own?  The ceiling flowstitch's gzip path
 * is compared with.  Prints one line per inflater:
 *   inflate <name> <MB/s of output> <seconds> <output bytes>
 * best of N runs (N = argv[2], default 3). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#ifdef FST_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif
#ifdef FST_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#define CHUNK (256 * 1024)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned char *load(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    const long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)len);
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *n = (size_t)len;
    return buf;
}

/* zlib, streaming into a fixed buffer, all members. */
static uint64_t run_zlib(const unsigned char *in, size_t n)
{
    static unsigned char out[CHUNK];
    z_stream z;
    memset(&z, 0, sizeof z);
    inflateInit2(&z, 15 + 32);
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)n;
    uint64_t total = 0;
    for (;;) {
        z.next_out = out;
        z.avail_out = CHUNK;
        const int rc = inflate(&z, Z_NO_FLUSH);
        total += CHUNK - z.avail_out;
        if (rc == Z_STREAM_END) {
            if (z.avail_in == 0)
                break;
            inflateReset(&z);
        } else if (rc != Z_OK) {
            break;
        }
    }
    inflateEnd(&z);
    return total;
}

#ifdef FST_HAVE_ISAL
/* isa-l igzip, streaming into a fixed buffer, all members. */
static uint64_t run_isal(const unsigned char *in, size_t n)
{
    static unsigned char out[CHUNK];
    static struct inflate_state st;
    isal_inflate_init(&st);
    st.crc_flag = ISAL_GZIP;
    st.next_in = (uint8_t *)in;
    st.avail_in = (uint32_t)n;
    uint64_t total = 0;
    for (;;) {
        st.next_out = out;
        st.avail_out = CHUNK;
        if (isal_inflate(&st) != ISAL_DECOMP_OK)
            break;
        total += CHUNK - st.avail_out;
        if (st.block_state == ISAL_BLOCK_FINISH) {
            if (st.avail_in == 0)
                break;
            const uint8_t *next = st.next_in;
            const uint32_t left = st.avail_in;
            isal_inflate_reset(&st);
            st.crc_flag = ISAL_GZIP;
            st.next_in = (uint8_t *)next;
            st.avail_in = left;
        }
    }
    return total;
}
#endif

#ifdef FST_HAVE_LIBDEFLATE
/* libdeflate: whole buffer in one call (it cannot stream); output size from
 * the gzip trailer (single member, < 4 GiB). */
static uint64_t run_libdeflate(const unsigned char *in, size_t n)
{
    const uint32_t isize = (uint32_t)in[n - 4] | (uint32_t)in[n - 3] << 8 |
                           (uint32_t)in[n - 2] << 16 | (uint32_t)in[n - 1] << 24;
    unsigned char *out = malloc((size_t)isize + 1);
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    size_t got = 0;
    const enum libdeflate_result rc = libdeflate_gzip_decompress(d, in, n, out, isize, &got);
    libdeflate_free_decompressor(d);
    free(out);
    return rc == LIBDEFLATE_SUCCESS ? got : 0;
}
#endif

static void bench(const char *name, uint64_t (*fn)(const unsigned char *, size_t),
                  const unsigned char *in, size_t n, int runs)
{
    double best = 1e30;
    uint64_t bytes = 0;
    for (int i = 0; i < runs; i++) {
        const double t0 = now();
        bytes = fn(in, n);
        const double dt = now() - t0;
        if (dt < best)
            best = dt;
    }
    printf("inflate %s %.1f %.3f %llu\n", name, (double)bytes / best / 1e6, best,
           (unsigned long long)bytes);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: fst-bench-inflate FILE.gz [RUNS]\n", stderr);
        return 2;
    }
    const int runs = argc > 2 ? atoi(argv[2]) : 3;
    size_t n = 0;
    unsigned char *in = load(argv[1], &n);
    if (!in || n < 18) {
        fprintf(stderr, "fst-bench-inflate: cannot read %s\n", argv[1]);
        return 1;
    }
    bench("zlib", run_zlib, in, n, runs);
#ifdef FST_HAVE_ISAL
    bench("isa-l", run_isal, in, n, runs);
#endif
#ifdef FST_HAVE_LIBDEFLATE
    bench("libdeflate", run_libdeflate, in, n, runs);
#endif
    free(in);
    return 0;
}
