/* meta/subnets.c - subnets from `aws ec2 describe-subnets` (see subnets.h).
 *
 * Input accepted (UTF-8 JSON, parsed with jansson): {"Subnets": [...]}, a
 * bare array of subnets, or pages of either concatenated.  Per subnet:
 * SubnetId (required), VpcId, AvailabilityZone, AvailabilityZoneId,
 * OwnerId, CidrBlock and Ipv6CidrBlockAssociationSet[].Ipv6CidrBlock.
 * Unknown keys are ignored; a known key of the wrong JSON type or a CIDR
 * that does not parse is an error naming the file, the element and the
 * key.  The same SubnetId twice (overlapping pages) keeps the first.
 *
 * Lookup: every CIDR block is stored masked, keyed by (masked address,
 * prefix length, family) in a hash; an address is masked to each prefix
 * length present, longest first, and looked up: a handful of probes.
 */
#include "meta/subnets.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "meta/json.h"
#include "util/hashcfg.h"
#include "util/util.h"

/* IPv4 is held IPv4-mapped: an IPv4 /n is a /(96 + n) of the 16 bytes. */
#define V4_OFFSET 96
#define V4_MAX 32
#define V6_MAX 128
#define KEY_LEN 18 /* 16 masked bytes, prefix length, family */

typedef struct cidr_ent {
    uint8_t key[KEY_LEN];
    const fst__subnet_info *sn; /* NULL when two subnets have this block */
    UT_hash_handle hh;
} cidr_ent;

typedef struct az_ent {
    const char *az_id, *name; /* name NULL when two subnets disagree */
} az_ent;

struct fst_subnet_table {
    fst__subnet_info **v;      /* n subnets, in input order (own allocations) */
    size_t n, cap;
    cidr_ent *by_cidr;         /* uthash head */
    uint8_t lens[2][V6_MAX + 1]; /* [family v6?][len]: a block of that length exists */
    az_ent *az;
    size_t n_az, cap_az;
};

/* Where we are while loading, for messages. */
typedef struct load_ctx {
    fst_subnet_table *t;
    const char *path;
    char *err;
    size_t errlen;
    size_t doc, index;
} load_ctx;

static int fail(const load_ctx *c, const char *fmt, ...)
{
    if (!c->err || !c->errlen)
        return FST_EJSON;
    int n = snprintf(c->err, c->errlen, "%s: ", c->path);
    if (n < 0 || (size_t)n >= c->errlen)
        return FST_EJSON;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return FST_EJSON;
}

/* "Subnets[3]" (plus " of JSON document 2" for later pages). */
static int field_error(const load_ctx *c, const char *key, const char *what)
{
    char doc[40] = "";
    if (c->doc > 1)
        snprintf(doc, sizeof doc, " of JSON document %zu", c->doc);
    return fail(c, "Subnets[%zu]%s: \"%s\" %s", c->index, doc, key, what);
}

static int no_memory(const load_ctx *c)
{
    fail(c, "out of memory");
    return FST_ENOMEM;
}

/* Optional string member, copied (NULL when absent or null). */
static int get_str(const load_ctx *c, const json_t *obj, const char *key, const char **out)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return field_error(c, key, "is not a string");
    const char *s = json_string_value(v);
    if (!(*out = fst__strndup(s, strlen(s))))
        return no_memory(c);
    return 0;
}

static void info_free(fst__subnet_info *s)
{
    if (!s)
        return;
    fst__free((void *)s->subnet_id);
    fst__free((void *)s->vpc_id);
    fst__free((void *)s->az);
    fst__free((void *)s->az_id);
    fst__free((void *)s->owner_id);
    fst__free(s);
}

/* The 16 bytes of a with every bit past len cleared. */
static void mask(const uint8_t a[16], unsigned len, uint8_t out[16])
{
    for (unsigned i = 0; i < 16; i++) {
        const unsigned bits = len >= 8 * (i + 1) ? 8 : len > 8 * i ? len - 8 * i : 0;
        out[i] = (uint8_t)(a[i] & (uint8_t)(0xff00u >> bits));
    }
}

static void make_key(const uint8_t a[16], unsigned len, uint8_t family, uint8_t key[KEY_LEN])
{
    mask(a, len, key);
    key[16] = (uint8_t)len;
    key[17] = family;
}

