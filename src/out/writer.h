/* out/writer.h - the output format table and the writer every format
 * renders into (internal).
 *
 * Owns: struct fst_writer (a borrowed FILE, the format's ops, the row
 * buffer, the error flag) and fst__format_ops, the open/row/close table one
 * file per format fills (out/jsonl.c, out/csv.c, ...).  writer.c owns the
 * registry (name -> ops), open/close and the error flag; a format file owns
 * only how a row looks, and builds it with out/row.h.
 */
#ifndef FST_OUT_WRITER_H
#define FST_OUT_WRITER_H

#include <stdint.h>
#include <stdio.h>

#include "flowstitch/output.h"
#include "parse/rows.h"

/* What a writer was opened for. */
typedef enum fst__rows { FST__ROWS_RECORDS = 1, FST__ROWS_SESSIONS = 2 } fst__rows;

/* One output format.  Row functions build the row with
 * fst__writer_reserve and hand it over with fst__writer_emit (row.h); they return
 * 0 or a negative FST_E* code.  A NULL row function means the format does
 * not write that kind of row (opening such a writer fails). */
typedef struct fst__format_ops {
    const char *name;        /* the --format name, e.g. "jsonl" */
    const char *aliases[3];  /* other accepted names, NULL-ended */
    /* At open, before any row (e.g. a header line); may be NULL. */
    int (*begin)(fst_writer *w);
    int (*session_row)(fst_writer *w, const fst_session *s);
    int (*record_row)(fst_writer *w, const fst_record *rec);
    /* At close, before the flush: release w->state; may be NULL. */
    void (*end)(fst_writer *w);
    /* Record rows made on a reader's parse threads (parse/rows.h; ud: the
     * writer's time_iso); NULL when the format does not. */
    const fst__row_maker *record_rows;
} fst__format_ops;

struct fst_writer {
    FILE *f;                     /* borrowed */
    const fst__format_ops *ops;
    fst__rows rows_kind;
    int failed;                  /* a write failed: close returns FST_EIO */
    uint64_t rows;               /* rows written */
    char *buf;                   /* row buffer (owned), cap bytes */
    size_t cap;
    void *state;                 /* the format's own (owned by it, freed in end) */
    int time_iso;                /* fst_writer_set_time_format(FST_TIME_ISO): times as ISO 8601 */
    uint64_t utf8_replaced;      /* bytes of text that were not UTF-8, written as U+FFFD */
    fst_reader *reader;          /* fst_record_writer_use_reader: its rows, or NULL */
};


#endif
