/* tools/flowgen/fg_vpc.c - the simulated VPC: addresses, subnets, ENIs,
 * scenarios, and the describe-network-interfaces JSON.
 *
 * Address rules follow ../shared/docs/aws-flowlogs.md section 1.6: an ENI
 * has one primary private IPv4, optional secondaries, optional public/EIP
 * per private IP (never logged as the ENI's own address) and optional IPv6.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "fg_internal.h"

static const char *const class_names[] = {
#define FG__CL_NAME(n, s) s,
    FG_CLASS_LIST(FG__CL_NAME)
#undef FG__CL_NAME
};

const char *fg_class_name(int cl)
{
    return (cl >= 0 && cl < FG_CL_COUNT) ? class_names[cl] : "?";
}

void fg_config_init(fg_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->seed = 1;
    cfg->t0 = 1718000100;  /* 2024-06-10T06:15:00Z */
    cfg->duration = 3600;
    cfg->connections = 20000;
    cfg->skip_rate = 0.002;
    cfg->late_rate = 0.05;
    cfg->prestart_share = 0.01;
    cfg->mix = FG_MIX_MIXED;
    cfg->account = "123456789012";
    cfg->region = "us-east-1";
}

static const char *const mix_names[FG_MIX_COUNT] = {"mixed", "tcp", "udp", "nat", "reject",
                                                    "longlived", "reuse", "natnometa", "independent"};

int fg_mix_parse(const char *s)
{
    for (int i = 0; i < FG_MIX_COUNT; i++)
        if (strcmp(s, mix_names[i]) == 0)
            return i;
    return -1;
}

const char *fg_mix_name(int mix) { return (mix >= 0 && mix < FG_MIX_COUNT) ? mix_names[mix] : "?"; }

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "flowgen: out of memory\n");
        abort();
    }
    return q;
}

/* ---- addresses ---- */

uint32_t fg__ip_add(fg_model *m, const char *text)
{
    if (m->n_ips == m->cap_ips) {
        m->cap_ips = m->cap_ips ? m->cap_ips * 2 : 256;
        m->ips = xrealloc(m->ips, m->cap_ips * sizeof *m->ips);
    }
    fg_ip *ip = &m->ips[m->n_ips];
    memset(ip, 0, sizeof *ip);
    ip->v6 = strchr(text, ':') != NULL;
    if (inet_pton(ip->v6 ? AF_INET6 : AF_INET, text, ip->b) != 1) {
        fprintf(stderr, "flowgen: bad address %s\n", text);
        abort();
    }
    /* canonical text (RFC 5952 for IPv6, as inet_ntop writes it) */
    inet_ntop(ip->v6 ? AF_INET6 : AF_INET, ip->b, ip->text, sizeof ip->text);
    return (uint32_t)m->n_ips++;
}

const char *fg__ip_text(const fg_model *m, uint32_t id) { return m->ips[id].text; }
int fg__ip_is_v6(const fg_model *m, uint32_t id) { return m->ips[id].v6; }

static uint32_t ip_find(fg_model *m, const char *text)
{
    fg_ip tmp;
    memset(&tmp, 0, sizeof tmp);
    int v6 = strchr(text, ':') != NULL;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, text, tmp.b) != 1)
        return 0;
    for (size_t i = 1; i < m->n_ips; i++)
        if (m->ips[i].v6 == v6 && memcmp(m->ips[i].b, tmp.b, 16) == 0)
            return (uint32_t)i;
    return fg__ip_add(m, text);
}

int fg__eni_of_addr(const fg_model *m, uint32_t id, int *priv_index)
{
    for (size_t i = 0; i < m->n_enis; i++) {
        const fg_eni *e = &m->enis[i];
        for (int k = 0; k < e->n_priv; k++)
            if (e->priv[k] == id) {
                if (priv_index)
                    *priv_index = k;
                return (int)i;
            }
        if (e->ipv6 && e->ipv6 == id) {
            if (priv_index)
                *priv_index = -1;
            return (int)i;
        }
    }
    return -1;
}

