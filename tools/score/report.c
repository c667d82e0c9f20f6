/* tools/score/report.c - the text table, the JSON report, CI thresholds.
 *
 * JSON keys are a contract (docs/scoring.md "JSON report"): add keys, never
 * rename them.  Undefined ratios (zero denominator) are null.
 */
#include <math.h>
#include <string.h>

#include "score_int.h"

static json_t *real_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static int set_new(json_t *o, const char *key, json_t *v)
{
    return json_object_set_new(o, key, v ? v : json_null());
}

static json_t *metrics_json(const score_metrics *m)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    set_new(o, "truth", json_integer((json_int_t)m->truth));
    set_new(o, "sessions", json_integer((json_int_t)m->sessions));
    set_new(o, "matched", json_integer((json_int_t)m->matched));
    set_new(o, "recall", real_or_null(m->recall));
    set_new(o, "precision", real_or_null(m->precision));
    set_new(o, "split", json_integer((json_int_t)m->split));
    set_new(o, "merged", json_integer((json_int_t)m->merged));
    set_new(o, "direction_known", json_integer((json_int_t)m->dir_known));
    set_new(o, "direction_correct", json_integer((json_int_t)m->dir_correct));
    set_new(o, "direction_accuracy", real_or_null(m->direction_accuracy));
    set_new(o, "direction_coverage", real_or_null(m->direction_coverage));
    set_new(o, "truth_bytes", json_integer((json_int_t)m->truth_bytes));
    set_new(o, "matched_truth_bytes", json_integer((json_int_t)m->matched_truth_bytes));
    set_new(o, "byte_abs_error", json_integer((json_int_t)m->byte_abs_err));
    set_new(o, "byte_error", real_or_null(m->byte_error));
    set_new(o, "engine_bytes", json_integer((json_int_t)m->engine_bytes));
    set_new(o, "bytes_ratio", real_or_null(m->bytes_ratio));
    return o;
}

static json_t *groups_json(const score_run *r, const char *kind)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < r->ngroups; i++)
        if (strcmp(r->groups[i].kind, kind) == 0)
            set_new(o, r->groups[i].name, metrics_json(&r->groups[i].m));
    return o;
}

static json_t *nat_json(const score_nat *n)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    set_new(o, "legs", json_integer((json_int_t)n->legs));
    set_new(o, "legs_ok", json_integer((json_int_t)n->legs_ok));
    set_new(o, "legs_dangling", json_integer((json_int_t)n->legs_dangling));
    set_new(o, "nat_truth", json_integer((json_int_t)n->nat_truth));
    set_new(o, "nat_truth_matched", json_integer((json_int_t)n->nat_truth_matched));
    set_new(o, "nat_truth_with_leg", json_integer((json_int_t)n->nat_truth_with_leg));
    return o;
}

static json_t *basis_json(const score_run *r)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < r->bases.n; i++) {
        json_t *b = json_object();
        if (!b)
            break;
        set_new(b, "matched", json_integer((json_int_t)r->basis_matched[i]));
        set_new(b, "client_correct", json_integer((json_int_t)r->basis_correct[i]));
        set_new(o, r->bases.v[i], b);
    }
    return o;
}

json_t *score_report_json(const score_run *r)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    set_new(o, "schema", json_string("flowstitch-score/1"));
    set_new(o, "slack_seconds", json_integer((json_int_t)r->slack));
    set_new(o, "sessions_total", json_integer((json_int_t)r->nsess));
    set_new(o, "sessions_unattributed", json_integer((json_int_t)r->unattributed));
    set_new(o, "truth_unobservable", json_integer((json_int_t)r->unobservable));
    set_new(o, "truth_excluded", json_integer((json_int_t)r->excluded));
    set_new(o, "fold", json_boolean(!r->no_fold));
    set_new(o, "folded", json_integer((json_int_t)r->folded));
    set_new(o, "truth_log_merged", json_integer((json_int_t)r->with_key));
    set_new(o, "overall", metrics_json(&r->overall));
    set_new(o, "records_bytes",
            r->have_records_bytes ? json_integer((json_int_t)r->records_bytes) : json_null());
    set_new(o, "naive_ratio", real_or_null(score_naive_ratio(r)));
    set_new(o, "classes", groups_json(r, "class"));
    set_new(o, "tags", groups_json(r, "tag"));
    set_new(o, "nat", nat_json(&r->nat));
    set_new(o, "by_basis", basis_json(r));
    return o;
}

/* ---- text ---- */

static void cell(FILE *out, double v, int width)
{
    if (isfinite(v))
        fprintf(out, " %*.4f", width, v);
    else
        fprintf(out, " %*s", width, "-");
}

static void row(FILE *out, const char *label, const score_metrics *m)
{
    fprintf(out, "%-28.28s %7llu %7llu %7llu", label, (unsigned long long)m->truth,
            (unsigned long long)m->sessions, (unsigned long long)m->matched);
    cell(out, m->recall, 7);
    cell(out, m->precision, 7);
    fprintf(out, " %6llu %6llu", (unsigned long long)m->split, (unsigned long long)m->merged);
    cell(out, m->direction_accuracy, 7);
    cell(out, m->direction_coverage, 7);
    cell(out, m->byte_error, 8);
    cell(out, m->bytes_ratio, 8);
    fputc('\n', out);
}

