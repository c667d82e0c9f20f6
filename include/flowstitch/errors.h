/* flowstitch/errors.h - the one list of error codes.
 *
 * Every fallible public function returns 0 (or a positive count) on success
 * and one of these negative codes on failure.  The list is an X-macro so the
 * enum, fst_err_name() and fst_strerror() cannot drift apart (libuv style).
 */
#ifndef FLOWSTITCH_ERRORS_H
#define FLOWSTITCH_ERRORS_H

#define FST_ERRNO_MAP(X)                                                     \
    X(NOMEM, -1, "out of memory")                                            \
    X(INVAL, -2, "invalid argument")                                         \
    X(IO, -3, "input/output error")                                          \
    X(NOENT, -4, "no such file or directory")                                \
    X(GZIP, -5, "corrupt gzip data")                                         \
    X(TRUNCATED, -6, "truncated input")                                      \
    X(FORMAT, -7, "bad format string or header")                             \
    X(FIELDS, -8, "wrong number of fields")                                  \
    X(ADDR, -9, "bad address")                                               \
    X(NUMBER, -10, "bad number")                                             \
    X(RANGE, -11, "number out of range")                                     \
    X(VALUE, -12, "bad field value")                                         \
    X(LONGLINE, -13, "line too long")                                        \
    X(BINARY, -14, "binary data")                                            \
    X(STRICT, -15, "stopped at first problem (--strict)")                    \
    X(JSON, -16, "bad JSON")                                                 \
    X(LIMIT, -17, "limit reached")                                           \
    X(UNKNOWN_FIELD, -18, "unknown field")

typedef enum fst_errno {
#define FST__ERR_ENUM(name, code, text) FST_E##name = (code),
    FST_ERRNO_MAP(FST__ERR_ENUM)
#undef FST__ERR_ENUM
} fst_errno;

/* Short upper-case name of an error code ("NOMEM"); "UNKNOWN" otherwise. */
const char *fst_err_name(int err);
/* Human-readable text of an error code; never NULL. */
const char *fst_strerror(int err);

#endif
