/* read/source.h - opening one input and reading its raw bytes (internal).
 *
 * Owns: the decision whether a queued path is a directory to walk, a file
 * to read, or skipped (and why), opening it, reading raw bytes (EINTR
 * retried) and closing it.  Knows nothing of gzip or lines.
 *
 * Errors as codes plus a static reason: FST_ENOENT ("vanished", "broken
 * symlink"), FST_EIO ("permission denied", "cannot open", "cannot read
 * directory"), or 0 for a deliberate skip ("not a regular file", by name).
 */
#ifndef FST_READ_SOURCE_H
#define FST_READ_SOURCE_H

#include <stddef.h>
#include <sys/types.h>

#include "read/queue.h"

typedef enum fst__path_kind {
    FST__PATH_FILE, /* opened: *fd is the caller's to close */
    FST__PATH_DIR,  /* a directory to walk (fst__queue_expand_dir) */
    FST__PATH_SKIP  /* not read: *err (0 or a code) and *why say why */
} fst__path_kind;

/* Decide about a path item and open it when it is a file to read.  A named
 * path follows symlinks; a walked one is lstat-ed: a symlink to a
 * directory is not followed, a broken one and non-regular files are
 * skipped, and so are names that are never flow logs (.parquet, .md,
 * .pdf, ...).  An item with dir_err set (read/order.c) is skipped with it. */
fst__path_kind fst__path_open(const fst__item *it, int *fd, int *err, const char **why);

/* read(2) retried on EINTR: bytes read, 0 at end, -1 on error. */
ssize_t fst__read_fd(int fd, void *buf, size_t n);

#endif
