/* tests/test_intern.c - string interning (parse/intern.h).
 *
 * Expected values come from the contract in parse/intern.h: one copy per
 * distinct string, the same pointer and id for equal strings, ids dense
 * from 1 in order of first sight, pointers stable while the table grows.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "parse/intern.h"
#include "util/util.h"

Test(intern, same_string_same_pointer_and_id)
{
    fst__intern *t = fst__intern_new();
    cr_assert_not_null(t);
    char a[] = "eni-0abc1234";
    char b[] = "eni-0abc1234"; /* equal text, another buffer */
    uint32_t ida = 0, idb = 0;
    const char *pa = fst__intern_get(t, a, strlen(a), &ida);
    const char *pb = fst__intern_get(t, b, strlen(b), &idb);
    cr_assert_not_null(pa);
    cr_expect_eq(pa, pb, "equal strings must give one pointer");
    cr_expect_eq(ida, idb);
    cr_expect_neq((const void *)pa, (const void *)a, "the table keeps its own copy");
    a[0] = 'X'; /* the caller's buffer changes: the interned copy does not */
    cr_expect_str_eq(pa, "eni-0abc1234");
    cr_expect_eq(fst__intern_count(t), 1);
    fst__intern_free(t);
}

Test(intern, only_len_bytes_count)
{
    fst__intern *t = fst__intern_new();
    cr_assert_not_null(t);
    uint32_t id1 = 0, id2 = 0;
    /* "vpc-1" out of "vpc-12": 5 bytes, NUL-terminated in the copy. */
    const char *p = fst__intern_get(t, "vpc-12", 5, &id1);
    cr_assert_not_null(p);
    cr_expect_str_eq(p, "vpc-1");
    cr_expect_eq(fst__intern_get(t, "vpc-1", 5, &id2), p);
    cr_expect_eq(id1, id2);
    cr_expect_neq(fst__intern_get(t, "vpc-12", 6, NULL), p, "a longer string is another one");
    cr_expect_eq(fst__intern_count(t), 2);
    fst__intern_free(t);
}

Test(intern, dense_ids_in_first_seen_order)
{
    fst__intern *t = fst__intern_new();
    cr_assert_not_null(t);
    /* First sight order: a (1), b (2), c (3); repeats keep their ids. */
    const char *seq[] = {"a", "b", "a", "c", "b", "a"};
    const uint32_t want[] = {1, 2, 1, 3, 2, 1};
    for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++) {
        uint32_t id = 0;
        cr_assert_not_null(fst__intern_get(t, seq[i], strlen(seq[i]), &id));
        cr_expect_eq(id, want[i], "\"%s\" (step %zu): id %u, want %u", seq[i], i, id, want[i]);
    }
    cr_expect_eq(fst__intern_count(t), 3);
    fst__intern_free(t);
}

#define GROW_N 20000u /* far more than any first table or arena block */

Test(intern, growth_keeps_pointers_and_ids)
{
    fst__intern *t = fst__intern_new();
    cr_assert_not_null(t);
    const char **ptr = fst__calloc(GROW_N, sizeof *ptr);
    cr_assert_not_null(ptr);
    char buf[32];
    for (uint32_t i = 0; i < GROW_N; i++) {
        const int n = snprintf(buf, sizeof buf, "acct-%u", i);
        uint32_t id = 0;
        ptr[i] = fst__intern_get(t, buf, (size_t)n, &id);
        cr_assert_not_null(ptr[i]);
        cr_assert_eq(id, i + 1, "string %u got id %u", i, id); /* dense, first-seen */
    }
    cr_expect_eq(fst__intern_count(t), GROW_N);
    /* After all the growth: every string still where it was, same id. */
    for (uint32_t i = 0; i < GROW_N; i++) {
        const int n = snprintf(buf, sizeof buf, "acct-%u", i);
        uint32_t id = 0;
        cr_assert_eq(fst__intern_get(t, buf, (size_t)n, &id), ptr[i], "string %u moved", i);
        cr_assert_eq(id, i + 1);
        cr_assert_str_eq(ptr[i], buf);
    }
    cr_expect_eq(fst__intern_count(t), GROW_N, "lookups must not add strings");
    fst__free(ptr);
    fst__intern_free(t);
}
