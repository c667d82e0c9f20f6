/* parse/intern.c - uthash table of strings stored in an arena.
 *
 * Entries and their text live in arena blocks of 64 KiB (a longer string
 * gets a block of its own), so interning costs one hash lookup and, the
 * first time only, a bump allocation.
 */
#include <stdalign.h>
#include <stddef.h>

/* Table growth failure is reported, not fatal (see fst__intern_get). */
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(obj) (oom = 1)
#include <uthash.h>

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
