/* cli/common.c - what every input-reading subcommand shares: input options,
 * queuing inputs, the accounting summary (stderr and --stats JSON) and the
 * exit code.  Public API only. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void fst_cli_input_opts_init(fst_cli_input_opts *o)
{
    memset(o, 0, sizeof *o);
    fst_reader_config_init(&o->reader);
    o->format = FST_OUT_JSONL;
    o->time_format = FST_TIME_EPOCH;
}

void fst_cli_input_help(FILE *f)
{
    fputs("Input options:\n"
          "  --fields FMT       format of header-less input, in AWS's own syntax:\n"
          "                     '${version} ${account-id} ${interface-id} ...'\n"
          "                     (default: the 14-field default format; an S3 file's\n"
          "                     header line always wins for that file)\n"
          "  --strict           stop at the first bad line or file (exit 4)\n"
          "  --max-line N       longest accepted line in bytes (default 65536)\n"
          "  --max-reports N    bad lines reported as file:line: reason (default 10)\n"
          "  --stats FILE       write the run's accounting as JSON to FILE\n"
          "  -q, --quiet        no summary or progress line on stderr (problems are\n"
          "                     still reported)\n"
          "Options take values as --opt VALUE or --opt=VALUE; short ones bundle\n"
          "(-qo FILE); options may follow the INPUTs; -- ends the options.\n",
          f);
}

/* Parse a positive 32-bit number option value; -1 when bad. */
static long parse_count(const char *opt, const char *v)
{
    char *end = NULL;
    errno = 0;
    const long n = strtol(v, &end, 10);
    if (errno || !end || *end || n < 0 || n > 0x7fffffffL) {
        fprintf(stderr, "flowstitch: %s: '%s' is not a number\n", opt, v);
        return -1;
    }
    return n;
}

/* One shared option (key from FST_CLI_SHARED_LONGOPTS); 1 handled,
 * 0 not a shared option, -1 usage error (message printed). */
/* A --fields word that is no AWS field is a usage error, with the nearest
 * known name: the records would otherwise lack the field silently. */
static int unknown_field(const char *cmd, const char *v)
{
    const char *s = v;
    for (;;) {
        s += strspn(s, " \t\r\n");
        if (!*s)
            return 0;
        const size_t n = strcspn(s, " \t\r\n");
        size_t at = 0, len = n;
        if (n >= 3 && s[0] == '$' && s[1] == '{' && s[n - 1] == '}') {
            at = 2;
            len = n - 3;
        }
        if (fst_field_lookup(s + at, len) == FST_F_UNKNOWN) {
            const int near = fst_field_suggest(s + at, len);
            fprintf(stderr, "%s: --fields: unknown field '%.*s'", cmd, (int)len, s + at);
            if (near != FST_F_UNKNOWN)
                fprintf(stderr, " (did you mean '%s'?)", fst_field_name(near));
            fputc('\n', stderr);
            return -1;
        }
        s += n;
    }
}

static int shared_option(const char *cmd, fst_cli_input_opts *o, int key, const char *v)
{
    long n;
    uint8_t ids[256];
    switch (key) {
    case 'q': o->quiet = 1; break;
    case 'o': o->output = v; break;
    case FST_KEY_STRICT: o->reader.strict = 1; break;
    case FST_KEY_STATS: o->stats_path = v; break;
    case FST_KEY_FORMAT:
        if ((o->format = fst_out_format_parse(v)) < 0) {
            fprintf(stderr, "%s: --format: '%s' is not jsonl, csv or tsv\n", cmd, v);
            return -1;
        }
        break;
    case FST_KEY_TIME_FORMAT:
        if ((o->time_format = fst_out_time_format_parse(v)) < 0) {
            fprintf(stderr, "%s: --time-format: '%s' is not epoch or iso\n", cmd, v);
            return -1;
        }
        break;
    case FST_KEY_FIELDS:
        if (fst_format_parse_ids(v, ids, 256) <= 0) {
            fprintf(stderr, "%s: --fields: '%s' is not a format string\n", cmd, v);
            return -1;
        }
        if (unknown_field(cmd, v) < 0)
            return -1;
        o->reader.fields = v;
        break;
    case FST_KEY_MAX_LINE:
        if ((n = parse_count("--max-line", v)) < 0)
            return -1;
        o->reader.max_line = n < 256 ? 256 : (uint32_t)n;
        break;
    case FST_KEY_MAX_REPORTS:
        if ((n = parse_count("--max-reports", v)) < 0)
            return -1;
        o->reader.max_reports = (uint32_t)n;
        break;
    default: return 0;
    }
    return 1;
}

