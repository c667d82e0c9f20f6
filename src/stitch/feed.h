/* stitch/feed.h - a reader's records into observe, on one thread or two
 * (internal; the public face is fst_stitcher_push_reader).
 *
 * Owns: the loop "next record, push it", and its two-thread form.  With two
 * threads a producer thread runs fst_reader_next (open, read, inflate, frame,
 * parse, account, print problems) and fst__observe_prep (window values,
 * canonical key and hash) into batches of compact fst__prep items (104 bytes,
 * not the >1 KB fst_record); the calling thread takes the batches in order
 * and runs fst__observe_push_prep on each item.  When the reader parses on
 * threads of its own and no metadata aliases addresses, those threads run
 * fst__observe_prep as they parse (a row maker, parse/rows.h) and the
 * producer only interns each item's ids and hashes its key.  So:
 *   - every mutable piece of observe (ENIs and their learning, groups,
 *     entries) is touched by the calling thread only;
 *   - the reader (its parser, interner, accounting and diag output) is
 *     touched by the producer only, until it is joined; the interned
 *     interface-id strings the items point to are written once, before
 *     the batch holding them is handed over under the mutex, and never
 *     changed after (parse/intern.c: only the hash handles in front of the
 *     text move when the table grows);
 *   - the prep context (seed, metadata) is read by both and written by none.
 * Records are pushed in reader order, so the result is the single-thread
 * result.  The reader stops by itself at the end, at an error, or at the
 * first problem in strict mode; when a push fails the producer is told to
 * stop and is joined (it may have read a little further than the single
 * thread would have).
 */
#ifndef FST_STITCH_FEED_H
#define FST_STITCH_FEED_H

#include <stdint.h>

#include "observe/observe.h"
#include "flowstitch/reader.h"

/* Pushes every record of r into o, with threads 1 or 2 (others: 0 or less
 * means 1, more means 2).  Returns 0 at the end of the input, the reader's
 * negative code (FST_ESTRICT ...), or a push error; for a push error *file
 * and *line name the record, else they are set to NULL and 0. */
/* tick (may be NULL) runs on the calling thread after every batch of
 * records pushed (with two threads while the producer reads on); a nonzero
 * return stops the feed, which then returns it when negative, else 0. */
int fst__feed(fst__observe *o, fst_reader *r, int threads, int (*tick)(void *), void *tick_ud,
              const char **file, uint64_t *line);

#endif
