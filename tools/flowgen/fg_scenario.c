/* tools/flowgen/fg_scenario.c - scenario traffic: which kind of connection
 * arrives (weights per mix), between which endpoints, and with what shape.
 *
 * fg__scenario_arrival() BUILDS the connections of one arrival (endpoints,
 * script, observation points) and returns them; fg_sim.c numbers and
 * spawns them.  Nothing here touches the sweep.
 */
#include <string.h>

#include "fg_internal.h"
enum {
    FG_K_INTRA, FG_K_INTER, FG_K_INET_IN, FG_K_INET_OUT, FG_K_NAT, FG_K_REJ_SG,
    FG_K_REJ_NACL, FG_K_SCAN, FG_K_UDP, FG_K_ICMP, FG_K_IPV6, FG_K_SECONDARY,
    FG_K_REUSE, FG_K_LONG, FG_K_NLB,
    FG_K_IDLE,  /* long-lived with 15-40 min quiet periods (long-idle) */
    FG_K_REDIAL,/* same 5-tuple re-dialled 0 s - 25 min after the close */
    FG_K_SPAN,  /* opened before the range, open after it (prestart only) */
    FG_K_COUNT
};

/* Arrival weights per mix (rows: FG_MIX_*). */
static const unsigned kind_weight[FG_MIX_COUNT][FG_K_COUNT] = {
    /*        intra inter in out nat sg nacl scan udp icmp v6 sec reuse long nlb */
    [FG_MIX_MIXED] = {16, 12, 8, 6, 10, 5, 3, 1, 12, 4, 5, 5, 4, 3, 6},
    [FG_MIX_TCP] = {30, 25, 10, 10, 0, 0, 0, 0, 0, 0, 0, 10, 10, 5, 0},
    [FG_MIX_UDP] = {0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0},
    [FG_MIX_NAT] = {0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    [FG_MIX_REJECT] = {25, 0, 0, 0, 0, 40, 30, 5, 0, 0, 0, 0, 0, 0, 0},
    /* phenomena mixes: ordinary traffic around the phenomenon        idle redial */
    [FG_MIX_LONGLIVED] = {10, 8, 4, 4, 4, 0, 0, 0, 6, 0, 0, 0, 0, 4, 0, 60, 0},
    [FG_MIX_REUSE] = {10, 8, 4, 4, 4, 0, 0, 0, 6, 0, 0, 0, 4, 0, 0, 0, 60},
    [FG_MIX_NATNOMETA] = {10, 8, 5, 5, 50, 2, 0, 0, 8, 2, 2, 2, 0, 3, 3, 0, 0},
    [FG_MIX_INDEPENDENT] = {16, 12, 8, 6, 14, 5, 3, 1, 12, 4, 5, 5, 4, 3, 6, 10, 10},
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
    int az = fg__az_of(m, c->ceni);
    unsigned sneed = need | (fg__logged(m, c->ceni) ? 0u : (unsigned)NEED_LOGGED);
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
    int az = fg__az_of(m, c->ceni);
    c->nat = pick_eni(m, FG_ENI_NAT, fg__logged(m, c->ceni) ? 0u : NEED_LOGGED, az, -1, -1);
    if (c->nat < 0)
        c->nat = pick_eni(m, FG_ENI_NAT, fg__logged(m, c->ceni) ? 0u : NEED_LOGGED, -1, -1, -1);
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
    /* Phenomena mixes: two in three answered streams are telemetry whose
     * server answers only every 320-900 s, longer than the 300 s UDP idle
     * timeout, while the client sends every 2-15 s for 20-60 min: one
     * direction is silent past the timeout, the connection never is. */
    if (m->cfg.mix >= FG_MIX_FIRST_PHENOMENA && c->resp_pk && fg_rng_below(&c->rng, 3) < 2) {
        c->resp_rare = 1;
        c->t_end = t + fg_rng_range(&c->rng, 1200, 3600);
        c->resp_at = t + fg_rng_range(&c->rng, 320, 900);
    }
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

static size_t build_scan(fg_model *m, int64_t t, fg_conn **out, size_t cap)
{
    static const uint16_t top[] = {21, 22, 23, 25, 53, 80, 110, 135, 139, 143, 443, 445, 993, 995,
                                   1433, 1723, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 9200};
    uint16_t sport;
    uint32_t scanner = pick_host(m, &sport);
    int target = pick_eni(m, FG_ENI_INSTANCE, NEED_LOGGED | NEED_PUBLIC, -1, -1, -1);
    if (target < 0)
        return 0;
    int n = (int)fg_rng_range(&m->rng, 20, 150);
    if ((size_t)n > cap)
        n = (int)cap;
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
        /* conn ids are given in build order when fg_sim.c spawns them */
        fg_rng_seed(&c->rng, m->cfg.seed, 0x5ca0000000ULL + m->next_conn_id + (uint64_t)i);
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
        out[i] = c;
    }
    return (size_t)n;
}

/* NLB front (internet -> NLB ENI) and back (NLB ENI -> target instance)
 * connections: two 5-tuples, two truths. */
static size_t build_nlb(fg_model *m, int64_t t, fg_conn **out)
{
    int lb = pick_eni(m, FG_ENI_NLB, NEED_LOGGED, -1, -1, -1);
    if (lb < 0)
        return 0;
    int target = pick_eni(m, FG_ENI_INSTANCE, NEED_PRIVATE, -1, -1, -1);
    if (target < 0)
        return 0;
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
    b->cls = fg__az_of(m, lb) == fg__az_of(m, target) ? FG_CL_INTRA_AZ : FG_CL_INTER_AZ;
    b->ceni = lb;
    b->caddr = m->enis[lb].priv[0];
    b->cport = eph_port(&m->enis[lb]);
    b->seni = target;
    b->saddr = m->enis[target].priv[0];
    b->sport = 8080;
    f->nlives = b->nlives = 1;
    fg__conn_paths(m, f);
    fg__conn_paths(m, b);
    out[0] = f;
    out[1] = b;
    return 2;
}

/* Plans n quiet periods of 15-40 min (900-2400 s), the first 2-15 min
 * after t, the next 5-15 min after the one before; returns when the last
 * one ends. */
static int64_t plan_quiet(fg_conn *c, int64_t t, int n)
{
    fg_rng *r = &c->rng;
    c->nquiet = (uint8_t)n;
    for (int q = 0; q < n; q++) {
        c->quiet_at[q] = t + (q ? fg_rng_range(r, 300, 900) : fg_rng_range(r, 120, 900));
        c->quiet_len[q] = fg_rng_range(r, 900, 2400);
        t = c->quiet_at[q] + c->quiet_len[q] + c->gap_hi;
    }
    return t;
}

/* Long-idle TCP (DB pools, Kafka, SSH): exchanges every 10-90 s around
 * one or two silences of 15-40 min, then 2 min - 2 h more. */
static void shape_idle(fg_conn *c, int64_t t)
{
    tcp_shape(c, t, 1);
    c->close = FG_CLOSE_FIN;
    int64_t q_end = plan_quiet(c, t, fg_rng_below(&c->rng, 3) == 0 ? 2 : 1);
    c->t_end = q_end + fg_rng_range(&c->rng, 120, 7200);
}

/* Opened before the range (t < t0), still open 5 min - 2 h after it;
 * half of them also go quiet once inside the range. */
static void shape_span(fg_model *m, fg_conn *c, int64_t t)
{
    const int64_t t0 = m->cfg.t0, t1 = t0 + m->cfg.duration;
    tcp_shape(c, t, 1);
    c->close = FG_CLOSE_FIN;
    if (fg_rng_below(&c->rng, 2))
        plan_quiet(c, t0 + fg_rng_range(&c->rng, 0, m->cfg.duration / 2), 1);
    c->t_end = t1 + fg_rng_range(&c->rng, 300, 7200);
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
    case FG_K_IDLE: {
        c->cls = FG_CL_LONG_IDLE;
        shape_idle(c, t);
        unsigned x = (unsigned)fg_rng_below(r, 4);
        return x == 0 ? setup_nat(m, c) : x == 1 ? setup_inet_out(m, c) : pick_pair(m, c, x == 2, 0);
    }
    case FG_K_SPAN: {
        c->cls = FG_CL_OPEN_START;
        shape_span(m, c, t);
        unsigned x = (unsigned)fg_rng_below(r, 4);
        return x == 0 ? setup_nat(m, c) : x == 1 ? setup_inet_out(m, c) : pick_pair(m, c, x == 2, 0);
    }
    case FG_K_REDIAL:
        c->cls = FG_CL_REDIAL;
        tcp_shape(c, t, 0);
        c->script = FG_S_TCP;
        c->close = FG_CLOSE_FIN; /* the FIN the redial's SYN may share a record with */
        c->redial = 1;
        c->t_end = t + (fg_rng_below(&c->rng, 2) ? fg_rng_range(&c->rng, 0, 3) : fg_rng_range(&c->rng, 10, 300));
        c->nlives = 2;
        return fg_rng_below(r, 5) == 0 ? setup_inet_out(m, c) : pick_pair(m, c, fg_rng_below(r, 2), 0);
    default: return 0;
    }
}

