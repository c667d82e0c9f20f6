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

/* The same records in other envelopes and orders give the same output,
 * byte for byte (docs/sessions.md "Order independence"):
 *   - the CloudWatch export files (one per ENI) with their metadata, vs
 *     every line of them shuffled (seeded: the truth file is the random
 *     source) into Firehose-delivered subscription JSON, 400 events per
 *     gzip'd object, objects back to back in one file;
 *   - the S3 tree vs its objects under other names, in other folders, in
 *     another order;
 *   - --stream over the S3 tree vs the same tree with the lines inside
 *     each object shuffled (the header first): the files still come in
 *     time order, so every record is within the horizon and the same
 *     sessions come out, with the same content.  Not byte for byte: a
 *     flush happens when the data's clock (the median end of the latest
 *     256 records, docs/sessions.md "Streaming") has moved on, and that
 *     moment moves with the line order inside a file, so the flush
 *     boundaries, hence the output order and the session_id values,
 *     differ (the engine before this work did the same).  Compared as
 *     sets: session_id removed, a nat_leg_of id replaced by a mark. */
Test(accuracy, output_independent_of_delivery)
{
    sh(BIN "/flowstitch sessions --quiet --eni-metadata " WORK "/gen/eni-metadata.json " WORK
           "/gen/cloudwatch > " WORK "/cw.a.jsonl");
    /* the awk program that wraps lines into subscription JSON objects */
    static const char fh_awk[] =
        "NR % 400 == 1 { if (f) { printf \"]}\" > f; close(f) } f = sprintf(\"%s/o%06d.json\", d, NR); printf \"{\\\"messageType\\\":\\\"DATA_MESSAGE\\\",\\\"owner\\\":\\\"123456789012\\\",\\\"logGroup\\\":\\\"vpc-flow\\\",\\\"logStream\\\":\\\"mixed\\\",\\\"subscriptionFilters\\\":[\\\"all\\\"],\\\"logEvents\\\":[\" > f; sep = \"\" }\n"
        "{ printf \"%s{\\\"id\\\":\\\"%d\\\",\\\"timestamp\\\":0,\\\"message\\\":\\\"%s\\\"}\", sep, NR, $0 > f; sep = \",\" }\n"
        "END { printf \"]}\" > f; close(f) }\n";
    char path[128];
    snprintf(path, sizeof path, "%s/fh.awk", work);
    FILE *af = fopen(path, "w");
    cr_assert_not_null(af);
    fputs(fh_awk, af);
    fclose(af);
    sh("mkdir -p " WORK "/fh " WORK "/fhd && cat " WORK "/gen/cloudwatch/* | shuf --random-source=" WORK
       "/gen/truth.jsonl | awk -v d=" WORK "/fh -f " WORK "/fh.awk && for f in " WORK
       "/fh/*.json; do gzip -c $f; done > " WORK "/fhd/firehose-1-2024-06-10-02-00-00-abcd.gz");
    sh(BIN "/flowstitch sessions --quiet --eni-metadata " WORK "/gen/eni-metadata.json " WORK
           "/fhd > " WORK "/cw.b.jsonl");
    sh("cmp " WORK "/cw.a.jsonl " WORK "/cw.b.jsonl && test -s " WORK "/cw.a.jsonl");
    /* S3 objects renamed into two folders, listed in shuffled order */
    sh(BIN "/flowstitch sessions --quiet " WORK "/gen/s3 > " WORK "/s3.a.jsonl");
    sh("mkdir -p " WORK "/ren/x " WORK "/ren/y && i=0 && for f in $(find " WORK "/gen/s3 -name '*.gz' | "
       "shuf --random-source=" WORK "/gen/truth.jsonl); do i=$((i+1)); cp $f " WORK
       "/ren/$([ $((i % 2)) = 0 ] && echo x || echo y)/part-$i.log.gz; done");
    sh(BIN "/flowstitch sessions --quiet " WORK "/ren > " WORK "/s3.b.jsonl");
    sh("cmp " WORK "/s3.a.jsonl " WORK "/s3.b.jsonl");
    /* --stream: lines shuffled inside each object */
    sh("cp -r " WORK "/gen/s3 " WORK "/s3shuf && for f in $(find " WORK "/s3shuf -name '*.gz'); do "
       "(zcat $f | head -1; zcat $f | tail -n +2 | shuf --random-source=" WORK
       "/gen/truth.jsonl) | gzip -1 > $f.t && mv $f.t $f; done");
    sh(BIN "/flowstitch sessions --stream --quiet " WORK "/gen/s3 > " WORK "/st.a.jsonl");
    sh(BIN "/flowstitch sessions --stream --quiet " WORK "/s3shuf > " WORK "/st.b.jsonl");
    sh("for x in a b; do sed -e 's/\"session_id\":[0-9]*,//' -e "
       "'s/\"nat_leg_of\":[0-9][0-9]*/\"nat_leg_of\":\"leg\"/' " WORK "/st.$x.jsonl | sort > " WORK
       "/st.$x.set; done && cmp " WORK "/st.a.set " WORK "/st.b.set && test -s " WORK "/st.a.set");
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

/* ---- phenomena the engine was not tuned to (docs/flowgen.md "Phenomena
 * mixes") ----
 *
 * Each case generates one phenomena mix (small VPC, 2000 arrivals, seed 5),
 * runs flowstitch on one delivery and scores it.  The floors are the
 * engine's level measured on this data (2026-12-02, build-rel flowstitch,
 * after session boundaries from tcp-flags evidence and NAT hops learned
 * from pkt-* substitution: docs/sessions.md) minus a small margin, so a
 * regression fails.  The CloudWatch floors (default format: no flags, no
 * pkt-*) are the old level: the gap rule there is a documented trade-off
 * ("What the default format cannot tell apart").  The per-tag numbers are
 * printed on stderr. */

static void phen_init(void)
{
    snprintf(work, sizeof work, "/tmp/fst-phen-%ld", (long)getpid());
    sh("rm -rf " WORK " && mkdir -p " WORK);
}

TestSuite(phenomena, .init = phen_init, .fini = cleanup, .timeout = 120);

/* flowgen --mix MIX, then flowstitch on DELIVERY ("s3", or "cloudwatch"
 * with the ENI metadata when flowgen wrote it), then score; returns the
 * scorer's JSON report. */
static json_t *score_mix(const char *mix, const char *delivery)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "test -d @W/%s || " BIN "/tools/flowgen/flowgen --out @W/%s --seed 5 --connections 2000 "
             "--scenario small --mix %s --quiet",
             mix, mix, mix);
    sh(cmd);
    snprintf(cmd, sizeof cmd,
             "m=; test -f @W/%s/eni-metadata.json && test %s = cloudwatch && m='--eni-metadata @W/%s/eni-metadata.json'; "
             BIN "/flowstitch sessions --quiet $m @W/%s/%s > @W/%s.%s.jsonl",
             mix, delivery, mix, mix, delivery, mix, delivery);
    sh(cmd);
    snprintf(cmd, sizeof cmd,
             BIN "/tools/score/score -q --truth @W/%s/truth.jsonl --sessions @W/%s.%s.jsonl "
                 "--observable-only --json @W/%s.%s.score.json",
             mix, mix, delivery, mix, delivery);
    sh(cmd);
    char name[96];
    snprintf(name, sizeof name, "%s.%s.score.json", mix, delivery);
    return overall(name);
}

