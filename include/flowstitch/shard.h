/* flowstitch/shard.h - the engine's steps of a distributed `sessions` run
 * (docs/distributed.md): map, reduce, merge.
 *
 * Owns: the opaque fst_facts (a map task's per-ENI facts) and the stitcher
 * calls a reducer and merge use instead of fst_stitcher_finish.
 *
 *   map:    fst_facts_push every record (its number in its input), which
 *           also gives the record's connection key; fst_facts_flush at the
 *           end of each input hands the input's facts, one text per ENI,
 *           to be sent to every reducer.
 *   reduce: fst_stitcher_add_facts every facts text (with the rank of its
 *           input name in walk order), then push the reducer's records in
 *           input order (fst_stitcher_push_reader), then
 *           fst_stitcher_finish_part: the sessions of its keys, correlated
 *           exactly as one machine would, as lines.
 *   merge:  fst_stitcher_load_part every line of every part (each part's
 *           E, V and W lines once: they are the same in every part), then
 *           fst_stitcher_finish as usual: direction, NAT legs, order, ids,
 *           summary, callback, without a record.
 * Lines and texts are NUL-terminated, without a newline or a tab.
 */
#ifndef FLOWSTITCH_SHARD_H
#define FLOWSTITCH_SHARD_H

#include <stdint.h>

#include "flowstitch/eni.h"
#include "flowstitch/record.h"
#include "flowstitch/stitcher.h"

typedef struct fst_facts fst_facts;

/* meta: the ENI metadata the run uses (NULL: none; it changes the keys of
 * secondary addresses); it must outlive f.  NULL on out of memory. */
fst_facts *fst_facts_new(const fst_eni_table *meta);
void fst_facts_free(fst_facts *f);
/* Takes record number seq (from 0) of the input being read; *key gets the
 * 64-bit hash of its connection as the stitcher keys it (every record of a
 * connection, both directions, every ENI, the same), or of its ENI for a
 * record without a connection.  0, FST_EINVAL, FST_ENOMEM. */
int fst_facts_push(fst_facts *f, const fst_record *rec, uint64_t seq, uint64_t *key);
/* Calls cb(eni, text, rest, ud) twice for each ENI of the records pushed
 * since the last flush (eni NULL: records without an interface-id), then
 * forgets them: rest 0, the facts every reducer needs (send them to every
 * shard); rest 1, those only merge needs (send them to one shard, the same
 * for every map task: its reducer hands them on).  0, FST_ENOMEM, or cb's
 * nonzero return. */
typedef int (*fst_facts_cb)(const char *eni, const char *text, int rest, void *ud);
int fst_facts_flush(fst_facts *f, fst_facts_cb cb, void *ud);

/* Reduce: one facts text of ENI eni (NULL: none) from the input whose name
 * ranks rank (0, 1, ... in walk order), before any record is pushed.
 * 0, FST_EINVAL (malformed, or records already pushed), FST_ENOMEM. */
int fst_stitcher_add_facts(fst_stitcher *st, uint64_t rank, const char *eni, const char *text);
/* Reduce, instead of fst_stitcher_finish: correlates what was pushed and
 * calls cb with each line of the part (ENIs, services, range, counts,
 * sessions).  0, a negative error, or cb's nonzero return. */
typedef int (*fst_line_cb)(const char *line, void *ud);
int fst_stitcher_finish_part(fst_stitcher *st, fst_line_cb cb, void *ud);
/* Merge: one line fst_stitcher_finish_part wrote, before
 * fst_stitcher_finish; no record may be pushed to st.  0, FST_EINVAL
 * (malformed or out of order), FST_EVALUE (the reducer decided sessions
 * with other options: ENI metadata, idle or conntrack timeouts),
 * FST_ENOMEM. */
int fst_stitcher_load_part(fst_stitcher *st, const char *line);

#endif
