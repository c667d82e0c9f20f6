/* cli/cmd_timeline.c - `flowstitch timeline`: for each selected session,
 * its records in the order they happened, each with which side sent it,
 * whether its bytes are the ones counted once, and where it was read.
 *
 * Flow: parse argv -> load --eni-metadata -> pass 1: every record into a
 * stitcher with provenance on (fst_stitcher_config.provenance); finish
 * keeps the sessions --filter/--since/--until select (a copy, in id order)
 * -> pass 2: the same inputs read again; record number k (0-based, every
 * record the reader gives, as the stitcher counted them) is looked up with
 * fst_stitcher_record_session, and kept only when its session was selected
 * -> rows sorted by (session, start, end, ENI, c2s first, input order)
 * -> output.
 * Only the selected sessions' records are held.  Files only: standard
 * input cannot be read twice.  Batch only (no --stream).  Public API only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define CMD "flowstitch timeline"

enum { TL_TABLE = 0, TL_JSONL, TL_CSV };

/* ---- arguments -------------------------------------------------------- */

typedef struct tl_args {
    fst_cli_input_opts in;
    const char *eni_path;
    fst_stitcher_config cfg;
    int first;        /* INPUTs are argv[first..argc) */
    int format;       /* TL_* */
    const char *filter, *since, *until;
} tl_args;

enum {
    KEY_IDLE_TCP = FST_KEY_COMMAND, KEY_IDLE_UDP, KEY_IDLE_ICMP, KEY_IDLE_OTHER, KEY_THREADS,
    KEY_ENI_METADATA, KEY_FILTER, KEY_SINCE, KEY_UNTIL, KEY_TL_FORMAT, KEY_STREAM
};

/* "format" comes first: getopt_long takes the first exact match, so it
 * shadows the shared --format (which knows no "table"). */
static const struct option timeline_longopts[] = {
    {"format", required_argument, NULL, KEY_TL_FORMAT},
    FST_CLI_SHARED_LONGOPTS,
    {"idle-tcp", required_argument, NULL, KEY_IDLE_TCP},
    {"idle-udp", required_argument, NULL, KEY_IDLE_UDP},
    {"idle-icmp", required_argument, NULL, KEY_IDLE_ICMP},
    {"idle-other", required_argument, NULL, KEY_IDLE_OTHER},
    {"threads", required_argument, NULL, KEY_THREADS},
    {"eni-metadata", required_argument, NULL, KEY_ENI_METADATA},
    {"filter", required_argument, NULL, KEY_FILTER},
    {"since", required_argument, NULL, KEY_SINCE},
    {"until", required_argument, NULL, KEY_UNTIL},
    {"stream", no_argument, NULL, KEY_STREAM},
    {"horizon", required_argument, NULL, KEY_STREAM},
    {0}};

static int own_option(void *ctx, int key, const char *v)
{
    tl_args *a = ctx;
    switch (key) {
    case KEY_IDLE_TCP: return fst_cli_parse_seconds(CMD, "--idle-tcp", v, &a->cfg.idle_tcp);
    case KEY_IDLE_UDP: return fst_cli_parse_seconds(CMD, "--idle-udp", v, &a->cfg.idle_udp);
    case KEY_IDLE_ICMP: return fst_cli_parse_seconds(CMD, "--idle-icmp", v, &a->cfg.idle_icmp);
    case KEY_IDLE_OTHER:
        return fst_cli_parse_seconds(CMD, "--idle-other", v, &a->cfg.idle_other);
    case KEY_THREADS: return fst_cli_parse_threads(CMD, v, &a->cfg.threads);
    case KEY_ENI_METADATA: a->eni_path = v; return 0;
    case KEY_FILTER: a->filter = v; return 0;
    case KEY_SINCE: a->since = v; return 0;
    case KEY_UNTIL: a->until = v; return 0;
    case KEY_TL_FORMAT:
        if (!strcmp(v, "table"))
            a->format = TL_TABLE;
        else if (!strcmp(v, "jsonl"))
            a->format = TL_JSONL;
        else if (!strcmp(v, "csv"))
            a->format = TL_CSV;
        else {
            fprintf(stderr, CMD ": --format: '%s' is not table, jsonl or csv\n", v);
            return -1;
        }
        return 0;
    case KEY_STREAM:
        fputs(CMD ": timeline is batch only (no --stream or --horizon): it reads the "
                  "input twice\n", stderr);
        return -1;
    default:
        fprintf(stderr, CMD ": option %d not handled\n", key);
        return -1;
    }
}

