/* tools/flowgen/fg_internal.h - structures shared by the flowgen_core files.
 *
 * Owns: the PRNG (xoshiro256** seeded by splitmix64), the address table,
 * and the model's object layout.  Only fg_*.c include this.
 */
#ifndef FLOWGEN_FG_INTERNAL_H
#define FLOWGEN_FG_INTERNAL_H

#include <stdint.h>
#include <stdlib.h>

#include "fg.h"

/* ---- PRNG ---- */
typedef struct fg_rng {
    uint64_t s[4];
} fg_rng;

static inline uint64_t fg__splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static inline void fg_rng_seed(fg_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
    for (int i = 0; i < 4; i++)
        r->s[i] = fg__splitmix(&x);
}
static inline uint64_t fg__rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t fg_rng_next(fg_rng *r)
{
    uint64_t *s = r->s;
    const uint64_t result = fg__rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = fg__rotl(s[3], 45);
    return result;
}
/* Uniform in [0, n), n > 0 (Lemire's multiply-shift; the tiny bias is
 * irrelevant here). */
static inline uint64_t fg_rng_below(fg_rng *r, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)fg_rng_next(r) * n) >> 64);
}
/* Uniform in [lo, hi]. */
static inline int64_t fg_rng_range(fg_rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)fg_rng_below(r, (uint64_t)(hi - lo + 1));
}
static inline double fg_rng_unit(fg_rng *r)
{
    return (double)(fg_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* tcp-flags bits (../shared/docs/aws-flowlogs.md section 2) */
enum { FG_TCP_FIN = 1, FG_TCP_SYN = 2, FG_TCP_RST = 4, FG_TCP_ACK = 16 };

/* ---- addresses ---- */
typedef struct fg_ip {
    uint8_t v6;
    uint8_t b[16];
    char text[48];
} fg_ip;

/* ---- VPC objects ---- */
typedef struct fg_subnet {
    char id[32];
    int az, logged, group, is_public;
} fg_subnet;

#define FG_MAX_PRIV 4
struct fg_eni {
    char id[32];
    char instance[32];            /* "-" for requester-managed */
    int kind, subnet, nitro, max_window, min_window;
    uint32_t priv[FG_MAX_PRIV];   /* address ids, [0] primary */
    uint32_t pub[FG_MAX_PRIV];    /* public/EIP per private, 0 none */
    int n_priv;
    uint32_t ipv6;                /* 0 none */
    /* capture windows */
    fg_rng wrng;
    const int *wlist;
    size_t nwlist, widx;
    int64_t ws, we;
    uint64_t wseq;
    int heap_pos;
    /* records of the current window */
    struct fg_rec *recs;
    size_t nrec, caprec;
    /* per-ENI ephemeral port counter (client side) */
    uint32_t next_port;
};

/* One record being aggregated in an ENI's current window. */
typedef struct fg_rec {
    struct fg_conn *conn;
    uint8_t obs, dir, flags, syn; /* syn: lives whose client SYN is in it */
    uint8_t lives;                /* lives with packets in it (bit per life) */
    uint64_t packets, bytes;
    int64_t start, end;
    uint64_t conn_id;
    uint32_t order;
} fg_rec;

/* How one observation point logs one direction of a connection. */
typedef struct fg_tmpl {
    uint32_t src, dst, psrc, pdst;
    uint16_t sport, dport;
    uint8_t egress, action, tpath, on;
} fg_tmpl;

typedef struct fg_obs {
    int eni;
    fg_tmpl t[2];
    uint64_t seq[2];              /* ENI window seq of slot[], +1 (0 = none) */
    uint32_t slot[2];
} fg_obs;

/* Script kinds (how bursts are produced). */
enum {
    FG_S_EXPLICIT = 0, FG_S_TCP, FG_S_TCP_REFUSED, FG_S_TCP_SGREJ, FG_S_TCP_NACL,
    FG_S_DNS, FG_S_UDP_STREAM, FG_S_ICMP
};
enum { FG_CLOSE_FIN = 0, FG_CLOSE_RST = 1 };

typedef struct fg_life {
    uint64_t id;
    int64_t start, end;
    uint64_t packets[2], bytes[2];
    uint8_t hs;                   /* handshake SYN delivered in a record */
    uint32_t seen;                /* obs (bits) that delivered a record
                                   * carrying this life */
    uint8_t delivered;            /* some delivered record carries this life */
    uint8_t with;                 /* AND of the `lives` of those records: the
                                   * lives every one of them also carries */
    uint8_t samewin;              /* a delivered record holds the FIN of one
                                   * life and the SYN of the next (redial) */
} fg_life;

typedef struct fg_conn {
    struct fg_conn *next_free;
    uint8_t proto, v6, cls, nlives, script, close, sg_reject, nacl_reject;
    uint32_t tags;
    uint32_t caddr, saddr;        /* real packet addresses */
    uint16_t cport, sport;
    int ceni, seni, nat;
    uint16_t nat_port;
    fg_obs obs[4];
    int nobs;
    fg_life life[2];
    /* script state */
    int life_cur, phase;
    int64_t t_next, t_end, gap_lo, gap_hi;
    uint32_t left, req_pk, resp_pk;
    uint64_t req_by, resp_by;
    const fg_burst *bursts;
    size_t nb, bi;
    fg_burst pend;                /* burst to apply at t_next */
    int has_pend;
    /* phenomena (docs/flowgen.md "Phenomena mixes") */
    uint8_t redial;               /* redial gaps; tag redial-same-window */
    uint8_t resp_rare;            /* UDP stream answered only every 320-900 s
                                   * (tag half-quiet) */
    int64_t resp_at;              /* resp_rare: the next answer's time */
    uint8_t nquiet, iquiet;       /* quiet periods planned / taken */
    int64_t quiet_at[2], quiet_len[2];
    int64_t quiet_from[2], quiet_to[2]; /* last burst before, first after */
    fg_rng rng;
    int pending;                  /* records not yet flushed */
    int done;
    int heap_pos;
} fg_conn;

/* Heap of pointers ordered by an int64 key read through a callback
 * (fg_heap.c). */
typedef struct fg_heap_item {
    int64_t key;
    void *p;
} fg_heap_item;
typedef struct fg_heap {
    fg_heap_item *v;
    size_t n, cap;
    int64_t (*key)(const void *);
    int *(*pos)(void *);
} fg_heap;
void fg__heap_push(fg_heap *h, void *x);
void *fg__heap_pop(fg_heap *h);
void fg__heap_fix_top(fg_heap *h); /* after the top's key grew */
void fg__heap_free(fg_heap *h);

/* Pending explicit or scheduled arrivals. */
typedef struct fg_arrival {
    int64_t t;
    int kind;                     /* FG_K_* or -1 for an explicit conn spec */
    uint32_t idx;
} fg_arrival;

struct fg_model {
    fg_config cfg;
    char account[16], region[24], vpc_id[32], vpc6_prefix[32];
    char az_ids[8][16], az_names[8][16];
    int n_az;
    fg_rng rng;                   /* scenario building and arrivals */
    fg_ip *ips;
    size_t n_ips, cap_ips;
    fg_subnet *subnets;
    size_t n_subnets;
    fg_eni *enis;
    size_t n_enis;
    /* internet hosts (address ids) and their port counters */
    uint32_t *hosts;
    uint32_t *host_port;
    size_t n_hosts;
    uint32_t *hosts6;
    size_t n_hosts6;
    /* explicit connections */
    fg_conn_spec *specs;
    fg_burst **spec_bursts;
    uint32_t (*spec_ip)[2];       /* client, server address ids */
    size_t n_specs;
    /* scenario arrivals, generated lazily */
    int scenario;                 /* 0 none */
    uint64_t arrivals_left;
    int64_t next_arrival;
    double arrival_gap;
    fg_arrival *pre;              /* sorted arrivals before the random stream */
    size_t n_pre, i_pre;
    /* sweep state */
    fg_conn *free_conns;
    fg_conn **blocks;
    size_t n_blocks;
    uint64_t next_conn_id;
    fg_heap conn_heap, eni_heap;
    const fg_sink *sink;
    uint32_t order;
};

static inline int fg__logged(const fg_model *m, int eni)
{
    return eni >= 0 && m->subnets[m->enis[eni].subnet].logged;
}
static inline int fg__az_of(const fg_model *m, int eni) { return m->subnets[m->enis[eni].subnet].az; }

/* fg_vpc.c */
uint32_t fg__ip_add(fg_model *m, const char *text);
const char *fg__ip_text(const fg_model *m, uint32_t id);
int fg__ip_is_v6(const fg_model *m, uint32_t id);
int fg__eni_of_addr(const fg_model *m, uint32_t id, int *priv_index);
void fg__rand_id(fg_rng *r, const char *prefix, char *out, size_t n);
/* fg_conn.c */
fg_conn *fg__conn_alloc(fg_model *m);
void fg__conn_release(fg_model *m, fg_conn *c);
void fg__conn_paths(fg_model *m, fg_conn *c);
int fg__conn_next_burst(fg_model *m, fg_conn *c, fg_burst *b);
void fg__conn_start_script(fg_model *m, fg_conn *c);
/* fg_scenario.c */
enum { FG_ARRIVAL_MAX = 160 }; /* most connections one arrival builds (a scan) */
/* Builds the connections of one arrival of `kind` at t into out[] (at most
 * cap), in the order they must be numbered and spawned; their conn ids
 * are not set.  Returns how many (0 when the VPC has no fitting
 * endpoints).  The caller owns them and spawns them into the sweep. */
size_t fg__scenario_arrival(fg_model *m, int kind, int64_t t, fg_conn **out, size_t cap);
int fg__pick_kind(fg_model *m);
/* Kind and share (of cfg.connections) of the connections opened before
 * the range. */
int fg__prestart_kind(const fg_model *m);
double fg__prestart_share(const fg_model *m);

#endif
