/* decode/frame.h - bounded line framing with line numbers (internal to
 * decode/).
 *
 * Owns: cutting in->dbuf (decode/input_state.h) into lines: a '\n' ends a
 * line, a trailing '\r' is removed, the line gets its 1-based number and a
 * NUL; a line longer than max_line is one BADLINE FST_ELONGLINE and is
 * dropped up to its '\n' without being kept; a line with control characters
 * (other than tab and CR) is BADLINE FST_EBINARY; a final line cut by a
 * decoding error is BADLINE FST_ETRUNCATED.  Pulls decoded bytes through
 * decode/gunzip.h.
 */
#ifndef FST_DECODE_FRAME_H
#define FST_DECODE_FRAME_H

#include "decode/input_state.h"

/* A BADLINE event for the current line number. */
fst__ev_kind fst__frame_bad(fst__input *in, fst__event *ev, int err, const char *why);
/* A complete line at s (len bytes, '\n' excluded, room for a NUL at
 * s[len]): counts it, and checks length and control characters. */
fst__ev_kind fst__frame_line(fst__input *in, fst__event *ev, char *s, size_t len);
/* The FILE_END event of the open input (closes it). */
fst__ev_kind fst__frame_end(fst__input *in, fst__event *ev);
/* The next LINE, BADLINE or FILE_END of an open text (not envelope) input. */
fst__ev_kind fst__frame_next(fst__input *in, fst__event *ev);

#endif
