/* tests/stitch_dump.h - the whole fst_stitch_stats as text, so two runs
 * (one thread, two threads) can be compared with one string compare.
 * Shared by test_feed.c and test_par.c. */
#ifndef FST_TESTS_STITCH_DUMP_H
#define FST_TESTS_STITCH_DUMP_H

#include <stdio.h>

#include <flowstitch.h>

static void dump_stitch(FILE *f, const fst_stitch_stats *s)
{
    fprintf(f, "in %llu joined %llu unusable %llu nodata %llu skipdata %llu sessions %llu "
               "nat %llu incomplete %llu pk %llu/%llu by %llu/%llu |",
            (unsigned long long)s->records_in, (unsigned long long)s->records_joined,
            (unsigned long long)s->records_unusable, (unsigned long long)s->nodata,
            (unsigned long long)s->skipdata, (unsigned long long)s->sessions,
            (unsigned long long)s->nat_legs, (unsigned long long)s->incomplete,
            (unsigned long long)s->packets_naive, (unsigned long long)s->packets_counted,
            (unsigned long long)s->bytes_naive, (unsigned long long)s->bytes_counted);
    for (int b = 0; b < FST_BASIS_COUNT; b++)
        fprintf(f, " %llu", (unsigned long long)s->by_basis[b]);
    for (int b = 0; b < 5; b++)
        fprintf(f, " %llu", (unsigned long long)s->by_enis[b]);
    for (uint64_t i = 0; i < s->n_enis; i++)
        fprintf(f, "\n%s %llu %llu %llu", s->enis[i].eni ? s->enis[i].eni : "-",
                (unsigned long long)s->enis[i].records, (unsigned long long)s->enis[i].nodata,
                (unsigned long long)s->enis[i].skipdata);
    fputc('\n', f);
}

#endif
