/* flowstitch/cost.h - double-count-free traffic accounting and cost.
 *
 * Owns: the accounting keys (eni, vpc, ..., day: docs/accounting.md), the
 * price table (fst_prices: defaults, --prices JSON, the cost of one
 * session), and fst_cost, which sums finished sessions into groups (one row
 * per combination of key values) and into the findings a cost engineer acts
 * on, then writes them as a table, CSV or JSON Lines.
 *
 * Per-side keys (eni, vpc, subnet, az, account): a session belongs to its
 * client side's values and to its server side's; when the two differ (one
 * side unknown is "-") it is in both rows, so the rows of such a key may
 * add up to more than the totals row, which counts every session once.
 * Several per-side keys go together by side (--by eni,az: the client's
 * ENI with the client's AZ).  Every other key gives a session exactly one
 * value, the same on both sides.
 *
 * A NAT gateway's translated leg (nat_leg_of != 0) carries the bytes of
 * the session it belongs to: it adds only naive_packets/naive_bytes (its
 * records), so totals match the run's counted-once and naive sums.
 *
 * Ownership: fst_cost_new copies the keys and the prices; fst_cost_free
 * releases everything it returned (rows, findings, their strings).  Errors
 * are negative FST_E* codes (FST_ENOMEM) or -1 with a message in err.
 */
#ifndef FLOWSTITCH_COST_H
#define FLOWSTITCH_COST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "flowstitch/session.h"

/* The accounting keys: X(ID, "name"); the column is the name with '-'
 * turned into '_'. */
#define FST_COST_KEY_MAP(X)                                                   \
    X(ENI, "eni")                 /* the side's own interface */              \
    X(VPC, "vpc")                                                             \
    X(SUBNET, "subnet")                                                       \
    X(AZ, "az")                                                               \
    X(AZ_PAIR, "az-pair")         /* the two zones, lexical order, "a<->b" */ \
    X(PAIR, "pair")               /* "client->server" addresses */            \
    X(CLIENT, "client")           /* client address */                        \
    X(SERVER, "server")           /* server address */                        \
    X(SERVICE, "service")         /* server port/proto: "443/tcp", "icmp" */  \
    X(CLASS, "class")             /* traffic_class */                         \
    X(AWS_SERVICE, "aws-service") /* S3, DYNAMODB, ... */                     \
    X(ACCOUNT, "account")                                                     \
    X(REGION, "region")                                                       \
    X(HOUR, "hour")               /* UTC hour of first_seen: 2024-06-10T02 */ \
    X(DAY, "day")                 /* UTC day of first_seen: 2024-06-10 */

typedef enum fst_cost_key {
#define FST__COST_KEY_ENUM(id, name) FST_COST_KEY_##id,
    FST_COST_KEY_MAP(FST__COST_KEY_ENUM)
#undef FST__COST_KEY_ENUM
    FST_COST_KEY_COUNT
} fst_cost_key;

enum { FST_COST_MAX_KEYS = 8,     /* keys in one --by */
       FST_COST_VALUE_MAX = 112 }; /* room for one key value, NUL included */

/* "az-pair" / "az_pair"; NULL for bad values. */
const char *fst_cost_key_name(int key);
const char *fst_cost_key_column(int key);
/* Parses "az-pair,service" into keys[FST_COST_MAX_KEYS]; returns how many,
 * or -1 with a message in err (unknown key, repeated key, too many, empty). */
int fst_cost_keys_parse(const char *list, int *keys, char *err, size_t errlen);
/* The value(s) of key for session s into vals: 1, or 2 for a per-side key
 * whose sides differ.  Unknown is "-". */
int fst_cost_key_values(int key, const fst_session *s, char vals[2][FST_COST_VALUE_MAX]);

/* ---- prices ------------------------------------------------------------ */

enum { FST_PRICE_TIERS = 8 };

/* US-dollar list prices per GB (bytes_per_gb bytes).  fst_prices_default
 * fills US East list prices (docs/accounting.md: source and date). */
typedef struct fst_prices {
    double bytes_per_gb;      /* 2^30 by default (docs/accounting.md) */
    double inter_az;          /* per GB, charged in EACH direction: a byte
                               * crossing zones costs 2 x inter_az */
    double inter_region;      /* per GB sent between Regions */
    double nat_processing;    /* per GB a NAT gateway processes (both ways) */
    double tgw_processing;    /* per GB a transit gateway processes */
    double egress_free_gb;    /* internet egress free per month */
    int n_egress;             /* internet egress tiers, per month */
    struct { double upto_gb; double per_gb; } egress[FST_PRICE_TIERS]; /* last: upto 0 = rest */
    char date[32], source[96];
} fst_prices;

