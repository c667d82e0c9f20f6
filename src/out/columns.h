/* out/columns.h - what a row says, once for every format (internal).
 *
 * Owns: the session columns (names and order, docs/output.md) and the null
 * rules of sessions and records.  A row is turned into typed cells here; a
 * format file only decides how a cell of each type looks.  Cells borrow
 * from the session or record they came from.
 */
#ifndef FST_OUT_COLUMNS_H
#define FST_OUT_COLUMNS_H

#include <stddef.h>
#include <stdint.h>

#include "flowstitch/record.h"
#include "flowstitch/session.h"

/* The session columns, in output order. */
#define FST__SESSION_COLUMNS(X)                                               \
    X(session_id) X(proto) X(client_addr) X(client_port) X(server_addr)     \
    X(server_port) X(first_seen) X(last_seen) X(c2s_packets) X(c2s_bytes)   \
    X(s2c_packets) X(s2c_bytes) X(tcp_flags_c2s) X(tcp_flags_s2c)           \
    X(direction_basis) X(enis) X(records) X(action) X(community_id)         \
    X(incomplete) X(nat_leg_of)                                             \
    X(client_account) X(client_vpc) X(client_subnet) X(client_az)           \
    X(client_eni) X(server_account) X(server_vpc) X(server_subnet)          \
    X(server_az) X(server_eni) X(region) X(traffic_class) X(traffic_path)   \
    X(aws_service) X(split_basis) X(open_at_start) X(open_at_end)         \
    X(key_absent)

enum {
#define FST__SCOL_ENUM(name) FST__SCOL_##name,
    FST__SESSION_COLUMNS(FST__SCOL_ENUM)
#undef FST__SCOL_ENUM
    FST__SCOL_COUNT
};

typedef enum fst__cell_type {
    FST__CELL_NULL,  /* unknown / absent: JSON null, CSV empty */
    FST__CELL_U64,
    FST__CELL_I64,
    FST__CELL_TIME,  /* unix seconds (v.i): a number, or ISO 8601 text when
                      * the writer was set to FST_TIME_ISO */
    FST__CELL_ADDR,
    FST__CELL_TEXT,  /* len bytes, not necessarily NUL-ended */
    FST__CELL_BOOL,
    FST__CELL_LIST   /* strings; a NULL or empty item is null (JSON) / empty (CSV) */
} fst__cell_type;

typedef struct fst__cell {
    fst__cell_type type;
    union {
        uint64_t u;
        int64_t i;
        int b;
        const fst_addr *addr;
        struct { const char *s; size_t len; } text;
        struct { const char *const *items; uint32_t n; } list;
    } v;
} fst__cell;

/* Session column names, indexed by FST__SCOL_*. */
extern const char *const fst__session_column_names[FST__SCOL_COUNT];

/* Bound on a session row's text in any format, but for its text cells. */
#define FST__SESSION_ROW_FIXED 2048

/* Fill cells[FST__SCOL_COUNT] from s.  Text that is absent or empty is a
 * NULL cell (list items are left as they are).  Returns a bound on the
 * written text of the text and list cells (escaped, quoted, separated);
 * a row needs at most FST__SESSION_ROW_FIXED more. */
size_t fst__session_cells(const fst_session *s, fst__cell *cells);

/* The cell of column i of rec: NULL when the record wrote '-'; numbers,
 * addresses, enums in AWS's spelling, the raw token otherwise. */
fst__cell fst__record_cell(const fst_record *rec, int i);
/* Text of an enumerated record field's value (FST_T_ACTION, STATUS, DIR,
 * IPTYPE): plain ASCII, "-" when out of range. */
const char *fst__record_enum_text(int type, uint64_t v);

/* Column i's key: the AWS field name with '-' turned into '_'. */
char *fst__put_record_key(char *p, const fst_record *rec, int i);

/* Bound on the bytes of rec's row in any format: keys once, values with
 * JSON escaping, punctuation, plus a header line. */
size_t fst__record_row_bound(const fst_record *rec);

#endif
