/* meta/eni.c - ENI metadata from `aws ec2 describe-network-interfaces`.
 *
 * Input accepted (all UTF-8 JSON, parsed with jansson):
 *   - the CLI's object  {"NetworkInterfaces": [ {...}, ... ], "NextToken": ...}
 *   - a bare array      [ {...}, ... ]
 *   - a single ENI      { "NetworkInterfaceId": ..., ... }
 *   - any number of the above concatenated (one page per call, appended to
 *     one file), separated by white space.
 *
 * Per ENI we keep what the stitcher needs (src/meta/eni.h): id, type, the
 * private addresses (primary, secondary, IPv6), the public/Elastic IPs
 * associated with them, subnet, VPC, AZ and instance.  Unknown keys are
 * ignored; a known key with the wrong JSON type, or an address that does not
 * parse, is an error naming the file, the element and the key, because
 * silently dropping an address would silently change session direction.
 * JSON null is treated like an absent key.
 *
 * Duplicates: the same ENI id twice (overlapping pages) keeps the first.  A
 * private address owned by two different ENIs (overlapping VPC CIDRs) is
 * ambiguous: fst__eni_by_addr returns NULL for it rather than guess.
 *
 * Memory: the table owns every ENI, string and address array; all of it is
 * freed by fst_eni_table_free.  Loading holds the whole file in memory (a
 * describe-network-interfaces dump is a few MB even for large accounts).
 */
#include "meta/eni.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "meta/json.h"
#include "util/hashcfg.h"
#include "util/util.h"

typedef struct id_ent {
    const char *key;   /* the ENI's eni_id (its own allocation: stable) */
    size_t idx;        /* index in enis[] (enis[] moves while loading) */
    UT_hash_handle hh;
} id_ent;

typedef struct addr_ent {
    uint8_t key[17];         /* 16 address bytes + family */
    const fst__eni_info *eni; /* NULL when two ENIs claim the address */
    UT_hash_handle hh;
} addr_ent;

struct fst_eni_table {
    fst__eni_info *enis; /* n ENIs, in input order */
    size_t n, cap;
    id_ent *by_id;       /* uthash head, filled while loading */
    addr_ent *by_addr;   /* uthash head, filled once loading is done */
};

/* ---- errors ----------------------------------------------------------- */

/* Where we are while loading: for messages. */
typedef struct load_ctx {
    const char *path;
    char *err;
    size_t errlen;
    size_t doc;       /* 1-based JSON document (page) number */
    size_t index;     /* element index within its array */
    int in_array;     /* the ENI came from NetworkInterfaces[] or a bare array */
} load_ctx;

static void set_err(const load_ctx *c, const char *fmt, ...)
{
    if (!c->err || !c->errlen)
        return;
    int n = snprintf(c->err, c->errlen, "%s: ", c->path);
    if (n < 0 || (size_t)n >= c->errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

/* "NetworkInterfaces[3]" (plus " in JSON document 2" for later pages). */
static void where(const load_ctx *c, char *buf, size_t n)
{
    if (c->in_array)
        snprintf(buf, n, "NetworkInterfaces[%zu]", c->index);
    else
        snprintf(buf, n, "the ENI object");
    if (c->doc > 1) {
        const size_t l = strlen(buf);
        snprintf(buf + l, n - l, " of JSON document %zu", c->doc);
    }
}

static int field_error(const load_ctx *c, const char *key, const char *what)
{
    char w[96];
    where(c, w, sizeof w);
    set_err(c, "%s: \"%s\" %s", w, key, what);
    return FST_EJSON;
}

/* ---- small JSON accessors -------------------------------------------- */

/* Optional string member: *out = NULL when absent or null. */
static int get_str(const load_ctx *c, const json_t *obj, const char *key, const char **out)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return field_error(c, key, "is not a string");
    *out = json_string_value(v);
    return 0;
}

/* Optional boolean member: *out = 0 when absent or null. */
static int get_bool(const load_ctx *c, const json_t *obj, const char *key, int *out)
{
    const json_t *v = json_object_get(obj, key);
    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return field_error(c, key, "is not true or false");
    *out = json_is_true(v);
    return 0;
}

/* Optional array member: *out = NULL when absent or null. */
static int get_array(const load_ctx *c, const json_t *obj, const char *key, const json_t **out)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return field_error(c, key, "is not an array");
    *out = v;
    return 0;
}

