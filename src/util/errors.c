/* util/errors.c - names and texts of the error codes (from the X-macro). */
#include "flowstitch/errors.h"

const char *fst_err_name(int err)
{
    switch (err) {
#define FST__ERR_NAME(name, code, text)                                      \
    case code:                                                               \
        return #name;
        FST_ERRNO_MAP(FST__ERR_NAME)
#undef FST__ERR_NAME
    default:
        return "UNKNOWN";
    }
}

const char *fst_strerror(int err)
{
    switch (err) {
#define FST__ERR_TEXT(name, code, text)                                      \
    case code:                                                               \
        return text;
        FST_ERRNO_MAP(FST__ERR_TEXT)
#undef FST__ERR_TEXT
    default:
        return "unknown error";
    }
}
