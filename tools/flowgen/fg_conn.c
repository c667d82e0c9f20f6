/* tools/flowgen/fg_conn.c - connections: the pool, the logged view at
 * every observation point, and the packet-burst scripts.  What kinds of
 * connections arrive, and between which endpoints, is fg_scenario.c.
 *
 * Observation points and the addresses they log follow
 * ../shared/docs/aws-flowlogs.md section 1.6 (own side = primary private
 * IPv4; pkt-* = packet addresses; NAT inside/outside legs as in the NAT
 * example of section 5.6).  tcp-flags per packet follow section 2.
 */
#include <string.h>

#include "fg_internal.h"

/* ---- pool ---- */

fg_conn *fg__conn_alloc(fg_model *m)
{
    if (!m->free_conns) {
        enum { N = 4096 };
        fg_conn *blk = calloc(N, sizeof *blk);
        fg_conn **nb = realloc(m->blocks, (m->n_blocks + 1) * sizeof *nb);
        if (!blk || !nb)
            abort();
        m->blocks = nb;
        m->blocks[m->n_blocks++] = blk;
        for (size_t i = 0; i < N; i++) {
            blk[i].next_free = m->free_conns;
            m->free_conns = &blk[i];
        }
    }
    fg_conn *c = m->free_conns;
    m->free_conns = c->next_free;
    memset(c, 0, sizeof *c);
    c->ceni = c->seni = c->nat = -1;
    c->heap_pos = -1;
    return c;
}

void fg__conn_release(fg_model *m, fg_conn *c)
{
    c->next_free = m->free_conns;
    m->free_conns = c;
}

/* ---- the logged view ---- */

static uint32_t own_addr(const fg_model *m, int eni, int v6)
{
    const fg_eni *e = &m->enis[eni];
    return v6 ? e->ipv6 : e->priv[0];
}

static uint8_t igw_path(const fg_model *m, int eni)
{
    /* traffic-path 8 = IGW on Nitro instances, 2 = IGW otherwise (1.4) */
    const fg_eni *e = &m->enis[eni];
    return (e->kind == FG_ENI_INSTANCE && e->nitro) ? 8 : 2;
}

static void tmpl(fg_tmpl *t, uint32_t src, uint32_t dst, uint32_t psrc, uint32_t pdst, uint16_t sp, uint16_t dp,
                 int egress, int action, int tpath)
{
    t->src = src;
    t->dst = dst;
    t->psrc = psrc;
    t->pdst = pdst;
    t->sport = sp;
    t->dport = dp;
    t->egress = (uint8_t)egress;
    t->action = (uint8_t)action;
    t->tpath = (uint8_t)(egress ? tpath : 0);
    t->on = 1;
}

static void obs_client(fg_model *m, fg_conn *c)
{
    fg_obs *o = &c->obs[c->nobs++];
    uint32_t own = own_addr(m, c->ceni, c->v6);
    int tp = (c->seni >= 0 || c->nat >= 0) ? 1 : igw_path(m, c->ceni);
    o->eni = c->ceni;
    tmpl(&o->t[FG_C2S], own, c->saddr, c->caddr, c->saddr, c->cport, c->sport, 1, FG_ACCEPT, tp);
    tmpl(&o->t[FG_S2C], c->saddr, own, c->saddr, c->caddr, c->sport, c->cport, 0, FG_ACCEPT, 0);
}

static void obs_server(fg_model *m, fg_conn *c)
{
    fg_obs *o = &c->obs[c->nobs++];
    uint32_t own = own_addr(m, c->seni, c->v6);
    int tp = c->ceni >= 0 ? 1 : igw_path(m, c->seni);
    o->eni = c->seni;
    tmpl(&o->t[FG_C2S], c->caddr, own, c->caddr, c->saddr, c->cport, c->sport, 0,
         c->sg_reject ? FG_REJECT : FG_ACCEPT, 0);
    tmpl(&o->t[FG_S2C], own, c->caddr, c->saddr, c->caddr, c->sport, c->cport, 1,
         c->nacl_reject ? FG_REJECT : FG_ACCEPT, tp);
}

