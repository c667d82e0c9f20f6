/* decode/input.h - bytes to numbered lines (internal).
 *
 * Owns: the one interface of the read and decode stages.  Behind it: the
 * queue of inputs (paths, directories walked recursively in sorted order,
 * stdin, memory) and its optional time order (read/queue.h, keys from
 * read/s3name.h), opening files (read/source.h) and sniffing walked ones
 * (read/sniff.h); gzip detection by magic bytes and streaming multi-member
 * inflate (decode/gunzip.h: gzip inside gzip too: while the inflated bytes
 * start with 1f 8b 08 they are inflated again, at most 3 layers, each
 * streaming and multi-member), bounded line framing and line numbers
 * (decode/frame.h), and the choice of reading a file as a JSON envelope
 * (decode/envelope.h: its first non-blank decoded byte is '{' and the first
 * object's top-level keys name one), whose messages then come as the lines
 * (decode/input.c sequences all of it).
 * Knows nothing of flow-log fields: whether a walked file "looks like a flow
 * log" is asked of the caller through a callback.
 *
 * Memory: bounded by the read buffer plus max_line, whatever the file size;
 * gzip inside gzip adds one buffer of the read size per inner layer; an
 * envelope file adds one JSON document (at most FST__ENV_DOC_MAX).
 */
#ifndef FST_DECODE_INPUT_H
#define FST_DECODE_INPUT_H

#include <stddef.h>
#include <stdint.h>

typedef enum fst__ev_kind {
    FST__EV_END = 0,      /* no more inputs */
    FST__EV_FILE_BEGIN,   /* a file starts: path, gzip */
    FST__EV_LINE,         /* a line: text (NUL-terminated, no '\n', a trailing '\r' removed), len, lineno;
                           * in an envelope a CONTROL_MESSAGE is an empty line with why set */
    FST__EV_BADLINE,      /* a line that cannot be used: lineno, err (FST_ELONGLINE, FST_EBINARY, FST_ETRUNCATED) */
    FST__EV_FILE_END,     /* a file ends: err = 0, or FST_EGZIP/FST_ETRUNCATED/FST_EIO when it ended early; bytes_read */
    FST__EV_FILE_SKIPPED, /* a walked file was not read: path, why (static text), err (0 = not a flow log, else open error) */
    FST__EV_HANDOFF       /* only with fst__input_handoff: the next input is for another fst__input */
} fst__ev_kind;

/* How problems surface (decode/input.c has the full list):
 *   - an input that cannot be opened (named or walked, file or directory):
 *     FILE_SKIPPED with err FST_EIO, or FST_ENOENT when it vanished;
 *   - a read error after opening: FILE_END with FST_EIO;
 *   - corrupt gzip: the lines decoded so far, then FILE_END FST_EGZIP;
 *   - gzip that ends early: the lines so far, then FILE_END FST_ETRUNCATED;
 *   - in gzip inside gzip, why of these names the layer the problem came
 *     from ("corrupt gzip data in the inner gzip (layer 2 of 2)"); a fourth
 *     layer is FILE_END FST_EGZIP ("gzip inside gzip nested more than 3
 *     deep") with no lines;
 *   - in the last three cases a final partial line is one BADLINE with
 *     FST_ETRUNCATED before the FILE_END;
 *   - a JSON envelope: lineno is the ordinal of the message in the file
 *     (1-based; every entry counts, usable or not); an entry that cannot be
 *     used is a BADLINE (FST_EJSON, FST_EGZIP, FST_ELIMIT, ...); a document
 *     that is not JSON, or cut short, ends the file: FILE_END FST_EJSON,
 *     why "at byte N: ..." (N counts decoded bytes from 0).
 * Empty lines are LINE events with len 0.  bytes_read is the whole file
 * when it was read to its end, else what was read before the problem. */

typedef struct fst__event {
    fst__ev_kind kind;
    const char *path;     /* valid until the next FILE_BEGIN/SKIPPED (or fst__input_free) */
    char *text;           /* LINE only; valid until the next call, writable */
    size_t len;
    uint64_t lineno;      /* LINE, BADLINE: 1-based */
    int err;
    int gzip;
    int gzip_layers;      /* FILE_BEGIN, FILE_END: 0 plain, 1 gzip, 2-3 gzip inside gzip */
    uint64_t bytes_read;  /* FILE_END: raw bytes read from the file */
    const char *why;      /* FILE_SKIPPED, BADLINE, FILE_END: short reason */
} fst__event;

