/* meta/eni.h - ENI metadata lookups (internal).
 *
 * Owns: the read-only view of one ENI from `aws ec2
 * describe-network-interfaces` JSON, and the two lookups the stitcher needs
 * (by ENI id, by private address).  The table itself (fst_eni_table, declared
 * in include/flowstitch/eni.h) is built and freed by src/meta/eni.c;
 * everything returned here is owned by the table and lives as long as it.
 *
 * Why the stitcher needs it (../shared/docs/aws-flowlogs.md section 1.6):
 * the ENI's own side of a record always shows its PRIMARY private IPv4, and
 * requester-managed ENIs (NAT gateway, TGW attachment, NLB) put their own
 * address where the real peer was.  Without pkt-* fields (default format)
 * only this metadata says which address is the ENI's own and what kind of
 * hop the ENI is.
 */
#ifndef FST_META_ENI_H
#define FST_META_ENI_H

#include <stdint.h>

#include "flowstitch/record.h"
#include "flowstitch/eni.h"

/* InterfaceType of describe-network-interfaces, folded to what the stitcher
 * treats differently.  Unrecognised strings map to FST__ENI_OTHER; the raw
 * text stays in fst__eni_info.interface_type. */
typedef enum fst__eni_kind {
    FST__ENI_UNKNOWN = 0,       /* field absent */
    FST__ENI_INTERFACE,         /* "interface": an instance's ENI */
    FST__ENI_NAT_GATEWAY,       /* "nat_gateway" */
    FST__ENI_NLB,               /* "network_load_balancer" */
    FST__ENI_TGW,               /* "transit_gateway" */
    FST__ENI_VPC_ENDPOINT,      /* "vpc_endpoint" / "gateway_load_balancer_endpoint" */
    FST__ENI_LAMBDA,            /* "lambda" */
    FST__ENI_OTHER              /* any other value (efa, trunk, ...) */
} fst__eni_kind;

/* One ENI.  Address arrays may be empty (n == 0, pointer NULL). */
typedef struct fst__eni_info {
    const char *eni_id;          /* "eni-..." (NUL-terminated) */
    fst__eni_kind kind;
    const char *interface_type;  /* raw InterfaceType text, or NULL */
    uint8_t requester_managed;   /* RequesterManaged true (NAT, TGW, NLB ...) */
    fst_addr primary;            /* PrivateIpAddress (primary private IPv4);
                                  * family 0 when unknown */
    const fst_addr *secondary;   /* other PrivateIpAddresses[], Primary=false */
    uint32_t n_secondary;
    const fst_addr *ipv6;        /* Ipv6Addresses[] */
    uint32_t n_ipv6;
    const fst_addr *public_ips;  /* Association.PublicIp of each private IP */
    uint32_t n_public;
    const char *subnet_id, *vpc_id, *az, *instance_id; /* NULL when absent */
    const char *owner_id;        /* OwnerId (AWS account), NULL when absent */
} fst__eni_info;

/* ENI by id ("eni-0abc...", exact, case-sensitive).  NULL when t is NULL or
 * the ENI is not in the table.  O(1) expected (hash). */
const fst__eni_info *fst__eni_lookup(const fst_eni_table *t, const char *eni_id);

/* ENI owning a private address: primary, secondary private IPv4 or IPv6 of
 * any ENI in the table.  Public IPs are NOT matched (flow logs never show
 * them as an ENI's own address).  NULL when t is NULL or no ENI owns it.
 * O(1) expected (hash). */
const fst__eni_info *fst__eni_by_addr(const fst_eni_table *t, const fst_addr *a);

/* True (1) when address a is one of the private addresses of ENI e. */
int fst__eni_owns(const fst__eni_info *e, const fst_addr *a);

#endif
