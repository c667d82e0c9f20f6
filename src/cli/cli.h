/* cli/cli.h - the flowstitch command line (internal to the program).
 *
 * Owns: argv handling, wiring of reader -> stitcher -> writer, the end-of-run
 * summary and exit codes.  Uses only <flowstitch.h>.
 *
 * Exit codes (docs/cli.md): 0 all input used; 1 some input skipped (bad lines,
 * unreadable or corrupt files); 2 usage error; 3 fatal error (out of memory,
 * cannot write output); 4 stopped by --strict.
 */
#ifndef FST_CLI_CLI_H
#define FST_CLI_CLI_H

#include <getopt.h>
#include <stdio.h>

#include <flowstitch.h>

enum { FST_EXIT_OK = 0, FST_EXIT_SKIPPED = 1, FST_EXIT_USAGE = 2, FST_EXIT_FATAL = 3,
       FST_EXIT_STRICT = 4 };

/* Options every subcommand shares (input, output, summary). */
typedef struct fst_cli_input_opts {
    fst_reader_config reader;
    const char *stats_path;  /* --stats FILE: JSON summary, or NULL */
    int quiet;               /* --quiet: no summary or progress on stderr */
    int format;              /* --format: FST_OUT_JSONL (default), CSV, TSV */
    const char *output;      /* -o/--output FILE, or NULL for stdout */
    int time_format;         /* --time-format: FST_TIME_EPOCH (default) or ISO */
} fst_cli_input_opts;

/* Keys of the long-only options (getopt_long's val; short options are
 * their own character).  Adding an option: one entry in a command's table
 * (or FST_CLI_SHARED_LONGOPTS) and one case where its key is handled. */
enum fst_cli_key {
    FST_KEY_FIELDS = 256, FST_KEY_STRICT, FST_KEY_MAX_LINE, FST_KEY_MAX_REPORTS,
    FST_KEY_STATS, FST_KEY_FORMAT, FST_KEY_TIME_FORMAT,
    /* the session-building options (FST_CLI_BUILD_LONGOPTS) */
    FST_KEY_IDLE_TCP, FST_KEY_IDLE_UDP, FST_KEY_IDLE_ICMP, FST_KEY_IDLE_OTHER, FST_KEY_THREADS,
    FST_KEY_STREAM, FST_KEY_HORIZON, FST_KEY_ENI_METADATA, FST_KEY_FILTER, FST_KEY_SINCE,
    FST_KEY_UNTIL, FST_KEY_SUBNETS, FST_KEY_MEMCAP, FST_KEY_CONNTRACK,
    FST_KEY_COMMAND = 512 /* a command's own keys start here */
};

/* The shared options: the first entries of every command's table
 * (handled by fst_cli_parse itself); end the table with {0}.  The short
 * options string starts with ':' (a missing value is reported as such). */
#define FST_CLI_SHARED_SHORTOPTS ":hqo:"
#define FST_CLI_SHARED_LONGOPTS                                        \
    {"help", no_argument, NULL, 'h'},                                  \
    {"quiet", no_argument, NULL, 'q'},                                 \
    {"output", required_argument, NULL, 'o'},                          \
    {"format", required_argument, NULL, FST_KEY_FORMAT},               \
    {"time-format", required_argument, NULL, FST_KEY_TIME_FORMAT},     \
    {"fields", required_argument, NULL, FST_KEY_FIELDS},               \
    {"strict", no_argument, NULL, FST_KEY_STRICT},                     \
    {"max-line", required_argument, NULL, FST_KEY_MAX_LINE},           \
    {"max-reports", required_argument, NULL, FST_KEY_MAX_REPORTS},     \
    {"stats", required_argument, NULL, FST_KEY_STATS}

/* The options of every command that builds sessions (sessions, account),
 * after FST_CLI_SHARED_LONGOPTS in its table; handled by
 * fst_cli_build_option from the command's own handler. */
