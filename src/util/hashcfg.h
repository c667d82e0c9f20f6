/* util/hashcfg.h - the one uthash configuration (internal).
 *
 * Owns: how every uthash table in the engine allocates (through the
 * util/util.h wrappers, so a build can hook or count it) and what happens
 * when a table cannot grow: nothing exits; the adding function's local
 * `int oom` is set to 1 and it reports FST_ENOMEM.  So every function that
 * adds to a table declares `int oom = 0;` and checks it after HASH_ADD.
 *
 * Include this instead of <uthash.h>.  A file that needs its own hash or
 * key compare (parse/intern.c) defines HASH_FUNCTION / HASH_KEYCMP before
 * including it.
 */
#ifndef FST_UTIL_HASHCFG_H
#define FST_UTIL_HASHCFG_H

#include "util/util.h"

#define uthash_malloc(sz) fst__malloc(sz)
#define uthash_free(ptr, sz) fst__free(ptr)
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(obj) (oom = 1)
#include <uthash.h>

#endif
