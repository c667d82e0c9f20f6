/* cost/report.c - fst_cost_write and fst_cost_write_findings: the table
 * for people (aligned, a totals row), CSV and JSON Lines for scripts
 * (docs/accounting.md "Columns"). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cost_int.h"

enum { N_COUNTS = 7 };
static const char *const count_cols[N_COUNTS] = {
    "sessions", "packets", "bytes", "c2s_bytes", "s2c_bytes", "naive_packets", "naive_bytes"};
#define COST_COL "cost_usd"
#define CELL 64

static void counts_of(const fst_cost_row *r, uint64_t v[N_COUNTS])
{
    const uint64_t x[N_COUNTS] = {r->sessions, r->packets, r->bytes, r->c2s_bytes,
                                  r->s2c_bytes, r->naive_packets, r->naive_bytes};
    memcpy(v, x, sizeof x);
}

static size_t shown(const fst_cost *c, size_t top)
{
    const size_t n = fst_cost_n_rows(c);
    return top && top < n ? top : n;
}

/* ---- JSON and CSV strings -------------------------------------------------- */

static void json_str(FILE *f, const char *s)
{
    putc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            putc(*p, f);
    }
    putc('"', f);
}

static void csv_str(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    putc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', f);
        putc(*s, f);
    }
    putc('"', f);
}

/* ---- CSV and JSON Lines ------------------------------------------------------ */

static void csv_header(const fst_cost *c, FILE *f)
{
    for (int k = 0; k < c->n_keys; k++)
        fprintf(f, "%s,", fst_cost_key_column(c->keys[k]));
    for (int i = 0; i < N_COUNTS; i++)
        fprintf(f, "%s,", count_cols[i]);
    fputs(COST_COL "\n", f);
}

static void csv_row(const fst_cost *c, FILE *f, const fst_cost_row *r)
{
    uint64_t v[N_COUNTS];
    counts_of(r, v);
    for (int k = 0; k < c->n_keys; k++) {
        csv_str(f, r->values[k]);
        putc(',', f);
    }
    for (int i = 0; i < N_COUNTS; i++)
        fprintf(f, "%" PRIu64 ",", v[i]);
    fprintf(f, "%.6f\n", r->cost_usd);
}

static void jsonl_row(const fst_cost *c, FILE *f, const fst_cost_row *r)
{
    uint64_t v[N_COUNTS];
    counts_of(r, v);
    putc('{', f);
    for (int k = 0; k < c->n_keys; k++) {
        fprintf(f, "\"%s\":", fst_cost_key_column(c->keys[k]));
        json_str(f, r->values[k]);
        putc(',', f);
    }
    for (int i = 0; i < N_COUNTS; i++)
        fprintf(f, "\"%s\":%" PRIu64 ",", count_cols[i], v[i]);
    fprintf(f, "\"" COST_COL "\":%.6f}\n", r->cost_usd);
}

/* ---- the table ------------------------------------------------------------ */

/* The cells of one table line: key values, then counts and cost. */
static void table_cells(const fst_cost *c, const fst_cost_row *r, int is_total,
                        char cells[][CELL])
{
    uint64_t v[N_COUNTS];
    counts_of(r, v);
    for (int k = 0; k < c->n_keys; k++)
        snprintf(cells[k], CELL, "%s", is_total ? (k ? "" : "TOTAL") : r->values[k]);
    for (int i = 0; i < N_COUNTS; i++)
        snprintf(cells[c->n_keys + i], CELL, "%" PRIu64, v[i]);
    snprintf(cells[c->n_keys + N_COUNTS], CELL, "%.4f", r->cost_usd);
}

static void table_line(const fst_cost *c, FILE *f, char cells[][CELL], const int *w)
{
    const int n = c->n_keys + N_COUNTS + 1;
    for (int i = 0; i < n; i++) {
        if (i < c->n_keys) /* keys left-aligned, numbers right-aligned */
            fprintf(f, "%s%-*s", i ? "  " : "", i == n - 1 ? 0 : w[i], cells[i]);
        else
            fprintf(f, "  %*s", w[i], cells[i]);
    }
    putc('\n', f);
}

static void widen(int *w, char cells[][CELL], int n)
{
    for (int i = 0; i < n; i++)
        if ((int)strlen(cells[i]) > w[i])
            w[i] = (int)strlen(cells[i]);
}

