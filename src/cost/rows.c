/* cost/rows.c - the tally: rows keyed by their value strings, their
 * counters, and their order (cost_int.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cost_int.h"

#define SEP '\x1f'

static fst__trow *row_new(const char *key, size_t len, const char *const *vals, int nvals)
{
    fst__trow *r = fst__calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->key = fst__strndup(key, len);
    r->vals = fst__strndup(key, len);
    if (!r->key || !r->vals) {
        fst__free(r->key);
        fst__free(r->vals);
        fst__free(r);
        return NULL;
    }
    for (int i = 0, off = 0; i < nvals; i++) { /* SEP-ended values -> NUL-ended */
        r->row.values[i] = r->vals + off;
        off += (int)strlen(vals[i]) + 1;
        r->vals[off - 1] = '\0';
    }
    return r;
}

fst__trow *fst__tally_get(fst__tally *t, const char *const *vals, int nvals)
{
    char key[FST_COST_MAX_KEYS * FST_COST_VALUE_MAX];
    size_t len = 0;
    for (int i = 0; i < nvals; i++) {
        size_t l = strlen(vals[i]);
        if (l >= FST_COST_VALUE_MAX)
            l = FST_COST_VALUE_MAX - 1;
        memcpy(key + len, vals[i], l);
        len += l;
        key[len++] = SEP;
    }
    fst__trow *r = NULL;
    HASH_FIND(hh, t->h, key, len, r);
    if (r)
        return r;
    if (!(r = row_new(key, len, vals, nvals)))
        return NULL;
    int oom = 0;
    HASH_ADD_KEYPTR(hh, t->h, r->key, len, r);
    if (oom) {
        fst__free(r->key);
        fst__free(r->vals);
        fst__free(r);
        return NULL;
    }
    t->n++;
    return r;
}

void fst__row_add(fst_cost_row *r, const fst_session *s, double usd)
{
    r->naive_packets = fst__sat_add(r->naive_packets, s->naive_packets);
    r->naive_bytes = fst__sat_add(r->naive_bytes, s->naive_bytes);
    if (s->nat_leg_of)
        return; /* its bytes are its session's, counted there */
    r->sessions++;
    r->packets = fst__sat_add(r->packets, fst__sat_add(s->c2s_packets, s->s2c_packets));
    r->bytes = fst__sat_add(r->bytes, fst__sat_add(s->c2s_bytes, s->s2c_bytes));
    r->c2s_bytes = fst__sat_add(r->c2s_bytes, s->c2s_bytes);
    r->s2c_bytes = fst__sat_add(r->s2c_bytes, s->s2c_bytes);
    r->cost_usd += usd;
}

static int by_bytes_desc(const void *pa, const void *pb)
{
    const fst__trow *a = *(const fst__trow *const *)pa, *b = *(const fst__trow *const *)pb;
    if (a->row.bytes != b->row.bytes)
        return a->row.bytes > b->row.bytes ? -1 : 1;
    return strcmp(a->key, b->key);
}

int fst__tally_sort(fst__tally *t)
{
    fst__free(t->sorted);
    t->sorted = fst__malloc(t->n * sizeof *t->sorted);
    if (!t->sorted)
        return FST_ENOMEM;
    size_t i = 0;
    for (fst__trow *r = t->h; r; r = r->hh.next)
        t->sorted[i++] = r;
    qsort(t->sorted, t->n, sizeof *t->sorted, by_bytes_desc);
    return 0;
}

void fst__tally_free(fst__tally *t)
{
    fst__trow *r, *tmp;
    HASH_ITER(hh, t->h, r, tmp) {
        HASH_DELETE(hh, t->h, r);
        fst__free(r->key);
        fst__free(r->vals);
        fst__free(r->detail);
        fst__free(r);
    }
    fst__free(t->sorted);
    memset(t, 0, sizeof *t);
}
