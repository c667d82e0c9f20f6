/* tests/test_key.c - canonical key, swapped bit, seeded hash (src/observe/key.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "observe/key.h"

static void v4(uint8_t out[16], uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    memset(out, 0, 16);
    out[10] = out[11] = 0xff;
    out[12] = a, out[13] = b, out[14] = c, out[15] = d;
}

Test(key, both_directions_same_key)
{
    uint8_t a[16], b[16];
    v4(a, 10, 0, 0, 5);
    v4(b, 10, 0, 0, 9);
    fst__pkey k1, k2;
    const int s1 = fst__key_make(&k1, a, 40000, b, 443, 6, 4);
    const int s2 = fst__key_make(&k2, b, 443, a, 40000, 6, 4);
    cr_assert_eq(s1, 0, "10.0.0.5 < 10.0.0.9, so src is lo");
    cr_assert_eq(s2, 1, "reverse direction is swapped");
    cr_assert_eq(memcmp(&k1, &k2, sizeof k1), 0);
    cr_assert_eq(k1.k.lo_port, 40000);
    cr_assert_eq(k1.k.hi_port, 443);
    cr_assert_eq(memcmp(k1.k.lo, a, 16), 0);
}

Test(key, same_address_ordered_by_port)
{
    uint8_t a[16];
    v4(a, 127, 0, 0, 1);
    fst__pkey k;
    cr_assert_eq(fst__key_make(&k, a, 9000, a, 80, 6, 4), 1);
    cr_assert_eq(k.k.lo_port, 80);
    cr_assert_eq(k.k.hi_port, 9000);
}

Test(key, protocol_is_part_of_the_key)
{
    uint8_t a[16], b[16];
    v4(a, 10, 0, 0, 1);
    v4(b, 10, 0, 0, 2);
    fst__pkey k1, k2;
    fst__key_make(&k1, a, 53, b, 53, 6, 4);
    fst__key_make(&k2, a, 53, b, 53, 17, 4);
    cr_assert_neq(memcmp(&k1, &k2, sizeof k1), 0);
}

Test(key, hash_is_seeded_and_deterministic)
{
    uint8_t a[16], b[16];
    v4(a, 10, 0, 0, 1);
    v4(b, 10, 0, 0, 2);
    fst__pkey k1, k2;
    fst__key_make(&k1, a, 1000, b, 2000, 6, 4);
    fst__key_make(&k2, b, 2000, a, 1000, 6, 4);
    cr_assert_eq(fst__hash(&k1, sizeof k1, 1), fst__hash(&k2, sizeof k2, 1));
    cr_assert_neq(fst__hash(&k1, sizeof k1, 1), fst__hash(&k1, sizeof k1, 2));
    k2.k.hi_port = 2001;
    cr_assert_neq(fst__hash(&k1, sizeof k1, 1), fst__hash(&k2, sizeof k2, 1));
}

Test(key, ipv6_orders_bytes)
{
    fst_addr x, y;
    cr_assert_eq(fst_addr_parse("2001:db8::2", 11, &x), 0);
    cr_assert_eq(fst_addr_parse("2001:db8::10", 12, &y), 0);
    fst__pkey k;
    cr_assert_eq(fst__key_make(&k, y.b, 22, x.b, 34892, 6, 6), 1, "::10 > ::2");
    cr_assert_eq(memcmp(k.k.lo, x.b, 16), 0);
    cr_assert_eq(k.fam, 6);
}

Test(key, ep_cmp)
{
    uint8_t a[16], b[16];
    v4(a, 1, 2, 3, 4);
    v4(b, 1, 2, 3, 5);
    cr_assert_lt(fst__ep_cmp(a, 9, b, 1), 0);
    cr_assert_gt(fst__ep_cmp(a, 9, a, 1), 0);
    cr_assert_eq(fst__ep_cmp(a, 9, a, 9), 0);
}
