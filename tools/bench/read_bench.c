/* tools/bench/read_bench.c - the reader alone: fst_reader_next over the
 * inputs with a given number of parse threads, nothing done with the
 * records (their bytes are summed so the loop is not empty).  What the
 * read side (read, inflate, frame, parse, account) delivers to its caller.
 * Usage: fst-bench-read THREADS INPUT...   (THREADS 0: one per CPU)
 * Prints: read threads=<n> <records/s> <seconds> <records> <bytes summed>. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <flowstitch.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: fst-bench-read THREADS INPUT...\n", stderr);
        return 2;
    }
    const long t = strtol(argv[1], NULL, 10);
    fst_reader_config cfg;
    fst_reader_config_init(&cfg);
    cfg.threads = t == 0 ? FST_READER_THREADS_AUTO : (uint32_t)t;
    const double t0 = now();
    fst_reader *r = fst_reader_new(&cfg);
    if (!r)
        return 3;
    for (int i = 2; i < argc; i++)
        fst_reader_add_path(r, argv[i]);
    const fst_record *rec;
    uint64_t n = 0, sum = 0;
    int rc;
    while ((rc = fst_reader_next(r, &rec)) > 0) {
        n++;
        sum += rec->num[FST_F_BYTES];
    }
    const double dt = now() - t0;
    fst_reader_free(r);
    printf("read threads=%ld %.0f %.3f %llu %llu\n", t, (double)n / dt, dt,
           (unsigned long long)n, (unsigned long long)sum);
    return rc < 0 ? 1 : 0;
}