static int parse_args(tl_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    fst_cli_input_opts_init(&a->in);
    fst_stitcher_config_init(&a->cfg);
    a->cfg.provenance = 1;
    const int rc = fst_cli_parse(CMD, argc, argv, FST_CLI_SHARED_SHORTOPTS, timeline_longopts,
                                 &a->in, own_option, a, &a->first);
    if (rc == FST_CLI_HELP)
        fst_cli_timeline_help(stdout);
    if (rc)
        return rc;
    if (a->first >= argc) {
        fputs(CMD ": no INPUT given (see --help)\n", stderr);
        return FST_EXIT_USAGE;
    }
    for (int i = a->first; i < argc; i++)
        if (!strcmp(argv[i], "-")) {
            fputs(CMD ": standard input cannot be read twice: give files or directories\n",
                  stderr);
            return FST_EXIT_USAGE;
        }
    return 0;
}

/* ---- pass 1: the selected sessions ------------------------------------ */

/* A selected session, copied without the pointers valid only in the
 * callback; n_rows counts its records found in pass 2. */
typedef struct tl_sess {
    fst_session s;
    uint64_t n_rows;
} tl_sess;

typedef struct tl_pick {
    const fst_filter *filter;
    fst_time_range range;
    tl_sess *v;
    size_t n, cap;
    int oom;
} tl_pick;

static int pick(const fst_session *s, void *ud)
{
    tl_pick *p = ud;
    if ((p->filter && !fst_filter_match(p->filter, s)) || !fst_time_range_match(&p->range, s))
        return 0;
    if (p->n == p->cap) {
        const size_t nc = p->cap ? 2 * p->cap : 64;
        tl_sess *v = realloc(p->v, nc * sizeof *v);
        if (!v) {
            p->oom = 1;
            return 1;
        }
        p->v = v;
        p->cap = nc;
    }
    tl_sess *t = &p->v[p->n++];
    memset(t, 0, sizeof *t);
    t->s = *s;
    t->s.enis = NULL; /* the pointers die with the callback */
    t->s.n_enis = 0;
    memset(&t->s.client_ctx, 0, sizeof t->s.client_ctx);
    memset(&t->s.server_ctx, 0, sizeof t->s.server_ctx);
    t->s.region = t->s.aws_service = NULL;
    return 0;
}

/* The selected session with this id (sessions come in id order), or NULL. */
static tl_sess *find_sess(const tl_pick *p, uint64_t id)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        const size_t m = lo + (hi - lo) / 2;
        if (p->v[m].s.id == id)
            return &p->v[m];
        if (p->v[m].s.id < id)
            lo = m + 1;
        else
            hi = m;
    }
    return NULL;
}

/* ---- pass 2: the records of the selected sessions --------------------- */

enum { HAS_SPORT = 1, HAS_DPORT = 2, HAS_PROTO = 4, HAS_PACKETS = 8, HAS_BYTES = 16,
       HAS_START = 32, HAS_END = 64, HAS_FLAGS = 128, HAS_ACTION = 256, HAS_FDIR = 512 };

/* One record of a selected session (strings: the second reader's, which
 * lives until the output is written). */
typedef struct tl_row {
    uint64_t sid, ordinal, line;
    const char *file, *eni;
    fst_addr src, dst, psrc, pdst;
    uint64_t packets, bytes;
    int64_t start, end;
    uint16_t sport, dport, has;
    uint8_t proto, tcp_flags, action, fdir;
    unsigned flags;             /* FST_REC_* */
} tl_row;

typedef struct tl_rows {
    tl_row *v;
    size_t n, cap;
} tl_rows;

