/* tests/test_score.c - the accuracy scorer (tools/score, library score_core).
 *
 * Every expected number below is worked out by hand in the comment above
 * it, from the matching rule and metric definitions of docs/scoring.md.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "score.h"

#define EPS 1e-9

static score_run *run_of(const char *truth, const char *sessions)
{
    char err[256] = "";
    score_run *r = score_run_new();
    cr_assert_not_null(r);
    cr_assert_eq(score_load_truth_str(r, truth, err, sizeof err), 0, "truth: %s", err);
    cr_assert_eq(score_load_sessions_str(r, sessions, err, sizeof err), 0, "sessions: %s", err);
    cr_assert_eq(score_compute(r), 0);
    return r;
}

/* ------------------------------------------------------------------ */
/* A mixed run: a correct session, a reversed and split one, a lagging
 * unknown-direction one, a missed connection and a stray session.
 *
 * T1 tcp 10.0.0.1:40001 -> 10.0.0.2:443 [1000,1100] 1000/5000 web {two-eni}
 * T2 tcp 10.0.0.3:40002 -> 10.0.0.4:22  [1000,1500]  200/300  ssh {two-eni,long}
 * T3 udp 10.0.0.5:5353  -> 10.0.0.6:53  [2000,2001]  100/100  dns {}
 * T4 tcp 10.0.0.7:40003 -> 10.0.0.8:80  [3000,3060]  400/600  web {}  (no session)
 *
 * S1 = T1 exactly, tcp-flags.                        error 0, direction right
 * S2 = T2 reversed (client 10.0.0.4:22), port, [1000,1200], c2s 300 s2c 150:
 *      overlap 200; bytes sent by 10.0.0.4 300 (truth 300), by 10.0.0.3 150
 *      (truth 200): error 50; direction wrong.
 * S3 = T2's tail [1400,1500] 50/0, tcp-flags: overlap 100 < 200, unmatched,
 *      attributed to T2 (class ssh) -> T2 is split.
 * S4 = T3 with basis unknown at [2030,2060] (lag inside the 120 s slack).
 * S5 = 192.168.1.1:1234 -> 192.168.1.2:80, no truth at all, 999 bytes.
 */
static const char mixed_truth[] =
    "{\"conn_id\":\"T1\",\"proto\":6,\"client_addr\":\"10.0.0.1\",\"client_port\":40001,"
    "\"server_addr\":\"10.0.0.2\",\"server_port\":443,\"start\":1000,\"end\":1100,"
    "\"c2s_packets\":5,\"c2s_bytes\":1000,\"s2c_packets\":6,\"s2c_bytes\":5000,"
    "\"class\":\"web\",\"tags\":[\"two-eni\"],\"enis\":[],\"handshake_logged\":true}\n"
    "{\"conn_id\":\"T2\",\"proto\":\"tcp\",\"client_addr\":\"10.0.0.3\",\"client_port\":40002,"
    "\"server_addr\":\"10.0.0.4\",\"server_port\":22,\"start\":1000,\"end\":1500,"
    "\"c2s_bytes\":200,\"s2c_bytes\":300,\"class\":\"ssh\",\"tags\":[\"two-eni\",\"long\"]}\n"
    "\n"
    "{\"conn_id\":\"T3\",\"proto\":17,\"client_addr\":\"10.0.0.5\",\"client_port\":5353,"
    "\"server_addr\":\"10.0.0.6\",\"server_port\":53,\"start\":2000,\"end\":2001,"
    "\"c2s_bytes\":100,\"s2c_bytes\":100,\"class\":\"dns\",\"tags\":[]}\n"
    "{\"conn_id\":\"T4\",\"proto\":6,\"client_addr\":\"10.0.0.7\",\"client_port\":40003,"
    "\"server_addr\":\"10.0.0.8\",\"server_port\":80,\"start\":3000,\"end\":3060,"
    "\"c2s_bytes\":400,\"s2c_bytes\":600,\"class\":\"web\",\"tags\":[]}\n";

static const char mixed_sessions[] =
    "{\"session_id\":1,\"proto\":6,\"client_addr\":\"10.0.0.1\",\"client_port\":40001,"
    "\"server_addr\":\"10.0.0.2\",\"server_port\":443,\"first_seen\":1000,\"last_seen\":1100,"
    "\"c2s_bytes\":1000,\"s2c_bytes\":5000,\"direction_basis\":\"tcp-flags\",\"nat_leg_of\":null}\n"
    "{\"session_id\":2,\"proto\":6,\"client_addr\":\"10.0.0.4\",\"client_port\":22,"
    "\"server_addr\":\"10.0.0.3\",\"server_port\":40002,\"first_seen\":1000,\"last_seen\":1200,"
    "\"c2s_bytes\":300,\"s2c_bytes\":150,\"direction_basis\":\"port\",\"nat_leg_of\":null}\n"
    "{\"session_id\":3,\"proto\":6,\"client_addr\":\"10.0.0.3\",\"client_port\":40002,"
    "\"server_addr\":\"10.0.0.4\",\"server_port\":22,\"first_seen\":1400,\"last_seen\":1500,"
    "\"c2s_bytes\":50,\"s2c_bytes\":0,\"direction_basis\":\"tcp-flags\",\"nat_leg_of\":null}\n"
    "{\"session_id\":4,\"proto\":17,\"client_addr\":\"10.0.0.5\",\"client_port\":5353,"
    "\"server_addr\":\"10.0.0.6\",\"server_port\":53,\"first_seen\":2030,\"last_seen\":2060,"
    "\"c2s_bytes\":100,\"s2c_bytes\":100,\"direction_basis\":\"unknown\",\"nat_leg_of\":null}\n"
    "{\"session_id\":5,\"proto\":6,\"client_addr\":\"192.168.1.1\",\"client_port\":1234,"
    "\"server_addr\":\"192.168.1.2\",\"server_port\":80,\"first_seen\":5000,\"last_seen\":5010,"
    "\"c2s_bytes\":999,\"s2c_bytes\":0,\"direction_basis\":\"tcp-flags\",\"nat_leg_of\":null}\n";

