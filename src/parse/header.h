/* parse/header.h - the shape of a line before it is parsed (internal).
 *
 * Owns: the CloudWatch Logs export prefix (an ISO-8601 UTC time before the
 * record), the header-line shape (a layout given by the file itself), and
 * fst__parser_sniff (declared in parse/parser.h: does a walked file's
 * first line look like a flow log?).  Pure functions: no allocation, no
 * state.  The header's layout itself is made by parse/format.h.
 */
#ifndef FST_PARSE_HEADER_H
#define FST_PARSE_HEADER_H

#include <stddef.h>
#include <stdint.h>

/* "YYYY-MM-DDTHH:MM:SS[.f...]Z" filling s[0..n) exactly -> ms since epoch,
 * or -1 when it is not one (or before 1970, or not a real date and time). */
int64_t fst__iso_ms(const char *s, size_t n);
/* Whether s[0..n) is shaped like a header line: the first token is a known
 * field name and more than half the tokens look like field names. */
int fst__looks_like_header(const char *s, size_t n);
/* Length of the UTF-8 byte-order mark EF BB BF. */
#define FST__BOM_LEN 3
/* Whether s[0..n) starts with it (skipped at the start of a file). */
int fst__has_bom(const char *s, size_t n);

#endif
