/* tests/test_filter.c - the session filter language (src/filter/):
 * (a) the parser and its error carets, (b) fst_filter_match against a
 * second evaluator written here (one hand-written predicate per
 * expression) over random sessions, (c) hand-derived cases, (d) the time
 * parser and range, (e) `sessions --filter/--since/--until` end to end.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include <flowstitch.h>

#include "cli_helper.h"

/* ---- helpers ---------------------------------------------------------- */

static fst_addr addr(const char *text)
{
    fst_addr a;
    cr_assert_eq(fst_addr_parse(text, strlen(text), &a), 0, "bad test address %s", text);
    return a;
}

static int match(const char *expr, const fst_session *s)
{
    char err[512];
    fst_filter *f = fst_filter_compile(expr, err, sizeof err);
    cr_assert_not_null(f, "%s: %s", expr, err);
    const int m = fst_filter_match(f, s);
    fst_filter_free(f);
    return m;
}

/* A TCP session 10.0.1.5:50000 -> 10.0.2.7:443, 10 s, 1000 bytes. */
static fst_session base_session(void)
{
    fst_session s;
    memset(&s, 0, sizeof s);
    s.id = 1;
    s.proto = 6;
    s.client_addr = addr("10.0.1.5");
    s.server_addr = addr("10.0.2.7");
    s.client_port = 50000;
    s.server_port = 443;
    s.first_seen = 1000;
    s.last_seen = 1010;
    s.c2s_bytes = 600;
    s.s2c_bytes = 400;
    s.c2s_packets = 3;
    s.s2c_packets = 2;
    s.records = 2;
    s.action = FST_SACT_ACCEPT;
    return s;
}

/* ---- (a) parser ------------------------------------------------------- */

/* Compiles expr, expects failure; checks the message contains want and
 * the caret line marks columns [col, col+len) of expr. */
static void expect_error(const char *expr, const char *want, size_t col, size_t len)
{
    char err[1024];
    fst_filter *f = fst_filter_compile(expr, err, sizeof err);
    cr_assert_null(f, "'%s' compiled", expr);
    cr_assert(strstr(err, want), "'%s': message '%s' lacks '%s'", expr, err, want);
    cr_assert(!strncmp(err, "filter: ", 8), "%s", err);
    const char *l2 = strchr(err, '\n');
    cr_assert_not_null(l2);
    const char *l3 = strchr(l2 + 1, '\n');
    cr_assert_not_null(l3, "%s", err);
    cr_assert(!strncmp(l2 + 1, "  ", 2), "%s", err);
    for (size_t i = 0; expr[i]; i++) /* the expression, whitespace shown as ' ' */
        cr_assert_eq(l2[3 + i], strchr(" \t\n", expr[i]) ? ' ' : expr[i], "%s", err);
    size_t sp = 0, carets = 0;
    const char *c = l3 + 1;
    while (c[sp] == ' ')
        sp++;
    while (c[sp + carets] == '^')
        carets++;
    cr_assert_eq(c[sp + carets], '\0', "caret line ends with carets: %s", err);
    cr_assert_eq(sp, col + 2, "'%s': caret at %zu, want %zu\n%s", expr, sp - 2, col, err);
    cr_assert_eq(carets, len, "'%s': %zu carets, want %zu\n%s", expr, carets, len, err);
}

/* Columns counted by hand on each expression (0-based). */
Test(filter_parse, error_carets)
{
    expect_error("port abc", "expected a port number", 5, 3);
    expect_error("port 65536", "expected a port number", 5, 5);
    expect_error("port 1k", "expected a port number", 5, 2);
    expect_error("host 10.0.0.1 port 80", "expected 'and' or 'or'", 14, 4);
    expect_error("(host 10.0.0.1", "expected ')'", 14, 1);        /* at the end */
    expect_error("host 10.0.0.1)", "unmatched ')'", 13, 1);
    expect_error("", "expected a filter term", 0, 1);
    expect_error("host 10.0.0.1 and", "expected a filter term", 17, 1);
    expect_error("frob 1", "expected a filter term", 0, 4);
    expect_error("host 10.0.0.0/8", "for a CIDR use net", 5, 10);
    expect_error("host 10.0.0.300", "IPv4 or IPv6 address", 5, 10);
    expect_error("net 10.0.0.0", "ADDRESS/BITS", 4, 8);
    expect_error("net 10.0.0.0/33", "0 to 32", 4, 11);
    expect_error("net 2001:db8::/129", "0 to 128", 4, 14);
    expect_error("net 10.0.0.1/8", "bits set past the prefix", 4, 10);
    expect_error("proto tcpx", "expected tcp, udp", 6, 4);
    expect_error("proto 256", "protocol number 0-255", 6, 3);
    expect_error("action drop", "accept or reject", 7, 4);
    expect_error("basis guess", "direction basis", 6, 5);
    expect_error("class far", "traffic class", 6, 3);
    expect_error("bytes 5", "expected a comparison", 6, 1);
    expect_error("bytes > 1T", "whole number", 8, 2);
    expect_error("bytes > 1.5M", "whole number", 8, 4);
    expect_error("bytes > 99999999999999999999", "whole number", 8, 20);
    expect_error("bytes > 20000000000G", "whole number", 8, 12);       /* past 2^64 */
    expect_error("client proto tcp", "after client/server", 7, 5);
    expect_error("server", "after client/server", 6, 1);
    expect_error("port 80 & port 81", "expected 'and' or 'or'", 8, 1); /* lone & */
    expect_error("not", "expected a filter term", 3, 1);
    expect_error("eni", "expected an ENI id", 3, 1);
    expect_error("port 22 and or port 23", "expected a filter term", 12, 2);
    expect_error("port\t22 x", "expected 'and' or 'or'", 8, 1);    /* tab shown as space */
}

