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
    fst_stitcher_config d;
    fst_stitcher_config_init(&d);
    fputs("usage: flowstitch sessions [--format jsonl|csv|tsv] [--time-format epoch|iso]\n"
          "           [--eni-metadata FILE]\n"
          "           [--idle-tcp S] [--idle-udp S] [--idle-icmp S] [--idle-other S]\n"
          "           [-o|--output FILE] [--stats FILE] [--fields FMT] [--strict]\n"
          "           [--threads N] [--stream] [--horizon S] [-q|--quiet]\n"
          "           [--filter EXPR] [--since T] [--until T] INPUT...\n"
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
          "Options:\n"
          "  --format F           jsonl (default), csv or tsv\n"
          "  --time-format T      epoch (default: unix seconds) or iso (UTC,\n"
          "                       2024-06-10T02:00:00Z; strings in JSON) for\n"
          "                       first_seen and last_seen\n"
          "  -o, --output FILE    write sessions there (default: standard output)\n"
          "  --eni-metadata FILE  JSON printed by `aws ec2 describe-network-interfaces`\n"
          "                       (pages may be concatenated).  Tells which address\n"
          "                       is an ENI's own, its secondary IPs and which ENIs\n"
          "                       are NAT gateways, load balancers or TGW attachments;\n"
          "                       needed for the best results with the default\n"
          "                       (v2) format, which has no pkt-srcaddr/pkt-dstaddr\n",
          f);
    fprintf(f,
            "  --idle-tcp S         idle timeout for TCP, seconds (default %" PRIu32 ")\n"
            "  --idle-udp S         idle timeout for UDP (default %" PRIu32 ")\n"
            "  --idle-icmp S        idle timeout for ICMP and ICMPv6 (default %" PRIu32 ")\n"
            "  --idle-other S       idle timeout for other protocols (default %" PRIu32 ")\n"
            "  --conntrack-timeout S\n"
            "                       with tcp-flags, a TCP record without SYN continues\n"
            "                       its connection through a silence up to S (default\n"
            "                       %" PRIu32 " = 5 days, as AWS connection tracking);\n"
            "                       --idle-tcp then applies only to records without flags\n"
            "                       S is whole seconds, or a number with s, m, h or d\n",
            d.idle_tcp, d.idle_udp, d.idle_icmp, d.idle_other, d.conntrack_tcp);
    fputs("  --threads N          1: one thread; 2 (default when the machine has two\n"
          "                       or more CPUs): reading, gzip and parsing run on a\n"
          "                       second thread beside the session engine.  The\n"
          "                       output is identical; more than 2 is 2\n"
          "  --stream             bounded memory for long inputs: write each session\n"
          "                       as soon as its records ended more than the horizon\n"
          "                       plus its idle timeout before the data's clock (the\n"
          "                       median end time of the latest records), and forget\n"
          "                       it.  Files are read in the time order of their S3\n"
          "                       names (..._20180620T1620Z_...), across accounts,\n"
          "                       regions and flow logs.  Sessions are ordered within\n"
          "                       each flush, not overall; records arriving later than\n"
          "                       the horizon are counted as late in the summary\n"
          "  --horizon S          how late a record may arrive, in data time, and still\n"
          "                       join its session (default 1200 = 20 min: S3 delivers\n"
          "                       every 5 min, about 10 min late); implies --stream\n",
          f);
    fputs("  --filter EXPR        write only the sessions EXPR matches (after they are\n"
          "                       built: the same sessions, the same session_id as\n"
          "                       without it).  Terms, joined by and/&&, or/||,\n"
          "                       not/! and parentheses (not > and > or):\n"
          "                         [client|server] host ADDR | net CIDR | port N\n"
          "                         [client|server] eni ID | vpc ID | subnet ID | az NAME\n"
          "                         proto tcp|udp|icmp|icmp6|N   action accept|reject\n"
          "                         basis NAME   class NAME\n"
          "                         bytes|packets|duration|records OP N  (OP: > < >= <=\n"
          "                         = !=; N may end in k, M or G: powers of 1000)\n"
          "                       e.g. 'host 10.0.1.5 and not port 22 and bytes > 1M'.\n"
          "                       Full grammar: docs/filters.md\n"
          "  --since T, --until T write only sessions whose [first_seen, last_seen]\n"
          "                       overlaps [since, until] (ends included).  T is unix\n"
          "                       seconds or ISO 8601 with a zone: 2024-06-10T02:00:00Z,\n"
          "                       2024-06-10T04:00+02:00 (fractions of a second dropped)\n"
          "  -h, --help           this text\n"
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
    const char *eni_path;
    fst_stitcher_config cfg;
    int first;       /* INPUTs are argv[first..argc) */
    int stream;      /* --stream or --horizon */
    const char *filter, *since, *until; /* --filter, --since, --until text */
} sessions_args;