/* The usage error getopt_long met (it printed nothing: opterr is 0); c is
 * ':' for a missing value (always at the last argument), '?' otherwise:
 * optopt 0 for an unknown long option, a known key for a long option given
 * a value it does not take, else the unknown short option character. */
static void report_bad_option(const char *cmd, int c, char **argv, const char *shortopts)
{
    const char *arg = argv[optind - 1];
    const int known = optopt >= FST_KEY_FIELDS || (optopt > 0 && strchr(shortopts, optopt));
    if (c == ':' && !strncmp(arg, "--", 2))
        fprintf(stderr, "%s: %s needs a value\n", cmd, arg);
    else if (c == ':')
        fprintf(stderr, "%s: -%c needs a value\n", cmd, optopt);
    else if (!optopt)
        fprintf(stderr, "%s: unknown option '%s' (see --help)\n", cmd, arg);
    else if (known)
        fprintf(stderr, "%s: '%s': the option takes no value\n", cmd, arg);
    else
        fprintf(stderr, "%s: unknown option '-%c' (see --help)\n", cmd, optopt);
}

int fst_cli_parse(const char *cmd, int argc, char **argv, const char *shortopts,
                  const struct option *longopts, fst_cli_input_opts *o, fst_cli_option_fn own,
                  void *ctx, int *first)
{
    optind = 0; /* glibc: start afresh (a test may parse twice) */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (c == '?' || c == ':') {
            report_bad_option(cmd, c, argv, shortopts);
            return FST_EXIT_USAGE;
        }
        if (c == 'h')
            return FST_CLI_HELP;
        int rc = shared_option(cmd, o, c, optarg);
        if (rc == 0)
            rc = own(ctx, c, optarg) < 0 ? -1 : 1;
        if (rc < 0)
            return FST_EXIT_USAGE;
    }
    *first = optind;
    return 0;
}

int fst_cli_parse_seconds(const char *cmd, const char *opt, const char *v, uint32_t *out)
{
    char *end = NULL;
    errno = 0;
    const unsigned long long n = strtoull(v, &end, 10);
    unsigned long long mult = 1;
    if (end && *end && !end[1]) {
        switch (*end) {
        case 's': mult = 1; end++; break;
        case 'm': mult = 60; end++; break;
        case 'h': mult = 3600; end++; break;
        case 'd': mult = 86400; end++; break;
        default: break;
        }
    }
    if (errno || end == v || !end || *end || v[0] == '-' || v[0] == '+' ||
        n > UINT32_MAX / mult) {
        fprintf(stderr, "%s: %s: '%s' is not a number of seconds (e.g. 350, 10m, 1h)\n",
                cmd, opt, v);
        return -1;
    }
    *out = (uint32_t)(n * mult);
    return 0;
}

int fst_cli_parse_threads(const char *cmd, const char *v, uint32_t *out)
{
    char *end = NULL;
    errno = 0;
    const unsigned long n = strtoul(v, &end, 10);
    if (errno || end == v || *end || v[0] == '-' || v[0] == '+' || n < 1 || n > 64) {
        fprintf(stderr, "%s: --threads: '%s' is not a number from 1 to 64\n", cmd, v);
        return -1;
    }
    *out = (uint32_t)n;
    return 0;
}

