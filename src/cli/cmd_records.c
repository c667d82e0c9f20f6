/* cli/cmd_records.c - `flowstitch records`: every input record, normalized. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void records_help(FILE *f)
{
    fputs("usage: flowstitch records [--format jsonl|csv|tsv] [-o FILE] [OPTIONS] INPUT...\n"
          "\n"
          "Print one normalized record per input record (flow records, NODATA and\n"
          "SKIPDATA alike), with every field of its format.  Keys are AWS's field\n"
          "names with '-' turned into '_' (srcaddr, dstport, tcp_flags, pkt_srcaddr,\n"
          "flow_direction, traffic_path, ...), in the format's column order;\n"
          "unknown columns keep their own name.  Numbers are JSON numbers, addresses\n"
          "are canonical (IPv6 per RFC 5952), a field AWS wrote as '-' is null\n"
          "(empty in CSV/TSV).  CSV/TSV print a header line first and again when the\n"
          "column layout changes between files.\n"
          "\n"
          "Use it to check what flowstitch reads, or to convert a custom-format\n"
          "dump (CloudWatch Logs has no header: give --fields) to CSV or JSON.\n"
          "\n"
          "Options:\n"
          "  --format F         jsonl (default), csv or tsv\n"
          "  -o, --output FILE  write there instead of standard output\n",
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
    fst_cli_input_opts in;
    int format;
    const char *output;
    int n_inputs;    /* INPUTs, moved to argv[1..n_inputs] */
} records_args;

static int parse_args(records_args *a, int argc, char **argv)
{
    fst_cli_input_opts_init(&a->in);
    a->format = FST_OUT_JSONL;
    a->output = NULL;
    a->n_inputs = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            records_help(stdout);
            return -1;
        }
        const int rc = fst_cli_input_option(&a->in, argc, argv, &i);
        if (rc < 0)
            return FST_EXIT_USAGE;
        if (rc > 0)
            continue;
        if (!strcmp(s, "--format") && i + 1 < argc) {
            a->format = fst_out_format_parse(argv[++i]);
            if (a->format < 0) {
                fprintf(stderr, "flowstitch records: --format: '%s' (jsonl, csv, tsv)\n", argv[i]);
                return FST_EXIT_USAGE;
            }
        } else if ((!strcmp(s, "-o") || !strcmp(s, "--output")) && i + 1 < argc) {
            a->output = argv[++i];
        } else if (!strcmp(s, "--")) { /* the rest are INPUTs, whatever they look like */
            while (++i < argc)
                argv[1 + a->n_inputs++] = argv[i];
        } else if (s[0] == '-' && s[1] != '\0') {
            fprintf(stderr, "flowstitch records: unknown option '%s' (see --help)\n", s);
            return FST_EXIT_USAGE;
        } else {
            argv[1 + a->n_inputs++] = argv[i]; /* an INPUT; options may follow */
        }
    }
    return 0;
}

/* Read every record into the writer; returns an exit code. */
static int copy_records(fst_reader *r, fst_writer *w)
{
    const fst_record *rec;
    int rc;
    while ((rc = fst_reader_next(r, &rec)) > 0) {
        if (fst_record_writer_write(w, rec) < 0) {
            fputs("flowstitch records: cannot write output\n", stderr);
            return FST_EXIT_FATAL;
        }
    }
    if (rc == FST_ESTRICT)
        return FST_EXIT_STRICT;
    if (rc < 0) {
        fprintf(stderr, "flowstitch records: %s\n", fst_strerror(rc));
        return FST_EXIT_FATAL;
    }
    return FST_EXIT_OK;
}

/* Write the --stats JSON file. */
static int write_stats(const char *path, const fst_reader *r)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "flowstitch records: --stats %s: cannot open\n", path);
        return -1;
    }
    fputc('{', f);
    fst_cli_print_input_summary(r, 1, f);
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
    FILE *out = stdout;
    fst_writer *w = NULL;
    code = fst_cli_add_inputs(r, a.n_inputs, argv + 1);
    if (code)
        goto done;
    if (a.output && !(out = fopen(a.output, "w"))) {
        fprintf(stderr, "flowstitch records: %s: cannot open for writing\n", a.output);
        code = FST_EXIT_FATAL;
        out = stdout;
        goto done;
    }
    w = fst_record_writer_open(out, a.format);
    code = w ? copy_records(r, w) : FST_EXIT_FATAL;
    if (w && fst_writer_close(w) < 0 && code == FST_EXIT_OK) {
        fputs("flowstitch records: cannot write output\n", stderr);
        code = FST_EXIT_FATAL;
    }
    fst_cli_print_input_summary(r, a.in.quiet, NULL);
    if (a.in.stats_path && write_stats(a.in.stats_path, r) < 0 && code == FST_EXIT_OK)
        code = FST_EXIT_FATAL;
    if (code == FST_EXIT_OK)
        code = fst_cli_input_exit_code(r);
done:
    if (out != stdout && fclose(out) != 0 && code == FST_EXIT_OK)
        code = FST_EXIT_FATAL;
    fst_reader_free(r);
    return code;
}