/* Keys of the options of `sessions` itself. */
enum {
    KEY_IDLE_TCP = FST_KEY_COMMAND, KEY_IDLE_UDP, KEY_IDLE_ICMP, KEY_IDLE_OTHER, KEY_THREADS,
    KEY_STREAM, KEY_HORIZON, KEY_ENI_METADATA, KEY_FILTER, KEY_SINCE, KEY_UNTIL,
    KEY_CONNTRACK
};

static const struct option sessions_longopts[] = {
    FST_CLI_SHARED_LONGOPTS,
    {"idle-tcp", required_argument, NULL, KEY_IDLE_TCP},
    {"idle-udp", required_argument, NULL, KEY_IDLE_UDP},
    {"idle-icmp", required_argument, NULL, KEY_IDLE_ICMP},
    {"idle-other", required_argument, NULL, KEY_IDLE_OTHER},
    {"conntrack-timeout", required_argument, NULL, KEY_CONNTRACK},
    {"threads", required_argument, NULL, KEY_THREADS},
    {"stream", no_argument, NULL, KEY_STREAM},
    {"horizon", required_argument, NULL, KEY_HORIZON},
    {"eni-metadata", required_argument, NULL, KEY_ENI_METADATA},
    {"filter", required_argument, NULL, KEY_FILTER},
    {"since", required_argument, NULL, KEY_SINCE},
    {"until", required_argument, NULL, KEY_UNTIL},
    {0}};

#define DEFAULT_HORIZON 1200

/* Seconds with an optional s/m/h/d unit, into *out; -1 with a message. */
static int parse_seconds(const char *opt, const char *v, uint32_t *out)
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
        fprintf(stderr, CMD ": %s: '%s' is not a number of seconds (e.g. 350, 10m, 1h)\n",
                opt, v);
        return -1;
    }
    *out = (uint32_t)(n * mult);
    return 0;
}

/* --threads N: 1 to 64; -1 with a message. */
static int parse_threads(const char *v, uint32_t *out)
{
    char *end = NULL;
    errno = 0;
    const unsigned long n = strtoul(v, &end, 10);
    if (errno || end == v || *end || v[0] == '-' || v[0] == '+' || n < 1 || n > 64) {
        fprintf(stderr, CMD ": --threads: '%s' is not a number from 1 to 64\n", v);
        return -1;
    }
    *out = (uint32_t)n;
    return 0;
}

/* One option of `sessions` itself (fst_cli_option_fn): 0, or -1 on a
 * usage error (message printed). */
static int own_option(void *ctx, int key, const char *v)
{
    sessions_args *a = ctx;
    switch (key) {
    case KEY_IDLE_TCP: return parse_seconds("--idle-tcp", v, &a->cfg.idle_tcp);
    case KEY_IDLE_UDP: return parse_seconds("--idle-udp", v, &a->cfg.idle_udp);
    case KEY_IDLE_ICMP: return parse_seconds("--idle-icmp", v, &a->cfg.idle_icmp);
    case KEY_IDLE_OTHER: return parse_seconds("--idle-other", v, &a->cfg.idle_other);
    case KEY_CONNTRACK: return parse_seconds("--conntrack-timeout", v, &a->cfg.conntrack_tcp);
    case KEY_THREADS: return parse_threads(v, &a->cfg.threads);
    case KEY_STREAM: a->stream = 1; return 0;
    case KEY_ENI_METADATA: a->eni_path = v; return 0;
    case KEY_FILTER: a->filter = v; return 0;
    case KEY_SINCE: a->since = v; return 0;
    case KEY_UNTIL: a->until = v; return 0;
    case KEY_HORIZON:
        if (parse_seconds("--horizon", v, &a->cfg.horizon) < 0)
            return -1;
        if (!a->cfg.horizon) {
            fputs(CMD ": --horizon: must be at least 1 second\n", stderr);
            return -1;
        }
        a->stream = 1;
        return 0;
    default:
        fprintf(stderr, CMD ": option %d not handled\n", key);
        return -1;
    }
}