static void fill_row(tl_row *w, const fst_record *r, uint64_t sid, uint64_t k, unsigned flags)
{
    static const struct { int field; uint16_t bit; } nums[] = {
        {FST_F_SRCPORT, HAS_SPORT}, {FST_F_DSTPORT, HAS_DPORT}, {FST_F_PROTOCOL, HAS_PROTO},
        {FST_F_PACKETS, HAS_PACKETS}, {FST_F_BYTES, HAS_BYTES}, {FST_F_START, HAS_START},
        {FST_F_END, HAS_END}, {FST_F_TCP_FLAGS, HAS_FLAGS}, {FST_F_ACTION, HAS_ACTION},
        {FST_F_FLOW_DIRECTION, HAS_FDIR}};
    memset(w, 0, sizeof *w);
    w->sid = sid;
    w->ordinal = k;
    w->line = r->line;
    w->file = r->file;
    w->eni = r->ids[FST_F_INTERFACE_ID];
    w->flags = flags;
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        if (fst_record_has(r, nums[i].field))
            w->has |= nums[i].bit;
    const fst_addr none = {{0}, 0};
    w->src = fst_record_has(r, FST_F_SRCADDR) ? r->addr[FST_A_SRC] : none;
    w->dst = fst_record_has(r, FST_F_DSTADDR) ? r->addr[FST_A_DST] : none;
    w->psrc = fst_record_has(r, FST_F_PKT_SRCADDR) ? r->addr[FST_A_PKT_SRC] : none;
    w->pdst = fst_record_has(r, FST_F_PKT_DSTADDR) ? r->addr[FST_A_PKT_DST] : none;
    w->sport = (uint16_t)r->num[FST_F_SRCPORT];
    w->dport = (uint16_t)r->num[FST_F_DSTPORT];
    w->proto = (uint8_t)r->num[FST_F_PROTOCOL];
    w->packets = r->num[FST_F_PACKETS];
    w->bytes = r->num[FST_F_BYTES];
    w->start = (int64_t)r->num[FST_F_START];
    w->end = (int64_t)r->num[FST_F_END];
    w->tcp_flags = (uint8_t)r->num[FST_F_TCP_FLAGS];
    w->action = (uint8_t)r->num[FST_F_ACTION];
    w->fdir = (uint8_t)r->num[FST_F_FLOW_DIRECTION];
}

/* Reads every record again and keeps those of selected sessions; an exit
 * code (OK, or FATAL after a message). */
static int collect(fst_reader *r, const fst_stitcher *st, tl_pick *p, tl_rows *rows)
{
    const fst_record *rec;
    int rc;
    uint64_t k = 0;
    while ((rc = fst_reader_next(r, &rec)) > 0) {
        uint64_t sid;
        unsigned flags;
        const int got = fst_stitcher_record_session(st, k++, &sid, &flags);
        tl_sess *s = got == 1 ? find_sess(p, sid) : NULL;
        if (!s)
            continue;
        if (rows->n == rows->cap) {
            const size_t nc = rows->cap ? 2 * rows->cap : 256;
            tl_row *v = realloc(rows->v, nc * sizeof *v);
            if (!v) {
                fputs(CMD ": out of memory\n", stderr);
                return FST_EXIT_FATAL;
            }
            rows->v = v;
            rows->cap = nc;
        }
        fill_row(&rows->v[rows->n++], rec, sid, k - 1, flags);
        s->n_rows++;
    }
    if (rc < 0) {
        fprintf(stderr, CMD ": reading the input again: %s\n", fst_strerror(rc));
        return FST_EXIT_FATAL;
    }
    const fst_stitch_stats *ss = fst_stitcher_stats(st);
    if (k != ss->records_in) {
        fprintf(stderr, CMD ": the input changed between the two reads (%" PRIu64
                        " records, then %" PRIu64 ")\n", ss->records_in, k);
        return FST_EXIT_FATAL;
    }
    return FST_EXIT_OK;
}

static int cmp_row(const void *pa, const void *pb)
{
    const tl_row *a = pa, *b = pb;
    if (a->sid != b->sid)
        return a->sid < b->sid ? -1 : 1;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    const int c = strcmp(a->eni ? a->eni : "", b->eni ? b->eni : "");
    if (c)
        return c;
    const unsigned ra = a->flags & FST_REC_C2S, rb = b->flags & FST_REC_C2S;
    if (ra != rb) /* one window of one ENI: the client's side first */
        return ra ? -1 : 1;
    return (a->ordinal > b->ordinal) - (a->ordinal < b->ordinal);
}

/* ---- output ----------------------------------------------------------- */

static void iso_time(char *buf, size_t n, int64_t t)
{
    const time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, n, "%" PRId64, t);
}

static const char *role_name(unsigned flags) { return flags & FST_REC_C2S ? "c2s" : "s2c"; }

static const char *bool_name(int b) { return b ? "true" : "false"; }

static const char *action_name(uint8_t a)
{
    return a == FST_ACTION_ACCEPT ? "ACCEPT" : a == FST_ACTION_REJECT ? "REJECT" : "-";
}

