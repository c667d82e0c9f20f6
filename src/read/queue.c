/* read/queue.c - the queue of inputs: items, push and pop, adding paths
 * and memory copies (read/queue.h). */
#include "read/queue.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowstitch/errors.h"
#include "util/util.h"

fst__item *fst__item_new(fst__item_kind kind, const char *path, size_t path_len)
{
    fst__item *it = fst__calloc(1, sizeof *it);
    if (!it)
        return NULL;
    it->kind = kind;
    it->fd = -1;
    it->path = fst__strndup(path, path_len);
    if (!it->path) {
        fst__free(it);
        return NULL;
    }
    return it;
}

void fst__item_free(fst__item *it)
{
    if (it) {
        if (it->fd >= 0)
            close(it->fd);
        fst__free(it->path);
        fst__free(it->mem);
        fst__free(it);
    }
}

void fst__queue_push(fst__queue *q, fst__item *it)
{
    if (q->tail)
        q->tail->next = it;
    else
        q->head = it;
    q->tail = it;
}

fst__item *fst__queue_pop(fst__queue *q)
{
    fst__item *it = q->head;
    if (it) {
        q->head = it->next;
        if (!q->head)
            q->tail = NULL;
        it->next = NULL;
    }
    return it;
}

void fst__queue_clear(fst__queue *q)
{
    fst__item *it;
    while ((it = fst__queue_pop(q)))
        fst__item_free(it);
}

int fst__queue_add_path(fst__queue *q, const char *path)
{
    if (!q || !path || !*path)
        return FST_EINVAL;
    const int is_stdin = strcmp(path, "-") == 0;
    struct stat st;
    if (!is_stdin && stat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
        return FST_ENOENT; /* other stat errors surface as events later */
    fst__item *it = fst__item_new(is_stdin ? FST__ITEM_STDIN : FST__ITEM_PATH, path, strlen(path));
    if (!it)
        return FST_ENOMEM;
    fst__queue_push(q, it);
    q->ordered = 0;
    return 0;
}

int fst__queue_add_mem(fst__queue *q, const char *name, const void *data, size_t len)
{
    if (!q || (!data && len))
        return FST_EINVAL;
    const char *nm = name ? name : "(memory)";
    fst__item *it = fst__item_new(FST__ITEM_MEM, nm, strlen(nm));
    if (!it)
        return FST_ENOMEM;
    it->mem = fst__malloc(len);
    if (!it->mem) {
        fst__item_free(it);
        return FST_ENOMEM;
    }
    if (len)
        memcpy(it->mem, data, len);
    it->mem_len = len;
    fst__queue_push(q, it);
    q->ordered = 0;
    return 0;
}