/* 0 to run, FST_EXIT_USAGE on a bad command line, FST_CLI_HELP after --help. */
static int parse_args(sessions_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    fst_cli_input_opts_init(&a->in);
    fst_stitcher_config_init(&a->cfg);
    const int rc = fst_cli_parse(CMD, argc, argv, FST_CLI_SHARED_SHORTOPTS, sessions_longopts,
                                 &a->in, own_option, a, &a->first);
    if (rc == FST_CLI_HELP)
        sessions_help(stdout);
    if (rc)
        return rc;
    if (a->stream) {
        if (!a->cfg.horizon)
            a->cfg.horizon = DEFAULT_HORIZON;
        a->in.reader.time_order = 1;
    }
    if (a->first >= argc) {
        fputs(CMD ": no INPUT given (use '-' for standard input; see --help)\n", stderr);
        return FST_EXIT_USAGE;
    }
    return 0;
}

/* ---- the session summary ---------------------------------------------- */

/* Windows of one ENI, for sorting without touching the stitcher's array. */
static int by_windows_desc(const void *pa, const void *pb)
{
    const fst_eni_windows *a = *(const fst_eni_windows *const *)pa;
    const fst_eni_windows *b = *(const fst_eni_windows *const *)pb;
    const uint64_t na = a->nodata + a->skipdata, nb = b->nodata + b->skipdata;
    if (na != nb)
        return na > nb ? -1 : 1;
    return strcmp(a->eni ? a->eni : "", b->eni ? b->eni : "");
}

#define TOP_ENIS 10

static void print_eni_windows(FILE *f, const fst_stitch_stats *st)
{
    const fst_eni_windows **v = st->n_enis ? malloc(st->n_enis * sizeof *v) : NULL;
    size_t n = 0;
    for (uint64_t i = 0; v && i < st->n_enis; i++)
        if (st->enis[i].nodata || st->enis[i].skipdata)
            v[n++] = &st->enis[i];
    if (n == 0) {
        fputs("  NODATA/SKIPDATA windows: none\n", f);
        free(v);
        return;
    }
    qsort(v, n, sizeof *v, by_windows_desc);
    fprintf(f, "  NODATA/SKIPDATA windows per ENI (%zu ENI%s, most first):\n", n,
            n == 1 ? "" : "s");
    for (size_t i = 0; i < n && i < TOP_ENIS; i++)
        fprintf(f, "    %-24s %" PRIu64 " NODATA, %" PRIu64 " SKIPDATA (%" PRIu64
                   " flow records)\n",
                v[i]->eni ? v[i]->eni : "-", v[i]->nodata, v[i]->skipdata, v[i]->records);
    if (n > TOP_ENIS)
        fprintf(f, "    \u2026 %zu more\n", n - TOP_ENIS);
    free(v);
}

static void print_ratio(FILE *f, uint64_t naive, uint64_t counted)
{
    if (counted)
        fprintf(f, "%.2fx", (double)naive / (double)counted);
    else
        fputs("n/a", f);
}

static void print_session_summary(FILE *f, const fst_stitch_stats *st)
{
    fprintf(f, "flowstitch: %" PRIu64 " session%s (%" PRIu64 " NAT leg%s, %" PRIu64
               " incomplete) from %" PRIu64 " flow records joined",
            st->sessions, st->sessions == 1 ? "" : "s", st->nat_legs,
            st->nat_legs == 1 ? "" : "s", st->incomplete, st->records_joined);
    if (st->records_unusable)
        fprintf(f, "; %" PRIu64 " records without a 5-tuple not used", st->records_unusable);
    putc('\n', f);
    fputs("  by direction basis:", f);
    for (int b = 0; b < FST_BASIS_COUNT; b++)
        fprintf(f, "%s %s %" PRIu64, b ? "," : "", fst_direction_reason_name(b), st->by_basis[b]);
    fprintf(f, "\n  by observing ENIs: 1 ENI %" PRIu64 ", 2 ENIs %" PRIu64 ", 3 ENIs %" PRIu64
               ", 4+ ENIs %" PRIu64,
            st->by_enis[1], st->by_enis[2], st->by_enis[3], st->by_enis[4]);
    if (st->by_enis[0])
        fprintf(f, ", no interface-id field %" PRIu64, st->by_enis[0]);
    fprintf(f, "\n  bytes: %" PRIu64 " summed over records, %" PRIu64 " counted once (",
            st->bytes_naive, st->bytes_counted);
    print_ratio(f, st->bytes_naive, st->bytes_counted);
    fprintf(f, ")\n  packets: %" PRIu64 " summed over records, %" PRIu64 " counted once (",
            st->packets_naive, st->packets_counted);
    print_ratio(f, st->packets_naive, st->packets_counted);
    fprintf(f, ")\n  NODATA records %" PRIu64 ", SKIPDATA records %" PRIu64 "\n", st->nodata,
            st->skipdata);
    print_eni_windows(f, st);
}

