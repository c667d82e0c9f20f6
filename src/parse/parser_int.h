/* parse/parser_int.h - the parser's state, shared by record.c (parsing)
 * and pack.c (packing parsed records for the parse workers and unpacking
 * them on the reading thread) (internal to parse/).
 */
#ifndef FST_PARSE_PARSER_INT_H
#define FST_PARSE_PARSER_INT_H

#include "flowstitch/record.h"
#include "parse/intern.h"
#include "parse/parser.h"

enum kind {
    K_SKIP, /* TEXT or unknown: raw token only */
    K_U64,
    K_VERSION, /* the version field: also "2.0" */
    K_PORT,
    K_BYTE, /* FLAGS, SMALL: 0..255 */
    K_PROTO,
    K_ADDR,
    K_ID,
    K_ACTION,
    K_STATUS,
    K_DIR,
    K_IPTYPE
};

typedef struct plan {
    uint8_t kind;
    uint8_t id;   /* field id, FST_F_UNKNOWN for unknown columns */
    uint8_t slot; /* address slot for K_ADDR */
} plan;

typedef struct icache {
    const char *s; /* interned text, NULL when empty */
    uint32_t len;
    uint32_t id;
} icache;

/* An id field's token, waiting to be interned (fst__parser.pend). */
typedef struct fst__pend_id {
    int id;
    uint32_t n;
    const char *s;
} fst__pend_id;

/* One parse worker's local ids as the reading thread resolved them. */
typedef struct fst__idmap_ent {
    const char *s; /* interned text, NULL: not met yet */
    uint32_t id;   /* its global id */
} fst__idmap_ent;
typedef struct fst__idmap {
    fst__idmap_ent *e;
    uint32_t n;
} fst__idmap;

/* Local ids a worker gives at most (65,536: ENIs, accounts, subnets of a
 * large estate; a few MiB per worker); later new values are interned by the
 * reading thread as before (memory stays bounded on any input). */
#define FST__LOCAL_IDS_MAX (1u << 16)

struct fst__parser {
    fst_format *base;      /* default or --fields layout */
    fst_format *hdr;       /* layout from the current file's header, or NULL */
    const fst_format *cur; /* hdr ? hdr : base */
    uint32_t gen;          /* bumped whenever cur changes */
    plan *plan;            /* cur->ncols entries */
    fst_str *cols;         /* raw tokens of the current line */
    size_t cap;            /* capacity of plan[] and cols[] */
    fst__intern *intern;
    const char *file;
    const fst_record *last_rec; /* record filled last, and the layout it had */
    uint32_t last_gen;
    icache cache[FST_FIELD_COUNT];
    char why[192];
    /* Set while the layout in force came from a header with a word that is
     * no AWS field: "'srcprot' in the header (line 1)"; its records are
     * not used (FST_EUNKNOWN_FIELD), since a column flowstitch cannot name
     * may be the one a record needs. */
    char bad_hdr[96];
    /* A parse worker (parse/pipeline.c): id fields are not interned (the
     * reading thread interns them in input order, so ids stay dense in
     * order of first sight); rec->ids and rec->eni are left alone. */
    int nointern;
    /* A parse worker's own table (borrowed; shared by its two parsers):
     * each id value gets a worker-local id, packed as the column's value,
     * so the reading thread maps it with one array load (fst__idmap)
     * instead of hashing and comparing the text again.  NULL: none. */
    fst__intern *local;
    /* The reading thread: per parse worker, local id -> interned text and
     * global id (pack.c); grown on first sight of a local id. */
    struct fst__idmap *wmap;
    uint32_t n_wmap;
    uint16_t naddr; /* address columns in the layout in force */
    /* The id fields of the line being parsed, interned only once the whole
     * line is a record (record.c ids_now): a bad line takes no id, so the
     * ids (fst_record.eni) are those the reading thread gives with parse
     * threads, which interns the packed records only. */
    fst__pend_id pend[FST_FIELD_COUNT];
    uint32_t npend;
};

/* Before a line is parsed into rec: when rec or the layout changed since
 * the last record, every field is cleared (fields absent from the layout
 * read as zero/NULL); else the layout's own fields are all overwritten. */
void fst__parser_fresh_record(fst__parser *p, fst_record *rec);

/* rec's id field `id` is the interned s, whose dense number is num (kept
 * as rec->eni for interface-id). */
static inline void fst__record_set_id(fst_record *rec, int id, const char *s, uint32_t num)
{
    rec->ids[id] = s;
    if (id == FST_F_INTERFACE_ID)
        rec->eni = num;
}

/* Intern an id field's text into rec->ids[id] (and rec->eni for
 * interface-id) through the one-entry cache.  0 or FST_ENOMEM. */
int fst__parser_intern_field(fst__parser *p, fst_record *rec, int id, const char *s, uint32_t n);
/* The same for the reading thread's parser, without a record: *out the
 * interned text, *num its dense number.  0 or FST_ENOMEM. */
int fst__parser_intern_id(fst__parser *p, int id, const char *s, uint32_t n, const char **out,
                          uint32_t *num);

/* Would fst__parser_line take this line as a header line (whatever the
 * parser's state)?  The same test, without parsing it. */
int fst__parser_is_header(const char *text, size_t len, uint64_t lineno);

#endif
