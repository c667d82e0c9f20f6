/* tools/score/main.c - the `score` command: argv, wiring, exit codes.
 *
 *   score [options] TRUTH.jsonl SESSIONS.jsonl
 *   score naive [-o OUT] RECORDS...
 *
 * Exit 0 on success, 1 when a --min-X or --max-X threshold fails, 2 on a
 * usage or input error.  docs/scoring.md is the manual.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score.h"

#define USAGE                                                                       \
    "usage: score [options] TRUTH.jsonl SESSIONS.jsonl\n"                           \
    "       score naive [-o OUT.jsonl] RECORDS...\n"                                \
    "\n"                                                                            \
    "  --truth FILE            truth JSONL from flowgen (or first positional)\n"    \
    "  --sessions FILE         sessions JSONL from flowstitch (or second positional)\n" \
    "  --json FILE             also write the report as JSON ('-' = stdout)\n"     \
    "  --records-bytes N       sum of bytes over all raw records (naive ratio)\n"  \
    "  --stats FILE            read bytes_naive from flowstitch --stats JSON\n"     \
    "  --records PATH          raw flow-log file or directory; sums its bytes\n"    \
    "                          (repeatable)\n"                                      \
    "  --observable-only       drop truth whose \"enis\" is [] (no logged ENI saw it)\n" \
    "  --no-fold               score the raw truth: do not fold connections carrying\n" \
    "                          \"log_merged_into\" into their target\n"             \
    "  --slack SECONDS         time slack around truth [start,end] (default 120)\n" \
    "  --min-recall X          exit 1 when overall recall < X\n"                    \
    "  --min-precision X       exit 1 when overall precision < X\n"                 \
    "  --max-byte-error X      exit 1 when overall byte error > X\n"                \
    "  --min-direction X       exit 1 when overall direction accuracy < X\n"        \
    "  --show-unmatched N      list up to N unmatched truth and sessions on stderr\n" \
    "  -q, --quiet             no table on stdout\n"                                \
    "  -h, --help              this text\n"

typedef struct opts {
    const char *truth, *sessions, *json, *stats;
    const char **records;
    size_t nrecords;
    int have_records_bytes, quiet, observable_only, no_fold;
    uint64_t records_bytes;
    long long slack;
    long show_unmatched;
    score_thresholds th;
} opts;

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "score: %s%s%s\n%s", msg, arg ? " " : "", arg ? arg : "", USAGE);
    return 2;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < 0)
        return -1;
    *out = v;
    return 0;
}

static int parse_ull(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* One option with a value; returns 0, or 2 after printing the error. */
static int take_value(opts *o, const char *name, const char *val)
{
    unsigned long long u;
    double d;
    if (!strcmp(name, "--truth")) {
        o->truth = val;
    } else if (!strcmp(name, "--sessions")) {
        o->sessions = val;
    } else if (!strcmp(name, "--json")) {
        o->json = val;
    } else if (!strcmp(name, "--stats")) {
        o->stats = val;
    } else if (!strcmp(name, "--records")) {
        o->records[o->nrecords++] = val;
    } else if (!strcmp(name, "--records-bytes")) {
        if (parse_ull(val, &u))
            return usage_error("bad --records-bytes", val);
        o->records_bytes = u;
        o->have_records_bytes = 1;
    } else if (!strcmp(name, "--slack") || !strcmp(name, "--show-unmatched")) {
        if (parse_ull(val, &u) || u > 1000000000ULL)
            return usage_error("bad value for", name);
        if (name[2] == 's' && name[3] == 'l')
            o->slack = (long long)u;
        else
            o->show_unmatched = (long)u;
    } else {
        double *dst = !strcmp(name, "--min-recall")       ? &o->th.min_recall
                      : !strcmp(name, "--min-precision")  ? &o->th.min_precision
                      : !strcmp(name, "--max-byte-error") ? &o->th.max_byte_error
                      : !strcmp(name, "--min-direction")  ? &o->th.min_direction
                                                          : NULL;
        if (!dst)
            return usage_error("unknown option", name);
        if (parse_double(val, &d))
            return usage_error("bad value for", name);
        *dst = d;
    }
    return 0;
}

static int parse_args(int argc, char **argv, opts *o)
{
    size_t npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(USAGE, stdout);
            exit(0);
        }
        if (!strcmp(a, "--observable-only")) {
            o->observable_only = 1;
            continue;
        }
        if (!strcmp(a, "--no-fold")) {
            o->no_fold = 1;
            continue;
        }
        if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
            continue;
        }
        if (a[0] == '-' && a[1] == '-') {
            char name[64];
            const char *eq = strchr(a, '=');
            size_t n = eq ? (size_t)(eq - a) : strlen(a);
            if (n >= sizeof name)
                return usage_error("unknown option", a);
            memcpy(name, a, n);
            name[n] = '\0';
            const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (!val)
                return usage_error("missing value for", name);
            int rc = take_value(o, name, val);
            if (rc)
                return rc;
            continue;
        }
        if (a[0] == '-' && a[1] != '\0')
            return usage_error("unknown option", a);
        if (npos == 0 && !o->truth)
            o->truth = a;
        else if (!o->sessions)
            o->sessions = a;
        else
            return usage_error("too many arguments:", a);
        npos++;
    }
    if (!o->truth || !o->sessions)
        return usage_error("need a truth file and a sessions file", NULL);
    return 0;
}

