/* read/queue.h - the queue of inputs (internal).
 *
 * Owns: the queued inputs (paths, stdin, memory copies) and their order:
 * the recursive sorted directory walk (read/walk.c: a directory's entries
 * take its place in the queue, byte order of name, dot-entries left out) and
 * the optional time order (read/order.c: stable, by the timestamp in the
 * names, read/s3name.h).  Knows nothing of file contents.
 *
 * Memory: an item owns its path and its memory copy; the queue owns its
 * items until popped, then the caller owns the item (free it with
 * fst__item_free).  Errors: FST_ENOMEM, FST_ENOENT, FST_EIO, FST_EINVAL.
 */
#ifndef FST_READ_QUEUE_H
#define FST_READ_QUEUE_H

#include <stddef.h>
#include <stdint.h>

typedef enum fst__item_kind { FST__ITEM_PATH, FST__ITEM_STDIN, FST__ITEM_MEM } fst__item_kind;

/* One queued input. */
typedef struct fst__item {
    struct fst__item *next;
    fst__item_kind kind;
    int walked;  /* found by walking a directory: sniffed before reading */
    int dir_err; /* time order: a directory that could not be listed (its error) */
    int has_ts;  /* time order: ts was parsed from the name (read/s3name.h) */
    int64_t ts;
    size_t slot;        /* time order: position in the queue while it is ordered */
    char *path;         /* owned; "-" for stdin, the given name for memory */
    unsigned char *mem; /* owned: the memory copy (FST__ITEM_MEM) */
    size_t mem_len;
    int fd;             /* a file opened already (decode/input.c hands it over), else -1 */
} fst__item;

typedef struct fst__queue {
    fst__item *head, *tail;
    int ordered; /* time order: ordered, nothing added since */
} fst__queue;

/* A new item with a copy of path[0..path_len); NULL on out of memory. */
fst__item *fst__item_new(fst__item_kind kind, const char *path, size_t path_len);
void fst__item_free(fst__item *it); /* NULL is fine */

void fst__queue_push(fst__queue *q, fst__item *it);
/* The first item (now the caller's), or NULL when empty. */
fst__item *fst__queue_pop(fst__queue *q);
/* Frees every queued item. */
void fst__queue_clear(fst__queue *q);

/* Queue a path ("-" = stdin).  0, FST_ENOENT when it does not exist (other
 * stat errors surface when it is opened), FST_EINVAL, FST_ENOMEM. */
int fst__queue_add_path(fst__queue *q, const char *path);
/* Queue a copy of data[0..len) named name (NULL: "(memory)"). */
int fst__queue_add_mem(fst__queue *q, const char *name, const void *data, size_t len);

/* read/walk.c: queue the entries of directory dir in front of the queue,
 * as walked items, sorted by strcmp.  0, FST_ENOENT, FST_EIO or FST_ENOMEM
 * (the queue is then unchanged). */
int fst__queue_expand_dir(fst__queue *q, const char *dir);

/* read/order.c: time order (docs/inputs.md, "Time order (streaming)"):
 * walk every queued directory to its end with fst__queue_expand_dir, then
 * stable-sort the path items by fst__s3name_time, names without one first;
 * stdin and memory items keep their positions.  A directory that cannot be
 * listed keeps its error in dir_err and stays in place.  Sets ordered. */
void fst__queue_time_order(fst__queue *q);

#endif
