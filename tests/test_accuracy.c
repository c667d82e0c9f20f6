/* tests/test_accuracy.c - the engine against ground truth, end to end:
 * flowgen invents a small VPC's connections and writes the records AWS
 * would deliver (S3 text with headers, and CloudWatch default-format
 * streams with ENI metadata), flowstitch rebuilds the sessions, and the
 * scorer compares them with the truth (docs/scoring.md).  The thresholds
 * are the acceptance bars (S3: recall >= 0.996, precision >= 0.998,
 * bytes within 0.2 %, direction >= 0.995; CloudWatch + metadata: precision
 * >= 0.98, bytes within 1 %), and the naive "one record = one session"
 * reading must score clearly worse on the same data. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <unistd.h>

#define BIN FST_BINARY_DIR
/* Each test runs in its own process (Criterion may run them in parallel):
 * its own work folder.  WORK expands to that folder in the commands. */
static char work[64];
#define WORK "@W"

/* Run a shell command; every WORK ("@W") in it becomes the work folder. */
static void sh(const char *tmpl)
{
    char cmd[2048];
    size_t n = 0;
    for (const char *p = tmpl; *p && n + sizeof work < sizeof cmd; p++) {
        if (p[0] == '@' && p[1] == 'W') {
            n += (size_t)snprintf(cmd + n, sizeof cmd - n, "%s", work);
            p++;
        } else {
            cmd[n++] = *p;
        }
    }
    cmd[n] = '\0';
    const int rc = system(cmd);
    cr_assert_eq(rc, 0, "command failed (%d): %s", rc, cmd);
}

/* Seeded: the same data every time. */
static void generate(void)
{
    snprintf(work, sizeof work, "/tmp/fst-accuracy-%ld", (long)getpid());
    sh("rm -rf " WORK " && mkdir -p " WORK);
    sh(BIN "/tools/flowgen/flowgen --out " WORK "/gen --seed 5 --connections 3000 "
           "--scenario small --quiet");
}

static void cleanup(void)
{
    sh("rm -rf " WORK);
}

/* The scorer's --json output, file name relative to the work folder. */
static json_t *overall(const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", work, name);
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e);
    cr_assert_not_null(root, "%s: %s", path, e.text);
    return root;
}

static double num(json_t *root, const char *group, const char *key)
{
    json_t *g = group ? json_object_get(root, group) : root;
    json_t *v = json_object_get(g, key);
    cr_assert(json_is_number(v), "%s.%s missing", group ? group : "", key);
    return json_number_value(v);
}

TestSuite(accuracy, .init = generate, .fini = cleanup, .timeout = 120);

Test(accuracy, s3_delivery)
{
    sh(BIN "/flowstitch sessions --quiet --stats " WORK "/s3.stats.json " WORK "/gen/s3 > " WORK
           "/s3.jsonl");
    sh(BIN "/tools/score/score -q --truth " WORK "/gen/truth.jsonl --sessions " WORK
           "/s3.jsonl --stats " WORK "/s3.stats.json --observable-only --json " WORK "/s3.score.json");
    json_t *r = overall("s3.score.json");
    cr_expect_geq(num(r, "overall", "recall"), 0.996);
    cr_expect_geq(num(r, "overall", "precision"), 0.998);
    cr_expect_leq(fabs(num(r, "overall", "bytes_ratio") - 1.0), 0.002);
    cr_expect_geq(num(r, "overall", "direction_accuracy"), 0.995);
    /* the double counting avoided is visible: raw records overcount */
    cr_expect_geq(num(r, NULL, "naive_ratio"), 1.3);
    json_decref(r);
}

Test(accuracy, cloudwatch_with_metadata)
{
    sh(BIN "/flowstitch sessions --quiet --eni-metadata " WORK "/gen/eni-metadata.json --stats " WORK
           "/cw.stats.json " WORK "/gen/cloudwatch > " WORK "/cw.jsonl");
    sh(BIN "/tools/score/score -q --truth " WORK "/gen/truth.jsonl --sessions " WORK
           "/cw.jsonl --stats " WORK "/cw.stats.json --observable-only --json " WORK "/cw.score.json");
    json_t *r = overall("cw.score.json");
    cr_expect_geq(num(r, "overall", "recall"), 0.96);
    cr_expect_geq(num(r, "overall", "precision"), 0.98);
    cr_expect_leq(fabs(num(r, "overall", "bytes_ratio") - 1.0), 0.01);
    json_decref(r);
}