static void obs_nat(fg_model *m, fg_conn *c)
{
    uint32_t nat = m->enis[c->nat].priv[0];
    fg_obs *in = &c->obs[c->nobs++];
    in->eni = c->nat;
    /* inside leg: instance -> NAT and back (5.6 records 1 and 4) */
    tmpl(&in->t[FG_C2S], c->caddr, nat, c->caddr, c->saddr, c->cport, c->sport, 0, FG_ACCEPT, 0);
    tmpl(&in->t[FG_S2C], nat, c->caddr, c->saddr, c->caddr, c->sport, c->cport, 1, FG_ACCEPT, 1);
    fg_obs *out = &c->obs[c->nobs++];
    out->eni = c->nat;
    /* outside leg: NAT private IP:translated port <-> host (5.6 records 2, 3) */
    tmpl(&out->t[FG_C2S], nat, c->saddr, nat, c->saddr, c->nat_port, c->sport, 1, FG_ACCEPT, 2);
    tmpl(&out->t[FG_S2C], c->saddr, nat, c->saddr, nat, c->sport, c->nat_port, 0, FG_ACCEPT, 0);
}

static int is_secondary(const fg_model *m, int eni, uint32_t addr)
{
    if (eni < 0)
        return 0;
    const fg_eni *e = &m->enis[eni];
    for (int k = 1; k < e->n_priv; k++)
        if (e->priv[k] == addr)
            return 1;
    return 0;
}

/* Fills obs[] and tags from the endpoints. */
void fg__conn_paths(fg_model *m, fg_conn *c)
{
    c->nobs = 0;
    if (fg__logged(m, c->ceni))
        obs_client(m, c);
    if (c->nat >= 0 && fg__logged(m, c->nat))
        obs_nat(m, c);
    if (fg__logged(m, c->seni))
        obs_server(m, c);
    if (c->script == FG_S_TCP_SGREJ)
        for (int i = 0; i < c->nobs; i++)
            c->obs[i].t[FG_S2C].on = 0;
    uint32_t t = 1u << c->cls;
    if (c->ceni >= 0 && c->seni >= 0)
        t |= 1u << (fg__az_of(m, c->ceni) == fg__az_of(m, c->seni) ? FG_CL_INTRA_AZ : FG_CL_INTER_AZ);
    if (c->ceni < 0)
        t |= 1u << FG_CL_INTERNET_IN;
    if (c->seni < 0)
        t |= 1u << FG_CL_INTERNET_OUT;
    if (c->nat >= 0)
        t |= 1u << FG_CL_NAT;
    if (c->sg_reject)
        t |= 1u << FG_CL_REJ_SG;
    if (c->nacl_reject)
        t |= 1u << FG_CL_REJ_NACL;
    if (c->proto == 17)
        t |= 1u << FG_CL_UDP;
    if (c->proto == 1 || c->proto == 58)
        t |= 1u << FG_CL_ICMP;
    if (c->v6)
        t |= 1u << FG_CL_IPV6;
    if (is_secondary(m, c->ceni, c->caddr) || is_secondary(m, c->seni, c->saddr))
        t |= 1u << FG_CL_SECONDARY;
    if (c->nlives > 1)
        t |= 1u << FG_CL_PORT_REUSE;
    c->tags = t;
}

/* ---- scripts ---- */

enum { P_SYN, P_SYNACK, P_REQ, P_RESP, P_FIN_C, P_FIN_S, P_RST, P_REFUSE, P_RETRY, P_DNS_Q, P_DNS_R,
       P_STREAM, P_PING, P_PONG, P_END };

static void set_burst(fg_burst *b, int64_t t, int dir, uint32_t pk, uint64_t by, int flags, int life)
{
    b->t = t;
    b->dir = (uint8_t)dir;
    b->packets = pk;
    b->bytes = by;
    b->flags = (uint8_t)flags;
    b->life = (uint8_t)life;
}

static uint32_t hdr(const fg_conn *c, uint32_t base) { return base + (c->v6 ? 20u : 0u); }

