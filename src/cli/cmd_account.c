/* cli/cmd_account.c - `flowstitch account`: the sessions of the input,
 * each byte counted once, summed by the keys of --by (ENI, subnet, AZ
 * pair, service, ...) beside the naive sum over the records, with a cost
 * estimate and, with --findings, what a cost engineer acts on.
 *
 * Flow: the session build of `sessions` (cli/build.c: options, metadata,
 * reader, stitcher, --filter/--since/--until) -> every selected session
 * into fst_cost -> table/CSV/JSONL (+ findings) -> summaries -> exit code.
 * Streaming works: only the groups are held, never the sessions.  Public
 * API only (<flowstitch.h> through cli.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CMD "flowstitch account"

static void account_help(FILE *f)
{
    fst_prices p;
    fst_prices_default(&p);
    fputs("usage: flowstitch account --by KEY[,KEY...] [--prices FILE] [--top N]\n"
          "           [--findings] [--format table|csv|jsonl] [-o|--output FILE]\n"
          "           [--eni-metadata FILE] [--idle-tcp S] ... [--threads N]\n"
          "           [--stream] [--horizon S] [--stats FILE] [--fields FMT] [--strict]\n"
          "           [-q|--quiet] [--filter EXPR] [--since T] [--until T] INPUT...\n"
          "\n"
          "Traffic accounting that counts every byte once, with a cost estimate.\n"
          "\n"
          "The sessions of the input (exactly those `flowstitch sessions` writes\n"
          "with the same options) are summed by the keys of --by.  Beside the\n"
          "bytes counted once stand naive_packets and naive_bytes: the sum over\n"
          "every flow record, which is what an Athena SUM(bytes), CloudWatch\n"
          "Contributor Insights or Kubecost's flow-log view report, since a\n"
          "connection between two logged ENIs is logged up to four times per\n"
          "capture window.  Memory holds one line per group, never the sessions.\n"
          "\n"
          "Options:\n"
          "  --by KEYS            comma-separated, at most 8, one column each (the\n"
          "                       name with '-' as '_'):\n"
          "                         eni, vpc, subnet, az, account   per side: a session\n"
          "                           belongs to its client's and its server's value\n"
          "                           (one row when they are equal); '-' = outside the\n"
          "                           logged VPCs or unknown.  Rows may then add up to\n"
          "                           more than the TOTAL, which counts each once\n"
          "                         az-pair    both zones, in lexical order, 'a<->b'\n"
          "                         pair       client->server addresses\n"
          "                         client, server   one address\n"
          "                         service    server port/proto: 443/tcp, 53/udp, icmp\n"
          "                         class      traffic_class (intra-az, inter-az, ...)\n"
          "                         aws-service, region\n"
          "                         hour, day  UTC, of first_seen (2024-06-10T02)\n"
          "  --format F           table (default: aligned, with a TOTAL row), csv or\n"
          "                       jsonl.  Columns: the keys, then sessions, packets,\n"
          "                       bytes, c2s_bytes, s2c_bytes, naive_packets,\n"
          "                       naive_bytes, cost_usd\n"
          "  --top N              only the N rows with the most bytes (0: all; the\n"
          "                       TOTAL row still covers every session)\n"
          "  --prices FILE        JSON price table overriding the defaults (keys in\n"
          "                       docs/accounting.md)\n"
          "  --findings           after the rows (table) or instead of them (csv,\n"
          "                       jsonl): S3/DynamoDB through a NAT gateway, the top\n"
          "                       inter-AZ pairs and their services, internet egress\n"
          "                       by ENI, NAT hairpins; each with bytes, cost and a\n"
          "                       monthly estimate from the time covered\n"
          "  -o, --output FILE    write there (default: standard output)\n",
          f);
    fst_cli_build_help(f);
    fprintf(f,
            "  -h, --help           this text\n"
            "\n"
            "Cost: by traffic_class, per GB of %.0f bytes (AWS bills GB = 2^30):\n"
            "  intra-az 0; inter-az $%g/GB each direction (a byte crossing zones\n"
            "  costs $%g); NAT gateway $%g/GB processed, plus internet egress when\n"
            "  it goes out; internet egress $%g/GB (the first paid tier; inbound\n"
            "  free); inter-vpc: inter-AZ when the zones differ, $%g/GB inter-Region\n"
            "  peering, $%g/GB transit gateway unless traffic-path says peering;\n"
            "  aws-service, rejected, unknown 0.  Defaults: %s, %s.\n"
            "  Streaming (--stream) works: sessions are summed as they close.\n"
            "\n",
            p.bytes_per_gb, p.inter_az, 2 * p.inter_az, p.nat_processing, p.egress[0].per_gb,
            p.inter_region, p.tgw_processing, p.source, p.date);
    fst_cli_input_help(f);
    fputs("\n"
          "Exit status: as `flowstitch sessions` (0 all input used, 1 some skipped,\n"
          "2 usage error or bad --prices, 3 fatal, 4 --strict).\n"
          "\n"
          "Examples:\n"
          "  flowstitch account --by az-pair --eni-metadata enis.json AWSLogs/\n"
          "  flowstitch account --by eni,service --top 20 --format csv logs/\n"
          "  flowstitch account --by class --findings --since 2024-06-10T00:00Z logs/\n"
          "Walk-through and price table: docs/accounting.md.\n",
          f);
}

/* ---- arguments -------------------------------------------------------- */