static void print_stream_summary(FILE *f, const fst_stitch_stats *st, uint32_t horizon)
{
    fprintf(f, "  streaming (horizon %" PRIu32 " s): %" PRIu64 " flush%s before the end, at most %" PRIu64
               " connection keys held at once, %" PRIu64 " settled windows folded, %" PRIu64
               " late record%s\n",
            horizon, st->flushes, st->flushes == 1 ? "" : "es", st->groups_held_peak,
            st->records_folded, st->records_late, st->records_late == 1 ? "" : "s");
}

/* Printed even with --quiet: late records may be split from their session. */
static void warn_late(FILE *f, const fst_stitch_stats *st)
{
    if (st->records_late)
        fprintf(f, "flowstitch: warning: %" PRIu64 " flow record%s arrived after sessions of "
                   "their time were written and may be split from them: give the input in "
                   "time order (CloudWatch Logs exports, one file per ENI, are not: use batch "
                   "mode for them) or raise --horizon\n",
                st->records_late, st->records_late == 1 ? "" : "s");
}

/* ---- --stats JSON ----------------------------------------------------- */

static void json_session_stats(FILE *f, const fst_stitch_stats *st)
{
    fprintf(f,
            "\"sessions\":{\"sessions\":%" PRIu64 ",\"nat_legs\":%" PRIu64
            ",\"incomplete\":%" PRIu64 ",\"records_in\":%" PRIu64 ",\"records_joined\":%" PRIu64
            ",\"records_unusable\":%" PRIu64 ",\"nodata\":%" PRIu64 ",\"skipdata\":%" PRIu64
            ",\"by_direction_basis\":{",
            st->sessions, st->nat_legs, st->incomplete, st->records_in, st->records_joined,
            st->records_unusable, st->nodata, st->skipdata);
    for (int b = 0; b < FST_BASIS_COUNT; b++) {
        if (b)
            putc(',', f);
        fst_cli_json_string(f, fst_direction_reason_name(b));
        fprintf(f, ":%" PRIu64, st->by_basis[b]);
    }
    fprintf(f,
            "},\"by_enis\":{\"none\":%" PRIu64 ",\"1\":%" PRIu64 ",\"2\":%" PRIu64
            ",\"3\":%" PRIu64 ",\"4+\":%" PRIu64 "},\"packets_naive\":%" PRIu64
            ",\"bytes_naive\":%" PRIu64 ",\"packets_counted\":%" PRIu64
            ",\"bytes_counted\":%" PRIu64,
            st->by_enis[0], st->by_enis[1], st->by_enis[2], st->by_enis[3], st->by_enis[4],
            st->packets_naive, st->bytes_naive, st->packets_counted, st->bytes_counted);
    fprintf(f,
            ",\"flushes\":%" PRIu64 ",\"records_late\":%" PRIu64 ",\"groups_held_peak\":%" PRIu64
            ",\"records_folded\":%" PRIu64,
            st->flushes, st->records_late, st->groups_held_peak, st->records_folded);
    fputs(",\"bytes_ratio\":", f);
    if (st->bytes_counted)
        fprintf(f, "%.6g", (double)st->bytes_naive / (double)st->bytes_counted);
    else
        fputs("null", f);
    fputs(",\"enis\":[", f);
    for (uint64_t i = 0; i < st->n_enis; i++) {
        const fst_eni_windows *e = &st->enis[i];
        fputs(i ? ",{\"eni\":" : "{\"eni\":", f);
        fst_cli_json_string(f, e->eni);
        fprintf(f, ",\"records\":%" PRIu64 ",\"nodata\":%" PRIu64 ",\"skipdata\":%" PRIu64 "}",
                e->records, e->nodata, e->skipdata);
    }
    fputs("]}", f);
}