void fg__rand_id(fg_rng *r, const char *prefix, char *out, size_t n)
{
    /* AWS long ids: prefix, '-', 17 hex digits starting with 0 */
    uint64_t v = fg_rng_next(r);
    snprintf(out, n, "%s-0%016llx", prefix, (unsigned long long)v);
}

/* ---- model ---- */

fg_model *fg_model_new(const fg_config *cfg)
{
    fg_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->cfg = *cfg;
    snprintf(m->account, sizeof m->account, "%s", cfg->account);
    snprintf(m->region, sizeof m->region, "%s", cfg->region);
    m->cfg.account = m->account;
    m->cfg.region = m->region;
    fg_rng_seed(&m->rng, cfg->seed, 1);
    fg__rand_id(&m->rng, "vpc", m->vpc_id, sizeof m->vpc_id);
    snprintf(m->vpc6_prefix, sizeof m->vpc6_prefix, "2600:1f18:%x:%x",
             (unsigned)fg_rng_below(&m->rng, 0x10000), (unsigned)(fg_rng_below(&m->rng, 0x100) << 8));
    /* us-east-1 AZ ids/names (ids are account-independent, names are not) */
    static const char *const ids[] = {"use1-az1", "use1-az2", "use1-az4", "use1-az6"};
    static const char *const names[] = {"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"};
    m->n_az = 4;
    for (int i = 0; i < 4; i++) {
        snprintf(m->az_ids[i], sizeof m->az_ids[i], "%s", ids[i]);
        snprintf(m->az_names[i], sizeof m->az_names[i], "%s", names[i]);
    }
    fg__ip_add(m, "0.0.0.0"); /* id 0 = none */
    m->next_conn_id = 1;
    return m;
}

void fg_model_free(fg_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_enis; i++)
        free(m->enis[i].recs);
    for (size_t i = 0; i < m->n_specs; i++)
        free(m->spec_bursts[i]);
    for (size_t i = 0; i < m->n_blocks; i++)
        free(m->blocks[i]);
    free(m->blocks);
    free(m->spec_bursts);
    free(m->spec_ip);
    free(m->specs);
    free(m->ips);
    free(m->subnets);
    free(m->enis);
    free(m->hosts);
    free(m->host_port);
    free(m->hosts6);
    free(m->pre);
    fg__heap_free(&m->conn_heap);
    fg__heap_free(&m->eni_heap);
    free(m);
}

const fg_config *fg_model_config(const fg_model *m) { return &m->cfg; }

int fg_add_subnet(fg_model *m, int az, int logged, int group)
{
    m->subnets = xrealloc(m->subnets, (m->n_subnets + 1) * sizeof *m->subnets);
    fg_subnet *s = &m->subnets[m->n_subnets];
    memset(s, 0, sizeof *s);
    fg__rand_id(&m->rng, "subnet", s->id, sizeof s->id);
    s->az = az;
    s->logged = logged;
    s->group = group;
    return (int)m->n_subnets++;
}

int fg_add_eni(fg_model *m, const fg_eni_spec *s)
{
    m->enis = xrealloc(m->enis, (m->n_enis + 1) * sizeof *m->enis);
    fg_eni *e = &m->enis[m->n_enis];
    memset(e, 0, sizeof *e);
    fg__rand_id(&m->rng, "eni", e->id, sizeof e->id);
    if (s->kind == FG_ENI_INSTANCE)
        fg__rand_id(&m->rng, "i", e->instance, sizeof e->instance);
    else
        snprintf(e->instance, sizeof e->instance, "-");
    e->kind = s->kind;
    e->subnet = s->subnet;
    e->nitro = s->nitro;
    e->priv[e->n_priv++] = ip_find(m, s->primary);
    for (int k = 0; k < 3 && s->secondary[k]; k++)
        e->priv[e->n_priv++] = ip_find(m, s->secondary[k]);
    for (int k = 0; k < e->n_priv; k++)
        e->pub[k] = s->public_ip[k] ? ip_find(m, s->public_ip[k]) : 0;
    e->ipv6 = s->ipv6 ? ip_find(m, s->ipv6) : 0;
    /* aggregation interval: the flow log's maximum (group 0: 60 s, group 1:
     * 600 s), and never above 60 s on Nitro (aws-flowlogs.md 3.1) */
    int fl_max = m->subnets[s->subnet].group == 0 ? 60 : 600;
    e->max_window = (e->nitro || fl_max == 60) ? 60 : fl_max;
    e->min_window = e->max_window == 60 ? 50 : 120;
    e->wlist = s->windows;
    e->nwlist = s->n_windows;
    fg_rng_seed(&e->wrng, m->cfg.seed, 1000 + m->n_enis);
    e->next_port = 32768 + (uint32_t)fg_rng_below(&m->rng, 20000);
    return (int)m->n_enis++;
}