/* "10.0.1.0/24" or "2600:1f18::/56" into a and len (of the 16 bytes). */
static int parse_cidr(const char *s, fst_addr *a, unsigned *len)
{
    const char *slash = strchr(s, '/');
    if (!slash || fst_addr_parse(s, (size_t)(slash - s), a) < 0)
        return -1;
    char *end;
    const unsigned long n = strtoul(slash + 1, &end, 10);
    const unsigned max = a->family == 4 ? V4_MAX : V6_MAX;
    if (end == slash + 1 || *end || n > max)
        return -1;
    *len = (unsigned)n + (a->family == 4 ? V4_OFFSET : 0);
    return 0;
}

static int add_cidr(const load_ctx *c, const char *shown, const char *text,
                    const fst__subnet_info *sn)
{
    fst_addr a;
    unsigned len;
    if (parse_cidr(text, &a, &len) < 0) {
        char what[96];
        snprintf(what, sizeof what, "is not a CIDR block: \"%.60s\"", text);
        return field_error(c, shown, what);
    }
    uint8_t key[KEY_LEN];
    make_key(a.b, len, a.family, key);
    cidr_ent *e;
    HASH_FIND(hh, c->t->by_cidr, key, KEY_LEN, e);
    if (e) {
        if (e->sn != sn)
            e->sn = NULL; /* two subnets claim the block: ambiguous */
        return 0;
    }
    if (!(e = fst__calloc(1, sizeof *e)))
        return no_memory(c);
    memcpy(e->key, key, KEY_LEN);
    e->sn = sn;
    int oom = 0;
    HASH_ADD(hh, c->t->by_cidr, key, KEY_LEN, e);
    if (oom) {
        fst__free(e);
        return no_memory(c);
    }
    c->t->lens[a.family == 6][len] = 1;
    return 0;
}

/* CidrBlock and Ipv6CidrBlockAssociationSet[].Ipv6CidrBlock. */
static int subnet_cidrs(const load_ctx *c, const json_t *obj, const fst__subnet_info *sn)
{
    const json_t *v4 = json_object_get(obj, "CidrBlock");
    if (v4 && !json_is_null(v4)) {
        if (!json_is_string(v4))
            return field_error(c, "CidrBlock", "is not a string");
        FST__TRY(add_cidr(c, "CidrBlock", json_string_value(v4), sn));
    }
    const json_t *set = json_object_get(obj, "Ipv6CidrBlockAssociationSet");
    if (!set || json_is_null(set))
        return 0;
    if (!json_is_array(set))
        return field_error(c, "Ipv6CidrBlockAssociationSet", "is not an array");
    for (size_t i = 0; i < json_array_size(set); i++) {
        char shown[64];
        const json_t *as = json_array_get(set, i);
        snprintf(shown, sizeof shown, "Ipv6CidrBlockAssociationSet[%zu]", i);
        if (!json_is_object(as))
            return field_error(c, shown, "is not an object");
        const json_t *b = json_object_get(as, "Ipv6CidrBlock");
        snprintf(shown, sizeof shown, "Ipv6CidrBlockAssociationSet[%zu].Ipv6CidrBlock", i);
        if (!b || json_is_null(b))
            continue;
        if (!json_is_string(b))
            return field_error(c, shown, "is not a string");
        FST__TRY(add_cidr(c, shown, json_string_value(b), sn));
    }
    return 0;
}

/* Remembers az_id -> zone name; two different names make it ambiguous. */
static int note_az(const load_ctx *c, const fst__subnet_info *sn)
{
    fst_subnet_table *t = c->t;
    if (!sn->az_id || !sn->az)
        return 0;
    for (size_t i = 0; i < t->n_az; i++) {
        if (strcmp(t->az[i].az_id, sn->az_id))
            continue;
        if (t->az[i].name && strcmp(t->az[i].name, sn->az))
            t->az[i].name = NULL;
        return 0;
    }
    if (t->n_az == t->cap_az) {
        const size_t cap = t->cap_az ? 2 * t->cap_az : 8;
        az_ent *v = fst__realloc(t->az, cap * sizeof *v);
        if (!v)
            return no_memory(c);
        t->az = v;
        t->cap_az = cap;
    }
    t->az[t->n_az++] = (az_ent){sn->az_id, sn->az};
    return 0;
}

static int subnet_known(const fst_subnet_table *t, const char *id)
{
    for (size_t i = 0; i < t->n; i++) /* loading only: a few thousand at most */
        if (!strcmp(t->v[i]->subnet_id, id))
            return 1;
    return 0;
}

