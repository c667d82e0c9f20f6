/* out/writer.h - the writer vtable and text helpers shared by the output
 * formats (internal).
 *
 * Owns: fst_writer (a FILE, a format, a vtable), JSON string escaping and
 * CSV/TSV field quoting.  Each kind of row (records.c, sessions.c) fills a
 * vtable; writer.c owns open/close and the error flag.
 */
#ifndef FST_OUT_WRITER_H
#define FST_OUT_WRITER_H

#include <stdio.h>

#include "flowstitch/output.h"

typedef struct fst__writer_ops {
    /* Write one row of the kind this writer was opened for. */
    int (*row)(fst_writer *w, const void *item);
    /* Called once from fst_writer_close before the flush (may be NULL). */
    void (*finish)(fst_writer *w);
} fst__writer_ops;

struct fst_writer {
    FILE *f;
    fst_out_format fmt;
    const fst__writer_ops *ops;
    int failed;          /* a write failed: close returns FST_EIO */
    uint64_t rows;       /* rows written */
    const void *state;   /* kind-specific: records.c keeps the last format */
    int time_iso;        /* fst_writer_set_time_format(FST_TIME_ISO): times as ISO 8601 */
};

/* Allocate a writer for f/fmt with ops; NULL on out of memory. */
fst_writer *fst__writer_new(FILE *f, fst_out_format fmt, const fst__writer_ops *ops);
/* Column separator for CSV (',') or TSV ('\t'). */
char fst__writer_sep(const fst_writer *w);
/* Write s[0..len) as a JSON string with quotes. */
void fst__json_str(FILE *f, const char *s, size_t len);
/* Write s[0..len) as one CSV field (quoted when needed) or TSV field
 * (tabs/newlines replaced by spaces). */
void fst__sv_field(const fst_writer *w, const char *s, size_t len);
/* Longest ISO 8601 time fst__time_iso writes (a 64-bit year), with NUL. */
#define FST_TIME_ISO_MAX 40
/* Write unix time t as ISO 8601 UTC ("2024-06-10T02:00:00Z") into buf
 * (FST_TIME_ISO_MAX bytes, no NUL); returns the length. */
size_t fst__time_iso(char *buf, int64_t t);
/* Write an address in canonical text. */
void fst__addr_out(FILE *f, const fst_addr *a);

#endif
