/* flowstitch/eni.h - ENI metadata, as `aws ec2 describe-network-interfaces`
 * prints it, and subnets, as `aws ec2 describe-subnets` prints them.
 *
 * Owns: the opaque fst_eni_table and fst_subnet_table (each loaded once,
 * read-only afterwards, shared by every stitcher that borrows it) and their
 * load/free functions.
 */
#ifndef FLOWSTITCH_ENI_H
#define FLOWSTITCH_ENI_H

#include <stddef.h>

/* ENI metadata (`aws ec2 describe-network-interfaces` JSON). */
typedef struct fst_eni_table fst_eni_table;
/* Load from a file.  On failure returns NULL and writes "file: reason" into
 * err (errlen bytes). Free with fst_eni_table_free. */
fst_eni_table *fst_eni_table_load(const char *path, char *err, size_t errlen);
size_t fst_eni_table_count(const fst_eni_table *t);
void fst_eni_table_free(fst_eni_table *t);

/* Subnets (`aws ec2 describe-subnets` JSON: {"Subnets": [...]}, a bare
 * array, or such pages concatenated): SubnetId, VpcId, AvailabilityZone,
 * AvailabilityZoneId, OwnerId, CidrBlock and Ipv6CidrBlockAssociationSet.
 * Maps any address to its subnet by longest-prefix match (IPv4 and IPv6).
 * On failure returns NULL and writes "file: reason" into err (errlen
 * bytes).  Free with fst_subnet_table_free (NULL is fine). */
typedef struct fst_subnet_table fst_subnet_table;
fst_subnet_table *fst_subnet_table_load(const char *path, char *err, size_t errlen);
/* Subnets loaded (the same SubnetId twice counts once). */
size_t fst_subnet_table_count(const fst_subnet_table *t);
void fst_subnet_table_free(fst_subnet_table *t);

#endif