#define FST_CLI_BUILD_LONGOPTS                                         \
    {"idle-tcp", required_argument, NULL, FST_KEY_IDLE_TCP},           \
    {"idle-udp", required_argument, NULL, FST_KEY_IDLE_UDP},           \
    {"idle-icmp", required_argument, NULL, FST_KEY_IDLE_ICMP},         \
    {"idle-other", required_argument, NULL, FST_KEY_IDLE_OTHER},       \
    {"threads", required_argument, NULL, FST_KEY_THREADS},             \
    {"stream", no_argument, NULL, FST_KEY_STREAM},                     \
    {"horizon", required_argument, NULL, FST_KEY_HORIZON},             \
    {"eni-metadata", required_argument, NULL, FST_KEY_ENI_METADATA},   \
    {"subnets", required_argument, NULL, FST_KEY_SUBNETS},             \
    {"filter", required_argument, NULL, FST_KEY_FILTER},               \
    {"since", required_argument, NULL, FST_KEY_SINCE},                 \
    {"until", required_argument, NULL, FST_KEY_UNTIL},                 \
    {"memcap", required_argument, NULL, FST_KEY_MEMCAP},               \
    {"conntrack-timeout", required_argument, NULL, FST_KEY_CONNTRACK}

/* A command's own option handler: key and value (NULL when none) of one
 * option; 0 when done, -1 on a usage error (message printed). */
typedef int (*fst_cli_option_fn)(void *ctx, int key, const char *val);

/* The command line of one command (name `cmd` for messages), GNU style:
 * options and INPUTs in any order, `--` ends the options, `-` is an INPUT.
 * Shared options go into *o; others to own(ctx, ...).  On return the
 * INPUTs are argv[*first..argc).  Returns 0 to run, FST_EXIT_USAGE after a
 * message, or FST_CLI_HELP when -h/--help was given (nothing printed). */
enum { FST_CLI_HELP = -1 };
int fst_cli_parse(const char *cmd, int argc, char **argv, const char *shortopts,
                  const struct option *longopts, fst_cli_input_opts *o, fst_cli_option_fn own,
                  void *ctx, int *first);

/* Subcommands: argv[0] is the subcommand name. Return an exit code. */
int fst_cli_records(int argc, char **argv);
int fst_cli_sessions(int argc, char **argv);
int fst_cli_account(int argc, char **argv);

/* ---- building sessions (cli/build.c): shared by sessions and account ---- */

/* The values of FST_CLI_BUILD_LONGOPTS. */
typedef struct fst_cli_build_opts {
    const char *eni_path;    /* --eni-metadata, or NULL */
    const char *subnets_path; /* --subnets, or NULL */
    fst_stitcher_config cfg; /* idle timeouts, threads, horizon (meta set by open) */
    int stream;              /* --stream or --horizon */
    const char *filter, *since, *until; /* --filter, --since, --until text */
} fst_cli_build_opts;

void fst_cli_build_opts_init(fst_cli_build_opts *b);
/* One option: 1 handled, 0 not a build option, -1 usage error (printed). */
int fst_cli_build_option(const char *cmd, fst_cli_build_opts *b, int key, const char *v);
/* After parsing: --stream defaults (horizon, time-ordered reading) and at
 * least one INPUT (argv[first..argc)); 0 or FST_EXIT_USAGE (printed). */
int fst_cli_build_ready(const char *cmd, fst_cli_build_opts *b, fst_cli_input_opts *in,
                        int argc, int first);
/* The help lines of the build options (--eni-metadata ... --until). */
void fst_cli_build_help(FILE *f);

/* One run: ENI metadata, reader, stitcher and the session selection. */
typedef struct fst_cli_build {
    fst_eni_table *meta;
    fst_subnet_table *subnets;
    fst_reader *r;
    fst_stitcher *st;
    fst_filter *filter;      /* --filter, or NULL */
    fst_time_range range;    /* --since/--until */
} fst_cli_build;

/* Compiles the selection, loads the metadata, makes the reader and the
 * stitcher and queues the INPUTs paths[0..n); 0 or an exit code (printed).
 * Call fst_cli_build_close in every case. */
int fst_cli_build_open(const char *cmd, fst_cli_build *run, fst_cli_build_opts *b,
                       const fst_cli_input_opts *in, int n, char **paths);
/* 1 when s passes --filter, --since and --until. */
int fst_cli_build_selected(const fst_cli_build *run, const fst_session *s);
/* Pushes every record (streaming: cb gets the sessions that close on the
 * way, and NULL after each flush); `written` says whether any output
 * went out already (for the --strict message).  An exit code: OK, STRICT
 * or FATAL (printed). */
int fst_cli_build_push(const char *cmd, fst_cli_build *run, fst_session_cb cb, void *ud,
                       uint64_t written);
