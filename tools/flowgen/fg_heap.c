/* tools/flowgen/fg_heap.c - the binary min-heap the sweep orders its
 * connections (by next burst) and ENIs (by window end) with.
 *
 * Owns only the item array; items stay owned by the caller.  Each item's
 * position is written back through h->pos so callers can find it.  Out of
 * memory aborts (a generator, not a library for untrusted input).
 */
#include <stdlib.h>
#include <string.h>

#include "fg_internal.h"

static void heap_set(fg_heap *h, size_t i, fg_heap_item x)
{
    h->v[i] = x;
    *h->pos(x.p) = (int)i;
}

static void heap_up(fg_heap *h, size_t i)
{
    fg_heap_item x = h->v[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h->v[p].key <= x.key)
            break;
        heap_set(h, i, h->v[p]);
        i = p;
    }
    heap_set(h, i, x);
}

static void heap_down(fg_heap *h, size_t i)
{
    fg_heap_item x = h->v[i];
    for (;;) {
        size_t l = 2 * i + 1, best = i;
        int64_t bk = x.key;
        if (l < h->n && h->v[l].key < bk) {
            best = l;
            bk = h->v[l].key;
        }
        if (l + 1 < h->n && h->v[l + 1].key < bk)
            best = l + 1;
        if (best == i)
            break;
        heap_set(h, i, h->v[best]);
        i = best;
    }
    heap_set(h, i, x);
}

void fg__heap_push(fg_heap *h, void *x)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 1024;
        h->v = realloc(h->v, h->cap * sizeof *h->v);
        if (!h->v)
            abort();
    }
    h->v[h->n].key = h->key(x);
    h->v[h->n].p = x;
    h->n++;
    heap_up(h, h->n - 1);
}

void *fg__heap_pop(fg_heap *h)
{
    if (h->n == 0)
        return NULL;
    void *top = h->v[0].p;
    *h->pos(top) = -1;
    if (--h->n > 0) {
        h->v[0] = h->v[h->n];
        heap_down(h, 0);
    }
    return top;
}

void fg__heap_fix_top(fg_heap *h)
{
    h->v[0].key = h->key(h->v[0].p);
    heap_down(h, 0);
}

void fg__heap_free(fg_heap *h)
{
    free(h->v);
    memset(h, 0, sizeof *h);
}

