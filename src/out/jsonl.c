/* out/jsonl.c - JSON Lines: one object per row, keys in column order, no
 * spaces, "\n" after each object (docs/output.md).
 *
 * Numbers are JSON numbers, addresses and text JSON strings, a list an
 * array of strings, a boolean true/false, a NULL cell null.  Record keys
 * are the AWS names with '-' turned into '_'.
 */
#include <string.h>

#include "flowstitch/errors.h"
#include "out/columns.h"
#include "out/row.h"

/* "\"name\":" for each session column. */
static const struct { const char *s; size_t n; } session_keys[FST__SCOL_COUNT] = {
#define KEY(name) {"\"" #name "\":", sizeof("\"" #name "\":") - 1},
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
    char *p = fst__writer_reserve(w, FST__SESSION_ROW_FIXED + text);
    if (!p)
        return FST_ENOMEM;
    *p++ = '{';
    for (int i = 0; i < FST__SCOL_COUNT; i++) {
        if (i)
            *p++ = ',';
        p = fst__put(p, session_keys[i].s, session_keys[i].n);
        p = put_cell(p, &cells[i], w->time_iso, &w->utf8_replaced);
    }
    p = FST__PUT_LIT(p, "}\n");
    return fst__writer_emit(w, p);
}

static int record_row(fst_writer *w, const fst_record *rec)
{
    char *p = fst__writer_reserve(w, fst__record_row_bound(rec));
    if (!p)
        return FST_ENOMEM;
    *p++ = '{';
    for (int i = 0; i < rec->format->ncols; i++) {
        if (i)
            *p++ = ',';
        *p++ = '"';
        p = fst__put_record_key(p, rec, i);
        p = FST__PUT_LIT(p, "\":");
        const fst__cell c = fst__record_cell(rec, i);
        p = put_cell(p, &c, w->time_iso, &w->utf8_replaced);
    }
    p = FST__PUT_LIT(p, "}\n");
    return fst__writer_emit(w, p);
}

const fst__format_ops fst__jsonl_ops = {
    .name = "jsonl",
    .aliases = {"json", "ndjson", NULL},
    .session_row = session_row,
    .record_row = record_row,
};
