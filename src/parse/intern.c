/* parse/intern.c - a table of strings stored in an arena.
 *
 * Entries and their text live in arena blocks of 64 KiB (a longer string
 * gets a block of its own), so interning costs one hash lookup and, the
 * first time only, a bump allocation.  The index is an open-addressing
 * table (util/oatab.h) of (hash, id) slots over an array of the entries by
 * id: a lookup reads one 8-byte slot and, on a hash match, the entry.  It
 * was a uthash table, whose chains grow to 10 entries before it doubles:
 * with 2,000 ENIs a lookup walked about 4 handles, one cache miss each, and
 * interning was 11 % of `sessions` (perf, shuffled S3-like records).
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A word-at-a-time multiply-mix hash: ids are 8-30 bytes, and uthash's
 * default (Jenkins) walks them in 12-byte rounds with more work per round. */
static inline uint32_t intern_hash(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)len, w;
    if (len >= 8) {
        size_t i = 0;
        for (; i + 8 < len; i += 8) {
            memcpy(&w, p + i, 8);
            h = (h ^ w) * 0xff51afd7ed558ccdull;
            h ^= h >> 32;
        }
        memcpy(&w, p + len - 8, 8); /* last word, overlapping */
    } else {
        w = 0;
        for (size_t i = 0; i < len; i++)
            w = w << 8 | p[i];
    }
    /* murmur3 fmix64: every input bit reaches the low bits uthash uses */
    h ^= w;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return (uint32_t)h;
}

/* memcmp-style result (0 = equal) without a libc call for short keys. */
static inline int intern_keycmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    uint64_t u, v;
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            if (x[i] != y[i])
                return 1;
        return 0;
    }
    for (size_t i = 0; i + 8 < n; i += 8) {
        memcpy(&u, x + i, 8);
        memcpy(&v, y + i, 8);
        if (u != v)
            return 1;
    }
    memcpy(&u, x + n - 8, 8);
    memcpy(&v, y + n - 8, 8);
    return u != v;
}

#include "parse/intern.h"
#include "util/oatab.h"
#include "util/util.h"

#define ARENA_BLOCK 65536

typedef struct entry {
    uint32_t len;
    char s[]; /* len bytes + NUL */
} entry;

typedef struct block {
    struct block *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
} block;

struct fst__intern {
    fst__oatab index; /* hash -> id - 1 */
    entry **by_id;    /* [id - 1] */
    uint32_t cap_by_id;
    block *blocks;
    uint32_t count;
};

fst__intern *fst__intern_new(void)
{
    return fst__calloc(1, sizeof(fst__intern));
}

void fst__intern_free(fst__intern *t)
{
    if (!t)
        return;
    fst__oatab_free(&t->index);
    fst__free(t->by_id);
    for (block *b = t->blocks, *nx; b; b = nx) {
        nx = b->next;
        fst__free(b);
    }
    fst__free(t);
}

static block *new_block(size_t cap)
{
    block *b = fst__malloc(sizeof(block) + cap);
    if (b) {
        b->next = NULL;
        b->used = 0;
        b->cap = cap;
    }
    return b;
}

/* Bump allocation from the head block.  A large request gets a block of its
 * own, linked behind the head so the head keeps serving small strings. */
static void *arena_alloc(fst__intern *t, size_t n)
{
    n = (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    block *head = t->blocks;
    if (n > ARENA_BLOCK / 4) {
        block *b = new_block(n);
        if (!b)
            return NULL;
        b->used = n;
        if (head) {
            b->next = head->next;
            head->next = b;
        } else {
            t->blocks = b;
        }
        return b->data;
    }
    if (!head || head->cap - head->used < n) {
        head = new_block(ARENA_BLOCK);
        if (!head)
            return NULL;
        head->next = t->blocks;
        t->blocks = head;
    }
    void *p = head->data + head->used;
    head->used += n;
    return p;
}

/* What fst__oatab_find compares a slot's entry with. */
typedef struct probe {
    const fst__intern *t;
    const char *s;
    size_t len;
} probe;

static int probe_eq(const void *ctx, uint32_t idx)
{
    const probe *q = ctx;
    const entry *e = q->t->by_id[idx];
    return e->len == q->len && intern_keycmp(e->s, q->s, q->len) == 0;
}

const char *fst__intern_get(fst__intern *t, const char *s, size_t len, uint32_t *id)
{
    if (len > UINT32_MAX)
        return NULL;
    const uint32_t hv = intern_hash(s, len);
    const probe q = {t, s, len};
    uint32_t pos;
    uint32_t idx = fst__oatab_find(&t->index, hv, probe_eq, &q, &pos);
    if (idx == UINT32_MAX) {
        if (t->count >= UINT32_MAX - 2 ||
            fst__grow((void **)&t->by_id, &t->cap_by_id, t->count + 1,
                      sizeof *t->by_id) < 0)
            return NULL;
        entry *e = arena_alloc(t, sizeof(entry) + len + 1);
        if (!e)
            return NULL;
        e->len = (uint32_t)len;
        memcpy(e->s, s, len);
        e->s[len] = '\0';
        idx = t->count++;
        t->by_id[idx] = e;
        /* a failed growth still placed the slot: the entry stays valid */
        if (fst__oatab_insert(&t->index, pos, hv, idx) < 0)
            return NULL;
    }
    if (id)
        *id = idx + 1;
    return t->by_id[idx]->s;
}

uint32_t fst__intern_count(const fst__intern *t)
{
    return t->count;
}
