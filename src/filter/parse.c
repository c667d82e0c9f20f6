/* filter/parse.c - filter expression text -> node array (fst_filter_compile).
 *
 * A hand-written lexer and recursive-descent parser (grammar in
 * docs/filters.md):
 *     expr    := and ( ("or" | "||") and )*
 *     and     := unary ( ("and" | "&&") unary )*
 *     unary   := ("not" | "!") unary | "(" expr ")" | term
 * Chains of and/or are built right-nested (a and (b and c)) so the
 * evaluator walks them in a loop; its recursion is bounded by MAX_DEPTH.
 * The first error wins; it names the offending token by offset and length.
 */
#include <stdio.h>
#include <strings.h>

#include "filter/ast.h"
#include "util/util.h"

#define MAX_DEPTH 64    /* nested parentheses and nots */
#define MAX_TERMS 4096  /* nodes of one filter */

typedef enum tok { T_END, T_WORD, T_LP, T_RP, T_NOT, T_AND, T_OR, T_CMP, T_BAD } tok;

typedef struct pstate {
    const char *src;
    size_t pos;          /* where the lexer continues */
    tok tk;              /* current token */
    size_t tpos, tlen;   /* its place in src */
    int cmp;             /* T_CMP: FST__C_* */
    fst_filter *f;
    const char *msg;     /* first error, NULL when none */
    size_t epos, elen;
    int depth;
    int oom;
} pstate;

/* ---- lexer ------------------------------------------------------------ */