static const char *fdir_name(uint8_t d)
{
    return d == FST_DIR_EGRESS ? "egress" : d == FST_DIR_INGRESS ? "ingress" : "-";
}

/* Text of one field of a row, "" when absent (the writers decide how
 * absent looks); `time_iso` for start/end. */
typedef struct tl_text {
    char eni[128], src[FST_ADDR_STRLEN], dst[FST_ADDR_STRLEN], psrc[FST_ADDR_STRLEN],
        pdst[FST_ADDR_STRLEN], sport[8], dport[8], proto[8], packets[24], bytes[24],
        start[32], end[32], flags[8], action[8], fdir[8];
} tl_text;

static void num_text(char *buf, size_t n, int has, uint64_t v)
{
    if (has)
        snprintf(buf, n, "%" PRIu64, v);
    else
        buf[0] = 0;
}

static void time_text(char *buf, size_t n, int has, int64_t v, int iso)
{
    if (!has)
        buf[0] = 0;
    else if (iso)
        iso_time(buf, n, v);
    else
        snprintf(buf, n, "%" PRId64, v);
}

static void addr_text(char *buf, const fst_addr *a)
{
    buf[0] = 0;
    if (a->family)
        fst_addr_format(a, buf, FST_ADDR_STRLEN);
}

static void row_text(const tl_row *w, int iso, tl_text *t)
{
    snprintf(t->eni, sizeof t->eni, "%s", w->eni ? w->eni : "");
    addr_text(t->src, &w->src);
    addr_text(t->dst, &w->dst);
    addr_text(t->psrc, &w->psrc);
    addr_text(t->pdst, &w->pdst);
    num_text(t->sport, sizeof t->sport, w->has & HAS_SPORT, w->sport);
    num_text(t->dport, sizeof t->dport, w->has & HAS_DPORT, w->dport);
    num_text(t->proto, sizeof t->proto, w->has & HAS_PROTO, w->proto);
    num_text(t->packets, sizeof t->packets, w->has & HAS_PACKETS, w->packets);
    num_text(t->bytes, sizeof t->bytes, w->has & HAS_BYTES, w->bytes);
    time_text(t->start, sizeof t->start, w->has & HAS_START, w->start, iso);
    time_text(t->end, sizeof t->end, w->has & HAS_END, w->end, iso);
    num_text(t->flags, sizeof t->flags, w->has & HAS_FLAGS, w->tcp_flags);
    snprintf(t->action, sizeof t->action, "%s", w->has & HAS_ACTION ? action_name(w->action) : "");
    snprintf(t->fdir, sizeof t->fdir, "%s", w->has & HAS_FDIR ? fdir_name(w->fdir) : "");
}

/* JSON: a string, or null when empty; a number, or null when empty. */
static void j_str(FILE *f, const char *key, const char *v)
{
    fprintf(f, ",\"%s\":", key);
    if (*v)
        fst_cli_json_string(f, v);
    else
        fputs("null", f);
}

static void j_num(FILE *f, const char *key, const char *v, int quote)
{
    fprintf(f, ",\"%s\":", key);
    if (!*v)
        fputs("null", f);
    else if (quote)
        fprintf(f, "\"%s\"", v);
    else
        fputs(v, f);
}

