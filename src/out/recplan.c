/* out/recplan.c - a record layout's plan for the fast writers (recplan.h). */
#include "out/recplan.h"

#include <string.h>

#include "flowstitch/errors.h"
#include "util/util.h"

void fst__recplan_free(fst__recplan *rp)
{
    if (rp->unknown)
        for (size_t i = 0; i < rp->ncols; i++)
            fst__free(rp->unknown[i]);
    fst__free(rp->unknown);
    fst__free(rp->ids);
    fst__free(rp->col);
    fst__free(rp->keys);
    memset(rp, 0, sizeof *rp);
}

/* Is the plan the one of f? */
static int same_layout(const fst__recplan *rp, const fst_format *f)
{
    if (!rp->col || rp->ncols != f->ncols || memcmp(rp->ids, f->ids, f->ncols) != 0)
        return 0;
    for (size_t i = 0; i < f->ncols; i++)
        if (f->ids[i] == FST_F_UNKNOWN && strcmp(rp->unknown[i], f->names[i]) != 0)
            return 0;
    return 1;
}

static uint8_t kind_of(int id)
{
    if (id == FST_F_UNKNOWN)
        return FST__RP_TEXT;
    switch (fst_field_type(id)) {
    case FST_T_TIME:
        return FST__RP_TIME;
    case FST_T_UINT: case FST_T_PORT: case FST_T_PROTO: case FST_T_FLAGS: case FST_T_SMALL:
        return FST__RP_U64;
    case FST_T_ADDR:
        return FST__RP_ADDR;
    case FST_T_ACTION: case FST_T_STATUS: case FST_T_DIR: case FST_T_IPTYPE:
        return FST__RP_ENUM;
    default:
        return FST__RP_TEXT;
    }
}

static int build(fst__recplan *rp, const fst_format *f)
{
    const size_t nc = f->ncols;
    size_t klen = 0;
    for (size_t i = 0; i < nc; i++)
        klen += strlen(f->names[i]) + 4;
    rp->ncols = (uint16_t)nc;
    rp->ids = fst__malloc(nc ? nc : 1);
    rp->unknown = fst__calloc(nc ? nc : 1, sizeof *rp->unknown);
    rp->col = fst__calloc(nc ? nc : 1, sizeof *rp->col);
    rp->keys = fst__calloc(1, klen + FST__RP_KEY_COPY);
    if (!rp->ids || !rp->unknown || !rp->col || !rp->keys)
        return FST_ENOMEM;
    memcpy(rp->ids, f->ids, nc);
    char *k = rp->keys;
    for (size_t i = 0; i < nc; i++) {
        const int id = f->ids[i];
        const char *name = f->names[i];
        if (id == FST_F_UNKNOWN && !(rp->unknown[i] = fst__strndup(name, strlen(name))))
            return FST_ENOMEM;
        fst__rp_col *c = &rp->col[i];
        c->id = (uint8_t)id;
        c->kind = kind_of(id);
        c->type = id == FST_F_UNKNOWN ? FST_T_TEXT : (uint8_t)fst_field_type(id);
        c->slot = c->kind == FST__RP_ADDR ? (uint8_t)fst_field_addr_slot(id) : 0;
        c->key = (uint32_t)(k - rp->keys);
        *k++ = i ? ',' : '{';
        *k++ = '"';
        for (const char *s = name; *s; s++)
            *k++ = *s == '-' ? '_' : *s;
        *k++ = '"';
        *k++ = ':';
        c->klen = (uint32_t)(k - rp->keys) - c->key;
    }
    rp->keys_len = (size_t)(k - rp->keys);
    return 0;
}

int fst__recplan_get(fst__recplan *rp, const fst_record *rec)
{
    if (same_layout(rp, rec->format))
        return 0;
    fst__recplan_free(rp);
    const int rc = build(rp, rec->format);
    if (rc < 0) {
        fst__recplan_free(rp);
        return rc;
    }
    return 1;
}