Test(score, mixed_overall)
{
    score_run *r = run_of(mixed_truth, mixed_sessions);
    const score_metrics *m = score_overall(r);
    cr_expect_eq(m->truth, 4);
    cr_expect_eq(m->sessions, 5);
    cr_expect_eq(m->matched, 3); /* T1-S1, T2-S2, T3-S4 */
    cr_expect_float_eq(m->recall, 3.0 / 4.0, EPS);
    cr_expect_float_eq(m->precision, 3.0 / 5.0, EPS);
    cr_expect_eq(m->split, 1);  /* T2: S2 and S3 */
    cr_expect_eq(m->merged, 0);
    cr_expect_eq(m->dir_known, 2); /* S1, S2; S4 is unknown */
    cr_expect_eq(m->dir_correct, 1);
    cr_expect_float_eq(m->direction_accuracy, 0.5, EPS);
    cr_expect_float_eq(m->direction_coverage, 2.0 / 3.0, EPS);
    /* matched truth bytes 6000 + 500 + 200; error 0 + 50 + 0 */
    cr_expect_eq(m->matched_truth_bytes, 6700);
    cr_expect_eq(m->byte_abs_err, 50);
    cr_expect_float_eq(m->byte_error, 50.0 / 6700.0, EPS);
    /* engine 6000 + 450 + 50 + 200 + 999; truth 6000 + 500 + 200 + 1000 */
    cr_expect_eq(m->engine_bytes, 7699);
    cr_expect_eq(m->truth_bytes, 7700);
    cr_expect_float_eq(m->bytes_ratio, 7699.0 / 7700.0, EPS);
    cr_expect(isnan(score_naive_ratio(r)), "no records bytes given");
    cr_expect_str_eq(score_session_match(r, 1), "T1");
    cr_expect_str_eq(score_session_match(r, 2), "T2");
    cr_expect_null(score_session_match(r, 3));
    cr_expect_str_eq(score_session_match(r, 4), "T3");
    cr_expect_null(score_session_match(r, 5));
    score_run_free(r);
}

Test(score, mixed_per_class_and_tag)
{
    score_run *r = run_of(mixed_truth, mixed_sessions);
    /* classes sorted first (dns, ssh, web), then tags (long, two-eni) */
    cr_assert_eq(score_group_count(r), 5);
    cr_expect_str_eq(score_group_at(r, 0)->name, "dns");
    cr_expect_str_eq(score_group_at(r, 2)->name, "web");
    cr_expect_str_eq(score_group_at(r, 3)->kind, "tag");
    cr_expect_str_eq(score_group_at(r, 3)->name, "long");

    const score_group *web = score_find_group(r, "class", "web");
    cr_assert_not_null(web);
    cr_expect_eq(web->m.truth, 2);    /* T1, T4 */
    cr_expect_eq(web->m.sessions, 1); /* S1 */
    cr_expect_float_eq(web->m.recall, 0.5, EPS);
    cr_expect_float_eq(web->m.precision, 1.0, EPS);
    cr_expect_eq(web->m.truth_bytes, 7000);
    cr_expect_float_eq(web->m.bytes_ratio, 6000.0 / 7000.0, EPS);

    const score_group *ssh = score_find_group(r, "class", "ssh");
    cr_assert_not_null(ssh);
    cr_expect_eq(ssh->m.sessions, 2); /* S2 matched, S3 attributed */
    cr_expect_float_eq(ssh->m.precision, 0.5, EPS);
    cr_expect_eq(ssh->m.split, 1);
    cr_expect_float_eq(ssh->m.direction_accuracy, 0.0, EPS);
    cr_expect_float_eq(ssh->m.byte_error, 50.0 / 500.0, EPS);

    const score_group *dns = score_find_group(r, "class", "dns");
    cr_assert_not_null(dns);
    cr_expect_float_eq(dns->m.direction_coverage, 0.0, EPS);
    cr_expect(isnan(dns->m.direction_accuracy), "no known direction in dns");

    const score_group *two = score_find_group(r, "tag", "two-eni");
    cr_assert_not_null(two);
    cr_expect_eq(two->m.truth, 2);    /* T1, T2 */
    cr_expect_eq(two->m.sessions, 3); /* S1, S2, S3 */
    cr_expect_float_eq(two->m.precision, 2.0 / 3.0, EPS);
    cr_expect_null(score_find_group(r, "tag", "web"));
    score_run_free(r);
}