Test(filter_parse, valid_forms)
{
    static const char *const ok[] = {
        "host 10.0.0.1", "HOST 10.0.0.1", "host 2001:db8::1", "host ::ffff:10.0.0.1",
        "net 0.0.0.0/0", "net ::/0", "net 2001:db8::/32", "net 10.0.0.0/8",
        "client port 0", "server port 65535", "proto 0", "proto 255", "proto ICMP6",
        "proto icmpv6", "eni eni-0a", "client eni eni-0a", "vpc vpc-1", "server subnet s-1",
        "az us-east-1a", "action ACCEPT", "basis tcp-flags", "basis learned-service",
        "class inter-az", "class rejected", "bytes>1M", "bytes >= 1k", "packets<=2G",
        "duration=0", "records==1", "records != 1", "bytes < 18446744073709551615",
        "not port 22", "!port 22", "!(port 22)", "((port 22))", "port 22&&port 23",
        "port 22||port 23", "not not not port 22", " \tport 22 \n",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char err[512];
        fst_filter *f = fst_filter_compile(ok[i], err, sizeof err);
        cr_assert_not_null(f, "'%s': %s", ok[i], err);
        fst_filter_free(f);
    }
}

Test(filter_parse, nesting_is_bounded)
{
    char deep[400], err[256];
    memset(deep, '(', 200);
    strcpy(deep + 200, "port 1");
    cr_assert_null(fst_filter_compile(deep, err, sizeof err));
    cr_assert(strstr(err, "too deeply nested"), "%s", err);
    /* a long flat chain is fine: and/or are not nesting */
    char chain[8000] = "port 1";
    for (int i = 0; i < 500; i++)
        strcat(chain, " or port 2");
    fst_filter *f = fst_filter_compile(chain, err, sizeof err);
    cr_assert_not_null(f, "%s", err);
    fst_session s = base_session();
    cr_assert_eq(fst_filter_match(f, &s), 0);
    fst_filter_free(f);
    cr_assert_null(fst_filter_compile("port", NULL, 0)); /* no buffer: no crash */
    char tiny[8];
    cr_assert_null(fst_filter_compile("port x", tiny, sizeof tiny));
    cr_assert_eq(strlen(tiny), sizeof tiny - 1); /* truncated, terminated */
}

/* ---- (b) a second evaluator ------------------------------------------- */

/* Random sessions drawn from small pools, so that every primitive is both
 * true and false often.  A fixed-seed xorshift keeps runs identical. */
static uint64_t rnd(uint64_t *st)
{
    *st ^= *st << 13;
    *st ^= *st >> 7;
    *st ^= *st << 17;
    return *st;
}

#define PICK(st, arr) ((arr)[rnd(st) % (sizeof(arr) / sizeof((arr)[0]))])

static const char *const addr_pool[] = {"10.0.1.5", "10.0.1.200", "10.0.2.7", "10.1.2.3",
                                        "192.168.0.1", "2001:db8::1", "2001:db8:1::5",
                                        "2001:db9::1", "fe80::1"};
