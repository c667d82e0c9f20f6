/* out/report.c - the HTML report (`flowstitch report`, or --format html):
 * one self-contained page, inline CSS and SVG, no script, nothing fetched
 * (docs/output.md "html").
 *
 * Sessions only.  Each row keeps a small summary of its session (times,
 * bytes, endpoints, AZs, basis); the page is written at close: traffic over
 * time for the whole input and for the top talkers, the AZ-to-AZ matrix,
 * the top sessions and services, the direction bases.  Bytes over time are
 * spread evenly over each session's [first_seen, last_seen].  Times come
 * from the data only, so the page is the same on every run.
 */
#include <stdlib.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "out/row.h"
#include "util/util.h"

#define BINS 60         /* time buckets of the charts */
#define TOP_TALKERS 5
#define TOP_ROWS 10     /* top sessions, top services */
#define MAX_AZ 32       /* distinct AZ names kept; more are "other" */
#define NO_AZ (-1)
#define CHART_W 900
#define CHART_H 200
#define MARGIN_L 70
#define MARGIN_B 24
#define MARGIN_T 10
#define BAR_H 18        /* a bar of the bases/services charts */
#define LABEL_W 170
#define BAR_TEXT_W 200  /* room right of the longest bar for its value */
#define KB 1000.0

typedef struct rsess {
    int64_t first, last;
    uint64_t bytes;        /* both directions, counted once */
    uint32_t n_enis;       /* observation points: the naive sum counts it that often */
    fst_addr c, s;
    uint16_t cport, sport;
    uint8_t proto, basis, timed;
    uint8_t absent;        /* fst_session.key_absent: shown as "?" */
    int8_t caz, saz;       /* index into az[], NO_AZ when unknown */
} rsess;

typedef struct report {
    rsess *v;
    uint32_t n, cap;
    char *az[MAX_AZ];
    int naz;
    uint32_t n_timed, n_counted; /* sessions whose format logged times, counts */
} report;

/* ---- collecting -------------------------------------------------------- */

static int8_t az_index(report *r, const char *name)
{
    if (!name || !*name)
        return NO_AZ;
    for (int i = 0; i < r->naz; i++)
        if (!strcmp(r->az[i], name))
            return (int8_t)i;
    if (r->naz == MAX_AZ)
        return NO_AZ;
    r->az[r->naz] = fst__strndup(name, strlen(name));
    if (!r->az[r->naz])
        return NO_AZ;
    return (int8_t)r->naz++;
}

static int session_row(fst_writer *w, const fst_session *s)
{
    report *r = w->state;
    if (!r || fst__grow((void **)&r->v, &r->cap, r->n + 1, sizeof *r->v) < 0)
        return FST_ENOMEM;
    rsess *x = &r->v[r->n++];
    memset(x, 0, sizeof *x);
    x->timed = !(s->unknown & FST_SESSION_NO_TIMES);
    x->first = s->first_seen;
    x->last = s->last_seen < s->first_seen ? s->first_seen : s->last_seen;
    x->bytes = (s->unknown & FST_SESSION_NO_COUNTS) ? 0 : fst__sat_add(s->c2s_bytes, s->s2c_bytes);
    r->n_timed += x->timed;
    r->n_counted += !(s->unknown & FST_SESSION_NO_COUNTS);
    x->n_enis = s->n_enis ? s->n_enis : 1;
    x->c = s->client_addr;
    x->s = s->server_addr;
    x->cport = s->client_port;
    x->sport = s->server_port;
    x->proto = s->proto;
    x->absent = s->key_absent;
    x->basis = s->basis;
    x->caz = az_index(r, s->client_ctx.az);
    x->saz = az_index(r, s->server_ctx.az);
    return 0;
}

/* ---- text -------------------------------------------------------------- */

static void put_esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: putc(*s, f);
        }
    }
}

