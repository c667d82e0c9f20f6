/* tests/test_fg_scenario.c - the phenomena mixes of flowgen's scenario
 * traffic (tools/flowgen/fg_scenario.c, docs/flowgen.md "Phenomena mixes").
 *
 * Each check is derived from the options, not from the program's output:
 * the quiet periods are at least 900 s long, a span opens before t0 and
 * closes after t1, redial gaps are 0-1500 s, a FIN and the next SYN in
 * one window OR to flags 3 (../shared/docs/aws-flowlogs.md section 2), and
 * --nat-nohint removes the instance-id column and the ENI metadata.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowgen_cap.h"

static fg_model *phen_run(int mix, uint64_t seed, cap *c)
{
    fg_config cfg;
    fg_config_init(&cfg);
    cfg.seed = seed;
    cfg.duration = 3600;
    cfg.connections = 1500;
    cfg.skip_rate = 0; /* every window with traffic is delivered */
    cfg.mix = mix;
    fg_model *m = cap_run_small(&cfg, c);
    cr_assert_not_null(m);
    return m;
}

static int has_tag(const fg_truth *t, int cl)
{
    return (t->tags >> cl) & 1u;
}

/* Largest silence (seconds between the last packet of one record and the
 * first of the next) in conn's records at ENI e, of direction dir (-1:
 * both); *at (may be NULL) is the start of the record after it. */
static int64_t silence(const cap *c, const fg_eni *e, uint64_t conn, int dir, int64_t *at)
{
    int64_t best = 0, last_end = INT64_MIN, best_at = INT64_MAX;
    for (size_t i = 0; i < c->n; i++) { /* lines come window by window, in time order per ENI */
        const fg_line *l = &c->lines[i].l;
        if (l->status != FG_OK || l->eni != e || l->conn_id != conn || (dir >= 0 && l->dir != dir))
            continue;
        if (last_end != INT64_MIN && l->start - last_end > best) {
            best = l->start - last_end;
            best_at = l->start;
        }
        last_end = l->end > last_end ? l->end : last_end;
    }
    if (at)
        *at = best_at;
    return best;
}

/* The largest silence of conn at e (both directions); *syn_after is set
 * when a record after it carries a client SYN (tcp-flags bit 2 on the
 * client-to-server direction). */
static int64_t longest_silence(const cap *c, const fg_eni *e, uint64_t conn, int *syn_after)
{
    int64_t best_at;
    const int64_t best = silence(c, e, conn, -1, &best_at);
    *syn_after = 0;
    for (size_t i = 0; i < c->n; i++) {
        const fg_line *l = &c->lines[i].l;
        if (l->status == FG_OK && l->eni == e && l->conn_id == conn && l->start >= best_at &&
            l->dir == FG_C2S && (l->flags & 2))
            *syn_after = 1;
    }
    return best;
}

/* The ENI whose id is id (ids are unique), or NULL. */
static const fg_eni *eni_named(const fg_model *m, const char *id)
{
    for (size_t e = 0; e < fg_eni_count(m); e++)
        if (strcmp(fg_eni_id(fg_eni_at(m, e)), id) == 0)
            return fg_eni_at(m, e);
    return NULL;
}

/* long-idle: a silence of at least 900 s (the 15-minute floor of the quiet
 * period) inside the range, so the records of one key at one ENI show a
 * gap > 900 s (a gap of 10-90 s between exchanges is added to the quiet
 * period), and the connection goes on with no new handshake. */
Test(fg_scenario, long_idle_gap_without_new_syn)
{
    cap c;
    fg_model *m = phen_run(FG_MIX_LONGLIVED, 21, &c);
    size_t checked = 0;
    for (size_t i = 0; i < c.nt; i++) {
        const fg_truth *t = &c.truths[i];
        if (!has_tag(t, FG_CL_LONG_IDLE) || t->n_enis == 0)
            continue;
        const fg_eni *eni = eni_named(m, t->enis[0]);
        if (!eni)
            continue;
        int syn = 0;
        int64_t gap = longest_silence(&c, eni, t->conn_id, &syn);
        cr_assert_gt(gap, 900, "conn %llu: longest silence %lld s",
                     (unsigned long long)t->conn_id, (long long)gap);
        cr_assert_eq(syn, 0, "conn %llu: a SYN after the silence",
                     (unsigned long long)t->conn_id);
        cr_assert_eq(t->proto, 6);
        checked++;
    }
    cr_expect_gt(checked, 100, "only %zu long-idle connections checked", checked);
    cap_free(&c);
    fg_model_free(m);
}

