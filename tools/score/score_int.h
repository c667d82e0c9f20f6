/* tools/score/score_int.h - what the scorer's files share (internal).
 *
 * Owns: the loaded truth and session rows, the run struct, and the small
 * parsing helpers (addresses, times, protocols, gzip-or-plain lines) that
 * load.c and naive.c both use.
 */
#ifndef FST_TOOLS_SCORE_INT_H
#define FST_TOOLS_SCORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <zlib.h>

#include "score.h"

/* An endpoint: address (IPv4 stored IPv4-mapped) and port. */
typedef struct sc_ep {
    uint8_t a[16];
    uint16_t port;
    uint8_t family; /* 4 or 6, for printing */
} sc_ep;

typedef struct sc_truth {
    char *conn_id;
    uint8_t proto;
    sc_ep client, server;
    int has_nat;     /* nat_eni or nat_outside_addr given */
    int has_outside; /* nat_outside_addr and nat_outside_port given */
    sc_ep outside;
    int64_t start, end;
    uint64_t c2s_bytes, s2c_bytes;
    uint64_t c2s_packets, s2c_packets; /* only summed by folding */
    char *merged_into; /* "log_merged_into" as text, NULL when absent/null */
    int unobs;       /* "enis" is [] (counted in run->unobservable) */
    int folded;      /* folded into another truth: out of every match and total */
    size_t cls;      /* index into run->classes */
    size_t *tags;    /* indices into run->tags, duplicates removed */
    size_t ntags;
    /* filled by score_compute */
    long match;      /* session index, -1 */
    int match_alt;   /* matched through the NAT outside endpoint */
    uint32_t ncand;  /* candidate sessions */
    uint32_t nsplit; /* ... of them unmatched or matched to this truth */
} sc_truth;

typedef struct sc_sess {
    int64_t id;
    uint8_t proto;
    sc_ep client, server;
    int64_t first, last;
    uint64_t c2s_bytes, s2c_bytes;
    size_t basis;    /* index into run->bases */
    int dir_known;   /* basis != "unknown" */
    int is_leg;
    int64_t leg_of;
    /* filled by score_compute */
    long match;      /* truth index, -1 */
    long attr;       /* truth it is attributed to (matched or best candidate), -1 */
    uint32_t ncand;  /* candidate truths */
    uint32_t nmerge; /* ... of them unmatched or matched to this session */
    int has_leg;     /* some NAT leg points at it */
} sc_sess;

/* A list of distinct names (classes, tags, bases): few, so linear. */
typedef struct sc_names {
    char **v;
    size_t n, cap;
} sc_names;

typedef struct sc_id {
    int64_t id;
    long idx;
} sc_id;

struct score_run {
    int64_t slack;
    int observable_only;     /* drop truth whose "enis" is an empty array */
    uint64_t unobservable;   /* truth lines whose "enis" is an empty array */
    uint64_t excluded;       /* ... of them dropped (observable_only) */
    int have_records_bytes;
    uint64_t records_bytes;
    sc_truth *truth;
    size_t ntruth, cap_truth;
    sc_sess *sess;
    size_t nsess, cap_sess;
    sc_names classes, tags, bases;
    int no_fold;             /* score the raw truth (keep log_merged_into apart) */
    uint64_t with_key;       /* truth lines carrying log_merged_into */
    uint64_t folded;         /* ... of them folded into their target */
    int computed;
    score_metrics overall;
    score_group *groups; /* classes then tags */
    size_t ngroups;
    score_nat nat;
    uint64_t unattributed;  /* non-leg sessions with no candidate truth */
    uint64_t *basis_matched, *basis_correct; /* by run->bases index */
    sc_id *by_id;           /* sessions sorted by id, then input order */
};

/* Adds tag `name` to t unless it has it; 0 or -1 (ENOMEM). */
int sc_truth_add_tag(score_run *r, sc_truth *t, const char *name);

/* Index of name in the list, adding it when new; (size_t)-1 on ENOMEM. */
size_t sc_names_intern(sc_names *l, const char *name);
void sc_names_free(sc_names *l);

/* Text to endpoint address; 0 or -1. s need not be NUL-terminated. */
int sc_parse_addr(const char *s, size_t len, sc_ep *out);
/* Canonical text into buf (>= 46 bytes). */
void sc_format_addr(const sc_ep *e, char *buf, size_t n);
/* Endpoint order: address bytes, then port. */
int sc_ep_cmp(const sc_ep *x, const sc_ep *y);
/* "tcp", "UDP", "icmp", "icmpv6" or decimal 0..255; 0 or -1. */
int sc_parse_proto(const char *s, size_t len, uint8_t *out);
/* Decimal unsigned; 0 or -1 (overflow, junk, empty). */
int sc_parse_u64(const char *s, size_t len, uint64_t *out);
/* Decimal unix seconds or ISO 8601 "YYYY-MM-DD[T ]HH:MM:SS[.f][Z|+hh:mm]". */
int sc_parse_time(const char *s, size_t len, int64_t *out);

/* Lines of a plain or gzip file.  Returns 1 with a NUL-terminated line in
 * *buf (newline stripped), 0 at EOF, -1 on a read error. */
int sc_read_line(gzFile f, char **buf, size_t *cap, size_t *len);
/* Open a file ("-" = stdin) for sc_read_line; NULL with errno. */
gzFile sc_open(const char *path);
/* printf into err (errlen bytes) and return -1: the loaders' error exit. */
int sc_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