/* One element of Subnets[]. */
static int one_subnet(const load_ctx *c, const json_t *obj)
{
    fst_subnet_table *t = c->t;
    if (!json_is_object(obj))
        return field_error(c, "Subnets", "element is not an object");
    if (t->n == t->cap) {
        const size_t cap = t->cap ? 2 * t->cap : 16;
        fst__subnet_info **v = fst__realloc(t->v, cap * sizeof *v);
        if (!v)
            return no_memory(c);
        t->v = v;
        t->cap = cap;
    }
    fst__subnet_info *sn = fst__calloc(1, sizeof *sn);
    if (!sn)
        return no_memory(c);
    int rc = get_str(c, obj, "SubnetId", &sn->subnet_id);
    if (rc == 0 && (!sn->subnet_id || !*sn->subnet_id))
        rc = field_error(c, "SubnetId", "is missing");
    if (rc == 0 && subnet_known(t, sn->subnet_id)) {
        info_free(sn); /* overlapping pages: the first stays */
        return 0;
    }
    if (rc == 0)
        rc = get_str(c, obj, "VpcId", &sn->vpc_id);
    if (rc == 0)
        rc = get_str(c, obj, "AvailabilityZone", &sn->az);
    if (rc == 0)
        rc = get_str(c, obj, "AvailabilityZoneId", &sn->az_id);
    if (rc == 0)
        rc = get_str(c, obj, "OwnerId", &sn->owner_id);
    if (rc < 0) {
        info_free(sn);
        return rc;
    }
    t->v[t->n++] = sn; /* the table owns it from here, even on error below */
    FST__TRY(subnet_cidrs(c, obj, sn));
    return note_az(c, sn);
}

static int one_doc(void *ud, const json_t *doc, size_t docno)
{
    load_ctx *c = ud;
    c->doc = docno;
    const json_t *arr = doc;
    if (json_is_object(doc)) {
        arr = json_object_get(doc, "Subnets");
        if (!arr)
            return fail(c, "JSON document %zu: no \"Subnets\" key (expected the output of "
                           "`aws ec2 describe-subnets`)", docno);
    }
    if (!json_is_array(arr))
        return fail(c, "JSON document %zu: \"Subnets\" is not an array", docno);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        c->index = i;
        FST__TRY(one_subnet(c, json_array_get(arr, i)));
    }
    return 0;
}

fst_subnet_table *fst_subnet_table_load(const char *path, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!path) {
        if (err && errlen)
            snprintf(err, errlen, "(null): no file name");
        return NULL;
    }
    fst_subnet_table *t = fst__calloc(1, sizeof *t);
    if (!t) {
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    load_ctx c = {t, path, err, errlen, 0, 0};
    if (fst__json_each_doc(path, "the JSON of `aws ec2 describe-subnets`", one_doc, &c, err,
                           errlen) < 0) {
        fst_subnet_table_free(t);
        return NULL;
    }
    return t;
}

size_t fst_subnet_table_count(const fst_subnet_table *t)
{
    return t ? t->n : 0;
}

void fst_subnet_table_free(fst_subnet_table *t)
{
    if (!t)
        return;
    cidr_ent *e, *tmp;
    HASH_ITER(hh, t->by_cidr, e, tmp) {
        HASH_DEL(t->by_cidr, e);
        fst__free(e);
    }
    for (size_t i = 0; i < t->n; i++)
        info_free(t->v[i]);
    fst__free(t->v);
    fst__free(t->az);
    fst__free(t);
}

const fst__subnet_info *fst__subnet_by_addr(const fst_subnet_table *t, const fst_addr *a)
{
    if (!t || !a || (a->family != 4 && a->family != 6))
        return NULL;
    const int v6 = a->family == 6;
    const unsigned lo = v6 ? 0 : V4_OFFSET;
    for (unsigned len = V6_MAX + 1; len-- > lo;) {
        if (!t->lens[v6][len])
            continue;
        uint8_t key[KEY_LEN];
        make_key(a->b, len, a->family, key);
        cidr_ent *e;
        HASH_FIND(hh, t->by_cidr, key, KEY_LEN, e);
        if (e)
            return e->sn; /* the longest block wins, even when ambiguous */
    }
    return NULL;
}

const char *fst__subnet_az_name(const fst_subnet_table *t, const char *az_id)
{
    if (!t || !az_id)
        return NULL;
    for (size_t i = 0; i < t->n_az; i++) /* a few zones per region */
        if (!strcmp(t->az[i].az_id, az_id))
            return t->az[i].name;
    return NULL;
}