Test(score, thresholds)
{
    score_run *r = run_of(mixed_truth, mixed_sessions);
    score_thresholds th;
    score_thresholds_init(&th);
    cr_expect_eq(score_check(r, &th, NULL), 0, "nothing set, nothing fails");
    th.min_recall = 0.8;      /* 0.75: fails */
    th.min_precision = 0.6;   /* 0.6: passes (>=) */
    th.max_byte_error = 0.001; /* 0.0075: fails */
    th.min_direction = 0.5;   /* 0.5: passes */
    cr_expect_eq(score_check(r, &th, NULL), 2);
    th.min_recall = 0.75;
    th.max_byte_error = 0.01;
    cr_expect_eq(score_check(r, &th, NULL), 0);
    th.min_direction = 0.51;
    cr_expect_eq(score_check(r, &th, NULL), 1);
    score_run_free(r);
}

/* T1 says "enis": [] (no logged ENI saw it): --observable-only drops it, so
 * truth 3 (T2, T3, T4), matched 2 (T2-S2, T3-S4): recall 2/3; S1 no longer
 * has a truth: precision 2/5. */
Test(score, observable_only)
{
    char err[256] = "";
    score_run *r = score_run_new();
    score_set_observable_only(r, 1);
    cr_assert_eq(score_load_truth_str(r, mixed_truth, err, sizeof err), 0, "%s", err);
    cr_assert_eq(score_load_sessions_str(r, mixed_sessions, err, sizeof err), 0, "%s", err);
    cr_assert_eq(score_compute(r), 0);
    cr_expect_eq(score_overall(r)->truth, 3);
    cr_expect_float_eq(score_overall(r)->recall, 2.0 / 3.0, EPS);
    cr_expect_float_eq(score_overall(r)->precision, 2.0 / 5.0, EPS);
    json_t *j = score_report_json(r);
    cr_expect_eq(json_integer_value(json_object_get(j, "truth_excluded")), 1);
    json_decref(j);
    score_run_free(r);
}

/* ------------------------------------------------------------------ */
/* Naive baseline: one connection logged at both ENIs in one window gives
 * four records (fixtures/score/README.md).  One record = one session, so:
 * 4 candidate sessions for 1 truth -> recall 1, precision 1/4, split 1;
 * all four tie (overlap [1005,1050] = 45, start diff 5) so the first in
 * input order, the A->B record at eni-aaaa1111 (c2s 1000, s2c 0), wins:
 * byte error (|1000-1000| + |0-3000|) / 4000 = 0.75; engine bytes
 * 2 x 1000 + 2 x 3000 = 8000 = 2.0 x truth; direction unknown throughout. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    char *buf = calloc(1, 1 << 16);
    cr_assert_not_null(buf);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static char *naive_of(const char *path, score_naive *nv)
{
    char *out = NULL, err[256] = "";
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    cr_assert_not_null(mem);
    score_naive_init(nv);
    cr_assert_eq(score_naive_path(nv, path, mem, err, sizeof err), 0, "%s", err);
    fclose(mem);
    return out;
}

Test(score, naive_four_records)
{
    score_naive nv;
    char *sessions = naive_of(FST_SOURCE_DIR "/fixtures/score/four-records.log", &nv);
    cr_expect_eq(nv.records, 4);
    cr_expect_eq(nv.skipped, 1, "the NODATA record");
    cr_expect_eq(nv.bad, 0);
    cr_expect_eq(nv.bytes, 8000);

    char *truth = slurp(FST_SOURCE_DIR "/fixtures/score/four-records.truth.jsonl");
    score_run *r = score_run_new();
    char err[256] = "";
    cr_assert_eq(score_load_truth_str(r, truth, err, sizeof err), 0, "%s", err);
    cr_assert_eq(score_load_sessions_str(r, sessions, err, sizeof err), 0, "%s", err);
    score_set_records_bytes(r, nv.bytes);
    cr_assert_eq(score_compute(r), 0);
    const score_metrics *m = score_overall(r);
    cr_expect_eq(m->sessions, 4);
    cr_expect_float_eq(m->recall, 1.0, EPS);
    cr_expect_float_eq(m->precision, 0.25, EPS);
    cr_expect_eq(m->split, 1);
    cr_expect_eq(m->merged, 0);
    cr_expect_float_eq(m->bytes_ratio, 2.0, EPS);
    cr_expect_float_eq(score_naive_ratio(r), 2.0, EPS);
    cr_expect_float_eq(m->byte_error, 0.75, EPS);
    cr_expect_float_eq(m->direction_coverage, 0.0, EPS);
    cr_expect(isnan(m->direction_accuracy));
    cr_expect_str_eq(score_session_match(r, 1), "1");
    score_run_free(r);
    free(truth);
    free(sessions);
}

/* A header line sets the layout; "${x}" and "x_y" spellings both work; a
 * CloudWatch export prefix is dropped; SKIPDATA and '#' lines are skipped. */
