/* direction/orient.c - the orientation passes over a run (see direction.h).
 *
 * Orienting a run's sessions takes two passes: rule 1 (tcp-flags) on every
 * TCP session first, where every strong handshake teaches its server's
 * addr:port (learned-service); then rules 2-6 on the sessions rule 1 left,
 * which may use what the whole run taught.
 */
#include "direction/direction.h"

#include "flowstitch/errors.h"

/* fst__sess.basis of a session rule 1 did not decide (yet). */
#define BASIS_PENDING 0xff

/* Rule 1 for every TCP session; strong handshakes teach services. */
static int flags_pass(fst__learned *l, fst__sessions *ss)
{
    for (uint32_t i = 0; i < ss->n; i++) {
        fst__sess *s = &ss->v[i];
        int hi = 0;
        const int b = s->g->key.proto == FST_PROTO_TCP ? fst__direction_flags(s->ev, &hi) : -1;
        s->basis = b < 0 ? BASIS_PENDING : (uint8_t)b;
        s->client_hi = (uint8_t)hi;
        if ((b != FST_BASIS_TCP_SYN && b != FST_BASIS_TCP_SYNACK) ||
            (s->g->key.absent & FST__KEY_NOPORTS)) /* no port to learn */
            continue;
        const fst__key *k = &s->g->key.k;
        FST__TRY(fst__learned_add(l, hi ? k->lo : k->hi, hi ? k->lo_port : k->hi_port,
                                  s->g->key.proto, s->last));
    }
    return 0;
}

/* Rules 2-6 for the sessions rule 1 left pending. */
static void fallback_pass(const fst__learned *l, fst__sessions *ss)
{
    for (uint32_t i = 0; i < ss->n; i++) {
        fst__sess *s = &ss->v[i];
        if (s->basis != BASIS_PENDING)
            continue;
        int hi = 0;
        s->basis = (uint8_t)fst__direction_fallback(l, &s->g->key, s->ev, &hi);
        s->client_hi = (uint8_t)hi;
    }
}

int fst__direction_orient(fst__learned *l, fst__sessions *ss)
{
    FST__TRY(flags_pass(l, ss));
    fallback_pass(l, ss);
    return 0;
}