#define BYTES_TEXT_MAX 32
/* 1234567 -> "1.23 MB" (powers of 1000, as the CLI summary). */
static const char *bytes_text(char buf[BYTES_TEXT_MAX], double b)
{
    static const char *const unit[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    size_t u = 0;
    while (b >= KB && u + 1 < FST__ARRAY_LEN(unit)) {
        b /= KB;
        u++;
    }
    snprintf(buf, BYTES_TEXT_MAX, u ? "%.2f %s" : "%.0f %s", b, unit[u]);
    return buf;
}

static void put_bytes(FILE *f, double b)
{
    char buf[BYTES_TEXT_MAX];
    fputs(bytes_text(buf, b), f);
}

static void put_time(FILE *f, int64_t t)
{
    char buf[FST_TIME_ISO_MAX];
    fwrite(buf, 1, fst__time_iso(buf, t), f);
}

static void put_addr(FILE *f, const fst_addr *a)
{
    char buf[FST_ADDR_STRLEN];
    fst_addr_format(a, buf, sizeof buf);
    fputs(buf, f);
}

/* "tcp", "17", ...; "?" when the records had no protocol. */
static const char *proto_text(uint8_t p, uint8_t absent, char *buf)
{
    if (absent & FST_KEY_ABSENT_PROTO)
        return "?";
    switch (p) {
    case FST_PROTO_TCP: return "tcp";
    case FST_PROTO_UDP: return "udp";
    case FST_PROTO_ICMP: return "icmp";
    case FST_PROTO_ICMPV6: return "icmp6";
    default: snprintf(buf, 8, "%u", p); return buf;
    }
}

/* ---- time series ------------------------------------------------------- */

typedef struct span { int64_t t0, t1; double bin; } span;

static span time_span(const report *r)
{
    span sp = {0, 0, 1};
    int any = 0;
    for (uint32_t i = 0; i < r->n; i++) {
        const rsess *x = &r->v[i];
        if (!x->timed)
            continue;
        if (!any || x->first < sp.t0)
            sp.t0 = x->first;
        if (!any || x->last > sp.t1)
            sp.t1 = x->last;
        any = 1;
    }
    sp.bin = (double)(sp.t1 - sp.t0 + 1) / BINS;
    return sp;
}

/* Add x's bytes to bins, spread evenly over [first, last + 1). */
static void spread(const rsess *x, const span *sp, double *bins)
{
    const double a = (double)(x->first - sp->t0), b = (double)(x->last - sp->t0) + 1;
    const double per_s = (double)x->bytes / (b - a);
    int i0 = (int)(a / sp->bin), i1 = (int)((b - 1e-9) / sp->bin);
    if (i1 >= BINS)
        i1 = BINS - 1;
    for (int i = i0; i <= i1; i++) {
        const double lo = i * sp->bin > a ? i * sp->bin : a;
        const double hi = (i + 1) * sp->bin < b ? (i + 1) * sp->bin : b;
        if (hi > lo)
            bins[i] += per_s * (hi - lo);
    }
}

static double max_of(const double *v, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++)
        m = v[i] > m ? v[i] : m;
    return m;
}

static void axes(FILE *f, const span *sp, double ymax)
{
    const int x1 = CHART_W, y1 = CHART_H - MARGIN_B;
    fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", MARGIN_L, y1, x1,
            y1);
    fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", MARGIN_L,
            MARGIN_T, MARGIN_L, y1);
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", MARGIN_L - 4, MARGIN_T + 10);
    put_bytes(f, ymax);
    fprintf(f, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>", MARGIN_L - 4, y1);
    fprintf(f, "<text x=\"%d\" y=\"%d\">", MARGIN_L, CHART_H - 4);
    put_time(f, sp->t0);
    fprintf(f, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">", x1, CHART_H - 4);
    put_time(f, sp->t1);
    fputs("</text>", f);
}

