/* observe/context.c - where each ENI lives, and the AWS service addresses,
 * as the records say (see observe.h: fst__eni.ctx, fst__awssvc).
 *
 * Per record the cost is a pointer compare per context field: the parser
 * interns ids, so a record repeating its ENI's first values (the common
 * case: an ENI's account, VPC, subnet, AZ, region and instance never
 * change) matches the remembered pointers.  Text is compared only when a
 * pointer differs (a new value, another reader, a conflict).  Service
 * names are rare (only traffic to or from AWS service addresses has them)
 * and cost a hash probe each.
 */
#include <string.h>

#include "observe/observe.h"
#include "flowstitch/errors.h"

/* Record field of each FST__CTX_* slot. */
static const int ctx_field[FST__CTX_N] = {
    [FST__CTX_ACCOUNT] = FST_F_ACCOUNT_ID, [FST__CTX_VPC] = FST_F_VPC_ID,
    [FST__CTX_SUBNET] = FST_F_SUBNET_ID,   [FST__CTX_AZ] = FST_F_AZ_ID,
    [FST__CTX_REGION] = FST_F_REGION,      [FST__CTX_INSTANCE] = FST_F_INSTANCE_ID,
};

int fst__prep_id_field(int i)
{
    return i == 0 ? FST_F_INTERFACE_ID : ctx_field[i - 1];
}

/* Copies the service name of field f into out ("" when none or too long). */
static int svc_text(const fst_record *rec, int f, char out[FST__SVC_LEN])
{
    out[0] = '\0';
    if (!fst_record_has(rec, f))
        return 0;
    const fst_str t = rec->cols[rec->format->col[f]];
    if (t.len == 0 || t.len >= FST__SVC_LEN)
        return 0;
    memcpy(out, t.ptr, t.len);
    out[t.len] = '\0';
    return 1;
}

int fst__observe_prep_where(const fst_record *rec, fst__prep_where *wh)
{
    const fst_fieldset f = rec->format->fields;
    int any = FST_FIELDSET_HAS(f, FST_F_PKT_SRC_AWS_SERVICE) ||
              FST_FIELDSET_HAS(f, FST_F_PKT_DST_AWS_SERVICE);
    for (int k = 0; k < FST__CTX_N; k++)
        any |= (int)FST_FIELDSET_HAS(f, ctx_field[k]);
    if (!any)
        return 0;
    for (int k = 0; k < FST__CTX_N; k++)
        wh->id[k] = rec->ids[ctx_field[k]];
    svc_text(rec, FST_F_PKT_SRC_AWS_SERVICE, wh->svc[0]);
    svc_text(rec, FST_F_PKT_DST_AWS_SERVICE, wh->svc[1]);
    wh->check_text = 0;
    return 1;
}

void fst__observe_forget_ids(fst__observe *o)
{
    fst__oatab_free(&o->eni_by_ptr); /* the old reader's pointers: none may match now */
    o->n_eniptr = 0;
    if (o->eni_num) /* and its numbers */
        memset(o->eni_num, 0, o->cap_eni_num * sizeof *o->eni_num);
    o->ptrs_trusted = 1;
    for (uint32_t i = 0; i < o->n_enis; i++)
        memset(o->enis[i]->ctx_seen, 0, sizeof o->enis[i]->ctx_seen);
}

/* The ENI's context fields from one record: the first value stays. */
static int take_ids(fst__observe *o, fst__eni *e, const fst__prep_where *wh)
{
    for (int k = 0; k < FST__CTX_N; k++) {
        const char *id = wh->id[k];
        if (!id || (id == e->ctx_seen[k] && !wh->check_text))
            continue;
        if (!e->ctx[k]) {
            e->ctx[k] = fst__strndup(id, strlen(id));
            if (!e->ctx[k])
                return FST_ENOMEM;
            e->ctx_seen[k] = id;
        } else if (!strcmp(e->ctx[k], id)) {
            e->ctx_seen[k] = id;
        } else {
            o->ctx_conflicts++;
        }
    }
    return 0;
}

static uint32_t svc_hash(const fst__observe *o, const uint8_t a[16])
{
    return fst__hash(a, 16, o->seed ^ 0x5e7cULL);
}

typedef struct svc_ctx {
    const fst__observe *o;
    const uint8_t *a;
} svc_ctx;

static int svc_eq(const void *ctx, uint32_t idx)
{
    const svc_ctx *c = ctx;
    return !memcmp(c->o->svc.v[idx].a, c->a, 16);
}

