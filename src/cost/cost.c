/* cost/cost.c - the fst_cost context (flowstitch/cost.h): each session
 * into the row of its client side's key values and of its server side's,
 * once into the totals, and into the findings. */
#include <stdint.h>
#include <string.h>

#include "cost_int.h"

fst_cost *fst_cost_new(const int *keys, int n, const fst_prices *p)
{
    if (n < 1 || n > FST_COST_MAX_KEYS)
        return NULL;
    fst_cost *c = fst__calloc(1, sizeof *c);
    if (!c)
        return NULL;
    memcpy(c->keys, keys, (size_t)n * sizeof *keys);
    c->n_keys = n;
    c->prices = *p;
    c->first = INT64_MAX;
    c->last = INT64_MIN;
    return c;
}

/* The values of every key as the client side sees them into v[0], and as
 * the server side does into v[1] (a key that is not per side has one
 * value for both, computed once); 1 when the two tuples are equal. */
static int side_tuples(const fst_cost *c, const fst_session *s,
                       char v[2][FST_COST_MAX_KEYS][FST_COST_VALUE_MAX])
{
    int same = 1;
    for (int k = 0; k < c->n_keys; k++) {
        char two[2][FST_COST_VALUE_MAX];
        if (fst__cost_key_per_side(c->keys[k])) {
            fst__cost_side_value(c->keys[k], s, 0, v[0][k]);
            fst__cost_side_value(c->keys[k], s, 1, v[1][k]);
            same = same && !strcmp(v[0][k], v[1][k]);
            continue;
        }
        fst_cost_key_values(c->keys[k], s, two);
        memcpy(v[0][k], two[0], FST_COST_VALUE_MAX);
        memcpy(v[1][k], two[0], FST_COST_VALUE_MAX);
    }
    return same;
}

/* The session into the row of its client side's values and, when they
 * differ, the row of its server side's (per-side keys go together: a
 * row never pairs the client's ENI with the server's AZ). */
static int add_sides(fst_cost *c, const fst_session *s, double usd)
{
    char v[2][FST_COST_MAX_KEYS][FST_COST_VALUE_MAX];
    const int same = side_tuples(c, s, v);
    for (int side = 0; side < (same ? 1 : 2); side++) {
        const char *pick[FST_COST_MAX_KEYS];
        for (int k = 0; k < c->n_keys; k++)
            pick[k] = v[side][k];
        fst__trow *r = fst__tally_get(&c->groups, pick, c->n_keys);
        if (!r)
            return FST_ENOMEM;
        fst__row_add(&r->row, s, usd);
    }
    return 0;
}

int fst_cost_add(fst_cost *c, const fst_session *s)
{
    const double usd = s->nat_leg_of ? 0 : fst_prices_session_usd(&c->prices, s);
    FST__TRY(add_sides(c, s, usd));
    fst__row_add(&c->totals, s, usd);
    if (!(s->unknown & FST_SESSION_NO_TIMES)) {
        if (s->first_seen < c->first)
            c->first = s->first_seen;
        if (s->last_seen > c->last)
            c->last = s->last_seen;
    }
    return s->nat_leg_of ? 0 : fst__findings_add(c, s, usd);
}

int fst_cost_finish(fst_cost *c)
{
    FST__TRY(fst__tally_sort(&c->groups));
    return fst__findings_build(c);
}

size_t fst_cost_n_rows(const fst_cost *c)
{
    return c->groups.sorted ? c->groups.n : 0;
}

const fst_cost_row *fst_cost_row_at(const fst_cost *c, size_t i)
{
    return i < fst_cost_n_rows(c) ? &c->groups.sorted[i]->row : NULL;
}

const fst_cost_row *fst_cost_totals(const fst_cost *c)
{
    return &c->totals;
}

int64_t fst_cost_span(const fst_cost *c)
{
    return c->last > c->first ? c->last - c->first : 0;
}

void fst_cost_free(fst_cost *c)
{
    if (!c)
        return;
    fst__tally_free(&c->groups);
    fst__findings_free(&c->fnd);
    fst__free(c);
}
