/* filter/ast.h - the compiled form of a filter expression (internal).
 *
 * Owns: the node array shared by the parser (parse.c) and the evaluator
 * (eval.c).  A filter is one array of nodes, the root at index root;
 * children are indices into the same array.  Strings are copies owned by
 * the filter and freed with it.
 */
#ifndef FST_FILTER_AST_H
#define FST_FILTER_AST_H

#include <stdint.h>

#include "flowstitch/filter.h"
#include "flowstitch/record.h"

typedef enum fst__fop {
    FST__F_AND, FST__F_OR, FST__F_NOT,   /* a, b children (NOT: a only) */
    FST__F_NET,      /* host or net: addr masked to plen bits, per side */
    FST__F_PORT,     /* port, per side */
    FST__F_PROTO,    /* num = protocol number */
    FST__F_ENI,      /* str; either side's eni or any observing ENI */
    FST__F_VPC, FST__F_SUBNET, FST__F_AZ, /* str, per side */
    FST__F_ACTION,   /* num = FST_SACT_ACCEPT or FST_SACT_REJECT bit */
    FST__F_BASIS,    /* num = fst_basis */
    FST__F_CLASS,    /* num = fst_traffic_class */
    FST__F_CMP       /* quantity <cmp> num */
} fst__fop;

/* Which endpoint a primitive looks at. */
enum { FST__SIDE_EITHER = 0, FST__SIDE_CLIENT = 1, FST__SIDE_SERVER = 2 };
/* Quantities of comparisons. */
enum { FST__Q_BYTES, FST__Q_PACKETS, FST__Q_DURATION, FST__Q_RECORDS };
/* Comparison operators. */
enum { FST__C_GT, FST__C_LT, FST__C_GE, FST__C_LE, FST__C_EQ, FST__C_NE };

typedef struct fst__fnode {
    uint8_t op;       /* fst__fop */
    uint8_t side;     /* FST__SIDE_* */
    uint8_t qty, cmp; /* FST__CMP: FST__Q_*, FST__C_* */
    uint8_t plen;     /* FST__F_NET: prefix bits over the 16-byte form */
    uint16_t port;
    fst_addr addr;    /* FST__F_NET: already masked */
    uint64_t num;
    char *str;        /* owned */
    int32_t a, b;     /* children */
} fst__fnode;

struct fst_filter {
    fst__fnode *nodes;
    uint32_t n, cap;
    int32_t root;
};

/* 1 when a's first plen bits equal those of net (same family). */
int fst__addr_in_net(const fst_addr *a, const fst_addr *net, unsigned plen);

#endif