static void jsonl_session(FILE *f, const fst_session *s, int iso)
{
    char ca[FST_ADDR_STRLEN], sa[FST_ADDR_STRLEN], t0[32], t1[32];
    fst_addr_format(&s->client_addr, ca, sizeof ca);
    fst_addr_format(&s->server_addr, sa, sizeof sa);
    const int times = !(s->unknown & FST_SESSION_NO_TIMES);
    time_text(t0, sizeof t0, times, s->first_seen, iso);
    time_text(t1, sizeof t1, times, s->last_seen, iso);
    char pr[8], cp[8], sp[8];
    fst_cli_key_text(s, pr, cp, sp);
    fprintf(f, "{\"type\":\"session\",\"session_id\":%" PRIu64, s->id);
    j_num(f, "proto", pr, 0);
    j_str(f, "client_addr", ca);
    j_num(f, "client_port", cp, 0);
    j_str(f, "server_addr", sa);
    j_num(f, "server_port", sp, 0);
    j_num(f, "first_seen", t0, iso);
    j_num(f, "last_seen", t1, iso);
    fprintf(f, ",\"direction_basis\":\"%s\"", fst_direction_reason_name(s->basis));
    const char *act = fst_session_action_name(s->action); /* "-": the format has no action */
    j_str(f, "action", strcmp(act, "-") ? act : "");
    fprintf(f, ",\"records\":%" PRIu64, s->records);
    const int counts = !(s->unknown & FST_SESSION_NO_COUNTS);
    const char *const ck[4] = {"c2s_packets", "c2s_bytes", "s2c_packets", "s2c_bytes"};
    const uint64_t cv[4] = {s->c2s_packets, s->c2s_bytes, s->s2c_packets, s->s2c_bytes};
    for (int i = 0; i < 4; i++) {
        fprintf(f, ",\"%s\":", ck[i]);
        if (counts)
            fprintf(f, "%" PRIu64, cv[i]);
        else
            fputs("null", f);
    }
    fputs(",\"nat_leg_of\":", f);
    if (s->nat_leg_of)
        fprintf(f, "%" PRIu64, s->nat_leg_of);
    else
        fputs("null", f);
    j_str(f, "community_id", s->community_id);
    const char *ka = fst_key_absent_name(s->key_absent);
    j_str(f, "key_absent", ka ? ka : "");
    fputs("}\n", f);
}

static void jsonl_row(FILE *f, const tl_row *w, int iso)
{
    tl_text t;
    row_text(w, iso, &t);
    fprintf(f, "{\"type\":\"record\",\"session_id\":%" PRIu64, w->sid);
    j_str(f, "interface_id", t.eni);
    j_str(f, "srcaddr", t.src);
    j_num(f, "srcport", t.sport, 0);
    j_str(f, "dstaddr", t.dst);
    j_num(f, "dstport", t.dport, 0);
    j_str(f, "pkt_srcaddr", t.psrc);
    j_str(f, "pkt_dstaddr", t.pdst);
    j_num(f, "protocol", t.proto, 0);
    j_num(f, "packets", t.packets, 0);
    j_num(f, "bytes", t.bytes, 0);
    j_num(f, "start", t.start, iso);
    j_num(f, "end", t.end, iso);
    j_num(f, "tcp_flags", t.flags, 0);
    j_str(f, "action", t.action);
    j_str(f, "flow_direction", t.fdir);
    fprintf(f, ",\"role\":\"%s\",\"counted\":%s,\"duplicate\":%s,\"nat_inside_leg\":%s,\"file\":",
            role_name(w->flags), bool_name(w->flags & FST_REC_COUNTED),
            bool_name(w->flags & FST_REC_DUPLICATE), bool_name(w->flags & FST_REC_FOLDED));
    fst_cli_json_string(f, w->file);
    fprintf(f, ",\"line\":%" PRIu64 "}\n", w->line);
}

static const char CSV_HEADER[] =
    "session_id,interface_id,srcaddr,srcport,dstaddr,dstport,pkt_srcaddr,pkt_dstaddr,"
    "protocol,packets,bytes,start,end,tcp_flags,action,flow_direction,role,counted,"
    "duplicate,nat_inside_leg,file,line\n";

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *f, const char *v)
{
    if (!strpbrk(v, ",\"\r\n")) {
        fputs(v, f);
        return;
    }
    putc('"', f);
    for (; *v; v++) {
        if (*v == '"')
            putc('"', f);
        putc(*v, f);
    }
    putc('"', f);
}

static void csv_row(FILE *f, const tl_row *w, int iso)
{
    tl_text t;
    row_text(w, iso, &t);
    const char *cells[] = {t.eni, t.src, t.sport, t.dst, t.dport, t.psrc, t.pdst, t.proto,
                           t.packets, t.bytes, t.start, t.end, t.flags, t.action, t.fdir,
                           role_name(w->flags), bool_name(w->flags & FST_REC_COUNTED),
                           bool_name(w->flags & FST_REC_DUPLICATE),
                           bool_name(w->flags & FST_REC_FOLDED), w->file ? w->file : ""};
    fprintf(f, "%" PRIu64, w->sid);
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        putc(',', f);
        csv_field(f, cells[i]);
    }
    fprintf(f, ",%" PRIu64 "\n", w->line);
}

/* ---- table ------------------------------------------------------------ */

/* Table columns: mark, start, end, ENI, role, from, to, proto, packets,
 * bytes, flags, action, direction, where. */