typedef struct account_args {
    fst_cli_input_opts in;
    fst_cli_build_opts b;
    int first;
    int keys[FST_COST_MAX_KEYS], n_keys;
    const char *prices_path;
    fst_prices prices;
    size_t top;
    int findings;
    int fmt;               /* FST_COST_* */
} account_args;

enum { KEY_BY = FST_KEY_COMMAND, KEY_PRICES, KEY_TOP, KEY_FINDINGS, KEY_FORMAT };

static const struct option account_longopts[] = {
    {"format", required_argument, NULL, KEY_FORMAT}, /* before the shared one: table too */
    FST_CLI_SHARED_LONGOPTS,
    FST_CLI_BUILD_LONGOPTS,
    {"by", required_argument, NULL, KEY_BY},
    {"prices", required_argument, NULL, KEY_PRICES},
    {"top", required_argument, NULL, KEY_TOP},
    {"findings", no_argument, NULL, KEY_FINDINGS},
    {0}};

static int parse_by(account_args *a, const char *v)
{
    char err[256];
    if ((a->n_keys = fst_cost_keys_parse(v, a->keys, err, sizeof err)) < 0) {
        fprintf(stderr, CMD ": --by: %s\n", err);
        return -1;
    }
    return 0;
}

static int parse_top(account_args *a, const char *v)
{
    char *end = NULL;
    errno = 0;
    const unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v || *end || v[0] == '-' || v[0] == '+') {
        fprintf(stderr, CMD ": --top: '%s' is not a number\n", v);
        return -1;
    }
    a->top = (size_t)n;
    return 0;
}

static int parse_format(account_args *a, const char *v)
{
    static const char *const names[] = {"table", "csv", "jsonl"};
    for (int i = 0; i < 3; i++)
        if (!strcmp(v, names[i])) {
            a->fmt = i;
            return 0;
        }
    fprintf(stderr, CMD ": --format: '%s' is not table, csv or jsonl\n", v);
    return -1;
}

static int own_option(void *ctx, int key, const char *v)
{
    account_args *a = ctx;
    switch (key) {
    case KEY_BY: return parse_by(a, v);
    case KEY_PRICES: a->prices_path = v; return 0;
    case KEY_TOP: return parse_top(a, v);
    case KEY_FINDINGS: a->findings = 1; return 0;
    case KEY_FORMAT: return parse_format(a, v);
    default: break;
    }
    const int rc = fst_cli_build_option(CMD, &a->b, key, v);
    if (rc == 0)
        fprintf(stderr, CMD ": option %d not handled\n", key);
    return rc > 0 ? 0 : -1;
}

/* The price table: defaults, then --prices; -1 with a message. */
static int load_prices(account_args *a)
{
    char err[512];
    fst_prices_default(&a->prices);
    if (a->prices_path && fst_prices_load(a->prices_path, &a->prices, err, sizeof err) < 0) {
        fprintf(stderr, CMD ": --prices %s\n", err);
        return -1;
    }
    return 0;
}

static int parse_args(account_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    fst_cli_input_opts_init(&a->in);
    fst_cli_build_opts_init(&a->b);
    a->fmt = FST_COST_TABLE;
    const int rc = fst_cli_parse(CMD, argc, argv, FST_CLI_SHARED_SHORTOPTS, account_longopts,
                                 &a->in, own_option, a, &a->first);
    if (rc == FST_CLI_HELP)
        account_help(stdout);
    if (rc)
        return rc;
    if (!a->n_keys) {
        fputs(CMD ": --by KEY[,KEY...] is required (see --help)\n", stderr);
        return FST_EXIT_USAGE;
    }
    if (load_prices(a) < 0)
        return FST_EXIT_USAGE;
    return fst_cli_build_ready(CMD, &a->b, &a->in, argc, a->first);
}

