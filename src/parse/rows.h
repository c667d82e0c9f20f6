/* parse/rows.h - output rows made on the parse threads (internal; used by
 * out/writer.c).
 *
 * Owns: the hook through which a record writer lets the reader's parse
 * threads turn each record into its output line (parse/pipeline.c calls it
 * right after parsing), so the reading thread only copies the line.  The
 * row function sees the record as fst_reader_next would return it except
 * that ids[] and eni are not set (the tokens in cols are, and num[] of an
 * id field holds the parse thread's local id for it, 0 when none) and file
 * is NULL; it must depend on nothing but the record, its ud (read only) and
 * its own state (one per parse thread).  Results are then the same as
 * writing the record on the reading thread.  A "row" may be any bytes: the
 * session engine's are its records' prepared halves (stitch/feed.c), whose
 * ids the reading thread then interns with fst__reader_row_id.
 */
#ifndef FST_PARSE_ROWS_H
#define FST_PARSE_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "flowstitch/reader.h"

/* Write rec's line at buf (cap bytes): its length, or, when it needs more
 * than cap, a number > cap (at least what it needs); bytes of text that were
 * not UTF-8 are added to *bad. */
typedef size_t fst__row_fn(void *state, const void *ud, const fst_record *rec, char *buf, size_t cap,
                           uint64_t *bad);

typedef struct fst__row_maker {
    fst__row_fn *row;
    void *(*state_new)(void);         /* per parse thread; NULL on out of memory */
    void (*state_free)(void *state);
    const void *ud;
    /* The consumer takes rows only (fst__reader_next_rows): the parse
     * threads do not pack the records, so a record fst_reader_next must
     * still give is parsed again from its line on the reading thread. */
    int only;
    /* The rows need no ids (with only): the parse threads do not look the
     * id fields up in their local ids (rec->num[id] stays 0, as for an id
     * they could not keep), and fst__reader_row_id is not called. */
    int noids;
} fst__row_maker;

/* Before the first fst_reader_next: make rows with m (copied) when the
 * reader parses on threads.  0, or FST_EINVAL when reading began or
 * another row function was set. */
int fst__reader_set_rows(fst_reader *r, const fst__row_maker *m);
/* Whether r's rows are made by row (fst__reader_set_rows). */
int fst__reader_rows_by(const fst_reader *r, fst__row_fn *row);
/* The row made for rec, when rec is the record fst_reader_next returned last
 * and a parse thread made its row: 1 and *text, *len, *bad (its non-UTF-8
 * byte count); else 0 (write rec yourself). */
int fst__reader_row(const fst_reader *r, const fst_record *rec, const char **text, size_t *len,
                    uint64_t *bad);

/* A run of rows made on the parse threads: the lines of `rows` records in
 * a row, back to back (len bytes at text), bad non-UTF-8 bytes among them. */
typedef struct fst__row_run {
    const char *text;
    size_t len;
    uint64_t rows, bad;
    int worker;                 /* the parse thread that made them (fst__reader_row_id) */
    const char *file;           /* the input they come from (as fst_record.file) */
} fst__row_run;

/* As fst_reader_next, for a writer that only copies rows: 2 and *run (valid
 * until the next call on r) for records whose rows a parse thread made (they
 * are counted, but not rebuilt as fst_record: no interning, no unpacking);
 * 1 and *rec for a record without a row (write it yourself); 0 at the end;
 * or fst_reader_next's negative code.  Runs and records come in input
 * order, and accounting and diagnostics are as fst_reader_next's. */
int fst__reader_next_rows(fst_reader *r, fst__row_run *run, const fst_record **rec);

/* For a row of the last run that carries the token s[0..n) of id field id
 * and its local id lid (the row function's rec->num[id]): the interned text
 * (*out) and dense number (*num) fst_reader_next would have given it
 * (rec->ids[id], and rec->eni for interface-id).  Call in input order,
 * before the next fst__reader_next_rows.  0 or FST_ENOMEM. */
int fst__reader_row_id(fst_reader *r, const fst__row_run *run, int id, uint64_t lid, const char *s,
                       uint32_t n, const char **out, uint32_t *num);

#endif