/* Starts life c->life_cur at c->t_next. */
static void begin_life(fg_conn *c)
{
    switch (c->script) {
    case FG_S_DNS: c->phase = P_DNS_Q; break;
    case FG_S_UDP_STREAM: c->phase = P_STREAM; break;
    case FG_S_ICMP: c->phase = P_PING; break;
    default: c->phase = P_SYN; break;
    }
}

void fg__conn_start_script(fg_model *m, fg_conn *c)
{
    (void)m;
    c->life_cur = 0;
    if (c->script == FG_S_EXPLICIT) {
        c->bi = 0;
        return;
    }
    begin_life(c);
}

/* After a life's last packet: the next life (port reuse) or the end. */
/* Redial gap after a close: 0-3 s (the SYN usually lands in the window of
 * the FIN), 4-120 s, or 121-1500 s (up to 25 minutes). */
static int64_t redial_gap(fg_rng *r)
{
    unsigned x = (unsigned)fg_rng_below(r, 100);
    return x < 35 ? fg_rng_range(r, 0, 3) : x < 65 ? fg_rng_range(r, 4, 120) : fg_rng_range(r, 121, 1500);
}

static void end_life(fg_conn *c)
{
    if (c->life_cur + 1 < c->nlives) {
        c->life_cur++;
        if (c->redial) {
            c->t_next += redial_gap(&c->rng);
            c->t_end = c->t_next + (fg_rng_below(&c->rng, 2) ? fg_rng_range(&c->rng, 0, 3)
                                                              : fg_rng_range(&c->rng, 10, 600));
            begin_life(c);
            return;
        }
        int64_t gap = fg_rng_below(&c->rng, 10) < 6 ? fg_rng_range(&c->rng, 2, 50) : fg_rng_range(&c->rng, 60, 900);
        c->t_next += gap;
        c->t_end = c->t_next + fg_rng_range(&c->rng, 0, 3);
        begin_life(c);
    } else {
        c->phase = P_END;
    }
}

static void after_exchange(fg_conn *c)
{
    int64_t gap = fg_rng_range(&c->rng, c->gap_lo, c->gap_hi);
    if (c->iquiet < c->nquiet && c->t_next + gap >= c->quiet_at[c->iquiet]) {
        /* a quiet period: no packet at all (no keepalives) */
        int q = c->iquiet++;
        gap += c->quiet_len[q];
        c->quiet_from[q] = c->t_next;
        c->quiet_to[q] = c->t_next + gap;
    }
    if (c->t_next + gap <= c->t_end) {
        c->t_next += gap;
        c->phase = P_REQ;
    } else {
        c->t_next = c->t_end > c->t_next ? c->t_end : c->t_next;
        c->phase = c->close == FG_CLOSE_RST ? P_RST : P_FIN_C;
    }
}

