/* out/recplan.h - a record layout's plan for the fast record writers
 * (internal).
 *
 * Owns: what a record row needs per column, worked out once per layout
 * instead of once per cell: the kind of value, the field id and address
 * slot, and the key as the format writes it (for JSON `,"name":`).  A plan
 * is kept for the last layout seen and rebuilt when a record comes with
 * another (a different column count, field ids, or unknown column names).
 */
#ifndef FST_OUT_RECPLAN_H
#define FST_OUT_RECPLAN_H

#include <stddef.h>
#include <stdint.h>

#include "flowstitch/record.h"

enum { FST__RP_U64, FST__RP_TIME, FST__RP_ADDR, FST__RP_ENUM, FST__RP_TEXT };

typedef struct fst__rp_col {
    uint8_t kind;  /* FST__RP_* */
    uint8_t id;    /* field id, FST_F_UNKNOWN for an unknown column */
    uint8_t slot;  /* address slot (FST__RP_ADDR) */
    uint8_t type;  /* fst_ftype (FST__RP_ENUM) */
    uint32_t key;  /* offset of the column's key text in keys */
    uint32_t klen;
} fst__rp_col;

/* keys[] has this many bytes after every key's start (padding past the
 * last), so a writer may copy a short key with one fixed-size memcpy. */
#define FST__RP_KEY_COPY 32

typedef struct fst__recplan {
    uint16_t ncols;
    uint8_t *ids;        /* the layout's ids, to recognise it */
    char **unknown;      /* names of unknown columns (copies), by column */
    fst__rp_col *col;
    char *keys;          /* key texts */
    size_t keys_len;     /* bytes of all keys */
} fst__recplan;

/* The plan for rec's layout, built when it is not the one in *rp (json: keys
 * as `{"name":` for the first column and `,"name":` after, '-' turned into
 * '_').  0 (the same layout as the last record's), 1 (a new plan), or
 * FST_ENOMEM. */
int fst__recplan_get(fst__recplan *rp, const fst_record *rec);
void fst__recplan_free(fst__recplan *rp);

#endif