/* The naive reading (every record a session) on the same CloudWatch data. */
Test(accuracy, naive_reading_scores_worse)
{
    sh(BIN "/tools/score/score naive -o " WORK "/naive.jsonl " WORK "/gen/cloudwatch");
    sh(BIN "/tools/score/score -q --truth " WORK "/gen/truth.jsonl --sessions " WORK
           "/naive.jsonl --observable-only --json " WORK "/naive.score.json");
    json_t *r = overall("naive.score.json");
    cr_expect_leq(num(r, "overall", "precision"), 0.5);
    cr_expect_geq(num(r, "overall", "bytes_ratio"), 1.3);
    json_decref(r);
}

/* Delivery order must not matter: the S3 objects given newest first give
 * byte-identical sessions (records of one connection sit in files
 * delivered minutes apart, in any order). */
Test(accuracy, output_independent_of_file_order)
{
    sh(BIN "/flowstitch sessions --quiet " WORK "/gen/s3 > " WORK "/fwd.jsonl");
    sh("find " WORK "/gen/s3 -name '*.gz' | sort -r | xargs " BIN "/flowstitch sessions --quiet > " WORK
       "/rev.jsonl");
    sh("cmp " WORK "/fwd.jsonl " WORK "/rev.jsonl");
    sh("test -s " WORK "/fwd.jsonl");
}

/* Streaming (--stream) over three hours of S3 delivery: the files are read
 * in the time order of their names, sessions are written as they close,
 * fewer 5-tuples are held at once than there are sessions, no record comes
 * late (S3 delivers within the 20-minute horizon), and the S3 bars still
 * hold. */
Test(accuracy, s3_streaming)
{
    sh(BIN "/tools/flowgen/flowgen --out " WORK "/long --seed 6 --connections 3000 "
           "--duration 10800 --delivery both --scenario small --quiet");
    sh(BIN "/flowstitch sessions --stream --quiet --stats " WORK "/st.stats.json " WORK
           "/long/s3 > " WORK "/st.jsonl");
    sh(BIN "/tools/score/score -q --truth " WORK "/long/truth.jsonl --sessions " WORK
           "/st.jsonl --stats " WORK "/st.stats.json --observable-only --json " WORK
           "/st.score.json");
    json_t *r = overall("st.score.json");
    cr_expect_geq(num(r, "overall", "recall"), 0.996);
    cr_expect_geq(num(r, "overall", "precision"), 0.998);
    cr_expect_leq(fabs(num(r, "overall", "bytes_ratio") - 1.0), 0.002);
    cr_expect_geq(num(r, "overall", "direction_accuracy"), 0.995);
    json_decref(r);
    json_t *st = overall("st.stats.json");
    json_t *ss = json_object_get(st, "sessions");
    cr_expect_geq(num(ss, NULL, "flushes"), 1);
    cr_expect_eq(num(ss, NULL, "records_late"), 0);
    cr_expect_gt(num(ss, NULL, "records_folded"), 0);
    cr_expect_lt(num(ss, NULL, "groups_held_peak"), num(ss, NULL, "sessions"));
    cr_expect_eq(num(ss, NULL, "records_joined"), num(ss, NULL, "records_in") -
                                                      num(ss, NULL, "nodata") -
                                                      num(ss, NULL, "skipdata"));
    json_decref(st);
    /* the same capture as CloudWatch streams (one file per ENI, each read
     * whole before the next: not in time order): records come late, and
     * that is said even with --quiet */
    sh(BIN "/flowstitch sessions --stream --quiet --stats " WORK "/cw.st.json " WORK
           "/long/cloudwatch > /dev/null 2> " WORK "/cw.st.err");
    sh("grep -q 'warning: [0-9]* flow records arrived after sessions' " WORK "/cw.st.err");
    json_t *cw = overall("cw.st.json");
    cr_expect_gt(num(json_object_get(cw, "sessions"), NULL, "records_late"), 0);
    json_decref(cw);
}
