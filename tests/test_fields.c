/* tests/test_fields.c - field names, typed values, addresses.
 *
 * Expected values are written by hand from ../shared/docs/aws-flowlogs.md
 * (field table, section 1) and RFC 4291 / RFC 5952.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "flowstitch/record.h"
#include "parse/fields.h"

#define S(lit) lit, (sizeof(lit) - 1)

/* ---- names ----------------------------------------------------------- */

Test(fields, names_types_versions)
{
    cr_expect_str_eq(fst_field_name(FST_F_VERSION), "version");
    cr_expect_str_eq(fst_field_name(FST_F_LOG_STATUS), "log-status");
    cr_expect_str_eq(fst_field_name(FST_F_PKT_DST_AWS_SERVICE), "pkt-dst-aws-service");
    cr_expect_null(fst_field_name(-1));
    cr_expect_null(fst_field_name(FST_FIELD_COUNT));
    cr_expect_eq(fst_field_type(FST_F_SRCPORT), FST_T_PORT);
    cr_expect_eq(fst_field_type(FST_F_INTERFACE_ID), FST_T_ID);
    cr_expect_eq(fst_field_type(FST_F_TCP_FLAGS), FST_T_FLAGS);
    cr_expect_eq(fst_field_type(FST_FIELD_COUNT), -1);
    cr_expect_eq(fst_field_version(FST_F_BYTES), 2);
    cr_expect_eq(fst_field_version(FST_F_TCP_FLAGS), 3);
    cr_expect_eq(fst_field_version(FST_F_AZ_ID), 4);
    cr_expect_eq(fst_field_version(FST_F_TRAFFIC_PATH), 5);
    cr_expect_eq(fst_field_version(FST_F_TGW_ID), 6);
    cr_expect_eq(fst_field_version(FST_F_ECS_TASK_ID), 7);
    cr_expect_eq(fst_field_version(FST_F_REJECT_REASON), 8);
    cr_expect_eq(fst_field_version(-3), -1);
}

Test(fields, lookup_spellings)
{
    cr_expect_eq(fst_field_lookup(S("pkt-srcaddr")), FST_F_PKT_SRCADDR);
    cr_expect_eq(fst_field_lookup(S("pkt_srcaddr")), FST_F_PKT_SRCADDR);
    cr_expect_eq(fst_field_lookup(S("${pkt-srcaddr}")), FST_F_PKT_SRCADDR);
    cr_expect_eq(fst_field_lookup(S("${log_status}")), FST_F_LOG_STATUS);
    cr_expect_eq(fst_field_lookup(S("version")), FST_F_VERSION);
    cr_expect_eq(fst_field_lookup(S("packets-lost-ttl-expired")), FST_F_PACKETS_LOST_TTL_EXPIRED);
    cr_expect_eq(fst_field_lookup(S("vpc_id")), FST_F_VPC_ID);
    /* case-sensitive, no prefixes, no extras */
    cr_expect_eq(fst_field_lookup(S("Version")), FST_F_UNKNOWN);
    cr_expect_eq(fst_field_lookup(S("SRCADDR")), FST_F_UNKNOWN);
    cr_expect_eq(fst_field_lookup(S("src")), FST_F_UNKNOWN);
    cr_expect_eq(fst_field_lookup(S("srcaddrx")), FST_F_UNKNOWN);
    cr_expect_eq(fst_field_lookup(S("gip_port")), FST_F_UNKNOWN);
    cr_expect_eq(fst_field_lookup(S("${}")), FST_F_UNKNOWN);
    cr_expect_eq(fst_field_lookup(S("")), FST_F_UNKNOWN);
    /* only the length given counts */
    cr_expect_eq(fst_field_lookup("endless", 3), FST_F_END);
}

