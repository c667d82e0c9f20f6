/* tests/test_sha1.c - SHA-1 against the FIPS 180 example vectors.
 *
 * "abc", the empty string, the 448-bit and 896-bit messages and one million
 * 'a' are the published FIPS 180 / RFC 3174 examples.  The padding-boundary
 * lengths (55, 56, 64 bytes) were computed with Python's hashlib, an
 * independent implementation.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "util/sha1.h"

static void hex(const uint8_t d[20], char out[41])
{
    for (int i = 0; i < 20; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Every vector through the portable code and, where the CPU has them, the
 * SHA extensions. */
static void check_oneshot(const char *msg, size_t len, const char *want)
{
    for (int ni = 0; ni <= fst__sha1_have_ni(); ni++) {
        uint8_t d[20];
        char got[41];
        fst__sha1(msg, len, d, ni);
        hex(d, got);
        cr_expect_str_eq(got, want, "sha1 of %zu bytes (ni %d)", len, ni);
    }
}

Test(sha1, abc)
{
    check_oneshot("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
}

Test(sha1, empty)
{
    check_oneshot("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

Test(sha1, message_448_bits)
{
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    cr_assert_eq(strlen(m), 56);
    check_oneshot(m, 56, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

Test(sha1, message_896_bits)
{
    const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    cr_assert_eq(strlen(m), 112);
    check_oneshot(m, 112, "a49b2446a02c645bf419f995b67091253a04a259");
}

Test(sha1, million_a_streamed_in_odd_chunks)
{
    /* Chunks of 997 bytes cross block boundaries at every offset. */
    char chunk[997];
    memset(chunk, 'a', sizeof chunk);
    fst__sha1_ctx c;
    fst__sha1_init(&c, fst__sha1_have_ni());
    size_t left = 1000000;
    while (left) {
        const size_t n = left < sizeof chunk ? left : sizeof chunk;
        fst__sha1_update(&c, chunk, n);
        left -= n;
    }
    uint8_t d[20];
    char got[41];
    fst__sha1_final(&c, d);
    hex(d, got);
    cr_expect_str_eq(got, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

Test(sha1, byte_at_a_time_equals_oneshot)
{
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    fst__sha1_ctx c;
    fst__sha1_init(&c, fst__sha1_have_ni());
    for (size_t i = 0; i < 56; i++)
        fst__sha1_update(&c, m + i, 1);
    fst__sha1_update(&c, NULL, 0);
    uint8_t d[20];
    char got[41];
    fst__sha1_final(&c, d);
    hex(d, got);
    cr_expect_str_eq(got, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

Test(sha1, padding_boundaries)
{
    char a[64];
    memset(a, 'a', sizeof a);
    /* 55 bytes: the length fits in the same block; 56: it does not. */
    check_oneshot(a, 55, "c1c8bbdc22796e28c0e15163d20899b65621d65a");
    check_oneshot(a, 56, "c2db330f6083854c99d4b5bfb6e8f29f201be699");
    check_oneshot(a, 64, "0098ba824b5c16427bd7a1122a5a442a25ec644d");
}

/* The SHA-extension block function gives the portable one's result on
 * random blocks and states (skipped where the CPU lacks the extension). */
Test(sha1, ni_block_matches_portable)
{
    if (!fst__sha1_have_ni())
        cr_skip_test("SKIPPED: this CPU has no SHA extensions");
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int round = 0; round < 2000; round++) {
        uint8_t blk[64];
        uint32_t h1[5], h2[5];
        for (int i = 0; i < 64; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            blk[i] = (uint8_t)x;
        }
        for (int i = 0; i < 5; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            h1[i] = h2[i] = (uint32_t)x;
        }
        fst__sha1_block_portable(h1, blk);
        fst__sha1_block_ni(h2, blk);
        cr_assert_arr_eq(h1, h2, sizeof h1, "round %d", round);
    }
}