int fst_cli_time_range(const char *cmd, const char *since, const char *until, fst_time_range *r)
{
    fst_time_range_init(r);
    const char *text[2] = {since, until};
    int64_t *end[2] = {&r->since, &r->until};
    for (int k = 0; k < 2; k++)
        if (text[k] && fst_time_parse(text[k], end[k]) < 0) {
            fprintf(stderr, "%s: --%s: '%s' is not a time (unix seconds, or ISO 8601 with a "
                            "zone: 2024-06-10T02:00:00Z)\n",
                    cmd, k ? "until" : "since", text[k]);
            return -1;
        }
    if (r->since > r->until) {
        fprintf(stderr, "%s: --since is after --until\n", cmd);
        return -1;
    }
    return 0;
}

int fst_cli_add_inputs(fst_reader *r, int n, char **paths)
{
    if (n <= 0) {
        fputs("flowstitch: no INPUT given (use '-' for standard input)\n", stderr);
        return FST_EXIT_USAGE;
    }
    int missing = 0;
    for (int i = 0; i < n; i++) {
        const int rc = fst_reader_add_path(r, paths[i]);
        if (rc == FST_ENOMEM)
            return FST_EXIT_FATAL;
        if (rc < 0) {
            fprintf(stderr, "flowstitch: %s: %s\n", paths[i], fst_strerror(rc));
            missing++;
        }
    }
    /* Some missing: a failed input (files_failed, exit 1 at the end);
     * all missing: nothing to read, a usage error. */
    return missing == n ? FST_EXIT_USAGE : 0;
}

/* One accounting line: "N lines = a records + b NODATA + ...". */
static void print_counts(FILE *f, const fst_input_stats *s)
{
    fprintf(f,
            "%" PRIu64 " lines = %" PRIu64 " records + %" PRIu64 " NODATA + %" PRIu64
            " SKIPDATA + %" PRIu64 " headers + %" PRIu64 " ignored + %" PRIu64 " skipped",
            s->lines, s->records, s->nodata, s->skipdata, s->headers, s->ignored, s->skipped);
    const uint64_t sum =
        s->records + s->nodata + s->skipdata + s->headers + s->ignored + s->skipped;
    if (sum != s->lines)
        fprintf(f, "  ACCOUNTING MISMATCH (%" PRIu64 " != %" PRIu64 ")", sum, s->lines);
}

static void print_reasons(FILE *f, const fst_input_stats *s)
{
    if (!s->skipped)
        return;
    fputs("    skipped by reason:", f);
    const char *sep = " ";
    for (int i = 1; i < FST_REASON_SLOTS; i++) {
        if (s->by_reason[i]) {
            fprintf(f, "%s%s %" PRIu64, sep, fst_strerror(-i), s->by_reason[i]);
            sep = ", ";
        }
    }
    putc('\n', f);
}

/* The library's escaper; NULL is the empty string here. */
void fst_cli_json_string(FILE *f, const char *s)
{
    fst_json_write_string(f, s ? s : "");
}

static void json_stats(FILE *f, const fst_input_stats *s)
{
    fputs("{\"name\":", f);
    fst_cli_json_string(f, s->name);
    fprintf(f,
            ",\"lines\":%" PRIu64 ",\"records\":%" PRIu64 ",\"nodata\":%" PRIu64
            ",\"skipdata\":%" PRIu64 ",\"headers\":%" PRIu64 ",\"ignored\":%" PRIu64
            ",\"skipped\":%" PRIu64 ",\"bytes_read\":%" PRIu64 ",\"gzip\":%s,\"files\":%u"
            ",\"files_failed\":%u,\"files_not_flowlog\":%u,\"error\":",
            s->lines, s->records, s->nodata, s->skipdata, s->headers, s->ignored, s->skipped,
            s->bytes_read, s->gzip ? "true" : "false", s->files, s->files_failed,
            s->files_not_flowlog);
    if (s->error)
        fst_cli_json_string(f, fst_strerror(s->error));
    else
        fputs("null", f);
    fputs(",\"skipped_by_reason\":{", f);
    const char *sep = "";
    for (int i = 1; i < FST_REASON_SLOTS; i++) {
        if (s->by_reason[i]) {
            fprintf(f, "%s\"%s\":%" PRIu64, sep, fst_err_name(-i), s->by_reason[i]);
            sep = ",";
        }
    }
    fputs("}}", f);
}

