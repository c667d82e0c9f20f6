/* cli/build.c - what every command that builds sessions shares (sessions,
 * account): the session-building options and their help, the selection
 * (--filter, --since, --until), the set-up of ENI metadata, reader and
 * stitcher, pushing the records, and the session summary (stderr and
 * --stats JSON).  Public API only. */
#include <errno.h>
#include <inttypes.h>
#if defined(__GLIBC__)
#include <malloc.h> /* mallopt */
#endif
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ---- options ------------------------------------------------------------- */

void fst_cli_build_help(FILE *f)
{
    fst_stitcher_config d;
    fst_stitcher_config_init(&d);
    fputs("  --eni-metadata FILE  JSON printed by `aws ec2 describe-network-interfaces`\n"
          "                       (pages may be concatenated).  Tells which address\n"
          "                       is an ENI's own, its secondary IPs and which ENIs\n"
          "                       are NAT gateways, load balancers or TGW attachments;\n"
          "                       needed for the best results with the default\n"
          "                       (v2) format, which has no pkt-srcaddr/pkt-dstaddr\n"
          "  --subnets FILE       JSON printed by `aws ec2 describe-subnets` (pages may\n"
          "                       be concatenated): the subnet, VPC, AZ and account of\n"
          "                       any address in their CIDR blocks, for the client_*\n"
          "                       and server_* keys when the records do not say\n",
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
          "                       or more CPUs): reading, gzip and parsing run on\n"
          "                       other threads beside the session engine (parsing\n"
          "                       on one thread per CPU).  The output is identical;\n"
          "                       more than 2 is 2\n"
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
          "                       every 5 min, about 10 min late); implies --stream\n"
          "  --memcap SIZE        most memory the session engine may hold (SIZE in\n"
          "                       bytes, or with K, M, G or T: powers of 1024; default\n"
          "                       half of the RAM).  At 3/4 of it the sessions idle\n"
          "                       longest are written early and forgotten (counted as\n"
          "                       evicted in the summary); such a session may continue\n"
          "                       later as a second one.  Peak RSS stays within SIZE\n"
          "                       plus about 32 MiB (docs/performance.md)\n",
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
          "                       2024-06-10T04:00+02:00 (fractions of a second dropped)\n",
          f);
}

#define DEFAULT_HORIZON 1200

/* --memcap SIZE: bytes, or a number with K, M, G or T (powers of 1024),
 * at least MEMCAP_MIN; -1 with a message. */
#define MEMCAP_MIN ((uint64_t)1 << 20)

static int parse_memcap(const char *cmd, const char *v, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    const unsigned long long n = strtoull(v, &end, 10);
    int shift = 0;
    if (end && *end && !end[1]) {
        switch (*end) {
        case 'K': case 'k': shift = 10; end++; break;
        case 'M': case 'm': shift = 20; end++; break;
        case 'G': case 'g': shift = 30; end++; break;
        case 'T': case 't': shift = 40; end++; break;
        default: break;
        }
    }
    if (errno || end == v || !end || *end || v[0] == '-' || v[0] == '+' ||
        n > (UINT64_MAX >> shift) || ((uint64_t)n << shift) < MEMCAP_MIN) {
        fprintf(stderr, "%s: --memcap: '%s' is not a size of at least 1M (e.g. 256M, 4G)\n", cmd,
                v);
        return -1;
    }
    *out = (uint64_t)n << shift;
    return 0;
}

void fst_cli_build_opts_init(fst_cli_build_opts *b)
{
    memset(b, 0, sizeof *b);
    fst_stitcher_config_init(&b->cfg);
}

