/* cli/main.c - `flowstitch COMMAND ...`: dispatch to the subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fputs("usage: flowstitch COMMAND [OPTIONS] INPUT...\n"
          "\n"
          "Turn AWS VPC Flow Logs into the network sessions behind them.\n"
          "\n"
          "Commands:\n"
          "  sessions   rebuild deduplicated, oriented bidirectional sessions\n"
          "             (one line per connection; every byte counted once)\n"
          "  account    bytes and cost by ENI, subnet, AZ pair, service, ... with\n"
          "             each byte counted once beside the naive sum over records\n"
          "  timeline   the records of each session in the order they happened:\n"
          "             who sent each, which were counted, where each was read\n"
          "  records    print every input record normalized as JSON Lines/CSV/TSV\n"
          "             (checks the parser; converts custom formats)\n"
          "  report     draw the sessions as one self-contained HTML page\n"
          "  map, reduce, merge\n"
          "             `sessions` on many machines (Hadoop, Spark, Dask, Batch):\n"
          "             byte for byte the same output (docs/distributed.md)\n"
          "  help CMD   show a command's help (same as CMD --help)\n"
          "\n"
          "INPUT is a file (plain or gzip, recognised by content), a directory\n"
          "(walked recursively in sorted order: S3 AWSLogs/... layouts, Hive\n"
          "partitions, CloudWatch Logs exports) or '-' for standard input.\n"
          "\n"
          "Options:\n"
          "  -h, --help      this text\n"
          "  -V, --version   print the version\n"
          "\n"
          "Exit status: 0 every input line used; 1 some lines or files skipped\n"
          "(see the summary on stderr); 2 usage error; 3 fatal error; 4 stopped\n"
          "by --strict.  Documentation: docs/ in the source tree.\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return FST_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        usage(stdout);
        return FST_EXIT_OK;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf("flowstitch %s (%s)\n", fst_version(), fst_build_info());
        return FST_EXIT_OK;
    }
    if (!strcmp(cmd, "help")) {
        if (argc < 3) {
            usage(stdout);
            return FST_EXIT_OK;
        }
        static char help_flag[] = "--help";
        char *hargv[] = {argv[2], help_flag, NULL};
        if (!strcmp(argv[2], "records"))
            return fst_cli_records(2, hargv);
        if (!strcmp(argv[2], "sessions"))
            return fst_cli_sessions(2, hargv);
        if (!strcmp(argv[2], "account"))
            return fst_cli_account(2, hargv);
        if (!strcmp(argv[2], "report"))
            return fst_cli_report(2, hargv);
        if (!strcmp(argv[2], "timeline"))
            return fst_cli_timeline(2, hargv);
        if (!strcmp(argv[2], "map"))
            return fst_cli_map(2, hargv);
        if (!strcmp(argv[2], "reduce"))
            return fst_cli_reduce(2, hargv);
        if (!strcmp(argv[2], "merge"))
            return fst_cli_merge(2, hargv);
    }
    if (!strcmp(cmd, "records"))
        return fst_cli_records(argc - 1, argv + 1);
    if (!strcmp(cmd, "sessions"))
        return fst_cli_sessions(argc - 1, argv + 1);
    if (!strcmp(cmd, "account"))
        return fst_cli_account(argc - 1, argv + 1);
    if (!strcmp(cmd, "report"))
        return fst_cli_report(argc - 1, argv + 1);
    if (!strcmp(cmd, "timeline"))
        return fst_cli_timeline(argc - 1, argv + 1);
    if (!strcmp(cmd, "map"))
        return fst_cli_map(argc - 1, argv + 1);
    if (!strcmp(cmd, "reduce"))
        return fst_cli_reduce(argc - 1, argv + 1);
    if (!strcmp(cmd, "merge"))
        return fst_cli_merge(argc - 1, argv + 1);
    fprintf(stderr, "flowstitch: unknown command '%s' (try 'flowstitch --help')\n", cmd);
    return FST_EXIT_USAGE;
}