/* Optional object member: *out = NULL when absent or null. */
static int get_object(const load_ctx *c, const json_t *obj, const char *key,
                      const json_t **out)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_object(v))
        return field_error(c, key, "is not an object");
    *out = v;
    return 0;
}

/* Optional address member; *have = 0 when absent.  key_shown names it in
 * errors ("PrivateIpAddresses[1].PrivateIpAddress"). */
static int get_addr(const load_ctx *c, const json_t *obj, const char *key,
                    const char *key_shown, fst_addr *out, int *have)
{
    const char *s;
    *have = 0;
    FST__TRY(get_str(c, obj, key, &s));
    if (!s)
        return 0;
    if (fst_addr_parse(s, strlen(s), out) < 0) {
        char what[128];
        snprintf(what, sizeof what, "is not an IP address: \"%.60s\"", s);
        return field_error(c, key_shown, what);
    }
    *have = 1;
    return 0;
}

/* ---- building one ENI ------------------------------------------------- */

/* A growable list of addresses, deduplicated. */
typedef struct addr_list {
    fst_addr *v;
    uint32_t n, cap;
} addr_list;

static int same_addr(const fst_addr *a, const fst_addr *b)
{
    return a->family == b->family && memcmp(a->b, b->b, 16) == 0;
}

static int list_add(addr_list *l, const fst_addr *a)
{
    for (uint32_t i = 0; i < l->n; i++)
        if (same_addr(&l->v[i], a))
            return 0;
    if (l->n == l->cap) {
        const uint32_t cap = l->cap ? l->cap * 2 : 4;
        fst_addr *v = fst__realloc(l->v, cap * sizeof *v);
        if (!v)
            return FST_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *a;
    return 0;
}

static fst__eni_kind kind_of(const char *type)
{
    static const struct {
        const char *name;
        fst__eni_kind kind;
    } map[] = {
        {"interface", FST__ENI_INTERFACE},
        {"nat_gateway", FST__ENI_NAT_GATEWAY},
        {"network_load_balancer", FST__ENI_NLB},
        {"transit_gateway", FST__ENI_TGW},
        {"vpc_endpoint", FST__ENI_VPC_ENDPOINT},
        {"gateway_load_balancer_endpoint", FST__ENI_VPC_ENDPOINT},
        {"lambda", FST__ENI_LAMBDA},
    };
    if (!type)
        return FST__ENI_UNKNOWN;
    for (size_t i = 0; i < FST__ARRAY_LEN(map); i++)
        if (!strcmp(type, map[i].name))
            return map[i].kind;
    return FST__ENI_OTHER;
}

/* Copy an optional string; *out stays NULL for NULL. */
static int dup_str(const char *s, const char **out)
{
    *out = NULL;
    if (!s)
        return 0;
    char *d = fst__strndup(s, strlen(s));
    if (!d)
        return FST_ENOMEM;
    *out = d;
    return 0;
}

static void info_free(fst__eni_info *e)
{
    fst__free((void *)e->eni_id);
    fst__free((void *)e->interface_type);
    fst__free((void *)e->subnet_id);
    fst__free((void *)e->vpc_id);
    fst__free((void *)e->az);
    fst__free((void *)e->instance_id);
    fst__free((void *)e->owner_id);
    fst__free((void *)e->secondary);
    fst__free((void *)e->ipv6);
    fst__free((void *)e->public_ips);
}

/* The addresses of one ENI, collected before they are attached. */
typedef struct eni_addrs {
    addr_list secondary, ipv6, pub;
} eni_addrs;

/* One element of PrivateIpAddresses[]. */
static int private_ip(const load_ctx *c, const json_t *p, size_t i, fst__eni_info *e,
                      eni_addrs *a)
{
    char shown[80];
    if (!json_is_object(p)) {
        snprintf(shown, sizeof shown, "PrivateIpAddresses[%zu]", i);
        return field_error(c, shown, "is not an object");
    }
    int primary, have;
    fst_addr ip;
    FST__TRY(get_bool(c, p, "Primary", &primary));
    snprintf(shown, sizeof shown, "PrivateIpAddresses[%zu].PrivateIpAddress", i);
    FST__TRY(get_addr(c, p, "PrivateIpAddress", shown, &ip, &have));
    if (have) {
        if (primary && e->primary.family == 0)
            e->primary = ip;
        else if (!same_addr(&ip, &e->primary))
            FST__TRY(list_add(&a->secondary, &ip));
    }
    const json_t *assoc;
    FST__TRY(get_object(c, p, "Association", &assoc));
    if (assoc) {
        fst_addr pub;
        snprintf(shown, sizeof shown, "PrivateIpAddresses[%zu].Association.PublicIp", i);
        FST__TRY(get_addr(c, assoc, "PublicIp", shown, &pub, &have));
        if (have)
            FST__TRY(list_add(&a->pub, &pub));
    }
    return 0;
}

static int ipv6_addrs(const load_ctx *c, const json_t *obj, eni_addrs *a)
{
    const json_t *arr;
    char shown[64];
    fst_addr ip;
    int have;
    FST__TRY(get_addr(c, obj, "Ipv6Address", "Ipv6Address", &ip, &have));
    if (have)
        FST__TRY(list_add(&a->ipv6, &ip));
    FST__TRY(get_array(c, obj, "Ipv6Addresses", &arr));
    for (size_t i = 0; arr && i < json_array_size(arr); i++) {
        const json_t *p = json_array_get(arr, i);
        snprintf(shown, sizeof shown, "Ipv6Addresses[%zu]", i);
        if (!json_is_object(p))
            return field_error(c, shown, "is not an object");
        snprintf(shown, sizeof shown, "Ipv6Addresses[%zu].Ipv6Address", i);
        FST__TRY(get_addr(c, p, "Ipv6Address", shown, &ip, &have));
        if (have)
            FST__TRY(list_add(&a->ipv6, &ip));
    }
    return 0;
}

/* Addresses: primary, PrivateIpAddresses[], IPv6, public IPs. */
static int eni_addresses(const load_ctx *c, const json_t *obj, fst__eni_info *e, eni_addrs *a)
{
    int have;
    const json_t *arr, *assoc;
    FST__TRY(get_addr(c, obj, "PrivateIpAddress", "PrivateIpAddress", &e->primary, &have));
    FST__TRY(get_array(c, obj, "PrivateIpAddresses", &arr));
    for (size_t i = 0; arr && i < json_array_size(arr); i++)
        FST__TRY(private_ip(c, json_array_get(arr, i), i, e, a));
    FST__TRY(ipv6_addrs(c, obj, a));
    FST__TRY(get_object(c, obj, "Association", &assoc));
    if (assoc) {
        fst_addr pub;
        FST__TRY(get_addr(c, assoc, "PublicIp", "Association.PublicIp", &pub, &have));
        if (have)
            FST__TRY(list_add(&a->pub, &pub));
    }
    return 0;
}

/* Text fields of one ENI. */
static int eni_texts(const load_ctx *c, const json_t *obj, fst__eni_info *e)
{
    const char *id, *type, *subnet, *vpc, *az, *owner, *inst = NULL;
    const json_t *att;
    int rm;
    FST__TRY(get_str(c, obj, "NetworkInterfaceId", &id));
    if (!id || !*id)
        return field_error(c, "NetworkInterfaceId", "is missing");
    FST__TRY(get_str(c, obj, "InterfaceType", &type));
    FST__TRY(get_str(c, obj, "SubnetId", &subnet));
    FST__TRY(get_str(c, obj, "VpcId", &vpc));
    FST__TRY(get_str(c, obj, "AvailabilityZone", &az));
    FST__TRY(get_str(c, obj, "OwnerId", &owner));
    FST__TRY(get_bool(c, obj, "RequesterManaged", &rm));
    FST__TRY(get_object(c, obj, "Attachment", &att));
    if (att)
        FST__TRY(get_str(c, att, "InstanceId", &inst));
    e->kind = kind_of(type);
    e->requester_managed = (uint8_t)rm;
    FST__TRY(dup_str(id, &e->eni_id));
    FST__TRY(dup_str(type, &e->interface_type));
    FST__TRY(dup_str(subnet, &e->subnet_id));
    FST__TRY(dup_str(vpc, &e->vpc_id));
    FST__TRY(dup_str(az, &e->az));
    FST__TRY(dup_str(owner, &e->owner_id));
    return dup_str(inst, &e->instance_id);
}

/* Parse one ENI object into *e (zeroed by the caller).  On error *e may hold
 * partial allocations; the caller frees it with info_free. */
static int parse_eni(const load_ctx *c, const json_t *obj, fst__eni_info *e)
{
    if (!json_is_object(obj)) {
        char w[96];
        where(c, w, sizeof w);
        set_err(c, "%s: is not an object", w);
        return FST_EJSON;
    }
    eni_addrs a;
    memset(&a, 0, sizeof a);
    int rc = eni_texts(c, obj, e);
    if (rc == 0)
        rc = eni_addresses(c, obj, e, &a);
    /* Hand the lists over even on error, so info_free releases them. */
    e->secondary = a.secondary.v;
    e->n_secondary = a.secondary.n;
    e->ipv6 = a.ipv6.v;
    e->n_ipv6 = a.ipv6.n;
    e->public_ips = a.pub.v;
    e->n_public = a.pub.n;
    if (rc == FST_ENOMEM)
        set_err(c, "out of memory");
    return rc;
}

/* ---- the table -------------------------------------------------------- */

static int table_push(fst_eni_table *t, const load_ctx *c, const json_t *obj)
{
    if (t->n == t->cap) {
        const size_t cap = t->cap ? t->cap * 2 : 16;
        fst__eni_info *v = fst__realloc(t->enis, cap * sizeof *v);
        if (!v) {
            set_err(c, "out of memory");
            return FST_ENOMEM;
        }
        t->enis = v;
        t->cap = cap;
    }
    fst__eni_info *e = &t->enis[t->n];
    memset(e, 0, sizeof *e);
    const int rc = parse_eni(c, obj, e);
    if (rc < 0) {
        info_free(e);
        return rc;
    }
    /* Same id again (overlapping pages): keep the first. */
    id_ent *ie;
    HASH_FIND(hh, t->by_id, e->eni_id, strlen(e->eni_id), ie);
    if (ie) {
        info_free(e);
        return 0;
    }
    int oom = 0;
    ie = fst__calloc(1, sizeof *ie);
    if (ie) {
        ie->key = e->eni_id;
        ie->idx = t->n;
        HASH_ADD_KEYPTR(hh, t->by_id, ie->key, strlen(ie->key), ie);
    }
    if (!ie || oom) {
        fst__free(ie);
        info_free(e);
        set_err(c, "out of memory");
        return FST_ENOMEM;
    }
    t->n++;
    return 0;
}

/* One top-level JSON value: {"NetworkInterfaces":[...]}, [...] or one ENI. */
static int load_doc(fst_eni_table *t, load_ctx *c, const json_t *doc)
{
    const json_t *arr = doc;
    if (json_is_object(doc)) {
        arr = json_object_get(doc, "NetworkInterfaces");
        if (!arr) {
            if (json_object_get(doc, "NetworkInterfaceId")) {
                c->in_array = 0;
                return table_push(t, c, doc);
            }
            set_err(c, "JSON document %zu: no \"NetworkInterfaces\" key (expected the "
                       "output of `aws ec2 describe-network-interfaces`)", c->doc);
            return FST_EJSON;
        }
        if (!json_is_array(arr)) {
            set_err(c, "JSON document %zu: \"NetworkInterfaces\" is not an array", c->doc);
            return FST_EJSON;
        }
    } else if (!json_is_array(doc)) {
        set_err(c, "JSON document %zu: top level is not an object or an array", c->doc);
        return FST_EJSON;
    }
    c->in_array = 1;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        c->index = i;
        FST__TRY(table_push(t, c, json_array_get(arr, i)));
    }
    return 0;
}

