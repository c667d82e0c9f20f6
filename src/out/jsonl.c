/* out/jsonl.c - JSON Lines: one object per row, keys in column order, no
 * spaces, "\n" after each object (docs/output.md).
 *
 * Numbers are JSON numbers, addresses and text JSON strings, a list an
 * array of strings, a boolean true/false, a NULL cell null.  Record keys
 * are the AWS names with '-' turned into '_'.
 */
#include <stdint.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "out/columns.h"
#include "out/recplan.h"
#include "out/row.h"
#include "util/util.h"

/* ",\"name\":" for each session column, padded so that one fixed-size
 * copy writes any of them (the row's reserve has room for the overrun). */
#define SKEY_COPY 32
static const struct { char s[SKEY_COPY]; uint8_t n; } session_keys[FST__SCOL_COUNT] = {
#define KEY(name) {",\"" #name "\":", sizeof(",\"" #name "\":") - 1},
    FST__SESSION_COLUMNS(KEY)
#undef KEY
};

/* A list item: absent or empty is null. */
static char *put_item(char *p, const char *s, uint64_t *bad)
{
    if (!s || !*s)
        return FST__PUT_LIT(p, "null");
    return fst__put_json_str_n(p, s, strlen(s), bad);
}

static char *put_cell(char *p, const fst__cell *c, int iso, uint64_t *bad)
{
    switch (c->type) {
    case FST__CELL_TIME:
        if (!iso)
            return fst__put_i64(p, c->v.i);
        *p++ = '"';
        p += fst__time_iso(p, c->v.i);
        *p++ = '"';
        return p;
    case FST__CELL_U64:
        return fst__put_u64(p, c->v.u);
    case FST__CELL_I64:
        return fst__put_i64(p, c->v.i);
    case FST__CELL_ADDR:
        *p++ = '"';
        p = fst__put_addr(p, c->v.addr);
        *p++ = '"';
        return p;
    case FST__CELL_TEXT:
        return fst__put_json_str_n(p, c->v.text.s, c->v.text.len, bad);
    case FST__CELL_BOOL:
        return c->v.b ? FST__PUT_LIT(p, "true") : FST__PUT_LIT(p, "false");
    case FST__CELL_LIST:
        *p++ = '[';
        for (uint32_t i = 0; i < c->v.list.n; i++) {
            if (i)
                *p++ = ',';
            p = put_item(p, c->v.list.items[i], bad);
        }
        *p++ = ']';
        return p;
    case FST__CELL_NULL:
    default:
        return FST__PUT_LIT(p, "null");
    }
}

static int session_row(fst_writer *w, const fst_session *s)
{
    fst__cell cells[FST__SCOL_COUNT];
    const size_t text = fst__session_cells(s, cells);
    char *p = fst__writer_reserve(w, FST__SESSION_ROW_FIXED + SKEY_COPY + text);
    if (!p)
        return FST_ENOMEM;
    char *const start = p;
    for (int i = 0; i < FST__SCOL_COUNT; i++) {
        memcpy(p, session_keys[i].s, SKEY_COPY);
        p += session_keys[i].n;
        p = put_cell(p, &cells[i], w->time_iso, &w->utf8_replaced);
    }
    *start = '{'; /* the first key's ',' */
    p = FST__PUT_LIT(p, "}\n");
    return fst__writer_emit(w, p);
}

/* Past a key: the value of one column of a record (the cells of
 * fst__record_cell, written straight from the record by the plan). */
