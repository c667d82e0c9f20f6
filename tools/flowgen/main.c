/* tools/flowgen/main.c - the flowgen command line.
 *
 * Owns: argv parsing, the --records calibration (two dry runs, no output),
 * timing report on stderr.  The model lives in flowgen_core (fg.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fg.h"

static void usage(FILE *o)
{
    fputs("usage: flowgen --out DIR [options]\n"
          "Writes simulated AWS VPC Flow Logs and their ground truth (docs/flowgen.md).\n"
          "\n"
          "  --out DIR            output directory (created)\n"
          "  --seed N             PRNG seed (default 1); same seed, same bytes\n"
          "  --connections N      connection arrivals (default 20000)\n"
          "  --records N          aim for about N log lines instead (calibrated)\n"
          "  --duration S         logged range in seconds (default 3600)\n"
          "  --start UNIX         first second of the range (default 1718000100)\n"
          "  --mix NAME           mixed|tcp|udp|nat|reject, or a phenomena mix:\n"
          "                       longlived|reuse|natnometa|independent (docs/flowgen.md)\n"
          "  --nat-nohint         S3 formats without instance-id, no eni-metadata.json\n"
          "  --delivery D         s3|cloudwatch|both (default both)\n"
          "  --scenario NAME      small|mixed VPC (default mixed)\n"
          "  --skip-rate P        share of busy windows turned SKIPDATA (default 0.002)\n"
          "  --late-rate P        share of S3 records delivered late (default 0.05)\n"
          "  --gzip-level N       1..9 (default 1)\n"
          "  --quiet              no summary on stderr\n"
          "  --help\n"
          "\n"
          "Writes DIR/cloudwatch/<eni>.log, DIR/s3/AWSLogs/..., DIR/eni-metadata.json,\n"
          "DIR/truth.jsonl and DIR/manifest.json.\n",
          o);
}

typedef struct opts {
    fg_config cfg;
    const char *out, *scenario;
    int deliver, level, quiet;
    unsigned long long records;
} opts;

static int need(int i, int argc, const char *name)
{
    if (i + 1 >= argc) {
        fprintf(stderr, "flowgen: %s needs a value\n", name);
        return 0;
    }
    return 1;
}

static int parse_num(const char *s, const char *name, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (*s == 0 || *end != 0 || v < 0) {
        fprintf(stderr, "flowgen: bad value for %s: %s\n", name, s);
        return 0;
    }
    *out = v;
    return 1;
}

static int parse_args(int argc, char **argv, opts *o)
{
    fg_config_init(&o->cfg);
    o->scenario = "mixed";
    o->deliver = FG_DELIVER_S3 | FG_DELIVER_CW;
    o->level = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        double v = 0;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
        } else if (strcmp(a, "--nat-nohint") == 0) {
            o->cfg.nat_nohint = 1;
        } else if (!need(i, argc, a)) {
            return 0;
        } else if (strcmp(a, "--out") == 0) {
            o->out = argv[++i];
        } else if (strcmp(a, "--scenario") == 0) {
            o->scenario = argv[++i];
        } else if (strcmp(a, "--mix") == 0) {
            o->cfg.mix = fg_mix_parse(argv[++i]);
            if (o->cfg.mix < 0) {
                fprintf(stderr, "flowgen: unknown mix %s\n", argv[i]);
                return 0;
            }
        } else if (strcmp(a, "--delivery") == 0) {
            const char *d = argv[++i];
            o->deliver = strcmp(d, "s3") == 0 ? FG_DELIVER_S3 : strcmp(d, "cloudwatch") == 0 ? FG_DELIVER_CW
                       : strcmp(d, "both") == 0 ? FG_DELIVER_S3 | FG_DELIVER_CW : 0;
            if (!o->deliver) {
                fprintf(stderr, "flowgen: unknown delivery %s\n", d);
                return 0;
            }
        } else if (!parse_num(argv[i + 1], a, &v)) {
            return 0;
        } else {
            i++;
            if (strcmp(a, "--seed") == 0)
                o->cfg.seed = strtoull(argv[i], NULL, 10);
            else if (strcmp(a, "--connections") == 0)
                o->cfg.connections = (uint64_t)v;
            else if (strcmp(a, "--records") == 0)
                o->records = (unsigned long long)v;
            else if (strcmp(a, "--duration") == 0)
                o->cfg.duration = (int64_t)v;
            else if (strcmp(a, "--start") == 0)
                o->cfg.t0 = (int64_t)v;
            else if (strcmp(a, "--skip-rate") == 0)
                o->cfg.skip_rate = v;
            else if (strcmp(a, "--late-rate") == 0)
                o->cfg.late_rate = v;
            else if (strcmp(a, "--gzip-level") == 0)
                o->level = (int)v;
            else {
                fprintf(stderr, "flowgen: unknown option %s\n", a);
                return 0;
            }
        }
    }
    if (o->cfg.mix == FG_MIX_NATNOMETA || o->cfg.mix == FG_MIX_INDEPENDENT)
        o->cfg.nat_nohint = 1;
    if (!o->out) {
        fprintf(stderr, "flowgen: --out DIR is required (see --help)\n");
        return 0;
    }
    if (o->cfg.duration <= 0 || o->level < 1 || o->level > 9) {
        fprintf(stderr, "flowgen: --duration must be > 0 and --gzip-level 1..9\n");
        return 0;
    }
    return 1;
}

/* ---- --records calibration: lines = a + b * connections ---- */