/* One JSON document of the file (fst__json_each_doc's callback). */
typedef struct doc_ud {
    fst_eni_table *t;
    load_ctx *c;
} doc_ud;

static int one_doc(void *ud, const json_t *doc, size_t docno)
{
    doc_ud *d = ud;
    d->c->doc = docno;
    return load_doc(d->t, d->c, doc);
}

/* Index every ENI by each of its private addresses. */
static int build_index(fst_eni_table *t)
{
    int oom = 0;
    for (size_t i = 0; i < t->n && !oom; i++) {
        const fst__eni_info *e = &t->enis[i];
        const uint32_t total = 1 + e->n_secondary + e->n_ipv6;
        for (uint32_t k = 0; k < total && !oom; k++) {
            const fst_addr *a = k == 0 ? &e->primary
                                : k <= e->n_secondary ? &e->secondary[k - 1]
                                                      : &e->ipv6[k - 1 - e->n_secondary];
            if (a->family == 0)
                continue;
            uint8_t key[17];
            memcpy(key, a->b, 16);
            key[16] = a->family;
            addr_ent *ae;
            HASH_FIND(hh, t->by_addr, key, sizeof key, ae);
            if (ae) {
                if (ae->eni != e)
                    ae->eni = NULL; /* two ENIs claim it: ambiguous */
                continue;
            }
            ae = fst__calloc(1, sizeof *ae);
            if (!ae)
                return FST_ENOMEM;
            memcpy(ae->key, key, sizeof key);
            ae->eni = e;
            HASH_ADD(hh, t->by_addr, key, sizeof ae->key, ae);
            if (oom)
                fst__free(ae);
        }
    }
    return oom ? FST_ENOMEM : 0;
}