void score_report_text(const score_run *r, FILE *out)
{
    const score_nat *n = &r->nat;
    fprintf(out, "truth %zu connections, sessions %zu (%llu NAT legs), slack %lld s\n\n",
            r->ntruth - (size_t)r->folded, r->nsess, (unsigned long long)n->legs,
            (long long)r->slack);
    fprintf(out, "%-28s %7s %7s %7s %7s %7s %6s %6s %7s %7s %8s %8s\n", "group", "truth",
            "sess", "matched", "recall", "precis", "split", "merged", "dir_acc", "dir_cov",
            "byte_err", "eng/trth");
    row(out, "overall", &r->overall);
    for (size_t i = 0; i < r->ngroups; i++) {
        if (strcmp(r->groups[i].kind, "tag") == 0 && (i == 0 || strcmp(r->groups[i - 1].kind, "tag") != 0))
            fprintf(out, "by tag (a truth counts under each of its tags):\n");
        char label[256];
        snprintf(label, sizeof label, "%s:%s", r->groups[i].kind, r->groups[i].name);
        row(out, label, &r->groups[i].m);
    }
    fprintf(out, "\nsessions without any candidate truth: %llu\n",
            (unsigned long long)r->unattributed);
    fprintf(out, "truth seen by no logged ENI (\"enis\": []): %llu%s\n",
            (unsigned long long)r->unobservable,
            r->observable_only ? " (excluded from every total)" : " (counted)");
    if (r->no_fold)
        fprintf(out, "truth folded as inseparable in the logs: 0 (--no-fold; %llu carry log_merged_into)\n",
                (unsigned long long)r->with_key);
    else
        fprintf(out, "truth folded as inseparable in the logs: %llu\n", (unsigned long long)r->folded);
    double nr = score_naive_ratio(r);
    if (isfinite(nr))
        fprintf(out, "naive ratio (raw record bytes / truth bytes): %.4f (%llu / %llu)\n", nr,
                (unsigned long long)r->records_bytes, (unsigned long long)r->overall.truth_bytes);
    else
        fprintf(out, "naive ratio: - (give --records-bytes, --stats or --records)\n");
    fprintf(out,
            "NAT legs: %llu, pointing at a NAT truth's session %llu, dangling %llu; "
            "NAT truth %llu, matched %llu, with a leg %llu\n",
            (unsigned long long)n->legs, (unsigned long long)n->legs_ok,
            (unsigned long long)n->legs_dangling, (unsigned long long)n->nat_truth,
            (unsigned long long)n->nat_truth_matched, (unsigned long long)n->nat_truth_with_leg);
}

static void ep_text(const sc_ep *e, char *buf, size_t n)
{
    char a[64];
    sc_format_addr(e, a, sizeof a);
    snprintf(buf, n, e->family == 6 ? "[%s]:%u" : "%s:%u", a, (unsigned)e->port);
}

void score_report_unmatched(const score_run *r, FILE *out, size_t max)
{
    char c[96], s[96];
    size_t shown = 0;
    for (size_t i = 0; i < r->ntruth && shown < max; i++) {
        const sc_truth *t = &r->truth[i];
        if (t->match >= 0 || t->folded)
            continue;
        ep_text(&t->client, c, sizeof c);
        ep_text(&t->server, s, sizeof s);
        fprintf(out, "unmatched truth %s: proto %u %s -> %s [%lld, %lld] class %s, %u candidates\n",
                t->conn_id, (unsigned)t->proto, c, s, (long long)t->start, (long long)t->end,
                r->classes.v[t->cls], (unsigned)t->ncand);
        shown++;
    }
    shown = 0;
    for (size_t i = 0; i < r->nsess && shown < max; i++) {
        const sc_sess *x = &r->sess[i];
        if (x->is_leg || x->match >= 0)
            continue;
        ep_text(&x->client, c, sizeof c);
        ep_text(&x->server, s, sizeof s);
        fprintf(out, "unmatched session %lld: proto %u %s -> %s [%lld, %lld], %u candidates\n",
                (long long)x->id, (unsigned)x->proto, c, s, (long long)x->first,
                (long long)x->last, (unsigned)x->ncand);
        shown++;
    }
}

/* ---- thresholds ---- */

void score_thresholds_init(score_thresholds *t)
{
    t->min_recall = t->min_precision = t->max_byte_error = t->min_direction = -1;
}

static int check_one(FILE *msgs, const char *name, double v, double limit, int is_max)
{
    if (limit < 0)
        return 0;
    const int ok = isfinite(v) && (is_max ? v <= limit : v >= limit);
    if (!ok && msgs) {
        if (isfinite(v))
            fprintf(msgs, "threshold failed: %s %.4f %s %.4f\n", name, v, is_max ? ">" : "<",
                    limit);
        else
            fprintf(msgs, "threshold failed: %s is undefined (nothing to measure)\n", name);
    }
    return !ok;
}

int score_check(const score_run *r, const score_thresholds *t, FILE *msgs)
{
    const score_metrics *m = &r->overall;
    return check_one(msgs, "recall", m->recall, t->min_recall, 0) +
           check_one(msgs, "precision", m->precision, t->min_precision, 0) +
           check_one(msgs, "byte_error", m->byte_error, t->max_byte_error, 1) +
           check_one(msgs, "direction_accuracy", m->direction_accuracy, t->min_direction, 0);
}