/* Index of name in the distinct names, added when new; -1 out of memory. */
static int64_t svc_name(fst__awssvc *sv, const char *name)
{
    for (uint32_t i = 0; i < sv->n_names; i++)
        if (!strcmp(sv->names[i], name))
            return i;
    if (fst__grow((void **)&sv->names, &sv->cap_names, sv->n_names + 1, sizeof *sv->names) < 0)
        return -1;
    if (!(sv->names[sv->n_names] = fst__strndup(name, strlen(name))))
        return -1;
    return sv->n_names++;
}

static int svc_add(fst__observe *o, const uint8_t a[16], const char *name)
{
    fst__awssvc *sv = &o->svc;
    const uint32_t hv = svc_hash(o, a);
    const svc_ctx c = {o, a};
    uint32_t pos;
    if (fst__oatab_find(&sv->tab, hv, svc_eq, &c, &pos) != UINT32_MAX)
        return 0; /* the first name seen for the address stays */
    const int64_t ni = svc_name(sv, name);
    if (ni < 0)
        return FST_ENOMEM;
    FST__TRY(fst__grow((void **)&sv->v, &sv->cap, sv->n + 1, sizeof *sv->v));
    memcpy(sv->v[sv->n].a, a, 16);
    sv->v[sv->n].name = (uint32_t)ni;
    FST__TRY(fst__oatab_insert(&sv->tab, pos, hv, sv->n));
    sv->n++;
    return 0;
}

int fst__observe_svc_add(fst__observe *o, const uint8_t a[16], const char *name)
{
    return svc_add(o, a, name);
}

void fst__observe_svc_clear(fst__observe *o)
{
    fst__awssvc *sv = &o->svc;
    fst__oatab_free(&sv->tab);
    for (uint32_t i = 0; i < sv->n_names; i++)
        fst__free(sv->names[i]);
    sv->n = sv->n_names = 0;
}

int fst__observe_take_where(fst__observe *o, fst__eni *e, const fst__prep_where *wh,
                            const uint8_t *src, const uint8_t *dst)
{
    if (e->index != 0)
        FST__TRY(take_ids(o, e, wh));
    if (src && wh->svc[0][0])
        FST__TRY(svc_add(o, src, wh->svc[0]));
    if (dst && wh->svc[1][0])
        FST__TRY(svc_add(o, dst, wh->svc[1]));
    return 0;
}

const char *fst__svc_of(const fst__observe *o, const uint8_t a[16])
{
    if (!o->svc.n)
        return NULL;
    const svc_ctx c = {o, a};
    uint32_t pos;
    const uint32_t i = fst__oatab_find(&o->svc.tab, svc_hash(o, a), svc_eq, &c, &pos);
    return i == UINT32_MAX ? NULL : o->svc.names[o->svc.v[i].name];
}

static void add_secondary(fst__eni *e, const uint8_t a[16])
{
    for (uint8_t i = 0; i < e->n_sec; i++)
        if (!memcmp(e->sec[i], a, 16))
            return;
    if (e->n_sec < FST__ENI_SEC_MAX)
        memcpy(e->sec[e->n_sec++], a, 16);
}

void fst__eni_note_secondary(fst__eni *e, const fst__win *w, const uint8_t *rs, const uint8_t *rd)
{
    if (!e->ctx[FST__CTX_INSTANCE] || (w->bits & FST__W_INST_DASH))
        return; /* a hop's pkt-* is the real peer, not its own */
    if ((w->bits & FST__W_SRC_SUBST) && w->fdir == FST_DIR_EGRESS)
        add_secondary(e, rs);
    if ((w->bits & FST__W_DST_SUBST) && w->fdir == FST_DIR_INGRESS)
        add_secondary(e, rd);
}

int fst__eni_ctx_owns(const fst__eni *e, const uint8_t a[16])
{
    if (e->meta)
        return fst__eni_has_addr(e, a);
    for (uint8_t i = 0; i < e->n_sec; i++)
        if (!memcmp(e->sec[i], a, 16))
            return 1;
    if (e->has_dir_own)
        return !memcmp(e->dir_own, a, 16);
    if (e->ncand == 1)
        return !memcmp(e->cand[0], a, 16);
    return e->has_sure_own && !memcmp(e->sure_own, a, 16);
}

const uint8_t *fst__eni_own(const fst__eni *e)
{
    if (e->meta && e->meta->primary.family)
        return e->meta->primary.b;
    if (e->has_sure_own)
        return e->sure_own;
    if (e->ncand == 1)
        return e->cand[0];
    return NULL;
}

int fst__eni_has_addr(const fst__eni *e, const uint8_t a[16])
{
    if (e->meta) {
        fst_addr x;
        memcpy(x.b, a, 16);
        x.family = (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) ? 6 : 4);
        return fst__eni_owns(e->meta, &x);
    }
    const uint8_t *own = fst__eni_own(e);
    return own && !memcmp(own, a, 16);
}