static void bars_chart(FILE *f, const span *sp, const double *bins)
{
    const double ymax = max_of(bins, BINS), plot_h = CHART_H - MARGIN_B - MARGIN_T;
    const double bw = (double)(CHART_W - MARGIN_L) / BINS;
    fprintf(f, "<svg class=\"chart\" id=\"traffic\" viewBox=\"0 0 %d %d\" role=\"img\">", CHART_W,
            CHART_H);
    for (int i = 0; i < BINS; i++) {
        const double h = ymax > 0 ? bins[i] / ymax * plot_h : 0;
        fprintf(f, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
                   "<title>",
                MARGIN_L + i * bw, CHART_H - MARGIN_B - h, bw * 0.9, h);
        put_bytes(f, bins[i]);
        fputs("</title></rect>", f);
    }
    axes(f, sp, ymax);
    fputs("</svg>\n", f);
}

/* ---- top talkers ------------------------------------------------------- */

typedef struct talker { fst_addr a; uint64_t bytes; } talker;

static int cmp_addr(const void *a, const void *b)
{
    return fst_addr_cmp(&((const talker *)a)->a, &((const talker *)b)->a);
}

static int cmp_bytes_desc(const void *a, const void *b)
{
    const uint64_t x = ((const talker *)a)->bytes, y = ((const talker *)b)->bytes;
    if (x != y)
        return x < y ? 1 : -1;
    return cmp_addr(a, b);
}

/* The hosts with the most bytes (a session counts for both its ends);
 * returns how many (at most TOP_TALKERS) into top. */
static int top_talkers(const report *r, talker *top)
{
    talker *t = fst__malloc(((size_t)r->n * 2 + 1) * sizeof *t);
    if (!t)
        return 0;
    size_t n = 0;
    for (uint32_t i = 0; i < r->n; i++) {
        t[n++] = (talker){r->v[i].c, r->v[i].bytes};
        t[n++] = (talker){r->v[i].s, r->v[i].bytes};
    }
    qsort(t, n, sizeof *t, cmp_addr);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && !fst_addr_cmp(&t[m - 1].a, &t[i].a))
            t[m - 1].bytes = fst__sat_add(t[m - 1].bytes, t[i].bytes);
        else
            t[m++] = t[i];
    }
    qsort(t, m, sizeof *t, cmp_bytes_desc);
    const int k = m < TOP_TALKERS ? (int)m : TOP_TALKERS;
    memcpy(top, t, (size_t)k * sizeof *t);
    fst__free(t);
    return k;
}

static void talkers_chart(FILE *f, const report *r, const span *sp)
{
    static const char *const colour[TOP_TALKERS] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                                    "#ff7f0e"};
    talker top[TOP_TALKERS];
    const int k = top_talkers(r, top);
    double bins[TOP_TALKERS][BINS] = {{0}};
    for (uint32_t i = 0; i < r->n; i++)
        for (int j = 0; j < k; j++)
            if (r->v[i].timed && (!fst_addr_cmp(&r->v[i].c, &top[j].a) ||
                                  !fst_addr_cmp(&r->v[i].s, &top[j].a)))
                spread(&r->v[i], sp, bins[j]);
    double ymax = 0;
    for (int j = 0; j < k; j++)
        ymax = max_of(bins[j], BINS) > ymax ? max_of(bins[j], BINS) : ymax;
    const double plot_h = CHART_H - MARGIN_B - MARGIN_T, bw = (double)(CHART_W - MARGIN_L) / BINS;
    fprintf(f, "<svg class=\"chart\" id=\"talkers\" viewBox=\"0 0 %d %d\" role=\"img\">", CHART_W,
            CHART_H);
    for (int j = 0; j < k; j++) {
        fprintf(f, "<polyline class=\"talker\" stroke=\"%s\" points=\"", colour[j]);
        for (int i = 0; i < BINS; i++)
            fprintf(f, "%.1f,%.1f ", MARGIN_L + (i + 0.5) * bw,
                    CHART_H - MARGIN_B - (ymax > 0 ? bins[j][i] / ymax * plot_h : 0));
        fputs("\"/>", f);
    }
    axes(f, sp, ymax);
    fputs("</svg>\n<ul class=\"legend\">", f);
    for (int j = 0; j < k; j++) {
        fprintf(f, "<li><span style=\"background:%s\"></span>", colour[j]);
        put_addr(f, &top[j].a);
        fputs(" &mdash; ", f);
        put_bytes(f, (double)top[j].bytes);
        fputs("</li>", f);
    }
    fputs("</ul>\n", f);
}