/* ---- the run ---------------------------------------------------------- */

typedef struct sum_ctx {
    fst_cost *cost;
    const fst_cli_build *run;
    uint64_t selected;
    int failed;            /* out of memory */
} sum_ctx;

static int sum(const fst_session *s, void *ud)
{
    sum_ctx *x = ud;
    if (!s || !fst_cli_build_selected(x->run, s))
        return 0; /* a flush mark, or not selected */
    x->selected++;
    if (fst_cost_add(x->cost, s) < 0) {
        x->failed = 1;
        return 1;
    }
    return 0;
}

/* Finishes the stitcher into x->cost and writes the result; an exit code. */
static int report(const account_args *a, fst_cli_build *run, sum_ctx *x, FILE *out, int code)
{
    if (code != FST_EXIT_OK)
        return code;
    const int rc = fst_stitcher_finish(run->st, sum, x);
    if (x->failed || fst_cost_finish(x->cost) < 0) {
        fputs(CMD ": out of memory\n", stderr);
        return FST_EXIT_FATAL;
    }
    if (rc < 0) {
        fprintf(stderr, CMD ": %s\n", fst_strerror(rc));
        return FST_EXIT_FATAL;
    }
    int bad = 0;
    if (!a->findings || a->fmt == FST_COST_TABLE)
        bad |= fst_cost_write(x->cost, out, a->fmt, a->top);
    if (a->findings && a->fmt == FST_COST_TABLE)
        putc('\n', out);
    if (a->findings)
        bad |= fst_cost_write_findings(x->cost, out, a->fmt, a->top);
    if (bad || fflush(out) != 0) {
        fputs(CMD ": cannot write the output\n", stderr);
        return FST_EXIT_FATAL;
    }
    return FST_EXIT_OK;
}

/* The summaries on stderr (unless quiet) and --stats; an exit code. */
static int summaries(const account_args *a, fst_cli_build *run, const sum_ctx *x, int code)
{
    const fst_stitch_stats *stats = code == FST_EXIT_OK ? fst_stitcher_stats(run->st) : NULL;
    fst_cli_print_input_summary(run->r, a->in.quiet, NULL);
    if (stats && !a->in.quiet) {
        fst_cli_session_summary(stderr, stats);
        fprintf(stderr, "  accounted: %" PRIu64 " of %" PRIu64 " sessions\n", x->selected,
                stats->sessions);
    }
    return fst_cli_build_report(CMD, run, &a->b, &a->in, stats, 0, code);
}

int fst_cli_account(int argc, char **argv)
{
    account_args a;
    int code = parse_args(&a, argc, argv);
    if (code)
        return code < 0 ? FST_EXIT_OK : code;

    fst_cli_build run;
    FILE *out = stdout;
    sum_ctx x = {fst_cost_new(a.keys, a.n_keys, &a.prices), &run, 0, 0};
    fst_cli_progress *prog = NULL;

    code = fst_cli_build_open(CMD, &run, &a.b, &a.in, argc - a.first, argv + a.first);
    if (!code && !x.cost) {
        fputs(CMD ": out of memory\n", stderr);
        code = FST_EXIT_FATAL;
    }
    if (code)
        goto done;
    if (a.in.output && !(out = fopen(a.in.output, "w"))) {
        fprintf(stderr, CMD ": %s: cannot open for writing: %s\n", a.in.output, strerror(errno));
        out = stdout;
        code = FST_EXIT_FATAL;
        goto done;
    }
    prog = fst_cli_progress_start(run.r, argc - a.first, argv + a.first, a.in.quiet);
    code = fst_cli_build_push(CMD, &run, sum, &x, 0);
    if (x.failed) {
        fputs(CMD ": out of memory\n", stderr);
        code = FST_EXIT_FATAL;
    }
    fst_cli_progress_stop(prog);
    prog = NULL;
    code = report(&a, &run, &x, out, code);
    code = summaries(&a, &run, &x, code);
done:
    fst_cli_progress_stop(prog);
    if (out != stdout && fclose(out) != 0 && code != FST_EXIT_FATAL) {
        fprintf(stderr, CMD ": %s: cannot write\n", a.in.output);
        code = FST_EXIT_FATAL;
    }
    fst_cli_build_close(&run);
    fst_cost_free(x.cost);
    return code;
}
