/* cli/cmd_sessions.c - `flowstitch sessions`: records in, one line per
 * deduplicated, oriented bidirectional session out, plus the run's summary.
 *
 * Flow: parse argv -> load --eni-metadata -> queue inputs -> open output ->
 * push every record (OK, NODATA, SKIPDATA) into the stitcher -> finish, each
 * session straight into the writer -> summaries (stderr, --stats JSON) ->
 * exit code.  Public API only (<flowstitch.h> through cli.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CMD "flowstitch sessions"

/* ---- help ------------------------------------------------------------- */

static void sessions_help(FILE *f)
{
    fputs("usage: flowstitch sessions [--format F] [--time-format epoch|iso]\n"
          "           [--eni-metadata FILE] [--subnets FILE]\n"
          "           [--idle-tcp S] [--idle-udp S] [--idle-icmp S] [--idle-other S]\n"
          "           [-o|--output FILE] [--stats FILE] [--fields FMT] [--strict]\n"
          "           [--threads N] [--stream] [--horizon S] [--memcap SIZE]\n"
          "           [-q|--quiet] [--filter EXPR] [--since T] [--until T] INPUT...\n"
          "\n"
          "Rebuild the network sessions behind VPC Flow Logs.\n"
          "\n"
          "A flow-log record is one direction of one 5-tuple seen at one network\n"
          "interface (ENI) during one capture window.  A single TCP connection\n"
          "between two logged instances is therefore logged up to four times per\n"
          "window (each direction at each ENI), again in every later window, and\n"
          "through a NAT gateway once more as a translated leg.  A session joins\n"
          "all of those records into one line: client and server (with the reason\n"
          "that orientation was chosen), first and last time seen, packets and\n"
          "bytes per direction counted ONCE (from one observation point), the TCP\n"
          "flags of each side, the ENIs that saw it, and a Community ID to pivot\n"
          "into Zeek, Suricata or Elastic.  A session ends after a silence longer\n"
          "than its protocol's idle timeout; the same 5-tuple after that is a new\n"
          "session.  Times come from the records, never from the clock, so the\n"
          "output is identical across runs.\n"
          "\n"
          "Options:\n",
          f);
    /* the formats, from the registry (docs/output.md has each one) */
    fputs("  --format F           jsonl (default)", f);
    for (int i = 2; fst_out_format_name(i); i++)
        fprintf(f, "%s%s", fst_out_format_name(i + 1) ? ", " : " or ", fst_out_format_name(i));
    fputs("\n"
          "                       (ipfix is binary: give -o FILE)\n"
          "  --time-format T      epoch (default: unix seconds) or iso (UTC,\n"
          "                       2024-06-10T02:00:00Z; strings in JSON) for\n"
          "                       first_seen and last_seen\n"
          "  -o, --output FILE    write sessions there (default: standard output)\n",
          f);
    fst_cli_build_help(f);
    fputs("  -h, --help           this text\n"
          "\n",
          f);
    fst_cli_input_help(f);
    fputs("\n"
          "INPUT is a flow-log file (plain or gzip), a directory (walked recursively,\n"
          "e.g. an S3 AWSLogs/ tree) or '-' for standard input.\n"
          "\n"
          "Output, one session per line (JSON Lines keys; CSV/TSV use the same\n"
          "names as a header line, in this order):\n"
          "  session_id       1, 2, ... in output order (by first_seen, then 5-tuple)\n"
          "  proto            IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6)\n"
          "  client_addr, client_port, server_addr, server_port\n"
          "                   real packet endpoints (pkt-* addresses when logged)\n"
          "  first_seen, last_seen   unix seconds (or --time-format iso): earliest\n"
          "                   start, latest end\n"
          "  c2s_packets, c2s_bytes, s2c_packets, s2c_bytes   each counted once\n"
          "  tcp_flags_c2s, tcp_flags_s2c   OR of tcp-flags per side (FIN 1, SYN 2,\n"
          "                   RST 4, SYN-ACK 18); null when not logged\n"
          "  direction_basis  why client/server is what it is, one of:\n"
          "                  ",
          f);
    for (int b = 0, col = 18; b < FST_BASIS_COUNT; b++) {
        const char *name = fst_direction_reason_name(b);
        if (col + (int)strlen(name) + 2 > 78) {
            fputs(b ? ",\n                  " : "\n                  ", f);
            col = 18;
        } else if (b) {
            putc(',', f);
            col++;
        }
        fprintf(f, " %s", name);
        col += 1 + (int)strlen(name);
    }
    fputs("\n"
          "  enis             ENIs that observed it, sorted (CSV/TSV: joined by ';')\n"
          "  records          input records merged into it\n"
          "  action           ACCEPT, REJECT, ACCEPT+REJECT, or null\n"
          "  community_id     Community ID v1, seed 0 (\"1:...\"); ICMP is hashed as\n"
          "                   an echo request from the client (logs carry no type)\n"
          "  incomplete       true when it overlaps a SKIPDATA window of its ENIs\n"
          "  nat_leg_of       for a NAT gateway's translated leg, the session_id of\n"
          "                   the session it belongs to; else null\n"
          "A format without srcport/dstport or protocol is joined on what it has:\n"
          "proto and the ports are then null, and key_absent (the last key) says\n"
          "which parts were absent (\"ports\", \"protocol\", \"ports,protocol\").\n"
          "JSON null is an empty field in CSV/TSV.  Full contract: docs/output.md.\n"
          "\n"
          "Summary on standard error (unless --quiet): the input accounting\n"
          "  lines = records + NODATA + SKIPDATA + headers + ignored + skipped\n"
          "per file and in total, then sessions by direction basis and by number\n"
          "of observing ENIs, records joined, bytes summed naively vs counted once\n"
          "(and their ratio), NAT legs, incomplete sessions, and NODATA/SKIPDATA\n"
          "windows per ENI.  --stats FILE writes the same as one JSON object with\n"
          "the keys \"inputs\", \"eni_metadata\" and \"sessions\" (docs/output.md).\n"
          "\n"
          "Exit status:\n"
          "  0  every input line was used\n"
          "  1  some lines or files were skipped (see the summary); sessions written\n"
          "  2  usage error, unreadable --eni-metadata, or no INPUT could be opened\n"
          "  3  fatal: out of memory, or the output/--stats file cannot be written\n"
          "  4  stopped at the first problem by --strict (no sessions written)\n"
          "\n"
          "Examples:\n"
          "  flowstitch sessions AWSLogs/ > sessions.jsonl\n"
          "  aws ec2 describe-network-interfaces > enis.json\n"
          "  flowstitch sessions --eni-metadata enis.json --format csv -o s.csv logs/\n"
          "  # header-less input (CloudWatch Logs export): give the log's format\n"
          "  aws ec2 describe-flow-logs --query 'FlowLogs[0].LogFormat' \\\n"
          "      --output text > format.txt\n"
          "  zcat export/*.gz | flowstitch sessions --fields \"$(cat format.txt)\" -\n"
          "  flowstitch sessions --idle-tcp 10m --stats run.json -q AWSLogs/\n"
          "  # a week of S3 logs in bounded memory (not for CloudWatch exports,\n"
          "  # whose files are per ENI, not in time order)\n"
          "  flowstitch sessions --stream -o week.jsonl AWSLogs/\n",
          f);
}