static void count_line(void *ctx, const fg_line *l)
{
    (void)l;
    ++*(unsigned long long *)ctx;
}

static unsigned long long dry_run(const opts *o, uint64_t conns)
{
    fg_config cfg = o->cfg;
    cfg.connections = conns;
    fg_model *m = fg_model_new(&cfg);
    unsigned long long n = 0;
    fg_sink s = {&n, count_line, NULL};
    if (!m || fg_build_scenario(m, o->scenario) != 0) {
        fg_model_free(m);
        return 0;
    }
    fg_run(m, &s);
    fg_model_free(m);
    return n;
}

static uint64_t calibrate(const opts *o)
{
    const uint64_t n1 = 2000, n2 = 20000;
    double l1 = (double)dry_run(o, n1), l2 = (double)dry_run(o, n2);
    double b = (l2 - l1) / (double)(n2 - n1), a = l1 - b * (double)n1;
    if (b <= 0)
        return n2;
    double n = ((double)o->records - a) / b;
    return n < 1 ? 1 : (uint64_t)n;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* timing report only, never data */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    opts o;
    memset(&o, 0, sizeof o);
    if (!parse_args(argc, argv, &o)) {
        usage(stderr);
        return 2;
    }
    double t_start = now_s();
    if (o.records)
        o.cfg.connections = calibrate(&o);
    fg_model *m = fg_model_new(&o.cfg);
    if (!m || fg_build_scenario(m, o.scenario) != 0) {
        fprintf(stderr, "flowgen: unknown scenario %s (small|mixed)\n", o.scenario);
        fg_model_free(m);
        return 2;
    }
    fg_files *f = fg_files_open(m, o.out, o.deliver, o.level, o.scenario);
    if (!f) {
        fg_model_free(m);
        return 1;
    }
    fg_sink sink = fg_files_sink(f);
    double t_gen = now_s();
    fg_run(m, &sink);
    fg_counts n;
    int rc = fg_files_close(f, &n);
    double t_end = now_s();
    fg_model_free(m);
    if (!o.quiet) {
        unsigned long long lines = n.ok + n.nodata + n.skipdata;
        fprintf(stderr,
                "flowgen: %llu connections, %llu lines (%llu OK, %llu NODATA, %llu SKIPDATA), %llu S3 files "
                "(%llu late records), %llu CloudWatch streams\n",
                (unsigned long long)n.truths, lines, (unsigned long long)n.ok, (unsigned long long)n.nodata,
                (unsigned long long)n.skipdata, (unsigned long long)n.s3_files, (unsigned long long)n.s3_late,
                (unsigned long long)n.cw_files);
        fprintf(stderr, "flowgen: %.2f s (calibration %.2f s), %.0f lines/s\n", t_end - t_start, t_gen - t_start,
                (double)lines / (t_end - t_gen));
    }
    return rc == 0 ? 0 : 1;
}
