/* tests/robust_rig.h - what test_robustness.c and test_robustness_replay.c
 * share: a growable byte buffer and the session callback that checks ids
 * and per-session bounds against the naive sums. */
#ifndef FST_TESTS_ROBUST_RIG_H
#define FST_TESTS_ROBUST_RIG_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <flowstitch.h>

/* The fuzz targets' invariant checks (public API only); they abort on a
 * violation, which Criterion reports as a crash of the test. */
/* Each test file uses part of the fuzz targets' static helpers. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "../tools/fuzz/fuzz_common.h"
#pragma GCC diagnostic pop

/* ---- growable byte buffer -------------------------------------------- */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static inline void put(buf *b, const void *d, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap)
            cap *= 2;
        b->p = realloc(b->p, cap);
        cr_assert_not_null(b->p);
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, d, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static inline void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

typedef struct srun {
    uint64_t n, naive_bytes, naive_packets, max_bytes, max_packets;
    int overflow;
} srun;

static inline int on_session(const fst_session *s, void *ud)
{
    srun *c = ud;
    c->n++;
    cr_assert_eq(s->id, c->n, "session ids are 1..N in order");
    uint64_t b = s->c2s_bytes + s->s2c_bytes, p = s->c2s_packets + s->s2c_packets;
    cr_assert_geq(b, s->c2s_bytes, "session byte sum overflows");
    if (!c->overflow) {
        cr_assert_leq(b, c->naive_bytes, "session %llu: %llu bytes > naive %llu",
                      (unsigned long long)s->id, (unsigned long long)b,
                      (unsigned long long)c->naive_bytes);
        cr_assert_leq(p, c->naive_packets, "session packets > naive");
    }
    if (b > c->max_bytes)
        c->max_bytes = b;
    if (p > c->max_packets)
        c->max_packets = p;
    return 0;
}

#endif
