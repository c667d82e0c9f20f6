/* account/account.h - the run summary (internal).
 *
 * Owns: the fst_stitch_stats summary of a run (session totals, basis and
 * ENI-count histograms, counted vs naive packets and bytes) and the per-ENI
 * window list.  The sessions themselves and the count-once choice are
 * correlate/session.h's (they are built while the window entries exist).
 */
#ifndef FST_ACCOUNT_ACCOUNT_H
#define FST_ACCOUNT_ACCOUNT_H

#include "correlate/session.h"

/* Session totals and per-ENI windows into *st (st->enis points into
 * *eniw, which the caller owns and frees). 0 or FST_ENOMEM. */
int fst__account_summary(const fst__observe *o, const fst__sessions *ss, fst_stitch_stats *st,
                         fst_eni_windows **eniw);

#endif
