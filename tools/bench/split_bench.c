/* tools/bench/split_bench.c - the bare one-core split-and-parse loop: read a
 * default-format (14-field) flow-log file, split each line on spaces, parse
 * ports, protocol, packets, bytes, start, end, and sum bytes.  No hashing,
 * no sessions: the speed any record-at-a-time engine is measured against.
 * Prints: split <records/s> <seconds> <records> <bytes summed>, best of N. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t num(const char *s, const char *e)
{
    uint64_t v = 0;
    for (; s < e; s++)
        v = v * 10 + (uint64_t)(*s - '0');
    return v;
}

/* Split one line; returns bytes field value (0 for '-'), counts fields. */
static uint64_t parse_line(const char *p, const char *end, uint64_t *check)
{
    const char *tok[16];
    const char *tend[16];
    int n = 0;
    while (p < end && n < 16) {
        while (p < end && *p == ' ')
            p++;
        tok[n] = p;
        while (p < end && *p != ' ')
            p++;
        tend[n++] = p;
    }
    if (n < 14 || tok[9][0] == '-')
        return 0;
    *check += num(tok[5], tend[5]) + num(tok[6], tend[6]) + num(tok[7], tend[7]) +
              num(tok[8], tend[8]) + num(tok[10], tend[10]) + num(tok[11], tend[11]);
    return num(tok[9], tend[9]);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: fst-bench-split FILE [RUNS]\n", stderr);
        return 2;
    }
    const int runs = argc > 2 ? atoi(argv[2]) : 3;
    double best = 1e30;
    uint64_t records = 0, bytes = 0, check = 0;
    static char buf[1 << 20];
    for (int r = 0; r < runs; r++) {
        FILE *f = fopen(argv[1], "rb");
        if (!f)
            return 1;
        const double t0 = now();
        records = bytes = 0;
        size_t have = 0, got;
        while ((got = fread(buf + have, 1, sizeof buf - have, f)) > 0 || have) {
            have += got;
            char *p = buf, *end = buf + have, *nl;
            while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
                bytes += parse_line(p, nl, &check);
                records++;
                p = nl + 1;
            }
            have = (size_t)(end - p);
            memmove(buf, p, have);
            if (!got)
                break;
        }
        fclose(f);
        const double dt = now() - t0;
        if (dt < best)
            best = dt;
    }
    printf("split %.0f %.3f %llu %llu\n", (double)records / best, best,
           (unsigned long long)records, (unsigned long long)bytes);
    return check == 42 ? 3 : 0; /* keep `check` alive */
}
