/* flowstitch/filter.h - select sessions: a filter expression and a time range.
 *
 * Owns: fst_filter (a compiled filter expression, docs/filters.md), the
 * time parser of --since/--until and the time-range test.  Filters read a
 * finished fst_session only; they never change how records join.
 *
 * Ownership: fst_filter_compile allocates; fst_filter_free releases (NULL is
 * fine).  fst_filter_match and fst_time_range_match never allocate and keep
 * no state: one compiled filter may be used from several threads at once.
 */
#ifndef FLOWSTITCH_FILTER_H
#define FLOWSTITCH_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "flowstitch/session.h"

typedef struct fst_filter fst_filter;

/* Compiles expr (NUL-terminated; the grammar is docs/filters.md).  On a
 * syntax error returns NULL and writes into err (errlen bytes, may be 0) a
 * message of three lines without a final newline:
 *     filter: expected a port number
 *       port abc
 *            ^^^
 * (the caret line marks the bad token, or the end of the text when a term
 * is missing).  Out of memory: NULL and "filter: out of memory". */
fst_filter *fst_filter_compile(const char *expr, char *err, size_t errlen);

/* 1 when session s satisfies f, else 0.  A comparison on a value the
 * records did not carry (bytes/packets with FST_SESSION_NO_COUNTS,
 * duration with FST_SESSION_NO_TIMES) is false; a context string that is
 * NULL matches no name. */
int fst_filter_match(const fst_filter *f, const fst_session *s);

void fst_filter_free(fst_filter *f);

/* Parses a point in time into unix seconds: either a whole number of epoch
 * seconds ("1718071200") or ISO 8601 with a zone: "2024-06-10T02:00:00Z",
 * "2024-06-10T04:00:00+02:00", "+0200" offsets, a space instead of the T,
 * seconds optional ("2024-06-10T02:00Z").  A fractional part of the seconds
 * (".5") is accepted and dropped: flow-log times are whole seconds.  A time
 * without a zone is refused (it would depend on the machine's TZ).
 * Returns 0, or FST_EINVAL (bad text) / FST_ERANGE (a field out of range). */
int fst_time_parse(const char *text, int64_t *out);

/* A closed interval [since, until] of unix seconds; an open end is
 * INT64_MIN / INT64_MAX (fst_time_range_init sets both). */
typedef struct fst_time_range {
    int64_t since, until;
} fst_time_range;

void fst_time_range_init(fst_time_range *r);
/* 1 when [s->first_seen, s->last_seen] overlaps r (ends included).  With
 * either end set, a session whose records carried no times
 * (FST_SESSION_NO_TIMES) does not match; with both open, every session does. */
int fst_time_range_match(const fst_time_range *r, const fst_session *s);

#endif