static char *put_rec_value(char *p, const fst__rp_col *c, const fst_record *rec, const fst_str *tok,
                           int iso, uint64_t *bad)
{
    const int id = c->id;
    if (id == FST_F_UNKNOWN ? (tok->len == 1 && tok->ptr[0] == '-')
                            : FST_FIELDSET_HAS(rec->dash, id) != 0)
        return FST__PUT_LIT(p, "null");
    switch (c->kind) {
    case FST__RP_TIME:
        if (iso && rec->num[id] <= INT64_MAX) {
            *p++ = '"';
            p += fst__time_iso(p, (int64_t)rec->num[id]);
            *p++ = '"';
            return p;
        }
        return fst__put_u64(p, rec->num[id]);
    case FST__RP_U64:
        return fst__put_u64(p, rec->num[id]);
    case FST__RP_ADDR:
        *p++ = '"';
        p = fst__put_addr(p, &rec->addr[c->slot]);
        *p++ = '"';
        return p;
    case FST__RP_ENUM: {
        const char *t = fst__record_enum_text(c->type, rec->num[id]);
        *p++ = '"';
        p = fst__put(p, t, strlen(t));
        *p++ = '"';
        return p;
    }
    default:
        return fst__put_json_str_n(p, tok->ptr, tok->len, bad);
    }
}

/* Longest value of a column that is not text: an address or an ISO time,
 * with quotes. */
#define REC_VALUE_MAX 64

/* Bytes rec's row may take (its plan rp). */
static size_t rec_need(const fst__recplan *rp, const fst_record *rec)
{
    size_t need = rp->keys_len + FST__RP_KEY_COPY + 3 + rp->ncols * REC_VALUE_MAX;
    for (size_t i = 0; i < rp->ncols; i++)
        need += FST__JSON_GROWTH * rec->cols[i].len;
    return need;
}

/* rec's row at p (rec_need bytes); returns its end. */
static char *rec_text(const fst__recplan *rp, const fst_record *rec, int iso, char *p,
                      uint64_t *bad)
{
    if (!rp->ncols)
        *p++ = '{';
    for (size_t i = 0; i < rp->ncols; i++) {
        const fst__rp_col *c = &rp->col[i];
        if (c->klen <= FST__RP_KEY_COPY) { /* one fixed-size copy (the plan pads keys) */
            memcpy(p, rp->keys + c->key, FST__RP_KEY_COPY);
            p += c->klen;
        } else {
            p = fst__put(p, rp->keys + c->key, c->klen);
        }
        p = put_rec_value(p, c, rec, &rec->cols[i], iso, bad);
    }
    return FST__PUT_LIT(p, "}\n");
}

static int record_row(fst_writer *w, const fst_record *rec)
{
    fst__recplan *rp = w->state;
    if (!rp && !(rp = w->state = fst__calloc(1, sizeof *rp)))
        return FST_ENOMEM;
    if (fst__recplan_get(rp, rec) < 0)
        return FST_ENOMEM;
    char *p = fst__writer_reserve(w, rec_need(rp, rec));
    if (!p)
        return FST_ENOMEM;
    return fst__writer_emit(w, rec_text(rp, rec, w->time_iso, p, &w->utf8_replaced));
}

/* ---- rows made on a reader's parse threads (parse/rows.h) --------------- */

static size_t row_on_thread(void *state, const void *ud, const fst_record *rec, char *buf,
                            size_t cap, uint64_t *bad)
{
    fst__recplan *rp = state;
    if (fst__recplan_get(rp, rec) < 0)
        return SIZE_MAX; /* more than any buffer: out of memory */
    const size_t need = rec_need(rp, rec);
    if (need > cap)
        return need;
    return (size_t)(rec_text(rp, rec, *(const int *)ud, buf, bad) - buf);
}

static void *row_state_new(void)
{
    return fst__calloc(1, sizeof(fst__recplan));
}

static void row_state_free(void *state)
{
    fst__recplan_free(state);
    fst__free(state);
}

static const fst__row_maker jsonl_rows = {
    .row = row_on_thread, .state_new = row_state_new, .state_free = row_state_free};

static void jsonl_end(fst_writer *w)
{
    if (w->state)
        fst__recplan_free(w->state);
    fst__free(w->state);
    w->state = NULL;
}

const fst__format_ops fst__jsonl_ops = {
    .name = "jsonl",
    .aliases = {"json", "ndjson", NULL},
    .session_row = session_row,
    .record_row = record_row,
    .end = jsonl_end,
    .record_rows = &jsonl_rows,
};