Test(fields, name_shaped)
{
    cr_expect(fst__name_shaped(S("log-status")));
    cr_expect(fst__name_shaped(S("gip_port")));
    cr_expect(fst__name_shaped(S("${srcaddr}")));
    cr_expect_not(fst__name_shaped(S("2")));
    cr_expect(fst__name_shaped(S("eni-1235b8ca"))); /* shaped, though not a field */
    cr_expect_not(fst__name_shaped(S("IPv4")));
    cr_expect_not(fst__name_shaped(S("10.0.0.1")));
    cr_expect_not(fst__name_shaped(S("-")));
}

/* ---- numbers --------------------------------------------------------- */

Test(fields, u64_valid_and_boundaries)
{
    uint64_t v = 7;
    cr_expect_eq(fst__parse_u64(S("0"), &v), 0);
    cr_expect_eq(v, 0);
    cr_expect_eq(fst__parse_u64(S("1418530010"), &v), 0);
    cr_expect_eq(v, UINT64_C(1418530010));
    cr_expect_eq(fst__parse_u64(S("18446744073709551615"), &v), 0);
    cr_expect_eq(v, UINT64_MAX);
    cr_expect_eq(fst__parse_u64(S("0018446744073709551615"), &v), 0);
    cr_expect_eq(v, UINT64_MAX);
    cr_expect_eq(fst__parse_u64(S("9999999999999999999"), &v), 0); /* 19 nines */
    cr_expect_eq(v, UINT64_C(9999999999999999999));
}

Test(fields, u64_invalid)
{
    uint64_t v = 42;
    cr_expect_eq(fst__parse_u64(S("18446744073709551616"), &v), FST_ERANGE);
    cr_expect_eq(fst__parse_u64(S("99999999999999999999"), &v), FST_ERANGE);
    cr_expect_eq(fst__parse_u64(S("184467440737095516150"), &v), FST_ERANGE);
    cr_expect_eq(fst__parse_u64(S(""), &v), FST_ENUMBER);
    cr_expect_eq(fst__parse_u64(S("+1"), &v), FST_ENUMBER);
    cr_expect_eq(fst__parse_u64(S("-1"), &v), FST_ENUMBER);
    cr_expect_eq(fst__parse_u64(S("12a"), &v), FST_ENUMBER);
    cr_expect_eq(fst__parse_u64(S("1 2"), &v), FST_ENUMBER);
    cr_expect_eq(fst__parse_u64(S("0x10"), &v), FST_ENUMBER);
    cr_expect_eq(fst__parse_u64(S("2.0"), &v), FST_ENUMBER);
    /* a non-digit after an overflow is still "not a number" */
    cr_expect_eq(fst__parse_u64(S("99999999999999999999x"), &v), FST_ENUMBER);
    cr_expect_eq(v, 42, "failed parses leave the output alone");
}

Test(fields, typed_ranges)
{
    uint64_t v = 0;
    cr_expect_eq(fst__parse_typed(FST_T_PORT, S("65535"), &v), 0);
    cr_expect_eq(v, 65535);
    cr_expect_eq(fst__parse_typed(FST_T_PORT, S("0"), &v), 0);
    cr_expect_eq(v, 0);
    cr_expect_eq(fst__parse_typed(FST_T_PORT, S("65536"), &v), FST_ERANGE);
    cr_expect_eq(fst__parse_typed(FST_T_PORT, S("70000"), &v), FST_ERANGE);
    cr_expect_eq(fst__parse_typed(FST_T_PORT, S("80a"), &v), FST_ENUMBER);
    cr_expect_eq(fst__parse_typed(FST_T_FLAGS, S("255"), &v), 0);
    cr_expect_eq(v, 255);
    cr_expect_eq(fst__parse_typed(FST_T_FLAGS, S("256"), &v), FST_ERANGE);
    cr_expect_eq(fst__parse_typed(FST_T_SMALL, S("8"), &v), 0);
    cr_expect_eq(v, 8);
    cr_expect_eq(fst__parse_typed(FST_T_SMALL, S("1000"), &v), FST_ERANGE);
    cr_expect_eq(fst__parse_typed(FST_T_TIME, S("1566848875"), &v), 0);
    cr_expect_eq(v, UINT64_C(1566848875));
    cr_expect_eq(fst__parse_typed(FST_T_UINT, S("18446744073709551616"), &v), FST_ERANGE);
    cr_expect_eq(fst__parse_typed(FST_T_UINT, S("ten"), &v), FST_ENUMBER);
}

