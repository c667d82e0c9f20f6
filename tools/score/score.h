/* tools/score/score.h - the accuracy scorer's core (library score_core).
 *
 * Owns: loading flowgen truth JSONL and flowstitch sessions JSONL, the
 * one-to-one matching of sessions to truth connections, every metric of
 * docs/scoring.md (overall, per class, per tag, NAT legs), the text table,
 * the JSON report, the CI thresholds, and the "naive" baseline converter
 * (one raw flow-log record = one session).
 *
 * Independent of flowstitch_lib on purpose: it judges the engine, so it
 * shares none of its parsing code (addresses go through inet_pton).
 *
 * Memory: score_run_new() returns a run the caller frees with
 * score_run_free(); every pointer handed out by score_* accessors is owned
 * by the run and valid until then.  score_report_json() returns a new
 * reference the caller json_decref()s.
 */
#ifndef FST_TOOLS_SCORE_H
#define FST_TOOLS_SCORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

/* Seconds of slack added on both sides of a truth connection's [start, end]
 * when testing time overlap: flow-log windows lag and round. */
#define SCORE_DEFAULT_SLACK 120

/* One group's counters and the ratios derived from them.  A ratio whose
 * denominator is zero is NaN (null in JSON, "-" in the table). */
typedef struct score_metrics {
    uint64_t truth;        /* truth connections in the group */
    uint64_t sessions;     /* non-NAT-leg sessions attributed to the group */
    uint64_t matched;      /* one-to-one pairs whose truth is in the group */
    uint64_t split;        /* truth with >= 2 candidate sessions (free or its own) */
    uint64_t merged;       /* attributed sessions with >= 2 candidate truths (free or its own) */
    uint64_t dir_known;    /* matched pairs whose session basis != "unknown" */
    uint64_t dir_correct;  /* ... of which session client == truth client */
    uint64_t truth_bytes;  /* c2s + s2c bytes over the group's truth */
    uint64_t matched_truth_bytes; /* c2s + s2c bytes over matched truth */
    uint64_t byte_abs_err; /* sum of per-endpoint |session - truth| bytes, matched pairs */
    uint64_t engine_bytes; /* c2s + s2c bytes over attributed sessions */
    double recall;             /* matched / truth */
    double precision;          /* matched / sessions */
    double direction_accuracy; /* dir_correct / dir_known */
    double direction_coverage; /* dir_known / matched */
    double byte_error;         /* byte_abs_err / matched_truth_bytes */
    double bytes_ratio;        /* engine_bytes / truth_bytes */
} score_metrics;

typedef struct score_group {
    const char *kind; /* "class" or "tag" */
    const char *name;
    score_metrics m;
} score_group;

/* NAT legs: sessions with nat_leg_of != null, kept out of every total. */
typedef struct score_nat {
    uint64_t legs;          /* sessions with nat_leg_of != null */
    uint64_t legs_ok;       /* ... pointing at a session matched to a NAT truth */
    uint64_t legs_dangling; /* ... pointing at a session_id absent from the input */
    uint64_t nat_truth;     /* truth connections with nat_eni / nat_outside_* */
    uint64_t nat_truth_matched;  /* ... matched to a session */
    uint64_t nat_truth_with_leg; /* ... whose matched session has >= 1 leg pointing at it */
} score_nat;

typedef struct score_run score_run;

score_run *score_run_new(void);
void score_run_free(score_run *r);
/* Seconds of slack (default SCORE_DEFAULT_SLACK).  Before score_compute. */
void score_set_slack(score_run *r, int64_t seconds);
/* Drop truth connections whose "enis" is an empty array (no logged ENI saw
 * them, so no engine can find them).  Before loading truth. */
void score_set_observable_only(score_run *r, int on);
/* Fold truth connections that carry "log_merged_into" into their target
 * before matching (on by default; docs/scoring.md "Inseparable
 * connections").  Off scores the raw truth.  Before score_compute. */
void score_set_fold(score_run *r, int on);
/* Truth connections folded into another one (0 before score_compute or
 * with folding off). */