enum { TC_START, TC_END, TC_ENI, TC_ROLE, TC_FROM, TC_TO, TC_PROTO, TC_PKTS, TC_BYTES,
       TC_FLAGS, TC_ACTION, TC_DIR, TC_WHERE, TC_N };

static const char *const TC_HEAD[TC_N] = {"START", "END", "ENI", "ROLE", "FROM", "TO",
                                          "PROTO", "PACKETS", "BYTES", "FLAGS", "ACTION",
                                          "DIR", "FILE:LINE"};

#define CELL_MAX 512 /* a cell (a file path:line is the longest) */

typedef struct tl_cells {
    char v[TC_N][CELL_MAX];
} tl_cells;

static void endpoint_text(char *buf, size_t n, const char *addr, const char *port)
{
    snprintf(buf, n, "%s%s%s", *addr ? addr : "-", *port ? ":" : "", port);
}

static void table_cells(const tl_row *w, tl_cells *c)
{
    tl_text t;
    row_text(w, 1, &t);
    const char *plain[TC_N] = {t.start, t.end, t.eni, role_name(w->flags), NULL, NULL, t.proto,
                               t.packets, t.bytes, t.flags, t.action, t.fdir, NULL};
    for (int i = 0; i < TC_N; i++)
        if (plain[i])
            snprintf(c->v[i], sizeof c->v[i], "%s", *plain[i] ? plain[i] : "-");
    endpoint_text(c->v[TC_FROM], sizeof c->v[TC_FROM], t.src, t.sport);
    endpoint_text(c->v[TC_TO], sizeof c->v[TC_TO], t.dst, t.dport);
    snprintf(c->v[TC_WHERE], sizeof c->v[TC_WHERE], "%s:%" PRIu64, w->file ? w->file : "-",
             w->line);
}

static char mark_of(unsigned flags)
{
    return flags & FST_REC_COUNTED ? '*' : flags & FST_REC_DUPLICATE ? 'd' : ' ';
}

/* "N pkts M B", or "- pkts - B" when the format logged no counts */
static void count_text(char *buf, size_t n, int has, uint64_t pkts, uint64_t bytes)
{
    if (has)
        snprintf(buf, n, "%" PRIu64 " pkts %" PRIu64 " B", pkts, bytes);
    else
        snprintf(buf, n, "- pkts - B");
}

static void table_session(FILE *f, const fst_session *s)
{
    char ca[FST_ADDR_STRLEN], sa[FST_ADDR_STRLEN], t0[32], t1[32], c2s[48], s2c[48];
    fst_addr_format(&s->client_addr, ca, sizeof ca);
    fst_addr_format(&s->server_addr, sa, sizeof sa);
    time_text(t0, sizeof t0, !(s->unknown & FST_SESSION_NO_TIMES), s->first_seen, 1);
    time_text(t1, sizeof t1, !(s->unknown & FST_SESSION_NO_TIMES), s->last_seen, 1);
    const int counts = !(s->unknown & FST_SESSION_NO_COUNTS);
    count_text(c2s, sizeof c2s, counts, s->c2s_packets, s->c2s_bytes);
    count_text(s2c, sizeof s2c, counts, s->s2c_packets, s->s2c_bytes);
    char pr[8], cp[8], sp[8]; /* absent key parts: proto "?", no ":port" */
    fst_cli_key_text(s, pr, cp, sp);
    fprintf(f, "session %" PRIu64 "  proto %s  client %s%s%s -> server %s%s%s  (%s)  %s .. %s  "
               "%" PRIu64 " records  c2s %s  s2c %s  %s",
            s->id, *pr ? pr : "?", ca, *cp ? ":" : "", cp, sa, *sp ? ":" : "", sp,
            fst_direction_reason_name(s->basis), *t0 ? t0 : "-", *t1 ? t1 : "-", s->records,
            c2s, s2c, fst_session_action_name(s->action));
    if (s->nat_leg_of)
        fprintf(f, "  NAT leg of session %" PRIu64, s->nat_leg_of);
    putc('\n', f);
}

static void table_line(FILE *f, char mark, const char *const *v, const int *wid)
{
    fprintf(f, "  %c", mark);
    for (int i = 0; i < TC_N; i++) {
        const int right = i == TC_PKTS || i == TC_BYTES;
        if (i == TC_N - 1)
            fprintf(f, " %s", v[i]);
        else
            fprintf(f, right ? " %*s" : " %-*s", wid[i], v[i]);
    }
    putc('\n', f);
}

