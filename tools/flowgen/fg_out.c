/* tools/flowgen/fg_out.c - the file sink: CloudWatch streams, S3 gzip
 * objects, truth.jsonl, manifest.json (and eni-metadata.json via fg_vpc.c).
 *
 * Delivery rules (../shared/docs/aws-flowlogs.md 4.1, 4.2):
 *  - CloudWatch: default 14-field format, no header, one stream per ENI
 *    (DIR/cloudwatch/<eni-id>.log), events in order of `start`.
 *  - S3 text: a header line naming the fields, then records; object
 *    DIR/s3/AWSLogs/<acct>/vpcflowlogs/<region>/YYYY/MM/DD/
 *    <acct>_vpcflowlogs_<region>_<fl-id>_<YYYYMMDDTHHmmZ>_<8 hex>.log.gz,
 *    one per flow log per 5-minute slot, holding the records whose end
 *    falls in the slot; lines shuffled inside a file; a share of records
 *    arrives one or two files late.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#include "fg_internal.h"

/* ---- fields and formats ---- */

#define FG_FIELD_LIST(X)                                                             \
    X(VERSION, "version", 2) X(ACCOUNT, "account-id", 2) X(IFACE, "interface-id", 2)  \
    X(SRC, "srcaddr", 2) X(DST, "dstaddr", 2) X(SPORT, "srcport", 2)                 \
    X(DPORT, "dstport", 2) X(PROTO, "protocol", 2) X(PACKETS, "packets", 2)          \
    X(BYTES, "bytes", 2) X(START, "start", 2) X(END, "end", 2) X(ACTION, "action", 2) \
    X(STATUS, "log-status", 2) X(VPC, "vpc-id", 3) X(SUBNET, "subnet-id", 3)         \
    X(INSTANCE, "instance-id", 3) X(FLAGS, "tcp-flags", 3) X(TYPE, "type", 3)        \
    X(PSRC, "pkt-srcaddr", 3) X(PDST, "pkt-dstaddr", 3) X(REGION, "region", 4)       \
    X(AZ, "az-id", 4) X(SUBLOC_T, "sublocation-type", 4)                             \
    X(SUBLOC_ID, "sublocation-id", 4) X(PSRC_SVC, "pkt-src-aws-service", 5)          \
    X(PDST_SVC, "pkt-dst-aws-service", 5) X(FLOWDIR, "flow-direction", 5)            \
    X(TPATH, "traffic-path", 5)

enum {
#define FG__F_ENUM(n, s, v) F_##n,
    FG_FIELD_LIST(FG__F_ENUM)
#undef FG__F_ENUM
    F_COUNT
};
static const char *const field_name[] = {
#define FG__F_NAME(n, s, v) s,
    FG_FIELD_LIST(FG__F_NAME)
#undef FG__F_NAME
};
static const int field_version[] = {
#define FG__F_VER(n, s, v) v,
    FG_FIELD_LIST(FG__F_VER)
#undef FG__F_VER
};

#define END_OF_FORMAT 255
/* The default format (4.1 / 1.1). */
static const uint8_t fmt_default[] = {F_VERSION, F_ACCOUNT, F_IFACE, F_SRC, F_DST, F_SPORT, F_DPORT, F_PROTO,
                                      F_PACKETS, F_BYTES, F_START, F_END, F_ACTION, F_STATUS, END_OF_FORMAT};
/* Group 0, first half: default fields then the v3-v5 ones. */
static const uint8_t fmt_a1[] = {F_VERSION, F_ACCOUNT, F_IFACE, F_SRC, F_DST, F_SPORT, F_DPORT, F_PROTO, F_PACKETS,
                                 F_BYTES, F_START, F_END, F_ACTION, F_STATUS, F_VPC, F_SUBNET, F_INSTANCE,
                                 F_FLAGS, F_TYPE, F_PSRC, F_PDST, F_REGION, F_AZ, F_FLOWDIR, F_TPATH,
                                 END_OF_FORMAT};
/* Group 0, second half (the flow log was recreated): the tcp-flags example
 * order of 5.5 (bytes before packets) plus v4/v5 fields. */
static const uint8_t fmt_a2[] = {F_VERSION, F_VPC, F_SUBNET, F_INSTANCE, F_IFACE, F_ACCOUNT, F_TYPE, F_SRC, F_DST,
                                 F_SPORT, F_DPORT, F_PSRC, F_PDST, F_PROTO, F_BYTES, F_PACKETS, F_START, F_END,
                                 F_ACTION, F_FLAGS, F_STATUS, F_AZ, F_REGION, F_FLOWDIR, F_TPATH, END_OF_FORMAT};
