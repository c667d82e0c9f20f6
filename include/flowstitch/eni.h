/* flowstitch/eni.h - ENI metadata, as `aws ec2 describe-network-interfaces`
 * prints it.
 *
 * Owns: the opaque fst_eni_table (loaded once, read-only afterwards, shared
 * by every stitcher that borrows it) and its load/free functions.
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

#endif