void fst_cli_build_close(fst_cli_build *run);
/* The end of a run shared by the session-building commands: the streaming
 * line (unless quiet), the late-records warning and the memory-cap line
 * (stats NULL: none), --stats, then the exit code (code, FST_EXIT_FATAL
 * when --stats cannot be written, else the input's). */
int fst_cli_build_report(const char *cmd, const fst_cli_build *run, const fst_cli_build_opts *b,
                         const fst_cli_input_opts *in, const fst_stitch_stats *stats,
                         uint64_t utf8_replaced, int code);

/* The session summary on f, the streaming line, and the late-records
 * warning (printed even when quiet). */
void fst_cli_session_summary(FILE *f, const fst_stitch_stats *st);
void fst_cli_stream_summary(FILE *f, const fst_stitch_stats *st, uint32_t horizon);
void fst_cli_warn_late(FILE *f, const fst_stitch_stats *st);
/* The memory-cap line when sessions were evicted (printed even with -q:
 * a session written early may continue as a second one). */
void fst_cli_memcap_summary(FILE *f, const fst_stitch_stats *st);
/* --stats FILE: one JSON object with "inputs", "output" (bytes of text
 * written as U+FFFD), "eni_metadata" and "sessions" (null when st is
 * NULL); 0 or -1 (printed). */
int fst_cli_write_stats(const char *cmd, const char *path, const fst_reader *r,
                        const fst_stitch_stats *st, const char *eni_path, size_t n_meta,
                        uint64_t utf8_replaced);
/* `report`: sessions drawn as one HTML page (cli/cmd_report.c). */
int fst_cli_report(int argc, char **argv);
int fst_cli_timeline(int argc, char **argv);
/* `flowstitch timeline --help` text (cli/timeline_help.c). */
void fst_cli_timeline_help(FILE *f);

/* Shared helpers (cli/common.c). */
void fst_cli_input_opts_init(fst_cli_input_opts *o);
/* Help text lines for the shared input options (and -q). */
void fst_cli_input_help(FILE *f);
/* Queue every path (at least one; "-" is stdin) on the reader; prints and
 * returns FST_EXIT_USAGE/FATAL style codes on failure, 0 on success. */
int fst_cli_add_inputs(fst_reader *r, int n, char **paths);
/* Print the reader accounting (per file and total) to stderr unless quiet,
 * and write it under key "inputs" into an open JSON object on `json` when
 * not NULL (no surrounding braces). */
void fst_cli_print_input_summary(const fst_reader *r, int quiet, FILE *json);
/* Write s as a JSON string (quoted, escaped); NULL as "". */
void fst_cli_json_string(FILE *f, const char *s);
/* A session's protocol and ports as text (8 bytes each), "" for the parts
 * its records lacked (fst_session.key_absent). */
void fst_cli_key_text(const fst_session *s, char pr[8], char cp[8], char sp[8]);
/* Exit code for a finished read: OK, or SKIPPED when anything was skipped or
 * a file failed. */
/* A command's output stream (cli/output.c): -o FILE, or a stream of its
 * own on standard output (a dup of fd 1; stdout itself is left unused).
 * Unless it is a terminal it gets a 1 MiB buffer (stdio's default for a
 * file or a pipe is one block, 4 KiB: the sessions of 10 M records, ~760
 * MB of JSON Lines, took ~190,000 write calls) and a thread that does its
 * write()s, so the kernel's copy into the page cache runs beside the
 * formatting.  Only what was written before fst_cli_out_close is sure to
 * be out. */
typedef struct fst_cli_out {
    FILE *f;                 /* what to write to */
    char *buf;               /* its buffer (owned), or NULL: stdio's own */
    const char *name;        /* for messages: the path or "standard output" */
} fst_cli_out;

/* Opens the output (path NULL: standard output): FST_EXIT_OK, or
 * FST_EXIT_FATAL with a message on stderr (o->f is then stdout, so the
 * command can still go on to its summary). */
int fst_cli_out_open(const char *cmd, fst_cli_out *o, const char *path);
/* Flushes and closes it (standard output itself stays open): 0, or -1 when
 * the output could not be written, said on stderr unless silent. */
int fst_cli_out_close(const char *cmd, fst_cli_out *o, int silent);

/* The output's note: how many bytes of text were not UTF-8 (written as
 * U+FFFD): a stderr line when there were any (unless quiet), or with json
 * the ",\"output\":{\"utf8_replaced\":N}" member of --stats. */