size_t fg__scenario_arrival(fg_model *m, int kind, int64_t t, fg_conn **out, size_t cap)
{
    if (cap < 2)
        return 0;
    if (kind == FG_K_SCAN)
        return build_scan(m, t, out, cap);
    if (kind == FG_K_NLB)
        return build_nlb(m, t, out);
    for (int attempt = 0; attempt < 4; attempt++) {
        fg_conn *c = fg__conn_alloc(m);
        fg_rng_seed(&c->rng, fg_rng_next(&m->rng), 7);
        if (setup_kind(m, c, kind, t)) {
            fg__conn_paths(m, c);
            if (c->nobs > 0) {
                out[0] = c;
                return 1;
            }
        }
        fg__conn_release(m, c);
    }
    return 0;
}

/* Connections opened before the range: long-lived ones in the older
 * mixes; spans (open at both edges) in the phenomena mixes. */
int fg__prestart_kind(const fg_model *m) { return m->cfg.mix >= FG_MIX_FIRST_PHENOMENA ? FG_K_SPAN : FG_K_LONG; }

double fg__prestart_share(const fg_model *m)
{
    switch (m->cfg.mix) {
    case FG_MIX_LONGLIVED: return 0.15;
    case FG_MIX_INDEPENDENT: return 0.03;
    default: return m->cfg.prestart_share;
    }
}
