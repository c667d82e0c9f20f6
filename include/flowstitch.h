/* flowstitch.h - the one public header of the flowstitch engine.
 *
 * Pipeline: read -> decode -> parse (fst_reader) -> observe per ENI ->
 * correlate across ENIs and windows -> decide direction -> account
 * (fst_stitcher) -> write (fst_*_writer).  The command-line program uses
 * nothing but this header.
 */
#ifndef FLOWSTITCH_H
#define FLOWSTITCH_H

#include "flowstitch/errors.h"
#include "flowstitch/record.h"
#include "flowstitch/reader.h"
#include "flowstitch/stitcher.h"
#include "flowstitch/output.h"

#define FST_VERSION_STRING "0.1.0"
/* The library version ("0.1.0"). */
const char *fst_version(void);

#endif
