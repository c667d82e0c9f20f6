/* tests/record_rig.h - what the line-parser tests share (test_record.c,
 * test_record_header.c): a literal parsed through a writable copy as the
 * reader does, a parser with optional --fields, an address check. */
#ifndef FST_TESTS_RECORD_RIG_H
#define FST_TESTS_RECORD_RIG_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "flowstitch/record.h"
#include "parse/parser.h"

/* A v2 default-format line (the AWS documentation's SSH example). */
#define LINE_V2 "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"

/* ---- helpers --------------------------------------------------------- */

typedef struct lineres {
    int rc;
    const char *why;
} lineres;

/* Parse a string literal through a writable copy, as the reader does. */
static inline lineres parse(fst__parser *p, const char *line, uint64_t no, fst_record *rec)
{
    static char buf[4096];
    size_t n = strlen(line);
    cr_assert_lt(n, sizeof buf);
    memcpy(buf, line, n + 1);
    lineres r;
    r.why = NULL;
    r.rc = fst__parser_line(p, buf, n, no, rec, &r.why);
    return r;
}

static inline fst__parser *new_parser(const char *fields)
{
    fst__parser *p = fst__parser_new();
    cr_assert_not_null(p);
    if (fields)
        cr_assert_eq(fst__parser_set_fields(p, fields), 0, "fields: %s", fields);
    fst__parser_file_begin(p, "test.log");
    return p;
}

static inline void expect_addr(const fst_record *r, int slot, const char *want)
{
    char buf[FST_ADDR_STRLEN];
    fst_addr_format(&r->addr[slot], buf, sizeof buf);
    cr_expect_str_eq(buf, want, "address slot %d", slot);
}


#endif