static const uint16_t port_pool[] = {22, 80, 443, 5201, 50000, 0};
static const uint8_t proto_pool[] = {6, 17, 1, 58, 47};
static const char *const eni_pool[] = {"eni-a", "eni-b", "eni-c", NULL};
static const char *const vpc_pool[] = {"vpc-1", "vpc-2", NULL};
static const char *const subnet_pool[] = {"subnet-1", "subnet-2", NULL};
static const char *const az_pool[] = {"us-east-1a", "us-east-1b", NULL};
/* around the thresholds the expressions use (1k, 1M, 10, 60, 3) */
static const uint64_t count_pool[] = {0, 1, 2, 3, 9, 10, 11, 499, 500, 999, 1000, 1001,
                                      600000, 999999, 1000000, 1000001, 5000000};
static const char *const enis_lists[][3] = {{"eni-a", NULL, NULL}, {"eni-b", "eni-c", NULL},
                                            {"eni-a", "eni-c", NULL}, {NULL, NULL, NULL}};

static void random_side(uint64_t *st, fst_side_context *c)
{
    c->account = NULL;
    c->vpc = PICK(st, vpc_pool);
    c->subnet = PICK(st, subnet_pool);
    c->az = PICK(st, az_pool);
    c->eni = PICK(st, eni_pool);
}

static void random_session(uint64_t *st, fst_session *s)
{
    memset(s, 0, sizeof *s);
    s->proto = PICK(st, proto_pool);
    s->client_addr = addr(PICK(st, addr_pool));
    s->server_addr = addr(PICK(st, addr_pool));
    s->client_port = PICK(st, port_pool);
    s->server_port = PICK(st, port_pool);
    s->first_seen = 1717984800 + (int64_t)(rnd(st) % 100);
    s->last_seen = s->first_seen + (int64_t)PICK(st, count_pool) % 200;
    s->c2s_bytes = PICK(st, count_pool);
    s->s2c_bytes = PICK(st, count_pool);
    s->c2s_packets = PICK(st, count_pool) % 20;
    s->s2c_packets = PICK(st, count_pool) % 20;
    s->records = 1 + rnd(st) % 5;
    s->action = (uint8_t)(rnd(st) % 4);
    s->basis = (uint8_t)(rnd(st) % FST_BASIS_COUNT);
    s->traffic_class = (uint8_t)(rnd(st) % FST_CLASS_COUNT);
    s->unknown = rnd(st) % 8 == 0 ? (uint8_t)(1 + rnd(st) % 3) : 0;
    const char *const *l = enis_lists[rnd(st) % 4];
    s->enis = l;
    s->n_enis = l[0] ? (l[1] ? 2 : 1) : 0;
    random_side(st, &s->client_ctx);
    random_side(st, &s->server_ctx);
}

/* The reference: text comparisons and integer arithmetic, no fst_addr
 * byte tricks shared with the library. */
static int is_addr(const fst_addr *a, const char *text)
{
    char buf[FST_ADDR_STRLEN];
    fst_addr_format(a, buf, sizeof buf);
    return !strcmp(buf, text);
}

/* IPv4 a in n/bits: as 32-bit integers. */
static int in4(const fst_addr *a, uint32_t n, int bits)
{
    if (a->family != 4)
        return 0;
    const uint32_t v = (uint32_t)a->b[12] << 24 | (uint32_t)a->b[13] << 16 |
                       (uint32_t)a->b[14] << 8 | a->b[15];
    const uint32_t mask = bits ? 0xffffffffu << (32 - bits) : 0;
    return (v & mask) == n;
}

/* IPv6 a in 2001:db8::/32 and 2001:db8:1::/48, by the 16-bit groups. */
static int group(const fst_addr *a, int i) { return a->b[2 * i] << 8 | a->b[2 * i + 1]; }
static int in_db8(const fst_addr *a)
{
    return a->family == 6 && group(a, 0) == 0x2001 && group(a, 1) == 0xdb8;
}
static int in_db8_1(const fst_addr *a) { return in_db8(a) && group(a, 2) == 1; }

static int streq(const char *a, const char *b) { return a && !strcmp(a, b); }
static int has_eni(const fst_session *s, const char *e)
{
    for (uint32_t i = 0; i < s->n_enis; i++)
        if (!strcmp(s->enis[i], e))
            return 1;
    return streq(s->client_ctx.eni, e) || streq(s->server_ctx.eni, e);
}
static int counts(const fst_session *s) { return !(s->unknown & FST_SESSION_NO_COUNTS); }
static int times(const fst_session *s) { return !(s->unknown & FST_SESSION_NO_TIMES); }
static uint64_t bytes(const fst_session *s) { return s->c2s_bytes + s->s2c_bytes; }
static uint64_t pkts(const fst_session *s) { return s->c2s_packets + s->s2c_packets; }
static int64_t dur(const fst_session *s) { return s->last_seen - s->first_seen; }
#define IP10_0_1_0 0x0a000100u /* 10.0.1.0 */
#define IP10_0_0_0 0x0a000000u
#define IP10_0_2_0 0x0a000200u

