/* flowstitch/reader.h - from paths to parsed records.
 *
 * Owns: the input queue (files, directories walked in sorted order, "-" for
 * standard input, memory buffers), gzip recognised by magic bytes, line
 * framing, header/format handling, and the per-file accounting that proves
 * nothing was lost:
 *
 *   lines = records + nodata + skipdata + headers + ignored + skipped
 *
 * "ignored" is blank lines and lines starting with '#'; "skipped" is bad
 * lines, each counted under exactly one reason (an fst_errno code).
 */
#ifndef FLOWSTITCH_READER_H
#define FLOWSTITCH_READER_H

#include <stdint.h>
#include <stdio.h>

#include "flowstitch/errors.h"
#include "flowstitch/record.h"

/* Number of slots in fst_input_stats.by_reason: index is -code. */
#define FST_REASON_SLOTS 32

/* fst_reader_config.threads: one parse thread per online CPU. */
#define FST_READER_THREADS_AUTO UINT32_MAX

typedef struct fst_reader_config {
    /* AWS format string ("${version} ${account-id} ...") for input without
     * a header line; NULL means the 14-field default format.  A header line
     * in the data always wins over it for the rest of that file. */
    const char *fields;
    /* Stop at the first problem (fst_reader_next returns FST_ESTRICT). */
    int strict;
    /* Longest line accepted, in bytes (default 65536). */
    uint32_t max_line;
    /* How many problems to print as "file:line: reason" (default 10). */
    uint32_t max_reports;
    /* Where problems and notes are printed; NULL for silence. */
    FILE *diag;
    /* Time-ordered walk for streaming (default 0: the lazy walk in queue
     * and byte order).  When nonzero, before the first input is opened every
     * queued directory is walked to its end (same files skipped, same notes
     * and errors, possibly earlier), and all files from paths (named and
     * walked) are stable-sorted by the UTC time in their S3 object name
     * (`_YYYYMMDDTHHmmZ_`): files whose name has none first, then by time;
     * ties and untimed files keep queue order.  "-" and memory buffers keep
     * their positions in the queue; the files fill the others.  Details:
     * docs/inputs.md, "Time order (streaming)". */
    int time_order;
    /* Bytes read, and inflated, at a time per input (default 0: 256 KiB
     * each).  Smaller values save memory for many tiny inputs (and keep a
     * fuzzer's allocations small); larger ones change nothing but speed. */
    uint32_t buffer_size;
    /* Parse threads (default 0 or 1: everything on the calling thread).  N >= 2:
     * one more thread reads, inflates and cuts the input into chunks of
     * lines, N threads parse the chunks, and fst_reader_next hands out the
     * records in input order, so records, accounting, problems (and their
     * order and text) and the strict-mode stop are those of one thread.
     * FST_READER_THREADS_AUTO: one parse thread per online CPU (none on a
     * one-CPU machine).  Input
     * from standard input ("-") is always read on the calling thread, so a
     * pipe that stays open is never waited on for a chunk to fill.  When
     * time_order is on, inputs queued after reading began are ordered among
     * those not opened yet by the reading-ahead thread (one thread: by the
     * caller), which may be fewer. */
    uint32_t threads;
} fst_reader_config;

/* Fill *cfg with the defaults above (diag = stderr). */
void fst_reader_config_init(fst_reader_config *cfg);

typedef struct fst_input_stats {
    const char *name;        /* input name; "(total)" for the total */
    uint64_t lines;          /* lines framed (a final line without newline counts) */
    uint64_t records;        /* flow records (log-status OK or absent) */
    uint64_t nodata;         /* NODATA records */
    uint64_t skipdata;       /* SKIPDATA records */
    uint64_t headers;        /* header lines (S3 text files start with one) */
    uint64_t ignored;        /* blank and '#' lines */
    uint64_t skipped;        /* bad lines, sum of by_reason[] */
    uint64_t by_reason[FST_REASON_SLOTS]; /* bad lines by -fst_errno */
    uint64_t bytes_read;     /* bytes read from the file (compressed size) */
    uint32_t files;          /* files read (1 for a file; count in the total) */
    uint32_t files_failed;   /* files that ended in an error (corrupt gzip, I/O) */
    uint32_t files_not_flowlog; /* walked files skipped as not flow logs */
    int gzip;                /* 1 when gzip-compressed */
    int error;               /* fst_errno that ended the file early, or 0 */
} fst_input_stats;

typedef struct fst_reader fst_reader;

/* Create a reader; the config is copied.  NULL on out of memory. */
fst_reader *fst_reader_new(const fst_reader_config *cfg);
/* Queue a file, a directory (walked recursively, entries in byte order of
 * name, or see time_order; files that are not flow logs are skipped with a
 * note) or "-".
 * Returns 0, or FST_ENOENT/FST_EIO when the path cannot be opened; such a
 * path is then a failed input (its fst_input_stats entry, with error set,
 * and files_failed in the total), so a run that was given it cannot look
 * clean. */
int fst_reader_add_path(fst_reader *r, const char *path);
/* Queue a memory buffer (copied); name is used in messages. */
int fst_reader_add_mem(fst_reader *r, const char *name, const void *data, size_t len);
/* Next record of any status (OK, NODATA, SKIPDATA).  Returns 1 and sets
 * *rec, 0 at the end of all inputs, FST_ESTRICT when strict mode met a
 * problem, or another negative code on a fatal error. */
int fst_reader_next(fst_reader *r, const fst_record **rec);
/* Accounting for each input read so far (n entries) and in total. */
const fst_input_stats *fst_reader_file_stats(const fst_reader *r, size_t *n);
const fst_input_stats *fst_reader_total(const fst_reader *r);
/* Progress for a display: as of the end of the last finished input file. */
typedef struct fst_reader_progress_info {
    uint64_t files_done;   /* input files finished */
    uint64_t records;      /* records (OK, NODATA, SKIPDATA) in them */
    uint64_t bytes_done;   /* bytes read from them (compressed size) */
} fst_reader_progress_info;
/* Fill *p.  Safe to call from another thread while the reader is in use
 * (also while fst_stitcher_push_reader* reads on its second thread): the
 * numbers are published at each file's end. */
void fst_reader_progress(const fst_reader *r, fst_reader_progress_info *p);
/* Number of problems printed and not printed (beyond max_reports). */
uint64_t fst_reader_problems(const fst_reader *r);
void fst_reader_free(fst_reader *r);

/* Parse an AWS format string into a field list: exposed for tools and tests.
 * Fills ids[] (FST_F_UNKNOWN for unknown names) up to max entries; returns the
 * number of fields, or FST_EFORMAT. */
int fst_format_parse_ids(const char *fmt, uint8_t *ids, int max);

#endif