fst_eni_table *fst_eni_table_load(const char *path, char *err, size_t errlen)
{
    load_ctx c = {path ? path : "(null)", err, errlen, 0, 0, 0};
    if (err && errlen)
        err[0] = '\0';
    if (!path) {
        set_err(&c, "no file name");
        return NULL;
    }
    fst_eni_table *t = fst__calloc(1, sizeof *t);
    doc_ud d = {t, &c};
    int rc = t ? fst__json_each_doc(path, "the JSON of `aws ec2 describe-network-interfaces`",
                                    one_doc, &d, err, errlen)
               : FST_ENOMEM;
    if (rc == 0) {
        rc = build_index(t);
        if (rc < 0)
            set_err(&c, "out of memory");
    } else if (rc == FST_ENOMEM) {
        set_err(&c, "out of memory");
    }
    if (rc < 0) {
        fst_eni_table_free(t);
        return NULL;
    }
    return t;
}

size_t fst_eni_table_count(const fst_eni_table *t)
{
    return t ? t->n : 0;
}

void fst_eni_table_free(fst_eni_table *t)
{
    if (!t)
        return;
    id_ent *ie, *itmp;
    HASH_ITER(hh, t->by_id, ie, itmp) {
        HASH_DEL(t->by_id, ie);
        fst__free(ie);
    }
    addr_ent *ae, *tmp;
    HASH_ITER(hh, t->by_addr, ae, tmp) {
        HASH_DEL(t->by_addr, ae);
        fst__free(ae);
    }
    for (size_t i = 0; i < t->n; i++)
        info_free(&t->enis[i]);
    fst__free(t->enis);
    fst__free(t);
}