Test(score, naive_header_and_lines)
{
    score_naive nv;
    score_naive_init(&nv);
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    const char *lines[] = {
        "${version} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${bytes} "
        "${packets} ${start} ${end} ${tcp_flags} ${log-status}",
        "# a comment",
        "5 2001:db8::1 2001:DB8::2 5000 53 17 77 1 100 160 - OK",
        "5 - - - - - - - 100 160 - SKIPDATA",
        "5 10.0.0.1 10.0.0.2 99999 53 17 1 1 100 160 - OK", /* port out of range */
    };
    int expect[] = {0, 0, 1, 0, -1};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        cr_expect_eq(score_naive_line(&nv, lines[i], strlen(lines[i]), mem), expect[i],
                     "line %zu", i);
    fclose(mem);
    cr_expect_eq(nv.records, 1);
    cr_expect_eq(nv.bytes, 77, "bytes column before packets in this header");
    cr_expect_eq(nv.bad, 1);
    cr_expect(strstr(out, "\"client_addr\":\"2001:db8::1\"") != NULL, "%s", out);
    cr_expect(strstr(out, "\"server_addr\":\"2001:db8::2\"") != NULL, "%s", out);
    cr_expect(strstr(out, "\"c2s_bytes\":77,") != NULL, "%s", out);
    cr_expect(strstr(out, "\"direction_basis\":\"unknown\"") != NULL, "%s", out);
    free(out);

    score_naive_init(&nv);
    const char *cw = "2019-08-26T19:47:55.000Z 2 123456789010 eni-1 10.0.0.1 10.0.0.2 "
                     "40000 443 6 3 300 1566848875 1566848933 ACCEPT OK";
    cr_expect_eq(score_naive_line(&nv, cw, strlen(cw), NULL), 1);
    cr_expect_eq(nv.bytes, 300);
}

/* ------------------------------------------------------------------ */
/* Port reuse: two truth connections on the same 5-tuple at different times.
 * U1 [1000,1010] 100/200 and U2 [2000,2010] 300/400. */
static const char reuse_truth[] =
    "{\"conn_id\":\"U1\",\"proto\":6,\"client_addr\":\"10.0.0.1\",\"client_port\":50000,"
    "\"server_addr\":\"10.0.0.2\",\"server_port\":443,\"start\":1000,\"end\":1010,"
    "\"c2s_bytes\":100,\"s2c_bytes\":200,\"class\":\"web\"}\n"
    "{\"conn_id\":\"U2\",\"proto\":6,\"client_addr\":\"10.0.0.1\",\"client_port\":50000,"
    "\"server_addr\":\"10.0.0.2\",\"server_port\":443,\"start\":2000,\"end\":2010,"
    "\"c2s_bytes\":300,\"s2c_bytes\":400,\"class\":\"web\"}\n";

#define REUSE_SESSION(id, first, last, c2s, s2c)                                              \
    "{\"session_id\":" #id ",\"proto\":6,\"client_addr\":\"10.0.0.1\",\"client_port\":50000," \
    "\"server_addr\":\"10.0.0.2\",\"server_port\":443,\"first_seen\":" #first                 \
    ",\"last_seen\":" #last ",\"c2s_bytes\":" #c2s ",\"s2c_bytes\":" #s2c                    \
    ",\"direction_basis\":\"tcp-flags\",\"nat_leg_of\":null}\n"

Test(score, port_reuse_one_to_one)
{
    /* listed late-first so that input order cannot explain the pairing */
    score_run *r = run_of(reuse_truth, REUSE_SESSION(7, 2000, 2010, 300, 400)
                                           REUSE_SESSION(8, 1000, 1010, 100, 200));
    const score_metrics *m = score_overall(r);
    cr_expect_str_eq(score_session_match(r, 7), "U2");
    cr_expect_str_eq(score_session_match(r, 8), "U1");
    cr_expect_float_eq(m->recall, 1.0, EPS);
    cr_expect_float_eq(m->precision, 1.0, EPS);
    cr_expect_eq(m->split, 0);
    cr_expect_eq(m->merged, 0);
    cr_expect_eq(m->byte_abs_err, 0);
    score_run_free(r);
}

Test(score, port_reuse_merged)
{
    /* One session over both: overlap with U1 = 10 and with U2 = 10, start
     * difference 0 vs 1000, so it pairs with U1; U2 stays unmatched, and the
     * session has two free-or-own candidates -> merged.  Error
     * |400-100| + |600-200| = 700 over U1's 300 bytes. */
    score_run *r = run_of(reuse_truth, REUSE_SESSION(1, 1000, 2010, 400, 600));
    const score_metrics *m = score_overall(r);
    cr_expect_str_eq(score_session_match(r, 1), "U1");
    cr_expect_float_eq(m->recall, 0.5, EPS);
    cr_expect_float_eq(m->precision, 1.0, EPS);
    cr_expect_eq(m->merged, 1);
    cr_expect_eq(m->split, 0);
    cr_expect_float_eq(m->byte_error, 700.0 / 300.0, EPS);
    cr_expect_float_eq(m->bytes_ratio, 1000.0 / 1000.0, EPS);
    score_run_free(r);
}

Test(score, port_reuse_within_slack)
{
    /* U1 [1000,1010], U2' [1100,1110]: each session is a candidate of both
     * truths (100 s apart < 2 x 120 s slack), but each candidate beyond the
     * own pair is taken, so neither split nor merged. */
    static const char truth[] =
        "{\"conn_id\":\"U1\",\"proto\":6,\"client_addr\":\"10.0.0.1\",\"client_port\":50000,"
        "\"server_addr\":\"10.0.0.2\",\"server_port\":443,\"start\":1000,\"end\":1010}\n"
        "{\"conn_id\":\"U2\",\"proto\":6,\"client_addr\":\"10.0.0.1\",\"client_port\":50000,"
        "\"server_addr\":\"10.0.0.2\",\"server_port\":443,\"start\":1100,\"end\":1110}\n";
    score_run *r = run_of(truth, REUSE_SESSION(1, 1100, 1110, 0, 0)
                                     REUSE_SESSION(2, 1000, 1010, 0, 0));
    const score_metrics *m = score_overall(r);
    cr_expect_str_eq(score_session_match(r, 1), "U2");
    cr_expect_str_eq(score_session_match(r, 2), "U1");
    cr_expect_eq(m->split, 0);
    cr_expect_eq(m->merged, 0);
    score_run_free(r);
}