/* Group 1: the traffic-path example order of 5.8. */
static const uint8_t fmt_b[] = {F_VERSION, F_SRC, F_DST, F_SPORT, F_DPORT, F_PROTO, F_START, F_END, F_TYPE,
                                F_PACKETS, F_BYTES, F_ACCOUNT, F_VPC, F_SUBNET, F_INSTANCE, F_IFACE, F_REGION,
                                F_AZ, F_SUBLOC_T, F_SUBLOC_ID, F_ACTION, F_FLAGS, F_PSRC, F_PDST, F_PSRC_SVC,
                                F_PDST_SVC, F_TPATH, F_FLOWDIR, F_STATUS, END_OF_FORMAT};

/* fmt minus ${instance-id} into own (>= 40 fields): a NAT gateway is then
 * known only from its records (docs/flowgen.md, natnometa). */
static const uint8_t *without_instance(const uint8_t *fmt, uint8_t *own)
{
    size_t n = 0;
    for (; *fmt != END_OF_FORMAT; fmt++)
        if (*fmt != F_INSTANCE)
            own[n++] = *fmt;
    own[n] = END_OF_FORMAT;
    return own;
}

static int format_version(const uint8_t *fmt)
{
    int v = 2;
    for (; *fmt != END_OF_FORMAT; fmt++)
        if (field_version[*fmt] > v)
            v = field_version[*fmt];
    return v;
}

/* ---- text helpers ---- */

