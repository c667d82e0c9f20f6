/* cost/cost_int.h - fst_cost internals shared by the files of src/cost/.
 *
 * Owns: the tally (a hash of rows keyed by their values joined with '\x1f',
 * each row owning one copy of that key string) and the fst_cost context.
 * Rows are added with fst__tally_get; strings stay valid until
 * fst__tally_free.
 */
#ifndef FST_COST_COST_INT_H
#define FST_COST_COST_INT_H

#include "flowstitch/cost.h"
#include "util/hashcfg.h"

typedef struct fst__trow {
    fst_cost_row row;      /* values point into key */
    char *key;             /* owned: values joined by '\x1f' (the hash key) */
    char *vals;            /* owned: the values, NUL-separated */
    char *detail;          /* findings: owned text, or NULL */
    UT_hash_handle hh;
} fst__trow;

typedef struct fst__tally {
    fst__trow *h;          /* uthash head */
    fst__trow **sorted;    /* after fst__tally_sort */
    size_t n;
} fst__tally;

/* The tally (cost/rows.c).  The row of nvals values (creating it with zero counts); NULL on out of
 * memory. */
fst__trow *fst__tally_get(fst__tally *t, const char *const *vals, int nvals);
/* Adds session s (with its cost usd) into r's counters; a NAT gateway's
 * translated leg (nat_leg_of) adds only its naive sums: its bytes are
 * those of the session it belongs to. */
void fst__row_add(fst_cost_row *r, const fst_session *s, double usd);
/* Fills t->sorted: bytes descending, then key; 0 or FST_ENOMEM. */
int fst__tally_sort(fst__tally *t);
void fst__tally_free(fst__tally *t);

/* Findings accumulators, one tally per kind; the inter-AZ kind also keeps
 * "pair\x1fservice" rows in by_service. */
typedef struct fst__findings {
    fst__tally kind[FST_FINDING_KIND_COUNT];
    fst__tally by_service;
    fst_cost_finding *list;
    size_t n;
} fst__findings;

struct fst_cost {
    int keys[FST_COST_MAX_KEYS];
    int n_keys;
    fst_prices prices;
    fst__tally groups;
    fst_cost_row totals;
    int64_t first, last;   /* min first_seen, max last_seen */
    fst__findings fnd;
};

/* Keys (cost/keys.c): 1 for eni, vpc, subnet, az, account; the value of
 * such a key on one side (server 0: the client's) into dst
 * (FST_COST_VALUE_MAX), "-" when unknown. */
int fst__cost_key_per_side(int key);
void fst__cost_side_value(int key, const fst_session *s, int server, char *dst);

/* Findings (cost/findings.c): add one session; build the list. */
int fst__findings_add(fst_cost *c, const fst_session *s, double usd);
int fst__findings_build(fst_cost *c);
void fst__findings_free(fst__findings *f);

#endif
