/* parse/format.h - column layouts (internal).
 *
 * Owns: building an fst_format from an AWS format string ("${version}
 * ${account-id} ...", bare names accepted), from an S3 header line (names
 * separated by runs of spaces, hyphen or underscore spelling), and the
 * 14-field default.  Each format owns its ids[] and names[] arrays and the
 * name text; free it with fst__format_free.
 *
 * Known field names map to their fst_field id and their canonical hyphen
 * name; unknown names are kept as FST_F_UNKNOWN columns with their name as
 * written (the "${}" wrapper removed).  A known field may appear only once.
 */
#ifndef FST_PARSE_FORMAT_H
#define FST_PARSE_FORMAT_H

#include <stddef.h>

#include "flowstitch/record.h"

/* Largest number of columns a layout may have. */
#define FST__MAX_COLS 1024

/* From an AWS format string; tokens separated by spaces or tabs.  Returns
 * NULL and sets *err (FST_EFORMAT, FST_ENOMEM) on failure; *why (may be
 * NULL) then points to static text. */
fst_format *fst__format_from_string(const char *fmt, int *err, const char **why);
/* From a header line (not NUL-terminated).  Same errors. */
fst_format *fst__format_from_header(const char *line, size_t len, int *err, const char **why);
/* The 14 v2 fields in default order. */
fst_format *fst__format_default(void);
void fst__format_free(fst_format *f);

#endif
