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

#include <stdio.h>

#include <flowstitch.h>

enum { FST_EXIT_OK = 0, FST_EXIT_SKIPPED = 1, FST_EXIT_USAGE = 2, FST_EXIT_FATAL = 3,
       FST_EXIT_STRICT = 4 };

/* Options every input-reading subcommand shares. */
typedef struct fst_cli_input_opts {
    fst_reader_config reader;
    const char *stats_path;  /* --stats FILE: JSON summary, or NULL */
    int quiet;               /* --quiet: no summary on stderr */
} fst_cli_input_opts;

/* Subcommands: argv[0] is the subcommand name. Return an exit code. */
int fst_cli_records(int argc, char **argv);
int fst_cli_sessions(int argc, char **argv);

/* Shared helpers (cli/common.c). */
/* Try to consume one shared input option at argv[*i] (--fields, --strict,
 * --max-line, --max-reports, --stats, --quiet); returns 1 if consumed, 0 if
 * not an input option, -1 on a usage error (message printed). */
int fst_cli_input_option(fst_cli_input_opts *o, int argc, char **argv, int *i);
void fst_cli_input_opts_init(fst_cli_input_opts *o);
/* Help text lines for the shared input options. */
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
int fst_cli_input_exit_code(const fst_reader *r);

#endif
