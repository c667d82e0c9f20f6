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
/* Write an address in canonical text. */
void fst__addr_out(FILE *f, const fst_addr *a);

#endif