void fst_prices_default(fst_prices *p);
/* Overrides *p (filled first, e.g. by fst_prices_default) with the keys of
 * the JSON object in file path (docs/accounting.md "Price file"); unknown
 * keys and bad values are errors.  0, or -1 with "FILE: reason" in err. */
int fst_prices_load(const char *path, fst_prices *p, char *err, size_t errlen);
/* US dollars session s costs by its traffic_class (docs/accounting.md):
 * intra-AZ 0; inter-AZ 2 x inter_az per GB; internet egress at the first
 * paid tier's rate on the bytes leaving AWS; NAT processing on all bytes. */
double fst_prices_session_usd(const fst_prices *p, const fst_session *s);
/* Internet egress of gb GB in one month with the free allowance and tiers. */
double fst_prices_egress_month_usd(const fst_prices *p, double gb);

/* ---- accounting ---------------------------------------------------------- */

typedef struct fst_cost_row {
    const char *values[FST_COST_MAX_KEYS]; /* one per key, owned by fst_cost */
    uint64_t sessions, packets, bytes, c2s_bytes, s2c_bytes, naive_packets, naive_bytes;
    double cost_usd;
} fst_cost_row;

/* What a cost engineer acts on (docs/accounting.md "Findings"). */
typedef enum fst_finding_kind {
    FST_FINDING_NAT_AWS_SERVICE, /* S3/DynamoDB through a NAT: a gateway endpoint is free */
    FST_FINDING_INTER_AZ,        /* a zone pair and the services behind it */
    FST_FINDING_EGRESS,          /* internet egress of one ENI */
    FST_FINDING_NAT_HAIRPIN,     /* both ends inside, yet through a NAT gateway */
    FST_FINDING_KIND_COUNT
} fst_finding_kind;

typedef struct fst_cost_finding {
    int kind;                 /* fst_finding_kind */
    const char *what;         /* "S3", "use1-az1<->use1-az2", "eni-...", "a->b" */
    const char *detail;       /* e.g. the top services behind a pair, or "" */
    uint64_t sessions, bytes;
    double usd;               /* over the time covered */
    double usd_month;         /* extrapolated to 30.4375 days; <0 when the
                               * time covered is 0 */
} fst_cost_finding;

typedef struct fst_cost fst_cost;

/* keys[0..n) (1..FST_COST_MAX_KEYS), prices copied; NULL on out of memory. */
fst_cost *fst_cost_new(const int *keys, int n, const fst_prices *p);
/* Adds one finished session; 0 or FST_ENOMEM.  Nothing of s is kept. */
int fst_cost_add(fst_cost *c, const fst_session *s);
/* Sorts the rows (bytes descending, then values) and builds the findings;
 * after it, the getters below are valid.  0 or FST_ENOMEM. */
int fst_cost_finish(fst_cost *c);
size_t fst_cost_n_rows(const fst_cost *c);
/* Row i (0 .. fst_cost_n_rows - 1) in that order, or NULL. */
const fst_cost_row *fst_cost_row_at(const fst_cost *c, size_t i);
const fst_cost_row *fst_cost_totals(const fst_cost *c); /* each session once */
size_t fst_cost_findings(const fst_cost *c, const fst_cost_finding **f);
/* Seconds from the earliest first_seen to the latest last_seen (0 if none). */
int64_t fst_cost_span(const fst_cost *c);
void fst_cost_free(fst_cost *c);

/* Output forms of fst_cost_write. */
enum { FST_COST_TABLE = 0, FST_COST_CSV = 1, FST_COST_JSONL = 2 };
/* Writes the first top rows (0: all) in form fmt: the table with a totals
 * row, CSV with a header, or one JSON object per row.  0, or -1 when f
 * reports a write error. */
int fst_cost_write(const fst_cost *c, FILE *f, int fmt, size_t top);
/* Writes the findings (up to top of each kind, 0: 10) as a readable report
 * (FST_COST_TABLE) or one JSON object per finding (FST_COST_JSONL, with
 * key "finding") or CSV.  0 or -1 on a write error. */
int fst_cost_write_findings(const fst_cost *c, FILE *f, int fmt, size_t top);

#endif
