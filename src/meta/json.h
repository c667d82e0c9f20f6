/* meta/json.h - reading AWS CLI JSON dumps (internal).
 *
 * Owns: what eni.c and subnets.c share: the whole file into memory, and the
 * walk over its concatenated JSON documents (one page per CLI call, appended
 * to one file), with errors as "file: line L, column C: bad JSON: ...".
 */
#ifndef FST_META_JSON_H
#define FST_META_JSON_H

#include <jansson.h>
#include <stddef.h>

/* Called for each document (docno 1-based); a negative return stops the
 * walk and is returned (the callback writes its own message). */
typedef int (*fst__json_doc_fn)(void *ud, const json_t *doc, size_t docno);

/* Reads path and hands each JSON document to fn.  what names the expected
 * content in the message for an empty file ("the JSON of `aws ec2
 * describe-subnets`").  0, or a negative code with "path: reason" in err
 * (errlen bytes; messages of fn are its own). */
int fst__json_each_doc(const char *path, const char *what, fst__json_doc_fn fn, void *ud,
                       char *err, size_t errlen);

#endif
