/* tools/fuzz/fuzz_reader.c - libFuzzer target for read -> decode -> parse.
 *
 * The bytes (after the control byte, see fuzz_common.h) go to the public
 * reader through fst_reader_add_mem, as one input or two, with or without a
 * --fields layout; every record fst_reader_next returns is checked field by
 * field, and at the end the accounting identity
 *   lines = records + nodata + skipdata + headers + ignored + skipped
 * must hold per input and in total.  When the data's length is a multiple
 * of 32, the same bytes are also read with two parse threads
 * (parse/pipeline.c) in lockstep, and every record and count must be the
 * same as with one.  Build: tools/fuzz/build.sh.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_addr(const fst_addr *a, const fst_addr *b)
{
    return a->family == b->family && (!a->family || !memcmp(a->b, b->b, sizeof a->b));
}

/* Records of one thread (a) and of two (b): the same line of the same
 * input, read the same way. */
static void fz_check_same(const fst_record *a, const fst_record *b)
{
    FZ_CHECK(!strcmp(a->file, b->file) && a->line == b->line, "threads: %s:%llu vs %s:%llu",
             a->file, (unsigned long long)a->line, b->file, (unsigned long long)b->line);
    FZ_CHECK(a->status == b->status, "threads: line %llu status %d vs %d",
             (unsigned long long)a->line, a->status, b->status);
    FZ_CHECK(a->export_ms == b->export_ms, "threads: line %llu export_ms",
             (unsigned long long)a->line);
    FZ_CHECK(a->eni == b->eni, "threads: line %llu eni %u vs %u", (unsigned long long)a->line,
             a->eni, b->eni);
    FZ_CHECK(a->format->ncols == b->format->ncols, "threads: line %llu columns %u vs %u",
             (unsigned long long)a->line, a->format->ncols, b->format->ncols);
    FZ_CHECK(!memcmp(&a->dash, &b->dash, sizeof a->dash), "threads: line %llu dash",
             (unsigned long long)a->line);
    for (int f = 0; f < FST_FIELD_COUNT; f++) {
        FZ_CHECK(a->num[f] == b->num[f], "threads: line %llu field %d", (unsigned long long)a->line, f);
        FZ_CHECK((a->ids[f] == NULL) == (b->ids[f] == NULL) && (!a->ids[f] || !strcmp(a->ids[f], b->ids[f])),
                 "threads: line %llu id %d", (unsigned long long)a->line, f);
    }
    for (int k = 0; k < FST_A_COUNT; k++)
        FZ_CHECK(same_addr(&a->addr[k], &b->addr[k]), "threads: line %llu address %d",
                 (unsigned long long)a->line, k);
}

static void fz_check_same_stats(const fst_input_stats *a, const fst_input_stats *b)
{
    FZ_CHECK(a->lines == b->lines && a->records == b->records && a->nodata == b->nodata &&
                 a->skipdata == b->skipdata && a->headers == b->headers &&
                 a->ignored == b->ignored && a->skipped == b->skipped &&
                 a->bytes_read == b->bytes_read && a->files_failed == b->files_failed &&
                 !memcmp(a->by_reason, b->by_reason, sizeof a->by_reason),
             "threads: the counts of %s differ", a->name);
}

/* The same input read on the calling thread and with two parse threads. */
static void fz_threads(const fz_setup *su)
{
    fz_setup s2 = *su;
    s2.threads = 2;
    fst_reader *a = fz_reader(su), *b = fz_reader(&s2);
    const fst_record *ra, *rb;
    int ca, cb;
    do {
        ca = fst_reader_next(a, &ra);
        cb = fst_reader_next(b, &rb);
        FZ_CHECK(ca == cb, "threads: next %d vs %d", ca, cb);
        if (ca == 1)
            fz_check_same(ra, rb);
    } while (ca == 1);
    size_t na = 0, nb = 0;
    const fst_input_stats *fa = fst_reader_file_stats(a, &na), *fb = fst_reader_file_stats(b, &nb);
    FZ_CHECK(na == nb, "threads: %zu vs %zu inputs", na, nb);
    for (size_t i = 0; i < na; i++)
        fz_check_same_stats(&fa[i], &fb[i]);
    fz_check_same_stats(fst_reader_total(a), fst_reader_total(b));
    fst_reader_free(a);
    fst_reader_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_setup su;
    fz_decode(data, size, &su);
    fst_reader *r = fz_reader(&su);
    fz_track t;
    memset(&t, 0, sizeof t);
    const fst_record *rec;
    int rc;
    while ((rc = fst_reader_next(r, &rec)) == 1)
        fz_check_record(rec, &t);
    FZ_CHECK(rc == 0, "fst_reader_next ended with %d (%s)", rc, fst_err_name(rc));
    /* the end is sticky */
    FZ_CHECK(fst_reader_next(r, &rec) == 0, "fst_reader_next after the end");
    fz_check_stats(r, &su, &t);
    fst_reader_free(r);
    if (su.len % 32 == 0) /* threads cost ~1 ms a run under ASan: not every run */
        fz_threads(&su);
    return 0;
}