Test(fields, protocol)
{
    uint64_t v = 0;
    cr_expect_eq(fst__parse_proto(S("6"), &v), 0);
    cr_expect_eq(v, 6);
    cr_expect_eq(fst__parse_proto(S("255"), &v), 0);
    cr_expect_eq(v, 255);
    cr_expect_eq(fst__parse_proto(S("256"), &v), FST_ERANGE);
    cr_expect_eq(fst__parse_proto(S("TCP"), &v), 0);
    cr_expect_eq(v, 6);
    cr_expect_eq(fst__parse_proto(S("udp"), &v), 0);
    cr_expect_eq(v, 17);
    cr_expect_eq(fst__parse_proto(S("Icmp"), &v), 0);
    cr_expect_eq(v, 1);
    cr_expect_eq(fst__parse_proto(S("ICMPv6"), &v), 0);
    cr_expect_eq(v, 58);
    cr_expect_eq(fst__parse_proto(S("SCTP"), &v), FST_ENUMBER);
    cr_expect_eq(fst__parse_proto(S(""), &v), FST_ENUMBER);
}

Test(fields, enums)
{
    uint64_t v = 0;
    cr_expect_eq(fst__parse_action(S("ACCEPT"), &v), 0);
    cr_expect_eq(v, FST_ACTION_ACCEPT);
    cr_expect_eq(fst__parse_action(S("REJECT"), &v), 0);
    cr_expect_eq(v, FST_ACTION_REJECT);
    cr_expect_eq(fst__parse_action(S("DROP"), &v), FST_EVALUE);
    cr_expect_eq(fst__parse_action(S("ACCEPTED"), &v), FST_EVALUE);

    cr_expect_eq(fst__parse_status(S("OK"), &v), 0);
    cr_expect_eq(v, FST_STATUS_OK);
    cr_expect_eq(fst__parse_status(S("NODATA"), &v), 0);
    cr_expect_eq(v, FST_STATUS_NODATA);
    cr_expect_eq(fst__parse_status(S("SKIPDATA"), &v), 0);
    cr_expect_eq(v, FST_STATUS_SKIPDATA);
    cr_expect_eq(fst__parse_status(S("NO"), &v), FST_EVALUE);

    cr_expect_eq(fst__parse_dir(S("ingress"), &v), 0);
    cr_expect_eq(v, FST_DIR_INGRESS);
    cr_expect_eq(fst__parse_dir(S("egress"), &v), 0);
    cr_expect_eq(v, FST_DIR_EGRESS);
    cr_expect_eq(fst__parse_dir(S("INGRESS"), &v), 0);
    cr_expect_eq(v, FST_DIR_INGRESS);
    cr_expect_eq(fst__parse_dir(S("EGRESS"), &v), 0);
    cr_expect_eq(v, FST_DIR_EGRESS);
    cr_expect_eq(fst__parse_dir(S("inbound"), &v), FST_EVALUE);

    cr_expect_eq(fst__parse_iptype(S("IPv4"), &v), 0);
    cr_expect_eq(v, FST_IPTYPE_IPV4);
    cr_expect_eq(fst__parse_iptype(S("IPv6"), &v), 0);
    cr_expect_eq(v, FST_IPTYPE_IPV6);
    cr_expect_eq(fst__parse_iptype(S("EFA"), &v), 0);
    cr_expect_eq(v, FST_IPTYPE_EFA);
    cr_expect_eq(fst__parse_iptype(S("IPv5"), &v), FST_EVALUE);

    cr_expect_eq(fst__parse_typed(FST_T_ACTION, S("REJECT"), &v), 0);
    cr_expect_eq(v, FST_ACTION_REJECT);
    cr_expect_eq(fst__parse_typed(FST_T_STATUS, S("BAD"), &v), FST_EVALUE);
}