uint64_t score_folded(const score_run *r);
/* Sum of bytes over all raw records, for the naive ratio.  Optional. */
void score_set_records_bytes(score_run *r, uint64_t bytes);

/* Load one JSON object (one line).  Blank lines are accepted and ignored.
 * Return 0, or -1 with "reason" in err. */
int score_add_truth_line(score_run *r, const char *line, size_t len, char *err, size_t errlen);
int score_add_session_line(score_run *r, const char *line, size_t len, char *err, size_t errlen);
/* Whole JSONL text (NUL-terminated); errors name the 1-based line. */
int score_load_truth_str(score_run *r, const char *text, char *err, size_t errlen);
int score_load_sessions_str(score_run *r, const char *text, char *err, size_t errlen);
/* JSONL files, plain or gzip ("-" = stdin); errors name "path:line". */
int score_load_truth_file(score_run *r, const char *path, char *err, size_t errlen);
int score_load_sessions_file(score_run *r, const char *path, char *err, size_t errlen);

/* Match and compute every metric.  Call once, after loading.  0 or -1. */
int score_compute(score_run *r);

const score_metrics *score_overall(const score_run *r);
size_t score_group_count(const score_run *r);
/* Classes first (sorted by name), then tags (sorted by name). */
const score_group *score_group_at(const score_run *r, size_t i);
/* NULL when no such group. */
const score_group *score_find_group(const score_run *r, const char *kind, const char *name);
const score_nat *score_nat_stats(const score_run *r);
/* records_bytes / overall truth_bytes; NaN when unset or no truth bytes. */
double score_naive_ratio(const score_run *r);
/* conn_id (as text) of the truth matched to the session with this
 * session_id; NULL when unmatched or absent. */
const char *score_session_match(const score_run *r, int64_t session_id);

/* The report (docs/scoring.md "JSON report"). */
json_t *score_report_json(const score_run *r);
void score_report_text(const score_run *r, FILE *out);
/* Up to max unmatched truth connections and sessions, one per line. */
void score_report_unmatched(const score_run *r, FILE *out, size_t max);

/* CI thresholds; a negative value means "not set". */
typedef struct score_thresholds {
    double min_recall, min_precision, max_byte_error, min_direction;
} score_thresholds;
void score_thresholds_init(score_thresholds *t);
/* Number of failed thresholds (an undefined metric fails a set threshold);
 * one line per failure goes to msgs when not NULL. */
int score_check(const score_run *r, const score_thresholds *t, FILE *msgs);

/* Naive baseline: raw flow-log text lines -> one session per record.
 * Handles the 14-field default layout and S3 header lines (any field order;
 * "${x}" and "x_y" spellings), skips NODATA/SKIPDATA and lines without a
 * 5-tuple, and counts what it saw. */
typedef struct score_naive {
    int col[13];             /* column of each needed field, -1 if absent */
    int have_header;
    uint64_t next_id;        /* next session_id, starts at 1 */
    uint64_t lines, records, skipped, bad;
    uint64_t bytes;          /* sum of bytes over records (the naive total) */
    uint64_t packets;
} score_naive;
void score_naive_init(score_naive *nv);
/* One line (without or with its trailing newline).  When out is not NULL a
 * session JSON line is written for a usable record.  Returns 1 when the line
 * was a record, 0 when it was a header/skipped/blank line, -1 when it was
 * malformed (counted in bad; the caller may go on). */
int score_naive_line(score_naive *nv, const char *line, size_t len, FILE *out);
/* A file (plain or gzip), or a directory walked recursively in name order.
 * A header resets the layout per file.  Returns 0, or -1 with err. */
int score_naive_path(score_naive *nv, const char *path, FILE *out, char *err, size_t errlen);

/* The first number under a "bytes_naive" key anywhere in a JSON value
 * (depth first).  Returns 0 and sets *out, or -1. */
int score_find_bytes_naive(const json_t *v, uint64_t *out);
/* Same for a file: JSON, or as a last resort the text after the first
 * "bytes_naive" key.  Returns 0, or -1 with err. */
int score_stats_file_bytes_naive(const char *path, uint64_t *out, char *err, size_t errlen);

#endif
