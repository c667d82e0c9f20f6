/* parse/intern.h - string interning (internal).
 *
 * Owns: one table of unique strings.  Each string is copied once into an
 * arena and gets a dense id starting at 1, in order of first sight.  The
 * returned pointers are NUL-terminated and stay valid until the table is
 * freed; equal strings always give the same pointer and id.
 */
#ifndef FST_PARSE_INTERN_H
#define FST_PARSE_INTERN_H

#include <stddef.h>
#include <stdint.h>

typedef struct fst__intern fst__intern;

fst__intern *fst__intern_new(void);
/* Frees the table, its arena and every string it handed out. */
void fst__intern_free(fst__intern *t);
/* The interned copy of s[0..len), and its id in *id (if id is not NULL).
 * NULL on out of memory. */
const char *fst__intern_get(fst__intern *t, const char *s, size_t len, uint32_t *id);
/* Number of distinct strings (the largest id). */
uint32_t fst__intern_count(const fst__intern *t);

#endif
