/* meta/subnets.h - subnet lookups by address (internal).
 *
 * Owns: the read-only view of one subnet from `aws ec2 describe-subnets`
 * JSON and the lookups the stitcher needs: the subnet an address falls in
 * (longest-prefix match over every subnet's IPv4 and IPv6 CIDR blocks) and
 * the zone name of an az-id.  The table (fst_subnet_table, declared in
 * include/flowstitch/eni.h) is built and freed by src/meta/subnets.c;
 * everything returned here is owned by it and lives as long as it.
 *
 * Why: the default flow log format has no vpc-id, subnet-id or az-id; the
 * subnets' CIDR blocks say where any address of the account's VPCs lives.
 * Zone names (us-east-1a) differ between accounts for one az-id
 * (use1-az2): an az-id two subnets name differently maps to no name.
 */
#ifndef FST_META_SUBNETS_H
#define FST_META_SUBNETS_H

#include "flowstitch/eni.h"
#include "flowstitch/record.h"

typedef struct fst__subnet_info {
    const char *subnet_id;  /* "subnet-..." */
    const char *vpc_id;     /* NULL when absent (likewise below) */
    const char *az;         /* AvailabilityZone: the zone name */
    const char *az_id;      /* AvailabilityZoneId */
    const char *owner_id;   /* OwnerId: the AWS account */
} fst__subnet_info;

/* The subnet whose CIDR block holds a, the longest prefix winning; NULL
 * when t is NULL, no block holds it, or two subnets have that very block
 * (overlapping VPCs: ambiguous, no guess). */
const fst__subnet_info *fst__subnet_by_addr(const fst_subnet_table *t, const fst_addr *a);

/* The zone name of az_id among the table's subnets; NULL when t or az_id is
 * NULL, unknown, or named differently by two subnets. */
const char *fst__subnet_az_name(const fst_subnet_table *t, const char *az_id);

#endif
