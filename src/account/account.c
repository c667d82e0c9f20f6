/* account/account.c - the run summary (see account.h). */
#include "account/account.h"

#include <string.h>

#include "flowstitch/errors.h"

static int cmp_eniw(const void *a, const void *b)
{
    return strcmp(((const fst_eni_windows *)a)->eni, ((const fst_eni_windows *)b)->eni);
}

int fst__account_summary(const fst__observe *o, const fst__sessions *ss, fst_stitch_stats *st,
                         fst_eni_windows **eniw)
{
    memset(st, 0, sizeof *st);
    st->records_in = o->records_in;
    st->records_unusable = o->unusable;
    st->nodata = o->nodata;
    st->skipdata = o->skipdata;
    st->packets_naive = o->packets_naive;
    st->bytes_naive = o->bytes_naive;
    st->sessions = ss->n;
    for (uint32_t i = 0; i < ss->n; i++) {
        const fst__sess *s = &ss->v[i];
        st->records_joined += s->records;
        st->incomplete += s->incomplete;
        st->sessions_no_counts += !(s->known & FST__K_COUNTS);
        if (s->basis < FST_BASIS_COUNT)
            st->by_basis[s->basis]++;
        st->by_enis[s->n_enis > FST_BY_ENIS_MAX ? FST_BY_ENIS_MAX : s->n_enis]++;
        if (s->nat_parent) {
            st->nat_legs++;
            continue;
        }
        st->packets_counted = fst__sat_add(st->packets_counted, fst__sat_add(s->pk[0], s->pk[1]));
        st->bytes_counted = fst__sat_add(st->bytes_counted, fst__sat_add(s->by[0], s->by[1]));
    }
    fst_eni_windows *v = fst__calloc(o->n_enis, sizeof *v);
    if (!v)
        return FST_ENOMEM;
    uint64_t k = 0;
    for (uint32_t i = 1; i < o->n_enis; i++) {
        const fst__eni *e = o->enis[i];
        v[k++] = (fst_eni_windows){e->name, e->records, e->nodata, e->skipdata};
    }
    if (k)
        qsort(v, k, sizeof *v, cmp_eniw);
    *eniw = v;
    st->enis = v;
    st->n_enis = k;
    return 0;
}
