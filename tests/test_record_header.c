/* tests/test_record_header.c - the line parser (src/parse/record.c,
 * src/parse/header.c): header lines, the CloudWatch export prefix, sniffing
 * and the fast path's edges.  Split from test_record.c; the same rule:
 * every expected value typed by hand from the record lines and the field
 * descriptions in ../shared/docs/aws-flowlogs.md. */
#include "record_rig.h"

/* ---- headers --------------------------------------------------------- */

#define HDR_V2 "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
#define HDR_NAT "instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr"

Test(header, detection_and_layout_switch_mid_file)
{
    fst__parser *p = new_parser(NULL);
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    cr_expect_eq(parse(p, HDR_V2, 1, &rec).rc, FST__LINE_HEADER);
    lineres r = parse(p, LINE_V2, 2, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD);
    /* a concatenated file: a second header with another layout */
    cr_expect_eq(parse(p, HDR_NAT, 3, &rec).rc, FST__LINE_HEADER);
    r = parse(p, "- eni-1235b8ca123456789 10.0.0.220 10.0.1.5 203.0.113.5 10.0.1.5", 4, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD, "why: %s", r.why);
    cr_expect_eq(rec.format->ncols, 6);
    expect_addr(&rec, FST_A_PKT_SRC, "203.0.113.5");
    cr_expect(FST_FIELDSET_HAS(rec.dash, FST_F_INSTANCE_ID));
    cr_expect_not(FST_FIELDSET_HAS(rec.format->fields, FST_F_VERSION));
    cr_expect_eq(rec.num[FST_F_SRCPORT], 0, "no value left from the earlier layout");
    cr_expect_eq(rec.addr[FST_A_SRC].family, 4);
    /* a v2 line no longer fits */
    r = parse(p, LINE_V2, 5, &rec);
    cr_expect_eq(r.rc, FST_EFIELDS);
    cr_expect_str_eq(r.why, "6 fields expected, 14 found");
    /* the next file starts from the default layout again */
    fst__parser_file_begin(p, "next.log");
    r = parse(p, LINE_V2, 1, &rec);
    cr_expect_eq(r.rc, FST__LINE_RECORD);
    cr_expect_str_eq(rec.file, "next.log");
    fst__parser_free(p);
}

Test(header, underscore_spelling_and_spaces)
{
    fst__parser *p = new_parser(NULL);
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    cr_expect_eq(parse(p, "version  account_id interface_id   log_status", 1, &rec).rc, FST__LINE_HEADER);
    lineres r = parse(p, "2 123 eni-9 SKIPDATA", 2, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD, "why: %s", r.why);
    cr_expect_eq(rec.status, FST_STATUS_SKIPDATA);
    cr_expect_str_eq(rec.ids[FST_F_ACCOUNT_ID], "123");
    fst__parser_free(p);
}

/* A header word that is no AWS field (issue 11): the header is taken as a
 * header (the layout changes) but reported as UNKNOWN_FIELD with the
 * nearest name, and the records under it are not used (a column flowstitch
 * cannot name may be the one they need), until another header. */
Test(header, header_with_unknown_columns)
{
    fst__parser *p = new_parser(NULL);
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    /* Global Accelerator header: starts with a known name, all name-shaped;
     * 'aws_account_id' is 4 edits from 'account-id' (more than 2): no hint */
    lineres r = parse(p, "version aws_account_id gip gip_port protocol log_status", 1, &rec);
    cr_expect_eq(r.rc, FST_EUNKNOWN_FIELD);
    cr_expect_str_eq(r.why, "'aws_account_id' (not a field AWS defines)");
    r = parse(p, "2 071855492661 75.2.76.16 80 TCP OK", 2, &rec);
    cr_assert_eq(r.rc, FST_EUNKNOWN_FIELD, "why: %s", r.why);
    cr_expect_str_eq(r.why, "'aws_account_id' in the header at line 1");
    /* 'srcprot' is 'srcport' with two letters swapped: 2 edits, hinted */
    r = parse(p, "version srcaddr srcprot", 3, &rec);
    cr_expect_str_eq(r.why, "'srcprot' (did you mean 'srcport'?)");
    /* a good header ends it */
    cr_expect_eq(parse(p, "version srcaddr srcport", 4, &rec).rc, FST__LINE_HEADER);
    r = parse(p, "2 10.0.0.1 80", 5, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD, "why: %s", r.why);
    cr_expect_eq(rec.num[FST_F_SRCPORT], 80);
    fst__parser_free(p);
}

/* The hint: nearest known name within 2 edits and under a third of the
 * word (by hand: acton->action 1 insertion; srcprot->srcport 2
 * substitutions; "foo" is 1/3 of 3 letters = 1 edit from nothing known). */
Test(header, field_suggestion)
{
    cr_expect_eq(fst_field_suggest("acton", 5), FST_F_ACTION);
    cr_expect_eq(fst_field_suggest("srcprot", 7), FST_F_SRCPORT);
    cr_expect_eq(fst_field_suggest("pkt_srcadr", 10), FST_F_PKT_SRCADDR);
    cr_expect_eq(fst_field_suggest("foo", 3), FST_F_UNKNOWN);
    cr_expect_eq(fst_field_suggest("aws_account_id", 14), FST_F_UNKNOWN);
}