/* ---- arguments -------------------------------------------------------- */

typedef struct sessions_args {
    fst_cli_input_opts in;
    fst_cli_build_opts b;
    int first;       /* INPUTs are argv[first..argc) */
} sessions_args;

static const struct option sessions_longopts[] = {
    FST_CLI_SHARED_LONGOPTS,
    FST_CLI_BUILD_LONGOPTS,
    {0}};

/* One option of `sessions` itself (fst_cli_option_fn): 0, or -1 on a
 * usage error (message printed). */
static int own_option(void *ctx, int key, const char *v)
{
    sessions_args *a = ctx;
    const int rc = fst_cli_build_option(CMD, &a->b, key, v);
    if (rc == 0)
        fprintf(stderr, CMD ": option %d not handled\n", key);
    return rc > 0 ? 0 : -1;
}

/* 0 to run, FST_EXIT_USAGE on a bad command line, FST_CLI_HELP after --help. */
static int parse_args(sessions_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    fst_cli_input_opts_init(&a->in);
    fst_cli_build_opts_init(&a->b);
    const int rc = fst_cli_parse(CMD, argc, argv, FST_CLI_SHARED_SHORTOPTS, sessions_longopts,
                                 &a->in, own_option, a, &a->first);
    if (rc == FST_CLI_HELP)
        sessions_help(stdout);
    if (rc)
        return rc;
    return fst_cli_build_ready(CMD, &a->b, &a->in, argc, a->first);
}

/* ---- the run ---------------------------------------------------------- */

/* The session writer the options ask for; NULL on out of memory. */
static fst_writer *open_writer(FILE *out, const fst_cli_input_opts *o)
{
    fst_writer *w = fst_session_writer_open(out, (fst_out_format)o->format);
    if (w)
        fst_writer_set_time_format(w, o->time_format);
    return w;
}

typedef struct emit_ctx {
    fst_writer *w;             /* batch: opened at the first session (an eviction) */
    const fst_cli_input_opts *opts; /* the output format */
    FILE *out;
    int failed;
    uint64_t written;
    const fst_cli_build *run;  /* its selection */
    uint64_t utf8_replaced;    /* the writer's count, kept when it is closed */
} emit_ctx;