/* ---- scenarios ---- */

static void rand_public_v4(fg_rng *r, char *out, size_t n)
{
    static const int first[] = {3, 13, 18, 34, 35, 44, 52, 54, 99, 104, 142, 151, 185, 198, 203, 212};
    int a = first[fg_rng_below(r, sizeof first / sizeof first[0])];
    snprintf(out, n, "%d.%d.%d.%d", a, (int)fg_rng_below(r, 256), (int)fg_rng_below(r, 256),
             1 + (int)fg_rng_below(r, 254));
}

static void add_hosts(fg_model *m, size_t n4, size_t n6)
{
    char buf[64];
    m->hosts = xrealloc(m->hosts, n4 * sizeof *m->hosts);
    m->host_port = xrealloc(m->host_port, n4 * sizeof *m->host_port);
    for (size_t i = 0; i < n4; i++) {
        rand_public_v4(&m->rng, buf, sizeof buf);
        m->hosts[i] = fg__ip_add(m, buf);
        m->host_port[i] = 1024 + (uint32_t)fg_rng_below(&m->rng, 64000);
    }
    m->n_hosts = n4;
    m->hosts6 = xrealloc(m->hosts6, n6 * sizeof *m->hosts6);
    for (size_t i = 0; i < n6; i++) {
        snprintf(buf, sizeof buf, "2a05:d018:%x:%x::%x", (unsigned)fg_rng_below(&m->rng, 0x10000),
                 (unsigned)fg_rng_below(&m->rng, 0x10000), 1 + (unsigned)fg_rng_below(&m->rng, 0xfffe));
        m->hosts6[i] = fg__ip_add(m, buf);
    }
    m->n_hosts6 = n6;
}

typedef struct subnet_plan {
    int az, logged, group, is_public, n_inst, n_nat, n_nlb;
} subnet_plan;

static void eni_addr(fg_model *m, int sn, int *host, char *out, size_t n)
{
    *host += 1 + (int)fg_rng_below(&m->rng, 6);
    snprintf(out, n, "10.0.%d.%d", sn, *host);
}

static void build_subnet(fg_model *m, const subnet_plan *p)
{
    int sn = fg_add_subnet(m, p->az, p->logged, p->group);
    m->subnets[sn].is_public = p->is_public;
    int host = 3; /* .0-.3 are reserved by AWS */
    char pri[32], sec[2][32], pub[2][32], v6[64];
    for (int i = 0; i < p->n_inst + p->n_nat + p->n_nlb; i++) {
        fg_eni_spec s;
        memset(&s, 0, sizeof s);
        s.subnet = sn;
        s.kind = i < p->n_inst ? FG_ENI_INSTANCE : i < p->n_inst + p->n_nat ? FG_ENI_NAT : FG_ENI_NLB;
        s.nitro = s.kind != FG_ENI_INSTANCE || fg_rng_below(&m->rng, 100) < 75;
        eni_addr(m, sn, &host, pri, sizeof pri);
        s.primary = pri;
        int nsec = 0;
        if (s.kind == FG_ENI_INSTANCE && fg_rng_below(&m->rng, 100) < 35)
            nsec = 1 + (int)fg_rng_below(&m->rng, 2);
        for (int k = 0; k < nsec; k++) {
            eni_addr(m, sn, &host, sec[k], sizeof sec[k]);
            s.secondary[k] = sec[k];
        }
        if (p->is_public) {
            rand_public_v4(&m->rng, pub[0], sizeof pub[0]);
            s.public_ip[0] = pub[0];
            if (nsec && fg_rng_below(&m->rng, 2)) { /* an EIP on a secondary */
                rand_public_v4(&m->rng, pub[1], sizeof pub[1]);
                s.public_ip[1] = pub[1];
            }
        }
        if (s.kind == FG_ENI_INSTANCE && fg_rng_below(&m->rng, 100) < 40) {
            snprintf(v6, sizeof v6, "%s%02x:%x:%x:%x:%x", m->vpc6_prefix, sn,
                     (unsigned)fg_rng_below(&m->rng, 0x10000), (unsigned)fg_rng_below(&m->rng, 0x10000),
                     (unsigned)fg_rng_below(&m->rng, 0x10000), 1 + (unsigned)fg_rng_below(&m->rng, 0xfffe));
            s.ipv6 = v6;
        }
        fg_add_eni(m, &s);
    }
}