int fst_cli_build_option(const char *cmd, fst_cli_build_opts *b, int key, const char *v)
{
    switch (key) {
    case FST_KEY_IDLE_TCP: return fst_cli_parse_seconds(cmd, "--idle-tcp", v, &b->cfg.idle_tcp) < 0 ? -1 : 1;
    case FST_KEY_IDLE_UDP: return fst_cli_parse_seconds(cmd, "--idle-udp", v, &b->cfg.idle_udp) < 0 ? -1 : 1;
    case FST_KEY_IDLE_ICMP:
        return fst_cli_parse_seconds(cmd, "--idle-icmp", v, &b->cfg.idle_icmp) < 0 ? -1 : 1;
    case FST_KEY_IDLE_OTHER:
        return fst_cli_parse_seconds(cmd, "--idle-other", v, &b->cfg.idle_other) < 0 ? -1 : 1;
    case FST_KEY_CONNTRACK:
        return fst_cli_parse_seconds(cmd, "--conntrack-timeout", v, &b->cfg.conntrack_tcp) < 0 ? -1 : 1;
    case FST_KEY_THREADS: return fst_cli_parse_threads(cmd, v, &b->cfg.threads) < 0 ? -1 : 1;
    case FST_KEY_STREAM: b->stream = 1; return 1;
    case FST_KEY_ENI_METADATA: b->eni_path = v; return 1;
    case FST_KEY_SUBNETS: b->subnets_path = v; return 1;
    case FST_KEY_FILTER: b->filter = v; return 1;
    case FST_KEY_SINCE: b->since = v; return 1;
    case FST_KEY_UNTIL: b->until = v; return 1;
    case FST_KEY_MEMCAP: return parse_memcap(cmd, v, &b->cfg.memcap) < 0 ? -1 : 1;
    case FST_KEY_HORIZON:
        if (fst_cli_parse_seconds(cmd, "--horizon", v, &b->cfg.horizon) < 0)
            return -1;
        if (!b->cfg.horizon) {
            fprintf(stderr, "%s: --horizon: must be at least 1 second\n", cmd);
            return -1;
        }
        b->stream = 1;
        return 1;
    default: return 0;
    }
}

int fst_cli_build_ready(const char *cmd, fst_cli_build_opts *b, fst_cli_input_opts *in,
                        int argc, int first)
{
    if (b->stream) {
        if (!b->cfg.horizon)
            b->cfg.horizon = DEFAULT_HORIZON;
        in->reader.time_order = 1;
#if defined(__GLIBC__)
        /* Memory flat over days: glibc raises its mmap threshold (up to 32
         * MiB) each time a mapped block is freed, after which each flush's
         * large temporary blocks come from the heap, whose holes are not
         * given back: peak RSS then grew at every burst of late records
         * (23.8 / 30.5 / 38.9 MB at 10 / 20 / 40 M records, four copies of
         * one day).  A fixed threshold keeps large blocks mapped and given
         * back on free (docs/performance.md). */
        mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
    }
    if (first >= argc) {
        fprintf(stderr, "%s: no INPUT given (use '-' for standard input; see --help)\n", cmd);
        return FST_EXIT_USAGE;
    }
    return 0;
}

/* ---- the set-up ------------------------------------------------------------- */

static fst_eni_table *load_meta(const char *cmd, const char *path, int *code)
{
    char err[512];
    fst_eni_table *t = fst_eni_table_load(path, err, sizeof err);
    if (!t) {
        fprintf(stderr, "%s: --eni-metadata %s\n", cmd, err);
        *code = FST_EXIT_USAGE;
    }
    return t;
}

/* --since/--until into run->range (open when absent); -1 with a message. */
static int parse_range(const char *cmd, const fst_cli_build_opts *b, fst_cli_build *run)
{
    fst_time_range_init(&run->range);
    const char *text[2] = {b->since, b->until};
    int64_t *end[2] = {&run->range.since, &run->range.until};
    for (int k = 0; k < 2; k++)
        if (text[k] && fst_time_parse(text[k], end[k]) < 0) {
            fprintf(stderr, "%s: --%s: '%s' is not a time (unix seconds, or ISO 8601 with a "
                            "zone: 2024-06-10T02:00:00Z)\n",
                    cmd, k ? "until" : "since", text[k]);
            return -1;
        }
    if (run->range.since > run->range.until) {
        fprintf(stderr, "%s: --since is after --until\n", cmd);
        return -1;
    }
    return 0;
}

/* The session selection of --filter, --since and --until; FST_EXIT_USAGE
 * with a message (the filter's points at the bad token), else 0. */
static int make_selection(const char *cmd, const fst_cli_build_opts *b, fst_cli_build *run)
{
    char err[1024];
    if (parse_range(cmd, b, run) < 0)
        return FST_EXIT_USAGE;
    if (b->filter && !(run->filter = fst_filter_compile(b->filter, err, sizeof err))) {
        fprintf(stderr, "%s: %s\n", cmd, err);
        return FST_EXIT_USAGE;
    }
    return 0;
}

