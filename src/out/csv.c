/* out/csv.c - CSV (RFC 4180) and TSV: a header line, then one line per row,
 * fields separated by ',' or a tab (docs/output.md).
 *
 * A NULL cell is the empty field, a boolean true/false, a list its items
 * joined with ';' as one field.  CSV quotes a field holding ',', '"', CR or
 * LF, doubling its quotes; TSV never quotes and turns tabs, CR and LF into
 * spaces.  Bytes that are not UTF-8 become U+FFFD (counted); a text cell
 * a spreadsheet would run as a formula gets a leading "'" (formula_like).
 * Session writers write the header at open; record writers write one
 * header, the union of the columns of every layout met, at close (rows
 * are spooled to a temporary file until then).
 */
#include <stdio.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "out/columns.h"
#include "out/recplan.h"
#include "out/row.h"
#include "parse/format.h"
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

/* ---- records: one header, the union of the layouts --------------------
 *
 * Files of different formats have different columns, and a CSV file has
 * one header.  Rows are rendered as they come and spooled to a temporary
 * file (tmpfile(3)): per row its layout number, its cell lengths and the
 * cell bytes.  At close the header is the union of every layout's column
 * keys, in the order first seen, and each row is written under it with
 * empty cells for the columns its layout lacks (docs/output.md).  Memory:
 * the layouts and one row; the rows themselves are on disk.
 */

typedef struct rec_layout {
    char *sig;      /* the layout's keys joined by '\n', to match it again */
    size_t siglen;
    uint32_t ncols;
    uint32_t *slot; /* column i -> position in the union */
} rec_layout;

typedef struct rec_spool {
    FILE *tmp;
    char **keys; /* the union of the column keys, first seen first */
    uint32_t nkeys, capkeys;
    rec_layout *lay;
    uint32_t nlay, caplay, cur;
    uint32_t lens[FST__MAX_COLS];
    char *rbuf; /* a row read back */
    size_t rcap;
    fst__recplan plan; /* the last record's layout (out/recplan.h) */
    uint32_t plan_lay; /* and its index in lay, when plan_ok */
    int plan_ok;
} rec_spool;

static void spool_free(rec_spool *sp)
{
    if (!sp)
        return;
    if (sp->tmp)
        fclose(sp->tmp);
    for (uint32_t i = 0; i < sp->nkeys; i++)
        fst__free(sp->keys[i]);
    for (uint32_t i = 0; i < sp->nlay; i++) {
        fst__free(sp->lay[i].sig);
        fst__free(sp->lay[i].slot);
    }
    fst__free(sp->keys);
    fst__free(sp->lay);
    fst__free(sp->rbuf);
    fst__recplan_free(&sp->plan);
    fst__free(sp);
}

/* Grow an array of n elements of size sz to hold one more; 0 or -1. */
static int grow(void **arr, uint32_t n, uint32_t *cap, size_t sz)
{
    if (n < *cap)
        return 0;
    const uint32_t nc = *cap ? *cap * 2 : 16;
    void *na = fst__realloc(*arr, (size_t)nc * sz);
    if (!na)
        return -1;
    *arr = na;
    *cap = nc;
    return 0;
}

/* The union position of key k[0..n) for a column of a new layout: a key
 * not yet used by this layout's first `used` columns (so a name a layout
 * repeats gets its own column), else a new key.  -1 on out of memory. */
static long union_slot(rec_spool *sp, const char *k, size_t n, const uint32_t *slot, uint32_t used)
{
    for (uint32_t j = 0; j < sp->nkeys; j++) {
        if (strlen(sp->keys[j]) != n || memcmp(sp->keys[j], k, n))
            continue;
        uint32_t c = 0;
        while (c < used && slot[c] != j)
            c++;
        if (c == used)
            return j;
    }
    if (grow((void **)&sp->keys, sp->nkeys, &sp->capkeys, sizeof *sp->keys) < 0 ||
        !(sp->keys[sp->nkeys] = fst__strndup(k, n)))
        return -1;
    return sp->nkeys++;
}

/* The layout of rec, whose keys sig[0..n) were rendered; added when new.
 * Its index, or -1 on out of memory. */
static long find_layout(rec_spool *sp, const fst_record *rec, const char *sig, size_t n)
{
    if (sp->nlay && sp->lay[sp->cur].siglen == n && !memcmp(sp->lay[sp->cur].sig, sig, n))
        return sp->cur;
    for (uint32_t i = 0; i < sp->nlay; i++)
        if (sp->lay[i].siglen == n && !memcmp(sp->lay[i].sig, sig, n))
            return sp->cur = i;
    if (grow((void **)&sp->lay, sp->nlay, &sp->caplay, sizeof *sp->lay) < 0)
        return -1;
    rec_layout *l = &sp->lay[sp->nlay];
    const uint32_t nc = rec->format->ncols;
    l->sig = fst__strndup(sig, n);
    l->slot = fst__malloc((nc ? nc : 1) * sizeof *l->slot);
    l->siglen = n;
    l->ncols = nc;
    if (!l->sig || !l->slot) {
        fst__free(l->sig);
        fst__free(l->slot);
        return -1;
    }
    sp->nlay++; /* owned from here: spool_free releases it */
    const char *k = sig;
    for (uint32_t i = 0; i < nc; i++) {
        const char *e = memchr(k, '\n', (size_t)(sig + n - k));
        const long u = union_slot(sp, k, (size_t)(e - k), l->slot, i);
        if (u < 0)
            return -1;
        l->slot[i] = (uint32_t)u;
        k = e + 1;
    }
    return sp->cur = sp->nlay - 1;
}