typedef struct ref_case {
    const char *expr;
    int (*ref)(const fst_session *);
} ref_case;

#define REF(name, body) static int name(const fst_session *s) { return (body); }
REF(r_host, is_addr(&s->client_addr, "10.0.1.5") || is_addr(&s->server_addr, "10.0.1.5"))
REF(r_chost, is_addr(&s->client_addr, "10.0.1.5"))
REF(r_shost6, is_addr(&s->server_addr, "2001:db8::1"))
REF(r_net24, in4(&s->client_addr, IP10_0_1_0, 24) || in4(&s->server_addr, IP10_0_1_0, 24))
REF(r_snet8, in4(&s->server_addr, IP10_0_0_0, 8))
REF(r_cnet23, in4(&s->client_addr, IP10_0_2_0 & 0xfffffe00u, 23))
REF(r_net0, s->client_addr.family == 4 || s->server_addr.family == 4)
REF(r_net6, in_db8(&s->client_addr) || in_db8(&s->server_addr))
REF(r_cnet48, in_db8_1(&s->client_addr))
REF(r_port, s->client_port == 443 || s->server_port == 443)
REF(r_cport, s->client_port == 50000)
REF(r_sport, s->server_port == 22)
REF(r_tcp, s->proto == 6)
REF(r_udp, s->proto == 17)
REF(r_icmp, s->proto == 1)
REF(r_icmp6, s->proto == 58)
REF(r_p47, s->proto == 47)
REF(r_eni, has_eni(s, "eni-a"))
REF(r_ceni, streq(s->client_ctx.eni, "eni-b"))
REF(r_vpc, streq(s->client_ctx.vpc, "vpc-1") || streq(s->server_ctx.vpc, "vpc-1"))
REF(r_ssub, streq(s->server_ctx.subnet, "subnet-2"))
REF(r_az, streq(s->client_ctx.az, "us-east-1a") || streq(s->server_ctx.az, "us-east-1a"))
REF(r_acc, s->action == FST_SACT_ACCEPT || s->action == FST_SACT_MIXED)
REF(r_rej, s->action == FST_SACT_REJECT || s->action == FST_SACT_MIXED)
REF(r_basis, s->basis == FST_BASIS_PORT)
REF(r_class, s->traffic_class == FST_CLASS_INTER_AZ)
REF(r_b1M, counts(s) && bytes(s) > 1000000)
REF(r_b1k, counts(s) && bytes(s) < 1000)
REF(r_bne, counts(s) && bytes(s) != 1000)
REF(r_bge, counts(s) && bytes(s) >= 1000)
REF(r_p10, counts(s) && pkts(s) <= 10)
REF(r_d60, times(s) && dur(s) >= 60)
REF(r_d0, times(s) && dur(s) == 0)
REF(r_r3, s->records == 3)
REF(r_r3b, s->records > 3)
REF(r_and, r_host(s) && r_port(s))
REF(r_prec, r_udp(s) || (r_sport(s) && !r_rej(s)))
REF(r_not_or, !(r_tcp(s) || r_udp(s)))
REF(r_mix, !r_sport(s) && (r_bge(s) || s->records >= 2))
REF(r_notnot, r_host(s))
REF(r_paren, (r_tcp(s) || r_icmp(s)) && r_acc(s) && !r_net6(s))
REF(r_or3, r_eni(s) || r_p47(s) || r_d0(s))
REF(r_notcmp, !r_b1M(s))