/* The metrics of one tag, printed; the test fails when the tag is absent
 * (flowgen did not produce the phenomenon). */
static json_t *tag(json_t *r, const char *mix, const char *delivery, const char *name)
{
    json_t *g = json_object_get(json_object_get(r, "tags"), name);
    cr_assert_not_null(g, "%s %s: no truth tagged %s", mix, delivery, name);
    fprintf(stderr, "phenomena %s %s tag %s: truth %.0f recall %.4f precision %.4f bytes_ratio %.4f dir %.4f\n",
            mix, delivery, name, num(g, NULL, "truth"), num(g, NULL, "recall"), num(g, NULL, "precision"),
            num(g, NULL, "bytes_ratio"), num(g, NULL, "direction_accuracy"));
    return g;
}

/* Long-idle TCP: a silence of 15-40 min with no record, inside the range.
 * Measured S3: recall 1.0000, precision 1.0000 (was 0.4995 with the 660 s
 * idle cut), bytes 1.0000, overall 1.0000 / 1.0000; CloudWatch + metadata
 * (no flags: the 660 s gap rule): recall 0.9964, precision 0.5009. */
Test(phenomena, long_idle)
{
    json_t *r = score_mix("longlived", "s3");
    json_t *g = tag(r, "longlived", "s3", "long-idle");
    cr_expect_geq(num(g, NULL, "recall"), 0.995);
    cr_expect_geq(num(g, NULL, "precision"), 0.995);
    cr_expect_leq(fabs(num(g, NULL, "bytes_ratio") - 1.0), 0.002);
    cr_expect_geq(num(r, "overall", "recall"), 0.995);
    cr_expect_geq(num(r, "overall", "precision"), 0.995);
    json_decref(r);
    r = score_mix("longlived", "cloudwatch");
    g = tag(r, "longlived", "cloudwatch", "long-idle");
    cr_expect_geq(num(g, NULL, "recall"), 0.99);
    cr_expect_geq(num(g, NULL, "precision"), 0.48);
    json_decref(r);
}

