/* decode/gunzip.h - decoded bytes of the open input (internal to decode/).
 *
 * Owns: reading raw bytes of the open input (read/source.h), gzip detection
 * by magic bytes (decode/gzip.h), streaming multi-member inflate through
 * decode/inflate.h, and gzip inside gzip: while what the innermost layer
 * inflates starts with 1f 8b 08, a new layer inflates that, at most
 * FST__MAX_LAYERS, each streaming and multi-member, so memory stays fixed
 * whatever the depth.  Fills in->dbuf (decode/input_state.h); problems
 * finish the input (fst__input_finish) with FST_EIO, FST_EGZIP,
 * FST_ETRUNCATED or FST_ENOMEM and a reason that, in gzip inside gzip,
 * names the layer ("corrupt gzip data in the inner gzip (layer 2 of 2)").
 */
#ifndef FST_DECODE_GUNZIP_H
#define FST_DECODE_GUNZIP_H

#include "decode/input_state.h"

/* Forget the previous input's decoding state (buffers are kept). */
void fst__gunzip_reset(fst__input *in);
/* Look at the first raw bytes: gzip or not, and start the decoder (with as
 * many layers as there is gzip inside gzip).  Problems finish the input. */
void fst__gunzip_start(fst__input *in);
/* Append decoded bytes at dlen (at most `fill`, always leaving one byte);
 * at the end of the stream, or on a problem, the input is finished. */
void fst__gunzip_fill(fst__input *in);
/* Free the inflate states and inner layer buffers. */
void fst__gunzip_free(fst__input *in);

#endif
