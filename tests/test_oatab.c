/* tests/test_oatab.c - open-addressing index table (src/util/oatab.c):
 * probing on collisions, growth at 3/4 full, lookups after a rehash. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "util/oatab.h"

static int eq_never(const void *ctx, uint32_t idx)
{
    (void)ctx;
    (void)idx;
    return 0;
}

/* The elements: keys in an array; the table maps hash -> index. */
typedef struct probe {
    const uint32_t *keys;
    uint32_t want;
} probe;

static int eq(const void *ctx, uint32_t idx)
{
    const probe *p = ctx;
    return p->keys[idx] == p->want;
}

static uint32_t find(const fst__oatab *t, const uint32_t *keys, uint32_t key, uint32_t hv,
                     uint32_t *pos)
{
    const probe p = {keys, key};
    return fst__oatab_find(t, hv, eq, &p, pos);
}

Test(oatab, empty_table_finds_nothing)
{
    fst__oatab t;
    cr_assert_eq(fst__oatab_init(&t, 0), 0);
    uint32_t pos = 0;
    cr_expect_eq(fst__oatab_find(&t, 7, eq_never, NULL, &pos), UINT32_MAX);
    cr_expect_eq(fst__oatab_cap(&t), 0, "no slots before the first insert");
    fst__oatab_free(&t);
}

Test(oatab, init_sizes_for_three_quarters)
{
    fst__oatab t;
    cr_assert_eq(fst__oatab_init(&t, 12), 0);
    cr_expect_eq(fst__oatab_cap(&t), 16, "12 elements fit 16 slots at 3/4");
    fst__oatab_free(&t);
    cr_assert_eq(fst__oatab_init(&t, 13), 0);
    cr_expect_eq(fst__oatab_cap(&t), 32, "13 do not");
    fst__oatab_free(&t);
}

/* Every key hashes to the same value: the slots fill in probe order from
 * the home slot, and each key is still told apart by eq. */
Test(oatab, full_collisions_probe_linearly)
{
    const uint32_t keys[] = {100, 200, 300, 400, 500};
    fst__oatab t;
    cr_assert_eq(fst__oatab_init(&t, 0), 0);
    const uint32_t hv = 0x1234500e; /* home slot 14 of 16 */
    for (uint32_t i = 0; i < 5; i++) {
        uint32_t pos;
        cr_assert_eq(find(&t, keys, keys[i], hv, &pos), UINT32_MAX);
        if (i > 0)
            cr_expect_eq(pos, (14 + i) % 16, "key %u goes %u slots past home", i, i);
        cr_assert_eq(fst__oatab_insert(&t, pos, hv, i), 0);
    }
    cr_expect_eq(t.s[14].idx1, 1);
    cr_expect_eq(t.s[15].idx1, 2);
    cr_expect_eq(t.s[0].idx1, 3, "probing wraps to slot 0");
    cr_expect_eq(t.s[1].idx1, 4);
    cr_expect_eq(t.s[2].idx1, 5);
    for (uint32_t i = 0; i < 5; i++) {
        uint32_t pos;
        cr_expect_eq(find(&t, keys, keys[i], hv, &pos), i);
    }
    uint32_t pos;
    cr_expect_eq(find(&t, keys, 999, hv, &pos), UINT32_MAX);
    cr_expect_eq(pos, 3, "an absent key belongs after the run");
    fst__oatab_free(&t);
}

/* 12 of 16 slots is 3/4: the 13th insert doubles the table, and every
 * element is found again at its new home. */
Test(oatab, grows_past_three_quarters)
{
    uint32_t keys[100];
    fst__oatab t;
    cr_assert_eq(fst__oatab_init(&t, 0), 0);
    for (uint32_t i = 0; i < 100; i++) {
        keys[i] = i * 7919u;
        const uint32_t hv = i % 3 ? fst__oatab_mix(keys[i]) : 5u; /* a third collide */
        uint32_t pos;
        cr_assert_eq(find(&t, keys, keys[i], hv, &pos), UINT32_MAX);
        cr_assert_eq(fst__oatab_insert(&t, pos, hv, i), 0);
        if (i + 1 == 12)
            cr_expect_eq(fst__oatab_cap(&t), 16, "12 elements: still 16 slots");
        if (i + 1 == 13)
            cr_expect_eq(fst__oatab_cap(&t), 32, "13th element doubles");
    }
    cr_expect_eq(t.n, 100);
    cr_expect_eq(fst__oatab_cap(&t), 256, "100 > 3/4 of 128");
    for (uint32_t i = 0; i < 100; i++) {
        const uint32_t hv = i % 3 ? fst__oatab_mix(keys[i]) : 5u;
        uint32_t pos;
        cr_expect_eq(find(&t, keys, keys[i], hv, &pos), i, "key %u after growth", i);
    }
    fst__oatab_free(&t);
}

/* A hash match is not enough: eq decides. */
Test(oatab, same_hash_different_key_is_absent)
{
    const uint32_t keys[] = {1};
    fst__oatab t;
    cr_assert_eq(fst__oatab_init(&t, 4), 0);
    uint32_t pos;
    cr_assert_eq(find(&t, keys, 1, 42, &pos), UINT32_MAX);
    cr_assert_eq(fst__oatab_insert(&t, pos, 42, 0), 0);
    cr_expect_eq(find(&t, keys, 2, 42, &pos), UINT32_MAX);
    cr_expect_eq(find(&t, keys, 1, 43, &pos), UINT32_MAX, "other hash, not probed");
    cr_expect_eq(find(&t, keys, 1, 42, &pos), 0);
    fst__oatab_free(&t);
}