/* ---- the AZ matrix ----------------------------------------------------- */

static void az_matrix(FILE *f, const report *r)
{
    if (!r->naz) {
        fputs("<p class=\"note\" id=\"no-az\">No AZ information: no session knows the "
              "availability zone of its sides (give --eni-metadata, or use a flow-log "
              "format with az-id).</p>\n",
              f);
        return;
    }
    const int n = r->naz + 1; /* the last row/column: unknown */
    double *once = fst__calloc((size_t)n * n, sizeof *once);
    double *naive = fst__calloc((size_t)n * n, sizeof *naive);
    if (!once || !naive) {
        fst__free(once);
        fst__free(naive);
        return;
    }
    for (uint32_t i = 0; i < r->n; i++) {
        const rsess *x = &r->v[i];
        const int a = x->caz == NO_AZ ? n - 1 : x->caz, b = x->saz == NO_AZ ? n - 1 : x->saz;
        once[a * n + b] += (double)x->bytes;
        naive[a * n + b] += (double)x->bytes * x->n_enis;
    }
    fputs("<table class=\"matrix\" id=\"az-matrix\"><tr><th>client AZ \\ server AZ</th>", f);
    for (int b = 0; b < n; b++) {
        fputs("<th>", f);
        put_esc(f, b < r->naz ? r->az[b] : "unknown");
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    for (int a = 0; a < n; a++) {
        fputs("<tr><th>", f);
        put_esc(f, a < r->naz ? r->az[a] : "unknown");
        fputs("</th>", f);
        for (int b = 0; b < n; b++) {
            fputs("<td>", f);
            put_bytes(f, once[a * n + b]);
            fputs("<span class=\"naive\">naive ", f);
            put_bytes(f, naive[a * n + b]);
            fputs("</span></td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
    fst__free(once);
    fst__free(naive);
}

/* ---- top sessions, services, bases ------------------------------------- */

static int cmp_rsess_bytes(const void *a, const void *b)
{
    const rsess *x = *(const rsess *const *)a, *y = *(const rsess *const *)b;
    if (x->bytes != y->bytes)
        return x->bytes < y->bytes ? 1 : -1;
    return x < y ? -1 : x > y;
}

static void top_sessions(FILE *f, const report *r)
{
    const rsess **p = fst__malloc(((size_t)r->n + 1) * sizeof *p);
    if (!p)
        return;
    for (uint32_t i = 0; i < r->n; i++)
        p[i] = &r->v[i];
    qsort(p, r->n, sizeof *p, cmp_rsess_bytes);
    fputs("<table id=\"top-sessions\"><tr><th>client</th><th>server</th><th>proto</th>"
          "<th>bytes</th><th>seconds</th><th>basis</th></tr>\n",
          f);
    for (uint32_t i = 0; i < r->n && i < TOP_ROWS; i++) {
        char pb[8];
        fputs("<tr><td>", f);
        put_addr(f, &p[i]->c);
        const int np = p[i]->absent & FST_KEY_ABSENT_PORTS; /* no ":port" */
        if (!np)
            fprintf(f, ":%u", p[i]->cport);
        fputs("</td><td>", f);
        put_addr(f, &p[i]->s);
        if (!np)
            fprintf(f, ":%u", p[i]->sport);
        fprintf(f, "</td><td>%s</td><td>", proto_text(p[i]->proto, p[i]->absent, pb));
        put_bytes(f, (double)p[i]->bytes);
        fprintf(f, "</td><td>%lld</td><td>%s</td></tr>\n", (long long)(p[i]->last - p[i]->first),
                fst_direction_reason_name(p[i]->basis));
    }
    fputs("</table>\n", f);
    fst__free(p);
}

/* A bar per label: value / max of the row set. */
static void hbar(FILE *f, int row, const char *label, double v, double vmax, const char *text)
{
    const double w = vmax > 0 ? v / vmax * (CHART_W - LABEL_W - BAR_TEXT_W) : 0;
    const int y = row * (BAR_H + 4);
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_W - 6, y + BAR_H - 5);
    put_esc(f, label);
    fprintf(f, "</text><rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>",
            LABEL_W, y, w, BAR_H);
    fprintf(f, "<text x=\"%.1f\" y=\"%d\">%s</text>", LABEL_W + w + 6, y + BAR_H - 5, text);
}

typedef struct service { uint8_t proto, absent; uint16_t port; uint64_t bytes, sessions; } service;

static int cmp_service_key(const void *a, const void *b)
{
    const service *x = a, *y = b;
    if (x->absent != y->absent)
        return x->absent - y->absent;
    return x->proto != y->proto ? x->proto - y->proto : x->port - y->port;
}

static int cmp_service_bytes(const void *a, const void *b)
{
    const service *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes < y->bytes ? 1 : -1;
    return cmp_service_key(a, b);
}

static void top_services(FILE *f, const report *r)
{
    service *sv = fst__malloc(((size_t)r->n + 1) * sizeof *sv);
    if (!sv)
        return;
    for (uint32_t i = 0; i < r->n; i++)
        sv[i] = (service){r->v[i].proto, r->v[i].absent, r->v[i].sport, r->v[i].bytes, 1};
    qsort(sv, r->n, sizeof *sv, cmp_service_key);
    size_t m = 0;
    for (uint32_t i = 0; i < r->n; i++) {
        if (m && !cmp_service_key(&sv[m - 1], &sv[i])) {
            sv[m - 1].bytes = fst__sat_add(sv[m - 1].bytes, sv[i].bytes);
            sv[m - 1].sessions++;
        } else {
            sv[m++] = sv[i];
        }
    }
    qsort(sv, m, sizeof *sv, cmp_service_bytes);
    const size_t k = m < TOP_ROWS ? m : TOP_ROWS;
    fprintf(f, "<svg class=\"bars\" id=\"services\" viewBox=\"0 0 %d %zu\" role=\"img\">", CHART_W,
            k * (BAR_H + 4) + 4);
    for (size_t i = 0; i < k; i++) {
        char label[32], pb[8], text[64], bt[BYTES_TEXT_MAX];
        if (sv[i].absent & FST_KEY_ABSENT_PORTS)
            snprintf(label, sizeof label, "%s/?", proto_text(sv[i].proto, sv[i].absent, pb));
        else
            snprintf(label, sizeof label, "%s/%u", proto_text(sv[i].proto, sv[i].absent, pb),
                     sv[i].port);
        snprintf(text, sizeof text, "%s, %llu session%s", bytes_text(bt, (double)sv[i].bytes),
                 (unsigned long long)sv[i].sessions, sv[i].sessions == 1 ? "" : "s");
        hbar(f, (int)i, label, (double)sv[i].bytes, (double)sv[0].bytes, text);
    }
    fputs("</svg>\n", f);
    fst__free(sv);
}

static void bases_chart(FILE *f, const report *r)
{
    uint64_t count[FST_BASIS_COUNT] = {0}, max = 0;
    for (uint32_t i = 0; i < r->n; i++)
        if (r->v[i].basis < FST_BASIS_COUNT)
            count[r->v[i].basis]++;
    for (int b = 0; b < FST_BASIS_COUNT; b++)
        max = count[b] > max ? count[b] : max;
    fprintf(f, "<svg class=\"bars\" id=\"bases\" viewBox=\"0 0 %d %d\" role=\"img\">", CHART_W,
            FST_BASIS_COUNT * (BAR_H + 4) + 4);
    for (int b = 0; b < FST_BASIS_COUNT; b++) {
        char text[32];
        snprintf(text, sizeof text, "%llu", (unsigned long long)count[b]);
        hbar(f, b, fst_direction_reason_name(b), (double)count[b], (double)max, text);
    }
    fputs("</svg>\n", f);
}

/* ---- the page ---------------------------------------------------------- */

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:960px;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}"
    ".chart,.bars{width:100%;height:auto}.bar{fill:#4c78a8}.axis{stroke:#444}"
    ".talker{fill:none;stroke-width:2}svg text{font-size:11px;fill:#333}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;"
    "padding:3px 8px;text-align:right}th{background:#f3f3f3}"
    ".naive{display:block;color:#999;font-size:.85em}.note{color:#a33}"
    ".caption{color:#666;font-size:.9em;margin-top:0}"
    ".legend{list-style:none;padding:0}.legend li{display:inline-block;margin-right:1.5em}"
    ".legend span{display:inline-block;width:12px;height:12px;margin-right:4px}";

static void summary(FILE *f, const report *r, const span *sp)
{
    double once = 0, naive = 0;
    for (uint32_t i = 0; i < r->n; i++) {
        once += (double)r->v[i].bytes;
        naive += (double)r->v[i].bytes * r->v[i].n_enis;
    }
    fprintf(f, "<p id=\"summary\">%u sessions, ", r->n);
    if (r->n_counted || !r->n) {
        put_bytes(f, once);
        fputs(" counted once (naive sum over every observing ENI: ", f);
        put_bytes(f, naive);
        fputs(")", f);
    } else {
        fputs("bytes not logged (the flow-log format has no bytes field)", f);
    }
    if (r->n_timed) {
        fputs(", from ", f);
        put_time(f, sp->t0);
        fputs(" to ", f);
        put_time(f, sp->t1);
    } else if (r->n) {
        fputs(", times not logged (the format has no start or end field)", f);
    }
    fputs(".</p>\n", f);
}

static void render(FILE *f, const report *r)
{
    const span sp = time_span(r);
    double bins[BINS] = {0};
    for (uint32_t i = 0; i < r->n; i++)
        if (r->v[i].timed)
            spread(&r->v[i], &sp, bins);
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<title>flowstitch report</title><style>%s</style></head><body>\n"
               "<h1>flowstitch report</h1>\n",
            style);
    summary(f, r, &sp);
    fputs("<h2>Traffic over time</h2>\n", f);
    if ((r->n_timed && r->n_counted) || !r->n) {
        bars_chart(f, &sp, bins);
        fprintf(f, "<p class=\"caption\">Bytes per %.0f s (%d bars); each session's bytes "
                   "are spread evenly over its first to last second.</p>\n",
                sp.bin, BINS);
        fputs("<h2>Top talkers over time</h2>\n", f);
        talkers_chart(f, r, &sp);
    } else { /* an empty chart from 1970 would look like data */
        fputs("<p class=\"note\" id=\"no-time-series\">No chart over time: the flow-log "
              "format has no start/end or no bytes field.</p>\n", f);
    }
    fputs("<h2>AZ to AZ: bytes counted once (naive sum below)</h2>\n", f);
    az_matrix(f, r);
    fputs("<h2>Top sessions</h2>\n", f);
    top_sessions(f, r);
    fputs("<h2>Top services (protocol/server port)</h2>\n", f);
    top_services(f, r);
    fputs("<h2>Direction bases (why the client is the client)</h2>\n", f);
    bases_chart(f, r);
    fputs("</body></html>\n", f);
}

static int report_begin(fst_writer *w)
{
    w->state = fst__calloc(1, sizeof(report));
    return w->state ? 0 : FST_ENOMEM;
}

static void report_end(fst_writer *w)
{
    report *r = w->state;
    if (!r)
        return;
    render(w->f, r);
    for (int i = 0; i < r->naz; i++)
        fst__free(r->az[i]);
    fst__free(r->v);
    fst__free(r);
    w->state = NULL;
}

const fst__format_ops fst__html_ops = {
    .name = "html",
    .aliases = {"report", NULL},
    .begin = report_begin,
    .session_row = session_row,
    .end = report_end,
};