/* ------------------------------------------------------------------ */
/* Inseparable connections ("log_merged_into", docs/scoring.md).  The
 * fixture reuse-merged: conn 11 [1000,1003] c2s 2 pk/100 B, s2c 3 pk/200 B;
 * conn 12 [1020,1022] 4 pk/300 B, 5 pk/400 B, log_merged_into 11 (the
 * integer form flowgen writes); one session [1000,1022] 400/600 B. */

static score_run *run_fold(const char *truth, const char *sessions, int fold)
{
    char err[256] = "";
    score_run *r = score_run_new();
    cr_assert_not_null(r);
    score_set_fold(r, fold);
    cr_assert_eq(score_load_truth_str(r, truth, err, sizeof err), 0, "truth: %s", err);
    cr_assert_eq(score_load_sessions_str(r, sessions, err, sizeof err), 0, "sessions: %s", err);
    cr_assert_eq(score_compute(r), 0);
    return r;
}

Test(score, log_merged_folded)
{
    char *t = slurp(FST_SOURCE_DIR "/fixtures/score/reuse-merged.truth.jsonl");
    char *s = slurp(FST_SOURCE_DIR "/fixtures/score/reuse-merged.sessions.jsonl");
    /* folded: one truth [1000,1022], c2s 400, s2c 600 = the session. */
    score_run *r = run_fold(t, s, 1);
    const score_metrics *m = score_overall(r);
    cr_expect_eq(score_folded(r), 1);
    cr_expect_eq(m->truth, 1);
    cr_expect_eq(m->matched, 1);
    cr_expect_float_eq(m->recall, 1.0, EPS);
    cr_expect_float_eq(m->precision, 1.0, EPS);
    cr_expect_eq(m->merged, 0);
    cr_expect_eq(m->split, 0);
    cr_expect_eq(m->truth_bytes, 1000);
    cr_expect_eq(m->byte_abs_err, 0);
    cr_expect_float_eq(m->bytes_ratio, 1.0, EPS);
    cr_expect_str_eq(score_session_match(r, 1), "11");
    const score_group *lm = score_find_group(r, "tag", "log-merged");
    cr_assert_not_null(lm);
    cr_expect_eq(lm->m.truth, 1);
    cr_expect_eq(lm->m.matched, 1);
    const score_group *cls = score_find_group(r, "class", "port-reuse");
    cr_assert_not_null(cls);
    cr_expect_eq(cls->m.truth, 1);
    cr_expect_float_eq(cls->m.recall, 1.0, EPS);
    json_t *j = score_report_json(r);
    cr_expect_eq(json_integer_value(json_object_get(j, "folded")), 1);
    cr_expect(json_is_true(json_object_get(j, "fold")));
    json_decref(j);
    score_run_free(r);

    /* raw truth (the old numbers): the session overlaps 11 by 3 s and 12 by
     * 2 s, pairs with 11; 12 is missed and the session is merged.  Error
     * |400-100| + |600-200| = 700 over 11's 300 bytes. */
    r = run_fold(t, s, 0);
    m = score_overall(r);
    cr_expect_eq(score_folded(r), 0);
    cr_expect_eq(m->truth, 2);
    cr_expect_float_eq(m->recall, 0.5, EPS);
    cr_expect_float_eq(m->precision, 1.0, EPS);
    cr_expect_eq(m->merged, 1);
    cr_expect_float_eq(m->byte_error, 700.0 / 300.0, EPS);
    cr_expect_str_eq(score_session_match(r, 1), "11");
    cr_expect_null(score_find_group(r, "tag", "log-merged"));
    j = score_report_json(r);
    cr_expect_eq(json_integer_value(json_object_get(j, "folded")), 0);
    cr_expect_eq(json_integer_value(json_object_get(j, "truth_log_merged")), 1);
    json_decref(j);
    score_run_free(r);
    free(t);
    free(s);
}

#define CHAIN_TRUTH(id, port, start, end, by, cls, tag, into)                                \
    "{\"conn_id\":" #id ",\"proto\":17,\"client_addr\":\"10.0.0.1\",\"client_port\":" #port \
    ",\"server_addr\":\"10.0.0.2\",\"server_port\":53,\"start\":" #start ",\"end\":" #end    \
    ",\"c2s_packets\":1,\"c2s_bytes\":" #by ",\"s2c_packets\":1,\"s2c_bytes\":" #by          \
    ",\"class\":\"" cls "\",\"tags\":[\"" tag "\"],\"enis\":[\"eni-a\"]" into "}\n"
#define CHAIN_SESSION(id, port, first, last, by)                                             \
    "{\"session_id\":" #id ",\"proto\":17,\"client_addr\":\"10.0.0.1\",\"client_port\":" #port \
    ",\"server_addr\":\"10.0.0.2\",\"server_port\":53,\"first_seen\":" #first                 \
    ",\"last_seen\":" #last ",\"c2s_bytes\":" #by ",\"s2c_bytes\":" #by                      \
    ",\"direction_basis\":\"port\",\"nat_leg_of\":null}\n"

