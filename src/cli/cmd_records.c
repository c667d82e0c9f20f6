/* cli/cmd_records.c - `flowstitch records`: every input record, normalized. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CMD "flowstitch records"

static void records_help(FILE *f)
{
    fputs("usage: flowstitch records [--format jsonl|csv|tsv] [--time-format epoch|iso]\n"
          "                         [-o FILE] [OPTIONS] INPUT...\n"
          "\n"
          "Print one normalized record per input record (flow records, NODATA and\n"
          "SKIPDATA alike), with every field of its format.  Keys are AWS's field\n"
          "names with '-' turned into '_' (srcaddr, dstport, tcp_flags, pkt_srcaddr,\n"
          "flow_direction, traffic_path, ...), in the format's column order.\n"
          "Numbers are JSON numbers, addresses are canonical (IPv6 per RFC 5952), a\n"
          "field AWS wrote as '-' is null (empty in CSV/TSV).  CSV/TSV have one\n"
          "header line, the union of the columns of every format read (written at\n"
          "the end); a text cell a spreadsheet would run as a formula (=, +, -, @)\n"
          "gets a leading '.  Text that is not UTF-8 is written as U+FFFD.\n"
          "\n"
          "Use it to check what flowstitch reads, or to convert a custom-format\n"
          "dump (CloudWatch Logs has no header: give --fields) to CSV or JSON.\n"
          "\n"
          "Options:\n"
          "  --format F         jsonl (default), csv or tsv\n"
          "  --time-format T    epoch (default: unix seconds) or iso (UTC,\n"
          "                     2024-06-10T02:00:00Z; strings in JSON) for start/end\n"
          "  -o, --output FILE  write there instead of standard output\n"
          "  --threads N        parse on N threads (default: one per CPU; 1: all on\n"
          "                     one thread); the output is the same whatever N\n",
          f);
    fst_cli_input_help(f);
    fputs("\nThe accounting summary goes to stderr:\n"
          "  lines = records + NODATA + SKIPDATA + headers + ignored + skipped\n"
          "per file and in total ('ignored' = blank and '#' lines).\n"
          "\nExamples:\n"
          "  flowstitch records AWSLogs/ > records.jsonl\n"
          "  flowstitch records --format csv --fields '${version} ${interface-id} "
          "${srcaddr} ${dstaddr}' stream.log\n"
          "\nExit status: 0 all lines used, 1 some skipped, 2 usage, 3 fatal, 4 --strict stop.\n",
          f);
}

/* Parsed command line of `records`. */
typedef struct records_args {
    fst_cli_input_opts in;  /* every option of `records` is a shared one */
    int first;              /* INPUTs are argv[first..argc) */
} records_args;

enum { KEY_THREADS = FST_KEY_COMMAND };

static const struct option records_longopts[] = {
    FST_CLI_SHARED_LONGOPTS, {"threads", required_argument, NULL, KEY_THREADS}, {0}};

/* `records`' own option: --threads (the reader's parse threads). */
static int own_option(void *ctx, int key, const char *val)
{
    records_args *a = ctx;
    if (key == KEY_THREADS)
        return fst_cli_parse_threads(CMD, val, &a->in.reader.threads) < 0 ? -1 : 1;
    fprintf(stderr, CMD ": option %d not handled\n", key);
    return -1;
}

static int parse_args(records_args *a, int argc, char **argv)
{
    fst_cli_input_opts_init(&a->in);
    a->in.reader.threads = FST_READER_THREADS_AUTO;
    const int rc = fst_cli_parse(CMD, argc, argv, FST_CLI_SHARED_SHORTOPTS, records_longopts,
                                 &a->in, own_option, a, &a->first);
    if (rc == FST_CLI_HELP)
        records_help(stdout);
    return rc;
}

/* Read every record into the writer; returns an exit code. */
static int copy_records(fst_reader *r, fst_writer *w)
{
    int rc;
    if (fst_record_writer_copy(w, r, &rc) < 0) {
        fputs(CMD ": cannot write output\n", stderr);
        return FST_EXIT_FATAL;
    }
    return fst_cli_read_end(CMD, rc);
}

/* Write the --stats JSON file. */
static int write_stats(const char *path, const fst_reader *r, uint64_t utf8_replaced)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, CMD ": --stats %s: cannot open\n", path);
        return -1;
    }
    fputc('{', f);
    fst_cli_print_input_summary(r, 1, f);
    fst_cli_output_note(utf8_replaced, 1, f);
    fputs("}\n", f);
    return fclose(f) == 0 ? 0 : -1;
}

int fst_cli_records(int argc, char **argv)
{
    records_args a;
    int code = parse_args(&a, argc, argv);
    if (code)
        return code < 0 ? FST_EXIT_OK : code;
    fst_reader *r = fst_reader_new(&a.in.reader);
    if (!r)
        return FST_EXIT_FATAL;
    fst_cli_out o = {stdout, NULL, NULL};
    fst_writer *w = NULL;
    code = fst_cli_add_inputs(r, argc - a.first, argv + a.first);
    if (code)
        goto done;
    code = fst_cli_out_open(CMD, &o, a.in.output);
    if (code)
        goto done;
    w = fst_record_writer_open(o.f, (fst_out_format)a.in.format);
    if (w) {
        fst_writer_set_time_format(w, a.in.time_format);
        fst_record_writer_use_reader(w, r); /* rows made on the parse threads */
    }
    fst_cli_progress *prog = fst_cli_progress_start(r, argc - a.first, argv + a.first, a.in.quiet);
    code = w ? copy_records(r, w) : FST_EXIT_FATAL;
    fst_cli_progress_stop(prog);
    const uint64_t utf8_replaced = fst_writer_utf8_replaced(w);
    if (w && fst_writer_close(w) < 0 && code == FST_EXIT_OK) {
        fputs(CMD ": cannot write output\n", stderr);
        code = FST_EXIT_FATAL;
    }
    fst_cli_print_input_summary(r, a.in.quiet, NULL);
    fst_cli_output_note(utf8_replaced, a.in.quiet, NULL);
    if (a.in.stats_path && write_stats(a.in.stats_path, r, utf8_replaced) < 0 && code == FST_EXIT_OK)
        code = FST_EXIT_FATAL;
    if (code == FST_EXIT_OK)
        code = fst_cli_input_exit_code(r);
done:
    if (fst_cli_out_close(CMD, &o, code != FST_EXIT_OK) < 0 && code == FST_EXIT_OK)
        code = FST_EXIT_FATAL;
    fst_reader_free(r);
    return code;
}
