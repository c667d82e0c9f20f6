/* read/sniff.h - what a walked file is, from its first bytes (internal).
 *
 * Owns: the content rules that decide whether a walked file is read:
 * Parquet (magic "PAR1"), binary (a NUL in the first FST__SNIFF_BLOCK bytes),
 * JSON (first non-blank byte '{' or '['), else text whose first
 * FST__SNIFF_LINES lines that are not blank and not '#' comments are shown
 * to the caller's "looks like a flow log" test, one at a time: the file is
 * read when any of them passes (a junk first line before records is then
 * read as a bad line and reported, not the whole file lost).  Pure functions over a buffer of decoded bytes (the
 * caller decodes: decode/input.c); no allocation, no state.
 */
#ifndef FST_READ_SNIFF_H
#define FST_READ_SNIFF_H

#include <stddef.h>

#define FST__SNIFF_MAX ((size_t)64 * 1024) /* decoded bytes looked at to sniff */
#define FST__SNIFF_BLOCK ((size_t)4096)    /* "first block" checked for NUL bytes */
#define FST__SNIFF_LINES 5                 /* lines shown to the flow-log test, at most */

typedef enum fst__sniff_kind {
    FST__SNIFF_TEXT,    /* ask the flow-log test */
    FST__SNIFF_PARQUET, /* "Parquet, not read yet" */
    FST__SNIFF_BINARY,  /* "binary" */
    FST__SNIFF_OBJECT,  /* JSON object: read when it is an envelope, else "json" */
    FST__SNIFF_ARRAY    /* JSON array: "json" */
} fst__sniff_kind;

/* Whether raw[0..n) starts with the Parquet magic. */
int fst__sniff_parquet(const unsigned char *raw, size_t n);
/* The kind of a file whose decoded bytes start with buf[0..n). */
fst__sniff_kind fst__sniff_text(const char *buf, size_t n);
/* Index of the first byte of buf[0..n) that is not white space (n: none). */
size_t fst__sniff_skip_space(const char *buf, size_t n);
/* The first line of buf[0..n) that is not blank and does not start with
 * '#'.  Returns 1 with the line in *s and *len ('\r' stripped) when found
 * complete (or cut at the end of what there is when final), 0 when more
 * data is needed or there is none. */
int fst__sniff_line(char *buf, size_t n, int final, char **s, size_t *len);
/* The same from offset *at; on success *at moves past the line found, so
 * calls in a row give the 1st, 2nd ... such line. */
int fst__sniff_next_line(char *buf, size_t n, int final, size_t *at, char **s, size_t *len);

#endif