Test(score, log_merged_chain_and_later_target)
{
    /* Port 1000: 23 -> 22 -> 21 collapses to 21, listed last-first; tags
     * a, b, c united.  Port 2000: 31 -> 32 (the earlier one is inside the
     * later one), class of the target (y) kept.  Port 3000: 41 points at
     * no truth and stays as it is.  Folded truth:
     *   21: [1000,1021], 10+20+30 = 60 bytes each way, class x, tags a b c
     *   32: [1000,1030], 5+7 = 12 bytes each way, class y
     *   41: [1000,1001], 9 each way
     * One exact session each: recall 1, merged 0, byte error 0, 3 truth. */
    static const char truth[] =
        CHAIN_TRUTH(23, 1000, 1020, 1021, 30, "x", "c", ",\"log_merged_into\":\"22\"")
        CHAIN_TRUTH(22, 1000, 1010, 1011, 20, "x", "b", ",\"log_merged_into\":21")
        CHAIN_TRUTH(21, 1000, 1000, 1001, 10, "x", "a", ",\"log_merged_into\":null")
        CHAIN_TRUTH(31, 2000, 1000, 1002, 5, "z", "a", ",\"log_merged_into\":32")
        CHAIN_TRUTH(32, 2000, 1000, 1030, 7, "y", "b", "")
        CHAIN_TRUTH(41, 3000, 1000, 1001, 9, "x", "a", ",\"log_merged_into\":999");
    static const char sessions[] = CHAIN_SESSION(1, 1000, 1000, 1021, 60)
        CHAIN_SESSION(2, 2000, 1000, 1030, 12) CHAIN_SESSION(3, 3000, 1000, 1001, 9);
    score_run *r = run_fold(truth, sessions, 1);
    const score_metrics *m = score_overall(r);
    cr_expect_eq(score_folded(r), 3);
    cr_expect_eq(m->truth, 3);
    cr_expect_float_eq(m->recall, 1.0, EPS);
    cr_expect_eq(m->merged, 0);
    cr_expect_eq(m->byte_abs_err, 0);
    cr_expect_eq(m->truth_bytes, 120 + 24 + 18);
    cr_expect_str_eq(score_session_match(r, 1), "21");
    cr_expect_str_eq(score_session_match(r, 2), "32");
    cr_expect_str_eq(score_session_match(r, 3), "41");
    /* class x: 21 and 41; y: 32; z: nothing left */
    cr_expect_eq(score_find_group(r, "class", "x")->m.truth, 2);
    cr_expect_eq(score_find_group(r, "class", "y")->m.truth, 1);
    cr_expect_eq(score_find_group(r, "class", "z")->m.truth, 0);
    /* tag c only on 23, now inside 21; a on 21, 31 (in 32) and 41 */
    cr_expect_eq(score_find_group(r, "tag", "c")->m.truth, 1);
    cr_expect_eq(score_find_group(r, "tag", "a")->m.truth, 3);
    cr_expect_eq(score_find_group(r, "tag", "log-merged")->m.truth, 2);
    score_run_free(r);
}

Test(score, slack_bounds_candidates)
{
    /* Truth [1000,1010]; a session starting 121 s after the end is out,
     * 120 s after is in (slack 120, inclusive). */
    static const char truth[] =
        "{\"conn_id\":\"U\",\"proto\":6,\"client_addr\":\"10.0.0.1\",\"client_port\":50000,"
        "\"server_addr\":\"10.0.0.2\",\"server_port\":443,\"start\":1000,\"end\":1010}\n";
    score_run *r = run_of(truth, REUSE_SESSION(1, 1131, 1200, 0, 0));
    cr_expect_eq(score_overall(r)->matched, 0);
    score_run_free(r);
    r = run_of(truth, REUSE_SESSION(1, 1130, 1200, 0, 0));
    cr_expect_eq(score_overall(r)->matched, 1);
    score_run_free(r);
}

/* Endpoints compare as addresses, not text; proto must agree. */
Test(score, address_normalisation_and_proto)
{
    static const char truth[] =
        "{\"conn_id\":\"V6\",\"proto\":6,\"client_addr\":\"2001:db8::1\",\"client_port\":1,"
        "\"server_addr\":\"2001:db8::2\",\"server_port\":443,"
        "\"start\":\"2019-08-26T21:47:55+02:00\",\"end\":1566848933}\n";
    static const char sessions[] =
        "{\"session_id\":1,\"proto\":6,\"client_addr\":\"2001:0DB8:0:0::1\",\"client_port\":1,"
        "\"server_addr\":\"2001:db8:0::2\",\"server_port\":443,\"first_seen\":1566848875,"
        "\"last_seen\":1566848933,\"direction_basis\":\"tcp-flags\"}\n"
        "{\"session_id\":2,\"proto\":17,\"client_addr\":\"2001:db8::1\",\"client_port\":1,"
        "\"server_addr\":\"2001:db8::2\",\"server_port\":443,\"first_seen\":1566848875,"
        "\"last_seen\":1566848933}\n";
    score_run *r = run_of(truth, sessions);
    cr_expect_str_eq(score_session_match(r, 1), "V6");
    cr_expect_null(score_session_match(r, 2), "UDP does not match a TCP truth");
    cr_expect_float_eq(score_overall(r)->direction_accuracy, 1.0, EPS);
    cr_expect_eq(score_overall(r)->split, 0);
    score_run_free(r);
}

