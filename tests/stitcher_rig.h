/* tests/stitcher_rig.h - a stitcher per test, records pushed by hand,
 * sessions collected: shared by the core tests (test_correlate.c,
 * test_stitcher.c).  Include after records_helper.h. */
#ifndef FST_TESTS_STITCHER_RIG_H
#define FST_TESTS_STITCHER_RIG_H

#include <criterion/criterion.h>
#include <string.h>

#include "records_helper.h"

static fst_stitcher *st;
static rh_out out;

static void setup(void)
{
    memset(&out, 0, sizeof out);
    fst_stitcher_config cfg;
    fst_stitcher_config_init(&cfg);
    st = fst_stitcher_new(&cfg);
    cr_assert_not_null(st);
}

static void teardown(void) { fst_stitcher_free(st); }

static void push(fst_record r) { cr_assert_eq(fst_stitcher_push(st, &r), 0); }

static void finish(void) { cr_assert_eq(fst_stitcher_finish(st, rh_collect, &out), 0); }

#define ASSERT_EP(addr, port, want_addr, want_port)                                   \
    do {                                                                               \
        char b_[FST_ADDR_STRLEN];                                                      \
        cr_assert_str_eq(rh_ntoa(&(addr), b_), want_addr);                             \
        cr_assert_eq((port), want_port);                                               \
    } while (0)

#endif