/* ---- lookups ---------------------------------------------------------- */

const fst__eni_info *fst__eni_lookup(const fst_eni_table *t, const char *eni_id)
{
    if (!t || !eni_id)
        return NULL;
    id_ent *ie;
    HASH_FIND(hh, t->by_id, eni_id, strlen(eni_id), ie);
    return ie ? &t->enis[ie->idx] : NULL;
}

const fst__eni_info *fst__eni_by_addr(const fst_eni_table *t, const fst_addr *a)
{
    if (!t || !a || a->family == 0)
        return NULL;
    uint8_t key[17];
    memcpy(key, a->b, 16);
    key[16] = a->family;
    addr_ent *ae;
    HASH_FIND(hh, t->by_addr, key, sizeof key, ae);
    return ae ? ae->eni : NULL;
}

int fst__eni_owns(const fst__eni_info *e, const fst_addr *a)
{
    if (!e || !a || a->family == 0)
        return 0;
    if (same_addr(&e->primary, a))
        return 1;
    for (uint32_t i = 0; i < e->n_secondary; i++)
        if (same_addr(&e->secondary[i], a))
            return 1;
    for (uint32_t i = 0; i < e->n_ipv6; i++)
        if (same_addr(&e->ipv6[i], a))
            return 1;
    return 0;
}
