/* cli/cmd_report.c - `flowstitch report -o FILE INPUT...`: the sessions of
 * the INPUTs drawn as one self-contained HTML page (docs/output.md "html").
 *
 * The report is the session writer of format "html" (out/report.c, behind
 * the public writer API), so this command is `sessions --format html` with
 * its own help: every input option of `sessions` works the same here.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void report_help(FILE *f)
{
    fputs("usage: flowstitch report [-o FILE] [sessions options] INPUT...\n"
          "\n"
          "Rebuild the sessions of the INPUTs (as `flowstitch sessions` does) and\n"
          "draw them as one HTML page: traffic over time for the whole input and\n"
          "for the top talkers, the AZ-to-AZ matrix of bytes counted once beside\n"
          "the naive sum, the top sessions and services, and the direction bases.\n"
          "The page is self-contained (inline CSS and SVG, no script, nothing\n"
          "fetched) and the same on every run.\n"
          "\n"
          "Options:\n"
          "  -o, --output FILE  write the page there (default: standard output)\n"
          "  -h, --help         this text\n"
          "Every option of `flowstitch sessions` but --format is accepted\n"
          "(--eni-metadata, --filter, --since/--until, --stream, ...): see\n"
          "`flowstitch sessions --help`.\n",
          f);
}

int fst_cli_report(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            report_help(stdout);
            return FST_EXIT_OK;
        }
        if (!strcmp(argv[i], "--format") || !strncmp(argv[i], "--format=", 9)) {
            fputs("flowstitch report: --format: the report is HTML; use `flowstitch "
                  "sessions --format F` for the other formats\n",
                  stderr);
            return FST_EXIT_USAGE;
        }
    }
    /* `sessions --format html ARGS...` */
    static char format_opt[] = "--format=html";
    char **sargv = malloc(((size_t)argc + 2) * sizeof *sargv);
    if (!sargv)
        return FST_EXIT_FATAL;
    sargv[0] = argv[0];
    sargv[1] = format_opt;
    for (int i = 1; i < argc; i++)
        sargv[i + 1] = argv[i];
    sargv[argc + 1] = NULL;
    const int rc = fst_cli_sessions(argc + 1, sargv);
    free(sargv);
    return rc;
}