static int emit(const fst_session *s, void *ud)
{
    emit_ctx *e = ud;
    if (!s) { /* streaming: a flush is complete; let a reader of a pipe see it */
        if (fflush(e->out) != 0) {
            e->failed = 1;
            return 1;
        }
        return 0;
    }
    if (!fst_cli_build_selected(e->run, s))
        return 0; /* not selected: its session_id stays unused */
    e->written++;
    if (!e->w && !(e->w = open_writer(e->out, e->opts))) {
        e->failed = 1;
        return 1;
    }
    if (fst_session_writer_write(e->w, s) < 0) {
        e->failed = 1;
        return 1; /* stop: the output is gone */
    }
    return 0;
}

/* Correlate and write every session (still held); closes the writer;
 * returns an exit code. */
static int write_sessions(fst_stitcher *st, emit_ctx *e, int code)
{
    const int rc = code == FST_EXIT_OK ? fst_stitcher_finish(st, emit, e) : 0;
    e->utf8_replaced = fst_writer_utf8_replaced(e->w);
    const int crc = fst_writer_close(e->w);
    e->w = NULL;
    if (code != FST_EXIT_OK)
        return code;
    if (e->failed || crc < 0) {
        fputs(CMD ": cannot write the sessions output\n", stderr);
        return FST_EXIT_FATAL;
    }
    if (rc < 0) {
        fprintf(stderr, CMD ": %s\n", fst_strerror(rc));
        return FST_EXIT_FATAL;
    }
    return FST_EXIT_OK;
}

int fst_cli_sessions(int argc, char **argv)
{
    return fst_cli_sessions_hooked(argc, argv, NULL, NULL);
}

int fst_cli_sessions_hooked(int argc, char **argv, fst_cli_input_done_fn input_done, void *ud)
{
    sessions_args a;
    int code = parse_args(&a, argc, argv);
    if (code)
        return code < 0 ? FST_EXIT_OK : code;

    fst_cli_build run;
    fst_cli_out o = {stdout, NULL, NULL};
    const fst_stitch_stats *stats = NULL;
    emit_ctx e = {NULL, NULL, NULL, 0, 0, &run, 0};
    e.opts = &a.in;
    fst_cli_progress *prog = NULL;

    code = fst_cli_build_open(CMD, &run, &a.b, &a.in, argc - a.first, argv + a.first);
    if (code)
        goto done;
    code = fst_cli_out_open(CMD, &o, a.in.output);
    if (code)
        goto done;
    /* streaming writes while reading; batch opens the output (a CSV
     * header) only once every record was read */
    if (a.b.cfg.horizon && !(e.w = open_writer(o.f, &a.in))) {
        fputs(CMD ": out of memory\n", stderr);
        code = FST_EXIT_FATAL;
        goto done;
    }
    e.out = o.f;
    prog = fst_cli_progress_start(run.r, argc - a.first, argv + a.first, a.in.quiet);
    code = fst_cli_build_push(CMD, &run, emit, &e, e.written);
    if (code == FST_EXIT_OK && input_done)
        code = input_done(ud, run.st);
    if (code == FST_EXIT_OK && !e.w &&
        !(e.w = open_writer(o.f, &a.in))) {
        fputs(CMD ": out of memory\n", stderr);
        code = FST_EXIT_FATAL;
        goto done;
    }
    code = write_sessions(run.st, &e, code);
    fst_cli_progress_stop(prog);
    prog = NULL;
    if (code == FST_EXIT_OK)
        stats = fst_stitcher_stats(run.st);
    fst_cli_print_input_summary(run.r, a.in.quiet, NULL);
    fst_cli_output_note(e.utf8_replaced, a.in.quiet, NULL);
    if (run.meta && !a.in.quiet)
        fprintf(stderr, "flowstitch: ENI metadata: %zu interfaces from %s\n",
                fst_eni_table_count(run.meta), a.b.eni_path);
    if (stats && !a.in.quiet)
        fst_cli_session_summary(stderr, stats);
    if (stats && !a.in.quiet && (a.b.filter || a.b.since || a.b.until))
        fprintf(stderr, "  selected by --filter/--since/--until: %" PRIu64 " of %" PRIu64
                        " sessions written\n", e.written, stats->sessions);
    code = fst_cli_build_report(CMD, &run, &a.b, &a.in, stats, e.utf8_replaced, code);
done:
    fst_cli_progress_stop(prog);
    if (fst_cli_out_close(CMD, &o, code == FST_EXIT_FATAL) < 0)
        code = FST_EXIT_FATAL;
    fst_cli_build_close(&run);
    return code;
}