/* half-quiet: a UDP stream whose client sends every 2-15 s while the
 * server answers every 320-900 s: at the observing ENI the server's
 * direction is silent longer than the 300 s UDP idle timeout, the
 * client's never longer than 30 s (an answer takes the place of one of
 * its sends: two gaps of at most 15 s), and the truth is one UDP
 * connection of at least 20 minutes. */
Test(fg_scenario, half_quiet_one_direction_silent)
{
    cap c;
    fg_model *m = phen_run(FG_MIX_LONGLIVED, 21, &c);
    size_t checked = 0;
    for (size_t i = 0; i < c.nt; i++) {
        const fg_truth *t = &c.truths[i];
        if (!has_tag(t, FG_CL_HALF_QUIET) || t->n_enis == 0)
            continue;
        cr_assert_eq(t->proto, 17);
        cr_assert_geq(t->end - t->start, 1200 - 15, "conn %llu lasts %lld s",
                      (unsigned long long)t->conn_id, (long long)(t->end - t->start));
        const fg_eni *eni = eni_named(m, t->enis[0]);
        if (!eni)
            continue;
        const int64_t quiet = silence(&c, eni, t->conn_id, FG_S2C, NULL);
        const int64_t busy = silence(&c, eni, t->conn_id, FG_C2S, NULL);
        cr_assert_gt(quiet, 300, "conn %llu: answers at most %lld s apart",
                     (unsigned long long)t->conn_id, (long long)quiet);
        cr_assert_leq(busy, 30, "conn %llu: the client paused %lld s",
                      (unsigned long long)t->conn_id, (long long)busy);
        checked++;
    }
    cr_expect_gt(checked, 2, "only %zu half-quiet connections checked", checked);
    cap_free(&c);
    fg_model_free(m);
}

/* open-at-start: begun before t0, so the handshake is not in the logs (no
 * record of it has a client SYN) and the truth says handshake_logged
 * false; open-at-end: its planned end is at or after t1, so no record has
 * FIN (1) or RST (4). */
Test(fg_scenario, open_at_both_edges)
{
    cap c;
    fg_model *m = phen_run(FG_MIX_LONGLIVED, 22, &c);
    const int64_t t0 = fg_model_config(m)->t0, t1 = t0 + fg_model_config(m)->duration;
    size_t starts = 0, ends = 0;
    for (size_t i = 0; i < c.nt; i++) {
        const fg_truth *t = &c.truths[i];
        int os = has_tag(t, FG_CL_OPEN_START), oe = has_tag(t, FG_CL_OPEN_END);
        if ((!os && !oe) || has_tag(t, FG_CL_PORT_REUSE))
            continue;
        cr_assert_eq(os, t->start < t0);
        cr_assert_eq(oe, t->end >= t1);
        if (os)
            cr_assert(!t->handshake_logged, "conn %llu", (unsigned long long)t->conn_id);
        for (size_t k = 0; k < c.n; k++) {
            const fg_line *l = &c.lines[k].l;
            if (l->status != FG_OK || l->conn_id != t->conn_id || l->proto != 6)
                continue;
            if (os)
                cr_assert(!(l->dir == FG_C2S && (l->flags & 2)), "conn %llu: SYN logged",
                          (unsigned long long)t->conn_id);
            if (oe)
                cr_assert(!(l->flags & 5), "conn %llu: FIN/RST logged",
                          (unsigned long long)t->conn_id);
        }
        starts += (size_t)os;
        ends += (size_t)oe;
    }
    /* 15% of 1500 arrivals are opened 1 s - 4 h before t0 and run past t1;
     * a few end before t0 and give no truth */
    cr_expect_gt(starts, 150);
    cr_expect_gt(ends, 300);
    cap_free(&c);
    fg_model_free(m);
}

/* redial: the two dials of one 5-tuple are 0-1500 s apart (the second
 * SYN after the first close); redial-same-window: a client-to-server
 * record holding the first dial's FIN (1) and the second dial's SYN (2),
 * OR-ed (section 2) to 3. */
