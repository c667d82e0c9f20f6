/* tools/fuzz/fuzz_reader.c - libFuzzer target for read -> decode -> parse.
 *
 * The bytes (after the control byte, see fuzz_common.h) go to the public
 * reader through fst_reader_add_mem, as one input or two, with or without a
 * --fields layout; every record fst_reader_next returns is checked field by
 * field, and at the end the accounting identity
 *   lines = records + nodata + skipdata + headers + ignored + skipped
 * must hold per input and in total.  Build: tools/fuzz/build.sh.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    return 0;
}