static char *put_s(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

static char *put_u(char *p, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static char *put_i(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return put_u(p, (uint64_t)(-v));
    }
    return put_u(p, (uint64_t)v);
}

typedef struct ctx {
    const fg_model *m;
    const fg_line *l;
    int version;
} ctx;

static char *put_field(char *p, const ctx *x, int f)
{
    const fg_line *l = x->l;
    const fg_eni *e = l->eni;
    const fg_model *m = x->m;
    int ok = l->status == FG_OK;
    switch (f) {
    case F_VERSION: return put_u(p, (uint64_t)x->version);
    case F_ACCOUNT: return put_s(p, m->account);
    case F_IFACE: return put_s(p, e->id);
    case F_VPC: return put_s(p, m->vpc_id);
    case F_SUBNET: return put_s(p, m->subnets[e->subnet].id);
    case F_INSTANCE: return put_s(p, e->instance);
    case F_REGION: return put_s(p, m->region);
    case F_AZ: return put_s(p, m->az_ids[m->subnets[e->subnet].az]);
    case F_START: return put_i(p, l->start);
    case F_END: return put_i(p, l->end);
    case F_STATUS: return put_s(p, l->status == FG_OK ? "OK" : l->status == FG_NODATA ? "NODATA" : "SKIPDATA");
    case F_SUBLOC_T: case F_SUBLOC_ID: case F_PSRC_SVC: case F_PDST_SVC: return put_s(p, "-");
    default: break;
    }
    if (!ok)
        return put_s(p, "-");
    switch (f) {
    case F_SRC: return put_s(p, l->src);
    case F_DST: return put_s(p, l->dst);
    case F_PSRC: return put_s(p, l->psrc);
    case F_PDST: return put_s(p, l->pdst);
    case F_SPORT: return put_u(p, l->sport);
    case F_DPORT: return put_u(p, l->dport);
    case F_PROTO: return put_u(p, l->proto);
    case F_PACKETS: return put_u(p, l->packets);
    case F_BYTES: return put_u(p, l->bytes);
    case F_ACTION: return put_s(p, l->action == FG_REJECT ? "REJECT" : "ACCEPT");
    case F_FLAGS: return put_u(p, l->flags);
    case F_TYPE: return put_s(p, l->v6 ? "IPv6" : "IPv4");
    case F_FLOWDIR: return put_s(p, l->egress ? "egress" : "ingress");
    case F_TPATH: return l->tpath ? put_u(p, l->tpath) : put_s(p, "-");
    default: return put_s(p, "-");
    }
}

/* Formats l in fmt, with '\n'; returns the length.  buf >= 1024 bytes. */
static size_t format_line(char *buf, const fg_model *m, const fg_line *l, const uint8_t *fmt, int version)
{
    ctx x = {m, l, version};
    char *p = buf;
    for (const uint8_t *f = fmt; *f != END_OF_FORMAT; f++) {
        if (f != fmt)
            *p++ = ' ';
        p = put_field(p, &x, *f);
    }
    *p++ = '\n';
    return (size_t)(p - buf);
}

/* ---- growable byte buffer ---- */

typedef struct gbuf {
    char *p;
    size_t len, cap;
} gbuf;

static void gbuf_reserve(gbuf *b, size_t more)
{
    if (b->len + more <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 1 << 16;
    while (cap < b->len + more)
        cap *= 2;
    b->p = realloc(b->p, cap);
    if (!b->p)
        abort();
    b->cap = cap;
}

/* ---- S3 flow logs and 5-minute slots ---- */

#define SLOT_SECONDS 300
#define RING 16

typedef struct line_ref {
    uint32_t at, len;
} line_ref;

typedef struct slot {
    int64_t no;         /* slot number (time / 300), -1 when empty */
    gbuf text;
    line_ref *off;      /* lines in text */
    size_t n, cap;
} slot;

typedef struct flowlog {
    char id[32];
    const uint8_t *fmt;
    uint8_t own[40];    /* fmt without instance-id (nat_nohint) */
    int version;
    int64_t from, to;   /* window ends routed here: [from, to) */
    slot ring[RING];
} flowlog;

struct fg_files {
    fg_model *m;
    char dir[2048];
    int deliver, level;
    const char *scenario;
    fg_rng rng;
    FILE **cw;          /* per ENI, lazily opened */
    FILE *truth;
    flowlog fl[3];
    int64_t now;
    gbuf scratch;
    unsigned char *zout;
    size_t zcap;
    int err;
    fg_counts n;
    int64_t min_ts, max_ts;
};

static int mkdirs(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

static void utc(int64_t t, struct tm *tm)
{
    time_t tt = (time_t)t;
    gmtime_r(&tt, tm);
}

/* Compresses `len` bytes as one gzip member into path. */
static int write_gzip(fg_files *f, const char *path, const char *data, size_t len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, f->level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    size_t bound = deflateBound(&z, (uLong)len);
    if (bound > f->zcap) {
        f->zout = realloc(f->zout, bound);
        if (!f->zout)
            abort();
        f->zcap = bound;
    }
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    z.next_out = f->zout;
    z.avail_out = (uInt)f->zcap;
    int rc = deflate(&z, Z_FINISH);
    size_t out = f->zcap - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END)
        return -1;
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    size_t w = fwrite(f->zout, 1, out, fp);
    return (fclose(fp) == 0 && w == out) ? 0 : -1;
}

static void header_line(gbuf *b, const uint8_t *fmt)
{
    for (const uint8_t *p = fmt; *p != END_OF_FORMAT; p++) {
        size_t n = strlen(field_name[*p]);
        gbuf_reserve(b, n + 2);
        if (p != fmt)
            b->p[b->len++] = ' ';
        memcpy(b->p + b->len, field_name[*p], n);
        b->len += n;
    }
    b->p[b->len++] = '\n';
}

static void finalize_slot(fg_files *f, flowlog *fl, slot *s)
{
    if (s->no < 0)
        return;
    /* shuffle the lines (Fisher-Yates), header first */
    for (size_t i = s->n; i > 1; i--) {
        size_t j = fg_rng_below(&f->rng, i);
        line_ref t = s->off[i - 1];
        s->off[i - 1] = s->off[j];
        s->off[j] = t;
    }
    f->scratch.len = 0;
    header_line(&f->scratch, fl->fmt);
    gbuf_reserve(&f->scratch, s->text.len);
    for (size_t i = 0; i < s->n; i++) {
        const char *a = s->text.p + s->off[i].at;
        size_t n = s->off[i].len;
        memcpy(f->scratch.p + f->scratch.len, a, n);
        f->scratch.len += n;
    }
    struct tm tm;
    int64_t t = s->no * SLOT_SECONDS;
    utc(t, &tm);
    char dir[3000], path[4000];
    const fg_model *m = f->m;
    snprintf(dir, sizeof dir, "%s/s3/AWSLogs/%s/vpcflowlogs/%s/%04d/%02d/%02d", f->dir, m->account, m->region,
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    snprintf(path, sizeof path, "%s/%s_vpcflowlogs_%s_%s_%04d%02d%02dT%02d%02dZ_%08x.log.gz", dir, m->account,
             m->region, fl->id, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
             (unsigned)(fg_rng_next(&f->rng) >> 32));
    if (mkdirs(dir) != 0 || write_gzip(f, path, f->scratch.p, f->scratch.len) != 0) {
        fprintf(stderr, "flowgen: cannot write %s: %s\n", path, strerror(errno));
        f->err = 1;
    }
    f->n.s3_files++;
    s->no = -1;
    s->n = 0;
    s->text.len = 0;
}

static slot *slot_get(fg_files *f, flowlog *fl, int64_t no)
{
    slot *s = &fl->ring[no % RING];
    if (s->no != no) {
        if (s->no >= 0) /* cannot happen with RING > window span; be safe */
            finalize_slot(f, fl, s);
        s->no = no;
    }
    return s;
}

static void slot_append(slot *s, const char *line, size_t n)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4096;
        s->off = realloc(s->off, s->cap * sizeof *s->off);
        if (!s->off)
            abort();
    }
    gbuf_reserve(&s->text, n);
    s->off[s->n].at = (uint32_t)s->text.len;
    s->off[s->n++].len = (uint32_t)n;
    memcpy(s->text.p + s->text.len, line, n);
    s->text.len += n;
}

/* Finalizes the slots no future record can reach.  Windows close in order
 * of their end (also in the final flush), so a future record ends at or
 * after the start of a window ending at or after `now`, i.e. at least
 * now - 600 s (the longest window); late copies only go to later slots. */
static void flush_old(fg_files *f)
{
    int64_t limit = (f->now - 600) / SLOT_SECONDS;
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < RING; i++) {
            slot *s = &f->fl[k].ring[i];
            if (s->no >= 0 && s->no < limit)
                finalize_slot(f, &f->fl[k], s);
        }
}