/* Column widths over every row (two passes over the rows held). */
static void table_widths(const tl_rows *rows, int *wid)
{
    for (int i = 0; i < TC_N; i++)
        wid[i] = (int)strlen(TC_HEAD[i]);
    for (size_t r = 0; r < rows->n; r++) {
        tl_cells c;
        table_cells(&rows->v[r], &c);
        for (int i = 0; i < TC_N; i++) {
            const int l = (int)strlen(c.v[i]);
            if (l > wid[i])
                wid[i] = l;
        }
    }
}

/* ---- writing ---------------------------------------------------------- */

static void write_all(FILE *f, int format, int iso, const tl_pick *p, const tl_rows *rows)
{
    int wid[TC_N];
    if (format == TL_TABLE) {
        table_widths(rows, wid);
        fputs("('*': counted once, the session's bytes; 'd': duplicate; times UTC)\n", f);
    } else if (format == TL_CSV) {
        fputs(CSV_HEADER, f);
    }
    size_t r = 0;
    for (size_t i = 0; i < p->n; i++) {
        const fst_session *s = &p->v[i].s;
        if (format == TL_TABLE) {
            table_session(f, s);
            table_line(f, ' ', TC_HEAD, wid);
        } else if (format == TL_JSONL) {
            jsonl_session(f, s, iso);
        }
        for (; r < rows->n && rows->v[r].sid == s->id; r++) {
            const tl_row *w = &rows->v[r];
            if (format == TL_JSONL) {
                jsonl_row(f, w, iso);
            } else if (format == TL_CSV) {
                csv_row(f, w, iso);
            } else {
                tl_cells c;
                table_cells(w, &c);
                const char *v[TC_N];
                for (int k = 0; k < TC_N; k++)
                    v[k] = c.v[k];
                table_line(f, mark_of(w->flags), v, wid);
            }
        }
    }
}

/* Every selected session got exactly its `records` rows (the engine's
 * answers and the second read agree); 0, or -1 after a message. */
static int check_counts(const tl_pick *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].n_rows != p->v[i].s.records) {
            fprintf(stderr, CMD ": session %" PRIu64 ": %" PRIu64 " records found, %" PRIu64
                            " expected\n", p->v[i].s.id, p->v[i].n_rows, p->v[i].s.records);
            return -1;
        }
    return 0;
}

/* ---- the run ---------------------------------------------------------- */

typedef struct tl_run {
    tl_args a;
    fst_eni_table *meta;
    fst_reader *r, *r2;
    fst_stitcher *st;
    fst_filter *filter;
    tl_pick pick;
    tl_rows rows;
    FILE *out;
} tl_run;

/* Pass 1: the sessions and the answers; an exit code. */
static int build(tl_run *t, int n, char **paths)
{
    char err[1024];
    if (fst_cli_time_range(CMD, t->a.since, t->a.until, &t->pick.range) < 0)
        return FST_EXIT_USAGE;
    if (t->a.filter && !(t->filter = fst_filter_compile(t->a.filter, err, sizeof err))) {
        fprintf(stderr, CMD ": %s\n", err);
        return FST_EXIT_USAGE;
    }
    t->pick.filter = t->filter;
    if (t->a.eni_path && !(t->meta = fst_eni_table_load(t->a.eni_path, err, sizeof err))) {
        fprintf(stderr, CMD ": --eni-metadata %s\n", err);
        return FST_EXIT_USAGE;
    }
    t->a.cfg.meta = t->meta;
    t->r = fst_reader_new(&t->a.in.reader);
    t->st = t->r ? fst_stitcher_new(&t->a.cfg) : NULL;
    if (!t->r || !t->st) {
        fputs(CMD ": out of memory\n", stderr);
        return FST_EXIT_FATAL;
    }
    int code = fst_cli_add_inputs(t->r, n, paths);
    if (code)
        return code;
    const char *file;
    uint64_t line;
    int rc = fst_stitcher_push_reader(t->st, t->r, &file, &line);
    if (rc == FST_ESTRICT) {
        fputs(CMD ": stopped by --strict; nothing written\n", stderr);
        return FST_EXIT_STRICT;
    }
    if (rc < 0 && file)
        fprintf(stderr, CMD ": %s:%" PRIu64 ": %s\n", file, line, fst_strerror(rc));
    else if (rc < 0)
        fprintf(stderr, CMD ": %s\n", fst_strerror(rc));
    if (rc < 0)
        return FST_EXIT_FATAL;
    rc = fst_stitcher_finish(t->st, pick, &t->pick);
    if (rc < 0 || t->pick.oom) {
        fprintf(stderr, CMD ": %s\n", fst_strerror(rc < 0 ? rc : FST_ENOMEM));
        return FST_EXIT_FATAL;
    }
    return FST_EXIT_OK;
}

