/* out/csv.c - CSV (RFC 4180) and TSV: a header line, then one line per row,
 * fields separated by ',' or a tab (docs/output.md).
 *
 * A NULL cell is the empty field, a boolean true/false, a list its items
 * joined with ';' as one field.  CSV quotes a field holding ',', '"', CR or
 * LF, doubling its quotes; TSV never quotes and turns tabs, CR and LF into
 * spaces.  Bytes that are not UTF-8 become U+FFFD (counted); a text cell a
 * spreadsheet would run as a formula gets a leading "'" (formula_like).  Session writers write the header at open; record writers write
 * it before the first row and again whenever the columns change (a new
 * file with another format).
 */
#include <string.h>

#include "flowstitch/errors.h"
#include "out/columns.h"
#include "out/row.h"
#include "util/util.h"

#define SEP_CSV ','
#define SEP_TSV '\t'
/* Joins the items of a list cell. */
#define LIST_SEP ';'

static int csv_special(char c) { return c == SEP_CSV || c == '"' || c == '\n' || c == '\r'; }

static int needs_quotes(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (csv_special(s[i]))
            return 1;
    return 0;
}

/* s[0..len) inside a field: quotes doubled (quoted CSV), or tabs and line
 * ends as spaces (TSV), bytes that are not UTF-8 as U+FFFD (counted in
 * *bad), the rest as it is. */
static char *put_body(char *p, const char *s, size_t len, char sep, int quoted, uint64_t *bad)
{
    for (size_t i = 0; i < len; i++) {
        const char c = s[i];
        if (sep == SEP_TSV && (c == '\t' || c == '\n' || c == '\r')) {
            *p++ = ' ';
            continue;
        }
        if ((unsigned char)c >= 0x80) {
            const size_t k = fst__utf8_seq(s + i, len - i);
            if (k == 0) {
                p = FST__PUT_LIT(p, FST__UTF8_REPLACEMENT);
                (*bad)++;
            } else {
                p = fst__put(p, s + i, k);
                i += k - 1;
            }
            continue;
        }
        if (quoted && c == '"')
            *p++ = '"';
        *p++ = c;
    }
    return p;
}

/* A plain decimal number, optionally signed, optionally with a fraction:
 * "-12", "+5", "-1.5" (a spreadsheet reads it as the number it is). */
static int is_number(const char *s, size_t len)
{
    size_t i = len && (s[0] == '-' || s[0] == '+'), digits = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (digits && i < len && s[i] == '.') {
        const size_t at = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == at)
            return 0;
    }
    return digits && i == len;
}

/* Whether a text cell would be taken for a formula by a spreadsheet
 * (CSV injection): it starts with '=', '+', '-', '@', a tab or a CR, and
 * is neither a number nor AWS's lone "-" placeholder (docs/output.md). */
static int formula_like(const char *s, size_t len)
{
    if (!len || !(s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                  s[0] == '\r'))
        return 0;
    return !(len == 1 && s[0] == '-') && !is_number(s, len);
}

/* The mark that makes a formula-like cell text in every spreadsheet. */
#define FORMULA_GUARD '\''

static char *put_text(char *p, const char *s, size_t len, char sep, uint64_t *bad)
{
    const int q = sep == SEP_CSV && needs_quotes(s, len);
    if (q)
        *p++ = '"';
    if (formula_like(s, len))
        *p++ = FORMULA_GUARD;
    p = put_body(p, s, len, sep, q, bad);
    if (q)
        *p++ = '"';
    return p;
}

/* A list as one field: items joined with ';', quoted as a whole; guarded
 * when its first item is formula-like. */
static char *put_list(char *p, const char *const *items, uint32_t n, char sep, uint64_t *bad)
{
    int q = 0;
    for (uint32_t i = 0; i < n && sep == SEP_CSV && !q; i++)
        q = items[i] && needs_quotes(items[i], strlen(items[i]));
    if (q)
        *p++ = '"';
    if (n && items[0] && formula_like(items[0], strlen(items[0])))
        *p++ = FORMULA_GUARD;
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            *p++ = LIST_SEP;
        if (items[i])
            p = put_body(p, items[i], strlen(items[i]), sep, q, bad);
    }
    if (q)
        *p++ = '"';
    return p;
}

