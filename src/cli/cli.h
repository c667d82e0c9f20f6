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
/* Exit code for a finished read: OK, or SKIPPED when anything was skipped or
 * a file failed. */
/* The output's note: how many bytes of text were not UTF-8 (written as
 * U+FFFD): a stderr line when there were any (unless quiet), or with json
 * the ",\"output\":{\"utf8_replaced\":N}" member of --stats. */
void fst_cli_output_note(uint64_t utf8_replaced, int quiet, FILE *json);
int fst_cli_input_exit_code(const fst_reader *r);

/* The progress line (cli/progress.c): started after the INPUTs are queued
 * (n paths, their sizes give the ETA), on stderr only when it is a
 * terminal and not quiet (else NULL, and stop does nothing).  Stop it
 * before printing the summary: it clears the line. */
typedef struct fst_cli_progress fst_cli_progress;
fst_cli_progress *fst_cli_progress_start(const fst_reader *r, int n, char **paths, int quiet);
void fst_cli_progress_stop(fst_cli_progress *p);

#endif
