/* tools/flowgen/fg_conn.c - connections: kinds, endpoints, the logged view
 * at every observation point, and the packet-burst scripts.
 *
 * Observation points and the addresses they log follow
 * ../shared/docs/aws-flowlogs.md section 1.6 (own side = primary private
 * IPv4; pkt-* = packet addresses; NAT inside/outside legs as in the NAT
 * example of section 5.6).  tcp-flags per packet follow section 2.
 */
#include <string.h>

#include "fg_internal.h"

enum {
    FG_K_INTRA, FG_K_INTER, FG_K_INET_IN, FG_K_INET_OUT, FG_K_NAT, FG_K_REJ_SG,
    FG_K_REJ_NACL, FG_K_SCAN, FG_K_UDP, FG_K_ICMP, FG_K_IPV6, FG_K_SECONDARY,
    FG_K_REUSE, FG_K_LONG, FG_K_NLB, FG_K_COUNT
};

/* Arrival weights per mix (rows: FG_MIX_*). */
static const unsigned kind_weight[FG_MIX_COUNT][FG_K_COUNT] = {
    /*        intra inter in out nat sg nacl scan udp icmp v6 sec reuse long nlb */
    [FG_MIX_MIXED] = {16, 12, 8, 6, 10, 5, 3, 1, 12, 4, 5, 5, 4, 3, 6},
    [FG_MIX_TCP] = {30, 25, 10, 10, 0, 0, 0, 0, 0, 0, 0, 10, 10, 5, 0},
    [FG_MIX_UDP] = {0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0},
    [FG_MIX_NAT] = {0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    [FG_MIX_REJECT] = {25, 0, 0, 0, 0, 40, 30, 5, 0, 0, 0, 0, 0, 0, 0},
};

int fg__pick_kind(fg_model *m)
{
    const unsigned *w = kind_weight[m->cfg.mix];
    unsigned total = 0;
    for (int k = 0; k < FG_K_COUNT; k++)
        total += w[k];
    unsigned x = (unsigned)fg_rng_below(&m->rng, total);
    for (int k = 0; k < FG_K_COUNT; k++) {
        if (x < w[k])
            return k;
        x -= w[k];
    }
    return FG_K_INTRA;
}

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

/* ---- endpoint choice ---- */

enum { NEED_LOGGED = 1, NEED_PUBLIC = 2, NEED_PRIVATE = 4, NEED_V6 = 8, NEED_SEC = 16 };

static int eni_ok(const fg_model *m, const fg_eni *e, int kind, unsigned need)
{
    const fg_subnet *s = &m->subnets[e->subnet];
    if (e->kind != kind)
        return 0;
    if ((need & NEED_LOGGED) && !s->logged)
        return 0;
    if ((need & NEED_PUBLIC) && !(s->is_public && e->pub[0]))
        return 0;
    if ((need & NEED_PRIVATE) && s->is_public)
        return 0;
    if ((need & NEED_V6) && !e->ipv6)
        return 0;
    if ((need & NEED_SEC) && e->n_priv < 2)
        return 0;
    return 1;
}

/* Random ENI of a kind meeting `need`, in AZ az (-1 any) and not `not_az`
 * (-1 none) and not `except`; -1 when none is found. */
static int pick_eni(fg_model *m, int kind, unsigned need, int az, int not_az, int except)
{
    if (m->n_enis == 0)
        return -1;
    for (int tries = 0; tries < 400; tries++) {
        int i = (int)fg_rng_below(&m->rng, m->n_enis);
        const fg_eni *e = &m->enis[i];
        int eaz = m->subnets[e->subnet].az;
        if (i == except || !eni_ok(m, e, kind, need))
            continue;
        if ((az >= 0 && eaz != az) || (not_az >= 0 && eaz == not_az))
            continue;
        return i;
    }
    return -1;
}

static int logged(const fg_model *m, int eni) { return eni >= 0 && m->subnets[m->enis[eni].subnet].logged; }
static int az_of(const fg_model *m, int eni) { return m->subnets[m->enis[eni].subnet].az; }

static uint16_t eph_port(fg_eni *e)
{
    uint16_t p = (uint16_t)e->next_port;
    e->next_port = e->next_port >= 60999 ? 32768 : e->next_port + 1;
    return p;
}

static uint32_t pick_host(fg_model *m, uint16_t *port)
{
    size_t h = fg_rng_below(&m->rng, m->n_hosts);
    uint32_t p = m->host_port[h];
    m->host_port[h] = p >= 65535 ? 1024 : p + 1;
    if (port)
        *port = (uint16_t)p;
    return m->hosts[h];
}

static uint16_t pick_port(fg_model *m, const uint16_t *set, size_t n) { return set[fg_rng_below(&m->rng, n)]; }

static const uint16_t web_ports[] = {443, 443, 443, 80, 8080, 22, 5432, 3306, 6379, 9092};

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
    if (logged(m, c->ceni))
        obs_client(m, c);
    if (c->nat >= 0 && logged(m, c->nat))
        obs_nat(m, c);
    if (logged(m, c->seni))
        obs_server(m, c);
    if (c->script == FG_S_TCP_SGREJ)
        for (int i = 0; i < c->nobs; i++)
            c->obs[i].t[FG_S2C].on = 0;
    uint32_t t = 1u << c->cls;
    if (c->ceni >= 0 && c->seni >= 0)
        t |= 1u << (az_of(m, c->ceni) == az_of(m, c->seni) ? FG_CL_INTRA_AZ : FG_CL_INTER_AZ);
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
static void end_life(fg_conn *c)
{
    if (c->life_cur + 1 < c->nlives) {
        c->life_cur++;
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
        int dir = (c->resp_pk && fg_rng_below(r, 4) == 0) ? FG_S2C : FG_C2S;
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

/* ---- scenario arrivals ---- */

static void tcp_shape(fg_conn *c, int64_t t, int long_lived)
{
    fg_rng *r = &c->rng;
    c->proto = 6;
    c->script = FG_S_TCP;
    c->t_next = t;
    c->req_pk = 4;
    c->req_by = 900;
    c->resp_pk = 40;
    if (long_lived) {
        c->t_end = t + fg_rng_range(r, 3600, 6 * 3600);
        c->gap_lo = 10;
        c->gap_hi = 90;
    } else if (fg_rng_below(r, 10) < 7) {
        c->t_end = t + fg_rng_range(r, 0, 3);
        c->gap_lo = 0;
        c->gap_hi = 1;
    } else {
        c->t_end = t + fg_rng_range(r, 10, 900);
        c->gap_lo = 2;
        c->gap_hi = 60;
    }
    unsigned x = (unsigned)fg_rng_below(r, 100);
    c->close = x < 12 ? FG_CLOSE_RST : FG_CLOSE_FIN;
    if (x >= 95 && !long_lived)
        c->script = FG_S_TCP_REFUSED;
}

/* Client and server instances in the VPC; same AZ or not.  At least one
 * of them is logged.  0 when the VPC has no such pair. */
static int pick_pair(fg_model *m, fg_conn *c, int same_az, unsigned need)
{
    c->ceni = pick_eni(m, FG_ENI_INSTANCE, need, -1, -1, -1);
    if (c->ceni < 0)
        return 0;
    int az = az_of(m, c->ceni);
    unsigned sneed = need | (logged(m, c->ceni) ? 0u : (unsigned)NEED_LOGGED);
    c->seni = pick_eni(m, FG_ENI_INSTANCE, sneed, same_az ? az : -1, same_az ? -1 : az, c->ceni);
    if (c->seni < 0)
        return 0;
    c->caddr = m->enis[c->ceni].priv[0];
    c->saddr = m->enis[c->seni].priv[0];
    c->cport = eph_port(&m->enis[c->ceni]);
    c->sport = pick_port(m, web_ports, sizeof web_ports / sizeof web_ports[0]);
    return 1;
}

static int setup_inet_in(fg_model *m, fg_conn *c, unsigned need)
{
    c->seni = pick_eni(m, FG_ENI_INSTANCE, NEED_LOGGED | NEED_PUBLIC | need, -1, -1, -1);
    if (c->seni < 0)
        return 0;
    const fg_eni *e = &m->enis[c->seni];
    if (c->v6) {
        c->saddr = e->ipv6;
        c->caddr = m->hosts6[fg_rng_below(&m->rng, m->n_hosts6)];
        c->cport = (uint16_t)fg_rng_range(&m->rng, 1024, 65535);
    } else {
        /* via the EIP/public IP of some private IP: the packet reaching the
         * ENI carries that private IP (1.6) */
        int k = (e->n_priv > 1 && e->pub[1] && fg_rng_below(&m->rng, 2)) ? 1 : 0;
        c->saddr = e->priv[k];
        c->caddr = pick_host(m, &c->cport);
    }
    c->sport = pick_port(m, web_ports, 3);
    return 1;
}

static int setup_inet_out(fg_model *m, fg_conn *c)
{
    c->ceni = pick_eni(m, FG_ENI_INSTANCE, NEED_LOGGED | NEED_PUBLIC | (c->v6 ? NEED_V6 : 0u), -1, -1, -1);
    if (c->ceni < 0)
        return 0;
    fg_eni *e = &m->enis[c->ceni];
    c->caddr = c->v6 ? e->ipv6 : e->priv[0];
    c->saddr = c->v6 ? m->hosts6[fg_rng_below(&m->rng, m->n_hosts6)] : pick_host(m, NULL);
    c->cport = eph_port(e);
    c->sport = pick_port(m, web_ports, 4);
    return 1;
}

static int setup_nat(fg_model *m, fg_conn *c)
{
    c->ceni = pick_eni(m, FG_ENI_INSTANCE, NEED_PRIVATE, -1, -1, -1);
    if (c->ceni < 0)
        return 0;
    int az = az_of(m, c->ceni);
    c->nat = pick_eni(m, FG_ENI_NAT, logged(m, c->ceni) ? 0u : NEED_LOGGED, az, -1, -1);
    if (c->nat < 0)
        c->nat = pick_eni(m, FG_ENI_NAT, logged(m, c->ceni) ? 0u : NEED_LOGGED, -1, -1, -1);
    if (c->nat < 0)
        return 0;
    fg_eni *e = &m->enis[c->ceni];
    c->caddr = e->priv[0];
    c->cport = eph_port(e);
    c->saddr = pick_host(m, NULL);
    c->sport = pick_port(m, web_ports, 4);
    fg_eni *n = &m->enis[c->nat];
    /* source-port translation on the outside leg */
    c->nat_port = (uint16_t)n->next_port;
    n->next_port = n->next_port >= 65535 ? 1024 : n->next_port + 1 + (uint32_t)fg_rng_below(&m->rng, 3);
    return 1;
}

static int setup_secondary(fg_model *m, fg_conn *c)
{
    if (!pick_pair(m, c, fg_rng_below(&m->rng, 2), 0))
        return 0;
    const fg_eni *ce = &m->enis[c->ceni], *se = &m->enis[c->seni];
    if (se->n_priv > 1)
        c->saddr = se->priv[1 + fg_rng_below(&m->rng, (uint64_t)se->n_priv - 1)];
    if (ce->n_priv > 1 && (se->n_priv < 2 || fg_rng_below(&m->rng, 2)))
        c->caddr = ce->priv[1 + fg_rng_below(&m->rng, (uint64_t)ce->n_priv - 1)];
    return c->caddr != ce->priv[0] || c->saddr != se->priv[0];
}

static int setup_v6(fg_model *m, fg_conn *c)
{
    c->v6 = 1;
    unsigned x = (unsigned)fg_rng_below(&m->rng, 3);
    if (x == 1)
        return setup_inet_out(m, c);
    if (x == 2)
        return setup_inet_in(m, c, NEED_V6);
    if (!pick_pair(m, c, fg_rng_below(&m->rng, 2), NEED_V6))
        return 0;
    c->caddr = m->enis[c->ceni].ipv6;
    c->saddr = m->enis[c->seni].ipv6;
    return 1;
}

static int setup_udp(fg_model *m, fg_conn *c, int64_t t)
{
    static const uint16_t stream_ports[] = {4789, 5004, 1194, 514, 8125};
    c->proto = 17;
    if (!pick_pair(m, c, fg_rng_below(&m->rng, 2), 0))
        return 0;
    c->t_next = t;
    if (fg_rng_below(&m->rng, 10) < 6) {
        c->script = FG_S_DNS;
        c->sport = 53;
        return 1;
    }
    c->script = FG_S_UDP_STREAM;
    c->sport = pick_port(m, stream_ports, 5);
    c->t_end = t + fg_rng_range(&c->rng, 5, 1800);
    c->gap_lo = 2;
    c->gap_hi = 15;
    c->req_pk = 120;
    c->resp_pk = fg_rng_below(&c->rng, 10) < 4 ? 0 : 5;
    return 1;
}

static int setup_icmp(fg_model *m, fg_conn *c, int64_t t, int nacl)
{
    int ok;
    unsigned x = (unsigned)fg_rng_below(&m->rng, 3);
    if (nacl || x == 0)
        ok = setup_inet_in(m, c, 0);
    else if (x == 1)
        ok = setup_inet_out(m, c);
    else
        ok = pick_pair(m, c, fg_rng_below(&m->rng, 2), 0);
    c->proto = c->v6 ? 58 : 1;
    c->cport = c->sport = 0;
    c->script = FG_S_ICMP;
    c->t_next = t;
    c->left = (uint32_t)fg_rng_range(&c->rng, 3, 30);
    c->nacl_reject = (uint8_t)nacl;
    return ok;
}

static void setup_reject(fg_conn *c, int64_t t, int sg, int scan)
{
    c->proto = 6;
    c->t_next = t;
    if (sg) {
        c->script = FG_S_TCP_SGREJ;
        c->sg_reject = 1;
        c->left = scan ? 0 : 2; /* initial SYN + 2 retransmissions */
    } else {
        c->script = FG_S_TCP_NACL;
        c->nacl_reject = 1;
        c->left = 2;
    }
}

static void spawn_scan(fg_model *m, int64_t t)
{
    static const uint16_t top[] = {21, 22, 23, 25, 53, 80, 110, 135, 139, 143, 443, 445, 993, 995,
                                   1433, 1723, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 9200};
    uint16_t sport;
    uint32_t scanner = pick_host(m, &sport);
    int target = pick_eni(m, FG_ENI_INSTANCE, NEED_LOGGED | NEED_PUBLIC, -1, -1, -1);
    if (target < 0)
        return;
    int n = (int)fg_rng_range(&m->rng, 20, 150);
    int refuse = fg_rng_below(&m->rng, 3) == 0; /* SG open, ports closed */
    uint16_t used[150];
    for (int i = 0; i < n; i++) {
        /* every port once: a port probed twice from the one source port
         * would be one 5-tuple twice, which AWS logs as one record */
        uint16_t port = 0;
        for (int dup = 1; dup;) {
            port = i < 24 ? top[i] : (uint16_t)fg_rng_range(&m->rng, 1, 65535);
            dup = 0;
            for (int k = 0; k < i; k++)
                dup |= used[k] == port;
        }
        used[i] = port;
        fg_conn *c = fg__conn_alloc(m);
        fg_rng_seed(&c->rng, m->cfg.seed, 0x5ca0000000ULL + m->next_conn_id);
        c->cls = FG_CL_SCAN;
        c->seni = target;
        c->caddr = scanner;
        c->saddr = m->enis[target].priv[0];
        c->cport = sport; /* SYN scanners keep one source port */
        c->sport = port;
        int64_t ti = t + i / 10;
        if (refuse) {
            c->proto = 6;
            c->script = FG_S_TCP_REFUSED;
            c->t_next = ti;
        } else {
            setup_reject(c, ti, 1, 1);
        }
        c->nlives = 1;
        fg__conn_paths(m, c);
        fg__conn_spawn(m, c);
    }
}

/* NLB front (internet -> NLB ENI) and back (NLB ENI -> target instance)
 * connections: two 5-tuples, two truths. */
static void spawn_nlb(fg_model *m, int64_t t)
{
    int lb = pick_eni(m, FG_ENI_NLB, NEED_LOGGED, -1, -1, -1);
    if (lb < 0)
        return;
    int target = pick_eni(m, FG_ENI_INSTANCE, NEED_PRIVATE, -1, -1, -1);
    if (target < 0)
        return;
    fg_conn *f = fg__conn_alloc(m), *b = fg__conn_alloc(m);
    uint64_t s = fg_rng_next(&m->rng);
    fg_rng_seed(&f->rng, s, 1);
    fg_rng_seed(&b->rng, s, 1); /* same draws: the back mirrors the front */
    tcp_shape(f, t, 0);
    tcp_shape(b, t, 0);
    f->cls = FG_CL_INTERNET_IN;
    f->seni = lb;
    f->saddr = m->enis[lb].priv[0];
    f->caddr = pick_host(m, &f->cport);
    f->sport = 443;
    b->cls = az_of(m, lb) == az_of(m, target) ? FG_CL_INTRA_AZ : FG_CL_INTER_AZ;
    b->ceni = lb;
    b->caddr = m->enis[lb].priv[0];
    b->cport = eph_port(&m->enis[lb]);
    b->seni = target;
    b->saddr = m->enis[target].priv[0];
    b->sport = 8080;
    f->nlives = b->nlives = 1;
    fg__conn_paths(m, f);
    fg__conn_paths(m, b);
    fg__conn_spawn(m, f);
    fg__conn_spawn(m, b);
}

static int setup_kind(fg_model *m, fg_conn *c, int kind, int64_t t)
{
    fg_rng *r = &m->rng;
    c->nlives = 1;
    switch (kind) {
    case FG_K_INTRA: c->cls = FG_CL_INTRA_AZ; tcp_shape(c, t, 0); return pick_pair(m, c, 1, 0);
    case FG_K_INTER: c->cls = FG_CL_INTER_AZ; tcp_shape(c, t, 0); return pick_pair(m, c, 0, 0);
    case FG_K_INET_IN: c->cls = FG_CL_INTERNET_IN; tcp_shape(c, t, 0); return setup_inet_in(m, c, 0);
    case FG_K_INET_OUT: c->cls = FG_CL_INTERNET_OUT; tcp_shape(c, t, 0); return setup_inet_out(m, c);
    case FG_K_NAT: c->cls = FG_CL_NAT; tcp_shape(c, t, fg_rng_below(r, 50) == 0); return setup_nat(m, c);
    case FG_K_REJ_SG: {
        c->cls = FG_CL_REJ_SG;
        setup_reject(c, t, 1, 0);
        int ok = fg_rng_below(r, 10) < 7 ? setup_inet_in(m, c, 0) : pick_pair(m, c, fg_rng_below(r, 2), NEED_LOGGED);
        static const uint16_t p[] = {22, 3389, 23, 445, 1433, 5432};
        c->sport = pick_port(m, p, 6);
        return ok;
    }
    case FG_K_REJ_NACL:
        c->cls = FG_CL_REJ_NACL;
        if (fg_rng_below(r, 2))
            return setup_icmp(m, c, t, 1);
        setup_reject(c, t, 0, 0);
        return setup_inet_in(m, c, 0);
    case FG_K_UDP: c->cls = FG_CL_UDP; return setup_udp(m, c, t);
    case FG_K_ICMP: c->cls = FG_CL_ICMP; return setup_icmp(m, c, t, 0);
    case FG_K_IPV6: c->cls = FG_CL_IPV6; tcp_shape(c, t, 0); return setup_v6(m, c);
    case FG_K_SECONDARY: c->cls = FG_CL_SECONDARY; tcp_shape(c, t, 0); return setup_secondary(m, c);
    case FG_K_REUSE:
        c->cls = FG_CL_PORT_REUSE;
        tcp_shape(c, t, 0);
        c->script = FG_S_TCP;
        c->t_end = t + fg_rng_range(&c->rng, 0, 20);
        c->nlives = 2;
        return pick_pair(m, c, fg_rng_below(r, 2), 0);
    case FG_K_LONG: {
        c->cls = FG_CL_LONG_LIVED;
        tcp_shape(c, t, 1);
        unsigned x = (unsigned)fg_rng_below(r, 4);
        return x == 0 ? setup_nat(m, c) : x == 1 ? setup_inet_out(m, c) : pick_pair(m, c, x == 2, 0);
    }
    default: return 0;
    }
}

void fg__scenario_arrival(fg_model *m, int kind, int64_t t)
{
    if (kind == FG_K_SCAN) {
        spawn_scan(m, t);
        return;
    }
    if (kind == FG_K_NLB) {
        spawn_nlb(m, t);
        return;
    }
    for (int attempt = 0; attempt < 4; attempt++) {
        fg_conn *c = fg__conn_alloc(m);
        fg_rng_seed(&c->rng, fg_rng_next(&m->rng), 7);
        if (setup_kind(m, c, kind, t)) {
            fg__conn_paths(m, c);
            if (c->nobs > 0) {
                fg__conn_spawn(m, c);
                return;
            }
        }
        fg__conn_release(m, c);
    }
}

/* Long-lived connections opened before the range. */
int fg__prestart_kind(void) { return FG_K_LONG; }