/* Half-quiet UDP telemetry: the client sends every 2-15 s for 20-60 min,
 * the server answers only every 320-900 s, past the 300 s UDP idle
 * timeout.  The connection is never silent, so each is one session: an
 * idle rule that looked at one direction alone split every one of them
 * (precision 0.43 on both deliveries, seed 5: 6 truths, 14 sessions). */
Test(phenomena, half_quiet_udp)
{
    static const char *const dl[] = {"s3", "cloudwatch"};
    for (size_t i = 0; i < 2; i++) {
        json_t *r = score_mix("longlived", dl[i]);
        json_t *g = tag(r, "longlived", dl[i], "half-quiet");
        cr_expect_geq(num(g, NULL, "truth"), 3);
        cr_expect_geq(num(g, NULL, "recall"), 0.995);
        cr_expect_geq(num(g, NULL, "precision"), 0.995);
        cr_expect_leq(fabs(num(g, NULL, "bytes_ratio") - 1.0), 0.002);
        json_decref(r);
    }
}

/* Open before the range (no SYN logged) and after it (no FIN).  Measured
 * S3: open-at-start recall 1.0000 precision 1.0000 (was 0.7576);
 * open-at-end recall 1.0000 precision 1.0000 (was 0.7516); direction
 * 1.0000 for both.  Every truth opened before the range must come out as
 * a session flagged open_at_start: the sessions file has at least as many
 * such rows as the tag has truths (300 here). */
Test(phenomena, open_at_range_edges)
{
    json_t *r = score_mix("longlived", "s3");
    json_t *g = tag(r, "longlived", "s3", "open-at-start");
    cr_expect_geq(num(g, NULL, "recall"), 0.995);
    cr_expect_geq(num(g, NULL, "precision"), 0.995);
    cr_expect_geq(num(g, NULL, "direction_accuracy"), 0.99);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test $(grep -c '\"open_at_start\":true' @W/longlived.s3.jsonl) -ge %.0f",
             num(g, NULL, "truth"));
    sh(cmd);
    g = tag(r, "longlived", "s3", "open-at-end");
    cr_expect_geq(num(g, NULL, "recall"), 0.995);
    cr_expect_geq(num(g, NULL, "precision"), 0.995);
    json_decref(r);
}