static const ref_case cases[] = {
    {"host 10.0.1.5", r_host},
    {"client host 10.0.1.5", r_chost},
    {"server host 2001:db8::1", r_shost6},
    {"net 10.0.1.0/24", r_net24},
    {"server net 10.0.0.0/8", r_snet8},
    {"client net 10.0.2.0/23", r_cnet23},
    {"net 0.0.0.0/0", r_net0},
    {"net 2001:db8::/32", r_net6},
    {"client net 2001:db8:1::/48", r_cnet48},
    {"port 443", r_port},
    {"client port 50000", r_cport},
    {"server port 22", r_sport},
    {"proto tcp", r_tcp},
    {"proto udp", r_udp},
    {"proto icmp", r_icmp},
    {"proto icmp6", r_icmp6},
    {"proto 47", r_p47},
    {"eni eni-a", r_eni},
    {"client eni eni-b", r_ceni},
    {"vpc vpc-1", r_vpc},
    {"server subnet subnet-2", r_ssub},
    {"az us-east-1a", r_az},
    {"action accept", r_acc},
    {"action reject", r_rej},
    {"basis port", r_basis},
    {"class inter-az", r_class},
    {"bytes > 1M", r_b1M},
    {"bytes < 1k", r_b1k},
    {"bytes != 1000", r_bne},
    {"bytes >= 1k", r_bge},
    {"packets <= 10", r_p10},
    {"duration >= 60", r_d60},
    {"duration = 0", r_d0},
    {"records == 3", r_r3},
    {"records > 3", r_r3b},
    {"host 10.0.1.5 and port 443", r_and},
    {"proto udp or server port 22 and not action reject", r_prec},
    {"not (proto tcp or proto udp)", r_not_or},
    {"! server port 22 && (bytes >= 1k || records >= 2)", r_mix},
    {"not not host 10.0.1.5", r_notnot},
    {"(proto tcp or proto icmp) and action accept and not net 2001:db8::/32", r_paren},
    {"eni eni-a || proto 47 or duration=0", r_or3},
    {"not bytes > 1M", r_notcmp},
};

#define N_SESSIONS 400

Test(filter_eval, matches_second_evaluator)
{
    uint64_t st = 0x9e3779b97f4a7c15u;
    fst_session *ss = calloc(N_SESSIONS, sizeof *ss);
    for (int i = 0; i < N_SESSIONS; i++)
        random_session(&st, &ss[i]);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char err[512];
        fst_filter *f = fst_filter_compile(cases[c].expr, err, sizeof err);
        cr_assert_not_null(f, "%s: %s", cases[c].expr, err);
        int yes = 0;
        for (int i = 0; i < N_SESSIONS; i++) {
            const int want = cases[c].ref(&ss[i]) != 0;
            cr_assert_eq(fst_filter_match(f, &ss[i]), want, "'%s' on random session %d",
                         cases[c].expr, i);
            yes += want;
        }
        /* the pools make each expression both true and false */
        cr_assert(yes > 0 && yes < N_SESSIONS, "'%s' is %d of %d: not a test", cases[c].expr,
                  yes, N_SESSIONS);
        fst_filter_free(f);
    }
    free(ss);
}

/* ---- (c) hand-derived cases ------------------------------------------- */

Test(filter_hand, ipv6_networks)
{
    fst_session s = base_session();
    s.client_addr = addr("2001:db8:ffff::1");
    s.server_addr = addr("2001:db9::1");
    cr_assert_eq(match("net 2001:db8::/32", &s), 1);
    cr_assert_eq(match("server net 2001:db8::/32", &s), 0);
    /* /33: the first bit of the third group; ffff has it, 7fff does not */
    cr_assert_eq(match("client net 2001:db8:8000::/33", &s), 1);
    s.client_addr = addr("2001:db8:7fff::1");
    cr_assert_eq(match("client net 2001:db8:8000::/33", &s), 0);
    cr_assert_eq(match("net 2001:db8::/33", &s), 1);
    cr_assert_eq(match("net 2001:db8::/31", &s), 1);      /* 2001:db8 and db9 */
    cr_assert_eq(match("server net 2001:db8::/31", &s), 1);
    cr_assert_eq(match("net ::/0", &s), 1);
    cr_assert_eq(match("net 0.0.0.0/0", &s), 0);          /* no IPv4 side */
    cr_assert_eq(match("host 2001:db9:0::1", &s), 1);      /* same address, other text */
}

Test(filter_hand, families_do_not_mix)
{
    fst_session s = base_session();
    cr_assert_eq(match("net ::/0", &s), 0);               /* both sides IPv4 */
    cr_assert_eq(match("net 0.0.0.0/0", &s), 1);
    cr_assert_eq(match("host 10.0.1.5", &s), 1);
    s.client_addr.family = 6; /* the same 16 bytes, but an IPv6 session */
    cr_assert_eq(match("client net 10.0.0.0/8", &s), 0);
    cr_assert_eq(match("client host 10.0.1.5", &s), 0);
    s.client_addr.family = 0; /* no address at all */
    cr_assert_eq(match("client net 0.0.0.0/0", &s), 0);
}

