/* parse/pack.h - parsed records packed for the trip from a parse worker to
 * the reading thread (internal to parse/).
 *
 * Owns: the packed form of one record of the layout in force (its numbers
 * and enums by column, its addresses, its raw tokens as offsets into the
 * chunk text, dash set, status, export time), written by a worker's parser
 * and turned back into the reading thread's fst_record by that thread's
 * parser, which interns the id fields then, in input order, so interned ids
 * and pointers are those of one thread reading alone.
 */
#ifndef FST_PARSE_PACK_H
#define FST_PARSE_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "parse/parser.h"

/* Bytes one packed record of p's layout in force takes (a multiple of 8). */
size_t fst__pack_stride(const fst__parser *p);
/* Pack rec, just filled by p from a line inside the text at base, into out
 * (fst__pack_stride(p) bytes). */
void fst__pack_record(const fst__parser *p, const fst_record *rec, const char *base, void *out);
/* Fill rec from a packed record made under the same layout as p's layout in
 * force (the reading thread's parser follows the same header lines), the
 * tokens pointing into base; worker: the index of the parse worker that
 * packed it (its local ids, parser_int.h), or -1.  0, or FST_ENOMEM (interning, or a record
 * packed under another layout shape: the two threads' layouts parted after
 * an allocation failed). */
int fst__unpack_record(fst__parser *p, const void *in, const char *base, uint64_t lineno,
                       int worker, fst_record *rec);
/* The interned text (*out) and dense number (*num) of id field `id`, whose
 * text is s[0..n) and whose local id on parse worker `worker` is lid (0:
 * none, or worker -1: interned from the text), as unpacking gives them:
 * from the worker's map when its text was met before, else interned (in
 * input order, as without workers) and remembered.  0 or FST_ENOMEM. */
int fst__parser_id(fst__parser *p, int id, int worker, uint64_t lid, const char *s, uint32_t n,
                   const char **out, uint32_t *num);

#endif