/* Pass 2 and the output; an exit code. */
static int lay_out(tl_run *t, int n, char **paths)
{
    fst_reader_config rc2 = t->a.in.reader;
    rc2.diag = NULL; /* problems were reported by the first read */
    if (!(t->r2 = fst_reader_new(&rc2))) {
        fputs(CMD ": out of memory\n", stderr);
        return FST_EXIT_FATAL;
    }
    for (int i = 0; i < n; i++)
        if (fst_reader_add_path(t->r2, paths[i]) == FST_ENOMEM) {
            fputs(CMD ": out of memory\n", stderr);
            return FST_EXIT_FATAL;
        }
    int code = collect(t->r2, t->st, &t->pick, &t->rows);
    if (code)
        return code;
    qsort(t->rows.v, t->rows.n, sizeof *t->rows.v, cmp_row);
    if (check_counts(&t->pick) < 0)
        return FST_EXIT_FATAL;
    if (t->a.in.output && !(t->out = fopen(t->a.in.output, "w"))) {
        fprintf(stderr, CMD ": %s: cannot open for writing: %s\n", t->a.in.output,
                strerror(errno));
        return FST_EXIT_FATAL;
    }
    FILE *f = t->out ? t->out : stdout;
    write_all(f, t->a.format, t->a.in.time_format == FST_TIME_ISO, &t->pick, &t->rows);
    if (fflush(f) != 0 || ferror(f)) {
        fputs(CMD ": cannot write the output\n", stderr);
        return FST_EXIT_FATAL;
    }
    return FST_EXIT_OK;
}

/* --stats FILE: {"inputs": (as sessions writes it), "timeline": what was
 * selected and written}; 0, or -1 after a message. */
static int write_stats(const tl_run *t)
{
    FILE *f = fopen(t->a.in.stats_path, "w");
    if (!f) {
        fprintf(stderr, CMD ": --stats %s: cannot open: %s\n", t->a.in.stats_path,
                strerror(errno));
        return -1;
    }
    putc('{', f);
    fst_cli_print_input_summary(t->r, 1, f);
    fprintf(f, ",\"timeline\":{\"sessions\":%" PRIu64 ",\"sessions_selected\":%zu"
               ",\"records\":%zu}}\n",
            fst_stitcher_stats(t->st)->sessions, t->pick.n, t->rows.n);
    const int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, CMD ": --stats %s: cannot write\n", t->a.in.stats_path);
        return -1;
    }
    return 0;
}

static void summary(const tl_run *t)
{
    const fst_stitch_stats *s = fst_stitcher_stats(t->st);
    fst_cli_print_input_summary(t->r, t->a.in.quiet, NULL);
    if (!t->a.in.quiet)
        fprintf(stderr, "flowstitch: timeline of %zu of %" PRIu64 " sessions, %zu records\n",
                t->pick.n, s->sessions, t->rows.n);
}

int fst_cli_timeline(int argc, char **argv)
{
    tl_run t;
    memset(&t, 0, sizeof t);
    int code = parse_args(&t.a, argc, argv);
    if (code)
        return code < 0 ? FST_EXIT_OK : code;
    const int n = argc - t.a.first;
    char **paths = argv + t.a.first;
    code = build(&t, n, paths);
    if (code == FST_EXIT_OK)
        code = lay_out(&t, n, paths);
    if (code == FST_EXIT_OK) {
        summary(&t);
        code = t.a.in.stats_path && write_stats(&t) < 0 ? FST_EXIT_FATAL
                                                         : fst_cli_input_exit_code(t.r);
    }
    if (t.out && fclose(t.out) != 0 && code != FST_EXIT_FATAL) {
        fprintf(stderr, CMD ": %s: cannot write\n", t.a.in.output);
        code = FST_EXIT_FATAL;
    }
    fst_stitcher_free(t.st);
    fst_reader_free(t.r2);
    fst_reader_free(t.r);
    fst_eni_table_free(t.meta);
    fst_filter_free(t.filter);
    free(t.pick.v);
    free(t.rows.v);
    return code;
}