/* k, M, G are powers of 1000 (a filter on bytes speaks SI, like nfdump). */
Test(filter_hand, suffixes)
{
    fst_session s = base_session();
    s.c2s_bytes = 600000;
    s.s2c_bytes = 400000; /* 1,000,000 together */
    cr_assert_eq(match("bytes > 1M", &s), 0);
    cr_assert_eq(match("bytes >= 1M", &s), 1);
    cr_assert_eq(match("bytes = 1000k", &s), 1);
    cr_assert_eq(match("bytes > 999999", &s), 1);
    cr_assert_eq(match("bytes < 1G", &s), 1);
    s.c2s_bytes = 1024;
    s.s2c_bytes = 0;
    cr_assert_eq(match("bytes > 1k", &s), 1);              /* 1k is 1000, not 1024 */
    cr_assert_eq(match("bytes = 1K", &s), 0);
    s.c2s_bytes = 1500000000;
    s.s2c_bytes = 500000000;
    cr_assert_eq(match("bytes == 2G", &s), 1);
    cr_assert_eq(match("bytes != 2000M", &s), 0);
    cr_assert_eq(match("packets = 5", &s), 1);             /* 3 + 2 */
    cr_assert_eq(match("duration = 10", &s), 1);           /* 1010 - 1000 */
    cr_assert_eq(match("records = 2", &s), 1);
}

/* ACCEPT+REJECT: some records of each, so it answers both questions. */
Test(filter_hand, action_mixed_matches_both)
{
    fst_session s = base_session();
    s.action = FST_SACT_MIXED;
    cr_assert_eq(match("action accept", &s), 1);
    cr_assert_eq(match("action reject", &s), 1);
    cr_assert_eq(match("not action reject", &s), 0);
    s.action = FST_SACT_REJECT;
    cr_assert_eq(match("action accept", &s), 0);
    s.action = 0; /* no record carried an action */
    cr_assert_eq(match("action accept or action reject", &s), 0);
}

Test(filter_hand, unknown_values_compare_false)
{
    fst_session s = base_session();
    s.unknown = FST_SESSION_NO_TIMES;
    cr_assert_eq(match("duration >= 0", &s), 0);
    cr_assert_eq(match("not duration >= 0", &s), 1);
    cr_assert_eq(match("bytes >= 0", &s), 1);
    s.unknown = FST_SESSION_NO_COUNTS;
    cr_assert_eq(match("bytes >= 0 or packets >= 0", &s), 0);
    cr_assert_eq(match("records = 2", &s), 1);
}

Test(filter_hand, context_and_enis)
{
    fst_session s = base_session();
    static const char *const enis[] = {"eni-0a", "eni-0b"};
    s.enis = enis;
    s.n_enis = 2;
    cr_assert_eq(match("eni eni-0b", &s), 1);              /* an observing ENI */
    cr_assert_eq(match("client eni eni-0b", &s), 0);       /* not the client's own */
    cr_assert_eq(match("vpc vpc-1 or subnet s or az a", &s), 0); /* NULL context */
    s.server_ctx.eni = "eni-srv";
    s.server_ctx.vpc = "vpc-1";
    s.client_ctx.az = "us-east-1a";
    cr_assert_eq(match("eni eni-srv", &s), 1);
    cr_assert_eq(match("server eni eni-srv and vpc vpc-1", &s), 1);
    cr_assert_eq(match("client vpc vpc-1", &s), 0);
    cr_assert_eq(match("az us-east-1a and not server az us-east-1a", &s), 1);
    cr_assert_eq(match("vpc VPC-1", &s), 0);                /* ids are case-sensitive */
    s.basis = FST_BASIS_LEARNED;
    s.traffic_class = FST_CLASS_NAT_GATEWAY;
    cr_assert_eq(match("basis learned-service and class nat-gateway", &s), 1);
    cr_assert_eq(match("basis port or class unknown", &s), 0);
}

/* not > and > or, each pair told apart by a session where the wrong
 * grouping gives the other answer (s: port 50000 -> 443). */
Test(filter_hand, precedence)
{
    fst_session s = base_session();
    cr_assert_eq(match("port 443 or port 1 and port 2", &s), 1); /* 443 or (1 and 2) */
    cr_assert_eq(match("(port 443 or port 1) and port 2", &s), 0);
    cr_assert_eq(match("not port 443 or port 50000", &s), 1);    /* (not 443) or 50000 */
    cr_assert_eq(match("not (port 443 or port 50000)", &s), 0);
    cr_assert_eq(match("not port 1 and port 443", &s), 1);
    cr_assert_eq(match("port 1 or not port 2 and port 3", &s), 0); /* 1 or ((not 2) and 3) */
    cr_assert_eq(match("PORT 443 AND PROTO TCP", &s), 1);        /* keywords any case */
}

/* ---- (d) times -------------------------------------------------------- */

/* 2024-06-10T02:00:00Z: 19723 days to 2024-01-01 (54 years, 13 leap days
 * 1972..2020), + 152 (Jan..May of a leap year) + 9 = 19884 days;
 * 19884 * 86400 + 7200 = 1717984800. */
