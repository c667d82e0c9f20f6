/* tools/flowgen/fg.h - flowgen_core: a simulated VPC that emits VPC Flow Log
 * lines exactly as AWS would, plus the ground truth behind them.
 *
 * Owns: the model (VPC, ENIs, capture windows, connections, packet bursts),
 * the sweep that turns bursts into per-ENI, per-direction, per-window
 * records, and the file writers (CloudWatch streams, S3 gzip objects, ENI
 * metadata JSON, truth JSONL, manifest).  See docs/flowgen.md for the AWS
 * behaviour each part follows.
 *
 * Usage: fg_model_new() -> (fg_build_scenario() or fg_add_* by hand) ->
 * fg_run(model, sink) -> fg_model_free().  Everything is deterministic for a
 * given config: no wall clock, no rand(), one seeded PRNG stream per use.
 * Memory: the model owns every object; lines and truths passed to a sink
 * are valid only during the callback.
 */
#ifndef FLOWGEN_FG_H
#define FLOWGEN_FG_H

#include <stddef.h>
#include <stdint.h>

/* log-status of an emitted line. */
enum { FG_OK = 1, FG_NODATA = 2, FG_SKIPDATA = 3 };
enum { FG_ACCEPT = 1, FG_REJECT = 2 };
/* Connection direction (client to server, server to client). */
enum { FG_C2S = 0, FG_S2C = 1 };
/* ENI kinds, as describe-network-interfaces InterfaceType. */
enum { FG_ENI_INSTANCE = 0, FG_ENI_NAT = 1, FG_ENI_NLB = 2 };

/* Classes (truth.jsonl "class" / "tags"), bit positions in fg_truth.tags. */
#define FG_CLASS_LIST(X)                                                     \
    X(INTRA_AZ, "intra-az") X(INTER_AZ, "inter-az")                          \
    X(INTERNET_IN, "internet-in") X(INTERNET_OUT, "internet-out")            \
    X(NAT, "nat") X(REJ_SG, "rejected-sg") X(REJ_NACL, "rejected-nacl")      \
    X(SCAN, "scan") X(UDP, "udp") X(ICMP, "icmp") X(IPV6, "ipv6")            \
    X(SECONDARY, "secondary-ip") X(PORT_REUSE, "port-reuse")                 \
    X(LONG_LIVED, "long-lived")                                              \
    X(LONG_IDLE, "long-idle") X(OPEN_START, "open-at-start")                 \
    X(OPEN_END, "open-at-end") X(REDIAL, "redial")                           \
    X(REDIAL_SAME, "redial-same-window") X(NAT_NOHINT, "nat-nohint")      \
    X(HALF_QUIET, "half-quiet")
enum fg_class {
#define FG__CL_ENUM(n, s) FG_CL_##n,
    FG_CLASS_LIST(FG__CL_ENUM)
#undef FG__CL_ENUM
    FG_CL_COUNT
};
const char *fg_class_name(int cl);

typedef struct fg_model fg_model;
typedef struct fg_eni fg_eni;

/* Generator settings.  fg_config_init() fills the defaults. */
typedef struct fg_config {
    uint64_t seed;
    int64_t t0;              /* first second of the logged range */
    int64_t duration;        /* seconds; the range is [t0, t0 + duration) */
    uint64_t connections;    /* connection arrivals (scenario traffic) */
    double skip_rate;        /* chance a window with traffic becomes SKIPDATA */
    double late_rate;        /* chance an S3 record is delivered 1-2 files late */
    double prestart_share;   /* long-lived connections opened before t0, as a
                              * share of `connections` (longlived and
                              * independent use their own share) */
    int mix;                 /* FG_MIX_* */
    int nat_nohint;          /* S3 formats without instance-id, no
                              * eni-metadata.json, NAT truths tagged
                              * "nat-nohint" (set by --mix natnometa and
                              * independent, or --nat-nohint) */
    const char *account;     /* 12 digits */
    const char *region;      /* "us-east-1" */
} fg_config;
/* The mixes from LONGLIVED on model the phenomena of docs/flowgen.md
 * "Phenomena mixes"; only they write the phenomenon tags, so the bytes of
 * the older mixes do not change. */
enum {
    FG_MIX_MIXED = 0, FG_MIX_TCP, FG_MIX_UDP, FG_MIX_NAT, FG_MIX_REJECT,
    FG_MIX_LONGLIVED, FG_MIX_REUSE, FG_MIX_NATNOMETA, FG_MIX_INDEPENDENT, FG_MIX_COUNT
};
#define FG_MIX_FIRST_PHENOMENA FG_MIX_LONGLIVED
void fg_config_init(fg_config *cfg);
int fg_mix_parse(const char *s); /* -1 when unknown */
const char *fg_mix_name(int mix);

/* One emitted line (OK, NODATA or SKIPDATA).  Strings are NUL-terminated
 * and owned by the model.  For NODATA/SKIPDATA only eni, status, start
 * (window start) and end (window end) are meaningful. */
typedef struct fg_line {
    const fg_eni *eni;
    uint8_t status, action, egress, proto, flags, v6;
    uint8_t tpath;                 /* 0 = "-" */
    uint8_t dir;                   /* FG_C2S / FG_S2C of the connection */
    const char *src, *dst, *psrc, *pdst;
    uint16_t sport, dport;
    uint64_t packets, bytes;
    int64_t start, end;            /* first/last packet second in window */
    int64_t win_start, win_end;    /* the capture window [start, end) */
    uint64_t conn_id;              /* first conn id of the record, 0 if none */
} fg_line;