static flowlog *route(fg_files *f, const fg_line *l)
{
    int g = f->m->subnets[l->eni->subnet].group;
    if (g != 0)
        return &f->fl[2];
    return l->win_end < f->fl[0].to ? &f->fl[0] : &f->fl[1];
}

static void s3_line(fg_files *f, const fg_line *l)
{
    char buf[1024];
    flowlog *fl = route(f, l);
    size_t n = format_line(buf, f->m, l, fl->fmt, fl->version);
    int64_t no = l->end / SLOT_SECONDS;
    if (fg_rng_unit(&f->rng) < f->m->cfg.late_rate) {
        no += 1 + (int64_t)fg_rng_below(&f->rng, 2);
        f->n.s3_late++;
    }
    slot_append(slot_get(f, fl, no), buf, n);
    if (l->win_end > f->now) {
        int64_t old = f->now;
        f->now = l->win_end;
        if (f->now / SLOT_SECONDS != old / SLOT_SECONDS)
            flush_old(f);
    }
}

static void cw_line(fg_files *f, const fg_line *l)
{
    size_t i = (size_t)(l->eni - f->m->enis);
    if (!f->cw[i]) {
        char path[4600];
        snprintf(path, sizeof path, "%s/cloudwatch/%s.log", f->dir, l->eni->id);
        f->cw[i] = fopen(path, "w");
        if (!f->cw[i]) {
            fprintf(stderr, "flowgen: cannot write %s: %s\n", path, strerror(errno));
            f->err = 1;
            return;
        }
        setvbuf(f->cw[i], NULL, _IOFBF, 1 << 16);
        f->n.cw_files++;
    }
    char buf[1024];
    size_t n = format_line(buf, f->m, l, fmt_default, 2);
    fwrite(buf, 1, n, f->cw[i]);
}

static void on_line(void *vf, const fg_line *l)
{
    fg_files *f = vf;
    if (l->status == FG_OK)
        f->n.ok++;
    else if (l->status == FG_NODATA)
        f->n.nodata++;
    else
        f->n.skipdata++;
    if (l->start < f->min_ts || f->min_ts == 0)
        f->min_ts = l->start;
    if (l->end > f->max_ts)
        f->max_ts = l->end;
    if (f->deliver & FG_DELIVER_CW)
        cw_line(f, l);
    if (f->deliver & FG_DELIVER_S3)
        s3_line(f, l);
}

/* ---- truth ---- */