Test(header, not_headers)
{
    fst__parser *p = new_parser("${type} ${srcaddr} ${flow-direction}");
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    /* first token is not a known field name */
    lineres r = parse(p, "IPv4 10.0.0.1 ingress", 1, &rec);
    cr_expect_eq(r.rc, FST__LINE_RECORD, "why: %s", r.why);
    /* known first name but mostly non-name tokens: a record (and a bad one) */
    r = parse(p, "version 10.0.0.1 EGRESS", 2, &rec);
    cr_expect_eq(r.rc, FST_EVALUE);
    cr_expect_str_eq(r.why, "type: \"version\" is not a known value");
    fst__parser_free(p);
}

Test(header, duplicate_field_in_header)
{
    fst__parser *p = new_parser(NULL);
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    lineres r = parse(p, "version srcaddr srcaddr", 1, &rec);
    cr_expect_eq(r.rc, FST_EFORMAT);
    cr_expect_str_eq(r.why, "header: a field appears twice");
    cr_expect_eq(parse(p, LINE_V2, 2, &rec).rc, FST__LINE_RECORD, "layout unchanged");
    fst__parser_free(p);
}

/* ---- CloudWatch export prefix ---------------------------------------- */

Test(cloudwatch, prefix_stripped_into_export_ms)
{
    fst__parser *p = new_parser(NULL);
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    lineres r = parse(p, "2019-08-26T19:47:55.000Z " LINE_V2, 1, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD, "why: %s", r.why);
    cr_expect_eq(rec.export_ms, INT64_C(1566848875000));
    cr_expect_eq(rec.num[FST_F_VERSION], 2);
    cr_expect_eq(rec.cols[0].len, 1, "the prefix is not a column");

    r = parse(p, "1970-01-01T00:00:00Z " LINE_V2, 2, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD);
    cr_expect_eq(rec.export_ms, 0);
    r = parse(p, "2000-02-29T23:59:59.999Z " LINE_V2, 3, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD);
    cr_expect_eq(rec.export_ms, INT64_C(951868799999));
    r = parse(p, "2000-03-01T00:00:00.5Z " LINE_V2, 4, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD);
    cr_expect_eq(rec.export_ms, INT64_C(951868800500));
    /* the next plain line has no prefix */
    r = parse(p, LINE_V2, 5, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD);
    cr_expect_eq(rec.export_ms, -1);
    /* a timestamp before 1970 is no CloudWatch event time: not stripped, so
     * the line has one field too many (found by fuzzing) */
    r = parse(p, "1012-02-25T12:25:04.000Z " LINE_V2, 6, &rec);
    cr_expect_eq(r.rc, FST_EFIELDS);
    fst__parser_free(p);
}

Test(cloudwatch, real_export_line_s14)
{
    /* Doc section 4.5: the prefix 12:25:04.000Z equals the record's start
     * 1740486304.  The custom format was not published; this layout is an
     * assumption that puts start at column 15 and end at column 8. */
    fst__parser *p = new_parser(
        "${instance-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${az-id} ${dstport} "
        "${end} ${pkt-srcaddr} ${pkt-dstaddr} ${protocol} ${packets} ${bytes} ${action} "
        "${start} ${subnet-id}");
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    lineres r = parse(p, "2025-02-25T12:25:04.000Z i-085c7a43a498c2f5d eni-0416a1c81c87ab9c9 - - - use1-az2 - 1740486335 - - - - - - 1740486304 subnet-027e9a6d4add894eb", 1, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD, "why: %s", r.why);
    cr_expect_eq(rec.export_ms, INT64_C(1740486304000));
    cr_expect_eq(rec.num[FST_F_START], 1740486304);
    cr_expect_eq((uint64_t)rec.export_ms, rec.num[FST_F_START] * 1000);
    cr_expect_str_eq(rec.ids[FST_F_INTERFACE_ID], "eni-0416a1c81c87ab9c9");
    cr_expect_str_eq(rec.ids[FST_F_SUBNET_ID], "subnet-027e9a6d4add894eb");
    fst__parser_free(p);
}

Test(cloudwatch, invalid_timestamps_are_not_prefixes)
{
    fst__parser *p = new_parser(NULL);
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    /* 2023 is not a leap year: the token stays, so 15 fields */
    lineres r = parse(p, "2023-02-29T00:00:00Z " LINE_V2, 1, &rec);
    cr_expect_eq(r.rc, FST_EFIELDS);
    cr_expect_str_eq(r.why, "14 fields expected, 15 found");
    cr_expect_eq(parse(p, "2023-01-01T24:00:00Z " LINE_V2, 2, &rec).rc, FST_EFIELDS);
    cr_expect_eq(parse(p, "2023-01-01T00:00:00 " LINE_V2, 3, &rec).rc, FST_EFIELDS);
    cr_expect_eq(parse(p, "2023-01-01T00:00:00.Z " LINE_V2, 4, &rec).rc, FST_EFIELDS);
    cr_expect_eq(parse(p, "2023-13-01T00:00:00Z " LINE_V2, 5, &rec).rc, FST_EFIELDS);
    fst__parser_free(p);
}