Test(fg_scenario, redial_gaps_and_fin_syn_in_one_record)
{
    cap c;
    fg_model *m = phen_run(FG_MIX_REUSE, 23, &c);
    size_t pairs = 0, same = 0, far = 0;
    for (size_t i = 0; i < c.nt; i++) {
        const fg_truth *a = &c.truths[i];
        if (!has_tag(a, FG_CL_REDIAL))
            continue;
        for (size_t j = 0; j < c.nt; j++) {
            const fg_truth *b = &c.truths[j];
            if (b->conn_id != a->conn_id + 1 || !has_tag(b, FG_CL_REDIAL) ||
                b->client_port != a->client_port || strcmp(b->client_addr, a->client_addr) != 0 ||
                strcmp(b->server_addr, a->server_addr) != 0)
                continue;
            pairs++;
            cr_assert(b->start >= a->end && b->start - a->end <= 1500, "redial %llu after %lld s",
                      (unsigned long long)b->conn_id, (long long)(b->start - a->end));
            far += b->start - a->end > 600;
            cr_assert_eq(has_tag(a, FG_CL_REDIAL_SAME), has_tag(b, FG_CL_REDIAL_SAME));
            if (!has_tag(b, FG_CL_REDIAL_SAME))
                continue;
            int found = 0;
            for (size_t k = 0; k < c.n; k++) {
                const fg_line *l = &c.lines[k].l;
                found |= l->status == FG_OK && l->conn_id == a->conn_id && l->dir == FG_C2S &&
                         (l->flags & 3) == 3;
            }
            cr_assert(found, "pair %llu/%llu: no record with FIN and SYN",
                      (unsigned long long)a->conn_id, (unsigned long long)b->conn_id);
            same++;
        }
    }
    cr_expect_gt(pairs, 300);
    cr_expect_gt(same, 50);
    cr_expect_gt(far, 20);
    cap_free(&c);
    fg_model_free(m);
}

/* natnometa through the file writers: no eni-metadata.json, S3 headers
 * without instance-id but with pkt-srcaddr/pkt-dstaddr, and NAT truths
 * tagged nat-nohint.  The default mix, written the same way, has both
 * (the control that lets the first checks fail). */
static void write_mix(const char *dir, int mix, int nohint)
{
    fg_config cfg;
    fg_config_init(&cfg);
    cfg.seed = 31;
    cfg.duration = 900;
    cfg.connections = 400;
    cfg.mix = mix;
    cfg.nat_nohint = nohint;
    fg_model *m = fg_model_new(&cfg);
    cr_assert_eq(fg_build_scenario(m, "small"), 0);
    fg_files *f = fg_files_open(m, dir, FG_DELIVER_S3, 1, "small");
    cr_assert_not_null(f);
    fg_sink sink = fg_files_sink(f);
    fg_run(m, &sink);
    cr_assert_eq(fg_files_close(f, NULL), 0);
    fg_model_free(m);
}

/* Runs a shell check whose one %s is dir (fmt is a literal). */
#define SHELL(fmt, dir) shell_run((snprintf(cmdbuf, sizeof cmdbuf, fmt, dir), cmdbuf))
static int shell_run(const char *cmd)
{
    return system(cmd);
}
#define NO_META "test ! -e %s/eni-metadata.json"
#define NO_IID "! find %s/s3 -name '*.gz' -exec zcat {} + 2>/dev/null | grep -q instance-id"
#define PKT                                                                                        \
    "find %s/s3 -name '*.gz' -exec zcat {} + 2>/dev/null | grep '^version' | grep -q "             \
    "'pkt-srcaddr pkt-dstaddr'"
#define TAGGED                                                                                     \
    "cd %s && grep '\"nat_eni\"' truth.jsonl | grep -q '\"nat-nohint\"' && "                       \
    "! grep '\"nat-nohint\"' truth.jsonl | grep -vq '\"nat_eni\"'"

Test(fg_scenario, natnometa_has_no_instance_id_nor_metadata)
{
    char a[] = "/tmp/flowgen-nometa-XXXXXX", b[] = "/tmp/flowgen-meta-XXXXXX";
    char cmdbuf[1024];
    cr_assert_not_null(mkdtemp(a));
    cr_assert_not_null(mkdtemp(b));
    write_mix(a, FG_MIX_NATNOMETA, 1);
    write_mix(b, FG_MIX_MIXED, 0);
    cr_expect_eq(SHELL(NO_META, a), 0);
    cr_expect_eq(SHELL(NO_IID, a), 0);
    cr_expect_eq(SHELL(PKT, a), 0);
    cr_expect_eq(SHELL(TAGGED, a), 0);
    cr_expect_neq(SHELL(NO_META, b), 0);
    cr_expect_neq(SHELL(NO_IID, b), 0);
    cr_expect_eq(SHELL(PKT, b), 0);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s %s", a, b);
    cr_expect_eq(system(cmd), 0);
}
