/* tests/envelope_rig.h - what test_envelope.c and test_envelope_built.c share:
 * the fixture records, short paths, transcripts on both inflaters, the
 * public reader drained with its counts checked.  Functions are static
 * inline so a test file may leave some unused. */
#ifndef FST_TESTS_ENVELOPE_RIG_H
#define FST_TESTS_ENVELOPE_RIG_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <flowstitch.h>

#include "flowstitch/errors.h"
#include "envelope_helper.h"
#include "decode/envelope.h"
#include "decode/input.h"
#include "decode/payload.h"

#define FIX FST_SOURCE_DIR "/fixtures/"
#define ENV FIX "envelope/"
#define REAL FST_SHARED_DIR "/fixtures-real/"

/* The records of make-fixtures.sh. */
#define R1 "2 123456789012 eni-0123456789abcdef0 10.0.1.25 10.0.2.40 49152 443 6 10 1820 1795773904 1795773960 ACCEPT OK"
#define R2 "2 123456789012 eni-0123456789abcdef0 10.0.2.40 10.0.1.25 443 49152 6 8 5120 1795773904 1795773960 ACCEPT OK"
#define R3 "2 123456789012 eni-0fedcba9876543210 198.51.100.7 10.0.2.40 51515 22 6 1 60 1795773920 1795773975 REJECT OK"
#define R4 "2 123456789012 eni-0a1b2c3d4e5f60718 - - - - - - - 1795773900 1795773960 - NODATA"
#define R5 "2 123456789012 eni-0123456789abcdef0 10.0.1.25 10.0.3.9 40001 53 17 1 72 1795774201 1795774260 ACCEPT OK"
#define R6 "2 123456789012 eni-0123456789abcdef0 203.0.113.12 10.0.1.25 0 0 1 4 336 1795774210 1795774265 ACCEPT OK"
#define R7 "2 123456789012 eni-0a1b2c3d4e5f60718 - - - - - - - 1795774200 1795774260 - SKIPDATA"
#define CONTROL "(empty) [CloudWatch Logs CONTROL_MESSAGE]"
#define FH_OBJ "envelope/firehose-s3/2026/11/27/10/fst-cwl-to-s3-1-2026-11-27-10-06-12-5a6b7c8d-1e2f-4a3b-9c8d-7e6f5a4b3c2d"

/* ------------------------------------------------------------- helpers */

/* The temporary folder of the test running (tmp_dir), else "". */
static char tmp_root[64];

/* Paths under fixtures/ and the test's temporary folder, shortened. */
static inline const char *rel(const char *path)
{
    const size_t n = strlen(FIX), t = strlen(tmp_root);
    if (path && t && strncmp(path, tmp_root, t) == 0 && path[t] == '/')
        return path + t + 1;
    return path && strncmp(path, FIX, n) == 0 ? path + n : path;
}

/* Every event of the queue (tests/envelope_helper.h), paths shortened. */
static inline char *transcript(fst__input *in)
{
    return transcript_rel(in, rel);
}

static inline int have_isal(void)
{
    fst__input *in = fst__input_new(0, NULL, NULL);
    const int yes = strcmp(fst__input_inflater(in), "isal") == 0;
    fst__input_free(in);
    return yes;
}

/* Transcript of one path with the given backend and buffer sizes (0 =
 * default). */
static inline char *of_path(const char *path, int zlib, size_t raw, size_t fill)
{
    fst__input *in = fst__input_new(0, NULL, NULL);
    cr_assert_not_null(in);
    fst__input_force_zlib(in, zlib);
    cr_assert_eq(fst__input_set_bufsize(in, raw, fill), 0);
    cr_assert_eq(fst__input_add_path(in, path), 0, "%s", path);
    char *t = transcript(in);
    fst__input_free(in);
    return t;
}

/* Check one path on zlib and (when built) isa-l, with the default buffers
 * and with tiny ones (every document boundary inside a read). */
static inline void check_path(const char *path, const char *want)
{
    static const size_t sizes[][2] = {{0, 0}, {1, 1}, {7, 3}, {64, 5}};
    for (int zlib = 0; zlib < 2; zlib++) {
        if (!zlib && !have_isal())
            continue;
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            char *got = of_path(path, zlib, sizes[s][0], sizes[s][1]);
            cr_assert_str_eq(got, want, "%s (%s, raw %zu fill %zu)\n--- got ---\n%s--- want ---\n%s",
                             rel(path), zlib ? "zlib" : "isal", sizes[s][0], sizes[s][1], got,
                             want);
            free(got);
        }
    }
}

static inline void need_shared(void)
{
    struct stat st;
    if (stat(REAL, &st) != 0)
        cr_skip_test("SKIPPED: %s not present (the shared samples are not in this checkout)", REAL);
}

/* ------------------------------------------------------------ base64 */