/* One JSON object: "inputs" (shared helper), "eni_metadata", "sessions"
 * (null when no sessions were produced). */
static int write_stats(const char *path, const fst_reader *r, const fst_stitch_stats *st,
                       const char *eni_path, size_t n_meta)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, CMD ": --stats %s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    putc('{', f);
    fst_cli_print_input_summary(r, 1, f);
    fputs(",\"eni_metadata\":", f);
    if (eni_path) {
        fputs("{\"file\":", f);
        fst_cli_json_string(f, eni_path);
        fprintf(f, ",\"interfaces\":%zu}", n_meta);
    } else {
        fputs("null", f);
    }
    putc(',', f);
    if (st)
        json_session_stats(f, st);
    else
        fputs("\"sessions\":null", f);
    fputs("}\n", f);
    const int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, CMD ": --stats %s: cannot write\n", path);
        return -1;
    }
    return 0;
}

/* ---- the run ---------------------------------------------------------- */

typedef struct emit_ctx {
    fst_writer *w;
    FILE *out;
    int failed;
    uint64_t written;
    const fst_filter *filter;  /* --filter, or NULL */
    fst_time_range range;      /* --since/--until */
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
    if ((e->filter && !fst_filter_match(e->filter, s)) || !fst_time_range_match(&e->range, s))
        return 0; /* not selected: its session_id stays unused */
    e->written++;
    if (fst_session_writer_write(e->w, s) < 0) {
        e->failed = 1;
        return 1; /* stop: the output is gone */
    }
    return 0;
}

/* Push every record (streaming: writing the sessions that close on the
 * way); returns an exit code (OK, STRICT or FATAL). */
static int push_all(fst_reader *r, fst_stitcher *st, emit_ctx *e)
{
    const char *file;
    uint64_t line;
    const int rc = fst_stitcher_push_reader_stream(st, r, emit, e, &file, &line);
    if (rc < 0 && file) {
        fprintf(stderr, CMD ": %s:%" PRIu64 ": %s\n", file, line, fst_strerror(rc));
        return FST_EXIT_FATAL;
    }
    if (rc == FST_ESTRICT) {
        fputs(e->written ? CMD ": stopped by --strict; only the sessions already flushed were "
                           "written\n"
                         : CMD ": stopped by --strict; no sessions written\n",
              stderr);
        return FST_EXIT_STRICT;
    }
    if (rc < 0) {
        fprintf(stderr, CMD ": %s\n", fst_strerror(rc));
        return FST_EXIT_FATAL;
    }
    return FST_EXIT_OK;
}

/* Correlate and write every session (still held); closes the writer;
 * returns an exit code. */