/* One real connection (truth.jsonl line). */
typedef struct fg_truth {
    uint64_t conn_id;
    uint8_t proto, cls, handshake_logged, has_nat;
    uint32_t tags;                 /* 1 << FG_CL_* */
    const char *client_addr, *server_addr;
    uint16_t client_port, server_port;
    int64_t start, end;
    uint64_t packets[2], bytes[2]; /* [FG_C2S], [FG_S2C], inside the range */
    const char *enis[4];           /* logged ENIs that delivered a record */
    int n_enis;
    const char *nat_eni, *nat_outside_addr;
    uint16_t nat_outside_port;
    /* conn_id of the earliest connection of the same 5-tuple that the logs
     * cannot separate this one from (every delivered record carrying this
     * connection also carries that one; chains resolved to their root), or
     * 0 when the logs can separate it. */
    uint64_t log_merged_into;
} fg_truth;

/* Where the sweep sends its output, in this order: lines of an ENI window
 * when the window closes (windows close in time order, then the remaining
 * open windows at the end of the range); a truth when its connection has
 * no packet left to log. */
typedef struct fg_sink {
    void *ctx;
    void (*line)(void *ctx, const fg_line *l);
    void (*truth)(void *ctx, const fg_truth *t);
} fg_sink;

/* ---- model ---- */
fg_model *fg_model_new(const fg_config *cfg);
void fg_model_free(fg_model *m);
const fg_config *fg_model_config(const fg_model *m);

/* Builds the simulated VPC of a named scenario ("small", "mixed") and
 * schedules cfg->connections random arrivals.  0, or -1 for an unknown
 * name. */
int fg_build_scenario(fg_model *m, const char *name);

/* ---- building by hand (tests) ---- */
/* Subnet in AZ number az (0..), logged or not, and (when logged) which S3
 * flow-log group it belongs to (0 or 1).  Returns the subnet index. */
int fg_add_subnet(fg_model *m, int az, int logged, int group);
typedef struct fg_eni_spec {
    int subnet, kind, nitro;
    const char *primary;           /* private IPv4 */
    const char *secondary[3];      /* NULL-terminated / unused slots NULL */
    const char *public_ip[4];      /* per private IP (0 primary), or NULL */
    const char *ipv6;              /* or NULL */
    const int *windows;            /* explicit window lengths, or NULL for random */
    size_t n_windows;              /* after the list is used up, repeat the last */
} fg_eni_spec;
int fg_add_eni(fg_model *m, const fg_eni_spec *s);
/* Explicit packet bursts (all `packets` at second t). */
typedef struct fg_burst {
    int64_t t;
    uint8_t dir, flags, life;      /* life 0 or 1 (port reuse) */
    uint32_t packets;
    uint64_t bytes;
} fg_burst;
typedef struct fg_conn_spec {
    uint8_t proto;
    int cls;                       /* primary class */
    const char *client, *server;   /* packet addresses (private or internet) */
    uint16_t cport, sport;
    int nat_eni;                   /* ENI index of the NAT, or -1 */
    uint16_t nat_port;
    uint8_t sg_reject, nacl_reject;/* ingress at server REJECT / reply REJECT */
    const fg_burst *bursts;        /* time order */
    size_t n_bursts;
} fg_conn_spec;
int fg_add_conn(fg_model *m, const fg_conn_spec *s);

/* ---- running ---- */
/* Runs the whole range; returns 0. */
int fg_run(fg_model *m, const fg_sink *sink);

/* ---- read access ---- */
size_t fg_eni_count(const fg_model *m);
const fg_eni *fg_eni_at(const fg_model *m, size_t i);
const char *fg_eni_id(const fg_eni *e);
const char *fg_eni_instance(const fg_eni *e);   /* "-" for managed ENIs */
const char *fg_eni_subnet_id(const fg_model *m, const fg_eni *e);
const char *fg_eni_az_id(const fg_model *m, const fg_eni *e);
const char *fg_eni_primary(const fg_model *m, const fg_eni *e);
int fg_eni_logged(const fg_model *m, const fg_eni *e);
int fg_eni_group(const fg_model *m, const fg_eni *e); /* S3 flow-log group */
int fg_eni_max_window(const fg_eni *e);
const char *fg_vpc_id(const fg_model *m);

/* ---- files ---- */
enum { FG_DELIVER_S3 = 1, FG_DELIVER_CW = 2 };
typedef struct fg_files fg_files;
/* Opens the writers under dir (created as needed).  level: gzip 1..9. */
fg_files *fg_files_open(fg_model *m, const char *dir, int deliver, int level, const char *scenario);
/* The sink that writes through f. */
fg_sink fg_files_sink(fg_files *f);
/* What was written. */
typedef struct fg_counts {
    uint64_t ok, nodata, skipdata, truths, s3_files, s3_late, cw_files;
} fg_counts;
/* Flushes everything, writes eni-metadata.json and manifest.json, frees f,
 * and stores the final counts in *counts (may be NULL).  Returns 0 or -1
 * (I/O error, message on stderr). */
int fg_files_close(fg_files *f, fg_counts *counts);
fg_counts fg_files_counts(const fg_files *f);
int fg_write_eni_metadata(const fg_model *m, const char *path);

#endif
