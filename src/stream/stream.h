/* stream/stream.h - streaming: closed groups out, settled windows folded (internal).
 *
 * Owns: the operations a streaming stitcher (cfg.horizon > 0,
 * stitch/stitcher.c) runs on its fst__observe at each flush: split the
 * groups that closed before the cut-offs into a part of their own (which is
 * then correlated, oriented and written), and fold the settled windows of
 * long connections still open; and, in batch or streaming mode, evict the
 * groups idle longest when held state reaches the memory cap (--memcap:
 * same split, chosen by end time).  All act on observe/'s store; the fold's
 * guards read the direction evidence (correlate/session.h) so that a fold
 * never changes a session's orientation.
 *
 * cut[proto] and idle[proto] are indexed by IANA protocol number.
 */
#ifndef FST_STREAM_STREAM_H
#define FST_STREAM_STREAM_H

#include <stdint.h>

#include "observe/observe.h"

/* Streaming: moves every group whose entries all end before cut[proto]
 * (and all carry times), with its entries and reported addresses, out of o
 * into *part, a new observe that borrows o's ENIs, metadata and SKIPDATA
 * windows (free it with fst__observe_free; it frees only its own).  The
 * groups left in o keep their order, renumbered; the lookup table is
 * rebuilt.  From now on records pushed into o that end before cut[proto]
 * are counted in o->late.  *moved: the number of groups moved (0: *part
 * is empty but still valid).  0, or FST_ENOMEM (o unchanged). */
int fst__stream_split(fst__observe *o, const int64_t cut[FST_PROTO_COUNT], fst__observe *part,
                       uint32_t *moved);

/* --memcap: moves the n groups whose entries ended earliest (ties in
 * order of first sight; groups with an entry without times count as
 * ending last), with their entries and reported addresses, out of o into
 * *part, as fst__stream_split does (o's cut-offs unchanged).  What o no
 * longer needs goes back to the system: the entry blocks and group chunks
 * past its new end are unmapped, the pages past the end of the last ones
 * released, the lookup table rebuilt at its new size, the wide entries
 * compacted.  *moved: min(n, groups held).  0, or FST_ENOMEM (o unchanged). */
int fst__stream_evict(fst__observe *o, uint32_t n, fst__observe *part, uint32_t *moved);

/* Streaming, after a split: in every group of at least FST__FOLD_MIN
 * entries, the settled windows of one observation stream (ended before
 * cut[proto]) are folded into one entry (sums, OR of flags, earliest start,
 * latest end, the records it stands for) when correlation cannot tell the
 * difference: same ENI, direction, action and bits, no FIN or RST, a SYN
 * only in the earliest, no duplicate, no idle gap (idle[proto]), and every
 * later window of the stream starting after them (docs/sessions.md
 * "Streaming").  Long connections then hold a few entries, not all their
 * windows.  Returns the entries saved; 0 also when there was no memory for
 * it (nothing changed). */
#define FST__FOLD_MIN 16
uint32_t fst__stream_fold(fst__observe *o, const int64_t cut[FST_PROTO_COUNT], const uint32_t idle[FST_PROTO_COUNT]);

#endif