int fst_cli_build_open(const char *cmd, fst_cli_build *run, fst_cli_build_opts *b,
                       const fst_cli_input_opts *in, int n, char **paths)
{
    int code = 0;
    memset(run, 0, sizeof *run);
    if ((code = make_selection(cmd, b, run)) != 0)
        return code;
    if (b->eni_path && !(run->meta = load_meta(cmd, b->eni_path, &code)))
        return code;
    b->cfg.meta = run->meta;
    char serr[512];
    if (b->subnets_path &&
        !(run->subnets = fst_subnet_table_load(b->subnets_path, serr, sizeof serr))) {
        fprintf(stderr, "%s: --subnets %s\n", cmd, serr);
        return FST_EXIT_USAGE;
    }
    b->cfg.subnets = run->subnets;
    fst_reader_config rcfg = in->reader; /* parse threads too, unless --threads 1 */
    rcfg.threads = b->cfg.threads == 1 ? 1 : FST_READER_THREADS_AUTO;
    run->r = fst_reader_new(&rcfg);
    run->st = run->r ? fst_stitcher_new(&b->cfg) : NULL;
    if (!run->r || !run->st) {
        fprintf(stderr, "%s: out of memory\n", cmd);
        return FST_EXIT_FATAL;
    }
    return fst_cli_add_inputs(run->r, n, paths);
}

int fst_cli_build_selected(const fst_cli_build *run, const fst_session *s)
{
    return (!run->filter || fst_filter_match(run->filter, s)) &&
           fst_time_range_match(&run->range, s);
}

int fst_cli_build_push(const char *cmd, fst_cli_build *run, fst_session_cb cb, void *ud,
                       uint64_t written)
{
    const char *file;
    uint64_t line;
    const int rc = fst_stitcher_push_reader_stream(run->st, run->r, cb, ud, &file, &line);
    if (rc < 0 && file) {
        fprintf(stderr, "%s: %s:%" PRIu64 ": %s\n", cmd, file, line, fst_strerror(rc));
        return FST_EXIT_FATAL;
    }
    if (rc == FST_ESTRICT) {
        fprintf(stderr, written ? "%s: stopped by --strict; only the sessions already flushed "
                                  "were written\n"
                                : "%s: stopped by --strict; no sessions written\n",
                cmd);
        return FST_EXIT_STRICT;
    }
    if (rc < 0) {
        fprintf(stderr, "%s: %s\n", cmd, fst_strerror(rc));
        return FST_EXIT_FATAL;
    }
    return FST_EXIT_OK;
}

