/* read/order.c - the time order of the queue (read/queue.h,
 * fst__queue_time_order; docs/inputs.md, "Time order (streaming)"). */
#include "read/queue.h"

#include <sys/stat.h>

#include "read/s3name.h"

/* Whether a queued item is a directory the walk goes into: a named path is
 * followed when it is a symlink, a walked one is not (read/source.c's rules,
 * which also report whatever is not a directory when it is reached). */
static int is_walk_dir(const fst__item *it)
{
    struct stat st;
    if (it->kind != FST__ITEM_PATH || it->dir_err)
        return 0;
    return (it->walked ? lstat(it->path, &st) : stat(it->path, &st)) == 0 && S_ISDIR(st.st_mode);
}

/* Whether a is read before b: names without a timestamp first, then by
 * timestamp; equal keys are not "before" (the sort is stable). */
static int ts_before(const fst__item *a, const fst__item *b)
{
    if (a->has_ts != b->has_ts)
        return b->has_ts;
    return a->has_ts && a->ts < b->ts;
}

/* Stable merge sort of a NULL-terminated chain by ts_before (no allocation,
 * recursion depth log2 of its length); returns the new head. */
static fst__item *sort_chain(fst__item *head)
{
    if (!head || !head->next)
        return head;
    fst__item *slow = head, *fast = head->next;
    while (fast && fast->next) {
        slow = slow->next;
        fast = fast->next->next;
    }
    fst__item *left = head, *right = slow->next;
    slow->next = NULL;
    left = sort_chain(left);
    right = sort_chain(right);
    fst__item *out = NULL, **tail = &out;
    while (left && right) {
        fst__item **from = ts_before(right, left) ? &right : &left;
        *tail = *from;
        *from = (*from)->next;
        tail = &(*tail)->next;
    }
    *tail = left ? left : right;
    return out;
}

/* Walk every directory still queued to its end with the lazy walk's own
 * fst__queue_expand_dir (children in place of their directory, byte order of
 * name), then order the path items by the timestamp in their names, stable,
 * names without one first; stdin and memory items keep their positions in
 * the queue and the path items fill the other positions.  A directory that
 * cannot be listed stays with its error, and is reported as the lazy walk
 * reports it when it is reached.  Allocates nothing beyond the walked items. */
void fst__queue_time_order(fst__queue *q)
{
    fst__item *files = NULL, **ftail = &files; /* path items, in walk order */
    fst__item *fixed = NULL, **xtail = &fixed; /* stdin and memory items */
    size_t n = 0;
    fst__item *it;
    while ((it = fst__queue_pop(q))) {
        if (is_walk_dir(it)) {
            const int rc = fst__queue_expand_dir(q, it->path);
            if (!rc) {
                fst__item_free(it);
                continue;
            }
            it->dir_err = rc;
        }
        it->slot = n++;
        if (it->kind == FST__ITEM_PATH) {
            it->has_ts = fst__s3name_time(it->path, &it->ts);
            *ftail = it;
            ftail = &it->next;
        } else {
            *xtail = it;
            xtail = &it->next;
        }
    }
    files = sort_chain(files);
    for (size_t i = 0; i < n; i++) {
        fst__item **from = fixed && fixed->slot == i ? &fixed : &files;
        it = *from;
        *from = it->next;
        it->next = NULL;
        fst__queue_push(q, it);
    }
    q->ordered = 1;
}