static inline const char *b64(const char *s)
{
    static unsigned char out[256];
    size_t n = 0;
    if (fst__base64_decode(s, strlen(s), out, &n) < 0)
        return "(bad)";
    out[n] = '\0';
    return (const char *)out;
}

/* ------------------------------------------- through the public reader */

typedef struct counts {
    unsigned lines, records, nodata, skipdata, headers, ignored, skipped;
} counts;

/* A reader with --fields (NULL: none) whose diagnostics go to diag. */
static inline fst_reader *open_reader_to(const char *fields, FILE *diag)
{
    fst_reader_config cfg;
    fst_reader_config_init(&cfg);
    cfg.diag = diag;
    cfg.fields = fields;
    fst_reader *r = fst_reader_new(&cfg);
    cr_assert_not_null(r);
    return r;
}

static inline fst_reader *open_reader(const char *fields)
{
    return open_reader_to(fields, NULL);
}

/* Drain r; check the totals and the accounting identity. */
static inline void expect_counts(fst_reader *r, const char *what, counts want)
{
    const fst_record *rec;
    int rc;
    while ((rc = fst_reader_next(r, &rec)) > 0)
        ;
    cr_expect_eq(rc, 0, "%s: reader ended with %d", what, rc);
    const fst_input_stats *t = fst_reader_total(r);
    cr_expect_eq(t->lines, want.lines, "%s lines %" PRIu64, what, t->lines);
    cr_expect_eq(t->records, want.records, "%s records %" PRIu64, what, t->records);
    cr_expect_eq(t->nodata, want.nodata, "%s nodata", what);
    cr_expect_eq(t->skipdata, want.skipdata, "%s skipdata", what);
    cr_expect_eq(t->headers, want.headers, "%s headers", what);
    cr_expect_eq(t->ignored, want.ignored, "%s ignored %" PRIu64, what, t->ignored);
    cr_expect_eq(t->skipped, want.skipped, "%s skipped %" PRIu64, what, t->skipped);
    cr_expect_eq(t->lines, t->records + t->nodata + t->skipdata + t->headers + t->ignored +
                               t->skipped, "%s identity", what);
}

/* Read one path to its end, checking its counts (expect_counts); the
 * diagnostics printed in *diag (the caller frees it). */
static inline fst_reader *read_counted(const char *path, counts want, char **diag)
{
    size_t dlen = 0;
    FILE *f = open_memstream(diag, &dlen);
    cr_assert_not_null(f);
    fst_reader *r = open_reader_to(NULL, f);
    cr_assert_eq(fst_reader_add_path(r, path), 0, "%s", path);
    expect_counts(r, path, want);
    fclose(f);
    return r;
}

/* The diagnostics hold the line printf(fmt, ...). */
__attribute__((format(printf, 2, 3))) static inline void expect_diag(const char *diag, const char *fmt,
                                                              ...)
{
    char want[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(want, sizeof want, fmt, ap);
    va_end(ap);
    cr_expect(strstr(diag, want) != NULL, "%s\n--- in ---\n%s", want, diag);
}

/* Read a path (with --fields, or NULL); the records in *recs (copied
 * numbers and addresses); nothing may be skipped. */
typedef struct got {
    const char *eni;
    char src[FST_ADDR_STRLEN], dst[FST_ADDR_STRLEN];
    uint64_t num[FST_FIELD_COUNT];
    uint8_t status;
} got_rec;

static inline fst_reader *read_records(const char *path, const char *fields, got_rec *recs, size_t max,
                                size_t *n)
{
    const char *file = path;
    fst_reader *r = open_reader(fields);
    cr_assert_eq(fst_reader_add_path(r, path), 0, "%s", path);
    const fst_record *rec;
    int rc;
    *n = 0;
    while ((rc = fst_reader_next(r, &rec)) > 0) {
        cr_assert_lt(*n, max, "%s: more records than expected", file);
        got_rec *g = &recs[(*n)++];
        g->eni = rec->ids[FST_F_INTERFACE_ID];
        fst_addr_format(&rec->addr[FST_A_SRC], g->src, sizeof g->src);
        fst_addr_format(&rec->addr[FST_A_DST], g->dst, sizeof g->dst);
        memcpy(g->num, rec->num, sizeof g->num);
        g->status = rec->status;
    }
    cr_assert_eq(rc, 0, "%s: reader ended with %d", file, rc);
    const fst_input_stats *t = fst_reader_total(r);
    cr_expect_eq(t->skipped, 0, "%s: nothing skipped", file);
    cr_expect_eq(t->lines, t->records + t->nodata + t->skipdata + t->headers + t->ignored +
                               t->skipped, "%s identity", file);
    return r;
}

/* A real sample under ../shared/fixtures-real/. */
static inline fst_reader *read_real(const char *file, const char *fields, got_rec *recs, size_t max,
                             size_t *n)
{
    char path[512];
    snprintf(path, sizeof path, REAL "%s", file);
    return read_records(path, fields, recs, max, n);
}

#endif