/* ---- addresses ------------------------------------------------------- */

static void expect_v4(const char *text, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    fst_addr x;
    memset(&x, 0xaa, sizeof x);
    cr_assert_eq(fst_addr_parse(text, strlen(text), &x), 0, "%s", text);
    const uint8_t want[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d};
    cr_expect_eq(x.family, 4, "%s", text);
    cr_expect_arr_eq(x.b, want, 16, "%s", text);
}

Test(fields, ipv4_valid)
{
    expect_v4("10.0.0.62", 10, 0, 0, 62);
    expect_v4("0.0.0.0", 0, 0, 0, 0);
    expect_v4("255.255.255.255", 255, 255, 255, 255);
    expect_v4("172.31.16.139", 172, 31, 16, 139);
}

static void expect_bad(const char *text)
{
    fst_addr x;
    cr_expect_eq(fst_addr_parse(text, strlen(text), &x), FST_EADDR, "should reject \"%s\"", text);
}

Test(fields, ipv4_invalid)
{
    expect_bad("256.0.0.1");
    expect_bad("1.2.3");
    expect_bad("1.2.3.4.5");
    expect_bad("1..3.4");
    expect_bad(".1.2.3");
    expect_bad("1.2.3.");
    expect_bad("+1.2.3.4");
    expect_bad("1.+2.3.4");
    expect_bad("1.2.3.4 ");
    expect_bad("1.2.3.1000");
    expect_bad("01.2.3.4");
    expect_bad("a.b.c.d");
    expect_bad("");
    expect_bad("-");
}

static void expect_v6(const char *text, const uint8_t want[16])
{
    fst_addr x;
    memset(&x, 0xaa, sizeof x);
    cr_assert_eq(fst_addr_parse(text, strlen(text), &x), 0, "should accept \"%s\"", text);
    cr_expect_eq(x.family, 6, "%s", text);
    cr_expect_arr_eq(x.b, want, 16, "%s", text);
}

Test(fields, ipv6_forms)
{
    const uint8_t db8_1[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    expect_v6("2001:db8::1", db8_1);
    expect_v6("2001:0db8:0000:0000:0000:0000:0000:0001", db8_1);
    expect_v6("2001:DB8:0:0:0:0:0:1", db8_1);
    expect_v6("2001:db8:0::0:1", db8_1);
    const uint8_t zero[16] = {0};
    expect_v6("::", zero);
    const uint8_t one[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    expect_v6("::1", one);
    const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4};
    expect_v6("::ffff:1.2.3.4", mapped);
    expect_v6("::FFFF:1.2.3.4", mapped);
    expect_v6("0:0:0:0:0:ffff:1.2.3.4", mapped);
    const uint8_t doc[16] = {0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0xa1, 0x00,
                             0x8d, 0x6e, 0x34, 0x77, 0xdf, 0x66, 0xf1, 0x05};
    expect_v6("2001:db8:1234:a100:8d6e:3477:df66:f105", doc);
    const uint8_t trail[16] = {0x2a, 0x02, 0xcf, 0x40, 0};
    expect_v6("2a02:cf40::", trail);
    const uint8_t seven[16] = {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0};
    expect_v6("1:2:3:4:5:6:7::", seven);
    const uint8_t lead[16] = {0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8};
    expect_v6("::2:3:4:5:6:7:8", lead);
    const uint8_t v4tail[16] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 33};
    expect_v6("64:ff9b::192.0.2.33", v4tail);
}

