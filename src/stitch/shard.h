/* stitch/shard.h - a reducer's sessions and facts as lines, and back
 * (internal).
 *
 * Owns: the part a reducer writes in a distributed run (docs/distributed.md
 * "A part"): every ENI as observe holds it once all facts are in (E, and
 * in the one part whose reducer got the whole facts its context C, the
 * AWS service names V and the data's time range W), the input counts (I),
 * and each correlated session (X) with its group key, reported addresses
 * and every fst__sess field the later stages read (direction, NAT, order,
 * account, output; basis, client_hi, nat_parent and rank are theirs to
 * set).  merge loads the lines of every part into one observe and one
 * session store (groups made from the sessions' keys, ENIs in the same
 * index order as every reducer's) and runs the rest of the pipeline.
 */
#ifndef FST_STITCH_SHARD_H
#define FST_STITCH_SHARD_H

#include "correlate/session.h"
#include "stitch/wire.h"

/* The lines of ENI e into b: what correlating read (E: index, name,
 * candidates, substituted address; the same in every part) and the rest
 * (C: hop, flow-direction address, context, counts, secondaries; only in
 * the part whose reducer got the whole facts). */
void fst__shard_put_eni(const fst__eni *e, fst__wbuf *b);
void fst__shard_put_ctx(const fst__eni *e, fst__wbuf *b);
/* The line of session s of ss (groups and reps of o) into b. */
void fst__shard_put_sess(const fst__observe *o, const fst__sessions *ss, const fst__sess *s,
                         fst__wbuf *b);
/* Calls cb with every line of the part: the options that decided sessions
 * (P: the ENI metadata's size, the idle and conntrack timeouts of cfg),
 * ENIs (E), with whole (the reducer got the whole facts) their context (C),
 * the services (V) and the range (W), then the counts (I) and the
 * sessions of ss in order (X).  0, FST_ENOMEM, or cb's nonzero. */
int fst__shard_write(const fst__observe *o, const fst__sessions *ss,
                     const fst_stitcher_config *cfg, int whole,
                     int (*cb)(const char *line, void *ud), void *ud);

/* Loading (merge): the state of one run being rebuilt. */
typedef struct fst__loader {
    fst__group *last; /* group of the last session line */
} fst__loader;

/* One line written by fst__shard_write into o and ss (cfg: merge's
 * options).  0, FST_EINVAL (malformed, or an ENI out of its index order),
 * FST_EVALUE (a P line whose options differ from cfg), FST_ENOMEM. */
int fst__shard_load(fst__loader *l, fst__observe *o, fst__sessions *ss,
                    const fst_stitcher_config *cfg, const char *line);

#endif