static void on_truth(void *vf, const fg_truth *t)
{
    fg_files *f = vf;
    FILE *o = f->truth;
    f->n.truths++;
    fprintf(o,
            "{\"conn_id\":%llu,\"proto\":%u,\"client_addr\":\"%s\",\"client_port\":%u,\"server_addr\":\"%s\","
            "\"server_port\":%u,\"start\":%lld,\"end\":%lld,\"c2s_packets\":%llu,\"c2s_bytes\":%llu,"
            "\"s2c_packets\":%llu,\"s2c_bytes\":%llu,\"class\":\"%s\",\"tags\":[",
            (unsigned long long)t->conn_id, t->proto, t->client_addr, t->client_port, t->server_addr,
            t->server_port, (long long)t->start, (long long)t->end, (unsigned long long)t->packets[0],
            (unsigned long long)t->bytes[0], (unsigned long long)t->packets[1], (unsigned long long)t->bytes[1],
            fg_class_name(t->cls));
    int first = 1;
    for (int k = 0; k < FG_CL_COUNT; k++)
        if (t->tags & (1u << k)) {
            fprintf(o, "%s\"%s\"", first ? "" : ",", fg_class_name(k));
            first = 0;
        }
    fputs("],\"enis\":[", o);
    for (int k = 0; k < t->n_enis; k++)
        fprintf(o, "%s\"%s\"", k ? "," : "", t->enis[k]);
    fprintf(o, "],\"handshake_logged\":%s", t->handshake_logged ? "true" : "false");
    if (t->has_nat)
        fprintf(o, ",\"nat_eni\":\"%s\",\"nat_outside_addr\":\"%s\",\"nat_outside_port\":%u", t->nat_eni,
                t->nat_outside_addr, t->nat_outside_port);
    if (t->log_merged_into)
        fprintf(o, ",\"log_merged_into\":%llu", (unsigned long long)t->log_merged_into);
    fputs("}\n", o);
}

/* ---- open / close ---- */

fg_files *fg_files_open(fg_model *m, const char *dir, int deliver, int level, const char *scenario)
{
    fg_files *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->m = m;
    snprintf(f->dir, sizeof f->dir, "%s", dir);
    f->deliver = deliver;
    f->level = level;
    f->scenario = scenario;
    fg_rng_seed(&f->rng, m->cfg.seed, 2);
    f->cw = calloc(m->n_enis + 1, sizeof *f->cw);
    char path[4600];
    snprintf(path, sizeof path, "%s/cloudwatch", dir);
    if (!f->cw || mkdirs(dir) != 0 || ((deliver & FG_DELIVER_CW) && mkdirs(path) != 0))
        goto fail;
    snprintf(path, sizeof path, "%s/truth.jsonl", dir);
    f->truth = fopen(path, "w");
    if (!f->truth)
        goto fail;
    setvbuf(f->truth, NULL, _IOFBF, 1 << 16);
    const int64_t t0 = m->cfg.t0, t1 = t0 + m->cfg.duration;
    int64_t sw = t0 + (m->cfg.duration / 2) / SLOT_SECONDS * SLOT_SECONDS;
    const uint8_t *fmts[3] = {fmt_a1, fmt_a2, fmt_b};
    for (int k = 0; k < 3; k++) {
        flowlog *fl = &f->fl[k];
        fg__rand_id(&f->rng, "fl", fl->id, sizeof fl->id);
        fl->fmt = fmts[k];
        if (m->cfg.nat_nohint)
            fl->fmt = without_instance(fmts[k], fl->own);
        fl->version = format_version(fl->fmt);
        fl->from = k == 1 ? sw : t0;
        fl->to = k == 0 ? sw : t1 + 600;
        for (int i = 0; i < RING; i++)
            fl->ring[i].no = -1;
    }
    return f;
fail:
    fprintf(stderr, "flowgen: cannot create %s: %s\n", path, strerror(errno));
    free(f->cw);
    free(f);
    return NULL;
}

fg_sink fg_files_sink(fg_files *f)
{
    fg_sink s = {f, on_line, on_truth};
    return s;
}

fg_counts fg_files_counts(const fg_files *f) { return f->n; }

static void fmt_string(FILE *o, const uint8_t *fmt)
{
    for (const uint8_t *p = fmt; *p != END_OF_FORMAT; p++)
        fprintf(o, "%s${%s}", p == fmt ? "" : " ", field_name[*p]);
}