#define T_0200 1717984800

Test(filter_time, iso_and_epoch)
{
    static const struct { const char *text; int64_t want; } ok[] = {
        {"2024-06-10T02:00:00Z", T_0200},
        {"2024-06-10T04:00:00+02:00", T_0200},
        {"2024-06-10T04:00:00+0200", T_0200},
        {"2024-06-10T04:00+02", T_0200},
        {"2024-06-09T20:30:00-05:30", T_0200},
        {"2024-06-10 02:00:00z", T_0200},
        {"2024-06-10T02:00Z", T_0200},
        {"2024-06-10T02:00:00.999Z", T_0200},                 /* fraction dropped */
        {"2024-06-10T02:30:00Z", T_0200 + 1800},
        {"1717984800", T_0200},
        {"0", 0},
        {"1970-01-01T00:00:00Z", 0},
        {"2024-02-29T00:00:00Z", 1709164800}, /* (19723 + 31 + 28) * 86400 */
        {"1969-12-31T23:59:59Z", -1},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t t = 42;
        cr_assert_eq(fst_time_parse(ok[i].text, &t), 0, "%s", ok[i].text);
        cr_assert_eq(t, ok[i].want, "%s: %lld, want %lld", ok[i].text, (long long)t,
                     (long long)ok[i].want);
    }
}

Test(filter_time, refusals)
{
    static const char *const bad[] = {"", "2024-06-10T02:00:00", "2024-06-10", "yesterday",
                                      "2024-06-10T02:00:00+2", "2024-06-10T02:00:00Zx",
                                      "2024-06-10T02:00:00.Z", "-5", "17e8",
                                      "2024-6-10T02:00:00Z"};
    static const char *const range[] = {"2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
                                        "2024-13-01T00:00:00Z", "2024-06-10T24:00:00Z",
                                        "2024-06-10T02:60:00Z", "2024-06-10T02:00:60Z",
                                        "2024-06-10T02:00:00+24:00",
                                        "99999999999999999999"};
    int64_t t;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(fst_time_parse(bad[i], &t), FST_EINVAL, "'%s'", bad[i]);
    for (size_t i = 0; i < sizeof range / sizeof range[0]; i++)
        cr_assert_eq(fst_time_parse(range[i], &t), FST_ERANGE, "'%s'", range[i]);
}

Test(filter_time, range_overlap)
{
    fst_session s = base_session(); /* [1000, 1010] */
    fst_time_range r;
    fst_time_range_init(&r);
    cr_assert_eq(fst_time_range_match(&r, &s), 1);
    r.since = 1010; /* touches the last second: included */
    cr_assert_eq(fst_time_range_match(&r, &s), 1);
    r.since = 1011;
    cr_assert_eq(fst_time_range_match(&r, &s), 0);
    r.since = 0;
    r.until = 1000;
    cr_assert_eq(fst_time_range_match(&r, &s), 1);
    r.until = 999;
    cr_assert_eq(fst_time_range_match(&r, &s), 0);
    r.since = 1003; /* inside the session */
    r.until = 1004;
    cr_assert_eq(fst_time_range_match(&r, &s), 1);
    s.unknown = FST_SESSION_NO_TIMES;
    cr_assert_eq(fst_time_range_match(&r, &s), 0);
    fst_time_range_init(&r);
    cr_assert_eq(fst_time_range_match(&r, &s), 1);
}

/* ---- (e) the command line --------------------------------------------- */

#define DEMO FST_SOURCE_DIR "/fixtures/demo"
#define MAX_LINES 64

/* Splits text into lines (in place); returns the count. */
static int split_lines(char *text, char **lines)
{
    int n = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && n < MAX_LINES;
         l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    return n;
}

/* Column k (0-based) of a CSV line without quoted commas, as a number. */
static long long column(const char *line, int k)
{
    for (int i = 0; i < k; i++) {
        line = strchr(line, ',');
        cr_assert_not_null(line);
        line++;
    }
    return atoll(line);
}

static int column_is(const char *line, int k, const char *text)
{
    for (int i = 0; i < k; i++)
        line = strchr(line, ',') + 1;
    return !strncmp(line, text, strlen(text)) && line[strlen(text)] == ',';
}

enum { COL_ID = 0, COL_SPORT = 5, COL_FIRST = 6, COL_LAST = 7, COL_ACTION = 17 };

/* `sessions ARGS` must print exactly the unfiltered lines keep() selects,
 * same session_id; returns how many. */