static int is_special(char c)
{
    return c == '(' || c == ')' || c == '!' || c == '&' || c == '|' || c == '<' || c == '>' ||
           c == '=';
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The operator at s (not a word), its length and kind. */
static size_t lex_operator(const char *s, tok *tk, int *cmp)
{
    static const struct { const char *text; tok tk; int cmp; } ops[] = {
        {">=", T_CMP, FST__C_GE}, {"<=", T_CMP, FST__C_LE}, {"==", T_CMP, FST__C_EQ},
        {"!=", T_CMP, FST__C_NE}, {"&&", T_AND, 0},         {"||", T_OR, 0},
        {">", T_CMP, FST__C_GT},  {"<", T_CMP, FST__C_LT},  {"=", T_CMP, FST__C_EQ},
        {"!", T_NOT, 0},          {"(", T_LP, 0},           {")", T_RP, 0},
    };
    for (size_t i = 0; i < FST__ARRAY_LEN(ops); i++) {
        const size_t n = strlen(ops[i].text);
        if (!strncmp(s, ops[i].text, n)) {
            *tk = ops[i].tk;
            *cmp = ops[i].cmp;
            return n;
        }
    }
    *tk = T_BAD; /* a lone & or | */
    return 1;
}

static void next(pstate *p)
{
    const char *s = p->src;
    while (is_space(s[p->pos]))
        p->pos++;
    p->tpos = p->pos;
    if (!s[p->pos]) {
        p->tk = T_END;
        p->tlen = 0;
        return;
    }
    if (is_special(s[p->pos])) {
        p->tlen = lex_operator(s + p->pos, &p->tk, &p->cmp);
    } else {
        size_t n = 0;
        while (s[p->pos + n] && !is_space(s[p->pos + n]) && !is_special(s[p->pos + n]))
            n++;
        p->tk = T_WORD;
        p->tlen = n;
    }
    p->pos += p->tlen;
}

/* The current token is the word w (keywords are case-insensitive). */
static int is_word(const pstate *p, const char *w)
{
    return p->tk == T_WORD && strlen(w) == p->tlen && !strncasecmp(p->src + p->tpos, w, p->tlen);
}

/* Records the first error, at the current token. Returns -1. */
static int fail(pstate *p, const char *msg)
{
    if (!p->msg) {
        p->msg = msg;
        p->epos = p->tpos;
        p->elen = p->tlen ? p->tlen : 1;
    }
    return -1;
}

/* ---- nodes ------------------------------------------------------------ */

/* Appends a copy of n; its index or -1. */
static int32_t add_node(pstate *p, const fst__fnode *n)
{
    fst_filter *f = p->f;
    if (f->n >= MAX_TERMS)
        return fail(p, "the filter is too long");
    if (fst__grow((void **)&f->nodes, &f->cap, f->n + 1, sizeof *f->nodes) < 0) {
        p->oom = 1;
        return fail(p, "out of memory");
    }
    f->nodes[f->n] = *n;
    return (int32_t)f->n++;
}

static int32_t add_binary(pstate *p, uint8_t op, int32_t a, int32_t b)
{
    fst__fnode n = {.op = op, .a = a, .b = b};
    return add_node(p, &n);
}

/* ---- values ----------------------------------------------------------- */

/* Whole number of the current word with an optional k/K, M or G suffix
 * (powers of 1000) into *out; 0 or -1. */
static int word_number(const pstate *p, uint64_t max, uint64_t *out)
{
    const char *s = p->src + p->tpos;
    size_t n = p->tlen, i = 0;
    uint64_t mult = 1, v = 0;
    if (p->tk != T_WORD || !n)
        return -1;
    switch (s[n - 1]) {
    case 'k': case 'K': mult = 1000; n--; break;
    case 'M': mult = 1000 * 1000; n--; break;
    case 'G': mult = 1000 * 1000 * 1000; n--; break;
    default: break;
    }
    if (!n)
        return -1;
    for (; i < n; i++) {
        const unsigned d = (unsigned)(s[i] - '0');
        if (d > 9 || v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (v > max / mult)
        return -1;
    *out = v * mult;
    return 0;
}

/* Index of the current word in names[0..n) (case-insensitive), or -1. */
static int word_index(const pstate *p, const char *(*name)(int), int n)
{
    for (int i = 0; i < n; i++)
        if (is_word(p, name(i)))
            return i;
    return -1;
}

/* Copies the current word into n->str; 0 or -1. */
static int word_copy(pstate *p, fst__fnode *n, const char *what)
{
    if (p->tk != T_WORD)
        return fail(p, what);
    if (!(n->str = fst__strndup(p->src + p->tpos, p->tlen))) {
        p->oom = 1;
        return fail(p, "out of memory");
    }
    return 0;
}

/* Clears the bits of a past plen; 1 when any was set. */
static int mask_addr(fst_addr *a, unsigned plen)
{
    int dirty = 0;
    for (unsigned i = 0; i < 16; i++) {
        const unsigned keep = plen >= 8 * (i + 1) ? 8 : plen > 8 * i ? plen - 8 * i : 0;
        const uint8_t m = (uint8_t)(keep ? 0xffu << (8 - keep) : 0);
        dirty |= (a->b[i] & ~m) != 0;
        a->b[i] &= m;
    }
    return dirty;
}

/* IPv4 lives in the last 4 of the 16 bytes (::ffff:a.b.c.d). */
#define V4_PREFIX_BITS 96
#define V4_BITS 32
#define V6_BITS 128

static int parse_host(pstate *p, fst__fnode *n)
{
    const char *s = p->src + p->tpos;
    if (p->tk != T_WORD || memchr(s, '/', p->tlen))
        return fail(p, p->tk == T_WORD ? "expected an address (for a CIDR use net)"
                                       : "expected an IPv4 or IPv6 address");
    if (fst_addr_parse(s, p->tlen, &n->addr) < 0)
        return fail(p, "expected an IPv4 or IPv6 address");
    n->plen = V6_BITS;
    return 0;
}

static int parse_net(pstate *p, fst__fnode *n)
{
    const char *s = p->src + p->tpos;
    const char *slash = p->tk == T_WORD ? memchr(s, '/', p->tlen) : NULL;
    if (!slash || fst_addr_parse(s, (size_t)(slash - s), &n->addr) < 0)
        return fail(p, "expected a network ADDRESS/BITS (10.0.0.0/8, 2001:db8::/32)");
    const int v4 = n->addr.family == 4;
    const unsigned max = v4 ? V4_BITS : V6_BITS;
    unsigned bits = 0;
    const char *d = slash + 1, *end = s + p->tlen;
    if (d == end || end - d > 3)
        return fail(p, v4 ? "prefix length must be 0 to 32" : "prefix length must be 0 to 128");
    for (; d < end; d++) {
        if (*d < '0' || *d > '9')
            return fail(p, "expected a network ADDRESS/BITS (10.0.0.0/8, 2001:db8::/32)");
        bits = bits * 10 + (unsigned)(*d - '0');
    }
    if (bits > max)
        return fail(p, v4 ? "prefix length must be 0 to 32" : "prefix length must be 0 to 128");
    n->plen = (uint8_t)(v4 ? V4_PREFIX_BITS + bits : bits);
    if (mask_addr(&n->addr, n->plen))
        return fail(p, "the address has bits set past the prefix length");
    return 0;
}

static int parse_proto(pstate *p, fst__fnode *n)
{
    static const struct { const char *name; uint8_t num; } names[] = {
        {"tcp", 6}, {"udp", 17}, {"icmp", 1}, {"icmp6", 58}, {"icmpv6", 58}};
    for (size_t i = 0; i < FST__ARRAY_LEN(names); i++)
        if (is_word(p, names[i].name)) {
            n->num = names[i].num;
            return 0;
        }
    if (word_number(p, UINT8_MAX, &n->num) < 0 || p->src[p->tpos + p->tlen - 1] > '9')
        return fail(p, "expected tcp, udp, icmp, icmp6 or a protocol number 0-255");
    return 0;
}

static int parse_action(pstate *p, fst__fnode *n)
{
    if (is_word(p, "accept"))
        n->num = FST_SACT_ACCEPT;
    else if (is_word(p, "reject"))
        n->num = FST_SACT_REJECT;
    else
        return fail(p, "expected accept or reject");
    return 0;
}

static int parse_named(pstate *p, fst__fnode *n, const char *(*name)(int), int count,
                       const char *msg)
{
    const int i = word_index(p, name, count);
    if (i < 0)
        return fail(p, msg);
    n->num = (uint64_t)i;
    return 0;
}

static int parse_compare(pstate *p, fst__fnode *n)
{
    if (p->tk != T_CMP)
        return fail(p, "expected a comparison: > < >= <= = !=");
    n->cmp = (uint8_t)p->cmp;
    next(p);
    if (word_number(p, UINT64_MAX, &n->num) < 0)
        return fail(p, "expected a whole number (optionally with k, M or G)");
    return 0;
}

/* ---- terms ------------------------------------------------------------ */

typedef struct term_kind {
    const char *word;
    uint8_t op;
    uint8_t sided;  /* may follow client/server */
    uint8_t qty;    /* FST__F_CMP */
} term_kind;

static const term_kind kinds[] = {
    {"host", FST__F_NET, 1, 0},        {"net", FST__F_NET, 1, 0},
    {"port", FST__F_PORT, 1, 0},       {"eni", FST__F_ENI, 1, 0},
    {"vpc", FST__F_VPC, 1, 0},         {"subnet", FST__F_SUBNET, 1, 0},
    {"az", FST__F_AZ, 1, 0},           {"proto", FST__F_PROTO, 0, 0},
    {"action", FST__F_ACTION, 0, 0},   {"basis", FST__F_BASIS, 0, 0},
    {"class", FST__F_CLASS, 0, 0},     {"bytes", FST__F_CMP, 0, FST__Q_BYTES},
    {"packets", FST__F_CMP, 0, FST__Q_PACKETS}, {"duration", FST__F_CMP, 0, FST__Q_DURATION},
    {"records", FST__F_CMP, 0, FST__Q_RECORDS},
};

static const term_kind *find_kind(const pstate *p)
{
    for (size_t i = 0; i < FST__ARRAY_LEN(kinds); i++)
        if (is_word(p, kinds[i].word))
            return &kinds[i];
    return NULL;
}

/* The value after the keyword k (the current token), into n. */
static int parse_value(pstate *p, const term_kind *k, fst__fnode *n)
{
    switch (k->op) {
    case FST__F_NET:
        return k->word[0] == 'h' ? parse_host(p, n) : parse_net(p, n);
    case FST__F_PORT:
        if (word_number(p, UINT16_MAX, &n->num) < 0 || p->src[p->tpos + p->tlen - 1] > '9')
            return fail(p, "expected a port number");
        n->port = (uint16_t)n->num;
        return 0;
    case FST__F_PROTO: return parse_proto(p, n);
    case FST__F_ENI: return word_copy(p, n, "expected an ENI id (eni-...)");
    case FST__F_VPC: return word_copy(p, n, "expected a VPC id (vpc-...)");
    case FST__F_SUBNET: return word_copy(p, n, "expected a subnet id (subnet-...)");
    case FST__F_AZ: return word_copy(p, n, "expected an availability zone (us-east-1a)");
    case FST__F_ACTION: return parse_action(p, n);
    case FST__F_BASIS:
        return parse_named(p, n, fst_direction_reason_name, FST_BASIS_COUNT,
                           "expected a direction basis (tcp-flags, port, ... see --help)");
    case FST__F_CLASS:
        return parse_named(p, n, fst_traffic_class_name, FST_CLASS_COUNT,
                           "expected a traffic class (intra-az, inter-az, ... see docs)");
    default:
        return parse_compare(p, n);
    }
}

static int32_t parse_term(pstate *p)
{
    fst__fnode n = {.side = FST__SIDE_EITHER};
    if (is_word(p, "client") || is_word(p, "server")) {
        n.side = is_word(p, "client") ? FST__SIDE_CLIENT : FST__SIDE_SERVER;
        next(p);
        const term_kind *k = find_kind(p);
        if (!k || !k->sided)
            return fail(p, "expected host, net, port, eni, vpc, subnet or az after client/server");
    }
    const term_kind *k = find_kind(p);
    if (!k)
        return fail(p, p->tk == T_END ? "expected a filter term"
                                      : "expected a filter term (host, net, port, proto, eni, "
                                        "vpc, subnet, az, action, basis, class, bytes, "
                                        "packets, duration, records)");
    n.op = k->op;
    n.qty = k->qty;
    next(p);
    if (parse_value(p, k, &n) < 0) {
        fst__free(n.str);
        return -1;
    }
    next(p);
    const int32_t i = add_node(p, &n);
    if (i < 0)
        fst__free(n.str);
    return i;
}

/* ---- expressions ------------------------------------------------------ */

static int32_t parse_or(pstate *p);

static int32_t parse_unary(pstate *p)
{
    if (++p->depth > MAX_DEPTH)
        return fail(p, "too deeply nested");
    int32_t r;
    if (p->tk == T_NOT || is_word(p, "not")) {
        next(p);
        const int32_t a = parse_unary(p);
        r = a < 0 ? -1 : add_binary(p, FST__F_NOT, a, -1);
    } else if (p->tk == T_LP) {
        next(p);
        r = parse_or(p);
        if (r >= 0 && p->tk != T_RP)
            r = fail(p, "expected ')'");
        if (r >= 0)
            next(p);
    } else {
        r = parse_term(p);
    }
    p->depth--;
    return r;
}

/* sub (op sub)*, nested to the right (a op (b op c)) without recursion:
 * each new operator node fills the open right slot of the previous one. */
static int32_t parse_chain(pstate *p, uint8_t op, int (*is_op)(const pstate *),
                           int32_t (*sub)(pstate *))
{
    int32_t head = sub(p), open = -1;
    while (head >= 0 && is_op(p)) {
        next(p);
        const int32_t x = sub(p);
        if (x < 0)
            return -1;
        const int32_t opn = add_binary(p, op, x, -1); /* becomes (x op ...) */
        if (opn < 0)
            return -1;
        if (open < 0) {
            p->f->nodes[opn].a = head;
            p->f->nodes[opn].b = x;
            head = opn;
        } else {
            fst__fnode *o = &p->f->nodes[open];
            p->f->nodes[opn].a = o->b;
            p->f->nodes[opn].b = x;
            o->b = opn;
        }
        open = opn;
    }
    return head;
}

static int is_and(const pstate *p) { return p->tk == T_AND || is_word(p, "and"); }
static int is_or(const pstate *p) { return p->tk == T_OR || is_word(p, "or"); }

static int32_t parse_and(pstate *p) { return parse_chain(p, FST__F_AND, is_and, parse_unary); }

static int32_t parse_or(pstate *p)
{
    if (++p->depth > MAX_DEPTH)
        return fail(p, "too deeply nested");
    const int32_t r = parse_chain(p, FST__F_OR, is_or, parse_and);
    p->depth--;
    return r;
}

/* ---- compile ---------------------------------------------------------- */

typedef struct outbuf {
    char *b;
    size_t n, k;
} outbuf;

static void put(outbuf *o, char c)
{
    if (o->k + 1 < o->n) {
        o->b[o->k++] = c;
        o->b[o->k] = '\0';
    }
}

static void puts_(outbuf *o, const char *s)
{
    while (*s)
        put(o, *s++);
}

/* "filter: MSG\n  EXPR\n  <spaces>^^^" (control characters in EXPR are
 * shown as spaces so the caret lines up). */
static void format_error(const pstate *p, char *err, size_t errlen)
{
    outbuf o = {err, errlen, 0};
    if (!err || !errlen)
        return;
    err[0] = '\0';
    puts_(&o, "filter: ");
    puts_(&o, p->msg);
    if (p->oom)
        return;
    puts_(&o, "\n  ");
    for (const char *s = p->src; *s; s++)
        put(&o, is_space(*s) ? ' ' : *s);
    puts_(&o, "\n  ");
    for (size_t i = 0; i < p->epos; i++)
        put(&o, ' ');
    for (size_t i = 0; i < p->elen; i++)
        put(&o, '^');
}

fst_filter *fst_filter_compile(const char *expr, char *err, size_t errlen)
{
    pstate p = {.src = expr ? expr : ""};
    if (err && errlen)
        err[0] = '\0';
    p.f = fst__calloc(1, sizeof *p.f);
    if (!p.f) {
        if (err && errlen)
            snprintf(err, errlen, "filter: out of memory");
        return NULL;
    }
    next(&p);
    p.f->root = parse_or(&p);
    if (p.f->root >= 0 && p.tk != T_END)
        fail(&p, p.tk == T_RP ? "unmatched ')'"
                              : "expected 'and' or 'or' before this (terms are not joined "
                                "implicitly)");
    if (p.msg) {
        format_error(&p, err, errlen);
        fst_filter_free(p.f);
        return NULL;
    }
    return p.f;
}

void fst_filter_free(fst_filter *f)
{
    if (!f)
        return;
    for (uint32_t i = 0; i < f->n; i++)
        fst__free(f->nodes[i].str);
    fst__free(f->nodes);
    fst__free(f);
}
