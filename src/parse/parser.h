/* parse/parser.h - one line of text to one fst_record (internal).
 *
 * Owns: the column layout in force (default, --fields, or the file's header
 * line), header detection, the CloudWatch-export timestamp prefix, field
 * tokenising (runs of spaces tolerated), strict typed conversion of every
 * field, and interning of id strings.  No allocation per record: the record
 * and its column array are reused, ids are interned once.
 */
#ifndef FST_PARSE_PARSER_H
#define FST_PARSE_PARSER_H

#include <stddef.h>

#include "flowstitch/record.h"

typedef struct fst__parser fst__parser;

enum {
    FST__LINE_RECORD = 1,  /* *rec filled (status OK, NODATA or SKIPDATA) */
    FST__LINE_HEADER = 2,  /* a header line: the layout for the rest of the file changed */
    FST__LINE_IGNORED = 3  /* blank, or starts with '#' */
};

fst__parser *fst__parser_new(void);
void fst__parser_free(fst__parser *p);
/* Layout for lines of header-less files: an AWS format string, or NULL for
 * the 14-field default.  Returns 0 or FST_EFORMAT. */
int fst__parser_set_fields(fst__parser *p, const char *fmt);
/* A new file starts: its header (if any) is forgotten. */
void fst__parser_file_begin(fst__parser *p, const char *file);
/* Parse one line (text is writable and NUL-terminated at len).  Returns
 * FST__LINE_*, or a negative fst_errno when the line is bad; then *why holds
 * a short static detail ("srcport: 70000 > 65535" style text lives in a
 * parser-owned buffer valid until the next call). */
int fst__parser_line(fst__parser *p, char *text, size_t len, uint64_t lineno,
                     fst_record *rec, const char **why);
/* Does this line look like the start of a flow-log file (a header line, a
 * record, or a CloudWatch-export line)?  Used to skip READMEs etc.
 * Implemented in parse/header.c. */
int fst__parser_sniff(const char *line, size_t len);
/* The name of the file being read (fst__parser_file_begin), or NULL. */
const char *fst__parser_file(const fst__parser *p);
/* Interned string for an id (stable for the parser's life). */
const char *fst__parser_intern(fst__parser *p, const char *s, size_t len, uint32_t *id);

#endif
