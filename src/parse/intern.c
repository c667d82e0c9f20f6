/* parse/intern.c - uthash table of strings stored in an arena.
 *
 * Entries and their text live in arena blocks of 64 KiB (a longer string
 * gets a block of its own), so interning costs one hash lookup and, the
 * first time only, a bump allocation.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A word-at-a-time multiply-mix hash: ids are 8-30 bytes, and uthash's
 * default (Jenkins) walks them in 12-byte rounds with more work per round. */
static inline unsigned intern_hash(const void *key, size_t len)
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
    return (unsigned)h;
}
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = intern_hash((keyptr), (size_t)(keylen)))

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
#define HASH_KEYCMP(a, b, n) intern_keycmp((a), (b), (size_t)(n))

/* Allocation hooked and growth failure reported (see fst__intern_get). */
#include "util/hashcfg.h"

#include "parse/intern.h"
#include "util/util.h"

#define ARENA_BLOCK 65536

typedef struct entry {
    UT_hash_handle hh;
    uint32_t id;
    uint32_t len;
    char s[]; /* len bytes + NUL */
} entry;

typedef struct block {
    struct block *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
} block;

struct fst__intern {
    entry *table; /* uthash head */
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
    HASH_CLEAR(hh, t->table);
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

const char *fst__intern_get(fst__intern *t, const char *s, size_t len, uint32_t *id)
{
    entry *e = NULL;
    int oom = 0;
    if (len > UINT32_MAX)
        return NULL;
    HASH_FIND(hh, t->table, s, len, e);
    if (!e) {
        e = arena_alloc(t, sizeof(entry) + len + 1);
        if (!e)
            return NULL;
        memset(&e->hh, 0, sizeof e->hh);
        e->id = t->count + 1;
        e->len = (uint32_t)len;
        memcpy(e->s, s, len);
        e->s[len] = '\0';
        HASH_ADD_KEYPTR(hh, t->table, e->s, len, e);
        if (oom)
            return NULL; /* the arena bytes are reclaimed with the table */
        t->count++;
    }
    if (id)
        *id = e->id;
    return e->s;
}

uint32_t fst__intern_count(const fst__intern *t)
{
    return t->count;
}