static int record_row(fst_writer *w, const fst_record *rec, char sep)
{
    rec_spool *sp = w->state;
    if (!sp) {
        if (!(sp = fst__calloc(1, sizeof *sp)))
            return FST_ENOMEM;
        w->state = sp;
        if (!(sp->tmp = tmpfile()))
            return FST_EIO;
    }
    const uint32_t nc = rec->format->ncols;
    char *p = fst__writer_reserve(w, fst__record_row_bound(rec));
    const int fresh = fst__recplan_get(&sp->plan, rec);
    if (!p || fresh < 0)
        return FST_ENOMEM;
    if (fresh || !sp->plan_ok) { /* a layout other than the last record's */
        char *const sig = p;
        for (uint32_t i = 0; i < nc; i++) {
            p = fst__put_record_key(p, rec, (int)i);
            *p++ = '\n';
        }
        const long lay = find_layout(sp, rec, sig, (size_t)(p - sig));
        if (lay < 0)
            return FST_ENOMEM;
        sp->plan_lay = (uint32_t)lay;
        sp->plan_ok = 1;
    }
    const uint32_t lay = sp->plan_lay;
    char *const cells = p;
    for (uint32_t i = 0; i < nc; i++) {
        const fst__cell c = fst__record_cell(rec, (int)i);
        char *const at = p;
        p = put_cell(p, &c, sep, w->time_iso, &w->utf8_replaced);
        sp->lens[i] = (uint32_t)(p - at);
    }
    const uint32_t head = lay;
    if (fwrite(&head, sizeof head, 1, sp->tmp) != 1 ||
        fwrite(sp->lens, sizeof *sp->lens, nc, sp->tmp) != nc ||
        fwrite(cells, 1, (size_t)(p - cells), sp->tmp) != (size_t)(p - cells)) {
        w->failed = 1;
        return FST_EIO;
    }
    return 0;
}

/* One spooled row, read back and written under the union header. */
static int replay_row(fst_writer *w, rec_spool *sp, const rec_layout *l, char sep,
                      const char **at, uint32_t *len)
{
    if (fread(sp->lens, sizeof *sp->lens, l->ncols, sp->tmp) != l->ncols)
        return FST_EIO;
    size_t total = 0;
    for (uint32_t i = 0; i < l->ncols; i++)
        total += sp->lens[i];
    if (total > sp->rcap) {
        char *nb = fst__realloc(sp->rbuf, total);
        if (!nb)
            return FST_ENOMEM;
        sp->rbuf = nb;
        sp->rcap = total;
    }
    if (total && fread(sp->rbuf, 1, total, sp->tmp) != total)
        return FST_EIO;
    for (uint32_t u = 0; u < sp->nkeys; u++)
        at[u] = NULL;
    const char *c = sp->rbuf;
    for (uint32_t i = 0; i < l->ncols; i++) {
        at[l->slot[i]] = c;
        len[l->slot[i]] = sp->lens[i];
        c += sp->lens[i];
    }
    char *p = fst__writer_reserve(w, total + sp->nkeys + 1);
    if (!p)
        return FST_ENOMEM;
    for (uint32_t u = 0; u < sp->nkeys; u++) {
        if (u)
            *p++ = sep;
        if (at[u])
            p = fst__put(p, at[u], len[u]);
    }
    *p++ = '\n';
    return fst__writer_emit(w, p);
}

/* The union header, then every spooled row. */
static int replay(fst_writer *w, rec_spool *sp, char sep)
{
    size_t need = 1;
    for (uint32_t u = 0; u < sp->nkeys; u++)
        need += strlen(sp->keys[u]) + 1;
    char *p = fst__writer_reserve(w, need);
    if (!p)
        return FST_ENOMEM;
    for (uint32_t u = 0; u < sp->nkeys; u++) {
        if (u)
            *p++ = sep;
        p = fst__put(p, sp->keys[u], strlen(sp->keys[u]));
    }
    *p++ = '\n';
    int rc = fst__writer_emit(w, p);
    const char **at = fst__malloc(sp->nkeys * sizeof *at);
    uint32_t *len = fst__malloc(sp->nkeys * sizeof *len);
    if (!at || !len)
        rc = FST_ENOMEM;
    if (fflush(sp->tmp) != 0 || fseek(sp->tmp, 0, SEEK_SET) != 0)
        rc = FST_EIO;
    uint32_t lay;
    while (rc == 0 && fread(&lay, sizeof lay, 1, sp->tmp) == 1)
        rc = lay < sp->nlay ? replay_row(w, sp, &sp->lay[lay], sep, at, len) : FST_EIO;
    if (rc == 0 && ferror(sp->tmp))
        rc = FST_EIO;
    fst__free(at);
    fst__free(len);
    return rc;
}

static void record_end_sep(fst_writer *w, char sep)
{
    rec_spool *sp = w->state;
    if (sp && sp->tmp && sp->nlay && replay(w, sp, sep) < 0)
        w->failed = 1;
    spool_free(sp);
    w->state = NULL;
}

/* ---- the two formats --------------------------------------------------- */

static void csv_end(fst_writer *w) { record_end_sep(w, SEP_CSV); }
static void tsv_end(fst_writer *w) { record_end_sep(w, SEP_TSV); }
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
    .end = csv_end,
};

const fst__format_ops fst__tsv_ops = {
    .name = "tsv",
    .begin = tsv_begin,
    .session_row = tsv_session,
    .record_row = tsv_record,
    .end = tsv_end,
};