void fst_cli_build_close(fst_cli_build *run)
{
    if (run->st)
        fst_stitcher_free(run->st);
    if (run->r)
        fst_reader_free(run->r);
    fst_eni_table_free(run->meta);
    fst_subnet_table_free(run->subnets);
    fst_filter_free(run->filter);
    memset(run, 0, sizeof *run);
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

void fst_cli_session_summary(FILE *f, const fst_stitch_stats *st)
{
    fprintf(f, "flowstitch: %" PRIu64 " session%s (%" PRIu64 " NAT leg%s, %" PRIu64
               " incomplete) from %" PRIu64 " flow records joined",
            st->sessions, st->sessions == 1 ? "" : "s", st->nat_legs,
            st->nat_legs == 1 ? "" : "s", st->incomplete, st->records_joined);
    if (st->records_unusable)
        fprintf(f, "; %" PRIu64 " records without both addresses (or with protocol '-') not used", st->records_unusable);
    putc('\n', f);
    fputs("  by direction basis:", f);
    for (int b = 0; b < FST_BASIS_COUNT; b++)
        fprintf(f, "%s %s %" PRIu64, b ? "," : "", fst_direction_reason_name(b), st->by_basis[b]);
    fprintf(f, "\n  by observing ENIs: 1 ENI %" PRIu64 ", 2 ENIs %" PRIu64 ", 3 ENIs %" PRIu64
               ", 4+ ENIs %" PRIu64,
            st->by_enis[1], st->by_enis[2], st->by_enis[3], st->by_enis[4]);
    if (st->by_enis[0])
        fprintf(f, ", no interface-id field %" PRIu64, st->by_enis[0]);
    if (st->sessions && st->sessions_no_counts == st->sessions) {
        /* "0 summed" would read as no traffic */
        fputs("\n  bytes, packets: not logged (the format has neither field)", f);
    } else {
        fprintf(f, "\n  bytes: %" PRIu64 " summed over records, %" PRIu64 " counted once (",
                st->bytes_naive, st->bytes_counted);
        print_ratio(f, st->bytes_naive, st->bytes_counted);
        fprintf(f, ")\n  packets: %" PRIu64 " summed over records, %" PRIu64 " counted once (",
                st->packets_naive, st->packets_counted);
        print_ratio(f, st->packets_naive, st->packets_counted);
        putc(')', f);
        if (st->sessions_no_counts)
            fprintf(f, "; %" PRIu64 " session%s without packets or bytes logged",
                    st->sessions_no_counts, st->sessions_no_counts == 1 ? "" : "s");
    }
    fprintf(f, "\n  NODATA records %" PRIu64 ", SKIPDATA records %" PRIu64 "\n", st->nodata,
            st->skipdata);
    print_eni_windows(f, st);
}

void fst_cli_memcap_summary(FILE *f, const fst_stitch_stats *st)
{
    if (st->evictions)
        fprintf(f, "flowstitch: memory cap %" PRIu64 " MiB reached %" PRIu64 " time%s: %" PRIu64
                   " session%s evicted (written early; one may continue as a second "
                   "session), at most %" PRIu64 " MiB held\n",
                st->memcap >> 20, st->evictions, st->evictions == 1 ? "" : "s",
                st->sessions_evicted, st->sessions_evicted == 1 ? "" : "s",
                (st->held_bytes_peak + (1u << 20) - 1) >> 20);
}

void fst_cli_stream_summary(FILE *f, const fst_stitch_stats *st, uint32_t horizon)
{
    fprintf(f, "  streaming (horizon %" PRIu32 " s): %" PRIu64 " flush%s before the end, at most %" PRIu64
               " connection keys held at once, %" PRIu64 " settled windows folded, %" PRIu64
               " late record%s\n",
            horizon, st->flushes, st->flushes == 1 ? "" : "es", st->groups_held_peak,
            st->records_folded, st->records_late, st->records_late == 1 ? "" : "s");
}

/* Printed even with --quiet: late records may be split from their session. */
void fst_cli_warn_late(FILE *f, const fst_stitch_stats *st)
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
            ",\"bytes_counted\":%" PRIu64 ",\"sessions_no_counts\":%" PRIu64,
            st->by_enis[0], st->by_enis[1], st->by_enis[2], st->by_enis[3], st->by_enis[4],
            st->packets_naive, st->bytes_naive, st->packets_counted, st->bytes_counted,
            st->sessions_no_counts);
    fprintf(f,
            ",\"flushes\":%" PRIu64 ",\"records_late\":%" PRIu64 ",\"groups_held_peak\":%" PRIu64
            ",\"records_folded\":%" PRIu64 ",\"context_conflicts\":%" PRIu64
            ",\"memcap\":%" PRIu64 ",\"evictions\":%" PRIu64
            ",\"sessions_evicted\":%" PRIu64 ",\"held_bytes_peak\":%" PRIu64,
            st->flushes, st->records_late, st->groups_held_peak, st->records_folded,
            st->context_conflicts, st->memcap, st->evictions, st->sessions_evicted,
            st->held_bytes_peak);
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
int fst_cli_write_stats(const char *cmd, const char *path, const fst_reader *r,
                       const fst_stitch_stats *st, const char *eni_path, size_t n_meta,
                       uint64_t utf8_replaced)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "%s: --stats %s: cannot open: %s\n", cmd, path, strerror(errno));
        return -1;
    }
    putc('{', f);
    fst_cli_print_input_summary(r, 1, f);
    fst_cli_output_note(utf8_replaced, 1, f);
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
        fprintf(stderr, "%s: --stats %s: cannot write\n", cmd, path);
        return -1;
    }
    return 0;
}

int fst_cli_build_report(const char *cmd, const fst_cli_build *run, const fst_cli_build_opts *b,
                         const fst_cli_input_opts *in, const fst_stitch_stats *stats,
                         uint64_t utf8_replaced, int code)
{
    if (stats && !in->quiet && b->cfg.horizon)
        fst_cli_stream_summary(stderr, stats, b->cfg.horizon);
    if (stats) {
        fst_cli_warn_late(stderr, stats);
        fst_cli_memcap_summary(stderr, stats);
    }
    if (in->stats_path &&
        fst_cli_write_stats(cmd, in->stats_path, run->r, stats, b->eni_path,
                            fst_eni_table_count(run->meta), utf8_replaced) < 0 &&
        (code == FST_EXIT_OK || code == FST_EXIT_SKIPPED))
        code = FST_EXIT_FATAL;
    return code == FST_EXIT_OK ? fst_cli_input_exit_code(run->r) : code;
}