static void write_table(const fst_cost *c, FILE *f, size_t top)
{
    const int n = c->n_keys + N_COUNTS + 1;
    char cells[FST_COST_MAX_KEYS + N_COUNTS + 1][CELL];
    char head[FST_COST_MAX_KEYS + N_COUNTS + 1][CELL];
    int w[FST_COST_MAX_KEYS + N_COUNTS + 1] = {0};
    for (int i = 0; i < n; i++)
        snprintf(head[i], CELL, "%s", i < c->n_keys ? fst_cost_key_column(c->keys[i])
                                      : i < c->n_keys + N_COUNTS ? count_cols[i - c->n_keys]
                                      : COST_COL);
    widen(w, head, n);
    const size_t m = shown(c, top);
    for (size_t i = 0; i < m; i++) {
        table_cells(c, fst_cost_row_at(c, i), 0, cells);
        widen(w, cells, n);
    }
    table_cells(c, &c->totals, 1, cells);
    widen(w, cells, n);
    table_line(c, f, head, w);
    for (size_t i = 0; i < m; i++) {
        table_cells(c, fst_cost_row_at(c, i), 0, cells);
        table_line(c, f, cells, w);
    }
    if (m < fst_cost_n_rows(c))
        fprintf(f, "(%zu more rows; --top 0 shows all)\n", fst_cost_n_rows(c) - m);
    table_cells(c, &c->totals, 1, cells);
    table_line(c, f, cells, w);
}

int fst_cost_write(const fst_cost *c, FILE *f, int fmt, size_t top)
{
    const size_t m = shown(c, top);
    if (fmt == FST_COST_TABLE)
        write_table(c, f, top);
    else if (fmt == FST_COST_CSV)
        csv_header(c, f);
    for (size_t i = 0; fmt != FST_COST_TABLE && i < m; i++) {
        if (fmt == FST_COST_CSV)
            csv_row(c, f, fst_cost_row_at(c, i));
        else
            jsonl_row(c, f, fst_cost_row_at(c, i));
    }
    return ferror(f) ? -1 : 0;
}

/* ---- findings -------------------------------------------------------------- */

static const char *const kind_names[FST_FINDING_KIND_COUNT] = {
    "nat-aws-service", "inter-az", "internet-egress", "nat-hairpin"};

static const char *const kind_titles[FST_FINDING_KIND_COUNT] = {
    "S3/DynamoDB through a NAT gateway (a gateway VPC endpoint removes the NAT charge)",
    "inter-AZ zone pairs (both directions charged) and the services behind them",
    "internet egress by ENI (bytes leaving AWS)",
    "NAT hairpin: both ends inside, yet through a NAT gateway (route them directly)"};

static void finding_line(FILE *f, int fmt, const fst_cost_finding *x)
{
    char month[32];
    if (x->usd_month < 0)
        snprintf(month, sizeof month, "n/a");
    else
        snprintf(month, sizeof month, "%.2f", x->usd_month);
    if (fmt == FST_COST_JSONL) {
        fprintf(f, "{\"finding\":\"%s\",\"what\":", kind_names[x->kind]);
        json_str(f, x->what);
        fputs(",\"detail\":", f);
        json_str(f, x->detail);
        fprintf(f, ",\"sessions\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"cost_usd\":%.6f"
                   ",\"monthly_usd\":%s}\n",
                x->sessions, x->bytes, x->usd, x->usd_month < 0 ? "null" : month);
    } else if (fmt == FST_COST_CSV) {
        fprintf(f, "%s,", kind_names[x->kind]);
        csv_str(f, x->what);
        putc(',', f);
        csv_str(f, x->detail);
        fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%.6f,%s\n", x->sessions, x->bytes, x->usd,
                x->usd_month < 0 ? "" : month);
    } else {
        fprintf(f, "  %-40s %14" PRIu64 " bytes  $%10.4f  ~$%s/month%s%s\n", x->what,
                x->bytes, x->usd, month, *x->detail ? "  " : "", x->detail);
    }
}

int fst_cost_write_findings(const fst_cost *c, FILE *f, int fmt, size_t top)
{
    const fst_cost_finding *v;
    const size_t n = fst_cost_findings(c, &v);
    const size_t per = top ? top : 10;
    if (fmt == FST_COST_CSV)
        fputs("finding,what,detail,sessions,bytes,cost_usd,monthly_usd\n", f);
    if (fmt == FST_COST_TABLE)
        fprintf(f, "Findings (time covered %" PRId64 " s; monthly = x 30.4375 days):\n",
                fst_cost_span(c));
    for (int k = 0; k < FST_FINDING_KIND_COUNT; k++) {
        size_t shown_k = 0;
        if (fmt == FST_COST_TABLE)
            fprintf(f, "%s:\n", kind_titles[k]);
        for (size_t i = 0; i < n; i++)
            if (v[i].kind == k && shown_k++ < per)
                finding_line(f, fmt, &v[i]);
        if (fmt == FST_COST_TABLE && !shown_k)
            fputs("  none\n", f);
    }
    return ferror(f) ? -1 : 0;
}