void fst_cli_output_note(uint64_t utf8_replaced, int quiet, FILE *json);
int fst_cli_input_exit_code(const fst_reader *r);
/* The exit code for how a loop over fst_reader_next ended (rc <= 0):
 * FST_EXIT_OK at the end, FST_EXIT_STRICT when --strict stopped it, else
 * FST_EXIT_FATAL after "CMD: reason" on stderr. */
int fst_cli_read_end(const char *cmd, int rc);
/* Option values shared by the commands that build sessions; each returns
 * 0, or -1 after a message "CMD: ...".  Seconds: whole seconds or a number
 * with s, m, h or d.  Threads: 1 to 64.  --since/--until text (NULL: open
 * end) into *r. */
int fst_cli_parse_seconds(const char *cmd, const char *opt, const char *v, uint32_t *out);
int fst_cli_parse_threads(const char *cmd, const char *v, uint32_t *out);
int fst_cli_time_range(const char *cmd, const char *since, const char *until, fst_time_range *r);

/* The progress line (cli/progress.c): started after the INPUTs are queued
 * (n paths, their sizes give the ETA), on stderr only when it is a
 * terminal and not quiet (else NULL, and stop does nothing).  Stop it
 * before printing the summary: it clears the line. */
typedef struct fst_cli_progress fst_cli_progress;
fst_cli_progress *fst_cli_progress_start(const fst_reader *r, int n, char **paths, int quiet);
void fst_cli_progress_stop(fst_cli_progress *p);

/* ---- map, reduce, merge (cli/cmd_map.c, cmd_reduce.c, cmd_merge.c; the
 * wire in cli/mapred.c; docs/distributed.md) ---- */
int fst_cli_map(int argc, char **argv);
int fst_cli_reduce(int argc, char **argv);
int fst_cli_merge(int argc, char **argv);

#define FST_CLI_FNV_INIT 0xcbf29ce484222325ULL
/* 64-bit FNV-1a of n bytes, continuing from h (FST_CLI_FNV_INIT to start). */
uint64_t fst_cli_fnv(uint64_t h, const void *p, size_t n);
/* A text field of the wire: '%', tab, newline, CR and NUL as %XX, into
 * dst (room for 3 * n bytes); returns the bytes written. */
size_t fst_cli_escape(char *dst, const char *s, size_t n);
/* Undo it in place: the new length, or -1 on a bad escape. */
long fst_cli_unescape(char *s, size_t n);
/* The order `sessions` reads input names in: a recursive walk in byte
 * order of names ('/' sorts below every byte). */
int fst_cli_path_cmp(const char *a, const char *b);
/* 16 lower-case hex digits / a decimal number (no leading zero) -> *out;
 * 0 or -1. */
int fst_cli_hex64(const char *s, uint64_t *out);
int fst_cli_dec64(const char *s, uint64_t *out);
/* A whole stream in memory, handed out line by line (NUL-terminated in
 * place; lineno counts from 1). */
typedef struct fst_cli_lines {
    char *buf;
    size_t len, pos;
    uint64_t lineno;
} fst_cli_lines;
/* 0, -1 out of memory, -2 read error; free(out->buf) after. */
int fst_cli_slurp(FILE *f, fst_cli_lines *out);
char *fst_cli_next_line(fst_cli_lines *l);
/* Split s at tabs in place into f[0..n); returns n, or max + 1 when there
 * are more than max fields. */
int fst_cli_split_tabs(char *s, char **f, int max);

/* One record of a part (raw: its columns, unescaped, len bytes) as the
 * `sessions` engine reads it: a header line with layout when it differs
 * from *cur (then *cur = layout), and the record behind a fixed
 * CloudWatch-export time prefix, so that no record is taken for a header
 * (the engine does not use that time). */
void fst_cli_put_record(FILE *out, const char *layout, const char **cur, const char *raw,
                        size_t len);
#define FST_CLI_RECORD_PREFIX "1970-01-01T00:00:00Z "
#define FST_CLI_RECORD_PREFIX_LEN (sizeof FST_CLI_RECORD_PREFIX - 1)

/* `sessions` with a hook (merge): input_done runs once every record was
 * pushed, before any session is written, with the run's stitcher; its
 * nonzero exit code ends the run with nothing written. */
typedef int (*fst_cli_input_done_fn)(void *ud, fst_stitcher *st);
int fst_cli_sessions_hooked(int argc, char **argv, fst_cli_input_done_fn input_done, void *ud);

#endif
