/* parse/pipeline.h - framing and parsing on other threads (internal).
 *
 * Owns: the threads of a reader with cfg.threads >= 2.  One framing thread
 * runs the input (open, read, inflate, line framing: every fst__event of
 * decode/input.h, in order) and copies the events into chunks of about
 * 256 KiB of text; N parse workers each take the next chunk and parse its
 * lines with their own parser (started from the header in force at the
 * chunk's start, which the framing thread tracks), packing records
 * (parse/pack.h); the reading thread takes the chunks back in input order
 * and replays their events through the reader's accounting (parse/reader.c),
 * so records, counts, problems and their order are those of one thread.
 *
 * Files apart: an input with more queued behind it is handed whole to one
 * worker, which reads, inflates, frames and parses it with its own
 * fst__input while other workers do the same with the next inputs; the
 * reading thread still takes their chunks in queue order.
 *
 * Memory: at most 2 * workers + 2 segments exist (the framing thread waits
 * for a free one), each a chunk or a file's 3 chunks, a chunk ~256 KiB of
 * text (or one line when longer) plus its events and packed records.
 *
 * Threads: the input (fst__input) belongs to the framing thread while the
 * pipeline runs; the reading thread queues more inputs only between
 * fst__pipe_lock_input and fst__pipe_unlock_input.
 */
#ifndef FST_PARSE_PIPELINE_H
#define FST_PARSE_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "decode/input.h"

/* An event as the reading thread gets it back. */
enum { FST__PEV_FATAL = 100 }; /* kind of an event that stops the run: err */
#define FST__NO_TEXT UINT32_MAX

typedef struct fst__pev {
    uint64_t lineno;
    uint64_t bytes_read;  /* FILE_END */
    uint32_t off, len;    /* LINE: text; FILE_BEGIN, FILE_SKIPPED: path */
    uint32_t why;         /* offset of the event's why in text, or FST__NO_TEXT */
    uint32_t pwhy;        /* LINE: offset of the parser's why in aux, or FST__NO_TEXT */
    uint32_t rec;         /* LINE with prc FST__LINE_RECORD: offset in recs */
    uint32_t row, rowlen; /* its output row in rows (row FST__NO_TEXT: none) */
    uint32_t rowbad;      /* the row's bytes that were not UTF-8 */
    int32_t err;          /* the event's err */
    int32_t prc;          /* LINE: what the worker's parser returned */
    uint8_t kind;         /* fst__ev_kind, or FST__PEV_FATAL */
    uint8_t gzip, layers;
    uint8_t hdr;          /* LINE: a header line (the reading thread parses it itself) */
    uint8_t status;       /* LINE with prc FST__LINE_RECORD: its log-status (FST_STATUS_*) */
} fst__pev;

typedef struct fst__chunk {
    char *text;               /* lines, paths and whys, each NUL-terminated */
    size_t tlen, tcap;
    fst__pev *ev;
    size_t nev, evcap;
    unsigned char *recs;      /* packed records */
    size_t rlen, rcap;
    char *aux;                /* the parsers' whys */
    size_t alen, acap;
    char *rows;               /* output rows (parse/rows.h) */
    size_t wlen, wcap;
    uint32_t hdr_off, hdr_len; /* header in force at the start (in text), or FST__NO_TEXT */
    uint64_t hdr_lineno;
    uint64_t end_gen;         /* an END event: inputs queued when the framer met it */
    uint64_t seq;
    int state;
    int worker;               /* index of the parse worker that parsed it */
} fst__chunk;

typedef struct fst__pipe fst__pipe;

typedef struct fst__pipe_cfg {
    int workers;           /* parse threads (>= 1) */
    const char *fields;    /* the reader's --fields layout (NULL: default), known valid */
    int files_apart;       /* read inputs with more queued behind them on the workers */
    /* for the workers' own inputs (files read apart): as the reader's */
    uint32_t max_line, bufsize;
    fst__sniff_fn sniff;
    const struct fst__row_maker *rows; /* rows made on the workers, or NULL */
} fst__pipe_cfg;

/* Start the threads over in (which the pipeline uses until fst__pipe_stop).
 * NULL when memory or a thread could not be had (then nothing was started). */
fst__pipe *fst__pipe_start(fst__input *in, const fst__pipe_cfg *cfg);
/* The next chunk in input order (waits for it); the previous one is given
 * back.  Never NULL: the input's END comes as an event. */
fst__chunk *fst__pipe_next(fst__pipe *p);
/* Is this END event the end?  No when inputs were queued after the framing
 * thread met it (it then goes on with them). */
int fst__pipe_end_final(fst__pipe *p, const fst__chunk *c);
void fst__pipe_lock_input(fst__pipe *p);
/* Unlock; added: inputs were queued meanwhile. */
void fst__pipe_unlock_input(fst__pipe *p, int added);
/* Stop and join the threads, free everything (in stays the caller's). */
void fst__pipe_stop(fst__pipe *p);

#endif