/* Asked once per walked (not explicitly named) file with its first non-blank
 * line that does not start with '#' (decompressed); return nonzero to read
 * the file, 0 to skip it as "not a flow log".  Not asked for JSON: an
 * envelope is read, other JSON skipped ("json"). */
typedef int (*fst__sniff_fn)(const char *line, size_t len, void *ud);

typedef struct fst__input fst__input;

/* New empty queue.  max_line 0 means 65536; sniff may be NULL (walked files
 * are then only checked for names, Parquet, JSON and binary content).
 * NULL on out of memory.  Free with fst__input_free. */
fst__input *fst__input_new(uint32_t max_line, fst__sniff_fn sniff, void *ud);
/* The same with bufsize bytes read and inflated at a time (0: the default,
 * 256 KiB); fst__input_set_bufsize sets the two sizes apart. */
fst__input *fst__input_new_sized(uint32_t max_line, size_t bufsize, fst__sniff_fn sniff,
                                 void *ud);
/* Queue a path ("-" = stdin).  Directories are expanded when reached (in
 * time order: all of them before the first file).  Returns 0 or FST_ENOENT
 * when the path does not exist. */
int fst__input_add_path(fst__input *in, const char *path);
/* Queue a copy of a memory buffer (may be gzip). */
int fst__input_add_mem(fst__input *in, const char *name, const void *data, size_t len);
/* Time order (docs/inputs.md, "Time order (streaming)"; off by default).
 * When on, the next fst__input_next that is about to open an input first
 * walks every queued directory to its end (same byte order, same skips and
 * notes as the lazy walk; a directory that cannot be listed is reported
 * when its turn comes, as before), then stable-sorts the path items (named
 * and walked files) by the time in their names (fst__s3name_time): names
 * without one first, in queue order, then by time, ties in queue order.
 * Stdin and memory items keep their positions in the queue; path items fill
 * the other positions.  Inputs queued after reading began are ordered with
 * those not yet read, at the next input. */
void fst__input_time_order(fst__input *in, int on);
/* Next event.  Returns ev->kind; never fails: problems are events. */
fst__ev_kind fst__input_next(fst__input *in, fst__event *ev);
void fst__input_free(fst__input *in);
/* After FST__EV_END: inputs were queued since; the next fst__input_next
 * goes on with them (parse/pipeline.c, whose framing thread meets the end
 * before the reading thread has seen all events). */
void fst__input_resume(fst__input *in);
/* Hand-off mode, for a reader that reads different files on different
 * threads (parse/pipeline.c).  When on, an input that is not the last
 * queued one (a file, found to be one and opened, or a memory buffer) is
 * not read here: fst__input_next returns FST__EV_HANDOFF and
 * fst__input_take gives the item (the caller's; an opened file keeps its
 * descriptor), to queue in another fst__input with fst__input_add_item,
 * which reads it exactly as this one would have (a walked file sniffed,
 * the same events).  Directories, their errors and the time order stay
 * here. */
void fst__input_handoff(fst__input *in, int on);
struct fst__item *fst__input_take(fst__input *in);
void fst__input_add_item(fst__input *in, struct fst__item *it);

/* Tuning and test hooks (call before the first fst__input_next).
 *
 * The gzip backend is isa-l when the build has it, else zlib; the
 * environment variable FST_INFLATE=zlib, read by fst__input_new, or
 * fst__input_force_zlib(in, 1) selects zlib anyway.  fst__input_inflater
 * names the backend in use ("isal" or "zlib").  fst__input_set_bufsize
 * changes the raw read size and the decoded fill size (bytes, 0 keeps the
 * default of 256 KiB each); tiny sizes exercise every buffer boundary.
 * Returns 0 or FST_ENOMEM / FST_EINVAL (after the first next). */
void fst__input_force_zlib(fst__input *in, int on);
const char *fst__input_inflater(const fst__input *in);
int fst__input_set_bufsize(fst__input *in, size_t raw, size_t fill);

#endif
