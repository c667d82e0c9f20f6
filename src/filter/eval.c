/* filter/eval.c - run a compiled filter on one session (fst_filter_match).
 *
 * No allocation, no state: and/or chains (right-nested by the parser) are
 * walked in a loop, so recursion only follows parentheses and nots, whose
 * depth the parser bounds.
 */
#include <string.h>

#include "filter/ast.h"
#include "util/util.h"

int fst__addr_in_net(const fst_addr *a, const fst_addr *net, unsigned plen)
{
    if (a->family != net->family)
        return 0;
    const unsigned whole = plen / 8, rest = plen % 8;
    if (memcmp(a->b, net->b, whole))
        return 0;
    if (!rest)
        return 1;
    const uint8_t m = (uint8_t)(0xffu << (8 - rest));
    return (a->b[whole] & m) == net->b[whole];
}

/* Does the primitive hold for the client (side 1) or server (side 2)? */
static int side_matches(const fst__fnode *n, const fst_session *s, int side)
{
    const fst_side_context *c = side == FST__SIDE_CLIENT ? &s->client_ctx : &s->server_ctx;
    const char *v = NULL;
    switch (n->op) {
    case FST__F_NET:
        return fst__addr_in_net(side == FST__SIDE_CLIENT ? &s->client_addr : &s->server_addr,
                                &n->addr, n->plen);
    case FST__F_PORT: /* a session without ports has none to match */
        return !(s->key_absent & FST_KEY_ABSENT_PORTS) &&
               (side == FST__SIDE_CLIENT ? s->client_port : s->server_port) == n->port;
    case FST__F_ENI: v = c->eni; break;
    case FST__F_VPC: v = c->vpc; break;
    case FST__F_SUBNET: v = c->subnet; break;
    default: v = c->az; break;
    }
    return v && !strcmp(v, n->str);
}

static int sided(const fst__fnode *n, const fst_session *s)
{
    if (n->side != FST__SIDE_EITHER)
        return side_matches(n, s, n->side);
    return side_matches(n, s, FST__SIDE_CLIENT) || side_matches(n, s, FST__SIDE_SERVER);
}

static int any_eni(const fst__fnode *n, const fst_session *s)
{
    if (sided(n, s))
        return 1;
    if (n->side != FST__SIDE_EITHER)
        return 0;
    for (uint32_t i = 0; i < s->n_enis; i++)
        if (s->enis[i] && !strcmp(s->enis[i], n->str))
            return 1;
    return 0;
}

/* The quantity of a comparison into *v; 0 when the records lacked it. */
static int quantity(int q, const fst_session *s, uint64_t *v)
{
    switch (q) {
    case FST__Q_BYTES:
        *v = fst__sat_add(s->c2s_bytes, s->s2c_bytes);
        return !(s->unknown & FST_SESSION_NO_COUNTS);
    case FST__Q_PACKETS:
        *v = fst__sat_add(s->c2s_packets, s->s2c_packets);
        return !(s->unknown & FST_SESSION_NO_COUNTS);
    case FST__Q_DURATION:
        *v = s->last_seen > s->first_seen ? (uint64_t)s->last_seen - (uint64_t)s->first_seen : 0;
        return !(s->unknown & FST_SESSION_NO_TIMES);
    default:
        *v = s->records;
        return 1;
    }
}

static int compare(const fst__fnode *n, const fst_session *s)
{
    uint64_t v;
    if (!quantity(n->qty, s, &v))
        return 0;
    switch (n->cmp) {
    case FST__C_GT: return v > n->num;
    case FST__C_LT: return v < n->num;
    case FST__C_GE: return v >= n->num;
    case FST__C_LE: return v <= n->num;
    case FST__C_EQ: return v == n->num;
    default: return v != n->num;
    }
}

static int leaf(const fst__fnode *n, const fst_session *s)
{
    switch (n->op) {
    case FST__F_PROTO: return !(s->key_absent & FST_KEY_ABSENT_PROTO) && s->proto == n->num;
    case FST__F_ENI: return any_eni(n, s);
    case FST__F_ACTION: return (s->action & n->num) != 0;
    case FST__F_BASIS: return s->basis == n->num;
    case FST__F_CLASS: return s->traffic_class == n->num;
    case FST__F_CMP: return compare(n, s);
    default: return sided(n, s);
    }
}

static int eval(const fst_filter *f, int32_t i, const fst_session *s)
{
    for (;;) {
        const fst__fnode *n = &f->nodes[i];
        switch (n->op) {
        case FST__F_AND:
            if (!eval(f, n->a, s))
                return 0;
            i = n->b;
            break;
        case FST__F_OR:
            if (eval(f, n->a, s))
                return 1;
            i = n->b;
            break;
        case FST__F_NOT:
            return !eval(f, n->a, s);
        default:
            return leaf(n, s);
        }
    }
}

int fst_filter_match(const fst_filter *f, const fst_session *s)
{
    return eval(f, f->root, s);
}