static void write_manifest(fg_files *f, FILE *o)
{
    const fg_model *m = f->m;
    size_t logged = 0;
    for (size_t i = 0; i < m->n_enis; i++)
        logged += m->subnets[m->enis[i].subnet].logged != 0;
    uint64_t lines = f->n.ok + f->n.nodata + f->n.skipdata;
    fprintf(o, "{\n  \"generator\": \"flowgen\",\n  \"seed\": %llu,\n  \"scenario\": \"%s\",\n  \"mix\": \"%s\",\n",
            (unsigned long long)m->cfg.seed, f->scenario ? f->scenario : "custom", fg_mix_name(m->cfg.mix));
    if (m->cfg.nat_nohint)
        fprintf(o, "  \"nat_nohint\": true,\n");
    fprintf(o, "  \"account\": \"%s\",\n  \"region\": \"%s\",\n  \"vpc_id\": \"%s\",\n", m->account, m->region,
            m->vpc_id);
    fprintf(o, "  \"time_range\": {\"start\": %lld, \"end\": %lld, \"duration\": %lld, "
               "\"first_record_start\": %lld, \"last_record_end\": %lld},\n",
            (long long)m->cfg.t0, (long long)(m->cfg.t0 + m->cfg.duration), (long long)m->cfg.duration,
            (long long)f->min_ts, (long long)f->max_ts);
    fprintf(o, "  \"arrivals\": %llu,\n  \"connections\": %llu,\n", (unsigned long long)m->cfg.connections,
            (unsigned long long)f->n.truths);
    fprintf(o, "  \"enis\": %zu,\n  \"logged_enis\": %zu,\n", m->n_enis, logged);
    fprintf(o, "  \"records\": {\"ok\": %llu, \"nodata\": %llu, \"skipdata\": %llu, \"lines\": %llu},\n",
            (unsigned long long)f->n.ok, (unsigned long long)f->n.nodata, (unsigned long long)f->n.skipdata,
            (unsigned long long)lines);
    fprintf(o, "  \"cloudwatch\": {\"enabled\": %s, \"files\": %llu, \"lines\": %llu, \"format\": \"",
            (f->deliver & FG_DELIVER_CW) ? "true" : "false", (unsigned long long)f->n.cw_files,
            (f->deliver & FG_DELIVER_CW) ? (unsigned long long)lines : 0ULL);
    fmt_string(o, fmt_default);
    fprintf(o, "\"},\n  \"s3\": {\"enabled\": %s, \"files\": %llu, \"records\": %llu, \"header_lines\": %llu, "
               "\"late_records\": %llu, \"flow_logs\": [\n",
            (f->deliver & FG_DELIVER_S3) ? "true" : "false", (unsigned long long)f->n.s3_files,
            (f->deliver & FG_DELIVER_S3) ? (unsigned long long)lines : 0ULL, (unsigned long long)f->n.s3_files,
            (unsigned long long)f->n.s3_late);
    for (int k = 0; k < 3; k++) {
        const flowlog *fl = &f->fl[k];
        fprintf(o, "    {\"id\": \"%s\", \"subnet_group\": %d, \"max_aggregation_interval\": %d, "
                   "\"window_end_from\": %lld, \"window_end_to\": %lld, \"format\": \"",
                fl->id, k == 2 ? 1 : 0, k == 2 ? 600 : 60, (long long)fl->from, (long long)fl->to);
        fmt_string(o, fl->fmt);
        fprintf(o, "\"}%s\n", k < 2 ? "," : "");
    }
    fprintf(o, "  ]}\n}\n");
}

int fg_files_close(fg_files *f, fg_counts *counts)
{
    int rc = 0;
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < RING; i++) {
            /* in slot order, for tidy numbering of the hash stream */
            slot *best = NULL;
            for (int j = 0; j < RING; j++) {
                slot *s = &f->fl[k].ring[j];
                if (s->no >= 0 && (!best || s->no < best->no))
                    best = s;
            }
            if (best)
                finalize_slot(f, &f->fl[k], best);
        }
    for (size_t i = 0; i < f->m->n_enis; i++)
        if (f->cw[i] && fclose(f->cw[i]) != 0)
            rc = -1;
    if (fclose(f->truth) != 0)
        rc = -1;
    char path[4600];
    snprintf(path, sizeof path, "%s/eni-metadata.json", f->dir);
    if (!f->m->cfg.nat_nohint && fg_write_eni_metadata(f->m, path) != 0)
        rc = -1;
    snprintf(path, sizeof path, "%s/manifest.json", f->dir);
    FILE *o = fopen(path, "w");
    if (!o)
        rc = -1;
    else {
        write_manifest(f, o);
        if (fclose(o) != 0)
            rc = -1;
    }
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < RING; i++) {
            free(f->fl[k].ring[i].text.p);
            free(f->fl[k].ring[i].off);
        }
    if (counts)
        *counts = f->n;
    free(f->scratch.p);
    free(f->zout);
    free(f->cw);
    if (f->err)
        rc = -1;
    free(f);
    return rc;
}