/* ------------------------------------------------------------------ */
/* NAT: N1 goes through a NAT gateway (outside 10.0.0.220:61000), N2 does
 * not.  Sessions: 1 = N1 inside, 2 = N1's translated leg (nat_leg_of 1),
 * 3 = N2, 4 = a leg pointing at N2's session (not a NAT truth), 5 = a leg
 * pointing at no session.  Legs stay out of every total: sessions 2,
 * precision 1, engine bytes 2000 + 200 = truth bytes 2200. */
static const char nat_truth[] =
    "{\"conn_id\":\"N1\",\"proto\":6,\"client_addr\":\"10.0.1.5\",\"client_port\":40000,"
    "\"server_addr\":\"203.0.113.5\",\"server_port\":443,\"start\":1000,\"end\":1060,"
    "\"c2s_bytes\":500,\"s2c_bytes\":1500,\"class\":\"nat\",\"tags\":[],"
    "\"nat_eni\":\"eni-nat\",\"nat_outside_addr\":\"10.0.0.220\",\"nat_outside_port\":61000}\n"
    "{\"conn_id\":\"N2\",\"proto\":6,\"client_addr\":\"10.0.1.6\",\"client_port\":40001,"
    "\"server_addr\":\"10.0.2.9\",\"server_port\":443,\"start\":1000,\"end\":1060,"
    "\"c2s_bytes\":100,\"s2c_bytes\":100,\"class\":\"web\",\"tags\":[]}\n";

#define NAT_SESSION(id, ca, cp, sa, sp, c2s, s2c, leg)                                       \
    "{\"session_id\":" #id ",\"proto\":6,\"client_addr\":\"" ca "\",\"client_port\":" #cp    \
    ",\"server_addr\":\"" sa "\",\"server_port\":" #sp ",\"first_seen\":1000,"              \
    "\"last_seen\":1060,\"c2s_bytes\":" #c2s ",\"s2c_bytes\":" #s2c                          \
    ",\"direction_basis\":\"tcp-flags\",\"nat_leg_of\":" #leg "}\n"

Test(score, nat_legs_excluded)
{
    score_run *r = run_of(
        nat_truth,
        NAT_SESSION(1, "10.0.1.5", 40000, "203.0.113.5", 443, 500, 1500, null)
            NAT_SESSION(2, "10.0.0.220", 61000, "203.0.113.5", 443, 500, 1500, 1)
                NAT_SESSION(3, "10.0.1.6", 40001, "10.0.2.9", 443, 100, 100, null)
                    NAT_SESSION(4, "10.0.1.6", 40001, "10.0.2.9", 443, 100, 100, 3)
                        NAT_SESSION(5, "10.9.9.9", 1, "10.9.9.8", 2, 7, 7, 99));
    const score_metrics *m = score_overall(r);
    cr_expect_eq(m->sessions, 2);
    cr_expect_float_eq(m->precision, 1.0, EPS);
    cr_expect_float_eq(m->recall, 1.0, EPS);
    cr_expect_eq(m->split, 0, "a leg is no second candidate");
    cr_expect_eq(m->engine_bytes, 2200);
    cr_expect_float_eq(m->bytes_ratio, 1.0, EPS);
    const score_nat *n = score_nat_stats(r);
    cr_expect_eq(n->legs, 3);
    cr_expect_eq(n->legs_ok, 1);
    cr_expect_eq(n->legs_dangling, 1);
    cr_expect_eq(n->nat_truth, 1);
    cr_expect_eq(n->nat_truth_matched, 1);
    cr_expect_eq(n->nat_truth_with_leg, 1);
    cr_expect_null(score_session_match(r, 2));
    score_run_free(r);
}

Test(score, nat_outside_endpoint_matches)
{
    /* An engine that reports N1 only as its outside conversation (not as a
     * leg) still finds it, and its client is the outside endpoint. */
    score_run *r = run_of(nat_truth,
                          NAT_SESSION(1, "10.0.0.220", 61000, "203.0.113.5", 443, 500, 1500, null));
    cr_expect_str_eq(score_session_match(r, 1), "N1");
    cr_expect_float_eq(score_overall(r)->direction_accuracy, 1.0, EPS);
    cr_expect_eq(score_overall(r)->byte_abs_err, 0);
    cr_expect_eq(score_nat_stats(r)->nat_truth_with_leg, 0);
    score_run_free(r);
}

/* ------------------------------------------------------------------ */

Test(score, bad_input_names_the_line)
{
    char err[256] = "";
    score_run *r = score_run_new();
    cr_expect_eq(score_load_sessions_str(r,
                                         "{\"session_id\":1,\"proto\":6,\"client_addr\":\"1.2.3.4\","
                                         "\"client_port\":1,\"server_addr\":\"1.2.3.5\","
                                         "\"server_port\":2,\"first_seen\":1,\"last_seen\":2}\n"
                                         "{\"session_id\":2,\"proto\":6,\"client_addr\":\"1.2.3\"}\n",
                                         err, sizeof err),
                 -1);
    cr_expect(strstr(err, "line 2") && strstr(err, "client_addr"), "%s", err);
    cr_expect_eq(score_load_truth_str(r, "[1,2]\n", err, sizeof err), -1);
    score_run_free(r);
}