/* Files beyond this many are listed on stderr only when they had problems. */
#define FST_CLI_LIST_FILES 20

void fst_cli_print_input_summary(const fst_reader *r, int quiet, FILE *json)
{
    size_t n = 0;
    const fst_input_stats *files = fst_reader_file_stats(r, &n);
    const fst_input_stats *t = fst_reader_total(r);
    if (!quiet) {
        for (size_t i = 0; i < n; i++) {
            const fst_input_stats *s = &files[i];
            const int bad = s->skipped || s->error;
            if (s->files_not_flowlog || (n > FST_CLI_LIST_FILES && !bad))
                continue; /* skipped files were noted when they were met */
            fprintf(stderr, "  %s%s: ", s->name, s->gzip ? " (gzip)" : "");
            print_counts(stderr, s);
            if (s->error)
                fprintf(stderr, "; ended early: %s", fst_strerror(s->error));
            putc('\n', stderr);
            print_reasons(stderr, s);
        }
        fprintf(stderr, "flowstitch: %u file%s read", t->files, t->files == 1 ? "" : "s");
        if (t->files_failed)
            fprintf(stderr, ", %u failed", t->files_failed);
        if (t->files_not_flowlog)
            fprintf(stderr, ", %u not flow logs (skipped)", t->files_not_flowlog);
        fputs("; ", stderr);
        print_counts(stderr, t);
        putc('\n', stderr);
        print_reasons(stderr, t);
    }
    if (json) {
        fputs("\"inputs\":{\"total\":", json);
        json_stats(json, t);
        fputs(",\"files\":[", json);
        for (size_t i = 0; i < n; i++) {
            if (i)
                putc(',', json);
            json_stats(json, &files[i]);
        }
        fputs("]}", json);
    }
}

void fst_cli_output_note(uint64_t utf8_replaced, int quiet, FILE *json)
{
    if (json)
        fprintf(json, ",\"output\":{\"utf8_replaced\":%" PRIu64 "}", utf8_replaced);
    else if (!quiet && utf8_replaced)
        fprintf(stderr,
                "flowstitch: output: %" PRIu64 " byte%s of text not valid UTF-8, written as "
                "U+FFFD\n",
                utf8_replaced, utf8_replaced == 1 ? "" : "s");
}

int fst_cli_input_exit_code(const fst_reader *r)
{
    const fst_input_stats *t = fst_reader_total(r);
    return (t->skipped || t->files_failed) ? FST_EXIT_SKIPPED : FST_EXIT_OK;
}

int fst_cli_read_end(const char *cmd, int rc)
{
    if (rc == FST_ESTRICT)
        return FST_EXIT_STRICT;
    if (rc < 0) {
        fprintf(stderr, "%s: %s\n", cmd, fst_strerror(rc));
        return FST_EXIT_FATAL;
    }
    return FST_EXIT_OK;
}

void fst_cli_key_text(const fst_session *s, char pr[8], char cp[8], char sp[8])
{
    pr[0] = cp[0] = sp[0] = '\0';
    if (!(s->key_absent & FST_KEY_ABSENT_PROTO))
        snprintf(pr, 8, "%u", (unsigned)s->proto);
    if (!(s->key_absent & FST_KEY_ABSENT_PORTS)) {
        snprintf(cp, 8, "%u", (unsigned)s->client_port);
        snprintf(sp, 8, "%u", (unsigned)s->server_port);
    }
}