static int tcp_step(fg_conn *c, fg_burst *b)
{
    int L = c->life_cur;
    fg_rng *r = &c->rng;
    switch (c->phase) {
    case P_SYN:
        set_burst(b, c->t_next, FG_C2S, 1, hdr(c, 60), 2, L);
        c->phase = c->script == FG_S_TCP_REFUSED ? P_REFUSE : P_SYNACK;
        if (c->script == FG_S_TCP_SGREJ)
            c->phase = c->left ? P_RETRY : P_END;
        return 1;
    case P_RETRY: /* SYN retransmission (SG drop: no answer ever comes) */
        c->t_next += c->left == 2 ? 1 : 2;
        c->left--;
        set_burst(b, c->t_next, FG_C2S, 1, hdr(c, 60), 2, L);
        if (c->script == FG_S_TCP_NACL)
            c->phase = P_SYNACK;
        else if (c->left == 0)
            c->phase = P_END;
        return 1;
    case P_SYNACK:
        set_burst(b, c->t_next, FG_S2C, 1, hdr(c, 60), 18, L);
        if (c->script == FG_S_TCP_NACL)
            c->phase = c->left ? P_RETRY : P_END;
        else
            c->phase = P_REQ;
        return 1;
    case P_REFUSE: /* RST|ACK: only RST is a supported flag -> 4 */
        set_burst(b, c->t_next, FG_S2C, 1, hdr(c, 40), 4, L);
        end_life(c);
        return 1;
    case P_REQ: {
        uint32_t pk = 1 + (uint32_t)fg_rng_below(r, c->req_pk);
        set_burst(b, c->t_next, FG_C2S, pk, pk * hdr(c, 52) + fg_rng_below(r, c->req_by), 0, L);
        c->phase = P_RESP;
        return 1;
    }
    case P_RESP: {
        uint32_t pk = 1 + (uint32_t)fg_rng_below(r, c->resp_pk);
        c->t_next += fg_rng_below(r, 4) == 0;
        set_burst(b, c->t_next, FG_S2C, pk, pk * hdr(c, 52) + (uint64_t)(pk - 1) * 1448 + fg_rng_below(r, 1448), 0, L);
        after_exchange(c);
        return 1;
    }
    case P_FIN_C: /* client FIN, and later its ACK of the server's FIN */
        set_burst(b, c->t_next, FG_C2S, 2, 2 * hdr(c, 52), 1, L);
        c->phase = P_FIN_S;
        return 1;
    case P_FIN_S:
        set_burst(b, c->t_next, FG_S2C, 1, hdr(c, 52), 1, L);
        end_life(c);
        return 1;
    case P_RST:
        set_burst(b, c->t_next, FG_C2S, 1, hdr(c, 40), 4, L);
        end_life(c);
        return 1;
    default:
        return 0;
    }
}

static int udp_icmp_step(fg_conn *c, fg_burst *b)
{
    int L = c->life_cur;
    fg_rng *r = &c->rng;
    switch (c->phase) {
    case P_DNS_Q:
        set_burst(b, c->t_next, FG_C2S, 1, hdr(c, 56) + fg_rng_below(r, 40), 0, L);
        c->phase = P_DNS_R;
        return 1;
    case P_DNS_R:
        set_burst(b, c->t_next, FG_S2C, 1, hdr(c, 80) + fg_rng_below(r, 400), 0, L);
        end_life(c);
        return 1;
    case P_STREAM: { /* one-way when resp_pk == 0 */
        uint32_t pk = 5 + (uint32_t)fg_rng_below(r, c->req_pk);
        int dir;
        if (c->resp_rare) {
            dir = c->t_next >= c->resp_at ? FG_S2C : FG_C2S;
            if (dir == FG_S2C)
                c->resp_at = c->t_next + fg_rng_range(r, 320, 900);
        } else {
            dir = (c->resp_pk && fg_rng_below(r, 4) == 0) ? FG_S2C : FG_C2S;
        }
        if (dir == FG_S2C)
            pk = 1 + (uint32_t)fg_rng_below(r, c->resp_pk);
        set_burst(b, c->t_next, dir, pk, pk * (hdr(c, 28) + 172 + fg_rng_below(r, 1100)), 0, L);
        int64_t gap = fg_rng_range(r, c->gap_lo, c->gap_hi);
        if (c->t_next + gap <= c->t_end)
            c->t_next += gap;
        else
            end_life(c);
        return 1;
    }
    case P_PING:
        set_burst(b, c->t_next, FG_C2S, 1, hdr(c, 84), 0, L);
        c->phase = P_PONG;
        return 1;
    case P_PONG:
        set_burst(b, c->t_next, FG_S2C, 1, hdr(c, 84), 0, L);
        if (--c->left > 0) {
            c->t_next += 1;
            c->phase = P_PING;
        } else {
            end_life(c);
        }
        return 1;
    default:
        return 0;
    }
}

/* Next burst of c in time order; 0 when the connection has no more. */
int fg__conn_next_burst(fg_model *m, fg_conn *c, fg_burst *b)
{
    (void)m;
    if (c->script == FG_S_EXPLICIT) {
        if (c->bi >= c->nb)
            return 0;
        *b = c->bursts[c->bi++];
        return 1;
    }
    if (c->script == FG_S_DNS || c->script == FG_S_UDP_STREAM || c->script == FG_S_ICMP)
        return udp_icmp_step(c, b);
    return tcp_step(c, b);
}