int fg_build_scenario(fg_model *m, const char *name)
{
    static const subnet_plan small[] = {
        {0, 1, 0, 1, 3, 1, 1}, {0, 1, 0, 0, 4, 0, 0},
        {1, 1, 1, 1, 3, 0, 1}, {1, 0, 0, 0, 4, 0, 0},
    };
    static const subnet_plan mixed[] = {
        {0, 1, 0, 1, 4, 1, 1}, {0, 1, 0, 0, 8, 0, 0}, {0, 1, 1, 0, 3, 0, 0},
        {1, 1, 1, 1, 4, 1, 1}, {1, 0, 0, 0, 8, 0, 0}, {1, 1, 1, 0, 3, 0, 0},
        {2, 1, 0, 1, 4, 1, 1}, {2, 1, 0, 0, 8, 0, 0}, {2, 0, 0, 0, 3, 0, 0},
    };
    const subnet_plan *plan;
    size_t n;
    if (strcmp(name, "small") == 0) {
        plan = small;
        n = sizeof small / sizeof small[0];
        add_hosts(m, 1024, 128);
    } else if (strcmp(name, "mixed") == 0) {
        plan = mixed;
        n = sizeof mixed / sizeof mixed[0];
        add_hosts(m, 8192, 512);
    } else {
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        build_subnet(m, &plan[i]);
    m->scenario = 1;
    return 0;
}

/* ---- explicit connections ---- */

int fg_add_conn(fg_model *m, const fg_conn_spec *s)
{
    m->specs = xrealloc(m->specs, (m->n_specs + 1) * sizeof *m->specs);
    m->spec_bursts = xrealloc(m->spec_bursts, (m->n_specs + 1) * sizeof *m->spec_bursts);
    m->spec_ip = xrealloc(m->spec_ip, (m->n_specs + 1) * sizeof *m->spec_ip);
    m->spec_ip[m->n_specs][0] = ip_find(m, s->client);
    m->spec_ip[m->n_specs][1] = ip_find(m, s->server);
    fg_burst *b = xrealloc(NULL, s->n_bursts * sizeof *b);
    memcpy(b, s->bursts, s->n_bursts * sizeof *b);
    m->specs[m->n_specs] = *s;
    m->specs[m->n_specs].bursts = b;
    m->spec_bursts[m->n_specs] = b;
    return (int)m->n_specs++;
}

/* ---- accessors ---- */

size_t fg_eni_count(const fg_model *m) { return m->n_enis; }
const fg_eni *fg_eni_at(const fg_model *m, size_t i) { return &m->enis[i]; }
const char *fg_eni_id(const fg_eni *e) { return e->id; }
const char *fg_eni_instance(const fg_eni *e) { return e->instance; }
const char *fg_eni_subnet_id(const fg_model *m, const fg_eni *e) { return m->subnets[e->subnet].id; }
const char *fg_eni_az_id(const fg_model *m, const fg_eni *e) { return m->az_ids[m->subnets[e->subnet].az]; }
const char *fg_eni_primary(const fg_model *m, const fg_eni *e) { return m->ips[e->priv[0]].text; }
int fg_eni_logged(const fg_model *m, const fg_eni *e) { return m->subnets[e->subnet].logged; }
int fg_eni_group(const fg_model *m, const fg_eni *e) { return m->subnets[e->subnet].group; }
int fg_eni_max_window(const fg_eni *e) { return e->max_window; }
const char *fg_vpc_id(const fg_model *m) { return m->vpc_id; }

/* ---- describe-network-interfaces JSON ---- */

static const char *iface_type(int kind)
{
    return kind == FG_ENI_NAT ? "nat_gateway" : kind == FG_ENI_NLB ? "network_load_balancer" : "interface";
}

static void write_eni_json(FILE *f, const fg_model *m, const fg_eni *e, int last)
{
    const fg_subnet *s = &m->subnets[e->subnet];
    fprintf(f, "        {\n            \"AvailabilityZone\": \"%s\",\n", m->az_names[s->az]);
    fprintf(f, "            \"AvailabilityZoneId\": \"%s\",\n", m->az_ids[s->az]);
    fprintf(f, "            \"Description\": \"%s\",\n",
            e->kind == FG_ENI_NAT ? "Interface for NAT Gateway nat-0flowgen" :
            e->kind == FG_ENI_NLB ? "ELB net/flowgen-nlb/0123456789abcdef" : "");
    fprintf(f, "            \"InterfaceType\": \"%s\",\n", iface_type(e->kind));
    fprintf(f, "            \"Ipv6Addresses\": [");
    if (e->ipv6)
        fprintf(f, "\n                {\n                    \"Ipv6Address\": \"%s\"\n                }\n            ",
                m->ips[e->ipv6].text);
    fprintf(f, "],\n            \"NetworkInterfaceId\": \"%s\",\n", e->id);
    fprintf(f, "            \"OwnerId\": \"%s\",\n", m->account);
    fprintf(f, "            \"PrivateIpAddress\": \"%s\",\n", m->ips[e->priv[0]].text);
    fprintf(f, "            \"PrivateIpAddresses\": [\n");
    for (int k = 0; k < e->n_priv; k++) {
        fprintf(f, "                {\n");
        if (e->pub[k])
            fprintf(f, "                    \"Association\": {\n                        \"IpOwnerId\": \"%s\",\n"
                       "                        \"PublicDnsName\": \"\",\n"
                       "                        \"PublicIp\": \"%s\"\n                    },\n",
                    k == 0 && e->kind == FG_ENI_INSTANCE ? "amazon" : m->account, m->ips[e->pub[k]].text);
        fprintf(f, "                    \"Primary\": %s,\n", k == 0 ? "true" : "false");
        fprintf(f, "                    \"PrivateIpAddress\": \"%s\"\n                }%s\n", m->ips[e->priv[k]].text,
                k + 1 < e->n_priv ? "," : "");
    }
    fprintf(f, "            ],\n");
    if (e->kind == FG_ENI_INSTANCE)
        fprintf(f, "            \"Attachment\": {\n                \"DeviceIndex\": 0,\n"
                   "                \"InstanceId\": \"%s\",\n                \"InstanceOwnerId\": \"%s\",\n"
                   "                \"Status\": \"attached\"\n            },\n",
                e->instance, m->account);
    else
        fprintf(f, "            \"Attachment\": {\n                \"DeviceIndex\": 1,\n"
                   "                \"InstanceOwnerId\": \"amazon-aws\",\n"
                   "                \"Status\": \"attached\"\n            },\n");
    fprintf(f, "            \"RequesterId\": \"%s\",\n", e->kind == FG_ENI_INSTANCE ? m->account : "AIDAFLOWGENEXAMPLE");
    fprintf(f, "            \"RequesterManaged\": %s,\n", e->kind == FG_ENI_INSTANCE ? "false" : "true");
    fprintf(f, "            \"SourceDestCheck\": true,\n            \"Status\": \"in-use\",\n");
    fprintf(f, "            \"SubnetId\": \"%s\",\n            \"VpcId\": \"%s\"\n        }%s\n", s->id, m->vpc_id,
            last ? "" : ",");
}

int fg_write_eni_metadata(const fg_model *m, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "{\n    \"NetworkInterfaces\": [\n");
    for (size_t i = 0; i < m->n_enis; i++)
        write_eni_json(f, m, &m->enis[i], i + 1 == m->n_enis);
    fprintf(f, "    ]\n}\n");
    return fclose(f) == 0 ? 0 : -1;
}
