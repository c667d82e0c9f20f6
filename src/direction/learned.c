/* direction/learned.c - the learned-service table (see direction.h). */
#include "direction/direction.h"

#include <stddef.h>
#include <string.h>

#include "flowstitch/errors.h"

static void svc_key(fst__svc *s, const uint8_t a[16], uint16_t port, uint8_t proto)
{
    memset(s, 0, sizeof *s);
    memcpy(s->a, a, 16);
    s->port = port;
    s->proto = proto;
}

#define SVC_KEYLEN offsetof(fst__svc, hh)

int fst__learned_add(fst__learned *l, const uint8_t a[16], uint16_t port, uint8_t proto,
                     int64_t seen)
{
    fst__svc k, *s = NULL;
    svc_key(&k, a, port, proto);
    const uint32_t hv = fst__hash(&k, SVC_KEYLEN, l->seed);
    HASH_FIND_BYHASHVALUE(hh, l->head, &k, SVC_KEYLEN, hv, s);
    if (s) {
        if (seen > s->seen)
            s->seen = seen;
        return 0;
    }
    s = fst__malloc(sizeof *s);
    if (!s)
        return FST_ENOMEM;
    *s = k;
    s->seen = seen;
    int oom = 0;
    HASH_ADD_KEYPTR_BYHASHVALUE(hh, l->head, s, SVC_KEYLEN, hv, s);
    if (oom) {
        fst__free(s);
        return FST_ENOMEM;
    }
    return 0;
}

int fst__learned_has(const fst__learned *l, const uint8_t a[16], uint16_t port, uint8_t proto)
{
    fst__svc k, *s = NULL;
    svc_key(&k, a, port, proto);
    const uint32_t hv = fst__hash(&k, SVC_KEYLEN, l->seed);
    HASH_FIND_BYHASHVALUE(hh, l->head, &k, SVC_KEYLEN, hv, s);
    return s != NULL;
}

void fst__learned_expire(fst__learned *l, int64_t before)
{
    fst__svc *s, *t;
    HASH_ITER(hh, l->head, s, t) {
        if (s->seen < before) {
            HASH_DEL(l->head, s);
            fst__free(s);
        }
    }
}

void fst__learned_free(fst__learned *l)
{
    fst__svc *s, *t;
    HASH_ITER(hh, l->head, s, t) {
        HASH_DEL(l->head, s);
        fst__free(s);
    }
}