static char *put_cell(char *p, const fst__cell *c, char sep, int iso, uint64_t *bad)
{
    switch (c->type) {
    case FST__CELL_TIME:
        return iso ? p + fst__time_iso(p, c->v.i) : fst__put_i64(p, c->v.i);
    case FST__CELL_U64:
        return fst__put_u64(p, c->v.u);
    case FST__CELL_I64:
        return fst__put_i64(p, c->v.i);
    case FST__CELL_ADDR:
        return fst__put_addr(p, c->v.addr);
    case FST__CELL_TEXT:
        return put_text(p, c->v.text.s, c->v.text.len, sep, bad);
    case FST__CELL_BOOL:
        return c->v.b ? FST__PUT_LIT(p, "true") : FST__PUT_LIT(p, "false");
    case FST__CELL_LIST:
        return put_list(p, c->v.list.items, c->v.list.n, sep, bad);
    case FST__CELL_NULL:
    default:
        return p;
    }
}

/* ---- sessions ---------------------------------------------------------- */

static int session_header(fst_writer *w, char sep)
{
    if (w->rows_kind != FST__ROWS_SESSIONS)
        return 0;
    char *p = fst__writer_reserve(w, FST__SESSION_ROW_FIXED);
    if (!p)
        return FST_ENOMEM;
    for (int i = 0; i < FST__SCOL_COUNT; i++) {
        if (i)
            *p++ = sep;
        const char *name = fst__session_column_names[i];
        p = fst__put(p, name, strlen(name));
    }
    *p++ = '\n';
    return fst__writer_emit(w, p);
}

static int session_row(fst_writer *w, const fst_session *s, char sep)
{
    fst__cell cells[FST__SCOL_COUNT];
    const size_t text = fst__session_cells(s, cells);
    char *p = fst__writer_reserve(w, FST__SESSION_ROW_FIXED + text);
    if (!p)
        return FST_ENOMEM;
    for (int i = 0; i < FST__SCOL_COUNT; i++) {
        if (i)
            *p++ = sep;
        p = put_cell(p, &cells[i], sep, w->time_iso, &w->utf8_replaced);
    }
    *p++ = '\n';
    return fst__writer_emit(w, p);
}

/* ---- records ----------------------------------------------------------- */

/* Write rec's header line at p; keep it as the last header (w->state) and
 * return the end when it differs from the last one, else return p. */
static char *record_header(fst_writer *w, char *p, const fst_record *rec, char sep)
{
    char *const start = p;
    for (int i = 0; i < rec->format->ncols; i++) {
        if (i)
            *p++ = sep;
        p = fst__put_record_key(p, rec, i);
    }
    *p++ = '\n';
    const size_t n = (size_t)(p - start);
    const char *last = w->state;
    if (last && strlen(last) == n && !memcmp(last, start, n))
        return start;
    char *copy = fst__strndup(start, n);
    if (!copy)
        return NULL;
    fst__free(w->state);
    w->state = copy;
    return p;
}

static int record_row(fst_writer *w, const fst_record *rec, char sep)
{
    char *p = fst__writer_reserve(w, fst__record_row_bound(rec));
    if (!p || !(p = record_header(w, p, rec, sep)))
        return FST_ENOMEM;
    for (int i = 0; i < rec->format->ncols; i++) {
        if (i)
            *p++ = sep;
        const fst__cell c = fst__record_cell(rec, i);
        p = put_cell(p, &c, sep, w->time_iso, &w->utf8_replaced);
    }
    *p++ = '\n';
    return fst__writer_emit(w, p);
}

static void record_end(fst_writer *w)
{
    fst__free(w->state);
    w->state = NULL;
}

/* ---- the two formats --------------------------------------------------- */

static int csv_begin(fst_writer *w) { return session_header(w, SEP_CSV); }
static int csv_session(fst_writer *w, const fst_session *s) { return session_row(w, s, SEP_CSV); }
static int csv_record(fst_writer *w, const fst_record *r) { return record_row(w, r, SEP_CSV); }
static int tsv_begin(fst_writer *w) { return session_header(w, SEP_TSV); }
static int tsv_session(fst_writer *w, const fst_session *s) { return session_row(w, s, SEP_TSV); }
static int tsv_record(fst_writer *w, const fst_record *r) { return record_row(w, r, SEP_TSV); }

const fst__format_ops fst__csv_ops = {
    .name = "csv",
    .begin = csv_begin,
    .session_row = csv_session,
    .record_row = csv_record,
    .end = record_end,
};

const fst__format_ops fst__tsv_ops = {
    .name = "tsv",
    .begin = tsv_begin,
    .session_row = tsv_session,
    .record_row = tsv_record,
    .end = record_end,
};