/* Tight port reuse.  Measured S3: redial recall 0.9995 (was 0.9482),
 * same-window recall 0.9985 (0.8571), precision 1.0000, redial bytes
 * 0.9995 (1.0215: a window holding both dials no longer counts for the
 * first); overall 0.9996 / 1.0000.  CloudWatch + metadata (no flags):
 * redial recall 0.7224, same-window recall 0.7827. */
Test(phenomena, redial)
{
    json_t *r = score_mix("reuse", "s3");
    json_t *g = tag(r, "reuse", "s3", "redial");
    cr_expect_geq(num(g, NULL, "recall"), 0.99);
    cr_expect_geq(num(g, NULL, "precision"), 0.995);
    cr_expect_leq(fabs(num(g, NULL, "bytes_ratio") - 1.0), 0.005);
    g = tag(r, "reuse", "s3", "redial-same-window");
    cr_expect_geq(num(g, NULL, "recall"), 0.99);
    cr_expect_geq(num(r, "overall", "recall"), 0.99);
    cr_expect_geq(num(r, "overall", "precision"), 0.995);
    json_decref(r);
    r = score_mix("reuse", "cloudwatch");
    g = tag(r, "reuse", "cloudwatch", "redial");
    cr_expect_geq(num(g, NULL, "recall"), 0.70);
    g = tag(r, "reuse", "cloudwatch", "redial-same-window");
    cr_expect_geq(num(g, NULL, "recall"), 0.76);
    json_decref(r);
}

/* NAT gateway without instance-id and without ENI metadata.  Measured S3:
 * recall 1.0000, precision 1.0000, bytes_ratio 1.0000 (was 0.4990 and
 * 2.0000: both legs were sessions; now the outside leg is tied from the
 * pkt-* substitution); CloudWatch (no metadata, no pkt-*: nothing says
 * the ENI is a NAT): precision 0.6651, bytes 1.4755, the old level. */
Test(phenomena, nat_without_hints)
{
    json_t *r = score_mix("natnometa", "s3");
    sh("test ! -e @W/natnometa/eni-metadata.json");
    json_t *g = tag(r, "natnometa", "s3", "nat-nohint");
    cr_expect_geq(num(g, NULL, "recall"), 0.995);
    cr_expect_geq(num(g, NULL, "precision"), 0.995);
    cr_expect_leq(fabs(num(g, NULL, "bytes_ratio") - 1.0), 0.002);
    json_decref(r);
    r = score_mix("natnometa", "cloudwatch");
    g = tag(r, "natnometa", "cloudwatch", "nat-nohint");
    cr_expect_geq(num(g, NULL, "precision"), 0.64);
    cr_expect_leq(num(g, NULL, "bytes_ratio"), 1.50);
    json_decref(r);
}

/* The blend: every phenomenon with the usual mixed traffic.  Measured S3:
 * overall recall 0.9997 precision 1.0000 bytes 0.9993 direction 1.0000
 * (was 0.9951 / 0.9054 / 1.0850): the S3 bars; CloudWatch (no
 * metadata: --nat-nohint): recall 0.9677 precision 0.8578 bytes 1.1117,
 * the old level. */
Test(phenomena, independent_blend)
{
    json_t *r = score_mix("independent", "s3");
    static const char *const tags[] = {"long-idle", "open-at-start", "open-at-end", "redial",
                                       "redial-same-window", "nat-nohint", "half-quiet"};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        tag(r, "independent", "s3", tags[i]);
    cr_expect_geq(num(r, "overall", "recall"), 0.996);
    cr_expect_geq(num(r, "overall", "precision"), 0.998);
    cr_expect_leq(fabs(num(r, "overall", "bytes_ratio") - 1.0), 0.002);
    cr_expect_geq(num(r, "overall", "direction_accuracy"), 0.995);
    json_decref(r);
    r = score_mix("independent", "cloudwatch");
    cr_expect_geq(num(r, "overall", "recall"), 0.95);
    cr_expect_geq(num(r, "overall", "precision"), 0.84);
    cr_expect_leq(num(r, "overall", "bytes_ratio"), 1.13);
    json_decref(r);
}
