/* tools/bench-parse/bench_parse.c - parse-stage throughput.
 *
 * Generates a deterministic corpus of default (14-field, v2) records in
 * memory: 1000 ENIs, IPv4 (1 in 16 IPv6), mixed ports, 1 in 50 NODATA.
 * Then measures, best of R runs:
 *   parser  fst__parser_line over the pre-framed lines (the parse stage
 *           alone: tokenise, convert, intern);
 *   reader  fst_reader over one memory buffer (framing + parse + accounting).
 *
 * usage: fst-bench-parse [lines (default 2000000)] [runs (default 5)]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flowstitch/reader.h"
#include "parse/parser.h"

static uint64_t rng(uint64_t *s)
{
    /* splitmix64: deterministic corpus */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t gen_line(char *b, size_t cap, uint64_t *s)
{
    uint64_t r = rng(s), r2 = rng(s);
    unsigned eni = (unsigned)(r % 1000);
    uint64_t start = 1700000000 + (r2 % 86400);
    if (r % 50 == 0)
        return (size_t)snprintf(b, cap, "2 123456789012 eni-%017x - - - - - - - %llu %llu - NODATA",
                                eni, (unsigned long long)start, (unsigned long long)start + 60);
    unsigned sp = 1024 + (unsigned)(r2 >> 20) % 64000, dp = (r >> 40) % 3 ? 443 : 5432;
    char src[64], dst[64];
    if ((r >> 8) % 16 == 0) {
        snprintf(src, sizeof src, "2001:db8:%x::%x", (unsigned)(r >> 12) & 0xffff, eni);
        snprintf(dst, sizeof dst, "2600:1f18:%x:%x::1", (unsigned)(r2 >> 4) & 0xffff,
                 (unsigned)(r2 >> 24) & 0xfff);
    } else {
        snprintf(src, sizeof src, "10.%u.%u.%u", eni / 256, eni % 256, (unsigned)(r >> 16) % 250 + 1);
        snprintf(dst, sizeof dst, "%u.%u.%u.%u", (unsigned)(r2 >> 8) % 223 + 1,
                 (unsigned)(r2 >> 16) % 256, (unsigned)(r2 >> 24) % 256,
                 (unsigned)(r2 >> 32) % 254 + 1);
    }
    return (size_t)snprintf(b, cap,
                            "2 123456789012 eni-%017x %s %s %u %u 6 %u %llu %llu %llu %s OK", eni,
                            src, dst, sp, dp, (unsigned)(r2 % 400) + 1,
                            (unsigned long long)(r2 % 900000) + 40, (unsigned long long)start,
                            (unsigned long long)start + 1 + (r % 59),
                            (r >> 50) % 10 ? "ACCEPT" : "REJECT");
}

int main(int argc, char **argv)
{
    size_t nlines = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 2000000;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (nlines == 0 || runs <= 0)
        return 2;
    size_t cap = nlines * 160;
    char *buf = malloc(cap);
    size_t *off = malloc((nlines + 1) * sizeof *off);
    if (!buf || !off)
        return 1;
    uint64_t seed = 42;
    size_t pos = 0;
    for (size_t i = 0; i < nlines; i++) {
        off[i] = pos;
        pos += gen_line(buf + pos, cap - pos - 1, &seed);
        buf[pos++] = '\n';
    }
    off[nlines] = pos;
    printf("corpus: %zu lines, %.1f MB, %.1f bytes/line\n", nlines, (double)pos / 1e6,
           (double)pos / (double)nlines);

    /* parser alone: NUL-terminate each line in a private copy */
    char *lines = malloc(pos);
    if (!lines)
        return 1;
    memcpy(lines, buf, pos);
    for (size_t i = 0; i < nlines; i++)
        lines[off[i + 1] - 1] = '\0';
    double best = 1e30;
    uint64_t sum = 0;
    for (int k = 0; k < runs; k++) {
        fst__parser *p = fst__parser_new();
        fst__parser_file_begin(p, "bench");
        fst_record rec;
        memset(&rec, 0, sizeof rec);
        double t0 = now();
        for (size_t i = 0; i < nlines; i++) {
            const char *why;
            int rc = fst__parser_line(p, lines + off[i], off[i + 1] - off[i] - 1, i + 1, &rec, &why);
            if (rc != FST__LINE_RECORD) {
                fprintf(stderr, "line %zu: %d %s\n", i + 1, rc, why);
                return 1;
            }
            sum += rec.num[FST_F_BYTES] + rec.eni;
        }
        double dt = now() - t0;
        if (dt < best)
            best = dt;
        fst__parser_free(p);
    }
    printf("parser: best of %d: %.3f s, %.2f M lines/s, %.0f MB/s (checksum %llu)\n", runs, best,
           (double)nlines / best / 1e6, (double)pos / best / 1e6, (unsigned long long)sum);

    best = 1e30;
    for (int k = 0; k < runs; k++) {
        fst_reader_config cfg;
        fst_reader_config_init(&cfg);
        fst_reader *r = fst_reader_new(&cfg);
        if (!r || fst_reader_add_mem(r, "bench", buf, pos) < 0)
            return 1;
        const fst_record *rec;
        uint64_t n = 0;
        double t0 = now();
        while (fst_reader_next(r, &rec) == 1)
            n++;
        double dt = now() - t0;
        if (n != nlines) {
            fprintf(stderr, "reader: %llu records, want %zu\n", (unsigned long long)n, nlines);
            return 1;
        }
        if (dt < best)
            best = dt;
        fst_reader_free(r);
    }
    printf("reader: best of %d: %.3f s, %.2f M lines/s, %.0f MB/s\n", runs, best,
           (double)nlines / best / 1e6, (double)pos / best / 1e6);
    free(lines);
    free(buf);
    free(off);
    return 0;
}