Test(score, stats_bytes_naive_anywhere)
{
    uint64_t v = 0;
    char err[256] = "";
    cr_expect_eq(score_stats_file_bytes_naive(FST_SOURCE_DIR "/fixtures/score/four-records.stats.json",
                                              &v, err, sizeof err),
                 0, "%s", err);
    cr_expect_eq(v, 8000);
    json_t *j = json_loads("{\"a\":[{\"b\":1},{\"bytes_naive\":42}]}", 0, NULL);
    cr_expect_eq(score_find_bytes_naive(j, &v), 0);
    cr_expect_eq(v, 42);
    json_decref(j);
    j = json_loads("{\"bytes_naive\":\"x\"}", 0, NULL);
    cr_expect_eq(score_find_bytes_naive(j, &v), -1);
    json_decref(j);
}

Test(score, json_report_keys)
{
    score_run *r = run_of(mixed_truth, mixed_sessions);
    json_t *j = score_report_json(r);
    cr_assert_not_null(j);
    json_t *o = json_object_get(j, "overall");
    cr_expect_float_eq(json_real_value(json_object_get(o, "recall")), 0.75, EPS);
    cr_expect_eq(json_integer_value(json_object_get(o, "split")), 1);
    cr_expect_float_eq(json_real_value(json_object_get(o, "byte_error")), 50.0 / 6700.0, EPS);
    cr_expect(json_is_null(json_object_get(j, "naive_ratio")));
    json_t *dns = json_object_get(json_object_get(j, "classes"), "dns");
    cr_expect(json_is_null(json_object_get(dns, "direction_accuracy")));
    cr_expect_eq(json_integer_value(json_object_get(j, "sessions_unattributed")), 1);
    json_t *port = json_object_get(json_object_get(j, "by_basis"), "port");
    cr_expect_eq(json_integer_value(json_object_get(port, "matched")), 1);
    cr_expect_eq(json_integer_value(json_object_get(port, "client_correct")), 0);
    json_decref(j);
    score_run_free(r);
}

/* ------------------------------------------------------------------ */
/* The command end to end: naive sessions of the four-record fixture, then
 * score them with thresholds (exit 1 when one fails, 0 otherwise). */
static int sh(const char *cmd)
{
    int st = system(cmd);
    cr_assert(WIFEXITED(st), "%s", cmd);
    return WEXITSTATUS(st);
}

Test(score, cli_end_to_end)
{
    const char *bin = FST_SCORE_BIN;
    const char *fx = FST_SOURCE_DIR "/fixtures/score";
    const char *sess = FST_BINARY_DIR "/test_score.naive.jsonl";
    const char *json = FST_BINARY_DIR "/test_score.report.json";
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s naive -o %s %s/four-records.log 2>/dev/null", bin, sess, fx);
    cr_assert_eq(sh(cmd), 0, "%s", cmd);

    snprintf(cmd, sizeof cmd,
             "%s %s/four-records.truth.jsonl %s --stats %s/four-records.stats.json "
             "--json %s --min-recall 1 >/dev/null 2>&1",
             bin, fx, sess, fx, json);
    cr_expect_eq(sh(cmd), 0, "%s", cmd);
    json_t *j = json_load_file(json, 0, NULL);
    cr_assert_not_null(j);
    cr_expect_float_eq(json_real_value(json_object_get(j, "naive_ratio")), 2.0, EPS);
    cr_expect_float_eq(
        json_real_value(json_object_get(json_object_get(j, "overall"), "precision")), 0.25, EPS);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "thresholds"), "failed")),
                 0);
    json_decref(j);

    snprintf(cmd, sizeof cmd,
             "%s %s/four-records.truth.jsonl %s --min-precision 0.5 >/dev/null 2>&1", bin, fx,
             sess);
    cr_expect_eq(sh(cmd), 1, "precision 0.25 < 0.5");

    /* folding on the command line: the default folds, --no-fold does not */
    snprintf(cmd, sizeof cmd,
             "%s %s/reuse-merged.truth.jsonl %s/reuse-merged.sessions.jsonl --json %s "
             "--min-recall 1 >/dev/null 2>&1",
             bin, fx, fx, json);
    cr_expect_eq(sh(cmd), 0, "%s", cmd);
    j = json_load_file(json, 0, NULL);
    cr_assert_not_null(j);
    cr_expect_eq(json_integer_value(json_object_get(j, "folded")), 1);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "overall"), "merged")), 0);
    json_decref(j);
    snprintf(cmd, sizeof cmd,
             "%s --no-fold %s/reuse-merged.truth.jsonl %s/reuse-merged.sessions.jsonl --json %s "
             "--min-recall 1 >/dev/null 2>&1",
             bin, fx, fx, json);
    cr_expect_eq(sh(cmd), 1, "recall 0.5 < 1 without folding");
    j = json_load_file(json, 0, NULL);
    cr_assert_not_null(j);
    cr_expect_eq(json_integer_value(json_object_get(j, "folded")), 0);
    cr_expect_float_eq(json_real_value(json_object_get(json_object_get(j, "overall"), "recall")), 0.5,
                       EPS);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "overall"), "merged")), 1);
    json_decref(j);

    snprintf(cmd, sizeof cmd, "%s %s/no-such-file.jsonl %s >/dev/null 2>&1", bin, fx, sess);
    cr_expect_eq(sh(cmd), 2, "missing input");
    remove(sess);
    remove(json);
}