static int naive_main(int argc, char **argv)
{
    const char *outpath = NULL;
    int ninputs = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
            if (i + 1 >= argc)
                return usage_error("naive: missing value for", argv[i]);
            outpath = argv[++i];
            argv[i - 1] = argv[i] = NULL; /* not inputs */
        } else {
            ninputs++;
        }
    }
    if (ninputs == 0)
        return usage_error("naive: need at least one RECORDS input", NULL);
    FILE *out = outpath ? fopen(outpath, "w") : stdout;
    if (!out) {
        fprintf(stderr, "score: %s: %s\n", outpath, strerror(errno));
        return 2;
    }
    score_naive nv;
    score_naive_init(&nv);
    char err[512];
    int rc = 0;
    for (int i = 2; i < argc && rc == 0; i++)
        if (argv[i] && score_naive_path(&nv, argv[i], out, err, sizeof err)) {
            fprintf(stderr, "score: %s\n", err);
            rc = 2;
        }
    if ((outpath ? fclose(out) : fflush(out)) != 0 && rc == 0) {
        fprintf(stderr, "score: write error\n");
        rc = 2;
    }
    fprintf(stderr, "naive: %llu lines, %llu records (%llu bytes), %llu skipped, %llu malformed\n",
            (unsigned long long)nv.lines, (unsigned long long)nv.records,
            (unsigned long long)nv.bytes, (unsigned long long)nv.skipped,
            (unsigned long long)nv.bad);
    return rc;
}

/* The naive byte total from --records-bytes, --stats or --records. */
static int records_bytes(const opts *o, score_run *r)
{
    char err[512];
    uint64_t bytes;
    if (o->have_records_bytes) {
        score_set_records_bytes(r, o->records_bytes);
    } else if (o->stats) {
        if (score_stats_file_bytes_naive(o->stats, &bytes, err, sizeof err)) {
            fprintf(stderr, "score: %s\n", err);
            return 2;
        }
        score_set_records_bytes(r, bytes);
    } else if (o->nrecords) {
        score_naive nv;
        score_naive_init(&nv);
        for (size_t i = 0; i < o->nrecords; i++)
            if (score_naive_path(&nv, o->records[i], NULL, err, sizeof err)) {
                fprintf(stderr, "score: %s\n", err);
                return 2;
            }
        score_set_records_bytes(r, nv.bytes);
    }
    return 0;
}

static json_t *thresholds_json(const score_thresholds *t, int failed)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    const double v[] = {t->min_recall, t->min_precision, t->max_byte_error, t->min_direction};
    const char *k[] = {"min_recall", "min_precision", "max_byte_error", "min_direction"};
    for (int i = 0; i < 4; i++)
        json_object_set_new(o, k[i], v[i] >= 0 ? json_real(v[i]) : json_null());
    json_object_set_new(o, "failed", json_integer(failed));
    return o;
}

static int write_json(const score_run *r, const opts *o, int failed)
{
    json_t *j = score_report_json(r);
    if (!j) {
        fprintf(stderr, "score: out of memory\n");
        return 2;
    }
    json_object_set_new(j, "thresholds", thresholds_json(&o->th, failed));
    int rc = strcmp(o->json, "-") == 0
                 ? json_dumpf(j, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10))
                 : json_dump_file(j, o->json, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    if (rc == 0 && strcmp(o->json, "-") == 0)
        fputc('\n', stdout);
    json_decref(j);
    if (rc) {
        fprintf(stderr, "score: %s: cannot write\n", o->json);
        return 2;
    }
    return 0;
}

static int score_main(const opts *o)
{
    char err[512];
    score_run *r = score_run_new();
    if (!r) {
        fprintf(stderr, "score: out of memory\n");
        return 2;
    }
    int rc = 0;
    if (o->slack >= 0)
        score_set_slack(r, o->slack);
    score_set_observable_only(r, o->observable_only);
    score_set_fold(r, !o->no_fold);
    if (score_load_truth_file(r, o->truth, err, sizeof err) ||
        score_load_sessions_file(r, o->sessions, err, sizeof err)) {
        fprintf(stderr, "score: %s\n", err);
        rc = 2;
    } else if ((rc = records_bytes(o, r)) == 0 && score_compute(r)) {
        fprintf(stderr, "score: out of memory\n");
        rc = 2;
    }
    if (rc == 0) {
        if (!o->quiet)
            score_report_text(r, stdout);
        if (o->show_unmatched > 0)
            score_report_unmatched(r, stderr, (size_t)o->show_unmatched);
        int failed = score_check(r, &o->th, stderr);
        rc = o->json ? write_json(r, o, failed) : 0;
        if (rc == 0 && failed)
            rc = 1;
    }
    score_run_free(r);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "naive"))
        return naive_main(argc, argv);
    opts o;
    memset(&o, 0, sizeof o);
    o.slack = -1;
    score_thresholds_init(&o.th);
    o.records = calloc((size_t)argc + 1, sizeof *o.records);
    if (!o.records)
        return 2;
    int rc = parse_args(argc, argv, &o);
    if (rc == 0)
        rc = score_main(&o);
    free(o.records);
    return rc;
}
