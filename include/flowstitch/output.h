/* flowstitch/output.h - writers for records and sessions.
 *
 * Owns: the output formats (JSON Lines, CSV, TSV), their exact keys and
 * column order (docs/output.md), and JSON string escaping.  A writer
 * borrows the FILE; closing the writer flushes it but does not fclose it.
 * Errors are negative FST_E* codes (flowstitch/errors.h).
 */
#ifndef FLOWSTITCH_OUTPUT_H
#define FLOWSTITCH_OUTPUT_H

#include <stdio.h>

#include "flowstitch/reader.h"
#include "flowstitch/record.h"
#include "flowstitch/session.h"

/* A format is a number 1, 2, 3, ...: the three below, then formats added
 * later, known only by name (fst_out_format_parse). */
typedef enum fst_out_format { FST_OUT_JSONL = 1, FST_OUT_CSV = 2, FST_OUT_TSV = 3 } fst_out_format;

/* "jsonl" (or "json", "ndjson"), "csv", "tsv", ... -> format; FST_EINVAL
 * for an unknown name or NULL. */
int fst_out_format_parse(const char *name);

/* The name of format fmt ("jsonl", "csv", ...), NULL past the last one: for
 * help text, list fst_out_format_name(1), (2), ... until NULL. */
const char *fst_out_format_name(int fmt);

typedef struct fst_writer fst_writer;

/* One normalized record per call: every column of the record's format,
 * keyed by the AWS name with '-' turned into '_'.  open returns NULL for a
 * NULL f, an unknown format or one without record rows, or out of memory
 * (the caller closes it with fst_writer_close).  write returns 0, FST_EINVAL
 * (NULL arguments, or a session writer), FST_ENOMEM, or FST_EIO once any
 * write has failed. */
fst_writer *fst_record_writer_open(FILE *f, fst_out_format fmt);
int fst_record_writer_write(fst_writer *w, const fst_record *rec);
/* Let the parse threads of r (fst_reader_config.threads >= 2) make this
 * writer's rows as they parse: then fst_record_writer_write of a record
 * that fst_reader_next(r) just returned only copies its row.  The output
 * is the same.  Call after fst_writer_set_time_format and before the first
 * fst_reader_next(r); r must outlive the writes.  Returns 0 (also when the
 * format cannot: all but jsonl for now, whose rows are then written as
 * before), FST_EINVAL when r has begun reading or w writes sessions. */
int fst_record_writer_use_reader(fst_writer *w, fst_reader *r);
/* Write every record r has left: the same output as calling
 * fst_record_writer_write on each record fst_reader_next(r) returns, but
 * when w uses r's rows (fst_record_writer_use_reader), runs of rows are
 * copied without the records being rebuilt on this thread.  Reading stops
 * at r's end, at its error, or at the first failed write.  Returns 0, or
 * FST_EIO once a write failed (FST_EINVAL: bad arguments); *read_rc gets
 * the last fst_reader_next value (0 at the end, or its negative code; 0
 * when a write failed first). */
int fst_record_writer_copy(fst_writer *w, fst_reader *r, int *read_rc);

/* One session per call; CSV/TSV write the header line at open.  Returns
 * as the record writer's functions do. */
fst_writer *fst_session_writer_open(FILE *f, fst_out_format fmt);
int fst_session_writer_write(fst_writer *w, const fst_session *s);

/* How times are written (sessions: first_seen, last_seen; records: start,
 * end): FST_TIME_EPOCH unix seconds, a number (the default); FST_TIME_ISO
 * ISO 8601 UTC to the second, "2024-06-10T02:00:00Z", a string in JSON.
 * The CSV/TSV header does not change. */
typedef enum fst_time_format { FST_TIME_EPOCH = 0, FST_TIME_ISO = 1 } fst_time_format;

/* "epoch" or "iso" -> fst_time_format; FST_EINVAL otherwise. */
int fst_out_time_format_parse(const char *name);

/* Choose the time format of writer w (call before the first write).
 * Returns 0, or FST_EINVAL for an unknown format (w unchanged). */
int fst_writer_set_time_format(fst_writer *w, int time_format);

/* How many bytes of text written so far were not valid UTF-8 and were
 * written as U+FFFD instead (every format: JSON strings, CSV and TSV
 * cells), so the output is always valid UTF-8. */
uint64_t fst_writer_utf8_replaced(const fst_writer *w);
/* Flush and free.  Returns 0, or FST_EIO if any write failed. */
int fst_writer_close(fst_writer *w);

/* Write s as a JSON string with its quotes, escaped as every writer does:
 * '"' and '\' get a backslash, bytes below 0x20 become \u00XX, valid UTF-8
 * passes unchanged, each byte that is not valid UTF-8 becomes U+FFFD (not
 * counted here).  NULL is written as null.
 * Returns 0, or FST_EIO when f has an error. */
int fst_json_write_string(FILE *f, const char *s);

#endif
