/* flowstitch/output.h - writers for records and sessions.
 *
 * Owns: the output formats (JSON Lines, CSV, TSV), their exact keys and
 * column order (docs/output.md).  A writer borrows the FILE; closing the
 * writer flushes it but does not fclose it.
 */
#ifndef FLOWSTITCH_OUTPUT_H
#define FLOWSTITCH_OUTPUT_H

#include <stdio.h>

#include "flowstitch/record.h"
#include "flowstitch/session.h"

typedef enum fst_out_format { FST_OUT_JSONL = 1, FST_OUT_CSV = 2, FST_OUT_TSV = 3 } fst_out_format;

/* "jsonl" (or "json"), "csv", "tsv" -> format; FST_EINVAL otherwise. */
int fst_out_format_parse(const char *name);

typedef struct fst_writer fst_writer;

/* One normalized record per call: every column of the record's format,
 * keyed by the AWS name with '-' turned into '_'. */
fst_writer *fst_record_writer_open(FILE *f, fst_out_format fmt);
int fst_record_writer_write(fst_writer *w, const fst_record *rec);

/* One session per call; CSV/TSV write the header line first. */
fst_writer *fst_session_writer_open(FILE *f, fst_out_format fmt);
int fst_session_writer_write(fst_writer *w, const fst_session *s);

/* Flush and free.  Returns 0, or FST_EIO if any write failed. */
int fst_writer_close(fst_writer *w);

#endif