static int write_sessions(fst_stitcher *st, emit_ctx *e, int code)
{
    const int rc = code == FST_EXIT_OK ? fst_stitcher_finish(st, emit, e) : 0;
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

/* The session writer the options ask for; NULL on out of memory. */
static fst_writer *open_writer(FILE *out, const fst_cli_input_opts *o)
{
    fst_writer *w = fst_session_writer_open(out, (fst_out_format)o->format);
    if (w)
        fst_writer_set_time_format(w, o->time_format);
    return w;
}

static fst_eni_table *load_meta(const char *path, int *code)
{
    char err[512];
    fst_eni_table *t = fst_eni_table_load(path, err, sizeof err);
    if (!t) {
        fprintf(stderr, CMD ": --eni-metadata %s\n", err);
        *code = FST_EXIT_USAGE;
    }
    return t;
}

/* --since/--until into e->range (open when absent); -1 with a message. */
static int parse_range(const sessions_args *a, emit_ctx *e)
{
    fst_time_range_init(&e->range);
    const char *text[2] = {a->since, a->until};
    int64_t *end[2] = {&e->range.since, &e->range.until};
    for (int k = 0; k < 2; k++)
        if (text[k] && fst_time_parse(text[k], end[k]) < 0) {
            fprintf(stderr, CMD ": --%s: '%s' is not a time (unix seconds, or ISO 8601 with a "
                            "zone: 2024-06-10T02:00:00Z)\n",
                    k ? "until" : "since", text[k]);
            return -1;
        }
    if (e->range.since > e->range.until) {
        fputs(CMD ": --since is after --until\n", stderr);
        return -1;
    }
    return 0;
}

/* The session selection of --filter, --since and --until; FST_EXIT_USAGE
 * with a message (the filter's points at the bad token), else 0. */
static int make_selection(const sessions_args *a, emit_ctx *e, fst_filter **filter)
{
    char err[1024];
    if (parse_range(a, e) < 0)
        return FST_EXIT_USAGE;
    if (a->filter && !(*filter = fst_filter_compile(a->filter, err, sizeof err))) {
        fprintf(stderr, CMD ": %s\n", err);
        return FST_EXIT_USAGE;
    }
    e->filter = *filter;
    return 0;
}

int fst_cli_sessions(int argc, char **argv)
{
    sessions_args a;
    int code = parse_args(&a, argc, argv);
    if (code)
        return code < 0 ? FST_EXIT_OK : code;

    fst_eni_table *meta = NULL;
    fst_reader *r = NULL;
    fst_stitcher *st = NULL;
    FILE *out = stdout;
    const fst_stitch_stats *stats = NULL;
    emit_ctx e = {NULL, NULL, 0, 0, NULL, {0, 0}};
    fst_filter *filter = NULL;
    fst_cli_progress *prog = NULL;

    if ((code = make_selection(&a, &e, &filter)) != 0)
        return code;
    if (a.eni_path && !(meta = load_meta(a.eni_path, &code)))
        goto done;
    a.cfg.meta = meta;
    r = fst_reader_new(&a.in.reader);
    st = r ? fst_stitcher_new(&a.cfg) : NULL;
    if (!r || !st) {
        fputs(CMD ": out of memory\n", stderr);
        code = FST_EXIT_FATAL;
        goto done;
    }
    code = fst_cli_add_inputs(r, argc - a.first, argv + a.first);
    if (code)
        goto done;
    if (a.in.output && !(out = fopen(a.in.output, "w"))) {
        fprintf(stderr, CMD ": %s: cannot open for writing: %s\n", a.in.output, strerror(errno));
        out = stdout;
        code = FST_EXIT_FATAL;
        goto done;
    }
    /* streaming writes while reading; batch opens the output (a CSV
     * header) only once every record was read */
    if (a.cfg.horizon && !(e.w = open_writer(out, &a.in))) {
        fputs(CMD ": out of memory\n", stderr);
        code = FST_EXIT_FATAL;
        goto done;
    }
    e.out = out;
    prog = fst_cli_progress_start(r, argc - a.first, argv + a.first, a.in.quiet);
    code = push_all(r, st, &e);
    if (code == FST_EXIT_OK && !e.w &&
        !(e.w = open_writer(out, &a.in))) {
        fputs(CMD ": out of memory\n", stderr);
        code = FST_EXIT_FATAL;
        goto done;
    }
    code = write_sessions(st, &e, code);
    fst_cli_progress_stop(prog);
    prog = NULL;
    if (code == FST_EXIT_OK)
        stats = fst_stitcher_stats(st);
    fst_cli_print_input_summary(r, a.in.quiet, NULL);
    if (meta && !a.in.quiet)
        fprintf(stderr, "flowstitch: ENI metadata: %zu interfaces from %s\n",
                fst_eni_table_count(meta), a.eni_path);
    if (stats && !a.in.quiet)
        print_session_summary(stderr, stats);
    if (stats && !a.in.quiet && (a.filter || a.since || a.until))
        fprintf(stderr, "  selected by --filter/--since/--until: %" PRIu64 " of %" PRIu64
                        " sessions written\n", e.written, stats->sessions);
    if (stats && !a.in.quiet && a.cfg.horizon)
        print_stream_summary(stderr, stats, a.cfg.horizon);
    if (stats)
        warn_late(stderr, stats);
    if (a.in.stats_path &&
        write_stats(a.in.stats_path, r, stats, a.eni_path, fst_eni_table_count(meta)) < 0 &&
        (code == FST_EXIT_OK || code == FST_EXIT_SKIPPED))
        code = FST_EXIT_FATAL;
    if (code == FST_EXIT_OK)
        code = fst_cli_input_exit_code(r);
done:
    fst_cli_progress_stop(prog);
    if (out != stdout && fclose(out) != 0 && code != FST_EXIT_FATAL) {
        fprintf(stderr, CMD ": %s: cannot write\n", a.in.output);
        code = FST_EXIT_FATAL;
    }
    if (st)
        fst_stitcher_free(st);
    if (r)
        fst_reader_free(r);
    fst_eni_table_free(meta);
    fst_filter_free(filter);
    return code;
}
