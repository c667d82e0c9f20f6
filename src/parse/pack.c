/* parse/pack.c - packing parsed records for the parse workers (pack.h).
 *
 * A packed record is a head (export time, dash set, status), then per
 * column of the layout a 64-bit value (num[] of its field; 0 for ids and
 * text) and the token as (offset, length) in the chunk text, then the
 * address columns' fst_addr in column order.
 */
#include "parse/pack.h"

#include <string.h>

#include "flowstitch/errors.h"
#include "parse/intern.h"
#include "parse/parser_int.h"
#include "util/util.h"

typedef struct head {
    int64_t export_ms;
    fst_fieldset dash;
    uint16_t ncols, naddr; /* the layout's shape, checked when unpacking */
    uint8_t status;
} head;

typedef struct tok {
    uint32_t off, len;
} tok;

static size_t up8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

size_t fst__pack_stride(const fst__parser *p)
{
    const size_t nc = p->cur->ncols;
    return up8(sizeof(head) + nc * (sizeof(uint64_t) + sizeof(tok)) + p->naddr * sizeof(fst_addr));
}

void fst__pack_record(const fst__parser *p, const fst_record *rec, const char *base, void *out)
{
    const size_t nc = p->cur->ncols;
    unsigned char *o = out;
    head h = {rec->export_ms, rec->dash, (uint16_t)nc, p->naddr, rec->status};
    memcpy(o, &h, sizeof h);
    uint64_t *val = (uint64_t *)(void *)(o + sizeof h);
    tok *t = (tok *)(void *)(val + nc);
    unsigned char *addr = (unsigned char *)(t + nc);
    for (size_t c = 0; c < nc; c++) {
        const plan *pl = &p->plan[c];
        t[c].off = (uint32_t)(rec->cols[c].ptr - base);
        t[c].len = rec->cols[c].len;
        if (pl->kind == K_ADDR) {
            memcpy(addr, &rec->addr[pl->slot], sizeof(fst_addr));
            addr += sizeof(fst_addr);
        }
        val[c] = pl->id == FST_F_UNKNOWN ? 0 : rec->num[pl->id];
    }
}

/* The map of worker w's local ids, grown to hold lid; NULL on out of memory. */
static fst__idmap *idmap_for(fst__parser *p, int w, uint64_t lid)
{
    if ((uint32_t)w >= p->n_wmap) {
        const uint32_t n = (uint32_t)w + 1;
        fst__idmap *m = fst__realloc(p->wmap, n * sizeof *m);
        if (!m)
            return NULL;
        memset(m + p->n_wmap, 0, (n - p->n_wmap) * sizeof *m);
        p->wmap = m;
        p->n_wmap = n;
    }
    fst__idmap *m = &p->wmap[w];
    if (lid >= m->n) {
        uint32_t n = m->n ? m->n : 256;
        while (n <= lid)
            n *= 2;
        fst__idmap_ent *e = fst__realloc(m->e, (size_t)n * sizeof *e);
        if (!e)
            return NULL;
        memset(e + m->n, 0, (size_t)(n - m->n) * sizeof *e);
        m->e = e;
        m->n = n;
    }
    return m;
}

int fst__parser_id(fst__parser *p, int id, int worker, uint64_t lid, const char *s, uint32_t n,
                   const char **out, uint32_t *num)
{
    if (!lid || worker < 0 || lid > FST__LOCAL_IDS_MAX)
        return fst__parser_intern_id(p, id, s, n, out, num);
    if ((uint32_t)worker < p->n_wmap && lid < p->wmap[worker].n) {
        const fst__idmap_ent *e = &p->wmap[worker].e[lid];
        if (e->s) {
            *out = e->s;
            *num = e->id;
            return 0;
        }
    }
    FST__TRY(fst__parser_intern_id(p, id, s, n, out, num));
    fst__idmap *m = idmap_for(p, worker, lid);
    if (m) /* else the next record with it interns it again */
        m->e[lid] = (fst__idmap_ent){*out, *num};
    return 0;
}

/* Id field `id` of rec, whose text is s[0..n) and whose worker-local id
 * (0: none) is lid (fst__parser_id). */
static int id_of(fst__parser *p, fst_record *rec, int id, int worker, uint64_t lid,
                 const char *s, uint32_t n)
{
    const char *is;
    uint32_t num;
    FST__TRY(fst__parser_id(p, id, worker, lid, s, n, &is, &num));
    fst__record_set_id(rec, id, is, num);
    return 0;
}

int fst__unpack_record(fst__parser *p, const void *in, const char *base, uint64_t lineno,
                       int worker, fst_record *rec)
{
    const fst_format *f = p->cur;
    const size_t nc = f->ncols;
    fst__parser_fresh_record(p, rec);
    const unsigned char *i = in;
    head h;
    memcpy(&h, i, sizeof h);
    if (h.ncols != nc || h.naddr != p->naddr) /* only after a failed allocation */
        return FST_ENOMEM;
    const uint64_t *val = (const uint64_t *)(const void *)(i + sizeof h);
    const tok *t = (const tok *)(const void *)(val + nc);
    const unsigned char *addr = (const unsigned char *)(t + nc);
    rec->dash = h.dash;
    rec->eni = 0;
    fst_str *cols = p->cols;
    for (size_t c = 0; c < nc; c++) {
        const plan *pl = &p->plan[c];
        const int id = pl->id;
        cols[c].ptr = base + t[c].off;
        cols[c].len = t[c].len;
        if (id == FST_F_UNKNOWN)
            continue;
        if (pl->kind == K_ADDR) {
            memcpy(&rec->addr[pl->slot], addr, sizeof(fst_addr));
            addr += sizeof(fst_addr);
        } else if (pl->kind == K_ID) {
            if (FST_FIELDSET_HAS(h.dash, id)) {
                rec->ids[id] = NULL;
            } else if (id_of(p, rec, id, worker, val[c], cols[c].ptr, cols[c].len) < 0) {
                p->last_rec = NULL; /* half written */
                return FST_ENOMEM;
            }
            rec->num[id] = 0; /* the value packed is the worker's local id */
            continue;
        }
        rec->num[id] = val[c];
    }
    rec->format = f;
    rec->cols = cols;
    rec->file = p->file;
    rec->status = h.status;
    rec->line = lineno;
    rec->export_ms = h.export_ms;
    return 0;
}