/* ---- sniffing -------------------------------------------------------- */

#define SNIFF(lit) fst__parser_sniff(lit, sizeof(lit) - 1)

Test(sniff, flow_log_starts)
{
    cr_expect(SNIFF(HDR_V2));
    cr_expect(SNIFF(LINE_V2));
    cr_expect(SNIFF("- eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5"));
    cr_expect(SNIFF("eni-1235b8ca123456789 10.0.0.1"));
    cr_expect(SNIFF("i-01234567890123456 eni-1111aaaa2222bbbb3"));
    cr_expect(SNIFF("vpc-abcdefab012345678 x"));
    cr_expect(SNIFF("subnet-aaaaaaaa012345678 x"));
    cr_expect(SNIFF("tgw-0abc12345def67890 x"));
    cr_expect(SNIFF("2025-02-25T12:25:04.000Z i-085c7a43a498c2f5d"));
    cr_expect(SNIFF("2.0 071855492661 ad530208-6600-4e87-9706-1f89a7e36abc"));
    cr_expect_not(SNIFF("2. x"));
    cr_expect_not(SNIFF("1.2.3 x"));
    cr_expect_not(SNIFF("# flowstitch README"));
    cr_expect_not(SNIFF("Phony unsupported log format."));
    cr_expect_not(SNIFF("{\"message\": \"2 123\"}"));
    cr_expect_not(SNIFF("version: 1.0"));
    cr_expect_not(SNIFF("README.md"));
    cr_expect_not(SNIFF(""));
}

/* ---- fast-path edges (the fused tokenise+convert pass gives up on these
 * and the two-pass code must agree with it) ---------------------------- */

Test(record, fast_path_edges)
{
    fst__parser *p = new_parser(NULL);
    fst_record rec;
    memset(&rec, 0, sizeof rec);
    /* 20 digits with leading zeros: still the value 1; protocol by name */
    lineres r = parse(p, "2 123456789010 eni-1 10.0.0.1 10.0.0.2 00000000000000000443 22 udp 20 00000000000000000001 1418530010 1418530070 REJECT OK", 1, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD, "why: %s", r.why);
    cr_expect_eq(rec.num[FST_F_SRCPORT], 443);
    cr_expect_eq(rec.num[FST_F_PROTOCOL], 17);
    cr_expect_eq(rec.num[FST_F_BYTES], 1);
    cr_expect_eq(rec.num[FST_F_ACTION], FST_ACTION_REJECT);
    /* u64 max in the fast path's 20-digit case */
    r = parse(p, "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 22 6 18446744073709551615 1 1 2 ACCEPT OK", 2, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD, "why: %s", r.why);
    cr_expect_eq(rec.num[FST_F_PACKETS], UINT64_MAX);
    /* "-5" is not a dash */
    r = parse(p, "2 123456789010 eni-1 10.0.0.1 10.0.0.2 -5 22 6 1 1 1 2 ACCEPT OK", 3, &rec);
    cr_expect_eq(r.rc, FST_ENUMBER);
    cr_expect_str_eq(r.why, "srcport: \"-5\" is not a number");
    /* an address with a tail */
    r = parse(p, "2 123456789010 eni-1 10.0.0.1x 10.0.0.2 5 22 6 1 1 1 2 ACCEPT OK", 4, &rec);
    cr_expect_eq(r.rc, FST_EADDR);
    cr_expect_str_eq(r.why, "srcaddr: \"10.0.0.1x\" is not an IP address");
    /* 256 in the last byte only */
    r = parse(p, "2 123456789010 eni-1 10.0.0.1 10.0.0.256 5 22 6 1 1 1 2 ACCEPT OK", 5, &rec);
    cr_expect_eq(r.rc, FST_EADDR);
    /* a NUL byte inside the line (len counts past it): a problem, no crash */
    char buf[] = "2 123456789010 eni-1 10.0.0.1 10.0.0.2 5 22 6 1 1 1 2 ACCEPT OK";
    size_t len = strlen(buf);
    buf[40] = '\0'; /* inside "5 22": the token "5" is followed by NUL */
    const char *why = NULL;
    int rc = fst__parser_line(p, buf, len, 6, &rec, &why);
    cr_expect_lt(rc, 0, "embedded NUL must not pass: rc %d", rc);
    /* dashes everywhere but version/status, then a full line again */
    r = parse(p, "2 - - - - - - - - - - - - OK", 7, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD, "why: %s", r.why);
    cr_expect_eq(rec.eni, 0);
    cr_expect_null(rec.ids[FST_F_ACCOUNT_ID]);
    r = parse(p, LINE_V2, 8, &rec);
    cr_assert_eq(r.rc, FST__LINE_RECORD);
    cr_expect_eq(rec.dash.w[0] | rec.dash.w[1], 0);
    cr_expect_str_eq(rec.ids[FST_F_ACCOUNT_ID], "123456789010");
    fst__parser_free(p);
}
