/* read/walk.c - the directory walk: a directory's entries, sorted by
 * strcmp, dot-entries left out, take its place at the front of the queue
 * (read/queue.h).  Lazy: one directory at a time, when it is reached. */
#include "read/queue.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "util/util.h"

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fst__free(names[i]);
    fst__free(names);
}

/* Read the names of a directory, dot-entries left out, sorted by strcmp. */
static int list_dir(const char *dir, char ***out, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? FST_ENOENT : FST_EIO;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    const struct dirent *de;
    errno = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = fst__realloc(names, cap * sizeof *names);
            if (!grown) {
                rc = FST_ENOMEM;
                break;
            }
            names = grown;
        }
        if (!(names[n] = fst__strndup(de->d_name, strlen(de->d_name)))) {
            rc = FST_ENOMEM;
            break;
        }
        n++;
        errno = 0;
    }
    if (!rc && errno)
        rc = FST_EIO;
    closedir(d);
    if (rc) {
        free_names(names, n);
        return rc;
    }
    if (n)
        qsort(names, n, sizeof *names, cmp_names);
    *out = names;
    *count = n;
    return 0;
}

/* Put the chain first..last in front of the queue. */
static void push_front(fst__queue *q, fst__item *first, fst__item *last)
{
    last->next = q->head;
    q->head = first;
    if (!q->tail)
        q->tail = last;
}

/* A walked item for dir/name (one '/' between them). */
static fst__item *walked_item(const char *dir, size_t dl, const char *name)
{
    const int slash = dl && dir[dl - 1] == '/';
    const size_t nl = strlen(name);
    fst__item *it = fst__item_new(FST__ITEM_PATH, "", 0);
    char *p = it ? fst__malloc(dl + 1 + nl + 1) : NULL;
    if (!p) {
        fst__item_free(it);
        return NULL;
    }
    memcpy(p, dir, dl);
    if (!slash)
        p[dl] = '/';
    memcpy(p + dl + !slash, name, nl + 1);
    fst__free(it->path);
    it->path = p;
    it->walked = 1;
    return it;
}

int fst__queue_expand_dir(fst__queue *q, const char *dir)
{
    char **names = NULL;
    size_t n = 0;
    FST__TRY(list_dir(dir, &names, &n));
    const size_t dl = strlen(dir);
    fst__item *first = NULL, *last = NULL;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        fst__item *it = walked_item(dir, dl, names[i]);
        if (!it) {
            rc = FST_ENOMEM;
            break;
        }
        if (last)
            last->next = it;
        else
            first = it;
        last = it;
    }
    free_names(names, n);
    if (rc) {
        while (first) {
            fst__item *next = first->next;
            fst__item_free(first);
            first = next;
        }
        return rc;
    }
    if (first)
        push_front(q, first, last);
    return 0;
}