Test(fields, ipv6_invalid)
{
    expect_bad(":");
    expect_bad(":::");
    expect_bad("1:::2");
    expect_bad("1::2::3");
    expect_bad(":1::2");
    expect_bad("1::2:");
    expect_bad("1:2:3:4:5:6:7");
    expect_bad("1:2:3:4:5:6:7:8:9");
    expect_bad("1:2:3:4:5:6:7:8::");
    expect_bad("::1:2:3:4:5:6:7:8");
    expect_bad("1:2:3:4::5:6:7:8");
    expect_bad("12345::1");
    expect_bad("g::1");
    expect_bad("fe80::1%eth0");
    expect_bad("[::1]");
    expect_bad("::1.2.3");
    expect_bad("::1.2.3.256");
    expect_bad("1:2:3:4:5:6:7:1.2.3.4");
    expect_bad("::1.2.3.4:5");
    expect_bad("2001:db8::/32");
}

static void expect_format(const char *in, const char *want)
{
    fst_addr x;
    char buf[FST_ADDR_STRLEN];
    cr_assert_eq(fst_addr_parse(in, strlen(in), &x), 0, "parse %s", in);
    size_t n = fst_addr_format(&x, buf, sizeof buf);
    cr_expect_str_eq(buf, want, "format of %s", in);
    cr_expect_eq(n, strlen(want), "length for %s", in);
}

Test(fields, rfc5952_canonical)
{
    expect_format("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
    expect_format("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
    expect_format("2001:DB8::A", "2001:db8::a");
    expect_format("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"); /* one zero group stays */
    expect_format("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");         /* longest run wins */
    expect_format("0:0:0:0:0:0:0:0", "::");
    expect_format("0:0:0:0:0:0:0:1", "::1");
    expect_format("1:0:0:0:0:0:0:0", "1::");
    expect_format("2a02:cf40::", "2a02:cf40::");
    expect_format("2001:db8:1234:a100:8d6e:3477:df66:f105",
                  "2001:db8:1234:a100:8d6e:3477:df66:f105");
    expect_format("::ffff:1.2.3.4", "::ffff:1.2.3.4");
    expect_format("::ffff:0102:0304", "::ffff:1.2.3.4");
    expect_format("10.0.0.62", "10.0.0.62");
    expect_format("255.255.255.255", "255.255.255.255");
    expect_format("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

Test(fields, format_small_buffers_and_none)
{
    fst_addr x;
    char buf[8];
    cr_assert_eq(fst_addr_parse(S("172.31.16.139"), &x), 0);
    size_t n = fst_addr_format(&x, buf, sizeof buf);
    cr_expect_str_eq(buf, "172.31.");
    cr_expect_eq(n, 7);
    fst_addr none;
    memset(&none, 0, sizeof none);
    char b2[FST_ADDR_STRLEN];
    fst_addr_format(&none, b2, sizeof b2);
    cr_expect_str_eq(b2, "-");
}

Test(fields, addr_cmp)
{
    fst_addr a, b, c, m;
    cr_assert_eq(fst_addr_parse(S("10.0.0.1"), &a), 0);
    cr_assert_eq(fst_addr_parse(S("10.0.0.2"), &b), 0);
    cr_assert_eq(fst_addr_parse(S("::1"), &c), 0);
    cr_assert_eq(fst_addr_parse(S("::ffff:10.0.0.1"), &m), 0);
    cr_expect_lt(fst_addr_cmp(&a, &b), 0);
    cr_expect_gt(fst_addr_cmp(&b, &a), 0);
    cr_expect_eq(fst_addr_cmp(&a, &a), 0);
    cr_expect_lt(fst_addr_cmp(&a, &c), 0, "family 4 sorts before 6");
    cr_expect_neq(fst_addr_cmp(&a, &m), 0, "same bytes, different family");
    cr_expect_arr_eq(a.b, m.b, 16);
}
