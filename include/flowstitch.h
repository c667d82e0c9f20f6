/* flowstitch.h - the one public header of the flowstitch engine.
 *
 * Pipeline: read -> decode -> parse (fst_reader) -> observe per ENI ->
 * correlate across ENIs and windows -> decide direction -> account
 * (fst_stitcher) -> write (fst_*_writer).  The command-line program uses
 * nothing but this header.  This file only aggregates: every declaration
 * lives in one of the headers below, lowest layer first.
 */
#ifndef FLOWSTITCH_H
#define FLOWSTITCH_H

#include "flowstitch/version.h"
#include "flowstitch/errors.h"
#include "flowstitch/record.h"
#include "flowstitch/session.h"
#include "flowstitch/filter.h"
#include "flowstitch/cost.h"
#include "flowstitch/eni.h"
#include "flowstitch/reader.h"
#include "flowstitch/stitcher.h"
#include "flowstitch/output.h"
#include "flowstitch/shard.h"

#endif