static int check_subset(const char *args, int (*keep)(const char *line), long long *ids)
{
    cli_run all = run_cli("sessions " DEMO " -q --format csv");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "sessions " DEMO " -q --format csv %s", args);
    cli_run some = run_cli(cmd);
    cr_assert_eq(all.status, 0, "%s", all.err);
    cr_assert_eq(some.status, 0, "%s: %s", args, some.err);
    char *la[MAX_LINES], *ls[MAX_LINES];
    const int na = split_lines(all.out, la), ns = split_lines(some.out, ls);
    cr_assert_gt(na, 1);
    cr_assert_str_eq(ls[0], la[0], "the header line");
    int k = 1;
    for (int i = 1; i < na; i++) {
        if (!keep(la[i]))
            continue;
        cr_assert_lt(k, ns, "%s: missing %s", args, la[i]);
        cr_assert_str_eq(ls[k], la[i], "%s", args);
        ids[k - 1] = column(ls[k], COL_ID);
        k++;
    }
    cr_assert_eq(k, ns, "%s: %d extra lines", args, ns - k);
    cli_run_free(&all);
    cli_run_free(&some);
    return k - 1;
}

static int keep_443_or_reject(const char *l)
{
    return column(l, COL_SPORT) == 443 || column_is(l, COL_ACTION, "REJECT");
}

/* fixtures/demo/README.md: session 2 is the HTTPS one (server port 443),
 * sessions 4 and 5 the rejected SYNs. */
Test(filter_cli, filter_is_a_subset_with_the_same_ids)
{
    long long ids[MAX_LINES];
    const int n = check_subset("--filter 'server port 443 or action reject'",
                               keep_443_or_reject, ids);
    cr_assert_eq(n, 3);
    cr_assert(ids[0] == 2 && ids[1] == 4 && ids[2] == 5, "%lld %lld %lld", ids[0], ids[1],
              ids[2]);
}

/* 1764237630 and 1764237640: 30 s and 40 s into ENI A's first window
 * (10:00:00 UTC on 2025-11-27 is 1764237600, fixtures/demo/README.md). */
static int keep_overlap(const char *l)
{
    return column(l, COL_FIRST) <= 1764237640 && column(l, COL_LAST) >= 1764237630;
}

Test(filter_cli, since_until_overlap)
{
    long long ids[MAX_LINES];
    const int n = check_subset("--since 1764237630 --until 1764237640", keep_overlap, ids);
    cr_assert(n > 0 && n < 5, "%d of the 5 sessions: choose another range", n);
    const int m = check_subset("--since 2025-11-27T10:00:30Z --until 2025-11-27T11:00:40+01:00",
                               keep_overlap, ids);
    cr_assert_eq(m, n);
}

Test(filter_cli, errors_exit_2)
{
    cli_run r = run_cli("sessions " DEMO " -q --filter 'port abc'");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "filter: expected a port number\n  port abc\n       ^^^\n"), "%s",
              r.err);
    cr_assert_eq(count_lines(r.out), 0, "nothing written");
    cli_run_free(&r);
    r = run_cli("sessions " DEMO " -q --since 'June 10'");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "--since"), "%s", r.err);
    cli_run_free(&r);
    r = run_cli("sessions " DEMO " -q --since 2000 --until 1000");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "after"), "%s", r.err);
    cli_run_free(&r);
    r = run_cli("sessions --help");
    cr_assert(strstr(r.out, "--filter EXPR") && strstr(r.out, "--since T"));
    cli_run_free(&r);
}

/* Random junk from the language's own alphabet: compiles or fails with a
 * well-formed message, never crashes (ASan/UBSan builds check memory). */
Test(filter_parse, random_text_never_crashes)
{
    static const char *const bits[] = {"host ", "net ", "port ", "(", ")", "!", "&&", "||",
                                       "and ", "or ", "not ", "client ", "server ", "10.0.0.1",
                                       "/8", "::", "1k ", "> ", "=", "<", "bytes ", "proto ",
                                       "tcp ", "&", "|", " ", "\t", "eni ", "x"};
    uint64_t st = 12345;
    fst_session s = base_session();
    for (int i = 0; i < 3000; i++) {
        char text[256] = "", err[512];
        const int n = (int)(rnd(&st) % 12);
        for (int k = 0; k < n; k++)
            strcat(text, PICK(&st, bits));
        fst_filter *f = fst_filter_compile(text, err, sizeof err);
        if (f) {
            (void)fst_filter_match(f, &s);
            fst_filter_free(f);
        } else {
            cr_assert(!strncmp(err, "filter: ", 8) && strchr(err, '^'), "'%s': %s", text, err);
        }
    }
}
